"""The table of log actions: every kind the engine writes has a replay and a wording, and
the inject stream counts exactly the kinds old saves counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.engine import AISettings, Seat, Session, read_save
from game.engine.actions import CONSOLE_KINDS, KINDS, describe, replay_action
from game.engine.saves import first_difference, replay
from game.scenario import load_scenario

GOLDEN = Path(__file__).parent / "data" / "golden"
SCENARIO = GOLDEN / "scenario" / "venezuela-2025.yaml"
CHEAP = AISettings(worlds=16, horizon=2, advice_worlds=16, advice_horizon=2)


def _golden_actions() -> list[dict]:
    out = []
    for name in ("classroom.json", "classroom-ended.json", "plain-autoplay.json"):
        log = read_save(GOLDEN / name)
        out += [a for t in log["turns"] for a in t["actions"]] + log["current"]["actions"]
    # kinds newer than the golden saves: written by a game played now
    s = Session.new(SCENARIO, seed=5, ai=CHEAP, autosave=False, teams={"usa": ["Eagles"]})
    s.console.set_lesson_length(5)
    s.console.times_up()
    return out + s.log["current"]["actions"]


def test_every_kind_the_engine_writes_is_in_the_table_and_the_reverse() -> None:
    written = {a["kind"] for a in _golden_actions()}
    assert written == set(KINDS)


def test_every_kind_has_a_replay_and_its_own_wording() -> None:
    scn = load_scenario(SCENARIO).scenario
    for act in _golden_actions():
        kind = KINDS[act["kind"]]
        assert callable(kind.replay)
        assert set(kind.fields) <= set(act), act
        assert set(act) <= {"kind", "turn", *kind.fields, *kind.optional}, act
        text = describe(act, scn)
        # the table's wording, never the fallback that spells out the raw fields
        tail = describe({**act, "kind": "unknown"}, scn).removeprefix("Unknown")
        assert text and text != act["kind"].replace("_", " ").capitalize() + tail, act


def test_wordings_name_things_by_their_scenario_names() -> None:
    scn = load_scenario(SCENARIO).scenario
    ev = scn.events[0]
    assert describe({"kind": "fire_event", "event": ev.id}, scn) == (
        f"Teacher fired the event “{ev.name}”"
    )
    assert describe({"kind": "set_metric", "metric": "tension", "value": 72.5}, scn) == (
        "Teacher set Crisis tension to 72.5"
    )
    assert describe({"kind": "lock", "actor": "usa", "team": "Eagles"}, scn) == (
        "Teacher locked Eagles's choice"
    )
    assert describe({"kind": "something_new", "turn": 3, "x": 1}, scn) == "Something new: x 1"


def test_the_inject_stream_counts_the_kinds_it_always_counted() -> None:
    """Changing this set changes the luck of every later inject in old saves."""
    stream = {k for k, v in KINDS.items() if v.stream}
    assert stream == {"inject", "fire_event", "set_metric", "add_inject", "pause", "resume"}
    assert "inject" not in CONSOLE_KINDS and "advice" not in CONSOLE_KINDS


def test_a_classroom_action_does_not_shift_a_later_inject() -> None:
    """A lock before a fired event: the event's draw is that of a game without the lock."""
    loaded = load_scenario(SCENARIO)

    def world(lock_first: bool) -> list[float]:
        s = Session.new(loaded, seed=4, autosave=False, teams={"usa": ["A"], "ven": ["B"]})
        if lock_first:
            s.classroom.lock("usa")
        s.console.fire_event("oil_shock")
        return [float(v) for v in s.state.x[0]]

    assert world(True) == world(False)


def test_malformed_and_unknown_actions_are_refused() -> None:
    s = Session.new(SCENARIO, seed=1, seats={"usa": Seat.human()}, ai=CHEAP, autosave=False)
    with pytest.raises(ValueError, match="unknown action 'teleport'"):
        replay_action(s, {"kind": "teleport"}, False)
    with pytest.raises(ValueError, match="'set_metric' action is missing value"):
        replay_action(s, {"kind": "set_metric", "metric": "tension"}, False)
    with pytest.raises(ValueError, match="mapping with a 'kind'"):
        replay_action(s, ["pause"], False)


def test_each_kind_replays_to_the_same_log() -> None:
    """Replaying a log action by action through the table gives back the same log."""
    loaded = load_scenario(SCENARIO)
    log = read_save(GOLDEN / "classroom.json")
    again = replay(log, loaded)
    assert first_difference(log["turns"], again.log["turns"]) is None
    assert first_difference(log["current"], again.log["current"]) is None


def test_first_difference_names_the_place() -> None:
    assert first_difference({"a": [1, 2]}, {"a": [1, 3]}) == "log.a[1]: saved 2, re-played 3"
    assert first_difference({"a": 1}, {"a": 1, "b": 2}) == "log.b: re-played but not in the save"
    assert first_difference({"a": 1, "b": 2}, {"a": 1}) == "log.b: in the save but not re-played"
    assert first_difference({"a": 1, "b": 2}, {"a": 1}, extra_in_save=True) is None
    assert first_difference([1], [1, 2]) == "log: 1 items saved, 2 re-played"
    assert first_difference(1, 1.0) == "log: saved 1, re-played 1.0"
