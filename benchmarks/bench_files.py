"""Speed of the file-facing commands: refusing a hostile scenario, and the report.

    python benchmarks/bench_files.py            # a table
    python benchmarks/bench_files.py --json     # one JSON object

alias_bomb_s   wall time of ``check_file`` on tests/data/bad/alias-bomb.yaml (YAML aliases
               that would expand to billions of nodes): the reader must refuse it early
alias_bomb_mb  tracemalloc peak during that check
report_s       wall time of ``brink report LOG -o ... --csv ... --json ... --worlds 500``
               in a new interpreter, on one computer-against-computer game of the
               shipped scenario (seed 7), as tests/test_report.py runs it

Floors: alias_bomb_s <= 5, alias_bomb_mb <= 50, report_s <= 30. (The tests check what
these commands produce; the times are measured here, not in the tests.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ALIAS_BOMB = ROOT / "tests" / "data" / "bad" / "alias-bomb.yaml"
VENEZUELA = ROOT / "scenarios" / "venezuela-2025.yaml"
FLOORS = {"alias_bomb_s": 5.0, "alias_bomb_mb": 50.0, "report_s": 30.0}


def alias_bomb() -> tuple[float, float]:
    """(seconds, peak MB) to refuse the alias bomb."""
    from game.scenario import check_file

    tracemalloc.start()
    try:
        t0 = time.perf_counter()
        loaded, problems = check_file(ALIAS_BOMB)
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if loaded is not None or not problems:
        raise SystemExit(f"{ALIAS_BOMB} was accepted: the benchmark measures nothing")
    return elapsed, peak / 2**20


def report(workdir: Path) -> float:
    """Seconds for ``brink report`` on one computer game, in a new interpreter."""
    from game.engine import Session, save_game

    s = Session.new(VENEZUELA, seed=7, seats={}, autosave=False)
    while not s.over:
        s.resolve()
    log = save_game(s, workdir / "auto7.json")
    args = [
        sys.executable, "-m", "game", "report", str(log),
        "-o", str(workdir / "report.html"), "--csv", str(workdir / "csv"),
        "--json", str(workdir / "report.json"), "--worlds", "500",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRINK_DATA_DIR": str(workdir / "data")}
    t0 = time.perf_counter()
    r = subprocess.run(args, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"brink report failed:\n{r.stderr}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    args = ap.parse_args(argv)
    bomb_s, bomb_mb = alias_bomb()
    with tempfile.TemporaryDirectory() as d:
        report_s = report(Path(d))
    out = {"alias_bomb_s": bomb_s, "alias_bomb_mb": bomb_mb, "report_s": report_s}
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            verdict = "ok" if v <= FLOORS[k] else f"over the floor of {FLOORS[k]}"
            print(f"{k:14} {v:8.2f}  {verdict}")
    return 0 if all(out[k] <= FLOORS[k] for k in out) else 1


if __name__ == "__main__":
    sys.exit(main())
