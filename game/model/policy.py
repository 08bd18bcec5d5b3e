"""How an actor chooses in a forecast: a fixed option, a mix, uniform random, or any callable.

A policy is called as ``policy(c, state, actor, available, rng, h)`` and returns
``int[N]`` option indices; ``available`` is the bool [N, A, O] mask and ``h`` the
turn of the forecast (0 = the turn being chosen now). Options that are not
available in a world fall back to the actor's hold-course option.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from game.i18n import _
from game.model.compiled import Compiled
from game.model.state import State
from game.model.step import state_ctx, uniforms

Moves = NDArray[np.int64]
Policy = Callable[[Compiled, State, int, NDArray[np.bool_], np.random.Generator, int], Moves]


def _or_hold(c: Compiled, actor: int, avail: NDArray[np.bool_], choice: Moves) -> Moves:
    ok = avail[np.arange(choice.size), actor, choice]
    return np.where(ok, choice, c.hold[actor])


@dataclass(frozen=True)
class Fixed:
    """Always the same option (hold course where it is not available)."""

    option: int

    def __call__(
        self,
        c: Compiled,
        st: State,
        actor: int,
        avail: NDArray[np.bool_],
        rng: np.random.Generator,
        h: int,
    ) -> Moves:
        return _or_hold(c, actor, avail, np.full(st.n, self.option, dtype=np.int64))


@dataclass(frozen=True)
class Mix:
    """Options drawn with fixed weights (renormalised over the available ones)."""

    weights: tuple[float, ...]  # one per option of the actor

    def __call__(
        self,
        c: Compiled,
        st: State,
        actor: int,
        avail: NDArray[np.bool_],
        rng: np.random.Generator,
        h: int,
    ) -> Moves:
        k = int(c.n_options[actor])
        w = np.zeros(k)
        w[: min(k, len(self.weights))] = self.weights[:k]
        return _draw(c, actor, avail, w, rng)


@dataclass(frozen=True)
class Uniform:
    """Uniformly random among the options available in each world."""

    def __call__(
        self,
        c: Compiled,
        st: State,
        actor: int,
        avail: NDArray[np.bool_],
        rng: np.random.Generator,
        h: int,
    ) -> Moves:
        return uniform_choices(c, avail, [actor], rng)[0]


@dataclass(frozen=True)
class Then:
    """One policy for the first turn of a forecast, another afterwards."""

    first: Policy
    rest: Policy

    def __call__(
        self,
        c: Compiled,
        st: State,
        actor: int,
        avail: NDArray[np.bool_],
        rng: np.random.Generator,
        h: int,
    ) -> Moves:
        return (self.first if h == 0 else self.rest)(c, st, actor, avail, rng, h)


@dataclass(frozen=True)
class Scripted:
    """A scripted actor's rules (``Actor.script``): in each world, the first rule whose
    conditions hold and whose option is available, else its ``otherwise`` option (hold
    course where that is not available). Read with the shared condition evaluator."""

    def __call__(
        self,
        c: Compiled,
        st: State,
        actor: int,
        avail: NDArray[np.bool_],
        rng: np.random.Generator,
        h: int,
    ) -> Moves:
        return scripted_moves(c, st, actor, avail)


def scripted_moves(c: Compiled, st: State, actor: int, avail: NDArray[np.bool_]) -> Moves:
    """int [N]: the moves of a scripted actor in the worlds of ``st``."""
    assert c.v2 is not None and actor in c.v2.scripts  # compiled for a scripted actor
    rules, otherwise = c.v2.scripts[actor]
    ctx = state_ctx(st)
    out = np.full(st.n, -1, dtype=np.int64)
    for node, o in rules:
        hit = out < 0
        hit &= avail[:, actor, o]
        hit &= node.eval(ctx)
        out[hit] = o
    rest = out < 0
    out[rest] = np.where(avail[rest, actor, otherwise], otherwise, c.hold[actor])
    return out


def uniform_choices(
    c: Compiled, avail: NDArray[np.bool_], actors: Sequence[int], rng: np.random.Generator
) -> NDArray[np.int64]:
    """Uniform play for several actors: int [len(actors), N].

    One float32 uniform u per world, actor by actor (so the same draws as calling it
    for each actor in turn); the choice is the floor(u * count)-th of the available
    options, read from a table by the world's availability pattern. Hold course
    where none is available. ``avail`` may have more than O options per actor (never
    available), as the forecast's padded rows do.
    """
    n = avail.shape[0]
    out = np.empty((len(actors), n), dtype=np.int64)
    codes = None
    for i, a in enumerate(actors):
        k = int(c.n_options[a])
        ui = uniforms(rng, n)
        lut = _patterns(c, a)
        if lut is None:
            out[i] = _exact_uniform(c, a, avail[:, a, :k].T, ui)
            continue
        if codes is None:
            codes = _pattern_codes(avail)
        count, chosen = lut
        code = codes[a]
        code &= (1 << k) - 1
        # u * count < count: u <= 1 - 2**-23 keeps the float32 product a whole step below
        ui *= count.take(code)
        code *= k
        code += ui.astype(np.intp)
        out[i] = chosen.take(code)
    return out


# Availability patterns are tabulated for actors with at most this many options.
PATTERN_MAX = 16
# Times eight bytes that are each 0 or 1 (little-endian), this puts byte i's bit at
# bit 56 + i, with no carries: the top byte is then the eight bits packed.
_GATHER_BITS = np.uint64(0x0102040810204080)


def _pattern_codes(avail: NDArray[np.bool_]) -> list[NDArray[np.intp]]:
    """Per actor, intp [n] with bit o set where option o < 16 is available."""
    n, A, width = avail.shape
    if n > 1 and avail.strides[0] == 0:
        # one row for every world (broadcast)
        return [np.full(n, code[0]) for code in _pattern_codes(avail[:1])]
    if sys.byteorder != "little":
        w = min(width, PATTERN_MAX)
        return [(avail[:, a, :w].astype(np.intp) << np.arange(w)).sum(axis=1) for a in range(A)]
    if width % 8 or width > PATTERN_MAX or not avail.flags.c_contiguous:
        # copy into rows of 16 bytes
        buf = np.zeros((n, A, PATTERN_MAX), dtype=bool)
        buf[:, :, : min(width, PATTERN_MAX)] = avail[:, :, :PATTERN_MAX]
        avail, width = buf, PATTERN_MAX
    # the top byte of each word is its eight options packed; side by side (little-
    # endian) the two bytes of an actor's 16 options are one uint16
    top = avail.view(np.uint64) * _GATHER_BITS  # [n, A, width / 8]
    packed = np.ascontiguousarray(top.view(np.uint8)[:, :, 7::8])
    if width == 16:
        packed = packed.view(np.uint16)
    return [packed[:, a, 0].astype(np.intp) for a in range(A)]


def _patterns(c: Compiled, actor: int) -> tuple[NDArray, NDArray] | None:
    """(count [2^k], chosen [2^k * k]) for an actor's k options: for each availability
    pattern (bit o: option o available), how many are available and, at p * k + i,
    the i-th of them (hold course at p = 0, i = 0). Built once, cached on ``c``."""
    cache = c.__dict__.get("_uniform_patterns")
    if cache is None:
        cache = {}
        object.__setattr__(c, "_uniform_patterns", cache)
    if actor not in cache:
        k = int(c.n_options[actor])
        if k > PATTERN_MAX:
            cache[actor] = None
        else:
            bits = (np.arange(1 << k)[:, None] >> np.arange(k)) & 1
            count = bits.sum(axis=1).astype(np.float32)
            # available options first, in order
            chosen = np.argsort(1 - bits, axis=1, kind="stable")
            chosen[0, 0] = c.hold[actor]
            # (k <= 16: bytes keep the table small enough to stay in cache)
            cache[actor] = (count, np.ascontiguousarray(chosen.reshape(-1), dtype=np.int8))
    return cache[actor]


def _exact_uniform(
    c: Compiled, actor: int, av: NDArray[np.bool_], u: NDArray[np.floating]
) -> NDArray[np.int64]:
    """One available option per column of av [k, r], the floor(u * count)-th; hold
    where none is."""
    k, r = av.shape
    dt = np.int8 if k < 127 else np.int32
    cum: NDArray[np.signedinteger[Any]] = np.empty((k, r), dtype=dt)
    acc: NDArray[np.signedinteger[Any]] = np.zeros(r, dtype=dt)
    for o in range(k):
        np.add(acc, av[o], out=acc, casting="unsafe")
        cum[o] = acc
    # floor of u * count: the running count to pass
    pick: NDArray[np.signedinteger[Any]] = (u * acc).astype(dt)
    choice = np.add.reduce(cum <= pick, axis=0, dtype=np.int32).astype(np.int64)
    return np.where(acc > 0, choice, c.hold[actor])


def _draw(
    c: Compiled,
    actor: int,
    avail: NDArray[np.bool_],
    w: NDArray[np.float64] | None,
    rng: np.random.Generator,
) -> Moves:
    """One option per world with probability proportional to ``w`` (None: equal
    weights) among the options available there; hold course where none is.

    The running sums go option by option along the worlds (one vector add per
    option), which is much faster than ``cumsum`` over a short axis.
    """
    k = int(c.n_options[actor])
    av = avail[:, actor, :k].T  # [k, n]
    n = int(av.shape[1])
    if w is None:
        dt = np.int8 if k < 127 else np.int32
        cum = np.empty((k, n), dtype=dt)
        acc = np.zeros(n, dtype=dt)
        for o in range(k):
            np.add(acc, av[o], out=acc, casting="unsafe")
            cum[o] = acc
        total = acc.astype(np.float64)
    else:
        cum = np.empty((k, n))
        acc = np.zeros(n)
        for o in range(k):
            if w[o] > 0:
                acc += av[o] * w[o]
            cum[o] = acc
        total = acc
    # u * total < total exactly (rng.random() < 1, rounding to nearest), so the
    # chosen option always has a positive weight
    u = rng.random(n)
    u *= total
    if w is None:
        u = u.astype(cum.dtype)  # floor: the running count to pass
    choice = np.add.reduce(cum <= u, axis=0, dtype=np.int32)
    return np.where(total > 0, choice, c.hold[actor]).astype(np.int64)


@dataclass(frozen=True)
class Keeps:
    """``base``, except where commitment ``k`` (of this actor) falls due this turn: there
    the actor carries it out (the first of its carry-out options available) with
    probability ``chance``. From forecast turn ``from_turn`` on (1 for the deciding
    actor's own plan: its move now is the option it weighs)."""

    k: int
    chance: float
    base: Policy
    from_turn: int = 0

    def __call__(
        self,
        c: Compiled,
        st: State,
        actor: int,
        avail: NDArray[np.bool_],
        rng: np.random.Generator,
        h: int,
    ) -> Moves:
        moves = self.base(c, st, actor, avail, rng, h)
        if h < self.from_turn or st.pledge is None or c.v2 is None:
            return moves
        due = st.pledge[:, self.k] == 1
        if not due.any():
            return moves
        if self.chance < 1.0:
            due &= uniforms(rng, st.n) < self.chance
        carry = np.flatnonzero(c.v2.pl_carry[self.k][: int(c.n_options[actor])])
        for o in carry[::-1]:  # the first listed wins where several are available
            moves[due & avail[:, actor, o]] = o
        return moves


@dataclass(frozen=True)
class Line:
    """A schedule: on turn t (1 = the first) the t-th option, hold course after the end
    and wherever the option is not available (a history line, or any planned path)."""

    options: tuple[int, ...]

    def __call__(
        self,
        c: Compiled,
        st: State,
        actor: int,
        avail: NDArray[np.bool_],
        rng: np.random.Generator,
        h: int,
    ) -> Moves:
        t = st.turn  # turns resolved so far: this is turn t + 1
        option = self.options[t] if t < len(self.options) else int(c.hold[actor])
        return _or_hold(c, actor, avail, np.full(st.n, option, dtype=np.int64))


def history_line(c: Compiled, actor: str) -> Line:
    """The scenario's history line for ``actor``: its recorded move on each listed turn,
    hold course on the others."""
    a = c.actor_index(actor)
    hist = c.scenario.history
    if hist is None:
        raise ValueError(_("the scenario has no history line"))
    turns = max(ht.turn for ht in hist.turns)
    line = [int(c.hold[a])] * turns
    for ht in hist.turns:
        if actor in ht.moves:
            line[ht.turn - 1] = c.option_index(a, ht.moves[actor])
    return Line(tuple(line))


def parse_policy(c: Compiled, actor: str, text: str) -> Policy:
    """Read a policy from the command line: ``OPTION``, ``random``, ``mix:a=0.5,b=0.5``,
    ``line:a,b,c`` (one option per turn, then hold course), ``history`` or, for a
    scripted actor, ``script`` (its rules; its default)."""
    a = c.actor_index(actor)
    text = text.strip()
    if text == "random":
        return Uniform()
    if text == "script":
        if c.v2 is None or a not in c.v2.scripts:
            raise ValueError(
                _("{actor} has no script (only scripted actors play 'script')", actor=actor)
            )
        return Scripted()
    if text == "history":
        return history_line(c, actor)
    if text.startswith("line:"):
        names = [n.strip() for n in text[5:].split(",")]
        if not any(names):
            raise ValueError(_("a line needs at least one option, e.g. line:hold,talks,hold"))
        return Line(tuple(c.option_index(a, n) if n else int(c.hold[a]) for n in names))
    if text.startswith("mix:"):
        weights = [0.0] * len(c.option_ids[a])
        for part in text[4:].split(","):
            name, sep, value = part.partition("=")
            if not sep:
                raise ValueError(_("mix entry {part!r} should look like option=0.5", part=part))
            try:
                weight = float(value)
            except ValueError:
                raise ValueError(
                    _("weight {value!r} of {name!r} is not a number", value=value, name=name)
                ) from None
            if not math.isfinite(weight) or weight > 1e6:
                raise ValueError(
                    _(
                        "weight {value!r} of {name!r} should be a finite number",
                        value=value.strip(),
                        name=name,
                    )
                )
            if weight < 0:
                raise ValueError(_("weight of {name!r} is negative", name=name))
            weights[c.option_index(a, name.strip())] += weight
        if sum(weights) <= 0:
            raise ValueError(_("a mix needs at least one positive weight"))
        return Mix(tuple(weights))
    return Fixed(c.option_index(a, text))


def policies_for(
    c: Compiled, given: Mapping[str, Policy] | None = None, default: Policy | None = None
) -> list[Policy]:
    """One policy per actor: ``given`` by actor id, the rest ``default`` (uniform random);
    a scripted actor not given follows its script."""
    given = dict(given or {})
    for aid in given:
        c.actor_index(aid)
    fallback = default if default is not None else Uniform()
    scripted = set() if c.v2 is None else {c.actor_ids[a] for a in c.v2.scripts}
    return [given.get(aid, Scripted() if aid in scripted else fallback) for aid in c.actor_ids]
