"""Whole games: AI against AI for 200 seeds, each ends and re-plays identically from its save."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import CHEAP

from game.engine import Session, load_game, save_game
from game.engine.saves import replay_file
from game.scenario import Loaded, load_scenario

DATA = Path(__file__).parent / "data"
VENEZUELA = Path(__file__).parent.parent / "scenarios" / "venezuela-2025.yaml"


@pytest.mark.slow
def test_200_ai_games_end_and_replay_identically_from_their_saves(
    mini: Loaded, tmp_path: Path
) -> None:
    outcomes: Counter[str] = Counter()
    limit = mini.scenario.meta.turn_limit
    for seed in range(200):
        s = Session.new(mini, seed=seed, ai=CHEAP, autosave=False)
        while not s.over:
            s.resolve()
            assert s.turn <= limit
        assert s.outcome is not None
        outcomes[s.outcome] += 1
        path = save_game(s, tmp_path / f"g{seed}.json")
        again = load_game(path, mini)
        assert again.log == s.log
        assert again.outcome == s.outcome and again.turn == s.turn
        assert again.state.equals(s.state)
        if seed % 20 == 0:  # and the computer's own decisions reproduce too
            _s, _log, diff = replay_file(path, mini, rerun_ai=True)
            assert diff is None
    assert len(outcomes) >= 2, outcomes  # games differ by seed


def test_autosave_after_every_turn(mini: Loaded, data_dir: Path) -> None:
    from game.engine import autosave_dir, latest_autosave, save_info

    s = Session.new(mini, seed=3, ai=CHEAP)
    assert s.autosave_path is not None and s.autosave_path.parent == autosave_dir()
    assert autosave_dir().is_relative_to(data_dir)
    assert latest_autosave() is None
    s.resolve()
    assert latest_autosave() == s.autosave_path
    assert load_game(s.autosave_path, mini).turn == 1
    s.resolve()
    info = save_info(s.autosave_path)
    assert info["turn"] == 2 and info["scenario_id"] == "mini" and info["seed"] == 3
    cont = load_game(latest_autosave(), mini, autosave=True)
    assert cont.autosave_path == s.autosave_path
    cont.resolve()
    assert load_game(s.autosave_path, mini).turn == 3
    assert latest_autosave(running_only=True) == s.autosave_path
    while not cont.over:
        cont.resolve()
    assert latest_autosave() == s.autosave_path
    assert latest_autosave(running_only=True) is None
    assert not list(autosave_dir().glob(".*.tmp"))


@pytest.mark.slow
def test_venezuela_games_replay_bit_for_bit(tmp_path: Path) -> None:
    loaded = load_scenario(VENEZUELA)
    for seed in range(3):
        s = Session.new(loaded, seed=seed, ai=CHEAP, autosave=False)
        while not s.over:
            s.resolve()
        path = save_game(s, tmp_path / f"v{seed}.json")
        _s, _log, diff = replay_file(path, loaded, rerun_ai=True)
        assert diff is None


def test_a_finished_saves_date_is_its_last_turns(mini: Loaded, data_dir: Path) -> None:
    """The Load list dates a finished game as its end screen does: the last turn played,
    not the turn after it that never came."""
    from game.engine import save_game, save_info

    s = Session.new(mini, seed=3, ai=CHEAP, autosave=False)
    while not s.over:
        s.resolve()
    info = save_info(save_game(s, data_dir / "done.json"))
    assert info["over"] and info["date"] == s.date_of(s.turn).isoformat()
    assert s.log["summary"]["date"] != info["date"]  # what the save file itself holds
    s2 = Session.new(mini, seed=3, ai=CHEAP, autosave=False)
    s2.resolve()
    assert save_info(save_game(s2, data_dir / "mid.json"))["date"] == s2.date.isoformat()
