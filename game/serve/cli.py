"""``brink serve SCENARIO``: start the classroom server and print how to join."""

from __future__ import annotations

import argparse
import secrets
import shutil
import socket
import sys
import time
from pathlib import Path

from game.engine import data_dir
from game.engine.entry import PIN_MAX_DIGITS, PIN_MIN_DIGITS, pin_problem
from game.i18n import _
from game.scenario import ScenarioError, load_scenario


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.254.254.254", 1))
            return str(s.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from game.serve import qr
    from game.serve.app import Server, create_app
    from game.serve.lesson import Lesson

    try:
        loaded = load_scenario(args.scenario)  # a name is resolved by game.cli
    except (ScenarioError, OSError, ValueError) as e:
        print(_("brink serve: {error}", error=e), file=sys.stderr)
        return 2
    sid = loaded.scenario.meta.id
    directory = Path(args.lesson_dir) if args.lesson_dir else data_dir() / "lessons" / sid
    pin = args.pin
    if pin is not None and pin_problem(pin):
        # the window's wording names its F9 console; here the PIN opens the teacher's page
        problem = _(
            "the teacher's PIN is {low} to {high} digits: it opens the teacher's page",
            low=PIN_MIN_DIGITS,
            high=PIN_MAX_DIGITS,
        )
        print(_("brink serve: {error}", error=problem), file=sys.stderr)
        return 2
    try:
        lesson: Lesson | None = None
        if Lesson.exists(directory) and not args.new:
            lesson = Lesson.resume(directory)
            if lesson.ended:
                _archive(directory)
                lesson = None
            else:
                print(
                    _(
                        "Resuming the lesson saved in {path} (start afresh with --new).",
                        path=directory,
                    )
                )
        elif Lesson.exists(directory):
            _archive(directory)
        if lesson is None:
            if pin is None:
                pin = f"{secrets.randbelow(10**6):06d}"
                print(_("Teacher's PIN: {pin}  (choose your own with --pin)", pin=pin))
            lesson = Lesson.create(
                loaded,
                directory,
                groups=args.groups,
                teams_per_side=args.teams_per_side,
                pin=pin,
                seed=args.seed,
                timer=args.timer,
                mode=args.mode,
                blind=args.blind,
                length=args.turns,
            )
    except (ValueError, OSError) as e:
        print(_("brink serve: {error}", error=e), file=sys.stderr)
        return 2
    host = args.host
    shown = lan_address() if host in ("0.0.0.0", "") else host
    url = f"http://{shown}:{args.port}/"
    join = f"{url}?code={lesson.join_code}"
    closing: list[uvicorn.Server] = []

    def close() -> None:  # the dashboard's "Close the server"
        for srv in closing:
            srv.should_exit = True

    server = Server(lesson, url, qr.svg(join), on_close=close)
    config = uvicorn.Config(
        create_app(server),
        host=host,
        port=args.port,
        log_level="warning",
        ws_max_size=4096,
        lifespan="on",
    )
    srv = uvicorn.Server(config)
    closing.append(srv)
    # the advisors' forecasts run in a worker thread: hand the interpreter back to the
    # event loop often, so moves and news are not kept waiting behind them
    sys.setswitchinterval(0.001)
    print(qr.terminal(join))
    print(_("Students join at {url}  with the join code {code}", url=url, code=lesson.join_code))
    print(_("Board (projector): {url}board   Teacher: {url}teacher", url=url))
    print(
        _(
            "Saves: {path}   Stop: Ctrl+C or 'Close the server' on the dashboard",
            path=directory,
        )
    )
    sys.stdout.flush()
    srv.run()
    return 0


def _archive(directory: Path) -> None:
    """Move a finished (or replaced) lesson aside, keeping its saves for reports."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    shutil.move(str(directory), str(directory.with_name(f"{directory.name}-{stamp}")))
