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
    return "a team"


def _seconds(act: Action) -> str:
    return f" {act['seconds']} s" if act.get("seconds") else ""


def _advice_words(act: Action, scn: Scenario) -> str:
    actor = next((a for a in scn.actors if a.id == act.get("actor")), None)
    if actor is None:
        return "The advisors were consulted"
    recs = [
        f"{_name(actor.advisors, adv)}: {_name(actor.options, opt)}"
        for adv, opt in act.get("advice", [])
    ]
    return f"{actor.name} consulted the advisors — " + "; ".join(recs)


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
            words=lambda a, scn: (
                "Scheduled inject: "
                + next((i.headline for i in scn.injects if i.id == a.get("id")), str(a.get("id")))
            ),
        ),
        ActionKind(
            "fire_event",
            ("event",),
            (),
            stream=True,
            console=True,
            replay=lambda s, a, r: s.console.fire_event(a["event"]),
            words=lambda a, scn: f"Teacher fired the event “{_name(scn.events, a.get('event'))}”",
        ),
        ActionKind(
            "set_metric",
            ("metric", "value"),
            (),
            stream=True,
            console=True,
            replay=lambda s, a, r: s.console.set_metric(a["metric"], a["value"]),
            words=lambda a, scn: (
                f"Teacher set {_name(scn.metrics, a.get('metric'))} to {float(a['value']):g}"
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
                f"Teacher inject: “{a.get('headline', '')}”"
                + (f" — {a['text']}" if a.get("text") else "")
            ),
        ),
        ActionKind(
            "pause",
            (),
            (),
            stream=True,
            console=True,
            replay=lambda s, a, r: s.console.pause(),
            words=lambda a, scn: "Teacher paused the game",
        ),
        ActionKind(
            "resume",
            (),
            (),
            stream=True,
            console=True,
            replay=lambda s, a, r: s.console.resume(),
            words=lambda a, scn: "Teacher resumed the game",
        ),
        ActionKind(
            "reveal",
            (),
            (),
            stream=False,
            console=True,
            replay=lambda s, a, r: s.console.reveal(),
            words=lambda a, scn: "Teacher revealed the true values to everyone",
        ),
        ActionKind(
            "lock",
            ("actor",),
            ("team", "option"),
            stream=False,
            console=True,
            replay=lambda s, a, r: s.classroom.lock(a["actor"], a.get("option")),
            words=lambda a, scn: f"Teacher locked {_who(a, scn)}'s choice",
        ),
        ActionKind(
            "timer_expired",
            ("actor",),
            ("team", "option"),
            stream=False,
            console=True,
            replay=_replay_timeout,
            words=lambda a, scn: (
                f"Timer ran out for {_who(a, scn)}: hold course committed"
                + (f" ({a['option']})" if a.get("option") else "")
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
                f"Teacher set the turn timer to{_seconds(a)}"
                if a.get("seconds")
                else "Teacher set the turn timer"
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
                f"Teacher extended the timer by{_seconds(a)}"
                if a.get("seconds")
                else "Teacher extended the timer"
            ),
        ),
        ActionKind(
            "stop_timer",
            (),
            ("actor", "team"),
            stream=False,
            console=True,
            replay=lambda s, a, r: s.classroom.stop_timer(a.get("actor")),
            words=lambda a, scn: "Teacher stopped the timer",
        ),
        ActionKind(
            "end_game",
            (),
            ("outcome",),
            stream=False,
            console=True,
            replay=lambda s, a, r: s.console.end_game(a.get("outcome")),
            words=lambda a, scn: (
                "Teacher ended the game"
                + (f": {_name(scn.outcomes, a['outcome'])}" if a.get("outcome") else "")
            ),
        ),
        ActionKind(
            "times_up",
            (),
            (),
            stream=False,
            console=True,
            replay=_replay_times_up,
            words=lambda a, scn: "Time's up: the teacher's lesson length was reached (no outcome)",
        ),
        ActionKind(
            "set_lesson_length",
            ("turns",),
            (),
            stream=False,
            console=True,
            replay=lambda s, a, r: s.console.set_lesson_length(a["turns"]),
            words=lambda a, scn: (
                f"Teacher set the lesson length to {a['turns']} turns"
                if a.get("turns")
                else "Teacher removed the lesson length"
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
        raise ValueError(f"an action should be a mapping with a 'kind', got {act!r}")
    kind = KINDS.get(act["kind"])
    if kind is None:
        raise ValueError(f"unknown action {act['kind']!r}")
    missing = [f for f in kind.fields if f not in act]
    if missing:
        raise ValueError(f"a {kind.kind!r} action is missing {', '.join(missing)}")
    kind.replay(s, act, rerun)


def describe(act: Action, scn: Scenario) -> str:
    """A logged action as one line of the report."""
    kind = KINDS.get(str(act.get("kind")))
    if kind is not None:
        return kind.words(act, scn)
    rest = ", ".join(f"{k} {v}" for k, v in act.items() if k not in ("kind", "turn"))
    name = str(act.get("kind", "?")).replace("_", " ").capitalize()
    return name + (f": {rest}" if rest else "")
