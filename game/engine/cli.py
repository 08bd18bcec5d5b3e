"""``brink autoplay`` and ``brink replay``: the engine from the command line (no window)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from typing import TextIO

from game.engine.saves import SaveError, branch_game, release_file, replay_file, save_game
from game.engine.seats import Seat
from game.engine.session import EngineError, Session
from game.engine.views import TurnReport
from game.i18n import _, format_date, format_number, language, ngettext, os_error_text
from game.scenario import ScenarioError, load_scenario


def _err(msg: str) -> None:
    print(_("error: {message}", message=msg), file=sys.stderr)


def ask_pin(args: argparse.Namespace) -> str | None:
    """The teacher's PIN of ``--pin``: None when not given; typed without echo when given
    empty (``--pin`` alone), so that it stays out of the shell's history."""
    pin = getattr(args, "pin", None)
    if pin is None:
        return None
    if pin == "":
        import getpass

        try:
            pin = getpass.getpass(_("Teacher's PIN: "))
        except (EOFError, KeyboardInterrupt):
            return None
    return str(pin).strip() or None


def save_error_text(e: SaveError) -> str:
    """A ``SaveError`` for the command line: a sealed class game says how to open it."""
    if e.reason == "sealed":
        return _(
            "{error}. Add --pin (the teacher's PIN, typed when asked) to open it; after the "
            "class, `brink release SAVE -o PLAIN.json --pin` gives a plain save for the report",
            error=e,
        )
    return str(e)


def _signed(v: float) -> str:
    if round(v, 1) == 0:
        return format_number(0.0, 1, grouping=False)
    return ("+" if v > 0 else "−") + format_number(abs(v), 1, grouping=False)


def metric_line(s: Session, report: TurnReport) -> str:
    parts = []
    for mc, met in zip(report.metrics, s.scenario.metrics, strict=True):
        if met.visibility == "hidden":  # engine-only state: never drawn as an indicator
            continue
        label = met.short or met.name
        change = mc.after - mc.before
        tail = f" ({_signed(change)})" if abs(change) >= 0.05 else ""
        parts.append(f"{label} {format_number(mc.after, 0)}{tail}")
    return " · ".join(parts)


def turn_lines(s: Session, report: TurnReport) -> list[str]:
    """A turn as plain lines: moves (with covert/exposed marks), events, stage, metrics."""
    out = [_("Turn {turn} ({date})", turn=report.turn, date=format_date(report.date, "medium"))]
    for mr in report.moves.values():
        move = mr.option_name
        if mr.covert:
            move = (
                _("{move} [covert, exposed]", move=move)
                if mr.exposed
                else _("{move} [covert]", move=move)
            )
        happened = [b.label for b in mr.branches if b.happened]
        extra = f" — {'; '.join(happened)}" if happened else ""
        out.append(f"  {mr.actor_name}: {move}{extra}")
    for inj in report.injects:
        out.append("  " + _("Inject: {headline}", headline=inj))
    for ev in report.events:
        if ev.source != "model":
            out.append("  " + _("Event: {event} (inject)", event=ev.name))
        else:
            out.append("  " + _("Event: {event}", event=ev.name))
    if report.stage_changed:
        change = f"{report.stage_before_name} → {report.stage_after_name}"
        out.append("  " + _("Stage: {stage}", stage=change))
    else:
        out.append("  " + _("Stage: {stage}", stage=report.stage_after_name))
    out.append(f"  {metric_line(s, report)}")
    return out


def outcome_lines(s: Session) -> list[str]:
    if not s.over:
        return [
            ngettext(
                "No outcome yet after {n} turn (stage: {stage}).",
                "No outcome yet after {n} turns (stage: {stage}).",
                s.turn,
                stage=s.stage_name,
            )
        ]
    q = s.c.index["outcome"][s.outcome or ""]
    oc = s.scenario.outcomes[q]
    return [
        ngettext(
            "Outcome after {n} turn: {outcome} — {headline}",
            "Outcome after {n} turns: {outcome} — {headline}",
            s.turn,
            outcome=oc.name,
            headline=oc.headline,
        )
    ]


def _print_lines(lines: Iterable[str], out: TextIO) -> None:
    for line in lines:
        print(line, file=out)


def parse_seats(items: list[str], s_actors: list[str]) -> dict[str, Seat]:
    seats: dict[str, Seat] = {}
    for item in items:
        actor, sep, what = item.partition("=")
        actor, what = actor.strip(), what.strip()
        if not sep or not actor or not what:
            raise ValueError(
                _(
                    "--as {item!r} should look like ACTOR=ai, ACTOR=random or ACTOR=OPTION",
                    item=item,
                )
            )
        if actor not in s_actors:
            raise ValueError(
                _(
                    "unknown actor {actor!r} in --as (known: {known})",
                    actor=actor,
                    known=", ".join(s_actors),
                )
            )
        seat = Seat.parse(what)
        if seat.waits:
            raise ValueError(
                _("--as {item}: autoplay has no humans; use ai, random or an option", item=item)
            )
        seats[actor] = seat
    return seats


def autoplay(args: argparse.Namespace) -> int:
    """``brink autoplay SCENARIO --seed S [--turns T] [--as ACTOR=...] [--save FILE] [--quiet]``."""
    try:
        loaded = load_scenario(args.scenario).in_language(language())
    except ScenarioError as e:
        _err(_("the scenario has errors:\n{errors}", errors=e))
        return 1
    except OSError as e:
        _err(_("cannot read {path}: {error}", path=args.scenario, error=os_error_text(e)))
        return 1
    actors = [a.id for a in loaded.scenario.actors]
    try:
        seats = parse_seats(list(getattr(args, "seats", []) or []), actors)
        s = Session.new(loaded, seed=args.seed, seats=seats, autosave=False)
    except (ValueError, KeyError) as e:
        _err(str(e.args[0] if e.args else e))
        return 2
    quiet = bool(getattr(args, "quiet", False))
    out = _Out(sys.stdout)
    if not quiet:
        seat_text = ", ".join(f"{s.actor_name(a)}: {seat.display}" for a, seat in s.seats.items())
        out.lines(
            [
                _(
                    "{title} — seed {seed} — {seats}",
                    title=s.scenario.meta.title,
                    seed=s.seed,
                    seats=seat_text,
                )
            ]
        )
    limit = args.turns
    while not s.over and (limit is None or s.turn < limit):
        report = s.resolve()
        if not quiet:
            out.lines(turn_lines(s, report))
    out.lines(outcome_lines(s))
    if args.save:
        try:
            path = save_game(s, args.save)
        except SaveError as e:
            _err(str(e))
            return 1
        out.lines([_("Saved to {path}", path=path)])
    return 0


class _Out:
    """Standard output that may be closed by its reader (``| head``): the game still
    plays to the end and is still saved; only the printing stops."""

    def __init__(self, stream: TextIO) -> None:
        self.stream: TextIO | None = stream

    def lines(self, lines: Iterable[str]) -> None:
        if self.stream is None:
            return
        try:
            _print_lines(lines, self.stream)
            self.stream.flush()
        except BrokenPipeError:
            self.stream = None
            try:  # Python's final flush would fail on the closed pipe too
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            except (OSError, ValueError):
                pass


def replay(args: argparse.Namespace) -> int:
    """``brink replay FILE [--check]``: re-play a save; --check exits 0 only if identical."""
    check = bool(getattr(args, "check", False))
    try:
        s, _log, diff = replay_file(
            args.file, scenario=getattr(args, "scenario", None), rerun_ai=check, pin=ask_pin(args)
        )
    except SaveError as e:
        _err(save_error_text(e))
        return 1
    except EngineError as e:
        _err(f"{args.file}: {e}")
        return 1
    if check:
        if diff is not None:
            print(
                _(
                    "{file}: the replay differs from the save; first difference: {diff}",
                    file=args.file,
                    diff=diff,
                )
            )
            return 1
        if s.outcome:
            print(
                ngettext(
                    "{file}: ok — {n} turn re-played identically, seed {seed}, outcome {outcome}",
                    "{file}: ok — {n} turns re-played identically, seed {seed}, outcome {outcome}",
                    s.turn,
                    file=args.file,
                    seed=s.seed,
                    outcome=s.outcome,
                )
            )
        else:
            print(
                ngettext(
                    "{file}: ok — {n} turn re-played identically, seed {seed}",
                    "{file}: ok — {n} turns re-played identically, seed {seed}",
                    s.turn,
                    file=args.file,
                    seed=s.seed,
                )
            )
        return 0
    if diff is not None:
        _err(
            _(
                "{file}: the save does not re-play to the game it recorded: {diff}",
                file=args.file,
                diff=diff,
            )
        )
        return 1
    print(_("{title} — seed {seed}", title=s.scenario.meta.title, seed=s.seed))
    for report in s.history:
        _print_lines(turn_lines(s, report), sys.stdout)
    _print_lines(outcome_lines(s), sys.stdout)
    return 0


def release(args: argparse.Namespace) -> int:
    """``brink release SAVE -o OUT --pin``: the plain save of a finished class game, for the
    debrief report (a game in progress stays sealed; the input is never written over)."""
    pin = ask_pin(args)
    if pin is None:
        _err(_("{file}: releasing a class game needs the teacher's PIN: add --pin", file=args.file))
        return 2
    try:
        out = release_file(args.file, args.output, pin)
    except SaveError as e:
        _err(str(e))
        return 1
    print(
        _("Wrote {path}: the plain save of the finished class game (brink report {path})", path=out)
    )
    return 0


def branch(args: argparse.Namespace) -> int:
    """``brink branch SAVE --turn T``: the game restarted at turn T with the same luck."""
    try:
        s = branch_game(args.file, args.turn, autosave=args.output is None, pin=ask_pin(args))
        out = save_game(s, args.output or s.autosave_path or "branch.json")
    except SaveError as e:
        _err(save_error_text(e))
        return 1
    except ScenarioError as e:
        _err(str(e))
        return 1
    print(
        _(
            "Branch of {file} at turn {turn} (seed {seed}, the same luck) saved to {path}.",
            file=args.file,
            turn=args.turn,
            seed=s.seed,
            path=out,
        )
    )
    if args.output:  # a file of the teacher's choosing: Continue opens the autosave only
        print(_("Play it with: brink play {path}, then choose differently.", path=out))
    else:
        print(_("Open it with Continue or Load in the game window, then choose differently."))
    return 0
