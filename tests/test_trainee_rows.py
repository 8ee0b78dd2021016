"""Pilot tests for the rows of issue 13's table that had only engine-level tests: booking
effort (6), the dashboard (7), drill-down inputs (8), the end-week warning (10), events
(11) and the debrief at 80x24 (14). Each plays the TUI through Pilot."""

from __future__ import annotations

import asyncio

import pytest
from support.app import Driver, finished, make_app, northwind_game
from textual.containers import VerticalScroll
from textual.widgets import DataTable, RichLog, Static

from engine.decisions import EndWeek, Inject, Staff, Start
from engine.loader import find_scenario
from simulator.saves import Session

pytestmark = pytest.mark.usefixtures("fast_pilot")


def run(app, size, go):
    async def main():
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            return await go(Driver(pilot), pilot)

    return asyncio.run(main())


def text_of(widget) -> str:
    return str(widget.render())


def test_row6_m_and_a_digit_book_three_in_four_keys(home):
    session = northwind_game(weeks=1)  # week 1 booked Maya's discovery with the COO

    async def go(d, pilot):
        await d.wait_screen("WeekScreen")
        await d.press("tab", "m", "a")
        await d.wait_screen("ScheduleModal")
        await d.press("2")
        await d.wait_screen("WeekScreen")
        return [d.to_dict() for d in session.state.history if d.kind == "run"][-3:]

    runs = run(make_app(session), (120, 36), go)
    assert [(r["action"], r["member"], r["target"]) for r in runs] == [
        ("discovery_meeting", "maya", "coo")
    ] * 3


def test_row7_the_dashboard_arrow_follows_the_figures_it_printed(home):
    from simulator.widgets.dashboard import as_shown, trend

    session = northwind_game(weeks=4)

    async def go(d, pilot):
        await d.wait_screen("WeekScreen")
        return " ".join(text_of(w) for w in app.screen.query("#dashboard Static"))

    app = make_app(session)
    shown = run(app, (120, 36), go)
    alignment = [a for a, _ in as_shown(session.state, {})]
    expected = trend(alignment, "{:5.1f}")
    assert f"{alignment[-1]:.1f} {expected}" in " ".join(shown.split())


def test_row8_the_chemistry_drill_down_names_every_pair(home):
    s = northwind_game("team")
    assert s.apply(Staff("claire")) is None
    assert s.apply(Start()) is None
    while not s.state.is_over():
        s.apply(EndWeek())

    async def go(d, pilot):
        await d.wait_screen("DebriefScreen")
        await pilot.app.workers.wait_for_complete()
        t = app.screen.query_one("#components", DataTable)
        await d.to_row("components", "internal.chemistry")
        assert t.cursor_row == t.get_row_index("internal.chemistry")
        await d.press("enter")
        await d.wait_screen("ExplainModal")
        from simulator.screens.debrief import format_input

        inputs = app.screen.info["inputs"]
        return " ".join(f"{k} {format_input(v)}" for k, v in inputs.items())

    app = make_app(s)
    shown = run(app, (120, 36), go)
    assert "Maya Chen–Raj Patel" in shown and "Maya Chen–Claire Dubois" in shown


def test_row10_end_week_warns_of_over_budget(home):
    s = northwind_game(weeks=0)
    assert s.apply(Staff("claire")) is None  # fits the budget until it is squeezed in week 5
    while s.state.week < 5:
        s.apply(EndWeek())
    assert s.state.team_cost() > s.state.budget()

    async def go(d, pilot):
        await d.wait_screen("WeekScreen")
        await d.press("e")
        await d.wait_screen("ConfirmModal")
        return " ".join(text_of(w) for w in app.screen.query(Static))

    app = make_app(s)
    assert "budget" in run(app, (120, 36), go).lower()


def test_row11_the_event_log_never_names_someone_off_the_team(home):
    sc = find_scenario("harbor_cross_sell")
    s = Session.new(sc, 4, save=False)
    assert s.apply(Staff("nora")) is None
    for decision in (Start(), Inject("viktor_recalled"), EndWeek()):
        assert s.apply(decision) is None

    async def go(d, pilot):
        await d.wait_screen("WeekScreen")
        log = app.screen.query_one("#events", RichLog)
        return "\n".join(line.text for line in log.lines)

    app = make_app(s)
    assert "Viktor" not in run(app, (120, 36), go)


def test_row14_page_down_scrolls_the_debrief_at_80x24(home):
    async def go(d, pilot):
        await d.wait_screen("DebriefScreen")
        body = app.screen.query_one("#debrief-body", VerticalScroll)
        for _ in range(5):  # the coach's replays land and the layout settles
            await pilot.app.workers.wait_for_complete()
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
        body.scroll_home(animate=False)
        await pilot.pause()
        before = body.scroll_y
        await d.press("pagedown")
        for _ in range(20):  # a scroll lands over a few frames on a loaded machine
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            if body.scroll_y != before:
                break
        return before, body.scroll_y, body.max_scroll_y

    app = make_app(finished())
    before, after, most = run(app, (80, 24), go)
    assert most > 0 and after > before
