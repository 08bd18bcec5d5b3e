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
from typing import Any

from game import csvsafe
from game.engine.ai import AISettings
from game.i18n import _, format_number, format_percent, ngettext, os_error_text, pgettext
from game.lab.games import GameRecord, play_games, play_games_on_cluster
from game.lab.stats import BandResult, Summary, armed_rule, had_armed, summarise

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


def print_summary(s: Summary, title: str, file: Any = None, options: bool = True) -> None:
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
    if s.bands:
        print_bands(s.bands, console)
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
    bar = Progress(args.games)
    try:
        if args.workers > 1 or args.scheduler:
            records = play_games_on_cluster(
                loaded,
                args.games,
                args.seed,
                settings,
                args.turns,
                workers=args.workers,
                scheduler=args.scheduler,
                on_games=bar,
            )
        else:
            records = play_games(loaded, args.games, args.seed, settings, args.turns, on_turn=bar)
    except ValueError as e:
        _err("lab", str(e))
        return 2
    finally:
        bar.close()
    s = summarise(loaded.scenario, records, args.seed)
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
        print_summary(s, loaded.scenario.meta.title)
    return 0 if s.bands_ok else 1


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
