"""Running the real classroom server for tests and the benchmark: ``brink serve`` in a
child process on 127.0.0.1, started, waited for, stopped (and started again)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """``python -m game serve ...`` on 127.0.0.1:port; ``start``/``stop`` may repeat."""

    def __init__(self, scenario: str | Path, lesson_dir: Path, *args: str, port: int = 0) -> None:
        self.port = port or free_port()
        self.cmd = [
            sys.executable, "-m", "game", "serve", str(scenario), "--host", "127.0.0.1",
            "--port", str(self.port), "--lesson-dir", str(lesson_dir), *args,
        ]  # fmt: skip
        self.proc: subprocess.Popen[str] | None = None
        self.output = ""
        self.log = lesson_dir.parent / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        out = self.log.open("a")
        self.proc = subprocess.Popen(
            self.cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True
        )
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        self.output = self.log.read_text()
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the server did not start: {self.log.read_text()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def rss_mb(self) -> float:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
        return 0.0
