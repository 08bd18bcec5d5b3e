"""CSV files a spreadsheet opens as written: cells it will not run as formulas, in an
encoding it reads.

Team names, scenario titles and option names are free text from files a
student or an author wrote; a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is read by spreadsheet programs as a formula (a team
called ``=HYPERLINK(...)``). Such text is written with a leading apostrophe,
which spreadsheets show as plain text. Numbers are left alone, so tidy data
stays tidy; every CSV the game writes goes through ``cell`` / ``row``.

Encodings (``--csv-encoding``): Excel reads a CSV as UTF-8 only when it starts with a
byte-order mark, so that is the default; LibreOffice reads either. ``utf-16`` is
Excel's "Unicode text" (tab-separated, any character); ``windows-1252`` is for old
Excel on Western-European Windows, and writes characters it lacks as "?" (the count
is returned, so the command can say so). ``write_table`` writes every CSV the game
makes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from game.i18n import _, ngettext

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


# name -> (Python codec, field separator)
ENCODINGS: dict[str, tuple[str, str]] = {
    "utf-8-bom": ("utf-8-sig", ","),
    "utf-8": ("utf-8", ","),
    "utf-16": ("utf-16", "\t"),
    "windows-1252": ("cp1252", ","),
}
DEFAULT_ENCODING = "utf-8-bom"


def _lost(value: Any, codec: str) -> int:
    """How many characters of ``value`` the codec cannot write."""
    if not isinstance(value, str):
        return 0
    try:
        value.encode(codec)
        return 0
    except UnicodeEncodeError:
        return sum(1 for ch in value if not _encodes(ch, codec))


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
        return True
    except UnicodeEncodeError:
        return False


def write_table(
    path: str | Path,
    header: Sequence[str],
    rows: Iterable[Iterable[Any]],
    encoding: str = DEFAULT_ENCODING,
) -> int:
    """Write ``header`` and ``rows`` (cells made safe) to ``path`` in ``encoding`` (a key
    of ``ENCODINGS``); return how many characters the encoding lacked (written as "?")."""
    codec, sep = ENCODINGS[encoding]
    lost = 0
    with open(path, "w", newline="", encoding=codec, errors="replace") as fh:
        w = csv.writer(fh, delimiter=sep, lineterminator="\n")
        w.writerow(row(header))
        for r in rows:
            safe = row(r)
            if codec == "cp1252":
                lost += sum(_lost(v, codec) for v in safe)
            w.writerow(safe)
    return lost


def lost_text(path: str | Path, lost: int, encoding: str) -> str:
    """The warning for characters an encoding lacked (``write_table``'s count)."""
    return ngettext(
        "warning: {path}: {n} character is not in {encoding} and was written as '?' "
        "(--csv-encoding utf-8-bom keeps every character)",
        "warning: {path}: {n} characters are not in {encoding} and were written as '?' "
        "(--csv-encoding utf-8-bom keeps every character)",
        lost,
        path=path,
        encoding=encoding,
    )


def encoding_help() -> str:
    """The help of ``--csv-encoding`` (the same on every command that writes CSV)."""
    return _(
        "CSV encoding: utf-8-bom (default: Excel and LibreOffice read every character), "
        "utf-8 (no byte-order mark), utf-16 (tab-separated, Excel's Unicode text) or "
        "windows-1252 (old Excel; other characters become '?')"
    )
