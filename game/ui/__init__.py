"""The desktop game: pygame-ce + pygame_gui scenes.

The environment is set here, before any submodule imports pygame or pygame_gui:
no support banner on import. (``game.ui.pg`` re-exports pygame for the modules.)
"""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
