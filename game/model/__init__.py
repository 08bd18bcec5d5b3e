"""The NumPy probabilistic model: N parallel worlds stepped at once. No pygame here."""

from game.model.compiled import Compiled, compile_scenario
from game.model.forecast import QUANTILES, Forecast, choose, forecast, wilson
from game.model.policy import Fixed, Mix, Policy, Then, Uniform, parse_policy, policies_for
from game.model.state import State, initial_state
from game.model.step import Explanation, available, source_labels, step

__all__ = [
    "QUANTILES",
    "Compiled",
    "Explanation",
    "Fixed",
    "Forecast",
    "Mix",
    "Policy",
    "State",
    "Then",
    "Uniform",
    "available",
    "choose",
    "compile_scenario",
    "forecast",
    "initial_state",
    "parse_policy",
    "policies_for",
    "source_labels",
    "step",
    "wilson",
]
