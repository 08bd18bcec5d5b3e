"""The state of N parallel worlds, with every per-world field declared once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from game.model.compiled import Compiled


@dataclass
class State:
    """N worlds at one turn. Arrays are updated in place by ``step``."""

    x: NDArray[np.float64]  # [N, M] metric values
    stage: NDArray[np.int64]  # [N] ladder position
    outcome: NDArray[np.int64]  # [N] -1 while running, else outcome index
    ended: NDArray[np.int64]  # [N] turn at which the outcome was reached, -1 while running
    cooldown: NDArray[np.int64]  # [N, A, O] turns before an option may be chosen again
    uses: NDArray[np.int64]  # [N, A, O] times each option was chosen
    fired: NDArray[np.bool_]  # [N, E] events that have fired at least once
    held: NDArray[np.int64]  # [N, Q] consecutive turns each outcome's trigger has held
    turn: int = 0  # turns resolved so far (the same in every world)
    # format v2, kept only when the scenario uses them (None otherwise):
    last: NDArray[np.int64] | None = None  # [N, A] the moves of the last turn (-1: none)
    cheld: NDArray[np.int64] | None = None  # [N, H] turns each held condition has held
    pending: NDArray[np.bool_] | None = None  # [N, L] chain links set off last turn
    wuse: NDArray[np.int64] | None = None  # [N, W, K] turns of the last uses (use windows)
    mods: NDArray[np.int64] | None = None  # [N, K] turns each modifier has left
    pledge: NDArray[np.int64] | None = None  # [N, P] turns each commitment has left (0: none)

    @property
    def n(self) -> int:
        return int(self.x.shape[0])

    def running(self) -> NDArray[np.bool_]:
        return self.outcome < 0

    def copy(self) -> State:
        return self._each(lambda v: v.copy())

    def repeat(self, n: int) -> State:
        """``n`` copies of world 0: the start of a forecast from the true state."""
        return self._each(lambda v: np.repeat(v[:1], n, axis=0).copy())

    def world(self, i: int) -> State:
        """World ``i`` alone, as a state of one world."""
        return self._each(lambda v: v[i : i + 1].copy())

    def _each(self, fn: Callable[[NDArray[Any]], NDArray[Any]]) -> State:
        """A new state with ``fn`` applied to every per-world array (``turn`` is kept)."""
        values: dict[str, Any] = {
            f.name: fn(v) if isinstance(v := getattr(self, f.name), np.ndarray) else v
            for f in fields(self)
        }
        return State(**values)

    def equals(self, other: State) -> bool:
        """Bit-for-bit equality (used by determinism tests and replay checks)."""
        return all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name))
            if isinstance(getattr(self, f.name), np.ndarray)
            or isinstance(getattr(other, f.name), np.ndarray)
            else getattr(self, f.name) == getattr(other, f.name)
            for f in fields(self)
        )


def initial_state(c: Compiled, n: int, rng: np.random.Generator) -> State:
    """N worlds at turn 0; each draws its starting metrics from the scenario's uncertainty."""
    m = c.n_metrics
    x = c.init_mean + c.init_sd * rng.standard_normal((n, m))
    np.clip(x, c.lo, c.hi, out=x)
    shape_ao = (n, c.n_actors, c.max_options)
    return State(
        x=x,
        stage=np.full(n, c.initial_stage, dtype=np.int64),
        outcome=np.full(n, -1, dtype=np.int64),
        ended=np.full(n, -1, dtype=np.int64),
        cooldown=np.zeros(shape_ao, dtype=np.int64),
        uses=np.zeros(shape_ao, dtype=np.int64),
        fired=np.zeros((n, len(c.event_ids)), dtype=bool),
        held=np.zeros((n, len(c.outcome_ids)), dtype=np.int64),
        turn=0,
        **v2_fields(c, n),
    )


def v2_fields(c: Compiled, n: int) -> dict[str, Any]:
    """The v2 per-world arrays a scenario needs, at their starting values."""
    v = c.v2
    if v is None:
        return {}
    out: dict[str, Any] = {}
    if v.uses_last:
        out["last"] = np.full((n, c.n_actors), -1, dtype=np.int64)
    if v.held:
        out["cheld"] = np.zeros((n, len(v.held)), dtype=np.int64)
    if v.ch_src.size:
        out["pending"] = np.zeros((n, v.ch_src.size), dtype=bool)
    if v.mod_src.size:
        out["mods"] = np.zeros((n, v.mod_src.size), dtype=np.int64)
    if v.pl_actor.size:
        out["pledge"] = np.zeros((n, v.pl_actor.size), dtype=np.int64)
    if v.win:
        out["wuse"] = np.full((n, len(v.win), v.win_k), -WIN_NONE, dtype=np.int64)
    return out


# "never used" in State.wuse: far before any turn
WIN_NONE = 1 << 20
