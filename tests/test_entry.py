"""The classroom's entry rules: team names, the PIN and its door, class codes, the timer."""

from __future__ import annotations

from game.engine import classcode
from game.engine.entry import (
    MAX_TEAM_NAME,
    MAX_TEAMS_PER_SIDE,
    PIN_LOCK_SECONDS,
    PIN_TRIES,
    TIMER_CHOICES,
    PinGuard,
    next_timer,
    parse_metric_value,
    parse_team_names,
    pin_problem,
    setup_problem,
    teams_for_code,
    teams_from_text,
)


def test_team_names_are_split_on_commas_and_trimmed() -> None:
    assert parse_team_names(" Red, Green ,, ") == ["Red", "Green"]
    assert parse_team_names("   ") == []
    assert teams_from_text({"blue": "Red, Green", "red": " , "}) == {"blue": ["Red", "Green"]}


def test_setup_problems_in_order() -> None:
    ok = {"blue": ["Red"], "red": ["Gold"]}
    assert setup_problem(ok, "2468", "") == ""
    assert "at least one team" in setup_problem({}, "2468", "")
    assert setup_problem({}, "2468", "MINI-0000") == ""  # joining with a code
    assert "same name" in setup_problem({"blue": ["Red"], "red": ["red"]}, "2468", "")
    many = {"blue": [f"T{i}" for i in range(MAX_TEAMS_PER_SIDE + 1)]}
    assert f"At most {MAX_TEAMS_PER_SIDE}" in setup_problem(many, "2468", "")
    long = {"blue": ["x" * (MAX_TEAM_NAME + 1)]}
    assert "at most 40 characters" in setup_problem(long, "2468", "")
    assert "PIN" in setup_problem(ok, "123", "")


def test_pin_rules() -> None:
    assert pin_problem("1234") == ""
    assert pin_problem("12345678") == ""
    for bad in ("", "123", "12a4", "123456789", " 1234"):
        assert "4 or more digits" in pin_problem(bad), bad


def test_pin_door_counts_wrong_tries_then_locks_then_opens_again() -> None:
    g = PinGuard()
    for k in range(1, PIN_TRIES):
        g, opened, msg = g.attempt(False, now=10.0)
        assert not opened and f"({PIN_TRIES - k} tr" in msg
    g, opened, msg = g.attempt(False, now=11.0)
    assert not opened and "locked for 30 s" in msg
    assert g.wait(11.0) == PIN_LOCK_SECONDS
    g2, opened, msg = g.attempt(True, now=20.0)  # even the right PIN waits
    assert not opened and msg == "Too many wrong tries: wait 21 s." and g2 == g
    g, opened, msg = g.attempt(True, now=11.0 + PIN_LOCK_SECONDS)
    assert opened and msg == "" and g == PinGuard()


def test_a_right_pin_resets_the_count() -> None:
    g, _, _ = PinGuard().attempt(False, 0.0)
    g, opened, _ = g.attempt(True, 1.0)
    assert opened and g.fails == 0
    g, _, msg = g.attempt(False, 2.0)
    assert f"({PIN_TRIES - 1} tries left)" in msg


def test_a_class_code_keeps_the_teams_of_its_peoples_sides_only() -> None:
    code = classcode.ClassCode("MINI", 7, 123, 60, 1.0, (1,))
    teams = {"blue": ["Red"], "red": ["Gold", "Green"]}
    assert teams_for_code(code, ["blue", "red"], teams) == {"red": ["Gold", "Green"]}
    assert teams_for_code(code, ["blue"], teams) == {}  # an index past the scenario's actors


def test_timer_choices_cycle_both_ways() -> None:
    assert next_timer(0) == TIMER_CHOICES[1]
    assert next_timer(TIMER_CHOICES[-1]) == 0
    assert next_timer(0, -1) == TIMER_CHOICES[-1]
    assert next_timer(45) == 0  # a timer set elsewhere: back to the first choice


def test_metric_values_typed_at_the_console() -> None:
    assert parse_metric_value(" 42.5 ") == 42.5
    assert parse_metric_value("-3") == -3.0
    assert parse_metric_value("") is None and parse_metric_value("-") is None
