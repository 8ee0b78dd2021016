"""Lenient play of a plan, for trying one strategy across many seeds.

A plan is written against one seed's events; on another seed someone may be pulled
away, the budget frozen or the deal closed early, and a decision the plan makes becomes
illegal. Played leniently, such a decision is skipped with the engine's reason and the
game goes on. What no seed can make legal stays an error, as in strict play: a setup
decision the rules refuse (no event has arrived yet) and a decision `never_legal` names
(something the scenario does not have, or a refusal the scenario fixes for every seed).
A saved game log replays strictly everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import legal
from engine.decisions import Decision, EndWeek, Focus, IllegalDecision, Run, Shift, Staff
from engine.legal import No
from engine.model import Scenario
from engine.plan import HeadlessPlan, check_fits
from engine.problems import InputError
from engine.state import GameState, new_game

# decision field -> the scenario's id list it names
_ID_FIELDS = {
    "member": "members",
    "owner": "members",
    "stakeholder": "stakeholders",
    "target": "stakeholders",
    "action": "actions",
    "role": "roles",
    "milestone": "milestones",
    "event": "events",
}


@dataclass(frozen=True)
class Skip:
    """One decision left out: the week it fell in, what it was, why, and where the plan
    holds it (`path:line:col`)."""

    week: int
    decision: Decision
    reason: str
    where: str

    def as_dict(self) -> dict:
        return {
            "week": self.week,
            "decision": self.decision.to_dict(),
            "reason": self.reason,
            "at": self.where,
        }


def never_legal(state: GameState, d: Decision) -> bool:
    """True when no event can make `d` legal, so it is the plan's mistake, not the seed's:
    it names an id the scenario lacks, gives weights no game accepts, uses a member
    outside their available weeks, or aims an action at a target it cannot take then (an
    internal action at anyone, a buyer of the wrong role, a stakeholder yet to join:
    joining weeks are fixed by the scenario)."""
    c = state.compiled
    for name, kind in _ID_FIELDS.items():
        value = getattr(d, name, None)
        if value is not None and value not in getattr(c, kind):
            return True
    if isinstance(d, Staff | Run):
        m, w = c.members.index(d.member), max(state.week, 1)
        if not c.m_from[m] <= w <= c.m_until[m]:
            return True
    if isinstance(d, Run) and state.phase == "week":
        a = c.actions.index(d.action)
        s = -1 if d.target is None else c.stakeholders.index(d.target)
        return bool(legal.target_check(c, state.batch)[0, a, s + 2] != No.OK)
    if isinstance(d, Focus | Shift):
        w = d.weights
        return any(k not in c.dims or not 0 <= v <= 100 for k, v in w.items()) or (
            sum(w.values()) <= 0
        )
    return False


def play_lenient(
    scenario: Scenario, plan: HeadlessPlan, seed: int
) -> tuple[GameState, tuple[Skip, ...]]:
    """Play `plan` on `seed`, skipping each week's decision the rules refuse; return the
    finished game and the skips in play order. Raise InputError (located in the plan)
    for what no seed could make legal (see the module's docstring)."""
    check_fits(scenario, plan)
    state = new_game(scenario, int(seed))
    skips: list[Skip] = []
    for decision, loc in plan.steps:
        if state.is_over() and isinstance(decision, EndWeek):
            continue  # the weeks a plan lists after the close
        try:
            state = state.apply(decision)
            continue
        except IllegalDecision as exc:
            why = str(exc)
        if state.phase == "setup" or never_legal(state, decision):
            week = f"week {state.week}" if state.week else "setup"
            raise InputError(
                [plan.source.problem(loc, "plan.illegal", f"illegal in {week}: {why}")]
            )
        line, col = plan.source.where(loc)
        skips.append(Skip(state.week, decision, why, f"{plan.source.path}:{line}:{col}"))
    while not state.is_over():
        if state.phase == "setup":
            raise InputError(
                [plan.source.problem((), "plan.no-start", "the plan never starts the deal")]
            )
        state = state.apply(EndWeek())
    return state, tuple(skips)


@dataclass(frozen=True)
class Stop:
    """Where replaying a log on another version of its scenario stopped: the decision's
    index in the log (0-based), the decision, the week it fell in and the engine's reason."""

    index: int
    decision: Decision
    week: int
    reason: str


def replay_prefix(scenario: Scenario, decisions, seed: int) -> tuple[GameState, int, Stop | None]:
    """Replay `decisions` (a game's log, made on another version of `scenario`) as far as
    they stay legal: (the state after the longest legal prefix, its length, and where it
    stopped and why, or None when every decision replayed). The first refusal stops the
    replay, since every later decision was made in a game that no longer exists."""
    state = new_game(scenario, int(seed))
    for n, d in enumerate(decisions):
        if state.is_over():
            return state, n, Stop(n, d, state.week, "the deal was already decided")
        try:
            state = state.apply(d)
        except IllegalDecision as exc:
            return state, n, Stop(n, d, state.week, str(exc))
    return state, len(decisions), None
