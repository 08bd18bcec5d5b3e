"""A game in progress: seats, simultaneous moves, the true world, news and views.

The true state is one world of the model (``State`` with n = 1), stepped with
``explain=True`` each turn. Every random number comes from a stream derived from
the session's seed (``rng.py``), so the game depends only on the seed and what
was committed — never on what anyone looked at.

A session has three helpers, each in its own module: ``s.classroom`` (teams, PIN,
timer, locks, student forecasts, class code), ``s.console`` (the teacher's controls
and the scenario's injects) and ``s.turn_log`` (the log as it grows, ``log.py``).
The log (``Session.log``) is the source of truth: a save is the log, and loading
re-plays it (``saves.py``, through the table of ``actions.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from game.engine import ai as ai_mod
from game.engine import classcode, seal
from game.engine.ai import AISettings, Decision
from game.engine.beliefs import draw_types, posterior, type_objectives
from game.engine.classroom import (
    Classroom,
    TeamsArg,
    check_timer,
    hash_pin,
    roster_for_code,
    scenario_for_code,
    team_list,
)
from game.engine.commitments import (
    commitment_record,
    offers_made,
    open_offers,
    pending,
    terms,
)
from game.engine.console import Console
from game.engine.errors import EngineError
from game.engine.fog import (
    Estimate,
    FogBeliefs,
    MoveRecord,
    belief_worlds,
    estimates,
    intel_level,
    last_seen,
    metric_shown,
    prior,
    read,
    seen_move,
    stage_shown,
    unveil,
    viewer_estimates,
)
from game.engine.log import FORMAT_VERSION, TurnLog, autosave, autosave_name, session_log
from game.engine.log import state_digest as state_digest
from game.engine.rng import ADVICE, AI, BELIEF, START, WHAT_IF, WORLD, check_seed, new_seed, stream
from game.engine.seats import Seat, Team
from game.engine.turnreport import (
    Pending,
    Resolved,
    branch_table,
    build_reports,
    restrict,
    shown_to,
)
from game.engine.views import (
    Advice,
    BeliefView,
    MetricView,
    NewsItem,
    NewsKind,
    OptionView,
    PlayerView,
    TurnReport,
)
from game.i18n import _, format_percent
from game.model import Compiled, Forecast, State, available, compile_scenario, initial_state, step
from game.model.compiled import unavailable_reason
from game.model.forecast import forecast
from game.model.policy import scripted_moves
from game.scenario import Loaded, load_scenario

__all__ = ["FORMAT_VERSION", "EngineError", "Session", "autosave_name", "state_digest"]

F = NDArray[np.float64]


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
        format_version: int = FORMAT_VERSION,
    ) -> None:
        if isinstance(format_version, bool) or format_version not in range(1, FORMAT_VERSION + 1):
            raise ValueError(f"unknown save format {format_version!r}")
        # the rules the game is played by (log.FORMAT_VERSION): a re-played save keeps its own
        self.format_version = format_version
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
        scripted = {a.id for a in self.scenario.actors if a.script is not None}
        for aid in scripted & set(seats):
            if seats[aid].kind != "scripted":
                raise ValueError(f"{aid} is a scripted actor: it moves by its rules, not a seat")
        self.seats: dict[str, Seat] = {
            a: Seat("scripted") if a in scripted else seats.get(a, Seat.ai()) for a in c.actor_ids
        }
        for aid, seat in self.seats.items():
            if seat.kind == "fixed":
                self.option_index(c.actor_index(aid), seat.option or "")  # names a known option
        self.ai_settings = ai
        self.commits: dict[int, int] = {}  # actor index -> option index chosen this turn
        self.classroom: Classroom = Classroom(self, teams, settings)
        self.teams: list[Team] = self.classroom.teams
        self.console: Console = Console(self)
        self.turn_log: TurnLog = TurnLog()
        self.revealed = False
        # a what-if branch: {"file", "created", "checksum", "turn"} of the game it left at "turn"
        self.parent: dict[str, Any] | None = None
        self.times_up = False  # the lesson's time ran out: play stops, no outcome is scored
        self.created = created
        self.state: State = initial_state(c, 1, stream(seed, START))
        # every side's filtered belief of the others' private metrics, read once at the
        # start of each turn from the true state (fog.py): a function of the game's history
        # (format 1: each reading stood alone, a fresh estimate every turn)
        self.fog: FogBeliefs = prior(c, fresh=format_version < 2)
        # each actor's private type (actor index -> type index), told to no other side
        self.types: dict[int, int] = draw_types(c, seed)
        self.news: list[NewsItem] = []
        self.history: list[TurnReport] = []
        self.paused = False
        self.last_decisions: dict[str, Decision] = {}
        self.autosave_error: str | None = None
        self._reports: dict[str, list[TurnReport]] = {a: [] for a in c.actor_ids}
        self._shown_hist: dict[str, list[list[float]]] = {a: [] for a in c.actor_ids}
        self._moves_hist: list[MoveRecord] = []
        self._version = 0
        # forecasts and advice of the world as it is (keyed by ``_version``)
        self._what_if: dict[tuple[int, ...], Forecast] = {}
        self._advice: dict[tuple[int, ...], list[Advice]] = {}
        self._branches = branch_table(self.scenario)
        self.pending = Pending(self.state.x[0].copy(), int(self.state.stage[0]))
        # format v2: metrics and the stage made public once their public_when held
        self.unveiled = np.zeros(c.n_metrics, dtype=bool)
        self.stage_unveiled = unveil(c, self.state, self.unveiled)
        # A class game with a PIN: its saves are sealed with ``seal_key`` (seal.py). The key
        # is made at the first save (scrypt is slow on purpose); ``game_id`` keys the
        # persistent PIN lockout and names the autosave (the seed must not show).
        self.game_id: str | None = None
        self._seal_key: seal.GameKey | None = None
        self._seal_pin: str | None = None
        self.autosave_path: Path | None = None
        self._autosave_where: Path | None = None
        if autosave:
            from game.engine.saves import autosave_dir

            self._autosave_where = autosave_dir() if autosave is True else Path(autosave)
            self.autosave_path = self._autosave_where / autosave_name(
                self.scenario.meta.id, created, seed
            )
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
        teams: TeamsArg = None,
        timer: int = 0,
        pin: str | None = None,
        lesson_turns: int = 0,
        blind_forecasts: bool = False,
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
        the log only as a salted hash. ``lesson_turns``: end the lesson after that many
        turns with a neutral "time's up" (no outcome, nothing scored as one); 0: off.
        ``blind_forecasts``: teams see no model odds or advisors' figures until their
        forecast of the turn is in (needs teams).
        """
        loaded = scenario if isinstance(scenario, Loaded) else load_scenario(scenario)
        seed = new_seed() if seed is None else check_seed(seed)
        parsed = {
            a: (s if isinstance(s, Seat) else Seat.parse(s)) for a, s in (seats or {}).items()
        }
        roster = team_list(teams)
        for t in roster:
            first = next(x for x in roster if x.actor == t.actor)
            if t.actor not in parsed:
                parsed[t.actor] = Seat.team(first.name)
        settings: dict[str, Any] = {"timer": check_timer(timer)}
        if lesson_turns:
            settings["lesson_turns"] = lesson_turns
        if blind_forecasts:
            if not roster:
                raise ValueError("blind forecasting needs teams (a classroom game)")
            settings["blind_forecasts"] = True
        if pin is not None:
            settings["pin"] = hash_pin(pin)
        if not roster and (timer or pin is not None):
            raise ValueError("a turn timer and a console PIN need teams (a classroom game)")
        created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        settings_alone = {"lesson_turns": lesson_turns} if lesson_turns else {}
        s = cls(
            loaded,
            seed,
            parsed,
            ai or AISettings(),
            autosave,
            created,
            teams=roster,
            settings=settings if roster else (settings_alone or None),
        )
        if pin is not None:
            s._seal_pin = str(pin)
            s.game_id = secrets.token_hex(16)  # random, as seal.wrap_key expects
            s._rename_autosave()
        return s

    @classmethod
    def from_class_code(
        cls,
        code: str,
        scenario: Loaded | str | Path | None = None,
        *,
        teams: TeamsArg = None,
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
        loaded = scenario_for_code(cc, scenario)
        return cls.new(
            loaded,
            seed=cc.seed,
            ai=AISettings(temperature_scale=cc.temperature_scale),
            autosave=autosave,
            teams=roster_for_code(cc, loaded, teams),
            timer=cc.timer,
            pin=pin,
        )

    # --- the seal of a class game ----------------------------------------------------------------

    @property
    def sealed(self) -> bool:
        """True for a class game whose saves are sealed (it has a PIN and a game id)."""
        return self.game_id is not None

    @property
    def seal_key(self) -> seal.GameKey | None:
        """The game key its saves are sealed with (None: plain saves). Made on first use."""
        if self._seal_key is None and self._seal_pin is not None and self.game_id is not None:
            self._seal_key = seal.wrap_key(seal.new_key(), self._seal_pin, self.game_id)
            self._seal_pin = None  # the wrapped key remembers it; the PIN need not stay
        return self._seal_key

    def use_seal_key(self, key: seal.GameKey) -> None:
        """Keep sealing with the key of the save this game was loaded from."""
        self._seal_key = key
        self._seal_pin = None
        self.game_id = key.game_id
        self._rename_autosave()

    @property
    def pin_lock_id(self) -> str | None:
        """What keys this game's persistent PIN lockout (``seal.guard_pin``): its game id,
        or for a PIN game from an unsealed save one derived from its PIN record, so that
        the count survives a restart too. None: the game has no PIN."""
        if self.game_id is not None:
            return self.game_id
        rec = self.classroom.pin
        if rec is None:
            return None
        digest = hashlib.sha256(f"{self.created}|{rec.get('salt')}".encode())
        return digest.hexdigest()[:32]

    @property
    def save_tag(self) -> int | str:
        """What an autosave's name carries: the seed, or a sealed game's id (never its seed)."""
        return self.seed if self.game_id is None else self.game_id

    def _rename_autosave(self) -> None:
        if self._autosave_where is not None:
            self.autosave_path = self._autosave_where / autosave_name(
                self.scenario.meta.id, self.created, self.save_tag
            )

    # --- where the game stands -------------------------------------------------------------------

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
    def stage_index(self) -> int:
        """The true ladder position (the teacher's and an observer's; players: ``stage_seen``)."""
        return int(self.state.stage[0])

    @property
    def stage_name(self) -> str:
        return self.scenario.ladder[int(self.state.stage[0])].name

    def stage_seen(self, viewer: str | None) -> int | None:
        """The ladder stage (its index) as ``viewer`` may see it; None when it is hidden
        from the viewer (``stage_visibility``). ``viewer`` None: the whole room (a
        projector), which sees it only when every actor does. The one rule every front
        end shows the stage by: the true stage never reaches a viewer who cannot see it."""
        a = None if viewer is None else self.actor_index(viewer)
        if not stage_shown(self.c, a, self.stage_unveiled):
            return None
        return int(self.state.stage[0])

    @property
    def turn_limit(self) -> int:
        return self.c.turn_limit

    def actor_name(self, actor: str) -> str:
        return self.scenario.actors[self.actor_index(actor)].name

    def actor_index(self, actor: str) -> int:
        """The index of actor id ``actor`` (``ValueError`` naming the known ones)."""
        if not isinstance(actor, str):
            raise ValueError(f"an actor is named by its id, got {actor!r}")
        try:
            return self.c.actor_index(actor)
        except KeyError as e:
            raise ValueError(e.args[0]) from None

    def option_index(self, a: int, option: str) -> int:
        """The index of actor ``a``'s option id ``option`` (``ValueError`` if unknown)."""
        if not isinstance(option, str):
            raise ValueError(f"an option is named by its id, got {option!r}")
        try:
            return self.c.option_index(a, option)
        except KeyError as e:
            raise ValueError(e.args[0]) from None

    def check_running(self) -> None:
        if self.over:
            raise EngineError(_("the game is over"))
        if self.times_up:
            raise EngineError(_("time's up: the lesson has ended"))

    # --- what happens between resolutions --------------------------------------------------------

    def _read_fog(self) -> None:
        """Every side's reading of the turn now starting, once (a turn starts when the
        last one resolved, before this one's injects fire)."""
        if self.fog.turn < self.current_turn:
            c, hist = self.c, self._moves_hist
            seen = None
            if hist:
                t = len(hist) - 1
                seen = np.array(
                    [
                        [seen_move(c, hist, v, a, t) for a in range(c.n_actors)]
                        for v in range(c.n_actors)
                    ],
                    dtype=np.int64,
                )
            read(c, self.fog, self.seed, self.current_turn, self.state.x[0], seen)

    def _begin_turn(self) -> None:
        self._read_fog()
        self.pending = Pending(self.state.x[0].copy(), int(self.state.stage[0]))
        if self.over:
            return
        for inj in self.scenario.injects:
            if inj.turn == self.current_turn:
                self.console.fire_inject(inj.id)

    def changed(self) -> None:
        """The world changed outside a resolution: forecasts and advice are stale."""
        self._version += 1
        self._what_if.clear()
        self._advice.clear()

    def add_news(
        self, headline: str, kind: NewsKind, visible_to: str | None = None, actor: str | None = None
    ) -> NewsItem:
        item = NewsItem(self.current_turn, self.date, headline, kind, visible_to, actor)
        self.news.append(item)
        return item

    # --- what a player sees ----------------------------------------------------------------------

    def options(self, actor: str) -> list[OptionView]:
        """The actor's options now, with availability and the reason when unavailable."""
        a = self.actor_index(actor)
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
                reason="" if ok[o] else _("the game is over") if self.over else self._reason(a, o),
                covert=opt.covert,
                hold=o == hold,
                index=o,
                commits=terms(self.scenario, a, o),
            )
            for o, opt in enumerate(self.scenario.actors[a].options)
        ]

    def _reason(self, a: int, o: int) -> str:
        """Why actor ``a`` cannot choose option ``o``, in words it may read: when the stage
        is hidden from it, no reason names or narrows down the current stage."""
        c, st = self.c, self.state
        if stage_shown(c, a, self.stage_unveiled):
            return unavailable_reason(c, st, a, o)
        # the option's availability at every stage, all else as now
        each = st.repeat(c.n_stages)
        each.stage[:] = np.arange(c.n_stages)
        if available(c, each)[:, a, o].any():
            return _("depends on the ladder stage")
        # unavailable whatever the stage: the reason read at a stage fixed by the rules
        allowed = np.flatnonzero(c.avail_stage[a, o])
        fixed = st.copy()
        fixed.stage[0] = int(allowed[0]) if allowed.size else 0
        return unavailable_reason(c, fixed, a, o)

    def _estimates(self, a: int) -> Estimate:
        """Actor ``a``'s estimates as shown to it (exact once the teacher revealed them)."""
        return viewer_estimates(self.c, self.fog, a, self.state.x[0], self.revealed)

    def fog_estimates(self, a: int) -> Estimate:
        """Actor ``a``'s filtered belief of the metrics it cannot see exactly: (estimate,
        error sd, fogged) per metric, what its forecasts and the computer reason from
        (a teacher's reveal changes what is shown, not what a side believes)."""
        return estimates(self.c, self.fog, a, self.state.x[0])

    def view(self, actor: str) -> PlayerView:
        """What ``actor`` may see now. Other actors' private metrics are estimates only."""
        a = self.actor_index(actor)
        c, scn = self.c, self.scenario
        x = self.state.x[0]
        est, err, mask = self._estimates(a)
        hist = self._shown_hist[actor]
        visible = metric_shown(c, a, self.unveiled)
        si = self.stage_seen(actor)
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
                # within the range: fog's draws are not clipped (see fog.estimates)
                estimate=float(np.clip(est[i], c.lo[i], c.hi[i])),
                error=float(err[i]),
                visibility=str(m.visibility.value),
                owner=m.owner,
                higher_is=m.higher_is,
                history=[float(np.clip(h[i], c.lo[i], c.hi[i])) for h in hist],
            )
            for i, m in enumerate(scn.metrics)
            if visible[i]
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
            seen = [seen_move(c, self._moves_hist, a, b, t) for t in range(len(self._moves_hist))]
            known[bid] = [(t + 1, bo[o].id, bo[o].name) for t, o in enumerate(seen)]
        reports = self._reports[actor]
        return PlayerView(
            actor=actor,
            actor_name=scn.actors[a].name,
            turn=self.turn,
            date=self.date,
            stage="" if si is None else c.stage_ids[si],
            stage_name=_("Unknown") if si is None else scn.ladder[si].name,
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
            stage_index=si,
            commitments=[] if self.over else pending(c, self.state, self.record()),
            offers=[] if self.over else open_offers(c, last_seen(c, self._moves_hist, a)),
            own_type=self._own_type(a),
            beliefs=self._beliefs(a),
        )

    def _own_type(self, a: int) -> str:
        k = self.types.get(a)
        if k is None:
            return ""
        t = self.scenario.actors[a].types[k]
        return _(
            "Your government, privately: {type}. {description}",
            type=t.name,
            description=t.description,
        )

    def _beliefs(self, a: int) -> list[BeliefView]:
        out = []
        for b, spec in enumerate(self.scenario.actors):
            if b == a or not spec.types:
                continue
            p = self.belief(a, b)
            types = [(t.id, t.name, float(p[k])) for k, t in enumerate(spec.types)]
            shares = ", ".join(
                _("{type} {share}", type=name, share=format_percent(round(q * 100) / 100))
                for _id, name, q in types
            )
            text = _("Your reading of {actor}: {shares}.", actor=spec.name, shares=shares)
            out.append(BeliefView(self.c.actor_ids[b], types, text))
        return out

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
        known = stage_shown(self.c, a, self.stage_unveiled)
        return belief_worlds(self.c, self.state, a, self.fog_estimates(a), n, rng, known)

    def belief(self, viewer: int, target: int) -> NDArray[np.float64]:
        """``viewer``'s belief over ``target``'s private types after the moves it saw."""
        h = self._moves_hist
        return posterior(
            self.c, target, [seen_move(self.c, h, viewer, target, t) for t in range(len(h))]
        )

    def belief_path(self, viewer: int, target: int) -> list[NDArray[np.float64]]:
        """``viewer``'s belief over ``target``'s types before the first turn and after each
        turn resolved so far (the report's chart)."""
        h = self._moves_hist
        seen = [seen_move(self.c, h, viewer, target, t) for t in range(len(h))]
        return [posterior(self.c, target, seen[:t]) for t in range(len(seen) + 1)]

    def outlook(self, a: int, own: bool = False) -> ai_mod.Outlook:
        """What actor ``a`` knows beyond the worlds it forecasts from: the commitments'
        record and its beliefs over the others' types; with ``own``, its type's aims too
        (the computer playing it; a player's what-if and advisors keep the actor's)."""
        beliefs = {
            b: self.belief(a, b)
            for b, spec in enumerate(self.scenario.actors)
            if b != a and spec.types
        }
        obj = type_objectives(self.c, a, self.types.get(a)) if own else None
        return ai_mod.Outlook(self.record(), beliefs, obj)

    def record(self) -> dict[int, tuple[int, int]]:
        """Each actor's public record of commitments: (carried out, lapsed)."""
        return commitment_record(self.c, ([e.id for e in r.events] for r in self.history))

    def what_if(self, actor: str, option: str, worlds: int = 2000, horizon: int = 4) -> Forecast:
        """Forecast of choosing ``option`` now, against the other side's expected play.

        Computed from the worlds the actor believes possible (fog applied: the same
        worlds for every option of the turn), with its own streams (what-if, turn,
        actor, option): looking never changes the game.
        """
        a = self.actor_index(actor)
        o = self.option_index(a, option)
        key = (self._version, self.turn, a, o, int(worlds), int(horizon))
        if key not in self._what_if:
            start = self._belief(a, int(worlds), WHAT_IF)
            seen = last_seen(self.c, self._moves_hist, a)
            pol = ai_mod.policies(
                self.c, a, o, seen, self.ai_settings.persistence, start, self.outlook(a)
            )
            self._what_if[key] = forecast(
                self.c,
                start,
                pol,
                stream(self.seed, WHAT_IF, self.current_turn, a, o),
                worlds=int(worlds),
                horizon=int(horizon),
            )
        return self._what_if[key]

    def advice(self, actor: str) -> list[Advice]:
        """Each advisor's recommendation with a one-line reason from the forecast."""
        a = self.actor_index(actor)
        spec = self.scenario.actors[a]
        if not spec.advisors or self.over:
            return []
        key = (self._version, self.turn, a)
        if key in self._advice:
            return self._advice[key]
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
            last_seen(c, self._moves_hist, a),
            lambda: stream(self.seed, ADVICE, T, a),
            cfg.advice_horizon,
            cfg.persistence,
            self.outlook(a),
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
        self._advice[key] = out
        self.turn_log.record(
            "advice", self.current_turn, actor=actor, advice=[[x.advisor, x.option] for x in out]
        )
        return out

    # --- moves -----------------------------------------------------------------------------------

    def commit(self, actor: str, option: str) -> None:
        """A human or team choice for this turn (may be changed until the turn resolves)."""
        self.check_running()
        a = self.actor_index(actor)
        o = self.option_index(a, option)
        if not available(self.c, self.state)[0, a, o]:
            raise ValueError(
                _(
                    "option {option!r} is not available to {actor}: {reason}",
                    option=option,
                    actor=actor,
                    reason=self._reason(a, o),
                )
            )
        if a in self.classroom.locks and self.commits.get(a) != o:
            raise EngineError(_("{actor}'s choice is locked this turn", actor=actor))
        self.commits[a] = o

    def committed(self, actor: str) -> str | None:
        a = self.actor_index(actor)
        o = self.commits.get(a)
        return None if o is None else self.c.option_ids[a][o]

    def waiting(self) -> list[str]:
        """Actors that still need to commit this turn (computer seats never wait)."""
        if self.over or self.times_up:
            return []
        return [
            aid
            for a, aid in enumerate(self.c.actor_ids)
            if self.seats[aid].waits and a not in self.commits
        ]

    def resolve(self, override: Mapping[int, int] | None = None) -> TurnReport:
        """Computer seats choose, then the turn resolves through the model.

        ``override``: actor index -> option index for computer seats whose move is
        already known (a save re-playing its recorded moves).
        """
        override = override or {}
        self.check_running()
        if self.paused:
            raise EngineError(_("the game is paused: resume it first"))
        waiting = [a for a in self.waiting() if self.actor_index(a) not in override]
        if waiting:
            raise EngineError(_("still waiting for: {sides}", sides=", ".join(waiting)))
        c, st = self.c, self.state
        T = self.current_turn
        avail = available(c, st)[0]
        shown = {
            aid: shown_to(c, a, avail[a], self._estimates(a)) for a, aid in enumerate(c.actor_ids)
        }
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
                moves[0, a] = self.commits[a]
            elif self.seats[aid].kind == "scripted":
                moves[0, a] = int(scripted_moves(c, st, a, avail[None])[0])
            else:
                o, d = ai_mod.machine_move(
                    c,
                    self.seats[aid],
                    a,
                    avail[a],
                    self.seed,
                    T,
                    partial(self._belief, a, purpose=AI),
                    last_seen(c, self._moves_hist, a),
                    self.ai_settings,
                    self.outlook(a, own=True),
                )
                moves[0, a] = o
                if d is not None:
                    self.last_decisions[aid] = d
        info = step(c, st, moves, stream(self.seed, WORLD, T), explain=True)
        assert info is not None
        happened = info.branches[0]
        exposed = np.zeros(c.n_actors, dtype=bool)
        for r, (ba, _bo, _j) in enumerate(self._branches):
            if happened[r] and c.br_exposes[r] and c.covert[ba, moves[0, ba]]:
                exposed[ba] = True
        self._moves_hist.append((moves[0].copy(), exposed))
        self._read_fog()  # the next turn's reading, before the report shows the estimates
        q = int(st.outcome[0])
        done = Resolved(
            T,
            self.date_of(T),
            moves[0],
            info,
            exposed,
            shown,
            st.x[0],
            int(st.stage[0]),
            q if q >= 0 else None,
        )
        full, viewers, made = build_reports(
            c,
            self.scenario,
            self._branches,
            self.pending,
            done,
            [n for n in self.news if n.turn == T],
            lambda v: self._estimates(v)[::2],  # (estimates, which are estimated)
        )
        self.news += made
        self.history.append(full)
        self.stage_unveiled |= unveil(c, st, self.unveiled)
        for a, (vid, rep) in enumerate(zip(c.actor_ids, viewers, strict=True)):
            self._reports[vid].append(
                restrict(
                    rep, metric_shown(c, a, self.unveiled), stage_shown(c, a, self.stage_unveiled)
                )
            )
        made_moves = {aid: c.option_ids[a][int(moves[0, a])] for a, aid in enumerate(c.actor_ids)}
        # the terms in the file's own words, as the rest of the log (any language)
        offered = offers_made(self.loaded.as_written, made_moves)
        self.turn_log.close_turn(
            {
                "turn": T,
                "date": self.date_of(T).isoformat(),
                "actions": self.turn_log.actions,
                "moves": made_moves,
                **({"offers": offered} if offered else {}),
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
                **self.classroom.turn_entry(T),
            }
        )
        self.commits = {}
        self.classroom.new_turn()
        self.changed()
        self._begin_turn()
        autosave(self)
        self.console.check_lesson_length()
        return full

    # --- the log ---------------------------------------------------------------------------------

    @property
    def log(self) -> dict[str, Any]:
        """The whole game as plain data (what a save contains)."""
        return session_log(self)

    def __repr__(self) -> str:
        seats = ", ".join(f"{a}={s.label}" for a, s in self.seats.items())
        state = f"over: {self.outcome}" if self.over else f"turn {self.current_turn}"
        return f"<Session {self.scenario.meta.id} seed={self.seed} {seats} {state}>"
