"""The resolution and end screens of an escalating game in the smallest window with 130%
text: no drawn text lies over other text or past its box (``Text.cuts`` cannot see
these: nothing is cut, it is drawn in the wrong place)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from test_ui_text_fit import _play, _wait

from game.engine import save_game


@pytest.fixture(scope="module")
def saves(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("climax-saves")
    return {n: save_game(_play(t, 11), d / f"{n}.json") for n, t in (("mid", 5), ("end", None))}


@pytest.fixture
def small(data_dir: Path) -> Iterator:
    from game.ui.app import App
    from game.ui.settings import Settings

    app = App(
        size=(800, 600),
        settings=Settings(width=800, height=600, text_scale=1.3),
        seed=11,
        save_settings=False,
    )
    yield app
    if app.running:
        app.quit()


def _drawn(app, draw) -> list[tuple[str, object]]:
    """Every text ``draw`` blits, with its rectangle."""
    out: list[tuple[str, object]] = []
    blit = app.text.blit

    def spy(surface, text, pos, size, colour, *a, **k):
        r = blit(surface, text, pos, size, colour, *a, **k)
        out.append((text, r))
        return r

    app.text.blit = spy
    try:
        draw()
    finally:
        app.text.blit = blit
    return out


def _overlaps(drawn) -> list[tuple[str, str]]:
    return [
        (a, b)
        for i, (a, ra) in enumerate(drawn)
        for b, rb in drawn[i + 1 :]
        if a.strip() and b.strip() and ra.inflate(0, -4).colliderect(rb.inflate(0, -4))
    ]


@pytest.mark.slow
def test_the_odds_now_never_overlap(small, saves) -> None:
    """Too short to stack each figure over its name, the odds become "name  figure"
    lines, each inside the panel."""
    from game.ui.backend import Game

    app = small
    game = Game.load(saves["mid"])
    game.open(app)
    room = app.scene
    _wait(app, lambda: game.advice() is not None)
    room.select(0)
    room.commit()
    _wait(app, lambda: app.scene.name == "resolution")
    res = app.scene
    _wait(app, lambda: res.res.odds is not None)
    drawn = _drawn(app, lambda: res.draw_odds(app.window))
    names = {o.short_name or o.name for o in game.scenario.outcomes}
    assert names <= {text for text, _ in drawn}
    assert not _overlaps(drawn)
    box = res.L["odds"]
    assert all(box.contains(r) for _, r in drawn)


@pytest.mark.slow
def test_the_end_screen_headline_and_path_labels_fit(small, saves) -> None:
    """The line under the ending's name stays in the headline's box (the panels would
    hide what runs past it) and the path's rung names never lie on one another."""
    from game.ui.backend import Game

    app = small
    Game.load(saves["end"]).open(app)
    end = app.scene
    assert end.name == "end"
    _wait(app, lambda: end.verdict is not None)
    drawn = _drawn(app, lambda: end.draw(app.window))
    head = end.L["headline"]
    assert [t for t, r in drawn if r.top < head.bottom and r.bottom > head.bottom] == []
    assert any("turn" in t and "of" in t for t, r in drawn if head.contains(r))
    timeline = end.L["timeline"]
    rungs = {s.name for s in end.game.scenario.ladder}
    labels = [(t, r) for t, r in drawn if t in rungs and timeline.contains(r)]
    assert len(labels) >= 2 and not _overlaps(labels)
    # the rung the war game ended on is named, whatever had to give way to it
    last = end.game.resolutions[-1].stage_after_index(end.game.scenario.ladder)
    assert end.game.scenario.ladder[last].name in {t for t, _ in labels}


@pytest.mark.slow
def test_every_setting_shows_whole_in_the_smallest_window(small) -> None:
    """Each choice of every settings row (the palettes' long names above all) fits its
    button at 800×600 with 130% text (pygame_gui would clip it silently)."""
    from game.ui.scenes.settings import SettingsScene
    from game.ui.settings import TEXT_SCALES

    app = small
    app.push(SettingsScene(app))
    app.run_frames(2)
    scene = app.scene
    seen: set[str] = set()
    for name, steps in (("palette", 6), ("text", len(TEXT_SCALES)), ("language", 4)):
        for _ in range(steps):
            b = scene.button_named(name)
            font = b.font
            assert font.size(b.text)[0] <= b.get_abs_rect().width - 8, b.text
            seen.add(b.text)
            scene.change(name, 1)
            app.run_frames(1)
            scene = app.scene
    assert any("colour-blind" in s for s in seen)


@pytest.mark.slow
def test_why_it_changed_keeps_each_source_beside_its_bar_on_a_large_screen(data_dir, saves) -> None:
    """At 1920×1080 with 130% text (drawn near 2×) the source names' column grows with
    the text: a name such as "Clash at sea or on the coast" sits beside its bar, not on a
    line of its own above it."""
    from game.ui.app import App
    from game.ui.backend import Game
    from game.ui.settings import Settings

    app = App(
        size=(1920, 1080),
        settings=Settings(width=1920, height=1080, text_scale=1.3),
        seed=11,
        save_settings=False,
    )
    try:
        game = Game.load(saves["mid"])
        game.open(app)
        room = app.scene
        _wait(app, lambda: game.advice() is not None)
        room.select(0)
        room.commit()
        _wait(app, lambda: app.scene.name == "resolution")
        res = app.scene
        big = app.window.get_rect()
        drawn = _drawn(app, lambda: res.draw_why_rows(app.window, big))
        figures = {r.y for text, r in drawn if text[:1] in "+-−" and text[1:2].isdigit()}
        names = [  # the sources' names (indented), not the revised estimates under them
            (text, r)
            for text, r in drawn
            if r.x > big.x + 4 and text[:1] not in "+-−" and "now about" not in text
        ]
        assert names and all(r.y in figures for _, r in names), [
            t for t, r in names if r.y not in figures
        ]
    finally:
        app.quit()


@pytest.mark.slow
def test_a_finished_saves_label_fits_the_load_list(small, saves) -> None:
    """In the smallest window with 130% text a save's label drops its leading parts
    (scenario, side, turn) until it fits, keeping the date and outcome; the whole label
    is its tooltip."""
    import shutil

    from game.ui.backend import saves_dir
    from game.ui.scenes.overlays import LoadScene

    saves_dir().mkdir(parents=True, exist_ok=True)
    shutil.copy(saves["end"], saves_dir() / "end.json")
    app = small
    app.push(LoadScene(app))
    app.run_frames(2)
    b = app.scene.button_named("save_0")
    assert b.font.size(b.text)[0] <= b.get_abs_rect().width - 8, b.text
    assert "ended:" in b.text and "2026" in b.text
    full = app.scene.label(app.scene.shown[0])
    assert full != b.text and full.endswith(b.text) and b.tool_tip_text == full


@pytest.mark.slow
def test_the_end_odds_legend_keeps_its_entries_apart(data_dir, saves) -> None:
    """At 1920×1080 with 130% text the legend under the odds chart leaves a gap of a few
    letters between one entry's name and the next entry."""
    from game.ui.app import App
    from game.ui.backend import Game
    from game.ui.settings import Settings

    app = App(
        size=(1920, 1080),
        settings=Settings(width=1920, height=1080, text_scale=1.3),
        seed=11,
        save_settings=False,
    )
    try:
        Game.load(saves["end"]).open(app)
        end = app.scene
        _wait(app, lambda: end.verdict is not None)
        outcomes = end.game.scenario.outcomes
        names = {o.short_name or o.name for o in outcomes}
        odds = {o.id: 0.1 for o in outcomes}  # the odds at two decisions, every ending > 0
        end.odds_series = lambda: ("Odds at your decisions", [(1, odds), (2, odds)])
        drawn = [(t, r) for t, r in _drawn(app, lambda: end.draw_odds(app.window, end.L["odds"]))]
        items = sorted((r.y, r.x, r) for t, r in drawn if t in names)
        assert len(items) >= 3
        gaps = [b[2].x - a[2].right for a, b in pairwise(items) if a[0] == b[0]]
        assert gaps and min(gaps) >= app.text.px(16), gaps  # swatch, then a gap
    finally:
        app.quit()


@pytest.mark.slow
def test_the_briefings_title_grows_with_the_text(data_dir) -> None:
    """The briefing's title is sized in pixels scaled like its body: at 1920×1080 with
    130% text it is larger than the body, not the fixed HTML size it was."""
    from game.ui.app import App
    from game.ui.scenes.setup import SetupScene
    from game.ui.settings import Settings

    app = App(
        size=(1920, 1080),
        settings=Settings(width=1920, height=1080, text_scale=1.3),
        seed=11,
        save_settings=False,
    )
    try:
        app.push(SetupScene(app))
        app.run_frames(2)
        app.scene.proceed()
        app.run_frames(2)
        box = next(e for e in app.scene.elements if type(e).__name__ == "UITextBox")
        assert f"<font pixel_size={app.text.px(20)}>" in box.html_text
        assert app.text.px(20) > box.ui_theme.get_font(box.object_ids).get_point_size()
    finally:
        app.quit()


@pytest.fixture(scope="module")
def eve_of_war(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The turn before the war: ten turns of the US escalating (seed 11); striking on land
    in the next one takes the ladder to open war, which ends the game as war at once."""
    d = tmp_path_factory.mktemp("climax-eve")
    return save_game(_play(10, 11), d / "eve.json")


def _app(size: tuple[int, int], scale: float):
    from game.ui.app import App
    from game.ui.settings import Settings

    st = Settings(width=size[0], height=size[1], text_scale=scale)
    return App(size=size, settings=st, seed=11, save_settings=False)


@pytest.mark.slow
@pytest.mark.parametrize("size", [(800, 600), (1280, 720), (1920, 1080)])
def test_a_refusal_is_never_written_over_a_card(data_dir, saves, size) -> None:
    """Choosing an option that is not available writes why under the cards, or beside
    the last card, or on a plate: never over a card's own text."""
    from game.ui.backend import Game

    app = _app(size, 1.3)
    try:
        game = Game.load(saves["mid"])
        game.open(app)
        room = app.scene
        app.run_frames(2)
        shut = next(o for o in room.snap.options if not o.available)
        room.select(shut.index)
        assert room.error
        view = room.view()
        drawn = _drawn(app, lambda: room.cards.draw(app.window, view))
        box, lines, _size, plate = room.cards.error_spot(room.error)
        mine = [(t, r) for t, r in drawn if t in lines and box.contains(r)]
        assert len(mine) == len(lines)
        # on a plate (no free room: the cards scroll) it hides what lies under it
        others = [(t, r) for t, r in drawn if (t, r) not in mine]
        others = [(t, r) for t, r in others if not (plate and r.colliderect(box))]
        assert not _overlaps(mine + others)
        if not plate:
            assert box.collidelist(room.cards.cards) < 0
        cards = room.cards
        if not cards.scrolls and len(cards.cards) % cards.columns():
            assert not plate  # the last row has an empty cell beside its last card
    finally:
        app.quit()


@pytest.mark.slow
@pytest.mark.parametrize("size", [(800, 600), (1280, 720), (1920, 1080)])
def test_the_moves_of_the_war_turn_stay_in_their_panel(data_dir, eve_of_war, size) -> None:
    """The turn the war begins, with 130% text: each side's move is written whole inside
    the Moves panel (descriptions only when they fit too), and the paging keys reach both
    scrolling panels (Shift: why it changed)."""
    from game.ui.backend import Game
    from game.ui.pg import pygame

    app = _app(size, 1.3)
    try:
        game = Game.load(eve_of_war)
        game.open(app)
        room = app.scene
        shut = {o.id for o in room.snap.options if not o.available}
        move = next(m for m in ("ground_op", "land_strikes", "strike_boats") if m not in shut)
        room.select(next(o.index for o in room.snap.options if o.id == move))
        room.commit()
        _wait(app, lambda: app.scene.name == "resolution")
        res = app.scene
        app.run_frames(2)
        inner = draw_panel_inner(app, res.L["moves"])
        app.text.cuts.clear()
        drawn = _drawn(app, lambda: res.draw_moves(app.window, inner))
        assert not app.text.cuts  # no word split, not even while trying sizes
        assert drawn and all(inner.contains(r) for _, r in drawn), [
            (t, r) for t, r in drawn if not inner.contains(r)
        ]
        text = " ".join(t for t, _ in drawn)
        for a in game.scenario.actors:
            words = res.move_text(a.id).split()
            assert " ".join(words) in " ".join(text.split()), a.id
        assert not _overlaps(drawn)
        # the ending is explained: what had to hold, and for how long (its trigger)
        from game.ui.scenes.resolution import trigger_text

        assert res.res.outcome == "war"
        war = next(o for o in game.scenario.outcomes if o.id == "war")
        why_text = trigger_text(game, war, res.res.turn)
        assert "Open war" in why_text and "90%" in why_text
        app.text.cuts.clear()
        rendered: list[str] = []
        render = app.text.render

        def spy(text, *a, **k):
            rendered.append(text)
            return render(text, *a, **k)

        app.text.render = spy
        try:
            res.draw_odds(app.window)
        finally:
            app.text.render = render
        assert not app.text.cuts
        sc = res.ending_scroll  # the headline and the reason, scrolling if they must
        assert sc.rect.bottom <= res.L["odds"].bottom
        if not sc.overflows:
            assert " ".join(why_text.split()) in " ".join(" ".join(rendered).split())
        why, events = res.why_scroll, res.events_scroll
        key = {"key": pygame.K_PAGEDOWN, "unicode": "", "scancode": 0}
        if why.overflows:
            before = events.offset
            res.handle_event(pygame.event.Event(pygame.KEYDOWN, mod=pygame.KMOD_SHIFT, **key))
            assert why.offset > 0 and events.offset == before
            why.offset = 0
        # Page Down pages through every panel that overflows, one after the other
        for _ in range(60):
            res.handle_event(pygame.event.Event(pygame.KEYDOWN, mod=0, **key))
        for sc in (events, why, res.ending_scroll):
            assert sc.at_end(), sc
        up = dict(key, key=pygame.K_PAGEUP)
        for _ in range(60):
            res.handle_event(pygame.event.Event(pygame.KEYDOWN, mod=0, **up))
        assert events.offset == why.offset == res.ending_scroll.offset == 0
    finally:
        app.quit()


def draw_panel_inner(app, rect):
    """The content rect of a panel drawn at ``rect``."""
    from game.ui import draw

    return draw.panel(app.window, rect, app.palette, app.text, "Moves")


@pytest.mark.slow
def test_a_large_window_lists_a_save_whole(data_dir, saves) -> None:
    """At 1920×1080 with 130% text the Load list shows a finished game's whole label:
    scenario, side, turn, date and outcome."""
    import shutil

    from game.ui.backend import saves_dir
    from game.ui.scenes.overlays import LoadScene

    saves_dir().mkdir(parents=True, exist_ok=True)
    shutil.copy(saves["end"], saves_dir() / "end.json")
    app = _app((1920, 1080), 1.3)
    try:
        app.push(LoadScene(app))
        app.run_frames(2)
        b = app.scene.button_named("save_0")
        assert b.text == app.scene.label(app.scene.shown[0])
        assert b.text.startswith("Southern Spear · United States · turn ") and "ended:" in b.text
        assert b.font.size(b.text)[0] <= b.get_abs_rect().width - 8, b.text
    finally:
        app.quit()
