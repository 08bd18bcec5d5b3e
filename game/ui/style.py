"""How the window words and colours the game's values: option category labels, metric
values, and the colours of outcomes, escalation and metrics. The one home of these in
the UI (the room, the resolution, the end screen and the classroom all use them)."""

from __future__ import annotations

from game.engine.views import MetricView
from game.scenario.schema import Scenario
from game.ui import palette as pal
from game.ui.palette import Colour
from game.words import format_value


def fmt_value(m: MetricView) -> str:
    """A metric row's value as the window shows it (one wording: ``game.words``)."""
    return format_value(float(m.estimate), m.lo, m.hi, m.exact, float(m.error))


_KIND_COLOUR = {
    "war": "danger",
    "settlement": "calm",
    "regime_change": "severe",
    "negotiated_exit": "accent",
    "standoff": "focus",
}


def outcome_colours(p: pal.Palette, scenario: Scenario) -> dict[str, Colour]:
    """A distinct colour per outcome: by kind (war vermillion, settlement bluish green…),
    then unused Okabe–Ito colours for the rest."""
    out: dict[str, Colour] = {}
    used: set[Colour] = set()
    for o in scenario.outcomes:
        name = _KIND_COLOUR.get(str(o.kind))
        c = getattr(p, name) if name else None
        if c is not None and c not in used:
            out[o.id] = c
            used.add(c)
    spare = [c for c in (*p.series, p.dim, p.faint) if c not in used]
    for o in scenario.outcomes:
        if o.id not in out:
            out[o.id] = spare.pop(0) if spare else p.dim
    out["unresolved"] = p.faint
    return out


def outcome_colour(p: pal.Palette, scenario: Scenario, outcome_id: str) -> Colour:
    return outcome_colours(p, scenario).get(outcome_id, p.dim)


def escalation_colour(p: pal.Palette, esc: float) -> Colour:
    if esc <= 0:
        return p.calm
    if esc < 8:
        return p.accent
    if esc < 18:
        return p.caution
    return p.danger


def norm(m: MetricView) -> float:
    """Where the shown value sits in the metric's range, 0 to 1."""
    v = min(max(float(m.estimate), m.lo), m.hi)
    return (v - m.lo) / (m.hi - m.lo) if m.hi > m.lo else 0.0


def shown_history(m: MetricView) -> tuple[float, ...]:
    """The value shown at each turn so far, ending with now."""
    return (*map(float, m.history), float(m.estimate))


def metric_colour(p: pal.Palette, m: MetricView) -> Colour:
    n = norm(m)
    if m.higher_is == "escalatory":
        return p.risk(n)
    if m.higher_is == "calming":
        return p.risk(1 - n)
    return p.accent
