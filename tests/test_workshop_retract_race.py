"""Retracting a curveball while a team takes it: the check of the logs and the delete are
one write that locks the curveball's row, and an append that delivers a curveball finds
it still there or refuses it, so the facilitator's answer always agrees with what the
team got (on SQLite and PostgreSQL, one process or two)."""

import threading
import time

import pytest
from support.workshop import CURVEBALL, to_week

from engine.decisions import EndWeek, Inject, Shift
from engine.problems import InputError
from simulator.workshop import session as ws
from simulator.workshop.authority import Authority
from simulator.workshop.records import encode
from simulator.workshop.store import CurveballGone

RACES = 12


def _race(first, second, delay: float = 0.0):
    """Run two calls at the same moment, the second `delay` seconds later; their
    (result, error)."""
    barrier = threading.Barrier(2)
    out: list = [None, None]

    def run(i, fn):
        barrier.wait()
        if i:
            time.sleep(delay)
        try:
            out[i] = (fn(), None)
        except InputError as exc:
            out[i] = (None, exc)

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def _end_week_time(auth, code: str) -> float:
    """How long one end of week takes through the authority here (a team of its own)."""
    team = ws.join(code, "Calibration")
    n = len(to_week(team, 1).history)
    t0 = time.perf_counter()
    auth.step(code, team.team, team.passcode, n, encode(EndWeek())[1])
    return time.perf_counter() - t0


def test_a_stale_read_of_a_retracted_shift_is_not_delivered(workshop_class_each_db):
    info, _, fac = workshop_class_each_db
    alpha = ws.join(info.code, "Alpha")
    state = to_week(alpha, 1)
    fac.shift("coo", {"risk": 10})
    seen = fac.store.step_snapshot(fac.id, alpha.team_id)  # the team reads the shift ...
    assert fac.retract("shift-1")  # ... the facilitator retracts it ...
    state = alpha.step(state, EndWeek(), seen)  # ... and the team's end of week comes in
    assert not any(isinstance(d, Shift) for d in state.history)
    assert alpha.resume().history == state.history


def test_the_store_refuses_an_inject_or_shift_it_does_not_hold(workshop_class_each_db):
    info, _, fac = workshop_class_each_db
    alpha = ws.join(info.code, "Alpha")
    to_week(alpha, 1)
    n = len(alpha.log())
    for decision in (Inject(CURVEBALL), Shift("coo", {"risk": 10})):
        with pytest.raises(CurveballGone):
            fac.store.append(alpha.team_id, n, [encode(decision), encode(EndWeek())])
    assert len(alpha.log()) == n  # nothing appended


def test_a_shift_is_matched_by_its_place_and_weights(workshop_class_each_db):
    info, _, fac = workshop_class_each_db
    alpha = ws.join(info.code, "Alpha")
    state = to_week(alpha, 1)
    fac.shift("coo", {"risk": 10})
    fac.shift("coo", {"cost": 20})
    n = len(alpha.log())
    second_first = [encode(Shift("coo", {"cost": 20.0})), encode(EndWeek())]
    with pytest.raises(CurveballGone):  # the team's first shift must be the session's first
        fac.store.append(alpha.team_id, n, second_first)
    state = alpha.step(state, EndWeek())
    assert [d for d in state.history if isinstance(d, Shift)] == [
        Shift("coo", {"risk": 10.0}),
        Shift("coo", {"cost": 20.0}),
    ]
    with pytest.raises(InputError, match="Alpha"):
        fac.retract("shift-2")


def test_retract_raced_against_end_of_week_agrees_with_the_team(workshop_class_each_db):
    """Races of a retract against a team's end of week through the authority (as the
    server runs it; each side on its own database connection): whenever the retract
    says done, the team's stored log lacks the shift and the team was answered without
    it; whenever it says a team has it, that team's log holds it."""
    info, _, fac = workshop_class_each_db
    auth = Authority()
    outcomes = []
    span = _end_week_time(auth, info.code)  # the retracts start across this span
    for i in range(RACES):
        team = ws.join(info.code, f"Team {i}")
        state = to_week(team, 1)
        weights = {"risk": float(i + 1)}
        fac.shift("coo", weights)
        key = fac.curveballs()[-1]["key"]
        n = len(state.history)

        def end_week(t=team, n=n):
            return auth.step(info.code, t.team, t.passcode, n, encode(EndWeek())[1])

        player, retract = _race(end_week, lambda k=key: fac.retract(k), span * i / RACES)
        answer, err = player
        assert err is None, err
        stored = [encode(d)[1] for d in team.resume().history]
        assert stored[len(state.history) :] == answer["decisions"]
        got = encode(Shift("coo", weights))[1] in answer["decisions"]
        name, refusal = retract
        if refusal is None:
            assert name and not got, "told retracted, yet the team got it"
        else:
            assert got and team.team in str(refusal), refusal
        outcomes.append(refusal is None)
    print(f"retracted first in {sum(outcomes)} of {len(outcomes)} races")


def test_a_retracted_event_raced_against_end_of_week(workshop_class_each_db):
    """The same race for a scenario curveball, until a team takes it (it cannot be
    injected again then)."""
    info, _, fac = workshop_class_each_db
    for i in range(RACES):
        team = ws.join(info.code, f"Team {i}")
        state = to_week(team, 1)
        fac.inject(CURVEBALL)
        player, retract = _race(
            lambda t=team, s=state: t.step(s, EndWeek()), lambda: fac.retract(CURVEBALL)
        )
        got, err = player
        assert err is None, err
        assert team.resume().history == got.history
        name, refusal = retract
        if refusal is None:
            assert Inject(CURVEBALL) not in got.history
        else:
            assert Inject(CURVEBALL) in got.history and team.team in str(refusal)
            break
