"""The classroom game through the real scenes, headless, driven by posted events only:
setup with teams, timer and PIN; hand-over screens; each team's fogged view; forecasts;
the timer running out; the teacher console behind F9 and the PIN; the end screen's
Brier scores; and the report made from the game's log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_report import SECTIONS_ONE, check_html

from game.cli import main
from game.engine import Session, load_game, save_game
from game.ui.pg import pygame

MINI = Path(__file__).parent / "data" / "mini.yaml"


# --- driving helpers -----------------------------------------------------------------------------


def type_text(d, text: str) -> None:
    for ch in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    d.frames(2)


def fill(d, entry, text: str) -> None:
    """Click a text box, clear it with Backspace, type ``text``."""
    d.click(entry.get_abs_rect().center)
    assert entry.is_focused
    for _ in range(len(entry.get_text()) + 2):
        d.key(pygame.K_BACKSPACE, frames=1)
    type_text(d, text)
    assert entry.get_text() == text


def classroom_setup(
    d,
    teams: dict[str, str],
    pin: str,
    timer_clicks: int = 0,
    code: str = "",
    lesson_clicks: int = 0,
):
    d.click_button("new_game")
    assert d.scene.name == "setup"
    while "Classroom" not in d.scene.button_named("side").text:
        d.click_button("side")
    d.click_button("continue")
    assert d.scene.name == "classroom_setup"
    for actor, names in teams.items():
        fill(d, d.scene.entries[f"team_{actor}"], names)
    for _ in range(timer_clicks):
        d.click_button("timer")
    for _ in range(lesson_clicks):
        d.click_button("lesson")
    if pin:
        fill(d, d.scene.entries["pin"], pin)
    if code:
        fill(d, d.scene.entries["class_code"], code)
    d.click_button("start")


def sit_down(d) -> list[str]:
    """At a hand-over: Enter, read last turn's resolution if shown (its labels are
    returned), and reach the team's room."""
    assert d.scene.name == "handover", d.scene.name
    d.key(pygame.K_RETURN)
    d.wait(lambda: d.scene.name in ("team_room", "resolution"), what="the team's screen")
    seen: list[str] = []
    if d.scene.name == "resolution":
        seen = d.scene.labels()
        d.key(pygame.K_RETURN)
    assert d.scene.name == "team_room"
    return seen


def choose_and_forecast(d, option: str, percents: list[str]) -> None:
    room = d.scene
    i = next(o.index for o in room.snap.options if o.id == option)
    d.key(pygame.K_1 + i)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "forecast"
    for k, pct in enumerate(percents):
        for ch in pct:
            d.key(getattr(pygame, f"K_{ch}"), unicode=ch)
        if k < len(percents) - 1:
            d.key(pygame.K_DOWN)
    d.key(pygame.K_RETURN)
    d.wait(lambda: d.scene.name != "team_room" and d.scene.name != "forecast", what="hand-over")


def open_console(d, pin: str) -> None:
    d.key(pygame.K_F9)
    assert d.scene.name == "pin"
    type_text(d, pin)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "console", d.scene.labels()


def console_inject(d, headline: str) -> None:
    fill(d, d.scene.entries["inject"], headline)
    d.click_button("send_inject")
    d.wait(lambda: d.scene.pending is None, what="the inject")
    assert "Inject sent" in d.scene.status, d.scene.status


# --- the whole classroom game ----------------------------------------------------------------


@pytest.mark.slow
def test_hot_seat_game_three_teams_two_actors_makes_a_report(ui_app, tmp_path) -> None:
    d = ui_app()
    classroom_setup(d, {"blue": "Red, Green", "red": "Gold"}, "2468", timer_clicks=1)
    assert d.scene.name == "class_code"
    g = d.app.game
    code = g.class_code
    assert code and code in d.scene.labels()
    assert g.session.classroom.timer == 60 and [t.name for t in g.teams] == ["Red", "Green", "Gold"]
    d.key(pygame.K_RETURN)
    plan = {"blue": ["talk", "spy", "wait", "talk"], "red": ["talk", "wait", "mobilise", "wait"]}
    names = {o.name for a in g.scenario.actors for o in a.options}
    while g.session.turn < 4:
        T = g.session.current_turn
        go = g.next_go
        handover = d.scene.labels()
        assert d.scene.name == "handover" and f"Team {go.team}" in handover
        assert not names & set(handover)  # nothing of the previous team's choice
        seen = sit_down(d)
        if T == 2 and go.actor == "blue":  # the first go after the timer ran out
            assert "Time ran out: Team Gold held course." in seen
        room = d.scene
        assert room.snap.actor == go.actor
        assert f"You: Team {go.team} ({g.names[go.actor]})" in room.labels()
        exact = {m.id: m.exact for m in room.snap.metrics}
        assert exact["resolve" if go.actor == "blue" else "intel"] is False  # fog of war
        if T == 1 and go.actor == "red":
            assert "1:00" in room.labels()
            d.app.tick(61.0)  # the room's clock runs out
            d.wait(lambda: d.scene.name == "handover", what="the next hand-over")
            assert any("Time ran out: Team Gold held course" in x for x in d.scene.labels())
            continue
        if T in (2, 3) and go.actor == "blue":
            open_console(d, "2468")
            console_inject(d, f"Control inject {T}: tanker seized")
            d.key(pygame.K_F9)  # closes the console
            assert d.scene.name == "team_room"
        if T == 2 and go.actor == "red":  # Esc in the forecast panel goes back: no commit
            d.key(pygame.K_1)
            d.key(pygame.K_RETURN)
            assert d.scene.name == "forecast"
            d.key(pygame.K_ESCAPE)
            assert d.scene.name == "team_room" and g.session.committed("red") is None
        choose_and_forecast(d, plan[go.actor][T - 1], ["20", "35", "5"])
    # the teacher ends the game from the console
    sit_down(d)
    open_console(d, "2468")
    d.click_button("end")
    d.click_button("end")  # "Confirm: end"
    d.wait(lambda: d.scene.name == "end", what="the end screen")
    labels = d.scene.labels()
    assert "Teams' forecasts: Brier score" in labels
    scores = {s.team: s for s in g.team_scores()}
    assert set(scores) == {"Red", "Green", "Gold"}
    assert all(s.brier is not None for s in scores.values())
    for s in scores.values():
        assert f"Team {s.team}: {s.brier:.3f}" in labels
    log = g.session.log
    assert log["settings"]["class_code"] == code
    kinds = [a["kind"] for t in log["turns"] for a in t["actions"]]
    assert kinds.count("add_inject") == 2 and kinds.count("timer_expired") == 1
    assert log["current"]["actions"][-1]["kind"] == "end_game"
    assert len([f for t in log["turns"] for f in t.get("forecasts", [])]) >= 6
    assert {t["by"]["blue"] for t in log["turns"]} == {"Red", "Green"}
    # the autosave is the log, and load_game re-plays every action in it
    path = g.session.autosave_path
    assert path is not None and path.exists()
    assert load_game(path, pin="2468").log["turns"] == log["turns"]  # sealed: the PIN opens it
    # the report (the teacher's PIN opens the sealed autosave)
    html_path = tmp_path / "class.html"
    args = ["report", str(path), "-o", str(html_path), "--worlds", "300", "--pin", "2468"]
    assert main(args) == 0
    html = html_path.read_text(encoding="utf-8")
    p = check_html(html)
    assert p.sections == SECTIONS_ONE
    assert code in html and "Control inject 2: tanker seized" in html
    assert "Timer ran out for Gold" in html and "Teacher ended the game" in html
    for s in scores.values():  # the report's Brier scores are the end screen's
        row = re.search(rf"<tr><td><strong>{s.team}</strong></td>.*?</tr>", html)
        assert row and f">{s.brier:.3f}<" in row.group(0), s.team
    assert "pbkdf2" not in html


# --- the PIN keeps students out of the console -----------------------------------------------


def _to_room(d, pin: str = "2468") -> None:
    classroom_setup(d, {"blue": "Red", "red": "Gold"}, pin, timer_clicks=2)
    d.key(pygame.K_RETURN)
    sit_down(d)


def test_a_student_cannot_open_the_console_without_the_pin(ui_app) -> None:
    d = ui_app()
    _to_room(d)
    g = d.app.game
    actions = ("pause", "reveal", "fire", "set_metric", "send_inject", "lock", "end")
    d.key(pygame.K_F9)
    assert d.scene.name == "pin"
    box = d.scene.entry_box
    assert box.is_focused
    type_text(d, "1357")
    assert box.get_text() == "1357"
    d.key(pygame.K_RETURN)
    assert d.scene.name == "pin" and "Wrong PIN" in d.scene.labels()[1]
    assert not any(s.name == "console" for s in d.app.stack)
    # nothing on screen reaches an action: Tab through every focusable, press each
    for _ in range(6):
        d.key(pygame.K_TAB, frames=1)
        assert d.scene.focused_name() in ("cancel", "open_console", None)
    assert all(d.scene.button_named(a) is None for a in actions)
    before = list(g.session.log["current"]["actions"])
    # Esc closes it; F9 again; two more wrong tries lock the PIN for 30 s
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "team_room"
    d.key(pygame.K_F9)
    for wrong in ("0000", "9999"):
        type_text(d, wrong)
        d.key(pygame.K_RETURN)
    assert d.scene.name == "pin" and any("locked" in x for x in d.scene.labels())
    type_text(d, "2468")  # the right PIN, but locked: refused
    d.key(pygame.K_RETURN)
    assert d.scene.name == "pin" and not d.scene.entry_box.is_enabled
    assert g.session.log["current"]["actions"] == before  # nothing reached the engine
    d.app.tick(31.0)  # 30 s later (the turn timer stands still meanwhile)
    d.frames(2)
    assert d.scene.entry_box.is_enabled and g.time_left() > 110
    type_text(d, "2468")
    d.key(pygame.K_RETURN)
    assert d.scene.name == "console"
    assert all(d.scene.button_named(a) is not None for a in actions)
    d.click_button("pause")
    d.wait(lambda: d.scene.pending is None)
    assert g.session.paused and "Resume" in d.scene.labels()
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "team_room" and "Paused by the teacher" in d.scene.labels()
    d.key(pygame.K_1)  # a paused room takes no choice
    assert d.scene.selected is None


def test_f9_does_nothing_in_a_game_against_the_computer(ui_app) -> None:
    d = ui_app()
    for _ in range(3):
        d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    d.key(pygame.K_F9)
    assert d.scene.name == "room"


@pytest.mark.slow
def test_console_lock_reveal_and_timer_controls(ui_app) -> None:
    d = ui_app()
    _to_room(d)
    g = d.app.game
    assert g.time_left() == 120
    d.key(pygame.K_2)  # Red selects "Offer talks" but has not committed
    open_console(d, "2468")
    d.click_button("extend30")
    d.wait(lambda: d.scene.pending is None)
    d.click_button("reveal")
    d.wait(lambda: d.scene.pending is None)
    assert g.session.revealed
    d.click_button("lock")  # the team at the keyboard: its selection is locked
    d.wait(lambda: d.scene.name != "console", what="the console to close")
    d.wait(lambda: d.scene.name == "handover")
    assert "The teacher locked Team Red's choice." in d.scene.labels()
    acts = g.session.log["current"]["actions"]
    assert [a["kind"] for a in acts if a["kind"] != "advice"] == [
        "extend_timer",
        "reveal",
        "lock",
    ]
    assert acts[-1]["option"] == "talk" and acts[-1]["team"] == "Red"
    sit_down(d)  # Gold: every value is exact after the reveal
    assert all(m.exact for m in d.scene.snap.metrics)
    open_console(d, "2468")
    d.click_button("timer_setting")  # 120 s -> 180 s, for the rest of the game
    d.wait(lambda: d.scene.pending is None)
    d.click_button("stop_timer")
    d.wait(lambda: d.scene.pending is None)
    d.key(pygame.K_F9)
    assert g.session.classroom.timer == 180 and g.time_left() is None
    assert "Timer stopped" in [x for x in d.scene.labels()] or g.time_left() is None


# --- duplicate mode --------------------------------------------------------------------------


@pytest.mark.slow
def test_joining_by_class_code_gives_the_same_game_and_the_report_compares(
    ui_app, tmp_path
) -> None:
    first = Session.new(
        MINI, seed=9090, teams={"blue": ["Hawks"]}, timer=60, pin="1111", autosave=False
    )
    code = first.classroom.class_code
    d = ui_app(seed=5)
    # the teacher's PIN is the same in both groups: one --pin opens both sealed saves
    classroom_setup(d, {"blue": "Doves"}, "1111", code=code.lower())
    assert d.scene.name == "class_code"
    g = d.app.game
    assert g.class_code == code and g.seed == 9090 and g.session.classroom.timer == 60
    d.key(pygame.K_RETURN)
    moves = ["talk", "spy"]
    for m in moves:
        sit_down(d)
        choose_and_forecast(d, m, ["15"])
    for m in moves:
        first.commit("blue", m)
        first.resolve()
    a, b = first.log["turns"], g.session.log["turns"]
    for ta, tb in zip(a, b[:2], strict=True):
        assert ta["moves"] == tb["moves"] and ta["result"] == tb["result"]
    # both groups' logs in one report: side by side
    la = save_game(first, tmp_path / "hawks.json")
    lb = save_game(g.session, tmp_path / "doves.json")
    out = tmp_path / "groups.html"
    assert main(["report", str(la), str(lb), "-o", str(out), "--worlds", "300"]) == 1
    assert not out.exists()  # sealed class games: no report without the teacher's PIN
    args = ["report", str(la), str(lb), "-o", str(out), "--worlds", "300", "--pin", "1111"]
    assert main(args) == 0
    html = out.read_text(encoding="utf-8")
    check_html(html)
    assert 'data-section="groups"' in html and "Hawks" in html and "Doves" in html


def test_bad_classroom_setups_say_what_is_wrong(ui_app) -> None:
    d = ui_app()
    classroom_setup(d, {"blue": "Red"}, "12")
    assert d.scene.name == "classroom_setup" and "PIN" in d.scene.message
    fill(d, d.scene.entries["pin"], "1234")
    fill(d, d.scene.entries["team_red"], "red")
    d.click_button("start")
    assert "same name" in d.scene.message
    fill(d, d.scene.entries["team_red"], "Gold")
    fill(d, d.scene.entries["class_code"], "MINI-0000-0000-0001")
    d.click_button("start")
    assert d.scene.name == "classroom_setup" and "typo" in d.scene.message


@pytest.mark.slow
def test_classroom_scenes_fit_every_window_size(ui_app) -> None:
    from test_ui_resize import _check_scene

    d = ui_app()
    seen = []

    def here() -> None:
        for size in ((800, 600), (1920, 1080), (1280, 720)):
            d.resize(size)
            _check_scene(d, size)
        seen.append(d.scene.name)

    classroom_setup(d, {"blue": "Red, Green", "red": "Gold"}, "")
    here()  # the setup, with its message
    fill(d, d.scene.entries["pin"], "2468")
    d.click_button("start")
    here()  # the class code
    d.key(pygame.K_RETURN)
    here()  # hand-over
    sit_down(d)
    here()  # the team's room
    d.key(pygame.K_2)
    d.key(pygame.K_RETURN)
    here()  # the forecast panel
    d.key(pygame.K_ESCAPE)
    d.key(pygame.K_F9)
    here()  # PIN
    type_text(d, "2468")
    d.key(pygame.K_RETURN)
    here()  # console
    assert seen == [
        "classroom_setup",
        "class_code",
        "handover",
        "team_room",
        "forecast",
        "pin",
        "console",
    ]


def test_a_classroom_game_continues_at_the_next_hand_over(ui_app) -> None:
    d = ui_app()
    classroom_setup(d, {"blue": "Red", "red": "Gold"}, "2468")
    d.key(pygame.K_RETURN)
    sit_down(d)
    choose_and_forecast(d, "talk", ["30"])
    assert d.scene.name == "handover" and "Team Gold" in d.scene.labels()
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    d.frames(1)
    d2 = ui_app()
    d2.click_button("continue")
    assert d2.scene.name == "pin"  # the class game's autosave is sealed: the PIN opens it
    type_text(d2, "2468")
    d2.key(pygame.K_RETURN)
    assert d2.scene.name == "handover" and "Team Gold" in d2.scene.labels()
    g = d2.app.game
    assert g.session.committed("blue") == "talk" and len(g.session.classroom.forecasts()) == 1
    sit_down(d2)
    assert d2.scene.snap.actor == "red"
    d2.key(pygame.K_F9)
    type_text(d2, "2468")  # the PIN survives the save
    d2.key(pygame.K_RETURN)
    assert d2.scene.name == "console"


def test_console_at_a_hand_over_pause_lock_and_resume(ui_app) -> None:
    d = ui_app()
    classroom_setup(d, {"blue": "Red", "red": "Gold"}, "2468")
    d.key(pygame.K_RETURN)
    sit_down(d)
    choose_and_forecast(d, "talk", ["30"])
    g = d.app.game
    open_console(d, "2468")  # at Gold's hand-over
    d.click_button("pause")
    d.wait(lambda: d.scene.pending is None)
    d.click_button("lock")  # Gold, the only team yet to choose: hold course
    d.wait(lambda: d.scene.pending is None)
    assert "Locked: Team Gold (Red)." in d.scene.labels()
    d.key(pygame.K_F9)
    assert d.scene.name == "handover" and g.next_go is None and g.session.turn == 0
    open_console(d, "2468")
    d.click_button("pause")  # now "Resume": the waiting turn resolves
    d.wait(lambda: d.scene.pending is None)
    d.key(pygame.K_F9)
    d.frames(2)
    assert g.session.turn == 1 and "Turn 1 has been resolved." in d.scene.labels()
    assert g.session.log["turns"][0]["moves"]["red"] == "wait"
    sit_down(d)
    assert "The teacher locked Team Gold's choice." in g.full_resolutions[0].notes


def test_the_worker_publishes_a_new_frozen_state_and_never_changes_a_held_one(ui_app) -> None:
    import dataclasses

    import pytest

    d = ui_app()
    classroom_setup(d, {"blue": "Red", "red": "Gold"}, "2468", timer_clicks=1)
    d.key(pygame.K_RETURN)
    g = d.app.game
    before = g.state
    seen = dataclasses.astuple(before)
    with pytest.raises(dataclasses.FrozenInstanceError):
        before.paused = True  # type: ignore[misc]
    sit_down(d)  # the worker seats Team Red
    after = g.state
    assert after is not before and dataclasses.astuple(before) == seen
    assert before.go is None and after.go is not None and after.go.team == "Red"
    assert after.clock != before.clock  # Red's countdown starts from its full time
    assert g.time_left() == pytest.approx(after.limit, abs=1.0)
    open_console(d, "2468")
    held = g.state
    d.click_button("pause")
    d.wait(lambda: d.scene.pending is None, what="the pause")
    assert g.state.paused and not held.paused and g.paused


def test_the_setup_says_no_timer_rather_than_off_per_team(ui_app, monkeypatch) -> None:
    """With the turn timer off the note reads "No timer: ...", not "Timer: Off per team"."""
    from game.ui.text import Text

    d = ui_app()
    d.click_button("new_game")
    while "Classroom" not in d.scene.button_named("side").text:
        d.click_button("side")
    d.click_button("continue")
    for _ in range(8):
        if not d.scene.timer:
            break
        d.click_button("timer")
    assert d.scene.timer == 0
    wrapped: list[str] = []
    real = Text.wrap

    def wrap(self, text, *args, **kwargs):
        wrapped.append(text)
        return real(self, text, *args, **kwargs)

    monkeypatch.setattr(Text, "wrap", wrap)
    d.frames(2)
    assert any(w.startswith("No timer: ") for w in wrapped), wrapped
    assert not any("Off per team" in w for w in wrapped)
