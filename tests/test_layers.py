"""Layer rules: the import-linter contracts in pyproject.toml hold, and they can fail.

The contracts (docs/architecture.md, "Layers") count imports inside functions too, so a
lazy ``import pygame`` in the engine breaks them as surely as one at the top of a file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run the contracts from pyproject.toml over the ``game`` package found under root."""
    code = (
        "import sys\n"
        "from importlinter.cli import lint_imports\n"
        "sys.exit(lint_imports(no_cache=True, no_logo=True))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )


def test_layer_contracts_are_kept() -> None:
    out = _lint_imports(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def _copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "game", tmp_path / "game", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _plant(module: Path, body: str) -> None:
    with module.open("a", encoding="utf-8") as f:
        f.write(f"\n\ndef _planted() -> None:\n    {body}\n")


def test_an_import_inside_a_function_breaks_the_model_contract(tmp_path: Path) -> None:
    root = _copy_of_the_package(tmp_path)
    _plant(root / "game" / "model" / "policy.py", "import game.ui  # noqa: F401")
    out = _lint_imports(root)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "game.model is not allowed to import game.ui" in out.stdout
    assert "game.model.policy -> game.ui" in out.stdout


def test_the_engine_may_not_import_pygame_even_lazily(tmp_path: Path) -> None:
    root = _copy_of_the_package(tmp_path)
    _plant(root / "game" / "engine" / "rng.py", "import pygame  # noqa: F401")
    out = _lint_imports(root)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "game.engine is not allowed to import pygame" in out.stdout


def test_the_scenario_layer_may_not_import_the_package_root(tmp_path: Path) -> None:
    root = _copy_of_the_package(tmp_path)
    _plant(root / "game" / "scenario" / "load.py", "from game import __version__  # noqa: F401")
    out = _lint_imports(root)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "game.scenario.load is not allowed to import game" in out.stdout


def test_brink_check_does_not_import_pygame() -> None:
    mini = Path(__file__).parent / "data" / "mini.yaml"
    code = (
        "import sys\n"
        "from game.cli import main\n"
        f"rc = main(['check', {str(mini)!r}])\n"
        "print(rc, any(m.startswith('pygame') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0 False"
