"""Classroom secrets in the game: a class game with a PIN saves sealed (seal.py), every
command that reads a save needs the teacher's PIN for it, an edited save never opens,
the PIN's lockout survives a restart, and the Esc menu sits behind the PIN."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_classroom_ui import _to_room, type_text

from game.cli import main
from game.engine import SaveError, Session, load_game, read_save, save_game, save_info, seal
from game.engine.saves import release_file
from game.engine.textplay import play
from game.ui.pg import pygame

MINI = Path(__file__).parent / "data" / "mini.yaml"
PIN = "4826"
TEAMS = {"blue": ["Red"], "red": ["Gold"]}


def class_game(where: Path, seed: int = 777_123, turns: int = 2) -> Session:
    """A class game with a PIN, autosaving into ``where``, ``turns`` turns in."""
    s = Session.new(MINI, seed=seed, teams=TEAMS, pin=PIN, autosave=where)
    for _ in range(turns):
        s.commit("blue", "talk")
        s.commit("red", "wait")
        s.resolve()
    return s


@pytest.fixture
def game(tmp_path: Path) -> tuple[Session, Path]:
    s = class_game(tmp_path / "auto")
    assert s.autosave_path is not None and s.autosave_path.exists()
    return s, s.autosave_path


def _rewrite(path: Path, doc: dict) -> None:
    """Write an edited sealed save with its checksum recomputed (what an editor would do)."""
    doc["checksum"] = seal._doc_checksum(doc)
    path.write_bytes(seal.encode(doc))


def _secrets(s: Session) -> list[str]:
    """Strings that give away a class game's hidden state: its seed, its true values."""
    x = s.log["turns"][-1]["result"]["x"]
    return [str(s.seed), *(repr(v) for v in x if v != int(v))]


# --- the file ------------------------------------------------------------------------------------


def test_a_class_autosave_is_sealed_and_shows_nothing_hidden(game) -> None:
    s, path = game
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert seal.is_sealed(doc) and doc["game_id"] == s.game_id
    assert str(s.seed) not in path.name and s.game_id in path.name
    for secret in [*_secrets(s), "pbkdf2", "talk", "wait"]:
        assert secret not in text, secret
    info = save_info(path)
    assert info["sealed"] and info["seed"] is None and info["turn"] == 2
    with pytest.raises(SaveError, match="sealed: it needs the teacher's PIN") as e:
        read_save(path)
    assert e.value.reason == "sealed"
    # the PIN, or the running game's key, opens it to the very log
    assert read_save(path, pin=PIN) == read_save(path, pin=s.seal_key) == s.log
    again = load_game(path, pin=PIN, autosave=path.parent)
    assert again.log == s.log and again.autosave_path == path and again.sealed


def test_plain_games_still_save_plain(tmp_path: Path) -> None:
    s = Session.new(MINI, seed=5, teams=TEAMS, autosave=tmp_path)  # a class game, no PIN
    s.commit("blue", "talk")
    s.commit("red", "wait")
    s.resolve()
    assert s.seal_key is None and str(s.seed) in s.autosave_path.name
    assert not save_info(s.autosave_path)["sealed"] and read_save(s.autosave_path) == s.log


def test_appended_console_actions_and_a_swapped_lock_do_not_load(game, tmp_path: Path) -> None:
    s, path = game
    original = json.loads(path.read_text(encoding="utf-8"))
    # 1. the public header says more turns (as appending actions would change it)
    doc = json.loads(json.dumps(original))
    doc["public"]["summary"]["turn"] = 3
    _rewrite(path, doc)
    with pytest.raises(SaveError, match="edited or damaged") as e:
        load_game(path, pin=PIN)
    assert e.value.reason == "tampered"
    # 2. a log of the attacker's own, with reveal and set_metric appended, sealed under a
    #    key wrapped with the same game id and the attacker's PIN, in the same file
    log = s.log
    log["current"]["actions"] += [
        {"kind": "reveal", "turn": 3},
        {"kind": "set_metric", "turn": 3, "metric": "tension", "value": 0.0},
    ]
    theirs = seal.wrap_key(seal.new_key(), "1111", s.game_id)
    forged = seal.seal(log, theirs)
    doc = json.loads(json.dumps(original))
    doc["lock"] = forged["lock"]  # the lock swapped, the body and header left: no key fits
    _rewrite(path, doc)
    with pytest.raises(SaveError) as e:
        load_game(path, pin=PIN)
    assert e.value.reason == "wrong_pin"
    with pytest.raises(SaveError) as e:
        load_game(path, pin="1111")
    assert e.value.reason == "tampered"
    # 3. the checksum not recomputed: damaged
    doc = json.loads(json.dumps(original))
    doc["public"]["created"] = "2020-01-01T00:00:00+00:00"
    path.write_bytes(seal.encode(doc))
    with pytest.raises(SaveError, match="checksum") as e:
        read_save(path, pin=PIN)
    assert e.value.reason == "damaged"


def test_a_failed_autosave_never_ends_the_game(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    s = class_game(blocker, turns=1)  # the autosave folder is a file: saving fails
    assert s.autosave_error and "autosave failed" in s.autosave_error
    assert s.turn == 1


# --- the command line ----------------------------------------------------------------------------


def test_commands_without_the_pin_show_nothing_and_say_how(game, tmp_path, capsys) -> None:
    s, path = game
    out = tmp_path / "r.html"
    assert main(["replay", str(path)]) == 1
    assert main(["report", str(path), "-o", str(out), "--worlds", "300"]) == 1
    assert main(["play", "--text", str(path), "--as", "red"]) == 1
    got = capsys.readouterr()
    text = got.out + got.err
    assert text.lower().count("add --pin") == 3 and not out.exists()
    for secret in _secrets(s):
        assert secret not in text, secret
    assert main(["replay", str(path), "--pin", "9999"]) == 1
    assert "wrong PIN" in capsys.readouterr().err


def test_commands_with_the_pin_work(game, tmp_path, capsys) -> None:
    s, path = game
    assert main(["replay", str(path), "--check", "--pin", PIN]) == 0
    assert f"seed {s.seed}" in capsys.readouterr().out
    out = io.StringIO()
    rc = play(path, "red", inp=io.StringIO("q\n"), out=out, autosave=False, pin=PIN)
    assert rc == 0 and "Continuing" in out.getvalue()


def test_a_finished_class_game_is_released_for_the_report(game, tmp_path, capsys) -> None:
    s, path = game
    plain = tmp_path / "debrief.json"
    # in progress: stays sealed
    assert main(["release", str(path), "-o", str(plain), "--pin", PIN]) == 1
    assert "still in progress" in capsys.readouterr().err and not plain.exists()
    s.console.end_game("deal")
    save_game(s, path)
    assert main(["release", str(path), "-o", str(path), "--pin", PIN]) == 1  # never over it
    assert main(["release", str(path), "-o", str(plain)]) == 2  # no PIN
    assert main(["release", str(path), "-o", str(plain), "--pin", PIN]) == 0
    assert not save_info(plain)["sealed"] and read_save(plain) == s.log
    html = tmp_path / "debrief.html"
    assert main(["report", str(plain), "-o", str(html), "--worlds", "300"]) == 0
    assert html.exists()
    with pytest.raises(SaveError, match="not a sealed"):
        release_file(plain, tmp_path / "again.json", PIN)


# --- the lockout ---------------------------------------------------------------------------------


def _try_in_a_new_process(path: Path, pin: str, data: Path) -> str:
    """Open ``path`` with ``pin`` in a fresh Python process; its SaveError reason or 'ok'."""
    code = (
        "import sys\n"
        "from game.engine import SaveError, read_save\n"
        "try:\n"
        "    read_save(sys.argv[1], pin=sys.argv[2])\n"
        "except SaveError as e:\n"
        "    print(e.reason)\n"
        "else:\n"
        "    print('ok')\n"
    )
    env = {**os.environ, "BRINK_DATA_DIR": str(data)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), pin],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_the_lockout_survives_a_restart(game, data_dir) -> None:
    _s, path = game
    for _ in range(seal.LOCK_AFTER):
        with pytest.raises(SaveError) as e:
            read_save(path, pin="0000")
        assert e.value.reason == "wrong_pin"
    assert e.value.until is not None  # the third wrong PIN locks the box
    # a new process (the game restarted) is refused even the right PIN
    assert _try_in_a_new_process(path, PIN, data_dir) == "locked"
    seal.clear(json.loads(path.read_text(encoding="utf-8"))["game_id"])
    assert _try_in_a_new_process(path, PIN, data_dir) == "ok"


# --- the window ----------------------------------------------------------------------------------


def test_the_esc_menu_of_a_class_game_needs_the_pin(ui_app) -> None:
    d = ui_app()
    _to_room(d)
    assert d.scene.name == "team_room"
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "pin" and "Menu" in d.scene.labels()[0]
    assert not any(s.name == "pause" for s in d.app.stack)
    type_text(d, "1357")
    d.key(pygame.K_RETURN)
    assert d.scene.name == "pin" and "Wrong PIN" in d.scene.labels()[1]
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "team_room"
    d.key(pygame.K_ESCAPE)
    type_text(d, "2468")
    d.key(pygame.K_RETURN)
    assert d.scene.name == "pause"
    assert d.scene.button_named("save") is not None


def test_continue_of_a_sealed_game_asks_the_pin_and_shows_its_header(ui_app) -> None:
    d = ui_app()
    _to_room(d)
    g = d.app.game
    path = g.autosave_now()
    assert path is not None and save_info(path)["sealed"]
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    d.frames(1)
    d2 = ui_app()
    d2.click_button("load")
    assert d2.scene.name == "load" and any("class game (PIN)" in x for x in d2.scene.labels())
    d2.key(pygame.K_ESCAPE)
    d2.click_button("continue")
    assert d2.scene.name == "pin"
    type_text(d2, "1111")
    d2.key(pygame.K_RETURN)
    assert d2.scene.name == "pin" and "wrong pin" in d2.scene.labels()[1].lower()
    type_text(d2, "2468")
    d2.key(pygame.K_RETURN)
    assert d2.scene.name in ("handover", "team_room")
    assert d2.app.game.session.game_id == g.session.game_id


def test_an_unsealed_pin_game_still_loads_and_keeps_one_lockout_id(tmp_path: Path) -> None:
    s = Session.new(MINI, seed=31, teams=TEAMS, pin=PIN, autosave=False)
    old = save_game(s.log, tmp_path / "before-sealing.json")  # a plain save, as before
    a, b = load_game(old), load_game(old)
    assert not a.sealed and a.seal_key is None and a.log == s.log
    assert a.pin_lock_id is not None and a.pin_lock_id == b.pin_lock_id
    assert s.pin_lock_id == s.game_id  # a sealed game's lockout is its game id's


def test_a_sealed_game_branches_only_with_the_pin_and_stays_sealed(game, tmp_path) -> None:
    from game.engine import branch_game

    _s, path = game
    with pytest.raises(SaveError) as e:
        branch_game(path, 2)
    assert e.value.reason == "sealed"
    b = branch_game(path, 2, pin=PIN)
    assert b.sealed and b.turn == 1
    out = save_game(b, tmp_path / "branch.json")
    assert save_info(out)["sealed"] and read_save(out, pin=PIN) == b.log
