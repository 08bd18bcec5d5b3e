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
   equilibrium[source])`` on the target (a coupling with ``when`` only in a turn when
   it holds, read as a branch's condition), plus ``noise_sd·N(0, 1)``;
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

Format v2 (see ``step.py`` for the same rules): conditions are read with the one
evaluator of ``game.model.conditions``; a branch with a condition happens only
where it holds (start-of-turn state, this turn's moves counting); ``trend`` adds
with the drift; chain links set off last turn fire their event with their chance
(after the events' own draws; never a non-repeatable event that has fired); the
ladder: the highest absolute ``stage_to`` of the turn (branches and events) wins
over relative changes and the ladder's own step, else relative changes sum then
clip, then the step; held counters update on the final state before the outcomes;
the moves become "last turn's" at the end. A commitment made this turn falls due
over the next ``deadline`` turns: in each, after the chains, it is met when the
addressee plays a demanded option, else kept when the actor carries it out, else
broken in the last of them; its result's event fires (never a non-repeatable event
that has fired).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from game.model.conditions import Ctx, Index, Node, compile_all, update_held
from game.scenario.schema import Chance, Effect, Option, Scenario, offer_gate

# A policy for the reference: "random", an option id, {option id: weight}, a tuple of
# option ids, one per turn (a line; hold course after its end), or "script" (a scripted
# actor's rules; its default).
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
    last: dict[str, str] = field(default_factory=dict)  # last turn's moves
    cheld: list[int] = field(default_factory=list)  # held-condition counters
    pending: set[int] = field(default_factory=set)  # chain links set off last turn
    use_turns: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # for windows
    mods: dict[int, int] = field(default_factory=dict)  # modifier -> turns it has left
    # (actor, option) of a commitment -> turns it has left (0 or absent: none pending)
    pledge: dict[tuple[str, str], int] = field(default_factory=dict)

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
            last=dict(self.last),
            cheld=list(self.cheld),
            pending=set(self.pending),
            use_turns={k: list(v) for k, v in self.use_turns.items()},
            mods=dict(self.mods),
            pledge=dict(self.pledge),
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


@dataclass
class _Conds:
    """Every condition of the scenario as a node of the shared evaluator."""

    ix: Index
    avail: dict[tuple[str, str], Node | None]
    event: dict[str, Node | None]
    outcome: dict[str, Node | None]
    branch: dict[tuple[str, str, str], Node | None]
    links: list[tuple[str, str, Chance]]  # (source event, event set off, chance)
    # (source: an event id or "inject:ID", target, odds, turns, effects scale)
    mods: list[tuple[str, str, float, int, float]]
    ladder: list[tuple[Node | None, Node | None]]  # each stage's up_when, down_when
    scripts: dict[str, list[tuple[Node | None, str]]]  # scripted actor -> its rules
    coupling: list[Node | None]  # each coupling's ``when``


_CACHE: dict[int, tuple[Scenario, _Conds]] = {}


def _conds(scn: Scenario) -> _Conds:
    hit = _CACHE.get(id(scn))
    if hit is not None and hit[0] is scn:
        return hit[1]
    ix = Index.of(scn)
    cs = _Conds(
        ix=ix,
        avail={
            (a.id, o.id): compile_all([*o.available.conditions, *offer_gate(scn, a.id, o.id)], ix)
            for a in scn.actors
            for o in a.options
        },
        event={e.id: compile_all(e.when.conditions, ix) for e in scn.events},
        outcome={
            o.id: compile_all(o.trigger.conditions, ix) if o.trigger else None for o in scn.outcomes
        },
        branch={
            (a.id, o.id, b.id): None if b.condition is None else compile_all([b.condition], ix)
            for a in scn.actors
            for o in a.options
            for b in o.branches
        },
        links=[(e.id, link.event, link.chance) for e in scn.events for link in e.then],
        mods=[
            (e.id, m.event, m.hazard_odds, m.turns, m.effects_scale)
            for e in scn.events
            for m in e.modifiers
        ]
        + [
            (f"inject:{i.id}", m.event, m.hazard_odds, m.turns, m.effects_scale)
            for i in scn.injects
            for m in i.modifiers
        ],
        ladder=[(compile_all(s.up_when, ix), compile_all(s.down_when, ix)) for s in scn.ladder],
        scripts={
            a.id: [(compile_all(r.when, ix), r.option) for r in a.script.rules]
            for a in scn.actors
            if a.script is not None
        },
        coupling=[compile_all(k.when, ix) for k in scn.dynamics.coupling],
    )
    _CACHE[id(scn)] = (scn, cs)
    return cs


def _ctx(
    scn: Scenario,
    w: RefWorld,
    x: Mapping[str, float],
    stage: int,
    now: Mapping[str, str] | None,
) -> Ctx:
    """One world as the evaluator reads it (a batch of one), for turn ``w.turn + 1``."""
    ix = _conds(scn).ix
    width = max(len(a.options) for a in scn.actors)
    uses = np.zeros((1, len(scn.actors), width), dtype=np.int64)
    for (aid, oid), k in w.uses.items():
        a = ix.actor[aid]
        uses[0, a, ix.option[a][oid]] = k

    def moves(mv: Mapping[str, str]) -> np.ndarray:
        return np.array(
            [[ix.option[i].get(mv.get(a.id, ""), -1) for i, a in enumerate(scn.actors)]],
            dtype=np.int64,
        )

    n_held = len(ix.held)
    held = np.array(w.cheld or [0] * n_held, dtype=np.int64).reshape(n_held, 1)
    return Ctx(
        x=np.array([[x[m.id]] for m in scn.metrics]),
        stage=np.array([stage], dtype=np.int64),
        turn=w.turn + 1,
        uses=uses,
        now=None if now is None else moves(now),
        last=moves(w.last),
        held=held,
    )


def _holds(node: Node | None, ctx: Ctx) -> bool:
    return node is None or bool(node.eval(ctx)[0])


def _moves_match(want: Mapping[str, list[str]], moves: Mapping[str, str]) -> bool:
    return all(moves[a] in opts for a, opts in want.items())


def _add(
    delta: dict[str, float],
    effects: Mapping[str, Effect],
    rng: np.random.Generator,
    scale: float = 1.0,
) -> None:
    for mid, e in effects.items():
        delta[mid] += scale * (e.mean + (e.sd * rng.standard_normal() if e.sd > 0 else 0.0))


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
            if ev.stage_to is not None:
                w.stage = [s.id for s in scn.ladder].index(ev.stage_to)
        # modifiers (the inject's and its event's) and chain links start with this turn
        cs = _conds(scn)
        for k, (src, _target, _odds, turns, _scale) in enumerate(cs.mods):
            if src == f"inject:{inj.id}" or (ev is not None and src == ev.id):
                w.mods[k] = turns
        if ev is not None:
            w.pending |= {k for k, (src, _d, _c) in enumerate(cs.links) if src == ev.id}


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
    cs = _conds(scn)
    ctx = _ctx(scn, w, w.x, w.stage, None)
    out = []
    for o in a.options:
        if o.available.stages and stage_id not in o.available.stages:
            continue
        if not _holds(cs.avail[(a.id, o.id)], ctx):
            continue
        if w.cooldown.get((a.id, o.id), 0) > 0:
            continue
        if o.max_uses is not None and w.uses.get((a.id, o.id), 0) >= o.max_uses:
            continue
        if o.window is not None:
            # the uses in the window of ``turns`` turns that ends with the turn to play
            recent = [
                u for u in w.use_turns.get((a.id, o.id), []) if u > w.turn + 1 - o.window.turns
            ]
            if len(recent) >= o.window.uses:
                continue
        out.append(o.id)
    return out


def ref_choose(
    scn: Scenario, w: RefWorld, actor: str, policy: RefPolicy, rng: np.random.Generator
) -> str:
    """An option id for ``actor`` under ``policy`` (hold course when nothing fits)."""
    a = next(a for a in scn.actors if a.id == actor)
    avail = ref_available(scn, w, actor)
    if a.script is not None and policy == "script":
        ctx = _ctx(scn, w, w.x, w.stage, None)
        for node, option in _conds(scn).scripts[a.id]:
            if option in avail and _holds(node, ctx):
                return option
        return a.script.otherwise if a.script.otherwise in avail else a.hold_option
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
    cs = _conds(scn)
    stage_ids = [s.id for s in scn.ladder]
    absolute = -1  # the highest absolute stage set this turn

    # 1. the moves and their branches
    ctx0 = _ctx(scn, w, x0, s0, moves)
    for actor in scn.actors:
        opt = _option(scn, actor.id, moves[actor.id])
        _add(delta, opt.effects, rng)
        for br in opt.branches:
            if rng.random() < chance(scn, br.chance, x0, s0, ini) and _holds(
                cs.branch[(actor.id, opt.id, br.id)], ctx0
            ):
                _add(delta, br.effects, rng)
                if br.stage_to is not None:
                    absolute = max(absolute, stage_ids.index(br.stage_to))
    # 2. interactions (one with a chance applies only when its draw says so)
    for it in scn.interactions:
        if _moves_match(it.when, moves) and (
            it.chance is None or rng.random() < chance(scn, it.chance, x0, s0, ini)
        ):
            _add(delta, it.effects, rng)
    # 3. drift, coupling, noise
    for m in scn.metrics:
        delta[m.id] -= m.reversion * (x0[m.id] - m.equilibrium)
        if m.noise_sd > 0:
            delta[m.id] += m.noise_sd * rng.standard_normal()
        delta[m.id] += m.trend
    eq = {m.id: m.equilibrium for m in scn.metrics}
    for k, cp in enumerate(scn.dynamics.coupling):
        if _holds(cs.coupling[k], ctx0):
            delta[cp.target] += cp.coef * (x0[cp.source] - eq[cp.source])
    x1 = _clip(scn, {k: x0[k] + delta[k] for k in x0})

    # 4. events
    stage_id0 = scn.ladder[s0].id
    ctx1 = _ctx(scn, w, x1, s0, moves)
    fired = []
    for e in scn.events:
        if e.when.stages and stage_id0 not in e.when.stages:
            continue
        if not _holds(cs.event[e.id], ctx1):
            continue
        if not _moves_match(e.when.moves, moves):
            continue
        if not e.repeatable and e.id in w.fired:
            continue
        p = chance(scn, e.hazard, x1, s0, ini)
        for k, (_src, target, odds, _turns, _scale) in enumerate(cs.mods):
            if target == e.id and w.mods.get(k, 0) > 0 and 0.0 < p < 1.0:
                p = p * odds / (1.0 - p + p * odds)
        if rng.random() < p:
            fired.append(e)
    # chains: links set off last turn
    by_id = {e.id: e for e in scn.events}
    for k, (_src, dst, ch) in enumerate(cs.links):
        if k in w.pending and rng.random() < chance(scn, ch, x1, s0, ini):
            e = by_id[dst]
            if e not in fired and (e.repeatable or e.id not in w.fired):
                fired.append(e)
    # commitments: met, else carried out, else broken on the last turn of the deadline
    settled = set()
    for actor in scn.actors:
        for opt in actor.options:
            cm = opt.commits
            left = w.pledge.get((actor.id, opt.id), 0)
            if cm is None or left <= 0:
                continue
            if moves[cm.to] in cm.demand:
                result = cm.met
            elif moves[actor.id] in cm.carry_out:
                result = cm.kept
            elif left == 1:
                result = cm.broken
            else:
                continue
            settled.add((actor.id, opt.id))
            if result is not None:
                e = by_id[result]
                if e not in fired and (e.repeatable or e.id not in w.fired):
                    fired.append(e)
    fired_ids = {e.id for e in fired}
    w.pending = {k for k, (src, _d, _c) in enumerate(cs.links) if src in fired_ids}
    fired.sort(key=lambda e: list(by_id).index(e.id))
    x2 = x1
    stage = s0
    if fired:
        d2 = {m.id: 0.0 for m in scn.metrics}
        for e in fired:
            scale = 1.0
            for k, (_src, target, _odds, _turns, factor) in enumerate(cs.mods):
                if target == e.id and w.mods.get(k, 0) > 0:
                    scale *= factor
            _add(d2, e.effects, rng, scale)
            w.fired.add(e.id)
            if e.stage_to is not None:
                absolute = max(absolute, stage_ids.index(e.stage_to))
        x2 = _clip(scn, {k: x1[k] + d2[k] for k in x1})
        shift = sum(e.stage_change for e in fired)
        stage = min(max(s0 + shift, 0), len(scn.ladder) - 1)

    # 5. ladder
    top = len(scn.ladder) - 1
    p_up = chance(scn, scn.ladder[stage].up, x2, stage, ini) if stage < top else 0.0
    p_down = chance(scn, scn.ladder[stage].down, x2, stage, ini) if stage > 0 else 0.0
    ctx_l = _ctx(scn, w, x2, stage, moves)
    if not _holds(cs.ladder[stage][0], ctx_l):
        p_up = 0.0
    if not _holds(cs.ladder[stage][1], ctx_l):
        p_down = 0.0
    if absolute >= 0:
        stage = absolute  # an absolute set wins: no relative change, no ladder step
    elif rng.random() < p_up:
        stage += 1
    elif rng.random() < p_down:
        stage -= 1

    # held conditions, on the final state
    if cs.ix.held:
        counters = np.array(w.cheld or [0] * len(cs.ix.held), dtype=np.int64)[:, None]
        update_held(cs.ix.held, counters, _ctx(scn, w, x2, stage, moves))
        w.cheld = [int(v) for v in counters[:, 0]]

    # 6. outcomes
    stage_id = scn.ladder[stage].id
    ctx2 = _ctx(scn, w, x2, stage, moves)
    winner = None
    for oc in scn.outcomes:
        t = oc.trigger
        if t is None:
            continue
        ok = (
            (not t.stages or stage_id in t.stages)
            and _holds(cs.outcome[oc.id], ctx2)
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
        if opt.window is not None:
            w.use_turns.setdefault((actor.id, opt.id), []).append(w.turn + 1)
    w.last = dict(moves)
    for key in list(w.pledge):
        w.pledge[key] = 0 if key in settled else max(w.pledge[key] - 1, 0)
    for actor in scn.actors:
        opt = _option(scn, actor.id, moves[actor.id])
        if opt.commits is not None:
            w.pledge[(actor.id, opt.id)] = opt.commits.deadline
    for k, (src, _target, _odds, turns, _scale) in enumerate(cs.mods):
        w.mods[k] = max(w.mods.get(k, 0) - 1, 0)
        if src in fired_ids:
            w.mods[k] = turns
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
                    a.id: ref_choose(
                        scn,
                        w,
                        a.id,
                        policies.get(a.id, "script" if a.script is not None else "random"),
                        rng,
                    )
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
