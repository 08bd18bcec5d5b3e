"""``brink autoplay`` and ``brink replay``: the issue's acceptance checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.engine import AISettings, Session, save_game
from game.scenario import load_scenario

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
VENEZUELA = ROOT / "scenarios" / "venezuela-2025.yaml"


def brink(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRINK_DATA_DIR": str(data), "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


@pytest.mark.slow
def test_autoplay_save_replay_check_and_a_truncated_copy(tmp_path: Path) -> None:
    save = tmp_path / "g.json"
    r = brink("autoplay", str(VENEZUELA), "--seed", "7", "--save", str(save), data=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Turn 1 (" in r.stdout and "Outcome after" in r.stdout
    assert "Stage" in r.stdout
    assert save.is_file()

    r = brink("replay", str(save), "--check", data=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "identically" in r.stdout

    r = brink("replay", str(save), data=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Outcome after" in r.stdout

    cut = tmp_path / "cut.json"
    raw = save.read_bytes()
    cut.write_bytes(raw[: len(raw) // 2])
    r = brink("replay", str(cut), "--check", data=tmp_path)
    assert r.returncode == 1
    assert str(cut) in r.stderr and "truncated" in r.stderr
    assert "Traceback" not in r.stderr
    assert cut.read_bytes() == raw[: len(raw) // 2]


def test_replay_check_reports_the_first_difference(tmp_path: Path) -> None:
    """A save whose computer moves are not what the computer would choose."""
    loaded = load_scenario(DATA / "mini.yaml")
    ai = AISettings(worlds=32, horizon=2)
    # what the computer plays on turn 1 with this seed; the save records something else
    twin = Session.new(loaded, seed=1, ai=ai, autosave=False)
    twin.resolve()
    own = twin.log["turns"][0]["moves"]["red"]
    first = next(o for o in ("wait", "talk", "mobilise") if o != own)
    s = Session.new(loaded, seed=1, ai=ai, autosave=False)
    red = s.c.actor_index("red")
    for forced in (first, "talk", "wait", "mobilise"):
        s.resolve({red: s.c.option_index(red, forced)})
    path = save_game(s, tmp_path / "forced.json")
    r = brink("replay", str(path), data=tmp_path)
    assert r.returncode == 0, r.stderr  # the recorded moves re-play
    r = brink("replay", str(path), "--check", data=tmp_path)
    assert r.returncode == 1, r.stdout
    assert "first difference" in r.stdout and "moves.red" in r.stdout


@pytest.mark.slow
def test_autoplay_seats_turns_and_quiet(tmp_path: Path) -> None:
    mini = str(DATA / "mini.yaml")
    r = brink(
        "autoplay", mini, "--seed", "3", "--turns", "2", "--as", "blue=talk", "--as", "red=random",
        data=tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("Blue: Offer talks") == 2
    assert "Turn 3" not in r.stdout
    r = brink("autoplay", mini, "--seed", "3", "--quiet", data=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("Outcome after")
    r = brink("autoplay", mini, "--as", "green=ai", data=tmp_path)
    assert r.returncode == 2 and "unknown actor 'green'" in r.stderr
    r = brink("autoplay", mini, "--as", "blue=fly", data=tmp_path)
    assert r.returncode == 2 and "unknown option 'fly'" in r.stderr
    r = brink("autoplay", mini, "--as", "blue=human", data=tmp_path)
    assert r.returncode == 2 and "no humans" in r.stderr
    r = brink("replay", str(tmp_path / "nope.json"), data=tmp_path)
    assert r.returncode == 1 and "no such file" in r.stderr
