"""The situation room: map, metrics, ladder, option cards with live what-if odds,
advisors, news, commit."""

from __future__ import annotations

import html
import math
from concurrent.futures import Future

import pygame_gui

from game.ui import draw, layout
from game.ui import palette as pal
from game.ui.backend import Game, MetricRow, OptionCard, Resolution, WhatIf
from game.ui.icons import icon
from game.ui.markers import MapState, markers_for
from game.ui.pg import pygame
from game.ui.scene import Focusable, Scene
from game.ui.scenes.common import top_bar, veil

NUMBER_KEYS = {getattr(pygame, f"K_{i}"): i - 1 for i in range(1, 10)} | {pygame.K_0: 9}
NUMBER_KEYS |= {getattr(pygame, f"K_KP{i}"): i - 1 for i in range(1, 10)}

CATEGORY_LABEL = {
    "talks": "Talks",
    "covert": "Covert",
    "mobilization": "Mobilisation",
    "show_of_force": "Show of force",
    "sanctions": "Sanctions",
    "legal": "Legal",
    "strike": "Strike",
    "invasion": "Invasion",
    "de_escalation": "De-escalation",
    "information": "Information",
    "alliance": "Alliance",
    "status_quo": "Hold",
    "concession": "Concession",
}


_KIND_COLOUR = {
    "war": "danger",
    "settlement": "calm",
    "regime_change": "severe",
    "capitulation": "accent",
    "standoff": "focus",
}


def outcome_colours(p: pal.Palette, scenario) -> dict[str, tuple[int, int, int]]:
    """A distinct colour per outcome: by kind (war vermillion, settlement bluish green…),
    then unused Okabe–Ito colours for the rest."""
    out: dict[str, tuple[int, int, int]] = {}
    used: set[tuple[int, int, int]] = set()
    for o in scenario.outcomes:
        name = _KIND_COLOUR.get(str(o.kind))
        c = getattr(p, name) if name else None
        if c is not None and c not in used:
            out[o.id] = c
            used.add(c)
    spare = [c for c in (*p.series, p.dim, p.faint) if c not in used]
    for o in scenario.outcomes:
        if o.id not in out:
            out[o.id] = spare.pop(0) if spare else p.dim
    out["unresolved"] = p.faint
    return out


def outcome_colour(p: pal.Palette, scenario, outcome_id: str) -> tuple[int, int, int]:
    return outcome_colours(p, scenario).get(outcome_id, p.dim)


def escalation_colour(p: pal.Palette, esc: float) -> tuple[int, int, int]:
    if esc <= 0:
        return p.calm
    if esc < 8:
        return p.accent
    if esc < 18:
        return p.caution
    return p.danger


def metric_colour(p: pal.Palette, m: MetricRow) -> tuple[int, int, int]:
    n = m.norm
    if m.higher_is == "escalatory":
        return p.risk(n)
    if m.higher_is == "calming":
        return p.risk(1 - n)
    return p.accent


def fmt_value(m: MetricRow) -> str:
    """``42``, or ``~55 ±12`` for an estimate (kept within the metric's range)."""
    span = m.hi - m.lo
    digits = 0 if span >= 20 else 1
    v = min(max(m.value, m.lo), m.hi)
    text = f"{v:.{digits}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    if m.exact:
        return text
    return f"~{text} ±{m.error:.{digits}f}"


class RoomScene(Scene):
    name = "room"

    def __init__(self, app, game: Game) -> None:
        super().__init__(app)
        self.game = game
        self.snap = game.snapshot
        self.selected: int | None = None
        self.hovered: int | None = None
        self.resolving: Future | None = None
        self.result: Resolution | None = None
        self.error = ""
        self.tip: tuple[str, list[str]] | None = None
        self.hover_t = 0.0
        self.last_mouse = (-1, -1)
        self.news_count = len(self.snap.news)
        self._markers_key: tuple | None = None
        self._markers: list = []

    # ---------------------------------------------------------------- widgets
    def build_ui(self) -> None:
        self.snap = self.game.snapshot
        L = layout.room(self.app.size, len(self.snap.options))
        self.L = L
        self.card_rects = [L[f"card[{i}]"] for i in range(len(self.snap.options))]
        for i, opt in enumerate(self.snap.options):
            self.focusables.append(
                Focusable(
                    f"card_{opt.id}",
                    lambda i=i: self.card_rects[i],
                    lambda i=i: self.activate_card(i),
                    left=lambda i=i: self.focus_card(i - 1),
                    right=lambda i=i: self.focus_card(i + 1),
                )
            )
        self.commit_button = self.button(
            L["commit"],
            self.commit_text(),
            self.commit,
            "commit",
            cls="@commit",
            enabled=self.can_commit(),
        )
        menu = "Menu  Esc" if L["menu_button"].width >= 100 else "Menu"
        self.button(L["menu_button"], menu, self.open_menu, "menu", cls="@small_button")
        nr = L["news"]
        head = self.app.text.line_height(self.app.text.px(12), "bold") + 8
        self.news_box = self.add(
            pygame_gui.elements.UITextBox(
                self.news_html(),
                pygame.Rect(nr.x, nr.y + head, nr.width, nr.height - head),
                manager=self.app.manager,
                object_id=pygame_gui.core.ObjectID("#news", "@news"),
            )
        )
        if self.focus_index < 0 and self.focusables:
            self.set_focus(0 if self.selected is None else self.selected)

    def news_html(self) -> str:
        if not self.snap.news:
            return "<i>No news yet. The wires are quiet.</i>"
        rows = []
        for n in self.snap.news[:60]:
            date = n.date.strftime("%d %b") if n.date else f"T{n.turn}"
            colour = {"event": "#E69F00", "outcome": "#D55E00", "inject": "#F0E442"}.get(
                n.kind, "#56B4E9"
            )
            rows.append(
                f"<font color='{colour}'>{date}</font>  {html.escape(n.headline, quote=False)}"
            )
        return "<br>".join(rows)

    def commit_text(self) -> str:
        if self.game.watch:
            return "Next turn  (Enter)"
        if self.selected is None:
            return "Choose an option (1–9)"
        t = self.app.text
        size = round(18 * t.scale)
        room = self.L["commit"].width - t.width("Commit:   (Enter)", size, "bold") - 28
        name = t.fit(self.snap.options[self.selected].name, size, room, "bold")
        return f"Commit: {name}  (Enter)" if name else "Commit  (Enter)"

    def can_commit(self) -> bool:
        if self.resolving is not None or self.snap.over:
            return False
        return self.game.watch or self.selected is not None

    def refresh_commit(self) -> None:
        self.commit_button.set_text(self.commit_text())
        if self.can_commit():
            self.commit_button.enable()
        else:
            self.commit_button.disable()

    # ---------------------------------------------------------------- actions
    def focus_card(self, i: int) -> None:
        n = len(self.snap.options)
        if n:
            self.keyboard_mode = True
            self.set_focus(i % n)

    def select(self, i: int) -> None:
        if self.game.watch or not (0 <= i < len(self.snap.options)):
            return
        if not self.snap.options[i].available:
            self.error = (
                f"{self.snap.options[i].name}: {self.snap.options[i].reason or 'not available now'}"
            )
            return
        self.error = ""
        self.selected = i
        self.refresh_commit()

    def activate_card(self, i: int) -> None:
        if self.selected == i and self.keyboard_mode:
            self.commit()
        else:
            self.select(i)

    def commit(self) -> None:
        if not self.can_commit():
            return
        option = None if self.game.watch else self.snap.options[self.selected].id
        self.app.sound.play("commit")
        self.resolving = self.game.commit(option)
        self.refresh_commit()

    def open_menu(self) -> None:
        from game.ui.scenes.overlays import PauseScene

        self.app.push(PauseScene(self.app))

    def resume(self) -> None:
        super().resume()
        if self.result is not None:  # back from the resolution screen: the new turn
            self.result = None
            self.selected = None
            self.game.after_resolution()
            if self.game.snapshot.over:
                from game.ui.scenes.end import EndScene

                self.app.replace(EndScene(self.app, self.game))
                return
            self.focus_index = -1
            self.recreate_ui()
            if len(self.snap.news) > self.news_count:
                self.app.sound.play("tick")
            self.news_count = len(self.snap.news)

    # ---------------------------------------------------------------- events
    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if self.resolving is not None:
            return event if event.key == pygame.K_ESCAPE else None
        k = event.key
        if k in NUMBER_KEYS and not (event.mod & (pygame.KMOD_CTRL | pygame.KMOD_ALT)):
            i = NUMBER_KEYS[k]
            if i < len(self.snap.options):
                self.keyboard_mode = True
                self.set_focus(i)
                self.select(i)
            return None
        if k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            f = self.focused()
            if f is not None and f.name.startswith("card_"):
                i = self.focus_index
                if self.selected == i or self.game.watch:
                    self.commit()
                else:
                    self.select(i)
                return None
            if f is not None and f.name in ("menu",):
                f.activate()
                return None
            self.commit()
            return None
        if k in (pygame.K_PAGEUP, pygame.K_PAGEDOWN):
            self.scroll_news(-0.25 if k == pygame.K_PAGEUP else 0.25)
            return None
        if k in (pygame.K_UP, pygame.K_DOWN):
            f = self.focused()
            if f is not None and f.name.startswith("card_"):
                cols = self.columns()
                self.focus_card(self.focus_index + (cols if k == pygame.K_DOWN else -cols))
                return None
        return super().handle_key(event)

    def columns(self) -> int:
        rs = self.card_rects
        return max(1, sum(1 for r in rs if r.y == rs[0].y)) if rs else 1

    def scroll_news(self, step: float) -> None:
        bar = getattr(self.news_box, "scroll_bar", None)
        if bar is None:
            return
        try:
            start = bar.start_percentage + step
            bar.set_scroll_from_start_percentage(min(max(start, 0.0), 1.0 - bar.visible_percentage))
        except (AttributeError, TypeError):
            pass

    def handle_event(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.resolving is None:
            for i, r in enumerate(self.card_rects):
                if r.collidepoint(event.pos):
                    self.keyboard_mode = False
                    self.set_focus(i)
                    self.select(i)
                    return None
        return super().handle_event(event)

    # ---------------------------------------------------------------- frame
    def option_in_view(self) -> int | None:
        """The option whose forecast is shown: hovered, else focused card, else selected."""
        if self.hovered is not None:
            return self.hovered
        f = self.focused()
        if f is not None and f.name.startswith("card_"):
            return self.focus_index
        return self.selected

    def update(self, dt: float) -> None:
        mouse = pygame.mouse.get_pos()
        if mouse != self.last_mouse:
            self.last_mouse = mouse
            self.hover_t = 0.0
            self.keyboard_mode = False if self.last_mouse != (-1, -1) else self.keyboard_mode
        else:
            self.hover_t += dt
        self.hovered = next(
            (i for i, r in enumerate(self.card_rects) if r.collidepoint(mouse)), None
        )
        i = self.option_in_view()
        if i is not None and self.resolving is None:
            self.game.what_if(self.snap.options[i].id)
            self.game.what_if(self.game.hold_option())
        self.tip = self.tip_at(mouse) if self.hover_t > 0.35 else None
        if self.resolving is not None and self.resolving.done():
            fut, self.resolving = self.resolving, None
            try:
                self.result = fut.result()
            except Exception as e:  # show the engine's complaint, keep the game
                self.error = f"Could not resolve the turn: {e}"
                self.refresh_commit()
                return
            from game.ui.scenes.resolution import ResolutionScene

            self.app.push(ResolutionScene(self.app, self.game, self.result))

    def tip_at(self, pos: tuple[int, int]) -> tuple[str, list[str]] | None:
        for row, m in getattr(self, "metric_rows", []):
            if row.collidepoint(pos):
                lines = [m.name, m.description]
                if not m.exact:
                    lines.append(
                        f"An estimate: the true value is probably within ±{m.error:.0f} "
                        f"(your intelligence is imperfect)."
                    )
                lines.append(f"Range {m.lo:g}–{m.hi:g}; rising is {m.higher_is}.")
                return (m.id, lines)
        for halo, mk in getattr(self, "marker_rects", []):
            if halo.collidepoint(pos):
                return (mk.id, [mk.label, "On the map: its place and size follow the game."])
        for row, a in getattr(self, "advisor_rows", []):
            if row.collidepoint(pos):
                return (
                    a.name,
                    [f"{a.name}, {a.title} ({a.stance})", f"Recommends: {a.option_name}", a.reason],
                )
        for i, r in enumerate(self.card_rects):
            if r.collidepoint(pos) and i < len(self.snap.options):
                o = self.snap.options[i]
                lines = [
                    o.name,
                    o.description,
                    f"{CATEGORY_LABEL.get(o.category, o.category)} · escalation {o.escalation:+g}"
                    + (" · covert" if o.covert else ""),
                ]
                if not o.available:
                    lines.append(f"Not available: {o.reason}")
                return (o.id, lines)
        for row, st in getattr(self, "ladder_rows", []):
            if row.collidepoint(pos):
                return (st.id, [st.name, st.description])
        return None

    # ---------------------------------------------------------------- drawing
    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        surface.fill(p.bg)
        L = self.L
        g = self.game
        who = next((a.name for a in g.scenario.actors if a.id == g.actor), "Observer")
        kept, status_x = self.status_parts(L["top"], who)
        top_bar(self, surface, L["top"], g.scenario.meta.title, "", title_until=status_x)
        self.draw_status(surface, L["top"], kept)
        self.draw_map(surface, L["map"])
        self.draw_metrics(surface, L["metrics"])
        self.draw_ladder(surface, L["ladder"])
        self.draw_cards(surface)
        self.draw_forecast(surface, L["forecast"])
        self.draw_advisors(surface, L["advisors"])
        draw.panel(surface, L["news"], p, t, "News  (newest first)", accent=p.caution)

    def status_parts(self, rect: pygame.Rect, who: str) -> tuple[list, int]:
        """Turn, stage, date and side for the top bar, as many as fit (in that order of
        importance), in reading order; and the x where they start."""
        p, t = self.app.palette, self.app.text
        s = self.snap
        n = len(self.game.scenario.ladder)
        colour = p.risk(s.stage_index / max(1, n - 1))
        size = t.px(14)
        parts = [
            (0, f"Turn {s.turn + 1} of {s.turn_limit}", p.text, "bold"),
            (2, self.game.scenario.ladder[s.stage_index].name.upper(), colour, "bold"),
            (1, s.date.strftime("%d %b %Y"), p.text, "regular"),
            (3, f"You: {who}", p.dim, "regular"),
        ]
        right = self.L["menu_button"].x - 14
        floor = rect.x + t.width("BRINKMANSHIP", t.px(18), "bold") + 40
        kept, used = [], 0
        for part in parts:
            w = t.width(part[1], size, part[3]) + 18
            if right - used - w >= floor:
                kept.append(part)
                used += w
        kept.sort(key=lambda q: q[0])
        return kept, right - used

    def draw_status(self, surface: pygame.Surface, rect: pygame.Rect, kept: list) -> None:
        t = self.app.text
        size = t.px(14)
        x = self.L["menu_button"].x - 14
        for _, text, col, style in reversed(kept):
            t.blit(surface, text, (x, rect.centery), size, col, style, "midright")
            x -= t.width(text, size, style) + 18

    def draw_map(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        p, t = self.app.palette, self.app.text
        focus = frozenset(self.focus_countries())
        labels = frozenset(self.focus_places())
        base = self.app.map.base(rect.size, p, focus, labels)
        surface.blit(base, rect)
        proj = self.app.map.projection(rect.size)
        clip = surface.get_clip()
        surface.set_clip(rect)
        pulse = 0.5 + 0.5 * math.sin(self.app.time * 4)
        lbl = t.px(11)
        taken: list[pygame.Rect] = []
        self.marker_rects = []
        for mk in self.markers():
            x, y = proj(mk.lon, mk.lat)
            x, y = rect.x + x, rect.y + y
            colour = self.marker_colour(mk.colour)
            size = round(14 + 22 * mk.size) * max(0.6, min(1.4, rect.height / 360))
            size = max(10, round(size))
            if mk.pulse:
                pygame.draw.circle(surface, colour, (x, y), size * (0.7 + 0.5 * pulse), 2)
            halo = pygame.Rect(0, 0, size + 8, size + 8)
            halo.center = (x, y)
            pygame.draw.rect(surface, p.bg, halo, border_radius=4)
            pygame.draw.rect(surface, colour, halo, 1, border_radius=4)
            img = icon(mk.symbol, size, colour)
            surface.blit(img, img.get_rect(center=(x, y)))
            self.marker_rects.append((halo, mk))
            taken.append(halo)
            label = t.render(mk.label, lbl, colour, "bold")
            lr = label.get_rect(midtop=(x, halo.bottom + 1))
            if lr.collidelist(taken) < 0 and rect.contains(lr):
                pygame.draw.rect(surface, p.bg, lr.inflate(4, 0), border_radius=2)
                surface.blit(label, lr)
                taken.append(lr)
        surface.set_clip(clip)
        pygame.draw.rect(surface, p.edge, rect, 1)
        t.blit(surface, "THEATRE", (rect.x + 8, rect.y + 6), t.px(11), p.dim, "bold")

    def marker_colour(self, name: str) -> tuple[int, int, int]:
        p = self.app.palette
        for a in self.game.scenario.actors:
            if a.id == name:
                return pal.hex_colour(a.colour)
        return getattr(p, name, p.accent) if isinstance(getattr(p, name, None), tuple) else p.accent

    def focus_countries(self) -> list[str]:
        from game.ui.markers import spec_for

        entry = spec_for(self.game.scenario.meta.id)
        if "countries" in entry:
            return list(entry["countries"])
        names = []
        for a in self.game.scenario.actors:
            for n in (a.name, a.short_name or ""):
                if n:
                    names.append(n)
        return names

    def focus_places(self) -> list[str]:
        from game.ui.markers import spec_for

        entry = spec_for(self.game.scenario.meta.id)
        return list(
            entry.get("labels", ["caracas", "havana", "kingston", "port_of_spain", "san_juan"])
        )

    def markers(self) -> list:
        s = self.snap
        key = (s.turn, len(self.game.resolutions))
        if key != self._markers_key:
            self._markers_key = key
            self._markers = markers_for(self.game.scenario, self.map_state())
        return self._markers

    def map_state(self) -> MapState:
        scn = self.game.scenario
        moves = [
            {a: (m.option, m.category) for a, m in r.moves.items()} for r in self.game.resolutions
        ]
        exposed = [set(r.exposed) for r in self.game.resolutions]
        return MapState(
            metrics={m.id: m.norm for m in self.snap.metrics},
            stage=self.snap.stage_index / max(1, len(scn.ladder) - 1),
            turn=self.snap.turn,
            moves=moves,
            exposed=exposed,
        )

    def draw_metrics(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        p, t = self.app.palette, self.app.text
        r = draw.panel(surface, rect, p, t, "Indicators", right="hover for details")
        rows = []
        ms = self.snap.metrics
        if not ms:
            self.metric_rows = rows
            return
        rh = max(24, min(58, r.height // len(ms)))
        size = t.px(13 if rh >= 34 else 12)
        vsize = t.px(13)
        for k, m in enumerate(ms):
            row = pygame.Rect(r.x, r.y + k * rh, r.width, rh - 4)
            if row.bottom > r.bottom + 2:
                break
            rows.append((row, m))
            col = metric_colour(p, m)
            val = fmt_value(m)
            vw = t.width(val, vsize, "bold")
            name = t.fit(m.short if r.width < 230 else m.name, size, r.width - vw - 10)
            t.blit(surface, name, (row.x, row.y), size, p.text)
            t.blit(
                surface,
                val,
                (row.right, row.y),
                vsize,
                col if m.exact else p.caution,
                "bold",
                "topright",
            )
            lh = t.line_height(size)
            gy = row.y + lh
            gh = max(4, row.height - lh - 2)
            spark_w = max(30, round(row.width * 0.34)) if gh >= 10 else 0
            meter = pygame.Rect(
                row.x, gy + gh // 2 - 3, row.width - spark_w - (8 if spark_w else 0), 6
            )
            band = (m.error / (m.hi - m.lo)) if not m.exact and m.hi > m.lo else 0.0
            draw.meter(surface, meter, m.norm, col, p.panel_hi, band)
            if spark_w:
                draw.sparkline(
                    surface,
                    pygame.Rect(row.right - spark_w, gy, spark_w, gh),
                    m.history,
                    m.lo,
                    m.hi,
                    col,
                    band=m.error if not m.exact else 0.0,
                    faint=p.edge,
                )
        self.metric_rows = rows

    def draw_ladder(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        p, t = self.app.palette, self.app.text
        r = draw.panel(surface, rect, p, t, "Escalation ladder", accent=p.danger)
        ladder = self.game.scenario.ladder
        n = len(ladder)
        rh = max(14, r.height // n)
        size = t.px(13 if rh >= 22 else 11)
        cur = self.snap.stage_index
        rows = []
        rail_x = r.x + 8
        top = r.y + 2
        bottom = min(r.bottom, top + rh * n) - 2
        pygame.draw.line(surface, p.edge, (rail_x, top), (rail_x, bottom), 2)
        pygame.draw.line(surface, p.edge, (rail_x + 18, top), (rail_x + 18, bottom), 2)
        for k, _st in enumerate(ladder):
            idx = n - 1 - k  # top of the ladder is the worst stage
            stage = ladder[idx]
            y = r.y + k * rh
            row = pygame.Rect(r.x, y, r.width, rh)
            rows.append((row, stage))
            level = idx / max(1, n - 1)
            col = p.risk(level)
            pygame.draw.line(
                surface,
                p.edge if idx != cur else col,
                (rail_x, row.centery),
                (rail_x + 18, row.centery),
                3 if idx == cur else 1,
            )
            if idx == cur:
                hi = pygame.Rect(r.x + 26, y + 1, r.width - 26, rh - 2)
                pygame.draw.rect(surface, p.panel_hi, hi, border_radius=3)
                pygame.draw.rect(surface, col, hi, 1, border_radius=3)
                pygame.draw.polygon(
                    surface,
                    col,
                    [(r.x, row.centery - 5), (r.x, row.centery + 5), (r.x + 7, row.centery)],
                )
            t.blit(
                surface,
                stage.name,
                (r.x + 32, row.centery),
                size,
                col if idx == cur else (p.dim if idx < cur else p.faint),
                "bold" if idx == cur else "regular",
                "midleft",
                max_width=r.width - 36,
            )
        self.ladder_rows = rows

    def draw_cards(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        view = self.option_in_view()
        focus = self.focused()
        for i, (r, opt) in enumerate(zip(self.card_rects, self.snap.options, strict=False)):
            self.draw_card(
                surface,
                r,
                opt,
                i,
                i == self.selected,
                i == self.hovered,
                focus is not None and focus.name == f"card_{opt.id}" and self.keyboard_mode,
                i == view,
            )
        if self.error:
            ca = self.L["cards"]
            t.blit(
                surface,
                self.error,
                (ca.x + 4, ca.bottom - 2),
                t.px(12),
                p.danger,
                "bold",
                "bottomleft",
                max_width=ca.width - 8,
            )

    def draw_card(self, surface, r, opt: OptionCard, i, selected, hovered, focused, viewed) -> None:
        p, t = self.app.palette, self.app.text
        avail = opt.available
        bg = p.panel_hi if (hovered or viewed) and avail else p.panel
        pygame.draw.rect(surface, bg, r, border_radius=5)
        edge = p.caution if selected else (p.accent if hovered or focused else p.edge)
        pygame.draw.rect(surface, edge, r, 3 if selected else 1, border_radius=5)
        ecol = escalation_colour(p, opt.escalation)
        pygame.draw.rect(surface, ecol if avail else p.faint, (r.x + 1, r.y + 4, 3, r.height - 8))
        pad = 6
        size = t.px(14 if r.height >= 50 else 13)
        small = t.px(11)
        lh, slh = t.line_height(size), t.line_height(small)
        txt_col = p.text if avail else p.faint
        x = r.x + pad + 2
        if i < 10:
            badge = pygame.Rect(x, r.y + pad, t.px(17), t.px(17))
            pygame.draw.rect(surface, p.bg, badge, border_radius=3)
            pygame.draw.rect(surface, edge if selected else p.edge, badge, 1, border_radius=3)
            num = "0" if i == 9 else str(i + 1)
            t.blit(
                surface,
                num,
                badge.center,
                t.px(12),
                p.caution if selected else p.dim,
                "bold",
                "center",
            )
            x = badge.right + 5
        ic = max(12, min(t.px(20), r.height - 2 * pad))
        surface.blit(icon(opt.category, ic, ecol if avail else p.faint), (x, r.y + pad))
        tx = x + ic + 6
        tw = r.right - pad - tx
        room = r.height - 2 * pad + 2
        # the name gets two lines when it needs them and there is room; then the category
        lines = t.wrap(opt.name, size, tw, "bold")
        max_name = 2 if room >= 2 * lh else 1
        if len(lines) > max_name:
            lines = [
                *lines[: max_name - 1],
                t.fit(" ".join(lines[max_name - 1 :]), size, tw, "bold"),
            ]
        y = r.y + pad - 3
        for line in lines:
            t.blit(surface, line, (tx, y), size, txt_col, "bold")
            y += lh
        tag = CATEGORY_LABEL.get(opt.category, opt.category)
        if opt.covert and opt.category != "covert":
            tag += "  ·  covert"
        if not avail:
            tag = "Unavailable: " + (opt.reason or "not now")
        if y + slh <= r.bottom - 2:
            t.blit(
                surface,
                tag,
                (tx, y),
                small,
                ecol if avail else p.faint,
                "bold" if avail else "regular",
                max_width=tw,
            )
            y += slh
        if y + t.line_height(t.px(12)) <= r.bottom - 3 and avail:
            t.blit_wrapped(
                surface,
                opt.description,
                pygame.Rect(tx, y, tw, r.bottom - 3 - y),
                t.px(12),
                p.dim,
                max_lines=2,
            )

    def draw_forecast(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        p, t = self.app.palette, self.app.text
        i = self.option_in_view()
        g = self.game
        opt = self.snap.options[i] if i is not None and i < len(self.snap.options) else None
        title = f"If you choose: {opt.name}" if opt else "What if…"
        if g.watch and opt:
            who = next(a.name for a in g.scenario.actors if a.id == g.viewer)
            title = f"If {who} chose: {opt.name}"
        r = draw.panel(surface, rect, p, t, title, accent=p.caution)
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
        w: WhatIf | None = g.cached_what_if(opt.id)
        hold: WhatIf | None = g.cached_what_if(g.hold_option())
        if w is None or hold is None:
            dots = "." * (1 + int(self.app.time * 3) % 3)
            t.blit(surface, f"estimating{dots}", (r.x, r.y + 2), t.px(14), p.caution, "italic")
            t.blit(
                surface,
                "Thousands of possible futures are being played out.",
                (r.x, r.y + 24),
                t.px(12),
                p.dim,
                max_width=r.width,
            )
            return
        scn = g.scenario
        size = t.px(12)
        lh = t.line_height(size)
        t.blit(
            surface,
            f"Chance within {w.horizon} turns · bar: this option · tick: hold course",
            (r.x, r.y),
            t.px(11),
            p.dim,
            max_width=r.width,
        )
        y = r.y + t.line_height(t.px(11)) + 2
        rows = [(o.id, o.name, str(o.kind)) for o in scn.outcomes]
        rows.append(("unresolved", "Still unresolved", "other"))
        avail_h = r.bottom - y
        rh = max(lh, min(lh + 14, avail_h // max(1, len(rows))))
        name_w = min(round(r.width * 0.45), 190)
        num_w = t.width("100% (−100)", size, "bold")
        for oid, name, kind in rows:
            if y + rh > r.bottom + 2:
                break
            pv, ph = w.p.get(oid, 0.0), hold.p.get(oid, 0.0)
            col = outcome_colour(p, g.scenario, oid)
            t.blit(
                surface,
                name,
                (r.x, y + rh // 2),
                size,
                p.text,
                "regular",
                "midleft",
                max_width=name_w - 6,
            )
            bar = pygame.Rect(
                r.x + name_w, y + rh // 2 - 5, max(10, r.width - name_w - num_w - 8), 10
            )
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
            dc = (
                p.danger if worse and abs(d) >= 1 else (p.calm if better and abs(d) >= 1 else p.dim)
            )
            t.blit(
                surface, draw.pct(pv), (bar.right + 6, y + rh // 2), size, p.text, "bold", "midleft"
            )
            t.blit(surface, diff, (r.right, y + rh // 2), size, dc, "bold", "midright")
            y += rh

    def draw_advisors(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        p, t = self.app.palette, self.app.text
        r = draw.panel(surface, rect, p, t, "Advisors", right="hover for their reasons")
        adv = self.game.advice()
        rows = []
        self.advisor_rows = rows
        if adv is None:
            dots = "." * (1 + int(self.app.time * 3) % 3)
            t.blit(
                surface,
                f"Your advisors are conferring{dots}",
                (r.x, r.y),
                t.px(13),
                p.dim,
                "italic",
            )
            return
        if not adv:
            t.blit(surface, "No advisors in this scenario.", (r.x, r.y), t.px(13), p.dim, "italic")
            return
        size = t.px(12)
        lh = t.line_height(size)
        per = max(lh + 2, r.height // len(adv))
        lines = max(1, (per - 4) // lh)
        y = r.y
        for a in adv:
            if y + lh > r.bottom + 2:
                break
            row = pygame.Rect(r.x, y, r.width, min(per, r.bottom - y))
            rows.append((row, a))
            stance_col = {"hawk": p.danger, "dove": p.calm}.get(a.stance.lower(), p.accent)
            chip = t.render(a.stance.upper()[:12], t.px(10), p.bg, "bold")
            cr = chip.get_rect(topleft=(r.x, y + 2)).inflate(8, 2)
            cr.x = r.x
            pygame.draw.rect(surface, stance_col, cr, border_radius=3)
            surface.blit(chip, chip.get_rect(center=cr.center))
            idx = next((o.index for o in self.snap.options if o.id == a.option_id), None)
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
                    a.reason,
                    pygame.Rect(r.x + 4, y + lh, r.width - 4, per - lh - 2),
                    size,
                    p.dim,
                    max_lines=lines - 1,
                )
            y += per

    def draw_over(self, surface: pygame.Surface) -> None:
        super().draw_over(surface)
        p, t = self.app.palette, self.app.text
        if self.tip is not None:
            draw.tooltip(surface, self.last_mouse, self.tip[1], t, p)
        if self.resolving is not None:
            veil(surface, 140)
            box = pygame.Rect(0, 0, min(520, self.app.size[0] - 40), 110)
            box.center = (self.app.size[0] // 2, self.app.size[1] // 2)
            r = draw.panel(surface, box, p, t, "Resolving the turn", accent=p.caution)
            dots = "." * (1 + int(self.app.time * 3) % 3)
            t.blit(
                surface,
                f"Orders sent. The other side is deciding{dots}",
                (r.x, r.y + 6),
                t.px(16),
                p.text,
                max_width=r.width,
            )

    def always_show_focus(self) -> bool:
        return False

    # ---------------------------------------------------------------- tests
    def labels(self) -> list[str]:
        s = self.snap
        out = [
            f"Turn {s.turn + 1} of {s.turn_limit}",
            "Indicators",
            "Escalation ladder",
            "Advisors",
            "News",
        ]
        out += [o.name for o in s.options]
        out += [m.name for m in s.metrics]
        return out + super().labels()

    def element_rects(self) -> dict[str, pygame.Rect]:
        out = {k: v for k, v in super().element_rects().items() if not k.startswith("#news")}
        for k in ("metrics", "ladder", "map", "forecast", "advisors", "news"):
            out[k] = self.L[k]
        for i, r in enumerate(self.card_rects):
            out[f"card[{i}]"] = r
        return out
