"""JSON Schema of the scenario format, for editors (yaml-language-server) and tools."""

from __future__ import annotations

from typing import Any

from game.scenario.schema import Scenario

# These models also accept a bare number (see their "before" validators); the
# generated schema only knows the object form, so editors would flag valid files.
_NUMBER_SHORTHANDS = {"Chance", "Driver", "Effect", "InitialValue"}
# Retired enum values the loader still reads (as their successors): editors accept them too.
_RETIRED = {"OutcomeKind": ["capitulation"]}


def scenario_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    defs = schema.get("$defs", {})
    for name in _NUMBER_SHORTHANDS & defs.keys():
        obj = defs[name]
        defs[name] = {
            "title": obj.get("title", name),
            "description": obj.get("description", ""),
            "anyOf": [{"type": "number"}, {k: v for k, v in obj.items() if k != "description"}],
        }
    for name, old in _RETIRED.items():
        if name in defs and "enum" in defs[name]:
            defs[name]["enum"] = [*defs[name]["enum"], *old]
    # a bare stage id is short for {one_of: [id]}
    if "StageTest" in defs:
        obj = defs["StageTest"]
        defs["StageTest"] = {
            "title": obj.get("title", "StageTest"),
            "anyOf": [{"type": "string"}, {k: v for k, v in obj.items() if k != "title"}],
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Brinkmanship scenario",
        **{k: v for k, v in schema.items() if k != "title"},
    }
