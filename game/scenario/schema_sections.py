"""The scenario format's calibration bands, map and history line."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from game.i18n import _
from game.scenario.schema_base import Category, Flag, Id, Int, Num, _Model


class Statistic(StrEnum):
    """What a calibration band measures over a lab run (docs/scenario-format.md)."""

    share = "share"  # share of games ending in one of ``outcomes``
    median_length = "median_length"  # median game length in turns
    armed_share = "armed_share"  # share of games with an armed incident (``armed``)
    stage_share = "stage_share"  # share of games whose ladder reached ``stage`` or above
    event_share = "event_share"  # share of games in which any of ``events`` fired
    # among games in which a branch's option was chosen, the share in which it happened
    branch_share = "branch_share"


class CalibrationBand(_Model):
    """A statistic of many computer-against-computer games and the range it should fall in."""

    id: Id
    name: str = Field(description="The group in plain words, e.g. War or Ended by agreement.")
    statistic: Statistic = Field(default=Statistic.share)
    outcomes: list[Id] = Field(
        default_factory=list, description="The outcome ids of the group (statistic: share)."
    )
    stage: Id | None = Field(default=None, description="Ladder stage (statistic: stage_share).")
    events: list[Id] = Field(
        default_factory=list, description="Event ids (statistic: event_share)."
    )
    branches: list[str] = Field(
        default_factory=list,
        description="Option branches as actor.option.branch (statistic: branch_share).",
    )
    band: tuple[Num, Num] = Field(
        description="[low, high]: shares in [0, 1], lengths in turns; both ends included."
    )
    references: list[str] = Field(
        min_length=1,
        description="Ids of the reference classes the band comes from (the reference sheet).",
    )
    note: str = Field(default="", description="How the band was read from its references.")

    @model_validator(mode="after")
    def _consistent(self) -> CalibrationBand:
        lo, hi = self.band
        if lo > hi:
            raise ValueError(_("band [{lo}, {hi}]: low is above high", lo=f"{lo:g}", hi=f"{hi:g}"))
        if self.statistic != Statistic.median_length and (lo < 0.0 or hi > 1.0):
            raise ValueError(
                _("band [{lo}, {hi}]: a share lies in [0, 1]", lo=f"{lo:g}", hi=f"{hi:g}")
            )
        if lo < 0.0:
            raise ValueError(
                _("band [{lo}, {hi}]: a length is not negative", lo=f"{lo:g}", hi=f"{hi:g}")
            )
        needs = {
            Statistic.share: ("outcomes", bool(self.outcomes)),
            Statistic.stage_share: ("stage", self.stage is not None),
            Statistic.event_share: ("events", bool(self.events)),
            Statistic.branch_share: ("branches", bool(self.branches)),
        }.get(self.statistic)
        if needs is not None and not needs[1]:
            raise ValueError(
                _(
                    "statistic {statistic!r} needs {field!r}",
                    statistic=self.statistic.value,
                    field=needs[0],
                )
            )
        return self


class ArmedIncident(_Model):
    """What counts as an armed incident in the lab's report."""

    events: list[Id] = Field(
        default_factory=list, description="Any of these events firing is an armed incident."
    )
    from_stage: Id | None = Field(
        default=None, description="Reaching this ladder stage (or above) is one too."
    )


class Calibration(_Model):
    """Bands the lab checks a scenario against, each with its reference classes."""

    armed: ArmedIncident | None = Field(
        default=None,
        description="Armed incident (none: the ladder climbing above the initial stage).",
    )
    bands: list[CalibrationBand] = Field(default_factory=list)


# --- The map of the scenario's region, and its history line --------------------------
# (kept apart from the rule sections above: they describe what players see and what
# happened, not how the crisis moves)


class MapBounds(_Model):
    lon_min: Num = Field(ge=-180, le=180, description="West edge, degrees of longitude.")
    lon_max: Num = Field(ge=-180, le=180, description="East edge, degrees of longitude.")
    lat_min: Num = Field(ge=-90, le=90, description="South edge, degrees of latitude.")
    lat_max: Num = Field(ge=-90, le=90, description="North edge, degrees of latitude.")

    @model_validator(mode="after")
    def _order(self) -> MapBounds:
        if not (self.lon_min < self.lon_max and self.lat_min < self.lat_max):
            raise ValueError(
                _("empty bounds: lon_min must be below lon_max, lat_min below lat_max")
            )
        return self


class MapPlace(_Model):
    """A place the map data lacks (used by tools/build_map.py)."""

    name: str = Field(min_length=1)
    lon: Num = Field(ge=-180, le=180)
    lat: Num = Field(ge=-90, le=90)
    kind: Literal["capital", "city", "island", "sea"]
    note: str | None = None


class MapAnchor(_Model):
    """A named marker position (used by tools/build_map.py; markers may name it in ``at``)."""

    id: Id
    name: str = Field(min_length=1)
    lon: Num = Field(ge=-180, le=180)
    lat: Num = Field(ge=-90, le=90)
    note: str | None = None


class DriverMoves(_Model):
    actor: Id = Field(description="Whose moves count.")
    categories: list[Category] = Field(default_factory=list, description="Option categories.")
    options: list[Id] = Field(default_factory=list, description="Option ids.")


class Driver(_Model):
    """What a marker follows, as a number from 0 to 1: exactly one of ``metric``, ``stage``,
    ``moves``, ``exposed``, ``const`` or ``max``. A bare number is read as ``{const: n}``."""

    metric: Id | None = Field(default=None, description="A metric, scaled to its range.")
    invert: Flag = Field(default=False, description="Use 1 minus the metric.")
    stage: Flag | None = Field(default=None, description="true: the ladder position (0 calmest).")
    moves: DriverMoves | None = Field(
        default=None, description="Recent moves of this kind: last turn 1, older ones decaying."
    )
    exposed: Id | None = Field(default=None, description="That actor's covert ops exposed lately.")
    const: Num | None = Field(default=None, ge=0.0, le=1.0, description="A fixed value.")
    max: list[Driver] | None = Field(default=None, description="The largest of these drivers.")
    decay: Num = Field(default=0.6, ge=0.0, le=1.0, description="Weight kept per older turn.")
    scale: Num = Field(default=1.0, ge=0.0, description="Multiplies a moves count (capped at 1).")

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"const": float(data)}
        return data

    @model_validator(mode="after")
    def _one_kind(self) -> Driver:
        kinds = [
            k
            for k in ("metric", "stage", "moves", "exposed", "const", "max")
            if getattr(self, k) is not None
        ]
        if len(kinds) != 1:
            raise ValueError(
                _(
                    "a driver needs exactly one of metric, stage, moves, exposed, const or max "
                    "(found {fields})",
                    fields=", ".join(kinds),
                )
                if kinds
                else _("a driver needs exactly one of metric, stage, moves, exposed, const or max")
            )
        return self


LonLat = tuple[Num, Num]


class MapMarker(_Model):
    """A symbol on the map whose place, size and visibility follow the game."""

    id: Id
    label: str = Field(min_length=1, description="Shown under the symbol.")
    symbol: str = Field(
        min_length=1,
        description="Icon: an option category (show_of_force, strike, ...) or aircraft, "
        "infantry, covert, unknown.",
    )
    colour: str = Field(
        description="An actor id (its colour) or a palette name: calm, caution, danger, accent."
    )
    at: LonLat | Id = Field(description="[lon, lat], or the id of an anchor or place of the map.")
    toward: LonLat | Id | None = Field(
        default=None, description="Where the marker moves as ``position`` goes from 0 to 1."
    )
    position: Driver | None = Field(default=None, description="0: at ``at``; 1: at ``toward``.")
    size: Driver | None = Field(default=None, description="Symbol size (default 0.5).")
    show: Driver | None = Field(default=None, description="Hidden while below ``min_show``.")
    min_show: Num = Field(default=0.05, ge=0.0, le=1.0)
    pulse: Flag = Field(default=False, description="Pulses while ``show`` is above 0.5.")

    @field_validator("at", "toward", mode="before")
    @classmethod
    def _pair(cls, v: Any) -> Any:
        if isinstance(v, list) and len(v) == 2:
            return tuple(v)
        return v


class ScenarioMap(_Model):
    """The region drawn behind the game, its labels and its markers."""

    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Map file assets/map/<name>.json (built by tools/build_map.py).",
    )
    bounds: MapBounds | None = Field(
        default=None,
        description="Region to build and draw (default: the map file's own bounds).",
    )
    projection: Literal["equirectangular"] = "equirectangular"
    tolerance: Num | None = Field(
        default=None, gt=0.0, lt=1.0, description="Outline simplification when built (degrees)."
    )
    place_kinds: dict[str, Literal["capital", "city", "island", "sea"]] = Field(
        default_factory=dict, description="Natural Earth places that are not capitals, by name."
    )
    places: list[MapPlace] = Field(
        default_factory=list, description="Places the map data lacks (for the builder)."
    )
    anchors: list[MapAnchor] = Field(
        default_factory=list, description="Named marker positions (for the builder)."
    )
    countries: list[str] = Field(
        default_factory=list,
        description="Countries drawn brighter, by map name (default: the actors' names).",
    )
    labels: list[str] = Field(
        default_factory=list, description="Ids of the map's places whose names are shown."
    )
    markers: list[MapMarker] = Field(
        default_factory=list,
        description="Markers (none: a generic set from the actors' moves).",
    )


class HistoryTurn(_Model):
    """What each side actually did in one turn, with the facts that say so."""

    turn: Int = Field(ge=1, description="Turn number (1 is the first).")
    moves: dict[Id, Id] = Field(description="Actor id -> the option that matches what it did.")
    facts: list[str] = Field(default_factory=list, description="Fact ids that record the moves.")
    note: str | None = Field(default=None, description="How the record was read as moves.")


class History(_Model):
    """The historical line: turns not listed are turns where every side held course."""

    summary: str | None = Field(default=None, description="The line in a sentence or two.")
    turns: list[HistoryTurn] = Field(min_length=1)
