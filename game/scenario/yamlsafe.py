"""Safe YAML loading that remembers where every value came from.

PyYAML's safe loader still accepts duplicate keys (keeping the last one
silently) and expands alias chains without limit. This module composes the node
tree with the C parser, refuses what a scenario never needs, and builds plain
Python data together with a map from each value's path to its line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 1_000_000
# Expanded size counts every node an alias would copy: stops "billion laughs".
MAX_NODES = 200_000
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
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.file}:{self.line}:{self.col}: {tag}{where}{self.message}"


@dataclass
class Located:
    """Plain data plus where each part of it stands in the file."""

    data: Any
    marks: dict[Path_, Mark] = field(default_factory=dict)
    key_marks: dict[Path_, Mark] = field(default_factory=dict)

    def mark_for(self, path: Path_) -> Mark:
        """The mark of ``path`` or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), Mark(1, 1))


class YamlError(Exception):
    """The file could not be read as safe YAML; ``problems`` says where."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _expanded_size(root: yaml.Node, limit: int) -> int:
    # Memoised on node identity: an alias is the same node object, so a DAG of
    # aliases is measured without being expanded.
    memo: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in memo:
            continue
        if isinstance(node, yaml.ScalarNode):
            memo[id(node)] = 1
            continue
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


def load_located(path: str | Path, text: str | None = None) -> Located:
    """Read ``path`` as safe YAML and return its data with line marks.

    Raises ``YamlError`` for syntax errors, tags outside plain YAML, duplicate
    keys, oversized files and alias bombs.
    """
    name = str(path)
    if text is None:
        p = Path(path)
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise YamlError(
                [Problem(name, 1, 1, "", f"file is {size} bytes; the limit is {MAX_BYTES}")]
            )
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise YamlError([Problem(name, 1, 1, "", f"not UTF-8 text ({e.reason})")]) from e
    elif len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlError([Problem(name, 1, 1, "", f"text is over {MAX_BYTES} bytes")])

    loader = _Loader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            m = e.problem_mark or e.context_mark
            line, col = (m.line + 1, m.column + 1) if m else (1, 1)
            raise YamlError(
                [Problem(name, line, col, "", f"YAML syntax: {e.problem or e.context}")]
            ) from None
        except yaml.YAMLError as e:
            raise YamlError([Problem(name, 1, 1, "", f"YAML: {e}")]) from None
        if root is None:
            raise YamlError([Problem(name, 1, 1, "", "the file is empty")])
        if _expanded_size(root, MAX_NODES) > MAX_NODES:
            raise YamlError(
                [
                    Problem(
                        name,
                        *_xy(root),
                        "",
                        f"aliases expand to more than {MAX_NODES} values (an alias bomb?)",
                    )
                ]
            )
        problems: list[Problem] = []
        out = Located(data=None)
        out.data = _build(root, (), out, problems, name, loader)
        if problems:
            raise YamlError(sorted(problems, key=lambda p: (p.line, p.col)))
        return out
    finally:
        loader.dispose()


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
        problems.append(
            Problem(name, *_xy(node), _dotted(path), f"tag {node.tag!r} is not allowed here")
        )
        return None
    if isinstance(node, yaml.ScalarNode):
        try:
            return loader.construct_object(node, deep=True)
        except yaml.YAMLError as e:
            problems.append(Problem(name, *_xy(node), _dotted(path), f"bad value: {e}"))
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
                Problem(name, *_xy(key_node), _dotted(path), "merge keys (<<) are not supported")
            )
            continue
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _STANDARD_TAGS:
            problems.append(Problem(name, *_xy(key_node), _dotted(path), "keys must be plain text"))
            continue
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            key = str(key)
        if key in result:
            first = out.key_marks[(*path, key)]
            problems.append(
                Problem(
                    name,
                    *_xy(key_node),
                    _dotted((*path, key)),
                    f"duplicate key {key!r} (first at line {first.line})",
                )
            )
            continue
        out.key_marks[(*path, key)] = _mark(key_node)
        result[key] = _build(value_node, (*path, key), out, problems, name, loader)
    return result
