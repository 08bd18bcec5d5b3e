"""Projector mode for the debrief: one large chart a screen, readable from the back of
a room at 1280 × 720, a class-wide chart of endings, axes' scales named, advisors folded,
and text that grows with the window."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from game.engine import AISettings, Session, branch_game, save_game
from game.report.report import build_report

SCENARIO = Path(__file__).parent / "data" / "golden" / "scenario" / "venezuela-2025.yaml"
CHEAP = AISettings(worlds=16, horizon=2, advice_worlds=16, advice_horizon=2)
# the chart's box on a 1280 × 720 screen: the width less the margins, the height less the
# slide's heading and note (the CSS in style.css, ".slide")
BOX_W, BOX_H = 1280 * 0.96, 720 - 130


def _games(tmp_path: Path) -> list[Path]:
    s = Session.new(SCENARIO, seed=3, ai=CHEAP, autosave=False, teams={"usa": ["Eagles"]})
    for _ in range(4):
        if s.over:
            break
        s.advice("usa")
        s.commit("usa", "hold")
        s.resolve()
    parent = save_game(s, tmp_path / "parent.json")
    b = branch_game(parent, 2)
    while not b.over and b.turn < s.turn:
        b.commit("usa", "talks" if b.turn == 1 else "hold")
        b.resolve()
    return [parent, save_game(b, tmp_path / "branch.json")]


def _slides(html: str) -> list[str]:
    proj = html[html.index('<section id="projector"') :]
    proj = proj[: proj.index("</section>")]
    return proj.split('<div class="slide"')[1:]


@pytest.mark.slow
def test_projector_slides_are_readable_at_1280_by_720(tmp_path: Path) -> None:
    paths = _games(tmp_path)
    html = build_report(paths, worlds=300).html
    assert 'href="#projector"' in html
    slides = _slides(html)
    titles = [re.search(r"<h2>(.*?)</h2>", s).group(1) for s in slides]  # type: ignore[union-attr]
    assert titles[0] == "Endings across the class"
    assert titles[1] == "What if: the odds of war in each timeline"
    assert sum("odds of war at each decision" in t for t in titles) == 2
    for s in slides:
        assert s.count("<svg") == 1  # one chart a screen
        w, h = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', s).groups())  # type: ignore[union-attr]
        scale = min(BOX_W / w, BOX_H / h)
        sizes = [float(v) for v in re.findall(r"font-size:\s*([\d.]+)px", s)]
        assert sizes and min(sizes) * scale >= 18, (s[:80], min(sizes) * scale)
    # a square-root (or log) axis says so
    odds = [s for s in slides if "odds of war" in s]
    assert odds and all("square-root scale" in s for s in odds)


@pytest.mark.slow
def test_one_game_report_folds_advisors_and_scales_text(tmp_path: Path) -> None:
    paths = _games(tmp_path)
    html = build_report(paths[:1], worlds=300).html
    assert 'data-section="groups"' not in html  # no empty "groups side by side" page
    assert not any("Endings across the class" in s for s in _slides(html))
    folded = re.findall(r'<details class="advice small"( open)?>', html)
    assert folded and not any(folded)  # advisors' lines are folded away by default
    m = re.search(r"html \{ font-size: clamp\((\d+)px, ([\d.]+)vw, (\d+)px\); \}", html)
    assert m is not None
    lo, vw, hi = int(m.group(1)), float(m.group(2)), int(m.group(3))
    assert hi >= 2 * lo and abs(vw * 1280 / 100 - lo) < 0.5  # 1× at 1280 px, up to 2×


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("chromium"), reason="needs chromium")
def test_projector_mode_opens_in_a_browser(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    out.write_text(build_report(_games(tmp_path), worlds=300).html, encoding="utf-8")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1280,720",
            f"--screenshot={shot}",
            out.as_uri() + "#projector",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 10_000
