"""The layout of a save file: JSON Lines, a header record then one record per decision.

    {"format":"dealcraft-save/2","scenario":ID,"content_hash":H,"seed":S,"meta":{...}}
    {"n":1,"week":0,"phase":"setup","decision":{"do":"staff","member":"maya"}}

`n` counts decisions from 1; `week` and `phase` are the game's after the decision,
so the last line tells the picker how far a game has got without replaying it. Only
a line ended by a newline is a record: anything after the last newline was cut short
by a killed write and is dropped. Light to import (no numpy), for the picker.
"""

from __future__ import annotations

import json
import os
from typing import BinaryIO

from engine.decisions import Decision

SAVE_FORMAT = "dealcraft-save/2"
MAX_HEADER = 65_536  # a header is a few hundred bytes; a longer first line is no save's
TAIL = 65_536  # the picker reads this much of a save's end; a record is ~100 bytes
PHASES = ("setup", "week", "ended")


def header(scenario_id: str, content_hash: str, seed: int, meta: dict) -> str:
    head = {
        "format": SAVE_FORMAT,
        "scenario": scenario_id,
        "content_hash": content_hash,
        "seed": seed,
        "meta": meta,
    }
    return json.dumps(head, separators=(",", ":")) + "\n"


def record(n: int, decision: Decision, week: int, phase: str) -> str:
    rec = {"n": n, "week": week, "phase": phase, "decision": decision.to_dict()}
    return json.dumps(rec, separators=(",", ":")) + "\n"


def parse_header(line: bytes) -> dict | None:
    """The header record in `line` (a file's first line), or None if it is not one."""
    if len(line) > MAX_HEADER or not line.lstrip().startswith(b"{"):
        return None
    try:
        head = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return head if isinstance(head, dict) and head.get("format") == SAVE_FORMAT else None


def peek(f: BinaryIO) -> tuple[dict, dict | None] | None:
    """A save's header and its last whole record (None before the first decision),
    reading at most MAX_HEADER + TAIL bytes; None when `f` does not start with a save
    header. Raises ValueError, with the reason, for a last record that cannot be read."""
    first = f.readline(MAX_HEADER + 1)
    head = parse_header(first) if first.endswith(b"\n") else None
    if head is None:
        return None
    size = os.fstat(f.fileno()).st_size
    start = max(len(first), size - TAIL)
    f.seek(start)
    tail = f.read(TAIL)
    end = tail.rfind(b"\n")
    if end < 0:
        if start > len(first):
            raise ValueError(f"no whole record in its last {TAIL:,} bytes")
        return head, None
    begin = tail.rfind(b"\n", 0, end) + 1
    if begin == 0 and start > len(first):
        raise ValueError(f"its last record is over {TAIL:,} bytes")
    try:
        rec = json.loads(tail[begin:end])
    except (ValueError, RecursionError):
        raise ValueError("its last record is not valid JSON") from None
    ok = (
        isinstance(rec, dict)
        and type(rec.get("n")) is int
        and type(rec.get("week")) is int
        and rec.get("phase") in PHASES
    )
    if not ok:
        raise ValueError("its last record is not a decision record")
    return head, rec
