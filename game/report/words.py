"""A scenario in words: objectives, option categories, facts and the basis of every number.

Shared by the after-action report and the role briefings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from game.i18n import N_, _, format_date, format_percent
from game.scenario import Loaded
from game.scenario.schema import Actor, Advisor, Basis, OutcomeKind, Scenario
from game.words import in_sentence

# In English; shown through the catalog (game.i18n).
STATUS_NAMES = {
    "established": N_("established"),
    "official_statement": N_("official statement"),
    "claim": N_("CLAIM"),
    "report": N_("report"),
}

CONFIDENCE_NAMES = {
    "counted": N_("counted from data"),
    "published": N_("published"),
    "unconfirmed": N_("unconfirmed"),
    "suggested": N_("suggested value, not a fact"),
}


def date_text(d: dt.date | str | None) -> str:
    if d is None:
        return ""
    if isinstance(d, str):
        try:
            return date_text(dt.date.fromisoformat(d))
        except ValueError:
            return d
    return format_date(d, "d MMM y")  # "24 Nov 2025", "24 nov 2025"


def pct(p: float | None, digits: int = 0) -> str:
    """A probability as a percentage that never claims certainty it does not have."""
    if p is None:
        return "—"
    v = 100.0 * float(p)
    if v == 0:
        return format_percent(0.0)
    if v == 100:
        return format_percent(1.0)
    if v < 0.5 and digits == 0:
        return "<" + format_percent(0.01)
    if v > 99.5 and digits == 0:
        return ">" + format_percent(0.99)
    return format_percent(round(v, digits) / 100.0, digits)


# --- objectives -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    text: str
    weight: float
    importance: str  # "high", "medium", "low"

    @property
    def importance_text(self) -> str:
        """``high priority``, in the current language."""
        if self.importance == "high":
            return _("high priority")
        if self.importance == "medium":
            return _("medium priority")
        return _("low priority")


def _importance(w: float, top: float) -> str:
    r = abs(w) / top if top else 0.0
    return "high" if r >= 0.75 else "medium" if r >= 0.4 else "low"


def metric_goals(scn: Scenario, actor: Actor | Advisor) -> list[Goal]:
    """Each weighted metric as a goal in words, most important first (a side's, or an
    advisor's: their objectives have the same shape)."""
    names = {m.id: m.name for m in scn.metrics}
    weights = actor.objectives.metrics
    top = max((abs(w) for w in weights.values()), default=0.0)
    out = []
    for mid, w in sorted(weights.items(), key=lambda kv: (-abs(kv[1]), kv[0])):
        if w == 0:
            continue
        name = in_sentence(names[mid], scn)
        text = (
            _("Keep {metric} high", metric=name) if w > 0 else _("Keep {metric} low", metric=name)
        )
        out.append(Goal(text, w, _importance(w, top)))
    return out


def outcome_goals(scn: Scenario, actor: Actor | Advisor) -> tuple[list[str], list[str], list[str]]:
    """(headline aims such as "Avoid war", endings wanted best first, endings to avoid worst
    first), from the actor's outcome utilities."""
    util = actor.objectives.outcomes
    by_id = {o.id: o for o in scn.outcomes}
    want = sorted((q for q, u in util.items() if u > 0), key=lambda q: (-util[q], q))
    avoid = sorted((q for q, u in util.items() if u < 0), key=lambda q: (util[q], q))
    aims = []
    # the headline names the side's own worst ending: "Avoid war" only when its ranking
    # puts no other ending below war (a side that fears a change of government more
    # than war is told so, not given a peace aim it does not hold)
    if avoid:
        worst = by_id[avoid[0]]
        wars = sum(o.kind == OutcomeKind.war for o in scn.outcomes)
        # (with several kinds of war, such as a quick one and a protracted one, it is named)
        if worst.kind == OutcomeKind.war and wars == 1:
            aims.append(_("Avoid war"))
        else:
            aims.append(_("Avoid {outcome}", outcome=in_sentence(worst.name, scn)))
    if want:
        aims.append(_("Aim for {outcome}", outcome=in_sentence(by_id[want[0]].name, scn)))
    return (
        aims,
        [by_id[q].name for q in want],
        [by_id[q].name for q in avoid],
    )


# --- facts and the basis of every number ----------------------------------------------------------


def known_on(fact: dict[str, Any]) -> dt.date | None:
    """The day a fact (a fact-sheet entry) became known: ``known``, else its ``date``."""
    for key in ("known", "date"):
        d = fact.get(key)
        if isinstance(d, dt.date):
            return d
        if isinstance(d, str):
            try:
                return dt.date.fromisoformat(d)
            except ValueError:
                continue
    return None


def fact_rows(
    loaded: Loaded,
    ids: list[str] | None = None,
    known_by: dt.date | None = None,
    known_after: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Facts (all, or ``ids``) sorted by date then id, with display fields; only those
    known by ``known_by`` / only those that came out after ``known_after``."""
    facts = loaded.facts
    keys = [k for k in (ids if ids is not None else list(facts)) if k in facts]
    sources = {}
    if loaded.fact_sheet is not None:
        sources = {s.id: s for s in loaded.fact_sheet.sources}
    rows = []
    for k in keys:
        f = facts[k]
        day = known_on(f)
        if known_by is not None and day is not None and day > known_by:
            continue
        if known_after is not None and (day is None or day <= known_after):
            continue
        status = str(f.get("status", ""))
        cited = [sources[s] for s in f.get("sources", []) or [] if s in sources]
        rows.append(
            {
                "id": k,
                "statement": f.get("statement", ""),
                "asserted_by": f.get("asserted_by", ""),
                "status": status,
                "status_text": _(STATUS_NAMES[status])
                if status in STATUS_NAMES
                else status.replace("_", " "),
                "claim": status == "claim",
                "date": date_text(f.get("date")),
                "iso": str(f.get("date", "")),
                "known": date_text(day) if f.get("known") else "",
                "note": f.get("note", ""),
                "sources": [f"{s.author}, {s.title} ({date_text(s.date)})" for s in cited],
            }
        )
    rows.sort(key=lambda r: (r["iso"], r["id"]))
    return rows


def reference_rows(loaded: Loaded) -> list[dict[str, Any]]:
    rows = []
    for k, r in loaded.references.items():
        conf = str(r.get("confidence", ""))
        rows.append(
            {
                "id": k,
                "statement": r.get("statement", ""),
                "source": r.get("source", ""),
                "confidence": conf,
                "confidence_text": _(CONFIDENCE_NAMES[conf]) if conf in CONFIDENCE_NAMES else conf,
                "suggested": conf == "suggested",
                "note": r.get("note", ""),
            }
        )
    return rows


@dataclass(frozen=True)
class Assumption:
    path: str
    name: str
    basis: Basis


def _label(item: BaseModel, names: dict[str, str]) -> str:
    for attr in ("name", "label"):
        v = getattr(item, attr, None)
        if isinstance(v, str):
            return v
    if hasattr(item, "source") and hasattr(item, "target"):  # a coupling: metric names
        return f"{names.get(item.source, item.source)} → {names.get(item.target, item.target)}"
    if hasattr(item, "headline"):
        return str(item.headline)
    return ""


def assumptions(scn: Scenario) -> list[Assumption]:
    """Every ``basis`` in the scenario, in file order, with the path of its item
    (ids where items have them: ``actors.blue.options.strike``)."""
    out: list[Assumption] = []
    names = {m.id: m.name for m in scn.metrics}

    def walk(obj: Any, path: str) -> None:
        if isinstance(obj, BaseModel):
            basis = getattr(obj, "basis", None)
            if isinstance(basis, Basis):
                out.append(Assumption(path or "scenario", _label(obj, names), basis))
            for name in type(obj).model_fields:
                if name == "basis":
                    continue
                walk(getattr(obj, name), f"{path}.{name}" if path else name)
        elif isinstance(obj, list):
            for i, item in enumerate(obj):
                ident = getattr(item, "id", None)
                walk(item, f"{path}.{ident}" if isinstance(ident, str) else f"{path}[{i}]")
        elif isinstance(obj, dict):
            for k, v in obj.items():
                if isinstance(v, BaseModel | list | dict):
                    walk(v, f"{path}.{k}")

    walk(scn, "")
    return out


def facts_of_actor(scn: Scenario, actor: Actor) -> list[str]:
    """Fact ids behind an actor, its options and the metrics it owns or weighs, in
    order of first mention."""
    seen: list[str] = []

    def add(basis: Basis | None) -> None:
        if basis is None:
            return
        for f in basis.facts:
            if f not in seen:
                seen.append(f)

    add(actor.basis)
    for o in actor.options:
        add(o.basis)
    for m in scn.metrics:
        if m.owner == actor.id:
            add(m.basis)
    return seen
