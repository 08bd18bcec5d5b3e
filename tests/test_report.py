"""``brink report``: the after-action report, its exports, and its reading of the log.

The logs are made here: computer games (``Session`` with AI seats, as ``brink
autoplay``), and a classroom game with teams, console actions, a timer that ran
out and student forecasts, all recorded by the engine (``teams``, ``by``,
``settings``, ``forecasts``; docs in game/report/logdata.py); the report must
read them when present and say "not recorded" when absent.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from game.cli import main
from game.engine import Seat, Session, save_game
from game.scenario import load_scenario

ROOT = Path(__file__).parent.parent
WORLDS = "500"
SECTIONS = ["header", "timeline", "metrics", "odds", "spread", "forecasts", "groups", "debrief"]
# one log: no "groups side by side" section (no empty page)
SECTIONS_ONE = [s for s in SECTIONS if s != "groups"]


# --- logs -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped scenario and its sheets, copied (so edits to the tree mid-run don't matter)."""
    d = tmp_path_factory.mktemp("scn")
    shutil.copytree(ROOT / "scenarios", d / "scenarios")
    shutil.copytree(ROOT / "seeds", d / "seeds")
    return d / "scenarios" / "venezuela-2025.yaml"


def computer_log(
    scenario: Path, path: Path, seed: int, seats: dict[str, str] | None = None
) -> Path:
    s = Session.new(scenario, seed=seed, seats=seats or {}, autosave=False)
    while not s.over:
        s.resolve()
    save_game(s, path)
    return path


def classroom_log(scenario: Path, path: Path, seed: int = 7, turns: int = 8) -> Path:
    """Three teams on two actors (Red and Green take turns as the US), console actions,
    a timer that ran out once, and forecasts before every decision: all recorded by the
    engine (``Session.new(teams=...)``, ``submit_forecast``, ``timer_expired``)."""
    s = Session.new(
        scenario,
        seed=seed,
        teams={"usa": ["Red", "Green"], "ven": ["Blue"]},
        timer=90,
        autosave=False,
    )
    rng = np.random.default_rng(seed)
    plan_us = ["talks", "covert", "show_of_force", "talks", "sanctions", "talks", "hold", "talks"]
    plan_ve = ["talks", "arm_militia", "drills", "talks", "hold", "concessions", "talks", "un_case"]
    while not s.over and s.turn < turns:
        T = s.current_turn
        if T == 2:
            s.console.add_inject("Oil tanker seized off the coast", "Control team inject")
        if T == 3:
            s.console.pause()
            s.console.fire_event(s.c.event_ids[0])
            s.console.resume()
        if T == 4:
            s.console.set_metric("tension", 70.0)
        if T == 6:
            s.console.add_inject("Regional summit called", "")
        for team, _actor in s.classroom.goes():
            p_war = float(rng.uniform(0.05, 0.4))
            p_set = float(rng.uniform(0.1, 0.5))
            s.classroom.submit_forecast(
                team, {"war": round(p_war, 2), "settlement": round(p_set, 2)}, 4
            )
        for actor, plan in (("usa", plan_us), ("ven", plan_ve)):
            if T == 5 and actor == "ven":
                s.classroom.timer_expired("ven")  # Blue's time ran out: hold course
                continue
            opts = {o.id for o in s.options(actor) if o.available}
            want = plan[(T - 1) % len(plan)]
            s.commit(
                actor,
                want if want in opts else s.scenario.actors[s.c.actor_index(actor)].hold_option,
            )
        s.resolve()
    save_game(s, path)
    return path


@pytest.fixture(scope="module")
def auto_log(scenario_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One computer game (alone, so that the quick tests need not wait for the rest)."""
    return computer_log(scenario_copy, tmp_path_factory.mktemp("auto") / "auto7.json", 7)


@pytest.fixture(scope="module")
def logs(
    scenario_copy: Path, auto_log: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("logs")
    return {
        "auto": auto_log,
        "dup1": computer_log(scenario_copy, d / "dup1.json", 11),
        "dup2": computer_log(scenario_copy, d / "dup2.json", 11, {"usa": "talks"}),
        "class": classroom_log(scenario_copy, d / "class.json"),
    }


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def brink(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``brink ARGS`` in this process (the CLI entry point, without a new interpreter)."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        rc = main(list(args))
        out = capsys.readouterr()
        return Run(rc, out.out, out.err)

    return run


def brink_process(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m game ARGS`` in a new process, as a teacher runs it."""
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
    )


# --- HTML checks ----------------------------------------------------------------------------------


class _Balance(HTMLParser):
    """Checks that the main elements open and close in order."""

    WATCH: ClassVar[frozenset[str]] = frozenset(
        {"html", "head", "body", "main", "section", "header", "footer", "table", "thead"}
        | {"tbody", "tr", "ul", "ol", "figure", "details", "svg", "nav", "div", "style"}
    )

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.sections: list[str] = []
        self.ids: list[str] = []
        self.svgs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if a.get("data-section"):
            self.sections.append(a["data-section"] or "")
        if tag == "svg":
            self.svgs += 1
        if tag in self.WATCH:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.WATCH:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


EXTERNAL = [
    re.compile(r"https?:", re.I),
    re.compile(r"(?<![:\w])//[\w.-]+\.[a-z]{2,}", re.I),
    re.compile(r"@import", re.I),
    re.compile(r"url\(\s*(?!['\"]?(?:#|data:))", re.I),
    re.compile(r"\b(?:src|href|action|poster|srcset)\s*=\s*(?!['\"]?(?:#|data:))", re.I),
]


def check_html(html: str) -> _Balance:
    assert html.startswith("<!DOCTYPE html>")
    p = _Balance()
    p.feed(html)
    p.close()
    assert not p.errors, p.errors[:5]
    assert not p.stack, f"unclosed: {p.stack}"
    for rx in EXTERNAL:
        m = rx.search(html)
        near = html[max(0, m.start() - 80) : m.end() + 80] if m else ""
        assert m is None, f"external reference {m.group(0)!r} near {near!r}"
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html
    assert len(p.ids) == len(set(p.ids)), "duplicate element ids"
    return p


# --- the report from one log ----------------------------------------------------------------------


@pytest.mark.slow
def test_report_from_one_computer_log(
    logs: dict[str, Path], tmp_path: Path, brink: Callable[..., Run]
) -> None:
    out = tmp_path / "report.html"
    csv_dir = tmp_path / "csv"
    js = tmp_path / "report.json"
    args = ["report", str(logs["auto"]), "-o", str(out), "--csv", str(csv_dir), "--json", str(js)]
    r = brink_process(*args, "--worlds", WORLDS)  # (its time: benchmarks/bench_files.py)
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    p = check_html(html)
    for sec in SECTIONS_ONE:
        assert sec in p.sections, f"section {sec} missing"
    for anchor in ("summary", *SECTIONS_ONE[1:]):
        assert anchor in p.ids
    assert "groups" not in p.sections and "Groups side by side" not in html
    assert p.svgs >= 3
    assert "@media print" in html and "break-before: page" in html
    # absent classroom data says so
    assert html.count("not recorded") >= 4
    assert "Student forecasts: <strong>not recorded</strong>" in html
    # the debrief material: questions, claims, assumptions with their item paths
    scn = load_scenario(ROOT / "scenarios" / "venezuela-2025.yaml").scenario
    assert scn.debrief[0][:40].replace("'", "&#39;") in html
    assert "CLAIM" in html and "actors.usa.options." in html and "metrics.tension" in html
    # deterministic: the same log gives the same bytes
    out2 = tmp_path / "again.html"
    assert brink("report", str(logs["auto"]), "-o", str(out2), "--worlds", WORLDS).returncode == 0
    assert out2.read_bytes() == out.read_bytes()

    # exports
    cols = {
        "turns": "group turn actor decided_by move stage_before stage_after tension_end p_war_move",
        "forecasts": "group turn team actor within happened brier_team team_p_war model_p_war",
        "scores": "group team actor brier_mean model_brier_mean shown_model_brier_mean",
        "sides": "group actor actor_name objective_score expected_score score_percentile",
        "gradebook": "group student team side brier_mean objective_score ending",
        "outcomes": "group outcome happened share_as_played share_random worlds",
        "decisions": "group turn actor option chosen p_war p_outcome_war p_outcome_running",
    }
    doc = json.loads(js.read_text(encoding="utf-8"))
    for name, want in cols.items():
        raw = (csv_dir / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name  # UTF-8 with a BOM, for Excel
        with (csv_dir / f"{name}.csv").open(encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            assert len(set(header)) == len(header), (name, header)  # unique headers
            rows = list(reader)
            assert set(want.split()) <= set(reader.fieldnames or []), (name, reader.fieldnames)
        assert len(doc[name]) == len(rows)
        assert doc["columns"][name] == reader.fieldnames
    turns = list(csv.DictReader((csv_dir / "turns.csv").open(encoding="utf-8-sig")))
    assert len(turns) == 2 * doc["report"]["groups"][0]["turns"]
    # rounded: a probability to 3 decimals, a metric to 1
    assert all(len(r["p_war_move"].partition(".")[2]) <= 3 for r in turns)
    assert all(len(r["tension_end"].partition(".")[2]) <= 1 for r in turns)
    outcomes = list(csv.DictReader((csv_dir / "outcomes.csv").open(encoding="utf-8-sig")))
    assert sum(int(r["happened"]) for r in outcomes) == 1
    assert abs(sum(float(r["share_as_played"]) for r in outcomes) - 1) < 0.01
    assert list(csv.DictReader((csv_dir / "forecasts.csv").open(encoding="utf-8-sig"))) == []
    sides = list(csv.DictReader((csv_dir / "sides.csv").open(encoding="utf-8-sig")))
    assert [r["actor"] for r in sides] == ["usa", "ven"]


@pytest.mark.slow
def test_classroom_log_shows_teams_console_and_forecasts(
    logs: dict[str, Path], tmp_path: Path, brink: Callable[..., Run]
) -> None:
    out = tmp_path / "class.html"
    csv_dir = tmp_path / "csv"
    r = brink(
        "report", str(logs["class"]), "-o", str(out), "--csv", str(csv_dir), "--worlds", WORLDS
    )
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    p = check_html(html)
    assert set(SECTIONS_ONE) <= set(p.sections)
    for team in ("Red", "Green", "Blue"):
        assert team in html
    code = json.loads(logs["class"].read_text(encoding="utf-8"))["log"]["settings"]["class_code"]
    assert code.startswith("VEN25-") and code in html and "90 s" in html
    assert "Teacher inject: “Oil tanker seized off the coast”" in html
    assert "Teacher fired the event" in html and "Teacher set Crisis tension to 70" in html
    assert "Teacher paused the game" in html and "TIMER RAN OUT" in html
    assert "Mean Brier" in html and "calibration" in html.lower()
    assert p.svgs >= 4  # stage, metrics…, odds, spread, calibration
    scores = list(csv.DictReader((csv_dir / "scores.csv").open(encoding="utf-8-sig")))
    by_team = {r["team"]: r for r in scores}
    assert len(by_team) == len(scores)  # one row per team, nothing repeated
    assert set(by_team) >= {"Red", "Green", "Blue"}
    assert all(float(by_team[t]["brier_mean"]) >= 0 for t in ("Red", "Green", "Blue"))
    assert all(by_team[t]["shown_model_brier_mean"] != "" for t in ("Red", "Green", "Blue"))
    assert "Model as shown to the team" in html
    fc = list(csv.DictReader((csv_dir / "forecasts.csv").open(encoding="utf-8-sig")))
    # one row per forecast: 2 a turn for 8 turns (or fewer if it ended)
    assert len(fc) >= 2 and len({(r["turn"], r["team"]) for r in fc}) == len(fc)
    cats = ("war", "settlement", "none")
    # each scored forecast's Brier is the hand formula on its own columns
    for row in fc:
        assert abs(sum(float(row[f"team_p_{k}"]) for k in cats) - 1) < 0.01
        if row["happened"] == "":
            continue
        bs = sum((float(row[f"team_p_{k}"]) - int(row["happened"] == k)) ** 2 for k in cats)
        assert abs(bs - float(row["brier_team"])) < 0.005
    book = list(csv.DictReader((csv_dir / "gradebook.csv").open(encoding="utf-8-sig")))
    assert sorted(r["team"] for r in book) == sorted(by_team)
    assert all(r["ending"] for r in book)


# --- several logs (duplicate mode) ----------------------------------------------------------------


@pytest.mark.slow
def test_report_from_two_logs_with_the_same_seed(
    logs: dict[str, Path], tmp_path: Path, brink: Callable[..., Run]
) -> None:
    out = tmp_path / "dup.html"
    js = tmp_path / "dup.json"
    pair = [str(logs["dup1"]), str(logs["dup2"])]
    r = brink("report", *pair, "-o", str(out), "--json", str(js), "--worlds", WORLDS)
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    p = check_html(html)
    for sec in SECTIONS:
        assert sec in p.sections
    # sections 2-6 for each group, once each
    assert p.sections.count("timeline") == 2 and p.sections.count("spread") == 2
    assert "g1-timeline" in p.ids and "g2-timeline" in p.ids
    assert "Group 1" in html and "Group 2" in html
    assert "Where their choices first differed" in html
    assert "Escalation ladder by group" in html
    assert "same world" in html  # same seed, same start
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert [g["group"] for g in doc["report"]["groups"]] == [1, 2]
    assert {r["group"] for r in doc["turns"]} == {1, 2}
    # the first turn where the choices differed, as the logs say
    l1 = json.loads(logs["dup1"].read_text())["log"]["turns"]
    l2 = json.loads(logs["dup2"].read_text())["log"]["turns"]
    first = next(
        i + 1 for i, (a, b) in enumerate(zip(l1, l2, strict=False)) if a["moves"] != b["moves"]
    )
    assert re.search(rf"Turn <strong>{first}</strong>", html)


@pytest.mark.slow
def test_logs_of_different_scenarios_are_refused(
    logs: dict[str, Path], tmp_path: Path, brink: Callable[..., Run]
) -> None:
    mini = ROOT / "tests" / "data" / "mini.yaml"
    other = computer_log(mini, tmp_path / "mini.json", 3)
    out = tmp_path / "x.html"
    r = brink("report", str(logs["auto"]), str(other), "-o", str(out), "--worlds", WORLDS)
    assert r.returncode == 2
    assert "different scenarios" in r.stderr and "Traceback" not in r.stderr


# --- bad logs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda raw: raw[: len(raw) // 2], "truncated"),
        (lambda raw: raw.replace(b'"stage": "', b'"stage": "x', 1), "corrupted"),
        (lambda raw: raw.replace(b'"seed"', b'"seeds"', 1), "missing the field"),
        (lambda raw: b"", "empty"),
        (lambda raw: b'{"format": "something else"}', "not a Brinkmanship save"),
    ],
)
def test_a_bad_log_gives_the_engine_message_and_exit_1(
    auto_log: Path, tmp_path: Path, damage: Any, words: str, brink: Callable[..., Run]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(damage(auto_log.read_bytes()))
    out = tmp_path / "r.html"
    r = brink("report", str(bad), "-o", str(out), "--worlds", WORLDS)
    assert r.returncode == 1
    assert str(bad) in r.stderr and words in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()


def test_a_missing_log_and_bad_worlds(
    tmp_path: Path, auto_log: Path, brink: Callable[..., Run]
) -> None:
    r = brink("report", str(tmp_path / "nope.json"), "-o", str(tmp_path / "r.html"))
    assert r.returncode == 1 and "no such file" in r.stderr
    r = brink("report", str(auto_log), "--worlds", "5", "-o", str(tmp_path / "r.html"))
    assert r.returncode == 2 and "--worlds" in r.stderr


def test_the_report_package_does_not_import_pygame() -> None:
    code = (
        "import sys, game.report.cli, game.report.report, game.report.briefing\n"
        "print(any(m.startswith('pygame') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.slow
def test_a_game_saved_before_its_first_turn_and_one_saved_mid_game(
    scenario_copy: Path, tmp_path: Path, brink: Callable[..., Run]
) -> None:
    s = Session.new(scenario_copy, seed=3, seats={"usa": Seat.team("Red")}, autosave=False)
    save_game(s, tmp_path / "zero.json")
    s.commit("usa", "talks")
    s.resolve()
    s.commit("usa", "talks")  # chosen, not yet resolved
    log = s.log
    log["forecasts"] = [
        {"turn": 1, "team": "Red", "actor": "usa", "within": 4, "probs": {"war": 0.1}},
        {"turn": 2, "team": "Red", "actor": "usa", "probs": {"war": 0.2, "nonsense": 0.1}},
    ]
    save_game(log, tmp_path / "mid.json")
    for name in ("zero", "mid"):
        out = tmp_path / f"{name}.html"
        r = brink("report", str(tmp_path / f"{name}.json"), "-o", str(out), "--worlds", WORLDS)
        assert r.returncode == 0, r.stderr
        html = out.read_text(encoding="utf-8")
        p = check_html(html)
        assert set(SECTIONS_ONE) <= set(p.sections)
    assert "No decision was resolved" in (tmp_path / "zero.html").read_text(encoding="utf-8")
    mid = (tmp_path / "mid.html").read_text(encoding="utf-8")
    assert "No ending yet" in mid and "window still open" in mid
    assert "1 forecast entry in the log could not be read" in mid  # singular: a plural template
