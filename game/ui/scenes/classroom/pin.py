"""F9 in a classroom game: the teacher's PIN, typed into a masked box."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame_gui

from game.engine.entry import PIN_MAX_TYPED
from game.ui import layout
from game.ui.hotseat import HotSeat
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import veil

if TYPE_CHECKING:
    from game.ui.app import App


class PinScene(Scene):
    """F9: the PIN, typed into a masked box. Wrong -> refused; a few wrong -> locked 30 s."""

    name = "pin"
    overlay = True
    pausable = False
    esc_closes = True

    def __init__(self, app: App, game: HotSeat) -> None:
        super().__init__(app)
        self.game = game
        self.message = ""
        self.entry_box: pygame_gui.elements.UITextEntryLine | None = None

    def build_ui(self) -> None:
        self.L = layout.pin(self.app.size)
        self.box = self.L["panel"]
        self.entry_box = self.text_entry("pin", self.L["entry"], "", PIN_MAX_TYPED, ring=False)
        self.entry_box.set_allowed_characters("numbers")
        self.entry_box.set_text_hidden(True)
        self.button(self.L["button[0]"], "Cancel (Esc)", self.app.pop, "cancel")
        self.button(self.L["button[1]"], "Open console", self.check, "open_console")
        self.sync_lock()
        if not self.locked():
            self.entry_box.focus()

    def locked(self) -> float:
        return self.game.pin_locked(self.app.time)

    def sync_lock(self) -> None:
        if self.entry_box is None:
            return
        if self.locked() > 0:
            if self.entry_box.is_enabled:
                self.entry_box.set_text("")
                self.entry_box.disable()
        elif not self.entry_box.is_enabled:
            self.entry_box.enable()
            self.entry_box.focus()
            self.message = ""

    def check(self) -> None:
        if self.entry_box is None:
            return
        pin = self.entry_box.get_text()
        self.entry_box.set_text("")
        ok, msg = self.game.try_pin(pin, self.app.time)
        if ok:
            from game.ui.scenes.classroom.console import ConsoleScene

            self.app.replace(ConsoleScene(self.app, self.game))
            return
        self.message = msg
        self.sync_lock()
        if self.entry_box.is_enabled:
            self.entry_box.focus()

    def update(self, dt: float) -> None:
        self.sync_lock()

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if event.key == pygame.K_ESCAPE:
            self.close()  # even while typing: the door just closes
            return None
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            f = self.focused()
            if f is not None and f.name == "cancel":
                self.close()
            else:
                self.check()
            return None
        return super().handle_key(event)

    def entry_done(self, name: str) -> None:
        self.check()

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 220)
        r = self.panel(surface, self.box, "Teacher console: PIN", accent=p.caution)
        t.blit(
            surface,
            "Enter the teacher's PIN (set at the start of the class).",
            (r.x, r.y),
            t.px(14),
            p.text,
            max_width=r.width,
        )
        wait = self.locked()
        msg = self.message
        if wait > 0:
            msg = f"Too many wrong tries: the PIN is locked for {wait:.0f} s."
        if msg:
            t.blit_wrapped(
                surface,
                msg,
                pygame.Rect(r.x, self.L["entry"].bottom + 8, r.width, 44),
                t.px(13),
                p.danger,
                "bold",
                max_lines=2,
            )

    def labels(self) -> list[str]:
        wait = self.locked()
        extra = [f"locked for {wait:.0f} s"] if wait > 0 else []
        return ["Teacher console: PIN", self.message, *extra, *super().labels()]
