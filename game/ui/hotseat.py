"""The classroom game at one screen: teams take turns at the keyboard (hot seat).

``HotSeat`` is a ``Game`` whose viewer changes with each team's go. Within a turn
the teams of the different sides play one after the other (``Session.goes``); the
turn resolves when every side has chosen. Like ``Game``, every call that touches
the session runs on the one worker thread; the scenes read plain data.

The turn timer is kept here (the UI's clock, ``tick``); the engine only records
what the clock caused (``timer_expired``) and what the teacher did to it.
No pygame here.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.ui.backend import Decision, Game, Resolution

PIN_TRIES = 3  # wrong PINs before the console locks
PIN_LOCK_SECONDS = 30.0
TIMER_CHOICES = (0, 60, 120, 180)


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


def _team_label(team: str) -> str:
    return team if team.lower().startswith("team") else f"Team {team}"


class HotSeat(Game):
    classroom = True

    def __init__(self, session: Any, loaded: Any) -> None:
        self.goes_left: list[Go] = []
        self.go: Go | None = None
        self.go_resolution: Resolution | None = None
        self.elapsed = 0.0
        self.limit: int | None = None
        self.timer_done = False
        self.paused = bool(session.paused)
        self.over = bool(session.over)
        self.full_resolutions: list[Resolution] = []
        self.by_actor: dict[str, list[Decision]] = {}
        self.pending_result: GoResult | None = None
        self.ended_by_teacher: int | None = None  # the turn in which the teacher ended it
        self.pin_fails = 0
        self.pin_locked_until = 0.0
        self.names = {a.id: a.name for a in loaded.scenario.actors}
        session_goes = session.classroom.goes()
        first = session_goes[0][1] if session_goes else loaded.scenario.actors[0].id
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
    ) -> HotSeat:
        from game.engine import AISettings, Session
        from game.scenario import load_scenario

        loaded = load_scenario(scenario_path)
        session = Session.new(
            loaded,
            seed=seed,
            ai=AISettings(temperature_scale=temperature),
            autosave=True,
            teams=teams,
            timer=timer,
            pin=pin,
        )
        return cls(session, loaded)

    @classmethod
    def join(
        cls,
        code: str,
        teams: dict[str, list[str]] | None,
        pin: str,
        scenario: Any = None,
    ) -> HotSeat:
        """Duplicate mode: the game a class code describes."""
        from game.engine import Session

        session = Session.from_class_code(code, scenario, teams=teams, pin=pin, autosave=True)
        return cls(session, session.loaded)

    # ---- state the scenes read (refreshed on the worker after each job)
    def _refresh(self) -> None:
        s = self.session
        self.paused = bool(s.paused)
        self.over = bool(s.over)
        self.goes_left = [
            Go(team, actor, self.names[actor])
            for team, actor in s.classroom.goes()
            if s.committed(actor) is None and not self.over
        ]
        if self.go is not None:
            self.limit = s.classroom.timer_for(self.go.actor)
        if self.over:
            cur = s.log["current"]
            if any(a.get("kind") == "end_game" for a in cur["actions"]):
                self.ended_by_teacher = int(cur["turn"])
            self.resolutions = list(self.full_resolutions)
            if not self.snapshot.over:
                self.snapshot = self._build_snapshot()

    @property
    def class_code(self) -> str | None:
        return self.session.classroom.class_code

    @property
    def teams(self) -> list[Any]:
        return list(self.session.teams)

    @property
    def next_go(self) -> Go | None:
        return self.goes_left[0] if self.goes_left else None

    def team_label(self, team: str) -> str:
        return _team_label(team)

    # ---- the clock
    def time_left(self) -> float | None:
        """Seconds left for the team at the keyboard (None: no countdown)."""
        if self.go is None or self.limit is None:
            return None
        return max(0.0, self.limit - self.elapsed)

    def tick(self, dt: float) -> bool:
        """Advance the countdown by ``dt``; True when it has just run out."""
        left = self.time_left()
        if left is None or self.timer_done or self.paused:
            return False
        self.elapsed += dt
        if self.limit is not None and self.elapsed >= self.limit:
            self.timer_done = True
            return True
        return False

    # ---- the PIN (the console's door)
    def pin_locked(self, now: float) -> float:
        """Seconds until the PIN may be tried again (0: it may)."""
        return max(0.0, self.pin_locked_until - now)

    def try_pin(self, pin: str, now: float) -> tuple[bool, str]:
        """(opened, message). A few wrong tries lock the PIN entry for a while."""
        wait = self.pin_locked(now)
        if wait > 0:
            return False, f"Too many wrong tries: wait {wait:.0f} s."
        if self.session.classroom.check_pin(pin):
            self.pin_fails = 0
            return True, ""
        self.pin_fails += 1
        if self.pin_fails >= PIN_TRIES:
            self.pin_fails = 0
            self.pin_locked_until = now + PIN_LOCK_SECONDS
            return False, f"Wrong PIN. Too many wrong tries: locked for {PIN_LOCK_SECONDS:.0f} s."
        left = PIN_TRIES - self.pin_fails
        return (
            False,
            f"Wrong PIN: the console stays closed ({left} {'try' if left == 1 else 'tries'} left).",
        )

    # ---- jobs
    def start_go(self) -> Future:
        """Seat the next team: its view, its advisors, the last turn as its side saw it."""

        def job() -> Go | None:
            self._refresh()
            go = self.next_go
            if go is None:
                return None
            self.go = go
            self.actor = self.viewer = go.actor
            self.watch = False
            for f in self._pending.values():
                f.cancel()
            self._pending.clear()
            self._whatif.clear()
            self.decisions = self.by_actor.setdefault(go.actor, [])
            self.elapsed = 0.0
            self.timer_done = False
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

    def _resolution_of(self, actor: str | None, turn: int, odds: Any = None) -> Resolution:
        from dataclasses import replace

        res = super()._resolution_of(actor, turn, odds)
        return replace(res, notes=tuple(self.notes_for(turn)))

    def notes_for(self, turn: int) -> list[str]:
        """What the room should be told about a turn: timers that ran out, locked choices."""
        log = self.session.log
        entries = log["turns"][turn - 1]["actions"] if turn <= len(log["turns"]) else []
        out = []
        for a in entries:
            team = a.get("team") or self.names.get(a.get("actor", ""), "a team")
            if a.get("kind") == "timer_expired":
                out.append(f"Time ran out: {_team_label(team)} held course.")
            elif a.get("kind") == "lock":
                out.append(f"The teacher locked {_team_label(team)}'s choice.")
        return out

    def commit_go(self, option: str, forecast: dict[str, float] | None) -> Future:
        """The team at the keyboard forecasts (optional) and commits; the turn resolves
        when it was the last side to choose."""
        go = self.go

        def job() -> GoResult:
            assert go is not None
            s = self.session
            turn, date = self.snapshot.turn, self.snapshot.date
            if forecast:
                s.classroom.submit_forecast(go.team, forecast, s.classroom.forecast_within)
            odds = self._compute_what_if((turn, option))
            s.commit(go.actor, option)
            self.decisions.append(Decision(turn + 1, date, option, odds))
            self.go = None
            return self._after_job(f"{_team_label(go.team)} has sealed its orders.")

        return self._submit(job)

    def expire_go(self) -> Future:
        """The timer ran out: hold course is committed for the team at the keyboard."""
        go = self.go

        def job() -> GoResult:
            assert go is not None
            s = self.session
            if s.classroom.locked(go.actor) or s.over:
                self.go = None
                return self._after_job("")
            s.classroom.timer_expired(go.actor)
            self.go = None
            return self._after_job(f"Time ran out: {_team_label(go.team)} held course.")

        return self._submit(job)

    def console(self, action: Callable[[Any], Any], restart_clock: bool = False) -> Future:
        """A teacher console action on the session (it goes into the log). The future
        gives (message from the action or "", GoResult or None)."""

        def job() -> tuple[Any, GoResult | None]:
            s = self.session
            out = action(s)
            self._whatif.clear()
            if restart_clock:
                self.elapsed = 0.0
                self.timer_done = False
            note = ""
            if self.go is not None and s.classroom.locked(self.go.actor):
                note = f"The teacher locked {_team_label(self.go.team)}'s choice."
                self.go = None
            if self.go is not None and not s.over:
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
        if s.over:
            res = GoResult(over=True, note=note)
        elif self.go is None and not s.waiting() and not s.paused:
            turn = s.current_turn
            s.resolve()
            self.full_resolutions.append(self._resolution_of(None, turn))
            res = GoResult(resolved=True, over=s.over, turn=turn, note=note)
        elif self.go is None and note:
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
