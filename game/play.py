"""``brink`` / ``brink play``: the game window, or the terminal game with ``--text``."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path


def main(args: argparse.Namespace) -> int:
    if getattr(args, "scenario", None) and not args.text:
        # a bad file is reported here, before a window opens only to show an error
        problem = _cannot_open(args.scenario)
        if problem:
            print(f"brink play: error: {problem}", file=sys.stderr)
            return 1
    if args.text:
        from game.engine.textplay import main as text_main

        return text_main(args)
    if importlib.util.find_spec("game.ui.app") is None:
        print(_OVERVIEW)
        return 0
    from game.ui.app import main as window_main

    return window_main(args)


def _cannot_open(name: str) -> str | None:
    """Why ``name`` (a scenario, or a save to continue) cannot be played, or None."""
    from game.errors import BrinkError

    path = Path(name)
    try:
        if path.suffix.lower() == ".json":
            from game.engine.saves import read_save

            read_save(path)
        else:
            from game.scenario import load_scenario

            load_scenario(path)
    except BrinkError as e:
        return str(e)
    except OSError as e:
        return f"cannot read {name}: {e.strerror or e}"
    return None


_OVERVIEW = """Brinkmanship — a crisis-escalation game.

The game window is not part of this build yet. Meanwhile:
  brink check scenarios/venezuela-2025.yaml   validate a scenario
  brink simulate scenarios/venezuela-2025.yaml --runs 20000 --seed 1
  brink play --text                           play in the terminal
  brink --help                                every command"""
