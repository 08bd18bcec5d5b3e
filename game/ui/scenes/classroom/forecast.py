"""Before a team commits: its chance of each main ending within the next turns."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import pygame_gui

from game.i18n import _, format_date, format_percent
from game.ui import layout
from game.ui.pg import pygame
from game.ui.scene import Focusable, Scene
from game.ui.scenes.classroom.flow import clock_colour, fmt_clock
from game.ui.scenes.common import veil
from game.ui.scenes.room import NUMBER_KEYS
from game.ui.style import outcome_colour
from game.words import count_text

if TYPE_CHECKING:
    from game.ui.app import App
    from game.ui.scenes.classroom.team_room import TeamRoomScene


class ForecastScene(Scene):
    """Before committing: the team's chance of each main ending within the next turns."""

    name = "forecast"
    overlay = True
    pausable = False
    esc_closes = True

    def __init__(self, app: App, room: TeamRoomScene, option: str | None, option_name: str) -> None:
        """``option`` None: a blind forecast, made before the team sees any odds."""
        super().__init__(app)
        self.room = room
        self.game = room.game
        self.option, self.option_name = option, option_name
        scn = self.game.scenario
        ids = self.game.state.forecast_outcomes
        self.outcomes = [o for o in scn.outcomes if o.id in ids]
        self.values = room.forecast_values
        for o in self.outcomes:
            self.values.setdefault(o.id, 0)
        self.sliders: dict[str, pygame_gui.elements.UIHorizontalSlider] = {}
        self.message = ""
        self.typed = ""
        self.typed_row: str | None = None
        self.typed_t = 0.0

    @property
    def within(self) -> int:
        return self.game.state.forecast_within

    def build_ui(self) -> None:
        L = layout.forecast_panel(self.app.size, len(self.outcomes))
        self.L = L
        self.sliders = {}
        for i, o in enumerate(self.outcomes):
            s = self.add(
                pygame_gui.elements.UIHorizontalSlider(
                    L[f"slider[{i}]"],
                    self.values[o.id],
                    (0, 100),
                    manager=self.app.manager,
                    object_id=f"#p_{o.id}",
                    click_increment=5,
                )
            )
            self.sliders[o.id] = s
            self.focusables.append(
                Focusable(
                    f"p_{o.id}",
                    partial(self.L.__getitem__, f"slider[{i}]"),
                    self.submit,
                    left=partial(self.nudge, o.id, -5),
                    right=partial(self.nudge, o.id, 5),
                )
            )
        self.button(L["button[0]"], _("‹  Back  (Esc)"), self.back, "back")
        self.button(L["button[1]"], _("Skip the forecast"), self.skip, "skip")
        self.button(
            L["button[2]"],
            _("Commit  (Enter)"),
            self.submit,
            "commit_forecast",
            cls="@commit",
        )
        if self.focus_index < 0 and self.outcomes:
            self.focus_named(f"p_{self.outcomes[0].id}")

    def set_value(self, oid: str, v: int) -> None:
        v = max(0, min(100, int(v)))
        self.values[oid] = v
        s = self.sliders.get(oid)
        if s is not None and round(s.get_current_value()) != v:
            s.set_current_value(v)
        self.message = ""

    def nudge(self, oid: str, step: int) -> None:
        self.keyboard_mode = True
        self.typed = ""
        self.set_value(oid, self.values[oid] + step)

    def total(self) -> int:
        return sum(self.values[o.id] for o in self.outcomes)

    def submit(self) -> None:
        if self.total() > 100:
            self.message = _(
                "Your chances add up to {total}: at most {most} (the rest is 'none of these').",
                total=format_percent(self.total() / 100),
                most=format_percent(1.0),
            )
            return
        probs = {o.id: self.values[o.id] / 100 for o in self.outcomes}
        room = self.room
        self.app.pop()
        if self.option is None:
            room.send_forecast(probs)
        else:
            room.send(self.option, probs)

    def heading(self) -> str:
        if self.option is None:
            return _("Before you see the odds: your forecast")
        return _("Before you commit: your forecast")

    def skip(self) -> None:
        room = self.room
        self.app.pop()
        if self.option is None:
            room.send_forecast(None)
        else:
            room.send(self.option, None)

    def back(self) -> None:
        if self.option is None:  # a blind forecast: back to the room means skipping it
            self.skip()
            return
        self.app.pop()

    def handle_event(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
            for oid, s in self.sliders.items():
                if event.ui_element is s:
                    self.set_value(oid, int(round(s.get_current_value() / 5) * 5))
                    return None
        return super().handle_event(event)

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        f = self.focused()
        if event.key in NUMBER_KEYS or event.key in (pygame.K_0, pygame.K_KP0):
            digit = 0 if event.key in (pygame.K_0, pygame.K_KP0) else NUMBER_KEYS[event.key] + 1
            if f is None or not f.name.startswith("p_"):
                if not self.outcomes:
                    return None
                self.focus_named(f"p_{self.outcomes[0].id}")
                f = self.focused()
                if f is None:
                    return None
            oid = f.name[2:]
            if self.typed_row != oid or self.app.time - self.typed_t > 1.5 or len(self.typed) >= 3:
                self.typed = ""
            self.typed += str(digit)
            self.typed_row, self.typed_t = oid, self.app.time
            self.keyboard_mode = True
            self.set_value(oid, int(self.typed))
            return None
        if event.key == pygame.K_BACKSPACE and f is not None and f.name.startswith("p_"):
            self.typed = self.typed[:-1]
            self.set_value(f.name[2:], int(self.typed or 0))
            return None
        return super().handle_key(event)

    def default_action(self, event: pygame.event.Event) -> pygame.event.Event | None:
        self.submit()
        return None

    def update(self, dt: float) -> None:
        for oid, s in self.sliders.items():
            v = round(s.get_current_value())
            if v != self.values[oid]:
                self.values[oid] = max(0, min(100, v))

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 215)
        L = self.L
        r = self.panel(surface, L["panel"], self.heading(), accent=p.caution)
        head = L["head"]
        date = self.game.state.forecast_until
        y = max(head.y, r.y)
        y += (
            t.blit_wrapped(
                surface,
                (
                    _("{team} chose: {option}.", team=self.room.team, option=self.option_name)
                    if self.option is not None
                    else _("{team}: forecast first, then the odds appear.", team=self.room.team)
                ),
                pygame.Rect(head.x, y, head.width, head.bottom - y),
                t.px(16),
                p.text,
                "bold",
                max_lines=1,
            )
            + 2
        )
        t.blit_wrapped(
            surface,
            _(
                "How likely is each ending within the next {turns} (this one included, to {date})?",
                turns=count_text(self.within, "turn"),
                date=format_date(date, "medium"),
            ),
            pygame.Rect(head.x, y, head.width, head.bottom - y),
            t.px(13),
            p.dim,
            max_lines=2,
        )
        left = self.game.time_left()
        if left is not None:  # the countdown stays in view while the team forecasts
            col = clock_colour(p, left)
            t.blit(
                surface,
                _("{time} left", time=fmt_clock(left)),
                (L["panel"].right - 10, L["panel"].y + 2),
                t.px(14),
                col,
                "bold",
                "topright",
            )
        size = t.px(15)
        focus = self.focused()
        for i, o in enumerate(self.outcomes):
            nr = L[f"name[{i}]"]
            col = outcome_colour(p, self.game.scenario, o.id)
            if focus is not None and focus.name == f"p_{o.id}":
                pygame.draw.rect(surface, p.panel_hi, nr.inflate(8, 2), border_radius=4)
            pygame.draw.rect(surface, col, (nr.x, nr.centery - 5, 10, 10))
            t.blit(
                surface,
                o.name,
                (nr.x + 16, nr.centery),
                size,
                p.text,
                "bold",
                "midleft",
                max_width=nr.width - 16,
            )
            vr = L[f"value[{i}]"]
            t.blit(
                surface,
                format_percent(self.values[o.id] / 100),
                (vr.right, vr.centery),
                t.px(17),
                col,
                "bold",
                "midright",
            )
        total = self.total()
        nr = L["none"]
        rest = 100 - total
        t.blit(
            surface,
            _(
                "None of these within {turns}: {rest}",
                turns=count_text(self.within, "turn"),
                rest=format_percent(rest / 100),
            )
            if rest >= 0
            else _("Too much: the chances add up to {total}", total=format_percent(total / 100)),
            (nr.x, nr.centery),
            size,
            p.dim if rest >= 0 else p.danger,
            "italic" if rest >= 0 else "bold",
            "midleft",
            max_width=nr.width,
        )
        mr = L["message"]
        if self.message:
            t.blit_wrapped(surface, self.message, mr, t.px(14), p.danger, "bold", max_lines=2)
        else:
            t.blit_wrapped(
                surface,
                _(
                    "Up/Down: choose a line · Left/Right: ±5 · type a number ({example}) · "
                    "Enter: commit · Esc: back to the options",
                    example=_("35 = {share}", share=format_percent(0.35)),
                ),
                mr,
                t.px(13),
                p.dim,
                max_lines=2,
            )

    def labels(self) -> list[str]:
        out = [self.heading(), self.message]
        left = self.game.time_left()
        if left is not None:
            out.append(_("{time} left", time=fmt_clock(left)))
        out += [
            _("{outcome}: {chance}", outcome=o.name, chance=format_percent(self.values[o.id] / 100))
            for o in self.outcomes
        ]
        return out + super().labels()
