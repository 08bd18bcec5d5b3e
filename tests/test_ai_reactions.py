"""The computer's reactions (``ai.reactions``): a leaning for the turn after a move it saw.

Checked: the format and its cross-references, the leaning set off only by a move the
deciding side saw (fog applied), its effect on the choice, its translation, and that
Venezuela's US computer answers fire with force far more often than with talks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import CHEAP

from game.engine import Session
from game.engine.ai import decide, leaning, reactions_set_off
from game.engine.fog import last_seen
from game.engine.rng import stream
from game.model import available, compile_scenario, initial_state
from game.scenario import load_scenario
from game.scenario.load import ScenarioError
from game.scenario.translate import apply, scenario_texts

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini.yaml"
VEN = ROOT / "scenarios" / "venezuela-2025.yaml"

RED_AI = "    ai: {temperature: 5, risk_tolerance: 0.3}\n"
REACTION = """    ai:
      temperature: 5
      risk_tolerance: 0.3
      bias: {talk: 1}
      reactions:
        - id: answer
          after: {actor: blue, options: [strike, spy]}
          bias: {mobilise: 40, talk: -5}
          basis: {assumption: Red answers a blow.}
"""


def _mini(tmp_path: Path, ai: str = REACTION) -> Path:
    text = MINI.read_text()
    assert RED_AI in text
    p = tmp_path / "mini.yaml"
    p.write_text(text.replace(RED_AI, ai, 1))
    (tmp_path / "mini-facts.yaml").write_text((MINI.parent / "mini-facts.yaml").read_text())
    return p


def _record(c, blue: str, exposed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    moves = np.array([c.option_index("blue", blue), c.option_index("red", "wait")])
    return moves, np.array([exposed, False])


def test_a_seen_move_sets_off_the_reaction(tmp_path: Path) -> None:
    c = compile_scenario(load_scenario(_mini(tmp_path)).scenario)
    red = c.actor_index("red")
    assert reactions_set_off(c, red, last_seen(c, [], red)) == []  # the first turn
    assert leaning(c, red, last_seen(c, [], red)) == {"talk": 1}
    struck = [_record(c, "talk"), _record(c, "strike")]
    assert reactions_set_off(c, red, last_seen(c, struck, red)) == ["answer"]
    # the static bias and the reaction add up
    assert leaning(c, red, last_seen(c, struck, red)) == {"talk": -4, "mobilise": 40}
    # only last turn's move counts: a strike two turns ago does not
    later = [_record(c, "strike"), _record(c, "talk")]
    assert reactions_set_off(c, red, last_seen(c, later, red)) == []


def test_a_covert_move_counts_only_once_exposed(tmp_path: Path) -> None:
    c = compile_scenario(load_scenario(_mini(tmp_path)).scenario)
    red = c.actor_index("red")
    assert reactions_set_off(c, red, last_seen(c, [_record(c, "spy")], red)) == []
    exposed = [_record(c, "spy", exposed=True)]
    assert reactions_set_off(c, red, last_seen(c, exposed, red)) == ["answer"]


def test_the_reaction_moves_the_choice(tmp_path: Path) -> None:
    c = compile_scenario(load_scenario(_mini(tmp_path)).scenario)
    red = c.actor_index("red")
    st = initial_state(c, CHEAP.worlds, np.random.default_rng(2))
    avail = available(c, st)[0, red]

    def p_mobilise(history) -> float:
        d = decide(
            c,
            st,
            red,
            avail,
            last_seen(c, history, red),
            CHEAP,
            lambda: stream(5, 1, 1, red),
            stream(5, 1, 1, red, 0),
        )
        return d.probabilities[d.options.index(c.option_index(red, "mobilise"))]

    calm, struck = p_mobilise([_record(c, "talk")]), p_mobilise([_record(c, "strike")])
    # +40 points at temperature 5 is a factor e^8 on the odds of mobilising
    assert struck > 0.99
    assert calm < 0.9
    # the same scores otherwise: the odds ratio is exactly the reaction's
    odds = (struck / (1 - struck)) / (calm / (1 - calm))
    assert odds > np.exp(8) * 0.5


def test_a_session_applies_the_reaction(tmp_path: Path) -> None:
    s = Session.new(
        _mini(tmp_path), seed=4, seats={"blue": "human", "red": "ai"}, ai=CHEAP, autosave=False
    )
    mobilise = s.c.option_index("red", "mobilise")
    seen = []
    for move in ("talk", "strike", "talk"):
        assert not s.over
        s.commit("blue", move)
        s.resolve()
        d = s.last_decisions["red"]
        seen.append(dict(zip(d.options, d.probabilities, strict=True)).get(mobilise, 0.0))
    # red decides turn 3 having seen the strike of turn 2
    assert seen[2] > 0.99 and seen[0] < 0.9


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "after: {actor: blue,",
            "after: {actor: bleu,",
            "unknown actor 'bleu'; did you mean 'blue'",
        ),
        ("options: [strike, spy]", "options: [strike, spyy]", "did you mean 'spy'"),
        ("bias: {mobilise: 40", "bias: {mobilize: 40", "did you mean 'mobilise'"),
        ("          basis: {assumption: Red answers a blow.}\n", "", "has no basis"),
    ],
)
def test_bad_reactions_are_reported(tmp_path: Path, old: str, new: str, says: str) -> None:
    assert old in REACTION
    path = _mini(tmp_path, REACTION.replace(old, new, 1))
    if says == "has no basis":  # a warning: strict checking refuses it
        from game.scenario.load import check_file

        _loaded, problems = check_file(path)
        assert any(says in p.message and "reactions" in p.path for p in problems), problems
        return
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    msg = str(err.value)
    assert "mini.yaml" in msg and "reactions" in msg and says in msg, msg


def test_a_reaction_without_its_keys_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(
            _mini(tmp_path, REACTION.replace("          bias: {mobilise: 40, talk: -5}\n", ""))
        )
    assert "bias" in str(err.value)


def test_the_reaction_basis_is_translated(tmp_path: Path) -> None:
    scn = load_scenario(_mini(tmp_path)).scenario
    key = ("actors", "red", "ai", "reactions", "answer", "assumption")
    assert scenario_texts(scn)[key] == "Red answers a blow."
    out = apply(scn, {key: "Rojo responde a un golpe."}, "es")
    assert out.actors[1].ai.reactions[0].basis.assumption == "Rojo responde a un golpe."


def test_venezuela_us_computer_answers_fire() -> None:
    """After Venezuela fires on US forces, the US computer's odds move from talks to force."""
    loaded = load_scenario(VEN)
    c = compile_scenario(loaded.scenario)
    us, ven = c.actor_index("usa"), c.actor_index("ven")
    assert [r.id for r in loaded.scenario.actors[us].ai.reactions] == ["answer_fire"]
    st = initial_state(c, 400, np.random.default_rng(7))
    avail = available(c, st)[0, us]
    settings = CHEAP.__class__(worlds=400, horizon=4)
    force = {c.option_index(us, o) for o in ("show_of_force", "strike_boats", "land_strikes")}
    talk = {c.option_index(us, o) for o in ("talks", "assurance", "drawdown")}

    def shares(ven_move: str) -> tuple[float, float]:
        moves = np.array([c.option_index(us, "hold"), c.option_index(ven, ven_move)])
        hist = [(moves, np.zeros(2, dtype=bool))]
        d = decide(
            c,
            st,
            us,
            avail,
            last_seen(c, hist, us),
            settings,
            lambda: stream(9, 1, 3, us),
            stream(9, 1, 3, us, 0),
        )
        p = dict(zip(d.options, d.probabilities, strict=True))
        return sum(p.get(o, 0.0) for o in force), sum(p.get(o, 0.0) for o in talk)

    force_calm, talk_calm = shares("hold")
    force_fired, talk_fired = shares("fire_on_intruders")
    assert force_fired > 0.5 and force_fired > 2 * force_calm
    assert talk_fired < 0.05 and talk_fired < talk_calm
