"""The militia's military weight in Venezuela: arming it makes a ground operation costlier
(the ``resistance`` branch of ``ground_op`` grows likelier with the militia) and so rarer
(the US computer weighs that cost)."""

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
