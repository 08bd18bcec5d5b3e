"""No text cut to fit: every scene of a played game of the shipped scenario, at three
window sizes and three text sizes, draws without an ellipsis, a dropped line or a split
word (``Text.cuts`` records each), and every button's text fits its button. The option
cards scroll when they cannot show every name whole; a small window caps the text size
(``text_cap``) at what its panels can show."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CHEAP

from game.engine import Seat, Session, save_game
from game.scenario import load_scenario
from game.scenario.paths import default_scenario

SIZES = [(800, 600), (1280, 720), (1920, 1080)]
SCALES = [1.0, 1.3, 2.0]
WAR_PLAN = ["show_of_force", "strike_boats", "land_strikes", "ground_op"]


TAIWAN = Path(__file__).parent.parent / "scenarios" / "taiwan-1995.yaml"
# Taiwan's escalating plan: its longest option names come up (carriers, strikes)
TAIWAN_PLAN = ["carrier_east", "second_carrier", "carrier_into_strait", "defend_strike"]


def _play(turns: int | None, seed: int, scenario: Path | None = None) -> Session:
    """The United States escalating, the computer answering (cheaply), for ``turns``
    turns or to the end."""
    loaded = load_scenario(scenario or default_scenario())
    plan = TAIWAN_PLAN if scenario == TAIWAN else WAR_PLAN
    seats = {
        a.id: (Seat.human() if a.id == "usa" else Seat.ai())
        for a in loaded.scenario.actors
        if a.script is None  # Taiwan and Japan move by their rules
    }
    s = Session.new(loaded, seed=seed, seats=seats, ai=CHEAP)
    k = 0
    while not s.over and (turns is None or s.turn < turns):
        avail = {o.id for o in s.options("usa") if o.available}
        move = next((m for m in plan[k % 4 :] + plan if m in avail), "hold")
        s.commit("usa", move)
        s.resolve()
        k += 1
    return s


@pytest.fixture(scope="module")
def saves(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("fit-saves")
    out = {}
    for name, turns in (("mid", 5), ("end", None)):
        out[name] = save_game(_play(turns, 11), d / f"{name}.json")
    return out


@pytest.fixture(scope="module")
def taiwan_saves(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("fit-saves-taiwan")
    out = {}
    for name, turns in (("mid", 8), ("end", None)):
        out[name] = save_game(_play(turns, 11, TAIWAN), d / f"{name}.json")
    return out


def _button_cuts(scene) -> list[str]:
    """Button texts wider than their button (pygame_gui clips them silently)."""
    out = []
    for e in scene.elements:
        text = getattr(e, "text", None)
        font = getattr(e, "font", None)
        if not isinstance(text, str) or not e.visible or font is None or not text:
            continue
        if type(e).__name__ != "UIButton":
            continue
        if font.size(text)[0] > e.get_abs_rect().width - 8:
            out.append(text)
    return out


def _cuts(app, frames: int = 2) -> list[str]:
    app.text.cuts.clear()
    app.run_frames(frames)
    return sorted(set(app.text.cuts)) + _button_cuts(app.scene)


@pytest.fixture
def app_at(data_dir: Path) -> Iterator:
    from game.ui.app import App
    from game.ui.settings import Settings

    made = []

    def make(size: tuple[int, int], scale: float) -> App:
        st = Settings(width=size[0], height=size[1], text_scale=scale)
        app = App(size=size, settings=st, seed=11, save_settings=False)
        made.append(app)
        return app

    yield make
    for app in made:
        if app.running:
            app.quit()


def _wait(app, cond, timeout: float = 60.0) -> None:
    import time

    t0 = time.perf_counter()
    while not cond():
        assert time.perf_counter() - t0 < timeout, "timed out"
        app.run_frames(1)
        time.sleep(0.002)


# Every size in English; Spanish (longer) at the smallest and the largest window, and at
# the default one with the default text.
CASES = [("en", size, scale) for size in SIZES for scale in SCALES]
CASES += [("es", size, scale) for size in (SIZES[0], SIZES[-1]) for scale in SCALES]
CASES += [("es", SIZES[1], 1.0)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lang", "size", "scale"),
    CASES,
    ids=[f"{lang}-{w}x{h}-{scale}" for lang, (w, h), scale in CASES],
)
def test_no_text_is_cut(app_at, saves, lang, size, scale) -> None:
    _assert_no_text_is_cut(app_at(size, scale), saves, lang)


# The second scenario in Spanish: its own texts, at the smallest and the largest window.
TAIWAN_CASES = [(SIZES[0], 1.0), (SIZES[-1], 1.0), (SIZES[-1], 2.0)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("size", "scale"), TAIWAN_CASES, ids=[f"es-{w}x{h}-{sc}" for (w, h), sc in TAIWAN_CASES]
)
def test_no_taiwan_text_is_cut_in_spanish(app_at, taiwan_saves, size, scale) -> None:
    _assert_no_text_is_cut(app_at(size, scale), taiwan_saves, "es")


def _assert_no_text_is_cut(app, saves: dict[str, Path], lang: str) -> None:
    from game import i18n
    from game.ui.backend import Game
    from game.ui.scenes.setup import SetupScene

    i18n.set_language(lang)  # the autouse fixture puts English back after
    found: dict[str, list[str]] = {}
    found["title"] = _cuts(app)
    app.push(SetupScene(app))
    found["setup"] = _cuts(app)
    app.scene.proceed()
    assert app.scene.name == "briefing"
    found["briefing"] = _cuts(app)
    game = Game.load(saves["mid"])
    game.open(app)
    room = app.scene
    _wait(app, lambda: game.advice() is not None)
    found["room"] = _cuts(app)
    for i, o in enumerate(room.snap.options):  # each option's details, as focus shows them
        room.keyboard_mode = True
        room.set_focus(i)
        _wait(app, lambda o=o: game.cached_what_if(o.id) is not None or not o.available)
        found[f"room, {o.name}"] = _cuts(app)
    room.select(0)
    room.commit()
    _wait(app, lambda: app.scene.name == "resolution")
    found["resolution"] = _cuts(app)
    end = Game.load(saves["end"])
    end.open(app)
    assert app.scene.name == "end"
    _wait(app, lambda: app.scene.verdict is not None)
    found["end"] = _cuts(app)
    bad = {k: v for k, v in found.items() if v}
    assert not bad, "\n".join(f"{k}: {v}" for k, v in bad.items())


def test_small_windows_cap_the_text_size() -> None:
    from game.ui.app import text_scale_for
    from game.ui.settings import text_cap

    assert text_cap((800, 600)) == 1.3  # 130% text is honoured in the smallest window
    assert text_cap((1280, 720)) == 1.75
    assert text_cap((1920, 1080)) == 2.0
    assert text_scale_for((800, 600), 2.0) == 1.3
    assert text_scale_for((800, 600), 1.3) == 1.3
    assert text_scale_for((800, 600), 0.9) == 0.9  # smaller text is always allowed
    assert text_scale_for((1280, 720), 2.0) == 1.75
    assert text_scale_for((1920, 1080), 1.3) == 1.95  # and text grows on large windows


@pytest.mark.slow
def test_cards_scroll_when_they_cannot_fit(app_at, saves) -> None:
    """At 1280×720 with 175% text the thirteen cards keep a readable height and scroll;
    the keyboard's focus brings the last card into view, the wheel scrolls back."""
    from game.ui.backend import Game
    from game.ui.pg import pygame

    app = app_at((1280, 720), 2.0)
    Game.load(saves["mid"]).open(app)
    room = app.scene
    app.run_frames(2)
    cards = room.cards
    assert cards.scrolls and cards.offset == 0
    last = len(room.snap.options) - 1
    assert not cards.rect.contains(room.card_rect(last))
    room.focus_card(last)
    app.run_frames(1)
    assert cards.offset > 0 and cards.rect.contains(room.card_rect(last))
    pygame.mouse.set_pos(cards.rect.center)
    for _ in range(40):
        room.handle_event(pygame.event.Event(pygame.MOUSEWHEEL, {"x": 0, "y": 1}))
    assert cards.offset == 0


@pytest.mark.slow
def test_advisors_stay_in_their_rows_at_800x600(app_at, saves) -> None:
    """At 800×600 with 130% text each advisor's stance is whole and their lines stay in
    their own row (a long recommendation falls back to its key, not over the next row)."""
    from game.ui.backend import Game

    app = app_at((800, 600), 1.3)
    game = Game.load(saves["mid"])
    game.open(app)
    room = app.scene
    _wait(app, lambda: game.advice() is not None)
    app.run_frames(1)
    drawn: list = []
    blit = app.text.blit

    def spy(surface, text, pos, size, colour, *a, **k):
        r = blit(surface, text, pos, size, colour, *a, **k)
        drawn.append((text, r))
        return r

    app.text.blit = spy
    app.text.cuts.clear()
    view = room.view()
    room.advisors.draw(app.window, view)
    app.text.blit = blit
    rows = room.advisors.rows(view)
    assert len(rows) == len(view.advice) and not app.text.cuts
    for text, r in drawn:
        if r.bottom <= room.advisors.inner.top:  # the panel's title
            continue
        inside = [row for row, _ in rows if row.collidepoint(r.x, r.centery)]
        assert inside, text
        assert r.bottom <= inside[0].bottom + 4, f"{text!r} runs into the next row"


OVERLAY_CASES = [(size, scale) for size in SIZES for scale in (1.3, 2.0)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("size", "scale"), OVERLAY_CASES, ids=[f"{w}x{h}-{sc}" for (w, h), sc in OVERLAY_CASES]
)
def test_the_tour_help_and_menus_are_never_cut(app_at, size, scale) -> None:
    """Every step of the first-turn tour (its box grows with its text), the how-to-play
    page, the pause menu and the settings show whole, in every window and large print."""
    from game.ui.backend import Game
    from game.ui.scenes.overlays import HelpScene
    from game.ui.scenes.settings import SettingsScene
    from game.ui.scenes.tour import STEPS, TourScene

    app = app_at(size, scale)
    Game.new(default_scenario(), 11, "usa").open(app)
    room = app.scene
    found: dict[str, list[str]] = {}
    app.push(TourScene(app, room))
    for k in range(len(STEPS)):
        found[f"tour {k + 1}"] = _cuts(app)
        if k < len(STEPS) - 1:
            app.scene.next()
    app.scene.close()
    app.push(HelpScene(app))
    found["help"] = _cuts(app)
    app.pop()
    room.open_menu()
    found["menu"] = _cuts(app)
    app.push(SettingsScene(app))
    found["settings"] = _cuts(app)
    bad = {k: v for k, v in found.items() if v}
    assert not bad, "\n".join(f"{k}: {v}" for k, v in bad.items())


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("size", [SIZES[0], SIZES[-1]], ids=lambda s: f"{s[0]}x{s[1]}")
def test_watching_is_not_cut(ui_app, lang: str, size: tuple[int, int]) -> None:
    """Computer against computer: the observer's panel (its keys last) and the button."""
    from game import i18n
    from game.ui.pg import pygame

    i18n.set_language(lang)
    d = ui_app(size=size, scenario=default_scenario())
    d.key(pygame.K_RETURN)
    for _ in range(12):
        if d.app.scene.choice().actor is None:  # watch both sides
            break
        d.click_button("side_next")
    d.click_button("continue")
    d.click_button("begin")
    assert d.scene.name == "room" and d.app.game.watch
    assert not _cuts(d.app, frames=4)
    # the button's shorter wording, when the whole one does not fit, is in the language too
    assert d.scene.commit_button.text.startswith("Next turn" if lang == "en" else "Siguiente")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_busy_box_is_as_wide_as_its_text(ui_app, lang: str) -> None:
    """ "Órdenes enviadas. La otra parte está decidiendo…" at 1920×1080: the box grows."""
    from game import i18n
    from game.i18n import _
    from game.ui.scenes.common import busy_box

    i18n.set_language(lang)
    app = ui_app(size=(1920, 1080)).app
    text = _("Orders sent. The other side is deciding{dots}", dots="…")
    app.text.cuts.clear()
    busy_box(
        app.scene,
        app.window,
        _("Resolving the turn"),
        [(text, 16, app.palette.text, "regular")],
        140,
    )
    assert list(app.text.cuts) == []
