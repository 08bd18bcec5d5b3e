"""``brink report``: the after-action report of one or several saved games."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.engine.ai import AISettings
from game.engine.saves import PinArg, SaveError
from game.report import build, build_class, charts, export
from game.report.analysis import Analysis, analyse
from game.report.logdata import GameLog, load
from game.report.render import render
from game.report.words import date_text
from game.scenario import ScenarioError, load_scenario
from game.words import count_text, every_side, other_sides


class ReportError(Exception):
    """Logs that cannot go into one report together (e.g. different scenarios)."""


@dataclass
class Report:
    games: list[GameLog]
    analyses: list[Analysis]
    html: str
    tables: dict[str, list[dict[str, Any]]]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def load_logs(
    paths: Sequence[str | Path], scenario: str | Path | None = None, pin: PinArg = None
) -> list[GameLog]:
    """Load every log (``SaveError`` for the first bad one); all must be one scenario.
    ``scenario``: the scenario file, when it is no longer where the games were saved;
    ``pin``: the teacher's PIN, for sealed class-game saves."""
    loaded = None
    if scenario is not None:
        try:
            loaded = load_scenario(scenario)
        except (ScenarioError, OSError) as e:
            raise SaveError(Path(scenario), f"the scenario does not load: {e}") from None
    games = [load(p, loaded, pin) for p in paths]
    ids = {g.log["scenario"]["id"] for g in games}
    if len(ids) > 1:
        raise ReportError(
            "the logs are from different scenarios ("
            + ", ".join(sorted(ids))
            + "): a report compares games of one scenario"
        )
    several = len(games) > 1
    for i, g in enumerate(games, start=1):
        teams = ", ".join(t.name for t in g.teams)
        g.label = f"Group {i}" + (f" ({teams})" if teams else "") if several else "The game"
        parent = g.log.get("parent")
        if several and isinstance(parent, dict):  # a what-if names where it left its parent
            g.label = f"What if, from turn {parent.get('turn')}" + (f" ({teams})" if teams else "")
    return games


def build_report(
    paths: Sequence[str | Path],
    worlds: int = 10_000,
    progress: Callable[[str], None] | None = None,
    scenario: str | Path | None = None,
    roster: Mapping[str, Sequence[str]] | None = None,
    pin: PinArg = None,
) -> Report:
    """The report of the saved games at ``paths``; ``roster`` (team -> student names)
    gives the gradebook a row per student; ``pin`` opens sealed class-game saves."""
    games = load_logs(paths, scenario, pin)
    charts.reset_ids()
    analyses = []
    for g in games:
        if progress:
            progress(f"analysing {g.path.name} ({count_text(g.n_turns, 'turn')})…")
        analyses.append(analyse(g, worlds))
    several = len(games) > 1
    groups = []
    for i, (g, an) in enumerate(zip(games, analyses, strict=True), start=1):
        gr = build.group(g, an, i, f"g{i}-" if several else "")
        for r in gr["odds"]["rows"]:
            r["rank_text"] = (
                f"all {r['n_options']} options alike"
                if r["alike"]
                else f"{_ordinal(r['rank'])} safest of {r['n_options']}"
            )
        groups.append(gr)
    g0 = games[0]
    meta = g0.loaded.scenario.meta
    n_actors = len(g0.loaded.scenario.actors)
    try:
        persistence = AISettings.from_dict(dict(g0.log.get("ai", {}))).persistence
    except (TypeError, ValueError):
        persistence = AISettings().persistence
    html = render(
        "report.html.j2",
        lang=meta.language,
        title=meta.title,
        scenario_version=meta.version,
        facts_as_of=date_text(meta.facts_as_of),
        turn_days=meta.turn_days,
        turn_limit=meta.turn_limit,
        several=several,
        groups=groups,
        other_sides=other_sides(n_actors),
        every_side=every_side(n_actors),
        others_moves="the other side's move" if n_actors <= 2 else "the other sides' moves",
        compare=build_class.compare(games, groups, analyses),
        slides=build_class.slides(games, analyses),
        debrief=build_class.debrief(g0),
        persistence=persistence,
    )
    return Report(games, analyses, html, export.tables(games, analyses, roster))


def write(report: Report, output: str | Path) -> Path:
    from game.engine.saves import write_atomic

    path = Path(output)
    write_atomic(path, report.html.encode("utf-8"))
    return path
