"""Category icons and map symbols, drawn as vectors (no downloaded art), cached per size.

Each icon is drawn at 3x on a transparent surface and smooth-scaled down, which
gives clean edges with plain ``pygame.draw`` calls.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from game.ui.pg import pygame

Colour = tuple[int, int, int]
_SS = 3  # supersampling
_cache: dict[tuple[str, int, Colour], pygame.Surface] = {}


def _poly(s: pygame.Surface, c: Colour, pts: list[tuple[float, float]], w: int = 0) -> None:
    pygame.draw.polygon(s, c, pts, w)


def _talks(s: pygame.Surface, c: Colour, n: int) -> None:
    w = max(2, n // 10)
    pygame.draw.rect(s, c, (n * 0.08, n * 0.14, n * 0.56, n * 0.40), w, border_radius=n // 10)
    _poly(s, c, [(n * 0.2, n * 0.52), (n * 0.2, n * 0.68), (n * 0.36, n * 0.52)])
    pygame.draw.rect(s, c, (n * 0.40, n * 0.42, n * 0.52, n * 0.36), 0, border_radius=n // 10)
    _poly(s, c, [(n * 0.78, n * 0.76), (n * 0.80, n * 0.92), (n * 0.64, n * 0.76)])


def _covert(s: pygame.Surface, c: Colour, n: int) -> None:
    w = max(2, n // 11)
    pts_top = [
        (n * (0.06 + 0.88 * t), n * (0.5 - 0.28 * math.sin(math.pi * t)))
        for t in [i / 16 for i in range(17)]
    ]
    pts_bot = [(x, n - y) for x, y in pts_top]
    pygame.draw.lines(s, c, False, pts_top, w)
    pygame.draw.lines(s, c, False, pts_bot, w)
    pygame.draw.circle(s, c, (n * 0.5, n * 0.5), n * 0.14)
    pygame.draw.line(s, c, (n * 0.12, n * 0.88), (n * 0.88, n * 0.12), w)


def _mobilization(s: pygame.Surface, c: Colour, n: int) -> None:
    for i, x in enumerate((0.2, 0.5, 0.8)):
        y0 = 0.18 + (0.08 if i != 1 else 0)
        pygame.draw.circle(s, c, (n * x, n * (y0 + 0.08)), n * 0.085)
        _poly(
            s,
            c,
            [
                (n * (x - 0.12), n * 0.9),
                (n * (x + 0.12), n * 0.9),
                (n * (x + 0.08), n * (y0 + 0.22)),
                (n * (x - 0.08), n * (y0 + 0.22)),
            ],
        )


def _show_of_force(s: pygame.Surface, c: Colour, n: int) -> None:
    _poly(
        s,
        c,
        [(n * 0.04, n * 0.56), (n * 0.96, n * 0.56), (n * 0.80, n * 0.78), (n * 0.16, n * 0.78)],
    )
    pygame.draw.rect(s, c, (n * 0.36, n * 0.36, n * 0.28, n * 0.2))
    pygame.draw.rect(s, c, (n * 0.46, n * 0.18, n * 0.06, n * 0.2))
    w = max(2, n // 14)
    for i in range(3):
        y = n * (0.86 + i * 0.0)
        pygame.draw.line(s, c, (n * (0.1 + i * 0.3), y), (n * (0.24 + i * 0.3), y), w)


def _sanctions(s: pygame.Surface, c: Colour, n: int) -> None:
    w = max(2, n // 10)
    pygame.draw.circle(s, c, (n * 0.5, n * 0.5), n * 0.42, w)
    # a coin stack: three bars
    for i in range(3):
        pygame.draw.rect(
            s, c, (n * 0.32, n * (0.30 + 0.14 * i), n * 0.36, n * 0.09), 0, border_radius=n // 20
        )
    pygame.draw.line(s, c, (n * 0.2, n * 0.8), (n * 0.8, n * 0.2), w)


def _legal(s: pygame.Surface, c: Colour, n: int) -> None:
    w = max(2, n // 12)
    pygame.draw.line(s, c, (n * 0.5, n * 0.12), (n * 0.5, n * 0.84), w)
    pygame.draw.line(s, c, (n * 0.14, n * 0.24), (n * 0.86, n * 0.24), w)
    pygame.draw.line(s, c, (n * 0.3, n * 0.88), (n * 0.7, n * 0.88), w)
    for x in (0.22, 0.78):
        pygame.draw.line(s, c, (n * x, n * 0.24), (n * (x - 0.12), n * 0.56), max(1, w // 2))
        pygame.draw.line(s, c, (n * x, n * 0.24), (n * (x + 0.12), n * 0.56), max(1, w // 2))
        pygame.draw.arc(
            s, c, (n * (x - 0.14), n * 0.42, n * 0.28, n * 0.24), math.pi, 2 * math.pi, w
        )


def _strike(s: pygame.Surface, c: Colour, n: int) -> None:
    pts = []
    for i in range(16):
        r = 0.46 if i % 2 == 0 else 0.2
        a = i * math.pi / 8
        pts.append((n * (0.5 + r * math.cos(a)), n * (0.5 + r * math.sin(a))))
    _poly(s, c, pts)


def _invasion(s: pygame.Surface, c: Colour, n: int) -> None:
    _poly(
        s,
        c,
        [
            (n * 0.06, n * 0.38),
            (n * 0.56, n * 0.38),
            (n * 0.56, n * 0.16),
            (n * 0.94, n * 0.5),
            (n * 0.56, n * 0.84),
            (n * 0.56, n * 0.62),
            (n * 0.06, n * 0.62),
        ],
    )


def _de_escalation(s: pygame.Surface, c: Colour, n: int) -> None:
    _poly(
        s,
        c,
        [
            (n * 0.38, n * 0.08),
            (n * 0.62, n * 0.08),
            (n * 0.62, n * 0.52),
            (n * 0.86, n * 0.52),
            (n * 0.5, n * 0.92),
            (n * 0.14, n * 0.52),
            (n * 0.38, n * 0.52),
        ],
    )


def _information(s: pygame.Surface, c: Colour, n: int) -> None:
    w = max(2, n // 12)
    pygame.draw.circle(s, c, (n * 0.5, n * 0.62), n * 0.08)
    pygame.draw.line(s, c, (n * 0.5, n * 0.66), (n * 0.5, n * 0.94), w)
    for r in (0.22, 0.38):
        rect = (n * (0.5 - r), n * (0.62 - r), n * 2 * r, n * 2 * r)
        pygame.draw.arc(s, c, rect, math.radians(25), math.radians(70), w)
        pygame.draw.arc(s, c, rect, math.radians(110), math.radians(155), w)


def _alliance(s: pygame.Surface, c: Colour, n: int) -> None:
    w = max(2, n // 10)
    pygame.draw.circle(s, c, (n * 0.36, n * 0.5), n * 0.24, w)
    pygame.draw.circle(s, c, (n * 0.64, n * 0.5), n * 0.24, w)


def _status_quo(s: pygame.Surface, c: Colour, n: int) -> None:
    pygame.draw.rect(s, c, (n * 0.26, n * 0.18, n * 0.16, n * 0.64))
    pygame.draw.rect(s, c, (n * 0.58, n * 0.18, n * 0.16, n * 0.64))


def _concession(s: pygame.Surface, c: Colour, n: int) -> None:
    w = max(2, n // 10)
    pygame.draw.line(s, c, (n * 0.24, n * 0.08), (n * 0.24, n * 0.94), w)
    _poly(
        s,
        c,
        [
            (n * 0.26, n * 0.12),
            (n * 0.84, n * 0.2),
            (n * 0.70, n * 0.34),
            (n * 0.84, n * 0.5),
            (n * 0.26, n * 0.52),
        ],
        max(1, w // 2),
    )


def _aircraft(s: pygame.Surface, c: Colour, n: int) -> None:
    _poly(
        s,
        c,
        [
            (n * 0.46, n * 0.06),
            (n * 0.54, n * 0.06),
            (n * 0.56, n * 0.38),
            (n * 0.94, n * 0.56),
            (n * 0.94, n * 0.64),
            (n * 0.56, n * 0.56),
            (n * 0.55, n * 0.78),
            (n * 0.68, n * 0.9),
            (n * 0.68, n * 0.95),
            (n * 0.5, n * 0.9),
            (n * 0.32, n * 0.95),
            (n * 0.32, n * 0.9),
            (n * 0.45, n * 0.78),
            (n * 0.44, n * 0.56),
            (n * 0.06, n * 0.64),
            (n * 0.06, n * 0.56),
            (n * 0.44, n * 0.38),
        ],
    )


def _infantry(s: pygame.Surface, c: Colour, n: int) -> None:
    """The NATO map symbol for infantry: a box with a cross."""
    w = max(2, n // 10)
    box = pygame.Rect(n * 0.06, n * 0.2, n * 0.88, n * 0.6)
    pygame.draw.rect(s, c, box, w)
    pygame.draw.line(s, c, box.topleft, box.bottomright, w)
    pygame.draw.line(s, c, box.bottomleft, box.topright, w)


def _unknown(s: pygame.Surface, c: Colour, n: int) -> None:
    pygame.draw.circle(s, c, (n * 0.5, n * 0.5), n * 0.36, max(2, n // 10))


DRAW: dict[str, Callable[[pygame.Surface, Colour, int], None]] = {
    "talks": _talks,
    "covert": _covert,
    "mobilization": _mobilization,
    "show_of_force": _show_of_force,
    "sanctions": _sanctions,
    "legal": _legal,
    "strike": _strike,
    "invasion": _invasion,
    "de_escalation": _de_escalation,
    "information": _information,
    "alliance": _alliance,
    "status_quo": _status_quo,
    "concession": _concession,
    "aircraft": _aircraft,
    "infantry": _infantry,
}


def icon(category: str, size: int, colour: Colour) -> pygame.Surface:
    """The icon of ``category`` (an option category or a map symbol), ``size`` px square."""
    key = (category, size, colour)
    surf = _cache.get(key)
    if surf is None:
        n = max(4, size) * _SS
        big = pygame.Surface((n, n), pygame.SRCALPHA)
        DRAW.get(category, _unknown)(big, colour, n)
        surf = pygame.transform.smoothscale(big, (max(4, size), max(4, size)))
        if len(_cache) > 400:
            _cache.clear()
        _cache[key] = surf
    return surf
