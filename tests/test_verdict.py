"""The verdict of a finished game: objectives met or missed from the true start and end,
the score and its rank among the worlds of the same moves, luck against judgment."""

from __future__ import annotations

from pathlib import Path

from conftest import CHEAP, MINI_SCENARIO

from game.engine import Seat, Session, save_game
from game.report.verdict import ending_line, verdict
from game.scenario import load_scenario


def _finished(path: Path, seed: int = 3) -> Session:
    loaded = load_scenario(MINI_SCENARIO)
    seats = {a.id: (Seat.human() if a.id == "blue" else Seat.ai()) for a in loaded.scenario.actors}
    s = Session.new(loaded, seed=seed, seats=seats, ai=CHEAP)
    while not s.over:
        s.commit("blue", "spy" if s.turn % 2 else "talk")
        s.resolve()
    save_game(s, path)
    return s


def test_the_verdict_of_a_finished_game(tmp_path: Path) -> None:
    s = _finished(tmp_path / "g.json")
    v = verdict(tmp_path / "g.json", worlds=400)
    assert v.outcome == s.outcome and 0.0 <= v.p_actual <= 1.0
    assert v.ci[0] <= v.p_actual <= v.ci[1]
    blue = v.side("blue")
    assert blue is not None and blue.human
    spec = next(a for a in s.scenario.actors if a.id == "blue")
    for o in blue.objectives:  # each outcome objective is met exactly when it should be
        if o.text.startswith(("Reach ", "Avoid ")):
            name = o.text.split(" ", 1)[1]
            oid = next(q.id for q in s.scenario.outcomes if q.name == name)
            happened = oid == s.outcome
            assert o.met == (happened if spec.objectives.outcomes[oid] > 0 else not happened)
            assert o.ending == happened  # the end screen lists it first, in any language
        else:
            assert not o.ending
    assert abs(blue.luck - (blue.score - blue.expected)) < 1e-9
    assert "Score" in blue.meaning() and (
        "better than" in blue.meaning() or "worse" in blue.meaning()
    )
    assert "Luck" in blue.luck_line() and "judgment" in blue.luck_line()
    # a negative score, luck or judgment is written with a minus sign, never a hyphen
    for side in v.sides:
        for text in (side.meaning(), side.luck_line(), *(o.detail for o in side.objectives)):
            assert not any(f"-{d}" in text for d in "0123456789"), text
    assert any("\u2212" in s.meaning() + s.luck_line() for s in v.sides), "no negative figure"
    # repeatable: the worlds are seeded from the game
    again = verdict(tmp_path / "g.json", worlds=400)
    assert again.sides[0].expected == v.sides[0].expected


def test_ending_line_grades_how_likely_the_ending_was() -> None:
    assert "expected one" in ending_line(0.7)
    assert "likely endings" in ending_line(0.3)
    assert "luck played a large part" in ending_line(0.1, "your")
    assert "mostly luck" in ending_line(0.01)
