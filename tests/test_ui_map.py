"""The map as an interface: in every turn of an escalating game of the shipped scenario,
no two markers, pins or their labels overlap, none covers a capital's name, every marker
and pin has a label inside the map, and the tooltip gives a marker's strength and this
turn's change, or where a pinned event happened."""

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
        assert area.contains(pl.unit) and names[0].collidelist([pl.box, pl.label]) < 0
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
@pytest.mark.parametrize(
    "size,scale", [((800, 600), 1.0), ((800, 600), 1.3), ((1280, 720), 1.3), ((1920, 1080), 1.0)]
)
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
        seen_pins: set[str] = set()
        drivers: set[str] = set()
        k = 0
        while True:
            room = app.scene
            assert room.name == "room"
            app.run_frames(70)  # the turn's animation is over
            view = room.view()
            mp = room.map
            placed = mp.placed(view, view.markers, view.pins)
            assert not collisions(placed), (s.turn, collisions(placed))
            assert len(placed) == len(view.markers) + len(view.pins)
            names = [  # the names written on the map (capitals' dots may be covered)
                r.move(mp.rect.x, mp.rect.y)
                for r in app.map.name_rects(mp.rect.size, app.palette, *_focus(view))
                if r.width > 8
            ]
            for pl, pin in mp.pins_placed(view):
                assert mp.rect.contains(pl.unit), pin.key
                assert pl.label.width > 8, f"{pin.key} has no label"
                covered = [n for n in names if n.collidelist([pl.box, pl.label]) >= 0]
                assert not covered, (s.turn, pin.key, covered)
                tip = mp.hit(pl.box.center, view)
                assert tip is not None and tip[0] == pin.key
                assert tip[1][1] == f"This turn, at {pin.place}: {pin.headline}"
                seen_pins.add(pin.key)
            for pl, mk in zip(placed, view.markers, strict=False):
                assert mp.rect.contains(pl.unit), mk.id
                assert pl.label.width > 8, f"{mk.id} has no label"
                covered = [n for n in names if n.collidelist([pl.box, pl.label]) >= 0]
                assert not covered, (s.turn, mk.id, covered)
                tip = mp.hit(pl.box.center, view)
                assert tip is not None and tip[1][0] == mk.label
                assert "Strength" in tip[1][1] and "this turn" in tip[1][1]
                assert tip[1][2].startswith("Driven by "), tip  # what moves this one
                drivers.add(tip[1][2])
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
        assert seen_pins  # and events pinned to their places
        assert len(drivers) >= 5  # each marker's tooltip says what drives it, not one sentence
    finally:
        app.quit()


def _focus(view) -> tuple[frozenset[str], frozenset[str]]:
    from game.ui.scenes.room.map import focus_countries, focus_places

    return frozenset(focus_countries(view.scenario)), frozenset(focus_places(view.scenario))


def _snap(actor: str, turn: int, over: bool = False):
    import datetime as dt

    from game.ui.backend import Snapshot

    return Snapshot(actor, turn, 30, dt.date(1996, 1, 1), "", 0, (), (), (), over, None)


def _resolved(turn: int, *events: str):
    import datetime as dt

    from game.ui.backend import Resolution

    evs = tuple((e, e, e) for e in events)
    return Resolution(turn, dt.date(1996, 1, 1), {}, evs, (), (), "", "", None, None)


def test_pins_are_this_turns_events_and_injects_at_their_places() -> None:
    from game.scenario.paths import SCENARIOS
    from game.ui.scenes.room.map import pins

    scn = load_scenario(SCENARIOS / "taiwan-1995.yaml").scenario
    market = next(e for e in scn.events if e.id == "market_panic")
    # the turn just resolved: its events with a place (the vote in Congress has none)
    got = pins(scn, _snap("usa", 5), [_resolved(5, "market_panic", "congress_resolution")])
    assert [(p.key, p.place, p.label, p.headline) for p in got] == [
        ("event:market_panic", "Taipei", market.name, market.headline)
    ]
    # an older turn's events are not this turn's
    assert pins(scn, _snap("usa", 6), [_resolved(5, "market_panic")]) == []
    # injects pinned as the turn they fire begins; not once the game is over
    election = next(i for i in scn.injects if i.id == "legislative_election")
    got = pins(scn, _snap("prc", election.turn - 1), [])
    assert [p.key for p in got] == ["inject:legislative_election"]
    assert pins(scn, _snap("prc", election.turn - 1, over=True), []) == []


def test_an_aimed_inject_is_pinned_for_its_addressee_only() -> None:
    from game.scenario.paths import SCENARIOS
    from game.ui.scenes.room.map import pins

    scn = load_scenario(SCENARIOS / "taiwan-1995.yaml").scenario
    inj = next(i for i in scn.injects if i.to is not None)
    aimed = scn.model_copy(update={"injects": [inj.model_copy(update={"place": "taipei"})]})
    other = next(a.id for a in scn.actors if a.id != inj.to)
    key = f"inject:{inj.id}"
    assert [p.key for p in pins(aimed, _snap(inj.to, inj.turn - 1), [])] == [key]
    assert pins(aimed, _snap(other, inj.turn - 1), []) == []
    assert [p.key for p in pins(aimed, _snap(other, inj.turn - 1), [], everyone=True)] == [key]


def test_a_markers_tooltip_names_what_drives_it_and_nothing_hidden() -> None:
    from game.ui.markers import MapState, follows

    scn = load_scenario(default_scenario()).scenario
    assert scn.map is not None
    marker = {m.id: m for m in scn.map.markers}
    posture = next(m.name for m in scn.metrics if m.id == "us_posture")
    everything = MapState({m.id: 0.5 for m in scn.metrics}, 0.5, 3, [], [])
    assert follows(marker["naval_group"], scn, everything) == (posture,)
    talks = follows(marker["talks"], scn, everything)
    assert talks[0] == "recent moves by United States (Talks, Concession)"
    assert len(talks) == 3  # each side's moves once, then the channel's metric
    # a metric the player does not see, or a hidden ladder stage, is never named
    blind = MapState({m.id: 0.5 for m in scn.metrics if m.id != "us_posture"}, None, 3, [], [])
    assert posture not in follows(marker["naval_group"], scn, blind)
    assert all("ladder" not in w for m in scn.map.markers for w in follows(m, scn, blind))
