"""``brink briefing``: a printable role briefing for one side of a scenario."""

from __future__ import annotations

import datetime as dt
from typing import Any

from game.engine.fog import stage_visible
from game.i18n import N_, _, format_number, language, ngettext
from game.model.conditions import Index, compile_one, describe
from game.report.render import render
from game.report.words import (
    date_text,
    fact_rows,
    facts_of_actor,
    metric_goals,
    outcome_goals,
)
from game.scenario import Loaded
from game.scenario.schema import Actor, Option, Scenario
from game.words import category_label, in_sentence, span_text


class UnknownActor(ValueError):
    """No briefing for this actor: not in the scenario, or played by no one (``known``: the
    sides that are played, by id and name)."""

    def __init__(self, actor: str, known: list[tuple[str, str]], unplayed: Actor | None = None):
        self.actor = actor
        self.known = known
        listed = ", ".join(f"{a} ({name})" for a, name in known)
        if unplayed is None:
            message = _(
                "unknown actor {actor!r}; the sides played in this scenario are: {listed}",
                actor=actor,
                listed=listed,
            )
        elif unplayed.script is not None:
            message = _(
                "{name} ({actor}) moves by the scenario's fixed rules and no one plays it; "
                "a briefing is for a side that is played: {listed}",
                name=unplayed.name,
                actor=actor,
                listed=listed,
            )
        else:
            message = _(
                "{name} ({actor}) is played by the computer only; "
                "a briefing is for a side that is played: {listed}",
                name=unplayed.name,
                actor=actor,
                listed=listed,
            )
        super().__init__(message)


def _limits(scn: Scenario, opt: Option) -> str:
    """When an option can be chosen, in words ("" when always)."""
    parts = []
    if opt.available.stages:
        names = [s.name for s in scn.ladder if s.id in opt.available.stages]
        parts.append(_("only at {stages}", stages=", ".join(in_sentence(n, scn) for n in names)))
    ix = Index.of(scn)
    for cond in opt.available.conditions:
        parts.append(_("needs {condition}", condition=describe(compile_one(cond, ix), scn)))
    if opt.cooldown:
        parts.append(ngettext("then not for {n} turn", "then not for {n} turns", opt.cooldown))
    if opt.max_uses:
        parts.append(ngettext("at most {n} time", "at most {n} times", opt.max_uses))
    return "; ".join(parts)


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of a YAML text block (folded blocks keep one newline between them)."""
    return [p.strip() for p in text.split("\n") if p.strip()]


def context(loaded: Loaded, actor_id: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """What the briefing shows; facts only as known on ``as_of`` (default: the scenario's
    ``facts_as_of``). Words in the current language (game.i18n), the scenario's text from
    its sidecar in that language."""
    loaded = loaded.in_language(language())
    scn = loaded.scenario
    actor: Actor | None = next((a for a in scn.actors if a.id == actor_id), None)
    if actor is None or not actor.playable:
        # a role briefing is a student's handout: a third party no one plays gets none
        raise UnknownActor(actor_id, [(a.id, a.name) for a in scn.actors if a.playable], actor)
    meta = scn.meta
    aims, want, avoid = outcome_goals(scn, actor)
    # the sides faced; scripted third parties act by rules, so they are named apart
    others = [a for a in scn.actors if a.id != actor.id and a.script is None]
    third = [a.name for a in scn.actors if a.id != actor.id and a.script is not None]
    own_private = [
        in_sentence(m.name, scn)
        for m in scn.metrics
        if m.visibility.value == "private" and m.owner == actor.id
    ]
    hidden = [
        (in_sentence(m.name, scn), next((a.name for a in scn.actors if a.id == m.owner), m.owner))
        for m in scn.metrics
        if m.visibility.value == "private" and m.owner != actor.id
    ]
    options = [
        {
            "name": o.name,
            "category": category_label(o.category),
            "escalation": format_number(o.escalation),
            "description": o.description,
            "covert": o.covert,
            "hold": o.id == actor.hold_option,
            "limits": _limits(scn, o),
        }
        for o in actor.options
    ]
    as_of = as_of or meta.facts_as_of
    facts = fact_rows(loaded, facts_of_actor(scn, actor), known_by=as_of)
    cards = []
    for adv in actor.advisors:
        a_aims, a_want, a_avoid = outcome_goals(scn, adv)
        cards.append(
            {
                "name": adv.name,
                "title": adv.title,
                "stance": adv.stance,
                "aims": a_aims,
                "want": a_want,
                "avoid": a_avoid,
                "goals": [g.text for g in metric_goals(scn, adv)[:4]],
            }
        )
    # a stage hidden from this side at the start is not marked (public_when is only
    # checked once play begins)
    seen = stage_visible(scn, actor.id, unveiled=False)
    ladder = [
        {
            "name": st.name,
            "description": st.description,
            "start": seen and st.id == scn.initial_stage,
        }
        for st in scn.ladder
    ]
    forecast = [o.name for o in scn.outcomes if not o.at_turn_limit]
    return {
        "cards": cards,
        "ladder": ladder,
        "stage_note": ""
        if seen
        else _("Where the crisis stands on this ladder is hidden from your side."),
        "forecast_outcomes": forecast,
        "worksheet_turns": list(range(1, min(meta.turn_limit, 8) + 1)),
        "glossary": [(_(term), _(meaning)) for term, meaning in GLOSSARY],
        "title": meta.title,
        "actor": actor,
        "others": [a.name for a in others],
        "third": third,
        "summary": _paragraphs(meta.summary),
        "role": actor.role,
        "case": _paragraphs(actor.case),
        "aims": aims,
        "want": want,
        "avoid": avoid,
        "goals": metric_goals(scn, actor),
        "own_private": own_private,
        "hidden": hidden,
        "options": options,
        "advisors": actor.advisors,
        "facts": facts,
        "how_to_win": _paragraphs(meta.how_to_win),
        "facts_as_of": date_text(as_of),
        "start": date_text(meta.start_date),
        "turn_text": span_text(1, meta.turn_days),
        "turn_limit": meta.turn_limit,
        "lang": meta.language,
        "playable": actor.playable,
        "n_others": len(scn.actors) - 1,
    }


# Terms a student meets in the briefing and the game, in plain words.
GLOSSARY = [
    (N_("Escalation ladder"), N_("the crisis's stages; moves and accidents move it")),
    (N_("Escalation score"), N_("−2 (steps down) to +28 (violent), Rivera et al. 2024")),
    (N_("Hold course (DEFAULT)"), N_("no new move; committed if the timer runs out")),
    (N_("Covert move"), N_("hidden from the other side unless exposed")),
    (N_("Estimate ± margin"), N_("your belief about a number the other side hides")),
    (N_("CLAIM"), N_("an interested party's assertion no one independent confirmed")),
]


def briefing_html(loaded: Loaded, actor_id: str, as_of: dt.date | None = None) -> str:
    return render("briefing.html.j2", **context(loaded, actor_id, as_of))
