"""Watching a game (computer against computer): auto-advance and its speed.

The speed belongs to the game, so it carries from the room to the resolution screen and
back; + and − (or the keypad's) change it, "off" advances by hand with Enter.
"""

from __future__ import annotations

from game.i18n import _, format_number
from game.ui.backend import Game
from game.ui.pg import pygame

AUTO_DELAYS: tuple[float | None, ...] = (None, 6.0, 3.0, 1.5, 0.6)  # seconds a screen stays
FASTER = (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS)
SLOWER = (pygame.K_MINUS, pygame.K_KP_MINUS)


def speed_step(event: pygame.event.Event) -> int:
    """+1 for a faster key, −1 for a slower one, 0 for any other key."""
    if event.key in FASTER:
        return 1
    if event.key in SLOWER:
        return -1
    return 0


def change_speed(game: Game, step: int) -> None:
    i = AUTO_DELAYS.index(game.auto_delay) if game.auto_delay in AUTO_DELAYS else 0
    game.auto_delay = AUTO_DELAYS[min(max(0, i + step), len(AUTO_DELAYS) - 1)]


def speed_text(game: Game) -> str:
    d = game.auto_delay
    if d is None:
        return _("by hand (+ for auto)")
    return _("auto, {seconds} s a screen (+/−)", seconds=format_number(d))


def due(game: Game, shown_for: float) -> bool:
    """Whether a watched screen shown for ``shown_for`` seconds should move on by itself."""
    return game.watch and game.auto_delay is not None and shown_for >= game.auto_delay
