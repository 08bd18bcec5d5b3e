"""Command line: ``brink [play|check|simulate|autoplay|lab|sweep|replay|report|...]``.

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
from game.scenario.paths import default_scenario

# The scenario a command plays when none is named (one place: game/scenario/paths.py).
_DEFAULT = default_scenario().stem


def _cmd_check(args: argparse.Namespace) -> int:
    from game.scenario import check_file
    from game.scenario.load import check_fact_sheet, is_fact_sheet
    from game.words import count_text

    failed = False
    if not args.files:  # every scenario on this machine: shipped and the teachers' folder
        from game.scenario.paths import scenario_files

        args.files = [str(f) for f in scenario_files()]
    for name in args.files:
        sheet = is_fact_sheet(name)
        if sheet:
            facts, problems = check_fact_sheet(name)
        else:
            loaded, problems = check_file(name)
        for p in problems:
            print(p)
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity != "error"]
        if errors or (args.strict and warnings):
            failed = True
            continue
        tail = f", {count_text(len(warnings), 'warning')}" if warnings else ""
        if sheet and facts is not None:
            print(
                f"{name}: ok — fact sheet, {count_text(len(facts.facts), 'fact')}, "
                f"{count_text(len(facts.sources), 'source')}" + tail
            )
        elif not sheet and loaded is not None:
            s = loaded.scenario
            n_opts = sum(len(a.options) for a in s.actors)
            print(
                f"{name}: ok — {count_text(len(s.metrics), 'metric')}, "
                f"{count_text(len(s.actors), 'actor')}, {count_text(n_opts, 'option')}, "
                f"{count_text(len(s.events), 'event')}, {count_text(len(s.ladder), 'stage')}, "
                f"{count_text(len(s.outcomes), 'outcome')}" + tail
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


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from game.scenario import check_file
    from game.scenario.discovery import discover
    from game.scenario.paths import teachers_dir

    found = discover(args.paths)
    width = max((len(f.source) for f in found), default=0)
    for f in found:
        loaded, problems = check_file(f.path)
        if loaded is not None:
            about = f"{loaded.scenario.meta.id} — {loaded.scenario.meta.title}"
        else:
            errors = [p for p in problems if p.severity == "error"]
            about = f"INVALID ({len(errors)} errors; brink check {f.path})"
        print(f"{f.source:<{width}}  {about}\n{'':<{width}}  {f.path}")
    print(
        f"\nTeachers' folder: {teachers_dir()}"
        "\n(`brink new-scenario NAME` puts a starting scenario there.)"
    )
    return 0


def _cmd_new_scenario(args: argparse.Namespace) -> int:
    from game.scenario.discovery import NewScenarioError, new_scenario

    try:
        scen, facts = new_scenario(args.name, force=args.force)
    except NewScenarioError as e:
        print(f"brink new-scenario: {e}", file=sys.stderr)
        return 1
    print(f"Wrote {scen}\n  and its fact sheet {facts}")
    print(
        "Edit both, then run: brink check --strict "
        f'"{scen}"\nThe game lists it under "teachers\' folder" (brink scenarios).'
    )
    return 0


class _Version(argparse.Action):
    """``--version``: the version, and where the shipped data and the player's data are."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kw: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and data folders")

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        from game.scenario.paths import describe

        print(f"brinkmanship {__version__}\n{describe()}")
        parser.exit()


def _lazy(target: str):
    module, func = target.split(":")

    def run(args: argparse.Namespace) -> int:
        return int(getattr(importlib.import_module(module), func)(args) or 0)

    return run


def _scenario_arg(text: str) -> str:
    """A scenario argument: a path as given, or the file a scenario name stands for."""
    if Path(text).exists():
        return text
    from game.scenario.discovery import by_name

    found = by_name(text)
    return str(found) if found is not None else text  # unknown: the command names it


def _resolve_scenarios(args: argparse.Namespace) -> None:
    """Let scenario arguments be names (a shipped file's name without .yaml), so commands
    work from any folder."""
    if isinstance(getattr(args, "scenario", None), str):
        args.scenario = _scenario_arg(args.scenario)
    elif args.command in ("simulate", "autoplay"):
        from game.scenario.paths import default_scenario

        args.scenario = str(default_scenario())
    if args.command == "check":
        args.files = [_scenario_arg(f) for f in args.files]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="brink",
        description="Brinkmanship: a crisis-escalation game. With no command, opens the game.",
    )
    p.add_argument("--version", action=_Version)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="open the game window (default), or play in the terminal")
    play.add_argument("scenario", nargs="?", help=f"scenario file (default: {_DEFAULT})")
    play.add_argument("--text", action="store_true", help="play in the terminal instead")
    play.add_argument("--as", dest="actor", help="actor to play (text mode)")
    play.add_argument("--seed", type=int, help="random seed (default: random, shown)")
    play.add_argument("--size", help="window size, e.g. 1280x720")
    play.set_defaults(func=_lazy("game.play:main"))

    chk = sub.add_parser("check", help="validate scenario files; exit 1 on any error")
    chk.add_argument(
        "files", nargs="*", help="scenario files or names (default: every scenario on offer)"
    )
    chk.add_argument("--strict", action="store_true", help="treat warnings as errors")
    chk.set_defaults(func=_cmd_check)

    sch = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    sch.add_argument("-o", "--output", help="write to this file instead of stdout")
    sch.set_defaults(func=_cmd_schema)

    sim = sub.add_parser("simulate", help="Monte Carlo: outcome odds over many worlds")
    sim.add_argument("scenario", nargs="?", help=f"scenario file or name (default: {_DEFAULT})")
    sim.add_argument("--runs", type=int, default=10_000, help="worlds to simulate")
    sim.add_argument("--turns", type=int, help="turns to run (default: the scenario's limit)")
    sim.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    sim.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="ACTOR=POLICY",
        help="ACTOR=OPTION, random, mix:opt=0.5,opt2=0.5, line:opt,opt2,... (one option a "
        "turn, then hold course) or history (the scenario's history line); a bare "
        "'history' plays every side's line (default: random)",
    )
    sim.add_argument(
        "--injects",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="fire the scenario's scheduled injects at the start of their turn (default: on)",
    )
    sim.add_argument("--json", action="store_true", help="print one JSON object")
    sim.add_argument("--csv", metavar="FILE", help="also write tidy rows to FILE")
    sim.set_defaults(func=_lazy("game.model.cli:simulate"))

    auto = sub.add_parser("autoplay", help="computer against computer, turn by turn")
    auto.add_argument("scenario", nargs="?", help=f"scenario file or name (default: {_DEFAULT})")
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

    lab = sub.add_parser(
        "lab", help="many computer-against-computer games: outcome shares and calibration bands"
    )
    lab.add_argument("scenario", help="scenario file")
    lab.add_argument("--games", type=int, default=1000, help="games to play (default 1000)")
    lab.add_argument(
        "--seed", type=int, default=0, help="game k plays as autoplay --seed SEED+k (default 0)"
    )
    lab.add_argument("--turns", type=int, help="stop every game after this many turns")
    lab.add_argument(
        "--worlds", type=int, help="computer's forecast worlds (default: the game's, 2000)"
    )
    lab.add_argument("--horizon", type=int, help="computer's look-ahead in turns (default 6)")
    lab.add_argument(
        "--workers", type=int, default=1, help="processes of a local Dask cluster (default 1: none)"
    )
    lab.add_argument("--scheduler", metavar="ADDRESS", help="run the games on this Dask cluster")
    lab.add_argument("--json", action="store_true", help="print one JSON object")
    lab.add_argument(
        "--games-detail", action="store_true", help="with --json: every game's moves too"
    )
    lab.add_argument("--csv", metavar="FILE", help="also write one row per game and turn")
    lab.set_defaults(func=_lazy("game.lab.cli:lab"))

    sw = sub.add_parser("sweep", help="sensitivity: which numbers move the calibration bands")
    sw.add_argument("scenario", help="scenario file")
    sw.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="PATH=LOW:HIGH",
        help="a number of the YAML and its range, e.g. options.strike_boats.effects.tension.mean",
    )
    sw.add_argument("--samples", type=int, default=16, help="parameter sets (default 16)")
    sw.add_argument("--method", choices=["lhs", "sobol"], default="lhs", help="sampling design")
    sw.add_argument(
        "--mode", choices=["lab", "simulate"], default="lab", help="run the lab or simulate"
    )
    sw.add_argument("--games", type=int, default=50, help="lab games per sample (default 50)")
    sw.add_argument("--runs", type=int, default=5000, help="simulate worlds per sample")
    sw.add_argument("--worlds", type=int, help="computer's forecast worlds (lab mode)")
    sw.add_argument("--horizon", type=int, help="computer's look-ahead (lab mode)")
    sw.add_argument("--seed", type=int, default=0, help="seed of the design and the games")
    sw.add_argument("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler")
    sw.add_argument(
        "--workers", type=int, default=2, help="local cluster processes (default 2; 0: serial)"
    )
    sw.add_argument("--html", metavar="FILE", help="write the tornado chart page to FILE")
    sw.add_argument("--json", action="store_true", help="print one JSON object")
    sw.set_defaults(func=_lazy("game.lab.cli:sweep"))

    rep = sub.add_parser("replay", help="re-play a saved game")
    rep.add_argument("file", help="a saved game (JSON)")
    rep.add_argument("--check", action="store_true", help="exit 0 only if the replay is identical")
    rep.add_argument(
        "--scenario",
        metavar="FILE",
        help="the scenario file, when it has moved since the game was saved",
    )
    rep.set_defaults(func=_lazy("game.engine.cli:replay"))

    report = sub.add_parser("report", help="after-action report (HTML) from saved games")
    report.add_argument("logs", nargs="+", help="saved games (several: compared side by side)")
    report.add_argument("-o", "--output", default="report.html", help="HTML file to write")
    report.add_argument("--csv", metavar="DIR", help="also write CSV tables to DIR")
    report.add_argument("--json", metavar="FILE", help="also write the data as JSON")
    report.add_argument(
        "--worlds", type=int, default=10_000, help="worlds for the luck-versus-judgment replay"
    )
    report.add_argument(
        "--scenario",
        metavar="FILE",
        help="the scenario file, when it has moved since the games were saved",
    )
    report.set_defaults(func=_lazy("game.report.cli:report"))

    brief = sub.add_parser("briefing", help="printable role briefing (HTML) for one side")
    brief.add_argument("scenario", help="scenario file or name")
    brief.add_argument("--actor", required=True, help="the side to brief (an actor id)")
    brief.add_argument("-o", "--output", default="briefing.html", help="HTML file to write")
    brief.add_argument(
        "--as-of",
        metavar="DATE",
        help="list only the facts known on this day, YYYY-MM-DD (default: the scenario's "
        "facts_as_of)",
    )
    brief.set_defaults(func=_lazy("game.report.cli:briefing"))

    scn = sub.add_parser(
        "scenarios", help="list the scenarios on offer: shipped, teachers' folder, given paths"
    )
    scn.add_argument("paths", nargs="*", help="more scenario files or folders to list")
    scn.set_defaults(func=_cmd_scenarios)

    new = sub.add_parser(
        "new-scenario", help="copy a starting scenario into the teachers' folder as NAME.yaml"
    )
    new.add_argument("name", help="file name and scenario id, e.g. border-dispute")
    new.add_argument("--force", action="store_true", help="overwrite NAME.yaml if it exists")
    new.set_defaults(func=_cmd_new_scenario)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``brink`` and ``python -m game``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["play", *(argv or [])])
    _resolve_scenarios(args)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
