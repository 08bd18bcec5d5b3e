"""Commitments and offers as the players see them: each side's public record of threats
carried out or lapsed, the credibility that record earns, the threats pending now, and
the terms open to acceptance.

The rules of a commitment are the model's (``game.model.step_v2``); this module reads
them for the computer players (``ai.policies``) and for the views."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from game.engine.views import CommitmentView, OfferView
from game.i18n import _, format_percent, ngettext
from game.model import Compiled, State
from game.scenario.schema import Scenario

Record = Mapping[int, tuple[int, int]]  # actor -> (commitments carried out, lapsed)


def commitment_record(c: Compiled, fired: Iterable[Iterable[str]]) -> dict[int, tuple[int, int]]:
    """Each actor's record of commitments, (carried out, lapsed), from the ids of the events
    fired turn by turn (public news: every commitment is public)."""
    out: dict[int, tuple[int, int]] = {}
    v2 = c.v2
    if v2 is None or not v2.pl_actor.size:
        return out
    kept = {int(e): int(a) for a, e in zip(v2.pl_actor, v2.pl_ev[:, 1], strict=True) if e >= 0}
    broken = {int(e): int(a) for a, e in zip(v2.pl_actor, v2.pl_ev[:, 2], strict=True)}
    for turn in fired:
        for eid in turn:
            e = c.index["event"].get(eid, -1)
            if e in kept:
                k, b = out.get(kept[e], (0, 0))
                out[kept[e]] = (k + 1, b)
            if e in broken:
                k, b = out.get(broken[e], (0, 0))
                out[broken[e]] = (k, b + 1)
    return out


def credibility(c: Compiled, k: int, record: Record) -> float:
    """The chance other sides give commitment ``k``'s actor of carrying it out: the
    posterior mean of the commitment's Beta prior after the actor's record (Bayes' rule
    for a Bernoulli resolve; a commitment that was met is no evidence either way)."""
    assert c.v2 is not None
    a, o = int(c.v2.pl_actor[k]), int(c.v2.pl_option[k])
    prior = c.scenario.actors[a].options[o].commits
    assert prior is not None
    kept, broken = record.get(a, (0, 0))
    alpha, beta = prior.credibility.kept, prior.credibility.broken
    return (alpha + kept) / (alpha + beta + kept + broken)


def pending(c: Compiled, st: State, record: Record) -> list[CommitmentView]:
    """The threats pending in world 0 of ``st``, soonest due first."""
    v2 = c.v2
    if v2 is None or st.pledge is None:
        return []
    scn = c.scenario
    out = []
    for k in range(v2.pl_actor.size):
        left = int(st.pledge[0, k])
        if left <= 0:
            continue
        a, o, b = int(v2.pl_actor[k]), int(v2.pl_option[k]), int(v2.pl_to[k])
        opt = scn.actors[a].options[o]
        assert opt.commits is not None
        names = {x.id: x.name for x in scn.actors[b].options}
        demand = _(" or ").join(names[d] for d in opt.commits.demand)
        cred = credibility(c, k, record)
        text = ngettext(
            "Deadline in {n} turn: {option} ({actor}), met by {demand} ({target}). "
            "Chance it is carried out: {chance}.",
            "Deadline in {n} turns: {option} ({actor}), met by {demand} ({target}). "
            "Chance it is carried out: {chance}.",
            left,
            option=opt.name,
            actor=scn.actors[a].name,
            target=scn.actors[b].name,
            demand=demand,
            chance=format_percent(round(cred * 100) / 100),
        )
        out.append(CommitmentView(c.actor_ids[a], opt.id, c.actor_ids[b], left, cred, text))
    return sorted(out, key=lambda v: v.turns_left)


def terms(scn: Scenario, a: int, o: int) -> str:
    """What option ``o`` of actor ``a`` commits the actor to, in words ("" if nothing)."""
    opt = scn.actors[a].options[o]
    cm = opt.commits
    if cm is None:
        return ""
    by_id = {x.id: x for x in scn.actors}
    theirs = {x.id: x.name for x in by_id[cm.to].options}
    mine = {x.id: x.name for x in scn.actors[a].options}
    lapse = next(e.name for e in scn.events if e.id == cm.broken)
    return ngettext(
        "A public threat: {target} has {n} turn to choose {demand}; then carry it out "
        "({carry}) or back down ({lapse}).",
        "A public threat: {target} has {n} turns to choose {demand}; then carry it out "
        "({carry}) or back down ({lapse}).",
        cm.deadline,
        target=by_id[cm.to].name,
        demand=_(" or ").join(theirs[d] for d in cm.demand),
        carry=_(" or ").join(mine[d] for d in cm.carry_out),
        lapse=lapse,
    )


def open_offers(c: Compiled, last_seen: Sequence[int]) -> list[OfferView]:
    """The offers made last turn that a side saw (``last_seen``: every side's last move as
    it saw it), each with who may accept it, with which option."""
    scn = c.scenario
    out = []
    for b, o in enumerate(last_seen):
        opt = scn.actors[b].options[int(o)]
        off = opt.offer
        if off is None:
            continue
        to = scn.actors[c.index["actor"][off.to]]
        accept = next(x.name for x in to.options if x.id == off.accept)
        text = _(
            "Offer from {actor}: {terms} {target} may accept it this turn only ({accept}).",
            actor=scn.actors[b].name,
            terms=off.terms,
            target=to.name,
            accept=accept,
        )
        out.append(OfferView(c.actor_ids[b], opt.id, off.to, off.accept, text))
    return out


@dataclass(frozen=True)
class OfferResult:
    """An offer made in a game and the answer it got (the debrief's record of terms)."""

    turn: int  # the turn the offer was made
    actor: str  # who offered
    option: str  # the offering option
    to: str  # the addressee
    terms: str  # the terms, in the scenario's words
    # "accepted", "countered" (the addressee offered terms back), "rejected", or "open"
    # (the game ended before the addressee could answer)
    answer: str
    reply: str | None  # the addressee's move in the turn after, None while open


def offer_results(scn: Scenario, moves: Sequence[Mapping[str, str]]) -> list[OfferResult]:
    """Every offer in a game, in order, from the moves turn by turn (actor id -> option id,
    turn 1 first), with the addressee's answer in the next turn: its ``accept`` option,
    an offer of its own back to the offerer, or anything else."""
    options = {a.id: {o.id: o for o in a.options} for a in scn.actors}
    out = []
    for k, turn in enumerate(moves):
        for aid, oid in turn.items():
            off = options[aid][oid].offer
            if off is None:
                continue
            reply = moves[k + 1].get(off.to) if k + 1 < len(moves) else None
            if reply is None:
                answer = "open"
            elif reply == off.accept:
                answer = "accepted"
            elif (back := options[off.to][reply].offer) is not None and back.to == aid:
                answer = "countered"
            else:
                answer = "rejected"
            out.append(OfferResult(k + 1, aid, oid, off.to, off.terms, answer, reply))
    return out


def offers_made(scn: Scenario, moves: Mapping[str, str]) -> list[dict[str, str]]:
    """The offers among one turn's moves (actor id -> option id), as the log writes them:
    who offered, with which option, to whom, the terms and the option that accepts."""
    out = []
    for a in scn.actors:
        opt = next(o for o in a.options if o.id == moves[a.id])
        if opt.offer is not None:
            out.append(
                {
                    "actor": a.id,
                    "option": opt.id,
                    "to": opt.offer.to,
                    "terms": opt.offer.terms,
                    "accept": opt.offer.accept,
                }
            )
    return out
