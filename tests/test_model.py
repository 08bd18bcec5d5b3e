"""Properties of the vectorised model (game.model): ranges, probabilities, determinism,
terminal worlds, explanations, forecasts that change nothing, availability."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.model import (
    Fixed,
    Mix,
    State,
    Uniform,
    available,
    choose,
    compile_scenario,
    forecast,
    initial_state,
    parse_policy,
    policies_for,
    step,
    wilson,
)
from game.model.step import live_available, live_of, normals, uniforms
from game.model.synthetic import synthetic_dict, synthetic_scenario
from game.scenario import load_scenario
from game.scenario.schema import Scenario

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"

FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@pytest.fixture(scope="module")
def mini():
    return compile_scenario(load_scenario(MINI).scenario)


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _compiled(seed: int):
    """A generated scenario whose size depends on the seed."""
    return compile_scenario(
        synthetic_scenario(
            seed,
            metrics=1 + seed % 5,
            actors=2 + (seed % 7 == 0),
            events=seed % 4,
            interactions=seed % 3,
            stages=4 + seed % 2,
        )
    )


def _random_moves(c, st: State, rng: np.random.Generator) -> np.ndarray:
    """Any options at all (not only available ones): the rules must cope."""
    return np.stack([rng.integers(0, c.n_options[a], size=st.n) for a in range(c.n_actors)], axis=1)


def _check_state(c, st: State) -> None:
    assert np.isfinite(st.x).all()
    assert (st.x >= c.lo).all() and (st.x <= c.hi).all()
    assert ((st.stage >= 0) & (st.stage < c.n_stages)).all()
    assert ((st.outcome >= -1) & (st.outcome < len(c.outcome_ids))).all()
    assert ((st.outcome >= 0) == (st.ended >= 0)).all()
    assert (st.cooldown >= 0).all() and (st.uses >= 0).all() and (st.held >= 0).all()


# --------------------------------------------------------------------------------------
# ranges and finiteness


@FAST
@given(seed=st.integers(0, 10_000), move_seed=st.integers(0, 10_000))
def test_metrics_stay_in_range_for_any_moves(seed: int, move_seed: int) -> None:
    c = _compiled(seed)
    s = initial_state(c, 64, _rng(seed))
    rng, mrng = _rng(seed + 1), _rng(move_seed)
    for _ in range(c.turn_limit + 2):
        step(c, s, _random_moves(c, s, mrng), rng)
        _check_state(c, s)
    assert (s.outcome >= 0).all()  # the turn limit ends every world


@FAST
@given(
    seed=st.integers(0, 10_000),
    corners=st.lists(st.booleans(), min_size=5, max_size=5),
    stage=st.integers(0, 4),
)
def test_extreme_starting_states(seed: int, corners: list[bool], stage: int) -> None:
    c = _compiled(seed)
    s = initial_state(c, 32, _rng(seed))
    s.x[:] = np.where(corners[: c.n_metrics], c.hi, c.lo)
    s.stage[:] = min(stage, c.n_stages - 1)
    rng = _rng(seed + 2)
    for _ in range(5):
        step(c, s, _random_moves(c, s, rng), rng, explain=True)
        _check_state(c, s)


def test_forecast_from_extremes_stays_in_range(mini) -> None:
    c = mini
    for corner in (c.lo, c.hi):
        s = initial_state(c, 1, _rng(0))
        s.x[0] = corner
        f = forecast(c, s, policies_for(c), _rng(1), worlds=2000, horizon=c.turn_limit)
        _check_state(c, f.final)
        assert np.isfinite(f.bands).all()
        assert (f.bands >= c.lo - 1e-4).all() and (f.bands <= c.hi + 1e-4).all()


# --------------------------------------------------------------------------------------
# probabilities


@FAST
@given(seed=st.integers(0, 10_000))
def test_forecast_probabilities_sum_to_one(seed: int) -> None:
    c = _compiled(seed)
    s = initial_state(c, 1, _rng(seed))
    f = forecast(c, s, policies_for(c), _rng(seed + 1), worlds=500, horizon=c.turn_limit + 1)
    np.testing.assert_allclose(f.p_by_turn.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(f.stage_dist.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(f.max_stage.sum(axis=1), 1.0, atol=1e-12)
    # reaching an outcome is for good: P(outcome by t) never decreases
    assert (np.diff(f.p_by_turn[:, :-1], axis=0) >= 0).all()
    # everything has ended at the turn limit
    assert f.p_by_turn[c.turn_limit, -1] == 0.0
    # the highest stage reached never comes down
    reached = np.cumsum(f.max_stage[:, ::-1], axis=1)[:, ::-1]
    assert (np.diff(reached, axis=0) >= -1e-12).all()
    q = np.asarray([0.05, 0.25, 0.5, 0.75, 0.95])
    assert (np.diff(f.bands, axis=1) >= -1e-9).all()  # quantiles in order
    assert q.size == f.bands.shape[1]


def test_bands_are_quantiles_of_the_worlds(mini) -> None:
    s = initial_state(mini, 3001, _rng(5))
    f = forecast(mini, s, policies_for(mini), _rng(6), worlds=3001, horizon=3)
    want0 = np.quantile(s.x, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    np.testing.assert_allclose(f.bands[0], want0, rtol=1e-5, atol=1e-4)
    want = np.quantile(f.final.x, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    np.testing.assert_allclose(f.bands[3], want, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(f.stage_dist[3], np.bincount(f.final.stage, minlength=4) / 3001)


def test_bands_at_every_turn_are_quantiles_of_the_worlds(mini) -> None:
    """Turn by turn, with ended worlds kept aside and ended columns still in the batch,
    up to the turn limit, where every world ends."""
    s = initial_state(mini, 1, _rng(5))
    h_max = mini.turn_limit
    full = forecast(mini, s, policies_for(mini), _rng(6), worlds=2000, horizon=h_max)
    for h in range(1, h_max + 1):
        f = forecast(mini, s, policies_for(mini), _rng(6), worlds=2000, horizon=h)
        # (a forecast's turns do not depend on its horizon)
        assert np.array_equal(f.bands, full.bands[: h + 1])
        x = f.final.x.astype(np.float32).astype(np.float64)  # the bands are of float32 values
        want = np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        np.testing.assert_allclose(f.bands[h], want, rtol=1e-9, atol=1e-9)
    assert full.p_by_turn[h_max, -1] == 0.0


def test_uniform_play_fast_path_is_the_policy_path(mini) -> None:
    """The forecast's shortcut for plain uniform play draws exactly what calling each
    actor's Uniform policy draws."""

    class Same(Uniform):
        pass

    for start in (initial_state(mini, 1, _rng(1)), initial_state(mini, 700, _rng(1))):
        f1 = forecast(mini, start, [Uniform(), Uniform()], _rng(2), worlds=700, horizon=6)
        f2 = forecast(mini, start, [Same(), Same()], _rng(2), worlds=700, horizon=6)
        for name in ("p_by_turn", "stage_dist", "bands", "max_stage", "first_moves"):
            assert np.array_equal(getattr(f1, name), getattr(f2, name)), name
        assert f1.final.equals(f2.final)


def test_terminal_worlds_never_change(mini) -> None:
    c = mini
    s = initial_state(c, 400, _rng(1))
    rng, mrng = _rng(2), _rng(3)
    while (s.outcome < 0).all():
        step(c, s, _random_moves(c, s, mrng), rng)
    for _ in range(c.turn_limit + 3):
        done = s.outcome >= 0
        before = s.copy()
        step(c, s, _random_moves(c, s, mrng), rng)
        for name in ("x", "stage", "outcome", "ended", "cooldown", "uses", "fired", "held"):
            a, b = getattr(before, name), getattr(s, name)
            assert np.array_equal(a[done], b[done]), name
    assert (s.outcome >= 0).all()


def test_forecast_keeps_ended_worlds_as_they_ended(mini) -> None:
    s = initial_state(mini, 300, _rng(3))
    rng = _rng(4)
    for h in range(4):
        step(mini, s, choose(mini, s, policies_for(mini), rng, h), rng)
    done = s.outcome >= 0
    assert done.any() and not done.all()
    f = forecast(mini, s, policies_for(mini), _rng(9), worlds=300, horizon=6)
    for name in ("x", "stage", "outcome", "ended", "cooldown", "uses", "fired", "held"):
        assert np.array_equal(getattr(f.final, name)[done], getattr(s, name)[done]), name


# --------------------------------------------------------------------------------------
# determinism


@FAST
@given(seed=st.integers(0, 10_000))
def test_same_seed_same_arrays(seed: int) -> None:
    c = _compiled(seed)

    def play(rs: int) -> State:
        s = initial_state(c, 50, _rng(rs))
        rng = _rng(rs + 1)
        for h in range(c.turn_limit):
            step(c, s, choose(c, s, policies_for(c), rng, h), rng)
        return s

    assert play(seed).equals(play(seed))
    assert not play(seed).equals(play(seed + 1))


def test_same_seed_same_forecast_different_seed_different(mini) -> None:
    s = initial_state(mini, 1, _rng(0))
    pol = policies_for(mini)
    f1 = forecast(mini, s, pol, _rng(7), worlds=3000, horizon=8)
    f2 = forecast(mini, s, pol, _rng(7), worlds=3000, horizon=8)
    f3 = forecast(mini, s, pol, _rng(8), worlds=3000, horizon=8)
    for name in ("p_by_turn", "stage_dist", "bands", "max_stage", "first_moves"):
        assert np.array_equal(getattr(f1, name), getattr(f2, name)), name
    assert f1.final.equals(f2.final)
    assert not np.array_equal(f1.final.x, f3.final.x)
    assert not np.array_equal(f1.p_by_turn, f3.p_by_turn)


@FAST
@given(seed=st.integers(0, 10_000))
def test_explain_is_a_pure_view(seed: int) -> None:
    c = _compiled(seed)
    a = initial_state(c, 80, _rng(seed))
    b = a.copy()
    ra, rb, mrng = _rng(seed + 1), _rng(seed + 1), _rng(seed + 2)
    for _ in range(c.turn_limit):
        moves = _random_moves(c, a, mrng)
        before = a.copy()
        info = step(c, a, moves, ra, explain=True)
        assert step(c, b, moves, rb) is None
        assert a.equals(b)
        assert info is not None
        assert info.delta.shape == (a.n, len(info.labels), c.n_metrics)
        live = before.outcome < 0
        np.testing.assert_allclose(info.delta.sum(axis=1)[live], (a.x - before.x)[live], atol=1e-9)
        assert not info.delta[~live].any()
        np.testing.assert_array_equal(info.x_before[live], before.x[live])
        np.testing.assert_array_equal(info.x_after[live], a.x[live])
        np.testing.assert_array_equal(info.stage_before[live], before.stage[live])
        np.testing.assert_array_equal(info.stage_after[live], a.stage[live])
    assert ra.bit_generator.state == rb.bit_generator.state


def test_explanation_sources(mini) -> None:
    """Each part goes where it belongs: no limits term without clipping, events only
    where they fired, interactions only where both talked."""
    c = mini
    s = initial_state(c, 2000, _rng(3))
    moves = np.zeros((s.n, 2), dtype=np.int64)
    moves[: s.n // 2] = [1, 1]  # both talk: the interaction applies
    info = step(c, s, moves, _rng(4), explain=True)
    labels = info.labels
    assert labels[:2] == ["move:blue", "move:red"] and labels[-1] == "limits"
    ix = labels.index("interaction:both_talk")
    assert info.interactions[: s.n // 2, 0].all() and not info.interactions[s.n // 2 :].any()
    assert not info.delta[s.n // 2 :, ix].any()
    assert info.delta[: s.n // 2, ix, 0].mean() < -3  # about -5
    clipped = (info.x_after == c.lo) | (info.x_after == c.hi)
    assert not info.delta[:, -1][~clipped].any()
    for e, eid in enumerate(c.event_ids):
        col = labels.index(f"event:{eid}")
        assert not info.delta[~info.events[:, e], col].any()


def test_uniforms() -> None:
    u = uniforms(_rng(0), 400_001)
    assert u.dtype == np.float32 and u.size == 400_001
    assert u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.002 and abs(u.var() - 1 / 12) < 0.001
    # 2**23 steps: every value is a whole number of them
    assert np.array_equal(u * 2**23, np.floor(u * 2**23))


def test_normals_are_standard() -> None:
    z = normals(_rng(0), 400_001).astype(np.float64)
    assert z.size == 400_001
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    assert abs((z**4).mean() - 3) < 0.06
    # tails: P(|z| > 2) = 0.0455
    assert abs((np.abs(z) > 2).mean() - 0.0455) < 0.002


# --------------------------------------------------------------------------------------
# a forecast changes nothing


def test_forecast_changes_neither_state_nor_other_generators(mini) -> None:
    for n, worlds in ((1, 2000), (500, 500)):
        s = initial_state(mini, n, _rng(1))
        step(mini, s, choose(mini, s, policies_for(mini), _rng(2), 0), _rng(3))
        keep = s.copy()
        other = _rng(99)
        other_state = other.bit_generator.state
        mine = _rng(5)
        forecast(mini, s, policies_for(mini), mine, worlds=worlds, horizon=6)
        assert s.equals(keep)
        assert other.bit_generator.state == other_state
        assert mine.bit_generator.state != _rng(5).bit_generator.state


# --------------------------------------------------------------------------------------
# an option without effects


def _mini_with_noop() -> Scenario:
    data: dict[str, Any] = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["actors"][0]["options"].append(
        {
            "id": "noop",
            "name": "Do nothing, loudly",
            "category": "information",
            "description": "A statement with no effect.",
            "escalation": 0,
            "headline": "{actor} issues a statement",
        }
    )
    return Scenario.model_validate(data)


def test_option_without_effects_is_like_holding() -> None:
    c = compile_scenario(_mini_with_noop())
    noop, wait = c.option_index("blue", "noop"), c.option_index("blue", "wait")
    start = initial_state(c, 3000, _rng(1))
    a, b = start.copy(), start.copy()
    ra, rb, mrng = _rng(2), _rng(2), _rng(3)
    for _ in range(c.turn_limit):
        red = mrng.integers(0, c.n_options[1], size=start.n)
        step(c, a, np.stack([np.full(start.n, noop), red], axis=1), ra)
        step(c, b, np.stack([np.full(start.n, wait), red], axis=1), rb)
        # common random numbers: exactly the same worlds, bar the option's own counters
        for name in ("x", "stage", "outcome", "ended", "fired", "held"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
    # and in distribution, through forecasts with fixed policies
    s = initial_state(c, 1, _rng(4))
    f1 = forecast(c, s, [Fixed(noop), Uniform()], _rng(5), worlds=4000, horizon=10)
    f2 = forecast(c, s, [Fixed(wait), Uniform()], _rng(5), worlds=4000, horizon=10)
    np.testing.assert_array_equal(f1.p_by_turn, f2.p_by_turn)
    np.testing.assert_array_equal(f1.final.x, f2.final.x)


# --------------------------------------------------------------------------------------
# availability


class _Checked(Uniform):
    """Uniform play that checks what it returns against what it was told is available."""

    def __call__(self, c, st, actor, avail, rng, h):  # type: ignore[override]
        moves = super().__call__(c, st, actor, avail, rng, h)
        ok = avail[np.arange(moves.size), actor, moves]
        hold = moves == c.hold[actor]
        assert (ok | (hold & ~avail[:, actor].any(axis=1))).all()
        return moves


@FAST
@given(seed=st.integers(0, 10_000))
def test_policies_choose_only_available_options(seed: int) -> None:
    c = _compiled(seed)
    s = initial_state(c, 300, _rng(seed))
    rng = _rng(seed + 1)
    last_used: dict[tuple[int, int], np.ndarray] = {}
    for h in range(c.turn_limit):
        running = s.outcome < 0
        avail = available(c, s)
        # the forecast's own availability rule is the same
        rows = np.flatnonzero(running)
        assert np.array_equal(live_available(c, live_of(c, s, rows), s.turn), avail[rows])
        moves = choose(c, s, policies_for(c), rng, h)
        got = avail[np.arange(s.n)[:, None], np.arange(c.n_actors)[None, :], moves]
        assert got[running].all()
        uses_before = s.uses.copy()
        step(c, s, moves, rng)
        assert (s.uses <= c.max_uses).all()
        for a in range(c.n_actors):
            for o in range(c.n_options[a]):
                chosen = running & (moves[:, a] == o)
                if c.cooldown[a, o]:
                    prev = last_used.get((a, o), np.full(s.n, -100))
                    assert (h - prev[chosen] > c.cooldown[a, o]).all()
                    prev = prev.copy()
                    prev[chosen] = h
                    last_used[(a, o)] = prev
                assert np.array_equal(s.uses[:, a, o] - uses_before[:, a, o], chosen)
    # the forecast's policies see the same rule
    f = forecast(c, initial_state(c, 1, _rng(seed)), [_Checked()] * c.n_actors, rng, 500, 6)
    assert (f.final.uses <= c.max_uses).all()


def test_fixed_falls_back_to_hold_where_unavailable(mini) -> None:
    s = initial_state(mini, 200, _rng(0))
    strike = mini.option_index("blue", "strike")  # only from the crisis stage up
    s.stage[:100] = 1
    moves = choose(mini, s, [Fixed(strike), Uniform()], _rng(1), 0)
    assert (moves[:100, 0] == strike).all()
    assert (moves[100:, 0] == mini.hold[0]).all()


def test_mix_weights_are_followed(mini) -> None:
    s = initial_state(mini, 20_000, _rng(0))
    pol = parse_policy(mini, "red", "mix:talk=0.75,mobilise=0.25")
    assert isinstance(pol, Mix)
    moves = choose(mini, s, [Uniform(), pol], _rng(1), 0)
    talk, mob = mini.option_index("red", "talk"), mini.option_index("red", "mobilise")
    share = (moves[:, 1] == talk).mean()
    assert abs(share - 0.75) < 0.02
    assert set(np.unique(moves[:, 1])) == {talk, mob}
    # blue's uniform play covers its available options equally (strike needs a crisis)
    counts = np.bincount(moves[:, 0], minlength=4)
    assert counts[3] == 0 and (np.abs(counts[:3] / s.n - 1 / 3) < 0.02).all()


def test_parse_policy_errors(mini) -> None:
    with pytest.raises(KeyError, match="unknown option 'nuke'"):
        parse_policy(mini, "blue", "nuke")
    with pytest.raises(KeyError, match="unknown actor"):
        parse_policy(mini, "green", "random")
    with pytest.raises(ValueError):
        parse_policy(mini, "blue", "mix:talk")


# --------------------------------------------------------------------------------------
# starts, CIs, small things


def test_forecast_from_many_worlds_uses_each_start(mini) -> None:
    s = initial_state(mini, 1000, _rng(3))
    assert s.x[:, 0].std() > 3  # the start is uncertain
    f = forecast(mini, s, policies_for(mini), _rng(4), worlds=1000, horizon=0)
    # the forecast computes in float32
    np.testing.assert_allclose(f.final.x, s.x, rtol=1e-6)
    f.final.x = s.x
    assert f.final.equals(s)
    np.testing.assert_allclose(f.bands[0, 2], np.median(s.x, axis=0), rtol=1e-5)


def test_wilson_interval() -> None:
    lo, hi = wilson(0.5, 100)
    assert 0.40 < lo < 0.41 and 0.59 < hi < 0.60
    assert wilson(0.0, 1000)[0] == 0.0 and 0 < wilson(0.0, 1000)[1] < 0.005


def test_without_joint_tables_the_same_game(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scenarios with too many move combinations for joint tables take a slower path
    to the same results."""
    import sys

    step_mod = sys.modules["game.model.step"]
    tables_mod = sys.modules["game.model.tables"]  # the joint-table limits live there
    scn = synthetic_scenario(3, metrics=4, events=3, interactions=2)
    joint = compile_scenario(scn)
    step_mod.tables(joint)  # built (and cached) with joint tables
    monkeypatch.setattr(tables_mod, "JOINT_MAX", 0)
    plain = compile_scenario(scn)
    assert not step_mod.tables(plain).joint and step_mod.tables(joint).joint
    a = initial_state(joint, 500, _rng(1))
    b = a.copy()
    ra, rb, mrng = _rng(2), _rng(2), _rng(3)
    for _ in range(joint.turn_limit):
        moves = _random_moves(joint, a, mrng)
        ia = step(joint, a, moves, ra, explain=True)
        ib = step(plain, b, moves, rb, explain=True)
        np.testing.assert_allclose(a.x, b.x, atol=1e-9)
        np.testing.assert_allclose(ia.delta, ib.delta, atol=1e-9)
        for name in ("stage", "outcome", "fired", "held", "cooldown", "uses"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name


@pytest.mark.parametrize("dense", [0.0, 1.01])
def test_event_draws_alike_with_and_without_joint_tables(
    monkeypatch: pytest.MonkeyPatch, dense: float
) -> None:
    """Events drawn all in every world (dense) or all only where allowed (sparse): the
    joint tables and the plain path still make the same draws."""
    import sys

    step_mod = sys.modules["game.model.step"]
    tables_mod = sys.modules["game.model.tables"]  # the joint-table limits live there
    monkeypatch.setattr(tables_mod, "DENSE_EVENT", dense)
    scn = synthetic_scenario(5, metrics=4, events=4, interactions=1)
    joint = compile_scenario(scn)
    t = step_mod.tables(joint)
    assert t.joint and (t.ev_sparse.size == 0 if dense == 0.0 else t.ev_sparse.size > 0)
    monkeypatch.setattr(tables_mod, "JOINT_MAX", 0)
    plain = compile_scenario(scn)
    assert not step_mod.tables(plain).joint
    a = initial_state(joint, 400, _rng(1))
    b = a.copy()
    ra, rb, mrng = _rng(2), _rng(2), _rng(3)
    for _ in range(joint.turn_limit):
        moves = _random_moves(joint, a, mrng)
        ia = step(joint, a, moves, ra, explain=True)
        ib = step(plain, b, moves, rb, explain=True)
        np.testing.assert_allclose(a.x, b.x, atol=1e-9)
        np.testing.assert_allclose(ia.delta, ib.delta, atol=1e-9)
        assert np.array_equal(ia.events, ib.events)
        for name in ("stage", "outcome", "fired", "held", "cooldown", "uses"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_synthetic_dicts_validate() -> None:
    for seed in range(30):
        d = synthetic_dict(seed, metrics=1 + seed % 6, events=seed % 5, actors=2 + seed % 2)
        compile_scenario(Scenario.model_validate(d))
