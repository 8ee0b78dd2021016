"""What the UI tests share: one Northwind plan as the player keys it in, a `Driver` that
keys it through Textual's Pilot the way a player would, and Northwind games set up
headless through the session (the same decisions) for tests that start mid-game.

Test modules import from here (`from support.app import ...`; `tests/` is on
pytest's `pythonpath`), never from each other.
"""

from __future__ import annotations

from textual.widgets import DataTable, OptionList

from engine.decisions import Assign, Connect, EndWeek, Focus, Plan, Run, Staff, Start
from engine.loader import find_scenario
from simulator.app import DealcraftApp
from simulator.saves import Session

SEED = 11  # the seed of the headless Northwind games below

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
            await self.press("a", "e")
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


# ---- Northwind games set up headless, for tests that start on a later screen ---------------


def make_app(session: Session | None = None, **kw) -> DealcraftApp:
    """The app with animations off, so what is on screen never depends on timing."""
    app = DealcraftApp(session=session, **kw)
    app.animation_level = "none"
    return app


def northwind_game(setup: str = "all", weeks: int = 0) -> Session:
    """A Northwind game staffed (and connected and planned) as in the pilot test, played
    `weeks` weeks."""
    s = Session.new(find_scenario("northwind_new_logo"), SEED)
    for member, role in NORTHWIND_TEAM:
        assert s.apply(Staff(member)) is None
        assert s.apply(Assign(member, role)) is None
    if setup == "team":
        return s
    for member, st in NORTHWIND_CONNECT:
        assert s.apply(Connect(member, st)) is None
    if setup == "connected":
        return s
    assert s.apply(Focus({"cost": 20, "risk": 25, "speed": 40, "innovation": 15})) is None
    for ms, owner, action, due in NORTHWIND_PLAN:
        assert s.apply(Plan(ms, owner, action, due)) is None
    if setup == "planned":
        return s
    assert s.apply(Start()) is None
    for week in range(1, weeks + 1):
        for action, member, target in NORTHWIND_WEEKS.get(week, []):
            s.apply(Run(action, member, target))
        assert s.apply(EndWeek()) is None
    return s


def finished() -> Session:
    """A Northwind game played to the end with `NORTHWIND_WEEKS`."""
    s = northwind_game(weeks=0)
    while not s.state.is_over():
        for action, member, target in NORTHWIND_WEEKS.get(s.state.week, []):
            s.apply(Run(action, member, target))
        s.apply(EndWeek())
    return s
