"""What-if from any turn: ``brink branch SAVE --turn T`` restarts a saved game at turn T
with the same luck (its first T−1 turns re-played from the log) and links it to its
parent."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main
from game.engine import (
    AISettings,
    SaveError,
    Seat,
    Session,
    branch_game,
    branch_session,
    load_game,
    read_save,
    save_game,
)
from game.engine.saves import checksum

SCENARIO = Path(__file__).parent / "data" / "golden" / "scenario" / "venezuela-2025.yaml"
GOLDEN = Path(__file__).parent / "data" / "golden"
CHEAP = AISettings(worlds=16, horizon=2, advice_worlds=16, advice_horizon=2)
MOVES = ["hold", "talks", "covert", "sanctions", "hold"]


def _played(tmp_path: Path) -> tuple[Session, Path]:
    s = Session.new(SCENARIO, seed=21, ai=CHEAP, autosave=False, seats={"usa": Seat.human()})
    for m in MOVES:
        if s.over:
            break
        s.commit("usa", m)
        s.resolve()
    return s, save_game(s, tmp_path / "parent.json")


def test_a_branch_replays_the_first_turns_and_keeps_the_luck(tmp_path: Path) -> None:
    s, path = _played(tmp_path)
    b = branch_game(path, 3)
    assert b.current_turn == 3 and b.turn == 2
    assert b.log["turns"] == s.log["turns"][:2]
    assert b.parent == {
        "file": "parent.json",
        "created": s.created,
        "checksum": checksum(read_save(path)),
        "turn": 3,
    }
    assert b.created != s.created  # its own autosave name, never the parent's
    # the same move at turn 3 meets the same luck: the same world afterwards
    b.commit("usa", MOVES[2])
    b.resolve()
    assert b.log["turns"][2]["result"] == s.log["turns"][2]["result"]
    # a different move is a different game from there on
    c = branch_game(path, 3)
    c.commit("usa", "reinforce")
    c.resolve()
    assert c.log["turns"][2]["moves"]["usa"] == "reinforce"
    assert c.log["turns"][2]["result"]["digest"] != s.log["turns"][2]["result"]["digest"]


def test_a_branch_saves_with_its_parent_and_loads_again(tmp_path: Path) -> None:
    _s, path = _played(tmp_path)
    b = branch_game(path, 2)
    b.commit("usa", "talks")
    b.resolve()
    again = load_game(save_game(b, tmp_path / "branch.json"))
    assert again.parent == b.parent and again.log == b.log
    # a branch of a branch keeps the chain
    bb = branch_game(tmp_path / "branch.json", 2)
    assert bb.parent is not None and bb.parent["parent"]["file"] == "parent.json"


def test_a_branch_of_a_game_in_memory(tmp_path: Path) -> None:
    s, _path = _played(tmp_path)
    b = branch_session(s, 4)
    assert b.current_turn == 4 and b.log["turns"] == s.log["turns"][:3]


def test_a_classroom_save_branches_at_turn_3_with_its_teams(tmp_path: Path) -> None:
    log = read_save(GOLDEN / "classroom.json")
    b = branch_game(GOLDEN / "classroom.json", 3, SCENARIO)
    assert b.current_turn == 3 and b.teams and b.log["teams"] == log["teams"]
    assert b.log["turns"] == log["turns"][:2]


@pytest.mark.parametrize("turn", [0, 99])
def test_a_branch_outside_the_game_is_refused(tmp_path: Path, turn: int) -> None:
    _s, path = _played(tmp_path)
    with pytest.raises(SaveError, match="a branch starts at a turn the game reached"):
        branch_game(path, turn)


def test_brink_branch_writes_a_save_that_replays(tmp_path: Path, capsys) -> None:
    _s, path = _played(tmp_path)
    out = tmp_path / "what-if.json"
    assert main(["branch", str(path), "--turn", "3", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "turn 3" in said and f"brink play {out}" in said  # how to open a file elsewhere
    assert read_save(out)["parent"]["turn"] == 3
    assert main(["replay", str(out), "--check"]) == 0
    assert main(["branch", str(path), "--turn", "40", "-o", str(out)]) == 1
    assert "1-" in capsys.readouterr().err


def test_what_if_from_the_end_screen_by_keys(ui_app, tmp_path: Path) -> None:
    from game.ui.backend import Game
    from game.ui.pg import pygame
    from game.ui.scenes.end import EndScene

    mini = Path(__file__).parent / "data" / "mini.yaml"
    s = Session.new(mini, seed=5, ai=CHEAP, autosave=False, seats={"blue": Seat.human()})
    while not s.over:
        s.commit("blue", "wait")
        s.resolve()
    assert s.turn >= 3
    d = ui_app()
    g = Game.load(save_game(s, tmp_path / "done.json"))
    d.app.set_game(g)
    d.app.reset(EndScene(d.app, g))
    d.frames(2)
    while d.scene.focused_name() != "what_if":
        d.key(pygame.K_TAB, frames=1)
    d.key(pygame.K_RIGHT)
    d.key(pygame.K_RIGHT)
    assert d.scene.button_named("what_if").text == "What if… from turn 3"
    # with the mouse: the wheel over the button chooses the turn
    rect = d.scene.button_named("what_if").get_abs_rect()
    d.move(rect.center)
    for step in (1, 1, -1):
        pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=step))
        d.frames(2)
    assert d.scene.button_named("what_if").text == "What if… from turn 4"
    pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1))
    d.frames(2)
    assert d.scene.button_named("what_if").text == "What if… from turn 3"
    d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    b = d.app.game.session
    assert b.current_turn == 3 and b.parent is not None and b.parent["turn"] == 3
    assert b.log["turns"] == s.log["turns"][:2]


def test_the_report_puts_a_branch_beside_its_parent(tmp_path: Path) -> None:
    s, path = _played(tmp_path)
    b = branch_game(path, 3)
    b.commit("usa", "reinforce")
    b.resolve()
    while not b.over and b.turn < s.turn:
        b.commit("usa", "hold")
        b.resolve()
    bpath = save_game(b, tmp_path / "what-if.json")
    out = tmp_path / "r.html"
    assert main(["report", str(path), str(bpath), "-o", str(out), "--worlds", "200"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "7. What if: the timelines side by side" in html
    assert "the what-if timelines side by side in" in html and "the groups side by" not in html
    assert "What if, from turn 3" in html and "went back to turn 3 of parent.json" in html
    assert html.count("Odds of war (4 turns)") == 2  # a column for each timeline
    # turns 1-2 are the same game in both; turn 3 differs
    assert '<td>3 <span class="badge up">DIFFER</span>' in html
    assert '<td>2 <span class="badge up">DIFFER</span>' not in html
