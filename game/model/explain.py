"""Why each metric changed: the explanation the turn step returns on request."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from game.model.compiled import Compiled
from game.model.live import Live
from game.model.tables import _Tables

F = NDArray[np.float64]
B = NDArray[np.bool_]
I = NDArray[np.int64]  # noqa: E741


@dataclass
class Explanation:
    """Why each metric changed in each world this turn.

    ``delta[n, s, m]`` is source s's part of metric m's change in world n; the
    sources are ``labels`` in order: one per actor's move (with its branches),
    one per interaction, drift, one per event, and the range limits (clipping).
    Their sum over s equals the total change.
    """

    labels: list[str]
    delta: F  # [N, P, M]
    branches: NDArray[np.bool_]  # [N, R] which branches happened
    interactions: NDArray[np.bool_]  # [N, K]
    events: NDArray[np.bool_]  # [N, E] which events fired
    stage_before: NDArray[np.int64]
    stage_after: NDArray[np.int64]
    x_before: F
    x_after: F


def source_labels(c: Compiled) -> list[str]:
    return (
        [f"move:{a}" for a in c.actor_ids]
        + [f"interaction:{it.id}" for it in c.scenario.interactions]
        + ["drift"]
        + [f"event:{e}" for e in c.event_ids]
        + ["limits"]
    )


def _empty_explanation(c: Compiled) -> Explanation:
    labels = source_labels(c)
    m = c.n_metrics
    return Explanation(
        labels=labels,
        delta=np.zeros((0, len(labels), m)),
        branches=np.zeros((0, int(c.br_actor.size)), dtype=bool),
        interactions=np.zeros((0, len(c.scenario.interactions)), dtype=bool),
        events=np.zeros((0, len(c.event_ids)), dtype=bool),
        stage_before=np.zeros(0, dtype=np.int64),
        stage_after=np.zeros(0, dtype=np.int64),
        x_before=np.zeros((0, m)),
        x_after=np.zeros((0, m)),
    )


def _explain(
    c: Compiled,
    t: _Tables,
    moves: I,
    x0: F,
    stage0: I,
    br,
    sd_nr: F,
    noise_nr: NDArray[np.floating],
    x_pre: F,
    fire: B | None,
    ev_rows: I | None,
    ev_noise: F | None,
    x_ev: F | None,
    lv: Live,
    ixc_hit: B | None = None,
    ev_scale: F | None = None,
    cp_on: B | None = None,
) -> Explanation:
    """Each source's part of each metric's change, in the API's [N, P, M] layout."""
    n, A = moves.shape
    M, E = t.M, t.E
    K = len(c.scenario.interactions)
    labels = source_labels(c)
    delta = np.zeros((n, len(labels), M))
    nr = t.noise_rows

    var = np.zeros((n, M))
    var[:, nr] = (sd_nr**2).T
    noise = np.zeros((n, M))
    noise[:, nr] = noise_nr.T
    share = np.divide(noise, var, out=np.zeros_like(noise), where=var > 0)

    happen = np.zeros((n, t.R), dtype=bool)
    if br is not None and br[0].size:
        happen[br[0]] = (br[1] > 0).T
    hf = happen.astype(np.float64)
    for a in range(A):
        m_a = c.eff_mean[a][moves[:, a]]
        v_a = c.eff_var[a][moves[:, a]]
        if t.R:
            mine = hf * (c.br_actor == a)
            m_a = m_a + mine @ c.br_mean
            v_a = v_a + mine @ c.br_var
        delta[:, a] = m_a + v_a * share
    ix = c.ix_filter.holds(moves)
    ix_mean, ix_var = c.ix_mean, c.ix_var
    if c.v2 is not None and c.v2.ixc.size:
        ix_mean, ix_var = ix_mean.copy(), ix_var.copy()
        ix_mean[c.v2.ixc] = c.v2.ixc_mean
        ix_var[c.v2.ixc] = c.v2.ixc_var
        ix[:, c.v2.ixc] = False if ixc_hit is None else ixc_hit.T
    for k in range(K):
        on = ix[:, k : k + 1].astype(np.float64)
        delta[:, A + k] = on * (ix_mean[k] + ix_var[k] * share)
    delta[:, A + K] = (x0.T - c.eq) @ c.drift + c.noise_var * share
    if c.v2 is not None:
        delta[:, A + K] += c.v2.trend
        for k, (src, tgt, coef, _node) in enumerate(c.v2.cp):  # conditional couplings
            assert cp_on is not None  # computed whenever there are such couplings
            delta[:, A + K, tgt] += cp_on[k] * (coef * (x0[src] - c.eq[src]))
    limits = (np.clip(x_pre, c.lo[:, None], c.hi[:, None]) - x_pre).T
    events = np.zeros((n, E), dtype=bool) if fire is None else np.ascontiguousarray(fire.T)
    if ev_rows is not None and ev_rows.size:
        ff = events[ev_rows].astype(np.float64)  # [r, E]
        sc = np.ones_like(ff) if ev_scale is None else ev_scale.T.astype(np.float64)
        ev_var = (ff * sc * sc) @ c.ev_var
        ev_nz = np.zeros((ev_rows.size, M)) if ev_noise is None else ev_noise.T
        ev_share = np.divide(ev_nz, ev_var, out=np.zeros_like(ev_var), where=ev_var > 0)
        for e in range(E):
            on = ff[:, e : e + 1] * sc[:, e : e + 1]
            delta[ev_rows, A + K + 1 + e] = on * c.ev_mean[e] + on * on * c.ev_var[e] * ev_share
        assert x_ev is not None  # kept with ev_rows when explaining
        limits[ev_rows] += (np.clip(x_ev, c.lo[:, None], c.hi[:, None]) - x_ev).T
    delta[:, -1] = limits
    return Explanation(
        labels=labels,
        delta=delta,
        branches=happen,
        interactions=ix,
        events=events,
        stage_before=stage0,
        stage_after=lv.stage.copy(),
        x_before=np.ascontiguousarray(x0.T),
        x_after=np.ascontiguousarray(lv.x.T),
    )
