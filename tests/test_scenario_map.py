"""The map of a scenario comes from its own ``map:`` section: region, labels, markers.

No region is built into the code: a scenario without a map is drawn on a blank sea
with generic markers from its actors' moves; Venezuela's markers live in its file.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from game.scenario import check_file, load_scenario
from game.scenario.paths import ASSETS, SCENARIOS
from game.ui.mapview import BLANK_BOUNDS, region
from game.ui.markers import MapState, generic, markers_for, spots_of

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]
MINI_TEXT = (DATA / "mini.yaml").read_text(encoding="utf-8")

MAP = """
map:
  name: nowhere
  bounds: {lon_min: 10, lon_max: 20, lat_min: 40, lat_max: 46}
  places:
    - {name: Port Blue, lon: 12.5, lat: 42.0, kind: city}
  anchors:
    - {id: red_base, name: Red naval base, lon: 18.0, lat: 44.0}
  countries: [Blueland]
  labels: [port_blue]
  markers:
    - id: fleet
      label: Blue fleet
      symbol: show_of_force
      colour: blue
      at: port_blue
      toward: red_base
      position: {moves: {actor: blue, categories: [strike]}, decay: 0.5}
      size: {max: [{metric: tension}, 0.3]}
    - id: flash
      label: Clash
      symbol: strike
      colour: danger
      at: [15.0, 43.0]
      show: {stage: true}
"""


def _write(tmp_path: Path, extra: str) -> Path:
    shutil.copy(DATA / "mini-facts.yaml", tmp_path / "mini-facts.yaml")
    path = tmp_path / "case.yaml"
    path.write_text(MINI_TEXT + extra, encoding="utf-8")
    return path


def _state(moves: list[dict[str, tuple[str, str]]], stage: float = 0.0) -> MapState:
    return MapState(metrics={"tension": 0.8}, stage=stage, turn=len(moves), moves=moves, exposed=[])


def test_markers_follow_the_scenario_map(tmp_path: Path) -> None:
    scn = load_scenario(_write(tmp_path, MAP)).scenario
    doc = region(scn)  # no nowhere.json: the scenario's bounds and places, no land
    assert doc["bounds"] == {"lon_min": 10, "lon_max": 20, "lat_min": 40, "lat_max": 46}
    assert doc["countries"] == []
    assert [p["id"] for p in doc["places"]] == ["port_blue"]
    spots = spots_of(scn, doc)
    calm = {m.id: m for m in markers_for(scn, _state([]), doc["bounds"], spots)}
    assert set(calm) == {"fleet"}  # the clash shows only above the calmest stage
    assert (calm["fleet"].lon, calm["fleet"].lat) == (12.5, 42.0)
    assert calm["fleet"].size == pytest.approx(0.8)
    struck = markers_for(scn, _state([{"blue": ("strike", "strike")}], 1.0), doc["bounds"], spots)
    fleet = next(m for m in struck if m.id == "fleet")
    assert (fleet.lon, fleet.lat) == (18.0, 44.0)  # moved all the way to the anchor
    assert {m.id for m in struck} == {"fleet", "flash"}


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("colour: danger", "colour: purple", "unknown colour 'purple'"),
        ("{metric: tension}", "{metric: tensoin}", "unknown metric 'tensoin'"),
        ("toward: red_base", "toward: red_bse", "unknown anchor or place 'red_bse'"),
        ("categories: [strike]", "categories: [strike], options: [nuke]", "unknown option"),
        ("show: {stage: true}", "show: {stage: true, const: 1}", "exactly one of"),
        ("lon: 18.0", "lon: 28.0", "outside the map's bounds"),
    ],
)
def test_map_mistakes_are_reported(tmp_path: Path, old: str, new: str, fragment: str) -> None:
    loaded, problems = check_file(_write(tmp_path, MAP.replace(old, new)))
    assert loaded is None
    assert any(fragment in str(p) for p in problems), [str(p) for p in problems]


def test_a_scenario_without_a_map_gets_a_blank_sea_and_generic_markers() -> None:
    scn = load_scenario(DATA / "mini.yaml").scenario
    assert scn.map is None
    doc = region(scn)
    assert doc["bounds"] == BLANK_BOUNDS and not doc["countries"] and not doc["places"]
    specs = generic(scn, doc["bounds"])
    assert {m.colour for m in specs} >= {a.id for a in scn.actors}
    b = doc["bounds"]
    for m in specs:
        assert isinstance(m.at, tuple)
        assert b["lon_min"] < m.at[0] < b["lon_max"] and b["lat_min"] < m.at[1] < b["lat_max"]


def test_venezuela_markers_live_in_its_scenario() -> None:
    scn = load_scenario(SCENARIOS / "venezuela-2025.yaml").scenario
    assert scn.map is not None and scn.map.name == "caribbean"
    assert {m.id for m in scn.map.markers} >= {"naval_group", "militia", "talks"}
    assert "caracas" in scn.map.labels
    assert not (ASSETS / "theme" / "markers.json").exists()


def test_no_region_is_hard_coded_in_the_game() -> None:
    """Place names belong to scenarios: none of these appears in the game's code."""
    banned = re.compile(r"caribbean|caracas|havana|kingston|port_of_spain|san_juan", re.I)
    hits = [
        f"{path.relative_to(REPO)}:{n}"
        for path in sorted((REPO / "game").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if banned.search(line)
    ]
    assert hits == []


def test_the_map_builder_reads_a_scenario_map_section() -> None:
    """The Venezuela scenario names the same region as the Caribbean map spec, so the
    builder makes the same file from either."""
    import importlib.util
    import sys

    spec_path = REPO / "tools" / "build_map.py"
    mod_spec = importlib.util.spec_from_file_location("build_map", spec_path)
    assert mod_spec is not None and mod_spec.loader is not None
    build_map = importlib.util.module_from_spec(mod_spec)
    sys.modules[mod_spec.name] = build_map  # (dataclasses look their module up there)
    mod_spec.loader.exec_module(build_map)
    from_scenario = build_map.load_spec(SCENARIOS / "venezuela-2025.yaml")
    from_spec = build_map.load_spec(ASSETS / "map" / "caribbean.spec.yaml")
    assert from_scenario == from_spec
    # a scenario's display fields are fine; in a stand-alone spec they are unknown fields
    text = (ASSETS / "map" / "caribbean.spec.yaml").read_text(encoding="utf-8")
    with pytest.raises(build_map.SpecError, match="unknown field"):
        build_map.parse_spec(text.replace("  tolerance:", "  labels: [x]\n  tolerance:"))


PINNED = "    headline: Shots fired at a border post\n"


@pytest.mark.parametrize(
    ("place", "fragment"),
    [
        ("red_bse", "unknown place or anchor of the map 'red_bse'; did you mean 'red_base'?"),
        ("atlantis", "unknown place or anchor of the map 'atlantis'"),
    ],
)
def test_an_event_place_must_be_on_the_map(tmp_path: Path, place: str, fragment: str) -> None:
    text = MINI_TEXT.replace(PINNED, PINNED + f"    place: {place}\n") + MAP
    path = tmp_path / "case.yaml"
    shutil.copy(DATA / "mini-facts.yaml", tmp_path / "mini-facts.yaml")
    path.write_text(text, encoding="utf-8")
    loaded, problems = check_file(path)
    assert loaded is None
    (bad,) = [p for p in problems if fragment in str(p)]
    line = text.splitlines().index(f"    place: {place}") + 1
    assert (bad.line, bad.path) == (line, "events[0].place"), str(bad)
    assert str(bad).startswith(f"{path}:{line}:")


def test_event_and_inject_places_name_map_places_or_anchors(tmp_path: Path) -> None:
    text = MINI_TEXT.replace(PINNED, PINNED + "    place: port_blue\n") + MAP
    path = _write(tmp_path, "")
    path.write_text(text, encoding="utf-8")
    scn = load_scenario(path).scenario
    assert scn.events[0].place == "port_blue"
    # without a map there is nowhere to pin it
    path.write_text(MINI_TEXT.replace(PINNED, PINNED + "    place: port_blue\n"), "utf-8")
    loaded, problems = check_file(path)
    assert loaded is None
    assert any("needs a map" in p.message for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize("name", ["venezuela-2025.yaml", "taiwan-1995.yaml"])
def test_shipped_scenarios_pin_events_to_real_places(name: str) -> None:
    scn = load_scenario(SCENARIOS / name).scenario
    doc = region(scn)
    spots = spots_of(scn, doc)
    pinned = [x for x in [*scn.events, *scn.injects] if x.place is not None]
    assert len(pinned) >= 5
    b = doc["bounds"]
    for x in pinned:
        lon, lat = spots[x.place]
        assert b["lon_min"] <= lon <= b["lon_max"] and b["lat_min"] <= lat <= b["lat_max"]
