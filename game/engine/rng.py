"""Random streams of a session, all derived from its one integer seed.

Every stream is ``SeedSequence(seed, spawn_key=key)`` feeding a PCG64 generator,
keyed by purpose and turn (docs/architecture.md, "Randomness"), so no stream is
ever shared: looking at a forecast cannot change the true game, and the same
seed with the same moves replays bit for bit.

``turn`` in every key is the number (1-based) of the turn being chosen or
resolved, i.e. ``session.turn + 1``.
"""

from __future__ import annotations

import secrets

import numpy as np

START = 0  # (0,): the true starting metrics
WORLD = 1  # (1, turn): resolving that turn of the true game
AI = 2  # (2, turn, actor): the AI's forecasts (the same seed for every option);
#         (2, turn, actor, 0): its softmax draw (and a random seat's draw)
ADVICE = 3  # (3, turn, actor): the advisors' forecasts (the same seed for every option)
FOG = 4  # (4, turn, actor): the noise of that actor's estimates during that turn
WHAT_IF = 5  # (5, turn, actor, option): forecasts a player looks at
INJECT = 6  # (6, turn, k): the k-th inject or teacher action of that turn (effect noise)
TYPES = 7  # (7, actor): the actor's private type, drawn once at the start

# (purpose, turn, actor, BELIEF) for purpose in AI, ADVICE, WHAT_IF: the worlds the actor
# believes possible (its estimates' uncertainty), drawn once and shared by every option's
# forecast; an index no option can have.
BELIEF = 999_999

MAX_SEED = 2**63 - 1


def stream(seed: int, *key: int) -> np.random.Generator:
    """The generator for ``key`` (purpose first): a fresh one on every call."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def new_seed() -> int:
    """A random seed for a session started without one (shown to the player, saved)."""
    return secrets.randbelow(2**32)


def check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"a seed must be a whole number, got {seed!r}")
    seed = int(seed)
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"a seed must be between 0 and {MAX_SEED}, got {seed}")
    return seed
