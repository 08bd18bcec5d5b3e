"""Saves are the log, as JSON, written atomically; loading re-plays the log.

File layout (one JSON object, keys in this order)::

    {"format": "brinkmanship-save", "format_version": 2,
     "checksum": "<sha256 of the log's canonical JSON>", "log": {...}}

Writing goes to a temporary file in the same directory, which is flushed and
fsync'ed, then renamed over the target (``os.replace``) and the directory
fsync'ed: a crash at any moment leaves either the old save or the new one.

Loading never writes. Every problem is a ``SaveError`` naming the file and what
is wrong: empty, truncated, not JSON / corrupted, not a save, a newer format,
a missing field, a checksum mismatch, a scenario that changed since, or a log
that does not re-play to the results it recorded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import stat
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from game.engine import seal
from game.engine.actions import replay_action
from game.engine.ai import AISettings
from game.engine.errors import EngineError
from game.engine.log import FORMAT_VERSION, autosave_name
from game.engine.seats import Seat, Team
from game.engine.session import Session
from game.errors import BrinkError
from game.i18n import N_, _, language, os_error_text
from game.scenario import Loaded, ScenarioError, load_scenario

MAGIC = "brinkmanship-save"
# A long classroom game is a few megabytes; the cap is checked before reading, so a
# device such as /dev/zero or a huge file cannot exhaust memory.
MAX_SAVE_BYTES = 64 * 1024 * 1024
# A save nests about ten levels; JSON parsers recurse once per level.
MAX_SAVE_DEPTH = 64
# Whole numbers in a save are turns, counts and seeds (< 2**63): 19 digits.
MAX_INT_DIGITS = 20
# What the AI may be asked to do when a save is loaded: generous, but never gigabytes.
_AI_BOUNDS: dict[str, tuple[type, float, float]] = {
    "worlds": (int, 1, 100_000),
    "advice_worlds": (int, 1, 100_000),
    "horizon": (int, 1, 50),
    "advice_horizon": (int, 1, 50),
    "persistence": (float, 0.0, 1.0),
    "temperature_scale": (float, 0.01, 100.0),
}
_HINT = N_("the save cannot be used; start a new game, or load an older save")
ENV_DATA_DIR = "BRINK_DATA_DIR"
KEEP_AUTOSAVES = 20
_TMP_SUFFIX = ".tmp"


class SaveError(BrinkError):
    """A save that cannot be written or loaded; the message names the file and the problem.

    ``reason`` marks the class-game cases a caller may act on: ``"sealed"`` (a sealed save
    opened without a PIN: ask for it), or a ``seal.SealError`` reason (``wrong_pin``,
    ``locked``, ``tampered``, ``damaged``, ``malformed``, ``not_over``); None otherwise.
    ``until``: when a locked PIN box may be tried again (epoch seconds).
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        hint: str | None = None,
        *,
        reason: str | None = None,
        until: float | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.reason = reason
        self.until = until
        super().__init__(f"{path}: {problem}", file=path, hint=hint or _(_HINT))


SEALED_NEEDS_PIN = N_("this class game is sealed: it needs the teacher's PIN")
_PIN_HINT = N_("give the teacher's PIN (brink: --pin)")
PinArg = str | seal.GameKey | None


# What re-playing a damaged log can raise: every one becomes a ``SaveError``.
REPLAY_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    ArithmeticError,
    RecursionError,
    EngineError,
    BrinkError,
)


# --- where saves live ---------------------------------------------------------------------------


def data_dir() -> Path:
    """The user data directory (``BRINK_DATA_DIR`` overrides it, e.g. in tests)."""
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("brinkmanship"))


def autosave_dir() -> Path:
    return data_dir() / "autosave"


def _saves_in(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return [p for p in directory.glob("*.json") if p.is_file() and not p.name.startswith(".")]


def latest_autosave(directory: str | Path | None = None, running_only: bool = False) -> Path | None:
    """The most recent autosave (for the title screen's "continue"), or None.

    Files that do not read as saves (damaged, cut off) are skipped, so a corrupt
    newest autosave never hides an older good one; if none reads, the newest file
    is returned all the same (so that "continue" can say what is wrong with it).
    ``running_only``: only games still running, and never a damaged file.
    """
    files = sorted(
        _saves_in(Path(directory) if directory is not None else autosave_dir()),
        key=_newest_first,
        reverse=True,
    )
    for p in files:
        try:
            info = save_info(p)
        except SaveError:
            continue
        if not running_only or not info.get("over", False):
            return p
    return files[0] if files and not running_only else None


def _newest_first(p: Path) -> tuple[int, str]:
    try:
        return (p.stat().st_mtime_ns, p.name)
    except OSError:  # removed meanwhile
        return (0, p.name)


def prune_autosaves(directory: Path, keep: int = KEEP_AUTOSAVES) -> None:
    """Keep the ``keep`` newest autosaves; remove older ones and stale temporary files."""
    files = sorted(_saves_in(directory), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
    # temporary files of writers that were killed mid-save (never our own live one)
    now = time.time()
    for tmp in directory.glob(f".*{_TMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > 60:
                tmp.unlink()


# --- encoding -----------------------------------------------------------------------------------


def _canonical(obj: Any) -> bytes:
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def checksum(log: Mapping[str, Any]) -> str:
    return hashlib.sha256(_canonical(log)).hexdigest()


def encode(log: Mapping[str, Any]) -> bytes:
    """The bytes of a save of ``log`` (deterministic: the same log gives the same bytes)."""
    doc = {
        "format": MAGIC,
        # the rules the game is played by: a game begun under format 1 stays a format-1 save
        "format_version": log.get("format_version", FORMAT_VERSION),
        "checksum": checksum(log),
        "log": log,
    }
    return (json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}{_TMP_SUFFIX}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(e, OSError) and e.filename == str(tmp):
            # say which file could not be written, not the temporary one
            raise OSError(e.errno, e.strerror, str(path)) from e
        raise
    if hasattr(os, "O_DIRECTORY"):
        try:
            dfd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(dfd)
        except OSError:
            pass
        finally:
            os.close(dfd)


def save_game(session: Session | Mapping[str, Any], path: str | Path) -> Path:
    """Save a session (or a log) to ``path`` atomically; returns the path.

    A class game with a PIN (``session.seal_key``) is written sealed (``seal.py``): its
    log encrypted and authenticated with the game's key, only a public header readable."""
    log: Mapping[str, Any]
    if isinstance(session, Session):
        log = session.log
        try:
            key = session.seal_key
        except ValueError as e:  # the PIN cannot lock a key: never write the log in clear
            raise SaveError(path, _("cannot seal the class game: {error}", error=e)) from None
    else:
        log, key = session, None
    try:
        data = encode(log) if key is None else seal.encode(seal.seal(log, key))
        write_atomic(path, data)
    except OSError as e:
        raise SaveError(path, _("cannot write the save: {error}", error=os_error_text(e))) from e
    except ValueError as e:  # a non-finite number in the log: JSON cannot hold it
        raise SaveError(path, _("cannot write the save: {error}", error=e)) from None
    return Path(path)


# --- decoding -----------------------------------------------------------------------------------


def _require(path: Path, obj: Any, where: str, fields: dict[str, type | tuple[type, ...]]) -> None:
    if not isinstance(obj, dict):
        raise SaveError(path, f"the field '{where}' should be a mapping")
    for name, kind in fields.items():
        if name not in obj:
            raise SaveError(path, f"the save is missing the field '{where}.{name}'")
        value = obj[name]
        bad = not isinstance(value, kind) or (isinstance(value, bool) and bool not in _tuple(kind))
        if bad:
            names = " or ".join(_type_name(k) for k in _tuple(kind))
            raise SaveError(path, f"the field '{where}.{name}' should be {names}")


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _type_name(k: type) -> str:
    return {
        int: "a whole number",
        str: "text",
        dict: "a mapping",
        list: "a list",
        bool: "true or false",
        type(None): "null",
        float: "a number",
    }.get(k, k.__name__)


_OPTIONAL_FIELDS: dict[str, type] = {"summary": dict, "teams": list, "settings": dict}
_TURN_FIELDS: dict[str, type | tuple[type, ...]] = {
    "turn": int,
    "actions": list,
    "moves": dict,
    "shown": dict,
    "result": dict,
}


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a save can hold")


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"a whole number of {len(text)} digits")
    return int(text)


def _parse_float(text: str) -> float:
    v = float(text)
    if not math.isfinite(v):
        raise ValueError(f"{text[:20]} is too large a number")
    return v


def _too_deep(obj: Any, limit: int) -> bool:
    stack = [(obj, 1)]
    while stack:
        o, d = stack.pop()
        if isinstance(o, dict | list):
            if d > limit:
                return True
            stack.extend((v, d + 1) for v in (o.values() if isinstance(o, dict) else o))
    return False


def _check_bounds(path: Path, log: dict[str, Any]) -> None:
    """Numbers a save could make the game spend without limit are checked first."""
    ai = log["ai"]
    for key, value in ai.items():
        if key not in _AI_BOUNDS:
            raise SaveError(path, f"the field 'log.ai.{key}' is not an AI setting")
        kind, lo, hi = _AI_BOUNDS[key]
        ok_type = isinstance(value, int | float) if kind is float else isinstance(value, int)
        if isinstance(value, bool) or not ok_type or not lo <= value <= hi:
            raise SaveError(
                path, f"the field 'log.ai.{key}' should be a number from {lo:g} to {hi:g}"
            )
    if not 0 <= log["seed"] < 2**63:
        raise SaveError(path, "the field 'log.seed' should be a whole number from 0 to 2**63 - 1")
    if len(log["turns"]) > 1000:
        raise SaveError(path, "the save holds more turns than any game can have")


def decode(path: str | Path, raw: bytes, pin: PinArg = None) -> dict[str, Any]:
    """The log inside a save's bytes, or a ``SaveError`` saying what is wrong.

    ``pin``: the teacher's PIN (a str, checked behind the persistent lockout) or a running
    game's ``seal.GameKey``, for a sealed class-game save; ignored for a plain save."""
    return decode_keyed(path, raw, pin)[0]


def _parse(path: Path, raw: bytes) -> dict[str, Any]:
    """The JSON document of a save's bytes (any Brinkmanship save, sealed or plain)."""
    if len(raw) > MAX_SAVE_BYTES:
        raise SaveError(path, _("the file is larger than {n} bytes: not a save", n=MAX_SAVE_BYTES))
    if not raw.strip():
        raise SaveError(path, _("the file is empty (the save was never completely written)"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SaveError(
            path, _("the file is corrupted: byte {n} is not valid text (not a save?)", n=e.start)
        ) from None
    try:
        doc = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_int=_parse_int,
            parse_float=_parse_float,
        )
    except RecursionError:
        raise SaveError(path, "the file is corrupted: values are nested too deeply") from None
    except json.JSONDecodeError as e:
        body = text.strip()
        if body.startswith("{") and not body.endswith("}"):
            raise SaveError(
                path,
                f"the file is truncated: it ends early at line {text.count(chr(10)) + 1} "
                "(the save was cut off before it was complete)",
            ) from None
        raise SaveError(
            path,
            f"the file is corrupted: not valid JSON at line {e.lineno}, column {e.colno} ({e.msg})",
        ) from None
    except ValueError as e:  # NaN, Infinity, an overlong number
        raise SaveError(path, f"the file is corrupted: {e}") from None
    if _too_deep(doc, MAX_SAVE_DEPTH):
        raise SaveError(path, "the file is corrupted: values are nested too deeply")
    if not isinstance(doc, dict) or doc.get("format") != MAGIC:
        raise SaveError(
            path, _("this is not a Brinkmanship save (no '{marker}' format marker)", marker=MAGIC)
        )
    version = doc.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SaveError(path, "the save is missing a valid 'format_version'")
    if version > FORMAT_VERSION:
        raise SaveError(
            path,
            _(
                "it was saved by a newer version of Brinkmanship (save format {version}; this "
                "version reads formats up to {newest}): update the game to open it",
                version=version,
                newest=FORMAT_VERSION,
            ),
        )
    if version < 1:
        raise SaveError(path, f"unknown save format {version}")
    return doc


def _seal_error(path: Path, e: seal.SealError) -> SaveError:
    hint = _(_PIN_HINT) if e.reason in ("wrong_pin", "locked") else None
    return SaveError(path, str(e), hint, reason=e.reason, until=e.until)


def _open_sealed(
    path: Path, doc: dict[str, Any], pin: PinArg
) -> tuple[dict[str, Any], seal.GameKey]:
    """(log, game key) of a sealed save; a str PIN goes through the persistent lockout."""
    if pin is None or pin == "":
        try:
            seal.public_header(doc)
        except seal.SealError as e:
            raise _seal_error(path, e) from None
        raise SaveError(path, _(SEALED_NEEDS_PIN), _(_PIN_HINT), reason="sealed")
    try:
        key = pin if isinstance(pin, seal.GameKey) else seal.unlock(doc, pin)
        log = seal.open_sealed(doc, key)
    except seal.SealError as e:
        raise _seal_error(path, e) from None
    except RecursionError:  # anyone may seal a file with a PIN of their own
        raise SaveError(path, "the sealed log is nested too deeply") from None
    except OSError as e:  # the lockout file cannot be written: refuse rather than skip it
        raise SaveError(
            path, _("cannot check the PIN now: {error}", error=os_error_text(e))
        ) from None
    try:
        seal.canonical(log)  # NaN, Infinity: refused as in a plain save
    except ValueError as e:
        raise SaveError(path, f"the sealed log is corrupted: {e}") from None
    if _too_deep(log, MAX_SAVE_DEPTH):
        raise SaveError(path, "the sealed log is nested too deeply")
    return log, key


def decode_keyed(
    path: str | Path, raw: bytes, pin: PinArg = None
) -> tuple[dict[str, Any], seal.GameKey | None]:
    """``decode``, with the game key of a sealed save (None for a plain one)."""
    path = Path(path)
    doc = _parse(path, raw)
    if seal.is_sealed(doc):
        log, key = _open_sealed(path, doc, pin)
        _check_log(path, log)
        return log, key
    _require(path, doc, "save", {"checksum": str, "log": dict})
    log = doc["log"]
    _check_log(path, log)
    if doc["checksum"] != checksum(log) or encode(log) != raw:
        raise SaveError(
            path,
            _(
                "the file is corrupted: its contents do not match its checksum "
                "(it was damaged, or edited by hand)"
            ),
            reason="damaged",
        )
    return log, None


def _check_log(path: Path, log: Any) -> None:
    _require(
        path,
        log,
        "log",
        {
            "format_version": int,
            "game_version": str,
            "scenario": dict,
            "seed": int,
            "seats": dict,
            "ai": dict,
            "created": str,
            "turns": list,
            "current": dict,
        },
    )
    _require(path, log["scenario"], "log.scenario", {"id": str, "version": str, "sha256": str})
    for i, t in enumerate(log["turns"]):
        _require(path, t, f"log.turns[{i}]", _TURN_FIELDS)
    _require(path, log["current"], "log.current", {"turn": int, "actions": list, "commits": dict})
    for name, kind in _OPTIONAL_FIELDS.items():
        if name in log and not isinstance(log[name], kind):
            raise SaveError(path, f"the field 'log.{name}' should be {_type_name(kind)}")
    _check_bounds(path, log)


def read_save(path: str | Path, pin: PinArg = None) -> dict[str, Any]:
    """The checked log of a save file (no re-play): for menus that list saves. A sealed
    class-game save needs ``pin`` (see ``decode``)."""
    return read_save_keyed(path, pin)[0]


def read_save_keyed(
    path: str | Path, pin: PinArg = None
) -> tuple[dict[str, Any], seal.GameKey | None]:
    """``read_save``, with the game key of a sealed save (None for a plain one)."""
    path = Path(path)
    return decode_keyed(path, _read_bytes(path), pin)


def _read_bytes(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise SaveError(path, _("cannot read the file: it is a folder, not a save"))
        if not stat.S_ISREG(mode):
            # a FIFO would block forever, a device never ends
            raise SaveError(path, _("this is not a regular file (a pipe or a device?)"))
        with path.open("rb") as fh:
            raw = fh.read(MAX_SAVE_BYTES + 1)
    except FileNotFoundError:
        raise SaveError(
            path, _("no such file"), hint=_("check the name, or pick a save from the list")
        ) from None
    except (OSError, ValueError) as e:
        raise SaveError(path, _("cannot read the file: {error}", error=os_error_text(e))) from None
    return raw


def is_sealed_file(path: str | Path) -> bool:
    """True if ``path`` reads as a sealed class-game save (intact or not); False otherwise."""
    path = Path(path)
    try:
        return seal.is_sealed(_parse(path, _read_bytes(path)))
    except SaveError:
        return False


def _mapping(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def save_info(path: str | Path) -> dict[str, Any]:
    """A short description of a save (scenario, turn, date, outcome, seats) without re-playing.

    A sealed class game shows only its public header: no seed (``None``), ``sealed`` True."""
    path = Path(path)
    doc = _parse(path, _read_bytes(path))
    if seal.is_sealed(doc):
        try:
            pub = seal.public_header(doc)
        except seal.SealError as e:
            raise _seal_error(path, e) from None
        scn = _mapping(pub.get("scenario"))
        summary = _mapping(pub.get("summary"))
        sid = str(scn.get("id", "?"))
        return {
            "path": str(path),
            "scenario_id": sid,
            "scenario_title": str(scn.get("title", sid)),
            "seed": None,
            "created": str(pub.get("created", "")),
            "seats": _mapping(pub.get("seats")),
            "sealed": True,
            **summary,
        }
    log = read_save(path)
    summary = dict(log.get("summary", {}))
    if summary.get("over") and log["turns"]:
        # a finished game's date is its last turn's, as its end screen gives it (the
        # summary's is the date of the turn that was never played)
        summary["date"] = log["turns"][-1].get("date", summary.get("date"))
    return {
        "path": str(path),
        "scenario_id": log["scenario"]["id"],
        "scenario_title": log["scenario"].get("title", log["scenario"]["id"]),
        "seed": log["seed"],
        "created": log["created"],
        "seats": log["seats"],
        "sealed": False,
        **summary,
    }


# --- re-playing -----------------------------------------------------------------------------------


def _sha256_of(path: Path) -> str | None:
    # (a save names its scenario's path: never read a device, a FIFO or a huge file for it)
    from game.scenario.yamlsafe import MAX_BYTES

    try:
        if not _is_file(path) or path.stat().st_size > MAX_BYTES:
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, ValueError):
        return None


def _is_file(path: Path) -> bool:
    """``path.is_file()`` for a path read from a save: a name too long or with a null
    byte is simply not a file."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def find_scenario(
    path: Path, log: Mapping[str, Any], scenario: Loaded | str | Path | None = None
) -> Loaded:
    """The scenario a save was played with: given, or where it was, or among the shipped ones."""
    want = log["scenario"]
    sid, sha = want["id"], want["sha256"]
    if scenario is not None:
        loaded = scenario if isinstance(scenario, Loaded) else _load(path, Path(scenario), sid)
        if loaded.sha256 != sha:
            raise SaveError(
                path,
                _(
                    "it was saved with a different version of scenario {id!r} "
                    "(save: sha256 {saved}…; {path}: {now}…)",
                    id=sid,
                    saved=sha[:12],
                    path=loaded.path,
                    now=loaded.sha256[:12],
                ),
            )
        return loaded
    from game.scenario.paths import scenario_files

    recorded = Path(want["path"]) if isinstance(want.get("path"), str) else None
    candidates = ([recorded] if recorded else []) + scenario_files()
    for cand in candidates:
        if _is_file(cand) and _sha256_of(cand) == sha:
            return _load(path, cand, sid)
    if recorded is not None and _is_file(recorded):
        raise SaveError(
            path,
            _(
                "it was saved with a different version of scenario {id!r}: {path} has "
                "changed since (sha256 {saved}… in the save)",
                id=sid,
                path=recorded,
                saved=sha[:12],
            ),
        )
    if recorded:
        raise SaveError(
            path,
            _(
                "cannot find scenario {id!r} (it was at {path}); pass the scenario file",
                id=sid,
                path=recorded,
            ),
        )
    raise SaveError(path, _("cannot find scenario {id!r}; pass the scenario file", id=sid))


def _load(path: Path, scenario_path: Path, sid: str) -> Loaded:
    try:
        # its text in the language in use: the rules, and so the re-play, are the same
        return load_scenario(scenario_path).in_language(language())
    except ScenarioError as e:
        raise SaveError(
            path,
            _(
                "scenario {id!r} ({path}) does not load: {error}",
                id=sid,
                path=scenario_path,
                error=e,
            ),
        ) from None
    except OSError as e:
        raise SaveError(
            path, _("cannot read scenario {path}: {error}", path=scenario_path, error=e)
        ) from None


def _apply_actions(s: Session, actions: object, rerun: bool) -> None:
    if not isinstance(actions, list):
        raise ValueError("a turn's 'actions' should be a list")
    for act in actions:
        replay_action(s, act, rerun)


def replay(
    log: Mapping[str, Any],
    loaded: Loaded,
    rerun_ai: bool = False,
    before_resolve: Callable[[Session, Mapping[str, Any]], None] | None = None,
) -> Session:
    """Re-play a log into a new session (no autosave).

    By default every recorded move is re-applied (fast, and independent of the AI's
    code); ``rerun_ai`` makes computer seats decide again instead, which checks
    that their decisions reproduce too. ``before_resolve(session, turn_entry)`` looks
    at each turn as its moves are made, before it resolves (e.g. the odds a player saw).
    """
    seats = {a: Seat.from_dict(d) for a, d in log["seats"].items()}
    teams = log.get("teams", [])
    if not isinstance(teams, list):
        raise ValueError("the field 'teams' should be a list")
    settings = log.get("settings")
    if settings is not None and not isinstance(settings, dict):
        raise ValueError("the field 'settings' should be a mapping")
    s = Session(
        loaded,
        int(log["seed"]),
        seats,
        AISettings.from_dict(log["ai"]),
        autosave=False,
        created=log["created"],
        teams=[Team.from_dict(t) for t in teams],
        settings=settings,
        format_version=log["format_version"],
    )
    parent = log.get("parent")
    if parent is not None:
        if not isinstance(parent, dict) or not isinstance(parent.get("turn"), int):
            raise ValueError("the field 'parent' should be a mapping with a 'turn'")
        s.parent = dict(parent)
    c = s.c
    for entry in log["turns"]:
        if s.over:
            raise ValueError(f"turn {entry['turn']} comes after the game ended")
        if entry["turn"] != s.current_turn:
            raise ValueError(f"expected turn {s.current_turn}, found turn {entry['turn']}")
        _apply_forecasts(s, entry.get("forecasts", []))
        _apply_actions(s, entry["actions"], rerun_ai)
        override: dict[int, int] = {}
        for aid, oid in entry["moves"].items():
            a = c.actor_index(aid)
            if s.seats[aid].waits:
                if s.committed(aid) != oid:
                    s.commit(aid, oid)
            elif not rerun_ai:
                override[a] = c.option_index(a, oid)
        if s.paused:
            raise ValueError(f"turn {entry['turn']} resolved while the game was paused")
        if before_resolve is not None:
            before_resolve(s, entry)
        s.resolve(override)
    cur = log["current"]
    _apply_forecasts(s, cur.get("forecasts", []))
    _apply_actions(s, cur["actions"], rerun_ai)
    for aid, oid in cur["commits"].items():
        if s.committed(aid) != oid:
            s.commit(aid, oid)
    return s


def _apply_forecasts(s: Session, forecasts: object) -> None:
    """Student forecasts of a turn (each made before its team committed)."""
    if not isinstance(forecasts, list):
        raise ValueError("a turn's 'forecasts' should be a list")
    for f in forecasts:
        if not isinstance(f, dict):
            raise ValueError(f"a forecast should be a mapping, got {f!r}")
        s.classroom.submit_forecast(f["team"], f["probs"], f["within"])


def first_difference(
    saved: object, replayed: object, where: str = "log", *, extra_in_save: bool = False
) -> str | None:
    """Where two logs first differ, in words, or None if they are identical.

    ``extra_in_save``: fields only the save has are not differences (a report reading a
    newer engine's save takes those as they are; everything re-played must match).
    """
    if isinstance(saved, dict) and isinstance(replayed, dict):
        for k in list(saved) + [k for k in replayed if k not in saved]:
            if k not in replayed:
                if extra_in_save:
                    continue
                return f"{where}.{k}: in the save but not re-played"
            if k not in saved:
                return f"{where}.{k}: re-played but not in the save"
            d = first_difference(saved[k], replayed[k], f"{where}.{k}", extra_in_save=extra_in_save)
            if d:
                return d
        return None
    if isinstance(saved, list) and isinstance(replayed, list):
        for i, (a, b) in enumerate(zip(saved, replayed, strict=False)):
            d = first_difference(a, b, f"{where}[{i}]", extra_in_save=extra_in_save)
            if d:
                return d
        if len(saved) != len(replayed):
            return f"{where}: {len(saved)} items saved, {len(replayed)} re-played"
        return None
    if type(saved) is not type(replayed) or saved != replayed:
        return f"{where}: saved {saved!r}, re-played {replayed!r}"
    return None


def comparable(log: Mapping[str, Any]) -> dict[str, Any]:
    """A log without what a re-play need not reproduce: where the scenario file was, which
    version of the game wrote it (a newer version re-plays an older save), and the terms of
    each turn's offers (written out from the moves and the scenario, for readers of the
    log; saves from before they were written lack them)."""
    out = {k: v for k, v in log.items() if k != "game_version"}
    out["scenario"] = {k: v for k, v in log["scenario"].items() if k != "path"}
    turns = out.get("turns")
    if isinstance(turns, list):
        out["turns"] = [
            {k: v for k, v in t.items() if k != "offers"} if isinstance(t, dict) else t
            for t in turns
        ]
    return out


def replay_checked(
    path: str | Path, log: Mapping[str, Any], loaded: Loaded, rerun_ai: bool = False
) -> Session:
    """``replay``, with a log that cannot be re-played at all reported as a ``SaveError``."""
    try:
        return replay(log, loaded, rerun_ai=rerun_ai)
    except REPLAY_ERRORS as e:
        msg = e.args[0] if e.args else repr(e)
        raise SaveError(path, f"the log does not re-play: {msg}") from None


def replay_file(
    path: str | Path,
    scenario: Loaded | str | Path | None = None,
    rerun_ai: bool = False,
    *,
    pin: PinArg = None,
) -> tuple[Session, dict[str, Any], str | None]:
    """(re-played session, saved log, first difference or None). Raises SaveError if the
    file is unreadable or the log cannot be re-played at all. A sealed class-game save
    needs ``pin`` (the teacher's PIN or the game's key); the session keeps its key."""
    path = Path(path)
    log, key = read_save_keyed(path, pin)
    loaded = find_scenario(path, log, scenario)
    s = replay_checked(path, log, loaded, rerun_ai=rerun_ai)
    if key is not None:
        s.use_seal_key(key)
    diff = first_difference(comparable(log), comparable(s.log))
    return s, log, diff


def branch_log(
    log: Mapping[str, Any], turn: int, parent: str = "", created: str | None = None
) -> dict[str, Any]:
    """The log of a what-if: the game of ``log`` as it stood when turn ``turn`` began
    (its first ``turn`` − 1 turns, with the same seed, so the same luck), linked to it.
    Nothing of turn ``turn`` is kept: its scheduled injects fire again by themselves."""
    done = [t for t in log["turns"] if isinstance(t, Mapping)]
    last = int(log.get("current", {}).get("turn", len(done) + 1))
    if isinstance(turn, bool) or not isinstance(turn, int) or not 1 <= turn <= last:
        raise ValueError(f"a branch starts at a turn the game reached, 1-{last}: got {turn!r}")
    out = {k: v for k, v in log.items() if k not in ("turns", "current", "summary", "parent")}
    # a time of its own, so that its autosave never overwrites the parent's
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if now.isoformat() == log.get("created"):
        now += dt.timedelta(seconds=1)
    out["created"] = created or now.isoformat()
    out["turns"] = [dict(t) for t in done[: turn - 1]]
    out["current"] = {"turn": turn, "actions": [], "commits": {}, "paused": False}
    out["parent"] = {
        "file": parent,
        "created": log.get("created"),
        "checksum": checksum(log),
        "turn": turn,
        **({"parent": dict(log["parent"])} if isinstance(log.get("parent"), Mapping) else {}),
    }
    return out


def branch_game(
    path: str | Path,
    turn: int,
    scenario: Loaded | str | Path | None = None,
    *,
    autosave: bool | str | Path = False,
    pin: PinArg = None,
) -> Session:
    """The saved game at ``path`` restarted at turn ``turn`` with the same luck: its first
    ``turn`` − 1 turns are re-played from the log; from then on the seats choose again.
    The new game records its parent (file, checksum, turn); ``autosave`` as for
    ``load_game``, under a name of its own. A sealed class game needs ``pin``, and its
    branch stays sealed with the same key."""
    path = Path(path)
    log, key = read_save_keyed(path, pin)
    loaded = find_scenario(path, log, scenario)
    return _branch(path, log, loaded, turn, autosave, key)


def branch_session(s: Session, turn: int, *, autosave: bool | str | Path = False) -> Session:
    """``branch_game`` of a game in memory (e.g. the one just finished on screen)."""
    where = s.autosave_path or Path(f"{s.scenario.meta.id}.json")
    return _branch(where, s.log, s.loaded, turn, autosave, s.seal_key)


def _branch(
    path: Path,
    log: Mapping[str, Any],
    loaded: Loaded,
    turn: int,
    autosave: bool | str | Path,
    key: seal.GameKey | None = None,
) -> Session:
    try:
        blog = branch_log(log, turn, path.name)
    except ValueError as e:
        raise SaveError(path, str(e)) from None
    # the log's first turns must re-play as recorded before a branch can trust them
    s = replay_checked(path, blog, loaded)
    diff = first_difference(blog["turns"], s.log["turns"], "log.turns")
    if diff is not None:
        raise SaveError(
            path, f"the save does not re-play to turn {turn} (first difference: {diff})"
        )
    if key is not None:
        s.use_seal_key(key)
    if autosave:
        where = autosave_dir() if autosave is True else Path(autosave)
        s.autosave_path = where / autosave_name(s.scenario.meta.id, s.created, s.save_tag)
    return s


def load_game(
    path: str | Path,
    scenario: Loaded | str | Path | None = None,
    *,
    autosave: bool | str | Path = False,
    pin: PinArg = None,
) -> Session:
    """Re-play a save into a session; ``SaveError`` (file untouched) if anything is wrong.

    ``autosave``: True continues autosaving (into the same file if it is an autosave),
    a path autosaves into that directory. ``pin``: see ``replay_file``.
    """
    path = Path(path)
    s, _log, diff = replay_file(path, scenario, pin=pin)
    if diff is not None:
        raise SaveError(
            path,
            _(
                "the save does not re-play to the game it recorded (first difference: {diff}); "
                "it is corrupted or from an incompatible version",
                diff=diff,
            ),
        )
    if autosave:
        where = autosave_dir() if autosave is True else Path(autosave)
        if path.resolve().parent == where.resolve():
            s.autosave_path = path
        else:
            s.autosave_path = where / autosave_name(s.scenario.meta.id, s.created, s.save_tag)
    return s


def release_file(path: str | Path, out: str | Path, pin: PinArg) -> Path:
    """Write the plain save of a *finished* sealed class game (for the debrief report).

    Refuses to write over ``path`` and a game still in progress (``not_over``)."""
    path, out = Path(path), Path(out)
    if not str(out).strip() or out.is_dir():
        raise SaveError(out, "the output should be a file name", "name a new file with -o")
    if out.exists() and out.resolve() == path.resolve():
        raise SaveError(
            out, "the release would write over the sealed save", "name another file with -o"
        )
    doc = _parse(path, _read_bytes(path))
    if not seal.is_sealed(doc):
        raise SaveError(
            path, "this is not a sealed class-game save", "a plain save needs no release"
        )
    if pin is None or pin == "":
        raise SaveError(path, _(SEALED_NEEDS_PIN), _(_PIN_HINT), reason="sealed")
    try:
        key = pin if isinstance(pin, seal.GameKey) else seal.unlock(doc, pin)
        log = seal.release(doc, key)
    except seal.SealError as e:
        raise _seal_error(path, e) from None
    _check_log(path, log)
    return save_game(log, out)
