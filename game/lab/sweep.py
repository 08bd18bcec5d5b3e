"""Sensitivity sweeps: which of a scenario's numbers move its calibration bands.

``brink sweep SCENARIO --vary PATH=LOW:HIGH ... --samples K`` draws K sets of the
varied numbers (a Latin hypercube, or a scrambled Sobol sequence, both from
``scipy.stats.qmc``), runs the lab (or ``simulate``) on each, and ranks the
numbers by their influence on each band's statistic.

Influence: the statistic is fitted by least squares as a linear function of the
varied numbers, each scaled to [0, 1] over its range; a number's *effect* is its
coefficient, i.e. how much the statistic moves when that number goes from LOW
to HIGH with the others held (the tornado bar), and numbers are ranked by the
size of their effect. Spearman's rank correlation is reported beside it.

Every sample is a task of its own with everything it needs (the scenario data,
its numbers, the games' seeds), run on Dask: a local cluster of processes by
default, or an existing cluster (``--scheduler``). The games of every sample
use the same seeds (common random numbers: the differences between samples are
the numbers', not luck), and nothing depends on which worker runs what, so the
results are the same whatever the number of workers.

A PATH is the YAML's keys joined by dots; inside a list an item is named by its
``id`` (or its position). ``options.ID...`` and ``advisors.ID...`` may leave out
the actor when the id is unique. A number written in short form (an effect
``tension: 4``, a chance ``hazard: 0.1``) is addressed as ``.mean`` or ``.p``.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import html
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from game.engine.ai import AISettings
from game.lab.games import play_games
from game.lab.stats import band_results
from game.scenario import Loaded, load_scenario
from game.scenario.schema import Scenario, Statistic

_SHORTHAND = {"mean", "p"}  # the field a bare number stands for (Effect, Chance)


class PathError(ValueError):
    """A PATH that names no number of the scenario."""


def _segments(path: str) -> list[str]:
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise PathError(f"{path!r} is not a dotted path such as actors.usa.temperature")
    return parts


def _child(node: Any, key: str, where: str) -> tuple[Any, Any]:
    """(container key, child) of ``node`` for ``key``: a mapping key, or a list item's
    id or index."""
    if isinstance(node, dict):
        if key not in node:
            known = ", ".join(sorted(map(str, node)))
            raise PathError(f"{where}: no key {key!r} (known: {known})")
        return key, node[key]
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, dict) and item.get("id") == key:
                return i, item
        if key.isdigit() and int(key) < len(node):
            return int(key), node[int(key)]
        ids = [str(it.get("id")) for it in node if isinstance(it, dict) and "id" in it]
        raise PathError(f"{where}: no item with id {key!r} (known: {', '.join(ids)})")
    raise PathError(f"{where}: {key!r} is below a number")


def _expand(data: dict[str, Any], parts: list[str]) -> list[str]:
    """``options.ID...`` / ``advisors.ID...`` -> ``actors.ACTOR.options.ID...``."""
    if parts[0] in ("options", "advisors") and len(parts) > 1 and parts[0] not in data:
        owners = [
            a.get("id")
            for a in data.get("actors", [])
            if any(o.get("id") == parts[1] for o in a.get(parts[0], []) or [])
        ]
        if len(owners) == 1:
            return ["actors", str(owners[0]), *parts]
        if len(owners) > 1:
            raise PathError(
                f"{'.'.join(parts)}: {parts[1]!r} belongs to several actors "
                f"({', '.join(map(str, owners))}); start with actors.ACTOR"
            )
    return parts


def locate(data: dict[str, Any], path: str) -> tuple[Any, Any, float, str | None]:
    """(container, key, current value, short form) of the number at ``path``; the
    short form is ``mean`` or ``p`` when the number is written bare and the path
    names that field of it. ``data`` is not changed."""
    parts = _expand(data, _segments(path))
    node: Any = data
    parent: Any = None
    key: Any = None
    for i, seg in enumerate(parts):
        where = ".".join(parts[:i]) or "the scenario"
        if i == len(parts) - 1 and seg in _SHORTHAND and _is_number(node) and parent is not None:
            return parent, key, float(node), seg
        parent, (key, node) = node, _child(node, seg, where)
    if not _is_number(node):
        raise PathError(f"{path}: not a number ({type(node).__name__})")
    return parent, key, float(node), None


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def with_values(
    data: dict[str, Any], values: dict[str, float], whole: bool = False
) -> dict[str, Any]:
    """A copy of the scenario data with each PATH set to its value; ``whole``: the
    numbers written as whole numbers are rounded (for the fields that take only
    whole numbers, such as cooldowns)."""
    out = copy.deepcopy(data)
    for path, v in values.items():
        parent, key, _, short = locate(out, path)
        value = round(v) if whole and isinstance(parent[key], int) else float(v)
        parent[key] = {short: value} if short else value
    return out


@dataclass(frozen=True)
class Vary:
    path: str
    low: float
    high: float

    @classmethod
    def parse(cls, text: str) -> Vary:
        path, sep, rng = text.partition("=")
        lo, sep2, hi = rng.partition(":")
        try:
            if not sep or not sep2:
                raise ValueError
            low, high = float(lo), float(hi)
        except ValueError:
            raise ValueError(f"--vary {text!r} should look like PATH=LOW:HIGH") from None
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(f"--vary {text!r}: LOW and HIGH should be finite numbers")
        if not low < high:
            raise ValueError(f"--vary {text!r}: LOW must be below HIGH")
        return cls(path.strip(), low, high)


@dataclass(frozen=True)
class SweepSpec:
    scenario: str
    vary: tuple[Vary, ...]
    samples: int = 16
    method: str = "lhs"
    mode: str = "lab"
    games: int = 50
    runs: int = 5000
    seed: int = 0
    ai: AISettings = field(default_factory=AISettings)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> SweepSpec:
        from game.lab.cli import ai_settings

        if not args.vary:
            raise ValueError("name at least one --vary PATH=LOW:HIGH")
        if args.samples < 2:
            raise ValueError(f"--samples must be at least 2, got {args.samples}")
        if args.games < 1 or args.runs < 1:
            raise ValueError("--games and --runs must be at least 1")
        vary = tuple(Vary.parse(v) for v in args.vary)
        paths = [v.path for v in vary]
        if len(set(paths)) != len(paths):
            raise ValueError("a PATH is varied twice")
        return cls(
            scenario=args.scenario,
            vary=vary,
            samples=args.samples,
            method=args.method,
            mode=args.mode,
            games=args.games,
            runs=args.runs,
            seed=args.seed,
            ai=ai_settings(args),
        )


def design(spec: SweepSpec) -> np.ndarray:
    """[K, d] points in the unit cube (deterministic for the spec's seed)."""
    from scipy.stats import qmc

    d = len(spec.vary)
    if spec.method == "sobol":
        return qmc.Sobol(d, scramble=True, seed=spec.seed).random(spec.samples)
    return qmc.LatinHypercube(d, seed=spec.seed).random(spec.samples)


def scenario_with(data: dict[str, Any], values: dict[str, float], where: str) -> Scenario:
    """The scenario with ``values`` set, validated (numbers first as they are, then
    with the whole-number fields rounded)."""
    from pydantic import ValidationError

    try:
        return Scenario.model_validate(with_values(data, values))
    except ValidationError as e:
        first = e
    try:
        return Scenario.model_validate(with_values(data, values, whole=True))
    except ValidationError:
        err = first.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise ValueError(f"{where}: {loc}: {err['msg']}") from None


def run_sample(
    data: dict[str, Any],
    values: dict[str, float],
    mode: str,
    games: int,
    runs: int,
    seed: int,
    ai: dict[str, Any],
    path: str,
) -> dict[str, float]:
    """One sample: the band statistics of the scenario with ``values`` set (a task)."""
    scn = scenario_with(data, values, f"{path} with {values}")
    if scn.calibration is None or not scn.calibration.bands:
        return {}
    if mode == "simulate":
        return _simulate_bands(scn, runs, seed)
    loaded = Loaded(scn, Path(path), "sweep", {}, {}, [])
    records = play_games(loaded, games, seed, AISettings.from_dict(ai))
    return {b.id: b.value for b in band_results(scn, records)}


def _simulate_bands(scn: Scenario, runs: int, seed: int) -> dict[str, float]:
    """Band statistics over ``runs`` worlds of uniformly random play (``brink simulate``
    with its default policies and seed streams). Armed incidents need each world's
    highest stage, which a simulation does not keep: that statistic is NaN here."""
    from game.engine.rng import stream
    from game.model import compile_scenario, forecast
    from game.model.cli import SIMULATE_KEY, START_KEY
    from game.model.policy import policies_for
    from game.model.state import initial_state

    c = compile_scenario(scn)
    start = initial_state(c, runs, stream(seed, *START_KEY))
    f = forecast(
        c,
        start,
        policies_for(c),
        stream(seed, *SIMULATE_KEY),
        worlds=runs,
        horizon=c.turn_limit,
        quantiles=False,
    )
    fin = f.final
    n = fin.n
    out: dict[str, float] = {}
    assert scn.calibration is not None
    for b in scn.calibration.bands:
        if b.statistic == Statistic.share:
            idx = [c.index["outcome"][o] for o in b.outcomes]
            out[b.id] = float(np.isin(fin.outcome, idx).sum() / n)
        elif b.statistic == Statistic.median_length:
            length = np.where(fin.ended >= 0, fin.ended, f.horizon)
            out[b.id] = float(np.median(length))
        elif b.statistic == Statistic.stage_share:
            out[b.id] = f.reached(b.stage or "")
        elif b.statistic == Statistic.event_share:
            idx = [c.event_ids.index(e) for e in b.events]
            out[b.id] = float(fin.fired[:, idx].any(axis=1).sum() / n)
        else:
            out[b.id] = float("nan")
    return out


@dataclass
class Influence:
    path: str
    effect: float  # change of the statistic from LOW to HIGH, others held
    spearman: float


@dataclass
class BandRanking:
    id: str
    name: str
    statistic: str
    low: float
    high: float
    mean: float
    at_mid: float  # the fit at every number's midpoint
    ranking: list[Influence]


@dataclass
class SweepResult:
    scenario: str
    spec: dict[str, Any]
    points: list[dict[str, float]]  # the numbers of each sample
    values: list[dict[str, float]]  # the band statistics of each sample
    bands: list[BandRanking]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def rank(
    spec: SweepSpec, unit: np.ndarray, values: list[dict[str, float]], scn: Scenario
) -> list[BandRanking]:
    from scipy.stats import spearmanr

    out = []
    assert scn.calibration is not None
    k = unit.shape[0]
    X = np.column_stack([np.ones(k), unit])
    for b in scn.calibration.bands:
        y = np.array([v.get(b.id, np.nan) for v in values], dtype=float)
        if not np.isfinite(y).all():
            continue
        coef, *_ = np.linalg.lstsq(X, y, rcond=None)
        infl = []
        for j, v in enumerate(spec.vary):
            if np.ptp(y) == 0 or np.ptp(unit[:, j]) == 0:
                rho = 0.0
            else:
                rho = float(spearmanr(unit[:, j], y).statistic)
            infl.append(Influence(v.path, float(coef[j + 1]), rho))
        infl.sort(key=lambda i: (-abs(i.effect), i.path))
        lo, hi = b.band
        out.append(
            BandRanking(
                b.id,
                b.name,
                b.statistic.value,
                lo,
                hi,
                float(y.mean()),
                float(coef[0] + coef[1:].sum() / 2),
                infl,
            )
        )
    return out


def run_sweep(
    spec: SweepSpec,
    scheduler: str | None = None,
    workers: int = 2,
    on_sample: Callable[[int], None] | None = None,
) -> SweepResult:
    """Every sample (on Dask unless ``workers`` is 0 and no scheduler is given), ranked.
    ``on_sample(done)`` reports progress."""
    from game.scenario.yamlsafe import load_located

    loaded = load_scenario(spec.scenario)
    scn = loaded.scenario
    if scn.calibration is None or not scn.calibration.bands:
        raise ValueError(f"{spec.scenario}: the scenario declares no calibration bands")
    data = load_located(loaded.path).data
    for v in spec.vary:
        locate(data, v.path)  # a clear message before any work
    unit = design(spec)
    lows = np.array([v.low for v in spec.vary])
    highs = np.array([v.high for v in spec.vary])
    pts = lows + unit * (highs - lows)
    points = [{v.path: float(p[j]) for j, v in enumerate(spec.vary)} for p in pts]
    # two samples check the numbers are valid before the cluster starts
    for p in (points[0], points[-1]):
        scenario_with(data, p, spec.scenario)
    args = (spec.mode, spec.games, spec.runs, spec.seed, spec.ai.to_dict(), str(loaded.path))
    if scheduler is None and workers <= 0:
        values = []
        for p in points:
            values.append(run_sample(data, p, *args))
            if on_sample is not None:
                on_sample(len(values))
    else:
        values = _on_dask(data, points, args, scheduler, workers, on_sample)
    return SweepResult(
        scenario=scn.meta.id,
        spec={
            "vary": [dataclasses.asdict(v) for v in spec.vary],
            "samples": spec.samples,
            "method": spec.method,
            "mode": spec.mode,
            "games": spec.games,
            "runs": spec.runs,
            "seed": spec.seed,
            "ai": spec.ai.to_dict(),
        },
        points=points,
        values=values,
        bands=rank(spec, unit, values, scn),
    )


def _run_one(data: dict[str, Any], values: dict[str, float], *args: Any) -> dict[str, float]:
    return run_sample(data, values, *args)


def _on_dask(
    data: dict[str, Any],
    points: Sequence[dict[str, float]],
    args: tuple[Any, ...],
    scheduler: str | None,
    workers: int,
    on_sample: Callable[[int], None] | None,
) -> list[dict[str, float]]:
    from game.lab.cluster import run_tasks

    done = [0]

    def count(_i: int) -> None:
        done[0] += 1
        if on_sample is not None:
            on_sample(done[0])

    return run_tasks(
        _run_one,
        [(p, *args) for p in points],
        scheduler,
        workers,
        shared=data,
        on_done=count,
        name="sweep",
    )


# --- output -----------------------------------------------------------------------------------


def _fmt(statistic: str, v: float) -> str:
    return f"{v:.3g}" if statistic == "median_length" else f"{100 * v:+.1f} pts"


def _level(statistic: str, v: float) -> str:
    return f"{v:.3g}" if statistic == "median_length" else f"{100 * v:.1f}%"


def print_ranking(r: SweepResult, file: Any = None) -> None:
    import sys

    from rich.console import Console
    from rich.table import Table

    console = Console(file=file or sys.stdout, highlight=False)
    s = r.spec
    what = f"{s['games']} games" if s["mode"] == "lab" else f"{s['runs']} simulated worlds"
    console.print(
        f"[bold]Sweep of {r.scenario}[/bold]: {s['samples']} samples ({s['method']}), "
        f"{what} each, seed {s['seed']}"
    )
    for b in r.bands:
        t = Table(
            title=f"{b.name}: band {_level(b.statistic, b.low)}–{_level(b.statistic, b.high)}, "
            f"mean over samples {_level(b.statistic, b.mean)}",
            title_justify="left",
        )
        t.add_column("rank", justify="right")
        t.add_column("number")
        t.add_column("effect LOW→HIGH", justify="right")
        t.add_column("Spearman", justify="right")
        for i, inf in enumerate(b.ranking, 1):
            t.add_row(str(i), inf.path, _fmt(b.statistic, inf.effect), f"{inf.spearman:+.2f}")
        console.print(t)


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(
        buf, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None}
    )
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    # inline in HTML: no namespace URLs needed
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)
    return text.replace("xlink:href=", "href=").strip()


def tornado_figure(b: BandRanking) -> Any:
    """A tornado chart of one band: a bar per number from the fitted statistic at its
    LOW end (blue) to its HIGH end (orange, hatched), the band shaded."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    rows = b.ranking[::-1]  # the largest effect on top
    fig = Figure(figsize=(7.0, 0.45 * len(rows) + 1.4), layout="constrained")
    FigureCanvasSVG(fig)
    ax = fig.add_subplot()
    scale = 1.0 if b.statistic == "median_length" else 100.0
    mid = b.at_mid * scale
    for i, inf in enumerate(rows):
        half = inf.effect * scale / 2
        lo, hi = mid - half, mid + half
        ax.barh(i, mid - lo, left=lo, color="#0072B2")
        ax.barh(i, hi - mid, left=mid, color="#E69F00", hatch="//")
    ax.axvline(mid, color="#333333", linewidth=0.8)
    ax.axvspan(b.low * scale, b.high * scale, color="#009E73", alpha=0.12)
    ax.set_yticks(range(len(rows)), [r.path for r in rows], fontsize=7.5)
    unit = "turns" if b.statistic == "median_length" else "% of games"
    ax.set_xlabel(f"{unit}; blue: at LOW, orange: at HIGH, green: the band")
    ax.set_title(b.name)
    return fig


def tornado_svg(b: BandRanking, uid: str) -> str:
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": f"brink-sweep-{uid}", "svg.fonttype": "none"}):
        text = _svg(tornado_figure(b))
    # ids unique per chart: several charts share one page
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{uid}-{m.group(1)}"', text)
    return re.sub(r'(url\(#|href="#)([^)"]+)', lambda m: f"{m.group(1)}{uid}-{m.group(2)}", text)


def write_html(r: SweepResult, path: str) -> None:
    """A self-contained page: the ranking tables and one tornado chart per band."""
    e = html.escape
    s = r.spec
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Sweep of {e(r.scenario)}</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd}"
        "td.n{text-align:right}svg{max-width:100%;height:auto}</style></head><body>",
        f"<h1>Sensitivity sweep: {e(r.scenario)}</h1>",
        f"<p>{s['samples']} samples ({e(s['method'])}), "
        + (f"{s['games']} games" if s["mode"] == "lab" else f"{s['runs']} simulated worlds")
        + f" each, seed {s['seed']}. Varied: "
        + ", ".join(f"<code>{e(v['path'])}</code> {v['low']:g}–{v['high']:g}" for v in s["vary"])
        + ". Effect: how much the statistic moves when the number goes from its LOW to its "
        "HIGH value, the others held (a least-squares fit over the samples).</p>",
    ]
    for i, b in enumerate(r.bands):
        parts.append(f"<h2>{e(b.name)}</h2>")
        parts.append(
            f"<p>Band {_level(b.statistic, b.low)}–{_level(b.statistic, b.high)}; "
            f"mean over the samples {_level(b.statistic, b.mean)}.</p>"
        )
        parts.append(tornado_svg(b, f"t{i}"))
        parts.append("<table><tr><th>rank</th><th>number</th><th>effect</th><th>Spearman</th></tr>")
        for k, inf in enumerate(b.ranking, 1):
            parts.append(
                f"<tr><td class='n'>{k}</td><td><code>{e(inf.path)}</code></td>"
                f"<td class='n'>{e(_fmt(b.statistic, inf.effect))}</td>"
                f"<td class='n'>{inf.spearman:+.2f}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>\n")
    Path(path).write_text("\n".join(parts), encoding="utf-8")
