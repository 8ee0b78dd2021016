"""Workshop sessions as stored: SessionInfo, the pinned scenario, decisions as JSON.

Shared by every role (players, scripted teams, the facilitator, the server).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine.decisions import (
    Decision,
    IllegalDecision,
    from_dict,
)
from engine.loader import find_scenario, load_scenario
from engine.model import Scenario
from engine.problems import InputError
from simulator.workshop.store import Store


class Held(IllegalDecision):
    """The facilitator's pacing stops this decision for now (paused, or held at a week)."""


def refuse(where: str, msg: str, code: str = "workshop.session") -> InputError:
    return InputError.at(where, code, msg)


def encode(d: Decision) -> tuple[str, str]:
    return d.kind, json.dumps(d.to_dict(), sort_keys=True, separators=(",", ":"))


def decode(body: str) -> Decision:
    return from_dict(json.loads(body))


@dataclass(frozen=True)
class SessionInfo:
    """A session as stored (never the key)."""

    id: int
    code: str
    name: str
    scenario_ref: str
    scenario_id: str
    content_hash: str
    seed: int
    hold_week: int | None
    paused: bool
    revealed: bool
    created_at: float

    @classmethod
    def of(cls, row: dict) -> SessionInfo:
        return cls(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            scenario_ref=row["scenario_ref"],
            scenario_id=row["scenario_id"],
            content_hash=row["content_hash"],
            seed=int(row["seed"]),
            hold_week=row["hold_week"],
            paused=bool(row["paused"]),
            revealed=bool(row["revealed"]),
            created_at=row["created_at"],
        )

    @property
    def hold_label(self) -> str | None:
        """Where teams are held: 'setup', 'week N', or None."""
        if self.hold_week is None:
            return None
        return "setup" if self.hold_week == 0 else f"week {self.hold_week}"

    def held_at(self, week: int) -> str | None:
        """Why a team at `week` may not move on to the next week now, or None."""
        if self.revealed:
            return "the results are revealed: the workshop is read-only now"
        if self.paused:
            return "the facilitator has paused the workshop; wait for them to resume"
        if self.hold_week is not None and week >= self.hold_week:
            return (
                f"the facilitator is holding every team at {self.hold_label}; wait for the release"
            )
        return None


def normalise_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


_SCENARIOS: dict[str, Scenario] = {}


def session_scenario(store: Store, row: dict) -> Scenario:
    """The session's scenario, exactly the version it was created with."""
    h = row["content_hash"]
    if h in _SCENARIOS:
        return _SCENARIOS[h]
    scenario = None
    try:
        found = find_scenario(row["scenario_ref"])
        if found.content_hash == h:
            scenario = found
    except InputError:
        pass
    if scenario is None:  # moved or edited since: use the copy kept in the store
        scenario = scenario_from_yaml(row["scenario_yaml"], row["scenario_ref"], h)
    _SCENARIOS[h] = scenario
    return scenario


def scenario_from_yaml(text: str, display: str, expected_hash: str | None) -> Scenario:
    """A scenario rebuilt from its YAML text (the copy a session keeps, or the one a server
    sends), checked against the content hash the session pinned (None: the caller checks,
    as playercopy does with the play hash).

    The loader reads files, so the text goes to a fresh private folder from
    `tempfile.mkdtemp` (0700, a name nobody can plant a symlink at) and is removed after.
    """
    folder = Path(tempfile.mkdtemp(prefix="dealcraft-scenario-"))
    try:
        path = folder / "scenario.yaml"
        with open(path, "x", encoding="utf-8") as f:
            f.write(text)
        scenario = load_scenario(path, display=display)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if expected_hash is not None and scenario.content_hash != expected_hash:
        raise refuse(display, "the session's scenario cannot be rebuilt exactly")
    return scenario


def find_session(store: Store, code: str) -> dict:
    row = store.session(normalise_code(code))
    if row is None:
        raise refuse("workshop", f"no workshop session with code '{code}' in {store.where}")
    return row
