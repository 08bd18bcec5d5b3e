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
    Field,
    PrivateAttr,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)

from game.i18n import _
from game.scenario.schema_base import (
    MAX_LOGIT,
    MAX_RANGE_END,
    RANGE_MULTIPLE,
    Basis,
    Category,
    Flag,
    Id,
    Int,
    Num,
    Probability,
    _Model,
    _Sourced,
)
from game.scenario.schema_base import MAX_MAGNITUDE as MAX_MAGNITUDE
from game.scenario.schema_base import Comparison as Comparison
from game.scenario.schema_base import Condition as Condition
from game.scenario.schema_conditions import COND_KEYS as COND_KEYS
from game.scenario.schema_conditions import AllCondition as AllCondition
from game.scenario.schema_conditions import AnyCondition as AnyCondition
from game.scenario.schema_conditions import Bounds as Bounds
from game.scenario.schema_conditions import CondItem, Conditions
from game.scenario.schema_conditions import HeldCondition as HeldCondition
from game.scenario.schema_conditions import HeldTest as HeldTest
from game.scenario.schema_conditions import MoveCondition as MoveCondition
from game.scenario.schema_conditions import MoveTest as MoveTest
from game.scenario.schema_conditions import MoveWhen as MoveWhen
from game.scenario.schema_conditions import NotCondition as NotCondition
from game.scenario.schema_conditions import StageCondition as StageCondition
from game.scenario.schema_conditions import StageTest as StageTest
from game.scenario.schema_conditions import TurnCondition as TurnCondition
from game.scenario.schema_facts import Fact as Fact
from game.scenario.schema_facts import FactSheet as FactSheet
from game.scenario.schema_facts import FactStatus as FactStatus
from game.scenario.schema_facts import SheetOrigin as SheetOrigin
from game.scenario.schema_facts import Source as Source
from game.scenario.schema_sections import ArmedIncident as ArmedIncident
from game.scenario.schema_sections import Calibration, History, ScenarioMap
from game.scenario.schema_sections import CalibrationBand as CalibrationBand
from game.scenario.schema_sections import Driver as Driver
from game.scenario.schema_sections import DriverMoves as DriverMoves
from game.scenario.schema_sections import HistoryTurn as HistoryTurn
from game.scenario.schema_sections import LonLat as LonLat
from game.scenario.schema_sections import MapAnchor as MapAnchor
from game.scenario.schema_sections import MapBounds as MapBounds
from game.scenario.schema_sections import MapMarker as MapMarker
from game.scenario.schema_sections import MapPlace as MapPlace
from game.scenario.schema_sections import Statistic as Statistic


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
    short: str | None = Field(default=None, max_length=16, description="Short label for charts.")
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
            raise ValueError(
                _("range low ({lo}) must be below high ({hi})", lo=f"{lo:g}", hi=f"{hi:g}")
            )
        if max(abs(lo), abs(hi)) > MAX_RANGE_END:
            raise ValueError(_("range ends must lie within ±{most}", most=f"{MAX_RANGE_END:g}"))
        return v

    @field_validator("initial")
    @classmethod
    def _initial_in_range(cls, v: InitialValue, info: ValidationInfo) -> InitialValue:
        rng = info.data.get("range")
        if rng is not None and not rng[0] <= v.mean <= rng[1]:
            raise ValueError(
                _(
                    "initial value {value} is outside the range [{lo}, {hi}]",
                    value=f"{v.mean:g}",
                    lo=f"{rng[0]:g}",
                    hi=f"{rng[1]:g}",
                )
            )
        if rng is not None and v.sd > RANGE_MULTIPLE * (rng[1] - rng[0]):
            raise ValueError(
                _(
                    "initial sd {sd} is more than {times} times the range's width",
                    sd=f"{v.sd:g}",
                    times=f"{RANGE_MULTIPLE:g}",
                )
            )
        return v

    @field_validator("equilibrium")
    @classmethod
    def _equilibrium_in_range(cls, v: float, info: ValidationInfo) -> float:
        rng = info.data.get("range")
        if rng is not None and not rng[0] <= v <= rng[1]:
            raise ValueError(
                _(
                    "equilibrium {value} is outside the range [{lo}, {hi}]",
                    value=f"{v:g}",
                    lo=f"{rng[0]:g}",
                    hi=f"{rng[1]:g}",
                )
            )
        return v

    @field_validator("noise_sd")
    @classmethod
    def _noise_in_scale(cls, v: float, info: ValidationInfo) -> float:
        rng = info.data.get("range")
        if rng is not None and v > RANGE_MULTIPLE * (rng[1] - rng[0]):
            raise ValueError(
                _(
                    "noise_sd {sd} is more than {times} times the range's width",
                    sd=f"{v:g}",
                    times=f"{RANGE_MULTIPLE:g}",
                )
            )
        return v

    @model_validator(mode="after")
    def _check(self) -> Metric:
        if self.visibility is Visibility.private and self.owner is None:
            raise ValueError(_("a private metric needs an owner"))
        if self.visibility is Visibility.actors and not self.visible_to:
            raise ValueError(_("visibility: actors needs a visible_to list"))
        if self.visible_to and self.visibility is not Visibility.actors:
            raise ValueError(_("visible_to goes with visibility: actors"))
        return self


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


class Offer(_Model):
    """Terms put to another actor. The addressee may accept them in the next turn only,
    with its ``accept`` option (available then and at no other time, whatever its own
    rules allow); anything else it plays rejects them, and an offer of its own counters
    them. An agreement outcome names the accepting option in its trigger's ``moves``, so
    that it never happens to a side that did not choose it."""

    to: Id = Field(description="The actor the terms are offered to.")
    terms: str = Field(
        min_length=1, description="What is given and what is asked, in words every side reads."
    )
    accept: Id = Field(description="The addressee's option that accepts the terms.")


class Commitment(_Model):
    """A public threat or ultimatum: a demand on another actor with a deadline.

    Settled in the first turn when the addressee plays one of ``demand`` (met) or the
    actor plays one of ``carry_out`` (kept); when neither has happened by the end of
    the ``deadline``-th turn after the threat, the actor has backed down (broken). Each
    result fires its event in that turn's event phase, whatever the event's own hazard
    and trigger say (give such an event ``hazard: {p: 0}``)."""

    to: Id = Field(description="The actor the demand is made of.")
    demand: list[Id] = Field(
        min_length=1, description="The addressee's options that meet the demand."
    )
    deadline: Int = Field(
        ge=1, le=52, description="Turns after the threat in which it can be met or carried out."
    )
    carry_out: list[Id] = Field(
        min_length=1, description="The actor's own options that carry the threat out."
    )
    broken: Id = Field(description="Event fired when the deadline passes with neither.")
    kept: Id | None = Field(default=None, description="Event fired when it is carried out.")
    met: Id | None = Field(default=None, description="Event fired when the demand is met.")
    credibility: Credibility = Field(
        description="How other sides read the threat: their prior on the actor carrying "
        "out what it threatens, updated by its record."
    )


class Credibility(_Model):
    """A Beta prior, in pseudo-counts, on an actor carrying out its threats. Other sides
    read the threat as carried out with chance (kept + k) / (kept + broken + k + b), where
    k and b count the actor's commitments carried out and lapsed so far (one that was met
    says nothing of its resolve)."""

    kept: Num = Field(gt=0.0, le=1000.0, description="Prior pseudo-count of threats carried out.")
    broken: Num = Field(gt=0.0, le=1000.0, description="Prior pseudo-count of threats that lapsed.")


class UseWindow(_Model):
    uses: Int = Field(ge=1, le=200, description="Uses allowed …")
    turns: Int = Field(ge=1, le=200, description="… in any run of this many consecutive turns.")

    @model_validator(mode="after")
    def _fits(self) -> UseWindow:
        if self.uses >= self.turns:
            raise ValueError(
                _(
                    "{uses} uses in {turns} turns is no limit (one per turn)",
                    uses=self.uses,
                    turns=self.turns,
                )
            )
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
    offer: Offer | None = Field(
        default=None,
        description="An offer of terms to another actor, who may accept it in the next turn.",
    )
    commits: Commitment | None = Field(
        default=None,
        description="A public threat with a demand and a deadline: choosing the option "
        "commits the actor, and the deadline settles it.",
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


class SeenMove(_Model):
    actor: Id = Field(description="Whose move.")
    options: list[Id] = Field(min_length=1, description="Any of these options counts.")


class AIReaction(_Sourced):
    """A leaning that holds for one turn, after the computer saw a move: how a government
    answers being fired on, say, which its forecast of metrics and outcomes does not weigh."""

    id: Id
    after: SeenMove = Field(
        description="The move, made last turn, that sets off the leaning. Only a move the "
        "deciding side saw counts: a covert move when it was exposed, a private move when "
        "it was addressed to this side. Before the first turn every side counts as holding "
        "course."
    )
    bias: dict[Id, Utility] = Field(
        min_length=1,
        description="Option id -> points added to that option's score for the turn "
        "(on top of ai.bias; reactions that hold together add up).",
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
    reactions: list[AIReaction] = Field(
        default_factory=list,
        description="Leanings for the turn after a move the computer saw (e.g. answering fire).",
    )


class ActorType(_Sourced):
    """One of an actor's private types: drawn at the start with chance ``p``, it changes
    what the computer playing the actor wants (``objectives`` are added to the actor's),
    and how likely each of its moves is as the other sides read them (``likelihood``)."""

    id: Id
    name: str = Field(min_length=1)
    description: str = Field(description="What this type of government is like, in a line.")
    p: Num = Field(gt=0.0, le=1.0, description="Chance that the game starts with this type.")
    objectives: Objectives = Field(
        default_factory=Objectives,
        description="Added to the actor's objectives when the computer plays this type.",
    )
    likelihood: dict[Id, Num] = Field(
        default_factory=dict,
        description="Option id -> how many times likelier this type is to choose it than "
        "the actor's average (unlisted: 1); the other sides update their belief with it.",
    )

    @model_validator(mode="after")
    def _positive(self) -> ActorType:
        for oid, v in self.likelihood.items():
            if not 0.0 < v <= 1000.0:
                raise ValueError(_("likelihood of {id!r} must be above 0 (at most 1000)", id=oid))
        return self


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
    types: list[ActorType] = Field(
        default_factory=list,
        description="Private types (how resolute the actor is): one is drawn at the start "
        "of each game; the other sides only learn it from the moves they see.",
    )
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
            raise ValueError(_("a scripted actor cannot be playable (remove playable: true)"))
        return self

    @model_validator(mode="after")
    def _types_add_up(self) -> Actor:
        if self.types:
            if len(self.types) < 2:
                raise ValueError(_("give at least two types, or none"))
            total = sum(t.p for t in self.types)
            if abs(total - 1.0) > 1e-6:
                raise ValueError(
                    _("the types' chances add up to {total}, not 1", total=round(total, 6))
                )
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
            raise ValueError(_("an interaction needs at least two actors"))
        return v


class Coupling(_Sourced):
    source: Id = Field(description="Metric whose deviation from equilibrium pushes …")
    target: Id = Field(description="… this metric, by coef times that deviation per turn.")
    coef: Num
    when: Conditions = Field(
        default_factory=list,
        description="The coupling acts only in a turn when these all hold (read at the start "
        "of the turn, this turn's moves counting, as a branch's condition); none: always.",
    )


class Dynamics(_Model):
    coupling: list[Coupling] = Field(default_factory=list)


# How far a fogged metric may move unseen in a turn (share of its range) when a scenario
# does not say: a twentieth of the range, so an estimate never settles for good and a
# change of course shows within a few turns (see ``Fog.drift``).
DEFAULT_DRIFT = 0.05


class Claim(_Sourced):
    """A public claim about a private metric: it pulls the other sides' first belief
    of the metric towards the claimed value, until their readings wear it down."""

    metric: Id = Field(description="The private metric the claim is about.")
    value: Num = Field(
        description="The claimed value, in the metric's units (it may lie outside the "
        "metric's range: a boast beyond anything the scale allows)."
    )
    weight: Num = Field(
        ge=0.0,
        le=1.0,
        description="How far the claim moves the first belief: its mean is (1 − weight) × the "
        "metric's initial mean + weight × the claimed value (0: ignored, 1: believed).",
    )


class Fog(_Sourced):
    error_at_zero_intel: Num = Field(
        ge=0.0,
        le=RANGE_MULTIPLE,
        description="sd of one turn's reading as a share of the metric's range with no "
        "intelligence; also the sd of the belief before the first reading.",
    )
    error_at_full_intel: Num = Field(
        ge=0.0,
        le=RANGE_MULTIPLE,
        description="sd of one turn's reading as a share of the metric's range with full "
        "intelligence.",
    )
    drift: Num = Field(
        default=DEFAULT_DRIFT,
        ge=0.0,
        le=RANGE_MULTIPLE,
        description="How far a fogged metric may move unseen in one turn (sd, share of its "
        "range): the belief's uncertainty grows by this much each turn before the new "
        f"reading, so old readings count less than new ones. Default {DEFAULT_DRIFT:g}.",
    )
    claims: list[Claim] = Field(
        default_factory=list,
        description="Public claims about private metrics that bias the other sides' first "
        "belief (at most one per metric).",
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
            raise ValueError(_("a modifier needs hazard_odds or effects_scale (other than 1)"))
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
    place: Id | None = Field(
        default=None,
        description="Where it happens: the id of a place or anchor of the map; the map "
        "pins the turn's events there (none: it has no one place).",
    )

    @model_validator(mode="after")
    def _one_ladder_move(self) -> Event:
        if self.stage_to is not None and self.stage_change != 0:
            raise ValueError(_("give stage_change (relative) or stage_to (absolute), not both"))
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
    short_name: str | None = Field(
        default=None,
        max_length=20,
        description="A short name for tight places (chart legends, narrow columns); "
        "unset: the name.",
    )
    kind: OutcomeKind
    description: str
    headline: str
    trigger: OutcomeTrigger | None = Field(
        default=None, description="How it is reached (none: only by the turn limit)."
    )
    at_turn_limit: Flag = Field(
        default=False, description="The outcome when the turn limit is reached (exactly one)."
    )


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
    place: Id | None = Field(
        default=None,
        description="Where it happens: the id of a place or anchor of the map; the map "
        "pins it there in the turn it fires (none: it has no one place).",
    )


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


def offer_gate(scn: Scenario, actor: str, option: str) -> list[CondItem]:
    """The condition offers put on an option that accepts them: available only in the turn
    right after one of them was made (empty: no offer names it)."""
    made: list[CondItem] = []
    for a in scn.actors:
        ids = [
            o.id
            for o in a.options
            if o.offer is not None and o.offer.to == actor and o.offer.accept == option
        ]
        if ids:
            made.append(
                MoveCondition(move=MoveTest(actor=a.id, options=ids, when=MoveWhen.last_turn))
            )
    return made if len(made) <= 1 else [AnyCondition(any=made)]
