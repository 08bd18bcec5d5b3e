"""The room's panels and what they draw from.

Each panel has ``layout(rect)`` (on build and resize), ``draw(surface, view)`` and
``hit(pos, view)`` (the tooltip under the mouse, if any). A panel's rows and boxes
are worked out from its rect and the view alone, by the same function for drawing
and for hit-testing, so drawing never stores anything that input reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.engine.views import Advice
from game.i18n import _
from game.scenario.schema import Scenario
from game.ui import draw
from game.ui.backend import Snapshot, WhatIf
from game.ui.markers import Marker, Pin
from game.ui.palette import Colour
from game.ui.pg import pygame

if TYPE_CHECKING:
    from game.ui.app import App

Tip = tuple[str, list[str]]  # (what it is about, its lines)


@dataclass(frozen=True)
class RoomView:
    """The room as of this frame: the turn's snapshot and the player's pointer and picks."""

    scenario: Scenario
    snap: Snapshot
    time: float  # seconds since the window opened (animations)
    selected: int | None = None  # the option chosen
    hovered: int | None = None  # the option under the mouse
    focused: int | None = None  # the option with the keyboard focus (keyboard mode only)
    in_view: int | None = None  # the option whose forecast is shown
    error: str = ""  # the last refusal ("not available now"), under the cards
    what_if: WhatIf | None = None  # the forecast of the option in view
    hold: WhatIf | None = None  # the forecast of holding course
    advice: tuple[Advice, ...] | None = None  # None while the advisors confer
    markers: tuple[Marker, ...] = ()
    markers_before: tuple[Marker, ...] = ()  # as they were a turn ago (the map animates)
    pins: tuple[Pin, ...] = ()  # this turn's events at their places
    watching: str | None = None  # the side whose options are shown, when watching
    blind: bool = False  # blind forecasting: odds and advisors' figures wait for the forecast

    @property
    def option_in_view(self) -> int | None:
        i = self.in_view
        return i if i is not None and i < len(self.snap.options) else None


class Panel:
    """A rectangle of the room with a header."""

    title = ""  # in English, for the catalog (``N_``): translated when drawn
    note = ""  # at the right of the header (likewise)
    accent = ""  # the palette colour of the header's mark ("": the default)

    def __init__(self, app: App) -> None:
        self.app = app
        self.rect = pygame.Rect(0, 0, 0, 0)

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = pygame.Rect(rect)

    @property
    def inner(self) -> pygame.Rect:
        """The content rect, below the header."""
        return draw.panel_inner(self.rect, self.app.text, bool(self.title))

    def frame(self, surface: pygame.Surface, title: str = "") -> None:
        """The panel's box and header (``title`` overrides the class's)."""
        p, t = self.app.palette, self.app.text
        accent: Colour | None = getattr(p, self.accent) if self.accent else None
        title = title or (_(self.title) if self.title else "")
        note = _(self.note) if self.note else ""
        draw.panel(surface, self.rect, p, t, title, accent=accent, right=note)

    def draw(self, surface: pygame.Surface, view: RoomView) -> None:
        self.frame(surface)

    def hit(self, pos: tuple[int, int], view: RoomView) -> Tip | None:
        return None
