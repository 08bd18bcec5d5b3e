"""Translations of a scenario's player-facing text: one sidecar file per language.

``border-dispute.es.yaml`` beside ``border-dispute.yaml`` gives the Spanish text by
the same ids the scenario uses; fact sheets and reference sheets likewise
(``border-dispute-facts.es.yaml``). A scenario sidecar looks like::

    language: es
    meta: {title: ..., summary: ..., how_to_win: ...}
    metrics:
      tension: {name: ..., short: ..., description: ..., assumption: ...}
    actors:
      usa:
        name: ...
        advisors: {hawk: {name: ..., title: ..., stance: ...}}
        options:
          strike_boats:
            name: ...
            branches: {civilians_killed: {label: ..., headline: ...}}
    events / ladder / outcomes / injects / interactions: {ID: {field: text}}
    dynamics: {"SOURCE>TARGET": {assumption: ...}}
    fog: {assumption: ..., claims: {METRIC: {assumption: ...}}}
    debrief: [... one per question, in order ...]
    map: {markers: {naval_group: {label: ...}}}
    history: {summary: ..., turns: {1: {note: ...}}}
    source_sha: {"meta.title": 3f9a0c1b22de, ...}

``source_sha`` records, for each translated text, the English it was translated from
(the first 12 hex digits of the sha256 of the text, its spacing normalised). ``brink
check`` warns when the English under an id has changed since (the translation may say
something the original no longer does) or when a text has no record; ``--strict`` fails
on both. ``brink check --stamp`` writes the records after the translations are reviewed.

and a sheet sidecar (with its own ``source_sha``)::

    language: es
    title: ...
    source: {description: ...}
    facts: {VE-01: {statement: ..., asserted_by: ..., note: ...}}

Only text is translated: numbers, ids and rules stay in the scenario file, so a
translated scenario plays exactly the same game, and the saved log (which names
the scenario file and its hash) is the same in every language.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from game.i18n import _, os_error_text
from game.scenario.paths import SIDECAR, is_sidecar
from game.scenario.schema import Basis, Scenario
from game.scenario.yamlsafe import Located, Problem, YamlError, load_located

__all__ = [
    "HASHES",
    "SIDECAR",
    "Key",
    "apply",
    "check",
    "check_sheet",
    "is_sidecar",
    "languages",
    "scenario_texts",
    "sheet_texts",
    "sidecar",
    "source_digest",
    "stamp",
    "translate_sheet",
]

# An address of one text: ("metrics", "tension", "name"), ("debrief", 2) ...
Key = tuple[str | int, ...]

# The pseudo-locale (game.i18n): every text marked, so a test can find text that
# reached the screen without going through a translation.
PSEUDO, OPEN, CLOSE = "pseudo", "⟦", "⟧"

# The sidecar section that records the English each translation was made from.
HASHES = "source_sha"
_NOT_TEXT = ("language", HASHES)  # a sidecar's sections that are not translations

# Sheet entries: the fields a reader sees (citation details such as author and title of
# a source stay as published).
SHEET_FIELDS = ("statement", "asserted_by", "note")


def sidecar(path: str | Path, language: str) -> Path:
    """Where ``path``'s translation into ``language`` lives: ``NAME.<language>.yaml``."""
    p = Path(path)
    return p.with_name(f"{p.name.removesuffix('.yaml')}.{language}.yaml")


def languages(path: str | Path) -> list[str]:
    """The languages ``path`` has sidecars for."""
    p = Path(path)
    stem = p.name.removesuffix(".yaml")
    found = []
    for f in p.parent.glob(f"{stem}.*.yaml"):
        m = SIDECAR.search(f.name)
        if m and f.name == f"{stem}.{m.group(1)}.yaml":
            found.append(m.group(1))
    return sorted(found)


def _basis(k: Key, basis: Basis | None) -> dict[Key, str | None]:
    """A basis's words: the assumption, and the designer's tuning note (teacher's notes)."""
    if basis is None:
        return {}
    return {(*k, "assumption"): basis.assumption, (*k, "tuning"): basis.tuning}


def scenario_texts(scn: Scenario) -> dict[Key, str]:
    """Every player-facing text of ``scn`` by its address (empty texts left out)."""
    out: dict[Key, str | None] = {}
    m = scn.meta
    out |= {("meta", "title"): m.title, ("meta", "summary"): m.summary}
    out[("meta", "how_to_win")] = m.how_to_win
    for x in scn.metrics:
        k = ("metrics", x.id)
        out |= {(*k, "name"): x.name, (*k, "short"): x.short, (*k, "description"): x.description}
        out |= _basis(k, x.basis)
    for a in scn.actors:
        k = ("actors", a.id)
        out |= {(*k, "name"): a.name, (*k, "short_name"): a.short_name}
        out |= {(*k, "role"): a.role, (*k, "case"): a.case}
        out |= _basis(k, a.basis)
        for r in a.ai.reactions:
            out |= _basis((*k, "ai", "reactions", r.id), r.basis)
        for ty in a.types:
            kt = (*k, "types", ty.id)
            out |= {(*kt, "name"): ty.name, (*kt, "description"): ty.description}
            out |= _basis(kt, ty.basis)
        for adv in a.advisors:
            ka = (*k, "advisors", adv.id)
            out |= {(*ka, "name"): adv.name, (*ka, "title"): adv.title}
            out[(*ka, "stance")] = adv.stance
        for o in a.options:
            ko = (*k, "options", o.id)
            out |= {(*ko, "name"): o.name, (*ko, "description"): o.description}
            out |= {(*ko, "headline"): o.headline} | _basis(ko, o.basis)
            if o.offer is not None:
                out[(*ko, "offer", "terms")] = o.offer.terms
            for b in o.branches:
                kb = (*ko, "branches", b.id)
                out |= {(*kb, "label"): b.label, (*kb, "headline"): b.headline}
    for i in scn.interactions:
        out[("interactions", i.id, "label")] = i.label
        out |= _basis(("interactions", i.id), i.basis)
    for c in scn.dynamics.coupling:
        out |= _basis(("dynamics", f"{c.source}>{c.target}"), c.basis)
    out |= _basis(("fog",), scn.fog.basis)
    for cl in scn.fog.claims:  # keyed by the metric claimed about (one claim per metric)
        out |= _basis(("fog", "claims", cl.metric), cl.basis)
    for e in scn.events:
        k = ("events", e.id)
        out |= {(*k, "name"): e.name, (*k, "headline"): e.headline}
        out |= _basis(k, e.basis)
    for s in scn.ladder:
        k = ("ladder", s.id)
        out |= {(*k, "name"): s.name, (*k, "description"): s.description}
        out |= _basis(k, s.basis)
    for oc in scn.outcomes:
        k = ("outcomes", oc.id)
        out |= {(*k, "name"): oc.name, (*k, "description"): oc.description}
        out[(*k, "short_name")] = oc.short_name  # the odds' columns and legends
        out |= {(*k, "headline"): oc.headline} | _basis(k, oc.basis)
    for inj in scn.injects:
        k = ("injects", inj.id)
        out |= {(*k, "headline"): inj.headline, (*k, "description"): inj.description}
        out |= _basis(k, inj.basis)
    for n, q in enumerate(scn.debrief):
        out[("debrief", n)] = q
    if scn.map is not None:
        for mk in scn.map.markers:
            out[("map", "markers", mk.id, "label")] = mk.label
    if scn.history is not None:
        out[("history", "summary")] = scn.history.summary
        for t in scn.history.turns:  # keyed by turn number
            out[("history", "turns", str(t.turn), "note")] = t.note
    return {k: v for k, v in out.items() if v}


def sheet_texts(data: dict[str, Any], key: str) -> dict[Key, str]:
    """Every reader-facing text of a fact or reference sheet (``key``: facts, references)."""
    out: dict[Key, str] = {}
    if isinstance(data.get("title"), str):
        out[("title",)] = data["title"]
    src = data.get("source")
    if isinstance(src, dict) and isinstance(src.get("description"), str):
        out[("source", "description")] = src["description"]
    for item in data.get(key) or []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            for f in SHEET_FIELDS:
                if isinstance(item.get(f), str) and item[f]:
                    out[(key, item["id"], f)] = item[f]
    return out


def _flatten(data: Any, prefix: Key = ()) -> Iterator[tuple[Key, Any]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _flatten(v, (*prefix, str(k)))
    elif isinstance(data, list) and prefix == ("debrief",):
        for n, v in enumerate(data):
            yield (*prefix, n), v
    else:
        yield prefix, data


def _read(path: Path) -> tuple[Located | None, list[Problem]]:
    try:
        loc = load_located(path)
    except YamlError as e:
        return None, e.problems
    except OSError as e:
        return None, [
            Problem(str(path), 1, 1, "", _("cannot read: {error}", error=os_error_text(e)))
        ]
    if not isinstance(loc.data, dict):
        return None, [
            Problem(str(path), 1, 1, "", _("a translation must be a mapping of sections"))
        ]
    return loc, []


def _dotted(key: Key) -> str:
    return ".".join(str(k) for k in key)


def source_digest(text: str) -> str:
    """What ``source_sha`` records of an English text: reflowing it changes nothing."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def _stale(name: str, loc: Located, found: dict[Key, str], texts: dict[Key, str]) -> list[Problem]:
    """Warnings for translations whose English changed since, or that have no record."""
    raw = loc.data.get(HASHES)
    if raw is not None and not isinstance(raw, dict):
        m = loc.mark_for((HASHES,))
        return [Problem(name, m.line, m.col, HASHES, _("should map text ids to digests"))]
    recorded = {str(k): str(v) for k, v in (raw or {}).items()}
    problems = []
    for key in found:
        m = loc.mark_for(key)
        got = recorded.get(_dotted(key))
        if got is None:
            message = _(
                "no record of the English it translates (review it, then brink check --stamp)"
            )
        elif got != source_digest(texts[key]):
            message = _(
                "the English changed since this was translated: review the translation, "
                "then brink check --stamp"
            )
        else:
            continue
        problems.append(Problem(name, m.line, m.col, _dotted(key), message, "warning"))
    return problems


def _compare(
    path: Path, loc: Located, language: str, texts: dict[Key, str]
) -> tuple[dict[Key, str], list[Problem]]:
    """The translated texts of a sidecar, and what is wrong with it against ``texts``."""
    name = str(path)
    problems: list[Problem] = []
    lang = loc.data.get("language")
    if lang != language:
        m = loc.mark_for(("language",))
        problems.append(
            Problem(
                name,
                m.line,
                m.col,
                "language",
                _("should be {language!r}, as the file name says", language=language),
            )
        )
    found: dict[Key, str] = {}
    for key, value in _flatten({k: v for k, v in loc.data.items() if k not in _NOT_TEXT}):
        m = loc.mark_for(key)
        if key not in texts:
            problems.append(
                Problem(
                    name,
                    m.line,
                    m.col,
                    _dotted(key),
                    _("no such text in the original (check the id)"),
                )
            )
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(name, m.line, m.col, _dotted(key), _("should be a text")))
        else:
            found[key] = value
    for key in texts:
        if key not in found and not any(p.path == _dotted(key) for p in problems):
            problems.append(
                Problem(
                    name,
                    1,
                    1,
                    _dotted(key),
                    _("not translated into {language!r}", language=language),
                    "warning",
                )
            )
    problems += _stale(name, loc, found, texts)
    return found, problems


_HASH_BLOCK = re.compile(rf"(?m)^(?:#[^\n]*\n)*{HASHES}:[^\n]*\n(?:(?:[ \t]+[^\n]*)?\n)*")


def stamp(path: Path, texts: dict[Key, str]) -> int:
    """Record in the sidecar at ``path`` the English each of its texts translates now
    (``texts``: the original's, by address); the rest of the file is left as written.
    Returns how many texts are recorded."""
    loc, _problems = _read(path)
    if loc is None:
        return 0
    found = [
        k
        for k, v in _flatten({k: v for k, v in loc.data.items() if k not in _NOT_TEXT})
        if k in texts and isinstance(v, str) and v.strip()
    ]
    lines = [
        "# The English each text above was translated from (sha256 of the text, first 12",
        "# hex digits), written by `brink check --stamp`: `brink check` warns when the",
        "# English changes under a translation.",
        f"{HASHES}:",
    ]
    lines += [f'  "{_dotted(k)}": "{source_digest(texts[k])}"' for k in found]
    old = path.read_text(encoding="utf-8")
    body = _HASH_BLOCK.sub("", old).rstrip("\n")
    path.write_text(body + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return len(found)


def stamp_all(loaded: Any) -> list[tuple[Path, int]]:
    """``stamp`` every sidecar of a scenario and of its fact and reference sheets."""
    out = []
    scn: Scenario = loaded.as_written
    for lang in languages(loaded.path):
        path = sidecar(loaded.path, lang)
        out.append((path, stamp(path, scenario_texts(scn))))
    for sheet, _key, _items in _sheets(loaded):
        data = load_located(sheet).data
        if not isinstance(data, dict):
            continue
        key = "facts" if "facts" in data else "references"
        for lang in languages(sheet):
            path = sidecar(sheet, lang)
            out.append((path, stamp(path, sheet_texts(data, key))))
    return out


def check(loaded: Any) -> list[Problem]:
    """Problems of every sidecar of a loaded scenario and of its fact and reference sheets.

    Errors: a sidecar that does not parse, names an id or field the original does not
    have, or gives something other than text. Warnings: a text left untranslated
    (``brink check --strict`` fails on those).
    """
    scn: Scenario = loaded.as_written
    problems: list[Problem] = []
    for lang in languages(loaded.path):
        path = sidecar(loaded.path, lang)
        loc, bad = _read(path)
        problems += bad
        if loc is not None:
            found, bad = _compare(path, loc, lang, scenario_texts(scn))
            problems += bad
            for key, message in _invalid(scn, found, lang).items():
                m = loc.mark_for(key)
                problems.append(Problem(str(path), m.line, m.col, _dotted(key), message))
    for sheet, _key, _items in _sheets(loaded):
        problems += check_sheet(sheet)
    return problems


def check_sheet(sheet: str | Path) -> list[Problem]:
    """Problems of every sidecar of a fact or reference sheet (as ``check`` for scenarios)."""
    sheet = Path(sheet)
    try:
        data = load_located(sheet).data
    except YamlError as e:
        return e.problems
    except OSError as e:
        return [Problem(str(sheet), 1, 1, "", _("cannot read: {error}", error=os_error_text(e)))]
    if not isinstance(data, dict):
        return []  # the sheet's own check reports it
    key = "facts" if "facts" in data else "references"
    problems: list[Problem] = []
    for lang in languages(sheet):
        path = sidecar(sheet, lang)
        loc, bad = _read(path)
        problems += bad
        if loc is not None:
            problems += _compare(path, loc, lang, sheet_texts(data, key))[1]
    return problems


def _sheets(loaded: Any) -> list[tuple[Path, str, dict[str, dict[str, Any]]]]:
    from game.scenario.paths import shipped_sheet

    out = []
    meta = loaded.scenario.meta
    for rel, key, items in (
        (meta.fact_sheet, "facts", loaded.facts),
        (meta.references, "references", loaded.references),
    ):
        if rel is None:
            continue
        p = (Path(loaded.path).parent / rel).resolve()
        if not p.is_file():
            p = shipped_sheet(rel) or p
        if p.is_file():
            out.append((p, key, items))
    return out


def _sheet_head(path: Path) -> dict[str, Any]:
    try:
        data = load_located(path).data
    except (YamlError, OSError):
        return {}
    return {k: data.get(k) for k in ("title", "source")} if isinstance(data, dict) else {}


def _set(tree: Any, key: Key, value: str) -> None:
    """Put ``value`` at ``key`` in a dumped scenario, finding list entries by their id."""
    node = tree
    for i, part in enumerate(key[:-1]):
        if part == "dynamics":
            node = node["dynamics"]["coupling"]
        elif isinstance(part, str) and ">" in part:
            source, target = part.split(">", 1)
            node = next(x for x in node if x["source"] == source and x["target"] == target)
        elif key[0] == "history" and i >= 1 and key[i - 1] == "turns":  # by turn number
            node = next(x for x in node if str(x["turn"]) == part)
        elif key[:2] == ("fog", "claims") and i == 2:  # a claim, by its metric
            node = next(x for x in node if x["metric"] == part)
        elif isinstance(node, list):
            node = next(x for x in node if x.get("id") == part)
        else:
            node = node[part]
    last = key[-1]
    if last in ("assumption", "tuning"):
        node["basis"][last] = value
    elif isinstance(node, list) and isinstance(last, str):
        raise KeyError(key)  # a list of entries needs an id, then a field
    else:
        node[last] = value


def apply(scn: Scenario, translated: dict[Key, str], language: str) -> Scenario:
    """``scn`` with its texts replaced by ``translated`` (texts not given stay as they are)."""
    tree = scn.model_dump(mode="python", by_alias=True)
    for key, value in translated.items():
        _set(tree, key, value)
    tree["meta"]["language"] = language
    out = Scenario.model_validate(tree)
    out._source = scn._source  # a later error still names the scenario file's line
    return out


def read_scenario_translation(scn: Scenario, path: Path, language: str) -> dict[Key, str]:
    """The usable texts of a scenario sidecar (what ``check`` reports as wrong is skipped)."""
    loc, _problems = _read(path)
    if loc is None:
        return {}
    found = _compare(path, loc, language, scenario_texts(scn))[0]
    bad = _invalid(scn, found, language)
    return {k: v for k, v in found.items() if k not in bad}


def _invalid(scn: Scenario, found: dict[Key, str], language: str) -> dict[Key, str]:
    """Texts the scenario's own rules refuse (a short label over its length...), why."""
    try:
        apply(scn, found, language)
        return {}
    except ValidationError:
        pass
    bad = {}
    for key, text in found.items():  # only when something is wrong: find which
        try:
            apply(scn, {key: text}, language)
        except ValidationError as e:
            bad[key] = "; ".join(str(err["msg"]) for err in e.errors())
    return bad


def translate_sheet(
    items: dict[str, dict[str, Any]], sheet: Path, key: str, language: str
) -> dict[str, dict[str, Any]]:
    """Sheet entries by id with their texts in ``language`` where the sidecar gives them."""
    path = sidecar(sheet, language)
    if not path.is_file():
        return items
    loc, _problems = _read(path)
    if loc is None:
        return items
    data = {key: list(items.values())} | _sheet_head(sheet)
    found = _compare(path, loc, language, sheet_texts(data, key))[0]
    out = {i: dict(v) for i, v in items.items()}
    for k, text in found.items():
        if k[0] == key and len(k) == 3:
            out[str(k[1])][str(k[2])] = text
    return out


def translate_loaded(loaded: Any, language: str) -> Any:
    """``loaded`` with the scenario, facts and references in ``language`` (a new ``Loaded``).

    Always from the files' own text, so languages can be switched back and forth; the
    file's own language, or one without a sidecar, gives the original back.
    """
    from dataclasses import replace

    base = loaded.original if loaded.original is not None else loaded
    if language == PSEUDO:
        return _pseudo(base)
    path = sidecar(base.path, language)
    if language == base.scenario.meta.language or not path.is_file():
        return base
    scn = apply(base.scenario, read_scenario_translation(base.scenario, path, language), language)
    facts, refs = base.facts, base.references
    for sheet, key, _items in _sheets(base):
        if key == "facts":
            facts = translate_sheet(facts, sheet, key, language)
        else:
            refs = translate_sheet(refs, sheet, key, language)
    return replace(
        base,
        scenario=scn,
        facts=facts,
        references=refs,
        language=language,
        original=base,
    )


def _pseudo(base: Any) -> Any:
    from dataclasses import replace

    scn = base.scenario
    marked = {k: f"{OPEN}{v}{CLOSE}" for k, v in scenario_texts(scn).items()}
    scn = apply(scn, marked, scn.meta.language)

    def mark(items: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {
            i: {f: (f"{OPEN}{v}{CLOSE}" if f in SHEET_FIELDS and v else v) for f, v in e.items()}
            for i, e in items.items()
        }

    return replace(
        base,
        scenario=scn,
        facts=mark(base.facts),
        references=mark(base.references),
        language=PSEUDO,
        original=base,
    )
