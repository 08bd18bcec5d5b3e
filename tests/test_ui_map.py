"""The map as an interface: in every turn of an escalating game of the shipped scenario,
no two markers or their labels overlap, none covers a capital's name, every marker has
a label inside the map, and the tooltip gives its strength and this turn's change."""

from __future__ import annotations

import pytest
from conftest import CHEAP

from game.engine import Seat, Session
from game.scenario import load_scenario
from game.scenario.paths import default_scenario
from game.ui.pg import pygame
from game.ui.placement import Item, collisions, leader_end, place

WAR_PLAN = ["show_of_force", "strike_boats", "land_strikes", "ground_op"]


def test_place_keeps_units_apart_and_off_obstacles() -> None:
    area = pygame.Rect(0, 0, 400, 300)
    items = [Item(f"m{k}", (200, 150), (30, 30), (60, 14), priority=k) for k in range(8)]
    names = [pygame.Rect(190, 120, 80, 16)]
    placed = place(items, area, names)
    assert not collisions(placed)
    for pl in placed:
        assert area.contains(pl.unit) and not pl.unit.colliderect(names[0])
    moved = [pl for pl in placed if pl.moved]
    assert len(moved) >= 7  # one spot at the true place at most
    for pl in moved:  # the leader line ends on the box's edge
        x, y = leader_end(pl)
        assert pl.box.inflate(2, 2).collidepoint(x, y)


def test_a_free_marker_stays_at_its_place() -> None:
    area = pygame.Rect(0, 0, 400, 300)
    (pl,) = place([Item("a", (100, 100), (20, 20), (40, 12))], area)
    assert pl.box.center == (100, 100) and not pl.moved


@pytest.mark.slow
@pytest.mark.parametrize("size,scale", [((800, 600), 1.0), ((1280, 720), 1.3), ((1920, 1080), 1.0)])
def test_no_marker_overlaps_in_any_turn_of_a_war_game(data_dir, size, scale) -> None:
    from game.ui.app import App
    from game.ui.backend import Game
    from game.ui.settings import Settings

    loaded = load_scenario(default_scenario())
    seats = {a.id: (Seat.human() if a.id == "usa" else Seat.ai()) for a in loaded.scenario.actors}
    s = Session.new(loaded, seed=11, seats=seats, ai=CHEAP)
    app = App(
        size=size,
        settings=Settings(width=size[0], height=size[1], text_scale=scale),
        save_settings=False,
    )
    try:
        game = Game(s, loaded, "usa")
        game.open(app)
        seen_markers = 0
        k = 0
        while True:
            room = app.scene
            assert room.name == "room"
            app.run_frames(70)  # the turn's animation is over
            view = room.view()
            mp = room.map
            placed = mp.placed(view, view.markers)
            assert not collisions(placed), (s.turn, collisions(placed))
            names = [  # the names written on the map (capitals' dots may be covered)
                r.move(mp.rect.x, mp.rect.y)
                for r in app.map.name_rects(mp.rect.size, app.palette, *_focus(view))
                if r.width > 8
            ]
            for pl, mk in zip(placed, view.markers, strict=True):
                assert mp.rect.contains(pl.unit), mk.id
                assert pl.label.width > 8, f"{mk.id} has no label"
                covered = [n for n in names if n.colliderect(pl.unit)]
                assert not covered, (s.turn, mk.id, covered)
                tip = mp.hit(pl.box.center, view)
                assert tip is not None and tip[1][0] == mk.label
                assert "Strength" in tip[1][1] and "this turn" in tip[1][1]
            seen_markers = max(seen_markers, len(placed))
            avail = {o.id for o in s.options("usa") if o.available}
            move = next((m for m in WAR_PLAN[k % 4 :] + WAR_PLAN if m in avail), "hold")
            fut = game.commit(move)
            fut.result(timeout=120)
            game.after_resolution()
            game.open(app)
            k += 1
            if s.over:
                assert app.scene.name == "end"
                break
        assert seen_markers >= 5  # the climax had many markers to place
    finally:
        app.quit()


def _focus(view) -> tuple[frozenset[str], frozenset[str]]:
    from game.ui.scenes.room.map import focus_countries, focus_places

    return frozenset(focus_countries(view.scenario)), frozenset(focus_places(view.scenario))
