"""Format v2: each feature through the batched model and the reference model
(distribution agreement), and through the engine where players see it.

The scenario is tests/data/v2-features.yaml (mini.yaml plus every v2 feature).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import CHEAP
from test_model_reference import _compare

from game.engine import Session
from game.model import available, compile_scenario, initial_state, step
from game.model.compiled import unavailable_reason
from game.model.reference import ref_available, ref_initial, ref_step
from game.scenario import load_scenario
from game.scenario.load import ScenarioError
from game.scenario.paths import is_sidecar  # translations are not scenarios

ROOT = Path(__file__).resolve().parents[1]
V2 = ROOT / "tests" / "data" / "v2-features.yaml"
MINI = ROOT / "tests" / "data" / "mini.yaml"


@pytest.fixture(scope="module")
def scn():
    return load_scenario(V2).scenario


def _moves(c, n: int, **by_actor: str) -> np.ndarray:
    mv = np.array([c.hold.copy() for _ in range(n)], dtype=np.int64)
    for aid, oid in by_actor.items():
        a = c.actor_index(aid)
        mv[:, a] = c.option_index(a, oid)
    return mv


def _ok(c, st, actor: str, option: str) -> np.ndarray:
    a = c.actor_index(actor)
    return available(c, st)[:, a, c.option_index(a, option)]


# --------------------------------------------------------------------------------------
# v1 scenarios take the v1 path


def test_v1_scenarios_have_no_v2_parts() -> None:
    # (Venezuela left the v1 path with its ultimatum, a commitment)
    for path in (MINI,):
        c = compile_scenario(load_scenario(path).scenario)
        assert c.v2 is None
        st = initial_state(c, 3, np.random.default_rng(0))
        assert st.last is None and st.cheld is None and st.pending is None


# --------------------------------------------------------------------------------------
# conditions: turn ranges, last turn's moves, not / any, stage (batched and reference)


def test_availability_conditions_in_both_models(scn) -> None:
    c = compile_scenario(scn)
    st = initial_state(c, 4, np.random.default_rng(1))
    w = ref_initial(scn, np.random.default_rng(1))
    # turn 1: the ultimatum needs turn >= 2; protest needs a strike last turn
    assert not _ok(c, st, "blue", "ultimatum").any()
    assert "ultimatum" not in ref_available(scn, w, "blue")
    assert not _ok(c, st, "red", "protest").any()
    assert "protest" not in ref_available(scn, w, "red")
    # the strike needs the crisis stage: put every world there, then strike
    st.stage[:] = 1
    w.stage = 1
    step(c, st, _moves(c, 4, blue="strike"), np.random.default_rng(2))
    ref_step(scn, w, {"blue": "strike", "red": "wait"}, np.random.default_rng(2))
    assert _ok(c, st, "red", "protest").all()
    assert "protest" in ref_available(scn, w, "red")
    # turn 2: the ultimatum is open where the stage is at most crisis or tension > 60
    want = (st.stage <= 1) | (st.x[:, c.index["metric"]["tension"]] > 60)
    assert (_ok(c, st, "blue", "ultimatum") == want).all()
    # after an ultimatum, not the next turn (not + last_turn); protest closes again
    st.stage[:] = 0
    step(c, st, _moves(c, 4, blue="ultimatum"), np.random.default_rng(3))
    assert not _ok(c, st, "blue", "ultimatum").any()
    assert not _ok(c, st, "red", "protest").any()
    w.stage = 0
    ref_step(scn, w, {"blue": "ultimatum", "red": "wait"}, np.random.default_rng(3))
    assert "ultimatum" not in ref_available(scn, w, "blue")
    # the engine words the reason from the same condition tree
    s = Session.new(V2, seed=1, seats={"blue": "human", "red": "wait"}, ai=CHEAP, autosave=False)
    why = next(o.reason for o in s.options("blue") if o.id == "ultimatum")
    assert why == "needs turns 2 to 8"


def test_turn_range_closes_after_its_last_turn(scn) -> None:
    c = compile_scenario(scn)
    st = initial_state(c, 2, np.random.default_rng(4))
    st.turn = 8  # the turn to play is 9: past at_most 8
    assert not _ok(c, st, "blue", "ultimatum").any()
    st.turn = 7
    st.stage[:] = 0
    assert _ok(c, st, "blue", "ultimatum").all()


# --------------------------------------------------------------------------------------
# trend: a constant change per turn, exact in both models


def test_trend_is_a_constant_per_turn(scn) -> None:
    c = compile_scenario(scn)
    m = c.index["metric"]["alert"]
    st = initial_state(c, 50, np.random.default_rng(5))
    w = ref_initial(scn, np.random.default_rng(5))
    rng, rrng = np.random.default_rng(6), np.random.default_rng(6)
    for t in range(1, 5):
        step(c, st, _moves(c, 50), rng)
        ref_step(scn, w, {"blue": "wait", "red": "wait"}, rrng)
        running = st.outcome < 0
        assert np.all(st.x[running, m] == t)
        if w.outcome is None:
            assert w.x["alert"] == t


# --------------------------------------------------------------------------------------
# a branch's condition and an absolute stage set (stage_to)


def test_branch_condition_and_stage_to(scn) -> None:
    c = compile_scenario(scn)
    clashes = c.index["stage"]["clashes"]
    n = 4000
    # red mobilises this turn: the branch (p 0.5) happens and the ladder jumps to clashes
    st = initial_state(c, n, np.random.default_rng(7))
    st.turn = 1
    info = step(
        c, st, _moves(c, n, blue="ultimatum", red="mobilise"), np.random.default_rng(8), True
    )
    assert info is not None
    r = int(np.flatnonzero(c.br_option == c.option_index("blue", "ultimatum"))[0])
    hit = info.branches[:, r]
    assert 0.45 < hit.mean() < 0.55
    assert (st.stage[hit] == clashes).all()  # an absolute set skips the ladder's own step
    # elsewhere only the incident (one rung) and the ladder's step (one more) get there
    assert (st.stage[~hit] == clashes).mean() < 0.05
    # red talks instead: the branch can never happen
    st = initial_state(c, n, np.random.default_rng(7))
    st.turn = 1
    info = step(c, st, _moves(c, n, blue="ultimatum", red="talk"), np.random.default_rng(8), True)
    assert info is not None and not info.branches.any()
    assert (st.stage == clashes).mean() < 0.05
    # the reference: the same share at clashes
    k = 0
    for i in range(600):
        w = ref_initial(scn, np.random.default_rng(100 + i))
        w.turn = 1
        ref_step(scn, w, {"blue": "ultimatum", "red": "mobilise"}, np.random.default_rng(i))
        k += w.stage == clashes
    assert abs(k / 600 - 0.5) < 4.5 * np.sqrt(0.25 / 600)


# --------------------------------------------------------------------------------------
# chains and held conditions: distribution agreement under fixed play


def test_chain_and_stage_to_agree_between_models(scn) -> None:
    # red mobilises every turn: from turn 2 on its second mobilisation, the stray patrol
    # can fire; it sets off the firefight the next turn, which puts the ladder at war
    _compare(scn, 20_000, 1_500, 8, seed=31, policies={"blue": "wait", "red": "mobilise"})
    c = compile_scenario(scn)
    st = initial_state(c, 5000, np.random.default_rng(9))
    rng = np.random.default_rng(10)
    ff = c.index["event"]["firefight"]
    war = c.index["stage"]["war"]
    seen_chain = 0
    for _ in range(5):
        before = st.fired[:, ff].copy()
        info = step(c, st, _moves(c, st.n, red="mobilise"), rng, explain=True)
        assert info is not None
        new = info.events[:, ff] & ~before
        seen_chain += int(new.sum())
        assert (info.stage_after[new] == war).all()
    assert seen_chain > 100  # the hazard of the firefight itself is 0: only the chain fires it


def test_held_condition_agrees_between_models(scn) -> None:
    _compare(scn, 20_000, 1_500, 6, seed=41, policies={"blue": "talk", "red": "talk"})
    c = compile_scenario(scn)
    q = c.outcome_ids.index("talks_hold")
    st = initial_state(c, 3000, np.random.default_rng(11))
    rng = np.random.default_rng(12)
    for t in range(1, 5):
        step(c, st, _moves(c, st.n, blue="talk", red="talk"), rng)
        ended = st.outcome == q
        if t < 3:
            assert not ended.any()  # three turns in a row, this one included
    assert (st.outcome == q).mean() > 0.5


def test_random_play_agrees(scn) -> None:
    _compare(scn, 20_000, 1_500, scn.meta.turn_limit, seed=51)


# a coupling that acts only while Red mobilises at crisis or above: tension then drives
# resolve hard (a rally round the flag), otherwise not at all
WHEN_COUPLING = """
    - source: tension
      target: resolve
      coef: 0.6
      when:
        - move: {actor: red, options: [mobilise], when: this_turn}
        - stage: {at_least: crisis}
      basis: {assumption: Test.}
fog:"""


def _with_when_coupling(tmp_path: Path) -> Path:
    text = V2.read_text().replace("\nfog:", WHEN_COUPLING, 1)
    path = tmp_path / "v2.yaml"
    path.write_text(text)
    (tmp_path / "mini-facts.yaml").write_text((ROOT / "tests/data/mini-facts.yaml").read_text())
    return path


def test_a_coupling_with_when_agrees_between_models(tmp_path: Path) -> None:
    scn = load_scenario(_with_when_coupling(tmp_path)).scenario
    assert scn.dynamics.coupling[-1].when
    c = compile_scenario(scn)
    assert c.v2 is not None and len(c.v2.cp) == 1
    # not in the fixed drift matrix: only the unconditional coupling is
    t_, r_ = c.index["metric"]["tension"], c.index["metric"]["resolve"]
    assert c.drift[t_, r_] == pytest.approx(0.05)
    _compare(scn, 20_000, 1_500, 6, seed=61, policies={"red": "mix:mobilise=0.5,talk=0.5"})
    # where it holds, it moves resolve by coef·(tension − 35) more than where it does not
    st = initial_state(c, 4000, np.random.default_rng(3))
    st.x[:, t_] = 80.0
    st.stage[: st.n // 2] = c.index["stage"]["crisis"]
    st.stage[st.n // 2 :] = c.index["stage"]["calm"]
    r0 = st.x[:, r_].copy()
    info = step(c, st, _moves(c, st.n, red="mobilise"), np.random.default_rng(4), explain=True)
    assert info is not None
    k = info.labels.index("drift")
    drift = info.delta[:, k, r_]
    on, off = drift[: st.n // 2], drift[st.n // 2 :]
    assert on.mean() - off.mean() == pytest.approx(0.6 * (80 - 35), abs=1.0)
    # the explanation still adds up to the change
    assert np.allclose(info.delta[:, :, r_].sum(axis=1), info.x_after[:, r_] - r0, atol=1e-6)


def test_a_coupling_when_is_checked(tmp_path: Path) -> None:
    path = _with_when_coupling(tmp_path)
    path.write_text(
        path.read_text().replace(
            "options: [mobilise], when: this_turn}", "options: [mobilize], when: this_turn}"
        )
    )
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    msg = str(e.value)
    assert "dynamics.coupling[1].when[0]" in msg and "mobilise" in msg


# --------------------------------------------------------------------------------------
# the loader


@pytest.mark.parametrize(
    ("patch", "says"),
    [
        ("- turn: {at_least: 2, at_most: 8}", "- {color: 2}"),
        (
            "- move: {actor: blue, options: [strike], when: last_turn}",
            "- move: {actor: blue, options: [strike], when: this_turn}",
        ),
        ("- stage: {at_most: crisis}", "- stage: {at_most: crisiss}"),
        ("    stage_to: war\n", "    stage_to: war\n    stage_change: 1\n"),
    ],
)
def test_bad_v2_input_is_reported(tmp_path: Path, patch: str, says: str) -> None:
    text = V2.read_text()
    assert patch in text
    bad = tmp_path / "v2.yaml"
    bad.write_text(text.replace(patch, says, 1))
    (tmp_path / "mini-facts.yaml").write_text((ROOT / "tests/data/mini-facts.yaml").read_text())
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    msg = str(err.value)
    assert "v2.yaml" in msg
    if "color" in says:
        assert "a condition needs one of the keys" in msg
    elif "this_turn" in says:
        assert "this_turn cannot be known here" in msg
    elif "crisiss" in says:
        assert "did you mean 'crisis'" in msg
    else:
        assert "not both" in msg


# --------------------------------------------------------------------------------------
# the engine: what players see


def _play(seats: dict[str, str], turns: int, seed: int = 3) -> Session:
    s = Session.new(V2, seed=seed, seats=seats, ai=CHEAP, autosave=False)
    for _ in range(turns):
        if s.over:
            break
        for aid in s.waiting():
            s.commit(aid, "wait")
        s.resolve()
    return s


def test_hidden_metric_never_reaches_a_view() -> None:
    s = _play({"blue": "ultimatum", "red": "mobilise"}, 4)
    for actor in ("blue", "red"):
        v = s.view(actor)
        assert "alert" not in [m.id for m in v.metrics]
        assert "Alert timer" not in json.dumps(v.to_dict(), default=str)
        for t in range(1, s.turn + 1):
            rep = s.report(actor, t)
            assert rep is not None
            assert "alert" not in [mc.metric for mc in rep.metrics]
    # the engine itself keeps it (the timer counts turns)
    assert s.state.x[0, s.c.index["metric"]["alert"]] == min(s.turn, 20)


def test_actor_metric_and_its_public_when() -> None:
    # ops is Blue's only, until Red has gone to talks twice
    s = _play({"blue": "wait", "red": "talk"}, 1)
    assert "ops" in [m.id for m in s.view("blue").metrics]
    assert "ops" not in [m.id for m in s.view("red").metrics]
    assert "ops" not in [mc.metric for mc in s.report("red").metrics]  # type: ignore[union-attr]
    s.resolve()
    assert "ops" in [m.id for m in s.view("red").metrics]


def test_hidden_stage_until_public() -> None:
    s = _play({"blue": "wait", "red": "wait"}, 1)
    assert s.view("blue").stage == s.stage
    red = s.view("red")
    assert red.stage == "" and red.stage_name == "Unknown"
    rep = s.report("red")
    assert rep is not None and rep.stage_after == ""
    # once the ladder is at clashes or above at the end of a turn, everyone sees it for
    # the rest of the game (from war it can only step down to clashes)
    s.state.stage[0] = s.c.index["stage"]["war"]
    s.resolve()
    assert not s.over and s.view("red").stage == s.stage
    s.state.stage[0] = 0
    s.resolve()
    if not s.over:
        assert s.view("red").stage == s.stage


# --------------------------------------------------------------------------------------
# v2-actors.yaml: a scripted neighbour, a private move with a use window, an AI bias and
# an inject aimed at one actor

ACTORS = ROOT / "tests" / "data" / "v2-actors.yaml"


@pytest.fixture(scope="module")
def scn3():
    return load_scenario(ACTORS).scenario


def test_use_window_in_both_models(scn3) -> None:
    # at most 1 use in any 3 turns: used in turn 1, open again in turn 4
    c = compile_scenario(scn3)
    st = initial_state(c, 3, np.random.default_rng(1))
    w = ref_initial(scn3, np.random.default_rng(1))
    rng, rrng = np.random.default_rng(2), np.random.default_rng(2)
    open_b, open_r = [], []
    for _ in range(5):
        open_b.append(bool(_ok(c, st, "blue", "backchannel").all()))
        open_r.append("backchannel" in ref_available(scn3, w, "blue"))
        mv = "backchannel" if open_b[-1] else "wait"
        step(c, st, _moves(c, 3, blue=mv, red="wait", green="wait"), rng)
        ref_step(scn3, w, {"blue": mv, "red": "wait", "green": "wait"}, rrng)
    assert open_b == open_r == [True, False, False, True, False]
    why = unavailable_reason(c, st, c.actor_index("blue"), c.option_index("blue", "backchannel"))
    assert why == "at most 1 use in any 3 turns"


def test_scripted_actor_follows_its_rules_in_both_models(scn3) -> None:
    from game.model import policies_for

    c = compile_scenario(scn3)
    g = c.actor_index("green")
    pol = policies_for(c)  # the scripted actor gets its script, the others uniform play
    n = 500
    st = initial_state(c, n, np.random.default_rng(3))
    st.stage[: n // 2] = c.index["stage"]["clashes"]
    assert st.last is not None  # the script reads last turn's moves: the state keeps them
    st.last[n // 2 : 3 * n // 4, c.actor_index("red")] = c.option_index("red", "mobilise")
    avail = available(c, st)
    got = pol[g](c, st, g, avail, np.random.default_rng(0), 0)
    assert (got[: n // 2] == c.option_index("green", "side")).all()
    assert (got[n // 2 : 3 * n // 4] == c.option_index("green", "mediate")).all()
    assert (got[3 * n // 4 :] == c.option_index("green", "wait")).all()
    # distribution agreement with the reference under random play for the two others
    _compare(scn3, 20_000, 1_500, scn3.meta.turn_limit, seed=61)


def test_scripted_actor_gets_no_seat_and_no_ai() -> None:
    s = Session.new(
        ACTORS, seed=2, seats={"blue": "human", "red": "mobilise"}, ai=CHEAP, autosave=False
    )
    assert s.seats["green"].kind == "scripted"
    assert s.waiting() == ["blue"]
    with pytest.raises(ValueError, match="scripted actor"):
        Session.new(ACTORS, seed=2, seats={"green": "human"}, ai=CHEAP, autosave=False)
    s.commit("blue", "wait")
    s.resolve()  # red mobilised: the neighbour mediates next turn
    s.commit("blue", "wait")
    rep = s.resolve()
    assert rep.moves["green"].option == "mediate"
    assert "green" not in s.last_decisions  # no computer player behind it


def test_private_move_reaches_its_addressee_only() -> None:
    s = Session.new(
        ACTORS, seed=4, seats={"blue": "backchannel", "red": "wait"}, ai=CHEAP, autosave=False
    )
    s.resolve()
    text = "sends a private offer"
    assert any(text in n.headline for n in s.view("red").news)
    assert any(text in n.headline for n in s.view("blue").news)
    assert not any(text in n.headline for n in s.view("green").news)
    assert not any(text in n.headline for n in s.news_for(None))  # no public news
    assert s.view("green").known_moves["blue"][0][1] == "wait"
    assert s.view("red").known_moves["blue"][0][1] == "backchannel"
    green = s.report("green")
    assert green is not None and green.moves["blue"].option == "wait"
    assert all(not p.label.startswith("Blue") for mc in green.metrics for p in mc.sources)


def test_aimed_inject_reaches_one_actor() -> None:
    s = Session.new(ACTORS, seed=5, seats={"blue": "wait", "red": "wait"}, ai=CHEAP, autosave=False)
    s.resolve()  # the report is an inject of turn 2
    head = "Intelligence report"
    assert any(head in n.headline for n in s.view("blue").news)
    for other in ("red", "green"):
        assert not any(head in n.headline for n in s.view(other).news)
    assert not any(head in n.headline for n in s.news_for(None))
    s.resolve()
    for other in ("red", "green"):
        rep = s.report(other)
        assert rep is not None and head not in json.dumps(rep.to_dict(), default=str)
    blue = s.report("blue")
    assert blue is not None and head in json.dumps(blue.to_dict(), default=str)


def test_ai_bias_tilts_the_computer() -> None:
    from game.engine.ai import decide

    loaded = load_scenario(ACTORS)
    c = compile_scenario(loaded.scenario)
    st = initial_state(c, 16, np.random.default_rng(0))
    a = c.actor_index("blue")
    avail = available(c, st)[0, a]
    settings = CHEAP
    d = decide(
        c,
        st,
        a,
        avail,
        [int(h) for h in c.hold],
        settings,
        lambda: np.random.default_rng(1),
        np.random.default_rng(2),
    )
    unbiased = loaded.scenario.actors[a].ai.model_copy(update={"bias": {}})
    actors = list(loaded.scenario.actors)
    actors[a] = actors[a].model_copy(update={"ai": unbiased})
    c0 = compile_scenario(loaded.scenario.model_copy(update={"actors": actors}))
    d0 = decide(
        c0,
        st,
        a,
        avail,
        [int(h) for h in c.hold],
        settings,
        lambda: np.random.default_rng(1),
        np.random.default_rng(2),
    )
    k = d.options.index(c.option_index("blue", "talk"))
    assert d.scores[k] == pytest.approx(d0.scores[k] + 3.0)
    others = [i for i in range(len(d.options)) if i != k]
    assert [d.scores[i] for i in others] == [d0.scores[i] for i in others]


# --------------------------------------------------------------------------------------
# the JSON Schema: an outside validator accepts the v2 files and the shipped scenarios


@pytest.mark.parametrize(
    "path",
    [V2, ACTORS, *sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if not is_sidecar(p))],
    ids=lambda p: p.name,
)
def test_json_schema_accepts_v2_files(path: Path) -> None:
    import yaml
    from test_schema_export import _errors

    assert _errors(yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def test_json_schema_rejects_a_bad_condition() -> None:
    import yaml
    from test_schema_export import _errors

    data = yaml.safe_load(V2.read_text(encoding="utf-8"))
    opts = data["actors"][0]["options"]
    ult = next(o for o in opts if o["id"] == "ultimatum")
    ult["available"]["conditions"][0] = {"color": 2}
    assert any("available/conditions/0" in e for e in _errors(data))


def test_a_bare_stage_id_is_one_stage(tmp_path: Path) -> None:
    text = V2.read_text().replace("- stage: {at_most: crisis}", "- stage: calm", 1)
    path = tmp_path / "v2.yaml"
    path.write_text(text)
    (tmp_path / "mini-facts.yaml").write_text((ROOT / "tests/data/mini-facts.yaml").read_text())
    c = compile_scenario(load_scenario(path).scenario)
    st = initial_state(c, 2, np.random.default_rng(0))
    st.turn = 2
    st.x[:, c.index["metric"]["tension"]] = 10
    st.stage[:] = [0, 1]
    assert _ok(c, st, "blue", "ultimatum").tolist() == [True, False]


# --------------------------------------------------------------------------------------
# modifiers that last N turns


def test_event_modifier_multiplies_odds_for_n_turns(scn) -> None:
    c = compile_scenario(scn)
    k = 0  # the stray patrol's modifier: the incident's odds x4 for two turns
    assert c.v2 is not None and c.v2.mod_turns[k] == 2
    n = 20_000
    inc = c.index["event"]["incident"]
    rates = []
    for active in (0, 2):
        st = initial_state(c, n, np.random.default_rng(13))
        assert st.mods is not None
        st.mods[:, k] = active
        info = step(c, st, _moves(c, n), np.random.default_rng(14), explain=True)
        assert info is not None
        rates.append(info.events[:, inc].mean())
        if active:
            assert (st.mods[st.outcome < 0, k] == 1).all()  # one turn used up
    odds = [r / (1 - r) for r in rates]
    assert 3.2 < odds[1] / odds[0] < 4.8
    # the reference: the same rate with the modifier on
    hits = 0
    for i in range(2000):
        w = ref_initial(scn, np.random.default_rng(200 + i))
        w.mods = {k: 2}
        hits += "incident" in ref_step(
            scn, w, {"blue": "wait", "red": "wait"}, np.random.default_rng(i)
        )
    assert abs(hits / 2000 - rates[1]) < 4.5 * np.sqrt(
        rates[1] * (1 - rates[1]) * (1 / 2000 + 1 / n)
    )


def test_inject_modifier_starts_in_the_engine() -> None:
    s = Session.new(V2, seed=6, seats={"blue": "wait", "red": "wait"}, ai=CHEAP, autosave=False)
    k = s.c.v2.inject_mods["summit"][0]  # type: ignore[union-attr]
    s.resolve()
    s.resolve()  # the summit is an inject of turn 3: it fires when turn 3 begins
    if not s.over:
        assert s.state.mods is not None and s.state.mods[0, k] == 3


# --------------------------------------------------------------------------------------
# interactions with a chance; ladder steps gated by conditions


def test_interaction_chance_in_both_models(scn) -> None:
    c = compile_scenario(scn)
    k = [it.id for it in scn.interactions].index("both_talk")
    n = 20_000
    st = initial_state(c, n, np.random.default_rng(15))
    info = step(c, st, _moves(c, n, blue="talk", red="talk"), np.random.default_rng(16), True)
    assert info is not None
    rate = info.interactions[:, k].mean()
    assert 0.55 < rate < 0.7  # p 0.6 at the start, a little more as tension is lower
    # the explanation gives its part only where it applied
    part = info.delta[:, info.labels.index("interaction:both_talk"), c.index["metric"]["tension"]]
    assert (part[~info.interactions[:, k]] == 0).all() and (part[info.interactions[:, k]] < 0).all()
    assert np.allclose(info.delta.sum(axis=1), info.x_after - info.x_before)
    # no interaction without the moves
    st = initial_state(c, 100, np.random.default_rng(15))
    info = step(c, st, _moves(c, 100, blue="talk"), np.random.default_rng(16), True)
    assert info is not None and not info.interactions.any()
    _compare(scn, 20_000, 1_500, 4, seed=71, policies={"blue": "talk", "red": "talk"})


def test_ladder_step_gated_by_condition(scn) -> None:
    c = compile_scenario(scn)
    clashes = c.index["stage"]["clashes"]
    n = 5000
    for turn, climbs in ((1, False), (4, True)):
        st = initial_state(c, n, np.random.default_rng(17))
        st.stage[:] = clashes
        st.turn = turn - 1
        info = step(c, st, _moves(c, n), np.random.default_rng(18), True)
        assert info is not None
        quiet = ~info.events.any(axis=1)  # no event moved the ladder
        up = (info.stage_after > clashes) & quiet
        assert up.any() == climbs
        if not climbs:
            assert (info.stage_after[quiet] < clashes).any()  # stepping down still works
    w = ref_initial(scn, np.random.default_rng(19))
    for i in range(300):
        w2 = w.copy()
        w2.stage = clashes
        fired = ref_step(scn, w2, {"blue": "wait", "red": "wait"}, np.random.default_rng(i))
        assert fired or w2.stage <= clashes


# --------------------------------------------------------------------------------------
# saves: a v2 game replays exactly


@pytest.mark.parametrize("path", [V2, ACTORS], ids=lambda p: p.name)
def test_v2_game_replays_exactly(path: Path) -> None:
    from game.engine.saves import replay

    loaded = load_scenario(path)
    s = Session.new(loaded, seed=9, seats={"blue": "human", "red": "ai"}, ai=CHEAP, autosave=False)
    opts = ["talk", "wait", "spy", "talk", "backchannel" if path == ACTORS else "ultimatum"]
    for t in range(6):
        if s.over:
            break
        ok = {o.id for o in s.options("blue") if o.available}
        s.commit("blue", opts[t % len(opts)] if opts[t % len(opts)] in ok else "wait")
        s.resolve()
    r = replay(s.log, loaded)
    assert r.log == s.log
    assert r.history == s.history
    assert r.state.equals(s.state)
    for actor in ("blue", "red"):
        assert r.view(actor) == s.view(actor)


def test_effects_scale_modifier_in_both_models(scn) -> None:
    c = compile_scenario(scn)
    assert c.v2 is not None
    k = int(np.flatnonzero(c.v2.mod_scale == 2.0)[0])  # the mediator's effects x2
    med = c.index["event"]["mediator"]
    tension = c.index["metric"]["tension"]
    n = 20_000
    st = initial_state(c, n, np.random.default_rng(20))
    assert st.mods is not None
    st.mods[:, k] = 2
    info = step(c, st, _moves(c, n), np.random.default_rng(21), explain=True)
    assert info is not None
    fired = info.events[:, med]
    assert fired.sum() > 500
    part = info.delta[:, info.labels.index("event:mediator"), tension]
    assert np.allclose(part[fired], -8.0) and (part[~fired] == 0).all()
    assert np.allclose(info.delta.sum(axis=1), info.x_after - info.x_before)
    # the reference, with and without the modifier, from the same draws
    seen = 0
    for i in range(300):
        w = ref_initial(scn, np.random.default_rng(300 + i))
        w.x["tension"] = 50.0
        on, off = w.copy(), w.copy()
        on.mods = {k: 2}
        f_on = ref_step(scn, on, {"blue": "wait", "red": "wait"}, np.random.default_rng(i))
        f_off = ref_step(scn, off, {"blue": "wait", "red": "wait"}, np.random.default_rng(i))
        assert f_on == f_off
        if "mediator" in f_on:
            seen += 1
            assert on.x["tension"] == pytest.approx(off.x["tension"] - 4.0)
    assert seen > 10


def test_briefing_never_says_you_face_a_scripted_actor() -> None:
    from game.report.briefing import briefing_html

    html = briefing_html(load_scenario(ACTORS), "blue")
    faced = html.split("you face:", 1)[1].split("</p>", 1)[0]
    assert "Red" in faced
    assert "also in play, by fixed rules: Green" in faced
    assert "Green" not in faced.split("·", 1)[0]


def test_loader_points_inside_a_condition(tmp_path: Path) -> None:
    text = V2.read_text()
    old = "- turn: {at_least: 2, at_most: 8}"
    line = next(i for i, t in enumerate(text.splitlines(), 1) if old in t)
    bad = tmp_path / "v2.yaml"
    bad.write_text(text.replace(old, "- turn: {at_least: -1, at_most: 8}", 1))
    (tmp_path / "mini-facts.yaml").write_text((ROOT / "tests/data/mini-facts.yaml").read_text())
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    msg = str(err.value)
    assert f"v2.yaml:{line}:" in msg
    assert "available.conditions[0].turn.at_least:" in msg


def test_simulated_injects_start_their_modifiers(scn) -> None:
    from game.model import forecast, policies_for
    from game.model.forecast import inject_table

    c = compile_scenario(scn)
    assert c.v2 is not None
    k = c.v2.inject_mods["summit"][0]  # the summit (turn 3): incident odds x0.5, 3 turns
    st = initial_state(c, 1, np.random.default_rng(0))
    pol = policies_for(c, {"blue": _fixed(c, "blue", "wait"), "red": _fixed(c, "red", "wait")})
    f = forecast(
        c, st, pol, np.random.default_rng(1), worlds=200, horizon=3, injects=inject_table(c)
    )
    fin = f.final
    assert fin.mods is not None
    running = fin.outcome < 0
    assert running.any() and (fin.mods[running, k] == 2).all()  # set to 3, one turn used


def _fixed(c, actor: str, option: str):
    from game.model.policy import Fixed

    return Fixed(c.option_index(actor, option))


# --------------------------------------------------------------------------------------
# the rule for several stage changes in one turn, in both models


def _collision(tmp_path: Path, firefight_to: str | None) -> object:
    """v2-features where, in a turn Blue issues the ultimatum, the incident (one rung up)
    fires for sure and, unless ``firefight_to`` is None, so does the firefight (``stage_to:
    firefight_to``), beside the ultimatum's branch (``stage_to: clashes``, chance 0.5 when
    Red mobilises)."""
    text = V2.read_text()
    text = text.replace(
        "    hazard: {p: 0.05, slope: {tension: 0.05}, stage_shift: {war: 1}}",
        "    hazard: 1.0\n    when: {moves: {blue: [ultimatum]}}",
        1,
    )
    if firefight_to is not None:
        text = text.replace(
            "    hazard: 0.0\n    effects: {tension: {mean: 10, sd: 2}}\n    stage_to: war",
            "    hazard: 1.0\n    when: {moves: {blue: [ultimatum]}}\n"
            f"    effects: {{tension: {{mean: 10, sd: 2}}}}\n    stage_to: {firefight_to}",
            1,
        )
    assert text.count("hazard: 1.0") == (1 if firefight_to is None else 2)
    path = tmp_path / f"collide-{firefight_to}.yaml"
    path.write_text(text)
    (tmp_path / "mini-facts.yaml").write_text(MINI.with_name("mini-facts.yaml").read_text())
    return load_scenario(path).scenario


def _ref_stages(scn, moves: dict[str, str], m: int = 600) -> np.ndarray:
    out = []
    for i in range(m):
        w = ref_initial(scn, np.random.default_rng(300 + i))
        w.turn = 1
        ref_step(scn, w, moves, np.random.default_rng(i))
        out.append(w.stage)
    return np.array(out)


@pytest.mark.parametrize(
    ("firefight_to", "with_branch", "without_branch"),
    [
        # the highest absolute stage wins, whichever sets it
        ("war", "war", "war"),
        # the branch's clashes beats the event's crisis; without the branch, crisis exactly:
        # the incident's +1 is ignored and the ladder takes no step of its own
        ("crisis", "clashes", "crisis"),
    ],
)
def test_several_stage_changes_in_one_turn(
    tmp_path: Path, firefight_to: str, with_branch: str, without_branch: str
) -> None:
    scn = _collision(tmp_path, firefight_to)
    c = compile_scenario(scn)
    hi, lo = c.index["stage"][with_branch], c.index["stage"][without_branch]
    n = 4000
    st = initial_state(c, n, np.random.default_rng(21))
    st.turn = 1
    info = step(
        c, st, _moves(c, n, blue="ultimatum", red="mobilise"), np.random.default_rng(22), True
    )
    assert info is not None
    r = int(np.flatnonzero(c.br_option == c.option_index("blue", "ultimatum"))[0])
    hit = info.branches[:, r]
    assert 0.45 < hit.mean() < 0.55
    assert (st.stage[hit] == hi).all() and (st.stage[~hit] == lo).all()
    # the reference model: the same stages, in the same shares
    ref = _ref_stages(scn, {"blue": "ultimatum", "red": "mobilise"})
    assert np.isin(ref, [hi, lo]).all()
    m = len(ref)
    assert abs((ref == hi).mean() - (st.stage == hi).mean()) < 4.5 * np.sqrt(0.25 / m)


def test_relative_stage_changes_then_the_ladder_step(tmp_path: Path) -> None:
    """No absolute set: the incident's +1 applies, then the ladder takes its own step."""
    scn = _collision(tmp_path, None)
    c = compile_scenario(scn)
    near = [c.index["stage"][s] for s in ("calm", "crisis", "clashes")]
    n = 20_000
    st = initial_state(c, n, np.random.default_rng(5))
    st.turn = 1
    step(c, st, _moves(c, n, blue="ultimatum", red="talk"), np.random.default_rng(6))
    assert np.isin(st.stage, near).all()  # one rung up, then at most one step either way
    shares = np.array([(st.stage == k).mean() for k in near])
    assert shares[1] > 0.5 and shares[0] > 0 and shares[2] > 0  # the step happens by chance
    m = 1500
    ref = _ref_stages(scn, {"blue": "ultimatum", "red": "talk"}, m)
    assert np.isin(ref, near).all()
    got = np.array([(ref == k).mean() for k in near])
    assert np.all(np.abs(got - shares) < 4.5 * np.sqrt(shares * (1 - shares) / m) + 1e-3)


def test_an_aimed_inject_acts_alike_in_both_models(scn3) -> None:
    """The report aimed at Blue (turn 2: +5 intel) reaches Blue's eyes only, but its
    effects are real in every world, in the batched and the reference model alike."""
    from game.model import forecast, parse_policy, policies_for
    from game.model.forecast import inject_table
    from game.model.reference import ref_forecast

    c = compile_scenario(scn3)
    pols = {"blue": "wait", "red": "wait"}
    pol = policies_for(c, {a: parse_policy(c, a, p) for a, p in pols.items()})
    n, m, h = 20_000, 2_000, 3
    intel = [x.id for x in scn3.metrics].index("intel")
    means = {}
    for injects in (False, True):
        start = initial_state(c, n, np.random.default_rng(70))
        table = inject_table(c) if injects else None
        f = forecast(c, start, pol, np.random.default_rng(71), worlds=n, horizon=h, injects=table)
        r = ref_forecast(scn3, None, pols, np.random.default_rng(72), m, h, injects=injects)
        xv = f.final.x[:, intel]
        xr = np.array([w.x[r.metric_ids[intel]] for w in r.final])
        se = np.sqrt(xv.var() / n + xr.var() / m)
        assert abs(xv.mean() - xr.mean()) <= 4.5 * se + 1e-6, (injects, xv.mean(), xr.mean())
        means[injects] = xv.mean()
    # intel has no noise in this file: the inject's 5 points, at the start of turn 2, then
    # two turns of reversion (0.1 of the gap a turn)
    assert means[True] - means[False] == pytest.approx(5.0 * 0.9**2, abs=0.01)


@pytest.mark.parametrize(
    ("condition", "open_at"),
    [
        ("{stage: {one_of: [calm, clashes]}}", {"calm", "clashes"}),
        ("{stage: {at_least: crisis}}", {"crisis", "clashes", "war"}),
        ("{stage: {at_most: crisis}}", {"calm", "crisis"}),
        ("{stage: clashes}", {"clashes"}),
        ("{not: {stage: {one_of: [calm, war]}}}", {"crisis", "clashes"}),
        (
            "{all: [{stage: {at_least: crisis}}, {stage: {at_most: clashes}}]}",
            {"crisis", "clashes"},
        ),
        ("{any: [{stage: calm}, {stage: war}]}", {"calm", "war"}),
    ],
)
def test_stage_conditions_read_alike_in_both_models(
    tmp_path: Path, condition: str, open_at: set[str]
) -> None:
    """Red's protest, opened by a stage condition only, at each stage, in both models."""
    old = "            - move: {actor: blue, options: [strike], when: last_turn}"
    text = V2.read_text()
    assert text.count(old) == 1
    path = tmp_path / "stage-cond.yaml"
    path.write_text(text.replace(old, f"            - {condition}"))
    (tmp_path / "mini-facts.yaml").write_text(MINI.with_name("mini-facts.yaml").read_text())
    scn = load_scenario(path).scenario
    c = compile_scenario(scn)
    stages = [s.id for s in scn.ladder]
    st = initial_state(c, len(stages), np.random.default_rng(1))
    st.stage[:] = np.arange(len(stages))
    batched = {stages[i] for i in np.flatnonzero(_ok(c, st, "red", "protest"))}
    ref = set()
    for i, sid in enumerate(stages):
        w = ref_initial(scn, np.random.default_rng(1))
        w.stage = i
        if "protest" in ref_available(scn, w, "red"):
            ref.add(sid)
    assert batched == ref == open_at


@pytest.mark.parametrize(
    ("condition", "open_by_turn"),
    [
        # "never": open until Blue's first talks
        ("{move: {actor: blue, options: [talk], at_most: 0}}", [True, False, False, False]),
        # counted over the game (ever, the default): open from the second talks on
        ("{move: {actor: blue, options: [talk], at_least: 2}}", [False, False, True, True]),
        ("{move: {actor: blue, options: [talk], when: last_turn}}", [False, True, True, True]),
    ],
)
def test_move_counts_read_alike_in_both_models(
    tmp_path: Path, condition: str, open_by_turn: list[bool]
) -> None:
    """Red's protest, opened by Blue's talks, turn by turn while Blue talks, in both models."""
    old = "            - move: {actor: blue, options: [strike], when: last_turn}"
    path = tmp_path / "move-cond.yaml"
    path.write_text(V2.read_text().replace(old, f"            - {condition}"))
    (tmp_path / "mini-facts.yaml").write_text(MINI.with_name("mini-facts.yaml").read_text())
    scn = load_scenario(path).scenario
    c = compile_scenario(scn)
    st = initial_state(c, 3, np.random.default_rng(4))
    w = ref_initial(scn, np.random.default_rng(4))
    rng, rrng = np.random.default_rng(5), np.random.default_rng(5)
    batched, ref = [], []
    for _ in open_by_turn:
        batched.append(bool(_ok(c, st, "red", "protest").all()))
        ref.append("protest" in ref_available(scn, w, "red"))
        step(c, st, _moves(c, 3, blue="talk", red="wait"), rng)
        ref_step(scn, w, {"blue": "talk", "red": "wait"}, rrng)
    assert batched == ref == open_by_turn


@pytest.mark.parametrize(
    ("condition", "english", "spanish"),
    [
        ("{move: {actor: blue, options: [talk], at_most: 0}}", ": never ", ": nunca "),
        (
            "{move: {actor: blue, options: [talk], at_most: 1}}",
            " at most 1 time",
            " como máximo 1 vez",
        ),
        (
            "{move: {actor: blue, options: [talk], at_most: 3}}",
            " at most 3 times",
            " como máximo 3 veces",
        ),
        (
            "{move: {actor: blue, options: [talk], at_least: 2}}",
            " at least 2 times",
            " al menos 2 veces",
        ),
        (
            "{move: {actor: blue, options: [talk], at_least: 1, at_most: 2}}",
            " 1 to 2 times",
            " entre 1 y 2 veces",
        ),
    ],
)
def test_move_counts_in_words(tmp_path: Path, condition: str, english: str, spanish: str) -> None:
    """A move count in words, through the catalog: "never" rather than "0 to 0 times"."""
    from game import i18n
    from game.model.conditions import Index, compile_one, describe

    old = "            - move: {actor: blue, options: [strike], when: last_turn}"
    path = tmp_path / "move-cond.yaml"
    path.write_text(V2.read_text().replace(old, f"            - {condition}"))
    (tmp_path / "mini-facts.yaml").write_text(MINI.with_name("mini-facts.yaml").read_text())
    scn = load_scenario(path).scenario
    red = next(a for a in scn.actors if a.id == "red")
    cond = next(o for o in red.options if o.id == "protest").available.conditions[0]
    node = compile_one(cond, Index.of(scn))
    assert english in describe(node, scn) and " 0 to 0 " not in describe(node, scn)
    i18n.set_language("es")
    try:
        assert spanish in describe(node, scn)
    finally:
        i18n.set_language("en")
