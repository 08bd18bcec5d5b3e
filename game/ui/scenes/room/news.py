"""The news feed, newest first: a scrolling text box under the panel's header."""

from __future__ import annotations

import html

from game.i18n import N_, _, format_date
from game.ui import draw, layout
from game.ui.backend import Snapshot
from game.ui.pg import pygame
from game.ui.scenes.room.panel import Panel

NEWS_COLOUR = {"event": "#E69F00", "outcome": "#D55E00", "inject": "#F0E442"}
MOVE_COLOUR = "#56B4E9"
MAX_ITEMS = 60


def news_html(snap: Snapshot) -> str:
    """The feed as the text box's HTML."""
    # threats pending and offers open stay pinned above the feed while they last
    pinned = [
        f"<font color='{NEWS_COLOUR['event']}'>{html.escape(text, quote=False)}</font>"
        for text in [*(cm.text for cm in snap.commitments), *(o.text for o in snap.offers)]
    ]
    pinned += [
        f"<font color='{MOVE_COLOUR}'>{html.escape(text, quote=False)}</font>"
        for text in snap.private
    ]
    if not snap.news:
        quiet = _("No news yet. The wires are quiet.")
        return "<br>".join([*pinned, f"<i>{html.escape(quiet, quote=False)}</i>"])
    rows = pinned
    for n in snap.news[:MAX_ITEMS]:
        date = format_date(n.date, "d MMM") if n.date else _("T{turn}", turn=n.turn)
        colour = NEWS_COLOUR.get(n.kind, MOVE_COLOUR)
        rows.append(f"<font color='{colour}'>{date}</font>  {html.escape(n.headline, quote=False)}")
    return "<br>".join(rows)


class NewsPanel(Panel):
    title = N_("News  (newest first)")
    accent = "caution"

    @property
    def box(self) -> pygame.Rect:
        """Where the text box goes: the panel below its header."""
        return layout.below_header(self.rect, draw.header_height(self.app.text))
