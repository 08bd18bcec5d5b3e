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
from game.scenario import ScenarioError, load_scenario
from game.words import count_text


def _err(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)


def ask_pin(args: argparse.Namespace) -> str | None:
    """The teacher's PIN of ``--pin``: None when not given; typed without echo when given
    empty (``--pin`` alone), so that it stays out of the shell's history."""
    pin = getattr(args, "pin", None)
    if pin is None:
        return None
    if pin == "":
        import getpass

        try:
            pin = getpass.getpass("Teacher's PIN: ")
        except (EOFError, KeyboardInterrupt):
            return None
    return str(pin).strip() or None


def save_error_text(e: SaveError) -> str:
    """A ``SaveError`` for the command line: a sealed class game says how to open it."""
    if e.reason == "sealed":
        return (
            f"{e}. Add --pin (the teacher's PIN, typed when asked) to open it; after the "
            "class, `brink release SAVE -o PLAIN.json --pin` gives a plain save for the report"
        )
    return str(e)


def _signed(v: float) -> str:
    return f"{v:+.1f}".replace("-", "−")


def metric_line(s: Session, report: TurnReport) -> str:
    parts = []
    for mc, met in zip(report.metrics, s.scenario.metrics, strict=True):
        if met.visibility == "hidden":  # engine-only state: never drawn as an indicator
            continue
        label = met.short or met.name
        change = mc.after - mc.before
        tail = f" ({_signed(change)})" if abs(change) >= 0.05 else ""
        parts.append(f"{label} {mc.after:.0f}{tail}")
    return " · ".join(parts)


def turn_lines(s: Session, report: TurnReport) -> list[str]:
    """A turn as plain lines: moves (with covert/exposed marks), events, stage, metrics."""
    out = [f"Turn {report.turn} ({report.date.isoformat()})"]
    for mr in report.moves.values():
        mark = ""
        if mr.covert:
            mark = " [covert, exposed]" if mr.exposed else " [covert]"
        happened = [b.label for b in mr.branches if b.happened]
        extra = f" — {'; '.join(happened)}" if happened else ""
        out.append(f"  {mr.actor_name}: {mr.option_name}{mark}{extra}")
    for inj in report.injects:
        out.append(f"  Inject: {inj}")
    for ev in report.events:
        out.append(f"  Event: {ev.name}" + (" (inject)" if ev.source != "model" else ""))
    if report.stage_changed:
        out.append(f"  Stage: {report.stage_before_name} → {report.stage_after_name}")
    else:
        out.append(f"  Stage: {report.stage_after_name}")
    out.append(f"  {metric_line(s, report)}")
    return out


def outcome_lines(s: Session) -> list[str]:
    if not s.over:
        return [f"No outcome yet after {count_text(s.turn, 'turn')} (stage: {s.stage_name})."]
    q = s.c.index["outcome"][s.outcome or ""]
    oc = s.scenario.outcomes[q]
    return [f"Outcome after {count_text(s.turn, 'turn')}: {oc.name} — {oc.headline}"]


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
                f"--as {item!r} should look like ACTOR=ai, ACTOR=random or ACTOR=OPTION"
            )
        if actor not in s_actors:
            raise ValueError(f"unknown actor {actor!r} in --as (known: {', '.join(s_actors)})")
        seat = Seat.parse(what)
        if seat.waits:
            raise ValueError(f"--as {item}: autoplay has no humans; use ai, random or an option")
        seats[actor] = seat
    return seats


def autoplay(args: argparse.Namespace) -> int:
    """``brink autoplay SCENARIO --seed S [--turns T] [--as ACTOR=...] [--save FILE] [--quiet]``."""
    try:
        loaded = load_scenario(args.scenario)
    except ScenarioError as e:
        _err(f"the scenario has errors:\n{e}")
        return 1
    except OSError as e:
        _err(f"cannot read {args.scenario}: {e.strerror or e}")
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
        seat_text = ", ".join(f"{s.actor_name(a)}: {seat.label}" for a, seat in s.seats.items())
        out.lines([f"{s.scenario.meta.title} — seed {s.seed} — {seat_text}"])
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
        out.lines([f"Saved to {path}"])
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
            print(f"{args.file}: the replay differs from the save; first difference: {diff}")
            return 1
        print(
            f"{args.file}: ok — {count_text(s.turn, 'turn')} re-played identically, seed {s.seed}"
            + (f", outcome {s.outcome}" if s.outcome else "")
        )
        return 0
    if diff is not None:
        _err(f"{args.file}: the save does not re-play to the game it recorded: {diff}")
        return 1
    print(f"{s.scenario.meta.title} — seed {s.seed}")
    for report in s.history:
        _print_lines(turn_lines(s, report), sys.stdout)
    _print_lines(outcome_lines(s), sys.stdout)
    return 0


def release(args: argparse.Namespace) -> int:
    """``brink release SAVE -o OUT --pin``: the plain save of a finished class game, for the
    debrief report (a game in progress stays sealed; the input is never written over)."""
    pin = ask_pin(args)
    if pin is None:
        _err(f"{args.file}: releasing a class game needs the teacher's PIN: add --pin")
        return 2
    try:
        out = release_file(args.file, args.output, pin)
    except SaveError as e:
        _err(str(e))
        return 1
    print(f"Wrote {out}: the plain save of the finished class game (brink report {out})")
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
        f"Branch of {args.file} at turn {args.turn} (seed {s.seed}, the same luck) saved to {out}."
    )
    print("Open it with Continue or Load in the game window, then choose differently.")
    return 0
