"""Spreadsheet-safe exports: a BOM (or not), unique headers, a roster's gradebook, and
teams scored against the model as shown to them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from game.cli import main
from game.engine import AISettings, Session, save_game
from game.report.export import read_roster

SCENARIO = Path(__file__).parent / "data" / "golden" / "scenario" / "venezuela-2025.yaml"
CHEAP = AISettings(worlds=16, horizon=2, advice_worlds=16, advice_horizon=2)


def _open(s: Session, actor: str, option: str) -> str:
    """``option`` when it is available this turn, else hold course."""
    ok = {o.id for o in s.view(actor).options if o.available}
    return option if option in ok else "hold"


def _lesson(tmp_path: Path, turns: int = 6) -> Path:
    """A 6-turn lesson: two teams forecasting every turn, then time's up."""
    s = Session.new(
        SCENARIO,
        seed=13,
        ai=CHEAP,
        autosave=False,
        teams={"usa": ["Eagles"], "ven": ["Owls"]},
        lesson_turns=turns,
    )
    while not (s.over or s.times_up):
        s.classroom.submit_forecast("Eagles", {"war": 0.2, "settlement": 0.3}, 2)
        s.commit("usa", _open(s, "usa", "reinforce"))
        s.classroom.submit_forecast("Owls", {"war": 0.1, "settlement": 0.5}, 2)
        s.commit("ven", _open(s, "ven", "arm_militia"))
        s.resolve()
    return save_game(s, tmp_path / "lesson.json")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow
def test_a_six_turn_lesson_exports_a_gradebook_per_student(tmp_path: Path) -> None:
    log = _lesson(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("\ufeffTeam,Student\nEagles,Ana Pérez\nEagles,Ben\nOwls,Chloé\n", "utf-8")
    out = tmp_path / "csv"
    args = ["report", str(log), "-o", str(tmp_path / "r.html"), "--csv", str(out)]
    assert main([*args, "--roster", str(roster), "--worlds", "200"]) == 0
    book = _rows(out / "gradebook.csv")
    assert [(r["student"], r["team"]) for r in book] == [
        ("Ana Pérez", "Eagles"),
        ("Ben", "Eagles"),
        ("Chloé", "Owls"),
    ]
    assert all(r["ending"] == "Time's up after 6 turns (no outcome)" for r in book)
    scores = _rows(out / "scores.csv")
    assert [r["team"] for r in scores] == ["Eagles", "Owls"]
    for r in scores:
        # forecasts whose window the lesson cut short are not scored as an ending
        assert int(r["forecasts_scored"]) + int(r["forecasts_pending"]) == 6
        assert int(r["forecasts_pending"]) >= 1
        assert r["model_brier_mean"] and r["shown_model_brier_mean"]
    fc = _rows(out / "forecasts.csv")
    assert len(fc) == 12  # one row per forecast
    # the model as shown differs from the true-state model somewhere: the fog matters
    cats = ("war", "settlement", "none")
    assert any(r[f"model_p_{k}"] != r[f"shown_p_{k}"] for r in fc for k in cats)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Time&#39;s up (no outcome)" in html or "Time's up (no outcome)" in html
    assert "brink branch lesson.json --turn 6" in html  # what if, from the report


def test_no_bom_flag_and_a_bad_roster(tmp_path: Path) -> None:
    log = _lesson(tmp_path, turns=1)
    out = tmp_path / "csv"
    args = ["report", str(log), "-o", str(tmp_path / "r.html"), "--csv", str(out)]
    assert main([*args, "--no-bom", "--worlds", "100"]) == 0
    assert not (out / "turns.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    bad = tmp_path / "bad.csv"
    bad.write_text("team,name\nEagles,Ana\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.csv: line 1"):
        read_roster(bad)
    bad.write_text("team,student\nEagles,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.csv: line 2"):
        read_roster(bad)
    assert main([*args, "--roster", str(bad), "--worlds", "100"]) == 1
