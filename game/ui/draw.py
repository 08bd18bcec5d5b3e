"""Drawing helpers shared by the scenes: panels, sparklines, the ladder, bars, tooltips."""

from __future__ import annotations

from collections.abc import Sequence

from game.i18n import format_percent
from game.ui import palette as pal
from game.ui.pg import pygame
from game.ui.text import Text

Colour = tuple[int, int, int]


def header_height(text: Text) -> int:
    """A panel header's height with the gap under it (where a text box below it starts)."""
    return text.line_height(text.px(12), "bold") + 8


def panel_inner(rect: pygame.Rect, text: Text, titled: bool = True) -> pygame.Rect:
    """The content rect of a panel drawn by ``panel`` (below its header, if titled)."""
    if not titled:
        return rect.inflate(-12, -12)
    hh = text.line_height(text.px(12), "bold") + 6
    return pygame.Rect(rect.x + 8, rect.y + 1 + hh + 6, rect.width - 16, rect.height - hh - 12)


def panel(
    surface: pygame.Surface,
    rect: pygame.Rect,
    p: pal.Palette,
    text: Text,
    title: str = "",
    accent: Colour | None = None,
    right: str = "",
) -> pygame.Rect:
    """A dark panel with a small-caps header; returns the content rect below the header."""
    pygame.draw.rect(surface, p.panel, rect, border_radius=4)
    pygame.draw.rect(surface, p.edge, rect, 1, border_radius=4)
    if not title:
        return rect.inflate(-12, -12)
    size = text.px(12)
    hh = text.line_height(size, "bold") + 6
    head = pygame.Rect(rect.x + 1, rect.y + 1, rect.width - 2, hh)
    pygame.draw.rect(surface, p.panel_hi, head, border_top_left_radius=4, border_top_right_radius=4)
    pygame.draw.rect(surface, accent or p.accent, (rect.x + 1, rect.y + 1, 3, hh))
    cap = title.upper()
    ts = text.size_to_fit(cap, size, rect.width - 20, "bold")
    r = text.blit(
        surface, cap, (rect.x + 10, head.centery), ts, p.dim, "bold", "midleft", rect.width - 20
    )
    # the note at the right is a help: left out, not cut, when the title leaves no room
    if right and text.width(right, size) <= rect.right - r.right - 20:
        text.blit(
            surface, right, (rect.right - 8, head.centery), size, p.dim, "regular", "midright"
        )
    return panel_inner(rect, text)


def sparkline(
    surface: pygame.Surface,
    rect: pygame.Rect,
    values: Sequence[float],
    lo: float,
    hi: float,
    colour: Colour,
    band: float = 0.0,
    faint: Colour = (60, 70, 80),
) -> None:
    """A trend line scaled to [lo, hi], with the last point marked and an optional ±band."""
    if rect.width < 4 or rect.height < 4:
        return
    pygame.draw.line(surface, faint, (rect.x, rect.bottom - 1), (rect.right - 1, rect.bottom - 1))
    span = (hi - lo) or 1.0

    def y(v: float) -> float:
        return rect.bottom - 1 - (min(max(v, lo), hi) - lo) / span * (rect.height - 2)

    vals = list(values)[-16:]
    if not vals:
        return
    n = max(len(vals) - 1, 1)
    pts = [(rect.x + i * (rect.width - 3) / n, y(v)) for i, v in enumerate(vals)]
    if band > 0:
        x = pts[-1][0]
        pygame.draw.line(surface, faint, (x, y(vals[-1] - band)), (x, y(vals[-1] + band)), 3)
    if len(pts) >= 2:
        pygame.draw.aalines(surface, colour, False, pts)
    pygame.draw.circle(surface, colour, pts[-1], 2)


def meter(
    surface: pygame.Surface,
    rect: pygame.Rect,
    norm: float,
    colour: Colour,
    back: Colour,
    band: float = 0.0,
) -> None:
    """A horizontal gauge from 0..1 with an optional uncertainty band (in 0..1 units)."""
    pygame.draw.rect(surface, back, rect, border_radius=2)
    w = round(rect.width * min(max(norm, 0.0), 1.0))
    if w > 0:
        pygame.draw.rect(surface, colour, (rect.x, rect.y, w, rect.height), border_radius=2)
    if band > 0:
        a = rect.x + round(rect.width * max(0.0, norm - band))
        b = rect.x + round(rect.width * min(1.0, norm + band))
        pygame.draw.line(surface, (235, 235, 235), (a, rect.centery), (b, rect.centery), 1)
        pygame.draw.line(surface, (235, 235, 235), (a, rect.y), (a, rect.bottom - 1))
        pygame.draw.line(surface, (235, 235, 235), (b, rect.y), (b, rect.bottom - 1))


def signed_bar(
    surface: pygame.Surface,
    rect: pygame.Rect,
    value: float,
    scale: float,
    colour: Colour,
    axis: Colour,
) -> None:
    """A bar left or right of the centre line, ``value / scale`` of half the width."""
    cx = rect.centerx
    pygame.draw.line(surface, axis, (cx, rect.y), (cx, rect.bottom - 1))
    if scale <= 0:
        return
    w = round(rect.width / 2 * min(abs(value) / scale, 1.0))
    if w <= 0:
        return
    r = (
        pygame.Rect(cx, rect.y + 2, w, rect.height - 4)
        if value > 0
        else pygame.Rect(cx - w, rect.y + 2, w, rect.height - 4)
    )
    pygame.draw.rect(surface, colour, r, border_radius=2)


def tooltip(
    surface: pygame.Surface,
    anchor: tuple[int, int],
    lines: list[str],
    text: Text,
    p: pal.Palette,
    width: int = 320,
) -> pygame.Rect:
    """A tooltip box near ``anchor``, kept inside the window (wider with larger text)."""
    size = text.px(13)
    width = min(round(width * max(1.0, text.scale)), surface.get_width() - 8)
    wrapped: list[tuple[str, str]] = []
    for i, line in enumerate(lines):
        for w in text.wrap(line, size, width - 20, "bold" if i == 0 else "regular"):
            wrapped.append((w, "bold" if i == 0 else "regular"))
    lh = text.line_height(size)
    h = lh * len(wrapped) + 14
    sw, sh = surface.get_size()
    x = min(max(4, anchor[0] + 14), sw - width - 4)
    y = anchor[1] + 18
    if y + h > sh - 4:
        y = max(4, anchor[1] - h - 8)
    box = pygame.Rect(x, y, width, h)
    pygame.draw.rect(surface, p.bg, box, border_radius=4)
    pygame.draw.rect(surface, p.caution, box, 1, border_radius=4)
    yy = y + 7
    for w, style in wrapped:
        surface.blit(
            text.render(w, size, p.text if style == "bold" else p.dim, style), (x + 10, yy)
        )
        yy += lh
    return box


def dim(surface: pygame.Surface, alpha: int = 170) -> None:
    veil = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    veil.fill((4, 6, 10, alpha))
    surface.blit(veil, (0, 0))


def pct(p: float) -> str:
    """A chance as a whole percentage in the language's style (``42%``, ``42 %``); below
    one percent and above 99 it says so rather than round to 0 or 100."""
    if p < 0.005:
        return "<" + format_percent(0.01) if p > 0 else format_percent(0.0)
    if p > 0.995:
        return ">" + format_percent(0.99) if p < 1 else format_percent(1.0)
    return format_percent(p)
