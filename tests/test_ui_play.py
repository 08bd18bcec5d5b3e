"""Whole games through the real scenes, driven by posted events only (headless)."""

from __future__ import annotations

import json

import pytest

from game.ui.pg import pygame

PREFERRED = ["talk", "wait", "spy"]


def _pick(scene) -> tuple[int, str]:
    """An available option of the room, varied by turn."""
    opts = {o.id: o for o in scene.snap.options}
    order = PREFERRED[scene.snap.turn % 3 :] + PREFERRED[: scene.snap.turn % 3]
    for oid in order:
        if opts[oid].available:
            return opts[oid].index, oid
    o = next(o for o in scene.snap.options if o.available)
    return o.index, o.id


@pytest.mark.slow
def test_whole_game_by_keyboard_only(ui_app) -> None:
    d = ui_app()
    assert d.scene.name == "title"
    assert "New game" in d.scene.labels()
    d.key(pygame.K_RETURN)
    assert d.scene.name == "setup"
    assert "Border dispute (test)" in " ".join(d.scene.labels())
    d.key(pygame.K_RETURN)
    assert d.scene.name == "briefing"
    assert "Facts as of Jan 1, 2025" in d.scene.labels()
    d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    game = d.app.game
    assert game.actor == "blue"
    chosen: list[str] = []
    for _ in range(12):
        assert d.scene.name == "room"
        turn = d.scene.snap.turn
        assert f"Turn {turn + 1} of 10" in d.scene.labels()
        i, oid = _pick(d.scene)
        d.key(pygame.K_1 + i)  # choose by number; it also gets the keyboard focus
        assert d.scene.selected == i
        assert f"Commit: {d.scene.snap.options[i].name}  (Enter)" in d.scene.labels()
        d.key(pygame.K_RETURN)  # commit
        chosen.append(oid)
        d.wait(lambda: d.scene.name == "resolution", what="the resolution screen")
        labels = d.scene.labels()
        assert f"Turn {turn + 1} resolved" in labels and "Why it changed" in labels
        # the committed move reached the engine: its log records it
        assert game.session.log["turns"][-1]["moves"]["blue"] == oid
        d.key(pygame.K_RETURN)
        if d.scene.name == "end":
            break
    assert d.scene.name == "end"
    log = game.session.log
    assert [t["moves"]["blue"] for t in log["turns"]] == chosen
    outcome = next(o.name for o in game.scenario.outcomes if o.id == game.session.outcome)
    assert outcome in d.scene.labels()
    assert f"turn {len(chosen)} of 10" in d.scene.labels()
    assert len(game.decisions) == len(chosen)
    assert all(dec.odds is not None for dec in game.decisions)
    # the end screen's buttons by keyboard too: Tab to "Title", Enter
    while d.scene.focused_name() != "title":
        d.key(pygame.K_TAB, frames=1)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "title"


@pytest.mark.slow
def test_whole_game_by_mouse_only(ui_app) -> None:
    d = ui_app()
    d.click_button("new_game")
    assert d.scene.name == "setup"
    d.click_button("continue")
    assert d.scene.name == "briefing"
    d.click_button("begin")
    assert d.scene.name == "room"
    game = d.app.game
    chosen: list[str] = []
    for _ in range(12):
        i, oid = _pick(d.scene)
        card = d.scene.card_rects[i]
        d.move(card.center)  # hover: the what-if forecast is computed off the frame
        assert d.scene.option_in_view() == i
        d.wait(lambda oid=oid: game.cached_what_if(oid) is not None, what="the what-if forecast")
        d.click(card.center)
        assert d.scene.selected == i
        d.click_button("commit")
        chosen.append(oid)
        d.wait(lambda: d.scene.name == "resolution", what="the resolution screen")
        assert game.session.log["turns"][-1]["moves"]["blue"] == oid
        d.click_button("continue")
        if d.scene.name == "end":
            break
    assert d.scene.name == "end"
    assert [t["moves"]["blue"] for t in game.session.log["turns"]] == chosen
    assert "The path" in d.scene.labels()
    if d.scene.button_named("report") is not None:  # the classroom report, when it is built
        d.click_button("report")
        d.wait(lambda: "written" in d.scene.note or "not" in d.scene.note, timeout=120)
        assert "Report written" in d.scene.note, d.scene.note
        assert list(d.app.settings_path.parent.glob("reports/report-*.html"))
    d.click_button("new_game")
    assert d.scene.name == "setup"


def test_watch_mode_advances_with_enter(ui_app) -> None:
    d = ui_app()
    d.key(pygame.K_RETURN)
    while d.scene.focused_name() != "side":
        d.key(pygame.K_TAB, frames=1)
    while "Watch" not in d.scene.button_named("side").text:
        d.key(pygame.K_RIGHT)  # left / right change the focused choice
    d.click_button("continue")
    d.click_button("begin")
    assert d.scene.name == "room" and d.app.game.watch
    d.key(pygame.K_RETURN)
    d.wait(lambda: d.scene.name == "resolution")
    assert d.app.game.session.turn == 1


def test_closing_mid_turn_autosaves_and_continue_resumes(ui_app, data_dir) -> None:
    d = ui_app()
    for _ in range(3):
        d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    d.key(pygame.K_2)
    d.key(pygame.K_RETURN)
    d.wait(lambda: d.scene.name == "resolution")
    d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    d.key(pygame.K_2)  # chosen but not committed: then the window closes
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    d.frames(1)
    assert not d.app.running
    saves = sorted((data_dir / "autosave").glob("*.json"))
    assert saves, "closing the window must autosave"
    doc = json.loads(saves[-1].read_text(encoding="utf-8"))
    assert doc["log"]["summary"]["turn"] == 1
    # a new window continues from the autosave
    d2 = ui_app()
    assert d2.scene.button_named("continue").is_enabled
    d2.click_button("continue")
    assert d2.scene.name == "room"
    assert d2.app.game.session.turn == 1
    assert d2.app.game.session.log["turns"][0]["moves"]["blue"] == "talk"


def test_help_and_pause_menu_save_load_settings(ui_app, data_dir) -> None:
    d = ui_app()
    d.key(pygame.K_F1)
    assert d.scene.name == "help" and "Keys" in d.scene.labels()
    d.key(pygame.K_F1)
    assert d.scene.name == "title"
    for _ in range(3):
        d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "pause"
    assert d.app.stack[-2].name == "room" and d.app.stack[-2].paused
    d.click_button("save")
    d.wait(lambda: "Saved" in d.scene.note, what="the save")
    assert list((data_dir / "saves").glob("save-mini-*.json"))
    d.click_button("settings")
    assert d.scene.name == "settings"
    d.click_button("text")  # text size 100% -> 115%: the whole UI is rebuilt
    assert d.app.settings.text_scale == pytest.approx(1.15)
    d.click_button("palette")
    assert d.app.palette.name == "classic"
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "pause"
    d.click_button("load")
    assert d.scene.name == "load"
    d.click_button("save_0")
    assert d.scene.name == "room"
    d.key(pygame.K_ESCAPE)
    d.click_button("quit_to_title")
    assert d.scene.name == "title" and d.app.game is None


def test_a_corrupt_autosave_gets_a_message_not_a_crash(ui_app, data_dir) -> None:
    bad = data_dir / "autosave" / "mini-broken.json"
    bad.parent.mkdir(parents=True)
    bad.write_text('{"format": "brinkmanship-save", "log": ', encoding="utf-8")
    d = ui_app()
    d.click_button("continue")
    assert d.scene.name == "message"
    assert "Cannot continue" in d.scene.labels()
    d.key(pygame.K_RETURN)
    assert d.scene.name == "title"
    assert bad.read_text(encoding="utf-8").startswith('{"format"')  # nothing overwritten


def test_brink_play_opens_the_title_screen(data_dir) -> None:
    import argparse

    from game.ui import app as app_mod

    seen = {}

    class Once(app_mod.App):
        def run(self) -> int:
            self.tick(1 / 60)
            seen["scene"] = self.scene.name
            seen["size"] = self.window.get_size()
            self.quit()
            return 0

    orig = app_mod.App
    app_mod.App = Once
    try:
        rc = app_mod.main(argparse.Namespace(size="1024x768", scenario=None, seed=5, text=False))
    finally:
        app_mod.App = orig
    assert rc == 0 and seen == {"scene": "title", "size": (1024, 768)}
