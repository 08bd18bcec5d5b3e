"""Overlays on the stack: help (F1), pause menu (Esc), load, message."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from game import i18n
from game.i18n import N_, _, format_date, os_error_text
from game.ui import layout
from game.ui.backend import list_saves
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import veil
from game.ui.scroll import Line, ScrollLines

if TYPE_CHECKING:
    from game.ui.app import App

# (key, what it does), in English for the catalog: translated when the help is drawn
KEYS = [
    (N_("1 – 9, 0"), N_("choose option 1 to 10 (its details and forecast show)")),
    (N_("Q W E R…"), N_("choose option 11, 12, 13…")),
    (N_("Enter"), N_("commit the chosen option / press the focused button")),
    (N_("Tab / Shift+Tab"), N_("move the keyboard focus")),
    (N_("Arrow keys"), N_("move between options; change a setting")),
    (N_("Page Up / Down"), N_("scroll the news feed")),
    (N_("Esc"), N_("menu: resume, save, load, settings, quit")),
    (N_("F1"), N_("how to play, the keys, and the tour again")),
    (N_("Page Up / Down, Home / End"), N_("scroll a long panel (briefing, verdict, help)")),
    (N_("Shift / Ctrl + Up, Down"), N_("briefing: scroll the facts / your objectives")),
    (N_("Shift + Page Up / Down"), N_("turn resolved: scroll why it changed")),
    (N_("+ / −"), N_("watching: the auto-advance speed")),
    (N_("F9"), N_("teacher console (classroom games; asks for the PIN)")),
]


HOW_TO_PLAY = [
    (
        N_("The goal"),
        N_(
            "You lead one side in a crisis. Each turn (a week or so) both sides choose one "
            "move at the same time; then the turn resolves. The crisis ends in one of several "
            "endings, or at the turn limit. Your briefing says which endings your government "
            "wants and which it fears; the end screen scores you against them."
        ),
    ),
    (
        N_("A turn"),
        N_(
            "Read the indicators (left) and the news (right). Pick an option (a card, or its "
            "key). Its details and the what-if forecast show: the chance of each ending "
            "within a few turns if you take it, against holding course. Then commit (Enter)."
        ),
    ),
    (
        N_("The numbers"),
        N_(
            "A number with ~ is an estimate through your intelligence: the true value lies "
            "within the ± (or the range in brackets), most of the time. Forecasts come from "
            "thousands of simulated futures; a whisker on a bar is its interval (95%)."
        ),
    ),
    (
        N_("The other sides"),
        N_(
            "The computer plays every side no one at this screen plays; third parties, in "
            "the scenarios that have them, move by rules written in the scenario. The "
            "computer does not see your move before choosing, and your covert moves stay "
            "hidden unless exposed. The escalation ladder (left) shows how far the crisis "
            "has gone; the map shows forces and strikes."
        ),
    ),
    (
        N_("After"),
        N_(
            "The end screen gives your verdict: each objective met or missed, your score "
            "against the ways the game could have gone, and how much was luck. The report "
            "(in your browser) goes turn by turn."
        ),
    ),
]


class HelpScene(Scene):
    """F1: how to play, then the keys; in a game, the room's tour can be taken again."""

    name = "help"
    overlay = True
    pausable = False
    esc_closes = True

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.scroller = ScrollLines()

    def in_room(self) -> bool:
        below = self.app.stack[-2] if len(self.app.stack) > 1 else None
        return below is not None and below.name == "room"

    def build_ui(self) -> None:
        L = layout.help_box(self.app.size, self.app.text.scale)
        self.box = L["panel"]
        self.button(L["button[0]"], _("Close (F1)"), self.app.pop, "close_help")
        if self.in_room():
            self.button(L["button[1]"], _("Take the tour"), self.tour, "tour")
        self.focus_named("close_help")

    def tour(self) -> None:
        from game.ui.scenes.tour import TourScene

        self.app.pop()
        self.app.push(TourScene(self.app, self.app.scene))

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if self.scroller.handle(event):
            return None
        steps = {pygame.K_DOWN: 40, pygame.K_UP: -40}
        if event.key in steps and self.scroller.overflows:
            self.scroller.scroll(steps[event.key])
            return None
        return super().handle_key(event)

    def handle_event(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if event.type == pygame.MOUSEWHEEL and self.scroller.handle(event):
            return None
        return super().handle_event(event)

    def lines(self) -> list[Line]:
        p = self.app.palette
        out: list[Line] = []
        for head, body in HOW_TO_PLAY:
            out.append(Line(_(head), p.caution, 15, "bold", gap=6 if out else 0))
            out.append(Line(_(body), p.text, 14))
        out.append(Line(_("Keys"), p.caution, 15, "bold", gap=10))
        for key, what in KEYS:
            out.append(Line(_("{key}:  {what}", key=_(key), what=_(what)), p.text, 14))
        out.append(
            Line(
                _("Everything works by mouse too: click options, hover for details and forecasts."),
                p.dim,
                13,
                gap=6,
            )
        )
        return out

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 190)
        r = self.panel(
            surface, self.box, _("How to play"), accent=p.caution, right=_("Up, Down: scroll")
        )
        body = pygame.Rect(r.x, r.y, r.width, self.box.bottom - 64 - r.y)
        self.scroller.draw(surface, body, self.lines(), t, p)

    def labels(self) -> list[str]:
        return [_("How to play"), _("Keys"), *[_(k) for k, _w in KEYS], *super().labels()]


class PauseScene(Scene):
    name = "pause"
    overlay = True
    pausable = False
    esc_closes = True

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.note = ""
        self.pending: Future[Path] | None = None

    def build_ui(self) -> None:
        L = layout.menu(self.app.size, 5, title=False, head=self.header_height())
        self.L = L
        self.button(L["button[0]"], _("Resume"), self.app.pop, "resume")
        self.button(L["button[1]"], _("Save"), self.save, "save", enabled=self.app.game is not None)
        self.button(L["button[2]"], _("Load"), self.load, "load")
        self.button(L["button[3]"], _("Settings"), self.settings, "settings")
        self.button(L["button[4]"], _("Quit to title"), self.to_title, "quit_to_title")
        if self.focus_index < 0:
            self.focus_named("resume")

    def save(self) -> None:
        g = self.app.game
        if g is None:
            return
        name = f"save-{g.scenario.meta.id}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
        self.pending = g.save_as(name)
        self.note = _("Saving…")

    def update(self, dt_: float) -> None:
        f = self.pending
        if f is not None and f.done():
            self.pending = None
            try:
                path = f.result()
                self.note = _("Saved: {file}", file=getattr(path, "name", path))
            except Exception as e:
                self.note = _("Could not save: {problem}", problem=e)

    def load(self) -> None:
        self.app.push(LoadScene(self.app))

    def settings(self) -> None:
        from game.ui.scenes.settings import SettingsScene

        self.app.push(SettingsScene(self.app))

    def to_title(self) -> None:
        from game.ui.scenes.title import TitleScene

        g = self.app.game
        if g is not None:
            g.close(autosave=True)
        self.app.game = None
        self.app.reset(TitleScene(self.app))

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 185)
        r = self.L["frame"]
        self.panel(surface, r, _("Paused"), accent=p.caution)
        if self.note:
            t.blit(
                surface,
                self.note,
                (r.centerx, r.bottom + 8),
                t.px(14),
                p.calm,
                anchor="midtop",
                max_width=r.width + 200,
            )


def save_label(info: dict, names: dict[str, str]) -> str:
    """A save as a player knows it: scenario, side, turn, date and outcome."""
    # the scenario's title in the language in use, when its file is at hand; else as saved
    saved = info.get("scenario_title", info.get("scenario_id", "?"))
    title = str(names.get("title", saved)).split(":")[0]
    humans = [a for a, seat in (info.get("seats") or {}).items() if seat.get("kind") != "ai"]
    side = ", ".join(names.get(a, a) for a in humans) if humans else _("watched")
    # the label's parts, each a whole phrase, are listed with " · " between them
    parts = [title, side, _("turn {turn}", turn=info.get("turn", 0))]
    if info.get("date"):
        parts.append(format_date(dt.date.fromisoformat(str(info["date"])), "medium"))
    if info.get("over"):
        oc = info.get("outcome")
        ending = names.get(f"outcome:{oc}", oc) if oc else _("no outcome")
        parts.append(_("ended: {outcome}", outcome=ending))
    else:
        parts.append(_("in progress"))
    if info.get("sealed"):
        parts.append(_("class game (PIN)"))
    return " · ".join(parts)


def scenario_names(scenario_id: str, extra: list[Path] | None = None) -> dict[str, str]:
    """Title, actor and outcome names of a scenario, shipped or in ``extra`` (the one given
    on the command line), in the language in use (empty if it is not found)."""
    from game.scenario import load_scenario
    from game.scenario.paths import scenario_files

    for path in [*(extra or []), *scenario_files()]:
        if path.stem == scenario_id or scenario_id in path.stem:
            try:
                scn = load_scenario(path).in_language(i18n.language()).scenario
            except Exception:
                continue
            if scn.meta.id != scenario_id:
                continue
            out = {"title": scn.meta.title} | {a.id: a.name for a in scn.actors}
            out |= {f"outcome:{o.id}": o.name for o in scn.outcomes}
            return out
    return {}


class LoadScene(Scene):
    """Every save, newest first, a page at a time: scenario, side, turn, date, outcome;
    Delete (the key, or the row's button, pressed twice) removes one."""

    name = "load"
    overlay = True
    pausable = False
    esc_closes = True

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.page = 0
        self.armed: Path | None = None  # the save a second Delete removes
        self.note = ""
        self._names: dict[str, dict[str, str]] = {}
        self._infos: dict[Path, str] = {}

    def label(self, path: Path) -> str:
        got = self._infos.get(path)
        if got is None:
            from game.engine import save_info

            try:
                info = save_info(path)
            except Exception as e:  # listed all the same: opening it says what is wrong
                got = _("{file} (unreadable: {problem})", file=path.stem, problem=e)
            else:
                sid = str(info.get("scenario_id", ""))
                if sid not in self._names:
                    arg = self.app.scenario_arg
                    extra = [Path(arg)] if arg and Path(arg).is_file() else []
                    self._names[sid] = scenario_names(sid, extra)
                got = save_label(info, self._names[sid])
            self._infos[path] = got
        return got

    def build_ui(self) -> None:
        self.saves = list_saves()
        L = layout.load_list(self.app.size, self.header_height(), max(1, len(self.saves)))
        self.L = L
        per = layout.load_rows(self.app.size, self.header_height())
        pages = max(1, -(-len(self.saves) // per))
        self.page = min(self.page, pages - 1)
        shown = self.saves[self.page * per : (self.page + 1) * per]
        self.shown = shown
        t = self.app.text
        for i, p in enumerate(shown):
            r = L[f"row[{i}]"]
            text = self.label(p)
            size = round(16 * t.scale)
            full = text
            while t.width(text, size) > r.width - 16 and " · " in text:
                text = text.split(" · ", 1)[-1]  # the date and outcome matter most
            tip = full if text != full else None  # the whole label on hover
            self.button(r, text, partial(self.open, p), f"save_{i}", cls="@choice", tooltip=tip)
            sure = self.armed == p
            self.button(
                L[f"delete[{i}]"],
                _("Sure?") if sure else _("Delete"),
                partial(self.delete, p),
                f"delete_{i}",
                cls="@small_button",
                focus=False,
                tooltip=_("Delete this save (press again to confirm)"),
            )
        self.button(
            L["button[0]"],
            _("‹ Newer"),
            partial(self.turn_page, -1),
            "newer",
            enabled=self.page > 0,
        )
        self.button(
            L["button[1]"],
            _("Older ›"),
            partial(self.turn_page, 1),
            "older",
            enabled=self.page < pages - 1,
        )
        self.button(L["button[2]"], _("Back"), self.app.pop, "back")
        if self.focus_index < 0:
            self.set_focus(0)

    def turn_page(self, step: int) -> None:
        self.page = max(0, self.page + step)
        self.focus_index = -1
        self.recreate_ui()

    def delete(self, path: Path) -> None:
        if self.armed != path:
            self.armed = path
            self.note = _("Press Delete again to delete {save}", save=self.label(path))
            self.recreate_ui()
            return
        try:
            path.unlink()
            self.note = _("Deleted.")
        except OSError as e:
            self.note = _("Could not delete it: {problem}", problem=os_error_text(e))
        self.armed = None
        self._infos.pop(path, None)
        self.recreate_ui()

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        name = self.focused_name() or ""
        if event.key == pygame.K_DELETE and name.startswith("save_"):
            self.delete(self.shown[int(name[5:])])
            return None
        if event.key in (pygame.K_PAGEUP, pygame.K_PAGEDOWN):
            self.turn_page(1 if event.key == pygame.K_PAGEDOWN else -1)
            return None
        return super().handle_key(event)

    def open(self, path) -> None:
        from game.ui.scenes.classroom.pin import open_save

        open_save(self.app, path)

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 200)
        per = layout.load_rows(self.app.size, self.header_height())
        n = len(self.saves)
        title = _("Load a game") if n else _("No saved games yet")
        right = (
            _(
                "{first}–{last} of {total}",
                first=self.page * per + 1,
                last=min(n, (self.page + 1) * per),
                total=n,
            )
            if n
            else ""
        )
        r = self.panel(surface, self.L["panel"], title, accent=p.accent, right=right)
        if self.note:
            t.blit(
                surface,
                self.note,
                (r.centerx, self.L["panel"].bottom + 6),
                t.px(14),
                p.caution,
                anchor="midtop",
                max_width=self.app.size[0] - 20,
            )


class MessageScene(Scene):
    name = "message"
    overlay = True
    pausable = False
    esc_closes = True

    def __init__(self, app: App, title: str, body: str) -> None:
        super().__init__(app)
        self.title, self.body = title, body

    def build_ui(self) -> None:
        L = layout.message(self.app.size)
        self.box = L["panel"]
        self.button(L["button[0]"], _("OK"), self.app.pop, "ok")
        self.focus_named("ok")

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        veil(surface, 200)
        r = self.panel(surface, self.box, self.title, accent=p.danger)
        t.blit_wrapped(
            surface, self.body, pygame.Rect(r.x, r.y, r.width, r.height - 56), t.px(14), p.text
        )

    def labels(self) -> list[str]:
        return [self.title, self.body, *super().labels()]
