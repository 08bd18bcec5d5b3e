"""The theatre: the map with a marker for each force, move and flashpoint in play."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from game.i18n import _
from game.scenario.schema import Scenario
from game.ui import palette as pal
from game.ui.backend import Resolution, Snapshot
from game.ui.icons import icon
from game.ui.mapview import region
from game.ui.markers import MapState, Marker, markers_for, spots_of
from game.ui.palette import Colour
from game.ui.pg import pygame
from game.ui.placement import Item, Placed, leader_end, place
from game.ui.scenes.room.panel import Panel, RoomView, Tip
from game.ui.style import norm

if TYPE_CHECKING:
    from game.ui.app import App


def focus_countries(scenario: Scenario) -> list[str]:
    """The countries drawn brighter: the scenario's own list, else its actors' names."""
    if scenario.map is not None and scenario.map.countries:
        return list(scenario.map.countries)
    names = []
    for a in scenario.actors:
        for n in (a.name, a.short_name or ""):
            if n:
                names.append(n)
    return names


def focus_places(scenario: Scenario) -> list[str]:
    """The places named in bold: the scenario's list (none: capitals only, where room)."""
    return list(scenario.map.labels) if scenario.map is not None else []


def _state(
    scenario: Scenario, snap: Snapshot, resolutions: list[Resolution], before: bool = False
) -> MapState:
    """What the markers read: this turn's, or (``before``) the turn before's."""
    cats = {(a.id, o.id): str(o.category) for a in scenario.actors for o in a.options}
    moves = [
        {a: (m.option, cats.get((a, m.option), "")) for a, m in r.moves.items()}
        for r in resolutions
    ]
    exposed = [set(r.exposed) for r in resolutions]
    metrics = {m.id: norm(m) for m in snap.metrics}
    stage = snap.stage_index
    if before and resolutions:
        last = resolutions[-1]
        moves, exposed = moves[:-1], exposed[:-1]
        for m in snap.metrics:  # the value shown a turn ago, in the metric's range
            if m.history and m.hi > m.lo:
                metrics[m.id] = (min(max(m.history[-1], m.lo), m.hi) - m.lo) / (m.hi - m.lo)
        ids = [st.id for st in scenario.ladder]
        stage = ids.index(last.stage_before) if last.stage_before in ids else stage
    return MapState(
        metrics=metrics,
        stage=stage / max(1, len(scenario.ladder) - 1),
        turn=snap.turn - (1 if before and resolutions else 0),
        moves=moves,
        exposed=exposed,
    )


def markers(
    scenario: Scenario, snap: Snapshot, resolutions: list[Resolution], before: bool = False
) -> list[Marker]:
    """The markers for the turn (``before``: as they were a turn ago): moves so far (and
    which were exposed), metrics, stage."""
    doc = region(scenario)
    state = _state(scenario, snap, resolutions, before)
    return markers_for(scenario, state, doc["bounds"], spots_of(scenario, doc))


ANIMATION_S = 0.9  # the turn's changes move into place over this long


def _ease(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return 1 - (1 - x) ** 3


class MapPanel(Panel):
    def __init__(self, app: App) -> None:
        super().__init__(app)
        self._placed: dict[tuple, list[Placed]] = {}
        self._anim: tuple[int, float] | None = None  # (turn, when it began)

    def marker_colour(self, scenario: Scenario, name: str) -> Colour:
        p = self.app.palette
        for a in scenario.actors:
            if a.id == name:
                return pal.hex_colour(a.colour)
        shade = getattr(p, name, None)
        return shade if isinstance(shade, tuple) else p.accent

    def box_size(self, mk: Marker) -> int:
        size = round(14 + 22 * mk.size) * max(0.6, min(1.4, self.rect.height / 360))
        return max(10, round(size)) + 8

    def label_size(self) -> int:
        return self.app.text.px(11)

    def placed(self, view: RoomView, mks: tuple[Marker, ...]) -> list[Placed]:
        """Each marker's symbol and label, clear of the others and of the capitals' names
        (worked out once per turn and size)."""
        rect = self.rect
        key = (tuple(mks), tuple(rect), self.app.text.scale, self.app.palette.name)
        got = self._placed.get(key)
        if got is not None:
            return got
        t = self.app.text
        self.app.map.show(view.scenario)
        proj = self.app.map.projection(rect.size)
        focus = frozenset(focus_countries(view.scenario))
        labels = frozenset(focus_places(view.scenario))
        names = [
            r.move(rect.x, rect.y)
            for r in self.app.map.name_rects(rect.size, self.app.palette, focus, labels)
        ]
        ls = self.label_size()
        items = []
        for mk in mks:
            x, y = proj(mk.lon, mk.lat)
            b = self.box_size(mk)
            lw, lh = t.width(mk.label, ls, "bold") + 4, t.line_height(ls, "bold")
            items.append(
                Item(mk.id, (round(rect.x + x), round(rect.y + y)), (b, b), (lw, lh), mk.size)
            )
        # the title's corner and the legend's strip are kept clear too
        head = pygame.Rect(rect.x, rect.y, t.width("THEATRE", t.px(11), "bold") + 16, t.px(11) + 10)
        area = rect.inflate(-4, -4)
        area.height -= self.legend_height()
        got = place(items, area, [*names, head])
        if len(self._placed) > 8:
            self._placed.clear()
        self._placed[key] = got
        return got

    def boxes(self, view: RoomView) -> list[tuple[pygame.Rect, Marker]]:
        """Each marker's box on the map (its halo), in drawing order."""
        return [
            (pl.box, mk)
            for pl, mk in zip(self.placed(view, view.markers), view.markers, strict=True)
        ]

    def legend_height(self) -> int:
        return self.app.text.line_height(self.app.text.px(10)) + 6

    def progress(self, view: RoomView) -> float:
        """How far the turn's changes have moved into place: 0 just after the turn, 1 done."""
        turn = view.snap.turn
        if self._anim is None or self._anim[0] != turn:
            self._anim = (turn, view.time)
            if not view.markers_before:
                return 1.0
        return _ease((view.time - self._anim[1]) / ANIMATION_S)

    def draw(self, surface: pygame.Surface, view: RoomView) -> None:
        p, t = self.app.palette, self.app.text
        rect = self.rect
        focus = frozenset(focus_countries(view.scenario))
        labels = frozenset(focus_places(view.scenario))
        self.app.map.show(view.scenario)
        surface.blit(self.app.map.base(rect.size, p, focus, labels), rect)
        clip = surface.get_clip()
        surface.set_clip(rect)
        pulse = 0.5 + 0.5 * math.sin(view.time * 4)
        lbl = self.label_size()
        now = self.placed(view, view.markers)
        prog = self.progress(view)
        was = {}
        if prog < 1.0 and view.markers_before:
            was = {
                pl.key: (pl, mk)
                for pl, mk in zip(
                    self.placed(view, view.markers_before), view.markers_before, strict=True
                )
            }
        changed = self.changed(view)
        for pl, mk in zip(now, view.markers, strict=True):
            colour = self.marker_colour(view.scenario, mk.colour)
            box, label = pl.box, pl.label
            if pl.key in was:  # this turn's change, moving into place
                old = was[pl.key][0].box
                box = pygame.Rect(
                    0,
                    0,
                    *[round(a + (b - a) * prog) for a, b in zip(old.size, box.size, strict=True)],
                )
                box.center = tuple(
                    round(a + (b - a) * prog)
                    for a, b in zip(old.center, pl.box.center, strict=True)
                )
                label = label.move(box.centerx - pl.box.centerx, box.bottom - pl.box.bottom)
            elif was and prog < 1.0:  # new this turn: it grows in
                box = pl.box.inflate(
                    -round(pl.box.width * (1 - prog)), -round(pl.box.height * (1 - prog))
                )
            if pl.moved:  # a leader line from its true place
                pygame.draw.circle(surface, colour, pl.anchor, 3)
                pygame.draw.line(
                    surface, colour, pl.anchor, leader_end(Placed(pl.key, pl.anchor, box, label)), 1
                )
            size = max(4, box.width - 8)
            if mk.pulse:
                pygame.draw.circle(surface, colour, box.center, size * (0.7 + 0.5 * pulse), 2)
            pygame.draw.rect(surface, p.bg, box, border_radius=4)
            pygame.draw.rect(surface, colour, box, 2 if mk.id in changed else 1, border_radius=4)
            img = icon(mk.symbol, size, colour)
            surface.blit(img, img.get_rect(center=box.center))
            if mk.id in changed:  # changed this turn: a ring in the focus colour
                pygame.draw.rect(surface, p.focus, box.inflate(4, 4), 1, border_radius=6)
            pygame.draw.rect(surface, p.bg, label.inflate(2, 0), border_radius=2)
            t.blit(surface, mk.label, label.midtop, lbl, colour, "bold", "midtop")
        surface.set_clip(clip)
        pygame.draw.rect(surface, p.edge, rect, 1)
        t.blit(surface, _("THEATRE"), (rect.x + 8, rect.y + 6), t.px(11), p.dim, "bold")
        self.draw_legend(surface, view)

    def draw_legend(self, surface: pygame.Surface, view: RoomView) -> None:
        """Along the map's foot: each side's colour, then what the ring and lines mean."""
        p, t = self.app.palette, self.app.text
        size = t.px(10)
        h = self.legend_height()
        strip = pygame.Rect(self.rect.x + 1, self.rect.bottom - h - 1, self.rect.width - 2, h)
        pygame.draw.rect(surface, p.bg, strip)
        parts: list[tuple[Colour | None, str]] = [
            (pal.hex_colour(a.colour), a.short_name or a.name) for a in view.scenario.actors
        ]
        parts += [(None, _("yellow ring: changed this turn")), (None, _("line: true place"))]
        x = strip.x + 6
        for colour, text in parts:
            w = t.width(text, size) + (14 if colour else 0)
            if x + w > strip.right - 4:
                break  # the rest is in the markers' details
            if colour is not None:
                pygame.draw.rect(surface, colour, (x, strip.centery - 4, 9, 9), border_radius=2)
                x += 13
            t.blit(surface, text, (x, strip.centery), size, p.dim, anchor="midleft")
            x += t.width(text, size) + 12

    def changed(self, view: RoomView) -> dict[str, str]:
        """Markers that changed this turn, with how: "new", "up 20", "down 15", "moved"."""
        before = {mk.id: mk for mk in view.markers_before}
        if not view.markers_before and view.snap.turn == 0:
            return {}
        out = {}
        for mk in view.markers:
            old = before.get(mk.id)
            if old is None:
                out[mk.id] = _("new this turn")
                continue
            d = round((mk.size - old.size) * 100)
            if abs(d) >= 5:
                out[mk.id] = (
                    _("up {points} this turn", points=abs(d))
                    if d > 0
                    else _("down {points} this turn", points=abs(d))
                )
            elif abs(mk.lon - old.lon) + abs(mk.lat - old.lat) > 0.05:
                out[mk.id] = _("moved this turn")
        return out

    def hit(self, pos: tuple[int, int], view: RoomView) -> Tip | None:
        changed = self.changed(view)
        for pl, mk in zip(self.placed(view, view.markers), view.markers, strict=True):
            if pl.box.collidepoint(pos) or pl.label.collidepoint(pos):
                how = changed.get(mk.id) or _("unchanged this turn")
                return (
                    mk.id,
                    [
                        mk.label,
                        _(
                            "Strength {strength} of 100, {how}.",
                            strength=round(mk.size * 100),
                            how=how,
                        ),
                        _(
                            "Its place and size follow the moves and the indicators. The line "
                            "leads to its true place."
                        )
                        if pl.moved
                        else _("Its place and size follow the moves and the indicators."),
                    ],
                )
        return None
