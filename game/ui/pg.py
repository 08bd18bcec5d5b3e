"""Import pygame with the environment set first; everything in game.ui imports it from here."""

from __future__ import annotations

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# Let SDL pick a video driver, but never let a missing sound device stop the game.
os.environ.setdefault("SDL_VIDEO_ALLOW_SCREENSAVER", "1")

import pygame

__all__ = ["pygame"]
