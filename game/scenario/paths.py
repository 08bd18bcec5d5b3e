"""Where the game's data lives: shipped data, and the player's own folder.

Shipped data (scenarios, fact sheets, reference classes, map, fonts, theme) is
read from one of two places, found once at import:

- an installed package (a wheel, ``pip install .``, or the one-folder bundle):
  ``game/_data/{scenarios,seeds,assets}``, which the build copies from the
  repository's top-level folders (see setup.py), found via ``importlib.resources``;
- a source checkout (also an editable install): the top-level ``scenarios/``,
  ``seeds/`` and ``assets/`` beside the ``game/`` package.

The player's own data (saves, settings, and the teachers' scenario folder) is
in the user data directory (platformdirs), or ``BRINK_DATA_DIR`` when set.
This module imports nothing from the rest of the game, so every layer may use it.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

from game.i18n import _

ENV_DATA_DIR = "BRINK_DATA_DIR"

INSTALLED = "installed package"
CHECKOUT = "source checkout"


def _find_data_root() -> tuple[Path, str]:
    packaged = resources.files("game") / "_data"
    # Only a real folder will do: fonts, the map and fact sheets beside a
    # scenario are opened by path (a zipped package is not supported).
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged.resolve(), INSTALLED
    checkout = Path(__file__).resolve().parents[2]  # game/scenario/paths.py -> the repository
    if (checkout / "scenarios").is_dir():
        return checkout, CHECKOUT
    # Neither: keep the installed location so error messages name a real place.
    return Path(str(packaged)), INSTALLED


# ROOT holds scenarios/, seeds/ and assets/; SOURCE says which kind of place it is.
ROOT, SOURCE = _find_data_root()
SCENARIOS = ROOT / "scenarios"
ASSETS = ROOT / "assets"
SEEDS = ROOT / "seeds"
# The starting files ``brink new-scenario`` copies (a scenario and its fact sheet).
STARTER = Path(str(resources.files("game") / "scenario" / "starter"))


# Which shipped scenario opens when none is named is a choice about the data, made in the
# data folder: the code favours no crisis.
DEFAULT_FILE = "default.txt"


def default_scenario() -> Path:
    """The scenario used when none is named: the one ``scenarios/default.txt`` names (its
    first line that is not blank or a ``#`` comment), else the first shipped scenario."""
    try:
        lines = (SCENARIOS / DEFAULT_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    names = [n for n in (ln.split("#", 1)[0].strip() for ln in lines) if n]
    if names:
        return SCENARIOS / f"{names[0].removesuffix('.yaml')}.yaml"
    shipped = shipped_scenarios()
    # (none shipped: a path that names the missing file, for the error message)
    return shipped[0] if shipped else SCENARIOS / DEFAULT_FILE


# A translation beside a scenario or sheet: NAME.es.yaml, NAME.pt-BR.yaml (game.scenario.translate).
SIDECAR = re.compile(r"\.([a-z]{2}(?:-[A-Z]{2})?)\.yaml$")


def is_sidecar(path: str | Path) -> bool:
    """True for a translation file (``border-dispute.es.yaml``), which is not a scenario."""
    return SIDECAR.search(Path(path).name) is not None


def shipped_scenarios() -> list[Path]:
    """The scenarios that come with the game."""
    return sorted(p for p in SCENARIOS.glob("*.yaml") if not is_sidecar(p))


def user_data_dir() -> Path:
    """The user data directory (``BRINK_DATA_DIR`` overrides it, e.g. in tests)."""
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("brinkmanship"))


def teachers_dir() -> Path:
    """The teachers' scenario folder: every ``*.yaml`` there is offered beside the shipped ones.

    Its fact sheets go in ``seeds/`` beside it, as in the repository, so a
    scenario moves between the two unchanged.
    """
    return user_data_dir() / "scenarios"


def teachers_scenarios() -> list[Path]:
    d = teachers_dir()
    if not d.is_dir():
        return []
    return sorted(
        p
        for p in d.glob("*.yaml")
        if p.is_file() and not p.name.startswith(".") and not is_sidecar(p)
    )


def scenario_files() -> list[Path]:
    """Every scenario this machine knows by itself: shipped, then the teachers' folder."""
    return shipped_scenarios() + teachers_scenarios()


def shipped_sheet(rel: str) -> Path | None:
    """The shipped fact sheet that ``rel`` (e.g. ``../seeds/reference-classes.yaml``) names.

    A scenario names its sheets relative to itself; a copy of a scenario in
    another folder (the teachers' folder) still finds the shipped sheets when
    the path's last folder is ``seeds``.
    """
    p = Path(rel)
    if len(p.parts) < 2 or p.parts[-2] != "seeds":
        return None
    cand = SEEDS / p.name
    return cand if cand.is_file() else None


def describe() -> str:
    """Where the data comes from, for ``brink --version``."""
    return _(
        "shipped data: {root} ({source})\nteachers' scenario folder: {teachers}\n"
        "saves and settings: {data}",
        root=ROOT,
        source=SOURCE,
        teachers=teachers_dir(),
        data=user_data_dir(),
    )
