"""Resolution: what both sides did, what happened, why each key metric changed, the new odds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame_gui  # noqa: F401  (widgets come through Scene.button)

from game.engine.views import MetricChange
from game.ui import draw, layout
from game.ui import palette as pal
from game.ui.backend import Game, Resolution
from game.ui.icons import icon
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import top_bar
from game.ui.style import escalation_colour, outcome_colour
from game.words import count_text

if TYPE_CHECKING:
    from game.ui.app import App


def source_name(game: Game, key: str, label: str) -> str:
    """A short name for a source of change: the player's own move reads "Your move"."""
    kind, _, ident = key.partition(":")
    if kind == "move" and ident == game.actor:
        return "Your move"
    if kind == "move":
        a = next((x for x in game.scenario.actors if x.id == ident), None)
        return f"{(a.short_name or a.name) if a else ident}'s move"
    return label.replace("Interaction: ", "").replace("Event: ", "")


class ResolutionScene(Scene):
    name = "resolution"
    pausable = True

    def __init__(self, app: App, game: Game, res: Resolution) -> None:
        super().__init__(app)
        self.game = game
        self.res = res

    def build_ui(self) -> None:
        L = layout.resolution(self.app.size)
        self.L = L
        label = "See the outcome  ›" if self.res.outcome else "Next turn  ›"
        self.button(L["button[0]"], label, self.proceed, "continue", cls="@commit")
        if self.focus_index < 0:
            self.focus_named("continue")

    def proceed(self) -> None:
        self.app.pop()

    def default_action(self, event: pygame.event.Event) -> pygame.event.Event | None:
        self.proceed()
        return None

    def key_metrics(self) -> list[MetricChange]:
        """Metrics the player sees exactly, the biggest change first."""
        rows = [w for w in self.res.why if w.exact and w.sources]
        rows.sort(key=lambda w: -abs(w.after - w.before) / max(1e-9, self.span(w.metric)))
        return rows

    def span(self, metric: str) -> float:
        m = next((x for x in self.game.scenario.metrics if x.id == metric), None)
        return (m.range[1] - m.range[0]) if m else 1.0

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        g, res = self.game, self.res
        surface.fill(p.bg)
        top_bar(
            self, surface, self.L["top"], f"Turn {res.turn} resolved", res.date.strftime("%d %b %Y")
        )
        # moves
        r = self.panel(surface, self.L["moves"], "Moves")
        y = r.y
        size = t.px(14)
        lh = max(t.line_height(size), 22)
        for a in g.scenario.actors:
            if y + lh > r.bottom + 2:
                break
            mv = res.moves.get(a.id)
            colour = pal.hex_colour(a.colour)
            pygame.draw.rect(surface, colour, (r.x, y + 4, 4, lh - 8))
            name = a.short_name or a.name
            w = t.blit(
                surface,
                name,
                (r.x + 10, y + lh // 2),
                size,
                p.text,
                "bold",
                "midleft",
                max_width=r.width // 3,
            ).width
            if mv is not None:
                o = next((x for x in a.options if x.id == mv.option), None)
                ecol = escalation_colour(p, o.escalation if o else 0)
                ic = icon(g.category(a.id, mv.option), lh - 4, ecol)
                surface.blit(ic, (r.x + 20 + w, y + 2))
                text = mv.option_name + (
                    "  (covert, exposed)" if mv.exposed else "  (covert)" if mv.covert else ""
                )
                t.blit(
                    surface,
                    text,
                    (r.x + 26 + w + lh, y + lh // 2),
                    size,
                    p.text,
                    "regular",
                    "midleft",
                    max_width=r.right - (r.x + 26 + w + lh),
                )
            y += lh
            o = next((x for x in a.options if x.id == mv.option), None) if mv else None
            if o is not None and y + t.line_height(t.px(12)) <= r.bottom:
                y += t.blit_wrapped(
                    surface,
                    o.description,
                    pygame.Rect(r.x + 10, y, r.width - 10, r.bottom - y),
                    t.px(12),
                    p.dim,
                    max_lines=2,
                )
            y += 8
        # events and headlines
        r = self.panel(surface, self.L["events"], "What happened", accent=p.caution)
        y = r.y
        for note in res.notes:  # classroom: a timer ran out, the teacher locked a choice
            y += (
                t.blit_wrapped(
                    surface,
                    note,
                    pygame.Rect(r.x, y, r.width, r.bottom - y),
                    t.px(15),
                    p.caution,
                    "bold",
                    max_lines=2,
                )
                + 6
            )
        ladder = {s.id: s for s in g.scenario.ladder}
        if res.stage_before and res.stage_after and res.stage_before != res.stage_after:
            ids = [s.id for s in g.scenario.ladder]
            up = ids.index(res.stage_after) > ids.index(res.stage_before)
            text = (
                f"{'Escalation' if up else 'De-escalation'}: {ladder[res.stage_before].name} to "
                f"{ladder[res.stage_after].name}"
            )
            y += (
                t.blit_wrapped(
                    surface,
                    text,
                    pygame.Rect(r.x, y, r.width, r.bottom - y),
                    t.px(15),
                    p.danger if up else p.calm,
                    "bold",
                )
                + 6
            )
        else:
            st = ladder.get(res.stage_after)
            if st is not None:
                t.blit(
                    surface,
                    f"Stage unchanged: {st.name}",
                    (r.x, y),
                    t.px(14),
                    p.dim,
                    "bold",
                    max_width=r.width,
                )
                y += t.line_height(t.px(14)) + 6
        for _eid, name, headline in res.events:
            if y >= r.bottom:
                break
            y += (
                t.blit_wrapped(
                    surface,
                    name.upper(),
                    pygame.Rect(r.x, y, r.width, r.bottom - y),
                    t.px(12),
                    p.caution,
                    "bold",
                )
                + 1
            )
            y += (
                t.blit_wrapped(
                    surface, headline, pygame.Rect(r.x, y, r.width, r.bottom - y), t.px(14), p.text
                )
                + 6
            )
        evheads = {h for _, _, h in res.events}
        for kind, h in res.headlines:
            if h in evheads or y >= r.bottom:
                continue
            col = {"exposed": p.danger, "outcome": p.danger, "inject": p.focus}.get(kind, p.accent)
            pygame.draw.rect(surface, col, (r.x, y + 7, 5, 5))
            y += (
                t.blit_wrapped(
                    surface,
                    h,
                    pygame.Rect(r.x + 12, y, r.width - 12, r.bottom - y),
                    t.px(14),
                    p.dim,
                )
                + 4
            )
        if not res.events and not res.headlines:
            t.blit(
                surface,
                "A quiet turn: nothing public happened.",
                (r.x, y),
                t.px(14),
                p.dim,
                "italic",
            )
        self.draw_why(surface)
        self.draw_odds(surface)

    def draw_why(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        g = self.game
        r = self.panel(surface, self.L["why"], "Why it changed", right="bar per source of change")
        rows = self.key_metrics()
        size = t.px(13)
        lh = t.line_height(size)
        y = r.y
        label_w = min(220, round(r.width * 0.36))
        higher = {m.id: str(m.higher_is) for m in g.scenario.metrics}
        for w in rows:
            parts = [(sp.key, sp.label, sp.delta) for sp in w.sources if abs(sp.delta) >= 0.05]
            if not parts:
                continue
            need = lh + (lh - 2) * min(len(parts), 3)
            if y + need > r.bottom:
                break
            total = w.after - w.before
            hi = higher.get(w.metric, "neutral")
            col = p.for_direction(hi, total)
            t.blit(
                surface,
                f"{w.name}: {w.before:.0f} to {w.after:.0f}",
                (r.x, y),
                size,
                p.text,
                "bold",
                max_width=r.width - 90,
            )
            t.blit(surface, f"{total:+.1f}", (r.right, y), size, col, "bold", "topright")
            y += lh
            scale = max(abs(v) for _, _, v in parts) or 1.0
            parts.sort(key=lambda kv: -abs(kv[2]))
            for k, lab, v in parts:
                if y + lh - 2 > r.bottom:
                    break
                t.blit(
                    surface,
                    source_name(g, k, lab),
                    (r.x + 10, y),
                    t.px(12),
                    p.dim,
                    max_width=label_w - 12,
                )
                bar = pygame.Rect(r.x + label_w, y + 2, r.width - label_w - 56, lh - 6)
                bcol = p.for_direction(hi, v) if hi != "neutral" else p.accent
                draw.signed_bar(surface, bar, v, scale, bcol, p.edge)
                t.blit(surface, f"{v:+.1f}", (r.right, y), t.px(12), p.dim, "regular", "topright")
                y += lh - 2
            y += 6
        if y == r.y:
            t.blit(surface, "Nothing you can see moved.", (r.x, y), size, p.dim, "italic")

    def draw_odds(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        g, res = self.game, self.res
        if res.outcome:
            oc = next(o for o in g.scenario.outcomes if o.id == res.outcome)
            r = self.panel(
                surface,
                self.L["odds"],
                "The crisis is over",
                accent=outcome_colour(p, g.scenario, oc.id),
            )
            t.blit(
                surface,
                oc.name,
                (r.x, r.y),
                t.px(22),
                outcome_colour(p, g.scenario, oc.id),
                "bold",
                max_width=r.width,
            )
            t.blit_wrapped(
                surface,
                oc.headline,
                pygame.Rect(r.x, r.y + t.px(30), r.width, r.height - t.px(30)),
                t.px(14),
                p.text,
            )
            return
        w = res.odds
        r = self.panel(
            surface,
            self.L["odds"],
            "The odds now",
            right=f"within {count_text(w.horizon, 'turn')} if you hold course · "
            "grey: what you expected"
            if w
            else "",
        )
        if w is None:
            return
        rows = [(o.id, o.name, str(o.kind)) for o in g.scenario.outcomes]
        dec = next((d for d in g.decisions if d.turn == res.turn), None)
        before = dec.odds if dec is not None else None
        n = len(rows)
        cw = r.width // max(1, n)
        size = t.px(12)
        for k, (oid, name, _kind) in enumerate(rows):
            x = r.x + k * cw
            col = outcome_colour(p, g.scenario, oid)
            v = w.p.get(oid, 0.0)
            big = t.px(min(26, max(14, r.height * 0.28)))
            t.blit(surface, draw.pct(v), (x + cw // 2, r.y + 2), big, col, "bold", "midtop")
            t.blit(
                surface,
                name,
                (x + cw // 2, r.y + 4 + t.line_height(big)),
                size,
                p.dim,
                "regular",
                "midtop",
                max_width=cw - 6,
            )
            if before is not None and r.height > t.line_height(big) + 2 * t.line_height(size) + 8:
                was = before.p.get(oid, 0.0)
                t.blit(
                    surface,
                    f"expected {draw.pct(was)}",
                    (x + cw // 2, r.y + 6 + t.line_height(big) + t.line_height(size)),
                    size,
                    p.faint,
                    "regular",
                    "midtop",
                    max_width=cw - 6,
                )

    def labels(self) -> list[str]:
        out = [f"Turn {self.res.turn} resolved", "Moves", "What happened", "Why it changed"]
        out += list(self.res.notes)
        out += [m.option_name for m in self.res.moves.values()]
        return out + super().labels()
