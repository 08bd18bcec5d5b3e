"""Command line: ``brink [play|check|simulate|autoplay|lab|sweep|replay|report|serve|...]``.

Each command's work lives in its own layer and is imported only when that
command runs, so ``brink check`` and ``brink simulate`` never import pygame.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from game import __version__
from game.errors import BrinkError
from game.i18n import N_, _, format_number, ngettext, os_error_text
from game.scenario.paths import default_scenario

# The scenario a command plays when none is named (one place: game/scenario/paths.py).
_DEFAULT = default_scenario().stem


def _stamp(name: str, sheet: bool) -> None:
    """``brink check --stamp``: record the English each translation of ``name`` (a scenario
    and its sheets, or one sheet) was made from, so a later change to it is reported."""
    from game.scenario import ScenarioError, load_scenario
    from game.scenario.translate import languages, sheet_texts, sidecar, stamp, stamp_all
    from game.scenario.yamlsafe import load_located

    done = []
    if sheet:
        data = load_located(Path(name)).data
        if isinstance(data, dict):
            key = "facts" if "facts" in data else "references"
            for lang in languages(name):
                path = sidecar(name, lang)
                done.append((path, stamp(path, sheet_texts(data, key))))
    else:
        try:
            done = stamp_all(load_scenario(name))
        except (ScenarioError, OSError):
            return  # the check below reports why it does not load
    for path, n in done:
        print(
            ngettext(
                "{path}: recorded the English of {n} translated text",
                "{path}: recorded the English of {n} translated texts",
                n,
                path=path,
            )
        )


def _cmd_check(args: argparse.Namespace) -> int:
    from game.scenario import check_file
    from game.scenario.load import (
        check_fact_sheet,
        check_reference_sheet,
        is_fact_sheet,
        is_reference_sheet,
    )

    failed = False
    if not args.files:  # every scenario on this machine: shipped and the teachers' folder
        from game.scenario.paths import scenario_files

        args.files = [str(f) for f in scenario_files()]
    for name in _translations_with_their_scenario(args.files):
        refsheet = is_reference_sheet(name)
        sheet = refsheet or is_fact_sheet(name)
        loaded = facts = refs = None
        if getattr(args, "stamp", False):
            _stamp(name, sheet)
        if sheet:
            from game.scenario.translate import check_sheet

            if refsheet:
                refs, problems = check_reference_sheet(name)
            else:
                facts, problems = check_fact_sheet(name)
            # Its translations, as for a scenario; a sheet that does not load would only
            # make every translated text look like a stray id, burying the real error.
            if facts is not None or refs is not None:
                problems = problems + check_sheet(name)
        else:
            loaded, problems = check_file(name)
        if loaded is not None:  # its translations: every id exists; --strict: every text
            from game.scenario.translate import check as check_translations

            problems = problems + check_translations(loaded)
        for p in problems:
            print(p)
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity != "error"]
        if errors or (args.strict and warnings):
            failed = True
            if not errors:  # say why a file with warnings only failed
                print(
                    ngettext(
                        "{file}: {n} warning, and --strict counts warnings as errors",
                        "{file}: {n} warnings, and --strict counts warnings as errors",
                        len(warnings),
                        file=name,
                    ),
                    file=sys.stderr,
                )
            continue
        tail = [ngettext("{n} warning", "{n} warnings", len(warnings))] if warnings else []
        if sheet and facts is not None:
            counts = [
                _("fact sheet"),
                ngettext("{n} fact", "{n} facts", len(facts.facts)),
                ngettext("{n} source", "{n} sources", len(facts.sources)),
                *tail,
            ]
            print(_("{file}: ok — {counts}", file=name, counts=_(", ").join(counts)))
        elif refs is not None:
            counts = [
                _("reference sheet"),
                ngettext("{n} reference", "{n} references", len(refs.references)),
                *tail,
            ]
            print(_("{file}: ok — {counts}", file=name, counts=_(", ").join(counts)))
        elif loaded is not None:
            s = loaded.scenario
            n_opts = sum(len(a.options) for a in s.actors)
            counts = [
                ngettext("{n} metric", "{n} metrics", len(s.metrics)),
                ngettext("{n} actor", "{n} actors", len(s.actors)),
                ngettext("{n} option", "{n} options", n_opts),
                ngettext("{n} event", "{n} events", len(s.events)),
                ngettext("{n} stage", "{n} stages", len(s.ladder)),
                ngettext("{n} outcome", "{n} outcomes", len(s.outcomes)),
                *tail,
            ]
            print(_("{file}: ok — {counts}", file=name, counts=_(", ").join(counts)))
    return 1 if failed else 0


def _translations_with_their_scenario(files: list[str]) -> list[str]:
    """``scenarios/*.yaml`` names translations too (``x.es.yaml``): check each as part of
    its scenario ``x.yaml``, once."""
    from game.scenario.paths import SIDECAR

    out: list[str] = []
    for name in files:
        base = SIDECAR.sub(".yaml", name)
        if base not in out:
            out.append(base)
    return out


def _cmd_schema(args: argparse.Namespace) -> int:
    from game.scenario.schema_export import scenario_schema

    text = json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as e:
            print(
                _(
                    "brink schema: error: cannot write {file}: {reason}",
                    file=args.output,
                    reason=os_error_text(e),
                ),
                file=sys.stderr,
            )
            return 1
    else:
        sys.stdout.write(text)
    return 0


# Bounds on command-line numbers: past them a command would run for days or run out
# of memory rather than fail with a message.
MAX_SEED = 2**63 - 1
MAX_RUNS = 1_000_000
MAX_TURNS = 200  # the schema's largest turn limit
MAX_WORLDS = 1_000_000


def _int_in(lo: int, hi: int):
    """An argparse type: a whole number from ``lo`` to ``hi``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("{text!r} is not a whole number", text=text[:40])
            ) from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                _(
                    "should be from {lo} to {hi}, got {value}",
                    lo=format_number(lo),
                    hi=format_number(hi),
                    value=format_number(value),
                )
            )
        return value

    return parse


def _file_name(text: str) -> str:
    """An argparse type: a file name that is not empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError(_("the file name is empty"))
    return text


MAX_GAMES = 1_000_000
_SEED = _int_in(0, MAX_SEED)
_TURNS = _int_in(1, MAX_TURNS)
# (the same limits as a save's AI settings: game/engine/saves.py)
_AI_WORLDS = _int_in(1, 100_000)
_AI_HORIZON = _int_in(1, 50)
_WORKERS = _int_in(0, 256)


# Where a scenario was found (game.scenario.discovery's labels), for the catalog.
_SOURCES = {
    "command line": N_("command line"),
    "shipped": N_("shipped"),
    "teachers' folder": N_("teachers' folder"),
}


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from game.i18n import language
    from game.scenario import check_file
    from game.scenario.discovery import discover
    from game.scenario.paths import teachers_dir

    found = discover(args.paths)
    sources = {f.source: _(_SOURCES.get(f.source, f.source)) for f in found}
    width = max((len(s) for s in sources.values()), default=0)
    for f in found:
        loaded, problems = check_file(f.path)
        if loaded is not None:
            title = loaded.in_language(language()).scenario.meta.title
            about = _("{id} — {title}", id=loaded.scenario.meta.id, title=title)
        else:
            errors = [p for p in problems if p.severity == "error"]
            about = ngettext(
                "INVALID ({n} error; brink check {path})",
                "INVALID ({n} errors; brink check {path})",
                len(errors),
                path=f.path,
            )
        print(f"{sources[f.source]:<{width}}  {about}\n{'':<{width}}  {f.path}")
    print()
    print(_("Teachers' folder: {path}", path=teachers_dir()))
    print(_("(`brink new-scenario NAME` puts a starting scenario there.)"))
    return 0


def _cmd_new_scenario(args: argparse.Namespace) -> int:
    from game.scenario.discovery import NewScenarioError, new_scenario

    try:
        scen, facts = new_scenario(args.name, force=args.force)
    except NewScenarioError as e:
        print(f"brink new-scenario: {e}", file=sys.stderr)
        return 1
    print(_("Wrote {scenario}\n  and its fact sheet {facts}", scenario=scen, facts=facts))
    print(_('Edit both, then run: brink check --strict "{scenario}"', scenario=scen))
    print(_('The game lists it under "teachers\' folder" (brink scenarios).'))
    return 0


class _Version(argparse.Action):
    """``--version``: the version, and where the shipped data and the player's data are."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kw: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help=_("show the version and data folders"))

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
    from game.scenario.discovery import by_name

    try:
        if Path(text).exists():
            return text
        found = by_name(text)
    except (OSError, ValueError):  # a name too long for the file system: the command says so
        return text
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


def _csv_encoding_option(parser: argparse.ArgumentParser) -> None:
    from game.csvsafe import DEFAULT_ENCODING, ENCODINGS, encoding_help

    parser.add_argument(
        "--csv-encoding",
        choices=list(ENCODINGS),
        default=DEFAULT_ENCODING,
        metavar="ENCODING",
        help=encoding_help(),
    )


def _pin_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--pin",
        nargs="?",
        const="",
        metavar="PIN",
        help=_("the teacher's PIN: {what} (--pin alone asks for it without showing it)", what=what),
    )


def _language_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--lang",
        default=default,
        metavar="LANG",
        help=_("language of the game and its messages, e.g. en or es (default: the system's)"),
    )


def _early_language(argv: Sequence[str]) -> str | None:
    """``--lang`` wherever it stands, read before the parser is built: its help is translated."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _saved_setting() -> str | None:
    """The language chosen in the game's settings, if any (read without opening a window)."""
    from game.scenario.paths import user_data_dir

    try:
        raw = json.loads((user_data_dir() / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = raw.get("language") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and value else None


# argparse's own words (usage line, headings, errors), in the game's catalog too.
_ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


def build_parser() -> argparse.ArgumentParser:
    # argparse looks its words up through its module's ``_`` each time: point it at ours.
    setattr(argparse, "_", _)  # noqa: B010
    p = argparse.ArgumentParser(
        prog="brink",
        description=_("Brinkmanship: a crisis-escalation game. With no command, opens the game."),
    )
    p.add_argument("--version", action=_Version)
    _language_option(p, None)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help=_("open the game window (default), or play in the terminal"))
    play.add_argument(
        "scenario", nargs="?", help=_("scenario file (default: {name})", name=_DEFAULT)
    )
    play.add_argument("--text", action="store_true", help=_("play in the terminal instead"))
    play.add_argument("--as", dest="actor", help=_("actor to play (text mode)"))
    play.add_argument("--seed", type=_SEED, help=_("random seed (default: random, shown)"))
    play.add_argument("--size", help=_("window size, e.g. 1280x720"))
    _pin_option(play, _("continue a sealed class game's save (text mode)"))
    play.set_defaults(func=_lazy("game.play:main"))

    chk = sub.add_parser("check", help=_("validate scenario files; exit 1 on any error"))
    chk.add_argument(
        "files", nargs="*", help=_("scenario files or names (default: every scenario on offer)")
    )
    chk.add_argument("--strict", action="store_true", help=_("treat warnings as errors"))
    chk.add_argument(
        "--stamp",
        action="store_true",
        help=_(
            "record in each translation the English it was made from (after reviewing "
            "them): a later change to the English is then reported"
        ),
    )
    chk.set_defaults(func=_cmd_check)

    sch = sub.add_parser("schema", help=_("print the JSON Schema of the scenario format"))
    sch.add_argument("-o", "--output", type=_file_name, help=_("write to this file, not stdout"))
    sch.set_defaults(func=_cmd_schema)

    sim = sub.add_parser("simulate", help=_("Monte Carlo: outcome odds over many worlds"))
    sim.add_argument(
        "scenario", nargs="?", help=_("scenario file or name (default: {name})", name=_DEFAULT)
    )
    sim.add_argument(
        "--runs", type=_int_in(1, MAX_RUNS), default=10_000, help=_("worlds to simulate")
    )
    sim.add_argument("--turns", type=_TURNS, help=_("turns to run (default: the scenario's limit)"))
    sim.add_argument("--seed", type=_SEED, default=0, help=_("random seed (default 0)"))
    sim.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="ACTOR=POLICY",
        help=_(
            "ACTOR=OPTION, random, mix:opt=0.5,opt2=0.5, line:opt,opt2,... (one option a "
            "turn, then hold course) or history (the scenario's history line); a bare "
            "'history' plays every side's line (default: random)"
        ),
    )
    sim.add_argument(
        "--injects",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=_("fire the scenario's scheduled injects at the start of their turn (default: on)"),
    )
    sim.add_argument("--json", action="store_true", help=_("print one JSON object"))
    sim.add_argument(
        "--csv", type=_file_name, metavar="FILE", help=_("also write tidy rows to FILE")
    )
    _csv_encoding_option(sim)
    sim.set_defaults(func=_lazy("game.model.cli:simulate"))

    auto = sub.add_parser("autoplay", help=_("computer against computer, turn by turn"))
    auto.add_argument(
        "scenario", nargs="?", help=_("scenario file or name (default: {name})", name=_DEFAULT)
    )
    auto.add_argument("--seed", type=_SEED, default=0, help=_("random seed (default 0)"))
    auto.add_argument("--turns", type=_TURNS, help=_("stop after this many turns"))
    auto.add_argument(
        "--as",
        dest="seats",
        action="append",
        default=[],
        metavar="ACTOR=ai|random|OPTION",
        help=_("who plays an actor (default: the computer)"),
    )
    auto.add_argument("--save", type=_file_name, metavar="FILE", help=_("save the log to FILE"))
    auto.add_argument("--quiet", action="store_true", help=_("print only the outcome"))
    auto.set_defaults(func=_lazy("game.engine.cli:autoplay"))

    lab = sub.add_parser(
        "lab", help=_("many computer-against-computer games: outcome shares and calibration bands")
    )
    lab.add_argument("scenario", help=_("scenario file"))
    lab.add_argument(
        "--games", type=_int_in(1, MAX_GAMES), default=1000, help=_("games to play (default 1000)")
    )
    lab.add_argument(
        "--seed",
        type=_SEED,
        default=0,
        help=_("game k plays as autoplay --seed SEED+k (default 0)"),
    )
    lab.add_argument("--turns", type=_TURNS, help=_("stop every game after this many turns"))
    lab.add_argument(
        "--worlds",
        type=_AI_WORLDS,
        help=_("computer's forecast worlds (default: the game's, 2000)"),
    )
    lab.add_argument(
        "--horizon", type=_AI_HORIZON, help=_("computer's look-ahead in turns (default 6)")
    )
    lab.add_argument(
        "--workers",
        type=_WORKERS,
        default=1,
        help=_("processes of a local Dask cluster (default 1: none)"),
    )
    lab.add_argument("--scheduler", metavar="ADDRESS", help=_("run the games on this Dask cluster"))
    lab.add_argument(
        "--as",
        dest="seats",
        action="append",
        default=[],
        metavar="ACTOR=random|OPTION",
        help=_("play an actor otherwise than by the computer, as autoplay --as"),
    )
    lab.add_argument(
        "--strategies",
        metavar="ACTOR",
        help=_(
            "the fixed-strategy table: ACTOR always playing each of its options, "
            "against the computer, beside the computer's own play"
        ),
    )
    lab.add_argument("--json", action="store_true", help=_("print one JSON object"))
    lab.add_argument(
        "--games-detail", action="store_true", help=_("with --json: every game's moves too")
    )
    lab.add_argument("--csv", metavar="FILE", help=_("also write one row per game and turn"))
    _csv_encoding_option(lab)
    lab.set_defaults(func=_lazy("game.lab.cli:lab"))

    sw = sub.add_parser("sweep", help=_("sensitivity: which numbers move the calibration bands"))
    sw.add_argument("scenario", help=_("scenario file"))
    sw.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="PATH=LOW:HIGH",
        help=_(
            "a number of the YAML and its range, e.g. options.strike_boats.effects.tension.mean"
        ),
    )
    sw.add_argument(
        "--samples", type=_int_in(1, 10_000), default=16, help=_("parameter sets (default 16)")
    )
    sw.add_argument("--method", choices=["lhs", "sobol"], default="lhs", help=_("sampling design"))
    sw.add_argument(
        "--mode", choices=["lab", "simulate"], default="lab", help=_("run the lab or simulate")
    )
    sw.add_argument(
        "--games",
        type=_int_in(1, MAX_GAMES),
        default=50,
        help=_("lab games per sample (default 50)"),
    )
    sw.add_argument(
        "--runs", type=_int_in(1, MAX_RUNS), default=5000, help=_("simulate worlds per sample")
    )
    sw.add_argument("--worlds", type=_AI_WORLDS, help=_("computer's forecast worlds (lab mode)"))
    sw.add_argument("--horizon", type=_AI_HORIZON, help=_("computer's look-ahead (lab mode)"))
    sw.add_argument("--seed", type=_SEED, default=0, help=_("seed of the design and the games"))
    sw.add_argument("--scheduler", metavar="ADDRESS", help=_("an existing Dask scheduler"))
    sw.add_argument(
        "--workers",
        type=_WORKERS,
        default=2,
        help=_("local cluster processes (default 2; 0: serial)"),
    )
    sw.add_argument("--html", metavar="FILE", help=_("write the tornado chart page to FILE"))
    sw.add_argument("--json", action="store_true", help=_("print one JSON object"))
    sw.set_defaults(func=_lazy("game.lab.cli:sweep"))

    rep = sub.add_parser("replay", help=_("re-play a saved game"))
    rep.add_argument("file", help=_("a saved game (JSON)"))
    rep.add_argument(
        "--check", action="store_true", help=_("exit 0 only if the replay is identical")
    )
    rep.add_argument(
        "--scenario",
        metavar="FILE",
        help=_("the scenario file, when it has moved since the game was saved"),
    )
    _pin_option(rep, _("open a sealed class game's save"))
    rep.set_defaults(func=_lazy("game.engine.cli:replay"))

    rel = sub.add_parser(
        "release", help=_("a finished class game's sealed save as a plain save, for the report")
    )
    rel.add_argument("file", help=_("the class game's (sealed) save"))
    rel.add_argument("-o", "--output", required=True, help=_("the plain save to write"))
    _pin_option(rel, _("required"))
    rel.set_defaults(func=_lazy("game.engine.cli:release"))

    br = sub.add_parser(
        "branch", help=_("what if: restart a saved game at a turn, with the same luck")
    )
    br.add_argument("file", help=_("a saved game (JSON)"))
    br.add_argument("--turn", type=int, required=True, help=_("the turn to play again (1 = start)"))
    br.add_argument(
        "-o",
        "--output",
        help=_("where to save the branch (default: the autosave folder, so Continue opens it)"),
    )
    _pin_option(br, _("branch a sealed class game's save"))
    br.set_defaults(func=_lazy("game.engine.cli:branch"))

    report = sub.add_parser("report", help=_("after-action report (HTML) from saved games"))
    report.add_argument("logs", nargs="+", help=_("saved games (several: compared side by side)"))
    report.add_argument(
        "-o", "--output", type=_file_name, default="report.html", help=_("HTML file to write")
    )
    report.add_argument(
        "--csv",
        type=_file_name,
        metavar="DIR",
        help=_("also write CSV tables to DIR (UTF-8 with a byte-order mark, for Excel)"),
    )
    _csv_encoding_option(report)
    report.add_argument("--no-bom", action="store_true", help=_("the same as --csv-encoding utf-8"))
    report.add_argument(
        "--roster",
        type=_file_name,
        metavar="CSV",
        help=_("a class roster (columns team, student): the gradebook gets a row per student"),
    )
    report.add_argument("--json", type=_file_name, metavar="FILE", help=_("also write the data"))
    report.add_argument(
        "--worlds",
        type=_int_in(1, MAX_WORLDS),
        default=10_000,
        help=_("worlds for the luck-versus-judgment replay"),
    )
    report.add_argument(
        "--scenario",
        metavar="FILE",
        help=_("the scenario file, when it has moved since the games were saved"),
    )
    _pin_option(report, _("open sealed class-game saves"))
    report.set_defaults(func=_lazy("game.report.cli:report"))

    brief = sub.add_parser("briefing", help=_("printable role briefing (HTML) for one side"))
    brief.add_argument("scenario", help=_("scenario file or name"))
    brief.add_argument("--actor", required=True, help=_("the side to brief (an actor id)"))
    brief.add_argument(
        "-o", "--output", type=_file_name, default="briefing.html", help=_("HTML file to write")
    )
    brief.add_argument(
        "--as-of",
        metavar="DATE",
        help=_(
            "list only the facts known on this day, YYYY-MM-DD (default: the scenario's "
            "facts_as_of)"
        ),
    )
    brief.set_defaults(func=_lazy("game.report.cli:briefing"))

    scn = sub.add_parser(
        "scenarios", help=_("list the scenarios on offer: shipped, teachers' folder, given paths")
    )
    scn.add_argument("paths", nargs="*", help=_("more scenario files or folders to list"))
    scn.set_defaults(func=_cmd_scenarios)

    new = sub.add_parser(
        "new-scenario", help=_("copy a starting scenario into the teachers' folder as NAME.yaml")
    )
    new.add_argument("name", help=_("file name and scenario id, e.g. border-dispute"))
    new.add_argument("--force", action="store_true", help=_("overwrite NAME.yaml if it exists"))
    new.set_defaults(func=_cmd_new_scenario)

    srv = sub.add_parser("serve", help=_("the classroom on students' own devices (a browser each)"))
    srv.add_argument("scenario", help=_("scenario file or name, e.g. {name}", name=_DEFAULT))
    srv.add_argument("--host", default="0.0.0.0", help=_("address to listen on (default: all)"))
    srv.add_argument("--port", type=int, default=8000, help=_("port (default 8000)"))
    srv.add_argument("--groups", type=int, default=1, help=_("identical games side by side"))
    srv.add_argument("--teams-per-side", type=int, default=1, help=_("teams on each side"))
    srv.add_argument("--pin", help=_("teacher's PIN, 4-8 digits (default: a random one, printed)"))
    srv.add_argument(
        "--mode",
        choices=["turns", "vote"],
        default="turns",
        help=_("several teams on one side take turns (default) or vote"),
    )
    srv.add_argument(
        "--blind", action="store_true", help=_("blind forecasting: odds after forecast")
    )
    srv.add_argument(
        "--turns", type=int, help=_("end the lesson after this many turns (time's up)")
    )
    srv.add_argument("--timer", type=int, default=0, help=_("seconds per turn (0: no clock)"))
    srv.add_argument("--seed", type=int, help=_("random seed (default: random, kept in the saves)"))
    srv.add_argument("--lesson-dir", help=_("where the lesson is saved (default: the data dir)"))
    srv.add_argument("--new", action="store_true", help=_("start afresh instead of resuming"))
    srv.set_defaults(func=_lazy("game.serve.cli:serve"))
    for command in sub.choices.values():
        # --lang after the command too (``brink play --lang es``); SUPPRESS keeps the
        # value given before the command when it is not repeated after it.
        _language_option(command, argparse.SUPPRESS)
    for parser in [p, *sub.choices.values()]:
        _translate_metavars(parser)
    return p


# The placeholders --help shows (argparse makes them from the option's name): the help
# texts name them ("write ... to FILE"), so they are words of the language too.
METAVARS = {
    "ACTOR": N_("ACTOR"),
    "ACTOR=POLICY": N_("ACTOR=POLICY"),
    "ACTOR=ai|random|OPTION": N_("ACTOR=ai|random|OPTION"),
    "ACTOR=random|OPTION": N_("ACTOR=random|OPTION"),
    "ADDRESS": N_("ADDRESS"),
    "COMMAND": N_("COMMAND"),
    "CSV": N_("CSV"),
    "DATE": N_("DATE"),
    "DIR": N_("DIR"),
    "ENCODING": N_("ENCODING"),
    "FILE": N_("FILE"),
    "GAMES": N_("GAMES"),
    "GROUPS": N_("GROUPS"),
    "HORIZON": N_("HORIZON"),
    "HOST": N_("HOST"),
    "LANG": N_("LANG"),
    "LESSON_DIR": N_("LESSON_DIR"),
    "METHOD": N_("METHOD"),
    "MODE": N_("MODE"),
    "OUTPUT": N_("OUTPUT"),
    "PATH=LOW:HIGH": N_("PATH=LOW:HIGH"),
    "PIN": N_("PIN"),
    "PORT": N_("PORT"),
    "RUNS": N_("RUNS"),
    "SAMPLES": N_("SAMPLES"),
    "SEED": N_("SEED"),
    "SIZE": N_("SIZE"),
    "TEAMS_PER_SIDE": N_("TEAMS_PER_SIDE"),
    "TIMER": N_("TIMER"),
    "TURN": N_("TURN"),
    "TURNS": N_("TURNS"),
    "WORKERS": N_("WORKERS"),
    "WORLDS": N_("WORLDS"),
    "file": N_("file"),
    "files": N_("files"),
    "logs": N_("logs"),
    "name": N_("name"),
    "paths": N_("paths"),
    "scenario": N_("scenario"),
}


def _translate_metavars(parser: argparse.ArgumentParser) -> None:
    for action in parser._actions:
        if action.nargs == 0 or (action.choices is not None and action.metavar is None):
            continue  # a flag, or a choice shown as its values ({turns,vote})
        shown = action.metavar or (action.dest.upper() if action.option_strings else action.dest)
        if isinstance(shown, str) and shown in METAVARS:
            action.metavar = _(METAVARS[shown])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``brink`` and ``python -m game``."""
    from game import i18n

    asked = _early_language(list(sys.argv[1:] if argv is None else argv))
    try:
        i18n.set_language(asked or i18n.choose(None, _saved_setting()))
    except i18n.UnknownLanguage as e:
        print(f"brink: {e}", file=sys.stderr)
        return 2
    parser = build_parser()
    try:  # (a usage error is an exit code like any other: 2)
        args = parser.parse_args(argv)
        if args.command is None:
            args = parser.parse_args(["play", *(argv or [])])
    except SystemExit as e:
        if e.code in (0, None):  # --help, --version: they end the program as usual
            raise
        return e.code if isinstance(e.code, int) else 2
    _resolve_scenarios(args)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except BrinkError as e:  # a loader's error that a command did not report itself
        print(_("brink: error: {message}", message=e), file=sys.stderr)
        if e.hint:
            print(f"  {e.hint}", file=sys.stderr)
        return 1


def _quiet_stdout() -> None:
    """After the reader of our output has gone (``| head``), send the rest nowhere, so
    that Python's final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
