"""The teacher's PIN, typed into a masked box: the door of the console (F9) and of the
Esc menu in a class game, and of a sealed class-game save being continued or loaded.

Wrong PINs are counted per game on disk (``seal.py``'s lockout), so a few wrong ones lock
the box for a while, and quitting does not reset the count.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pygame_gui

from game.engine import seal
from game.engine.entry import PIN_MAX_TYPED
from game.i18n import N_, _, format_number
from game.ui import layout
from game.ui.hotseat import HotSeat
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import veil

if TYPE_CHECKING:
    from game.ui.app import App


class PinPrompt(Scene):
    """A masked PIN box. Wrong -> refused; a few wrong -> locked (30 s, then longer)."""

    name = "pin"
    overlay = True
    pausable = False
    esc_closes = True
    # in English for the catalog (``N_``), translated when drawn
    title = N_("Teacher: PIN")
    prompt = N_("Enter the teacher's PIN (set at the start of the class).")
    action = N_("Open")

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.message = ""
        self.entry_box: pygame_gui.elements.UITextEntryLine | None = None

    def locked(self) -> float:
        """Seconds until the PIN may be tried again (0: it may)."""
        raise NotImplementedError

    def attempt(self, pin: str) -> tuple[bool, str]:
        """One try: (opened, message); on success the scene has moved on."""
        raise NotImplementedError

    def build_ui(self) -> None:
        self.L = layout.pin(self.app.size)
        self.box = self.L["panel"]
        self.entry_box = self.text_entry("pin", self.L["entry"], "", PIN_MAX_TYPED, ring=False)
        self.entry_box.set_allowed_characters("numbers")
        self.entry_box.set_text_hidden(True)
        self.button(self.L["button[0]"], _("Cancel (Esc)"), self.app.pop, "cancel")
        self.button(self.L["button[1]"], _(self.action), self.check, "open_console")
        self.sync_lock()
        if not self.locked():
            self.entry_box.focus()

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
        ok, msg = self.attempt(pin)
        if ok:
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
        r = self.panel(surface, self.box, _(self.title), accent=p.caution)
        t.blit(
            surface,
            _(self.prompt),
            (r.x, r.y),
            t.px(14),
            p.text,
            max_width=r.width,
        )
        wait = self.locked()
        msg = self.message
        if wait > 0:
            msg = _(
                "Too many wrong tries: the PIN is locked for {seconds} s.",
                seconds=format_number(wait, 0),
            )
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
        extra = [_("locked for {seconds} s", seconds=format_number(wait, 0))] if wait > 0 else []
        return [_(self.title), self.message, *extra, *super().labels()]


class PinScene(PinPrompt):
    """F9 (``then="console"``) or Esc (``then="menu"``) in a class game with a PIN."""

    def __init__(
        self, app: App, game: HotSeat, then: Literal["console", "menu"] = "console"
    ) -> None:
        super().__init__(app)
        self.game = game
        self.then = then
        if then == "menu":
            self.title = N_("Menu: teacher's PIN")
            self.prompt = N_("Save, load, settings and quit need the teacher's PIN.")
            self.action = N_("Open menu")
        else:
            self.title = N_("Teacher console: PIN")
            self.action = N_("Open console")

    def locked(self) -> float:
        return self.game.pin_locked(self.app.time)

    def attempt(self, pin: str) -> tuple[bool, str]:
        ok, msg = self.game.try_pin(pin, self.app.time)
        if ok:
            if self.then == "menu":
                from game.ui.scenes.overlays import PauseScene

                self.app.replace(PauseScene(self.app))
            else:
                from game.ui.scenes.classroom.console import ConsoleScene

                self.app.replace(ConsoleScene(self.app, self.game))
        return ok, msg


class SealedSaveScene(PinPrompt):
    """Continue or Load of a sealed class-game save: the PIN opens it (wrong or locked:
    a message, and the box stays)."""

    title = N_("Class game: teacher's PIN")
    prompt = N_("This class game's save is sealed: enter the teacher's PIN to open it.")
    action = N_("Open game")

    def __init__(self, app: App, path: Path, game_id: str | None) -> None:
        super().__init__(app)
        self.path = Path(path)
        self.game_id = game_id
        self._until = 0.0
        self._clock = (time.time(), app.time)  # the wall clock the lockout file keeps
        if game_id is not None:
            self._until = seal.locked_until(game_id, now=self._now()) or 0.0

    def _now(self) -> float:
        return self._clock[0] + (self.app.time - self._clock[1])

    def locked(self) -> float:
        return max(0.0, self._until - self._now())

    def attempt(self, pin: str) -> tuple[bool, str]:
        from game.engine import SaveError
        from game.ui.backend import Game
        from game.ui.scenes.overlays import MessageScene

        try:
            game = Game.load(self.path, pin=pin)
        except SaveError as e:
            if e.reason in ("wrong_pin", "locked"):
                self._until = e.until or 0.0
                return False, e.problem[:1].upper() + e.problem[1:] + "."
            self.app.replace(MessageScene(self.app, _("Cannot open this save"), str(e)))
            return False, ""
        except Exception as e:  # a corrupt save gets a message, not a crash
            self.app.replace(MessageScene(self.app, _("Cannot open this save"), str(e)))
            return False, ""
        game.open(self.app)
        return True, ""


def open_save(app: App, path: Path, where: str = "") -> None:
    """Load (or continue) ``path``; a sealed class-game save asks the teacher's PIN first.
    ``where``: the title of the message if it cannot be opened."""
    where = where or _("Cannot load this save")
    from game.engine import SaveError
    from game.ui.backend import Game
    from game.ui.scenes.overlays import MessageScene

    try:
        game = Game.load(path)
    except SaveError as e:
        if e.reason == "sealed":
            app.push(SealedSaveScene(app, path, sealed_game_id(path)))
            return
        app.push(MessageScene(app, where, str(e)))
        return
    except Exception as e:  # a corrupt save gets a message, not a crash
        app.push(MessageScene(app, where, str(e)))
        return
    game.open(app)


def sealed_game_id(path: Path) -> str | None:
    """The game id of a sealed save (it keys the PIN lockout), or None."""
    import json

    try:
        doc = json.loads(Path(path).read_bytes())
    except (OSError, ValueError):
        return None
    gid = doc.get("game_id") if isinstance(doc, dict) else None
    return gid if isinstance(gid, str) and len(gid) == 32 else None
