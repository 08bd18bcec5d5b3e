"""The option cards: number, icon, name, category and a line of description each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.engine.views import OptionView
from game.i18n import _, format_number, format_signed, ngettext
from game.ui.icons import icon
from game.ui.pg import pygame
from game.ui.scenes.room.panel import Panel, RoomView, Tip
from game.ui.style import escalation_colour
from game.words import category_label

if TYPE_CHECKING:
    from game.ui.app import App


SECOND_ROW = "QWERTYUIOP"  # the keys of options 11 to 20


def option_key(i: int) -> str:
    """The key that chooses the ``i``-th option (0-based): 1–9, 0, then Q, W, E…"""
    if i < 9:
        return str(i + 1)
    if i == 9:
        return "0"
    return SECOND_ROW[i - 10] if i - 10 < len(SECOND_ROW) else ""


@dataclass(frozen=True)
class NameFit:
    """How a card shows an option's name: its size, its lines, and whether the category
    fits under it; ``whole`` is False when even the smallest size had to cut it."""

    size: int
    lines: list[str]
    show_tag: bool
    whole: bool


class CardsPanel(Panel):
    """The option cards in a grid; when they cannot show every name whole in their area
    (large text, a small window) they keep a readable height and scroll instead."""

    BAR = 8  # the scrollbar's width

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.grid: list[pygame.Rect] = []  # the cards, unscrolled
        self.offset = 0
        self.content_h = 0
        # name layouts by (name, card size): worked out once, not every frame
        self._fits: dict[tuple[str, int, int, float], NameFit] = {}

    @property
    def cards(self) -> list[pygame.Rect]:
        """Each card's rect on screen (scrolled)."""
        return [r.move(0, -self.offset) for r in self.grid]

    @property
    def scrolls(self) -> bool:
        return self.content_h > self.rect.height

    def max_offset(self) -> int:
        return max(0, self.content_h - self.rect.height)

    def layout(
        self,
        rect: pygame.Rect,
        cards: Sequence[pygame.Rect] = (),
        options: Sequence[OptionView] = (),
    ) -> None:
        super().layout(rect)
        grid = [pygame.Rect(r) for r in cards]
        if options and not all(self.fits(o, r) for o, r in zip(options, grid, strict=False)):
            grid = self.scrolling_grid(rect, options, grid)
        self.grid = grid
        self.content_h = max((r.bottom for r in grid), default=rect.y) - rect.y
        self.offset = min(self.offset, self.max_offset())

    def scrolling_grid(
        self, rect: pygame.Rect, options: Sequence[OptionView], given: list[pygame.Rect]
    ) -> list[pygame.Rect]:
        """Cards wide enough for their words and tall enough for their names with the
        category (at the full text size), in as many columns as allow that, scrolled
        in ``rect``."""
        t = self.app.text
        gap = max(4, given[1].x - given[0].right) if len(given) > 1 else 4
        width = rect.width - self.BAR - 4
        cols = 1
        for c in range(4, 0, -1):
            cw = (width - gap * (c - 1)) // c
            if cw >= t.px(200) and all(self.words_fit(o, cw) for o in options):
                cols = c
                break
        cw = (width - gap * (cols - 1)) // cols
        h = max(
            max((r.height for r in given), default=0),
            max(self.height_for(o, cw) for o in options),
        )
        return [
            pygame.Rect(rect.x + (i % cols) * (cw + gap), rect.y + (i // cols) * (h + gap), cw, h)
            for i in range(len(options))
        ]

    def scroll(self, dy: int) -> None:
        self.offset = min(max(0, self.offset + dy), self.max_offset())

    def reveal(self, i: int) -> None:
        """Scroll so that card ``i`` is in view (the keyboard's focus moved to it)."""
        if not (0 <= i < len(self.grid)) or not self.scrolls:
            return
        r = self.grid[i]
        top, bottom = r.y - self.rect.y, r.bottom - self.rect.y
        if top < self.offset:
            self.scroll(top - self.offset)
        elif bottom > self.offset + self.rect.height:
            self.scroll(bottom - self.offset - self.rect.height)

    def card_at(self, pos: tuple[int, int]) -> int | None:
        if not self.rect.collidepoint(pos):
            return None
        return next((i for i, r in enumerate(self.cards) if r.collidepoint(pos)), None)

    def columns(self) -> int:
        rs = self.grid
        return max(1, sum(1 for r in rs if r.y == rs[0].y)) if rs else 1

    # ---- the card's text, measured the same way for layout and drawing
    def text_box(self, r: pygame.Rect) -> tuple[int, int, int]:
        """(padding, x of the text from the card's left, width of the text)."""
        t = self.app.text
        pad = 6 if r.height >= 44 else 4
        x = pad + 2 + t.px(17) + 5
        ic = max(12, min(t.px(20), r.height - 2 * pad))
        tx = x + ic + 6
        return pad, tx, r.width - pad - tx

    def name_fit(self, opt: OptionView, r: pygame.Rect) -> NameFit:
        """The name on as many lines as it needs, at a size that lets it fit whole: first
        with its category under it, then without (the details show the category too)."""
        key = (opt.name, r.width, r.height, self.app.text.scale)
        got = self._fits.get(key)
        if got is None:
            if len(self._fits) > 256:
                self._fits.clear()
            got = self._fits[key] = self._name_fit(opt, r)
        return got

    def _name_fit(self, opt: OptionView, r: pygame.Rect) -> NameFit:
        t = self.app.text
        pad, _, tw = self.text_box(r)
        size = t.px(14 if r.height >= 50 else 13)
        slh = t.line_height(t.px(11))
        room = r.height - 2 * pad + 2
        words = opt.name.split() or [""]
        for with_tag in (True, False):
            for sz in range(size, max(8, round(size * 0.75)) - 1, -1):
                if max(t.width(w, sz, "bold") for w in words) > tw:
                    continue  # a word would be split: smaller, or not at all
                lines = t.wrap(opt.name, sz, tw, "bold")
                need = len(lines) * t.line_height(sz, "bold") + (slh if with_tag else 0)
                if need <= room:
                    return NameFit(sz, lines, with_tag, True)
        size = max(8, round(size * 0.75))
        return NameFit(size, [], False, False)

    def widest_word(self, text: str, size: int) -> int:
        t = self.app.text
        return int(
            t._memo(("widest", text, size), lambda: max(t.width(w, size) for w in text.split()))
        )

    def fits(self, opt: OptionView, r: pygame.Rect) -> bool:
        return self.name_fit(opt, r).whole

    def words_fit(self, opt: OptionView, width: int) -> bool:
        """Whether every word of the name fits a card ``width`` wide (at the full size)."""
        t = self.app.text
        tw = self.text_box(pygame.Rect(0, 0, width, 60))[2]
        size = t.px(14)
        return all(t.width(w, size, "bold") <= tw for w in opt.name.split())

    def height_for(self, opt: OptionView, width: int) -> int:
        """The card height that shows the name at the full size with its category."""
        t = self.app.text
        size = t.px(14)
        r = pygame.Rect(0, 0, width, 60)
        pad, _, tw = self.text_box(r)
        lines = len(t.wrap(opt.name, size, tw, "bold"))
        return lines * t.line_height(size, "bold") + t.line_height(t.px(11)) + 2 * pad

    # ---- drawing
    def draw(self, surface: pygame.Surface, view: RoomView) -> None:
        clip = surface.get_clip()
        if self.scrolls:
            surface.set_clip(self.rect.clip(clip) if clip else self.rect)
        for i, (r, opt) in enumerate(zip(self.cards, view.snap.options, strict=False)):
            if r.colliderect(self.rect):
                self.draw_card(surface, r, opt, i, view)
        surface.set_clip(clip)
        if self.scrolls:
            self.draw_bar(surface)
        if view.error:
            self.draw_error(surface, view.error)

    def error_spot(self, text: str) -> tuple[pygame.Rect, list[str], int, bool]:
        """Where the last refusal is written, its lines, their size, and whether it needs
        a plate: below the cards when there is room, else in the empty cell beside the
        last card, else over the foot of the cards on a plate (never over a card's text)."""
        t = self.app.text
        size = t.px(12)
        ca = self.rect
        if self.cards and not self.scrolls:
            last = max(self.cards, key=lambda r: (r.bottom, r.right))
            below = pygame.Rect(ca.x, last.bottom + 2, ca.width, ca.bottom - last.bottom - 2)
            right = ca.right - last.right - 6
            beside = pygame.Rect(last.right + 6, last.y, right, ca.bottom - last.y)
            for box in (below, beside):
                for sz in range(size, max(8, round(size * 0.8)) - 1, -1):
                    lh = t.line_height(sz, "bold")
                    if box.width < 60 or box.height < lh:
                        break
                    lines = t.wrap(text, sz, box.width - 8, "bold")
                    if lines and len(lines) * lh <= box.height:
                        return box, lines, sz, False
        lines = t.wrap(text, size, ca.width - 8, "bold")
        h = len(lines) * t.line_height(size, "bold") + 4
        return pygame.Rect(ca.x, ca.bottom - h, ca.width, h), lines, size, True

    def draw_error(self, surface: pygame.Surface, text: str) -> None:
        p, t = self.app.palette, self.app.text
        box, lines, size, plate = self.error_spot(text)
        lh = t.line_height(size, "bold")
        if plate:
            pygame.draw.rect(surface, p.panel_hi, box, border_radius=4)
        y = box.y + (box.height - len(lines) * lh) // 2
        for line in lines:
            t.blit(surface, line, (box.x + 4, y), size, p.danger, "bold")
            y += lh

    def draw_bar(self, surface: pygame.Surface) -> None:
        p = self.app.palette
        track = pygame.Rect(self.rect.right - self.BAR, self.rect.y, self.BAR, self.rect.height)
        pygame.draw.rect(surface, p.panel, track, border_radius=3)
        h = max(16, round(track.height * track.height / max(1, self.content_h)))
        y = track.y + round((track.height - h) * self.offset / max(1, self.max_offset()))
        pygame.draw.rect(surface, p.dim, (track.x, y, track.width, h), border_radius=3)

    def draw_card(
        self, surface: pygame.Surface, r: pygame.Rect, opt: OptionView, i: int, view: RoomView
    ) -> None:
        p, t = self.app.palette, self.app.text
        selected, hovered = i == view.selected, i == view.hovered
        avail = opt.available
        bg = p.panel_hi if (hovered or i == view.in_view) and avail else p.panel
        pygame.draw.rect(surface, bg, r, border_radius=5)
        edge = p.caution if selected else (p.accent if hovered or i == view.focused else p.edge)
        pygame.draw.rect(surface, edge, r, 3 if selected else 1, border_radius=5)
        ecol = escalation_colour(p, opt.escalation)
        pygame.draw.rect(surface, ecol if avail else p.faint, (r.x + 1, r.y + 4, 3, r.height - 8))
        pad, text_x, tw = self.text_box(r)
        small = t.px(11)
        slh = t.line_height(small)
        txt_col = p.text if avail else p.faint
        x = r.x + pad + 2
        num = option_key(i)
        if num:
            badge = pygame.Rect(x, r.y + pad, t.px(17), t.px(17))
            pygame.draw.rect(surface, p.bg, badge, border_radius=3)
            pygame.draw.rect(surface, edge if selected else p.edge, badge, 1, border_radius=3)
            colour = p.caution if selected else p.dim
            t.blit(surface, num, badge.center, t.px(12), colour, "bold", "center")
        x = r.x + pad + 2 + t.px(17) + 5
        ic = max(12, min(t.px(20), r.height - 2 * pad))
        surface.blit(icon(opt.category, ic, ecol if avail else p.faint), (x, r.y + pad))
        tx = r.x + text_x
        tag = category_label(opt.category)
        if opt.covert and opt.category != "covert":
            tag = _("{category}  ·  covert", category=tag)
        if not avail:
            # the reason in full when it fits; else in the details (focus or hover)
            why = _("Unavailable: {reason}", reason=opt.reason or _("not now"))
            tag = why if t.width(why, small) <= tw else _("Unavailable")
        fit = self.name_fit(opt, r)
        lines, size = fit.lines, fit.size
        if not fit.whole:  # (the layout scrolls rather than let this happen)
            lines = t.wrap(opt.name, size, tw, "bold")
            fit_n = max(1, (r.height - 2 * pad + 2) // t.line_height(size, "bold"))
            if len(lines) > fit_n:
                t.cuts.append(opt.name)
                rest = " ".join(lines[fit_n - 1 :])
                lines = [*lines[: fit_n - 1], t._fit(rest, size, tw, "bold")]
        lh = t.line_height(size, "bold")
        y = r.y + pad - 3
        for line in lines:
            t.blit(surface, line, (tx, y), size, txt_col, "bold")
            y += lh
        if fit.show_tag:
            style = "bold" if avail else "regular"
            tag_size = t.size_to_fit(tag, small, tw, style)  # a long category a little smaller
            t.blit(surface, tag, (tx, y), tag_size, ecol if avail else p.faint, style, max_width=tw)
            y += slh
        # the description only when it fits whole (the details always show it)
        ds = t.px(12)
        if avail and opt.description and self.widest_word(opt.description, ds) <= tw:
            desc = t.wrap(opt.description, ds, tw)
            if y + len(desc) * t.line_height(ds) <= r.bottom - 3:
                for line in desc:
                    t.blit(surface, line, (tx, y), ds, p.dim)
                    y += t.line_height(ds)

    def hit(self, pos: tuple[int, int], view: RoomView) -> Tip | None:
        i = self.card_at(pos)
        if i is None or i >= len(view.snap.options):
            return None
        o = view.snap.options[i]
        level = format_signed(o.escalation, None)
        lines = [
            o.name,
            o.description,
            (
                _(
                    "{category} · escalation {escalation} · covert",
                    category=category_label(o.category),
                    escalation=level,
                )
                if o.covert
                else _(
                    "{category} · escalation {escalation}",
                    category=category_label(o.category),
                    escalation=level,
                )
            ),
        ]
        if o.commits:
            lines.append(o.commits)
        if not o.available:
            lines.append(_("Not available: {reason}", reason=o.reason))
        w, hold = view.what_if, view.hold
        if w is not None and hold is not None and w.option == o.id and w.metrics:
            # the expected effect on each metric, against holding course
            names = {m.id: m.name for m in view.snap.metrics}
            base = hold.metrics
            moves = [
                _(
                    "{metric} about {value} (holding course {hold})",
                    metric=names.get(mid, mid),
                    value=format_number(v, 0),
                    hold=format_number(base.get(mid, v), 0),
                )
                for mid, v in w.metrics.items()
                if abs(v - base.get(mid, v)) >= 0.5
            ]
            days = w.horizon * view.scenario.meta.turn_days
            lines.append(
                ngettext(
                    "In {n} day, the likeliest values: {values}.",
                    "In {n} days, the likeliest values: {values}.",
                    days,
                    values="; ".join(moves),
                )
                if moves
                else ngettext(
                    "In {n} day: no metric you can see differs from holding course.",
                    "In {n} days: no metric you can see differs from holding course.",
                    days,
                )
            )
        return (o.id, lines)
