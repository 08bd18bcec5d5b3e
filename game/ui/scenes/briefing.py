"""Briefing: the situation, your objectives, the facts (with dates) and how to win."""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING

import pygame_gui

from game.i18n import N_, _, format_date
from game.ui import layout
from game.ui.backend import Game
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import top_bar
from game.ui.scenes.setup import SetupChoice
from game.ui.scroll import Line, ScrollLines
from game.words import count_text, span_text

if TYPE_CHECKING:
    from game.ui.app import App

# a fact's status as the briefing words it (translated when shown)
STATUS = {
    "established": N_("established"),
    "official_statement": N_("official statement"),
    "claim": N_("claim (unverified)"),
    "report": N_("report"),
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
        aims = ", ".join(names.get(k, k) for _v, k in good)
        out.append(("aim", _("Aim for: {outcomes}", outcomes=aims)))
    if bad:
        avoid = ", ".join(names.get(k, k) for _v, k in bad)
        out.append(("avoid", _("Avoid: {outcomes}", outcomes=avoid)))
    for k, v in sorted(a.objectives.metrics.items(), key=lambda kv: -abs(kv[1])):
        name = mnames.get(k, k)
        text = (
            _("Keep {metric} high", metric=name) if v > 0 else _("Keep {metric} low", metric=name)
        )
        out.append(("metric", text))
    return out


def _fact_date(raw: object) -> str:
    """A fact's date as the player's language writes it: fact sheets keep ISO dates."""
    try:
        day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
    except ValueError:
        return str(raw)  # a sheet's own wording ("late 2025") stays as written
    return format_date(day, "d MMM y")


class BriefingScene(Scene):
    name = "briefing"
    pausable = False
    esc_closes = True

    def __init__(self, app: App, choice: SetupChoice) -> None:
        super().__init__(app)
        self.choice = choice
        self.objectives_scroll = ScrollLines()

    def build_ui(self) -> None:
        L = layout.briefing(self.app.size)
        self.L = L
        s = self.choice.loaded.scenario
        m = s.meta
        paras = "<br><br>".join(esc(p.strip()) for p in m.summary.splitlines() if p.strip())
        when = _(
            "{date} · {span} a turn · {turns} at most",
            date=format_date(m.start_date),
            span=span_text(1, m.turn_days),
            turns=count_text(m.turn_limit, "turn"),
        )
        how_to_win = _("How to win")
        body = (
            # the title in pixels scaled as the body is (an HTML size would stay put)
            f"<font pixel_size={self.app.text.px(20)}><b>{esc(m.title)}</b></font><br>"
            f"<i>{esc(when)}</i><br><br>{paras}<br><br>"
            f"<b>{esc(how_to_win)}</b><br>{esc(m.how_to_win)}"
        )
        if self.choice.actor is not None:
            a = next(x for x in s.actors if x.id == self.choice.actor)
            head = _("Your case, as {side} puts it", side=a.name)
            body += f"<br><br><b>{esc(head)}</b><br>{esc(a.case)}"
        self.add(
            pygame_gui.elements.UITextBox(
                body, L["text"], manager=self.app.manager, object_id="#briefing"
            )
        )
        facts = sorted(self.choice.loaded.facts.values(), key=lambda f: str(f.get("id", "")))
        rows = []
        for f in facts:
            date = _fact_date(f.get("date", ""))
            raw = str(f.get("status", ""))
            status = _(STATUS[raw]) if raw in STATUS else raw
            rows.append(
                f"<b>{esc(f.get('id', ''))}</b> <i>{esc(date)} · {esc(status)}</i><br>"
                f"{esc(f.get('statement', ''))}"
            )
        facts_rect = layout.below_header(L["facts"], self.header_height())
        self.add(
            pygame_gui.elements.UITextBox(
                "<br><br>".join(rows) or esc(_("No fact sheet.")),
                facts_rect,
                manager=self.app.manager,
                object_id=pygame_gui.core.ObjectID("#facts", "@news"),
            )
        )
        self.button(L["button[0]"], _("‹  Back"), self.app.pop, "back")
        r = L["button[1]"]
        if self.choice.actor:
            label = self.label_for(r, _("Take your seat  ›"), _("Begin  ›"), _("Go"))
        else:
            label = self.label_for(r, _("Start watching  ›"), _("Watch  ›"), _("Go"))
        self.button(r, label, self.begin, "begin")
        if self.focus_index < 0:
            self.focus_named("begin")

    def begin(self) -> None:
        from game.ui.scenes.overlays import MessageScene

        ch = self.choice
        try:
            game = Game.new(ch.path, ch.seed, ch.actor, ch.temperature)
        except Exception as e:
            self.app.push(MessageScene(self.app, _("Cannot start"), str(e)))
            return
        game.open(self.app)

    def default_action(self, event: pygame.event.Event) -> pygame.event.Event | None:
        self.begin()
        return None

    def boxes(self) -> list[pygame_gui.elements.UITextBox]:
        return [e for e in self.elements if isinstance(e, pygame_gui.elements.UITextBox)]

    def scroll_box(self, box: pygame_gui.elements.UITextBox, pixels: int) -> bool:
        """Scroll a text box by ``pixels`` (its scroll bar follows); False if it has none."""
        bar = box.scroll_bar
        if bar is None:
            return False
        full = box.text_box_layout.layout_rect.height if box.text_box_layout else 0
        span = max(1.0, float(full))
        start = bar.start_percentage + pixels / span
        bar.set_scroll_from_start_percentage(min(max(0.0, start), 1.0 - bar.visible_percentage))
        bar.has_moved_recently = True
        return True

    def scroll_share(self, box: pygame_gui.elements.UITextBox) -> float:
        """How far down a text box is scrolled: 0 top, 1 bottom (1 if it does not scroll)."""
        bar = box.scroll_bar
        if bar is None:
            return 1.0
        # within a pixel of the end is the end (the bar keeps whole-pixel positions)
        full = box.text_box_layout.layout_rect.height if box.text_box_layout else 0
        return min(1.0, bar.start_percentage + bar.visible_percentage + 1.0 / max(1.0, full))

    def handle_event(self, event: pygame.event.Event) -> pygame.event.Event | None:
        # the objectives are drawn, not a widget: the wheel over them scrolls them here
        if event.type == pygame.MOUSEWHEEL and self.objectives_scroll.handle(event):
            return None
        return super().handle_event(event)

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        """Up / Down scroll the briefing by lines, Page Up / Down by pages; with Shift they
        scroll the facts, with Ctrl the objectives; Left / Right move between the buttons."""
        boxes = self.boxes()
        key = event.key
        steps = {pygame.K_DOWN: 1, pygame.K_UP: -1, pygame.K_PAGEDOWN: 8, pygame.K_PAGEUP: -8}
        line = self.app.text.line_height(self.app.text.px(14))
        if key in steps and event.mod & pygame.KMOD_CTRL:
            self.keyboard_mode = True
            self.objectives_scroll.scroll(steps[key] * line)
            return None
        if boxes and key in steps:
            box = boxes[1] if event.mod & pygame.KMOD_SHIFT and len(boxes) > 1 else boxes[0]
            self.keyboard_mode = True
            self.scroll_box(box, steps[key] * self.app.text.line_height(self.app.text.px(15)))
            return None
        if key in (pygame.K_LEFT, pygame.K_RIGHT):
            self.keyboard_mode = True
            self.move_focus(1 if key == pygame.K_RIGHT else -1)
            return None
        return super().handle_key(event)

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        surface.fill(p.bg)
        s = self.choice.loaded.scenario
        top_bar(
            self, surface, self.L["top"], _("Briefing"), _("seed {seed}", seed=self.choice.seed)
        )
        r = self.panel(
            surface,
            self.L["objectives"],
            _("Your objectives") if self.choice.actor else _("The sides"),
        )
        actors = [self.choice.actor] if self.choice.actor else [a.id for a in s.actors]
        lines: list[Line] = []
        for aid in actors:
            a = next(x for x in s.actors if x.id == aid)
            lines.append(Line(f"{a.name} — {a.role}", p.text, 14, "bold", gap=6 if lines else 0))
            for kind, text in objectives_lines(s, aid):
                col = {"aim": p.calm, "avoid": p.caution}.get(kind, p.dim)
                lines.append(Line(text, p.text if kind != "metric" else p.dim, 14, mark=col))
        self.objectives_scroll.draw(surface, r, lines, t, p)
        self.panel(surface, self.L["facts"], self.facts_title(), accent=p.caution)

    def facts_title(self) -> str:
        day = self.choice.loaded.scenario.meta.facts_as_of
        return _("Facts as of {date}", date=format_date(day, "medium"))

    def labels(self) -> list[str]:
        s = self.choice.loaded.scenario
        return [
            s.meta.title,
            self.facts_title(),
            *super().labels(),
        ]
