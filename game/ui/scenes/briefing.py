"""Briefing: the situation, your objectives, the facts (with dates) and how to win."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pygame_gui

from game.ui import layout
from game.ui.backend import Game
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import top_bar
from game.ui.scenes.setup import SetupChoice
from game.words import count_text, span_text

if TYPE_CHECKING:
    from game.ui.app import App

STATUS = {
    "established": "established",
    "official_statement": "official statement",
    "claim": "claim (unverified)",
    "report": "report",
}


def esc(text: str) -> str:
    return html.escape(str(text), quote=False)


def objectives_lines(scn, actor_id: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: what the side wants and fears, from its objective weights."""
    a = next(x for x in scn.actors if x.id == actor_id)
    names = {o.id: o.name for o in scn.outcomes}
    mnames = {m.id: m.name for m in scn.metrics}
    out = []
    good = sorted(((v, k) for k, v in a.objectives.outcomes.items() if v > 0), reverse=True)
    bad = sorted((v, k) for k, v in a.objectives.outcomes.items() if v < 0)
    if good:
        out.append(("aim", "Aim for: " + ", ".join(names.get(k, k) for _, k in good)))
    if bad:
        out.append(("avoid", "Avoid: " + ", ".join(names.get(k, k) for _, k in bad)))
    for k, v in sorted(a.objectives.metrics.items(), key=lambda kv: -abs(kv[1])):
        out.append(("metric", f"Keep {mnames.get(k, k)} {'high' if v > 0 else 'low'}"))
    return out


class BriefingScene(Scene):
    name = "briefing"
    pausable = False
    esc_closes = True

    def __init__(self, app: App, choice: SetupChoice) -> None:
        super().__init__(app)
        self.choice = choice

    def build_ui(self) -> None:
        L = layout.briefing(self.app.size)
        self.L = L
        s = self.choice.loaded.scenario
        m = s.meta
        paras = "<br><br>".join(esc(p.strip()) for p in m.summary.splitlines() if p.strip())
        body = (
            f"<font size=5><b>{esc(m.title)}</b></font><br>"
            f"<i>{esc(m.start_date.strftime('%d %B %Y'))} · {span_text(1, m.turn_days)} a turn · "
            f"{count_text(m.turn_limit, 'turn')} at most</i><br><br>{paras}<br><br>"
            f"<b>How to win</b><br>{esc(m.how_to_win)}"
        )
        if self.choice.actor is not None:
            a = next(x for x in s.actors if x.id == self.choice.actor)
            body += f"<br><br><b>Your case, as {esc(a.name)} puts it</b><br>{esc(a.case)}"
        self.add(
            pygame_gui.elements.UITextBox(
                body, L["text"], manager=self.app.manager, object_id="#briefing"
            )
        )
        facts = sorted(self.choice.loaded.facts.values(), key=lambda f: str(f.get("id", "")))
        rows = []
        for f in facts:
            date = f.get("date", "")
            status = STATUS.get(str(f.get("status", "")), str(f.get("status", "")))
            rows.append(
                f"<b>{esc(f.get('id', ''))}</b> <i>{esc(date)} · {esc(status)}</i><br>"
                f"{esc(f.get('statement', ''))}"
            )
        facts_rect = layout.below_header(L["facts"], self.header_height())
        self.add(
            pygame_gui.elements.UITextBox(
                "<br><br>".join(rows) or "No fact sheet.",
                facts_rect,
                manager=self.app.manager,
                object_id=pygame_gui.core.ObjectID("#facts", "@news"),
            )
        )
        self.button(L["button[0]"], "‹  Back", self.app.pop, "back")
        label = "Take your seat  ›" if self.choice.actor else "Start watching  ›"
        self.button(L["button[1]"], label, self.begin, "begin")
        if self.focus_index < 0:
            self.focus_named("begin")

    def begin(self) -> None:
        from game.ui.scenes.overlays import MessageScene

        ch = self.choice
        try:
            game = Game.new(ch.path, ch.seed, ch.actor, ch.temperature)
        except Exception as e:
            self.app.push(MessageScene(self.app, "Cannot start", str(e)))
            return
        game.open(self.app)

    def default_action(self, event: pygame.event.Event) -> pygame.event.Event | None:
        self.begin()
        return None

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        surface.fill(p.bg)
        s = self.choice.loaded.scenario
        top_bar(self, surface, self.L["top"], "Briefing", f"seed {self.choice.seed}")
        r = self.panel(
            surface,
            self.L["objectives"],
            "Your objectives" if self.choice.actor else "The sides",
        )
        y = r.y
        size = t.px(14)
        actors = [self.choice.actor] if self.choice.actor else [a.id for a in s.actors]
        for aid in actors:
            a = next(x for x in s.actors if x.id == aid)
            y += (
                t.blit_wrapped(
                    surface,
                    f"{a.name} — {a.role}",
                    pygame.Rect(r.x, y, r.width, r.bottom - y),
                    size,
                    p.text,
                    "bold",
                    max_lines=2,
                )
                + 4
            )
            for kind, line in objectives_lines(s, aid):
                if y + t.line_height(size) > r.bottom:
                    break
                col = {"aim": p.calm, "avoid": p.caution}.get(kind, p.dim)
                pygame.draw.rect(surface, col, (r.x, y + 6, 6, 6))
                y += (
                    t.blit_wrapped(
                        surface,
                        line,
                        pygame.Rect(r.x + 14, y, r.width - 14, r.bottom - y),
                        size,
                        p.text if kind != "metric" else p.dim,
                        max_lines=2,
                    )
                    + 2
                )
            y += 6
        self.panel(
            surface,
            self.L["facts"],
            f"Facts as of {s.meta.facts_as_of.strftime('%d %b %Y')}",
            accent=p.caution,
        )

    def labels(self) -> list[str]:
        s = self.choice.loaded.scenario
        return [
            s.meta.title,
            f"Facts as of {s.meta.facts_as_of.strftime('%d %b %Y')}",
            *super().labels(),
        ]
