"""A lesson length through the real scenes: chosen in the classroom setup, changed at the
console, and a neutral "time's up" end screen that scores no ending."""

from __future__ import annotations

from test_classroom_ui import classroom_setup, fill, open_console, sit_down

from game.ui.pg import pygame


def test_lesson_length_in_the_setup_and_the_console_ends_with_times_up(ui_app) -> None:
    d = ui_app()
    d.click_button("new_game")
    while "Classroom" not in d.scene.button_named("side").text:
        d.click_button("side")
    d.click_button("continue")
    assert "Lesson length" in d.scene.labels()
    assert "scenario's end" in d.scene.button_named("lesson").text
    d.app.pop()
    d.frames(2)
    d.app.pop()
    d.frames(2)
    classroom_setup(d, {"blue": "Red", "red": "Gold"}, "2468", lesson_clicks=1)
    g = d.app.game
    assert g.session.classroom.lesson_turns == 6
    d.key(pygame.K_RETURN)
    sit_down(d)
    open_console(d, "2468")
    assert "6 turns" in d.scene.button_named("lesson_setting").text
    d.click_button("lesson_setting")  # 6 -> 8 turns
    d.wait(lambda: d.scene.pending is None)
    assert g.session.classroom.lesson_turns == 8
    assert "8 turns" in d.scene.button_named("lesson_setting").text
    d.click_button("times_up")
    d.wait(lambda: d.scene.name == "end", what="the end screen")
    s = g.session
    assert s.times_up and not s.over and s.outcome is None
    labels = d.scene.labels()
    assert labels[0] == "Time's up"
    kinds = [a["kind"] for a in s.log["current"]["actions"] if a["kind"] != "advice"]
    assert kinds == ["set_lesson_length", "times_up"]


def test_blind_forecasting_hides_the_odds_until_the_forecast_is_in(ui_app) -> None:
    d = ui_app()
    d.click_button("new_game")
    while "Classroom" not in d.scene.button_named("side").text:
        d.click_button("side")
    d.click_button("continue")
    d.click_button("blind")
    assert "On" in d.scene.button_named("blind").text
    fill(d, d.scene.entries["team_blue"], "Red")
    fill(d, d.scene.entries["team_red"], "Gold")
    fill(d, d.scene.entries["pin"], "2468")
    d.click_button("start")
    g = d.app.game
    assert g.session.classroom.blind_forecasts
    assert g.session.log["settings"]["blind_forecasts"] is True
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)  # the hand-over: Red sits down
    # the forecast comes first, before any odds are on screen
    d.wait(lambda: d.scene.name == "forecast", what="the blind forecast")
    assert d.scene.labels()[0] == "Before you see the odds: your forecast"
    room = d.app.stack[-2]
    assert room.view().blind
    for ch in "30":
        d.key(getattr(pygame, f"K_{ch}"), unicode=ch)
    d.key(pygame.K_RETURN)
    d.wait(lambda: d.scene.name == "team_room" and not d.scene.view().blind, what="the odds")
    forecasts = g.session.classroom.pending
    assert [f["team"] for f in forecasts] == ["Red"]
    # committing now asks for no second forecast
    d.key(pygame.K_1)
    d.key(pygame.K_RETURN)
    d.wait(lambda: d.scene.name == "handover", what="the next hand-over")
    assert g.session.committed("blue") is not None
    assert len(g.session.classroom.pending) == 1
