"""The advisors: each one's stance, recommendation and reason."""

from __future__ import annotations

from game.engine.views import Advice
from game.i18n import N_, _
from game.ui import draw
from game.ui.pg import pygame
from game.ui.scenes.common import dots
from game.ui.scenes.room.cards import option_key
from game.ui.scenes.room.panel import Panel, RoomView, Tip


class AdvisorsPanel(Panel):
    title = N_("Advisors")
    note = N_("hover for their reasons")

    def stance_key(self, view: RoomView, a: Advice) -> str:
        """The advisor's stance in the scenario file's own words ("hawk"), lower-case."""
        g = self.app.game
        if g is None:
            return ""
        for actor in g.loaded.as_written.actors:
            if actor.id == view.snap.actor:
                adv = next((x for x in actor.advisors if x.id == a.advisor), None)
                return adv.stance.lower() if adv is not None else ""
        return ""

    def per_row(self, n: int) -> int:
        lh = self.app.text.line_height(self.app.text.px(12))
        return max(lh + 2, self.inner.height // max(1, n))

    def rows(self, view: RoomView) -> list[tuple[pygame.Rect, Advice]]:
        adv = view.advice or ()
        r = self.inner
        lh = self.app.text.line_height(self.app.text.px(12))
        per = self.per_row(len(adv))
        out, y = [], r.y
        for a in adv:
            if y + lh > r.bottom + 2:
                break
            out.append((pygame.Rect(r.x, y, r.width, min(per, r.bottom - y)), a))
            y += per
        return out

    def draw(self, surface: pygame.Surface, view: RoomView) -> None:
        p, t = self.app.palette, self.app.text
        if view.watching:  # the observer: no side's advisors, the watch's own controls
            r = draw.panel(surface, self.rect, p, t, _("Watching"))
            text = _(
                "You watch both sides. The indicators show true values, which the sides "
                "see only through their intelligence. Enter: next turn; + and −: "
                "auto-advance speed."
            )
            # a longer language's text takes a smaller size before it loses the keys at its end
            size = t.px(13)
            while (
                size > t.px(10)
                and len(t.wrap(text, size, r.width)) * t.line_height(size) > r.height
            ):
                size -= 1
            t.blit_wrapped(surface, text, r, size, p.text)
            return
        self.frame(surface)
        r = self.inner
        if view.advice is None:
            text = _("Your advisors are conferring{dots}", dots=dots(view.time))
            t.blit(surface, text, (r.x, r.y), t.px(13), p.dim, "italic")
            return
        if not view.advice:
            none = _("No advisors in this scenario.")
            t.blit(surface, none, (r.x, r.y), t.px(13), p.dim, "italic")
            return
        size = t.px(12)
        lh = t.line_height(size)
        per = self.per_row(len(view.advice))
        for row, a in self.rows(view):
            y = row.y
            # the colour by the stance as the file words it: the same key in every language
            stance_col = {"hawk": p.danger, "dove": p.calm}.get(self.stance_key(view, a), p.accent)
            # the whole stance ("domestic politics"), smaller rather than cut
            # (it may take what the shortest recommendation, "› [6]", leaves)
            stance = a.stance.upper()
            chip_w = r.width - 14 - t.width("› [00]", t.px(9), "bold")
            cs = t.size_to_fit(stance, t.px(10), chip_w, "bold")
            chip = t.render(t.fit(stance, cs, chip_w, "bold"), cs, p.bg, "bold")
            cr = chip.get_rect(topleft=(r.x, y + 2)).inflate(8, 2)
            cr.x = r.x
            pygame.draw.rect(surface, stance_col, cr, border_radius=3)
            surface.blit(chip, chip.get_rect(center=cr.center))
            idx = next((o.index for o in view.snap.options if o.id == a.option), None)
            num = f"[{option_key(idx)}] " if idx is not None and option_key(idx) else ""
            x = cr.right + 6
            rec = f"› {num}{a.option_name}"
            name_w = t.width(a.name, size, "bold")
            yy = y
            if name_w + 6 + t.width(rec, size, "bold") <= r.right - x:
                t.blit(surface, a.name, (x, y), size, p.text, "bold")
                t.blit(surface, rec, (x + name_w + 6, y), size, p.caution, "bold")
                yy += lh
            else:
                # the recommendation first: beside the stance, else on the lines under it
                # with the name beside the stance (the name is in the details too)
                def wrapped(sz: int, width: int, rec: str = rec) -> list[str] | None:
                    # None when a word is wider than the line (measuring must not cut)
                    if max(t.width(w, sz, "bold") for w in rec.split()) > width:
                        return None
                    return t.wrap(rec, sz, width, "bold")

                got = wrapped(size, r.right - x)
                while (got is None or len(got) * lh > per - 2) and size > t.px(9):
                    size -= 1  # smaller, not cut
                    lh = t.line_height(size)
                    got = wrapped(size, r.right - x)
                if (got is None or len(got) * lh > per - 2) and num:
                    # no room for the name in this row: its key (hover or focus names it)
                    got = [f"› {num.strip()}"]
                lines = got if got is not None else t.wrap(rec, size, r.right - x, "bold")
                if per >= (len(lines) + 1) * lh and name_w <= r.right - x:
                    t.blit(surface, a.name, (x, y), size, p.text, "bold")
                    yy += lh
                    # the whole recommendation under the name if it fits there, else the key
                    wide = wrapped(size, r.width - 4)
                    if wide is not None and (len(wide) + 1) * lh <= per - 2:
                        lines = wide
                    x = r.x + 4
                for line in lines:
                    t.blit(surface, line, (x, yy), size, p.caution, "bold")
                    yy += lh
            # the reason when it fits whole (hover or focus shows it always)
            said = _("Their reasons and figures follow your forecast.") if view.blind else a.reason
            reason = t.wrap(said, size, r.width - 4)
            if yy + len(reason) * lh <= y + per - 2:
                for line in reason:
                    t.blit(surface, line, (r.x + 4, yy), size, p.dim)
                    yy += lh

    def hit(self, pos: tuple[int, int], view: RoomView) -> Tip | None:
        for row, a in self.rows(view):
            if row.collidepoint(pos):
                reason = _("(after your forecast)") if view.blind else a.reason
                who = _("{name}, {title} ({stance})", name=a.name, title=a.title, stance=a.stance)
                return (a.name, [who, _("Recommends: {option}", option=a.option_name), reason])
        return None
