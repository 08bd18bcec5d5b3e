"""A hidden metric reaches no player, whatever the way the game is shown: the text game,
the computer-against-computer log, the save, the after-action report, the briefing and
the classroom's pages. A metric for named actors reaches only them (until it is public).

tests/data/v2-features.yaml has a hidden timer ("Alert timer") and Blue's secret
operations ("Secret operations"), public once Red has gone to talks twice.
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the test client's note about its HTTP library
    from starlette.testclient import TestClient

from game.cli import main
from game.engine.textplay import play
from game.serve.app import Server, create_app
from game.serve.lesson import Lesson, ServeError

V2 = Path(__file__).parent / "data" / "v2-features.yaml"
HIDDEN = "Alert timer"
SECRET = "Secret operations"  # Blue's only
SEEN = "Tension"  # a public metric: the outputs do list metrics


def _text_game(actor: str, seed: int, data_dir: Path) -> str:
    out = io.StringIO()
    rc = play(str(V2), actor=actor, seed=seed, inp=io.StringIO("1\n" * 12), out=out)
    text = out.getvalue()
    assert rc == 0, text
    assert "The end" in text
    return text


@pytest.mark.parametrize("seed", [1, 2])
def test_the_text_game_never_shows_a_hidden_metric(seed: int, data_dir: Path) -> None:
    blue = _text_game("blue", seed, data_dir)
    assert SEEN in blue and SECRET in blue and HIDDEN not in blue
    red = _text_game("red", seed, data_dir)  # Red holds course: the secret never comes out
    assert SEEN in red and HIDDEN not in red
    assert SECRET not in red


def test_autoplay_save_report_and_briefing_never_show_a_hidden_metric(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save = tmp_path / "game.json"
    capsys.readouterr()
    assert main(["autoplay", str(V2), "--seed", "3", "--save", str(save)]) == 0
    log = capsys.readouterr().out
    assert SEEN in log and HIDDEN not in log
    doc = json.loads(save.read_text(encoding="utf-8"))
    assert HIDDEN not in json.dumps(doc)
    report = tmp_path / "report.html"
    assert main(["report", str(save), "-o", str(report), "--worlds", "100"]) == 0
    html = report.read_text(encoding="utf-8")
    # No chart, table or sentence of the game shows it; the list of every assumption
    # behind the numbers (the report's last section) still names it with its basis.
    played, _, assumptions = html.partition('<h3 id="assumptions">')
    assert SEEN in played and HIDDEN not in played
    assert HIDDEN in assumptions
    for actor in ("blue", "red"):
        brief = tmp_path / f"{actor}.html"
        assert main(["briefing", str(V2), "--actor", actor, "-o", str(brief)]) == 0
        text = brief.read_text(encoding="utf-8")
        assert "What you can see" in text and HIDDEN not in text
    red = (tmp_path / "red.html").read_text(encoding="utf-8")
    assert SECRET not in red  # Red's briefing: Blue's secret is not yet out


def test_the_classroom_pages_never_show_a_hidden_metric(tmp_path: Path) -> None:
    lesson = Lesson.create(V2, tmp_path / "lesson", pin="4321", seed=5)
    g = lesson.groups[0]
    lesson.commit(g, "Blue", "spy")
    lesson.commit(g, "Red", "wait")  # one turn played: history and reports exist
    with TestClient(create_app(Server(lesson, "http://room/"))) as client:
        pages = {}
        for team in ("Blue", "Red"):
            r = client.post(
                "/join",
                data={"code": lesson.join_code, "group": "1", "team": team},
                follow_redirects=False,
            )
            assert r.status_code == 303, r.text
            pages[team] = client.get("/team").text
            ctx = json.dumps(lesson.team_context(g, team), default=str)
            assert HIDDEN not in ctx
            client.post("/leave")
        pages["board"] = client.get("/board").text
    assert SEEN in pages["Blue"] and SEEN in pages["Red"]
    for name, page in pages.items():
        assert HIDDEN not in page, name
    assert SECRET in pages["Blue"]
    assert SECRET not in pages["Red"] and SECRET not in pages["board"]


def test_the_classroom_gives_a_private_move_and_an_aimed_inject_to_one_team(
    tmp_path: Path,
) -> None:
    """v2-actors.yaml: Blue's back-channel offer is seen by Blue and Red only, and the
    intelligence report of turn 2 by Blue only; the board (the class's screen) sees
    neither, and the scripted neighbour has no team to see anything."""
    actors = V2.with_name("v2-actors.yaml")
    lesson = Lesson.create(actors, tmp_path / "lesson", pin="4321", seed=4)
    g = lesson.groups[0]
    lesson.commit(g, "Blue", "backchannel")
    lesson.commit(g, "Red", "wait")
    offer, report = "sends a private offer", "Intelligence report"
    with TestClient(create_app(Server(lesson, "http://room/"))) as client:

        def page(team: str) -> str:
            r = client.post(
                "/join",
                data={"code": lesson.join_code, "group": "1", "team": team},
                follow_redirects=False,
            )
            assert r.status_code == 303, r.text
            text = client.get("/team").text
            client.post("/leave")
            return text

        assert offer in page("Blue") and offer in page("Red")
        assert offer not in client.get("/board").text
        assert report in page("Blue")  # the inject of turn 2 came at the turn's start
        assert report not in page("Red") and report not in client.get("/board").text
    with pytest.raises(ServeError, match="no team 'Green'"):
        lesson.commit(g, "Green", "wait")
