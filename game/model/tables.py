"""Tables derived once per compiled scenario for the turn step (see ``game.model.step``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from game.model.compiled import ChanceSet, Compiled, CondSet, MoveFilter, compare
from game.model.draws import _mm

F = NDArray[np.float64]
F32 = NDArray[np.float32]
B = NDArray[np.bool_]
I = NDArray[np.int64]  # noqa: E741


# Joint move tables ([stages x move combinations, ...]) are used while they stay this small.
JOINT_MAX = 1 << 20


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
