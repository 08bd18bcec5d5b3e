"""Scoring forecasts: the multi-category Brier score and calibration bins.

A forecast names the probability of some of the scenario's outcomes happening
within a window of ``within`` turns, starting with the turn being chosen when it
was made. Its categories are the outcomes it names plus ``none`` ("none of these
within the window"), which also takes any other outcome and "the crisis is still
going at the end of the window". Exactly one category happens, so

    BS = Σ_k (p_k − o_k)²

over those categories, where ``p_k`` is the forecast probability of category k
and ``o_k`` is 1 for the category that happened and 0 for the others. 0 is a
perfect forecast, 2 the worst possible (certainty on a category that did not
happen); always saying "equal chances" over K categories scores (K − 1) / K.

Probabilities are read as given: ``none`` is ``1 − Σ p`` when the forecast does
not name it (never below 0). If the named probabilities sum to more than 1 (a
slider that was not normalised) they are scaled down to sum to 1, so that a
score is always that of a proper probability distribution.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

NONE = "none"
_TOL = 1e-9


def normalise(probs: Mapping[str, float], order: Sequence[str] | None = None) -> dict[str, float]:
    """The forecast as a distribution over its categories, ``none`` last.

    ``order`` (e.g. the scenario's outcome ids) sets the order of the named
    outcomes; names not in it follow in the forecast's own order.
    """
    clean: dict[str, float] = {}
    for k, v in probs.items():
        p = float(v)
        if not 0.0 <= p <= 1.0 + _TOL:
            raise ValueError(f"probability of {k!r} must be in [0, 1], got {p:g}")
        clean[str(k)] = min(p, 1.0)
    named = [k for k in clean if k != NONE]
    if order is not None:
        rank = {k: i for i, k in enumerate(order)}
        given = {k: i for i, k in enumerate(named)}
        named.sort(key=lambda k: (rank.get(k, len(rank)), given[k]))
    total = sum(clean[k] for k in named)
    if NONE in clean:
        total_all = total + clean[NONE]
        if total_all <= 0:
            raise ValueError("a forecast needs at least one positive probability")
        out = {k: clean[k] / total_all for k in named}
        out[NONE] = clean[NONE] / total_all
        return out
    if total > 1.0 + _TOL:
        out = {k: clean[k] / total for k in named}
        out[NONE] = 0.0
        return out
    out = {k: clean[k] for k in named}
    out[NONE] = max(0.0, 1.0 - total)
    return out


def brier(probs: Mapping[str, float], happened: str) -> float:
    """Multi-category Brier score  Σ_k (p_k − o_k)²  of a forecast (see the module text).

    ``happened`` is the category that happened: one of the named outcomes, or
    ``"none"``; an outcome the forecast does not name counts as ``"none"``.

    >>> round(brier({"war": 0.2, "settlement": 0.5}, "settlement"), 6)  # none = 0.3
    0.38
    """
    dist = normalise(probs)
    hit = happened if happened in dist else NONE
    return float(sum((p - (1.0 if k == hit else 0.0)) ** 2 for k, p in dist.items()))


def realised(
    outcome: str | None,
    ended_turn: int | None,
    turn: int,
    within: int,
    named: Iterable[str],
    turns_played: int,
    over: bool,
) -> str | None:
    """The category that happened for a forecast made at ``turn`` for ``within`` turns.

    The window is turns ``turn`` … ``turn + within − 1``. ``ended_turn`` is the turn
    in which the game reached ``outcome``. None: the window has not closed yet
    (the log stops before its end and the game is not over), so it cannot be scored.
    """
    last = turn + within - 1
    if outcome is not None and ended_turn is not None and turn <= ended_turn <= last:
        return outcome if outcome in set(named) else NONE
    if over or turns_played >= last:
        return NONE
    return None


@dataclass(frozen=True)
class Bin:
    lo: float
    hi: float
    n: int
    mean_p: float  # mean forecast probability in the bin
    freq: float  # share of those judgements whose category happened


def calibration(pairs: Iterable[tuple[float, bool]], bins: int = 5) -> list[Bin]:
    """Reliability bins: each (probability, happened) judgement in one of ``bins``
    equal bins of [0, 1] (the last one closed); empty bins are left out."""
    acc: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for p, hit in pairs:
        i = min(int(float(p) * bins), bins - 1)
        acc[i].append((float(p), bool(hit)))
    out = []
    for i, items in enumerate(acc):
        if items:
            out.append(
                Bin(
                    lo=i / bins,
                    hi=(i + 1) / bins,
                    n=len(items),
                    mean_p=sum(p for p, _ in items) / len(items),
                    freq=sum(1 for _, h in items if h) / len(items),
                )
            )
    return out


def judgements(probs: Mapping[str, float], happened: str) -> list[tuple[float, bool]]:
    """A forecast as (probability, happened) pairs, one per category (for calibration)."""
    dist = normalise(probs)
    hit = happened if happened in dist else NONE
    return [(p, k == hit) for k, p in dist.items()]


def mean(values: Iterable[float]) -> float | None:
    vals = list(values)
    return sum(vals) / len(vals) if vals else None
