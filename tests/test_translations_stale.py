"""A translation records the English it was made from (``source_sha``): ``brink check``
warns when the English under an id changes, ``--strict`` fails, and ``--stamp`` records
the English again once the translation is reviewed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game import cli
from game.scenario import load_scenario
from game.scenario.translate import HASHES, check, check_sheet, sidecar, source_digest

ROOT = Path(__file__).parent.parent


def _copy(tmp_path: Path) -> Path:
    for d in ("scenarios", "seeds"):
        shutil.copytree(ROOT / d, tmp_path / d)
    return tmp_path / "scenarios" / "venezuela-2025.yaml"


def _stale(problems: list) -> dict[str, object]:
    return {p.path: p for p in problems if "English" in p.message}


def test_the_shipped_translations_record_the_english_they_translate() -> None:
    for scen in ("venezuela-2025", "taiwan-1995"):
        problems = check(load_scenario(ROOT / "scenarios" / f"{scen}.yaml"))
        assert _stale(problems) == {}, list(_stale(problems))[:5]
        assert HASHES in sidecar(ROOT / "scenarios" / f"{scen}.yaml", "es").read_text()


def test_a_changed_english_text_is_reported_where_its_translation_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scen = _copy(tmp_path)
    text = scen.read_text(encoding="utf-8")
    assert "    name: Crisis tension\n" in text
    scen.write_text(text.replace("    name: Crisis tension\n", "    name: Crisis heat\n", 1))
    side = sidecar(scen, "es")
    stale = _stale(check(load_scenario(scen)))
    assert list(stale) == ["metrics.tension.name"]
    p = stale["metrics.tension.name"]
    lines = side.read_text(encoding="utf-8").splitlines()
    assert p.file == str(side) and lines[p.line - 1].strip().startswith("name: ")  # type: ignore[attr-defined]
    assert p.severity == "warning" and "changed since" in p.message  # type: ignore[attr-defined]
    assert cli.main(["check", str(scen)]) == 0  # a warning ...
    assert "metrics.tension.name: the English changed" in capsys.readouterr().out
    assert cli.main(["check", "--strict", str(scen)]) == 1  # ... that --strict fails on

    # reviewed: --stamp records the new English, and only the record changes
    before = side.read_text(encoding="utf-8")
    assert cli.main(["check", "--strict", "--stamp", str(scen)]) == 0
    after = side.read_text(encoding="utf-8")
    assert after.split(HASHES + ":")[0] == before.split(HASHES + ":")[0]
    assert f'"metrics.tension.name": "{source_digest("Crisis heat")}"' in after
    assert _stale(check(load_scenario(scen))) == {}


def test_reflowing_the_english_is_not_a_change_and_a_missing_record_is(tmp_path: Path) -> None:
    assert source_digest("a  long\n  text") == source_digest("a long text")
    scen = _copy(tmp_path)
    side = sidecar(scen, "es")
    text = side.read_text(encoding="utf-8")
    key = '  "metrics.tension.short": '
    assert key in text
    side.write_text("\n".join(x for x in text.splitlines() if not x.startswith(key)) + "\n")
    stale = _stale(check(load_scenario(scen)))
    assert list(stale) == ["metrics.tension.short"]
    assert "no record" in stale["metrics.tension.short"].message  # type: ignore[attr-defined]


def test_a_fact_sheet_translation_is_checked_the_same_way(tmp_path: Path) -> None:
    _copy(tmp_path)
    sheet = tmp_path / "seeds" / "venezuela-2025-facts.yaml"
    assert _stale(check_sheet(sheet)) == {}
    data = sheet.read_text(encoding="utf-8")
    old = "a militia of more than 8 million members."
    assert data.count(old) == 1
    sheet.write_text(data.replace(old, "a militia of over 8 million members."), encoding="utf-8")
    assert list(_stale(check_sheet(sheet))) == ["facts.VE-01.statement"]
