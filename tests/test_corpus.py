"""The broken-scenario corpus: each file gives exactly its expected first error line.

Every tests/corpus/*.yaml names its expected first problem, as `line:col: error[code]`,
in a first-line comment `# expect: ...` or, for files that cannot hold a comment (binary,
UTF-16, empty), in a sibling `NAME.expected`. The test runs the real CLI on the file and
checks the place and code of the first line it prints, and the exit code: the wording
of a message is free to change. An expectation may end in ` hint: TEXT`: then that
line must hold TEXT (a code point, a column, the field to move a key under).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.cli import main

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.yaml"))


def expected(path: Path) -> str:
    sidecar = path.with_suffix(".expected")
    if sidecar.exists():
        return sidecar.read_text(encoding="utf-8").strip()
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    assert first.startswith("# expect: "), f"{path.name} has no '# expect:' line"
    return first.removeprefix("# expect: ").strip()


def expectation(path: Path) -> tuple[str, str]:
    """(place and code, text the hint must hold or '')."""
    place, _, hint = expected(path).partition(" hint: ")
    return place, hint


def test_corpus_is_big_enough():
    assert len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_first_error(path: Path, capsys):
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert code == 1
    assert lines, err
    place, hint = expectation(path)
    assert lines[0].startswith(f"{path}:{place}: ")
    assert hint in lines[0]
    assert all(re.search(r": (error|warning)\[[a-z]+\.[a-z-]+\]: \S", line) for line in lines)
    assert "Traceback" not in out + err
