"""The tutorial in the app: the picker offers it first to a new player, the hint strip
shows the hint that holds on each screen, and a game keyed in as the hints say wins."""

from __future__ import annotations

import asyncio

import pytest
from support import tutorial as T
from support.app import Driver, make_app

from engine.loader import find_scenario
from scoring.scorecard import score
from simulator.saves import Session
from simulator.widgets.hints import HintPanel

pytestmark = pytest.mark.usefixtures("fast_pilot")

SIZE = (100, 32)


def strip(app) -> list[str]:
    """The hints on the current screen's strip ([] when it has none or it is hidden)."""
    panels = app.screen.query(HintPanel)
    return panels.first().shown if panels else []


def test_the_picker_offers_the_tutorial_first_to_a_new_player(home):
    asyncio.run(_the_picker_offers_the_tutorial_first_to_a_new_player())


async def _the_picker_offers_the_tutorial_first_to_a_new_player():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        picker = app.screen
        assert picker.scenarios[0].id == T.SCENARIO
        assert picker.query_one("#scenario-list").highlighted == 0
        detail = str(picker.query_one("#detail").render())
        assert "A guided deal" in detail


def test_a_player_with_saves_sees_the_usual_order(home):
    asyncio.run(_a_player_with_saves_sees_the_usual_order())


async def _a_player_with_saves_sees_the_usual_order():
    from engine.decisions import Staff

    saved = Session.new(find_scenario("northwind-new-logo"), 1)
    assert saved.apply(Staff("maya")) is None  # the first decision writes the save
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ids = [c.id for c in app.screen.scenarios]
        assert ids[0] != T.SCENARIO and T.SCENARIO in ids  # by difficulty, then title


def test_a_game_that_follows_the_hints_wins(home):
    asyncio.run(_a_game_that_follows_the_hints_wins())


async def _a_game_that_follows_the_hints_wins():
    app = make_app(scenario=find_scenario(T.SCENARIO), seed=T.SEED)
    async with app.run_test(size=SIZE) as pilot:
        d = Driver(pilot)
        await d.wait_screen("BriefingScreen")
        await pilot.pause()
        assert strip(app) == ["one-quarterback"]
        await d.press("enter")
        await d.wait_screen("StaffingScreen")
        await pilot.pause()
        assert strip(app) == ["one-quarterback"]
        for member, role in T.TEAM:
            await d.staff(member, role)
        assert strip(app) == ["connect-everyone"]
        await d.press("n")
        await d.wait_screen("ConnectionsScreen")
        for member, st in T.CONNECT:
            await d.connect(member, st)
        assert strip(app) == ["own-the-plan"]
        await d.press("n")
        await d.wait_screen("PlanScreen")
        for ms, owner, action, due in T.PLAN:
            await d.plan(ms, owner, action, due)
        assert strip(app) == []
        await d.press("g")
        await d.wait_screen("WeekScreen")
        while app.session.state.phase == "week":
            week = app.session.state.week
            await pilot.pause()
            if week == 1:
                assert strip(app) == ["discover-first"]
            if week == 2:
                assert strip(app) == ["connect-newcomer"]
                await d.press("c")
                await d.wait_screen("ConnectionsScreen")
                await d.connect(*T.NEWCOMER)
                await d.press("n")
                await d.wait_screen("WeekScreen")
                await pilot.pause()
                assert strip(app) == ["set-the-focus"]
                await d.press("f")
                await d.wait_screen("FocusModal")
                for dim, (key, n) in T.FOCUS_KEYS.items():
                    ed = app.screen.query_one("#focus-editor")
                    while ed.dims[ed.cursor] != dim:
                        await d.press("down")
                    await d.press(*[key] * n)
                await d.press("enter")
                await d.wait_screen("WeekScreen")
                await pilot.pause()
                assert strip(app) == []
            if week == 3:
                assert strip(app) == ["show-and-propose"]
            for action, member, target in T.WEEKS[week]:
                assert await d.schedule(action, member, target)
            await d.end_week()
        state = app.session.state
    card = score(state.trace()).game(0)
    assert card["result"] == "win"
    headless = score(T.follow_hints(T.SEED).trace()).game(0)
    assert card["result"] == headless["result"]
    assert card["expected_score"] == pytest.approx(headless["expected_score"], abs=1e-6)


# ---- snapshots: the library with the tutorial, and the tutorial's briefing ---------------


async def _quiet(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_picker_library(home, snap_compare):
    """The whole shipped library, as a new player first sees it: the tutorial on top."""
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_quiet)


def test_briefing_with_a_hint(home, snap_compare):
    app = make_app(scenario=find_scenario(T.SCENARIO), seed=T.SEED)
    assert snap_compare(app, terminal_size=SIZE, run_before=_quiet)


def test_week_with_a_hint(home, snap_compare):
    s = Session.new(find_scenario(T.SCENARIO), T.SEED)
    for decision in T.setup_decisions():
        assert s.apply(decision) is None
    from engine.decisions import EndWeek, Start

    assert s.apply(Start()) is None and s.apply(EndWeek()) is None  # week 2: Grace joins
    assert snap_compare(make_app(s), terminal_size=SIZE, run_before=_quiet)


def test_debrief_of_the_tutorial(home, snap_compare):
    """The debrief of a game that followed the hints: no hint strip once the deal is over."""
    state = T.follow_hints(T.SEED)
    s = Session.new(state.scenario, T.SEED, state=state)
    assert snap_compare(make_app(s), terminal_size=SIZE, run_before=_quiet)
