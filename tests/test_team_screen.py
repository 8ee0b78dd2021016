"""The team screen: rows stay put under the cursor, Home/End move, and the role dialog
opens on the role the person fits best."""

from __future__ import annotations

import asyncio

import pytest
from support.app import Driver, make_app
from textual.widgets import DataTable, OptionList

from engine.loader import find_scenario
from simulator.saves import Session

pytestmark = pytest.mark.usefixtures("fast_pilot")


def staffing(check):
    app = make_app(Session.new(find_scenario("northwind_new_logo"), 3))

    async def go():
        async with app.run_test(size=(100, 32)) as pilot:
            d = Driver(pilot)
            await d.press("enter")
            await d.wait_screen("StaffingScreen")
            return await check(d, app.screen.query_one("#roster", DataTable))

    return asyncio.run(go())


def keys(table: DataTable) -> list[str]:
    return [table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(table.row_count)]


def test_adding_and_releasing_keeps_the_rows_in_place(home):
    async def check(d, table):
        await d.press("end")
        before = keys(table)
        last = before[-1]
        await d.press("space")  # add the last person (not an internal resource, or a dialog)
        if type(d.app.screen).__name__ == "ChecklistModal":
            await d.press("a", "e")
        await d.pilot.pause()
        after_add = keys(table), table.cursor_row
        await d.press("space")
        await d.pilot.pause()
        return before, last, after_add, keys(table), d.app.session.state.staffed()

    before, last, (rows, cursor), after, staffed = staffing(check)
    assert rows == before and cursor == len(before) - 1
    assert after == before and last not in staffed


def test_home_and_end_move_the_cursor(home):
    async def check(d, table):
        await d.press("end")
        at_end = table.cursor_row
        await d.press("home")
        return at_end, table.cursor_row, table.row_count

    at_end, at_home, rows = staffing(check)
    assert at_end == rows - 1 and at_home == 0


def test_the_role_dialog_starts_on_the_best_fit(home):
    async def check(d, table):
        await d.to_row("roster", "raj")
        await d.press("space", "r")
        await d.wait_screen("ChoiceModal")
        ol = d.app.screen.query_one(OptionList)
        return ol.get_option_at_index(ol.highlighted).id

    assert staffing(check) == "solution_consultant"
