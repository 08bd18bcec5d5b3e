"""Shared test setup.

UI tests run headless: the SDL dummy video and audio drivers are chosen here,
before anything imports pygame.
"""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

MINI_SCENARIO = Path(__file__).parent / "data" / "mini.yaml"


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
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    # Tests never read or write the player's real saves: an old autosave there
    # (or one a test leaves behind) must not change what a test sees.
    monkeypatch.setenv("BRINK_DATA_DIR", str(tmp_path_factory.mktemp("brink-data")))


@pytest.fixture
def ui_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh BRINK_DATA_DIR (autosaves, saves, settings) per test."""
    d = tmp_path / "brink-data"
    monkeypatch.setenv("BRINK_DATA_DIR", str(d))
    return d


@pytest.fixture
def ui_app(ui_data_dir: Path) -> Iterator[Callable[..., UIDriver]]:
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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: long runs (fuzzing); run them with BRINK_SLOW=1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("BRINK_SLOW"):
        return
    skip = pytest.mark.skip(reason="slow: set BRINK_SLOW=1 to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
