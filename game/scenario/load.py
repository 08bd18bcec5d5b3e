"""Load a scenario file into a validated ``Scenario``, or report every problem."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from game.scenario import crossref
from game.scenario.schema import Scenario
from game.scenario.yamlsafe import Located, Problem, YamlError, _dotted, load_located


class ScenarioError(Exception):
    """A scenario (or its fact sheet) has errors; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Loaded:
    """A validated scenario with what was read alongside it."""

    scenario: Scenario
    path: Path
    sha256: str
    facts: dict[str, dict[str, Any]]
    references: dict[str, dict[str, Any]]
    warnings: list[Problem]


def _pydantic_message(err: dict[str, Any]) -> str:
    msg = str(err["msg"])
    if err["type"] == "extra_forbidden":
        return "unknown field (check the spelling)"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] in {"float_type", "int_type", "bool_type", "string_type"}:
        msg += f", got {err['input']!r}"
    return msg


def _sheet(
    scenario_path: Path, rel: str | None, key: str, where: tuple[str, str], loc: Located
) -> tuple[dict[str, dict[str, Any]] | None, list[Problem]]:
    if rel is None:
        return None, []
    path = (scenario_path.parent / rel).resolve()
    mark = loc.mark_for(where)
    if not path.is_file():
        return None, [
            Problem(str(scenario_path), mark.line, mark.col, _dotted(where), f"no file {rel!r}")
        ]
    try:
        sheet = load_located(path)
    except YamlError as e:
        return None, e.problems
    items = sheet.data.get(key) if isinstance(sheet.data, dict) else None
    if not isinstance(items, list):
        return None, [Problem(str(path), 1, 1, key, f"a fact sheet needs a list '{key}'")]
    out: dict[str, dict[str, Any]] = {}
    problems = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            m = sheet.mark_for((key, i))
            problems.append(Problem(str(path), m.line, m.col, f"{key}[{i}]", "entry needs an id"))
            continue
        out[item["id"]] = item
    return out, problems


def check_file(path: str | Path) -> tuple[Loaded | None, list[Problem]]:
    """Load ``path``; return the result (None if any error) and all problems, sorted."""
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        return None, [Problem(name, 1, 1, "", f"cannot read: {e.strerror}")]
    try:
        loc = load_located(path)
    except YamlError as e:
        return None, e.problems
    if not isinstance(loc.data, dict):
        return None, [Problem(name, 1, 1, "", "a scenario must be a mapping of sections")]

    problems: list[Problem] = []
    try:
        scn = Scenario.model_validate(loc.data)
    except ValidationError as e:
        for err in e.errors():
            path_ = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
            # Bare-number shorthands add a synthetic step to the path: drop it.
            path_ = tuple(p for p in path_ if p not in ("float", "int"))
            m = loc.mark_for(path_)
            problems.append(Problem(name, m.line, m.col, _dotted(path_), _pydantic_message(err)))
        return None, sorted(problems, key=lambda p: (p.line, p.col))

    facts, fp = _sheet(path, scn.meta.fact_sheet, "facts", ("meta", "fact_sheet"), loc)
    refs, rp = _sheet(path, scn.meta.references, "references", ("meta", "references"), loc)
    problems += fp + rp
    fact_ids = set(facts) if facts is not None else None
    ref_ids = set(refs) if refs is not None else None
    if ref_ids is None and scn.meta.references is None:
        ref_ids = set()
    for where, message, severity in crossref.check(scn, fact_ids, ref_ids):
        m = loc.mark_for(where)
        problems.append(Problem(name, m.line, m.col, _dotted(where), message, severity))
    problems.sort(key=lambda p: (p.line, p.col))
    if any(p.severity == "error" for p in problems):
        return None, problems
    loaded = Loaded(
        scenario=scn,
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        facts=facts or {},
        references=refs or {},
        warnings=problems,
    )
    return loaded, problems


def load_scenario(path: str | Path) -> Loaded:
    """Load and validate ``path``; raise ``ScenarioError`` listing every error."""
    loaded, problems = check_file(path)
    if loaded is None:
        raise ScenarioError([p for p in problems if p.severity == "error"])
    return loaded
