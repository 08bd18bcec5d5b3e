"""The engine's one error for requests that cannot be honoured now."""

from __future__ import annotations


class EngineError(RuntimeError):
    """A request the session cannot honour now (paused, over, players still choosing)."""
