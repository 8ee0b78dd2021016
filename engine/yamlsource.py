"""Safe YAML reading that remembers where every value came from.

Scenario files and plans are both read here, with the safe parser only (libyaml's
C parser when present) and guards against hostile input: a size limit, wrong
encodings and binary junk, alias bombs, deep nesting, duplicate keys and
non-data tags such as ``!!python/object``.

The document is built in one pass over the parser's *events* rather than with
``yaml.load``: nothing recursive ever runs on the input (libyaml's own composer
recurses in C and crashes on 100,000 nested ``[``), every guard fires as soon as
its limit is crossed, and the same pass records the line and column of every
value and key so validation errors can point at the exact node.

Data model: mappings, lists, text, integers, floats, true/false and null, as
the YAML 1.1 safe loader resolves them, with two deliberate differences: mapping
keys are always text (``1:`` or ``yes:`` is the key ``'1'`` or ``'yes'``), and
an unquoted date stays text. Merge keys (``<<: *defaults``) are supported.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from engine.limits import MAX_BYTES, TooLarge, read_bounded
from engine.problems import InputError, Problem, char_name, join_hints, shorten

try:
    SafeLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    SafeLoader = yaml.SafeLoader

MAX_NODES = 200_000
MAX_DEPTH = 40
TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"

PathKey = tuple[str | int, ...]

_YAML = "tag:yaml.org,2002:"
_STR = _YAML + "str"
_MERGE = _YAML + "merge"
_SCALAR_TAGS = {_YAML + t for t in ("int", "float", "bool", "null")}
_KIND = {
    _YAML + "int": "whole number",
    _YAML + "float": "number",
    _YAML + "bool": "true/false value",
    _YAML + "null": "null",
}
_SEQ_TAGS = {None, "!", _YAML + "seq"}
_MAP_TAGS = {None, "!", _YAML + "map"}
_NO_KEY = object()


@dataclass(frozen=True)
class Source:
    """A parsed document: its data and the (line, col) of every path in it.

    ``aliases`` redirects a path to where its text is written: a key YAML read as a
    number to its text spelling, a merged key to the mapping it came from. ``anchors``
    maps the path of each alias use (``*name``) to the anchor's name and path: a
    problem inside shared content points at the alias use (each use once), and the
    hint names the anchor where the text to change is.
    """

    path: str
    data: Any
    positions: dict[PathKey, tuple[int, int]]
    key_positions: dict[PathKey, tuple[int, int]]
    raw: bytes
    aliases: dict[PathKey, PathKey] = field(default_factory=dict)
    anchors: dict[PathKey, tuple[str, PathKey]] = field(default_factory=dict)

    def _resolve(self, loc: PathKey) -> PathKey:
        for _ in range(MAX_DEPTH):
            for k in range(len(loc), 0, -1):
                target = self.aliases.get(loc[:k])
                if target is not None:
                    loc = target + loc[k:]
                    break
            else:
                return loc
        return loc

    def where(self, loc: PathKey, key: bool = False) -> tuple[int, int]:
        """Best (line, col) for a path: the node (or its key), else its nearest parent."""
        loc = self._resolve(tuple(loc)) if self.aliases else tuple(loc)
        if key and loc in self.key_positions:
            return self.key_positions[loc]
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.positions.get((), (1, 1))

    def anchor_hint(self, loc: PathKey) -> str:
        """'the value comes from anchor &x on line N' for a path inside an alias, or ''."""
        if not self.anchors:
            return ""
        loc = self._resolve(tuple(loc))
        for k in range(len(loc), 0, -1):
            used = self.anchors.get(loc[:k])
            if used is not None:
                name, origin = used
                line = self.where(origin)[0]
                return f"the value comes from anchor '&{shorten(name)}' on line {line}"
        return ""

    def problem(
        self,
        loc: PathKey,
        code: str,
        message: str,
        severity: str = "error",
        key: bool = False,
        hint: str = "",
    ) -> Problem:
        line, col = self.where(loc, key=key)
        hint = join_hints(hint, self.anchor_hint(loc))
        return Problem(self.path, line, col, severity, message, code, hint)


class _Stop(Exception):
    """Internal: the first fatal problem in the YAML layer."""

    def __init__(self, code: str, message: str, mark=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = mark.line + 1 if mark is not None else 1
        self.col = mark.column + 1 if mark is not None else 1


def _fail(
    path: str, code: str, message: str, line: int = 1, col: int = 1, hint: str = ""
) -> InputError:
    return InputError.at(path, code, message, line, col, hint)


def _decode(path: str, raw: bytes, max_bytes: int = MAX_BYTES) -> str:
    """UTF-8 text from raw bytes, or one clear error for anything else."""
    if len(raw) > max_bytes:
        raise _fail(
            path, "file.too-large", f"file is {len(raw):,} bytes; the limit is {max_bytes:,}"
        )
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise _fail(path, "file.encoding", "file is UTF-32 text; save it as UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(path, "file.encoding", "file is UTF-16 text; save it as UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        head = raw[:4096]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        half = max(len(head) // 2, 1)
        if len(head) >= 16 and max(even, odd) >= 0.4 * half and min(even, odd) <= 0.05 * half:
            raise _fail(path, "file.encoding", "file looks like UTF-16 text; save it as UTF-8")
        line = raw[:nul].count(b"\n") + 1
        col = nul - (raw.rfind(b"\n", 0, nul) + 1) + 1
        raise _fail(
            path, "file.binary", "file contains NUL bytes: it is binary, not YAML text", line, col
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
        line = raw[:start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, start) + 1
        col = len(raw[line_start:start].decode("utf-8", "replace")) + 1
        byte = raw[start]
        hint = " (Latin-1 or Windows-1252?)" if 0x80 <= byte <= 0xFF else ""
        raise _fail(
            path,
            "file.encoding",
            f"file is not valid UTF-8: byte 0x{byte:02x}{hint}; save it as UTF-8",
            line,
            col,
        ) from None


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


def _bad_tag(tag: str, mark) -> _Stop:
    return _Stop(
        "yaml.tag",
        f"YAML tag '{_tag_name(tag)}' is not allowed: scenario files hold plain data only "
        "(text, numbers, true/false, lists and mappings)",
        mark,
    )


def _scalar(loader, ev) -> Any:
    """The value of a scalar event: text, or an int, float, bool or None when YAML says so."""
    tag = ev.tag
    text = ev.value
    if tag is None or tag == "!":
        if not ev.implicit[0]:
            return text
        tag = loader.resolve(ScalarNode, text, (True, False))
        if tag not in _SCALAR_TAGS:
            return text  # plain text, and dates stay text
    if tag == _STR:
        return text
    if tag not in _SCALAR_TAGS:
        raise _bad_tag(tag, ev.start_mark)
    try:
        return loader.yaml_constructors[tag](loader, ScalarNode(tag, text, ev.start_mark, None))
    except (ValueError, OverflowError, yaml.YAMLError):
        short = text if len(text) <= 40 else text[:37] + "..."
        raise _Stop(
            "yaml.bad-scalar", f"'{short}' is not a valid {_KIND[tag]}", ev.start_mark
        ) from None


class _Frame:
    __slots__ = ("value", "loc", "is_map", "key", "key_text", "count", "anchor", "merges", "mark")

    def __init__(self, value, loc, is_map, anchor, mark):
        self.value = value
        self.loc = loc
        self.is_map = is_map
        self.key: Any = _NO_KEY
        self.key_text = ""
        self.count = 1
        self.anchor = anchor
        self.merges: list | None = None
        self.mark = mark


def _build(loader) -> tuple[Any, dict, dict, dict, dict]:
    """Build the document from parser events: data, value and key positions, redirects
    and alias uses."""
    positions: dict[PathKey, tuple[int, int]] = {}
    key_positions: dict[PathKey, tuple[int, int]] = {}
    aliases: dict[PathKey, PathKey] = {}
    used: dict[PathKey, tuple[str, PathKey]] = {}
    anchors: dict[str, tuple[Any, int, PathKey]] = {}
    open_anchors: set[str] = set()
    get_event = loader.get_event
    stack: list[_Frame] = []
    root: Any = _NO_KEY

    get_event()  # StreamStartEvent
    ev = get_event()
    if type(ev) is StreamEndEvent:
        raise _Stop("yaml.empty", "file is empty: it holds no YAML document")

    while True:
        ev = get_event()
        cls = type(ev)
        if cls is MappingEndEvent or cls is SequenceEndEvent:
            frame = stack.pop()
            value = frame.value
            if frame.merges:
                value = _merge(frame, aliases)
            size = frame.count
            if frame.anchor is not None:
                anchors[frame.anchor] = (value, size, frame.loc)
                open_anchors.discard(frame.anchor)
        elif cls is DocumentEndEvent:
            ev = get_event()
            if type(ev) is DocumentStartEvent:
                raise _Stop(
                    "yaml.multi-doc",
                    "the file holds more than one YAML document ('---'); keep one",
                    ev.start_mark,
                )
            return root, positions, key_positions, aliases, used
        else:
            top = stack[-1] if stack else None
            mark = ev.start_mark
            if top is not None and top.is_map and top.key is _NO_KEY:
                # A mapping key: plain text only.
                if cls is not ScalarEvent:
                    if cls is AliasEvent:
                        raise _Stop("yaml.key", "an alias cannot be used as a mapping key", mark)
                    raise _Stop(
                        "yaml.key", "mapping keys must be plain text, not a list or mapping", mark
                    )
                text = ev.value
                if text == "<<" and ev.tag is None and ev.implicit[0]:
                    top.key = _MERGE
                    continue
                key = _scalar(loader, ev)
                kloc = top.loc + (text,)
                if key in top.value:
                    first = key_positions[kloc][0]
                    raise _Stop(
                        "yaml.duplicate-key",
                        f"duplicate key '{shorten(text)}' (first defined on line {first})",
                        mark,
                    )
                key_positions[kloc] = (mark.line + 1, mark.column + 1)
                if key is not text:
                    aliases[top.loc + (key,)] = kloc
                if ev.anchor is not None:
                    anchors[ev.anchor] = (key, 1, kloc)
                top.key = key
                top.key_text = text
                continue

            if top is None:
                loc: PathKey = ()
            elif top.is_map:
                loc = top.loc + ("<<" if top.key is _MERGE else top.key_text,)
            else:
                loc = top.loc + (len(top.value),)
            positions[loc] = (mark.line + 1, mark.column + 1)

            if cls is ScalarEvent:
                value = _scalar(loader, ev)
                size = 1
                if ev.anchor is not None:
                    anchors[ev.anchor] = (value, 1, loc)
            elif cls is AliasEvent:
                name = ev.anchor
                if name in open_anchors:
                    raise _Stop(
                        "yaml.alias", f"alias '*{name}' refers to a value that contains it", mark
                    )
                if name not in anchors:
                    raise _Stop(
                        "yaml.alias", f"alias '*{name}' is used before any '&{name}' anchor", mark
                    )
                value, size, aloc = anchors[name]
                used[loc] = (name, aloc)
            else:
                if len(stack) >= MAX_DEPTH:
                    raise _Stop("yaml.too-deep", TOO_DEEP, mark)
                is_map = cls is MappingStartEvent
                if ev.tag not in (_MAP_TAGS if is_map else _SEQ_TAGS):
                    raise _bad_tag(ev.tag, mark)
                frame = _Frame({} if is_map else [], loc, is_map, ev.anchor, mark)
                if ev.anchor is not None:
                    open_anchors.add(ev.anchor)
                stack.append(frame)
                continue

        # Place the finished value into its parent.
        if not stack:
            root = value
            continue
        top = stack[-1]
        top.count += size
        if top.count > MAX_NODES:
            raise _Stop(
                "yaml.alias-bomb",
                f"document expands to more than {MAX_NODES:,} values (alias bomb?)",
                ev.start_mark,
            )
        if not top.is_map:
            top.value.append(value)
        elif top.key is _MERGE:
            if top.merges is None:
                top.merges = []
            top.merges.append((value, top.loc + ("<<",)))
            top.key = _NO_KEY
        else:
            top.value[top.key] = value
            top.key = _NO_KEY


def _merge(frame: _Frame, aliases: dict[PathKey, PathKey]) -> dict:
    """Apply `<<` merge keys: explicit keys win, then earlier merged mappings."""
    merged: dict = {}
    for value, loc in frame.merges or ():
        sources = [(value, loc)] if isinstance(value, dict) else None
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            sources = [(v, loc + (i,)) for i, v in enumerate(value)]
        if sources is None:
            raise _Stop(
                "yaml.merge", "a merge key '<<' needs a mapping or a list of mappings", frame.mark
            )
        for src, src_loc in sources:
            for k, v in src.items():
                if k not in frame.value and k not in merged:
                    merged[k] = v
                    aliases[frame.loc + (k,)] = src_loc + (k,)
    merged.update(frame.value)
    return merged


def _read_bounded(name: str, path: Path) -> bytes:
    """The file's bytes, never reading more than the size limit (think /dev/zero)."""
    try:
        return read_bounded(path)
    except TooLarge as exc:
        raise _fail(name, "file.too-large", str(exc)) from None
    except OSError as exc:
        raise _fail(name, "file.read", f"cannot read file: {exc.strerror or exc}") from None


def read_yaml(file: str | Path, raw: bytes | None = None, display: str | None = None) -> Source:
    """Parse one YAML file safely; raise InputError with file:line:col on any problem."""
    name = display or str(file)
    if raw is None:
        raw = _read_bounded(name, Path(file))
    text = _decode(name, raw)
    loader = None
    try:
        loader = SafeLoader(text)
        data, positions, key_positions, aliases, used = _build(loader)
    except _Stop as stop:
        raise _fail(name, stop.code, stop.message, stop.line, stop.col) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(name, text, exc) from None
    except yaml.reader.ReaderError as exc:
        line, col = _offset_position(text, exc.position)
        char = exc.character
        shown = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        raise _fail(
            name,
            "yaml.char",
            f"YAML syntax: character {shown} is not allowed ({exc.reason})",
            line,
            col,
        ) from None
    except yaml.YAMLError as exc:
        raise _fail(name, "yaml.syntax", f"YAML syntax: {' '.join(str(exc).split())}") from None
    finally:
        if loader is not None:
            loader.dispose()
    return Source(name, data, positions, key_positions, raw, aliases, used)


def _syntax_error(name: str, text: str, exc: yaml.MarkedYAMLError) -> InputError:
    """One located error for a parser complaint, placed where the fix goes.

    The place and the hints are read off the text, not the parser's wording: an
    invisible space near the failure is named at its own position, an unclosed
    flow collection is reported at its opening bracket, and a line that lines up
    with no open block gets an indentation hint.
    """
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if _too_deep(text, exc, mark):
        return _fail(name, "yaml.too-deep", TOO_DEEP, line, col)
    started = exc.context_mark
    at_mark = _mark_index(text, mark) if mark is not None else len(text)
    at_start = _mark_index(text, started) if started is not None else at_mark
    odd = _invisible_near(text, at_start, at_mark)
    if odd is not None:
        at = odd
        oline, ocol = _index_position(text, at)
        return _fail(
            name,
            "yaml.invisible",
            f"YAML syntax: {char_name(text[at])} here is not a space to YAML",
            oline,
            ocol,
            "replace it with a plain space",
        )
    what = exc.problem or "invalid YAML"
    if exc.context:
        if started is not None and mark is not None and started.line != mark.line:
            what = f"{exc.context} (started on line {started.line + 1}): {what}"
        else:
            what = f"{exc.context}: {what}"
    if "tab" in what:
        what += " (indent with spaces, not tabs)"
    message = f"YAML syntax: {' '.join(what.split())}"
    opened = None
    if (
        started is not None
        and mark is not None
        and started.line < mark.line
        and text[at_start : at_start + 1] in ("[", "{")
        and not _closed(text, at_start, at_mark)
    ):
        opened = at_start
    elif not text[at_mark:].strip():  # the parser ran out of file: a bracket left open?
        opened = _open_bracket(text)
    if opened is not None:
        bracket = text[opened]
        close = "]" if bracket == "[" else "}"
        oline, ocol = _index_position(text, opened)
        reached = (
            "the end of the file"
            if not text[at_mark:].strip()
            else f"line {mark.line + 1 if mark else oline}"
        )
        return _fail(
            name,
            "yaml.syntax",
            f"YAML syntax: this '{bracket}' is never closed (the parser reached {reached} "
            f"still looking for ',' or '{close}')",
            oline,
            ocol,
            f"close it with '{close}', or write the items as indented lines",
        )
    return _fail(name, "yaml.syntax", message, line, col, _indent_hint(text, line))


_OPENS = ":-,[{?"  # an indicator YAML wants a plain space after
_CLOSES = ":,]}#"  # an indicator an invisible space may stand before


def _invisible_near(text: str, start: int, end: int) -> int | None:
    """Offset of the first invisible space in the lines from `start` (and the line before
    `end`: a plain scalar may run on) to the end of the line holding `end`, where it
    stands next to YAML structure (indentation, ':', '-', ...)."""
    line_start = text.rfind("\n", 0, end) + 1
    start = min(start, text.rfind("\n", 0, max(line_start - 1, 0)) + 1)
    start = text.rfind("\n", 0, start) + 1
    stop = text.find("\n", end)
    stop = len(text) if stop < 0 else stop
    for i in range(start, stop):
        c = text[i]
        if c.isascii() or unicodedata.category(c) not in ("Zs", "Cf"):
            continue
        before = text[text.rfind("\n", 0, i) + 1 : i]
        after = text[i + 1 : i + 2]
        if not before.strip() or before[-1] in _OPENS or (after and after in _CLOSES):
            return i
    return None


def _open_bracket(text: str) -> int | None:
    """Offset of the innermost flow bracket still open at the end of `text`, or None. A
    bracket counts where it can open a flow collection: at the start of a value (after
    ':', '-', '?', ',', another bracket or the line's indentation); quoted text and
    comments are skipped."""
    stack: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        before = text[:i].rstrip(" \t")[-1:]
        if c in "[{" and (before in ("", "\n", ":", "-", "?", ",", "[", "{") or stack):
            stack.append(i)
        elif c in "]}" and stack:
            stack.pop()
        elif c in "'\"" and before in ("", "\n", ":", "-", ",", "[", "{", "?"):
            close = text.find(c, i + 1)
            i = n if close < 0 else close
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
        i += 1
    return stack[-1] if stack else None


def _closed(text: str, start: int, end: int) -> bool:
    """Whether the flow bracket at text[start] is closed before offset `end`."""
    depth = 0
    i = start
    while i < min(end, len(text)):
        c = text[i]
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return True
        elif c in "'\"" and text[i - 1] in " \t\n[{,:":
            close = text.find(c, i + 1)
            i = len(text) if close < 0 else close
        elif c == "#" and text[i - 1] in " \t\n":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
        i += 1
    return False


def _indent_hint(text: str, line_no: int) -> str:
    """'check the indentation: ...' when the line starts in a column no open block uses."""
    lines = text.split("\n")
    if not 1 <= line_no <= len(lines):
        return ""

    def content(s: str) -> bool:
        return bool(s.strip()) and not s.strip().startswith("#")

    def indent(s: str) -> int:
        return len(s) - len(s.lstrip(" "))

    here = lines[line_no - 1]
    if not content(here) or "\t" in here[: indent(here) + 1]:
        return ""
    ind = indent(here)
    above = next((s for s in reversed(lines[: line_no - 1]) if content(s)), "")
    if ind > indent(above) and above.split(" #")[0].rstrip().endswith(":"):
        return ""  # the first line of a new block may start anywhere deeper
    columns: dict[int, int] = {}  # indentation -> line that opens it
    shallowest: int | None = None
    for n in range(line_no - 1, 0, -1):
        s = lines[n - 1]
        if not content(s):
            continue
        i = indent(s)
        if shallowest is not None and i >= shallowest:
            continue
        levels = [i]
        rest = s[i:]
        if rest.startswith("- "):
            levels.append(i + 2 + indent(rest[2:]))
        for level in levels:
            if shallowest is None or level < shallowest or level == levels[-1]:
                columns.setdefault(level, n)
        shallowest = i
        if i == 0:
            break
    if not columns or ind in columns:
        return ""
    shown = sorted(columns.items(), key=lambda kv: -kv[0])
    where = " or ".join(f"column {c + 1} (line {n})" for c, n in shown[:3])
    return (
        f"check the indentation: line {line_no} starts in column {ind + 1}; the blocks "
        f"above it start in {where}"
    )


def _mark_index(text: str, mark) -> int:
    """Character offset of a parser mark, from its line and column (libyaml's own index
    may count bytes)."""
    start = 0
    for _ in range(mark.line):
        start = text.find("\n", start) + 1
        if start == 0:
            return len(text)
    return min(start + mark.column, len(text))


def _index_position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, col) of a character offset."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _flow_depth(text: str, end: int) -> int:
    """Deepest flow nesting ('[' and '{') in text[:end], skipping quoted text and comments."""
    depth = deepest = 0
    i = 0
    n = min(end, len(text))
    while i < n:
        c = text[i]
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth = max(depth - 1, 0)
        elif c in "'\"" and (i == 0 or text[i - 1] in " \t\n[{,:"):
            close = text.find(c, i + 1)
            i = n if close < 0 else close
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
        i += 1
    return deepest


def _too_deep(text: str, exc: yaml.MarkedYAMLError, mark) -> bool:
    """Whether a parser error means "nested too deep" (libyaml stops at its own limit).

    Decided from the text itself where it can be, so the answer does not hang on the
    library's wording: flow nesting past MAX_DEPTH before the error mark is too deep,
    whatever the parser said about it.
    """
    if "depth" in (exc.problem or ""):
        return True
    return mark is not None and _flow_depth(text, mark.index + 1) > MAX_DEPTH


def _offset_position(text: str, offset: int) -> tuple[int, int]:
    """(line, col) of a UTF-8 byte offset into text, as libyaml reports reader errors."""
    head = text.encode("utf-8")[:offset].decode("utf-8", "replace")
    line = head.count("\n") + 1
    return line, len(head) - (head.rfind("\n") + 1) + 1
