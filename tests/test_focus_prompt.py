"""Setting the focus never leaves a phantom draft: no "Draft changed" right after `f`, and
so no second, accidental audible."""

from __future__ import annotations

import asyncio

import pytest
from support.app import Driver, make_app, northwind_game

pytestmark = pytest.mark.usefixtures("fast_pilot")


def status(app) -> str:
    return str(app.screen.query_one("#focus-status").render())


def test_after_an_audible_the_plan_shows_the_focus_set(home):
    session = northwind_game(weeks=1)
    app = make_app(session)

    async def go():
        async with app.run_test(size=(100, 32)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("WeekScreen")
            await d.press("f")
            await d.wait_screen("FocusModal")
            await d.press("down", "right", "right", "f")
            await d.wait_screen("WeekScreen")
            audibles = sum(x.kind == "focus" for x in session.state.history)
            await d.press("p")
            await d.wait_screen("PlanScreen")
            shown = status(app)
            await d.press("f")  # nothing changed: no new decision
            await pilot.pause()
            return shown, audibles, sum(x.kind == "focus" for x in session.state.history)

    shown, before, after = asyncio.run(go())
    assert "Draft changed" not in shown
    assert after == before


def test_at_setup_the_first_f_leaves_no_draft(home):
    session = northwind_game("connected")
    app = make_app(session)

    async def go():
        async with app.run_test(size=(100, 32)) as pilot:
            d = Driver(pilot)
            await d.press("n", "n")
            await d.wait_screen("PlanScreen")
            await d.press("right", "right", "down", "left", "f")
            await pilot.pause()
            return status(app)

    assert "Draft changed" not in asyncio.run(go())
