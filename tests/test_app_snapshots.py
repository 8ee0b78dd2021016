"""SVG snapshots of every screen at a fixed terminal size (pytest-textual-snapshot).

Games are set up headless through the session (the same decisions the player keys in),
so each snapshot only drives the keys that reach its screen. Update the snapshots
after an intended change with `pytest tests/test_app_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
from test_app_pilot import (
    NORTHWIND_CONNECT,
    NORTHWIND_PLAN,
    NORTHWIND_TEAM,
    NORTHWIND_WEEKS,
    fast_pilot,
)

from engine.decisions import Assign, Connect, EndWeek, Focus, Plan, Run, Staff, Start
from engine.loader import find_scenario
from simulator.app import DealcraftApp
from simulator.saves import Session

SIZE = (100, 32)
SEED = 11


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path))
    fast_pilot(monkeypatch)
    return tmp_path


def make_app(session: Session | None = None, **kw) -> DealcraftApp:
    app = DealcraftApp(session=session, **kw)
    app.animation_level = "none"
    return app


def northwind(setup: str = "all", weeks: int = 0) -> Session:
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
    s = northwind(weeks=0)
    while not s.state.is_over():
        for action, member, target in NORTHWIND_WEEKS.get(s.state.week, []):
            s.apply(Run(action, member, target))
        s.apply(EndWeek())
    return s


async def quiet(pilot) -> None:
    """Drop toasts so a snapshot never depends on how long one stayed up."""
    pilot.app.clear_notifications()
    await pilot.pause()


def test_picker(home, snap_compare, monkeypatch, tmp_path):
    import shutil

    import simulator.screens.picker as picker

    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(find_scenario("northwind_new_logo").source, library)
    monkeypatch.setattr(picker, "builtin_folder", lambda: library)  # new scenarios: no churn
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=quiet)


def test_briefing(home, snap_compare):
    app = make_app(scenario=find_scenario("northwind_new_logo"), seed=SEED)
    assert snap_compare(app, terminal_size=SIZE, run_before=quiet)


def test_staffing(home, snap_compare):
    assert snap_compare(make_app(northwind("team")), terminal_size=SIZE, run_before=quiet)


def test_staffing_80x24(home, snap_compare):
    assert snap_compare(make_app(northwind("team")), terminal_size=(80, 24), run_before=quiet)


def test_connections(home, snap_compare):
    async def go(pilot):
        await pilot.press("n")
        await quiet(pilot)

    assert snap_compare(make_app(northwind("connected")), terminal_size=SIZE, run_before=go)


def test_plan(home, snap_compare):
    async def go(pilot):
        await pilot.press("n", "n")
        await quiet(pilot)

    assert snap_compare(make_app(northwind("planned")), terminal_size=SIZE, run_before=go)


def test_week_view(home, snap_compare):
    assert snap_compare(make_app(northwind(weeks=4)), terminal_size=SIZE, run_before=quiet)


def test_week_view_80x24(home, snap_compare):
    assert snap_compare(make_app(northwind(weeks=4)), terminal_size=(80, 24), run_before=quiet)


def test_schedule_dialog(home, snap_compare):
    async def go(pilot):
        await pilot.press("a")
        await quiet(pilot)

    assert snap_compare(make_app(northwind(weeks=2)), terminal_size=SIZE, run_before=go)


def test_debrief(home, snap_compare):
    assert snap_compare(make_app(finished()), terminal_size=SIZE, run_before=quiet)


def test_debrief_explain(home, snap_compare):
    async def go(pilot):
        await pilot.press("down", "down", "enter")
        await quiet(pilot)

    assert snap_compare(make_app(finished()), terminal_size=SIZE, run_before=go)


def test_help(home, snap_compare):
    async def go(pilot):
        await pilot.press("f1")
        await quiet(pilot)

    assert snap_compare(make_app(northwind(weeks=1)), terminal_size=SIZE, run_before=go)
