"""End: the outcome and the verdict (each objective met or missed, the score and what it
means, luck against judgment), the path as a timeline, the odds at each decision."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from game.i18n import _, format_date, format_number, format_percent
from game.ui import layout
from game.ui.backend import Game, data_dir
from game.ui.hotseat import HotSeat, TeamScore, team_label
from game.ui.icons import icon
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import top_bar
from game.ui.scroll import Line, ScrollLines
from game.ui.style import escalation_colour, outcome_colour
from game.words import count_text, short_name

if TYPE_CHECKING:
    from game.report.verdict import Verdict, Whose

if TYPE_CHECKING:
    from game.engine.seal import GameKey
    from game.ui.app import App


REPORT_WORLDS = 1000  # futures per decision: enough for the debrief, quick to write


def report_available() -> bool:
    """Whether the report package (and so its template engine) can be imported."""
    try:
        return importlib.util.find_spec("game.report.report") is not None
    except (ImportError, ValueError):
        return False


def compute_verdict(log: Path, whose: Whose, key: GameKey | None = None) -> Verdict:
    """The verdict of the saved game (off the frame: it runs a few thousand worlds).
    ``key``: the running class game's key, which opens its sealed autosave."""
    from game.report.verdict import verdict

    return verdict(log, whose=whose, pin=key)


def write_report(log: Path, out: Path, key: GameKey | None = None) -> Path:
    """The after-action report of one saved game, written to ``out`` (off the frame).
    ``key``: the running class game's key, which opens its sealed autosave."""
    from game.report.report import build_report, write

    out.parent.mkdir(parents=True, exist_ok=True)
    return write(build_report([log], worlds=REPORT_WORLDS, pin=key), out)


def turn_mark(turn: int) -> str:
    """A turn on a chart's axis: T5 (Spanish: T5 too, "turno")."""
    return _("T{turn}", turn=turn)


class EndScene(Scene):
    name = "end"
    pausable = False

    def __init__(self, app: App, game: Game) -> None:
        super().__init__(app)
        self.game = game
        self.note = ""
        self.report_future: Future[Path] | None = None
        self.report_path: Path | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._scores: list[TeamScore] | None = None
        self.verdict: Verdict | None = None
        self.verdict_note = _("Working out the verdict…")
        self.verdict_future: Future[Verdict] | None = None
        self.recovering: Future[None] | None = None
        self.scroller = ScrollLines()
        self.options = {(a.id, o.id): o for a in game.scenario.actors for o in a.options}
        self.branch_turn = 1  # the turn "What if" plays again from

    def startup(self) -> None:
        super().startup()
        self.start_verdict()
        # a continued or loaded game: the odds at its decisions, as they were shown
        self.recovering = self.pool().submit(self.game.recover_decisions)

    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="brink-end")
        return self._pool

    def save_path(self) -> Path | None:
        g = self.game
        path = getattr(g.session, "autosave_path", None)
        if path is None or not path.exists():
            path = g.autosave_now()
        return path

    def start_verdict(self) -> None:
        if not report_available():
            self.verdict_note = _("The verdict needs the report package, which is not installed.")
            return
        path = self.save_path()
        if path is None:
            self.verdict_note = _("No verdict: the game could not be saved.")
            return
        whose: Whose = "their" if self.game.watch else "your"  # a key, not words
        key = self.game.session.seal_key
        self.verdict_future = self.pool().submit(compute_verdict, path, whose, key)

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        super().shutdown()

    def build_ui(self) -> None:
        # no button has the focus at first: Enter, pressed to advance the last turn,
        # must not start a new game or leave the verdict unread
        buttons: list[tuple[tuple[str, ...], Callable[[], object], str]] = []
        if report_available():
            buttons.append(((_("Open the report"), _("Report")), self.report, "report"))
        # "What if…" plays the game again from a turn: Left / Right choose the turn
        t = self.branch_turn
        what_if = (_("What if… from turn {turn}", turn=t), _("What if… T{turn}", turn=t))
        buttons.append((what_if, self.what_if, "what_if"))
        if not self.classroom:
            buttons.append(((_("Replay (same seed)"), _("Replay")), self.replay, "replay"))
        buttons.append(((_("New game"), _("New")), self.new_game, "new_game"))
        buttons.append(((_("Title"),), self.to_title, "title"))
        L = layout.end(self.app.size, len(buttons))
        self.L = L
        tips = {
            "report": _("The after-action report, in your web browser"),
            "replay": _("The same scenario and seed from the start"),
            "what_if": _(
                "Play again from this turn with the same luck: Left / Right or the mouse "
                "wheel choose the turn"
            ),
        }
        for i, (texts, fn, oid) in enumerate(buttons):
            r = L[f"button[{i}]"]
            self.button(r, self.label_for(r, *texts), fn, oid, tooltip=tips.get(oid))
        f = next(x for x in self.focusables if x.name == "what_if")
        f.left = lambda: self.cycle_branch(-1)
        f.right = lambda: self.cycle_branch(1)

    def handle_event(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if event.type == pygame.MOUSEWHEEL and event.dict.get("y", 0):
            b = self.button_named("what_if")
            if b is not None and b.get_abs_rect().collidepoint(pygame.mouse.get_pos()):
                # over "What if" the wheel chooses the turn, as Left / Right do by keyboard
                self.cycle_branch(1 if event.y > 0 else -1)
                return None
        if self.scroller.handle(event):
            return None
        return super().handle_event(event)

    def cycle_branch(self, step: int) -> None:
        """Left/Right on "What if": the turn to play again from (1 to the last one played)."""
        last = max(1, int(self.game.snapshot.turn))
        self.branch_turn = (self.branch_turn - 1 + step) % last + 1
        self.recreate_ui()
        self.focus_named("what_if")

    def what_if(self) -> None:
        """Play this game again from the chosen turn with the same luck, as a new game."""
        try:
            game = self.game.branch(self.branch_turn)
        except Exception as e:  # a save that does not re-play gets a message, not a crash
            self.note = _(
                "Could not go back to turn {turn}: {problem}", turn=self.branch_turn, problem=e
            )
            return
        game.open(self.app)

    @property
    def hot(self) -> HotSeat | None:
        """The classroom game, when it is one (its teams' scores, its class code)."""
        return self.game if isinstance(self.game, HotSeat) else None

    @property
    def classroom(self) -> bool:
        return self.hot is not None

    def new_game(self) -> None:
        from game.ui.scenes.setup import SetupScene
        from game.ui.scenes.title import TitleScene

        self.app.set_game(None)
        self.app.reset(TitleScene(self.app))
        self.app.push(SetupScene(self.app))

    def replay(self) -> None:
        g = self.game
        Game.new(g.loaded.path, g.seed, g.actor, g.temperature).open(self.app)

    def report(self) -> None:
        """Write the after-action report of this game off the frame, then open it."""
        if self.report_future is not None:
            return
        if self.report_path is not None and self.report_path.exists():
            self.open_report(self.report_path)
            return
        g = self.game
        path = self.save_path()
        if path is None:
            self.note = _("Could not write the report: the game could not be saved.")
            return
        out = data_dir() / "reports" / f"report-{g.scenario.meta.id}-{g.seed}.html"
        self.note = _("Writing the after-action report (a few seconds)…")
        key = g.session.seal_key  # the game is over: its own report may show the truth
        self.report_future = self.pool().submit(write_report, path, out, key)

    def open_report(self, path: Path) -> None:
        opened = self.app.open_file(path)
        self.note = (
            _("Report opened in your browser: {path}", path=path)
            if opened
            else _("Report written: {path}", path=path)
        )

    def update(self, dt: float) -> None:
        f = self.report_future
        if f is not None and f.done():
            self.report_future = None
            try:
                self.report_path = f.result()
            except Exception as e:
                self.note = _("Could not write the report: {problem}", problem=e)
            else:
                self.open_report(self.report_path)
        v = self.verdict_future
        if v is not None and v.done():
            self.verdict_future = None
            try:
                self.verdict = v.result()
            except Exception as e:
                self.verdict_note = _("No verdict: {problem}", problem=e)

    def to_title(self) -> None:
        from game.ui.scenes.title import TitleScene

        self.app.set_game(None)
        self.app.reset(TitleScene(self.app))

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        g = self.game
        snap = g.snapshot
        surface.fill(p.bg)
        code = self.hot.class_code if self.hot is not None else None
        right = _("seed {seed}", seed=g.seed)
        if code:
            right = _("class code {code}", code=code) if self.app.size[0] >= 1000 else code
        top_bar(self, surface, self.L["top"], _("The end"), right)
        oc = next((o for o in g.scenario.outcomes if o.id == snap.outcome), None)
        r = self.L["headline"]
        col = outcome_colour(p, g.scenario, oc.id) if oc else p.dim
        big = t.px(min(44, max(24, r.height * 0.34)))
        t.blit(
            surface,
            (oc.name if oc else _("Time's up") if snap.times_up else _("Unfinished")).upper(),
            (r.centerx, r.y + 4),
            big,
            col,
            "bold",
            "midtop",
            max_width=r.width,
        )
        y = r.y + 4 + t.line_height(big, "bold")
        # the date of the last turn played, as its resolution screen gave it
        date = format_date(g.resolutions[-1].date if g.resolutions else snap.date, "medium")
        turn = self.turn_text()
        sub = (
            _("{headline}  ·  {turn}  ·  {date}", headline=oc.headline, turn=turn, date=date)
            if oc
            else _("{turn}  ·  {date}", turn=turn, date=date)
        )
        by_teacher = self.hot.ended_by_teacher if self.hot is not None else None
        if snap.times_up and not oc:  # a lesson length: neutral, and no ending to score
            sub = _(
                "The lesson ended after turn {turn}: no outcome is decided or scored  ·  {date}",
                turn=snap.turn,
                date=format_date(snap.date, "medium"),
            )
        if by_teacher:  # the outcome's own headline speaks of the turn limit
            sub = _("Ended by the teacher in turn {turn}  ·  {date}", turn=by_teacher, date=date)
        # whole within the headline's box (the panels below would hide a line past it):
        # a smaller size, else the turn and date alone
        short = _("{turn}  ·  {date}", turn=turn, date=date) if oc and not by_teacher else sub
        tries = [(sub, t.px(n)) for n in (15, 14, 13, 12)] + [(short, t.px(15)), (short, t.px(12))]
        for text, ts in tries:
            parts = t.wrap(text, ts, r.width)
            if y + len(parts) * t.line_height(ts) <= r.bottom:
                break
        for part in parts:
            t.blit(surface, part, (r.centerx, y), ts, p.text, "regular", "midtop")
            y += t.line_height(ts)
        y += 2
        if oc and not by_teacher:  # the ending's description, when it fits whole
            box = pygame.Rect(r.x + r.width // 8, y, r.width * 3 // 4, r.bottom - y)
            for size in (t.px(13), t.px(12), t.px(11)):
                lines = t.wrap(oc.description, size, box.width)
                if len(lines) * t.line_height(size) <= box.height:
                    for line in lines:
                        t.blit(surface, line, (r.centerx, y), size, p.dim, anchor="midtop")
                        y += t.line_height(size)
                    break
        self.draw_verdict(surface, self.L["verdict"])
        self.draw_timeline(surface, self.L["timeline"])
        if self.classroom:
            self.draw_scores(surface)
        else:
            self.draw_odds(surface, self.L["odds"])
        if self.note:
            t.blit(
                surface,
                self.note,
                (self.app.size[0] // 2, self.L["button[0]"].y - 4),
                t.px(13),
                p.calm,
                anchor="midbottom",
                max_width=self.app.size[0] - 20,
            )

    def verdict_lines(self) -> list[Line]:
        """The verdict as lines: the ending's odds, then for each side shown its objectives
        met or missed (the ending's own first), its score and luck against judgment."""
        p = self.app.palette
        v = self.verdict
        if v is None:
            return [Line(self.verdict_note, p.dim, 14, "italic")]
        out = [Line(v.odds_line(), p.text, 13)]
        shown = [s for s in v.sides if s.actor == self.game.actor] or list(v.sides)
        for side in shown:
            head = _("Your objectives") if side.actor == self.game.actor else side.name
            out.append(Line(head, p.text, 15, "bold", gap=8))
            out.append(Line(side.meaning(), p.text, 13))
            out.append(Line(side.luck_line(), p.dim, 13))
            objs = sorted(side.objectives, key=lambda o: not o.ending)
            for k, o in enumerate(objs):
                col = {True: p.calm, False: p.danger, None: p.dim}[o.met]
                text = {
                    True: _("Met: {objective} — {detail}", objective=o.text, detail=o.detail),
                    False: _("Missed: {objective} — {detail}", objective=o.text, detail=o.detail),
                    None: _("Unchanged: {objective} — {detail}", objective=o.text, detail=o.detail),
                }[o.met]
                out.append(Line(text, p.text, 13, mark=col, gap=4 if k == 0 else 0))
        return out

    def draw_verdict(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        r = self.panel(surface, rect, _("The verdict"), right=_("green met · red missed"))
        self.scroller.draw(surface, r, self.verdict_lines(), self.app.text, self.app.palette)

    def draw_timeline(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """The path: the ladder stage after each turn as a line (higher is worse), with both
        sides' moves under each turn; a ringed dot marks a turn in which an event fired."""
        p, t = self.app.palette, self.app.text
        g = self.game
        r = self.panel(
            surface,
            rect,
            _("The path"),
            right=(
                _(
                    "stage after each turn, higher is worse · icons: the moves, first side "
                    "above · ring: an event"
                )
                if g.watch
                else _(
                    "stage after each turn, higher is worse · icons: the moves, yours above "
                    "· ring: an event"
                )
            ),
        )
        res = g.resolutions
        if not res:
            t.blit(surface, _("No turns were played."), (r.x, r.y), t.px(13), p.dim, "italic")
            return
        n_st = len(g.scenario.ladder)
        size = t.px(11)
        lh = t.line_height(size)
        ic = max(12, lh)
        text_h = lh + 2 * (ic + 2) + 4
        ss = t.px(10)
        label_w = min(max(t.width(st.name, ss) for st in g.scenario.ladder) + 10, r.width // 4)
        band = pygame.Rect(
            r.x + label_w, r.y + 6, r.width - label_w, max(24, r.height - text_h - 10)
        )
        # a name on each rung, unless the rungs are closer than a line: then the rung the
        # game ended on, the highest it reached, the rungs it stayed on longest; no name
        # over another
        stages = [rr.stage_after_index(g.scenario.ladder) for rr in res]
        seen = [k for k in stages if k is not None]
        last, top = (seen[-1], max(seen)) if seen else (None, None)
        order = sorted(
            range(n_st),
            key=lambda k: (k not in seen, k != last, k != top, -seen.count(k), k),
        )
        named: list[float] = []
        for k in order:
            y = band.bottom - k * band.height / max(1, n_st - 1)
            pygame.draw.line(surface, p.panel_hi, (band.x, y), (band.right, y))
            if any(abs(y - other) < t.line_height(ss) - 2 for other in named):
                continue
            named.append(y)
            st = g.scenario.ladder[k]
            t.blit(
                surface,
                st.name,
                (band.x - 8, y),
                t.size_to_fit(st.name, ss, label_w - 10),
                p.risk(k / max(1, n_st - 1)),
                "regular",
                "midright",
                max_width=label_w - 10,
            )
        step = band.width / max(1, len(res))
        # a turn whose stage is hidden from the player sits on no rung: a hollow mark
        # under the band, and the line skips it (never a guessed stage)
        known = [rr.stage_after_index(g.scenario.ladder) for rr in res]
        pts = [
            (
                band.x + step * (k + 0.5),
                band.bottom + 4
                if si is None
                else band.bottom - si * band.height / max(1, n_st - 1),
            )
            for k, si in enumerate(known)
        ]
        run = [pt for pt, si in zip(pts, known, strict=True) if si is not None]
        if len(run) >= 2:
            pygame.draw.lines(surface, p.dim, False, run, 2)
        other = [a.id for a in g.scenario.actors if a.id != g.viewer]
        every = max(1, int(np.ceil((t.width(turn_mark(16), size) + 8) / step)))
        for k, (rr, (x, y)) in enumerate(zip(res, pts, strict=True)):
            si = known[k]
            if si is None:
                pygame.draw.circle(surface, p.dim, (x, y), 4, 1)
            else:
                pygame.draw.circle(surface, p.risk(si / max(1, n_st - 1)), (x, y), 5)
            if rr.events:
                pygame.draw.circle(surface, p.caution, (x, y), 9, 1)
            yy = band.bottom + 8
            if k % every == 0:
                t.blit(surface, turn_mark(rr.turn), (x, yy), size, p.dim, "bold", "midtop")
            yy += lh
            # each side's move as its category's icon (the names: hover, and the report)
            for aid in (g.viewer, *other[:1]):
                mv = rr.moves.get(aid)
                if mv is None or ic > step - 2 or yy + ic > r.bottom + 4:
                    continue
                opt = self.options.get((aid, mv.option))
                ecol = escalation_colour(p, opt.escalation if opt else 0)
                surface.blit(icon(g.category(aid, mv.option), ic, ecol), (x - ic // 2, yy))
                yy += ic + 2

    def odds_series(self) -> tuple[str, list[tuple[int, dict[str, float]]]]:
        """The chart's title and its points: the odds of the option chosen at each of the
        player's decisions, or, when watching, the odds after each turn."""
        g = self.game
        if g.watch:
            pts = [(r.turn + 1, r.odds.p) for r in g.resolutions if r.odds is not None]
            return _("Odds after each turn"), pts
        decs = [(d.turn, d.odds.p) for d in g.decisions if d.odds is not None]
        return _("Odds at your decisions"), decs

    def draw_odds(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        p, t = self.app.palette, self.app.text
        g = self.game
        title, pts_in = self.odds_series()
        r = self.panel(surface, rect, title)
        size = t.px(11)
        lh = t.line_height(size)
        note = _("chance of each ending within {turns}", turns=count_text(4, "turn"))
        if not pts_in:
            busy = self.recovering is not None and not self.recovering.done()
            text = (
                _("Working out the odds at your decisions…")
                if busy
                else _("No decisions recorded.")
            )
            t.blit_wrapped(surface, text, r, t.px(13), p.dim, "italic")
            return
        outs = [o for o in g.scenario.outcomes if any(pp.get(o.id, 0.0) > 0 for _, pp in pts_in)]
        outs = outs or list(g.scenario.outcomes)
        # the legend: short names in as many columns as fit under the chart
        names = [short_name(o) for o in outs]
        sw = max(10, lh // 2)  # the swatch, and a gap of a few letters between entries
        cell = max(t.width(n, size) for n in names) + sw + 4 + t.px(16)
        cols = max(1, r.width // cell)
        legend_h = -(-len(outs) // cols) * lh
        t.blit(surface, t.fit(note, size, r.width), (r.x, r.y), size, p.dim)
        top = r.y + lh + 4
        chart = pygame.Rect(
            r.x + t.width(format_percent(1.0), size) + 8,
            top,
            10,
            r.bottom - top - legend_h - lh - 6,
        )
        chart.width = r.right - chart.x - 8
        if chart.height < 20:
            chart.height = 20
        for frac in (0.0, 0.5, 1.0):
            yy = chart.bottom - frac * chart.height
            pygame.draw.line(surface, p.edge, (chart.x, yy), (chart.right, yy))
            t.blit(
                surface, format_percent(frac), (chart.x - 4, yy), size, p.dim, "regular", "midright"
            )
        n = len(pts_in)
        xs = [chart.x + (chart.width * (k + 0.5) / n) for k in range(n)]
        every = max(1, -(-n * (t.width(turn_mark(16), size) + 6) // max(1, chart.width)))
        for k, (turn, _p) in enumerate(pts_in):
            if k % every == 0:
                t.blit(
                    surface,
                    turn_mark(turn),
                    (xs[k], chart.bottom + 2),
                    size,
                    p.dim,
                    "regular",
                    "midtop",
                )
        for o in outs:
            col = outcome_colour(p, g.scenario, o.id)
            pts = [
                (xs[k], chart.bottom - pp.get(o.id, 0.0) * chart.height)
                for k, (_, pp) in enumerate(pts_in)
            ]
            if len(pts) >= 2:
                pygame.draw.lines(surface, col, False, pts, 2)
            for pt in pts:
                pygame.draw.circle(surface, col, pt, 3)
        ly = chart.bottom + lh + 4
        for i, (o, name) in enumerate(zip(outs, names, strict=True)):
            x = r.x + (i % cols) * cell
            y = ly + (i // cols) * lh
            swatch = (x, y + (lh - sw) // 2, sw, sw)
            pygame.draw.rect(surface, outcome_colour(p, g.scenario, o.id), swatch)
            t.blit(surface, name, (x + sw + 4, y), size, p.text)

    def scores(self) -> list[TeamScore]:
        """Each team's scored forecasts (worked out once)."""
        if self._scores is None:
            self._scores = self.hot.team_scores() if self.hot is not None else []
        return self._scores

    def draw_scores(self, surface: pygame.Surface) -> None:
        """Each team's forecasts, scored: the mean Brier score (0 perfect, 2 worst)."""
        p, t = self.app.palette, self.app.text
        r = self.panel(
            surface,
            self.L["odds"],
            _("Teams' forecasts: Brier score"),
            right=_("lower is better · 0 perfect, 2 worst · the report compares with the model"),
        )
        scores = self.scores()
        if not scores:
            return
        size = t.px(14)
        lh = t.line_height(size) + 6
        cols = [
            r.x,
            r.x + round(r.width * 0.34),
            r.x + round(r.width * 0.58),
            r.x + round(r.width * 0.8),
        ]
        heads = (_("Team"), _("Side"), _("Forecasts scored"), _("Brier score"))
        for x, head in zip(cols, heads, strict=True):
            t.blit(surface, head, (x, r.y), t.px(12), p.dim, "bold")
        y = r.y + t.line_height(t.px(12)) + 4
        ranked = sorted(scores, key=lambda s: (s.brier is None, s.brier or 0.0, s.team))
        for s in ranked:
            if y + lh > r.bottom + 4:
                break
            bs = format_number(s.brier, 3) if s.brier is not None else "—"
            t.blit(
                surface,
                team_label(s.team),
                (cols[0], y),
                size,
                p.text,
                "bold",
                max_width=cols[1] - cols[0] - 8,
            )
            t.blit(
                surface, s.actor_name, (cols[1], y), size, p.dim, max_width=cols[2] - cols[1] - 8
            )
            scored = _("{scored} of {forecasts}", scored=s.scored, forecasts=s.forecasts)
            t.blit(surface, scored, (cols[2], y), size, p.dim)
            t.blit(
                surface,
                bs,
                (cols[3], y),
                size,
                p.caution if s.brier is not None else p.faint,
                "bold",
            )
            y += lh

    def labels(self) -> list[str]:
        out = self._labels()
        if self.classroom:
            out.append(_("Teams' forecasts: Brier score"))
            for s in self.scores():
                bs = format_number(s.brier, 3) if s.brier is not None else "—"
                out.append(f"{team_label(s.team)}: {bs}")
        return out

    def _labels(self) -> list[str]:
        snap = self.game.snapshot
        unfinished = _("Time's up") if snap.times_up else _("Unfinished")
        oc = next((o.name for o in self.game.scenario.outcomes if o.id == snap.outcome), unfinished)
        return [oc, self.turn_text(), _("The path"), *super().labels()]

    def turn_text(self) -> str:
        snap = self.game.snapshot
        return _("turn {turn} of {turns}", turn=snap.turn, turns=snap.turn_limit)
