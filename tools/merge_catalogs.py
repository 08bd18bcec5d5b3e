"""Resolve a merge conflict in the message catalogs: keep this branch's, collect the
messages of the merged code, and take every translation this branch lacks from the other.

    git merge OTHER                      # CONFLICT in game/locale/...
    # resolve the conflicts in the code first (the messages are read from it), then
    python tools/merge_catalogs.py OTHER
    brink check --stamp                  # after reviewing sidecar texts the merge added
    git add game/locale scenarios seeds && git commit

Two branches that each add messages both change ``brink.pot``, ``brink.po`` and the
compiled ``brink.mo``; git cannot merge the last and rarely the first two. The catalogs
are generated (README, "Translations"), so this re-generates them from the merged code
and keeps both branches' translations. Messages still untranslated are listed; exit 1
if there are any (translate them, then ``pybabel compile``).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "game/locale"
POT = f"{LOCALE}/brink.pot"


def _key(m: Message) -> tuple[str | None, str]:
    return (m.context, m.id if isinstance(m.id, str) else m.id[0])


def _done(m: Message) -> bool:
    strings = m.string if isinstance(m.string, tuple) else (m.string,)
    return all(strings) and not m.fuzzy


def _run(*cmd: str) -> None:
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def merge(other: str) -> int:
    pos = sorted(p.relative_to(ROOT) for p in (ROOT / LOCALE).glob("*/LC_MESSAGES/brink.po"))
    generated = [POT, *(str(p) for p in pos), *(str(p.with_suffix(".mo")) for p in pos)]
    # ours, as they were before the merge (a conflicted file holds both sides' text)
    _run("git", "checkout", "HEAD", "--", *generated)
    _run(
        "pybabel", "extract", "-F", "babel.cfg", "--project=brinkmanship",
        "--no-location", "--sort-output", "-o", POT, ".",
    )  # fmt: skip
    _run("pybabel", "update", "-i", POT, "-d", LOCALE, "-D", "brink", "--ignore-obsolete")
    left = 0
    for po in pos:
        shown = subprocess.run(
            ["git", "show", f"{other}:{po.as_posix()}"], cwd=ROOT, capture_output=True
        )
        theirs = {}
        if shown.returncode == 0:
            theirs = {_key(m): m for m in read_po(io.BytesIO(shown.stdout)) if m.id and _done(m)}
        with (ROOT / po).open("rb") as f:
            catalog = read_po(f)
        for m in catalog:
            if not m.id or _done(m):
                continue
            t = theirs.get(_key(m))
            if t is not None and isinstance(t.string, type(m.string)):
                m.string = t.string
                m.flags.discard("fuzzy")
            else:
                left += 1
                print(f"{po}: untranslated: {_key(m)[1]!r}")
        with (ROOT / po).open("wb") as f:
            write_po(f, catalog, width=76, include_previous=False)
    subprocess.run(
        ["pybabel", "compile", "-d", LOCALE, "-D", "brink", "--statistics"], cwd=ROOT, check=True
    )
    return 1 if left else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("other", help="the branch (or commit) merged in")
    return merge(p.parse_args(argv).other)


if __name__ == "__main__":
    sys.exit(main())
