"""The format-v2 phases of the turn step (``c.v2``): branch conditions, interactions
with a chance, extra event triggers and event chains."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from game.model.compiled import V2, Compiled
from game.model.draws import _happen
from game.model.live import Live
from game.model.tables import _Tables

F = NDArray[np.float64]
B = NDArray[np.bool_]
I = NDArray[np.int64]  # noqa: E741


def _v2_branches(
    t: _Tables,
    v2: V2,
    lv: Live,
    x: F,
    stage0: I,
    moves: I,
    turn: int,
    br: tuple[I, F],
    absolute: I,
) -> tuple[I, F]:
    """Branch conditions (on the start-of-turn state, this turn's moves counting) and
    absolute stage sets of the branches that happened."""
    rows, h = br
    if v2.br:
        ctx = lv.ctx(t, x.take(rows, axis=1), stage0.take(rows), turn + 1, moves[rows], rows)
        for r, node in v2.br:
            h[r] *= node.eval(ctx)
    if (v2.br_stage_to >= 0).any():
        to = np.where(h > 0, v2.br_stage_to[:, None], -1).max(axis=0, initial=-1)
        absolute[rows] = np.maximum(absolute[rows], to)
    return rows, h


def _v2_couplings(
    c: Compiled, t: _Tables, v2: V2, lv: Live, x: F, stage0: I, moves: I, turn: int, y: F
) -> B:
    """Couplings with ``when``: where the condition holds (on the start-of-turn state,
    this turn's moves counting, as a branch's), ``coef·(x[source] − equilibrium[source])``
    joins the target's change in ``y``. Returns where each applied [Kcp, n]."""
    ctx = lv.ctx(t, x, stage0, turn + 1, moves)
    on = np.zeros((len(v2.cp), lv.n), dtype=bool)
    for k, (src, tgt, coef, node) in enumerate(v2.cp):
        on[k] = node.eval(ctx)
        y[tgt] += on[k] * (coef * (x[src] - c.eq[src]))
    return on


def _v2_interactions(
    c: Compiled,
    t: _Tables,
    v2: V2,
    x: F,
    stage0: I,
    moves: I,
    mean: F,
    sd: F,
    rng: np.random.Generator,
) -> B:
    """Interactions with a chance: one uniform per such interaction and world (after the
    branches' draws); where the moves coincide and the draw says so, their effects join
    the turn's mean and spread (as a branch's do). Returns which applied [Kc, n]."""
    assert t.ixc_ch is not None  # only called when there are such interactions
    go = _happen(rng, t.ixc_ch.z(x.astype(np.float32, copy=False), stage0))
    go &= c.ix_filter.holds(moves)[:, v2.ixc].T
    rows = np.flatnonzero(np.logical_or.reduce(go, axis=0))
    if rows.size:
        h = go[:, rows].astype(mean.dtype)
        mean[:, rows] += v2.ixc_mean.T.astype(mean.dtype) @ h
        sd_h = sd[:, rows].astype(np.float64)
        sd_h *= sd_h
        sd_h += v2.ixc_var[:, t.noise_rows].T @ h
        sd[:, rows] = np.sqrt(sd_h)
    return go


def _v2_events(
    t: _Tables,
    v2: V2,
    lv: Live,
    y: F,
    stage0: I,
    moves: I,
    turn: int,
    fire: B,
    rng: np.random.Generator,
) -> None:
    """Extra trigger conditions; then chains: a link set off last turn fires its event
    with its chance (drawn in every world, on the clipped state at the start-of-turn
    stage); then the links set off now are kept for the next turn."""
    if v2.ev:
        ctx = lv.ctx(t, y, stage0, turn + 1, moves)
        for e, node in v2.ev:
            fire[e] &= node.eval(ctx)
    if lv.pending is not None and t.chains is not None:
        go = _happen(rng, t.chains.z(y.astype(np.float32, copy=False), stage0))
        go &= lv.pending
        for k in range(v2.ch_dst.size):
            fire[v2.ch_dst[k]] |= go[k]


def _v2_pledges(v2: V2, pledge: I, moves: I, fire: B) -> B:
    """Commitments due this turn (after the chains): met where the addressee played a
    demanded option, else kept where the actor carried it out, else broken in the last
    turn of the deadline; each result fires its event (no draws). Returns which settled
    [P, n]."""
    done = np.zeros(pledge.shape, dtype=bool)
    for k in range(v2.pl_actor.size):
        on = pledge[k] > 0
        if not on.any():
            continue
        met = on & v2.pl_demand[k].take(moves[:, v2.pl_to[k]])
        kept = on & ~met & v2.pl_carry[k].take(moves[:, v2.pl_actor[k]])
        broken = on & ~met & ~kept & (pledge[k] == 1)
        for r, hit in enumerate((met, kept, broken)):
            if v2.pl_ev[k, r] >= 0:
                fire[v2.pl_ev[k, r]] |= hit
        done[k] = met | kept | broken
    return done


def _v2_pledges_tick(v2: V2, pledge: I, moves: I, done: B | None) -> None:
    """End of the turn: a turn of each commitment has passed, the settled ones end, and
    the threats made this turn start their deadlines."""
    np.maximum(pledge - 1, 0, out=pledge)
    if done is not None:
        pledge[done] = 0
    for k in range(v2.pl_actor.size):
        pledge[k][moves[:, v2.pl_actor[k]] == v2.pl_option[k]] = v2.pl_deadline[k]
