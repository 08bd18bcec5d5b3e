"""The guard for a model state that became NaN or infinite, with the scenario
numbers most likely to blame."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from game.errors import BrinkError
from game.scenario.schema import Effect

if TYPE_CHECKING:
    from game.model.compiled import Compiled


class NonFiniteState(BrinkError):
    """The model's state became NaN or infinite: a scenario number is out of scale.

    The schema's bounds are meant to make this impossible; this is the guard
    behind them, naming the metric and the scenario line most likely to blame.
    """


def _suspects(c: Compiled, m: int) -> list[tuple[float, str]]:
    """(size, dotted path) of every scenario number that moves metric ``m``."""
    scn = c.scenario
    mid = c.metric_ids[m]
    out: list[tuple[float, str]] = []

    def eff(path: str, effects: dict[str, Effect]) -> None:
        e = effects.get(mid)
        if e is not None:
            out.append((abs(e.mean) + e.sd, f"{path}.{mid}"))

    met = scn.metrics[m]
    out.append((met.noise_sd + met.initial.sd, f"metrics[{m}]"))
    for i, a in enumerate(scn.actors):
        for j, o in enumerate(a.options):
            eff(f"actors[{i}].options[{j}].effects", o.effects)
            for k, br in enumerate(o.branches):
                eff(f"actors[{i}].options[{j}].branches[{k}].effects", br.effects)
    for i, it in enumerate(scn.interactions):
        eff(f"interactions[{i}].effects", it.effects)
    for i, e in enumerate(scn.events):
        eff(f"events[{i}].effects", e.effects)
    for i, inj in enumerate(scn.injects):
        eff(f"injects[{i}].effects", inj.effects)
    width = {k: float(c.hi[j] - c.lo[j]) for k, j in c.index["metric"].items()}
    for i, cp in enumerate(scn.dynamics.coupling):
        if cp.target == mid:
            out.append((abs(cp.coef) * width.get(cp.source, 1.0), f"dynamics.coupling[{i}].coef"))
    return out


def non_finite_error(c: Compiled, x: NDArray[np.floating], turn: int) -> NonFiniteState:
    """The error for a state ``x`` [M, n] that holds NaN or infinity after ``turn``."""
    bad = np.flatnonzero(~np.isfinite(x).all(axis=1))
    m = int(bad[0]) if bad.size else 0
    mid = c.metric_ids[m]
    what = "NaN" if np.isnan(x[m]).any() else "infinite"
    size, path = max(_suspects(c, m), key=lambda t: (t[0], t[1]))
    where = c.scenario.where(path)
    return NonFiniteState(
        f"{where}: the model's state became {what} in metric {mid!r} at turn {turn}; the "
        f"largest number that moves it is at {path} ({size:g}): make it smaller",
        file=where.rsplit(":", 1)[0] or None,
        hint="run `brink check` on the scenario; its numbers are out of scale",
    )
