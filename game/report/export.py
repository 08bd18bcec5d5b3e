"""Tidy tables for teachers who grade in a spreadsheet: ``--csv DIR`` and ``--json FILE``.

Every table has a ``group`` column (1, 2, … in the order the logs were given) and
plain values: ids, names, numbers with full precision, empty cells for "not
recorded". The JSON holds the same tables plus a description of the report.

- ``turns.csv``: one row per turn × actor: who chose, the move, stage, the
  metrics at the end of the turn, and the model's P(war) for the move.
- ``decisions.csv``: one row per turn × decision actor × available option: the
  model's odds for that option (P(war-kind) and P(each outcome) within the horizon).
- ``forecasts.csv``: one row per student forecast × category: the team's
  probability, the model's, and whether it happened.
- ``scores.csv``: one row per team (or per side when there are no teams): Brier
  scores, and the side's objective score against the spread of outcomes.
- ``outcomes.csv``: one row per outcome: what happened and the share of worlds
  for each way of playing in the outcome spread.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from game import csvsafe
from game.report import scoring
from game.report.analysis import STILL_RUNNING, Analysis, model_probs, percentile
from game.report.logdata import GameLog
from game.words import count_text

TURN_COLUMNS = [
    "group",
    "log",
    "seed",
    "turn",
    "date",
    "actor",
    "decided_by",
    "move",
    "move_name",
    "category",
    "escalation",
    "covert",
    "exposed",
    "stage_before",
    "stage_after",
    "events",
    "outcome",
    "p_war_move",
    "p_war_safest",
    "safest_move",
]
DECISION_COLUMNS = ["group", "turn", "actor", "option", "option_name", "chosen", "p_war"]
FORECAST_COLUMNS = [
    "group",
    "turn",
    "team",
    "actor",
    "within",
    "category",
    "p_team",
    "p_model",
    "happened",
    "brier_team",
    "brier_model",
]
SCORE_COLUMNS = [
    "group",
    "team",
    "actor",
    "forecasts_scored",
    "forecasts_pending",
    "brier_mean",
    "model_brier_mean",
    "objective_score",
    "expected_score",
    "score_percentile",
]
OUTCOME_COLUMNS = [
    "group",
    "outcome",
    "name",
    "kind",
    "happened",
    "share_as_played",
    "share_holding_course",
    "share_random",
    "worlds",
    "turns",
]


def turns_rows(g: GameLog, an: Analysis, group: int) -> list[dict[str, Any]]:
    c = g.session.c
    scn = g.loaded.scenario
    dec = {(d.turn, d.actor): d for d in an.decisions}
    rows = []
    for r in g.session.history:
        T = r.turn
        x = g.turns[T - 1]["result"]["x"]
        for a, aid in enumerate(c.actor_ids):
            mr = r.moves[aid]
            opt = scn.actors[a].options[c.option_index(a, mr.option)]
            d = dec.get((T, aid))
            p_move = an.p_war[T - 1]
            row = {
                "group": group,
                "log": g.path.name,
                "seed": g.seed,
                "turn": T,
                "date": r.date.isoformat(),
                "actor": aid,
                "decided_by": g.decided_by(T, aid),
                "move": mr.option,
                "move_name": mr.option_name,
                "category": opt.category.value,
                "escalation": opt.escalation,
                "covert": int(mr.covert),
                "exposed": int(mr.exposed),
                "stage_before": r.stage_before,
                "stage_after": r.stage_after,
                "events": ";".join(e.id for e in r.events),
                "outcome": r.outcome or "",
                "p_war_move": round(p_move, 6),
                "p_war_safest": round(d.safest.p_war, 6) if d else "",
                "safest_move": d.safest.option if d else "",
            }
            for m, mid in enumerate(c.metric_ids):
                row[mid] = x[m]
            rows.append(row)
    return rows


def decision_rows(g: GameLog, an: Analysis, group: int) -> list[dict[str, Any]]:
    c = g.session.c
    scn = g.loaded.scenario
    rows = []
    for d in an.decisions:
        a = c.actor_index(d.actor)
        names = {o.id: o.name for o in scn.actors[a].options}
        for o in d.options:
            row = {
                "group": group,
                "turn": d.turn,
                "actor": d.actor,
                "option": o.option,
                "option_name": names[o.option],
                "chosen": int(o.option == d.chosen),
                "p_war": round(o.p_war, 6),
            }
            for q in [*c.outcome_ids, STILL_RUNNING]:
                row[f"p_{q}"] = round(o.p[q], 6)
            rows.append(row)
    return rows


def forecast_rows(g: GameLog, an: Analysis, group: int) -> list[dict[str, Any]]:
    c = g.session.c
    rows = []
    for f in g.forecasts:
        dist = scoring.normalise(f.probs, c.outcome_ids)
        named = [k for k in dist if k != scoring.NONE]
        hit = scoring.realised(
            g.session.outcome, g.ended_turn, f.turn, f.within, named, g.n_turns, g.session.over
        )
        base = an.baseline.get((f.turn, f.within))
        model = None
        if base is not None:
            model = scoring.normalise(model_probs(base, named, f.within), c.outcome_ids)
        bs = scoring.brier(dist, hit) if hit else None
        bm = scoring.brier(model, hit) if hit and model else None
        for k, p in dist.items():
            rows.append(
                {
                    "group": group,
                    "turn": f.turn,
                    "team": f.team,
                    "actor": f.actor,
                    "within": f.within,
                    "category": k,
                    "p_team": round(p, 6),
                    "p_model": round(model[k], 6) if model else "",
                    "happened": "" if hit is None else int(k == hit),
                    "brier_team": round(bs, 6) if bs is not None else "",
                    "brier_model": round(bm, 6) if bm is not None else "",
                }
            )
    return rows


def score_rows(g: GameLog, an: Analysis, group: int) -> list[dict[str, Any]]:
    c = g.session.c
    sp = an.spreads[0] if an.spreads else None

    def objective(actor: str) -> dict[str, Any]:
        u = an.actual_utility[actor]
        if sp is None:
            return {"objective_score": round(u, 3), "expected_score": "", "score_percentile": ""}
        return {
            "objective_score": round(u, 3),
            "expected_score": round(float(sp.utility[actor].mean()), 3),
            "score_percentile": round(percentile(sp.utility[actor], u), 4),
        }

    per: dict[tuple[str, str], list[tuple[float, float | None] | None]] = {}
    for t in g.teams:
        per.setdefault((t.name, t.actor), [])
    for f in g.forecasts:
        dist = scoring.normalise(f.probs, c.outcome_ids)
        named = [k for k in dist if k != scoring.NONE]
        hit = scoring.realised(
            g.session.outcome, g.ended_turn, f.turn, f.within, named, g.n_turns, g.session.over
        )
        lst = per.setdefault((f.team, f.actor), [])
        if hit is None:
            lst.append(None)
            continue
        base = an.baseline.get((f.turn, f.within))
        bm = None
        if base is not None:
            bm = scoring.brier(model_probs(base, named, f.within), hit)
        lst.append((scoring.brier(dist, hit), bm))
    rows = []
    if per:
        for (team, actor), items in per.items():
            done = [x for x in items if x is not None]
            mb = scoring.mean(x[0] for x in done)
            mm = scoring.mean(x[1] for x in done if x[1] is not None)
            rows.append(
                {
                    "group": group,
                    "team": team,
                    "actor": actor,
                    "forecasts_scored": len(done),
                    "forecasts_pending": len(items) - len(done),
                    "brier_mean": round(mb, 6) if mb is not None else "",
                    "model_brier_mean": round(mm, 6) if mm is not None else "",
                    **objective(actor),
                }
            )
    covered = {r["actor"] for r in rows}
    for aid in c.actor_ids:
        if aid not in covered:
            rows.append(
                {
                    "group": group,
                    "team": "",
                    "actor": aid,
                    "forecasts_scored": 0,
                    "forecasts_pending": 0,
                    "brier_mean": "",
                    "model_brier_mean": "",
                    **objective(aid),
                }
            )
    return rows


def outcome_rows(g: GameLog, an: Analysis, group: int) -> list[dict[str, Any]]:
    c = g.session.c
    scn = g.loaded.scenario
    actual = g.session.outcome if g.session.over else STILL_RUNNING
    rows = []
    items = [(o.id, o.name, o.kind.value) for o in scn.outcomes]
    items.append((STILL_RUNNING, f"No ending yet after {count_text(g.n_turns, 'turn')}", ""))
    for q, name, kind in items:
        shares = [round(s.share[q], 6) for s in an.spreads] + ["", "", ""]
        rows.append(
            {
                "group": group,
                "outcome": q,
                "name": name,
                "kind": kind,
                "happened": int(q == actual),
                "share_as_played": shares[0],
                "share_holding_course": shares[1],
                "share_random": shares[2],
                "worlds": an.spread_worlds if an.spreads else 0,
                "turns": g.n_turns,
            }
        )
    assert len(rows) == len(c.outcome_ids) + 1
    return rows


# the tables, in order; each is written as NAME.csv
TABLES = ("turns", "decisions", "forecasts", "scores", "outcomes")


def tables(games: Sequence[GameLog], analyses: Sequence[Analysis]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {name: [] for name in TABLES}
    for i, (g, an) in enumerate(zip(games, analyses, strict=True), start=1):
        out["turns"] += turns_rows(g, an, i)
        out["decisions"] += decision_rows(g, an, i)
        out["forecasts"] += forecast_rows(g, an, i)
        out["scores"] += score_rows(g, an, i)
        out["outcomes"] += outcome_rows(g, an, i)
    return out


def columns(name: str, rows: list[dict[str, Any]], games: Sequence[GameLog]) -> list[str]:
    c = games[0].session.c
    if name == "turns":
        return TURN_COLUMNS + list(c.metric_ids)
    if name == "decisions":
        return DECISION_COLUMNS + [f"p_{q}" for q in [*c.outcome_ids, STILL_RUNNING]]
    return {
        "forecasts": FORECAST_COLUMNS,
        "scores": SCORE_COLUMNS,
        "outcomes": OUTCOME_COLUMNS,
    }[name]


def write_csv(
    directory: str | Path, data: dict[str, list[dict]], games: Sequence[GameLog]
) -> list[Path]:
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in data.items():
        path = d / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=columns(name, rows, games), lineterminator="\n")
            w.writeheader()
            for row in rows:
                w.writerow(csvsafe.dict_row(row))
        written.append(path)
    return written


def write_json(
    path: str | Path,
    data: dict[str, list[dict]],
    games: Sequence[GameLog],
    analyses: Sequence[Analysis],
) -> Path:
    g0 = games[0]
    doc = {
        "report": {
            "scenario": g0.log["scenario"]["id"],
            "scenario_title": g0.loaded.scenario.meta.title,
            "groups": [
                {
                    "group": i,
                    "log": g.path.name,
                    "label": g.label,
                    "seed": g.seed,
                    "turns": g.n_turns,
                    "outcome": g.session.outcome,
                    "teams": [{"name": t.name, "actor": t.actor} for t in g.teams],
                    "horizon": an.horizon,
                    "decision_worlds": an.decision_worlds,
                    "spread_worlds": an.spread_worlds,
                    "turning_points": [
                        {"turn": t.turn, "p_war_before": t.before, "p_war_after": t.after}
                        for t in an.turning
                    ],
                }
                for i, (g, an) in enumerate(zip(games, analyses, strict=True), start=1)
            ],
            "brier": "sum over categories k of (p_k - o_k)^2; categories: the outcomes the "
            "forecast names plus 'none' (none of them within the window)",
        },
        "columns": {name: columns(name, rows, games) for name, rows in data.items()},
        **data,
    }
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return p
