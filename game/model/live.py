"""The live worlds the turn step works on, and option availability in them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from game.model.compiled import V2, Compiled
from game.model.conditions import Ctx
from game.model.draws import _take
from game.model.state import State
from game.model.tables import _Tables, tables

F = NDArray[np.float64]
B = NDArray[np.bool_]
I = NDArray[np.int64]  # noqa: E741


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
    pledge: I | None = None  # [P, n] turns each commitment has left (0: none pending)

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
            pledge=None if self.pledge is None else self.pledge.take(idx, axis=1),
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
            pledge=None if self.pledge is None else np.repeat(self.pledge, n, axis=1),
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
        pledge=None
        if st.pledge is None
        else np.ascontiguousarray(np.take(st.pledge, rows, axis=0).T),
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
    if st.pledge is not None and lv.pledge is not None:
        st.pledge[rows] = lv.pledge.T


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
