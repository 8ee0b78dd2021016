"""Feedback during the weeks (issue 13, row 15): a request banner goes once the team has
met the request, names the person in full, and every morale change has a reason."""

from __future__ import annotations

import asyncio

import pytest
from support.app import make_app
from textual.widgets import Static

from engine.decisions import Connect
from engine.loader import find_scenario
from engine.plan import parse_plan, play_plan
from simulator.labels import compact_name, first_name
from simulator.saves import Session
from simulator.weekreport import week_report

pytestmark = pytest.mark.usefixtures("fast_pilot")
PLAN = "plans/harbor_cross_sell.plan.yaml"


def test_titled_names_keep_their_surname():
    assert first_name("Dr. Alan Ferris") == "Dr. Ferris"
    assert compact_name("Dr. Alan Ferris") == "Dr. Ferris"
    assert first_name("Mei Tanaka") == "Mei" and compact_name("Mei Tanaka") == "Mei T."


def test_the_request_banner_clears_once_the_request_is_met(home):
    s = find_scenario("harbor_cross_sell")
    plan = parse_plan(PLAN)
    state = play_plan(s, plan, until=4)
    session = Session.new(s, state.seed, save=False, state=state)
    app = make_app(session)

    async def go():
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            before = str(app.screen.query_one("#week-status", Static).render())
            assert app.apply_decision(Connect("mei", "model_risk")) is None
            await pilot.pause()
            return before, str(app.screen.query_one("#week-status", Static).render())

    before, after = asyncio.run(go())
    assert "Request: Dr. Alan Ferris wants" in before
    assert "Dr. Alan Ferris" not in after and "Request:" not in after


def test_every_morale_change_says_why():
    s = find_scenario("harbor_cross_sell")
    state = play_plan(s, parse_plan(PLAN))
    moved = 0
    for week in range(1, state.week + 1):
        r = week_report(state, week)
        if round(r.morale_after * 100) != round(r.morale_before * 100):
            moved += 1
            assert r.morale_causes, f"week {week}: morale moved with no reason given"
            assert r.morale_causes[0] in r.headline()
    assert moved
