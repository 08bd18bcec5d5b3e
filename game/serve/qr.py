"""The join address as a QR code: for the terminal and, as inline SVG, for the board."""

from __future__ import annotations

import io
import re

import segno


def svg(url: str) -> str:
    """An inline ``<svg>`` element (no XML declaration, no external references)."""
    code = segno.make(url, error="m")
    w, h = code.symbol_size(scale=1, border=2)
    buf = io.BytesIO()
    code.save(buf, kind="svg", xmldecl=False, svgns=True, scale=1, border=2, title="Join address")
    text = buf.getvalue().decode("utf-8")
    # sized by the page's CSS: a viewBox instead of a fixed size
    text = re.sub(r'\s(width|height)="[^"]*"', "", text, count=2)
    return text.replace("<svg ", f'<svg viewBox="0 0 {w} {h}" ', 1)


def terminal(url: str) -> str:
    """The QR code drawn with block characters, for the teacher's terminal."""
    buf = io.StringIO()
    segno.make(url, error="m").terminal(out=buf, compact=True, border=2)
    return buf.getvalue()
