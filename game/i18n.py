"""Languages: gettext catalogs built with Babel, and locale-aware numbers and dates.

Every sentence a player, teacher or student reads is a whole template with named
fields, looked up in ``game/locale/<lang>/LC_MESSAGES/brink.mo``::

    _("Wrote {path}", path=out)
    ngettext("{n} week", "{n} weeks", n)
    pgettext("menu", "Quit")

The language is chosen once, early (``set_language``): ``--lang`` on the command
line, else the ``BRINK_LANG`` environment variable, else the player's setting,
else the system locale, else English. Nothing here is written into saved games:
a game saved in one language replays and reports in any other.

This module sits below the engine, the report and the UI (it imports nothing else
of the game), so every layer words things through the same catalogs.
"""

from __future__ import annotations

import datetime as dt
import errno as _errno
import gettext as _gettext
import locale as _locale
import os
import re
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel import dates as _dates
from babel import lists as _lists
from babel import numbers as _numbers

DOMAIN = "brink"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE = "en"  # the language the msgids are written in
PSEUDO = "pseudo"  # marks every translated string (tests for text that skipped the catalog)
ENV = "BRINK_LANG"

# The pseudo-locale's marks: text between them went through a catalog.
OPEN, CLOSE = "⟦", "⟧"

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = SOURCE
_pseudo = False
# Under the pseudo-locale: the messages a catalog holds. A message passed to ``_()`` that
# no catalog has (built at run time, or hidden from pybabel) stays unmarked, so the
# pseudo-locale tests see it as text that skipped the catalog.
_known: frozenset[object] = frozenset()


def available() -> list[str]:
    """Languages the game can show: English and every compiled catalog."""
    found = {
        p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo") if p.is_file()
    }
    return sorted(found | {SOURCE})


def language_name(code: str) -> str:
    """A language's name in that language: ``es`` -> ``español``."""
    try:
        return Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code


def normalise(code: str | None) -> str | None:
    """``es_VE.UTF-8``, ``es-VE`` or ``ES`` -> ``es`` if the game has it; None if not."""
    if not code:
        return None
    if code == PSEUDO:
        return PSEUDO
    base = re.split(r"[_.@-]", code.strip(), maxsplit=1)[0].lower()
    return base if base in available() else None


def system_language() -> str | None:
    """The system locale's language, if the game has it (``LANGUAGE``, ``LC_ALL``, ``LANG``...)."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for part in os.environ.get(var, "").split(":"):
            found = normalise(part)
            if found and found != PSEUDO:
                return found
    try:
        code = _locale.getlocale()[0]
    except ValueError:
        code = None
    return normalise(code)


def choose(cli: str | None = None, setting: str | None = None) -> str:
    """The language to use: ``--lang``, then ``BRINK_LANG``, the setting, the system, English."""
    for candidate in (cli, os.environ.get(ENV), setting):
        found = normalise(candidate)
        if found:
            return found
    return system_language() or SOURCE


class UnknownLanguage(ValueError):
    """A language was asked for by name and the game has no catalog for it."""


def set_language(code: str) -> str:
    """Use ``code`` (``en``, ``es``, ``pseudo``) from now on; returns the code in use.

    Raises ``UnknownLanguage`` for a language without a catalog.
    """
    global _translation, _language, _pseudo, _known
    found = normalise(code)
    if found is None:
        raise UnknownLanguage(
            _(
                "no language {code!r}; choose one of: {choices}",
                code=code,
                choices=", ".join(available()),
            )
        )
    _pseudo = found == PSEUDO
    _language = SOURCE if _pseudo else found
    if _pseudo and not _known:
        _known = frozenset(_catalog_keys())
    if _language == SOURCE:
        _translation = _gettext.NullTranslations()
    else:
        with (LOCALE_DIR / _language / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as f:
            _translation = _gettext.GNUTranslations(f)
    return found


def language() -> str:
    """The language in use, as ``Loaded.in_language`` takes it (``pseudo`` included)."""
    return PSEUDO if _pseudo else _language


def pseudo(text: str) -> str:
    """Mark ``text`` as having gone through the catalog: ``⟦text⟧``."""
    return f"{OPEN}{text}{CLOSE}"


def unmarked(text: str) -> list[str]:
    """The pieces of ``text`` outside pseudo-locale marks that contain words.

    Run anything under ``set_language("pseudo")`` and call this on its output: each
    piece returned is player-visible text that did not go through a catalog. Numbers,
    punctuation, file paths and ids are not words and are not returned.
    """
    outside: list[str] = []
    depth = 0
    piece: list[str] = []
    for ch in text:
        if ch == OPEN:
            if depth == 0:
                outside.append("".join(piece))
                piece = []
            depth += 1
        elif ch == CLOSE and depth:
            depth -= 1
        elif depth == 0:
            piece.append(ch)
    outside.append("".join(piece))
    word = re.compile(r"(?<![\w/.\\-])[^\W\d_]{2,}(?![\w/.\\-])")
    return [p.strip() for p in outside if word.search(_strip_paths(p))]


def _strip_paths(text: str) -> str:
    # File paths and snake_case ids are data the player typed or chose, not sentences.
    return re.sub(r"\S*[/\\_]\S*|\S+\.(?:ya?ml|json|html|csv)\b", " ", text)


def _catalog_keys() -> set[object]:
    """Every message the shipped catalogs hold, as ``GNUTranslations`` keys them."""
    keys: set[object] = set()
    for code in available():
        if code != SOURCE:
            with (LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as f:
                keys |= set(_gettext.GNUTranslations(f)._catalog)  # type: ignore[attr-defined]
    return keys


def _fill(text: str, fields: dict[str, object], key: object = None) -> str:
    text = text.format(**fields) if fields else text
    return pseudo(text) if _pseudo and (key is None or key in _known) else text


def _(message: str, /, **fields: object) -> str:
    """``message`` in the current language, with ``{name}`` fields filled in."""
    return _fill(_translation.gettext(message), fields, message)


def ngettext(singular: str, plural: str, n: int, /, **fields: object) -> str:
    """The singular or plural template for ``n`` (which fills ``{n}``), in the current language."""
    filled = {"n": format_number(n), **fields}
    return _fill(_translation.ngettext(singular, plural, n), filled, (singular, 0))


def pgettext(context: str, message: str, /, **fields: object) -> str:
    """``message`` as meant in ``context`` (one English word, two meanings), translated."""
    return _fill(_translation.pgettext(context, message), fields, f"{context}\x04{message}")


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet (tables built at import)."""
    return message


def _babel_locale() -> str:
    return _language


def format_number(value: float, digits: int | None = None, grouping: bool = True) -> str:
    """A number in the current locale: ``1,234.5`` in English, ``1.234,5`` in Spanish.

    ``digits`` fixes the decimals shown (rounded); None keeps up to three.
    """
    if digits is None:
        return _numbers.format_decimal(value, locale=_babel_locale(), group_separator=grouping)
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * digits if digits > 0 else "")
    return _numbers.format_decimal(
        round(value, digits), format=pattern, locale=_babel_locale(), decimal_quantization=True
    )


MINUS = "\u2212"  # the minus sign: a hyphen reads as a dash in running text ("Score -66")


def format_signed(value: float, digits: int | None = 0) -> str:
    """A change or score with its sign in the current locale: ``+3``, ``−2``, ``0``;
    ``+1.5``, ``−1,5``. Zero (as rounded) takes no sign; ``digits`` as in
    ``format_number``."""
    v = value if digits is None else round(value, digits)
    if v == 0:
        return format_number(0, digits)
    return ("+" if v > 0 else MINUS) + format_number(abs(v), digits)


def format_list(items: list[str]) -> str:
    """Items joined as the locale joins a list: ``a, b and c``, ``a, b y c``."""
    return _lists.format_list(items, locale=_babel_locale()) if items else ""


def format_percent(share: float, digits: int = 0) -> str:
    """A share (0.42) as a percentage in the current locale: ``42%``, ``42 %``."""
    pattern = Locale.parse(_babel_locale()).percent_formats[None].pattern
    if digits > 0:  # the locale's own pattern ("#,##0 %" in Spanish) with decimals
        last = pattern.rindex("0") + 1
        pattern = pattern[:last] + "." + "0" * digits + pattern[last:]
    return _numbers.format_percent(share, format=pattern, locale=_babel_locale())


def format_date(day: dt.date, form: str = "long") -> str:
    """A date in the current locale: ``November 24, 2025``, ``24 de noviembre de 2025``."""
    return _dates.format_date(day, format=form, locale=_babel_locale())


def format_datetime(moment: dt.datetime, form: str = "medium") -> str:
    """A moment in the current locale, at its own offset: ``Dec 5, 2026, 12:07:47 PM``,
    ``5 dic 2026, 12:07:47``."""
    return _dates.format_datetime(moment, format=form, tzinfo=moment.tzinfo, locale=_babel_locale())


# The system's own words for these come in the system's language (English on most
# machines), whatever the game speaks; the rest keep them.
_OS_ERRORS = {
    _errno.ENOENT: N_("no such file or folder"),
    _errno.EACCES: N_("permission denied"),
    _errno.EPERM: N_("permission denied"),
    _errno.EISDIR: N_("it is a folder, not a file"),
    _errno.ENOTDIR: N_("part of the path is not a folder"),
    _errno.EEXIST: N_("it already exists"),
    _errno.ENOSPC: N_("the disk is full"),
    _errno.EROFS: N_("the disk is read-only"),
    _errno.ENAMETOOLONG: N_("the name is too long"),
}


def os_error_text(e: BaseException) -> str:
    """Why a file could not be read or written, in the game's language when it is common."""
    code = getattr(e, "errno", None)
    if code in _OS_ERRORS:
        return _(_OS_ERRORS[code])
    return str(getattr(e, "strerror", None) or e)
