"""The roster at 80x24 fits without scrolling sideways for every shipped deal: the skills
go by three-letter codes and the highlighted person's detail line names them in full."""

from __future__ import annotations

import asyncio

import pytest
from support.app import Driver, make_app
from textual.widgets import DataTable

from engine.loader import load_scenario
from simulator.saves import Session
from simulator.screens.picker import builtin_folder, files_in
from simulator.screens.staffing import skill_codes

pytestmark = pytest.mark.usefixtures("fast_pilot")

SHIPPED = files_in(builtin_folder())


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_roster_fits_80_columns_and_names_the_skills_on_focus(home, path):
    scenario = load_scenario(path)
    app = make_app(Session.new(scenario, 1, save=False))

    async def go():
        async with app.run_test(size=(80, 24)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("BriefingScreen")
            await d.press("enter")
            await d.wait_screen("StaffingScreen")
            await pilot.pause()
            t = app.screen.query_one("#roster", DataTable)
            widths = (t.virtual_size.width, t.scrollable_content_region.width)
            headers = [str(c.label) for c in t.columns.values()]
            await d.press("down")
            await pilot.pause()
            detail = str(app.screen.query_one("#member-detail").render())
            await pilot.resize_terminal(120, 36)
            for _ in range(20):
                await pilot.pause(0.02)
            wide = [str(c.label) for c in t.columns.values()]
            return widths, headers, detail, wide

    (virtual, room), headers, detail, wide = asyncio.run(go())
    assert virtual <= room, "the roster scrolls sideways at 80 columns"
    codes = skill_codes([k.id for k in scenario.skills])
    assert headers[-len(codes) :] == codes and len(set(codes)) == len(codes)
    for skill in scenario.skills:  # the full names, for the highlighted person
        assert skill.name in " ".join(detail.split())
    assert "Weeks" in wide and "Weeks" not in headers  # back in full at 120 columns
