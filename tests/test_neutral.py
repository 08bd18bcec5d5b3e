"""Neutral for a classroom in any country, and truthful to each viewer.

The loaded terms are the short list explained in docs/scenario-format.md ("Neutral
wording"): words that take one side's view of the other (or of an ending) and have a
plain equivalent."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from game.engine import AISettings, Seat, Session
from game.report.words import outcome_goals
from game.scenario import load_scenario
from game.scenario.schema import OutcomeKind
from game.words import in_sentence

ROOT = Path(__file__).parent.parent
VENEZUELA = ROOT / "scenarios" / "venezuela-2025.yaml"
FACTS = ROOT / "seeds" / "venezuela-2025-facts.yaml"
TAIWAN = ROOT / "scenarios" / "taiwan-1995.yaml"
MINI = Path(__file__).parent / "data" / "mini.yaml"
CHEAP = AISettings(worlds=16, horizon=2, advice_worlds=16, advice_horizon=2)

LOADED_TERMS = [
    r"regimes?",
    r"juntas?",
    r"hard-?liners?",
    r"capitulat\w*",
    r"thugs?",
    r"puppets?",
    r"rogue states?",
    r"narco-states?",
    r"dictators?",
]
LOADED = re.compile(r"\b(?:" + "|".join(LOADED_TERMS) + r")\b", re.I)
# the same list in Spanish ("juntas" alone also means "together": only the noun phrase)
LOADED_ES = re.compile(
    r"\b(?:r[ée]gimen|reg[íi]menes|la junta|juntas? militar(?:es)?|l[íi]nea dura|duros|"
    r"capitula\w*|matones|mat[óo]n|t[íi]teres?|estados? canallas?|narcoestados?|dictador(?:es)?)\b",
    re.I,
)
SHIPPED = [VENEZUELA, TAIWAN]
IDENT = re.compile(r"^[a-z0-9_]+$")


def player_text(obj: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string of the scenario a player can read: all text fields, but not ids
    (identifiers), mapping keys, or designers' tuning notes."""
    out: list[tuple[str, str]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "tuning":
                continue
            out += player_text(v, f"{path}.{k}" if path else str(k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += player_text(v, f"{path}[{i}]")
    elif isinstance(obj, str) and not IDENT.match(obj):
        out.append((path, obj))
    return out


def test_the_list_covers_the_scenario_text() -> None:
    texts = dict(player_text(load_scenario(VENEZUELA).scenario.model_dump(mode="json")))
    assert "meta.summary" in texts and "debrief[0]" in texts
    assert any(p.endswith(".headline") for p in texts)
    assert not any(p.endswith(".tuning") for p in texts)
    # the check itself catches what it is meant to
    assert LOADED.search("The regime's hardliners") and LOADED.search("a capitulation")
    assert not LOADED.search("the government's hawks")


def test_no_loaded_terms_in_player_facing_text() -> None:
    scn = load_scenario(VENEZUELA).scenario
    hits = [
        (p, m.group(0))
        for p, t in player_text(scn.model_dump(mode="json"))
        if (m := LOADED.search(t))
    ]
    assert hits == []


def sheet_text(loaded: Any) -> list[tuple[str, str]]:
    """The fact sheet's and reference sheet's text a player reads in the briefing and the
    report. A claim's statement is left out: it reports an interested party's own words
    (a president's epithet, marked CLAIM), which the rules keep attributed, not unsaid."""
    out: list[tuple[str, str]] = []
    for fid, f in loaded.facts.items():
        for key in ("statement", "note"):
            if f.get(key) and not (key == "statement" and f.get("status") == "claim"):
                out.append((f"{fid}.{key}", str(f[key])))
    for rid, r in loaded.references.items():
        if r.get("statement"):  # not its source: a published title is cited as it is
            out.append((f"{rid}.statement", str(r["statement"])))
    return out


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_no_loaded_terms_in_any_shipped_scenario_or_its_sheets(path: Path) -> None:
    loaded = load_scenario(path)
    texts = player_text(loaded.scenario.model_dump(mode="json")) + sheet_text(loaded)
    assert any(p.endswith(".statement") for p, _ in texts)
    assert [(p, m.group(0)) for p, t in texts if (m := LOADED.search(t))] == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_no_loaded_terms_in_the_spanish_translations(path: Path) -> None:
    es = load_scenario(path).in_language("es")
    texts = player_text(es.scenario.model_dump(mode="json")) + sheet_text(es)
    assert any("ó" in t for _, t in texts)  # the Spanish texts, not the English
    assert [(p, m.group(0)) for p, t in texts if (m := LOADED_ES.search(t))] == []
    assert LOADED_ES.search("el régimen y su línea dura") and LOADED_ES.search("la junta cedió")
    assert not LOADED_ES.search("las cifras se movieron juntas")


def test_the_docs_explain_every_loaded_term() -> None:
    doc = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    assert "## Neutral wording" in doc
    section = doc.split("## Neutral wording", 1)[1]
    for term in ("regime", "junta", "hardliner", "capitulation", "dictator"):
        assert term in section


def test_tuning_notes_are_not_shown_as_basis() -> None:
    scn = load_scenario(VENEZUELA).scenario
    texts = player_text(scn.model_dump(mode="json"))
    assert not [p for p, t in texts if "Balance (" in t]
    raw = VENEZUELA.read_text(encoding="utf-8")
    assert raw.count("tuning:") >= 6  # the balance notes live in their own field


def test_claims_on_both_sides_get_the_same_badge_rules() -> None:
    facts = yaml.safe_load(FACTS.read_text(encoding="utf-8"))["facts"]
    claims = [f for f in facts if f["status"] == "claim"]
    us = [f for f in claims if f["asserted_by"].startswith("US")]
    ven = [f for f in claims if f["asserted_by"].startswith("Venezuelan")]
    assert len(us) >= 2 and len(ven) >= 2
    # an accusation of a crime is an unverified assertion, whoever makes it
    for f in facts:
        if "accuse" in f["statement"].lower() and "government" in f["asserted_by"].lower():
            assert f["status"] == "claim", f["id"]
    # each side's contested statements are checked against independent sources
    notes = {f["id"]: f.get("note", "") for f in facts}
    assert "VE-C09" in notes["VE-14"] and "VE-C01" in notes["VE-01"]
    ids = {f["id"] for f in facts}
    assert {"VE-C09", "VE-C10", "VE-C11", "VE-C12"} <= ids
    # the US case on the boat strikes is badged like Venezuela's militia figure: what the
    # boats carried and the strikes' legality are claims, each with its independent check
    boats = [f["statement"] for f in us if "boat" in f["statement"]]
    assert any("drugs" in s for s in boats) and any("lawful" in s for s in boats)
    assert "VE-C11" in notes["VE-C13"] and "VE-C12" in notes["VE-C14"]


def test_both_sides_aims_are_worded_alike() -> None:
    meta = load_scenario(VENEZUELA).scenario.meta
    text = " ".join(meta.how_to_win.split())
    assert "Washington says it wants" in text and "Caracas says it wants" in text
    assert "What observers infer, for both" in text


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_do_not_use_the_retired_kind(path: Path) -> None:
    # a teacher adapting a shipped file copies what it says: one side "steps back" is no
    # leadership's negotiated exit, and "capitulation" is the loaded name the docs retire
    assert not re.search(r"kind:\s*capitulation", path.read_text(encoding="utf-8"))


def test_capitulation_still_loads_as_a_negotiated_exit() -> None:
    assert "kind: capitulation" in MINI.read_text(encoding="utf-8")
    kinds = [o.kind for o in load_scenario(MINI).scenario.outcomes]
    assert OutcomeKind.negotiated_exit in kinds
    assert OutcomeKind("capitulation") is OutcomeKind.negotiated_exit
    scn = load_scenario(VENEZUELA).scenario
    assert {o.id: o.kind for o in scn.outcomes}["exit_deal"] == OutcomeKind.negotiated_exit


@pytest.mark.parametrize("path", [VENEZUELA, MINI, TAIWAN], ids=lambda p: p.stem)
def test_avoid_war_only_when_war_is_the_sides_worst_ending(path: Path) -> None:
    scn = load_scenario(path).scenario
    kinds = {o.id: o.kind for o in scn.outcomes}
    for actor in scn.actors:
        util = actor.objectives.outcomes
        aims = outcome_goals(scn, actor)[0]
        worst = min(util, key=lambda q: (util[q], q)) if util else None
        war_is_worst = worst is not None and kinds[worst] == OutcomeKind.war and util[worst] < 0
        wars = [o for o in scn.outcomes if o.kind == OutcomeKind.war]
        # one kind of war reads "Avoid war"; with several (quick and protracted, limited
        # and full) the worst is named
        said = (
            {"Avoid war"} if len(wars) == 1 else {f"Avoid {in_sentence(o.name, scn)}" for o in wars}
        )
        assert bool(said & set(aims)) == war_is_worst, actor.id
        if war_is_worst and len(wars) > 1:
            assert (
                aims[0] == f"Avoid {in_sentence(next(o.name for o in wars if o.id == worst), scn)}"
            )


def test_venezuela_headline_aims_follow_each_sides_ranking() -> None:
    scn = load_scenario(VENEZUELA).scenario
    aims = {a.id: outcome_goals(scn, a)[0] for a in scn.actors}
    assert "Avoid war" not in aims["usa"] and "Avoid war" not in aims["ven"]
    assert aims["ven"][0] == "Avoid change of government"


def test_option_labels_come_from_their_category() -> None:
    scn = load_scenario(VENEZUELA).scenario
    for actor in scn.actors:
        for opt in actor.options:
            text = f"{opt.name} {opt.description}".lower()
            if opt.category == "invasion":
                assert re.search(r"ground|invasion|landing", text), opt.id
            if opt.category == "strike":
                assert re.search(r"strike|fire|engage", text), opt.id
    names = {o.id: o for a in scn.actors for o in a.options}
    assert names["external_commotion"].category != "invasion"


def test_a_covert_moves_owner_never_reads_comes_to_light_unless_exposed() -> None:
    seen_hidden = False
    for seed in range(12):
        s = Session.new(
            VENEZUELA,
            seed=seed,
            seats={"usa": Seat.fixed("covert"), "ven": Seat.fixed("hold")},
            ai=CHEAP,
            autosave=False,
        )
        rep = s.resolve()
        own = [n.headline for n in rep.headlines if n.visible_to in (None, "usa")]
        if rep.moves["usa"].exposed:
            continue
        seen_hidden = True
        assert not any("comes to light" in h for h in own), own
        assert any(h.startswith("Covert:") and "(not exposed)" in h for h in own)
    assert seen_hidden
