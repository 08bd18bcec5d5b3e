"""A game in progress: seats, simultaneous moves, the true world, news, injects and the log.

The true state is one world of the model (``State`` with n = 1), stepped with
``explain=True`` each turn. Every random number comes from a stream derived from
the session's seed (``rng.py``), so the game depends only on the seed and what
was committed — never on what anyone looked at.

The log (``Session.log``) is the source of truth: a save is the log, and loading
re-plays it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from game import __version__
from game.engine import ai as ai_mod
from game.engine import classcode
from game.engine.ai import AISettings, Decision
from game.engine.fog import belief_worlds, estimates, intel_level
from game.engine.rng import (
    ADVICE,
    AI,
    BELIEF,
    INJECT,
    START,
    WHAT_IF,
    WORLD,
    check_seed,
    new_seed,
    stream,
)
from game.engine.seats import Seat, Team
from game.engine.views import (
    Advice,
    BranchResult,
    EventReport,
    MetricChange,
    MetricView,
    MoveReport,
    NewsItem,
    OptionView,
    PlayerView,
    SourcePart,
    TurnReport,
)
from game.model import Compiled, Forecast, State, available, compile_scenario, initial_state, step
from game.model.forecast import forecast
from game.scenario import Loaded, load_scenario
from game.scenario.schema import Effects

FORMAT_VERSION = 1
_EPS = 1e-12
# Actions that count towards the inject stream's index (``_record``): the kinds that
# existed before the classroom ones, so that old saves re-play and a classroom action
# (a forecast, a lock, the timer) never changes the luck of a later inject.
_STREAM_KINDS = frozenset({"inject", "fire_event", "set_metric", "add_inject", "pause", "resume"})
TIMER_MAX = 3600  # seconds per team
PIN_ITERATIONS = 60_000
PIN_MIN_DIGITS = 4


class EngineError(RuntimeError):
    """A request the session cannot honour now (paused, over, players still choosing)."""


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def fill(template: str, actor_name: str) -> str:
    """A scenario headline with ``{actor}`` replaced (nothing else is interpreted)."""
    return template.replace("{actor}", actor_name)


def autosave_name(scenario_id: str, created: str, seed: int) -> str:
    """``mini-20251124T101500-7-3fa2.json``: scenario, start time, seed, a random tag."""
    stamp = created.replace(":", "").replace("-", "")[:15]
    return f"{scenario_id}-{stamp}-{seed}-{secrets.token_hex(2)}.json"


def state_digest(st: State) -> str:
    h = hashlib.sha256()
    for arr in (st.x, st.stage, st.outcome, st.ended, st.cooldown, st.uses, st.fired, st.held):
        h.update(np.ascontiguousarray(arr).tobytes())
    h.update(str(st.turn).encode())
    return h.hexdigest()[:32]


def _team_list(
    teams: Mapping[str, Sequence[str]] | Sequence[Team | tuple[str, str]] | None,
) -> list[Team]:
    """Teams in roster order from ``{actor: [names]}`` or a list of Team / (name, actor)."""
    if not teams:
        return []
    if isinstance(teams, Mapping):
        out = []
        for actor, names in teams.items():
            if isinstance(names, str):
                names = [names]
            out += [Team(str(n), str(actor)) for n in names]
        return out
    return [t if isinstance(t, Team) else Team(str(t[0]), str(t[1])) for t in teams]


def _check_timer(seconds: Any) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= TIMER_MAX:
        raise ValueError(f"the turn timer is a whole number of seconds, 0-{TIMER_MAX}: {seconds!r}")
    return seconds


def hash_pin(pin: str, salt: str | None = None) -> dict[str, Any]:
    """The record of a console PIN kept in the log: a salted PBKDF2-SHA256 hash."""
    pin = str(pin)
    if not pin.isdigit() or len(pin) < PIN_MIN_DIGITS:
        raise ValueError(f"the console PIN needs {PIN_MIN_DIGITS} or more digits")
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), PIN_ITERATIONS)
    return {"salt": salt, "iterations": PIN_ITERATIONS, "pbkdf2_sha256": digest.hex()}


def _check_pin_record(rec: Any) -> dict[str, Any] | None:
    if rec is None:
        return None
    ok = (
        isinstance(rec, Mapping)
        and set(rec) == {"salt", "iterations", "pbkdf2_sha256"}
        and isinstance(rec["salt"], str)
        and isinstance(rec["pbkdf2_sha256"], str)
        and isinstance(rec["iterations"], int)
        and rec["iterations"] > 0
    )
    if not ok:
        raise ValueError("the console PIN record in the settings is malformed")
    return dict(rec)


def _scenario_for_code(cc: classcode.ClassCode, scenario: Loaded | str | Path | None) -> Loaded:
    """The scenario a class code names: the one given, or a shipped one with its fingerprint."""
    if scenario is not None:
        loaded = scenario if isinstance(scenario, Loaded) else load_scenario(scenario)
        if not cc.matches(loaded.sha256):
            raise classcode.ClassCodeError(
                f"this class code is for another version of the scenario than {loaded.path} "
                "(every machine needs the same scenario file)"
            )
        return loaded
    from game.paths import scenario_files

    for path in scenario_files():
        try:
            sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            continue
        if cc.matches(sha):
            return load_scenario(path)
    raise classcode.ClassCodeError(
        f"no scenario on this machine matches the class code ({cc.prefix}): every machine "
        "needs the same scenario file, unchanged"
    )


class Session:
    """One game. Create with ``Session.new``; see docs/architecture.md for the API."""

    def __init__(
        self,
        loaded: Loaded,
        seed: int,
        seats: Mapping[str, Seat],
        ai: AISettings,
        autosave: bool | str | Path,
        created: str,
        teams: Sequence[Team] = (),
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        self.loaded = loaded
        self.scenario = loaded.scenario
        self.c: Compiled = compile_scenario(loaded.scenario)
        self.seed = seed
        c = self.c
        unknown = [a for a in seats if a not in c.actor_ids]
        if unknown:
            raise ValueError(
                f"unknown actor(s) {', '.join(unknown)} (known: {', '.join(c.actor_ids)})"
            )
        self.seats: dict[str, Seat] = {a: seats.get(a, Seat.ai()) for a in c.actor_ids}
        for aid, seat in self.seats.items():
            if seat.kind == "fixed":
                self._o(c.actor_index(aid), seat.option or "")  # names the known options
        self.ai_settings = ai
        self.teams: list[Team] = self._check_teams(teams)
        settings = dict(settings or {})
        extra = set(settings) - {"class_code", "timer", "pin"}
        if extra:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(extra))}")
        self.timer_setting = _check_timer(settings.get("timer", 0))
        self.timer = self.timer_setting  # seconds per team now (the console may change it)
        self._pin: dict[str, Any] | None = _check_pin_record(settings.get("pin"))
        self.revealed = False
        self._locked: set[int] = set()
        self._forecasts: list[dict[str, Any]] = []
        self._timer_turn: dict[str, dict[str, Any]] = {}
        self.created = created
        self.state: State = initial_state(c, 1, stream(seed, START))
        self.news: list[NewsItem] = []
        self.history: list[TurnReport] = []
        self.paused = False
        self.last_decisions: dict[str, Decision] = {}
        self.autosave_error: str | None = None
        self._reports: dict[str, list[TurnReport]] = {a: [] for a in c.actor_ids}
        self._turns_log: list[dict[str, Any]] = []
        self._commits: dict[int, int] = {}
        self._actions: list[dict[str, Any]] = []
        self._pre: dict[str, tuple[str, NDArray[np.float64]]] = {}
        self._pre_events: list[EventReport] = []
        self._pre_injects: list[str] = []
        self._shown_hist: dict[str, list[list[float]]] = {a: [] for a in c.actor_ids}
        self._moves_hist: list[tuple[NDArray[np.int64], NDArray[np.bool_]]] = []
        self._version = 0
        self._cache: dict[tuple, Any] = {}
        self._branches = self._branch_table()
        self.autosave_path: Path | None = None
        if autosave:
            from game.engine.saves import autosave_dir

            where = autosave_dir() if autosave is True else Path(autosave)
            self.autosave_path = where / autosave_name(self.scenario.meta.id, created, seed)
        self._begin_turn()

    # --- construction ----------------------------------------------------------------------------

    @classmethod
    def new(
        cls,
        scenario: Loaded | str | Path,
        seed: int | None = None,
        seats: Mapping[str, Seat | str] | None = None,
        ai: AISettings | None = None,
        autosave: bool | str | Path = True,
        *,
        teams: Mapping[str, Sequence[str]] | Sequence[Team | tuple[str, str]] | None = None,
        timer: int = 0,
        pin: str | None = None,
    ) -> Session:
        """A new game. ``seed`` None: a random one (``s.seed`` shows it).

        ``seats`` maps actor id -> ``Seat`` (or its text form: human, ai, random,
        team:NAME, OPTION); unlisted actors are played by the computer.
        ``autosave``: True writes to the user data dir after every turn (see
        ``saves.autosave_dir``), a path writes to that directory, False never.

        Classroom (hot seat): ``teams`` maps actor id -> team names (or is a list of
        ``Team(name, actor)``); several teams on one actor take turns, the first
        playing turn 1, the next turn 2, and so on. ``timer``: seconds per team and
        turn (0: off); ``pin``: the teacher console's PIN (4 or more digits), kept in
        the log only as a salted hash.
        """
        loaded = scenario if isinstance(scenario, Loaded) else load_scenario(scenario)
        seed = new_seed() if seed is None else check_seed(seed)
        parsed = {
            a: (s if isinstance(s, Seat) else Seat.parse(s)) for a, s in (seats or {}).items()
        }
        roster = _team_list(teams)
        for t in roster:
            first = next(x for x in roster if x.actor == t.actor)
            if t.actor not in parsed:
                parsed[t.actor] = Seat.team(first.name)
        settings: dict[str, Any] = {"timer": _check_timer(timer)}
        if pin is not None:
            settings["pin"] = hash_pin(pin)
        if not roster and (timer or pin is not None):
            raise ValueError("a turn timer and a console PIN need teams (a classroom game)")
        created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        return cls(
            loaded,
            seed,
            parsed,
            ai or AISettings(),
            autosave,
            created,
            teams=roster,
            settings=settings if roster else None,
        )

    @classmethod
    def from_class_code(
        cls,
        code: str,
        scenario: Loaded | str | Path | None = None,
        *,
        teams: Mapping[str, Sequence[str]] | Sequence[Team | tuple[str, str]] | None = None,
        pin: str | None = None,
        autosave: bool | str | Path = True,
    ) -> Session:
        """Join a duplicate-mode game: the seed, scenario, timer, difficulty and which
        sides teams play all come from the class code (``classcode.ClassCodeError``
        when it has a typo or names a scenario this machine does not have).

        ``teams``: the group's own team names (actor -> names); by default one team
        per side, named after it.
        """
        cc = classcode.decode(code)
        loaded = _scenario_for_code(cc, scenario)
        if classcode.prefix_for(loaded.scenario.meta.id) != cc.prefix:
            raise classcode.ClassCodeError(
                f"this class code starts with {cc.prefix}, but its scenario here is "
                f"{loaded.scenario.meta.id!r} ({classcode.prefix_for(loaded.scenario.meta.id)})"
            )
        actors = loaded.scenario.actors
        if any(a >= len(actors) for a in cc.people) or not cc.people:
            raise classcode.ClassCodeError("this class code names no team for this scenario")
        people = [actors[a].id for a in cc.people]
        roster = _team_list(teams)
        if not roster:
            roster = [
                Team(f"Team {actors[a].short_name or actors[a].name}", actors[a].id)
                for a in cc.people
            ]
        played = {t.actor for t in roster}
        if played != set(people):
            names = {a.id: a.name for a in actors}
            raise classcode.ClassCodeError(
                "this class code has teams play "
                + ", ".join(names[a] for a in people)
                + "; give teams to exactly those sides"
            )
        return cls.new(
            loaded,
            seed=cc.seed,
            ai=AISettings(temperature_scale=cc.temperature_scale),
            autosave=autosave,
            teams=roster,
            timer=cc.timer,
            pin=pin,
        )

    def _check_teams(self, teams: Sequence[Team]) -> list[Team]:
        out: list[Team] = []
        names: set[str] = set()
        for t in teams:
            if not isinstance(t, Team):
                raise ValueError(f"a team must be a Team, got {t!r}")
            if t.actor not in self.c.actor_ids:
                raise ValueError(
                    f"team {t.name!r}: unknown actor {t.actor!r} "
                    f"(known: {', '.join(self.c.actor_ids)})"
                )
            if t.name.casefold() in names:
                raise ValueError(f"two teams are called {t.name!r}")
            if not self.seats[t.actor].waits:
                raise ValueError(
                    f"team {t.name!r} plays {t.actor}, whose seat is {self.seats[t.actor].label}"
                )
            names.add(t.name.casefold())
            out.append(t)
        return out

    def _branch_table(self) -> list[tuple[int, int, int]]:
        """Branch row r of the model -> (actor, option, branch index), in compile order."""
        out = []
        for a, actor in enumerate(self.scenario.actors):
            for o, opt in enumerate(actor.options):
                for j in range(len(opt.branches)):
                    out.append((a, o, j))
        return out

    # --- simple properties -----------------------------------------------------------------------

    @property
    def actors(self) -> list[str]:
        return list(self.c.actor_ids)

    @property
    def turn(self) -> int:
        """Turns resolved so far."""
        return int(self.state.turn)

    @property
    def current_turn(self) -> int:
        """The number (1-based) of the turn being chosen now."""
        return self.turn + 1

    def date_of(self, turn_number: int) -> dt.date:
        m = self.scenario.meta
        return m.start_date + dt.timedelta(days=m.turn_days * (turn_number - 1))

    @property
    def date(self) -> dt.date:
        """Date of the turn being chosen."""
        return self.date_of(self.current_turn)

    @property
    def over(self) -> bool:
        return bool(self.state.outcome[0] >= 0)

    @property
    def outcome(self) -> str | None:
        q = int(self.state.outcome[0])
        return self.c.outcome_ids[q] if q >= 0 else None

    @property
    def outcome_name(self) -> str | None:
        q = int(self.state.outcome[0])
        return self.scenario.outcomes[q].name if q >= 0 else None

    @property
    def stage(self) -> str:
        return self.c.stage_ids[int(self.state.stage[0])]

    @property
    def stage_name(self) -> str:
        return self.scenario.ladder[int(self.state.stage[0])].name

    @property
    def turn_limit(self) -> int:
        return self.c.turn_limit

    def actor_name(self, actor: str) -> str:
        return self.scenario.actors[self._a(actor)].name

    # --- classroom: teams, PIN, class code -------------------------------------------------------

    @property
    def classroom(self) -> bool:
        """True for a hot-seat game with teams."""
        return bool(self.teams)

    def teams_of(self, actor: str) -> list[Team]:
        return [t for t in self.teams if t.actor == actor]

    def team(self, name: str) -> Team:
        for t in self.teams:
            if t.name == name:
                return t
        known = ", ".join(t.name for t in self.teams) or "none"
        raise ValueError(f"unknown team {name!r} (teams: {known})")

    def team_for(self, actor: str, turn: int | None = None) -> str | None:
        """The team deciding ``actor``'s move at ``turn`` (default: now); teams of one
        actor take turns in roster order. None when no team plays the actor."""
        ts = self.teams_of(actor)
        if not ts:
            return None
        t = self.current_turn if turn is None else int(turn)
        return ts[(t - 1) % len(ts)].name

    def goes(self) -> list[tuple[str, str]]:
        """(team, actor) at the keyboard this turn, in actor order (hot seat)."""
        out = []
        for aid in self.c.actor_ids:
            team = self.team_for(aid)
            if team is not None:
                out.append((team, aid))
        return out

    @property
    def has_pin(self) -> bool:
        return self._pin is not None

    def check_pin(self, pin: str) -> bool:
        """True if ``pin`` is the console PIN set at the start (no PIN set: always False)."""
        if self._pin is None:
            return False
        rec = self._pin
        try:
            salt = bytes.fromhex(rec["salt"])
        except ValueError:
            return False
        got = hashlib.pbkdf2_hmac("sha256", str(pin).encode(), salt, rec["iterations"]).hex()
        return hmac.compare_digest(got, rec["pbkdf2_sha256"])

    @property
    def class_code(self) -> str | None:
        """The duplicate-mode code of this game (None if its settings cannot be put in one,
        e.g. custom AI settings other than the difficulty)."""
        if self.ai_settings != AISettings(temperature_scale=self.ai_settings.temperature_scale):
            return None
        people = [a for a, aid in enumerate(self.c.actor_ids) if self.seats[aid].waits]
        try:
            return classcode.make(
                self.scenario.meta.id,
                self.loaded.sha256,
                self.seed,
                self.timer_setting,
                self.ai_settings.temperature_scale,
                people,
            ).text
        except classcode.ClassCodeError:
            return None

    @property
    def forecast_within(self) -> int:
        """The window (turns) students forecast over: the advisors' "next few turns"."""
        return int(self.ai_settings.advice_horizon)

    def forecast_outcomes(self) -> list[str]:
        """The scenario's main outcomes, the ones a forecast names (the outcome reached only
        at the turn limit is left to "none of these within the window")."""
        return [o.id for o in self.scenario.outcomes if not o.at_turn_limit]

    def _a(self, actor: str) -> int:
        if not isinstance(actor, str):
            raise ValueError(f"an actor is named by its id, got {actor!r}")
        try:
            return self.c.actor_index(actor)
        except KeyError as e:
            raise ValueError(e.args[0]) from None

    def _o(self, a: int, option: str) -> int:
        if not isinstance(option, str):
            raise ValueError(f"an option is named by its id, got {option!r}")
        try:
            return self.c.option_index(a, option)
        except KeyError as e:
            raise ValueError(e.args[0]) from None

    # --- turn start: injects ---------------------------------------------------------------------

    def _begin_turn(self) -> None:
        self._x0 = self.state.x[0].copy()
        self._stage0 = int(self.state.stage[0])
        if self.over:
            return
        for inj in self.scenario.injects:
            if inj.turn == self.current_turn:
                self._fire_inject(inj.id)

    def _effect_arrays(self, effects: Effects) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        mean = np.zeros(self.c.n_metrics)
        var = np.zeros(self.c.n_metrics)
        for mid, e in effects.items():
            m = self.c.index["metric"][mid]
            mean[m] += e.mean
            var[m] += e.sd**2
        return mean, var

    def _record(self, action: dict[str, Any]) -> int:
        """Append an action to this turn's log; returns its inject-stream index."""
        k = sum(1 for x in self._actions if x["kind"] in _STREAM_KINDS)
        self._actions.append({"kind": action.pop("kind"), "turn": self.current_turn, **action})
        return k

    def _add_pre(self, key: str, label: str, delta: NDArray[np.float64]) -> None:
        if key in self._pre:
            old_label, old = self._pre[key]
            self._pre[key] = (old_label, old + delta)
        else:
            self._pre[key] = (label, delta.copy())

    def _apply(
        self,
        k: int,
        key: str,
        label: str,
        mean: NDArray[np.float64],
        var: NDArray[np.float64],
        event: int | None,
    ) -> None:
        """Apply an inject's or a fired event's effects to the true world (stream INJECT)."""
        c, st = self.c, self.state
        z = stream(self.seed, INJECT, self.current_turn, k).standard_normal(c.n_metrics)
        eff = mean + np.sqrt(var) * z
        raw = st.x[0] + eff
        new = np.clip(raw, c.lo, c.hi)
        self._add_pre(key, label, eff)
        self._add_pre("limits", "Range limits", new - raw)
        st.x[0] = new
        if event is not None:
            st.fired[0, event] = True
            st.stage[0] = int(np.clip(st.stage[0] + c.ev_stage_change[event], 0, c.n_stages - 1))
        self._version += 1

    def _fire_inject(self, inject_id: str) -> None:
        inj = next(i for i in self.scenario.injects if i.id == inject_id)
        k = self._record({"kind": "inject", "id": inj.id})
        mean, var = self._effect_arrays(inj.effects)
        e = None
        if inj.event is not None:
            e = self.c.index["event"][inj.event]
            mean, var = mean + self.c.ev_mean[e], var + self.c.ev_var[e]
        self._apply(k, f"inject:{inj.id}", f"Inject: {inj.headline}", mean, var, e)
        self._pre_injects.append(inj.headline)
        self._news(inj.headline, "inject")
        if e is not None:
            ev = self.scenario.events[e]
            self._pre_events.append(EventReport(ev.id, ev.name, ev.headline, "inject"))
            self._news(ev.headline, "event")

    def _news(
        self, headline: str, kind: str, visible_to: str | None = None, actor: str | None = None
    ) -> NewsItem:
        item = NewsItem(self.current_turn, self.date, headline, kind, visible_to, actor)  # type: ignore[arg-type]
        self.news.append(item)
        return item

    # --- teacher controls (each goes into the log) -----------------------------------------------

    def _teacher_ok(self) -> None:
        if self.over:
            raise EngineError("the game is over")

    def fire_event(self, event_id: str) -> None:
        """Fire any scenario event now (its effects and ladder change apply at once)."""
        self._teacher_ok()
        if event_id not in self.c.index["event"]:
            raise ValueError(f"unknown event {event_id!r} (known: {', '.join(self.c.event_ids)})")
        e = self.c.index["event"][event_id]
        ev = self.scenario.events[e]
        k = self._record({"kind": "fire_event", "event": event_id})
        self._apply(
            k, f"teacher:event:{ev.id}", f"Event: {ev.name}", self.c.ev_mean[e], self.c.ev_var[e], e
        )
        self._pre_events.append(EventReport(ev.id, ev.name, ev.headline, "teacher"))
        self._news(ev.headline, "event")
        self._drop_unavailable_commits()

    def set_metric(self, metric_id: str, value: float) -> None:
        """Set a metric of the true world (within its range)."""
        self._teacher_ok()
        if metric_id not in self.c.index["metric"]:
            raise ValueError(
                f"unknown metric {metric_id!r} (known: {', '.join(self.c.metric_ids)})"
            )
        m = self.c.index["metric"][metric_id]
        value = float(value)
        lo, hi = float(self.c.lo[m]), float(self.c.hi[m])
        if not lo <= value <= hi:
            raise ValueError(f"{metric_id} must be within [{lo:g}, {hi:g}], got {value:g}")
        self._record({"kind": "set_metric", "metric": metric_id, "value": value})
        delta = np.zeros(self.c.n_metrics)
        delta[m] = value - self.state.x[0, m]
        self.state.x[0, m] = value
        name = self.scenario.metrics[m].name
        self._add_pre(f"teacher:set:{metric_id}", f"Teacher: {name} set to {value:g}", delta)
        self._version += 1
        self._drop_unavailable_commits()

    def add_inject(self, headline: str, text: str = "") -> None:
        """A free-text inject: news for everyone, no effect on the metrics."""
        self._teacher_ok()
        headline = str(headline).strip()
        if not headline:
            raise ValueError("an inject needs a headline")
        self._record({"kind": "add_inject", "headline": headline, "text": str(text)})
        self._pre_injects.append(headline)
        self._news(headline, "inject")

    def pause(self) -> None:
        """Stop the clock: ``resolve`` refuses until ``resume``."""
        if not self.paused:
            self._record({"kind": "pause"})
            self.paused = True

    def resume(self) -> None:
        if self.paused:
            self._record({"kind": "resume"})
            self.paused = False

    def _drop_unavailable_commits(self) -> None:
        """After the teacher changed the world: a choice that is no longer available is
        withdrawn (and unlocked); that side must choose again."""
        ok = available(self.c, self.state)[0]
        for a, o in list(self._commits.items()):
            if not ok[a, o]:
                del self._commits[a]
                self._locked.discard(a)

    def reveal(self) -> None:
        """Show the true values to everyone from now on (every view is exact)."""
        self._teacher_ok()
        if self.revealed:
            return
        self._record({"kind": "reveal"})
        self.revealed = True
        self._version += 1
        self._cache.clear()

    def _hold_or_first(self, a: int) -> int:
        ok = available(self.c, self.state)[0, a]
        hold = int(self.c.hold[a])
        if ok[hold]:
            return hold
        avail = np.flatnonzero(ok)
        if not avail.size:
            raise EngineError(f"{self.c.actor_ids[a]} has no option available")
        return int(avail[0])

    def lock(self, actor: str, option: str | None = None) -> None:
        """Lock a side's choice for this turn: ``option``, else what it has committed, else
        hold course. It cannot be changed until the turn resolves."""
        self._teacher_ok()
        a = self._a(actor)
        if not self.seats[actor].waits:
            raise ValueError(f"{actor} is played by the computer: there is no choice to lock")
        if a in self._locked:
            raise EngineError(f"{actor}'s choice is already locked this turn")
        if option is None:
            o = self._commits.get(a)
            if o is None:
                o = self._hold_or_first(a)
        else:
            o = self._o(a, option)
            if not available(self.c, self.state)[0, a, o]:
                raise ValueError(
                    f"option {option!r} is not available to {actor}: "
                    f"{self._unavailable_reason(a, o)}"
                )
        self._commits[a] = o
        self._locked.add(a)
        self._record(
            {
                "kind": "lock",
                "actor": actor,
                "team": self.team_for(actor),
                "option": self.c.option_ids[a][o],
            }
        )

    def locked(self, actor: str) -> bool:
        return self._a(actor) in self._locked

    def timer_expired(self, actor: str) -> str:
        """The turn timer ran out for ``actor``'s team: hold course is committed and locked
        (the front end keeps the time; this records it). Returns the option committed."""
        if self.over:
            raise EngineError("the game is over")
        a = self._a(actor)
        if not self.seats[actor].waits:
            raise ValueError(f"{actor} is played by the computer: it has no timer")
        if a in self._locked:
            raise EngineError(f"{actor}'s choice is already locked this turn")
        o = self._hold_or_first(a)
        self._commits[a] = o
        self._locked.add(a)
        oid = self.c.option_ids[a][o]
        self._record(
            {"kind": "timer_expired", "actor": actor, "team": self.team_for(actor), "option": oid}
        )
        return oid

    def set_timer(self, seconds: int) -> None:
        """Seconds per team from now on (0: off); the team at the keyboard starts again."""
        self._teacher_ok()
        seconds = _check_timer(seconds)
        self._record({"kind": "set_timer", "seconds": seconds})
        self.timer = seconds
        self._timer_turn.clear()

    def extend_timer(self, seconds: int, actor: str | None = None) -> None:
        """More time this turn for ``actor``'s team (None: every team)."""
        self._teacher_ok()
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 < seconds <= 3600:
            raise ValueError(f"extend the timer by 1-3600 seconds, got {seconds!r}")
        if actor is not None:
            self._a(actor)
        act: dict[str, Any] = {"kind": "extend_timer", "seconds": seconds}
        if actor is not None:
            act |= {"actor": actor, "team": self.team_for(actor)}
        self._record(act)
        entry = self._timer_turn.setdefault(actor or "*", {"extra": 0, "stopped": False})
        entry["extra"] += seconds

    def stop_timer(self, actor: str | None = None) -> None:
        """No countdown this turn for ``actor``'s team (None: for every team)."""
        self._teacher_ok()
        if actor is not None:
            self._a(actor)
        act: dict[str, Any] = {"kind": "stop_timer"}
        if actor is not None:
            act |= {"actor": actor, "team": self.team_for(actor)}
        self._record(act)
        self._timer_turn.setdefault(actor or "*", {"extra": 0, "stopped": False})["stopped"] = True

    def timer_for(self, actor: str) -> int | None:
        """Seconds ``actor``'s team has this turn (None: no countdown)."""
        if not self.timer:
            return None
        mine = self._timer_turn.get(actor, {})
        every = self._timer_turn.get("*", {})
        if mine.get("stopped") or every.get("stopped"):
            return None
        return self.timer + int(mine.get("extra", 0)) + int(every.get("extra", 0))

    def end_game(self, outcome: str | None = None) -> None:
        """End the game now, before this turn resolves: with ``outcome`` (an outcome id),
        by default the scenario's turn-limit outcome (e.g. a frozen standoff)."""
        self._teacher_ok()
        if outcome is None:
            q = int(self.c.limit_outcome)
        else:
            if outcome not in self.c.index["outcome"]:
                raise ValueError(
                    f"unknown outcome {outcome!r} (known: {', '.join(self.c.outcome_ids)})"
                )
            q = self.c.index["outcome"][outcome]
        self._record({"kind": "end_game", "outcome": self.c.outcome_ids[q]})
        self.state.outcome[0] = q
        self.state.ended[0] = self.current_turn
        self._commits = {}
        self._locked.clear()
        self._news(f"The teacher ended the exercise: {self.scenario.outcomes[q].name}", "outcome")
        self._version += 1
        self._cache.clear()
        self._autosave()

    # --- student forecasts -----------------------------------------------------------------------

    def submit_forecast(
        self, team: str, probs: Mapping[str, float], within: int | None = None
    ) -> dict[str, Any]:
        """A team's forecast before it commits: the probability of each named outcome
        within the next ``within`` turns (this one included). Each in [0, 1], together at
        most 1; the rest is "none of these within the window". A team's new forecast in
        the same turn replaces its earlier one. Returns the logged entry."""
        if self.over:
            raise EngineError("the game is over")
        t = self.team(team)
        within = self.forecast_within if within is None else within
        if isinstance(within, bool) or not isinstance(within, int) or not 1 <= within <= 100:
            raise ValueError(f"a forecast window is 1-100 turns, got {within!r}")
        if not isinstance(probs, Mapping) or not probs:
            raise ValueError("a forecast needs the probability of at least one outcome")
        clean: dict[str, float] = {}
        for oid in self.c.outcome_ids:  # scenario order
            if oid not in probs:
                continue
            v = probs[oid]
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ValueError(f"the probability of {oid!r} must be a number, got {v!r}")
            if not 0.0 <= float(v) <= 1.0:
                raise ValueError(f"the probability of {oid!r} must be in [0, 1], got {v!r}")
            clean[oid] = float(v)
        unknown = [k for k in probs if k not in clean]
        if unknown:
            raise ValueError(
                f"unknown outcome(s) {', '.join(map(str, unknown))} "
                f"(known: {', '.join(self.c.outcome_ids)})"
            )
        total = sum(clean.values())
        if total > 1.0 + 1e-9:
            raise ValueError(
                f"the probabilities add up to {total:.2f}: at most 1 (the rest is "
                "'none of these within the window')"
            )
        a = self._a(t.actor)
        if self.team_for(t.actor) == t.name and a in self._commits:
            raise EngineError(f"team {t.name} has already committed: forecast before committing")
        entry = {
            "turn": self.current_turn,
            "team": t.name,
            "actor": t.actor,
            "within": within,
            "probs": clean,
        }
        self._forecasts = [f for f in self._forecasts if f["team"] != t.name] + [entry]
        return dict(entry)

    def forecasts(self) -> list[dict[str, Any]]:
        """Every forecast so far (resolved turns, then this one)."""
        out = [f for t in self._turns_log for f in t.get("forecasts", [])]
        return [dict(f) for f in out + self._forecasts]

    # --- what a player sees ----------------------------------------------------------------------

    def _seen(self, viewer: int, actor: int, turn_index: int) -> int:
        """The move ``viewer`` saw ``actor`` make in turn ``turn_index`` (0-based).

        Another side's covert move that was not exposed looks like holding course.
        """
        moves, exposed = self._moves_hist[turn_index]
        o = int(moves[actor])
        if actor != viewer and self.c.covert[actor, o] and not exposed[actor]:
            return int(self.c.hold[actor])
        return o

    def _last_seen(self, viewer: int) -> list[int]:
        if not self._moves_hist:
            return [int(h) for h in self.c.hold]
        t = len(self._moves_hist) - 1
        return [self._seen(viewer, a, t) for a in range(self.c.n_actors)]

    def _unavailable_reason(self, a: int, o: int) -> str:
        c, st = self.c, self.state
        if self.over:
            return "the game is over"
        opt = self.scenario.actors[a].options[o]
        stage = int(st.stage[0])
        if not c.avail_stage[a, o, stage]:
            names = [s.name for s in self.scenario.ladder if s.id in opt.available.stages]
            return "only at stage: " + ", ".join(names)
        cd = int(st.cooldown[0, a, o])
        if cd > 0:
            return f"available again in {cd} turn{'s' if cd > 1 else ''}"
        uses = int(st.uses[0, a, o])
        if uses >= c.max_uses[a, o]:
            return f"already used {uses} of {int(c.max_uses[a, o])} times"
        failing = []
        for cond in opt.available.conditions:
            m = c.index["metric"][cond.metric]
            v = st.x[0, m]
            ok = {"<": v < cond.value, "<=": v <= cond.value, ">": v > cond.value}.get(
                cond.op.value, v >= cond.value
            )
            if not ok:
                failing.append(f"{self.scenario.metrics[m].name} {cond.op.value} {cond.value:g}")
        if failing:
            return "needs " + " and ".join(failing)
        return "not available now"

    def options(self, actor: str) -> list[OptionView]:
        """The actor's options now, with availability and the reason when unavailable."""
        a = self._a(actor)
        ok = available(self.c, self.state)[0, a] & (not self.over)
        hold = int(self.c.hold[a])
        return [
            OptionView(
                id=opt.id,
                name=opt.name,
                category=str(opt.category.value),
                description=opt.description,
                escalation=float(opt.escalation),
                available=bool(ok[o]),
                reason="" if ok[o] else self._unavailable_reason(a, o),
                covert=opt.covert,
                hold=o == hold,
                index=o,
            )
            for o, opt in enumerate(self.scenario.actors[a].options)
        ]

    def _estimates(self, a: int) -> tuple[NDArray, NDArray, NDArray]:
        est, err, mask = estimates(self.c, self.seed, self.current_turn, a, self.state.x[0])
        if self.revealed:  # the teacher showed everyone the true values
            return self.state.x[0].copy(), np.zeros_like(err), np.zeros_like(mask)
        return est, err, mask

    def view(self, actor: str) -> PlayerView:
        """What ``actor`` may see now. Other actors' private metrics are estimates only."""
        a = self._a(actor)
        c, scn = self.c, self.scenario
        x = self.state.x[0]
        est, err, mask = self._estimates(a)
        hist = self._shown_hist[actor]
        metrics = [
            MetricView(
                id=m.id,
                name=m.name,
                short=m.short or m.name,
                description=m.description,
                lo=float(c.lo[i]),
                hi=float(c.hi[i]),
                exact=not mask[i],
                value=None if mask[i] else float(x[i]),
                estimate=float(est[i]),
                error=float(err[i]),
                visibility=str(m.visibility.value),
                owner=m.owner,
                higher_is=m.higher_is,
                history=[h[i] for h in hist],
            )
            for i, m in enumerate(scn.metrics)
        ]
        opts = scn.actors[a].options
        own = [
            (t + 1, opts[int(mv[a])].id, opts[int(mv[a])].name)
            for t, (mv, _e) in enumerate(self._moves_hist)
        ]
        known: dict[str, list[tuple[int, str, str]]] = {}
        for b, bid in enumerate(c.actor_ids):
            if b == a:
                continue
            bo = scn.actors[b].options
            known[bid] = [
                (t + 1, bo[self._seen(a, b, t)].id, bo[self._seen(a, b, t)].name)
                for t in range(len(self._moves_hist))
            ]
        reports = self._reports[actor]
        return PlayerView(
            actor=actor,
            actor_name=scn.actors[a].name,
            turn=self.turn,
            date=self.date,
            stage=self.stage,
            stage_name=self.stage_name,
            over=self.over,
            outcome=self.outcome,
            outcome_name=self.outcome_name,
            paused=self.paused,
            intel=intel_level(c, a, x),
            metrics=metrics,
            options=self.options(actor),
            news=self.news_for(actor),
            own_moves=own,
            known_moves=known,
            last_report=reports[-1] if reports else None,
            revealed=self.revealed,
        )

    def news_for(self, actor: str | None) -> list[NewsItem]:
        """News an actor may see (None: public news only)."""
        return [n for n in self.news if n.visible_to is None or n.visible_to == actor]

    def report(self, actor: str | None = None, turn: int | None = None) -> TurnReport | None:
        """The report of ``turn`` (1-based; default the last) as ``actor`` sees it (None: all)."""
        reports = self.history if actor is None else self._reports[actor]
        if not reports:
            return None
        if turn is None:
            return reports[-1]
        if not 1 <= turn <= len(reports):
            raise ValueError(f"no report for turn {turn} (turns resolved: {len(reports)})")
        return reports[turn - 1]

    # --- forecasts: what-if, advisors, AI --------------------------------------------------------

    def _belief(self, a: int, n: int, purpose: int) -> State:
        """``n`` worlds actor ``a`` believes possible (stream: purpose, turn, actor, BELIEF)."""
        T = self.current_turn
        rng = stream(self.seed, purpose, T, a, BELIEF)
        return belief_worlds(self.c, self.state, self.seed, T, a, n, rng)

    def what_if(self, actor: str, option: str, worlds: int = 2000, horizon: int = 4) -> Forecast:
        """Forecast of choosing ``option`` now, against the other side's expected play.

        Computed from the worlds the actor believes possible (fog applied: the same
        worlds for every option of the turn), with its own streams (what-if, turn,
        actor, option): looking never changes the game.
        """
        a = self._a(actor)
        o = self._o(a, option)
        key = ("what_if", self._version, self.turn, a, o, int(worlds), int(horizon))
        if key not in self._cache:
            start = self._belief(a, int(worlds), WHAT_IF)
            pol = ai_mod.policies(self.c, a, o, self._last_seen(a), self.ai_settings.persistence)
            self._cache[key] = forecast(
                self.c,
                start,
                pol,
                stream(self.seed, WHAT_IF, self.current_turn, a, o),
                worlds=int(worlds),
                horizon=int(horizon),
            )
        return self._cache[key]

    def advice(self, actor: str) -> list[Advice]:
        """Each advisor's recommendation with a one-line reason from the forecast."""
        a = self._a(actor)
        spec = self.scenario.actors[a]
        if not spec.advisors or self.over:
            return []
        key = ("advice", self._version, self.turn, a)
        if key in self._cache:
            return self._cache[key]
        c, cfg = self.c, self.ai_settings
        start = self._belief(a, cfg.advice_worlds, ADVICE)
        avail = available(c, self.state)[0, a]
        hold = int(c.hold[a])
        opts = sorted({*map(int, np.flatnonzero(avail)), hold})
        T = self.current_turn
        fcs = ai_mod.forecast_options(
            c,
            start,
            a,
            opts,
            self._last_seen(a),
            lambda: stream(self.seed, ADVICE, T, a),
            cfg.advice_horizon,
            cfg.persistence,
        )
        out = []
        for adv in spec.advisors:
            scores = {
                o: ai_mod.score(
                    ai_mod.utilities(c, fcs[o], start.x, adv.objectives), spec.ai.risk_tolerance
                )
                for o in opts
            }
            ranked = sorted(opts, key=lambda o: (-scores[o], o))
            best = ranked[0]
            if best == hold:
                alt = ranked[1] if len(ranked) > 1 else hold
                text = ai_mod.reason(
                    c, adv.objectives, alt, hold, a, fcs, cfg.advice_horizon, recommend_hold=True
                )
            else:
                text = ai_mod.reason(c, adv.objectives, best, hold, a, fcs, cfg.advice_horizon)
            opt = spec.options[best]
            out.append(Advice(adv.id, adv.name, adv.title, adv.stance, opt.id, opt.name, text))
        self._cache[key] = out
        self._record(
            {"kind": "advice", "actor": actor, "advice": [[x.advisor, x.option] for x in out]}
        )
        return out

    @property
    def settings(self) -> AISettings:
        return self.ai_settings

    # --- moves -----------------------------------------------------------------------------------

    def commit(self, actor: str, option: str) -> None:
        """A human or team choice for this turn (may be changed until the turn resolves)."""
        if self.over:
            raise EngineError("the game is over")
        a = self._a(actor)
        o = self._o(a, option)
        if not available(self.c, self.state)[0, a, o]:
            raise ValueError(
                f"option {option!r} is not available to {actor}: {self._unavailable_reason(a, o)}"
            )
        if a in self._locked and self._commits.get(a) != o:
            raise EngineError(f"{actor}'s choice is locked this turn")
        self._commits[a] = o

    def committed(self, actor: str) -> str | None:
        o = self._commits.get(self._a(actor))
        return None if o is None else self.c.option_ids[self._a(actor)][o]

    def waiting(self) -> list[str]:
        """Actors that still need to commit this turn (computer seats never wait)."""
        if self.over:
            return []
        return [
            aid
            for a, aid in enumerate(self.c.actor_ids)
            if self.seats[aid].waits and a not in self._commits
        ]

    def _machine_move(self, a: int, avail: NDArray[np.bool_]) -> int:
        aid = self.c.actor_ids[a]
        seat = self.seats[aid]
        T = self.current_turn
        if seat.kind == "fixed":
            o = self.c.option_index(a, seat.option or "")
            return o if avail[o] else int(self.c.hold[a])
        if seat.kind == "random":
            opts = np.flatnonzero(avail)
            if not opts.size:
                return int(self.c.hold[a])
            return int(opts[stream(self.seed, AI, T, a, 0).integers(opts.size)])
        d = ai_mod.decide(
            self.c,
            self._belief(a, self.ai_settings.worlds, AI),
            a,
            avail,
            self._last_seen(a),
            self.ai_settings,
            lambda: stream(self.seed, AI, T, a),
            stream(self.seed, AI, T, a, 0),
        )
        self.last_decisions[aid] = d
        return d.option

    def _shown(self, a: int, avail: NDArray[np.bool_]) -> dict[str, Any]:
        """What actor ``a`` is shown at decision time (goes into the log)."""
        est, err, mask = self._estimates(a)
        return {
            "options": [[oid, bool(avail[o])] for o, oid in enumerate(self.c.option_ids[a])],
            "estimates": {
                self.c.metric_ids[m]: [float(est[m]), float(err[m])] for m in np.flatnonzero(mask)
            },
        }

    def resolve(self) -> TurnReport:
        """Computer seats choose, then the turn resolves through the model."""
        return self._resolve({})

    def _resolve(self, override: Mapping[int, int]) -> TurnReport:
        if self.over:
            raise EngineError("the game is over")
        if self.paused:
            raise EngineError("the game is paused: resume it first")
        waiting = [a for a in self.waiting() if self._a(a) not in override]
        if waiting:
            raise EngineError(f"still waiting for: {', '.join(waiting)}")
        c, st = self.c, self.state
        T = self.current_turn
        avail = available(c, st)[0]
        shown = {aid: self._shown(a, avail[a]) for a, aid in enumerate(c.actor_ids)}
        for aid in c.actor_ids:
            est = shown[aid]["estimates"]
            self._shown_hist[aid].append(
                [
                    est[mid][0] if mid in est else float(st.x[0, m])
                    for m, mid in enumerate(c.metric_ids)
                ]
            )
        moves = np.empty((1, c.n_actors), dtype=np.int64)
        for a, aid in enumerate(c.actor_ids):
            if a in override:
                o = int(override[a])
                if not avail[a, o]:
                    raise ValueError(
                        f"turn {T}: {aid}'s move {c.option_ids[a][o]!r} was not available"
                    )
                moves[0, a] = o
            elif self.seats[aid].waits:
                moves[0, a] = self._commits[a]
            else:
                moves[0, a] = self._machine_move(a, avail[a])
        info = step(c, st, moves, stream(self.seed, WORLD, T), explain=True)
        assert info is not None
        happened = info.branches[0]
        exposed = np.zeros(c.n_actors, dtype=bool)
        for r, (ba, _bo, _j) in enumerate(self._branches):
            if happened[r] and c.br_exposes[r] and c.covert[ba, moves[0, ba]]:
                exposed[ba] = True
        self._moves_hist.append((moves[0].copy(), exposed))
        full = self._report(T, moves[0], info, exposed, shown)
        self.history.append(full)
        classroom: dict[str, Any] = {}
        if self.teams:
            classroom["by"] = {
                aid: self.team_for(aid, T) for aid in c.actor_ids if self.teams_of(aid)
            }
        if self._forecasts:
            classroom["forecasts"] = list(self._forecasts)
        self._turns_log.append(
            {
                "turn": T,
                "date": self.date_of(T).isoformat(),
                "actions": self._actions,
                "moves": {
                    aid: c.option_ids[a][int(moves[0, a])] for a, aid in enumerate(c.actor_ids)
                },
                "shown": shown,
                "result": {
                    "events": [c.event_ids[e] for e in np.flatnonzero(info.events[0])],
                    "branches": [
                        f"{c.actor_ids[ba]}.{c.option_ids[ba][bo]}."
                        f"{self.scenario.actors[ba].options[bo].branches[j].id}"
                        for r, (ba, bo, j) in enumerate(self._branches)
                        if happened[r]
                    ],
                    "stage": self.stage,
                    "outcome": self.outcome,
                    "x": [float(v) for v in st.x[0]],
                    "digest": state_digest(st),
                },
                **classroom,
            }
        )
        self._commits = {}
        self._locked = set()
        self._forecasts = []
        self._timer_turn = {}
        self._actions = []
        self._pre = {}
        self._pre_events = []
        self._pre_injects = []
        self._version += 1
        self._cache.clear()
        self._begin_turn()
        self._autosave()
        return full

    # --- reports ---------------------------------------------------------------------------------

    def _source_label(self, key: str, moves: NDArray[np.int64]) -> str:
        kind, _, ident = key.partition(":")
        scn = self.scenario
        if kind == "move":
            a = self.c.index["actor"][ident]
            opt = scn.actors[a].options[int(moves[a])]
            return f"{possessive(scn.actors[a].name)} move ({opt.name})"
        if kind == "interaction":
            it = next(i for i in scn.interactions if i.id == ident)
            return f"Interaction: {it.label}"
        if kind == "event":
            return f"Event: {scn.events[self.c.index['event'][ident]].name}"
        if kind == "drift":
            return "Drift"
        if kind == "limits":
            return "Range limits"
        return key

    def _report(
        self,
        T: int,
        moves: NDArray[np.int64],
        info: Any,
        exposed: NDArray[np.bool_],
        shown: dict[str, Any],
    ) -> TurnReport:
        c, scn, st = self.c, self.scenario, self.state
        happened = info.branches[0]
        # sources, in order: what happened before the resolution, then the model's
        parts: dict[str, tuple[str, NDArray[np.float64]]] = dict(self._pre)
        for p, key in enumerate(info.labels):
            d = info.delta[0, p]
            if key in parts:
                parts[key] = (parts[key][0], parts[key][1] + d)
            else:
                parts[key] = (self._source_label(key, moves), d.copy())
        move_reports: dict[str, MoveReport] = {}
        for a, aid in enumerate(c.actor_ids):
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
                for r, (ba, bo, j) in enumerate(self._branches)
                if ba == a and bo == o
            ]
            move_reports[aid] = MoveReport(
                aid, scn.actors[a].name, opt.id, opt.name, opt.covert, bool(exposed[a]), brs
            )
        events = list(self._pre_events) + [
            EventReport(ev.id, ev.name, ev.headline, "model")
            for e, ev in enumerate(scn.events)
            if info.events[0, e]
        ]
        headlines = self._turn_news(T, moves, move_reports, events)
        x1 = st.x[0]
        metrics = []
        for m, met in enumerate(scn.metrics):
            sources = [
                SourcePart(key, label, float(d[m]))
                for key, (label, d) in parts.items()
                if abs(d[m]) > _EPS
            ]
            metrics.append(
                MetricChange(met.id, met.name, float(self._x0[m]), float(x1[m]), True, sources)
            )
        s0, s1 = self._stage0, int(st.stage[0])
        full = TurnReport(
            turn=T,
            date=self.date_of(T),
            viewer=None,
            moves=move_reports,
            metrics=metrics,
            events=events,
            injects=list(self._pre_injects),
            stage_before=c.stage_ids[s0],
            stage_after=c.stage_ids[s1],
            stage_before_name=scn.ladder[s0].name,
            stage_after_name=scn.ladder[s1].name,
            outcome=self.outcome,
            outcome_name=self.outcome_name,
            headlines=headlines,
        )
        for v, vid in enumerate(c.actor_ids):
            self._reports[vid].append(self._filtered(full, v, parts, moves, exposed, shown[vid]))
        return full

    def _turn_news(
        self,
        T: int,
        moves: NDArray[np.int64],
        move_reports: dict[str, MoveReport],
        events: list[EventReport],
    ) -> list[NewsItem]:
        scn, c = self.scenario, self.c
        date = self.date_of(T)
        out: list[NewsItem] = [n for n in self.news if n.turn == T]  # injects at turn start

        def add(headline: str, kind: str, visible_to: str | None, actor: str | None) -> None:
            item = NewsItem(T, date, headline, kind, visible_to, actor)  # type: ignore[arg-type]
            self.news.append(item)
            out.append(item)

        for a, aid in enumerate(c.actor_ids):
            actor = scn.actors[a]
            opt = actor.options[int(moves[a])]
            mr = move_reports[aid]
            if not opt.covert:
                add(fill(opt.headline, actor.name), "move", None, aid)
            else:
                add("Covert: " + fill(opt.headline, actor.name), "move", aid, aid)
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
        if self.outcome is not None:
            q = int(self.state.outcome[0])
            add(scn.outcomes[q].headline, "outcome", None, None)
        return out

    def _filtered(
        self,
        full: TurnReport,
        v: int,
        parts: dict[str, tuple[str, NDArray[np.float64]]],
        moves: NDArray[np.int64],
        exposed: NDArray[np.bool_],
        shown: dict[str, Any],
    ) -> TurnReport:
        """The turn as actor ``v`` may know it: the other side's unexposed covert move
        looks like holding course, its effects (and any interaction it took part in)
        are folded into drift, and other sides' private metrics are estimates only."""
        c, scn = self.c, self.scenario
        vid = c.actor_ids[v]
        hidden = [
            a for a in range(c.n_actors) if a != v and c.covert[a, int(moves[a])] and not exposed[a]
        ]
        hidden_ids = {c.actor_ids[a] for a in hidden}
        fold = {f"move:{c.actor_ids[a]}" for a in hidden}
        fold |= {f"interaction:{it.id}" for it in scn.interactions if hidden_ids & set(it.when)}
        move_reports: dict[str, MoveReport] = {}
        for a, aid in enumerate(c.actor_ids):
            mr = full.moves[aid]
            if a in hidden:
                hold = scn.actors[a].options[int(c.hold[a])]
                mr = MoveReport(aid, mr.actor_name, hold.id, hold.name)
            elif a != v and mr.covert:
                mr = MoveReport(
                    aid,
                    mr.actor_name,
                    mr.option,
                    mr.option_name,
                    True,
                    mr.exposed,
                    [b for b in mr.branches if b.exposes],
                )
            move_reports[aid] = mr
        # relabel moves seen as holding course
        labels = {
            f"move:{aid}": f"{possessive(mr.actor_name)} move ({mr.option_name})"
            for aid, mr in move_reports.items()
        }
        after_est, _err, mask = estimates(c, self.seed, self.current_turn, v, self.state.x[0])
        if self.revealed:
            mask = np.zeros_like(mask)
        metrics = []
        for m, mc in enumerate(full.metrics):
            if mask[m]:
                before = shown["estimates"][mc.metric][0]
                metrics.append(
                    MetricChange(mc.metric, mc.name, before, float(after_est[m]), False, [])
                )
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
            metrics.append(MetricChange(mc.metric, mc.name, mc.before, mc.after, True, sources))
        return TurnReport(
            turn=full.turn,
            date=full.date,
            viewer=vid,
            moves=move_reports,
            metrics=metrics,
            events=full.events,
            injects=full.injects,
            stage_before=full.stage_before,
            stage_after=full.stage_after,
            stage_before_name=full.stage_before_name,
            stage_after_name=full.stage_after_name,
            outcome=full.outcome,
            outcome_name=full.outcome_name,
            headlines=[n for n in full.headlines if n.visible_to in (None, vid)],
        )

    # --- the log ---------------------------------------------------------------------------------

    @property
    def log(self) -> dict[str, Any]:
        """The whole game as plain data (what a save contains)."""
        c = self.c
        meta = self.scenario.meta
        return {
            "format_version": FORMAT_VERSION,
            "game_version": __version__,
            "scenario": {
                "id": meta.id,
                "title": meta.title,
                "version": meta.version,
                "sha256": self.loaded.sha256,
                "path": str(Path(self.loaded.path).resolve()),
            },
            "seed": self.seed,
            "seats": {a: self.seats[a].to_dict() for a in c.actor_ids},
            "ai": self.ai_settings.to_dict(),
            "created": self.created,
            **self._classroom_log(),
            "turns": [dict(t) for t in self._turns_log],
            "current": {
                "turn": self.current_turn,
                "actions": list(self._actions),
                "commits": {c.actor_ids[a]: c.option_ids[a][o] for a, o in self._commits.items()},
                "paused": self.paused,
                **({"forecasts": list(self._forecasts)} if self._forecasts else {}),
            },
            "summary": {
                "turn": self.turn,
                "date": self.date.isoformat(),
                "stage": self.stage,
                "over": self.over,
                "outcome": self.outcome,
            },
        }

    def _classroom_log(self) -> dict[str, Any]:
        """``teams`` and ``settings`` (class code, timer, PIN hash) of a classroom game."""
        if not self.teams:
            return {}
        settings: dict[str, Any] = {"class_code": self.class_code, "timer": self.timer_setting}
        if self._pin is not None:
            settings["pin"] = dict(self._pin)
        return {"teams": [t.to_dict() for t in self.teams], "settings": settings}

    def _autosave(self) -> None:
        if self.autosave_path is None:
            return
        from game.engine.saves import SaveError, prune_autosaves, save_game

        try:
            save_game(self, self.autosave_path)
            prune_autosaves(self.autosave_path.parent)
            self.autosave_error = None
        except SaveError as e:  # a full disk must not end the game
            self.autosave_error = f"autosave failed: {e}"
        except (OSError, ValueError) as e:
            self.autosave_error = f"autosave to {self.autosave_path} failed: {e}"

    def __repr__(self) -> str:
        seats = ", ".join(f"{a}={s.label}" for a, s in self.seats.items())
        state = f"over: {self.outcome}" if self.over else f"turn {self.current_turn}"
        return f"<Session {self.scenario.meta.id} seed={self.seed} {seats} {state}>"
