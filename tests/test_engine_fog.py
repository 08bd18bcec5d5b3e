"""Fog of war: a player's view never contains the other side's true private values."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import CHEAP

from game.engine import Seat, Session
from game.engine.fog import belief_state, error_share, estimates, prior, read
from game.model import compile_scenario
from game.scenario import Loaded, check_file, load_scenario

DATA = Path(__file__).parent / "data"
VENEZUELA = Path(__file__).parent.parent / "scenarios" / "venezuela-2025.yaml"
TAIWAN = VENEZUELA.with_name("taiwan-1995.yaml")


def scenarios() -> list[Path]:
    out = [DATA / "mini.yaml"]
    for shipped in (VENEZUELA, TAIWAN):
        if shipped.is_file() and check_file(shipped)[0] is not None:
            out.append(shipped)
    return out


def floats_in(obj: Any) -> list[float]:
    if isinstance(obj, dict):
        return [f for v in obj.values() for f in floats_in(v)]
    if isinstance(obj, list | tuple):
        return [f for v in obj for f in floats_in(v)]
    if isinstance(obj, float) or (isinstance(obj, int) and not isinstance(obj, bool)):
        return [float(obj)]
    return []


def hidden_truths(s: Session, viewer: str) -> set[float]:
    """Every true value, now or earlier in the game, of the metrics private to others."""
    idx = [
        i
        for i, m in enumerate(s.scenario.metrics)
        if (m.visibility == "private" and m.owner != viewer)
        # metrics only some sides see, for good (one that can become public is left out)
        or (m.visibility == "actors" and viewer not in m.visible_to and m.public_when is None)
    ]
    rows = [t["result"]["x"] for t in s.log["turns"]] + [list(s.state.x[0])]
    rows += [[mc.before for mc in r.metrics] for r in s.history]  # each turn's start
    # a value clipped to its range's bound equals the (public) bound itself: not a leak
    bounds = {float(b) for i in idx for b in s.scenario.metrics[i].range}
    return {float(r[i]) for r in rows for i in idx} - bounds


@pytest.mark.slow
@pytest.mark.parametrize("path", scenarios(), ids=lambda p: p.stem)
def test_views_never_contain_the_other_sides_true_private_values(path: Path) -> None:
    loaded = load_scenario(path)
    n_games = 12 if path.stem == "mini" else 3
    checked = 0
    for seed in range(n_games):
        s = Session.new(loaded, seed=seed, ai=CHEAP, autosave=False)
        while True:
            for viewer in s.actors:
                truths = hidden_truths(s, viewer)
                if not truths:
                    continue
                v = s.view(viewer)
                shown = {
                    "view": v.to_dict(),
                    "report": s.report(viewer).to_dict() if s.history else None,
                    "news": [n.to_dict() for n in s.news_for(viewer)],
                    "options": [o.__dict__ for o in s.options(viewer)],
                }
                values = set(floats_in(shown))
                leaked = values & truths
                assert not leaked, f"{viewer} sees true private values {leaked} (seed {seed})"
                text = json.dumps(shown)
                for t in truths:
                    assert not re.search(rf"(?<![\d.]){re.escape(repr(t))}(?![\d])", text)
                for m in v.metrics:
                    if not m.exact:
                        assert m.value is None and m.error > 0
                checked += 1
            if s.over:
                break
            s.resolve()
    assert checked > 0


def test_error_follows_the_viewers_intelligence(mini: Loaded) -> None:
    """Each turn's reading is as sharp as the viewer's intelligence; the error shown after
    the first reading is the filter's, sd0·r / √(sd0² + r²) with sd0 the prior sd."""
    c = compile_scenario(mini.scenario)
    fog = mini.scenario.fog
    mid = fog.error_at_full_intel + (fog.error_at_zero_intel - fog.error_at_full_intel) * 0.5
    sd0 = fog.error_at_zero_intel * 100
    x = c.init_mean.copy()
    for intel, share in ((0.0, fog.error_at_zero_intel), (100.0, fog.error_at_full_intel)):
        for intel_, share_ in ((intel, share), (50.0, mid)):
            x[2] = intel_
            assert error_share(c, 0, x) == pytest.approx(share_)
            b = prior(c)
            read(c, b, 3, 1, x)
            r = share_ * 100
            after = sd0 * r / np.hypot(sd0, r)
            assert estimates(c, b, 0, x)[1][1] == pytest.approx(after)
            # red has no intelligence metric: always the zero-intelligence reading
            assert estimates(c, b, 1, x)[1][2] == pytest.approx(sd0 / np.sqrt(2))
    s = Session.new(mini, seed=3, ai=CHEAP, autosave=False)
    s.console.set_metric("intel", 50.0)
    assert s.view("red").intel == 0.0 and s.view("blue").intel == pytest.approx(0.5)


def test_own_private_and_public_metrics_are_exact(mini: Loaded) -> None:
    s = Session.new(mini, seed=4, ai=CHEAP, autosave=False)
    x = s.state.x[0]
    red, blue = s.view("red"), s.view("blue")
    assert red.metric("resolve").exact and red.metric("resolve").value == x[1]
    assert blue.metric("intel").exact and blue.metric("intel").value == x[2]
    assert red.metric("tension").value == blue.metric("tension").value == x[0]
    assert not red.metric("intel").exact and not blue.metric("resolve").exact


def test_estimates_are_stable_within_a_turn_and_updated_each_turn(mini: Loaded) -> None:
    s = Session.new(mini, seed=5, seats={"blue": Seat.human()}, ai=CHEAP, autosave=False)
    a = s.view("blue").metric("resolve").estimate
    s.what_if("blue", "talk", worlds=20)
    assert s.view("blue").metric("resolve").estimate == a
    s.commit("blue", "wait")
    s.resolve()
    b = s.view("blue").metric("resolve")
    assert b.history == [a]
    assert b.estimate != a


def test_estimates_are_unbiased_with_the_stated_error(mini: Loaded) -> None:
    """Turn 1: Red's resolve starts exactly at its initial mean, the prior's mean, so the
    estimate misses by K·r·z (K the reading's weight) while the error shown is the
    prior's √(K·r²): the z-scores have mean 0 and sd √K, no smaller (never overconfident),
    no larger."""
    fog = mini.scenario.fog
    sd0 = fog.error_at_zero_intel * 100
    z = []
    for seed in range(300):
        s = Session.new(mini, seed=seed, ai=CHEAP, autosave=False)
        m = s.view("blue").metric("resolve")
        z.append((m.estimate - s.state.x[0, 1]) / m.error)
    r = error_share(s.c, 0, s.state.x[0]) * 100
    k = sd0**2 / (sd0**2 + r**2)
    z = np.asarray(z)
    assert abs(z.mean()) < 0.2 * np.sqrt(k)
    assert 0.85 * np.sqrt(k) < z.std() < 1.15 * np.sqrt(k)


def test_ai_and_advisors_reason_from_the_belief_not_the_truth(mini: Loaded) -> None:
    s = Session.new(mini, seed=6, ai=CHEAP, autosave=False)
    b, x = belief_state(s.c, s.state, 0, s.fog_estimates(0))
    est, _err, mask = s.fog_estimates(0)
    assert mask.tolist() == [False, True, False]
    assert x[1] == pytest.approx(np.clip(est[1], 0, 100))
    assert x[1] != s.state.x[0, 1]
    assert x[0] == s.state.x[0, 0] and x[2] == s.state.x[0, 2]
    assert s.state.x[0, 1] != b.x[0, 1]  # the true state is untouched


def test_shown_estimates_stay_within_their_metrics_range(tmp_path: Path) -> None:
    """A belief can lie outside the range (fog does not clip its readings, and a claim
    may lie beyond the scale: here Red is told Blue's intelligence is far below zero);
    what a player is shown, now, in the history and in the turn's report, and the band
    around it, stays within the metric's range."""
    import shutil

    import yaml

    data = yaml.safe_load((DATA / "v2-features.yaml").read_text(encoding="utf-8"))
    data["fog"]["claims"] = [
        {"metric": "intel", "value": -60, "weight": 1.0, "basis": {"assumption": "Test."}}
    ]
    shutil.copy(DATA / "mini-facts.yaml", tmp_path / "mini-facts.yaml")
    (tmp_path / "v2.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    loaded = load_scenario(tmp_path / "v2.yaml")
    c_lo = {m.id: float(m.range[0]) for m in loaded.scenario.metrics}
    c_hi = {m.id: float(m.range[1]) for m in loaded.scenario.metrics}
    outside = 0
    for seed in range(8):
        s = Session.new(loaded, seed=seed, ai=CHEAP, autosave=False)
        while True:
            for viewer in s.actors:
                a = s.actor_index(viewer)
                raw, _err, mask = s.fog_estimates(a)
                outside += int(np.sum(mask & ((raw < s.c.lo) | (raw > s.c.hi))))
                for m in s.view(viewer).metrics:
                    for v in (m.estimate, *m.history, *m.band):
                        assert m.lo <= v <= m.hi, f"{m.name} shown as {v} (seed {seed})"
                if s.history:
                    for mc in s.report(viewer).metrics:
                        for v in (mc.before, mc.after):
                            assert c_lo[mc.metric] <= v <= c_hi[mc.metric], (mc.name, v)
            if s.over:
                break
            s.resolve()
    assert outside > 0  # the case this guards: raw estimates did leave the range
