"""Problems found in an input file, reported as `path:line:col: severity: message`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

MAX_MESSAGE = 400
_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(32), 127)} | {
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    0x85: "\\x85",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, pointing at the exact place in the file (1-based line and column)."""

    path: str
    line: int
    col: int
    severity: str
    message: str

    def __post_init__(self):
        # One line each, whatever text the file held: escape control characters and line
        # separators, and keep a runaway message (a 10,000-character key) readable.
        message = self.message.translate(_ESCAPES)
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 3] + "..."
        object.__setattr__(self, "message", message)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"


class InputError(Exception):
    """Raised for any bad input file; carries every problem found, never a traceback."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def shorten(text: str, limit: int = 48) -> str:
    """User text for a message: at most `limit` characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' hint for a misspelt id, or ''."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""
