"""Private types and what the other sides believe about them.

An actor with ``types`` (in the scenario) is one of them in each game: drawn once at the
start from the game's own stream (TYPES, actor), so a replay draws the same. Nobody else
is told. Each other side starts from the types' chances and updates by Bayes' rule on
every move of the actor it saw:

    P(type | moves) ∝ P(type) · Π likelihood[type][move]

``likelihood`` is the scenario's: how many times likelier that type is to choose an
option than the actor's average (unlisted: 1). A move seen as holding course (a covert
move not exposed looks like one) counts as holding course. The computer playing the actor
wants what its type wants (the type's objectives added to the actor's); the computer
reading the actor expects its moves in proportion to the likelihoods under its belief.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from game.engine.rng import TYPES, stream
from game.model import Compiled
from game.scenario.schema import Objectives


def draw_types(c: Compiled, seed: int) -> dict[int, int]:
    """Each actor's private type (index into its ``types``), for the actors that have any."""
    out = {}
    for a, actor in enumerate(c.scenario.actors):
        if actor.types:
            p = np.array([t.p for t in actor.types])
            u = stream(seed, TYPES, a).random()
            out[a] = int(min(np.searchsorted(np.cumsum(p), u * p.sum(), side="right"), p.size - 1))
    return out


def likelihoods(c: Compiled, actor: int) -> NDArray[np.float64]:
    """[K types, O options]: each type's relative chance of each of the actor's options."""
    spec = c.scenario.actors[actor]
    ids = c.option_ids[actor]
    out = np.ones((len(spec.types), len(ids)))
    for k, t in enumerate(spec.types):
        for oid, v in t.likelihood.items():
            out[k, ids.index(oid)] = v
    return out


def posterior(c: Compiled, actor: int, seen: Sequence[int]) -> NDArray[np.float64]:
    """The belief over ``actor``'s types after seeing it make the moves ``seen`` (option
    indices, oldest first), from the types' chances by Bayes' rule (in logs: long games
    never underflow)."""
    spec = c.scenario.actors[actor]
    logp = np.log(np.array([t.p for t in spec.types]))
    if seen:
        logl = np.log(likelihoods(c, actor))
        logp = logp + logl[:, np.asarray(seen, dtype=np.int64)].sum(axis=1)
    logp -= logp.max()
    p = np.exp(logp)
    return np.asarray(p / p.sum(), dtype=np.float64)


def expected_mix(c: Compiled, actor: int, belief: NDArray[np.float64]) -> NDArray[np.float64]:
    """[O]: how likely each of ``actor``'s options is under ``belief`` (sums to 1)."""
    w = belief @ likelihoods(c, actor)
    return np.asarray(w / w.sum(), dtype=np.float64)


def type_objectives(c: Compiled, actor: int, k: int | None) -> Objectives:
    """The actor's objectives with type ``k``'s added (the actor's own when None)."""
    base = c.scenario.actors[actor].objectives
    if k is None:
        return base
    extra = c.scenario.actors[actor].types[k].objectives
    metrics = dict(base.metrics)
    for m, w in extra.metrics.items():
        metrics[m] = metrics.get(m, 0.0) + w
    outcomes = dict(base.outcomes)
    for q, w in extra.outcomes.items():
        outcomes[q] = outcomes.get(q, 0.0) + w
    return Objectives(metrics=metrics, outcomes=outcomes)
