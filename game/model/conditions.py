"""The condition language, compiled once into a small tree of array operations.

One evaluator serves the batched model (n worlds at once), the plain reference
model (a batch of one world) and the engine (through ``available``): a condition
means the same thing wherever it is written.

What a condition reads (``Ctx``), for the turn being played (number ``turn``, 1 is
the first): the metrics, the ladder stage, this turn's moves once they are made,
the moves of the turn before, how many times each option was chosen before this
turn, and the counters of the ``held`` conditions (updated at the end of each turn,
so during a turn they count the turns up to the one before, and at the end of the
turn this one too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from game.i18n import _, format_number, ngettext
from game.scenario.schema import (
    AllCondition,
    AnyCondition,
    Condition,
    HeldCondition,
    MoveCondition,
    MoveWhen,
    NotCondition,
    Scenario,
    StageCondition,
    TurnCondition,
)

B = NDArray[np.bool_]
I = NDArray[np.int64]  # noqa: E741

# metric comparison codes (the same as compiled.OP_CODE)
_OPS = {"<": 0, "<=": 1, ">": 2, ">=": 3}


def _compare(op: int, v: Any, value: float) -> Any:
    if op == 0:
        return v < value
    if op == 1:
        return v <= value
    if op == 2:
        return v > value
    return v >= value


@dataclass
class Ctx:
    """What conditions read, for n worlds. ``x`` is [M, n] (one row per metric);
    ``uses`` [n, A, >=O] counts the turns before this one; ``now`` [n, A] is this
    turn's moves (None before they are made); ``last`` [n, A] the previous turn's
    (-1: none); ``held`` [H, n] the counters of the held conditions."""

    x: Any
    stage: I
    turn: int
    uses: Any = None
    now: I | None = None
    last: I | None = None
    held: Any = None

    @property
    def n(self) -> int:
        return int(self.stage.shape[0])


@dataclass(frozen=True)
class Node:
    """One operation of a condition tree.

    kind: "metric" (a, op code, value), "turn" (lo, hi), "stage" (mask over stages),
    "move" (actor, option mask, when, lo, hi), "held" (counter index, turns),
    "all" / "any" / "not" (kids), "true".
    """

    kind: str
    a: int = 0
    op: int = 0
    value: float = 0.0
    lo: int = 0
    hi: int = 1 << 30
    mask: tuple[bool, ...] = ()
    when: str = ""
    kids: tuple[Node, ...] = ()

    def eval(self, ctx: Ctx) -> B:
        """bool [n]: where the condition holds."""
        n = ctx.n
        k = self.kind
        if k == "metric":
            return np.asarray(_compare(self.op, ctx.x[self.a], self.value), dtype=bool)
        if k == "all":
            out = self.kids[0].eval(ctx).copy()
            for kid in self.kids[1:]:
                out &= kid.eval(ctx)
            return out
        if k == "any":
            out = self.kids[0].eval(ctx).copy()
            for kid in self.kids[1:]:
                out |= kid.eval(ctx)
            return out
        if k == "not":
            return ~self.kids[0].eval(ctx)
        if k == "turn":
            return np.full(n, self.lo <= ctx.turn <= self.hi, dtype=bool)
        if k == "stage":
            return np.asarray(self.mask, dtype=bool)[ctx.stage]
        if k == "held":
            return np.asarray(ctx.held[self.a] >= self.lo, dtype=bool)
        if k == "move":
            return self._move(ctx)
        return np.ones(n, dtype=bool)

    def _move(self, ctx: Ctx) -> B:
        # a lookup by option index (a last slot, False, for -1: "no move yet"), several
        # times faster than np.isin on the short option lists conditions name
        hit = np.asarray((*self.mask, False), dtype=bool)
        if self.when == MoveWhen.this_turn:
            if ctx.now is None:
                return np.zeros(ctx.n, dtype=bool)
            return hit[ctx.now[:, self.a]]
        if self.when == MoveWhen.last_turn:
            if ctx.last is None:
                return np.zeros(ctx.n, dtype=bool)
            return hit[ctx.last[:, self.a]]
        opts = np.flatnonzero(hit)
        count = np.zeros(ctx.n, dtype=np.int64)
        if ctx.uses is not None:
            count += ctx.uses[:, self.a, opts].sum(axis=1, dtype=np.int64)
        if ctx.now is not None:
            count += hit[ctx.now[:, self.a]]
        return (count >= self.lo) & (count <= self.hi)


@dataclass
class Index:
    """Ids to positions, from the scenario itself (so the reference model needs no
    compiled arrays to compile its conditions)."""

    metric: dict[str, int]
    actor: dict[str, int]
    option: list[dict[str, int]]
    stage: dict[str, int]
    held: list[Node] = field(default_factory=list)  # the inner condition of each counter
    uses_last: bool = False

    @classmethod
    def of(cls, scn: Scenario) -> Index:
        return cls(
            metric={m.id: i for i, m in enumerate(scn.metrics)},
            actor={a.id: i for i, a in enumerate(scn.actors)},
            option=[{o.id: j for j, o in enumerate(a.options)} for a in scn.actors],
            stage={s.id: i for i, s in enumerate(scn.ladder)},
        )


def compile_one(cond: Any, ix: Index) -> Node:
    """One condition item as a Node (ids are assumed checked by the loader)."""
    if isinstance(cond, Condition):
        return Node("metric", a=ix.metric[cond.metric], op=_OPS[cond.op.value], value=cond.value)
    if isinstance(cond, AllCondition):
        return Node("all", kids=tuple(compile_one(c, ix) for c in cond.all))
    if isinstance(cond, AnyCondition):
        return Node("any", kids=tuple(compile_one(c, ix) for c in cond.any))
    if isinstance(cond, NotCondition):
        return Node("not", kids=(compile_one(cond.not_, ix),))
    if isinstance(cond, TurnCondition):
        b = cond.turn
        return Node(
            "turn",
            lo=0 if b.at_least is None else b.at_least,
            hi=1 << 30 if b.at_most is None else b.at_most,
        )
    if isinstance(cond, StageCondition):
        t = cond.stage
        s = len(ix.stage)
        ok = np.zeros(s, dtype=bool) if t.one_of else np.ones(s, dtype=bool)
        for sid in t.one_of:
            ok[ix.stage[sid]] = True
        pos = np.arange(s)
        if t.at_least is not None:
            ok &= pos >= ix.stage[t.at_least]
        if t.at_most is not None:
            ok &= pos <= ix.stage[t.at_most]
        return Node("stage", mask=tuple(bool(v) for v in ok))
    if isinstance(cond, MoveCondition):
        m = cond.move
        a = ix.actor[m.actor]
        width = max(len(o) for o in ix.option)
        mask = [False] * width
        for oid in m.options:
            mask[ix.option[a][oid]] = True
        if m.when is MoveWhen.last_turn:
            ix.uses_last = True
        return Node(
            "move",
            a=a,
            mask=tuple(mask),
            when=m.when.value,
            lo=m.at_least,
            hi=1 << 30 if m.at_most is None else m.at_most,
        )
    if isinstance(cond, HeldCondition):
        inner = compile_one(cond.held.condition, ix)
        h = len(ix.held)
        ix.held.append(inner)
        return Node("held", a=h, lo=cond.held.turns)
    raise TypeError(f"not a condition: {cond!r}")


def compile_extra(conds: Sequence[Any], ix: Index) -> Node | None:
    """The items of a condition list that are not plain metric comparisons, as one
    node (None when there are none: the plain comparisons have their own fast path)."""
    extra = [compile_one(c, ix) for c in conds if not isinstance(c, Condition)]
    if not extra:
        return None
    return extra[0] if len(extra) == 1 else Node("all", kids=tuple(extra))


def compile_all(conds: Sequence[Any], ix: Index) -> Node | None:
    """Every item of a condition list as one node (None: always holds)."""
    nodes = [compile_one(c, ix) for c in conds]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else Node("all", kids=tuple(nodes))


def update_held(held_nodes: Sequence[Node], counters: Any, ctx: Ctx) -> None:
    """End of turn: each counter [H, n] goes up by one where its condition holds,
    else back to zero (in place)."""
    for h, node in enumerate(held_nodes):
        ok = node.eval(ctx)
        row = counters[h]
        row += 1
        row *= ok


def describe(node: Node, scn: Scenario) -> str:
    """The condition in words (for 'why is this option unavailable'), in the current
    language: each kind of condition is one template in the catalog (game.i18n)."""
    k = node.kind
    if k == "metric":
        op = ("<", "<=", ">", ">=")[node.op]
        return f"{scn.metrics[node.a].name} {op} {format_number(node.value)}"
    if k == "all":
        return _(" and ").join(describe(c, scn) for c in node.kids)
    if k == "any":
        return "(" + _(" or ").join(describe(c, scn) for c in node.kids) + ")"
    if k == "not":
        return _("not ({condition})", condition=describe(node.kids[0], scn))
    if k == "turn":
        if node.hi >= 1 << 30:
            return _("turn {turn} or later", turn=node.lo)
        if node.lo <= 0:
            return _("turn {turn} or earlier", turn=node.hi)
        return _("turns {first} to {last}", first=node.lo, last=node.hi)
    if k == "stage":
        names = [scn.ladder[s].name for s, ok in enumerate(node.mask) if ok]
        return _("stage: {stages}", stages=", ".join(names))
    if k == "move":
        actor = scn.actors[node.a]
        moves = _(" or ").join(actor.options[o].name for o, ok in enumerate(node.mask) if ok)
        if node.when == MoveWhen.last_turn:
            return _("{actor}: {moves} last turn", actor=actor.name, moves=moves)
        if node.when == MoveWhen.this_turn:
            return _("{actor}: {moves} this turn", actor=actor.name, moves=moves)
        if node.hi >= 1 << 30:
            return ngettext(
                "{actor}: {moves} at least {n} time",
                "{actor}: {moves} at least {n} times",
                node.lo,
                actor=actor.name,
                moves=moves,
            )
        if node.hi <= 0:
            return _("{actor}: never {moves}", actor=actor.name, moves=moves)
        if node.lo <= 0:
            return ngettext(
                "{actor}: {moves} at most {n} time",
                "{actor}: {moves} at most {n} times",
                node.hi,
                actor=actor.name,
                moves=moves,
            )
        return _(
            "{actor}: {moves} {first} to {last} times",
            actor=actor.name,
            moves=moves,
            first=node.lo,
            last=node.hi,
        )
    if k == "held":
        return ngettext("a condition held for {n} turn", "a condition held for {n} turns", node.lo)
    return _("always")
