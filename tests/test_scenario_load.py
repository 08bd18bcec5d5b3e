"""The scenario loader reports every mistake in a file, at the right line.

Most malformed scenarios are made here from ``tests/data/mini.yaml`` by a text
substitution; a few live in ``tests/data/bad/`` so that authors can read them.
Each case checks the line of the problem, a piece of its message, and that
``brink check`` exits with status 1.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest

from game.cli import main
from game.scenario import Problem, ScenarioError, check_file, load_scenario
from game.scenario.yamlsafe import MAX_BYTES

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
MINI = DATA / "mini.yaml"
MINI_TEXT = MINI.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- helpers


def brink_check(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    """Run ``brink check ARGS`` in-process; return its exit status and stdout."""
    capsys.readouterr()
    rc = main(["check", *map(str, args)])
    return rc, capsys.readouterr().out


def line_of(text: str, needle: str) -> int:
    """1-based line of the one occurrence of ``needle`` in ``text``."""
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    return text[: text.index(needle)].count("\n") + 1


def mutate(tmp_path: Path, subs: list[tuple[str, str]], name: str = "case.yaml") -> Path:
    """A copy of mini.yaml (with its fact sheet) after each substitution, once each."""
    text = MINI_TEXT
    for old, new in subs:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in mini.yaml"
        text = text.replace(old, new)
    shutil.copy(DATA / "mini-facts.yaml", tmp_path / "mini-facts.yaml")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def find(problems: list[Problem], fragment: str) -> Problem:
    hits = [p for p in problems if fragment in str(p)]
    assert hits, f"no problem mentions {fragment!r}; got:\n" + "\n".join(map(str, problems))
    return hits[0]


def assert_reported(
    capsys: pytest.CaptureFixture[str], path: Path, line: int, fragment: str
) -> Problem:
    """``path`` fails with a problem at ``line`` mentioning ``fragment``; brink check exits 1."""
    loaded, problems = check_file(path)
    assert loaded is None
    p = find(problems, fragment)
    assert p.line == line, f"expected line {line}, got {p}"
    assert p.severity == "error"
    assert [q.line for q in problems] == sorted(q.line for q in problems)
    rc, out = brink_check(capsys, path)
    assert rc == 1
    assert f"{path}:{line}:" in out and fragment in out
    return p


# --------------------------------------------------------------------------- the valid file


def test_mini_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    loaded, problems = check_file(MINI)
    assert loaded is not None and problems == []
    assert loaded.scenario.meta.id == "mini" and "MF-01" in loaded.facts
    rc, out = brink_check(capsys, MINI)
    assert rc == 0 and "ok" in out
    rc, _ = brink_check(capsys, "--strict", MINI)
    assert rc == 0


# --------------------------------------------------------------------------- one mistake each

# The new text of ``needle`` marks the line where the problem must be reported.
WAR_STAGE = "  - id: war\n    name: War\n    description: Open fighting."
NO_JUMPS = ("    stage_change: 1\n", "    stage_change: 0\n")
CLASHES_STUCK_BELOW = (
    "    description: Shots fired.\n    up: {p: 0.1, slope: {tension: 0.05}}\n",
    "    description: Shots fired.\n    up: 0.0\n",
)


@dataclass(frozen=True)
class Case:
    id: str
    subs: list[tuple[str, str]]
    needle: str  # text in the changed file on the expected line
    message: str


CASES = [
    Case(
        "word_for_number",
        [("initial: {mean: 40, sd: 5}", "initial: {mean: high, sd: 5}")],
        "initial: {mean: high",
        "metrics[0].initial.mean: Input should be a valid number, got 'high'",
    ),
    Case(
        "word_for_bare_number",
        [("effects: {tension: -4}", "effects: {tension: high}")],
        "effects: {tension: high}",
        "should be a number or a mapping with 'mean', got 'high'",
    ),
    Case(
        "quoted_number",
        [("    reversion: 0.1\n    noise_sd: 2\n", '    reversion: "0.5"\n    noise_sd: 2\n')],
        'reversion: "0.5"',
        "metrics[0].reversion: should be a number, got the text '0.5': remove the quotes",
    ),
    Case(
        "duplicate_key",
        [("    noise_sd: 2\n", "    noise_sd: 2\n    noise_sd: 3\n")],
        "noise_sd: 3",
        "duplicate key 'noise_sd' (first at line 23)",
    ),
    Case(
        "unknown_metric_in_effect",
        [("effects: {tension: {mean: 15, sd: 4}", "effects: {tensions: {mean: 15, sd: 4}")],
        "tensions:",
        "unknown metric 'tensions'; did you mean 'tension'?",
    ),
    Case(
        "unknown_option_in_interaction",
        [("when: {blue: [talk], red: [talk]}", "when: {blue: [talk], red: [tlak]}")],
        "red: [tlak]",
        "interactions[0].when.red[0]: unknown option of red 'tlak'; did you mean 'talk'?",
    ),
    Case(
        "unknown_stage_in_availability",
        [("available: {stages: [crisis, clashes, war]}", "available: {stages: [crisis, clash]}")],
        "[crisis, clash]",
        "available.stages[1]: unknown stage 'clash'; did you mean 'clashes'?",
    ),
    Case(
        "probability_above_one",
        [("chance: {p: 0.3}", "chance: {p: 1.5}")],
        "chance: {p: 1.5}",
        "branches[0].chance.p: Input should be less than or equal to 1",
    ),
    Case(
        "bare_probability_above_one",
        [("    hazard: 0.1\n", "    hazard: 1.5\n")],
        "hazard: 1.5",
        "events[1].hazard.p: Input should be less than or equal to 1",
    ),
    Case(
        "negative_sd",
        [("effects: {intel: {mean: 8, sd: 2}}", "effects: {intel: {mean: 8, sd: -2}}")],
        "sd: -2",
        "effects.intel.sd: Input should be greater than or equal to 0",
    ),
    Case(
        "range_reversed",
        [("range: [0, 100]\n    initial: {mean: 40", "range: [100, 0]\n    initial: {mean: 40")],
        "range: [100, 0]",
        "metrics[0].range: range low (100) must be below high (0)",
    ),
    Case(
        "range_empty",
        [("range: [0, 100]\n    initial: 30", "range: [50, 50]\n    initial: 30")],
        "range: [50, 50]",
        "metrics[2].range: range low (50) must be below high (50)",
    ),
    Case(
        "initial_outside_range",
        [("initial: {mean: 40, sd: 5}", "initial: {mean: 140, sd: 5}")],
        "initial: {mean: 140",
        "metrics[0].initial: initial value 140 is outside the range [0, 100]",
    ),
    Case(
        "equilibrium_outside_range",
        [("    equilibrium: 35\n", "    equilibrium: -5\n")],
        "equilibrium: -5",
        "equilibrium -5 is outside the range [0, 100]",
    ),
    Case(
        "python_name_tag",
        [("    noise_sd: 2\n", "    noise_sd: !!python/name:os.system\n")],
        "!!python/name:os.system",
        "tag '!!python/name:os.system' is not allowed",
    ),
    Case(
        "syntax_colon_in_text",
        [("description: Red's will to hold out.", "description: Red's will: to hold out.")],
        "Red's will: to hold out.",
        "YAML syntax: mapping values are not allowed in this context; put text that contains",
    ),
    Case(
        "syntax_unquoted_placeholder",
        [('headline: "{actor} calls up reserves"', "headline: {actor} calls up reserves")],
        "headline: {actor} calls up reserves",
        "text that starts with { or [ must be in quotes",
    ),
    Case(
        "syntax_tab_indent",
        [("    name: Red resolve\n", "\tname: Red resolve\n")],
        "\tname: Red resolve",
        "use spaces, not tabs",
    ),
    Case(
        "unknown_field_typo",
        [("        effects: {tension: -2}\n", "        efects: {tension: -2}\n")],
        "efects:",
        "actors[1].options[1].efects: unknown field 'efects'; did you mean 'effects'?",
    ),
    Case(
        "duplicate_option_id",
        [("      - id: mobilise\n", "      - id: talk\n")],
        "      - id: talk\n        name: Mobilise",
        "actors[1].options[2].id: duplicate option id 'talk'",
    ),
    Case(
        "unknown_fact_in_basis",
        [("basis: {facts: [MF-01]}", "basis: {facts: [MF-10]}")],
        "MF-10",
        "metrics[0].basis.facts[0]: unknown fact id 'MF-10'; did you mean 'MF-01'?",
    ),
    Case(
        "missing_required_field",  # reported at the mapping that lacks it
        [("    headline: Shots fired at a border post\n", "")],
        "  - id: incident",
        "events[0].headline: missing field 'headline'",
    ),
    Case(
        "missing_required_section",
        [("initial_stage: calm\n", "")],
        "meta:",
        "initial_stage: missing field 'initial_stage'",
    ),
    Case(
        "stage_never_reached",
        [NO_JUMPS, CLASHES_STUCK_BELOW],
        WAR_STAGE,
        "ladder[3]: stage 'war' can never be reached",
    ),
    Case(
        "stage_never_left",
        [
            NO_JUMPS,
            ("    up: 0.0\n    down: 0.05\n", "    up: 0.0\n    down: 0.0\n"),
            (
                "trigger: {stages: [war], hold_turns: 2}",
                'trigger: {conditions: [{metric: tension, op: ">", value: 90}]}',
            ),
        ],
        WAR_STAGE,
        "ladder[3]: stage 'war' can never be left",
    ),
    Case(
        "option_never_chosen",
        [
            NO_JUMPS,
            CLASHES_STUCK_BELOW,
            ("available: {stages: [crisis, clashes, war]}", "available: {stages: [war]}"),
        ],
        "available: {stages: [war]}",
        "option blue.strike can never be chosen: none of its stages is reachable",
    ),
    Case(
        "two_turn_limit_outcomes",
        [
            (
                "    headline: A deal is signed\n",
                "    headline: A deal is signed\n    at_turn_limit: true\n",
            )
        ],
        "    at_turn_limit: true\n    trigger:",
        "outcomes[1].at_turn_limit: exactly one outcome can have at_turn_limit: true (found 2",
    ),
    Case(
        "no_turn_limit_outcome",
        [("    at_turn_limit: true\n", "    trigger: {stages: [calm]}\n")],
        "  - id: war\n    name: War\n    kind: war",
        "exactly one outcome needs at_turn_limit: true (found none)",
    ),
    Case(
        "private_metric_without_owner",
        [("    owner: red\n", "")],
        "  - id: resolve",
        "metrics[1]: a private metric needs an owner",
    ),
    Case(
        "condition_never_holds",
        [
            (
                'conditions: [{metric: tension, op: ">", value: 30}]',
                'conditions: [{metric: tension, op: ">", value: 150}]',
            )
        ],
        "value: 150",
        "'tension > 150' can never hold in its range [0, 100]",
    ),
    Case(
        "nan_value",
        [("coef: 0.05", "coef: .nan")],
        "coef: .nan",
        "dynamics.coupling[0].coef: Input should be a finite number",
    ),
    Case(
        "infinite_value",
        [("chance: {p: 0.3}", "chance: {p: .inf}")],
        "p: .inf",
        "Input should be a finite number",
    ),
    Case(
        "date_that_does_not_exist",  # used to escape the loader as a ValueError
        [("facts_as_of: 2025-01-01", "facts_as_of: 2025-13-01")],
        "2025-13-01",
        "meta.facts_as_of: bad value '2025-13-01': month must be in 1..12",
    ),
    Case(
        "string_for_flag",
        [("    covert: true\n", '    covert: "yes"\n')],
        'covert: "yes"',
        "Input should be a valid boolean, got 'yes'",
    ),
    Case(
        "bad_id",
        [("  - id: tension\n", "  - id: Tension\n")],
        "id: Tension",
        "an id is lower-case letters, digits and underscores",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = mutate(tmp_path, case.subs)
    line = line_of(path.read_text(encoding="utf-8"), case.needle)
    assert_reported(capsys, path, line, case.message)


def test_load_scenario_raises_with_every_error(tmp_path: Path) -> None:
    path = mutate(
        tmp_path,
        [("chance: {p: 0.3}", "chance: {p: 1.5}"), ("coef: 0.05", "coef: .nan")],
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert len(info.value.problems) == 2
    assert "less than or equal to 1" in str(info.value) and "finite" in str(info.value)


# --------------------------------------------------------------------------- fixture files


def test_duplicate_key_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert_reported(
        capsys,
        BAD / "duplicate-key.yaml",
        25,
        "metrics[0].noise_sd: duplicate key 'noise_sd' (first at line 24)",
    )


def test_unknown_metric_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert_reported(
        capsys,
        BAD / "unknown-metric.yaml",
        85,
        "effects.tensoin: unknown metric 'tensoin'; did you mean 'tension'?",
    )


def test_syntax_error_file(capsys: pytest.CaptureFixture[str]) -> None:
    p = assert_reported(
        capsys, BAD / "colon-in-text.yaml", 29, "mapping values are not allowed in this context"
    )
    assert p.col == 28


def test_python_object_tag_is_refused_without_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The tag would run "touch executed.marker" in the current directory.
    monkeypatch.chdir(tmp_path)
    fixture = BAD / "python-tag.yaml"
    assert_reported(
        capsys, fixture, 6, "meta.title: tag '!!python/object/apply:os.system' is not allowed"
    )
    _, problems = check_file(fixture)
    assert len(problems) == 1  # the refused value is not reported a second time
    assert not (tmp_path / "executed.marker").exists()

    # The same with an absolute marker path, in a file of its own.
    marker = tmp_path / "pwned"
    path = mutate(
        tmp_path,
        [
            (
                "    noise_sd: 2\n",
                f"    noise_sd: !!python/object/apply:os.system ['touch {marker}']\n",
            )
        ],
        "tagged.yaml",
    )
    assert_reported(capsys, path, 23, "!!python/object/apply:os.system")
    assert not marker.exists()


def test_python_name_tag_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert_reported(
        capsys, BAD / "python-name-tag.yaml", 6, "tag '!!python/name:os.system' is not allowed"
    )


def test_alias_bomb_is_refused_early(capsys: pytest.CaptureFixture[str]) -> None:
    # (its time: benchmarks/bench_files.py; memory says it was not expanded)
    path = BAD / "alias-bomb.yaml"
    tracemalloc.start()
    try:
        loaded, problems = check_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert loaded is None
    assert peak < 50 * 2**20, f"peak memory {peak / 2**20:.1f} MB"
    p = find(problems, "aliases expand to more than")
    assert p.line == 4
    rc, out = brink_check(capsys, path)
    assert rc == 1 and "alias" in out


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_reported(capsys, BAD / "empty.yaml", 1, "the file is empty")
    blank = tmp_path / "blank.yaml"
    blank.write_bytes(b"")
    assert_reported(capsys, blank, 1, "the file is empty")


def test_several_problems_all_reported_in_line_order(capsys: pytest.CaptureFixture[str]) -> None:
    path = BAD / "several-problems.yaml"
    loaded, problems = check_file(path)
    assert loaded is None
    got = [(p.line, p.path, p.message.split(",")[0]) for p in problems]
    assert got == [
        (22, "metrics[0].initial.mean", "Input should be a valid number"),
        (35, "metrics[1].owner", "duplicate key 'owner' (first at line 34)"),
        (
            100,
            "actors[0].options[2].branches[0].chance.p",
            "Input should be less than or equal to 1",
        ),
        (
            141,
            "actors[1].options[1].efects",
            "unknown field 'efects'; did you mean 'effects'? (valid here: basis",
        ),
        (169, "events[0].headline", "missing field 'headline'"),
    ]
    rc, out = brink_check(capsys, path)
    assert rc == 1
    assert [line.split(":")[1] for line in out.splitlines()] == ["22", "35", "100", "141", "169"]


def test_several_cross_reference_problems(tmp_path: Path) -> None:
    path = mutate(
        tmp_path,
        [
            ("basis: {facts: [MF-01]}", "basis: {facts: [MF-02]}"),
            ("    owner: red\n", "    owner: redd\n"),
            ("effects: {tension: {mean: -3, sd: 1}}", "effects: {tensoin: {mean: -3, sd: 1}}"),
            ("when: {blue: [talk], red: [talk]}", "when: {blue: [talk], red: [tlak]}"),
        ],
    )
    _, problems = check_file(path)
    assert [p.line for p in problems] == [25, 32, 84, 152]
    assert all("did you mean" in p.message for p in problems)


# --------------------------------------------------------------------------- limits


def test_file_over_one_megabyte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.yaml"
    padding = "# padding " + "x" * 89 + "\n"
    path.write_text(MINI_TEXT + padding * (MAX_BYTES // len(padding) + 1), encoding="utf-8")
    assert path.stat().st_size > MAX_BYTES
    assert_reported(capsys, path, 1, f"the limit is {MAX_BYTES} bytes")


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "a: " + "{b: " * 20_000 + "1" + "}" * 20_000 + "\n",
    ],
    ids=["sequences", "mappings"],
)
def test_deep_nesting_is_refused(text: str, tmp_path: Path) -> None:
    # Run in a child process: libyaml's composer used to overflow the C stack here,
    # which would take the whole test run down with it.
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "game", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 1, res.stderr
    assert f"{path}:1:" in res.stdout
    # our own depth check, or (PyYAML >= 6.0.4) the parser's own limit, whichever trips first
    assert "nested more than" in res.stdout or "nesting depth" in res.stdout, res.stdout


def test_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINI_TEXT.replace("Two states", "Deux états").encode("latin-1"))
    assert_reported(capsys, path, line_of(MINI_TEXT, "Two states"), "not UTF-8 text")


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_reported(capsys, tmp_path / "nowhere.yaml", 1, "cannot read")


# --------------------------------------------------------------------------- warnings


def test_missing_basis_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = mutate(tmp_path, [("    basis: {facts: [MF-01]}\n", "")])
    loaded, problems = check_file(path)
    assert loaded is not None
    (p,) = problems
    assert p.severity == "warning" and p.line == line_of(MINI_TEXT, "  - id: tension")
    assert "metric 'tension' has no basis" in p.message
    assert ": warning: metrics[0]:" in str(p)

    rc, out = brink_check(capsys, path)
    assert rc == 0 and "warning:" in out and out.rstrip().endswith(", 1 warning")
    rc, out = brink_check(capsys, "--strict", path)
    assert rc == 1 and "warning:" in out
