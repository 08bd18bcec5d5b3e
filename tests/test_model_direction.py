"""Direction on the shipped scenario: an escalatory option never makes war less likely
than the actor's de-escalation option (against the other side holding course).

When this fails, the scenario's numbers are wrong, not the test: it lists every
option that breaks the rule.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from game.model import Fixed, compile_scenario, forecast, initial_state
from game.scenario import load_scenario
from game.scenario.schema import Category

VENEZUELA = Path(__file__).resolve().parents[1] / "scenarios" / "venezuela-2025.yaml"
WORLDS = 4000


def test_escalation_never_lowers_p_war() -> None:
    scn = load_scenario(VENEZUELA).scenario
    c = compile_scenario(scn)
    war = c.outcomes_of_kind("war")
    assert war, "the scenario has no outcome of kind war"
    horizon = c.turn_limit

    def p_war(a: int, option: int) -> float:
        pol = [Fixed(int(c.hold[b])) for b in range(c.n_actors)]
        pol[a] = Fixed(option)
        # common random numbers: the same starts and the same stream for every option
        start = initial_state(c, WORLDS, np.random.default_rng(1))
        f = forecast(c, start, pol, np.random.default_rng(2), worlds=WORLDS, horizon=horizon)
        return f.p_any(war)

    broken, checked = [], 0
    for a, actor in enumerate(scn.actors):
        if not actor.playable:
            continue
        calm = [o for o in actor.options if o.category == Category.de_escalation]
        if not calm:
            broken.append(f"{actor.id}: no option of category de_escalation to compare with")
            continue
        p0 = p_war(a, c.option_index(a, calm[0].id))
        for o in actor.options:
            if o.escalation <= 0:
                continue
            checked += 1
            p = p_war(a, c.option_index(a, o.id))
            pm = max(p0, p, 1 / WORLDS)
            tol = 4.5 * np.sqrt(pm * (1 - pm) * 2 / WORLDS) + 1e-3
            if p < p0 - tol:
                broken.append(
                    f"{actor.id}.{o.id} (escalation {o.escalation:g}): P(war) {p:.4f} "
                    f"< {p0:.4f} with {actor.id}.{calm[0].id}"
                )
    assert checked > 0
    assert not broken, "options that lower P(war):\n" + "\n".join(broken)
