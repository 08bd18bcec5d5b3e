"""Distribution: the data the package finds, scenario discovery, new-scenario, a real install."""

from __future__ import annotations

import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from game import __version__
from game.cli import main
from game.scenario import check_file, load_scenario, paths
from game.scenario.discovery import (
    COMMAND_LINE,
    SHIPPED,
    TEACHERS,
    NewScenarioError,
    by_name,
    discover,
    new_scenario,
)

REPO = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "data" / "mini.yaml"


def test_checkout_reads_the_top_level_folders() -> None:
    # Tests run from the checkout: its scenarios/, seeds/ and assets/ are the data.
    assert paths.SOURCE == paths.CHECKOUT
    assert paths.SCENARIOS == REPO / "scenarios"
    assert paths.default_scenario().is_file()
    assert (paths.ASSETS / "fonts" / "NotoSans-Regular.ttf").is_file()
    assert (paths.SEEDS / "reference-classes.yaml").is_file()


def test_the_default_scenario_is_named_by_the_data(tmp_path, monkeypatch) -> None:
    # The data folder names it (scenarios/default.txt); without that file, the first
    # shipped scenario. No crisis is the code's own default.
    assert paths.default_scenario().is_file()
    assert paths.default_scenario() in paths.shipped_scenarios()
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("b-crisis.yaml", "a-crisis.yaml", "a-crisis.es.yaml"):
        (folder / name).write_text("meta: {}\n", encoding="utf-8")
    monkeypatch.setattr(paths, "SCENARIOS", folder)
    assert paths.default_scenario() == folder / "a-crisis.yaml"
    (folder / paths.DEFAULT_FILE).write_text("# a comment\n\nb-crisis  # the one\n")
    assert paths.default_scenario() == folder / "b-crisis.yaml"


def test_the_code_names_no_crisis() -> None:
    # Places, sides and regions come from the scenarios: the package's code, templates
    # and pages name none of the shipped crises.
    words = ("venezuela", "caracas", "caribbean", "taiwan", "beijing")
    suffixes = {".py", ".j2", ".html", ".js", ".css"}
    hits = [
        f"{f.relative_to(REPO)}: {w}"
        for f in sorted((REPO / "game").rglob("*"))
        if f.suffix in suffixes
        for w in words
        if w in f.read_text(encoding="utf-8").lower()
    ]
    assert hits == []


def test_user_data_dir_follows_the_override(tmp_path, monkeypatch) -> None:
    from game.engine import data_dir

    monkeypatch.setenv(paths.ENV_DATA_DIR, str(tmp_path / "d"))
    assert paths.user_data_dir() == data_dir() == tmp_path / "d"
    assert paths.teachers_dir() == tmp_path / "d" / "scenarios"


def test_teachers_scenario_is_discovered_and_valid() -> None:
    scen, facts = new_scenario("border-dispute")
    assert scen == paths.teachers_dir() / "border-dispute.yaml"
    assert facts == paths.teachers_dir().parent / "seeds" / "border-dispute-facts.yaml"
    found = {f.path: f.source for f in discover()}
    assert found[scen] == TEACHERS
    assert found[paths.default_scenario()] == SHIPPED
    assert facts not in found  # fact sheets live in seeds/, never offered as scenarios
    # Passes the strict check: no errors and no warnings, with its own id and fact sheet.
    loaded, problems = check_file(scen)
    assert loaded is not None and problems == []
    assert loaded.scenario.meta.id == "border-dispute"
    assert set(loaded.facts) == {"BD-01", "BD-02"}
    # The shipped reference sheet is found from the teachers' folder.
    assert "RC-KAHN-LADDER-1965" in loaded.references
    assert by_name("border-dispute") == scen


def test_new_scenario_refuses_to_overwrite_and_bad_names() -> None:
    scen, _ = new_scenario("crisis_b")
    scen.write_text("changed", encoding="utf-8")
    with pytest.raises(NewScenarioError, match="already exists"):
        new_scenario("crisis_b")
    assert scen.read_text(encoding="utf-8") == "changed"
    new_scenario("crisis_b", force=True)
    assert check_file(scen)[0] is not None
    for bad in ("Upper", "../escape", "", "9lives", "a" * 49):
        with pytest.raises(NewScenarioError, match="not a usable name"):
            new_scenario(bad)


def test_command_line_paths_are_discovered(tmp_path) -> None:
    found = discover([MINI])
    assert found[0].path == MINI and found[0].source == COMMAND_LINE
    # A folder offers each YAML file in it; a file already listed is listed once.
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(MINI, folder / "a.yaml")
    shutil.copy(MINI, folder / "b.yaml")
    found = discover([folder, folder / "a.yaml", paths.default_scenario()])
    assert [f.path.name for f in found if f.source == COMMAND_LINE] == [
        "a.yaml",
        "b.yaml",
        "venezuela-2025.yaml",
    ]
    assert [f.path for f in found].count(paths.default_scenario()) == 1


def test_fact_sheets_beside_scenarios_are_not_offered(tmp_path) -> None:
    # Teachers may drop a scenario and its fact sheet into the folder together.
    paths.teachers_dir().mkdir(parents=True)
    for name in ("mini.yaml", "mini-facts.yaml"):
        shutil.copy(MINI.parent / name, paths.teachers_dir() / name)
        shutil.copy(MINI.parent / name, tmp_path / name)
    teachers = [f.path.name for f in discover() if f.source == TEACHERS]
    assert teachers == ["mini.yaml"]
    assert [f.path.name for f in discover([tmp_path]) if f.source == COMMAND_LINE] == ["mini.yaml"]
    # Named on its own, a file is listed whatever it is (and then reported as invalid).
    assert discover([tmp_path / "mini-facts.yaml"])[0].path.name == "mini-facts.yaml"
    loaded = load_scenario(paths.teachers_dir() / "mini.yaml")
    assert set(loaded.facts) == {"MF-01"}


def test_brink_scenarios_lists_every_source(capsys) -> None:
    new_scenario("my-crisis")
    assert main(["scenarios", str(MINI)]) == 0
    out = capsys.readouterr().out
    assert "command line" in out and "mini — Border dispute (test)" in out
    assert "shipped" in out and "venezuela-2025 — " in out
    assert "teachers' folder" in out and "my-crisis — " in out
    assert str(paths.teachers_dir()) in out


def test_setup_screen_lists_the_teachers_scenario(ui_app) -> None:
    scen, _ = new_scenario("classroom-test")
    d = ui_app()
    d.click_button("new_game")
    assert d.scene.name == "setup"
    assert d.scene.sources[scen] == TEACHERS
    assert d.scene.sources[MINI] == COMMAND_LINE
    assert d.scene.sources[paths.default_scenario()] == SHIPPED
    # Cycle to it: the choice button shows its title, and Continue plays it.
    for _ in range(len(d.scene.paths)):
        if d.scene.paths[d.scene.si] == scen:
            break
        d.click_button("scenario")
    assert "Border dispute: a starting scenario" in " ".join(d.scene.labels())
    d.click_button("continue")
    assert d.scene.name == "briefing"


def test_scenario_copied_elsewhere_finds_the_shipped_sheets(tmp_path) -> None:
    # A copy of the shipped scenario outside the repository (as in a teachers'
    # folder) names its sheets as ../seeds/...: the shipped ones are used.
    copy = tmp_path / "scenarios" / "venezuela-copy.yaml"
    copy.parent.mkdir()
    shutil.copy(paths.default_scenario(), copy)
    loaded = load_scenario(copy)
    assert loaded.facts and loaded.references
    # Any other missing sheet is still an error naming the field.
    bad = tmp_path / "scenarios" / "bad.yaml"
    bad.write_text(
        MINI.read_text(encoding="utf-8").replace("mini-facts.yaml", "../facts/none.yaml"),
        encoding="utf-8",
    )
    _, problems = check_file(bad)
    assert any(p.path == "meta.fact_sheet" and "no file" in p.message for p in problems)


def test_scenario_names_work_from_any_folder(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--strict", "venezuela-2025"]) == 0
    assert main(["check"]) == 0  # no files: every scenario on offer
    save = tmp_path / "g.json"
    assert main(["autoplay", "--seed", "3", "--turns", "2", "--quiet", "--save", str(save)]) == 0
    assert save.is_file()
    capsys.readouterr()
    assert main(["check", "no-such-scenario"]) == 1
    assert "no-such-scenario:1:1: cannot read" in capsys.readouterr().out


def test_version_names_the_data(capsys) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"brinkmanship {__version__}\n")
    assert f"shipped data: {REPO} (source checkout)" in out
    assert f"teachers' scenario folder: {paths.teachers_dir()}" in out


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> str:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{cmd} exited {r.returncode}:\n{r.stdout}\n{r.stderr}"
    return r.stdout


@pytest.mark.slow
def test_wheel_installed_in_a_fresh_venv_works_from_root(tmp_path) -> None:
    """Build and install the package (not editable) into a new venv; run it from /."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    # The dependencies come from this interpreter's site-packages, appended
    # after the new venv's own, so the test needs no downloads beyond the
    # build backend; the game itself is only in the new venv.
    site = Path(
        _run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            tmp_path,
            {**os.environ},
        ).strip()
    )
    import sysconfig

    (site / "zz_test_deps.pth").write_text(
        "\n".join(sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})) + "\n"
    )
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env.update(BRINK_DATA_DIR=str(tmp_path / "data"), OPENBLAS_NUM_THREADS="1")
    _run([str(py), "-m", "pip", "install", "--no-deps", "-q", str(REPO)], tmp_path, env)
    brink = str(bindir / "brink")
    root = Path(tmp_path.anchor)
    out = _run([brink, "--version"], root, env)
    assert f"brinkmanship {__version__}" in out and "(installed package)" in out
    installed = site / "game" / "_data"
    assert f"shipped data: {installed}" in out
    out = _run([brink, "check", "--strict"], root, env)
    assert "venezuela-2025.yaml: ok" in out and str(installed) in out
    # The game's code and data come from the install, not from the checkout.
    where = _run(
        [str(py), "-c", "import game, game.ui.text as t; print(game.__file__, t.FONT_DIR)"],
        root,
        env,
    )
    assert str(REPO) not in where and str(installed / "assets" / "fonts") in where
