"""Sealed saves: a class game's log, authenticated and encrypted with a key only the teacher
can unlock.

A class game gets a random 256-bit *game key* K when it starts. Every save of the game is
the log encrypted and authenticated with K (AES-256-GCM), so the file shows no hidden value
(seed, true values, each side's private view, the PIN record) and any edit fails to open.
K itself is in the file only *wrapped*: encrypted with a key derived from the teacher's
PIN by scrypt (memory-hard; parameters and a random salt in the file). Opening a sealed
save therefore needs the PIN, or K from the running game's memory.

A sealed save (one JSON object)::

    {"format": "brinkmanship-save", "format_version": 1, "sealed": 1,
     "game_id": "<32 hex>",               # random; keys the PIN lockout
     "public": {...},                     # what a menu may show: scenario, seats, summary
     "lock": {"kdf": "scrypt", "n", "r", "p", "salt", "check", "nonce", "key"},
     "body": {"nonce", "data"},           # AES-GCM(K) of the log's canonical JSON
     "checksum": "<sha256>"}              # of everything else: catches accidental damage

The body's associated data is the canonical JSON of every field but ``body`` and
``checksum``, so changing the public header, the lock or the game id fails too. The
lock's associated data is the game id and the KDF parameters. ``check`` is a second
part of the scrypt output: it tells a wrong PIN apart from an edited lock without being
any easier to guess from than the wrapped key itself.

What this cannot do (docs/teaching.md, "What the PIN protects, and what it cannot"):
anyone can write a *new* sealed file with a PIN of their own; a running game holds K and
the truth in memory; a short PIN can be guessed offline at the scrypt cost per guess.

The PIN lockout (``record_failure``, ``locked_until``, ``clear``, and ``unlock`` /
``guard_pin``, which use them) is a small JSON file in the user data directory, so it
survives a restart.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import math
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from game.i18n import N_, _, ngettext

MAGIC = "brinkmanship-save"
SEAL_VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 12  # AES-GCM's standard nonce; random per encryption, one key per game
SALT_BYTES = 16
CHECK_BYTES = 16
# scrypt cost: 2**17 x 128 x 8 bytes = 128 MiB and about 0.4 s per try on a 2020s laptop
# core. Loading accepts a range so that the cost can be raised later without breaking saves.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
_N_RANGE = (2**14, 2**20)
_R_RANGE = (1, 16)
_P_RANGE = (1, 4)
_MAX_MEM = 2**28  # 256 MiB: a hostile file must not make the game allocate more
# The plaintext is padded to a multiple of this, so that a save's size says little about
# what happened in a turn (how many hidden events fired, how long the true values' digits).
PAD_TO = 4096

LOCKOUT_FILE = "pin-lockout.json"
LOCK_AFTER = 3  # wrong PINs in a row before the first lock
LOCK_FIRST_S = 30.0  # the first lock; each further wrong PIN doubles it
LOCK_MAX_S = 24 * 3600.0
_FORGET_AFTER_S = 30 * 24 * 3600.0  # lockout entries untouched this long are dropped

Reason = Literal["malformed", "damaged", "tampered", "wrong_pin", "locked", "not_over"]
_GAME_ID = re.compile(r"[0-9a-f]{32}")


class SealError(Exception):
    """A sealed save that cannot be made or opened. ``reason`` says which case:

    - ``malformed``: not a sealed save, or a field is missing or of the wrong kind;
    - ``damaged``: the checksum does not match (a flipped byte, a truncated copy);
    - ``tampered``: the PIN (or key) is right but the contents fail authentication;
    - ``wrong_pin``: the PIN does not open this game (or its lock was replaced);
    - ``locked``: too many wrong PINs; ``until`` is when the next try is allowed;
    - ``not_over``: a game in progress cannot be released into a plain save.

    ``str(error)`` is a sentence for the user; callers add the file name.
    """

    def __init__(self, message: str, reason: Reason, until: float | None = None) -> None:
        super().__init__(message)
        self.reason: Reason = reason
        self.until = until


@dataclass(frozen=True, repr=False)
class GameKey:
    """A class game's key K with its wrapped form (what a running game keeps in memory)."""

    key: bytes
    game_id: str
    lock: dict[str, Any] = field(hash=False)

    def __repr__(self) -> str:  # never print K
        return f"<GameKey {self.game_id}>"

    def check_pin(self, pin: str) -> bool:
        """True if ``pin`` opens this game's lock (one scrypt run)."""
        _kek, check = _derive(pin, self.lock)
        return hmac.compare_digest(check, _b64d(self.lock["check"], "lock.check"))


# --- canonical form -----------------------------------------------------------------------------


def canonical(obj: Any) -> bytes:
    """Deterministic JSON bytes of ``obj``: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def encode(doc: Mapping[str, Any]) -> bytes:
    """The file bytes of a sealed save (the same document always gives the same bytes)."""
    return (json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def _b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64d(text: Any, where: str) -> bytes:
    """Strict base64: any other spelling of the same bytes is refused (a changed character
    must never go unnoticed)."""
    if not isinstance(text, str):
        raise SealError(f"the field '{where}' should be text (base64)", "malformed")
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise SealError(f"the field '{where}' is not valid base64", "malformed") from None
    if _b64e(data) != text:
        raise SealError(f"the field '{where}' is not valid base64", "malformed")
    return data


# --- keys -----------------------------------------------------------------------------------------


def new_key() -> bytes:
    """A fresh random game key (32 bytes from the OS's secure generator)."""
    return secrets.token_bytes(KEY_BYTES)


def _kdf_params(lock: Mapping[str, Any]) -> tuple[int, int, int, bytes]:
    if lock.get("kdf") != "scrypt":
        raise SealError("the save's lock uses an unknown key derivation", "malformed")
    out = []
    for name, (lo, hi) in (("n", _N_RANGE), ("r", _R_RANGE), ("p", _P_RANGE)):
        v = lock.get(name)
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise SealError(
                f"the field 'lock.{name}' should be a whole number {lo}-{hi}", "malformed"
            )
        out.append(v)
    n, r, p = out
    if n & (n - 1):
        raise SealError("the field 'lock.n' should be a power of two", "malformed")
    if 128 * r * (n + p) > _MAX_MEM:
        raise SealError("the save's lock asks for too much memory", "malformed")
    salt = _b64d(lock.get("salt"), "lock.salt")
    if len(salt) < SALT_BYTES:
        raise SealError("the field 'lock.salt' is too short", "malformed")
    return n, r, p, salt


def _derive(pin: str, lock: Mapping[str, Any]) -> tuple[bytes, bytes]:
    """(key-encryption key, PIN check) from the PIN and the lock's scrypt parameters."""
    n, r, p, salt = _kdf_params(lock)
    out = hashlib.scrypt(
        str(pin).encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=_MAX_MEM + 2**20,
        dklen=KEY_BYTES + CHECK_BYTES,
    )
    return out[:KEY_BYTES], out[KEY_BYTES:]


def _lock_aad(game_id: str, lock: Mapping[str, Any]) -> bytes:
    return canonical(
        {"game_id": game_id, **{k: lock[k] for k in ("kdf", "n", "r", "p", "salt", "check")}}
    )


def wrap_key(key: bytes, pin: str, game_id: str | None = None) -> GameKey:
    """Lock ``key`` with the teacher's ``pin``: a fresh salt, scrypt, AES-GCM. Slow on
    purpose (one scrypt run); do it once per game, not per save."""
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise ValueError(f"a game key is {KEY_BYTES} bytes")
    if not str(pin):
        raise ValueError("the PIN is empty")
    game_id = secrets.token_hex(16) if game_id is None else game_id
    if not _GAME_ID.fullmatch(game_id):
        raise ValueError("a game id is 32 lower-case hex digits")
    lock: dict[str, Any] = {
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": _b64e(secrets.token_bytes(SALT_BYTES)),
    }
    kek, check = _derive(pin, lock)
    lock["check"] = _b64e(check)
    nonce = secrets.token_bytes(NONCE_BYTES)
    lock["nonce"] = _b64e(nonce)
    lock["key"] = _b64e(AESGCM(kek).encrypt(nonce, key, _lock_aad(game_id, lock)))
    return GameKey(key, game_id, lock)


def unwrap_key(doc: Mapping[str, Any], pin: str) -> GameKey:
    """The game key of a sealed save, unlocked with ``pin`` (no lockout: see ``unlock``).

    ``SealError``: ``wrong_pin`` if the PIN does not match the lock, ``tampered`` if it
    does but the wrapped key was changed, ``malformed`` / ``damaged`` for a bad file."""
    game_id, lock = _check_structure(doc)
    kek, check = _derive(pin, lock)
    if not hmac.compare_digest(check, _b64d(lock["check"], "lock.check")):
        raise SealError(
            _("wrong PIN: it does not open this class game (or the file's lock was replaced)"),
            "wrong_pin",
        )
    try:
        key = AESGCM(kek).decrypt(
            _b64d(lock["nonce"], "lock.nonce"),
            _b64d(lock["key"], "lock.key"),
            _lock_aad(game_id, lock),
        )
    except (InvalidTag, ValueError):  # (a nonce of the wrong length: edited by hand)
        raise SealError(_(_TAMPERED), "tampered") from None
    if len(key) != KEY_BYTES:
        raise SealError(_(_TAMPERED), "tampered")
    return GameKey(key, game_id, dict(lock))


_TAMPERED = N_(  # translated where it is raised
    "the class game's save was edited or damaged: it does not match its seal "
    "(it cannot be opened; use an earlier autosave)"
)


# --- sealing --------------------------------------------------------------------------------------


def public_view(log: Mapping[str, Any]) -> dict[str, Any]:
    """What a sealed save shows without the PIN: enough for a menu line, nothing hidden.

    No seed, class code, PIN record, moves, views or results; seats without a fixed
    seat's option."""
    scn = log.get("scenario", {})
    seats = {
        a: {k: v for k, v in s.items() if k in ("kind", "name")}
        for a, s in log.get("seats", {}).items()
        if isinstance(s, Mapping)
    }
    summary = log.get("summary", {})
    return {
        "scenario": {k: scn[k] for k in ("id", "title", "version") if k in scn},
        "created": log.get("created"),
        "seats": seats,
        "teams": list(log.get("teams", [])),
        "summary": {
            k: summary[k] for k in ("turn", "date", "stage", "over", "outcome") if k in summary
        },
    }


def _pad(data: bytes) -> bytes:
    # JSON allows trailing whitespace, so padding needs no length field
    return data + b" " * (-len(data) % PAD_TO)


def _body_aad(doc: Mapping[str, Any]) -> bytes:
    return canonical({k: v for k, v in doc.items() if k not in ("body", "checksum")})


def _doc_checksum(doc: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical({k: v for k, v in doc.items() if k != "checksum"})).hexdigest()


def seal(log: Mapping[str, Any], key: GameKey) -> dict[str, Any]:
    """The sealed save document of ``log`` under ``key`` (fast: no scrypt). Write it with
    ``encode``. A fresh nonce each time, so two seals of one log differ but open alike."""
    doc: dict[str, Any] = {
        "format": MAGIC,
        "format_version": 1,
        "sealed": SEAL_VERSION,
        "game_id": key.game_id,
        "public": public_view(log),
        "lock": dict(key.lock),
    }
    nonce = secrets.token_bytes(NONCE_BYTES)
    data = AESGCM(key.key).encrypt(nonce, _pad(canonical(log)), _body_aad(doc))
    doc["body"] = {"nonce": _b64e(nonce), "data": _b64e(data)}
    doc["checksum"] = _doc_checksum(doc)
    return doc


def is_sealed(doc: Any) -> bool:
    """True if ``doc`` (a parsed save) is a sealed one (whether or not it is intact)."""
    return isinstance(doc, Mapping) and doc.get("format") == MAGIC and "sealed" in doc


def _check_structure(doc: Any) -> tuple[str, dict[str, Any]]:
    """(game id, lock) of a well-formed, undamaged sealed save, or a ``SealError``."""
    if not is_sealed(doc):
        raise SealError("this is not a sealed class-game save", "malformed")
    if doc["sealed"] != SEAL_VERSION or isinstance(doc["sealed"], bool):
        raise SealError(
            f"unknown seal version {doc['sealed']!r} (this version reads {SEAL_VERSION}): "
            "update the game to open it",
            "malformed",
        )
    for name, kind in (
        ("game_id", str),
        ("public", dict),
        ("lock", dict),
        ("body", dict),
        ("checksum", str),
    ):
        if not isinstance(doc.get(name), kind):
            raise SealError(f"the sealed save is missing a valid '{name}'", "malformed")
    try:
        expected = _doc_checksum(doc)
    except (TypeError, ValueError):
        raise SealError(
            "the sealed save holds values that are not plain JSON", "malformed"
        ) from None
    if doc["checksum"] != expected:  # not a secret: a plain comparison is fine
        raise SealError(
            "the file is corrupted: its contents do not match its checksum "
            "(it was damaged, or edited by hand)",
            "damaged",
        )
    if not _GAME_ID.fullmatch(doc["game_id"]):
        raise SealError("the field 'game_id' should be 32 hex digits", "malformed")
    lock = doc["lock"]
    _kdf_params(lock)
    for name in ("check", "nonce", "key"):
        _b64d(lock.get(name), f"lock.{name}")
    for name in ("nonce", "data"):
        _b64d(doc["body"].get(name), f"body.{name}")
    return doc["game_id"], lock


def open_sealed(doc: Mapping[str, Any], pin_or_key: str | GameKey) -> dict[str, Any]:
    """The log inside a sealed save, opened with the PIN (one scrypt run, no lockout: see
    ``unlock``) or with the running game's ``GameKey``. ``SealError`` if anything is off."""
    game_id, _lock = _check_structure(doc)
    if isinstance(pin_or_key, GameKey):
        key = pin_or_key
        if key.game_id != game_id:
            raise SealError("this save belongs to another class game", "tampered")
    else:
        key = unwrap_key(doc, pin_or_key)
    body = doc["body"]
    try:
        plain = AESGCM(key.key).decrypt(
            _b64d(body["nonce"], "body.nonce"), _b64d(body["data"], "body.data"), _body_aad(doc)
        )
    except (InvalidTag, ValueError):  # (a nonce of the wrong length: edited by hand)
        raise SealError(_(_TAMPERED), "tampered") from None
    try:
        log = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):  # authenticated, so a bug of ours
        raise SealError("the sealed log is not valid JSON", "malformed") from None
    if not isinstance(log, dict) or public_view(log) != doc["public"]:
        raise SealError(_(_TAMPERED), "tampered")
    return log


def public_header(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The public part of a sealed save, for a menu line, checked only against accidental
    damage: anyone can edit it, so show it, never trust it (``open_sealed`` does)."""
    _check_structure(doc)
    return dict(doc["public"])


def release(doc: Mapping[str, Any], pin_or_key: str | GameKey) -> dict[str, Any]:
    """The log of a *finished* class game, opened with the teacher's PIN (or the key from
    ``unlock``), for a plain save (the debrief report). A game in progress stays sealed
    (``not_over``)."""
    log = open_sealed(doc, pin_or_key)
    summary = log.get("summary")
    if not (isinstance(summary, Mapping) and summary.get("over") is True):
        raise SealError(
            "this class game is still in progress: end it (teacher console) before "
            "releasing its save for the report",
            "not_over",
        )
    return log


# --- PIN lockout ----------------------------------------------------------------------------------


def _lockout_path(directory: str | Path | None) -> Path:
    if directory is not None:
        return Path(directory) / LOCKOUT_FILE
    from game.engine.saves import data_dir  # saves imports the session: keep this lazy

    return data_dir() / LOCKOUT_FILE


def _read_lockouts(path: Path) -> dict[str, dict[str, float]]:
    """The lockout table; an unreadable or malformed file counts as empty (deleting it has
    the same effect, so being strict would protect nothing)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    table = raw.get("games") if isinstance(raw, dict) else None
    if not isinstance(table, dict):
        return {}
    out = {}
    for gid, rec in table.items():
        if not (isinstance(gid, str) and _GAME_ID.fullmatch(gid) and isinstance(rec, dict)):
            continue
        nums = [rec.get(k) for k in ("failures", "until", "seen")]
        good = [float(v) for v in nums if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(good) == 3 and all(math.isfinite(v) for v in good):
            out[gid] = {"failures": int(good[0]), "until": good[1], "seen": good[2]}
    return out


def _write_lockouts(path: Path, table: Mapping[str, Mapping[str, float]]) -> None:
    from game.engine.saves import write_atomic

    data = json.dumps({"version": 1, "games": table}, indent=1, sort_keys=True) + "\n"
    write_atomic(path, data.encode("utf-8"))


def _check_id(game_id: str) -> None:
    if not isinstance(game_id, str) or not _GAME_ID.fullmatch(game_id):
        raise ValueError(f"not a game id: {game_id!r}")


def lock_seconds(failures: int) -> float:
    """How long ``failures`` wrong PINs in a row lock the PIN box: none before the third,
    then 30 s, doubling with each further wrong PIN, at most a day."""
    if failures < LOCK_AFTER:
        return 0.0
    return min(LOCK_FIRST_S * 2.0 ** min(failures - LOCK_AFTER, 32), LOCK_MAX_S)


def record_failure(
    game_id: str, *, now: float | None = None, directory: str | Path | None = None
) -> float | None:
    """Count a wrong PIN for ``game_id``; returns the time (epoch seconds) until which the
    PIN box is now locked, or None if it is not."""
    _check_id(game_id)
    now = time.time() if now is None else now
    path = _lockout_path(directory)
    table = {g: r for g, r in _read_lockouts(path).items() if now - r["seen"] < _FORGET_AFTER_S}
    fails = int(table.get(game_id, {}).get("failures", 0)) + 1
    wait = lock_seconds(fails)
    until = now + wait if wait else 0.0
    table[game_id] = {"failures": fails, "until": until, "seen": now}
    _write_lockouts(path, table)
    return until or None


def locked_until(
    game_id: str, *, now: float | None = None, directory: str | Path | None = None
) -> float | None:
    """The time (epoch seconds) until which ``game_id``'s PIN box is locked, or None."""
    _check_id(game_id)
    now = time.time() if now is None else now
    rec = _read_lockouts(_lockout_path(directory)).get(game_id)
    if rec is None or rec["until"] <= now:
        return None
    # a clock set back must not lock for longer than the longest lock
    return min(rec["until"], now + LOCK_MAX_S)


def clear(game_id: str, *, directory: str | Path | None = None) -> None:
    """Forget ``game_id``'s wrong PINs (after a right one)."""
    _check_id(game_id)
    path = _lockout_path(directory)
    table = _read_lockouts(path)
    if game_id in table:
        del table[game_id]
        with contextlib.suppress(OSError):  # failing to forget only keeps a lock
            _write_lockouts(path, table)


def _wait_text(seconds: float) -> str:
    s = max(1, math.ceil(seconds))
    if s < 120:
        return ngettext("{n} second", "{n} seconds", s)
    if s < 7200:
        return ngettext("{n} minute", "{n} minutes", math.ceil(s / 60))
    return ngettext("{n} hour", "{n} hours", math.ceil(s / 3600))


def _refuse_if_locked(game_id: str, now: float | None, directory: str | Path | None) -> None:
    now = time.time() if now is None else now
    until = locked_until(game_id, now=now, directory=directory)
    if until is not None:
        raise SealError(
            _("too many wrong PINs: try again in {wait}", wait=_wait_text(until - now)),
            "locked",
            until,
        )


def _count_failure(
    game_id: str, now: float | None, directory: str | Path | None, error: SealError
) -> SealError:
    now = time.time() if now is None else now
    until = record_failure(game_id, now=now, directory=directory)
    if until is not None:
        return SealError(
            _(
                "{error} — too many wrong PINs: try again in {wait}",
                error=error,
                wait=_wait_text(until - now),
            ),
            "wrong_pin",
            until,
        )
    return error


def unlock(
    doc: Mapping[str, Any],
    pin: str,
    *,
    now: float | None = None,
    directory: str | Path | None = None,
) -> GameKey:
    """``unwrap_key`` behind the persistent lockout: refused while locked (``locked``),
    a wrong PIN counted, a right one clears the count. For every PIN typed by a person."""
    game_id, _lock = _check_structure(doc)
    _refuse_if_locked(game_id, now, directory)
    try:
        key = unwrap_key(doc, pin)
    except SealError as e:
        if e.reason != "wrong_pin":
            raise
        raise _count_failure(game_id, now, directory, e) from None
    clear(game_id, directory=directory)
    return key


def guard_pin(
    game_id: str,
    pin: str,
    verify: Callable[[str], bool],
    *,
    now: float | None = None,
    directory: str | Path | None = None,
) -> None:
    """Check a typed PIN with ``verify`` (e.g. ``GameKey.check_pin``) behind the same
    lockout: ``SealError`` (``locked`` or ``wrong_pin``) unless it is right."""
    _refuse_if_locked(game_id, now, directory)
    if not verify(pin):
        raise _count_failure(game_id, now, directory, SealError(_("wrong PIN"), "wrong_pin"))
    clear(game_id, directory=directory)
