"""The classroom server's web layer: Starlette routes, server-rendered pages (Jinja2,
autoescaped) and live updates over WebSockets.

Pages are whole HTML documents; a live update is the page's ``<main>`` rendered again
for that viewer and pushed down its socket, so a socket carries exactly what a page
would show (a team's is fogged by the engine). Moves come back as ordinary form posts,
which work with or without the page's small script. Engine work runs in worker
threads, one at a time (the lesson's lock), so the event loop keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from game.i18n import _, language, ngettext, pgettext
from game.serve.lesson import Lesson, ServeError, parse_forecast

DEVICE_COOKIE = "brink_device"
TEACHER_COOKIE = "brink_teacher"
MAX_BODY = 8 * 1024  # bytes of a form post: the largest real one is well under 1 KB
MAX_WS_MESSAGE = 1024  # a client only ever sends a short ping
CODE_TRIES = 8  # wrong join codes per address ...
CODE_WINDOW = 300.0  # ... per this many seconds
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
STATIC = Path(__file__).parent / "static"


class Limiter:
    """At most ``tries`` failures per key in ``window`` seconds (in memory)."""

    def __init__(self, tries: int, window: float) -> None:
        self.tries = tries
        self.window = window
        self._fails: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, key: str, now: float | None = None) -> float:
        """Seconds until ``key`` may try again (0: it may)."""
        now = time.monotonic() if now is None else now
        q = self._recent(key, now)
        return self.window - (now - q[0]) if len(q) >= self.tries else 0.0

    def fail(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._recent(key, now).append(now)


@dataclass(eq=False)
class Client:
    ws: WebSocket
    role: str  # team | board | teacher
    group: int = 0
    team: str = ""
    stamp: Any = None  # what the page it holds was rendered from


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("game.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # the pages' words through the game's catalogs (game.i18n), as the report's are
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda m: _(m), lambda s, p, n: ngettext(s, p, n), newstyle=True, pgettext=pgettext
    )
    env.policies["ext.i18n.trimmed"] = True
    env.globals["lang"] = language
    env.filters["clock"] = _clock_text
    return env


def _clock_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = max(0, int(seconds))
    return f"{s // 60}:{s % 60:02d}"


class Hub:
    """The open sockets, and the task that pushes fresh pages after every change."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.clients: set[Client] = set()
        self.wake = asyncio.Event()
        self.warm_wake = asyncio.Event()
        self.busy = False  # a quick push is on its way
        self.sent = 0

    def notify(self) -> None:
        self.wake.set()

    async def run(self) -> None:
        """Push what happened at once; the advisors and odds follow (``warmer``), so one
        group's slow new turn never delays another group's news."""
        while True:
            await self.wake.wait()
            self.wake.clear()
            await asyncio.sleep(0.01)  # let a burst of changes land as one update
            self.busy = True
            try:
                await self.push(quick=True)
            finally:
                self.busy = False
            self.warm_wake.set()

    async def warmer(self) -> None:
        while True:
            await self.warm_wake.wait()
            self.warm_wake.clear()
            for key in self.server.to_warm(list(self.clients)):
                while self.busy or self.wake.is_set():  # news first, then the slow part
                    await asyncio.sleep(0.005)
                await anyio.to_thread.run_sync(self.server.warm, key)
            await self.push(quick=False)

    async def push(self, quick: bool = False) -> None:
        clients = list(self.clients)
        if not clients:
            return
        pages = await anyio.to_thread.run_sync(self.server.render_all, clients, quick)
        version = self.server.lesson.version
        await asyncio.gather(*(self._send(c, page, version) for c, page in pages.items()))

    async def _send(self, c: Client, page: tuple[str, Any], version: int) -> None:
        try:
            await c.ws.send_text(
                json.dumps({"type": "update", "version": version, "html": page[0]})
            )
            c.stamp = page[1]
            self.sent += 1
        except Exception:  # a closed socket: its handler removes it
            self.clients.discard(c)


class Server:
    """The lesson behind the web routes."""

    def __init__(
        self,
        lesson: Lesson,
        join_url: str,
        qr_svg: str = "",
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.lesson = lesson
        self.join_url = join_url
        self.qr_svg = qr_svg
        self.on_close = on_close
        self.env = _env()
        self.codes = Limiter(CODE_TRIES, CODE_WINDOW)
        self.hub = Hub(self)

    # --- rendering -------------------------------------------------------------------------------

    def render(self, name: str, **ctx: Any) -> str:
        return self.env.get_template(name).render(**ctx)

    def page(self, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = self.render(
            name, join_url=self.join_url, now=time.time(), version=self.lesson.version, **ctx
        )
        return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP})

    def team_main(
        self, group: int, team: str, error: str = "", note: str = "", quick: bool = False
    ) -> tuple[str, tuple[int, bool]]:
        """A team's ``<main>`` and its stamp (the group's version, complete or not)."""
        g = self.lesson.group(group)
        with g.lock:
            ctx = self.lesson.team_context(g, team, quick=quick)
            stamp = (g.version, not ctx["thinking"])
        html = self.render("team_main.html.j2", t=ctx, error=error, note=note, now=time.time())
        return html, stamp

    def board_main(self) -> str:
        ctx = self.lesson.board_context()
        return self.render("board_main.html.j2", b=ctx, now=time.time())

    def teacher_main(self, error: str = "", note: str = "") -> str:
        ctx = self.lesson.teacher_context()
        return self.render("teacher_main.html.j2", d=ctx, error=error, note=note, now=time.time())

    def render_all(self, clients: list[Client], quick: bool) -> dict[Client, tuple[str, Any]]:
        """The page of each socket whose view changed since it was last sent one, with
        its stamp; viewers who see the same thing share one rendering. ``quick``: team
        pages without advice and odds when those are not ready (``Hub.push``)."""
        done: dict[tuple[str, int, str], tuple[str, Any] | None] = {}
        out: dict[Client, tuple[str, Any]] = {}
        version = self.lesson.version
        for c in clients:
            key = (c.role, c.group, c.team)
            if key not in done:
                try:
                    if c.role == "team":
                        g = self.lesson.group(c.group)
                        if c.stamp == (g.version, True) or (
                            quick and c.stamp == (g.version, False)
                        ):
                            done[key] = None  # nothing new for this team
                        else:
                            done[key] = self.team_main(c.group, c.team, quick=quick)
                    elif c.stamp == version:
                        done[key] = None
                    elif c.role == "board":
                        done[key] = (self.board_main(), version)
                    else:
                        done[key] = (self.teacher_main(), version)
                except ServeError:
                    done[key] = None
            page = done[key]
            if page is not None and page[1] != c.stamp:
                out[c] = page
        return out

    def to_warm(self, clients: list[Client]) -> list[tuple[int, str]]:
        """(group, actor) whose advice and odds a connected team page still lacks."""
        out: list[tuple[int, str]] = []
        for c in clients:
            if c.role != "team":
                continue
            g = self.lesson.group(c.group)
            try:
                actor = g.session.classroom.team(c.team).actor
            except ValueError:
                continue
            if (g.index, actor) not in out and not self.lesson.ready(g, actor):
                out.append((g.index, actor))
        return out

    def warm(self, key: tuple[int, str]) -> None:
        self.lesson.warm(self.lesson.group(key[0]), key[1])


# --- request helpers ------------------------------------------------------------------------------


async def _form(request: Request) -> dict[str, str]:
    """A small urlencoded form (``ServeError`` 413 when it is too big, 400 when malformed)."""
    size = request.headers.get("content-length")
    if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
        raise ServeError(_("that request is too big (at most {n} bytes)", n=MAX_BODY), 413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise ServeError(_("that request is too big (at most {n} bytes)", n=MAX_BODY), 413)
    try:
        text = body.decode("utf-8")
        fields = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text))
    except (UnicodeDecodeError, ValueError):
        raise ServeError(_("that request is malformed")) from None
    return {k: v[0] for k, v in fields.items()}


def _client_key(request: Request) -> str:
    return request.client.host if request.client else "?"


def _set_cookie(resp: Response, name: str, token: str) -> None:
    resp.set_cookie(name, token, max_age=12 * 3600, httponly=True, samesite="strict", path="/")


def create_app(server: Server) -> Starlette:
    """The ASGI app of one lesson."""
    lesson = server.lesson

    async def run(fn: Callable[..., Any], *args: Any) -> Any:
        return await anyio.to_thread.run_sync(fn, *args)

    # --- students joining ------------------------------------------------------------------------

    async def home(request: Request) -> Response:
        if lesson.who(request.cookies.get(DEVICE_COOKIE)) is not None:
            return RedirectResponse("/team", 303)
        code = request.query_params.get("code", "")[:40]
        return server.page("join.html.j2", code=code, error="")

    async def join(request: Request) -> Response:
        key = _client_key(request)
        try:
            form = await _form(request)
            wait = server.codes.blocked(key)
            if wait:
                raise ServeError(
                    ngettext(
                        "too many wrong codes: try again in {n} second",
                        "too many wrong codes: try again in {n} seconds",
                        int(wait) + 1,
                    ),
                    429,
                )
            code = form.get("code", "")[:40]
            if not lesson.code_matches(code):
                server.codes.fail(key)
                raise ServeError(_("that is not this lesson's join code: check the board"), 403)
        except ServeError as e:
            return server.page("join.html.j2", e.status, code="", error=e.message)
        if "team" not in form:
            groups = [
                {"index": g.index, "label": g.label, "teams": g.session.classroom.teams}
                for g in lesson.groups
            ]
            names = {a: g.session.actor_name(a) for g in lesson.groups for a in g.session.actors}
            return server.page("pick.html.j2", code=code, groups=groups, names=names)
        try:
            token = await run(lesson.join, code, form.get("group", ""), form.get("team", ""))
        except ServeError as e:
            return server.page("join.html.j2", e.status, code=code, error=e.message)
        resp = RedirectResponse("/team", 303)
        _set_cookie(resp, DEVICE_COOKIE, token)
        server.hub.notify()
        return resp

    async def leave(request: Request) -> Response:
        resp = RedirectResponse("/", 303)
        resp.delete_cookie(DEVICE_COOKIE, path="/")
        return resp

    # --- a team's page ---------------------------------------------------------------------------

    def _me(request: Request) -> tuple[int, str] | None:
        who = lesson.who(request.cookies.get(DEVICE_COOKIE))
        return None if who is None else (who[0].index, who[1])

    async def team_page(request: Request, error: str = "", status: int = 200) -> Response:
        me = _me(request)
        if me is None:
            return server.page(
                "join.html.j2",
                401 if request.method == "POST" else 200,
                code="",
                error=_("Join your team first: type the join code from the board."),
            )
        main, _stamp = await run(server.team_main, me[0], me[1], error)
        return server.page("team.html.j2", status, main=main, team=me[1], group=me[0])

    async def team_get(request: Request) -> Response:
        return await team_page(request)

    async def team_post(request: Request) -> Response:
        me = _me(request)
        if me is None:
            return await team_page(request)
        what = request.path_params["what"]
        try:
            form = await _form(request)
            g = lesson.group(me[0])
            if what == "commit":
                await run(lesson.commit, g, me[1], form.get("option", ""))
            elif what == "forecast":
                outcomes = g.session.classroom.forecast_outcomes()
                probs = parse_forecast(form, outcomes)
                await run(lesson.forecast, g, me[1], probs)
            else:
                raise ServeError(_("unknown action {action!r}", action=what[:30]), 404)
        except ServeError as e:
            return await team_page(request, e.message, e.status)
        server.hub.notify()
        return RedirectResponse("/team", 303)

    # --- the board -------------------------------------------------------------------------------

    async def board(request: Request) -> Response:
        main = await run(server.board_main)
        return server.page(
            "board.html.j2",
            main=main,
            code=lesson.join_code,
            qr=server.qr_svg,
            title=lesson.loaded.scenario.meta.title,
        )

    # --- the teacher -----------------------------------------------------------------------------

    def _teacher(request: Request) -> bool:
        return lesson.is_teacher(request.cookies.get(TEACHER_COOKIE))

    async def teacher_page(
        request: Request, error: str = "", note: str = "", status: int = 200
    ) -> Response:
        if not _teacher(request):
            return server.page("login.html.j2", status if error else 200, error=error)
        main = await run(server.teacher_main, error, note)
        return server.page("teacher.html.j2", status, main=main, code=lesson.class_code)

    async def teacher_get(request: Request) -> Response:
        return await teacher_page(request)

    async def teacher_login(request: Request) -> Response:
        try:
            form = await _form(request)
            token = await run(lesson.teacher_login, form.get("pin", ""))
        except ServeError as e:
            return server.page("login.html.j2", e.status, error=e.message)
        resp = RedirectResponse("/teacher", 303)
        _set_cookie(resp, TEACHER_COOKIE, token)
        return resp

    async def teacher_post(request: Request) -> Response:
        if not _teacher(request):
            return server.page("login.html.j2", 401, error=_("Type the teacher's PIN first."))
        what = request.path_params["what"]
        try:
            form = await _form(request)
            which = form.get("group", "all")
            if what == "control":
                args = {k: v for k, v in form.items() if k not in ("action", "group")}
                await run(lambda: lesson.control(form.get("action", ""), which, **args))
            elif what == "length":
                await run(lesson.set_length, form.get("turns", ""))
            elif what == "setting":
                await run(lesson.set_option, form.get("name", ""), form.get("value", ""))
            elif what == "end":
                await run(lesson.end_lesson)
            elif what == "close":
                if server.on_close is not None:
                    server.on_close()
                return server.page(
                    "message.html.j2",
                    title=_("The server is closing"),
                    message=_("The lesson's saves stay in {path}", path=lesson.directory),
                )
            else:
                raise ServeError(_("unknown control {control!r}", control=what[:30]), 404)
        except ServeError as e:
            return await teacher_page(request, e.message, status=e.status)
        server.hub.notify()
        return RedirectResponse("/teacher", 303)

    async def teacher_report(request: Request) -> Response:
        if not _teacher(request):
            return server.page("login.html.j2", 401, error=_("Type the teacher's PIN first."))
        html = await run(lesson.report_html)
        return HTMLResponse(html)

    # --- live updates ----------------------------------------------------------------------------

    async def socket(ws: WebSocket) -> None:
        role = ws.query_params.get("role", "")
        client: Client | None = None
        if role == "team":
            who = lesson.who(ws.cookies.get(DEVICE_COOKIE))
            if who is not None:
                client = Client(ws, "team", who[0].index, who[1])
        elif role == "teacher":
            if lesson.is_teacher(ws.cookies.get(TEACHER_COOKIE)):
                client = Client(ws, "teacher")
        elif role == "board":
            client = Client(ws, "board")
        await ws.accept()
        if client is None:
            await ws.send_text(json.dumps({"type": "error", "message": _("not signed in: reload")}))
            await ws.close(code=4401)
            return
        server.hub.clients.add(client)
        server.hub.notify()  # a (re)connected page gets what it missed
        try:
            while True:
                text = await ws.receive_text()
                if len(text) > MAX_WS_MESSAGE:
                    await ws.send_text(
                        json.dumps({"type": "error", "message": _("message too big")})
                    )
                    await ws.close(code=1009)
                    break
                try:
                    msg = json.loads(text)
                except ValueError:
                    msg = None
                if isinstance(msg, dict) and msg.get("type") == "ping":
                    await ws.send_text(
                        json.dumps({"type": "pong", "version": lesson.version, "now": time.time()})
                    )
                else:
                    await ws.send_text(
                        json.dumps(
                            {
                                "type": "error",
                                "message": _(
                                    "the page only sends pings: moves go through its forms"
                                ),
                            }
                        )
                    )
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            server.hub.clients.discard(client)

    async def health(request: Request) -> Response:
        return JSONResponse(
            {"ok": True, "version": lesson.version, "clients": len(server.hub.clients)}
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async def ticker() -> None:
            while True:
                await asyncio.sleep(1.0)
                if await run(lesson.tick):
                    server.hub.notify()

        hub = server.hub
        tasks = [asyncio.create_task(x) for x in (hub.run(), hub.warmer(), ticker())]
        try:
            yield
        finally:
            for t in tasks:
                t.cancel()

    async def http_error(request: Request, exc: Exception) -> Response:
        # Starlette's own pages for a mistyped address or a form's URL opened directly are
        # bare English text: a student gets the lesson's language and the way back instead
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            title = _("No page here")
            message = _("This address is not part of the lesson: open the join page again.")
        elif status == 405:
            title = _("Not a page to open")
            message = _("This address only takes a form: go back and use the page's buttons.")
        else:
            title = _("Something went wrong")
            message = _("The server could not answer this request: go back and try again.")
        return server.page("message.html.j2", status, title=title, message=message)

    routes = [
        Route("/", home),
        Route("/join", join, methods=["POST"]),
        Route("/leave", leave, methods=["POST"]),
        Route("/team", team_get),
        Route("/team/{what}", team_post, methods=["POST"]),
        Route("/board", board),
        Route("/teacher", teacher_get),
        Route("/teacher/login", teacher_login, methods=["POST"]),
        Route("/teacher/report", teacher_report),
        Route("/teacher/{what}", teacher_post, methods=["POST"]),
        Route("/health", health),
        WebSocketRoute("/ws", socket),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(
        routes=routes, lifespan=lifespan, exception_handlers={HTTPException: http_error}
    )
