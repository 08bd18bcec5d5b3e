"""Words used by several layers: spans of time, moves, names mid-sentence, metric values
and option-category labels, each a whole template in the message catalogs (game.i18n).

It sits below the engine, the report and the UI (it imports only scenario types and
game.i18n), so every layer words these things the same way in every language.
"""

from __future__ import annotations

import re
from enum import Enum

from game.i18n import N_, _, format_number, ngettext
from game.scenario.schema import Outcome, Scenario

# One label per option category (``OptionCategory`` in the scenario schema), in English;
# category_label translates them.
CATEGORY_LABELS = {
    "talks": N_("Talks"),
    "covert": N_("Covert action"),
    "mobilization": N_("Mobilisation"),
    "show_of_force": N_("Show of force"),
    "sanctions": N_("Sanctions"),
    "legal": N_("Legal"),
    "strike": N_("Strike"),
    "invasion": N_("Invasion"),
    "de_escalation": N_("De-escalation"),
    "information": N_("Information"),
    "alliance": N_("Alliance"),
    "status_quo": N_("Hold course"),
    "concession": N_("Concession"),
}


def category_label(category: str | Enum) -> str:
    """An option category as shown to players: ``show_of_force`` -> ``Show of force``."""
    key = str(category.value if isinstance(category, Enum) else category)
    if key in CATEGORY_LABELS:
        return _(CATEGORY_LABELS[key])
    return key.replace("_", " ").capitalize()


# Plurals that do not just add an s.
_PLURALS = {"analysis": "analyses", "country": "countries", "party": "parties"}


def plural(word: str, n: int) -> str:
    """``word`` for ``n`` things: ``turn`` -> ``turns`` unless n is 1."""
    if n == 1:
        return word
    if word in _PLURALS:
        return _PLURALS[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def count_text(n: int, word: str) -> str:
    """``1 warning``, ``2 warnings``, ``0 warnings``: a whole template in the catalog for
    the words the game counts (other words: English plural rules)."""
    if word == "turn":
        return ngettext("{n} turn", "{n} turns", n)
    if word == "day":
        return ngettext("{n} day", "{n} days", n)
    if word == "week":
        return ngettext("{n} week", "{n} weeks", n)
    if word == "time":
        return ngettext("{n} time", "{n} times", n)
    if word == "warning":
        return ngettext("{n} warning", "{n} warnings", n)
    return f"{n} {plural(word, n)}"


def other_sides(n_actors: int) -> str:
    """How one side names the rest: ``the other side`` with two actors, else ``the other sides``."""
    return "the other side" if n_actors <= 2 else "the other sides"


def every_side(n_actors: int) -> str:
    """``both sides`` with two actors, ``all sides`` with more."""
    return "both sides" if n_actors <= 2 else "all sides"


def others_verb(n_actors: int, singular: str, plural_form: str) -> str:
    """``the other side sees`` / ``the other sides see``."""
    return f"{other_sides(n_actors)} {singular if n_actors <= 2 else plural_form}"


def possessive(name: str) -> str:
    """``Blueland's``, ``United States'`` (English only: new code uses ``move_label``)."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def move_label(actor: str, option: str) -> str:
    """One side's move, as a whole phrase: ``Red's move (Call up the reserves)``."""
    if actor.endswith("s"):
        return _("{actor}' move ({option})", actor=actor, option=option)
    return _("{actor}'s move ({option})", actor=actor, option=option)


def span_text(turns: int, turn_days: int) -> str:
    """``turns`` turns of ``turn_days`` days in words: ``4 weeks``, ``9 days``."""
    days = turns * turn_days
    if days % 7 == 0:
        return ngettext("{n} week", "{n} weeks", days // 7)
    return ngettext("{n} day", "{n} days", days)


# A capitalised word after a lower-case word or a comma: "... said Paris would ..."
_MID_SENTENCE = re.compile(r"(?:^|\s)[a-z\u00df-\u00ff]+[,;]? ([A-Z\u00c0-\u00de][\w-]+)")


def _capitalised_mid_sentence(scn: Scenario) -> set[str]:
    """Words the scenario's own prose capitalises mid-sentence: proper names such as its
    capitals ("Londres", "Paris"), which no actor or map place may name."""
    text = " ".join(
        [scn.meta.summary or ""] + [f"{a.role or ''} {a.case or ''}" for a in scn.actors]
    )
    words = set(re.findall(r"[\w-]+", text))
    # "la Operación Lanza del Sur" but "una operación terrestre": a word the prose also
    # writes in lower case is no name
    return {w for w in _MID_SENTENCE.findall(text) if w.lower() not in words}


def in_sentence(name: str, scn: Scenario) -> str:
    """A name as it reads mid-sentence: 'War' -> 'war', but proper names keep capitals."""
    first = name.split(" ", 1)[0]
    names = [a.name + " " + (a.short_name or "") for a in scn.actors]
    if scn.map is not None:  # the region's countries and places are proper names too
        names += scn.map.countries + [p.name for p in scn.map.places]
        names += [a.name for a in scn.map.anchors]
    proper = {w.strip("(),") for n in names for w in n.split()}
    proper |= _capitalised_mid_sentence(scn)
    if first in proper or (len(first) > 1 and first[1:].lower() != first[1:]):
        return name
    return name[:1].lower() + name[1:]


def format_value(value: float, lo: float, hi: float, exact: bool = True, error: float = 0.0) -> str:
    """A metric's value: ``42``, or ``~55 ±12`` for an estimate. Kept within the metric's
    range; a decimal only for metrics whose range is narrower than 20."""
    digits = 0 if hi - lo >= 20 else 1
    v = round(min(max(value, lo), hi), digits)
    text = format_number(0.0 if v == 0 else v, digits, grouping=False)  # never "-0"
    if exact:
        return text
    if v - error < lo or v + error > hi:  # the band at the range's edge: say where it lies
        a, b = max(lo, v - error), min(hi, v + error)
        return f"~{text} ({a:.{digits}f}–{b:.{digits}f})"
    return _("~{value} ±{error}", value=text, error=format_number(error, digits, grouping=False))


def short_name(outcome: Outcome) -> str:
    """An outcome's short name for tight places (its ``short_name``, else its name)."""
    return outcome.short_name or outcome.name
