"""Mutated scenarios, fact sheets and saves end in the game's own error or a valid game.

A short, fixed (derandomised) slice of ``tools/fuzz.py``; run that script for long
explorations. The longer slices here are marked slow (``-m "not slow"`` skips them).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _fuzz():
    spec = importlib.util.spec_from_file_location("brink_fuzz", ROOT / "tools" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["brink_fuzz"] = mod
    spec.loader.exec_module(mod)
    return mod


fuzz = _fuzz()


def test_mutated_scenarios_are_refused_cleanly_or_play() -> None:
    fuzz.scenario_property(max_examples=40, derandomize=True)()


def test_mutated_saves_are_refused_cleanly_or_load() -> None:
    fuzz.save_property(max_examples=200, derandomize=True)()


@pytest.mark.slow
def test_mutated_scenarios_longer() -> None:
    fuzz.scenario_property(max_examples=120, derandomize=True)()


@pytest.mark.slow
def test_mutated_saves_longer() -> None:
    fuzz.save_property(max_examples=600, derandomize=True)()
