"""The copy of a session's scenario a player's client receives: without the facilitator's
material (debrief guide, discussion questions, hidden truth), checked against the play
hash (engine.loader.play_hash), which covers everything else, so a client still plays
exactly the session's scenario."""

from __future__ import annotations

from functools import lru_cache

import yaml

from engine.loader import play_hash
from engine.model import Scenario
from simulator.workshop.records import refuse, scenario_from_yaml

FACILITATOR_KEY = "facilitator"


@lru_cache(maxsize=32)
def player_yaml(text: str) -> str:
    """The scenario YAML `text` without its facilitator section (read with the safe loader;
    comments and layout are not kept, the content is)."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or FACILITATOR_KEY not in data:
        return text
    data.pop(FACILITATOR_KEY)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def player_scenario(text: str, display: str, expected_play_hash: str) -> Scenario:
    """A player's copy rebuilt from the server's YAML, refused unless it plays exactly the
    scenario the session pinned."""
    scenario = scenario_from_yaml(text, display, None)
    if play_hash(scenario) != expected_play_hash:
        raise refuse(display, "the session's scenario cannot be rebuilt exactly")
    return scenario
