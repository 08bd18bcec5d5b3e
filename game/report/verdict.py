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
from typing import Literal

from game.i18n import _, format_number, format_signed
from game.model.forecast import wilson
from game.report.analysis import STILL_RUNNING, Spread, actual_utility, percentile, spreads
from game.report.logdata import GameLog, PinArg, load
from game.report.words import pct

VERDICT_WORLDS = 2000  # worlds per way of playing: a few tenths of a second
Whose = Literal["your", "their"]  # whose choices the ending line speaks of
SMALL = 0.005  # a metric change under half a percent of its range counts as unchanged


@dataclass(frozen=True)
class Objective:
    text: str  # "Avoid War", "Raise Regime cohesion"
    met: bool | None  # None: neither (a metric that did not move)
    detail: str  # "it did not happen", "62 → 48 (−14)"
    weight: float  # the objective's value in the scenario (sign: seek or avoid)
    ending: bool = False  # about the ending the game reached (shown first)


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
        p = self.percentile
        if p >= 0.5:
            return _(
                "Score {score}: better than {share} of the ways the game could have gone with "
                "the same moves (their average {average}).",
                score=_signed(self.score),
                share=pct(p),
                average=_signed(self.expected),
            )
        return _(
            "Score {score}: worse than {share} of the ways the game could have gone with "
            "the same moves (their average {average}).",
            score=_signed(self.score),
            share=pct(1.0 - p),
            average=_signed(self.expected),
        )

    def luck_line(self) -> str:
        """Luck against judgment, as the report states them."""
        if self.judgment is None:
            return _(
                "Luck {luck} (the result against the average of the same moves)",
                luck=_signed(self.luck),
            )
        return _(
            "Luck {luck} (the result against the average of the same moves) · judgment "
            "{judgment} (those moves against holding course)",
            luck=_signed(self.luck),
            judgment=_signed(self.judgment),
        )


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
        return _(
            "{outcome}: {share} of {worlds} worlds of the same moves (interval of 95%: "
            "{low}–{high}), {line}",
            outcome=self.outcome_name,
            share=pct(self.p_actual, 1),
            worlds=format_number(self.worlds),
            low=pct(self.ci[0], 1),
            high=pct(self.ci[1], 1),
            line=self.line,
        )


def _signed(value: float) -> str:
    """``+3``, ``−2``, ``0`` in the current locale (a minus sign, not a hyphen)."""
    return format_signed(value, 0)


def ending_line(p_actual: float, whose: Whose = "their") -> str:
    """How likely the ending was for the moves as played, and what that says about luck.
    ``whose``: ``your`` (the player's own choices) or ``their`` (the sides'): a key, not
    words, so every language words it whole."""
    if whose == "your":
        if p_actual >= 0.5:
            return _("likely: your choices made this ending the expected one")
        if p_actual >= 0.2:
            return _("one of the likely endings of your choices")
        if p_actual >= 0.05:
            return _("an unlikely ending for your choices: luck played a large part")
        return _("a rare ending for your choices: mostly luck, good or bad")
    if p_actual >= 0.5:
        return _("likely: their choices made this ending the expected one")
    if p_actual >= 0.2:
        return _("one of the likely endings of their choices")
    if p_actual >= 0.05:
        return _("an unlikely ending for their choices: luck played a large part")
    return _("a rare ending for their choices: mostly luck, good or bad")


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
                    _("Reach {outcome}", outcome=name),
                    happened,
                    _("it happened") if happened else _("it did not happen"),
                    float(w),
                    ending=happened,
                )
            )
        else:
            out.append(
                Objective(
                    _("Avoid {outcome}", outcome=name),
                    not happened,
                    _("it happened") if happened else _("it did not happen"),
                    float(w),
                    ending=happened,
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
        name = metrics[mid].name
        text = _("Raise {metric}", metric=name) if w > 0 else _("Lower {metric}", metric=name)
        met = None if abs(d) < SMALL * span else (d > 0) == (w > 0)
        detail = _(
            "{start} to {end} ({change})",
            start=format_number(float(x0[m]), 0),
            end=format_number(float(x1[m]), 0),
            change=_signed(d),
        )
        out.append(Objective(text, met, detail, float(w)))
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


def verdict_of(g: GameLog, worlds: int = VERDICT_WORLDS, whose: Whose = "your") -> Verdict:
    """The verdict of a loaded game log (the worlds are seeded from the game: repeatable)."""
    sp = spreads(g, worlds)
    if not sp:
        raise ValueError(_("{file}: no turns were played", file=g.path.name))
    key = actual_key(g)
    p = sp[0].share[key]
    scn = g.loaded.scenario
    name = next((o.name for o in scn.outcomes if o.id == key), _("No ending yet"))
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
    path: str | Path, worlds: int = VERDICT_WORLDS, whose: Whose = "your", pin: PinArg = None
) -> Verdict:
    """The verdict of the saved game at ``path`` (``SaveError`` if it cannot be re-played);
    ``pin`` opens a sealed class game."""
    return verdict_of(load(path, pin=pin), worlds, whose)
