"""The advisors: each one's stance, recommendation and reason."""

from __future__ import annotations

from game.engine.views import Advice
from game.ui.pg import pygame
from game.ui.scenes.common import dots
from game.ui.scenes.room.panel import Panel, RoomView, Tip


class AdvisorsPanel(Panel):
    title = "Advisors"
    note = "hover for their reasons"

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
        self.frame(surface)
        r = self.inner
        if view.advice is None:
            text = f"Your advisors are conferring{dots(view.time)}"
            t.blit(surface, text, (r.x, r.y), t.px(13), p.dim, "italic")
            return
        if not view.advice:
            t.blit(surface, "No advisors in this scenario.", (r.x, r.y), t.px(13), p.dim, "italic")
            return
        size = t.px(12)
        lh = t.line_height(size)
        per = self.per_row(len(view.advice))
        lines = max(1, (per - 4) // lh)
        for row, a in self.rows(view):
            y = row.y
            stance_col = {"hawk": p.danger, "dove": p.calm}.get(a.stance.lower(), p.accent)
            chip = t.render(a.stance.upper()[:12], t.px(10), p.bg, "bold")
            cr = chip.get_rect(topleft=(r.x, y + 2)).inflate(8, 2)
            cr.x = r.x
            pygame.draw.rect(surface, stance_col, cr, border_radius=3)
            surface.blit(chip, chip.get_rect(center=cr.center))
            idx = next((o.index for o in view.snap.options if o.id == a.option), None)
            num = f"[{'0' if idx == 9 else idx + 1}] " if idx is not None and idx < 10 else ""
            x = cr.right + 6
            nw = t.blit(
                surface, a.name, (x, y), size, p.text, "bold", max_width=round((r.right - x) * 0.45)
            ).width
            t.blit(
                surface,
                f"› {num}{a.option_name}",
                (x + nw + 6, y),
                size,
                p.caution,
                "bold",
                max_width=r.right - x - nw - 6,
            )
            if lines >= 2:
                t.blit_wrapped(
                    surface,
                    "Their reasons and figures follow your forecast." if view.blind else a.reason,
                    pygame.Rect(r.x + 4, y + lh, r.width - 4, per - lh - 2),
                    size,
                    p.dim,
                    max_lines=lines - 1,
                )

    def hit(self, pos: tuple[int, int], view: RoomView) -> Tip | None:
        for row, a in self.rows(view):
            if row.collidepoint(pos):
                reason = "(after your forecast)" if view.blind else a.reason
                return (
                    a.name,
                    [f"{a.name}, {a.title} ({a.stance})", f"Recommends: {a.option_name}", reason],
                )
        return None
