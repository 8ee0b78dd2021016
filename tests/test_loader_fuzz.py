"""Property tests: whatever a scenario file holds, the loader raises only InputError.

Mutations of a valid scenario: keys deleted or renamed, values swapped for other
types, ids swapped for other ids, text truncated, random bytes inserted. Every
test is derandomized (seeded from the test itself), so runs are deterministic.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.loader import parse_scenario
from engine.model import Scenario
from engine.problems import InputError, Problem
from engine.yamlsource import read_yaml
from simulator.scaffold import render

BASE_TEXT = render(Path("fuzz.yaml"))
BASE_RAW = BASE_TEXT.encode("utf-8")
BASE = yaml.safe_load(BASE_TEXT)
IDS = sorted(
    {item["id"] for part in BASE.values() if isinstance(part, list) for item in part
     if isinstance(item, dict) and "id" in item}
)  # fmt: skip
FUZZ = settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(IDS),
    st.lists(st.one_of(st.integers(0, 9), st.sampled_from(IDS)), max_size=3),
    st.dictionaries(st.sampled_from(IDS), st.floats(-2, 2), max_size=3),
)


def paths(node, prefix=()):
    """Every path into a document, parents before children."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield prefix + (k,)
            yield from paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield prefix + (i,)
            yield from paths(v, prefix + (i,))


def parent(doc, path):
    for part in path[:-1]:
        doc = doc[part]
    return doc


def load(raw: bytes) -> Scenario | None:
    """Load raw bytes; return the scenario, or None after checking the InputError."""
    try:
        scenario, warnings = parse_scenario(read_yaml("fuzz.yaml", raw=raw))
    except InputError as exc:
        assert exc.problems
        for p in exc.problems:
            assert isinstance(p, Problem)
            assert p.line >= 1 and p.col >= 1 and "\n" not in p.message
        return None
    assert all(p.severity == "warning" for p in warnings)
    assert isinstance(scenario, Scenario)
    return scenario


def test_base_loads():
    assert load(BASE_RAW) is not None


@pytest.mark.slow
@FUZZ
@given(st.data())
def test_structural_mutations_only_raise_input_error(data):
    doc = copy.deepcopy(BASE)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        all_paths = list(paths(doc))
        if not all_paths:
            break
        path = data.draw(st.sampled_from(all_paths), label="path")
        holder, key = parent(doc, path), path[-1]
        op = data.draw(st.sampled_from(["delete", "set", "swap_id", "rename"]), label="op")
        if op == "delete":
            del holder[key]
        elif op == "set":
            holder[key] = data.draw(VALUES, label="value")
        elif op == "swap_id":
            holder[key] = data.draw(st.sampled_from(IDS), label="id")
        elif op == "rename" and isinstance(holder, dict):
            new = data.draw(st.one_of(st.sampled_from(IDS), st.text(max_size=8)), label="key")
            holder[new] = holder.pop(key)
    load(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode("utf-8"))


@FUZZ
@given(st.integers(0, len(BASE_RAW)))
def test_truncated_files_only_raise_input_error(n):
    load(BASE_RAW[:n])


@FUZZ
@given(st.integers(0, len(BASE_RAW)), st.binary(min_size=1, max_size=24))
def test_inserted_bytes_only_raise_input_error(at, junk):
    load(BASE_RAW[:at] + junk + BASE_RAW[at:])


YAML_BITS = st.sampled_from(
    ["[", "]", "{", "}", ":", "- ", "&a ", "*a", "!!str ", "<<: ", "? ", "|", ">", "'", '"',
     "#", "\t", "\n", "  ", "---", "...", "%YAML 1.1\n", "~", "yes", ".nan", "1e999", "0x1F"]
)  # fmt: skip


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(BASE_TEXT)), YAML_BITS), min_size=1, max_size=4))
def test_inserted_yaml_syntax_only_raises_input_error(edits):
    text = BASE_TEXT
    for at, bit in sorted(edits, reverse=True):
        text = text[:at] + bit + text[at:]
    load(text.encode("utf-8"))


@FUZZ
@given(st.integers(0, BASE_TEXT.count("\n") - 1), st.integers(0, BASE_TEXT.count("\n") - 1))
def test_swapped_lines_only_raise_input_error(i, j):
    lines = BASE_TEXT.splitlines(keepends=True)
    lines[i], lines[j] = lines[j], lines[i]
    load("".join(lines).encode("utf-8"))
