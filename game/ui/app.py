"""The App: one object owning the window, the UIManager, the clock and the scene stack.

``App.tick()`` runs one frame (events, update, draw, flip) so tests can drive the
game frame by frame; ``App.run()`` loops until the window closes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pygame_gui

from game.i18n import _
from game.scenario.paths import ASSETS
from game.ui import palette as pal
from game.ui.backend import Game, data_dir
from game.ui.mapview import MapRenderer
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.settings import MAX_TEXT_SCALE, Settings, text_setting_for
from game.ui.sound import Sound
from game.ui.text import FONT_FILES, Text

THEME_FILE = ASSETS / "theme" / "theme.json"
FPS = 60
MIN_SIZE = (800, 600)  # the layouts are tested down to this


def text_scale_for(size: tuple[int, int], setting: float) -> float:
    """The text scale drawn: the player's setting (capped in small windows), times a
    window factor (text grows on large windows: 1 up to 1280×720, up to 1.5 at
    1920×1080), at most 2×."""
    window = min(max(1.0, min(size[0] / 1280, size[1] / 720)), 1.5)
    return round(min(MAX_TEXT_SCALE, text_setting_for(size, setting) * window), 2)


def _scaled_theme(scale: float, light: bool = False) -> dict[str, Any]:
    """The theme with every font size multiplied by ``scale`` (and, for a light palette,
    every colour's lightness turned over)."""
    with THEME_FILE.open(encoding="utf-8") as fh:
        theme = json.load(fh)
    for block in theme.values():
        font = block.get("font") if isinstance(block, dict) else None
        if font and "size" in font:
            font["size"] = str(max(8, round(int(font["size"]) * scale)))
        colours = block.get("colours") if isinstance(block, dict) else None
        if light and colours:
            for k, v in colours.items():
                colours[k] = pal.light_theme_colour(v)
    return theme


def make_manager(
    size: tuple[int, int], text_scale: float = 1.0, light: bool = False
) -> pygame_gui.UIManager:
    """A UIManager with the bundled Noto Sans / Fira Code and the game's theme."""
    pygame.font.init()
    manager = pygame_gui.UIManager(size, enable_live_theme_updates=False)
    manager.add_font_paths(
        "brink_sans",
        str(FONT_FILES["regular"]),
        str(FONT_FILES["bold"]),
        str(FONT_FILES["italic"]),
        str(FONT_FILES["bold_italic"]),
    )
    manager.add_font_paths("brink_mono", str(FONT_FILES["mono"]))
    theme = manager.get_theme()
    if abs(text_scale - 1.0) < 1e-6 and not light:
        theme.load_theme(str(THEME_FILE))
    else:
        theme.load_theme(_scaled_theme(text_scale, light))
    fonts: list[dict[str, Any]] = []
    for px in sorted({max(8, round(s * text_scale)) for s in (13, 14, 15, 16, 17, 18, 20)}):
        for style in ("regular", "bold", "italic"):
            fonts.append({"name": "brink_sans", "point_size": px, "style": style})
    fonts.append(
        {"name": "brink_mono", "point_size": max(8, round(16 * text_scale)), "style": "regular"}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "already loaded" by the theme
        manager.preload_fonts(fonts)
    return manager


class App:
    def __init__(
        self,
        size: tuple[int, int] | None = None,
        settings: Settings | None = None,
        scenario: str | None = None,
        seed: int | None = None,
        save_settings: bool = True,
    ) -> None:
        self.t_start = time.perf_counter()
        # hand the GIL between the frame loop and the forecast worker often
        sys.setswitchinterval(0.001)
        self.settings_path = data_dir() / "settings.json"
        self.settings = settings or Settings.load(self.settings_path)
        self.save_settings_enabled = save_settings
        if size is not None:
            self.settings.width, self.settings.height = size
        self.scenario_arg = scenario
        self.seed_arg = seed
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption(_("Brinkmanship"))
        self.window = self._set_mode(self.settings.size, self.settings.fullscreen)
        self.size = self.window.get_size()
        self.palette = pal.get(self.settings.palette)
        self.text_scale = text_scale_for(self.size, self.settings.text_scale)
        self.text = Text(self.text_scale)
        self.manager = make_manager(self.size, self.text_scale, self.palette.light)
        self.map = MapRenderer(self.text)
        self.sound = Sound(self.settings.sound)
        self.clock = pygame.time.Clock()
        self.stack: list[Scene] = []
        self.running = True
        self.frames = 0
        self.first_frame_s: float | None = None
        self.time = 0.0
        self.game: Game | None = None
        pygame.key.set_repeat(350, 40)
        from game.ui.scenes.title import TitleScene

        self.push(TitleScene(self))

    # ---- window
    def _set_mode(self, size: tuple[int, int], fullscreen: bool) -> pygame.Surface:
        flags = pygame.RESIZABLE
        if fullscreen:
            flags |= pygame.FULLSCREEN
        try:
            return pygame.display.set_mode(size, flags)
        except pygame.error:
            return pygame.display.set_mode(size, pygame.RESIZABLE)

    def resize(self, size: tuple[int, int], fullscreen: bool | None = None) -> None:
        size = (max(MIN_SIZE[0], int(size[0])), max(MIN_SIZE[1], int(size[1])))
        if fullscreen is None:
            fullscreen = self.settings.fullscreen
        self.window = self._set_mode(size, fullscreen)
        self.size = self.window.get_size()
        if text_scale_for(self.size, self.settings.text_scale) != self.text_scale:
            self._rescale_text()
        else:
            self.manager.set_window_resolution(self.size)
        for scene in self.stack:
            scene.recreate_ui()

    def _rescale_text(self) -> None:
        """New fonts for the window and the text setting (the widgets are rebuilt after)."""
        self.text_scale = text_scale_for(self.size, self.settings.text_scale)
        self.text = Text(self.text_scale)
        self.map = MapRenderer(self.text)
        for scene in self.stack:
            scene.clear_ui()
        self.manager = make_manager(self.size, self.text_scale, self.palette.light)

    def apply_settings(self, settings: Settings) -> None:
        """Apply changed settings: size, fullscreen, text size, palette, sound."""
        old = self.settings
        self.settings = settings
        was_light = self.palette.light
        self.palette = pal.get(settings.palette)
        self.sound.enabled = settings.sound
        if settings.text_scale != old.text_scale or self.palette.light != was_light:
            self._rescale_text()
        if settings.size != self.size or settings.fullscreen != old.fullscreen:
            self.resize(settings.size, settings.fullscreen)
        else:
            for scene in self.stack:
                scene.recreate_ui()
        if self.save_settings_enabled:
            settings.save(self.settings_path)

    # ---- scene stack
    @property
    def scene(self) -> Scene:
        return self.stack[-1]

    def push(self, scene: Scene) -> Scene:
        if scene.overlay and self.frames:
            # what was on screen, widgets and all: an overlay is drawn over it, so the
            # scene below keeps its text boxes and buttons in view (they are paused)
            scene.under = self.window.copy()
        if self.stack:
            self.stack[-1].pause()
        self.stack.append(scene)
        scene.startup()
        self._settle()
        return scene

    def pop(self) -> Scene | None:
        if not self.stack:
            return None
        top = self.stack.pop()
        top.shutdown()
        if self.stack:
            self.stack[-1].resume()
        self._settle()
        return top

    def replace(self, scene: Scene) -> Scene:
        if self.stack:
            self.stack.pop().shutdown()
        self.stack.append(scene)
        scene.startup()
        self._settle()
        return scene

    def reset(self, scene: Scene) -> Scene:
        """Clear the stack down to ``scene`` alone (quit to title, new game)."""
        while self.stack:
            self.stack.pop().shutdown()
        self.stack.append(scene)
        scene.startup()
        self._settle()
        return scene

    def _settle(self) -> None:
        """After a scene change: collect the old scene's garbage now, then freeze what is
        left, so that no garbage collection of the whole heap lands in a frame later (the
        forecast worker allocates a lot, and a collection it triggers holds the GIL)."""
        gc.collect()
        gc.freeze()

    def set_game(self, game: Game | None) -> None:
        if self.game is not None and self.game is not game:
            self.game.close(autosave=False)
        self.game = game

    def open_file(self, path: Path) -> bool:
        """Open a file (the report) in the web browser; False when none could be opened.
        ``BRINK_NO_BROWSER`` set (tests, kiosks) keeps the browser closed."""
        if os.environ.get("BRINK_NO_BROWSER"):
            return False
        import webbrowser

        try:
            return bool(webbrowser.open(path.resolve().as_uri()))
        except (webbrowser.Error, OSError):
            return False

    # ---- frame
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.quit()
            return
        if event.type == pygame.VIDEORESIZE:
            if (event.w, event.h) != self.size:
                self.resize((event.w, event.h))
            return
        if event.type == pygame.WINDOWSIZECHANGED:
            if (event.x, event.y) != self.size:
                self.resize((event.x, event.y))
            return
        is_f9 = event.type == pygame.KEYDOWN and event.key == pygame.K_F9
        if is_f9 and self.game is not None and self.game.toggle_console(self):
            return  # a game with a teacher console
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F1:
            from game.ui.scenes.overlays import HelpScene

            if isinstance(self.scene, HelpScene):
                self.pop()
            else:
                self.push(HelpScene(self))
            return
        if self.manager.process_events(event):
            return  # a widget took it (a click on a button, a key typed into a box)
        rest = self.scene.handle_event(event)
        if rest is None:
            return
        if rest.type == pygame.KEYDOWN and rest.key == pygame.K_ESCAPE and self.scene.pausable:
            if self.game is not None:
                self.game.open_menu(self)
            else:
                from game.ui.scenes.overlays import PauseScene

                self.push(PauseScene(self))

    def tick(self, dt: float | None = None) -> bool:
        """One frame. Returns False once the app has quit."""
        if not self.running:
            return False
        if dt is None:
            dt = self.clock.tick(FPS) / 1000.0
        self.time += dt
        for event in pygame.event.get():
            self.handle(event)
            if not self.running:
                return False
        self.manager.update(dt)
        if self.game is not None:
            self.game.frame(self, dt)  # e.g. a classroom game's turn timer
        if not self.running or not self.stack:
            return False
        # only the top scene acts (it may push or pop); the others wait paused
        self.scene.update(dt)
        self.draw()
        pygame.display.flip()
        self.frames += 1
        if self.first_frame_s is None:
            self.first_frame_s = time.perf_counter() - self.t_start
        return self.running

    def draw(self) -> None:
        surface = self.window
        # draw from the lowest scene that the overlays above it let through
        first = len(self.stack) - 1
        while first > 0 and self.stack[first].overlay:
            first -= 1
        under = self.scene.under if self.scene.overlay else None
        if under is not None and under.get_size() == self.size:
            surface.blit(under, (0, 0))  # the frame below as it was, widgets included
            self.scene.draw(surface)
        else:
            for scene in self.stack[first:]:
                scene.draw(surface)
        self.manager.draw_ui(surface)
        self.scene.draw_over(surface)

    def run_frames(self, n: int, dt: float = 1 / 60) -> None:
        for _frame in range(n):
            if not self.tick(dt):
                break

    def run(self) -> int:
        while self.tick():
            pass
        return 0

    def quit(self) -> None:
        """Close: autosave a game in progress through the engine, then stop."""
        if self.game is not None:
            self.game.close(autosave=True)
        self.running = False
        while self.stack:
            self.stack.pop().shutdown()

    def shutdown(self) -> None:
        if self.running:
            self.quit()
        pygame.quit()


def _size(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        w, h = text.lower().split("x")
        return (int(w), int(h))
    except ValueError:
        raise SystemExit(_("--size should look like 1280x720, got {size!r}", size=text)) from None


def main(args: argparse.Namespace) -> int:
    """``brink`` / ``brink play``: open the window at the title screen."""
    size = _size(getattr(args, "size", None))
    app = App(size=size, scenario=getattr(args, "scenario", None), seed=getattr(args, "seed", None))
    try:
        return app.run()
    except KeyboardInterrupt:
        app.quit()
        return 130
    finally:
        app.shutdown()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(argparse.Namespace(size=None, scenario=None, seed=None)))
