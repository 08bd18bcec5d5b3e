"""The teacher's console: events, metrics, free-text injects, pause, reveal and the end,
plus the scenario's own injects that fire at the start of their turn.

Every control goes into the log; those that draw random numbers use the inject stream
at the action's index among the stream-drawing kinds (``actions.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from game.engine.classroom import check_lesson_turns
from game.engine.log import autosave
from game.engine.rng import INJECT, stream
from game.engine.views import EventReport
from game.i18n import _, format_number
from game.model import available
from game.scenario.schema import Effects

if TYPE_CHECKING:
    from game.engine.session import Session

F = NDArray[np.float64]


class Console:
    """The teacher's controls of one session (``s.console``)."""

    def __init__(self, s: Session) -> None:
        self._s = s

    def _record(self, kind: str, **fields: Any) -> int:
        """Log an action of this turn; returns its inject-stream index (``actions.py``)."""
        return self._s.turn_log.record(kind, self._s.current_turn, **fields)

    # --- effects on the true world ---------------------------------------------------------------

    def _effect_arrays(self, effects: Effects) -> tuple[F, F]:
        c = self._s.c
        mean = np.zeros(c.n_metrics)
        var = np.zeros(c.n_metrics)
        for mid, e in effects.items():
            m = c.index["metric"][mid]
            mean[m] += e.mean
            var[m] += e.sd**2
        return mean, var

    def _apply(self, k: int, key: str, label: str, mean: F, var: F, event: int | None) -> None:
        """Apply an inject's or a fired event's effects to the true world (stream INJECT)."""
        s = self._s
        c, st = s.c, s.state
        z = stream(s.seed, INJECT, s.current_turn, k).standard_normal(c.n_metrics)
        eff = mean + np.sqrt(var) * z
        raw = st.x[0] + eff
        new = np.clip(raw, c.lo, c.hi)
        s.pending.add(key, label, eff)
        s.pending.add("limits", _("Range limits"), new - raw)
        st.x[0] = new
        if event is not None:
            st.fired[0, event] = True
            st.stage[0] = int(np.clip(st.stage[0] + c.ev_stage_change[event], 0, c.n_stages - 1))
            v2 = c.v2
            if v2 is not None:
                # format v2: an absolute stage; its modifiers and chains start with the
                # turn being prepared (as an inject's do)
                if v2.ev_stage_to[event] >= 0:
                    st.stage[0] = int(v2.ev_stage_to[event])
                if st.mods is not None:
                    for mk in np.flatnonzero(v2.mod_src == event):
                        st.mods[0, mk] = v2.mod_turns[mk]
                if st.pending is not None:
                    st.pending[0, v2.ch_src == event] = True
        s.changed()

    def fire_inject(self, inject_id: str) -> None:
        """A scenario inject whose turn has come (it fires by itself, never from the log)."""
        s = self._s
        inj = next(i for i in s.scenario.injects if i.id == inject_id)
        k = self._record("inject", id=inj.id)
        mean, var = self._effect_arrays(inj.effects)
        e = None
        if inj.event is not None:
            e = s.c.index["event"][inj.event]
            mean, var = mean + s.c.ev_mean[e], var + s.c.ev_var[e]
        self._apply(
            k, f"inject:{inj.id}", _("Inject: {headline}", headline=inj.headline), mean, var, e
        )
        st = s.state
        if st.mods is not None and s.c.v2 is not None:
            for mk in s.c.v2.inject_mods.get(inj.id, []):
                st.mods[0, mk] = s.c.v2.mod_turns[mk]  # from this turn on
        if inj.to is None:
            s.pending.injects.append(inj.headline)
        # an aimed inject (a private intelligence report) reaches its addressee only
        s.add_news(inj.headline, "inject", visible_to=inj.to)
        if e is not None:
            ev = s.scenario.events[e]
            if inj.to is None:
                s.pending.events.append(EventReport(ev.id, ev.name, ev.headline, "inject"))
            s.add_news(ev.headline, "event", visible_to=inj.to)

    def _drop_unavailable_commits(self) -> None:
        """After the teacher changed the world: a choice that is no longer available is
        withdrawn (and unlocked); that side must choose again."""
        s = self._s
        ok = available(s.c, s.state)[0]
        for a, o in list(s.commits.items()):
            if not ok[a, o]:
                del s.commits[a]
                s.classroom.locks.discard(a)

    # --- the controls ----------------------------------------------------------------------------

    def fire_event(self, event_id: str) -> None:
        """Fire any scenario event now (its effects and ladder change apply at once)."""
        s = self._s
        s.check_running()
        c = s.c
        if event_id not in c.index["event"]:
            raise ValueError(f"unknown event {event_id!r} (known: {', '.join(c.event_ids)})")
        e = c.index["event"][event_id]
        ev = s.scenario.events[e]
        k = self._record("fire_event", event=event_id)
        self._apply(
            k,
            f"teacher:event:{ev.id}",
            _("Event: {event}", event=ev.name),
            c.ev_mean[e],
            c.ev_var[e],
            e,
        )
        s.pending.events.append(EventReport(ev.id, ev.name, ev.headline, "teacher"))
        s.add_news(ev.headline, "event")
        self._drop_unavailable_commits()

    def set_metric(self, metric_id: str, value: float) -> None:
        """Set a metric of the true world (within its range)."""
        s = self._s
        s.check_running()
        c = s.c
        if metric_id not in c.index["metric"]:
            raise ValueError(f"unknown metric {metric_id!r} (known: {', '.join(c.metric_ids)})")
        m = c.index["metric"][metric_id]
        value = float(value)
        lo, hi = float(c.lo[m]), float(c.hi[m])
        if not lo <= value <= hi:
            raise ValueError(f"{metric_id} must be within [{lo:g}, {hi:g}], got {value:g}")
        self._record("set_metric", metric=metric_id, value=value)
        delta = np.zeros(c.n_metrics)
        delta[m] = value - s.state.x[0, m]
        s.state.x[0, m] = value
        name = s.scenario.metrics[m].name
        s.pending.add(
            f"teacher:set:{metric_id}",
            _("Teacher: {metric} set to {value}", metric=name, value=format_number(value)),
            delta,
        )
        s.changed()
        self._drop_unavailable_commits()

    def add_inject(self, headline: str, text: str = "") -> None:
        """A free-text inject: news for everyone, no effect on the metrics."""
        s = self._s
        s.check_running()
        headline = str(headline).strip()
        if not headline:
            raise ValueError(_("an inject needs a headline"))
        self._record("add_inject", headline=headline, text=str(text))
        s.pending.injects.append(headline)
        s.add_news(headline, "inject")

    def pause(self) -> None:
        """Stop the clock: ``resolve`` refuses until ``resume``."""
        s = self._s
        if not s.paused:
            self._record("pause")
            s.paused = True

    def resume(self) -> None:
        s = self._s
        if s.paused:
            self._record("resume")
            s.paused = False

    def reveal(self) -> None:
        """Show the true values to everyone from now on (every view is exact)."""
        s = self._s
        s.check_running()
        if s.revealed:
            return
        self._record("reveal")
        s.revealed = True
        s.changed()

    def times_up(self) -> None:
        """The lesson's time ran out: play stops before this turn resolves, with no outcome.

        Unlike ``end_game`` nothing is decided: the game is not ``over`` and has no outcome,
        so the report scores no forecast whose window was still open (the game reads as
        stopped while running)."""
        s = self._s
        s.check_running()
        self._record("times_up")
        s.times_up = True
        s.commits.clear()
        s.classroom.locks.clear()
        s.add_news(_("Time's up: the lesson ends here, with no outcome decided"), "inject")
        s.changed()
        autosave(s)

    def set_lesson_length(self, turns: int) -> None:
        """End the lesson after ``turns`` turns (0: play to the scenario's own limit). If
        that many turns are already played, time is up now."""
        s = self._s
        s.check_running()
        turns = check_lesson_turns(turns, s.scenario.meta.turn_limit)
        self._record("set_lesson_length", turns=turns)
        s.classroom.lesson_turns = turns
        s.changed()
        self.check_lesson_length()

    def timed_out(self) -> bool:
        """Whether the lesson's time has run out (play stopped with no outcome)."""
        return bool(self._s.times_up)

    def check_lesson_length(self) -> None:
        """Time's up once the lesson's turns are played (called after every resolution)."""
        s = self._s
        n = s.classroom.lesson_turns
        if n and s.turn >= n and not (s.over or s.times_up):
            self.times_up()

    def end_game(self, outcome: str | None = None) -> None:
        """End the game now, before this turn resolves: with ``outcome`` (an outcome id),
        by default the scenario's turn-limit outcome (e.g. a frozen standoff)."""
        s = self._s
        s.check_running()
        c = s.c
        if outcome is None:
            q = int(c.limit_outcome)
        else:
            if outcome not in c.index["outcome"]:
                raise ValueError(f"unknown outcome {outcome!r} (known: {', '.join(c.outcome_ids)})")
            q = c.index["outcome"][outcome]
        self._record("end_game", outcome=c.outcome_ids[q])
        s.state.outcome[0] = q
        s.state.ended[0] = s.current_turn
        s.commits.clear()
        s.classroom.locks.clear()
        s.add_news(
            _("The teacher ended the exercise: {outcome}", outcome=s.scenario.outcomes[q].name),
            "outcome",
        )
        s.changed()
        autosave(s)
