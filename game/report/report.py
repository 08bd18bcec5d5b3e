"""``brink report``: the after-action report of one or several saved games."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.engine.ai import AISettings
from game.engine.saves import PinArg, SaveError
from game.i18n import _, ngettext
from game.report import build, build_class, charts, export
from game.report.analysis import Analysis, analyse
from game.report.logdata import GameLog, load
from game.report.render import render
from game.report.words import date_text
from game.scenario import ScenarioError, load_scenario


class ReportError(Exception):
    """Logs that cannot go into one report together (e.g. different scenarios)."""


@dataclass
class Report:
    games: list[GameLog]
    analyses: list[Analysis]
    html: str
    tables: dict[str, list[dict[str, Any]]]


def _rank_text(rank: int, n_options: int) -> str:
    """``1st safest of 4``: the English ordinal suffix is part of each template."""
    if 10 <= rank % 100 <= 20 or rank % 10 not in (1, 2, 3):
        return _("{rank}th safest of {n}", rank=rank, n=n_options)
    if rank % 10 == 1:
        return _("{rank}st safest of {n}", rank=rank, n=n_options)
    if rank % 10 == 2:
        return _("{rank}nd safest of {n}", rank=rank, n=n_options)
    return _("{rank}rd safest of {n}", rank=rank, n=n_options)


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
            raise SaveError(
                Path(scenario), _("the scenario does not load: {error}", error=e)
            ) from None
    games = [load(p, loaded, pin) for p in paths]
    ids = {g.log["scenario"]["id"] for g in games}
    if len(ids) > 1:
        raise ReportError(
            _(
                "the logs are from different scenarios ({ids}): a report compares games of "
                "one scenario",
                ids=", ".join(sorted(ids)),
            )
        )
    several = len(games) > 1
    for i, g in enumerate(games, start=1):
        teams = ", ".join(t.name for t in g.teams)
        parent = g.log.get("parent")
        if not several:
            g.label = _("The game")
        elif isinstance(parent, dict):  # a what-if names where it left its parent
            turn = parent.get("turn")
            g.label = (
                _("What if, from turn {turn} ({teams})", turn=turn, teams=teams)
                if teams
                else _("What if, from turn {turn}", turn=turn)
            )
        else:
            g.label = _("Group {n} ({teams})", n=i, teams=teams) if teams else _("Group {n}", n=i)
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
            progress(
                ngettext(
                    "analysing {file} ({n} turn)…",
                    "analysing {file} ({n} turns)…",
                    g.n_turns,
                    file=g.path.name,
                )
            )
        analyses.append(analyse(g, worlds))
    several = len(games) > 1
    groups = []
    for i, (g, an) in enumerate(zip(games, analyses, strict=True), start=1):
        gr = build.group(g, an, i, f"g{i}-" if several else "")
        for r in gr["odds"]["rows"]:
            r["rank_text"] = (
                _("all {n} options alike", n=r["n_options"])
                if r["alike"]
                else _rank_text(r["rank"], r["n_options"])
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
        n_actors=n_actors,
        title=meta.title,
        scenario_version=meta.version,
        facts_as_of=date_text(meta.facts_as_of),
        turn_days=meta.turn_days,
        turn_limit=meta.turn_limit,
        several=several,
        groups=groups,
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
