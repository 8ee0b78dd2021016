"""The facilitator's board holds at 80x24: the pacing badges stay whole, the side panel
folds away, the notes take the side column instead of covering the leaderboard, the
recap scrolls, and the key columns fit. SVG snapshots at 80x24 and 120x36
(`--snapshot-update` to re-record after an intended change)."""

import asyncio

import pytest
from support.workshop import steps
from textual.widgets import DataTable, Static

from engine.decisions import EndWeek
from simulator.workshop import facilitator as facmod
from simulator.workshop import session as ws
from simulator.workshop.board import BoardApp

KEY_COLUMNS = ("#", "Team", "Week", "Align", "Win", "Expected", "Trend")


@pytest.fixture
def fac(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path))
    monkeypatch.setattr(facmod, "new_code", lambda: "BRD234")  # the snapshot shows the code
    info, key = ws.create_session("northwind-new-logo", name="Layout class", seed=2)
    fac = ws.facilitate(info.code, key)
    plan = steps()
    fac.inject("peak_brought_forward", week=2)
    for name, week in (("Alpha", 5), ("Blue Ocean Partners Intl", 4), ("Gamma", 3)):
        team = ws.join(info.code, name)
        state = team.resume()
        for d in plan:
            if state.week >= week or state.is_over():
                break
            state = team.step(state, d)
        if name == "Alpha":
            fac.shift("cfo", {"cost": 100})
            state = team.step(state, EndWeek())
    fac.hold(5)
    fac.pause()
    return fac


async def settle(pilot, rounds=3):
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def run(fac, size, script):
    async def go():
        app = BoardApp(fac, interval=60)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await script(app, pilot)

    asyncio.run(go())


def visible_columns(app) -> list[str]:
    """The leaderboard columns that fit inside the table without scrolling."""
    table = app.query_one("#leaderboard", DataTable)
    room, used, out = table.scrollable_content_region.width, 0, []
    for col in table.ordered_columns:
        used += col.get_render_width(table)
        if used > room:
            break
        out.append(str(col.label))
    return out


def test_80x24_keeps_the_badges_and_the_key_columns(fac):
    async def script(app, pilot):
        badges = app.query_one("#badges", Static)
        text = str(badges.render())
        assert "PAUSED" in text and "HOLD at week 5" in text
        assert badges.region.right <= 80 and badges.region.width >= len(text.rstrip())
        assert not app.query_one("#side").display  # folded at this width
        assert set(KEY_COLUMNS) <= set(visible_columns(app))
        await pilot.press("d")  # the facilitator opens the details
        assert app.query_one("#side").display
        await pilot.press("d")
        assert not app.query_one("#side").display
        await pilot.press("n")  # the notes take the side column; the leaderboard stays
        await pilot.pause()
        notes = app.query_one("#notes-panel")
        table = app.query_one("#leaderboard", DataTable)
        assert notes.display and table.region.width >= 30
        assert not notes.region.overlaps(table.region)
        await pilot.press("n")
        assert not notes.display
        recap = app.query_one("#recap-box")
        assert recap.region.height <= 5 and "Custom shifts" in str(
            app.query_one("#recap", Static).render()
        )
        assert recap.max_scroll_y >= 0  # it scrolls rather than hiding its last lines

    run(fac, (80, 24), script)


def test_120x36_shows_every_curveball_column_with_the_details(fac):
    async def script(app, pilot):
        assert app.query_one("#side").display
        shown = visible_columns(app)
        assert set(KEY_COLUMNS) <= set(shown)
        assert sum(c.startswith("↺") for c in shown) == 2  # the curveball and the shift

    run(fac, (120, 36), script)


def test_the_seed_shows_only_on_request(fac):
    async def script(app, pilot):
        bar = app.query_one("#session-info", Static)
        assert str(fac.info.seed) not in str(bar.render()).replace("BRD234", "")
        await pilot.press("e")
        assert f"seed {fac.info.seed}" in str(bar.render())
        await pilot.press("e")
        assert "seed" not in str(bar.render())

    run(fac, (120, 36), script)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_board_snapshot(fac, snap_compare, size):
    assert snap_compare(BoardApp(fac, interval=60), terminal_size=size, run_before=settle)
