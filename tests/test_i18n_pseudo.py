"""Every word of the report, the briefing and the text game goes through a catalog (or
comes from the scenario's text, which the pseudo-locale marks too), and a game saved in
one language reports in another.

Under ``i18n.set_language("pseudo")`` each translated string is marked ``⟦like this⟧``;
``i18n.unmarked`` lists the words left outside the marks. What may stay unmarked is data,
not sentences: dates (formatted by Babel for the locale), file names, ids, and the
citations of the fact and reference sheets (authors and titles stay as published).
"""

from __future__ import annotations

import html as htmlmod
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from test_report import classroom_log, computer_log

from game import i18n
from game.engine import Session, save_game, textplay
from game.report.briefing import briefing_html
from game.report.logdata import GameLog
from game.report.report import build_report
from game.scenario import Loaded, load_scenario

ROOT = Path(__file__).parent.parent
VENEZUELA = ROOT / "scenarios" / "venezuela-2025.yaml"
TAIWAN = ROOT / "scenarios" / "taiwan-1995.yaml"
WORLDS = 200

# Babel's English dates: "24 Nov 2025" (the report), "Nov 24, 2025" (the text game)
DATES = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b|\b[A-Z][a-z]{2} \d{1,2}, \d{4}\b")


def _citations(loaded: Loaded) -> list[str]:
    """Authors and titles of the sheets' sources: cited as published, in any language."""
    out = [str(r.get("source", "")) for r in loaded.references.values()]
    if loaded.fact_sheet is not None:
        for s in loaded.fact_sheet.sources:
            out += [str(s.author), str(s.title)]
    return sorted((c for c in out if c), key=len, reverse=True)


def _visible(page: str, loaded: Loaded, typed: Sequence[str] = ()) -> str:
    """The words a reader sees on an HTML page (text and aria labels), data removed."""
    body = page[page.index("<body") :]
    body = re.sub(r"<style.*?</style>", " ", body, flags=re.S)
    body = re.sub(r"<code>.*?</code>", " ", body, flags=re.S)  # commands and item paths
    labels = " ".join(re.findall(r'aria-label="([^"]*)"', body))
    text = htmlmod.unescape(re.sub(r"<[^>]+>", " ", body) + " " + labels)
    return _without_data(text, loaded, typed)


def _without_data(text: str, loaded: Loaded, typed: Sequence[str] = ()) -> str:
    """``text`` without citations, dates and what people ``typed`` (team names, the
    teacher's own injects)."""
    for c in [*_citations(loaded), *sorted(typed, key=len, reverse=True)]:
        text = text.replace(c, " ")
    return DATES.sub(" ", text)


def _typed(games: Sequence[GameLog]) -> list[str]:
    out = [t.name for g in games for t in g.teams]
    for g in games:
        for act in g.console:
            if act.get("kind") == "add_inject":
                out += [str(act.get("headline", "")), str(act.get("text", ""))]
    return [x for x in out if x]


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    d = tmp_path_factory.mktemp("pseudo")
    # a lesson cut short by its length: the settings and "time's up" lines too
    s = Session.new(VENEZUELA, seed=3, teams={"usa": ["Red"]}, autosave=False)
    s.console.set_lesson_length(2)
    while not s.over and not s.times_up:
        s.commit("usa", s.scenario.actors[0].hold_option)
        s.resolve()
    save_game(s, d / "lesson.json")
    return [
        classroom_log(VENEZUELA, d / "class.json", seed=7, turns=6),
        computer_log(VENEZUELA, d / "auto.json", 7),
        d / "lesson.json",
    ]


def test_the_report_under_the_pseudo_locale_has_no_unmarked_words(logs: list[Path]) -> None:
    i18n.set_language("pseudo")
    for paths in (logs, logs[:1]):  # several groups side by side, and one game
        rep = build_report(paths, worlds=WORLDS)
        loaded = rep.games[0].loaded
        assert "⟦" in rep.html and loaded.language == i18n.PSEUDO
        left = i18n.unmarked(_visible(rep.html, loaded, _typed(rep.games)))
        assert left == [], left[:40]


@pytest.mark.parametrize("path", [VENEZUELA, TAIWAN], ids=lambda p: p.stem)
def test_every_briefing_under_the_pseudo_locale_has_no_unmarked_words(path: Path) -> None:
    i18n.set_language("pseudo")
    loaded = load_scenario(path)
    for actor in (a for a in loaded.scenario.actors if a.playable):
        page = briefing_html(loaded, actor.id)
        left = i18n.unmarked(_visible(page, loaded.in_language(i18n.PSEUDO)))
        assert left == [], (actor.id, left[:20])


def test_the_text_game_under_the_pseudo_locale_has_no_unmarked_words(tmp_path: Path) -> None:
    i18n.set_language("pseudo")
    # every screen: options in full, a what-if, the advisers, the situation, mistakes,
    # a save, then moves to the end of the game
    moves = "o\nw 2\nw 99\nw\na\nv\nzz\n99\ns\ns " + str(tmp_path / "g.json") + "\nh\n"
    inp = io.StringIO(moves + "1\n2\n" * 20)
    out = io.StringIO()
    assert textplay.play(VENEZUELA, "ven", 3, inp, out, autosave=tmp_path) == 0
    text = out.getvalue()
    assert "⟦" in text and str(tmp_path / "g.json") in text
    left = i18n.unmarked(_without_data(text, load_scenario(VENEZUELA)))
    assert left == [], left[:20]


def test_a_game_saved_in_spanish_reports_in_english_and_back(tmp_path: Path) -> None:
    """Saves are language-free: the scenario's words come from the language in use."""
    i18n.set_language("es")
    save = tmp_path / "es.json"
    inp = io.StringIO("1\n" * 3 + "s " + str(save) + "\nq\n")
    out = io.StringIO()
    assert textplay.play(VENEZUELA, "ven", 5, inp, out, autosave=tmp_path) == 0
    played = out.getvalue()
    assert "Su jugada, turno 1" in played and "Gobierno de Venezuela" in played
    es = load_scenario(VENEZUELA).in_language("es")
    raw = json.dumps(json.loads(save.read_text(encoding="utf-8")), ensure_ascii=False)
    assert es.scenario.actors[1].name not in raw  # no Spanish words in the save
    assert "Gobierno de Venezuela" not in raw

    i18n.set_language("en")
    en_html = build_report([save], worlds=WORLDS).html
    assert "After-action report" in en_html and "Venezuelan government" in en_html
    assert "Gobierno de Venezuela" not in en_html and "Informe posterior" not in en_html

    i18n.set_language("es")
    es_html = build_report([save], worlds=WORLDS).html
    assert "Informe posterior" in es_html and "Gobierno de Venezuela" in es_html
    assert 'lang="es"' in es_html and "After-action report" not in es_html

    # and the game continues, in English, from the save made in Spanish
    i18n.set_language("en")
    out = io.StringIO()
    assert textplay.play(save, "ven", inp=io.StringIO("q\n"), out=out, autosave=False) == 0
    assert "Your move, turn 4" in out.getvalue()


def test_the_classroom_pages_under_the_pseudo_locale_have_no_unmarked_words(
    tmp_path: Path,
) -> None:
    """The join page, a team's page, the board, the teacher's dashboard (``brink serve
    --lang``), after a turn with a teacher's inject, and the pages for a wrong address."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the test client's note about its HTTP library
        from starlette.testclient import TestClient

    from game.serve.app import Server, create_app
    from game.serve.lesson import Lesson

    i18n.set_language("pseudo")
    mini = ROOT / "tests" / "data" / "mini.yaml"
    lesson = Lesson.create(mini, tmp_path / "lesson", pin="4321", seed=5, groups=2)
    loaded = lesson.loaded
    g = lesson.groups[0]
    teams = [t.name for t in g.session.classroom.teams]
    first = g.session.classroom.teams[0]
    opt = next(o.id for o in g.session.options(first.actor) if o.available)
    lesson.commit(g, first.name, opt)
    pages = []
    with TestClient(create_app(Server(lesson, "http://room/"))) as c:
        pages.append(c.get("/").text)
        pages.append(c.get("/board").text)
        # a mistyped address and a form's address opened directly: not Starlette's English
        missing, form_only = c.get("/no-such-page"), c.get("/join")
        assert (missing.status_code, form_only.status_code) == (404, 405)
        pages += [missing.text, form_only.text]
        r = c.post("/join", data={"code": lesson.join_code}, follow_redirects=True)
        pages.append(r.text)  # choose your team
        c.post("/join", data={"code": lesson.join_code, "group": "1", "team": first.name})
        pages.append(c.get("/team").text)
        c.post("/leave")
        c.post("/teacher/login", data={"pin": "4321"})
        c.post("/teacher/control", data={"action": "inject", "headline": "Rain"})
        pages.append(c.get("/teacher").text)
    assert all("⟦" in p for p in pages)
    for page in pages:
        left = i18n.unmarked(_visible(page, loaded, [*teams, "Rain", lesson.join_code]))
        assert left == [], left[:40]


def test_the_scenario_checker_under_the_pseudo_locale_has_no_unmarked_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every problem ``brink check`` finds in the broken test scenarios is worded through
    the catalog (what stays unmarked is the file, place and field, which are data)."""
    from game import cli

    bad = sorted(str(p) for p in (ROOT / "tests" / "data" / "bad").glob("*.yaml"))
    assert cli.main(["--lang", "pseudo", "check", *bad]) == 1
    out = capsys.readouterr().out
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) >= 10 and all("⟦" in ln for ln in lines)
    # "file:line:col: [warning: ]field.path: message" -> the message
    place = re.compile(r"^\S+:\d+:\d+: (?:⟦[^⟧]*⟧: )?(?:[\w\[\].>-]+: )?")
    left = [w for ln in lines for w in i18n.unmarked(place.sub("", ln))]
    assert left == [], left[:20]
