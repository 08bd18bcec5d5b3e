"""Computer players and advisors: expected utility from a forecast, softmax choice.

Personalities differ by data only (objectives, temperature, risk tolerance in
the scenario YAML); this module holds no scenario numbers.

For each available option the actor forecasts ``worlds`` futures of
``horizon`` turns from its *belief state* (fog applied, see ``fog.py``):

- itself: that option on the first turn, then its continuation mix;
- every other actor: the opponent model below.

All options are forecast from the same seed (common random numbers), so the
differences between options are the options', not noise. Utility of a world:

    Σ_m w_m · (x_m(H) − x_m(now)) / (range width of m) · 100  +  w_outcome

and an option's score is ``risk_tolerance · mean + (1 − risk_tolerance) · P10``.
The AI draws its move from ``softmax(score / temperature)``; an advisor
recommends its best-scoring option, with a reason built from the forecast.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from game.engine.beliefs import expected_mix
from game.engine.commitments import credibility
from game.engine.rng import AI, stream
from game.engine.seats import Seat
from game.i18n import _, format_number, format_percent
from game.model import Compiled, Forecast, Mix, Policy, State, Then, forecast
from game.model.policy import Fixed, Keeps, Scripted
from game.scenario.schema import Objectives
from game.words import in_sentence, span_text


@dataclass(frozen=True)
class AISettings:
    """How hard the computer thinks. Defaults: one AI move ≤ 300 ms on one core (benchmark)."""

    worlds: int = 2000  # forecast worlds per option
    horizon: int = 6  # turns looked ahead
    persistence: float = 0.5  # weight on repeating a move in the continuation/opponent mix
    advice_worlds: int = 1000
    advice_horizon: int = 4  # advisors speak of the next few turns ("within 4 weeks")
    temperature_scale: float = 1.0  # difficulty: multiplies every AI's softmax temperature

    def __post_init__(self) -> None:
        if self.worlds < 1 or self.advice_worlds < 1:
            raise ValueError("worlds must be at least 1")
        if self.horizon < 1 or self.advice_horizon < 1:
            raise ValueError("horizon must be at least 1")
        if not 0.0 <= self.persistence <= 1.0:
            raise ValueError("persistence must be in [0, 1]")
        if not self.temperature_scale > 0.0:
            raise ValueError("temperature_scale must be positive")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AISettings:
        known = {f.name for f in fields(cls)}
        extra = set(d) - known
        if extra:
            raise ValueError(f"unknown AI setting(s): {', '.join(sorted(extra))}")
        return cls(**d)


def persistent_mix(
    c: Compiled,
    actor: int,
    option: int,
    persistence: float,
    spread: NDArray[np.float64] | None = None,
) -> Mix:
    """``option`` with weight ``persistence``, the rest spread over every option: evenly,
    or as ``spread`` says (a belief's expected mix of the actor's moves).

    The mix is renormalised over whatever is available in each world, so an option
    on cooldown simply drops out.
    """
    n = int(c.n_options[actor])
    w = np.full(n, 1.0 / n) if spread is None else np.asarray(spread, dtype=np.float64)[:n]
    w = w * (1.0 - persistence)
    w[option] += persistence
    return Mix(tuple(float(v) for v in w))


@dataclass(frozen=True)
class Outlook:
    """What a side brings to a forecast beyond the worlds it forecasts from: the public
    record of commitments, its beliefs over the other sides' private types (actor ->
    probabilities), and what it wants (None: its actor's objectives)."""

    record: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    beliefs: Mapping[int, NDArray[np.float64]] = field(default_factory=dict)
    objectives: Objectives | None = None


def policies(
    c: Compiled,
    actor: int,
    option: int,
    last_seen: Sequence[int],
    persistence: float,
    start: State | None = None,
    outlook: Outlook | None = None,
) -> list[Policy]:
    """The forecast policies when ``actor`` considers ``option``.

    Opponent model: each other actor repeats the last move the deciding actor saw it
    make (hold course at the start, or when its move was covert) with probability
    ``persistence``, else plays any available option. Uniform random play alone
    would have the other side strike or invade as often as it talks, so every
    option would look like a road to war; crises show strong inertia (sides keep
    their course from week to week), and the uniform part keeps every risk in view.
    The actor itself is assumed to keep broadly to the line it chooses now.

    Beliefs (``outlook``): another actor with private types plays its options, beyond
    repeating its last move, in proportion to their likelihood under the belief held
    about it, rather than evenly.

    Commitments (with ``start``, the worlds forecast from): the actor plans to carry
    out its own threat when it falls due (the one it weighs making now, or one already
    made); another side carries out a threat pending in ``start`` with the chance its
    record earns it (``credibility``).
    """
    out: list[Policy] = []
    for a in range(c.n_actors):
        if c.v2 is not None and a in c.v2.scripts:
            out.append(Scripted())  # a scripted actor's moves are given by its rules
        elif a == actor:
            out.append(Then(Fixed(option), persistent_mix(c, a, option, persistence)))
        else:
            belief = None if outlook is None else outlook.beliefs.get(a)
            spread = None if belief is None else expected_mix(c, a, belief)
            out.append(persistent_mix(c, a, int(last_seen[a]), persistence, spread))
    record = {} if outlook is None else outlook.record
    v2 = c.v2
    if v2 is None or not v2.pl_actor.size or start is None or start.pledge is None:
        return out
    pending = np.any(start.pledge > 0, axis=0).tolist()
    for k in range(v2.pl_actor.size):
        a = int(v2.pl_actor[k])
        if a in v2.scripts:
            continue
        if a == actor and (pending[k] or option == int(v2.pl_option[k])):
            out[a] = Keeps(k, 1.0, out[a], from_turn=1)
        elif a != actor and pending[k]:
            out[a] = Keeps(k, credibility(c, k, record), out[a])
    return out


def forecast_options(
    c: Compiled,
    start: State,
    actor: int,
    options: Sequence[int],
    last_seen: Sequence[int],
    rng_for: Callable[[], np.random.Generator],
    horizon: int,
    persistence: float,
    outlook: Outlook | None = None,
) -> dict[int, Forecast]:
    """One forecast per option from the same ``start`` worlds, each with a fresh generator
    of the same seed (common random numbers)."""
    return {
        o: forecast(
            c,
            start,
            policies(c, actor, o, last_seen, persistence, start, outlook),
            rng_for(),
            worlds=start.n,
            horizon=horizon,
            quantiles=False,
        )
        for o in options
    }


def objective_weights(c: Compiled, obj: Objectives) -> tuple[NDArray[np.float64], NDArray]:
    """(metric weight per unit of range·100 [M], outcome utility [Q+1], last = unresolved)."""
    wm = np.zeros(c.n_metrics)
    for mid, w in obj.metrics.items():
        m = c.index["metric"][mid]
        wm[m] = w * 100.0 / (c.hi[m] - c.lo[m])
    wq = np.zeros(len(c.outcome_ids) + 1)
    for qid, w in obj.outcomes.items():
        wq[c.index["outcome"][qid]] = w
    return wm, wq


def utilities(
    c: Compiled, f: Forecast, x_now: NDArray[np.float64], obj: Objectives
) -> NDArray[np.float64]:
    """Utility of every world of the forecast under ``obj``; ``x_now`` [M] or [N, M] is
    where each world started."""
    wm, wq = objective_weights(c, obj)
    # outcome -1 (unresolved) indexes the last entry, which is 0
    return (f.final.x - x_now) @ wm + wq[f.final.outcome]


def score(u: NDArray[np.float64], risk_tolerance: float) -> float:
    return float(risk_tolerance * u.mean() + (1.0 - risk_tolerance) * np.percentile(u, 10))


def softmax(scores: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    z = (scores - scores.max()) / temperature
    p = np.exp(z)
    return p / p.sum()


def draw(p: NDArray[np.float64], rng: np.random.Generator) -> int:
    """Index drawn with probabilities ``p`` (one uniform from ``rng``)."""
    u = rng.random()
    return int(min(np.searchsorted(np.cumsum(p), u * p.sum(), side="right"), p.size - 1))


@dataclass(frozen=True)
class Decision:
    """An AI's choice with its reasons (kept for the debrief and the benchmark)."""

    option: int
    options: list[int]
    scores: list[float]
    probabilities: list[float]


def reactions_set_off(c: Compiled, actor: int, last_seen: Sequence[int]) -> list[str]:
    """Ids of ``actor``'s reactions that hold this turn: those whose move it saw last turn
    (``last_seen``, fog applied, so a covert move counts only once exposed)."""
    out = []
    for r in c.scenario.actors[actor].ai.reactions:
        a = c.index["actor"][r.after.actor]
        if c.option_ids[a][int(last_seen[a])] in r.after.options:
            out.append(r.id)
    return out


def leaning(c: Compiled, actor: int, last_seen: Sequence[int]) -> dict[str, float]:
    """Points added to each of ``actor``'s option scores this turn: ``ai.bias`` plus the
    reactions set off by what it saw last turn."""
    ai = c.scenario.actors[actor].ai
    out = dict(ai.bias)
    fired = set(reactions_set_off(c, actor, last_seen))
    for r in ai.reactions:
        if r.id in fired:
            for oid, pts in r.bias.items():
                out[oid] = out.get(oid, 0.0) + pts
    return out


def decide(
    c: Compiled,
    start: State,
    actor: int,
    avail: NDArray[np.bool_],
    last_seen: Sequence[int],
    settings: AISettings,
    forecast_rng: Callable[[], np.random.Generator],
    draw_rng: np.random.Generator,
    outlook: Outlook | None = None,
) -> Decision:
    """The AI move of ``actor`` from its belief worlds ``start``: forecast each available
    option, score, softmax."""
    actor_spec = c.scenario.actors[actor]
    options = [int(o) for o in np.flatnonzero(avail)]
    if not options:
        options = [int(c.hold[actor])]
    fcs = forecast_options(
        c,
        start,
        actor,
        options,
        last_seen,
        forecast_rng,
        settings.horizon,
        settings.persistence,
        outlook,
    )
    risk = actor_spec.ai.risk_tolerance
    obj = (
        actor_spec.objectives
        if outlook is None or outlook.objectives is None
        else outlook.objectives
    )
    scores = np.array([score(utilities(c, fcs[o], start.x, obj), risk) for o in options])
    lean = leaning(c, actor, last_seen)
    if lean:
        ids = c.option_ids[actor]
        scores = scores + np.array([lean.get(ids[o], 0.0) for o in options])
    p = softmax(scores, actor_spec.ai.temperature * settings.temperature_scale)
    k = draw(p, draw_rng)
    return Decision(options[k], options, scores.tolist(), p.tolist())


def machine_move(
    c: Compiled,
    seat: Seat,
    actor: int,
    avail: NDArray[np.bool_],
    seed: int,
    turn: int,
    belief: Callable[[int], State],
    last_seen: Sequence[int],
    settings: AISettings,
    outlook: Outlook | None = None,
) -> tuple[int, Decision | None]:
    """The move of a computer seat in ``turn``: a fixed option (hold course when it is not
    available), a random one (stream AI, turn, actor, 0), or the AI's ``decide`` from
    ``belief(n)``, n worlds the actor believes possible. Returns (option, the AI's
    decision or None)."""
    if seat.kind == "fixed":
        o = c.option_index(actor, seat.option or "")
        return (o if avail[o] else int(c.hold[actor])), None
    if seat.kind == "random":
        opts = np.flatnonzero(avail)
        if not opts.size:
            return int(c.hold[actor]), None
        return int(opts[stream(seed, AI, turn, actor, 0).integers(opts.size)]), None
    d = decide(
        c,
        belief(settings.worlds),
        actor,
        avail,
        last_seen,
        settings,
        lambda: stream(seed, AI, turn, actor),
        stream(seed, AI, turn, actor, 0),
        outlook,
    )
    return d.option, d


# --- advisors' words ----------------------------------------------------------------------------


def _pct(p: float) -> str:
    v = 100.0 * p
    if 0 < v < 1:
        return _("under {share}", share=format_percent(0.01))
    if 99 < v < 100:
        return _("over {share}", share=format_percent(0.99))
    return format_percent(round(v) / 100.0)


def reason(
    c: Compiled,
    obj: Objectives,
    subject: int,
    hold: int,
    actor: int,
    fcs: dict[int, Forecast],
    horizon: int,
    recommend_hold: bool = False,
) -> str:
    """One staff-officer line on what ``subject`` does compared with holding course.

    It names what matters most to ``obj``: the largest weighted difference among the
    advisor's outcomes (chance within the horizon) and metrics (mean at the horizon).
    When the advisor recommends holding course, ``subject`` is its best alternative
    and the line says what that alternative would do instead.
    """
    scn = c.scenario
    name = scn.actors[actor].options[subject].name
    f1, f0 = fcs[subject], fcs[hold]
    span = span_text(horizon, scn.meta.turn_days)
    wm, _w = objective_weights(c, obj)
    best: tuple[float, str] | None = None
    for qid, w in obj.outcomes.items():
        p1, p0 = f1.p(qid, horizon), f0.p(qid, horizon)
        impact = abs(w * (p1 - p0))
        if best is None or impact > best[0]:
            what = in_sentence(scn.outcomes[c.index["outcome"][qid]].name, scn)
            if _pct(p1) == _pct(p0):
                text = _(
                    "would leave the chance of {outcome} within {span} near {p}",
                    outcome=what,
                    span=span,
                    p=_pct(p1),
                )
            elif p1 < p0:
                text = _(
                    "would cut the chance of {outcome} within {span} from {before} to {after}",
                    outcome=what,
                    span=span,
                    before=_pct(p0),
                    after=_pct(p1),
                )
            else:
                text = _(
                    "would raise the chance of {outcome} within {span} from {before} to {after}",
                    outcome=what,
                    span=span,
                    before=_pct(p0),
                    after=_pct(p1),
                )
            best = (impact, text)
    m1, m0 = f1.final.x.mean(axis=0), f0.final.x.mean(axis=0)
    me = c.actor_ids[actor]
    for mid in obj.metrics:
        m = c.index["metric"][mid]
        met = scn.metrics[m]
        if met.visibility == "hidden" or (met.visibility == "actors" and me not in met.visible_to):
            continue  # (never named to a side that cannot see it)
        impact = abs(wm[m] * (m1[m] - m0[m]))
        if best is None or impact > best[0]:
            what = in_sentence(scn.metrics[m].name, scn)
            text = _(
                "would leave {metric} near {value} in {span}, against {held} if we hold course",
                metric=what,
                value=format_number(float(m1[m]), 0),
                span=span,
                held=format_number(float(m0[m]), 0),
            )
            best = (impact, text)
    text = _("would change little that we can measure") if best is None else best[1]
    if recommend_hold:
        return _("Hold course: {option} {effect}.", option=name, effect=text)
    return _("{option} {effect}.", option=name, effect=text)
