"""Fonts (Noto Sans from assets/fonts) and a cache of rendered text.

Static text is rendered once and reused: ``Text.render`` keys on (text, size,
style, colour) and keeps the most recent surfaces.
"""

from __future__ import annotations

from collections import OrderedDict, deque

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
        # every text cut to fit (an ellipsis, a dropped line, a split word), newest last:
        # the layout tests assert that none happens on a screen at the tested sizes
        self.cuts: deque[str] = deque(maxlen=400)

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
        """``text`` cut with an ellipsis to fit ``width`` pixels (the cut is recorded)."""
        out = self._memo(
            ("fit", text, size, width, style), lambda: self._fit(text, size, width, style)
        )
        if out != text:
            self.cuts.append(text)
        return out

    def size_to_fit(self, text: str, size: int, width: int, style: str = "regular") -> int:
        """The largest size from ``size`` down to three quarters of it at which ``text``
        fits ``width`` on one line (the smallest, if none does: the caller then cuts)."""
        smallest = max(8, round(size * 0.75))
        s = size
        while s > smallest and self.width(text, s, style) > width:
            s -= 1
        return s

    def sentences(
        self, text: str, size: int, width: int, lines: int, style: str = "regular"
    ) -> str:
        """The first whole sentences of ``text`` that wrap into ``lines`` lines (at least
        the first sentence): a preview that ends at a full stop, not mid-word."""
        parts = [p for p in text.replace("\n", " ").split(". ") if p]
        out = ""
        for k in range(len(parts)):
            cand = ". ".join(parts[: k + 1])
            cand = cand if cand.endswith(".") else cand + "."
            if k and len(self.wrap(cand, size, width, style)) > lines:
                break
            out = cand
        return out

    def wrap(self, text: str, size: int, width: int, style: str = "regular") -> list[str]:
        """Greedy word wrap to ``width`` pixels (long words are cut, and recorded)."""
        lines = list(
            self._memo(
                ("wrap", text, size, width, style),
                lambda: tuple(self._wrap(text, size, width, style)),
            )
        )
        if any(line.endswith("…") for line in lines) and not text.rstrip().endswith("…"):
            self.cuts.append(text)
        return lines

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
            # at spaces only: a no-break space ("0,7 %") keeps a number and its unit together
            words = [w for w in para.replace("\t", " ").split(" ") if w]
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
        if n < len(lines):
            self.cuts.append(text)
        if n < len(lines) and n > 0:
            lines = [*lines[: n - 1], self._fit(lines[n - 1] + " …", size, rect.width, style)]
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
