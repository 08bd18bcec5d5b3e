"""Settings: window size, fullscreen, text size, palette, sound, language."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from game.i18n import N_, _, format_percent
from game.ui import layout
from game.ui.palette import PALETTE_LABELS
from game.ui.pg import pygame
from game.ui.scene import Scene
from game.ui.scenes.common import backdrop, language_selector, selector, step_language, top_bar
from game.ui.settings import SIZES, TEXT_SCALES, text_setting_for

# the rows' labels, translated when drawn (the language can change on this screen)
ROWS = [
    N_("Window size"),
    N_("Fullscreen"),
    N_("Text size"),
    N_("Colours"),
    N_("Sound"),
    N_("Language"),
]


def fitting_sizes() -> list[tuple[int, int]]:
    """The window sizes offered: those the display holds (all, if it cannot say)."""
    try:
        desk = pygame.display.get_desktop_sizes()
    except pygame.error:
        desk = []
    if not desk or desk[0][0] < SIZES[0][0]:  # no display, or a dummy one: offer them all
        return list(SIZES)
    dw, dh = max(d[0] for d in desk), max(d[1] for d in desk)
    return [sz for sz in SIZES if sz[0] <= dw and sz[1] <= dh] or [SIZES[0]]


class SettingsScene(Scene):
    name = "settings"
    pausable = False
    esc_closes = True

    def build_ui(self) -> None:
        L = layout.form(self.app.size, len(ROWS), 1)
        self.L = L
        s = self.app.settings
        pal_names = list(PALETTE_LABELS)
        values = [
            _("{width} × {height}", width=s.width, height=s.height),
            _("On") if s.fullscreen else _("Off"),
            self.text_value(s.text_scale),
            _(PALETTE_LABELS[s.palette]) if s.palette in PALETTE_LABELS else s.palette,
            (_("On") if s.sound else _("Off"))
            if self.app.sound.ok
            else (_("On (no audio device: silent)") if s.sound else _("Off (no audio device)")),
        ]
        keys = ["size", "fullscreen", "text", "palette", "sound"]
        for i, (k, v) in enumerate(zip(keys, values, strict=True)):
            back, fwd = partial(self.change, k, -1), partial(self.change, k, 1)
            selector(self, L[f"control[{i}]"], k, v, back, fwd)
        language_selector(self, L[f"control[{len(keys)}]"])
        self._pal_names = pal_names
        self.button(L["button[0]"], _("Done"), self.app.pop, "done")
        if self.focus_index < 0:
            self.focus_named("done")

    def text_value(self, setting: float) -> str:
        """The text setting, and what this window shows of it when it is too small."""
        shown = text_setting_for(self.app.size, setting)
        if shown < setting:
            return _(
                "{setting} ({shown} in this window)",
                setting=format_percent(setting),
                shown=format_percent(shown),
            )
        return format_percent(setting)

    def change(self, key: str, step: int) -> None:
        s = self.app.settings
        if key == "size":
            cur = (s.width, s.height)
            sizes = fitting_sizes()
            i = sizes.index(cur) if cur in sizes else min(2, len(sizes) - 1)
            w, h = sizes[(i + step) % len(sizes)]
            new = replace(s, width=w, height=h)
        elif key == "fullscreen":
            new = replace(s, fullscreen=not s.fullscreen)
        elif key == "text":
            i = TEXT_SCALES.index(s.text_scale) if s.text_scale in TEXT_SCALES else 1
            new = replace(s, text_scale=TEXT_SCALES[(i + step) % len(TEXT_SCALES)])
        elif key == "palette":
            names = self._pal_names
            i = names.index(s.palette) if s.palette in names else 0
            new = replace(s, palette=names[(i + step) % len(names)])
        elif key == "language":
            step_language(self, step)
            return
        else:
            new = replace(s, sound=not s.sound)
        self.app.apply_settings(new)
        self.focus_named(key)

    def draw(self, surface: pygame.Surface) -> None:
        p, t = self.app.palette, self.app.text
        backdrop(self, surface, 205)
        top_bar(self, surface, self.L["top"], _("Settings"))
        for i, lab in enumerate(ROWS):
            r = self.L[f"label[{i}]"]
            t.blit(surface, _(lab), (r.right, r.centery), t.px(16), p.dim, "bold", "midright")
        info = self.L["info"]
        if info.height > 40:
            sw = info.width // len(p.series)
            for i, c in enumerate(p.series):
                pygame.draw.rect(surface, c, (info.x + i * sw, info.y + 10, sw - 4, 14))
            t.blit(
                surface,
                _("Danger reads amber, then vermillion; calm reads bluish green."),
                (info.x, info.y + 32),
                t.px(13),
                p.dim,
                max_width=info.width,
            )

    def labels(self) -> list[str]:
        return [*(_(r) for r in ROWS), *super().labels()]
