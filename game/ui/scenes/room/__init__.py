"""The situation room: the scene (``scene.py``) and its panels, one per module (map,
indicators, ladder, cards, forecast, advisors, news), each with ``layout(rect)``,
``draw(surface, view)`` and ``hit(pos, view)``."""

from __future__ import annotations

from game.ui.scenes.room.scene import NUMBER_KEYS, Notice, RoomScene, StatusPart

__all__ = ["NUMBER_KEYS", "Notice", "RoomScene", "StatusPart"]
