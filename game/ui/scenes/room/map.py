"""The theatre: the map with a marker for each force, move and flashpoint in play."""

from __future__ import annotations

import math

from game.scenario.schema import Scenario
from game.ui import palette as pal
from game.ui.backend import Resolution, Snapshot
from game.ui.icons import icon
from game.ui.mapview import region
from game.ui.markers import MapState, Marker, markers_for, spots_of
from game.ui.palette import Colour
from game.ui.pg import pygame
from game.ui.scenes.room.panel import Panel, RoomView, Tip
from game.ui.style import norm


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


def markers(scenario: Scenario, snap: Snapshot, resolutions: list[Resolution]) -> list[Marker]:
    """The markers for the turn: moves so far (and which were exposed), metrics, stage."""
    cats = {(a.id, o.id): str(o.category) for a in scenario.actors for o in a.options}
    moves = [
        {a: (m.option, cats.get((a, m.option), "")) for a, m in r.moves.items()}
        for r in resolutions
    ]
    state = MapState(
        metrics={m.id: norm(m) for m in snap.metrics},
        stage=snap.stage_index / max(1, len(scenario.ladder) - 1),
        turn=snap.turn,
        moves=moves,
        exposed=[set(r.exposed) for r in resolutions],
    )
    doc = region(scenario)
    return markers_for(scenario, state, doc["bounds"], spots_of(scenario, doc))


class MapPanel(Panel):
    def marker_colour(self, scenario: Scenario, name: str) -> Colour:
        p = self.app.palette
        for a in scenario.actors:
            if a.id == name:
                return pal.hex_colour(a.colour)
        shade = getattr(p, name, None)
        return shade if isinstance(shade, tuple) else p.accent

    def boxes(self, view: RoomView) -> list[tuple[pygame.Rect, Marker]]:
        """Each marker's box on the map (its halo), in drawing order."""
        rect = self.rect
        self.app.map.show(view.scenario)
        proj = self.app.map.projection(rect.size)
        out = []
        for mk in view.markers:
            x, y = proj(mk.lon, mk.lat)
            size = round(14 + 22 * mk.size) * max(0.6, min(1.4, rect.height / 360))
            size = max(10, round(size))
            halo = pygame.Rect(0, 0, size + 8, size + 8)
            halo.center = (rect.x + x, rect.y + y)
            out.append((halo, mk))
        return out

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
        lbl = t.px(11)
        taken: list[pygame.Rect] = []
        for halo, mk in self.boxes(view):
            colour = self.marker_colour(view.scenario, mk.colour)
            size = halo.width - 8
            if mk.pulse:
                pygame.draw.circle(surface, colour, halo.center, size * (0.7 + 0.5 * pulse), 2)
            pygame.draw.rect(surface, p.bg, halo, border_radius=4)
            pygame.draw.rect(surface, colour, halo, 1, border_radius=4)
            img = icon(mk.symbol, size, colour)
            surface.blit(img, img.get_rect(center=halo.center))
            taken.append(halo)
            label = t.render(mk.label, lbl, colour, "bold")
            lr = label.get_rect(midtop=(halo.centerx, halo.bottom + 1))
            if lr.collidelist(taken) < 0 and rect.contains(lr):
                pygame.draw.rect(surface, p.bg, lr.inflate(4, 0), border_radius=2)
                surface.blit(label, lr)
                taken.append(lr)
        surface.set_clip(clip)
        pygame.draw.rect(surface, p.edge, rect, 1)
        t.blit(surface, "THEATRE", (rect.x + 8, rect.y + 6), t.px(11), p.dim, "bold")

    def hit(self, pos: tuple[int, int], view: RoomView) -> Tip | None:
        for halo, mk in self.boxes(view):
            if halo.collidepoint(pos):
                return (mk.id, [mk.label, "On the map: its place and size follow the game."])
        return None
