"""Whole-scenario checks: references between items, reachability, provenance.

Each check yields ``(path, message, severity)`` so the loader can point at the
line of the offending value; nothing here raises.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from game.i18n import N_, _
from game.scenario.schema import (
    MAX_LOGIT,
    RANGE_MULTIPLE,
    AllCondition,
    AnyCondition,
    Basis,
    Calibration,
    Chance,
    Comparison,
    Condition,
    Driver,
    Effect,
    HeldCondition,
    MoveCondition,
    MoveWhen,
    NotCondition,
    Scenario,
    StageCondition,
    Statistic,
)

Finding = tuple[tuple[Any, ...], str, str]


# What the checks name, in English; shown through the catalog (game.i18n).
_KINDS = {
    "metric": N_("metric"),
    "stage": N_("stage"),
    "actor": N_("actor"),
    "option": N_("option"),
    "event": N_("event"),
    "outcome": N_("outcome"),
    "fact id": N_("fact id"),
    "reference id": N_("reference id"),
    "source id": N_("source id"),
    "anchor or place": N_("anchor or place"),
    "advisor": N_("advisor"),
    "branch": N_("branch"),
    "interaction": N_("interaction"),
    "inject": N_("inject"),
    "anchor": N_("anchor"),
    "marker": N_("marker"),
    "reaction": N_("reaction"),
    "type": N_("type"),
}


def _kind(kind: str) -> str:
    """A kind of thing a check names, in the current language (given words pass as they are)."""
    return _(_KINDS[kind]) if kind in _KINDS else kind


def _unknown(kind: str, name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        return _(
            "unknown {kind} {name!r}; did you mean {near!r}?",
            kind=_kind(kind),
            name=name,
            near=close[0],
        )
    return _("unknown {kind} {name!r}", kind=_kind(kind), name=name)


def _option_of(actor: str) -> str:
    return _("option of {actor}", actor=actor)


def _dupes(items: list[Any], path: tuple[Any, ...], kind: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            yield (
                (*path, i, "id"),
                _("duplicate {kind} id {id!r}", kind=_kind(kind), id=item.id),
                "error",
            )
        seen.add(item.id)


def _offer(p: tuple[Any, ...], a: Any, o: Any, actors: dict[str, Any]) -> Iterator[Finding]:
    """An option's ``offer``: to whom, and the option that accepts it."""
    off = o.offer
    if off.to not in actors:
        yield (*p, "to"), _unknown("actor", off.to, actors), "error"
        return
    if off.to == a.id:
        yield (*p, "to"), _("an offer is made to another actor"), "error"
        return
    to = actors[off.to]
    theirs = {x.id for x in to.options}
    if off.accept not in theirs:
        yield (*p, "accept"), _unknown(_option_of(off.to), off.accept, theirs), "error"
    elif off.accept == to.hold_option:
        yield (*p, "accept"), _("holding course cannot be what accepts an offer"), "error"
    if o.covert:
        yield (
            (*p[:-1], "covert"),
            _("an offer must reach its addressee: it cannot be covert"),
            "error",
        )
    elif o.private_to is not None and o.private_to != off.to:
        yield (
            (*p[:-1], "private_to"),
            _("a private offer is private to its addressee ({actor})", actor=off.to),
            "error",
        )


def _commitment(
    p: tuple[Any, ...],
    a: Any,
    o: Any,
    actors: dict[str, Any],
    options: dict[str, set[str]],
    event_list: list[Any],
) -> Iterator[Finding]:
    """An option's ``commits``: whom it names, what counts, which events settle it."""
    cm = o.commits
    if cm.to not in actors:
        yield (*p, "to"), _unknown("actor", cm.to, actors), "error"
    elif cm.to == a.id:
        yield (*p, "to"), _("a commitment's demand is made of another actor"), "error"
    else:
        theirs = options[cm.to]
        for i, oid in enumerate(cm.demand):
            if oid not in theirs:
                yield (*p, "demand", i), _unknown(_option_of(cm.to), oid, theirs), "error"
    for i, oid in enumerate(cm.carry_out):
        if oid not in options[a.id]:
            yield (*p, "carry_out", i), _unknown("option", oid, options[a.id]), "error"
        elif oid == o.id:
            yield (*p, "carry_out", i), _("a threat is not carried out by repeating it"), "error"
    events = {e.id: e for e in event_list}
    for key in ("broken", "kept", "met"):
        eid = getattr(cm, key)
        if eid is not None and eid not in events:
            yield (*p, key), _unknown("event", eid, events), "error"
        elif eid is not None and events[eid].hazard.p != 0:
            yield (
                (*p, key),
                _(
                    "event {id!r} settles a commitment, so it fires only through it: "
                    "give it hazard: {{p: 0}}",
                    id=eid,
                ),
                "error",
            )
    if o.covert:
        yield (*p[:-1], "covert"), _("a commitment is public: its option cannot be covert"), "error"
    if o.cooldown < cm.deadline:
        yield (
            (*p[:-1], "cooldown"),
            _(
                "the cooldown ({cooldown}) is shorter than the commitment's deadline "
                "({deadline}): the threat could be renewed before it falls due",
                cooldown=o.cooldown,
                deadline=cm.deadline,
            ),
            "error",
        )


def _condition_possible(c: Condition, lo: float, hi: float) -> bool:
    match c.op:
        case Comparison.lt:
            return c.value > lo
        case Comparison.le:
            return c.value >= lo
        case Comparison.gt:
            return c.value < hi
        case Comparison.ge:
            return c.value <= hi
    return True


def check(
    scn: Scenario,
    fact_ids: set[str] | None,
    ref_ids: set[str] | None,
    map_places: Iterable[str] = (),
) -> list[Finding]:
    """Every cross-reference problem in ``scn``. ``None`` id sets skip that check;
    ``map_places``: the ids of the places in the scenario's map file (if it is built)."""
    return list(_check(scn, fact_ids, ref_ids, set(map_places)))


def _check(
    scn: Scenario, fact_ids: set[str] | None, ref_ids: set[str] | None, map_places: set[str]
) -> Iterator[Finding]:
    metrics = {m.id: m for m in scn.metrics}
    actors = {a.id: a for a in scn.actors}
    stages = [s.id for s in scn.ladder]
    outcomes = {o.id for o in scn.outcomes}
    events = {e.id for e in scn.events}
    options = {a.id: {o.id for o in a.options} for a in scn.actors}

    yield from _dupes(scn.metrics, ("metrics",), "metric")
    yield from _dupes(scn.actors, ("actors",), "actor")
    yield from _dupes(scn.events, ("events",), "event")
    yield from _dupes(scn.ladder, ("ladder",), "stage")
    yield from _dupes(scn.outcomes, ("outcomes",), "outcome")
    yield from _dupes(scn.interactions, ("interactions",), "interaction")
    yield from _dupes(scn.injects, ("injects",), "inject")

    def metric_ref(path: tuple[Any, ...], mid: str) -> Iterator[Finding]:
        if mid not in metrics:
            yield path, _unknown("metric", mid, metrics), "error"

    def width(mid: str) -> float:
        lo, hi = metrics[mid].range
        return hi - lo

    def effects(path: tuple[Any, ...], eff: dict[str, Effect]) -> Iterator[Finding]:
        for mid, e in eff.items():
            yield from metric_ref((*path, mid), mid)
            if mid not in metrics:
                continue
            # an effect larger than many times the whole range is a typo, and such
            # numbers add up to infinities in the model
            limit = RANGE_MULTIPLE * width(mid)
            for key, v in (("mean", abs(e.mean)), ("sd", e.sd)):
                if v > limit:
                    yield (
                        (*path, mid, key),
                        _(
                            "effect {key} {value} on {metric!r} is more than {times} times its "
                            "range's width ({width})",
                            key=key,
                            value=f"{v:g}",
                            metric=mid,
                            times=f"{RANGE_MULTIPLE:g}",
                            width=f"{width(mid):g}",
                        ),
                        "error",
                    )

    def stage_refs(path: tuple[Any, ...], ids: Iterable[str]) -> Iterator[Finding]:
        for i, sid in enumerate(ids):
            if sid not in stages:
                yield (*path, i), _unknown("stage", sid, stages), "error"

    def conditions(
        path: tuple[Any, ...], conds: list[Any], before_moves: bool = False
    ) -> Iterator[Finding]:
        for i, c in enumerate(conds):
            yield from condition((*path, i), c, before_moves)

    def condition(path: tuple[Any, ...], c: Any, before_moves: bool = False) -> Iterator[Finding]:
        """One condition item, recursively. ``before_moves``: it is read before this
        turn's moves are made (option availability), so ``this_turn`` means nothing."""
        if isinstance(c, Condition):
            if c.metric not in metrics:
                yield (*path, "metric"), _unknown("metric", c.metric, metrics), "error"
                return
            lo, hi = metrics[c.metric].range
            span = RANGE_MULTIPLE * (hi - lo)
            if not lo - span <= c.value <= hi + span:
                yield (
                    (*path, "value"),
                    _(
                        "threshold {value} is far outside {metric!r}'s range [{lo}, {hi}]",
                        value=f"{c.value:g}",
                        metric=c.metric,
                        lo=f"{lo:g}",
                        hi=f"{hi:g}",
                    ),
                    "error",
                )
                return
            if not _condition_possible(c, lo, hi):
                yield (
                    (*path, "value"),
                    _(
                        "'{condition}' can never hold in its range [{lo}, {hi}]",
                        condition=f"{c.metric} {c.op.value} {c.value:g}",
                        lo=f"{lo:g}",
                        hi=f"{hi:g}",
                    ),
                    "error",
                )
        elif isinstance(c, AllCondition | AnyCondition):
            key = "all" if isinstance(c, AllCondition) else "any"
            items = c.all if isinstance(c, AllCondition) else c.any
            for j, item in enumerate(items):
                yield from condition((*path, key, j), item, before_moves)
        elif isinstance(c, NotCondition):
            yield from condition((*path, "not"), c.not_, before_moves)
        elif isinstance(c, HeldCondition):
            yield from condition((*path, "held", "condition"), c.held.condition, before_moves)
        elif isinstance(c, StageCondition):
            t = c.stage
            yield from stage_refs((*path, "stage", "one_of"), t.one_of)
            for key in ("at_least", "at_most"):
                sid = getattr(t, key)
                if sid is not None and sid not in stages:
                    yield (*path, "stage", key), _unknown("stage", sid, stages), "error"
        elif isinstance(c, MoveCondition):
            m = c.move
            if m.actor not in actors:
                yield (*path, "move", "actor"), _unknown("actor", m.actor, actors), "error"
                return
            for j, oid in enumerate(m.options):
                if oid not in options[m.actor]:
                    yield (
                        (*path, "move", "options", j),
                        _unknown(_option_of(m.actor), oid, options[m.actor]),
                        "error",
                    )
            if before_moves and m.when is MoveWhen.this_turn:
                yield (
                    (*path, "move", "when"),
                    _(
                        "this_turn cannot be known here (it is read before the moves are made); "
                        "use last_turn or ever"
                    ),
                    "error",
                )

    def stage_ref(path: tuple[Any, ...], sid: str | None) -> Iterator[Finding]:
        if sid is not None and sid not in stages:
            yield path, _unknown("stage", sid, stages), "error"

    def chance(path: tuple[Any, ...], ch: Chance) -> Iterator[Finding]:
        for mid, v in ch.slope.items():
            yield from metric_ref((*path, "slope", mid), mid)
            # across the whole range the slope moves the logit by at most this
            if mid in metrics and abs(v) * width(mid) > MAX_LOGIT:
                yield (
                    (*path, "slope", mid),
                    _(
                        "slope {value} moves the logit by {moves} across {metric!r}'s range; "
                        "keep it within {most} (beyond that it is certainty)",
                        value=f"{v:g}",
                        moves=f"{abs(v) * width(mid):g}",
                        metric=mid,
                        most=f"{MAX_LOGIT:g}",
                    ),
                    "error",
                )
        for sid in ch.stage_shift:
            if sid not in stages:
                yield (*path, "stage_shift", sid), _unknown("stage", sid, stages), "error"

    def moves(path: tuple[Any, ...], mv: dict[str, list[str]]) -> Iterator[Finding]:
        for aid, opts in mv.items():
            if aid not in actors:
                yield (*path, aid), _unknown("actor", aid, actors), "error"
                continue
            for i, oid in enumerate(opts):
                if oid not in options[aid]:
                    yield (*path, aid, i), _unknown(_option_of(aid), oid, options[aid]), "error"

    def basis(path: tuple[Any, ...], b: Basis | None, what: str) -> Iterator[Finding]:
        if b is None:
            yield (
                path,
                _("{what} has no basis (cite a fact id or name an assumption)", what=what),
                "warning",
            )
            return
        if fact_ids is not None:
            for i, fid in enumerate(b.facts):
                if fid not in fact_ids:
                    yield (*path, "basis", "facts", i), _unknown("fact id", fid, fact_ids), "error"
        if ref_ids is not None:
            for i, rid in enumerate(b.references):
                if rid not in ref_ids:
                    yield (
                        (*path, "basis", "references", i),
                        _unknown("reference id", rid, ref_ids),
                        "error",
                    )

    # Metrics
    p: tuple[str | int, ...]  # where in the file; every section below reuses it
    for i, m in enumerate(scn.metrics):
        p = ("metrics", i)
        yield from basis(p, m.basis, _("metric {id!r}", id=m.id))
        if m.owner is not None and m.owner not in actors:
            yield (*p, "owner"), _unknown("actor", m.owner, actors), "error"
        for j, aid in enumerate(m.visible_to):
            if aid not in actors:
                yield (*p, "visible_to", j), _unknown("actor", aid, actors), "error"
        if m.public_when is not None:
            yield from condition((*p, "public_when"), m.public_when, before_moves=True)
    if scn.stage_visibility is not None:
        p = ("stage_visibility",)
        for j, aid in enumerate(scn.stage_visibility.visible_to):
            if aid not in actors:
                yield (*p, "visible_to", j), _unknown("actor", aid, actors), "error"
        if scn.stage_visibility.public_when is not None:
            yield from condition(
                (*p, "public_when"), scn.stage_visibility.public_when, before_moves=True
            )

    def aims(path: tuple[Any, ...], obj: Any) -> Iterator[Finding]:
        """Objectives' references: metrics and outcomes that exist."""
        for key, w in (("metrics", obj.metrics), ("outcomes", obj.outcomes)):
            known = metrics if key == "metrics" else outcomes
            for ref in w:
                if ref not in known:
                    yield (*path, key, ref), _unknown(key[:-1], ref, known), "error"

    # Actors and their options
    for i, a in enumerate(scn.actors):
        p = ("actors", i)
        yield from basis(p, a.basis, _("actor {id!r}", id=a.id))
        if a.intel_metric is not None:
            yield from metric_ref((*p, "intel_metric"), a.intel_metric)
        if a.hold_option not in options[a.id]:
            yield (*p, "hold_option"), _unknown("option", a.hold_option, options[a.id]), "error"
        yield from aims((*p, "objectives"), a.objectives)
        yield from _dupes(a.advisors, (*p, "advisors"), "advisor")
        for j, adv in enumerate(a.advisors):
            yield from aims((*p, "advisors", j, "objectives"), adv.objectives)
        yield from _dupes(a.options, (*p, "options"), "option")
        for j, o in enumerate(a.options):
            q = (*p, "options", j)
            yield from basis(q, o.basis, _("option {id}", id=f"{a.id}.{o.id}"))
            yield from effects((*q, "effects"), o.effects)
            yield from stage_refs((*q, "available", "stages"), o.available.stages)
            yield from conditions(
                (*q, "available", "conditions"), o.available.conditions, before_moves=True
            )
            yield from _dupes(o.branches, (*q, "branches"), "branch")
            for k, br in enumerate(o.branches):
                yield from chance((*q, "branches", k, "chance"), br.chance)
                yield from effects((*q, "branches", k, "effects"), br.effects)
                yield from stage_ref((*q, "branches", k, "stage_to"), br.stage_to)
                if br.condition is not None:
                    yield from condition((*q, "branches", k, "condition"), br.condition)
                if br.exposes and not o.covert:
                    yield (
                        (*q, "branches", k, "exposes"),
                        _("only a covert option can be exposed"),
                        "error",
                    )
            for key, n in (("cooldown", o.cooldown), ("max_uses", o.max_uses)):
                if n is not None and n > scn.meta.turn_limit:
                    yield (
                        (*q, key),
                        _(
                            "{key} {n} is more than the turn limit ({limit})",
                            key=key,
                            n=n,
                            limit=scn.meta.turn_limit,
                        ),
                        "error",
                    )
            if o.max_uses is not None and o.id == a.hold_option:
                yield (*q, "max_uses"), _("the hold-course option cannot have a use limit"), "error"
            if o.window is not None and o.id == a.hold_option:
                yield (*q, "window"), _("the hold-course option cannot have a use limit"), "error"
            if o.private_to is not None:
                if o.private_to not in actors:
                    yield (*q, "private_to"), _unknown("actor", o.private_to, actors), "error"
                elif o.private_to == a.id:
                    yield (
                        (*q, "private_to"),
                        _("a private move is addressed to another actor"),
                        "error",
                    )
        for j, o in enumerate(a.options):
            if o.offer is not None:
                yield from _offer((*p, "options", j, "offer"), a, o, actors)
            if o.commits is not None:
                yield from _commitment(
                    (*p, "options", j, "commits"), a, o, actors, options, scn.events
                )
        for oid in a.ai.bias:
            if oid not in options[a.id]:
                yield (*p, "ai", "bias", oid), _unknown("option", oid, options[a.id]), "error"
        yield from _dupes(a.types, (*p, "types"), "type")
        for k, ty in enumerate(a.types):
            tp = (*p, "types", k)
            yield from aims((*tp, "objectives"), ty.objectives)
            for oid in ty.likelihood:
                if oid not in options[a.id]:
                    yield (*tp, "likelihood", oid), _unknown("option", oid, options[a.id]), "error"
            yield from basis(tp, ty.basis, _("type {id}", id=f"{a.id}.{ty.id}"))
        yield from _dupes(a.ai.reactions, (*p, "ai", "reactions"), "reaction")
        for k, r in enumerate(a.ai.reactions):
            rp = (*p, "ai", "reactions", k)
            if r.after.actor not in actors:
                yield (*rp, "after", "actor"), _unknown("actor", r.after.actor, actors), "error"
            else:
                theirs = options[r.after.actor]
                for i, oid in enumerate(r.after.options):
                    if oid not in theirs:
                        kind = _option_of(r.after.actor)
                        yield (*rp, "after", "options", i), _unknown(kind, oid, theirs), "error"
            for oid in r.bias:
                if oid not in options[a.id]:
                    yield (*rp, "bias", oid), _unknown("option", oid, options[a.id]), "error"
            yield from basis(rp, r.basis, _("reaction {id}", id=f"{a.id}.{r.id}"))
        if a.script is not None:
            sp = (*p, "script")
            for k, rule in enumerate(a.script.rules):
                if rule.option not in options[a.id]:
                    yield (
                        (*sp, "rules", k, "option"),
                        _unknown("option", rule.option, options[a.id]),
                        "error",
                    )
                yield from conditions((*sp, "rules", k, "when"), rule.when, before_moves=True)
            if a.script.otherwise not in options[a.id]:
                yield (
                    (*sp, "otherwise"),
                    _unknown("option", a.script.otherwise, options[a.id]),
                    "error",
                )

    if sum(a.playable for a in scn.actors) < 1:
        yield ("actors",), _("no actor is playable"), "error"

    # Interactions
    for i, it in enumerate(scn.interactions):
        p = ("interactions", i)
        yield from basis(p, it.basis, _("interaction {id!r}", id=it.id))
        yield from moves((*p, "when"), it.when)
        yield from effects((*p, "effects"), it.effects)
        if it.chance is not None:
            yield from chance((*p, "chance"), it.chance)

    # Dynamics and fog
    for i, c in enumerate(scn.dynamics.coupling):
        p = ("dynamics", "coupling", i)
        yield from basis(p, c.basis, _("coupling"))
        yield from metric_ref((*p, "source"), c.source)
        yield from metric_ref((*p, "target"), c.target)
        yield from conditions((*p, "when"), c.when)
        if c.source in metrics and c.target in metrics:
            # the push per turn, at the largest deviation, against the target's scale
            push = abs(c.coef) * width(c.source)
            if push > RANGE_MULTIPLE * width(c.target):
                yield (
                    (*p, "coef"),
                    _(
                        "coef {coef} pushes {metric!r} by up to {push} a turn, more than {times} "
                        "times its range's width",
                        coef=f"{c.coef:g}",
                        metric=c.target,
                        push=f"{push:g}",
                        times=f"{RANGE_MULTIPLE:g}",
                    ),
                    "error",
                )
    yield from basis(("fog",), scn.fog.basis, "fog")
    if scn.fog.error_at_full_intel > scn.fog.error_at_zero_intel:
        yield (
            ("fog", "error_at_full_intel"),
            _("full intelligence should not be less accurate"),
            "error",
        )
    claimed: set[str] = set()
    for i, cl in enumerate(scn.fog.claims):
        p = ("fog", "claims", i)
        yield from basis(p, cl.basis, _("claim about {metric!r}", metric=cl.metric))
        yield from metric_ref((*p, "metric"), cl.metric)
        if cl.metric not in metrics:
            continue
        if metrics[cl.metric].visibility != "private":
            # only another side's private metric is estimated: a claim elsewhere does nothing
            yield (
                (*p, "metric"),
                _("a claim must be about a private metric ({metric!r} is not)", metric=cl.metric),
                "error",
            )
        if cl.metric in claimed:
            yield (*p, "metric"), _("a second claim about {metric!r}", metric=cl.metric), "error"
        claimed.add(cl.metric)
        lo, hi = metrics[cl.metric].range
        if not lo - RANGE_MULTIPLE * (hi - lo) <= cl.value <= hi + RANGE_MULTIPLE * (hi - lo):
            yield (
                (*p, "value"),
                _(
                    "the claimed value {value} lies more than {times} times the range's width "
                    "beyond the range of {metric!r}",
                    value=f"{cl.value:g}",
                    times=f"{RANGE_MULTIPLE:g}",
                    metric=cl.metric,
                ),
                "error",
            )

    # Events
    for i, e in enumerate(scn.events):
        p = ("events", i)
        yield from basis(p, e.basis, _("event {id!r}", id=e.id))
        yield from chance((*p, "hazard"), e.hazard)
        yield from stage_refs((*p, "when", "stages"), e.when.stages)
        yield from conditions((*p, "when", "conditions"), e.when.conditions)
        yield from moves((*p, "when", "moves"), e.when.moves)
        yield from effects((*p, "effects"), e.effects)
        yield from stage_ref((*p, "stage_to"), e.stage_to)
        for j, mod in enumerate(e.modifiers):
            if mod.event not in events:
                yield (*p, "modifiers", j, "event"), _unknown("event", mod.event, events), "error"
        for j, link in enumerate(e.then):
            if link.event not in events:
                yield (*p, "then", j, "event"), _unknown("event", link.event, events), "error"
            yield from chance((*p, "then", j, "chance"), link.chance)

    # Ladder
    if scn.initial_stage not in stages:
        yield ("initial_stage",), _unknown("stage", scn.initial_stage, stages), "error"
    for i, s in enumerate(scn.ladder):
        p = ("ladder", i)
        yield from basis(p, s.basis, _("stage {id!r}", id=s.id))
        yield from chance((*p, "up"), s.up)
        yield from chance((*p, "down"), s.down)
        yield from conditions((*p, "up_when"), s.up_when)
        yield from conditions((*p, "down_when"), s.down_when)
    yield from _ladder(scn, stages)

    # Outcomes
    limit = [i for i, o in enumerate(scn.outcomes) if o.at_turn_limit]
    if not limit:
        yield (
            ("outcomes",),
            _("exactly one outcome needs at_turn_limit: true (found none)"),
            "error",
        )
    if len(limit) > 1:
        names = ", ".join(repr(scn.outcomes[i].id) for i in limit)
        for i in limit:
            yield (
                ("outcomes", i, "at_turn_limit"),
                _(
                    "exactly one outcome can have at_turn_limit: true (found {n}: {names})",
                    n=len(limit),
                    names=names,
                ),
                "error",
            )
    for i, out in enumerate(scn.outcomes):
        p = ("outcomes", i)
        yield from basis(p, out.basis, _("outcome {id!r}", id=out.id))
        if out.trigger is None:
            if not out.at_turn_limit:
                yield (
                    p,
                    _("outcome {id!r} has no trigger and is not the turn-limit outcome", id=out.id),
                    "error",
                )
            continue
        t = out.trigger
        if t.hold_turns > scn.meta.turn_limit:
            yield (
                (*p, "trigger", "hold_turns"),
                _(
                    "hold_turns {n} is more than the turn limit ({limit})",
                    n=t.hold_turns,
                    limit=scn.meta.turn_limit,
                ),
                "error",
            )
        yield from stage_refs((*p, "trigger", "stages"), t.stages)
        yield from conditions((*p, "trigger", "conditions"), t.conditions)
        yield from moves((*p, "trigger", "moves"), t.moves)
        yield from chance((*p, "trigger", "chance"), t.chance)

    # Injects
    for i, inj in enumerate(scn.injects):
        p = ("injects", i)
        if inj.event is not None and inj.event not in events:
            yield (*p, "event"), _unknown("event", inj.event, events), "error"
        for j, mod in enumerate(inj.modifiers):
            if mod.event not in events:
                yield (*p, "modifiers", j, "event"), _unknown("event", mod.event, events), "error"
        if inj.to is not None and inj.to not in actors:
            yield (*p, "to"), _unknown("actor", inj.to, actors), "error"
        yield from effects((*p, "effects"), inj.effects)
        if inj.turn > scn.meta.turn_limit:
            yield (*p, "turn"), _("turn {turn} is after the turn limit", turn=inj.turn), "error"
        if inj.basis is not None:
            yield from basis(p, inj.basis, _("inject"))

    yield from _map(scn)
    yield from _pins(scn, map_places)
    yield from _history(scn, fact_ids)
    # Calibration bands: the groups' ids and the reference classes they come from
    if scn.calibration is not None:
        yield from _calibration(scn, scn.calibration, stages, outcomes, events, ref_ids)

    # Options nobody can choose: their stages or conditions never hold.
    reachable = _reachable_stages(scn, stages)
    for i, a in enumerate(scn.actors):
        for j, o in enumerate(a.options):
            if o.available.stages and not any(s in reachable for s in o.available.stages):
                yield (
                    ("actors", i, "options", j, "available", "stages"),
                    _(
                        "option {id} can never be chosen: none of its stages is reachable",
                        id=f"{a.id}.{o.id}",
                    ),
                    "error",
                )


def _reachable_stages(scn: Scenario, stages: list[str]) -> set[str]:
    if scn.initial_stage not in stages:
        return set()
    ups = max((e.stage_change for e in scn.events), default=0)
    downs = min((e.stage_change for e in scn.events), default=0)
    seen = {stages.index(scn.initial_stage)}
    # an absolute stage change reaches its stage from anywhere
    targets = [e.stage_to for e in scn.events] + [
        br.stage_to for a in scn.actors for o in a.options for br in o.branches
    ]
    seen |= {stages.index(s) for s in targets if s in stages}
    todo = list(seen)
    while todo:
        i = todo.pop()
        nxt: list[int] = []
        if i + 1 < len(stages) and scn.ladder[i].up.can_happen():
            nxt.append(i + 1)
        if i > 0 and scn.ladder[i].down.can_happen():
            nxt.append(i - 1)
        nxt += [min(len(stages) - 1, i + d) for d in range(1, ups + 1)]
        nxt += [max(0, i + d) for d in range(downs, 0)]
        for j in nxt:
            if j not in seen:
                seen.add(j)
                todo.append(j)
    return {stages[i] for i in seen}


def _ladder(scn: Scenario, stages: list[str]) -> Iterator[Finding]:
    reachable = _reachable_stages(scn, stages)
    ending = {s for o in scn.outcomes if o.trigger for s in o.trigger.stages}
    moving_events = any(e.stage_change != 0 or e.stage_to for e in scn.events) or any(
        br.stage_to for a in scn.actors for o in a.options for br in o.branches
    )
    for i, s in enumerate(scn.ladder):
        if s.id not in reachable:
            yield ("ladder", i), _("stage {id!r} can never be reached", id=s.id), "error"
        can_up = i + 1 < len(stages) and s.up.can_happen()
        can_down = i > 0 and s.down.can_happen()
        if not (can_up or can_down or moving_events or s.id in ending):
            yield ("ladder", i), _("stage {id!r} can never be left", id=s.id), "error"


# Colours a marker may name besides an actor id (the UI palette's signal colours).
MARKER_COLOURS = ("accent", "calm", "caution", "danger", "severe", "focus")


def place_id(name: str) -> str:
    """A place's id as the map builder makes it: 'Port Blue' -> 'port_blue'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    parts = "".join(c if c.isalnum() else " " for c in plain.replace("'", "").lower()).split()
    return "_".join(parts)


def _map(scn: Scenario) -> Iterator[Finding]:
    m = scn.map
    if m is None:
        return
    metrics = {x.id for x in scn.metrics}
    actors = {a.id: a for a in scn.actors}
    spots = {a.id for a in m.anchors} | {place_id(p.name) for p in m.places}
    yield from _dupes(m.anchors, ("map", "anchors"), "anchor")
    yield from _dupes(m.markers, ("map", "markers"), "marker")
    if m.bounds is not None:
        b = m.bounds
        for key in ("places", "anchors"):
            for i, pt in enumerate(getattr(m, key)):
                if not (b.lon_min <= pt.lon <= b.lon_max and b.lat_min <= pt.lat <= b.lat_max):
                    yield (
                        ("map", key, i),
                        _("{name!r} lies outside the map's bounds", name=pt.name),
                        "error",
                    )

    def driver(path: tuple[Any, ...], d: Driver | None) -> Iterator[Finding]:
        if d is None:
            return
        if d.metric is not None and d.metric not in metrics:
            yield (*path, "metric"), _unknown("metric", d.metric, metrics), "error"
        if d.exposed is not None and d.exposed not in actors:
            yield (*path, "exposed"), _unknown("actor", d.exposed, actors), "error"
        if d.moves is not None:
            aid = d.moves.actor
            if aid not in actors:
                yield (*path, "moves", "actor"), _unknown("actor", aid, actors), "error"
            else:
                own = {o.id for o in actors[aid].options}
                for i, oid in enumerate(d.moves.options):
                    if oid not in own:
                        yield (
                            (*path, "moves", "options", i),
                            _unknown(_option_of(aid), oid, own),
                            "error",
                        )
        for i, sub in enumerate(d.max or []):
            yield from driver((*path, "max", i), sub)

    for i, mk in enumerate(m.markers):
        p = ("map", "markers", i)
        if mk.colour not in actors and mk.colour not in MARKER_COLOURS:
            yield (
                (*p, "colour"),
                _(
                    "unknown colour {colour!r}: use an actor id ({actors}) or one of {colours}",
                    colour=mk.colour,
                    actors=", ".join(actors),
                    colours=", ".join(MARKER_COLOURS),
                ),
                "error",
            )
        for key in ("at", "toward"):
            where = getattr(mk, key)
            if isinstance(where, str) and where not in spots:
                msg = _unknown("anchor or place", where, spots)
                if not spots:
                    msg += " (list it under map.anchors, or give [lon, lat])"
                yield (*p, key), msg, "error"
        for key in ("position", "size", "show"):
            yield from driver((*p, key), getattr(mk, key))


def _pins(scn: Scenario, map_places: set[str]) -> Iterator[Finding]:
    """Each event's and inject's ``place`` names a place or anchor of the map: the
    map file's places, the scenario's own places and anchors."""
    items = [("events", i, x.place) for i, x in enumerate(scn.events)]
    items += [("injects", i, x.place) for i, x in enumerate(scn.injects)]
    m = scn.map
    spots = set(map_places)
    if m is not None:
        spots |= {a.id for a in m.anchors} | {place_id(p.name) for p in m.places}
    for key, i, where in items:
        if where is None:
            continue
        if m is None:
            msg = f"place {where!r} needs a map: add a map section, or remove the place"
            yield (key, i, "place"), msg, "error"
        elif where not in spots:
            msg = _unknown("place or anchor of the map", where, spots)
            yield (key, i, "place"), msg, "error"


def _history(scn: Scenario, fact_ids: set[str] | None) -> Iterator[Finding]:
    if scn.history is None:
        return
    actors = {a.id: a for a in scn.actors}
    seen: set[int] = set()
    last = 0
    for i, ht in enumerate(scn.history.turns):
        p = ("history", "turns", i)
        if ht.turn in seen:
            yield (*p, "turn"), _("turn {turn} is listed twice", turn=ht.turn), "error"
        elif ht.turn < last:
            yield (
                (*p, "turn"),
                _(
                    "turn {turn} comes after turn {last}: list turns in order",
                    turn=ht.turn,
                    last=last,
                ),
                "error",
            )
        seen.add(ht.turn)
        last = max(last, ht.turn)
        if ht.turn > scn.meta.turn_limit:
            yield (
                (*p, "turn"),
                _(
                    "turn {turn} is after the turn limit ({limit})",
                    turn=ht.turn,
                    limit=scn.meta.turn_limit,
                ),
                "error",
            )
        for aid, oid in ht.moves.items():
            if aid not in actors:
                yield (*p, "moves", aid), _unknown("actor", aid, actors), "error"
                continue
            own = {o.id for o in actors[aid].options}
            if oid not in own:
                yield (*p, "moves", aid), _unknown(_option_of(aid), oid, own), "error"
        if fact_ids is not None:
            for j, fid in enumerate(ht.facts):
                if fid not in fact_ids:
                    yield (*p, "facts", j), _unknown("fact id", fid, fact_ids), "error"
        if not ht.facts and not ht.note:
            yield (
                p,
                _("history turn {turn} cites no fact (add facts or a note)", turn=ht.turn),
                "warning",
            )


def _calibration(
    scn: Scenario,
    cal: Calibration,
    stages: list[str],
    outcomes: set[str],
    events: set[str],
    ref_ids: set[str] | None,
) -> Iterator[Finding]:
    p = ("calibration",)
    if cal.armed is not None:
        for i, eid in enumerate(cal.armed.events):
            if eid not in events:
                yield (*p, "armed", "events", i), _unknown("event", eid, events), "error"
        if cal.armed.from_stage is not None and cal.armed.from_stage not in stages:
            yield (
                (*p, "armed", "from_stage"),
                _unknown("stage", cal.armed.from_stage, stages),
                "error",
            )
    yield from _dupes(cal.bands, (*p, "bands"), "band")
    for i, b in enumerate(cal.bands):
        q = (*p, "bands", i)
        for j, oid in enumerate(b.outcomes):
            if oid not in outcomes:
                yield (*q, "outcomes", j), _unknown("outcome", oid, outcomes), "error"
        for j, eid in enumerate(b.events):
            if eid not in events:
                yield (*q, "events", j), _unknown("event", eid, events), "error"
        if b.stage is not None and b.stage not in stages:
            yield (*q, "stage"), _unknown("stage", b.stage, stages), "error"
        known = {
            f"{a.id}.{o.id}.{br.id}" for a in scn.actors for o in a.options for br in o.branches
        }
        for j, bid in enumerate(b.branches):
            if bid not in known:
                yield (*q, "branches", j), _unknown("branch", bid, known), "error"
        if b.statistic == Statistic.median_length and b.band[1] > scn.meta.turn_limit:
            yield (
                (*q, "band"),
                _(
                    "a median length above the turn limit ({limit}) cannot be measured",
                    limit=scn.meta.turn_limit,
                ),
                "warning",
            )
        if ref_ids is not None:
            for j, rid in enumerate(b.references):
                if rid not in ref_ids:
                    yield (*q, "references", j), _unknown("reference id", rid, ref_ids), "error"
