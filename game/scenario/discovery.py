"""Which scenarios a player can choose, and where each comes from.

Three sources, listed in this order: paths given on the command line (a file,
or a folder of ``*.yaml``), the scenarios shipped with the game, and the
teachers' folder in the user data directory (``game.scenario.paths.teachers_dir``).
The same file is listed once, under the first source that names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from game.i18n import _, os_error_text
from game.scenario import paths

COMMAND_LINE = "command line"
SHIPPED = "shipped"
TEACHERS = "teachers' folder"


@dataclass(frozen=True)
class Found:
    """One scenario file and the source that offered it."""

    path: Path
    source: str


_SHEET = re.compile(r"^(facts|references):", re.MULTILINE)
_META = re.compile(r"^meta:", re.MULTILINE)


def _is_sheet(path: Path) -> bool:
    """A fact or reference sheet (a top-level ``facts:``/``references:``, no ``meta:``)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False  # listed, so that choosing it shows why it cannot be read
    return bool(_SHEET.search(text)) and not _META.search(text)


def _scenarios_in(files: Iterable[Path]) -> list[Path]:
    # A fact sheet or a translation left beside the scenarios is not offered as a broken scenario.
    from game.scenario.paths import is_sidecar

    return [f for f in files if not _is_sheet(f) and not is_sidecar(f)]


def _yaml_in(arg: str | Path) -> list[Path]:
    p = Path(arg).expanduser()
    try:
        is_dir = p.is_dir()
    except (OSError, ValueError):  # a name too long: listed, and its check says why
        is_dir = False
    if is_dir:
        return _scenarios_in(sorted(f for f in p.glob("*.yaml") if f.is_file()))
    return [p]


def discover(extra: Iterable[str | Path] = ()) -> list[Found]:
    """Every scenario on offer: ``extra`` (command line), shipped, teachers' folder."""
    out: list[Found] = []
    seen: set[Path] = set()
    groups = [
        (COMMAND_LINE, [f for arg in extra for f in _yaml_in(arg)]),
        (SHIPPED, paths.shipped_scenarios()),
        (TEACHERS, _scenarios_in(paths.teachers_scenarios())),
    ]
    for source, files in groups:
        for f in files:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(Found(f, source))
    return out


def by_name(name: str) -> Path | None:
    """The known scenario (shipped or teachers' folder) whose file is called ``name``.

    ``border-dispute``, ``border_dispute`` and ``border-dispute.yaml`` all name
    the same file, so an installed game's scenarios can be named from anywhere.
    """
    want = name.removesuffix(".yaml").replace("_", "-")
    for p in paths.scenario_files():
        if p.stem.replace("_", "-") == want:
            return p
    return None


# The same rule as a scenario id (meta.id), which the name becomes.
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,47}")


class NewScenarioError(Exception):
    """``brink new-scenario`` cannot write the starting files; the message says why."""


def new_scenario(name: str, folder: Path | None = None, force: bool = False) -> list[Path]:
    """Copy the starting scenario as ``NAME.yaml`` (and its fact sheet) into the teachers' folder.

    The folder gets the repository's layout, ``scenarios/NAME.yaml`` beside
    ``seeds/NAME-facts.yaml``, so the pair can move into a checkout unchanged.
    Returns the files written, the scenario first.
    """
    if not _NAME.fullmatch(name):
        raise NewScenarioError(
            _(
                "{name!r} is not a usable name: use lower-case letters, digits, '-' and '_' "
                "(at most 48), starting with a letter, e.g. border-dispute",
                name=name,
            )
        )
    scen_dir = folder if folder is not None else paths.teachers_dir()
    seeds_dir = scen_dir.parent / "seeds"
    scen, facts = scen_dir / f"{name}.yaml", seeds_dir / f"{name}-facts.yaml"
    existing = [p for p in (scen, facts) if p.exists()]
    if existing and not force:
        raise NewScenarioError(
            _(
                "{path} already exists (choose another name, or --force to overwrite)",
                path=existing[0],
            )
        )
    text = (paths.STARTER / "scenarios" / "starter.yaml").read_text(encoding="utf-8")
    sheet = (paths.STARTER / "seeds" / "starter-facts.yaml").read_text(encoding="utf-8")
    # The copy gets its own id and its own fact sheet; each replacement must hit once.
    text = _replace_once(text, "  id: starter ", f"  id: {name} ")
    text = _replace_once(
        text, "fact_sheet: ../seeds/starter-facts.yaml", f"fact_sheet: ../seeds/{name}-facts.yaml"
    )
    sheet = _replace_once(sheet, "id: starter-facts\n", f"id: {name}-facts\n")
    try:
        scen_dir.mkdir(parents=True, exist_ok=True)
        seeds_dir.mkdir(parents=True, exist_ok=True)
        scen.write_text(text, encoding="utf-8")
        facts.write_text(sheet, encoding="utf-8")
    except OSError as e:
        raise NewScenarioError(
            _("cannot write {path}: {error}", path=e.filename, error=os_error_text(e))
        ) from e
    return [scen, facts]


def _replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise RuntimeError(f"the starting scenario no longer contains {old!r} exactly once")
    return text.replace(old, new)
