"""The situation room: map, indicators, ladder, option cards with live what-if odds,
advisors, news, commit. The scene holds the player's picks and the widgets; the panels
draw (``panel.py``)."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import pygame_gui

from game import i18n
from game.i18n import _, format_date, format_number
from game.ui import draw, layout, watch
from game.ui.backend import Game, Resolution
from game.ui.markers import Marker, Pin
from game.ui.palette import Colour
from game.ui.pg import pygame
from game.ui.scene import Focusable, Scene
from game.ui.scenes.common import busy_box, dots, top_bar
from game.ui.scenes.room.advisors import AdvisorsPanel
from game.ui.scenes.room.cards import SECOND_ROW, CardsPanel
from game.ui.scenes.room.forecast import ForecastPanel
from game.ui.scenes.room.indicators import IndicatorsPanel
from game.ui.scenes.room.ladder import LadderPanel
from game.ui.scenes.room.map import MapPanel, markers, pins
from game.ui.scenes.room.news import NewsPanel, news_html
from game.ui.scenes.room.panel import Panel, RoomView, Tip
from game.ui.settings import text_setting_for

if TYPE_CHECKING:
    from game.ui.app import App

NUMBER_KEYS = {getattr(pygame, f"K_{i}"): i - 1 for i in range(1, 10)} | {pygame.K_0: 9}
NUMBER_KEYS |= {getattr(pygame, f"K_KP{i}"): i - 1 for i in range(1, 10)}
NUMBER_KEYS |= {pygame.K_KP0: 9}
# options 11 to 20: the row of letters under the numbers
NUMBER_KEYS |= {getattr(pygame, f"K_{c}"): 10 + k for k, c in enumerate(SECOND_ROW.lower())}

StatusPart = tuple[int, str, Colour, str]  # (reading order, text, colour, style)


@dataclass(frozen=True)
class Notice:
    """A busy box over the room: its title, lines (text, px, colour, style), veil."""

    title: str
    lines: list[tuple[str, int, Colour, str]]
    alpha: int
    size: tuple[int, int] = (520, 110)
    centred: bool = False


class RoomScene(Scene):
    name = "room"

    def __init__(self, app: App, game: Game) -> None:
        super().__init__(app)
        self.game = game
        self.snap = game.snapshot
        self.selected: int | None = None
        self.hovered: int | None = None
        self.resolving: Future | None = None
        self.result: Resolution | None = None
        self.error = ""
        self.tip: Tip | None = None
        self.tip_anchor: tuple[int, int] = (0, 0)
        self.shown_for = 0.0  # seconds this turn has been on screen (watching: auto-advance)
        self.tour_in = -1  # frames until the first-turn tour opens (-1: it does not)
        self.hover_t = 0.0
        self.last_mouse = (-1, -1)
        self.news_count = len(self.snap.news)
        self._markers_key: tuple[int, int, str] | None = None
        self._markers_before: tuple[Marker, ...] = ()
        self._markers: tuple[Marker, ...] = ()
        self._pins: tuple[Pin, ...] = ()
        self.map = MapPanel(app)
        self.indicators = IndicatorsPanel(app)
        self.ladder = LadderPanel(app)
        self.cards = CardsPanel(app)
        self.forecast = ForecastPanel(app)
        self.advisors = AdvisorsPanel(app)
        self.news = NewsPanel(app)

    @property
    def panels(self) -> dict[str, Panel]:
        """By their layout names; in the order their tooltips are looked for."""
        return {
            "metrics": self.indicators,
            "map": self.map,
            "advisors": self.advisors,
            "cards": self.cards,
            "ladder": self.ladder,
            "forecast": self.forecast,
            "news": self.news,
        }

    @property
    def card_rects(self) -> list[pygame.Rect]:
        return self.cards.cards

    def card_rect(self, i: int) -> pygame.Rect:
        return self.cards.cards[i]

    # ---------------------------------------------------------------- widgets
    def build_ui(self) -> None:
        self.snap = self.game.snapshot
        n = len(self.snap.options)
        # the text setting, not the drawn scale: text grows with the window as the panels do
        setting = text_setting_for(self.app.size, self.app.settings.text_scale)
        L = layout.room(self.app.size, n, setting)
        self.L = L
        for name, panel in self.panels.items():
            panel.layout(L[name])
        self.cards.layout(L["cards"], [L[f"card[{i}]"] for i in range(n)], self.snap.options)
        for i, opt in enumerate(self.snap.options):
            self.focusables.append(
                Focusable(
                    f"card_{opt.id}",
                    partial(self.card_rect, i),
                    partial(self.activate_card, i),
                    left=partial(self.focus_card, i - 1),
                    right=partial(self.focus_card, i + 1),
                    on_focus=partial(self.cards.reveal, i),
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
        menu = self.label_for(L["menu_button"], _("Menu  Esc"), _("Menu"), size=13)
        self.button(L["menu_button"], menu, self.open_menu, "menu", cls="@small_button")
        self.news_box = self.add(
            pygame_gui.elements.UITextBox(
                news_html(self.snap),
                self.news.box,
                manager=self.app.manager,
                object_id=pygame_gui.core.ObjectID("#news", "@news"),
            )
        )
        if self.focus_index < 0 and self.focusables:
            self.set_focus(0 if self.selected is None else self.selected)

    def commit_text(self) -> str:
        t = self.app.text
        size = round(18 * t.scale)
        room = self.L["commit"].width - 28
        if self.game.watch:
            d = self.game.auto_delay
            if d is None:
                text = _("Next turn  (Enter)")
            else:
                text = _("Next turn  (auto, {seconds} s)", seconds=format_number(d))
            # "Siguiente turno  (Enter)" outgrows the button of a small window
            return text if t.width(text, size, "bold") <= room else _("Next turn")
        if self.selected is None:
            return _("Choose an option")
        name = self.snap.options[self.selected].name
        # the longest wording that fits whole (the card shows which option is chosen)
        for text in (
            _("Commit: {option}  (Enter)", option=name),
            _("Commit: {option}", option=name),
            _("Commit  (Enter)"),
        ):
            if t.width(text, size, "bold") <= room:
                return text
        return _("Commit")

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
        opt = self.snap.options[i]
        if not opt.available:
            self.error = _(
                "{option}: {reason}", option=opt.name, reason=opt.reason or _("not available now")
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
        option = None
        if not self.game.watch and self.selected is not None:
            option = self.snap.options[self.selected].id
        self.app.sound.play("commit")
        self.resolving = self.game.commit(option)
        self.refresh_commit()

    def open_menu(self) -> None:
        self.game.open_menu(self.app)

    def startup(self) -> None:
        super().startup()
        from game.ui.scenes import tour

        # the tour opens over the room once the room has been drawn (it shows the room)
        self.tour_in = 2 if tour.wanted(self.app) and not self.game.watch else -1

    def resume(self) -> None:
        super().resume()
        self.shown_for = 0.0
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
        if self.game.watch and watch.speed_step(event):
            watch.change_speed(self.game, watch.speed_step(event))
            self.shown_for = 0.0
            self.refresh_commit()
            return None
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
        f = self.focused()
        on_card = f is not None and f.name.startswith("card_")
        if k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            if on_card:
                i = self.focus_index
                if self.selected == i or self.game.watch:
                    self.commit()
                else:
                    self.select(i)
                return None
            if f is not None and f.name == "menu":
                f.activate()
                return None
            self.commit()
            return None
        if k in (pygame.K_PAGEUP, pygame.K_PAGEDOWN):
            self.scroll_news(-0.25 if k == pygame.K_PAGEUP else 0.25)
            return None
        if k in (pygame.K_UP, pygame.K_DOWN) and on_card:
            cols = self.cards.columns()
            self.focus_card(self.focus_index + (cols if k == pygame.K_DOWN else -cols))
            return None
        return super().handle_key(event)

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
        over_cards = self.cards.rect.collidepoint(pygame.mouse.get_pos())
        if event.type == pygame.MOUSEWHEEL and self.cards.scrolls and over_cards:
            self.cards.scroll(-event.y * 40)
            return None
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.resolving is None:
            i = self.cards.card_at(event.pos)
            if i is not None:
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

    def markers(self) -> tuple[Marker, ...]:
        """The map's markers, worked out again when a turn has been played (or the
        language changed: their labels are the scenario's)."""
        key = (self.snap.turn, len(self.game.resolutions), i18n.language())
        if key != self._markers_key:
            self._markers_key = key
            res = list(self.game.resolutions)
            self._markers = tuple(markers(self.game.scenario, self.snap, res))
            self._markers_before = (
                tuple(markers(self.game.scenario, self.snap, res, before=True)) if res else ()
            )
            self._pins = tuple(pins(self.game.scenario, self.snap, res, self.game.watch))
        return self._markers

    def view(self) -> RoomView:
        """The room as of now, for the panels."""
        g, i = self.game, self.option_in_view()
        opts = self.snap.options
        f = self.focused()
        focused = self.focus_index if f is not None and self.keyboard_mode else None
        watching = None
        if g.watch:
            watching = next(a.name for a in g.scenario.actors if a.id == g.viewer)
        advice = g.advice()
        return RoomView(
            scenario=g.scenario,
            snap=self.snap,
            time=self.app.time,
            selected=self.selected,
            hovered=self.hovered,
            focused=focused if f is not None and f.name.startswith("card_") else None,
            in_view=i,
            error=self.error,
            what_if=g.cached_what_if(opts[i].id) if i is not None and i < len(opts) else None,
            hold=g.cached_what_if(g.hold_option()),
            advice=tuple(advice) if advice is not None else None,
            markers=self.markers(),
            markers_before=self._markers_before,
            pins=self._pins,
            watching=watching,
            blind=self.odds_hidden(),
        )

    def odds_hidden(self) -> bool:
        """Whether the model's odds and the advisors' figures are hidden for now (a
        classroom team that forecasts blind, before its forecast)."""
        return False

    def update(self, dt: float) -> None:
        if self.tour_in > 0:
            self.tour_in -= 1
            if self.tour_in == 0 and self.snap.turn == 0:
                from game.ui.scenes.tour import TourScene

                self.app.push(TourScene(self.app, self))
                return
        self.shown_for += dt
        if self.resolving is None and watch.due(self.game, self.shown_for):
            self.shown_for = 0.0
            self.commit()
        mouse = pygame.mouse.get_pos()
        if mouse != self.last_mouse:
            self.last_mouse = mouse
            self.hover_t = 0.0
            self.keyboard_mode = False if self.last_mouse != (-1, -1) else self.keyboard_mode
        else:
            self.hover_t += dt
        self.hovered = self.cards.card_at(mouse)
        i = self.option_in_view()
        if i is not None and self.resolving is None:
            self.game.what_if(self.snap.options[i].id)
            self.game.what_if(self.game.hold_option())
        self.tip = self.tip_at(mouse) if self.hover_t > 0.35 else None
        self.tip_anchor = mouse
        f = self.focused()
        if self.keyboard_mode and f is not None and f.name.startswith("card_"):
            # the keyboard's focus shows the details the mouse's hover shows
            r = self.card_rect(self.focus_index)
            self.tip = self.cards.hit(r.center, self.view())
            # over the map's corner: the cards, the forecast and the indicators stay in view
            self.tip_anchor = (self.L["map"].x - 10, self.L["map"].y - 14)
        if self.resolving is not None and self.resolving.done():
            self.take_resolution()

    def take_resolution(self) -> None:
        """The turn is resolved: show it (a classroom's team room takes its own result)."""
        assert self.resolving is not None
        fut, self.resolving = self.resolving, None
        try:
            self.result = fut.result()
        except Exception as e:  # show the engine's complaint, keep the game
            self.error = _("Could not resolve the turn: {problem}", problem=e)
            self.refresh_commit()
            return
        from game.ui.scenes.resolution import ResolutionScene

        assert self.result is not None
        self.app.push(ResolutionScene(self.app, self.game, self.result))

    def tip_at(self, pos: tuple[int, int]) -> Tip | None:
        view = self.view()
        for panel in self.panels.values():
            tip = panel.hit(pos, view)
            if tip is not None:
                return tip
        return None

    # ---------------------------------------------------------------- drawing
    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(self.app.palette.bg)
        L = self.L
        g = self.game
        who = next((a.name for a in g.scenario.actors if a.id == g.actor), None)
        kept, status_x = self.status_parts(L["top"], who)
        top_bar(self, surface, L["top"], g.scenario.meta.title, "", title_until=status_x)
        self.draw_status(surface, L["top"], kept)
        view = self.view()
        for name in ("map", "metrics", "ladder", "cards", "forecast", "advisors", "news"):
            self.panels[name].draw(surface, view)

    def status_parts(self, rect: pygame.Rect, who: str | None) -> tuple[list[StatusPart], int]:
        """Turn, stage, date and side for the top bar, as many as fit (in that order of
        importance), in reading order; and the x where they start."""
        p, t = self.app.palette, self.app.text
        s = self.snap
        n = len(self.game.scenario.ladder)
        if s.stage_index is None:  # hidden from this player: said so, never guessed
            stage, colour = _("Stage unknown").upper(), p.dim
        else:
            stage = self.game.scenario.ladder[s.stage_index].name.upper()
            colour = p.risk(s.stage_index / max(1, n - 1))
        size = t.px(14)
        parts: list[StatusPart] = [
            (0, self.turn_text(), p.text, "bold"),
            (2, stage, colour, "bold"),
            (1, format_date(s.date, "medium"), p.text, "regular"),
            (3, _("You: {side}", side=who) if who else _("Observer"), p.dim, "regular"),
        ]
        right = self.L["menu_button"].x - 14
        floor = rect.x + t.width(_("BRINKMANSHIP"), t.px(18), "bold") + 40
        kept: list[StatusPart] = []
        used = 0
        for part in parts:
            w = t.width(part[1], size, part[3]) + 18
            if right - used - w >= floor:
                kept.append(part)
                used += w
        kept.sort(key=lambda q: q[0])
        return kept, right - used

    def draw_status(
        self, surface: pygame.Surface, rect: pygame.Rect, kept: list[StatusPart]
    ) -> None:
        t = self.app.text
        size = t.px(14)
        x = self.L["menu_button"].x - 14
        for _rank, text, col, style in reversed(kept):
            t.blit(surface, text, (x, rect.centery), size, col, style, "midright")
            x -= t.width(text, size, style) + 18

    def busy_notice(self) -> Notice | None:
        """The box over the room while it waits (the other side deciding)."""
        if self.resolving is None:
            return None
        text = (
            # the observer sent no orders: every side is deciding
            _("The sides are deciding{dots}", dots=dots(self.app.time))
            if self.game.watch
            else _("Orders sent. The other side is deciding{dots}", dots=dots(self.app.time))
            if len(self.game.scenario.actors) <= 2
            else _("Orders sent. The other sides are deciding{dots}", dots=dots(self.app.time))
        )
        return Notice(_("Resolving the turn"), [(text, 16, self.app.palette.text, "regular")], 140)

    def draw_extra(self, surface: pygame.Surface) -> None:
        """Over the widgets, under the busy box (a classroom's countdown)."""

    def draw_over(self, surface: pygame.Surface) -> None:
        super().draw_over(surface)
        if self.tip is not None:
            draw.tooltip(surface, self.tip_anchor, self.tip[1], self.app.text, self.app.palette)
        self.draw_extra(surface)
        n = self.busy_notice()
        if n is not None:
            busy_box(self, surface, n.title, n.lines, n.alpha, n.size, n.centred)

    def always_show_focus(self) -> bool:
        return False

    def turn_text(self) -> str:
        s = self.snap
        return _("Turn {turn} of {turns}", turn=s.turn + 1, turns=s.turn_limit)

    # ---------------------------------------------------------------- tests
    def labels(self) -> list[str]:
        s = self.snap
        out = [
            self.turn_text(),
            _("Indicators"),
            _("Escalation ladder"),
            _("Advisors"),
            _("News  (newest first)"),
        ]
        out += [o.name for o in s.options]
        out += [m.name for m in s.metrics]
        return out + super().labels()

    def element_rects(self) -> dict[str, pygame.Rect]:
        out = {k: v for k, v in super().element_rects().items() if not k.startswith("#news")}
        for k in ("metrics", "ladder", "map", "forecast", "advisors", "news"):
            out[k] = self.L[k]
        for i, r in enumerate(self.card_rects):
            if r.colliderect(self.cards.rect):  # the part in view (the cards may scroll)
                out[f"card[{i}]"] = r.clip(self.cards.rect)
        return out
