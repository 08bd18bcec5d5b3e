"""The flow of a classroom game between its scenes, and the hooks ``HotSeat`` offers the
App: show a game, run the turn timer each frame, open or close the teacher console.

The flow of one turn: for each side played by a team, a hand-over screen ("Pass the
keyboard to Team X") hides the previous team's screen; the team reads the last turn
as its side saw it, chooses, states its forecast and commits; when every side has
chosen the turn resolves. F9 and the PIN open the teacher console at any time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.i18n import _
from game.ui.palette import Colour, Palette

if TYPE_CHECKING:
    from game.ui.app import App
    from game.ui.hotseat import GoResult, HotSeat
    from game.ui.scenes.classroom.team_room import TeamRoomScene


def timer_label(seconds: int) -> str:
    return _("Off") if not seconds else _("{seconds} s", seconds=seconds)


def fmt_clock(seconds: float) -> str:
    s = max(0, int(seconds + 0.999))
    return f"{s // 60}:{s % 60:02d}"


def clock_colour(p: Palette, left: float) -> Colour:
    """The countdown's colour: red in the last 10 s, amber in the last 30."""
    return p.danger if left <= 10 else p.caution if left <= 30 else p.text


def show(app: App, game: HotSeat) -> None:
    """A classroom game just loaded or continued: its hand-over, or its end."""
    from game.ui.scenes.classroom.handover import HandoverScene
    from game.ui.scenes.end import EndScene

    app.set_game(game)
    if game.over:
        app.reset(EndScene(app, game))
    else:
        app.reset(HandoverScene(app, game))


def leave_go(app: App, game: HotSeat, result: GoResult | None) -> None:
    """After a team's go: the next team's hand-over, or the end of the game."""
    from game.ui.scenes.classroom.handover import HandoverScene
    from game.ui.scenes.end import EndScene
    from game.ui.scenes.resolution import ResolutionScene

    if game.over:
        game.actor = None  # the whole truth from here on
        app.reset(EndScene(app, game))
        if result is not None and result.resolved and game.full_resolutions:
            app.push(ResolutionScene(app, game, game.full_resolutions[-1]))
        return
    note = result.note if result is not None else ""
    if result is not None and result.resolved:
        done = _("Turn {turn} has been resolved.", turn=result.turn)
        note = f"{note} {done}" if note else done  # two whole sentences, one after the other
    app.reset(HandoverScene(app, game, note))


def team_room(app: App) -> TeamRoomScene | None:
    from game.ui.scenes.classroom.team_room import TeamRoomScene

    for s in reversed(app.stack):
        if isinstance(s, TeamRoomScene):
            return s
    return None


def run_clock(app: App, game: HotSeat, dt: float) -> None:
    """The turn timer, every frame. It runs while a team is choosing (menus and help
    included), not while the team reads the last turn, nor while the teacher is at the
    console or has paused the game."""
    from game.ui.scenes.classroom.console import ConsoleScene
    from game.ui.scenes.classroom.pin import PinScene
    from game.ui.scenes.resolution import ResolutionScene

    room = team_room(app)
    if room is None or room.game is not game or room.resolving is not None or game.go is None:
        return
    above = app.stack[app.stack.index(room) + 1 :]
    if any(isinstance(s, ResolutionScene | PinScene | ConsoleScene) for s in above):
        return
    if game.tick(dt):
        while app.scene is not room:
            app.pop()
        room.expire()


def toggle_console(app: App, game: HotSeat) -> None:
    """F9: the PIN prompt (or close the console)."""
    from game.ui.scenes.classroom.console import ConsoleScene
    from game.ui.scenes.classroom.pin import PinScene

    if isinstance(app.scene, PinScene | ConsoleScene):
        app.pop()
        return
    if game.over:
        return
    app.push(PinScene(app, game))
