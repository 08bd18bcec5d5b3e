"""What the report shows across games and for the class: several games compared,
the projector slides and the scenario's debrief material."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from game.i18n import _
from game.report import charts
from game.report.analysis import STILL_RUNNING, Analysis
from game.report.build import _actor_names, _option, odds, spread, stage_path
from game.report.logdata import GameLog
from game.report.words import assumptions, date_text, fact_rows, pct, reference_rows
from game.words import span_text

# --- several games (duplicate mode) ---------------------------------------------------------------


def compare(
    games: Sequence[GameLog], groups: Sequence[dict], analyses: Sequence[Analysis] = ()
) -> dict:
    if len(games) < 2:
        return {"several": False}
    p_war = [list(an.p_war) for an in analyses] or [[] for _ in games]
    # a what-if and its parent: the branch's log names the turn it left the parent's at
    branches = [
        {
            "label": g.label,
            "turn": int(g.log["parent"].get("turn", 0)),
            "file": g.log["parent"].get("file", ""),
        }
        for g in games
        if isinstance(g.log.get("parent"), dict)
    ]
    first = games[0]
    scn = first.loaded.scenario
    same_seed = len({g.seed for g in games}) == 1
    same_start = same_seed and all(
        np.array_equal(g.states[0].x, first.states[0].x) for g in games if g.states
    )
    # first turn where the choices differed
    n = min(g.n_turns for g in games)
    diff_turn = None
    for T in range(1, n + 1):
        if len({tuple(sorted(g.turns[T - 1]["moves"].items())) for g in games}) > 1:
            diff_turn = T
            break
    lengths_differ = len({g.n_turns for g in games}) > 1
    names = _actor_names(first)
    diff_rows = []
    if diff_turn is not None:
        for g in games:
            mv = g.turns[diff_turn - 1]["moves"]
            diff_rows.append(
                {
                    "label": g.label,
                    "moves": [f"{names[a]}: {_option(g, a, o).name}" for a, o in mv.items()],
                }
            )
    # moves grid: one row per turn, one column per group
    longest = max(g.n_turns for g in games)
    grid = []
    for T in range(1, longest + 1):
        cells: list[list[str] | None] = []
        odds_t: list[str] = []
        for k, g in enumerate(games):
            if g.n_turns >= T:
                mv = g.turns[T - 1]["moves"]
                cells.append([_option(g, a, o).name for a, o in mv.items()])
            else:
                cells.append(None)
            pw = p_war[k]
            odds_t.append(pct(pw[T - 1]) if len(pw) > T - 1 else "")
        present = [tuple(x) for x in cells if x is not None]
        grid.append({"turn": T, "cells": cells, "same": len(set(present)) <= 1, "p_war": odds_t})
    rows = []
    for g, gr in zip(games, groups, strict=True):
        sp = gr["spread"]
        fc = gr["forecasts"]
        rows.append(
            {
                "label": g.label,
                "file": g.path.name,
                "teams": ", ".join(t.name for t in g.teams) or _("not recorded"),
                "outcome": gr["header"]["outcome"]["name"]
                if gr["header"]["outcome"]
                else _("none yet"),
                "turns": g.n_turns,
                "final_stage": g.session.stage_name,
                "p_actual": sp.get("p_actual", "—"),
                "likely": sp.get("likely", "—"),
                "brier": (
                    ", ".join(f"{t['team']} {t['brier']}" for t in fc["teams"])
                    if fc.get("recorded")
                    else _("not recorded")
                ),
                "scores": [
                    (s["actor"], s["actual"], s["expected"][0]) for s in sp.get("scores", [])
                ],
            }
        )
    svg = charts.stage_chart(
        [st.name for st in scn.ladder],
        [(g.label, stage_path(g)) for g in games],
        _("Escalation ladder by group"),
    )
    return {
        "several": True,
        "branches": branches,
        "same_seed": same_seed,
        "same_start": same_start,
        "seeds": sorted({g.seed for g in games}),
        "diff_turn": diff_turn,
        "diff_rows": diff_rows,
        "lengths_differ": lengths_differ,
        "grid": grid,
        "labels": [g.label for g in games],
        "rows": rows,
        "svg": svg,
        "actors": [names[a] for a in first.session.c.actor_ids],
    }


# --- projector slides -----------------------------------------------------------------------------


def slides(games: Sequence[GameLog], analyses: Sequence[Analysis]) -> list[dict[str, str]]:
    """The debrief on a projector: one large chart a screen (drawn again in large type),
    the class's endings across groups and, for a what-if, both timelines' odds."""
    out: list[dict[str, str]] = []
    several = len(games) > 1
    with charts.projector():
        if several:
            scn = games[0].loaded.scenario
            ids = [o.id for o in scn.outcomes]
            names = [o.name for o in scn.outcomes] + [_("Time's up / no ending yet")]
            counts = [0] * (len(ids) + 1)
            expected = [0.0] * (len(ids) + 1)
            for g, an in zip(games, analyses, strict=True):
                q = g.session.outcome if g.session.over else None
                counts[ids.index(q) if q in ids else len(ids)] += 1
                if an.spreads:
                    for i, oid in enumerate([*ids, STILL_RUNNING]):
                        expected[i] += an.spreads[0].share.get(oid, 0.0) / len(games)
            out.append(
                {
                    "title": _("Endings across the class"),
                    "svg": charts.endings_chart(names, counts, expected, len(games)),
                    "note": _(
                        "Bars: how many groups reached each ending. Diamonds: how many "
                        "the model expected from each group's own choices."
                    ),
                }
            )
            branched = [g for g in games if isinstance(g.log.get("parent"), dict)]
            if branched:
                turn = int(branched[0].log["parent"].get("turn", 0)) or None
                series = [(g.label, list(an.p_war)) for g, an in zip(games, analyses, strict=True)]
                out.append(
                    {
                        "title": _("What if: the odds of war in each timeline"),
                        "svg": charts.timelines_chart(
                            series,
                            _(
                                "within {span}",
                                span=span_text(analyses[0].horizon, scn.meta.turn_days),
                            ),
                            turn,
                        ),
                        "note": _(
                            "The same luck in every timeline; only the choices differ "
                            "after the turn they went back to."
                        ),
                    }
                )
        for g, an in zip(games, analyses, strict=True):
            who = f" — {g.label}" if several else ""
            o = odds(g, an)
            if o.get("svg"):
                out.append(
                    {
                        "title": _("The odds of war at each decision") + who,
                        "svg": o["svg"],
                        "note": _(
                            "Black line: as played. Bars: each side's range over its options; "
                            "markers: what it chose. Square-root scale: small odds get room."
                        ),
                    }
                )
            sp = spread(g, an)
            if sp.get("svg"):
                out.append(
                    {
                        "title": _("Luck or judgment? The same choices in many worlds") + who,
                        "svg": sp["svg"],
                        "note": _(
                            "Share of worlds ending each way: as played, holding course, "
                            "and at random."
                        ),
                    }
                )
            scn = g.loaded.scenario
            out.append(
                {
                    "title": _("The escalation ladder, turn by turn") + who,
                    "svg": charts.stage_chart(
                        [st.name for st in scn.ladder], [(g.label, stage_path(g))], " "
                    ),
                    "note": _("Where the crisis stood at the end of each turn."),
                }
            )
    return out


# --- the scenario's debrief material --------------------------------------------------------------


def debrief(g: GameLog) -> dict[str, Any]:
    loaded = g.loaded
    scn = loaded.scenario
    facts = fact_rows(loaded, known_by=scn.meta.facts_as_of)
    later = fact_rows(loaded, known_after=scn.meta.facts_as_of)
    known = {f["id"] for f in facts} | {f["id"] for f in later}
    refs = reference_rows(loaded)
    ref_ids = {r["id"] for r in refs}
    claims = {f["id"] for f in facts if f["claim"]}
    suggested = {r["id"] for r in refs if r["suggested"]}
    items = []
    for a in assumptions(scn):
        items.append(
            {
                "path": a.path,
                "name": a.name,
                "facts": [
                    {"id": f, "known": f in known, "claim": f in claims} for f in a.basis.facts
                ],
                "references": [
                    {"id": r, "known": r in ref_ids, "suggested": r in suggested}
                    for r in a.basis.references
                ],
                "assumption": a.basis.assumption or "",
            }
        )
    return {
        "questions": list(scn.debrief),
        "facts": facts,
        "later": later,
        "facts_as_of": date_text(scn.meta.facts_as_of),
        "references": refs,
        "assumptions": items,
        "n_claims": len(claims),
    }
