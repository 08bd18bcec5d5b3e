"""Engine benchmark: AI decision time and the balance of a scenario (AI against AI).

    python benchmarks/bench_engine.py            # human-readable table
    python benchmarks/bench_engine.py --json     # one JSON object
    python benchmarks/bench_engine.py --games 100

``ai_move_ms`` is the median time of one AI decision at the default settings on
one core (thread pools are pinned to one thread before numpy is imported).
``outcome_shares`` is each outcome's share over ``--games`` AI-against-AI games,
seeds 0..games-1, played by the balance lab (``brink lab``: the same games as
``brink autoplay --seed 0..games-1``, in one process).
Floors (issue 5): ai_move_ms ≤ 300; no outcome above 80%; every outcome ≥ 2%.
"""

from __future__ import annotations

import os

for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_AI_MS = 300.0
MAX_SHARE = 0.80
MIN_SHARE = 0.02

_LOADED = None


def _loaded(path: str):
    global _LOADED
    if _LOADED is None:
        from game.scenario import load_scenario

        _LOADED = load_scenario(path)
    return _LOADED


def _settings(worlds: int | None, horizon: int | None):
    from game.engine import AISettings

    base = AISettings()
    return AISettings(
        worlds=worlds or base.worlds,
        horizon=horizon or base.horizon,
        persistence=base.persistence,
        advice_worlds=base.advice_worlds,
        advice_horizon=base.advice_horizon,
    )


def _pin_one_core() -> set[int] | None:
    """Run on one CPU while timing; returns the previous affinity to restore."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        before = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(before)})
        return before
    except OSError:
        return None


def time_ai_moves(path: str, moves: int, worlds: int | None, horizon: int | None) -> list[float]:
    """Milliseconds per AI decision as ``Session.resolve`` makes them (both sides)."""
    from game.engine import Session
    from game.engine import ai as ai_mod

    loaded = _loaded(path)
    cfg = _settings(worlds, horizon)
    times: list[float] = []
    real = ai_mod.decide

    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        out = real(*args, **kwargs)
        times.append((time.perf_counter() - t0) * 1000.0)
        return out

    ai_mod.decide = timed
    try:
        seed = 10_000
        while len(times) < moves:
            s = Session.new(loaded, seed=seed, seats={}, ai=cfg, autosave=False)
            seed += 1
            while not s.over and len(times) < moves:
                s.resolve()
    finally:
        ai_mod.decide = real
    return times[:moves]


def outcome_shares(
    path: str, games: int, worlds: int | None, horizon: int | None
) -> tuple[dict[str, float], dict[str, float]]:
    from game.lab.games import play_games

    loaded = _loaded(path)
    records = play_games(loaded, games, 0, _settings(worlds, horizon))
    outcomes = [o.id for o in loaded.scenario.outcomes]
    counts = Counter(r.outcome for r in records)
    shares = {o: counts.get(o, 0) / games for o in outcomes}
    turns = [r.length for r in records]
    return shares, {"mean_turns": statistics.fmean(turns), "max_turns": max(turns)}


def main(argv: list[str] | None = None) -> int:
    from game.scenario.paths import default_scenario

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("scenario", nargs="?", default=str(default_scenario()))
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--games", type=int, default=1000, help="AI-vs-AI games for the shares")
    p.add_argument("--moves", type=int, default=60, help="AI decisions to time")
    p.add_argument("--worlds", type=int, help="override AISettings.worlds (default: engine's)")
    p.add_argument("--horizon", type=int, help="override AISettings.horizon")
    args = p.parse_args(argv)

    from game.engine import AISettings

    before = _pin_one_core()
    times = time_ai_moves(args.scenario, args.moves, args.worlds, args.horizon)
    if before is not None:
        os.sched_setaffinity(0, before)
    ai_ms = statistics.median(times)
    t0 = time.perf_counter()
    shares, turns = outcome_shares(args.scenario, args.games, args.worlds, args.horizon)
    elapsed = time.perf_counter() - t0
    cfg = _settings(args.worlds, args.horizon)
    floors = {
        "ai_move_ms": ai_ms <= MAX_AI_MS,
        "max_share": max(shares.values()) <= MAX_SHARE,
        "min_share": min(shares.values()) >= MIN_SHARE,
    }
    result = {
        "scenario": Path(args.scenario).name,
        "ai_move_ms": round(ai_ms, 1),
        "ai_move_ms_p90": round(sorted(times)[int(0.9 * (len(times) - 1))], 1),
        "ai_moves_timed": len(times),
        "games": args.games,
        "outcome_shares": {k: round(v, 4) for k, v in shares.items()},
        "mean_turns": round(turns["mean_turns"], 2),
        "ai_settings": cfg.to_dict(),
        "default_settings": cfg == AISettings(),
        "games_seconds": round(elapsed, 1),
        "floors_met": floors,
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"scenario            {result['scenario']}")
    print(f"AI settings         {cfg.worlds} worlds × {cfg.horizon} turns per option")
    print(
        f"AI move (median)    {ai_ms:7.1f} ms   (p90 {result['ai_move_ms_p90']} ms, "
        f"floor ≤ {MAX_AI_MS:.0f})  {'ok' if floors['ai_move_ms'] else 'MISSED'}"
    )
    print(
        f"games               {args.games} (mean {turns['mean_turns']:.1f} turns, {elapsed:.0f} s)"
    )
    print("outcome shares      (floors: none above 80%, each at least 2%)")
    for k, v in shares.items():
        flag = "" if MIN_SHARE <= v <= MAX_SHARE else "  <- outside the floors"
        print(f"  {k:<20} {v:6.1%}{flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
