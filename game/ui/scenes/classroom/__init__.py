"""Classroom (hot seat): teams take turns at one screen. One scene per module:

- ``setup``: team names per side, the turn timer, the teacher's PIN, a class code;
- ``class_code``: the new game's class code, for the board;
- ``handover``: "Pass the keyboard to Team X", between teams;
- ``team_room``: the situation room of the team at the keyboard, with its clock;
- ``forecast``: the team's forecast before it commits;
- ``pin`` and ``console``: F9, the teacher's PIN, and the teacher console.

``flow`` moves the game between them and holds the hooks ``HotSeat`` offers the App.
The rules of what may be typed (names, PIN, class code) live in ``game.engine.entry``.
"""

from __future__ import annotations

from game.ui.scenes.classroom.class_code import ClassCodeScene
from game.ui.scenes.classroom.console import ConsoleScene
from game.ui.scenes.classroom.forecast import ForecastScene
from game.ui.scenes.classroom.handover import HandoverScene
from game.ui.scenes.classroom.pin import PinScene
from game.ui.scenes.classroom.setup import ClassroomSetupScene
from game.ui.scenes.classroom.team_room import TeamRoomScene

__all__ = [
    "ClassCodeScene",
    "ClassroomSetupScene",
    "ConsoleScene",
    "ForecastScene",
    "HandoverScene",
    "PinScene",
    "TeamRoomScene",
]
