"""Private types and beliefs: each actor with ``types`` is one of them, drawn at the start;
the other sides update their belief by Bayes' rule on the moves they saw, and never see
the truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import CHEAP

from game.engine import Session
from game.engine.ai import persistent_mix, policies
from game.engine.beliefs import draw_types, expected_mix, posterior, type_objectives
from game.engine.views import to_jsonable
from game.model import compile_scenario
from game.scenario import load_scenario
from game.scenario.load import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini.yaml"
VEN = ROOT / "scenarios" / "venezuela-2025.yaml"

RED_AI = "    ai: {temperature: 5, risk_tolerance: 0.3}\n"
TYPES = (
    RED_AI
    + """    types:
      - id: firm
        name: Firm
        description: Red will not give way.
        p: 0.25
        objectives: {outcomes: {war: 40}}
        likelihood: {mobilise: 3, talk: 0.5}
        basis: {assumption: Test.}
      - id: soft
        name: Soft
        description: Red wants out.
        p: 0.75
        likelihood: {mobilise: 0.5, talk: 2}
        basis: {assumption: Test.}
"""
)


def _mini(tmp_path: Path, types: str = TYPES) -> Path:
    text = MINI.read_text()
    assert text.count(RED_AI) == 1
    p = tmp_path / "mini.yaml"
    p.write_text(text.replace(RED_AI, types, 1))
    (tmp_path / "mini-facts.yaml").write_text((MINI.parent / "mini-facts.yaml").read_text())
    return p


@pytest.fixture(scope="module")
def c(tmp_path_factory: pytest.TempPathFactory):
    return compile_scenario(load_scenario(_mini(tmp_path_factory.mktemp("types"))).scenario)


def test_bayes_rule_by_hand(c) -> None:
    red = c.actor_index("red")
    mob, talk, wait = (c.option_index(red, o) for o in ("mobilise", "talk", "wait"))
    assert posterior(c, red, []) == pytest.approx([0.25, 0.75])
    # one call-up: firm 0.25 * 3 = 0.75 against soft 0.75 * 0.5 = 0.375 -> 2/3, 1/3
    assert posterior(c, red, [mob]) == pytest.approx([2 / 3, 1 / 3])
    # then an offer of talks: 0.75 * 0.5 = 0.375 against 0.375 * 2 = 0.75 -> 1/3, 2/3
    assert posterior(c, red, [mob, talk]) == pytest.approx([1 / 3, 2 / 3])
    # holding course (likelihood 1 for both) says nothing
    assert posterior(c, red, [mob, talk, wait]) == pytest.approx([1 / 3, 2 / 3])
    # two hundred call-ups: no underflow, the belief is all but certain
    assert posterior(c, red, [mob] * 200)[0] == pytest.approx(1.0)


def test_the_expected_mix_follows_the_belief(c) -> None:
    red = c.actor_index("red")
    firm = expected_mix(c, red, np.array([1.0, 0.0]))
    assert firm == pytest.approx(np.array([1, 0.5, 3]) / 4.5)  # wait, talk, mobilise
    mix = persistent_mix(c, red, 0, 0.5, firm)
    assert mix.weights == pytest.approx((0.5 + 0.5 / 4.5, 0.25 / 4.5, 1.5 / 4.5))
    pol = policies(c, 0, 1, [0, 0], 0.5)
    assert pol[red].weights == pytest.approx((0.5 + 0.5 / 3, 0.5 / 3, 0.5 / 3))


def test_a_type_changes_what_the_computer_wants(c) -> None:
    red = c.actor_index("red")
    assert type_objectives(c, red, 0).outcomes["war"] == -80 + 40
    assert type_objectives(c, red, 1).outcomes == c.scenario.actors[red].objectives.outcomes


def test_types_are_drawn_from_the_seed_with_their_chances(c) -> None:
    red = c.actor_index("red")
    draws = [draw_types(c, seed)[red] for seed in range(2000)]
    assert draw_types(c, 7) == draw_types(c, 7)
    assert 0.22 < draws.count(0) / 2000 < 0.28


def _views(path: Path, seed: int) -> tuple[Session, list[str]]:
    s = Session.new(
        path, seed=seed, seats={"blue": "human", "red": "human"}, ai=CHEAP, autosave=False
    )
    seen = []
    for blue, red in (("talk", "mobilise"), ("wait", "talk"), ("talk", "mobilise")):
        s.commit("blue", blue)
        s.commit("red", red)
        s.resolve()
        seen.append(json.dumps(to_jsonable(s.view("blue").beliefs)))
    return s, seen


def test_beliefs_never_leak_the_truth(tmp_path: Path) -> None:
    """Two games whose Red differs only in its drawn type show Blue the same beliefs."""
    path = _mini(tmp_path)
    c = compile_scenario(load_scenario(path).scenario)
    red = c.actor_index("red")
    firm = next(sd for sd in range(100) if draw_types(c, sd)[red] == 0)
    soft = next(sd for sd in range(100) if draw_types(c, sd)[red] == 1)
    (s1, b1), (s2, b2) = _views(path, firm), _views(path, soft)
    assert b1 == b2
    assert "Firm" in s1.view("red").own_type and "Soft" in s2.view("red").own_type
    for s in (s1, s2):
        assert s.view("blue").own_type == ""  # Blue has no types
        text = json.dumps(to_jsonable(s.view("blue")))
        assert "Red will not give way" not in text and "Red wants out" not in text
        (b,) = s.view("blue").beliefs
        # 0.25 * 3 * 0.5 * 3 = 1.125 against 0.75 * 0.5 * 2 * 0.5 = 0.375
        assert [t[2] for t in b.types] == pytest.approx([0.75, 0.25])
        assert b.text == "Your reading of Red: Firm 75%, Soft 25%."


def test_venezuela_has_types_for_both_sides() -> None:
    scn = load_scenario(VEN).scenario
    assert [t.id for t in scn.actors[0].types] == ["committed", "wary"]
    assert [t.id for t in scn.actors[1].types] == ["holdout", "dealmaker"]


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("p: 0.25", "p: 0.35", "add up to 1.1, not 1"),
        ("likelihood: {mobilise: 3", "likelihood: {mobilize: 3", "did you mean 'mobilise'"),
        ("{outcomes: {war: 40}}", "{outcomes: {wars: 40}}", "did you mean 'war'"),
        ("mobilise: 3,", "mobilise: 0,", "must be above 0"),
    ],
)
def test_bad_types_are_reported(tmp_path: Path, old: str, new: str, says: str) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(_mini(tmp_path, TYPES.replace(old, new, 1)))
    msg = str(err.value)
    assert "mini.yaml" in msg and "types" in msg and says in msg, msg


def test_the_report_charts_each_belief_against_the_truth(tmp_path: Path) -> None:
    from game.cli import main
    from game.engine import save_game

    s = Session.new(VEN, seed=3, seats={"usa": "human", "ven": "ai"}, ai=CHEAP, autosave=False)
    for move in ("talks", "sanctions", "covert"):
        s.commit("usa", move)
        s.resolve()
    save_game(s, tmp_path / "g.json")
    out = tmp_path / "r.html"
    assert main(["report", str(tmp_path / "g.json"), "-o", str(out), "--worlds", "100"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "What each side believed about the other" in html
    names = [a.name for a in s.scenario.actors]
    assert f"{names[0]}: its belief about {names[1]}" in html
    assert f"{names[1]}: its belief about {names[0]}" in html
    truth = s.scenario.actors[1].types[s.types[1]].name
    assert f"The truth: {truth}; believed at the end:" in html
    # four paths: each side about the other, each four points long (start and three turns)
    assert len(s.belief_path(0, 1)) == 4 and html.count("believed at the end") == 2
