"""``brink play --text``: the whole game in a terminal, for people without a display.

Everything is plain lines of text (rich is used for emphasis only, never to carry
information), so it reads well with a screen reader and works with piped input:
each prompt reads one line. Commands at the turn prompt:

    N        choose option N
    o        the options in full (each turn lists their names only)
    w N      what-if: the forecast of option N against holding course
    a        the advisors again          v   the situation again
    s FILE   save the game to FILE       h   help
    q        quit (the game is autosaved; continue with ``brink play --text SAVE``)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape

from game.engine.saves import SaveError, load_game, save_game
from game.engine.seats import Seat
from game.engine.session import EngineError, Session
from game.engine.views import PlayerView, TurnReport
from game.i18n import _
from game.scenario import ScenarioError, load_scenario
from game.words import count_text

HELP = """Commands:
  N        choose option number N
  o        the options in full: category, escalation and description
  w N      what-if: forecast of option N against holding course
  a        hear the advisors again
  v        show the situation again
  s FILE   save the game to FILE
  h        this help
  q        quit (the game is autosaved)"""


def _signed(v: float, digits: int = 1) -> str:
    return f"{v:+.{digits}f}".replace("-", "−")


class TextGame:
    """One terminal game: reads commands from ``inp``, writes to ``out``."""

    def __init__(self, session: Session, actor: str, inp: TextIO, out: TextIO) -> None:
        self.s = session
        self.actor = actor
        self.inp = inp
        self.con = Console(
            file=out,
            highlight=False,
            emoji=False,
            force_terminal=None if out is sys.stdout else False,
        )
        # a terminal: lines wrap between words at its width; a pipe or file: one line
        # per paragraph, as before (a screen reader or a script reads it whole)
        self.con.soft_wrap = not self.con.is_terminal
        self._news_seen = 0

    # --- output helpers --------------------------------------------------------------------------

    def say(self, text: str = "", style: str | None = None) -> None:
        self.con.print(escape(text), style=style)

    def heading(self, text: str) -> None:
        self.con.print()
        self.con.print(escape(text), style="bold")

    def ask(self, prompt: str) -> str | None:
        """One line of input, or None at the end of input."""
        self.con.print(escape(prompt), end="")
        self.con.file.flush()
        line = self.inp.readline()
        if not line:
            self.say()
            return None
        return line.strip()

    # --- screens ---------------------------------------------------------------------------------

    def briefing(self) -> None:
        s, scn = self.s, self.s.scenario
        me = scn.actors[s.c.actor_index(self.actor)]
        self.heading(scn.meta.title)
        self.say(f"Seed {s.seed} (play the same game again with --seed {s.seed}).")
        self.say(
            f"{count_text(scn.meta.turn_limit, 'turn')} of "
            f"{count_text(scn.meta.turn_days, 'day')} from {scn.meta.start_date.isoformat()}."
        )
        self.heading("Briefing")
        self.say(scn.meta.summary.strip())
        self.heading(f"You play: {me.name}")
        self.say(me.role.strip())
        self.say(me.case.strip())
        self.heading("How the game is scored")
        self.say(scn.meta.how_to_win.strip())
        goals = sorted(me.objectives.outcomes.items(), key=lambda kv: -kv[1])
        if goals:
            names = {o.id: o.name for o in scn.outcomes}
            self.say(
                "Your government's view of the endings: "
                + "; ".join(f"{names[q]} {_signed(v, 0)}" for q, v in goals)
                + "."
            )
        others = [a.name for a in scn.actors if a.id != self.actor and a.script is None]
        third = [a.name for a in scn.actors if a.script is not None]
        self.say(f"The computer plays {', '.join(others)}.")
        if third:
            self.say(f"Also in play, by the scenario's fixed rules: {', '.join(third)}.")
        self.say(HELP)

    def news(self) -> None:
        items = self.s.news_for(self.actor)
        fresh = items[self._news_seen :]
        self._news_seen = len(items)
        if not fresh:
            return
        self.heading("News")
        for n in fresh:
            self.say(f"{n.date.isoformat()} — {n.headline}")

    def report(self, rep: TurnReport) -> None:
        self.heading(f"What happened in turn {rep.turn}")
        for mr in rep.moves.values():
            who = "You" if mr.actor == self.actor else mr.actor_name
            mark = ""
            if mr.covert:
                mark = " (covert, exposed)" if mr.exposed else " (covert)"
            self.say(f"{who}: {mr.option_name}{mark}")
            for b in mr.branches:
                self.say(f"  {b.label}: {'yes' if b.happened else 'no'}")
        for ev in rep.events:
            self.say(f"Event: {ev.name} — {ev.headline}")
        if not rep.stage_known:
            self.say(_("Stage: unknown to you"))
        elif rep.stage_changed:
            self.say(f"Stage: from {rep.stage_before_name} to {rep.stage_after_name}")
        else:
            self.say(f"Stage unchanged: {rep.stage_after_name}")
        self.heading("Why it changed")
        for mc in rep.metrics:
            change = mc.after - mc.before
            if abs(change) < 0.05:
                continue
            if not mc.exact:
                self.say(
                    f"{mc.name}: estimate from {mc.before:.0f} to {mc.after:.0f} "
                    "(their figure; causes unknown to you)"
                )
                continue
            causes = "; ".join(
                f"{p.label} {_signed(p.delta)}" for p in mc.sources if abs(p.delta) >= 0.05
            )
            self.say(
                f"{mc.name}: from {mc.before:.1f} to {mc.after:.1f} ({_signed(change)}). {causes}"
            )

    def situation(self, v: PlayerView) -> None:
        s = self.s
        if v.stage_index is None:
            stage = _("stage: unknown to you")
        else:
            stage = _(
                "stage: {name} ({n} of {total})",
                name=v.stage_name,
                n=v.stage_index + 1,
                total=len(s.c.stage_ids),
            )
        self.heading(f"Turn {s.current_turn} of {s.turn_limit} — {v.date.isoformat()} — {stage}")
        for m in v.metrics:
            trend = ""
            if m.history:
                d = m.estimate - m.history[-1]
                if abs(d) >= 0.5:
                    trend = f", {_signed(d, 0)} since last turn"
            rng = f"{m.lo:g} to {m.hi:g}"
            hint = {"escalatory": "higher is more dangerous", "calming": "higher is calmer"}.get(
                m.higher_is, ""
            )
            hint = f"; {hint}" if hint else ""
            self.say(f"{m.name}: {m.text} (scale {rng}{hint}{trend})")
        if any(not m.exact for m in v.metrics):
            self.say(
                f"Estimates are your intelligence services' (± one standard error); "
                f"intelligence quality {v.intel:.0%}."
            )

    def options(self, v: PlayerView, full: bool = False) -> None:
        """The options: names only each turn (``o`` for the full list)."""
        self.heading("Your options" + ("" if full else " (o: in full, w N: what-if)"))
        if not full:
            for i, o in enumerate(v.options, 1):
                note = "" if o.available else f": not available, {o.reason}"
                self.say(f"{i}. {o.name}{' (hold course)' if o.hold else ''}{note}")
            return
        for i, o in enumerate(v.options, 1):
            tags = [o.category.replace("_", " "), f"escalation {o.escalation:g}"]
            if o.covert:
                tags.append("covert")
            if o.hold:
                tags.append("hold course")
            if o.available:
                self.say(f"{i}. {o.name} ({', '.join(tags)}). {o.description.strip()}")
            else:
                self.say(f"{i}. {o.name}: not available, {o.reason}.")

    def advice(self) -> None:
        advice = self.s.advice(self.actor)
        if not advice:
            return
        self.heading("Your advisers")
        names = [o.id for o in self.s.options(self.actor)]
        for a in advice:
            n = names.index(a.option) + 1
            self.say(
                f"{a.name}, {a.title} ({a.stance}): recommends {n}. {a.option_name}. {a.reason}"
            )

    def what_if(self, number: int, v: PlayerView) -> None:
        opts = v.options
        if not 1 <= number <= len(opts):
            self.say(f"There is no option {number}; choose 1 to {len(opts)}.")
            return
        o = opts[number - 1]
        hold = next(x for x in opts if x.hold)
        horizon = 4
        f1 = self.s.what_if(self.actor, o.id, horizon=horizon)
        f0 = self.s.what_if(self.actor, hold.id, horizon=horizon)
        days = horizon * self.s.scenario.meta.turn_days
        self.heading(f"What if: {o.name}, against holding course — next {count_text(days, 'day')}")
        self.say(f"{f1.worlds} simulated futures each, from what you know.")
        for q, oc in enumerate(self.s.scenario.outcomes):
            p1 = f1.p_by_turn[horizon, q]
            p0 = f0.p_by_turn[horizon, q]
            self.say(f"Chance of {oc.name}: {p1:.0%} (holding course: {p0:.0%})")
        self.say(
            f"Still unresolved: {f1.p_by_turn[horizon, -1]:.0%} "
            f"(holding course: {f0.p_by_turn[horizon, -1]:.0%})"
        )
        med = 2  # QUANTILES index of the median
        for m, met in enumerate(self.s.scenario.metrics):
            mv = v.metrics[m]
            if not mv.exact:
                continue
            a1, a0 = f1.bands[horizon, med, m], f0.bands[horizon, med, m]
            if abs(a1 - a0) >= 0.5:
                self.say(
                    f"{met.name} in {count_text(days, 'day')}: about {a1:.0f}"
                    f" (holding course: {a0:.0f})"
                )
        if not o.available:
            self.say(f"Note: {o.name} is not available now ({o.reason}).")

    def ending(self) -> None:
        s = self.s
        self.heading("The end")
        if s.outcome is None:
            self.say(f"No outcome after {count_text(s.turn, 'turn')}.")
            return
        q = s.c.index["outcome"][s.outcome]
        oc = s.scenario.outcomes[q]
        when = s.date_of(s.turn).isoformat()
        self.say(f"Outcome after {count_text(s.turn, 'turn')} ({when}): {oc.name}.")
        self.say(oc.headline)
        self.say(oc.description.strip())
        me = s.scenario.actors[s.c.actor_index(self.actor)]
        value = me.objectives.outcomes.get(oc.id, 0.0)
        self.say(f"Your government valued this ending at {_signed(value, 0)}.")
        v = s.view(self.actor)
        self.heading("Final situation")
        for m in v.metrics:
            self.say(f"{m.name}: {m.text}")
        path = self.autosave()
        if path is not None:
            self.say(
                f"Seed {s.seed}. The game is saved in {path}; replay it with: brink replay {path}"
            )
        else:
            self.say(f"Seed {s.seed}.")

    # --- the loop --------------------------------------------------------------------------------

    def autosave(self) -> Path | None:
        path = self.s.autosave_path
        if path is None:
            return None
        try:
            save_game(self.s, path)
        except SaveError as e:
            self.say(f"Could not autosave: {e}")
            return None
        return path

    def choose(self) -> bool:
        """The prompt loop of one turn; False if the player quit."""
        s = self.s
        v = s.view(self.actor)
        while True:
            line = self.ask(
                f"Your move, turn {s.current_turn} (1-{len(v.options)}, o options, w N what-if, "
                "a advisers, v situation, s FILE save, h help, q quit): "
            )
            if line is None or line.lower() in ("q", "quit", "exit"):
                path = self.autosave()
                if path is not None:
                    self.say(f"Game saved to {path}. Continue with: brink play --text {path}")
                return False
            if not line:
                continue
            cmd, _, rest = line.partition(" ")
            cmd = cmd.lower()
            rest = rest.strip()
            if cmd in ("h", "help", "?"):
                self.say(HELP)
            elif cmd == "a":
                self.advice()
            elif cmd == "o":
                self.options(v, full=True)
            elif cmd == "v":
                self.situation(v)
                self.options(v)
            elif cmd == "w":
                if not rest.isdigit():
                    self.say("Type w and an option number, e.g. w 2.")
                else:
                    self.what_if(int(rest), v)
            elif cmd == "s":
                if not rest:
                    self.say("Type s and a file name, e.g. s mygame.json.")
                    continue
                try:
                    path = save_game(s, Path(rest).expanduser())
                    self.say(f"Saved to {path}.")
                except SaveError as e:
                    self.say(f"Not saved: {e}")
            elif cmd.isdigit():
                n = int(cmd)
                if not 1 <= n <= len(v.options):
                    self.say(f"There is no option {n}; choose 1 to {len(v.options)}.")
                    continue
                o = v.options[n - 1]
                if not o.available:
                    self.say(f"{o.name} is not available: {o.reason}.")
                    continue
                s.commit(self.actor, o.id)
                self.say(f"You chose: {o.name}.")
                return True
            else:
                self.say(f"Unknown command {line!r}. Type h for help.")

    def run(self, briefing: bool = True) -> int:
        try:
            return self._run(briefing)
        except KeyboardInterrupt:
            path = None if self.s.over else self.autosave()
            self.say()
            if path is not None:
                self.say(f"Interrupted. Game saved to {path}.")
            return 130

    def _run(self, briefing: bool) -> int:
        s = self.s
        if briefing:
            self.briefing()
        while not s.over:
            v = s.view(self.actor)
            self.news()
            if v.last_report is not None:
                self.report(v.last_report)
            self.situation(v)
            self.options(v)
            self.advice()
            if not self.choose():
                return 0
            try:
                s.resolve()
            except EngineError as e:
                self.say(f"The turn cannot resolve: {e}")
                return 1
            if s.autosave_error:
                self.say(s.autosave_error)
        self.news()
        rep = s.report(self.actor)
        if rep is not None:
            self.report(rep)
        self.ending()
        return 0


def _pick_actor(session_actors: list[tuple[str, str]], inp: TextIO, out: Console) -> str | None:
    out.print("Choose your side:")
    for i, (_aid, name) in enumerate(session_actors, 1):
        out.print(f"  {i}. {escape(name)}")
    while True:
        out.print("Side number: ", end="")
        out.file.flush()
        line = inp.readline()
        if not line:
            return None
        line = line.strip()
        if line.isdigit() and 1 <= int(line) <= len(session_actors):
            return session_actors[int(line) - 1][0]
        for aid, _name in session_actors:
            if line == aid:
                return aid
        out.print(f"Type a number from 1 to {len(session_actors)}.")


def play(
    scenario: str | Path | None = None,
    actor: str | None = None,
    seed: int | None = None,
    inp: TextIO | None = None,
    out: TextIO | None = None,
    autosave: bool | str | Path = True,
    pin: str | None = None,
) -> int:
    """Play in the terminal. ``scenario`` may also be a save (.json) to continue; a sealed
    class game's save needs the teacher's ``pin``."""
    inp = inp or sys.stdin
    out = out or sys.stdout
    con = Console(file=out, highlight=False, emoji=False, soft_wrap=True)
    from game.scenario.paths import default_scenario

    path = Path(scenario) if scenario else default_scenario()
    if path.suffix.lower() == ".json":
        try:
            s = load_game(path, autosave=autosave, pin=pin)
        except SaveError as e:
            from game.engine.cli import save_error_text

            con.print(escape(f"Cannot continue the saved game: {save_error_text(e)}"))
            return 1
        humans = [a for a, seat in s.seats.items() if seat.waits]
        if actor is None:
            actor = humans[0] if humans else s.actors[0]
        if actor not in s.actors:
            con.print(escape(f"Unknown side {actor!r} (known: {', '.join(s.actors)})"))
            return 2
        con.print(escape(f"Continuing {s.scenario.meta.title} at turn {s.current_turn}."))
        return TextGame(s, actor, inp, out).run(briefing=False)
    try:
        loaded = load_scenario(path)
    except ScenarioError as e:
        con.print(escape(f"The scenario has errors:\n{e}"))
        return 1
    except OSError as e:
        con.print(escape(f"Cannot read {path}: {e.strerror or e}"))
        return 1
    playable = [(a.id, a.name) for a in loaded.scenario.actors if a.playable]
    if actor is None:
        actor = _pick_actor(playable, inp, con)
        if actor is None:
            return 0
    if actor not in [a.id for a in loaded.scenario.actors]:
        known = ", ".join(a for a, _ in playable)
        con.print(escape(f"Unknown side {actor!r} (choose one of: {known})"))
        return 2
    seats = {
        a.id: (Seat.human() if a.id == actor else Seat.ai())
        for a in loaded.scenario.actors
        if a.script is None  # scripted sides move by their rules
    }
    try:
        s = Session.new(loaded, seed=seed, seats=seats, autosave=autosave)
    except ValueError as e:
        con.print(escape(str(e)))
        return 2
    return TextGame(s, actor, inp, out).run()


def main(args: argparse.Namespace) -> int:
    """Entry of ``brink play --text [SCENARIO] [--as ACTOR] [--seed S]``."""
    from game.engine.cli import ask_pin

    return play(
        getattr(args, "scenario", None),
        getattr(args, "actor", None),
        getattr(args, "seed", None),
        pin=ask_pin(args),
    )
