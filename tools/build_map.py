"""Build the Caribbean map asset (``assets/map/caribbean.json``) from Natural Earth.

Why this exists: the game draws its theatre map (country outlines and labelled
places) from a small, committed JSON file so that neither the game nor its tests
need shapefile readers or the raw Natural Earth data at run time. This script is
the single, reproducible way that file is made: it reads the 1:110m admin-0
countries (``naturalearth_lowres.shp``) and the populated places
(``naturalearth_cities.shp``), clips every polygon ring to a lon/lat window,
simplifies it with Douglas-Peucker, rounds coordinates to 3 decimals and writes
sorted, compact JSON, so rebuilding gives byte-identical output.

Coordinates stay in lon/lat degrees; the UI projects them (equirectangular with
cos(lat0) scaling is enough at this size).

Rebuild (from the repo root; needs ``pip install pyshp``)::

    python tools/build_map.py
    python tools/build_map.py --window -90 -55 5 30 --tolerance 0.05 \\
        --src ../shared/data/naturalearth --out assets/map/caribbean.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SRC = REPO_ROOT.parent / "shared" / "data" / "naturalearth"
DEFAULT_OUT = REPO_ROOT / "assets" / "map" / "caribbean.json"
DEFAULT_WINDOW: tuple[float, float, float, float] = (-90.0, -55.0, 5.0, 30.0)
DEFAULT_TOLERANCE = 0.05
SHAPEFILE_ENCODING = "ISO-8859-1"
DECIMALS = 3

SOURCE = "Natural Earth 1:110m admin-0 countries and populated places (public domain)"
BUILT_BY = "tools/build_map.py"

Point = tuple[float, float]
Ring = list[Point]
Window = tuple[float, float, float, float]  # lon_min, lon_max, lat_min, lat_max

# Natural Earth marks a few countries' iso_a3 as "-99"; give them their ISO code.
ISO_FIXES: dict[str, str] = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX"}

# naturalearth_cities has only a "name" field and is almost all national
# capitals; the few large non-capital cities it holds are listed here.
NON_CAPITAL_CITIES: frozenset[str] = frozenset({"Miami"})

# Places the 1:110m data lacks but the scenario needs. Coordinates are public,
# well-known positions (city centres), rounded to two decimals. An entry is used
# only when the Natural Earth data has no place with the same id.
# Willemstad, Oranjestad and San Juan are seats of non-sovereign territories,
# hence kind "city" rather than "capital".
EXTRA_PLACES: tuple[dict[str, Any], ...] = (
    {"name": "Caracas", "lon": -66.90, "lat": 10.48, "kind": "capital"},
    {"name": "Willemstad", "lon": -68.93, "lat": 12.11, "kind": "city"},
    {"name": "Oranjestad", "lon": -70.03, "lat": 12.52, "kind": "city"},
    {"name": "Port of Spain", "lon": -61.51, "lat": 10.66, "kind": "capital"},
    {"name": "San Juan", "lon": -66.11, "lat": 18.47, "kind": "city"},
    {"name": "Bridgetown", "lon": -59.61, "lat": 13.10, "kind": "capital"},
    {"name": "Caribbean Sea patrol area", "lon": -66.5, "lat": 13.5, "kind": "sea"},
)
PLACE_KINDS: frozenset[str] = frozenset({"capital", "city", "sea"})


# --------------------------------------------------------------------------- geometry


def _clip_edge(ring: Ring, inside: Any, intersect: Any) -> Ring:
    """One Sutherland-Hodgman pass of an open ring against a half-plane."""
    out: Ring = []
    if not ring:
        return out
    prev = ring[-1]
    prev_in = inside(prev)
    for cur in ring:
        cur_in = inside(cur)
        if cur_in:
            if not prev_in:
                out.append(intersect(prev, cur))
            out.append(cur)
        elif prev_in:
            out.append(intersect(prev, cur))
        prev, prev_in = cur, cur_in
    return out


def _at_lon(a: Point, b: Point, lon: float) -> Point:
    t = (lon - a[0]) / (b[0] - a[0])
    return (lon, a[1] + t * (b[1] - a[1]))


def _at_lat(a: Point, b: Point, lat: float) -> Point:
    t = (lat - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), lat)


def clip_ring(ring: Ring, window: Window) -> Ring:
    """Clip an open ring (no repeated closing point) to the window rectangle."""
    lon_min, lon_max, lat_min, lat_max = window
    out = _clip_edge(ring, lambda p: p[0] >= lon_min, lambda a, b: _at_lon(a, b, lon_min))
    out = _clip_edge(out, lambda p: p[0] <= lon_max, lambda a, b: _at_lon(a, b, lon_max))
    out = _clip_edge(out, lambda p: p[1] >= lat_min, lambda a, b: _at_lat(a, b, lat_min))
    out = _clip_edge(out, lambda p: p[1] <= lat_max, lambda a, b: _at_lat(a, b, lat_max))
    return out


def _seg_dist(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment a-b."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0.0 and dy == 0.0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    return math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy))


def douglas_peucker(line: Ring, tolerance: float) -> Ring:
    """Simplify an open polyline, keeping both end points (iterative)."""
    n = len(line)
    if n < 3:
        return list(line)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        best, best_i = -1.0, -1
        for i in range(first + 1, last):
            d = _seg_dist(line[i], line[first], line[last])
            if d > best:
                best, best_i = d, i
        if best_i >= 0 and best > tolerance:
            keep[best_i] = True
            stack.append((first, best_i))
            stack.append((best_i, last))
    return [p for p, k in zip(line, keep, strict=True) if k]


def simplify_ring(ring: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker on an open ring, split at its first and farthest points.

    Returns an open ring of at least 3 distinct points when the input has that
    many: the tolerance is halved until that holds (down to no simplification).
    """
    if len(ring) <= 3:
        return list(ring)
    start = ring[0]
    far = max(
        range(len(ring)), key=lambda i: math.hypot(ring[i][0] - start[0], ring[i][1] - start[1])
    )
    tol = tolerance
    while True:
        first_half = douglas_peucker(ring[: far + 1], tol)
        second_half = douglas_peucker([*ring[far:], start], tol)
        out = first_half[:-1] + second_half[:-1]
        if len(out) >= 3 or tol <= 1e-9:
            return out
        tol /= 2.0


def _round(v: float) -> float:
    return round(v, DECIMALS) + 0.0  # "+ 0.0" turns -0.0 into 0.0


def ring_area(ring: Sequence[Sequence[float]]) -> float:
    """Absolute shoelace area of a ring (closed or open), in square degrees."""
    s = 0.0
    for i in range(len(ring)):
        x1, y1 = ring[i - 1]
        x2, y2 = ring[i]
        s += x1 * y2 - x2 * y1
    return abs(s) / 2.0


def finish_ring(ring: Ring) -> list[list[float]] | None:
    """Round, drop repeated points and close the ring; None if it degenerates."""
    pts: list[list[float]] = []
    for x, y in ring:
        p = [_round(x), _round(y)]
        if not pts or pts[-1] != p:
            pts.append(p)
    while len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    if len(pts) < 3 or ring_area(pts) < 1e-6:
        return None
    pts.append(list(pts[0]))  # closed, GeoJSON style: >= 4 points
    return pts


# --------------------------------------------------------------------------- data


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = ascii_name.replace("'", "")
    parts = "".join(c if c.isalnum() else " " for c in ascii_name.lower()).split()
    return "_".join(parts)


def _inside(lon: float, lat: float, window: Window) -> bool:
    lon_min, lon_max, lat_min, lat_max = window
    return lon_min <= lon <= lon_max and lat_min <= lat <= lat_max


def _reader(src: Path, stem: str) -> Any:
    import shapefile  # pyshp; imported here so the module loads without it

    return shapefile.Reader(str(src / stem), encoding=SHAPEFILE_ENCODING)


def load_countries(src: Path, window: Window, tolerance: float) -> list[dict[str, Any]]:
    """Countries intersecting the window, rings clipped and simplified, sorted by iso_a3."""
    lon_min, lon_max, lat_min, lat_max = window
    countries: list[dict[str, Any]] = []
    with _reader(src, "naturalearth_lowres") as reader:
        for shape_rec in reader.iterShapeRecords():
            rec, shape = shape_rec.record.as_dict(), shape_rec.shape
            if not shape.points:
                continue
            bx0, by0, bx1, by1 = shape.bbox
            if bx1 < lon_min or bx0 > lon_max or by1 < lat_min or by0 > lat_max:
                continue
            parts = [*shape.parts, len(shape.points)]
            rings: list[list[list[float]]] = []
            for a, b in itertools.pairwise(parts):
                ring: Ring = [(float(x), float(y)) for x, y in shape.points[a:b]]
                if len(ring) > 1 and ring[0] == ring[-1]:
                    ring.pop()
                clipped = clip_ring(ring, window)
                if len(clipped) < 3:
                    continue
                finished = finish_ring(simplify_ring(clipped, tolerance))
                if finished is not None:
                    rings.append(finished)
            if not rings:
                continue
            name = str(rec["name"]).strip()
            iso = str(rec["iso_a3"]).strip()
            if iso in ("", "-99"):
                iso = ISO_FIXES.get(name, iso)
            countries.append({"iso_a3": iso, "name": name, "rings": rings})
    countries.sort(key=lambda c: (c["iso_a3"], c["name"]))
    return countries


def load_places(src: Path, window: Window) -> list[dict[str, Any]]:
    """Capitals (and listed cities) in the window plus EXTRA_PLACES, sorted by id."""
    places: dict[str, dict[str, Any]] = {}
    with _reader(src, "naturalearth_cities") as reader:
        for shape_rec in reader.iterShapeRecords():
            if not shape_rec.shape.points:
                continue
            lon, lat = shape_rec.shape.points[0]
            if not _inside(lon, lat, window):
                continue
            name = str(shape_rec.record.as_dict()["name"]).strip()
            kind = "city" if name in NON_CAPITAL_CITIES else "capital"
            pid = _slug(name)
            places[pid] = {
                "id": pid,
                "name": name,
                "lon": _round(lon),
                "lat": _round(lat),
                "kind": kind,
            }
    for extra in EXTRA_PLACES:
        pid = _slug(extra["name"])
        if pid in places or not _inside(extra["lon"], extra["lat"], window):
            continue
        assert extra["kind"] in PLACE_KINDS, extra
        places[pid] = {
            "id": pid,
            "name": extra["name"],
            "lon": _round(extra["lon"]),
            "lat": _round(extra["lat"]),
            "kind": extra["kind"],
        }
    return [places[k] for k in sorted(places)]


def build(
    src: Path = DEFAULT_SRC,
    window: Window = DEFAULT_WINDOW,
    tolerance: float = DEFAULT_TOLERANCE,
) -> dict[str, Any]:
    """Return the map document (not yet serialised)."""
    lon_min, lon_max, lat_min, lat_max = window
    if not (lon_min < lon_max and lat_min < lat_max):
        raise ValueError(f"empty window: {window}")
    return {
        "source": SOURCE,
        "built_by": BUILT_BY,
        "bounds": {
            "lon_min": lon_min,
            "lon_max": lon_max,
            "lat_min": lat_min,
            "lat_max": lat_max,
        },
        "countries": load_countries(src, window, tolerance),
        "places": load_places(src, window),
    }


def dumps(doc: dict[str, Any]) -> bytes:
    """Stable serialisation: sorted keys, fixed separators, UTF-8, final newline."""
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--src",
        type=Path,
        default=DEFAULT_SRC,
        help="folder with naturalearth_lowres.shp and naturalearth_cities.shp "
        "(default: ../shared/data/naturalearth from the repo root)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output JSON (default: assets/map/caribbean.json in the repo)",
    )
    parser.add_argument(
        "--window",
        type=float,
        nargs=4,
        metavar=("LON_MIN", "LON_MAX", "LAT_MIN", "LAT_MAX"),
        default=list(DEFAULT_WINDOW),
        help="clip window in degrees (default: -90 -55 5 30)",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help="Douglas-Peucker tolerance in degrees (default: 0.05)",
    )
    args = parser.parse_args(argv)

    src: Path = args.src
    for stem in ("naturalearth_lowres", "naturalearth_cities"):
        if not (src / f"{stem}.shp").is_file():
            print(f"build_map: {src / stem}.shp not found (use --src)", file=sys.stderr)
            return 2
    window: Window = tuple(args.window)  # type: ignore[assignment]
    doc = build(src, window, args.tolerance)
    data = dumps(doc)
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    n_points = sum(len(r) for c in doc["countries"] for r in c["rings"])
    print(
        f"build_map: wrote {out} ({len(data)} bytes, {len(doc['countries'])} countries, "
        f"{n_points} points, {len(doc['places'])} places)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
