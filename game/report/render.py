"""Jinja2 templates (autoescaped), loaded as files of the ``game.report`` package.

Their words go through the game's catalogs (game.i18n) with Jinja's i18n extension:
``{{ _("Timeline") }}`` and ``{% trans n=x %}...{% endtrans %}`` blocks (whitespace
trimmed), extracted by ``pybabel extract`` with babel.cfg's jinja2 section. A block's
fields are ``%(name)s`` in the catalog; Jinja escapes them before filling them in.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import jinja2

from game import __version__
from game.i18n import _, format_number, ngettext, pgettext
from game.report.words import pct
from game.words import count_text


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("game.report", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "j2", "css"), default_for_string=True, default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    # the language is looked up at each call, so one environment serves every language
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda m: _(m), lambda s, p, n: ngettext(s, p, n), newstyle=True, pgettext=pgettext
    )
    env.policies["ext.i18n.trimmed"] = True
    # {{ n|count("turn") }} -> "1 turn", "3 turns"
    env.filters["count"] = count_text
    # {{ 12345|num }} -> "12,345" / "12.345"
    env.filters["num"] = format_number
    # {{ 0.42|pct }} -> "42%" / "42 %"
    env.filters["pct"] = pct
    # {{ aims|sentences }} -> "Avoid war. Keep trust high." (a name ending in "EE. UU."
    # brings its own full stop)
    env.filters["sentences"] = sentences
    return env


def sentences(items: str | Iterable[str]) -> str:
    """Texts as sentences: each ends with one full stop, never two."""
    texts = [items] if isinstance(items, str) else [str(t) for t in items]
    return " ".join(t if t.endswith((".", "!", "?", "…")) else t + "." for t in texts)


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(version=__version__, **context)
