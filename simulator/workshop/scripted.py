"""Scripted teams (headless plans and bots): their whole log is a function of their
source and the session's curveballs; the store holds the part pacing allows so far."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from engine.decisions import (
    Decision,
    EndWeek,
    IllegalDecision,
    Inject,
    Shift,
    Start,
)
from engine.model import Scenario
from engine.problems import InputError
from engine.state import GameState, new_game
from simulator.workshop.curveballs import Due
from simulator.workshop.records import decode, encode, refuse
from simulator.workshop.store import CurveballGone, LogConflict, Store


class _Scripted:
    """Plays a scripted game: inserts the session's curveballs and stops where pacing says."""

    def __init__(self, scenario: Scenario, seed: int, injects: Due, may_end):
        self.state = new_game(scenario, seed)
        self.injects = {
            w: [Inject(d) if isinstance(d, str) else d for d in ds] for w, ds in injects.items()
        }
        self.session_curveballs = {d for ds in self.injects.values() for d in ds}
        self.delivered: set[int] = set()
        self.may_end = may_end
        self.stopped = False

    def boundary(self, d: Decision) -> bool:
        """Before a Start/EndWeek: add the curveballs due now; False when pacing stops here."""
        if not isinstance(d, Start | EndWeek):
            return True
        week = self.state.week
        if week not in self.delivered:
            self.delivered.add(week)
            for cb in self.injects.get(week, []):
                if isinstance(cb, Shift) or self.state.why_illegal(cb) is None:
                    self.state = self.state.apply(cb)
        if not self.may_end(week):
            self.stopped = True
            return False
        return True


def play_script(
    scenario: Scenario,
    seed: int,
    decisions: Iterable[Decision],
    injects: Due,
    may_end: Callable[[int], bool] = lambda w: True,
    where: str = "plan",
    close: bool = False,
    at: Sequence[tuple[int, int]] = (),
) -> GameState:
    """Replay a list of decisions with the session's curveballs, as far as pacing allows;
    with `close`, then end the weeks left with no actions (a plan played by the server
    for a player's client, which has no seed to play it with: engine.plan's close).

    Curveballs in `decisions` are the facilitator's: one the session has (a stored
    workshop log replayed) is skipped, since the session delivers it at its own week;
    any other is refused. Refusals name the week, never the seed (players read them),
    and the line and column `at` gives for the decision (a plan file's), if any.
    """
    run = _Scripted(scenario, seed, injects, may_end)
    for n, d in enumerate(decisions):
        if isinstance(d, Inject | Shift):
            if d in run.session_curveballs:
                continue
            raise refuse(
                where,
                f"decision {n + 1} ({d.kind}): curveballs and priority shifts come from the "
                "facilitator; remove it to submit this game to a workshop",
            )
        if not run.boundary(d):
            break
        try:
            run.state = run.state.apply(d)
        except IllegalDecision as exc:
            line, col = at[n] if n < len(at) else (1, 1)
            raise InputError.at(
                where,
                "workshop.session",
                f"decision {n + 1} ({d.kind}) is illegal in this session's game "
                f"(week {run.state.week}): {exc}",
                line,
                col,
            ) from None
        if run.state.is_over():
            return run.state
    if close and not run.stopped:
        if run.state.phase == "setup":
            raise refuse(where, "the plan never starts the deal", code="plan.no-start")
        while not run.state.is_over() and run.boundary(EndWeek()):
            run.state = run.state.apply(EndWeek())
    return run.state


def play_bot(
    scenario: Scenario,
    seed: int,
    policy_name: str,
    injects: Due,
    may_end: Callable[[int], bool] = lambda w: True,
) -> GameState:
    """A bot's game in the session, as far as pacing allows.

    Without curveballs this is engine.batch.simulate + BatchResult.decisions(0). With
    them the bot is stepped week by week through the single-game State (the same
    policy on a batch of one), so it sees each curveball when it arrives and reacts.
    """
    from engine.batch import BatchResult, simulate
    from engine.bots import make_policy
    from engine.compiled import compile_scenario

    if not injects:
        result = simulate(scenario, [seed], make_policy(policy_name, seed))
        return play_script(scenario, seed, result.decisions(0), {}, may_end, "bot")
    c = compile_scenario(scenario)
    policy = make_policy(policy_name, seed)
    run = _Scripted(scenario, seed, injects, may_end)
    setup = policy.setup(c, run.state.batch)
    base = BatchResult(c, run.state.batch, setup, []).decisions(0)

    def play(ds: list[Decision]) -> bool:
        for d in ds:
            if not run.boundary(d):
                return False
            if run.state.why_illegal(d) is None:  # a curveball may have made a step illegal
                run.state = run.state.apply(d)
        return True

    if not play(base):
        return run.state
    while not run.state.is_over():
        wk = policy.week(c, run.state.batch)
        week = BatchResult(c, run.state.batch, setup, [wk]).decisions(0)[len(base) :]
        if not play(week):
            break
    return run.state


def catch_up(scenario: Scenario, seed: int, injects: Due, stored: list[str]) -> Due | None:
    """The curveballs as they reach a team that has already played `stored`: one it has
    not received, injected after a week it has passed, arrives at its current week (as
    for a live player). None when the stored game is already over."""
    if not stored:
        return injects
    state = new_game(scenario, seed)
    for body in stored:
        state = state.apply(decode(body))
    if state.is_over():
        return None
    got = [d for d in state.history if isinstance(d, Inject | Shift)]
    out: Due = {}
    for week, ds in sorted(injects.items()):
        for d in ds:
            cb = Inject(d) if isinstance(d, str) else d
            if cb in got:
                got.remove(cb)
                out.setdefault(week, []).append(d)
            else:
                out.setdefault(max(week, state.week), []).append(d)
    return out


def sync_log(store: Store, team: dict, state: GameState, where: str) -> int:
    """Append what `state` adds to the team's stored log; the number appended."""
    stored = store.log(team["id"])
    want = [encode(d) for d in state.history]
    if [b for _, b in want[: len(stored)]] != stored:
        raise refuse(
            where,
            f"team '{team['name']}' already has a different game in this session; "
            "pick another team name",
        )
    rest = want[len(stored) :]
    try:
        store.append(team["id"], len(stored), rest)
    except (LogConflict, CurveballGone):
        raise refuse(where, f"team '{team['name']}' was updated meanwhile; try again") from None
    return len(rest)
