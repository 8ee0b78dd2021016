"""The one size limit on files the game reads or writes: scenarios, plans and saves.

A save grows by one record per decision and is never allowed past this limit (the
decision that would cross it is refused), so every save the game writes replays as
a headless plan. 16 MB holds about 150,000 decisions: more than twice a game that
spends every hour of the largest team the format allows (20 members, 60 hours a week
each) on 1-hour actions for 52 weeks, which is 62,493 decisions and 6.4 MB.
"""

from __future__ import annotations

import os
from pathlib import Path

MAX_BYTES = 16_000_000


class TooLarge(ValueError):
    """A file over MAX_BYTES; `size` is its length in bytes when known."""

    def __init__(self, size: int | None):
        shown = f"{size:,} bytes" if size and size > MAX_BYTES else f"over {MAX_BYTES:,} bytes"
        super().__init__(f"file is {shown}; the limit is {MAX_BYTES:,}")
        self.size = size


def read_bounded(path: str | Path) -> bytes:
    """The file's bytes, never reading more than MAX_BYTES + 1 (think /dev/zero); raises
    TooLarge past the limit and OSError when the file cannot be read."""
    with Path(path).open("rb") as f:
        raw = f.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise TooLarge(os.fstat(f.fileno()).st_size)
    return raw
