"""``brink play --text``: the whole game in a terminal, driven by typed input."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

from game.engine import latest_autosave, load_game
from game.engine.textplay import play

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"


def run(text: str, *args, **kwargs) -> tuple[int, str]:
    out = io.StringIO()
    rc = play(*args, inp=io.StringIO(text), out=out, **kwargs)
    return rc, out.getvalue()


def test_play_to_the_end_in_a_subprocess(data_dir: Path) -> None:
    env = {**os.environ, "BRINK_DATA_DIR": str(data_dir), "OPENBLAS_NUM_THREADS": "1"}
    r = subprocess.run(
        [sys.executable, "-m", "game", "play", "--text", str(MINI), "--as", "blue", "--seed", "5"],
        input="2\n" * 30,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Briefing" in out and "You play: Blue" in out
    assert "Seed 5" in out
    assert "Your options" in out and "1. Hold course" in out
    assert "Your advisors" in out and "recommends" in out
    assert "You chose: Offer talks." in out
    assert "Why it changed" in out and "Drift" in out
    assert "The end" in out and re.search(r"Outcome after \d+ turns", out)
    assert "\x1b[" not in out  # no colour codes when piped: nothing lives only in colour
    saves = list((data_dir / "autosave").glob("*.json"))
    assert len(saves) == 1 and load_game(saves[0]).over


def test_commands_what_if_advice_help_and_bad_input(tmp_path: Path) -> None:
    script = "\n".join(["h", "w 2", "w 99", "w x", "a", "v", "xyzzy", "99", "4", ""]) + "\n"
    rc, out = run(script + "1\n" * 30, MINI, "blue", 4)
    assert rc == 0
    assert "Commands:" in out
    assert "What if: Offer talks, against holding course" in out
    assert re.search(r"Chance of War: \d+% \(holding course: \d+%\)", out)
    assert "There is no option 99" in out
    assert "Type w and an option number" in out
    assert "Unknown command 'xyzzy'" in out
    assert "Border strike is not available: only at stage" in out
    assert "Estimates are your intelligence services'" in out
    assert "Red resolve: about " in out and "(estimate)" in out
    assert "The end" in out


def test_quit_autosaves_and_the_game_continues_from_the_save(tmp_path: Path) -> None:
    rc, out = run("2\n3\nq\n", MINI, "blue", 8)
    assert rc == 0
    assert "Game saved to" in out
    save = latest_autosave()
    assert save is not None
    s = load_game(save)
    assert s.turn == 2 and not s.over
    rc, out = run("1\n" * 30, save)
    assert rc == 0
    assert "Continuing Border dispute (test) at turn 3" in out
    assert "The end" in out
    assert load_game(save).over


def test_save_command_and_end_of_input(tmp_path: Path) -> None:
    target = tmp_path / "mine.json"
    rc, out = run(f"s {target}\n2\n", MINI, "red", 9)  # input ends mid-game: quit and save
    assert rc == 0
    assert f"Saved to {target}." in out
    assert load_game(target).turn == 0
    assert "Game saved to" in out
    assert load_game(latest_autosave()).turn == 1


def test_choose_a_side_when_none_is_given() -> None:
    rc, out = run("3\nred\n" + "1\n" * 30, MINI, None, 2)
    assert rc == 0
    assert "Choose your side:" in out and "1. Blue" in out and "2. Red" in out
    assert "Type a number from 1 to 2." in out
    assert "You play: Red" in out


def test_unknown_side_and_broken_save(tmp_path: Path) -> None:
    rc, out = run("", MINI, "green", 1)
    assert rc == 2 and "Unknown side 'green'" in out
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    rc, out = run("", bad)
    assert rc == 1 and "Cannot continue the saved game" in out and "truncated" in out


def test_each_turn_lists_option_names_and_o_gives_them_in_full(data_dir: Path) -> None:
    from game.scenario import load_scenario

    scn = load_scenario(MINI).scenario
    blue = next(a for a in scn.actors if a.id == "blue")
    talks = next(o for o in blue.options if o.id == "talk")
    rc, out = run("q\n", MINI, "blue", 4)
    assert rc == 0 and "2. Offer talks" in out
    assert talks.description.strip() not in out  # names only, unless asked
    rc, out = run("o\nq\n", MINI, "blue", 4)
    assert talks.description.strip() in out
