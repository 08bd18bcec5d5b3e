"""Monte Carlo forecast: roll a state forward in many worlds under each actor's policy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from game.model.compiled import Compiled
from game.model.policy import Policy
from game.model.state import State
from game.model.step import available, step

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
    final: State  # every world at the horizon (for utilities and counterfactuals)
    first_moves: NDArray[np.int64]  # [N, A] the moves of the first turn
    # [H+1, S] share of worlds whose highest stage so far (from the start) is s
    max_stage: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)))

    def reached(self, stage: str, within: int | None = None) -> float:
        """Share of worlds that were at ``stage`` or above at some point by ``within`` turns."""
        h = self.horizon if within is None else min(max(within, 0), self.horizon)
        return float(self.max_stage[h, self.stage_ids.index(stage) :].sum())

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


def wilson(p: float, n: int, z: float = 1.96) -> tuple[float, float]:
    if n <= 0:
        return (0.0, 1.0)
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, float(centre - half)), min(1.0, float(centre + half)))


def choose(
    c: Compiled, st: State, policies: Sequence[Policy], rng: np.random.Generator, h: int
) -> NDArray[np.int64]:
    """Every actor's move in every world under ``policies``."""
    avail = available(c, st)
    moves = np.empty((st.n, c.n_actors), dtype=np.int64)
    for a, pol in enumerate(policies):
        moves[:, a] = pol(c, st, a, avail, rng, h)
    return moves


def forecast(
    c: Compiled,
    state: State,
    policies: Sequence[Policy],
    rng: np.random.Generator,
    worlds: int = 10_000,
    horizon: int = 12,
    quantiles: bool = True,
    on_turn: Callable[[int], None] | None = None,
) -> Forecast:
    """Clone world 0 of ``state`` into ``worlds`` copies and play ``horizon`` turns.

    ``state`` itself is never modified, and only ``rng`` is drawn from: a
    forecast cannot change the game it looks at. A ``state`` of exactly ``worlds``
    worlds is used as it is (each world its own start). ``on_turn(h)`` is called
    after each turn h = 1..horizon (progress display); it cannot change the result.
    """
    if len(policies) != c.n_actors:
        raise ValueError(f"need {c.n_actors} policies, got {len(policies)}")
    st = state.repeat(worlds) if state.n != worlds else state.copy()
    horizon = max(0, int(horizon))
    Q, S = len(c.outcome_ids), c.n_stages
    p_by_turn = np.zeros((horizon + 1, Q + 1))
    stage_dist = np.zeros((horizon + 1, S))
    bands = np.zeros((horizon + 1, len(QUANTILES), c.n_metrics))
    first = np.empty((worlds, c.n_actors), dtype=np.int64)
    max_stage = np.zeros((horizon + 1, S))
    top = st.stage.copy()

    def record(h: int) -> None:
        counts = np.bincount(st.outcome + 1, minlength=Q + 1)
        p_by_turn[h, :Q] = counts[1:] / worlds
        p_by_turn[h, Q] = counts[0] / worlds
        stage_dist[h] = np.bincount(st.stage, minlength=S) / worlds
        np.maximum(top, st.stage, out=top)
        max_stage[h] = np.bincount(top, minlength=S) / worlds
        if quantiles:
            bands[h] = np.quantile(st.x, QUANTILES, axis=0)

    record(0)
    for h in range(horizon):
        if not (st.outcome < 0).any():
            # every world has ended: the rest of the rows stay as they are
            p_by_turn[h + 1 :] = p_by_turn[h]
            stage_dist[h + 1 :] = stage_dist[h]
            bands[h + 1 :] = bands[h]
            max_stage[h + 1 :] = max_stage[h]
            break
        moves = choose(c, st, policies, rng, h)
        if h == 0:
            first[:] = moves
        step(c, st, moves, rng)
        record(h + 1)
        if on_turn is not None:
            on_turn(h + 1)
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
        final=st,
        first_moves=first,
        max_stage=max_stage,
    )
