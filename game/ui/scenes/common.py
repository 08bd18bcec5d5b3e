"""Pieces several scenes share: the top bar and the backdrop."""

from __future__ import annotations

from game.ui import draw
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
    r = t.blit(
        surface, "BRINKMANSHIP", (rect.x + 14, rect.centery), size, p.caution, "bold", "midleft"
    )
    if title_until is None:
        title_until = rect.right - 14 - (t.width(right, t.px(14)) + 24 if right else 0)
    t.blit(
        surface,
        title,
        (r.right + 16, rect.centery),
        size,
        p.text,
        "regular",
        "midleft",
        max_width=max(0, title_until - r.right - 32),
    )
    if right:
        t.blit(
            surface,
            right,
            (rect.right - 14, rect.centery),
            t.px(14),
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


__all__ = ["backdrop", "draw", "top_bar", "veil"]
