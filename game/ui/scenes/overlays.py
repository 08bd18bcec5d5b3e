"""Overlays on the stack: help (F1), pause menu (Esc), load, message."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from game.ui import layout
from game.ui.backend import Game, list_saves
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import veil

if TYPE_CHECKING:
    from game.ui.app import App

KEYS = [
    ("1 – 9, 0", "choose option 1 to 10 (its details and forecast show)"),
    ("Q W E R…", "choose option 11, 12, 13…"),
    ("Enter", "commit the chosen option / press the focused button"),
    ("Tab / Shift+Tab", "move the keyboard focus"),
    ("Arrow keys", "move between options; change a setting"),
    ("Page Up / Down", "scroll the news feed"),
    ("Esc", "menu: resume, save, load, settings, quit"),
    ("F1", "this help"),
    ("F9", "teacher console (classroom games; asks for the PIN)"),
]


class HelpScene(Scene):
    name = "help"
    overlay = True
    pausable = False
    esc_closes = True

    def build_ui(self) -> None:
        L = layout.help_box(self.app.size)
        self.box = L["panel"]
        self.button(L["button[0]"], "Close (F1)", self.app.pop, "close_help")
        self.focus_named("close_help")

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 190)
        r = self.panel(surface, self.box, "Keys", accent=p.caution)
        size = t.px(15)
        lh = t.line_height(size) + 6
        y = r.y + 4
        col = r.x + min(190, r.width // 3)
        for key, what in KEYS:
            if y + lh > self.box.bottom - 60:
                break
            t.blit(surface, key, (col - 14, y), size, p.caution, "bold", "topright")
            t.blit(surface, what, (col, y), size, p.text, max_width=r.right - col)
            y += lh
        t.blit(
            surface,
            "Everything works by mouse too: click options, hover for forecasts and tooltips.",
            (r.x, y + 4),
            t.px(13),
            p.dim,
            max_width=r.width,
        )

    def labels(self) -> list[str]:
        return ["Keys", *[k for k, _ in KEYS], *super().labels()]


class PauseScene(Scene):
    name = "pause"
    overlay = True
    pausable = False
    esc_closes = True

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.note = ""
        self.pending: Future[Path] | None = None

    def build_ui(self) -> None:
        L = layout.menu(self.app.size, 5, title=False, head=self.header_height())
        self.L = L
        self.button(L["button[0]"], "Resume", self.app.pop, "resume")
        self.button(L["button[1]"], "Save", self.save, "save", enabled=self.app.game is not None)
        self.button(L["button[2]"], "Load", self.load, "load")
        self.button(L["button[3]"], "Settings", self.settings, "settings")
        self.button(L["button[4]"], "Quit to title", self.to_title, "quit_to_title")
        if self.focus_index < 0:
            self.focus_named("resume")

    def save(self) -> None:
        g = self.app.game
        if g is None:
            return
        name = f"save-{g.scenario.meta.id}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
        self.pending = g.save_as(name)
        self.note = "Saving…"

    def update(self, dt_: float) -> None:
        f = self.pending
        if f is not None and f.done():
            self.pending = None
            try:
                path = f.result()
                self.note = f"Saved: {getattr(path, 'name', path)}"
            except Exception as e:
                self.note = f"Could not save: {e}"

    def load(self) -> None:
        self.app.push(LoadScene(self.app))

    def settings(self) -> None:
        from game.ui.scenes.settings import SettingsScene

        self.app.push(SettingsScene(self.app))

    def to_title(self) -> None:
        from game.ui.scenes.title import TitleScene

        g = self.app.game
        if g is not None:
            g.close(autosave=True)
        self.app.game = None
        self.app.reset(TitleScene(self.app))

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 185)
        r = self.L["frame"]
        self.panel(surface, r, "Paused", accent=p.caution)
        if self.note:
            t.blit(
                surface,
                self.note,
                (r.centerx, r.bottom + 8),
                t.px(14),
                p.calm,
                anchor="midtop",
                max_width=r.width + 200,
            )


class LoadScene(Scene):
    name = "load"
    overlay = True
    pausable = False
    esc_closes = True

    def build_ui(self) -> None:
        saves = list_saves()[:8]
        self.saves = saves
        L = layout.menu(self.app.size, len(saves) + 1, title=False, head=self.header_height())
        self.L = L
        for i, p in enumerate(saves):
            when = dt.datetime.fromtimestamp(p.stat().st_mtime).strftime("%d %b %H:%M")
            self.button(
                L[f"button[{i}]"],
                f"{p.stem}  ·  {when}",
                partial(self.open, p),
                f"save_{i}",
                cls="@choice",
            )
        self.button(L[f"button[{len(saves)}]"], "Back", self.app.pop, "back")
        if self.focus_index < 0:
            self.set_focus(0)

    def open(self, path) -> None:
        try:
            game = Game.load(path)
        except Exception as e:
            self.app.push(MessageScene(self.app, "Cannot load this save", str(e)))
            return
        game.open(self.app)

    def draw(self, surface: pygame.Surface) -> None:
        p = self.app.palette
        veil(surface, 200)
        title = "Load a game" if self.saves else "No saved games yet"
        self.panel(surface, self.L["frame"], title, accent=p.accent)


class MessageScene(Scene):
    name = "message"
    overlay = True
    pausable = False
    esc_closes = True

    def __init__(self, app: App, title: str, body: str) -> None:
        super().__init__(app)
        self.title, self.body = title, body

    def build_ui(self) -> None:
        L = layout.message(self.app.size)
        self.box = L["panel"]
        self.button(L["button[0]"], "OK", self.app.pop, "ok")
        self.focus_named("ok")

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 200)
        r = self.panel(surface, self.box, self.title, accent=p.danger)
        t.blit_wrapped(
            surface, self.body, pygame.Rect(r.x, r.y, r.width, r.height - 56), t.px(14), p.text
        )

    def labels(self) -> list[str]:
        return [self.title, self.body, *super().labels()]
