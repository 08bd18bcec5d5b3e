"""Load a scenario file into a validated ``Scenario``, or report every problem."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from game.scenario import crossref
from game.scenario.schema import Scenario
from game.scenario.yamlsafe import (
    Located,
    Path_,
    Problem,
    YamlError,
    _dotted,
    load_located,
    read_limited,
)

# Models that also accept a bare number (see their "before" validators).
_NUMBER_SHORTHANDS = {"Chance": "p", "Effect": "mean", "InitialValue": "mean"}


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
    language: str = "en"  # of the texts above; the file (path, sha256) is the same in every one
    original: Loaded | None = None  # as its files have it, when this is a translation

    def in_language(self, language: str) -> Loaded:
        """This scenario with its texts in ``language`` (its sidecar file), or as it is."""
        from game.scenario.translate import translate_loaded

        return translate_loaded(self, language)

    @property
    def as_written(self) -> Scenario:
        """The scenario in its file's own language: what saves record, whatever is shown."""
        return self.original.scenario if self.original is not None else self.scenario


_PATTERN_WORDS = {
    r"^[a-z][a-z0-9_]*$": (
        "an id is lower-case letters, digits and underscores, starting with a letter"
    ),
    r"^#[0-9a-fA-F]{6}$": "should be a hex colour such as #0072B2",
    r"^[a-z]{2}(-[A-Z]{2})?$": "should be a language code such as en or en-GB",
}


def _got(value: Any) -> str:
    if isinstance(value, str | int | float | bool) or value is None:
        text = repr(value)
        return f", got {text if len(text) <= 60 else text[:57] + '...'}"
    return f", got a {'list' if isinstance(value, list) else 'mapping'}"


def _pydantic_message(err: Mapping[str, Any]) -> str:
    msg = str(err["msg"])
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown field (check the spelling)"
    if kind == "model_type":
        cls = err.get("ctx", {}).get("class_name", "")
        if cls in _NUMBER_SHORTHANDS:
            return f"should be a number or a mapping with '{_NUMBER_SHORTHANDS[cls]}'" + _got(
                err["input"]
            )
        return "should be a mapping of fields" + _got(err["input"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if pattern in _PATTERN_WORDS:
            return _PATTERN_WORDS[pattern] + _got(err["input"])
    if kind.endswith(("_type", "_parsing")) or kind in {
        "enum",
        "literal_error",
        "string_pattern_mismatch",
    }:
        msg += _got(err["input"])
    return msg


def _under(path: Path_, dropped: set[Path_]) -> bool:
    return any(path[: len(d)] == d for d in dropped)


def _sheet(
    scenario_path: Path, rel: str | None, key: str, where: tuple[str, str], loc: Located
) -> tuple[dict[str, dict[str, Any]] | None, list[Problem]]:
    if rel is None:
        return None, []
    path = (scenario_path.parent / rel).resolve()
    if not path.is_file():
        # A scenario outside the repository (the teachers' folder) may still
        # name the shipped sheets as ../seeds/NAME.yaml.
        from game.scenario.paths import shipped_sheet

        path = shipped_sheet(rel) or path
    mark = loc.mark_for(where)
    if not path.is_file():
        return None, [
            Problem(str(scenario_path), mark.line, mark.col, _dotted(where), f"no file {rel!r}")
        ]
    try:
        sheet = load_located(path)
    except YamlError as e:
        return None, e.problems
    except OSError as e:
        return None, [Problem(str(path), 1, 1, "", f"cannot read: {e.strerror}")]
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
    # Read once, within the size limit: the hash is of exactly what was checked.
    try:
        raw, text = read_limited(path)
    except OSError as e:
        return None, [Problem(name, 1, 1, "", f"cannot read: {e.strerror}")]
    except YamlError as e:
        return None, e.problems

    problems: list[Problem] = []
    try:
        loc = load_located(path, text)
    except YamlError as e:
        if e.partial is None:
            return None, e.problems
        # Local problems (duplicate key, refused tag): keep checking the rest.
        loc, problems = e.partial, list(e.problems)
    if not isinstance(loc.data, dict):
        if not problems:
            m = loc.mark_for(())
            problems = [
                Problem(name, m.line, m.col, "", "a scenario must be a mapping of sections")
            ]
        return None, problems

    try:
        scn = Scenario.model_validate(loc.data)
    except ValidationError as e:
        for err in e.errors():
            path_ = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
            if _under(path_, loc.dropped):
                continue  # already reported by the YAML reader
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
        language=scn.meta.language,
    )
    return loaded, problems


def load_scenario(path: str | Path) -> Loaded:
    """Load and validate ``path``; raise ``ScenarioError`` listing every error."""
    loaded, problems = check_file(path)
    if loaded is None:
        raise ScenarioError([p for p in problems if p.severity == "error"])
    return loaded
