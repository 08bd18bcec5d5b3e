"""Where map markers (and pins) go so that none covers another, its label or a capital's name.

Each marker is a unit: its symbol's box with its label centred under it. A unit sits on
its true place when that is free; otherwise at the nearest free spot on rings around it
(a leader line then joins it to its place). Bigger markers are placed first. Pure
geometry, so it is tested without a window and cached by the caller per turn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from game.ui.pg import pygame

Rect = pygame.Rect

RINGS = 14  # rings of candidate spots around the true place
DIRECTIONS = 16  # candidate spots per ring


@dataclass(frozen=True)
class Item:
    key: str
    anchor: tuple[int, int]  # the true place, in pixels
    box: tuple[int, int]  # the symbol's box (w, h)
    label: tuple[int, int]  # the label's (w, h)
    priority: float = 0.0  # placed first when higher


@dataclass(frozen=True)
class Placed:
    key: str
    anchor: tuple[int, int]
    box: Rect
    label: Rect

    @property
    def moved(self) -> bool:
        """Whether the symbol left its true place (and so needs a leader line)."""
        return not self.box.collidepoint(self.anchor)

    @property
    def unit(self) -> Rect:
        return self.box.union(self.label)


def _unit_at(item: Item, cx: float, cy: float) -> tuple[Rect, Rect]:
    box = Rect(0, 0, *item.box)
    box.center = (round(cx), round(cy))
    label = Rect(0, 0, *item.label)
    label.midtop = (box.centerx, box.bottom + 1)
    return box, label


def _overlap(r: Rect, others: list[Rect]) -> int:
    total = 0
    for o in others:
        c = r.clip(o)
        total += c.width * c.height
    return total


def place(items: list[Item], area: Rect, obstacles: list[Rect] | None = None) -> list[Placed]:
    """Every item at its true place or the nearest free spot inside ``area``, clear of the
    others and of ``obstacles`` (e.g. capitals' names); in the order given."""
    taken: list[Rect] = []
    blocked = list(obstacles or [])
    out: dict[str, Placed] = {}
    for item in sorted(items, key=lambda it: (-it.priority, it.key)):
        step = max(item.box[1], 12) * 0.75
        best: tuple[int, float, Rect, Rect] | None = None
        ax, ay = item.anchor
        for ring in range(RINGS + 1):
            spots = (
                [(ax, ay)]
                if ring == 0
                else [
                    (
                        ax + ring * step * 1.6 * math.cos(2 * math.pi * k / DIRECTIONS),
                        ay + ring * step * math.sin(2 * math.pi * k / DIRECTIONS),
                    )
                    for k in range(DIRECTIONS)
                ]
            )
            for cx, cy in spots:
                box, label = _unit_at(item, cx, cy)
                unit = box.union(label)
                if not area.contains(unit):
                    continue
                # the symbol and the label, not their union: a wide label leaves free
                # corners beside the symbol that another unit or a name may use
                cost = (_overlap(box, taken) + _overlap(label, taken)) * 4
                cost += _overlap(box, blocked) + _overlap(label, blocked)
                dist = math.hypot(cx - ax, cy - ay)
                if best is None or (cost, dist) < (best[0], best[1]):
                    best = (cost, dist, box, label)
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        if best is None or best[0] > 0:  # crowded: the nearest free spot anywhere
            g = max(6, item.box[1] // 3)
            for gy in range(area.y + item.box[1] // 2, area.bottom, g):
                for gx in range(area.x + item.label[0] // 2, area.right, g):
                    box, label = _unit_at(item, gx, gy)
                    unit = box.union(label)
                    if not area.contains(unit):
                        continue
                    if any(
                        r.collidelist(taken) >= 0 or r.collidelist(blocked) >= 0
                        for r in (box, label)
                    ):
                        continue
                    dist = math.hypot(gx - ax, gy - ay)
                    if best is None or (0, dist) < (best[0], best[1]):
                        best = (0, dist, box, label)
        if best is None:  # larger than the area: clamp it in
            box, label = _unit_at(item, ax, ay)
            unit = box.union(label).clamp(area)
            dx, dy = unit.x - box.union(label).x, unit.y - box.union(label).y
            box, label = box.move(dx, dy), label.move(dx, dy)
        else:
            box, label = best[2], best[3]
        taken += [box, label]
        out[item.key] = Placed(item.key, item.anchor, box, label)
    return [out[it.key] for it in items]


def collisions(placed: list[Placed]) -> list[tuple[str, str]]:
    """Pairs of markers whose symbols or labels overlap (none, after ``place``)."""
    bad = []
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            if any(x.colliderect(y) for x in (a.box, a.label) for y in (b.box, b.label)):
                bad.append((a.key, b.key))
    return bad


def leader_end(p: Placed) -> tuple[int, int]:
    """Where a leader line from the true place meets the symbol's box."""
    bx, by = p.box.center
    ax, ay = p.anchor
    dx, dy = ax - bx, ay - by
    if dx == 0 and dy == 0:
        return (bx, by)
    sx = p.box.width / 2 / abs(dx) if dx else math.inf
    sy = p.box.height / 2 / abs(dy) if dy else math.inf
    s = min(sx, sy)
    return (round(bx + dx * s), round(by + dy * s))
