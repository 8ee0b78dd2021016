"""The follow-through checklist starts empty, Space ticks, `a` ticks all and `e` enrols
(a key that reaches the app under tmux, unlike Ctrl+Enter)."""

from __future__ import annotations

import asyncio

import pytest
from support.app import Driver, make_app
from textual.widgets import Checkbox

from engine.loader import find_scenario
from simulator.saves import Session

pytestmark = pytest.mark.usefixtures("fast_pilot")


def enrol(keys: tuple[str, ...]) -> tuple[tuple[bool, ...], object]:
    """Open Greta's checklist, press `keys`; (the boxes on opening, her Staff decision)."""
    session = Session.new(find_scenario("northwind_new_logo"), 3)
    app = make_app(session)

    async def go():
        async with app.run_test(size=(100, 32)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("BriefingScreen")
            await d.press("enter")
            await d.wait_screen("StaffingScreen")
            await d.to_row("roster", "greta")
            await d.press("space")
            await d.wait_screen("ChecklistModal")
            opened = tuple(b.value for b in app.screen.query(Checkbox))
            await d.press(*keys)
            await d.wait_screen("StaffingScreen")
            return opened, next(x for x in session.state.history if x.kind == "staff")

    return asyncio.run(go())


def test_every_item_starts_unticked_and_space_ticks(home):
    opened, staff = enrol(("space", "e"))
    assert opened and not any(opened)
    assert staff.member == "greta" and len(staff.checklist) == 1


def test_a_ticks_them_all(home):
    _, staff = enrol(("a", "e"))
    assert set(staff.checklist) == {"priorities", "commitment", "followup", "contingency"}


def test_enrolling_with_nothing_ticked_skips_the_checklist(home):
    _, staff = enrol(("e",))
    assert staff.checklist == ()
