"""Between teams: nothing of the previous team's screen, only who comes next."""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING

from game.i18n import _, format_date
from game.ui import layout
from game.ui.hotseat import Go, HotSeat
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.classroom.flow import fmt_clock, leave_go
from game.ui.scenes.common import dots, top_bar

if TYPE_CHECKING:
    from game.ui.app import App


class HandoverScene(Scene):
    """Between teams: nothing of the previous team's screen, only who comes next."""

    name = "handover"
    pausable = True

    def __init__(self, app: App, game: HotSeat, note: str = "") -> None:
        super().__init__(app)
        self.game = game
        self.note = note
        self.starting: Future | None = None
        self.error = ""
        self.settled = False

    def build_ui(self) -> None:
        self.L = layout.handover(self.app.size)
        self.button(
            self.L["ready"],
            _("Ready  (Enter)"),
            self.begin,
            "ready",
            cls="@commit",
        )
        self.focus_named("ready")

    def begin(self) -> None:
        g = self.game
        if self.starting is not None or g.next_go is None or g.over:
            return
        self.starting = g.start_go()

    def default_action(self, event: pygame.event.Event) -> pygame.event.Event | None:
        self.begin()
        return None

    def update(self, dt: float) -> None:
        g = self.game
        r = g.take_pending()
        if g.over:
            leave_go(self.app, g, r)
            return
        if r is not None and (r.note or r.resolved):
            done = _("Turn {turn} has been resolved.", turn=r.turn) if r.resolved else ""
            self.note = " ".join(x for x in (r.note, done) if x)
        if g.next_go is None and not g.paused and self.starting is None and not self.settled:
            # every side has chosen (e.g. a game continued from such a save): resolve
            self.settled = True
            self.starting = g.console(lambda s: None)
        f = self.starting
        if f is not None and f.done():
            self.starting = None
            try:
                go = f.result()
            except Exception as e:
                self.error = _("Could not seat the team: {problem}", problem=e)
                return
            if not isinstance(go, Go):
                self.settled = False
                return  # the turn resolved: the next team's hand-over
            from game.ui.scenes.classroom.team_room import TeamRoomScene
            from game.ui.scenes.resolution import ResolutionScene

            room = TeamRoomScene(self.app, g)
            self.app.reset(room)
            if g.go_resolution is not None:
                self.app.push(ResolutionScene(self.app, g, g.go_resolution))

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        g = self.game
        surface.fill(p.bg)
        top = self.L["top"]
        st = g.state
        top_bar(
            self,
            surface,
            top,
            _("Hand-over"),
            _(
                "turn {turn} of {turns}  ·  {date}",
                turn=st.turn,
                turns=st.turn_limit,
                date=format_date(st.date, "medium"),
            ),
        )
        w, h = self.app.size
        cx = w // 2
        y = top.bottom + max(20, h // 9)
        go = st.next_go
        if self.note:
            t.blit(
                surface, self.note, (cx, y), t.px(16), p.dim, "italic", "midtop", max_width=w - 40
            )
        y += t.line_height(t.px(16)) + max(12, h // 30)
        if go is None:
            msg = (
                _("The teacher has paused the game: waiting for the teacher to resume it.")
                if st.paused
                else _("Every side has chosen: resolving the turn…")
            )
            t.blit(surface, msg, (cx, y), t.px(22), p.caution, "bold", "midtop", max_width=w - 40)
            return
        t.blit(surface, _("Pass the keyboard to"), (cx, y), t.px(22), p.text, "regular", "midtop")
        y += t.line_height(t.px(22)) + 6
        big = t.px(min(72, max(34, w / 18)))
        label = g.team_label(go.team)
        r = t.blit(surface, label, (cx, y), big, p.caution, "bold", "midtop", max_width=w - 40)
        y = r.bottom + 8
        t.blit(
            surface,
            _("playing {side}", side=go.actor_name),
            (cx, y),
            t.px(20),
            p.text,
            "regular",
            "midtop",
            max_width=w - 40,
        )
        y += t.line_height(t.px(20)) + max(14, h // 25)
        lines = [
            _("Press Enter when {team} is ready. The screen stays hidden until then.", team=label)
        ]
        limit = st.next_limit if not st.paused else None
        if limit:
            lines.append(
                _(
                    "{team} will have {time} to choose; then it holds course.",
                    team=label,
                    time=fmt_clock(limit),
                )
            )
        if st.paused:
            lines.append(_("The teacher has paused the game."))
        for line in lines:
            t.blit(surface, line, (cx, y), t.px(15), p.dim, "regular", "midtop", max_width=w - 40)
            y += t.line_height(t.px(15)) + 6
        if self.error:
            t.blit(
                surface,
                self.error,
                (cx, y + 10),
                t.px(14),
                p.danger,
                "bold",
                "midtop",
                max_width=w - 40,
            )
        if self.starting is not None:
            t.blit(
                surface,
                _("Preparing {team}'s briefing{dots}", team=label, dots=dots(self.app.time)),
                (cx, y + 10),
                t.px(14),
                p.caution,
                "italic",
                "midtop",
            )

    def labels(self) -> list[str]:
        go = self.game.next_go
        out = [_("Pass the keyboard to"), self.note]
        if go is not None:
            out += [self.game.team_label(go.team), _("playing {side}", side=go.actor_name)]
        return out + super().labels()
