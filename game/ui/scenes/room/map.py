"""The theatre: the map with a marker for each force, move and flashpoint in play."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from game.i18n import _, format_list
from game.scenario.schema import Scenario
from game.ui import palette as pal
from game.ui.backend import Resolution, Snapshot
from game.ui.icons import icon
from game.ui.mapview import Projection, region
from game.ui.markers import MapState, Marker, Pin, markers_for, pins_for, spots_of
from game.ui.palette import Colour
from game.ui.pg import pygame
from game.ui.placement import Item, Placed, collisions, leader_end, place
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
    stage: int | None = snap.stage_index
    if before and resolutions:
        last = resolutions[-1]
        moves, exposed = moves[:-1], exposed[:-1]
        for m in snap.metrics:  # the value shown a turn ago, in the metric's range
            if m.history and m.hi > m.lo:
                metrics[m.id] = (min(max(m.history[-1], m.lo), m.hi) - m.lo) / (m.hi - m.lo)
        stage = last.stage_before_index(scenario.ladder)
    return MapState(
        metrics=metrics,
        stage=None if stage is None else stage / max(1, len(scenario.ladder) - 1),
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


def pins(
    scenario: Scenario, snap: Snapshot, resolutions: list[Resolution], everyone: bool = False
) -> list[Pin]:
    """This turn's events that name a place: those of the turn just resolved, and the
    injects that fired as this turn began (an aimed one only for its addressee, unless
    ``everyone``: the observer). An inject's event is pinned once, as the inject."""
    last = resolutions[-1] if resolutions and resolutions[-1].turn == snap.turn else None
    pinned_before = {i.event for i in scenario.injects if last and i.turn == last.turn and i.place}
    events = [e[0] for e in last.events if e[0] not in pinned_before] if last else []
    injects = [
        i.id
        for i in scenario.injects
        if i.turn == snap.turn + 1 and not snap.over and (everyone or i.to in (None, snap.actor))
    ]
    return pins_for(scenario, events, injects, region(scenario))


ANIMATION_S = 0.9  # the turn's changes move into place over this long


# the sizes tried for the markers and their labels, largest first
DENSE = (1.0, 0.9, 0.8, 0.7, 0.6)


def _ease(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return 1 - (1 - x) ** 3


class MapPanel(Panel):
    def __init__(self, app: App) -> None:
        super().__init__(app)
        self._placed: dict[tuple, tuple[list[Placed], float]] = {}
        # the map's markers and labels as a share of their full size: a crowded map in a
        # small window with large text draws them smaller rather than on one another
        self.dense = 1.0
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
        return round((max(10, round(size)) + 8) * self.dense)

    def label_size(self) -> int:
        return self.app.text.px(11 * self.dense)

    def pin_size(self) -> int:
        return round((self.app.text.px(14) + 4) * self.dense)

    def pin_label_size(self) -> int:
        return self.app.text.px(10 * self.dense)

    def pin_lines(self, pin: Pin) -> list[str]:
        """The pin's label in one or two lines (wider rather than cut)."""
        t, size = self.app.text, self.pin_label_size()
        words = pin.label.split()
        w = max([round(self.rect.width * 0.2), *(t.width(x, size) for x in words)])
        lines = t.wrap(pin.label, size, w)
        while len(lines) > 2:
            w += t.px(20)
            lines = t.wrap(pin.label, size, w)
        return lines

    def placed(
        self, view: RoomView, mks: tuple[Marker, ...], pins: tuple[Pin, ...] = ()
    ) -> list[Placed]:
        """Each marker's symbol and label, then each pin's, clear of one another and of
        the capitals' names (worked out once per turn and size)."""
        rect = self.rect
        key = (tuple(mks), tuple(pins), tuple(rect), self.app.text.scale, self.app.palette.name)
        got = self._placed.get(key)
        if got is None:
            got = self._placed[key] = self._fit(view, mks, pins)
            if len(self._placed) > 8:
                self._placed = {key: got}
        self.dense = got[1]
        return got[0]

    def _fit(
        self, view: RoomView, mks: tuple[Marker, ...], pins: tuple[Pin, ...]
    ) -> tuple[list[Placed], float]:
        """The placement at the largest size (of ``DENSE``) at which no marker, pin or
        label lies on another or on a capital's name; the smallest when none is free."""
        rect = self.rect
        t = self.app.text
        self.app.map.show(view.scenario)
        proj = self.app.map.projection(rect.size)
        focus = frozenset(focus_countries(view.scenario))
        labels = frozenset(focus_places(view.scenario))
        names = [
            r.move(rect.x, rect.y)
            for r in self.app.map.name_rects(rect.size, self.app.palette, focus, labels)
        ]
        # the title's corner and the legend's strip are kept clear too
        head = pygame.Rect(rect.x, rect.y, t.width("THEATRE", t.px(11), "bold") + 16, t.px(11) + 10)
        area = rect.inflate(-4, -4)
        area.height -= self.legend_height()
        got: list[Placed] = []
        for dense in DENSE:
            self.dense = dense
            got = place(self._items(mks, pins, proj), area, [*names, head])
            if not collisions(got) and not any(
                r.collidelist([*names, head]) >= 0 for pl in got for r in (pl.box, pl.label)
            ):
                break
        return got, self.dense

    def _items(
        self,
        mks: tuple[Marker, ...],
        pins: tuple[Pin, ...],
        proj: Projection,
    ) -> list[Item]:
        """The markers and pins to place, at the current ``dense`` size."""
        rect, t = self.rect, self.app.text
        ls = self.label_size()
        items = []
        for mk in mks:
            x, y = proj(mk.lon, mk.lat)
            b = self.box_size(mk)
            lw, lh = t.width(mk.label, ls, "bold") + 4, t.line_height(ls, "bold")
            items.append(
                Item(mk.id, (round(rect.x + x), round(rect.y + y)), (b, b), (lw, lh), mk.size)
            )
        ps, pls = self.pin_size(), self.pin_label_size()
        for pin in pins:  # after the markers: a pin moves aside rather than a force
            x, y = proj(pin.lon, pin.lat)
            lines = self.pin_lines(pin)
            lw = max(t.width(line, pls) for line in lines) + 4
            lh = t.line_height(pls) * len(lines)
            items.append(
                Item(pin.key, (round(rect.x + x), round(rect.y + y)), (ps, ps), (lw, lh), -1.0)
            )
        return items

    def boxes(self, view: RoomView) -> list[tuple[pygame.Rect, Marker]]:
        """Each marker's box on the map (its halo), in drawing order."""
        got = self.placed(view, view.markers, view.pins)
        return [(pl.box, mk) for pl, mk in zip(got, view.markers, strict=False)]

    def pins_placed(self, view: RoomView) -> list[tuple[Placed, Pin]]:
        """Each of this turn's pins where it is drawn, with its pin."""
        got = self.placed(view, view.markers, view.pins)[len(view.markers) :]
        return list(zip(got, view.pins, strict=True))

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
        prog = self.progress(view)
        was = {}
        if prog < 1.0 and view.markers_before:
            was = {
                pl.key: (pl, mk)
                for pl, mk in zip(
                    self.placed(view, view.markers_before), view.markers_before, strict=True
                )
            }
        # placed last: the sizes below are this turn's (``dense``)
        now = self.placed(view, view.markers, view.pins)[: len(view.markers)]
        lbl = self.label_size()
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
        for pl, pin in self.pins_placed(view):
            self.draw_pin(surface, pl, pin, prog)
        surface.set_clip(clip)
        pygame.draw.rect(surface, p.edge, rect, 1)
        t.blit(surface, _("THEATRE"), (rect.x + 8, rect.y + 6), t.px(11), p.dim, "bold")
        self.draw_legend(surface, view)

    def draw_pin(self, surface: pygame.Surface, pl: Placed, pin: Pin, prog: float) -> None:
        """A map pin with its short label; it fades in with the turn's changes."""
        p, t = self.app.palette, self.app.text
        colour = p.caution
        if pl.moved:  # a leader line from its true place
            pygame.draw.circle(surface, colour, pl.anchor, 3)
            pygame.draw.line(surface, colour, pl.anchor, leader_end(pl), 1)
        box = pl.box
        if prog < 1.0:
            box = box.inflate(-round(box.width * (1 - prog)), -round(box.height * (1 - prog)))
        r = max(3, round(box.width * 0.3))
        cx, cy = box.centerx, box.centery - round(box.height * 0.12)
        tip = (cx, box.bottom - 1)
        pygame.draw.polygon(
            surface, colour, [(cx - r * 0.8, cy + r * 0.5), (cx + r * 0.8, cy + r * 0.5), tip]
        )
        pygame.draw.circle(surface, colour, (cx, cy), r)
        pygame.draw.circle(surface, p.bg, (cx, cy), max(1, r // 2))
        size = self.pin_label_size()
        lh = t.line_height(size)
        pygame.draw.rect(surface, p.bg, pl.label.inflate(2, 0), border_radius=2)
        for k, line in enumerate(self.pin_lines(pin)):
            t.blit(
                surface,
                line,
                (pl.label.centerx, pl.label.y + k * lh),
                size,
                p.text,
                anchor="midtop",
            )

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
        if view.pins:
            parts.append((p.caution, _("pin: this turn's events")))
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
        for pl, pin in self.pins_placed(view):
            if pl.box.collidepoint(pos) or pl.label.collidepoint(pos):
                lines = [
                    pin.label,
                    _("This turn, at {place}: {event}", place=pin.place, event=pin.headline),
                ]
                if pl.moved:
                    lines.append(_("The line leads to where it happened."))
                return (pin.key, lines)
        placed = self.placed(view, view.markers, view.pins)
        for pl, mk in zip(placed, view.markers, strict=False):
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
                        _("Driven by {things}.", things=format_list(list(mk.follows)))
                        if mk.follows
                        else _("Its place and size are fixed."),
                        *([_("The line leads to its true place.")] if pl.moved else []),
                    ],
                )
        return None
