"""The fact sheet format (the file named by meta.fact_sheet)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field

from game.scenario.schema_base import _Model

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


# --- Reference sheets (the file named by meta.references) -------------------------------


class Confidence(StrEnum):
    counted = "counted"
    published = "published"
    unconfirmed = "unconfirmed"
    suggested = "suggested"


class Reference(_Model):
    """One reference class or published figure that a basis may cite."""

    id: str = Field(
        pattern=r"^RC-[A-Z0-9-]+$", description="Stable id, e.g. RC-ICB-DATASET (never reused)."
    )
    statement: str = Field(min_length=1, description="The figure in the project's own words.")
    source: str = Field(min_length=1, description="Where it comes from.")
    confidence: Confidence = Field(
        description="counted (from a dataset), published, unconfirmed, or suggested (a "
        "starting value to tune, not a fact)."
    )
    note: str | None = Field(default=None, description="Caveats.")


class ReferenceSheet(_Model):
    """A reference sheet: the reference classes a scenario's bases cite."""

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    source: SheetOrigin | None = Field(default=None, description="How the sheet was compiled.")
    references: list[Reference]
