"""Indicators: each metric's value (or estimate), a meter and its history."""

from __future__ import annotations

from game.engine.views import MetricView
from game.i18n import N_, _, format_number
from game.ui import draw
from game.ui.pg import pygame
from game.ui.scenes.room.panel import Panel, RoomView, Tip
from game.ui.style import fmt_value, metric_colour, norm, shown_history


class IndicatorsPanel(Panel):
    title = N_("Indicators")
    note = N_("hover for details")

    def rows(self, view: RoomView) -> list[tuple[pygame.Rect, MetricView]]:
        r = self.inner
        ms = view.snap.metrics
        if not ms:
            return []
        rh = max(24, min(58, r.height // len(ms)))
        out = []
        for k, m in enumerate(ms):
            row = pygame.Rect(r.x, r.y + k * rh, r.width, rh - 4)
            if row.bottom > r.bottom + 2:
                break
            out.append((row, m))
        return out

    def draw(self, surface: pygame.Surface, view: RoomView) -> None:
        p, t = self.app.palette, self.app.text
        self.frame(surface)
        r = self.inner
        rows = self.rows(view)
        if not rows:
            return
        rh = max(24, min(58, r.height // len(view.snap.metrics)))
        size = t.px(13 if rh >= 34 else 12)
        vsize = t.px(13)
        for row, m in rows:
            col = metric_colour(p, m)
            val = fmt_value(m)
            vw = t.width(val, vsize, "bold")
            room = r.width - vw - 10
            # the full name if it fits (a little smaller if need be), else the short one
            name, ns = m.name, t.size_to_fit(m.name, size, room)
            if t.width(name, ns) > room:
                name, ns = m.short, t.size_to_fit(m.short, size, room)
            t.blit(surface, name, (row.x, row.y), ns, p.text, max_width=room)
            t.blit(
                surface,
                val,
                (row.right, row.y),
                vsize,
                col if m.exact else p.caution,
                "bold",
                "topright",
            )
            lh = t.line_height(size)
            gy = row.y + lh
            gh = max(4, row.height - lh - 2)
            spark_w = max(30, round(row.width * 0.34)) if gh >= 10 else 0
            meter = pygame.Rect(
                row.x, gy + gh // 2 - 3, row.width - spark_w - (8 if spark_w else 0), 6
            )
            band = (m.error / (m.hi - m.lo)) if not m.exact and m.hi > m.lo else 0.0
            draw.meter(surface, meter, norm(m), col, p.panel_hi, band)
            if spark_w:
                draw.sparkline(
                    surface,
                    pygame.Rect(row.right - spark_w, gy, spark_w, gh),
                    shown_history(m),
                    m.lo,
                    m.hi,
                    col,
                    band=m.error if not m.exact else 0.0,
                    faint=p.edge,
                )

    def hit(self, pos: tuple[int, int], view: RoomView) -> Tip | None:
        for row, m in self.rows(view):
            if row.collidepoint(pos):
                lines = [m.name, m.description]
                if not m.exact:
                    lines.append(
                        _(
                            "An estimate: the true value is probably within ±{error} "
                            "(your intelligence is imperfect).",
                            error=format_number(m.error, 0),
                        )
                    )
                lo, hi = format_number(m.lo), format_number(m.hi)
                rising = {
                    "escalatory": _("Range {lo}–{hi}; rising is escalatory.", lo=lo, hi=hi),
                    "calming": _("Range {lo}–{hi}; rising is calming.", lo=lo, hi=hi),
                }.get(str(m.higher_is), _("Range {lo}–{hi}; rising is neutral.", lo=lo, hi=hi))
                lines.append(rising)
                return (m.id, lines)
        return None
