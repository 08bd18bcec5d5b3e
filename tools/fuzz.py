"""Fuzz the loaders: mutated scenarios, fact sheets and saves must end in the game's
own error (``BrinkError``) or a valid game.

Usage: ``python tools/fuzz.py --minutes M [--seed S]``. The test suite runs a
short, fixed slice of the same strategies (``tests/test_fuzz.py``); this runs
them for as long as asked, with fresh random choices, and prints the counts.

What is checked:

- a scenario: ``brink check`` never raises; every problem has a file, a line and
  a message; an accepted scenario plays 20 turns (random moves) with finite
  metrics, and its save loads back into the same game;
- a save: loading raises nothing but ``SaveError``; an accepted one re-plays.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from game.engine.saves import SaveError, encode, load_game, save_game, save_info  # noqa: E402
from game.engine.seats import Seat  # noqa: E402
from game.engine.session import Session  # noqa: E402
from game.errors import BrinkError  # noqa: E402
from game.model.cli import run as simulate_run  # noqa: E402
from game.report.logdata import load as report_load  # noqa: E402
from game.scenario import Loaded, check_file, load_scenario  # noqa: E402
from game.scenario.paths import is_sidecar  # noqa: E402  (translations are not scenarios)

MINI = ROOT / "tests" / "data" / "mini.yaml"
SHIPPED = sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if not is_sidecar(p))
SCENARIOS = [MINI, *SHIPPED]
PLAY_TURNS = 20

# --- values and mutations -------------------------------------------------------------------

AWKWARD_NUMBERS = [
    0,
    -1,
    1,
    2,
    200,
    201,
    10**6,
    2**63,
    10**300,
    -(10**300),
    1e308,
    -1e308,
    1e39,
    -1e39,
    1e-320,
    0.5,
    1.5,
    -0.5,
    float("inf"),
    float("nan"),
]
AWKWARD_TEXT = [
    "",
    "$x^{$",
    "$\\alpha$",
    '=HYPERLINK("http://example.com")',
    "+1",
    "@cmd",
    "\t=1",
    "a" * 300,
    "\x00",
    "\x1b[31m",
    "{actor}",
    "{0}",
    "<script>",
    "2025-13-01",
    "../../etc/passwd",
    "mini-facts.yaml",
]
values = st.one_of(
    st.sampled_from(AWKWARD_NUMBERS),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.sampled_from(AWKWARD_TEXT),
    st.text(max_size=12),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.dictionaries(st.sampled_from(["p", "mean", "sd", "id", "x"]), st.integers(), max_size=2),
)

Path_ = tuple[Any, ...]


def _paths(node: Any, here: Path_ = ()) -> list[Path_]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*here, i))
    return out


def _get(root: Any, path: Path_) -> Any:
    for p in path:
        root = root[p]
    return root


@dataclass
class Mutation:
    op: str
    where: int  # index into the paths (taken modulo their number)
    value: Any = None
    other: int = 0


mutations = st.builds(
    Mutation,
    op=st.sampled_from(["set", "set", "set", "delete", "duplicate", "swap", "scale", "wrap"]),
    where=st.integers(min_value=0, max_value=10**6),
    value=values,
    other=st.integers(min_value=0, max_value=10**6),
)


def mutate_data(data: Any, muts: list[Mutation]) -> Any:
    """``data`` (a copy) with each mutation applied at a node chosen by its index."""
    data = copy.deepcopy(data)
    for m in muts:
        paths = [p for p in _paths(data) if p]
        if not paths:
            return data
        path = paths[m.where % len(paths)]
        parent, key = _get(data, path[:-1]), path[-1]
        if m.op == "set":
            parent[key] = m.value
        elif m.op == "delete":
            del parent[key]
        elif m.op == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif m.op == "swap":
            other = paths[m.other % len(paths)]
            if other[: len(path)] != path and path[: len(other)] != other:
                o_parent = _get(data, other[:-1])
                parent[key], o_parent[other[-1]] = o_parent[other[-1]], parent[key]
        elif m.op == "scale":
            v = parent[key]
            if isinstance(v, int | float) and not isinstance(v, bool):
                factor = m.value if isinstance(m.value, int | float) else 1e30
                try:
                    parent[key] = v * factor
                except OverflowError:
                    parent[key] = float("inf")
        elif m.op == "wrap":
            parent[key] = [[[parent[key]]]]
    return data


@dataclass
class ByteEdit:
    op: str
    at: int
    blob: bytes = b""


TAGS = [
    b"!!timestamp 2025-01-01",
    b"!!bool 12",
    b"!!int 0x",
    b"!!float 1e999",
    b"!!binary AAAA",
    b"!!python/object/apply:os.system ['true']",
    b"&a [*a, *a]",
    b"!!set {a, b}",
    b'"\\0"',
    b"9" * 320,
    b"1.0e+308",
    b"-1.0e+39",
    b".nan",
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
]
byte_edits = st.builds(
    ByteEdit,
    op=st.sampled_from(["flip", "insert", "delete", "truncate", "tag", "control"]),
    at=st.integers(min_value=0, max_value=10**7),
    blob=st.one_of(st.sampled_from(TAGS), st.binary(min_size=1, max_size=4)),
)


def edit_bytes(raw: bytes, edits: list[ByteEdit]) -> bytes:
    b = bytearray(raw)
    for e in edits:
        if not b:
            break
        i = e.at % len(b)
        if e.op == "flip":
            b[i] ^= 1 << (e.at % 8)
        elif e.op == "insert":
            b[i:i] = e.blob
        elif e.op == "delete":
            del b[i : i + 1 + e.at % 16]
        elif e.op == "truncate":
            del b[i:]
        elif e.op == "control":
            b[i:i] = bytes([e.at % 32])
        elif e.op == "tag":
            # put the blob where a value starts: after the ": " of some line
            colon = b.find(b": ", i)
            if colon < 0:
                colon = b.find(b": ")
            if colon >= 0:
                end = b.find(b"\n", colon)
                end = len(b) if end < 0 else end
                b[colon + 2 : end] = e.blob
    return bytes(b)


# --- the checks ------------------------------------------------------------------------------


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, what: str) -> None:
        self.counts[what] += 1


TALLY = Tally()


def play(loaded: Loaded, workdir: Path) -> None:
    """Random moves for up to 20 turns: finite metrics throughout, and a save that loads
    back into the same game."""
    seats = {a.id: Seat.parse("random") for a in loaded.scenario.actors}
    s = Session.new(loaded, seed=7, seats=seats, autosave=False)
    for _ in range(PLAY_TURNS):
        if s.over:
            break
        s.resolve()
        assert np.isfinite(s.state.x).all(), f"non-finite state at turn {s.turn}"
    path = save_game(s, workdir / "played.json")
    again = load_game(path, loaded)
    assert again.state.equals(s.state), "the saved game does not load back identically"
    # and the Monte Carlo model (``brink simulate``), which steps in float32
    _, summary = simulate_run(str(loaded.path), 64, None, 0, [], False)
    assert all(np.isfinite(m["mean"]) for m in summary.metrics), "non-finite simulation"


def check_scenario(raw: bytes, facts: bytes | None, source: Path, workdir: Path) -> str:
    """'refused' or 'accepted' for scenario bytes ``raw``; raises on anything else.

    The scenario and its sheets are written under ``workdir`` as they stand in the
    repository (the shipped scenario finds its sheets in ``../seeds``)."""
    target = workdir / source.relative_to(ROOT)
    target.parent.mkdir(parents=True, exist_ok=True)
    for sheet in _sheets(source):
        dest = workdir / sheet.relative_to(ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(sheet.read_bytes())
    target.write_bytes(raw)
    if facts is not None:
        (target.parent / _facts_rel(source)).write_bytes(facts)
    loaded, problems = check_file(target)
    for p in problems:
        assert p.file and p.line >= 1 and p.col >= 1 and p.message, f"a vague problem: {p!r}"
        str(p)
    if loaded is None:
        try:
            load_scenario(target)
        except BrinkError:
            return "refused"
        raise AssertionError("check_file refused the scenario but load_scenario accepted it")
    play(loaded, workdir)
    return "accepted"


def _facts_rel(source: Path) -> str:
    meta = yaml.safe_load(source.read_text(encoding="utf-8"))["meta"]
    return str(meta["fact_sheet"])


def _sheets(source: Path) -> list[Path]:
    meta = yaml.safe_load(source.read_text(encoding="utf-8"))["meta"]
    rels = [meta["fact_sheet"], meta.get("references")]
    return [(source.parent / r).resolve() for r in rels if r]


def check_save(raw: bytes, loaded: Loaded, workdir: Path) -> str:
    """'refused' or 'accepted' for save bytes ``raw``; raises on anything else."""
    path = workdir / "fuzzed.json"
    path.write_bytes(raw)
    try:
        save_info(path)
        load_game(path, loaded)
        # found by itself (the path the save records), and read as the report reads it
        load_game(path)
        report_load(path, loaded)
    except SaveError as e:
        assert str(e).startswith(str(path)), f"the message does not name the file: {e}"
        return "refused"
    return "accepted"


def dump(data: Any) -> bytes:
    try:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")
    except (yaml.YAMLError, ValueError, OverflowError):
        return yaml.safe_dump({"unrepresentable": True}).encode("utf-8")


# --- hypothesis tests (run by the suite, and by main below for longer) -------------------------


class Fixtures:
    """Parsed originals, made once."""

    def __init__(self) -> None:
        self.scenarios = {p: p.read_bytes() for p in SCENARIOS}
        self.data = {p: yaml.safe_load(b) for p, b in self.scenarios.items()}
        self.facts = {
            p: (p.parent / _facts_rel(p)).read_bytes() for p in SCENARIOS if _has_facts(p)
        }
        self.mini = load_scenario(MINI)
        seats = {a.id: Seat.parse("random") for a in self.mini.scenario.actors}
        s = Session.new(self.mini, seed=3, seats=seats, autosave=False)
        for _ in range(4):
            s.resolve()
        self.save = encode(s.log)
        self.save_log = json.loads(self.save)["log"]


def _has_facts(p: Path) -> bool:
    return (p.parent / _facts_rel(p)).is_file()


_FIX: Fixtures | None = None


def fixtures() -> Fixtures:
    global _FIX
    if _FIX is None:
        _FIX = Fixtures()
    return _FIX


def _workdir() -> Path:
    d = Path(tempfile.mkdtemp(prefix="brink-fuzz-"))
    return d


scenario_cases = st.tuples(
    st.sampled_from(range(len(SCENARIOS))),
    st.lists(mutations, min_size=1, max_size=3),
    st.lists(byte_edits, max_size=2),
    st.booleans(),  # mutate the fact sheet instead
)
save_cases = st.tuples(
    st.sampled_from(["bytes", "data-valid-checksum", "data-stale-checksum"]),
    st.lists(mutations, min_size=1, max_size=3),
    st.lists(byte_edits, min_size=1, max_size=3),
)


# Set by main: a case that runs longer than this is a hang, and reported as one.
CASE_TIMEOUT_S: float | None = None


class Hang(Exception):
    pass


@contextlib.contextmanager
def watchdog() -> Iterator[None]:
    if CASE_TIMEOUT_S is None:
        yield
        return

    def fire(_sig: int, _frame: Any) -> None:
        raise Hang(f"a case ran for more than {CASE_TIMEOUT_S:g} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, CASE_TIMEOUT_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def scenario_case(case: tuple[int, list[Mutation], list[ByteEdit], bool], workdir: Path) -> str:
    fx = fixtures()
    idx, muts, edits, on_facts = case
    source = SCENARIOS[idx]
    if on_facts and source in fx.facts:
        facts_data = yaml.safe_load(fx.facts[source])
        facts = edit_bytes(dump(mutate_data(facts_data, muts)), edits)
        outcome = check_scenario(fx.scenarios[source], facts, source, workdir)
    else:
        raw = edit_bytes(dump(mutate_data(fx.data[source], muts)), edits)
        outcome = check_scenario(raw, None, source, workdir)
    TALLY.add(f"scenario {outcome}")
    return outcome


def save_case(case: tuple[str, list[Mutation], list[ByteEdit]], workdir: Path) -> str:
    fx = fixtures()
    kind, muts, edits = case
    if kind == "bytes":
        raw = edit_bytes(fx.save, edits)
    else:
        log = mutate_data(fx.save_log, muts)
        try:
            raw = (
                encode(log)
                if kind == "data-valid-checksum"
                else json.dumps({**json.loads(fx.save), "log": log}).encode("utf-8")
            )
        except (ValueError, TypeError):  # NaN, or keys json cannot write
            raw = json.dumps({**json.loads(fx.save), "log": log}, default=str).encode("utf-8")
    outcome = check_save(raw, fx.mini, workdir)
    TALLY.add(f"save {outcome}")
    return outcome


def _settings(max_examples: int, derandomize: bool, shrink: bool) -> settings:
    # (shrinking a failing game can take many minutes: long runs report the raw example)
    phases = list(Phase) if shrink else [Phase.explicit, Phase.generate]
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=derandomize,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=phases,
        print_blob=True,
    )


def scenario_property(
    max_examples: int, derandomize: bool, seed: int | None = None, shrink: bool = True
):
    """A hypothesis test over mutated scenarios (call it to run)."""
    workdir = _workdir()

    @_settings(max_examples, derandomize, shrink)
    @given(case=scenario_cases)
    def run(case: Any) -> None:
        with watchdog():
            scenario_case(case, workdir)

    return _seeded(run, seed)


def save_property(
    max_examples: int, derandomize: bool, seed: int | None = None, shrink: bool = True
):
    """A hypothesis test over mutated saves (call it to run)."""
    workdir = _workdir()

    @_settings(max_examples, derandomize, shrink)
    @given(case=save_cases)
    def run(case: Any) -> None:
        with watchdog():
            save_case(case, workdir)

    return _seeded(run, seed)


def _seeded(run: Any, seed: int | None) -> Any:
    if seed is None:
        return run
    from hypothesis import seed as hseed

    return hseed(seed)(run)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=5.0, help="how long to run (default 5)")
    ap.add_argument("--seed", type=int, default=None, help="first hypothesis seed")
    ap.add_argument("--batch", type=int, default=100, help="examples per batch")
    ap.add_argument("--only", choices=["scenarios", "saves"], help="fuzz one kind only")
    ap.add_argument(
        "--case-timeout", type=float, default=120.0, help="seconds before a case is a hang"
    )
    ap.add_argument("--memory-gb", type=float, default=4.0, help="memory limit (a blow-up fails)")
    args = ap.parse_args()
    global CASE_TIMEOUT_S
    CASE_TIMEOUT_S = args.case_timeout
    limit = int(args.memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    makers = [
        m
        for m, kind in ((scenario_property, "scenarios"), (save_property, "saves"))
        if args.only in (None, kind)
    ]
    end = time.monotonic() + args.minutes * 60
    seed = args.seed if args.seed is not None else int(time.time())
    failures: list[str] = []
    batch = 0
    while time.monotonic() < end:
        for make in makers:
            try:
                make(args.batch, derandomize=False, seed=seed + batch, shrink=False)()
            except Exception as e:  # a failing example: keep it, go on
                failures.append(f"{make.__name__} seed {seed + batch}: {type(e).__name__}: {e}")
                print(failures[-1][:4000], file=sys.stderr)
                traceback.print_exc(limit=-6)
            batch += 1
            if time.monotonic() >= end:
                break
        print(dict(sorted(TALLY.counts.items())), flush=True)
    total = sum(TALLY.counts.values())
    print(f"{total} inputs: {dict(sorted(TALLY.counts.items()))}; {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
