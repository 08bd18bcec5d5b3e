"""Layer rule: nothing below game/ui imports pygame, so the CLI, the engine and the
report run on machines without a display."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import game

BELOW_UI = ("game.scenario", "game.model", "game.engine", "game.report", "game.lab", "game.cli")


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(game.__path__, "game."):
        if info.name.startswith(BELOW_UI):
            names.append(info.name)
    return names


def test_layers_below_ui_do_not_import_pygame() -> None:
    mods = _modules()
    assert "game.model.step" in mods
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'pygame' or m.startswith('pygame.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"pygame imported by a lower layer: {out.stdout}"


def test_brink_check_does_not_import_pygame() -> None:
    mini = Path(__file__).parent / "data" / "mini.yaml"
    code = (
        "import sys\n"
        "from game.cli import main\n"
        f"rc = main(['check', {str(mini)!r}])\n"
        "print(rc, any(m.startswith('pygame') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0 False"
