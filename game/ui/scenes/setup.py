"""Setup: scenario, side (or a classroom game, or AI vs AI), difficulty (the AI's
temperature scale, ``AISettings.temperature_scale``), seed (random, shown)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pygame_gui

from game import i18n
from game.i18n import N_, _
from game.scenario import Loaded, check_file
from game.scenario.discovery import COMMAND_LINE, SHIPPED, TEACHERS, discover
from game.scenario.paths import default_scenario
from game.ui import layout
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import backdrop, selector, top_bar

if TYPE_CHECKING:
    from game.ui.app import App

CLASSROOM = "__classroom__"  # the "side" of a hot-seat classroom game
# (name, temperature scale, what it means): English for the catalog, translated when drawn
DIFFICULTY = [
    (N_("Relaxed"), 2.0, N_("the computer often picks a weaker move")),
    (N_("Normal"), 1.0, N_("the computer plays as the scenario's sides are described")),
    (N_("Sharp"), 0.5, N_("the computer rarely picks a weaker move")),
]


# where a scenario file was found, as the setup screen says it
SOURCE_WORDS = {
    COMMAND_LINE: N_("From the command line — {file}"),
    SHIPPED: N_("From the scenarios shipped with the game — {file}"),
    TEACHERS: N_("From the teachers' folder — {file}"),
}


@dataclass
class SetupChoice:
    path: Path
    loaded: Loaded
    actor: str | None  # None: watch AI vs AI; CLASSROOM: teams at one screen
    temperature: float
    seed: int


class SetupScene(Scene):
    name = "setup"
    pausable = False
    esc_closes = True

    def __init__(self, app: App) -> None:
        super().__init__(app)
        # Command line, shipped, teachers' folder (game.scenario.discovery), each with its source.
        found = discover([app.scenario_arg] if app.scenario_arg else [])
        paths = [f.path for f in found]
        self.sources = {f.path: f.source for f in found}
        self.paths = paths
        self._loaded: dict[Path, Loaded | str] = {}
        self._shown: dict[tuple[Path, str], Loaded] = {}  # translated, per language
        want = (
            Path(app.scenario_arg).resolve() if app.scenario_arg else default_scenario().resolve()
        )
        self.si = next((i for i, p in enumerate(paths) if p.resolve() == want), 0)
        for k in range(len(paths)):  # first loadable from the wanted one
            if isinstance(self.loaded_at((self.si + k) % len(paths)), Loaded):
                self.si = (self.si + k) % len(paths)
                break
        self.side = 0
        self.di = 1
        self.seed = (
            app.seed_arg
            if app.seed_arg is not None
            else random.SystemRandom().randrange(1, 1_000_000)
        )
        self.seed_entry: pygame_gui.elements.UITextEntryLine | None = None

    # ---- data
    def loaded_at(self, i: int) -> Loaded | str:
        if not self.paths:
            return _("no scenario files found in scenarios/")
        p = self.paths[i]
        got = self._loaded.get(p)
        if got is None:
            loaded, problems = check_file(p)
            errors = [str(x) for x in problems if x.severity == "error"]
            got = loaded if loaded is not None else (errors[0] if errors else _("cannot load"))
            self._loaded[p] = got
        return got

    @property
    def loaded(self) -> Loaded | None:
        got = self.loaded_at(self.si) if self.paths else None
        if not isinstance(got, Loaded):
            return None
        # the scenario's texts in the language in use (its sidecar), as the game shows them
        key = (self.paths[self.si], i18n.language())
        shown = self._shown.get(key)
        if shown is None:
            shown = self._shown[key] = got.in_language(key[1])
        return shown

    def sides(self) -> list[tuple[str | None, str]]:
        lo = self.loaded
        if lo is None:
            return [(None, "—")]
        out: list[tuple[str | None, str]] = [
            (a.id, a.name) for a in lo.scenario.actors if a.playable
        ]
        out.append((CLASSROOM, _("Classroom (hot seat): teams at one screen")))
        out.append((None, _("Watch: computer against computer")))
        return out

    # ---- widgets
    def build_ui(self) -> None:
        L = layout.form(self.app.size, 4, 2)
        self.L = L
        lo = self.loaded
        title = (
            lo.scenario.meta.title
            if lo
            else _("{file} (invalid)", file=self.paths[self.si].name)
            if self.paths
            else "—"
        )
        side = self.sides()[min(self.side, len(self.sides()) - 1)][1]
        diff = DIFFICULTY[self.di]
        for k, (what, text, tip) in enumerate(
            (
                ("scenario", title, None),
                ("side", side, None),
                ("difficulty", _(diff[0]), _(diff[2])),
            )
        ):
            back, fwd = partial(self.cycle, what, -1), partial(self.cycle, what, 1)
            r = L[f"control[{k}]"]
            inner = pygame.Rect(0, 0, r.width - 2 * r.height - 8, r.height)
            # a long scenario title gives way to its part before the colon
            text = self.label_for(inner, text, text.split(":")[0], text.split(":")[0], size=16)
            selector(self, r, what, text, back, fwd, tip or (title if what == "scenario" else None))
        entry_r, new_r = layout.split_row(L["control[3]"], 0.6, 8)
        self.seed_entry = self.text_entry("seed", entry_r, str(self.seed), 9)
        self.seed_entry.set_allowed_characters("numbers")
        self.button(new_r, _("New seed"), self.reroll, "reroll", cls="@small_button")
        self.button(L["button[0]"], _("Back"), self.app.pop, "back")
        self.button(
            L["button[1]"], _("Continue  ›"), self.proceed, "continue", enabled=lo is not None
        )
        if self.focus_index < 0:
            self.focus_named("continue" if lo is not None else "scenario")

    def cycle(self, what: str, step: int) -> None:
        if what == "scenario" and self.paths:
            self.si = (self.si + step) % len(self.paths)
            self.side = 0
        elif what == "side":
            self.side = (self.side + step) % len(self.sides())
        elif what == "difficulty":
            self.di = (self.di + step) % len(DIFFICULTY)
        self.read_seed()
        self.recreate_ui()

    def reroll(self) -> None:
        self.seed = random.SystemRandom().randrange(1, 1_000_000)
        if self.seed_entry is not None:
            self.seed_entry.set_text(str(self.seed))

    def read_seed(self) -> None:
        if self.seed_entry is not None:
            txt = self.seed_entry.get_text().strip()
            if txt.isdigit():
                self.seed = int(txt)

    def choice(self) -> SetupChoice | None:
        lo = self.loaded
        if lo is None:
            return None
        self.read_seed()
        actor = self.sides()[min(self.side, len(self.sides()) - 1)][0]
        return SetupChoice(self.paths[self.si], lo, actor, DIFFICULTY[self.di][1], self.seed)

    def proceed(self) -> None:
        ch = self.choice()
        if ch is None:
            return
        if ch.actor == CLASSROOM:
            from game.ui.scenes.classroom import ClassroomSetupScene

            self.app.push(ClassroomSetupScene(self.app, ch))
            return
        from game.ui.scenes.briefing import BriefingScene

        self.app.push(BriefingScene(self.app, ch))

    def entry_done(self, name: str) -> None:
        self.read_seed()
        super().entry_done(name)

    def default_action(self, event: pygame.event.Event) -> pygame.event.Event | None:
        self.proceed()
        return None

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        if self.loaded is not None:  # behind the menu: the chosen scenario's region
            self.app.map.show(self.loaded.scenario)
        backdrop(self, surface, 200)
        top_bar(self, surface, self.L["top"], _("New game"))
        for i, lab in enumerate(self.row_labels()):
            r = self.L[f"label[{i}]"]
            t.blit(surface, lab, (r.right, r.centery), t.px(16), p.dim, "bold", "midright")
        info = self.L["info"]
        if info.height < 20:
            return
        lo = self.loaded
        if lo is None:
            msg = self.loaded_at(self.si) if self.paths else _("No scenario files.")
            t.blit_wrapped(
                surface,
                _("This scenario cannot be played: {problem}", problem=msg),
                info,
                t.px(14),
                p.danger,
            )
            return
        s = lo.scenario
        actor = self.sides()[min(self.side, len(self.sides()) - 1)][0]
        lines = [s.meta.summary.split("\n\n")[0]]
        path = self.paths[self.si]
        words = SOURCE_WORDS.get(self.sources.get(path, ""), SOURCE_WORDS[COMMAND_LINE])
        lines.append(_(words, file=path.name))
        if actor == CLASSROOM:
            lines.append(
                _(
                    "Classroom: teams take turns at this screen, each seeing only its side. "
                    "Next: team names, the turn timer, the teacher's PIN and the class code."
                )
            )
        elif actor is not None:
            a = next(x for x in s.actors if x.id == actor)
            lines.append(_("You play {side}: {role}", side=a.name, role=a.role))
        elif len(s.actors) <= 2:
            lines.append(_("You watch both sides play; press Enter to advance each turn."))
        else:
            lines.append(_("You watch all sides play; press Enter to advance each turn."))
        name, _scale, means = DIFFICULTY[self.di]
        lines.append(
            _(
                "{difficulty}: {meaning}. Same seed, same moves: same game.",
                difficulty=_(name),
                meaning=_(means),
            )
        )
        y = info.y + 8
        size = t.px(14)
        lh = t.line_height(size)
        # the summary's first sentences (the briefing has it all), then the notes whole
        rest = sum(len(t.wrap(x, size, info.width)) * lh + 8 for x in lines[1:])
        room = max(1, (info.height - 8 - rest) // lh)
        lines[0] = t.sentences(lines[0], size, info.width, min(4, room))
        for i, line in enumerate(lines):
            h = t.blit_wrapped(
                surface,
                line,
                pygame.Rect(info.x, y, info.width, info.bottom - y),
                size,
                p.text if i == 0 else p.dim,
            )
            y += h + 8

    def row_labels(self) -> list[str]:
        return [_("Scenario"), _("Your side"), _("Difficulty"), _("Seed")]

    def labels(self) -> list[str]:
        return [*self.row_labels(), *super().labels()]
