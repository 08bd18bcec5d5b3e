"""Hostile and careless input: every bad file, number or argument ends in a clear error.

Grouped as in the hardening issue: (2) bounds on scenario numbers and the guard
against non-finite states, (3) ``brink check`` never raises, (4) the save loader,
(5) a failed autosave, (6) names that look like maths, (7) CSV formula
injection, (8) the command line.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from game.csvsafe import cell, dict_row, row
from game.engine import Seat, Session, save_game
from game.engine.saves import (
    SaveError,
    encode,
    latest_autosave,
    load_game,
    read_save,
    write_atomic,
)
from game.errors import BrinkError
from game.model.compiled import NonFiniteState, compile_scenario
from game.model.state import initial_state
from game.model.step import step
from game.scenario import ScenarioError, check_file, load_scenario
from game.scenario.yamlsafe import YamlError
from game.ui.settings import Settings, SettingsError

ROOT = Path(__file__).parent.parent
DATA = ROOT / "tests" / "data"
MINI_TEXT = (DATA / "mini.yaml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRINK_DATA_DIR", str(tmp_path / "data"))


def scenario(tmp_path: Path, *edits: tuple[str, str], name: str = "s.yaml") -> Path:
    """The mini scenario with each (old, new) text edit applied, beside its fact sheet."""
    text = MINI_TEXT
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    shutil.copy(DATA / "mini-facts.yaml", tmp_path / "mini-facts.yaml")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


def errors_of(path: Path) -> list[str]:
    loaded, problems = check_file(path)
    assert loaded is None, "expected the scenario to be refused"
    return [str(p) for p in problems if p.severity == "error"]


# --- (2) bounds from each number's meaning -------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("noise_sd: 2", "noise_sd: 1.0e+308", "far too large"),
        ("initial: {mean: 40, sd: 5}", "initial: {mean: 40, sd: 1.0e+39}", "far too large"),
        ("equilibrium: 35", "equilibrium: " + "9" * 300, "far too large"),
        ("cooldown: 1\n", "cooldown: " + "9" * 300 + "\n", "less than or equal to 200"),
        ("noise_sd: 2", "noise_sd: 5000", "times the range's width"),
        ("initial: {mean: 40, sd: 5}", "initial: {mean: 40, sd: 5000}", "times the range"),
        ("range: [0, 100]", "range: [0, 1.0e+7]", "within ±1e+06"),
        ("coef: 0.05", "coef: 50", "pushes"),
        ("coef: 0.05", "coef: 1.0e+308", "far too large"),
        ("ai: {temperature: 5,", "ai: {temperature: 1.0e-9,", "greater than or equal"),
    ],
)
def test_out_of_scale_numbers_are_refused_at_their_line(
    tmp_path: Path, old: str, new: str, words: str
) -> None:
    path = scenario(tmp_path, (old, new))
    errors = errors_of(path)
    line = line_of(path, new.split(":")[0].strip() + ":" + new.split(":", 1)[1][:6])
    assert any(words in e and e.startswith(f"{path}:{line}:") for e in errors), errors


def test_effects_slopes_and_counts_are_bounded_by_their_metric_and_the_turn_limit(
    tmp_path: Path,
) -> None:
    path = scenario(
        tmp_path,
        ("slope: {tension: 0.05}", "slope: {tension: 5}"),
    )
    errors = errors_of(path)
    assert any("moves the logit by 500" in e for e in errors), errors

    for old, new in (
        ("cooldown: 1", "cooldown: 11"),
        ("max_uses: 3", "max_uses: 11"),
        ("hold_turns: 2}", "hold_turns: 11}"),
    ):
        path = scenario(tmp_path, (old, new), name="counts.yaml")
        errors = errors_of(path)
        line = line_of(path, new)
        assert any(
            e.startswith(f"{path}:{line}:") and "more than the turn limit (10)" in e for e in errors
        ), errors


def test_an_effect_far_beyond_its_metric_range_is_refused(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(MINI_TEXT)
    opt = data["actors"][0]["options"][0]
    opt["effects"] = {"tension": {"mean": 1001, "sd": 0}}
    path = tmp_path / "e.yaml"
    shutil.copy(DATA / "mini-facts.yaml", tmp_path / "mini-facts.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    errors = errors_of(path)
    assert any("effect mean 1001 on 'tension' is more than 10 times" in e for e in errors), errors


@pytest.mark.parametrize(
    "path", [*sorted((ROOT / "scenarios").glob("*.yaml")), DATA / "mini.yaml"], ids=str
)
def test_shipped_scenarios_and_fixtures_pass_strict_check(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--strict", str(path)]) == 0, capsys.readouterr().out


def test_a_non_finite_state_is_an_error_naming_the_scenario_line() -> None:
    loaded = load_scenario(DATA / "mini.yaml")
    scn = loaded.scenario
    cp = scn.dynamics.coupling[0]
    # model_copy does not validate: this is how a number past the schema would get in
    bad = scn.model_copy(
        update={
            "dynamics": scn.dynamics.model_copy(
                update={"coupling": [cp.model_copy(update={"coef": 1e308})]}
            )
        }
    )
    c = compile_scenario(bad)
    st = initial_state(c, 4, np.random.default_rng(0))
    with np.errstate(all="ignore"), pytest.raises(NonFiniteState) as info:
        for t in range(5):
            step(c, st, np.tile(c.hold, (4, 1)), np.random.default_rng(t))
    line = line_of(DATA / "mini.yaml", "coupling:") + 1
    msg = str(info.value)
    assert isinstance(info.value, BrinkError)
    assert "dynamics.coupling[0].coef" in msg
    assert msg.startswith(f"{DATA / 'mini.yaml'}:"), msg
    assert int(msg.split(":")[1]) >= line


# --- (3) check never raises ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('version: "1"', "version: !!timestamp 2025-01-01", "got a date"),
        ('version: "1"', "version: !!bool 12", "not a valid bool"),
        ("fact_sheet: mini-facts.yaml", "fact_sheet: " + "a" * 300, "at most 255"),
        ("fact_sheet: mini-facts.yaml", 'fact_sheet: "a\\0b"', "no file"),
        ("turn_days: 7", "turn_days: " + "9" * 300, "less than or equal"),
        ("turn_limit: 10", "turn_limit: " + "9" * 5000, "bad value"),
    ],
)
def test_check_reports_odd_values_without_raising(
    tmp_path: Path, old: str, new: str, words: str
) -> None:
    path = scenario(tmp_path, (old, new))
    errors = errors_of(path)
    assert any(words in e for e in errors), errors
    assert main(["check", str(path)]) == 1


@pytest.mark.parametrize("loop", ["&x [1, *x]", "&x {b: *x}"])
def test_an_alias_inside_its_own_value_is_refused_not_expanded_for_ever(
    tmp_path: Path, loop: str
) -> None:
    path = scenario(tmp_path, ("debrief:", f"loop: {loop}\ndebrief:"))
    (err,) = errors_of(path)
    assert "an alias is used inside the value it names" in err, err
    # the same in the fact sheet
    path = scenario(tmp_path)
    sheet = tmp_path / "mini-facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8") + f"loop: {loop}\n", encoding="utf-8")
    errors = errors_of(path)
    assert any(e.startswith(f"{sheet}:") and "(a loop)" in e for e in errors), errors


def test_a_control_character_is_reported_where_it_is(tmp_path: Path) -> None:
    path = scenario(tmp_path, ("Two states argue", "Two\x00 states argue"))
    line = line_of(path, "Two\x00 states")
    col = path.read_text(encoding="utf-8").splitlines()[line - 1].index("\x00") + 1
    (err,) = errors_of(path)
    assert err.startswith(f"{path}:{line}:{col}: control character #x0000"), err


def test_odd_values_in_a_fact_sheet_are_reported(tmp_path: Path) -> None:
    path = scenario(tmp_path)
    sheet = tmp_path / "mini-facts.yaml"
    sheet.write_text(
        sheet.read_text(encoding="utf-8").replace("date: 2025-01-01", "date: !!bool 12", 1),
        encoding="utf-8",
    )
    errors = errors_of(path)
    assert any(e.startswith(f"{sheet}:") and "not a valid bool" in e for e in errors), errors


def test_every_loader_error_is_a_brink_error() -> None:
    for cls in (ScenarioError, YamlError, SaveError, SettingsError, NonFiniteState):
        assert issubclass(cls, BrinkError)
    e = SaveError("x.json", "broken")
    assert e.file == "x.json" and e.hint


# --- (4) the save loader -------------------------------------------------------------------------


@pytest.fixture
def good_save(tmp_path: Path) -> tuple[Path, bytes]:
    loaded = load_scenario(DATA / "mini.yaml")
    s = Session.new(loaded, seed=5, seats={"blue": "random", "red": "random"}, autosave=False)
    for _ in range(3):
        s.resolve()
    path = save_game(s, tmp_path / "g.json")
    return path, path.read_bytes()


def _refused(path: Path, *words: str) -> str:
    with pytest.raises(SaveError) as info:
        load_game(path, DATA / "mini.yaml")
    msg = str(info.value)
    assert msg.startswith(str(path)), msg
    for w in words:
        assert w in msg, msg
    return msg


def test_nan_and_infinity_literals_are_refused(good_save: tuple[Path, bytes]) -> None:
    path, raw = good_save
    for literal, words in (("NaN", "NaN"), ("Infinity", "Infinity"), ("1e999", "too large")):
        path.write_bytes(raw.replace(b'"persistence": 0.5', b'"persistence": ' + literal.encode()))
        _refused(path, words)


def test_deep_nesting_and_huge_integers_are_refused(good_save: tuple[Path, bytes]) -> None:
    path, raw = good_save
    path.write_bytes(b"[" * 200_000 + b"]" * 200_000)
    _refused(path, "nested too deeply")
    path.write_bytes(raw.replace(b'"seed": 5', b'"seed": ' + b"[" * 500 + b"]" * 500))
    _refused(path, "nested too deeply")
    path.write_bytes(raw.replace(b'"seed": 5', b'"seed": ' + b"9" * 5000))
    _refused(path, "5000 digits")


def test_devices_and_fifos_are_refused_without_reading(tmp_path: Path) -> None:
    _refused(Path("/dev/zero"), "not a regular file")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    _refused(fifo, "not a regular file")  # (would block forever if opened)


def test_unbounded_numbers_with_a_valid_checksum_are_refused(
    good_save: tuple[Path, bytes],
) -> None:
    path, raw = good_save
    log = json.loads(raw)["log"]
    for key, value in (("worlds", 10**12), ("horizon", 10**6), ("persistence", 2.0)):
        bad = json.loads(json.dumps(log))
        bad["ai"][key] = value
        path.write_bytes(encode(bad))
        _refused(path, f"log.ai.{key}")
    bad = json.loads(json.dumps(log))
    bad["seed"] = -1
    path.write_bytes(encode(bad))
    _refused(path, "log.seed")
    bad = json.loads(json.dumps(log))
    bad["summary"] = None
    path.write_bytes(encode(bad))
    _refused(path, "log.summary")


def test_an_oversized_save_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import game.engine.saves as saves

    monkeypatch.setattr(saves, "MAX_SAVE_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 5000)
    with pytest.raises(SaveError, match="larger than 1000 bytes"):
        read_save(path)


# --- (5) a failed autosave -----------------------------------------------------------------------


def test_a_failed_autosave_does_not_end_the_game(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    loaded = load_scenario(DATA / "mini.yaml")
    s = Session.new(loaded, seed=2, seats={"blue": "random", "red": "random"}, autosave=blocker)
    s.resolve()  # the autosave below a file fails; the game goes on
    assert s.autosave_error and "autosave failed" in s.autosave_error
    s.resolve()
    assert s.turn == 2


def test_continue_skips_a_damaged_newer_autosave(good_save: tuple[Path, bytes]) -> None:
    path, raw = good_save
    d = path.parent / "auto"
    d.mkdir()
    older, newer = d / "older.json", d / "newer.json"
    older.write_bytes(raw)
    newer.write_bytes(raw[: len(raw) // 2])
    os.utime(older, ns=(1_000_000_000, 1_000_000_000))
    os.utime(newer, ns=(2_000_000_000, 2_000_000_000))
    assert latest_autosave(d) == older
    assert latest_autosave(d, running_only=True) == older
    older.unlink()  # only the damaged one: offered, so that "continue" can say why not
    assert latest_autosave(d) == newer
    assert latest_autosave(d, running_only=True) is None


# --- (6) names that look like maths, (7) CSV injection -------------------------------------------


@pytest.fixture
def hostile_game(tmp_path: Path) -> Path:
    path = scenario(
        tmp_path,
        ("title: Border dispute (test)", 'title: "Border $x^{$ dispute"'),
        ("name: Tension", 'name: "$\\\\frac{x$ tension $a^2$"'),
        ("    name: Blue\n", '    name: "$\\\\alpha$ Blue"\n'),
    )
    text = path.read_text(encoding="utf-8")
    # an option name that a spreadsheet would run
    first_opt = text.index("options:")
    name_at = text.index("name: ", first_opt)
    end = text.index("\n", name_at)
    text = text[:name_at] + 'name: "=HYPERLINK(\\"http://example.com\\")"' + text[end:]
    path.write_text(text, encoding="utf-8")
    loaded = load_scenario(path)
    seats = {a.id: Seat.parse(a.options[0].id) for a in loaded.scenario.actors}
    s = Session.new(loaded, seed=1, seats=seats, autosave=False)
    while not s.over:
        s.resolve()
    return save_game(s, tmp_path / "hostile.json")


def test_report_with_dollar_names_neither_crashes_nor_renders_maths(
    hostile_game: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    csv_dir = tmp_path / "csv"
    argv = ["report", str(hostile_game), "-o", str(out), "--csv", str(csv_dir), "--worlds", "100"]
    assert main(argv) == 0, capsys.readouterr().err
    html = out.read_text(encoding="utf-8")
    # the text is kept as written (mathtext would have drawn it as glyph paths)
    assert "\\frac{x" in html
    for table in csv_dir.glob("*.csv"):
        with table.open(encoding="utf-8-sig", newline="") as fh:
            for r in csv.reader(fh):
                for c in r:
                    assert not c.startswith(("=", "+", "@", "\t", "\r")), (table.name, c)
                    if c.startswith("-"):
                        float(c)  # a negative number, nothing else
    turns = (csv_dir / "turns.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in turns


def test_csv_cells_are_neutralised() -> None:
    for bad in ("=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(x)"):
        assert cell(bad) == "'" + bad
    for fine in ("-3", "+1.5", "-2.5e-3", "plain", "", "a=b"):
        assert cell(fine) == fine
    assert cell(-3.5) == -3.5 and cell(None) is None
    assert row(["=x", 1]) == ["'=x", 1]
    assert dict_row({"a": "@x"}) == {"a": "'@x"}


def test_simulate_csv_goes_through_the_helper(tmp_path: Path) -> None:
    from game.model import cli as model_cli

    _, s = model_cli.run(str(DATA / "mini.yaml"), 50, 3, 0, [], False)
    s.scenario_id = "=cmd"  # (ids cannot say this; the writer is checked all the same)
    out = tmp_path / "sim.csv"
    model_cli.write_csv(s, str(out))
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[1][0] == "'=cmd"


# --- (8) the command line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["simulate", "MINI", "--runs", "0"],
        ["simulate", "MINI", "--runs", "1000000000000"],
        ["simulate", "MINI", "--runs", "9" * 5000],
        ["simulate", "MINI", "--turns", "0"],
        ["simulate", "MINI", "--seed", "-1"],
        ["autoplay", "MINI", "--turns", "0"],
        ["autoplay", "MINI", "--seed", str(2**64)],
        ["autoplay", "MINI", "--save", ""],
        ["report", "X.json", "-o", ""],
        ["report", "X.json", "--worlds", "0"],
        ["schema", "-o", ""],
        ["play", "--seed", "-5"],
    ],
)
def test_bad_numbers_and_empty_names_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(DATA / "mini.yaml") if a == "MINI" else a for a in argv]
    assert main(argv) == 2
    assert "error: argument" in capsys.readouterr().err


@pytest.mark.parametrize("weight", ["inf", "nan", "-inf", "1e400"])
def test_mix_weights_must_be_finite(weight: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "simulate",
        str(DATA / "mini.yaml"),
        "--runs",
        "10",
        "--policy",
        f"blue=mix:wait={weight}",
    ]
    assert main(argv) == 2
    assert "finite" in capsys.readouterr().err


def test_schema_to_a_folder_or_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "-o", str(tmp_path)]) == 1
    assert main(["schema", "-o", str(tmp_path / "no" / "s.json")]) == 1
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err


def test_report_never_writes_over_a_save_it_reads(
    good_save: tuple[Path, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    path, raw = good_save
    assert main(["report", str(path), "-o", str(path), "--worlds", "100"]) == 2
    assert main(["report", str(path), "--json", str(path), "--worlds", "100"]) == 2
    assert path.read_bytes() == raw
    assert "one of the saves being read" in capsys.readouterr().err


def test_a_fifo_is_refused_by_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    assert main(["check", str(fifo)]) == 1
    assert "not a regular file" in capsys.readouterr().out


def test_play_reports_a_missing_file_before_any_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.yaml"
    code = (
        "import sys\nfrom game.cli import main\n"
        f"rc = main(['play', {str(missing)!r}])\n"
        "print(rc, 'game.ui.app' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.stdout.strip().splitlines()[-1] == "1 False"
    assert str(missing) in out.stderr


def test_write_errors_name_the_target_not_the_temporary_file(tmp_path: Path) -> None:
    blocker = tmp_path / "f"
    blocker.write_text("")
    target = tmp_path / "d" / "x.json"
    (tmp_path / "d").mkdir()
    (tmp_path / "d").chmod(0o500)
    try:
        if os.access(tmp_path / "d", os.W_OK):  # (root writes anywhere)
            target = blocker / "x.json"
        with pytest.raises(OSError) as info:
            write_atomic(target, b"{}")
    finally:
        (tmp_path / "d").chmod(0o700)
    assert ".tmp" not in str(info.value)


def test_a_corrupt_settings_file_falls_back_to_defaults(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "settings.json"
    for text in ('{"width": "abc"}', '{"width": 1e400}', "[1]", "{bad", '{"text_scale": NaN}'):
        path.write_text(text, encoding="utf-8")
        with caplog.at_level(logging.WARNING):
            assert Settings.load(path) == Settings()
        assert str(path) in caplog.text
        caplog.clear()
    path.write_text('{"width": 1000, "sound": false}', encoding="utf-8")
    assert Settings.load(path) == Settings(width=1000, sound=False)
    with pytest.raises(SettingsError):
        Settings.read(Path("/dev/zero"))


def test_autoplay_piped_into_head_still_saves(tmp_path: Path) -> None:
    save = tmp_path / "piped.json"
    cmd = f"{sys.executable} -m game autoplay {DATA / 'mini.yaml'} --save {save} | head -n 1"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {cmd}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr and "Exception ignored" not in out.stderr
    assert len(out.stdout.splitlines()) == 1
    load_game(save, DATA / "mini.yaml")


@pytest.mark.slow
def test_the_command_line_audit_passes() -> None:
    """The matrix in tools/cli_audit.py: no traceback, no hang, the right exit, inputs kept
    (includes ``autoplay --save F | head`` still writing F)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "cli_audit.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("bounds", ["0:inf", "-inf:1", "0:nan", "0:1e999"])
def test_sweep_ranges_must_be_finite(bounds: str) -> None:
    from game.lab.sweep import Vary

    with pytest.raises(ValueError, match=r"finite|LOW must be below HIGH"):
        Vary.parse(f"metrics.tension.noise_sd={bounds}")


@pytest.mark.parametrize(
    "argv",
    [
        ["lab", "MINI", "--games", "1000000000000"],
        ["lab", "MINI", "--worlds", "1000000000"],
        ["lab", "MINI", "--workers", "100000"],
        ["sweep", "MINI", "--vary", "x=0:1", "--samples", "0"],
        ["sweep", "MINI", "--vary", "x=0:1", "--runs", "1000000000000"],
    ],
)
def test_lab_and_sweep_numbers_are_bounded(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(DATA / "mini.yaml") if a == "MINI" else a for a in argv]
    assert main(argv) == 2
    assert "should be from" in capsys.readouterr().err


def test_the_lab_csv_uses_the_one_helper() -> None:
    from game.lab.cli import safe_cell

    assert safe_cell("-2+3") == cell("-2+3") == "'-2+3"
    assert safe_cell("-3") == "-3"  # a number written as text is data
