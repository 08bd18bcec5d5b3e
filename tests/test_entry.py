"""The classroom's entry rules: team names, the PIN and its door, class codes, the timer."""

from __future__ import annotations

from game.engine import classcode
from game.engine.entry import (
    MAX_TEAM_NAME,
    MAX_TEAMS_PER_SIDE,
    TIMER_CHOICES,
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
