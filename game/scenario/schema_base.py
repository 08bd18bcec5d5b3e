"""The scenario format's building blocks: ids, numbers, the base model, sources, the metric
comparison and the option categories."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, model_validator

from game.i18n import _

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
            else _("a {n}-digit number", n=int(v.bit_length() * 0.30103) + 1)
        )
        raise ValueError(
            _(
                "{value} is far too large for a scenario number (the limit is ±{most})",
                value=shown,
                most=f"{MAX_MAGNITUDE:g}",
            )
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
            raise ValueError(_("a basis needs at least one fact, reference or assumption"))
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
