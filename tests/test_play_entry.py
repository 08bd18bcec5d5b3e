"""``brink play`` on a machine where the window's packages cannot be imported."""

from __future__ import annotations

import subprocess
import sys


def test_play_without_pygame_says_what_to_do() -> None:
    code = (
        "import argparse, sys\n"
        "sys.modules['pygame'] = None  # as if pygame-ce were not installed\n"
        "from game.play import main\n"
        "sys.exit(main(argparse.Namespace(text=False)))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stderr
    assert "The game window cannot open" in r.stderr
    assert "brink play --text" in r.stderr
    assert "Traceback" not in r.stderr
