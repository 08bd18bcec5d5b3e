"""The lesson's length: "time's up" stops play with no outcome, survives a save, and the
report scores no forecast whose window it cut short."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.engine import AISettings, EngineError, Session, load_game, save_game
from game.report.logdata import load

SCENARIO = Path(__file__).parent / "data" / "golden" / "scenario" / "venezuela-2025.yaml"
CHEAP = AISettings(worlds=16, horizon=2, advice_worlds=16, advice_horizon=2)


def _game() -> Session:
    s = Session.new(
        SCENARIO, seed=11, ai=CHEAP, autosave=False, teams={"usa": ["Eagles"], "ven": ["Owls"]}
    )
    s.commit("usa", "hold")
    s.commit("ven", "hold")
    s.resolve()
    return s


def test_times_up_stops_play_without_an_outcome() -> None:
    s = _game()
    s.classroom.submit_forecast("Eagles", {"war": 0.2})
    s.commit("usa", "hold")
    s.console.times_up()
    assert s.times_up and not s.over and s.outcome is None
    assert s.waiting() == []
    assert s.committed("usa") is None
    with pytest.raises(EngineError, match="time's up"):
        s.commit("usa", "hold")
    with pytest.raises(EngineError, match="time's up"):
        s.resolve()
    with pytest.raises(EngineError, match="time's up"):
        s.console.times_up()
    assert s.log["current"]["actions"][-1] == {"kind": "times_up", "turn": 2}


def test_times_up_survives_a_save_and_leaves_forecasts_unscored(tmp_path: Path) -> None:
    s = _game()
    s.classroom.submit_forecast("Eagles", {"war": 0.2})
    s.console.times_up()
    path = save_game(s, tmp_path / "g.json")
    again = load_game(path)
    assert again.times_up and not again.over and again.log == s.log
    g = load(path)
    assert g.ended_turn is None  # not an ending the report scores
    assert not g.session.over
