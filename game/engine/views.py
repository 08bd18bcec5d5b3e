"""Plain data the engine hands to the window, the terminal and the report.

Everything here is a frozen dataclass of strings, numbers, dates and lists, so a
front end can show it without knowing the model, and ``to_dict`` gives JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from game.i18n import _, format_number

NewsKind = Literal["move", "event", "inject", "outcome", "exposed"]


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, dates and tuples made JSON-ready (dates as ISO text)."""
    if hasattr(obj, "__dataclass_fields__"):
        obj = asdict(obj)
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


@dataclass(frozen=True)
class NewsItem:
    """One wire headline. ``visible_to``: None for everyone, else the one actor who sees it."""

    turn: int  # the turn (1-based) in which it happened
    date: dt.date
    headline: str
    kind: NewsKind
    visible_to: str | None = None
    actor: str | None = None  # whose move it reports, if any

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@dataclass(frozen=True)
class MetricView:
    """A metric as one actor sees it.

    Public metrics and the actor's own private ones are ``exact`` (``value`` is
    the true value). Another actor's private metric is an ``estimate`` with an
    ``error`` (one standard deviation, in the metric's units); then ``value`` is
    None and the true value appears nowhere in the view.
    """

    id: str
    name: str
    short: str
    description: str
    lo: float
    hi: float
    exact: bool
    value: float | None
    estimate: float  # what to show: the value when exact, else the estimate (in range)
    error: float  # 0.0 when exact
    visibility: str  # "public" | "private"
    owner: str | None
    higher_is: str  # "escalatory" | "calming" | "neutral"
    history: list[float] = field(default_factory=list)  # shown at each earlier turn

    @property
    def band(self) -> tuple[float, float]:
        """The estimate ± its error, within the metric's range."""
        return max(self.lo, self.estimate - self.error), min(self.hi, self.estimate + self.error)

    @property
    def text(self) -> str:
        """E.g. ``42`` or ``about 55 ± 12 (estimate)``: plain words, no colour needed."""
        if self.exact:
            return format_number(round(self.estimate) or 0, 0)  # never "-0"
        shown = min(max(self.estimate, self.lo), self.hi)
        return _(
            "about {value} ± {error} (estimate)",
            value=format_number(round(shown) or 0, 0),
            error=format_number(self.error, 0),
        )


@dataclass(frozen=True)
class OptionView:
    id: str
    name: str
    category: str
    description: str
    escalation: float
    available: bool
    reason: str  # why it is not available ("" when it is)
    covert: bool = False
    hold: bool = False  # the actor's hold-course option
    index: int = 0  # position in the actor's option list
    commits: str = ""  # what choosing it commits the actor to, in words ("": nothing)


@dataclass(frozen=True)
class Advice:
    advisor: str  # advisor id
    name: str
    title: str
    stance: str
    option: str  # recommended option id
    option_name: str
    reason: str  # one line, built from the forecast

    @property
    def advisor_id(self) -> str:
        return self.advisor


@dataclass(frozen=True)
class SourcePart:
    """One source's part of a metric's change: ``key`` is the model's label."""

    key: str  # "move:<actor>", "interaction:<id>", "drift", "event:incident", "limits", ...
    label: str  # readable: "United States' move (Deploy …)", "Drift", ...
    delta: float


@dataclass(frozen=True)
class MetricChange:
    metric: str
    name: str
    before: float
    after: float
    exact: bool = True  # False: before/after are the viewer's estimates
    sources: list[SourcePart] = field(default_factory=list)

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class BranchResult:
    id: str
    label: str
    happened: bool
    exposes: bool = False
    headline: str | None = None


@dataclass(frozen=True)
class MoveReport:
    actor: str
    actor_name: str
    option: str
    option_name: str
    covert: bool = False
    exposed: bool = False
    branches: list[BranchResult] = field(default_factory=list)


@dataclass(frozen=True)
class EventReport:
    id: str
    name: str
    headline: str
    source: str = "model"  # "model" | "inject" | "teacher"


@dataclass(frozen=True)
class TurnReport:
    """What happened in one turn. ``viewer`` None: the whole truth; else one actor's view.

    The sources of each metric's change sum to ``after - before``; ``before`` is
    the value when the turn began (before its injects), ``after`` once resolved.
    """

    turn: int  # 1-based number of the turn
    date: dt.date
    viewer: str | None
    moves: dict[str, MoveReport]
    metrics: list[MetricChange]
    events: list[EventReport]
    injects: list[str]  # headlines of injects during the turn
    stage_before: str
    stage_after: str
    stage_before_name: str
    stage_after_name: str
    outcome: str | None
    outcome_name: str | None
    headlines: list[NewsItem]
    stage_known: bool = True  # False: the stage is hidden from the viewer ("" ids above)

    @property
    def explanation(self) -> dict[str, list[SourcePart]]:
        return {m.metric: m.sources for m in self.metrics}

    @property
    def stage_changed(self) -> bool:
        return self.stage_before != self.stage_after

    def metric(self, metric_id: str) -> MetricChange:
        for m in self.metrics:
            if m.metric == metric_id:
                return m
        raise KeyError(metric_id)

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@dataclass(frozen=True)
class CommitmentView:
    """A threat pending now, as every side sees it (commitments are public)."""

    actor: str
    option: str
    to: str
    turns_left: int
    credibility: float  # the chance other sides give it of being carried out
    text: str


@dataclass(frozen=True)
class OfferView:
    """Terms offered last turn that their addressee may accept this turn."""

    actor: str
    option: str
    to: str
    accept: str  # the addressee's option that accepts
    text: str


@dataclass(frozen=True)
class BeliefView:
    """What one side believes of another's private type: (type id, name, probability) for
    each type, and the line that says so."""

    actor: str
    types: list[tuple[str, str, float]]
    text: str


@dataclass(frozen=True)
class PlayerView:
    """Everything one actor may see now (fog of war applied by the engine)."""

    actor: str
    actor_name: str
    turn: int  # turns resolved so far
    date: dt.date
    stage: str  # "" when hidden from this actor (then ``stage_index`` is None)
    stage_name: str
    over: bool
    outcome: str | None
    outcome_name: str | None
    paused: bool
    intel: float  # 0..1: the quality of this actor's intelligence (error shrinks as it rises)
    metrics: list[MetricView]
    options: list[OptionView]
    news: list[NewsItem]
    own_moves: list[tuple[int, str, str]]  # (turn, option id, option name) of own moves
    known_moves: dict[str, list[tuple[int, str, str]]]  # other actors' moves as seen
    last_report: TurnReport | None
    revealed: bool = False  # the teacher revealed the true values: every metric is exact
    stage_index: int | None = None  # position on the ladder; None: hidden from this actor
    commitments: list[CommitmentView] = field(default_factory=list)  # threats pending (public)
    offers: list[OfferView] = field(default_factory=list)  # terms open to acceptance now
    own_type: str = ""  # this side's private type, in a line ("": the actor has none)
    beliefs: list[BeliefView] = field(default_factory=list)  # of the others' types

    def metric(self, metric_id: str) -> MetricView:
        for m in self.metrics:
            if m.id == metric_id:
                return m
        raise KeyError(metric_id)

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)
