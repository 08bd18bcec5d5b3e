"""Every YAML example in docs/scenario-format.md loads, in context.

Each example is pasted into a small, complete scenario (tests/data/v2-actors.yaml)
where the doc shows it: a section replaces or extends that section, a list item with
a known id is merged onto that item (its ``...`` standing for the rest), and a
fragment (an option's ``available``, a branch list, an actor's ``ai``) goes onto
the option or actor it names. The result must pass the loader and the JSON Schema
editors use. The fact sheet examples go through the fact sheet checks.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from game.scenario import load_scenario
from game.scenario.load import check_fact_sheet

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "scenario-format.md"
BASE = ROOT / "tests" / "data" / "v2-actors.yaml"
FACTS = ROOT / "tests" / "data" / "mini-facts.yaml"
SCHEMA = ROOT / "scenarios" / "scenario.schema.json"

# Sections that are lists of items with ids.
LISTS = ("metrics", "actors", "events", "ladder", "outcomes", "injects", "interactions")
PLACEHOLDER = re.compile(r"^\s*(- )?\.\.\.\s*(#.*)?$")


def _examples() -> list[tuple[int, str, str]]:
    """(line, heading, text) of each ```yaml block of the doc."""
    out: list[tuple[int, str, str]] = []
    heading, body, start = "", None, 0
    for n, line in enumerate(DOC.read_text(encoding="utf-8").splitlines(), 1):
        if body is None and line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.startswith("```yaml"):
            body, start = [], n
        elif body is not None and line.startswith("```"):
            out.append((start, heading, "\n".join(body)))
            body = None
        elif body is not None:
            body.append(line)
    return out


def _parse(text: str) -> Any:
    """The example without its ``...`` lines and ``[...]`` lists (they stand for the rest)."""
    kept = [ln for ln in text.splitlines() if not PLACEHOLDER.match(ln)]
    kept = [ln for ln in kept if not re.match(r"^\s*\w+: \[\.\.\.\]\s*$", ln)]
    lines = [ln for ln in kept if ln.strip()]
    indent = min((len(ln) - len(ln.lstrip()) for ln in lines), default=0)
    return yaml.safe_load("\n".join(ln[indent:] for ln in kept))


def _by_id(items: list[dict], id_: str) -> dict | None:
    return next((i for i in items if i.get("id") == id_), None)


def _merge(into: dict, new: dict) -> None:
    for k, v in new.items():
        if v is None:  # a key whose value was only "..."
            continue
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v


def _stub_event(id_: str) -> dict:
    return {
        "id": id_,
        "name": id_.replace("_", " ").capitalize(),
        "headline": f"Headline of {id_}",
        "hazard": 0.05,
        "effects": {"tension": 2},
        "basis": {"assumption": "Test."},
    }


def _stub_option(id_: str) -> dict:
    return {
        "id": id_,
        "name": id_.replace("_", " ").capitalize(),
        "category": "information",
        "description": "Test option.",
        "escalation": 1,
        "headline": "{actor} acts",
        "basis": {"assumption": "Test."},
    }


def _base() -> dict:
    """v2-actors.yaml plus the few ids the doc's examples name that it lacks."""
    data = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    actors = {a["id"]: a for a in data["actors"]}
    actors["blue"]["options"].append(_stub_option("ultimatum"))
    actors["red"]["options"].append(_stub_option("go_public"))
    for ev in ("air_clash", "protest", "missile_test"):
        data["events"].append(_stub_event(ev))
    data["metrics"].append(
        {
            "id": "reserves",
            "name": "Reserves",
            "description": "Fuel reserves.",
            "range": [0, 100],
            "initial": 50,
            "equilibrium": 50,
            "basis": {"assumption": "Test."},
        }
    )
    return data


def _sheets_for(text: str, data: dict, tmp_path: Path) -> None:
    """Fact and reference sheets holding the ids the example cites (the doc's own sheets)."""
    facts = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    have = {f["id"] for f in facts["facts"]}
    for fid in sorted(set(re.findall(r"\b[A-Z]{2}-C?\d\d\b", text)) - have):
        facts["facts"].append({**facts["facts"][0], "id": fid})
    (tmp_path / FACTS.name).write_text(yaml.safe_dump(facts, sort_keys=False), encoding="utf-8")
    refs = yaml.safe_load(next(t for _, _, t in EXAMPLES if t.startswith("id: reference-classes")))
    for rid in sorted(set(re.findall(r"\bRC(?:-[A-Z0-9]+)+\b", text))):
        refs["references"].append({**refs["references"][0], "id": rid})
    (tmp_path / "refs.yaml").write_text(yaml.safe_dump(refs, sort_keys=False), encoding="utf-8")
    data["meta"]["references"] = "refs.yaml"


def _place(data: dict, heading: str, ex: Any) -> None:
    """Paste one example into the scenario where the doc shows it."""
    blue = _by_id(data["actors"], "blue")
    assert blue is not None
    if isinstance(ex, list):  # a bare list item: a metric or an option, by its heading
        target = data["metrics"] if "Trends" in heading else blue["options"]
        for item in ex:
            old = _by_id(target, item["id"])
            _merge(old, item) if old is not None else target.append(item)
        return
    for key, value in ex.items():
        if key in LISTS:
            for item in value:
                old = _by_id(data[key], item["id"])
                if old is not None:
                    if "stage_to" in item:
                        old.pop("stage_change", None)
                    if key == "actors" and item.get("options"):
                        # an actor's options shown are added to (or merged onto) its own
                        for opt in item.pop("options"):
                            mine = _by_id(old["options"], opt["id"])
                            if mine is not None:
                                _merge(mine, opt)
                            else:
                                old["options"].append({**_stub_option(opt["id"]), **opt})
                    _merge(old, item)
                elif key in ("events",) and "hazard" not in item:
                    data[key].append({**_stub_event(item["id"]), **item})
                else:
                    data[key].append(item)
        elif key == "options":
            for item in value:
                old = _by_id(blue["options"], item["id"])
                if old is not None:
                    _merge(old, item)
                else:
                    blue["options"].append({**_stub_option(item["id"]), **item})
        elif key == "available":
            _by_id(blue["options"], "ultimatum")["available"] = value  # type: ignore[index]
        elif key == "branches":
            _by_id(blue["options"], "ultimatum")["branches"] = value  # type: ignore[index]
        elif key == "ai":
            blue["ai"] = value
        elif key in ("effects", "hazard", "conditions"):
            ev = _stub_event("example")
            if key == "conditions":
                ev["when"] = {"conditions": value}
            else:
                ev[key] = value
            data["events"].append(ev)
        elif key == "basis":
            blue["basis"] = value
        elif key == "meta":
            value = {**value, "fact_sheet": data["meta"]["fact_sheet"]}
            value["references"] = data["meta"].get("references")
            data["meta"] = {k: v for k, v in value.items() if v is not None}
        elif key == "dynamics":
            data["dynamics"]["coupling"] = data["dynamics"].get("coupling", []) + value["coupling"]
        else:
            data[key] = value


def _json_ready(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _json_ready(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_json_ready(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


EXAMPLES = _examples()
SCENARIO_EXAMPLES = [
    pytest.param(heading, text, id=f"line{line}")
    for line, heading, text in EXAMPLES
    if heading != "Facts and references" and isinstance(_parse(text), (dict, list))
]


def test_the_doc_has_its_examples() -> None:
    # One per feature: the count only grows as the format does.
    assert len(SCENARIO_EXAMPLES) >= 35
    heads = {h for _, h, _ in EXAMPLES}
    for part in (
        "Conditions in full",
        "Trends",
        "Chains: one event sets off another",
        "Interactions with a chance",
        "Couplings that need a condition",
        "Option limits: per game and per window of turns",
        "Private moves",
        "Aimed injects",
        "Modifiers that last a few turns",
        "Scripted actors",
        "The computer's leanings",
        "`map`",
        "`history`",
    ):
        assert part in heads, part


@pytest.mark.parametrize(("heading", "text"), SCENARIO_EXAMPLES)
def test_each_example_loads_in_a_scenario(heading: str, text: str, tmp_path: Path) -> None:
    data = _base()
    _sheets_for(text, data, tmp_path)
    if "place:" in text and "map" not in data:  # places need the map example's places
        _place(data, "`map`", _parse(next(t for _, h, t in EXAMPLES if h == "`map`")))
    _place(data, heading, _parse(text))
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    load_scenario(path)  # raises, naming the line, on any error
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(_json_ready(data)))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_the_placeholder_examples_change_what_they_show(tmp_path: Path) -> None:
    """The merge is not a no-op: the chain example's link reaches the loaded scenario."""
    chain = next(t for _, h, t in EXAMPLES if h.startswith("Chains"))
    data = _base()
    _sheets_for(chain, data, tmp_path)
    _place(data, "Chains", _parse(chain))
    path = tmp_path / "chain.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    scn = load_scenario(path).scenario
    stray = next(e for e in scn.events if e.id == "stray_aircraft")
    assert [link.event for link in stray.then] == ["air_clash"]


def test_the_fact_sheet_examples_pass_the_fact_sheet_checks(tmp_path: Path) -> None:
    sheets = [t for _, h, t in EXAMPLES if h == "Facts and references"]
    assert len(sheets) == 2
    facts = tmp_path / "border-facts.yaml"
    facts.write_text(sheets[0], encoding="utf-8")
    sheet, problems = check_fact_sheet(facts)
    assert sheet is not None, problems
    assert not [p for p in problems if p.severity == "error"], problems
    # (The reference sheet example is every scenario example's reference sheet above.)
    # And a sheet with a copy of its fact id is caught.
    doubled = copy.deepcopy(yaml.safe_load(sheets[0]))
    doubled["facts"].append(doubled["facts"][0])
    facts.write_text(yaml.safe_dump(doubled, sort_keys=False), encoding="utf-8")
    _, problems = check_fact_sheet(facts)
    assert any("BD-01" in str(p) for p in problems), problems
