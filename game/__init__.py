"""Brinkmanship: a turn-based crisis-escalation game."""

__version__ = "0.1.0"
