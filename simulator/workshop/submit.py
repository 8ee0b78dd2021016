"""`dealcraft run ... --join CODE --team NAME [--server URL]`: submit a headless game."""

from __future__ import annotations

import argparse
import sys

from engine.state import GameState
from simulator.workshop.records import refuse
from simulator.workshop.seats import join


def _seat(args: argparse.Namespace):
    return join(
        args.join,
        getattr(args, "team", None),
        db=getattr(args, "db", None),
        kind="headless",
        server=getattr(args, "server", None),
        announce=True,  # a new team's passcode, once, on stderr
    )


def session_seed(args: argparse.Namespace) -> int:
    """The seed every team of session `args.join` plays (for `dealcraft run --join`, so the
    plan is played with it before submission); InputError on a wrong code or passcode."""
    if getattr(args, "server", None):
        return _seat(args).seed
    from simulator.workshop.records import find_session
    from simulator.workshop.store import open_store

    return int(find_session(open_store(getattr(args, "db", None)), args.join)["seed"])


def submit_headless(args: argparse.Namespace, state: GameState) -> GameState:
    """Submit a headless game to session `args.join` as team `args.team`.

    The session (its server, or the local store) replays the game's decisions with its
    seed and curveballs (each curveball arrives after the week it was injected at) and
    stores them up to the week the facilitator holds teams at; run the same command
    again after the release to submit the rest. Returns the submitted game, so the
    caller prints the scorecard of exactly what the board shows. InputError on a wrong
    code or passcode, another scenario, a paused or revealed session, or a plan that is
    illegal with this seed.
    """
    seat = _seat(args)
    if state.scenario.content_hash != seat.scenario.content_hash:
        raise refuse(
            "workshop",
            f"session {seat.code} plays '{seat.scenario.id}' ({seat.scenario.content_hash}); "
            f"this game is '{state.scenario.id}' ({state.scenario.content_hash})",
        )
    played, n = seat.submit(state.history, getattr(args, "plan", None) or "plan")
    held = "" if played.is_over() else f"; held at week {played.week}, run again after the release"
    print(
        f"submitted to workshop {seat.code} as team '{seat.team}': "
        f"{n} new decision(s), week {played.week}{held}",
        file=sys.stderr,
    )
    return played
