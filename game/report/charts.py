"""Charts as inline SVG (matplotlib's SVG backend; no pyplot, so no global state).

Every chart uses the Okabe–Ito colour-blind-safe palette and also differs by
line style, marker or hatch, so it reads in black and white. The SVG is made
embeddable: no XML prolog or DOCTYPE, no namespace URLs, element ids prefixed
per chart (several charts share one page), and deterministic (a fixed hash salt
and no date), so the same game gives the same report byte for byte.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from game.i18n import _, pgettext

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
SERIES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), "-"]
ESTIMATE_MARKERS = ["o", "s", "^", "D"]
HATCHES = ["", "///", "...", "xx", "\\\\", "++", "oo"]

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "brinkmanship-report",
    "svg.fonttype": "none",  # text stays text: smaller, sharper, selectable
    # Names come from scenario files and saves: "$...$" in them is text, never maths
    # (mathtext would render it, or raise on a malformed one).
    "text.parse_math": False,
    "text.usetex": False,
    "font.family": "sans-serif",
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#333333",
    "axes.grid": True,
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.6,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "lines.linewidth": 1.6,
}

# Projector slides: one chart a screen, 16:9, every label readable from the back of a
# room (tick labels 15 pt, about 20 px when the chart fills a 1280 × 720 screen).
BIG = 15 / 7.5  # the factor from the report's sizes to the projector's
RC_BIG: dict[RcKeyType, Any] = {
    **RC,
    "font.size": 16,
    "axes.titlesize": 18,
    "axes.labelsize": 16,
    "legend.fontsize": 15,
    "xtick.labelsize": 15,
    "ytick.labelsize": 15,
    "lines.linewidth": 2.6,
    "grid.linewidth": 1.0,
}
_mode = {"big": False}
_counter = {"n": 0}


class projector:
    """``with projector():`` draws the charts for a projector (large type, 16:9)."""

    def __enter__(self) -> None:
        self._was = _mode["big"]
        _mode["big"] = True

    def __exit__(self, *exc: object) -> None:
        _mode["big"] = self._was


def _rc() -> dict[RcKeyType, Any]:
    return RC_BIG if _mode["big"] else RC


def _ms(size: float) -> float:
    """A marker size or line width, scaled for the projector when drawing for it."""
    return size * BIG if _mode["big"] else size


def _fs(size: float) -> float:
    """A font size given for the report, scaled for the projector when drawing for it."""
    return max(15.0, size * BIG) if _mode["big"] else size


def actor_colour(colour: str, index: int) -> str:
    """The actor's scenario colour if it is an Okabe–Ito colour, else the palette's."""
    c = colour.upper()
    return c if c in OKABE_ITO.values() else SERIES[index % len(SERIES)]


def figure(width: float, height: float) -> Figure:
    if _mode["big"]:  # a screen: 16:9 whatever the report's shape
        width, height = 12.0, 6.4
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasSVG(fig)
    return fig


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')


def to_svg(fig: Figure, title: str, uid: str | None = None) -> str:
    """The figure as an ``<svg>`` element ready to sit inside HTML."""
    with matplotlib.rc_context(_rc()):
        buf = io.StringIO()
        fig.savefig(
            buf,
            format="svg",
            metadata={"Creator": None, "Date": None, "Format": None, "Type": None},
        )
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text, count=0)
    text = text.replace("xlink:href=", "href=")
    if uid is None:
        _counter["n"] += 1
        uid = f"c{_counter['n']}"
    text = _ID.sub(lambda m: f'id="{uid}-{m.group(1)}"', text)
    text = _REF.sub(lambda m: f"{m.group(1)}{uid}-{m.group(2)}", text)
    w = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', text)
    width = f"{float(w.group(1)) * 4 / 3:.0f}px" if w else "100%"
    text = re.sub(
        r'<svg([^>]*?)\swidth="[^"]*"\s+height="[^"]*"',
        lambda m: f'<svg{m.group(1)} style="max-width:{width}"',
        text,
        count=1,
    )
    safe = title.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    text = text.replace("<svg", f'<svg role="img" aria-label="{safe}" class="chart"', 1)
    return text.strip()


def reset_ids() -> None:
    """Restart chart numbering (each report numbers its charts from 1)."""
    _counter["n"] = 0


# --- the charts -----------------------------------------------------------------------------------


def metric_chart(
    name: str,
    lo: float,
    hi: float,
    true: Sequence[float],
    bands: np.ndarray | None,
    estimates: Sequence[tuple[str, str, str, Sequence[tuple[int, float, float]]]],
) -> str:
    """True values at the end of each turn (0 = start), the one-turn-ahead bands
    ([T, 5] quantiles for the end of turn T, row 0 unused) and each side's estimates
    of a value it could not see ((label, colour, marker, [(turn, estimate, error)]))."""
    fig = figure(3.55, 2.15)
    with matplotlib.rc_context(_rc()):
        ax = fig.add_subplot()
        t = np.arange(len(true))
        if bands is not None and len(true) > 1:
            tt = t[1:]
            b = bands[1:]
            ax.fill_between(
                tt, b[:, 0], b[:, 4], color="#56B4E9", alpha=0.28, lw=0, label=_("band, 5–95%")
            )
            ax.fill_between(
                tt, b[:, 1], b[:, 3], color="#0072B2", alpha=0.30, lw=0, label=_("band, 25–75%")
            )
        ax.plot(t, true, color="#000000", marker="o", ms=_ms(2.8), lw=1.5, label=_("true value"))
        for k, (label, colour, marker, pts) in enumerate(estimates):
            if not pts:
                continue
            xs = [p[0] for p in pts]
            ys = [p[1] for p in pts]
            es = [p[2] for p in pts]
            ax.errorbar(
                np.asarray(xs) + 0.12 * (k + 1),
                ys,
                yerr=es,
                fmt=marker,
                ms=_ms(3.2),
                mfc="white",
                color=colour,
                elinewidth=0.8,
                capsize=1.5,
                lw=0,
                label=label,
            )
        vals = list(true)
        if bands is not None and len(true) > 1:
            vals += list(bands[1:, 0]) + list(bands[1:, 4])
        for _l, _c, _m, pts in estimates:
            vals += [p[1] - p[2] for p in pts] + [p[1] + p[2] for p in pts]
        span = max(vals) - min(vals) if vals else hi - lo
        pad = max(span * 0.12, (hi - lo) * 0.03)
        ax.set_ylim(max(lo, min(vals) - pad), min(hi, max(vals) + pad))
        ax.set_xlim(-0.3, max(len(true) - 1, 1) + 0.5)
        ax.set_title(name, loc="left")
        ax.set_xlabel(pgettext("axis", "turn"))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    return to_svg(fig, _("{metric}: true values by turn", metric=name))


def _sqrt_axis(ax, top: float) -> None:
    """A square-root percentage axis: small probabilities get room, 100% still fits."""
    ax.set_yscale("function", functions=(lambda v: np.sqrt(np.clip(v, 0, None)), np.square))
    ticks = [t for t in (0, 1, 2, 5, 10, 20, 30, 50, 75, 100) if t <= top * 1.001]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_ylim(0, top)


def odds_chart(
    p_war: Sequence[float],
    actors: Sequence[tuple[str, str, Sequence[tuple[int, float, float, float]]]],
    turning: Sequence[tuple[int, float, float]],
    horizon_text: str,
    end: tuple[int, float, str] | None,
) -> str:
    """P(war within the horizon) as played, with each side's range over its options
    ((name, colour, [(turn, lowest, highest, chosen)])) and the turning points."""
    fig = figure(7.2, 3.2)
    with matplotlib.rc_context(_rc()):
        ax = fig.add_subplot()
        t = np.arange(1, len(p_war) + 1)
        highs = [p[2] for _n, _c, pts in actors for p in pts] + list(p_war)
        if end is not None:
            highs.append(end[1])
        top = min(100.0, max(10.0, max(highs, default=0.1) * 100 * 1.1))
        _sqrt_axis(ax, top)
        n = max(len(actors), 1)
        for k, (name, colour, pts) in enumerate(actors):
            off = (k - (n - 1) / 2) * 0.2
            xs = np.asarray([p[0] for p in pts], dtype=float) + off
            lo = np.asarray([p[1] for p in pts]) * 100
            hi = np.asarray([p[2] for p in pts]) * 100
            ch = np.asarray([p[3] for p in pts]) * 100
            ax.vlines(xs, lo, hi, color=colour, lw=_ms(3.2), alpha=0.5)
            ax.plot(
                xs,
                ch,
                ls="",
                marker=MARKERS[k + 1],
                ms=_ms(4.5),
                mfc="white",
                mec=colour,
                mew=1.4,
                label=_("{side}: choice", side=name),
            )
        ax.plot(t, np.asarray(p_war) * 100, color="#000000", lw=1.3, label=_("as played"))
        if end is not None:
            ax.plot([end[0]], [end[1] * 100], ls="", marker="*", ms=_ms(10), color="#000000")
            ax.annotate(
                end[2],
                (end[0], end[1] * 100),
                textcoords="offset points",
                xytext=(0, 8),
                fontsize=_fs(7),
                ha="center",
            )
        for turn, before, after in turning:
            ax.annotate(
                "",
                xy=(turn + 1, after * 100),
                xytext=(turn, before * 100),
                arrowprops={"arrowstyle": "-|>", "color": "#D55E00", "lw": 1.8},
            )
            ax.annotate(
                f"{(after - before) * 100:+.0f}",
                (turn + 0.5, max(before, after) * 100),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                fontsize=_fs(7.5),
                color="#D55E00",
                fontweight="bold",
            )
        ax.set_xlim(0.4, len(p_war) + (1.6 if end else 0.6))
        ax.set_ylabel(_("P(war {horizon}), % (square-root scale)", horizon=horizon_text))
        ax.set_xlabel(_("turn (decision)"))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        fig.legend(loc="outside upper center", ncols=min(3, len(actors) + 1))
    return to_svg(fig, _("Odds of war at each decision"))


def spread_chart(
    outcomes: Sequence[str],
    plans: Sequence[tuple[str, Sequence[float]]],
    actual: int | None,
) -> str:
    """Grouped horizontal bars: the share of worlds ending in each outcome per plan."""
    k = len(outcomes)
    fig = figure(7.2, 0.9 + 0.2 * k * max(1, len(plans)))
    with matplotlib.rc_context(_rc()):
        ax = fig.add_subplot()
        h = 0.8 / max(len(plans), 1)
        y = np.arange(k)
        for j, (label, shares) in enumerate(plans):
            vals = np.asarray(shares) * 100
            colour = SERIES[j % len(SERIES)] if j else "#0072B2"
            bars = ax.barh(
                y + (j - (len(plans) - 1) / 2) * h,
                vals,
                height=h * 0.92,
                color=colour if j == 0 else "white",
                edgecolor=colour,
                hatch=HATCHES[j],
                lw=1.0,
                label=label,
            )
            if j == 0:
                for b, v in zip(bars, vals, strict=True):
                    ax.annotate(
                        f"{v:.0f}%" if v >= 0.5 else ("<1%" if v > 0 else "0"),
                        (b.get_width(), b.get_y() + b.get_height() / 2),
                        textcoords="offset points",
                        xytext=(3, -3),
                        fontsize=_fs(7),
                    )
        labels = list(outcomes)
        if actual is not None:
            labels[actual] = "▶ " + _("{outcome} (what happened)", outcome=labels[actual])
        ax.set_yticks(y, labels)
        if actual is not None:
            ax.get_yticklabels()[actual].set_fontweight("bold")
        ax.invert_yaxis()
        ax.set_xlabel(_("share of worlds, %"))
        ax.set_xlim(0, 100)
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside upper center", ncols=len(plans))
    return to_svg(fig, _("Outcome spread over many worlds"))


def stage_chart(
    stage_names: Sequence[str],
    paths: Sequence[tuple[str, Sequence[int]]],
    title: str | None = None,
) -> str:
    """Stage index at the start (0) and the end of each turn, one line per game."""
    if title is None:
        title = _("Escalation ladder, turn by turn")
    fig = figure(7.2, 0.9 + 0.32 * len(stage_names))
    with matplotlib.rc_context(_rc()):
        ax = fig.add_subplot()
        n = len(paths)
        for k, (label, path) in enumerate(paths):
            off = (k - (n - 1) / 2) * 0.07 if n > 1 else 0.0
            ax.step(
                np.arange(len(path)),
                np.asarray(path) + off,
                where="post",
                color=SERIES[k % len(SERIES)] if n > 1 else "#000000",
                ls=LINESTYLES[k % len(LINESTYLES)],
                marker=MARKERS[k % len(MARKERS)],
                ms=_ms(3.5),
                label=label,
            )
        ax.set_yticks(range(len(stage_names)), stage_names)
        ax.set_ylim(-0.5, len(stage_names) - 0.5)
        longest = max((len(p) for _l, p in paths), default=1)
        ax.set_xlim(-0.3, max(longest - 1, 1) + 0.3)
        ax.set_xlabel(_("turn (0 = start)"))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.set_title(title, loc="left")
        if n > 1:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return to_svg(fig, title)


def calibration_chart(series: Sequence[tuple[str, Sequence[tuple[float, float, int]]]]) -> str:
    """Reliability diagram: per team, (mean forecast, observed frequency, n) per bin."""
    fig = figure(5.4, 3.4)
    with matplotlib.rc_context(_rc()):
        ax = fig.add_subplot()
        ax.plot([0, 100], [0, 100], color="#999999", lw=1, ls=":", label=_("perfectly calibrated"))
        for k, (label, pts) in enumerate(series):
            xs = [p[0] * 100 for p in pts]
            ys = [p[1] * 100 for p in pts]
            sizes = [12 + 4 * p[2] for p in pts]
            colour = SERIES[k % len(SERIES)]
            ax.plot(xs, ys, color=colour, ls=LINESTYLES[k % len(LINESTYLES)], lw=1.2)
            ax.scatter(xs, ys, s=sizes, color=colour, marker=MARKERS[k % len(MARKERS)], label=label)
        ax.set_xlim(-3, 103)
        ax.set_ylim(-3, 103)
        ax.set_xlabel(_("forecast probability, %"))
        ax.set_ylabel(_("how often it happened, %"))
        ax.set_aspect("equal")
        fig.legend(loc="outside right upper")
    return to_svg(fig, _("Calibration of the teams' forecasts"))


def endings_chart(
    outcomes: Sequence[str],
    counts: Sequence[int],
    expected: Sequence[float],
    n_games: int,
) -> str:
    """The class's endings: how many groups reached each ending (bars), beside how many
    the model expected from their own choices (the mean of their as-played spreads)."""
    k = len(outcomes)
    fig = figure(7.2, 0.9 + 0.32 * k)
    with matplotlib.rc_context(_rc()):
        ax = fig.add_subplot()
        y = np.arange(k)
        ax.barh(y, counts, height=0.6, color="#0072B2", label=_("groups that ended so"))
        ax.plot(
            np.asarray(expected) * n_games,
            y,
            ls="",
            marker="D",
            ms=_ms(5),
            mfc="white",
            mec="#D55E00",
            mew=2,
            label=_("expected from their choices"),
        )
        ax.set_yticks(y, list(outcomes))
        ax.invert_yaxis()
        ax.set_xlabel(_("groups (of {n})", n=n_games))
        ax.set_xlim(0, max(n_games, 1))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside upper center", ncols=2)
    return to_svg(fig, _("Endings across the class"))


def timelines_chart(
    series: Sequence[tuple[str, Sequence[float]]], horizon_text: str, branch_turn: int | None
) -> str:
    """What if: the odds of war at each decision of two (or more) timelines on one axis,
    the turn where a branch left its parent marked."""
    fig = figure(7.2, 3.2)
    with matplotlib.rc_context(_rc()):
        ax = fig.add_subplot()
        top = max((max(v, default=0.0) for _l, v in series), default=0.0) * 100 * 1.15
        _sqrt_axis(ax, min(100.0, max(10.0, top)))
        for k, (label, p_war) in enumerate(series):
            t = np.arange(1, len(p_war) + 1)
            ax.plot(
                t,
                np.asarray(p_war) * 100,
                color=SERIES[k % len(SERIES)],
                ls=LINESTYLES[k % len(LINESTYLES)],
                marker=MARKERS[k % len(MARKERS)],
                label=label,
            )
        if branch_turn:
            ax.axvline(branch_turn, color="#555555", ls=":", lw=1.2)
            ax.annotate(
                _("went back to turn {turn}", turn=branch_turn),
                (branch_turn, 0),
                textcoords="offset points",
                xytext=(4, 4),
                fontsize=_fs(7.5),
            )
        ax.set_ylabel(_("P(war {horizon}), % (square-root scale)", horizon=horizon_text))
        ax.set_xlabel(_("turn (decision)"))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        fig.legend(loc="outside upper center", ncols=min(3, len(series)))
    return to_svg(fig, _("What if: the odds of war in each timeline"))


def belief_chart(
    title: str, types: Sequence[str], path: Sequence[Sequence[float]], truth: int
) -> str:
    """A side's belief over another's types by turn (0 = before the first turn): one line
    per type, the true type's drawn thick and marked at the end."""
    fig = figure(3.55, 2.15)
    with matplotlib.rc_context(_rc()):
        ax = fig.add_subplot()
        p = np.asarray(path, dtype=float)
        t = np.arange(p.shape[0])
        for k, name in enumerate(types):
            true = k == truth
            label = _("{type} (the truth)", type=name) if true else name
            ax.plot(
                t,
                100 * p[:, k],
                color="#000000" if true else "#0072B2",
                lw=2.2 if true else 1.2,
                ls="-" if true else "--",
                marker="o" if true else None,
                ms=_ms(2.6),
                label=label,
            )
        ax.set_ylim(-3, 103)
        ax.set_xlim(-0.3, max(p.shape[0] - 1, 1) + 0.3)
        ax.set_title(title, loc="left")
        ax.set_xlabel(pgettext("axis", "turn"))
        ax.set_ylabel("%")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.legend(loc="best", fontsize=_fs(7), frameon=False)
    return to_svg(fig, title)
