"""A validated Scenario compiled once into the arrays the model steps with.

Index maps give every id a position; every coefficient of the scenario becomes
an array entry here, so the step itself contains no scenario numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from game.i18n import _, format_number, ngettext
from game.model.chances import _LOGIT_CAP, OP_CODE, OP_TEXT, ChanceSet, CondSet, MoveFilter, compare
from game.model.chances import sigmoid as sigmoid
from game.model.conditions import Index, Node, compile_all, compile_extra, describe
from game.model.nonfinite import NonFiniteState as NonFiniteState
from game.model.nonfinite import non_finite_error as non_finite_error
from game.scenario.schema import (
    Chance,
    Condition,
    Effect,
    OutcomeKind,
    Scenario,
    offer_gate,
)

if TYPE_CHECKING:
    from game.model.state import State

F = NDArray[np.float64]
B = NDArray[np.bool_]
I = NDArray[np.int64]  # noqa: E741


@dataclass(frozen=True)
class V2:
    """The parts of a format-v2 scenario that a v1 scenario never has (None on
    ``Compiled`` then, so v1 scenarios step exactly as before).

    Condition nodes are the non-metric items of each condition list (the metric
    comparisons keep their fast tables); ``held`` are the inner conditions of the
    ``held`` counters, one row of ``State.cheld`` each.
    """

    av: list[tuple[int, int, Node]]  # (actor, option, extra availability)
    ev: list[tuple[int, Node]]  # (event, extra trigger condition)
    oc: list[tuple[int, Node]]  # (outcome, extra trigger condition)
    br: list[tuple[int, Node]]  # (branch, condition)
    held: list[Node]
    uses_last: bool  # some condition reads last turn's moves: State.last is kept
    ev_stage_to: I  # [E] absolute stage, -1 none
    br_stage_to: I  # [R]
    sets_stage: bool
    ch_src: I  # [L] chain links: the event that sets off ...
    ch_dst: I  # [L] ... this one
    ch_chance: ChanceSet  # [L]
    trend: F  # [M] constant change per turn
    metric_public: list[tuple[int, Node]]  # (metric, condition that makes it public)
    stage_public: Node | None
    # use windows: (actor, option, uses, turns); State.wuse keeps the turns of the last
    # ``win_k`` uses of each (right-aligned, oldest first; -WIN_NONE: none)
    win: list[tuple[int, int, int, int]]
    win_k: int
    # scripted actors: actor -> ([(rule condition, option)], option otherwise)
    scripts: dict[int, tuple[list[tuple[Node, int]], int]]
    # modifiers (State.mods counts the turns each has left): the event it set off by
    # (-1: an inject's), the event whose hazard it changes, log of the odds factor, turns
    mod_src: I
    mod_target: I
    mod_logodds: F
    mod_turns: I
    mod_scale: F  # [K] factor on the target event's effects
    inject_mods: dict[str, list[int]]
    lad_up: list[tuple[int, Node]]  # (stage, condition for climbing from it)
    lad_down: list[tuple[int, Node]]
    # interactions with a chance (their rows of ix_mean and ix_var are zero: they
    # apply through these, where the moves coincide and the chance says so)
    ixc: I  # [Kc] interaction indices
    ixc_chance: ChanceSet
    ixc_mean: F  # [Kc, M]
    ixc_var: F
    # couplings with ``when`` (not in ``drift``): (source, target, coef, condition)
    cp: list[tuple[int, int, float, Node]]
    # commitments (State.pledge counts the turns each has left, 0: none pending): the
    # actor and option that make it, the addressee, the deadline, the addressee's options
    # that meet it and the actor's that carry it out [P, O], and the events of its
    # results [P, 3]: met, kept, broken (-1: none)
    pl_actor: I
    pl_option: I
    pl_to: I
    pl_deadline: I
    pl_demand: B
    pl_carry: B
    pl_ev: I


@dataclass(frozen=True)
class Compiled:
    """The scenario as arrays. Shapes: M metrics, A actors, O options (padded), S stages,
    E events, Q outcomes, R branches, K interactions."""

    scenario: Scenario
    metric_ids: list[str]
    actor_ids: list[str]
    option_ids: list[list[str]]  # per actor
    stage_ids: list[str]
    event_ids: list[str]
    outcome_ids: list[str]
    # metrics
    lo: F
    hi: F
    init_mean: F
    init_sd: F
    eq: F
    drift: F  # [M, M]: dx = (x - eq) @ drift
    noise_var: F  # [M]
    # options
    n_options: I  # [A]
    option_valid: B  # [A, O]
    eff_mean: F  # [A, O, M]
    eff_var: F  # [A, O, M]
    hold: I  # [A]
    cooldown: I  # [A, O]
    max_uses: I  # [A, O]
    avail_stage: B  # [A, O, S]
    avail_cond: CondSet  # groups = A * O (flattened a * O + o)
    covert: B  # [A, O]
    escalation: F  # [A, O]
    # branches
    br_actor: I  # [R]
    br_option: I  # [R]
    br_chance: ChanceSet
    br_mean: F  # [R, M]
    br_var: F  # [R, M]
    br_exposes: B  # [R]
    # interactions
    ix_filter: MoveFilter
    ix_mean: F  # [K, M]
    ix_var: F  # [K, M]
    # events
    ev_chance: ChanceSet
    ev_stage: B  # [E, S]
    ev_cond: CondSet
    ev_moves: MoveFilter
    ev_mean: F  # [E, M]
    ev_var: F  # [E, M]
    ev_stage_change: I  # [E]
    ev_repeatable: B  # [E]
    # ladder
    up: ChanceSet  # [S]
    down: ChanceSet  # [S]
    initial_stage: int
    # outcomes
    oc_trigger: B  # [Q]
    oc_stage: B  # [Q, S]
    oc_cond: CondSet
    oc_moves: MoveFilter
    oc_hold: I  # [Q]
    oc_chance: ChanceSet
    oc_kind: list[OutcomeKind]
    limit_outcome: int
    turn_limit: int
    index: dict[str, dict[str, int]] = field(default_factory=dict)
    v2: V2 | None = None

    @property
    def n_metrics(self) -> int:
        return len(self.metric_ids)

    @property
    def n_actors(self) -> int:
        return len(self.actor_ids)

    @property
    def n_stages(self) -> int:
        return len(self.stage_ids)

    @property
    def max_options(self) -> int:
        return int(self.option_valid.shape[1])

    def option_index(self, actor: str | int, option: str) -> int:
        a = actor if isinstance(actor, int) else self.actor_ids.index(actor)
        try:
            return self.option_ids[a].index(option)
        except ValueError:
            known = ", ".join(self.option_ids[a])
            raise KeyError(
                _(
                    "unknown option {option!r} for actor {actor!r} (known: {known})",
                    option=option,
                    actor=self.actor_ids[a],
                    known=known,
                )
            ) from None

    def actor_index(self, actor: str) -> int:
        try:
            return self.actor_ids.index(actor)
        except ValueError:
            raise KeyError(
                _(
                    "unknown actor {actor!r} (known: {known})",
                    actor=actor,
                    known=", ".join(self.actor_ids),
                )
            ) from None

    def outcomes_of_kind(self, kind: OutcomeKind | str) -> list[int]:
        return [i for i, k in enumerate(self.oc_kind) if k == kind]


def _chances(chs: list[Chance], mi: dict[str, int], si: dict[str, int], x0: F) -> ChanceSet:
    g, m, s = len(chs), len(mi), len(si)
    logit0 = np.zeros(g)
    slope = np.zeros((g, m))
    shift = np.zeros((g, s))
    for k, ch in enumerate(chs):
        p = min(max(ch.p, 0.0), 1.0)
        if p <= 0.0:
            logit0[k] = -np.inf
        elif p >= 1.0:
            logit0[k] = np.inf
        else:
            logit0[k] = np.clip(np.log(p / (1.0 - p)), -_LOGIT_CAP, _LOGIT_CAP)
        for mid, v in ch.slope.items():
            slope[k, mi[mid]] = v
        for sid, v in ch.stage_shift.items():
            shift[k, si[sid]] = v
    # A certain or impossible chance ignores the state (and inf + x·slope could be nan).
    fixed = ~np.isfinite(logit0)
    slope[fixed] = 0.0
    shift[fixed] = 0.0
    return ChanceSet(logit0, slope, shift, x0, bool(slope.any() or shift.any()))


def _plain(conds: list[Any]) -> list[Condition]:
    """The metric comparisons of a condition list (the other forms are compiled as
    condition trees: ``V2``)."""
    return [c for c in conds if isinstance(c, Condition)]


def _conds(groups: list[list[Condition]], mi: dict[str, int]) -> CondSet:
    metric, op, value, group = [], [], [], []
    for g, conds in enumerate(groups):
        for c in conds:
            metric.append(mi[c.metric])
            op.append(OP_CODE[c.op])
            value.append(c.value)
            group.append(g)
    member = np.zeros((len(group), len(groups)))
    member[np.arange(len(group)), group] = 1.0
    return CondSet(
        np.array(metric, dtype=np.int64),
        np.array(op, dtype=np.int64),
        np.array(value, dtype=np.float64),
        np.array(group, dtype=np.int64),
        len(groups),
        member,
    )


def _moves(
    groups: list[dict[str, list[str]]], ai: dict[str, int], oi: list[dict[str, int]], o_max: int
) -> MoveFilter:
    allowed = np.ones((len(groups), len(ai), o_max), dtype=bool)
    for g, mv in enumerate(groups):
        for aid, opts in mv.items():
            a = ai[aid]
            allowed[g, a, :] = False
            for oid in opts:
                allowed[g, a, oi[a][oid]] = True
    return MoveFilter(allowed, bool(any(groups)))


def _effects(effs: list[dict[str, Effect]], mi: dict[str, int]) -> tuple[F, F]:
    mean = np.zeros((len(effs), len(mi)))
    var = np.zeros((len(effs), len(mi)))
    for k, eff in enumerate(effs):
        for mid, e in eff.items():
            mean[k, mi[mid]] += e.mean
            var[k, mi[mid]] += e.sd**2
    return mean, var


def compile_scenario(scn: Scenario) -> Compiled:
    """Turn a validated scenario into arrays (cross-references are assumed checked)."""
    metric_ids = [m.id for m in scn.metrics]
    actor_ids = [a.id for a in scn.actors]
    stage_ids = [s.id for s in scn.ladder]
    event_ids = [e.id for e in scn.events]
    outcome_ids = [o.id for o in scn.outcomes]
    mi = {k: i for i, k in enumerate(metric_ids)}
    ai = {k: i for i, k in enumerate(actor_ids)}
    si = {k: i for i, k in enumerate(stage_ids)}
    oi = [{o.id: j for j, o in enumerate(a.options)} for a in scn.actors]
    M, A, S = len(mi), len(ai), len(si)
    O = max(len(a.options) for a in scn.actors)  # noqa: E741

    lo = np.array([m.range[0] for m in scn.metrics], dtype=np.float64)
    hi = np.array([m.range[1] for m in scn.metrics], dtype=np.float64)
    init_mean = np.array([m.initial.mean for m in scn.metrics], dtype=np.float64)
    init_sd = np.array([m.initial.sd for m in scn.metrics], dtype=np.float64)
    eq = np.array([m.equilibrium for m in scn.metrics], dtype=np.float64)
    drift = -np.diag([m.reversion for m in scn.metrics]).astype(np.float64)
    for c in scn.dynamics.coupling:
        if not c.when:  # a conditional coupling acts per world, through V2.cp
            drift[mi[c.source], mi[c.target]] += c.coef
    noise_var = np.array([m.noise_sd**2 for m in scn.metrics], dtype=np.float64)

    n_options = np.array([len(a.options) for a in scn.actors], dtype=np.int64)
    option_valid = np.zeros((A, O), dtype=bool)
    eff_mean = np.zeros((A, O, M))
    eff_var = np.zeros((A, O, M))
    cooldown = np.zeros((A, O), dtype=np.int64)
    max_uses = np.full((A, O), np.iinfo(np.int32).max, dtype=np.int64)
    avail_stage = np.ones((A, O, S), dtype=bool)
    covert = np.zeros((A, O), dtype=bool)
    escalation = np.zeros((A, O))
    avail_groups: list[list[Condition]] = [[] for _ in range(A * O)]
    br_actor, br_option, br_chances, br_effects, br_exposes = [], [], [], [], []
    for a, actor in enumerate(scn.actors):
        for o, opt in enumerate(actor.options):
            option_valid[a, o] = True
            mean, var = _effects([opt.effects], mi)
            eff_mean[a, o], eff_var[a, o] = mean[0], var[0]
            cooldown[a, o] = opt.cooldown
            if opt.max_uses is not None:
                max_uses[a, o] = opt.max_uses
            if opt.available.stages:
                avail_stage[a, o] = False
                for sid in opt.available.stages:
                    avail_stage[a, o, si[sid]] = True
            avail_groups[a * O + o] = _plain(opt.available.conditions)
            covert[a, o] = opt.covert
            escalation[a, o] = opt.escalation
            for br in opt.branches:
                br_actor.append(a)
                br_option.append(o)
                br_chances.append(br.chance)
                br_effects.append(br.effects)
                br_exposes.append(br.exposes)
        # padding options are never available
        avail_stage[a, len(actor.options) :] = False
    br_mean, br_var = _effects(br_effects, mi)

    ix_mean, ix_var = _effects([it.effects for it in scn.interactions], mi)
    chanced = [k for k, it in enumerate(scn.interactions) if it.chance is not None]
    ixc_mean, ixc_var = ix_mean[chanced].copy(), ix_var[chanced].copy()
    ix_mean[chanced] = 0.0
    ix_var[chanced] = 0.0
    ev_mean, ev_var = _effects([e.effects for e in scn.events], mi)
    ev_stage = np.ones((len(event_ids), S), dtype=bool)
    for k, e in enumerate(scn.events):
        if e.when.stages:
            ev_stage[k] = False
            for sid in e.when.stages:
                ev_stage[k, si[sid]] = True

    Q = len(outcome_ids)
    oc_stage = np.ones((Q, S), dtype=bool)
    oc_trigger = np.zeros(Q, dtype=bool)
    oc_hold = np.ones(Q, dtype=np.int64)
    oc_chances: list[Chance] = []
    oc_cond_groups: list[list[Condition]] = []
    oc_move_groups: list[dict[str, list[str]]] = []
    for q, oc in enumerate(scn.outcomes):
        t = oc.trigger
        oc_trigger[q] = t is not None
        oc_chances.append(t.chance if t is not None else Chance(p=0.0))
        oc_cond_groups.append(_plain(t.conditions) if t is not None else [])
        oc_move_groups.append(dict(t.moves) if t is not None else {})
        if t is not None:
            oc_hold[q] = t.hold_turns
            if t.stages:
                oc_stage[q] = False
                for sid in t.stages:
                    oc_stage[q, si[sid]] = True
    limit = next(q for q, oc in enumerate(scn.outcomes) if oc.at_turn_limit)

    up = [s.up for s in scn.ladder]
    down = [s.down for s in scn.ladder]
    # the top cannot climb and the bottom cannot descend, whatever the file says
    up[-1] = Chance(p=0.0)
    down[0] = Chance(p=0.0)

    index = {
        "metric": mi,
        "actor": ai,
        "stage": si,
        "event": {k: i for i, k in enumerate(event_ids)},
        "outcome": {k: i for i, k in enumerate(outcome_ids)},
    }
    return Compiled(
        scenario=scn,
        metric_ids=metric_ids,
        actor_ids=actor_ids,
        option_ids=[[o.id for o in a.options] for a in scn.actors],
        stage_ids=stage_ids,
        event_ids=event_ids,
        outcome_ids=outcome_ids,
        lo=lo,
        hi=hi,
        init_mean=init_mean,
        init_sd=init_sd,
        eq=eq,
        drift=drift,
        noise_var=noise_var,
        n_options=n_options,
        option_valid=option_valid,
        eff_mean=eff_mean,
        eff_var=eff_var,
        hold=np.array([oi[a][actor.hold_option] for a, actor in enumerate(scn.actors)]),
        cooldown=cooldown,
        max_uses=max_uses,
        avail_stage=avail_stage,
        avail_cond=_conds(avail_groups, mi),
        covert=covert,
        escalation=escalation,
        br_actor=np.array(br_actor, dtype=np.int64),
        br_option=np.array(br_option, dtype=np.int64),
        br_chance=_chances(br_chances, mi, si, init_mean),
        br_mean=br_mean,
        br_var=br_var,
        br_exposes=np.array(br_exposes, dtype=bool),
        ix_filter=_moves([it.when for it in scn.interactions], ai, oi, O),
        ix_mean=ix_mean,
        ix_var=ix_var,
        ev_chance=_chances([e.hazard for e in scn.events], mi, si, init_mean),
        ev_stage=ev_stage,
        ev_cond=_conds([_plain(e.when.conditions) for e in scn.events], mi),
        ev_moves=_moves([e.when.moves for e in scn.events], ai, oi, O),
        ev_mean=ev_mean,
        ev_var=ev_var,
        ev_stage_change=np.array([e.stage_change for e in scn.events], dtype=np.int64),
        ev_repeatable=np.array([e.repeatable for e in scn.events], dtype=bool),
        up=_chances(up, mi, si, init_mean),
        down=_chances(down, mi, si, init_mean),
        initial_stage=si[scn.initial_stage],
        oc_trigger=oc_trigger,
        oc_stage=oc_stage,
        oc_cond=_conds(oc_cond_groups, mi),
        oc_moves=_moves(oc_move_groups, ai, oi, O),
        oc_hold=oc_hold,
        oc_chance=_chances(oc_chances, mi, si, init_mean),
        oc_kind=[oc.kind for oc in scn.outcomes],
        limit_outcome=limit,
        turn_limit=scn.meta.turn_limit,
        index=index,
        v2=_v2(scn, mi, si, init_mean, len(br_actor), (chanced, ixc_mean, ixc_var)),
    )


def _v2(
    scn: Scenario,
    mi: dict[str, int],
    si: dict[str, int],
    x0: F,
    n_br: int,
    ixc: tuple[list[int], F, F],
) -> V2 | None:
    """The v2 parts of the scenario, or None when it uses none of them."""
    ix = Index.of(scn)
    av = []
    br = []
    br_stage_to = np.full(n_br, -1, dtype=np.int64)
    r = 0
    for a, actor in enumerate(scn.actors):
        for o, opt in enumerate(actor.options):
            gate = offer_gate(scn, actor.id, opt.id)  # an accepting option: after the offer
            node = compile_extra([*opt.available.conditions, *gate], ix)
            if node is not None:
                av.append((a, o, node))
            for b in opt.branches:
                if b.condition is not None:
                    br.append((r, compile_all([b.condition], ix) or Node("true")))
                if b.stage_to is not None:
                    br_stage_to[r] = si[b.stage_to]
                r += 1
    ev = []
    for e, event in enumerate(scn.events):
        node = compile_extra(event.when.conditions, ix)
        if node is not None:
            ev.append((e, node))
    oc = []
    for q, out in enumerate(scn.outcomes):
        if out.trigger is not None:
            node = compile_extra(out.trigger.conditions, ix)
            if node is not None:
                oc.append((q, node))
    ev_stage_to = np.array(
        [-1 if e.stage_to is None else si[e.stage_to] for e in scn.events], dtype=np.int64
    )
    ei = {e.id: k for k, e in enumerate(scn.events)}
    links = [(k, ei[link.event], link.chance) for k, e in enumerate(scn.events) for link in e.then]
    trend = np.array([m.trend for m in scn.metrics], dtype=np.float64)
    metric_public = [
        (k, compile_all([m.public_when], ix) or Node("true"))
        for k, m in enumerate(scn.metrics)
        if m.public_when is not None
    ]
    win = [
        (a, o, opt.window.uses, opt.window.turns)
        for a, actor in enumerate(scn.actors)
        for o, opt in enumerate(actor.options)
        if opt.window is not None
    ]
    oi = [{o.id: j for j, o in enumerate(actor.options)} for actor in scn.actors]
    scripts = {
        a: (
            [
                (compile_all(r.when, ix) or Node("true"), oi[a][r.option])
                for r in actor.script.rules
            ],
            oi[a][actor.script.otherwise],
        )
        for a, actor in enumerate(scn.actors)
        if actor.script is not None
    }
    ei_ = {e.id: k for k, e in enumerate(scn.events)}
    mods = [(k, m) for k, e in enumerate(scn.events) for m in e.modifiers]
    inject_mods: dict[str, list[int]] = {}
    for inj in scn.injects:
        for m in inj.modifiers:
            inject_mods.setdefault(inj.id, []).append(len(mods))
            mods.append((-1, m))
    lad_up = [(s, n) for s, st in enumerate(scn.ladder) if (n := compile_all(st.up_when, ix))]
    lad_down = [(s, n) for s, st in enumerate(scn.ladder) if (n := compile_all(st.down_when, ix))]
    chanced, ixc_mean, ixc_var = ixc
    cp = [
        (mi[k.source], mi[k.target], float(k.coef), compile_all(k.when, ix) or Node("true"))
        for k in scn.dynamics.coupling
        if k.when
    ]
    pledges = [
        (a, o, opt.commits)
        for a, actor in enumerate(scn.actors)
        for o, opt in enumerate(actor.options)
        if opt.commits is not None
    ]
    ai_ = {actor.id: a for a, actor in enumerate(scn.actors)}
    n_opt = max(len(actor.options) for actor in scn.actors)
    pl_demand = np.zeros((len(pledges), n_opt), dtype=bool)
    pl_carry = np.zeros((len(pledges), n_opt), dtype=bool)
    pl_ev = np.full((len(pledges), 3), -1, dtype=np.int64)
    for k, (a, _o, cm) in enumerate(pledges):
        pl_demand[k, [oi[ai_[cm.to]][d] for d in cm.demand]] = True
        pl_carry[k, [oi[a][d] for d in cm.carry_out]] = True
        for r, eid in enumerate((cm.met, cm.kept, cm.broken)):
            if eid is not None:
                pl_ev[k, r] = ei_[eid]
    sv = scn.stage_visibility
    stage_public = (
        compile_all([sv.public_when], ix) if sv is not None and sv.public_when is not None else None
    )
    used = (
        av
        or br
        or ev
        or oc
        or (ev_stage_to >= 0).any()
        or (br_stage_to >= 0).any()
        or links
        or trend.any()
        or metric_public
        or stage_public is not None
        or win
        or scripts
        or mods
        or lad_up
        or lad_down
        or chanced
        or cp
        or pledges
    )
    if not used:
        return None
    return V2(
        av=av,
        ev=ev,
        oc=oc,
        br=br,
        held=ix.held,
        uses_last=ix.uses_last,
        ev_stage_to=ev_stage_to,
        br_stage_to=br_stage_to,
        sets_stage=bool((ev_stage_to >= 0).any() or (br_stage_to >= 0).any()),
        ch_src=np.array([k for k, _, _ in links], dtype=np.int64),
        ch_dst=np.array([d for _, d, _ in links], dtype=np.int64),
        ch_chance=_chances([ch for _, _, ch in links], mi, si, x0),
        trend=trend,
        metric_public=metric_public,
        stage_public=stage_public,
        win=win,
        win_k=max((k for _, _, k, _ in win), default=0),
        scripts=scripts,
        mod_src=np.array([k for k, _ in mods], dtype=np.int64),
        mod_target=np.array([ei_[m.event] for _, m in mods], dtype=np.int64),
        mod_logodds=np.array([np.log(m.hazard_odds) for _, m in mods], dtype=np.float64),
        mod_turns=np.array([m.turns for _, m in mods], dtype=np.int64),
        mod_scale=np.array([m.effects_scale for _, m in mods], dtype=np.float64),
        inject_mods=inject_mods,
        lad_up=lad_up,
        lad_down=lad_down,
        ixc=np.array(chanced, dtype=np.int64),
        ixc_chance=_chances(
            [scn.interactions[k].chance or Chance(p=1.0) for k in chanced], mi, si, x0
        ),
        ixc_mean=ixc_mean,
        ixc_var=ixc_var,
        cp=cp,
        pl_actor=np.array([a for a, _, _ in pledges], dtype=np.int64),
        pl_option=np.array([o for _, o, _ in pledges], dtype=np.int64),
        pl_to=np.array([ai_[cm.to] for _, _, cm in pledges], dtype=np.int64),
        pl_deadline=np.array([cm.deadline for _, _, cm in pledges], dtype=np.int64),
        pl_demand=pl_demand,
        pl_carry=pl_carry,
        pl_ev=pl_ev,
    )


def unavailable_reason(c: Compiled, st: State, a: int, o: int, world: int = 0) -> str:
    """Why actor ``a`` cannot choose option ``o`` in ``world`` of ``st``, in words, read
    from the same tables ``available`` uses: the stage, the cooldown, the uses left, then
    the conditions that fail."""
    scn = c.scenario
    stage = int(st.stage[world])
    if not c.avail_stage[a, o, stage]:
        names = [scn.ladder[s].name for s in np.flatnonzero(c.avail_stage[a, o])]
        return _("only at stage: {stages}", stages=", ".join(names))
    cd = int(st.cooldown[world, a, o])
    if cd > 0:
        return ngettext("available again in {n} turn", "available again in {n} turns", cd)
    uses = int(st.uses[world, a, o])
    if uses >= c.max_uses[a, o]:
        return ngettext(
            "already used: at most {n} time a game",
            "already used: at most {n} times a game",
            int(c.max_uses[a, o]),
        )
    if c.v2 is not None and st.wuse is not None:
        for k, (a2, o2, most, turns) in enumerate(c.v2.win):
            if (a2, o2) == (a, o) and st.wuse[world, k, c.v2.win_k - most] > st.turn + 1 - turns:
                return ngettext(
                    "at most {uses} in any {n} turn",
                    "at most {uses} in any {n} turns",
                    turns,
                    uses=ngettext("{n} use", "{n} uses", most),
                )
    cs = c.avail_cond
    g = a * c.option_valid.shape[1] + o
    failing = [
        f"{scn.metrics[int(m)].name} {OP_TEXT[int(op)]} {format_number(float(v))}"
        for m, op, v, grp in zip(cs.metric, cs.op, cs.value, cs.group, strict=True)
        if grp == g and not compare(int(op), st.x[world, int(m)], v)
    ]
    if c.v2 is not None:
        from game.model.step import state_ctx  # (step imports this module)

        ctx = state_ctx(st.world(world))
        for a2, o2, node in c.v2.av:
            if (a2, o2) != (a, o):
                continue
            parts = node.kids if node.kind == "all" else (node,)
            failing += [describe(k, scn) for k in parts if not k.eval(ctx)[0]]
    if failing:
        return _("needs {conditions}", conditions=_(" and ").join(failing))
    return _("not available now")
