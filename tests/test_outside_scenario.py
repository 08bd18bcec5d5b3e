"""A crisis written by someone else, against docs/scenario-format.md only, loads and
plays with no code change: tests/data/outside/cod-bank.yaml (an invented fisheries
dispute in the Norwegian Sea, with its own fact sheet, the shipped reference classes
found by name, a scripted commission, a hidden metric, a private move, a coupling with
``when``, a chain and a map whose file was never built)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main
from game.engine.textplay import play

ROOT = Path(__file__).parent.parent
OUTSIDE = ROOT / "tests" / "data" / "outside" / "cod-bank.yaml"


def brink(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRINK_DATA_DIR": str(data), "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )


def test_strict_check_passes(capsys) -> None:
    assert main(["check", "--strict", str(OUTSIDE)]) == 0
    out = capsys.readouterr().out
    assert "ok — 5 metrics, 3 actors, 12 options, 3 events, 5 stages, 5 outcomes" in out


def test_an_outside_json_schema_validator_accepts_it() -> None:
    import yaml
    from test_schema_export import _errors

    assert _errors(yaml.safe_load(OUTSIDE.read_text(encoding="utf-8"))) == []


def test_simulate_reaches_every_kind_of_ending(capsys) -> None:
    args = ["simulate", str(OUTSIDE), "--runs", "3000", "--seed", "1", "--json"]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    p = {oid: o["p"] for oid, o in doc["outcomes"].items()}
    assert sum(p.values()) == pytest.approx(1.0)  # every world ends by the turn limit
    # random play: a fight at sea is possible but rare; talks and a step back both end it
    assert 0.0 < p["armed_clash"] < 0.15
    assert p["agreement"] > 0.02 and p["oster_steps_back"] > 0.02
    assert doc["policies"]["commission"] == "script"
    assert main(["simulate", str(OUTSIDE), "--runs", "500", "--policy", "history"]) == 0


@pytest.mark.slow
def test_autoplay_replay_check_and_report(tmp_path: Path) -> None:
    save = tmp_path / "cb.json"
    r = brink("autoplay", str(OUTSIDE), "--seed", "4", "--save", str(save), data=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Outcome after" in r.stdout and "Kaldmark" in r.stdout
    assert "Weeks of frigate patrols" not in r.stdout  # a hidden metric is never an indicator
    r = brink("replay", str(save), "--check", data=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "identically" in r.stdout
    out = tmp_path / "cb.html"
    r = brink("report", str(save), "-o", str(out), "--worlds", "200", data=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Skarv Bank" in out.read_text(encoding="utf-8")
    brief = tmp_path / "brief.html"
    r = brink("briefing", str(OUTSIDE), "--actor", "oster", "-o", str(brief), data=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Osterland" in brief.read_text(encoding="utf-8")


@pytest.mark.slow
def test_text_play_to_the_end(data_dir: Path) -> None:
    out = io.StringIO()
    rc = play(str(OUTSIDE), actor="kald", seed=2, inp=io.StringIO("1\n" * 20), out=out)
    text = out.getvalue()
    assert rc == 0, text
    assert "The end" in text and re.search(r"Outcome after \d+ turns", text)
    assert "Weeks of frigate patrols" not in text


@pytest.mark.slow
def test_the_room_draws_a_region_without_a_map_file(ui_app) -> None:
    from game.ui.backend import Game

    assert not (ROOT / "assets" / "map" / "cod-bank.json").exists()
    d = ui_app(scenario=OUTSIDE)
    Game.new(OUTSIDE, 3, "oster").open(d.app)
    d.frames(4)
    assert d.scene.name == "room"
    assert "patrol_weeks" not in [m.id for m in d.scene.snap.metrics]
