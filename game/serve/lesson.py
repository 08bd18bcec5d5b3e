"""A lesson on the classroom server: one or more groups (duplicate mode), each a
``Session`` of the shared engine, with the room's own state around them — which device
belongs to which team, votes, the turn clock and the teacher's lesson settings.

Everything here is synchronous and guarded by one lock; the web layer (``app.py``)
calls it from worker threads. What a page may show is built here too, from the
engine's fogged views (``Session.view``), so a team's context never holds a value its
side cannot see; only ``teacher_context`` reads the true world.

Files (one directory per lesson): ``lesson.json`` (settings, hashed device tokens,
this turn's votes and clocks) and ``group-N.json``, each an engine save (the log, the
source of truth) written atomically after every change. A restarted server re-plays
the saves and carries on.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.engine import EngineError, Session, load_game, save_game, seal
from game.engine.classroom import check_lesson_turns
from game.engine.saves import write_atomic
from game.i18n import N_, _, format_date, format_number, format_percent, language
from game.scenario import Loaded, load_scenario
from game.words import category_label

LESSON_FILE = "lesson.json"
MODES = ("turns", "vote")  # several teams on one side: take turns, or vote
MAX_GROUPS = 12
MAX_TEAMS_PER_SIDE = 6
ODDS_WORLDS = 300  # worlds behind the odds shown on a team's page (±3 points at most)


class ServeError(Exception):
    """A request the lesson refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _pct(p: float) -> str:
    v = 100.0 * p
    if 0 < v < 1:
        return "<" + format_percent(0.01)
    return format_percent(round(v) / 100.0)


def _option_name(s: Session, actor: str, option: str | None) -> str | None:
    """An option's name (the pages show names; ids are data), None for none."""
    if option is None:
        return None
    return next((o.name for o in s.options(actor) if o.id == option), option)


def _visibility(value: str) -> str:
    """A metric's visibility, as the teacher's dashboard words it."""
    words = {
        "public": N_("public"),
        "private": N_("private"),
        "hidden": N_("hidden"),
        "actors": N_("some sides"),
    }
    return _(words[value]) if value in words else value.replace("_", " ")


@dataclass
class Group:
    """One group's game and its clocks."""

    index: int  # 1-based
    session: Session
    path: Path
    votes: dict[str, str] = field(default_factory=dict)  # team -> option id (vote mode)
    deadlines: dict[str, float] = field(default_factory=dict)  # actor -> epoch seconds
    left_when_paused: dict[str, float] = field(default_factory=dict)
    # every change to this group's game happens under its own lock, so one group's
    # slow work (advisors, odds) never holds up another group's moves
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    version: int = 0  # bumped by every change: its pages re-render
    world: int = 0  # bumped when the true world changes: advice and odds are stale
    heavy: dict[str, tuple[int, list[Any], dict[str, list[float]]]] = field(
        default_factory=dict, repr=False
    )

    @property
    def label(self) -> str:
        return _("Group {n}", n=self.index)


@dataclass
class Settings:
    mode: str = "turns"
    blind: bool = False  # the model's odds stay hidden until the team has forecast
    length: int | None = None  # end after this many turns ("time's up")


class Lesson:
    """The lesson the server runs (create with ``Lesson.create`` or ``Lesson.resume``)."""

    def __init__(
        self,
        directory: Path,
        loaded: Loaded,
        groups: list[Group],
        settings: Settings,
        lesson_id: str,
        tokens: dict[str, dict[str, Any]] | None = None,
        ended: bool = False,
        join_code: str | None = None,
    ) -> None:
        self.directory = directory
        self.loaded = loaded
        self.groups = groups
        self.settings = settings
        self.lesson_id = lesson_id
        self.tokens: dict[str, dict[str, Any]] = tokens or {}
        self.ended = ended
        # what students type to join: random, not the class code (which carries the seed,
        # and with it the hidden values)
        self.join_code = join_code or new_join_code()
        # bumped by every change; it starts from the clock so that it only grows across a
        # restart (a page compares it with what it last showed)
        self.version = int(time.time() * 1000)
        self.lock = threading.RLock()  # tokens, settings and lesson.json (after a group's)
        self._meta_written = ""
        self._report: tuple[Any, str] | None = None

    # --- construction and files --------------------------------------------------------------

    @classmethod
    def create(
        cls,
        scenario: str | Path | Loaded,
        directory: str | Path,
        *,
        groups: int = 1,
        teams_per_side: int = 1,
        pin: str,
        seed: int | None = None,
        timer: int = 0,
        mode: str = "turns",
        blind: bool = False,
        length: int | None = None,
    ) -> Lesson:
        """A new lesson: ``groups`` identical games (the same class code), each with
        ``teams_per_side`` teams on every playable side."""
        loaded = scenario if isinstance(scenario, Loaded) else load_scenario(scenario)
        loaded = loaded.in_language(language())  # the scenario's text for the pages
        if not 1 <= groups <= MAX_GROUPS:
            raise ValueError(_("groups: 1-{most}, got {groups}", most=MAX_GROUPS, groups=groups))
        if not 1 <= teams_per_side <= MAX_TEAMS_PER_SIDE:
            raise ValueError(
                _(
                    "teams per side: 1-{most}, got {teams}",
                    most=MAX_TEAMS_PER_SIDE,
                    teams=teams_per_side,
                )
            )
        if mode not in MODES:
            raise ValueError(
                _("mode: one of {modes}, got {mode!r}", modes=", ".join(MODES), mode=mode)
            )
        check_length(length, loaded.scenario.meta.turn_limit)
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        scn = loaded.scenario
        teams = {
            a.id: [
                f"{a.short_name or a.name}" + (f" {k}" if teams_per_side > 1 else "")
                for k in range(1, teams_per_side + 1)
            ]
            for a in scn.actors
            if a.playable
        }
        first = Session.new(loaded, seed=seed, autosave=False, teams=teams, timer=timer, pin=pin)
        sessions = [first]
        code = first.classroom.class_code
        for _k in range(1, groups):
            if code is None:  # settings a code cannot carry: the same seed, by hand
                sessions.append(
                    Session.new(
                        loaded, seed=first.seed, autosave=False, teams=teams, timer=timer, pin=pin
                    )
                )
            else:
                sessions.append(
                    Session.from_class_code(code, loaded, teams=teams, pin=pin, autosave=False)
                )
        if length:
            for s in sessions:
                s.console.set_lesson_length(length)
        gs = [Group(i + 1, s, d / f"group-{i + 1}.json") for i, s in enumerate(sessions)]
        lesson = cls(d, loaded, gs, Settings(mode, blind, length), secrets.token_hex(16))
        with lesson.lock:
            now = time.time()
            for g in gs:
                lesson._start_clocks(g, now)
                lesson._save_group(g)
            lesson._save_meta()
        return lesson

    @classmethod
    def resume(cls, directory: str | Path) -> Lesson:
        """The lesson saved in ``directory``, re-played from its group saves."""
        d = Path(directory)
        meta = json.loads((d / LESSON_FILE).read_text(encoding="utf-8"))
        gs = []
        for i, gm in enumerate(meta["groups"], start=1):
            path = d / f"group-{i}.json"
            s = load_game(path)
            gs.append(
                Group(
                    i,
                    s,
                    path,
                    votes=dict(gm.get("votes", {})),
                    deadlines={k: float(v) for k, v in gm.get("deadlines", {}).items()},
                    left_when_paused={
                        k: float(v) for k, v in gm.get("left_when_paused", {}).items()
                    },
                )
            )
        st = meta["settings"]
        loaded = gs[0].session.loaded
        return cls(
            d,
            loaded,
            gs,
            Settings(str(st["mode"]), bool(st["blind"]), st.get("length")),
            str(meta["lesson_id"]),
            tokens=dict(meta.get("tokens", {})),
            ended=bool(meta.get("ended", False)),
            join_code=str(meta["join_code"]),
        )

    @staticmethod
    def exists(directory: str | Path) -> bool:
        return (Path(directory) / LESSON_FILE).is_file()

    def _save_meta(self) -> None:
        meta = {
            "format": "brinkmanship-lesson",
            "version": 1,
            "lesson_id": self.lesson_id,
            "join_code": self.join_code,
            "scenario": self.loaded.scenario.meta.id,
            "settings": {
                "mode": self.settings.mode,
                "blind": self.settings.blind,
                "length": self.settings.length,
            },
            "ended": self.ended,
            "groups": [
                {
                    "votes": dict(g.votes),
                    "deadlines": dict(g.deadlines),
                    "left_when_paused": dict(g.left_when_paused),
                }
                for g in self.groups
            ],
            "tokens": dict(self.tokens),
        }
        data = json.dumps(meta, indent=1, sort_keys=True) + "\n"
        if data != self._meta_written:  # most moves change only the group's save
            write_atomic(self.directory / LESSON_FILE, data.encode("utf-8"))
            self._meta_written = data

    def _save_group(self, g: Group) -> None:
        # the log itself, unsealed: a served lesson lives on the teacher's machine, which
        # students never touch (their devices get only their own side's view)
        save_game(g.session.log, g.path)

    def _changed(self, *groups: Group) -> None:
        """Save what changed (lock order: a group's lock, then the lesson's)."""
        for g in groups:
            with g.lock:
                self._save_group(g)
                g.version += 1
        with self.lock:
            self._save_meta()
            self.version += 1

    # --- who is who ------------------------------------------------------------------------------

    @property
    def class_code(self) -> str:
        """The duplicate-mode class code (teacher only: it carries the game's seed)."""
        code = self.groups[0].session.classroom.class_code
        return code or self.lesson_id[:8].upper()

    def code_matches(self, typed: str) -> bool:
        """True if ``typed`` is this lesson's join code (case, spaces and hyphens aside)."""
        norm = "".join(ch for ch in str(typed).upper() if ch.isalnum())
        want = "".join(ch for ch in self.join_code if ch.isalnum())
        return bool(norm) and secrets.compare_digest(norm, want)

    def group(self, index: object) -> Group:
        try:
            i = int(str(index))
        except ValueError:
            raise ServeError(_("no group {group!r}", group=index)) from None
        if not 1 <= i <= len(self.groups):
            raise ServeError(
                _("no group {group} (groups 1-{last})", group=i, last=len(self.groups))
            )
        return self.groups[i - 1]

    def join(self, code: str, group: object, team: str) -> str:
        """A device joins a team; returns its device token (kept in a cookie)."""
        with self.lock:
            if not self.code_matches(code):
                raise ServeError(_("that is not this lesson's join code"), 403)
            g = self.group(group)
            try:
                t = g.session.classroom.team(str(team))
            except ValueError:
                raise ServeError(
                    _("no team {team!r} in {group}", team=team, group=g.label)
                ) from None
            token = secrets.token_urlsafe(32)
            self.tokens[_digest(token)] = {"group": g.index, "team": t.name}
            self._save_meta()
            return token

    def who(self, token: str | None) -> tuple[Group, str] | None:
        """The (group, team) a device token belongs to, or None."""
        if not token or len(token) > 100:
            return None
        rec = self.tokens.get(_digest(token))
        if rec is None or "team" not in rec:
            return None
        return self.groups[int(rec["group"]) - 1], str(rec["team"])

    def teacher_login(self, pin: str) -> str:
        """A teacher device: the PIN behind the persistent lockout; returns a token."""
        pin = str(pin)[:32]
        check = self.groups[0].session.classroom.check_pin
        try:
            seal.guard_pin(self.lesson_id, pin, check, directory=self.directory)
        except seal.SealError as e:
            raise ServeError(str(e), 429 if e.reason == "locked" else 403) from None
        with self.lock:
            token = secrets.token_urlsafe(32)
            self.tokens[_digest(token)] = {"teacher": True}
            self._save_meta()
            return token

    def is_teacher(self, token: str | None) -> bool:
        if not token or len(token) > 100:
            return False
        return bool(self.tokens.get(_digest(token), {}).get("teacher"))

    # --- the turn clock --------------------------------------------------------------------------

    def _start_clocks(self, g: Group, now: float) -> None:
        s = g.session
        g.deadlines = {}
        g.left_when_paused = {}
        if s.over or s.times_up:
            return
        for aid in s.waiting():
            limit = s.classroom.timer_for(aid)
            if limit is not None:
                if s.paused:
                    g.left_when_paused[aid] = float(limit)
                else:
                    g.deadlines[aid] = now + limit

    def tick(self, now: float | None = None) -> bool:
        """Run the clocks: a side whose time ran out holds course. True if anything changed."""
        now = time.time() if now is None else now
        changed = False
        for g in self.groups:
            with g.lock:
                s = g.session
                if s.paused or s.over or s.times_up:
                    continue
                late = [a for a, t in g.deadlines.items() if t <= now and a in s.waiting()]
                for aid in late:
                    s.classroom.timer_expired(aid)
                    g.deadlines.pop(aid, None)
                    changed = True
                if late:
                    self._maybe_resolve(g)
                    self._changed(g)
        return changed

    # --- a team's moves --------------------------------------------------------------------------

    def _team(self, g: Group, team: str) -> tuple[str, Session]:
        s = g.session
        try:
            actor = s.classroom.team(team).actor
        except ValueError:
            raise ServeError(
                _("no team {team!r} in {group}", team=team, group=g.label), 403
            ) from None
        return actor, s

    def _running(self, s: Session) -> None:
        if self.ended:
            raise ServeError(_("the lesson has ended"), 409)
        if s.over:
            raise ServeError(_("the game is over"), 409)
        if s.times_up:
            raise ServeError("time's up: the lesson has ended", 409)

    def forecast(self, g: Group, team: str, probs: Mapping[str, float]) -> None:
        with g.lock:
            actor, s = self._team(g, team)
            self._running(s)
            if s.committed(actor) is not None:
                raise ServeError(_("your side has already chosen: forecasts come before"), 409)
            try:
                s.classroom.submit_forecast(team, probs)
            except (ValueError, EngineError) as e:
                raise ServeError(str(e)) from None
            self._changed(g)

    def has_forecast(self, g: Group, team: str) -> bool:
        return any(f["team"] == team for f in g.session.classroom.pending)

    def commit(self, g: Group, team: str, option: str) -> str:
        """A team's choice (turns mode: the team whose go it is; vote mode: its vote).
        The same choice again changes nothing; another one after the side chose is refused."""
        with g.lock:
            actor, s = self._team(g, team)
            self._running(s)
            a = s.actor_index(actor)
            ids = s.c.option_ids[a]
            if not isinstance(option, str) or option not in ids:
                raise ServeError(_("unknown option {option!r}", option=str(option)[:40]))
            done = s.committed(actor)
            if done is not None:
                if done == option and (self.settings.mode == "turns" or g.votes.get(team)):
                    return "already chosen"  # a double submit counts once
                raise ServeError(
                    _("your side has already chosen this turn ({option})", option=done), 409
                )
            if self.settings.mode == "turns":
                whose = s.classroom.team_for(actor)
                if whose != team:
                    raise ServeError(_("{team} decides for your side this turn", team=whose), 403)
                self._commit(s, actor, option)
            else:
                if not next(o for o in s.options(actor) if o.id == option).available:
                    raise ServeError(_("option {option!r} is not available now", option=option))
                if g.votes.get(team) == option:
                    return "already voted"
                g.votes[team] = option
                voters = [t.name for t in s.classroom.teams_of(actor)]
                if all(v in g.votes for v in voters):
                    self._commit(s, actor, self._winner(g, voters, ids))
            self._maybe_resolve(g)
            self._changed(g)
            return "chosen"

    @staticmethod
    def _winner(g: Group, voters: list[str], ids: list[str]) -> str:
        """The most votes; a tie goes to the tied option voted first."""
        order = [g.votes[v] for v in voters]
        counts = {o: order.count(o) for o in order}
        best = max(counts.values())
        return next(o for o in order if counts[o] == best)

    def _commit(self, s: Session, actor: str, option: str) -> None:
        try:
            s.commit(actor, option)
        except (ValueError, EngineError) as e:
            raise ServeError(str(e), 409) from None

    def _maybe_resolve(self, g: Group) -> None:
        s = g.session
        if s.over or s.times_up or s.paused or s.waiting():
            return
        s.resolve()  # the engine calls time's up once the lesson's turns are played
        g.world += 1
        g.votes = {}
        self._start_clocks(g, time.time())

    # --- the teacher's controls ------------------------------------------------------------------

    def targets(self, which: object) -> list[Group]:
        """``all`` or a group number."""
        if str(which) in ("", "all"):
            return list(self.groups)
        return [self.group(which)]

    def control(self, action: str, which: object = "all", **args: Any) -> str:
        """One of the teacher's controls for one group or all; returns what was done."""
        if self.ended:
            raise ServeError(_("the lesson has ended"), 409)
        gs = self.targets(which)
        now = time.time()
        done = []
        for g in gs:
            with g.lock:
                s = g.session
                if s.over or s.times_up:
                    continue
                try:
                    done.append(self._control(g, action, now, **args))
                except (ValueError, EngineError) as e:
                    raise ServeError(f"{g.label}: {e}") from None
                finally:
                    self._changed(g)
        return done[0] if done else _("nothing to do: those games have ended")

    def _control(self, g: Group, action: str, now: float, **args: Any) -> str:
        s = g.session
        if action == "pause":
            s.console.pause()
            g.left_when_paused = {a: max(0.0, t - now) for a, t in g.deadlines.items()}
            g.deadlines = {}
            return "paused"
        if action == "resume":
            s.console.resume()
            g.deadlines = {a: now + left for a, left in g.left_when_paused.items()}
            g.left_when_paused = {}
            self._maybe_resolve(g)
            return "resumed"
        if action == "inject":
            s.console.add_inject(
                str(args.get("headline", ""))[:200], str(args.get("text", ""))[:1000]
            )
            return _("inject sent")
        if action == "set_metric":
            value = _number(args.get("value"))
            s.console.set_metric(str(args.get("metric", "")), value)
            g.world += 1
            return _("metric set")
        if action == "extend":
            secs = int(_number(args.get("seconds", 60)))
            s.classroom.extend_timer(secs)
            g.deadlines = {a: t + secs for a, t in g.deadlines.items()}
            g.left_when_paused = {a: t + secs for a, t in g.left_when_paused.items()}
            return _("timer extended")
        if action == "times_up":
            s.console.times_up()
            g.deadlines = {}
            return "time's up"
        raise ValueError(f"unknown control {action!r}")

    def set_length(self, turns: object) -> None:
        limit = self.loaded.scenario.meta.turn_limit
        if str(turns).strip() in ("", "0", "none"):
            length = None
        else:
            try:
                length = int(str(turns))
            except ValueError:
                raise ServeError(
                    _("the lesson length is a number of turns, got {turns!r}", turns=turns)
                ) from None
        try:
            check_length(length, limit)
        except ValueError as e:
            raise ServeError(str(e)) from None
        self.settings.length = length
        for g in self.groups:
            with g.lock:
                s = g.session
                if s.over or s.times_up:
                    continue
                # the engine's one rule: recorded in the log, time's up at once if past it
                s.console.set_lesson_length(length or 0)
                if s.times_up:
                    g.deadlines = {}
        self._changed(*self.groups)

    def set_option(self, name: str, value: str) -> None:
        if name == "blind":
            self.settings.blind = value in ("1", "on", "true", "yes")
        elif name == "mode":
            if value not in MODES:
                raise ServeError(_("mode: one of {modes}", modes=", ".join(MODES)))
            for g in self.groups:
                with g.lock:
                    g.votes = {}
            self.settings.mode = value
        else:
            raise ServeError(_("unknown setting {name!r}", name=name))
        self._changed(*self.groups)

    def end_lesson(self) -> None:
        """Time's up for every game still running; the lesson is over."""
        for g in self.groups:
            with g.lock:
                s = g.session
                if not (s.over or s.times_up):
                    s.console.times_up()
                g.deadlines = {}
        self.ended = True
        self._changed(*self.groups)

    def report_html(self, worlds: int = 1000) -> str:
        """The after-action report of every group (``game.report``), built once for each
        state of the games (a second click is instant)."""
        from game.report.report import build_report

        for g in self.groups:
            with g.lock:
                self._save_group(g)
        key = (tuple(g.version for g in self.groups), worlds)
        if self._report is None or self._report[0] != key:
            self._report = (key, build_report([g.path for g in self.groups], worlds=worlds).html)
        return self._report[1]

    # --- what the pages show ---------------------------------------------------------------------

    def _clock(self, g: Group, actor: str) -> dict[str, Any] | None:
        if actor in g.deadlines:
            return {"deadline": g.deadlines[actor], "paused": False}
        if actor in g.left_when_paused:
            return {"left": g.left_when_paused[actor], "paused": True}
        return None

    def _status(self, g: Group) -> str:
        s = g.session
        if s.over:
            return _("Over: {outcome}", outcome=s.outcome_name)
        if s.times_up:
            return _("Time's up")
        if s.paused:
            return _("Paused")
        return _("Running")

    def _common(self, g: Group, stage: int | None) -> dict[str, Any]:
        """What every page of a group shows; ``stage``: the ladder position this page may
        show (``Session.stage_seen``; None: hidden from its readers, never guessed)."""
        s = g.session
        scn = s.scenario
        return {
            "group": g.index,
            "label": g.label,
            "turn": s.current_turn,
            "resolved": s.turn,
            "turn_limit": s.turn_limit,
            "length": self.settings.length,
            "date": format_date(s.date, "medium"),
            "stage": "" if stage is None else scn.ladder[stage].id,
            "stage_name": _("Stage unknown") if stage is None else scn.ladder[stage].name,
            "ladder": [
                {"id": st.id, "name": st.name, "now": k == stage} for k, st in enumerate(scn.ladder)
            ],
            "status": self._status(g),
            "over": s.over,
            "times_up": s.times_up,
            "paused": s.paused,
            "outcome_name": s.outcome_name,
            "sides": [
                {
                    "actor": aid,
                    "name": s.actor_name(aid),
                    "chosen": s.committed(aid) is not None or not s.seats[aid].waits,
                    "computer": not s.seats[aid].waits,
                    "teams": [t.name for t in s.classroom.teams_of(aid)],
                    "whose_go": s.classroom.team_for(aid),
                    "clock": self._clock(g, aid),
                }
                for aid in s.actors
            ],
        }

    def board_context(self) -> dict[str, Any]:
        """Public information only: what the whole room may see."""
        out = []
        for g in self.groups:
            with g.lock:
                s = g.session
                ctx = self._common(g, s.stage_seen(None))
                ctx["news"] = [
                    {"turn": n.turn, "date": format_date(n.date, "medium"), "headline": n.headline}
                    for n in reversed(s.news_for(None)[-8:])
                ]
                for side in ctx["sides"]:
                    side["voted"] = sorted(t for t in g.votes if t in side["teams"])
            out.append(ctx)
        return {"groups": out, "title": self.loaded.scenario.meta.title, "ended": self.ended}

    def ready(self, g: Group, actor: str) -> bool:
        """True when the advisors' advice and the odds of ``actor``'s options are at hand."""
        return g.heavy.get(actor, (-1, [], {}))[0] == g.world

    def warm(self, g: Group, actor: str) -> None:
        """Ask the advisors and forecast every available option (the slow part of a team's
        page; kept until the world changes). The group's lock is held for one forecast at
        a time, so a team's move never waits for the whole of it."""
        with g.lock:
            s = g.session
            if self.ready(g, actor) or s.over or s.times_up:
                return
            world = g.world
            within = s.classroom.forecast_within
            todo = [o.id for o in s.options(actor) if o.available]
        odds: dict[str, list[float]] = {}
        for oid in todo:
            with g.lock:
                if g.world != world or s.over or s.times_up:
                    return  # the world moved on: the next push asks again
                fc = s.what_if(actor, oid, worlds=ODDS_WORLDS, horizon=within)
                odds[oid] = [float(p) for p in fc.p_by_turn[-1]]
        with g.lock:
            if g.world != world or s.over or s.times_up:
                return
            g.heavy[actor] = (world, list(s.advice(actor)), odds)

    def team_context(self, g: Group, team: str, quick: bool = False) -> dict[str, Any]:
        """A team's page: only what its side may see (the engine's fogged view).
        ``quick``: without the advice and odds when they are not at hand yet."""
        actor, s = self._team(g, team)
        v = s.view(actor)
        scn = s.scenario
        spec = scn.actors[s.actor_index(actor)]
        forecast_in = self.has_forecast(g, team)
        show_odds = (not self.settings.blind) or forecast_in
        running = not (s.over or s.times_up or self.ended)
        mine = s.committed(actor)
        within = s.classroom.forecast_within
        thinking = False
        odds: dict[str, list[dict[str, str]]] = {}
        advice = []
        if running and mine is None:
            if not self.ready(g, actor) and not quick:
                self.warm(g, actor)
            if self.ready(g, actor):
                _w, said, chances = g.heavy[actor]
                if show_odds:
                    odds = {
                        oid: [
                            {"name": oc.name, "p": _pct(row[q])}
                            for q, oc in enumerate(scn.outcomes)
                            if not oc.at_turn_limit and row[q] >= 0.005
                        ]
                        for oid, row in chances.items()
                    }
                advice = [
                    {
                        "name": a.name,
                        "title": a.title,
                        "option": a.option_name,
                        "reason": a.reason if show_odds else "",
                    }
                    for a in said
                ]
            else:
                thinking = True
        whose = s.classroom.team_for(actor)
        my_vote = g.votes.get(team)
        side_votes = {t.name: g.votes.get(t.name) for t in s.classroom.teams_of(actor)}
        can_choose = running and mine is None and (self.settings.mode == "vote" or whose == team)
        my_forecast = next((f["probs"] for f in s.classroom.pending if f["team"] == team), None)
        names = {oc.id: oc.name for oc in scn.outcomes}
        rep = v.last_report
        last = None
        if rep is not None:
            last = {
                "turn": rep.turn,
                "moves": [f"{m.actor_name}: {m.option_name}" for m in rep.moves.values()],
                "events": [e.headline for e in rep.events],
                "changes": [
                    {
                        "name": m.name,
                        "before": format_number(m.before, 0),
                        "after": format_number(m.after, 0),
                        "exact": m.exact,
                    }
                    for m in rep.metrics
                    if abs(m.after - m.before) >= 0.5
                ],
            }
        ctx = self._common(g, s.stage_seen(actor))
        ctx.update(
            team=team,
            actor=actor,
            actor_name=v.actor_name,
            mode=self.settings.mode,
            blind=self.settings.blind,
            running=running,
            chosen=mine,
            chosen_name=next((o.name for o in v.options if o.id == mine), None),
            # the played sides it waits for: scripted third parties move by their rules
            n_waiting=sum(1 for a in scn.actors if a.playable and a.id != actor),
            whose_go=whose,
            can_choose=can_choose,
            my_vote=my_vote,
            my_vote_name=next((o.name for o in v.options if o.id == my_vote), my_vote),
            side_votes=side_votes,
            forecast_in=forecast_in,
            show_odds=show_odds,
            thinking=thinking,
            within=within,
            forecast_outcomes=[
                {"id": oc.id, "name": oc.name}
                for oc in scn.outcomes
                if oc.id in s.classroom.forecast_outcomes()
            ],
            my_forecast=my_forecast,
            my_forecast_text=", ".join(
                f"{names.get(k, k)} {format_percent(float(p))}"
                for k, p in (my_forecast or {}).items()
            ),
            options=[
                {
                    "id": o.id,
                    "name": o.name,
                    "category": category_label(o.category),
                    "description": o.description,
                    "available": o.available,
                    "reason": o.reason,
                    "covert": o.covert and o.category != "covert",
                    "hold": o.hold,
                    "hold_category": o.category == "status_quo",  # already says "hold course"
                    "odds": odds.get(o.id),
                }
                for o in v.options
            ],
            advice=advice,
            metrics=[
                {"name": m.name, "text": m.text, "exact": m.exact, "description": m.description}
                for m in v.metrics
            ],
            news=[
                {"turn": n.turn, "date": n.date.isoformat(), "headline": n.headline}
                for n in reversed(v.news[-12:])
            ],
            last=last,
            briefing={
                "title": scn.meta.title,
                "summary": [p for p in scn.meta.summary.split("\n") if p.strip()],
                "role": spec.role,
                "case": spec.case,
                "how_to_win": scn.meta.how_to_win,
            },
        )
        return ctx

    def _teacher_group(self, g: Group, now: float) -> dict[str, Any]:
        s = g.session
        ctx = self._common(g, s.stage_index)  # the teacher sees the truth
        ctx["true_metrics"] = [
            {
                "id": m.id,
                "name": m.name,
                "value": format_number(float(s.state.x[0, i]), 1),
                "visibility": _visibility(str(m.visibility.value)),
            }
            for i, m in enumerate(s.scenario.metrics)
        ]
        teams = []
        for t in s.classroom.teams:
            clock = self._clock(g, t.actor)
            left = None
            if clock is not None:
                left = clock["left"] if clock["paused"] else max(0.0, clock["deadline"] - now)
            devices = sum(
                1
                for rec in list(self.tokens.values())
                if rec.get("group") == g.index and rec.get("team") == t.name
            )
            teams.append(
                {
                    "name": t.name,
                    "side": s.actor_name(t.actor),
                    "chosen": _option_name(s, t.actor, s.committed(t.actor)),
                    "vote": _option_name(s, t.actor, g.votes.get(t.name)),
                    "forecast": self.has_forecast(g, t.name),
                    "whose_go": s.classroom.team_for(t.actor) == t.name,
                    "devices": devices,
                    "left": None if left is None else math.ceil(left),
                    "deadline": None if clock is None else clock.get("deadline"),
                }
            )
        ctx["teams"] = teams
        ctx["news"] = [n.headline for n in reversed(s.news[-5:])]
        return ctx

    def teacher_context(self) -> dict[str, Any]:
        """Everything, true values included: for the teacher's dashboard only."""
        out = []
        now = time.time()
        for g in self.groups:
            with g.lock:
                out.append(self._teacher_group(g, now))
        return {
            "groups": out,
            "title": self.loaded.scenario.meta.title,
            "metrics": [{"id": m.id, "name": m.name} for m in self.loaded.scenario.metrics],
            "settings": self.settings,
            "ended": self.ended,
            "class_code": self.class_code,
            "join_code": self.join_code,
            "turn_limit": self.loaded.scenario.meta.turn_limit,
        }


JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # nothing to misread (no O/0, I/1/L)


def new_join_code() -> str:
    """Six random characters, e.g. ``K7M-Q2X`` (about 700 million codes)."""
    c = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(6))
    return f"{c[:3]}-{c[3:]}"


def check_length(length: int | None, turn_limit: int) -> None:
    """``None`` (no limit) or the engine's rule for a lesson length."""
    if length is not None:
        check_lesson_turns(length, turn_limit)
        if length == 0:
            raise ValueError(_("the lesson length is 1-{most} turns, got 0", most=turn_limit))


def _number(value: object) -> float:
    try:
        v = float(str(value))
    except ValueError:
        raise ValueError(_("not a number: {value!r}", value=str(value)[:20])) from None
    if not math.isfinite(v):
        raise ValueError(_("not a finite number"))
    return v


def parse_forecast(fields: Mapping[str, str], outcomes: list[str]) -> dict[str, float]:
    """Percentages typed in the forecast form -> probabilities (blank: 0)."""
    probs: dict[str, float] = {}
    for oid in outcomes:
        raw = str(fields.get(f"p_{oid}", "")).strip().rstrip("%")
        if not raw:
            continue
        try:
            v = float(raw)
        except ValueError:
            raise ServeError(
                _("a forecast is a percentage, got {value!r}", value=raw[:20])
            ) from None
        if not math.isfinite(v) or not 0 <= v <= 100:
            raise ServeError(_("a percentage is 0-100, got {value!r}", value=raw[:20]))
        probs[oid] = v / 100.0
    if not probs:
        raise ServeError(_("give the chance of at least one ending"))
    if sum(probs.values()) > 1.0 + 1e-9:
        raise ServeError(_("the percentages add up to more than 100"))
    return probs


__all__ = ["Group", "Lesson", "ServeError", "Settings", "check_length", "parse_forecast"]
