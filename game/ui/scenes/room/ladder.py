"""The escalation ladder: every stage, the worst at the top, the current one marked."""

from __future__ import annotations

from game.i18n import N_, _
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
        hidden = view.snap.stage_index is None  # hidden from this player: no rung is marked
        self.frame(surface, title=_("Ladder: stage unknown") if hidden else "")
        r = self.inner
        n = len(view.scenario.ladder)
        rh = max(14, r.height // n)
        size = t.px(13 if rh >= 22 else 11)
        cur = -1 if view.snap.stage_index is None else view.snap.stage_index
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
            colour = col if idx == cur else (p.dim if idx < cur or cur < 0 else p.faint)
            lines, ls = self.name_lines(stage.name, size, r.width - 36, rh - 2, style)
            lh = t.line_height(ls, style)
            y = row.centery - lh * len(lines) // 2
            for k, line in enumerate(lines):
                t.blit(
                    surface,
                    line,
                    (r.x + 32, y + k * lh),
                    ls,
                    colour,
                    style,
                    "topleft",
                    max_width=r.width - 36,
                )

    def name_lines(
        self, name: str, size: int, width: int, height: int, style: str
    ) -> tuple[list[str], int]:
        """A stage's name whole: on one line, else on two if the row is tall enough, at
        the largest size from ``size`` down to 60% of it (the smallest if none does)."""
        t = self.app.text
        smallest = max(8, round(size * 0.6))
        for s in range(size, smallest - 1, -1):
            if t.width(name, s, style) <= width:
                return [name], s
            words = name.split()
            if 2 * t.line_height(s, style) <= height and all(
                t.width(w, s, style) <= width for w in words
            ):
                lines = t.wrap(name, s, width, style)
                if len(lines) <= 2:
                    return lines, s
        return [name], smallest

    def hit(self, pos: tuple[int, int], view: RoomView) -> Tip | None:
        for row, _idx, st in self.rows(view):
            if row.collidepoint(pos):
                return (st.id, [st.name, st.description])
        return None
