"""Fonts (Noto Sans from assets/fonts) and a cache of rendered text.

Static text is rendered once and reused: ``Text.render`` keys on (text, size,
style, colour) and keeps the most recent surfaces.
"""

from __future__ import annotations

from collections import OrderedDict

from game.scenario.paths import ASSETS
from game.ui.pg import pygame

FONT_DIR = ASSETS / "fonts"
FONT_FILES = {
    "regular": FONT_DIR / "NotoSans-Regular.ttf",
    "bold": FONT_DIR / "NotoSans-Bold.ttf",
    "italic": FONT_DIR / "NotoSans-Italic.ttf",
    "bold_italic": FONT_DIR / "NotoSans-BoldItalic.ttf",
    "mono": FONT_DIR / "FiraCode-Regular.ttf",
}

Colour = tuple[int, int, int]


class Text:
    """Font objects per (style, size) and an LRU cache of rendered lines."""

    def __init__(self, scale: float = 1.0, cache_size: int = 3000) -> None:
        self.scale = scale
        self._fonts: dict[tuple[str, int], pygame.font.Font] = {}
        self._cache: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._cache_size = cache_size
        self._layout: dict[tuple, object] = {}  # wrap / fit results: text layout is cached too
        self.misses = 0

    def px(self, size: float) -> int:
        """A base size in pixels, scaled by the player's text size."""
        return max(8, round(size * self.scale))

    def font(self, size: int, style: str = "regular") -> pygame.font.Font:
        key = (style, size)
        f = self._fonts.get(key)
        if f is None:
            f = pygame.font.Font(str(FONT_FILES.get(style, FONT_FILES["regular"])), size)
            self._fonts[key] = f
        return f

    def render(
        self, text: str, size: int, colour: Colour, style: str = "regular"
    ) -> pygame.Surface:
        key = (text, size, style, colour)
        surf = self._cache.get(key)
        if surf is not None:
            self._cache.move_to_end(key)
            return surf
        self.misses += 1
        surf = self.font(size, style).render(text, True, colour)
        self._cache[key] = surf
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return surf

    def width(self, text: str, size: int, style: str = "regular") -> int:
        return self._memo(("w", text, size, style), lambda: self.font(size, style).size(text)[0])

    def line_height(self, size: int, style: str = "regular") -> int:
        return self.font(size, style).get_linesize()

    def _memo(self, key: tuple, fn):
        got = self._layout.get(key)
        if got is None:
            if len(self._layout) > 4000:
                self._layout.clear()
            got = self._layout[key] = fn()
        return got

    def fit(self, text: str, size: int, width: int, style: str = "regular") -> str:
        """``text`` cut with an ellipsis to fit ``width`` pixels."""
        return self._memo(
            ("fit", text, size, width, style), lambda: self._fit(text, size, width, style)
        )

    def wrap(self, text: str, size: int, width: int, style: str = "regular") -> list[str]:
        """Greedy word wrap to ``width`` pixels (long words are cut)."""
        return list(
            self._memo(
                ("wrap", text, size, width, style),
                lambda: tuple(self._wrap(text, size, width, style)),
            )
        )

    def _fit(self, text: str, size: int, width: int, style: str = "regular") -> str:
        if width <= 0:
            return ""
        f = self.font(size, style)
        if f.size(text)[0] <= width:
            return text
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if f.size(text[:mid].rstrip() + "…")[0] <= width:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo].rstrip() + "…" if lo else ""

    def _wrap(self, text: str, size: int, width: int, style: str = "regular") -> list[str]:
        f = self.font(size, style)
        lines: list[str] = []
        for para in text.split("\n"):
            words = para.split()
            if not words:
                lines.append("")
                continue
            cur = ""
            for w in words:
                cand = f"{cur} {w}" if cur else w
                if f.size(cand)[0] <= width or not cur:
                    cur = cand if f.size(cand)[0] <= width else self.fit(cand, size, width, style)
                else:
                    lines.append(cur)
                    cur = w if f.size(w)[0] <= width else self.fit(w, size, width, style)
            lines.append(cur)
        return lines

    def blit(
        self,
        surface: pygame.Surface,
        text: str,
        pos: tuple[float, float],
        size: int,
        colour: Colour,
        style: str = "regular",
        anchor: str = "topleft",
        max_width: int | None = None,
    ) -> pygame.Rect:
        if max_width is not None:
            text = self.fit(text, size, max_width, style)
        surf = self.render(text, size, colour, style)
        r = surf.get_rect(**{anchor: pos})
        surface.blit(surf, r)
        return r

    def blit_wrapped(
        self,
        surface: pygame.Surface,
        text: str,
        rect: pygame.Rect,
        size: int,
        colour: Colour,
        style: str = "regular",
        max_lines: int | None = None,
    ) -> int:
        """Draw wrapped text inside ``rect`` (lines that do not fit are dropped); return height."""
        lh = self.line_height(size, style)
        lines = self.wrap(text, size, rect.width, style)
        room = max(0, rect.height // lh) if rect.height else len(lines)
        n = min(len(lines), room if max_lines is None else min(room, max_lines))
        if n < len(lines) and n > 0:
            lines = [*lines[: n - 1], self.fit(lines[n - 1] + " …", size, rect.width, style)]
        y = rect.y
        for line in lines[:n]:
            surface.blit(self.render(line, size, colour, style), (rect.x, y))
            y += lh
        return y - rect.y


def has_glyphs(text: str, style: str = "regular") -> bool:
    """True when the bundled font has a glyph for every character of ``text``."""
    import pygame.freetype as ft

    if not ft.get_init():
        ft.init()
    f = ft.Font(str(FONT_FILES[style]), 16)
    chars = [ch for ch in text if not ch.isspace()]
    return all(m is not None for m in f.get_metrics("".join(chars))) if chars else True
