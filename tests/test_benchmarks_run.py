"""The benchmarks still run: each is started as a user would, at its smallest size, and
its JSON carries the figures its floors are judged on. No timing is checked here (the
figures are the benchmarks' own business, on a quiet machine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI_SCENARIO

ROOT = Path(__file__).resolve().parent.parent


def _run(script: str, *args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("scenario", [None, MINI_SCENARIO])
def test_bench_lab_runs(scenario: Path | None) -> None:
    where = [] if scenario is None else [str(scenario)]
    r = _run("bench_lab.py", *where, "--games", "2", "--serial", "1", "--worlds", "8")
    assert r["games"] == 2 and r["serial_games"] == 1
    for key in ("lab_1000_s", "serial_over_batched", "peak_mb"):
        assert isinstance(r[key], int | float) and r[key] > 0, key
    assert set(r["floors_met"]) == {"lab_1000_s", "serial_over_batched", "peak_mb"}
    assert r["default_settings"] is False  # 8 worlds is not the default


def test_bench_engine_runs() -> None:
    r = _run(
        "bench_engine.py",
        str(MINI_SCENARIO),
        "--games",
        "4",
        "--moves",
        "2",
        "--worlds",
        "8",
        "--horizon",
        "2",
    )
    assert r["ai_moves_timed"] == 2 and r["games"] == 4
    assert abs(sum(r["outcome_shares"].values()) - 1.0) < 1e-6
