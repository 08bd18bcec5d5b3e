"""A scrolling block of wrapped lines with a scrollbar: panels whose content may not fit
(the end screen's verdict, the how-to-play page) scroll instead of cutting text.

The wheel over the block, Page Up / Page Down, Home / End scroll it; the scene forwards
the events it does not use itself (``handle``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from game.ui.palette import Colour, Palette
from game.ui.pg import pygame
from game.ui.text import Text


@dataclass(frozen=True)
class Line:
    text: str
    colour: Colour
    size: float = 14  # base size, scaled by the text setting
    style: str = "regular"
    indent: int = 0
    gap: int = 0  # extra space above
    mark: Colour | None = None  # a small square before the line (a legend colour)


class ScrollLines:
    """Wrapped lines in a rect, scrolled by ``offset`` pixels."""

    BAR = 8

    def __init__(self) -> None:
        self.offset = 0
        self.content_h = 0
        self.rect = pygame.Rect(0, 0, 0, 0)

    @property
    def overflows(self) -> bool:
        return self.content_h > self.rect.height

    def max_offset(self) -> int:
        return max(0, self.content_h - self.rect.height)

    def scroll(self, dy: int) -> None:
        self.offset = min(max(0, self.offset + dy), self.max_offset())

    def at_end(self) -> bool:
        return self.offset >= self.max_offset()

    def handle(self, event: pygame.event.Event) -> bool:
        """Scroll on the wheel (over the block) or paging keys; True when used."""
        if event.type == pygame.MOUSEWHEEL:
            if self.rect.collidepoint(pygame.mouse.get_pos()):
                self.scroll(-event.y * 40)
                return True
            return False
        if event.type != pygame.KEYDOWN:
            return False
        page = max(40, self.rect.height - 40)
        step = {
            pygame.K_PAGEDOWN: page,
            pygame.K_PAGEUP: -page,
            pygame.K_HOME: -(10**6),
            pygame.K_END: 10**6,
        }.get(event.key)
        if step is None or not self.overflows:
            return False
        self.scroll(step)
        return True

    def draw(
        self, surface: pygame.Surface, rect: pygame.Rect, lines: list[Line], t: Text, p: Palette
    ) -> None:
        self.rect = pygame.Rect(rect)
        width = rect.width - self.BAR - 6
        rows: list[tuple[int, str, Line]] = []
        y = 0
        for ln in lines:
            size = t.px(ln.size)
            lh = t.line_height(size, ln.style)
            y += ln.gap
            indent = ln.indent + (14 if ln.mark is not None else 0)
            for k, part in enumerate(t.wrap(ln.text, size, width - indent, ln.style) or [""]):
                cont = Line(part, ln.colour, ln.size, ln.style, indent)  # a wrapped line's rest
                rows.append((y, part, ln if k == 0 else cont))
                y += lh
        self.content_h = y
        self.offset = min(self.offset, self.max_offset())
        old = surface.get_clip()
        surface.set_clip(rect.clip(old) if old else rect)
        for yy, part, ln in rows:
            top = rect.y + yy - self.offset
            size = t.px(ln.size)
            if top + t.line_height(size, ln.style) < rect.y or top > rect.bottom:
                continue
            x = rect.x + ln.indent
            if ln.mark is not None:
                pygame.draw.rect(surface, ln.mark, (x, top + size // 2 - 1, 8, 8))
                x += 14
            surface.blit(t.render(part, size, ln.colour, ln.style), (x, top))
        surface.set_clip(old)
        if self.overflows:
            bar = pygame.Rect(rect.right - self.BAR, rect.y, self.BAR, rect.height)
            pygame.draw.rect(surface, p.panel_hi, bar, border_radius=4)
            h = max(20, round(rect.height * rect.height / self.content_h))
            y0 = rect.y + round((rect.height - h) * self.offset / max(1, self.max_offset()))
            pygame.draw.rect(surface, p.dim, (bar.x, y0, self.BAR, h), border_radius=4)


class ScrollArea(ScrollLines):
    """Any drawing taller than its rect: ``draw_fn(surface, rect)`` draws the content from
    the top of a tall scratch surface and returns its height; the area shows a window of
    it, scrolled like ``ScrollLines``."""

    def draw_content(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        draw_fn: Callable[[pygame.Surface, pygame.Rect], int],
        p: Palette,
        bg: Colour,
    ) -> None:
        self.rect = pygame.Rect(rect)
        tall = max(rect.height, 4 * rect.height)
        scratch = self._scratch
        if scratch is None or scratch.get_size() != (rect.width, tall):
            scratch = self._scratch = pygame.Surface((rect.width, tall))
        scratch.fill(bg)
        inner = pygame.Rect(0, 0, rect.width - self.BAR - 6, tall)
        self.content_h = draw_fn(scratch, inner)
        self.offset = min(self.offset, self.max_offset())
        surface.blit(scratch, rect.topleft, pygame.Rect(0, self.offset, rect.width, rect.height))
        if self.overflows:
            bar = pygame.Rect(rect.right - self.BAR, rect.y, self.BAR, rect.height)
            pygame.draw.rect(surface, p.panel_hi, bar, border_radius=4)
            h = max(20, round(rect.height * rect.height / self.content_h))
            y0 = rect.y + round((rect.height - h) * self.offset / max(1, self.max_offset()))
            pygame.draw.rect(surface, p.dim, (bar.x, y0, self.BAR, h), border_radius=4)

    _scratch: pygame.Surface | None = None
