"""Every kind of action the log records, in one table: its fields, how a save re-plays
it, whether it draws from the inject stream, and how the report words it.

The inject stream: an action that draws random numbers (a scheduled inject, a fired
event) uses stream (INJECT, turn, k), where k counts the actions of its turn before it
whose kind ``stream`` is true. The stream kinds are the ones that existed before the
classroom's; a classroom action (a lock, the timer) never shifts the luck of a later
inject, so old saves keep re-playing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from game.i18n import _, format_number, ngettext
from game.scenario.schema import Scenario

if TYPE_CHECKING:
    from game.engine.session import Session

Action = Mapping[str, Any]


@dataclass(frozen=True)
class ActionKind:
    """One kind of logged action."""

    kind: str
    fields: tuple[str, ...]  # required, besides "kind" and "turn"
    optional: tuple[str, ...]
    stream: bool  # counts towards the inject stream's index
    console: bool  # the teacher's (or the clock's) doing, listed in the report's console
    replay: Callable[[Session, Action, bool], None]  # (session, action, rerun the AI)
    words: Callable[[Action, Scenario], str]


class _Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...


def _name(items: Iterable[_Named], ident: object) -> str:
    return next((x.name for x in items if x.id == ident), str(ident))


def _who(act: Action, scn: Scenario) -> str:
    if act.get("team"):
        return str(act["team"])
    if act.get("actor"):
        return _name(scn.actors, act["actor"])
    return _("a team")


def _advice_words(act: Action, scn: Scenario) -> str:
    actor = next((a for a in scn.actors if a.id == act.get("actor")), None)
    if actor is None:
        return _("The advisors were consulted")
    recs = [
        f"{_name(actor.advisors, adv)}: {_name(actor.options, opt)}"
        for adv, opt in act.get("advice", [])
    ]
    return _("{side} consulted the advisors — {advice}", side=actor.name, advice="; ".join(recs))


def _replay_advice(s: Session, act: Action, rerun: bool) -> None:
    if rerun:
        s.advice(act["actor"])
    else:  # the advisors' words are kept, not computed again
        s.turn_log.keep(dict(act))


def _replay_timeout(s: Session, act: Action, rerun: bool) -> None:
    s.classroom.timer_expired(act["actor"])


def _replay_times_up(s: Session, act: Action, rerun: bool) -> None:
    # a lesson length calls time by itself after the resolution that reaches it
    if not s.console.timed_out():
        s.console.times_up()


def _nothing(s: Session, act: Action, rerun: bool) -> None:
    """Scheduled injects fire by themselves at the start of their turn."""


KINDS: dict[str, ActionKind] = {
    k.kind: k
    for k in (
        ActionKind(
            "inject",
            ("id",),
            (),
            stream=True,
            console=False,
            replay=_nothing,
            words=lambda a, scn: _(
                "Scheduled inject: {headline}",
                headline=next(
                    (i.headline for i in scn.injects if i.id == a.get("id")), str(a.get("id"))
                ),
            ),
        ),
        ActionKind(
            "fire_event",
            ("event",),
            (),
            stream=True,
            console=True,
            replay=lambda s, a, r: s.console.fire_event(a["event"]),
            words=lambda a, scn: _(
                "Teacher fired the event “{event}”", event=_name(scn.events, a.get("event"))
            ),
        ),
        ActionKind(
            "set_metric",
            ("metric", "value"),
            (),
            stream=True,
            console=True,
            replay=lambda s, a, r: s.console.set_metric(a["metric"], a["value"]),
            words=lambda a, scn: _(
                "Teacher set {metric} to {value}",
                metric=_name(scn.metrics, a.get("metric")),
                value=format_number(float(a["value"])),
            ),
        ),
        ActionKind(
            "add_inject",
            ("headline",),
            ("text",),
            stream=True,
            console=True,
            replay=lambda s, a, r: s.console.add_inject(a["headline"], a.get("text", "")),
            words=lambda a, scn: (
                _(
                    "Teacher inject: “{headline}” — {text}",
                    headline=a.get("headline", ""),
                    text=a["text"],
                )
                if a.get("text")
                else _("Teacher inject: “{headline}”", headline=a.get("headline", ""))
            ),
        ),
        ActionKind(
            "pause",
            (),
            (),
            stream=True,
            console=True,
            replay=lambda s, a, r: s.console.pause(),
            words=lambda a, scn: _("Teacher paused the game"),
        ),
        ActionKind(
            "resume",
            (),
            (),
            stream=True,
            console=True,
            replay=lambda s, a, r: s.console.resume(),
            words=lambda a, scn: _("Teacher resumed the game"),
        ),
        ActionKind(
            "reveal",
            (),
            (),
            stream=False,
            console=True,
            replay=lambda s, a, r: s.console.reveal(),
            words=lambda a, scn: _("Teacher revealed the true values to everyone"),
        ),
        ActionKind(
            "lock",
            ("actor",),
            ("team", "option"),
            stream=False,
            console=True,
            replay=lambda s, a, r: s.classroom.lock(a["actor"], a.get("option")),
            words=lambda a, scn: _("Teacher locked {who}'s choice", who=_who(a, scn)),
        ),
        ActionKind(
            "timer_expired",
            ("actor",),
            ("team", "option"),
            stream=False,
            console=True,
            replay=_replay_timeout,
            words=lambda a, scn: (
                _(
                    "Timer ran out for {who}: hold course committed ({option})",
                    who=_who(a, scn),
                    option=a["option"],
                )
                if a.get("option")
                else _("Timer ran out for {who}: hold course committed", who=_who(a, scn))
            ),
        ),
        ActionKind(
            "set_timer",
            ("seconds",),
            (),
            stream=False,
            console=True,
            replay=lambda s, a, r: s.classroom.set_timer(a["seconds"]),
            words=lambda a, scn: (
                _("Teacher set the turn timer to {seconds} s", seconds=a["seconds"])
                if a.get("seconds")
                else _("Teacher set the turn timer")
            ),
        ),
        ActionKind(
            "extend_timer",
            ("seconds",),
            ("actor", "team"),
            stream=False,
            console=True,
            replay=lambda s, a, r: s.classroom.extend_timer(a["seconds"], a.get("actor")),
            words=lambda a, scn: (
                _("Teacher extended the timer by {seconds} s", seconds=a["seconds"])
                if a.get("seconds")
                else _("Teacher extended the timer")
            ),
        ),
        ActionKind(
            "stop_timer",
            (),
            ("actor", "team"),
            stream=False,
            console=True,
            replay=lambda s, a, r: s.classroom.stop_timer(a.get("actor")),
            words=lambda a, scn: _("Teacher stopped the timer"),
        ),
        ActionKind(
            "end_game",
            (),
            ("outcome",),
            stream=False,
            console=True,
            replay=lambda s, a, r: s.console.end_game(a.get("outcome")),
            words=lambda a, scn: (
                _("Teacher ended the game: {outcome}", outcome=_name(scn.outcomes, a["outcome"]))
                if a.get("outcome")
                else _("Teacher ended the game")
            ),
        ),
        ActionKind(
            "times_up",
            (),
            (),
            stream=False,
            console=True,
            replay=_replay_times_up,
            words=lambda a, scn: _(
                "Time's up: the teacher's lesson length was reached (no outcome)"
            ),
        ),
        ActionKind(
            "set_lesson_length",
            ("turns",),
            (),
            stream=False,
            console=True,
            replay=lambda s, a, r: s.console.set_lesson_length(a["turns"]),
            words=lambda a, scn: (
                ngettext(
                    "Teacher set the lesson length to {n} turn",
                    "Teacher set the lesson length to {n} turns",
                    int(a["turns"]),
                )
                if a.get("turns")
                else _("Teacher removed the lesson length")
            ),
        ),
        ActionKind(
            "advice",
            ("actor", "advice"),
            (),
            stream=False,
            console=False,
            replay=_replay_advice,
            words=_advice_words,
        ),
    )
}

CONSOLE_KINDS = frozenset(k for k, v in KINDS.items() if v.console)


def draws_from_inject_stream(kind: str) -> bool:
    return KINDS[kind].stream if kind in KINDS else False


def replay_action(s: Session, act: object, rerun: bool) -> None:
    """Re-apply one logged action to a session (``ValueError`` if it is malformed)."""
    if not isinstance(act, Mapping) or not isinstance(act.get("kind"), str):
        raise ValueError(
            _("an action should be a mapping with a 'kind', got {action!r}", action=act)
        )
    kind = KINDS.get(act["kind"])
    if kind is None:
        raise ValueError(_("unknown action {kind!r}", kind=act["kind"]))
    missing = [f for f in kind.fields if f not in act]
    if missing:
        raise ValueError(
            _("a {kind!r} action is missing {fields}", kind=kind.kind, fields=", ".join(missing))
        )
    kind.replay(s, act, rerun)


def describe(act: Action, scn: Scenario) -> str:
    """A logged action as one line of the report."""
    kind = KINDS.get(str(act.get("kind")))
    if kind is not None:
        return kind.words(act, scn)
    rest = ", ".join(f"{k} {v}" for k, v in act.items() if k not in ("kind", "turn"))
    name = str(act.get("kind", "?")).replace("_", " ").capitalize()
    return name + (f": {rest}" if rest else "")
