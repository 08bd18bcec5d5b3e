"""Render the game's main screens to docs/screenshots/*.png.

    python tools/screenshots.py                     # headless (SDL dummy driver)
    python tools/screenshots.py --scenario scenarios/other.yaml --out /tmp/shots
    xvfb-run -s '-screen 0 1280x720x24' python tools/screenshots.py   # a real X11 window
    python tools/screenshots.py --lang es           # in Spanish, to docs/screenshots/es/

Plays the default scenario (or ``--scenario FILE``) as its first side with a fixed seed, by posted
keyboard and mouse events, and saves the title, setup, briefing, situation room
(with a what-if forecast shown), resolution and end screens; then starts a
classroom game (two teams, a timer, a PIN) and saves its class code, hand-over,
forecast panel and teacher console.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="folder (default: docs/screenshots, or its LANG folder)")
    ap.add_argument("--lang", default="en", help="the window's language: en, es (default: en)")
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--scenario", help="scenario file (default: the game's default scenario)")
    args = ap.parse_args()
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ["BRINK_DATA_DIR"] = tempfile.mkdtemp(prefix="brink-shots-")
    os.environ["BRINK_NO_TOUR"] = "1"  # the tour has its own picture below
    w, h = (int(v) for v in args.size.lower().split("x"))
    shots = ROOT / "docs" / "screenshots"
    out = Path(args.out) if args.out else shots if args.lang == "en" else shots / args.lang
    out.mkdir(parents=True, exist_ok=True)

    from game import i18n
    from game.scenario.paths import default_scenario
    from game.ui.app import App
    from game.ui.pg import pygame
    from game.ui.settings import Settings

    i18n.set_language(args.lang)
    scenario = args.scenario or str(default_scenario())
    settings = Settings(width=w, height=h, language=args.lang)  # the title screen shows it
    app = App(
        size=(w, h), settings=settings, scenario=scenario, seed=args.seed, save_settings=False
    )

    def frames(n: int = 2) -> None:
        app.run_frames(n)

    def key(k: int) -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=""))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=0, unicode=""))
        frames(2)

    def hover(pos: tuple[int, int]) -> None:
        pygame.mouse.set_pos(pos)
        pygame.event.post(
            pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
        )
        frames(2)

    def wait(cond, timeout: float = 60.0) -> None:
        t0 = time.perf_counter()
        while not cond() and time.perf_counter() - t0 < timeout:
            frames(1)
            time.sleep(0.003)

    def shot(name: str) -> None:
        frames(2)
        path = out / f"{name}.png"
        pygame.image.save(app.window, str(path))
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    hover((w - 5, h - 5))
    shot("title")
    key(pygame.K_RETURN)
    shot("setup")
    key(pygame.K_RETURN)
    shot("briefing")
    key(pygame.K_RETURN)
    game = app.game
    room = app.scene
    # moves by category, so that any scenario plays (each turn: the first available option
    # of the planned kind, else the first available one that is not holding course)
    plan = ["talks", "information", "show_of_force", "sanctions", "talks", "concession"]
    hold = next(o.id for o in room.snap.options if o.hold)
    for turn in range(2):
        wait(lambda: game.advice() is not None)
        opt = pick(room.snap.options, plan[turn])
        i, oid = opt.index, opt.id
        key(pygame.K_1 + i if i < 9 else pygame.K_0)
        hover(room.card_rects[i].center)
        wait(lambda oid=oid: game.cached_what_if(oid) is not None and game.cached_what_if(hold))
        if turn == 1:
            shot("situation-room")
        key(pygame.K_RETURN)
        wait(lambda: app.scene.name == "resolution")
        if turn == 1:
            hover((w - 5, h - 5))
            shot("resolution")
        key(pygame.K_RETURN)
    # play on to the end: the plan, then hold course
    turn = 2
    while app.scene.name != "end" and turn < 60:
        if app.scene.name == "room":
            room = app.scene
            opt = pick(room.snap.options, plan[turn % len(plan)])
            room.set_focus(opt.index)
            room.select(opt.index)
            frames(1)
            key(pygame.K_RETURN)
            wait(lambda: app.scene.name != "room")
            turn += 1
        else:
            key(pygame.K_RETURN)
    wait(lambda: getattr(app.scene, "verdict", None) is not None)  # the verdict is worked out
    shot("end")
    classroom(app, frames, key, hover, wait, shot)
    app.quit()
    return 0


def pick(options, category: str):
    """The first available option of ``category``, else the first available move that is
    not holding course, else holding course."""
    free = [o for o in options if o.available]
    return (
        next((o for o in free if o.category == category), None)
        or next((o for o in free if not o.hold), None)
        or next(o for o in options if o.hold)
    )


def classroom(app, frames, key, hover, wait, shot) -> None:
    """A classroom game: class code, hand-over, forecast panel, teacher console."""
    from game.ui.pg import pygame
    from game.ui.scenes.title import TitleScene

    def type_text(text: str) -> None:
        for ch in text:
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        frames(2)

    def click(name: str) -> None:
        b = app.scene.button_named(name)
        pos = b.get_abs_rect().center
        pygame.mouse.set_pos(pos)
        for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            pygame.event.post(pygame.event.Event(kind, pos=pos, button=1, touch=False))
            frames(1)
        frames(2)

    app.set_game(None)
    app.reset(TitleScene(app))
    frames(2)
    click("new_game")
    from game.ui.scenes.setup import CLASSROOM

    while app.scene.sides()[app.scene.side][0] != CLASSROOM:  # in any language
        click("side")
    click("continue")
    setup = app.scene
    teams = [k for k in setup.entries if k.startswith("team_")]
    for k, names in zip(teams, ("Hawks, Doves", "Öresund"), strict=False):
        setup.entries[k].set_text(names)
    click("timer")
    click("timer")  # 120 s
    pin = setup.entries["pin"]
    pos = pin.get_abs_rect().center
    pygame.mouse.set_pos(pos)
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        pygame.event.post(pygame.event.Event(kind, pos=pos, button=1, touch=False))
        frames(1)
    type_text("2468")
    click("start")
    shot("class-code")
    key(pygame.K_RETURN)
    shot("handover")
    key(pygame.K_RETURN)
    wait(lambda: app.scene.name == "team_room")
    game = app.game
    room = app.scene
    wait(lambda: game.advice() is not None)
    i = pick(room.snap.options, "talks").index
    key(pygame.K_1 + i if i < 9 else pygame.K_0)
    hover((5, app.size[1] - 5))
    key(pygame.K_RETURN)
    for digits in ("10", "5", "", "25"):
        for ch in digits:
            key(getattr(pygame, f"K_{ch}"))
        key(pygame.K_DOWN)
    shot("forecast")
    key(pygame.K_ESCAPE)
    key(pygame.K_F9)
    type_text("2468")
    key(pygame.K_RETURN)
    shot("console")


if __name__ == "__main__":
    sys.exit(main())
