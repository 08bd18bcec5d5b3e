"""Keyboard parity: with keys alone a player reads the whole briefing, every option's
details (the same lines the mouse's hover shows), chooses options past the tenth, steps
the setup's choices both ways and is not thrown off the end screen by Enter."""

from __future__ import annotations

from conftest import MINI_SCENARIO

from game.scenario.paths import default_scenario
from game.ui.pg import pygame


def test_the_whole_briefing_scrolls_by_keyboard(ui_app) -> None:
    d = ui_app(size=(800, 600), scenario=default_scenario())
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "briefing"
    box = d.scene.boxes()[0]
    assert box.scroll_bar is not None, "the briefing should overflow at 800x600"
    assert d.scene.scroll_share(box) < 1.0
    for _ in range(400):
        if d.scene.scroll_share(box) >= 1.0:
            break
        d.key(pygame.K_DOWN, frames=1)
    assert d.scene.scroll_share(box) >= 1.0, "Down never reached the end of the briefing"
    d.key(pygame.K_PAGEUP, frames=1)
    assert d.scene.scroll_share(box) < 1.0
    facts = d.scene.boxes()[1]
    if facts.scroll_bar is not None:  # Shift scrolls the facts
        before = facts.scroll_bar.start_percentage
        d.key(pygame.K_DOWN, mod=pygame.KMOD_SHIFT, frames=1)
        assert facts.scroll_bar.start_percentage > before
    # Ctrl scrolls the objectives (drawn lines, not a widget) to their end and back;
    # the wheel over them scrolls them too
    obj = d.scene.objectives_scroll
    assert obj.overflows, "the objectives should overflow at 800x600"
    for _ in range(200):
        if obj.at_end():
            break
        d.key(pygame.K_DOWN, mod=pygame.KMOD_CTRL, frames=1)
    assert obj.at_end() and obj.offset > 0, "Ctrl+Down never reached the last objective"
    d.key(pygame.K_PAGEUP, mod=pygame.KMOD_CTRL, frames=1)
    assert obj.offset < obj.max_offset()
    d.move(obj.rect.center)
    for _ in range(40):
        pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1))
    d.frames(1)
    assert obj.offset == 0


def test_every_option_reads_and_chooses_by_keyboard(ui_app) -> None:
    d = ui_app(scenario=default_scenario())
    for _ in range(3):
        d.key(pygame.K_RETURN)
    room = d.scene
    assert room.name == "room"
    opts = room.snap.options
    assert len(opts) > 10  # the shipped scenario: options past the tenth need keys too
    keys = [*[getattr(pygame, f"K_{k}") for k in "1234567890"], pygame.K_q, pygame.K_w]
    keys += [pygame.K_e, pygame.K_r, pygame.K_t, pygame.K_y, pygame.K_u, pygame.K_i]
    for i, o in enumerate(opts):
        d.key(keys[i])
        assert room.focus_index == i and room.keyboard_mode
        if o.available:
            assert room.selected == i
        # the focus shows the details the hover shows: name, description, category
        assert room.tip is not None, o.name
        assert room.tip[1][:2] == [o.name, o.description]
        hover = room.cards.hit(room.card_rect(i).center, room.view())
        assert hover is not None and room.tip[1][:3] == hover[1][:3]
        # and, once estimated, each metric's expected value against holding course
        d.wait(lambda o=o: d.app.game.cached_what_if(o.id) is not None, what="the forecast")
        d.frames(1)
        assert room.tip is not None and "days" in room.tip[1][-1], room.tip[1]


def test_setup_arrows_step_both_ways(ui_app) -> None:
    d = ui_app(scenario=MINI_SCENARIO)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "setup"
    first = d.scene.button_named("side").text
    d.click_button("side_next")
    second = d.scene.button_named("side").text
    assert second != first
    d.click_button("side_back")
    assert d.scene.button_named("side").text == first
    while d.scene.focused_name() != "side":
        d.key(pygame.K_TAB, frames=1)
    d.key(pygame.K_LEFT)
    d.key(pygame.K_RIGHT)
    assert d.scene.button_named("side").text == first


def test_enter_on_the_end_screen_starts_nothing(ui_app) -> None:
    d = ui_app(scenario=MINI_SCENARIO)
    for _ in range(3):
        d.key(pygame.K_RETURN)
    game = d.app.game
    while d.scene.name != "end":
        if d.scene.name == "room":
            d.scene.select(0)
        d.key(pygame.K_RETURN)
        d.wait(lambda: d.scene.name != "room" or d.scene.resolving is None, what="the turn")
    assert d.scene.focused_name() is None
    for _ in range(3):
        d.key(pygame.K_RETURN)
    assert d.scene.name == "end" and d.app.game is game
    d.wait(lambda: d.scene.verdict is not None, timeout=60, what="the verdict")
    labels = " ".join(line.text for line in d.scene.verdict_lines())
    assert "Your objectives" in labels and ("Met:" in labels or "Missed:" in labels)
    assert "Luck" in labels
    # to the title, then Continue: the finished game opens at its end screen
    d.click_button("title")
    assert d.scene.name == "title"
    assert "ended" in d.scene.continue_tip()
    d.click_button("continue")
    assert d.scene.name == "end" and d.app.game.session.over


def test_load_lists_every_save_by_what_it_is_and_deletes_one(ui_app, data_dir) -> None:
    from game.engine import Seat, Session, save_game
    from game.scenario import load_scenario

    loaded = load_scenario(default_scenario())
    saves = data_dir / "saves"
    for k in range(12):  # more than a page holds at 800x600
        seats = {a.id: Seat.human() if a.id == "usa" else Seat.ai() for a in loaded.scenario.actors}
        s = Session.new(loaded, seed=k + 1, seats=seats)
        save_game(s, saves / f"save-{k:02d}.json")
    d = ui_app(size=(800, 600))
    from game.ui.scenes.overlays import LoadScene

    d.app.push(LoadScene(d.app))
    d.frames(2)
    load = d.scene
    every, page0 = list(load.saves), list(load.shown)
    assert len(every) == 12 and len(page0) < 12
    first = load.button_named("save_0").text
    assert "United States" in first and "turn 0" in first and "in progress" in first
    d.key(pygame.K_PAGEDOWN)
    assert d.scene.page == 1 and d.scene.shown == every[len(page0) :][: len(d.scene.shown)]
    d.key(pygame.K_PAGEUP)
    victim = d.scene.shown[0]
    d.key(pygame.K_DELETE)  # armed: a second press deletes
    assert victim.exists() and "again" in d.scene.note
    d.key(pygame.K_DELETE)
    assert not victim.exists() and len(d.scene.saves) == 11


def test_watching_shows_true_values_and_advances_by_itself(ui_app) -> None:
    d = ui_app(scenario=MINI_SCENARIO)
    d.key(pygame.K_RETURN)
    while "Watch" not in d.scene.button_named("side").text:
        d.click_button("side_next")
    d.click_button("continue")
    d.click_button("begin")
    game = d.app.game
    assert d.scene.name == "room" and game.watch
    assert all(m.exact for m in game.snapshot.metrics)  # the observer sees true values
    assert game.session.turn == 0
    d.scene.commit()  # by hand: the box while the turn resolves speaks to an observer
    notice = d.scene.busy_notice()
    assert notice is not None and "sides are deciding" in notice.lines[0][0]
    d.wait(lambda: d.scene.name == "resolution", what="the first turn")
    d.key(pygame.K_RETURN)
    assert d.scene.name == "room" and game.session.turn == 1
    for _ in range(4):
        d.key(pygame.K_PLUS, unicode="+")
    assert game.auto_delay == 0.6
    assert "auto" in d.scene.commit_button.text
    d.wait(lambda: game.session.turn >= 2 and d.scene.name == "room", what="two turns")
    d.key(pygame.K_MINUS)
    d.key(pygame.K_MINUS)
    d.key(pygame.K_MINUS)
    d.key(pygame.K_MINUS)
    assert game.auto_delay is None
    turn = game.session.turn
    d.frames(120)
    assert game.session.turn == turn  # by hand again: nothing moves


def test_first_turn_tour_opens_once_skips_and_comes_back_from_f1(ui_app, monkeypatch) -> None:
    monkeypatch.delenv("BRINK_NO_TOUR")
    from game.ui.scenes.tour import STEPS

    d = ui_app(scenario=MINI_SCENARIO)
    for _ in range(3):
        d.key(pygame.K_RETURN)
    d.frames(3)
    assert d.scene.name == "tour"
    seen = [d.scene.labels()[0]]
    for _ in range(len(STEPS) - 1):
        d.key(pygame.K_RETURN)  # Enter moves on, never commits underneath
        seen.append(d.scene.labels()[0])
    assert seen == [title for _, title, _ in STEPS]
    d.key(pygame.K_LEFT)
    assert d.scene.labels()[0] == STEPS[-2][1]
    d.key(pygame.K_ESCAPE)  # skip
    assert d.scene.name == "room" and d.app.settings.tour_seen
    assert d.app.game.session.turn == 0
    d.key(pygame.K_F1)
    assert d.scene.name == "help" and "How to play" in d.scene.labels()
    d.click_button("tour")
    assert d.scene.name == "tour"
    d.key(pygame.K_ESCAPE)
    # a second game: no tour by itself
    from game.ui.backend import Game

    Game.new(MINI_SCENARIO, 3, "blue").open(d.app)
    d.frames(4)
    assert d.scene.name == "room"


def test_a_continued_game_shows_the_odds_at_its_decisions(ui_app, data_dir) -> None:
    """Finished in the window, then opened again (Continue): the end screen's chart has
    the odds at each of the player's decisions, the very figures shown at the time."""
    from game.ui.backend import Game

    d = ui_app(scenario=MINI_SCENARIO)
    game = Game.new(MINI_SCENARIO, 5, "blue")
    game.open(d.app)
    while d.scene.name != "end":
        if d.scene.name == "room":
            room = d.scene
            room.select(len(room.snap.options) - 1 if game.session.turn % 2 else 0)
            room.commit()
            d.wait(lambda room=room: d.scene is not room or room.resolving is None)
        d.key(pygame.K_RETURN)
    live = [(x.turn, x.date, x.option, x.odds.p) for x in game.decisions if x.odds]
    assert len(live) == game.session.turn >= 2
    path = game.autosave_now()
    assert path is not None
    again = Game.load(path)
    assert again.decisions == []
    again.open(d.app)
    end = d.scene
    assert end.name == "end"
    d.wait(lambda: end.verdict is not None, timeout=60, what="the verdict")
    if not end.recovering.done():  # the chart says what it is waiting for
        shown = []
        blit = d.app.text.blit_wrapped
        d.app.text.blit_wrapped = lambda s, text, *a, **k: (
            shown.append(text) or blit(s, text, *a, **k)
        )
        end.draw_odds(d.app.window, end.L["odds"])
        d.app.text.blit_wrapped = blit
        assert "Working out the odds at your decisions…" in shown
    d.wait(lambda: end.recovering.done(), timeout=60, what="the odds at the decisions")
    end.recovering.result()
    got = [(x.turn, x.date, x.option, x.odds.p) for x in again.decisions if x.odds]
    assert got == live
    assert end.odds_series()[1] == [(t, p) for t, _d, _o, p in live]
