"""End: the outcome, the turn reached, the path as a timeline, the odds at each decision."""

from __future__ import annotations

import importlib.util

from game.ui import draw, layout
from game.ui.backend import Game
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import top_bar
from game.ui.scenes.room import outcome_colour


def report_available() -> bool:
    try:
        return importlib.util.find_spec("game.report.cli") is not None
    except (ImportError, ValueError):
        return False


class EndScene(Scene):
    name = "end"
    pausable = False

    def __init__(self, app, game: Game) -> None:
        super().__init__(app)
        self.game = game
        self.note = ""
        self.report_future = None

    def build_ui(self) -> None:
        buttons = [
            ("New game", self.new_game, "new_game"),
            ("Replay (same seed)", self.replay, "replay"),
        ]
        if report_available():
            buttons.append(("After-action report", self.report, "report"))
        buttons.append(("Title", self.to_title, "title"))
        L = layout.end(self.app.size, len(buttons))
        self.L = L
        for i, (text, fn, oid) in enumerate(buttons):
            self.button(L[f"button[{i}]"], text, fn, oid)
        if self.focus_index < 0:
            self.focus_named("new_game")

    def new_game(self) -> None:
        from game.ui.scenes.setup import SetupScene
        from game.ui.scenes.title import TitleScene

        self.app.set_game(None)
        self.app.reset(TitleScene(self.app))
        self.app.push(SetupScene(self.app))

    def replay(self) -> None:
        from game.ui.scenes.room import RoomScene

        g = self.game
        new = Game.new(g.loaded.path, g.seed, g.actor, g.temperature)
        self.app.set_game(new)
        self.app.reset(RoomScene(self.app, new))

    def report(self) -> None:
        import argparse

        from game.ui.backend import data_dir

        g = self.game
        path = g.autosave_now()
        out = data_dir() / f"report-{g.scenario.meta.id}.html"
        self.note = "Writing the report…"

        def job():
            from game.report.cli import report

            report(
                argparse.Namespace(
                    logs=[str(path)], output=str(out), csv=None, json=None, worlds=2000
                )
            )
            return out

        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(1)
        self.report_future = self._pool.submit(job)

    def update(self, dt: float) -> None:
        f = self.report_future
        if f is not None and f.done():
            self.report_future = None
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
        top_bar(self, surface, self.L["top"], "The end", f"seed {g.seed}")
        oc = next((o for o in g.scenario.outcomes if o.id == snap.outcome), None)
        r = self.L["headline"]
        col = outcome_colour(p, str(oc.kind)) if oc else p.dim
        big = t.px(min(44, max(24, r.height * 0.34)))
        t.blit(
            surface,
            (oc.name if oc else "Unfinished").upper(),
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
        t.blit(
            surface, sub, (r.centerx, y), t.px(15), p.text, "regular", "midtop", max_width=r.width
        )
        y += t.line_height(t.px(15)) + 2
        if oc:
            t.blit_wrapped(
                surface,
                oc.description,
                pygame.Rect(r.x + r.width // 6, y, r.width * 2 // 3, r.bottom - y),
                t.px(13),
                p.dim,
                max_lines=2,
            )
        self.draw_timeline(surface, self.L["timeline"])
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
        p, t = self.app.palette, self.app.text
        g = self.game
        r = draw.panel(
            surface, rect, p, t, "The path", right="stage after each turn · your move / theirs"
        )
        res = g.resolutions
        if not res:
            t.blit(surface, "No turns were played.", (r.x, r.y), t.px(13), p.dim, "italic")
            return
        ids = [s.id for s in g.scenario.ladder]
        n = len(res)
        step = r.width / max(1, n)
        size = t.px(11)
        lh = t.line_height(size)
        line_y = r.y + 14
        pygame.draw.line(surface, p.edge, (r.x, line_y), (r.right, line_y), 2)
        other = [a.id for a in g.scenario.actors if a.id != g.viewer]
        every = max(1, int(90 / step)) if step < 90 else 1
        for k, rr in enumerate(res):
            x = r.x + step * (k + 0.5)
            si = ids.index(rr.stage_after) if rr.stage_after in ids else 0
            col = p.risk(si / max(1, len(ids) - 1))
            rad = 6 if rr.events else 4
            pygame.draw.circle(surface, col, (x, line_y), rad)
            if rr.events:
                pygame.draw.circle(surface, p.caution, (x, line_y), rad + 3, 1)
            if k % every:
                continue
            cw = int(step * every) - 4
            t.blit(surface, f"T{rr.turn}", (x, line_y + 10), size, p.dim, "bold", "midtop")
            mine = rr.moves[g.viewer].option_name if g.viewer in rr.moves else ""
            theirs = rr.moves[other[0]].option_name if other and other[0] in rr.moves else ""
            yy = line_y + 10 + lh
            for text, c in ((mine, p.text), (theirs, p.dim), (g.scenario.ladder[si].name, col)):
                if yy + lh > r.bottom:
                    break
                t.blit(surface, text, (x, yy), size, c, "regular", "midtop", max_width=cw)
                yy += lh

    def draw_odds(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        p, t = self.app.palette, self.app.text
        g = self.game
        r = draw.panel(
            surface,
            rect,
            p,
            t,
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
        for oid, name, kind in outs:
            col = outcome_colour(p, kind)
            pts = [
                (xs[k], chart.bottom - d.odds.p.get(oid, 0.0) * chart.height)
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

    def labels(self) -> list[str]:
        snap = self.game.snapshot
        oc = next(
            (o.name for o in self.game.scenario.outcomes if o.id == snap.outcome), "Unfinished"
        )
        return [oc, f"turn {snap.turn} of {snap.turn_limit}", "The path", *super().labels()]
