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

Format v2 (``Compiled.v2``; None for a scenario that uses none of it, which then
runs exactly the code above): conditions other than metric comparisons are trees
of the shared evaluator (``game.model.conditions``), applied after the same
draws; a branch's ``condition`` and ``stage_to`` in 1; each metric's ``trend``
with the drift in 3; interactions with a chance draw one uniform each (after the
branches) and join 1-3 like a branch; active modifiers add to their events'
half-logits before the draws and scale their effects; chain links set off last
turn draw after the events; in 6 the highest absolute ``stage_to`` of the turn
wins over relative changes and the ladder's step, and ``up_when``/``down_when``
block a step; the ``held`` counters update before 7; the moves become "last
turn's", use windows and modifier counts update in 8.

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

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from game.model.compiled import (
    V2,
    ChanceSet,
    Compiled,
    CondSet,
    MoveFilter,
    compare,
    non_finite_error,
)
from game.model.conditions import Ctx, update_held
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


def _mantissas(rng: np.random.Generator, n: int, exponent: int) -> F32:
    """``n`` float32 with 23 random mantissa bits and the given exponent bits: two per
    64-bit output of the bit generator (``random_raw``), about half the cost of
    ``rng.random(n, dtype=np.float32)``, which spends a call per float."""
    bits = rng.bit_generator.random_raw((n + 1) // 2).view(np.uint32)[:n]
    bits >>= np.uint32(9)
    bits |= np.uint32(exponent)
    return bits.view(np.float32)


def uniforms(rng: np.random.Generator, n: int) -> F32:
    """``n`` float32 uniforms on [0, 1), in steps of 2**-23."""
    u = _mantissas(rng, n, 0x3F800000)  # [1, 2)
    u -= np.float32(1.0)
    return u


def _signed_uniforms(rng: np.random.Generator, n: int) -> F32:
    """2u - 1 for ``n`` uniforms u as above: on [-1, 1), in steps of 2**-22."""
    v = _mantissas(rng, n, 0x40000000)  # [2, 4)
    v -= np.float32(3.0)
    return v


def _happen(rng: np.random.Generator, zh: F32) -> B:
    """bool, shaped as ``zh``: each True with probability sigmoid(2·zh) (the tables
    hold half-logits). ``zh`` is used up: u < (1 + tanh zh) / 2 is 2u - 1 < tanh zh."""
    np.tanh(zh, out=zh)
    return _signed_uniforms(rng, zh.size).reshape(zh.shape) < zh


def normals(rng: np.random.Generator, n: int) -> F32:
    """``n`` standard normals (float32), Box–Muller from float32 uniforms."""
    h = (n + 1) // 2
    f = _mantissas(rng, 2 * h, 0x3F800000)  # 1 + u, u uniform on [0, 1)
    r = f[:h]
    # 1 - u = 2 - f is in (0, 1] (exact in float32): the log is finite
    np.subtract(np.float32(2.0), r, out=r)
    np.log(r, out=r)
    r *= np.float32(-2.0)
    np.sqrt(r, out=r)
    t = f[h:]
    t *= _TWO_PI  # the angle 2 pi (1 + u): the same cosine and sine as 2 pi u
    out = np.empty(2 * h, dtype=np.float32)
    np.cos(t, out=out[:h])
    np.sin(t, out=out[h:])
    out[:h] *= r
    out[h:] *= r
    return out[:n]


# --------------------------------------------------------------------------------------
# array helpers


def _take(a: NDArray, idx: NDArray, axis: int | None = None) -> NDArray:
    """``np.take`` for indices that are in range by construction: mode "clip" (a no-op
    then) runs NumPy's loop without the error path, about 15% faster; and the method
    skips ``np.take``'s Python wrapper (the kernel takes a few hundred times a turn)."""
    return a.take(idx, axis=axis, mode="clip")


# OpenBLAS multiplies small matrices with dedicated kernels only while rows x inner x
# columns stays under 1e6; past that its general path is several times slower for our
# short, wide products ([<= 2M, M] @ [M, n]; measured: 11 x 11 x 8,400 takes five times
# as long as 11 x 11 x 8,200). So: column blocks under that.
_MM_BLOCK = 900_000


def _mm(a: NDArray, b: NDArray) -> NDArray:
    """``a @ b`` for a small table ``a`` [r, k] and wide rows ``b`` [k, n]."""
    r, k = a.shape
    n = b.shape[1]
    w = max(1024, _MM_BLOCK // max(r * k, 1))
    if n <= w:
        return a @ b
    out = np.empty((r, n), dtype=np.result_type(a, b))
    for s in range(0, n, w):
        np.matmul(a, b[:, s : s + w], out=out[:, s : s + w])
    return out


# --------------------------------------------------------------------------------------
# tables derived once per compiled scenario


@dataclass
class _Lin:
    """``slope @ x`` for a table of slopes [G, M] that reads few metrics: only the
    metrics some row uses are gathered."""

    slope: F32  # [G, len(cols)]
    cols: I  # the metrics with any slope

    @classmethod
    def of(cls, slope: NDArray) -> _Lin:
        cols = np.flatnonzero(slope.any(axis=0))
        return cls(np.ascontiguousarray(slope[:, cols], dtype=np.float32), cols)

    def __call__(self, x: F32, at: I | None = None) -> F32:
        """[G, n] for x [M, n], or [G, len(at)] for the worlds ``at`` only."""
        if self.cols.size == x.shape[0]:
            xs = x if at is None else x.take(at, axis=1)
        elif at is None:
            xs = x[self.cols]
        else:
            xs = np.empty((self.cols.size, at.size), dtype=x.dtype)
            for i, m in enumerate(self.cols):
                xs[i] = x[m].take(at)
        return _mm(self.slope, xs)


@dataclass
class _Chances:
    """A ChanceSet as half-logits in float32: zh = slope @ x + const (+ shift[:, stage])."""

    lin: _Lin  # the slopes
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
            lin=_Lin.of(0.5 * ch.slope),
            const=(0.5 * const).astype(np.float32),
            shift=(0.5 * ch.shift).astype(np.float32),
            uses_x=bool(ch.slope.any()),
            uses_stage=bool(ch.shift.any()),
            shift_rows=np.flatnonzero(ch.shift.any(axis=1)),
        )

    def z(self, x32: F32, stage: I, at: I | None = None) -> F32:
        """Half-logits [G, n] for metrics x32 [M, n] at stages [n]; with ``at``,
        [G, len(at)] for those worlds (``stage`` then theirs)."""
        n = x32.shape[1] if at is None else at.size
        if self.uses_x:
            z = self.lin(x32, at)
            z += self.const[:, None]
        else:
            z = np.repeat(self.const[:, None], n, axis=1)
        if self.uses_stage:
            for g in self.shift_rows:
                z[g] += self.shift[g].take(stage)
        return z


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
                row &= compare(op, x[m], v)


@dataclass
class _Num:
    """The tables that meet the metrics, in the metrics' dtype."""

    d1t: F  # [M, M]: x_new = d1t @ x, the identity plus drift
    lo: F  # [M, 1]
    hi: F
    jt_ms: F  # [M + Mn, J] option and interaction means minus eq @ drift, then the sd
    # of options, interactions and drift noise together, on the noise rows
    br_mean_t: F  # [M, R]
    br_var_t: F  # [Mn, R]
    ev_mean_t: F  # [M, E]
    ev_var_t: F  # [M, E]

    def astype(self, dt: type) -> _Num:
        return _Num(*(np.ascontiguousarray(a, dtype=dt) for a in vars(self).values()))


# An event whose stage and moves allow it in at least this share of the (stage, joint
# move) cells is drawn in every world; a rarer one only in the worlds that allow it.
DENSE_EVENT = 0.25


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
    br_jt: B  # [R, J]: the branch belongs to a chosen option
    br_ch: _Chances
    # events: "dense" ones are drawn in every world ([D, n]): first those allowed
    # everywhere with no stage shift (zh = slope @ x + const), then the others (zh =
    # slope @ x + a table entry, -inf where not allowed); "sparse" ones only where allowed
    ev_dense: I  # [D] event indices
    ev_plain: int  # the first ev_plain of ev_dense are allowed everywhere
    ev_sparse: I  # [Ds]
    ev_elig: B  # [E, S * J] (joint) or [E, S]: stage and moves allow it, and it can happen
    ev_zs: F32  # [E, S] half-logit constant + stage shift
    ev_zt: F32  # [D - ev_plain, S * J]: ev_zs where allowed, else -inf (joint only)
    sp_any: B  # [S * J] some sparse event is allowed (joint only)
    sp_zt: F32  # [Ds, S * J] as ev_zt (joint only)
    ev_const: F32  # [ev_plain, 1]
    ev_lin_d: _Lin  # [D, M] slopes
    ev_lin_s: _Lin  # [Ds, M]
    ev_uses_x: bool
    ev_conds: _Conds
    ev_nonrep: list[int]
    ev_dstage: F32  # [E] (small integers: exact)
    ev_moves_stage: bool  # some event moves the ladder
    # ladder: rows 0..S-1 up, S..2S-1 down
    lad_lin: _Lin  # [2S, M] slopes
    lad_const: F32  # [2S] (with each stage's own shift)
    lad_uses_x: bool
    # outcomes: the triggers allowed everywhere, nowhere, or depending on stage and moves
    oc_always: I
    oc_never: I
    oc_mixed: I
    oc_elig: B  # [len(oc_mixed), S * J] (joint) or [Q, S]
    oc_ch: _Chances
    oc_conds: _Conds
    held_dtype: type  # of Live.held and Live.uses: uint8 while the turn limit keeps them small
    oc_hold: NDArray  # [Q, 1] (held_dtype)
    oc_sure: bool  # every outcome chance is exactly 0 or 1
    oc_certain: B  # [Q]: chance 1
    # availability: options a world at a time, actor a's option o at a * P + o, with P
    # >= O a multiple of 8 (so that a pattern of an actor's options is whole words)
    P: int
    av_rows: B  # [S, A*P]: allowed at the stage (padding never)
    av_conds: _Conds  # groups a * P + o
    opt_dtype: type  # of Live.free: int16 while turns and cooldowns are small
    exhausted: int  # added to ``free`` of an option that has reached its use limit
    cd_val: NDArray  # [A*P] (opt_dtype)
    max_uses: NDArray  # [A*P] (held_dtype; its max: no limit)
    lims: list[tuple[int, int, int]]  # options with a use limit: (a * P + o, a * O + o, limit)
    chains: _Chances | None  # v2 chain links' chances
    ixc_ch: _Chances | None  # v2 chances of the interactions that have one


def tables(c: Compiled) -> _Tables:
    """The step's derived tables, built once per compiled scenario and cached on it."""
    t = c.__dict__.get("_step_tables")
    if t is None:
        t = _build(c)
        object.__setattr__(c, "_step_tables", t)
    return t


def _move_share(f: MoveFilter, nopt: I) -> F:
    """[G]: the share of joint moves each group of the filter admits."""
    share = np.ones(f.allowed.shape[0])
    for a, k in enumerate(nopt):
        share *= f.allowed[:, a, :k].mean(axis=1)
    return share


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
    if c.v2 is not None and c.v2.ixc.size:
        can_vary |= (c.v2.ixc_var > 0).any(axis=0)
    nrows = np.flatnonzero(can_vary)

    br_has = []
    for a in range(A):
        has = np.zeros(O, dtype=bool)
        has[c.br_option[c.br_actor == a]] = True
        br_has.append(has)

    # events: which are dense, which sparse (from the scenario alone, so that the
    # joint and the plain paths draw alike)
    ev_ch = _Chances.of(c.ev_chance)
    ev_live = c.ev_chance.logit0 != -np.inf
    ev_moves = _move_share(c.ev_moves, nopt)
    ev_share = c.ev_stage.mean(axis=1) * ev_moves * ev_live
    ev_plain_ = ev_live & c.ev_stage.all(axis=1) & (ev_moves == 1)
    ev_plain_ &= ~c.ev_chance.shift.any(axis=1)
    plain = np.flatnonzero(ev_plain_)
    tab = np.flatnonzero(~ev_plain_ & (ev_share >= DENSE_EVENT))
    sparse = np.flatnonzero((ev_share > 0) & (ev_share < DENSE_EVENT))
    dense = np.concatenate([plain, tab]).astype(np.int64)
    ev_zs = np.ascontiguousarray(ev_ch.const[:, None] + ev_ch.shift, dtype=np.float32)
    oc_share = c.oc_stage.mean(axis=1) * _move_share(c.oc_moves, nopt) * c.oc_trigger
    oc_always = np.flatnonzero(oc_share == 1)
    oc_never = np.flatnonzero(oc_share == 0)
    oc_mixed = np.flatnonzero((oc_share > 0) & (oc_share < 1))

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
        if c.v2 is not None:
            mean += c.v2.trend
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
        ).reshape(Q, S * J)[oc_mixed]
        # one gather gives an event's constant and stage shift, and -inf where the stage
        # or the moves rule it out
        zt = np.where(ev_elig.reshape(E, S, J), ev_zs[:, :, None], np.float32(-np.inf))
        zt = zt.reshape(E, S * J).astype(np.float32)
        ev_zt = np.ascontiguousarray(zt[tab])
        sp_zt = np.ascontiguousarray(zt[sparse])
        sp_any = ev_elig[sparse].any(axis=0)
        jt_br = np.zeros(J, dtype=bool)
        for a in range(A):
            jt_br |= br_has[a][grid[:, a]]
        br_jt = c.br_option[:, None] == grid[:, c.br_actor].T  # [R, J]
    else:
        jt_ms = np.zeros((M + nrows.size, 0))
        ev_elig = np.ascontiguousarray(c.ev_stage & ev_live[:, None])  # [E, S]
        oc_elig = np.ascontiguousarray(c.oc_stage & c.oc_trigger[:, None])  # [Q, S]
        ev_zt = np.zeros((tab.size, 0), dtype=np.float32)
        sp_zt = np.zeros((sparse.size, 0), dtype=np.float32)
        sp_any = np.zeros(0, dtype=bool)
        jt_br = np.zeros(0, dtype=bool)
        br_jt = np.zeros((R, 0), dtype=bool)

    up, down = _Chances.of(c.up), _Chances.of(c.down)
    ar = np.arange(S)
    lad_const = np.concatenate([up.const + up.shift[ar, ar], down.const + down.shift[ar, ar]])
    oc_fixed = ~np.isfinite(c.oc_chance.logit0)

    P = -(-O // 8) * 8
    av_rows = np.zeros((S, A, P), dtype=bool)
    av_rows[:, :, :O] = (c.avail_stage & c.option_valid[:, :, None]).transpose(2, 0, 1)
    # held and uses count turns: they fit a byte below a turn limit of 255 (the schema's
    # is 200)
    held_dtype = np.uint8 if c.turn_limit < 255 else np.int32
    # free = turn + cooldown (+ exhausted) must fit, for every turn < the turn limit
    small = c.turn_limit + int(c.cooldown.max(initial=0)) < 1 << 12
    opt_dtype, exhausted = (np.int16, 1 << 14) if small else (np.int32, 1 << 28)
    cd_val = np.zeros((A, P), dtype=opt_dtype)
    cd_val[:, :O] = c.cooldown
    top = np.iinfo(held_dtype).max
    max_uses = np.full((A, P), top, dtype=held_dtype)
    max_uses[:, :O] = np.minimum(c.max_uses, top)
    av_conds = _Conds.of(c.avail_cond)
    av_conds.groups = [(g // O * P + g % O, tests) for g, tests in av_conds.groups]
    lims = [
        (int(a * P + o), int(a * O + o), int(c.max_uses[a, o]))
        for a, o in zip(*np.nonzero(c.max_uses < np.iinfo(np.int32).max), strict=True)
    ]
    num = _Num(
        d1t=np.ascontiguousarray((np.eye(M) + c.drift).T),
        lo=c.lo[:, None].copy(),
        hi=c.hi[:, None].copy(),
        jt_ms=jt_ms,
        br_mean_t=np.ascontiguousarray(c.br_mean.T),
        br_var_t=np.ascontiguousarray(c.br_var[:, nrows].T),
        ev_mean_t=np.ascontiguousarray(c.ev_mean.T),
        ev_var_t=np.ascontiguousarray(c.ev_var.T),
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
        br_jt=np.ascontiguousarray(br_jt),
        br_ch=_Chances.of(c.br_chance),
        ev_dense=dense,
        ev_plain=int(plain.size),
        ev_sparse=sparse,
        ev_elig=ev_elig,
        ev_zs=ev_zs,
        ev_zt=ev_zt,
        sp_any=sp_any,
        sp_zt=sp_zt,
        ev_const=np.ascontiguousarray(ev_ch.const[plain, None]),
        ev_lin_d=_Lin.of(0.5 * c.ev_chance.slope[dense]),
        ev_lin_s=_Lin.of(0.5 * c.ev_chance.slope[sparse]),
        ev_uses_x=ev_ch.uses_x,
        ev_conds=_Conds.of(c.ev_cond),
        ev_nonrep=[int(e) for e in np.flatnonzero(~c.ev_repeatable)],
        ev_dstage=c.ev_stage_change.astype(np.float32),
        ev_moves_stage=bool(c.ev_stage_change.any()),
        lad_lin=_Lin.of(0.5 * np.concatenate([c.up.slope, c.down.slope])),
        lad_const=lad_const.astype(np.float32),
        lad_uses_x=up.uses_x or down.uses_x,
        oc_always=oc_always,
        oc_never=oc_never,
        oc_mixed=oc_mixed,
        oc_elig=np.ascontiguousarray(oc_elig),
        oc_ch=_Chances.of(c.oc_chance),
        oc_conds=_Conds.of(c.oc_cond),
        held_dtype=held_dtype,
        oc_hold=np.minimum(c.oc_hold, np.iinfo(held_dtype).max).astype(held_dtype)[:, None],
        oc_sure=bool(oc_fixed.all()),
        oc_certain=c.oc_chance.logit0 == np.inf,
        P=P,
        av_rows=av_rows.reshape(S, A * P),
        av_conds=av_conds,
        opt_dtype=opt_dtype,
        exhausted=exhausted,
        cd_val=cd_val.reshape(-1),
        max_uses=max_uses.reshape(-1),
        lims=lims,
        chains=None if c.v2 is None or not c.v2.ch_src.size else _Chances.of(c.v2.ch_chance),
        ixc_ch=None if c.v2 is None or not c.v2.ixc.size else _Chances.of(c.v2.ixc_chance),
    )


# --------------------------------------------------------------------------------------
# the live worlds


@dataclass
class Live:
    """Running worlds, one row per quantity and one column per world.

    x [M, n] metrics, stage [n], held [Q, n], fired [E, n]; and one row per world
    for the options (actor a's option o at a * P + o, P >= O, see ``_Tables``):
    free [n, A*P], the turn from which it may be chosen again (a State's cooldown c
    at turn t is free = t + c: no countdown to tick; plus ``exhausted`` once its
    uses reach its limit, so that ``free <= turn`` is the whole rule), and uses
    [n, A*P] use counts. (The options go along the rows because they are read a
    world at a time: availability, compaction.) The counters are small ints
    (``_Tables.held_dtype``, ``opt_dtype``): less memory to move.
    """

    x: F
    stage: I
    held: NDArray[np.integer]
    fired: B
    free: NDArray[np.signedinteger]
    uses: NDArray[np.signedinteger]
    # format v2, only when the scenario uses them: last [n, A] moves of the last turn,
    # cheld [H, n] held-condition counters, pending [L, n] chain links set off
    last: I | None = None
    cheld: I | None = None
    pending: B | None = None
    wuse: I | None = None  # [n, W, K] (as State.wuse)
    mods: I | None = None  # [K, n] turns each modifier has left

    @property
    def n(self) -> int:
        return int(self.stage.shape[0])

    def take(self, idx: I) -> Live:
        return Live(
            x=_take(self.x, idx, axis=1),
            stage=self.stage.take(idx),
            held=_take(self.held, idx, axis=1),
            fired=_take(self.fired, idx, axis=1),
            free=_take(self.free, idx, axis=0),
            uses=_take(self.uses, idx, axis=0),
            last=None if self.last is None else self.last.take(idx, axis=0),
            cheld=None if self.cheld is None else self.cheld.take(idx, axis=1),
            pending=None if self.pending is None else self.pending.take(idx, axis=1),
            wuse=None if self.wuse is None else self.wuse.take(idx, axis=0),
            mods=None if self.mods is None else self.mods.take(idx, axis=1),
        )

    def repeat(self, n: int) -> Live:
        """n copies of a batch of one world."""
        return Live(
            x=np.repeat(self.x, n, axis=1),
            stage=np.repeat(self.stage, n),
            held=np.repeat(self.held, n, axis=1),
            fired=np.repeat(self.fired, n, axis=1),
            free=np.repeat(self.free, n, axis=0),
            uses=np.repeat(self.uses, n, axis=0),
            last=None if self.last is None else np.repeat(self.last, n, axis=0),
            cheld=None if self.cheld is None else np.repeat(self.cheld, n, axis=1),
            pending=None if self.pending is None else np.repeat(self.pending, n, axis=1),
            wuse=None if self.wuse is None else np.repeat(self.wuse, n, axis=0),
            mods=None if self.mods is None else np.repeat(self.mods, n, axis=1),
        )

    def ctx(
        self,
        t: _Tables,
        x: NDArray,
        stage: I,
        turn: int,
        now: I | None,
        cols: I | None = None,
    ) -> Ctx:
        """What conditions read in these worlds (``cols``: a subset of the columns,
        with ``x``, ``stage`` and ``now`` already theirs), for turn number ``turn``."""
        uses = self.uses.reshape(self.n, t.A, t.P)
        last, cheld = self.last, self.cheld
        if cols is not None:
            uses = uses.take(cols, axis=0)
            last = None if last is None else last.take(cols, axis=0)
            cheld = None if cheld is None else cheld.take(cols, axis=1)
        return Ctx(x=x, stage=stage, turn=turn, uses=uses, now=now, last=last, held=cheld)


def live_of(c: Compiled, st: State, rows: I, dtype: type = np.float64) -> Live:
    """The worlds ``rows`` of ``st`` (at turn ``st.turn``) as a Live batch (copies;
    metrics as ``dtype``)."""
    t = tables(c)
    k = rows.size
    # (uses and held never exceed the turn)
    if rows.size and (
        st.turn + int(st.cooldown[rows].max()) >= t.exhausted // 4
        or st.turn > np.iinfo(t.held_dtype).max
    ):
        raise ValueError(f"turn {st.turn} is past the range of the model's bookkeeping")
    free: NDArray[np.signedinteger] = np.zeros((k, t.A, t.P), dtype=t.opt_dtype)
    free[:, :, : t.O] = np.take(st.cooldown, rows, axis=0) + st.turn
    uses: NDArray[np.signedinteger] = np.zeros((k, t.A, t.P), dtype=t.held_dtype)
    uses[:, :, : t.O] = np.take(st.uses, rows, axis=0)
    free = free.reshape(k, t.A * t.P)
    uses = uses.reshape(k, t.A * t.P)
    free[uses >= t.max_uses] += t.exhausted
    return Live(
        x=np.ascontiguousarray(np.take(st.x, rows, axis=0).T, dtype=dtype),
        stage=np.take(st.stage, rows).astype(np.intp),
        held=np.ascontiguousarray(np.take(st.held, rows, axis=0).T.astype(t.held_dtype)),
        fired=np.ascontiguousarray(np.take(st.fired, rows, axis=0).T),
        free=free,
        uses=uses,
        last=None if st.last is None else np.take(st.last, rows, axis=0),
        cheld=None if st.cheld is None else np.ascontiguousarray(np.take(st.cheld, rows, axis=0).T),
        pending=None
        if st.pending is None
        else np.ascontiguousarray(np.take(st.pending, rows, axis=0).T),
        wuse=None if st.wuse is None else np.take(st.wuse, rows, axis=0),
        mods=None if st.mods is None else np.ascontiguousarray(np.take(st.mods, rows, axis=0).T),
    )


def put_back(c: Compiled, st: State, rows: I, lv: Live, turn: int) -> None:
    """Write the Live worlds into rows ``rows`` of ``st``, as at turn ``turn``."""
    t = tables(c)
    st.x[rows] = lv.x.T
    st.stage[rows] = lv.stage
    st.held[rows] = lv.held.T
    st.fired[rows] = lv.fired.T
    st.cooldown[rows] = live_cooldown(c, lv, turn)
    st.uses[rows] = lv.uses.reshape(lv.n, t.A, t.P)[:, :, : t.O]
    if st.last is not None and lv.last is not None:
        st.last[rows] = lv.last
    if st.cheld is not None and lv.cheld is not None:
        st.cheld[rows] = lv.cheld.T
    if st.pending is not None and lv.pending is not None:
        st.pending[rows] = lv.pending.T
    if st.wuse is not None and lv.wuse is not None:
        st.wuse[rows] = lv.wuse
    if st.mods is not None and lv.mods is not None:
        st.mods[rows] = lv.mods.T


def live_cooldown(c: Compiled, lv: Live, turn: int) -> NDArray[np.signedinteger]:
    """[n, A, O]: the State's cooldowns of a Live batch at turn ``turn``."""
    t = tables(c)
    cd = lv.free.reshape(lv.n, t.A, t.P)[:, :, : t.O] - t.opt_dtype(turn)
    cd[cd >= t.exhausted // 2] -= t.exhausted
    np.maximum(cd, 0, out=cd)
    return cd


def live_available(c: Compiled, lv: Live, turn: int, padded: bool = False) -> B:
    """bool [n, A, O] for a Live batch at turn ``turn`` (turns resolved so far): the
    rule of ``available``. ``padded``: the whole C-contiguous [n, A, P] array instead
    (options O..P-1 never available), whose rows of P bytes pack into whole words."""
    t = tables(c)
    ok = _take(t.av_rows, lv.stage, axis=0)  # [n, A*P]: the stage allows it
    ok &= lv.free <= turn  # (cooldowns and use limits)
    t.av_conds.apply(ok.T, lv.x)
    if c.v2 is not None and c.v2.av:
        ctx = lv.ctx(t, lv.x, lv.stage, turn + 1, None)
        for a, o, node in c.v2.av:
            ok[:, a * t.P + o] &= node.eval(ctx)
    if c.v2 is not None and lv.wuse is not None:
        _windows(c.v2, lv.wuse, turn, ok, t.P)
    ok3 = ok.reshape(lv.n, t.A, t.P)
    return ok3 if padded else ok3[:, :, : t.O]


def available(c: Compiled, st: State) -> NDArray[np.bool_]:
    """bool [N, A, O]: which options each actor may choose in each world now."""
    t = tables(c)
    n = st.n
    ok = np.take(t.av_rows, st.stage, axis=0)  # [n, A*P]
    t.av_conds.apply(ok.T, st.x.T)
    for col, flat, most in t.lims:
        ok[:, col] &= st.uses.reshape(n, t.A * t.O)[:, flat] < most
    if c.v2 is not None and c.v2.av:
        ctx = state_ctx(st)
        for a, o, node in c.v2.av:
            ok[:, a * t.P + o] &= node.eval(ctx)
    if c.v2 is not None and st.wuse is not None:
        _windows(c.v2, st.wuse, st.turn, ok, t.P)
    out = np.ascontiguousarray(ok.reshape(n, t.A, t.P)[:, :, : t.O])
    out &= st.cooldown <= 0
    return out


def _windows(v2: V2, wuse: I, turn: int, ok: B, P: int) -> None:
    """Use windows, before turn number ``turn + 1``: an option with at most k uses in any
    w turns is open when its k-th most recent use was at least w turns ago."""
    for k, (a, o, most, turns) in enumerate(v2.win):
        ok[:, a * P + o] &= wuse[:, k, v2.win_k - most] <= turn + 1 - turns


def state_ctx(st: State, now: I | None = None) -> Ctx:
    """What conditions read in the worlds of ``st``, for the turn about to be played."""
    return Ctx(
        x=st.x.T,
        stage=st.stage,
        turn=st.turn + 1,
        uses=st.uses,
        now=now,
        last=st.last,
        held=None if st.cheld is None else st.cheld.T,
    )


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
    noise_nr: NDArray[np.floating],
    x_pre: F,
    fire: B | None,
    ev_rows: I | None,
    ev_noise: F | None,
    x_ev: F | None,
    lv: Live,
    ixc_hit: B | None = None,
    ev_scale: F | None = None,
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
