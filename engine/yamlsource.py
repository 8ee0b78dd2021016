"""Safe YAML reading that remembers where every value came from.

Scenario files and plans are both read here: the safe loader only (the C one
when present), with guards against hostile input (size, alias bombs, depth,
binary junk, duplicate keys), and a map from each value's path to its
line and column so validation errors can point at the exact node.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.problems import InputError, Problem

try:
    SafeLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    SafeLoader = yaml.SafeLoader

MAX_BYTES = 2_000_000
MAX_NODES = 400_000
MAX_DEPTH = 40

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Source:
    """A parsed document: its data and the (line, col) of every path in it."""

    path: str
    data: Any
    positions: dict[PathKey, tuple[int, int]]
    key_positions: dict[PathKey, tuple[int, int]]
    raw: bytes

    def where(self, loc: PathKey, key: bool = False) -> tuple[int, int]:
        """Best (line, col) for a path: the node itself, else its nearest parent."""
        table = self.key_positions if key else self.positions
        loc = tuple(loc)
        while loc:
            if loc in table:
                return table[loc]
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, loc: PathKey, message: str, severity: str = "error", key: bool = False):
        line, col = self.where(loc, key=key)
        return Problem(self.path, line, col, severity, message)


def _fail(path: str, message: str, line: int = 1, col: int = 1) -> InputError:
    return InputError([Problem(path, line, col, "error", message)])


def _decode(path: str, raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise _fail(path, f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(path, "file is UTF-16; save it as UTF-8")
    if b"\x00" in raw:
        raise _fail(path, "file contains NUL bytes: it is binary, not YAML text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(path, "file is not valid UTF-8; save it as UTF-8", line, col) from None
    return text


def _walk(path: str, root: yaml.Node):
    """Index node positions, refusing duplicate keys, alias bombs and deep nesting."""
    positions: dict[PathKey, tuple[int, int]] = {}
    key_positions: dict[PathKey, tuple[int, int]] = {}
    count = 0
    stack: list[tuple[yaml.Node, PathKey]] = [(root, ())]
    while stack:
        node, loc = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise _fail(
                path,
                f"document expands to more than {MAX_NODES:,} values (alias bomb?)",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        if len(loc) > MAX_DEPTH:
            raise _fail(
                path,
                f"nesting deeper than {MAX_DEPTH} levels",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _fail(
                        path,
                        "mapping keys must be plain text",
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                    )
                key = key_node.value
                kline = key_node.start_mark.line + 1
                if key in seen:
                    raise _fail(
                        path,
                        f"duplicate key '{key}' (first defined on line {seen[key]})",
                        kline,
                        key_node.start_mark.column + 1,
                    )
                seen[key] = kline
                key_positions[loc + (key,)] = (kline, key_node.start_mark.column + 1)
                stack.append((value_node, loc + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, loc + (i,)))
    return positions, key_positions


def read_yaml(file: str | Path, raw: bytes | None = None, display: str | None = None) -> Source:
    """Parse one YAML file safely; raise InputError with file:line:col on any problem."""
    name = display or str(file)
    if raw is None:
        try:
            raw = Path(file).read_bytes()
        except OSError as exc:
            raise _fail(name, f"cannot read file: {exc.strerror or exc}") from None
    text = _decode(name, raw)
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise _fail(name, "file is empty")
        positions, key_positions = _walk(name, node)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}: {what}"
        raise _fail(name, f"YAML syntax: {what}", line, col) from None
    except yaml.YAMLError as exc:
        raise _fail(name, f"YAML syntax: {exc}") from None
    except RecursionError:
        raise _fail(name, f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    return Source(name, data, positions, key_positions, raw)
