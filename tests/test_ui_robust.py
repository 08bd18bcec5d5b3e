"""Robustness of the window: a monkey in the situation room, the scene stack's lifecycle,
the theme, glyph coverage, audio failure and the forecast worker."""

from __future__ import annotations

import json
import random
import warnings
from unittest.mock import Mock

import pygame_gui
import pytest

from game.engine import save_game
from game.engine.saves import replay_file
from game.scenario.paths import ASSETS
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.text import has_glyphs

KEYS = [
    pygame.K_1,
    pygame.K_2,
    pygame.K_3,
    pygame.K_4,
    pygame.K_5,
    pygame.K_9,
    pygame.K_0,
    pygame.K_RETURN,
    pygame.K_TAB,
    pygame.K_ESCAPE,
    pygame.K_F1,
    pygame.K_LEFT,
    pygame.K_RIGHT,
    pygame.K_UP,
    pygame.K_DOWN,
    pygame.K_SPACE,
    pygame.K_PAGEUP,
    pygame.K_PAGEDOWN,
    pygame.K_a,
    pygame.K_BACKSPACE,
]


def _back_to_room(d) -> None:
    """Whatever the monkey opened, return to a situation room (a new game if it ended)."""
    for _ in range(20):
        name = d.scene.name
        if name == "room":
            return
        if name in ("help",):
            d.key(pygame.K_F1, frames=1)
        elif name in ("pause", "settings", "load", "message"):
            d.key(pygame.K_ESCAPE, frames=1)
        elif name == "resolution":
            d.key(pygame.K_RETURN, frames=1)
        elif name in ("title", "end"):
            d.app.set_game(None)
            from game.ui.scenes.title import TitleScene

            d.app.reset(TitleScene(d.app))
            for _ in range(3):
                d.key(pygame.K_RETURN, frames=1)
        else:
            d.key(pygame.K_RETURN, frames=1)
    assert d.scene.name == "room", d.scene.name


@pytest.mark.slow
def test_monkey_5000_random_events_in_the_room(ui_app, tmp_path) -> None:
    """Random keys, clicks and resizes: no crash, no error message on screen, and every
    game the monkey played still re-plays identically from its save."""
    rng = random.Random(20251118)
    d = ui_app()
    for _ in range(3):
        d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    games: list = []  # every game the monkey played, in order
    sizes = [(800, 600), (1024, 768), (1280, 720), (1920, 1080), (900, 650)]
    posted = 0
    while posted < 5000:
        for _ in range(5):
            w, h = d.app.size
            r = rng.random()
            if r < 0.45:
                k = rng.choice(KEYS)
                mod = pygame.KMOD_SHIFT if rng.random() < 0.1 else 0
                pygame.event.post(
                    pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)
                )
                pygame.event.post(
                    pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode="", scancode=0)
                )
            elif r < 0.75:
                pos = (rng.randrange(w), rng.randrange(h))
                pygame.mouse.set_pos(pos)
                pygame.event.post(
                    pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(1, 1), buttons=(0, 0, 0))
                )
            elif r < 0.97:
                pos = (rng.randrange(w), rng.randrange(h))
                button = rng.choice([1, 1, 1, 3, 4, 5])
                pygame.event.post(
                    pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button, touch=False)
                )
                pygame.event.post(
                    pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button, touch=False)
                )
            else:
                size = rng.choice(sizes)
                pygame.event.post(
                    pygame.event.Event(pygame.VIDEORESIZE, w=size[0], h=size[1], size=size)
                )
            posted += 1
        d.frames(1)
        if d.app.game is not None and all(g is not d.app.game for g in games):
            games.append(d.app.game)
        assert d.scene.name != "message", f"{d.scene.title}: {d.scene.body}"
        if not d.app.running:  # the monkey found "Quit": start again
            d = ui_app()
            for _ in range(3):
                d.key(pygame.K_RETURN)
        _back_to_room(d)
    assert any(g.session.turn > 0 for g in games), "the monkey never finished a turn"
    for i, g in enumerate(games):
        g.close(autosave=False)  # (waits for its worker: the session is still from now on)
        path = save_game(g.session, tmp_path / f"monkey-{i}.json")
        _s, _log, diff = replay_file(path, g.loaded, rerun_ai=True)
        assert diff is None, f"game {i} (seed {g.seed}) does not re-play: {diff}"


def test_scene_stack_lifecycle(ui_app) -> None:
    d = ui_app()
    app = d.app
    bottom = Mock(spec=Scene)
    top = Mock(spec=Scene)
    app.reset(bottom)
    bottom.startup.assert_called_once()
    app.push(top)
    bottom.pause.assert_called_once()
    top.startup.assert_called_once()
    app.pop()
    top.shutdown.assert_called_once()
    bottom.resume.assert_called_once()
    other = Mock(spec=Scene)
    app.replace(other)
    bottom.shutdown.assert_called_once()
    assert app.stack == [other]


def test_events_go_to_the_top_scene_and_consumed_ones_stop_there(ui_app) -> None:
    d = ui_app()
    title = d.scene
    d.key(pygame.K_F1)
    assert d.scene.name == "help"
    # Tab moves the help scene's focus, never the title's
    before = title.focus_index
    d.key(pygame.K_TAB)
    assert title.focus_index == before
    d.key(pygame.K_ESCAPE)
    assert d.scene is title


def test_theme_loads_without_warnings() -> None:
    theme = json.loads((ASSETS / "theme" / "theme.json").read_text(encoding="utf-8"))
    assert "@commit" in theme and "button" in theme
    from game.ui.app import make_manager

    pygame.display.init()
    pygame.display.set_mode((800, 600))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        manager = make_manager((800, 600), 1.0)
        b = pygame_gui.elements.UIButton(
            pygame.Rect(0, 0, 100, 30),
            "¿Sí?",
            manager=manager,
            object_id=pygame_gui.core.ObjectID("#x", "@commit"),
        )
        manager.update(0.01)
        manager.draw_ui(pygame.Surface((800, 600)))
    assert b.text == "¿Sí?"


def test_spanish_and_every_shown_label_have_glyphs(ui_app) -> None:
    assert has_glyphs("¿Qué pasó? ¡Sí! Año, niñez, acción, Nicolás, Bolívar — 5 % ± 3 ·")
    d = ui_app()
    seen = set()
    for _ in range(3):
        seen.update(d.scene.labels())
        d.key(pygame.K_RETURN)
    seen.update(d.scene.labels())
    missing = [s for s in seen if not has_glyphs(s)]
    assert not missing, missing


def test_no_audio_device_means_silence(monkeypatch) -> None:
    from game.ui import sound

    def boom(*a, **k):
        raise pygame.error("ALSA: Couldn't open audio device")

    monkeypatch.setattr(pygame.mixer, "init", boom)
    s = sound.Sound(enabled=True)
    assert not s.ok
    s.play("commit")  # silently nothing


def test_what_if_is_computed_off_the_frame_and_cached(ui_app) -> None:
    d = ui_app()
    for _ in range(3):
        d.key(pygame.K_RETURN)
    game = d.app.game
    digest = game.session.log["summary"]
    assert game.what_if("talk") is None  # "estimating…" until the worker is done
    d.wait(lambda: game.cached_what_if("talk") is not None)
    w = game.what_if("talk")
    assert abs(sum(w.p.values()) - 1.0) < 1e-9
    assert game.session.log["summary"] == digest  # looking changed nothing


def test_an_event_a_widget_takes_never_reaches_the_scene(ui_app) -> None:
    d = ui_app()
    for _ in range(3):
        d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    seen: list[int] = []
    room = d.scene
    plain = room.handle_event

    def spy(event: pygame.event.Event) -> pygame.event.Event | None:
        seen.append(event.type)
        return plain(event)

    room.handle_event = spy  # type: ignore[method-assign]
    d.click(room.button_named("menu").get_abs_rect().center)
    assert d.scene.name == "pause"  # the button did its job...
    assert pygame.MOUSEBUTTONDOWN not in seen  # ...and the room never saw the click
    assert pygame_gui.UI_BUTTON_PRESSED in seen


def test_esc_closes_the_overlays_that_say_so_and_pauses_the_rest(ui_app) -> None:
    from game.ui.scenes.overlays import HelpScene, LoadScene, MessageScene, PauseScene

    assert all(s.esc_closes for s in (HelpScene, LoadScene, MessageScene, PauseScene))
    d = ui_app()
    for _ in range(3):
        d.key(pygame.K_RETURN)
    assert d.scene.name == "room" and not d.scene.esc_closes
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "pause"
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "room"
    d.key(pygame.K_F1)
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "room"
