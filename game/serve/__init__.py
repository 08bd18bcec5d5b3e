"""``brink serve``: the classroom on students' own devices.

The teacher's laptop hosts a lesson on the room's network; teams play from any
browser (``app.py``), the projector shows the public board, and the teacher runs the
lesson from a dashboard behind the PIN. The games are the shared engine's sessions
(``lesson.py``); nothing here is loaded by the desktop game.
"""
