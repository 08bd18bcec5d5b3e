"""Build the one-folder bundle: the game and its own Python, for a machine without Python.

    python -m pip install -e '.[bundle]'
    python tools/build_bundle.py            # -> dist/brink/brink (brink.exe on Windows)
    python tools/build_bundle.py --smoke    # then run it headless: window, text game, autoplay

PyInstaller builds for the system it runs on, so build on Windows for Windows
and on macOS for macOS (the README says how). Copy the whole ``dist/brink``
folder: the program inside it is ``brink`` and takes every ``brink`` command.
The bundle carries the same data a wheel does, at the same place inside the
package (``game/_data/...``, see setup.py), so ``game/scenario/paths.py`` finds it the
same way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "brink"

# repository folder -> folder inside the bundled package (as setup.py maps them)
DATA = {
    "scenarios": "game/_data/scenarios",
    "seeds": "game/_data/seeds",
    "assets": "game/_data/assets",
    "game/report/templates": "game/report/templates",
    "game/scenario/starter": "game/scenario/starter",
}


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller; the path of the built program."""
    try:
        import PyInstaller.__main__ as pyinstaller  # type: ignore[import-untyped]
    except ImportError:
        raise SystemExit("PyInstaller is missing: python -m pip install -e '.[bundle]'") from None
    sep = os.pathsep  # PyInstaller's SRC{sep}DEST separator is ';' on Windows, ':' elsewhere
    args = [
        str(ROOT / "game" / "__main__.py"),
        "--name",
        NAME,
        "--onedir",
        "--noconfirm",
        "--clean",
        "--console",  # text mode and the other commands need a terminal; the window opens anyway
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        "--specpath",
        str(work),
        # Commands and scenes are imported only when used (game/cli.py), so
        # PyInstaller cannot see them: take every module of the game.
        "--collect-submodules",
        "game",
        "--collect-data",
        "pygame_gui",  # its default theme and fonts
        "--collect-submodules",
        "rich",  # loads some tables lazily
        "--exclude-module",
        "tkinter",
        "--exclude-module",
        "pytest",
    ]
    for src, dest in DATA.items():
        args += ["--add-data", f"{ROOT / src}{sep}{dest}"]
    pyinstaller.run(args)
    exe = dist / NAME / (NAME + (".exe" if os.name == "nt" else ""))
    if not exe.is_file():
        raise SystemExit(f"PyInstaller finished but {exe} is missing")
    return exe


def _run(cmd: list[str], env: dict[str, str], cwd: str, stdin: str | None = None) -> str:
    print("$", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, env=env, cwd=cwd, input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}\n{r.stderr}")
    return r.stdout


def smoke(exe: Path) -> None:
    """Run the bundle headless from an empty folder, with no Python on the path."""
    with tempfile.TemporaryDirectory(prefix="brink-smoke-") as tmp:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
        }
        env.update(
            SDL_VIDEODRIVER="dummy",
            SDL_AUDIODRIVER="dummy",
            PYGAME_HIDE_SUPPORT_PROMPT="1",
            BRINK_DATA_DIR=str(Path(tmp) / "data"),
            PATH=os.defpath,
        )
        x = str(exe)
        out = _run([x, "--version"], env, tmp)
        assert "(installed package)" in out, out
        print(out)
        out = _run([x, "check", "--strict"], env, tmp)
        assert "venezuela-2025.yaml: ok" in out, out
        # The terminal game, fed by stdin: option 1 every turn until the game ends.
        out = _run([x, "play", "--text", "--seed", "3", "--as", "usa"], env, tmp, "1\n" * 200)
        ending = [line for line in out.splitlines() if line.startswith("Outcome after")]
        assert ending, out[-2000:]
        print(ending[0])
        save = str(Path(tmp) / "g.json")
        print(_run([x, "autoplay", "--seed", "7", "--quiet", "--save", save], env, tmp))
        _run([x, "report", save, "-o", str(Path(tmp) / "report.html")], env, tmp)
        _run([x, "new-scenario", "smoke-test"], env, tmp)
        assert "smoke-test" in _run([x, "scenarios"], env, tmp)
        if _run([x, "--help"], env, tmp).find(" serve ") >= 0:
            print(_run([x, "serve", "--help"], env, tmp).splitlines()[0])
        # The window: it must still be running after a few seconds; Ctrl+C closes it.
        print("$", x, "(window, SDL dummy driver)", flush=True)
        proc = subprocess.Popen(
            [x], env=env, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        time.sleep(8)
        alive = proc.poll() is None
        if alive and os.name != "nt":
            proc.send_signal(signal.SIGINT)
        else:
            proc.terminate()
        out, err = proc.communicate(timeout=60)
        if not alive or "Traceback" in err:
            raise SystemExit(f"the window did not keep running:\n{out}\n{err}")
        print("window: started, ran 8 s, closed")
    print("smoke test passed")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dist", default=str(ROOT / "dist"), help="where the bundle goes")
    ap.add_argument("--work", default=str(ROOT / "build" / "bundle"), help="PyInstaller's work")
    ap.add_argument("--smoke", action="store_true", help="then run the bundle headless")
    ap.add_argument("--smoke-only", action="store_true", help="test an existing bundle")
    args = ap.parse_args(argv)
    dist = Path(args.dist)
    exe = dist / NAME / (NAME + (".exe" if os.name == "nt" else ""))
    if not args.smoke_only:
        shutil.rmtree(dist / NAME, ignore_errors=True)
        exe = build(dist, Path(args.work))
        print(f"built {exe}")
    if args.smoke or args.smoke_only:
        smoke(exe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
