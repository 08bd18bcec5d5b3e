"""The verdict of one finished game, as the end screen and the report word it: each
side's objectives met or missed, its score against the worlds its choices made likely,
and the luck-versus-judgment line.

The score is the one the computer players and advisors weigh (``ai.objective_weights``):
the change of each metric from the start, by the side's weight, plus the value of the
ending. Luck is the score against the average of the worlds of the moves as played;
judgment is the average of those worlds against holding course every turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from game.model.forecast import wilson
from game.report.analysis import STILL_RUNNING, Spread, actual_utility, percentile, spreads
from game.report.logdata import GameLog, PinArg, load
from game.report.words import pct

VERDICT_WORLDS = 2000  # worlds per way of playing: a few tenths of a second
SMALL = 0.005  # a metric change under half a percent of its range counts as unchanged


@dataclass(frozen=True)
class Objective:
    text: str  # "Avoid War", "Raise Regime cohesion"
    met: bool | None  # None: neither (a metric that did not move)
    detail: str  # "it did not happen", "62 → 48 (−14)"
    weight: float  # the objective's value in the scenario (sign: seek or avoid)


@dataclass(frozen=True)
class SideVerdict:
    actor: str
    name: str
    human: bool
    objectives: tuple[Objective, ...]
    score: float
    expected: float  # mean score over the worlds of the moves as played
    held: float | None  # mean score had the people's sides held course every turn
    percentile: float  # share of those worlds scoring below this game (0..1)

    @property
    def luck(self) -> float:
        return self.score - self.expected

    @property
    def judgment(self) -> float | None:
        return None if self.held is None else self.expected - self.held

    def meaning(self) -> str:
        """What the score means, in one sentence."""
        p = self.percentile * 100
        rank = f"better than {p:.0f}%" if p >= 50 else f"worse than {100 - p:.0f}%"
        return (
            f"Score {self.score:+.0f}: {rank} of the ways the game could have gone with the "
            f"same moves (their average {self.expected:+.0f})."
        )

    def luck_line(self) -> str:
        """Luck against judgment, as the report states them."""
        out = f"Luck {self.luck:+.0f} (the result against the average of the same moves)"
        if self.judgment is not None:
            out += f" · judgment {self.judgment:+.0f} (those moves against holding course)"
        return out


@dataclass(frozen=True)
class Verdict:
    outcome: str | None
    outcome_name: str
    p_actual: float  # share of the worlds of the moves as played that ended this way
    ci: tuple[float, float]
    worlds: int
    line: str  # how likely this ending was, and so how much was luck
    sides: tuple[SideVerdict, ...]

    def side(self, actor: str) -> SideVerdict | None:
        return next((s for s in self.sides if s.actor == actor), None)

    def odds_line(self) -> str:
        return (
            f"{self.outcome_name}: {pct(self.p_actual, 1)} of {self.worlds} worlds of the same "
            f"moves (95% interval {pct(self.ci[0], 1)}–{pct(self.ci[1], 1)}), {self.line}"
        )


def ending_line(p_actual: float, whose: str = "their") -> str:
    """How likely the ending was for the moves as played, and what that says about luck."""
    if p_actual >= 0.5:
        return f"likely: {whose} choices made this ending the expected one"
    if p_actual >= 0.2:
        return f"one of the likely endings of {whose} choices"
    if p_actual >= 0.05:
        return f"an unlikely ending for {whose} choices: luck played a large part"
    return f"a rare ending for {whose} choices: mostly luck, good or bad"


def actual_key(g: GameLog) -> str:
    """The ending the worlds are compared with (a game the teacher stopped: still running)."""
    out = g.session.outcome
    by_teacher = g.ended_by_teacher
    return out if out is not None and g.session.over and not by_teacher else STILL_RUNNING


def objectives(g: GameLog, actor: str) -> list[Objective]:
    """Each of ``actor``'s objectives, met or missed, from the true start and end."""
    s = g.session
    c = s.c
    scn = g.loaded.scenario
    spec = scn.actors[c.actor_index(actor)]
    names = {o.id: o.name for o in scn.outcomes}
    out: list[Objective] = []
    ending = s.outcome if s.over else None
    for qid, w in sorted(spec.objectives.outcomes.items(), key=lambda kv: -abs(kv[1])):
        if not w:
            continue
        name = names.get(qid, qid)
        happened = ending == qid
        if w > 0:
            out.append(
                Objective(
                    f"Reach {name}",
                    happened,
                    "it happened" if happened else "it did not happen",
                    float(w),
                )
            )
        else:
            out.append(
                Objective(
                    f"Avoid {name}",
                    not happened,
                    "it happened" if happened else "it did not happen",
                    float(w),
                )
            )
    x0 = g.x_start if g.x_start is not None else s.state.x[0]
    x1 = s.state.x[0]
    metrics = {m.id: m for m in scn.metrics}
    for mid, w in sorted(spec.objectives.metrics.items(), key=lambda kv: -abs(kv[1])):
        if not w:
            continue
        m = c.index["metric"][mid]
        d = float(x1[m] - x0[m])
        span = float(c.hi[m] - c.lo[m]) or 1.0
        verb = "Raise" if w > 0 else "Lower"
        met = None if abs(d) < SMALL * span else (d > 0) == (w > 0)
        detail = f"{float(x0[m]):.0f} to {float(x1[m]):.0f} ({d:+.0f})"
        out.append(Objective(f"{verb} {metrics[mid].name}", met, detail, float(w)))
    return out


def side_verdicts(
    g: GameLog, sp: list[Spread], actual: dict[str, float]
) -> tuple[SideVerdict, ...]:
    c = g.session.c
    humans = set(g.human_actors)
    out = []
    for a, spec in enumerate(g.loaded.scenario.actors):
        aid = c.actor_ids[a]
        u = actual[aid]
        exp = [float(s.utility[aid].mean()) for s in sp]
        out.append(
            SideVerdict(
                actor=aid,
                name=spec.name,
                human=aid in humans,
                objectives=tuple(objectives(g, aid)),
                score=u,
                expected=exp[0],
                held=exp[1] if len(exp) > 1 else None,
                percentile=percentile(sp[0].utility[aid], u),
            )
        )
    return tuple(out)


def verdict_of(g: GameLog, worlds: int = VERDICT_WORLDS, whose: str = "your") -> Verdict:
    """The verdict of a loaded game log (the worlds are seeded from the game: repeatable)."""
    sp = spreads(g, worlds)
    if not sp:
        raise ValueError(f"{g.path.name}: no turns were played")
    key = actual_key(g)
    p = sp[0].share[key]
    scn = g.loaded.scenario
    name = next((o.name for o in scn.outcomes if o.id == key), "No ending yet")
    return Verdict(
        outcome=None if key == STILL_RUNNING else key,
        outcome_name=name,
        p_actual=p,
        ci=wilson(p, sp[0].worlds),
        worlds=sp[0].worlds,
        line=ending_line(p, whose),
        sides=side_verdicts(g, sp, actual_utility(g)),
    )


def verdict(
    path: str | Path, worlds: int = VERDICT_WORLDS, whose: str = "your", pin: PinArg = None
) -> Verdict:
    """The verdict of the saved game at ``path`` (``SaveError`` if it cannot be re-played);
    ``pin`` opens a sealed class game."""
    return verdict_of(load(path, pin=pin), worlds, whose)
