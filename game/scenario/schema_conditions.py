"""The scenario format's conditions (format v2)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import ConfigDict, Discriminator, Field, Tag, model_validator

from game.i18n import _
from game.scenario.schema_base import Condition, Id, Int, _Model

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
            raise ValueError(_("give at_least, at_most or both"))
        lo, hi = self.at_least, self.at_most
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(_("at_least ({low}) is above at_most ({high})", low=lo, high=hi))
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
            raise ValueError(_("give one_of, at_least or at_most"))
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
        default=1,
        ge=0,
        le=200,
        description="Times chosen, at least (ever only; default 1, or 0 when only at_most "
        "is given).",
    )
    at_most: Int | None = Field(
        default=None, ge=0, le=200, description="Times chosen, at most (ever only)."
    )

    @model_validator(mode="after")
    def _counts(self) -> MoveTest:
        if self.at_most is not None and "at_least" not in self.model_fields_set:
            # "at most N times" includes never: {at_most: 0} reads "never"
            object.__setattr__(self, "at_least", 0)
        counted = self.at_least != 1 or self.at_most is not None
        if counted and self.when is not MoveWhen.ever:
            raise ValueError(_("at_least and at_most count moves: use them with when: ever"))
        if self.at_most is not None and self.at_most < self.at_least:
            raise ValueError(
                _(
                    "at_most ({high}) is below at_least ({low})",
                    high=self.at_most,
                    low=self.at_least,
                )
            )
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
