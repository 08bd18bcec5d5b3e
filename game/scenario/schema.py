"""The scenario format: one pydantic model per YAML concept.

Field-level rules (types, ranges, closed sets) live here; rules that need the
whole scenario (unknown ids, reachability) live in ``crossref.py`` so that every
problem can be reported at once with its own path.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Strict,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=48,
        description="Stable identifier: lower case letters, digits and underscores.",
    ),
]
# Every number in a scenario is a share, a score, a count or a value in a metric's
# units: none needs to be anywhere near this. Keeping them all small enough stops a
# typo such as 1e308 from overflowing the model (which computes partly in float32).
MAX_MAGNITUDE = 1e9
# A metric's range ends stay within this, so that sums of effects stay finite.
MAX_RANGE_END = 1e6
# Effects, spreads and thresholds may exceed a metric's range, but not by more than
# this factor: beyond it, one event would cross the whole range many times over.
RANGE_MULTIPLE = 10.0
# A logit beyond about 40 is certainty in double precision.
MAX_LOGIT = 50.0


def _sane(v: float) -> float:
    if not -MAX_MAGNITUDE <= v <= MAX_MAGNITUDE:
        # (an int of hundreds of digits cannot even be formatted as a float)
        shown = (
            f"{v:.3g}"
            if isinstance(v, float)
            else f"a {int(v.bit_length() * 0.30103) + 1}-digit number"
        )
        raise ValueError(
            f"{shown} is far too large for a scenario number (the limit is ±{MAX_MAGNITUDE:g})"
        )
    return v


# YAML already gives numbers and booleans their types: a quoted "0.5" is a mistake.
Num = Annotated[float, Strict(), AfterValidator(_sane)]
Int = Annotated[int, Strict(), AfterValidator(_sane)]
Flag = Annotated[bool, Strict()]
# (bounded types built on plain float, so that the exported schema shows their bounds)
Probability = Annotated[
    float, Strict(), Field(ge=0.0, le=1.0, description="A probability in [0, 1].")
]


class _Model(BaseModel):
    # Unknown keys are mistakes (usually typos), never silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Basis(_Model):
    """Where a number comes from: fact ids, reference classes, and/or a named assumption."""

    facts: list[str] = Field(
        default_factory=list, description="Ids from the scenario's fact sheet, e.g. VE-03."
    )
    references: list[str] = Field(
        default_factory=list,
        description="Ids of reference classes (seeds/reference-classes.yaml), e.g. RC-SUGGEST-07.",
    )
    assumption: str | None = Field(
        default=None, description="The assumption in words, where facts are silent."
    )
    tuning: str | None = Field(
        default=None,
        description=(
            "A designer's balance note (how and why a number was tuned): kept for maintainers "
            "and the teacher's notes, never shown to players as part of the basis."
        ),
    )

    @model_validator(mode="after")
    def _not_empty(self) -> Basis:
        if not self.facts and not self.references and not self.assumption:
            raise ValueError("a basis needs at least one fact, reference or assumption")
        return self


class _Sourced(_Model):
    basis: Basis | None = Field(
        default=None, description="Provenance of this item's numbers (warned about when missing)."
    )


class Comparison(StrEnum):
    lt = "<"
    le = "<="
    gt = ">"
    ge = ">="


class Condition(_Model):
    """A structured test on one metric: never a string that is evaluated."""

    metric: Id = Field(description="Metric id.")
    op: Comparison = Field(description="Comparison: <, <=, > or >=.")
    value: Num = Field(description="Threshold in the metric's own units.")


# --------------------------------------------------------------------------------------
# Conditions (format v2): one language wherever a condition is allowed. A list of
# conditions holds when every item holds; an item is a metric comparison (above) or
# one of the forms below, told apart by its one key.


class Bounds(_Model):
    """A closed range of whole numbers; either end may be left open."""

    at_least: Int | None = Field(default=None, ge=0, le=200, description="Lowest value that holds.")
    at_most: Int | None = Field(default=None, ge=0, le=200, description="Highest value that holds.")

    @model_validator(mode="after")
    def _one_end(self) -> Bounds:
        if self.at_least is None and self.at_most is None:
            raise ValueError("give at_least, at_most or both")
        lo, hi = self.at_least, self.at_most
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"at_least ({lo}) is above at_most ({hi})")
        return self


class TurnCondition(_Model):
    """The number of the turn being played (1 is the first turn)."""

    turn: Bounds


class StageTest(_Model):
    one_of: list[Id] = Field(default_factory=list, description="Holds at any of these stages.")
    at_least: Id | None = Field(default=None, description="Holds at this stage or above.")
    at_most: Id | None = Field(default=None, description="Holds at this stage or below.")

    @model_validator(mode="before")
    @classmethod
    def _bare_id(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"one_of": [data]}
        return data

    @model_validator(mode="after")
    def _something(self) -> StageTest:
        if not self.one_of and self.at_least is None and self.at_most is None:
            raise ValueError("give one_of, at_least or at_most")
        return self


class StageCondition(_Model):
    """The ladder stage (absolute, by id); a bare id means exactly that stage."""

    stage: StageTest


class MoveWhen(StrEnum):
    this_turn = "this_turn"
    last_turn = "last_turn"
    ever = "ever"


class MoveTest(_Model):
    actor: Id = Field(description="Whose moves.")
    options: list[Id] = Field(min_length=1, description="Any of these options counts.")
    when: MoveWhen = Field(
        default=MoveWhen.ever,
        description="this_turn, last_turn (the turn before the one being played) or ever "
        "(this turn's move included once it is made).",
    )
    at_least: Int = Field(
        default=1, ge=0, le=200, description="Times chosen, at least (ever only)."
    )
    at_most: Int | None = Field(
        default=None, ge=0, le=200, description="Times chosen, at most (ever only)."
    )

    @model_validator(mode="after")
    def _counts(self) -> MoveTest:
        counted = self.at_least != 1 or self.at_most is not None
        if counted and self.when is not MoveWhen.ever:
            raise ValueError("at_least and at_most count moves: use them with when: ever")
        if self.at_most is not None and self.at_most < self.at_least:
            raise ValueError(f"at_most ({self.at_most}) is below at_least ({self.at_least})")
        return self


class MoveCondition(_Model):
    """Moves: by whom, when, and how many times."""

    move: MoveTest


class HeldTest(_Model):
    turns: Int = Field(ge=1, le=200, description="Consecutive turns (this one included).")
    condition: CondItem = Field(description="The condition that must have held.")


class HeldCondition(_Model):
    """A condition that has held at the end of each of the last K turns."""

    held: HeldTest


class AllCondition(_Model):
    all: list[CondItem] = Field(min_length=1, description="Holds when every item holds.")


class AnyCondition(_Model):
    any: list[CondItem] = Field(min_length=1, description="Holds when at least one item holds.")


class NotCondition(_Model):
    model_config = ConfigDict(populate_by_name=True)
    not_: CondItem = Field(alias="not", description="Holds when the item does not.")


COND_KEYS = ("metric", "all", "any", "not", "turn", "stage", "move", "held")


def _cond_tag(v: Any) -> str | None:
    """The form of a condition: the first of its keys that names one."""
    if isinstance(v, dict):
        for k in COND_KEYS:
            if k in v:
                return k
        return None
    tags: dict[type, str] = {
        Condition: "metric",
        AllCondition: "all",
        AnyCondition: "any",
        NotCondition: "not",
        TurnCondition: "turn",
        StageCondition: "stage",
        MoveCondition: "move",
        HeldCondition: "held",
    }
    return tags.get(type(v))


CondItem = Annotated[
    Annotated[Condition, Tag("metric")]
    | Annotated[AllCondition, Tag("all")]
    | Annotated[AnyCondition, Tag("any")]
    | Annotated[NotCondition, Tag("not")]
    | Annotated[TurnCondition, Tag("turn")]
    | Annotated[StageCondition, Tag("stage")]
    | Annotated[MoveCondition, Tag("move")]
    | Annotated[HeldCondition, Tag("held")],
    Discriminator(
        _cond_tag,
        custom_error_type="condition_form",
        custom_error_message="a condition needs one of the keys: " + ", ".join(COND_KEYS),
    ),
]
Conditions = list[CondItem]


class Chance(_Model):
    """A per-turn probability that may depend on the state through a logistic link.

    p(x) = sigmoid(logit(p) + sum_m slope[m] * (x[m] - initial[m]) + stage_shift[stage])

    ``p`` is therefore the probability at the scenario's starting values, which is
    the number an author can defend from a reference class. A bare number in YAML
    is read as ``{p: number}``.
    """

    p: Probability = Field(description="Probability per turn at the starting state.")
    slope: dict[Id, Num] = Field(
        default_factory=dict,
        description="Logit change per unit of each metric away from its initial value.",
    )
    stage_shift: dict[Id, Annotated[float, Strict(), Field(ge=-MAX_LOGIT, le=MAX_LOGIT)]] = Field(
        default_factory=dict, description="Logit shift while the ladder is at the given stage."
    )

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"p": data}  # (a huge int is refused by the field, not here)
        return data

    def can_happen(self) -> bool:
        """False only when the chance is zero whatever the state."""
        return self.p > 0.0

    def can_fail(self) -> bool:
        return self.p < 1.0


class Effect(_Model):
    """A change to one metric: mean plus a normal spread."""

    mean: Num = Field(description="Average change per turn in the metric's units.")
    sd: Num = Field(default=0.0, ge=0.0, description="Standard deviation of the change.")

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"mean": data}  # (a huge int is refused by the field, not here)
        return data


Effects = dict[Id, Effect]


class Visibility(StrEnum):
    public = "public"
    private = "private"
    hidden = "hidden"
    actors = "actors"


class InitialValue(_Model):
    mean: Num = Field(description="Best estimate of the value when the game starts.")
    sd: Num = Field(
        default=0.0, ge=0.0, description="Uncertainty: each game draws its start from N(mean, sd)."
    )

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"mean": data}  # (a huge int is refused by the field, not here)
        return data


class Metric(_Sourced):
    id: Id
    name: str = Field(min_length=1, description="Name shown to players.")
    short: str | None = Field(default=None, max_length=14, description="Short label for charts.")
    description: str = Field(min_length=1, description="What the metric measures.")
    range: tuple[Num, Num] = Field(description="[low, high] bounds; values are clipped.")
    initial: InitialValue
    visibility: Visibility = Field(
        default=Visibility.public,
        description="public: everyone sees the true value; private: only the owner does "
        "(the others see an estimate); hidden: no player sees it (engine-only state such as "
        "a flag or a timer); actors: only the actors in visible_to see it.",
    )
    visible_to: list[Id] = Field(
        default_factory=list, description="With visibility: actors, the actors who see it."
    )
    public_when: CondItem | None = Field(
        default=None,
        description="Once this condition holds (checked at the end of each turn), the "
        "metric is public for the rest of the game.",
    )
    trend: Num = Field(default=0.0, description="A constant change per turn, added with the drift.")
    owner: Id | None = Field(
        default=None, description="Actor who sees a private metric exactly (required if private)."
    )
    equilibrium: Num = Field(description="Value the metric drifts back towards.")
    reversion: Num = Field(
        default=0.0, ge=0.0, le=1.0, description="Share of the gap to equilibrium closed per turn."
    )
    noise_sd: Num = Field(default=0.0, ge=0.0, description="Random drift per turn (sd).")
    higher_is: Literal["escalatory", "calming", "neutral"] = Field(
        default="neutral", description="How players should read a rise (used for colours only)."
    )

    @field_validator("range", mode="before")
    @classmethod
    def _range_list(cls, v: Any) -> Any:
        # YAML has no tuples: accept a two-item list.
        if isinstance(v, list) and len(v) == 2:
            return tuple(v)
        return v

    # Checked field by field (fields validate in order, so ``range`` is known by
    # then) so that each problem points at its own line.
    @field_validator("range")
    @classmethod
    def _range_order(cls, v: tuple[float, float]) -> tuple[float, float]:
        lo, hi = v
        if lo >= hi:
            raise ValueError(f"range low ({lo:g}) must be below high ({hi:g})")
        if max(abs(lo), abs(hi)) > MAX_RANGE_END:
            raise ValueError(f"range ends must lie within ±{MAX_RANGE_END:g}")
        return v

    @field_validator("initial")
    @classmethod
    def _initial_in_range(cls, v: InitialValue, info: ValidationInfo) -> InitialValue:
        rng = info.data.get("range")
        if rng is not None and not rng[0] <= v.mean <= rng[1]:
            raise ValueError(
                f"initial value {v.mean:g} is outside the range [{rng[0]:g}, {rng[1]:g}]"
            )
        if rng is not None and v.sd > RANGE_MULTIPLE * (rng[1] - rng[0]):
            raise ValueError(
                f"initial sd {v.sd:g} is more than {RANGE_MULTIPLE:g} times the range's width"
            )
        return v

    @field_validator("equilibrium")
    @classmethod
    def _equilibrium_in_range(cls, v: float, info: ValidationInfo) -> float:
        rng = info.data.get("range")
        if rng is not None and not rng[0] <= v <= rng[1]:
            raise ValueError(f"equilibrium {v:g} is outside the range [{rng[0]:g}, {rng[1]:g}]")
        return v

    @field_validator("noise_sd")
    @classmethod
    def _noise_in_scale(cls, v: float, info: ValidationInfo) -> float:
        rng = info.data.get("range")
        if rng is not None and v > RANGE_MULTIPLE * (rng[1] - rng[0]):
            raise ValueError(
                f"noise_sd {v:g} is more than {RANGE_MULTIPLE:g} times the range's width"
            )
        return v

    @model_validator(mode="after")
    def _check(self) -> Metric:
        if self.visibility is Visibility.private and self.owner is None:
            raise ValueError("a private metric needs an owner")
        if self.visibility is Visibility.actors and not self.visible_to:
            raise ValueError("visibility: actors needs a visible_to list")
        if self.visible_to and self.visibility is not Visibility.actors:
            raise ValueError("visible_to goes with visibility: actors")
        return self


class Category(StrEnum):
    talks = "talks"
    covert = "covert"
    mobilization = "mobilization"
    show_of_force = "show_of_force"
    sanctions = "sanctions"
    legal = "legal"
    strike = "strike"
    invasion = "invasion"
    de_escalation = "de_escalation"
    information = "information"
    alliance = "alliance"
    status_quo = "status_quo"
    concession = "concession"


class Availability(_Model):
    stages: list[Id] = Field(
        default_factory=list, description="Stages where the option may be chosen (empty: all)."
    )
    conditions: Conditions = Field(
        default_factory=list, description="Conditions that must all hold."
    )


class Branch(_Model):
    """A possible result of an option, drawn independently of the other branches."""

    id: Id
    label: str = Field(description="What happened, for the explanation panel.")
    chance: Chance = Field(description="Probability that this branch happens.")
    effects: Effects = Field(default_factory=dict, description="Extra effects when it happens.")
    exposes: Flag = Field(
        default=False, description="A covert option becomes public news when this branch happens."
    )
    headline: str | None = Field(default=None, description="Wire headline when it happens.")
    condition: CondItem | None = Field(
        default=None,
        description="The branch can happen only when this holds (at the start of the turn, "
        "this turn's moves counting as made).",
    )
    stage_to: Id | None = Field(
        default=None, description="Set the ladder to this stage when the branch happens."
    )


class UseWindow(_Model):
    uses: Int = Field(ge=1, le=200, description="Uses allowed …")
    turns: Int = Field(ge=1, le=200, description="… in any run of this many consecutive turns.")

    @model_validator(mode="after")
    def _fits(self) -> UseWindow:
        if self.uses >= self.turns:
            raise ValueError(f"{self.uses} uses in {self.turns} turns is no limit (one per turn)")
        return self


class Option(_Sourced):
    id: Id
    name: str = Field(min_length=1)
    category: Category
    description: str = Field(min_length=1)
    escalation: Num = Field(
        ge=-100.0,
        le=100.0,
        description=(
            "Escalation score (Rivera et al. 2024 scale: -2 de-escalation ... +28 violent)."
        ),
    )
    effects: Effects = Field(default_factory=dict)
    branches: list[Branch] = Field(default_factory=list)
    available: Availability = Field(default_factory=Availability)
    cooldown: Int = Field(
        default=0, ge=0, le=200, description="Turns to wait before choosing it again."
    )
    max_uses: Int | None = Field(
        default=None, ge=1, le=200, description="Uses per game (none: unlimited)."
    )
    covert: Flag = Field(
        default=False, description="Hidden from the other side's news unless a branch exposes it."
    )
    private_to: Id | None = Field(
        default=None,
        description="A private move (a back-channel message): only this actor and the mover "
        "see it; to everyone else it looks like holding course.",
    )
    window: UseWindow | None = Field(
        default=None, description="At most this many uses in any run of this many turns."
    )
    headline: str = Field(
        description="Neutral wire headline when the move is public. {actor} is the actor's name."
    )


Utility = Annotated[float, Strict(), Field(ge=-1e6, le=1e6)]


class Objectives(_Model):
    metrics: dict[Id, Utility] = Field(
        default_factory=dict,
        description="Utility per unit of each metric at the forecast horizon (per 100 of range).",
    )
    outcomes: dict[Id, Utility] = Field(
        default_factory=dict, description="Utility of each outcome (unlisted: 0)."
    )


class AIPersonality(_Model):
    temperature: Num = Field(
        ge=0.001,
        le=1000.0,
        description="Softmax temperature over utilities: higher is more erratic.",
    )
    risk_tolerance: Num = Field(
        ge=0.0,
        le=1.0,
        description="0: judges an option by its bad tail (10th percentile); 1: by its mean.",
    )
    bias: dict[Id, Utility] = Field(
        default_factory=dict,
        description="Option id -> points added to that option's score before the softmax "
        "(a leaning the objectives do not capture).",
    )


class Advisor(_Model):
    id: Id
    name: str
    title: str = Field(description="Role shown under the name, e.g. 'National Security Adviser'.")
    stance: str = Field(description="Short stance label, e.g. hawk or dove.")
    objectives: Objectives


class ScriptRule(_Model):
    when: Conditions = Field(min_length=1, description="Conditions that must all hold.")
    option: Id = Field(description="The option played when they do.")


class Script(_Model):
    """How a scripted (non-playable) actor moves: the first rule whose conditions hold
    and whose option is available wins; otherwise ``otherwise``."""

    rules: list[ScriptRule] = Field(default_factory=list)
    otherwise: Id = Field(
        description="The option when no rule applies (hold course if it is not available)."
    )


class Actor(_Sourced):
    id: Id
    name: str = Field(min_length=1)
    short_name: str | None = None
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$", description="Hex colour, e.g. #0072B2.")
    playable: Flag = True
    role: str = Field(description="Who the actor is, in its own government's words.")
    case: str = Field(description="The actor's case, put as its own government would put it.")
    intel_metric: Id | None = Field(
        default=None,
        description="Metric whose level sharpens this actor's estimates.",
    )
    objectives: Objectives
    ai: AIPersonality
    hold_option: Id = Field(
        description="The 'hold course' option: the default when a timer runs out."
    )
    advisors: list[Advisor] = Field(default_factory=list)
    options: list[Option] = Field(min_length=1)
    script: Script | None = Field(
        default=None,
        description="A scripted third party: it moves by these rules, never by a player or "
        "the computer's forecast (playable is then false).",
    )

    @model_validator(mode="before")
    @classmethod
    def _scripted_not_playable(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("script") is not None and "playable" not in data:
            return {**data, "playable": False}
        return data

    @model_validator(mode="after")
    def _script_or_seat(self) -> Actor:
        if self.script is not None and self.playable:
            raise ValueError("a scripted actor cannot be playable (remove playable: true)")
        return self


class Interaction(_Sourced):
    id: Id
    label: str = Field(description="What the coincidence means, for the explanation panel.")
    when: dict[Id, list[Id]] = Field(
        description="Actor id -> options; applies when every listed actor picks one of its options."
    )
    effects: Effects
    chance: Chance | None = Field(
        default=None,
        description="Chance that it applies when the moves coincide (none: always), read "
        "at the start of the turn.",
    )

    @field_validator("when")
    @classmethod
    def _two_actors(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        if len(v) < 2:
            raise ValueError("an interaction needs at least two actors")
        return v


class Coupling(_Sourced):
    source: Id = Field(description="Metric whose deviation from equilibrium pushes …")
    target: Id = Field(description="… this metric, by coef times that deviation per turn.")
    coef: Num


class Dynamics(_Model):
    coupling: list[Coupling] = Field(default_factory=list)


class Fog(_Sourced):
    error_at_zero_intel: Num = Field(
        ge=0.0,
        le=RANGE_MULTIPLE,
        description="Estimate sd as a share of the metric's range with no intelligence.",
    )
    error_at_full_intel: Num = Field(
        ge=0.0,
        le=RANGE_MULTIPLE,
        description="Estimate sd as a share of the metric's range with full intelligence.",
    )


class EventTrigger(_Model):
    stages: list[Id] = Field(default_factory=list, description="Stages where it can fire.")
    conditions: Conditions = Field(default_factory=list)
    moves: dict[Id, list[Id]] = Field(
        default_factory=dict,
        description="Actor id -> options; it can only fire in a turn when one of them was chosen.",
    )


class ChainLink(_Model):
    """An event set off by another one."""

    event: Id = Field(description="The event set off.")
    chance: Chance = Field(
        default_factory=lambda: Chance(p=1.0),
        description="Chance that it follows (evaluated when it would fire, next turn).",
    )


class Modifier(_Model):
    """A change to one event that lasts a few turns: the odds of its hazard multiplied,
    and/or its effects scaled."""

    event: Id = Field(description="The event it changes.")
    hazard_odds: Num = Field(
        default=1.0,
        gt=0.0,
        le=1e6,
        description="Multiplies the odds p/(1-p) of its hazard (2: about twice as likely "
        "while the chance is small; a zero chance stays zero).",
    )
    effects_scale: Num = Field(
        default=1.0,
        ge=0.0,
        le=100.0,
        description="Multiplies its effects (mean and spread) when it fires.",
    )
    turns: Int = Field(ge=1, le=200, description="How many turns it lasts.")

    @model_validator(mode="after")
    def _changes_something(self) -> Modifier:
        if self.hazard_odds == 1.0 and self.effects_scale == 1.0:
            raise ValueError("a modifier needs hazard_odds or effects_scale (other than 1)")
        return self


class StageVisibility(_Model):
    """Who sees the ladder stage (default: everyone)."""

    visible_to: list[Id] = Field(
        default_factory=list, description="The actors who see the stage (empty: nobody)."
    )
    public_when: CondItem | None = Field(
        default=None,
        description="Once this holds (checked at the end of each turn), everyone sees it.",
    )


class Event(_Sourced):
    id: Id
    name: str
    headline: str = Field(description="Neutral wire headline when it fires.")
    hazard: Chance
    when: EventTrigger = Field(default_factory=EventTrigger)
    effects: Effects = Field(default_factory=dict)
    stage_change: Int = Field(default=0, ge=-3, le=3, description="Rungs moved on the ladder.")
    repeatable: Flag = True
    stage_to: Id | None = Field(
        default=None, description="Set the ladder to this stage when it fires (absolute)."
    )
    modifiers: list[Modifier] = Field(
        default_factory=list,
        description="Changes that last a few turns once it fires (from the next turn).",
    )
    then: list[ChainLink] = Field(
        default_factory=list,
        description="Events this one can set off: each fires in the next turn's event phase "
        "with its chance, whatever its own trigger and hazard say.",
    )

    @model_validator(mode="after")
    def _one_ladder_move(self) -> Event:
        if self.stage_to is not None and self.stage_change != 0:
            raise ValueError("give stage_change (relative) or stage_to (absolute), not both")
        return self


class Stage(_Sourced):
    id: Id
    name: str
    description: str
    up: Chance = Field(description="Chance per turn of climbing to the next stage.")
    down: Chance = Field(description="Chance per turn of stepping down to the previous stage.")
    up_when: Conditions = Field(
        default_factory=list,
        description="The ladder climbs from this stage only while these all hold.",
    )
    down_when: Conditions = Field(
        default_factory=list,
        description="The ladder steps down from this stage only while these all hold.",
    )


class OutcomeKind(StrEnum):
    war = "war"
    settlement = "settlement"
    regime_change = "regime_change"
    # a leadership agrees to leave under a deal; "capitulation" was its old, one-sided name
    negotiated_exit = "negotiated_exit"
    standoff = "standoff"
    other = "other"

    @classmethod
    def _missing_(cls, value: object) -> OutcomeKind | None:
        # old scenarios and saves still load: the retired name reads as its successor
        return cls.negotiated_exit if value == "capitulation" else None


class OutcomeTrigger(_Model):
    stages: list[Id] = Field(default_factory=list)
    conditions: Conditions = Field(default_factory=list)
    hold_turns: Int = Field(
        default=1, ge=1, le=200, description="Turns the conditions must hold in a row."
    )
    moves: dict[Id, list[Id]] = Field(default_factory=dict)
    chance: Chance = Field(
        default_factory=lambda: Chance(p=1.0),
        description="Once held long enough, the chance per turn that the crisis ends this way.",
    )


class Outcome(_Sourced):
    id: Id
    name: str
    kind: OutcomeKind
    description: str
    headline: str
    trigger: OutcomeTrigger | None = Field(
        default=None, description="How it is reached (none: only by the turn limit)."
    )
    at_turn_limit: Flag = Field(
        default=False, description="The outcome when the turn limit is reached (exactly one)."
    )


class Statistic(StrEnum):
    """What a calibration band measures over a lab run (docs/scenario-format.md)."""

    share = "share"  # share of games ending in one of ``outcomes``
    median_length = "median_length"  # median game length in turns
    armed_share = "armed_share"  # share of games with an armed incident (``armed``)
    stage_share = "stage_share"  # share of games whose ladder reached ``stage`` or above
    event_share = "event_share"  # share of games in which any of ``events`` fired


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
            raise ValueError(f"band [{lo:g}, {hi:g}]: low is above high")
        if self.statistic != Statistic.median_length and (lo < 0.0 or hi > 1.0):
            raise ValueError(f"band [{lo:g}, {hi:g}]: a share lies in [0, 1]")
        if lo < 0.0:
            raise ValueError(f"band [{lo:g}, {hi:g}]: a length is not negative")
        needs = {
            Statistic.share: ("outcomes", bool(self.outcomes)),
            Statistic.stage_share: ("stage", self.stage is not None),
            Statistic.event_share: ("events", bool(self.events)),
        }.get(self.statistic)
        if needs is not None and not needs[1]:
            raise ValueError(f"statistic {self.statistic.value!r} needs {needs[0]!r}")
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


class Inject(_Model):
    id: Id
    turn: Int = Field(ge=1, le=200, description="Fires at the start of this turn.")
    headline: str
    description: str = ""
    event: Id | None = Field(default=None, description="Fire this event (its effects apply).")
    effects: Effects = Field(default_factory=dict)
    basis: Basis | None = None
    modifiers: list[Modifier] = Field(
        default_factory=list,
        description="Changes that last a few turns, from the turn it fires.",
    )
    to: Id | None = Field(
        default=None,
        description="Aimed at one actor (a private intelligence report): only it sees the "
        "headline and the description.",
    )


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
            raise ValueError("empty bounds: lon_min must be below lon_max, lat_min below lat_max")
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
                "a driver needs exactly one of metric, stage, moves, exposed, const or max"
                + (f" (found {', '.join(kinds)})" if kinds else "")
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


class Meta(_Model):
    id: str = Field(
        pattern=r"^[a-z][a-z0-9_-]*$",
        max_length=48,
        description="Scenario id, usually the file name without .yaml (hyphens allowed).",
    )
    title: str
    version: str
    language: str = Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    facts_as_of: dt.date
    start_date: dt.date
    turn_days: Int = Field(ge=1, le=365, description="Days per turn.")
    turn_limit: Int = Field(ge=1, le=200)
    fact_sheet: str = Field(
        min_length=1,
        max_length=255,
        description="Path of the fact sheet, relative to the scenario file.",
    )
    references: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Path of the reference-class sheet, relative to the scenario.",
    )
    summary: str = Field(description="Briefing text: the situation in a few paragraphs.")
    how_to_win: str = Field(description="How the game is scored, in plain words.")


class Scenario(_Model):
    """A whole scenario file."""

    meta: Meta
    metrics: list[Metric] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=2)
    interactions: list[Interaction] = Field(default_factory=list)
    dynamics: Dynamics = Field(default_factory=Dynamics)
    fog: Fog
    events: list[Event] = Field(default_factory=list)
    ladder: list[Stage] = Field(min_length=4, description="Ordered stages, calmest first.")
    initial_stage: Id
    outcomes: list[Outcome] = Field(min_length=2)
    injects: list[Inject] = Field(default_factory=list)
    debrief: list[str] = Field(default_factory=list, description="Discussion questions.")
    stage_visibility: StageVisibility | None = Field(
        default=None, description="Who sees the ladder stage (none: everyone)."
    )
    map: ScenarioMap | None = Field(
        default=None, description="The region, its labels and markers (none: a blank sea)."
    )
    history: History | None = Field(
        default=None, description="What each side actually did, turn by turn."
    )
    calibration: Calibration | None = Field(
        default=None, description="Calibration bands for the balance lab (brink lab)."
    )
    # Where each item stood in its file ("file", {dotted path: line}), filled in by the
    # loader: lets a later error (a non-finite state) name the line that caused it.
    _source: tuple[str, dict[str, int]] = PrivateAttr(default=("", {}))

    def where(self, path: str) -> str:
        """``file:line`` of the item at dotted ``path`` (or of its nearest parent), or ''."""
        name, lines = self._source
        p = path
        while p:
            if p in lines:
                return f"{name}:{lines[p]}"
            cut = max(p.rfind("."), p.rfind("["))
            p = p[:cut] if cut > 0 else ""
        return name


# --- Fact sheets (the file named by meta.fact_sheet) ------------------------------------


class FactStatus(StrEnum):
    established = "established"
    official_statement = "official_statement"
    claim = "claim"
    report = "report"


class Source(_Model):
    """A published work that facts cite by its id."""

    id: str = Field(pattern=r"^S-[A-Z0-9-]+$", description="Source id, e.g. S-ROSS-2000.")
    author: str = Field(min_length=1, description="Author, editors or body.")
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1, description="Publisher, journal or issuing body.")
    date: dt.date = Field(description="Date of publication (ISO 8601; estimates say so).")
    url: str | None = None
    note: str | None = None


class Fact(_Model):
    """One fact, statement or claim, with who asserts it, how sure it is, and when."""

    id: str = Field(min_length=1, description="Stable id, e.g. VE-03 (never reused).")
    statement: str = Field(min_length=1, description="The fact in the project's own words.")
    asserted_by: str = Field(min_length=1, description="Who asserts it (public record, a party).")
    status: FactStatus = Field(
        description="established, official_statement, claim (an interested party's unverified "
        "assertion) or report."
    )
    date: dt.date = Field(description="When it happened or was said (ISO 8601).")
    known: dt.date | None = Field(
        default=None,
        description="When it became known, if later than ``date`` (a briefing as of an "
        "earlier day leaves it out).",
    )
    sources: list[str] = Field(default_factory=list, description="Ids from ``sources``.")
    note: str | None = Field(default=None, description="Caveats.")

    @property
    def known_on(self) -> dt.date:
        return self.known or self.date


class SheetOrigin(_Model):
    description: str
    date: dt.date | None = None


class FactSheet(_Model):
    """A fact sheet: the facts a scenario cites, with their sources."""

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    source: SheetOrigin | None = Field(default=None, description="How the sheet was compiled.")
    sources: list[Source] = Field(default_factory=list, description="Works the facts cite.")
    facts: list[Fact]
