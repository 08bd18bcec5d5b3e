"""Command line: ``brink [play|check|schema|simulate|autoplay|replay|report|briefing|serve]``.

Each command's work lives in its own layer and is imported only when that
command runs, so ``brink check`` and ``brink simulate`` never import pygame.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from game import __version__


def _cmd_check(args: argparse.Namespace) -> int:
    from game.scenario import check_file

    failed = False
    for name in args.files:
        loaded, problems = check_file(name)
        for p in problems:
            print(p)
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity != "error"]
        if errors or (args.strict and warnings):
            failed = True
        elif loaded is not None:
            s = loaded.scenario
            n_opts = sum(len(a.options) for a in s.actors)
            print(
                f"{name}: ok — {len(s.metrics)} metrics, {len(s.actors)} actors, {n_opts} options, "
                f"{len(s.events)} events, {len(s.ladder)} stages, {len(s.outcomes)} outcomes"
                + (f", {len(warnings)} warnings" if warnings else "")
            )
    return 1 if failed else 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from game.scenario.schema_export import scenario_schema

    text = json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _lazy(target: str):
    module, func = target.split(":")

    def run(args: argparse.Namespace) -> int:
        return int(getattr(importlib.import_module(module), func)(args) or 0)

    return run


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="brink",
        description="Brinkmanship: a crisis-escalation game. With no command, opens the game.",
    )
    p.add_argument("--version", action="version", version=f"brinkmanship {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="open the game window (default), or play in the terminal")
    play.add_argument("scenario", nargs="?", help="scenario file (default: venezuela-2025)")
    play.add_argument("--text", action="store_true", help="play in the terminal instead")
    play.add_argument("--as", dest="actor", help="actor to play (text mode)")
    play.add_argument("--seed", type=int, help="random seed (default: random, shown)")
    play.add_argument("--size", help="window size, e.g. 1280x720")
    play.set_defaults(func=_lazy("game.play:main"))

    chk = sub.add_parser("check", help="validate scenario files; exit 1 on any error")
    chk.add_argument("files", nargs="+", help="scenario YAML files")
    chk.add_argument("--strict", action="store_true", help="treat warnings as errors")
    chk.set_defaults(func=_cmd_check)

    sch = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    sch.add_argument("-o", "--output", help="write to this file instead of stdout")
    sch.set_defaults(func=_cmd_schema)

    sim = sub.add_parser("simulate", help="Monte Carlo: outcome odds over many worlds")
    sim.add_argument("scenario", help="scenario file")
    sim.add_argument("--runs", type=int, default=10_000, help="worlds to simulate")
    sim.add_argument("--turns", type=int, help="turns to run (default: the scenario's limit)")
    sim.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    sim.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="ACTOR=POLICY",
        help="OPTION, random, or mix:opt=0.5,opt2=0.5 (default: random)",
    )
    sim.add_argument("--json", action="store_true", help="print one JSON object")
    sim.add_argument("--csv", metavar="FILE", help="also write tidy rows to FILE")
    sim.set_defaults(func=_lazy("game.model.cli:simulate"))

    auto = sub.add_parser("autoplay", help="computer against computer, turn by turn")
    auto.add_argument("scenario", help="scenario file")
    auto.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    auto.add_argument("--turns", type=int, help="stop after this many turns")
    auto.add_argument(
        "--as",
        dest="seats",
        action="append",
        default=[],
        metavar="ACTOR=ai|random|OPTION",
        help="who plays an actor (default: the computer)",
    )
    auto.add_argument("--save", metavar="FILE", help="save the game's log to FILE")
    auto.add_argument("--quiet", action="store_true", help="print only the outcome")
    auto.set_defaults(func=_lazy("game.engine.cli:autoplay"))

    rep = sub.add_parser("replay", help="re-play a saved game")
    rep.add_argument("file", help="a saved game (JSON)")
    rep.add_argument("--check", action="store_true", help="exit 0 only if the replay is identical")
    rep.set_defaults(func=_lazy("game.engine.cli:replay"))

    report = sub.add_parser("report", help="after-action report (HTML) from saved games")
    report.add_argument("logs", nargs="+", help="saved games (several: compared side by side)")
    report.add_argument("-o", "--output", default="report.html", help="HTML file to write")
    report.add_argument("--csv", metavar="DIR", help="also write CSV tables to DIR")
    report.add_argument("--json", metavar="FILE", help="also write the data as JSON")
    report.add_argument(
        "--worlds", type=int, default=10_000, help="worlds for the luck-versus-judgment replay"
    )
    report.set_defaults(func=_lazy("game.report.cli:report"))

    brief = sub.add_parser("briefing", help="printable role briefing (HTML) for one side")
    brief.add_argument("scenario", help="scenario file or name")
    brief.add_argument("--actor", required=True, help="the side to brief, e.g. usa")
    brief.add_argument("-o", "--output", default="briefing.html", help="HTML file to write")
    brief.set_defaults(func=_lazy("game.report.cli:briefing"))

    srv = sub.add_parser("serve", help="the classroom on students' own devices (a browser each)")
    srv.add_argument("scenario", help="scenario file or name, e.g. venezuela-2025")
    srv.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all)")
    srv.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    srv.add_argument("--groups", type=int, default=1, help="identical games side by side")
    srv.add_argument("--teams-per-side", type=int, default=1, help="teams on each side")
    srv.add_argument("--pin", help="teacher's PIN, 4-8 digits (default: a random one, printed)")
    srv.add_argument(
        "--mode",
        choices=["turns", "vote"],
        default="turns",
        help="several teams on one side take turns (default) or vote",
    )
    srv.add_argument("--blind", action="store_true", help="blind forecasting: odds after forecast")
    srv.add_argument("--turns", type=int, help="end the lesson after this many turns (time's up)")
    srv.add_argument("--timer", type=int, default=0, help="seconds per turn (0: no clock)")
    srv.add_argument("--seed", type=int, help="random seed (default: random, kept in the saves)")
    srv.add_argument("--lesson-dir", help="where the lesson is saved (default: the data dir)")
    srv.add_argument("--new", action="store_true", help="start afresh instead of resuming")
    srv.set_defaults(func=_lazy("game.serve.cli:serve"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``brink`` and ``python -m game``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["play", *(argv or [])])
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
