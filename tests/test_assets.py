"""Checks on the committed assets: the map JSON files, their specs, and the bundled fonts."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
MAP_DIR = REPO_ROOT / "assets" / "map"
MAP_PATH = MAP_DIR / "caribbean.json"
TAIWAN_MAP_PATH = MAP_DIR / "taiwan-strait.json"
FONTS_DIR = REPO_ROOT / "assets" / "fonts"
BUILD_SCRIPT = REPO_ROOT / "tools" / "build_map.py"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data" / "naturalearth"

EXPECTED_BOUNDS = {"lon_min": -90.0, "lon_max": -55.0, "lat_min": 5.0, "lat_max": 30.0}
SPANISH = "áéíóúñ¿¡ÁÉÍÓÚÑ"
# Licence file for each font family, found by the font file's name prefix.
FONT_LICENCES = {"NotoSans": "OFL-NotoSans.txt", "FiraCode": "OFL-FiraCode.txt"}


@pytest.fixture(scope="module")
def map_doc() -> dict[str, Any]:
    with MAP_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def _inside(point: list[float], bounds: dict[str, float]) -> bool:
    lon, lat = point
    return (
        bounds["lon_min"] <= lon <= bounds["lon_max"]
        and bounds["lat_min"] <= lat <= bounds["lat_max"]
    )


def _load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_map", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is being built
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- map


def test_map_loads_with_expected_shape(map_doc: dict[str, Any]) -> None:
    assert map_doc["bounds"] == EXPECTED_BOUNDS
    assert "Natural Earth" in map_doc["source"]
    assert map_doc["built_by"] == "tools/build_map.py"
    assert map_doc["countries"], "no countries"
    isos = [c["iso_a3"] for c in map_doc["countries"]]
    assert isos == sorted(isos)
    for iso in ("VEN", "COL", "GUY", "CUB", "HTI", "DOM", "TTO", "PAN", "BRA", "MEX", "USA"):
        assert iso in isos, iso


def test_map_file_is_modest() -> None:
    assert MAP_PATH.stat().st_size < 300_000


def test_venezuela_has_detailed_ring(map_doc: dict[str, Any]) -> None:
    bounds = map_doc["bounds"]
    ven = next(c for c in map_doc["countries"] if c["iso_a3"] == "VEN")
    assert ven["name"] == "Venezuela"
    assert any(len(r) >= 10 and all(_inside(p, bounds) for p in r) for r in ven["rings"])


def test_every_ring_point_inside_bounds(map_doc: dict[str, Any]) -> None:
    bounds = map_doc["bounds"]
    for country in map_doc["countries"]:
        assert country["rings"], country["iso_a3"]
        for ring in country["rings"]:
            assert len(ring) >= 4, country["iso_a3"]
            assert ring[0] == ring[-1], country["iso_a3"]
            for point in ring:
                assert len(point) == 2
                assert _inside(point, bounds), (country["iso_a3"], point)


def test_places(map_doc: dict[str, Any]) -> None:
    places = {p["id"]: p for p in map_doc["places"]}
    assert len(places) == len(map_doc["places"]), "duplicate place ids"
    for place in map_doc["places"]:
        assert place["kind"] in {"capital", "city", "sea"}
        assert _inside([place["lon"], place["lat"]], map_doc["bounds"]), place
    caracas = places["caracas"]
    assert caracas["kind"] == "capital"
    assert abs(caracas["lon"] - (-66.9)) <= 0.5
    assert abs(caracas["lat"] - 10.5) <= 0.5
    for pid in ("willemstad", "oranjestad", "port_of_spain", "san_juan", "bridgetown"):
        assert pid in places, pid
    assert any(p["kind"] == "sea" for p in map_doc["places"])


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    pytest.importorskip("shapefile", reason="pyshp not installed")
    if not (SHARED_DATA / "naturalearth_lowres.shp").is_file():
        pytest.skip(f"Natural Earth data not found at {SHARED_DATA}")
    build_map = _load_build_script()
    # With no spec named, every committed spec is rebuilt: no region is the default.
    assert build_map.main(["--src", str(SHARED_DATA), "--out-dir", str(tmp_path)]) == 0
    built = sorted(p.name for p in tmp_path.glob("*.json"))
    assert built == sorted(f"{p.name.removesuffix('.spec.yaml')}.json" for p in _specs())
    assert len(built) >= 2
    for name in built:
        assert (tmp_path / name).read_bytes() == (MAP_DIR / name).read_bytes(), name
    # --out names one file, so it needs exactly one spec.
    assert build_map.main(["--src", str(SHARED_DATA), "--out", str(tmp_path / "x.json")]) == 2
    assert not (tmp_path / "x.json").exists()


# --------------------------------------------------------------------------- map specs


@pytest.fixture(scope="module")
def build_map() -> ModuleType:
    return _load_build_script()


def _need_data() -> None:
    # pyshp is in the test extra and the data sits next to the repo (../shared/data) in
    # CI and on the dev machines: a missing piece is a broken setup, not a reason to skip.
    import shapefile  # noqa: F401

    assert (SHARED_DATA / "naturalearth_lowres.shp").is_file(), f"no Natural Earth at {SHARED_DATA}"


def _specs() -> list[Path]:
    return sorted(MAP_DIR.glob("*.spec.yaml"))


@pytest.mark.parametrize("spec_path", _specs(), ids=lambda p: p.name)
def test_each_spec_has_its_committed_map(spec_path: Path, build_map: ModuleType) -> None:
    spec = build_map.load_spec(spec_path)
    assert spec_path.name == f"{spec.name}.spec.yaml"
    doc = json.loads((MAP_DIR / f"{spec.name}.json").read_text(encoding="utf-8"))
    lon_min, lon_max, lat_min, lat_max = spec.window
    assert doc["bounds"] == {
        "lon_min": lon_min,
        "lon_max": lon_max,
        "lat_min": lat_min,
        "lat_max": lat_max,
    }
    ids = [p["id"] for p in doc["places"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    for place in doc["places"]:
        assert place["kind"] in build_map.PLACE_KINDS, place
        assert _inside([place["lon"], place["lat"]], doc["bounds"]), place
    for anchor in doc.get("anchors", []):
        assert _inside([anchor["lon"], anchor["lat"]], doc["bounds"]), anchor


@pytest.mark.parametrize("spec_path", _specs(), ids=lambda p: p.name)
def test_each_map_rebuilds_byte_identical(
    spec_path: Path, build_map: ModuleType, tmp_path: Path
) -> None:
    _need_data()
    out = tmp_path / "out.json"
    assert build_map.main([str(spec_path), "--src", str(SHARED_DATA), "--out", str(out)]) == 0
    name = build_map.load_spec(spec_path).name
    assert out.read_bytes() == (MAP_DIR / f"{name}.json").read_bytes()


def test_taiwan_strait_map_contents() -> None:
    doc = json.loads(TAIWAN_MAP_PATH.read_text(encoding="utf-8"))
    assert {c["iso_a3"] for c in doc["countries"]} >= {"CHN", "TWN"}
    places = {p["id"]: p for p in doc["places"]}
    assert places["taipei"]["kind"] == "capital"  # from Natural Earth, not the spec
    for pid in ("keelung", "kaohsiung", "fuzhou", "xiamen", "naha_okinawa"):
        assert places[pid]["kind"] == "city", pid
    for pid in ("kinmen", "matsu", "penghu", "pingtan_haitan", "yonaguni"):
        assert places[pid]["kind"] == "island", pid
    anchors = {a["id"] for a in doc["anchors"]}
    assert {"closure_area_north", "closure_area_south", "carrier_station_east"} <= anchors
    # No Caribbean leftovers in another region's file.
    assert not {"caracas", "willemstad", "caribbean_sea_patrol_area"} & places.keys()


SMALL_SPEC = """\
# a small region around Taiwan, for the determinism test
map:
  name: small-test
  bounds: {lon_min: 119.5, lon_max: 122.5, lat_min: 21.5, lat_max: 25.5}
  tolerance: 0.01
  places:
    - {name: Keelung, lon: 121.74, lat: 25.13, kind: city}
    - {name: Penghu, lon: 119.57, lat: 23.57, kind: island}
  anchors:
    - {id: zz_last, name: Last, lon: 122.0, lat: 22.0}
    - {id: aa_first, name: First, lon: 120.0, lat: 24.0}
"""


def test_small_region_build_is_deterministic(build_map: ModuleType) -> None:
    _need_data()
    spec = build_map.parse_spec(SMALL_SPEC, "small.yaml")
    first = build_map.dumps(build_map.build(SHARED_DATA, spec))
    second = build_map.dumps(build_map.build(SHARED_DATA, build_map.parse_spec(SMALL_SPEC)))
    assert first == second
    doc = json.loads(first)
    assert [c["iso_a3"] for c in doc["countries"]] == ["TWN"]  # the window holds Taiwan only
    for ring in doc["countries"][0]["rings"]:
        assert ring[0] == ring[-1] and len(ring) >= 4
        assert all(_inside(pt, doc["bounds"]) for pt in ring)
    assert [p["id"] for p in doc["places"]] == ["keelung", "penghu", "taipei"]
    assert [a["id"] for a in doc["anchors"]] == ["aa_first", "zz_last"]
    assert "projection" not in doc  # the default is left implicit, as in the first map


@pytest.mark.parametrize(
    ("edit", "wanted"),
    [
        (
            ("tolerance: 0.01", "tolerence: 0.01"),
            "small.yaml:5: map.tolerence: unknown field (did you mean 'tolerance'?)",
        ),
        (("lon_max: 122.5", "lon_max: 119"), "small.yaml:4: map.bounds: is empty"),
        (("kind: island", "kind: volcano"), "small.yaml:8: map.places.1.kind: must be one of"),
        (("lat: 25.13", "lat: 35.13"), "small.yaml:7: map.places.0: lies outside the bounds"),
        (("name: small-test", "name: Small Test"), "small.yaml:3: map.name: needs a file name"),
        (("map:", "region:"), "small.yaml:2: needs a 'map:' section"),
        (("lon_min: 119.5,", "lon_min: 119.5,,"), "small.yaml:4: not valid YAML: expected"),
        (("id: zz_last", "id: aa_first"), "small.yaml:11: map.anchors.1: duplicate 'aa_first'"),
    ],
)
def test_bad_spec_message_names_file_line_and_field(
    build_map: ModuleType, edit: tuple[str, str], wanted: str
) -> None:
    text = SMALL_SPEC.replace(*edit)
    assert text != SMALL_SPEC
    with pytest.raises(build_map.SpecError) as err:
        build_map.parse_spec(text, "small.yaml")
    assert str(err.value).startswith(wanted), str(err.value)


def test_projection_other_than_the_ui_one_is_refused(build_map: ModuleType) -> None:
    text = SMALL_SPEC.replace("tolerance: 0.01", "tolerance: 0.01\n  projection: mercator")
    with pytest.raises(
        build_map.SpecError, match=re.escape("map.projection: must be one of: equirectangular")
    ):
        build_map.parse_spec(text, "small.yaml")


# --------------------------------------------------------------------------- fonts


def _font_files() -> list[Path]:
    return sorted(p for p in FONTS_DIR.iterdir() if p.suffix.lower() in {".ttf", ".otf"})


def test_fonts_present() -> None:
    names = {p.name for p in _font_files()}
    for name in (
        "NotoSans-Regular.ttf",
        "NotoSans-Bold.ttf",
        "NotoSans-Italic.ttf",
        "NotoSans-BoldItalic.ttf",
        "FiraCode-Regular.ttf",
    ):
        assert name in names, name


@pytest.mark.parametrize("font", _font_files(), ids=lambda p: p.name)
def test_each_font_has_licence_next_to_it(font: Path) -> None:
    family = font.stem.split("-")[0]
    assert family in FONT_LICENCES, f"no licence mapping for {font.name}"
    licence = font.with_name(FONT_LICENCES[family])
    assert licence.is_file(), licence
    assert "SIL Open Font License" in licence.read_text(encoding="utf-8")


def test_noto_sans_covers_spanish_cmap() -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    cmap = ttlib.TTFont(FONTS_DIR / "NotoSans-Regular.ttf").getBestCmap()
    missing = [c for c in SPANISH if ord(c) not in cmap]
    assert not missing, missing


def test_noto_sans_covers_spanish_pygame() -> None:
    # pygame.font.Font.metrics() in pygame-ce 2.5.8 reports metrics for missing
    # glyphs too (the .notdef box), so use pygame.freetype, whose get_metrics()
    # gives None for a glyph the font lacks.
    freetype = pytest.importorskip("pygame.freetype")
    freetype.init()
    try:
        font = freetype.Font(str(FONTS_DIR / "NotoSans-Regular.ttf"), 16)
        assert font.get_metrics("中")[0] is None, "probe: CJK should be missing from Noto Sans"
        metrics = font.get_metrics(SPANISH)
        missing = [c for c, m in zip(SPANISH, metrics, strict=True) if m is None]
        assert not missing, missing
    finally:
        freetype.quit()
