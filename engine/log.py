"""A game is its log: scenario id + content hash + seed + ordered decisions.

Saves, replays, headless plans and workshop submissions all use this one
shape. Replaying a log reproduces the state, and so the score, bit for bit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from engine.decisions import Decision, IllegalDecision, from_dict
from engine.model import Scenario
from engine.problems import InputError
from engine.rng import validate_seed
from engine.state import GameState, new_game
from engine.yamlsource import read_yaml

FORMAT = "dealcraft-log/1"


@dataclass(frozen=True)
class GameLog:
    scenario_id: str
    content_hash: str
    seed: int
    decisions: tuple[Decision, ...] = ()
    meta: dict = field(default_factory=dict, compare=False)

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
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise bad(f"damaged game log: {exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> GameLog:
        """Read a log saved as JSON, or as YAML (by the .yaml/.yml suffix)."""
        if Path(path).suffix in (".yaml", ".yml"):
            return cls.from_dict(read_yaml(path).data, str(path))
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError.at(str(path), "file.read", f"cannot read: {exc}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            line, col = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
            raise InputError.at(
                str(path), "log.json", f"not valid JSON: {exc}", line, col
            ) from None
        return cls.from_dict(data, str(path))

    def check(self, scenario: Scenario) -> None:
        """Refuse a log made for another scenario or another version of it."""
        if scenario.id != self.scenario_id:
            raise InputError.at(
                "log",
                "log.scenario",
                f"log is for scenario '{self.scenario_id}', not '{scenario.id}'",
            )
        if scenario.content_hash != self.content_hash:
            raise InputError.at(
                "log",
                "log.scenario",
                f"scenario '{scenario.id}' has changed since this game was saved "
                f"(hash {self.content_hash}, now {scenario.content_hash}); "
                "it cannot be replayed exactly",
            )

    def replay(self, scenario: Scenario, upto: int | None = None) -> GameState:
        """Apply the decisions (the first `upto` of them) to a fresh game."""
        self.check(scenario)
        state = new_game(scenario, self.seed)
        for n, d in enumerate(self.decisions[:upto]):
            try:
                state = state.apply(d)
            except IllegalDecision as exc:
                raise InputError.at(
                    "log", "log.illegal", f"decision {n + 1} ({d.kind}): {exc}"
                ) from None
        return state
