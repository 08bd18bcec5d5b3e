"""Authoring aids of the v2 format: dated facts with sources, briefings as of a day,
what came out later in the report, saves whose scenario has moved, messages that say
what to do, and counts that read right."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from game.cli import main
from game.report.briefing import context
from game.scenario import check_file, load_scenario
from game.scenario.paths import SCENARIOS, SEEDS
from game.words import count_text, plural, span_text

DATA = Path(__file__).parent / "data"
MINI_TEXT = (DATA / "mini.yaml").read_text(encoding="utf-8")
FACTS_TEXT = (DATA / "mini-facts.yaml").read_text(encoding="utf-8")

SOURCES = """sources:
  - id: S-ATLAS-2024
    author: Border Commission
    title: Atlas of the disputed border
    publisher: Commission reports
    date: 2024-06-01
"""
LATER = """  - id: MF-09
    statement: Archives later showed the border post had been warned.
    asserted_by: public record
    status: established
    date: 2025-01-02
    known: 2030-05-01
    sources: [S-ATLAS-2024]
"""


def _case(tmp_path: Path, scenario: str = MINI_TEXT, facts: str = FACTS_TEXT) -> Path:
    (tmp_path / "mini-facts.yaml").write_text(facts, encoding="utf-8")
    path = tmp_path / "case.yaml"
    path.write_text(scenario, encoding="utf-8")
    return path


def _with_sources(facts: str = FACTS_TEXT) -> str:
    return facts.replace("facts:\n", SOURCES + "facts:\n", 1) + LATER


def _problems(tmp_path: Path, facts: str) -> list[str]:
    loaded, problems = check_file(_case(tmp_path, facts=facts))
    assert loaded is None
    return [str(p) for p in problems]


# --------------------------------------------------------------------------- fact sheets


def test_a_sheet_with_sources_and_later_facts_loads(tmp_path: Path) -> None:
    loaded = load_scenario(_case(tmp_path, facts=_with_sources()))
    sheet = loaded.fact_sheet
    assert sheet is not None and [s.id for s in sheet.sources] == ["S-ATLAS-2024"]
    fact = next(f for f in sheet.facts if f.id == "MF-09")
    assert str(fact.known_on) == "2030-05-01"


@pytest.mark.parametrize(
    ("old", "new", "fragment", "line_of"),
    [
        ("sources: [S-ATLAS-2024]", "sources: [S-ATLAS-2042]", "unknown source id", "S-ATLAS-2042"),
        ("id: MF-09", "id: MF-01", "duplicate fact id 'MF-01'", "id: MF-01\n    statement: Arch"),
        (
            "status: established\n    date: 2025-01-02",
            "status: rumour\n    date: 2025-01-02",
            "status",
            "rumour",
        ),
        ("known: 2030-05-01", "known: 2020-05-01", "before the fact's date", "known: 2020"),
        ("\nfacts:\n", "\nfact:\n", "missing field 'facts' (is 'fact' meant", "fact:"),
        ("known: 2030-05-01", "knwon: 2030-05-01", "did you mean 'known'", "knwon"),
    ],
)
def test_fact_sheet_mistakes_are_reported_at_their_line(
    tmp_path: Path, old: str, new: str, fragment: str, line_of: str
) -> None:
    facts = _with_sources()
    assert facts.count(old) == 1, old
    facts = facts.replace(old, new)
    problems = _problems(tmp_path, facts)
    hit = next((p for p in problems if fragment in p), None)
    assert hit is not None, problems
    line = facts[: facts.index(line_of)].count("\n") + 1
    assert f"mini-facts.yaml:{line}:" in hit


def test_brink_check_reads_fact_sheets(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["check", str(SEEDS / "taiwan-1995-facts.yaml")]) == 0
    out = capsys.readouterr().out
    assert "ok — fact sheet, 54 facts," in out


@pytest.mark.parametrize(
    ("facts", "fragment", "line_of"),
    [
        # a misspelt key, with no `sources:` to show it is a sheet
        (
            FACTS_TEXT.replace("\nfacts:\n", "\nfact:\n"),
            "(is 'fact' meant to be 'facts'?)",
            "fact:",
        ),
        ("id: mini-facts\ntitle: Facts\n", "missing field 'facts'", "id:"),
        (
            _with_sources().replace("id: MF-09", "id: MF-01"),
            "duplicate fact id 'MF-01'",
            "MF-01\n    statement: Arch",
        ),
        (FACTS_TEXT.replace("status: established", "status: rumour"), "got 'rumour'", "rumour"),
    ],
)
def test_brink_check_on_a_sheet_alone_reports_its_mistakes_at_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], facts: str, fragment: str, line_of: str
) -> None:
    path = tmp_path / "border-facts.yaml"
    path.write_text(facts, encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    hit = next((ln for ln in out.splitlines() if fragment in ln), None)
    assert hit is not None, out
    line = facts[: facts.index(line_of)].count("\n") + 1
    assert hit.startswith(f"{path}:{line}:"), hit
    assert "metrics" not in out  # judged as a fact sheet, not as a scenario


def test_a_sheet_that_does_not_load_is_not_buried_under_its_translation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With `facts:` misspelt, the sheet's own error is the news: its Spanish sidecar is not
    compared with a sheet that has no facts (every entry would be a "stray id")."""
    sheet = tmp_path / "taiwan-1995-facts.yaml"
    text = (SEEDS / "taiwan-1995-facts.yaml").read_text(encoding="utf-8")
    sheet.write_text(text.replace("\nfacts:\n", "\nfact:\n", 1), encoding="utf-8")
    shutil.copy(SEEDS / "taiwan-1995-facts.es.yaml", tmp_path / "taiwan-1995-facts.es.yaml")
    capsys.readouterr()
    assert main(["check", str(sheet)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any("(is 'fact' meant to be 'facts'?)" in ln for ln in lines), lines
    assert all(ln.startswith(f"{sheet}:") for ln in lines), lines
    # A sheet that loads still has its translation checked.
    sheet.write_text(text.replace("TW-01", "TW-X1"), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(sheet)]) == 1
    out = capsys.readouterr().out
    assert "facts.TW-01.statement: no such text in the original" in out


# --------------------------------------------------------------------------- as of a day


def test_briefing_lists_only_the_facts_known_by_its_day(tmp_path: Path) -> None:
    loaded = load_scenario(SCENARIOS / "venezuela-2025.yaml")
    default = {f["id"] for f in context(loaded, "usa")["facts"]}
    early = context(loaded, "usa", as_of=dt.date(2025, 9, 5))
    assert "VE-C07" in default and "VE-09" in default  # facts_as_of is 18 Nov 2025
    assert {f["id"] for f in early["facts"]} == {"VE-C05", "VE-C06", "VE-C07", "VE-C13"}
    assert early["facts_as_of"] == "5 Sep 2025"


def test_briefing_command_takes_a_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "b.html"
    args = ["briefing", str(SCENARIOS / "venezuela-2025.yaml"), "--actor", "usa", "-o", str(out)]
    assert main([*args, "--as-of", "2025-09-01"]) == 0
    assert "VE-09" not in out.read_text(encoding="utf-8")
    assert main([*args, "--as-of", "1 Sep"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


# --------------------------------------------------------------------------- moved scenarios


def test_replay_and_report_find_a_moved_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "first"
    home.mkdir()
    history = (
        "\nhistory:\n  turns:\n    - {turn: 1, moves: {blue: talk, red: talk}, facts: [MF-09]}\n"
    )
    path = _case(home, scenario=MINI_TEXT + history, facts=_with_sources())
    save = tmp_path / "game.json"
    assert main(["autoplay", str(path), "--seed", "2", "--save", str(save), "--quiet"]) == 0
    moved = tmp_path / "moved"
    shutil.move(home, moved)
    assert main(["replay", str(save), "--check"]) == 1
    assert "cannot find scenario" in capsys.readouterr().err
    new = moved / "case.yaml"
    assert main(["replay", str(save), "--check", "--scenario", str(new)]) == 0
    report = tmp_path / "r.html"
    args = ["report", str(save), "-o", str(report), "--worlds", "200", "--scenario", str(new)]
    assert main(args) == 0
    html = report.read_text(encoding="utf-8")
    assert "What we know now" in html and "Archives later showed" in html
    assert "The game beside history" in html and 'href="#fact-MF-09"' in html


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("reversion: 0.1", "reversion: 1e-1", "so write 1.0e-1"),
        ("reversion: 0.1", "reversion: 5e2", "so write 5.0e+2"),
        ("reversion: 0.1", 'reversion: "0.1"', "remove the quotes"),
        (
            '        headline: "{actor} offers talks"',
            "        headline: > talks",
            "put it in quotes",
        ),
        ("stage_change: 1", "stage_change: crisis", "stage_change is relative"),
        ("stage_change: 1", "stage_change: 4", "at most 3 rungs"),
        ("stage_change: 1", "stage_change: 1.5", "a whole number of rungs"),
        ("stage_change: 1", "stage_to: 2", "stage_to sets the stage by its id"),
        ("reversion: 0.1", "reversion: 1e3", "so write 1.0e+3"),
        (
            "basis: {assumption: Test value.}",
            "basis: {assumption: Test, a value.}",
            "inside {...} a comma ends the text, so put it in quotes",
        ),
        (
            "description: How close the sides are to fighting.",
            "description: Tension: how close the sides are.",
            "put text that contains ': ' in quotes",
        ),
        ("reversion: 0.1", "reversoin: 0.1", "did you mean 'reversion'? (valid here: "),
        ("  turn_days: 7", "  turn_days: 7\n  colour: red", "valid here: id, title"),
    ],
)
def test_messages_say_what_to_do(tmp_path: Path, old: str, new: str, fragment: str) -> None:
    assert MINI_TEXT.count(old) >= 1, old
    loaded, problems = check_file(_case(tmp_path, scenario=MINI_TEXT.replace(old, new, 1)))
    assert loaded is None
    assert any(fragment in str(p) for p in problems), [str(p) for p in problems]


def test_check_counts_warnings_in_words(tmp_path: Path, capsys) -> None:
    """``brink check``: "1 warning", "2 warnings"; --strict says why it fails."""
    one = MINI_TEXT.replace("    basis: {assumption: Test value.}\n", "", 1)
    two = MINI_TEXT.replace("    basis: {assumption: Test value.}\n", "", 2)
    for text, words in ((one, "1 warning"), (two, "2 warnings")):
        path = _case(tmp_path, scenario=text)
        assert main(["check", str(path)]) == 0
        out = capsys.readouterr().out
        assert out.rstrip().endswith(f", {words}"), out
        assert main(["check", "--strict", str(path)]) == 1
        err = capsys.readouterr().err
        assert f"{words}, and --strict counts warnings as errors" in err


# --------------------------------------------------------------------------- words


def test_counts_and_units_read_right() -> None:
    assert count_text(1, "warning") == "1 warning"
    assert count_text(2, "warning") == "2 warnings"
    assert count_text(0, "fact") == "0 facts"
    assert plural("analysis", 3) == "analyses" and plural("match", 2) == "matches"
    assert span_text(2, 14) == "4 weeks" and span_text(1, 14) == "2 weeks"
    assert span_text(1, 1) == "1 day" and span_text(2, 1) == "2 days"
    assert span_text(1, 7) == "1 week" and span_text(2, 3) == "6 days"


def test_sentences_for_three_sides_and_proper_names(tmp_path: Path) -> None:
    from game.words import every_side, in_sentence, other_sides, others_verb

    assert (other_sides(2), every_side(2)) == ("the other side", "both sides")
    assert (other_sides(3), every_side(4)) == ("the other sides", "all sides")
    assert others_verb(3, "sees", "see") == "the other sides see"
    scn = load_scenario(SCENARIOS / "venezuela-2025.yaml").scenario
    assert in_sentence("Caracas talks", scn) == "Caracas talks"  # a place of its map
    assert in_sentence("Venezuela pressure", scn) == "Venezuela pressure"
    assert in_sentence("War", scn) == "war"


def test_no_scenario_phrasing_in_the_game_code() -> None:
    """Sentences come from the scenario or from game.words: no crisis is named in code."""
    import re

    repo = Path(__file__).resolve().parents[1]
    # the shipped default scenario may be named by its file name (venezuela-2025)
    banned = re.compile(
        r"venezuela(?![-_]2025)|maduro|washington|caracas|taiwan|beijing|militia|caribbean"
        r"|pentagon|congress|white house|kremlin",
        re.I,
    )
    countries = re.compile(r"\bU\.?S\.?A?\b|\bPRC\b|\bROC\b|\bPLA\b")  # capitals only
    hits = []
    for path in sorted((repo / "game").rglob("*")):
        if path.suffix not in (".py", ".j2", ".css", ".js", ".html") or "locale" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if banned.search(line) or countries.search(line):
                hits.append(f"{path.relative_to(repo)}:{n}: {line.strip()}")
    assert hits == []


# --------------------------------------------------------------------------- reference sheets

REFS_TEXT = """id: border-refs
title: Reference classes
references:
  - id: RC-ONE
    statement: One figure.
    source: A dataset
    confidence: counted
  - id: RC-TWO
    statement: Another figure.
    source: A study
    confidence: published
"""


def test_brink_check_reads_reference_sheets(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["check", "--strict", str(SEEDS / "reference-classes.yaml")]) == 0
    out = capsys.readouterr().out
    assert "ok — reference sheet, 63 references" in out


@pytest.mark.parametrize(
    ("refs", "fragment", "line_of"),
    [
        (
            REFS_TEXT.replace("id: RC-TWO", "id: RC-ONE"),
            "duplicate id 'RC-ONE'",
            "RC-ONE\n    statement: Ano",
        ),
        (
            REFS_TEXT.replace("confidence: published", "confidence: likely"),
            "got 'likely'",
            "likely",
        ),
        (REFS_TEXT.replace("    source: A study\n", ""), "missing field 'source'", "RC-TWO"),
    ],
)
def test_brink_check_on_a_reference_sheet_reports_its_mistakes_at_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], refs: str, fragment: str, line_of: str
) -> None:
    path = tmp_path / "border-refs.yaml"
    path.write_text(refs, encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    hit = next((ln for ln in out.splitlines() if fragment in ln), None)
    assert hit is not None, out
    line = refs[: refs.index(line_of)].count("\n") + 1
    assert hit.startswith(f"{path}:{line}:"), hit
    assert "metrics" not in out  # judged as a reference sheet, not as a scenario


def test_a_scenario_citing_a_reference_sheet_with_a_duplicate_id_does_not_load(
    tmp_path: Path,
) -> None:
    src = (SCENARIOS / "venezuela-2025.yaml").read_text(encoding="utf-8")
    (tmp_path / "scenarios").mkdir()
    shutil.copy(SCENARIOS / "venezuela-2025.yaml", tmp_path / "scenarios" / "v.yaml")
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds, dirs_exist_ok=True)
    refs = (seeds / "reference-classes.yaml").read_text(encoding="utf-8")
    (seeds / "reference-classes.yaml").write_text(
        refs.replace("id: RC-ICB-VIOLENCE-ALL", "id: RC-ICB-DATASET", 1), encoding="utf-8"
    )
    assert "../seeds/reference-classes.yaml" in src
    loaded, problems = check_file(tmp_path / "scenarios" / "v.yaml")
    assert loaded is None
    assert any("duplicate id 'RC-ICB-DATASET'" in str(p) for p in problems), problems
