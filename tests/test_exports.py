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


ACCENTS = ["José", "Chloé", "Zoë Müller", "=Équipe"]


@pytest.mark.parametrize(
    ("encoding", "codec", "sep"),
    [
        ("utf-8-bom", "utf-8-sig", ","),
        ("utf-8", "utf-8", ","),
        ("utf-16", "utf-16", "\t"),
        ("windows-1252", "cp1252", ","),
    ],
)
def test_every_csv_encoding_round_trips_accented_names(
    tmp_path: Path, encoding: str, codec: str, sep: str
) -> None:
    from game.csvsafe import write_table

    path = tmp_path / "t.csv"
    rows = [[name, k, -0.25] for k, name in enumerate(ACCENTS)]
    assert write_table(path, ["team", "turn", "score"], rows, encoding) == 0
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-bom")
    assert raw.startswith((b"\xff\xfe", b"\xfe\xff")) == (encoding == "utf-16")
    with path.open(encoding=codec, newline="") as fh:
        back = list(csv.reader(fh, delimiter=sep))
    assert back[0] == ["team", "turn", "score"]
    assert [r[0] for r in back[1:]] == ["José", "Chloé", "Zoë Müller", "'=Équipe"]
    assert back[1][2] == "-0.25"


def test_windows_1252_counts_what_it_cannot_write(tmp_path: Path) -> None:
    from game.csvsafe import lost_text, write_table

    path = tmp_path / "t.csv"
    assert write_table(path, ["team"], [["Łódź"], ["José"], ["李"]], "windows-1252") == 3
    assert path.read_text(encoding="cp1252").splitlines() == ["team", "?ód?", "José", "?"]
    assert "3 characters are not in windows-1252" in lost_text(path, 3, "windows-1252")


@pytest.mark.slow
def test_report_csvs_default_to_a_bom_with_unique_headers(tmp_path: Path, capsys) -> None:
    """Every table of a class game's report: BOM by default, unique headers, a team named
    José intact in every encoding (utf-16 tab-separated)."""
    s = Session.new(
        SCENARIO,
        seed=5,
        ai=CHEAP,
        autosave=False,
        lesson_turns=2,
        teams={"usa": ["José"], "ven": ["Owls"]},
    )
    while not (s.over or s.times_up):
        s.classroom.submit_forecast("José", {"war": 0.2, "settlement": 0.3}, 2)
        s.commit("usa", "hold")
        s.commit("ven", "hold")
        s.resolve()
    log = save_game(s, tmp_path / "g.json")
    for enc, codec, sep in (("utf-8-bom", "utf-8-sig", ","), ("utf-16", "utf-16", "\t")):
        out = tmp_path / enc
        args = ["report", str(log), "-o", str(tmp_path / "r.html"), "--csv", str(out)]
        extra = [] if enc == "utf-8-bom" else ["--csv-encoding", enc]
        assert main([*args, *extra, "--worlds", "100"]) == 0
        tables = sorted(out.glob("*.csv"))
        assert {p.stem for p in tables} >= {"turns", "scores", "gradebook", "forecasts"}
        for p in tables:
            if enc == "utf-8-bom":
                assert p.read_bytes().startswith(b"\xef\xbb\xbf"), p.name
            with p.open(encoding=codec, newline="") as fh:
                rows = list(csv.reader(fh, delimiter=sep))
            assert len(set(rows[0])) == len(rows[0]), (p.name, rows[0])
        with (out / "gradebook.csv").open(encoding=codec, newline="") as fh:
            teams = [r["team"] for r in csv.DictReader(fh, delimiter=sep)]
        assert "José" in teams


def test_simulate_and_lab_take_the_csv_encoding(tmp_path: Path, capsys) -> None:
    mini = str(Path(__file__).parent / "data" / "mini.yaml")
    sim, sim16 = tmp_path / "sim.csv", tmp_path / "sim16.csv"
    assert main(["simulate", mini, "--runs", "200", "--csv", str(sim)]) == 0
    assert sim.read_bytes().startswith(b"\xef\xbb\xbf")  # the default: a BOM
    args = ["simulate", mini, "--runs", "200", "--csv", str(sim16), "--csv-encoding", "utf-16"]
    assert main(args) == 0
    with sim16.open(encoding="utf-16", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert rows[0]["kind"] == "outcome" and len(rows[0]) == 11
    lab = tmp_path / "lab.csv"
    args = ["lab", mini, "--games", "2", "--csv", str(lab), "--csv-encoding", "utf-8"]
    assert main(args) == 0
    assert not lab.read_bytes().startswith(b"\xef\xbb\xbf")
    assert lab.read_text(encoding="utf-8").startswith("game,seed,outcome")
    capsys.readouterr()
