"""The JSON Schema for editors, and the scenarios shipped with the game.

``brink schema`` must produce a valid Draft 2020-12 schema, identical to the
committed ``scenarios/scenario.schema.json`` that editors read, and that schema
must accept the scenarios the loader accepts. Every ``scenarios/*.yaml`` must
point editors at the schema and pass ``brink check --strict``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from game.cli import main
from game.scenario.paths import is_sidecar

REPO = Path(__file__).resolve().parents[1]
SCHEMA_PATH = REPO / "scenarios" / "scenario.schema.json"
MINI = REPO / "tests" / "data" / "mini.yaml"
MODELINE = "# yaml-language-server: $schema=scenario.schema.json"
REGENERATE = "brink schema -o scenarios/scenario.schema.json"

# Translations (NAME.es.yaml) sit beside the scenarios but are not scenarios.
SHIPPED = sorted(p for p in (REPO / "scenarios").glob("*.yaml") if not is_sidecar(p))
SCENARIOS = [pytest.param(p, id=p.name) for p in SHIPPED] or [
    pytest.param(None, id="none", marks=pytest.mark.skip(reason="no scenarios/*.yaml yet"))
]


def _schema_text(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["schema"]) == 0
    return capsys.readouterr().out


def _json_ready(data: Any) -> Any:
    """YAML dates become ISO strings, as the schema's "format": "date" expects."""
    if isinstance(data, dict):
        return {k: _json_ready(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_json_ready(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _errors(data: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator().iter_errors(_json_ready(data))
    ]


def test_schema_is_valid_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    schema = json.loads(_schema_text(capsys))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_committed_schema_is_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert SCHEMA_PATH.is_file(), f"missing {SCHEMA_PATH}; run: {REGENERATE}"
    committed = SCHEMA_PATH.read_bytes()
    generated = _schema_text(capsys).encode("utf-8")
    if generated != committed:
        old, new = committed.splitlines(), generated.splitlines()
        i = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
        i = min(len(old), len(new)) if i is None else i
        pytest.fail(
            "scenarios/scenario.schema.json is out of date with game/scenario/schema.py "
            f"(first difference at line {i + 1}: committed {old[i : i + 1]!r}, "
            f"generated {new[i : i + 1]!r}); regenerate it with: {REGENERATE}",
            pytrace=False,
        )


def test_schema_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == _schema_text(capsys)


def test_schema_accepts_mini() -> None:
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    assert _errors(data) == []


def test_schema_rejects_what_the_loader_rejects() -> None:
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["metrics"][0]["initial"]["mean"] = "high"
    data["metrics"][0]["reversion"] = "0.5"
    data["actors"][0]["options"][1]["efects"] = data["actors"][0]["options"][1].pop("effects")
    data["actors"][0]["options"][2]["branches"][0]["chance"] = {"p": 1.5}
    data["meta"]["facts_as_of"] = "first of May"
    errors = _errors(data)
    for where in (
        "metrics/0/initial",
        "metrics/0/reversion",
        "actors/0/options/1",
        "actors/0/options/2/branches/0/chance",
        "meta/facts_as_of",
    ):
        assert any(e.startswith(where + ":") for e in errors), (where, errors)


@pytest.mark.parametrize("path", SCENARIOS)
def test_shipped_scenario_names_its_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE, f"{path.name}: the first line must be {MODELINE!r}"


@pytest.mark.parametrize("path", SCENARIOS)
def test_shipped_scenario_passes_strict_check(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    rc = main(["check", "--strict", str(path)])
    out = capsys.readouterr().out
    assert rc == 0, f"brink check --strict {path.name}:\n{out}"


@pytest.mark.parametrize("path", SCENARIOS)
def test_shipped_scenario_matches_schema(path: Path) -> None:
    # What editors underline should agree with what brink check says.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _errors(data) == []
