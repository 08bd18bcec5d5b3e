"""The teacher console. Every action goes to the engine, and so into the log."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

import pygame_gui

from game.engine import Session
from game.engine.entry import lesson_label, next_lesson, next_timer, parse_metric_value
from game.i18n import _, format_number
from game.ui import layout
from game.ui.hotseat import HotSeat
from game.ui.layout import CONSOLE_ROWS
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.classroom.flow import team_room, timer_label
from game.ui.scenes.common import veil

if TYPE_CHECKING:
    from game.ui.app import App


class ConsoleScene(Scene):
    """The teacher console. Every action goes to the engine, and so into the log."""

    name = "console"
    overlay = True
    pausable = False
    esc_closes = True

    def __init__(self, app: App, game: HotSeat) -> None:
        super().__init__(app)
        self.game = game
        scn = game.scenario
        self.events = [(e.name, e.id) for e in scn.events]
        self.metrics = [(m.name, m.id) for m in scn.metrics]
        limit = next(o for o in scn.outcomes if o.at_turn_limit)
        self.outcomes = [(_("{outcome} (turn limit)", outcome=limit.name), limit.id)]
        self.outcomes += [(o.name, o.id) for o in scn.outcomes if o.id != limit.id]
        self.status = _("Every action here goes into the log and the report.")
        self.status_ok = True
        self.pending: Future | None = None
        self.confirm_end = False
        self.sel: dict[str, str] = {}
        self.dropdowns: dict[str, tuple[pygame_gui.elements.UIDropDownMenu, dict[str, str]]] = {}

    # ---- widgets
    def lock_choices(self) -> list[tuple[str, str]]:
        """The teams yet to choose this turn, whose choice the teacher may lock."""
        return list(self.game.state.lock_choices)

    def build_ui(self) -> None:
        L = layout.console(self.app.size)
        self.L = L
        g = self.game
        self.dropdowns = {}
        paused = g.state.paused
        self.button(
            L["pause"],
            _("Resume") if paused else _("Pause"),
            self.toggle_pause,
            "pause",
            cls="@small_button",
        )
        self.button(
            L["reveal"],
            _("Revealed") if g.state.revealed else _("Reveal true values"),
            self.reveal,
            "reveal",
            cls="@small_button",
            enabled=not g.state.revealed,
        )
        self.dropdown("end_outcome", L["end_outcome"], self.outcomes)
        self.button(
            L["end"],
            _("Confirm: end") if self.confirm_end else _("End game"),
            self.end,
            "end",
            cls="@small_button",
        )
        self.dropdown("event", L["event"], self.events)
        self.button(L["fire"], _("Fire event"), self.fire, "fire", cls="@small_button")
        self.dropdown("metric", L["metric"], self.metrics)
        value = self.text_entry("value", L["value"], limit=8, object_id="metric_value")
        value.set_allowed_characters([*"0123456789.-"])
        self.button(
            L["set_metric"], _("Set metric"), self.set_metric, "set_metric", cls="@small_button"
        )
        self.text_entry("inject", L["inject"], limit=120, object_id="inject_text")
        self.button(
            L["send_inject"], _("Send inject"), self.inject, "send_inject", cls="@small_button"
        )
        locks = self.lock_choices()
        if locks:
            self.dropdown("lock_team", L["lock_team"], locks)
        self.button(
            L["lock"], _("Lock choice"), self.lock, "lock", cls="@small_button", enabled=bool(locks)
        )
        timer_on = bool(g.state.timer)
        self.button(
            L["extend30"],
            _("+{seconds} s", seconds=30),
            lambda: self.extend(30),
            "extend30",
            cls="@small_button",
            enabled=timer_on,
        )
        self.button(
            L["extend60"],
            _("+{seconds} s", seconds=60),
            lambda: self.extend(60),
            "extend60",
            cls="@small_button",
            enabled=timer_on,
        )
        self.button(
            L["stop_timer"],
            _("Stop timer (turn)"),
            self.stop_timer,
            "stop_timer",
            cls="@small_button",
            enabled=timer_on,
        )
        self.button(
            L["timer_setting"],
            _("Timer: {timer}  ›", timer=timer_label(g.state.timer)),
            self.cycle_timer,
            "timer_setting",
            cls="@small_button",
        )
        self.button(
            L["lesson_setting"],
            _("Lesson: {length}  ›", length=lesson_label(g.state.lesson_turns)),
            self.cycle_lesson,
            "lesson_setting",
            cls="@small_button",
        )
        self.button(
            L["times_up"], _("Time's up now"), self.times_up, "times_up", cls="@small_button"
        )
        self.button(L["close"], _("Close console  (F9)"), self.app.pop, "close_console")
        if self.focus_index < 0:
            self.focus_named("pause")

    def dropdown(
        self, name: str, rect: pygame.Rect, options: list[tuple[str, str]]
    ) -> pygame_gui.elements.UIDropDownMenu:
        labels: list[str | tuple[str, str]] = [lab for lab, _v in options]
        current = self.sel.get(name)
        start = next((lab for lab, v in options if v == current), options[0][0])
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

    def entry_done(self, name: str) -> None:
        self.entries[name].unfocus()
        (self.set_metric if name == "value" else self.inject)()

    # ---- actions
    def run(self, done: str, action: Callable[[Session], object], restart: bool = False) -> None:
        if self.pending is not None:
            return
        self.status, self.status_ok = _("Working…"), True
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
            self.status, self.status_ok = _("Not done: {problem}", problem=msg), False
        else:
            self.status, self.status_ok = self.done_text, True
            moved_on = res is not None and (res.over or res.resolved or self.game.go is None)
            if moved_on and (res.over or team_room(self.app) is not None):
                self.app.pop()  # the game moves on: the scene below takes it from here
                return
        self.recreate_ui()

    def toggle_pause(self) -> None:
        if self.game.state.paused:
            self.run(_("Resumed: the clock runs again."), lambda s: s.console.resume())
        else:
            said = _("Paused: the teams see '{notice}'.", notice=_("Paused by the teacher"))
            self.run(said, lambda s: s.console.pause())

    def reveal(self) -> None:
        said = _("Revealed: every team now sees the true values.")
        self.run(said, lambda s: s.console.reveal())

    def end(self) -> None:
        if not self.confirm_end:
            self.confirm_end = True
            self.status = _("Press “{button}” to end the game now.", button=_("Confirm: end"))
            self.status_ok = True
            self.recreate_ui()
            return
        self.confirm_end = False
        oid = self.sel.get("end_outcome")
        name = next((lab for lab, v in self.outcomes if v == oid), oid)
        self.run(_("The game is over: {outcome}.", outcome=name), lambda s: s.console.end_game(oid))

    def fire(self) -> None:
        eid = self.sel.get("event", "")
        name = next((lab for lab, v in self.events if v == eid), eid)
        self.run(_("Fired: {event}.", event=name), lambda s: s.console.fire_event(eid))

    def set_metric(self) -> None:
        mid = self.sel.get("metric", "")
        value = parse_metric_value(self.entries["value"].get_text())
        if value is None:
            self.status, self.status_ok = _("Type the metric's new value first."), False
            return
        name = next((lab for lab, v in self.metrics if v == mid), mid)
        said = _("{metric} set to {value}.", metric=name, value=format_number(value))
        self.run(said, lambda s: s.console.set_metric(mid, value))

    def inject(self) -> None:
        box = self.entries["inject"]
        text = box.get_text().strip()
        if not text:
            self.status, self.status_ok = _("Type the inject's headline first."), False
            return
        box.set_text("")
        self.run(_("Inject sent: “{text}”.", text=text), lambda s: s.console.add_inject(text, ""))

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
        self.run(_("Locked: {team}.", team=label), lambda s: s.classroom.lock(actor, option))

    def current_actor(self) -> str | None:
        go = self.game.go
        return go.actor if go is not None else None

    def extend(self, seconds: int) -> None:
        a = self.current_actor()
        said = _("Timer extended by {seconds} s.", seconds=seconds)
        self.run(said, lambda s: s.classroom.extend_timer(seconds, a))

    def stop_timer(self) -> None:
        a = self.current_actor()
        self.run(_("Timer stopped for this turn."), lambda s: s.classroom.stop_timer(a))

    def cycle_timer(self) -> None:
        new = next_timer(self.game.state.timer)
        self.run(
            _("Timer set to {timer} per team from now on.", timer=timer_label(new)),
            lambda s: s.classroom.set_timer(new),
            restart=True,
        )

    def cycle_lesson(self, step: int = 1) -> None:
        new = next_lesson(self.game.state.lesson_turns, self.game.state.turn_limit, step)
        self.run(
            _("Lesson length: {length}.", length=lesson_label(new)),
            lambda s: s.console.set_lesson_length(new),
        )

    def times_up(self) -> None:
        self.run(
            _("Time's up: the lesson ends here, with no outcome."),
            lambda s: s.console.times_up(),
        )

    # ---- drawing
    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 225)
        L = self.L
        g = self.game
        self.panel(surface, L["panel"], "", accent=p.caution)
        head = L["head"]
        t.blit(
            surface,
            _("Teacher console"),
            (head.x, head.centery),
            t.px(22),
            p.caution,
            "bold",
            "midleft",
        )
        go = g.go
        state = []
        if g.state.paused:
            state.append(_("PAUSED"))
        if g.state.revealed:
            state.append(_("true values shown"))
        state.append(_("turn {turn}", turn=g.state.turn))
        if go is not None:
            state.append(_("at the keyboard: {team}", team=g.team_label(go.team)))
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
        for i, lab in enumerate(CONSOLE_ROWS):
            r = L[f"label[{i}]"]
            t.blit(surface, _(lab), (r.right, r.centery), t.px(15), p.dim, "bold", "midright")
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
        rows = [_(r) for r in CONSOLE_ROWS]
        return [_("Teacher console"), *rows, self.status, *super().labels()]
