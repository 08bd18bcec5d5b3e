"""``brink lab`` and ``brink sweep`` from the command line.

``brink lab SCENARIO --games N --seed S`` plays games S .. S+N-1 computer against
computer, prints the outcome shares, lengths, ladder, armed incidents, the
players' choices and the scenario's calibration bands, and exits 1 when a band
is missed (2 for bad arguments or a broken scenario).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from game import csvsafe
from game.engine.ai import AISettings
from game.engine.seats import Seat
from game.i18n import (
    _,
    format_number,
    format_percent,
    format_signed,
    ngettext,
    os_error_text,
    pgettext,
)
from game.lab.games import GameRecord, play_games, play_games_on_cluster
from game.lab.stats import (
    BandResult,
    Summary,
    armed_rule,
    had_armed,
    score_stats,
    summarise,
)

# After this long a run shows a progress bar (on a terminal).
PROGRESS_AFTER_S = 1.0


def _pct(p: float) -> str:
    return format_percent(p, 1)


def band_value_text(b: BandResult) -> tuple[str, str]:
    """(band, measured) as text: shares in %, lengths in turns."""
    if b.statistic == "median_length":
        return (
            _("{low}–{high} turns", low=format_number(b.low), high=format_number(b.high)),
            format_number(b.value),
        )
    if b.value != b.value:  # NaN: a branch_share whose option no game chose
        return f"{_pct(b.low)}–{_pct(b.high)}", _("(never chosen)")
    return f"{_pct(b.low)}–{_pct(b.high)}", _pct(b.value)


def print_bands(bands: Sequence[BandResult], console: Any) -> None:
    from rich.table import Table

    t = Table(title=_("Calibration bands"), title_justify="left")
    t.add_column(_("band"))
    t.add_column(_("range"), justify="right")
    t.add_column(_("measured"), justify="right")
    t.add_column("")
    t.add_column(_("references"))
    for b in bands:
        rng, val = band_value_text(b)
        ok = pgettext("band", "ok") if b.ok else pgettext("band", "OUTSIDE")
        t.add_row(b.name, rng, val, ok, ", ".join(b.references))
    console.print(t)


def print_summary(
    s: Summary,
    title: str,
    file: Any = None,
    options: bool = True,
    seats: dict[str, Seat] | None = None,
) -> None:
    """The human-readable report (rich tables; plain text when not on a terminal)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=file or sys.stdout, highlight=False)
    console.print(f"[bold]{title}[/bold] ({s.scenario})")
    console.print(
        ngettext(
            "{n} game, computer against computer, seeds {first}–{last}",
            "{n} games, computer against computer, seeds {first}–{last}",
            s.games,
            first=s.seed,
            last=s.seed + s.games - 1,
        )
    )
    if seats:
        console.print(
            _(
                "Played otherwise (--as): {seats}",
                seats=", ".join(f"{a}: {seat.display}" for a, seat in seats.items()),
            )
        )
    t = Table(title=_("Outcomes"), title_justify="left")
    t.add_column(_("outcome"))
    t.add_column(_("games"), justify="right")
    t.add_column(_("share"), justify="right")
    t.add_column(_("interval (95%)"), justify="right")
    for o in s.outcomes:
        t.add_row(o.name, str(o.count), _pct(o.share), f"{_pct(o.low)}–{_pct(o.high)}")
    if s.unfinished:
        t.add_row(_("(stopped before an outcome)"), str(s.unfinished), "", "")
    console.print(t)
    console.print(
        _(
            "Length: median {median} turns, quartiles {q1}–{q3}",
            median=format_number(s.length_median),
            q1=format_number(s.length_q1),
            q3=format_number(s.length_q3),
        )
    )
    a = s.armed
    console.print(
        _(
            "Any armed incident: {share} ({low}–{high}); counted when {rule}",
            share=_pct(a.share),
            low=_pct(a.low),
            high=_pct(a.high),
            rule=s.armed_rule,
        )
    )
    t = Table(title=_("Peak ladder stage"), title_justify="left")
    t.add_column(_("stage"))
    t.add_column(_("share"), justify="right")
    t.add_column(_("interval (95%)"), justify="right")
    for p in s.peak_stage:
        t.add_row(p.name, _pct(p.share), f"{_pct(p.low)}–{_pct(p.high)}")
    console.print(t)
    if options:
        t = Table(title=_("Choices (share of each actor's moves; when)"), title_justify="left")
        t.add_column(_("actor"))
        t.add_column(_("option"))
        t.add_column(_("share"), justify="right")
        t.add_column(_("median first turn"), justify="right")
        t.add_column(_("turns 1–4 / 5–8 / 9–12 / 13+"), justify="right")
        for u in s.options:
            if not u.count:
                continue
            bt = u.by_turn
            quarters = [sum(bt[i : i + 4]) for i in (0, 4, 8)] + [sum(bt[12:])]
            first = "" if u.first_turn_median is None else format_number(u.first_turn_median)
            t.add_row(u.actor, u.name, _pct(u.share), first, " / ".join(str(q) for q in quarters))
        console.print(t)
    if s.scores:
        t = Table(title=_("Scores (each side's objectives)"), title_justify="left")
        t.add_column(_("actor"))
        t.add_column(_("played by"))
        t.add_column(_("mean score"), justify="right")
        t.add_column(_("interval (95%)"), justify="right")
        for sc in s.scores:
            who = seats[sc.actor].display if seats and sc.actor in seats else _("computer")
            t.add_row(
                sc.name,
                who,
                format_number(round(sc.mean, 1)),
                f"{format_number(round(sc.low, 1))} – {format_number(round(sc.high, 1))}",
            )
        console.print(t)
    if s.bands:
        print_bands(s.bands, console)
        if seats:
            console.print(
                _("The bands describe computer-against-computer play: not judged with --as.")
            )
    else:
        console.print(_("The scenario declares no calibration bands."))


def safe_cell(v: Any) -> Any:
    """A CSV cell that a spreadsheet will not read as a formula (the game's one helper)."""
    return csvsafe.cell(v)


def write_csv(
    records: Sequence[GameRecord],
    s: Summary,
    path: str,
    scn: Any,
    encoding: str = csvsafe.DEFAULT_ENCODING,
) -> int:
    """One row per game and turn (tidy): the moves, the stage and the events, in
    ``encoding``; how many characters it lacked."""
    events, first, _ = armed_rule(scn)
    actors = [a.id for a in scn.actors]
    cols = ["game", "seed", "outcome", "length", "peak_stage", "armed", "turn", "stage"]
    cols += [f"move_{a}" for a in actors] + ["events"]

    def rows() -> Iterator[list[Any]]:
        for r in records:
            head = [
                r.index,
                r.seed,
                r.outcome or "",
                r.length,
                scn.ladder[r.peak_stage].id,
                int(had_armed(r, events, first)),
            ]
            for t, mv in enumerate(r.moves):
                yield [*head, t + 1, r.stages[t], *(mv[a] for a in actors), " ".join(r.events[t])]

    return csvsafe.write_table(path, cols, rows(), encoding)


class Progress:
    """A progress bar on stderr (games finished) once the run has taken a second."""

    def __init__(self, total: int, label: str = "games") -> None:
        self.total = total
        self.label = label
        self.t0 = time.perf_counter()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, running: int = 0) -> None:
        if self.bar is None:
            if time.perf_counter() - self.t0 < PROGRESS_AFTER_S:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(stderr=True)
            if not console.is_terminal:
                self.bar = False
                return
            self.bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=self.total)
        if self.bar:
            self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar:
            self.bar.stop()


def ai_settings(args: argparse.Namespace) -> AISettings:
    base = AISettings()
    worlds = getattr(args, "worlds", None)
    horizon = getattr(args, "horizon", None)
    return AISettings(
        worlds=base.worlds if worlds is None else worlds,
        horizon=base.horizon if horizon is None else horizon,
    )


def _err(cmd: str, msg: str) -> None:
    print(_("brink {command}: error: {message}", command=cmd, message=msg), file=sys.stderr)


def lab(args: argparse.Namespace) -> int:
    """``brink lab``: 0 when every band holds, 1 when one is missed, 2 on bad input."""
    from game.scenario import ScenarioError, load_scenario

    try:
        loaded = load_scenario(args.scenario)
    except ScenarioError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        return 2
    except OSError as e:
        _err("lab", _("cannot read {path}: {error}", path=args.scenario, error=os_error_text(e)))
        return 2
    if args.games < 1:
        _err("lab", _("--games must be at least 1, got {n}", n=args.games))
        return 2
    if args.turns is not None and args.turns < 1:
        _err("lab", _("--turns must be at least 1, got {n}", n=args.turns))
        return 2
    try:
        settings = ai_settings(args)
    except ValueError as e:
        _err("lab", str(e))
        return 2
    try:
        seats = parse_seats(list(getattr(args, "seats", []) or []), loaded)
    except ValueError as e:
        _err("lab", str(e))
        return 2
    strategies = getattr(args, "strategies", None)
    if strategies is not None:
        return strategy_table(args, loaded, settings, seats, strategies)
    try:
        records = run_games(args, loaded, settings, seats)
    except ValueError as e:
        _err("lab", str(e))
        return 2
    labels = {a: seat.label for a, seat in seats.items()}
    s = summarise(loaded.scenario, records, args.seed, labels)
    if args.csv:
        try:
            enc = getattr(args, "csv_encoding", csvsafe.DEFAULT_ENCODING)
            lost = write_csv(records, s, args.csv, loaded.scenario, enc)
            if lost:
                print(csvsafe.lost_text(args.csv, lost, enc), file=sys.stderr)
        except OSError as e:
            _err("lab", _("cannot write {path}: {error}", path=args.csv, error=os_error_text(e)))
            return 2
    if args.json:
        out = s.to_dict() | {
            "ai": settings.to_dict(),
            "sha256": loaded.sha256,
            "games_played": [r.to_dict() for r in records] if args.games_detail else None,
        }
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        print_summary(s, loaded.scenario.meta.title, seats=seats)
    # bands describe computer-against-computer play: with --as they are shown, not judged
    return 0 if s.bands_ok or seats else 1


def parse_seats(items: list[str], loaded: Any) -> dict[str, Seat]:
    """``--as`` items as seats (autoplay's rules), each option checked against its actor."""
    from game.engine.cli import parse_seats as parse

    scn = loaded.scenario
    seats = parse(items, [a.id for a in scn.actors])
    for aid, seat in seats.items():
        actor = next(a for a in scn.actors if a.id == aid)
        if actor.script is not None:
            raise ValueError(_("{actor} is a scripted actor: it moves by its rules", actor=aid))
        known = [o.id for o in actor.options]
        if seat.kind == "fixed" and seat.option not in known:
            raise ValueError(
                _(
                    "unknown option {option!r} of {actor} in --as (known: {known})",
                    option=seat.option,
                    actor=aid,
                    known=", ".join(known),
                )
            )
    return seats


def run_games(
    args: argparse.Namespace,
    loaded: Any,
    settings: AISettings,
    seats: dict[str, Seat],
    label: str | None = None,
) -> list[GameRecord]:
    """The run's games, on a Dask cluster when asked, with a progress bar."""
    bar = Progress(args.games, label or _("games"))
    try:
        if args.workers > 1 or args.scheduler:
            return play_games_on_cluster(
                loaded,
                args.games,
                args.seed,
                settings,
                args.turns,
                workers=args.workers,
                scheduler=args.scheduler,
                on_games=bar,
                seats=seats,
            )
        return play_games(
            loaded, args.games, args.seed, settings, args.turns, on_turn=bar, seats=seats
        )
    finally:
        bar.close()


@dataclass
class StrategyRow:
    """One line of the fixed-strategy table."""

    strategy: str  # "computer" or an option id
    name: str
    games: int
    mean: float  # the actor's mean score
    low: float
    high: float
    other: dict[str, float]  # the other actors' mean scores
    outcomes: dict[str, float]  # outcome id -> share of games


def strategy_table(
    args: argparse.Namespace,
    loaded: Any,
    settings: AISettings,
    seats: dict[str, Seat],
    actor: str,
) -> int:
    """``--strategies ACTOR``: ACTOR's mean score when the computer plays it, then when it
    always plays each of its options (the other sides by the computer, or ``--as``); the
    same seeds for every line. Exits 1 when a fixed strategy scores above the computer
    beyond both intervals (the computer is beaten), else 0."""
    scn = loaded.scenario
    ids = [a.id for a in scn.actors]
    if actor not in ids:
        _err(
            "lab", _("unknown actor {actor!r} (known: {known})", actor=actor, known=", ".join(ids))
        )
        return 2
    who = next(a for a in scn.actors if a.id == actor)
    if who.script is not None:
        _err("lab", _("{actor} is a scripted actor: it moves by its rules", actor=actor))
        return 2
    plans: list[tuple[str, str, dict[str, Seat]]] = [
        ("computer", _("the computer"), {k: v for k, v in seats.items() if k != actor})
    ]
    for o in who.options:
        plans.append((o.id, o.name, seats | {actor: Seat.fixed(o.id)}))
    rows: list[StrategyRow] = []
    try:
        for k, (sid, name, plan) in enumerate(plans):
            label = f"{k + 1}/{len(plans)} {sid}"
            records = run_games(args, loaded, settings, plan, label)
            (me,) = [x for x in score_stats(scn, records) if x.actor == actor]
            others = {x.actor: x.mean for x in score_stats(scn, records) if x.actor != actor}
            n = len(records)
            outs = {q.id: sum(r.outcome == q.id for r in records) / n for q in scn.outcomes}
            rows.append(StrategyRow(sid, name, n, me.mean, me.low, me.high, others, outs))
    except ValueError as e:
        _err("lab", str(e))
        return 2
    base = rows[0]
    beaten = [r for r in rows[1:] if r.low > base.high]
    if args.json:
        out = {
            "scenario": scn.meta.id,
            "actor": actor,
            "games": args.games,
            "seed": args.seed,
            "ai": settings.to_dict(),
            "rows": [asdict(r) for r in rows],
            "beaten_by": [r.strategy for r in beaten],
        }
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        print_strategies(scn, who.name, rows, args)
    return 1 if beaten else 0


def print_strategies(scn: Any, actor_name: str, rows: Sequence[StrategyRow], args: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    base = rows[0]
    console.print(
        _(
            "[bold]{actor}: fixed strategies against the computer[/bold] ({scenario}); "
            "{n} games each, seeds {first}–{last}",
            actor=actor_name,
            scenario=scn.meta.id,
            n=args.games,
            first=args.seed,
            last=args.seed + args.games - 1,
        )
    )
    t = Table(show_edge=False)
    t.add_column(_("strategy"))
    t.add_column(_("mean score"), justify="right")
    t.add_column(_("interval (95%)"), justify="right")
    t.add_column(_("vs the computer"), justify="right")
    top = sorted(scn.outcomes, key=lambda q: -sum(r.outcomes[q.id] for r in rows))[:4]
    for q in top:
        t.add_column(q.short_name or q.name, justify="right")
    for r in sorted(rows, key=lambda r: (r.strategy != "computer", -r.mean)):
        name = r.name if r.strategy == "computer" else _("always {option}", option=r.name)
        diff = "" if r is base else format_signed(r.mean - base.mean, 1)
        if r is not base and r.low > base.high:
            diff += " " + _("(beats it)")
        t.add_row(
            name,
            format_number(round(r.mean, 1)),
            f"{format_number(round(r.low, 1))} – {format_number(round(r.high, 1))}",
            diff,
            *(_pct(r.outcomes[q.id]) for q in top),
        )
    console.print(t)


def sweep(args: argparse.Namespace) -> int:
    """``brink sweep``: rank the varied numbers by their influence on each band."""
    from game.lab import sweep as sw
    from game.scenario import ScenarioError

    try:
        spec = sw.SweepSpec.from_args(args)
        bar = Progress(spec.samples, "samples")
        try:
            result = sw.run_sweep(
                spec, scheduler=args.scheduler, workers=args.workers, on_sample=bar
            )
        finally:
            bar.close()
    except ScenarioError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        return 2
    except (ValueError, sw.PathError) as e:
        _err("sweep", str(e))
        return 2
    except OSError as e:
        _err("sweep", os_error_text(e))
        return 2
    if args.html:
        try:
            sw.write_html(result, args.html)
        except OSError as e:
            _err("sweep", _("cannot write {path}: {error}", path=args.html, error=os_error_text(e)))
            return 2
    if args.json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        sw.print_ranking(result)
        if args.html:
            print(_("Tornado chart: {path}", path=args.html))
    return 0
