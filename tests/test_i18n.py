"""Languages: the catalogs are complete and compile, the language is chosen as documented,
numbers and dates follow the locale, and the pseudo-locale finds text that skipped them."""

from __future__ import annotations

import gettext
import io
import re
import string
from pathlib import Path

import pytest

from game import cli, i18n
from game.words import category_label, format_value, move_label, span_text

ROOT = Path(__file__).parent.parent
CATALOGS = sorted((ROOT / "game" / "locale").glob("*/LC_MESSAGES/brink.po"))


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_there_is_a_spanish_catalog() -> None:
    assert [p.parts[-3] for p in CATALOGS] == ["es"]
    assert i18n.available() == ["en", "es"]


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_is_fully_translated_and_its_fields_match(po: Path) -> None:
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f)
    assert not catalog.fuzzy
    untranslated, wrong_fields = [], []
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy or not all(strings):
            untranslated.append(ids[0])
            continue
        want = _fields(ids[0]) | (_fields(ids[1]) if len(ids) > 1 else set())
        if any(_fields(s) - want - {"n"} for s in strings):
            wrong_fields.append(ids[0])  # a field the code does not fill would raise KeyError
    assert not untranslated, untranslated
    assert not wrong_fields, wrong_fields
    assert len(list(catalog)) > 50


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_compiles_and_the_shipped_mo_is_current(po: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    fresh = gettext.GNUTranslations(compiled)
    with po.with_suffix(".mo").open("rb") as f:
        shipped = gettext.GNUTranslations(f)
    # run `pybabel compile -d game/locale -D brink` after editing the .po
    assert shipped._catalog == fresh._catalog  # type: ignore[attr-defined]


def test_every_message_in_the_code_is_in_every_catalog() -> None:
    """The catalogs are up to date with the code (README: pybabel extract, then update)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    method_map = [
        ("game/**.py", "python"),
        ("game/report/templates/**.j2", "jinja2"),
        ("game/serve/templates/**.j2", "jinja2"),
    ]
    # as babel.cfg: the templates' {% trans %} blocks are trimmed and new-style
    options = {"**.j2": {"trimmed": "true", "newstyle_gettext": "true"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, options_map=options
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    assert "{n} week" in found and "Talks" in found  # the extraction itself works
    assert "Your objectives" in found  # and reads the templates
    for po in CATALOGS:
        with po.open("rb") as f:
            have = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(f)}
        missing = sorted(found - have)
        assert not missing, f"{po}: run pybabel extract + update: {missing}"


def test_no_message_hides_inside_an_f_string() -> None:
    """pybabel does not look inside f-strings, so a message there never reaches the
    catalog; and the pseudo-locale, which marks whatever passes through ``_()`` at run
    time, cannot tell. Every message is a call of its own."""
    import ast

    hidden = []
    for path in sorted((ROOT / "game").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for sub in ast.walk(node):
                if (
                    isinstance(sub, ast.Call)
                    and isinstance(sub.func, ast.Name)
                    and sub.func.id in ("_", "N_", "ngettext", "pgettext")
                ):
                    hidden.append(f"{path.relative_to(ROOT)}:{sub.lineno}")
    assert not hidden, hidden


def test_language_choice_order(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", i18n.ENV):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "es_VE.UTF-8")
    assert i18n.system_language() == "es"
    assert i18n.choose() == "es"  # the system locale is the default
    assert i18n.choose(setting="en") == "en"  # the player's setting beats the system
    monkeypatch.setenv(i18n.ENV, "es")
    assert i18n.choose(setting="en") == "es"  # BRINK_LANG beats the setting
    assert i18n.choose(cli="en", setting="es") == "en"  # --lang beats everything
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.delenv(i18n.ENV)
    assert i18n.choose() == "en"  # a language the game lacks falls back to English
    assert i18n.normalise("ES-mx") == "es" and i18n.normalise("de") is None


def test_unknown_language_is_refused() -> None:
    with pytest.raises(i18n.UnknownLanguage, match="en, es"):
        i18n.set_language("xx")
    assert i18n.language_name("es") == "español"


def test_templates_plurals_and_locale_numbers() -> None:
    assert span_text(1, 7) == "1 week" and span_text(3, 3) == "9 days"
    assert move_label("Venezuela", "Hold") == "Venezuela's move (Hold)"
    assert move_label("United States", "Hold") == "United States' move (Hold)"
    assert i18n.format_number(1234.5, 1) == "1,234.5"
    assert format_value(4.26, 0, 10) == "4.3"
    i18n.set_language("es")
    assert span_text(1, 7) == "1 semana" and span_text(4, 7) == "4 semanas"
    assert span_text(1, 1) == "1 día" and span_text(3, 3) == "9 días"
    # no "jugada de ..." around the name: "jugada de Gobierno de Venezuela" lacks its article
    assert move_label("Gobierno de Venezuela", "Mantener") == "Gobierno de Venezuela (Mantener)"
    assert category_label("show_of_force") == "Demostración de fuerza"
    assert category_label("no_such_category") == "No such category"
    assert i18n.format_number(1234.5, 1) == "1.234,5"
    assert format_value(4.26, 0, 10) == "4,3"
    assert format_value(55.2, 0, 100, exact=False, error=12.4) == "~55 ±12"
    assert i18n.format_percent(0.42) == "42\xa0%"  # a no-break space before the sign
    assert i18n.format_percent(0.4256, 1) == "42,6\xa0%"
    import datetime as dt

    assert i18n.format_date(dt.date(2025, 11, 24)) == "24 de noviembre de 2025"
    i18n.set_language("en")
    assert i18n.format_date(dt.date(2025, 11, 24)) == "November 24, 2025"
    assert i18n.format_percent(0.4256, 1) == "42.6%"


def test_signed_numbers_take_a_minus_sign_not_a_hyphen() -> None:
    assert i18n.format_signed(-66.4) == "\u221266" and i18n.format_signed(3) == "+3"
    assert i18n.format_signed(-0.4) == "0" and i18n.format_signed(-1234) == "\u22121,234"
    assert i18n.format_signed(-2.0, None) == "\u22122"
    i18n.set_language("es")
    assert i18n.format_signed(-1.25, 1) == "\u22121,2"
    assert i18n.format_signed(1234.5, 1) == "+1.234,5"


def test_pseudo_locale_marks_translated_text_and_finds_the_rest() -> None:
    i18n.set_language("pseudo")
    assert span_text(2, 7) == "⟦2 weeks⟧"
    assert i18n.unmarked(f"{span_text(2, 7)}: Tension rises") == [": Tension rises"]
    assert i18n.unmarked("⟦a⟧ 42 % — scenarios/x.yaml ⟦b ⟦c⟧⟧ venezuela_2025") == []
    assert i18n.unmarked("⟦ok⟧ but not this") == ["but not this"]
    # a message that reaches _() but no catalog (built at run time, or hidden from
    # pybabel) is not marked: the pseudo-locale tests see it as untranslated
    assert i18n._("Back") == "⟦Back⟧" and i18n.pgettext("seat", "random") == "⟦random⟧"
    assert i18n._("A message no catalog holds") == "A message no catalog holds"
    assert i18n.ngettext("{n} bogus thing", "{n} bogus things", 2) == "2 bogus things"


def test_cli_messages_all_go_through_the_catalog(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Under the pseudo-locale every word the CLI prints is marked."""
    assert cli.main(["--lang", "pseudo", "check", "venezuela-2025"]) == 0
    out = capsys.readouterr().out
    assert "⟦" in out and i18n.unmarked(out) == [], out
    assert cli.main(["--lang", "pseudo", "scenarios"]) == 0
    out = capsys.readouterr().out
    assert "— ⟦Southern Spear" in out and i18n.unmarked(out) == [], out
    parser = cli.build_parser()
    helps = [a.help for a in parser._actions if a.help and a.help != "==SUPPRESS=="]
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        for sub in action.choices.values():
            helps += [a.help for a in sub._actions if a.help and not a.help.startswith("show")]
    unmarked = [h for h in helps if i18n.unmarked(h)]
    assert not unmarked, unmarked
    # the placeholders --help shows (FILE, SEED, scenario...): the help texts name them
    shown = [
        a.metavar
        for sub in [parser, *action.choices.values()]
        for a in sub._actions
        if a.nargs != 0 and (a.choices is None or a.metavar)
    ]
    assert len(shown) > 40 and "⟦FILE⟧" in shown and "⟦scenario⟧" in shown
    assert all(isinstance(m, str) and m.startswith("⟦") for m in shown), shown


def test_lang_option_anywhere_and_in_spanish(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(i18n.ENV)
    assert cli.main(["--lang", "es", "check", "venezuela-2025"]) == 0
    assert "correcto — 11 indicadores, 2 actores" in capsys.readouterr().out
    assert cli.main(["check", "venezuela-2025", "--lang=es"]) == 0
    assert "correcto" in capsys.readouterr().out
    assert cli.main(["check", "venezuela-2025", "--lang", "en"]) == 0
    assert ": ok — 11 metrics" in capsys.readouterr().out
    assert cli.main(["--lang", "xx", "check"]) == 2
    assert "no language 'xx'" in capsys.readouterr().err
    args = cli.build_parser().parse_args(["--lang", "es", "play", "--text"])
    assert args.lang == "es"  # given before the command, kept by the command's own option


def test_lang_from_env_and_from_the_settings_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(i18n.ENV, "es")
    assert cli.main(["check", "venezuela-2025"]) == 0
    assert "correcto" in capsys.readouterr().out
    monkeypatch.delenv(i18n.ENV)
    monkeypatch.setenv("LANG", "C")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("BRINK_DATA_DIR", str(tmp_path))
    (tmp_path / "settings.json").write_text('{"language": "es"}', encoding="utf-8")
    assert cli.main(["check", "venezuela-2025"]) == 0
    assert "correcto" in capsys.readouterr().out


def test_settings_keep_the_language(tmp_path: Path) -> None:
    from game.ui.settings import Settings

    path = tmp_path / "settings.json"
    Settings(language="es").save(path)
    assert Settings.load(path).language == "es"
    path.write_text('{"language": 3}', encoding="utf-8")
    assert Settings.load(path).language == ""


def test_settings_scene_chooses_the_language(ui_app, data_dir: Path) -> None:
    d = ui_app(size=(800, 600))
    d.click_button("settings")
    assert d.scene.name == "settings" and "Language" in d.scene.labels()
    assert d.app.settings.language == ""  # follows the system until chosen
    d.click_button("language")  # system -> English
    assert d.app.settings.language == "en" and i18n.language() == "en"
    d.click_button("language")  # English -> español
    assert d.app.settings.language == "es" and i18n.language() == "es"
    assert span_text(2, 7) == "2 semanas"
    d.click_button("language")  # back to the system's (English under the tests)
    assert d.app.settings.language == "" and i18n.language() == "en"


def test_counted_words_are_templates() -> None:
    from game.words import count_text

    assert count_text(1, "turn") == "1 turn" and count_text(3, "time") == "3 times"
    assert count_text(2, "analysis") == "2 analyses"  # a word without a template: English
    i18n.set_language("es")
    assert count_text(1, "turn") == "1 turno" and count_text(16, "turn") == "16 turnos"
    assert count_text(2, "time") == "2 veces" and count_text(2, "warning") == "2 advertencias"


def test_a_logs_time_stamp_reads_as_the_language_writes_it() -> None:
    """The report's "started" line: the log's ISO stamp as a date and time of the locale."""
    from game.report.build import _moment_text

    i18n.set_language("es")
    assert _moment_text("2026-12-05T12:07:47+00:00") == "5 dic 2026, 12:07:47"
    i18n.set_language("en")
    text = _moment_text("2026-12-05T12:07:47+00:00")
    assert text.startswith("Dec 5, 2026, 12:07:47") and "T" not in text
    assert _moment_text("") == "" and _moment_text("yesterday") == "yesterday"


def test_file_errors_are_worded_in_the_language_not_the_systems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A missing file or a folder given for a file: the reason comes from the catalog too
    (the system's own words are English on most machines)."""
    assert cli.main(["--lang", "es", "check", str(tmp_path / "nope.yaml")]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert "no existe el archivo o la carpeta" in text and "No such file" not in text, text
    assert cli.main(["--lang", "pseudo", "check", str(tmp_path)]) == 1
    out = capsys.readouterr()
    lines = [ln for ln in (out.out + out.err).splitlines() if ln.strip()]
    assert lines and all("⟦" in ln and i18n.unmarked(ln) == [] for ln in lines), lines
    i18n.set_language("es")
    assert i18n.os_error_text(PermissionError(13, "Permission denied")) == "permiso denegado"
    assert i18n.os_error_text(OSError(5, "Input/output error")) == "Input/output error"


@pytest.mark.parametrize(
    "text",
    ["a: 1\nb: [1, 2\nc: 3\n", "x: [\n", "a: b: c\n", "a:\n\t- x\n", "a: 1\n---\nb: 2\n"],
    ids=["flow", "empty", "colon", "tab", "two-documents"],
)
def test_a_yaml_syntax_error_reads_in_the_language(
    text: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """libyaml's own words for the common mistakes come from the catalog too (a field
    of a marked template, so the pseudo-locale cannot see them: look for the English)."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    assert cli.main(["--lang", "es", "check", str(bad)]) == 1
    out = capsys.readouterr()
    said = (out.out + out.err).replace(str(bad), "")
    assert "sintaxis YAML" in said, said
    english = re.search(r"\b(did not|could not|found|while|expected|but|allowed|line)\b", said)
    assert english is None, said
