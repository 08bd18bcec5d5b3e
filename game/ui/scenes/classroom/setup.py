"""Classroom setup: team names per side, the turn timer, the teacher's PIN, a class code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.engine.classcode import ClassCodeError, decode
from game.engine.entry import (
    MAX_CLASS_CODE,
    MAX_TEAMS_TYPED,
    PIN_MAX_DIGITS,
    TIMER_CHOICES,
    lesson_label,
    next_lesson,
    next_timer,
    setup_problem,
    teams_for_code,
    teams_from_text,
)
from game.i18n import _
from game.ui import layout
from game.ui.hotseat import HotSeat
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.classroom.flow import timer_label
from game.ui.scenes.common import backdrop, top_bar
from game.ui.scenes.setup import SetupChoice

if TYPE_CHECKING:
    from game.ui.app import App


class ClassroomSetupScene(Scene):
    """Team names per side, the turn timer, the teacher's PIN, and a class code to join."""

    name = "classroom_setup"
    pausable = False
    esc_closes = True

    def __init__(self, app: App, choice: SetupChoice) -> None:
        super().__init__(app)
        self.choice = choice
        scn = choice.loaded.scenario
        self.actors = [a for a in scn.actors if a.playable]
        self.names = {a.id: _("Team {team}", team=a.short_name or a.name) for a in self.actors}
        self.timer = TIMER_CHOICES[0]
        self.turn_limit = scn.meta.turn_limit
        self.lesson = 0  # turns the lesson lasts (0: the scenario's own limit)
        self.blind = False  # blind forecasting: no odds before a team's forecast
        self.pin = ""
        self.code = ""
        self.message = ""

    def build_ui(self) -> None:
        n = len(self.actors)
        L = layout.form(self.app.size, n + 5, 2)
        self.L = L
        for i, a in enumerate(self.actors):
            self.text_entry(f"team_{a.id}", L[f"control[{i}]"], self.names[a.id], MAX_TEAMS_TYPED)
        self.button(
            L[f"control[{n}]"],
            _("‹  {choice}  ›", choice=timer_label(self.timer)),
            lambda: self.cycle(1),
            "timer",
            tooltip=_(
                "Seconds each team has for its move; when they run out, the team holds course"
            ),
            cls="@choice",
        )
        f = next(x for x in self.focusables if x.name == "timer")
        f.left = lambda: self.cycle(-1)
        f.right = lambda: self.cycle(1)
        self.button(
            L[f"control[{n + 1}]"],
            _("‹  {choice}  ›", choice=lesson_label(self.lesson)),
            lambda: self.cycle_lesson(1),
            "lesson",
            tooltip=_("End the lesson after this many turns with a neutral time's up (not scored)"),
            cls="@choice",
        )
        f = next(x for x in self.focusables if x.name == "lesson")
        f.left = lambda: self.cycle_lesson(-1)
        f.right = lambda: self.cycle_lesson(1)
        self.button(
            L[f"control[{n + 2}]"],
            _(
                "‹  {choice}  ›",
                choice=_("On: forecast first, then the odds") if self.blind else _("Off"),
            ),
            self.toggle_blind,
            "blind",
            tooltip=_("Hide the model's odds and the advisors' figures until a team has forecast"),
            cls="@choice",
        )
        f = next(x for x in self.focusables if x.name == "blind")
        f.left = f.right = self.toggle_blind
        pin = self.text_entry("pin", L[f"control[{n + 3}]"], self.pin, PIN_MAX_DIGITS)
        pin.set_allowed_characters("numbers")
        pin.set_text_hidden(True)
        self.text_entry("class_code", L[f"control[{n + 4}]"], self.code, MAX_CLASS_CODE)
        self.button(L["button[0]"], _("‹  Back"), self.app.pop, "back")
        self.button(L["button[1]"], _("Start the class  ›"), self.start, "start")
        if self.focus_index < 0:
            self.focus_named(f"team_{self.actors[0].id}" if self.actors else "start")

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
        self.timer = next_timer(self.timer, step)
        self.recreate_ui()

    def toggle_blind(self) -> None:
        self.read()
        self.blind = not self.blind
        self.recreate_ui()
        self.focus_named("blind")

    def cycle_lesson(self, step: int) -> None:
        self.read()
        self.lesson = next_lesson(self.lesson, self.turn_limit, step)
        self.recreate_ui()

    def teams(self) -> dict[str, list[str]]:
        return teams_from_text(self.names)

    def problem(self) -> str:
        """What stops the class from starting ("" when nothing)."""
        return setup_problem(self.teams(), self.pin, self.code)

    def start(self) -> None:
        self.read()
        msg = self.problem()
        if msg:
            self.message = msg
            return
        teams = self.teams()
        try:
            if self.code.strip():
                cc = decode(self.code)
                ids = [a.id for a in self.choice.loaded.scenario.actors]
                mine = teams_for_code(cc, ids, teams)
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
                    lesson_turns=self.lesson,
                    blind_forecasts=self.blind,
                )
        except (ClassCodeError, ValueError) as e:
            self.message = str(e)
            return
        from game.ui.scenes.classroom.class_code import ClassCodeScene

        self.app.set_game(game)
        self.app.reset(ClassCodeScene(self.app, game))

    def entry_done(self, name: str) -> None:
        self.read()
        super().entry_done(name)

    def default_action(self, event: pygame.event.Event) -> pygame.event.Event | None:
        self.start()
        return None

    def update(self, dt: float) -> None:
        self.read()

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        backdrop(self, surface, 200)
        top_bar(self, surface, self.L["top"], _("Classroom: teams at one screen"))
        labels = [_("{side} teams", side=a.short_name or a.name) for a in self.actors]
        labels += self.row_labels()
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
                _(
                    "Type each side's team names, separated by commas: several teams on one "
                    "side take turns (the first plays turn 1, the next turn 2…). Leave a side "
                    "empty and the computer plays it."
                ),
                p.text,
            ),
            (
                _(
                    "Timer: {timer} per team and turn; when it runs out the team holds course. "
                    "The PIN (4+ digits) opens the teacher console with F9.",
                    timer=timer_label(self.timer),
                )
                if self.timer
                # not "Timer: Off per team and turn"
                else _(
                    "No timer: each team takes the time it needs. "
                    "The PIN (4+ digits) opens the teacher console with F9."
                ),
                p.dim,
            ),
            (
                _(
                    "Class code: leave it empty for a new game (its code is shown next, for the "
                    "board), or type the code another group got to play the same game and luck."
                ),
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

    def row_labels(self) -> list[str]:
        return [
            _("Turn timer"),
            _("Lesson length"),
            _("Blind forecasts"),
            _("Teacher PIN"),
            _("Class code"),
        ]

    def labels(self) -> list[str]:
        return [*self.row_labels(), self.message, *super().labels()]
