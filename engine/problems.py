"""Problems found in an input file, reported as `path:line:col: severity[code]: message`.

Every problem carries a stable code from CODES: tests, scripts and the JSON
output key on the code, so a message can be reworded (or a library can change
its own wording) without breaking anyone.
"""

from __future__ import annotations

import difflib
import unicodedata
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


# code -> what it means; docs/error-codes.md is generated from this table.
CODES: dict[str, str] = {
    # Reading the file
    "file.read": "the file cannot be read (missing, a folder, no permission)",
    "file.too-large": "the file is over the size limit",
    "file.encoding": "the file is not UTF-8 text (UTF-16, UTF-32, Latin-1, ...)",
    "file.binary": "the file holds NUL bytes: it is binary, not text",
    "file.write": "a file that cannot be written (disk full, read-only, permission)",
    # YAML structure
    "yaml.syntax": "the text is not valid YAML (the parser's own complaint follows)",
    "yaml.char": "a character YAML does not allow in a file",
    "yaml.invisible": "an invisible or look-alike character (a no-break space, a zero-width "
    "space, ...) where YAML needs a plain space",
    "yaml.empty": "the file holds no document",
    "yaml.multi-doc": "the file holds more than one YAML document",
    "yaml.tag": "a YAML tag other than plain data (such as !!python/object)",
    "yaml.bad-scalar": "a value tagged as a number or true/false that is not one",
    "yaml.key": "a mapping key that is an alias, a list or a mapping",
    "yaml.duplicate-key": "the same key twice in one mapping",
    "yaml.alias": "an alias used before its anchor, or inside the value it names",
    "yaml.merge": "a merge key '<<' whose value is not a mapping or a list of mappings",
    "yaml.too-deep": "lists and mappings nested deeper than the limit",
    "yaml.alias-bomb": "aliases that expand the document past the limit on values",
    # Fields (the scenario model)
    "field.not-mapping": "the document (or a part of it) is not a mapping of fields",
    "field.missing": "a required field is missing",
    "field.unknown": "a field the format does not have (often a typo)",
    "field.type": "a value of the wrong kind (text for a number, a list for a mapping, ...)",
    "field.key": "a mapping key that is not text",
    "field.enum": "a value that is not one of the allowed words",
    "field.id": "an id that does not follow the id pattern",
    "field.range": "a number outside its allowed range",
    "field.length": "text or a list that is too short or too long",
    "field.invalid": "any other value the field does not accept",
    # Cross-reference rules
    "ref.unknown": "an id that refers to nothing defined",
    "ref.duplicate": "two entries of one list with the same id",
    "role.quarterback": "no role, or more than one, is the quarterback",
    "role.min-max": "a role's min is above its max",
    "stakeholder.priority": "a stakeholder (or an event's new priorities) with no non-zero weight",
    "stakeholder.present": "no stakeholder is present at the start",
    "stakeholder.influence": "the starting stakeholders' influence does not sum to 1",
    "week.range": "a week outside the deal (or a window in the wrong order)",
    "chemistry.pair": "chemistry pairing a member with themselves, or a pair given twice",
    "milestone.close": "more than one close milestone",
    "milestone.unreachable": "no action adds progress to a milestone",
    "event.trigger": "an event with no way to fire, or with both a week and a probability",
    "event.practice": "an event's `if_skipped` names a practice the game cannot see skipped",
    "team.unstaffable": "no legal week-one team fits the headcount, roster and budget",
    "scoring.weights": "scoring weights that are all zero",
    "hint.moment": "a hint timed both for setup and for a week (or a window)",
    # Lint warnings: content that can never matter
    "lint.unreachable": "a stakeholder no action can reach",
    "lint.unusable-action": "an action that targets buyers the buying team does not have",
    "lint.no-economic-buyer": "no stakeholder is the economic buyer",
    "lint.ignored": "a field the game ignores (a curveball's 'when', a window beside a week)",
    "lint.never-fires": "an event that can never fire",
    "lint.hint-never": "a hint that can never show",
    "lint.no-effect": "an event that changes nothing",
    "lint.before-join": "an event that changes a stakeholder before they join",
    "lint.roster": "a roster member who fits no role, costs too much or has too few hours",
    "lint.unused": "a skill or priority dimension nothing uses",
    "lint.role-unfit": "a required role that needs only skills no roster member has",
    "lint.action-no-effect": "an action that changes nothing when run",
    "lint.no-influence": "a stakeholder with no influence on the decision, and no event gives any",
    "lint.chemistry-apart": "chemistry between two members never available in the same week",
    "lint.role-unused": "a role no action can be run by",
    "lint.effort": "a milestone needing more effort than the best team can add in the deal",
    "lint.condition": "an event's behaviour condition that can never hold while it may fire",
    "lint.repeat": "a repeat that can never happen (max_times alone or 1, a curveball, a short "
    "window, a week too late)",
    "lint.lasts": "an effect duration that undoes nothing or outlasts the deal",
    "lint.silent": "'silent' on an event that shifts no priorities",
    # Plans, game logs and saves
    "plan.shape": "a plan that is not laid out as the plan format says",
    "plan.field": "a field a plan does not have",
    "plan.decision": "a decision written in a way the game cannot read",
    "plan.illegal": "a decision the game refuses at that point",
    "plan.no-start": "a plan that never starts the deal",
    "log.format": "not a Dealcraft game log, or a damaged one",
    "log.json": "a game log that is not valid JSON",
    "log.scenario": "a game log made for another scenario or another version of it",
    "log.illegal": "a decision in a game log that the game refuses on replay",
    "save.damaged": "a saved game with a damaged record before its last (a torn last record, "
    "left by a write cut short, is dropped instead)",
    "seed.range": "a seed that is not a whole number from 0 to 2**64-1",
    # The command line, the app and the workshop
    "scenario.not-found": "no scenario with that file name or id",
    "serve.port": "a port number outside 1-65535",
    "serve.bind": "the server cannot listen on that address",
    "play.start": "a game that cannot be started as asked",
    "save.locked": "a saved game that another window (another process) has open",
    "settings.toml": "the player's settings.toml cannot be read or is not valid TOML",
    "settings.field": "a setting in settings.toml that does not exist or has the wrong type",
    "workshop.input": "a facilitator command given a value it cannot use",
    "workshop.session": "a workshop action refused (wrong code, key, team or state)",
    "workshop.store": "the workshop store cannot be opened, read or written",
    "workshop.held": "a decision the facilitator's pacing stops for now (paused, held, revealed)",
    "workshop.seat": "a team seat refused: its passcode is missing or wrong",
    "workshop.key": "the facilitator key is missing, wrong, or offered on the command line",
    "workshop.server": "the workshop server cannot be reached, or answered something unreadable",
    "workshop.lrs": "a learning record store that refuses the statements, cannot be reached, "
    "or has no credentials in the environment",
    "workshop.rate": "too many wrong passcodes or facilitator keys: the server waits before "
    "checking more from that team, session or address",
    "workshop.store-folder": "the workshop store's folder cannot be created or is not a folder",
    "workshop.store-damaged": "the workshop store's file is damaged (not a database, bad pages)",
    "workshop.store-schema": "a workshop store whose schema version is missing, unknown or newer",
    "workshop.store-value": "a value in the workshop store that cannot be right (a seed that is "
    "not a number, ...)",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, pointing at the exact place in the file (1-based line and column)."""

    path: str
    line: int
    col: int
    severity: str
    message: str
    code: str
    hint: str = ""

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unknown problem code {self.code!r}")
        object.__setattr__(self, "message", _one_line(self.message))
        object.__setattr__(self, "hint", _one_line(self.hint))

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return (
            f"{self.path}:{self.line}:{self.col}: {self.severity}[{self.code}]: "
            f"{self.message}{hint}"
        )

    def to_dict(self) -> dict:
        """The problem as plain data, for JSON output."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


class InputError(Exception):
    """Raised for any bad input file; carries every problem found, never a traceback."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(
        cls, where: str, code: str, message: str, line: int = 1, col: int = 1, hint: str = ""
    ) -> InputError:
        """One error about `where` (a file, an option or a field)."""
        return cls([Problem(where, line, col, "error", message, code, hint)])

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def shorten(text: str, limit: int = 48) -> str:
    """User text for a message: at most `limit` characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice a misspelt word most likely meant, or None."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A "did you mean 'x'?" hint for a misspelt id, or ''."""
    match = closest(word, choices)
    return f"did you mean '{match}'?" if match else ""


def join_hints(*hints: str) -> str:
    """Hints for one problem, in order, skipping empty ones."""
    return "; ".join(h for h in hints if h)


# Letters from other scripts that look like ASCII in most fonts (the common Cyrillic and
# Greek ones a keyboard layout or a copy from a document slips in).
LOOKALIKES = dict(
    zip(
        "аеорсухіјѕԁԛԝһӏАВЕКМНОРСТХІЈЅαοντικρυΑΒΕΗΙΚΜΝΟΡΤΧΥΖ",
        "aeopcyxijsdqwhlABEKMHOPCTXIJSaovtikpuABEHIKMNOPTXYZ",
        strict=True,
    )
)


def _odd(c: str) -> bool:
    if c.isascii():
        return False
    return c in LOOKALIKES or unicodedata.category(c) in ("Zs", "Zl", "Zp", "Cf", "Cc", "Mn")


def char_name(c: str) -> str:
    """'U+00A0 NO-BREAK SPACE', and what a look-alike letter looks like."""
    name = unicodedata.name(c, "unnamed character")
    looks = f", which looks like '{LOOKALIKES[c]}'" if c in LOOKALIKES else ""
    return f"U+{ord(c):04X} {name}{looks}"


def odd_chars(text: str, subject: str = "it") -> str:
    """A hint naming the invisible and look-alike characters in `text`, or ''."""
    found = list(dict.fromkeys(c for c in text if _odd(c)))
    if not found:
        return ""
    named = ", ".join(char_name(c) for c in found[:3])
    return f"{subject} holds {named}"


def _one_line(text: str) -> str:
    """One line whatever the file held: control characters, line separators and invisible
    characters escaped, and a runaway message (a 10,000-character key) kept readable."""
    text = text.translate(_ESCAPES)
    text = "".join(
        f"\\u{ord(c):04x}" if not c.isascii() and unicodedata.category(c) in _INVISIBLE else c
        for c in text
    )
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


_INVISIBLE = ("Zs", "Zl", "Zp", "Cf")
