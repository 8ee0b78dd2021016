"""`dealcraft run ... --join CODE --team NAME [--server URL]`: submit a headless game."""

from __future__ import annotations

import argparse
import sys

from engine.loader import play_hash
from engine.model import Scenario
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
    """The seed every team of session `args.join` plays, from the local store (on one
    laptop, where the plan is played before submission; a server never sends it: a
    player's seat there is sealed, `.seed` only reads the draws it was sent)."""
    if getattr(args, "server", None):
        return _seat(args).seed
    from simulator.workshop.records import find_session
    from simulator.workshop.store import open_store

    return int(find_session(open_store(getattr(args, "db", None)), args.join)["seed"])


def play_and_submit(args: argparse.Namespace, scenario: Scenario, plan) -> GameState:
    """`dealcraft run --plan PLAN --join CODE`: the plan played with the session's seed and
    submitted. Through a server the server plays it (this computer never holds the seed:
    sealed.py); on one laptop it is played here first, as before."""
    from engine.plan import check_fits, play_plan

    if not getattr(args, "server", None):
        return submit_headless(args, play_plan(scenario, plan, session_seed(args)))
    check_fits(scenario, plan)
    seat = _seat(args)
    _same_scenario(seat, scenario)
    where = getattr(args, "plan", None) or "plan"
    at = [plan.source.where(loc) for _, loc in plan.steps]
    played, n = seat.submit([d for d, _ in plan.steps], where, close=True, at=at)
    _submitted(seat, played, n)
    return played


def _same_scenario(seat, scenario: Scenario) -> None:
    """Refuse a game of another scenario than the session's (the facilitator's notes
    aside, which a player's copy leaves out: engine.loader.play_hash)."""
    if play_hash(scenario) != play_hash(seat.scenario):
        raise refuse(
            "workshop",
            f"session {seat.code} plays '{seat.scenario.id}' ({seat.content_hash}); "
            f"this game is '{scenario.id}' ({scenario.content_hash})",
        )


def _submitted(seat, played: GameState, n: int) -> None:
    held = "" if played.is_over() else f"; held at week {played.week}, run again after the release"
    print(
        f"submitted to workshop {seat.code} as team '{seat.team}': "
        f"{n} new decision(s), week {played.week}{held}",
        file=sys.stderr,
    )


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
    _same_scenario(seat, state.scenario)
    played, n = seat.submit(state.history, getattr(args, "plan", None) or "plan")
    _submitted(seat, played, n)
    return played
