"""Sealed class-game saves: the round trip, every kind of tampering, a wrong PIN, no hidden
value in the file, the canonical form, and the PIN lockout (persistent across processes)."""

from __future__ import annotations

import base64
import copy
import json
import os
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import Session, load_game
from game.engine import seal as S
from game.engine.saves import data_dir, encode, save_game

MINI = Path(__file__).parent / "data" / "mini.yaml"
ROOT = Path(__file__).resolve().parent.parent
PIN = "80417263"
SEED = 918273645  # distinctive, so that a search of the file's bytes cannot hit it by chance


def play(turns: int) -> Session:
    s = Session.new(
        MINI, seed=SEED, teams={"blue": ["Red", "Green"], "red": ["Gold"]}, pin=PIN, autosave=False
    )
    for _ in range(turns):
        for _team, actor in s.classroom.goes():
            s.commit(actor, next(o.id for o in s.view(actor).options if o.available))
        s.resolve()
    return s


@pytest.fixture(scope="module")
def game() -> Session:
    s = play(3)
    s.console.reveal()  # a console action in the current turn, so the log holds one
    return s


@pytest.fixture(scope="module")
def key() -> S.GameKey:
    return S.wrap_key(S.new_key(), PIN)  # one scrypt run for the whole module


@pytest.fixture(scope="module")
def other_key() -> S.GameKey:
    return S.wrap_key(S.new_key(), PIN)  # another game of the same teacher


@pytest.fixture
def doc(game: Session, key: S.GameKey) -> dict[str, Any]:
    return S.seal(game.log, key)


def reseal(doc: dict[str, Any]) -> dict[str, Any]:
    """What an editor would do after a change: fix up the (unkeyed) checksum."""
    doc = {k: v for k, v in doc.items() if k != "checksum"}
    doc["checksum"] = S._doc_checksum(doc)
    return doc


def reason(doc: Any, pin_or_key: str | S.GameKey) -> str:
    with pytest.raises(S.SealError) as e:
        S.open_sealed(doc, pin_or_key)
    assert str(e.value)
    return e.value.reason


# --- round trip -----------------------------------------------------------------------------------


def test_round_trip_with_the_pin_and_with_the_key(game: Session, key: S.GameKey, doc) -> None:
    raw = S.encode(doc)
    back = json.loads(raw)
    assert S.is_sealed(back)
    assert S.open_sealed(back, PIN) == game.log
    assert S.open_sealed(back, key) == game.log
    # a second seal uses a fresh nonce: other bytes, the same log
    doc2 = S.seal(game.log, key)
    assert doc2["body"] != doc["body"]
    assert S.open_sealed(doc2, key) == game.log


def test_unwrap_gives_back_the_same_key(doc, key: S.GameKey) -> None:
    got = S.unwrap_key(doc, PIN)
    assert got.key == key.key and got.game_id == key.game_id
    assert key.check_pin(PIN) and not key.check_pin("80417264")
    assert key.key.hex() not in repr(key)


def test_a_plain_save_is_not_sealed(game: Session) -> None:
    assert not S.is_sealed(json.loads(encode(game.log)))
    assert reason(json.loads(encode(game.log)), PIN) == "malformed"


def test_canonical_form_is_deterministic(game: Session, doc) -> None:
    log = game.log
    shuffled = json.loads(json.dumps(log))
    shuffled = dict(reversed(list(shuffled.items())))
    assert S.canonical(shuffled) == S.canonical(log)
    assert S.encode(json.loads(S.encode(doc))) == S.encode(doc)
    with pytest.raises(ValueError):
        S.canonical({"x": float("nan")})


def test_the_file_size_does_not_follow_hidden_digits(game: Session, key: S.GameKey) -> None:
    log = game.log
    longer = copy.deepcopy(log)
    longer["turns"][0]["result"]["x"][0] += 1e-9  # a different true value, more digits
    longer["turns"][0]["result"]["events"].append("incident")  # a hidden event fired
    assert len(S.canonical(longer)) >= len(S.canonical(log)) + 10
    assert len(S.encode(S.seal(longer, key))) == len(S.encode(S.seal(log, key)))


# --- nothing hidden in the file -------------------------------------------------------------------


def test_the_sealed_file_shows_no_hidden_value(game: Session, doc) -> None:
    log = game.log
    settings = log["settings"]
    # text as JSON strings (quotes never occur in base64), numbers long enough not to
    # turn up in base64 by chance
    words = {"seed", "estimates", "pbkdf2_sha256", "reveal", settings["class_code"]}
    words |= {settings["pin"]["pbkdf2_sha256"], settings["pin"]["salt"]}
    numbers = {str(SEED)}
    for t in log["turns"]:
        numbers |= {repr(v) for v in t["result"]["x"]}
        words.add(t["result"]["digest"])
        words |= set(t["moves"].values())
    tokens = {json.dumps(w).encode() for w in words} | {n.encode() for n in numbers}
    plain = encode(log)
    raw = S.encode(doc)
    for tok in tokens:  # each is in a plain save, so the search below can fail
        assert tok in plain, tok
        assert tok not in raw, tok
    assert PIN.encode() not in raw
    public = json.dumps(S.public_header(doc)).encode()
    assert not any(tok in public for tok in tokens)
    assert S.public_header(doc)["summary"]["turn"] == 3


# --- tampering ------------------------------------------------------------------------------------


def test_every_flipped_byte_is_refused(doc, key: S.GameKey) -> None:
    raw = S.encode(doc)
    for i in range(len(raw)):
        bad = bytearray(raw)
        bad[i] ^= 1 << (i % 8)
        try:
            edited = json.loads(bytes(bad).decode("utf-8"))
        except ValueError:  # not text or not JSON: the save loader refuses it
            continue
        with pytest.raises(S.SealError) as e:
            S.open_sealed(edited, key)
        assert e.value.reason in ("damaged", "malformed"), (i, e.value)


def test_an_edited_ciphertext_with_a_fixed_checksum_fails(doc, key: S.GameKey) -> None:
    data = bytearray(base64.b64decode(doc["body"]["data"]))
    data[len(data) // 2] ^= 0x10
    doc["body"]["data"] = base64.b64encode(bytes(data)).decode()
    assert reason(reseal(doc), key) == "tampered"


def test_a_changed_public_header_fails(doc, key: S.GameKey) -> None:
    doc["public"]["summary"]["outcome"] = "war"
    assert reason(reseal(doc), key) == "tampered"
    doc2 = copy.deepcopy(doc)
    doc2["public"]["seed"] = 1
    assert reason(reseal(doc2), key) == "tampered"


def test_a_changed_game_id_fails(doc, key: S.GameKey) -> None:
    doc["game_id"] = "0" * 32
    with pytest.raises(S.SealError) as e:  # the lock is bound to the game id
        S.unwrap_key(reseal(doc), PIN)
    assert e.value.reason == "tampered"
    assert reason(reseal(doc), PIN) == "tampered"
    assert reason(reseal(doc), key) == "tampered"


def test_a_swapped_wrapped_key_fails(doc, other_key: S.GameKey) -> None:
    # another game's lock, opened by the same PIN: bound to the other game's id
    doc["lock"] = dict(other_key.lock)
    assert reason(reseal(doc), PIN) == "tampered"
    # ... and with that game's id too, the key it unwraps does not open this body
    doc["game_id"] = other_key.game_id
    assert reason(reseal(doc), PIN) == "tampered"


def test_random_wrapped_key_bytes_fail(doc) -> None:
    wrapped = base64.b64decode(doc["lock"]["key"])
    doc["lock"]["key"] = base64.b64encode(os.urandom(len(wrapped))).decode()
    assert reason(reseal(doc), PIN) == "tampered"


def test_a_replaced_pin_record_opens_nothing(game: Session, doc, key: S.GameKey) -> None:
    # the editor locks a key of their own with their own PIN and puts that lock in
    theirs = S.wrap_key(S.new_key(), "0000", game_id=key.game_id)
    doc["lock"] = dict(theirs.lock)
    edited = reseal(doc)
    assert reason(edited, PIN) == "wrong_pin"  # the teacher sees the file is not theirs
    assert reason(edited, "0000") == "tampered"  # and the editor cannot read the body
    assert reason(edited, key) == "tampered"


def test_an_appended_action_or_a_changed_seed_fails(game: Session, doc, key: S.GameKey) -> None:
    # the editor knows the log's layout (say, from a plain game) and seals an edited log
    # with a key of their own, keeping the genuine lock, id and public header
    for edit in ("append", "seed", "set_metric"):
        log = game.log
        if edit == "append":
            log["current"]["actions"].append({"kind": "reveal"})
        elif edit == "seed":
            log["seed"] = 1
        else:
            log["turns"][-1]["actions"].append({"kind": "set_metric", "metric": "x", "value": 1})
        forged = S.seal(log, S.GameKey(S.new_key(), key.game_id, dict(key.lock)))
        assert forged["lock"] == doc["lock"] and forged["public"] == doc["public"]
        assert reason(forged, PIN) == "tampered", edit
        assert reason(forged, key) == "tampered", edit


def test_an_older_body_under_a_newer_header_fails(key: S.GameKey) -> None:
    old = S.seal(play(1).log, key)
    new = S.seal(play(2).log, key)
    spliced = dict(new, body=old["body"])
    assert reason(reseal(spliced), key) == "tampered"


def test_a_save_of_another_game_is_refused_with_the_running_key(doc, other_key) -> None:
    assert reason(doc, other_key) == "tampered"


# --- wrong PIN, malformed files -------------------------------------------------------------------


def test_a_wrong_pin_is_told_apart(doc) -> None:
    with pytest.raises(S.SealError) as e:
        S.open_sealed(doc, "80417264")
    assert e.value.reason == "wrong_pin"
    assert "wrong PIN" in str(e.value)


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda d: d.update(sealed=2), "unknown seal version"),
        (lambda d: d.update(sealed=True), "unknown seal version"),
        (lambda d: d.pop("lock"), "'lock'"),
        (lambda d: d.update(body=[]), "'body'"),
        (lambda d: d.update(public=None), "'public'"),
        (lambda d: d.update(game_id=7), "'game_id'"),
        (lambda d: d["lock"].update(n=2**30), "lock.n"),
        (lambda d: d["lock"].update(n=2**17 + 1), "power of two"),
        (lambda d: d["lock"].update(r=16, n=2**20), "too much memory"),
        (lambda d: d["lock"].update(kdf="md5"), "key derivation"),
        (lambda d: d.update(game_id="../../etc"), "game_id"),
        (lambda d: d["body"].update(data="not base64!"), "body.data"),
    ],
)
def test_malformed_sealed_saves_are_refused_without_a_scrypt_run(doc, edit, words) -> None:
    edit(doc)
    with pytest.raises(S.SealError) as e:
        S.open_sealed(reseal(doc), PIN)
    assert e.value.reason == "malformed"
    assert words in str(e.value)


def respell(b64: str) -> str:
    """The same bytes in another spelling: a spare bit of the last character set."""
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/"
    body = b64.rstrip("=")
    out = body[:-1] + alphabet[alphabet.index(body[-1]) ^ 1] + b64[len(body) :]
    assert out != b64 and base64.b64decode(out) == base64.b64decode(b64)
    return out


def test_base64_must_be_spelled_canonically(doc, key: S.GameKey) -> None:
    assert doc["lock"]["check"].endswith("==")  # 16 bytes: 4 spare bits at the end
    doc["lock"]["check"] = respell(doc["lock"]["check"])
    with pytest.raises(S.SealError) as e:
        S.open_sealed(reseal(doc), key)
    assert e.value.reason == "malformed"


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(), kids, max_size=3),
    max_leaves=6,
)


def _paths(obj: Any, here: tuple = ()) -> list[tuple]:
    out = [here]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*here, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*here, i))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_replaced_field_ends_in_a_seal_error(data, game: Session, key: S.GameKey) -> None:
    doc = S.seal(game.log, key)
    paths = _paths(doc)[1:]
    shallow = [p for p in paths if len(p) <= 2]  # the structure's own fields, more often
    path = data.draw(st.sampled_from(shallow) | st.sampled_from(paths))
    value = data.draw(JSON)
    node = doc
    for step in path[:-1]:
        node = node[step]
    original = node[path[-1]]
    node[path[-1]] = value
    unchanged = S.canonical(value) == S.canonical(original)
    for candidate, fixed in ((doc, False), (reseal(doc), True)):
        try:
            log = S.open_sealed(candidate, key)
        except S.SealError as e:
            assert str(e)
        else:  # only a no-op edit, or a new checksum that an editor recomputed, may open
            assert unchanged or (fixed and path == ("checksum",)), path
            assert log == game.log


@pytest.mark.parametrize("field", ["body", "lock"])
def test_an_empty_nonce_is_tampering(doc, key: S.GameKey, field: str) -> None:
    # (found by the test above: AES-GCM refuses a nonce of the wrong length outright)
    doc[field]["nonce"] = ""
    assert reason(reseal(doc), key) == "tampered"  # (its checksum made to match)


@pytest.mark.parametrize("number", [float("nan"), float("inf")])
def test_non_json_numbers_are_malformed(doc, key: S.GameKey, number: float) -> None:
    doc["public"]["created"] = number  # what json.loads makes of NaN / Infinity
    assert reason(doc, key) == "malformed"


def test_a_damaged_copy_is_damaged_not_a_wrong_pin(doc) -> None:
    doc["public"]["created"] = "2000-01-01T00:00:00+00:00"  # without fixing the checksum
    assert reason(doc, PIN) == "damaged"


# --- release --------------------------------------------------------------------------------------


def test_release_needs_a_finished_game(game: Session, doc, key: S.GameKey, tmp_path) -> None:
    with pytest.raises(S.SealError) as e:
        S.release(doc, PIN)
    assert e.value.reason == "not_over"
    s = play(2)
    s.console.end_game()
    sealed = S.seal(s.log, key)
    log = S.release(sealed, PIN)
    assert S.release(sealed, S.unlock(sealed, PIN)) == log
    path = save_game(log, tmp_path / "debrief.json")  # a plain save again
    assert load_game(path).log["turns"] == s.log["turns"]


# --- the PIN lockout ------------------------------------------------------------------------------

GID = "a" * 32


def test_lock_periods_grow_and_are_capped() -> None:
    assert [S.lock_seconds(n) for n in range(6)] == [0, 0, 0, 30, 60, 120]
    assert S.lock_seconds(1000) == S.LOCK_MAX_S


def test_three_wrong_tries_lock_then_it_expires() -> None:
    now = 1_000_000.0
    assert S.record_failure(GID, now=now) is None
    assert S.record_failure(GID, now=now + 1) is None
    assert S.locked_until(GID, now=now + 1) is None
    until = S.record_failure(GID, now=now + 2)
    assert until == now + 2 + 30
    assert S.locked_until(GID, now=now + 10) == until
    assert S.locked_until(GID, now=until) is None  # expired
    assert S.record_failure(GID, now=until + 1) == until + 1 + 60  # the next lock is longer
    assert S.locked_until("b" * 32, now=now + 10) is None  # per game
    S.clear(GID)
    assert S.locked_until(GID, now=until + 2) is None
    assert (data_dir() / S.LOCKOUT_FILE).is_file()


def test_unlock_counts_wrong_pins_and_refuses_while_locked(doc, key: S.GameKey) -> None:
    now = 2_000_000.0
    for i in range(2):
        with pytest.raises(S.SealError) as e:
            S.unlock(doc, "1111", now=now + i)
        assert e.value.reason == "wrong_pin" and e.value.until is None
    with pytest.raises(S.SealError) as e:
        S.unlock(doc, "1111", now=now + 2)
    assert e.value.reason == "wrong_pin" and e.value.until == now + 32
    assert "30 seconds" in str(e.value)
    with pytest.raises(S.SealError) as e:  # even the right PIN waits
        S.unlock(doc, PIN, now=now + 3)
    assert e.value.reason == "locked" and "29 seconds" in str(e.value)
    assert S.unlock(doc, PIN, now=now + 40).key == key.key
    assert S.locked_until(key.game_id, now=now + 40) is None
    with pytest.raises(S.SealError) as e:  # the count started again
        S.unlock(doc, "1111", now=now + 41)
    assert e.value.until is None


def test_guard_pin_uses_the_same_lockout(key: S.GameKey) -> None:
    now = 3_000_000.0
    calls: list[str] = []

    def verify(pin: str) -> bool:
        calls.append(pin)
        return pin == "2468"

    for i in range(3):
        with pytest.raises(S.SealError):
            S.guard_pin(GID, "0000", verify, now=now + i)
    with pytest.raises(S.SealError) as e:
        S.guard_pin(GID, "2468", verify, now=now + 5)
    assert e.value.reason == "locked"
    assert calls == ["0000"] * 3  # a locked box does not even try the PIN
    S.guard_pin(GID, "2468", verify, now=now + 100)
    assert S.locked_until(GID, now=now + 100) is None


def test_a_corrupt_lockout_file_counts_as_empty_and_is_rewritten() -> None:
    path = data_dir() / S.LOCKOUT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    for junk in ("", "{", "[1, 2]", '{"games": {"x": 1}}', '{"games": {"%s": {"failures": "3"}}}'):
        path.write_text(junk.replace("%s", GID))
        assert S.locked_until(GID) is None
    S.record_failure(GID)
    assert json.loads(path.read_text())["games"][GID]["failures"] == 1
    with pytest.raises(ValueError):
        S.record_failure("not-an-id")


def test_the_lockout_survives_a_restart(tmp_path: Path) -> None:
    env = dict(os.environ, BRINK_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))

    def run(code: str) -> str:
        out = subprocess.run(
            [sys.executable, "-c", "from game.engine import seal as S\n" + code],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()

    run(f"for _ in range(3): S.record_failure({GID!r})")
    until = float(run(f"print(S.locked_until({GID!r}))"))  # a fresh process sees the lock
    assert until > 0
    assert run(f"print(S.locked_until({GID!r}, now={until + 1}))") == "None"  # and it expires
    run(f"S.clear({GID!r})")
    assert run(f"print(S.locked_until({GID!r}))") == "None"
