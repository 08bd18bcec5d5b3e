"""The rules of a turn written plainly, one world at a time, from the scenario itself.

This is the yardstick for the vectorised model (``step.py``): it reads the
``game.scenario.schema`` objects directly (never the compiled arrays), keeps a
world as dictionaries, and draws each random quantity separately (one normal
per effect, one uniform per chance). Tests check that both agree in
distribution; the benchmark reports how much faster the vectorised code is.

The rules (the same as ``step.py``'s docstring), for a world that has not ended:

1. each actor's chosen option adds ``mean + sd·N(0, 1)`` per metric; each of its
   branches happens with its chance (at the start-of-turn state and stage) and
   adds its effects;
2. each interaction whose listed actors all chose one of its options adds its
   effects;
3. drift: ``-reversion·(x - equilibrium)`` plus coupling ``coef·(x[source] -
   equilibrium[source])`` on the target, plus ``noise_sd·N(0, 1)``;
   1-3 all read the state at the start of the turn; then clip to the ranges;
4. events, in order: eligible when the start-of-turn stage is allowed, the
   conditions hold on the clipped state, the moves match, and it has not fired
   before unless repeatable; fires with its hazard on the clipped state at the
   start-of-turn stage; the fired events' effects are added and clipped; the
   stage moves by the sum of their stage changes (kept on the ladder);
5. ladder, from the stage after the events: climb with ``up`` (never from the
   top); otherwise step down with ``down`` (never from the bottom), both on the
   final state at that stage;
6. outcomes, in order, on the final state at the new stage: a trigger holds when
   the stage is allowed, its conditions hold and its moves match; ``held``
   counts consecutive turns; once ``held >= hold_turns`` it happens with its
   chance; the first that happens wins; at the turn limit a running world gets
   the turn-limit outcome;
7. cooldowns tick down, chosen options start theirs; uses go up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from game.model.compiled import OP_CODE, compare
from game.scenario.schema import Chance, Condition, Effect, Option, Scenario

# A policy for the reference: "random", an option id, {option id: weight}, or a tuple of
# option ids, one per turn (a line; hold course after its end).
RefPolicy = str | Mapping[str, float] | tuple[str, ...]


@dataclass
class RefWorld:
    """One world: metric values by id, the stage by index, and the bookkeeping."""

    x: dict[str, float]
    stage: int
    turn: int = 0
    outcome: str | None = None
    ended: int | None = None
    cooldown: dict[tuple[str, str], int] = field(default_factory=dict)
    uses: dict[tuple[str, str], int] = field(default_factory=dict)
    fired: set[str] = field(default_factory=set)
    held: dict[str, int] = field(default_factory=dict)

    def copy(self) -> RefWorld:
        return RefWorld(
            x=dict(self.x),
            stage=self.stage,
            turn=self.turn,
            outcome=self.outcome,
            ended=self.ended,
            cooldown=dict(self.cooldown),
            uses=dict(self.uses),
            fired=set(self.fired),
            held=dict(self.held),
        )


def _clip(scn: Scenario, x: dict[str, float]) -> dict[str, float]:
    return {m.id: min(max(x[m.id], m.range[0]), m.range[1]) for m in scn.metrics}


def chance(
    scn: Scenario,
    ch: Chance,
    x: Mapping[str, float],
    stage: int,
    initial: Mapping[str, float] | None = None,
) -> float:
    """p(x) = sigmoid(logit(p) + Σ slope·(x - initial mean) + stage_shift[stage])."""
    if ch.p <= 0.0:
        return 0.0
    if ch.p >= 1.0:
        return 1.0
    if initial is None:
        initial = {m.id: m.initial.mean for m in scn.metrics}
    z = math.log(ch.p / (1.0 - ch.p))
    for mid, s in ch.slope.items():
        z += s * (x[mid] - initial[mid])
    z += ch.stage_shift.get(scn.ladder[stage].id, 0.0)
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _holds(cond: Condition, x: Mapping[str, float]) -> bool:
    return bool(compare(OP_CODE[cond.op], x[cond.metric], cond.value))


def _moves_match(want: Mapping[str, list[str]], moves: Mapping[str, str]) -> bool:
    return all(moves[a] in opts for a, opts in want.items())


def _add(delta: dict[str, float], effects: Mapping[str, Effect], rng: np.random.Generator) -> None:
    for mid, e in effects.items():
        delta[mid] += e.mean + (e.sd * rng.standard_normal() if e.sd > 0 else 0.0)


def ref_inject(scn: Scenario, w: RefWorld, rng: np.random.Generator) -> None:
    """The injects scheduled for the turn about to be played (``w.turn + 1``), in place:
    their effects and those of the event they fire, then that event's ladder change."""
    for inj in scn.injects:
        if inj.turn != w.turn + 1:
            continue
        delta = {m.id: 0.0 for m in scn.metrics}
        _add(delta, inj.effects, rng)
        ev = next((e for e in scn.events if e.id == inj.event), None)
        if ev is not None:
            _add(delta, ev.effects, rng)
        w.x = _clip(scn, {k: v + delta[k] for k, v in w.x.items()})
        if ev is not None:
            w.fired.add(ev.id)
            w.stage = min(len(scn.ladder) - 1, max(0, w.stage + ev.stage_change))


def ref_initial(scn: Scenario, rng: np.random.Generator) -> RefWorld:
    """A world at turn 0 with its start drawn from the metrics' initial uncertainty."""
    x = {
        m.id: m.initial.mean + (m.initial.sd * rng.standard_normal() if m.initial.sd > 0 else 0.0)
        for m in scn.metrics
    }
    stage = [s.id for s in scn.ladder].index(scn.initial_stage)
    return RefWorld(x=_clip(scn, x), stage=stage)


def ref_available(scn: Scenario, w: RefWorld, actor: str) -> list[str]:
    """The ids of the options ``actor`` may choose in world ``w`` now."""
    a = next(a for a in scn.actors if a.id == actor)
    stage_id = scn.ladder[w.stage].id
    out = []
    for o in a.options:
        if o.available.stages and stage_id not in o.available.stages:
            continue
        if not all(_holds(c, w.x) for c in o.available.conditions):
            continue
        if w.cooldown.get((a.id, o.id), 0) > 0:
            continue
        if o.max_uses is not None and w.uses.get((a.id, o.id), 0) >= o.max_uses:
            continue
        out.append(o.id)
    return out


def ref_choose(
    scn: Scenario, w: RefWorld, actor: str, policy: RefPolicy, rng: np.random.Generator
) -> str:
    """An option id for ``actor`` under ``policy`` (hold course when nothing fits)."""
    a = next(a for a in scn.actors if a.id == actor)
    avail = ref_available(scn, w, actor)
    if isinstance(policy, tuple):
        want = policy[w.turn] if w.turn < len(policy) else a.hold_option
        return want if want in avail else a.hold_option
    if isinstance(policy, str):
        if policy != "random":
            return policy if policy in avail else a.hold_option
        weights = {o: 1.0 for o in avail}
    else:
        weights = {o: float(policy.get(o, 0.0)) for o in avail}
        weights = {o: v for o, v in weights.items() if v > 0}
    if not weights:
        return a.hold_option
    names = list(weights)
    p = np.array([weights[o] for o in names])
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def _option(scn: Scenario, actor: str, option: str) -> Option:
    a = next(a for a in scn.actors if a.id == actor)
    return next(o for o in a.options if o.id == option)


def ref_step(
    scn: Scenario, w: RefWorld, moves: Mapping[str, str], rng: np.random.Generator
) -> list[str]:
    """Play one turn of world ``w`` in place; returns the ids of the events that fired."""
    if w.outcome is not None:
        return []
    x0 = dict(w.x)
    s0 = w.stage
    delta = {m.id: 0.0 for m in scn.metrics}
    ini = {m.id: m.initial.mean for m in scn.metrics}

    # 1. the moves and their branches
    for actor in scn.actors:
        opt = _option(scn, actor.id, moves[actor.id])
        _add(delta, opt.effects, rng)
        for br in opt.branches:
            if rng.random() < chance(scn, br.chance, x0, s0, ini):
                _add(delta, br.effects, rng)
    # 2. interactions
    for it in scn.interactions:
        if _moves_match(it.when, moves):
            _add(delta, it.effects, rng)
    # 3. drift, coupling, noise
    for m in scn.metrics:
        delta[m.id] -= m.reversion * (x0[m.id] - m.equilibrium)
        if m.noise_sd > 0:
            delta[m.id] += m.noise_sd * rng.standard_normal()
    eq = {m.id: m.equilibrium for m in scn.metrics}
    for cp in scn.dynamics.coupling:
        delta[cp.target] += cp.coef * (x0[cp.source] - eq[cp.source])
    x1 = _clip(scn, {k: x0[k] + delta[k] for k in x0})

    # 4. events
    stage_id0 = scn.ladder[s0].id
    fired = []
    for e in scn.events:
        if e.when.stages and stage_id0 not in e.when.stages:
            continue
        if not all(_holds(c, x1) for c in e.when.conditions):
            continue
        if not _moves_match(e.when.moves, moves):
            continue
        if not e.repeatable and e.id in w.fired:
            continue
        if rng.random() < chance(scn, e.hazard, x1, s0, ini):
            fired.append(e)
    x2 = x1
    stage = s0
    if fired:
        d2 = {m.id: 0.0 for m in scn.metrics}
        for e in fired:
            _add(d2, e.effects, rng)
            w.fired.add(e.id)
        x2 = _clip(scn, {k: x1[k] + d2[k] for k in x1})
        shift = sum(e.stage_change for e in fired)
        stage = min(max(s0 + shift, 0), len(scn.ladder) - 1)

    # 5. ladder
    top = len(scn.ladder) - 1
    p_up = chance(scn, scn.ladder[stage].up, x2, stage, ini) if stage < top else 0.0
    p_down = chance(scn, scn.ladder[stage].down, x2, stage, ini) if stage > 0 else 0.0
    if rng.random() < p_up:
        stage += 1
    elif rng.random() < p_down:
        stage -= 1

    # 6. outcomes
    stage_id = scn.ladder[stage].id
    winner = None
    for oc in scn.outcomes:
        t = oc.trigger
        if t is None:
            continue
        ok = (
            (not t.stages or stage_id in t.stages)
            and all(_holds(c, x2) for c in t.conditions)
            and _moves_match(t.moves, moves)
        )
        w.held[oc.id] = w.held.get(oc.id, 0) + 1 if ok else 0
        if (
            winner is None
            and w.held[oc.id] >= t.hold_turns
            and rng.random() < chance(scn, t.chance, x2, stage, ini)
        ):
            winner = oc.id
    if winner is None and w.turn + 1 >= scn.meta.turn_limit:
        winner = next(oc.id for oc in scn.outcomes if oc.at_turn_limit)
    if winner is not None:
        w.outcome = winner
        w.ended = w.turn + 1

    # 7. bookkeeping
    for key in list(w.cooldown):
        w.cooldown[key] = max(w.cooldown[key] - 1, 0)
    for actor in scn.actors:
        opt = _option(scn, actor.id, moves[actor.id])
        w.cooldown[(actor.id, opt.id)] = opt.cooldown
        w.uses[(actor.id, opt.id)] = w.uses.get((actor.id, opt.id), 0) + 1
    w.x = x2
    w.stage = stage
    w.turn += 1
    return [e.id for e in fired]


@dataclass
class RefForecast:
    outcome_ids: list[str]
    metric_ids: list[str]
    worlds: int
    horizon: int
    p_by_turn: np.ndarray  # [H+1, Q+1] share of worlds that reached each outcome; last: none
    stage_dist: np.ndarray  # [H+1, S]
    mean: np.ndarray  # [M] metric means at the horizon
    final: list[RefWorld]


def ref_forecast(
    scn: Scenario,
    world: RefWorld | None,
    policies: Mapping[str, RefPolicy],
    rng: np.random.Generator,
    worlds: int,
    horizon: int,
    injects: bool = False,
) -> RefForecast:
    """Play ``worlds`` copies of ``world`` (None: each its own ``ref_initial`` start)
    for ``horizon`` turns; ``policies`` by actor id (default "random")."""
    outcome_ids = [o.id for o in scn.outcomes]
    metric_ids = [m.id for m in scn.metrics]
    q_index = {o: i for i, o in enumerate(outcome_ids)}
    p_by_turn = np.zeros((horizon + 1, len(outcome_ids) + 1))
    stage_dist = np.zeros((horizon + 1, len(scn.ladder)))
    final = []
    for _ in range(worlds):
        w = ref_initial(scn, rng) if world is None else world.copy()
        for h in range(horizon + 1):
            if h and w.outcome is None:
                if injects:
                    ref_inject(scn, w, rng)
                moves = {
                    a.id: ref_choose(scn, w, a.id, policies.get(a.id, "random"), rng)
                    for a in scn.actors
                }
                ref_step(scn, w, moves, rng)
            col = len(outcome_ids) if w.outcome is None else q_index[w.outcome]
            p_by_turn[h, col] += 1
            stage_dist[h, w.stage] += 1
        final.append(w)
    mean = np.array([np.mean([w.x[m] for w in final]) for m in metric_ids])
    return RefForecast(
        outcome_ids=outcome_ids,
        metric_ids=metric_ids,
        worlds=worlds,
        horizon=horizon,
        p_by_turn=p_by_turn / worlds,
        stage_dist=stage_dist / worlds,
        mean=mean,
        final=final,
    )
