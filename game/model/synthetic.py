"""Small random scenarios for tests and benchmarks: every feature of the format, any size.

``synthetic_scenario(seed, ...)`` builds a scenario dictionary from a seed and
validates it through ``Scenario.model_validate``; the same seed gives the same
scenario. It exercises branches (some state-dependent), interactions, coupling,
events (stages, conditions, moves, one-shot, stage changes), availability
(stages, conditions, cooldowns, use limits) and outcome triggers (stages,
conditions, moves, hold counters, chances).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from game.scenario.schema import Scenario

_CATEGORIES = ["talks", "mobilization", "show_of_force", "sanctions", "strike", "covert"]


def synthetic_dict(
    seed: int,
    *,
    metrics: int = 3,
    actors: int = 2,
    options: int = 4,
    events: int = 2,
    stages: int = 4,
    outcomes: int = 3,
    interactions: int = 1,
    couplings: int = 1,
    turn_limit: int = 10,
    max_hold: int = 3,
) -> dict[str, Any]:
    """The scenario as plain data (see ``synthetic_scenario``)."""
    r = np.random.default_rng(seed)
    mids = [f"m{i}" for i in range(metrics)]
    aids = [f"a{i}" for i in range(actors)]
    sids = [f"s{i}" for i in range(stages)]

    def num(lo: float, hi: float, nd: int = 2) -> float:
        return round(float(r.uniform(lo, hi)), nd)

    def effects(k: int, scale: float = 5.0) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for m in r.choice(mids, size=min(k, metrics), replace=False):
            out[str(m)] = {"mean": num(-scale, scale), "sd": num(0, scale / 2)}
        return out

    def chance(p_lo: float = 0.05, p_hi: float = 0.6) -> dict[str, Any]:
        ch: dict[str, Any] = {"p": num(p_lo, p_hi, 3)}
        if r.random() < 0.6:
            ch["slope"] = {str(r.choice(mids)): num(-0.08, 0.08, 3)}
        if r.random() < 0.3:
            ch["stage_shift"] = {str(r.choice(sids)): num(-1, 1)}
        return ch

    def cond() -> dict[str, Any]:
        return {
            "metric": str(r.choice(mids)),
            "op": str(r.choice(["<", "<=", ">", ">="])),
            "value": num(20, 80, 1),
        }

    metric_list = []
    for m in mids:
        lo, hi = (0.0, 100.0) if r.random() < 0.7 else (-50.0, 50.0)
        mean = num(lo + 0.25 * (hi - lo), lo + 0.75 * (hi - lo), 1)
        metric_list.append(
            {
                "id": m,
                "name": m.upper(),
                "description": "A metric.",
                "range": [lo, hi],
                "initial": {"mean": mean, "sd": num(0, 6)},
                "equilibrium": num(lo + 0.2 * (hi - lo), lo + 0.8 * (hi - lo), 1),
                "reversion": num(0, 0.25),
                "noise_sd": num(0, 3) if r.random() < 0.8 else 0.0,
            }
        )

    actor_list: list[dict[str, Any]] = []
    for a in aids:
        opts = [
            {
                "id": "hold",
                "name": "Hold",
                "category": "status_quo",
                "description": "Nothing new.",
                "escalation": 0.0,
                "headline": "{actor} holds",
            },
            {
                "id": "calm",
                "name": "Calm",
                "category": "de_escalation",
                "description": "Step back.",
                "escalation": -2.0,
                "effects": effects(1),
                "headline": "{actor} steps back",
            },
        ]
        for k in range(max(0, options - 2)):
            o: dict[str, Any] = {
                "id": f"o{k}",
                "name": f"Option {k}",
                "category": str(r.choice(_CATEGORIES)),
                "description": "An option.",
                "escalation": float(r.choice([0, 4, 12, 28])),
                "effects": effects(int(r.integers(0, 3))),
                "headline": "{actor} acts",
            }
            if r.random() < 0.4:
                o["branches"] = [
                    {
                        "id": f"b{b}",
                        "label": "It went another way",
                        "chance": chance(),
                        "effects": effects(1),
                    }
                    for b in range(int(r.integers(1, 3)))
                ]
            if r.random() < 0.3:
                o["available"] = {"stages": [str(s) for s in r.choice(sids, size=2, replace=False)]}
            elif r.random() < 0.2:
                o["available"] = {"conditions": [cond()]}
            if r.random() < 0.3:
                o["cooldown"] = int(r.integers(1, 3))
            if r.random() < 0.2:
                o["max_uses"] = int(r.integers(1, 4))
            opts.append(o)
        actor_list.append(
            {
                "id": a,
                "name": a.upper(),
                "colour": "#0072B2",
                "role": "A state.",
                "case": "Its case.",
                "objectives": {"metrics": {mids[0]: -0.5}},
                "ai": {"temperature": 5.0, "risk_tolerance": 0.5},
                "hold_option": "hold",
                "options": opts,
            }
        )

    def some_moves() -> dict[str, list[str]]:
        out = {}
        for a in aids:
            names = [o["id"] for o in actor_list[aids.index(a)]["options"]]
            out[a] = [str(x) for x in r.choice(names, size=min(2, len(names)), replace=False)]
        return out

    inter = [
        {"id": f"i{k}", "label": "Together", "when": some_moves(), "effects": effects(1)}
        for k in range(interactions)
    ]
    coupling = [
        {"source": str(r.choice(mids)), "target": str(r.choice(mids)), "coef": num(-0.1, 0.1)}
        for _ in range(couplings)
    ]
    event_list = []
    for k in range(events):
        e: dict[str, Any] = {
            "id": f"e{k}",
            "name": f"Event {k}",
            "headline": "Something happened",
            "hazard": chance(0.02, 0.4),
            "effects": effects(int(r.integers(1, 3))),
            "stage_change": int(r.choice([-1, 0, 0, 1, 2])),
            "repeatable": bool(r.random() < 0.7),
        }
        when: dict[str, Any] = {}
        if r.random() < 0.3:
            when["stages"] = [str(s) for s in r.choice(sids, size=2, replace=False)]
        if r.random() < 0.3:
            when["conditions"] = [cond()]
        if r.random() < 0.3:
            a = str(r.choice(aids))
            when["moves"] = {a: some_moves()[a]}
        if when:
            e["when"] = when
        event_list.append(e)

    ladder = []
    for i, s in enumerate(sids):
        ladder.append(
            {
                "id": s,
                "name": s.upper(),
                "description": "A rung.",
                "up": chance(0.05, 0.3) if i < stages - 1 else 0.0,
                "down": chance(0.05, 0.3) if i > 0 else 0.0,
            }
        )

    kinds = ["war", "settlement", "negotiated_exit", "regime_change", "other"]
    outcome_list: list[dict[str, Any]] = []
    for k in range(max(1, outcomes - 1)):
        trig: dict[str, Any] = {
            "hold_turns": int(r.integers(1, max_hold + 1)),
            "chance": chance(0.3, 1.0) if r.random() < 0.6 else 1.0,
        }
        if k == 0:
            trig["stages"] = [sids[-1]]
        elif r.random() < 0.5:
            trig["conditions"] = [cond()]
        else:
            trig["stages"] = [str(r.choice(sids))]
        if r.random() < 0.2:
            a = str(r.choice(aids))
            trig["moves"] = {a: some_moves()[a]}
        outcome_list.append(
            {
                "id": f"q{k}",
                "name": f"Outcome {k}",
                "kind": kinds[k % len(kinds)],
                "description": "An end.",
                "headline": "It ended",
                "trigger": trig,
            }
        )
    outcome_list.append(
        {
            "id": "limit",
            "name": "Limit",
            "kind": "standoff",
            "description": "Time ran out.",
            "headline": "Nothing settled",
            "at_turn_limit": True,
        }
    )

    return {
        "meta": {
            "id": f"synthetic_{seed}",
            "title": f"Synthetic {seed}",
            "version": "1",
            "language": "en",
            "facts_as_of": "2025-01-01",
            "start_date": "2025-01-06",
            "turn_days": 7,
            "turn_limit": turn_limit,
            "fact_sheet": "none.yaml",
            "summary": "A generated scenario.",
            "how_to_win": "Avoid war.",
        },
        "metrics": metric_list,
        "actors": actor_list,
        "interactions": inter,
        "dynamics": {"coupling": coupling},
        "fog": {"error_at_zero_intel": 0.2, "error_at_full_intel": 0.02},
        "events": event_list,
        "ladder": ladder,
        "initial_stage": sids[int(r.integers(0, max(1, stages - 1)))],
        "outcomes": outcome_list,
    }


def synthetic_scenario(seed: int, **sizes: int) -> Scenario:
    """A random but valid scenario (see ``synthetic_dict`` for the sizes)."""
    return Scenario.model_validate(synthetic_dict(seed, **sizes))
