"""Title: new game, continue (latest autosave), load, settings, quit."""

from __future__ import annotations

from game import __version__
from game.i18n import _
from game.ui import layout
from game.ui.backend import latest_autosave
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import backdrop, language_selector


class TitleScene(Scene):
    name = "title"
    pausable = False

    def build_ui(self) -> None:
        L = layout.menu(self.app.size, 6)
        self.L = L
        self.autosave = latest_autosave()
        self.button(L["button[0]"], _("New game"), self.new_game, "new_game")
        self.button(
            L["button[1]"],
            _("Continue"),
            self.continue_game,
            "continue",
            tooltip=self.continue_tip(),
            enabled=self.autosave is not None,
        )
        self.button(L["button[2]"], _("Load"), self.load, "load")
        self.button(L["button[3]"], _("Settings"), self.settings, "settings")
        # the language, chosen before anything else is read (saved with the settings)
        language_selector(self, L["button[4]"])
        self.button(L["button[5]"], _("Quit"), self.app.quit, "quit")
        if self.focus_index < 0:
            self.focus_named("new_game")

    def continue_tip(self) -> str:
        """What Continue opens, as the Load list words it."""
        if self.autosave is None:
            return _("No autosave yet")
        from game.ui.scenes.overlays import LoadScene

        return _("Resume: {save}", save=LoadScene(self.app).label(self.autosave))

    def resume(self) -> None:
        super().resume()
        self.recreate_ui()

    def new_game(self) -> None:
        from game.ui.scenes.setup import SetupScene

        self.app.push(SetupScene(self.app))

    def continue_game(self) -> None:
        if self.autosave is None:
            return
        from game.ui.scenes.classroom.pin import open_save

        open_save(self.app, self.autosave, _("Cannot continue"))

    def load(self) -> None:
        from game.ui.scenes.overlays import LoadScene

        self.app.push(LoadScene(self.app))

    def settings(self) -> None:
        from game.ui.scenes.settings import SettingsScene

        self.app.push(SettingsScene(self.app))

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        backdrop(self, surface, 175)
        r = self.L["title"]
        big = t.px(min(64, max(34, self.app.size[1] / 11)))
        t.blit(
            surface,
            _("BRINKMANSHIP"),
            (r.centerx, r.centery - big * 0.25),
            big,
            p.caution,
            "bold",
            "center",
        )
        t.blit(
            surface,
            _("A crisis-escalation game"),
            (r.centerx, r.centery + big * 0.6),
            t.px(18),
            p.text,
            "italic",
            "center",
        )
        t.blit(
            surface,
            _("Every choice moves the odds. Keep your head."),
            (r.centerx, r.centery + big * 0.6 + t.px(26)),
            t.px(14),
            p.dim,
            "regular",
            "center",
        )
        foot = _(
            "v{version}  ·  arrows/Tab to move · Enter to choose · F1 keys", version=__version__
        )
        t.blit(
            surface,
            foot,
            (self.app.size[0] // 2, self.app.size[1] - 12),
            t.px(12),
            p.faint,
            "regular",
            "midbottom",
        )

    def labels(self) -> list[str]:
        return [_("BRINKMANSHIP"), *super().labels()]
