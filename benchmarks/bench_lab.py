"""Balance lab benchmark: computer-against-computer games per second, one process.

    python benchmarks/bench_lab.py             # a table (1,000 Venezuela games)
    python benchmarks/bench_lab.py --json      # one JSON object
    python benchmarks/bench_lab.py --games 40  # quicker: lab_1000_s is then scaled up

lab_1000_s           wall time of the lab (``brink lab``'s games) for 1,000 games at the
                     default computer settings, seeds 0..999, on one core; with
                     ``--games N`` below 1,000 it is N games' time x 1000 / N and
                     ``lab_1000_s_scaled`` says so
serial_over_batched  serial ``autoplay`` time per game (``--serial`` games, seeds 10,000
                     on, one ``Session`` after another) / the lab's time per game, both
                     measured in this run
peak_mb              the process's peak resident memory (the interpreter included)
load_average         the machine's 1-minute load average before and after (a shared
                     machine slows every figure)

Floors (issue 13): lab_1000_s <= 60, serial_over_batched >= 20, peak_mb <= 1000.
"""

from __future__ import annotations

import os

# One core: set before numpy is imported anywhere.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_LAB_1000_S = 60.0
MIN_SERIAL_OVER_BATCHED = 20.0
MAX_PEAK_MB = 1000.0


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _peak_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> int:
    from game.scenario.paths import default_scenario

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("scenario", nargs="?", default=str(default_scenario()))
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--games", type=int, default=1000, help="lab games (default 1000)")
    p.add_argument("--serial", type=int, default=5, help="autoplay games timed one by one")
    p.add_argument("--worlds", type=int, help="override the computer's forecast worlds")
    p.add_argument("--horizon", type=int, help="override the computer's look-ahead")
    args = p.parse_args(argv)

    from game.engine import AISettings, Session
    from game.lab.games import play_games
    from game.scenario import load_scenario

    _pin_one_core()
    load_before = os.getloadavg()[0]
    loaded = load_scenario(args.scenario)
    base = AISettings()
    cfg = AISettings(worlds=args.worlds or base.worlds, horizon=args.horizon or base.horizon)

    t0 = time.perf_counter()
    serial_turns = 0
    for seed in range(10_000, 10_000 + args.serial):
        s = Session.new(loaded, seed=seed, ai=cfg, autosave=False)
        while not s.over:
            s.resolve()
        serial_turns += s.turn
    serial_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    records = play_games(loaded, args.games, 0, cfg)
    lab_s = time.perf_counter() - t0
    lab_turns = sum(r.length for r in records)

    serial_per_game = serial_s / args.serial
    lab_per_game = lab_s / args.games
    lab_1000 = lab_per_game * 1000.0
    result = {
        "scenario": Path(args.scenario).name,
        "games": args.games,
        "lab_s": round(lab_s, 2),
        "lab_1000_s": round(lab_1000, 1),
        "lab_1000_s_scaled": args.games != 1000,
        "lab_per_game_s": round(lab_per_game, 4),
        "lab_mean_turns": round(lab_turns / args.games, 2),
        "serial_games": args.serial,
        "serial_per_game_s": round(serial_per_game, 4),
        "serial_mean_turns": round(serial_turns / args.serial, 2),
        "serial_over_batched": round(serial_per_game / lab_per_game, 3),
        "peak_mb": round(_peak_mb(), 1),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "ai_settings": cfg.to_dict(),
        "default_settings": cfg == AISettings(),
    }
    result["floors_met"] = {
        "lab_1000_s": lab_1000 <= MAX_LAB_1000_S,
        "serial_over_batched": result["serial_over_batched"] >= MIN_SERIAL_OVER_BATCHED,
        "peak_mb": result["peak_mb"] <= MAX_PEAK_MB,
    }
    if args.json:
        print(json.dumps(result))
        return 0
    ok = result["floors_met"]
    scaled = " (scaled from the games played)" if result["lab_1000_s_scaled"] else ""
    print(f"scenario             {result['scenario']}  ({cfg.worlds} worlds × {cfg.horizon} turns)")
    print(
        f"lab                  {args.games} games in {lab_s:.1f} s, "
        f"{result['lab_mean_turns']} turns on average"
    )
    print(
        f"lab_1000_s           {lab_1000:8.1f} s{scaled}  (floor ≤ {MAX_LAB_1000_S:.0f})  "
        f"{'ok' if ok['lab_1000_s'] else 'MISSED'}"
    )
    print(
        f"serial_over_batched  {result['serial_over_batched']:8.2f}  "
        f"(serial {serial_per_game:.2f} s/game over {args.serial} games; floor ≥ "
        f"{MIN_SERIAL_OVER_BATCHED:.0f})  {'ok' if ok['serial_over_batched'] else 'MISSED'}"
    )
    print(
        f"peak_mb              {result['peak_mb']:8.1f}  (floor ≤ {MAX_PEAK_MB:.0f})  "
        f"{'ok' if ok['peak_mb'] else 'MISSED'}"
    )
    before, after = result["load_average"]
    print(f"load average         {before} before, {after} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
