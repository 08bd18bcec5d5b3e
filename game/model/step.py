"""One turn for every world at once.

Order within a turn (the design's): option effects and their branches, then
interactions, then drift and coupling — all three computed from the state at
the start of the turn, so their normal noise is one draw per metric with the
summed variance — then clipping, random events, ladder transitions and
terminal outcomes. Terminal worlds are left exactly as they were.

The explanation (``explain=True``) splits each metric's change by source. It is
computed from the same draws, so asking for it never changes what happens:
the noise of the combined draw is shared out in proportion to each source's
variance (the expected share of each source given the sum).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from game.model.compiled import Compiled
from game.model.state import State

F = NDArray[np.float64]


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


def available(c: Compiled, st: State) -> NDArray[np.bool_]:
    """bool [N, A, O]: which options each actor may choose in each world now."""
    n = st.n
    ok = np.transpose(c.avail_stage[:, :, st.stage], (2, 0, 1)).copy()
    ok &= c.avail_cond.holds(st.x).reshape(n, c.n_actors, c.max_options)
    ok &= st.cooldown == 0
    ok &= st.uses < c.max_uses
    return ok


def _gather(arr: F, moves: NDArray[np.int64]) -> list[F]:
    # arr [A, O, M] -> per actor [n, M] rows for the chosen options
    return [arr[a][moves[:, a]] for a in range(moves.shape[1])]


def _draw(rng: np.random.Generator, var: F) -> F:
    """sqrt(var) * z with one standard normal per metric column that has any spread."""
    out = np.zeros_like(var)
    cols = np.flatnonzero(var.any(axis=0))
    if cols.size:
        z = rng.standard_normal((var.shape[0], cols.size), dtype=np.float32)
        out[:, cols] = np.sqrt(var[:, cols]) * z
    return out


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
    live = np.flatnonzero(st.outcome < 0)
    whole = live.size == st.n
    sub = st if whole else _take(st, live)
    mv = moves if whole else moves[live]
    info = _step_live(c, sub, mv, rng, explain) if live.size else None
    if not whole:
        _put(st, sub, live)
    st.turn += 1
    if info is None or whole:
        return info
    return _widen(info, live, st.n)


def _take(st: State, idx: NDArray[np.int64]) -> State:
    return State(
        x=st.x[idx],
        stage=st.stage[idx],
        outcome=st.outcome[idx],
        ended=st.ended[idx],
        cooldown=st.cooldown[idx],
        uses=st.uses[idx],
        fired=st.fired[idx],
        held=st.held[idx],
        turn=st.turn,
    )


def _put(st: State, sub: State, idx: NDArray[np.int64]) -> None:
    st.x[idx] = sub.x
    st.stage[idx] = sub.stage
    st.outcome[idx] = sub.outcome
    st.ended[idx] = sub.ended
    st.cooldown[idx] = sub.cooldown
    st.uses[idx] = sub.uses
    st.fired[idx] = sub.fired
    st.held[idx] = sub.held


def _widen(info: Explanation, idx: NDArray[np.int64], n: int) -> Explanation:
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


def _step_live(
    c: Compiled,
    st: State,
    moves: NDArray[np.int64],
    rng: np.random.Generator,
    explain: bool,
) -> Explanation | None:
    n, A = moves.shape
    x0 = st.x.copy() if explain else st.x
    stage0 = st.stage.copy()

    # 1. option effects and branches (branch chances read the start-of-turn state)
    move_mean = _gather(c.eff_mean, moves)
    move_var = _gather(c.eff_var, moves)
    R = c.br_actor.size
    if R:
        chosen = moves[:, c.br_actor] == c.br_option
        p = c.br_chance.p(st.x, st.stage)
        happen = chosen & (rng.random((n, R)) < p)
    else:
        happen = np.zeros((n, 0), dtype=bool)
    if R and happen.any():
        hf = happen.astype(np.float64)
        for a in range(A):
            mine = hf * (c.br_actor == a)
            move_mean[a] = move_mean[a] + mine @ c.br_mean
            move_var[a] = move_var[a] + mine @ c.br_var

    # 2. interactions
    ix = c.ix_filter.holds(moves)
    ixf = ix.astype(np.float64)
    ix_mean = ixf @ c.ix_mean
    ix_var = ixf @ c.ix_var

    # 3. drift and coupling
    drift_mean = (st.x - c.eq) @ c.drift
    drift_var = np.broadcast_to(c.noise_var, st.x.shape)

    mean = drift_mean + ix_mean
    var = drift_var + ix_var
    for a in range(A):
        mean = mean + move_mean[a]
        var = var + move_var[a]
    noise = _draw(rng, var)

    # 4. clip
    x_pre = st.x + mean + noise
    x_new = np.clip(x_pre, c.lo, c.hi)
    clip1 = x_new - x_pre

    # 5. events
    E = len(c.event_ids)
    if E:
        eligible = c.ev_stage[:, st.stage].T & c.ev_cond.holds(x_new) & c.ev_moves.holds(moves)
        eligible &= c.ev_repeatable | ~st.fired
        p = c.ev_chance.p(x_new, st.stage)
        fire = eligible & (rng.random((n, E)) < p)
    else:
        fire = np.zeros((n, 0), dtype=bool)
    ev_noise = None
    if fire.any():
        ff = fire.astype(np.float64)
        ev_var = ff @ c.ev_var
        ev_noise = np.zeros_like(ev_var)
        nz = np.nonzero(ev_var)
        ev_noise[nz] = np.sqrt(ev_var[nz]) * rng.standard_normal(nz[0].size)
        x_ev = x_new + ff @ c.ev_mean + ev_noise
        x_fin = np.clip(x_ev, c.lo, c.hi)
        clip2 = x_fin - x_ev
        st.fired |= fire
        stage = np.clip(st.stage + ff.astype(np.int64) @ c.ev_stage_change, 0, c.n_stages - 1)
    else:
        x_fin = x_new
        clip2 = None
        stage = st.stage.copy()

    # 6. ladder: climb with p_up, else step down with p_down
    p_up = _p_at(c.up, x_fin, stage)
    p_down = _p_at(c.down, x_fin, stage)
    u = rng.random(n)
    climb = u < p_up
    fall = ~climb & (u < p_up + p_down)
    stage = stage + climb.astype(np.int64) - fall.astype(np.int64)

    # 7. outcomes: trigger held for k turns, then a chance per turn; first listed wins
    cond = c.oc_trigger & c.oc_stage[:, stage].T & c.oc_cond.holds(x_fin)
    cond &= c.oc_moves.holds(moves)
    st.held[:] = np.where(cond, st.held + 1, 0)
    ready = st.held >= c.oc_hold
    p = c.oc_chance.p(x_fin, stage)
    end = ready & (rng.random(ready.shape) < p)
    ends = end.any(axis=1)
    if ends.any():
        st.outcome[ends] = np.argmax(end[ends], axis=1)
        st.ended[ends] = st.turn + 1
    if st.turn + 1 >= c.turn_limit:
        still = st.outcome < 0
        st.outcome[still] = c.limit_outcome
        st.ended[still] = st.turn + 1

    # bookkeeping: cooldowns tick down, then the chosen options start theirs
    np.maximum(st.cooldown - 1, 0, out=st.cooldown)
    rows = np.arange(n)
    for a in range(A):
        st.cooldown[rows, a, moves[:, a]] = c.cooldown[a, moves[:, a]]
        st.uses[rows, a, moves[:, a]] += 1
    st.x[:] = x_fin
    st.stage[:] = stage

    if not explain:
        return None
    return _explain(
        c,
        moves,
        x0,
        stage0,
        move_mean,
        move_var,
        ix,
        drift_mean,
        drift_var,
        var,
        noise,
        clip1,
        fire,
        ev_noise,
        clip2,
        happen,
        st,
    )


def _p_at(ch, x: F, stage: NDArray[np.int64]) -> F:
    """Each world's own chance: chance ``stage[n]`` of the set, for world n."""
    z = ch.logit0[stage]
    if ch.uses_state:
        z = z + np.einsum("nm,nm->n", x - ch.x0, ch.slope[stage]) + ch.shift[stage, stage]
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _explain(
    c: Compiled,
    moves: NDArray[np.int64],
    x0: F,
    stage0: NDArray[np.int64],
    move_mean: list[F],
    move_var: list[F],
    ix: NDArray[np.bool_],
    drift_mean: F,
    drift_var: F,
    var: F,
    noise: F,
    clip1: F,
    fire: NDArray[np.bool_],
    ev_noise: F | None,
    clip2: F | None,
    happen: NDArray[np.bool_],
    st: State,
) -> Explanation:
    n, A = moves.shape
    K = ix.shape[1]
    E = fire.shape[1]
    labels = source_labels(c)
    delta = np.zeros((n, len(labels), c.n_metrics))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(var > 0, noise / var, 0.0)  # noise per unit of variance
    for a in range(A):
        delta[:, a] = move_mean[a] + move_var[a] * share
    for k in range(K):
        on = ix[:, k : k + 1].astype(np.float64)
        delta[:, A + k] = on * (c.ix_mean[k] + c.ix_var[k] * share)
    delta[:, A + K] = drift_mean + drift_var * share
    limits = clip1.copy()
    if E and fire.any():
        ev_var_total = fire.astype(np.float64) @ c.ev_var
        with np.errstate(invalid="ignore", divide="ignore"):
            ev_share = np.where(ev_var_total > 0, ev_noise / ev_var_total, 0.0)
        for e in range(E):
            on = fire[:, e : e + 1].astype(np.float64)
            delta[:, A + K + 1 + e] = on * (c.ev_mean[e] + c.ev_var[e] * ev_share)
        limits = limits + clip2
    delta[:, -1] = limits
    return Explanation(
        labels=labels,
        delta=delta,
        branches=happen,
        interactions=ix,
        events=fire,
        stage_before=stage0,
        stage_after=st.stage.copy(),
        x_before=x0,
        x_after=st.x.copy(),
    )
