"""The facilitator's board (Textual): live leaderboard, pacing, curveballs, notes, reveal."""

import pytest
from rich.text import Text
from support.workshop import on_board, settle, steps
from textual.widgets import DataTable, Label, OptionList, Sparkline, Static

from engine.decisions import EndWeek
from simulator.screens.modals import ConfirmModal
from simulator.workshop import session as ws
from simulator.workshop.board import RevealScreen, ShiftModal, response_cell

MARKUP = "[b red]Evil[/] [@click=quit]x"


@pytest.fixture
def fac(workshop_class):
    info, key, fac = workshop_class
    plan = steps()
    for name, week, n in (("Alpha", 5, None), (MARKUP, 3, None), ("Gamma", 0, 5)):
        team = ws.join(info.code, name)  # Alpha plays into week 5, Gamma stays in setup
        state = team.resume()
        for d in plan[:n]:
            if n is None and state.week >= week:
                break
            state = team.step(state, d)
    return fac


def cells(app):
    table = app.query_one("#leaderboard", DataTable)
    return [
        [c.plain if isinstance(c, Text) else str(c) for c in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


def test_live_leaderboard_and_plain_text_names(fac):
    async def script(app, pilot):
        rows = cells(app)
        assert [r[1] for r in rows].count(MARKUP) == 1  # shown literally, not as markup
        assert {r[1] for r in rows} == {"Alpha", MARKUP, "Gamma"}
        alpha = next(r for r in rows if r[1] == "Alpha")
        assert alpha[2] == "5" and alpha[4].endswith("%") and alpha[6]  # week, win, trend
        gamma = next(r for r in rows if r[1] == "Gamma")
        assert gamma[2] == "setup" and gamma[3] == "—"
        assert app.query_one("#spark-align", Sparkline).data  # the selected team's trend
        assert "Class leader" in str(app.query_one("#recap", Static).render())
        # a player moves on: the next refresh shows it without blocking the UI
        team = ws.join(fac.info.code, "Gamma")
        state = team.resume()
        for d in steps()[5:30]:
            state = team.step(state, d)
        await pilot.press("f5")
        await settle(app, pilot)
        gamma = next(r for r in cells(app) if r[1] == "Gamma")
        assert gamma[2] != "setup"

    on_board(fac, script)


def test_notes_are_hidden_until_asked_for(fac):
    async def script(app, pilot):
        notes = app.query_one("#notes-panel")
        assert not notes.display
        truth = fac.scenario.facilitator.hidden_truth.strip()[:30]
        assert truth and truth in str(app.query_one("#notes", Static).render())
        await pilot.press("n")
        assert notes.display

    on_board(fac, script)


@pytest.mark.slow
def test_inject_hold_pause_and_bot_from_the_board(fac):
    async def script(app, pilot):
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("enter")  # the first (only) curveball
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and fac.injected() == []  # a preview first
        assert "Peak season" in str(app.screen.query_one(Label).render()) or "Peak season" in (
            app.screen.detail
        )
        await pilot.press("y")
        await settle(app, pilot)
        assert [c["event"] for c in fac.injected()] == ["peak_brought_forward"]
        assert "↺1" in [str(c.label) for c in app.query_one(DataTable).columns.values()]
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("backspace", "backspace", "6", "enter")
        await settle(app, pilot)
        assert fac.reload().hold_week == 6
        assert "HOLD at week 6" in str(app.query_one("#badges", Static).render())
        await pilot.press("p")
        await settle(app, pilot)
        assert fac.reload().paused
        await pilot.press("p")
        await settle(app, pilot)
        assert not fac.reload().paused
        await pilot.press("r")
        await settle(app, pilot)
        assert fac.reload().hold_week is None
        await pilot.press("b")
        await settle(app, pilot, 5)
        assert any(r[1].startswith("Bot (expert)") for r in cells(app))

    on_board(fac, script)


def test_reveal_compares_teams_side_by_side(fac):
    team = ws.join(fac.info.code, "Alpha")
    state = team.resume()
    while not state.is_over():
        state = team.step(state, EndWeek())

    async def script(app, pilot):
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, RevealScreen)
        assert fac.reload().revealed
        table = app.screen.query_one("#reveal-table", DataTable)
        labels = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
        assert "Expected score" in labels and "Audibles (unforced)" in labels
        assert len(table.columns) == 1 + 3
        findings = str(app.screen.query_one("#reveal-findings", Static).render())
        assert "Economic-buyer coverage" in findings
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RevealScreen)

    on_board(fac, script, size=(150, 50))


@pytest.mark.slow
def test_custom_shift_from_the_board(fac):
    async def script(app, pilot):
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ShiftModal)
        shown = " ".join(str(o.prompt) for o in app.screen.query_one(OptionList).options)
        assert "Helen Marsh" in shown and "0." not in shown  # no hidden priorities
        await pilot.press("down", "enter")  # Tom Abbott, procurement; focus to the weights
        await pilot.pause()
        await pilot.press("enter")  # no weight yet: refused, the modal stays
        await pilot.pause()
        assert isinstance(app.screen, ShiftModal) and fac.shifts() == []
        await pilot.press("7", "0", "tab", "3", "0", "enter")  # cost 70, risk 30
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and fac.shifts() == []  # the preview
        await pilot.press("y")
        await settle(app, pilot)
        assert not isinstance(app.screen, ShiftModal)
        [row] = fac.shifts()
        assert row["stakeholder"] == "procurement"
        assert row["weights"] == {"cost": 70.0, "risk": 30.0}
        label = "Shift 1: Tom Abbott → Total cost 70%, Delivery risk 30%"
        recap_text = str(app.query_one("#recap", Static).render())
        assert "Custom shifts: ↺1 " + label in recap_text
        columns = [str(c.label) for c in app.query_one("#leaderboard", DataTable).columns.values()]
        assert "↺1" in columns
        assert next(r for r in cells(app) if r[1] == "Alpha")[-1] == "due"
        # Alpha plays on: the shift arrives next week and its response lag is computed
        team = ws.join(fac.info.code, "Alpha")
        state = team.resume()
        for _ in range(3):
            state = team.step(state, EndWeek())
        await pilot.press("f5")
        await settle(app, pilot)
        alpha = next(r for r in cells(app) if r[1] == "Alpha")
        assert alpha[-1] not in ("due", "")
        row = next(r for r in app.snap.rows if r.name == "Alpha")
        assert row.arrived == {"shift-1": 6}
        assert alpha[-1] == response_cell(row, "shift-1").plain
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("escape")  # cancel: nothing stored
        await settle(app, pilot)
        assert len(fac.shifts()) == 1

    on_board(fac, script, size=(150, 50))


def test_weight_and_week_fields_take_a_long_paste_at_once(fac):
    """Textual's number patterns backtrack: 20 digits and a letter froze the board for
    ~25 s, a 10,000-digit paste for good. The board's own patterns are linear and capped."""
    import time

    from textual.widgets import Input

    async def script(app, pilot):
        await pilot.press("s")  # the custom shift dialog
        await pilot.pause()
        await pilot.press("down", "enter")  # a stakeholder; focus moves to the weights
        await pilot.pause()
        field = app.screen.query(Input).first()
        start = time.perf_counter()
        for text in ("1" * 20 + "x", "9" * 10_000, "12.345"):
            field.value = ""
            field.insert_text_at_cursor(text)
        await pilot.pause()
        assert time.perf_counter() - start < 2.0
        assert len(field.value) <= 6

    on_board(fac, script)
