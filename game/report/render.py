"""Jinja2 templates (autoescaped), loaded as files of the ``game.report`` package."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from game import __version__
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
    )
    # {{ n|count("turn") }} -> "1 turn", "3 turns"
    env.filters["count"] = count_text
    return env


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(version=__version__, **context)
