"""A saved game as the report reads it: the checked log, the re-played session, and
the true state at each decision.

Everything comes through the engine (``game.engine.saves``): the file is checked
and re-played exactly as ``brink replay`` does, so a bad file gives the engine's
``SaveError``. The classroom fields (teams, student forecasts, console actions,
settings) are read from the log when it has them; each reader says what it
expects, and the report says "not recorded" when they are absent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from game.engine.actions import CONSOLE_KINDS
from game.engine.saves import (
    PinArg,
    SaveError,
    comparable,
    find_scenario,
    first_difference,
    read_save,
    replay_checked,
)
from game.engine.session import Session
from game.i18n import _, language
from game.model import State
from game.scenario import Loaded

# the teacher's console can also end the game before a turn resolves
END_KINDS = {"end_game"}


@dataclass(frozen=True)
class Team:
    name: str
    actor: str


@dataclass(frozen=True)
class StudentForecast:
    turn: int
    team: str
    actor: str
    within: int
    probs: dict[str, float]


@dataclass
class GameLog:
    """One saved game, re-played."""

    path: Path
    log: dict[str, Any]
    loaded: Loaded
    session: Session
    states: list[State]  # the true state at each decision: states[T - 1] for turn T
    x_start: NDArray[np.float64]  # true metrics when the game began (before any inject)
    teams: list[Team] = field(default_factory=list)
    forecasts: list[StudentForecast] = field(default_factory=list)
    skipped_forecasts: int = 0
    console: list[dict[str, Any]] = field(default_factory=list)  # with "turn"
    label: str = ""

    @property
    def turns(self) -> list[dict[str, Any]]:
        return self.log["turns"]

    @property
    def n_turns(self) -> int:
        return len(self.log["turns"])

    @property
    def seed(self) -> int:
        return int(self.log["seed"])

    @property
    def ended_turn(self) -> int | None:
        """The turn in which the game reached its outcome (None while running)."""
        for t in self.log["turns"]:
            if t["result"].get("outcome"):
                return int(t["turn"])
        cur = self.log.get("current", {})
        if isinstance(cur, Mapping) and isinstance(cur.get("turn"), int):
            for a in cur.get("actions", []):
                if isinstance(a, Mapping) and a.get("kind") in END_KINDS:
                    return int(cur["turn"])
        return None

    @property
    def ended_by_teacher(self) -> tuple[int, str] | None:
        """(turn, outcome id) when the teacher's console ended the game before that turn
        resolved (an ``end_game`` action), else None."""
        cur = self.log.get("current", {})
        if not isinstance(cur, Mapping) or not isinstance(cur.get("turn"), int):
            return None
        for a in cur.get("actions", []):
            if isinstance(a, Mapping) and a.get("kind") in END_KINDS:
                return int(cur["turn"]), str(a.get("outcome") or self.session.outcome or "")
        return None

    def move(self, turn: int, actor: str) -> str:
        return self.log["turns"][turn - 1]["moves"][actor]

    def available(self, turn: int, actor: str) -> list[str]:
        """Options the actor could choose at ``turn`` (as the log recorded them)."""
        shown = self.log["turns"][turn - 1].get("shown", {}).get(actor, {})
        opts = shown.get("options")
        if isinstance(opts, list) and opts:
            return [o for o, ok in opts if ok]
        return list(self.session.c.option_ids[self.session.c.actor_index(actor)])

    def decided_by(self, turn: int, actor: str) -> str:
        """Who chose ``actor``'s move at ``turn``: a team name, or the seat's label.

        Reads ``turns[i].by = {actor: team}`` when the log has it (several teams
        taking turns on one actor), else the seat.
        """
        by = self.log["turns"][turn - 1].get("by")
        if isinstance(by, Mapping) and isinstance(by.get(actor), str):
            return by[actor]
        seat = self.session.seats[actor]
        if seat.kind == "team" and seat.name:
            return seat.name
        return seat.label

    @property
    def human_actors(self) -> list[str]:
        """Actors played by people (human or team seats, or named by a team)."""
        c = self.session.c
        out = [a for a in c.actor_ids if self.session.seats[a].waits]
        for t in self.teams:
            if t.actor in c.actor_ids and t.actor not in out:
                out.append(t.actor)
        return [a for a in c.actor_ids if a in out]

    def settings(self) -> dict[str, Any]:
        """Classroom settings recorded in the log (``settings``, ``class_code``, ``timer``)."""
        out: dict[str, Any] = {}
        s = self.log.get("settings")
        if isinstance(s, Mapping):
            out.update({str(k): v for k, v in s.items()})
        for key in ("class_code", "timer"):
            if key in self.log:
                out[key] = self.log[key]
        return out


# --- reading ------------------------------------------------------------------------------------


def load(path: str | Path, scenario: Loaded | None = None, pin: PinArg = None) -> GameLog:
    """Read, check and re-play a save; ``SaveError`` with the engine's message otherwise.
    A sealed class-game save needs the teacher's ``pin``."""
    path = Path(path)
    log = read_save(path, pin)
    # the scenario's text in the language in use: the rules, and so the re-play, are the same
    loaded = find_scenario(path, log, scenario).in_language(language())
    s = replay_checked(path, log, loaded)
    diff = first_difference(comparable(log), comparable(s.log), extra_in_save=True)
    if diff is not None:
        raise SaveError(
            path,
            _(
                "the save does not re-play to the game it recorded (first difference: {diff}); "
                "it is corrupted or from an incompatible version",
                diff=diff,
            ),
        )
    states = []
    for k, entry in enumerate(log["turns"]):
        part = dict(log)
        part["turns"] = log["turns"][:k]
        part["current"] = {"turn": k + 1, "actions": entry["actions"], "commits": {}}
        states.append(replay_checked(path, part, loaded).state.copy())
    if s.history:
        x_start = np.array([m.before for m in s.history[0].metrics])
    else:
        x_start = s.state.x[0].copy()
    g = GameLog(path=path, log=log, loaded=loaded, session=s, states=states, x_start=x_start)
    g.teams = read_teams(log, s)
    g.forecasts, g.skipped_forecasts = read_forecasts(log, s)
    g.console = read_console(log)
    for f in g.forecasts:
        if not any(t.name == f.team for t in g.teams):
            g.teams.append(Team(f.team, f.actor))
    return g


def read_teams(log: Mapping[str, Any], s: Session) -> list[Team]:
    """Teams: ``log.teams = [{"name", "actor"}]`` when present, then team seats."""
    out: list[Team] = []
    raw = log.get("teams")
    if isinstance(raw, list):
        for t in raw:
            if not isinstance(t, Mapping):
                continue
            name = t.get("name", t.get("team"))
            actor = t.get("actor")
            if isinstance(name, str) and isinstance(actor, str) and actor in s.c.actor_ids:
                out.append(Team(name, actor))
    for aid, seat in s.seats.items():
        if seat.kind == "team" and seat.name and not any(t.name == seat.name for t in out):
            out.append(Team(seat.name, aid))
    return out


def read_forecasts(log: Mapping[str, Any], s: Session) -> tuple[list[StudentForecast], int]:
    """Student forecasts from ``log.forecasts`` and ``turns[i].forecasts`` (and
    ``current.forecasts``): ``{"turn", "team", "actor", "within", "probs"}``; the
    turn defaults to the entry's. Returns (forecasts, number that could not be read)."""
    c = s.c
    found: list[tuple[Any, int | None]] = []
    if isinstance(log.get("forecasts"), list):
        found += [(f, None) for f in log["forecasts"]]
    for t in log["turns"]:
        if isinstance(t.get("forecasts"), list):
            found += [(f, t["turn"]) for f in t["forecasts"]]
    cur = log.get("current", {})
    if isinstance(cur, Mapping) and isinstance(cur.get("forecasts"), list):
        found += [(f, cur.get("turn")) for f in cur["forecasts"]]
    out: list[StudentForecast] = []
    seen: set[tuple] = set()
    bad = 0
    for raw, turn in found:
        try:
            f = _forecast(raw, turn, c.actor_ids, c.outcome_ids)
        except (ValueError, TypeError, KeyError):
            bad += 1
            continue
        key = (f.turn, f.team, f.actor, f.within, tuple(sorted(f.probs.items())))
        if key not in seen:
            seen.add(key)
            out.append(f)
    out.sort(key=lambda f: (f.turn, f.team, f.actor))
    return out, bad


def _forecast(
    raw: Any, turn: int | None, actors: list[str], outcomes: list[str]
) -> StudentForecast:
    if not isinstance(raw, Mapping):
        raise TypeError("not a mapping")
    t = raw.get("turn", turn)
    if isinstance(t, bool) or not isinstance(t, int) or t < 1:
        raise ValueError("turn")
    actor = raw.get("actor")
    if actor not in actors:
        raise ValueError("actor")
    team = raw.get("team") or actor
    within = raw.get("within", 4)
    if isinstance(within, bool) or not isinstance(within, int) or within < 1:
        raise ValueError("within")
    probs = raw.get("probs")
    if not isinstance(probs, Mapping) or not probs:
        raise ValueError("probs")
    clean = {}
    for k, v in probs.items():
        if k not in outcomes and k != "none":
            raise ValueError(f"unknown outcome {k}")
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
            raise ValueError("probability")
        clean[str(k)] = float(v)
    return StudentForecast(int(t), str(team), str(actor), int(within), clean)


def read_console(log: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The teacher's console actions: every turn action that is not a scheduled inject or
    advice, plus ``log.console = [{"turn", "kind", ...}]`` if the engine keeps them there."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    entries = [(t["turn"], t["actions"]) for t in log["turns"]]
    cur = log.get("current", {})
    if isinstance(cur, Mapping) and isinstance(cur.get("actions"), list):
        entries.append((cur.get("turn"), cur["actions"]))
    if isinstance(log.get("console"), list):
        entries.append((None, log["console"]))
    for turn, actions in entries:
        for a in actions:
            if not isinstance(a, Mapping) or a.get("kind") not in CONSOLE_KINDS:
                continue
            item = dict(a)
            item.setdefault("turn", turn)
            key = repr(sorted(item.items(), key=lambda kv: kv[0]))
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out


def date_of(loaded: Loaded, turn: int) -> dt.date:
    m = loaded.scenario.meta
    return m.start_date + dt.timedelta(days=m.turn_days * (turn - 1))
