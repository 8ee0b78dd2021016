"""Taking back a booking within the week: the hours come back and the week resolves as if
it had never been booked; past weeks cannot be taken back."""

from __future__ import annotations

import pytest

from engine.decisions import EndWeek, IllegalDecision, Run, Unbook, from_dict
from engine.loader import find_scenario
from engine.plan import parse_plan, play_plan
from scoring.scorecard import score

PLAN = "plans/northwind_new_logo.plan.yaml"


@pytest.fixture(scope="module")
def week1():
    """The example plan's game at its first week, before any booking."""
    s = find_scenario("northwind_new_logo")
    game = play_plan(s, parse_plan(PLAN))
    start = next(n for n, d in enumerate(game.history) if d.kind == "start")
    from engine.state import new_game

    state = new_game(s, game.seed)
    for d in game.history[: start + 1]:
        state = state.apply(d)
    return state


def test_unbooking_gives_the_hours_back_and_changes_nothing_else(week1):
    run = next(d for d in week1.legal_decisions() if isinstance(d, Run) and d.target)
    booked = week1.apply(run)
    assert booked.hours_left(run.member) < week1.hours_left(run.member)
    assert Unbook(run.action, run.member, run.target) in booked.legal_decisions()
    back = booked.apply(Unbook(run.action, run.member, run.target))
    assert back.hours_left(run.member) == week1.hours_left(run.member)
    a = score(back.apply(EndWeek()).trace()).expected_score
    b = score(week1.apply(EndWeek()).trace()).expected_score
    assert a.tobytes() == b.tobytes()


def test_only_this_weeks_bookings_can_be_taken_back(week1):
    run = next(d for d in week1.legal_decisions() if isinstance(d, Run) and d.target)
    with pytest.raises(IllegalDecision):
        week1.apply(Unbook(run.action, run.member, run.target))
    later = week1.apply(run).apply(EndWeek())
    with pytest.raises(IllegalDecision):
        later.apply(Unbook(run.action, run.member, run.target))


def test_unbook_round_trips_through_the_log_format():
    d = Unbook("discovery_meeting", "raj", "coo")
    assert from_dict(d.to_dict()) == d


def test_u_takes_back_and_r_repeats_last_week_in_the_app(home, fast_pilot):
    import asyncio

    from support.app import Driver, make_app, northwind_game

    session = northwind_game(weeks=1)  # week 2: week 1 had bookings
    app = make_app(session)
    week1 = [d for d in session.state.history if d.kind == "run"]

    async def go():
        async with app.run_test(size=(100, 32)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("WeekScreen")
            await d.press("r")
            await pilot.pause()
            repeated = len(session.state.runs)
            await d.press("u")
            await pilot.pause()
            return repeated, len(session.state.runs), session.state.history[-1].kind

    repeated, after, last = asyncio.run(go())
    assert 0 < repeated <= len(week1) and after == repeated - 1 and last == "unbook"
