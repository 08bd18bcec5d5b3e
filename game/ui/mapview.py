"""The theatre map: Natural Earth outlines from assets/map, projected to a rect and cached.

The static layers (sea, graticule, land, coasts, capitals and their labels) are
drawn once per (size, palette, text scale) into a surface; markers are drawn on
top each frame.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from game import i18n
from game.scenario.crossref import place_id
from game.scenario.paths import ASSETS
from game.scenario.schema import Scenario
from game.ui import palette as pal
from game.ui.pg import pygame
from game.ui.text import Text

MAP_DIR = ASSETS / "map"
# The region of a scenario without a map: open sea around (0, 0), no land, no places.
BLANK_BOUNDS = {"lon_min": -12.0, "lon_max": 12.0, "lat_min": -8.0, "lat_max": 8.0}


@lru_cache(maxsize=4)
def load_map(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


@functools.cache
def place_names(language: str) -> dict[str, str]:
    """The map's place and country names in ``language`` (``assets/map/names.<lang>.yaml``:
    the map files' English names, from Natural Earth, to that language's usual names);
    empty when the language has no such file (the names are then shown as they are)."""
    path = MAP_DIR / f"names.{language}.yaml"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    return {
        str(k): str(v) for part in ("countries", "places") for k, v in doc.get(part, {}).items()
    }


def shown_name(name: str) -> str:
    """A map name as the player reads it, in the language in use (the map files, and what
    the game matches against them, keep the English name)."""
    lang = i18n.language()
    if lang == i18n.PSEUDO:
        return i18n.pseudo(name)
    return place_names(lang).get(name, name)


def region(scenario: Scenario | None) -> dict[str, Any]:
    """The map a scenario is drawn on: its map file (``map.name``), cut to its ``bounds``
    when given, with its own places added; a blank sea when it has no map or the file
    is missing (build it with tools/build_map.py)."""
    m = scenario.map if scenario is not None else None
    if m is None:
        return {"bounds": dict(BLANK_BOUNDS), "countries": [], "places": []}
    path = MAP_DIR / f"{m.name}.json"
    doc = load_map(str(path)) if path.is_file() else {}
    bounds = m.bounds.model_dump() if m.bounds is not None else doc.get("bounds")
    if bounds is None:
        bounds = dict(BLANK_BOUNDS)
    places = list(doc.get("places", []))
    known = {p["id"] for p in places}
    for pl in m.places:  # places of an unbuilt (or older) map file
        pid = place_id(pl.name)
        if pid not in known:
            places.append(
                {"id": pid, "name": pl.name, "lon": pl.lon, "lat": pl.lat, "kind": pl.kind}
            )
    return {
        "bounds": bounds,
        "countries": doc.get("countries", []),
        "places": places,
        "anchors": doc.get("anchors", []),
    }


@dataclass(frozen=True)
class Projection:
    """Equirectangular with the horizontal scale of the middle latitude, fitted into ``rect``."""

    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float
    x0: float
    y0: float
    k: float  # pixels per degree of latitude
    kx: float  # pixels per degree of longitude

    @classmethod
    def fit(cls, bounds: dict[str, float], size: tuple[int, int]) -> Projection:
        w, h = size
        lat_mid = math.radians((bounds["lat_min"] + bounds["lat_max"]) / 2)
        span_x = (bounds["lon_max"] - bounds["lon_min"]) * math.cos(lat_mid)
        span_y = bounds["lat_max"] - bounds["lat_min"]
        # fill the rect (cover) so no bands of empty sea appear; crop the overflow evenly
        k = max(w / span_x, h / span_y)
        kx = k * math.cos(lat_mid)
        x0 = (w - (bounds["lon_max"] - bounds["lon_min"]) * kx) / 2
        y0 = h - span_y * k  # crop from the north: the south (the coasts in play) stays whole
        return cls(
            bounds["lon_min"],
            bounds["lon_max"],
            bounds["lat_min"],
            bounds["lat_max"],
            x0,
            y0,
            k,
            kx,
        )

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.x0 + (lon - self.lon_min) * self.kx, self.y0 + (self.lat_max - lat) * self.k)


def _point_in_ring(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def country_at(doc: dict[str, Any], lon: float, lat: float) -> str | None:
    """Name of the country of map ``doc`` whose outline holds the point, if any."""
    for c in doc["countries"]:
        if any(_point_in_ring(lon, lat, r) for r in c["rings"]):
            return str(c["name"])
    return None


def place(doc: dict[str, Any], pid: str) -> dict[str, Any] | None:
    return next((p for p in doc["places"] if p["id"] == pid), None)


class MapRenderer:
    """Draws the base map into a cached surface per size."""

    def __init__(self, text: Text) -> None:
        self.text = text
        self._cache: dict[tuple, pygame.Surface] = {}
        self._names: dict[tuple, list[pygame.Rect]] = {}  # per cached map: its names' rects
        self.renders = 0
        self.doc = region(None)
        self._shown: Scenario | None = None
        self._last_names: list[pygame.Rect] = []

    def show(self, scenario: Scenario) -> None:
        """Draw ``scenario``'s region from now on (menus keep the last one shown)."""
        if scenario is not self._shown:
            self._shown = scenario
            doc = region(scenario)
            if doc != self.doc:
                self.doc = doc
                self._cache.clear()

    def projection(self, size: tuple[int, int]) -> Projection:
        return Projection.fit(self.doc["bounds"], size)

    def base(
        self,
        size: tuple[int, int],
        palette: pal.Palette,
        focus: frozenset[str] = frozenset(),
        labels: frozenset[str] = frozenset(),
        names: bool = True,
    ) -> pygame.Surface:
        """The static map for ``size``; ``names`` False leaves out the place names."""
        key = (size, palette.name, focus, labels, self.text.scale, names, i18n.language())
        surf = self._cache.get(key)
        if surf is None:
            if len(self._cache) > 6:
                self._cache.clear()
                self._names.clear()
            surf = self._render(size, palette, focus, labels, names)
            self._cache[key] = surf
            self._names[key] = self._last_names
        return surf

    def name_rects(
        self,
        size: tuple[int, int],
        palette: pal.Palette,
        focus: frozenset[str] = frozenset(),
        labels: frozenset[str] = frozenset(),
    ) -> list[pygame.Rect]:
        """Where the map of ``base`` wrote place names and drew capitals (markers keep off)."""
        self.base(size, palette, focus, labels)
        key = (size, palette.name, focus, labels, self.text.scale, True, i18n.language())
        return self._names.get(key, [])

    def _render(
        self,
        size: tuple[int, int],
        p: pal.Palette,
        focus: frozenset[str],
        labels: frozenset[str],
        names: bool = True,
    ) -> pygame.Surface:
        self.renders += 1
        data = self.doc
        proj = self.projection(size)
        surf = (
            pygame.Surface(size).convert() if pygame.display.get_surface() else pygame.Surface(size)
        )
        surf.fill(p.ocean)
        # graticule every 5 degrees
        b = data["bounds"]
        for lon in range(int(b["lon_min"]), int(b["lon_max"]) + 1, 5):
            x = proj(lon, 0)[0]
            pygame.draw.line(surf, p.ocean_grid, (x, 0), (x, size[1]))
        for lat in range(int(b["lat_min"]), int(b["lat_max"]) + 1, 5):
            y = proj(0, lat)[1]
            pygame.draw.line(surf, p.ocean_grid, (0, y), (size[0], y))
        for c in data["countries"]:
            fill = p.land_focus if c["name"] in focus else p.land
            for ring in c["rings"]:
                pts = [proj(lon, lat) for lon, lat in ring]
                if len(pts) >= 3:
                    pygame.draw.polygon(surf, fill, pts)
                    pygame.draw.aalines(surf, p.coast, True, pts)
        # country names (faint, large) for the focus countries
        fs = self.text.px(max(9, min(15, size[1] / 30)))
        for c in data["countries"]:
            if c["name"] not in focus:
                continue
            ring = max(c["rings"], key=len)
            lon = sum(pt[0] for pt in ring) / len(ring)
            lat = sum(pt[1] for pt in ring) / len(ring)
            x, y = proj(lon, lat)
            if 0 <= x < size[0] and 0 <= y < size[1]:
                label = self.text.render(shown_name(c["name"]).upper(), fs, p.faint, "bold")
                surf.blit(label, label.get_rect(center=(x, y + fs)))
        # places: dots everywhere, labels where asked (or capitals when there is room)
        placed: list[pygame.Rect] = []
        ls = self.text.px(max(8, min(13, size[1] / 34)))
        for pl in data["places"]:  # labels never cover a place's dot
            if pl["kind"] != "sea":
                x, y = proj(pl["lon"], pl["lat"])
                placed.append(pygame.Rect(x - 3, y - 3, 6, 6))
        order = sorted(
            data["places"], key=lambda pl: (pl["id"] not in labels, pl["kind"] != "capital")
        )
        for pl in order:
            if pl["kind"] == "sea":
                continue
            x, y = proj(pl["lon"], pl["lat"])
            if not (0 <= x < size[0] and 0 <= y < size[1]):
                continue
            r = 3 if pl["kind"] == "capital" else 2
            pygame.draw.circle(surf, p.text if pl["id"] in labels else p.dim, (x, y), r)
            if pl["kind"] == "capital":
                pygame.draw.circle(surf, p.bg, (x, y), r, 1)
            wanted = names and (pl["id"] in labels or (pl["kind"] == "capital" and size[0] >= 520))
            if not wanted:
                continue
            colour = p.text if pl["id"] in labels else p.dim
            name = shown_name(pl["name"])
            img = self.text.render(name, ls, colour, "bold" if pl["id"] in labels else "regular")
            for rect in (
                img.get_rect(midleft=(x + 5, y)),
                img.get_rect(midright=(x - 5, y)),
                img.get_rect(midbottom=(x, y - 4)),
                img.get_rect(midtop=(x, y + 4)),
            ):
                if surf.get_rect().contains(rect) and rect.collidelist(placed) < 0:
                    placed.append(rect.inflate(4, 2))
                    shadow = self.text.render(
                        name, ls, p.bg, "bold" if pl["id"] in labels else "regular"
                    )
                    surf.blit(shadow, rect.move(1, 1))
                    surf.blit(img, rect)
                    break
        pygame.draw.rect(surf, p.edge, surf.get_rect(), 1)
        self._last_names = [r for r in placed if r.width > 6 or r.height > 6]
        self._last_names += [
            pygame.Rect(x - 4, y - 4, 8, 8)
            for pl in data["places"]
            if pl["kind"] == "capital"
            for x, y in [proj(pl["lon"], pl["lat"])]
        ]
        return surf
