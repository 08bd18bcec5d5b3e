"""Pieces several scenes share: the top bar, the backdrop, the veil and the busy box."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from game import i18n
from game.i18n import _
from game.ui import draw, layout
from game.ui.palette import Colour
from game.ui.pg import pygame
from game.ui.scene import Scene

_veils: dict[tuple[int, int, int], pygame.Surface] = {}


def veil(surface: pygame.Surface, alpha: int = 170) -> None:
    key = (*surface.get_size(), alpha)
    v = _veils.get(key)
    if v is None:
        if len(_veils) > 8:
            _veils.clear()
        v = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
        v.fill((4, 6, 10, alpha))
        _veils[key] = v
    surface.blit(v, (0, 0))


def top_bar(
    scene: Scene,
    surface: pygame.Surface,
    rect: pygame.Rect,
    title: str,
    right: str = "",
    title_until: int | None = None,
) -> None:
    """The bar across the top: the game's name, the screen's title, and a note at the right.

    ``title_until``: x where the title must stop (whatever the caller draws at the right).
    """
    p, t = scene.app.palette, scene.app.text
    pygame.draw.rect(surface, p.panel, rect)
    pygame.draw.line(
        surface, p.caution, (rect.x, rect.bottom - 1), (rect.right, rect.bottom - 1), 2
    )
    size = t.px(min(20, max(14, rect.height * 0.42)))
    note = t.px(14)
    if right and t.width(right, note) > rect.width // 3:
        note = t.size_to_fit(right, note, rect.width // 3)
    if title_until is None:
        title_until = rect.right - 14 - (t.width(right, note) + 24 if right else 0)
    name = _("BRINKMANSHIP")
    brand = t.width(name, size, "bold") + 30
    # the game's name gives way to the screen's title when both do not fit
    x = rect.x + 14
    if t.width(title, size) <= title_until - x - brand or not title:
        r = t.blit(surface, name, (x, rect.centery), size, p.caution, "bold", "midleft")
        x = r.right + 16
    room = max(0, title_until - x - 16)
    two = max(8, min(size, (rect.height - 4) // 2 * 10 // 12))  # a size at which 2 lines fit
    # the title on one line, else on two, else its part before a colon
    for text in (title, title.split(":")[0]):
        ts = t.size_to_fit(text, size, room)
        lines = [text]
        if t.width(text, ts) > room:
            ts = two
            lines = t.wrap(text, ts, room)
        if len(lines) <= 2 and not any(line.endswith("…") for line in lines):
            break
    lh = t.line_height(ts)
    y = rect.centery - lh * len(lines) // 2
    for line in lines[:2]:
        t.blit(surface, line, (x, y), ts, p.text, max_width=room)
        y += lh
    if len(lines) > 2:
        t.cuts.append(title)
    if right:
        t.blit(
            surface,
            right,
            (rect.right - 14, rect.centery),
            note,
            p.dim,
            "regular",
            "midright",
            max_width=rect.width // 3,
        )


def backdrop(scene: Scene, surface: pygame.Surface, alpha: int = 150) -> None:
    """The theatre map, darkened, behind menus."""
    app = scene.app
    surface.blit(app.map.base(app.size, app.palette, names=False), (0, 0))
    veil(surface, alpha)


def dots(time: float) -> str:
    """One to three dots, cycling three times a second: work in progress."""
    return "." * (1 + int(time * 3) % 3)


def busy_box(
    scene: Scene,
    surface: pygame.Surface,
    title: str,
    lines: list[tuple[str, int, Colour, str]],
    alpha: int,
    size: tuple[int, int] = (520, 110),
    centred: bool = False,
) -> None:
    """The screen veiled, and a box in the middle saying what is going on; ``lines``
    are (text, font px, colour, style), top to bottom."""
    p, t = scene.app.palette, scene.app.text
    veil(surface, alpha)
    # wide enough for its longest line: a big window draws bigger letters, and Spanish
    # says "Órdenes enviadas. La otra parte está decidiendo…" (layout.notice keeps it inside)
    widest = max((t.width(text, t.px(px), style) for text, px, _c, style in lines), default=0)
    box = layout.notice(scene.app.size, max(size[0], widest + 48), size[1])
    r = scene.panel(surface, box, title, accent=p.caution)
    y = r.y + (4 if centred else 6)
    for text, px, colour, style in lines:
        if centred:
            t.blit(surface, text, (r.centerx, y), t.px(px), colour, style, "midtop", r.width)
        else:
            t.blit(surface, text, (r.x, y), t.px(px), colour, style, max_width=r.width)
        y += t.line_height(t.px(px))


__all__ = ["backdrop", "busy_box", "dots", "draw", "top_bar", "veil"]


def selector(
    scene: Scene,
    rect: pygame.Rect,
    name: str,
    text: str,
    back: Callable[[], object],
    forward: Callable[[], object],
    tooltip: str | None = None,
) -> None:
    """A choice with its arrows: "‹" steps back, "›" and the choice itself step forward;
    in the focus ring, Left and Right step back and forward."""
    aw = rect.height
    left = pygame.Rect(rect.x, rect.y, aw, rect.height)
    right = pygame.Rect(rect.right - aw, rect.y, aw, rect.height)
    mid = pygame.Rect(left.right + 4, rect.y, rect.width - 2 * aw - 8, rect.height)
    scene.button(left, "‹", back, f"{name}_back", focus=False, tooltip=_("previous"))
    scene.button(mid, text, forward, name, tooltip=tooltip, cls="@choice")
    f = scene.focusables[-1]
    f.left, f.right = back, forward
    scene.button(right, "›", forward, f"{name}_next", focus=False, tooltip=_("next"))


def language_label(code: str) -> str:
    """A language choice in its own words; "" is the system's language."""
    if not code:
        return _("System ({language})", language=i18n.language_name(i18n.choose()))
    return i18n.language_name(code)


def step_language(scene: Scene, step: int) -> None:
    """The next (or previous) language: used at once by every scene (each is labelled
    again), and kept in the player's settings. Saves hold no language, so a game goes on
    in the new one."""
    app = scene.app
    s = app.settings
    codes = ["", *i18n.available()]
    i = codes.index(s.language) if s.language in codes else 0
    new = replace(s, language=codes[(i + step) % len(codes)])
    # a language picked here applies now; "" goes back to BRINK_LANG or the system's
    i18n.set_language(new.language or i18n.choose())
    if app.game is not None:
        app.game.relabel()
    app.apply_settings(new)
    scene.focus_named("language")


def language_selector(scene: Scene, rect: pygame.Rect) -> None:
    """The language choice (title screen and settings), in the focus ring as "language"."""
    label = language_label(scene.app.settings.language)
    # a narrow row (a small window, large text): the language's name alone
    mid = pygame.Rect(0, 0, rect.width - 2 * rect.height - 8, rect.height)
    short = i18n.language_name(scene.app.settings.language or i18n.choose())
    label = scene.label_for(mid, label, short, size=16)
    selector(
        scene,
        rect,
        "language",
        label,
        lambda: step_language(scene, -1),
        lambda: step_language(scene, 1),
        tooltip=_("Language"),
    )
