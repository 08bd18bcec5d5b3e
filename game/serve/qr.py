"""The join address as a QR code: for the terminal and, as inline SVG, for the board."""

from __future__ import annotations

import io
import re

import segno


def svg(url: str) -> str:
    """An inline ``<svg>`` element (no XML declaration, no external references)."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(
        buf, kind="svg", xmldecl=False, svgns=True, scale=4, border=2, title="Join address"
    )
    text = buf.getvalue().decode("utf-8")
    # sized by the page's CSS: keep the viewBox, drop the fixed size
    return re.sub(r'\s(width|height)="[^"]*"', "", text, count=2)


def terminal(url: str) -> str:
    """The QR code drawn with block characters, for the teacher's terminal."""
    buf = io.StringIO()
    segno.make(url, error="m").terminal(out=buf, compact=True, border=2)
    return buf.getvalue()
