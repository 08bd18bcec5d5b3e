"""Monte Carlo forecast: roll a state forward in many worlds under each actor's policy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from game.model.compiled import Compiled
from game.model.policy import Fixed, Line, Mix, Policy, Then, Uniform, uniform_choices
from game.model.state import State, v2_fields
from game.model.step import (
    Live,
    advance,
    available,
    live_available,
    live_cooldown,
    live_of,
    put_back,
)
from game.model.step import tables as _tables

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass
class Forecast:
    """What the worlds did. Row h of the per-turn arrays is after h turns (row 0 is now)."""

    outcome_ids: list[str]  # the scenario's outcomes; column Q of p_by_turn is "unresolved"
    stage_ids: list[str]
    metric_ids: list[str]
    worlds: int
    horizon: int
    start_turn: int
    p_by_turn: NDArray[np.float64]  # [H+1, Q+1] P(outcome reached by then); last: unresolved
    stage_dist: NDArray[np.float64]  # [H+1, S] share of worlds at each stage
    bands: NDArray[np.float64]  # [H+1, 5, M] metric quantiles (QUANTILES)
    # every world at the horizon (for utilities and counterfactuals): built on first use,
    # since writing the whole state back costs as much as two turns and few callers need it
    final_fn: Callable[[], State] = field(repr=False)
    first_moves: NDArray[np.int64]  # [N, A] the moves of the first turn
    # [H+1, S] share of worlds whose highest stage so far (from the start) is s
    max_stage: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)))

    @property
    def final(self) -> State:
        cached = self.__dict__.get("_final")
        if cached is None:
            cached = self.__dict__["_final"] = self.final_fn()
        return cached

    def p(self, outcome: str, within: int | None = None) -> float:
        """P(``outcome`` by ``within`` turns from now; default: the horizon)."""
        h = self.horizon if within is None else min(max(within, 0), self.horizon)
        if outcome == "unresolved":
            return float(self.p_by_turn[h, -1])
        return float(self.p_by_turn[h, self.outcome_ids.index(outcome)])

    def p_any(self, outcomes: Sequence[int], within: int | None = None) -> float:
        h = self.horizon if within is None else min(max(within, 0), self.horizon)
        return float(self.p_by_turn[h, list(outcomes)].sum())

    def ci95(self, outcome: str, within: int | None = None) -> tuple[float, float]:
        """Wilson 95% interval for ``p(outcome)`` from the number of worlds."""
        return wilson(self.p(outcome, within), self.worlds)

    def reached(self, stage: str, within: int | None = None) -> float:
        """Share of worlds that were at ``stage`` or above at some point by ``within`` turns."""
        h = self.horizon if within is None else min(max(within, 0), self.horizon)
        return float(self.max_stage[h, self.stage_ids.index(stage) :].sum())


def wilson(p: float, n: int, z: float = 1.96) -> tuple[float, float]:
    if n <= 0:
        return (0.0, 1.0)
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    # (rounding must not put the interval beside p, e.g. 1e-19 above p = 0)
    return (max(0.0, min(p, float(centre - half))), min(1.0, max(p, float(centre + half))))


def choose(
    c: Compiled, st: State, policies: Sequence[Policy], rng: np.random.Generator, h: int
) -> NDArray[np.int64]:
    """Every actor's move in every world under ``policies``."""
    avail = available(c, st)
    moves = np.empty((st.n, c.n_actors), dtype=np.int64)
    for a, pol in enumerate(policies):
        moves[:, a] = pol(c, st, a, avail, rng, h)
    return moves


def _plain(pol: Policy) -> bool:
    """True for the built-in policies, which read nothing of the state but its size."""
    if isinstance(pol, Fixed | Mix | Uniform | Line):
        return True
    if isinstance(pol, Then):
        return _plain(pol.first) and _plain(pol.rest)
    return False


class _Bands:
    """Quantiles of every metric over all worlds; the ended worlds' values are kept."""

    def __init__(self, m: int, worlds: int) -> None:
        # float32: the bands are for display, and sorting float32 is much faster
        self.frozen = np.empty((m, worlds), dtype=np.float32)
        # room for the batch's ended columns too (see __call__)
        self.work = np.empty((m, worlds + worlds // 4 + 1), dtype=np.float32)
        self.nf = 0
        pos = np.asarray(QUANTILES) * (worlds - 1)
        self.lo = np.floor(pos).astype(np.int64)
        self.hi = np.minimum(self.lo + 1, worlds - 1)
        self.frac = pos - self.lo

    def freeze(self, x: NDArray) -> None:
        """Keep the final values x [M, k] of k worlds that ended."""
        k = x.shape[1]
        self.frozen[:, self.nf : self.nf + k] = x
        self.nf += k

    def __call__(self, live_x: NDArray, dead: NDArray[np.int64] | None) -> NDArray[np.float64]:
        """[5, M] quantiles over the ended worlds and the running ones (x [M, n] but for
        the columns ``dead``, which have ended)."""
        nf, n = self.nf, live_x.shape[1]
        if dead is not None and nf + n <= self.work.shape[1]:
            # the batch's ended columns (frozen already) go in as +inf, which sorts past
            # every rank asked for: cheaper than compressing the batch
            w = self.work[:, : nf + n]
            w[:, nf:] = live_x
            w[:, nf + dead] = np.inf
        else:
            w = self.work[:, : nf + n - (0 if dead is None else dead.size)]
            if dead is None:
                w[:, nf:] = live_x
            else:
                keep = np.ones(n, dtype=bool)
                keep[dead] = False
                np.compress(keep, live_x, axis=1, out=w[:, nf:])
        w[:, :nf] = self.frozen[:, :nf]
        # a full sort: NumPy's vectorised float32 sort beats a multi-point partition here
        w.sort(axis=1)
        a, b = w[:, self.lo].astype(np.float64), w[:, self.hi].astype(np.float64)
        return (a + (b - a) * self.frac).T


# The forecast keeps metrics in float32: half the memory traffic of float64, and
# far more precision than a Monte Carlo estimate has.
XDTYPE = np.float32

# Ended worlds stay in the running batch (ignored) until they are this share of it.
COMPACT_AT = 0.15


# turn -> [(mean, variance, event index or None, inject id)]
InjectTable = dict[int, list[tuple[NDArray[np.float64], NDArray[np.float64], int | None, str]]]


def inject_table(c: Compiled) -> InjectTable:
    """The scenario's scheduled injects by turn: (mean, variance, event index or None),
    the inject's own effects plus those of the event it fires, as the engine applies them."""
    mi = {m: i for i, m in enumerate(c.metric_ids)}
    ei = {e: i for i, e in enumerate(c.event_ids)}
    out: InjectTable = {}
    for inj in c.scenario.injects:
        mean = np.zeros(c.n_metrics)
        var = np.zeros(c.n_metrics)
        for mid, eff in inj.effects.items():
            mean[mi[mid]] += eff.mean
            var[mi[mid]] += eff.sd**2
        e = ei[inj.event] if inj.event is not None else None
        if e is not None:
            mean += c.ev_mean[e]
            var += c.ev_var[e]
        out.setdefault(inj.turn, []).append((mean, var, e, inj.id))
    return out


def _inject(c: Compiled, lv: Live, items: list, rng: np.random.Generator) -> None:
    """Apply this turn's injects to every world of the batch (before the moves)."""
    for mean, var, e, inj_id in items:
        z = rng.standard_normal((c.n_metrics, lv.n))
        x = lv.x + (mean[:, None] + np.sqrt(var)[:, None] * z).astype(lv.x.dtype)
        lv.x[...] = np.clip(x, c.lo[:, None], c.hi[:, None])
        if e is not None:
            lv.fired[e] = True
            lv.stage[...] = np.clip(lv.stage + c.ev_stage_change[e], 0, c.n_stages - 1)
        v2 = c.v2
        if v2 is not None:
            # as the engine's console: an absolute stage; modifiers (the inject's, and
            # the event's) and chain links start with this turn
            if e is not None and v2.ev_stage_to[e] >= 0:
                lv.stage[...] = v2.ev_stage_to[e]
            if lv.mods is not None:
                ks = list(v2.inject_mods.get(inj_id, []))
                if e is not None:
                    ks += [int(k) for k in np.flatnonzero(v2.mod_src == e)]
                for k in ks:
                    lv.mods[k] = v2.mod_turns[k]
            if lv.pending is not None and e is not None:
                lv.pending[v2.ch_src == e] = True


def forecast(
    c: Compiled,
    state: State,
    policies: Sequence[Policy],
    rng: np.random.Generator,
    worlds: int = 10_000,
    horizon: int = 12,
    quantiles: bool = True,
    on_turn: Callable[[int], None] | None = None,
    injects: InjectTable | None = None,
) -> Forecast:
    """Clone world 0 of ``state`` into ``worlds`` copies and play ``horizon`` turns.

    ``state`` itself is never modified, and only ``rng`` is drawn from: a
    forecast cannot change the game it looks at. A ``state`` of exactly ``worlds``
    worlds is used as it is (each world its own start). ``on_turn(h)`` is called
    after each turn h = 1..horizon (progress display); it cannot change the result.

    Worlds that reach an outcome leave the batch (their rows are final), so later
    turns cost only what the running worlds cost.

    ``injects`` (``inject_table``): scheduled injects applied at the start of their
    turn, as in a game. The in-game forecasts leave them out (None): the players'
    odds and the computer's choices are made without knowing what is scheduled, and
    saved games re-play as they were.
    """
    if len(policies) != c.n_actors:
        raise ValueError(f"need {c.n_actors} policies, got {len(policies)}")
    worlds = int(worlds)
    horizon = max(0, int(horizon))
    Q, S, A = len(c.outcome_ids), c.n_stages, c.n_actors
    p_by_turn = np.zeros((horizon + 1, Q + 1))
    stage_dist = np.zeros((horizon + 1, S))
    max_stage = np.zeros((horizon + 1, S))
    bands = np.zeros((horizon + 1, len(QUANTILES), c.n_metrics))
    first = np.repeat(c.hold[None, :].astype(np.int64), worlds, axis=0)
    plain = all(_plain(p) for p in policies)
    # (exactly Uniform, not a subclass: the same draws as calling each in turn)
    all_uniform = all(type(p) is Uniform for p in policies)

    # The batch: rows[i] is the world of column i; alive[i] turns False when it
    # ends (its final values are set aside then; the column is dropped at the next
    # compaction). ``st`` holds the worlds that had ended before the forecast.
    # ``cloned``: every world starts as the same one (availability and bands of the
    # first turn are then those of one world).
    cloned = False
    if state.n != worlds:
        st = _blank(c, worlds, state.turn)
        if state.outcome[0] < 0:
            cloned = True
            rows = np.arange(worlds)
            lv = live_of(c, state, np.zeros(1, dtype=np.int64), XDTYPE).repeat(worlds)
        else:
            rows = np.zeros(0, dtype=np.int64)
            lv = live_of(c, state, rows, XDTYPE)
            _fill(st, state, 0)
    else:
        st = state.copy()
        rows = np.flatnonzero(st.outcome < 0)
        lv = live_of(c, st, rows, XDTYPE)
    alive = np.ones(rows.size, dtype=bool)
    n_dead = 0
    top = lv.stage.copy()  # highest stage so far, per column
    done = st.outcome >= 0
    oc_count = np.bincount(st.outcome[done], minlength=Q).astype(np.int64)
    st_count = np.bincount(st.stage[done], minlength=S).astype(np.int64)
    top_count = st_count.copy()
    bands_of = _Bands(c.n_metrics, worlds) if quantiles and worlds > 0 else None
    if bands_of is not None:
        bands_of.freeze(st.x[done].T)
    # (rows, worlds, turn) of the worlds that ended: the final state is written on demand
    ended: list[tuple[NDArray[np.int64], Live, int]] = []
    dead_cols: list[NDArray[np.int64]] = []  # the columns of ``alive`` False

    def record(h: int) -> None:
        if h == 0 and cloned:
            # every world is the same one
            p_by_turn[0, Q] = 1.0
            stage_dist[0, lv.stage[0]] = max_stage[0, top[0]] = 1.0
            if bands_of is not None:
                bands[0] = lv.x[:, 0].astype(np.float32)
            return
        # the batch's counts less those of its ended columns (fewer than the running)
        at_stage = np.bincount(lv.stage, minlength=S)
        at_top = np.bincount(top, minlength=S)
        dead = np.concatenate(dead_cols) if n_dead else None
        if dead is not None:
            at_stage -= np.bincount(lv.stage[dead], minlength=S)
            at_top -= np.bincount(top[dead], minlength=S)
        p_by_turn[h, :Q] = oc_count / worlds
        p_by_turn[h, Q] = (lv.n - n_dead) / worlds
        stage_dist[h] = (st_count + at_stage) / worlds
        max_stage[h] = (top_count + at_top) / worlds
        if bands_of is not None:
            bands[h] = bands_of(lv.x, dead)

    if worlds > 0:
        record(0)
    for h in range(horizon):
        if lv.n == n_dead:
            # every world has ended: the rest of the rows stay as they are
            p_by_turn[h + 1 :] = p_by_turn[h]
            stage_dist[h + 1 :] = stage_dist[h]
            bands[h + 1 :] = bands[h]
            max_stage[h + 1 :] = max_stage[h]
            break
        if n_dead and n_dead >= COMPACT_AT * lv.n:
            keep = np.flatnonzero(alive)
            lv = lv.take(keep)
            rows, top = rows[keep], top[keep]
            alive = np.ones(rows.size, dtype=bool)
            n_dead = 0
            dead_cols = []
        if injects and st.turn + 1 in injects:
            _inject(c, lv, injects[st.turn + 1], rng)
            cloned = False  # the worlds differ from here on
        if all_uniform:
            # (the padded rows pack into whole words: see uniform_choices)
            if h == 0 and cloned:
                # every world is the same one: its options are everybody's
                one = live_available(c, lv.take(np.zeros(1, dtype=np.intp)), st.turn, padded=True)
                avail = np.broadcast_to(one, (lv.n, *one.shape[1:]))
            else:
                avail = live_available(c, lv, st.turn, padded=True)
            moves = uniform_choices(c, avail, range(A), rng).T  # (a view: columns contiguous)
        else:
            avail = live_available(c, lv, st.turn)
            view = _view(c, st, lv, plain)
            moves = np.empty((lv.n, A), dtype=np.int64)
            for a, pol in enumerate(policies):
                moves[:, a] = pol(c, view, a, avail, rng, h)
        if h == 0:
            first[rows] = moves
        lv, end, oc, _ = advance(c, lv, moves, rng, st.turn)
        st.turn += 1
        np.maximum(top, lv.stage, out=top)
        if n_dead and end.size:
            ok = alive[end]
            end, oc = end[ok], oc[ok]
        if end.size:
            g = rows[end]
            st.outcome[g] = oc
            st.ended[g] = st.turn
            out = lv.take(end)
            ended.append((g, out, st.turn))
            oc_count += np.bincount(oc, minlength=Q)
            st_count += np.bincount(out.stage, minlength=S)
            top_count += np.bincount(top[end], minlength=S)
            if bands_of is not None:
                bands_of.freeze(out.x)
            alive[end] = False
            n_dead += end.size
            dead_cols.append(end)
        record(h + 1)
        if on_turn is not None:
            on_turn(h + 1)
    last_turn, last_n_dead = st.turn, n_dead

    def final() -> State:
        for g, part, turn in ended:
            put_back(c, st, g, part, turn)
        if last_n_dead < lv.n:
            keep = np.flatnonzero(alive)
            put_back(c, st, rows[keep], lv.take(keep) if last_n_dead else lv, last_turn)
        return st

    return Forecast(
        outcome_ids=list(c.outcome_ids),
        stage_ids=list(c.stage_ids),
        metric_ids=list(c.metric_ids),
        worlds=worlds,
        horizon=horizon,
        start_turn=state.turn,
        p_by_turn=p_by_turn,
        stage_dist=stage_dist,
        bands=bands,
        final_fn=final,
        first_moves=first,
        max_stage=max_stage,
    )


def _blank(c: Compiled, n: int, turn: int) -> State:
    """n running worlds whose values are all still to be written."""
    t = _tables(c)
    return State(
        x=np.empty((n, t.M)),
        stage=np.empty(n, dtype=np.int64),
        outcome=np.full(n, -1, dtype=np.int64),
        ended=np.full(n, -1, dtype=np.int64),
        cooldown=np.empty((n, t.A, t.O), dtype=np.int64),
        uses=np.empty((n, t.A, t.O), dtype=np.int64),
        fired=np.empty((n, t.E), dtype=bool),
        held=np.empty((n, t.Q), dtype=np.int64),
        turn=turn,
        **v2_fields(c, n),
    )


def _fill(st: State, src: State, i: int) -> None:
    """Every world of st becomes a copy of world i of src."""
    for f in ("x", "stage", "outcome", "ended", "cooldown", "uses", "fired", "held"):
        getattr(st, f)[:] = getattr(src, f)[i]
    for f in ("last", "cheld", "pending", "wuse", "mods", "pledge"):
        if getattr(st, f) is not None:
            getattr(st, f)[:] = getattr(src, f)[i]


def _view(c: Compiled, st: State, lv: Live, plain: bool) -> State:
    """The batch as a State for the policies (in full only if a policy may read it)."""
    n = lv.n
    running = np.full(n, -1, dtype=np.int64)
    if plain:
        # the built-in policies read only the number of worlds (so ``held`` may stay
        # a view in the batch's small counter type)
        empty = np.zeros((n, 0, 0), dtype=np.int64)
        held = lv.held.T
        fired = lv.fired.T
        return State(lv.x.T, lv.stage, running, running, empty, empty, fired, held, st.turn)  # type: ignore[arg-type]
    t = _tables(c)
    return State(
        x=np.ascontiguousarray(lv.x.T),
        stage=lv.stage.copy(),
        outcome=running,
        ended=running.copy(),
        cooldown=live_cooldown(c, lv, st.turn).astype(np.int64),
        uses=lv.uses.reshape(n, t.A, t.P)[:, :, : t.O].astype(np.int64),
        fired=np.ascontiguousarray(lv.fired.T),
        held=lv.held.T.astype(np.int64),
        turn=st.turn,
        last=None if lv.last is None else lv.last.copy(),
        cheld=None if lv.cheld is None else lv.cheld.T.copy(),
        pending=None if lv.pending is None else lv.pending.T.copy(),
        wuse=None if lv.wuse is None else lv.wuse.copy(),
        mods=None if lv.mods is None else lv.mods.T.copy(),
        pledge=None if lv.pledge is None else lv.pledge.T.copy(),
    )
