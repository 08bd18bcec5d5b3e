"""From re-played games and the model's analysis to what the report shows: the
template's context and the tidy tables of the CSV/JSON exports (one source for both)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from game.engine.actions import describe
from game.engine.commitments import offer_results
from game.i18n import _, format_datetime, format_number, format_signed, ngettext, pgettext
from game.model.forecast import wilson
from game.report import charts, scoring
from game.report.analysis import STILL_RUNNING, Analysis, model_probs, percentile
from game.report.logdata import GameLog
from game.report.verdict import ending_line
from game.report.words import (
    date_text,
    pct,
)
from game.words import category_label, in_sentence, span_text

CALIBRATION_MIN = 20  # probability judgements needed before a calibration chart means much


def _moment_text(raw: str) -> str:
    """A log's ISO time stamp as the reader's language writes a date and time."""
    try:
        return format_datetime(dt.datetime.fromisoformat(raw))
    except ValueError:
        return raw  # an older or hand-made log's own wording stays as written


def _actor_names(g: GameLog) -> dict[str, str]:
    return {a.id: a.name for a in g.loaded.scenario.actors}


def _by_text(g: GameLog, turn: int, actor: str) -> str:
    """Who chose a move, as the reader sees it: a team's name, or the seat in words."""
    by = g.log["turns"][turn - 1].get("by")
    if isinstance(by, Mapping) and isinstance(by.get(actor), str):
        return by[actor]
    seat = g.session.seats[actor]
    if seat.kind == "team" and seat.name:
        return seat.name
    return seat.display


def _signed(value: float) -> str:
    """``+3``, ``−2``, ``0`` in the current locale (a minus sign, not a hyphen)."""
    return format_signed(value, 0)


def _brier(value: float | None) -> str:
    return format_number(value, 3) if value is not None else "—"


def _setting(key: str, value: Any) -> tuple[str, str]:
    """A classroom setting of the log as the header shows it: (label, value) in words."""
    if key == "lesson_turns" and isinstance(value, int) and not isinstance(value, bool):
        return _("Lesson length"), ngettext("{n} turn", "{n} turns", value)
    if key == "blind_forecasts" and isinstance(value, bool):
        return _("Blind forecasting"), pgettext("setting", "on") if value else pgettext(
            "setting", "off"
        )
    return key.replace("_", " ").capitalize(), str(value)


def _option(g: GameLog, actor: str, option: str) -> Any:
    a = g.session.c.actor_index(actor)
    return g.loaded.scenario.actors[a].options[g.session.c.option_index(a, option)]


# --- console actions in words ---------------------------------------------------------------------


def console_text(g: GameLog, act: Mapping[str, Any]) -> str:
    """A console action (or any other logged action) as one line (``engine/actions.py``)."""
    return describe(act, g.loaded.scenario)


# --- one game ------------------------------------------------------------------------------------


def seats(g: GameLog) -> list[dict[str, Any]]:
    out = []
    for a, actor in enumerate(g.loaded.scenario.actors):
        seat = g.session.seats[actor.id]
        teams = [t.name for t in g.teams if t.actor == actor.id]
        out.append(
            {
                "actor": actor.id,
                "name": actor.name,
                "seat": seat.display,
                "people": seat.waits or bool(teams),
                "teams": teams,
                "colour": charts.actor_colour(actor.colour, a),
            }
        )
    return out


def stage_path(g: GameLog) -> list[int]:
    c = g.session.c
    idx = c.index["stage"]
    if not g.session.history:
        return [int(g.session.state.stage[0])]
    path = [idx[g.session.history[0].stage_before]]
    path += [idx[r.stage_after] for r in g.session.history]
    return path


def timeline(g: GameLog) -> list[dict[str, Any]]:
    names = _actor_names(g)
    console: dict[int | None, list[dict[str, Any]]] = {}
    for act in g.console:
        console.setdefault(act.get("turn"), []).append(act)
    rows = []
    for r in g.session.history:
        T = r.turn
        entry = g.turns[T - 1]
        acts = console.get(T, [])
        timed_out = {
            str(a.get("actor")) for a in acts if a.get("kind") == "timer_expired" and a.get("actor")
        }
        moves = []
        for aid, mr in r.moves.items():
            opt = _option(g, aid, mr.option)
            moves.append(
                {
                    "actor": aid,
                    "actor_name": mr.actor_name,
                    "option": mr.option,
                    "option_name": mr.option_name,
                    "category": category_label(opt.category),
                    "escalation": format_number(opt.escalation),
                    "covert": mr.covert,
                    "exposed": mr.exposed,
                    "branches": [b.label for b in mr.branches if b.happened],
                    "by": g.decided_by(T, aid),
                    "by_text": _by_text(g, T, aid),
                    "timed_out": aid in timed_out,
                }
            )
        headlines = []
        for n in r.headlines:
            if n.visible_to is None:
                note = ""
            elif n.actor is not None and n.visible_to == n.actor:
                note = _("only {side} knew", side=names.get(n.visible_to, n.visible_to))
            else:
                note = _("what {side} was told", side=names.get(n.visible_to, n.visible_to))
            headlines.append({"text": n.headline, "kind": n.kind, "note": note})
        advice = [
            describe(a, g.loaded.scenario)
            for a in entry["actions"]
            if a.get("kind") == "advice" and isinstance(a.get("advice"), list)
        ]
        rows.append(
            {
                "turn": T,
                "date": date_text(r.date),
                "stage_before": r.stage_before_name,
                "stage_after": r.stage_after_name,
                "stage_changed": r.stage_changed,
                "stage_up": g.session.c.index["stage"][r.stage_after]
                > g.session.c.index["stage"][r.stage_before],
                "moves": moves,
                # events the teacher fired are listed with the console actions
                "events": [
                    {
                        "name": e.name,
                        "source": _("scheduled inject") if e.source == "inject" else "",
                    }
                    for e in r.events
                    if e.source != "teacher"
                ],
                "scheduled": [
                    next((i.headline for i in g.loaded.scenario.injects if i.id == a.get("id")), "")
                    for a in entry["actions"]
                    if a.get("kind") == "inject"
                ],
                "console": [console_text(g, a) for a in acts],
                "advice": advice,
                "headlines": headlines,
                "outcome": r.outcome_name,
            }
        )
    return rows


def pending_console(g: GameLog) -> list[dict[str, Any]]:
    """Console actions of the turn that never resolved (e.g. the teacher ended the game)."""
    done = {r.turn for r in g.session.history}
    return [
        {"turn": a.get("turn"), "text": console_text(g, a)}
        for a in g.console
        if a.get("turn") not in done
    ]


def header(g: GameLog, an: Analysis | None = None) -> dict[str, Any]:
    s = g.session
    scn = g.loaded.scenario
    outcome = None
    if s.outcome is not None:
        q = s.c.index["outcome"][s.outcome]
        oc = scn.outcomes[q]
        outcome = {"id": oc.id, "name": oc.name, "headline": oc.headline, "kind": oc.kind.value}
    n = g.n_turns
    settings = g.settings()
    timer = settings.get("timer")
    timer_text: str | None
    if timer is None:
        timer_text = None  # the template says "not recorded"
    elif not timer:
        timer_text = pgettext("timer", "off")
    elif isinstance(timer, int | float):
        timer_text = _("{seconds} s per team", seconds=format_number(timer))
    else:
        timer_text = str(timer)
    # the console PIN's hash stays out of the report
    other = dict(
        _setting(k, v)
        for k, v in settings.items()
        if k not in ("timer", "class_code", "pin") and v is not None
    )
    return {
        "file": g.path.name,
        "seed": g.seed,
        "created": _moment_text(str(g.log.get("created", ""))),
        "game_version": g.log.get("game_version", ""),
        "scenario_version": g.log["scenario"].get("version", ""),
        "seats": seats(g),
        "teams_recorded": bool(g.teams),
        "outcome": outcome,
        "over": s.over,
        "times_up": bool(getattr(s, "times_up", False)),
        "turns": n,
        "turn_limit": s.turn_limit,
        "first_date": date_text(g.session.date_of(1)),
        "last_date": date_text(g.session.date_of(max(n, 1))),
        "span": span_text(n, scn.meta.turn_days) if n else _("no turns"),
        "final_stage": s.stage_name,
        "class_code": settings.get("class_code"),
        "timer": timer_text,
        "settings": other,
        "console_count": len(g.console),
        "forecast_count": len(g.forecasts),
    }


def metric_charts(
    g: GameLog, an: Analysis
) -> tuple[list[dict[str, Any]], str | None, list[tuple[str, str, str]]]:
    """One chart per metric, whose bands are shown (None: the model's, re-computed), and
    the legend of the estimate markers (label, colour, marker)."""
    s = g.session
    c = s.c
    scn = g.loaded.scenario
    names = _actor_names(g)
    out: list[dict[str, Any]] = []
    shown_by = None
    people = g.human_actors
    # bands the players saw, if the log carries them for every turn (shown[actor].bands)
    for aid in people:
        if g.turns and all(
            isinstance(t.get("shown", {}).get(aid, {}).get("bands"), Mapping) for t in g.turns
        ):
            shown_by = aid
            break
    keys: dict[str, tuple[str, str]] = {}
    for m, met in enumerate(scn.metrics):
        if met.visibility.value == "hidden" and not s.unveiled[m]:
            continue  # engine-only state (a timer, a flag) that never came out: no chart
        true = [float(g.x_start[m])] + [float(t["result"]["x"][m]) for t in g.turns]
        bands = None
        if g.turns:
            bands = np.zeros((len(true), 5))
            for T, f in enumerate(an.played, start=1):
                bands[T] = f.bands[min(1, f.horizon), :, m]
            if shown_by is not None:
                for T, t in enumerate(g.turns, start=1):
                    b = t["shown"][shown_by]["bands"].get(met.id)
                    if isinstance(b, list) and len(b) == 5:
                        bands[T] = b
        estimates = []
        for a, aid in enumerate(c.actor_ids):
            pts = []
            for T, t in enumerate(g.turns, start=1):
                est = t.get("shown", {}).get(aid, {}).get("estimates", {}).get(met.id)
                if isinstance(est, list) and len(est) == 2:
                    shown = min(max(float(est[0]), float(c.lo[m])), float(c.hi[m]))
                    pts.append((T - 1, shown, float(est[1])))
            if pts:
                colour = charts.actor_colour(scn.actors[a].colour, a)
                marker = charts.ESTIMATE_MARKERS[a % len(charts.ESTIMATE_MARKERS)]
                label = _("{side}: estimate", side=names[aid])
                estimates.append((label, colour, marker, pts))
                keys[label] = (colour, marker)
        svg = charts.metric_chart(met.name, float(c.lo[m]), float(c.hi[m]), true, bands, estimates)
        owner = names.get(met.owner or "", "")
        out.append(
            {
                "id": met.id,
                "name": met.name,
                "svg": svg,
                "private": met.visibility.value == "private",
                "owner": owner,
                "start": true[0],
                "end": true[-1],
            }
        )
    legend = [(label, colour, marker) for label, (colour, marker) in keys.items()]
    return out, (names[shown_by] if shown_by else None), legend


def belief_charts(g: GameLog) -> list[dict[str, Any]]:
    """For each side and each other side with private types: its belief over their type,
    turn by turn, against the type the game drew."""
    s = g.session
    scn = g.loaded.scenario
    names = _actor_names(g)
    out = []
    for b, target in enumerate(scn.actors):
        if not target.types:
            continue
        for a, viewer in enumerate(scn.actors):
            if a == b or not viewer.playable:
                continue
            title = _(
                "{viewer}: its belief about {target}",
                viewer=names[viewer.id],
                target=names[target.id],
            )
            path = [list(map(float, p)) for p in s.belief_path(a, b)]
            truth = s.types[b]
            svg = charts.belief_chart(title, [t.name for t in target.types], path, truth)
            end = path[-1][truth]
            out.append({"svg": svg, "truth": target.types[truth].name, "end": end})
    return out


def offers(g: GameLog) -> list[dict[str, Any]]:
    """Every offer of terms made in the game, with the answer it got the turn after."""
    scn = g.loaded.scenario
    names = _actor_names(g)
    opts = {a.id: {o.id: o.name for o in a.options} for a in scn.actors}
    out = []
    for r in offer_results(scn, [t["moves"] for t in g.turns]):
        theirs = opts[r.to]
        if r.answer == "accepted":
            answer = _("accepted in turn {turn}", turn=r.turn + 1)
        elif r.answer == "countered":
            answer = _(
                "answered with terms of its own in turn {turn} ({option})",
                turn=r.turn + 1,
                option=theirs[r.reply or ""],
            )
        elif r.answer == "rejected":
            answer = _(
                "not taken up: {actor} chose {option} in turn {turn}",
                actor=names[r.to],
                option=theirs[r.reply or ""],
                turn=r.turn + 1,
            )
        else:
            answer = _("no answer: the game ended first")
        out.append(
            {
                "turn": r.turn,
                "actor": r.actor,
                "actor_name": names[r.actor],
                "option_name": opts[r.actor][r.option],
                "to_name": names[r.to],
                "terms": r.terms,
                "answer": r.answer,
                "answer_text": answer,
            }
        )
    return out


def odds(g: GameLog, an: Analysis) -> dict[str, Any]:
    c = g.session.c
    scn = g.loaded.scenario
    names = _actor_names(g)
    horizon_text = _("within {span}", span=span_text(an.horizon, scn.meta.turn_days))
    rows = []
    by_actor: dict[str, list[tuple[int, float, float, float]]] = {}
    for d in an.decisions:
        a = c.actor_index(d.actor)
        opts = scn.actors[a].options
        oname = {o.id: o.name for o in opts}
        ch, safe, risky = d.chosen_odds, d.safest, d.riskiest
        by_actor.setdefault(d.actor, []).append((d.turn, safe.p_war, risky.p_war, ch.p_war))
        table = []
        for o in d.options:
            table.append(
                {
                    "name": oname[o.option],
                    "chosen": o.option == d.chosen,
                    "p_war": pct(o.p_war),
                    "p": [pct(o.p[q]) for q in c.outcome_ids] + [pct(o.p[STILL_RUNNING])],
                    "diff": (o.p_war - ch.p_war) * 100,
                }
            )
        rank = 1 + sum(1 for o in d.options if o.p_war < ch.p_war - 1e-9)
        alike = risky.p_war - safe.p_war < 0.005
        rows.append(
            {
                "turn": d.turn,
                "actor": names[d.actor],
                "by": g.decided_by(d.turn, d.actor),
                "by_text": _by_text(g, d.turn, d.actor),
                "chosen": oname[d.chosen],
                "p_war": pct(ch.p_war),
                "dist": [
                    (scn.outcomes[i].name, pct(ch.p[q]))
                    for i, q in enumerate(c.outcome_ids)
                    if ch.p[q] >= 0.005
                ],
                "safest": oname[safe.option],
                "safest_p": pct(safe.p_war),
                "riskiest": oname[risky.option],
                "riskiest_p": pct(risky.p_war),
                "rank": rank,
                "alike": alike,
                "n_options": len(d.options),
                "table": table,
            }
        )
    turning = []
    for tp in an.turning:
        T = tp.turn
        r = g.session.history[T - 1]
        what = [f"{mr.actor_name}: {mr.option_name}" for mr in r.moves.values()]
        events = [e.name for e in r.events]
        nxt = g.session.history[T] if len(g.session.history) > T else None
        turning.append(
            {
                "turn": T,
                "before": pct(tp.before),
                "after": pct(tp.after),
                "change": _signed(tp.change * 100),
                "up": tp.change > 0,
                "moves": what,
                "events": events,
                "stage": (
                    f"{r.stage_before_name} → {r.stage_after_name}"
                    if r.stage_changed
                    else r.stage_after_name
                ),
                "next_moves": (
                    [f"{mr.actor_name}: {mr.option_name}" for mr in nxt.moves.values()]
                    if nxt
                    else []
                ),
            }
        )
    end = None
    if g.session.over and an.p_war:
        end = (
            len(an.p_war) + 1,
            1.0 if g.session.outcome in an.war_ids else 0.0,
            pgettext("chart", "ending"),
        )
    svg = None
    if an.p_war:
        svg = charts.odds_chart(
            an.p_war,
            [
                (
                    names[aid],
                    charts.actor_colour(scn.actors[c.actor_index(aid)].colour, c.actor_index(aid)),
                    by_actor.get(aid, []),
                )
                for aid in an.decision_actors
            ],
            [(tp.turn, tp.before, tp.after) for tp in an.turning],
            horizon_text,
            end,
        )
    return {
        "rows": rows,
        "turning": turning,
        "svg": svg,
        "horizon_text": horizon_text,
        "horizon": an.horizon,
        "worlds": an.decision_worlds,
        "outcomes": [o.name for o in scn.outcomes],
        "war_names": [
            in_sentence(scn.outcomes[c.index["outcome"][q]].name, scn) for q in an.war_ids
        ],
        "people": bool(g.human_actors),
        "actors": [names[a] for a in an.decision_actors],
    }


def spread(g: GameLog, an: Analysis) -> dict[str, Any]:
    c = g.session.c
    scn = g.loaded.scenario
    names = _actor_names(g)
    if not an.spreads:
        return {"empty": True}
    keys = [*c.outcome_ids, STILL_RUNNING]
    labels = [o.name for o in scn.outcomes] + [
        ngettext("No ending yet after {n} turn", "No ending yet after {n} turns", g.n_turns)
    ]
    by_teacher = g.ended_by_teacher
    # a game the teacher stopped was still running when it stopped: compare with that
    outcome = g.session.outcome
    actual = outcome if outcome is not None and g.session.over and not by_teacher else STILL_RUNNING
    ai = keys.index(actual)
    sp = an.spreads[0]
    p_actual = sp.share[actual]
    lo, hi = wilson(p_actual, sp.worlds)  # 95% interval from the number of worlds
    likely = max(keys, key=lambda k: sp.share[k])
    rows = []
    for k, key in enumerate(keys):
        if all(s.share[key] == 0 for s in an.spreads) and key != actual:
            continue
        rows.append(
            {
                "name": labels[k],
                "actual": key == actual,
                "shares": [pct(s.share[key]) for s in an.spreads],
            }
        )
    shown = [
        k for k, key in enumerate(keys) if any(s.share[key] > 0 for s in an.spreads) or k == ai
    ]
    svg = charts.spread_chart(
        [labels[k] for k in shown],
        [(s.label, [s.share[keys[k]] for k in shown]) for s in an.spreads],
        shown.index(ai),
    )
    scores = []
    for aid in c.actor_ids:
        u = an.actual_utility[aid]
        exp = [float(s.utility[aid].mean()) for s in an.spreads]
        perc = percentile(sp.utility[aid], u)
        scores.append(
            {
                "actor": names[aid],
                "actual": _signed(u),
                "expected": [_signed(e) for e in exp],
                "percentile": format_number(perc * 100, 0),
                "luck": u - exp[0],
                "luck_text": _signed(u - exp[0]),
                "judgment": (exp[0] - exp[1]) if len(exp) > 1 else None,
                "judgment_text": _signed(exp[0] - exp[1]) if len(exp) > 1 else "—",
            }
        )
    verdict = ending_line(p_actual)
    if by_teacher:
        oc = next((o.name for o in scn.outcomes if o.id == by_teacher[1]), by_teacher[1])
        verdict += " " + _(
            "(the teacher ended the game in turn {turn} with “{outcome}”, before the crisis "
            "ended on its own: the worlds are compared with a crisis still running)",
            turn=by_teacher[0],
            outcome=oc,
        )
    return {
        "empty": False,
        "svg": svg,
        "plans": [s.label for s in an.spreads],
        "plan_texts": [(s.label, s.description) for s in an.spreads],
        "rows": rows,
        "worlds": sp.worlds,
        "turns": sp.turns,
        "actual": labels[ai],
        "p_actual": pct(p_actual, 1),
        "ci": f"{pct(lo, 1)}–{pct(hi, 1)}",
        "likely": labels[keys.index(likely)],
        "p_likely": pct(sp.share[likely], 1),
        "verdict": verdict,
        "scores": scores,
    }


def forecasts(g: GameLog, an: Analysis) -> dict[str, Any]:
    c = g.session.c
    scn = g.loaded.scenario
    names = _actor_names(g)
    onames = {o.id: o.name for o in scn.outcomes}
    onames[scoring.NONE] = _("none of these")
    if not g.forecasts:
        return {"recorded": False, "skipped": g.skipped_forecasts}
    ended = g.ended_turn
    rows = []
    per_team: dict[str, dict[str, Any]] = {}
    pairs: dict[str, list[tuple[float, bool]]] = {}
    for f in g.forecasts:
        dist = scoring.normalise(f.probs, c.outcome_ids)
        named = [k for k in dist if k != scoring.NONE]
        hit = scoring.realised(
            g.session.outcome, ended, f.turn, f.within, named, g.n_turns, g.session.over
        )
        base = an.baseline.get((f.turn, f.within))
        model = (
            scoring.normalise(model_probs(base, named, f.within), c.outcome_ids) if base else None
        )
        view = an.shown.get((f.turn, f.within, f.actor))
        seen = (
            scoring.normalise(model_probs(view, named, f.within), c.outcome_ids) if view else None
        )
        team = per_team.setdefault(
            f.team,
            {
                "team": f.team,
                "actor": names[f.actor],
                "scores": [],
                "model": [],
                "shown": [],
                "pending": 0,
            },
        )
        bs = bm = bv = None
        if hit is None:
            team["pending"] += 1
        else:
            bs = scoring.brier(dist, hit)
            team["scores"].append(bs)
            pairs.setdefault(f.team, []).extend(scoring.judgements(dist, hit))
            if model is not None:
                bm = scoring.brier(model, hit)
                team["model"].append(bm)
            if seen is not None:
                bv = scoring.brier(seen, hit)
                team["shown"].append(bv)
        rows.append(
            {
                "turn": f.turn,
                "team": f.team,
                "actor": names[f.actor],
                "within": span_text(f.within, scn.meta.turn_days),
                "cats": [
                    (onames.get(k, k), pct(p), pct(model[k]) if model else "—")
                    for k, p in dist.items()
                ],
                "happened": onames.get(hit, hit) if hit else _("window still open"),
                "brier": _brier(bs),
                "model": _brier(bm),
                "shown_model": _brier(bv),
                "better": bs is not None and bm is not None and bs < bm,
            }
        )
    teams = []
    for t in per_team.values():
        mb = scoring.mean(t["scores"])
        mm = scoring.mean(t["model"])
        mv = scoring.mean(t["shown"])
        teams.append(
            {
                "team": t["team"],
                "actor": t["actor"],
                "n": len(t["scores"]),
                "pending": t["pending"],
                "brier": _brier(mb),
                "model": _brier(mm),
                "brier_value": mb,
                "beat_model": None if mb is None or mm is None else mb < mm,
                "shown_model": _brier(mv),
                "beat_shown_model": None if mb is None or mv is None else mb < mv,
            }
        )
    teams.sort(key=lambda t: (t["brier_value"] is None, t["brier_value"] or 0.0, t["team"]))
    n_pairs = sum(len(v) for v in pairs.values())
    svg = None
    if n_pairs >= CALIBRATION_MIN:
        series = []
        for team_name, ps in pairs.items():
            bins = scoring.calibration(ps)
            series.append((team_name, [(b.mean_p, b.freq, b.n) for b in bins]))
        svg = charts.calibration_chart(series)
    return {
        "recorded": True,
        "rows": rows,
        "teams": teams,
        "svg": svg,
        "n_pairs": n_pairs,
        "min_pairs": CALIBRATION_MIN,
        "skipped": g.skipped_forecasts,
        # the lesson ended on time's up: a window still open then is never scored
        "times_up": bool(getattr(g.session, "times_up", False)),
    }


def against_history(g: GameLog) -> dict[str, Any] | None:
    """The class's moves beside the scenario's history line, turn by turn (None: the
    scenario has no history line). A turn the line does not list is a turn where every
    side held course. Scripted sides are left out: no one chose their moves, and the line
    does not record them (their scripts carry what they did)."""
    scn = g.loaded.scenario
    hist = scn.history
    if hist is None:
        return None
    by_turn = {ht.turn: ht for ht in hist.turns}
    names = {a.id: a.name for a in scn.actors if a.script is None}
    options = {(a.id, o.id): o.name for a in scn.actors for o in a.options}
    holds = {a.id: a.hold_option for a in scn.actors}
    rows = []
    same = {a: 0 for a in names}
    for r in g.session.history:
        ht = by_turn.get(r.turn)
        cells = []
        for aid in names:  # in the order of the table's columns
            mr = r.moves[aid]
            then = ht.moves.get(aid, holds[aid]) if ht is not None else holds[aid]
            match = mr.option == then
            same[aid] += match
            cells.append(
                {
                    "actor": aid,
                    "played": mr.option_name,
                    "history": options.get((aid, then), then),
                    "same": match,
                }
            )
        rows.append(
            {
                "turn": r.turn,
                "cells": cells,
                "facts": list(ht.facts) if ht is not None else [],
                "note": (ht.note or "") if ht is not None else "",
            }
        )
    n = len(rows)
    summary = [
        ngettext(
            "{side}: {same} of {n} turn as in history",
            "{side}: {same} of {n} turns as in history",
            n,
            side=names[a],
            same=k,
        )
        for a, k in same.items()
    ]
    return {
        "summary_text": hist.summary or "",
        "actors": [names[a] for a in names],
        "rows": rows,
        "agreement": summary,
    }


def group(g: GameLog, an: Analysis, index: int, prefix: str) -> dict[str, Any]:
    scn = g.loaded.scenario
    metrics, shown_by, estimate_keys = metric_charts(g, an)
    return {
        "index": index,
        "label": g.label,
        "prefix": prefix,
        "header": header(g, an),
        "timeline": timeline(g),
        "pending_console": pending_console(g),
        "stage_svg": charts.stage_chart([st.name for st in scn.ladder], [(g.label, stage_path(g))]),
        "metrics": metrics,
        "bands_shown_by": shown_by,
        "estimate_keys": estimate_keys,
        "beliefs": belief_charts(g),
        "offers": offers(g),
        "decision_worlds": an.decision_worlds,
        "odds": odds(g, an),
        "spread": spread(g, an),
        "forecasts": forecasts(g, an),
        "history": against_history(g),
    }
