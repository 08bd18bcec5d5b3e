"""The window in every language: under the pseudo-locale every text the scenes draw went
through the catalog (or the scenario's sidecar); the language can be switched on the title
screen and in the settings, mid-game too; the map's names and the fonts cover Spanish."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from game import i18n
from game.scenario.paths import ASSETS, scenario_files
from game.ui.pg import pygame
from game.ui.text import Text, has_glyphs

# Babel formats dates for the locale (format_date): they are not catalog text.
DATE = re.compile(r"\b(?:[A-Z][a-z]{2} \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2}(?: \d{4})?)\b")


def unmarked(text: str, exempt: set[str]) -> list[str]:
    """The pieces of a drawn text outside the pseudo-locale's marks that are words, less
    Babel's dates and the ``exempt`` texts (a wrapped line is a piece of one)."""
    found = []
    lowered = [e.lower() for e in exempt]
    for piece in i18n.unmarked(DATE.sub(" ", text)):
        bare = piece.strip(" …·:,.()[]›‹").lower()
        if any(bare in e for e in lowered):
            continue
        rest = piece
        for e in sorted(exempt, key=len, reverse=True):
            rest = re.sub(re.escape(e), " ", rest, flags=re.IGNORECASE)
        if i18n.unmarked(rest):
            found.append(piece)
    return found


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every text the game renders (``Text.render`` draws all of the window's own text),
    a wrapped text whole (``Text.wrap``: its lines share the marks of the whole)."""
    seen: list[str] = []
    wrapped: list[str] = []
    real_render, real_wrap = Text.render, Text.wrap

    def render(self, text, size, colour, style="regular"):
        seen.append(text)
        return real_render(self, text, size, colour, style)

    def wrap(self, text, size, width, style="regular"):
        wrapped.append(text)
        return real_wrap(self, text, size, width, style)

    monkeypatch.setattr(Text, "render", render)
    monkeypatch.setattr(Text, "wrap", wrap)

    class Drawn(list):
        def clear(self) -> None:
            seen.clear()
            wrapped.clear()

        def texts(self) -> list[str]:
            """Whole texts: the wrapped ones, and each line drawn that is not one of their
            lines (nor a cut one: a line ends with an ellipsis when it was cut)."""
            out = list(wrapped)
            for line in seen:
                bare = line.rstrip(" …")
                if not any(bare in w for w in wrapped):
                    out.append(line)
            return out

    yield Drawn()


def widget_texts(scene) -> list[str]:
    """What the scene's widgets show: button and label texts, text boxes' HTML as text."""
    out = []
    for e in scene.elements:
        if not e.visible:
            continue
        text = getattr(e, "text", None)
        if isinstance(text, str):
            out.append(text)
        box = getattr(e, "html_text", None)
        if isinstance(box, str):
            out.append(html.unescape(re.sub(r"<[^>]+>", " ", box)))
        tip = getattr(e, "tool_tip_text", None)
        if isinstance(tip, str):
            out.append(tip)
    return out


@pytest.mark.slow
def test_every_text_the_scenes_draw_goes_through_the_catalog(ui_app, drawn: Any) -> None:
    """Title, settings, load, setup, briefing, room (with a card's details, the tour and
    help), pause menu, resolution and end, under the pseudo-locale: no unmarked words."""
    from game.ui.backend import Game
    from game.ui.scenes.tour import TourScene

    i18n.set_language("pseudo")
    d = ui_app()
    bad: dict[str, list[str]] = {}

    def look(where: str, frames: int = 3) -> None:
        drawn.clear()
        d.frames(frames)
        exempt: set[str] = set()
        texts = [*drawn.texts(), *widget_texts(d.scene)]
        problems = sorted({p for t in texts for p in unmarked(t, exempt)})
        if problems:
            bad[where] = problems

    look("title")
    d.click_button("settings")
    assert d.scene.name == "settings"
    look("settings")
    d.key(pygame.K_ESCAPE)
    d.click_button("new_game")
    look("setup")
    d.key(pygame.K_RETURN)
    assert d.scene.name == "briefing"
    look("briefing")
    d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    game = d.app.game
    d.wait(lambda: game.advice() is not None, what="the advisors")
    look("room")
    d.key(pygame.K_1)  # an option chosen: its details and forecast
    d.wait(lambda: game.cached_what_if(d.scene.snap.options[0].id) is not None)
    look("room, an option's details")
    d.app.push(TourScene(d.app, d.scene))
    look("tour")
    d.key(pygame.K_ESCAPE)
    d.key(pygame.K_F1)
    assert d.scene.name == "help"
    look("help")
    d.key(pygame.K_F1)
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "pause"
    d.click_button("save")
    d.wait(lambda: d.scene.pending is None, what="the save")
    look("pause")
    d.key(pygame.K_ESCAPE)
    d.key(pygame.K_RETURN)  # commit the chosen option
    d.wait(lambda: d.scene.name == "resolution", what="the resolution")
    look("resolution")
    while d.scene.name != "end":
        if d.scene.name == "resolution":
            d.key(pygame.K_RETURN)
            d.wait(lambda: d.scene.name in ("room", "end"), what="the room")
        else:
            room = d.scene
            room.select(next(o.index for o in room.snap.options if o.available))
            room.commit()
            d.wait(lambda: d.scene.name in ("resolution", "end"), what="the resolution")
    d.wait(lambda: d.scene.verdict is not None, what="the verdict")
    look("end")
    d.click_button("title")
    d.click_button("load")
    assert d.scene.name == "load"
    look("load")
    assert Game is not None
    assert not bad, "\n".join(f"{k}: {v}" for k, v in bad.items())


def test_the_pseudo_test_finds_text_that_skipped_the_catalog() -> None:
    """The check itself: an unmarked word is found, a marked one, a date and an engine text
    are not."""
    i18n.set_language("pseudo")
    assert unmarked("Turn 3", set()) == ["Turn 3"]
    assert unmarked(i18n._("Turn {turn} of {turns}", turn=3, turns=9), set()) == []
    assert unmarked("Nov 24, 2025", set()) == []
    assert unmarked("Blockade the coast", {"Blockade the coast and wait"}) == []


def test_the_language_can_be_chosen_on_the_title_screen(ui_app) -> None:
    """The title screen's language choice: the whole window in Spanish at once, kept in the
    settings, and back."""
    d = ui_app()
    assert "New game" in d.scene.labels()
    codes = ["", *i18n.available()]
    while d.app.settings.language != "es":
        d.click_button("language_next")
        assert d.app.settings.language in codes
    assert i18n.language() == "es"
    labels = d.scene.labels()
    assert "Nueva partida" in labels and "español" in labels
    d.click_button("settings")
    assert "Tamaño de ventana" in d.scene.labels()
    d.key(pygame.K_ESCAPE)
    while d.app.settings.language != "en":
        d.click_button("language_back")
    assert "New game" in d.scene.labels()


@pytest.mark.slow
def test_switching_language_mid_game_relabels_the_room_and_saves_are_language_free(
    ui_app,
) -> None:
    """A game played and saved in Spanish loads in English (and back): the save holds no
    language, and the room is labelled again in the language chosen in the settings."""
    from game.engine import save_info
    from game.ui.backend import Game, list_saves

    d = ui_app()
    d.click_button("settings")
    while d.app.settings.language != "es":
        d.click_button("language_next")
    d.key(pygame.K_ESCAPE)
    d.click_button("new_game")
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    room = d.scene
    assert "Indicadores" in room.labels()
    assert "Turno 1 de 10" in room.labels()
    d.key(pygame.K_ESCAPE)
    d.click_button("save")
    d.wait(lambda: d.scene.pending is None, what="the save")
    saved = list_saves()[0]
    assert "language" not in save_info(saved)
    assert b'"es"' not in saved.read_bytes()
    # mid-game, from the pause menu's settings: the room is in English at once
    d.click_button("settings")
    while d.app.settings.language != "en":
        d.click_button("language_back")
    d.key(pygame.K_ESCAPE)
    d.key(pygame.K_ESCAPE)
    assert d.scene is room and "Indicators" in room.labels()
    assert "Turn 1 of 10" in room.labels()
    # the Spanish save, loaded in English, then in Spanish again
    game = Game.load(saved)
    game.open(d.app)
    title = game.loaded.scenario.meta.title
    assert d.scene.name == "room" and "Indicators" in d.scene.labels()
    i18n.set_language("es")
    d.app.apply_settings(d.app.settings)
    assert "Indicadores" in d.scene.labels()
    assert game.scenario.meta.title == game.loaded.in_language("es").scenario.meta.title
    assert game.loaded.scenario.meta.title == title  # the game's own text is untouched


@pytest.mark.slow
def test_the_engine_words_a_game_in_the_language_in_use_and_follows_a_switch(ui_app) -> None:
    """A new game's options, metrics and advisors come in the language in use (the
    scenario's sidecar); switching language mid-game labels the room's options again."""
    from game.i18n import OPEN

    i18n.set_language("pseudo")
    d = ui_app()
    d.click_button("new_game")
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    game = d.app.game
    d.wait(lambda: game.advice() is not None, what="the advisors")
    assert all(o.name.startswith(OPEN) for o in game.snapshot.options)
    assert all(m.name.startswith(OPEN) for m in game.snapshot.metrics)
    assert all(a.name.startswith(OPEN) and a.stance.startswith(OPEN) for a in game.advice())
    d.key(pygame.K_ESCAPE)
    d.click_button("settings")
    d.click_button("language_next")  # from the pseudo-locale to a real language
    assert i18n.language() != "pseudo"
    d.wait(lambda: not game.snapshot.options[0].name.startswith(OPEN), what="the relabel")
    assert not any(OPEN in o.name for o in game.snapshot.options)
    assert game.session.scenario is game.scenario


def test_the_sources_of_change_are_named_from_their_keys_in_spanish() -> None:
    """The resolution names an event, an inject or an interaction by its id, in the
    language shown, without the engine's worded prefix ("Evento: …")."""
    from game.scenario import load_scenario
    from game.scenario.paths import default_scenario
    from game.ui.backend import Game
    from game.ui.scenes.resolution import source_name

    i18n.set_language("es")
    g = Game.new(default_scenario(), 1, load_scenario(default_scenario()).scenario.actors[0].id)
    try:
        scn = g.scenario
        ev, inj, it = scn.events[0], scn.injects[0], scn.interactions[0]
        assert source_name(g, f"event:{ev.id}", i18n._("Event: {event}", event=ev.name)) == ev.name
        assert source_name(g, f"teacher:event:{ev.id}", "?") == ev.name
        assert source_name(g, f"inject:{inj.id}", "?") == inj.headline
        assert source_name(g, f"interaction:{it.id}", "?") == it.label
        assert source_name(g, f"move:{g.actor}", "?") == "Su jugada"
        assert source_name(g, "drift", "Deriva") == "Deriva"
        assert ev.name != load_scenario(default_scenario()).scenario.events[0].name
    finally:
        g.close(autosave=False)


def test_a_wrapped_line_never_breaks_at_a_no_break_space() -> None:
    """Spanish writes "0,7 %" with a no-break space: a wrapped line keeps the number and
    its sign together, and the space as it was."""
    pygame.font.init()
    t = Text()
    text = "intervalo del 95\u00a0%: 0,7\u00a0%\u20131,6\u00a0%), un desenlace raro"
    for width in range(t.width("0,7\u00a0%\u20131,6\u00a0%),", 14) + 1, 400, 7):
        lines = t.wrap(text, 14, width)
        assert not any(line.startswith("%") for line in lines), (width, lines)
        assert " ".join(lines).count("\u00a0") == 3
    # and the catalog writes it so: no plain space between a number and its per cent sign
    from babel.messages.pofile import read_po

    po = Path(i18n.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "brink.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    for m in catalog:
        for text in m.string if isinstance(m.string, tuple) else (m.string,):
            assert not re.search(r"\d %", text or ""), text


def _map_names() -> set[str]:
    names: set[str] = set()
    for path in sorted((ASSETS / "map").glob("*.json")):
        import json

        doc = json.loads(path.read_text(encoding="utf-8"))
        names |= {c["name"] for c in doc["countries"]} | {p["name"] for p in doc["places"]}
    for path in scenario_files():
        scn = yaml.safe_load(path.read_text(encoding="utf-8"))
        names |= {p["name"] for p in (scn.get("map") or {}).get("places", [])}
    return names


def test_every_map_name_has_its_spanish_name() -> None:
    """Each country and place the maps can show is listed in names.es.yaml (the same name,
    when Spanish keeps it), and the map shows the Spanish one."""
    from game.ui.mapview import place_names, shown_name

    spanish = place_names("es")
    missing = sorted(_map_names() - set(spanish))
    assert not missing, f"assets/map/names.es.yaml lacks: {missing}"
    i18n.set_language("es")
    assert shown_name("Havana") == "La Habana"
    assert shown_name("United States of America") == "Estados Unidos"
    i18n.set_language("pseudo")
    assert shown_name("Havana") == "⟦Havana⟧"
    i18n.set_language("en")
    assert shown_name("Havana") == "Havana"


def _spanish_texts() -> str:
    """Every Spanish text the game can draw: the catalog, the map's names, the sidecars."""
    from babel.messages.pofile import read_po

    parts: list[str] = []
    po = i18n.LOCALE_DIR / "es" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with po.open("rb") as fh:
        for m in read_po(fh):
            s = m.string
            parts += list(s) if isinstance(s, tuple | list) else [s]
    parts.append((ASSETS / "map" / "names.es.yaml").read_text(encoding="utf-8"))
    root = Path(scenario_files()[0]).parent.parent
    for side in [*root.glob("scenarios/*.es.yaml"), *root.glob("seeds/*.es.yaml")]:
        parts.append(side.read_text(encoding="utf-8"))
    return "".join(parts)


@pytest.mark.parametrize("style", ["regular", "bold", "italic", "bold_italic", "mono"])
def test_the_fonts_cover_every_character_of_the_spanish_texts(style: str) -> None:
    text = _spanish_texts()
    chars = sorted({ch for ch in text if not ch.isspace() and ch.isprintable()})
    assert "ñ" in chars and "¿" in chars  # the texts are really Spanish
    missing = [ch for ch in chars if not has_glyphs(ch, style)]
    assert not missing, f"NotoSans {style} lacks: {missing}"


def test_the_briefings_fact_dates_are_written_as_the_language_writes_them(ui_app) -> None:
    """The fact sheets keep ISO dates; the briefing shows them as the locale's dates."""
    from game.scenario.paths import default_scenario

    i18n.set_language("es")
    d = ui_app(size=(800, 600), scenario=default_scenario())
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "briefing"
    facts = d.scene.boxes()[1].html_text
    assert "<i>17 nov 2025 · " in facts
    assert not re.search(r"\d{4}-\d\d-\d\d", facts), facts[:300]
