"""The new game's class code, big enough to copy onto the board."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.i18n import _
from game.ui import layout
from game.ui.hotseat import HotSeat
from game.ui.palette import Colour
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.classroom.flow import timer_label
from game.ui.scenes.common import backdrop, top_bar
from game.ui.text import Text

if TYPE_CHECKING:
    from game.ui.app import App


class ClassCodeScene(Scene):
    """The new game's class code, big enough to copy onto the board."""

    name = "class_code"
    pausable = False

    def __init__(self, app: App, game: HotSeat) -> None:
        super().__init__(app)
        self.game = game

    def build_ui(self) -> None:
        self.L = layout.class_code(self.app.size)
        self.button(
            self.L["begin"],
            _("Begin: first hand-over  ›"),
            self.begin,
            "begin",
            cls="@commit",
        )
        self.focus_named("begin")

    def begin(self) -> None:
        from game.ui.scenes.classroom.handover import HandoverScene

        self.app.reset(HandoverScene(self.app, self.game))

    def default_action(self, event: pygame.event.Event) -> pygame.event.Event | None:
        self.begin()
        return None

    def roster(self) -> list[str]:
        g = self.game
        out = []
        for a in g.scenario.actors:
            ts = [g.team_label(t.name) for t in g.teams if t.actor == a.id]
            if not ts:
                out.append(_("{side}: the computer", side=a.name))
            elif len(ts) == 1:
                out.append(_("{side}: {team}", side=a.name, team=ts[0]))
            else:
                out.append(_("{side}: {teams} (taking turns)", side=a.name, teams=", ".join(ts)))
        return out

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        g = self.game
        backdrop(self, surface, 215)
        top = self.L["top"]
        top_bar(self, surface, top, _("Classroom"), _("seed {seed}", seed=g.seed))
        w, _h = self.app.size
        y = top.bottom + t.px(28)
        t.blit(surface, _("CLASS CODE"), (w // 2, y), t.px(18), p.dim, "bold", "midtop")
        y += t.line_height(t.px(18)) + 6
        code = g.class_code or _("(these settings have no class code)")
        size = t.px(min(64, max(30, w / 22)))
        r = t.blit(surface, code, (w // 2, y), size, p.caution, "mono", "midtop", max_width=w - 40)
        pygame.draw.rect(surface, p.caution, r.inflate(36, 18), 2, border_radius=8)
        y = r.bottom + t.px(26)
        lines = [
            (
                _(
                    "Write it on the board. Other groups choose Classroom, then type this code "
                    "to play the same game with the same luck."
                ),
                p.text,
            ),
            (
                _(
                    "{title}  ·  turn timer: {timer} per team",
                    title=g.scenario.meta.title,
                    timer=timer_label(g.state.timer),
                )
                if g.state.timer
                else _("{title}  ·  turn timer: off", title=g.scenario.meta.title),
                p.dim,
            ),
            *[(line, p.text) for line in self.roster()],
            (_("Teacher console: press F9, then your PIN."), p.calm),
        ]
        box_w = min(w - 80, 900)
        for text, col in lines:
            y += _wrapped(t, surface, text, (w - box_w) // 2, y, box_w, col)

    def labels(self) -> list[str]:
        return [_("CLASS CODE"), self.game.class_code or "", *self.roster(), *super().labels()]


def _wrapped(
    t: Text, surface: pygame.Surface, text: str, x: int, y: int, width: int, col: Colour
) -> int:
    """Centred wrapped lines; returns the height used (plus a gap)."""
    size = t.px(16)
    used = 0
    for line in t.wrap(text, size, width)[:3]:
        t.blit(surface, line, (x + width // 2, y + used), size, col, "regular", "midtop")
        used += t.line_height(size)
    return used + 8
