"""Many computer-against-computer games played in lock step.

Game k of a lab run with seed S is the game ``brink autoplay SCENARIO --seed S+k``
plays, move for move: every game is a ``Session`` of its own (so injects, the
true model step and the bookkeeping are the engine's own), and its computer
players decide exactly as the engine's would, from the game's own random
streams (``game.engine.rng``: the AI's forecasts from ``(AI, turn, actor)``,
its belief worlds from ``(AI, turn, actor, BELIEF)``, its softmax draw from
``(AI, turn, actor, 0)``). No stream is shared between games, so the order in
which games are advanced cannot change any of them.

All running games advance one turn together: first every computer decision of
every game (``decide_turn``), then every game's turn is resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from game.engine import ai as ai_mod
from game.engine.ai import AISettings, objective_weights
from game.engine.fog import MoveRecord, belief_worlds, last_seen, stage_shown
from game.engine.rng import AI, BELIEF, check_seed, stream
from game.engine.seats import Seat
from game.engine.session import Session
from game.engine.views import TurnReport
from game.model import State, available
from game.scenario import Loaded


@dataclass
class GameRecord:
    """One finished (or stopped) game of a lab run."""

    index: int  # k: the game's place in the run
    seed: int  # S + k
    outcome: str | None  # outcome id, None if stopped by ``turns`` first
    length: int  # turns resolved
    moves: list[dict[str, str]]  # per turn: actor id -> option id
    stages: list[str]  # the stage after each turn
    events: list[list[str]]  # per turn: the events that fired (model, inject, teacher)
    peak_stage: int  # highest ladder index reached, the starting stage included
    # per turn: the option branches that happened, as "actor.option.branch"
    branches: list[list[str]] = field(default_factory=list)
    # actor id -> its score at the end: its objectives applied to the game's change and
    # ending (the report's formula, ``game.report.analysis.utilities``)
    scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "seed": self.seed,
            "outcome": self.outcome,
            "length": self.length,
            "peak_stage": self.peak_stage,
            "moves": self.moves,
            "stages": self.stages,
            "events": self.events,
            "branches": self.branches,
            "scores": self.scores,
        }


_COMPUTER = Seat.ai()


@dataclass
class _Game:
    """A running game: its session and what its players have seen so far."""

    index: int
    session: Session
    # per resolved turn: (moves [A], exposed [A]) as the engine records them
    history: list[MoveRecord] = field(default_factory=list)
    record: GameRecord | None = None


def decide(s: Session, history: list[MoveRecord], a: int) -> int:
    """The computer's move for actor ``a`` of game ``s`` now, from the game's own streams:
    the engine's own ``machine_move`` with the engine's belief and last-seen rules."""
    c, seed, T = s.c, s.seed, s.current_turn

    known = stage_shown(c, a, s.stage_unveiled)

    def belief(n: int) -> State:
        rng = stream(seed, AI, T, a, BELIEF)
        return belief_worlds(c, s.state, a, s.fog_estimates(a), n, rng, stage_known=known)

    avail = available(c, s.state)[0, a]
    o, _ = ai_mod.machine_move(
        c,
        _COMPUTER,
        a,
        avail,
        seed,
        T,
        belief,
        last_seen(c, history, a),
        s.ai_settings,
        s.outlook(a, own=True),
    )
    return o


SCRIPTED = -1  # in a decision list: a side the session moves itself (scripted, or --as)


def decide_turn(games: Sequence[_Game]) -> list[list[int]]:
    """Every computer decision of every running game for the coming turn (``SCRIPTED`` for a
    side the session moves itself when the turn resolves: a scripted actor, or a seat given
    with ``--as``)."""
    return [
        [
            decide(g.session, g.history, a) if g.session.seats[aid].waits else SCRIPTED
            for a, aid in enumerate(g.session.c.actor_ids)
        ]
        for g in games
    ]


def _resolve(g: _Game, moves: Sequence[int]) -> TurnReport:
    s = g.session
    c = s.c
    for a, aid in enumerate(c.actor_ids):
        if moves[a] != SCRIPTED:
            s.commit(aid, c.option_ids[a][moves[a]])
    report = s.resolve()
    made = [c.option_index(a, report.moves[aid].option) for a, aid in enumerate(c.actor_ids)]
    exposed = np.array([report.moves[aid].exposed for aid in c.actor_ids], dtype=bool)
    g.history.append((np.asarray(made, dtype=np.int64), exposed))
    return report


def play_games(
    loaded: Loaded,
    games: int,
    seed: int,
    settings: AISettings | None = None,
    turns: int | None = None,
    on_turn: Callable[[int, int], None] | None = None,
    seats: Mapping[str, Seat] | None = None,
) -> list[GameRecord]:
    """Play games ``seed .. seed + games - 1`` computer against computer.

    ``turns`` stops every game after that many turns (as ``autoplay --turns``).
    ``on_turn(finished, running)`` is called after each turn of the run. ``seats`` plays
    some actors otherwise (``autoplay --as``: an option every turn, or at random); game k
    is then ``autoplay --seed S+k`` with the same ``--as``.
    """
    if games < 1:
        raise ValueError("the lab needs at least one game")
    check_seed(seed)
    check_seed(seed + games - 1)
    settings = settings or AISettings()
    # scripted actors keep their scripted seats: the session moves them by their rules
    human = {a.id: Seat.human() for a in loaded.scenario.actors if a.script is None}
    human |= dict(seats or {})
    running = [
        _Game(k, Session.new(loaded, seed=seed + k, seats=human, ai=settings, autosave=False))
        for k in range(games)
    ]
    stage_index = running[0].session.c.index["stage"]
    records: list[GameRecord | None] = [None] * games
    peaks = [stage_index[g.session.stage] for g in running]
    moves_of: list[list[dict[str, str]]] = [[] for _ in range(games)]
    stages_of: list[list[str]] = [[] for _ in range(games)]
    events_of: list[list[list[str]]] = [[] for _ in range(games)]
    branches_of: list[list[list[str]]] = [[] for _ in range(games)]
    scn = loaded.scenario
    weights = [objective_weights(running[0].session.c, a.objectives) for a in scn.actors]
    start_x = [g.session.state.x[0].copy() for g in running]

    def finish(g: _Game) -> None:
        s = g.session
        dx = s.state.x[0] - start_x[g.index]
        q = int(s.state.outcome[0])
        records[g.index] = GameRecord(
            index=g.index,
            seed=s.seed,
            outcome=s.outcome,
            length=s.turn,
            moves=moves_of[g.index],
            stages=stages_of[g.index],
            events=events_of[g.index],
            peak_stage=peaks[g.index],
            branches=branches_of[g.index],
            scores={
                a.id: float(dx @ wm + wq[q])
                for a, (wm, wq) in zip(scn.actors, weights, strict=True)
            },
        )

    done = 0
    while running:
        decisions = decide_turn(running)
        still: list[_Game] = []
        for g, mv in zip(running, decisions, strict=True):
            report = _resolve(g, mv)
            k = g.index
            moves_of[k].append({aid: m.option for aid, m in report.moves.items()})
            stages_of[k].append(report.stage_after)
            events_of[k].append([e.id for e in report.events])
            branches_of[k].append(list(g.session.turn_log.turns[-1]["result"]["branches"]))
            peaks[k] = max(peaks[k], stage_index[report.stage_after])
            s = g.session
            if s.over or (turns is not None and s.turn >= turns):
                finish(g)
                done += 1
            else:
                still.append(g)
        running = still
        if on_turn is not None:
            on_turn(done, len(running))
    return [r for r in records if r is not None]


def _chunk(
    loaded: Loaded,
    start: int,
    games: int,
    seed: int,
    settings: dict[str, Any],
    turns: int | None,
    seats: dict[str, dict[str, Any]] | None = None,
) -> list[GameRecord]:
    """Games ``start .. start + games - 1`` of a run (a task on a worker)."""
    given = {a: Seat.from_dict(d) for a, d in (seats or {}).items()}
    records = play_games(
        loaded, games, seed + start, AISettings.from_dict(settings), turns, seats=given
    )
    for r in records:
        r.index += start
    return records


def play_games_on_cluster(
    loaded: Loaded,
    games: int,
    seed: int,
    settings: AISettings | None = None,
    turns: int | None = None,
    workers: int = 2,
    scheduler: str | None = None,
    on_games: Callable[[int], None] | None = None,
    seats: Mapping[str, Seat] | None = None,
) -> list[GameRecord]:
    """``play_games`` split into chunks of games run on Dask (the same records, in the
    same order, whatever the number of workers). ``on_games(done)`` reports progress."""
    from game.lab.cluster import run_tasks

    if games < 1:
        raise ValueError("the lab needs at least one game")
    check_seed(seed)
    check_seed(seed + games - 1)
    cfg = (settings or AISettings()).to_dict()
    size = max(1, min(25, -(-games // (4 * max(1, workers)))))
    starts = list(range(0, games, size))
    given = {a: seat.to_dict() for a, seat in (seats or {}).items()}
    tasks = [(s, min(size, games - s), seed, cfg, turns, given) for s in starts]
    done = [0]

    def count(i: int) -> None:
        done[0] += tasks[i][1]
        if on_games is not None:
            on_games(done[0])

    chunks = run_tasks(_chunk, tasks, scheduler, workers, shared=loaded, on_done=count, name="lab")
    return [r for chunk in chunks for r in chunk]
