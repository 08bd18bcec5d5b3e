"""``brink`` / ``brink play``: the game window, or the terminal game with ``--text``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.i18n import _, os_error_text


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
    try:
        from game.ui.app import main as window_main
    except ImportError as e:  # pygame-ce or pygame_gui missing or broken on this machine
        print(
            _(
                "The game window cannot open: {problem}.\nInstall the game's packages "
                "(python -m pip install -e .), or play in the terminal: brink play --text",
                problem=e,
            ),
            file=sys.stderr,
        )
        return 1
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
        return _("cannot read {path}: {error}", path=name, error=os_error_text(e))
    return None
