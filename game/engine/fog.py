"""Fog of war: what one actor can know of the true state.

Public metrics and the actor's own private metrics are exact. Another actor's
private metric is seen as ``true + sd·z``, with

    sd = range · (error_at_full_intel + (error_at_zero_intel − error_at_full_intel) · (1 − q))

where q in [0, 1] is the viewer's intelligence metric normalised to its range
(no intelligence metric: q = 0). ``z`` comes from the fog stream keyed by
(turn, viewer), one normal per metric, so an estimate is stable within a turn
and never depends on what anyone looked at.

The AI, the advisors and the what-if forecasts reason from a *belief*: the true
state with what the viewer cannot know of the other side reset (their covert
options' cooldowns and uses, outcome counters that read fogged metrics), and
every fogged metric drawn per world from N(estimate, error) — the worlds the
viewer believes possible — so neither advice nor a forecast leaks the truth, and
a vague estimate gives vaguer odds rather than confident wrong ones.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from game.engine.rng import FOG, stream
from game.model import Compiled, State


def fogged(c: Compiled, viewer: int) -> NDArray[np.bool_]:
    """bool [M]: metrics the viewer sees only as estimates (other actors' private ones)."""
    me = c.actor_ids[viewer]
    return np.array(
        [m.visibility == "private" and m.owner != me for m in c.scenario.metrics], dtype=bool
    )


def intel_level(c: Compiled, viewer: int, x: NDArray[np.float64]) -> float:
    """The viewer's intelligence in [0, 1] (0 without an intelligence metric)."""
    mid = c.scenario.actors[viewer].intel_metric
    if mid is None:
        return 0.0
    m = c.index["metric"][mid]
    q = (float(x[m]) - c.lo[m]) / (c.hi[m] - c.lo[m])
    return min(max(q, 0.0), 1.0)


def error_share(c: Compiled, viewer: int, x: NDArray[np.float64]) -> float:
    """Estimate sd as a share of a metric's range."""
    fog = c.scenario.fog
    q = intel_level(c, viewer, x)
    return fog.error_at_full_intel + (fog.error_at_zero_intel - fog.error_at_full_intel) * (1 - q)


def estimates(
    c: Compiled, seed: int, turn: int, viewer: int, x: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """(estimate[M], error sd[M], fogged[M]) for the viewer; exact metrics have error 0.

    Estimates are not clipped to the range (a clipped estimate would equal the true
    value whenever that sits at a bound); front ends clip for display.
    """
    mask = fogged(c, viewer)
    z = stream(seed, FOG, turn, viewer).standard_normal(c.n_metrics)
    err = np.where(mask, error_share(c, viewer, x) * (c.hi - c.lo), 0.0)
    est = np.where(mask, x + err * z, x)
    return est, err, mask


def belief_state(
    c: Compiled, st: State, seed: int, turn: int, viewer: int
) -> tuple[State, NDArray[np.float64]]:
    """One world as the viewer believes it is, at its point estimates, and its metrics."""
    est, _err, mask = estimates(c, seed, turn, viewer, st.x[0])
    b = _blind(c, st, viewer, mask)
    b.x[0, mask] = np.clip(est[mask], c.lo[mask], c.hi[mask])
    return b, b.x[0].copy()


def belief_worlds(
    c: Compiled, st: State, seed: int, turn: int, viewer: int, n: int, rng: np.random.Generator
) -> State:
    """``n`` worlds the viewer believes possible: fogged metrics ~ N(estimate, error)."""
    est, err, mask = estimates(c, seed, turn, viewer, st.x[0])
    w = _blind(c, st, viewer, mask).repeat(n)
    k = int(mask.sum())
    if k:
        draw = est[mask] + err[mask] * rng.standard_normal((n, k))
        w.x[:, mask] = np.clip(draw, c.lo[mask], c.hi[mask])
    return w


def _blind(c: Compiled, st: State, viewer: int, mask: NDArray[np.bool_]) -> State:
    """A copy of the true state without what the viewer cannot know of the others."""
    b = st.copy()
    if mask.any():
        for a in range(c.n_actors):
            if a != viewer:
                covert = c.covert[a]
                b.cooldown[:, a, covert] = 0
                b.uses[:, a, covert] = 0
        # outcome counters whose conditions read a fogged metric are unknown: start afresh
        cond = c.oc_cond
        if cond.metric.size:
            hidden = np.zeros(len(c.outcome_ids), dtype=bool)
            hidden[cond.group[mask[cond.metric]]] = True
            b.held[:, hidden] = 0
    return b


MoveRecord = tuple[NDArray[np.int64], NDArray[np.bool_]]  # (moves [A], exposed [A]) of a turn


def seen_move(c: Compiled, history: list[MoveRecord], viewer: int, actor: int, t: int) -> int:
    """The move ``viewer`` saw ``actor`` make in turn index ``t`` (0-based).

    Another side's covert move that was not exposed looks like holding course.
    """
    moves, exposed = history[t]
    o = int(moves[actor])
    if actor != viewer and c.covert[actor, o] and not exposed[actor]:
        return int(c.hold[actor])
    return o


def last_seen(c: Compiled, history: list[MoveRecord], viewer: int) -> list[int]:
    """Every actor's last move as ``viewer`` saw it (before the first turn: holding course)."""
    if not history:
        return [int(h) for h in c.hold]
    t = len(history) - 1
    return [seen_move(c, history, viewer, a, t) for a in range(c.n_actors)]


def viewer_estimates(
    c: Compiled, seed: int, turn: int, viewer: int, x: NDArray[np.float64], revealed: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """``estimates`` as the game shows them: exact for everyone once the teacher revealed
    the true values."""
    est, err, mask = estimates(c, seed, turn, viewer, x)
    if revealed:
        return x.copy(), np.zeros_like(err), np.zeros_like(mask)
    return est, err, mask
