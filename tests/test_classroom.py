"""Classroom engine: teams taking turns, student forecasts, the turn timer, the teacher's
console actions (each in the log and re-played by ``load_game``), the PIN, and class codes
for duplicate mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.engine import AISettings, ClassCodeError, EngineError, Seat, Session, Team
from game.engine import classcode as cc_mod
from game.engine.saves import load_game, save_game
from game.report import scoring

MINI = Path(__file__).parent / "data" / "mini.yaml"
TEAMS = {"blue": ["Red", "Green"], "red": ["Gold"]}


def new(**kw) -> Session:
    kw.setdefault("seed", 11)
    kw.setdefault("teams", TEAMS)
    return Session.new(MINI, autosave=False, **kw)


def reload(s: Session, tmp_path: Path, name: str = "s.json") -> Session:
    """Save, then load (load_game re-plays the whole log and compares it)."""
    path = save_game(s, tmp_path / name)
    s2 = load_game(path, pin=s.seal_key)  # a class game with a PIN saves sealed
    assert s2.log["turns"] == s.log["turns"]
    assert s2.log["current"] == s.log["current"]
    return s2


# --- teams ---------------------------------------------------------------------------------------


def test_three_teams_on_two_actors_take_turns_and_the_log_says_who_decided(tmp_path) -> None:
    s = new()
    assert s.classroom and [t.name for t in s.teams] == ["Red", "Green", "Gold"]
    assert s.seats["blue"].kind == "team" and s.seats["red"].kind == "team"
    deciders = []
    for _ in range(4):
        deciders.append(s.classroom.goes())
        for _team, actor in s.classroom.goes():
            s.commit(actor, "wait")
        s.resolve()
    assert deciders == [
        [("Red", "blue"), ("Gold", "red")],
        [("Green", "blue"), ("Gold", "red")],
        [("Red", "blue"), ("Gold", "red")],
        [("Green", "blue"), ("Gold", "red")],
    ]
    log = s.log
    assert log["teams"] == [
        {"name": "Red", "actor": "blue"},
        {"name": "Green", "actor": "blue"},
        {"name": "Gold", "actor": "red"},
    ]
    assert [t["by"] for t in log["turns"]] == [
        {"blue": "Red", "red": "Gold"},
        {"blue": "Green", "red": "Gold"},
        {"blue": "Red", "red": "Gold"},
        {"blue": "Green", "red": "Gold"},
    ]
    assert log["settings"]["timer"] == 0
    s2 = reload(s, tmp_path)
    assert [s2.classroom.team_for("blue", t) for t in (1, 2, 3)] == ["Red", "Green", "Red"]


def test_team_rosters_are_checked() -> None:
    with pytest.raises(ValueError, match="two teams are called"):
        new(teams={"blue": ["Red"], "red": ["red"]})
    with pytest.raises(ValueError, match="unknown actor"):
        new(teams={"green": ["Red"]})
    with pytest.raises(ValueError, match="seat is computer"):
        new(teams={"blue": ["Red"]}, seats={"blue": Seat.ai()})
    with pytest.raises(ValueError, match="needs a name"):
        Team("  ", "blue")
    with pytest.raises(ValueError, match="need teams"):
        Session.new(MINI, seed=1, autosave=False, timer=60)


def test_a_plain_game_has_no_classroom_fields() -> None:
    s = Session.new(MINI, seed=3, seats={"blue": "human"}, autosave=False)
    s.commit("blue", "talk")
    s.resolve()
    log = s.log
    assert "teams" not in log and "settings" not in log
    assert "by" not in log["turns"][0] and "forecasts" not in log["turns"][0]


# --- forecasts -----------------------------------------------------------------------------------


def test_forecasts_are_validated_logged_and_replayed(tmp_path) -> None:
    s = new()
    assert s.classroom.forecast_outcomes() == ["war", "deal", "red_folds"]  # not the turn-limit one
    with pytest.raises(ValueError, match="at most 1"):
        s.classroom.submit_forecast("Red", {"war": 0.6, "deal": 0.5})
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        s.classroom.submit_forecast("Red", {"war": -0.1})
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        s.classroom.submit_forecast("Red", {"war": 1.5})
    with pytest.raises(ValueError, match="must be a number"):
        s.classroom.submit_forecast("Red", {"war": float("nan")})
    with pytest.raises(ValueError, match="unknown outcome"):
        s.classroom.submit_forecast("Red", {"peace": 0.1})
    with pytest.raises(ValueError, match="unknown team"):
        s.classroom.submit_forecast("Purple", {"war": 0.1})
    with pytest.raises(ValueError, match="window"):
        s.classroom.submit_forecast("Red", {"war": 0.1}, within=0)
    s.classroom.submit_forecast("Red", {"war": 0.5})
    s.classroom.submit_forecast("Red", {"deal": 0.3, "war": 0.2})  # replaces the first
    s.commit("blue", "talk")
    with pytest.raises(EngineError, match="before committing"):
        s.classroom.submit_forecast("Red", {"war": 0.1})
    s.classroom.submit_forecast("Gold", {"war": 0.1, "deal": 0.4, "red_folds": 0.5}, within=2)
    assert s.log["current"]["forecasts"] == [
        {
            "turn": 1,
            "team": "Red",
            "actor": "blue",
            "within": 4,
            "probs": {"war": 0.2, "deal": 0.3},
        },
        {
            "turn": 1,
            "team": "Gold",
            "actor": "red",
            "within": 2,
            "probs": {"war": 0.1, "deal": 0.4, "red_folds": 0.5},
        },
    ]
    s2 = reload(s, tmp_path, "mid.json")  # mid-turn: the forecasts re-play too
    assert s2.classroom.forecasts() == s.classroom.forecasts()
    s.commit("red", "wait")
    s.resolve()
    assert len(s.log["turns"][0]["forecasts"]) == 2
    assert "forecasts" not in s.log["current"]
    assert reload(s, tmp_path).classroom.forecasts() == s.classroom.forecasts()


def test_brier_scores_by_hand() -> None:
    # categories war, deal, none (= 0.5): deal happened
    assert scoring.brier({"war": 0.2, "deal": 0.3}, "deal") == pytest.approx(
        0.2**2 + 0.7**2 + 0.5**2
    )
    # nothing named happened: "none" is the hit
    assert scoring.brier({"war": 0.1}, "none") == pytest.approx(0.1**2 + 0.1**2)
    assert scoring.brier({"war": 1.0}, "deal") == pytest.approx(2.0)


# --- the timer -----------------------------------------------------------------------------------


def test_timer_runs_out_commits_hold_course_and_locks(tmp_path) -> None:
    s = new(timer=90)
    assert s.classroom.timer_for("blue") == 90 and s.log["settings"]["timer"] == 90
    s.commit("blue", "talk")
    assert s.classroom.timer_expired("red") == "wait"
    assert s.committed("red") == "wait" and s.classroom.locked("red")
    with pytest.raises(EngineError, match="locked"):
        s.commit("red", "talk")
    s.commit("red", "wait")  # the same choice again is fine
    with pytest.raises(EngineError, match="already locked"):
        s.classroom.timer_expired("red")
    s.resolve()
    acts = s.log["turns"][0]["actions"]
    assert {
        "kind": "timer_expired",
        "turn": 1,
        "actor": "red",
        "team": "Gold",
        "option": "wait",
    } in acts
    assert not s.classroom.locked("red")  # a new turn
    reload(s, tmp_path)


def test_timer_controls(tmp_path) -> None:
    s = new(timer=60)
    s.classroom.extend_timer(30, "blue")
    s.classroom.extend_timer(15)
    assert s.classroom.timer_for("blue") == 105 and s.classroom.timer_for("red") == 75
    s.classroom.stop_timer("red")
    assert s.classroom.timer_for("red") is None and s.classroom.timer_for("blue") == 105
    s.classroom.set_timer(120)
    assert (
        s.classroom.timer == 120 and s.classroom.timer_for("red") == 120
    )  # a new setting starts again
    with pytest.raises(ValueError):
        s.classroom.set_timer(-5)
    with pytest.raises(ValueError):
        s.classroom.extend_timer(0)
    s.classroom.set_timer(0)
    assert s.classroom.timer_for("blue") is None
    kinds = [a["kind"] for a in s.log["current"]["actions"]]
    assert kinds == ["extend_timer", "extend_timer", "stop_timer", "set_timer", "set_timer"]
    s2 = reload(s, tmp_path)
    assert s2.classroom.timer == 0 and s2.log["settings"]["timer"] == 60


# --- the console ---------------------------------------------------------------------------------


def test_every_console_action_is_logged_and_replayed(tmp_path) -> None:
    s = new(timer=60, pin="2468")
    s.console.pause()
    with pytest.raises(EngineError, match="paused"):
        s.resolve()
    s.console.resume()
    s.console.add_inject("Tanker seized off the coast", "control team")
    s.console.fire_event("incident")
    s.console.set_metric("tension", 55.0)
    s.classroom.lock("blue", "talk")
    s.classroom.timer_expired("red")
    s.resolve()
    s.console.reveal()
    s.console.add_inject("Regional summit called")
    s.classroom.lock("red")  # nothing chosen: hold course
    assert s.committed("red") == "wait"
    s.classroom.extend_timer(30, "blue")
    s.classroom.stop_timer()
    s.classroom.set_timer(120)
    s.classroom.submit_forecast("Green", {"war": 0.3, "deal": 0.2})
    s2 = reload(s, tmp_path, "mid.json")
    assert s2.revealed and s2.classroom.locked("red") and s2.classroom.timer == 120
    s.console.end_game("deal")
    assert s.over and s.outcome == "deal"
    with pytest.raises(EngineError, match="over"):
        s.console.fire_event("incident")
    s3 = reload(s, tmp_path, "ended.json")
    assert s3.over and s3.outcome == "deal" and s3.log["summary"]["outcome"] == "deal"
    kinds = [a["kind"] for t in s3.log["turns"] for a in t["actions"]]
    kinds += [a["kind"] for a in s3.log["current"]["actions"]]
    for kind in (
        "pause",
        "resume",
        "add_inject",
        "fire_event",
        "set_metric",
        "lock",
        "timer_expired",
        "reveal",
        "extend_timer",
        "stop_timer",
        "set_timer",
        "end_game",
    ):
        assert kind in kinds, kind


def test_reveal_shows_true_values_to_everyone() -> None:
    s = new()
    fogged = [m for m in s.view("blue").metrics if not m.exact]
    assert fogged, "the mini scenario hides Red's resolve from Blue"
    s.console.reveal()
    v = s.view("blue")
    assert v.revealed and all(m.exact for m in v.metrics)
    true = dict(zip(s.c.metric_ids, s.state.x[0], strict=True))
    assert all(m.value == pytest.approx(true[m.id]) for m in v.metrics)
    assert s.log["current"]["actions"][-1]["kind"] == "reveal"
    s.commit("blue", "talk")
    s.commit("red", "wait")
    s.resolve()
    assert s.log["turns"][0]["shown"]["blue"]["estimates"] == {}


def test_end_game_defaults_to_the_turn_limit_outcome() -> None:
    s = new()
    s.console.end_game()
    assert s.outcome == "standoff"
    assert s.log["current"]["actions"][-1] == {"kind": "end_game", "turn": 1, "outcome": "standoff"}
    with pytest.raises(ValueError, match="unknown outcome"):
        new().console.end_game("peace")


def test_lock_is_only_for_people() -> None:
    s = Session.new(MINI, seed=1, teams={"blue": ["Red"]}, autosave=False)
    with pytest.raises(ValueError, match="computer"):
        s.classroom.lock("red")


# --- the PIN -------------------------------------------------------------------------------------


def test_the_pin_is_kept_only_as_a_salted_hash() -> None:
    s = new(pin="80417")
    rec = s.log["settings"]["pin"]
    assert set(rec) == {"salt", "iterations", "pbkdf2_sha256"}
    assert "80417" not in json.dumps({k: v for k, v in rec.items() if k != "salt"})
    assert (
        s.classroom.check_pin("80417")
        and not s.classroom.check_pin("80418")
        and not s.classroom.check_pin("")
    )
    with pytest.raises(ValueError, match="4 or more digits"):
        new(pin="123")
    with pytest.raises(ValueError, match="4 or more digits"):
        new(pin="12a4")


# --- class codes ---------------------------------------------------------------------------------


def test_class_code_round_trip_and_typos() -> None:
    code = cc_mod.make("venezuela-2025", "ab" * 32, 2025, 120, 2.0, [0, 1])
    text = code.text
    assert text.startswith("VEN25-") and all(len(g) == 4 for g in text.split("-")[1:])
    assert cc_mod.decode(text) == code
    assert cc_mod.decode(f"  {text.lower()} ") == code  # case and spaces forgiven
    assert cc_mod.decode(text.replace("0", "O")) == code  # O for 0
    assert cc_mod.prefix_for("mini") == "MINI"
    # every single mistyped character is caught
    body = text.split("-", 1)[1]
    for i, ch in enumerate(body):
        if ch == "-":
            continue
        for other in cc_mod.ALPHABET:
            if other == ch:
                continue
            bad = text.split("-", 1)[0] + "-" + body[:i] + other + body[i + 1 :]
            with pytest.raises(ClassCodeError):
                cc_mod.decode(bad)
    with pytest.raises(ClassCodeError, match="looks like"):
        cc_mod.decode("VEN25")
    with pytest.raises(ClassCodeError, match="U"):
        cc_mod.decode(text[:-1] + "U")
    with pytest.raises(ClassCodeError, match="timer"):
        cc_mod.make("mini", "ab" * 32, 1, 61, 1.0, [0])
    with pytest.raises(ClassCodeError, match="difficulty"):
        cc_mod.make("mini", "ab" * 32, 1, 60, 1.3, [0])


def test_same_class_code_same_moves_same_turns(tmp_path) -> None:
    a = new(
        seed=424242,
        timer=120,
        ai=AISettings(temperature_scale=0.5),
        pin="1234",
        teams={"blue": ["Hawks"]},
    )
    code = a.classroom.class_code
    assert code is not None and code.startswith("MINI-")
    b = Session.from_class_code(
        code, MINI, teams={"blue": ["Doves", "Owls"]}, pin="9999", autosave=False
    )
    assert (b.seed, b.classroom.timer, b.ai_settings, b.classroom.class_code) == (
        a.seed,
        120,
        a.ai_settings,
        code,
    )
    assert b.seats["red"].kind == "ai"
    for s in (a, b):
        for move in ("talk", "spy", "wait"):
            s.commit("blue", move)
            s.resolve()
    for ta, tb in zip(a.log["turns"], b.log["turns"], strict=True):
        assert ta["moves"] == tb["moves"]  # the computer's moves too
        assert ta["result"] == tb["result"]
    # the default roster: one team per side the code gives to people
    c = Session.from_class_code(code.lower(), MINI, autosave=False)
    assert [(t.name, t.actor) for t in c.teams] == [("Team Blue", "blue")]
    with pytest.raises(ClassCodeError, match="exactly those sides"):
        Session.from_class_code(code, MINI, teams={"red": ["X"]}, autosave=False)
    with pytest.raises(ClassCodeError, match="no scenario on this machine"):
        Session.from_class_code(code, autosave=False)  # mini is not a shipped scenario
    with pytest.raises(ClassCodeError, match="typo"):
        Session.from_class_code(code[:-1] + ("0" if code[-1] != "0" else "1"), MINI)
    other = tmp_path / "mini2.yaml"
    other.write_text(MINI.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    for sheet in MINI.parent.glob("mini-facts*"):
        (tmp_path / sheet.name).write_bytes(sheet.read_bytes())
    with pytest.raises(ClassCodeError, match="another version"):
        Session.from_class_code(code, other, autosave=False)


def test_custom_ai_settings_have_no_class_code() -> None:
    s = new(ai=AISettings(worlds=50))
    assert s.classroom.class_code is None and s.log["settings"]["class_code"] is None


def test_end_screen_brier_scores_by_hand() -> None:
    from game.ui.hotseat import HotSeat

    s = new(seed=5)
    s.classroom.submit_forecast("Red", {"war": 0.2, "deal": 0.3})  # none = 0.5
    s.classroom.submit_forecast("Gold", {"war": 0.1, "deal": 0.8, "red_folds": 0.1})  # none = 0
    s.commit("blue", "wait")
    s.commit("red", "wait")
    s.resolve()
    s.classroom.submit_forecast("Green", {"deal": 1.0}, within=1)
    s.console.end_game("deal")  # in turn 2: inside every window
    g = HotSeat(s, s.loaded)
    try:
        got = {x.team: x for x in g.team_scores()}
    finally:
        g.close(autosave=False)
    assert got["Red"].brier == pytest.approx(0.2**2 + 0.7**2 + 0.5**2)  # 0.78
    assert got["Gold"].brier == pytest.approx(0.1**2 + 0.2**2 + 0.1**2)  # 0.06
    assert got["Green"].brier == pytest.approx(0.0)
    assert (got["Red"].forecasts, got["Red"].scored) == (1, 1)


def test_difficulty_is_an_ai_setting_not_an_edited_scenario(data_dir) -> None:
    from game.scenario import load_scenario
    from game.ui.backend import Game

    g = Game.new(MINI, seed=4, actor="blue", temperature=2.0)
    try:
        assert g.session.ai_settings.temperature_scale == 2.0
        assert g.log["ai"]["temperature_scale"] == 2.0
        plain = load_scenario(MINI)
        assert g.loaded.sha256 == plain.sha256
        assert [a.ai.temperature for a in g.scenario.actors] == [
            a.ai.temperature for a in plain.scenario.actors
        ]
    finally:
        g.close(autosave=False)
