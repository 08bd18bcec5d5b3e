"""History lines, per-turn schedules and scheduled injects in the Monte Carlo.

``--policy history`` plays the scenario's recorded moves; ``ACTOR=line:a,b,c`` any
schedule; both hold course after their end. The batched model and the reference
model must agree on them (and on injects, which ``brink simulate`` now fires).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from game.model import compile_scenario, forecast, initial_state, parse_policy, policies_for
from game.model.forecast import inject_table
from game.model.policy import Line
from game.model.reference import ref_forecast
from game.scenario import check_file, load_scenario
from game.scenario.paths import SCENARIOS
from game.scenario.schema import Scenario

DATA = Path(__file__).parent / "data"
MINI_TEXT = (DATA / "mini.yaml").read_text(encoding="utf-8")

HISTORY = """
history:
  summary: Blue probed, both talked, then blue struck.
  turns:
    - {turn: 1, moves: {blue: spy, red: mobilise}, facts: [MF-01]}
    - {turn: 2, moves: {blue: talk, red: talk}, note: Both sides met.}
    - {turn: 4, moves: {blue: strike}, facts: [MF-01]}
"""
# A louder inject than mini's own: it fires the incident (a rung up) on turn 2.
INJECT = """  - id: clash
    turn: 2
    headline: A patrol is ambushed
    event: incident
    effects: {tension: {mean: 10, sd: 4}}
"""


def _scenario(tmp_path: Path, extra: str = HISTORY, inject: bool = False) -> Path:
    shutil.copy(DATA / "mini-facts.yaml", tmp_path / "mini-facts.yaml")
    text = MINI_TEXT + extra
    if inject:
        text = text.replace("debrief:\n", INJECT + "debrief:\n", 1)
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_history_and_line_policies_read_as_schedules(tmp_path: Path) -> None:
    c = compile_scenario(load_scenario(_scenario(tmp_path)).scenario)
    blue, red = c.actor_index("blue"), c.actor_index("red")
    hist = parse_policy(c, "blue", "history")
    assert isinstance(hist, Line)
    ids = [c.option_ids[blue][o] for o in hist.options]
    assert ids == ["spy", "talk", "wait", "strike"]  # turn 3 unlisted: hold course
    line = parse_policy(c, "red", "line:talk,,mobilise")
    assert isinstance(line, Line)
    assert [c.option_ids[red][o] for o in line.options] == ["talk", "wait", "mobilise"]
    with pytest.raises(KeyError, match="unknown option 'tlak'"):
        parse_policy(c, "red", "line:tlak")


def _play(scn: Scenario, pols: dict[str, str], n: int, seed: int, injects: bool):
    c = compile_scenario(scn)
    pol = policies_for(c, {a: parse_policy(c, a, p) for a, p in pols.items()})
    start = initial_state(c, n, np.random.default_rng(seed))
    table = inject_table(c) if injects else None
    return forecast(
        c, start, pol, np.random.default_rng(seed + 1), worlds=n, horizon=6, injects=table
    )


def _agree(p1: np.ndarray, n1: int, p2: np.ndarray, n2: int) -> None:
    p = (p1 * n1 + p2 * n2) / (n1 + n2)
    bound = 4.5 * np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2)) + 1e-3
    assert np.all(np.abs(p1 - p2) <= bound), (p1, p2)


@pytest.mark.parametrize("injects", [False, True])
def test_batched_and_reference_models_agree_on_lines_and_injects(
    tmp_path: Path, injects: bool
) -> None:
    scn = load_scenario(_scenario(tmp_path, inject=True)).scenario
    c = compile_scenario(scn)
    pols = {"blue": "history", "red": "line:mobilise,mobilise,talk"}
    f = _play(scn, pols, 20_000, 5, injects)
    ref_pol = {
        "blue": tuple(c.option_ids[0][o] for o in parse_policy(c, "blue", "history").options),
        "red": ("mobilise", "mobilise", "talk"),
    }
    r = ref_forecast(scn, None, ref_pol, np.random.default_rng(9), 2_500, 6, injects=injects)
    _agree(f.p_by_turn, 20_000, r.p_by_turn, 2_500)
    _agree(f.stage_dist[6], 20_000, r.stage_dist[6], 2_500)
    xr = np.array([[w.x[m] for m in r.metric_ids] for w in r.final])
    xv = f.final.x
    se = np.sqrt(xv.var(axis=0) / 20_000 + xr.var(axis=0) / 2_500)
    assert np.all(np.abs(xv.mean(axis=0) - xr.mean(axis=0)) <= 4.5 * se + 1e-6)


def test_injects_change_the_odds(tmp_path: Path) -> None:
    scn = load_scenario(_scenario(tmp_path, inject=True)).scenario
    pols = {"blue": "wait", "red": "wait"}
    off = _play(scn, pols, 4_000, 3, False)
    on = _play(scn, pols, 4_000, 3, True)
    # the inject fires the incident on turn 2: a rung up in every world still running
    assert on.max_stage[2, 1:].sum() > off.max_stage[2, 1:].sum() + 0.5


def test_simulate_history_and_injects_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _scenario(tmp_path, inject=True)
    capsys.readouterr()
    assert main(["simulate", str(path), "--runs", "300", "--policy", "history", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["policies"] == {"blue": "history", "red": "history"}
    assert out["injects"] is True
    assert main(["simulate", str(path), "--runs", "300", "--no-injects", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["injects"] is False
    bare = tmp_path / "bare"
    bare.mkdir()
    rc = main(["simulate", str(_scenario(bare, extra="")), "--policy", "history"])
    assert rc == 2 and "has no history line" in capsys.readouterr().err


def test_venezuela_has_a_history_line_with_facts() -> None:
    loaded = load_scenario(SCENARIOS / "venezuela-2025.yaml")
    hist = loaded.scenario.history
    assert hist is not None and len(hist.turns) >= 3
    for ht in hist.turns:
        assert ht.facts and set(ht.facts) <= set(loaded.facts)
        assert set(ht.moves) == {"usa", "ven"}


def test_venezuela_history_line_lands_in_its_bands(capsys) -> None:
    """The bands written above the scenario's `history` (fewer runs than the documented
    5000, with the same bands)."""
    path = SCENARIOS / "venezuela-2025.yaml"
    args = ["simulate", str(path), "--policy", "history", "--runs", "2000", "--seed", "1"]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    p = {oid: o["p"] for oid, o in doc["outcomes"].items()}
    reached = {sid: st["reached"] for sid, st in doc["stages"].items()}
    assert p["war"] <= 0.12
    assert 0.45 <= reached["armed_incidents"] <= 0.85
    assert 0.08 <= reached["limited_strikes"] <= 0.30
    assert p["settlement"] + p["exit_deal"] <= 0.35
    assert doc["policies"] == {"usa": "history", "ven": "history"}


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("moves: {blue: talk, red: talk}", "moves: {blue: talk, red: tlak}", "unknown option"),
        (
            "{turn: 4, moves: {blue: strike}, facts: [MF-01]}",
            "{turn: 4, moves: {blue: strike}, facts: [MF-99]}",
            "unknown fact id 'MF-99'",
        ),
        ("{turn: 4,", "{turn: 40,", "after the turn limit"),
        ("{turn: 4,", "{turn: 1,", "listed twice"),
        ("moves: {blue: talk, red: talk}", "moves: {green: talk}", "unknown actor 'green'"),
    ],
)
def test_history_mistakes_are_reported(tmp_path: Path, old: str, new: str, fragment: str) -> None:
    loaded, problems = check_file(_scenario(tmp_path, HISTORY.replace(old, new)))
    assert loaded is None
    assert any(fragment in str(p) for p in problems), [str(p) for p in problems]
