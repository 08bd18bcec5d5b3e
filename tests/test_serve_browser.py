"""A whole lesson in a real browser: four team devices, the projector board and the
teacher, each its own Chromium context, against ``brink serve`` in a child process —
with a refresh and a server restart in the middle, to the after-action report.

Also: nothing a team's browser receives (pages and WebSocket messages) holds the true
value of a metric its side cannot see. Screenshots at phone and laptop widths go to
``BRINK_SERVE_SHOTS`` when it is set (docs/screenshots/serve/ is made that way).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from serve_support import ServerProcess

from game.engine import load_game

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCENARIO = Path(__file__).parent / "data" / "mini.yaml"
PIN = "2468"

playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():  # pragma: no cover - CI installs it (.ci/run)
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


def _hidden_values(lesson_dir: Path) -> dict[str, list[str]]:
    """For each side, text forms of the true values of the metrics it only estimates."""
    out: dict[str, list[str]] = {}
    for path in sorted(lesson_dir.glob("group-*.json")):
        s = load_game(path)
        worlds = [t["result"]["x"] for t in s.log["turns"]] + [list(s.state.x[0])]
        for actor in s.actors:
            v = s.view(actor)
            for i, m in enumerate(v.metrics):
                if not m.exact:
                    for xs in worlds:
                        x = float(xs[i])
                        out.setdefault(actor, []).extend([repr(x), f"{x:.1f}", f"{x:.2f}"])
    return out


class Device:
    """One browser context (a phone or a laptop in the room) and what its sockets got."""

    def __init__(self, browser: Any, base: str, width: int) -> None:
        self.ctx = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.ctx.new_page()
        self.base = base
        self.frames: list[str] = []
        self.page.on("websocket", self._ws)
        self.page.set_default_timeout(30_000)

    def _ws(self, ws: Any) -> None:
        ws.on("framereceived", lambda payload: self.frames.append(str(payload)))

    def shot(self, name: str, width: int) -> None:
        where = os.environ.get("BRINK_SERVE_SHOTS")
        if not where:
            return
        Path(where).mkdir(parents=True, exist_ok=True)
        self.page.set_viewport_size({"width": width, "height": 900})
        self.page.screenshot(path=str(Path(where) / f"{name}-{width}.png"), full_page=True)


def _join(dev: Device, code: str, group: int, team: str) -> None:
    dev.page.goto(dev.base + "/")
    dev.page.fill("#code", code)
    dev.page.press("#code", "Enter")  # the keyboard works as well as a tap
    dev.page.locator(
        f"form:has(input[name=group][value='{group}']):has(input[name=team][value='{team}']) button"
    ).click()
    dev.page.wait_for_selector("h1:has-text('" + team + "')")


def _play_turn(dev: Device, turn: int, forecast: bool) -> None:
    page = dev.page
    page.wait_for_selector(f"text=Turn {turn} of")
    if forecast:
        first = page.locator("form.forecast input[type=number]").first
        first.fill("20")
        page.locator("form.forecast button").click()
        page.wait_for_selector("text=Forecast in")
    page.locator("form.options input[type=radio]:not([disabled])").first.check()
    page.locator("form.options button.primary").click()
    # the last side to choose sees the next turn (or the end) at once
    page.locator(
        f"p.ok:has-text('Your side has chosen'), p.facts:has-text('Turn {turn + 1} of'), "
        'h2:has-text("Time\'s up")'
    ).first.wait_for()


def test_a_whole_lesson_in_the_browser(tmp_path: Path) -> None:
    lesson_dir = tmp_path / "lesson"
    server = ServerProcess(
        SCENARIO, lesson_dir, "--groups", "2", "--pin", PIN, "--seed", "7", "--turns", "3",
        "--blind",
    )  # fmt: skip
    server.start()
    meta = json.loads((lesson_dir / "lesson.json").read_text())
    assert meta["settings"] == {"blind": True, "length": 3, "mode": "turns"}
    code = re.search(r"join code (\S+)", server.output)
    assert code, server.output
    code_text = code.group(1)
    try:
        with playwright_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            base = server.url
            # the room: four teams (two groups, one team per side), the board, the teacher
            teams = [(1, "Blue"), (1, "Red"), (2, "Blue"), (2, "Red")]
            devs = {t: Device(browser, base, 390) for t in teams}
            board = Device(browser, base, 1280)
            teacher = Device(browser, base, 1280)

            devs[teams[0]].page.goto(base + "/")
            devs[teams[0]].shot("join", 390)
            devs[teams[0]].shot("join", 1280)
            devs[teams[0]].page.set_viewport_size({"width": 390, "height": 900})
            for (g, name), dev in devs.items():
                _join(dev, code_text, g, name)
            board.page.goto(base + "/board")
            assert code_text in board.page.content()
            assert board.page.locator(".qr svg").count() == 1
            teacher.page.goto(base + "/teacher")
            teacher.page.fill("#pin", PIN)
            teacher.page.press("#pin", "Enter")
            teacher.page.wait_for_selector("text=Teacher's dashboard")
            teacher.page.wait_for_selector("text=True values")

            # blind forecasting: no odds before the forecast, then the odds
            blue = devs[(1, "Blue")].page
            assert blue.locator(".odds").count() == 0
            devs[(1, "Blue")].shot("team-before-forecast", 390)

            # turn 1: everyone forecasts and chooses; the board follows live
            for t in teams:
                _play_turn(devs[t], 1, forecast=True)
            for dev in devs.values():
                dev.page.wait_for_selector("text=Turn 2 of")  # pushed, no reload
            board.page.wait_for_selector("text=Turn 2 of")
            devs[(1, "Blue")].page.set_viewport_size({"width": 390, "height": 900})
            devs[(1, "Blue")].shot("team", 390)
            devs[(1, "Blue")].shot("team", 1280)
            board.shot("board", 1280)
            board.shot("board", 390)
            teacher.shot("teacher", 1280)
            teacher.shot("teacher", 390)
            board.page.set_viewport_size({"width": 1280, "height": 900})
            teacher.page.set_viewport_size({"width": 1280, "height": 900})

            # a teacher's inject reaches every team of that group
            teacher.page.fill("#headline", "Storm over the strait")
            teacher.page.locator("form:has(#headline) button").click()
            blue.wait_for_selector("text=Storm over the strait")

            # a refresh keeps the team (device cookie)
            red2 = devs[(2, "Red")].page
            red2.reload()
            red2.wait_for_selector("h1:has-text('Red')")

            # turn 2 half played, then the server restarts: the lesson resumes
            _play_turn(devs[(1, "Blue")], 2, forecast=False)
            server.stop()
            server.start()
            assert "Resuming the lesson" in server.output
            blue.reload()
            blue.wait_for_selector("text=Your side has chosen")  # the commit survived
            for t in teams[1:]:
                devs[t].page.reload()
                _play_turn(devs[t], 2, forecast=False)
            for t in teams:
                _play_turn(devs[t], 3, forecast=False)
            # the lesson length (3 turns): time's up, a neutral ending
            for dev in devs.values():
                dev.page.reload()
                dev.page.wait_for_selector("text=Time's up")
            board.page.reload()
            board.page.wait_for_selector("text=Time's up")

            teacher.page.reload()
            teacher.page.locator("text=End the lesson now").click()
            teacher.page.wait_for_selector("text=The lesson has ended")
            teacher.shot("teacher-ended", 1280)
            report = teacher.ctx.new_page()
            report.goto(base + "/teacher/report", timeout=120_000)
            html = report.content()
            assert "Group 1" in html and "Group 2" in html

            # nothing a team's device received names a value its side cannot see
            hidden = _hidden_values(lesson_dir)
            for (_g, name), dev in devs.items():
                actor = name.lower()
                received = dev.page.content() + "\n".join(dev.frames)
                assert dev.frames, "no live updates reached the team"
                for text in hidden.get(actor, []):
                    # the value as a number on its own, not digits inside a timestamp
                    found = re.search(rf"(?<![\d.]){re.escape(text)}(?!\d)", received)
                    assert found is None, (name, text)
            browser.close()
    finally:
        server.stop()
