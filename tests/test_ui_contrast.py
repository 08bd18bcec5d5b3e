"""Every colour the game writes text in reads at 4.5:1 (WCAG AA) against the backgrounds
it is written on: the palettes' text colours on the window, panels and panel headers, and
the widget theme's text on its own backgrounds."""

from __future__ import annotations

import json

import pytest

from game.ui import palette as pal
from game.ui.app import THEME_FILE

TEXT = ("text", "dim", "faint", "accent", "calm", "caution", "danger", "severe", "focus")
BACKGROUNDS = ("bg", "panel", "panel_hi")
STATES = ("normal", "hovered", "disabled", "selected", "active")
NO_TEXT = {"vertical_scroll_bar", "horizontal_scroll_bar"}  # bars: their colours hold no text


def test_contrast_ratio_is_the_wcag_one() -> None:
    assert pal.contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert pal.contrast((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("name", sorted(pal.PALETTES))
def test_palette_text_colours_reach_4_5(name: str) -> None:
    p = pal.PALETTES[name]
    low = [
        (t, b, round(pal.contrast(getattr(p, t), getattr(p, b)), 2))
        for t in TEXT
        for b in BACKGROUNDS
        if pal.contrast(getattr(p, t), getattr(p, b)) < 4.5
    ]
    assert not low, low


def test_widget_theme_text_reaches_4_5() -> None:
    theme = json.loads(THEME_FILE.read_text(encoding="utf-8"))
    base = theme["defaults"]["colours"]
    low = []
    for block, spec in theme.items():
        if block in NO_TEXT:
            continue
        cols = {**base, **(spec.get("colours") or {})} if isinstance(spec, dict) else base
        for state in STATES:
            fg, bg = cols.get(f"{state}_text"), cols.get(f"{state}_bg")
            if fg and bg and fg.startswith("#") and bg.startswith("#"):
                r = pal.contrast(pal.hex_colour(fg), pal.hex_colour(bg))
                if r < 4.5:
                    low.append((block, state, round(r, 2)))
        fg, bg = cols.get("normal_text"), cols.get("dark_bg")
        if fg and bg:
            r = pal.contrast(pal.hex_colour(fg), pal.hex_colour(bg))
            if r < 4.5:
                low.append((block, "text on dark_bg", round(r, 2)))
    assert not low, low
