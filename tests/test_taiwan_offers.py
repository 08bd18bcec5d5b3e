"""Taiwan's understanding comes only by an accepted offer: Washington's letter or summit and
Beijing's envoy carry terms, and the other capital may accept them (``accept_terms``) in the
next turn, from the turn of Taiwan's vote and with the channel and tension where the
understanding used to need them. Play that never accepts never ends in an understanding, in
the batched model and in the reference model; accepting the open terms ends the game in one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.model import available, compile_scenario, initial_state, step
from game.model.policy import scripted_moves
from game.model.reference import ref_available, ref_choose, ref_initial, ref_step
from game.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
TAIWAN = ROOT / "scenarios" / "taiwan-1995.yaml"
PLAYERS = ("usa", "prc")
# talks weigh six times as much as any other move, so that the terms are often open
TALKS = {"usa": ("hold", "reassure_letter", "summit"), "prc": ("hold", "talks_envoy")}


@pytest.fixture(scope="module")
def scn():
    return load_scenario(TAIWAN).scenario


@pytest.fixture(scope="module")
def c(scn):
    return compile_scenario(scn)


def _weights(c, actor: str) -> np.ndarray:
    a = c.actor_index(actor)
    w = np.ones(c.max_options)
    for o in TALKS[actor]:
        w[c.option_index(a, o)] = 6.0
    return w


def _moves(c, st, ok: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scripted sides by their rules, the players at random among what they may choose."""
    mv = np.empty((st.n, c.n_actors), dtype=np.int64)
    for a in sorted(c.v2.scripts):
        mv[:, a] = scripted_moves(c, st, a, ok)
    for actor in PLAYERS:
        a = c.actor_index(actor)
        key = rng.random(ok[:, a].shape) ** (1.0 / _weights(c, actor)[: ok.shape[2]])
        mv[:, a] = (key * ok[:, a]).argmax(axis=1)
    return mv


def test_the_terms_and_who_accepts_them(scn) -> None:
    offers = {
        (a.id, o.id): (o.offer.to, o.offer.accept)
        for a in scn.actors
        for o in a.options
        if o.offer is not None
    }
    assert offers == {
        ("usa", "reassure_letter"): ("prc", "accept_terms"),
        ("usa", "summit"): ("prc", "accept_terms"),
        ("prc", "talks_envoy"): ("usa", "accept_terms"),
    }
    (und,) = (o for o in scn.outcomes if o.id == "understanding")
    text = und.trigger.model_dump_json()
    assert "accept_terms" in text and "channel" not in text and "tension" not in text


@pytest.mark.parametrize("seed", range(2))
def test_no_understanding_without_acceptance_batched(c, seed: int) -> None:
    usa, prc = c.actor_index("usa"), c.actor_index("prc")
    acc = [(usa, c.option_index(usa, "accept_terms")), (prc, c.option_index(prc, "accept_terms"))]
    und = c.outcome_ids.index("understanding")
    rng = np.random.default_rng(seed)
    st = initial_state(c, 3000, rng)
    open_seen = 0
    for _ in range(c.turn_limit):
        ok = available(c, st)
        running = st.outcome < 0
        for a, k in acc:
            open_seen += int(ok[running, a, k].sum())
            ok[:, a, k] = False  # neither side ever accepts
        step(c, st, _moves(c, st, ok, rng), rng)
        assert not (st.outcome == und).any()
    assert open_seen > 100  # the terms were open often: refusing them is what kept it away


def test_no_understanding_without_acceptance_reference(scn) -> None:
    rng = np.random.default_rng(7)
    weights = {
        a.id: {o.id: 6.0 if o.id in TALKS[a.id] else 1.0 for o in a.options}
        for a in scn.actors
        if a.id in PLAYERS
    }
    for w in weights.values():
        del w["accept_terms"]  # neither side ever accepts
    open_seen = 0
    for _ in range(300):
        w = ref_initial(scn, rng)
        while w.outcome is None:
            for actor in PLAYERS:
                open_seen += "accept_terms" in ref_available(scn, w, actor)
            moves = {
                a.id: ref_choose(scn, w, a.id, weights.get(a.id, "script"), rng) for a in scn.actors
            }
            assert "accept_terms" not in moves.values()
            ref_step(scn, w, moves, rng)
        assert w.outcome != "understanding"
    assert open_seen > 10


def test_accepting_open_terms_brings_the_understanding(c) -> None:
    """Both capitals talk for twenty turns (letters, the summit, envoys); in the turn of the
    vote Washington takes up the envoy's terms wherever it may: nearly every game ends in an
    understanding then, and none without someone accepting."""
    usa, prc = c.actor_index("usa"), c.actor_index("prc")
    und = c.outcome_ids.index("understanding")
    envoy = c.option_index(prc, "talks_envoy")
    rng = np.random.default_rng(11)
    st = initial_state(c, 2000, rng)

    def talk(ok: np.ndarray) -> np.ndarray:
        mv = np.empty((st.n, c.n_actors), dtype=np.int64)
        for a in sorted(c.v2.scripts):
            mv[:, a] = scripted_moves(c, st, a, ok)
        mv[:, usa] = c.hold[usa]
        for o in ("reassure_letter", "summit"):
            k = c.option_index(usa, o)
            mv[ok[:, usa, k], usa] = k
        mv[:, prc] = np.where(ok[:, prc, envoy], envoy, c.hold[prc])
        return mv

    for _ in range(20):
        step(c, st, talk(available(c, st)), rng)
        assert not (st.outcome == und).any()
    ok = available(c, st)
    mv = talk(ok)
    accept = c.option_index(usa, "accept_terms")
    mv[ok[:, usa, accept], usa] = accept
    step(c, st, mv, rng)
    assert st.turn == 21
    assert (st.outcome == und).mean() > 0.9
    assert ((st.outcome == und) == ok[:, usa, accept]).all()
