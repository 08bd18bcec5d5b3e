"""The desktop game: pygame-ce + pygame_gui scenes.

Import ``game.ui.pg`` (not ``pygame``) first in every UI module: it sets the SDL
environment (no support banner) before pygame is imported.
"""
