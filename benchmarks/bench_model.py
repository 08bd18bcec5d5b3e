"""Speed and memory of the model, on one core.

    python benchmarks/bench_model.py            # a table
    python benchmarks/bench_model.py --json     # one JSON object

Measured on the Venezuela scenario (mini.yaml, with a warning, if it does not load):

forecast_10k_12_ms   vectorised forecast, 10,000 worlds x 12 turns, both sides on uniform
                     random play, one start cloned; median of the repeats, in CPU time
                     of this (single-threaded) process, so that other work on a shared
                     machine does not count; ``forecast_wall_ms`` is the wall-clock median
reference_ratio      reference (game.model.reference) time per world-turn, from a smaller
                     run, / vectorised time per world-turn
peak_mb              tracemalloc peak added during one such forecast
simulate_100k_20_s   wall time of ``brink simulate SCENARIO --runs 100000 --turns 20 --json``
                     done in-process (output captured)
rng_floor_ms         baseline from the same run: float32 standard normals for worlds x turns
                     x metrics (the cost of one normal per cell), and forecast / floor
                     (a ratio that moves less than either when the machine is busy)

Floors (issue 4): forecast_10k_12_ms <= 30, reference_ratio >= 150, peak_mb <= 50,
simulate_100k_20_s <= 3.
"""

from __future__ import annotations

import os

# One core: set before numpy is imported anywhere.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import contextlib  # noqa: E402
import datetime as dt  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VENEZUELA = ROOT / "scenarios" / "venezuela-2025.yaml"
MINI = ROOT / "tests" / "data" / "mini.yaml"

WORLDS, TURNS = 10_000, 12
FLOORS = {
    "forecast_10k_12_ms": ("<=", 30.0),
    "reference_ratio": (">=", 150.0),
    "peak_mb": ("<=", 50.0),
    "simulate_100k_20_s": ("<=", 3.0),
}


def _scenario() -> tuple[Path, object]:
    from game.scenario import ScenarioError, load_scenario

    try:
        return VENEZUELA, load_scenario(VENEZUELA)
    except ScenarioError as e:
        print(
            f"warning: {VENEZUELA.name} does not load ({e.problems[0]}); measuring mini.yaml",
            file=sys.stderr,
        )
        return MINI, load_scenario(MINI)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def measure(repeats: int = 9, ref_worlds: int = 300) -> dict[str, object]:
    from game.cli import main as brink
    from game.model import compile_scenario, forecast, initial_state, policies_for
    from game.model.reference import ref_forecast

    path, loaded = _scenario()
    scn = loaded.scenario  # type: ignore[attr-defined]
    c = compile_scenario(scn)
    start = initial_state(c, 1, np.random.default_rng(0))
    pol = policies_for(c)

    def run(seed: int) -> None:
        forecast(c, start, pol, np.random.default_rng(seed), worlds=WORLDS, horizon=TURNS)

    run(0)  # warm up (tables, caches, allocator)
    # the floor: one float32 normal per world, turn and metric, timed alongside
    rng = np.random.default_rng(1)
    times, walls, floor = [], [], []
    for i in range(repeats):
        t0 = time.process_time()
        rng.standard_normal(WORLDS * TURNS * c.n_metrics, dtype=np.float32)
        floor.append(time.process_time() - t0)
        w0, t0 = time.perf_counter(), time.process_time()
        run(i + 1)
        times.append(time.process_time() - t0)
        walls.append(time.perf_counter() - w0)
    forecast_ms = statistics.median(times) * 1000
    floor_ms = statistics.median(floor) * 1000

    # memory added during one forecast
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    run(99)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()

    # the reference on a smaller run of the same work, per world-turn
    t0 = time.process_time()
    ref_forecast(scn, None, {}, np.random.default_rng(2), ref_worlds, TURNS)
    ref_s = time.process_time() - t0
    ratio = (ref_s / (ref_worlds * TURNS)) / (forecast_ms / 1000 / (WORLDS * TURNS))

    # brink simulate, in-process
    out = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = brink(
            ["simulate", str(path), "--runs", "100000", "--turns", "20", "--json", "--seed", "1"]
        )
    sim_s = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"brink simulate failed with status {code}")
    json.loads(out.getvalue())

    return {
        "forecast_10k_12_ms": round(forecast_ms, 2),
        "reference_ratio": round(ratio, 1),
        "peak_mb": round(peak / 2**20, 2),
        "simulate_100k_20_s": round(sim_s, 3),
        "rng_floor_ms": round(floor_ms, 2),
        "forecast_over_floor": round(forecast_ms / floor_ms, 2),
        "forecast_min_ms": round(min(times) * 1000, 2),
        "forecast_wall_ms": round(statistics.median(walls) * 1000, 2),
        "load_average": round(os.getloadavg()[0], 2),
        "reference_ms_per_1k_world_turns": round(ref_s / (ref_worlds * TURNS) * 1e6, 1),
        "repeats": repeats,
        "scenario": scn.meta.id,
        "scenario_file": str(path.relative_to(ROOT)),
        "metrics": c.n_metrics,
        "options": int(c.n_options.sum()),
        "events": len(c.event_ids),
        "machine": _cpu(),
        "numpy": np.__version__,
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
        "meets_floors": all(
            (r[k] <= v if op == "<=" else r[k] >= v)
            for r in [
                {
                    "forecast_10k_12_ms": forecast_ms,
                    "reference_ratio": ratio,
                    "peak_mb": peak / 2**20,
                    "simulate_100k_20_s": sim_s,
                }
            ]
            for k, (op, v) in FLOORS.items()
        ),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--repeats", type=int, default=9, help="forecast repeats (median; >= 7)")
    args = p.parse_args(argv)
    r = measure(repeats=max(7, args.repeats))
    if args.json:
        print(json.dumps(r))
        return 0
    print(f"Model benchmark — {r['scenario']} ({r['scenario_file']}), {r['machine']}, {r['date']}")
    print(f"{'measure':<24}{'value':>12}  floor")
    for key, (op, bound) in FLOORS.items():
        v = r[key]
        ok = v <= bound if op == "<=" else v >= bound
        print(f"{key:<24}{v:>12}  {op} {bound:g}  {'ok' if ok else 'MISSED'}")
    print(
        f"{'rng_floor_ms':<24}{r['rng_floor_ms']:>12}  (float32 normals, worlds x turns x metrics)"
    )
    print(f"{'forecast_over_floor':<24}{r['forecast_over_floor']:>12}")
    print(f"{'forecast_min_ms':<24}{r['forecast_min_ms']:>12}")
    print(
        f"{'forecast_wall_ms':<24}{r['forecast_wall_ms']:>12}  (load average {r['load_average']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
