"""What if…: the chance of each ending if the player takes the option in view, against
holding course."""

from __future__ import annotations

from game.i18n import N_, _
from game.model.forecast import wilson
from game.ui import draw
from game.ui.pg import pygame
from game.ui.scenes.common import dots
from game.ui.scenes.room.panel import Panel, RoomView
from game.ui.style import outcome_colour
from game.words import count_text, short_name


class ForecastPanel(Panel):
    title = N_("What if…")  # until an option is in view
    accent = "caution"

    def draw(self, surface: pygame.Surface, view: RoomView) -> None:
        p, t = self.app.palette, self.app.text
        i = view.option_in_view
        opt = view.snap.options[i] if i is not None else None
        self.frame(surface, _("If you choose…") if opt and not view.watching else "")
        r = self.inner
        if view.blind:
            t.blit_wrapped(
                surface,
                _("Blind forecasting: the model's odds appear once your team's forecast is in."),
                r,
                t.px(13),
                p.dim,
            )
            return
        if opt is not None:  # the option's name in full, on two lines if it needs them
            name = (
                _("{side}: {option}", side=view.watching, option=opt.name)
                if view.watching
                else opt.name
            )
            rows_need = (len(view.scenario.outcomes) + 2) * t.line_height(t.px(11))
            ns, lines = self.title_lines(name, t.px(13), r.width, r.height - rows_need)
            for line in lines:
                t.blit(surface, line, (r.x, r.y), ns, p.caution, "bold", max_width=r.width)
                r = pygame.Rect(r.x, r.y + t.line_height(ns, "bold"), r.width, r.height)
                r.height = self.inner.bottom - r.y
        if opt is None:
            t.blit_wrapped(
                surface,
                _(
                    "Hover over an option, or press its number, to see how the odds move "
                    "compared with holding course."
                ),
                r,
                t.px(13),
                p.dim,
            )
            return
        w, hold = view.what_if, view.hold
        if w is None or hold is None:
            t.blit(
                surface,
                _("estimating{dots}", dots=dots(view.time)),
                (r.x, r.y + 2),
                t.px(14),
                p.caution,
                "italic",
            )
            t.blit_wrapped(
                surface,
                _("Thousands of possible futures are being played out."),
                pygame.Rect(r.x, r.y + t.line_height(t.px(14)) + 4, r.width, r.height),
                t.px(12),
                p.dim,
            )
            return
        size = t.px(12)
        lh = t.line_height(size)
        small = t.px(11)
        slh = t.line_height(small)
        cap = _(
            "Chance of each ending within {turns} · bar: this option, whisker: its interval "
            "(95%) · tick: holding course",
            turns=count_text(w.horizon, "turn"),
        )
        caps = t.wrap(cap, small, r.width)
        rows_h = (len(view.scenario.outcomes) + 2) * slh
        if len(caps) * slh + rows_h > r.height:  # tight: the short legend (details: hover)
            caps = t.wrap(
                _("Within {turns} · tick: holding course", turns=count_text(w.horizon, "turn")),
                small,
                r.width,
            )
        if len(caps) * slh + rows_h > r.height:
            caps = []
        for line in caps:
            t.blit(surface, line, (r.x, r.y), small, p.dim, max_width=r.width)
            r = pygame.Rect(r.x, r.y + slh, r.width, r.bottom - r.y - slh)
        rows = [(o.id, short_name(o), str(o.kind)) for o in view.scenario.outcomes]
        num_w = t.width(draw.pct(1.0), size, "bold") + 4
        vs_hold = _("vs hold")
        diff_w = max(t.width(vs_hold, small, "bold"), t.width("−100", size, "bold")) + 2
        # the names as wide as they need, leaving the bars a little room
        bar_min = max(24, round(r.width * 0.15))
        name_w = min(
            max(t.width(n, size) for _i, n, _k in rows) + 8,
            max(round(r.width * 0.42), r.width - num_w - diff_w - 12 - bar_min),
        )
        y = r.y
        t.blit(surface, vs_hold, (r.right, y), small, p.dim, "bold", "topright")
        chance = _("chance")
        t.blit(surface, chance, (r.right - diff_w - 6, y), small, p.dim, "bold", "topright")
        y += slh
        avail_h = r.bottom - y - slh - 2  # the last line: the share still unresolved
        if avail_h < len(rows) * lh:  # a smaller size rather than a row left out
            size, lh = small, slh
        if avail_h < len(rows) * lh:  # still tight (800×600, large text): rows packed closer
            lh = max(round(size * 1.15), avail_h // max(1, len(rows)))
        if avail_h < len(rows) * lh:  # many endings: a smaller size rather than a row lost
            size = max(9, int(avail_h / max(1, len(rows)) / 1.15))
            lh = max(round(size * 1.15), avail_h // max(1, len(rows)))
        rh = max(lh, min(lh + 12, avail_h // max(1, len(rows))))
        for oid, name, kind in rows:
            if y + lh > r.bottom - slh + 2:
                t.cuts.append(name)
                break
            pv, ph = w.p.get(oid, 0.0), hold.p.get(oid, 0.0)
            col = outcome_colour(p, view.scenario, oid)
            mid = y + rh // 2
            ns = t.size_to_fit(name, size, name_w - 6)
            while ns > 8 and t.width(name, ns) > name_w - 6:  # smaller still, not cut
                ns -= 1
            t.blit(surface, name, (r.x, mid), ns, p.text, "regular", "midleft", name_w - 6)
            bw = max(10, r.width - name_w - num_w - diff_w - 12)
            bar = pygame.Rect(r.x + name_w, mid - 5, bw, 10)
            pygame.draw.rect(surface, p.panel_hi, bar, border_radius=2)
            pygame.draw.rect(
                surface, col, (bar.x, bar.y, round(bar.width * pv), bar.height), border_radius=2
            )
            lo, hi = wilson(pv, w.worlds)
            x0, x1 = bar.x + round(bar.width * lo), bar.x + round(bar.width * hi)
            pygame.draw.line(surface, p.text, (x0, mid), (x1, mid), 1)
            hx = bar.x + round(bar.width * ph)
            pygame.draw.line(surface, p.text, (hx, bar.y - 3), (hx, bar.bottom + 2), 2)
            d = (pv - ph) * 100
            diff = f"{d:+.0f}".replace("-", "−") if abs(d) >= 0.5 else "0"
            worse = (kind == "war" and d > 0) or (kind == "settlement" and d < 0)
            better = (kind == "war" and d < 0) or (kind == "settlement" and d > 0)
            big = abs(d) >= 1
            dc = p.danger if worse and big else (p.calm if better and big else p.dim)
            t.blit(
                surface, draw.pct(pv), (r.right - diff_w - 6, mid), size, p.text, "bold", "midright"
            )
            t.blit(surface, diff, (r.right, mid), size, dc, "bold", "midright")
            y += rh
        # the share with no ending yet, apart: it is not an ending and would swamp the bars
        un, uh = w.p.get("unresolved", 0.0), hold.p.get("unresolved", 0.0)
        turns = count_text(w.horizon, "turn")
        chance, hold_pct = draw.pct(un), draw.pct(uh)
        # the longest wording that fits (the details on hover say it in full)
        notes = [
            _(
                "No ending yet in {turns}: {chance} (holding course {hold})",
                turns=turns,
                chance=chance,
                hold=hold_pct,
            ),
            _(
                "No ending in {turns}: {chance} (hold {hold})",
                turns=turns,
                chance=chance,
                hold=hold_pct,
            ),
            _("No ending: {chance} (hold {hold})", chance=chance, hold=hold_pct),
        ]
        note = next((n for n in notes if t.width(n, small) <= r.width), notes[-1])
        ns = t.size_to_fit(note, small, r.width)
        t.blit(surface, note, (r.x, r.bottom), ns, p.dim, anchor="bottomleft", max_width=r.width)

    def title_lines(self, name: str, size: int, width: int, room: int) -> tuple[int, list[str]]:
        """The option's name whole, on one line or two: the largest size from ``size`` down
        to three quarters of it at which it fits (two lines only within ``room``, the
        height the rows leave)."""
        t = self.app.text
        words = name.split() or [""]
        for s in range(size, max(8, round(size * 0.75)) - 1, -1):
            if t.width(name, s, "bold") <= width:
                return s, [name]
            if max(t.width(w, s, "bold") for w in words) > width:
                continue
            lines = t.wrap(name, s, width, "bold")
            if len(lines) <= 2 and 2 * t.line_height(s, "bold") <= room:
                return s, lines
        return size, t.wrap(name, size, width, "bold")[:2]
