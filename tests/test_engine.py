"""The engine: seats, turn flow, reports, news, injects, teacher controls, AI, advisors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import CHEAP

from game.engine import (
    AISettings,
    EngineError,
    Seat,
    Session,
    TurnReport,
    load_game,
    save_game,
)
from game.engine.saves import replay
from game.scenario import Loaded

DATA = Path(__file__).parent / "data"


def new(mini: Loaded, seed: int = 1, **seats: Seat | str) -> Session:
    return Session.new(mini, seed=seed, seats=seats, ai=CHEAP, autosave=False)


def play_out(s: Session, human: dict[str, str] | None = None) -> None:
    while not s.over:
        for a in s.waiting():
            s.commit(a, (human or {}).get(a, "wait"))
        s.resolve()


# --- seats and the turn flow ---------------------------------------------------------------------


def test_seats_are_data() -> None:
    for seat in (Seat.human(), Seat.ai(), Seat.random(), Seat.fixed("talk"), Seat.team("Blue A")):
        assert Seat.from_dict(json.loads(json.dumps(seat.to_dict()))) == seat
    assert Seat.team("Blue A").waits and Seat.human().waits
    assert not Seat.ai().waits and not Seat.random().waits
    assert Seat.parse("team:Reds") == Seat.team("Reds")
    assert Seat.parse("talk") == Seat.fixed("talk")
    with pytest.raises(ValueError):
        Seat("robot")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Seat.team("")


def test_simultaneous_moves_commit_then_resolve(mini: Loaded) -> None:
    s = new(mini, blue=Seat.human(), red=Seat.team("Reds"))
    assert s.turn == 0 and s.current_turn == 1
    assert s.date == mini.scenario.meta.start_date
    assert s.waiting() == ["blue", "red"]
    s.commit("blue", "talk")
    assert s.waiting() == ["red"]
    with pytest.raises(EngineError, match="waiting for: red"):
        s.resolve()
    s.commit("red", "mobilise")
    s.commit("blue", "wait")  # a choice may change until the turn resolves
    rep = s.resolve()
    assert rep.moves["blue"].option == "wait" and rep.moves["red"].option == "mobilise"
    assert s.turn == 1 and s.waiting() == ["blue", "red"]
    assert s.date.toordinal() - mini.scenario.meta.start_date.toordinal() == 7


def test_commit_rejects_unknown_and_unavailable(mini: Loaded) -> None:
    s = new(mini, blue=Seat.human())
    with pytest.raises(ValueError, match="unknown option 'nuke'"):
        s.commit("blue", "nuke")
    with pytest.raises(ValueError, match="unknown actor"):
        s.commit("green", "wait")
    with pytest.raises(ValueError, match="only at stage"):
        s.commit("blue", "strike")  # the game starts calm
    opts = {o.id: o for o in s.options("blue")}
    assert not opts["strike"].available and "Crisis" in opts["strike"].reason
    assert opts["wait"].hold and opts["spy"].covert
    s.commit("blue", "spy")
    s.resolve()
    assert "again in 1 turn" in {o.id: o for o in s.options("blue")}["spy"].reason


def test_fixed_and_random_seats(mini: Loaded) -> None:
    s = new(mini, blue=Seat.fixed("talk"), red=Seat.random())
    reps = []
    while not s.over:
        reps.append(s.resolve())
    assert all(r.moves["blue"].option == "talk" for r in reps)
    assert len({r.moves["red"].option for r in reps}) > 1 or len(reps) < 3
    with pytest.raises(EngineError, match="over"):
        s.resolve()
    with pytest.raises(ValueError, match="unknown option 'nope'"):
        new(mini, blue=Seat.fixed("nope"))


def test_game_ends_with_an_outcome_and_a_headline(mini: Loaded) -> None:
    s = new(mini, seed=3)
    play_out(s)
    assert s.over and s.outcome in s.c.outcome_ids
    assert s.turn <= mini.scenario.meta.turn_limit
    assert s.history[-1].outcome == s.outcome
    assert any(n.kind == "outcome" for n in s.news)
    assert s.waiting() == []


def test_random_seed_when_none_is_given(mini: Loaded) -> None:
    a = Session.new(mini, autosave=False)
    b = Session.new(mini, autosave=False)
    assert isinstance(a.seed, int) and a.seed >= 0
    assert a.log["seed"] == a.seed
    assert a.seed != b.seed  # 1 in 4 billion
    with pytest.raises(ValueError):
        Session.new(mini, seed=-1, autosave=False)


# --- reports: why each metric changed ------------------------------------------------------------


def _check_sums(rep: TurnReport) -> None:
    for mc in rep.metrics:
        if mc.exact:
            total = sum(p.delta for p in mc.sources)
            assert total == pytest.approx(mc.after - mc.before, abs=1e-9), mc


def test_explanation_sums_to_the_change_and_has_readable_labels(mini: Loaded) -> None:
    s = new(mini, seed=11, blue=Seat.fixed("talk"), red=Seat.fixed("talk"))
    rep = s.resolve()
    _check_sums(rep)
    labels = {p.label for mc in rep.metrics for p in mc.sources}
    assert "Blue's move (Offer talks)" in labels
    assert "Red's move (Accept talks)" in labels
    assert "Interaction: Both sides at the table" in labels
    assert "Drift" in labels
    keys = {p.key for mc in rep.metrics for p in mc.sources}
    assert {"move:blue", "move:red", "interaction:both_talk", "drift"} <= keys
    tension = rep.metric("tension")
    assert tension.change == pytest.approx(tension.after - tension.before)
    assert rep.stage_before == "calm" and rep.stage_before_name == "Calm"
    play_out(s)
    for r in s.history:
        _check_sums(r)
        for a in s.actors:
            _check_sums(s.report(a, r.turn))


def test_events_and_stage_changes_are_reported(mini: Loaded) -> None:
    seen_event = seen_stage = False
    for seed in range(40):
        s = new(mini, seed=seed, blue=Seat.fixed("talk"), red=Seat.fixed("mobilise"))
        play_out(s)
        for r in s.history:
            for ev in r.events:
                seen_event = True
                assert any(p.key == f"event:{ev.id}" for mc in r.metrics for p in mc.sources)
                assert any(n.kind == "event" and n.headline == ev.headline for n in r.headlines)
                assert ev.name
            seen_stage |= r.stage_changed
        if seen_event and seen_stage:
            break
    assert seen_event and seen_stage


def test_branches_and_covert_news(mini: Loaded) -> None:
    exposed_seen = hidden_seen = False
    for seed in range(30):
        s = new(mini, seed=seed, blue=Seat.fixed("spy"), red=Seat.fixed("wait"))
        rep = s.resolve()
        mv = rep.moves["blue"]
        assert mv.covert and [b.id for b in mv.branches] == ["exposed"]
        red_news = [n.headline for n in rep.headlines if n.visible_to in (None, "red")]
        blue_news = [n.headline for n in rep.headlines if n.visible_to in (None, "blue")]
        # the owner's line names the move and whether it stayed secret
        secret = "" if mv.exposed else " (not exposed)"
        assert f"Covert: Blue — {mv.option_name}{secret}" in blue_news
        assert not any("Covert" in h for h in red_news)
        red_view = s.view("red")
        red_rep = s.report("red")
        if mv.exposed:
            exposed_seen = True
            assert mv.branches[0].happened
            assert "Blue spy ring exposed" in red_news
            assert any(n.kind == "exposed" for n in rep.headlines)
            assert red_rep.moves["blue"].option == "spy"
            assert red_view.known_moves["blue"][-1][1] == "spy"
        else:
            hidden_seen = True
            assert "Blue holds its position" in red_news  # the cover story
            assert red_rep.moves["blue"].option == "wait"
            assert red_view.known_moves["blue"][-1][1] == "wait"
            assert "spy" not in json.dumps(red_view.to_dict())
            assert not any(p.key == "move:blue" for mc in red_rep.metrics for p in mc.sources)
        assert s.view("blue").own_moves[-1][1] == "spy"
        if exposed_seen and hidden_seen:
            break
    assert exposed_seen and hidden_seen


def test_views_are_consistent_with_reports(mini: Loaded) -> None:
    s = new(mini, seed=4, blue=Seat.human())
    s.commit("blue", "talk")
    s.resolve()
    v = s.view("blue")
    assert v.last_report is not None and v.last_report.viewer == "blue"
    assert v.own_moves == [(1, "talk", "Offer talks")]
    assert v.turn == 1 and v.stage == s.stage
    assert all(len(m.history) == 1 for m in v.metrics)
    assert v.metric("tension").exact and v.metric("tension").value == s.state.x[0, 0]
    assert v.metric("intel").exact  # blue's own private metric
    assert not v.metric("resolve").exact
    json.dumps(v.to_dict())  # plain data


# --- injects and the teacher ---------------------------------------------------------------------


def test_scripted_inject_fires_at_the_start_of_its_turn(mini: Loaded) -> None:
    s = new(mini, seed=2, blue=Seat.fixed("wait"), red=Seat.fixed("wait"))
    s.resolve()
    assert not any(n.kind == "inject" for n in s.news)
    s.resolve()  # turn 2 resolves, turn 3 begins: the summit is announced
    inj = [n for n in s.news if n.kind == "inject"]
    assert [(n.turn, n.headline) for n in inj] == [(3, "A summit is announced")]
    assert s.log["current"]["actions"][0]["kind"] == "inject"
    rep = s.resolve()
    assert rep.injects == ["A summit is announced"]
    part = [p for p in rep.metric("tension").sources if p.key == "inject:summit"]
    assert part and part[0].label == "Inject: A summit is announced"
    assert part[0].delta == pytest.approx(-2.0)
    _check_sums(rep)
    assert s.log["turns"][2]["actions"][0] == {"kind": "inject", "turn": 3, "id": "summit"}


def test_teacher_controls_apply_and_are_logged(mini: Loaded, tmp_path: Path) -> None:
    s = new(mini, seed=5, blue=Seat.human(), red=Seat.ai())
    stage0 = s.stage
    s.console.fire_event("incident")
    assert s.stage != stage0  # the incident climbs one rung
    assert s.news[-1].headline == "Shots fired at a border post"
    s.console.set_metric("tension", 77)
    assert s.state.x[0, 0] == 77.0
    with pytest.raises(ValueError, match="within"):
        s.console.set_metric("tension", 500)
    with pytest.raises(ValueError, match="unknown event"):
        s.console.fire_event("alien_invasion")
    s.console.add_inject("Floods hit the border region", "Both armies help with relief.")
    assert s.news[-1].kind == "inject" and s.news[-1].visible_to is None
    s.console.pause()
    s.commit("blue", "talk")
    with pytest.raises(EngineError, match="paused"):
        s.resolve()
    assert s.view("blue").paused
    s.console.resume()
    kinds = [a["kind"] for a in s.log["current"]["actions"]]
    assert kinds == ["fire_event", "set_metric", "add_inject", "pause", "resume"]
    assert all(a["turn"] == 1 for a in s.log["current"]["actions"])
    rep = s.resolve()
    keys = [p.key for p in rep.metric("tension").sources]
    assert "teacher:event:incident" in keys and "teacher:set:tension" in keys
    assert [e.source for e in rep.events][:1] == ["teacher"]
    _check_sums(rep)
    # mid-turn teacher actions and commits survive a save
    s.console.set_metric("tension", 10)
    s.commit("blue", "talk")
    path = save_game(s, tmp_path / "t.json")
    s2 = load_game(path, mini)
    assert s2.log == s.log
    assert s2.committed("blue") == "talk"
    assert s2.resolve().moves == s.resolve().moves
    assert s2.log["turns"] == s.log["turns"]


# --- randomness: looking never changes the game --------------------------------------------------


def test_looking_at_forecasts_never_changes_the_game(mini: Loaded) -> None:
    def game(look: bool) -> dict:
        s = new(mini, seed=21, blue=Seat.human(), red=Seat.ai())
        while not s.over:
            if look:
                for o in s.options("blue"):
                    s.what_if("blue", o.id, worlds=50, horizon=3)
                s.view("blue")
                s.view("red")
                s.what_if("red", "talk", worlds=50)
            s.commit("blue", "talk" if s.turn % 2 else "wait")
            s.resolve()
        log = s.log
        for t in log["turns"]:
            t["actions"] = [a for a in t["actions"] if a["kind"] != "advice"]
        return log["turns"]

    assert game(False) == game(True)


def test_advice_does_not_change_the_game_either(mini: Loaded) -> None:
    a = new(mini, seed=8, blue=Seat.human())
    b = new(mini, seed=8, blue=Seat.human())
    while not a.over:
        b.advice("blue")
        b.advice("red")
        for s in (a, b):
            s.commit("blue", "talk")
            s.resolve()
    assert [t["result"] for t in a.log["turns"]] == [t["result"] for t in b.log["turns"]]
    assert b.over and a.outcome == b.outcome


def test_same_seed_same_game_different_seed_different_game(mini: Loaded) -> None:
    def digests(seed: int) -> list[str]:
        s = new(mini, seed=seed)
        play_out(s)
        return [t["result"]["digest"] for t in s.log["turns"]]

    assert digests(5) == digests(5)
    assert digests(5) != digests(6)


def test_what_if_is_a_forecast_from_the_players_belief(mini: Loaded) -> None:
    s = new(mini, seed=3, blue=Seat.human())
    f = s.what_if("blue", "talk", worlds=500, horizon=4)
    assert f.worlds == 500 and f.horizon == 4
    assert abs(sum(f.p(q) for q in f.outcome_ids) + f.p("unresolved") - 1) < 1e-9
    again = s.what_if("blue", "talk", worlds=500, horizon=4)
    assert np.array_equal(f.p_by_turn, again.p_by_turn)
    assert s.turn == 0 and s.log["turns"] == []


# --- AI and advisors -----------------------------------------------------------------------------


def test_ai_choice_follows_the_softmax_of_its_scores(mini: Loaded) -> None:
    s = new(mini, seed=9)
    s.resolve()
    for aid, d in s.last_decisions.items():
        assert abs(sum(d.probabilities) - 1) < 1e-9
        assert d.option in d.options
        assert s.history[-1].moves[aid].option == s.c.option_ids[s.c.actor_index(aid)][d.option]
        order = np.argsort(d.scores)
        assert np.all(np.diff(np.asarray(d.probabilities)[order]) >= -1e-12)


def test_personality_is_data_a_cold_ai_takes_its_best_option(mini: Loaded) -> None:
    scn = mini.scenario
    cold = scn.model_copy(
        update={
            "actors": [
                a.model_copy(update={"ai": a.ai.model_copy(update={"temperature": 1e-6})})
                for a in scn.actors
            ]
        }
    )
    loaded = Loaded(cold, mini.path, mini.sha256, mini.facts, mini.references, mini.warnings)
    s = Session.new(loaded, seed=4, ai=CHEAP, autosave=False)
    s.resolve()
    for d in s.last_decisions.values():
        assert d.option == d.options[int(np.argmax(d.scores))]
        assert max(d.probabilities) == pytest.approx(1.0)


def test_ai_settings_round_trip_and_temperature_scale(mini: Loaded) -> None:
    cfg = AISettings(worlds=10, horizon=2, temperature_scale=2.0)
    assert AISettings.from_dict(cfg.to_dict()) == cfg
    assert AISettings.from_dict({"worlds": 10}).horizon == AISettings().horizon
    with pytest.raises(ValueError):
        AISettings(worlds=0)
    with pytest.raises(ValueError):
        AISettings.from_dict({"wurlds": 3})
    s = Session.new(mini, seed=1, ai=cfg, autosave=False)
    assert s.log["ai"]["temperature_scale"] == 2.0


def test_advisors_recommend_with_a_reason_from_the_forecast(mini: Loaded) -> None:
    s = new(mini, seed=6, blue=Seat.human())
    advice = s.advice("blue")
    assert [a.advisor for a in advice] == ["hawk", "dove"]
    avail = {o.id for o in s.options("blue") if o.available}
    for a in advice:
        assert a.option in avail
        assert a.reason.endswith(".") and "\n" not in a.reason
        assert "week" in a.reason  # turn_days 7: spoken of in weeks
        assert a.name and a.title and a.stance
    assert s.advice("blue") == advice  # cached, stable within the turn
    assert s.advice("red") == []  # red has no advisors
    logged = [x for x in s.log["current"]["actions"] if x["kind"] == "advice"]
    assert logged == [
        {
            "kind": "advice",
            "turn": 1,
            "actor": "blue",
            "advice": [[a.advisor, a.option] for a in advice],
        }
    ]


def test_advisors_differ_by_their_objectives(mini: Loaded) -> None:
    picks = set()
    for seed in range(6):
        s = new(mini, seed=seed, blue=Seat.human())
        picks.add(tuple(a.option for a in s.advice("blue")))
    assert any(h != d for h, d in picks)


def test_advice_reason_wording() -> None:
    from game.engine.ai import span_text

    assert span_text(4, 7) == "4 weeks"
    assert span_text(1, 7) == "1 week"
    assert span_text(3, 3) == "9 days"


# --- replay from the log -------------------------------------------------------------------------


def test_replay_rebuilds_views_reports_and_news(mini: Loaded) -> None:
    s = new(mini, seed=12, blue=Seat.human(), red=Seat.ai())
    while not s.over:
        s.advice("blue")
        s.commit("blue", "talk" if s.turn % 3 else "wait")
        s.resolve()
    r = replay(s.log, mini)
    assert r.log == s.log
    assert r.news == s.news
    assert r.history == s.history
    assert r.view("blue") == s.view("blue")
    assert r.view("red") == s.view("red")
    r2 = replay(s.log, mini, rerun_ai=True)
    assert r2.log == s.log
