"""Build a scenario's map asset (``assets/map/<name>.json``) from Natural Earth.

Why this exists: the game draws its theatre map (country outlines and labelled
places) from a small, committed JSON file so that neither the game nor its tests
need shapefile readers or the raw Natural Earth data at run time. This script is
the single, reproducible way such a file is made: it reads the 1:110m admin-0
countries (``naturalearth_lowres.shp``) and the populated places
(``naturalearth_cities.shp``), clips every polygon ring to the region's lon/lat
window, simplifies it with Douglas-Peucker, rounds coordinates to 3 decimals and
writes sorted, compact JSON, so rebuilding gives byte-identical output.

Nothing about a region lives in this file. The region comes from a map spec: a
``map:`` section in YAML, kept for now in ``assets/map/<name>.spec.yaml`` (a
scenario file with a ``map:`` section is read the same way). The spec gives the
output name, the window, the projection, the simplification tolerance, the
places the 1:110m data lacks, kind overrides for Natural Earth places, and named
marker anchors. See ``assets/map/README.md`` for the fields.

Coordinates stay in lon/lat degrees; the UI projects them (equirectangular with
cos(lat0) scaling is enough at this size).

Rebuild (from the repo root; needs ``pip install pyshp``)::

    python tools/build_map.py                                   # every assets/map/*.spec.yaml
    python tools/build_map.py assets/map/taiwan-strait.spec.yaml
    python tools/build_map.py scenarios/taiwan-1995.yaml        # a scenario's own map: section
    python tools/build_map.py SPEC --src ../shared/data/naturalearth --out OUT.json
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import math
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SRC = REPO_ROOT.parent / "shared" / "data" / "naturalearth"
MAP_DIR = REPO_ROOT / "assets" / "map"
DEFAULT_TOLERANCE = 0.05
SHAPEFILE_ENCODING = "ISO-8859-1"
DECIMALS = 3

SOURCE = "Natural Earth 1:110m admin-0 countries and populated places (public domain)"
BUILT_BY = "tools/build_map.py"

Point = tuple[float, float]
Ring = list[Point]
Window = tuple[float, float, float, float]  # lon_min, lon_max, lat_min, lat_max

# Natural Earth marks a few countries' iso_a3 as "-99"; give them their ISO code.
# (A fact about the data set, not about any region.)
ISO_FIXES: dict[str, str] = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX"}

PLACE_KINDS: frozenset[str] = frozenset({"capital", "city", "island", "sea"})
# The UI draws exactly this projection; a spec naming another is refused, not ignored.
PROJECTIONS: frozenset[str] = frozenset({"equirectangular"})
DEFAULT_PROJECTION = "equirectangular"
NAME_RE = r"^[a-z0-9][a-z0-9_-]*$"
# Fields of a scenario's ``map:`` section that are for the game, not the builder.
SCENARIO_MAP_FIELDS = ("countries", "labels", "markers")
SPEC_FIELDS = (
    "name",
    "bounds",
    "projection",
    "tolerance",
    "place_kinds",
    "places",
    "anchors",
)


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


def load_places(
    src: Path,
    window: Window,
    place_kinds: dict[str, str] | None = None,
    extra_places: Sequence[dict[str, Any]] = (),
) -> list[dict[str, Any]]:
    """Natural Earth places in the window plus the spec's extra places, sorted by id.

    ``naturalearth_cities`` has only a "name" field and is almost all national
    capitals, so each place counts as a capital unless ``place_kinds`` names it.
    An extra place is used only when the data has no place with the same id.
    """
    place_kinds = place_kinds or {}
    places: dict[str, dict[str, Any]] = {}
    with _reader(src, "naturalearth_cities") as reader:
        for shape_rec in reader.iterShapeRecords():
            if not shape_rec.shape.points:
                continue
            lon, lat = shape_rec.shape.points[0]
            if not _inside(lon, lat, window):
                continue
            name = str(shape_rec.record.as_dict()["name"]).strip()
            pid = _slug(name)
            places[pid] = {
                "id": pid,
                "name": name,
                "lon": _round(lon),
                "lat": _round(lat),
                "kind": place_kinds.get(name, "capital"),
            }
    for extra in extra_places:
        pid = _slug(extra["name"])
        if pid in places or not _inside(extra["lon"], extra["lat"], window):
            continue
        places[pid] = {
            "id": pid,
            "name": extra["name"],
            "lon": _round(extra["lon"]),
            "lat": _round(extra["lat"]),
            "kind": extra["kind"],
        }
    return [places[k] for k in sorted(places)]


# --------------------------------------------------------------------------- map spec


@dataclass(frozen=True)
class MapSpec:
    """One region: what a scenario's ``map:`` section says."""

    name: str
    window: Window
    projection: str = DEFAULT_PROJECTION
    tolerance: float = DEFAULT_TOLERANCE
    place_kinds: dict[str, str] = field(default_factory=dict)
    places: tuple[dict[str, Any], ...] = ()
    anchors: tuple[dict[str, Any], ...] = ()


class SpecError(ValueError):
    """A map spec is wrong; the message names the file, line and field."""


def _line_of(root: Any, path: Sequence[str | int]) -> int:
    """1-based line of the YAML node at ``path`` (or of its deepest existing parent)."""
    node, line = root, 1
    for key in path:
        if node is None:
            break
        line = node.start_mark.line + 1
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
        node = child
    return node.start_mark.line + 1 if node is not None else line


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def parse_spec(text: str, filename: str = "<spec>") -> MapSpec:
    """Read the ``map:`` section of a YAML document; raise SpecError naming file:line: field."""
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e)
        raise SpecError(f"{filename}:{line}: not valid YAML: {problem}") from None

    def fail(path: Sequence[str | int], message: str) -> SpecError:
        where = ".".join(str(p) for p in path)
        prefix = f"{filename}:{_line_of(root, path)}: "
        return SpecError(f"{prefix}{where}: {message}" if where else prefix + message)

    if not isinstance(data, dict) or not isinstance(data.get("map"), dict):
        raise fail([], "needs a 'map:' section (a mapping)")
    spec = data["map"]
    # A scenario file's map section also says what is drawn on the map (labels, markers):
    # the builder reads only the region.
    display = SCENARIO_MAP_FIELDS if "meta" in data else ()
    for key in spec:
        if key not in SPEC_FIELDS and key not in display:
            near = difflib.get_close_matches(str(key), SPEC_FIELDS, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise fail(["map", key], f"unknown field{hint}; valid: {', '.join(SPEC_FIELDS)}")

    name = spec.get("name")
    if not isinstance(name, str) or not re.match(NAME_RE, name):
        raise fail(["map", "name"], "needs a file name such as 'taiwan-strait' (a-z, 0-9, - _)")

    bounds = spec.get("bounds")
    if not isinstance(bounds, dict):
        raise fail(["map", "bounds"], "needs lon_min, lon_max, lat_min, lat_max in degrees")
    window_list: list[float] = []
    for key, lo, hi in (
        ("lon_min", -180, 180),
        ("lon_max", -180, 180),
        ("lat_min", -90, 90),
        ("lat_max", -90, 90),
    ):
        v = _number(bounds.get(key))
        if v is None or not lo <= v <= hi:
            raise fail(["map", "bounds", key], f"needs a number from {lo} to {hi}")
        window_list.append(v)
    window: Window = (window_list[0], window_list[1], window_list[2], window_list[3])
    if not (window[0] < window[1] and window[2] < window[3]):
        raise fail(
            ["map", "bounds"], "is empty: lon_min must be below lon_max, lat_min below lat_max"
        )

    projection = spec.get("projection", DEFAULT_PROJECTION)
    if not isinstance(projection, str) or projection not in PROJECTIONS:
        raise fail(["map", "projection"], f"must be one of: {', '.join(sorted(PROJECTIONS))}")

    tolerance = _number(spec.get("tolerance", DEFAULT_TOLERANCE))
    if tolerance is None or not 0 < tolerance < 1:
        raise fail(["map", "tolerance"], "needs a number of degrees between 0 and 1")

    kinds = spec.get("place_kinds", {}) or {}
    if not isinstance(kinds, dict):
        raise fail(["map", "place_kinds"], "needs a mapping of Natural Earth place name to kind")
    for key, kind in kinds.items():
        if not isinstance(kind, str) or kind not in PLACE_KINDS:
            raise fail(["map", "place_kinds", key], f"kind must be one of {sorted(PLACE_KINDS)}")

    def points(section: str, need_kind: bool) -> tuple[dict[str, Any], ...]:
        items = spec.get(section, []) or []
        if not isinstance(items, list):
            raise fail(["map", section], "needs a list")
        out = []
        seen: set[str] = set()
        for i, item in enumerate(items):
            path: list[str | int] = ["map", section, i]
            if not isinstance(item, dict):
                raise fail(path, "needs a mapping with name, lon, lat")
            allowed = {"name", "lon", "lat", "kind", "note"} | (
                {"id"} if section == "anchors" else set()
            )
            extra = sorted(set(item) - allowed)
            if extra:
                raise fail([*path, extra[0]], f"unknown field; valid: {', '.join(sorted(allowed))}")
            name_i = item.get("name")
            if not isinstance(name_i, str) or not name_i.strip():
                raise fail([*path, "name"], "needs a name")
            lon, lat = _number(item.get("lon")), _number(item.get("lat"))
            if lon is None or not -180 <= lon <= 180:
                raise fail([*path, "lon"], "needs a longitude in degrees (-180 to 180)")
            if lat is None or not -90 <= lat <= 90:
                raise fail([*path, "lat"], "needs a latitude in degrees (-90 to 90)")
            entry: dict[str, Any] = {"name": name_i.strip(), "lon": lon, "lat": lat}
            if need_kind:
                kind = item.get("kind")
                if not isinstance(kind, str) or kind not in PLACE_KINDS:
                    raise fail([*path, "kind"], f"must be one of {sorted(PLACE_KINDS)}")
                entry["kind"] = item["kind"]
            else:
                aid = item.get("id", _slug(name_i))
                if not isinstance(aid, str) or not re.match(r"^[a-z0-9_]+$", aid):
                    raise fail([*path, "id"], "needs a snake_case id")
                entry["id"] = aid
            key = entry.get("id", _slug(entry["name"]))
            if key in seen:
                raise fail(path, f"duplicate {key!r}")
            seen.add(key)
            if not _inside(lon, lat, window):
                raise fail(path, "lies outside the bounds")
            out.append(entry)
        return tuple(out)

    return MapSpec(
        name=name,
        window=window,
        projection=str(projection),
        tolerance=tolerance,
        place_kinds={str(k): str(v) for k, v in kinds.items()},
        places=points("places", need_kind=True),
        anchors=points("anchors", need_kind=False),
    )


def load_spec(path: Path) -> MapSpec:
    return parse_spec(path.read_text(encoding="utf-8"), str(path))


# --------------------------------------------------------------------------- build


def build(src: Path, spec: MapSpec) -> dict[str, Any]:
    """Return the map document (not yet serialised).

    Keys beyond those the first map had (``projection`` when not the default,
    ``anchors`` when the spec lists any) are added only when they carry
    something, so a spec that needs neither rebuilds its old file exactly.
    """
    lon_min, lon_max, lat_min, lat_max = spec.window
    if not (lon_min < lon_max and lat_min < lat_max):
        raise ValueError(f"empty window: {spec.window}")
    doc: dict[str, Any] = {
        "source": SOURCE,
        "built_by": BUILT_BY,
        "bounds": {
            "lon_min": lon_min,
            "lon_max": lon_max,
            "lat_min": lat_min,
            "lat_max": lat_max,
        },
        "countries": load_countries(src, spec.window, spec.tolerance),
        "places": load_places(src, spec.window, spec.place_kinds, spec.places),
    }
    if spec.projection != DEFAULT_PROJECTION:
        doc["projection"] = spec.projection
    if spec.anchors:
        doc["anchors"] = sorted(
            (
                {"id": a["id"], "name": a["name"], "lon": _round(a["lon"]), "lat": _round(a["lat"])}
                for a in spec.anchors
            ),
            key=lambda a: a["id"],
        )
    return doc


def dumps(doc: dict[str, Any]) -> bytes:
    """Stable serialisation: sorted keys, fixed separators, UTF-8, final newline."""
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _build_one(spec: MapSpec, src: Path, out: Path) -> int:
    try:
        doc = build(src, spec)
    except ValueError as e:
        print(f"build_map: {e}", file=sys.stderr)
        return 2
    data = dumps(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    n_points = sum(len(r) for c in doc["countries"] for r in c["rings"])
    print(
        f"build_map: wrote {out} ({len(data)} bytes, {len(doc['countries'])} countries, "
        f"{n_points} points, {len(doc['places'])} places, {len(doc.get('anchors', []))} anchors)"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "specs",
        type=Path,
        nargs="*",
        metavar="SPEC",
        help="YAML files with a 'map:' section: map specs or scenarios "
        "(default: every assets/map/*.spec.yaml)",
    )
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
        default=None,
        help="output JSON, for one spec (default: assets/map/<name>.json, name from the spec)",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=None,
        help="folder for the output files, <name>.json each (default: assets/map)",
    )
    parser.add_argument(
        "--window",
        type=float,
        nargs=4,
        metavar=("LON_MIN", "LON_MAX", "LAT_MIN", "LAT_MAX"),
        default=None,
        help="override the spec's bounds (degrees), for one spec",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=None,
        help="override the spec's Douglas-Peucker tolerance (degrees), for one spec",
    )
    args = parser.parse_args(argv)

    # No region is the default: with no spec named, every committed spec is rebuilt.
    paths: list[Path] = args.specs or sorted(MAP_DIR.glob("*.spec.yaml"))
    if not paths:
        print(f"build_map: no *.spec.yaml in {MAP_DIR}; name a spec", file=sys.stderr)
        return 2
    one_only = [
        flag
        for flag, value in (("--out", args.out), ("--window", args.window))
        if value is not None
    ] + (["--tolerance"] if args.tolerance is not None else [])
    if one_only and len(paths) != 1:
        print(
            f"build_map: {', '.join(one_only)} applies to one spec; name exactly one",
            file=sys.stderr,
        )
        return 2
    if args.out is not None and args.out_dir is not None:
        print("build_map: give --out or --out-dir, not both", file=sys.stderr)
        return 2
    src: Path = args.src
    for stem in ("naturalearth_lowres", "naturalearth_cities"):
        if not (src / f"{stem}.shp").is_file():
            print(f"build_map: {src / stem}.shp not found (use --src)", file=sys.stderr)
            return 2
    specs: list[MapSpec] = []
    for path in paths:
        try:
            spec = load_spec(path)
        except OSError as e:
            print(f"build_map: cannot read {path}: {e.strerror}", file=sys.stderr)
            return 2
        except SpecError as e:
            print(f"build_map: {e}", file=sys.stderr)
            return 2
        if args.window is not None:
            spec = replace(spec, window=tuple(args.window))
        if args.tolerance is not None:
            spec = replace(spec, tolerance=args.tolerance)
        specs.append(spec)
    out_dir: Path = args.out_dir if args.out_dir is not None else MAP_DIR
    for spec in specs:
        out: Path = args.out if args.out is not None else out_dir / f"{spec.name}.json"
        rc = _build_one(spec, src, out)
        if rc:
            return rc
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
