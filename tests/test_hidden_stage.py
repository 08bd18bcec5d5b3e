"""A ladder stage hidden from an actor (``stage_visibility``) never reaches it: not in
the engine's views and reports, the text game, the briefing, the classroom pages, or
the window (the real scenes, driven by posted events).

tests/data/v2-features.yaml shows the stage to Blue only, until it reaches clashes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import CHEAP

from game.engine import Seat, Session
from game.engine.rng import WHAT_IF
from game.engine.textplay import play
from game.report.briefing import context as briefing_context
from game.scenario import load_scenario
from game.ui.pg import pygame

V2 = Path(__file__).parent / "data" / "v2-features.yaml"


def _session(seed: int = 3) -> Session:
    loaded = load_scenario(V2)
    seats = {a.id: Seat.human() for a in loaded.scenario.actors if a.script is None}
    return Session.new(loaded, seed=seed, seats=seats, ai=CHEAP, autosave=False)


def _calm_turn(s: Session) -> None:
    """Both sides wait; the ladder kept below clashes, so the stage stays hidden."""
    s.state.stage[0] = s.c.index["stage"]["crisis"]
    s.commit("blue", "wait")
    s.commit("red", "wait")
    s.resolve()
    s.state.stage[0] = s.c.index["stage"]["crisis"]


def test_the_engine_has_one_rule_and_views_follow_it() -> None:
    s = _session()
    crisis = s.c.index["stage"]["crisis"]
    s.state.stage[0] = crisis
    assert s.stage_seen("blue") == crisis
    assert s.stage_seen("red") is None
    assert s.stage_seen(None) is None  # the room: not every side sees it
    assert s.view("blue").stage_index == crisis and s.view("blue").stage == "crisis"
    red = s.view("red")
    assert red.stage_index is None and red.stage == "" and red.stage_name == "Unknown"
    _calm_turn(s)
    rep = s.report("red")
    assert rep is not None and not rep.stage_known
    assert rep.stage_before == rep.stage_after == ""
    blue = s.report("blue")
    assert blue is not None and blue.stage_known and blue.stage_after == "crisis"
    # once public (clashes or above at the end of a turn), everyone sees it
    s.state.stage[0] = s.c.index["stage"]["war"]  # from war it can only step down to clashes
    s.commit("blue", "wait")
    s.commit("red", "wait")
    s.resolve()
    if not s.over:
        assert s.stage_seen("red") == s.stage_index == s.stage_seen(None)


def test_text_play_says_unknown() -> None:
    out = io.StringIO()
    rc = play(V2, "red", 4, inp=io.StringIO("1\n" * 3), out=out)
    text = out.getvalue()
    assert rc in (0, 1), text
    assert "stage: unknown to you" in text
    assert "Stage: unknown to you" in text
    for name in ("Calm", "Crisis"):  # the heading never names the hidden stage
        assert f"stage: {name} (" not in text


def test_the_briefing_marks_no_start_for_a_side_that_cannot_see_it() -> None:
    loaded = load_scenario(V2)
    red = briefing_context(loaded, "red")
    assert not any(st["start"] for st in red["ladder"]) and red["stage_note"]
    blue = briefing_context(loaded, "blue")
    assert sum(st["start"] for st in blue["ladder"]) == 1 and not blue["stage_note"]


def test_classroom_pages_show_the_stage_only_where_it_is_seen(tmp_path: Path) -> None:
    from game.serve.lesson import Lesson

    lesson = Lesson.create(V2, tmp_path / "lesson", pin="4321", seed=5)
    g = lesson.groups[0]
    truth = g.session.stage_index
    board = lesson.board_context()["groups"][0]
    red = lesson.team_context(g, "Red", quick=True)
    blue = lesson.team_context(g, "Blue", quick=True)
    teacher = lesson.teacher_context()["groups"][0]
    for ctx in (board, red):
        assert ctx["stage"] == "" and ctx["stage_name"] == "Stage unknown"
        assert not any(st["now"] for st in ctx["ladder"])
    for ctx in (blue, teacher):
        assert [k for k, st in enumerate(ctx["ladder"]) if st["now"]] == [truth]


def _record_text(app: Any) -> list[tuple[str, str]]:
    """Every (text, style) the window draws from now on."""
    drawn: list[tuple[str, str]] = []
    real = app.text.blit

    def blit(
        surface: Any,
        text: str,
        pos: Any,
        size: int,
        colour: Any,
        style: str = "regular",
        *args: Any,
        **kw: Any,
    ) -> Any:
        drawn.append((text, style))
        return real(surface, text, pos, size, colour, style, *args, **kw)

    app.text.blit = blit
    return drawn


@pytest.mark.slow
def test_the_window_never_gets_the_hidden_stage(ui_app) -> None:
    from game.ui.backend import Game

    d = ui_app(scenario=V2)
    game = Game.new(V2, 3, "red")
    game.open(d.app)
    d.frames(4)
    assert d.scene.name == "room"
    drawn = _record_text(d.app)
    names = [st.name for st in game.scenario.ladder]
    for _turn in range(3):
        d.scene.draw(d.app.window)
        snap = d.scene.snap
        assert snap.stage_index is None and snap.stage == ""
        top = [part[1] for part in d.scene.status_parts(d.app.window.get_rect(), "Red")[0]]
        assert "STAGE UNKNOWN" in top and not {n.upper() for n in names} & set(top)
        # the ladder lists every rung, but marks none (a marked rung is drawn bold)
        assert not [t for t, style in drawn if t in names and style == "bold"]
        assert any(t.lower() == "ladder: stage unknown" for t, _s in drawn)
        from game.ui.scenes.room.map import _state

        assert _state(game.scenario, snap, game.resolutions).stage is None
        drawn.clear()
        i = next(o.index for o in snap.options if o.available)
        d.key(pygame.K_1 + i)
        d.key(pygame.K_RETURN)
        d.wait(lambda: d.scene.name == "resolution", what="the resolution screen")
        res = game.resolutions[-1]
        if game.session.stage_unveiled:  # the ladder reached clashes: public from now on
            assert res.stage_known
            break
        assert not res.stage_known and res.stage_after == "" and res.stage_before == ""
        lines = [ln.text for ln in d.scene.event_lines()]
        assert "Stage: unknown to you" in lines
        assert not [ln for ln in lines if ln.startswith(("Stage unchanged", "Escalation"))]
        d.key(pygame.K_RETURN)
        if d.scene.name != "room":
            break
    # what the window holds of the turns played while hidden carries no stage either
    hidden = game.resolutions[:-1] if game.session.stage_unveiled else game.resolutions
    assert hidden and all(r.stage_after_index(game.scenario.ladder) is None for r in hidden)


# --- what a side that cannot see the stage is told: forecasts, advice, reasons ----------------


def _hidden_from_blue(tmp_path: Path) -> Path:
    """The test scenario with the stage shown to Red only: Blue (who has advisors and a
    stage-bound strike) is the side that cannot see it."""
    text = V2.read_text(encoding="utf-8")
    shown = "stage_visibility:\n  visible_to: [blue]"
    assert shown in text
    out = tmp_path / "v2-hidden-from-blue.yaml"
    sheet = V2.parent / "mini-facts.yaml"  # the fact sheet it names, beside it
    (tmp_path / sheet.name).write_text(sheet.read_text(encoding="utf-8"), "utf-8")
    out.write_text(text.replace(shown, "stage_visibility:\n  visible_to: [red]"), "utf-8")
    return out


def _at(path: Path, stage: str, seed: int = 11) -> Session:
    """A new game whose true stage is ``stage`` (below clashes: still hidden), strike used up
    (so Blue's choices are the same at either stage)."""
    loaded = load_scenario(path)
    seats = {a.id: Seat.human() for a in loaded.scenario.actors if a.script is None}
    s = Session.new(loaded, seed=seed, seats=seats, ai=CHEAP, autosave=False)
    s.state.stage[0] = s.c.index["stage"][stage]
    b = s.actor_index("blue")
    strike = s.option_index(b, "strike")
    s.state.uses[0, b, strike] = s.c.max_uses[b, strike]
    s.changed()
    return s


def _same_forecast(f: Any, g: Any) -> bool:
    return all(
        np.array_equal(getattr(f, k), getattr(g, k))
        for k in ("p_by_turn", "stage_dist", "bands", "max_stage", "first_moves")
    )


def test_a_side_that_cannot_see_the_stage_is_told_the_same_whatever_it_is(tmp_path: Path) -> None:
    path = _hidden_from_blue(tmp_path)
    calm, crisis = _at(path, "calm"), _at(path, "crisis")
    assert calm.stage_seen("blue") is None and crisis.stage_seen("blue") is None
    for o in calm.c.option_ids[calm.actor_index("blue")]:
        assert _same_forecast(calm.what_if("blue", o, 400), crisis.what_if("blue", o, 400)), o
    assert calm.advice("blue") and calm.advice("blue") == crisis.advice("blue")
    assert calm.options("blue") == crisis.options("blue")
    # the side that sees the stage is told different odds: the check above can fail
    assert not _same_forecast(
        calm.what_if("red", "mobilise", 400), crisis.what_if("red", "mobilise", 400)
    )


def test_the_believed_stage_follows_the_documented_rule(tmp_path: Path) -> None:
    """Uniform over the stages at which the stage would still be hidden (below clashes)."""
    s = _at(_hidden_from_blue(tmp_path), "calm")
    w = s._belief(s.actor_index("blue"), 4000, WHAT_IF)
    share = np.bincount(w.stage, minlength=s.c.n_stages) / w.n
    calm, crisis = s.c.index["stage"]["calm"], s.c.index["stage"]["crisis"]
    assert set(np.flatnonzero(share)) == {calm, crisis}
    assert abs(share[calm] - 0.5) < 0.05
    # the side that sees it believes the truth
    assert (s._belief(s.actor_index("red"), 50, WHAT_IF).stage == calm).all()


def test_an_unavailable_option_does_not_name_the_hidden_stage(tmp_path: Path) -> None:
    path = _hidden_from_blue(tmp_path)
    loaded = load_scenario(path)
    s = Session.new(
        loaded, seed=2, seats={"blue": Seat.human(), "red": Seat.human()}, ai=CHEAP, autosave=False
    )
    assert s.stage == "calm" and s.stage_seen("blue") is None
    strike = next(o for o in s.options("blue") if o.id == "strike")
    assert not strike.available and strike.reason == "depends on the ladder stage"
    names = [st.name for st in s.scenario.ladder]
    assert not [n for n in names if n in strike.reason]
    with pytest.raises(ValueError, match="depends on the ladder stage"):
        s.commit("blue", "strike")
    # unavailable whatever the stage: the real reason, read at no hidden stage
    b = s.actor_index("blue")
    s.state.uses[0, b, strike.index] = s.c.max_uses[b, strike.index]
    again = next(o for o in s.options("blue") if o.id == "strike")
    assert again.reason.startswith("already used")
    # the side that sees the stage gets the reason that names it (unchanged)
    v = load_scenario(V2)
    seen = Session.new(
        v, seed=2, seats={"blue": Seat.human(), "red": Seat.human()}, ai=CHEAP, autosave=False
    )
    assert next(o for o in seen.options("blue") if o.id == "strike").reason.startswith(
        "only at stage: "
    )
