"""The second shipped scenario, the Taiwan Strait 1995-96: every command works on it, its
history line lands in its documented bands, its scripted sides move by their rules and the
desktop game draws the Strait."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main
from game.engine import AISettings, Session
from game.engine.textplay import play
from game.scenario import load_scenario

ROOT = Path(__file__).parent.parent
TAIWAN = ROOT / "scenarios" / "taiwan-1995.yaml"
PLAYERS = ("usa", "prc")


def brink(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRINK_DATA_DIR": str(data), "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )


@pytest.fixture(scope="module")
def loaded():
    return load_scenario(TAIWAN)


def test_strict_check_passes(capsys) -> None:
    assert main(["check", "--strict", str(TAIWAN)]) == 0
    assert "ok" in capsys.readouterr().out


def test_two_players_and_two_scripted_sides(loaded) -> None:
    scn = loaded.scenario
    seats = {a.id: (a.playable, a.script is not None) for a in scn.actors}
    assert seats == {
        "usa": (True, False),
        "prc": (True, False),
        "twn": (False, True),
        "jpn": (False, True),
    }
    # both players get the same kind of material: objectives, advisers, a case, a hold option
    for aid in PLAYERS:
        a = next(x for x in scn.actors if x.id == aid)
        assert a.objectives.metrics and a.objectives.outcomes
        assert {adv.stance for adv in a.advisors} == {"hawk", "dove"}
        assert a.case and a.role and a.ai.bias


def test_the_election_is_a_fixed_date(loaded) -> None:
    """Turn 21 covers 23 March 1996 (TW-41), and Taiwan's script holds the vote then."""
    import datetime as dt

    meta = loaded.scenario.meta
    start = meta.start_date + dt.timedelta(days=meta.turn_days * 20)
    assert start <= dt.date(1996, 3, 23) < start + dt.timedelta(days=meta.turn_days)
    assert loaded.facts["TW-41"]["date"] == dt.date(1996, 3, 23) or str(
        loaded.facts["TW-41"]["date"]
    ).startswith("1996-03-23")
    s = Session.new(loaded, seed=3, ai=AISettings(worlds=16, horizon=1), autosave=False)
    usa, prc = s.c.actor_index("usa"), s.c.actor_index("prc")
    hold = {usa: s.c.option_index(usa, "hold"), prc: s.c.option_index(prc, "hold")}
    twn = []
    while not s.over:
        report = s.resolve(hold)
        twn.append(report.moves["twn"].option)
    assert len(twn) == loaded.scenario.meta.turn_limit or s.outcome != "standoff"
    if len(twn) >= 21:
        assert twn[20] == "hold_election" and twn.count("hold_election") == 1


def test_history_line_lands_in_its_bands(capsys) -> None:
    """The bands written above the scenario's `history` (fewer runs than the documented 5000,
    with the same bands)."""
    args = ["simulate", str(TAIWAN), "--policy", "history", "--runs", "2000", "--seed", "1"]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    p = {oid: o["p"] for oid, o in doc["outcomes"].items()}
    assert p["war"] + p["limited_war"] <= 0.03
    assert p["wind_down"] + p["understanding"] >= 0.60
    assert 0.03 <= doc["stages"]["incident"]["reached"] <= 0.15
    assert doc["stages"]["exercises"]["reached"] >= 0.70
    assert doc["policies"]["twn"] == "script" and doc["policies"]["jpn"] == "script"


def test_history_line_cites_known_facts_and_both_sides(loaded) -> None:
    hist = loaded.scenario.history
    assert hist is not None
    movers = {a for t in hist.turns for a in t.moves}
    assert movers == set(PLAYERS)  # the scripted sides follow their rules
    for t in hist.turns:
        assert t.facts and all(f in loaded.facts for f in t.facts)


def test_debrief_treats_both_sides_alike(loaded) -> None:
    names = re.compile(r"washington|beijing|united states|china|american|chinese", re.I)
    for q in loaded.scenario.debrief:
        assert not names.search(q), q  # every question asks both sides the same thing


def test_map_is_the_strait_and_matches_its_spec(loaded) -> None:
    import importlib.util

    m = loaded.scenario.map
    assert m is not None and m.name == "taiwan-strait"
    assert {"taipei", "kinmen", "taiwan_strait"} <= set(m.labels)
    spec_path = ROOT / "tools" / "build_map.py"
    mod_spec = importlib.util.spec_from_file_location("build_map", spec_path)
    assert mod_spec is not None and mod_spec.loader is not None
    build_map = importlib.util.module_from_spec(mod_spec)
    sys.modules[mod_spec.name] = build_map
    mod_spec.loader.exec_module(build_map)
    from_scenario = build_map.load_spec(TAIWAN)
    from_spec = build_map.load_spec(ROOT / "assets" / "map" / "taiwan-strait.spec.yaml")
    assert from_scenario == from_spec


@pytest.mark.parametrize("actor", PLAYERS)
def test_briefing_for_each_player(actor: str, loaded, tmp_path: Path) -> None:
    out = tmp_path / f"{actor}.html"
    assert main(["briefing", str(TAIWAN), "--actor", actor, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    shown = set(re.findall(r"TW-L?\d\d", text))
    assert shown, "the briefing lists the facts known on its first day"
    as_of = str(loaded.scenario.meta.facts_as_of)
    # facts as of 5 June 1995 only: nothing from later in the crisis, nothing learnt after it
    assert all(str(loaded.facts[f]["date"]) <= as_of for f in shown), sorted(shown)


@pytest.mark.parametrize("actor", ["twn", "jpn", "tw"])
def test_no_briefing_for_a_side_no_one_plays(
    actor: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A role briefing is a student's handout: Taiwan and Japan move by their scripts.
    out = tmp_path / f"{actor}.html"
    capsys.readouterr()
    assert main(["briefing", str(TAIWAN), "--actor", actor, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert not out.exists()
    assert "usa (United States)" in err and "prc (People's Republic of China)" in err
    assert "twn (" not in err and "jpn (" not in err
    if actor != "tw":
        assert "fixed rules and no one plays it" in err


@pytest.mark.slow
def test_autoplay_replay_check_and_report(tmp_path: Path) -> None:
    save = tmp_path / "tw.json"
    r = brink("autoplay", str(TAIWAN), "--seed", "4", "--save", str(save), data=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Outcome after" in r.stdout and "Taiwan" in r.stdout
    r = brink("replay", str(save), "--check", data=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "identically" in r.stdout
    out = tmp_path / "tw.html"
    r = brink("report", str(save), "-o", str(out), "--worlds", "200", data=tmp_path)
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert "Taiwan Strait" in html


def test_report_sets_only_the_played_sides_beside_history(tmp_path: Path) -> None:
    # Taiwan and Japan move by their scripts, which the history line does not record: set
    # beside it, Taiwan's election would read as "held course in history".
    from game.report.build import against_history
    from game.report.logdata import load

    save = tmp_path / "tw.json"
    args = ["autoplay", str(TAIWAN), "--seed", "2", "--turns", "3", "--save", str(save)]
    assert main([*args, "--quiet"]) == 0
    hist = against_history(load(save))
    assert hist is not None
    assert hist["actors"] == ["United States", "People's Republic of China"]
    assert all([c["actor"] for c in r["cells"]] == list(PLAYERS) for r in hist["rows"])
    assert len(hist["agreement"]) == 2 and not any("Taiwan" in s for s in hist["agreement"])
    # the line's own moves, named: in turn 1 Washington held course, Beijing recalled its
    # ambassador
    assert [c["history"] for c in hist["rows"][0]["cells"]] == [
        "Hold course",
        "Recall the ambassador",
    ]


def test_a_class_team_waits_for_the_one_other_played_side(tmp_path: Path) -> None:
    # Taiwan and Japan move by their scripts: after the US team commits, the page waits for
    # "the other side" (Beijing's team), not for "the other sides".
    from game.serve.app import Server
    from game.serve.lesson import Lesson

    lesson = Lesson.create(TAIWAN, tmp_path / "lesson", pin="4321", seed=5)
    lesson.commit(lesson.groups[0], "US", "hold")
    html, _stamp = Server(lesson, "http://room/").team_main(1, "US", quick=True)
    assert "Waiting for the other side." in html
    assert lesson.team_context(lesson.groups[0], "US", quick=True)["n_waiting"] == 1


@pytest.mark.slow
@pytest.mark.parametrize("actor", PLAYERS)
def test_text_play_to_the_end(actor: str, data_dir: Path) -> None:
    out = io.StringIO()
    rc = play(str(TAIWAN), actor=actor, seed=2, inp=io.StringIO("1\n" * 40), out=out)
    text = out.getvalue()
    assert rc == 0, text
    assert "The end" in text and re.search(r"Outcome after \d+ turns", text)
    assert "Hold course" in text


@pytest.mark.slow
def test_desktop_room_draws_the_strait(ui_app, tmp_path: Path) -> None:
    from game.ui.pg import pygame

    d = ui_app(size=(1280, 720), scenario=TAIWAN, seed=3)
    assert d.scene.name == "title"
    d.key(pygame.K_RETURN)
    assert d.scene.name == "setup"
    d.key(pygame.K_RETURN)
    assert d.scene.name == "briefing"
    assert "Facts as of Jun 5, 1995" in d.scene.labels()
    d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    assert d.app.game.actor in PLAYERS
    assert "Turn 1 of 22" in d.scene.labels()
    doc = d.app.map.doc
    assert doc["bounds"]["lon_min"] == 115 and "Taiwan" in [c["name"] for c in doc["countries"]]
    shot = tmp_path / "taiwan-room.png"
    pygame.image.save(d.app.window, str(shot))
    assert shot.stat().st_size > 10_000


@pytest.mark.slow
def test_screenshots_tool_plays_the_strait(tmp_path: Path) -> None:
    """``tools/screenshots.py --scenario FILE`` picks moves by kind, so any scenario plays."""
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "OPENBLAS_NUM_THREADS": "1"}
    env.pop("DISPLAY", None)
    r = subprocess.run(
        [sys.executable, "tools/screenshots.py", "--scenario", str(TAIWAN), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    for name in ("briefing", "situation-room", "resolution", "end", "console"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000, name
