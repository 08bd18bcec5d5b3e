"""Scenario and fact-sheet translations: sidecar files by id, checked by ``brink check``,
overlaid on the text only (same rules, same numbers, same saves), and fonts that can
draw every character they use."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import CHEAP

from game import cli
from game.engine import Seat, Session, load_game, save_game
from game.scenario import load_scenario
from game.scenario.discovery import discover
from game.scenario.paths import is_sidecar, shipped_scenarios
from game.scenario.translate import (
    apply,
    check,
    check_sheet,
    languages,
    scenario_texts,
    sidecar,
)

ROOT = Path(__file__).parent.parent
SCENARIO = ROOT / "scenarios" / "venezuela-2025.yaml"
TAIWAN = ROOT / "scenarios" / "taiwan-1995.yaml"
SHEETS = [
    ROOT / "seeds" / "venezuela-2025-facts.yaml",
    ROOT / "seeds" / "taiwan-1995-facts.yaml",
    ROOT / "seeds" / "reference-classes.yaml",
]
SIDECARS = sorted(p for d in ("scenarios", "seeds") for p in (ROOT / d).glob("*.yaml"))
SIDECARS = [p for p in SIDECARS if is_sidecar(p)]
FONTS = ROOT / "assets" / "fonts"


@pytest.mark.parametrize("scenario", [SCENARIO, TAIWAN], ids=lambda p: p.stem)
def test_shipped_scenarios_and_fact_sheets_are_fully_translated_into_spanish(
    scenario: Path,
) -> None:
    loaded = load_scenario(scenario)
    assert languages(scenario) == ["es"]
    assert check(loaded) == []  # no unknown id, no untranslated text (--strict passes)
    for sheet in SHEETS:
        assert languages(sheet) == ["es"], sheet
        assert check_sheet(sheet) == [], sheet
    assert cli.main(["check", "--strict", str(scenario)]) == 0


def test_check_of_a_folder_glob_checks_a_translation_with_its_scenario(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [str(SCENARIO), str(sidecar(SCENARIO, "es"))]  # scenarios/*.yaml
    assert cli.main(["check", "--strict", *files[::-1]]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith(f"{SCENARIO}: ok")


def test_spanish_scenario_has_the_same_rules_and_other_words() -> None:
    en = load_scenario(SCENARIO)
    es = en.in_language("es")
    assert es.language == "es" and es.scenario.meta.language == "es"
    assert es.sha256 == en.sha256 and es.path == en.path  # saves name the same file
    assert es.scenario.actors[1].name == "Gobierno de Venezuela"
    assert es.facts["VE-01"]["statement"].startswith("El presidente Maduro afirma")
    assert es.facts["VE-01"]["status"] == en.facts["VE-01"]["status"] == "claim"
    assert es.references["RC-SUGGEST-09"]["statement"].startswith("Considerar la milicia")
    texts_en, texts_es = scenario_texts(en.scenario), scenario_texts(es.scenario)
    assert texts_en.keys() == texts_es.keys()
    same = [k for k in texts_en if texts_en[k] == texts_es[k]]
    # a few texts are the same in both languages (names of people, "Legal"...) but few
    assert len(same) < len(texts_en) // 10, same
    # putting the English texts back gives the English scenario exactly: only text differs
    assert apply(es.scenario, texts_en, "en") == en.scenario
    # headlines keep the fields the engine fills in
    for key, text in texts_en.items():
        assert ("{actor}" in text) == ("{actor}" in texts_es[key]), key
    assert en.in_language("en") is en and en.in_language("fr") is en  # no sidecar: as it is
    assert es.in_language("en") is en and es.as_written is en.scenario
    assert es.in_language("es").facts == es.facts  # switching back and forth


def test_spanish_taiwan_scenario_has_the_same_rules_and_other_words() -> None:
    en = load_scenario(TAIWAN)
    es = en.in_language("es")
    assert es.sha256 == en.sha256 and es.scenario.meta.language == "es"
    assert [a.name for a in es.scenario.actors] == [
        "Estados Unidos",
        "República Popular China",
        "Taiwán",
        "Japón",
    ]
    texts_en, texts_es = scenario_texts(en.scenario), scenario_texts(es.scenario)
    assert texts_en.keys() == texts_es.keys()
    same = [k for k in texts_en if texts_en[k] == texts_es[k]]
    assert len(same) < len(texts_en) // 10, same
    assert apply(es.scenario, texts_en, "en") == en.scenario
    for key, text in texts_en.items():  # the fields the engine fills in, and the fact ids
        assert ("{actor}" in text) == ("{actor}" in texts_es[key]), key
        for fact in re.findall(r"\b(?:TW|RC)-[\w-]+\d", text):
            assert fact in texts_es[key], (key, fact)


def test_a_game_played_in_spanish_saves_the_same_log_and_reloads_in_english(
    tmp_path: Path,
) -> None:
    en = load_scenario(SCENARIO)
    es = en.in_language("es")
    logs = []
    for loaded, name in ((en, "en.json"), (es, "es.json")):
        seats = {"usa": Seat.human(), "ven": Seat.human()}
        s = Session.new(loaded, seed=5, seats=seats, ai=CHEAP, autosave=False)
        for _ in range(2):
            s.commit("usa", "talks")
            s.commit("ven", "drills")
            s.resolve()
        logs.append(s.log)
        save_game(s, tmp_path / name)
    assert json.dumps(logs[0], sort_keys=True, default=str) == json.dumps(
        logs[1], sort_keys=True, default=str
    )
    back = load_game(tmp_path / "es.json", en)
    assert back.actor_name("ven") == "Venezuelan government"
    again = load_game(tmp_path / "en.json", es)
    assert again.actor_name("ven") == "Gobierno de Venezuela"


def _copy_scenario(tmp_path: Path) -> Path:
    for d in ("scenarios", "seeds"):
        shutil.copytree(ROOT / d, tmp_path / d)
    return tmp_path / "scenarios" / "venezuela-2025.yaml"


def test_check_names_file_line_and_field_of_a_bad_sidecar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scen = _copy_scenario(tmp_path)
    side = sidecar(scen, "es")
    text = side.read_text(encoding="utf-8")
    text = text.replace("  tension:\n    name: Tensión", "  tensoin:\n    name: Tensión", 1)
    side.write_text(text, encoding="utf-8")
    problems = check(load_scenario(scen))
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 4  # name, short, description and assumption of the misspelt id
    first = errors[0]
    line = text.splitlines().index("  tensoin:") + 2
    assert (first.file, first.line, first.path) == (str(side), line, "metrics.tensoin.name")
    assert "no such text" in first.message
    untranslated = {p.path for p in problems if p.severity == "warning"}
    assert "metrics.tension.name" in untranslated
    assert cli.main(["check", str(scen)]) == 1
    assert f"{side}:{line}:" in capsys.readouterr().out


def test_strict_check_fails_on_an_untranslated_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scen = _copy_scenario(tmp_path)
    side = sidecar(scen, "es")
    text = side.read_text(encoding="utf-8")
    side.write_text(text.replace("    short: Tensión\n", "", 1), encoding="utf-8")
    assert cli.main(["check", str(scen)]) == 0  # a missing text is a warning ...
    out = capsys.readouterr().out
    assert "warning: metrics.tension.short: not translated into 'es'" in out
    assert cli.main(["check", "--strict", str(scen)]) == 1  # ... and --strict fails on it
    es = load_scenario(scen).in_language("es")
    assert es.scenario.metrics[0].short == "Tension"  # the original fills the gap


def test_a_translation_the_schema_refuses_is_reported_and_not_used(tmp_path: Path) -> None:
    scen = _copy_scenario(tmp_path)
    side = sidecar(scen, "es")
    text = side.read_text(encoding="utf-8")
    side.write_text(text.replace("short: Tensión", "short: Tensión de la crisis"), encoding="utf-8")
    loaded = load_scenario(scen)
    [p] = [p for p in check(loaded) if p.severity == "error"]
    assert p.path == "metrics.tension.short" and "at most 16 characters" in p.message
    es = loaded.in_language("es")
    assert es.scenario.metrics[0].short == "Tension"  # the original stands in
    assert es.scenario.metrics[0].name == "Tensión de la crisis"  # the rest is used


def test_sheet_sidecar_errors_and_wrong_language(tmp_path: Path) -> None:
    scen = _copy_scenario(tmp_path)
    side = sidecar(tmp_path / "seeds" / "venezuela-2025-facts.yaml", "es")
    text = side.read_text(encoding="utf-8").replace("language: es", "language: pt", 1)
    text = text.replace("  VE-01:", "  VE-99:", 1)
    side.write_text(text, encoding="utf-8")
    msgs = {(p.path, p.message) for p in check(load_scenario(scen))}
    assert ("language", "should be 'es', as the file name says") in msgs
    assert ("facts.VE-99.statement", "no such text in the original (check the id)") in msgs
    assert ("facts.VE-01.statement", "not translated into 'es'") in msgs


def test_sidecars_are_not_offered_as_scenarios(tmp_path: Path) -> None:
    assert all(not is_sidecar(p) for p in shipped_scenarios())
    scen = _copy_scenario(tmp_path)
    found = [f.path for f in discover([tmp_path / "scenarios"])]
    assert Path(scen) in [Path(p) for p in found]
    assert not any(is_sidecar(p) for p in found)
    assert is_sidecar("x.es.yaml") and is_sidecar("x.pt-BR.yaml")
    assert not is_sidecar("venezuela-2025.yaml") and not is_sidecar("a.spec.yaml")


def test_pseudo_language_marks_every_scenario_text() -> None:
    p = load_scenario(SCENARIO).in_language("pseudo")
    texts = scenario_texts(p.scenario)
    assert all(t.startswith("⟦") and t.endswith("⟧") for t in texts.values())
    assert p.facts["VE-01"]["statement"].startswith("⟦")


def _translated_characters() -> str:
    from babel.messages.pofile import read_po

    chars: set[str] = set()
    for po in (ROOT / "game" / "locale").glob("*/LC_MESSAGES/brink.po"):
        with po.open("rb") as f:
            for m in read_po(f):
                strings = m.string if isinstance(m.string, tuple) else (m.string,)
                chars.update("".join(s for s in strings if s))
    for side in SIDECARS:
        chars.update(side.read_text(encoding="utf-8"))
    return "".join(sorted(c for c in chars if c.isprintable() and c not in " \t"))


def test_translations_use_characters_and_are_checked() -> None:
    chars = _translated_characters()
    assert {"ñ", "á", "¿", "«", "—"} <= set(chars)
    assert len(SIDECARS) >= 4


@pytest.mark.parametrize("font", sorted(FONTS.glob("NotoSans-*.ttf")), ids=lambda p: p.name)
def test_noto_sans_draws_every_translated_character(font: Path) -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    cmap = ttlib.TTFont(font).getBestCmap()
    missing = [c for c in _translated_characters() if ord(c) not in cmap]
    assert not missing, missing
