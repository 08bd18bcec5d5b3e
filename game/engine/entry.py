"""What a classroom may type: team names, the teacher's PIN, a class code, the timer.

Pure functions and one frozen record, so every front end (the window, a terminal,
a test) applies the same rules and words the same refusals. The session checks
again what it is given; these rules say it first, in the teacher's words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from game.engine.classcode import ClassCode
from game.i18n import _, ngettext

MAX_TEAMS_PER_SIDE = 6
MAX_TEAM_NAME = 40  # characters
MAX_TEAMS_TYPED = 80  # characters typed for one side's teams
MAX_CLASS_CODE = 40  # characters typed (hyphens and spaces included)
PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8  # a PIN the teacher sets
PIN_MAX_TYPED = 12  # characters the PIN box takes at the console's door
TIMER_CHOICES = (0, 60, 120, 180)  # seconds per team and turn (0: no timer)
LESSON_CHOICES = (0, 6, 8, 16)  # turns a lesson lasts (0: the scenario's own limit)


def parse_team_names(text: str) -> list[str]:
    """Team names typed with commas, e.g. ``Red, Green`` -> ``["Red", "Green"]``."""
    return [n.strip() for n in text.split(",") if n.strip()]


def teams_from_text(typed: Mapping[str, str]) -> dict[str, list[str]]:
    """``{actor: "Red, Green"}`` -> ``{actor: ["Red", "Green"]}``; sides left empty drop out
    (the computer plays them)."""
    out = {}
    for actor, text in typed.items():
        names = parse_team_names(text)
        if names:
            out[actor] = names
    return out


def pin_problem(pin: str) -> str:
    """Why ``pin`` cannot be the teacher's PIN ("" when it can)."""
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS or not pin.isdigit():
        return _(
            "Set a teacher PIN of {n} or more digits: it opens the console (F9).",
            n=PIN_MIN_DIGITS,
        )
    return ""


def setup_problem(teams: Mapping[str, Sequence[str]], pin: str, code: str) -> str:
    """What stops a class from starting ("" when nothing): the rosters and the PIN; a
    class code alone (joining another group's game) may come without teams."""
    if not teams and not code.strip():
        return _("Name at least one team (a side left empty is played by the computer).")
    names = [n.casefold() for ns in teams.values() for n in ns]
    if len(names) != len(set(names)):
        return _("Two teams have the same name: give every team its own.")
    if any(len(ns) > MAX_TEAMS_PER_SIDE for ns in teams.values()):
        return _("At most {n} teams take turns on one side.", n=MAX_TEAMS_PER_SIDE)
    if any(len(n) > MAX_TEAM_NAME for ns in teams.values() for n in ns):
        return _("A team name is at most {n} characters.", n=MAX_TEAM_NAME)
    return pin_problem(pin)


def teams_for_code(
    code: ClassCode, actor_ids: Sequence[str], teams: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """The typed teams of the sides a class code gives to people (the others are the
    computer's in that game, whatever was typed for them)."""
    people = {actor_ids[a] for a in code.people if a < len(actor_ids)}
    return {a: list(ns) for a, ns in teams.items() if a in people}


def next_timer(current: int, step: int = 1) -> int:
    """The timer choice ``step`` places after ``current`` (round the list)."""
    i = TIMER_CHOICES.index(current) if current in TIMER_CHOICES else -1
    return TIMER_CHOICES[(i + step) % len(TIMER_CHOICES)]


def next_lesson(current: int, turn_limit: int, step: int = 1) -> int:
    """The lesson-length choice ``step`` places after ``current`` (round the list of
    those within the scenario's turn limit)."""
    choices = [n for n in LESSON_CHOICES if n <= turn_limit]
    i = choices.index(current) if current in choices else -1
    return choices[(i + step) % len(choices)]


def lesson_label(turns: int) -> str:
    """``6 turns, then time's up`` or ``to the scenario's end``."""
    if not turns:
        return _("to the scenario's end")
    return ngettext("{n} turn, then time's up", "{n} turns, then time's up", turns)


def parse_metric_value(text: str) -> float | None:
    """A metric value typed at the console (None when it is not a number)."""
    try:
        return float(text.strip())
    except ValueError:
        return None
