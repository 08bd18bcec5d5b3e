"""CSV cells that a spreadsheet will not run as formulas.

Team names, scenario titles and option names are free text from files a
student or an author wrote; a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is read by spreadsheet programs as a formula (a team
called ``=HYPERLINK(...)``). Such text is written with a leading apostrophe,
which spreadsheets show as plain text. Numbers are left alone, so tidy data
stays tidy; every CSV the game writes goes through ``cell`` / ``row``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# a plain number written as text ("-3", "+1.5e-3") is data, not a formula
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def cell(value: Any) -> Any:
    """``value``, with text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(_TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def row(values: Iterable[Any]) -> list[Any]:
    """A list row with every cell made safe (for ``csv.writer``)."""
    return [cell(v) for v in values]


def dict_row(values: Mapping[str, Any]) -> dict[str, Any]:
    """A mapping row with every cell made safe (for ``csv.DictWriter``)."""
    return {k: cell(v) for k, v in values.items()}
