"""Classroom (hot seat): setup, the class code, the hand-over screen, a team's room with
its timer, the forecast panel, the PIN and the teacher console.

The flow of one turn: for each side played by a team, a hand-over screen ("Pass the
keyboard to Team X") hides the previous team's screen; the team reads the last turn
as its side saw it, chooses, states its forecast and commits; when every side has
chosen the turn resolves. F9 and the PIN open the teacher console at any time.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import pygame_gui

from game.ui import draw, layout
from game.ui.hotseat import TIMER_CHOICES, Go, GoResult, HotSeat
from game.ui.pg import pygame
from game.ui.scene import Focusable, Scene
from game.ui.scenes.common import backdrop, top_bar, veil
from game.ui.scenes.room import NUMBER_KEYS, RoomScene, outcome_colour
from game.ui.scenes.setup import CLASSROOM, SetupChoice

__all__ = ["CLASSROOM", "ClassroomSetupScene", "ConsoleScene", "HandoverScene", "PinScene"]
MAX_TEAMS_PER_SIDE = 6


def timer_label(seconds: int) -> str:
    return "Off" if not seconds else f"{seconds} s"


def parse_team_names(text: str) -> list[str]:
    """Team names typed with commas, e.g. ``Red, Green`` -> ``["Red", "Green"]``."""
    return [n.strip() for n in text.split(",") if n.strip()]


def fmt_clock(seconds: float) -> str:
    s = max(0, int(seconds + 0.999))
    return f"{s // 60}:{s % 60:02d}"


# --------------------------------------------------------------------------- flow


def open_game(app: Any, game: Any) -> None:
    """Show a game that was just loaded or continued: a classroom game at its hand-over."""
    from game.ui.scenes.room import RoomScene as PlainRoom

    app.set_game(game)
    if isinstance(game, HotSeat):
        if game.over:
            from game.ui.scenes.end import EndScene

            app.reset(EndScene(app, game))
        else:
            app.reset(HandoverScene(app, game))
    else:
        app.reset(PlainRoom(app, game))


def leave_go(app: Any, game: HotSeat, result: GoResult | None) -> None:
    """After a team's go: the next team's hand-over, or the end of the game."""
    from game.ui.scenes.end import EndScene
    from game.ui.scenes.resolution import ResolutionScene

    if game.over:
        game.actor = None  # the whole truth from here on
        app.reset(EndScene(app, game))
        if result is not None and result.resolved and game.full_resolutions:
            app.push(ResolutionScene(app, game, game.full_resolutions[-1]))
        return
    note = result.note if result is not None else ""
    if result is not None and result.resolved:
        note = (note + " " if note else "") + f"Turn {result.turn} has been resolved."
    app.reset(HandoverScene(app, game, note))


def team_room(app: Any) -> TeamRoomScene | None:
    for s in reversed(app.stack):
        if isinstance(s, TeamRoomScene):
            return s
    return None


def tick_classroom(app: Any, dt: float) -> None:
    """The turn timer (called every frame by the App in a classroom game). It runs while a
    team is choosing (menus and help included), not while the team reads the last turn,
    nor while the teacher is at the console or has paused the game."""
    g = app.game
    if not isinstance(g, HotSeat):
        return
    room = team_room(app)
    if room is None or room.game is not g or room.resolving is not None or g.go is None:
        return
    above = app.stack[app.stack.index(room) + 1 :]
    from game.ui.scenes.resolution import ResolutionScene

    if any(isinstance(s, ResolutionScene | PinScene | ConsoleScene) for s in above):
        return
    if g.tick(dt):
        while app.scene is not room:
            app.pop()
        room.expire()


def toggle_console(app: Any) -> None:
    """F9: the PIN prompt (or close the console)."""
    g = app.game
    if not isinstance(g, HotSeat):
        return
    if isinstance(app.scene, PinScene | ConsoleScene):
        app.pop()
        return
    if g.over:
        return
    app.push(PinScene(app, g))


# --------------------------------------------------------------------------- setup


class ClassroomSetupScene(Scene):
    """Team names per side, the turn timer, the teacher's PIN, and a class code to join."""

    name = "classroom_setup"
    pausable = False

    def __init__(self, app: Any, choice: SetupChoice) -> None:
        super().__init__(app)
        self.choice = choice
        scn = choice.loaded.scenario
        self.actors = [a for a in scn.actors if a.playable]
        self.names = {a.id: f"Team {a.short_name or a.name}" for a in self.actors}
        self.ti = 0
        self.pin = ""
        self.code = ""
        self.message = ""
        self.entries: dict[str, pygame_gui.elements.UITextEntryLine] = {}

    @property
    def timer(self) -> int:
        return TIMER_CHOICES[self.ti]

    def build_ui(self) -> None:
        n = len(self.actors)
        L = layout.form(self.app.size, n + 3, 2)
        self.L = L
        self.entries = {}
        for i, a in enumerate(self.actors):
            self.entry(f"team_{a.id}", L[f"control[{i}]"], self.names[a.id], 80)
        self.button(
            L[f"control[{n}]"],
            f"‹  {timer_label(self.timer)}  ›",
            lambda: self.cycle(1),
            "timer",
            tooltip="Seconds each team has for its move; when they run out, the team holds course",
            cls="@choice",
        )
        f = next(x for x in self.focusables if x.name == "timer")
        f.left = lambda: self.cycle(-1)
        f.right = lambda: self.cycle(1)
        pin = self.entry("pin", L[f"control[{n + 1}]"], self.pin, 8)
        pin.set_allowed_characters("numbers")
        pin.set_text_hidden(True)
        self.entry("class_code", L[f"control[{n + 2}]"], self.code, 40)
        self.button(L["button[0]"], "‹  Back", self.app.pop, "back")
        self.button(L["button[1]"], "Start the class  ›", self.start, "start")
        if self.focus_index < 0:
            self.focus_named(f"team_{self.actors[0].id}" if self.actors else "start")

    def entry(self, name: str, rect: pygame.Rect, text: str, limit: int) -> Any:
        e = self.add(
            pygame_gui.elements.UITextEntryLine(
                rect, manager=self.app.manager, object_id=f"#{name}"
            )
        )
        e.length_limit = limit
        e.set_text(text)
        self.entries[name] = e
        self.focusables.append(Focusable(name, lambda e=e: e.get_abs_rect(), e.focus))
        return e

    def read(self) -> None:
        for a in self.actors:
            e = self.entries.get(f"team_{a.id}")
            if e is not None:
                self.names[a.id] = e.get_text()
        if "pin" in self.entries:
            self.pin = self.entries["pin"].get_text()
        if "class_code" in self.entries:
            self.code = self.entries["class_code"].get_text()

    def cycle(self, step: int) -> None:
        self.read()
        self.ti = (self.ti + step) % len(TIMER_CHOICES)
        self.recreate_ui()

    def teams(self) -> dict[str, list[str]]:
        return {
            a.id: parse_team_names(self.names[a.id])
            for a in self.actors
            if parse_team_names(self.names[a.id])
        }

    def problem(self) -> str:
        """What stops the class from starting ("" when nothing)."""
        teams = self.teams()
        code = self.code.strip()
        if not teams and not code:
            return "Name at least one team (a side left empty is played by the computer)."
        names = [n.casefold() for ns in teams.values() for n in ns]
        if len(names) != len(set(names)):
            return "Two teams have the same name: give every team its own."
        if any(len(ns) > MAX_TEAMS_PER_SIDE for ns in teams.values()):
            return f"At most {MAX_TEAMS_PER_SIDE} teams take turns on one side."
        if any(len(n) > 40 for ns in teams.values() for n in ns):
            return "A team name is at most 40 characters."
        if len(self.pin) < 4 or not self.pin.isdigit():
            return "Set a teacher PIN of 4 or more digits: it opens the console (F9)."
        return ""

    def start(self) -> None:
        self.read()
        msg = self.problem()
        if msg:
            self.message = msg
            return
        from game.engine import ClassCodeError
        from game.engine.classcode import decode

        teams = self.teams()
        try:
            if self.code.strip():
                cc = decode(self.code)
                people = {
                    self.choice.loaded.scenario.actors[a].id
                    for a in cc.people
                    if a < len(self.choice.loaded.scenario.actors)
                }
                mine = {a: ns for a, ns in teams.items() if a in people}
                here = self.choice.loaded if cc.matches(self.choice.loaded.sha256) else None
                game = HotSeat.join(self.code, mine or None, self.pin, here)
            else:
                game = HotSeat.new_class(
                    self.choice.path,
                    self.choice.seed,
                    teams,
                    self.timer,
                    self.pin,
                    self.choice.temperature,
                )
        except (ClassCodeError, ValueError) as e:
            self.message = str(e)
            return
        self.app.set_game(game)
        self.app.reset(ClassCodeScene(self.app, game))

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        focused = next((e for e in self.entries.values() if e.is_focused), None)
        if focused is not None:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_TAB, pygame.K_ESCAPE):
                focused.unfocus()
                self.read()
                if event.key == pygame.K_ESCAPE:
                    return None
                if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                    self.move_focus(1)
                    return None
            else:
                return None  # typed into the box
        if event.key == pygame.K_ESCAPE:
            self.app.pop()
            return None
        return super().handle_key(event)

    def default_action(self, event: pygame.event.Event) -> pygame.event.Event | None:
        self.start()
        return None

    def update(self, dt: float) -> None:
        self.read()

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        backdrop(self, surface, 200)
        top_bar(self, surface, self.L["top"], "Classroom: teams at one screen")
        n = len(self.actors)
        labels = [f"{a.short_name or a.name} teams" for a in self.actors]
        labels += ["Turn timer", "Teacher PIN", "Class code"]
        for i, lab in enumerate(labels):
            r = self.L[f"label[{i}]"]
            t.blit(
                surface,
                lab,
                (r.right, r.centery),
                t.px(16),
                p.dim,
                "bold",
                "midright",
                max_width=r.width,
            )
        info = self.L["info"]
        if info.height < 20:
            return
        lines = [
            (
                "Type each side's team names, separated by commas: several teams on one side "
                "take turns (the first plays turn 1, the next turn 2…). Leave a side empty and "
                "the computer plays it.",
                p.text,
            ),
            (
                f"Timer: {timer_label(self.timer)} per team and turn; when it runs out the "
                "team holds course. The PIN (4+ digits) opens the teacher console with F9.",
                p.dim,
            ),
            (
                "Class code: leave it empty for a new game (its code is shown next, for the "
                "board), or type the code another group got to play the same game and luck.",
                p.dim,
            ),
        ]
        if self.message:
            lines.insert(0, (self.message, p.danger))
        y = info.y + 6
        for text, col in lines:
            h = t.blit_wrapped(
                surface,
                text,
                pygame.Rect(info.x, y, info.width, info.bottom - y),
                t.px(14),
                col,
                max_lines=3,
            )
            y += h + 6
        del n

    def labels(self) -> list[str]:
        return ["Turn timer", "Teacher PIN", "Class code", self.message, *super().labels()]


class ClassCodeScene(Scene):
    """The new game's class code, big enough to copy onto the board."""

    name = "class_code"
    pausable = False

    def __init__(self, app: Any, game: HotSeat) -> None:
        super().__init__(app)
        self.game = game

    def build_ui(self) -> None:
        w, h = self.app.size
        m = layout.margin(self.app.size)
        bw, bh = min(360, w - 4 * m), layout._clamp(h * 0.075, 36, 56)
        self.button(
            pygame.Rect((w - bw) // 2, h - bh - 2 * m, bw, bh),
            "Begin: first hand-over  ›",
            self.begin,
            "begin",
            cls="@commit",
        )
        self.focus_named("begin")

    def begin(self) -> None:
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
                out.append(f"{a.name}: the computer")
            elif len(ts) == 1:
                out.append(f"{a.name}: {ts[0]}")
            else:
                out.append(f"{a.name}: {', '.join(ts)} (taking turns)")
        return out

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        g = self.game
        backdrop(self, surface, 215)
        top = layout.top_bar(self.app.size)
        top_bar(self, surface, top, "Classroom", f"seed {g.seed}")
        w, _h = self.app.size
        y = top.bottom + t.px(28)
        t.blit(surface, "CLASS CODE", (w // 2, y), t.px(18), p.dim, "bold", "midtop")
        y += t.line_height(t.px(18)) + 6
        code = g.class_code or "(these settings have no class code)"
        size = t.px(min(64, max(30, w / 22)))
        r = t.blit(surface, code, (w // 2, y), size, p.caution, "mono", "midtop", max_width=w - 40)
        pygame.draw.rect(surface, p.caution, r.inflate(36, 18), 2, border_radius=8)
        y = r.bottom + t.px(26)
        lines = [
            (
                "Write it on the board. Other groups choose Classroom, then type this code to "
                "play the same game with the same luck.",
                p.text,
            ),
            (
                f"{g.scenario.meta.title}  ·  turn timer: {timer_label(g.session.classroom.timer)}"
                + (" per team" if g.session.classroom.timer else ""),
                p.dim,
            ),
            *[(line, p.text) for line in self.roster()],
            ("Teacher console: press F9, then your PIN.", p.calm),
        ]
        box_w = min(w - 80, 900)
        for text, col in lines:
            y += _wrapped(t, surface, text, (w - box_w) // 2, y, box_w, col)

    def labels(self) -> list[str]:
        return ["CLASS CODE", self.game.class_code or "", *self.roster(), *super().labels()]


def _wrapped(t: Any, surface: Any, text: str, x: int, y: int, width: int, col: Any) -> int:
    """Centred wrapped lines; returns the height used (plus a gap)."""
    size = t.px(16)
    used = 0
    for line in t.wrap(text, size, width)[:3]:
        t.blit(surface, line, (x + width // 2, y + used), size, col, "regular", "midtop")
        used += t.line_height(size)
    return used + 8


# --------------------------------------------------------------------------- hand-over


class HandoverScene(Scene):
    """Between teams: nothing of the previous team's screen, only who comes next."""

    name = "handover"
    pausable = True

    def __init__(self, app: Any, game: HotSeat, note: str = "") -> None:
        super().__init__(app)
        self.game = game
        self.note = note
        self.starting: Future | None = None
        self.error = ""
        self.settled = False

    def build_ui(self) -> None:
        w, h = self.app.size
        m = layout.margin(self.app.size)
        bw, bh = min(420, w - 4 * m), layout._clamp(h * 0.08, 40, 60)
        self.button(
            pygame.Rect((w - bw) // 2, h - bh - 3 * m, bw, bh),
            "Ready  (Enter)",
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
            done = f"Turn {r.turn} has been resolved." if r.resolved else ""
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
                self.error = f"Could not seat the team: {e}"
                return
            if not isinstance(go, Go):
                self.settled = False
                return  # the turn resolved: the next team's hand-over
            from game.ui.scenes.resolution import ResolutionScene

            room = TeamRoomScene(self.app, g)
            self.app.reset(room)
            if g.go_resolution is not None:
                self.app.push(ResolutionScene(self.app, g, g.go_resolution))

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        g = self.game
        surface.fill(p.bg)
        top = layout.top_bar(self.app.size)
        snap_turn = g.session.current_turn
        top_bar(
            self,
            surface,
            top,
            "Hand-over",
            f"turn {snap_turn} of {g.session.turn_limit}  ·  {g.session.date.strftime('%d %b %Y')}",
        )
        w, h = self.app.size
        cx = w // 2
        y = top.bottom + max(20, h // 9)
        go = g.next_go
        if self.note:
            t.blit(
                surface, self.note, (cx, y), t.px(16), p.dim, "italic", "midtop", max_width=w - 40
            )
        y += t.line_height(t.px(16)) + max(12, h // 30)
        if go is None:
            msg = (
                "The teacher has paused the game: waiting for the teacher to resume it."
                if g.paused
                else "Every side has chosen: resolving the turn…"
            )
            t.blit(surface, msg, (cx, y), t.px(22), p.caution, "bold", "midtop", max_width=w - 40)
            return
        t.blit(surface, "Pass the keyboard to", (cx, y), t.px(22), p.text, "regular", "midtop")
        y += t.line_height(t.px(22)) + 6
        big = t.px(min(72, max(34, w / 18)))
        label = g.team_label(go.team)
        r = t.blit(surface, label, (cx, y), big, p.caution, "bold", "midtop", max_width=w - 40)
        y = r.bottom + 8
        t.blit(
            surface,
            f"playing {go.actor_name}",
            (cx, y),
            t.px(20),
            p.text,
            "regular",
            "midtop",
            max_width=w - 40,
        )
        y += t.line_height(t.px(20)) + max(14, h // 25)
        lines = [f"Press Enter when {label} is ready. The screen stays hidden until then."]
        limit = g.session.classroom.timer_for(go.actor) if not g.paused else None
        if limit:
            lines.append(f"{label} will have {fmt_clock(limit)} to choose; then it holds course.")
        if g.paused:
            lines.append("The teacher has paused the game.")
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
            dots = "." * (1 + int(self.app.time * 3) % 3)
            t.blit(
                surface,
                f"Preparing {label}'s briefing{dots}",
                (cx, y + 10),
                t.px(14),
                p.caution,
                "italic",
                "midtop",
            )

    def labels(self) -> list[str]:
        go = self.game.next_go
        out = ["Pass the keyboard to", self.note]
        if go is not None:
            out += [self.game.team_label(go.team), f"playing {go.actor_name}"]
        return out + super().labels()


# --------------------------------------------------------------------------- a team's room


class TeamRoomScene(RoomScene):
    """The situation room for the team at the keyboard: its side's view only (fog of war),
    its timer, and a forecast before it commits."""

    name = "team_room"

    def __init__(self, app: Any, game: HotSeat) -> None:
        super().__init__(app, game)
        self.game: HotSeat = game
        self.forecast_values: dict[str, int] = {}

    @property
    def team(self) -> str:
        go = self.game.go
        return self.game.team_label(go.team) if go else ""

    def status_parts(self, rect: pygame.Rect, who: str) -> tuple[list, int]:
        go = self.game.go
        label = f"{self.team} ({go.actor_name})" if go else who
        return super().status_parts(rect, label)

    def commit(self) -> None:
        if not self.can_commit() or self.game.paused or self.game.go is None:
            return
        opt = self.snap.options[self.selected]
        if not self.game.session.classroom.forecast_outcomes():
            self.send(opt.id, None)
            return
        self.app.push(ForecastScene(self.app, self, opt.id, opt.name))

    def send(self, option: str, probs: dict[str, float] | None) -> None:
        if self.resolving is not None or self.game.go is None:
            return
        self.app.sound.play("commit")
        self.resolving = self.game.commit_go(option, probs)
        self.refresh_commit()

    def expire(self) -> None:
        if self.resolving is None and self.game.go is not None:
            self.resolving = self.game.expire_go()
            self.refresh_commit()

    def resume(self) -> None:
        Scene.resume(self)
        keep = self.selected
        self.recreate_ui()
        opts = self.snap.options
        if keep is not None and (keep >= len(opts) or not opts[keep].available):
            self.selected = None
            self.refresh_commit()

    def update(self, dt: float) -> None:
        g = self.game
        f = self.resolving
        if f is not None and f.done():
            self.resolving = None
            try:
                result = f.result()
            except Exception as e:
                self.error = f"Could not commit: {e}"
                self.refresh_commit()
                return
            g.take_pending()
            leave_go(self.app, g, result)
            return
        if f is None and (g.go is None or g.over):
            leave_go(self.app, g, g.take_pending())
            return
        super().update(dt)

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if self.game.paused and self.resolving is None:
            return event if event.key == pygame.K_ESCAPE else None
        return super().handle_key(event)

    def handle_event(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if self.game.paused and event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            return None
        if (
            self.game.paused
            and event.type == pygame_gui.UI_BUTTON_PRESSED
            and self.actions.get(event.ui_element) == self.commit
        ):
            return None
        return super().handle_event(event)

    def draw_over(self, surface: pygame.Surface) -> None:
        Scene.draw_over(self, surface)
        p, t = self.app.palette, self.app.text
        if self.tip is not None:
            draw.tooltip(surface, self.last_mouse, self.tip[1], t, p)
        self.draw_clock(surface)
        if self.resolving is not None:
            veil(surface, 230)
            box = pygame.Rect(0, 0, min(520, self.app.size[0] - 40), 110)
            box.center = (self.app.size[0] // 2, self.app.size[1] // 2)
            r = draw.panel(surface, box, p, t, "Orders sealed", accent=p.caution)
            dots = "." * (1 + int(self.app.time * 3) % 3)
            t.blit(
                surface,
                f"{self.team}'s orders are sealed{dots}",
                (r.x, r.y + 6),
                t.px(16),
                p.text,
                max_width=r.width,
            )
        elif self.game.paused:
            veil(surface, 200)
            box = pygame.Rect(0, 0, min(560, self.app.size[0] - 40), 120)
            box.center = (self.app.size[0] // 2, self.app.size[1] // 2)
            r = draw.panel(surface, box, p, t, "Paused", accent=p.caution)
            t.blit(
                surface,
                "Paused by the teacher",
                (r.centerx, r.y + 4),
                t.px(22),
                p.caution,
                "bold",
                "midtop",
                max_width=r.width,
            )
            t.blit(
                surface,
                "The clock has stopped. Wait for the teacher to resume.",
                (r.centerx, r.y + 4 + t.line_height(t.px(22))),
                t.px(14),
                p.dim,
                "regular",
                "midtop",
                max_width=r.width,
            )

    def draw_clock(self, surface: pygame.Surface) -> None:
        """The countdown, big at the top of the map, for the whole room to see."""
        p, t = self.app.palette, self.app.text
        g = self.game
        left = g.time_left()
        if left is None:
            if g.session.classroom.timer and g.go is not None:
                text, col = "Timer stopped", p.dim
            else:
                return
        else:
            text = fmt_clock(left)
            col = p.danger if left <= 10 else p.caution if left <= 30 else p.text
        m = self.L["map"]
        size = t.px(30 if left is not None else 16)
        label = f"{self.team}  " if left is not None else ""
        w = t.width(label, t.px(14), "bold") + t.width(text, size, "bold") + 28
        box = pygame.Rect(0, 0, w, t.line_height(size, "bold") + 8)
        box.midtop = (m.centerx, m.y + 6)
        pygame.draw.rect(surface, p.bg, box, border_radius=8)
        pygame.draw.rect(surface, col, box, 2, border_radius=8)
        x = box.x + 14
        if label:
            x = t.blit(surface, label, (x, box.centery), t.px(14), p.dim, "bold", "midleft").right
        t.blit(surface, text, (x, box.centery), size, col, "bold", "midleft")

    def labels(self) -> list[str]:
        out = super().labels()
        left = self.game.time_left()
        if left is not None:
            out.append(fmt_clock(left))
        if self.game.paused:
            out.append("Paused by the teacher")
        go = self.game.go
        if go is not None:
            out.append(f"You: {self.team} ({go.actor_name})")
        return out


# --------------------------------------------------------------------------- forecast


class ForecastScene(Scene):
    """Before committing: the team's chance of each main ending within the next turns."""

    name = "forecast"
    overlay = True
    pausable = False

    def __init__(self, app: Any, room: TeamRoomScene, option: str, option_name: str) -> None:
        super().__init__(app)
        self.room = room
        self.game = room.game
        self.option, self.option_name = option, option_name
        scn = self.game.scenario
        ids = self.game.session.classroom.forecast_outcomes()
        self.outcomes = [o for o in scn.outcomes if o.id in ids]
        self.values = room.forecast_values
        for o in self.outcomes:
            self.values.setdefault(o.id, 0)
        self.sliders: dict[str, Any] = {}
        self.message = ""
        self.typed = ""
        self.typed_row: str | None = None
        self.typed_t = 0.0

    @property
    def within(self) -> int:
        return int(self.game.session.classroom.forecast_within)

    def build_ui(self) -> None:
        L = layout.forecast_panel(self.app.size, len(self.outcomes))
        self.L = L
        self.sliders = {}
        for i, o in enumerate(self.outcomes):
            s = self.add(
                pygame_gui.elements.UIHorizontalSlider(
                    L[f"slider[{i}]"],
                    self.values[o.id],
                    (0, 100),
                    manager=self.app.manager,
                    object_id=f"#p_{o.id}",
                    click_increment=5,
                )
            )
            self.sliders[o.id] = s
            self.focusables.append(
                Focusable(
                    f"p_{o.id}",
                    lambda i=i: self.L[f"slider[{i}]"],
                    self.submit,
                    left=lambda oid=o.id: self.nudge(oid, -5),
                    right=lambda oid=o.id: self.nudge(oid, 5),
                )
            )
        self.button(L["button[0]"], "‹  Back  (Esc)", self.back, "back")
        self.button(L["button[1]"], "Skip the forecast", self.skip, "skip")
        self.button(
            L["button[2]"],
            "Commit  (Enter)",
            self.submit,
            "commit_forecast",
            cls="@commit",
        )
        if self.focus_index < 0 and self.outcomes:
            self.focus_named(f"p_{self.outcomes[0].id}")

    def set_value(self, oid: str, v: int) -> None:
        v = max(0, min(100, int(v)))
        self.values[oid] = v
        s = self.sliders.get(oid)
        if s is not None and round(s.get_current_value()) != v:
            s.set_current_value(v)
        self.message = ""

    def nudge(self, oid: str, step: int) -> None:
        self.keyboard_mode = True
        self.typed = ""
        self.set_value(oid, self.values[oid] + step)

    def total(self) -> int:
        return sum(self.values[o.id] for o in self.outcomes)

    def submit(self) -> None:
        if self.total() > 100:
            self.message = (
                f"Your chances add up to {self.total()}%: at most 100% "
                "(the rest is 'none of these')."
            )
            return
        probs = {o.id: self.values[o.id] / 100 for o in self.outcomes}
        room = self.room
        self.app.pop()
        room.send(self.option, probs)

    def skip(self) -> None:
        room = self.room
        self.app.pop()
        room.send(self.option, None)

    def back(self) -> None:
        self.app.pop()

    def handle_event(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
            for oid, s in self.sliders.items():
                if event.ui_element is s:
                    self.set_value(oid, int(round(s.get_current_value() / 5) * 5))
                    return None
        return super().handle_event(event)

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if event.key == pygame.K_ESCAPE:
            self.back()
            return None
        f = self.focused()
        if event.key in NUMBER_KEYS or event.key in (pygame.K_0, pygame.K_KP0):
            digit = 0 if event.key in (pygame.K_0, pygame.K_KP0) else NUMBER_KEYS[event.key] + 1
            if f is None or not f.name.startswith("p_"):
                if not self.outcomes:
                    return None
                self.focus_named(f"p_{self.outcomes[0].id}")
                f = self.focused()
            oid = f.name[2:]
            if self.typed_row != oid or self.app.time - self.typed_t > 1.5 or len(self.typed) >= 3:
                self.typed = ""
            self.typed += str(digit)
            self.typed_row, self.typed_t = oid, self.app.time
            self.keyboard_mode = True
            self.set_value(oid, int(self.typed))
            return None
        if event.key == pygame.K_BACKSPACE and f is not None and f.name.startswith("p_"):
            self.typed = self.typed[:-1]
            self.set_value(f.name[2:], int(self.typed or 0))
            return None
        return super().handle_key(event)

    def default_action(self, event: pygame.event.Event) -> pygame.event.Event | None:
        self.submit()
        return None

    def update(self, dt: float) -> None:
        for oid, s in self.sliders.items():
            v = round(s.get_current_value())
            if v != self.values[oid]:
                self.values[oid] = max(0, min(100, v))

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 215)
        L = self.L
        r = draw.panel(
            surface, L["panel"], p, t, "Before you commit: your forecast", accent=p.caution
        )
        head = L["head"]
        date = self.game.session.date_of(self.game.session.current_turn + self.within - 1)
        y = max(head.y, r.y)
        y += (
            t.blit_wrapped(
                surface,
                f"{self.room.team} chose: {self.option_name}.",
                pygame.Rect(head.x, y, head.width, head.bottom - y),
                t.px(16),
                p.text,
                "bold",
                max_lines=1,
            )
            + 2
        )
        t.blit_wrapped(
            surface,
            f"How likely is each ending within the next {self.within} turns (this one "
            f"included, to {date.strftime('%d %b %Y')})?",
            pygame.Rect(head.x, y, head.width, head.bottom - y),
            t.px(13),
            p.dim,
            max_lines=2,
        )
        left = self.game.time_left()
        if left is not None:  # the countdown stays in view while the team forecasts
            col = p.danger if left <= 10 else p.caution if left <= 30 else p.text
            t.blit(
                surface,
                f"{fmt_clock(left)} left",
                (L["panel"].right - 10, L["panel"].y + 2),
                t.px(14),
                col,
                "bold",
                "topright",
            )
        size = t.px(15)
        focus = self.focused()
        for i, o in enumerate(self.outcomes):
            nr = L[f"name[{i}]"]
            col = outcome_colour(p, self.game.scenario, o.id)
            if focus is not None and focus.name == f"p_{o.id}":
                pygame.draw.rect(surface, p.panel_hi, nr.inflate(8, 2), border_radius=4)
            pygame.draw.rect(surface, col, (nr.x, nr.centery - 5, 10, 10))
            t.blit(
                surface,
                o.name,
                (nr.x + 16, nr.centery),
                size,
                p.text,
                "bold",
                "midleft",
                max_width=nr.width - 16,
            )
            vr = L[f"value[{i}]"]
            t.blit(
                surface,
                f"{self.values[o.id]}%",
                (vr.right, vr.centery),
                t.px(17),
                col,
                "bold",
                "midright",
            )
        total = self.total()
        nr = L["none"]
        rest = 100 - total
        t.blit(
            surface,
            f"None of these within {self.within} turns: {rest}%"
            if rest >= 0
            else f"Too much: the chances add up to {total}%",
            (nr.x, nr.centery),
            size,
            p.dim if rest >= 0 else p.danger,
            "italic" if rest >= 0 else "bold",
            "midleft",
            max_width=nr.width,
        )
        mr = L["message"]
        if self.message:
            t.blit_wrapped(surface, self.message, mr, t.px(14), p.danger, "bold", max_lines=2)
        else:
            t.blit_wrapped(
                surface,
                "Up/Down: choose a line · Left/Right: ±5 · type a number (35 = 35%) · "
                "Enter: commit · Esc: back to the options",
                mr,
                t.px(13),
                p.dim,
                max_lines=2,
            )

    def labels(self) -> list[str]:
        out = ["Before you commit: your forecast", self.message]
        left = self.game.time_left()
        if left is not None:
            out.append(f"{fmt_clock(left)} left")
        out += [f"{o.name}: {self.values[o.id]}%" for o in self.outcomes]
        return out + super().labels()


# --------------------------------------------------------------------------- PIN


class PinScene(Scene):
    """F9: the PIN, typed into a masked box. Wrong -> refused; a few wrong -> locked 30 s."""

    name = "pin"
    overlay = True
    pausable = False

    def __init__(self, app: Any, game: HotSeat) -> None:
        super().__init__(app)
        self.game = game
        self.message = ""
        self.entry_box: Any = None

    def build_ui(self) -> None:
        w, h = self.app.size
        bw, bh = min(w - 40, 520), min(h - 40, 250)
        self.box = pygame.Rect((w - bw) // 2, (h - bh) // 2, bw, bh)
        m = layout.margin(self.app.size)
        er = pygame.Rect(self.box.x + 4 * m, self.box.y + 70, bw - 8 * m, 44)
        self.entry_box = self.add(
            pygame_gui.elements.UITextEntryLine(er, manager=self.app.manager, object_id="#pin")
        )
        self.entry_box.set_allowed_characters("numbers")
        self.entry_box.set_text_hidden(True)
        self.entry_box.length_limit = 12
        bw2 = (bw - 10 * m) // 2
        by = self.box.bottom - 52
        self.button(
            pygame.Rect(self.box.x + 4 * m, by, bw2, 40), "Cancel (Esc)", self.app.pop, "cancel"
        )
        self.button(
            pygame.Rect(self.box.right - 4 * m - bw2, by, bw2, 40),
            "Open console",
            self.check,
            "open_console",
        )
        self.sync_lock()
        if not self.locked():
            self.entry_box.focus()

    def locked(self) -> float:
        return self.game.pin_locked(self.app.time)

    def sync_lock(self) -> None:
        if self.entry_box is None:
            return
        if self.locked() > 0:
            if self.entry_box.is_enabled:
                self.entry_box.set_text("")
                self.entry_box.disable()
        elif not self.entry_box.is_enabled:
            self.entry_box.enable()
            self.entry_box.focus()
            self.message = ""

    def check(self) -> None:
        if self.entry_box is None:
            return
        pin = self.entry_box.get_text()
        self.entry_box.set_text("")
        ok, msg = self.game.try_pin(pin, self.app.time)
        if ok:
            self.app.replace(ConsoleScene(self.app, self.game))
            return
        self.message = msg
        self.sync_lock()
        if self.entry_box.is_enabled:
            self.entry_box.focus()

    def update(self, dt: float) -> None:
        self.sync_lock()

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if event.key == pygame.K_ESCAPE:
            self.app.pop()
            return None
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            f = self.focused()
            if f is not None and f.name == "cancel" and not self.entry_box.is_focused:
                self.app.pop()
            else:
                self.check()
            return None
        if self.entry_box is not None and self.entry_box.is_focused:
            if event.key == pygame.K_TAB:
                self.entry_box.unfocus()
                return super().handle_key(event)
            return None  # typed into the box (masked)
        return super().handle_key(event)

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 220)
        r = draw.panel(surface, self.box, p, t, "Teacher console: PIN", accent=p.caution)
        t.blit(
            surface,
            "Enter the teacher's PIN (set at the start of the class).",
            (r.x, r.y),
            t.px(14),
            p.text,
            max_width=r.width,
        )
        wait = self.locked()
        msg = self.message
        if wait > 0:
            msg = f"Too many wrong tries: the PIN is locked for {wait:.0f} s."
        if msg:
            t.blit_wrapped(
                surface,
                msg,
                pygame.Rect(r.x, self.entry_box.get_abs_rect().bottom + 8, r.width, 44),
                t.px(13),
                p.danger,
                "bold",
                max_lines=2,
            )

    def labels(self) -> list[str]:
        wait = self.locked()
        extra = [f"locked for {wait:.0f} s"] if wait > 0 else []
        return ["Teacher console: PIN", self.message, *extra, *super().labels()]


# --------------------------------------------------------------------------- console


class ConsoleScene(Scene):
    """The teacher console. Every action goes to the engine, and so into the log."""

    name = "console"
    overlay = True
    pausable = False

    def __init__(self, app: Any, game: HotSeat) -> None:
        super().__init__(app)
        self.game = game
        scn = game.scenario
        self.events = [(e.name, e.id) for e in scn.events]
        self.metrics = [(m.name, m.id) for m in scn.metrics]
        limit = next(o for o in scn.outcomes if o.at_turn_limit)
        self.outcomes = [(f"{limit.name} (turn limit)", limit.id)]
        self.outcomes += [(o.name, o.id) for o in scn.outcomes if o.id != limit.id]
        self.status = "Every action here goes into the log and the report."
        self.status_ok = True
        self.pending: Future | None = None
        self.confirm_end = False
        self.timer_i = 0
        self.sel: dict[str, str] = {}
        self.entries: dict[str, Any] = {}
        self.dropdowns: dict[str, Any] = {}

    # ---- widgets
    def lock_choices(self) -> list[tuple[str, str]]:
        g = self.game
        out = []
        for team, actor in g.session.classroom.goes():  # the teams yet to choose this turn
            if not g.session.classroom.locked(actor) and g.session.committed(actor) is None:
                out.append((f"{g.team_label(team)} ({g.names[actor]})", actor))
        return out

    def build_ui(self) -> None:
        L = layout.console(self.app.size)
        self.L = L
        g = self.game
        self.entries, self.dropdowns = {}, {}
        paused = g.session.paused
        self.button(
            L["pause"],
            "Resume" if paused else "Pause",
            self.toggle_pause,
            "pause",
            cls="@small_button",
        )
        self.button(
            L["reveal"],
            "Revealed" if g.session.revealed else "Reveal true values",
            self.reveal,
            "reveal",
            cls="@small_button",
            enabled=not g.session.revealed,
        )
        self.dropdown("end_outcome", L["end_outcome"], self.outcomes)
        self.button(
            L["end"],
            "Confirm: end" if self.confirm_end else "End game",
            self.end,
            "end",
            cls="@small_button",
        )
        self.dropdown("event", L["event"], self.events)
        self.button(L["fire"], "Fire event", self.fire, "fire", cls="@small_button")
        self.dropdown("metric", L["metric"], self.metrics)
        value = self.add(
            pygame_gui.elements.UITextEntryLine(
                L["value"], manager=self.app.manager, object_id="#metric_value"
            )
        )
        value.set_allowed_characters([*"0123456789.-"])
        value.length_limit = 8
        self.entries["value"] = value
        self.focusables.append(Focusable("value", lambda: value.get_abs_rect(), value.focus))
        self.button(
            L["set_metric"], "Set metric", self.set_metric, "set_metric", cls="@small_button"
        )
        inject = self.add(
            pygame_gui.elements.UITextEntryLine(
                L["inject"], manager=self.app.manager, object_id="#inject_text"
            )
        )
        inject.length_limit = 120
        self.entries["inject"] = inject
        self.focusables.append(Focusable("inject", lambda: inject.get_abs_rect(), inject.focus))
        self.button(
            L["send_inject"], "Send inject", self.inject, "send_inject", cls="@small_button"
        )
        locks = self.lock_choices()
        if locks:
            self.dropdown("lock_team", L["lock_team"], locks)
        self.button(
            L["lock"], "Lock choice", self.lock, "lock", cls="@small_button", enabled=bool(locks)
        )
        timer_on = bool(g.session.classroom.timer)
        self.button(
            L["extend30"],
            "+30 s",
            lambda: self.extend(30),
            "extend30",
            cls="@small_button",
            enabled=timer_on,
        )
        self.button(
            L["extend60"],
            "+60 s",
            lambda: self.extend(60),
            "extend60",
            cls="@small_button",
            enabled=timer_on,
        )
        self.button(
            L["stop_timer"],
            "Stop timer (turn)",
            self.stop_timer,
            "stop_timer",
            cls="@small_button",
            enabled=timer_on,
        )
        self.button(
            L["timer_setting"],
            f"Timer: {timer_label(g.session.classroom.timer)}  ›",
            self.cycle_timer,
            "timer_setting",
            cls="@small_button",
        )
        self.button(L["close"], "Close console  (F9)", self.app.pop, "close_console")
        if self.focus_index < 0:
            self.focus_named("pause")

    def dropdown(self, name: str, rect: pygame.Rect, options: list[tuple[str, str]]) -> Any:
        labels = [lab for lab, _ in options]
        current = self.sel.get(name)
        start = next((lab for lab, v in options if v == current), labels[0])
        self.sel[name] = next(v for lab, v in options if lab == start)
        d = self.add(
            pygame_gui.elements.UIDropDownMenu(
                labels, start, rect, manager=self.app.manager, object_id=f"#{name}"
            )
        )
        self.dropdowns[name] = (d, dict(options))
        return d

    def handle_event(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            for name, (d, mapping) in self.dropdowns.items():
                if event.ui_element is d:
                    self.sel[name] = mapping.get(event.text, self.sel.get(name, ""))
                    return None
        return super().handle_event(event)

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        focused = next((e for e in self.entries.values() if e.is_focused), None)
        if focused is not None:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                focused.unfocus()
                (self.set_metric if focused is self.entries.get("value") else self.inject)()
                return None
            if event.key in (pygame.K_TAB, pygame.K_ESCAPE):
                focused.unfocus()
                return None
            return None
        if event.key == pygame.K_ESCAPE:
            self.app.pop()
            return None
        return super().handle_key(event)

    # ---- actions
    def run(self, done: str, action: Callable[[Any], Any], restart: bool = False) -> None:
        if self.pending is not None:
            return
        self.status, self.status_ok = "Working…", True
        self.done_text = done
        self.pending = self.game.console(action, restart_clock=restart)

    def update(self, dt: float) -> None:
        f = self.pending
        if f is None or not f.done():
            return
        self.pending = None
        try:
            _out, res = f.result()
        except Exception as e:
            msg = e.args[0] if getattr(e, "args", None) else repr(e)
            self.status, self.status_ok = f"Not done: {msg}", False
        else:
            self.status, self.status_ok = self.done_text, True
            moved_on = res is not None and (res.over or res.resolved or self.game.go is None)
            if moved_on and (res.over or team_room(self.app) is not None):
                self.app.pop()  # the game moves on: the scene below takes it from here
                return
        self.recreate_ui()

    def toggle_pause(self) -> None:
        if self.game.session.paused:
            self.run("Resumed: the clock runs again.", lambda s: s.console.resume())
        else:
            self.run("Paused: the teams see 'Paused by the teacher'.", lambda s: s.console.pause())

    def reveal(self) -> None:
        self.run("Revealed: every team now sees the true values.", lambda s: s.console.reveal())

    def end(self) -> None:
        if not self.confirm_end:
            self.confirm_end = True
            self.status, self.status_ok = "Press “Confirm: end” to end the game now.", True
            self.recreate_ui()
            return
        self.confirm_end = False
        oid = self.sel.get("end_outcome")
        name = next((lab for lab, v in self.outcomes if v == oid), oid)
        self.run(f"The game is over: {name}.", lambda s: s.console.end_game(oid))

    def fire(self) -> None:
        eid = self.sel.get("event")
        name = next((lab for lab, v in self.events if v == eid), eid)
        self.run(f"Fired: {name}.", lambda s: s.console.fire_event(eid))

    def set_metric(self) -> None:
        mid = self.sel.get("metric")
        text = self.entries["value"].get_text().strip()
        try:
            value = float(text)
        except ValueError:
            self.status, self.status_ok = "Type the metric's new value first.", False
            return
        name = next((lab for lab, v in self.metrics if v == mid), mid)
        self.run(f"{name} set to {value:g}.", lambda s: s.console.set_metric(mid, value))

    def inject(self) -> None:
        box = self.entries["inject"]
        text = box.get_text().strip()
        if not text:
            self.status, self.status_ok = "Type the inject's headline first.", False
            return
        box.set_text("")
        self.run(f"Inject sent: “{text}”.", lambda s: s.console.add_inject(text, ""))

    def lock(self) -> None:
        actor = self.sel.get("lock_team")
        if not actor:
            return
        g = self.game
        option = None
        room = team_room(self.app)
        mine = g.go is not None and g.go.actor == actor
        if mine and room is not None and room.selected is not None:
            option = room.snap.options[room.selected].id
        label = next((lab for lab, v in self.lock_choices() if v == actor), actor)
        self.run(f"Locked: {label}.", lambda s: s.classroom.lock(actor, option))

    def current_actor(self) -> str | None:
        go = self.game.go
        return go.actor if go is not None else None

    def extend(self, seconds: int) -> None:
        a = self.current_actor()
        self.run(f"Timer extended by {seconds} s.", lambda s: s.classroom.extend_timer(seconds, a))

    def stop_timer(self) -> None:
        a = self.current_actor()
        self.run("Timer stopped for this turn.", lambda s: s.classroom.stop_timer(a))

    def cycle_timer(self) -> None:
        cur = self.game.session.classroom.timer
        i = TIMER_CHOICES.index(cur) if cur in TIMER_CHOICES else -1
        new = TIMER_CHOICES[(i + 1) % len(TIMER_CHOICES)]
        self.run(
            f"Timer set to {timer_label(new)} per team from now on.",
            lambda s: s.classroom.set_timer(new),
            restart=True,
        )

    # ---- drawing
    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 225)
        L = self.L
        g = self.game
        draw.panel(surface, L["panel"], p, t, "", accent=p.caution)
        head = L["head"]
        t.blit(
            surface,
            "Teacher console",
            (head.x, head.centery),
            t.px(22),
            p.caution,
            "bold",
            "midleft",
        )
        go = g.go
        state = []
        if g.session.paused:
            state.append("PAUSED")
        if g.session.revealed:
            state.append("true values shown")
        state.append(f"turn {g.session.current_turn}")
        if go is not None:
            state.append(f"at the keyboard: {g.team_label(go.team)}")
        t.blit(
            surface,
            "  ·  ".join(state),
            (head.right, head.centery),
            t.px(14),
            p.dim,
            "regular",
            "midright",
            max_width=head.width // 2,
        )
        from game.ui.layout import CONSOLE_ROWS

        for i, lab in enumerate(CONSOLE_ROWS):
            r = L[f"label[{i}]"]
            t.blit(surface, lab, (r.right, r.centery), t.px(15), p.dim, "bold", "midright")
        sr = L["status"]
        t.blit_wrapped(
            surface,
            self.status,
            sr,
            t.px(14),
            p.calm if self.status_ok else p.danger,
            "bold",
            max_lines=2,
        )

    def labels(self) -> list[str]:
        from game.ui.layout import CONSOLE_ROWS

        return ["Teacher console", *CONSOLE_ROWS, self.status, *super().labels()]
