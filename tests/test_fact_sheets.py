"""Checks on the project's fact sheets (seeds/*.yaml).

The fact sheets are paraphrases: the last tests guard against copying runs of words
from the seed article (and from the reference-class notes) into the sheets.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
FACTS_PATH = REPO / "seeds" / "venezuela-2025-facts.yaml"
TAIWAN_PATH = REPO / "seeds" / "taiwan-1995-facts.yaml"
REFS_PATH = REPO / "seeds" / "reference-classes.yaml"

# The sources live outside the repo; override with environment variables if they move.
SOURCE_ARTICLE = Path(
    os.environ.get("BRINK_SOURCE_ARTICLE", "/work/shared/seed/source-article.txt")
)
REFERENCE_NOTES = Path(
    os.environ.get("BRINK_REFERENCE_NOTES", "/work/shared/notes/reference-classes.md")
)

FACT_ID = re.compile(r"^VE-(C)?\d{2}$")


@dataclass(frozen=True)
class Sheet:
    """One fact sheet and the id scheme its conventions header describes."""

    path: Path
    header_id: str
    fact_id: re.Pattern[str]
    # Prefix of public-record context facts, which must say so (None: no such class).
    context_prefix: str | None = None
    # Does every fact cite an entry of the top-level `sources:` list (its own `sources:`)?
    cites_sources: bool = False


SHEETS = {
    "venezuela": Sheet(FACTS_PATH, "venezuela-2025-facts", FACT_ID, context_prefix="VE-C"),
    "taiwan": Sheet(
        TAIWAN_PATH, "taiwan-1995-facts", re.compile(r"^TW-(L)?\d{2}$"), cites_sources=True
    ),
}
SOURCE_ID = re.compile(r"^S-[A-Z0-9-]+$")
SOURCE_REF = re.compile(r"\[(S-[A-Z0-9-]+)\]")
SOURCE_FIELDS = ("author", "title", "publisher")
REF_ID = re.compile(r"^RC-[A-Z0-9-]+$")
FACT_STATUSES = {"established", "official_statement", "claim", "report"}
REF_CONFIDENCES = {"counted", "published", "unconfirmed", "suggested"}
FACT_FIELDS = ("statement", "asserted_by", "status", "date")
REF_FIELDS = ("statement", "source", "confidence")
MAX_STATEMENT = 300
NGRAM = 8


# --------------------------------------------------------------------------- helpers


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), f"{path.name}: top level must be a mapping"
    return data


def words(text: str) -> list[str]:
    """Lower-case words with punctuation (including curly quotes and dashes) removed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[’‘`´]", "'", text)
    text = re.sub(r"'s\b", "s", text)  # regime's -> regimes, so possessives compare equal
    return re.findall(r"[a-z0-9]+", text)


def ngrams(tokens: list[str], n: int = NGRAM) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def shared_runs(text: str, source_grams: set[tuple[str, ...]]) -> list[str]:
    """Runs of NGRAM consecutive words that `text` shares with the source."""
    return sorted(" ".join(g) for g in ngrams(words(text)) & source_grams)


def _is_iso_date(value: object) -> bool:
    if isinstance(value, dt.date):
        return True
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module", params=sorted(SHEETS))
def sheet(request: pytest.FixtureRequest) -> tuple[Sheet, dict]:
    spec = SHEETS[request.param]
    return spec, _load(spec.path)


@pytest.fixture(scope="module")
def facts_doc() -> dict:
    return _load(FACTS_PATH)


@pytest.fixture(scope="module")
def refs_doc() -> dict:
    return _load(REFS_PATH)


def _facts_of(doc: dict) -> list[dict]:
    items = doc.get("facts")
    assert isinstance(items, list) and items, "facts: must be a non-empty list"
    assert all(isinstance(f, dict) for f in items)
    return items


@pytest.fixture(scope="module")
def facts(facts_doc: dict) -> list[dict]:
    return _facts_of(facts_doc)


@pytest.fixture(scope="module")
def sheet_facts(sheet: tuple[Sheet, dict]) -> list[dict]:
    return _facts_of(sheet[1])


@pytest.fixture(scope="module")
def refs(refs_doc: dict) -> list[dict]:
    items = refs_doc.get("references")
    assert isinstance(items, list) and items, "references: must be a non-empty list"
    assert all(isinstance(r, dict) for r in items)
    return items


def _source_grams(path: Path) -> set[tuple[str, ...]]:
    if not path.is_file():
        pytest.skip(f"source text not found at {path}")
    return ngrams(words(path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- every fact sheet


def test_facts_header(sheet: tuple[Sheet, dict]) -> None:
    spec, doc = sheet
    assert doc.get("id") == spec.header_id
    assert isinstance(doc.get("title"), str) and doc["title"].strip()
    source = doc.get("source")
    assert isinstance(source, dict)
    assert isinstance(source.get("description"), str) and source["description"].strip()
    assert _is_iso_date(source.get("date"))


def test_fact_ids_unique_and_well_formed(
    sheet: tuple[Sheet, dict], sheet_facts: list[dict]
) -> None:
    spec = sheet[0]
    ids = [f.get("id") for f in sheet_facts]
    bad = [i for i in ids if not isinstance(i, str) or not spec.fact_id.match(i)]
    assert not bad, f"malformed fact ids: {bad}"
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate fact ids: {dupes}"


def test_fact_fields(sheet_facts: list[dict]) -> None:
    for fact in sheet_facts:
        fid = fact.get("id")
        for field in FACT_FIELDS:
            assert field in fact, f"{fid}: missing {field}"
        for field in ("statement", "asserted_by"):
            assert isinstance(fact[field], str) and fact[field].strip(), f"{fid}: empty {field}"
        assert fact["status"] in FACT_STATUSES, f"{fid}: bad status {fact['status']!r}"
        assert _is_iso_date(fact["date"]), f"{fid}: date {fact['date']!r} is not ISO"
        if "note" in fact:
            assert isinstance(fact["note"], str) and fact["note"].strip(), f"{fid}: empty note"


def test_statements_are_never_established(sheet_facts: list[dict]) -> None:
    # Any side's statement is recorded as what it is; no government's words become fact.
    for fact in sheet_facts:
        if re.search(r"\bstatement\b|\bstate press\b", fact["asserted_by"]):
            assert fact["status"] != "established", fact["id"]


def test_context_facts_are_public_record(
    sheet: tuple[Sheet, dict], sheet_facts: list[dict]
) -> None:
    prefix = sheet[0].context_prefix
    if prefix is None:
        return
    context = [f for f in sheet_facts if f["id"].startswith(prefix)]
    assert context, f"expected public-record context facts ({prefix}nn)"
    for fact in context:
        if fact["status"] == "claim":
            # an interested party's claim taken from the public record names the party
            assert fact["asserted_by"].endswith(" claim"), fact["id"]
            assert fact.get("note"), f"{fact['id']}: a claim says what checks it"
            continue
        assert fact["asserted_by"] == "public record", fact["id"]
        assert fact["status"] in {"established", "report"}, fact["id"]


def test_fact_cross_references_resolve(sheet_facts: list[dict]) -> None:
    ids = {f["id"] for f in sheet_facts}
    for fact in sheet_facts:
        for ref in re.findall(r"\b(?:VE-C?|TW-L?)\d{2}\b", fact.get("note", "")):
            assert ref in ids, f"{fact['id']}: note refers to unknown fact {ref}"


def test_every_fact_cites_a_listed_source(
    sheet: tuple[Sheet, dict], sheet_facts: list[dict]
) -> None:
    spec, doc = sheet
    if not spec.cites_sources:
        return
    sources = doc.get("sources")
    assert isinstance(sources, list) and sources, "sources: must be a non-empty list"
    ids = [s.get("id") for s in sources]
    assert all(isinstance(i, str) and SOURCE_ID.match(i) for i in ids), ids
    assert len(ids) == len(set(ids)), "duplicate source ids"
    for src in sources:
        for field in SOURCE_FIELDS:
            assert isinstance(src.get(field), str) and src[field].strip(), (src["id"], field)
        assert _is_iso_date(src.get("date")), src["id"]
    cited: set[str] = set()
    for fact in sheet_facts:
        refs = fact.get("sources") or []
        assert refs, f"{fact['id']}: cites no source"
        assert not SOURCE_REF.search(fact.get("note", "")), f"{fact['id']}: a citation in its note"
        unknown = sorted(set(refs) - set(ids))
        assert not unknown, f"{fact['id']}: unknown sources {unknown}"
        cited |= set(refs)
    assert not set(ids) - cited, f"sources never cited: {sorted(set(ids) - cited)}"


def test_statements_are_short_in_every_sheet(sheet_facts: list[dict]) -> None:
    long = [
        (f["id"], len(f["statement"])) for f in sheet_facts if len(f["statement"]) > MAX_STATEMENT
    ]
    assert not long, f"statements over {MAX_STATEMENT} characters: {long}"


# --------------------------------------------------------------------------- Venezuela sheet


def test_militia_claim_is_a_claim(facts: list[dict]) -> None:
    militia = [f for f in facts if re.search(r"\b8 million\b", f["statement"])]
    assert militia, "no fact records the 8 million militia figure"
    for fact in militia:
        assert fact["status"] == "claim", f"{fact['id']}: the 8 million militia is only a claim"


def test_independent_militia_estimate_present(facts: list[dict]) -> None:
    assert any("IISS" in f["statement"] and "220,000" in f["statement"] for f in facts), (
        "the IISS militia estimate should sit beside the official claim"
    )


# --------------------------------------------------------------------------- Taiwan sheet


@pytest.fixture(scope="module")
def taiwan_facts() -> list[dict]:
    return _facts_of(_load(TAIWAN_PATH))


ELECTION_DAY = dt.date(1996, 3, 23)


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def test_later_facts_postdate_the_election(taiwan_facts: list[dict]) -> None:
    # "What we know now": TW-Lnn came out after the crisis, TW-nn by its end.
    for fact in taiwan_facts:
        later = fact["id"].startswith("TW-L")
        when = _as_date(fact["date"])
        if later:
            assert when > ELECTION_DAY, fact["id"]
        else:
            assert when <= dt.date(1996, 3, 31), fact["id"]


def test_taiwan_election_result_recorded(taiwan_facts: list[dict]) -> None:
    vote = [
        f for f in taiwan_facts if _as_date(f["date"]) == ELECTION_DAY and "54" in f["statement"]
    ]
    assert vote and all(f["status"] == "established" for f in vote)


def test_taiwan_sides_are_heard_alike(taiwan_facts: list[dict]) -> None:
    # Each of the three governments has its own statements on record.
    speakers = [f["asserted_by"] for f in taiwan_facts if f["status"] == "official_statement"]
    for side in ("PRC", "US", "Taiwan"):
        assert sum(side in s for s in speakers) >= 3, side


# --------------------------------------------------------------------------- reference sheet


def test_refs_header(refs_doc: dict) -> None:
    assert refs_doc.get("id") == "reference-classes"
    assert isinstance(refs_doc.get("title"), str) and refs_doc["title"].strip()


def test_ref_ids_unique_and_well_formed(refs: list[dict]) -> None:
    ids = [r.get("id") for r in refs]
    bad = [i for i in ids if not isinstance(i, str) or not REF_ID.match(i)]
    assert not bad, f"malformed reference ids: {bad}"
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate reference ids: {dupes}"


def test_ref_fields(refs: list[dict]) -> None:
    for ref in refs:
        rid = ref.get("id")
        for field in REF_FIELDS:
            assert isinstance(ref.get(field), str) and ref[field].strip(), f"{rid}: {field}"
        assert ref["confidence"] in REF_CONFIDENCES, f"{rid}: bad confidence"


def test_suggested_values_are_marked_suggested(refs: list[dict]) -> None:
    by_id = {r["id"]: r for r in refs}
    expected = {f"RC-SUGGEST-{n:02d}" for n in range(1, 12)}
    assert expected <= by_id.keys(), f"missing: {sorted(expected - by_id.keys())}"
    for ref in refs:
        is_suggestion = ref["id"].startswith("RC-SUGGEST-")
        assert (ref["confidence"] == "suggested") == is_suggestion, ref["id"]


def test_five_cases_present(refs: list[dict]) -> None:
    ids = {r["id"] for r in refs}
    for case in ("CUBA-1962", "DOMINICAN-REPUBLIC-1965", "GRENADA-1983", "PANAMA-1989"):
        assert f"RC-CASE-{case}" in ids
    assert "RC-CASE-HAITI-1994" in ids


def test_reference_statements_are_short(refs: list[dict]) -> None:
    long = [(i["id"], len(i["statement"])) for i in refs if len(i["statement"]) > MAX_STATEMENT]
    assert not long, f"statements over {MAX_STATEMENT} characters: {long}"


# --------------------------------------------------------------------------- plagiarism guard


def test_overlap_detector_catches_copying() -> None:
    source = ngrams(words("The quick brown fox jumps over the lazy dog near the river bank."))
    copied = "Witnesses said the Quick, brown fox jumps over the lazy dog — near the river."
    assert shared_runs(copied, source), "detector missed an 8-word copy"
    assert not shared_runs("A fast fox leapt across a sleepy dog by the water.", source)
    assert words("Regime’s “street-by-street”") == words("regime's street by street")


def test_fact_statements_do_not_copy_article(facts: list[dict]) -> None:
    source = _source_grams(SOURCE_ARTICLE)
    copied = {
        f["id"]: runs
        for f in facts
        for runs in [shared_runs(f["statement"] + " " + f.get("note", ""), source)]
        if runs
    }
    assert not copied, f"facts sharing {NGRAM}-word runs with the article: {copied}"


def test_reference_statements_do_not_copy_notes(refs: list[dict]) -> None:
    source = _source_grams(REFERENCE_NOTES)
    copied = {r["id"]: runs for r in refs for runs in [shared_runs(r["statement"], source)] if runs}
    assert not copied, f"references sharing {NGRAM}-word runs with the notes: {copied}"
