"""Layouts from the window size: every rect inside the window, none overlapping."""

from __future__ import annotations

import itertools

import pytest

from game.ui import layout
from game.ui.pg import pygame

SIZES = [(800, 600), (1024, 768), (1280, 720), (1366, 768), (1920, 1080), (2560, 1440)]


def _leaves(named: dict[str, pygame.Rect], containers: tuple[str, ...]) -> dict[str, pygame.Rect]:
    return {k: v for k, v in named.items() if k not in containers}


def _check(named: dict[str, pygame.Rect], size: tuple[int, int]) -> None:
    assert not layout.inside(named.values(), size), layout.inside(named.values(), size)
    assert not layout.overlaps(named), layout.overlaps(named)
    for k, r in named.items():
        assert r.width > 0 and r.height > 0, k


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("n", [2, 4, 13, 16])
def test_room_layout(size: tuple[int, int], n: int) -> None:
    L = layout.room(size, n)
    _check(_leaves(L, ("cards", "top")), size)
    for i in range(n):  # cards fill their area
        assert L["cards"].contains(L[f"card[{i}]"])
        assert L[f"card[{i}]"].height >= 28 and L[f"card[{i}]"].width >= 110
    assert L["top"].contains(L["menu_button"])
    if size[0] >= 800:  # the smallest size offered in the settings
        assert L["map"].width >= 250 and L["map"].height >= 180


@pytest.mark.parametrize("size", SIZES)
def test_other_layouts(size: tuple[int, int]) -> None:
    _check(_leaves(layout.menu(size, 5), ("panel",)), size)
    _check(layout.form(size, 5, 2), size)
    _check(layout.briefing(size), size)
    _check(layout.resolution(size), size)
    _check(layout.end(size, 4), size)


def test_layout_scales_with_the_window() -> None:
    small, big = layout.room((800, 600), 13), layout.room((1920, 1080), 13)
    for k in ("map", "metrics", "forecast", "card[0]"):
        assert big[k].width > small[k].width and big[k].height > small[k].height


def test_grid_and_column_helpers() -> None:
    cells = layout.grid(pygame.Rect(0, 0, 300, 100), 5, 2, 4)
    assert len(cells) == 5
    for a, b in itertools.combinations(cells, 2):
        assert not a.colliderect(b)
    col = layout.column(pygame.Rect(0, 0, 100, 200), [50, 0, 30], 10)
    assert [r.height for r in col] == [50, 100, 30]


@pytest.mark.parametrize("size", SIZES)
def test_classroom_and_dialog_layouts(size: tuple[int, int]) -> None:
    _check(layout.class_code(size), size)
    _check(layout.handover(size), size)
    pin = layout.pin(size)
    _check(_leaves(pin, ("panel",)), size)
    message, help_box = layout.message(size), layout.help_box(size)
    for L in (pin, message, help_box):
        assert not layout.inside(L.values(), size)
        for k, r in L.items():
            if k != "panel":  # the box holds its entry and buttons
                assert L["panel"].contains(r), k
    menu = layout.menu(size, 5, title=False, head=24)
    assert menu["frame"].contains(menu["panel"].inflate(0, -8))
    assert menu["frame"].bottom == menu["panel"].bottom + 4
    _check(_leaves(layout.console(size), ("panel", "head")), size)
    _check(_leaves(layout.forecast_panel(size, 4), ("panel", "head")), size)


@pytest.mark.parametrize("size", SIZES)
def test_notice_boxes_are_centred_and_inside(size: tuple[int, int]) -> None:
    for w, h in ((520, 110), (560, 120)):
        box = layout.notice(size, w, h)
        assert box.center == (size[0] // 2, size[1] // 2)
        assert not layout.inside([box], size) and box.width <= w


def test_row_split_and_text_box_below_a_header() -> None:
    left, right = layout.split_row(pygame.Rect(10, 20, 300, 40), 0.6, 8)
    assert (left.width, right.x, right.right) == (180, 198, 310)
    assert not left.colliderect(right)
    box = layout.below_header(pygame.Rect(0, 100, 200, 300), 30)
    assert (box.y, box.bottom) == (130, 400)
