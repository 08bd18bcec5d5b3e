"""Fog of war: what one actor can know of the true state.

Public metrics and the actor's own private metrics are exact. Another actor's
private metric is known only through a *filtered belief*: a mean m (the estimate
shown) and a variance P (the error shown is √P), kept per (viewer, metric) by a
scalar Kalman filter that the session runs once at the start of every turn:

* before the first reading (turn 1) the belief is the metric's initial mean with
  sd ``error_at_zero_intel`` · range (before any reading a viewer knows as little as
  one without intelligence); a public claim about the metric (``fog.claims``) pulls
  that mean to (1 − weight) · initial + weight · claimed value;
* from turn 2 on, the belief first follows what the viewer knows moved the metric
  since the last reading (the predict step): the scenario's own drift and couplings
  applied to the viewer's belief of every metric, ``(m − eq) · drift``, plus the mean
  effects of the moves it saw last turn (a covert move it did not see counts as
  holding course); and the metric may also have moved unseen: P += Q with
  Q = (``drift`` · range)²;
* each turn brings one noisy reading y = true + r·z, with

      r = range · (error_at_full_intel + (error_at_zero_intel − error_at_full_intel) · (1 − q))

  where q in [0, 1] is the viewer's intelligence metric normalised to its range
  (no intelligence metric: q = 0), and z a normal from the fog stream keyed by
  (turn, viewer), one per metric; the belief takes it in by its weight
  K = P / (P + r²): m += K · (y − m), P = (1 − K) · P.

So an estimate is stable within a turn, never depends on what anyone looked at,
sharpens as readings pile up (faster with better intelligence), follows a trend
instead of jumping about it, and a claim biases it until evidence wears the claim
down. The belief is a function of the game's history (the true states at the turns'
starts and the seed), so a re-played save rebuilds it exactly.

The AI, the advisors and the what-if forecasts reason from a *belief*: the true
state with what the viewer cannot know of the other side reset (their covert
options' cooldowns and uses, outcome counters that read fogged metrics), and
every fogged metric drawn per world from N(m, √P) — the worlds the viewer believes
possible — so neither advice nor a forecast leaks the truth, and a vague belief
gives vaguer odds rather than confident wrong ones.

A viewer who cannot see the ladder stage (``stage_visibility``) does not get it
in its belief either: each world draws its stage uniformly from the stages at
which the stage would still be hidden (those where ``public_when`` does not hold
in that world; every stage when none qualifies), and the counters that remember
the stage (outcome triggers and held conditions that read it) start afresh. The
draw comes after the metric draws, and only for such a viewer, so a game whose
stage everyone sees draws exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from game.engine.rng import FOG, stream
from game.model import Compiled, State
from game.model.conditions import Node
from game.model.step import state_ctx
from game.scenario.schema import Scenario

F = NDArray[np.float64]
# A viewer's estimates: (estimate [M], error sd [M], fogged [M]); exact metrics have error 0.
Estimate = tuple[F, F, NDArray[np.bool_]]


def fogged(c: Compiled, viewer: int) -> NDArray[np.bool_]:
    """bool [M]: metrics the viewer sees only as estimates (other actors' private ones)."""
    me = c.actor_ids[viewer]
    return np.array(
        [m.visibility == "private" and m.owner != me for m in c.scenario.metrics], dtype=bool
    )


def intel_level(c: Compiled, viewer: int, x: NDArray[np.float64]) -> float:
    """The viewer's intelligence in [0, 1] (0 without an intelligence metric)."""
    mid = c.scenario.actors[viewer].intel_metric
    if mid is None:
        return 0.0
    m = c.index["metric"][mid]
    q = (float(x[m]) - c.lo[m]) / (c.hi[m] - c.lo[m])
    return min(max(q, 0.0), 1.0)


def error_share(c: Compiled, viewer: int, x: NDArray[np.float64]) -> float:
    """The sd of one turn's reading as a share of a metric's range."""
    fog = c.scenario.fog
    q = intel_level(c, viewer, x)
    return fog.error_at_full_intel + (fog.error_at_zero_intel - fog.error_at_full_intel) * (1 - q)


@dataclass
class FogBeliefs:
    """Every viewer's filtered belief of every metric: ``mean`` and ``var`` [A, M]
    (meaningful where the metric is fogged for the viewer; elsewhere the true value
    and 0 as of the last reading), after the readings of turns 1 .. ``turn``."""

    mean: F
    var: F
    turn: int = 0  # the last turn whose reading is in (0: none yet, the prior)
    # games of save format 1: each reading stands alone (the estimate is the reading,
    # its error the reading's sd), as estimates were before the filter
    fresh: bool = False

    def copy(self) -> FogBeliefs:
        return FogBeliefs(self.mean.copy(), self.var.copy(), self.turn, self.fresh)


def prior(c: Compiled, fresh: bool = False) -> FogBeliefs:
    """The beliefs at turn 1 before its reading: each metric's initial mean (pulled
    towards a claim about it, by the claim's weight), sd ``error_at_zero_intel`` · range.
    ``fresh``: see ``FogBeliefs``."""
    fog = c.scenario.fog
    span = c.hi - c.lo
    m0 = c.init_mean.copy()
    for cl in fog.claims:
        i = c.index["metric"][cl.metric]
        m0[i] = (1.0 - cl.weight) * m0[i] + cl.weight * cl.value
    mean = np.tile(m0, (c.n_actors, 1))
    var = np.tile((fog.error_at_zero_intel * span) ** 2, (c.n_actors, 1))
    for a in range(c.n_actors):
        # a viewer's own and public metrics are exact: no belief to keep
        exact = ~fogged(c, a)
        mean[a, exact] = c.init_mean[exact]
        var[a, exact] = 0.0
    return FogBeliefs(mean, var, fresh=fresh)


def read(
    c: Compiled, b: FogBeliefs, seed: int, turn: int, x: F, seen: NDArray[np.int64] | None = None
) -> None:
    """In place: every viewer's reading of turn ``turn`` (the next after ``b.turn``) of
    the true values ``x``, folded into its beliefs (predict, then update; module doc).
    ``seen[viewer, actor]``: the move each viewer saw each actor make in the turn just
    resolved (None before the first turn: nothing moved)."""
    if turn != b.turn + 1:
        raise ValueError(f"fog: the reading of turn {turn} after that of turn {b.turn}")
    fog = c.scenario.fog
    span = c.hi - c.lo
    q = (fog.drift * span) ** 2 if b.turn else np.zeros_like(span)
    trend = c.v2.trend if c.v2 is not None else 0.0
    for a in range(c.n_actors):
        mask = fogged(c, a)
        r = error_share(c, a, x) * span
        y = x + r * stream(seed, FOG, turn, a).standard_normal(c.n_metrics)
        if b.fresh:
            b.mean[a] = np.where(mask, y, x)
            b.var[a] = np.where(mask, r * r, 0.0)
            continue
        m = b.mean[a]
        if seen is not None:
            # what the viewer knows moved it: the model's drift on its own belief of
            # every metric (exact ones as they were), and the moves it saw
            known = (m - c.eq) @ c.drift + trend
            for actor in range(c.n_actors):
                known = known + c.eff_mean[actor, int(seen[a, actor])]
            m = np.clip(m + known, c.lo - span, c.hi + span)
        p = b.var[a] + q
        tot = p + r * r
        # tot 0: an exact reading of a metric believed exactly; take the reading
        k = np.divide(p, tot, out=np.ones_like(p), where=tot > 0)
        b.mean[a] = np.where(mask, m + k * (y - m), x)
        b.var[a] = np.where(mask, (1.0 - k) * p, 0.0)
    b.turn = turn


def estimates(c: Compiled, b: FogBeliefs, viewer: int, x: F) -> Estimate:
    """(estimate[M], error sd[M], fogged[M]) for the viewer from its beliefs ``b``;
    exact metrics (``x``, the true values) have error 0.

    Estimates are not clipped to the range (a clipped estimate would equal the true
    value whenever that sits at a bound); the views (``Session.view``, the turn reports
    for a viewer) clip what they show to the range.
    """
    mask = fogged(c, viewer)
    est = np.where(mask, b.mean[viewer], x)
    err = np.where(mask, np.sqrt(b.var[viewer]), 0.0)
    return est, err, mask


def belief_state(c: Compiled, st: State, viewer: int, estimate: Estimate) -> tuple[State, F]:
    """One world as the viewer believes it is, at its point estimates, and its metrics."""
    est, _err, mask = estimate
    b = _blind(c, st, viewer, mask)
    b.x[0, mask] = np.clip(est[mask], c.lo[mask], c.hi[mask])
    return b, b.x[0].copy()


def belief_worlds(
    c: Compiled,
    st: State,
    viewer: int,
    estimate: Estimate,
    n: int,
    rng: np.random.Generator,
    stage_known: bool = True,
) -> State:
    """``n`` worlds the viewer believes possible: fogged metrics ~ N(estimate, error)
    (``estimate``: the viewer's filtered belief, ``estimates``); ``stage_known`` False
    (the stage is hidden from the viewer): the stage guessed too."""
    est, err, mask = estimate
    w = _blind(c, st, viewer, mask).repeat(n)
    k = int(mask.sum())
    if k:
        draw = est[mask] + err[mask] * rng.standard_normal((n, k))
        w.x[:, mask] = np.clip(draw, c.lo[mask], c.hi[mask])
    if not stage_known:
        _guess_stage(c, w, rng)
    return w


def _reads_stage(node: Node, held: list[Node]) -> bool:
    """Whether a condition reads the ladder stage (through a held counter too)."""
    if node.kind == "stage":
        return True
    if node.kind == "held":
        return _reads_stage(held[node.a], held)
    return any(_reads_stage(k, held) for k in node.kids)


def _guess_stage(c: Compiled, w: State, rng: np.random.Generator) -> None:
    """In place: forget what ``w`` remembers of the true stage, then draw each world's
    stage uniformly from those at which it would still be hidden (see the module doc)."""
    v = c.v2
    forget = np.logical_not(c.oc_stage.all(axis=1))
    if v is not None:
        for q, node in v.oc:
            forget[q] |= _reads_stage(node, v.held)
        if w.cheld is not None:
            for h, node in enumerate(v.held):
                if _reads_stage(node, v.held):
                    w.cheld[:, h] = 0
    w.held[:, forget] = 0
    n_stages = c.n_stages
    ok = np.ones((w.n, n_stages), dtype=bool)
    if v is not None and v.stage_public is not None:
        for s in range(n_stages):
            w.stage[:] = s
            ok[:, s] = ~v.stage_public.eval(state_ctx(w))
        ok[~ok.any(axis=1)] = True
    pick = (rng.random(w.n) * ok.sum(axis=1)).astype(np.int64)
    w.stage[:] = np.argmax(ok.cumsum(axis=1) > pick[:, None], axis=1)


def _blind(c: Compiled, st: State, viewer: int, mask: NDArray[np.bool_]) -> State:
    """A copy of the true state without what the viewer cannot know of the others."""
    b = st.copy()
    unseen = unseen_options(c, viewer)
    if b.last is not None:
        # format v2: last turn's moves the viewer could not see look like holding course
        for a in range(c.n_actors):
            if a != viewer and unseen[a].any():
                hid = unseen[a][np.maximum(b.last[:, a], 0)] & (b.last[:, a] >= 0)
                b.last[hid, a] = c.hold[a]
    if mask.any():
        for a in range(c.n_actors):
            if a != viewer:
                covert = unseen[a]
                b.cooldown[:, a, covert] = 0
                b.uses[:, a, covert] = 0
        # outcome counters whose conditions read a fogged metric are unknown: start afresh
        cond = c.oc_cond
        if cond.metric.size:
            hidden = np.zeros(len(c.outcome_ids), dtype=bool)
            hidden[cond.group[mask[cond.metric]]] = True
            b.held[:, hidden] = 0
    return b


def unseen_options(c: Compiled, viewer: int) -> NDArray[np.bool_]:
    """bool [A, O]: the other actors' options whose use the viewer cannot see (covert
    ones, and private moves addressed to someone else)."""
    out = c.covert.copy()
    me = c.actor_ids[viewer]
    for a, actor in enumerate(c.scenario.actors):
        for o, opt in enumerate(actor.options):
            if opt.private_to is not None and opt.private_to != me:
                out[a, o] = True
    out[viewer] = False
    return out


def unveil(c: Compiled, st: State, metrics: NDArray[np.bool_]) -> bool:
    """End of a turn: mark (in place) the metrics whose ``public_when`` holds now; they
    stay public for the rest of the game. Returns whether the stage's ``public_when``
    holds now."""
    v = c.v2
    if v is None:
        return False
    ctx = state_ctx(st.world(0))
    for m, node in v.metric_public:
        if node.eval(ctx)[0]:
            metrics[m] = True
    return v.stage_public is not None and bool(v.stage_public.eval(ctx)[0])


def metric_shown(c: Compiled, viewer: int, unveiled: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """bool [M]: the metrics the viewer sees at all, exactly or as an estimate. A hidden
    metric (engine-only state) and an ``actors`` metric the viewer is not listed for
    never reach its views, until their ``public_when`` has held (``unveiled``)."""
    me = c.actor_ids[viewer]
    out = np.ones(c.n_metrics, dtype=bool)
    for i, m in enumerate(c.scenario.metrics):
        if m.visibility == "hidden":
            out[i] = bool(unveiled[i])
        elif m.visibility == "actors":
            out[i] = me in m.visible_to or bool(unveiled[i])
    return out


def stage_visible(scn: Scenario, viewer: str | None, unveiled: bool) -> bool:
    """Whether actor id ``viewer`` sees the ladder stage (``stage_visibility``), given
    whether its ``public_when`` has held; ``viewer`` None: the whole room (a projector,
    a public page), which sees it only when every actor does. The one rule for the
    stage: every front end and the briefing go through it."""
    sv = scn.stage_visibility
    if sv is None or unveiled:
        return True
    if viewer is None:
        return all(a.id in sv.visible_to for a in scn.actors)
    return viewer in sv.visible_to


def stage_shown(c: Compiled, viewer: int | None, unveiled: bool) -> bool:
    """``stage_visible`` for actor index ``viewer``."""
    return stage_visible(c.scenario, None if viewer is None else c.actor_ids[viewer], unveiled)


MoveRecord = tuple[NDArray[np.int64], NDArray[np.bool_]]  # (moves [A], exposed [A]) of a turn


def seen_move(c: Compiled, history: list[MoveRecord], viewer: int, actor: int, t: int) -> int:
    """The move ``viewer`` saw ``actor`` make in turn index ``t`` (0-based).

    Another side's covert move that was not exposed looks like holding course.
    """
    moves, exposed = history[t]
    o = int(moves[actor])
    return o if move_seen(c, viewer, actor, o, bool(exposed[actor])) else int(c.hold[actor])


def move_seen(c: Compiled, viewer: int, actor: int, option: int, exposed: bool) -> bool:
    """Whether ``viewer`` sees ``actor``'s move ``option``: its own always; another's
    covert move only when exposed; a private move only as its addressee."""
    if actor == viewer:
        return True
    if c.covert[actor, option]:
        return exposed
    to = c.scenario.actors[actor].options[option].private_to
    return to is None or to == c.actor_ids[viewer]


def last_seen(c: Compiled, history: list[MoveRecord], viewer: int) -> list[int]:
    """Every actor's last move as ``viewer`` saw it (before the first turn: holding course)."""
    if not history:
        return [int(h) for h in c.hold]
    t = len(history) - 1
    return [seen_move(c, history, viewer, a, t) for a in range(c.n_actors)]


def viewer_estimates(c: Compiled, b: FogBeliefs, viewer: int, x: F, revealed: bool) -> Estimate:
    """``estimates`` as the game shows them: exact for everyone once the teacher revealed
    the true values."""
    est, err, mask = estimates(c, b, viewer, x)
    if revealed:
        return x.copy(), np.zeros_like(err), np.zeros_like(mask)
    return est, err, mask
