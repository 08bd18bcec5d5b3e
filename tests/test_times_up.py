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
    with pytest.raises(EngineError, match="time's up"):  # no turn is left to forecast
        s.classroom.submit_forecast("Owls", {"war": 0.1})
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


def test_a_lesson_length_calls_time_after_that_many_turns(tmp_path: Path) -> None:
    s = Session.new(
        SCENARIO,
        seed=4,
        ai=CHEAP,
        autosave=False,
        teams={"usa": ["Eagles"], "ven": ["Owls"]},
        lesson_turns=2,
    )
    for _ in range(2):
        assert not s.times_up
        s.commit("usa", "hold")
        s.commit("ven", "hold")
        s.resolve()
    assert s.times_up and s.turn == 2 and not s.over and s.outcome is None
    assert s.log["settings"]["lesson_turns"] == 2
    kinds = [a["kind"] for a in s.log["current"]["actions"]]
    assert kinds[-1] == "times_up" and kinds.count("times_up") == 1
    again = load_game(save_game(s, tmp_path / "g.json"))
    assert again.times_up and again.log == s.log  # replayed once, not twice


def test_the_console_sets_the_lesson_length_and_a_short_one_ends_now(tmp_path: Path) -> None:
    s = _game()  # one turn played
    s.console.set_lesson_length(3)
    assert s.classroom.lesson_turns == 3 and not s.times_up
    s.console.set_lesson_length(1)
    assert s.times_up
    kinds = [a["kind"] for a in s.log["current"]["actions"]]
    assert kinds == ["set_lesson_length", "set_lesson_length", "times_up"]
    again = load_game(save_game(s, tmp_path / "g.json"))
    assert again.times_up and again.log == s.log


def test_a_lesson_length_without_teams_and_bad_lengths() -> None:
    s = Session.new(SCENARIO, seed=4, ai=CHEAP, autosave=False, lesson_turns=1)
    s.resolve()
    assert s.times_up and s.log["settings"] == {"lesson_turns": 1}
    with pytest.raises(ValueError, match="lesson length"):
        Session.new(SCENARIO, seed=4, ai=CHEAP, autosave=False, lesson_turns=99)
    t = _game()
    with pytest.raises(ValueError, match="lesson length"):
        t.console.set_lesson_length(-1)


def test_the_reports_comparison_worlds_stop_at_the_lesson_length(tmp_path: Path) -> None:
    from game.report.analysis import STILL_RUNNING, spreads

    s = Session.new(SCENARIO, seed=8, ai=CHEAP, autosave=False, lesson_turns=3)
    while not (s.times_up or s.over):
        s.resolve()
    g = load(save_game(s, tmp_path / "g.json"))
    for sp in spreads(g, 64):
        assert sp.turns == s.turn <= 3
        # worlds still running at the cut are not given an ending
        assert 0.0 <= sp.share[STILL_RUNNING] <= 1.0


def test_the_report_says_a_forecast_cut_short_is_never_scored(tmp_path: Path) -> None:
    from game.report.report import build_report

    s = _game()
    s.classroom.submit_forecast("Eagles", {"war": 0.2})
    s.commit("usa", "hold")
    s.commit("ven", "hold")
    s.resolve()
    s.console.times_up()
    html = build_report([save_game(s, tmp_path / "g.json")], worlds=100).html
    assert "(+1 unscored: time ran out)" in html and "(+1 open)" not in html
