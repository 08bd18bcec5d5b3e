"""The log: the whole game as plain data, the source of truth a save contains.

``TurnLog`` grows as the game is played (resolved turns, then this turn's actions);
``session_log`` is the log of a session as a save writes it; ``autosave`` writes it.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from game import __version__
from game.engine.actions import draws_from_inject_stream
from game.i18n import _
from game.model import State

if TYPE_CHECKING:
    from game.engine.session import Session

# The rules a game is played by, as far as a save must know them to re-play it:
# 1: an estimate of another side's private metric was a fresh draw each turn;
# 2: it is the fog filter's belief (fog.py). A game keeps the rules it began with.
FORMAT_VERSION = 2


def autosave_name(scenario_id: str, created: str, seed: int | str) -> str:
    """``mini-20251124T101500-7-3fa2.json``: scenario, start time, seed (a sealed class
    game's id instead: its seed is secret), a random tag."""
    stamp = created.replace(":", "").replace("-", "")[:15]
    return f"{scenario_id}-{stamp}-{seed}-{secrets.token_hex(2)}.json"


def state_digest(st: State) -> str:
    """A short fingerprint of a state, kept in the log after every turn."""
    h = hashlib.sha256()
    for arr in (st.x, st.stage, st.outcome, st.ended, st.cooldown, st.uses, st.fired, st.held):
        h.update(np.ascontiguousarray(arr).tobytes())
    # format v2 state, only where a scenario has it (a v1 digest is unchanged)
    for extra in (st.last, st.cheld, st.pending, st.wuse, st.mods, st.pledge):
        if extra is not None:
            h.update(np.ascontiguousarray(extra).tobytes())
    h.update(str(st.turn).encode())
    return h.hexdigest()[:32]


class TurnLog:
    """Resolved turns (``turns``) and the actions of the turn being played (``actions``)."""

    def __init__(self) -> None:
        self.turns: list[dict[str, Any]] = []
        self.actions: list[dict[str, Any]] = []

    def record(self, kind: str, turn: int, **fields: Any) -> int:
        """Append an action to this turn's log; returns its inject-stream index (how many
        actions of this turn drew from the inject stream before it)."""
        k = sum(1 for x in self.actions if draws_from_inject_stream(x["kind"]))
        self.actions.append({"kind": kind, "turn": turn, **fields})
        return k

    def keep(self, action: dict[str, Any]) -> None:
        """Append an action as recorded elsewhere (a save's advice, not asked again)."""
        self.actions.append(dict(action))

    def close_turn(self, entry: dict[str, Any]) -> None:
        """A turn resolved: ``entry`` (which holds this turn's actions) joins the turns."""
        self.turns.append(entry)
        self.actions = []


def session_log(s: Session) -> dict[str, Any]:
    """The whole game as plain data (what a save contains)."""
    c = s.c
    meta = s.loaded.as_written.meta  # the file's own words: a save is the same in any language
    forecasts = s.classroom.pending
    return {
        "format_version": s.format_version,
        "game_version": __version__,
        "scenario": {
            "id": meta.id,
            "title": meta.title,
            "version": meta.version,
            "sha256": s.loaded.sha256,
            "path": str(Path(s.loaded.path).resolve()),
        },
        "seed": s.seed,
        "seats": {a: s.seats[a].to_dict() for a in c.actor_ids},
        "ai": s.ai_settings.to_dict(),
        "created": s.created,
        **s.classroom.to_log(),
        **({"parent": dict(s.parent)} if s.parent else {}),
        "turns": [dict(t) for t in s.turn_log.turns],
        "current": {
            "turn": s.current_turn,
            "actions": list(s.turn_log.actions),
            "commits": {c.actor_ids[a]: c.option_ids[a][o] for a, o in s.commits.items()},
            "paused": s.paused,
            **({"forecasts": list(forecasts)} if forecasts else {}),
        },
        "summary": {
            "turn": s.turn,
            "date": s.date.isoformat(),
            "stage": s.stage,
            "over": s.over,
            "outcome": s.outcome,
        },
    }


def autosave(s: Session) -> None:
    """Write the session's autosave, if it has one; a failure is kept in ``autosave_error``."""
    if s.autosave_path is None:
        return
    from game.engine.saves import SaveError, prune_autosaves, save_game

    try:
        save_game(s, s.autosave_path)
        prune_autosaves(s.autosave_path.parent)
        s.autosave_error = None
    except SaveError as e:  # a full disk must not end the game (save_game says SaveError)
        s.autosave_error = _("autosave failed: {error}", error=e)
    except (OSError, ValueError) as e:
        s.autosave_error = _("autosave to {path} failed: {error}", path=s.autosave_path, error=e)
