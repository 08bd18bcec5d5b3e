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
import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape

from game.engine.saves import SaveError, load_game, save_game
from game.engine.seats import Seat
from game.engine.session import EngineError, Session
from game.engine.views import PlayerView, TurnReport
from game.i18n import (
    N_,
    _,
    format_date,
    format_number,
    format_percent,
    language,
    ngettext,
    os_error_text,
)
from game.scenario import ScenarioError, load_scenario
from game.words import category_label, span_text

# One block in the catalog: translators keep the command letters.
HELP = N_("""Commands:
  N        choose option number N
  o        the options in full: category, escalation and description
  w N      what-if: forecast of option N against holding course
  a        hear the advisors again
  v        show the situation again
  s FILE   save the game to FILE
  h        this help
  q        quit (the game is autosaved)""")


def _signed(v: float, digits: int = 1) -> str:
    text = format_number(abs(v), digits, grouping=False)
    if round(v, digits) == 0:
        return format_number(0.0, digits, grouping=False)
    return ("+" if v > 0 else "−") + text


def _day(d: dt.date) -> str:
    return format_date(d, "medium")


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
        self.say(_("Seed {seed} (play the same game again with --seed {seed}).", seed=s.seed))
        self.say(
            ngettext(
                "{n} turn of {span} from {start}.",
                "{n} turns of {span} from {start}.",
                scn.meta.turn_limit,
                span=span_text(1, scn.meta.turn_days),
                start=_day(scn.meta.start_date),
            )
        )
        self.heading(_("Briefing"))
        self.say(scn.meta.summary.strip())
        self.heading(_("You play: {side}", side=me.name))
        self.say(me.role.strip())
        self.say(me.case.strip())
        self.heading(_("How the game is scored"))
        self.say(scn.meta.how_to_win.strip())
        goals = sorted(me.objectives.outcomes.items(), key=lambda kv: -kv[1])
        if goals:
            names = {o.id: o.name for o in scn.outcomes}
            self.say(
                _(
                    "Your government's view of the endings: {endings}.",
                    endings="; ".join(f"{names[q]} {_signed(v, 0)}" for q, v in goals),
                )
            )
        others = [a.name for a in scn.actors if a.id != self.actor and a.script is None]
        third = [a.name for a in scn.actors if a.script is not None]
        self.say(_("The computer plays {sides}.", sides=", ".join(others)))
        if third:
            self.say(
                _("Also in play, by the scenario's fixed rules: {sides}.", sides=", ".join(third))
            )
        self.say(_(HELP))

    def news(self) -> None:
        items = self.s.news_for(self.actor)
        fresh = items[self._news_seen :]
        self._news_seen = len(items)
        if not fresh:
            return
        self.heading(_("News"))
        for n in fresh:
            self.say(f"{_day(n.date)} — {n.headline}")

    def report(self, rep: TurnReport) -> None:
        self.heading(_("What happened in turn {turn}", turn=rep.turn))
        for mr in rep.moves.values():
            mine = mr.actor == self.actor
            if mr.covert and mr.exposed:
                line = (
                    _("You: {move} (covert, exposed)", move=mr.option_name)
                    if mine
                    else _(
                        "{side}: {move} (covert, exposed)", side=mr.actor_name, move=mr.option_name
                    )
                )
            elif mr.covert:
                line = (
                    _("You: {move} (covert)", move=mr.option_name)
                    if mine
                    else _("{side}: {move} (covert)", side=mr.actor_name, move=mr.option_name)
                )
            else:
                line = (
                    _("You: {move}", move=mr.option_name)
                    if mine
                    else f"{mr.actor_name}: {mr.option_name}"
                )
            self.say(line)
            for b in mr.branches:
                answer = _("yes") if b.happened else _("no")
                self.say(f"  {b.label}: {answer}")
        for ev in rep.events:
            self.say(_("Event: {event} — {headline}", event=ev.name, headline=ev.headline))
        if not rep.stage_known:
            self.say(_("Stage: unknown to you"))
        elif rep.stage_changed:
            self.say(
                _(
                    "Stage: from {before} to {after}",
                    before=rep.stage_before_name,
                    after=rep.stage_after_name,
                )
            )
        else:
            self.say(_("Stage unchanged: {stage}", stage=rep.stage_after_name))
        self.heading(_("Why it changed"))
        for mc in rep.metrics:
            change = mc.after - mc.before
            if abs(change) < 0.05:
                continue
            if not mc.exact:
                self.say(
                    _(
                        "{metric}: estimate from {before} to {after} (their figure; causes "
                        "unknown to you)",
                        metric=mc.name,
                        before=format_number(round(mc.before) or 0, 0),  # never "-0"
                        after=format_number(round(mc.after) or 0, 0),
                    )
                )
                continue
            causes = "; ".join(
                f"{p.label} {_signed(p.delta)}" for p in mc.sources if abs(p.delta) >= 0.05
            )
            self.say(
                _(
                    "{metric}: from {before} to {after} ({change}). {causes}",
                    metric=mc.name,
                    before=format_number(mc.before, 1),
                    after=format_number(mc.after, 1),
                    change=_signed(change),
                    causes=causes,
                )
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
        self.heading(
            _(
                "Turn {turn} of {limit} — {date} — {stage}",
                turn=s.current_turn,
                limit=s.turn_limit,
                date=_day(v.date),
                stage=stage,
            )
        )
        for m in v.metrics:
            parts = [_("scale {low} to {high}", low=format_number(m.lo), high=format_number(m.hi))]
            if m.higher_is == "escalatory":
                parts.append(_("higher is more dangerous"))
            elif m.higher_is == "calming":
                parts.append(_("higher is calmer"))
            if m.history:
                d = m.estimate - m.history[-1]
                if abs(d) >= 0.5:
                    parts.append(_("{change} since last turn", change=_signed(d, 0)))
            self.say(f"{m.name}: {m.text} ({'; '.join(parts)})")
        if any(not m.exact for m in v.metrics):
            self.say(
                _(
                    "Estimates are your intelligence services' (± one standard error); "
                    "intelligence quality {quality}.",
                    quality=format_percent(v.intel),
                )
            )
        for line in [*(cm.text for cm in v.commitments), *(o.text for o in v.offers)]:
            self.say(line)
        for line in [*([v.own_type] if v.own_type else []), *(b.text for b in v.beliefs)]:
            self.say(line)

    def options(self, v: PlayerView, full: bool = False) -> None:
        """The options: names only each turn (``o`` for the full list)."""
        self.heading(_("Your options") if full else _("Your options (o: in full, w N: what-if)"))
        if not full:
            for i, o in enumerate(v.options, 1):
                if not o.available:
                    self.say(
                        _(
                            "{n}. {option}: not available, {reason}",
                            n=i,
                            option=o.name,
                            reason=o.reason,
                        )
                    )
                elif o.hold:
                    self.say(_("{n}. {option} (hold course)", n=i, option=o.name))
                else:
                    self.say(f"{i}. {o.name}")
            return
        for i, o in enumerate(v.options, 1):
            tags = [
                category_label(o.category),
                _("escalation {score}", score=format_number(o.escalation)),
            ]
            if o.covert:
                tags.append(_("covert"))
            if o.hold:
                tags.append(_("hold course"))
            if o.available:
                self.say(f"{i}. {o.name} ({', '.join(tags)}). {o.description.strip()}")
            else:
                self.say(
                    _(
                        "{n}. {option}: not available, {reason}.",
                        n=i,
                        option=o.name,
                        reason=o.reason,
                    )
                )

    def advice(self) -> None:
        advice = self.s.advice(self.actor)
        if not advice:
            return
        self.heading(_("Your advisors"))
        names = [o.id for o in self.s.options(self.actor)]
        for a in advice:
            n = names.index(a.option) + 1
            self.say(
                _(
                    "{name}, {title} ({stance}): recommends {n}. {option}. {reason}",
                    name=a.name,
                    title=a.title,
                    stance=a.stance,
                    n=n,
                    option=a.option_name,
                    reason=a.reason,
                )
            )

    def what_if(self, number: int, v: PlayerView) -> None:
        opts = v.options
        if not 1 <= number <= len(opts):
            self.say(_("There is no option {n}; choose 1 to {last}.", n=number, last=len(opts)))
            return
        o = opts[number - 1]
        hold = next(x for x in opts if x.hold)
        horizon = 4
        f1 = self.s.what_if(self.actor, o.id, horizon=horizon)
        f0 = self.s.what_if(self.actor, hold.id, horizon=horizon)
        span = span_text(horizon, self.s.scenario.meta.turn_days)
        self.heading(
            _("What if: {option}, against holding course — next {span}", option=o.name, span=span)
        )
        self.say(_("{n} simulated futures each, from what you know.", n=format_number(f1.worlds)))
        for q, oc in enumerate(self.s.scenario.outcomes):
            p1 = f1.p_by_turn[horizon, q]
            p0 = f0.p_by_turn[horizon, q]
            self.say(
                _(
                    "Chance of {outcome}: {p} (holding course: {held})",
                    outcome=oc.name,
                    p=format_percent(p1),
                    held=format_percent(p0),
                )
            )
        self.say(
            _(
                "Still unresolved: {p} (holding course: {held})",
                p=format_percent(f1.p_by_turn[horizon, -1]),
                held=format_percent(f0.p_by_turn[horizon, -1]),
            )
        )
        med = 2  # QUANTILES index of the median
        for m, met in enumerate(self.s.scenario.metrics):
            mv = v.metrics[m]
            if not mv.exact:
                continue
            a1, a0 = f1.bands[horizon, med, m], f0.bands[horizon, med, m]
            if abs(a1 - a0) >= 0.5:
                self.say(
                    _(
                        "{metric} in {span}: about {value} (holding course: {held})",
                        metric=met.name,
                        span=span,
                        value=format_number(a1, 0),
                        held=format_number(a0, 0),
                    )
                )
        if not o.available:
            self.say(
                _("Note: {option} is not available now ({reason}).", option=o.name, reason=o.reason)
            )

    def ending(self) -> None:
        s = self.s
        self.heading(_("The end"))
        if s.outcome is None:
            self.say(ngettext("No outcome after {n} turn.", "No outcome after {n} turns.", s.turn))
            return
        q = s.c.index["outcome"][s.outcome]
        oc = s.scenario.outcomes[q]
        self.say(
            ngettext(
                "Outcome after {n} turn ({date}): {outcome}.",
                "Outcome after {n} turns ({date}): {outcome}.",
                s.turn,
                date=_day(s.date_of(s.turn)),
                outcome=oc.name,
            )
        )
        self.say(oc.headline)
        self.say(oc.description.strip())
        me = s.scenario.actors[s.c.actor_index(self.actor)]
        value = me.objectives.outcomes.get(oc.id, 0.0)
        self.say(_("Your government valued this ending at {value}.", value=_signed(value, 0)))
        v = s.view(self.actor)
        self.heading(_("Final situation"))
        for m in v.metrics:
            self.say(f"{m.name}: {m.text}")
        path = self.autosave()
        if path is not None:
            self.say(
                _(
                    "Seed {seed}. The game is saved in {path}; replay it with: brink replay {path}",
                    seed=s.seed,
                    path=path,
                )
            )
        else:
            self.say(_("Seed {seed}.", seed=s.seed))

    # --- the loop --------------------------------------------------------------------------------

    def autosave(self) -> Path | None:
        path = self.s.autosave_path
        if path is None:
            return None
        try:
            save_game(self.s, path)
        except SaveError as e:
            self.say(_("Could not autosave: {error}", error=e))
            return None
        return path

    def choose(self) -> bool:
        """The prompt loop of one turn; False if the player quit."""
        s = self.s
        v = s.view(self.actor)
        while True:
            line = self.ask(
                _(
                    "Your move, turn {turn} (1-{last}, o options, w N what-if, a advisors, "
                    "v situation, s FILE save, h help, q quit): ",
                    turn=s.current_turn,
                    last=len(v.options),
                )
            )
            if line is None or line.lower() in ("q", "quit", "exit"):
                path = self.autosave()
                if path is not None:
                    self.say(
                        _(
                            "Game saved to {path}. Continue with: brink play --text {path}",
                            path=path,
                        )
                    )
                return False
            if not line:
                continue
            cmd, _sep, rest = line.partition(" ")
            cmd = cmd.lower()
            rest = rest.strip()
            if cmd in ("h", "help", "?"):
                self.say(_(HELP))
            elif cmd == "a":
                self.advice()
            elif cmd == "o":
                self.options(v, full=True)
            elif cmd == "v":
                self.situation(v)
                self.options(v)
            elif cmd == "w":
                if not rest.isdigit():
                    self.say(_("Type w and an option number, e.g. w 2."))
                else:
                    self.what_if(int(rest), v)
            elif cmd == "s":
                if not rest:
                    self.say(_("Type s and a file name, e.g. s mygame.json."))
                    continue
                try:
                    path = save_game(s, Path(rest).expanduser())
                    self.say(_("Saved to {path}.", path=path))
                except SaveError as e:
                    self.say(_("Not saved: {error}", error=e))
            elif cmd.isdigit():
                n = int(cmd)
                if not 1 <= n <= len(v.options):
                    self.say(
                        _("There is no option {n}; choose 1 to {last}.", n=n, last=len(v.options))
                    )
                    continue
                o = v.options[n - 1]
                if not o.available:
                    self.say(
                        _("{option} is not available: {reason}.", option=o.name, reason=o.reason)
                    )
                    continue
                s.commit(self.actor, o.id)
                self.say(_("You chose: {option}.", option=o.name))
                return True
            else:
                self.say(_("Unknown command {command!r}. Type h for help.", command=line))

    def run(self, briefing: bool = True) -> int:
        try:
            return self._run(briefing)
        except KeyboardInterrupt:
            path = None if self.s.over else self.autosave()
            self.say()
            if path is not None:
                self.say(_("Interrupted. Game saved to {path}.", path=path))
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
                self.say(_("The turn cannot resolve: {error}", error=e))
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
    out.print(escape(_("Choose your side:")))
    for i, (_aid, name) in enumerate(session_actors, 1):
        out.print(f"  {i}. {escape(name)}")
    while True:
        out.print(escape(_("Side number: ")), end="")
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
        out.print(escape(_("Type a number from 1 to {last}.", last=len(session_actors))))


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

            con.print(
                escape(_("Cannot continue the saved game: {error}", error=save_error_text(e)))
            )
            return 1
        humans = [a for a, seat in s.seats.items() if seat.waits]
        if actor is None:
            actor = humans[0] if humans else s.actors[0]
        if actor not in s.actors:
            con.print(
                escape(
                    _(
                        "Unknown side {side!r} (known: {known})",
                        side=actor,
                        known=", ".join(s.actors),
                    )
                )
            )
            return 2
        con.print(
            escape(
                _(
                    "Continuing {title} at turn {turn}.",
                    title=s.scenario.meta.title,
                    turn=s.current_turn,
                )
            )
        )
        return TextGame(s, actor, inp, out).run(briefing=False)
    try:
        # the scenario's text in the language in use (its sidecar); the save is the same
        loaded = load_scenario(path).in_language(language())
    except ScenarioError as e:
        con.print(escape(_("The scenario has errors:\n{errors}", errors=e)))
        return 1
    except OSError as e:
        con.print(escape(_("Cannot read {path}: {error}", path=path, error=os_error_text(e))))
        return 1
    playable = [(a.id, a.name) for a in loaded.scenario.actors if a.playable]
    if actor is None:
        actor = _pick_actor(playable, inp, con)
        if actor is None:
            return 0
    if actor not in [a.id for a in loaded.scenario.actors]:
        known = ", ".join(a for a, _ in playable)
        con.print(
            escape(_("Unknown side {side!r} (choose one of: {known})", side=actor, known=known))
        )
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
