"""The one error type every loader raises: a file, where in it, and what to do.

(It lives in the scenario layer, the lowest, so that every layer can use it; import
it as ``game.errors.BrinkError``.)

Scenario, fact-sheet, save and settings problems all derive from ``BrinkError``
so that a caller (the command line, the title screen) can catch one type and
show its message; the subclasses keep their own names so existing ``except``
clauses keep working.
"""

from __future__ import annotations

from pathlib import Path


class BrinkError(Exception):
    """A problem with an input the game was given.

    ``file`` names the input (never a temporary file), ``line`` is 1-based when
    known, and ``hint`` says what the player or author can do about it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.file = str(file) if file is not None else None
        self.line = line
        self.hint = hint
