"""``BrinkError``: the one error type out of every loader (see ``game/scenario/errors.py``,
where it is defined so that the scenario layer, which imports nothing else of the
game, can raise it too)."""

from game.scenario.errors import BrinkError

__all__ = ["BrinkError"]
