"""Safe YAML loading that remembers where every value came from.

PyYAML's safe loader still accepts duplicate keys (keeping the last one
silently) and expands alias chains without limit, and its C composer recurses
once per nesting level (a few kilobytes of ``[[[[`` crash the process). This
module checks the nesting depth on the event stream first, composes the node
tree with the C parser, refuses what a scenario never needs, and builds plain
Python data together with a map from each value's path to its line and column.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from game.i18n import N_, _, pgettext
from game.scenario.errors import BrinkError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 1_000_000
# Expanded size counts every node an alias would copy: stops "billion laughs".
MAX_NODES = 200_000
# A scenario nests about ten levels; libyaml's composer overflows the C stack
# somewhere past twenty thousand.
MAX_DEPTH = 64
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
}

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Problem:
    """One thing wrong with a file, at a place in it."""

    file: str
    line: int
    col: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        tag = "" if self.severity == "error" else pgettext("problem", "warning") + ": "
        return f"{self.file}:{self.line}:{self.col}: {tag}{where}{self.message}"


@dataclass
class Located:
    """Plain data plus where each part of it stands in the file."""

    data: Any
    marks: dict[Path_, Mark] = field(default_factory=dict)
    key_marks: dict[Path_, Mark] = field(default_factory=dict)
    # Paths whose value was refused (left as None) or whose mapping lost a key:
    # later checks should not report again what is already reported there.
    dropped: set[Path_] = field(default_factory=set)

    def mark_for(self, path: Path_) -> Mark:
        """The mark of ``path`` or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), Mark(1, 1))


class YamlError(BrinkError):
    """The file could not be read as safe YAML; ``problems`` says where.

    ``partial`` is the data built despite the problems when they were local
    (a duplicate key, a refused tag or value): the caller may go on checking it
    so that every problem in the file is reported at once. It is ``None`` when
    nothing usable was read (syntax error, empty or oversized file, alias bomb).
    """

    def __init__(self, problems: list[Problem], partial: Located | None = None) -> None:
        first = problems[0] if problems else None
        super().__init__(
            "\n".join(str(p) for p in problems),
            file=first.file if first else None,
            line=first.line if first else None,
            hint=_("fix the file at the place named and run `brink check` again"),
        )
        self.problems = problems
        self.partial = partial


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _AliasLoop(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def _expanded_size(root: yaml.Node, limit: int) -> int:
    # Memoised on node identity: an alias is the same node object, so a DAG of
    # aliases is measured without being expanded. A node met again while it is
    # still open is its own ancestor: an alias inside the value it names (``&a
    # [*a]``), which would expand for ever.
    memo: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in memo:
            continue
        if isinstance(node, yaml.ScalarNode):
            memo[id(node)] = 1
            continue
        if not done:
            if id(node) in open_:
                raise _AliasLoop(node)
            open_.add(id(node))
        children = (
            [c for kv in node.value for c in kv]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
        )
        if done:
            total = 1 + sum(memo[id(c)] for c in children)
            memo[id(node)] = min(total, limit + 1)
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in memo)
    return memo[id(root)]


def read_limited(path: str | Path) -> tuple[bytes, str]:
    """The bytes of ``path`` and their text, reading no more than the size limit.

    Raises ``YamlError`` if the file is too large or not UTF-8; ``OSError`` if it
    cannot be read. The limit holds even where the size on disk is unknown.
    """
    name = str(path)
    refuse_special(path, lambda why: YamlError([Problem(name, 1, 1, "", why)]))
    with open(path, "rb") as fh:
        raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            size = os.fstat(fh.fileno()).st_size
            said = _("{n} bytes", n=size) if size > MAX_BYTES else _("too large")
            raise YamlError(
                [
                    Problem(
                        name,
                        1,
                        1,
                        "",
                        _("file is {size}; the limit is {n} bytes", size=said, n=MAX_BYTES),
                    )
                ]
            )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        m = _offset_mark(raw, e.start)
        problem = Problem(name, m.line, m.col, "", _("not UTF-8 text ({reason})", reason=e.reason))
        raise YamlError([problem]) from None
    return raw, text


def refuse_special(path: str | Path, error: Callable[[str], Exception]) -> None:
    """Raise ``error(reason)`` unless ``path`` is a regular file.

    A FIFO would block the reader forever and a device (``/dev/zero``) never
    ends, so both are refused before the file is opened. ``OSError`` (no such
    file) is left to the caller's own handling.
    """
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise error(_("this is a folder, not a file"))
    if not stat.S_ISREG(mode):
        raise error(_("this is not a regular file (a pipe or a device?): give a file"))


def _offset_mark(raw: bytes, offset: int) -> Mark:
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    return Mark(before.count(b"\n") + 1, offset - line_start + 1)


# libyaml's words for what it could not read (the ones a hand-edited scenario meets):
# the teacher reads them in the game's language; a rarer one stays as libyaml wrote it
# (so does "expected ',' or '}'": a lone brace cannot sit in a message template).
YAML_WORDS = frozenset(
    {
        N_("did not find expected key"),
        N_("did not find expected node content"),
        N_("did not find expected ',' or ']'"),
        N_("did not find expected '-' indicator"),
        N_("did not find expected comment or line break"),
        N_("could not find expected ':'"),
        N_("mapping values are not allowed in this context"),
        N_("block sequence entries are not allowed in this context"),
        N_("found character that cannot start any token"),
        N_("found unexpected end of stream"),
        N_("found a tab character that violates indentation"),
        N_("found a tab character where an indentation space is expected"),
        N_("found unknown escape character"),
        N_("found unexpected ':'"),
        N_("found undefined tag handle"),
        N_("found unexpected document indicator"),
        N_("control characters are not allowed"),
        N_("expected a single document in the stream"),
        N_("but found another document"),
        N_("while parsing a block collection"),
        N_("while parsing a block mapping"),
        N_("while parsing a block node"),
        N_("while parsing a flow sequence"),
        N_("while parsing a flow mapping"),
        N_("while parsing a flow node"),
        N_("while parsing a node"),
        N_("while scanning a simple key"),
        N_("while scanning a quoted scalar"),
        N_("while scanning a plain scalar"),
        N_("while scanning a block scalar"),
        N_("while scanning an alias"),
        N_("while scanning an anchor"),
        N_("while scanning a tag"),
    }
)


def _yaml_words(text: str) -> str:
    return _(text) if text in YAML_WORDS else text


def _syntax_problem(name: str, text: str, e: yaml.YAMLError) -> Problem:
    if isinstance(e, yaml.reader.ReaderError):
        # A control character: point at it, not at the top of the file.
        pos = min(max(int(e.position), 0), len(text))
        before = text[:pos]
        line = before.count("\n") + 1
        col = pos - (before.rfind("\n") + 1) + 1
        char = e.character if isinstance(e.character, int) else ord(str(e.character)[:1] or "?")
        return Problem(
            name,
            line,
            col,
            "",
            _(
                "control character #x{code} is not allowed in YAML text (remove it)",
                code=f"{char:04x}",
            ),
        )
    if not isinstance(e, yaml.MarkedYAMLError):
        return Problem(name, 1, 1, "", f"YAML: {e}")
    m = e.problem_mark or e.context_mark
    line, col = (m.line + 1, m.column + 1) if m else (1, 1)
    problem = _yaml_words(e.problem) if e.problem else ""
    context = _yaml_words(e.context) if e.context else ""
    msg = problem or context or _("not valid YAML")
    c = e.context_mark
    if e.problem and e.context and e.context.startswith("expected"):
        msg = f"{context}, {problem}"  # "expected a single document ..., but found ..."
    elif e.problem and e.context and e.context != "while scanning for the next token":
        at = _("at line {line}", line=c.line + 1) if c is not None else ""
        where = f" {at}" if c is not None and c.line + 1 != line else ""
        msg += f" ({context}{where})"
    if m is not None and m.index < len(text) and text[m.index] == "\t":
        msg += "; " + _("use spaces, not tabs, to indent")
    elif e.problem and e.problem.startswith("mapping values are not allowed"):
        msg += "; " + _("put text that contains ': ' in quotes")
    elif e.context and "block scalar" in e.context:
        msg += "; " + _(
            "a value that starts with > or | begins a block of text on the next lines:"
            ' to write it on one line put it in quotes, e.g. "> 5 ships"'
        )
    elif m is not None and e.problem and "expected" in e.problem:
        line_text = text.splitlines()[m.line] if m.line < len(text.splitlines()) else ""
        if ": {" in line_text or ": [" in line_text:
            msg += "; " + _("text that starts with {brace} or [ must be in quotes", brace="{")
    return Problem(name, line, col, "", _("YAML syntax: {message}", message=msg))


def _check_depth(name: str, text: str) -> None:
    # Walks the parser's events (libyaml's parser keeps its own stack, so this
    # cannot overflow) before anything recursive sees the document.
    loader = _Loader(text)
    try:
        depth = 0
        while loader.check_event():
            ev = loader.get_event()
            if isinstance(ev, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    m = ev.start_mark
                    raise YamlError(
                        [
                            Problem(
                                name,
                                m.line + 1,
                                m.column + 1,
                                "",
                                _("values are nested more than {n} levels deep", n=MAX_DEPTH),
                            )
                        ]
                    )
            elif isinstance(ev, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
    except yaml.YAMLError as e:
        raise YamlError([_syntax_problem(name, text, e)]) from None
    finally:
        loader.dispose()


def load_located(path: str | Path, text: str | None = None) -> Located:
    """Read ``path`` as safe YAML and return its data with line marks.

    Raises ``YamlError`` for syntax errors, tags outside plain YAML, duplicate
    keys, bad values, oversized files, deep nesting and alias bombs (see
    ``YamlError.partial`` for what can still be checked).
    """
    name = str(path)
    if text is None:
        _raw, text = read_limited(path)
    elif len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlError([Problem(name, 1, 1, "", _("text is over {n} bytes", n=MAX_BYTES))])

    _check_depth(name, text)
    loader = _Loader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as e:
            raise YamlError([_syntax_problem(name, text, e)]) from None
        if root is None:
            raise YamlError([Problem(name, 1, 1, "", _("the file is empty"))])
        try:
            size = _expanded_size(root, MAX_NODES)
        except _AliasLoop as loop:
            raise YamlError(
                [
                    Problem(
                        name,
                        *_xy(loop.node),
                        "",
                        _("an alias is used inside the value it names (a loop): remove it"),
                    )
                ]
            ) from None
        if size > MAX_NODES:
            raise YamlError(
                [
                    Problem(
                        name,
                        *_xy(root),
                        "",
                        _("aliases expand to more than {n} values (an alias bomb?)", n=MAX_NODES),
                    )
                ]
            )
        problems: list[Problem] = []
        out = Located(data=None)
        out.data = _build(root, (), out, problems, name, loader)
        if problems:
            raise YamlError(sorted(problems, key=lambda p: (p.line, p.col)), partial=out)
        return out
    finally:
        loader.dispose()


def _bad_value(node: yaml.ScalarNode, e: Exception) -> str:
    text = repr(node.value)
    if len(text) > 40:
        text = text[:37] + "..."
    kind = node.tag.replace("tag:yaml.org,2002:", "", 1)
    why = f"not a valid {kind}" if isinstance(e, KeyError | TypeError) else str(e)[:120]
    return f"bad value {text}: {why}"


def _xy(node: yaml.Node) -> tuple[int, int]:
    m = _mark(node)
    return m.line, m.col


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _build(
    node: yaml.Node,
    path: Path_,
    out: Located,
    problems: list[Problem],
    name: str,
    loader: Any,
) -> Any:
    out.marks[path] = _mark(node)
    if node.tag not in _STANDARD_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
        problems.append(
            Problem(
                name,
                *_xy(node),
                _dotted(path),
                _("tag {tag!r} is not allowed: a scenario holds plain YAML values only", tag=tag),
            )
        )
        out.dropped.add(path)
        return None
    if isinstance(node, yaml.ScalarNode):
        try:
            return loader.construct_object(node, deep=True)
        except Exception as e:  # any constructor failure is a bad value
            # e.g. a date that does not exist (2025-13-01), or `!!bool 12`
            problems.append(Problem(name, *_xy(node), _dotted(path), _bad_value(node, e)))
            out.dropped.add(path)
            return None
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(child, (*path, i), out, problems, name, loader)
            for i, child in enumerate(node.value)
        ]
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            problems.append(
                Problem(name, *_xy(key_node), _dotted(path), _("merge keys (<<) are not supported"))
            )
            out.dropped.add(path)
            continue
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _STANDARD_TAGS:
            problems.append(
                Problem(name, *_xy(key_node), _dotted(path), _("keys must be plain text"))
            )
            out.dropped.add(path)
            continue
        try:
            key = loader.construct_object(key_node, deep=True)
        except Exception as e:  # as for values
            problems.append(
                Problem(name, *_xy(key_node), _dotted(path), f"bad key {key_node.value!r}: {e}")
            )
            out.dropped.add(path)
            continue
        if not isinstance(key, str | int | float | bool) and key is not None:
            key = str(key)
        if key in result:
            first = out.key_marks[(*path, key)]
            problems.append(
                Problem(
                    name,
                    *_xy(key_node),
                    _dotted((*path, key)),
                    _("duplicate key {key!r} (first at line {line})", key=key, line=first.line),
                )
            )
            continue
        out.key_marks[(*path, key)] = _mark(key_node)
        result[key] = _build(value_node, (*path, key), out, problems, name, loader)
    return result
