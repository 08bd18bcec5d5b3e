"""Screenshots of the classroom server's pages at phone (390 px) and laptop (1280 px)
widths, from a real lesson of the shipped scenario in Debian's Chromium.

    python tools/serve_screenshots.py [OUT_DIR]     # default docs/screenshots/serve
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serve_support import ServerProcess  # noqa: E402

PIN = "1357"
WIDTHS = (390, 1280)


def shot(page: Page, out: Path, name: str) -> None:
    for w in WIDTHS:
        page.set_viewport_size({"width": w, "height": 860})
        page.wait_for_timeout(150)
        page.screenshot(path=str(out / f"{name}-{w}.png"), full_page=True)
        print(out / f"{name}-{w}.png")


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "serve"
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    server = ServerProcess(
        ROOT / "scenarios" / "venezuela-2025.yaml", tmp / "lesson",
        "--groups", "2", "--teams-per-side", "2", "--pin", PIN, "--seed", "11",
        "--timer", "300", "--turns", "6",
    )  # fmt: skip
    server.start()
    m = re.search(r"join code (\S+)", server.output)
    assert m, server.output
    code = m.group(1)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(server.url + "/")
            shot(page, out, "join")
            page.fill("#code", code)
            page.press("#code", "Enter")
            page.wait_for_selector("text=Choose your team")
            shot(page, out, "pick")
            page.locator(
                "form:has(input[name=group][value='1']):has(input[name=team][value='US 1']) button"
            ).click()
            page.wait_for_selector(".odds")
            page.locator("form.forecast input[type=number]").nth(0).fill("5")
            page.locator("form.forecast input[type=number]").nth(2).fill("15")
            page.locator("form.forecast button").click()
            page.wait_for_selector("text=Forecast in")
            shot(page, out, "team")
            other = browser.new_page()
            other.goto(server.url + "/")
            other.fill("#code", code)
            other.press("#code", "Enter")
            other.locator(
                "form:has(input[name=group][value='1']):has(input[name=team][value='Venezuela 1'])"
                " button"
            ).click()
            other.locator("form.options input[type=radio]:not([disabled])").first.check()
            other.locator("form.options button.primary").click()
            page.locator("form.options input[type=radio]:not([disabled])").nth(1).check()
            page.locator("form.options button.primary").click()
            page.wait_for_selector("text=Turn 2 of")
            page.wait_for_selector(".odds")
            shot(page, out, "team-turn2")
            board = browser.new_page()
            board.goto(server.url + "/board")
            shot(board, out, "board")
            teacher = browser.new_page()
            teacher.goto(server.url + "/teacher")
            shot(teacher, out, "teacher-pin")
            teacher.fill("#pin", PIN)
            teacher.press("#pin", "Enter")
            teacher.wait_for_selector("text=True values")
            shot(teacher, out, "teacher")
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
