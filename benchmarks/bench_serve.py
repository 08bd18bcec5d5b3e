"""Classroom server benchmark: 40 simulated devices over loopback against a real
``brink serve`` (uvicorn on 127.0.0.1, a child process).

    python benchmarks/bench_serve.py            # human-readable
    python benchmarks/bench_serve.py --json     # one JSON object

The room: 5 groups (duplicate mode) x 2 sides = 10 teams with 3 devices each (one
taps, all three watch their socket), 5 projector boards and 5 teacher devices: 40
clients, each with its own cookies and WebSocket. Every turn the 10 teams commit at
once (within a 200 ms spread).

``commit_p99_ms``: 99th percentile of a commit's round trip (form post to answer).
``resolve_after_last_commit_ms``: from a group's last commit being sent to the last of
its team devices receiving the next turn's page over its socket (worst over groups
and turns). ``server_rss_mb``: the server's peak resident memory. ``dropped_messages``:
devices that never got a turn's update, plus sockets that closed.
Floors (issue 17): commit_p99_ms <= 200, resolve_after_last_commit_ms <= 1000,
server_rss_mb <= 300, dropped_messages 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serve_support import ServerProcess  # noqa: E402

SCENARIO = ROOT / "scenarios" / "venezuela-2025.yaml"
PIN = "8642"
GROUPS = 5
DEVICES_PER_TEAM = 3
FLOORS = {
    "commit_p99_ms": 200.0,
    "resolve_after_last_commit_ms": 1000.0,
    "server_rss_mb": 300.0,
    "dropped_messages": 0,
}


class Device:
    """One phone or laptop: its cookies, its socket and the turn pages it received."""

    def __init__(self, base: str, role: str, group: int = 0, team: str = "") -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=30.0)
        self.base = base
        self.role = role
        self.group = group
        self.team = team
        self.seen: dict[int, float] = {}  # turn number shown -> when first received
        self.closed = False
        self.task: asyncio.Task[None] | None = None

    async def listen(self) -> None:
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        url = self.base.replace("http://", "ws://") + f"/ws?role={self.role}"
        try:
            async with websockets.connect(url, additional_headers={"Cookie": cookie}) as ws:
                async for msg in ws:
                    data = json.loads(msg)
                    if data.get("type") != "update":
                        continue
                    for m in re.finditer(r"Turn (\d+) of", data["html"]):
                        self.seen.setdefault(int(m.group(1)), time.perf_counter())
        except (websockets.ConnectionClosed, OSError):
            pass
        self.closed = True


async def _join(dev: Device, code: str) -> None:
    r = await dev.http.post("/join", data={"code": code, "group": str(dev.group), "team": dev.team})
    assert r.status_code == 303, r.text[:300]


async def _option(dev: Device) -> str:
    """The first option the team may choose now (from its page)."""
    page = (await dev.http.get("/team")).text
    for m in re.finditer(
        r'<input type="radio" name="option" id="o_(\w+)" value="\w+"\s+([^>]*)>', page
    ):
        if "disabled" not in m.group(2):
            return m.group(1)
    raise RuntimeError("no option available:\n" + page[:2000])


async def run(turns: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp())
    server = ServerProcess(
        SCENARIO, tmp / "lesson", "--groups", str(GROUPS), "--pin", PIN, "--seed", "3"
    )
    server.start()
    try:
        code = re.search(r"join code (\S+)", server.output)
        assert code, server.output
        base = server.url
        teams = [(g, name) for g in range(1, GROUPS + 1) for name in ("US", "Venezuela")]
        devices: list[Device] = []
        players: dict[tuple[int, str], Device] = {}
        for g, name in teams:
            for k in range(DEVICES_PER_TEAM):
                d = Device(base, "team", g, name)
                await _join(d, code.group(1))
                devices.append(d)
                if k == 0:
                    players[(g, name)] = d
        for _ in range(GROUPS):
            devices.append(Device(base, "board"))
            t = Device(base, "teacher")
            r = await t.http.post("/teacher/login", data={"pin": PIN})
            assert r.status_code in (200, 303), r.text[:300]
            devices.append(t)
        for d in devices:
            d.task = asyncio.create_task(d.listen())
        await asyncio.sleep(1.0)
        rss = [server.rss_mb()]
        commits: list[float] = []
        resolves: list[float] = []
        dropped = 0
        rng = random.Random(0)
        for turn in range(1, turns + 1):
            options = {k: await _option(d) for k, d in players.items()}
            sent: dict[tuple[int, str], float] = {}

            async def commit(
                key: tuple[int, str],
                opts: dict[tuple[int, str], str] = options,
                sent: dict[tuple[int, str], float] = sent,
            ) -> None:
                await asyncio.sleep(rng.uniform(0.0, 0.2))
                t0 = time.perf_counter()
                sent[key] = t0
                r = await players[key].http.post("/team/commit", data={"option": opts[key]})
                commits.append((time.perf_counter() - t0) * 1000.0)
                assert r.status_code in (200, 303), r.text[:300]

            await asyncio.gather(*(commit(k) for k in players))
            deadline = time.perf_counter() + 15.0
            want = turn + 1
            team_devs = [d for d in devices if d.role == "team"]
            while time.perf_counter() < deadline and not all(want in d.seen for d in team_devs):
                await asyncio.sleep(0.02)
                rss.append(server.rss_mb())
            for g in range(1, GROUPS + 1):
                last = max(t for (gg, _n), t in sent.items() if gg == g)
                got = [d.seen.get(want) for d in team_devs if d.group == g]
                dropped += sum(1 for x in got if x is None)
                arrived = [x for x in got if x is not None]
                if arrived:
                    resolves.append((max(arrived) - last) * 1000.0)
            rss.append(server.rss_mb())
        dropped += sum(1 for d in devices if d.closed)
        for d in devices:
            if d.task:
                d.task.cancel()
            await d.http.aclose()
        commits.sort()
        p99 = commits[min(len(commits) - 1, round(0.99 * (len(commits) - 1)))]
        return {
            "clients": len(devices),
            "teams": len(teams),
            "turns": turns,
            "commit_p50_ms": round(statistics.median(commits), 1),
            "commit_p99_ms": round(p99, 1),
            "resolve_after_last_commit_ms": round(max(resolves), 1),
            "server_rss_mb": round(max(rss), 1),
            "dropped_messages": dropped,
        }
    finally:
        server.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--turns", type=int, default=5, help="turns to play (default 5)")
    args = ap.parse_args()
    res = asyncio.run(run(args.turns))
    ok = (
        res["commit_p99_ms"] <= FLOORS["commit_p99_ms"]
        and res["resolve_after_last_commit_ms"] <= FLOORS["resolve_after_last_commit_ms"]
        and res["server_rss_mb"] <= FLOORS["server_rss_mb"]
        and res["dropped_messages"] == FLOORS["dropped_messages"]
    )
    res["within_floors"] = ok
    if args.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print(f"{k:32} {v}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
