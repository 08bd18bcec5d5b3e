"""Run the command line against awkward arguments and inputs; report what misbehaves.

Usage: ``python tools/cli_audit.py [--verbose]``. Every case runs ``python -m game``
in a fresh process with a time limit and checks that it ends without a traceback,
without hanging, with the expected kind of exit code and, where it matters, without
touching an input file. Exit 0 when every case passes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"
TIMEOUT_S = 120


@dataclass
class Case:
    name: str
    argv: list[str]
    ok: bool = False  # True: exit 0 expected; False: a non-zero exit expected
    shell_pipe: str | None = None  # run through a shell with this after "|"
    check: Callable[[Path, subprocess.CompletedProcess[str]], str | None] | None = None


def _unchanged(path: Path, before: bytes) -> Callable[..., str | None]:
    def check(_d: Path, _p: subprocess.CompletedProcess[str]) -> str | None:
        return None if path.read_bytes() == before else f"{path.name} was overwritten"

    return check


def _exists(path: Path) -> Callable[..., str | None]:
    def check(_d: Path, _p: subprocess.CompletedProcess[str]) -> str | None:
        return None if path.is_file() and path.stat().st_size > 0 else f"{path.name} not written"

    return check


def _names(text: str) -> Callable[..., str | None]:
    def check(_d: Path, p: subprocess.CompletedProcess[str]) -> str | None:
        return None if text in p.stderr + p.stdout else f"the message does not name {text!r}"

    return check


def cases(d: Path) -> list[Case]:
    """The matrix, with its files made in ``d``."""
    mini = d / "mini.yaml"
    shutil.copy(MINI, mini)
    shutil.copy(MINI.parent / "mini-facts.yaml", d / "mini-facts.yaml")
    save = d / "game.json"
    subprocess.run(
        [sys.executable, "-m", "game", "autoplay", str(mini), "--quiet", "--save", str(save)],
        check=True,
        capture_output=True,
        cwd=d,
    )
    fifo = d / "fifo.yaml"
    os.mkfifo(fifo)
    fifo_json = d / "fifo.json"
    os.mkfifo(fifo_json)
    ctrl = d / "ctrl.yaml"
    ctrl.write_text(MINI.read_text().replace("Two states argue", "Two\x01 states argue"))
    piped = d / "piped.json"
    # a "folder" that is a file: writing below it fails even for root
    ro = d / "not-a-folder"
    ro.write_text("")
    before = save.read_bytes()
    return [
        Case("schema -o a folder", ["schema", "-o", str(d)]),
        Case("schema -o in a missing folder", ["schema", "-o", str(d / "no" / "s.json")]),
        Case("schema -o ''", ["schema", "-o", ""]),
        Case("simulate --runs 0", ["simulate", str(mini), "--runs", "0"]),
        Case("simulate --runs 10**12", ["simulate", str(mini), "--runs", "1000000000000"]),
        Case("simulate --runs 5000 digits", ["simulate", str(mini), "--runs", "9" * 5000]),
        Case("simulate --turns 10**9", ["simulate", str(mini), "--turns", "1000000000"]),
        Case("simulate --turns 0", ["simulate", str(mini), "--turns", "0"]),
        Case("simulate --seed -1", ["simulate", str(mini), "--seed", "-1"]),
        Case("simulate --seed 2**64", ["simulate", str(mini), "--seed", str(2**64)]),
        Case("simulate mix:talks=inf", ["simulate", str(mini), "--policy", "blue=mix:talks=inf"]),
        Case("simulate mix:talks=nan", ["simulate", str(mini), "--policy", "blue=mix:talks=nan"]),
        Case("simulate --csv ''", ["simulate", str(mini), "--runs", "10", "--csv", ""]),
        Case(
            "simulate --csv below a file",
            ["simulate", str(mini), "--runs", "10", "--csv", str(ro / "x.csv")],
            check=_names(str(ro / "x.csv")),
        ),
        Case("simulate a FIFO", ["simulate", str(fifo), "--runs", "10"]),
        Case("check a FIFO", ["check", str(fifo)]),
        Case("check /dev/zero", ["check", "/dev/zero"]),
        Case("check a folder", ["check", str(d)]),
        Case("check a control character", ["check", str(ctrl)], check=_names(f"{ctrl}:13:")),
        Case("autoplay --turns 0", ["autoplay", str(mini), "--turns", "0"]),
        Case("autoplay --seed -1", ["autoplay", str(mini), "--seed", "-1"]),
        Case("autoplay --save ''", ["autoplay", str(mini), "--save", ""]),
        Case(
            "autoplay --save below a file",
            ["autoplay", str(mini), "--quiet", "--save", str(ro / "g.json")],
            check=_names(str(ro / "g.json")),
        ),
        Case(
            "autoplay --save F | head",
            ["autoplay", str(mini), "--save", str(piped)],
            ok=True,
            shell_pipe="head -n 1",
            check=_exists(piped),
        ),
        Case("replay a FIFO", ["replay", str(fifo_json)]),
        Case("replay /dev/zero", ["replay", "/dev/zero"]),
        Case("replay a missing file", ["replay", str(d / "missing.json")]),
        Case(
            "report X -o X",
            ["report", str(save), "-o", str(save), "--worlds", "100"],
            check=_unchanged(save, before),
        ),
        Case(
            "report X --json X",
            ["report", str(save), "--json", str(save), "--worlds", "100"],
            check=_unchanged(save, before),
        ),
        Case("report -o ''", ["report", str(save), "-o", ""]),
        Case("report --worlds 0", ["report", str(save), "--worlds", "0"]),
        Case("report --worlds 10**12", ["report", str(save), "--worlds", "1000000000000"]),
        Case("report a FIFO", ["report", str(fifo_json)]),
        Case("briefing -o ''", ["briefing", str(mini), "--actor", "blue", "-o", ""]),
        Case("check a 300-character name", ["check", "a" * 300]),
        Case("scenarios with a 300-character name", ["scenarios", "a" * 300], ok=True),
        Case("scenarios with a FIFO and a device", ["scenarios", str(fifo), "/dev/zero"], ok=True),
        Case("new-scenario with a bad name", ["new-scenario", "../x"]),
        Case("lab --games 0", ["lab", str(mini), "--games", "0"]),
        Case("lab --games 10**12", ["lab", str(mini), "--games", "1000000000000"]),
        Case("lab --worlds 10**9", ["lab", str(mini), "--worlds", "1000000000"]),
        Case("lab --seed -1", ["lab", str(mini), "--seed", "-1"]),
        Case("sweep --samples 0", ["sweep", str(mini), "--vary", "x=0:1", "--samples", "0"]),
        Case(
            "sweep --vary x=0:inf",
            ["sweep", str(mini), "--vary", "metrics.tension.noise_sd=0:inf", "--workers", "0"],
        ),
        Case("play a missing scenario", ["play", str(d / "missing.yaml")]),
        Case("play --seed -1", ["play", str(mini), "--seed", "-1"]),
    ]


def run_case(c: Case, d: Path) -> str | None:
    """What is wrong with case ``c`` (None: nothing)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRINK_DATA_DIR": str(d / "data")}
    env.setdefault("SDL_VIDEODRIVER", "dummy")
    env.setdefault("SDL_AUDIODRIVER", "dummy")
    cmd = [sys.executable, "-m", "game", *c.argv]
    try:
        if c.shell_pipe:
            line = " ".join(_quote(a) for a in cmd) + " | " + c.shell_pipe
            p = subprocess.run(
                ["bash", "-c", f"set -o pipefail; {line}"],
                capture_output=True,
                text=True,
                env=env,
                cwd=d,
                timeout=TIMEOUT_S,
            )
        else:
            p = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                env=env,
                cwd=d,
                timeout=TIMEOUT_S,
                stdin=subprocess.DEVNULL,
            )
    except subprocess.TimeoutExpired:
        return f"hung for more than {TIMEOUT_S} s"
    if "Traceback" in p.stderr or "Exception ignored" in p.stderr:
        return "traceback:\n" + p.stderr[-600:]
    if c.ok and p.returncode != 0:
        return f"exit {p.returncode}, expected 0:\n{p.stderr[-400:]}"
    if not c.ok and p.returncode == 0:
        return "exit 0, expected an error"
    if not c.ok and not p.stderr.strip() and not p.stdout.strip():
        return "failed without a message"
    if c.check is not None:
        return c.check(d, p)
    return None


def _quote(a: str) -> str:
    import shlex

    return shlex.quote(a)


def audit(verbose: bool = False) -> list[tuple[str, str]]:
    """Run every case; the (name, problem) of those that fail."""
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for c in cases(d):
            problem = run_case(c, d)
            if verbose:
                print(f"{'ok  ' if problem is None else 'FAIL'} {c.name}", flush=True)
            if problem is not None:
                failures.append((c.name, problem))
    return failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true", help="print every case")
    args = ap.parse_args()
    failures = audit(args.verbose)
    for name, problem in failures:
        print(f"FAIL {name}: {problem}")
    print(f"{len(failures)} failing case(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
