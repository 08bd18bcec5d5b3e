"""Commitments (an option's ``commits``): a public threat with a demand and a deadline.

The scenario is tests/data/mini.yaml with a Blue ultimatum to Red (talk within two
turns, or Blue strikes) and a ``credit`` metric that only the ultimatum's three
results move, so that what a result costs can be read off exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import CHEAP
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from test_model_reference import _compare

from game.engine import Session
from game.engine.ai import Outlook, decide, policies
from game.engine.commitments import commitment_record, credibility
from game.engine.rng import stream
from game.model import available, compile_scenario, initial_state, step
from game.model.policy import Keeps
from game.model.reference import ref_initial, ref_step
from game.scenario import load_scenario
from game.scenario.load import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini.yaml"

CREDIT = """  - id: credit
    name: Blue credibility
    description: How far Red believes Blue's threats.
    range: [0, 200]
    initial: 100
    equilibrium: 100
    basis: {assumption: Test value.}
actors:
"""
RESULTS = """  - id: backs_down
    name: Blue backs down
    headline: Blue's deadline passes without action
    hazard: {p: 0}
    effects: {credit: -10, tension: -3}
    basis: {assumption: Test.}
  - id: keeps_word
    name: Blue keeps its word
    headline: Blue strikes as it warned
    hazard: {p: 0}
    effects: {credit: 4}
    basis: {assumption: Test.}
  - id: red_yields
    name: Red yields
    headline: Red comes to the table under the deadline
    hazard: {p: 0}
    effects: {credit: 6}
    basis: {assumption: Test.}
ladder:
"""
ULTIMATUM = """      - id: ultimatum
        name: Ultimatum
        category: show_of_force
        description: Talk within two weeks or face a strike.
        escalation: 8
        cooldown: 2
        commits:
          to: red
          demand: [talk]
          deadline: 2
          carry_out: [strike]
          broken: backs_down
          kept: keeps_word
          met: red_yields
          credibility: {kept: 3, broken: 1}
        headline: "{actor} gives its neighbour two weeks"
        basis: {assumption: Test.}
  - id: red
"""
# what each result does to credit (the YAML's numbers)
COST = {"met": 6, "kept": 4, "broken": -10}


def _scenario(tmp_path: Path, ultimatum: str = ULTIMATUM) -> Path:
    text = MINI.read_text()
    for old, new in (
        ("actors:\n", CREDIT),
        ("ladder:\n", RESULTS),
        ("  - id: red\n", ultimatum),
        # (Blue may strike at any stage, so that its threat can always be carried out)
        ("        available: {stages: [crisis, clashes, war]}\n", ""),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new, 1)
    p = tmp_path / "mini.yaml"
    p.write_text(text)
    (tmp_path / "mini-facts.yaml").write_text((MINI.parent / "mini-facts.yaml").read_text())
    return p


@pytest.fixture(scope="module")
def scn(tmp_path_factory: pytest.TempPathFactory):
    return load_scenario(_scenario(tmp_path_factory.mktemp("commit"))).scenario


def _oracle(moves: list[tuple[str, str]]) -> list[int]:
    """The change of credit in each turn, from the rules in words."""
    out, left = [], 0
    for blue, red in moves:
        change = 0
        if left > 0:
            if red == "talk":
                change, left = COST["met"], 0
            elif blue == "strike":
                change, left = COST["kept"], 0
            elif left == 1:
                change, left = COST["broken"], 0
            else:
                left -= 1
        if blue == "ultimatum":
            left = 2
        out.append(change)
    return out


BLUE = hs.sampled_from(["wait", "talk", "ultimatum", "strike"])
RED = hs.sampled_from(["wait", "talk", "mobilise"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=hs.lists(hs.tuples(BLUE, RED), min_size=1, max_size=9), seed=hs.integers(0, 2**16))
def test_each_result_costs_what_the_yaml_says(scn, moves, seed) -> None:
    """In both models and every world still running, credit moves by exactly the result
    the rules give for the moves played: a broken threat always costs its 10 points."""
    expect = _oracle(moves)
    c = compile_scenario(scn)
    k = c.metric_ids.index("credit")
    st = initial_state(c, 64, np.random.default_rng(seed))
    rng = np.random.default_rng(seed + 1)
    world = ref_initial(scn, np.random.default_rng(seed + 2))
    ref_rng = np.random.default_rng(seed + 3)
    for (blue, red), change in zip(moves, expect, strict=True):
        mv = np.tile([c.option_index("blue", blue), c.option_index("red", red)], (st.n, 1))
        running = st.outcome < 0
        before = st.x[:, k].copy()
        step(c, st, mv, rng)
        assert np.array_equal(st.x[running, k] - before[running], np.full(running.sum(), change))
        if world.outcome is None:
            was = world.x["credit"]
            ref_step(scn, world, {"blue": blue, "red": red}, ref_rng)
            assert world.x["credit"] - was == change


def test_both_models_agree_in_distribution(scn) -> None:
    _compare(scn, 20000, 3000, 6, 11, {"blue": "random", "red": "random"})


def test_a_threat_is_public_news_and_backing_down_is_reported(tmp_path: Path) -> None:
    s = Session.new(
        _scenario(tmp_path),
        seed=2,
        seats={"blue": "human", "red": "wait"},
        ai=CHEAP,
        autosave=False,
    )
    for move in ("ultimatum", "wait", "wait"):
        s.commit("blue", move)
        s.resolve()
    fired = [[e.id for e in r.events] for r in s.history]
    assert "backs_down" not in fired[0] + fired[1]
    assert "backs_down" in fired[2]
    assert s.state.x[0, s.c.metric_ids.index("credit")] == 90.0


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("to: red", "to: redd", "unknown actor 'redd'"),
        ("to: red", "to: blue", "made of another actor"),
        ("demand: [talk]", "demand: [tlak]", "did you mean 'talk'"),
        ("carry_out: [strike]", "carry_out: [ultimatum]", "not carried out by repeating it"),
        ("broken: backs_down", "broken: back_down", "did you mean 'backs_down'"),
        ("cooldown: 2", "cooldown: 1", "shorter than the commitment's deadline"),
        ("          credibility: {kept: 3, broken: 1}\n", "", "credibility"),
        ("escalation: 8\n", "escalation: 8\n        covert: true\n", "cannot be covert"),
    ],
)
def test_bad_commitments_are_reported(tmp_path: Path, old: str, new: str, says: str) -> None:
    assert old in ULTIMATUM
    with pytest.raises(ScenarioError) as err:
        load_scenario(_scenario(tmp_path, ULTIMATUM.replace(old, new, 1)))
    msg = str(err.value)
    assert ("mini.yaml" in msg and "commits" in msg) or "cooldown" in msg or "covert" in msg, msg
    assert says in msg, msg


def test_credibility_is_bayes_rule_on_the_record(scn) -> None:
    c = compile_scenario(scn)
    blue = c.actor_index("blue")
    fired = [["incident"], ["keeps_word"], [], ["backs_down", "mediator"], ["backs_down"]]
    record = commitment_record(c, fired)
    assert record == {blue: (1, 2)}
    # prior kept 3, broken 1: (3 + 1) / (3 + 1 + 1 + 2), worked by hand
    assert credibility(c, 0, record) == pytest.approx(4 / 7)
    assert credibility(c, 0, {}) == pytest.approx(3 / 4)
    # Red's yielding says nothing of Blue's resolve
    assert commitment_record(c, [["red_yields"]]) == {}


def test_the_threatener_plans_to_carry_it_out(scn) -> None:
    c = compile_scenario(scn)
    blue, red = c.actor_index("blue"), c.actor_index("red")
    st = initial_state(c, 4, np.random.default_rng(0))
    ult = c.option_index("blue", "ultimatum")
    pol = policies(c, blue, ult, [0, 0], 0.5, st, Outlook())
    assert isinstance(pol[blue], Keeps) and pol[blue].from_turn == 1 and pol[blue].chance == 1.0
    assert not isinstance(pol[red], Keeps)  # nothing pending yet
    st.pledge[:, 0] = 2
    pol = policies(
        c, red, c.option_index("red", "talk"), [ult, 0], 0.5, st, Outlook(record={blue: (0, 3)})
    )
    assert isinstance(pol[blue], Keeps) and pol[blue].chance == pytest.approx(3 / 7)


def test_a_credible_threat_moves_the_other_side(scn) -> None:
    """Red, under a Blue ultimatum due next turn, rates meeting the demand now higher
    against holding course when Blue's record says it carries out its threats."""
    c = compile_scenario(scn)
    red, blue = c.actor_index("red"), c.actor_index("blue")
    st = initial_state(c, 400, np.random.default_rng(3))
    st.pledge[:, 0] = 2
    avail = available(c, st)[0, red]
    seen = [c.option_index("blue", "ultimatum"), c.hold[red]]
    settings = CHEAP.__class__(worlds=400, horizon=3)
    talk, wait = c.option_index("red", "talk"), c.option_index("red", "wait")

    def gap(record) -> float:
        d = decide(
            c,
            st,
            red,
            avail,
            seen,
            settings,
            lambda: stream(8, 1, 2, red),
            stream(8, 1, 2, red, 0),
            Outlook(record=record),
        )
        return d.scores[d.options.index(talk)] - d.scores[d.options.index(wait)]

    # the same forecasts (common random numbers) but for Blue's chance of striking
    assert gap({blue: (12, 0)}) > gap({blue: (0, 12)}) + 0.3


def test_the_session_keeps_the_record(tmp_path: Path) -> None:
    s = Session.new(
        _scenario(tmp_path),
        seed=5,
        seats={"blue": "human", "red": "wait"},
        ai=CHEAP,
        autosave=False,
    )
    for move in ("ultimatum", "wait", "wait", "wait", "ultimatum", "wait", "strike"):
        s.commit("blue", move)
        s.resolve()
        if s.over:
            break
    assert s.record() == {0: (1, 1)}


def test_every_side_sees_a_pending_threat(tmp_path: Path) -> None:
    s = Session.new(
        _scenario(tmp_path),
        seed=6,
        seats={"blue": "human", "red": "human"},
        ai=CHEAP,
        autosave=False,
    )
    assert s.view("red").commitments == []
    s.commit("blue", "ultimatum")
    s.commit("red", "wait")
    s.resolve()
    for side in ("blue", "red"):
        (cm,) = s.view(side).commitments
        assert (cm.actor, cm.option, cm.to, cm.turns_left) == ("blue", "ultimatum", "red", 2)
        assert cm.credibility == pytest.approx(0.75)
        assert cm.text == (
            "Deadline in 2 turns: Ultimatum (Blue), met by Accept talks (Red). "
            "Chance it is carried out: 75%."
        )
    s.commit("blue", "wait")
    s.commit("red", "talk")
    s.resolve()
    assert s.view("red").commitments == []  # met: settled
    assert "red_yields" in [e.id for e in s.history[-1].events]
