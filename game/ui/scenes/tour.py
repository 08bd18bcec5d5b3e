"""The first-turn tour: each part of the situation room in turn, lit, with a few words.

It opens by itself on a player's first turn ever (the settings remember that it was
seen); Esc skips it; F1's "Take the tour" shows it again. Enter or → moves on, ← back.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING

from game.i18n import N_, _
from game.ui import draw, layout
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import veil

if TYPE_CHECKING:
    from game.ui.app import App

# (the room's layout key, title, text): English for the catalog, translated when drawn
STEPS = [
    (
        "metrics",
        N_("Indicators"),
        N_(
            "Where things stand. A number with ~ is your estimate of something the other side "
            "hides; the ± says how far off it may be. Hover or focus one for what it means."
        ),
    ),
    (
        "ladder",
        N_("The escalation ladder"),
        N_("How far the crisis has climbed. The higher, the closer to open war."),
    ),
    (
        "map",
        N_("The theatre"),
        N_(
            "Forces, strikes and exposed operations. A yellow ring marks what changed this turn; "
            "a thin line leads to a marker's true place when it had to move aside."
        ),
    ),
    (
        "cards",
        N_("Your options"),
        N_(
            "One move a turn. Press its key (1–9, 0, then Q, W, E…) or click it: its details "
            "show, with each indicator's likely value against holding course."
        ),
    ),
    (
        "forecast",
        N_("What if…"),
        N_(
            "The chance of each ending within a few turns if you take the option, against "
            "holding course (the tick). These are odds over thousands of futures, not promises."
        ),
    ),
    (
        "advisors",
        N_("Advisors"),
        N_(
            "Each argues for a move from a point of view: hawk, dove, intelligence, politics. "
            "They can be wrong."
        ),
    ),
    (
        "news",
        N_("News"),
        N_("What both sides did and what happened. Your covert moves appear only if exposed."),
    ),
    (
        "commit",
        N_("Commit"),
        N_(
            "Send your orders (Enter). The other side chooses at the same time; then the turn "
            "resolves and the next screen explains why things changed. F1 shows this tour again."
        ),
    ),
]


def wanted(app: App) -> bool:
    """Whether the tour should open by itself (a first game; not under tests)."""
    return not app.settings.tour_seen and not os.environ.get("BRINK_NO_TOUR")


def mark_seen(app: App) -> None:
    if not app.settings.tour_seen:
        app.settings = replace(app.settings, tour_seen=True)
        if app.save_settings_enabled:
            app.settings.save(app.settings_path)


class TourScene(Scene):
    name = "tour"
    overlay = True
    pausable = False
    esc_closes = True

    def __init__(self, app: App, room: Scene) -> None:
        super().__init__(app)
        self.room = room
        self.step = 0

    def build_ui(self) -> None:
        key = STEPS[self.step][0]
        self.target = pygame.Rect(self.room.L[key])  # type: ignore[attr-defined]
        # as high as the step's text needs (large print wraps to more lines)
        t = self.app.text
        inner = draw.panel_inner(pygame.Rect(0, 0, layout.tour_width(self.app.size), 400), t)
        lines = t.wrap(_(STEPS[self.step][2]), t.px(14), inner.width)
        need = inner.y + len(lines) * t.line_height(t.px(14)) + 54 + 4
        self.box = layout.tour_box(self.app.size, self.target, need)
        bw = (self.box.width - 36) // 3
        bh = 34
        y = self.box.bottom - bh - 10
        last = self.step == len(STEPS) - 1
        x0 = self.box.x + 10
        self.button(
            pygame.Rect(x0, y, bw, bh),
            _("Back"),
            self.back,
            "tour_back",
            cls="@small_button",
            enabled=self.step > 0,
        )
        self.button(
            pygame.Rect(x0 + bw + 8, y, bw, bh),
            _("Skip"),
            self.close,
            "tour_skip",
            cls="@small_button",
        )
        self.button(
            pygame.Rect(x0 + 2 * (bw + 8), y, bw, bh),
            _("Done") if last else _("Next"),
            self.next,
            "tour_next",
            cls="@small_button",
        )
        self.focus_named("tour_next")

    def next(self) -> None:
        if self.step >= len(STEPS) - 1:
            self.close()
            return
        self.step += 1
        self.recreate_ui()
        self.focus_named("tour_next")

    def back(self) -> None:
        if self.step > 0:
            self.step -= 1
            self.recreate_ui()
            self.focus_named("tour_next")

    def close(self) -> None:
        mark_seen(self.app)
        self.app.pop()

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if event.key == pygame.K_RIGHT:
            self.next()
            return None
        if event.key == pygame.K_LEFT:
            self.back()
            return None
        return super().handle_key(event)

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        # the panel explained stays lit, ringed; the rest of the room dims
        lit = surface.subsurface(self.target.clip(surface.get_rect())).copy()
        veil(surface, 150)
        surface.blit(lit, self.target.topleft)
        pygame.draw.rect(surface, p.focus, self.target.inflate(6, 6), 3, border_radius=6)
        _key, title, text = STEPS[self.step]
        right = _("{step} of {steps}", step=self.step + 1, steps=len(STEPS))
        r = self.panel(surface, self.box, _(title), accent=p.focus, right=right)
        body = pygame.Rect(r.x, r.y, r.width, self.box.bottom - 54 - r.y)
        t.blit_wrapped(surface, _(text), body, t.px(14), p.text)

    def labels(self) -> list[str]:
        return [_(STEPS[self.step][1]), *super().labels()]
