"""Tidy tables for teachers who grade in a spreadsheet: ``--csv DIR`` and ``--json FILE``.

The CSV files open as they are in Excel and LibreOffice: UTF-8 with a byte-order mark
(so accents and dashes survive a double-click in Excel), one header row of unique
names, values rounded to what the model can tell apart (probabilities and Brier scores
to 3 decimals, metrics and objective scores to 1), and empty cells for "not recorded".
Every table has a ``group`` column (1, 2, … in the order the logs were given). The
JSON holds the same tables plus a description of the report.

- ``turns.csv``: one row per turn × actor: who chose, the move, stage, the
  metrics at the end of the turn (``<metric>_end``), and the model's P(war) for the move.
- ``decisions.csv``: one row per turn × decision actor × available option: the
  model's odds for that option (P(war-kind), and ``p_outcome_<id>`` for each outcome
  within the horizon).
- ``forecasts.csv``: one row per student forecast: the team's probability for each
  category (``team_p_<id>``), the model's from the true state (``model_p_<id>``) and
  from the team's own fogged view (``shown_p_<id>``), what happened, and the Brier
  scores of the three.
- ``scores.csv``: one row per team: its forecasts and mean Brier scores, against the
  model from the true state and the model as shown to the team.
- ``sides.csv``: one row per side: its objective score against the spread of outcomes.
- ``gradebook.csv``: one row per team, or per student when a roster (team, student)
  is given: the team's forecast scores, its side's objective score and the ending.
- ``outcomes.csv``: one row per outcome: what happened and the share of worlds
  for each way of playing in the outcome spread.
- ``offers.csv``: one row per offer of terms made in the game: who offered what to
  whom, the terms, and the answer the turn after (accepted, countered, rejected, or
  open when the game ended first).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from game import csvsafe
from game.engine.commitments import offer_results
from game.i18n import _
from game.report import scoring
from game.report.analysis import STILL_RUNNING, Analysis, model_probs, percentile
from game.report.logdata import GameLog
from game.words import count_text

P_DIGITS = 3  # probabilities and Brier scores: 0.1 of a percentage point
X_DIGITS = 1  # metrics and objective scores (0-100 scales)

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
    "happened",
    "brier_team",
    "brier_model",
    "brier_model_shown",
]
SCORE_COLUMNS = [
    "group",
    "team",
    "actor",
    "forecasts_scored",
    "forecasts_pending",
    "brier_mean",
    "model_brier_mean",
    "shown_model_brier_mean",
    "beat_model",
    "beat_shown_model",
]
SIDE_COLUMNS = [
    "group",
    "actor",
    "actor_name",
    "played_by",
    "objective_score",
    "expected_score",
    "score_percentile",
]
GRADEBOOK_COLUMNS = [
    "group",
    "student",
    "team",
    "side",
    "forecasts_scored",
    "brier_mean",
    "model_brier_mean",
    "shown_model_brier_mean",
    "beat_model",
    "objective_score",
    "ending",
]
OFFER_COLUMNS = [
    "group",
    "turn",
    "actor",
    "option",
    "to",
    "terms",
    "answer",
    "reply",
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


def _p(v: float | None) -> float | str:
    return "" if v is None else round(float(v), P_DIGITS)


def _x(v: float | None) -> float | str:
    return "" if v is None else round(float(v), X_DIGITS)


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
                "p_war_move": _p(an.p_war[T - 1]),
                "p_war_safest": _p(d.safest.p_war) if d else "",
                "safest_move": d.safest.option if d else "",
            }
            for m, mid in enumerate(c.metric_ids):
                row[f"{mid}_end"] = _x(x[m])
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
                "p_war": _p(o.p_war),
            }
            for q in [*c.outcome_ids, STILL_RUNNING]:
                row[f"p_outcome_{q}"] = _p(o.p[q])
            rows.append(row)
    return rows


def _categories(g: GameLog) -> list[str]:
    return [*g.session.c.outcome_ids, scoring.NONE]


def _scored(g: GameLog, an: Analysis) -> list[dict[str, Any]]:
    """Each student forecast with its distributions (team, model, model as shown to the
    team), what happened (None while its window is open) and its Brier scores."""
    c = g.session.c
    out = []
    for f in g.forecasts:
        dist = scoring.normalise(f.probs, c.outcome_ids)
        named = [k for k in dist if k != scoring.NONE]
        hit = scoring.realised(
            g.session.outcome, g.ended_turn, f.turn, f.within, named, g.n_turns, g.session.over
        )
        base = an.baseline.get((f.turn, f.within))
        shown = an.shown.get((f.turn, f.within, f.actor))
        model = seen = None
        if base is not None:
            model = scoring.normalise(model_probs(base, named, f.within), c.outcome_ids)
        if shown is not None:
            seen = scoring.normalise(model_probs(shown, named, f.within), c.outcome_ids)
        out.append(
            {
                "f": f,
                "dist": dist,
                "model": model,
                "shown": seen,
                "hit": hit,
                "bs": scoring.brier(dist, hit) if hit else None,
                "bm": scoring.brier(model, hit) if hit and model else None,
                "bv": scoring.brier(seen, hit) if hit and seen else None,
            }
        )
    return out


def forecast_rows(g: GameLog, an: Analysis, group: int) -> list[dict[str, Any]]:
    """One row per forecast: a probability column per category for the team, the model
    and the model as the team saw it."""
    rows = []
    for x in _scored(g, an):
        f = x["f"]
        row: dict[str, Any] = {
            "group": group,
            "turn": f.turn,
            "team": f.team,
            "actor": f.actor,
            "within": f.within,
            "happened": "" if x["hit"] is None else x["hit"],
            "brier_team": _p(x["bs"]),
            "brier_model": _p(x["bm"]),
            "brier_model_shown": _p(x["bv"]),
        }
        for k in _categories(g):
            for who in ("team", "model", "shown"):
                d = x["dist"] if who == "team" else x[who]
                row[f"{who}_p_{k}"] = _p(d[k]) if d is not None and k in d else ""
        rows.append(row)
    return rows


def _team_scores(g: GameLog, an: Analysis) -> list[dict[str, Any]]:
    per: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for t in g.teams:
        per.setdefault((t.name, t.actor), [])
    for x in _scored(g, an):
        per.setdefault((x["f"].team, x["f"].actor), []).append(x)
    out = []
    for (team, actor), items in per.items():
        done = [x for x in items if x["hit"] is not None]
        mb = scoring.mean(x["bs"] for x in done)
        mm = scoring.mean(x["bm"] for x in done if x["bm"] is not None)
        mv = scoring.mean(x["bv"] for x in done if x["bv"] is not None)
        out.append(
            {
                "team": team,
                "actor": actor,
                "forecasts_scored": len(done),
                "forecasts_pending": len(items) - len(done),
                "brier_mean": _p(mb),
                "model_brier_mean": _p(mm),
                "shown_model_brier_mean": _p(mv),
                "beat_model": "" if mb is None or mm is None else int(mb < mm),
                "beat_shown_model": "" if mb is None or mv is None else int(mb < mv),
            }
        )
    return out


def score_rows(g: GameLog, an: Analysis, group: int) -> list[dict[str, Any]]:
    """One row per team that played or forecast (nothing repeated from ``sides.csv``)."""
    return [{"group": group, **t} for t in _team_scores(g, an)]


def _objective(g: GameLog, an: Analysis, actor: str) -> dict[str, Any]:
    u = an.actual_utility[actor]
    sp = an.spreads[0] if an.spreads else None
    if sp is None:
        return {"objective_score": _x(u), "expected_score": "", "score_percentile": ""}
    return {
        "objective_score": _x(u),
        "expected_score": _x(float(sp.utility[actor].mean())),
        "score_percentile": _x(100 * percentile(sp.utility[actor], u)),
    }


def side_rows(g: GameLog, an: Analysis, group: int) -> list[dict[str, Any]]:
    c = g.session.c
    scn = g.loaded.scenario
    rows = []
    for a, aid in enumerate(c.actor_ids):
        teams = [t.name for t in g.teams if t.actor == aid]
        rows.append(
            {
                "group": group,
                "actor": aid,
                "actor_name": scn.actors[a].name,
                "played_by": ";".join(teams) if teams else g.session.seats[aid].label,
                **_objective(g, an, aid),
            }
        )
    return rows


def ending_text(g: GameLog) -> str:
    """The ending in words: an outcome's name, "time's up" (a lesson length) or none yet."""
    s = g.session
    if s.over:
        return next((o.name for o in g.loaded.scenario.outcomes if o.id == s.outcome), "")
    if getattr(s, "times_up", False):
        return f"Time's up after {count_text(g.n_turns, 'turn')} (no outcome)"
    return f"No ending yet after {count_text(g.n_turns, 'turn')}"


def gradebook_rows(
    g: GameLog, an: Analysis, group: int, roster: Mapping[str, Sequence[str]] | None = None
) -> list[dict[str, Any]]:
    """One row per team, or one per student of a team when ``roster`` (team -> names)
    lists them; a team's scores and its side's objective score."""
    scn = g.loaded.scenario
    names = {a.id: a.name for a in scn.actors}
    rows = []
    for t in _team_scores(g, an):
        students = list((roster or {}).get(t["team"], [])) or [""]
        for student in students:
            rows.append(
                {
                    "group": group,
                    "student": student,
                    "team": t["team"],
                    "side": names.get(t["actor"], t["actor"]),
                    "forecasts_scored": t["forecasts_scored"],
                    "brier_mean": t["brier_mean"],
                    "model_brier_mean": t["model_brier_mean"],
                    "shown_model_brier_mean": t["shown_model_brier_mean"],
                    "beat_model": t["beat_model"],
                    "objective_score": _objective(g, an, t["actor"])["objective_score"],
                    "ending": ending_text(g),
                }
            )
    return rows


def outcome_rows(g: GameLog, an: Analysis, group: int) -> list[dict[str, Any]]:
    c = g.session.c
    scn = g.loaded.scenario
    actual = g.session.outcome if g.session.over else STILL_RUNNING
    rows = []
    items = [(o.id, o.name, o.kind.value) for o in scn.outcomes]
    n = count_text(g.n_turns, "turn")
    still = (
        f"Time's up after {n} (no outcome)"
        if getattr(g.session, "times_up", False)
        else f"No ending yet after {n}"
    )
    items.append((STILL_RUNNING, still, ""))
    for q, name, kind in items:
        shares = [_p(s.share[q]) for s in an.spreads] + ["", "", ""]
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


def offer_rows(g: GameLog, group: int) -> list[dict[str, Any]]:
    """One row per offer of terms, with its answer (ids: the terms in the scenario's words)."""
    return [
        {
            "group": group,
            "turn": r.turn,
            "actor": r.actor,
            "option": r.option,
            "to": r.to,
            "terms": r.terms,
            "answer": r.answer,
            "reply": r.reply or "",
        }
        for r in offer_results(g.loaded.scenario, [t["moves"] for t in g.turns])
    ]


# the tables, in order; each is written as NAME.csv
TABLES = (
    "turns",
    "decisions",
    "forecasts",
    "scores",
    "sides",
    "gradebook",
    "outcomes",
    "offers",
)


def tables(
    games: Sequence[GameLog],
    analyses: Sequence[Analysis],
    roster: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {name: [] for name in TABLES}
    for i, (g, an) in enumerate(zip(games, analyses, strict=True), start=1):
        out["turns"] += turns_rows(g, an, i)
        out["decisions"] += decision_rows(g, an, i)
        out["forecasts"] += forecast_rows(g, an, i)
        out["scores"] += score_rows(g, an, i)
        out["sides"] += side_rows(g, an, i)
        out["gradebook"] += gradebook_rows(g, an, i, roster)
        out["outcomes"] += outcome_rows(g, an, i)
        out["offers"] += offer_rows(g, i)
    return out


def columns(name: str, rows: list[dict[str, Any]], games: Sequence[GameLog]) -> list[str]:
    """The header of table ``name`` (unique names: ``ValueError`` otherwise)."""
    c = games[0].session.c
    if name == "turns":
        cols = TURN_COLUMNS + [f"{m}_end" for m in c.metric_ids]
    elif name == "decisions":
        cols = DECISION_COLUMNS + [f"p_outcome_{q}" for q in [*c.outcome_ids, STILL_RUNNING]]
    elif name == "forecasts":
        cats = _categories(games[0])
        cols = FORECAST_COLUMNS + [
            f"{who}_p_{k}" for k in cats for who in ("team", "model", "shown")
        ]
    else:
        cols = {
            "scores": SCORE_COLUMNS,
            "sides": SIDE_COLUMNS,
            "gradebook": GRADEBOOK_COLUMNS,
            "outcomes": OUTCOME_COLUMNS,
            "offers": OFFER_COLUMNS,
        }[name]
    if len(set(cols)) != len(cols):
        twice = sorted({x for x in cols if cols.count(x) > 1})
        raise ValueError(f"{name}.csv would repeat the column(s) {', '.join(twice)}")
    return cols


def read_roster(path: str | Path) -> dict[str, list[str]]:
    """A class roster for the gradebook: a CSV with the columns ``team`` and ``student``
    (one row per student; a BOM from Excel is fine). ``ValueError`` names the file and
    the line of a problem."""
    p = Path(path)
    out: dict[str, list[str]] = {}
    with p.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "team" not in fields or "student" not in fields:
            raise ValueError(
                _("{file}: line 1: the roster needs the columns 'team' and 'student'", file=p)
            )
        reader.fieldnames = fields
        for row in reader:
            team, student = (row.get("team") or "").strip(), (row.get("student") or "").strip()
            if not team or not student:
                raise ValueError(
                    _(
                        "{file}: line {line}: a team and a student are needed",
                        file=p,
                        line=reader.line_num,
                    )
                )
            out.setdefault(team, []).append(student)
    return out


def write_csv(
    directory: str | Path,
    data: dict[str, list[dict]],
    games: Sequence[GameLog],
    encoding: str = csvsafe.DEFAULT_ENCODING,
) -> tuple[list[Path], int]:
    """Write each table as ``DIR/<name>.csv`` in ``encoding`` (``csvsafe.ENCODINGS``:
    UTF-8 with a byte-order mark unless asked otherwise); return the files and how many
    characters the encoding lacked (written as "?")."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    written, lost = [], 0
    for name, rows in data.items():
        path = d / f"{name}.csv"
        cols = columns(name, rows, games)
        body = ([r.get(c, "") for c in cols] for r in rows)
        lost += csvsafe.write_table(path, cols, body, encoding)
        written.append(path)
    return written, lost


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
