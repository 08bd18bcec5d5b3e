"""The classroom game at one screen: teams take turns at the keyboard (hot seat).

``HotSeat`` is a ``Game`` whose viewer changes with each team's go. Within a turn
the teams of the different sides play one after the other (``Session.goes``); the
turn resolves when every side has chosen. Like ``Game``, every call that touches
the session runs on the one worker thread, and the scenes read plain data: after
each job the worker publishes a new frozen ``ClassState`` (whose go it is, paused,
over, the clock's limit…) in one assignment, and never changes one the draw loop holds.

The turn timer is kept here (the UI's clock, ``tick``, on the frame's thread); the
engine only records what the clock caused (``timer_expired``) and what the teacher
did to it. No pygame here: the hooks the App calls hand over to the classroom scenes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from game import i18n
from game.engine import Session, seal
from game.i18n import _, format_number, os_error_text
from game.scenario import Loaded
from game.ui.backend import Decision, Game, Resolution, WhatIf

if TYPE_CHECKING:
    from game.engine import Team
    from game.ui.app import App


@dataclass(frozen=True)
class Go:
    """One team's go at the keyboard."""

    team: str
    actor: str
    actor_name: str


@dataclass(frozen=True)
class GoResult:
    """What a job did to the flow of the turn."""

    resolved: bool = False  # the turn resolved (every side had chosen)
    over: bool = False  # the game is over
    turn: int = 0  # the turn resolved, when resolved
    note: str = ""  # for the hand-over screen


@dataclass(frozen=True)
class TeamScore:
    team: str
    actor_name: str
    forecasts: int
    scored: int
    brier: float | None  # mean Brier score of the scored forecasts (lower is better)


@dataclass(frozen=True)
class ClassState:
    """What the classroom scenes may read, as of the worker's last job."""

    turn: int  # the turn being played (1-based)
    turn_limit: int
    date: dt.date
    timer: int  # seconds per team and turn (0: no timer)
    paused: bool
    over: bool
    revealed: bool
    go: Go | None  # the team at the keyboard
    goes_left: tuple[Go, ...]  # the teams still to choose this turn, in order
    limit: int | None  # seconds of the team at the keyboard (None: no countdown)
    next_limit: int | None  # seconds the next team will have
    lock_choices: tuple[tuple[str, str], ...]  # (label, actor) the teacher may lock
    forecast_outcomes: tuple[str, ...]  # the endings the teams forecast
    forecast_within: int  # turns a forecast looks ahead
    forecast_until: dt.date  # the last day a forecast made now covers
    ended_by_teacher: int | None  # the turn in which the teacher ended the game
    clock: int = 0  # changes whenever the countdown starts again
    lesson_turns: int = 0  # turns the lesson lasts (0: the scenario's own limit)
    blind: bool = False  # blind forecasting: no odds for a team before its forecast
    forecast_in: bool = False  # the team at the keyboard has forecast this turn
    times_up: bool = False  # the lesson's time ran out: play stopped with no outcome

    @property
    def next_go(self) -> Go | None:
        return self.goes_left[0] if self.goes_left else None


def team_label(team: str) -> str:
    """``Red`` -> ``Team Red`` (a name that says "team" already stays as it is)."""
    # the word for "team" in the language in use, as the template puts it first
    word = _("Team {team}", team="").strip(" ⟦⟧").lower()
    if team.lower().startswith(("team", word)):
        return team
    return _("Team {team}", team=team)


class HotSeat(Game):
    classroom = True

    def __init__(self, session: Session, loaded: Loaded) -> None:
        self._go: Go | None = None  # the worker's own; the scenes read ``state.go``
        self._clock = 0
        self.go_resolution: Resolution | None = None
        self.elapsed = 0.0  # the frame thread's: seconds of the countdown used
        self.timer_done = False
        self._clock_seen = 0
        self.full_resolutions: list[Resolution] = []
        self.by_actor: dict[str, list[Decision]] = {}
        self.pending_result: GoResult | None = None
        self._epoch0: tuple[float, float] | None = None
        self._pin_until: float | None = None  # the lockout file's answer, read on first use
        self.names = {a.id: a.name for a in loaded.scenario.actors}
        session_goes = session.classroom.goes()
        first = session_goes[0][1] if session_goes else loaded.scenario.actors[0].id
        self.session = session
        self.state = self._state()
        super().__init__(session, loaded, first, session.ai_settings.temperature_scale)
        self.full_resolutions = [self._resolution_of(None, t) for t in range(1, session.turn + 1)]
        self._refresh()

    # ---- construction
    @classmethod
    def new_class(
        cls,
        scenario_path: str | Path,
        seed: int,
        teams: dict[str, list[str]],
        timer: int,
        pin: str,
        temperature: float = 1.0,
        lesson_turns: int = 0,
        blind_forecasts: bool = False,
    ) -> HotSeat:
        from game.engine import AISettings
        from game.scenario import load_scenario

        loaded = load_scenario(scenario_path).in_language(i18n.language())
        session = Session.new(
            loaded,
            seed=seed,
            ai=AISettings(temperature_scale=temperature),
            autosave=True,
            teams=teams,
            timer=timer,
            pin=pin,
            lesson_turns=lesson_turns,
            blind_forecasts=blind_forecasts,
        )
        return cls(session, loaded)

    @classmethod
    def join(
        cls,
        code: str,
        teams: dict[str, list[str]] | None,
        pin: str,
        scenario: Loaded | None = None,
    ) -> HotSeat:
        """Duplicate mode: the game a class code describes."""
        session = Session.from_class_code(code, scenario, teams=teams, pin=pin, autosave=True)
        return cls(session, session.loaded)

    # ---- hooks the App calls
    def open(self, app: App) -> None:
        from game.ui.scenes.classroom import flow

        flow.show(app, self)

    def frame(self, app: App, dt: float) -> None:
        from game.ui.scenes.classroom import flow

        flow.run_clock(app, self, dt)

    def toggle_console(self, app: App) -> bool:
        from game.ui.scenes.classroom import flow

        flow.toggle_console(app, self)
        return True

    # ---- the state the scenes read (published by the worker after each job)
    def _state(self) -> ClassState:
        s = self.session
        over = bool(s.over or s.times_up)  # time's up ends the lesson like an ending
        goes = tuple(
            Go(team, actor, self.names[actor])
            for team, actor in s.classroom.goes()
            if s.committed(actor) is None and not over
        )
        go = self._go
        cur = s.log["current"]
        ended = None
        if over and any(a.get("kind") == "end_game" for a in cur["actions"]):
            ended = int(cur["turn"])
        within = int(s.classroom.forecast_within)
        locks = tuple(
            (_("{team} ({side})", team=team_label(team), side=self.names[actor]), actor)
            for team, actor in s.classroom.goes()
            if not s.classroom.locked(actor) and s.committed(actor) is None
        )
        return ClassState(
            turn=int(s.current_turn),
            turn_limit=int(s.turn_limit),
            date=s.date,
            timer=int(s.classroom.timer),
            paused=bool(s.paused),
            over=over,
            revealed=bool(s.revealed),
            go=go,
            goes_left=goes,
            limit=s.classroom.timer_for(go.actor) if go is not None else None,
            next_limit=s.classroom.timer_for(goes[0].actor) if goes else None,
            lock_choices=locks,
            forecast_outcomes=tuple(s.classroom.forecast_outcomes()),
            forecast_within=within,
            forecast_until=s.date_of(s.current_turn + within - 1),
            ended_by_teacher=ended,
            clock=self._clock,
            lesson_turns=int(s.classroom.lesson_turns),
            blind=bool(s.classroom.blind_forecasts),
            forecast_in=go is not None and s.classroom.forecast_in(go.team),
            times_up=bool(s.times_up),
        )

    def _refresh(self) -> None:
        """On the worker, after each job: publish the new state in one assignment."""
        self.state = self._state()
        if self.state.over:
            self.resolutions = list(self.full_resolutions)
            if not self.snapshot.over:
                self.snapshot = self._build_snapshot()

    @property
    def go(self) -> Go | None:
        return self.state.go

    @property
    def paused(self) -> bool:
        return self.state.paused

    @property
    def over(self) -> bool:
        return self.state.over

    @property
    def ended_by_teacher(self) -> int | None:
        return self.state.ended_by_teacher

    @property
    def class_code(self) -> str | None:
        return self.session.classroom.class_code

    @property
    def teams(self) -> list[Team]:
        return list(self.session.teams)

    @property
    def next_go(self) -> Go | None:
        return self.state.next_go

    def team_label(self, team: str) -> str:
        return team_label(team)

    # ---- the clock (the frame's thread)
    def _elapsed(self) -> float:
        """Seconds used of the countdown; a countdown started again by the worker (a new
        go, the teacher's new timer) starts from zero."""
        if self._clock_seen != self.state.clock:
            self._clock_seen = self.state.clock
            self.elapsed = 0.0
            self.timer_done = False
        return self.elapsed

    def time_left(self) -> float | None:
        """Seconds left for the team at the keyboard (None: no countdown)."""
        st = self.state
        if st.go is None or st.limit is None:
            return None
        return max(0.0, st.limit - self._elapsed())

    def tick(self, dt: float) -> bool:
        """Advance the countdown by ``dt``; True when it has just run out."""
        left = self.time_left()
        if left is None or self.timer_done or self.state.paused:
            return False
        self.elapsed += dt
        limit = self.state.limit
        if limit is not None and self.elapsed >= limit:
            self.timer_done = True
            return True
        return False

    # ---- the PIN (the door of the console and of the Esc menu)
    @property
    def menu_needs_pin(self) -> bool:
        """Save, load, quit and settings sit behind the PIN in a class game with one."""
        return self.session.classroom.has_pin

    def open_menu(self, app: App) -> None:
        if not self.menu_needs_pin:
            super().open_menu(app)
            return
        from game.ui.scenes.classroom.pin import PinScene

        app.push(PinScene(app, self, then="menu"))

    def _epoch(self, now: float) -> float:
        """The wall clock (what the lockout file keeps) at the app's time ``now``."""
        if self._epoch0 is None:
            self._epoch0 = (time.time(), now)
        return self._epoch0[0] + (now - self._epoch0[1])

    def pin_locked(self, now: float) -> float:
        """Seconds until the PIN may be tried again (0: it may)."""
        gid = self.session.pin_lock_id
        if gid is None:
            return 0.0
        t = self._epoch(now)
        if self._pin_until is None:  # once per game: the lock of an earlier run counts
            self._pin_until = seal.locked_until(gid, now=t) or 0.0
        return max(0.0, self._pin_until - t)

    def try_pin(self, pin: str, now: float) -> tuple[bool, str]:
        """(opened, message). A few wrong tries lock the PIN entry for a while; the count
        is kept on disk for the game (``seal.guard_pin``), so quitting does not reset it."""
        gid = self.session.pin_lock_id
        if gid is None:
            return False, _("This game has no teacher's PIN.")
        t = self._epoch(now)
        try:
            seal.guard_pin(gid, pin, self.session.classroom.check_pin, now=t)
        except seal.SealError as e:
            self._pin_until = e.until or 0.0
            if e.reason == "locked":
                secs = format_number(self.pin_locked(now), 0)
                return False, _("Too many wrong tries: wait {seconds} s.", seconds=secs)
            if e.until:
                wait = self.pin_locked(now)
                return False, _(
                    "Wrong PIN. Too many wrong tries: locked for {seconds} s.",
                    seconds=format_number(wait, 0),
                )
            return False, _("Wrong PIN: the door stays closed.")
        except OSError as e:  # the lockout file cannot be written: refuse rather than skip it
            return False, _("The PIN cannot be checked now ({problem}).", problem=os_error_text(e))
        self._pin_until = 0.0
        return True, ""

    # ---- jobs
    def start_go(self) -> Future:
        """Seat the next team: its view, its advisors, the last turn as its side saw it."""

        def job() -> Go | None:
            self._refresh()
            go = self.state.next_go
            if go is None:
                return None
            self._go = go
            self._clock += 1
            self.actor = self.viewer = go.actor
            self.watch = False
            for f in self._pending.values():
                f.cancel()
            self._pending.clear()
            self._whatif.clear()
            self.decisions = self.by_actor.setdefault(go.actor, [])
            s = self.session
            self.snapshot = self._build_snapshot()
            self.go_resolution = None
            if s.turn >= 1:
                odds = self._compute_what_if((s.turn, self.hold_option()))
                self.go_resolution = self._resolution_of(go.actor, s.turn, odds)
            self.advice_future = self._submit(self._advice_rows)
            self._refresh()
            return go

        return self._submit(job)

    def _resolution_of(
        self, actor: str | None, turn: int, odds: WhatIf | None = None
    ) -> Resolution:
        res = super()._resolution_of(actor, turn, odds)
        return replace(res, notes=tuple(self.notes_for(turn)))

    def notes_for(self, turn: int) -> list[str]:
        """What the room should be told about a turn: timers that ran out, locked choices."""
        log = self.session.log
        entries = log["turns"][turn - 1]["actions"] if turn <= len(log["turns"]) else []
        out = []
        for a in entries:
            team = a.get("team") or self.names.get(a.get("actor", ""), "")
            label = team_label(team) if team else _("a team")
            if a.get("kind") == "timer_expired":
                out.append(_("Time ran out: {team} held course.", team=label))
            elif a.get("kind") == "lock":
                out.append(_("The teacher locked {team}'s choice.", team=label))
        return out

    def commit_go(self, option: str, forecast: dict[str, float] | None) -> Future:
        """The team at the keyboard forecasts (optional) and commits; the turn resolves
        when it was the last side to choose."""
        go = self.state.go

        def job() -> GoResult | None:
            assert go is not None
            s = self.session
            turn, date = self.snapshot.turn, self.snapshot.date
            if forecast:
                s.classroom.submit_forecast(go.team, forecast, s.classroom.forecast_within)
            odds = self._compute_what_if((turn, option))
            s.commit(go.actor, option)
            self.decisions.append(Decision(turn + 1, date, option, odds))
            self._go = None
            return self._after_job(_("{team} has sealed its orders.", team=team_label(go.team)))

        return self._submit(job)

    def forecast_go(self, forecast: dict[str, float]) -> Future:
        """Blind forecasting: the team at the keyboard forecasts before it sees the odds
        (it commits later, without a second forecast)."""
        go = self.state.go

        def job() -> None:
            assert go is not None
            self.session.classroom.submit_forecast(
                go.team, forecast, self.session.classroom.forecast_within
            )
            self._refresh()

        return self._submit(job)

    def expire_go(self) -> Future:
        """The timer ran out: hold course is committed for the team at the keyboard."""
        go = self.state.go

        def job() -> GoResult | None:
            assert go is not None
            s = self.session
            if s.classroom.locked(go.actor) or s.over or s.times_up:
                self._go = None
                return self._after_job("")
            s.classroom.timer_expired(go.actor)
            self._go = None
            return self._after_job(_("Time ran out: {team} held course.", team=team_label(go.team)))

        return self._submit(job)

    def console(self, action: Callable[[Session], object], restart_clock: bool = False) -> Future:
        """A teacher console action on the session (it goes into the log). The future
        gives (message from the action or "", GoResult or None)."""

        def job() -> tuple[object, GoResult | None]:
            s = self.session
            out = action(s)
            self._whatif.clear()
            if restart_clock:
                self._clock += 1
            note = ""
            if self._go is not None and s.classroom.locked(self._go.actor):
                note = _("The teacher locked {team}'s choice.", team=team_label(self._go.team))
                self._go = None
            if self._go is not None and not (s.over or s.times_up):
                self.snapshot = self._build_snapshot()
            res = self._after_job(note)
            if res is not None:
                self.pending_result = res
            return out, res

        return self._submit(job)

    def _after_job(self, note: str) -> GoResult | None:
        """Resolve the turn when no side is left to choose (and the game is not paused)."""
        s = self.session
        res: GoResult | None = None
        if s.over or s.times_up:  # an ending, or the lesson's time ran out
            res = GoResult(over=True, note=note)
        elif self._go is None and not s.waiting() and not s.paused:
            turn = s.current_turn
            s.resolve()
            self.full_resolutions.append(self._resolution_of(None, turn))
            res = GoResult(resolved=True, over=s.over or s.times_up, turn=turn, note=note)
        elif self._go is None and note:
            res = GoResult(note=note)
        self._refresh()
        return res

    def take_pending(self) -> GoResult | None:
        r, self.pending_result = self.pending_result, None
        return r

    # ---- the end: each team's forecasts, scored
    def team_scores(self) -> list[TeamScore]:
        from game.report import scoring

        s = self.session
        log = s.log
        ended = None
        for t in log["turns"]:
            if t["result"].get("outcome"):
                ended = int(t["turn"])
                break
        if ended is None and s.over:
            ended = int(log["current"]["turn"])
        acc: dict[str, list[float]] = {t.name: [] for t in s.teams}
        counts: dict[str, int] = {t.name: 0 for t in s.teams}
        for f in s.classroom.forecasts():
            counts[f["team"]] = counts.get(f["team"], 0) + 1
            named = list(f["probs"])
            hit = scoring.realised(s.outcome, ended, f["turn"], f["within"], named, s.turn, s.over)
            if hit is not None:
                acc.setdefault(f["team"], []).append(scoring.brier(f["probs"], hit))
        out = []
        for t in s.teams:
            vals = acc.get(t.name, [])
            out.append(
                TeamScore(
                    t.name,
                    self.names[t.actor],
                    counts.get(t.name, 0),
                    len(vals),
                    scoring.mean(vals),
                )
            )
        return out
