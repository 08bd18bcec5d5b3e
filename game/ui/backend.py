"""The UI's only door to the engine: one worker thread, plain data out.

Every call that touches the session (what-if forecasts, advice, commit and
resolve, saving) runs on a single worker thread, so they never race and no
frame ever waits on one. Scenes read plain dataclasses (``Snapshot``,
``WhatIf``, ``Resolution``) built on that thread.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.scenario import Loaded, load_scenario


def _engine() -> Any:
    """The engine module: game.engine when it is there, else the stand-in."""
    try:
        import game.engine as eng

        if hasattr(eng, "Session"):
            return eng
    except ImportError:
        pass
    from game.ui import _standin

    return _standin


def data_dir() -> Path:
    env = os.environ.get("BRINK_DATA_DIR")
    if env:
        return Path(env)
    try:
        import platformdirs

        return Path(platformdirs.user_data_dir("brinkmanship", appauthor=False))
    except ImportError:  # pragma: no cover
        return Path.home() / ".brinkmanship"


def saves_dir() -> Path:
    return data_dir() / "saves"


def list_saves() -> list[Path]:
    """Saved games, newest first."""
    d = saves_dir()
    if not d.is_dir():
        return []
    files = [p for p in d.glob("*.json") if p.is_file()]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


def latest_autosave() -> Path | None:
    return next((p for p in list_saves() if p.name.startswith("autosave")), None)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class MetricRow:
    id: str
    name: str
    short: str
    description: str
    value: float
    error: float
    exact: bool
    lo: float
    hi: float
    higher_is: str
    history: tuple[float, ...] = ()

    @property
    def norm(self) -> float:
        return (self.value - self.lo) / (self.hi - self.lo) if self.hi > self.lo else 0.0


@dataclass(frozen=True)
class OptionCard:
    index: int
    id: str
    name: str
    category: str
    description: str
    escalation: float
    available: bool
    reason: str
    covert: bool


@dataclass(frozen=True)
class AdviceRow:
    name: str
    title: str
    stance: str
    option_id: str
    option_name: str
    reason: str


@dataclass(frozen=True)
class NewsRow:
    turn: int
    date: dt.date | None
    headline: str
    kind: str


@dataclass(frozen=True)
class Snapshot:
    """What the player may see at the start of a turn."""

    actor: str
    turn: int
    turn_limit: int
    date: dt.date
    stage: str
    stage_index: int
    metrics: tuple[MetricRow, ...]
    options: tuple[OptionCard, ...]
    news: tuple[NewsRow, ...]  # newest first
    over: bool
    outcome: str | None
    moves_so_far: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class WhatIf:
    option: str
    p: dict[str, float]  # outcome id (and "unresolved") -> probability within the horizon
    horizon: int
    worlds: int
    seconds: float


@dataclass(frozen=True)
class Resolution:
    turn: int
    date: dt.date
    moves: dict[str, str]  # actor -> option id
    events: tuple[str, ...]
    headlines: tuple[str, ...]
    why: dict[str, dict[str, float]]  # metric id -> source label -> change
    stage_before: str
    stage_after: str
    outcome: str | None
    odds: WhatIf | None  # P(outcomes) from here if the player holds course


@dataclass
class Decision:
    turn: int
    date: dt.date
    option: str
    odds: WhatIf | None
    other_moves: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- controller


class Game:
    """One game in progress, seen from the player's seat (or watched, AI vs AI)."""

    def __init__(
        self,
        session: Any,
        loaded: Loaded,
        actor: str | None,
        engine: Any,
        seed: int,
        temperature: float = 1.0,
        save_name: str | None = None,
    ) -> None:
        self.session = session
        self.loaded = loaded
        self.scenario = loaded.scenario
        self.engine = engine
        self.actor = actor
        self.viewer = actor or self.scenario.actors[0].id
        self.seed = seed
        self.temperature = temperature
        self.watch = actor is None
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="brink-engine")
        self._lock = threading.Lock()
        self._whatif: dict[tuple[int, str], WhatIf] = {}
        self._pending: dict[tuple[int, str], Future] = {}
        self.advice_future: Future | None = None
        self.history: dict[str, list[float]] = {m.id: [] for m in self.scenario.metrics}
        self.decisions: list[Decision] = []
        self.resolutions: list[Resolution] = []
        self.save_name = save_name or f"autosave-{self.scenario.meta.id}.json"
        self.closed = False
        self.snapshot = self._build_snapshot()
        self.request_advice()

    # ---- construction
    @classmethod
    def new(
        cls,
        scenario_path: str | Path,
        seed: int,
        actor: str | None,
        temperature: float = 1.0,
    ) -> Game:
        eng = _engine()
        loaded = load_scenario(scenario_path)
        seats = {}
        for a in loaded.scenario.actors:
            if a.id == actor:
                seats[a.id] = eng.Seat.human()
            else:
                seats[a.id] = _ai_seat(eng, temperature)
        session = eng.Session.new(loaded, seed=seed, seats=seats)
        return cls(session, loaded, actor, eng, seed, temperature)

    @classmethod
    def load(cls, path: str | Path) -> Game:
        eng = _engine()
        session = eng.load_game(path)
        loaded = getattr(session, "loaded", None)
        if loaded is None:
            loaded = load_scenario(getattr(session, "scenario_path", None) or session.path)
        humans = [a for a, s in _seats(session).items() if _seat_kind(s) == "human"]
        actor = humans[0] if humans else None
        return cls(session, loaded, actor, eng, int(getattr(session, "seed", 0)), save_name=None)

    # ---- plain reads (only between jobs)
    def _build_snapshot(self) -> Snapshot:
        s = self.session
        scn = self.scenario
        view = s.view(self.viewer)
        metrics = []
        by_id = {m.id: m for m in scn.metrics}
        for mv in _view_metrics(view):
            m = by_id[mv["id"]]
            hist = self.history.setdefault(m.id, [])
            if len(hist) <= s.turn:
                hist.append(mv["value"])
            metrics.append(
                MetricRow(
                    m.id, m.name, m.short or m.name, m.description, mv["value"], mv["error"],
                    mv["exact"], m.range[0], m.range[1], str(m.higher_is), tuple(hist),
                )
            )
        actor_def = next(a for a in scn.actors if a.id == self.viewer)
        opt_defs = {o.id: o for o in actor_def.options}
        options = tuple(
            OptionCard(
                i, o.id, o.name, str(o.category), o.description, float(o.escalation),
                bool(o.available), str(getattr(o, "reason", "") or ""), opt_defs[o.id].covert,
            )
            for i, o in enumerate(s.options(self.viewer))
        )
        news = tuple(
            NewsRow(int(n.turn), getattr(n, "date", None), n.headline, str(getattr(n, "kind", "")))
            for n in reversed(list(s.news))
            if _visible(n, self.viewer)
        )
        stage = s.stage
        stage_ids = [st.id for st in scn.ladder]
        return Snapshot(
            actor=self.viewer,
            turn=int(s.turn),
            turn_limit=scn.meta.turn_limit,
            date=s.date,
            stage=stage,
            stage_index=stage_ids.index(stage),
            metrics=tuple(metrics),
            options=options,
            news=news,
            over=bool(s.over),
            outcome=s.outcome,
        )

    # ---- asynchronous jobs
    def _submit(self, fn: Callable[[], Any]) -> Future:
        return self.worker.submit(fn)

    def request_advice(self) -> None:
        actor = self.viewer
        self.advice_future = self._submit(lambda: _advice_rows(self.session, actor, self.scenario))

    def advice(self) -> list[AdviceRow] | None:
        f = self.advice_future
        if f is None or not f.done() or f.cancelled():
            return None
        try:
            return f.result()
        except Exception:  # advice is a nicety: no advisors rather than a crash
            return []

    def what_if(self, option: str) -> WhatIf | None:
        """The forecast for ``option`` this turn, or None while it is being estimated."""
        key = (self.snapshot.turn, option)
        got = self._whatif.get(key)
        if got is not None:
            return got
        fut = self._pending.get(key)
        if fut is None:
            # newest request first: drop estimates nobody is looking at any more
            for k, f in list(self._pending.items()):
                if f.cancel():
                    del self._pending[k]
            self._pending[key] = self._submit(lambda: self._compute_what_if(key))
        elif fut.done():
            del self._pending[key]
        return None

    def _compute_what_if(self, key: tuple[int, str]) -> WhatIf | None:
        if key in self._whatif or self.closed:
            return self._whatif.get(key)
        t0 = time.perf_counter()
        f = self.session.what_if(self.viewer, key[1])
        w = _whatif_from(key[1], f, time.perf_counter() - t0)
        self._whatif[key] = w
        return w

    def hold_option(self) -> str:
        return next(a.hold_option for a in self.scenario.actors if a.id == self.viewer)

    def commit(self, option: str | None) -> Future:
        """Commit ``option`` (None when watching), resolve the turn; the future gives a Resolution."""
        turn = self.snapshot.turn
        date = self.snapshot.date
        for k, f in list(self._pending.items()):
            if f.cancel():
                del self._pending[k]

        def job() -> Resolution:
            odds = None
            if option is not None:
                odds = self._compute_what_if((turn, option))
                self.session.commit(self.viewer, option)
            rep = self.session.resolve()
            res = self._resolution(rep, turn, date)
            moves = dict(res.moves)
            if option is not None:
                self.decisions.append(
                    Decision(turn, date, option, odds, {a: o for a, o in moves.items() if a != self.viewer})
                )
            self.resolutions.append(res)
            self.snapshot = self._build_snapshot()
            self.autosave()
            if not self.snapshot.over:
                self._after = self._submit(lambda: _advice_rows(self.session, self.viewer, self.scenario))
            return res

        return self._submit(job)

    def _resolution(self, rep: Any, turn: int, date: dt.date) -> Resolution:
        s = self.session
        odds = None
        if not s.over:
            key = (int(s.turn), self.hold_option())
            odds = self._compute_what_if(key)
        why = _explanation(rep)
        return Resolution(
            turn=turn + 1,
            date=date,
            moves=_moves(rep),
            events=tuple(_events(rep)),
            headlines=tuple(getattr(rep, "headlines", ()) or ()),
            why=why,
            stage_before=str(getattr(rep, "stage_before", "") or ""),
            stage_after=str(getattr(rep, "stage_after", s.stage) or s.stage),
            outcome=s.outcome,
            odds=odds,
        )

    def after_resolution(self) -> None:
        """Called by the UI when it shows the new turn: advice for it."""
        fut = getattr(self, "_after", None)
        if fut is not None:
            self.advice_future = fut
            self._after = None

    def autosave(self) -> Path | None:
        try:
            path = saves_dir() / self.save_name
            self.engine.save_game(self.session, path)
            return path
        except Exception:
            return None

    def save_as(self, name: str) -> Future:
        path = saves_dir() / name
        return self._submit(lambda: self.engine.save_game(self.session, path) or path)

    def close(self, autosave: bool = True) -> None:
        """Stop the worker (waiting for a running job), then autosave if asked."""
        self.closed = True
        for f in self._pending.values():
            f.cancel()
        self.worker.shutdown(wait=True, cancel_futures=True)
        if autosave and not self.session.over:
            self.autosave()

    @property
    def log(self) -> Any:
        return getattr(self.session, "log", None)


# --------------------------------------------------------------------------- adapters


def _ai_seat(eng: Any, temperature: float) -> Any:
    for kwargs in ({"temperature_scale": temperature}, {"temperature": temperature}, {}):
        try:
            return eng.Seat.ai(**kwargs)
        except TypeError:
            continue
    return eng.Seat.ai()


def _seats(session: Any) -> dict[str, Any]:
    return dict(getattr(session, "seats", {}) or {})


def _seat_kind(seat: Any) -> str:
    return str(getattr(seat, "kind", seat))


def _visible(item: Any, actor: str) -> bool:
    vis = getattr(item, "visible_to", None)
    return not vis or actor in vis


def _view_metrics(view: Any) -> list[dict[str, Any]]:
    out = []
    for m in getattr(view, "metrics", []):
        get = m.get if isinstance(m, dict) else (lambda k, d=None, m=m: getattr(m, k, d))
        value = get("value")
        if value is None:
            value = get("estimate")
        err = get("error") or get("sd") or 0.0
        exact = get("exact")
        if exact is None:
            exact = not err
        out.append({"id": get("id"), "value": float(value), "error": float(err), "exact": bool(exact)})
    return out


def _advice_rows(session: Any, actor: str, scn: Any) -> list[AdviceRow]:
    rows = []
    names = {o.id: o.name for a in scn.actors if a.id == actor for o in a.options}
    for adv in session.advice(actor):
        get = lambda k, d="", adv=adv: getattr(adv, k, d)  # noqa: E731
        opt = str(get("option") or get("option_id"))
        rows.append(
            AdviceRow(
                str(get("name")), str(get("title")), str(get("stance")), opt,
                names.get(opt, opt), str(get("reason") or get("text")),
            )
        )
    return rows


def _whatif_from(option: str, f: Any, seconds: float) -> WhatIf:
    p = {oid: f.p(oid) for oid in f.outcome_ids}
    p["unresolved"] = f.p("unresolved")
    return WhatIf(option, p, int(f.horizon), int(f.worlds), seconds)


def _explanation(rep: Any) -> dict[str, dict[str, float]]:
    e = getattr(rep, "explanation", None) or {}
    if isinstance(e, dict):
        return {str(k): {str(s): float(v) for s, v in d.items()} for k, d in e.items()}
    return {}


def _moves(rep: Any) -> dict[str, str]:
    mv = getattr(rep, "moves", {}) or {}
    return {str(a): str(o) for a, o in dict(mv).items()}


def _events(rep: Any) -> list[str]:
    ev = getattr(rep, "events", ()) or ()
    return [str(getattr(e, "id", e)) for e in ev]
