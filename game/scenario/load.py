"""Load a scenario file into a validated ``Scenario``, or report every problem."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from game.i18n import N_, _, os_error_text
from game.scenario import crossref
from game.scenario.errors import BrinkError
from game.scenario.paths import ASSETS
from game.scenario.schema import COND_KEYS, FactSheet, Scenario
from game.scenario.schema_facts import ReferenceSheet
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
_NUMBER_SHORTHANDS = {"Chance": "p", "Driver": "const", "Effect": "mean", "InitialValue": "mean"}


class ScenarioError(BrinkError):
    """A scenario (or its fact sheet) has errors; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0] if problems else None
        super().__init__(
            "\n".join(str(p) for p in problems),
            file=first.file if first else None,
            line=first.line if first else None,
            hint=_("fix the scenario at the places named and run `brink check` again"),
        )


@dataclass(frozen=True)
class Loaded:
    """A validated scenario with what was read alongside it."""

    scenario: Scenario
    path: Path
    sha256: str
    facts: dict[str, dict[str, Any]]
    references: dict[str, dict[str, Any]]
    warnings: list[Problem]
    # The fact sheet as validated (None for a scenario without one, in old callers).
    fact_sheet: FactSheet | None = None
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


_PATTERN_WORDS = {  # in English; shown through the catalog
    r"^[a-z][a-z0-9_]*$": N_(
        "an id is lower-case letters, digits and underscores, starting with a letter"
    ),
    r"^#[0-9a-fA-F]{6}$": N_("should be a hex colour such as #0072B2"),
    r"^[a-z]{2}(-[A-Z]{2})?$": N_("should be a language code such as en or en-GB"),
}


def _got(value: Any) -> str:
    if isinstance(value, dt.date):
        return ", " + _("got a date ({date}; put text in quotes)", date=value.isoformat()[:19])
    if isinstance(value, str | int | float | bool) or value is None:
        text = repr(value)
        return ", " + _("got {value}", value=text if len(text) <= 60 else text[:57] + "...")
    return ", " + (_("got a list") if isinstance(value, list) else _("got a mapping"))


# Scientific notation that YAML 1.1 leaves as text: it needs a dot and a signed exponent.
_SCI_AS_TEXT = re.compile(r"^([-+]?(?:\d+\.?\d*|\.\d+))[eE]([-+]?)(\d+)$")


def _inner(tp: Any) -> type[BaseModel] | None:
    """The model class inside an annotation (``X | None``, ``list[X]``, ``dict[str, X]``)."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in typing.get_args(tp):
        found = _inner(arg)
        if found is not None:
            return found
    return None


def _fields_of(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The valid field names where ``loc`` (an unknown field's path) is."""
    model: type[BaseModel] | None = root
    for key in loc[:-1]:
        if model is None:
            break
        info = model.model_fields.get(str(key))
        if info is None:
            continue  # a list index or a dict key (an id): the item's model is already taken
        model = _inner(info.annotation)
    return list(model.model_fields) if model is not None else []


def _unknown_field(root: type[BaseModel], loc: tuple[Any, ...]) -> str:
    name = str(loc[-1]) if loc else ""
    valid = _fields_of(root, loc)
    if not valid:
        return _("unknown field (check the spelling)")
    near = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
    if near:
        return _(
            "unknown field {name!r}; did you mean {near!r}? (valid here: {valid})",
            name=name,
            near=near[0],
            valid=", ".join(valid),
        )
    if " " in name.strip():
        # no field name has a space: most likely the tail of a text cut at a comma
        # inside {...}, as in {assumption: Cheap, and quick.}
        return _(
            "unknown field {name!r}; it looks like the rest of a text: inside {brace} a "
            "comma ends the text, so put it in quotes (valid here: {valid})",
            name=name,
            brace="{...}",
            valid=", ".join(valid),
        )
    return _("unknown field {name!r} (valid here: {valid})", name=name, valid=", ".join(valid))


def _number_text(value: Any) -> str | None:
    """Advice when a number was expected but YAML gave text."""
    if not isinstance(value, str):
        return None
    v = value.strip()
    sci = _SCI_AS_TEXT.match(v)
    if sci:
        mant, sign, exp = sci.groups()
        if "." not in mant:
            mant += ".0"
        elif mant.endswith("."):
            mant += "0"
        return _(
            "should be a number, got the text {value!r}: YAML reads scientific notation "
            "as a number only with a dot and a signed exponent, so write {number}",
            value=value,
            number=f"{mant}e{sign or '+'}{exp}",
        )
    try:
        float(v)
    except ValueError:
        return None
    return _("should be a number, got the text {value!r}: remove the quotes", value=value)


def _stage_change_message(err: Mapping[str, Any], loc: tuple[Any, ...]) -> str | None:
    """Relative and absolute stage changes told apart: ``stage_change`` moves by rungs,
    ``stage_to`` names a stage."""
    value = err.get("input")
    if loc and loc[-1] == "stage_to" and not isinstance(value, str):
        return _(
            "stage_to sets the stage by its id (e.g. stage_to: crisis), got {value!r}; "
            "to move a number of rungs up or down use stage_change",
            value=value,
        )
    if not loc or loc[-1] != "stage_change":
        return None
    absolute = (
        " " + _("(to set a stage by name use stage_to)") if "stage_to" in _event_fields() else ""
    )
    if isinstance(value, float) and not isinstance(value, bool):
        return (
            _(
                "stage_change is a whole number of rungs up (1 to 3) or down (-1 to -3), "
                "got {value}",
                value=f"{value:g}",
            )
            + absolute
        )
    if isinstance(value, str):
        return (
            _(
                "stage_change is relative: a number of rungs up (1 to 3) or down (-1 to -3), "
                "got {value!r}",
                value=value,
            )
            + absolute
        )
    if isinstance(value, int) and err["type"] in ("less_than_equal", "greater_than_equal"):
        return (
            _(
                "stage_change moves at most 3 rungs up or down from the current stage, got {value}",
                value=value,
            )
            + absolute
        )
    return None


def _event_fields() -> list[str]:
    from game.scenario.schema import Event

    return list(Event.model_fields)


# pydantic's own English for the commonest errors, as templates with its context's fields:
# shown through the catalog when the message is exactly that (else as pydantic wrote it).
_PYDANTIC_WORDS = {
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "string_type": N_("Input should be a valid string"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "finite_number": N_("Input should be a finite number"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "enum": N_("Input should be {expected}"),
    "literal_error": N_("Input should be {expected}"),
}


def _pydantic_words(kind: str, msg: str, ctx: Mapping[str, Any]) -> str:
    """``msg`` in the current language when it is one of pydantic's common messages."""
    template = _PYDANTIC_WORDS.get(kind)
    if template is None:
        return msg
    fields = {k: ctx[k] for k in ("le", "ge", "lt", "gt", "expected") if k in ctx}
    # pydantic writes a whole float as an integer ("less than or equal to 1")
    fields = {
        k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in fields.items()
    }
    try:
        if template.format(**fields) != msg:
            return msg
    except (KeyError, IndexError, ValueError):
        return msg
    return _(template, **fields)


def _pydantic_message(err: Mapping[str, Any], root: type[BaseModel] = Scenario) -> str:
    msg = str(err["msg"])
    kind = err["type"]
    loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
    if kind == "extra_forbidden":
        return _unknown_field(root, loc)
    special = _stage_change_message(err, loc)
    if special is not None:
        return special
    if kind in ("float_type", "int_type", "float_parsing", "int_parsing", "bool_type"):
        advice = _number_text(err.get("input"))
        if advice is not None and kind != "bool_type":
            return advice
    if kind == "model_type":
        cls = err.get("ctx", {}).get("class_name", "")
        if cls in _NUMBER_SHORTHANDS:
            return _(
                "should be a number or a mapping with '{field}'", field=_NUMBER_SHORTHANDS[cls]
            ) + _got(err["input"])
        return _("should be a mapping of fields") + _got(err["input"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    msg = _pydantic_words(kind, msg, err.get("ctx") or {})
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if pattern in _PATTERN_WORDS:
            return _(_PATTERN_WORDS[pattern]) + _got(err["input"])
    if kind.endswith(("_type", "_parsing")) or kind in {
        "enum",
        "literal_error",
        "string_pattern_mismatch",
    }:
        msg += _got(err["input"])
    return msg


def _without_tags(path: Path_) -> Path_:
    """A condition's form (its tag: metric, all, turn, ...) appears in a pydantic error's
    location before the field of the same name; the file has it once."""
    out: list[Any] = []
    for i, p in enumerate(path):
        nxt = path[i + 1] if i + 1 < len(path) else None
        if p in COND_KEYS and (nxt == p or (p == "metric" and nxt in ("op", "value"))):
            continue
        out.append(p)
    return tuple(out)


def _under(path: Path_, dropped: set[Path_]) -> bool:
    return any(path[: len(d)] == d for d in dropped)


def _find_sheet(
    scenario_path: Path, rel: str, where: tuple[str, str], loc: Located
) -> tuple[Path | None, list[Problem]]:
    """The sheet a scenario names (relative to it), or the shipped sheet of that name: a
    scenario outside the repository (the teachers' folder) may still name the shipped
    sheets as ../seeds/NAME.yaml. None, with a problem at ``where``, if there is none."""
    try:
        path = (scenario_path.parent / rel).resolve()
        if not path.is_file():
            from game.scenario.paths import shipped_sheet

            path = shipped_sheet(rel) or path
        if path.is_file():
            return path, []
    except (OSError, ValueError):  # a name too long, or with a null byte
        pass
    mark = loc.mark_for(where)
    shown = rel if len(rel) <= 60 else rel[:57] + "..."
    return None, [
        Problem(
            str(scenario_path),
            mark.line,
            mark.col,
            _dotted(where),
            _("no file {name!r}", name=shown),
        )
    ]


def _sheet(
    scenario_path: Path, rel: str | None, key: str, where: tuple[str, str], loc: Located
) -> tuple[dict[str, dict[str, Any]] | None, list[Problem]]:
    if rel is None:
        return None, []
    path, missing = _find_sheet(scenario_path, rel, where, loc)
    if path is None:
        return None, missing
    try:
        sheet = load_located(path)
    except YamlError as e:
        return None, e.problems
    except OSError as e:
        return None, [
            Problem(str(path), 1, 1, "", _("cannot read: {error}", error=os_error_text(e)))
        ]
    items = sheet.data.get(key) if isinstance(sheet.data, dict) else None
    if not isinstance(items, list):
        return None, [
            Problem(str(path), 1, 1, key, _("a fact sheet needs a list '{key}'", key=key))
        ]
    if key == "references":  # the sheet's own rules (fields, confidence values) as well
        try:
            ReferenceSheet.model_validate(sheet.data)
        except ValidationError as e:
            bad = _validation_problems(str(path), e, sheet, sheet.data, ReferenceSheet)
            return None, sorted(bad, key=lambda p: (p.line, p.col))
    out: dict[str, dict[str, Any]] = {}
    problems = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            m = sheet.mark_for((key, i))
            problems.append(
                Problem(str(path), m.line, m.col, f"{key}[{i}]", _("entry needs an id"))
            )
            continue
        out[item["id"]] = item
    return out, problems + _duplicate_ids(str(path), sheet, key)


def _validation_problems(
    name: str, e: ValidationError, loc: Located, data: Any, root: type[BaseModel] = Scenario
) -> list[Problem]:
    out = []
    for err in e.errors():
        path_ = _without_tags(tuple(p for p in err["loc"] if not str(p).startswith("function-")))
        if _under(path_, loc.dropped):
            continue  # already reported by the YAML reader
        m = loc.mark_for(path_)
        msg = _pydantic_message(err, root)
        if err["type"] == "missing":
            msg, m = _missing(path_, data, loc, m)
        out.append(Problem(name, m.line, m.col, _dotted(path_), msg))
    return out


def _missing(path_: Path_, data: Any, loc: Located, mark: Any) -> tuple[str, Any]:
    """A missing field: point at a misspelt key standing in for it, if there is one."""
    field = str(path_[-1])
    parent: Any = data
    for key in path_[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            parent = None
            break
    if isinstance(parent, dict):
        keys = [str(k) for k in parent]
        near = difflib.get_close_matches(field, keys, n=1, cutoff=0.6)
        if near:
            there: Path_ = (*path_[:-1], near[0])
            m = loc.key_marks.get(there) or loc.mark_for(there)
            return _(
                "missing field '{field}' (is {near!r} meant to be '{field}'?)",
                field=field,
                near=near[0],
            ), m
    return _("missing field '{field}'", field=field), mark


def _fact_sheet(
    scenario_path: Path, rel: str, loc: Located
) -> tuple[FactSheet | None, dict[str, dict[str, Any]] | None, list[Problem]]:
    path, missing = _find_sheet(scenario_path, rel, ("meta", "fact_sheet"), loc)
    if path is None:
        return None, None, missing
    return _read_fact_sheet(path)


def _map_places(scn: Scenario) -> set[str]:
    """Ids of the places and anchors in the scenario's built map file (none if unbuilt):
    what an event's ``place`` may name besides the scenario's own places and anchors."""
    if scn.map is None:
        return set()
    try:
        with open(ASSETS / "map" / f"{scn.map.name}.json", encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError):
        return set()
    if not isinstance(doc, dict):
        return set()
    return {
        str(item["id"])
        for key in ("places", "anchors")
        for item in doc.get(key, [])
        if isinstance(item, dict) and "id" in item
    }


def check_fact_sheet(path: str | Path) -> tuple[FactSheet | None, list[Problem]]:
    """Check a fact sheet on its own (``brink check`` on a ``*-facts.yaml``)."""
    sheet, _loc, problems = _read_fact_sheet(Path(path))
    return (None if any(p.severity == "error" for p in problems) else sheet), problems


def is_reference_sheet(path: str | Path) -> bool:
    """Does ``path`` hold a reference sheet (top-level ``references``, no ``meta``)?"""
    try:
        data = load_located(Path(path)).data
    except (YamlError, OSError):
        return False
    return isinstance(data, dict) and "meta" not in data and "references" in data


def check_reference_sheet(path: str | Path) -> tuple[ReferenceSheet | None, list[Problem]]:
    """Check a reference sheet on its own: fields, confidence values, duplicate ids."""
    path = Path(path)
    name = str(path)
    try:
        sheet = load_located(path)
    except YamlError as e:
        return None, e.problems
    except OSError as e:
        return None, [Problem(name, 1, 1, "", _("cannot read: {error}", error=e.strerror))]
    if not isinstance(sheet.data, dict):
        return None, [Problem(name, 1, 1, "", _("a fact sheet must be a mapping"))]
    try:
        rs = ReferenceSheet.model_validate(sheet.data)
    except ValidationError as e:
        problems = _validation_problems(name, e, sheet, sheet.data, ReferenceSheet)
        return None, sorted(problems, key=lambda p: (p.line, p.col))
    return rs, _duplicate_ids(name, sheet, "references")


def _duplicate_ids(name: str, sheet: Located, key: str) -> list[Problem]:
    """An error at the second and later uses of each id in the list ``key``."""
    out = []
    seen: set[str] = set()
    items = sheet.data.get(key) if isinstance(sheet.data, dict) else None
    for i, item in enumerate(items if isinstance(items, list) else []):
        rid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(rid, str):
            continue
        if rid in seen:
            m = sheet.mark_for((key, i, "id"))
            out.append(
                Problem(name, m.line, m.col, f"{key}[{i}].id", _("duplicate id {id!r}", id=rid))
            )
        seen.add(rid)
    return out


def is_fact_sheet(path: str | Path) -> bool:
    """Does ``path`` hold a fact sheet (top-level ``facts`` or ``sources``, no ``meta``)?

    A sheet whose ``facts:`` is missing or misspelt still counts when it has a sheet's
    ``id`` or ``title`` and no scenario section: its author is told about ``facts``, not
    about every section a scenario needs. A reference sheet (``references``) does not.
    """
    try:
        data = load_located(Path(path)).data
    except (YamlError, OSError):
        return False
    if not isinstance(data, dict) or "meta" in data:
        return False
    if "facts" in data or "sources" in data:
        return True
    scenario_sections = {"metrics", "actors", "fog", "ladder", "outcomes", "initial_stage"}
    return (
        "references" not in data
        and not scenario_sections & data.keys()
        and ("id" in data or "title" in data)
    )


def _read_fact_sheet(
    path: Path,
) -> tuple[FactSheet | None, dict[str, dict[str, Any]] | None, list[Problem]]:
    """Read and check a fact sheet: fields, statuses, duplicate ids, source ids."""
    try:
        sheet = load_located(path)
    except YamlError as e:
        return None, None, e.problems
    except OSError as e:
        return (
            None,
            None,
            [Problem(str(path), 1, 1, "", _("cannot read: {error}", error=os_error_text(e)))],
        )
    name = str(path)
    if not isinstance(sheet.data, dict):
        return None, None, [Problem(name, 1, 1, "", _("a fact sheet must be a mapping"))]
    try:
        fs = FactSheet.model_validate(sheet.data)
    except ValidationError as e:
        problems = _validation_problems(name, e, sheet, sheet.data, FactSheet)
        return None, None, sorted(problems, key=lambda p: (p.line, p.col))
    problems = []
    known_sources = {s.id for s in fs.sources}
    seen: set[str] = set()
    for i, s in enumerate(fs.sources):
        if s.id in seen:
            m = sheet.mark_for(("sources", i, "id"))
            problems.append(
                Problem(
                    name,
                    m.line,
                    m.col,
                    f"sources[{i}].id",
                    _("duplicate source id {id!r}", id=s.id),
                )
            )
        seen.add(s.id)
    seen = set()
    for i, f in enumerate(fs.facts):
        if f.id in seen:
            m = sheet.mark_for(("facts", i, "id"))
            problems.append(
                Problem(
                    name, m.line, m.col, f"facts[{i}].id", _("duplicate fact id {id!r}", id=f.id)
                )
            )
        seen.add(f.id)
        for j, sid in enumerate(f.sources):
            if sid not in known_sources:
                m = sheet.mark_for(("facts", i, "sources", j))
                problems.append(
                    Problem(
                        name,
                        m.line,
                        m.col,
                        f"facts[{i}].sources[{j}]",
                        crossref._unknown("source id", sid, known_sources)
                        + ("" if known_sources else " (list it under a top-level 'sources:')"),
                    )
                )
        if f.known is not None and f.known < f.date:
            m = sheet.mark_for(("facts", i, "known"))
            problems.append(
                Problem(
                    name,
                    m.line,
                    m.col,
                    f"facts[{i}].known",
                    _(
                        "known ({known}) is before the fact's date ({date})",
                        known=f.known,
                        date=f.date,
                    ),
                )
            )
    raw = {f["id"]: f for f in sheet.data["facts"]}
    return fs, raw, problems


def check_file(path: str | Path) -> tuple[Loaded | None, list[Problem]]:
    """Load ``path``; return the result (None if any error) and all problems, sorted."""
    path = Path(path)
    name = str(path)
    # Read once, within the size limit: the hash is of exactly what was checked.
    try:
        raw, text = read_limited(path)
    except OSError as e:
        return None, [Problem(name, 1, 1, "", _("cannot read: {error}", error=os_error_text(e)))]
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
                Problem(name, m.line, m.col, "", _("a scenario must be a mapping of sections"))
            ]
        return None, problems

    try:
        scn = Scenario.model_validate(loc.data)
    except ValidationError as e:
        problems += _validation_problems(name, e, loc, loc.data)
        return None, sorted(problems, key=lambda p: (p.line, p.col))

    scn._source = (name, {_dotted(k): m.line for k, m in loc.marks.items() if k})
    sheet, facts, fp = _fact_sheet(path, scn.meta.fact_sheet, loc)
    refs, rp = _sheet(path, scn.meta.references, "references", ("meta", "references"), loc)
    problems += fp + rp
    fact_ids = set(facts) if facts is not None else None
    ref_ids = set(refs) if refs is not None else None
    if ref_ids is None and scn.meta.references is None:
        ref_ids = set()
    places = _map_places(scn)
    for where, message, severity in crossref.check(scn, fact_ids, ref_ids, places):
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
        fact_sheet=sheet,
        language=scn.meta.language,
    )
    return loaded, problems


def load_scenario(path: str | Path) -> Loaded:
    """Load and validate ``path``; raise ``ScenarioError`` listing every error."""
    loaded, problems = check_file(path)
    if loaded is None:
        raise ScenarioError([p for p in problems if p.severity == "error"])
    return loaded
