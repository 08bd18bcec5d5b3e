"""Checks on the committed assets: the Caribbean map JSON and the bundled fonts."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
MAP_PATH = REPO_ROOT / "assets" / "map" / "caribbean.json"
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
    out = tmp_path / "caribbean.json"
    assert build_map.main(["--src", str(SHARED_DATA), "--out", str(out)]) == 0
    assert out.read_bytes() == MAP_PATH.read_bytes()


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
