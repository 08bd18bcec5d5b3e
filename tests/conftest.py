"""Shared test setup: the mini scenario, cheap computer-player settings, a private
data directory for every test, and the UI driver.

UI tests run headless: the SDL dummy video and audio drivers are chosen here,
before anything imports pygame. Modules that need the constants outside a fixture
(in helpers or parametrize lists) import them: ``from conftest import CHEAP, MINI_SCENARIO``.
"""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("BRINK_NO_BROWSER", "1")
os.environ.setdefault(
    "BRINK_NO_TOUR", "1"
)  # the first-turn tour: its own test turns it on  # the end screen's report stays closed
# Tests read English unless they choose a language: the machine's locale must not decide.
os.environ["BRINK_LANG"] = "en"

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from game.engine import AISettings
from game.scenario import Loaded, load_scenario

DATA = Path(__file__).parent / "data"
MINI_SCENARIO = DATA / "mini.yaml"
# Computer players that think little: the tests check rules and replay, not play quality
# (the default settings are measured by benchmarks/bench_engine.py).
CHEAP = AISettings(worlds=16, horizon=2, advice_worlds=16, advice_horizon=2)


class UIDriver:
    """Drives the real App frame by frame with posted events (keyboard, mouse, resize)."""

    def __init__(self, app: Any) -> None:
        from game.ui.pg import pygame

        self.app = app
        self.pg = pygame

    @property
    def scene(self) -> Any:
        return self.app.scene

    def frames(self, n: int = 2) -> None:
        self.app.run_frames(n)

    def key(self, key: int, mod: int = 0, unicode: str = "", frames: int = 2) -> None:
        pg = self.pg
        pg.event.post(pg.event.Event(pg.KEYDOWN, key=key, mod=mod, unicode=unicode, scancode=0))
        pg.event.post(pg.event.Event(pg.KEYUP, key=key, mod=mod, unicode=unicode, scancode=0))
        self.frames(frames)

    def move(self, pos: tuple[int, int], frames: int = 1) -> None:
        pg = self.pg
        pg.mouse.set_pos(pos)
        pg.event.post(pg.event.Event(pg.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
        self.frames(frames)

    def click(self, pos: tuple[int, int], frames: int = 3) -> None:
        pg = self.pg
        pos = (int(pos[0]), int(pos[1]))
        self.move(pos)
        pg.event.post(pg.event.Event(pg.MOUSEBUTTONDOWN, pos=pos, button=1, touch=False))
        self.frames(1)
        pg.event.post(pg.event.Event(pg.MOUSEBUTTONUP, pos=pos, button=1, touch=False))
        self.frames(frames)

    def click_button(self, name: str, frames: int = 3) -> None:
        b = self.scene.button_named(name)
        assert b is not None, f"no button #{name} in {self.scene.name}: {self.scene.labels()}"
        assert b.is_enabled, f"button #{name} is disabled"
        self.click(b.get_abs_rect().center, frames)

    def resize(self, size: tuple[int, int], frames: int = 2) -> None:
        pg = self.pg
        pg.event.post(pg.event.Event(pg.VIDEORESIZE, w=size[0], h=size[1], size=size))
        self.frames(frames)

    def wait(self, cond: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
        t0 = time.perf_counter()
        while not cond():
            if time.perf_counter() - t0 > timeout:
                raise AssertionError(f"timed out waiting for {what or cond}")
            self.frames(1)
            time.sleep(0.002)


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh BRINK_DATA_DIR (autosaves, saves, settings) for every test.

    Tests never read or write the player's real saves: an old autosave there
    (or one a test leaves behind) must not change what a test sees."""
    d = tmp_path_factory.mktemp("brink-data")
    monkeypatch.setenv("BRINK_DATA_DIR", str(d))
    return d


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Every test starts and ends in English, whatever an earlier test (or the settings
    scene a UI test clicked through) chose."""
    from game import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(scope="session")
def mini() -> Loaded:
    """tests/data/mini.yaml, loaded once."""
    return load_scenario(MINI_SCENARIO)


@pytest.fixture
def ui_app(data_dir: Path) -> Iterator[Callable[..., UIDriver]]:
    """Factory: ``ui_app(size=(1280, 720), scenario=..., seed=...)`` -> a UIDriver at the title."""
    from game.ui.app import App

    made: list[Any] = []

    def make(
        size: tuple[int, int] = (1280, 720),
        scenario: str | Path | None = MINI_SCENARIO,
        seed: int | None = 7,
    ) -> UIDriver:
        app = App(
            size=size, scenario=str(scenario) if scenario else None, seed=seed, save_settings=False
        )
        made.append(app)
        drv = UIDriver(app)
        drv.frames(2)
        return drv

    yield make
    for app in made:
        if app.running:
            app.quit()
