"""Brier scores and calibration (game/report/scoring.py) against values worked by hand."""

from __future__ import annotations

import pytest

from game.report.scoring import (
    NONE,
    brier,
    calibration,
    judgements,
    mean,
    normalise,
    realised,
)


def approx(x: float) -> object:
    return pytest.approx(x, abs=1e-12)


# --- the Brier score ------------------------------------------------------------------------------


def test_brier_hand_computed() -> None:
    # war 0.2, settlement 0.5, so none 0.3; settlement happens:
    # (0.2 - 0)^2 + (0.5 - 1)^2 + (0.3 - 0)^2 = 0.04 + 0.25 + 0.09 = 0.38
    assert brier({"war": 0.2, "settlement": 0.5}, "settlement") == approx(0.38)
    # the same forecast when nothing it names happens (none = 1):
    # 0.2^2 + 0.5^2 + (0.3 - 1)^2 = 0.04 + 0.25 + 0.49 = 0.78
    assert brier({"war": 0.2, "settlement": 0.5}, NONE) == approx(0.78)
    # war happens: (0.2 - 1)^2 + 0.5^2 + 0.3^2 = 0.64 + 0.25 + 0.09 = 0.98
    assert brier({"war": 0.2, "settlement": 0.5}, "war") == approx(0.98)


def test_brier_three_outcomes() -> None:
    # war 0.1, settlement 0.6, transition 0.1 -> none 0.2; transition happens:
    # 0.01 + 0.36 + 0.81 + 0.04 = 1.22
    probs = {"war": 0.1, "settlement": 0.6, "transition": 0.1}
    assert brier(probs, "transition") == approx(1.22)


def test_brier_limits() -> None:
    assert brier({"war": 1.0}, "war") == approx(0.0)  # certain and right
    assert brier({"war": 1.0}, NONE) == approx(2.0)  # certain and wrong: the worst
    assert brier({"war": 0.0}, NONE) == approx(0.0)
    # equal chances over K = 3 categories scores (K - 1) / K whatever happens
    third = 1 / 3
    for hit in ("war", "settlement", NONE):
        assert brier({"war": third, "settlement": third}, hit) == approx(2 / 3)


def test_an_outcome_the_forecast_does_not_name_counts_as_none() -> None:
    assert brier({"war": 0.2, "settlement": 0.5}, "wind_down") == approx(0.78)


def test_an_explicit_none_and_probabilities_that_sum_over_one() -> None:
    # an explicit none is used as given: 0.3^2 + 0.3^2 + (0.4 - 1)^2 = 0.09 + 0.09 + 0.36
    assert brier({"war": 0.3, "settlement": 0.3, NONE: 0.4}, NONE) == approx(0.54)
    # 0.8 + 0.6 = 1.4 > 1: scaled to 4/7 and 3/7, none 0; war happens:
    # (4/7 - 1)^2 + (3/7)^2 + 0 = 9/49 + 9/49 = 18/49
    assert brier({"war": 0.8, "settlement": 0.6}, "war") == approx(18 / 49)
    # an explicit none that makes the total 2: everything halves
    assert normalise({"war": 1.0, NONE: 1.0}) == {"war": 0.5, NONE: 0.5}


def test_normalise_orders_named_outcomes_and_puts_none_last() -> None:
    dist = normalise({"settlement": 0.25, "war": 0.25}, ["war", "transition", "settlement"])
    assert list(dist) == ["war", "settlement", NONE]
    assert dist[NONE] == approx(0.5)
    with pytest.raises(ValueError):
        normalise({"war": 1.5})
    with pytest.raises(ValueError):
        normalise({"war": -0.1})


# --- which category happened ----------------------------------------------------------------------


def test_realised_window() -> None:
    named = ["war", "settlement"]
    # made at turn 3 for 4 turns: turns 3, 4, 5, 6
    assert realised("war", 6, 3, 4, named, turns_played=6, over=True) == "war"
    assert realised("war", 7, 3, 4, named, turns_played=7, over=True) == NONE  # too late
    assert realised("wind_down", 4, 3, 4, named, turns_played=4, over=True) == NONE
    # the game goes on and the window has closed: none of them happened
    assert realised(None, None, 3, 4, named, turns_played=6, over=False) == NONE
    # the log stops before the window closes: it cannot be scored yet
    assert realised(None, None, 3, 4, named, turns_played=5, over=False) is None
    # the game ended with another outcome inside the window: closed
    assert realised("standoff", 5, 3, 4, named, turns_played=5, over=True) == NONE


# --- calibration ----------------------------------------------------------------------------------


def test_calibration_bins_hand_computed() -> None:
    pairs = [(0.1, False), (0.15, True), (0.3, True), (0.35, False), (0.9, True), (1.0, True)]
    bins = calibration(pairs, bins=5)
    assert [(b.lo, b.hi, b.n) for b in bins] == [(0.0, 0.2, 2), (0.2, 0.4, 2), (0.8, 1.0, 2)]
    assert bins[0].mean_p == approx(0.125) and bins[0].freq == approx(0.5)
    assert bins[1].mean_p == approx(0.325) and bins[1].freq == approx(0.5)
    assert bins[2].mean_p == approx(0.95) and bins[2].freq == approx(1.0)


def test_judgements_and_mean() -> None:
    j = judgements({"war": 0.2, "settlement": 0.5}, "settlement")
    assert [(round(p, 9), h) for p, h in j] == [(0.2, False), (0.5, True), (0.3, False)]
    assert sum((p - h) ** 2 for p, h in j) == approx(0.38)  # the Brier score again
    assert mean([0.38, 0.78]) == approx(0.58)
    assert mean([]) is None
