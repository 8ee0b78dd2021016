"""`dealcraft play SCENARIO --plan PLAN --warp WEEK`: start a game at week WEEK.

The plan is played strictly (as `dealcraft run` plays it) up to the start of WEEK, and
the game is handed to the player in a new save holding those decisions, so a designer
tries week 7 without keying in weeks 1-6. Every problem is one located line: a week
outside the deal, a decision the plan cannot make before WEEK, a deal that closes first.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the rules load only when a warp is asked for: the picker starts without
    from engine.model import Scenario
    from engine.state import GameState
    from simulator.saves import Session

WHERE = "dealcraft play --warp"


def usage_problem(args: argparse.Namespace) -> str | None:
    """Why --plan/--warp cannot be used as given (a usage error), or None."""
    if getattr(args, "watch", False) and getattr(args, "join", None):
        return "--watch cannot be used with --join: a workshop game keeps its scenario version"
    plan, warp = getattr(args, "plan", None), getattr(args, "warp", None)
    if plan is None and warp is None:
        return None
    if plan is None or warp is None:
        return "--plan and --warp go together: --plan PLAN --warp WEEK"
    for flag in ("resume", "join"):
        if getattr(args, flag, None):
            return f"--warp cannot be used with --{flag}"
    if not getattr(args, "scenario", None):
        return "--warp needs the SCENARIO to play"
    return None


def warp_state(
    scenario: Scenario, plan_path: str | Path, week: int, seed: int | None = None
) -> GameState:
    """The plan's game at the start of `week` (1 = just after setup), before any of that
    week's decisions; raise InputError (one located problem) when it cannot get there."""
    from engine.plan import parse_plan, play_plan
    from engine.problems import InputError

    weeks = scenario.deal.weeks
    if not 1 <= week <= weeks:
        raise InputError.at(
            WHERE, "week.range", f"week {week} is outside the deal's weeks 1-{weeks}"
        )
    plan = parse_plan(plan_path)
    state = play_plan(scenario, plan, seed, until=week)
    if state.is_over():
        raise InputError(
            [
                plan.source.problem(
                    (),
                    "play.start",
                    f"the customer decided in week {int(state.batch.ended[0])}, "
                    f"before week {week}: nothing is left to play",
                )
            ]
        )
    return state


def warp_session(
    args: argparse.Namespace, scenario: Scenario, folder: Path | None = None
) -> Session:
    """A new saved game at the warp week, naming the plan it came from."""
    from simulator.saves import Session

    state = warp_state(scenario, args.plan, args.warp, getattr(args, "seed", None))
    return Session.new(
        scenario,
        state.seed,
        folder,
        state=state,
        warped_from=str(Path(args.plan).resolve()),
        warped_to=args.warp,
    )
