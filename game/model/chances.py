"""Compiled chances, condition sets and move filters: the vectorised forms the
compiled scenario's tables are made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from game.scenario.schema import Comparison

F = NDArray[np.float64]
B = NDArray[np.bool_]
I = NDArray[np.int64]  # noqa: E741


# A condition's comparison as a code in the compiled tables, and back as text.
OP_CODE = {Comparison.lt: 0, Comparison.le: 1, Comparison.gt: 2, Comparison.ge: 3}
OP_TEXT = ("<", "<=", ">", ">=")
# Past this a logit is certainty in float64; keeps sigmoid free of overflow.
_LOGIT_CAP = 40.0


def sigmoid(z: F) -> F:
    """Logistic function without overflow warnings (tanh saturates cleanly)."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


@dataclass(frozen=True)
class ChanceSet:
    """G chances evaluated together: p = sigmoid(logit0 + (x - x0)·slope + shift[stage])."""

    logit0: F  # [G]
    slope: F  # [G, M]
    shift: F  # [G, S]
    x0: F  # [M]
    uses_state: bool

    def p(self, x: F, stage: I) -> F:
        """Probabilities [N, G] for states x [N, M] at stages [N]."""
        z = np.broadcast_to(self.logit0, (x.shape[0], self.logit0.shape[0]))
        if self.uses_state:
            z = z + (x - self.x0) @ self.slope.T + self.shift.T[stage]
        return sigmoid(z)

    def p_one(self, g: int, x: NDArray[np.float64], stage: int) -> float:
        """The same for one world and one chance: used by the reference code and by the UI."""
        z = self.logit0[g] + float((x - self.x0) @ self.slope[g]) + self.shift[g, stage]
        return float(sigmoid(np.asarray(z)))


def compare(op: Any, v: Any, value: Any) -> Any:
    """``v <op> value`` for an op code of ``OP_CODE`` (the one home of the comparisons):
    scalars, arrays, or an array of op codes (one per column of ``v``)."""
    if isinstance(op, np.ndarray):
        return np.where(
            op == 0,
            v < value,
            np.where(op == 1, v <= value, np.where(op == 2, v > value, v >= value)),
        )
    if op == 0:
        return v < value
    if op == 1:
        return v <= value
    if op == 2:
        return v > value
    return v >= value


@dataclass(frozen=True)
class CondSet:
    """Conditions grouped into G groups; a group holds when all its conditions hold."""

    metric: I  # [K]
    op: I  # [K]
    value: F  # [K]
    group: I  # [K]
    n_groups: int
    member: F = field(default_factory=lambda: np.zeros((0, 0)))  # [K, G] one-hot of group

    def holds(self, x: F) -> B:
        """bool [N, G]."""
        n = x.shape[0]
        if self.metric.size == 0:
            return np.ones((n, self.n_groups), dtype=bool)
        ok = compare(self.op, x[:, self.metric], self.value)
        # a matrix product counts each group's failed conditions in one pass
        return ((~ok).astype(np.float64) @ self.member) == 0


@dataclass(frozen=True)
class MoveFilter:
    """allowed[G, A, O]: group g admits actor a's option o (unlisted actors admit all)."""

    allowed: B
    any_filter: bool

    def holds(self, moves: I) -> B:
        """bool [N, G] for moves [N, A]."""
        n, a_count = moves.shape
        out = np.ones((n, self.allowed.shape[0]), dtype=bool)
        if not self.any_filter:
            return out
        for a in range(a_count):
            out &= self.allowed[:, a, moves[:, a]].T
        return out
