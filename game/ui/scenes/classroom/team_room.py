"""A team's room: the situation room for the team at the keyboard, with its side's view
only (fog of war), its timer, and a forecast before it commits."""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING

import pygame_gui

from game.i18n import _
from game.ui.hotseat import HotSeat
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.classroom.flow import clock_colour, fmt_clock, leave_go
from game.ui.scenes.common import dots
from game.ui.scenes.room import Notice, RoomScene, StatusPart

if TYPE_CHECKING:
    from game.ui.app import App


class TeamRoomScene(RoomScene):
    """The situation room for the team at the keyboard: its side's view only (fog of war),
    its timer, and a forecast before it commits."""

    name = "team_room"

    def __init__(self, app: App, game: HotSeat) -> None:
        super().__init__(app, game)
        self.game: HotSeat = game
        self.forecast_values: dict[str, int] = {}
        self.blind_skipped = False  # the team went on without a blind forecast
        self.forecasting: Future[None] | None = None  # a blind forecast on its way

    @property
    def team(self) -> str:
        go = self.game.go
        return self.game.team_label(go.team) if go else ""

    def status_parts(self, rect: pygame.Rect, who: str | None) -> tuple[list[StatusPart], int]:
        go = self.game.go
        label = _("{team} ({side})", team=self.team, side=go.actor_name) if go else who
        return super().status_parts(rect, label)

    def odds_hidden(self) -> bool:
        st = self.game.state
        return st.blind and bool(st.forecast_outcomes) and not self.forecast_done()

    def forecast_done(self) -> bool:
        return self.game.state.forecast_in or self.blind_skipped

    def open_blind_forecast(self) -> None:
        """Blind forecasting: the forecast comes first, before any odds are on screen."""
        from game.ui.scenes.classroom.forecast import ForecastScene

        self.app.push(ForecastScene(self.app, self, None, ""))

    def send_forecast(self, probs: dict[str, float] | None) -> None:
        if probs is None:
            self.blind_skipped = True
            return
        self.forecasting = self.game.forecast_go(probs)

    def commit(self) -> None:
        if not self.can_commit() or self.game.paused or self.game.go is None:
            return
        if self.selected is None:
            return
        opt = self.snap.options[self.selected]
        if self.game.state.blind and self.forecast_done():
            self.send(opt.id, None)  # the forecast is in already
            return
        if not self.game.state.forecast_outcomes:
            self.send(opt.id, None)
            return
        from game.ui.scenes.classroom.forecast import ForecastScene

        self.app.push(ForecastScene(self.app, self, opt.id, opt.name))

    def send(self, option: str, probs: dict[str, float] | None) -> None:
        if self.resolving is not None or self.game.go is None:
            return
        self.app.sound.play("commit")
        self.resolving = self.game.commit_go(option, probs)
        self.refresh_commit()

    def expire(self) -> None:
        if self.resolving is None and self.game.go is not None:
            self.resolving = self.game.expire_go()
            self.refresh_commit()

    def resume(self) -> None:
        Scene.resume(self)
        keep = self.selected
        self.recreate_ui()
        opts = self.snap.options
        if keep is not None and (keep >= len(opts) or not opts[keep].available):
            self.selected = None
            self.refresh_commit()

    def update(self, dt: float) -> None:
        g = self.game
        if self.forecasting is not None and self.forecasting.done():
            fut, self.forecasting = self.forecasting, None
            try:
                fut.result()
            except Exception as e:
                self.error = _("Could not record the forecast: {problem}", problem=e)
        if (
            self.odds_hidden()
            and self.forecasting is None
            and self.resolving is None
            and not g.paused
            and g.go is not None
            and self.app.scene is self
        ):
            self.open_blind_forecast()
            return
        f = self.resolving
        if f is not None and f.done():
            self.resolving = None
            try:
                result = f.result()
            except Exception as e:
                self.error = _("Could not commit: {problem}", problem=e)
                self.refresh_commit()
                return
            g.take_pending()
            leave_go(self.app, g, result)
            return
        if f is None and (g.go is None or g.over):
            leave_go(self.app, g, g.take_pending())
            return
        super().update(dt)

    def take_resolution(self) -> None:
        """Left to ``update`` on the next frame: a go's result (a ``GoResult``) is no turn's
        resolution, and its go may have finished between the two looks at it."""

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if self.game.paused and self.resolving is None:
            return event if event.key == pygame.K_ESCAPE else None
        return super().handle_key(event)

    def handle_event(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if self.game.paused and event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            return None
        if (
            self.game.paused
            and event.type == pygame_gui.UI_BUTTON_PRESSED
            and self.actions.get(event.ui_element) == self.commit
        ):
            return None
        return super().handle_event(event)

    def busy_notice(self) -> Notice | None:
        p = self.app.palette
        if self.resolving is not None:
            text = _("{team}'s orders are sealed{dots}", team=self.team, dots=dots(self.app.time))
            return Notice(_("Orders sealed"), [(text, 16, p.text, "regular")], 230)
        if self.game.paused:
            wait = _("The clock has stopped. Wait for the teacher to resume.")
            lines = [
                (_("Paused by the teacher"), 22, p.caution, "bold"),
                (wait, 14, p.dim, "regular"),
            ]
            return Notice(_("Paused"), lines, 200, (560, 120), centred=True)
        return None

    def draw_extra(self, surface: pygame.Surface) -> None:
        """The countdown, big at the top of the map, for the whole room to see."""
        p, t = self.app.palette, self.app.text
        g = self.game
        left = g.time_left()
        if left is None:
            if g.state.timer and g.go is not None:
                text, col = _("Timer stopped"), p.dim
            else:
                return
        else:
            text = fmt_clock(left)
            col = clock_colour(p, left)
        m = self.L["map"]
        size = t.px(30 if left is not None else 16)
        label = f"{self.team}  " if left is not None else ""
        w = t.width(label, t.px(14), "bold") + t.width(text, size, "bold") + 28
        box = pygame.Rect(0, 0, w, t.line_height(size, "bold") + 8)
        box.midtop = (m.centerx, m.y + 6)
        pygame.draw.rect(surface, p.bg, box, border_radius=8)
        pygame.draw.rect(surface, col, box, 2, border_radius=8)
        x = box.x + 14
        if label:
            x = t.blit(surface, label, (x, box.centery), t.px(14), p.dim, "bold", "midleft").right
        t.blit(surface, text, (x, box.centery), size, col, "bold", "midleft")

    def labels(self) -> list[str]:
        out = super().labels()
        left = self.game.time_left()
        if left is not None:
            out.append(fmt_clock(left))
        if self.game.paused:
            out.append(_("Paused by the teacher"))
        go = self.game.go
        if go is not None:
            out.append(_("You: {team} ({side})", team=self.team, side=go.actor_name))
        return out
