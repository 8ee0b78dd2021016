"""The weekly report: causes from the game's own log, the same on a replay, in the app."""

from __future__ import annotations

import asyncio

import pytest
from support.app import Driver, make_app, northwind_game

from engine.loader import find_scenario
from engine.plan import parse_plan, play_plan
from engine.state import new_game
from simulator.weekreport import week_report, weeks_reported

PLAN = "plans/northwind_new_logo.plan.yaml"


@pytest.fixture(scope="module")
def game():
    return play_plan(find_scenario("northwind_new_logo"), parse_plan(PLAN))


def test_every_finished_week_has_a_report(game):
    assert weeks_reported(game) == sum(d.kind == "end_week" for d in game.history)
    for w in range(1, weeks_reported(game) + 1):
        r = week_report(game, w)
        assert r.week == w and r.stakeholders and r.headline()
    with pytest.raises(ValueError):
        week_report(game, weeks_reported(game) + 1)


def test_meetings_are_causes_and_discovery_shows_as_learning(game):
    r = week_report(game, 1)
    helen = next(x for x in r.stakeholders if x.name == "Helen Marsh")
    assert any(c.startswith("Discovery meeting") for c in helen.causes)
    assert helen.known_after > helen.known_before


def test_a_joiner_and_a_request_are_reported(game):
    by_week = {w: week_report(game, w) for w in range(1, weeks_reported(game) + 1)}
    joined = [w for w, r in by_week.items() if any(x.stance_before == "—" for x in r.stakeholders)]
    assert joined
    assert any(r.requests for r in by_week.values())
    assert any("joins the buying team" in a for r in by_week.values() for a in r.arrived)


def test_the_report_replays(game):
    again = new_game(game.scenario, game.seed)
    for d in game.history:
        again = again.apply(d)
    assert [week_report(again, w) for w in (1, 5)] == [week_report(game, w) for w in (1, 5)]


def test_w_opens_last_weeks_report_and_the_log_carries_its_headline(home, fast_pilot):
    app = make_app(northwind_game(weeks=0))

    async def go():
        async with app.run_test(size=(100, 32)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("WeekScreen")
            await d.press("w")  # nothing finished yet: a note, no dialog
            await pilot.pause()
            assert type(app.screen).__name__ == "WeekScreen"
            await d.press("e", "y")
            await pilot.pause()
            await d.press("w")
            await d.wait_screen("WeekReportModal")
            assert app.screen.report.week == 1
            await d.press("escape")
            await d.wait_screen("WeekScreen")
            lines = [str(s.text) for s in app.screen.query_one("#events").lines]
            return any("Week 1 report" in x for x in lines)

    assert asyncio.run(go())
