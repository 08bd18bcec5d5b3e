"""The model's view of a played game: the odds at each decision, the bands, the
turning points, the spread of outcomes over many worlds, and the scores.

Every forecast here starts from the *true* state at a decision (re-played from
the log), so it is the model's judgement in hindsight, not what the players saw
through the fog. Random numbers come from the game's seed under the report's
own spawn keys (``REPORT``), so a report is the same every time it is built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from game.engine.ai import AISettings, objective_weights, persistent_mix
from game.engine.rng import stream
from game.i18n import _
from game.model import Compiled, Fixed, Forecast, Policy, State, Then, Uniform, available, step
from game.model.forecast import forecast, wilson
from game.model.policy import Scripted
from game.report import scoring
from game.report.logdata import GameLog
from game.scenario.schema import OutcomeKind

REPORT = 100  # spawn keys (100, ...) are the report's; the engine uses 0-6
DECISION, SPREAD, BASELINE, SHOWN = 0, 1, 2, 3
HORIZON = 4  # turns ahead for the odds at each decision (the what-if and advisors' horizon)
STILL_RUNNING = "running"


@dataclass
class OptionOdds:
    option: str
    p_war: float
    p: dict[str, float]  # outcome id -> P(within the horizon); "running" -> none yet


@dataclass
class Decision:
    turn: int
    actor: str
    chosen: str
    options: list[OptionOdds]  # every available option (the chosen one included)

    def of(self, option: str) -> OptionOdds:
        return next(o for o in self.options if o.option == option)

    @property
    def chosen_odds(self) -> OptionOdds:
        return self.of(self.chosen)

    @property
    def safest(self) -> OptionOdds:
        return min(self.options, key=lambda o: (o.p_war, o.option != self.chosen))

    @property
    def riskiest(self) -> OptionOdds:
        return max(self.options, key=lambda o: (o.p_war, o.option == self.chosen))


@dataclass
class Turning:
    turn: int  # the change from the decision at ``turn`` to the one at ``turn + 1``
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass
class Spread:
    """Outcomes over many worlds for one way of playing."""

    label: str
    description: str
    worlds: int
    turns: int
    share: dict[str, float]  # outcome id or "running" -> share of worlds
    utility: dict[str, NDArray[np.float64]]  # actor -> utility in every world


@dataclass
class Analysis:
    game: GameLog
    horizon: int
    decision_worlds: int
    spread_worlds: int
    war_ids: list[str]
    played: list[Forecast]  # the forecast as played at each decision (both sides' moves)
    p_war: list[float]  # P(war-kind within the horizon) as played, per turn
    decisions: list[Decision]
    decision_actors: list[str]
    turning: list[Turning]
    spreads: list[Spread]
    actual_utility: dict[str, float]
    baseline: dict[tuple[int, int], Forecast] = field(default_factory=dict)  # (turn, within)
    # the model as the side saw it: (turn, within, actor) -> forecast from its fogged view
    shown: dict[tuple[int, int, str], Forecast] = field(default_factory=dict)

    @property
    def spread(self) -> Spread:
        return self.spreads[0]


def war_outcomes(c: Compiled) -> list[str]:
    return [q for q, kind in zip(c.outcome_ids, c.oc_kind, strict=True) if kind == OutcomeKind.war]


def _idx(c: Compiled, g: GameLog, turn: int) -> list[int]:
    return [c.option_index(a, g.move(turn, aid)) for a, aid in enumerate(c.actor_ids)]


def _persistence(g: GameLog) -> float:
    try:
        return AISettings.from_dict(dict(g.log.get("ai", {}))).persistence
    except (TypeError, ValueError):
        return AISettings().persistence


def _policies(c: Compiled, first: Sequence[int], persistence: float) -> list[Policy]:
    """Each actor plays ``first[a]`` now, then keeps broadly to it (the engine's
    continuation mix: repeat with probability ``persistence``, else any option)."""
    scripted = {} if c.v2 is None else c.v2.scripts
    return [
        Then(
            Fixed(int(o)),
            Scripted() if a in scripted else persistent_mix(c, a, int(o), persistence),
        )
        for a, o in enumerate(first)
    ]


def _odds(f: Forecast, c: Compiled, war: list[str], option: str, h: int) -> OptionOdds:
    p = {q: f.p(q, h) for q in c.outcome_ids}
    p[STILL_RUNNING] = f.p("unresolved", h)
    return OptionOdds(option, sum(p[q] for q in war), p)


def decisions(
    g: GameLog, worlds: int, horizon: int = HORIZON
) -> tuple[list[Forecast], list[Decision], list[str]]:
    """The forecast as played at each turn and, for each decision actor, every
    available option against the other side's actual move (common random numbers:
    each option's forecast starts from a fresh generator of the same seed)."""
    s = g.session
    c = s.c
    war = war_outcomes(c)
    pers = _persistence(g)
    actors = g.human_actors or list(c.actor_ids)
    played: list[Forecast] = []
    out: list[Decision] = []
    for T, st in enumerate(g.states, start=1):
        moves = _idx(c, g, T)

        def rng(T: int = T) -> np.random.Generator:
            return stream(g.seed, REPORT, DECISION, T)

        f = forecast(c, st, _policies(c, moves, pers), rng(), worlds=worlds, horizon=horizon)
        played.append(f)
        for aid in actors:
            a = c.actor_index(aid)
            chosen = g.move(T, aid)
            opts = g.available(T, aid)
            if chosen not in opts:
                opts.append(chosen)
            odds = []
            for oid in opts:
                if oid == chosen:
                    odds.append(_odds(f, c, war, oid, horizon))
                    continue
                first = list(moves)
                first[a] = c.option_index(a, oid)
                alt = forecast(
                    c, st, _policies(c, first, pers), rng(), worlds, horizon, quantiles=False
                )
                odds.append(_odds(alt, c, war, oid, horizon))
            order = {o: i for i, o in enumerate(c.option_ids[a])}
            odds.sort(key=lambda o: order[o.option])
            out.append(Decision(T, aid, chosen, odds))
    return played, out, actors


def turning_points(p_war: list[float], n: int = 3, min_change: float = 0.02) -> list[Turning]:
    """The ``n`` largest changes in P(war) from one decision to the next."""
    steps = [Turning(t + 1, p_war[t], p_war[t + 1]) for t in range(len(p_war) - 1)]
    steps = [s for s in steps if abs(s.change) >= min_change]
    steps.sort(key=lambda s: (-abs(s.change), s.turn))
    return sorted(steps[:n], key=lambda s: s.turn)


# --- the same choices over many worlds ----------------------------------------------------------


def _apply_actions(g: GameLog, turn: int, st: State, rng: np.random.Generator) -> None:
    """The injects and console actions of ``turn`` in every running world.

    Mirrors the engine's console (``engine/console.py``: effects drawn as mean + sd·z,
    clipped to the range; an event is marked fired and moves the ladder) and
    ``set_metric``; free-text injects, pauses and advice change nothing.
    """
    c = g.session.c
    scn = g.loaded.scenario
    run = st.outcome < 0
    if not run.any():
        return
    for act in g.turns[turn - 1]["actions"]:
        kind = act.get("kind")
        mean = np.zeros(c.n_metrics)
        var = np.zeros(c.n_metrics)
        e: int | None = None
        if kind == "inject":
            inj = next((i for i in scn.injects if i.id == act.get("id")), None)
            if inj is None:
                continue
            for mid, eff in inj.effects.items():
                m = c.index["metric"][mid]
                mean[m] += eff.mean
                var[m] += eff.sd**2
            if inj.event is not None:
                e = c.index["event"][inj.event]
        elif kind == "fire_event" and act.get("event") in c.index["event"]:
            e = c.index["event"][act["event"]]
        elif kind == "set_metric" and act.get("metric") in c.index["metric"]:
            st.x[run, c.index["metric"][act["metric"]]] = float(act["value"])
            continue
        else:
            continue
        if e is not None:
            mean, var = mean + c.ev_mean[e], var + c.ev_var[e]
        z = rng.standard_normal((int(run.sum()), c.n_metrics))
        st.x[run] = np.clip(st.x[run] + mean + np.sqrt(var) * z, c.lo, c.hi)
        if e is not None:
            st.fired[run, e] = True
            st.stage[run] = np.clip(st.stage[run] + c.ev_stage_change[e], 0, c.n_stages - 1)


Chooser = Callable[[int, State, NDArray[np.bool_], np.random.Generator], NDArray[np.int64]]


def run_worlds(g: GameLog, choose: Chooser, worlds: int, key: int) -> State:
    """Play the game's turns again in ``worlds`` worlds from the true start, with the
    same injects and console actions, moves from ``choose`` (hold course where a
    move is not available in a world)."""
    c = g.session.c
    st = g.states[0].repeat(worlds)
    rng = stream(g.seed, REPORT, SPREAD, key)
    inj = stream(g.seed, REPORT, SPREAD, key, 1)
    rows = np.arange(worlds)
    for T in range(1, g.n_turns + 1):
        if T > 1:
            _apply_actions(g, T, st, inj)
        if not (st.outcome < 0).any():
            break
        avail = available(c, st)
        moves = choose(T, st, avail, rng)
        for a in range(c.n_actors):
            ok = avail[rows, a, moves[:, a]]
            moves[:, a] = np.where(ok, moves[:, a], c.hold[a])
        step(c, st, moves, rng)
    return st


def utilities(g: GameLog, st: State) -> dict[str, NDArray[np.float64]]:
    """Each actor's score in each world: Σ_m w_m·(x_m(end) − x_m(start)) + w(outcome),
    its objectives as the AI and advisors weigh them (ai.objective_weights)."""
    c = g.session.c
    x0 = (g.states[0] if g.states else g.session.state).x[0]
    out = {}
    for a, actor in enumerate(g.loaded.scenario.actors):
        wm, wq = objective_weights(c, actor.objectives)
        out[c.actor_ids[a]] = (st.x - x0) @ wm + wq[st.outcome]
    return out


def spreads(g: GameLog, worlds: int) -> list[Spread]:
    """The choices as played, then two references: the people's sides holding course
    every turn (the rest as played), and everyone playing at random."""
    c = g.session.c
    if g.n_turns == 0:
        return []
    played = np.array([_idx(c, g, T) for T in range(1, g.n_turns + 1)], dtype=np.int64)
    people = [c.actor_index(a) for a in (g.human_actors or c.actor_ids)]
    hold_moves = played.copy()
    for a in people:
        hold_moves[:, a] = c.hold[a]
    names = [g.loaded.scenario.actors[a].name for a in people]

    def fixed(table: NDArray[np.int64]) -> Chooser:
        def choose(T: int, st: State, avail: NDArray[np.bool_], rng: np.random.Generator):
            return np.repeat(table[T - 1][None, :], st.n, axis=0)

        return choose

    def random(T: int, st: State, avail: NDArray[np.bool_], rng: np.random.Generator):
        # (a scripted actor follows its rules: nobody chooses its moves)
        scripted = {} if c.v2 is None else c.v2.scripts
        pols = [Scripted() if a in scripted else Uniform() for a in range(c.n_actors)]
        return np.stack([p(c, st, a, avail, rng, 0) for a, p in enumerate(pols)], axis=1)

    who = _(" and ").join(names)
    others = [scn_a.name for a, scn_a in enumerate(g.loaded.scenario.actors) if a not in people]
    held = (
        _(
            "{sides} holding course every turn, {others} as played",
            sides=who,
            others=_(" and ").join(others),
        )
        if others
        else _("{sides} holding course every turn", sides=who)
    )
    plans = [
        (_("As played"), _("every side's moves as they were made"), fixed(played)),
        (_("Holding course"), held, fixed(hold_moves)),
        (
            _("At random"),
            _("every side choosing at random among its available options"),
            random,
        ),
    ]
    out = []
    for k, (label, text, choose) in enumerate(plans):
        st = run_worlds(g, choose, worlds, k)
        counts = np.bincount(st.outcome + 1, minlength=len(c.outcome_ids) + 1)
        share = {q: float(counts[i + 1] / worlds) for i, q in enumerate(c.outcome_ids)}
        share[STILL_RUNNING] = float(counts[0] / worlds)
        out.append(Spread(label, text, worlds, g.n_turns, share, utilities(g, st)))
    return out


def actual_utility(g: GameLog) -> dict[str, float]:
    st = g.session.state
    return {a: float(u[0]) for a, u in utilities(g, st).items()}


def percentile(values: NDArray[np.float64], x: float) -> float:
    """Share of worlds scoring below ``x`` (ties count half), 0..1."""
    if values.size == 0:
        return float("nan")
    below = float((values < x - 1e-9).sum())
    ties = float((np.abs(values - x) <= 1e-9).sum())
    return (below + 0.5 * ties) / values.size


def ci(p: float, n: int) -> tuple[float, float]:
    return wilson(p, n)


# --- the model as a forecaster (baseline for the students' Brier scores) -------------------------


def baseline(g: GameLog, turn: int, within: int, worlds: int) -> Forecast:
    """The model's forecast at the decision of ``turn``, from the true state, knowing
    no one's move this turn: every side keeps broadly to its last move (the engine's
    opponent model; hold course at the start)."""
    c = g.session.c
    last = _idx(c, g, turn - 1) if turn > 1 else [int(h) for h in c.hold]
    pers = _persistence(g)
    pol = [persistent_mix(c, a, int(o), pers) for a, o in enumerate(last)]
    return forecast(
        c,
        g.states[turn - 1],
        pol,
        stream(g.seed, REPORT, BASELINE, turn),
        worlds=worlds,
        horizon=within,
        quantiles=False,
    )


def shown_baseline(g: GameLog, turn: int, within: int, worlds: int, actor: str) -> Forecast:
    """``baseline`` from the world as ``actor`` saw it at the decision of ``turn``: each
    metric it only estimated set to the estimate it was shown (the log's ``shown``), the
    rest true. A team is scored against this too: the odds it could have known."""
    c = g.session.c
    st = g.states[turn - 1].copy()
    shown = g.turns[turn - 1].get("shown", {}).get(actor, {}).get("estimates", {})
    for mid, est in shown.items():
        if mid in c.index["metric"]:
            m = c.index["metric"][mid]
            st.x[0, m] = float(np.clip(float(est[0]), c.lo[m], c.hi[m]))
    last = _idx(c, g, turn - 1) if turn > 1 else [int(h) for h in c.hold]
    pers = _persistence(g)
    pol = [persistent_mix(c, a, int(o), pers) for a, o in enumerate(last)]
    return forecast(
        c,
        st,
        pol,
        stream(g.seed, REPORT, SHOWN, turn, c.actor_index(actor)),
        worlds=worlds,
        horizon=within,
        quantiles=False,
    )


def model_probs(f: Forecast, named: Sequence[str], within: int) -> dict[str, float]:
    """The model's probabilities over a student forecast's categories."""
    out = {q: f.p(q, within) for q in named if q != scoring.NONE}
    out[scoring.NONE] = max(0.0, 1.0 - sum(out.values()))
    return out


def analyse(g: GameLog, worlds: int, horizon: int = HORIZON) -> Analysis:
    """Everything the report needs from the model for one game.

    ``worlds`` is the number of worlds of the outcome spread; the forecasts at each
    decision use a fifth of it (at least 500), which keeps a 16-turn report fast.
    """
    c = g.session.c
    d_worlds = max(500, worlds // 5)
    played, decs, actors = decisions(g, d_worlds, horizon)
    war = war_outcomes(c)
    p_war = [sum(f.p(q, horizon) for q in war) for f in played]
    an = Analysis(
        game=g,
        horizon=horizon,
        decision_worlds=d_worlds,
        spread_worlds=worlds,
        war_ids=war,
        played=played,
        p_war=p_war,
        decisions=decs,
        decision_actors=actors,
        turning=turning_points(p_war),
        spreads=spreads(g, worlds),
        actual_utility=actual_utility(g),
    )
    for f in g.forecasts:
        if 1 <= f.turn <= g.n_turns:
            key = (f.turn, f.within)
            if key not in an.baseline:
                an.baseline[key] = baseline(g, f.turn, f.within, d_worlds)
            seen = (f.turn, f.within, f.actor)
            if seen not in an.shown:
                an.shown[seen] = shown_baseline(g, f.turn, f.within, d_worlds, f.actor)
    return an
