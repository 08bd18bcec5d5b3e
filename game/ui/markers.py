"""Map markers whose position and size follow the game: forces, strikes, exposed covert ops.

What to draw comes from data, not code: the scenario's ``map.markers`` lists its
markers, each driven by metrics, the ladder stage, or the moves made recently
(see ``Driver`` in the scenario schema). A scenario without markers gets a generic
set built from its actors' moves, placed around the middle of its map.

Driver values are 0..1:
- ``metric``: the metric as the player sees it, scaled to its range (``invert`` flips it);
- ``stage``: ladder position, 0 at the calmest stage;
- ``moves`` (actor, categories, options) with ``decay``: recent moves of that kind,
  the last turn counting 1, older ones decaying;
- ``exposed`` with ``decay``: that actor's covert ops exposed lately;
- ``const``; and ``max`` of several drivers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from game.i18n import _
from game.scenario.crossref import place_id
from game.scenario.schema import (
    Category,
    Driver,
    DriverMoves,
    Event,
    Inject,
    MapMarker,
    Scenario,
)
from game.words import category_label, in_sentence


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
    follows: tuple[str, ...] = ()  # what moves it, in words, for its tooltip


@dataclass(frozen=True)
class Pin:
    """One of this turn's events (or injects) at its place on the map."""

    key: str  # "event:<id>" or "inject:<id>"
    label: str  # the event's name: the pin's short label
    headline: str  # what happened, for the tooltip
    place: str  # the place's name
    lon: float
    lat: float


@dataclass
class MapState:
    """What the markers read: the player's view of the metrics, the stage, recent history."""

    metrics: dict[str, float]  # normalised 0..1
    stage: float | None  # 0..1; None: hidden from the player
    turn: int
    moves: list[dict[str, tuple[str, str]]]  # per past turn: actor -> (option id, category)
    exposed: list[set[str]]  # per past turn: actors whose covert ops were exposed


def driver(spec: Driver | None, ms: MapState) -> float:
    if spec is None:
        return 1.0
    if spec.max is not None:
        return max((driver(s, ms) for s in spec.max), default=0.0)
    if spec.const is not None:
        return spec.const
    if spec.metric is not None:
        v = ms.metrics.get(spec.metric, 0.0)
        return 1.0 - v if spec.invert else v
    if spec.stage:
        return 0.0 if ms.stage is None else ms.stage
    if spec.moves is not None:
        f = spec.moves
        cats, opts = {str(c) for c in f.categories}, set(f.options)
        total, w = 0.0, 1.0
        for turn in reversed(ms.moves):
            mv = turn.get(f.actor)
            if mv is not None and (mv[0] in opts or mv[1] in cats):
                total += w
            w *= spec.decay
        return min(1.0, total * spec.scale)
    if spec.exposed is not None:
        total, w = 0.0, 1.0
        for seen in reversed(ms.exposed):
            if spec.exposed in seen:
                total += w
            w *= spec.decay
        return min(1.0, total)
    return 0.0


def _reads(spec: Driver | None, out: list[tuple[str, str]]) -> None:
    """What a driver reads, as (kind, key) pairs in order: ("metric", id), ("stage", ""),
    ("moves:<actor>", "category:<c>" or "option:<id>"), ("exposed", actor)."""
    if spec is None:
        return
    for s in spec.max or ():
        _reads(s, out)
    if spec.metric is not None:
        out.append(("metric", spec.metric))
    if spec.stage:
        out.append(("stage", ""))
    if spec.moves is not None:
        out += [(f"moves:{spec.moves.actor}", f"category:{c}") for c in spec.moves.categories]
        out += [(f"moves:{spec.moves.actor}", f"option:{o}") for o in spec.moves.options]
    if spec.exposed is not None:
        out.append(("exposed", spec.exposed))


def follows(m: MapMarker, scenario: Scenario, ms: MapState) -> tuple[str, ...]:
    """What moves, grows or shows marker ``m``, in the player's words, each once: the
    metrics the player sees, the ladder stage if shown, each side's recent moves."""
    reads: list[tuple[str, str]] = []
    for spec in (m.show, m.position, m.size):
        _reads(spec, reads)
    metrics = {mt.id: mt.name for mt in scenario.metrics}
    actors = {a.id: a for a in scenario.actors}
    out: list[str] = []
    moves: dict[str, list[str]] = {}  # actor id -> kinds of move, in order
    for kind, key in reads:
        if kind == "metric" and key in ms.metrics:
            out.append(in_sentence(metrics[key], scenario))
        elif kind == "stage" and ms.stage is not None:
            out.append(_("the ladder stage"))
        elif kind == "exposed":
            name = actors[key].name
            out.append(_("covert operations of {actor} that came to light", actor=name))
        elif kind.startswith("moves:"):
            actor = actors[kind[len("moves:") :]]
            options = {o.id: o.name for o in actor.options}
            words = moves.setdefault(actor.id, [])
            if not words:
                out.append("moves:" + actor.id)  # its place in the list, filled below
            form, _sep, name = key.partition(":")
            word = options[name] if form == "option" else category_label(name)
            if word not in words:
                words.append(word)
    filled = []
    for w in out:
        if w.startswith("moves:") and w[len("moves:") :] in moves:
            aid = w[len("moves:") :]
            w = _(
                "recent moves by {actor} ({kinds})",
                actor=actors[aid].name,
                kinds=", ".join(moves[aid]),
            )
        if w not in filled:
            filled.append(w)
    return tuple(filled)


def reads_stage(spec: Driver | None) -> bool:
    """Whether a driver reads the ladder stage (itself or through ``max``)."""
    if spec is None:
        return False
    return bool(spec.stage) or any(reads_stage(s) for s in spec.max or ())


Spots = dict[str, tuple[float, float]]


def _where(at: tuple[float, float] | str, spots: Spots) -> tuple[float, float]:
    if isinstance(at, str):
        return spots[at]
    return (float(at[0]), float(at[1]))


def markers_for(
    scenario: Scenario, ms: MapState, bounds: dict[str, float], spots: Spots | None = None
) -> list[Marker]:
    """The markers to draw now. ``bounds`` is the drawn region (for the generic set);
    ``spots`` the named anchors and places that markers may give as ``at``."""
    specs = scenario.map.markers if scenario.map is not None else []
    if not specs:
        specs = generic(scenario, bounds)
    spots = spots or {}
    out = []
    for m in specs:
        if ms.stage is None and any(reads_stage(d) for d in (m.show, m.position, m.size)):
            continue  # a marker moved by a stage the player cannot see would give it away
        show = driver(m.show, ms) if m.show is not None else 1.0
        if show < m.min_show:
            continue
        t = driver(m.position, ms) if m.position is not None else 0.0
        lon0, lat0 = _where(m.at, spots)
        lon1, lat1 = _where(m.toward, spots) if m.toward is not None else (lon0, lat0)
        size = driver(m.size, ms) if m.size is not None else 0.5
        out.append(
            Marker(
                id=m.id,
                label=m.label,
                symbol=m.symbol,
                lon=lon0 + (lon1 - lon0) * t,
                lat=lat0 + (lat1 - lat0) * t,
                size=max(0.0, min(1.0, size)),
                colour=m.colour,
                pulse=m.pulse and show > 0.5,
                follows=follows(m, scenario, ms),
            )
        )
    return out


def _homes(n: int, bounds: dict[str, float]) -> list[tuple[float, float]]:
    """``n`` points on an ellipse around the middle of ``bounds``, the first to the west."""
    cx = (bounds["lon_min"] + bounds["lon_max"]) / 2
    cy = (bounds["lat_min"] + bounds["lat_max"]) / 2
    rx = (bounds["lon_max"] - bounds["lon_min"]) * 0.28
    ry = (bounds["lat_max"] - bounds["lat_min"]) * 0.28
    return [
        (cx - rx * math.cos(2 * math.pi * i / n), cy + ry * math.sin(2 * math.pi * i / n))
        for i in range(n)
    ]


def generic(scenario: Scenario, bounds: dict[str, float]) -> list[MapMarker]:
    """Markers from the actors' moves alone: forces, strikes and exposures."""
    actors = scenario.actors
    homes = _homes(max(2, len(actors)), bounds)
    dx = (bounds["lon_max"] - bounds["lon_min"]) / 60
    dy = (bounds["lat_max"] - bounds["lat_min"]) / 30
    markers: list[MapMarker] = []
    for i, a in enumerate(actors):
        home = homes[i]
        other = homes[(i + 1) % len(homes)]
        forces = Driver(
            moves=DriverMoves(
                actor=a.id,
                categories=[Category.mobilization, Category.show_of_force, Category.invasion],
            ),
            decay=0.75,
        )
        markers.append(
            MapMarker(
                id=f"{a.id}_forces",
                label=_("{side} forces", side=a.name),
                symbol="show_of_force" if i == 0 else "mobilization",
                at=home,
                toward=(
                    home[0] + (other[0] - home[0]) * 0.4,
                    home[1] + (other[1] - home[1]) * 0.4,
                ),
                position=forces,
                size=Driver(max=[forces, Driver(const=0.25)]),
                colour=a.id,
            )
        )
        markers.append(
            MapMarker(
                id=f"{a.id}_strike",
                label=_("{side} strike", side=a.name),
                symbol="strike",
                at=(other[0] + 2 * dx, other[1] + dy),
                show=Driver(
                    moves=DriverMoves(actor=a.id, categories=[Category.strike, Category.invasion]),
                    decay=0.3,
                ),
                size=Driver(const=0.7),
                colour="danger",
                pulse=True,
            )
        )
        markers.append(
            MapMarker(
                id=f"{a.id}_exposed",
                label=_("{side} covert op exposed", side=a.name),
                symbol="covert",
                at=(other[0] - 2 * dx, other[1] + 2 * dy),
                show=Driver(exposed=a.id, decay=0.5),
                size=Driver(const=0.55),
                colour="caution",
            )
        )
    return markers


def spots_of(scenario: Scenario, doc: dict[str, Any]) -> Spots:
    """Named positions markers may use: the map file's anchors and places, then the
    scenario's own (which win: the scenario is what the author edits)."""
    out: Spots = {}
    for key in ("places", "anchors"):
        for item in doc.get(key, []):
            out[str(item["id"])] = (float(item["lon"]), float(item["lat"]))
    if scenario.map is not None:
        for pl in scenario.map.places:
            out[place_id(pl.name)] = (pl.lon, pl.lat)
        for an in scenario.map.anchors:
            out[an.id] = (an.lon, an.lat)
    return out


def place_names(scenario: Scenario, doc: dict[str, Any]) -> dict[str, str]:
    """The display name of each named position (the scenario's own win, as in ``spots_of``)."""
    out: dict[str, str] = {}
    for key in ("places", "anchors"):
        for item in doc.get(key, []):
            out[str(item["id"])] = str(item.get("name", item["id"]))
    if scenario.map is not None:
        for pl in scenario.map.places:
            out[place_id(pl.name)] = pl.name
        for an in scenario.map.anchors:
            out[an.id] = an.name
    return out


def pins_for(
    scenario: Scenario, events: list[str], injects: list[str], doc: dict[str, Any]
) -> list[Pin]:
    """Pins for the events and injects with ids ``events`` and ``injects`` that name a
    place (see ``place`` in the scenario schema), each once, in the order given."""
    spots = spots_of(scenario, doc)
    names = place_names(scenario, doc)
    by_event = {e.id: e for e in scenario.events}
    by_inject = {i.id: i for i in scenario.injects}
    out: list[Pin] = []
    seen: set[str] = set()
    wanted: list[tuple[str, Event | Inject | None]]
    wanted = [(f"event:{k}", by_event.get(k)) for k in events]
    wanted += [(f"inject:{k}", by_inject.get(k)) for k in injects]
    for key, item in wanted:
        if item is None or item.place is None or item.place not in spots or key in seen:
            continue
        seen.add(key)
        lon, lat = spots[item.place]
        # an event's name is its short label; an inject has only its headline
        label = getattr(item, "name", item.headline)
        out.append(Pin(key, label, item.headline, names.get(item.place, item.place), lon, lat))
    return out
