"""The option cards: number, icon, name, category and a line of description each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from game.engine.views import OptionView
from game.i18n import _, format_number, ngettext
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


class CardsPanel(Panel):
    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.cards: list[pygame.Rect] = []

    def layout(self, rect: pygame.Rect, cards: Sequence[pygame.Rect] = ()) -> None:
        super().layout(rect)
        self.cards = [pygame.Rect(r) for r in cards]

    def card_at(self, pos: tuple[int, int]) -> int | None:
        return next((i for i, r in enumerate(self.cards) if r.collidepoint(pos)), None)

    def columns(self) -> int:
        rs = self.cards
        return max(1, sum(1 for r in rs if r.y == rs[0].y)) if rs else 1

    def draw(self, surface: pygame.Surface, view: RoomView) -> None:
        p, t = self.app.palette, self.app.text
        for i, (r, opt) in enumerate(zip(self.cards, view.snap.options, strict=False)):
            self.draw_card(surface, r, opt, i, view)
        if view.error:
            ca = self.rect
            t.blit(
                surface,
                view.error,
                (ca.x + 4, ca.bottom - 2),
                t.px(12),
                p.danger,
                "bold",
                "bottomleft",
                max_width=ca.width - 8,
            )

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
        pad = 6 if r.height >= 44 else 4
        size = t.px(14 if r.height >= 50 else 13)
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
            x = badge.right + 5
        ic = max(12, min(t.px(20), r.height - 2 * pad))
        surface.blit(icon(opt.category, ic, ecol if avail else p.faint), (x, r.y + pad))
        tx = x + ic + 6
        tw = r.right - pad - tx
        room = r.height - 2 * pad + 2
        tag = category_label(opt.category)
        if opt.covert and opt.category != "covert":
            tag = _("{category}  ·  covert", category=tag)
        if not avail:
            # the reason in full when it fits; else in the details (focus or hover)
            why = _("Unavailable: {reason}", reason=opt.reason or _("not now"))
            tag = why if t.width(why, small) <= tw else _("Unavailable")
        style = "bold" if avail else "regular"
        tag_size = t.size_to_fit(tag, small, tw, style)  # a long category a little smaller
        fits_tag = t.width(tag, tag_size, style) <= tw  # else only in the details
        # the name on as many lines as it needs, at a size that lets it fit whole: first
        # with its category under it, then without (the details show the category too)
        y0 = r.y + pad - 3
        lines: list[str] = [opt.name]
        show_tag = False
        for with_tag in (True, False) if fits_tag else (False,):
            for sz in range(size, max(8, round(size * 0.75)) - 1, -1):
                lines = t.wrap(opt.name, sz, tw, "bold")
                need = len(lines) * t.line_height(sz, "bold") + (slh if with_tag else 0)
                if need <= room and not any(line.endswith("…") for line in lines):
                    size, show_tag = sz, with_tag
                    break
            else:
                continue
            break
        else:
            size = max(8, round(size * 0.75))
            lines = t.wrap(opt.name, size, tw, "bold")
            fit_n = max(1, room // t.line_height(size, "bold"))
            if len(lines) > fit_n:
                t.cuts.append(opt.name)
                rest = " ".join(lines[fit_n - 1 :])
                lines = [*lines[: fit_n - 1], t._fit(rest, size, tw, "bold")]
        lh = t.line_height(size, "bold")
        y = y0
        for line in lines:
            t.blit(surface, line, (tx, y), size, txt_col, "bold")
            y += lh
        if show_tag:
            t.blit(surface, tag, (tx, y), tag_size, ecol if avail else p.faint, style)
            y += slh
        # the description only when it fits whole (the details always show it)
        ds = t.px(12)
        desc = t.wrap(opt.description, ds, tw)
        if avail and y + len(desc) * t.line_height(ds) <= r.bottom - 3:
            for line in desc:
                t.blit(surface, line, (tx, y), ds, p.dim)
                y += t.line_height(ds)

    def hit(self, pos: tuple[int, int], view: RoomView) -> Tip | None:
        i = self.card_at(pos)
        if i is None or i >= len(view.snap.options):
            return None
        o = view.snap.options[i]
        level = ("+" if o.escalation > 0 else "") + format_number(o.escalation)
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
