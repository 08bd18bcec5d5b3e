"""The classroom server without a browser (Starlette's test client): joining, moves,
votes, the clock, the teacher's controls, bad input, fog and the persistent PIN lockout."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the test client's note about its HTTP library
    from starlette.testclient import TestClient

from game.serve.app import MAX_BODY, Server, create_app
from game.serve.lesson import Lesson, ServeError, parse_forecast

SCENARIO = Path(__file__).parent / "data" / "mini.yaml"
PIN = "4321"


def _lesson(tmp_path: Path, **kw: Any) -> Lesson:
    kw.setdefault("seed", 5)
    return Lesson.create(SCENARIO, tmp_path / "lesson", pin=PIN, **kw)


@pytest.fixture
def lesson(tmp_path: Path) -> Lesson:
    return _lesson(tmp_path, groups=2)


def _client(lesson: Lesson) -> TestClient:
    return TestClient(create_app(Server(lesson, "http://room/")))


@pytest.fixture
def client(lesson: Lesson) -> Iterator[TestClient]:
    with _client(lesson) as c:
        yield c


def _join(c: TestClient, lesson: Lesson, team: str, group: int = 1) -> None:
    r = c.post(
        "/join",
        data={"code": lesson.join_code, "group": str(group), "team": team},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def _teacher(c: TestClient) -> None:
    r = c.post("/teacher/login", data={"pin": PIN}, follow_redirects=False)
    assert r.status_code == 303, r.text


def _log(lesson: Lesson, group: int = 1) -> dict[str, Any]:
    """The game's log, less the advisors' consultations (showing a page asks them)."""
    log = lesson.groups[group - 1].session.log
    cur = log["current"]
    cur["actions"] = [a for a in cur["actions"] if a["kind"] != "advice"]
    return log


# --- joining -------------------------------------------------------------------------------------


def test_join_lists_the_teams_then_the_device_keeps_its_team(
    client: TestClient, lesson: Lesson
) -> None:
    r = client.post("/join", data={"code": lesson.join_code.lower()})
    assert r.status_code == 200
    assert re.findall(r'name="team" value="([^"]+)"', r.text) == ["Blue", "Red"] * 2
    _join(client, lesson, "Red", group=2)
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/team"
    page = client.get("/team").text
    assert "Red" in page and "Group 2" in page
    meta = json.loads((lesson.directory / "lesson.json").read_text())
    token = client.cookies.get("brink_device")
    assert token and token not in json.dumps(meta)  # only its hash is kept


def test_wrong_join_codes_are_refused_then_rate_limited(client: TestClient, lesson: Lesson) -> None:
    for _ in range(8):
        r = client.post("/join", data={"code": "ABCD-EFGH"})
        assert r.status_code == 403 and "not this lesson's join code" in unescape(r.text)
    r = client.post("/join", data={"code": lesson.join_code})
    assert r.status_code == 429 and "too many wrong codes" in unescape(r.text)
    assert not lesson.tokens


def test_joining_a_team_that_does_not_exist_changes_nothing(
    client: TestClient, lesson: Lesson
) -> None:
    r = client.post("/join", data={"code": lesson.join_code, "group": "1", "team": "Green"})
    assert r.status_code == 400 and "no team" in unescape(r.text)
    r = client.post("/join", data={"code": lesson.join_code, "group": "9", "team": "Blue"})
    assert r.status_code == 400 and "no group 9" in unescape(r.text)
    assert not lesson.tokens


def test_a_forged_device_cookie_is_not_a_team(client: TestClient, lesson: Lesson) -> None:
    client.cookies.set("brink_device", "x" * 43)
    before = _log(lesson)
    r = client.post("/team/commit", data={"option": "wait"})
    assert r.status_code == 401 and "Join your team first" in unescape(r.text)
    assert _log(lesson) == before


# --- moves ---------------------------------------------------------------------------------------


def test_a_double_commit_counts_once_and_a_change_is_refused(
    client: TestClient, lesson: Lesson
) -> None:
    _join(client, lesson, "Blue")
    r = client.post("/team/commit", data={"option": "talk"}, follow_redirects=False)
    assert r.status_code == 303
    log = _log(lesson)
    r = client.post("/team/commit", data={"option": "talk"}, follow_redirects=False)
    assert r.status_code == 303
    assert _log(lesson) == log
    r = client.post("/team/commit", data={"option": "wait"})
    assert r.status_code == 409 and "already chosen" in unescape(r.text)
    assert _log(lesson)["current"]["commits"] == {"blue": "talk"}


def test_a_team_cannot_choose_another_sides_option_or_an_unknown_one(
    client: TestClient, lesson: Lesson
) -> None:
    _join(client, lesson, "Blue")
    before = _log(lesson)
    for bad in ("mobilise", "nonsense", "", "<b>x</b>" * 20):
        r = client.post("/team/commit", data={"option": bad})
        assert r.status_code == 400 and "unknown option" in unescape(r.text), bad
        assert "<b>x</b>" not in r.text  # escaped
    r = client.post("/team/commit", data={"option": "strike"})  # not available at Calm
    assert r.status_code == 409
    assert _log(lesson) == before


def test_a_team_acts_only_in_its_own_group(client: TestClient, lesson: Lesson) -> None:
    _join(client, lesson, "Blue", group=2)
    client.post("/team/commit", data={"option": "talk"})
    assert _log(lesson, 2)["current"]["commits"] == {"blue": "talk"}
    assert _log(lesson, 1)["current"]["commits"] == {}


def test_both_sides_choose_and_the_turn_resolves(client: TestClient, lesson: Lesson) -> None:
    with _client(lesson) as red:
        _join(client, lesson, "Blue")
        _join(red, lesson, "Red")
        client.post("/team/commit", data={"option": "talk"})
        red.post("/team/commit", data={"option": "talk"})
    s = lesson.groups[0].session
    assert s.turn == 1 and s.log["turns"][0]["moves"] == {"blue": "talk", "red": "talk"}
    saved = json.loads(lesson.groups[0].path.read_text())
    assert len(saved["log"]["turns"]) == 1  # saved as it happened
    assert "Turn 2 of" in client.get("/team").text


def test_take_turns_only_the_deciding_team_commits(tmp_path: Path) -> None:
    lesson = _lesson(tmp_path, teams_per_side=2)
    with _client(lesson) as one, _client(lesson) as two:
        _join(one, lesson, "Blue 1")
        _join(two, lesson, "Blue 2")
        r = two.post("/team/commit", data={"option": "talk"})
        assert r.status_code == 403 and "Blue 1 decides" in unescape(r.text)
        assert lesson.groups[0].session.commits == {}
        assert one.post("/team/commit", data={"option": "talk"}).status_code == 200


def test_vote_the_most_votes_win_and_a_tie_goes_to_the_first_vote(tmp_path: Path) -> None:
    lesson = _lesson(tmp_path, teams_per_side=3, mode="vote")
    g = lesson.groups[0]
    lesson.commit(g, "Blue 1", "talk")
    lesson.commit(g, "Blue 2", "spy")
    assert g.session.committed("blue") is None
    lesson.commit(g, "Blue 3", "spy")
    assert g.session.committed("blue") == "spy"
    lesson.commit(g, "Red 1", "wait")
    lesson.commit(g, "Red 2", "talk")
    lesson.commit(g, "Red 3", "mobilise")
    assert g.session.turn == 1
    assert g.session.log["turns"][0]["moves"] == {"blue": "spy", "red": "wait"}
    assert g.votes == {}


def test_forecasts_come_before_the_choice_and_blind_hides_the_odds(tmp_path: Path) -> None:
    lesson = _lesson(tmp_path, blind=True)
    g = lesson.groups[0]
    ctx = lesson.team_context(g, "Blue")
    assert all(o["odds"] is None for o in ctx["options"])
    assert all(a["reason"] == "" for a in ctx["advice"])
    lesson.forecast(g, "Blue", {"war": 0.1, "deal": 0.3})
    ctx = lesson.team_context(g, "Blue")
    assert any(o["odds"] is not None for o in ctx["options"])
    lesson.commit(g, "Blue", "talk")
    with pytest.raises(ServeError, match="forecasts come before"):
        lesson.forecast(g, "Blue", {"war": 0.2})


def test_the_forecast_form_is_checked() -> None:
    outcomes = ["war", "deal"]
    assert parse_forecast({"p_war": "20", "p_deal": ""}, outcomes) == {"war": 0.2}
    for bad in (
        {"p_war": "abc"},
        {"p_war": "120"},
        {"p_war": "nan"},
        {"p_war": "60", "p_deal": "60"},
        {},
    ):
        with pytest.raises(ServeError):
            parse_forecast(bad, outcomes)


# --- bad input -----------------------------------------------------------------------------------


def test_huge_and_malformed_posts_get_a_clear_error(client: TestClient, lesson: Lesson) -> None:
    _join(client, lesson, "Blue")
    before = _log(lesson)
    r = client.post(
        "/team/commit",
        content=b"option=" + b"a" * (MAX_BODY + 10),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413 and "too big" in unescape(r.text)
    r = client.post(
        "/team/commit",
        content=b"\xff\xfe=\xff",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400 and "malformed" in unescape(r.text)
    r = client.post("/team/teleport", data={"x": "1"})
    assert r.status_code == 404
    assert _log(lesson) == before


def _next(ws: Any, kind: str) -> dict[str, Any]:
    """The next message of ``kind`` (a page pushed on connecting may come first)."""
    while True:
        msg = json.loads(ws.receive_text())
        if msg["type"] == kind:
            return msg


def test_the_socket_answers_pings_refuses_the_rest_and_closes_on_huge_messages(
    client: TestClient, lesson: Lesson
) -> None:
    _join(client, lesson, "Blue")
    with client.websocket_connect("/ws?role=team") as ws:
        ws.send_text('{"type": "ping"}')
        assert _next(ws, "pong")["version"] == lesson.version
        ws.send_text('{"type": "commit", "option": "talk"}')
        assert "forms" in _next(ws, "error")["message"]
        ws.send_text("not json")
        assert _next(ws, "error")
        ws.send_text("x" * 5000)
        assert "too big" in _next(ws, "error")["message"]
    assert lesson.groups[0].session.commits == {}


def test_a_socket_without_a_team_or_pin_gets_nothing(client: TestClient) -> None:
    for role in ("team", "teacher", "spy"):
        with client.websocket_connect(f"/ws?role={role}") as ws:
            assert json.loads(ws.receive_text())["type"] == "error"


# --- what each page may show ---------------------------------------------------------------------


def _numbers(obj: Any) -> Iterator[float]:
    if isinstance(obj, bool):
        return
    if isinstance(obj, int | float):
        yield float(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _numbers(v)


def _hidden(lesson: Lesson, actor: str) -> list[float]:
    s = lesson.groups[0].session
    v = s.view(actor)
    return [float(s.state.x[0, i]) for i, m in enumerate(v.metrics) if not m.exact]


def test_team_pages_and_the_board_never_hold_a_hidden_true_value(
    client: TestClient, lesson: Lesson
) -> None:
    g = lesson.groups[0]
    lesson.commit(g, "Blue", "spy")
    lesson.commit(g, "Red", "mobilise")  # one turn played: history and reports exist
    _join(client, lesson, "Blue")
    for actor, team in (("blue", "Blue"), ("red", "Red")):
        hidden = _hidden(lesson, actor)
        assert hidden, "the test needs a metric this side cannot see"
        ctx = lesson.team_context(g, team)
        assert not set(_numbers(ctx)) & set(hidden)
        words = json.dumps(ctx, default=str)
        for x in hidden:
            assert f"{x:.1f}" not in words and repr(x) not in words
    page = client.get("/team").text
    with client.websocket_connect("/ws?role=team") as ws:
        first = _next(ws, "update")["html"]  # the page, on connecting
        lesson.control("inject", "all", headline="Rain")
        client.post("/leave")
        _teacher(client)
        client.post("/teacher/control", data={"action": "inject", "headline": "Rain"})
        pushed = first + _next(ws, "update")["html"]
        assert "Rain" in pushed
    teacher = client.get("/teacher").text
    board = client.get("/board").text
    for x in _hidden(lesson, "blue"):
        assert f"{x:.1f}" in teacher  # the teacher sees the truth ...
        for text in (page, pushed, board):
            assert f"{x:.1f}" not in text and repr(x) not in text  # ... nobody else does
    assert "True values" not in board + page + pushed
    # nor the class code, which carries the seed (and so the hidden values)
    assert lesson.class_code in teacher
    assert lesson.class_code not in board + page + pushed + client.get("/").text


def test_text_from_the_room_is_escaped(client: TestClient, lesson: Lesson) -> None:
    _teacher(client)
    client.post("/teacher/control", data={"action": "inject", "headline": "<script>x()</script>"})
    for path in ("/board", "/teacher"):
        html = client.get(path).text
        assert "<script>x()</script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "Content-Security-Policy" in client.get("/board").headers


# --- the teacher ---------------------------------------------------------------------------------


def test_teacher_controls_need_the_pin(client: TestClient, lesson: Lesson) -> None:
    before = _log(lesson)
    r = client.post("/teacher/control", data={"action": "pause"})
    assert r.status_code == 401
    assert client.get("/teacher/report").status_code == 401
    _join(client, lesson, "Blue")  # a team's cookie is not the teacher's
    assert client.post("/teacher/end").status_code == 401
    assert _log(lesson) == before and not lesson.ended


def test_pause_set_metric_and_lesson_length(client: TestClient, lesson: Lesson) -> None:
    _teacher(client)
    client.post("/teacher/control", data={"action": "pause", "group": "1"})
    assert lesson.groups[0].session.paused and not lesson.groups[1].session.paused
    g = lesson.groups[0]
    lesson.commit(g, "Blue", "wait")
    lesson.commit(g, "Red", "wait")
    assert g.session.turn == 0  # paused: the turn waits
    client.post("/teacher/control", data={"action": "resume", "group": "1"})
    assert g.session.turn == 1
    r = client.post(
        "/teacher/control",
        data={"action": "set_metric", "group": "2", "metric": "tension", "value": "77"},
        follow_redirects=False,
    )
    assert r.status_code == 303, unescape(r.text)
    s2 = lesson.groups[1].session
    assert float(s2.state.x[0, s2.c.index["metric"]["tension"]]) == 77.0
    r = client.post(
        "/teacher/control",
        data={"action": "set_metric", "group": "2", "metric": "tension", "value": "9999"},
    )
    assert r.status_code == 400 and "Group 2" in unescape(r.text)
    r = client.post("/teacher/length", data={"turns": "1"}, follow_redirects=False)
    assert r.status_code == 303
    assert g.session.times_up and not s2.times_up  # group 1 has played its one turn
    r = client.post("/teacher/length", data={"turns": "500"})
    assert r.status_code == 400


def test_end_of_lesson_and_the_report_of_every_group(client: TestClient, lesson: Lesson) -> None:
    _teacher(client)
    g = lesson.groups[0]
    lesson.forecast(g, "Blue", {"war": 0.3})
    lesson.commit(g, "Blue", "wait")
    lesson.commit(g, "Red", "talk")
    client.post("/teacher/end")
    assert lesson.ended and all(x.session.times_up for x in lesson.groups)
    assert client.post("/team/commit", data={"option": "wait"}).status_code == 401
    r = client.get("/teacher/report")
    assert r.status_code == 200 and "Group 1" in unescape(r.text) and "Group 2" in unescape(r.text)


def test_the_clock_holds_course_for_a_side_out_of_time(tmp_path: Path) -> None:
    lesson = _lesson(tmp_path, timer=60)
    g = lesson.groups[0]
    deadline = g.deadlines["blue"]
    assert not lesson.tick(deadline - 1)
    lesson.commit(g, "Red", "talk")
    assert lesson.tick(deadline + 1)
    s = g.session
    assert s.turn == 1 and s.log["turns"][0]["moves"]["blue"] == "wait"
    kinds = [a["kind"] for a in s.log["turns"][0]["actions"]]
    assert "timer_expired" in kinds


# --- a restart ------------------------------------------------------------------------------------


def test_a_restarted_server_resumes_the_lesson(tmp_path: Path) -> None:
    lesson = _lesson(tmp_path, teams_per_side=2, mode="vote", groups=2)
    g = lesson.groups[0]
    lesson.commit(g, "Blue 1", "talk")
    lesson.commit(g, "Blue 2", "talk")
    lesson.commit(g, "Red 1", "wait")
    token = lesson.join(lesson.join_code, 2, "Red 2")
    again = Lesson.resume(lesson.directory)
    assert [x.session.log for x in again.groups] == [x.session.log for x in lesson.groups]
    assert again.groups[0].votes == {"Blue 1": "talk", "Blue 2": "talk", "Red 1": "wait"}
    who = again.who(token)
    assert who is not None and who[0].index == 2 and who[1] == "Red 2"
    assert again.join_code == lesson.join_code and again.class_code == lesson.class_code
    again.commit(again.groups[0], "Red 2", "wait")
    assert again.groups[0].session.turn == 1


def test_the_pin_lockout_survives_a_restart(tmp_path: Path) -> None:
    lesson = _lesson(tmp_path)
    with _client(lesson) as c:
        for _ in range(3):
            r = c.post("/teacher/login", data={"pin": "0000"})
            assert r.status_code == 403 and "wrong PIN" in unescape(r.text)
        r = c.post("/teacher/login", data={"pin": PIN})
        assert r.status_code == 429 and "too many wrong PINs" in unescape(r.text)
    again = Lesson.resume(lesson.directory)
    with _client(again) as c:
        r = c.post("/teacher/login", data={"pin": PIN})
        assert r.status_code == 429 and "too many wrong PINs" in unescape(r.text)
        assert c.get("/teacher").text.count("True values") == 0


def test_close_the_server_from_the_dashboard(lesson: Lesson) -> None:
    closed: list[bool] = []
    server = Server(lesson, "http://room/", on_close=lambda: closed.append(True))
    with TestClient(create_app(server)) as c:
        assert c.post("/teacher/close").status_code == 401 and not closed
        _teacher(c)
        r = c.post("/teacher/close")
        assert r.status_code == 200 and "closing" in r.text and closed == [True]


def test_more_time_for_every_team(tmp_path: Path) -> None:
    lesson = _lesson(tmp_path, timer=60)
    g = lesson.groups[0]
    before = dict(g.deadlines)
    lesson.control("extend", "all", seconds="60")
    assert {a: t - before[a] for a, t in g.deadlines.items()} == {"blue": 60.0, "red": 60.0}
    assert g.session.classroom.timer_for("blue") == 120


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_bad_pin_names_the_teachers_page_and_both_limits(
    lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``brink serve --pin 12``: no F9 (the window's console key) and the upper limit too."""
    from game.cli import main

    assert main(["--lang", lang, "serve", "venezuela-2025", "--pin", "12"]) != 0
    err = capsys.readouterr().err
    assert "F9" not in err and "4" in err and "8" in err
    assert ("teacher's page" if lang == "en" else "página del docente") in err, err
