"""``brink`` / ``brink play``: the game window, or the terminal game with ``--text``."""

from __future__ import annotations

import argparse
import importlib.util


def main(args: argparse.Namespace) -> int:
    if args.text:
        from game.engine.textplay import main as text_main

        return text_main(args)
    if importlib.util.find_spec("game.ui.app") is None:
        print(_OVERVIEW)
        return 0
    from game.ui.app import main as window_main

    return window_main(args)


_OVERVIEW = """Brinkmanship — a crisis-escalation game.

The game window is not part of this build yet. Meanwhile:
  brink check scenarios/venezuela-2025.yaml   validate a scenario
  brink simulate scenarios/venezuela-2025.yaml --runs 20000 --seed 1
  brink play --text                           play in the terminal
  brink --help                                every command"""
