"""The UI's only door to the engine: one worker thread, plain data out.

Every call that touches the session (what-if forecasts, advice, commit and
resolve, saving) runs on a single worker thread, so they never race and no
frame ever waits on one. Scenes read frozen dataclasses built on that thread:
``Snapshot``, ``WhatIf`` and ``Resolution`` here, holding the engine's own display
records (``engine/views.py``: metrics, options, news, advice, moves, changes).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from game import i18n
from game.engine import Session
from game.engine.views import (
    Advice,
    CommitmentView,
    MetricChange,
    MetricView,
    MoveReport,
    NewsItem,
    OfferView,
    OptionView,
    PlayerView,
)
from game.scenario import Loaded, load_scenario
from game.scenario.schema import Stage

if TYPE_CHECKING:
    from game.model.forecast import Forecast
    from game.scenario.schema import Scenario
    from game.ui.app import App

T = TypeVar("T")


def data_dir() -> Path:
    """The user data directory (``BRINK_DATA_DIR`` overrides it, e.g. in tests)."""
    from game.engine import data_dir as engine_data_dir

    return engine_data_dir()


def saves_dir() -> Path:
    """Where the pause menu's "Save" writes (autosaves live in the engine's autosave dir)."""
    return data_dir() / "saves"


def list_saves() -> list[Path]:
    """Saved games and autosaves, newest first."""
    from game.engine import autosave_dir

    files: list[Path] = []
    for d in (saves_dir(), autosave_dir()):
        if d.is_dir():
            files += [p for p in d.glob("*.json") if p.is_file() and not p.name.startswith(".")]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


def latest_autosave() -> Path | None:
    from game.engine import latest_autosave as engine_latest

    return engine_latest()


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Snapshot:
    """What the player may see at the start of a turn."""

    actor: str
    turn: int  # turns resolved so far
    turn_limit: int
    date: dt.date
    stage: str  # "" when hidden from the player
    stage_index: int | None  # None: the stage is hidden from the player (never guessed)
    metrics: tuple[MetricView, ...]
    options: tuple[OptionView, ...]
    news: tuple[NewsItem, ...]  # newest first
    over: bool  # ended: by an outcome, or by the lesson's time running out
    outcome: str | None
    times_up: bool = False  # the lesson length was reached: no outcome, nothing scored
    commitments: tuple[CommitmentView, ...] = ()  # public threats pending, soonest first
    offers: tuple[OfferView, ...] = ()  # terms offered last turn, open to acceptance now
    private: tuple[str, ...] = ()  # this side's type and its reading of the others', in lines


def _private_lines(view: PlayerView) -> tuple[str, ...]:
    """This side's type and its reading of the others' (the observer has none)."""
    return (*([view.own_type] if view.own_type else []), *(b.text for b in view.beliefs))


@dataclass(frozen=True)
class WhatIf:
    option: str
    p: dict[str, float]  # outcome id (and "unresolved") -> probability within the horizon
    horizon: int
    worlds: int
    seconds: float
    # the median of each metric the player sees exactly, at the horizon (metric id -> value)
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolution:
    turn: int  # 1-based number of the turn resolved
    date: dt.date
    moves: dict[str, MoveReport]  # as the player may know them
    events: tuple[tuple[str, str, str], ...]  # (id, name, headline)
    headlines: tuple[tuple[str, str], ...]  # (kind, headline)
    why: tuple[MetricChange, ...]
    stage_before: str  # "" (and ``stage_known`` False) when hidden from the player
    stage_after: str
    outcome: str | None
    odds: WhatIf | None  # P(outcomes) from here if the player holds course
    notes: tuple[str, ...] = ()  # classroom: "Time ran out: Team Red held course", ...
    stage_known: bool = True

    def stage_after_index(self, ladder: Sequence[Stage]) -> int | None:
        """The stage after the turn as a ladder position; None when hidden."""
        return _stage_index(ladder, self.stage_after)

    def stage_before_index(self, ladder: Sequence[Stage]) -> int | None:
        return _stage_index(ladder, self.stage_before)

    @property
    def exposed(self) -> tuple[str, ...]:
        return tuple(a for a, m in self.moves.items() if m.exposed)


def _stage_index(ladder: Sequence[Stage], stage_id: str) -> int | None:
    return next((k for k, st in enumerate(ladder) if st.id == stage_id), None)


@dataclass
class Decision:
    turn: int  # 1-based
    date: dt.date
    option: str
    odds: WhatIf | None


# --------------------------------------------------------------------------- controller


class Game:
    """One game in progress, seen from the player's seat (or watched, AI vs AI)."""

    def __init__(
        self,
        session: Session,
        loaded: Loaded,
        actor: str | None,
        temperature: float = 1.0,
    ) -> None:
        self.session = session
        self.loaded = loaded
        self._shown: dict[str, Loaded] = {}  # the scenario's texts, per language shown
        self.actor = actor
        self.viewer = actor or self.scenario.actors[0].id
        self.seed = int(session.seed)
        self.temperature = temperature
        self.watch = actor is None
        self.auto_delay: float | None = None  # watching: seconds per turn, None: by hand
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="brink-engine")
        self._whatif: dict[tuple[int, str], WhatIf] = {}
        self._pending: dict[tuple[int, str], Future] = {}
        self.advice_future: Future | None = None
        self._after: Future | None = None
        self.decisions: list[Decision] = []
        self.resolutions: list[Resolution] = []
        self.closed = False
        self.categories = {
            (a.id, o.id): str(o.category) for a in self.scenario.actors for o in a.options
        }
        self.snapshot = self._build_snapshot()
        self.request_advice()

    @property
    def scenario(self) -> Scenario:
        """The scenario with its texts in the language in use (its sidecar file): switching
        language mid-game re-labels the room. Rules and ids are the same in every one."""
        return self._shown_now().scenario

    def _shown_now(self) -> Loaded:
        lang = i18n.language()
        shown = self._shown.get(lang)
        if shown is None:
            shown = self._shown[lang] = self.loaded.in_language(lang)
        return shown

    def relabel(self) -> None:
        """After a switch of language: the engine words what comes next (moves, news,
        advice) in the new one and the room's snapshot is labelled again. The rules are the
        same in every language, so the game goes on unchanged; news already told stays as
        it was worded."""
        shown = self._shown_now()

        def job() -> None:  # on the worker, after any turn it is resolving
            self.session.loaded = shown
            self.session.scenario = shown.scenario
            self.snapshot = self._build_snapshot()

        self._submit(job)

    # ---- construction
    @classmethod
    def new(
        cls,
        scenario_path: str | Path,
        seed: int,
        actor: str | None,
        temperature: float = 1.0,
    ) -> Game:
        from game.engine import AISettings, Seat, Session

        # its texts in the language in use: the engine words moves, news and advice with them
        loaded = load_scenario(scenario_path).in_language(i18n.language())
        seats = {
            a.id: (Seat.human() if a.id == actor else Seat.ai())
            for a in loaded.scenario.actors
            if a.script is None  # scripted sides move by their rules
        }
        session = Session.new(
            loaded,
            seed=seed,
            seats=seats,
            ai=AISettings(temperature_scale=temperature),
            autosave=True,
        )
        return cls(session, loaded, actor, temperature)

    @classmethod
    def load(cls, path: str | Path, pin: str | None = None) -> Game:
        """Re-play a save (``SaveError`` with a clear message if it cannot be). A classroom
        save (with teams) comes back as a ``HotSeat`` game; a sealed one needs the
        teacher's ``pin`` (``SaveError`` with reason ``sealed`` without it)."""
        from game.engine import load_game

        return cls.of_session(load_game(path, autosave=True, pin=pin))

    @classmethod
    def of_session(cls, session: Session) -> Game:
        """A loaded (or branched) session as the game the window shows."""
        if getattr(session, "classroom", False):
            from game.ui.hotseat import HotSeat

            return HotSeat(session, session.loaded)
        humans = [a for a, s in session.seats.items() if s.waits]
        actor = humans[0] if humans else None
        g = cls(session, session.loaded, actor, session.ai_settings.temperature_scale)
        g.resolutions = [g._resolution_of(actor, t) for t in range(1, session.turn + 1)]
        return g

    def branch(self, turn: int) -> Game:
        """What if: this game restarted at ``turn`` with the same luck (the first turns
        re-played from its log), autosaved as a new game linked to this one."""
        from game.engine import branch_session

        return Game.of_session(branch_session(self.session, turn, autosave=True))

    # ---- hooks: what the App asks of the game in play (a classroom game answers more)
    def open(self, app: App) -> None:
        """Show this game (new, loaded or continued) in place of every scene."""
        from game.ui.scenes.room import RoomScene

        app.set_game(self)
        if self.snapshot.over:  # a finished game (Continue, Load) opens at its verdict
            from game.ui.scenes.end import EndScene

            app.reset(EndScene(app, self))
            return
        app.reset(RoomScene(app, self))

    def frame(self, app: App, dt: float) -> None:
        """Every frame, before the top scene updates (a classroom game runs its clock)."""

    def toggle_console(self, app: App) -> bool:
        """F9: open or close a teacher console; False when the game has none."""
        return False

    def open_menu(self, app: App) -> None:
        """Esc: the menu (resume, save, load, settings, quit); a class game asks its PIN."""
        from game.ui.scenes.overlays import PauseScene

        app.push(PauseScene(app))

    # ---- reads, on whichever thread owns the session at the time
    def _build_snapshot(self) -> Snapshot:
        s = self.session
        view = s.view(self.viewer)
        metrics = tuple(view.metrics)
        if self.watch:  # the observer sees true values: each metric as a side that knows it
            views = [s.view(a.id) for a in self.scenario.actors]
            metrics = tuple(
                next((v.metrics[k] for v in views if v.metrics[k].exact), m)
                for k, m in enumerate(metrics)
            )
        options = tuple(view.options)
        news = tuple(reversed(view.news))
        # the observer sees the truth; a player, the stage only if it is shown to them
        si = s.stage_index if self.watch else view.stage_index
        return Snapshot(
            actor=self.viewer,
            turn=int(view.turn),
            turn_limit=int(s.turn_limit),
            date=view.date,
            stage="" if si is None else s.c.stage_ids[si],
            stage_index=si,
            metrics=metrics,
            options=options,
            news=news,
            over=bool(view.over or s.times_up),
            outcome=view.outcome,
            times_up=bool(s.times_up),
            commitments=tuple(view.commitments),
            offers=tuple(view.offers),
            private=() if self.watch else _private_lines(view),
        )

    def _resolution_of(
        self, actor: str | None, turn: int, odds: WhatIf | None = None
    ) -> Resolution:
        rep = self.session.report(actor, turn)
        assert rep is not None, f"turn {turn} has not been resolved"
        moves = dict(rep.moves)
        why = tuple(rep.metrics)
        return Resolution(
            turn=int(rep.turn),
            date=rep.date,
            moves=moves,
            events=tuple((e.id, e.name, e.headline) for e in rep.events),
            headlines=tuple((n.kind, n.headline) for n in rep.headlines),
            why=why,
            stage_before=rep.stage_before,
            stage_after=rep.stage_after,
            outcome=rep.outcome,
            odds=odds,
            stage_known=rep.stage_known,
        )

    # ---- asynchronous jobs (one worker: they never overlap)
    def _submit(self, fn: Callable[[], T]) -> Future[T]:
        return self.worker.submit(fn)

    def request_advice(self) -> None:
        if self.snapshot.over:
            self.advice_future = None
            return
        self.advice_future = self._submit(self._advice_rows)

    def _advice_rows(self) -> list[Advice]:
        return list(self.session.advice(self.viewer))

    def advice(self) -> list[Advice] | None:
        """The advisors' recommendations, or None while they are being worked out."""
        f = self.advice_future
        if f is None:
            return []
        if not f.done():
            return None
        try:
            return f.result()
        except Exception:  # advice is a nicety: no advisors rather than a crash
            return []

    def cached_what_if(self, option: str) -> WhatIf | None:
        return self._whatif.get((self.snapshot.turn, option))

    def what_if(self, option: str) -> WhatIf | None:
        """The forecast for ``option`` this turn, or None while it is being estimated."""
        key = (self.snapshot.turn, option)
        got = self._whatif.get(key)
        if got is not None or self.closed:
            return got
        fut = self._pending.get(key)
        if fut is None:
            # the newest request first: drop the estimates nobody is looking at any more
            for k, f in list(self._pending.items()):
                if k[1] != self.hold_option() and f.cancel():
                    del self._pending[k]
            self._pending[key] = self._submit(lambda: self._compute_what_if(key))
        elif fut.done():
            del self._pending[key]
        return None

    def _compute_what_if(self, key: tuple[int, str]) -> WhatIf | None:
        got = self._whatif.get(key)
        if got is not None or self.closed or key[0] != self.session.turn:
            return got
        t0 = time.perf_counter()
        f = self.session.what_if(self.viewer, key[1])
        w = self._what_if_of(key[1], f, time.perf_counter() - t0)
        self._whatif[key] = w
        return w

    def _what_if_of(self, option: str, f: Forecast, seconds: float) -> WhatIf:
        p = {oid: f.p(oid) for oid in f.outcome_ids}
        p["unresolved"] = f.p("unresolved")
        med = 2  # the quantile index of the median (game.model QUANTILES)
        seen = {m.id for m in self.snapshot.metrics if m.exact}
        metrics = {
            mid: float(f.bands[int(f.horizon), med, k])
            for k, mid in enumerate(self.session.c.metric_ids)
            if mid in seen
        }
        return WhatIf(option, p, int(f.horizon), int(f.worlds), seconds, metrics)

    def recover_decisions(self) -> None:
        """A loaded game's odds at the player's decisions, as they were shown: its log
        re-played turn by turn, each turn's what-if of the move made (what-ifs draw on
        their own seeded streams, so the figures are the ones the player saw). A game
        played in this window already has them."""
        actor = self.actor
        if self.watch or actor is None or self.session.turn == 0:
            return
        if getattr(self.session, "classroom", False):  # teams keep their own decisions
            return
        if {d.turn for d in self.decisions} >= set(range(1, self.session.turn + 1)):
            return
        from game.engine.log import session_log
        from game.engine.saves import replay

        found: list[Decision] = []

        def look(s: Session, entry: Mapping[str, Any]) -> None:
            option = entry["moves"].get(actor)
            if option is None or self.closed:
                return
            t0 = time.perf_counter()
            f = s.what_if(actor, option)
            w = self._what_if_of(option, f, time.perf_counter() - t0)
            found.append(Decision(s.turn + 1, s.date, option, w))

        replay(session_log(self.session), self.loaded, before_resolve=look)
        every = {d.turn: d for d in found} | {d.turn: d for d in self.decisions}
        self.decisions = [every[t] for t in sorted(every)]

    def category(self, actor: str, option: str) -> str:
        """The category of one of an actor's options ("" for an unknown option)."""
        return self.categories.get((actor, option), "")

    def hold_option(self) -> str:
        return next(a.hold_option for a in self.scenario.actors if a.id == self.viewer)

    def commit(self, option: str | None) -> Future:
        """Commit ``option`` (None when watching) and resolve; the future gives a Resolution."""
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
            self.session.resolve()
            if option is not None:
                self.decisions.append(Decision(turn + 1, date, option, odds))
            new_odds = None
            if not self.session.over:
                new_odds = self._compute_what_if((self.session.turn, self.hold_option()))
            res = self._resolution_of(self.actor, turn + 1, new_odds)
            self.resolutions.append(res)
            self.snapshot = self._build_snapshot()
            if not self.snapshot.over:
                self._after = self._submit(self._advice_rows)
            return res

        return self._submit(job)

    def after_resolution(self) -> None:
        """Called when the UI shows the new turn: its advice is (being) prepared."""
        if self._after is not None:
            self.advice_future, self._after = self._after, None
        elif self.snapshot.over:
            self.advice_future = None

    def save_as(self, name: str) -> Future:
        from game.engine import save_game

        path = saves_dir() / name
        return self._submit(lambda: save_game(self.session, path))

    def autosave_now(self) -> Path | None:
        """Write the autosave now (mid-turn too); call only when no job is running."""
        from game.engine import autosave_dir, save_game

        s = self.session
        path = getattr(s, "autosave_path", None)
        if path is None:
            path = autosave_dir() / f"{self.scenario.meta.id}-{self.seed}.json"
        try:
            return save_game(s, path)
        except Exception:
            return None

    def close(self, autosave: bool = True) -> None:
        """Stop the worker (letting a running job finish), then autosave if asked."""
        if self.closed:
            return
        self.closed = True
        for f in self._pending.values():
            f.cancel()
        self.worker.shutdown(wait=True, cancel_futures=True)
        if autosave and not self.session.over:
            self.autosave_now()

    @property
    def log(self) -> dict[str, Any]:
        return self.session.log
