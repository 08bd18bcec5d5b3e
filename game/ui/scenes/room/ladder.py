"""The escalation ladder: every stage, the worst at the top, the current one marked."""

from __future__ import annotations

from game.i18n import N_
from game.scenario.schema import Stage
from game.ui.pg import pygame
from game.ui.scenes.room.panel import Panel, RoomView, Tip


class LadderPanel(Panel):
    title = N_("Escalation ladder")
    accent = "danger"

    def rows(self, view: RoomView) -> list[tuple[pygame.Rect, int, Stage]]:
        """(row, stage index, stage), top row first."""
        r = self.inner
        ladder = view.scenario.ladder
        n = len(ladder)
        rh = max(14, r.height // n)
        out = []
        for k in range(n):
            idx = n - 1 - k  # top of the ladder is the worst stage
            out.append((pygame.Rect(r.x, r.y + k * rh, r.width, rh), idx, ladder[idx]))
        return out

    def draw(self, surface: pygame.Surface, view: RoomView) -> None:
        p, t = self.app.palette, self.app.text
        self.frame(surface)
        r = self.inner
        n = len(view.scenario.ladder)
        rh = max(14, r.height // n)
        size = t.px(13 if rh >= 22 else 11)
        cur = view.snap.stage_index
        rail_x = r.x + 8
        top = r.y + 2
        bottom = min(r.bottom, top + rh * n) - 2
        pygame.draw.line(surface, p.edge, (rail_x, top), (rail_x, bottom), 2)
        pygame.draw.line(surface, p.edge, (rail_x + 18, top), (rail_x + 18, bottom), 2)
        for row, idx, stage in self.rows(view):
            col = p.risk(idx / max(1, n - 1))
            pygame.draw.line(
                surface,
                p.edge if idx != cur else col,
                (rail_x, row.centery),
                (rail_x + 18, row.centery),
                3 if idx == cur else 1,
            )
            if idx == cur:
                hi = pygame.Rect(r.x + 26, row.y + 1, r.width - 26, rh - 2)
                pygame.draw.rect(surface, p.panel_hi, hi, border_radius=3)
                pygame.draw.rect(surface, col, hi, 1, border_radius=3)
                pygame.draw.polygon(
                    surface,
                    col,
                    [(r.x, row.centery - 5), (r.x, row.centery + 5), (r.x + 7, row.centery)],
                )
            style = "bold" if idx == cur else "regular"
            colour = col if idx == cur else (p.dim if idx < cur else p.faint)
            room = r.width - 36
            ns = t.size_to_fit(stage.name, size, room, style)
            lines = [stage.name]
            if t.width(stage.name, ns, style) > room:  # a long name on two lines, if they fit
                two = t.wrap(stage.name, ns, room, style)
                if len(two) == 2 and 2 * t.line_height(ns, style) <= rh + 2:
                    lines = two
                else:  # a row too low for two lines: a little smaller still, not cut
                    while ns > 8 and t.width(stage.name, ns, style) > room:
                        ns -= 1
            lh = t.line_height(ns, style)
            y = row.centery - lh * (len(lines) - 1) // 2
            for line in lines:
                t.blit(surface, line, (r.x + 32, y), ns, colour, style, "midleft", max_width=room)
                y += lh

    def hit(self, pos: tuple[int, int], view: RoomView) -> Tip | None:
        for row, _idx, st in self.rows(view):
            if row.collidepoint(pos):
                return (st.id, [st.name, st.description])
        return None
