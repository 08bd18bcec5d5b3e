"""What a lab run shows: outcome shares, lengths, the ladder, armed incidents, the
players' choices, and the scenario's calibration bands.

An **armed incident** is what the scenario's ``calibration.armed`` says: any of its
events firing, or the ladder reaching its ``from_stage`` or above. A scenario that
does not say counts the ladder climbing above its initial stage.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from game.lab.games import GameRecord
from game.scenario.schema import CalibrationBand, Scenario, Statistic

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials."""
    if n <= 0:
        return (0.0, 1.0)
    p = k / n
    d = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    # (rounding must not put the interval beside p, e.g. 1e-18 above p = 0)
    return (max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


@dataclass
class Share:
    id: str
    name: str
    count: int
    share: float
    low: float  # 95% interval
    high: float


@dataclass
class BandResult:
    id: str
    name: str
    statistic: str
    low: float
    high: float
    value: float
    ok: bool
    references: list[str]


@dataclass
class OptionUse:
    actor: str
    option: str
    name: str
    count: int
    share: float  # of the actor's moves
    by_turn: list[int]  # times chosen on turn 1, 2, ...
    first_turn_median: float | None  # median turn of its first use, over games using it


@dataclass
class ScoreStat:
    """An actor's mean score over the games, with its 95% interval (normal approximation)."""

    actor: str
    name: str
    seat: str  # who played it: "computer", or the --as seat ("always OPTION", "random")
    mean: float
    low: float
    high: float


@dataclass
class Summary:
    scenario: str
    games: int
    seed: int
    outcomes: list[Share]
    unfinished: int  # games stopped by --turns before an outcome
    length_median: float
    length_q1: float
    length_q3: float
    peak_stage: list[Share]  # share of games whose highest stage was each stage
    armed: Share
    armed_rule: str
    options: list[OptionUse]
    bands: list[BandResult] = field(default_factory=list)
    scores: list[ScoreStat] = field(default_factory=list)

    @property
    def bands_ok(self) -> bool:
        return all(b.ok for b in self.bands)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"bands_ok": self.bands_ok}


def armed_rule(scn: Scenario) -> tuple[set[str], int, str]:
    """(events, lowest stage index, description) of an armed incident in ``scn``."""
    stages = [s.id for s in scn.ladder]
    armed = scn.calibration.armed if scn.calibration is not None else None
    if armed is None:
        first = stages.index(scn.initial_stage) + 1
        where = stages[first] if first < len(stages) else None
        text = f"the ladder reached {where} or above" if where else "never (top of the ladder)"
        return set(), first, text + " (no calibration.armed in the scenario)"
    parts = []
    first = len(stages)
    if armed.events:
        parts.append("any of the events " + ", ".join(armed.events) + " fired")
    if armed.from_stage is not None:
        first = stages.index(armed.from_stage)
        parts.append(f"the ladder reached {armed.from_stage} or above")
    return set(armed.events), first, " or ".join(parts) or "never (an empty rule)"


def had_armed(r: GameRecord, events: set[str], first_stage: int) -> bool:
    return r.peak_stage >= first_stage or any(e in events for turn in r.events for e in turn)


def _band_value(
    b: CalibrationBand, records: Sequence[GameRecord], scn: Scenario, armed: list[bool]
) -> float:
    n = len(records)
    stages = [s.id for s in scn.ladder]
    match b.statistic:
        case Statistic.share:
            group = set(b.outcomes)
            return sum(r.outcome in group for r in records) / n
        case Statistic.median_length:
            return float(np.median([r.length for r in records]))
        case Statistic.armed_share:
            return sum(armed) / n
        case Statistic.stage_share:
            at = stages.index(b.stage or "")
            return sum(r.peak_stage >= at for r in records) / n
        case Statistic.event_share:
            group = set(b.events)
            return sum(any(e in group for t in r.events for e in t) for r in records) / n
        case Statistic.branch_share:
            return branch_share(b.branches, records)
    raise ValueError(f"unknown statistic {b.statistic!r}")


def branch_share(branches: Sequence[str], records: Sequence[GameRecord]) -> float:
    """Among games in which the option of one of ``branches`` ("actor.option.branch") was
    chosen, the share in which one of them happened (NaN when no game chose it)."""
    group = set(branches)
    moves = {tuple(b.split(".")[:2]) for b in branches}
    tried = [r for r in records if any((a, o) in moves for mv in r.moves for a, o in mv.items())]
    if not tried:
        return math.nan
    return sum(any(b in group for t in r.branches for b in t) for r in tried) / len(tried)


def band_results(
    scn: Scenario, records: Sequence[GameRecord], armed: list[bool] | None = None
) -> list[BandResult]:
    if scn.calibration is None:
        return []
    if armed is None:
        events, first, _ = armed_rule(scn)
        armed = [had_armed(r, events, first) for r in records]
    out = []
    for b in scn.calibration.bands:
        v = _band_value(b, records, scn, armed)
        lo, hi = b.band
        # (NaN, a branch_share whose option nobody chose, is outside every band)
        out.append(
            BandResult(
                b.id, b.name, b.statistic.value, lo, hi, v, lo <= v <= hi, list(b.references)
            )
        )
    return out


def score_stats(
    scn: Scenario, records: Sequence[GameRecord], seats: dict[str, str] | None = None
) -> list[ScoreStat]:
    """Each actor's mean score (``GameRecord.scores``) with a 95% interval."""
    out = []
    for a in scn.actors:
        v = np.array([r.scores[a.id] for r in records if a.id in r.scores], dtype=float)
        if not v.size:
            continue
        half = Z95 * float(v.std(ddof=1)) / math.sqrt(v.size) if v.size > 1 else math.inf
        m = float(v.mean())
        out.append(
            ScoreStat(a.id, a.name, (seats or {}).get(a.id, "computer"), m, m - half, m + half)
        )
    return out


def summarise(
    scn: Scenario, records: Sequence[GameRecord], seed: int, seats: dict[str, str] | None = None
) -> Summary:
    n = len(records)
    if n == 0:
        raise ValueError("no games to summarise")
    outcomes = []
    for oc in scn.outcomes:
        k = sum(r.outcome == oc.id for r in records)
        outcomes.append(Share(oc.id, oc.name, k, k / n, *wilson(k, n)))
    lengths = np.array([r.length for r in records])
    q1, med, q3 = (float(v) for v in np.percentile(lengths, [25, 50, 75]))
    peaks = []
    for i, st in enumerate(scn.ladder):
        k = sum(r.peak_stage == i for r in records)
        peaks.append(Share(st.id, st.name, k, k / n, *wilson(k, n)))
    events, first, rule = armed_rule(scn)
    armed = [had_armed(r, events, first) for r in records]
    k_armed = sum(armed)
    turns = max(int(lengths.max()), 1)
    options = []
    for actor in scn.actors:
        total = sum(len(r.moves) for r in records)
        for opt in actor.options:
            by_turn = [0] * turns
            firsts = []
            for r in records:
                first_use = None
                for t, mv in enumerate(r.moves):
                    if mv.get(actor.id) == opt.id:
                        by_turn[t] += 1
                        first_use = t + 1 if first_use is None else first_use
                if first_use is not None:
                    firsts.append(first_use)
            count = sum(by_turn)
            options.append(
                OptionUse(
                    actor.id,
                    opt.id,
                    opt.name,
                    count,
                    count / total if total else 0.0,
                    by_turn,
                    float(np.median(firsts)) if firsts else None,
                )
            )
    return Summary(
        scenario=scn.meta.id,
        games=n,
        seed=seed,
        outcomes=outcomes,
        unfinished=sum(r.outcome is None for r in records),
        length_median=med,
        length_q1=q1,
        length_q3=q3,
        peak_stage=peaks,
        armed=Share("armed", "Any armed incident", k_armed, k_armed / n, *wilson(k_armed, n)),
        armed_rule=rule,
        options=options,
        bands=band_results(scn, records, armed),
        scores=score_stats(scn, records, seats),
    )
