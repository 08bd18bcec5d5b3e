"""Offers (an option's ``offer``): terms the addressee may accept in the next turn only.

The mini scenario gets a Blue offer (its ``talk``) that Red accepts with a new option, and
a deal that only that acceptance can bring; Venezuela's agreements work the same way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import CHEAP
from test_model_reference import _compare

from game.engine import Session
from game.model import available, compile_scenario, initial_state, step
from game.model.reference import ref_available, ref_initial, ref_step
from game.scenario import load_scenario
from game.scenario.load import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini.yaml"
VEN = ROOT / "scenarios" / "venezuela-2025.yaml"

OFFER = """        headline: "{actor} offers talks"
        offer:
          to: red
          terms: Talks on the border line, in return for a pause in the call-up.
          accept: accept
"""
ACCEPT_OPTION = """      - id: accept
        name: Accept Blue's terms
        category: talks
        description: Take up the terms Blue offered.
        escalation: -3
        effects: {tension: -3}
        headline: "{actor} accepts the terms"
        basis: {assumption: Test.}
interactions:
"""
DEAL = """    trigger:
      conditions: [{metric: tension, op: "<", value: 20}]
      hold_turns: 2
      chance: 0.5
"""
DEAL_BY_ACCEPTANCE = """    trigger:
      moves: {red: [accept]}
      chance: 0.9
"""


def _scenario(tmp_path: Path, offer: str = OFFER) -> Path:
    text = MINI.read_text()
    for old, new in (
        ('        headline: "{actor} offers talks"\n', offer),
        ("interactions:\n", ACCEPT_OPTION),
        (DEAL, DEAL_BY_ACCEPTANCE),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new, 1)
    p = tmp_path / "mini.yaml"
    p.write_text(text)
    (tmp_path / "mini-facts.yaml").write_text((MINI.parent / "mini-facts.yaml").read_text())
    return p


@pytest.fixture(scope="module")
def scn(tmp_path_factory: pytest.TempPathFactory):
    return load_scenario(_scenario(tmp_path_factory.mktemp("offer"))).scenario


def test_the_terms_can_be_accepted_in_the_next_turn_only(scn) -> None:
    c = compile_scenario(scn)
    blue, red = c.actor_index("blue"), c.actor_index("red")
    acc = c.option_index(red, "accept")
    st = initial_state(c, 2, np.random.default_rng(1))
    w = ref_initial(scn, np.random.default_rng(1))
    assert not available(c, st)[:, red, acc].any()
    assert "accept" not in ref_available(scn, w, "red")
    rng, ref_rng = np.random.default_rng(2), np.random.default_rng(3)
    for blue_move, open_after in (("talk", True), ("wait", False), ("talk", True)):
        mv = np.tile([c.option_index(blue, blue_move), c.hold[red]], (st.n, 1))
        step(c, st, mv, rng)
        ref_step(scn, w, {"blue": blue_move, "red": "wait"}, ref_rng)
        running = st.outcome < 0
        assert (available(c, st)[running, red, acc] == open_after).all()
        if w.outcome is None:
            assert ("accept" in ref_available(scn, w, "red")) == open_after


@pytest.mark.parametrize("seed", range(4))
def test_no_deal_without_acceptance(scn, seed: int) -> None:
    """Whatever else is played, the deal never happens unless Red accepts: random play
    that never accepts ends in no deal; accepting the open terms ends 90% of games in one."""
    c = compile_scenario(scn)
    red = c.actor_index("red")
    acc = c.option_index(red, "accept")
    deal = c.outcome_ids.index("deal")
    rng = np.random.default_rng(seed)
    st = initial_state(c, 3000, rng)
    for _ in range(c.turn_limit):
        ok = available(c, st)
        ok[:, red, acc] = False  # Red never accepts
        u = rng.random(ok.shape) * ok
        step(c, st, u.argmax(axis=2), rng)
    assert not (st.outcome == deal).any()
    # the same worlds' opening, with Red accepting open terms at once
    st = initial_state(c, 3000, np.random.default_rng(seed))
    talk = c.option_index("blue", "talk")
    step(c, st, np.tile([talk, c.hold[red]], (st.n, 1)), rng)
    run = st.outcome < 0
    step(c, st, np.tile([c.hold[0], acc], (st.n, 1)), rng)
    share = (st.outcome[run] == deal).mean()
    assert 0.85 < share < 0.95


def test_both_models_agree_with_offers(scn) -> None:
    _compare(scn, 20000, 3000, 5, 21, {"blue": "random", "red": "random"})


def test_the_addressee_sees_the_terms(tmp_path: Path) -> None:
    s = Session.new(
        _scenario(tmp_path),
        seed=3,
        seats={"blue": "human", "red": "human"},
        ai=CHEAP,
        autosave=False,
    )
    s.commit("blue", "talk")
    s.commit("red", "wait")
    s.resolve()
    (o,) = s.view("red").offers
    assert (o.actor, o.option, o.to, o.accept) == ("blue", "talk", "red", "accept")
    assert o.text == (
        "Offer from Blue: Talks on the border line, in return for a pause in the call-up. "
        "Red may accept it this turn only (Accept Blue's terms)."
    )
    assert s.view("blue").offers == [o]  # public: every side reads it
    accept = next(x for x in s.view("red").options if x.id == "accept")
    assert accept.available
    s.commit("blue", "wait")
    s.commit("red", "wait")  # rejected by playing something else
    s.resolve()
    assert s.view("red").offers == []
    assert not next(x for x in s.view("red").options if x.id == "accept").available


def test_venezuela_agreements_need_acceptance() -> None:
    scn = load_scenario(VEN).scenario
    by_id = {o.id: o for o in scn.outcomes}
    assert by_id["exit_deal"].trigger.moves == {"ven": ["accept_exit"]}
    offers = {
        (a.id, o.id): (o.offer.to, o.offer.accept)
        for a in scn.actors
        for o in a.options
        if o.offer is not None
    }
    assert offers == {
        ("usa", "assurance"): ("ven", "accept_terms"),
        ("usa", "exit_offer"): ("ven", "accept_exit"),
        ("ven", "concessions"): ("usa", "accept_terms"),
    }
    c = compile_scenario(scn)
    ven, usa = c.actor_index("ven"), c.actor_index("usa")
    st = initial_state(c, 2000, np.random.default_rng(5))
    rng = np.random.default_rng(6)
    # eight turns of everything but acceptance: no agreement of either kind
    for _ in range(8):
        ok = available(c, st)
        for a, oid in ((ven, "accept_exit"), (ven, "accept_terms"), (usa, "accept_terms")):
            ok[:, a, c.option_index(a, oid)] = False
        step(c, st, (rng.random(ok.shape) * ok).argmax(axis=2), rng)
    ended = st.outcome[st.outcome >= 0]
    names = {c.outcome_ids[k] for k in ended}
    assert not names & {"exit_deal", "settlement"}


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("to: red", "to: redd", "unknown actor 'redd'"),
        ("to: red", "to: blue", "made to another actor"),
        ("accept: accept", "accept: acept", "did you mean 'accept'"),
        ("accept: accept", "accept: wait", "holding course cannot be what accepts"),
    ],
)
def test_bad_offers_are_reported(tmp_path: Path, old: str, new: str, says: str) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(_scenario(tmp_path, OFFER.replace(old, new, 1)))
    msg = str(err.value)
    assert "mini.yaml" in msg and "offer" in msg and says in msg, msg


def test_each_offer_is_recorded_with_the_answer_it_got(tmp_path: Path) -> None:
    """Worked by hand: Blue's offer (``talk``) is accepted, ignored, countered (Red's own
    offer back to Blue, which Blue takes up), and left open by the end of the game."""
    from game.engine.commitments import offer_results

    path = _scenario(tmp_path)
    text = path.read_text()
    back = (
        '        headline: "{actor} agrees to talk"\n'
        "        offer: {to: blue, terms: A pause in the call-up for talks., accept: talk}\n"
    )
    path.write_text(text.replace('        headline: "{actor} agrees to talk"\n', back, 1))
    red_offer = load_scenario(path).scenario
    moves = [
        {"blue": "talk", "red": "wait"},
        {"blue": "wait", "red": "accept"},
        {"blue": "talk", "red": "wait"},
        {"blue": "talk", "red": "mobilise"},
        {"blue": "wait", "red": "talk"},
        {"blue": "talk", "red": "wait"},
    ]
    got = [(r.turn, r.actor, r.to, r.answer, r.reply) for r in offer_results(red_offer, moves)]
    assert got == [
        (1, "blue", "red", "accepted", "accept"),
        (3, "blue", "red", "rejected", "mobilise"),
        (4, "blue", "red", "countered", "talk"),
        (5, "red", "blue", "accepted", "talk"),  # Red's terms are accepted by Blue's talk
        (6, "blue", "red", "open", None),
    ]
    assert offer_results(red_offer, moves)[0].terms == (
        "Talks on the border line, in return for a pause in the call-up."
    )


def test_the_report_lists_offers_and_answers(tmp_path: Path) -> None:
    """A game with an offer that was turned down and one that was accepted: the report's
    table and offers.csv say so, with the terms."""
    import csv

    from game.cli import main
    from game.engine import save_game

    s = Session.new(
        _scenario(tmp_path),
        seed=3,
        seats={"blue": "human", "red": "human"},
        ai=CHEAP,
        autosave=False,
    )
    for blue, red in (("talk", "wait"), ("talk", "mobilise"), ("wait", "accept")):
        if s.over:
            break
        s.commit("blue", blue)
        s.commit("red", red)
        s.resolve()
    assert s.turn == 3
    log = save_game(s, tmp_path / "game.json")
    out = tmp_path / "report.html"
    args = ["report", str(log), "-o", str(out), "--worlds", "200", "--csv", str(tmp_path)]
    assert main(args) == 0
    html = out.read_text(encoding="utf-8")
    assert "Offers and answers" in html
    assert "Talks on the border line, in return for a pause in the call-up." in html
    assert "not taken up: Red chose Mobilise in turn 2" in html
    assert "accepted in turn 3" in html
    rows = list(csv.DictReader((tmp_path / "offers.csv").open(encoding="utf-8-sig")))
    assert [(r["turn"], r["actor"], r["to"], r["answer"], r["reply"]) for r in rows] == [
        ("1", "blue", "red", "rejected", "mobilise"),
        ("2", "blue", "red", "accepted", "accept"),
    ]


def test_the_log_writes_each_offers_terms_and_older_saves_still_load(tmp_path: Path) -> None:
    """A turn with an offer records it in the log with its terms (in the file's words);
    a save written before the log carried them (no ``offers``) re-plays and loads."""
    import json

    from game.engine import load_game, save_game
    from game.engine.saves import encode

    path = _scenario(tmp_path)
    s = Session.new(path, seed=3, seats={"blue": "human", "red": "human"}, autosave=False)
    for blue, red in (("talk", "wait"), ("wait", "wait")):
        s.commit("blue", blue)
        s.commit("red", red)
        s.resolve()
    first, second = s.log["turns"]
    assert first["offers"] == [
        {
            "actor": "blue",
            "option": "talk",
            "to": "red",
            "terms": "Talks on the border line, in return for a pause in the call-up.",
            "accept": "accept",
        }
    ]
    assert "offers" not in second  # no offer, no key
    saved = save_game(s, tmp_path / "game.json")
    assert load_game(saved).turn == 2
    # the same game as an older engine wrote it
    doc = json.loads(saved.read_text(encoding="utf-8"))
    del doc["log"]["turns"][0]["offers"]
    saved.write_bytes(encode(doc["log"]))
    assert load_game(saved).turn == 2
