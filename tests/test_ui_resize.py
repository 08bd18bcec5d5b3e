"""Resizing keeps every element of every scene inside the window and not overlapping."""

from __future__ import annotations

import pytest

from game.ui import layout
from game.ui.pg import pygame

SIZES = [(800, 600), (1920, 1080)]


def _check_scene(d, size) -> None:
    assert d.app.window.get_size() == size
    rects = d.scene.element_rects()
    assert rects, d.scene.name
    out = layout.inside(rects.values(), size)
    assert not out, f"{d.scene.name} at {size}: outside the window: {out}"
    bad = layout.overlaps(rects)
    assert not bad, f"{d.scene.name} at {size}: overlapping: {bad}"


def _visit(d, size) -> list[str]:
    """Go through every scene, resizing in each, and check it."""
    seen = []

    def here() -> None:
        d.resize(size)
        _check_scene(d, size)
        seen.append(d.scene.name)
        d.resize((1280, 720))
        d.resize(size)
        _check_scene(d, size)

    here()  # title
    d.click_button("settings")
    here()
    d.key(pygame.K_ESCAPE)
    d.click_button("new_game")
    here()  # setup
    d.click_button("continue")
    here()  # briefing
    d.click_button("begin")
    d.wait(lambda: d.app.game.advice() is not None)
    here()  # room
    d.key(pygame.K_ESCAPE)
    here()  # pause
    d.key(pygame.K_ESCAPE)
    d.key(pygame.K_F1)
    here()  # help
    d.key(pygame.K_F1)
    while d.scene.name != "end":
        if d.scene.name == "room":
            d.key(pygame.K_2 if d.scene.snap.options[1].available else pygame.K_1)
            d.key(pygame.K_RETURN)
            d.wait(lambda: d.scene.name != "room")
            if "resolution" not in seen:
                here()
        else:
            d.key(pygame.K_RETURN)
    here()  # end
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES)
def test_every_scene_fits_after_resize(ui_app, size) -> None:
    d = ui_app()
    seen = _visit(d, size)
    assert seen == [
        "title",
        "settings",
        "setup",
        "briefing",
        "room",
        "pause",
        "help",
        "resolution",
        "end",
    ]


def test_room_fits_the_real_scenario_at_both_sizes(ui_app) -> None:
    from game.scenario.paths import default_scenario

    d = ui_app(scenario=default_scenario(), seed=3)
    for _ in range(3):
        d.key(pygame.K_RETURN)
    assert d.scene.name == "room" and len(d.scene.snap.options) >= 10
    for size in SIZES:
        d.resize(size)
        _check_scene(d, size)
