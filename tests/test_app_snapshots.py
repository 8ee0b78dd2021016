"""SVG snapshots of every screen at a fixed terminal size (pytest-textual-snapshot).

Games are set up headless through the session (the same decisions the player keys in),
so each snapshot only drives the keys that reach its screen. Update the snapshots
after an intended change with `pytest tests/test_app_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
from support.app import SEED, finished, make_app, northwind_game

from engine.loader import find_scenario

pytestmark = pytest.mark.usefixtures("fast_pilot")

SIZE = (100, 32)


async def quiet(pilot) -> None:
    """Let background work (the coach's replays) finish, and drop toasts so a snapshot
    never depends on how long one stayed up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
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
    assert snap_compare(make_app(northwind_game("team")), terminal_size=SIZE, run_before=quiet)


def test_staffing_80x24(home, snap_compare):
    assert snap_compare(make_app(northwind_game("team")), terminal_size=(80, 24), run_before=quiet)


def test_connections(home, snap_compare):
    async def go(pilot):
        await pilot.press("n")
        await quiet(pilot)

    assert snap_compare(make_app(northwind_game("connected")), terminal_size=SIZE, run_before=go)


def test_plan(home, snap_compare):
    async def go(pilot):
        await pilot.press("n", "n")
        await quiet(pilot)

    assert snap_compare(make_app(northwind_game("planned")), terminal_size=SIZE, run_before=go)


def test_week_view(home, snap_compare):
    assert snap_compare(make_app(northwind_game(weeks=4)), terminal_size=SIZE, run_before=quiet)


def test_week_view_80x24(home, snap_compare):
    assert snap_compare(make_app(northwind_game(weeks=4)), terminal_size=(80, 24), run_before=quiet)


def test_schedule_dialog(home, snap_compare):
    async def go(pilot):
        await pilot.press("a")
        await quiet(pilot)

    assert snap_compare(make_app(northwind_game(weeks=2)), terminal_size=SIZE, run_before=go)


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

    assert snap_compare(make_app(northwind_game(weeks=1)), terminal_size=SIZE, run_before=go)


def test_week_report(home, snap_compare):
    async def go(pilot):
        await pilot.press("w")
        await quiet(pilot)

    assert snap_compare(make_app(northwind_game(weeks=3)), terminal_size=SIZE, run_before=go)
