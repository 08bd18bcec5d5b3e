"""Map markers whose position and size follow the game: forces, strikes, exposed covert ops.

What to draw comes from data, not code: ``assets/theme/markers.json`` lists the
markers of each scenario (by scenario id), each driven by metrics, the ladder
stage, or the moves made recently. A scenario without an entry gets a generic
set built from its actors' moves.

Driver spec (every value is 0..1):
- ``{"metric": id}``: the metric as the player sees it, scaled to its range
  (``"invert": true`` flips it);
- ``{"stage": true}``: ladder position, 0 at the calmest stage;
- ``{"moves": {"actor": id, "categories": [...], "options": [...]}, "decay": 0.6}``:
  recent moves of that kind, the last turn counting 1, older ones decaying;
- ``{"exposed": actor_id, "decay": 0.5}``: that actor's covert ops exposed lately;
- ``{"const": v}``; and ``{"max": [spec, ...]}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from game.scenario.paths import ASSETS
from game.scenario.schema import Scenario

MARKERS_FILE = ASSETS / "theme" / "markers.json"


@dataclass(frozen=True)
class Marker:
    id: str
    label: str
    symbol: str  # icon name: show_of_force, mobilization, strike, covert, invasion, ...
    lon: float
    lat: float
    size: float  # 0..1
    colour: str  # actor id (its colour) or a palette name
    pulse: bool = False


@dataclass
class MapState:
    """What the markers read: the player's view of the metrics, the stage, recent history."""

    metrics: dict[str, float]  # normalised 0..1
    stage: float  # 0..1
    turn: int
    moves: list[dict[str, tuple[str, str]]]  # per past turn: actor -> (option id, category)
    exposed: list[set[str]]  # per past turn: actors whose covert ops were exposed


@lru_cache(maxsize=2)
def load_specs(path: str = str(MARKERS_FILE)) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def driver(spec: Any, ms: MapState) -> float:
    if spec is None:
        return 1.0
    if isinstance(spec, int | float):
        return float(spec)
    if "max" in spec:
        return max((driver(s, ms) for s in spec["max"]), default=0.0)
    if "const" in spec:
        return float(spec["const"])
    if "metric" in spec:
        v = ms.metrics.get(spec["metric"], 0.0)
        return 1.0 - v if spec.get("invert") else v
    if "stage" in spec:
        return ms.stage
    decay = float(spec.get("decay", 0.6))
    if "moves" in spec:
        f = spec["moves"]
        cats, opts = set(f.get("categories", ())), set(f.get("options", ()))
        total, w = 0.0, 1.0
        for turn in reversed(ms.moves):
            mv = turn.get(f.get("actor", ""))
            if mv is not None and (mv[0] in opts or mv[1] in cats):
                total += w
            w *= decay
        return min(1.0, total * float(spec.get("scale", 1.0)))
    if "exposed" in spec:
        total, w = 0.0, 1.0
        for seen in reversed(ms.exposed):
            if spec["exposed"] in seen:
                total += w
            w *= decay
        return min(1.0, total)
    return 0.0


def spec_for(scenario_id: str) -> dict[str, Any]:
    """The marker entry of a scenario (ids compare with '-' and '_' alike), or {}."""
    want = scenario_id.replace("-", "_")
    for key, entry in load_specs().items():
        if key.replace("-", "_") == want and isinstance(entry, dict):
            return entry
    return {}


def markers_for(scenario: Scenario, ms: MapState) -> list[Marker]:
    entry = spec_for(scenario.meta.id) or generic(scenario)
    out = []
    for m in entry.get("markers", []):
        show = driver(m.get("show"), ms) if "show" in m else 1.0
        if show < float(m.get("min_show", 0.05)):
            continue
        t = driver(m.get("position"), ms) if "position" in m else 0.0
        lon0, lat0 = m["at"]
        lon1, lat1 = m.get("toward", m["at"])
        size = driver(m.get("size"), ms) if "size" in m else 0.5
        out.append(
            Marker(
                id=m["id"],
                label=m.get("label", m["id"]),
                symbol=m.get("symbol", "unknown"),
                lon=lon0 + (lon1 - lon0) * t,
                lat=lat0 + (lat1 - lat0) * t,
                size=max(0.0, min(1.0, size)),
                colour=m.get("colour", ""),
                pulse=bool(m.get("pulse", False)) and show > 0.5,
            )
        )
    return out


# Default homes for a scenario's first actors when it has no marker entry.
_HOMES = [(-68.5, 15.0), (-66.9, 10.5), (-76.8, 18.0), (-82.4, 23.1)]


def generic(scenario: Scenario) -> dict[str, Any]:
    """Markers from the actors' moves alone: forces, strikes and exposures."""
    actors = [a.id for a in scenario.actors]
    markers: list[dict[str, Any]] = []
    for i, aid in enumerate(actors):
        home = _HOMES[i % len(_HOMES)]
        other = _HOMES[(i + 1) % min(len(actors), len(_HOMES))]
        forces = {
            "moves": {"actor": aid, "categories": ["mobilization", "show_of_force", "invasion"]},
            "decay": 0.75,
        }
        markers.append(
            {
                "id": f"{aid}_forces",
                "label": f"{scenario.actors[i].name} forces",
                "symbol": "show_of_force" if i == 0 else "mobilization",
                "at": list(home),
                "toward": [
                    home[0] + (other[0] - home[0]) * 0.4,
                    home[1] + (other[1] - home[1]) * 0.4,
                ],
                "position": forces,
                "size": {"max": [forces, {"const": 0.25}]},
                "colour": aid,
            }
        )
        markers.append(
            {
                "id": f"{aid}_strike",
                "label": f"{scenario.actors[i].name} strike",
                "symbol": "strike",
                "at": [other[0] + 0.6, other[1] + 0.4],
                "show": {
                    "moves": {"actor": aid, "categories": ["strike", "invasion"]},
                    "decay": 0.3,
                },
                "size": {"const": 0.7},
                "colour": "danger",
                "pulse": True,
            }
        )
        markers.append(
            {
                "id": f"{aid}_exposed",
                "label": f"{scenario.actors[i].name} covert op exposed",
                "symbol": "covert",
                "at": [other[0] - 0.8, other[1] + 0.9],
                "show": {"exposed": aid, "decay": 0.5},
                "size": {"const": 0.55},
                "colour": "caution",
            }
        )
    return {"markers": markers}
