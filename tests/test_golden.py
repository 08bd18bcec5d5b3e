"""Golden saves: games saved by an earlier version still load and re-play bit for bit.

Each save in ``tests/data/golden`` was played on the frozen scenario copy beside it, so
a change to the shipped scenario never touches this test; a change to the copy fails
it (the copy must stay byte-identical to what the saves were played on).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.engine import load_game, read_save
from game.engine.saves import first_difference, replay_file
from game.engine.session import state_digest
from game.scenario import load_scenario

GOLDEN = Path(__file__).parent / "data" / "golden"
SAVES = ["plain-autoplay.json", "classroom.json", "classroom-ended.json"]


def _facts(name: str) -> dict:
    path = GOLDEN / name
    return json.loads(path.with_name(path.stem + ".facts.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SAVES)
def test_golden_save_replays_identically(name: str) -> None:
    path = GOLDEN / name
    facts = _facts(name)
    loaded = load_scenario(GOLDEN / facts["scenario_file"])
    log = read_save(path)
    assert loaded.sha256 == log["scenario"]["sha256"] == facts["scenario_sha256"], (
        "the golden scenario copy was changed: restore it, never regenerate the saves"
    )
    s, saved, diff = replay_file(path, loaded)
    assert diff is None, diff
    assert saved == log
    s = load_game(path, loaded)
    assert (s.turn, s.current_turn, s.over, s.outcome, s.stage) == (
        facts["turn"],
        facts["current_turn"],
        facts["over"],
        facts["outcome"],
        facts["stage"],
    )
    assert state_digest(s.state) == facts["digest"]
    assert [t["moves"] for t in s.log["turns"]] == facts["moves"]
    kinds = [a["kind"] for t in s.log["turns"] for a in t["actions"]]
    assert kinds + [a["kind"] for a in s.log["current"]["actions"]] == facts["actions"]


def test_golden_computer_moves_reproduce() -> None:
    """The computer, deciding again, makes the moves it made when the save was written."""
    path = GOLDEN / "plain-autoplay.json"
    loaded = load_scenario(GOLDEN / _facts(path.name)["scenario_file"])
    _s, _log, diff = replay_file(path, loaded, rerun_ai=True)
    assert diff is None, diff


def test_golden_classroom_keeps_its_settings() -> None:
    """Teams, PIN and class code survive the round trip."""
    loaded = load_scenario(GOLDEN / _facts("classroom.json")["scenario_file"])
    s = load_game(GOLDEN / "classroom.json", loaded)
    assert s.classroom.check_pin("4321") and not s.classroom.check_pin("1234")
    assert [t.name for t in s.teams] == ["Eagles", "Condors", "Jaguars"]
    assert s.classroom.team_for("ven") == "Condors"  # odd turns; Jaguars play the even ones
    assert s.committed("usa") == "talks" and s.committed("ven") is None
    assert s.classroom.class_code is not None
    assert [f["team"] for f in s.classroom.forecasts()] == [
        "Eagles",
        "Condors",
        "Jaguars",
        "Eagles",
    ]


def test_a_changed_golden_log_is_noticed() -> None:
    """The comparison the golden test relies on can fail."""
    log = read_save(GOLDEN / "classroom.json")
    other = json.loads(json.dumps(log))
    other["turns"][1]["result"]["x"][0] += 1e-9
    assert first_difference(log, other) == (
        f"log.turns[1].result.x[0]: saved {log['turns'][1]['result']['x'][0]!r}, "
        f"re-played {other['turns'][1]['result']['x'][0]!r}"
    )
