"""The militia's military weight in Venezuela: arming it makes a ground operation costlier
(the ``resistance`` branch of ``ground_op`` grows likelier with the militia) and so rarer
(the US computer weighs that cost), and a war against it is likelier to be protracted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.engine.ai import AISettings, decide
from game.engine.rng import stream
from game.model import available, compile_scenario, initial_state, step
from game.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
VEN = ROOT / "scenarios" / "venezuela-2025.yaml"


@pytest.fixture(scope="module")
def c():
    return compile_scenario(load_scenario(VEN).scenario)


def _eve_of_landing(c, militia: float, n: int, seed: int = 4):
    """Worlds at limited strikes with the force massed, the public behind it and the
    militia at ``militia`` per cent of the claim."""
    st = initial_state(c, n, np.random.default_rng(seed))
    m = c.metric_ids.index
    st.stage[:] = c.stage_ids.index("limited_strikes")
    st.x[:, m("us_posture")] = 85.0
    st.x[:, m("us_support")] = 60.0
    st.x[:, m("militia")] = militia
    return st


def test_a_landing_costs_more_against_an_armed_militia(c) -> None:
    us, ven = c.actor_index("usa"), c.actor_index("ven")
    m = c.metric_ids.index
    out = {}
    for militia in (5.0, 25.0):
        st = _eve_of_landing(c, militia, 4000)
        assert available(c, st)[:, us, c.option_index(us, "ground_op")].all()
        before = st.x.copy()
        moves = np.tile([c.option_index(us, "ground_op"), c.hold[ven]], (st.n, 1))
        step(c, st, moves, np.random.default_rng(9))
        out[militia] = (st.x - before).mean(axis=0)
    # support lost and civilian harm: several points worse (the branch is ~25% vs ~87%)
    assert out[25.0][m("us_support")] < out[5.0][m("us_support")] - 3.0
    assert out[25.0][m("civ_harm")] > out[5.0][m("civ_harm")] + 3.0


def test_the_us_computer_lands_less_often_against_an_armed_militia(c) -> None:
    us = c.actor_index("usa")
    ground = c.option_index(us, "ground_op")
    settings = AISettings(worlds=600, horizon=4)
    seen = [int(h) for h in c.hold]
    got = {}
    for militia in (5.0, 25.0):
        st = _eve_of_landing(c, militia, settings.worlds)
        avail = available(c, st)[0, us]
        d = decide(
            c, st, us, avail, seen, settings, lambda: stream(3, 1, 5, us), stream(3, 1, 5, us, 0)
        )
        k = d.options.index(ground)
        got[militia] = (d.scores[k], d.probabilities[k])
    assert got[25.0][0] < got[5.0][0] - 2.0  # its score, in utility points
    assert got[25.0][1] < got[5.0][1]


def _war_endings(c, militia: float, n: int = 6000) -> tuple[float, float]:
    """(quick war, protracted war) shares of worlds held at open war for five weeks,
    both sides holding course, with the militia at ``militia`` per cent of the claim."""
    st = initial_state(c, n, np.random.default_rng(12))
    m = c.metric_ids.index("militia")
    st.stage[:] = c.stage_ids.index("open_war")
    st.x[:, m] = militia
    rng = np.random.default_rng(13)
    for _ in range(5):
        st.stage[st.outcome < 0] = c.stage_ids.index("open_war")  # no stepping back
        step(c, st, np.tile(np.asarray(c.hold, dtype=np.int64), (n, 1)), rng)
    quick = float((st.outcome == c.outcome_ids.index("war")).mean())
    long = float((st.outcome == c.outcome_ids.index("war_protracted")).mean())
    return quick, long


def test_an_armed_militia_turns_a_war_protracted(c) -> None:
    quick5, long5 = _war_endings(c, 5.0)
    quick15, long15 = _war_endings(c, 15.0)
    # every world ends in war of one kind or the other
    assert quick5 + long5 > 0.95 and quick15 + long15 > 0.95
    # one in five at the starting militia, about four in five at 15% of the claim
    assert 0.12 < long5 / (quick5 + long5) < 0.3
    assert long15 / (quick15 + long15) > 0.7
