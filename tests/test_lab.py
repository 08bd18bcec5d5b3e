"""The balance lab: game k of a lab run is autoplay's game with seed S+k, the report's
statistics, the calibration section of the scenario format, and sweeps (serial and
on a two-worker Dask cluster)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from game.cli import main
from game.engine import AISettings, Session
from game.engine.seats import Seat
from game.lab.cli import safe_cell
from game.lab.games import GameRecord, play_games
from game.lab.stats import summarise, wilson
from game.lab.sweep import PathError, SweepSpec, Vary, locate, run_sweep, with_values
from game.scenario import check_file, load_scenario

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
VENEZUELA = ROOT / "scenarios" / "venezuela-2025.yaml"

CALIBRATION = """
calibration:
  armed:
    events: [incident]
    from_stage: clashes
  bands:
    - id: war
      name: War
      outcomes: [war]
      band: [{war_low}, {war_high}]
      references: [RC-ICB-VIOLENCE-ALL]
    - id: ended_by_deal
      name: Deal or folding
      outcomes: [deal, red_folds]
      band: [0.0, 1.0]
      references: [RC-ICB-ENDINGS-ALL]
    - id: length
      name: Median length
      statistic: median_length
      band: [1, 10]
      references: [RC-ICB-DURATION-ALL]
"""


def mini_with_bands(
    tmp: Path, war_low: float = 0.0, war_high: float = 1.0, extra: str = ""
) -> Path:
    """The test scenario with a reference sheet and a calibration section."""
    shutil.copy(DATA / "mini-facts.yaml", tmp / "mini-facts.yaml")
    shutil.copy(ROOT / "seeds" / "reference-classes.yaml", tmp / "reference-classes.yaml")
    text = (DATA / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  fact_sheet: mini-facts.yaml\n",
        "  fact_sheet: mini-facts.yaml\n  references: reference-classes.yaml\n",
    )
    text = text.replace(
        "# yaml-language-server: $schema=../../scenarios/scenario.schema.json\n", ""
    )
    text += CALIBRATION.format(war_low=war_low, war_high=war_high) + extra
    path = tmp / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def autoplay_record(loaded, seed: int, settings: AISettings | None = None):
    """What ``brink autoplay --seed SEED`` plays (the same session it makes)."""
    s = Session.new(loaded, seed=seed, ai=settings, autosave=False)
    while not s.over:
        s.resolve()
    moves = [{a: m.option for a, m in rep.moves.items()} for rep in s.history]
    stages = [rep.stage_after for rep in s.history]
    events = [[e.id for e in rep.events] for rep in s.history]
    return s.outcome, s.turn, moves, stages, events


# --- games ----------------------------------------------------------------------------------------


def test_lab_games_equal_autoplay_games_with_default_settings() -> None:
    loaded = load_scenario(DATA / "mini.yaml")
    records = play_games(loaded, 4, 11)
    assert [r.seed for r in records] == [11, 12, 13, 14]
    for r in records:
        outcome, length, moves, stages, events = autoplay_record(loaded, r.seed)
        assert (r.outcome, r.length) == (outcome, length)
        assert r.moves == moves
        assert r.stages == stages and r.events == events


def test_lab_games_equal_autoplay_games_on_venezuela() -> None:
    # lighter computer settings keep the test short; identity holds for any settings
    loaded = load_scenario(VENEZUELA)
    settings = AISettings(worlds=120, horizon=3)
    records = play_games(loaded, 3, 40, settings)
    assert len(records) == 3
    for r in records:
        outcome, length, moves, _, events = autoplay_record(loaded, r.seed, settings)
        assert (r.outcome, r.length, r.moves, r.events) == (outcome, length, moves, events)


def test_lab_game_matches_the_autoplay_command(capsys) -> None:
    loaded = load_scenario(DATA / "mini.yaml")
    (r,) = play_games(loaded, 1, 7)
    assert main(["autoplay", str(DATA / "mini.yaml"), "--seed", "7"]) == 0
    out = capsys.readouterr().out
    names = {o.id: o.name for o in loaded.scenario.outcomes}
    assert f"Outcome after {r.length} turns: {names[r.outcome]}" in out
    lines = [ln.strip() for ln in out.splitlines()]
    opt_names = {(a.id, o.id): (a.name, o.name) for a in loaded.scenario.actors for o in a.options}
    for mv in r.moves:
        for aid, oid in mv.items():
            actor, option = opt_names[(aid, oid)]
            assert any(ln.startswith(f"{actor}: {option}") for ln in lines)


def test_turns_stops_every_game() -> None:
    loaded = load_scenario(DATA / "mini.yaml")
    records = play_games(loaded, 3, 0, turns=2)
    assert all(r.length <= 2 for r in records)
    assert any(r.outcome is None for r in records)
    assert all(r.length == 2 for r in records if r.outcome is None)


# --- statistics -----------------------------------------------------------------------------------


def test_wilson_interval() -> None:
    lo, hi = wilson(10, 100)
    assert lo == pytest.approx(0.0552, abs=1e-4) and hi == pytest.approx(0.1744, abs=1e-4)
    assert wilson(0, 50)[0] == 0.0 and wilson(50, 50)[1] == 1.0


def _rec(i: int, outcome: str, length: int, peak: int, events: list[list[str]]) -> GameRecord:
    moves = [{"blue": "wait", "red": "wait"} for _ in range(length)]
    return GameRecord(i, i, outcome, length, moves, ["calm"] * length, events, peak)


def test_summary_counts_outcomes_lengths_armed_and_bands(tmp_path: Path) -> None:
    scn = load_scenario(mini_with_bands(tmp_path, 0.2, 0.3)).scenario
    recs = [
        _rec(0, "war", 4, 3, [[], [], ["incident"], []]),
        _rec(1, "deal", 2, 0, [[], []]),
        _rec(2, "standoff", 10, 2, [[]] * 10),  # clashes reached: armed
        _rec(3, "red_folds", 6, 1, [["mediator"]] * 6),
    ]
    s = summarise(scn, recs, seed=0)
    shares = {o.id: o.count for o in s.outcomes}
    assert shares == {"war": 1, "deal": 1, "red_folds": 1, "standoff": 1}
    assert s.length_median == 5.0 and (s.length_q1, s.length_q3) == (3.5, 7.0)
    assert s.armed.count == 2
    assert [p.count for p in s.peak_stage] == [1, 1, 1, 1]
    bands = {b.id: b for b in s.bands}
    assert bands["war"].value == 0.25 and bands["war"].ok
    assert bands["ended_by_deal"].value == 0.5
    assert bands["length"].value == 5.0 and s.bands_ok
    wait = next(u for u in s.options if u.actor == "blue" and u.option == "wait")
    assert wait.count == 22 and wait.share == 1.0 and wait.by_turn[:3] == [4, 4, 3]


def test_safe_cell_neutralises_formulas() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+x") == "'+x" and safe_cell("-x") == "'-x" and safe_cell("@x") == "'@x"
    assert safe_cell("calm") == "calm" and safe_cell(3) == 3


# --- the calibration section ----------------------------------------------------------------------


def test_calibration_ids_are_checked_with_their_lines(tmp_path: Path) -> None:
    extra = """    - id: bad
      name: Bad
      outcomes: [peace]
      band: [0.1, 0.2]
      references: [RC-NOPE]
"""
    path = mini_with_bands(tmp_path, extra=extra)
    loaded, problems = check_file(path)
    assert loaded is None
    msgs = {p.path: p.message for p in problems}
    assert "unknown outcome 'peace'" in msgs["calibration.bands[3].outcomes[0]"]
    assert "unknown reference id 'RC-NOPE'" in msgs["calibration.bands[3].references[0]"]
    assert all(p.line > 250 for p in problems)
    assert main(["check", "--strict", str(path)]) == 1


@pytest.mark.parametrize(
    ("band", "words"),
    [
        ("statistic: share\n      band: [0.5, 0.2]", "low is above high"),
        ("statistic: share\n      band: [0.5, 2]", "a share lies in [0, 1]"),
        ("statistic: stage_share\n      band: [0.1, 0.2]", "needs 'stage'"),
    ],
)
def test_band_rules(tmp_path: Path, band: str, words: str) -> None:
    extra = f"""    - id: odd
      name: Odd
      {band}
      references: [RC-ICB-VIOLENCE-ALL]
"""
    loaded, problems = check_file(mini_with_bands(tmp_path, extra=extra))
    assert loaded is None
    assert any(words in p.message for p in problems), problems


def test_venezuela_declares_its_bands_and_passes_strict_check() -> None:
    assert main(["check", "--strict", str(VENEZUELA)]) == 0
    cal = load_scenario(VENEZUELA).scenario.calibration
    assert cal is not None
    bands = {b.id: b for b in cal.bands}
    assert bands["war"].band == (0.03, 0.12)
    assert bands["agreement"].band == (0.12, 0.35)
    assert bands["coercer_win"].band == (0.20, 0.45)
    assert bands["median_length"].band == (5, 12)
    # the covert band: success 20-50% of campaigns, most of them exposed
    assert bands["covert_success"].statistic == "branch_share"
    assert bands["covert_success"].branches == ["usa.covert.success"]
    assert bands["covert_success"].band == (0.20, 0.50)
    assert bands["covert_exposed"].branches == ["usa.covert.exposed"]
    assert bands["covert_exposed"].band[0] >= 0.5
    assert all(b.references for b in cal.bands)


# --- the command ----------------------------------------------------------------------------------


def test_lab_command_exits_1_when_a_band_is_missed(tmp_path: Path, capsys) -> None:
    ok = mini_with_bands(tmp_path)
    assert main(["lab", str(ok), "--games", "6", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "Calibration bands" in out and "OUTSIDE" not in out
    (tmp_path / "b").mkdir()
    bad = mini_with_bands(tmp_path / "b", 0.99, 1.0)
    assert main(["lab", str(bad), "--games", "6", "--seed", "2"]) == 1
    assert "OUTSIDE" in capsys.readouterr().out


def test_lab_json_and_csv(tmp_path: Path, capsys) -> None:
    path = mini_with_bands(tmp_path)
    out_csv = tmp_path / "games.csv"
    code = main(["lab", str(path), "--games", "5", "--seed", "3", "--json", "--csv", str(out_csv)])
    assert code == 0
    d = json.loads(capsys.readouterr().out)
    assert d["games"] == 5 and d["seed"] == 3 and d["bands_ok"] is True
    assert sum(o["count"] for o in d["outcomes"]) == 5
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8-sig")))
    per_game = {}
    for row in rows:
        per_game.setdefault(row["game"], []).append(row)
    assert len(per_game) == 5
    for game_rows in per_game.values():
        assert len(game_rows) == int(game_rows[0]["length"])
        assert [int(r["turn"]) for r in game_rows] == list(range(1, len(game_rows) + 1))


def test_lab_rejects_bad_arguments(capsys) -> None:
    assert main(["lab", str(DATA / "mini.yaml"), "--games", "0"]) == 2
    assert "--games" in capsys.readouterr().err
    assert main(["lab", str(DATA / "mini.yaml"), "--worlds", "0"]) == 2


# --- sweeps ---------------------------------------------------------------------------------------


def test_paths_reach_numbers_by_id_and_shorthand() -> None:
    data = {
        "actors": [
            {"id": "usa", "ai": {"temperature": 4}, "options": [{"id": "strike", "effects": {}}]},
            {"id": "ven", "options": [{"id": "talk", "effects": {"tension": -3}}]},
        ],
        "ladder": [{"id": "calm", "up": 0.1}],
    }
    assert locate(data, "actors.usa.ai.temperature")[2] == 4.0
    assert locate(data, "options.talk.effects.tension.mean")[2] == -3.0
    assert locate(data, "ladder.calm.up.p")[2] == 0.1
    assert locate(data, "ladder.0.up.p")[2] == 0.1
    out = with_values(data, {"options.talk.effects.tension.mean": -5.5})
    assert out["actors"][1]["options"][0]["effects"]["tension"] == {"mean": -5.5}
    assert locate(data, "options.talk.effects.tension.mean")[3] == "mean"
    assert data["actors"][1]["options"][0]["effects"]["tension"] == -3  # a copy
    with pytest.raises(PathError, match="no item with id 'nobody'"):
        locate(data, "actors.nobody.ai.temperature")
    with pytest.raises(PathError, match="not a number"):
        locate(data, "actors.usa.ai")
    with pytest.raises(ValueError, match="PATH=LOW:HIGH"):
        Vary.parse("actors.usa.ai.temperature=4")
    with pytest.raises(ValueError, match="LOW must be below HIGH"):
        Vary.parse("actors.usa.ai.temperature=5:4")


def _spec(path: Path, **kw) -> SweepSpec:
    base = dict(
        scenario=str(path),
        vary=(
            Vary("actors.blue.ai.temperature", 1.0, 6.0),
            Vary("ladder.crisis.up.p", 0.05, 0.5),
        ),
        samples=4,
        games=3,
        seed=5,
        ai=AISettings(worlds=60, horizon=2),
    )
    base.update(kw)
    return SweepSpec(**base)


def test_sweep_on_two_dask_workers_equals_the_serial_run(tmp_path: Path) -> None:
    spec = _spec(mini_with_bands(tmp_path))
    serial = run_sweep(spec, workers=0)
    cluster = run_sweep(spec, workers=2)
    assert serial.to_dict() == cluster.to_dict()
    assert [b.id for b in serial.bands] == ["war", "ended_by_deal", "length"]
    # the samples really differ, and the ranking names every varied number
    assert len({json.dumps(v, sort_keys=True) for v in serial.points}) == 4
    for b in serial.bands:
        assert sorted(i.path for i in b.ranking) == sorted(v.path for v in spec.vary)


def test_sweep_finds_the_number_that_drives_war_in_simulation(tmp_path: Path) -> None:
    # in random play the climb out of 'clashes' is the road to war; blue's temperature
    # plays no part at all
    spec = _spec(
        mini_with_bands(tmp_path),
        vary=(Vary("actors.blue.ai.temperature", 1.0, 6.0), Vary("ladder.clashes.up.p", 0.0, 0.6)),
        samples=8,
        mode="simulate",
        runs=3000,
    )
    r = run_sweep(spec, workers=0)
    war = next(b for b in r.bands if b.id == "war")
    assert war.ranking[0].path == "ladder.clashes.up.p"
    assert war.ranking[0].effect > 0.05 and war.ranking[0].spearman > 0.8
    html_path = tmp_path / "sweep.html"
    from game.lab.sweep import write_html

    write_html(r, str(html_path))
    page = html_path.read_text(encoding="utf-8")
    assert page.count("<svg") == len(r.bands)
    assert "http://" not in page and "https://" not in page


def test_sweep_command_reports_bad_paths(tmp_path: Path, capsys) -> None:
    path = mini_with_bands(tmp_path)
    code = main(["sweep", str(path), "--vary", "actors.blue.nothing=1:2", "--workers", "0"])
    assert code == 2
    assert "no key 'nothing'" in capsys.readouterr().err


def test_lab_on_two_dask_workers_equals_one_process() -> None:
    from game.lab.games import play_games_on_cluster

    loaded = load_scenario(DATA / "mini.yaml")
    settings = AISettings(worlds=80, horizon=3)
    here = play_games(loaded, 7, 20, settings)
    seen: list[int] = []
    there = play_games_on_cluster(loaded, 7, 20, settings, workers=2, on_games=seen.append)
    assert [r.to_dict() for r in there] == [r.to_dict() for r in here]
    assert seen[-1] == 7 and seen == sorted(seen)


# --- branch shares, other seats, scores and the fixed-strategy table ------------------------------

BRANCH_BAND = """
    - id: probe_exposed
      name: Probe exposed
      statistic: branch_share
      branches: [blue.spy.exposed]
      band: [0.0, 1.0]
      references: [RC-OROURKE-2018]
"""


def _record(moves: list[dict[str, str]], branches: list[list[str]]) -> GameRecord:
    n = len(moves)
    return GameRecord(0, 0, None, n, moves, ["calm"] * n, [[]] * n, 0, branches)


def test_branch_share_counts_only_games_that_chose_the_option(tmp_path: Path) -> None:
    from game.lab.stats import band_results

    scn = load_scenario(mini_with_bands(tmp_path, extra=BRANCH_BAND)).scenario
    spy, wait = {"blue": "spy", "red": "wait"}, {"blue": "wait", "red": "wait"}
    records = [
        _record([spy, spy], [[], ["blue.spy.exposed"]]),  # tried, exposed
        _record([spy, wait], [[], []]),  # tried, not exposed
        _record([wait, spy], [[], []]),  # tried, not exposed
        _record([wait, wait], [[], []]),  # never tried: not in the share
    ]
    (band,) = [b for b in band_results(scn, records) if b.id == "probe_exposed"]
    assert band.value == pytest.approx(1 / 3)
    none = [_record([wait], [[]])]
    (band,) = [b for b in band_results(scn, none) if b.id == "probe_exposed"]
    assert band.value != band.value and not band.ok  # NaN: no campaign, cannot be judged


def test_a_band_naming_an_unknown_branch_is_an_error(tmp_path: Path) -> None:
    path = mini_with_bands(
        tmp_path, extra=BRANCH_BAND.replace("blue.spy.exposed", "blue.spy.expose")
    )
    loaded, found = check_file(path)
    problems = [str(p) for p in found]
    assert loaded is None
    assert any("blue.spy.expose'" in p and "blue.spy.exposed" in p for p in problems), problems


def test_lab_records_the_branches_the_engine_logged() -> None:
    loaded = load_scenario(DATA / "mini.yaml")
    records = play_games(loaded, 6, 3, seats={"blue": Seat.fixed("spy")})
    logged = []
    for r in records:
        s = Session.new(loaded, seed=r.seed, seats={"blue": Seat.fixed("spy")}, autosave=False)
        while not s.over:
            s.resolve()
        logged.append([t["result"]["branches"] for t in s.turn_log.turns])
    assert [r.branches for r in records] == logged
    assert any(b for r in records for b in r.branches)  # the probe was exposed sometimes


def test_lab_with_as_plays_the_autoplay_game_with_as(capsys) -> None:
    loaded = load_scenario(DATA / "mini.yaml")
    records = play_games(loaded, 3, 5, seats={"red": Seat.fixed("mobilise")})
    for r in records:
        s = Session.new(loaded, seed=r.seed, seats={"red": Seat.fixed("mobilise")}, autosave=False)
        while not s.over:
            s.resolve()
        assert r.moves == [{a: m.option for a, m in rep.moves.items()} for rep in s.history]
        assert (r.outcome, r.length) == (s.outcome, s.turn)
    avail_moves = {mv["red"] for r in records for mv in r.moves}
    assert avail_moves <= {"mobilise", "wait"}  # (wait: mobilise not available that turn)


def test_scores_apply_each_side_s_objectives_as_the_report_does(tmp_path: Path) -> None:
    from game.engine.saves import save_game
    from game.report.analysis import actual_utility
    from game.report.logdata import load

    loaded = load_scenario(DATA / "mini.yaml")
    (r,) = play_games(loaded, 1, 9)
    s = Session.new(loaded, seed=9, autosave=False)
    while not s.over:
        s.resolve()
    want = actual_utility(load(save_game(s, tmp_path / "g.json"), loaded))
    assert set(r.scores) == {"blue", "red"}
    assert r.scores == pytest.approx(want)


def test_lab_as_rejects_an_unknown_option(tmp_path: Path, capsys) -> None:
    path = mini_with_bands(tmp_path)
    assert main(["lab", str(path), "--games", "2", "--as", "red=nuke"]) == 2
    assert "nuke" in capsys.readouterr().err


def test_strategy_table_runs_every_option_against_the_computer(tmp_path: Path, capsys) -> None:
    path = mini_with_bands(tmp_path)
    argv = ["lab", str(path), "--games", "4", "--seed", "1", "--strategies", "red", "--json"]
    code = main(argv)
    out = json.loads(capsys.readouterr().out)
    rows = {r["strategy"]: r for r in out["rows"]}
    assert set(rows) == {"computer", "wait", "talk", "mobilise"}
    assert all(r["games"] == 4 and r["low"] <= r["mean"] <= r["high"] for r in rows.values())
    base = rows["computer"]
    beaten = [k for k, r in rows.items() if k != "computer" and r["low"] > base["high"]]
    assert out["beaten_by"] == beaten and code == (1 if beaten else 0)
    # the fixed lines are the --as runs on the same seeds
    loaded = load_scenario(path)
    records = play_games(loaded, 4, 1, seats={"red": Seat.fixed("talk")})
    mean = sum(r.scores["red"] for r in records) / 4
    assert rows["talk"]["mean"] == pytest.approx(mean)
