"""Writes the golden saves in this directory: run ONCE, on the code whose saves must keep
loading (``python tests/data/golden/make_golden.py``), then never again for these files.

``scenario/`` is a frozen copy of the scenario they were played on (with the files it
refers to in ``seeds/``), so the shipped scenario can change without touching them.
Each ``NAME.json`` has a sidecar ``NAME.facts.json`` of what the game reached.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "scenario" / "venezuela-2025.yaml"


def _facts(path: Path) -> None:
    from game.engine.saves import read_save, replay
    from game.engine.session import state_digest
    from game.scenario import load_scenario

    log = read_save(path)
    s = replay(log, load_scenario(SCENARIO))
    facts = {
        "scenario_file": "scenario/venezuela-2025.yaml",
        "scenario_sha256": log["scenario"]["sha256"],
        "seed": log["seed"],
        "turn": s.turn,
        "current_turn": s.current_turn,
        "over": s.over,
        "outcome": s.outcome,
        "stage": s.stage,
        "digest": state_digest(s.state),
        "moves": [t["moves"] for t in log["turns"]],
        "actions": [a["kind"] for t in log["turns"] for a in t["actions"]]
        + [a["kind"] for a in log["current"]["actions"]],
    }
    facts_path = path.with_name(path.stem + ".facts.json")
    facts_path.write_text(json.dumps(facts, indent=1) + "\n", encoding="utf-8")


def plain() -> Path:
    """Computer against computer from the command line, seed 7."""
    path = HERE / "plain-autoplay.json"
    cmd = [sys.executable, "-m", "game", "autoplay", str(SCENARIO), "--seed", "7"]
    subprocess.run([*cmd, "--save", str(path), "--quiet"], check=True)
    return path


def classroom() -> Path:
    """A hot-seat class game: teams taking turns, PIN, timer, forecasts, teacher controls."""
    from game.engine import Session
    from game.engine.saves import save_game

    s = Session.new(
        SCENARIO,
        seed=11,
        autosave=False,
        teams={"usa": ["Eagles"], "ven": ["Condors", "Jaguars"]},
        timer=90,
        pin="4321",
    )
    # turn 1: forecasts, an advisor, both sides commit
    s.classroom.submit_forecast("Eagles", {"war": 0.2, "settlement": 0.3})
    s.classroom.submit_forecast("Condors", {"war": 0.1}, within=3)
    s.advice("usa")
    s.commit("usa", "talks")
    s.commit("ven", "talks")
    s.resolve()
    # turn 2: the teacher's console
    s.console.add_inject("A tanker runs aground off Falcon", "Oil on the beaches.")
    s.console.set_metric("tension", 72.5)
    s.console.fire_event("mediation")
    s.console.pause()
    s.console.resume()
    s.classroom.submit_forecast("Jaguars", {"exit_deal": 0.4, "war": 0.05})
    s.classroom.set_timer(120)
    s.classroom.extend_timer(30, "usa")
    s.classroom.stop_timer("ven")
    s.classroom.lock("usa", "hold")
    s.classroom.timer_expired("ven")
    s.resolve()
    # turn 3: everything revealed, a covert move
    s.console.reveal()
    s.classroom.extend_timer(15)
    s.commit("usa", "covert")
    s.commit("ven", "counterintel")
    s.resolve()
    # turn 4
    s.commit("usa", "sanctions")
    s.commit("ven", "un_case")
    s.resolve()
    # turn 5, still being played: actions, a forecast and a commit in "current"
    s.console.add_inject("Students march in Caracas")
    s.classroom.submit_forecast("Eagles", {"standoff": 0.5})
    s.commit("usa", "talks")
    path = HERE / "classroom.json"
    save_game(s, path)
    return path


def ended() -> Path:
    """A class game the teacher ends early, with one team and no PIN."""
    from game.engine import Session
    from game.engine.saves import save_game

    s = Session.new(SCENARIO, seed=3, autosave=False, teams={"ven": ["Solo"]})
    s.commit("ven", "drills")
    s.resolve()
    s.console.fire_event("oil_shock")
    s.console.end_game("standoff")
    path = HERE / "classroom-ended.json"
    save_game(s, path)
    return path


if __name__ == "__main__":
    for p in (plain(), classroom(), ended()):
        _facts(p)
        print(f"wrote {p}")
