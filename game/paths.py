"""Where the project's data lives (the package is used from a source checkout)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
ASSETS = ROOT / "assets"
SEEDS = ROOT / "seeds"


def default_scenario() -> Path:
    return SCENARIOS / "venezuela-2025.yaml"


def scenario_files() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))
