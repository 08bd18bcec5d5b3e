"""One home per rule: the English helpers, metric values, category labels, the comparison
operators and the reason an option is unavailable."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from game.engine import Session
from game.model import available, compile_scenario, initial_state, step
from game.model.compiled import OP_CODE, OP_TEXT, compare, unavailable_reason
from game.model.synthetic import synthetic_scenario
from game.scenario import load_scenario
from game.scenario.schema import Category, Comparison
from game.words import (
    CATEGORY_LABELS,
    category_label,
    format_value,
    in_sentence,
    possessive,
    span_text,
)

ROOT = Path(__file__).parent.parent
SCENARIO = Path(__file__).parent / "data" / "golden" / "scenario" / "venezuela-2025.yaml"


def test_words_sits_below_the_engine_report_and_ui() -> None:
    tree = ast.parse((ROOT / "game" / "words.py").read_text(encoding="utf-8"))
    imported = [
        n.module if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in (n.names if isinstance(n, ast.Import) else [n])
    ]
    game = [m for m in imported if m and m.startswith("game")]
    assert game and all(m.startswith(("game.scenario", "game.i18n")) for m in game), game


def test_possessive_span_and_names_mid_sentence() -> None:
    assert possessive("Venezuela") == "Venezuela's"
    assert possessive("United States") == "United States'"
    assert span_text(4, 7) == "4 weeks"
    assert span_text(1, 7) == "1 week"
    assert span_text(3, 3) == "9 days"
    assert span_text(1, 1) == "1 day"
    scn = load_scenario(SCENARIO).scenario
    assert in_sentence("War", scn) == "war"
    assert in_sentence("US posture", scn) == "US posture"  # an acronym keeps its capitals
    us = scn.actors[0].name.split()[0]
    assert in_sentence(f"{us} support", scn) == f"{us} support"  # a proper name too


def test_names_the_scenario_capitalises_mid_sentence_keep_their_capitals() -> None:
    en = load_scenario(ROOT / "scenarios" / "taiwan-1995.yaml")
    es = en.in_language("es")
    # capitals named in the summary, though no actor or map place is called so
    assert in_sentence("Washington steps back", en.scenario) == "Washington steps back"
    assert in_sentence("Pekín se repliega", es.scenario) == "Pekín se repliega"
    assert in_sentence("Congress presses", en.scenario) == "Congress presses"
    # a word the prose also writes in lower case is no name ("una operación terrestre")
    ve = load_scenario(ROOT / "scenarios" / "venezuela-2025.yaml").in_language("es").scenario
    assert in_sentence("Operación terrestre", ve) == "operación terrestre"
    assert in_sentence("Guerra limitada", es.scenario) == "guerra limitada"


def test_format_value() -> None:
    assert format_value(42.4, 0, 100) == "42"
    assert format_value(4.26, 0, 10) == "4.3"  # a narrow range keeps a decimal
    assert format_value(55.2, 0, 100, exact=False, error=12.4) == "~55 ±12"
    assert format_value(130.0, 0, 100) == "100"  # an estimate past the range is clipped
    # an estimate's band stays within the range: "militia ~4 (0–11)", never "~4 ±7"
    assert format_value(4.2, 0, 100, exact=False, error=7.0) == "~4 (0–11)"
    assert format_value(97.0, 0, 100, exact=False, error=5.0) == "~97 (92–100)"
    assert format_value(-0.2, -5, 5) == "-0.2"
    assert format_value(-0.04, -5, 5) == "0.0"  # never "-0.0"


def test_one_label_per_category() -> None:
    assert set(CATEGORY_LABELS) == {c.value for c in Category}
    # where the UI and the report used to disagree, the clearer wording won
    assert category_label("covert") == "Covert action"
    assert category_label(Category.status_quo) == "Hold course"
    assert category_label("show_of_force") == "Show of force"
    assert category_label("new_kind") == "New kind"


@pytest.mark.parametrize("op", list(Comparison))
def test_one_comparison_for_every_layer(op: Comparison) -> None:
    code = OP_CODE[op]
    assert OP_TEXT[code] == op.value
    python = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}
    for v in (1.0, 2.0, 3.0):
        assert compare(code, v, 2.0) == python[op.value](v, 2.0)
    v = np.array([[1.0, 2.0, 3.0]])
    assert list(compare(code, v, 2.0)[0]) == [python[op.value](float(x), 2.0) for x in v[0]]
    # one op code per column, as the compiled condition tables hold them
    codes = np.array([code, 0, 3])
    got = compare(codes, v, np.array([2.0, 2.0, 2.0]))[0]
    assert list(got) == [python[op.value](1.0, 2.0), 2.0 < 2.0, 3.0 >= 2.0]


def test_every_closed_option_has_its_reason() -> None:
    """Over many worlds of scenarios with stage, cooldown, use and metric conditions, an
    option ``available`` closes is always explained by one of the same tables."""
    checked = 0
    for seed in range(6):
        c = compile_scenario(synthetic_scenario(seed))
        rng = np.random.default_rng(seed)
        st = initial_state(c, 64, rng)
        for _turn in range(4):
            ok = available(c, st)
            for n, a, o in zip(*np.nonzero(~ok & c.option_valid[None]), strict=True):
                reason = unavailable_reason(c, st, int(a), int(o), world=int(n))
                assert reason != "not available now", (seed, n, a, o)
                checked += 1
            moves = np.stack(
                [
                    [rng.choice(np.flatnonzero(ok[n, a])) for a in range(c.n_actors)]
                    for n in range(64)
                ]
            )
            step(c, st, moves.astype(np.int64), rng)
    assert checked > 100


def test_the_session_gives_the_same_reason() -> None:
    s = Session.new(SCENARIO, seed=2, seats={"usa": "human", "ven": "human"}, autosave=False)
    closed = [o for o in s.options("usa") if not o.available]
    assert closed
    a = s.c.actor_index("usa")
    for o in closed:
        assert o.reason == unavailable_reason(s.c, s.state, a, o.index)
        with pytest.raises(ValueError, match=f"not available to usa: {o.reason}"):
            s.commit("usa", o.id)
    assert closed[0].reason.startswith("only at stage: ")
