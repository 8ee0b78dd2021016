"""Workshop sessions: the public API in one place (the parts live in modules by role).

A session is one scenario and one seed shared by every team. Each team's game
is its decision log in the store, appended decision by decision as it is
played, so the board is live and a crashed player resumes where they were.

- `codes`: join codes, facilitator keys, team passcodes and team names.
- `records`: SessionInfo, the pinned scenario, decisions as JSON, `Held`.
- `curveballs`: scenario curveballs and custom shifts, labelled and scheduled.
- `team`: `join(code, team)` -> TeamSession, the player's seat (`step`).
- `scripted`: headless plans and bots played with the session's curveballs.
- `submit`: `dealcraft run --join` (a headless game submitted to a session).
- `facilitator`: `create_session`, `facilitate(code, key)` -> Facilitator.

This module imports those and nothing imports it back, so `results.py` (the
leaderboard) and the facilitator never import each other through here.
"""

from __future__ import annotations

from simulator.workshop.codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    KEY_ALPHABET,
    NAME_MAX,
    check_team_name,
    key_hash,
    name_key,
    new_code,
    new_key,
)
from simulator.workshop.curveballs import (
    SHIFT_MAX,
    Due,
    check_shift,
    curveball_decision,
    curveball_list,
    shift_label,
)
from simulator.workshop.facilitator import (
    BOT_POLICIES,
    Facilitator,
    create_session,
    facilitate,
    peek,
)
from simulator.workshop.records import (
    Held,
    SessionInfo,
    decode,
    encode,
    find_session,
    normalise_code,
    session_scenario,
)
from simulator.workshop.scripted import catch_up, play_bot, play_script, sync_log
from simulator.workshop.seats import join
from simulator.workshop.store import open_store
from simulator.workshop.submit import play_and_submit, session_seed, submit_headless
from simulator.workshop.team import KINDS, TeamSession

__all__ = [
    "BOT_POLICIES",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "KEY_ALPHABET",
    "KINDS",
    "NAME_MAX",
    "SHIFT_MAX",
    "Due",
    "Facilitator",
    "Held",
    "SessionInfo",
    "TeamSession",
    "catch_up",
    "check_shift",
    "check_team_name",
    "create_session",
    "curveball_decision",
    "curveball_list",
    "decode",
    "encode",
    "facilitate",
    "find_session",
    "join",
    "key_hash",
    "name_key",
    "new_code",
    "new_key",
    "normalise_code",
    "open_store",
    "peek",
    "play_and_submit",
    "play_bot",
    "play_script",
    "session_scenario",
    "session_seed",
    "shift_label",
    "submit_headless",
    "sync_log",
]
