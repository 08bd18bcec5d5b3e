"""The classroom side of a game: teams and whose go it is, the console PIN, the turn
timer, locked choices, student forecasts and the class code.

A ``Classroom`` belongs to one ``Session`` (``s.classroom``); it is false when the game
has no teams. Everything a class does that changes the game goes into the log.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from game.engine import classcode
from game.engine.ai import AISettings
from game.engine.errors import EngineError
from game.engine.seats import Team
from game.i18n import _, format_number
from game.model import available
from game.model.compiled import unavailable_reason
from game.scenario import Loaded, load_scenario

if TYPE_CHECKING:
    from game.engine.session import Session

TIMER_MAX = 3600  # seconds per team
PIN_ITERATIONS = 60_000
PIN_MIN_DIGITS = 4

TeamsArg = Mapping[str, Sequence[str]] | Sequence[Team | tuple[str, str]] | None


def team_list(teams: TeamsArg) -> list[Team]:
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


def check_lesson_turns(turns: object, turn_limit: int) -> int:
    """A lesson length: 0 (off) or 1 to the scenario's turn limit."""
    if isinstance(turns, bool) or not isinstance(turns, int) or not 0 <= turns <= turn_limit:
        raise ValueError(
            f"the lesson length is a whole number of turns, 0 (off) to {turn_limit}: {turns!r}"
        )
    return turns


def check_timer(seconds: object) -> int:
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


def pin_matches(rec: Mapping[str, Any] | None, pin: str) -> bool:
    """True if ``pin`` is the PIN of record ``rec`` (no record: always False)."""
    if rec is None:
        return False
    try:
        salt = bytes.fromhex(rec["salt"])
    except ValueError:
        return False
    got = hashlib.pbkdf2_hmac("sha256", str(pin).encode(), salt, rec["iterations"]).hex()
    return hmac.compare_digest(got, rec["pbkdf2_sha256"])


def check_pin_record(rec: object) -> dict[str, Any] | None:
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
    assert isinstance(rec, Mapping)
    return dict(rec)


def scenario_for_code(cc: classcode.ClassCode, scenario: Loaded | str | Path | None) -> Loaded:
    """The scenario a class code names: the one given, or a shipped one with its fingerprint."""
    if scenario is not None:
        loaded = scenario if isinstance(scenario, Loaded) else load_scenario(scenario)
        if not cc.matches(loaded.sha256):
            raise classcode.ClassCodeError(
                _(
                    "this class code is for another version of the scenario than {path} "
                    "(every machine needs the same scenario file)",
                    path=loaded.path,
                )
            )
        return loaded
    from game.scenario.paths import scenario_files

    for path in scenario_files():
        try:
            sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            continue
        if cc.matches(sha):
            return load_scenario(path)
    raise classcode.ClassCodeError(
        _(
            "no scenario on this machine matches the class code ({prefix}): every machine "
            "needs the same scenario file, unchanged",
            prefix=cc.prefix,
        )
    )


def roster_for_code(cc: classcode.ClassCode, loaded: Loaded, teams: TeamsArg) -> list[Team]:
    """The teams of a duplicate-mode game: the group's own, or one per side the code names."""
    if classcode.prefix_for(loaded.scenario.meta.id) != cc.prefix:
        raise classcode.ClassCodeError(
            _(
                "this class code starts with {prefix}, but its scenario here is {id!r} ({own})",
                prefix=cc.prefix,
                id=loaded.scenario.meta.id,
                own=classcode.prefix_for(loaded.scenario.meta.id),
            )
        )
    actors = loaded.scenario.actors
    if any(a >= len(actors) for a in cc.people) or not cc.people:
        raise classcode.ClassCodeError(_("this class code names no team for this scenario"))
    people = [actors[a].id for a in cc.people]
    roster = team_list(teams)
    if not roster:
        roster = [
            Team(f"Team {actors[a].short_name or actors[a].name}", actors[a].id) for a in cc.people
        ]
    if {t.actor for t in roster} != set(people):
        names = {a.id: a.name for a in actors}
        raise classcode.ClassCodeError(
            _(
                "this class code has teams play {sides}; give teams to exactly those sides",
                sides=", ".join(names[a] for a in people),
            )
        )
    return roster


class Classroom:
    """Teams, PIN, timer, locks and forecasts of one session (false: no teams)."""

    def __init__(
        self, s: Session, teams: Sequence[Team], settings: Mapping[str, Any] | None
    ) -> None:
        self._s = s
        self.teams: list[Team] = self._check_teams(teams)
        settings = dict(settings or {})
        extra = set(settings) - {"class_code", "timer", "pin", "lesson_turns", "blind_forecasts"}
        if extra:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(extra))}")
        self.timer_setting = check_timer(settings.get("timer", 0))
        self.timer = self.timer_setting  # seconds per team now (the console may change it)
        self.pin: dict[str, Any] | None = check_pin_record(settings.get("pin"))
        # turns the lesson lasts (0: the scenario's own limit); "time's up" ends it after that
        self.lesson_turns = check_lesson_turns(
            settings.get("lesson_turns", 0), s.scenario.meta.turn_limit
        )
        self.lesson_turns_setting = self.lesson_turns  # as set up (the console may change it)
        # blind forecasting: a team sees no model odds or advisors' figures this turn until
        # its forecast is in (the screens keep to it; the log records the setting)
        blind = settings.get("blind_forecasts", False)
        if not isinstance(blind, bool):
            raise ValueError(f"blind_forecasts is true or false, got {blind!r}")
        self.blind_forecasts = blind
        self.locks: set[int] = set()  # actor indices whose choice is locked this turn
        self.pending: list[dict[str, Any]] = []  # this turn's forecasts
        self._timer_turn: dict[str, dict[str, Any]] = {}

    def __bool__(self) -> bool:
        """True for a hot-seat game with teams."""
        return bool(self.teams)

    def _check_teams(self, teams: Sequence[Team]) -> list[Team]:
        s = self._s
        out: list[Team] = []
        names: set[str] = set()
        for t in teams:
            if not isinstance(t, Team):
                raise ValueError(f"a team must be a Team, got {t!r}")
            if t.actor not in s.c.actor_ids:
                raise ValueError(
                    f"team {t.name!r}: unknown actor {t.actor!r} "
                    f"(known: {', '.join(s.c.actor_ids)})"
                )
            if t.name.casefold() in names:
                raise ValueError(f"two teams are called {t.name!r}")
            if not s.seats[t.actor].waits:
                raise ValueError(
                    f"team {t.name!r} plays {t.actor}, whose seat is {s.seats[t.actor].label}"
                )
            names.add(t.name.casefold())
            out.append(t)
        return out

    def new_turn(self) -> None:
        """A turn resolved: locks, forecasts and this turn's timer changes are over."""
        self.locks = set()
        self.pending = []
        self._timer_turn = {}

    def _record(self, kind: str, **fields: Any) -> int:
        """Log an action of this turn; returns its inject-stream index (``actions.py``)."""
        return self._s.turn_log.record(kind, self._s.current_turn, **fields)

    # --- teams and whose go it is ----------------------------------------------------------------

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
        t = self._s.current_turn if turn is None else int(turn)
        return ts[(t - 1) % len(ts)].name

    def goes(self) -> list[tuple[str, str]]:
        """(team, actor) at the keyboard this turn, in actor order (hot seat)."""
        out = []
        for aid in self._s.c.actor_ids:
            team = self.team_for(aid)
            if team is not None:
                out.append((team, aid))
        return out

    # --- PIN and class code ----------------------------------------------------------------------

    @property
    def has_pin(self) -> bool:
        return self.pin is not None

    def check_pin(self, pin: str) -> bool:
        """True if ``pin`` is the console PIN set at the start (no PIN set: always False)."""
        return pin_matches(self.pin, pin)

    @property
    def class_code(self) -> str | None:
        """The duplicate-mode code of this game (None if its settings cannot be put in one,
        e.g. custom AI settings other than the difficulty)."""
        s = self._s
        if s.ai_settings != AISettings(temperature_scale=s.ai_settings.temperature_scale):
            return None
        people = [a for a, aid in enumerate(s.c.actor_ids) if s.seats[aid].waits]
        try:
            return classcode.make(
                s.scenario.meta.id,
                s.loaded.sha256,
                s.seed,
                self.timer_setting,
                s.ai_settings.temperature_scale,
                people,
            ).text
        except classcode.ClassCodeError:
            return None

    def to_log(self) -> dict[str, Any]:
        """``teams`` and ``settings`` (class code, timer, PIN hash) of a classroom game."""
        if not self.teams:
            if self.lesson_turns_setting:  # a lesson length needs no teams
                return {"settings": {"lesson_turns": self.lesson_turns_setting}}
            return {}
        settings: dict[str, Any] = {"class_code": self.class_code, "timer": self.timer_setting}
        if self.pin is not None:
            settings["pin"] = dict(self.pin)
        if self.lesson_turns_setting:
            settings["lesson_turns"] = self.lesson_turns_setting
        if self.blind_forecasts:
            settings["blind_forecasts"] = True
        return {"teams": [t.to_dict() for t in self.teams], "settings": settings}

    # --- locks -----------------------------------------------------------------------------------

    def locked(self, actor: str) -> bool:
        return self._s.actor_index(actor) in self.locks

    def _lockable(self, actor: str) -> int:
        s = self._s
        a = s.actor_index(actor)
        if not s.seats[actor].waits:
            raise ValueError(
                _("{actor} is played by the computer: there is no choice to lock", actor=actor)
            )
        if a in self.locks:
            raise EngineError(_("{actor}'s choice is already locked this turn", actor=actor))
        return a

    def hold_or_first(self, a: int) -> int:
        """Hold course if it is available to actor ``a``, else its first available option."""
        s = self._s
        ok = available(s.c, s.state)[0, a]
        hold = int(s.c.hold[a])
        if ok[hold]:
            return hold
        avail = np.flatnonzero(ok)
        if not avail.size:
            raise EngineError(_("{actor} has no option available", actor=s.c.actor_ids[a]))
        return int(avail[0])

    def lock(self, actor: str, option: str | None = None) -> None:
        """Lock a side's choice for this turn: ``option``, else what it has committed, else
        hold course. It cannot be changed until the turn resolves."""
        s = self._s
        s.check_running()
        a = self._lockable(actor)
        if option is None:
            o = s.commits.get(a)
            if o is None:
                o = self.hold_or_first(a)
        else:
            o = s.option_index(a, option)
            if not available(s.c, s.state)[0, a, o]:
                raise ValueError(
                    _(
                        "option {option!r} is not available to {actor}: {reason}",
                        option=option,
                        actor=actor,
                        reason=unavailable_reason(s.c, s.state, a, o),
                    )
                )
        s.commits[a] = o
        self.locks.add(a)
        self._record("lock", actor=actor, team=self.team_for(actor), option=s.c.option_ids[a][o])

    def timer_expired(self, actor: str) -> str:
        """The turn timer ran out for ``actor``'s team: hold course is committed and locked
        (the front end keeps the time; this records it). Returns the option committed."""
        s = self._s
        s.check_running()
        if not s.seats[s.c.actor_ids[s.actor_index(actor)]].waits:
            raise ValueError(f"{actor} is played by the computer: it has no timer")
        a = self._lockable(actor)
        o = self.hold_or_first(a)
        s.commits[a] = o
        self.locks.add(a)
        oid = s.c.option_ids[a][o]
        self._record("timer_expired", actor=actor, team=self.team_for(actor), option=oid)
        return oid

    # --- the turn timer --------------------------------------------------------------------------

    def set_timer(self, seconds: int) -> None:
        """Seconds per team from now on (0: off); the team at the keyboard starts again."""
        self._s.check_running()
        seconds = check_timer(seconds)
        self._record("set_timer", seconds=seconds)
        self.timer = seconds
        self._timer_turn.clear()

    def _timer_act(self, kind: str, actor: str | None, **fields: Any) -> dict[str, Any]:
        s = self._s
        if actor is not None:
            s.actor_index(actor)
            fields |= {"actor": actor, "team": self.team_for(actor)}
        self._record(kind, **fields)
        return self._timer_turn.setdefault(actor or "*", {"extra": 0, "stopped": False})

    def extend_timer(self, seconds: int, actor: str | None = None) -> None:
        """More time this turn for ``actor``'s team (None: every team)."""
        self._s.check_running()
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 < seconds <= 3600:
            raise ValueError(f"extend the timer by 1-3600 seconds, got {seconds!r}")
        self._timer_act("extend_timer", actor, seconds=seconds)["extra"] += seconds

    def stop_timer(self, actor: str | None = None) -> None:
        """No countdown this turn for ``actor``'s team (None: for every team)."""
        self._s.check_running()
        self._timer_act("stop_timer", actor)["stopped"] = True

    def timer_for(self, actor: str) -> int | None:
        """Seconds ``actor``'s team has this turn (None: no countdown)."""
        if not self.timer:
            return None
        mine = self._timer_turn.get(actor, {})
        every = self._timer_turn.get("*", {})
        if mine.get("stopped") or every.get("stopped"):
            return None
        return self.timer + int(mine.get("extra", 0)) + int(every.get("extra", 0))

    # --- student forecasts -----------------------------------------------------------------------

    @property
    def forecast_within(self) -> int:
        """The window (turns) students forecast over: the advisors' "next few turns"."""
        return int(self._s.ai_settings.advice_horizon)

    def forecast_outcomes(self) -> list[str]:
        """The scenario's main outcomes, the ones a forecast names (the outcome reached only
        at the turn limit is left to "none of these within the window")."""
        return [o.id for o in self._s.scenario.outcomes if not o.at_turn_limit]

    def forecast_in(self, team: str) -> bool:
        """Whether ``team`` has given its forecast this turn (blind forecasting shows the
        odds only after it)."""
        return any(f.get("team") == team for f in self.pending)

    def submit_forecast(
        self, team: str, probs: Mapping[str, float], within: int | None = None
    ) -> dict[str, Any]:
        """A team's forecast before it commits: the probability of each named outcome
        within the next ``within`` turns (this one included). Each in [0, 1], together at
        most 1; the rest is "none of these within the window". A team's new forecast in
        the same turn replaces its earlier one. Returns the logged entry."""
        s = self._s
        s.check_running()  # an ending or time's up: no turn is left to forecast
        t = self.team(team)
        within = self.forecast_within if within is None else within
        if isinstance(within, bool) or not isinstance(within, int) or not 1 <= within <= 100:
            raise ValueError(_("a forecast window is 1-100 turns, got {within!r}", within=within))
        if not isinstance(probs, Mapping) or not probs:
            raise ValueError(_("a forecast needs the probability of at least one outcome"))
        clean: dict[str, float] = {}
        for oid in s.c.outcome_ids:  # scenario order
            if oid not in probs:
                continue
            v = probs[oid]
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ValueError(
                    _("the probability of {id!r} must be a number, got {value!r}", id=oid, value=v)
                )
            if not 0.0 <= float(v) <= 1.0:
                raise ValueError(
                    _("the probability of {id!r} must be in [0, 1], got {value!r}", id=oid, value=v)
                )
            clean[oid] = float(v)
        unknown = [k for k in probs if k not in clean]
        if unknown:
            raise ValueError(
                f"unknown outcome(s) {', '.join(map(str, unknown))} "
                f"(known: {', '.join(s.c.outcome_ids)})"
            )
        total = sum(clean.values())
        if total > 1.0 + 1e-9:
            raise ValueError(
                _(
                    "the probabilities add up to {total}: at most 1 (the rest is "
                    "'none of these within the window')",
                    total=format_number(total, 2),
                )
            )
        a = s.actor_index(t.actor)
        if self.team_for(t.actor) == t.name and a in s.commits:
            raise EngineError(
                _("team {team} has already committed: forecast before committing", team=t.name)
            )
        entry = {
            "turn": s.current_turn,
            "team": t.name,
            "actor": t.actor,
            "within": within,
            "probs": clean,
        }
        self.pending = [f for f in self.pending if f["team"] != t.name] + [entry]
        return dict(entry)

    def forecasts(self) -> list[dict[str, Any]]:
        """Every forecast so far (resolved turns, then this one)."""
        out = [f for t in self._s.turn_log.turns for f in t.get("forecasts", [])]
        return [dict(f) for f in out + self.pending]

    def turn_entry(self, turn: int) -> dict[str, Any]:
        """What the log keeps of the class for a resolved turn: who played, what they forecast."""
        out: dict[str, Any] = {}
        if self.teams:
            out["by"] = {
                aid: self.team_for(aid, turn) for aid in self._s.c.actor_ids if self.teams_of(aid)
            }
        if self.pending:
            out["forecasts"] = list(self.pending)
        return out
