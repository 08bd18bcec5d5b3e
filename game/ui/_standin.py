"""A temporary stand-in for ``game.engine`` with the documented Engine API.

Used only while ``game.engine.Session`` does not exist, so the window can be
built and tested; ``game.ui.backend`` prefers the real engine whenever it imports.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from game.model import Fixed, Then, Uniform, available, compile_scenario, forecast, initial_state, step
from game.scenario import Loaded, load_scenario


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


@dataclass(frozen=True)
class Seat:
    kind: str
    option: str | None = None
    temperature: float = 1.0

    @staticmethod
    def human() -> Seat:
        return Seat("human")

    @staticmethod
    def ai(temperature: float = 1.0) -> Seat:
        return Seat("ai", temperature=temperature)

    @staticmethod
    def random() -> Seat:
        return Seat("random")


@dataclass
class MetricView:
    id: str
    name: str
    value: float
    error: float
    exact: bool


@dataclass
class PlayerView:
    actor: str
    turn: int
    date: dt.date
    stage: str
    metrics: list[MetricView]


@dataclass
class OptionView:
    id: str
    name: str
    category: str
    description: str
    escalation: float
    available: bool
    reason: str


@dataclass
class Advice:
    advisor: str
    name: str
    title: str
    stance: str
    option: str
    reason: str


@dataclass
class NewsItem:
    turn: int
    date: dt.date
    headline: str
    kind: str
    visible_to: tuple[str, ...] = ()


@dataclass
class TurnReport:
    turn: int
    moves: dict[str, str]
    explanation: dict[str, dict[str, float]]
    events: list[str]
    headlines: list[str]
    stage_before: str
    stage_after: str
    outcome: str | None
    log: list[Any] = field(default_factory=list)


class SaveError(Exception):
    pass


class Session:
    def __init__(self, loaded: Loaded, seed: int, seats: dict[str, Seat]) -> None:
        self.loaded = loaded
        self.scenario = loaded.scenario
        self.seed = seed
        self.seats = seats
        self.c = compile_scenario(loaded.scenario)
        self.state = initial_state(self.c, 1, _rng(seed, 0))
        self.history: list[TurnReport] = []
        self.news: list[NewsItem] = []
        self.log: list[dict[str, str]] = []
        self._pending: dict[str, str] = {}

    @classmethod
    def new(cls, loaded: Loaded, seed: int, seats: dict[str, Seat]) -> Session:
        return cls(loaded, seed, seats)

    @property
    def turn(self) -> int:
        return self.state.turn

    @property
    def date(self) -> dt.date:
        m = self.scenario.meta
        return m.start_date + dt.timedelta(days=m.turn_days * self.turn)

    @property
    def over(self) -> bool:
        return bool(self.state.outcome[0] >= 0)

    @property
    def outcome(self) -> str | None:
        q = int(self.state.outcome[0])
        return self.c.outcome_ids[q] if q >= 0 else None

    @property
    def stage(self) -> str:
        return self.c.stage_ids[int(self.state.stage[0])]

    def view(self, actor: str) -> PlayerView:
        rng = _rng(self.seed, 4, self.turn, self.c.actor_index(actor))
        out = []
        for i, m in enumerate(self.scenario.metrics):
            v = float(self.state.x[0, i])
            exact = m.visibility == "public" or m.owner == actor
            err = 0.0 if exact else 0.12 * (m.range[1] - m.range[0])
            est = v if exact else float(np.clip(v + err * rng.standard_normal(), *m.range))
            out.append(MetricView(m.id, m.name, est, err, exact))
        return PlayerView(actor, self.turn, self.date, self.stage, out)

    def options(self, actor: str) -> list[OptionView]:
        a = self.c.actor_index(actor)
        ok = available(self.c, self.state)[0, a]
        acts = self.scenario.actors[a]
        return [
            OptionView(
                o.id, o.name, str(o.category), o.description, o.escalation, bool(ok[j]),
                "" if ok[j] else "not available now",
            )
            for j, o in enumerate(acts.options)
        ]

    def advice(self, actor: str) -> list[Advice]:
        a = self.c.actor_index(actor)
        acts = self.scenario.actors[a]
        opts = [o for o in self.options(actor) if o.available]
        out = []
        for k, adv in enumerate(acts.advisors):
            pick = opts[(k * 3 + self.turn) % len(opts)]
            out.append(Advice(adv.id, adv.name, adv.title, adv.stance, pick.id,
                              f"{adv.stance.title()} view: {pick.name.lower()} serves our aims."))
        return out

    def what_if(self, actor: str, option: str, worlds: int = 2000, horizon: int = 4):
        a = self.c.actor_index(actor)
        o = self.c.option_index(a, option)
        pols = [Uniform() for _ in self.c.actor_ids]
        pols[a] = Then(Fixed(o), Uniform())
        return forecast(self.c, self.state, pols, _rng(self.seed, 5, self.turn, a, o), worlds, horizon)

    def commit(self, actor: str, option: str) -> None:
        a = self.c.actor_index(actor)
        o = self.c.option_index(a, option)
        if not available(self.c, self.state)[0, a, o]:
            raise ValueError(f"option {option!r} is not available")
        self._pending[actor] = option

    def waiting(self) -> list[str]:
        return [a for a, s in self.seats.items() if s.kind == "human" and a not in self._pending]

    def resolve(self) -> TurnReport:
        if self.waiting():
            raise RuntimeError(f"waiting for {self.waiting()}")
        ok = available(self.c, self.state)[0]
        moves = np.zeros((1, self.c.n_actors), dtype=np.int64)
        chosen = {}
        for a, aid in enumerate(self.c.actor_ids):
            if aid in self._pending:
                o = self.c.option_index(a, self._pending[aid])
            else:
                rng = _rng(self.seed, 2, self.turn, a)
                idx = np.flatnonzero(ok[a])
                o = int(rng.choice(idx))
            moves[0, a] = o
            chosen[aid] = self.c.option_ids[a][o]
        stage_before = self.stage
        turn = self.turn
        info = step(self.c, self.state, moves, _rng(self.seed, 1, turn), explain=True)
        expl: dict[str, dict[str, float]] = {}
        for mi, mid in enumerate(self.c.metric_ids):
            expl[mid] = {lab: float(info.delta[0, p, mi]) for p, lab in enumerate(info.labels)}
        events = [self.c.event_ids[e] for e in np.flatnonzero(info.events[0])]
        heads = []
        date = self.date - dt.timedelta(days=self.scenario.meta.turn_days)
        for aid, oid in chosen.items():
            a = self.c.actor_index(aid)
            opt = self.scenario.actors[a].options[self.c.option_index(a, oid)]
            if opt.covert:
                continue
            h = opt.headline.format(actor=self.scenario.actors[a].name)
            heads.append(h)
            self.news.append(NewsItem(turn, date, h, "move"))
        for e in events:
            ev = self.scenario.events[self.c.event_ids.index(e)]
            heads.append(ev.headline)
            self.news.append(NewsItem(turn, date, ev.headline, "event"))
        if self.outcome:
            oc = self.scenario.outcomes[self.c.outcome_ids.index(self.outcome)]
            self.news.append(NewsItem(turn, date, oc.headline, "outcome"))
        rep = TurnReport(turn + 1, chosen, expl, events, heads, stage_before, self.stage, self.outcome)
        self.history.append(rep)
        self.log.append(chosen)
        self._pending = {}
        return rep


def save_game(s: Session, path: str | os.PathLike) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "scenario": str(s.loaded.path),
        "seed": s.seed,
        "seats": {a: seat.kind for a, seat in s.seats.items()},
        "moves": s.log,
    }
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc), encoding="utf-8")
    os.replace(tmp, p)


def load_game(path: str | os.PathLike) -> Session:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        s = Session.new(load_scenario(doc["scenario"]), doc["seed"],
                        {a: Seat(k) for a, k in doc["seats"].items()})
    except (OSError, ValueError, KeyError) as e:
        raise SaveError(f"{path}: cannot load: {e}") from e
    for mv in doc["moves"]:
        for a, o in mv.items():
            s._pending[a] = o
        seats = s.seats
        s.seats = {a: Seat("human") for a in seats}
        s.resolve()
        s.seats = seats
    return s
