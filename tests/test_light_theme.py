"""The light palette for lit rooms: readable contrast, chosen in the settings like the
other palettes, and the widgets' theme turned light with it."""

from __future__ import annotations

from dataclasses import replace

from game.ui import palette as pal
from game.ui.pg import pygame


def test_light_palette_contrast() -> None:
    p = pal.get("light")
    assert p.light and not pal.get("okabe_ito").light
    for ground in (p.bg, p.panel, p.panel_hi):
        assert pal.contrast(p.text, ground) >= 7  # body text: WCAG AAA
        assert pal.contrast(p.dim, ground) >= 4.5  # secondary text: AA
    for c in (p.accent, p.calm, p.caution, p.danger, p.severe, p.focus, *p.series):
        assert pal.contrast(c, p.panel) >= 3  # marks and large text: AA
    assert "light" in pal.PALETTE_LABELS


def test_the_dark_themes_colours_turn_light() -> None:
    assert pal.light_theme_colour("#1A212B")[1] in "CDEF"  # a dark ground becomes light
    assert pal.light_theme_colour("#E2E8EE")[1] in "0123"  # light ink becomes dark
    assert pal.light_theme_colour("#FFFFFF") == "#000000"


def test_choosing_the_light_palette_rebuilds_the_widgets(ui_app, tmp_path) -> None:
    d = ui_app()
    before = d.app.manager.get_theme().get_colour("normal_bg")
    d.app.apply_settings(replace(d.app.settings, palette="light"))
    d.frames(2)
    assert d.app.palette.name == "light"
    after = d.app.manager.get_theme().get_colour("normal_bg")
    assert sum(after[:3]) > 3 * 180 > sum(before[:3])
    # the whole game plays in it: the title, setup and situation room draw
    for _ in range(3):
        d.key(pygame.K_RETURN)
    assert d.scene.name == "room"
    pygame.image.save(d.app.window, str(tmp_path / "room.png"))
    assert (tmp_path / "room.png").stat().st_size > 10_000
