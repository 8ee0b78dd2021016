"""Play a whole shipped scenario through the UI with Textual's Pilot, then check the score
equals a headless replay of the save (the decision log), bit for bit.

The `Driver` here moves cursors with keys exactly as a player would; other UI tests
import it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from textual.widgets import DataTable, OptionList

from engine.loader import find_scenario
from engine.log import GameLog
from scoring.scorecard import score
from simulator.app import DealcraftApp

SIZE = (100, 32)

# One sensible plan for Northwind, as the player would key it in.
NORTHWIND_TEAM = [
    ("maya", "quarterback"),
    ("raj", "solution_consultant"),
    ("ben", "delivery_lead"),
]
NORTHWIND_CONNECT = [
    ("maya", "coo"),
    ("maya", "procurement"),
    ("raj", "it_architect"),
    ("ben", "ops_manager"),
    ("raj", "analyst"),
]
NORTHWIND_PLAN = [
    ("discovery_complete", "maya", "discovery_meeting", 2),
    ("solution_validated", "raj", "demo", 5),
    ("business_case", "ben", "rollout_plan", 7),
    ("contract", "maya", "negotiation", 10),
]
NORTHWIND_FOCUS = {"speed": 3, "risk": 1}  # key presses to the right per dimension
NORTHWIND_WEEKS = {
    1: [("discovery_meeting", "maya", "coo"), ("discovery_meeting", "raj", "it_architect")],
    2: [("discovery_meeting", "maya", "procurement"), ("demo", "raj", "it_architect")],
    3: [("account_review", "maya", None), ("demo", "raj", "ops_manager")],
    4: [("exec_briefing", "maya", "coo"), ("rollout_plan", "ben", "it_architect")],
    5: [("proof_of_concept", "raj", "it_architect"), ("reference_call", "maya", "coo")],
    6: [("rollout_plan", "ben", "ops_manager"), ("proposal", "maya", "coo")],
    7: [("exec_briefing", "maya", "coo"), ("demo", "raj", "it_architect")],
    8: [("proposal", "maya", "procurement"), ("rollout_plan", "ben", "coo")],
    9: [("negotiation", "maya", "coo"), ("reference_call", "maya", "procurement")],
    10: [("negotiation", "maya", "coo"), ("negotiation", "maya", "procurement")],
}


class Driver:
    """Keys for the common moves, computed from what is on screen."""

    def __init__(self, pilot):
        self.pilot = pilot
        self.app: DealcraftApp = pilot.app

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)

    async def wait_screen(self, name: str, tries: int = 50) -> None:
        for _ in range(tries):
            if type(self.app.screen).__name__ == name:
                return
            await self.pilot.pause(0.02)
        raise AssertionError(f"expected {name}, on {type(self.app.screen).__name__}")

    async def to_row(self, table: str, key: str) -> None:
        t = self.app.screen.query_one(f"#{table}", DataTable)
        if not t.has_focus:
            t.focus()
            await self.pilot.pause()
        target = t.get_row_index(key)
        if abs(target - t.cursor_row) > 1:  # a long way: jump next to it, as a click would
            t.move_cursor(row=target - 1 if target > t.cursor_row else target + 1)
        step = "down" if target > t.cursor_row else "up"
        await self.press(*[step] * abs(target - t.cursor_row))
        assert t.cursor_row == target

    async def to_cell(self, table: str, row: str, column: str) -> None:
        t = self.app.screen.query_one(f"#{table}", DataTable)
        await self.to_row(table, row)
        target = t.get_column_index(column)
        step = "right" if target > t.cursor_column else "left"
        await self.press(*[step] * abs(target - t.cursor_column))
        assert t.cursor_column == target

    async def pick(self, ol: OptionList, option_id: str) -> bool:
        """Highlight `option_id` with home/down and press enter; False if it is disabled."""
        ids = [ol.get_option_at_index(n) for n in range(ol.option_count)]
        opt = next((o for o in ids if o.id == option_id), None)
        if opt is None or opt.disabled:
            return False
        if not ol.has_focus:
            ol.focus()
            await self.pilot.pause()
        index = ids.index(opt)
        if ol.highlighted != index:
            ol.highlighted = index  # as a click or arrow keys would
        assert ol.get_option_at_index(ol.highlighted).id == option_id
        await self.press("enter")
        return True

    async def lists(self, *choices: str) -> bool:
        """Answer a ListsModal (plan, schedule) one list after another."""
        modal = self.app.screen
        for n, choice in enumerate(choices):
            if not await self.pick(modal.query_one(f"#list{n}", OptionList), choice):
                await self.press("escape")
                return False
        return True

    # ---- setup ------------------------------------------------------------------------------

    async def staff(self, member: str, role: str) -> None:
        await self.to_row("roster", member)
        await self.press("space")
        if type(self.app.screen).__name__ == "ChecklistModal":
            await self.press("ctrl+j")
        await self.to_row("roster", member)
        await self.press("r")
        await self.wait_screen("ChoiceModal")
        assert await self.pick(self.app.screen.query_one(OptionList), role)
        await self.wait_screen("StaffingScreen")

    async def connect(self, member: str, stakeholder: str) -> None:
        await self.to_cell("conn-map", member, stakeholder)
        await self.press("space")

    async def plan(self, milestone: str, owner: str, action: str, due: int) -> None:
        await self.to_row("milestones", milestone)
        await self.press("enter")
        await self.wait_screen("PlanModal")
        assert await self.lists(owner, action, str(due))
        await self.wait_screen("PlanScreen")

    async def focus(self, nudges: dict[str, int]) -> None:
        ed = self.app.screen.query_one("#focus-editor")
        ed.focus()
        await self.pilot.pause()
        for dim, n in nudges.items():
            while ed.dims[ed.cursor] != dim:
                await self.press("down")
            await self.press(*["right"] * n)
        await self.press("f")

    async def schedule(self, action: str, member: str, target: str | None) -> bool:
        await self.press("a")
        await self.wait_screen("ScheduleModal")
        ok = await self.lists(action, member, target or "-")
        await self.wait_screen("WeekScreen")
        return ok

    async def end_week(self) -> None:
        await self.press("e")
        await self.wait_screen("ConfirmModal")
        await self.press("y")
        await self.pilot.pause()


async def play_northwind_setup(d: Driver) -> None:
    """From the briefing to the start of week 1."""
    await d.wait_screen("BriefingScreen")
    await d.press("enter")
    await d.wait_screen("StaffingScreen")
    for member, role in NORTHWIND_TEAM:
        await d.staff(member, role)
    await d.press("n")
    await d.wait_screen("ConnectionsScreen")
    for member, st in NORTHWIND_CONNECT:
        await d.connect(member, st)
    await d.press("n")
    await d.wait_screen("PlanScreen")
    await d.focus(NORTHWIND_FOCUS)
    for ms, owner, action, due in NORTHWIND_PLAN:
        await d.plan(ms, owner, action, due)
    await d.press("g")
    await d.wait_screen("WeekScreen")


async def play_weeks(d: Driver, weeks: dict, upto: int | None = None) -> None:
    while d.app.session.state.phase == "week":
        week = d.app.session.state.week
        if upto is not None and week > upto:
            return
        for action, member, target in weeks.get(week, []):
            await d.schedule(action, member, target)
        await d.end_week()


def headless_score(save: Path) -> tuple:
    log = GameLog.load(save)
    scenario = find_scenario(log.scenario_id)
    return log, score(log.replay(scenario).trace())


def fast_pilot(monkeypatch) -> None:
    """Pilot waits for 'idle' in 20 ms slices after every key; 2 ms keeps tests quick."""
    import textual._wait

    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 0.002)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", 0.0005)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    fast_pilot(monkeypatch)
    return tmp_path


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
