"""The report of a resolved turn: the full one (every move, every source of every change)
and each viewer's filtered copy (pure functions over the full report).

``Pending`` gathers what happened during a turn before it resolved (injects, fired
events, metrics the teacher set): the first sources of the turn's changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from game.engine.fog import move_seen
from game.engine.views import (
    BranchResult,
    EventReport,
    MetricChange,
    MoveReport,
    NewsItem,
    NewsKind,
    SourcePart,
    TurnReport,
)
from game.i18n import _
from game.model import Compiled
from game.model.step import Explanation
from game.scenario.schema import Scenario
from game.words import move_label

F = NDArray[np.float64]
Parts = dict[str, tuple[str, F]]  # source key -> (label, change per metric)
_EPS = 1e-12
# Branch row r of the model -> (actor, option, branch index), in compile order.
BranchTable = list[tuple[int, int, int]]


def branch_table(scn: Scenario) -> BranchTable:
    """Branch row r of the model -> (actor, option, branch index), in compile order."""
    return [
        (a, o, j)
        for a, actor in enumerate(scn.actors)
        for o, opt in enumerate(actor.options)
        for j in range(len(opt.branches))
    ]


def fill(template: str, actor_name: str) -> str:
    """A scenario headline with ``{actor}`` replaced (nothing else is interpreted)."""
    return template.replace("{actor}", actor_name)


@dataclass
class Pending:
    """What happened in a turn before it resolved (the world at its start, then changes)."""

    x0: F
    stage0: int
    parts: Parts = field(default_factory=dict)
    events: list[EventReport] = field(default_factory=list)
    injects: list[str] = field(default_factory=list)

    def add(self, key: str, label: str, delta: F) -> None:
        if key in self.parts:
            old_label, old = self.parts[key]
            self.parts[key] = (old_label, old + delta)
        else:
            self.parts[key] = (label, delta.copy())


def source_label(c: Compiled, scn: Scenario, key: str, moves: NDArray[np.int64]) -> str:
    kind, _sep, ident = key.partition(":")
    if kind == "move":
        a = c.index["actor"][ident]
        opt = scn.actors[a].options[int(moves[a])]
        return move_label(scn.actors[a].name, opt.name)
    if kind == "interaction":
        it = next(i for i in scn.interactions if i.id == ident)
        return _("Interaction: {label}", label=it.label)
    if kind == "event":
        return _("Event: {event}", event=scn.events[c.index["event"][ident]].name)
    if kind == "drift":
        return _("Drift")
    if kind == "limits":
        return _("Range limits")
    return key


def all_parts(
    c: Compiled, scn: Scenario, pending: Pending, info: Explanation, moves: NDArray[np.int64]
) -> Parts:
    """Every source of the turn's changes, in order: before the resolution, then the model's."""
    parts: Parts = dict(pending.parts)
    for p, key in enumerate(info.labels):
        d = info.delta[0, p]
        if key in parts:
            parts[key] = (parts[key][0], parts[key][1] + d)
        else:
            parts[key] = (source_label(c, scn, key, moves), d.copy())
    return parts


def move_reports(
    scn: Scenario,
    branches: BranchTable,
    actor_ids: Sequence[str],
    moves: NDArray[np.int64],
    happened: NDArray[np.bool_],
    exposed: NDArray[np.bool_],
) -> dict[str, MoveReport]:
    out: dict[str, MoveReport] = {}
    for a, aid in enumerate(actor_ids):
        o = int(moves[a])
        opt = scn.actors[a].options[o]
        brs = [
            BranchResult(
                opt.branches[j].id,
                opt.branches[j].label,
                bool(happened[r]),
                opt.branches[j].exposes,
                opt.branches[j].headline,
            )
            for r, (ba, bo, j) in enumerate(branches)
            if ba == a and bo == o
        ]
        out[aid] = MoveReport(
            aid, scn.actors[a].name, opt.id, opt.name, opt.covert, bool(exposed[a]), brs
        )
    return out


def turn_news(
    c: Compiled,
    scn: Scenario,
    T: int,
    date: dt.date,
    moves: NDArray[np.int64],
    reports: dict[str, MoveReport],
    events: list[EventReport],
    outcome: int | None,
) -> list[NewsItem]:
    """The news the resolution makes: moves (covert ones only to their side, and to others
    as holding course), exposures, the model's events and the outcome."""
    out: list[NewsItem] = []

    def add(headline: str, kind: NewsKind, visible_to: str | None, actor: str | None) -> None:
        out.append(NewsItem(T, date, headline, kind, visible_to, actor))

    for a, aid in enumerate(c.actor_ids):
        actor = scn.actors[a]
        opt = actor.options[int(moves[a])]
        mr = reports[aid]
        if opt.private_to is not None and not opt.covert:
            # a private move: the mover and its addressee see it; the rest see holding course
            private = _("Private: {headline}", headline=fill(opt.headline, actor.name))
            add(private, "move", aid, aid)
            add(private, "move", opt.private_to, aid)
            hold = actor.options[int(c.hold[a])]
            for bid in c.actor_ids:
                if bid not in (aid, opt.private_to):
                    add(fill(hold.headline, actor.name), "move", bid, aid)
        elif not opt.covert:
            add(fill(opt.headline, actor.name), "move", None, aid)
        else:
            # the owner's own line names the move, never its public headline: that one
            # may say the move "comes to light", which is only true once it is exposed
            if mr.exposed:
                line = _("Covert: {side} — {move}", side=actor.name, move=opt.name)
            else:
                line = _("Covert: {side} — {move} (not exposed)", side=actor.name, move=opt.name)
            add(line, "move", aid, aid)
            if not mr.exposed:
                # to everyone else it looks like holding course
                hold = actor.options[int(c.hold[a])]
                for bid in c.actor_ids:
                    if bid != aid:
                        add(fill(hold.headline, actor.name), "move", bid, aid)
        for br in mr.branches:
            if not br.happened:
                continue
            if br.exposes and opt.covert:
                add(fill(br.headline or opt.headline, actor.name), "exposed", None, aid)
            elif br.headline:
                add(fill(br.headline, actor.name), "move", aid if opt.covert else None, aid)
    for ev in events:
        if ev.source == "model":
            add(ev.headline, "event", None, None)
    if outcome is not None:
        add(scn.outcomes[outcome].headline, "outcome", None, None)
    return out


def metric_changes(scn: Scenario, parts: Parts, x0: F, x1: F) -> list[MetricChange]:
    out = []
    for m, met in enumerate(scn.metrics):
        sources = [
            SourcePart(key, label, float(d[m]))
            for key, (label, d) in parts.items()
            if abs(d[m]) > _EPS
        ]
        out.append(MetricChange(met.id, met.name, float(x0[m]), float(x1[m]), True, sources))
    return out


def for_viewer(
    full: TurnReport,
    c: Compiled,
    scn: Scenario,
    v: int,
    parts: Parts,
    moves: NDArray[np.int64],
    exposed: NDArray[np.bool_],
    shown: dict[str, Any],
    after: tuple[F, NDArray[np.bool_]],
) -> TurnReport:
    """The turn as actor ``v`` may know it: the other side's unexposed covert move
    looks like holding course, its effects (and any interaction it took part in)
    are folded into drift, and other sides' private metrics are estimates only
    (``shown``: what ``v`` was shown before; ``after``: its estimates now and which
    metrics are estimated)."""
    vid = c.actor_ids[v]
    hidden = [a for a in range(c.n_actors) if not move_seen(c, v, a, int(moves[a]), exposed[a])]
    hidden_ids = {c.actor_ids[a] for a in hidden}
    fold = {f"move:{c.actor_ids[a]}" for a in hidden}
    fold |= {f"interaction:{it.id}" for it in scn.interactions if hidden_ids & set(it.when)}
    # an inject aimed at another actor: its effects look like drift
    fold |= {f"inject:{i.id}" for i in scn.injects if i.to is not None and i.to != vid}
    reports: dict[str, MoveReport] = {}
    for a, aid in enumerate(c.actor_ids):
        mr = full.moves[aid]
        if a in hidden:
            hold = scn.actors[a].options[int(c.hold[a])]
            mr = MoveReport(aid, mr.actor_name, hold.id, hold.name)
        elif a != v and mr.covert:
            mr = dataclasses.replace(mr, branches=[b for b in mr.branches if b.exposes])
        reports[aid] = mr
    # relabel moves seen as holding course
    labels = {
        f"move:{aid}": move_label(mr.actor_name, mr.option_name) for aid, mr in reports.items()
    }
    after_est, mask = after
    metrics = []
    for m, mc in enumerate(full.metrics):
        if mask[m]:
            # the estimates as shown: within the metric's range (fog's draws are not clipped)
            lo, hi = float(c.lo[m]), float(c.hi[m])
            before = min(max(float(shown["estimates"][mc.metric][0]), lo), hi)
            now = min(max(float(after_est[m]), lo), hi)
            metrics.append(MetricChange(mc.metric, mc.name, before, now, False, []))
            continue
        merged: dict[str, tuple[str, float]] = {}
        for key, (label, d) in parts.items():
            if key in fold:
                key2, lab = "drift", "Drift"
            else:
                key2, lab = key, labels.get(key, label)
            if key2 in merged:
                merged[key2] = (merged[key2][0], merged[key2][1] + float(d[m]))
            else:
                merged[key2] = (lab, float(d[m]))
        sources = [SourcePart(k, lab, d) for k, (lab, d) in merged.items() if abs(d) > _EPS]
        metrics.append(dataclasses.replace(mc, sources=sources))
    return dataclasses.replace(
        full,
        viewer=vid,
        moves=reports,
        metrics=metrics,
        headlines=[n for n in full.headlines if n.visible_to in (None, vid)],
    )


def restrict(rep: TurnReport, metrics: NDArray[np.bool_], stage: bool) -> TurnReport:
    """A viewer's report without the metrics it may not see (and the stage, if hidden)."""
    ids = {mid for mid, ok in zip([mc.metric for mc in rep.metrics], metrics, strict=True) if ok}
    out = dataclasses.replace(rep, metrics=[mc for mc in rep.metrics if mc.metric in ids])
    if not stage:
        out = dataclasses.replace(
            out,
            stage_before="",
            stage_after="",
            stage_before_name=_("Unknown"),
            stage_after_name=_("Unknown"),
            stage_known=False,
        )
    return out


def shown_to(
    c: Compiled,
    a: int,
    avail: NDArray[np.bool_],
    estimate: tuple[F, F, NDArray[np.bool_]],
) -> dict[str, Any]:
    """What actor ``a`` is shown at decision time (goes into the log): which options were
    available, and its estimates (value, error) of the metrics it cannot see exactly."""
    est, err, mask = estimate
    return {
        "options": [[oid, bool(avail[o])] for o, oid in enumerate(c.option_ids[a])],
        "estimates": {
            c.metric_ids[m]: [float(est[m]), float(err[m])] for m in np.flatnonzero(mask)
        },
    }


@dataclass(frozen=True)
class Resolved:
    """What the model did in a turn, as the report needs it."""

    turn: int
    date: dt.date
    moves: NDArray[np.int64]  # [A]
    info: Explanation
    exposed: NDArray[np.bool_]  # [A]
    shown: dict[str, Any]  # actor id -> ``shown_to``
    x1: F  # the world once resolved
    stage1: int
    outcome: int | None


def build_reports(
    c: Compiled,
    scn: Scenario,
    branches: BranchTable,
    pending: Pending,
    r: Resolved,
    earlier_news: list[NewsItem],
    after: Callable[[int], tuple[F, NDArray[np.bool_]]],
) -> tuple[TurnReport, list[TurnReport], list[NewsItem]]:
    """(the full report, each actor's copy in actor order, the news the resolution made).

    ``earlier_news``: the turn's news before it resolved (injects, the teacher's);
    ``after(v)``: viewer v's estimates once resolved and which metrics are estimated.
    """
    parts = all_parts(c, scn, pending, r.info, r.moves)
    reports = move_reports(scn, branches, c.actor_ids, r.moves, r.info.branches[0], r.exposed)
    events = list(pending.events) + [
        EventReport(ev.id, ev.name, ev.headline, "model")
        for e, ev in enumerate(scn.events)
        if r.info.events[0, e]
    ]
    made = turn_news(c, scn, r.turn, r.date, r.moves, reports, events, r.outcome)
    s0, s1 = pending.stage0, r.stage1
    q = r.outcome
    full = TurnReport(
        turn=r.turn,
        date=r.date,
        viewer=None,
        moves=reports,
        metrics=metric_changes(scn, parts, pending.x0, r.x1),
        events=events,
        injects=list(pending.injects),
        stage_before=c.stage_ids[s0],
        stage_after=c.stage_ids[s1],
        stage_before_name=scn.ladder[s0].name,
        stage_after_name=scn.ladder[s1].name,
        outcome=c.outcome_ids[q] if q is not None else None,
        outcome_name=scn.outcomes[q].name if q is not None else None,
        headlines=earlier_news + made,
    )
    viewers = [
        for_viewer(full, c, scn, v, parts, r.moves, r.exposed, r.shown[vid], after(v))
        for v, vid in enumerate(c.actor_ids)
    ]
    return full, viewers, made
