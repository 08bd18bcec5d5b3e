"""Resolution: what both sides did, what happened, why each key metric changed, the new odds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame_gui  # noqa: F401  (widgets come through Scene.button)

from game.engine.views import MetricChange
from game.i18n import _, format_date, format_number, format_percent, ngettext
from game.model.conditions import Index, compile_one, describe
from game.ui import draw, layout, watch
from game.ui import palette as pal
from game.ui.backend import Game, Resolution
from game.ui.icons import icon
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import top_bar
from game.ui.scroll import Line, ScrollArea, ScrollLines
from game.ui.style import escalation_colour, outcome_colour
from game.words import count_text, short_name

if TYPE_CHECKING:
    from game.scenario.schema import Outcome
    from game.ui.app import App


def source_name(game: Game, key: str, label: str) -> str:
    """A short name for a source of change: the player's own move reads "Your move"."""
    kind, _sep, ident = key.partition(":")
    if kind == "move" and ident == game.actor:
        return _("Your move")
    if kind == "move":
        a = next((x for x in game.scenario.actors if x.id == ident), None)
        return _("{side}'s move", side=(a.short_name or a.name) if a else ident)
    # the key says what the source is: name it from the scenario, in the language shown
    # (the engine's label carries a worded prefix, "Event: …", that the panel's heading says)
    scn = game.scenario
    if kind == "teacher" and ident.startswith("event:"):
        kind, ident = "event", ident.removeprefix("event:")
    named = {
        "interaction": {i.id: i.label for i in scn.interactions},
        "event": {e.id: e.name for e in scn.events},
        "inject": {i.id: i.headline for i in scn.injects},
    }.get(kind, {})
    return named.get(ident, label)


PAGING = (pygame.K_PAGEDOWN, pygame.K_PAGEUP, pygame.K_HOME, pygame.K_END)


def trigger_text(game: Game, oc: Outcome, turn: int) -> str:
    """Why an ending came about, from its trigger in the scenario: what had to hold, for
    how many turns in a row, and its chance each turn once it had (or the turn limit)."""
    scn = game.scenario
    t = oc.trigger
    if t is None or (oc.at_turn_limit and turn >= scn.meta.turn_limit):
        return _(
            "Why it ended: the game reached its limit of {turns}.",
            turns=count_text(scn.meta.turn_limit, "turn"),
        )
    ix = Index.of(scn)
    parts = []
    if t.stages:
        names = ", ".join(s.name for s in scn.ladder if s.id in t.stages)
        parts.append(_("stage: {stages}", stages=names))
    parts += [describe(compile_one(cond, ix), scn) for cond in t.conditions]
    for aid, moves in t.moves.items():
        actor = next(a for a in scn.actors if a.id == aid)
        names = _(" or ").join(o.name for o in actor.options if o.id in moves)
        parts.append(_("{actor}: {moves} this turn", actor=actor.name, moves=names))
    what = _(" and ").join(parts) if parts else _("always")
    c = t.chance
    if c.slope or c.stage_shift:
        chance = _("then a chance each turn that depends on the situation")
    elif c.p >= 1.0:
        chance = _("then it ends at once")
    else:
        chance = _("then a {chance} chance each turn", chance=format_percent(c.p))
    if t.hold_turns <= 1:
        return _("Why it ended: {conditions}, {chance}.", conditions=what, chance=chance)
    return ngettext(
        "Why it ended: {conditions} for {n} turn in a row, {chance}.",
        "Why it ended: {conditions} for {n} turns in a row, {chance}.",
        t.hold_turns,
        conditions=what,
        chance=chance,
    )


def signed(value: float) -> str:
    """A change with its sign, one decimal, in the language's numbers: +1.5, −0,5."""
    text = format_number(abs(value), 1, grouping=False)
    return ("+" if value >= 0 else "−") + text


class ResolutionScene(Scene):
    name = "resolution"
    pausable = True

    def __init__(self, app: App, game: Game, res: Resolution) -> None:
        super().__init__(app)
        self.game = game
        self.res = res
        self.events_scroll = ScrollLines()
        self.why_scroll = ScrollArea()
        self.ending_scroll = ScrollLines()
        self.shown_for = 0.0

    def build_ui(self) -> None:
        L = layout.resolution(self.app.size)
        self.L = L
        # a shorter word when the button is narrow (a small window, large text)
        if self.res.outcome:
            label = self.label_for(
                L["button[0]"], _("See the outcome  ›"), _("Outcome  ›"), size=18
            )
        else:
            label = self.label_for(L["button[0]"], _("Next turn  ›"), _("Next  ›"), size=18)
        self.button(L["button[0]"], label, self.proceed, "continue", cls="@commit")
        if self.focus_index < 0:
            self.focus_named("continue")

    def proceed(self) -> None:
        self.app.pop()

    def update(self, dt: float) -> None:
        self.shown_for += dt
        if watch.due(self.game, self.shown_for):
            self.shown_for = -1e9  # once
            self.proceed()

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if self.game.watch and watch.speed_step(event):
            watch.change_speed(self.game, watch.speed_step(event))
            self.shown_for = 0.0
            return None
        return super().handle_key(event)

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
        res = self.res
        surface.fill(p.bg)
        top_bar(self, surface, self.L["top"], self.title_text(), format_date(res.date, "medium"))
        # moves
        r = self.panel(surface, self.L["moves"], _("Moves"))
        self.draw_moves(surface, r)
        # events and headlines: a scrolling list
        r = self.panel(surface, self.L["events"], _("What happened"), accent=p.caution)
        self.events_scroll.draw(surface, r, self.event_lines(), t, p)
        self.draw_why(surface)
        self.draw_odds(surface)

    def move_text(self, actor: str) -> str:
        mv = self.res.moves.get(actor)
        if mv is None:
            return ""
        if mv.exposed:
            return _("{move}  (covert, exposed)", move=mv.option_name)
        if mv.covert:
            return _("{move}  (covert)", move=mv.option_name)
        return mv.option_name

    def moves_plan(self, r: pygame.Rect) -> tuple[int, list[tuple[int, list[str], list[str]]]]:
        """The moves' text size and, for each side, its name's width, its move's lines and
        its move's description's lines (empty when they do not all fit): every move's name
        whole first, then the descriptions in the sides' order while they fit."""
        t = self.app.text
        g = self.game
        ds = t.px(12)
        plan: list[tuple[int, list[str], list[str]]] = []
        sizes = range(t.px(14), max(8, round(t.px(14) * 0.75)) - 1, -1)
        for k, size in enumerate(sizes):
            lh = max(t.line_height(size), 22)
            smallest = k == len(sizes) - 1
            plan = []
            for a in g.scenario.actors:
                name = a.short_name or a.name
                w = t.width(name, size, "bold")
                width = r.width - (26 + w + lh)
                text = self.move_text(a.id)
                # a word wider than its line: a smaller size rather than a split word
                if not smallest and any(t.width(x, size) > width for x in text.split()):
                    break
                plan.append((w, t.wrap(text, size, width) if text else [], []))
            else:
                if smallest or sum(lh * max(1, len(ls)) + 8 for _w, ls, _d in plan) <= r.height:
                    break
        lh = max(t.line_height(size), 22)
        used = sum(lh * max(1, len(parts)) + 8 for _w, parts, _d in plan)
        for k, a in enumerate(g.scenario.actors):
            mv = self.res.moves.get(a.id)
            o = next((x for x in a.options if x.id == mv.option), None) if mv else None
            if o is None:
                continue
            desc = t.wrap(o.description, ds, r.width - 10)
            h = len(desc) * t.line_height(ds)
            if used + h <= r.height:
                plan[k] = (plan[k][0], plan[k][1], desc)
                used += h
        return size, plan

    def draw_moves(self, surface: pygame.Surface, r: pygame.Rect) -> None:
        """Each side's move, its name whole beside the side's name and icon, with its
        description when there is room for it; all inside the panel."""
        p, t = self.app.palette, self.app.text
        g, res = self.game, self.res
        size, plan = self.moves_plan(r)
        lh = max(t.line_height(size), 22)
        ds = t.px(12)
        y = r.y
        for a, (w, parts, desc) in zip(g.scenario.actors, plan, strict=True):
            if y + lh > r.bottom + 2:
                break
            mv = res.moves.get(a.id)
            colour = pal.hex_colour(a.colour)
            pygame.draw.rect(surface, colour, (r.x, y + 4, 4, lh - 8))
            name = a.short_name or a.name
            t.blit(surface, name, (r.x + 10, y + lh // 2), size, p.text, "bold", "midleft")
            if mv is not None:
                o = next((x for x in a.options if x.id == mv.option), None)
                ecol = escalation_colour(p, o.escalation if o else 0)
                ic = icon(g.category(a.id, mv.option), lh - 4, ecol)
                surface.blit(ic, (r.x + 20 + w, y + 2))
                tx = r.x + 26 + w + lh
                for k, part in enumerate(parts):
                    at = (tx, y + lh // 2 + k * lh)
                    t.blit(surface, part, at, size, p.text, "regular", "midleft")
                y += lh * (len(parts) - 1)
            y += lh
            for line in desc:
                t.blit(surface, line, (r.x + 10, y), ds, p.dim)
                y += t.line_height(ds)
            y += 8

    def event_lines(self) -> list[Line]:
        p = self.app.palette
        g, res = self.game, self.res
        out = [Line(note, p.caution, 15, "bold", gap=4) for note in res.notes]
        # what came of the moves (a covert operation's result, a strike's): as known
        for mv in res.moves.values():
            for b in mv.branches:
                if b.happened:
                    what = b.headline or b.label
                    text = (
                        _("Your move, {move}: {result}", move=mv.option_name, result=what)
                        if mv.actor == g.actor
                        else _(
                            "{side}, {move}: {result}",
                            side=mv.actor_name,
                            move=mv.option_name,
                            result=what,
                        )
                    )
                    out.append(Line(text, p.text, 14, mark=p.danger if b.exposes else p.calm))
        ladder = {s.id: s for s in g.scenario.ladder}
        if not res.stage_known:
            out.append(Line(_("Stage: unknown to you"), p.dim, 14, "bold"))
        elif res.stage_before and res.stage_after and res.stage_before != res.stage_after:
            ids = [s.id for s in g.scenario.ladder]
            up = ids.index(res.stage_after) > ids.index(res.stage_before)
            was, now = ladder[res.stage_before].name, ladder[res.stage_after].name
            text = (
                _("Escalation: {before} to {after}", before=was, after=now)
                if up
                else _("De-escalation: {before} to {after}", before=was, after=now)
            )
            out.append(Line(text, p.danger if up else p.calm, 15, "bold"))
        elif (st := ladder.get(res.stage_after)) is not None:
            out.append(Line(_("Stage unchanged: {stage}", stage=st.name), p.dim, 14, "bold"))
        for _eid, name, headline in res.events:
            out.append(Line(name.upper(), p.caution, 12, "bold", gap=6))
            out.append(Line(headline, p.text, 14))
        evheads = {h for _, _, h in res.events}
        for kind, h in res.headlines:
            if h in evheads:
                continue
            col = {"exposed": p.danger, "outcome": p.danger, "inject": p.focus}.get(kind, p.accent)
            out.append(Line(h, p.text, 14, gap=4, mark=col))
        if not res.events and not res.headlines:
            quiet = _("A quiet turn: nothing public happened.")
            out.append(Line(quiet, p.dim, 14, "italic", gap=6))
        return out

    def handle_event(self, event: pygame.event.Event) -> pygame.event.Event | None:
        # the wheel scrolls the panel under the pointer; the paging keys page through
        # what happened, then why it changed, then the ending's reason (back again in
        # turn), so a keyboard reaches them all; with Shift, why it changed at once
        panels: tuple[ScrollLines, ...] = (self.events_scroll, self.why_scroll, self.ending_scroll)
        if event.type == pygame.MOUSEWHEEL:
            if any(sc.handle(event) for sc in panels):
                return None
        elif event.type == pygame.KEYDOWN and event.key in PAGING:
            if event.mod & pygame.KMOD_SHIFT:
                panels = (self.why_scroll,)
            down = event.key in (pygame.K_PAGEDOWN, pygame.K_END)
            for sc in panels if down else reversed(panels):
                if sc.overflows and (sc.offset < sc.max_offset() if down else sc.offset > 0):
                    sc.handle(event)
                    return None
            return None
        return super().handle_event(event)

    def draw_why(self, surface: pygame.Surface) -> None:
        p = self.app.palette
        r = self.panel(
            surface,
            self.L["why"],
            _("Why it changed"),
            right=_("one scale for every bar · green calming, red escalating"),
        )
        self.why_scroll.draw_content(surface, r, self.draw_why_rows, p, p.panel)

    def draw_why_rows(self, surface: pygame.Surface, r: pygame.Rect) -> int:
        """Each metric that moved, with a bar per source of change, then the estimates the
        turn revised; returns the height drawn."""
        p, t = self.app.palette, self.app.text
        g = self.game
        rows = self.key_metrics()
        size, ss = t.px(13), t.px(12)
        lh = t.line_height(size)
        y = r.y
        # one scale for every bar on the screen, so that bars compare across metrics
        every = [abs(sp.delta) for w in rows for sp in w.sources if abs(sp.delta) >= 0.05]
        scale = max(every, default=1.0)
        label_w = min(round(220 * t.scale), round(r.width * 0.36))  # grows with the text
        num_w = t.width("+00.0", ss) + 6
        higher = {m.id: str(m.higher_is) for m in g.scenario.metrics}
        for w in rows:
            parts = [(sp.key, sp.label, sp.delta) for sp in w.sources if abs(sp.delta) >= 0.05]
            if not parts:
                continue
            total = w.after - w.before
            hi = higher.get(w.metric, "neutral")
            col = p.for_direction(hi, total)
            head = _(
                "{metric}: {before} to {after}",
                metric=w.name,
                before=format_number(w.before, 0),
                after=format_number(w.after, 0),
            )
            tw = r.width - t.width("+00.0", size, "bold") - 8
            for line in t.wrap(head, size, tw, "bold"):
                t.blit(surface, line, (r.x, y), size, p.text, "bold")
                y += lh
            t.blit(surface, signed(total), (r.right, y - lh), size, col, "bold", "topright")
            parts.sort(key=lambda kv: -abs(kv[2]))
            for k, lab, v in parts:
                name = source_name(g, k, lab)
                ns = t.size_to_fit(name, ss, label_w - 12)
                if t.width(name, ns) > label_w - 12:  # a long name on its own line(s)
                    for line in t.wrap(name, ss, r.width - 10):
                        t.blit(surface, line, (r.x + 10, y), ss, p.dim)
                        y += lh - 2
                    ns, name = ss, ""
                t.blit(surface, name, (r.x + 10, y), ns, p.dim)
                bar = pygame.Rect(r.x + label_w, y + 2, r.width - label_w - num_w, lh - 6)
                bcol = p.for_direction(hi, v) if hi != "neutral" else p.accent
                draw.signed_bar(surface, bar, v, scale, bcol, p.edge)
                t.blit(surface, signed(v), (r.right, y), ss, p.dim, "regular", "topright")
                y += lh - 2
            y += 6
        # what you learnt: estimates of hidden metrics revised by this turn's intelligence
        revised = [w for w in self.res.why if not w.exact and abs(w.after - w.before) >= 0.5]
        if revised:
            t.blit(surface, _("Your estimates, revised"), (r.x, y), size, p.text, "bold")
            y += lh
            for w in revised:
                line = _(
                    "{metric}: about {before}, now about {after}",
                    metric=w.name,
                    before=format_number(w.before, 0),
                    after=format_number(w.after, 0),
                )
                for part in t.wrap(line, ss, r.width - 10):
                    t.blit(surface, part, (r.x + 10, y), ss, p.dim)
                    y += lh - 2
        if y == r.y:
            t.blit(surface, _("Nothing you can see moved."), (r.x, y), size, p.dim, "italic")
            y += lh
        return y - r.y

    def draw_odds(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        g, res = self.game, self.res
        if res.outcome:
            oc = next(o for o in g.scenario.outcomes if o.id == res.outcome)
            r = self.panel(
                surface,
                self.L["odds"],
                _("The crisis is over"),
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
            body = pygame.Rect(r.x, r.y + t.px(30), r.width, r.height - t.px(30))
            lines = [Line(oc.headline, p.text, 14), Line(trigger_text(g, oc, res.turn), p.dim, 12)]
            self.ending_scroll.draw(surface, body, lines, t, p)
            return
        w = res.odds
        viewer = next((a for a in g.scenario.actors if a.id == g.viewer), None)
        side = (viewer.short_name or viewer.name) if viewer else ""
        right = ""
        if w and not g.watch:
            right = _(
                "within {turns} if you hold course · grey: what you expected",
                turns=count_text(w.horizon, "turn"),
            )
        elif w:
            right = _(
                "within {turns} if {side} holds course",
                turns=count_text(w.horizon, "turn"),
                side=side,
            )
        r = self.panel(surface, self.L["odds"], _("The odds now"), right=right)
        if w is None:
            return
        rows = [(o.id, short_name(o), str(o.kind)) for o in g.scenario.outcomes]
        dec = next((d for d in g.decisions if d.turn == res.turn), None)
        before = dec.odds if dec is not None else None
        n = len(rows)
        size = t.px(12)
        # columns as wide as the widest name; a second row when they do not all fit
        need = max(t.width(name, size) for _, name, _ in rows) + 10
        need = max(need, t.width(_("expected {chance}", chance=draw.pct(1.0)), size) + 10)
        cols = max(1, min(n, r.width // max(1, need)))
        n_rows = -(-n // cols)
        cw = r.width // cols
        lh = t.line_height(size)
        row_h = r.height // n_rows
        if row_h < 2 * lh + 4:  # no room for the figure over the name: side by side
            self.draw_odds_lines(surface, r, rows, size)
            return
        # the figure as large as the row leaves room for, over its name
        big = t.px(min(26, max(14, (row_h - 2 * lh) * 0.8)))
        while big > size and t.line_height(big) + lh + 4 > row_h:
            big -= 1
        show_was = before is not None and row_h >= t.line_height(big) + 2 * lh + 4
        for k, (oid, name, _kind) in enumerate(rows):
            x = r.x + (k % cols) * cw
            y = r.y + (k // cols) * row_h
            col = outcome_colour(p, g.scenario, oid)
            v = w.p.get(oid, 0.0)
            t.blit(surface, draw.pct(v), (x + cw // 2, y + 2), big, col, "bold", "midtop")
            yy = y + 4 + t.line_height(big)
            t.blit(surface, name, (x + cw // 2, yy), size, p.dim, "regular", "midtop", cw - 4)
            if show_was and before is not None:
                was = before.p.get(oid, 0.0)
                t.blit(
                    surface,
                    _("expected {chance}", chance=draw.pct(was)),
                    (x + cw // 2, yy + lh),
                    size,
                    p.faint,
                    "regular",
                    "midtop",
                    max_width=cw - 4,
                )

    def title_text(self) -> str:
        return _("Turn {turn} resolved", turn=self.res.turn)

    def draw_odds_lines(
        self, surface: pygame.Surface, r: pygame.Rect, rows: list[tuple[str, str, str]], size: int
    ) -> None:
        """The odds as "name  figure" lines in columns, for a panel too short to stack
        each figure over its name (a small window with large text)."""
        p, t, w = self.app.palette, self.app.text, self.res.odds
        if w is None:
            return
        fig_w = t.width(draw.pct(1.0), size, "bold")
        need = max(t.width(name, size) for _i, name, _k in rows) + fig_w + 20
        lh = t.line_height(size)
        most = max(1, min(len(rows), r.width // max(1, need)))
        cols = min(2, most)  # two columns read best; more only when the height needs them
        while cols < most and -(-len(rows) // cols) * lh > r.height:
            cols += 1
        cw = r.width // cols
        per_col = -(-len(rows) // cols)
        for k, (oid, name, _kind) in enumerate(rows):
            x = r.x + (k // per_col) * cw
            y = r.y + (k % per_col) * lh
            figure = draw.pct(w.p.get(oid, 0.0))
            col = outcome_colour(p, self.game.scenario, oid)
            t.blit(surface, name, (x, y), size, p.dim, max_width=cw - fig_w - 16)
            t.blit(surface, figure, (x + cw - 10, y), size, col, "bold", "topright")

    def labels(self) -> list[str]:
        out = [self.title_text(), _("Moves"), _("What happened"), _("Why it changed")]
        out += list(self.res.notes)
        out += [m.option_name for m in self.res.moves.values()]
        return out + super().labels()
