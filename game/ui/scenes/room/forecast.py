"""What if…: the chance of each ending if the player takes the option in view, against
holding course."""

from __future__ import annotations

from game.ui import draw
from game.ui.pg import pygame
from game.ui.scenes.common import dots
from game.ui.scenes.room.panel import Panel, RoomView
from game.ui.style import outcome_colour
from game.words import count_text


class ForecastPanel(Panel):
    title = "What if…"  # until an option is in view
    accent = "caution"

    def draw(self, surface: pygame.Surface, view: RoomView) -> None:
        p, t = self.app.palette, self.app.text
        i = view.option_in_view
        opt = view.snap.options[i] if i is not None else None
        title = f"If you choose: {opt.name}" if opt else self.title
        if view.watching and opt:
            title = f"If {view.watching} chose: {opt.name}"
        self.frame(surface, title)
        r = self.inner
        if view.blind:
            t.blit_wrapped(
                surface,
                "Blind forecasting: the model's odds appear once your team's forecast is in.",
                r,
                t.px(13),
                p.dim,
            )
            return
        if opt is None:
            t.blit_wrapped(
                surface,
                "Hover over an option, or press its number, to see how the odds move "
                "compared with holding course.",
                r,
                t.px(13),
                p.dim,
            )
            return
        w, hold = view.what_if, view.hold
        if w is None or hold is None:
            t.blit(
                surface,
                f"estimating{dots(view.time)}",
                (r.x, r.y + 2),
                t.px(14),
                p.caution,
                "italic",
            )
            t.blit(
                surface,
                "Thousands of possible futures are being played out.",
                (r.x, r.y + 24),
                t.px(12),
                p.dim,
                max_width=r.width,
            )
            return
        size = t.px(12)
        lh = t.line_height(size)
        t.blit(
            surface,
            f"Chance within {count_text(w.horizon, 'turn')} · bar: this option · tick: hold course",
            (r.x, r.y),
            t.px(11),
            p.dim,
            max_width=r.width,
        )
        y = r.y + t.line_height(t.px(11)) + 2
        rows = [(o.id, o.name, str(o.kind)) for o in view.scenario.outcomes]
        rows.append(("unresolved", "Still unresolved", "other"))
        avail_h = r.bottom - y
        rh = max(lh, min(lh + 14, avail_h // max(1, len(rows))))
        name_w = min(round(r.width * 0.45), 190)
        num_w = t.width("100% (−100)", size, "bold")
        for oid, name, kind in rows:
            if y + rh > r.bottom + 2:
                break
            pv, ph = w.p.get(oid, 0.0), hold.p.get(oid, 0.0)
            col = outcome_colour(p, view.scenario, oid)
            mid = y + rh // 2
            t.blit(surface, name, (r.x, mid), size, p.text, "regular", "midleft", name_w - 6)
            bar = pygame.Rect(r.x + name_w, mid - 5, max(10, r.width - name_w - num_w - 8), 10)
            pygame.draw.rect(surface, p.panel_hi, bar, border_radius=2)
            pygame.draw.rect(
                surface, col, (bar.x, bar.y, round(bar.width * pv), bar.height), border_radius=2
            )
            hx = bar.x + round(bar.width * ph)
            pygame.draw.line(surface, p.text, (hx, bar.y - 3), (hx, bar.bottom + 2), 2)
            d = (pv - ph) * 100
            diff = f"{d:+.0f}" if abs(d) >= 0.5 else "±0"
            worse = (kind == "war" and d > 0) or (kind == "settlement" and d < 0)
            better = (kind == "war" and d < 0) or (kind == "settlement" and d > 0)
            big = abs(d) >= 1
            dc = p.danger if worse and big else (p.calm if better and big else p.dim)
            t.blit(surface, draw.pct(pv), (bar.right + 6, mid), size, p.text, "bold", "midleft")
            t.blit(surface, diff, (r.right, mid), size, dc, "bold", "midright")
            y += rh
