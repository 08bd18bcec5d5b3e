"""``brink`` / ``brink play``: the game window, or the terminal game with ``--text``."""

from __future__ import annotations

import argparse
import sys


def main(args: argparse.Namespace) -> int:
    if args.text:
        from game.engine.textplay import main as text_main

        return text_main(args)
    try:
        from game.ui.app import main as window_main
    except ImportError as e:  # pygame-ce or pygame_gui missing or broken on this machine
        print(
            f"The game window cannot open: {e}.\n"
            "Install the game's packages (python -m pip install -e .), or play in the "
            "terminal: brink play --text",
            file=sys.stderr,
        )
        return 1
    return window_main(args)
