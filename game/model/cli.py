"""``brink simulate``: Monte Carlo odds of each outcome over many worlds.

The scenario's scheduled injects fire at the start of their turn in every world, as
in a game (``--no-injects`` leaves them out: the crisis without its script).

Every world draws its own start from the scenario's initial uncertainty
(stream ``SeedSequence(seed, spawn_key=(0,))``) and is then played forward by
``forecast`` (stream ``spawn_key=(7,)``) under each actor's policy. The same
seed gives byte-identical output, with or without the progress bar.

Output: a table by default; ``--json`` prints one JSON object instead;
``--csv FILE`` also writes tidy rows to FILE with the columns

    scenario     scenario id
    seed         the seed
    runs         number of worlds
    turns        turns played (horizon)
    kind         ``outcome`` | ``stage`` | ``metric``
    id           outcome id (or ``unresolved``), stage id, or metric id
    statistic    outcome: ``probability``; stage: ``reached`` (share of worlds at
                 that stage or above at some point) ; metric: ``q05`` | ``q50`` |
                 ``q95`` | ``mean`` (final values)
    value        the number
    ci_low       Wilson 95% interval of a probability / share (empty for metrics)
    ci_high
    median_turn  outcome rows: median turn at which the outcome was reached
                 (empty when it never was, and for other rows)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from game import csvsafe
from game.i18n import _, format_number, format_percent, ngettext, os_error_text
from game.model.compiled import Compiled, compile_scenario
from game.model.forecast import Forecast, forecast, inject_table, wilson
from game.model.policy import Policy, parse_policy, policies_for
from game.model.state import initial_state

START_KEY = (0,)
SIMULATE_KEY = (7,)
FINAL_QUANTILES = (0.05, 0.5, 0.95)
# Below this much wall time no progress bar is shown at all.
PROGRESS_AFTER_S = 1.0
# Show the bar even when stderr is not a terminal (tests).
FORCE_BAR = False


class UsageError(Exception):
    """A bad command-line value: reported in one line, exit status 2."""


def _rng(seed: int, key: tuple[int, ...]) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def _policies(c: Compiled, specs: list[str]) -> tuple[list[Policy], dict[str, str]]:
    given: dict[str, Policy] = {}
    text: dict[str, str] = {}
    if "history" in [s.strip() for s in specs]:
        # every actor plays its history line (hold course where it has none)
        if c.scenario.history is None:
            raise UsageError(_("--policy history: the scenario has no history line"))
        specs = [s for s in specs if s.strip() != "history"]
        named = {s.partition("=")[0].strip() for s in specs}
        # scripted actors keep their rules: the history line records the players' moves
        rules = set() if c.v2 is None else {c.actor_ids[a] for a in c.v2.scripts}
        specs += [f"{a}=history" for a in c.actor_ids if a not in named and a not in rules]
    for spec in specs:
        actor, sep, value = spec.partition("=")
        actor, value = actor.strip(), value.strip()
        if not sep or not actor or not value:
            raise UsageError(
                _(
                    "--policy {spec!r} should look like history or "
                    "ACTOR=OPTION|random|history|mix:a=0.5,b=0.5|line:a,b,c",
                    spec=spec,
                )
            )
        if actor not in c.actor_ids:
            raise UsageError(
                _(
                    "--policy {spec!r}: unknown actor {actor!r} (known: {known})",
                    spec=spec,
                    actor=actor,
                    known=", ".join(c.actor_ids),
                )
            )
        if actor in given:
            raise UsageError(_("--policy: actor {actor!r} is given twice", actor=actor))
        try:
            given[actor] = parse_policy(c, actor, value)
        except KeyError as e:
            raise UsageError(f"--policy {spec!r}: {e.args[0]}") from None
        except ValueError as e:
            raise UsageError(f"--policy {spec!r}: {e}") from None
        text[actor] = value
    scripted = set() if c.v2 is None else {c.actor_ids[a] for a in c.v2.scripts}
    return policies_for(c, given), {
        a: text.get(a, "script" if a in scripted else "random") for a in c.actor_ids
    }


@dataclass
class Summary:
    """Everything the table, the JSON and the CSV print."""

    scenario_id: str
    title: str
    sha256: str
    seed: int
    runs: int
    turns: int
    policies: dict[str, str]
    outcomes: list[dict[str, Any]]  # id, name, kind, count, p, ci, median_turn
    unresolved: dict[str, Any]  # count, p, ci
    stages: list[dict[str, Any]]  # id, name, reached, ci, final
    metrics: list[dict[str, Any]]  # id, name, q05, q50, q95, mean
    injects: bool = False  # were the scenario's scheduled injects applied?

    def as_json(self) -> dict[str, Any]:
        return {
            "scenario": {"id": self.scenario_id, "sha256": self.sha256},
            "seed": self.seed,
            "runs": self.runs,
            "turns": self.turns,
            "policies": self.policies,
            "injects": self.injects,
            "outcomes": {
                o["id"]: {
                    "p": o["p"],
                    "ci95": list(o["ci"]),
                    "count": o["count"],
                    "kind": o["kind"],
                    "median_turn": o["median_turn"],
                }
                for o in self.outcomes
            },
            "unresolved": {
                "p": self.unresolved["p"],
                "ci95": list(self.unresolved["ci"]),
                "count": self.unresolved["count"],
            },
            "stages": {
                s["id"]: {"reached": s["reached"], "ci95": list(s["ci"]), "final": s["final"]}
                for s in self.stages
            },
            "metrics": {
                m["id"]: {k: m[k] for k in ("q05", "q50", "q95", "mean")} for m in self.metrics
            },
        }


def summarise(
    c: Compiled,
    f: Forecast,
    *,
    sha256: str,
    seed: int,
    policies: dict[str, str],
) -> Summary:
    """The numbers ``brink simulate`` reports, from a forecast over ``f.worlds`` worlds."""
    n, h = f.worlds, f.horizon
    fin = f.final
    outcomes = []
    for q, oc in enumerate(c.scenario.outcomes):
        mine = fin.outcome == q
        count = int(mine.sum())
        p = count / n
        turns = fin.ended[mine] - f.start_turn
        outcomes.append(
            {
                "id": oc.id,
                "name": oc.name,
                "kind": str(oc.kind),
                "count": count,
                "p": p,
                "ci": wilson(p, n),
                "median_turn": float(np.median(turns)) if count else None,
            }
        )
    left = int((fin.outcome < 0).sum())
    unresolved = {"count": left, "p": left / n, "ci": wilson(left / n, n)}
    stages = []
    for s, stage in enumerate(c.scenario.ladder):
        reached = float(f.max_stage[h, s:].sum())
        stages.append(
            {
                "id": stage.id,
                "name": stage.name,
                "reached": reached,
                "ci": wilson(reached, n),
                "final": float(f.stage_dist[h, s]),
            }
        )
    qs = np.quantile(fin.x, FINAL_QUANTILES, axis=0)
    mean = fin.x.mean(axis=0)
    metrics = [
        {
            "id": m.id,
            "name": m.name,
            "q05": float(qs[0, i]),
            "q50": float(qs[1, i]),
            "q95": float(qs[2, i]),
            "mean": float(mean[i]),
        }
        for i, m in enumerate(c.scenario.metrics)
    ]
    return Summary(
        scenario_id=c.scenario.meta.id,
        title=c.scenario.meta.title,
        sha256=sha256,
        seed=seed,
        runs=n,
        turns=h,
        policies=policies,
        outcomes=outcomes,
        unresolved=unresolved,
        stages=stages,
        metrics=metrics,
    )


def _pct(p: float) -> str:
    return format_percent(p, 2) if 0 < p < 0.01 or 0.99 < p < 1 else format_percent(p, 1)


def _num(v: float) -> str:
    return f"{v:.4g}" if abs(v) < 1e4 else f"{v:.3e}"


def print_table(s: Summary, file: Any = None) -> None:
    """The human-readable report (rich tables; plain text when not on a terminal)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=file or sys.stdout, highlight=False)
    pol = ", ".join(f"{a}={p}" for a, p in s.policies.items())
    console.print(f"[bold]{s.title}[/bold] ({s.scenario_id}, sha256 {s.sha256[:12]})")
    runs = ngettext("{n} run", "{n} runs", s.runs)
    turns = ngettext("{n} turn", "{n} turns", s.turns)
    console.print(
        _(
            "{runs} × {turns}, seed {seed}; policies: {policies}; injects applied",
            runs=runs,
            turns=turns,
            seed=s.seed,
            policies=pol,
        )
        if s.injects
        else _(
            "{runs} × {turns}, seed {seed}; policies: {policies}; injects not applied",
            runs=runs,
            turns=turns,
            seed=s.seed,
            policies=pol,
        )
    )

    t = Table(title=_("Outcomes"), title_justify="left")
    t.add_column(_("outcome"))
    t.add_column(_("kind"))
    t.add_column("P", justify="right")
    t.add_column(_("interval (95%)"), justify="right")
    t.add_column(_("median turn"), justify="right")
    for o in s.outcomes:
        lo, hi = o["ci"]
        med = "—" if o["median_turn"] is None else format_number(o["median_turn"])
        t.add_row(o["id"], o["kind"], _pct(o["p"]), f"{_pct(lo)}–{_pct(hi)}", med)
    lo, hi = s.unresolved["ci"]
    t.add_row(_("unresolved"), "", _pct(s.unresolved["p"]), f"{_pct(lo)}–{_pct(hi)}", "—")
    console.print(t)

    t = Table(title=_("Ladder"), title_justify="left")
    t.add_column(_("stage"))
    t.add_column(_("reached (at or above)"), justify="right")
    t.add_column(_("interval (95%)"), justify="right")
    t.add_column(_("at the end"), justify="right")
    for st in s.stages:
        lo, hi = st["ci"]
        t.add_row(st["id"], _pct(st["reached"]), f"{_pct(lo)}–{_pct(hi)}", _pct(st["final"]))
    console.print(t)

    t = Table(title=_("Final metrics"), title_justify="left")
    t.add_column(_("metric"))
    for col in ("5%", "50%", "95%", _("mean")):
        t.add_column(col, justify="right")
    for m in s.metrics:
        t.add_row(m["id"], _num(m["q05"]), _num(m["q50"]), _num(m["q95"]), _num(m["mean"]))
    console.print(t)


def write_csv(s: Summary, path: str, encoding: str = csvsafe.DEFAULT_ENCODING) -> int:
    """Tidy rows of the summary in ``encoding``; how many characters it lacked."""
    cols = [
        "scenario",
        "seed",
        "runs",
        "turns",
        "kind",
        "id",
        "statistic",
        "value",
        "ci_low",
        "ci_high",
        "median_turn",
    ]
    head = [s.scenario_id, s.seed, s.runs, s.turns]
    rows: list[list[Any]] = []
    for o in s.outcomes:
        med = "" if o["median_turn"] is None else o["median_turn"]
        rows.append([*head, "outcome", o["id"], "probability", o["p"], *o["ci"], med])
    u = s.unresolved
    rows.append([*head, "outcome", "unresolved", "probability", u["p"], *u["ci"], ""])
    for st in s.stages:
        rows.append([*head, "stage", st["id"], "reached", st["reached"], *st["ci"], ""])
    for m in s.metrics:
        for key in ("q05", "q50", "q95", "mean"):
            rows.append([*head, "metric", m["id"], key, m[key], "", "", ""])
    # four decimals: a probability to 0.01 percentage points, a metric far below its noise
    tidy = [[round(v, 4) if isinstance(v, float) else v for v in r] for r in rows]
    return csvsafe.write_table(path, cols, tidy, encoding)


class _Progress:
    """A progress bar on stderr that appears only once the run has taken a second."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.t0 = time.perf_counter()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int) -> None:
        if self.bar is None:
            if time.perf_counter() - self.t0 < PROGRESS_AFTER_S:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            console = Console(stderr=True, force_terminal=FORCE_BAR or None)
            if not console.is_terminal:
                self.bar = False
                return
            self.bar = Progress(
                TextColumn("simulating"),
                BarColumn(),
                TextColumn("turn {task.completed}/{task.total}"),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("simulate", total=self.total)
        if self.bar:
            self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar:
            self.bar.stop()


def run(
    path: str,
    runs: int,
    turns: int | None,
    seed: int,
    policy_specs: list[str],
    progress: bool,
    injects: bool = True,
) -> tuple[Compiled, Summary]:
    """Load, simulate and summarise. Raises ScenarioError or UsageError."""
    from game.scenario import load_scenario

    if runs < 1:
        raise UsageError(_("--runs must be at least 1, got {n}", n=runs))
    if turns is not None and turns < 1:
        raise UsageError(_("--turns must be at least 1, got {n}", n=turns))
    loaded = load_scenario(path)
    c = compile_scenario(loaded.scenario)
    pols, pol_text = _policies(c, policy_specs)
    horizon = turns if turns is not None else c.turn_limit
    start = initial_state(c, runs, _rng(seed, START_KEY))
    bar = _Progress(horizon) if progress else None
    try:
        f = forecast(
            c,
            start,
            pols,
            _rng(seed, SIMULATE_KEY),
            worlds=runs,
            horizon=horizon,
            quantiles=False,
            on_turn=bar,
            injects=inject_table(c) if injects else None,
        )
    finally:
        if bar is not None:
            bar.close()
    s = summarise(c, f, sha256=loaded.sha256, seed=seed, policies=pol_text)
    s.injects = injects and bool(c.scenario.injects)
    return c, s


def simulate(args: argparse.Namespace) -> int:
    """``brink simulate``: 0 on success, 1 for a broken scenario, 2 for bad arguments."""
    from game.scenario import ScenarioError

    try:
        _c, s = run(
            args.scenario,
            args.runs,
            args.turns,
            args.seed,
            list(args.policy),
            True,
            injects=getattr(args, "injects", True),
        )
    except ScenarioError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        return 1
    except UsageError as e:
        print(
            _("brink {command}: error: {message}", command="simulate", message=e), file=sys.stderr
        )
        return 2
    if args.csv:
        try:
            enc = getattr(args, "csv_encoding", csvsafe.DEFAULT_ENCODING)
            lost = write_csv(s, args.csv, enc)
            if lost:
                print(csvsafe.lost_text(args.csv, lost, enc), file=sys.stderr)
        except OSError as e:
            error = _("cannot write {path}: {error}", path=args.csv, error=os_error_text(e))
            print(
                _("brink {command}: error: {message}", command="simulate", message=error),
                file=sys.stderr,
            )
            return 1
    if args.json:
        sys.stdout.write(json.dumps(s.as_json(), indent=2) + "\n")
    else:
        print_table(s)
    return 0
