"""The scenario format: YAML in, a validated typed ``Scenario`` out."""

from game.scenario.load import Loaded, ScenarioError, check_file, load_scenario
from game.scenario.schema import Scenario
from game.scenario.yamlsafe import Problem

__all__ = ["Loaded", "Problem", "Scenario", "ScenarioError", "check_file", "load_scenario"]
