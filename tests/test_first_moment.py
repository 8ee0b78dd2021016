"""Every screen works from the first moment of a game: a debrief before week 1 has been
played says so instead of failing (issue 11's first row)."""

from __future__ import annotations

import asyncio

import pytest
from support.app import make_app, northwind_game

from engine.loader import find_scenario
from engine.state import new_game
from scoring.debrief import NOT_YET, debrief

pytestmark = pytest.mark.usefixtures("home", "fast_pilot")


@pytest.mark.parametrize("setup", ["none", "team", "planned", "week 1"])
def test_a_debrief_before_any_week_is_played(setup):
    s = find_scenario("northwind-new-logo")
    state = new_game(s, 1) if setup == "none" else None
    if state is None:
        session = northwind_game("all" if setup == "week 1" else setup, weeks=0)
        state = session.state
    d = debrief(state.trace())
    assert d["gains"] == d["losses"] == d["advice"] == []
    assert {r["reason"] for r in d["rows"]} == {NOT_YET}


@pytest.mark.parametrize("setup", ["team", "week 1"])
def test_opening_the_debrief_early_keeps_the_app_running(setup):
    async def run():
        app = make_app(session=northwind_game("all" if setup == "week 1" else setup, weeks=0))
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            app.action_debrief()
            await pilot.pause()
            assert type(app.screen).__name__ == "DebriefScreen"
            await pilot.press("enter", "escape")
            await pilot.pause()
            assert app.is_running

    asyncio.run(run())


def test_play_exits_with_the_apps_return_code(monkeypatch):
    """A crash inside the TUI (Textual sets return code 1) is not reported as success."""
    from simulator import app as app_module
    from simulator.cli import main

    monkeypatch.setattr(app_module.DealcraftApp, "run", lambda self, **kw: self.exit(None, 1))
    assert main(["play", "northwind-new-logo", "--seed", "1"]) == 1
    monkeypatch.setattr(app_module.DealcraftApp, "run", lambda self, **kw: None)
    assert main(["play", "northwind-new-logo", "--seed", "1"]) == 0


def test_a_dialog_survives_the_window_shrinking_to_one_column():
    """The schedule dialog's option list crashed in Rich when the window became 1 column."""

    async def run():
        app = make_app(northwind_game(weeks=2))
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            await pilot.press("a")  # the schedule dialog
            await pilot.pause()
            for size in [(1, 8), (1, 1), (2, 3), (20, 8), (100, 32)]:
                await pilot.resize_terminal(*size)
                await pilot.pause()
            assert app.is_running and app.return_code is None

    asyncio.run(run())


def test_a_non_round_focus_reads_as_set_not_as_a_draft_change():
    """25/25/35/25 is not whole percentages: the editor used to round it and then report
    'Draft changed', and `g` wrote a second, slightly different focus (an audible)."""
    from engine.decisions import Focus
    from simulator.widgets.focus import FocusEditor

    session = northwind_game("planned")
    assert session.apply(Focus({"cost": 25, "risk": 25, "speed": 35, "innovation": 25})) is None
    draft = FocusEditor(session.state).weights()
    current = session.state.focus()
    total = sum(draft.values())
    assert all(abs(draft[d] / total - current[d]) < 1e-9 for d in current)
