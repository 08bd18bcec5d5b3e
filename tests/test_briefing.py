"""``brink briefing``: a printable role briefing per side."""

from __future__ import annotations

import html as htmlmod
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from game.cli import main
from game.report.briefing import briefing_html
from game.report.words import facts_of_actor, known_on
from game.scenario import load_scenario

ROOT = Path(__file__).parent.parent
SCENARIOS = [
    ROOT / "scenarios" / "venezuela-2025.yaml",
    ROOT / "tests" / "data" / "mini.yaml",
    ROOT / "scenarios" / "taiwan-1995.yaml",
]
EXTERNAL = re.compile(r"https?:|@import|\b(?:src|href)\s*=\s*(?!['\"]?#)|url\(\s*(?!['\"]?#)", re.I)


def _text(html: str) -> str:
    return htmlmod.unescape(html)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_briefing_for_each_actor_has_its_options_and_facts(path: Path, tmp_path: Path) -> None:
    loaded = load_scenario(path)
    scn = loaded.scenario
    for actor in (a for a in scn.actors if a.playable):  # (no briefing for a scripted side)
        out = tmp_path / f"{actor.id}.html"
        assert main(["briefing", str(path), "--actor", actor.id, "-o", str(out)]) == 0
        html = out.read_text(encoding="utf-8")
        text = _text(html)
        assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
        assert EXTERNAL.search(html) is None
        assert "@media print" in html
        assert actor.name in text and actor.role in text
        for opt in actor.options:
            assert opt.name in text and opt.description in text
        as_of = scn.meta.facts_as_of
        for fid in facts_of_actor(scn, actor):
            if fid in loaded.facts:
                known = known_on(loaded.facts[fid])
                if known is None or as_of is None or known <= as_of:
                    assert f"{fid})" in text and loaded.facts[fid]["statement"] in text
                else:  # learnt after the briefing's day: not in it
                    assert f"{fid})" not in text
        if any(loaded.facts[f]["status"] == "claim" for f in facts_of_actor(scn, actor)):
            assert "CLAIM" in text
        assert scn.meta.how_to_win.split("\n")[0].strip()[:60] in text
        for adv in actor.advisors:
            assert adv.name in text
        # the other side's options are not in this side's briefing
        for other in scn.actors:
            if other.id != actor.id:
                own = {o.name for o in actor.options}
                # an option of its own may need one of theirs first ("needs ... at least once")
                named = {
                    o.name
                    for o in other.options
                    if any(f"'{o.id}'" in repr(x.available.conditions) for x in actor.options)
                }
                assert all(o.name in own | named or o.name not in text for o in other.options)


def test_objectives_in_words() -> None:
    loaded = load_scenario(SCENARIOS[0])
    text = _text(briefing_html(loaded, "usa"))
    # the US ranks a protracted war below a drawdown, and a drawdown below a quick war:
    # its headline aim names the protracted war (one of two kinds of war, so by name)
    aims = text[text.index('id="objectives"') : text.index('id="fog"')]
    assert "Avoid protracted war" in aims and "Avoid war." not in aims
    assert "Keep US domestic support for the operation high" in text
    assert "Keep civilian harm low" in text
    assert "Endings you want, best first: Negotiated departure" in text
    ven = _text(briefing_html(loaded, "ven"))
    assert "Keep Venezuelan government cohesion high" in ven
    assert "Only you know the true Venezuelan government cohesion" in ven


def test_unknown_actor_lists_the_actors_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.html"
    rc = main(["briefing", str(SCENARIOS[0]), "--actor", "cuba", "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2
    assert "unknown actor 'cuba'" in err and "usa (United States)" in err and "ven (" in err
    assert not out.exists()


def test_a_bad_scenario_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        ["briefing", str(tmp_path / "nope.yaml"), "--actor", "usa", "-o", str(tmp_path / "b")]
    )
    assert rc == 1 and "nope.yaml" in capsys.readouterr().err
    bad = ROOT / "tests" / "data" / "bad"
    broken = sorted(bad.glob("*.yaml"))[0]
    rc = main(["briefing", str(broken), "--actor", "blue", "-o", str(tmp_path / "b")])
    assert rc == 1 and "error" in capsys.readouterr().err


def test_a_shipped_scenario_by_name(tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    assert main(["briefing", "venezuela-2025", "--actor", "ven", "-o", str(out)]) == 0
    assert "Venezuelan government" in out.read_text(encoding="utf-8")


def _print_css(html: str) -> str:
    """The briefing's own print rules (the last print block: after the shared report style)."""
    start = html.rindex("@media print {")
    return html[start : html.index("</style>", start)]


@pytest.mark.parametrize("actor", ["usa", "ven"])
def test_handouts_glossary_ladder_worksheet_and_role_cards(actor: str) -> None:
    loaded = load_scenario(SCENARIOS[0])
    scn = loaded.scenario
    html = briefing_html(loaded, actor)
    text = _text(html)
    assert 'id="glossary"' in html and "Escalation ladder" in text
    # the ladder as a diagram: one step per stage, bottom to top, the start marked
    steps = re.findall(r'<li class="(start)?" style="min-height: ([\d.]+)rem">', html)
    assert len(steps) == len(scn.ladder)
    heights = [float(h) for _, h in steps]
    assert heights == sorted(heights) and len(set(heights)) == len(heights)
    assert [s for s, _ in steps].count("start") == 1
    # a worksheet row per turn and a column per ending a team forecasts
    assert "Forecast and decision worksheet" in text
    for o in scn.outcomes:
        if not o.at_turn_limit:
            assert f"{o.name} %" in text
    # a role card per advisor, with its own objectives
    side = next(a for a in scn.actors if a.id == actor)
    assert html.count('class="role-card"') == len(side.advisors)
    for adv in side.advisors:
        assert adv.name in text and adv.title in text
    # the print CSS: 10 pt or more everywhere, the handouts on pages of their own
    css = _print_css(html)
    sizes = [float(v) for v in re.findall(r"font-size:\s*([\d.]+)pt", css)]
    assert sizes and min(sizes) >= 10
    assert not re.search(r"font-size:\s*[\d.]+(px|rem|em)", css)
    assert ".briefing .handout { break-before: page; }" in html
    assert ".briefing .page2 { break-before: page; }" in css


# the headings each printed page starts with or holds, by language
PRINTED = {
    "en": (
        "The situation",
        "How to win",
        "Glossary",
        "Your options",
        "Key facts",
        "Forecast and decision worksheet",
        "Role cards",
    ),
    "es": (
        "La situación",
        "Cómo ganar",
        "Glosario",
        "Sus opciones",
        "Hechos clave",
        "Hoja de pronósticos y decisiones",
        "Tarjetas de rol",
    ),
}


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("pdftotext")),
    reason="needs chromium and poppler-utils",
)
@pytest.mark.parametrize(
    ("actor", "lang", "paper"),
    [("usa", "en", "A4"), ("ven", "en", "letter"), ("usa", "es", "letter"), ("ven", "es", "A4")],
)
def test_a_briefing_prints_on_two_pages(actor: str, lang: str, paper: str, tmp_path: Path) -> None:
    # Spanish runs longer than English and US Letter is shorter than A4: the two pages
    # must hold in every combination a teacher may print
    html = tmp_path / f"{actor}.html"
    assert (
        main(["--lang", lang, "briefing", str(SCENARIOS[0]), "--actor", actor, "-o", str(html)])
        == 0
    )
    doc = html.read_text(encoding="utf-8")
    cut = doc.rindex("</style>")
    html.write_text(f"{doc[:cut]}@page {{ size: {paper}; }}{doc[cut:]}", encoding="utf-8")
    pdf = tmp_path / f"{actor}.pdf"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )

    def page(n: int) -> str:
        out = subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout

    situation, win, glossary, options, facts, worksheet, cards = PRINTED[lang]
    assert situation in page(1) and win in page(1) and glossary in page(1)
    # no word of the two briefing pages is set smaller than 10 pt (a word's box is about
    # 1.15 times the font size)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "2", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    heights = [
        float(y1) - float(y0)
        for y0, y1 in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', boxes
        )
    ]
    assert len(heights) > 500 and min(heights) >= 11.3
    assert options in page(2) and facts in page(2)
    assert page(3).lstrip().startswith(worksheet)
    assert page(4).lstrip().startswith(cards)


def test_a_goal_ending_in_an_abbreviation_keeps_one_full_stop() -> None:
    """Spanish "EE. UU." ends a goal's sentence with its own full stop: never "UU.."."""
    from game import i18n

    i18n.set_language("es")
    loaded = load_scenario(SCENARIOS[2])
    text = _text(briefing_html(loaded, "usa"))
    assert "compromiso de EE. UU." in text
    assert "UU.." not in text and ".." not in text.replace("...", "")
