"""The vectorised model and the plain per-world reference agree in distribution.

Both play the same scenario from their own uncertain starts under uniform random
play (or given policies); outcome frequencies (each turn), the stage
distribution and metric means at the horizon must agree within bounds derived
from the sample sizes. Seeds are fixed, so these tests are not flaky.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.model import compile_scenario, forecast, initial_state, parse_policy, policies_for
from game.model.reference import (
    RefWorld,
    chance,
    ref_available,
    ref_forecast,
    ref_initial,
    ref_step,
)
from game.model.synthetic import synthetic_scenario
from game.scenario import load_scenario
from game.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini.yaml"
VENEZUELA = ROOT / "scenarios" / "venezuela-2025.yaml"

Z = 4.5


def _close_p(p1: np.ndarray, n1: int, p2: np.ndarray, n2: int) -> np.ndarray:
    """Cells where two frequencies differ by more than the sampling error allows."""
    p = (p1 * n1 + p2 * n2) / (n1 + n2)
    bound = Z * np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2)) + 1e-3
    return np.abs(p1 - p2) > bound


def _compare(
    scn: Scenario,
    n_vec: int,
    n_ref: int,
    horizon: int,
    seed: int,
    policies: dict[str, str] | None = None,
) -> None:
    c = compile_scenario(scn)
    policies = policies or {}
    pol = policies_for(c, {a: parse_policy(c, a, p) for a, p in policies.items()})
    start = initial_state(c, n_vec, np.random.default_rng(seed))
    f = forecast(c, start, pol, np.random.default_rng(seed + 1), worlds=n_vec, horizon=horizon)
    ref_pol = {a: (p if p == "random" or ":" not in p else _mix(p)) for a, p in policies.items()}
    r = ref_forecast(scn, None, ref_pol, np.random.default_rng(seed + 2), n_ref, horizon)

    problems = []
    names = [*c.outcome_ids, "unresolved"]
    bad = _close_p(f.p_by_turn, n_vec, r.p_by_turn, n_ref)
    for h, q in zip(*np.nonzero(bad), strict=True):
        problems.append(
            f"P({names[q]} by turn {h}): vectorised {f.p_by_turn[h, q]:.4f}, "
            f"reference {r.p_by_turn[h, q]:.4f}"
        )
    bad = _close_p(f.stage_dist[horizon], n_vec, r.stage_dist[horizon], n_ref)
    for s in np.flatnonzero(bad):
        problems.append(
            f"stage {c.stage_ids[s]} at the horizon: vectorised {f.stage_dist[horizon, s]:.4f}, "
            f"reference {r.stage_dist[horizon, s]:.4f}"
        )
    xr = np.array([[w.x[m] for m in r.metric_ids] for w in r.final])
    xv = f.final.x
    se = np.sqrt(xv.var(axis=0) / n_vec + xr.var(axis=0) / n_ref)
    diff = np.abs(xv.mean(axis=0) - xr.mean(axis=0))
    for m in np.flatnonzero(diff > Z * se + 1e-6 * (c.hi - c.lo)):
        problems.append(
            f"mean {c.metric_ids[m]}: vectorised {xv[:, m].mean():.4f}, "
            f"reference {xr[:, m].mean():.4f} (se {se[m]:.4f})"
        )
    assert not problems, "\n".join(problems)


def _mix(text: str) -> dict[str, float]:
    return {k: float(v) for k, v in (part.split("=") for part in text[4:].split(","))}


@pytest.mark.slow
def test_mini_agrees() -> None:
    scn = load_scenario(MINI).scenario
    _compare(scn, 20_000, 2_500, scn.meta.turn_limit, seed=11)


def test_mini_agrees_under_fixed_and_mixed_policies() -> None:
    scn = load_scenario(MINI).scenario
    _compare(
        scn,
        20_000,
        2_000,
        scn.meta.turn_limit,
        seed=12,
        policies={"blue": "strike", "red": "mix:talk=0.3,mobilise=0.7"},
    )


SYNTHETIC = [
    # seed, sizes: metrics, events, interactions, stages, max_hold, actors
    (101, {"metrics": 1, "events": 0, "interactions": 0}),
    (102, {"metrics": 3, "events": 2, "interactions": 1, "max_hold": 1}),
    (103, {"metrics": 5, "events": 4, "interactions": 2, "stages": 5}),
    (104, {"metrics": 6, "events": 3, "interactions": 2, "max_hold": 4, "options": 6}),
    (105, {"metrics": 2, "events": 5, "interactions": 1, "actors": 3}),
    (106, {"metrics": 4, "events": 1, "interactions": 3, "couplings": 3, "stages": 6}),
]


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "sizes"), SYNTHETIC, ids=[str(s) for s, _ in SYNTHETIC])
def test_generated_scenarios_agree(seed: int, sizes: dict[str, int]) -> None:
    scn = synthetic_scenario(seed, **sizes)
    _compare(scn, 20_000, 1_500, scn.meta.turn_limit, seed=seed)


@pytest.mark.slow
def test_venezuela_agrees() -> None:
    scn = load_scenario(VENEZUELA).scenario
    _compare(scn, 20_000, 1_500, scn.meta.turn_limit, seed=21)


# --------------------------------------------------------------------------------------
# the reference's own rules on hand-made cases


def test_reference_chance_and_availability() -> None:
    scn = load_scenario(MINI).scenario
    w = ref_initial(scn, np.random.default_rng(0))
    assert isinstance(w, RefWorld) and w.stage == 0
    # mini: the incident's hazard p=0.05 at the start, slope 0.05 per unit of tension
    hz = scn.events[0].hazard
    x = {**w.x, "tension": 40.0}
    assert chance(scn, hz, x, 0) == pytest.approx(0.05)
    x["tension"] = 50.0
    z = np.log(0.05 / 0.95) + 0.5
    assert chance(scn, hz, x, 0) == pytest.approx(1 / (1 + np.exp(-z)))
    assert chance(scn, hz, x, 3) == pytest.approx(1 / (1 + np.exp(-(z + 1))))  # war: +1
    assert "strike" not in ref_available(scn, w, "blue")
    w.stage = 1
    assert "strike" in ref_available(scn, w, "blue")
    w.uses[("blue", "strike")] = 3
    assert "strike" not in ref_available(scn, w, "blue")


def test_reference_step_rules() -> None:
    scn = load_scenario(MINI).scenario
    rng = np.random.default_rng(1)
    w = ref_initial(scn, rng)
    ref_step(scn, w, {"blue": "spy", "red": "wait"}, rng)
    assert w.turn == 1 and w.cooldown[("blue", "spy")] == 1
    assert "spy" not in ref_available(scn, w, "blue")
    ref_step(scn, w, {"blue": "wait", "red": "wait"}, rng)
    assert w.cooldown[("blue", "spy")] == 0 and w.uses[("blue", "wait")] == 1
    while w.outcome is None:
        ref_step(scn, w, {"blue": "wait", "red": "wait"}, rng)
    assert w.ended is not None and w.ended <= scn.meta.turn_limit
    frozen = w.copy()
    ref_step(scn, w, {"blue": "talk", "red": "talk"}, rng)
    assert w == frozen  # an ended world never changes
