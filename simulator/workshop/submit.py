"""`dealcraft run ... --join CODE --team NAME`: submit a headless game to a session."""

from __future__ import annotations

import argparse
import sys

from engine.state import GameState
from simulator.workshop.codes import check_team_name
from simulator.workshop.curveballs import session_due
from simulator.workshop.records import SessionInfo, find_session, refuse, session_scenario
from simulator.workshop.scripted import play_script, sync_log
from simulator.workshop.store import open_store
from simulator.workshop.team import join


def session_seed(args: argparse.Namespace) -> int:
    """The seed every team of session `args.join` plays (for `dealcraft run --join`, so the
    plan is played with it before submission); InputError on a wrong code."""
    return int(find_session(open_store(getattr(args, "db", None)), args.join)["seed"])


def submit_headless(args: argparse.Namespace, state: GameState) -> GameState:
    """`dealcraft run ... --join CODE --team NAME [--db URL]`: submit a headless game.

    The game's decisions are replayed with the session's seed and curveballs (each
    curveball arrives after the week it was injected at) and stored up to the week
    the facilitator holds teams at; run the same command again after the release
    to submit the rest. Returns the submitted game, so the caller prints the
    scorecard of exactly what the board shows. InputError on a wrong code,
    another scenario, a paused session, or a plan that is illegal with this seed.
    """
    db = getattr(args, "db", None)
    name = check_team_name(getattr(args, "team", None))
    store = open_store(db)
    row = find_session(store, args.join)
    info = SessionInfo.of(row)
    scenario = session_scenario(store, row)
    if state.scenario.content_hash != scenario.content_hash:
        raise refuse(
            "workshop",
            f"session {info.code} plays '{scenario.id}' ({scenario.content_hash}); "
            f"this game is '{state.scenario.id}' ({state.scenario.content_hash})",
        )
    if info.paused:
        raise refuse("workshop", "the workshop is paused; submit after the facilitator resumes")
    team = join(info.code, name, db, kind="headless")
    _, cbs = session_due(store, scenario, info.id)
    played = play_script(
        scenario,
        info.seed,
        state.history,
        cbs,
        lambda w: info.held_at(w) is None,
        where=getattr(args, "plan", None) or "plan",
    )
    n = sync_log(store, {"id": team.team_id, "name": team.team}, played, "workshop")
    held = "" if played.is_over() else f"; held at week {played.week}, run again after the release"
    print(
        f"submitted to workshop {info.code} as team '{team.team}': "
        f"{n} new decision(s), week {played.week}{held}",
        file=sys.stderr,
    )
    return played
