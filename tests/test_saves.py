"""Saves: every kind of damage gives a clear error and leaves the file untouched; crashes
while autosaving never lose the last complete turn; golden saves of each format load."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from conftest import CHEAP

from game.engine import SaveError, Seat, Session, load_game, read_save, save_game
from game.engine.saves import checksum, encode, write_atomic
from game.scenario import Loaded, load_scenario

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "saves"


@pytest.fixture
def saved(mini: Loaded, tmp_path: Path) -> Path:
    # a seed whose game is still running after the fixture's turns (the tests add injects)
    s = Session.new(mini, seed=8, seats={"blue": Seat.human()}, ai=CHEAP, autosave=False)
    for _ in range(4):
        s.advice("blue")
        s.commit("blue", "talk")
        s.resolve()
    s.console.add_inject("A storm closes the ports")
    return save_game(s, tmp_path / "game.json")


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def load_fails(path: Path, scenario: Loaded | Path | None, *words: str) -> str:
    before = snapshot(path)
    with pytest.raises(SaveError) as err:
        load_game(path, scenario)
    message = str(err.value)
    assert str(path) in message, message
    for w in words:
        assert w in message, message
    assert snapshot(path) == before, "a failed load changed the file"
    return message


def reseal(path: Path, edit) -> None:
    """Rewrite a save with its log edited but a valid checksum (a consistent forgery)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc["log"])
    path.write_bytes(encode(doc["log"]))


def test_a_good_save_loads(saved: Path, mini: Loaded) -> None:
    before = snapshot(saved)
    s = load_game(saved, mini)
    assert s.turn == 4 and s.news[-1].headline == "A storm closes the ports"
    assert snapshot(saved) == before
    assert load_game(saved).turn == 4  # finds the scenario by its recorded path and hash


def test_truncated(saved: Path, mini: Loaded) -> None:
    raw = saved.read_bytes()
    for cut in (len(raw) // 2, len(raw) - 3, 10):
        saved.write_bytes(raw[:cut])
        load_fails(saved, mini, "truncated")


def test_bit_flipped(saved: Path, mini: Loaded) -> None:
    raw = saved.read_bytes()
    rng = random.Random(5)
    for _ in range(60):
        i = rng.randrange(len(raw))
        flipped = bytearray(raw)
        flipped[i] ^= 1 << rng.randrange(8)
        saved.write_bytes(bytes(flipped))
        load_fails(saved, mini)


def test_a_flipped_digit_is_caught_by_the_checksum(saved: Path, mini: Loaded) -> None:
    text = saved.read_text(encoding="utf-8")
    i = text.index('"seed": 8')
    saved.write_text(text[:i] + '"seed": 6' + text[i + 9 :], encoding="utf-8")
    load_fails(saved, mini, "corrupted", "checksum")


def test_empty(saved: Path, mini: Loaded) -> None:
    saved.write_bytes(b"")
    load_fails(saved, mini, "empty")


def test_not_json(saved: Path, mini: Loaded) -> None:
    saved.write_text("this is a shopping list, not a game\n", encoding="utf-8")
    load_fails(saved, mini, "not valid JSON")
    saved.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    load_fails(saved, mini, "corrupted")


def test_json_but_not_a_save(saved: Path, mini: Loaded) -> None:
    saved.write_text('{"name": "not a save"}', encoding="utf-8")
    load_fails(saved, mini, "not a Brinkmanship save")


def test_future_format_version(saved: Path, mini: Loaded) -> None:
    doc = json.loads(saved.read_text(encoding="utf-8"))
    doc["format_version"] = 99
    saved.write_text(json.dumps(doc), encoding="utf-8")
    load_fails(saved, mini, "newer version of Brinkmanship", "format 99", "update the game")


def test_missing_fields(saved: Path, mini: Loaded) -> None:
    raw = saved.read_bytes()
    for field, where in (("seed", "log.seed"), ("turns", "log.turns"), ("seats", "log.seats")):
        saved.write_bytes(raw)
        reseal(saved, lambda log, f=field: log.pop(f))
        load_fails(saved, mini, f"missing the field '{where}'")
    saved.write_bytes(raw)
    reseal(saved, lambda log: log["turns"][1].pop("moves"))
    load_fails(saved, mini, "missing the field 'log.turns[1].moves'")
    saved.write_bytes(raw)
    reseal(saved, lambda log: log.update(seed="seven"))
    load_fails(saved, mini, "'log.seed' should be a whole number")


def test_wrong_scenario_hash(mini: Loaded, tmp_path: Path) -> None:
    here = tmp_path / "scn"
    here.mkdir()
    shutil.copy(DATA / "mini.yaml", here / "mini.yaml")
    shutil.copy(DATA / "mini-facts.yaml", here / "mini-facts.yaml")
    copy = load_scenario(here / "mini.yaml")
    s = Session.new(copy, seed=2, ai=CHEAP, autosave=False)
    s.resolve()
    path = save_game(s, tmp_path / "old.json")
    with (here / "mini.yaml").open("a", encoding="utf-8") as f:
        f.write("# the author tuned a number\n")
    load_fails(path, None, "saved with a different version of scenario 'mini'")
    load_fails(path, here / "mini.yaml", "saved with a different version of scenario 'mini'")


def test_a_log_that_does_not_replay_to_its_results(saved: Path, mini: Loaded) -> None:
    raw = saved.read_bytes()
    reseal(saved, lambda log: log["turns"][2]["result"].update(stage="war"))
    load_fails(saved, mini, "does not re-play", "turns[2].result.stage")
    saved.write_bytes(raw)
    reseal(saved, lambda log: log["turns"][0]["moves"].update(blue="strike"))
    load_fails(saved, mini, "does not re-play", "not available")
    saved.write_bytes(raw)
    reseal(saved, lambda log: log["turns"][0]["moves"].update(blue="nuke"))
    load_fails(saved, mini, "does not re-play", "unknown option 'nuke'")


def test_unreadable_paths(tmp_path: Path, mini: Loaded) -> None:
    with pytest.raises(SaveError, match="no such file"):
        load_game(tmp_path / "missing.json", mini)
    with pytest.raises(SaveError, match="cannot read"):
        load_game(tmp_path, mini)


def test_saving_is_atomic_and_leaves_no_temporary_files(saved: Path, mini: Loaded) -> None:
    s = load_game(saved, mini)
    s.commit("blue", "wait")
    s.resolve()
    save_game(s, saved)
    assert load_game(saved, mini).turn == 5
    assert [p.name for p in saved.parent.iterdir() if p.name.startswith(".")] == []
    with pytest.raises(SaveError, match="cannot write"):
        save_game(s, saved.parent / "game.json" / "inside-a-file.json")


def test_save_bytes_are_deterministic(saved: Path, mini: Loaded) -> None:
    log = read_save(saved)
    assert encode(log) == saved.read_bytes()
    assert json.loads(saved.read_text(encoding="utf-8"))["checksum"] == checksum(log)


# --- crash safety --------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_killed_while_autosaving_the_last_complete_turn_always_loads(
    mini: Loaded, tmp_path: Path
) -> None:
    """100 times: a child process autosaves turn after turn in a loop and is killed
    with SIGKILL at a random moment; the file then holds a complete save that loads,
    of the last turn the child finished saving or the one it was writing."""
    s = Session.new(mini, seed=11, ai=CHEAP, autosave=False)
    logs = [json.loads(json.dumps(s.log))]
    while not s.over and len(logs) < 6:
        s.resolve()
        logs.append(json.loads(json.dumps(s.log)))
    turn_of = {encode(log): log["summary"]["turn"] for log in logs}
    path = tmp_path / "data" / "autosave" / "crash.json"
    save_game(logs[0], path)
    rng = random.Random(3)
    kills_mid_write = 0
    for trial in range(100):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: autosave the turns in order, forever
            try:
                os.close(r)
                k = trial
                while True:
                    save_game(logs[k % len(logs)], path)
                    os.write(w, bytes([k % len(logs)]))
                    k += 1
            finally:
                os._exit(0)
        os.close(w)
        # wait for the child's first completed save, so that a slow fork on a loaded
        # machine cannot leave every kill landing before the child wrote anything
        done = os.read(r, 1)
        time.sleep(rng.uniform(0.0, 0.006))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(r, 65536):
            done += chunk
        os.close(r)
        data = path.read_bytes()
        assert data in turn_of, f"trial {trial}: the autosave is not a complete save"
        got = turn_of[data]
        last = logs[done[-1]]["summary"]["turn"] if done else None
        nxt = logs[((done[-1] + 1) if done else trial) % len(logs)]["summary"]["turn"]
        if done:
            assert got in (last, nxt), f"trial {trial}: lost a completed turn"
        temp = [p for p in path.parent.iterdir() if p.name.startswith(".")]
        kills_mid_write += bool(temp)
        for p in temp:
            p.unlink()
        assert load_game(path, mini).turn == got
    assert kills_mid_write > 0, "no kill landed during a write: the test did not test much"


# --- golden saves --------------------------------------------------------------------------------


def golden_files() -> list[Path]:
    return sorted(GOLDEN.glob("*.json")) if GOLDEN.is_dir() else []


def _facts(p: Path) -> dict:
    return json.loads(p.with_suffix(".facts").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", golden_files(), ids=lambda p: p.name)
def test_golden_saves_still_load(path: Path) -> None:
    facts = _facts(path)
    log = read_save(path)  # the format is still read
    assert log["format_version"] == facts["format_version"]
    assert log["seed"] == facts["seed"]
    # each golden save keeps a copy of the scenario it was played on, byte for byte
    scenario = DATA / facts["scenario_file"]
    loaded = load_scenario(scenario)
    assert loaded.sha256 == log["scenario"]["sha256"], f"{scenario} is not the one {path.name} used"
    s = load_game(path, loaded)  # and re-plays bit for bit
    assert s.turn == facts["turn"]
    assert s.outcome == facts["outcome"]
    assert [t["moves"] for t in s.log["turns"]] == facts["moves"]


def make_golden() -> None:
    """``python tests/test_saves.py`` writes the golden save of the current format."""
    from game.engine.session import FORMAT_VERSION

    loaded = load_scenario(DATA / "mini.yaml")
    s = Session.new(
        loaded, seed=2025, seats={"blue": Seat.human(), "red": Seat.ai()}, ai=CHEAP, autosave=False
    )
    s.console.fire_event("mediator")
    s.advice("blue")
    moves = ["talk", "spy", "wait", "talk", "talk", "wait", "talk", "talk", "wait", "talk"]
    while not s.over:
        s.commit("blue", moves[s.turn % len(moves)])
        s.resolve()
    GOLDEN.mkdir(parents=True, exist_ok=True)
    path = GOLDEN / f"mini-format{FORMAT_VERSION}.json"
    log = s.log
    log["scenario"]["path"] = "tests/data/mini.yaml"
    write_atomic(path, encode(log))
    facts = {
        "format_version": FORMAT_VERSION,
        "scenario_file": f"{GOLDEN.name}/{path.stem}.yaml",
        "seed": s.seed,
        "turn": s.turn,
        "outcome": s.outcome,
        "moves": [t["moves"] for t in log["turns"]],
    }
    path.with_suffix(".facts").write_text(json.dumps(facts, indent=1) + "\n", encoding="utf-8")
    shutil.copy(DATA / "mini.yaml", path.with_suffix(".yaml"))  # the scenario, as played
    shutil.copy(DATA / "mini-facts.yaml", GOLDEN / "mini-facts.yaml")
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(make_golden())


def test_autosaves_are_kept_to_a_sensible_number(mini: Loaded, tmp_path: Path) -> None:
    """Each game autosaves under its own name; past KEEP_AUTOSAVES games the oldest
    autosaves go (the newest, the one Continue opens, always stays)."""
    from game.engine.saves import KEEP_AUTOSAVES, latest_autosave

    where = tmp_path / "autosave"
    sessions = []
    for k in range(KEEP_AUTOSAVES + 5):
        s = Session.new(mini, seed=100 + k, seats={"blue": Seat.human()}, ai=CHEAP, autosave=where)
        s.commit("blue", "talk")
        s.resolve()  # a resolved turn autosaves
        assert s.autosave_path is not None and s.autosave_path.exists()
        os.utime(s.autosave_path, ns=(k * 10**9, k * 10**9))  # in the games' order
        sessions.append(s)
    kept = sorted(where.glob("*.json"))
    assert len(kept) == KEEP_AUTOSAVES
    assert sessions[-1].autosave_path in kept and sessions[0].autosave_path not in kept
    assert latest_autosave(where) == sessions[-1].autosave_path
