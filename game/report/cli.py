"""``brink report`` and ``brink briefing`` (the parsers live in ``game/cli.py``).

Exit codes: 0 done; 1 a log or scenario that cannot be read (the message says
which file and why) or an output that cannot be written; 2 a usage mistake
(unknown actor, --worlds out of range, logs of different scenarios).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from game import csvsafe
from game.engine.cli import ask_pin, save_error_text
from game.engine.saves import SaveError
from game.i18n import _, format_number, os_error_text

MIN_WORLDS = 100
MAX_WORLDS = 1_000_000


def _err(msg: str) -> None:
    print(_("error: {message}", message=msg), file=sys.stderr)


def report(args: argparse.Namespace) -> int:
    """``brink report LOG... -o report.html [--csv DIR] [--json FILE] [--worlds N]``."""
    from game.report.export import write_csv, write_json
    from game.report.report import ReportError, build_report, write

    worlds = int(getattr(args, "worlds", 10_000) or 10_000)
    if not MIN_WORLDS <= worlds <= MAX_WORLDS:
        _err(
            _(
                "--worlds must be between {low} and {high}, got {worlds}",
                low=format_number(MIN_WORLDS),
                high=format_number(MAX_WORLDS),
                worlds=format_number(worlds),
            )
        )
        return 2
    clash = _overwrites_input(args)
    if clash:
        _err(clash)
        return 2
    quiet = bool(getattr(args, "quiet", False))
    t0 = time.perf_counter()

    def progress(msg: str) -> None:
        if not quiet:
            print(msg, file=sys.stderr)

    roster = None
    if getattr(args, "roster", None):
        from game.report.export import read_roster

        try:
            roster = read_roster(args.roster)
        except (OSError, ValueError) as e:
            _err(str(e))
            return 1
    try:
        rep = build_report(
            list(args.logs),
            worlds=worlds,
            progress=progress,
            scenario=getattr(args, "scenario", None),
            pin=ask_pin(args),
            roster=roster,
        )
    except SaveError as e:
        _err(save_error_text(e))
        return 1
    except ReportError as e:
        _err(str(e))
        return 2
    try:
        out = write(rep, args.output or "report.html")
        written = [out]
        if getattr(args, "csv", None):
            enc = "utf-8" if getattr(args, "no_bom", False) else args.csv_encoding
            tables, lost = write_csv(args.csv, rep.tables, rep.games, enc)
            written += tables
            if lost:
                print(csvsafe.lost_text(args.csv, lost, enc), file=sys.stderr)
        if getattr(args, "json", None):
            written.append(write_json(args.json, rep.tables, rep.games, rep.analyses))
    except OSError as e:
        _err(
            _(
                "cannot write {path}: {error}",
                path=e.filename or args.output,
                error=os_error_text(e),
            )
        )
        return 1
    if not quiet:
        dt = time.perf_counter() - t0
        print(
            _(
                "Wrote {files} ({seconds} s)",
                files=", ".join(str(p) for p in written),
                seconds=format_number(dt, 1),
            )
        )
    return 0


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except (OSError, ValueError):
        return False


def _overwrites_input(args: argparse.Namespace) -> str | None:
    """Why the outputs asked for would write over a log being read, or None."""
    from game.report.export import TABLES

    outs = [Path(args.output or "report.html")]
    if getattr(args, "json", None):
        outs.append(Path(args.json))
    if getattr(args, "csv", None):
        outs += [Path(args.csv) / f"{name}.csv" for name in TABLES]
    for log in args.logs:
        for out in outs:
            if _same_file(Path(log), out):
                return _(
                    "{path} is one of the saves being read: choose another output file", path=out
                )
    return None


def _scenario_path(text: str) -> Path:
    """A scenario file, or the name of a shipped one (its file name without .yaml, or its id)."""
    p = Path(text)
    if p.exists():
        return p
    from game.scenario.paths import scenario_files

    for f in scenario_files():
        if text in (f.stem, f.stem.replace("-", "_"), f.name):
            return f
    return p


def briefing(args: argparse.Namespace) -> int:
    """``brink briefing SCENARIO --actor ID -o FILE.html``."""
    from game.engine.saves import write_atomic
    from game.report.briefing import UnknownActor, briefing_html
    from game.scenario import ScenarioError, load_scenario

    as_of = None
    if getattr(args, "as_of", None):
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            _err(_("--as-of {date!r} is not a date; write it as YYYY-MM-DD", date=args.as_of))
            return 2
    path = _scenario_path(args.scenario)
    try:
        loaded = load_scenario(path)
    except ScenarioError as e:
        _err(_("the scenario has errors:\n{errors}", errors=e))
        return 1
    except OSError as e:
        _err(_("cannot read {path}: {error}", path=args.scenario, error=os_error_text(e)))
        return 1
    try:
        html = briefing_html(loaded, args.actor, as_of)
    except UnknownActor as e:
        _err(str(e))
        return 2
    out = Path(args.output or "briefing.html")
    try:
        write_atomic(out, html.encode("utf-8"))
    except OSError as e:
        _err(_("cannot write {path}: {error}", path=out, error=os_error_text(e)))
        return 1
    if not getattr(args, "quiet", False):
        print(_("Wrote {path}", path=out))
    return 0
