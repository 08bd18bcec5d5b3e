"""One turn for every world at once.

Order within a turn (the design's), for each running world:

1. option effects: each actor's chosen option adds ``mean + sd·N(0, 1)`` per
   metric; each of the option's branches happens independently with its
   chance (evaluated on the state at the start of the turn) and adds its own
   effects;
2. interactions: when every listed actor chose one of the listed options;
3. drift and coupling: ``(x - equilibrium) @ drift`` plus ``noise_sd·N(0, 1)``.
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

The explanation (``explain=True``) splits each metric's change by source. It is
computed from the same draws, so asking for it never changes what happens:
the noise of the combined draw is shared out in proportion to each source's
variance (the expected share of each source given the sum).

Implementation notes: the batch is kept "one row per quantity" (``Live``:
metrics x[M, n], events [E, n], ...) so that every operation runs along long
contiguous rows; moves are turned into one joint index, with the effects of
every move combination precomputed; normal draws are float32 Box–Muller pairs
(exact in distribution, several times cheaper than NumPy's ziggurat here),
uniforms are float32, and chances are evaluated in float32.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from game.model.compiled import ChanceSet, Compiled, CondSet
from game.model.state import State

F = NDArray[np.float64]
F32 = NDArray[np.float32]
B = NDArray[np.bool_]
I = NDArray[np.int64]  # noqa: E741
I32 = NDArray[np.int32]

# Joint move tables ([stages x move combinations, ...]) are used while they stay this small.
JOINT_MAX = 1 << 20
_TWO_PI = np.float32(2.0 * np.pi)


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


# --------------------------------------------------------------------------------------
# random numbers


def normals(rng: np.random.Generator, n: int) -> F32:
    """``n`` standard normals (float32), Box–Muller from float32 uniforms."""
    h = (n + 1) // 2
    u = rng.random(2 * h, dtype=np.float32)
    r = u[:h]
    # 1 - u is in (0, 1]: the log is finite
    np.negative(r, out=r)
    np.log1p(r, out=r)
    r *= np.float32(-2.0)
    np.sqrt(r, out=r)
    t = u[h:]
    t *= _TWO_PI
    out = np.empty(2 * h, dtype=np.float32)
    np.cos(t, out=out[:h])
    np.sin(t, out=out[h:])
    out[:h] *= r
    out[h:] *= r
    return out[:n]


def _sig(zh: NDArray) -> NDArray:
    """sigmoid(2·zh), in place: the tables hold half-logits, so this is one tanh."""
    np.tanh(zh, out=zh)
    zh += 1.0
    zh *= 0.5
    return zh


# --------------------------------------------------------------------------------------
# tables derived once per compiled scenario


@dataclass
class _Chances:
    """A ChanceSet as half-logits in float32: zh = slope @ x + const (+ shift[:, stage])."""

    slope: F32  # [G, M]
    const: F32  # [G]
    shift: F32  # [G, S]
    uses_x: bool
    uses_stage: bool
    shift_rows: I  # the chances with any stage shift

    @classmethod
    def of(cls, ch: ChanceSet) -> _Chances:
        with np.errstate(invalid="ignore"):
            const = ch.logit0 - ch.slope @ ch.x0
        const = np.where(np.isfinite(ch.logit0), const, ch.logit0)
        return cls(
            slope=(0.5 * ch.slope).astype(np.float32),
            const=(0.5 * const).astype(np.float32),
            shift=(0.5 * ch.shift).astype(np.float32),
            uses_x=bool(ch.slope.any()),
            uses_stage=bool(ch.shift.any()),
            shift_rows=np.flatnonzero(ch.shift.any(axis=1)),
        )

    def p(self, x32: F32, stage: I) -> F32:
        """Probabilities [G, n] for metrics x32 [M, n] at stages [n]."""
        n = x32.shape[1]
        if self.uses_x:
            z = self.slope @ x32
            z += self.const[:, None]
        else:
            z = np.repeat(self.const[:, None], n, axis=1)
        if self.uses_stage:
            for g in self.shift_rows:
                z[g] += np.take(self.shift[g], stage)
        return _sig(z)


@dataclass
class _Conds:
    """Condition groups: group g holds when all its (metric, op, value) tests hold."""

    groups: list[tuple[int, list[tuple[int, int, float]]]]  # (group, [(metric, op, value)])

    @classmethod
    def of(cls, cs: CondSet) -> _Conds:
        by: dict[int, list[tuple[int, int, float]]] = {}
        for m, op, v, g in zip(cs.metric, cs.op, cs.value, cs.group, strict=True):
            by.setdefault(int(g), []).append((int(m), int(op), float(v)))
        return cls(sorted(by.items()))

    def apply(self, ok: B, x: F) -> None:
        """ok[g] &= group g holds, for x [M, n] (rows of ok are the groups)."""
        for g, tests in self.groups:
            row = ok[g]
            for m, op, v in tests:
                xm = x[m]
                if op == 0:
                    row &= xm < v
                elif op == 1:
                    row &= xm <= v
                elif op == 2:
                    row &= xm > v
                else:
                    row &= xm >= v


@dataclass
class _Num:
    """The tables that meet the metrics, in the metrics' dtype."""

    d1t: F  # [M, M]: x_new = d1t @ x, the identity plus drift
    lo: F  # [M, 1]
    hi: F
    jt_ms: F  # [M + Mn, J] option and interaction means minus eq @ drift, then the sd
    # of options, interactions and drift noise together, on the noise rows
    br_mean_t: F  # [M, R]
    ev_mean_t: F  # [M, E]

    def astype(self, dt: type) -> _Num:
        return _Num(*(np.ascontiguousarray(a, dtype=dt) for a in vars(self).values()))


@dataclass
class _Tables:
    M: int
    A: int
    O: int  # noqa: E741
    S: int
    E: int
    Q: int
    R: int
    J: int
    joint: bool
    stride: I  # [A]
    num: dict[np.dtype, _Num]  # the numeric tables in float64 and float32
    jt_br: B  # [J] some chosen option has branches
    noise_rows: I  # metrics whose draw can have any spread
    # branches
    br_has: list[B]  # per actor [O]: the option has branches
    br_ch: _Chances
    br_var_t: F  # [Mn, R]
    br_mrows: list[int]  # metrics some branch changes on average
    br_vrows: list[int]  # noise rows some branch adds spread to
    # events
    ev_elig: B  # [E, S * J] stage and moves allow it, and its hazard is not zero
    ev_zt: F32  # [E, S * J] half-logit constant + stage shift, -inf where not eligible
    ev_ch: _Chances
    ev_conds: _Conds
    ev_nonrep: list[int]
    ev_var_t: F  # [M, E]
    ev_nrows: I  # metrics some event adds noise to
    ev_var_nr: F  # [len(ev_nrows), E]
    ev_dstage: F  # [E]
    ev_moves_stage: bool  # some event moves the ladder
    # ladder: rows 0..S-1 up, S..2S-1 down
    lad_slope: F32  # [2S, M]
    lad_const: F32  # [2S] (with each stage's own shift)
    lad_uses_x: bool
    # outcomes
    oc_elig: B  # [Q, S * J] stage and moves allow it, and it has a trigger
    oc_ch: _Chances
    oc_conds: _Conds
    oc_hold: I32  # [Q, 1]
    oc_sure: bool  # every outcome chance is exactly 0 or 1
    oc_certain: B  # [Q]: chance 1
    # availability ([A*O] rows, flat option a * O + o)
    av_stage: B  # [A*O, S]
    av_staged: list[int]  # options available in some stages only
    av_never: list[int]  # options never available (padding)
    av_conds: _Conds
    cd_val: I32  # [A*O]
    lim_cols: I
    lim_max: I32  # [len(lim_cols), 1]


def tables(c: Compiled) -> _Tables:
    """The step's derived tables, built once per compiled scenario and cached on it."""
    t = c.__dict__.get("_step_tables")
    if t is None:
        t = _build(c)
        object.__setattr__(c, "_step_tables", t)
    return t


def _build(c: Compiled) -> _Tables:
    M, A, O, S = c.n_metrics, c.n_actors, c.max_options, c.n_stages  # noqa: E741
    E, Q, R = len(c.event_ids), len(c.outcome_ids), int(c.br_actor.size)
    nopt = c.n_options.astype(np.int64)
    J = int(np.prod(nopt.astype(np.float64)))
    joint = J * S * max(E, Q, M, 1) <= JOINT_MAX
    stride = np.ones(A, dtype=np.int64)
    for a in range(A - 2, -1, -1):
        stride[a] = stride[a + 1] * nopt[a + 1]
    eq_drift = c.eq @ c.drift

    can_vary = c.noise_var > 0
    can_vary |= (c.eff_var > 0).any(axis=(0, 1))
    if c.ix_var.size:
        can_vary |= (c.ix_var > 0).any(axis=0)
    if c.br_var.size:
        can_vary |= (c.br_var > 0).any(axis=0)
    nrows = np.flatnonzero(can_vary)

    ev_live = c.ev_chance.logit0 != -np.inf
    if joint:
        grid = np.stack(np.unravel_index(np.arange(J), tuple(nopt)), axis=1).astype(np.int64)
        mean = np.zeros((J, M))
        var = np.zeros((J, M))
        for a in range(A):
            mean += c.eff_mean[a][grid[:, a]]
            var += c.eff_var[a][grid[:, a]]
        ix = c.ix_filter.holds(grid).astype(np.float64)
        mean += ix @ c.ix_mean
        var += ix @ c.ix_var
        mean -= eq_drift
        var += c.noise_var
        jt_ms = np.ascontiguousarray(np.concatenate([mean, np.sqrt(var[:, nrows])], axis=1).T)
        ev_ok = c.ev_moves.holds(grid)  # [J, E]
        oc_ok = c.oc_moves.holds(grid)
        # [E, S * J]: index stage * J + j
        ev_elig = (c.ev_stage[:, :, None] & ev_ok.T[:, None, :] & ev_live[:, None, None]).reshape(
            E, S * J
        )
        oc_elig = (
            c.oc_stage[:, :, None] & oc_ok.T[:, None, :] & c.oc_trigger[:, None, None]
        ).reshape(Q, S * J)
    else:
        jt_ms = np.zeros((M + nrows.size, 0))
        ev_elig = np.ascontiguousarray(c.ev_stage & ev_live[:, None])  # [E, S]
        oc_elig = np.ascontiguousarray(c.oc_stage & c.oc_trigger[:, None])  # [Q, S]

    ev_ch = _Chances.of(c.ev_chance)
    if joint:
        zs = ev_ch.const[:, None] + ev_ch.shift  # [E, S]
        ev_zt = np.where(ev_elig.reshape(E, S, J), zs[:, :, None], np.float32(-np.inf)).reshape(
            E, S * J
        )
        ev_zt = np.ascontiguousarray(ev_zt, dtype=np.float32)
    else:
        ev_zt = np.zeros((E, 0), dtype=np.float32)

    br_has = []
    for a in range(A):
        has = np.zeros(O, dtype=bool)
        has[c.br_option[c.br_actor == a]] = True
        br_has.append(has)

    jt_br = np.zeros(J if joint else 0, dtype=bool)
    if joint:
        for a in range(A):
            jt_br |= br_has[a][grid[:, a]]

    up, down = _Chances.of(c.up), _Chances.of(c.down)
    ar = np.arange(S)
    lad_const = np.concatenate([up.const + up.shift[ar, ar], down.const + down.shift[ar, ar]])
    oc_fixed = ~np.isfinite(c.oc_chance.logit0)

    av_stage_ = np.ascontiguousarray(
        c.avail_stage.reshape(A * O, S) & c.option_valid.reshape(-1)[:, None]
    )
    lim = (c.max_uses < np.iinfo(np.int32).max).reshape(-1)
    lim_cols = np.flatnonzero(lim)
    num = _Num(
        d1t=np.ascontiguousarray((np.eye(M) + c.drift).T),
        lo=c.lo[:, None].copy(),
        hi=c.hi[:, None].copy(),
        jt_ms=jt_ms,
        br_mean_t=np.ascontiguousarray(c.br_mean.T),
        ev_mean_t=np.ascontiguousarray(c.ev_mean.T),
    )
    return _Tables(
        M=M,
        A=A,
        O=O,
        S=S,
        E=E,
        Q=Q,
        R=R,
        J=J,
        joint=joint,
        stride=stride,
        num={np.dtype(np.float64): num, np.dtype(np.float32): num.astype(np.float32)},
        jt_br=jt_br,
        noise_rows=nrows,
        br_has=br_has,
        br_ch=_Chances.of(c.br_chance),
        br_var_t=np.ascontiguousarray(c.br_var[:, nrows].T),
        br_mrows=[int(m) for m in np.flatnonzero((c.br_mean != 0).any(axis=0))],
        br_vrows=[int(k) for k in np.flatnonzero((c.br_var[:, nrows] > 0).any(axis=0))],
        ev_elig=ev_elig,
        ev_zt=ev_zt,
        ev_ch=ev_ch,
        ev_conds=_Conds.of(c.ev_cond),
        ev_nonrep=[int(e) for e in np.flatnonzero(~c.ev_repeatable)],
        ev_var_t=np.ascontiguousarray(c.ev_var.T),
        ev_nrows=np.flatnonzero((c.ev_var > 0).any(axis=0)),
        ev_var_nr=np.ascontiguousarray(c.ev_var[:, (c.ev_var > 0).any(axis=0)].T),
        ev_dstage=c.ev_stage_change.astype(np.float64),
        ev_moves_stage=bool(c.ev_stage_change.any()),
        lad_slope=np.concatenate([up.slope, down.slope]),
        lad_const=lad_const.astype(np.float32),
        lad_uses_x=up.uses_x or down.uses_x,
        oc_elig=oc_elig,
        oc_ch=_Chances.of(c.oc_chance),
        oc_conds=_Conds.of(c.oc_cond),
        oc_hold=c.oc_hold.astype(np.int32)[:, None],
        oc_sure=bool(oc_fixed.all()),
        oc_certain=c.oc_chance.logit0 == np.inf,
        av_stage=av_stage_,
        av_staged=[k for k in range(A * O) if av_stage_[k].any() and not av_stage_[k].all()],
        av_never=[k for k in range(A * O) if not av_stage_[k].any()],
        av_conds=_Conds.of(c.avail_cond),
        cd_val=c.cooldown.reshape(-1).astype(np.int32),
        lim_cols=lim_cols,
        lim_max=c.max_uses.reshape(-1)[lim_cols].astype(np.int32)[:, None],
    )


# --------------------------------------------------------------------------------------
# the live worlds


@dataclass
class Live:
    """Running worlds, one row per quantity and one column per world.

    x [M, n] metrics, stage [n], held [Q, n], fired [E, n], and per flat option
    (a * O + o): free [A*O, n], the turn from which it may be chosen again (a
    State's cooldown c at turn t is free = t + c: no countdown to tick), and
    uses [A*O, n] use counts.
    """

    x: F
    stage: I
    held: I32
    fired: B
    free: I32
    uses: I32

    @property
    def n(self) -> int:
        return int(self.stage.shape[0])

    def take(self, idx: I) -> Live:
        return Live(
            x=np.take(self.x, idx, axis=1),
            stage=np.take(self.stage, idx),
            held=np.take(self.held, idx, axis=1),
            fired=np.take(self.fired, idx, axis=1),
            free=np.take(self.free, idx, axis=1),
            uses=np.take(self.uses, idx, axis=1),
        )

    def rebase(self, turn: int) -> Live:
        """Count ``free`` from ``turn`` (in place): then ``put_back(..., turn=0)`` is right."""
        self.free -= turn
        return self


def live_of(c: Compiled, st: State, rows: I, dtype: type = np.float64) -> Live:
    """The worlds ``rows`` of ``st`` (at turn ``st.turn``) as a Live batch (copies;
    metrics as ``dtype``)."""
    t = tables(c)
    n = st.n
    return Live(
        x=np.ascontiguousarray(np.take(st.x, rows, axis=0).T, dtype=dtype),
        stage=np.take(st.stage, rows).astype(np.intp),
        held=np.ascontiguousarray(np.take(st.held, rows, axis=0).T.astype(np.int32)),
        fired=np.ascontiguousarray(np.take(st.fired, rows, axis=0).T),
        free=np.ascontiguousarray(
            np.take(st.cooldown.reshape(n, t.A * t.O), rows, axis=0).T.astype(np.int32)
        )
        + np.int32(st.turn),
        uses=np.ascontiguousarray(
            np.take(st.uses.reshape(n, t.A * t.O), rows, axis=0).T.astype(np.int32)
        ),
    )


def put_back(c: Compiled, st: State, rows: I, lv: Live, turn: int) -> None:
    """Write the Live worlds into rows ``rows`` of ``st``, as at turn ``turn``."""
    t = tables(c)
    ao = t.A * t.O
    st.x[rows] = lv.x.T
    st.stage[rows] = lv.stage
    st.held[rows] = lv.held.T
    st.fired[rows] = lv.fired.T
    cd = lv.free - np.int32(turn)
    np.maximum(cd, 0, out=cd)
    st.cooldown.reshape(st.n, ao)[rows] = cd.T
    st.uses.reshape(st.n, ao)[rows] = lv.uses.T


def live_available(c: Compiled, lv: Live, turn: int) -> B:
    """bool [n, A, O] (a transposed view) for a Live batch at turn ``turn`` (turns
    resolved so far): the rule of ``available``."""
    t = tables(c)
    ok = lv.free <= turn  # [A*O, n]
    for k in t.av_staged:
        ok[k] &= np.take(t.av_stage[k], lv.stage)
    for k in t.av_never:
        ok[k] = False
    t.av_conds.apply(ok, lv.x)
    if t.lim_cols.size:
        ok[t.lim_cols] &= lv.uses[t.lim_cols] < t.lim_max
    return ok.reshape(t.A, t.O, lv.n).transpose(2, 0, 1)


def available(c: Compiled, st: State) -> NDArray[np.bool_]:
    """bool [N, A, O]: which options each actor may choose in each world now."""
    t = tables(c)
    n = st.n
    ok = np.take(t.av_stage, st.stage, axis=1)  # [A*O, n]
    t.av_conds.apply(ok, np.ascontiguousarray(st.x.T))
    ao = t.A * t.O
    ok &= st.cooldown.reshape(n, ao).T <= 0
    if t.lim_cols.size:
        used = st.uses.reshape(n, ao)[:, t.lim_cols].T
        ok[t.lim_cols] &= used < t.lim_max
    return np.ascontiguousarray(ok.reshape(t.A, t.O, n).transpose(2, 0, 1))


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


def _move_terms(c: Compiled, t: _Tables, nm: _Num, moves: I) -> tuple[I | None, F, F, B, B]:
    """(joint index or None, mean [M, n] (options, interactions, minus eq @ drift),
    sd [Mn, n] of all three, and which events [E, n] and outcomes [Q, n] the moves
    allow, when there is no joint index)."""
    if t.joint:
        j = moves[:, 0] * t.stride[0] + moves[:, 1] if t.A == 2 else moves @ t.stride
        ms = np.take(nm.jt_ms, j, axis=1)
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
    var += c.noise_var
    dt = nm.d1t.dtype
    sd = np.sqrt(var[:, t.noise_rows].T).astype(dt)
    ev_ok = np.ascontiguousarray(c.ev_moves.holds(moves).T)
    oc_ok = np.ascontiguousarray(c.oc_moves.holds(moves).T)
    return None, np.ascontiguousarray(mean.T, dtype=dt), sd, ev_ok, oc_ok


def _elig(t: _Tables, table: B, stage: I, j: I | None, ok: B | None) -> B:
    if j is not None:
        return np.take(table, stage * t.J + j, axis=1)
    out = np.take(table, stage, axis=1)
    out &= ok
    return out


def _branches(t: _Tables, c: Compiled, x: F, stage: I, moves: I, j: I | None, rng):
    """Which branches happen: (columns, happened [R, columns] as 0/1), or None.

    Only the worlds whose moves have branches draw (one uniform per branch).
    """
    if t.R == 0:
        return None
    if j is not None:
        rows = np.flatnonzero(t.jt_br[j])
    else:
        has = np.zeros(moves.shape[0], dtype=bool)
        for a in range(t.A):
            has |= t.br_has[a][moves[:, a]]
        rows = np.flatnonzero(has)
    if rows.size == 0:
        return None
    chosen = c.br_option[:, None] == np.take(moves, rows, axis=0)[:, c.br_actor].T  # [R, r]
    xr = np.take(x, rows, axis=1).astype(np.float32, copy=False)
    chosen &= rng.random(chosen.shape, dtype=np.float32) < t.br_ch.p(xr, np.take(stage, rows))
    hit = np.logical_or.reduce(chosen, axis=0)
    return rows[hit], np.compress(hit, chosen, axis=1).astype(x.dtype)


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
        e = np.zeros(0, dtype=np.int64)
        return lv, e, e, (_empty_explanation(c) if explain else None)
    x = lv.x
    nm = t.num[x.dtype]
    stage0 = lv.stage
    ar = np.arange(n)

    # 1-3. moves, branches, interactions, drift; one normal per noisy cell
    j, mean, sd, ev_ok, oc_ok = _move_terms(c, t, nm, moves)
    br = _branches(t, c, x, stage0, moves, j, rng)
    if br is not None and br[0].size:
        hit, h = br
        for m, row in zip(t.br_mrows, nm.br_mean_t[t.br_mrows], strict=True):
            mean[m, hit] += row @ h
        for m, row in zip(t.br_vrows, t.br_var_t[t.br_vrows], strict=True):
            sd[m, hit] = np.sqrt(sd[m, hit] ** 2 + row @ h)
    y = nm.d1t @ x
    y += mean
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
    np.minimum(y, nm.hi, out=y)
    np.maximum(y, nm.lo, out=y)

    # 5. events on the clipped state, at the stage of the start of the turn
    stage = stage0.copy()
    y32 = y.astype(np.float32, copy=False)
    fire = ev_rows = ev_noise = x_ev = None
    if t.E:
        if j is not None:
            # one gather gives each event's constant, stage shift, and -inf where the
            # stage or the moves rule it out
            z = np.take(t.ev_zt, stage0 * t.J + j, axis=1)
            if t.ev_ch.uses_x:
                z += t.ev_ch.slope @ y32
            fire = rng.random((t.E, n), dtype=np.float32) < _sig(z)
        else:
            p = t.ev_ch.p(y32, stage0)
            fire = rng.random((t.E, n), dtype=np.float32) < p
            fire &= _elig(t, t.ev_elig, stage0, j, ev_ok)
        t.ev_conds.apply(fire, y)
        for e in t.ev_nonrep:
            fire[e] &= ~lv.fired[e]
        ev_rows = np.flatnonzero(np.logical_or.reduce(fire, axis=0))
        if ev_rows.size:
            ff = np.take(fire, ev_rows, axis=1).astype(y.dtype)
            xr = np.take(y, ev_rows, axis=1)
            xr += nm.ev_mean_t @ ff
            if t.ev_nrows.size:
                ev_noise = np.sqrt(t.ev_var_nr @ ff)
                ev_noise *= normals(rng, ev_noise.size).reshape(ev_noise.shape)
                xr[t.ev_nrows] += ev_noise
            if explain:
                x_ev = xr.copy()
            np.minimum(xr, nm.hi, out=xr)
            np.maximum(xr, nm.lo, out=xr)
            y[:, ev_rows] = xr
            if y32 is not y:
                y32[:, ev_rows] = xr
            lv.fired |= fire
            if t.ev_moves_stage:
                st_r = np.take(stage, ev_rows)
                st_r += (t.ev_dstage @ ff).astype(np.int64)
                np.clip(st_r, 0, t.S - 1, out=st_r)
                stage[ev_rows] = st_r

    # 6. ladder from the stage after the events: up with p_up, else down with p_down
    # row s of the [2S] chance rows is climbing from stage s, row S + s stepping down
    rows2 = np.stack([stage, stage + t.S])  # [2, n]
    z = t.lad_const[rows2]
    if t.lad_uses_x:
        z += np.take((t.lad_slope @ y32).ravel(), rows2 * n + ar)
    p_up, p_dn = _sig(z)
    u = rng.random(n, dtype=np.float32)
    climb = u < p_up
    # P(down) = (1 - p_up) p_down: the threshold above p_up
    p_dn *= 1.0 - p_up
    p_dn += p_up
    fall = u < p_dn
    fall &= ~climb
    stage += climb
    stage -= fall

    # 7. outcomes on the final state at the new stage
    cond = _elig(t, t.oc_elig, stage, j, oc_ok)
    t.oc_conds.apply(cond, y)
    held = lv.held
    held += 1
    held *= cond
    ready = held >= t.oc_hold
    r_rows = np.flatnonzero(np.logical_or.reduce(ready, axis=0))
    end_rows = np.zeros(0, dtype=np.int64)
    end_oc = np.zeros(0, dtype=np.int64)
    if r_rows.size:
        rd = np.take(ready, r_rows, axis=1)
        if t.oc_sure:
            rd &= t.oc_certain[:, None]
        else:
            p = t.oc_ch.p(np.take(y32, r_rows, axis=1), np.take(stage, r_rows))
            rd &= rng.random(rd.shape, dtype=np.float32) < p
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
    # + its cooldown)
    free = lv.free.reshape(-1)
    uses = lv.uses.reshape(-1)
    for a in range(t.A):
        k = a * t.O + moves[:, a]
        at = k * n + ar
        free[at] = t.cd_val[k] + np.int32(turn + 1)
        uses[at] += 1
    stage0_copy = stage0.copy() if explain else None
    lv.stage[:] = stage
    lv.x = y

    if not explain:
        return lv, end_rows, end_oc, None
    nr_noise = np.zeros((nr.size, n)) if noise is None else noise
    info = _explain(
        c, t, moves, x, stage0_copy, br, sd, nr_noise, x_pre, fire, ev_rows, ev_noise, x_ev, lv
    )
    return lv, end_rows, end_oc, info


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
    noise_nr: F,
    x_pre: F,
    fire: B | None,
    ev_rows: I | None,
    ev_noise: F | None,
    x_ev: F | None,
    lv: Live,
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
    for k in range(K):
        on = ix[:, k : k + 1].astype(np.float64)
        delta[:, A + k] = on * (c.ix_mean[k] + c.ix_var[k] * share)
    delta[:, A + K] = (x0.T - c.eq) @ c.drift + c.noise_var * share
    limits = (np.clip(x_pre, c.lo[:, None], c.hi[:, None]) - x_pre).T
    events = np.zeros((n, E), dtype=bool) if fire is None else np.ascontiguousarray(fire.T)
    if ev_rows is not None and ev_rows.size:
        ff = events[ev_rows].astype(np.float64)  # [r, E]
        ev_var = ff @ c.ev_var
        ev_nz = np.zeros((ev_rows.size, M))
        if ev_noise is not None:
            ev_nz[:, t.ev_nrows] = ev_noise.T
        ev_share = np.divide(ev_nz, ev_var, out=np.zeros_like(ev_var), where=ev_var > 0)
        for e in range(E):
            on = ff[:, e : e + 1]
            delta[ev_rows, A + K + 1 + e] = on * (c.ev_mean[e] + c.ev_var[e] * ev_share)
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
