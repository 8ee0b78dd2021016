"""A game is its log: scenario id + content hash + seed + ordered decisions.

Saves, replays, headless plans and workshop submissions all use this one
shape. Replaying a log reproduces the state, and so the score, bit for bit.

On disk a log has two forms. A save is JSON Lines (engine.savefile): a header record,
then one record per decision, each appended as it is made, so writing a decision
costs the same at decision 10 and at decision 60,000; a record cut short by a killed
write is the file's last line and is dropped on load. A plan or an old save is one
JSON or YAML document (FORMAT) holding the whole log.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from engine import savefile
from engine.decisions import Decision, EndWeek, IllegalDecision, Start, from_dict
from engine.limits import TooLarge, read_bounded
from engine.model import Scenario
from engine.problems import InputError
from engine.rng import validate_seed
from engine.state import SETUP, WEEK, GameState, new_game
from engine.yamlsource import read_yaml

FORMAT = "dealcraft-log/1"


@dataclass(frozen=True)
class GameLog:
    scenario_id: str
    content_hash: str
    seed: int
    decisions: tuple[Decision, ...] = ()
    meta: dict = field(default_factory=dict, compare=False)
    source: str = field(default="log", compare=False)  # the file it was read from
    lines: tuple[int, ...] = field(default=(), compare=False)  # each decision's line there

    @classmethod
    def of(cls, state: GameState, **meta) -> GameLog:
        s = state.scenario
        return cls(s.id, s.content_hash, state.seed, state.history, meta)

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "scenario": self.scenario_id,
            "content_hash": self.content_hash,
            "seed": self.seed,
            "meta": self.meta,
            "decisions": [d.to_dict() for d in self.decisions],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, default_flow_style=None)

    def header(self) -> str:
        """The first line of a save: what the game is, without its decisions."""
        return savefile.header(self.scenario_id, self.content_hash, self.seed, self.meta)

    def to_save(self, week: int, phase: str) -> str:
        """The whole save as JSON Lines; `week` and `phase` are the game's after its last
        decision (the ones before are counted from the Start and EndWeek decisions)."""
        out, now = [self.header()], 0
        for n, d in enumerate(self.decisions, 1):
            if isinstance(d, Start | EndWeek):
                now = 1 if isinstance(d, Start) else now + 1
            at = (week, phase) if n == len(self.decisions) else (now, WEEK if now else SETUP)
            out.append(savefile.record(n, d, *at))
        return "".join(out)

    @classmethod
    def from_dict(cls, data: dict, where: str = "log") -> GameLog:
        def bad(msg: str) -> InputError:
            return InputError.at(where, "log.format", msg)

        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise bad(f"not a Dealcraft game log (expected format '{FORMAT}')")
        try:
            seed = validate_seed(data.get("seed"))
        except (TypeError, ValueError) as exc:
            raise InputError.at(where, "seed.range", f"seed: {exc}") from None
        try:
            decisions = tuple(from_dict(d) for d in data.get("decisions", []))
            return cls(
                str(data["scenario"]),
                str(data["content_hash"]),
                seed,
                decisions,
                dict(data.get("meta") or {}),
                where,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise bad(f"damaged game log: {exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> GameLog:
        """Read a save (JSON Lines), or a whole log as JSON, or as YAML (by the .yaml/.yml
        suffix)."""
        return load_save(path).log

    def check(self, scenario: Scenario) -> None:
        """Refuse a log made for another scenario or another version of it."""
        if scenario.id != self.scenario_id:
            raise InputError.at(
                self.source,
                "log.scenario",
                f"log is for scenario '{self.scenario_id}', not '{scenario.id}'",
            )
        if scenario.content_hash != self.content_hash:
            raise InputError.at(
                self.source,
                "log.scenario",
                f"scenario '{scenario.id}' has changed since this game was saved "
                f"(hash {self.content_hash}, now {scenario.content_hash}); "
                "it cannot be replayed exactly",
            )

    def replay(self, scenario: Scenario, upto: int | None = None) -> GameState:
        """Apply the decisions (the first `upto` of them) to a fresh game."""
        self.check(scenario)
        decisions = self.decisions[:upto]
        try:
            return new_game(scenario, self.seed).apply_all(decisions)
        except IllegalDecision as exc:
            n = getattr(exc, "index", 0)
            line = self.lines[n] if n < len(self.lines) else 1
            raise InputError.at(
                self.source, "log.illegal", f"decision {n + 1} ({decisions[n].kind}): {exc}", line
            ) from None


@dataclass(frozen=True)
class SaveFile:
    """A save as read from disk: its log, how many bytes of it are whole records (a torn
    last record after them is dropped) and whether new decisions can be appended to it."""

    log: GameLog
    whole: int = 0
    torn: bool = False
    appendable: bool = False  # False for a whole-file log: rewritten in full on its next write


def load_save(path: str | Path) -> SaveFile:
    """Read any saved log: a save (JSON Lines), a whole log as JSON, or as YAML (by the
    .yaml/.yml suffix). Every problem is one located line (InputError)."""
    name = str(path)
    if Path(path).suffix in (".yaml", ".yml"):
        return SaveFile(GameLog.from_dict(read_yaml(path).data, name))
    try:
        raw = read_bounded(path)
    except TooLarge as exc:
        raise InputError.at(name, "file.too-large", str(exc)) from None
    except OSError as exc:
        raise InputError.at(name, "file.read", f"cannot read: {exc}") from None
    return read_save(name, raw)


def read_save(name: str, raw: bytes) -> SaveFile:
    """The saved log in `raw` (the bytes of file `name`): JSON Lines or one JSON document."""
    first, newline, _ = raw.partition(b"\n")
    if newline and savefile.parse_header(first) is not None:
        return _load_lines(name, raw)
    return SaveFile(_load_whole(name, raw))


def json_log(name: str, raw: bytes) -> GameLog | None:
    """The log in `raw` if it is a save or a whole log written as JSON, else None (a plan,
    or text that is not JSON, for the YAML reader to take or refuse)."""
    first, newline, _ = raw.partition(b"\n")
    if newline and savefile.parse_header(first) is not None:
        return _load_lines(name, raw).log
    if not raw.lstrip().startswith(b"{"):
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    return _load_whole(name, raw)


def _damaged(name: str, line: int, col: int, message: str) -> InputError:
    return InputError.at(name, "save.damaged", message, line, col)


def _load_lines(name: str, raw: bytes) -> SaveFile:
    whole = raw.rfind(b"\n") + 1  # after it: a record whose write was cut short
    body = raw[:whole]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise _damaged(name, line, 1, f"line {line} is not UTF-8 text") from None
    rows = text.split("\n")[:-1]
    head = json.loads(rows[0])
    base = GameLog.from_dict({**head, "format": FORMAT, "decisions": []}, name)
    decisions: list[Decision] = []
    lines: list[int] = []
    known: dict[tuple, Decision] = {}
    for i, row in enumerate(rows[1:], 2):
        if not row.strip():
            continue
        n = len(decisions) + 1
        try:
            rec = json.loads(row)
        except json.JSONDecodeError as exc:
            raise _damaged(name, i, exc.colno, f"record {n} is not valid JSON: {exc.msg}") from None
        except RecursionError:
            raise _damaged(name, i, 1, f"record {n} is nested too deep") from None
        if not isinstance(rec, dict) or type(rec.get("n")) is not int or rec["n"] != n:
            raise _damaged(name, i, 1, f"expected the record of decision {n} here")
        try:
            decisions.append(_decision(rec.get("decision"), known))
        except (KeyError, TypeError, ValueError) as exc:
            raise _damaged(name, i, 1, f"decision {n}: {exc}") from None
        lines.append(i)
    log = replace(base, decisions=tuple(decisions), lines=tuple(lines))
    return SaveFile(log, whole, whole < len(raw), True)


def _decision(data: object, known: dict[tuple, Decision]) -> Decision:
    """from_dict, once per distinct decision of plain fields (a long game repeats a few
    runs thousands of times; decisions are immutable, so they can be shared)."""
    if not isinstance(data, dict):
        return from_dict(data)
    key = tuple((k, type(v), v) for k, v in data.items())
    try:
        hit = known.get(key)
    except TypeError:  # a list or mapping field (checklist, weights)
        return from_dict(data)
    if hit is None:
        hit = known[key] = from_dict(data)
    return hit


def _load_whole(name: str, raw: bytes) -> GameLog:
    try:
        text = raw.decode("utf-8")
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line, col = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        raise InputError.at(name, "log.json", f"not valid JSON: {exc}", line, col) from None
    except RecursionError:
        raise InputError.at(name, "log.format", "nested too deep to be a game log") from None
    log = GameLog.from_dict(data, name)
    return replace(log, lines=_decision_lines(text, len(log.decisions)))


_DECISIONS = re.compile(r'"decisions"\s*:\s*\[')


def _decision_lines(text: str, count: int) -> tuple[int, ...]:
    """The line of each of a whole JSON log's `count` decisions, found by decoding the
    `"decisions": [...]` list item by item; () when it cannot be found."""
    decoder = json.JSONDecoder()
    space = re.compile(r"[\s,]*")
    for m in reversed(list(_DECISIONS.finditer(text))):
        at, line, seen, out = m.end(), 1, 0, []
        try:
            while len(out) < count:
                at = space.match(text, at).end()
                line += text.count("\n", seen, at)
                seen = at
                out.append(line)
                _, at = decoder.raw_decode(text, at)
        except (ValueError, RecursionError):
            continue
        if text[space.match(text, at).end() : space.match(text, at).end() + 1] == "]":
            return tuple(out)
    return ()
