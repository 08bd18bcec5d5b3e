"""End: the outcome, the turn reached, the path as a timeline, the odds at each decision."""

from __future__ import annotations

import importlib.util
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from game.ui import layout
from game.ui.backend import Game, data_dir
from game.ui.hotseat import HotSeat, TeamScore, team_label
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import top_bar
from game.ui.style import outcome_colour

if TYPE_CHECKING:
    from game.ui.app import App


REPORT_WORLDS = 1000  # futures per decision: enough for the debrief, quick to write


def report_available() -> bool:
    """Whether the report package (and so its template engine) can be imported."""
    try:
        return importlib.util.find_spec("game.report.report") is not None
    except (ImportError, ValueError):
        return False


def write_report(log: Path, out: Path) -> Path:
    """The after-action report of one saved game, written to ``out`` (off the frame)."""
    from game.report.report import build_report, write

    out.parent.mkdir(parents=True, exist_ok=True)
    return write(build_report([log], worlds=REPORT_WORLDS), out)


class EndScene(Scene):
    name = "end"
    pausable = False

    def __init__(self, app: App, game: Game) -> None:
        super().__init__(app)
        self.game = game
        self.note = ""
        self.report_future: Future[Path] | None = None
        self._scores: list[TeamScore] | None = None
        self.branch_turn = 1  # the turn "What if" plays again from

    def build_ui(self) -> None:
        buttons = [("New game", self.new_game, "new_game")]
        if not self.classroom:
            buttons.append(("Replay (same seed)", self.replay, "replay"))
        buttons.append((f"What if… from turn {self.branch_turn}", self.what_if, "what_if"))
        if report_available():
            buttons.append(("After-action report", self.report, "report"))
        buttons.append(("Title", self.to_title, "title"))
        L = layout.end(self.app.size, len(buttons))
        self.L = L
        for i, (text, fn, oid) in enumerate(buttons):
            self.button(L[f"button[{i}]"], text, fn, oid)
        f = next(x for x in self.focusables if x.name == "what_if")
        f.left = lambda: self.cycle_branch(-1)
        f.right = lambda: self.cycle_branch(1)
        if self.focus_index < 0:
            self.focus_named("new_game")

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
            self.note = f"Could not go back to turn {self.branch_turn}: {e}"
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
        """Write the after-action report of this game off the frame."""
        if self.report_future is not None:
            return
        g = self.game
        path = getattr(g.session, "autosave_path", None)
        if path is None or not path.exists():
            path = g.autosave_now()
        if path is None:
            self.note = "Could not write the report: the game could not be saved."
            return
        out = data_dir() / "reports" / f"report-{g.scenario.meta.id}-{g.seed}.html"
        self.note = "Writing the after-action report…"
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="brink-report")
        self.report_future = self._pool.submit(write_report, path, out)

    def update(self, dt: float) -> None:
        f = self.report_future
        if f is not None and f.done():
            self.report_future = None
            self._pool.shutdown(wait=False)
            try:
                self.note = f"Report written: {f.result()}"
            except Exception as e:
                self.note = f"Could not write the report: {e}"

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
        right = f"seed {g.seed}"
        if code:
            right = f"class code {code}" if self.app.size[0] >= 1000 else code
        top_bar(self, surface, self.L["top"], "The end", right)
        oc = next((o for o in g.scenario.outcomes if o.id == snap.outcome), None)
        r = self.L["headline"]
        col = outcome_colour(p, g.scenario, oc.id) if oc else p.dim
        big = t.px(min(44, max(24, r.height * 0.34)))
        t.blit(
            surface,
            (oc.name if oc else "Time's up" if snap.times_up else "Unfinished").upper(),
            (r.centerx, r.y + 4),
            big,
            col,
            "bold",
            "midtop",
            max_width=r.width,
        )
        y = r.y + 4 + t.line_height(big, "bold")
        sub = f"{oc.headline}  ·  " if oc else ""
        sub += f"turn {snap.turn} of {snap.turn_limit}  ·  {snap.date.strftime('%d %b %Y')}"
        by_teacher = self.hot.ended_by_teacher if self.hot is not None else None
        if snap.times_up and not oc:  # a lesson length: neutral, and no ending to score
            sub = (
                f"The lesson ended after turn {snap.turn}: no outcome is decided or scored  ·  "
                f"{snap.date.strftime('%d %b %Y')}"
            )
        if by_teacher:  # the outcome's own headline speaks of the turn limit
            sub = f"Ended by the teacher in turn {by_teacher}  ·  {snap.date.strftime('%d %b %Y')}"
        t.blit(
            surface, sub, (r.centerx, y), t.px(15), p.text, "regular", "midtop", max_width=r.width
        )
        y += t.line_height(t.px(15)) + 2
        if oc and not by_teacher:
            t.blit_wrapped(
                surface,
                oc.description,
                pygame.Rect(r.x + r.width // 6, y, r.width * 2 // 3, r.bottom - y),
                t.px(13),
                p.dim,
                max_lines=2,
            )
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

    def draw_timeline(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """The path: the ladder stage after each turn as a line (higher is worse), with both
        sides' moves under each turn; a ringed dot marks a turn in which an event fired."""
        p, t = self.app.palette, self.app.text
        g = self.game
        r = self.panel(
            surface,
            rect,
            "The path",
            right="stage after each turn (higher is worse) · your move / theirs",
        )
        res = g.resolutions
        if not res:
            t.blit(surface, "No turns were played.", (r.x, r.y), t.px(13), p.dim, "italic")
            return
        ids = [s.id for s in g.scenario.ladder]
        n_st = len(ids)
        size = t.px(11)
        lh = t.line_height(size)
        text_h = lh * 4 + 4
        band = pygame.Rect(r.x + 110, r.y + 6, r.width - 110, max(24, r.height - text_h - 10))
        for k, st in enumerate(g.scenario.ladder):
            y = band.bottom - k * band.height / max(1, n_st - 1)
            pygame.draw.line(surface, p.panel_hi, (band.x, y), (band.right, y))
            t.blit(
                surface,
                st.name,
                (band.x - 8, y),
                t.px(10),
                p.risk(k / max(1, n_st - 1)),
                "regular",
                "midright",
                max_width=100,
            )
        step = band.width / max(1, len(res))
        pts = []
        for k, rr in enumerate(res):
            si = ids.index(rr.stage_after) if rr.stage_after in ids else 0
            pts.append(
                (band.x + step * (k + 0.5), band.bottom - si * band.height / max(1, n_st - 1))
            )
        if len(pts) >= 2:
            pygame.draw.lines(surface, p.dim, False, pts, 2)
        other = [a.id for a in g.scenario.actors if a.id != g.viewer]
        every = max(1, int(np.ceil(95 / step))) if step < 95 else 1
        for k, (rr, (x, y)) in enumerate(zip(res, pts, strict=True)):
            si = ids.index(rr.stage_after) if rr.stage_after in ids else 0
            col = p.risk(si / max(1, n_st - 1))
            pygame.draw.circle(surface, col, (x, y), 5)
            if rr.events:
                pygame.draw.circle(surface, p.caution, (x, y), 9, 1)
            if k % every:
                continue
            cw = int(step * every) - 6
            yy = band.bottom + 8
            t.blit(surface, f"T{rr.turn}", (x, yy), size, p.dim, "bold", "midtop")
            yy += lh
            mine = rr.moves[g.viewer].option_name if g.viewer in rr.moves else ""
            theirs = rr.moves[other[0]].option_name if other and other[0] in rr.moves else ""
            for text, c in ((mine, p.text), (theirs, p.dim)):
                if yy + lh > r.bottom + 4:
                    break
                t.blit(surface, text, (x, yy), size, c, "regular", "midtop", max_width=cw)
                yy += lh

    def draw_odds(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        p, t = self.app.palette, self.app.text
        g = self.game
        r = self.panel(
            surface,
            rect,
            "The odds at each of your decisions",
            right="chance within the forecast horizon of the option chosen",
        )
        decs = [d for d in g.decisions if d.odds is not None]
        if not decs:
            t.blit(
                surface,
                "You watched: no decisions of yours to chart."
                if g.watch
                else "No decisions recorded.",
                (r.x, r.y),
                t.px(13),
                p.dim,
                "italic",
            )
            return
        outs = [(o.id, o.name, str(o.kind)) for o in g.scenario.outcomes]
        legend_w = min(200, r.width // 4)
        chart = pygame.Rect(r.x + 34, r.y + 4, r.width - legend_w - 44, r.height - 24)
        size = t.px(11)
        for frac in (0.0, 0.5, 1.0):
            yy = chart.bottom - frac * chart.height
            pygame.draw.line(surface, p.edge, (chart.x, yy), (chart.right, yy))
            t.blit(
                surface,
                f"{frac * 100:.0f}%",
                (chart.x - 4, yy),
                size,
                p.faint,
                "regular",
                "midright",
            )
        n = len(decs)
        xs = [chart.x + (chart.width * (k + 0.5) / n) for k in range(n)]
        for k, d in enumerate(decs):
            if n <= 16 or k % 2 == 0:
                t.blit(
                    surface,
                    f"T{d.turn}",
                    (xs[k], chart.bottom + 2),
                    size,
                    p.faint,
                    "regular",
                    "midtop",
                )
        ly = r.y
        for oid, name, _kind in outs:
            col = outcome_colour(p, g.scenario, oid)
            pts = [
                (xs[k], chart.bottom - (d.odds.p.get(oid, 0.0) if d.odds else 0.0) * chart.height)
                for k, d in enumerate(decs)
            ]
            if len(pts) >= 2:
                pygame.draw.lines(surface, col, False, pts, 2)
            for pt in pts:
                pygame.draw.circle(surface, col, pt, 3)
            if ly + t.line_height(size) <= r.bottom:
                pygame.draw.rect(surface, col, (r.right - legend_w + 4, ly + 4, 10, 10))
                t.blit(
                    surface,
                    name,
                    (r.right - legend_w + 20, ly),
                    size,
                    p.text,
                    max_width=legend_w - 22,
                )
                ly += t.line_height(size) + 2

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
            "Teams' forecasts: Brier score",
            right="lower is better · 0 perfect, 2 worst · the report compares with the model",
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
        for x, head in zip(cols, ("Team", "Side", "Forecasts scored", "Brier score"), strict=True):
            t.blit(surface, head, (x, r.y), t.px(12), p.dim, "bold")
        y = r.y + t.line_height(t.px(12)) + 4
        ranked = sorted(scores, key=lambda s: (s.brier is None, s.brier or 0.0, s.team))
        for s in ranked:
            if y + lh > r.bottom + 4:
                break
            bs = f"{s.brier:.3f}" if s.brier is not None else "—"
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
            t.blit(surface, f"{s.scored} of {s.forecasts}", (cols[2], y), size, p.dim)
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
            out.append("Teams' forecasts: Brier score")
            for s in self.scores():
                bs = f"{s.brier:.3f}" if s.brier is not None else "—"
                out.append(f"{team_label(s.team)}: {bs}")
        return out

    def _labels(self) -> list[str]:
        snap = self.game.snapshot
        unfinished = "Time's up" if snap.times_up else "Unfinished"
        oc = next((o.name for o in self.game.scenario.outcomes if o.id == snap.outcome), unfinished)
        return [oc, f"turn {snap.turn} of {snap.turn_limit}", "The path", *super().labels()]
