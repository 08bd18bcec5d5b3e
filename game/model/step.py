"""One turn for every world at once.

Order within a turn (the design's), for each running world:

1. option effects: each actor's chosen option adds ``mean + sd·N(0, 1)`` per
   metric; each of the option's branches happens independently with its
   chance (evaluated on the state at the start of the turn) and adds its own
   effects;
2. interactions: when every listed actor chose one of the listed options;
3. drift and coupling: ``(x - equilibrium) @ drift`` plus ``noise_sd·N(0, 1)``; a
   coupling with ``when`` is not in ``drift``: it adds its term where its condition
   holds (``_v2_couplings``, no draws).
   1-3 are all computed from the state at the start of the turn, so their
   normal noise is one draw per metric with the summed variance;
4. clip to the metric ranges;
5. events: each eligible event (its stages include the stage at the start of
   the turn, its conditions hold on the clipped state, its moves were chosen,
   and it has not fired before unless repeatable) fires with its hazard
   evaluated on the clipped state at the start-of-turn stage; the fired
   events add their effects (then clip again) and move the ladder by the sum
   of their ``stage_change`` (kept on the ladder);
6. ladder: from the stage after the events, a world climbs one rung with
   ``p_up``; a world that does not climb steps down one rung with ``p_down``
   (so P(down) = (1 - p_up)·p_down); both are evaluated on the final state at
   that stage;
7. outcomes: an outcome's trigger holds when the new stage is one of its
   stages, its conditions hold on the final state and its moves were chosen;
   ``held`` counts the consecutive turns it has held; once ``held >= hold_turns``
   the outcome happens with its chance (on the final state at the new stage);
   when several happen the first listed wins; a world still running when the
   turn limit is reached gets the turn-limit outcome;
8. bookkeeping: cooldowns tick down by one, then each chosen option starts its
   cooldown; each chosen option's use count goes up by one.

Terminal worlds are left exactly as they were.

Format v2 (``Compiled.v2``; None for a scenario that uses none of it, which then
runs exactly the code above): conditions other than metric comparisons are trees
of the shared evaluator (``game.model.conditions``), applied after the same
draws; a branch's ``condition`` and ``stage_to`` in 1; each metric's ``trend``
with the drift in 3; interactions with a chance draw one uniform each (after the
branches) and join 1-3 like a branch; active modifiers add to their events'
half-logits before the draws and scale their effects; chain links set off last
turn draw after the events, then commitments due settle and fire their results'
events (no draws); in 6 the highest absolute ``stage_to`` of the turn
wins over relative changes and the ladder's step, and ``up_when``/``down_when``
block a step; the ``held`` counters update before 7; the moves become "last
turn's", use windows, modifier counts and commitments' deadlines update in 8.

The explanation (``explain=True``) splits each metric's change by source. It is
computed from the same draws, so asking for it never changes what happens:
the noise of the combined draw is shared out in proportion to each source's
variance (the expected share of each source given the sum).

Implementation notes: the batch is kept "one row per quantity" (``Live``:
metrics x[M, n], events [E, n], ...) so that every operation runs along long
contiguous rows, except the options, kept a world at a time (padded to whole
words, in small ints); moves are turned into one joint index, with the effects
of every move combination precomputed (and which events and outcomes the stage
and moves allow); random numbers are float32 made from the raw 64-bit output of
the bit generator, two per output: uniforms, and normals as Box–Muller pairs
(exact in distribution, several times cheaper than NumPy's ziggurat here);
chances are half-logits in float32, compared through one tanh; events allowed
in few (stage, move) cells are drawn only in the worlds that allow them. Either
path (joint tables or not) and either mode (explanation or not) makes the same
draws.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from game.model.compiled import Compiled, non_finite_error
from game.model.conditions import update_held
from game.model.draws import _happen, _mm, _signed_uniforms, _take, normals
from game.model.draws import uniforms as uniforms
from game.model.explain import Explanation, _empty_explanation, _explain
from game.model.explain import source_labels as source_labels
from game.model.live import Live, live_of, put_back
from game.model.live import available as available
from game.model.live import live_available as live_available
from game.model.live import live_cooldown as live_cooldown
from game.model.live import state_ctx as state_ctx
from game.model.state import State
from game.model.step_v2 import (
    _v2_branches,
    _v2_couplings,
    _v2_events,
    _v2_interactions,
    _v2_pledges,
    _v2_pledges_tick,
)
from game.model.tables import _Num, _Tables, tables

F = NDArray[np.float64]
F32 = NDArray[np.float32]
B = NDArray[np.bool_]
I = NDArray[np.int64]  # noqa: E741
I32 = NDArray[np.int32]


# --------------------------------------------------------------------------------------
# the public step


def step(
    c: Compiled,
    st: State,
    moves: NDArray[np.int64],
    rng: np.random.Generator,
    explain: bool = False,
) -> Explanation | None:
    """Advance every running world in ``st`` by one turn, in place.

    ``moves[n, a]`` is actor a's option index in world n (rows of terminal worlds
    are ignored). The caller is responsible for choosing available options.
    """
    moves = np.asarray(moves, dtype=np.int64)
    if moves.shape != (st.n, c.n_actors):
        raise ValueError(f"moves must have shape {(st.n, c.n_actors)}, got {moves.shape}")
    if moves.size and ((moves < 0).any() or (moves >= c.n_options).any()):
        raise ValueError("a move names an option index the actor does not have")
    rows = np.flatnonzero(st.outcome < 0)
    mv = np.ascontiguousarray(moves[rows])
    lv = live_of(c, st, rows)
    lv, end, oc, info = advance(c, lv, mv, rng, st.turn, explain)
    put_back(c, st, rows, lv, st.turn + 1)
    st.outcome[rows[end]] = oc
    st.ended[rows[end]] = st.turn + 1
    st.turn += 1
    if info is None:
        return None
    return info if rows.size == st.n else _widen(info, rows, st.n)


def _widen(info: Explanation, idx: I, n: int) -> Explanation:
    def wide(a: NDArray, fill: float | int | bool = 0) -> NDArray:
        out = np.full((n, *a.shape[1:]), fill, dtype=a.dtype)
        out[idx] = a
        return out

    return Explanation(
        labels=info.labels,
        delta=wide(info.delta),
        branches=wide(info.branches, False),
        interactions=wide(info.interactions, False),
        events=wide(info.events, False),
        stage_before=wide(info.stage_before, -1),
        stage_after=wide(info.stage_after, -1),
        x_before=wide(info.x_before, np.nan),
        x_after=wide(info.x_after, np.nan),
    )


# --------------------------------------------------------------------------------------
# the kernel


def _move_terms(
    c: Compiled, t: _Tables, nm: _Num, moves: I
) -> tuple[I | None, F, F, B | None, B | None]:
    """(joint index or None, mean [M, n] (options, interactions, minus eq @ drift),
    sd [Mn, n] of all three, and which events [E, n] and outcomes [Q, n] the moves
    allow, when there is no joint index)."""
    if t.joint:
        j = moves[:, 0] * t.stride[0] + moves[:, 1] if t.A == 2 else moves @ t.stride
        ms = _take(nm.jt_ms, j, axis=1)
        return j, ms[: t.M], ms[t.M :], None, None
    n = moves.shape[0]
    mean = np.zeros((n, t.M))
    var = np.zeros((n, t.M))
    for a in range(t.A):
        mean += c.eff_mean[a][moves[:, a]]
        var += c.eff_var[a][moves[:, a]]
    ix = c.ix_filter.holds(moves).astype(np.float64)
    mean += ix @ c.ix_mean
    var += ix @ c.ix_var
    mean -= c.eq @ c.drift
    if c.v2 is not None:
        mean += c.v2.trend
    var += c.noise_var
    dt = nm.d1t.dtype
    sd = np.sqrt(var[:, t.noise_rows].T).astype(dt)
    ev_ok = np.ascontiguousarray(c.ev_moves.holds(moves).T)
    oc_ok = np.ascontiguousarray(c.oc_moves.holds(moves).T)
    return None, np.ascontiguousarray(mean.T, dtype=dt), sd, ev_ok, oc_ok


def _branches(t: _Tables, c: Compiled, x: F, stage: I, moves: I, j: I | None, rng):
    """Which branches happen: (columns, happened [R, columns] as 0/1), or None.

    Only the worlds whose moves have branches draw (one uniform per branch).
    """
    if t.R == 0:
        return None
    if j is not None:
        rows = np.flatnonzero(t.jt_br[j])
        if rows.size == 0:
            return None
        chosen = t.br_jt.take(j.take(rows), axis=1)  # [R, r]
    else:
        has = np.zeros(moves.shape[0], dtype=bool)
        for a in range(t.A):
            has |= t.br_has[a][moves[:, a]]
        rows = np.flatnonzero(has)
        if rows.size == 0:
            return None
        chosen = c.br_option[:, None] == moves.take(rows, axis=0)[:, c.br_actor].T
    x32 = x.astype(np.float32, copy=False)
    chosen &= _happen(rng, t.br_ch.z(x32, stage.take(rows), at=rows))
    hit = np.logical_or.reduce(chosen, axis=0)
    return rows[hit], np.compress(hit, chosen, axis=1).astype(x.dtype)


def _events(
    t: _Tables, y32: F32, stage: I, idx: I | None, ev_ok: B | None, rng, zadd: F32 | None = None
) -> B:
    """bool [E, n]: the events whose stage, moves and hazard (on y32 at ``stage``) say
    they fire; conditions and repeats are for the caller.

    Dense events draw one uniform per world ([D, n], in that order); then each sparse
    event draws one per world that allows it (event by event, worlds in order). The
    joint path (``idx`` = stage * J + joint move) and the plain one (``ev_ok`` [E, n])
    make the same draws.
    """
    n = y32.shape[1]
    fire = np.zeros((t.E, n), dtype=bool)
    dense, k = t.ev_dense, t.ev_plain
    if dense.size:
        z = t.ev_lin_d(y32) if t.ev_uses_x else np.zeros((dense.size, n), dtype=np.float32)
        if k:
            z[:k] += t.ev_const
        if k < dense.size:
            if idx is not None:
                z[k:] += _take(t.ev_zt, idx, axis=1)  # -inf where not allowed
            else:
                z[k:] += t.ev_zs[dense[k:]].take(stage, axis=1)
        if zadd is not None:
            z += zadd[dense]
        hit = _happen(rng, z)
        if idx is None and k < dense.size:
            assert ev_ok is not None  # the plain path always has it
            hit[k:] &= t.ev_elig[dense[k:]].take(stage, axis=1)
            hit[k:] &= ev_ok[dense[k:]]
        fire[dense] = hit
    sparse = t.ev_sparse
    if sparse.size:
        if idx is not None:
            ws = np.flatnonzero(_take(t.sp_any, idx))
            zs = _take(t.sp_zt, idx.take(ws), axis=1)  # -inf where not allowed
        else:
            assert ev_ok is not None  # the plain path always has it
            ok = t.ev_elig[sparse].take(stage, axis=1)
            ok &= ev_ok[sparse]
            ws = np.flatnonzero(np.logical_or.reduce(ok, axis=0))
            zs = t.ev_zs[sparse].take(stage.take(ws), axis=1)
            zs[~ok[:, ws]] = -np.inf
        if ws.size:
            if t.ev_uses_x:
                zs += t.ev_lin_s(y32, at=ws)
            if zadd is not None:
                zs += zadd[sparse][:, ws]
            cells = np.flatnonzero(zs != -np.inf)
            cells = cells[_happen(rng, zs.take(cells))]
            e, w = np.divmod(cells, ws.size)
            fire[sparse[e], ws[w]] = True
    return fire


def advance(
    c: Compiled,
    lv: Live,
    moves: I,
    rng: np.random.Generator,
    turn: int,
    explain: bool = False,
) -> tuple[Live, I, I, Explanation | None]:
    """One turn for a batch of running worlds.

    ``moves`` is int[n, A]; ``turn`` the number of turns resolved before this one.
    Returns the batch after the turn (``lv`` updated in place, except ``x``,
    which is a new array), the columns that ended this turn, their outcomes, and
    the explanation if asked for. The metrics may be float64 or float32 (the
    forecast's choice: half the memory traffic); the draws are the same.
    """
    t = tables(c)
    n = lv.n
    if n == 0:
        none = np.zeros(0, dtype=np.int64)
        return lv, none, none, (_empty_explanation(c) if explain else None)
    x = lv.x
    nm = t.num[x.dtype]
    stage0 = lv.stage

    # 1-3. moves, branches, interactions, drift; one normal per noisy cell
    j, mean, sd, ev_ok, oc_ok = _move_terms(c, t, nm, moves)
    br = _branches(t, c, x, stage0, moves, j, rng)
    v2 = c.v2
    absolute = None  # v2: the highest absolute stage set this turn per world (-1: none)
    ixc_hit = None  # v2: [Kc, n] the interactions with a chance that applied
    ev_scale = None  # v2: [E, len(ev_rows)] the fired events' effect scales
    if v2 is not None:
        absolute = np.full(n, -1, dtype=np.int64)
        if br is not None and br[0].size:
            br = _v2_branches(t, v2, lv, x, stage0, moves, turn, br, absolute)
        if t.ixc_ch is not None:
            ixc_hit = _v2_interactions(c, t, v2, x, stage0, moves, mean, sd, rng)
    if br is not None and br[0].size:
        hit, h = br
        mean[:, hit] += _mm(nm.br_mean_t, h)
        sd_h = sd.take(hit, axis=1)
        sd_h *= sd_h
        sd_h += _mm(nm.br_var_t, h)
        sd[:, hit] = np.sqrt(sd_h, out=sd_h)
    y = _mm(nm.d1t, x)
    y += mean
    cp_on = None  # v2: [Kcp, n] where each coupling with ``when`` applied
    if v2 is not None and v2.cp:
        cp_on = _v2_couplings(c, t, v2, lv, x, stage0, moves, turn, y)
    nr = t.noise_rows
    noise = None
    if nr.size:
        noise = normals(rng, nr.size * n).reshape(nr.size, n)
        np.multiply(noise, sd, out=noise, casting="same_kind")
        if nr.size == t.M:
            y += noise
        else:
            y[nr] += noise
    x_pre = y.copy() if explain else None
    np.clip(y, nm.lo, nm.hi, out=y)  # (one pass, several times faster than min then max)

    # 5. events on the clipped state, at the stage of the start of the turn
    stage = stage0.copy()
    y32 = y.astype(np.float32, copy=False)
    fire = ev_rows = ev_noise = x_ev = None
    pl_done = None  # v2: [P, n] the commitments settled this turn
    if t.E:
        idx = None if j is None else stage0 * t.J + j
        zadd = None
        if lv.mods is not None and v2 is not None:
            # active modifiers multiply the odds of their events' hazards
            zadd = np.zeros((t.E, n), dtype=np.float32)
            for mk in range(v2.mod_src.size):
                half = np.float32(0.5 * v2.mod_logodds[mk])
                zadd[v2.mod_target[mk]] += (lv.mods[mk] > 0) * half
        fire = _events(t, y32, stage0, idx, ev_ok, rng, zadd)
        t.ev_conds.apply(fire, y)
        if v2 is not None:
            _v2_events(t, v2, lv, y, stage0, moves, turn, fire, rng)
            if lv.pledge is not None:
                pl_done = _v2_pledges(v2, lv.pledge, moves, fire)
        for e in t.ev_nonrep:
            fire[e] &= ~lv.fired[e]
        if v2 is not None and lv.pending is not None:
            lv.pending[:] = fire[v2.ch_src]
        ev_rows = np.flatnonzero(np.logical_or.reduce(fire, axis=0))
        if ev_rows.size:
            ff = _take(fire, ev_rows, axis=1).astype(y.dtype)
            xr = _take(y, ev_rows, axis=1)
            ff_mean = ff_var = ff
            if v2 is not None and lv.mods is not None and (v2.mod_scale != 1.0).any():
                # active modifiers scale their events' effects (the spread with them)
                ev_scale = np.ones_like(ff)
                for sk in np.flatnonzero(v2.mod_scale != 1.0):
                    on = lv.mods[sk].take(ev_rows) > 0
                    ev_scale[v2.mod_target[sk], on] *= v2.mod_scale[sk]
                ff_mean = ff * ev_scale
                ff_var = ff_mean * ev_scale
            xr += _mm(nm.ev_mean_t, ff_mean)
            # noise only where a fired event has spread (most events touch few metrics)
            var = _mm(nm.ev_var_t, ff_var)
            cells = np.flatnonzero(var > 0)  # (a bool mask: much faster than on floats)
            if cells.size:
                dz = var.take(cells)
                np.sqrt(dz, out=dz)
                dz *= normals(rng, cells.size)
                xr.reshape(-1)[cells] += dz
                if explain:
                    ev_noise = np.zeros_like(var)
                    ev_noise.reshape(-1)[cells] = dz
            if explain:
                x_ev = xr.copy()
            np.clip(xr, nm.lo, nm.hi, out=xr)
            y[:, ev_rows] = xr
            if y32 is not y:
                y32[:, ev_rows] = xr
            lv.fired |= fire
            if absolute is not None and v2 is not None and v2.sets_stage:
                to = np.where(ff > 0, v2.ev_stage_to[:, None], -1).max(axis=0, initial=-1)
                absolute[ev_rows] = np.maximum(absolute[ev_rows], to)
            if t.ev_moves_stage:
                st_r = stage.take(ev_rows)
                st_r += (t.ev_dstage.astype(ff.dtype) @ ff).astype(np.int64)
                np.maximum(st_r, 0, out=st_r)
                np.minimum(st_r, t.S - 1, out=st_r)
                stage[ev_rows] = st_r

    # 6. ladder from the stage after the events: up with p_up, else down with p_down
    # row s of the [2S] chance rows is climbing from stage s, row S + s stepping down
    z = _take(t.lad_const.reshape(2, t.S), stage, axis=1)  # [2, n]
    if t.lad_uses_x:
        at = stage * n
        at += np.arange(n)
        z += _take(t.lad_lin(y32).reshape(2, t.S * n), at, axis=1)
    # with v = 2u - 1 and t = tanh(half-logit) = 2p - 1 (see _happen): climb when
    # v < t_up; fall when u < p_up + (1 - p_up) p_down, i.e. v < t_up + (1 - t_up) p_down
    t_up, t_dn = np.tanh(z, out=z)
    if v2 is not None and (v2.lad_up or v2.lad_down):
        # a stage whose up_when (down_when) fails cannot be climbed from (stepped down from)
        ctx = lv.ctx(t, y, stage, turn + 1, moves)
        for s_, node in v2.lad_up:
            t_up[(stage == s_) & ~node.eval(ctx)] = -1.0
        for s_, node in v2.lad_down:
            t_dn[(stage == s_) & ~node.eval(ctx)] = -1.0
    v = _signed_uniforms(rng, n)
    climb = v < t_up
    t_dn += 1.0
    t_dn *= 0.5
    t_dn *= 1.0 - t_up
    t_dn += t_up
    fall = v < t_dn
    fall &= ~climb
    if absolute is not None:
        # an absolute set wins over relative changes and the ladder's own step
        set_ = absolute >= 0
        if set_.any():
            climb &= ~set_
            fall &= ~set_
            stage[set_] = absolute[set_]
    stage += climb
    stage -= fall
    if v2 is not None and v2.held:
        assert lv.cheld is not None  # kept when the scenario has held conditions
        update_held(v2.held, lv.cheld, lv.ctx(t, y, stage, turn + 1, moves))

    # 7. outcomes on the final state at the new stage
    cond = np.empty((t.Q, n), dtype=bool)
    cond[t.oc_always] = True
    cond[t.oc_never] = False
    if t.oc_mixed.size:
        if j is not None:
            cond[t.oc_mixed] = _take(t.oc_elig, stage * t.J + j, axis=1)
        else:
            assert oc_ok is not None  # no joint index: the moves' own table
            ok = t.oc_elig[t.oc_mixed].take(stage, axis=1)
            ok &= oc_ok[t.oc_mixed]
            cond[t.oc_mixed] = ok
    t.oc_conds.apply(cond, y)
    if v2 is not None and v2.oc:
        ctx = lv.ctx(t, y, stage, turn + 1, moves)
        for q, node in v2.oc:
            cond[q] &= node.eval(ctx)
    held = lv.held
    held += 1
    held *= cond.view(np.uint8)  # (0/1 without a cast)
    ready = held >= t.oc_hold
    r_rows = np.flatnonzero(np.logical_or.reduce(ready, axis=0))
    end_rows = np.zeros(0, dtype=np.int64)
    end_oc = np.zeros(0, dtype=np.int64)
    if r_rows.size:
        rd = ready.take(r_rows, axis=1)
        if t.oc_sure:
            rd &= t.oc_certain[:, None]
        else:
            rd &= _happen(rng, t.oc_ch.z(y32, stage.take(r_rows), at=r_rows))
        hit = np.logical_or.reduce(rd, axis=0)
        end_rows = r_rows[hit]
        end_oc = np.argmax(np.compress(hit, rd, axis=1), axis=0).astype(np.int64)
    if turn + 1 >= c.turn_limit:
        rest = np.ones(n, dtype=bool)
        rest[end_rows] = False
        rest_rows = np.flatnonzero(rest)
        end_rows = np.concatenate([end_rows, rest_rows])
        end_oc = np.concatenate([end_oc, np.full(rest_rows.size, c.limit_outcome, np.int64)])
        order = np.argsort(end_rows, kind="stable")
        end_rows, end_oc = end_rows[order], end_oc[order]

    # 8. bookkeeping
    # (cooldowns need no countdown: each chosen option is free again from turn + 1
    # + its cooldown); flat positions world * A*P + a * P + option
    if not (lv.free.flags.c_contiguous and lv.uses.flags.c_contiguous):
        lv.free, lv.uses = np.ascontiguousarray(lv.free), np.ascontiguousarray(lv.uses)
    free, uses = lv.free.reshape(-1), lv.uses.reshape(-1)  # views
    row0 = np.arange(0, n * t.A * t.P, t.A * t.P)
    for a in range(t.A):
        k = moves[:, a] + a * t.P
        at = row0 + k
        free[at] = t.cd_val.take(k) + t.opt_dtype(turn + 1)
        used = uses.take(at)
        used += 1
        uses[at] = used
        done = used >= t.max_uses.take(k)
        if done.any():
            free[at[done]] += t.exhausted
    if lv.last is not None:
        lv.last[:] = moves
    if lv.mods is not None and v2 is not None:
        # a turn of each modifier has passed; the events fired now start theirs
        np.maximum(lv.mods - 1, 0, out=lv.mods)
        if fire is not None:
            for src in np.flatnonzero(v2.mod_src >= 0):
                lv.mods[src][fire[v2.mod_src[src]]] = v2.mod_turns[src]
    if lv.pledge is not None and v2 is not None:
        _v2_pledges_tick(v2, lv.pledge, moves, pl_done)
    if lv.wuse is not None and v2 is not None:
        for wi, (wa, wo, _most, _turns) in enumerate(v2.win):
            chose = np.flatnonzero(moves[:, wa] == wo)
            if chose.size:
                recent = lv.wuse[chose, wi]
                lv.wuse[chose, wi, :-1] = recent[:, 1:]
                lv.wuse[chose, wi, -1] = turn + 1
    stage0_copy = stage0.copy() if explain else None
    if not np.isfinite(y).all():
        # (the schema's bounds should make this impossible: this is the guard behind them)
        raise non_finite_error(c, y, turn + 1)
    lv.stage[:] = stage
    lv.x = y

    if not explain:
        return lv, end_rows, end_oc, None
    nr_noise = np.zeros((nr.size, n)) if noise is None else noise
    assert stage0_copy is not None and x_pre is not None  # both kept when explaining
    info = _explain(
        c,
        t,
        moves,
        x,
        stage0_copy,
        br,
        sd,
        nr_noise,
        x_pre,
        fire,
        ev_rows,
        ev_noise,
        x_ev,
        lv,
        ixc_hit,
        ev_scale,
        cp_on,
    )
    return lv, end_rows, end_oc, info
