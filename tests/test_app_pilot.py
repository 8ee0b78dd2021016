"""Play a whole shipped scenario through the UI with Textual's Pilot, then check the score
equals a headless replay of the save (the decision log), bit for bit.

The `Driver` (tests/support/app.py) moves cursors with keys exactly as a player would.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from support.app import (
    NORTHWIND_CONNECT,
    NORTHWIND_TEAM,
    NORTHWIND_WEEKS,
    Driver,
    play_northwind_setup,
    play_weeks,
)

from engine.loader import find_scenario
from engine.log import GameLog
from scoring.scorecard import score
from simulator.app import DealcraftApp

pytestmark = pytest.mark.usefixtures("fast_pilot")

SIZE = (100, 32)


def headless_score(save: Path) -> tuple:
    log = GameLog.load(save)
    scenario = find_scenario(log.scenario_id)
    return log, score(log.replay(scenario).trace())


@pytest.mark.slow
def test_full_game_through_the_ui_scores_like_headless_replay(home):
    scenario = find_scenario("northwind_new_logo")

    async def run():
        app = DealcraftApp(scenario=scenario, seed=11)
        async with app.run_test(size=SIZE) as pilot:
            d = Driver(pilot)
            await play_northwind_setup(d)
            state = app.session.state
            assert [m for m, _ in NORTHWIND_TEAM] == sorted(
                state.staffed(), key=[m for m, _ in NORTHWIND_TEAM].index
            )
            assert state.role_of("maya") == "quarterback"
            assert len(state.connections()) == len(NORTHWIND_CONNECT)
            await play_weeks(d, NORTHWIND_WEEKS)
            await d.wait_screen("DebriefScreen")
            return app.session

    session = asyncio.run(run())
    state = session.state
    assert state.is_over()
    runs = [d for d in state.history if d.kind == "run"]
    assert len(runs) >= 15  # most of the scheduled actions went through the modal
    ui = score(state.trace())
    log, headless = headless_score(session.path)
    assert log.decisions == state.history
    assert ui.game(0) == headless.game(0)
    for field in ("score", "expected_score", "alignment", "internal", "external"):
        assert np.array_equal(getattr(ui, field), getattr(headless, field))


def test_illegal_move_shows_reason_and_changes_nothing(home):
    scenario = find_scenario("northwind_new_logo")

    async def run():
        app = DealcraftApp(scenario=scenario, seed=3)
        async with app.run_test(size=SIZE) as pilot:
            d = Driver(pilot)
            await d.press("enter")
            await d.wait_screen("StaffingScreen")
            await d.to_row("roster", "maya")
            await d.press("r")  # a role for someone not on the team
            before = app.session.state.history
            await d.press("n", "n", "g")  # start with nobody staffed: illegal
            await d.wait_screen("PlanScreen")
            assert app.session.state.history == before
            assert app.session.state.phase == "setup"
            messages = [n.message for n in app._notifications]
            assert any("not on the team" in m for m in messages)
            assert any("staff at least one member" in m for m in messages)

    asyncio.run(run())
