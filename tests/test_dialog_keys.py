"""The dialog keys (letters that jump, capitals that aim, space, the digits that book) have
binding ids: a player remaps them in settings.toml, and help in the dialog shows them from
the same bindings, one line per group."""

from __future__ import annotations

import asyncio

import pytest
from support.app import Driver, make_app, northwind_game

from simulator import settings
from simulator.screens.help import key_rows
from simulator.screens.modals import ChoiceModal, ListsModal, ScheduleModal

pytestmark = pytest.mark.usefixtures("fast_pilot")


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.ENV, str(tmp_path))
    return tmp_path / settings.FILE


def test_every_dialog_key_has_an_id_a_settings_file_accepts(config):
    for dialog in (ChoiceModal, ListsModal, ScheduleModal):
        for b in dialog.BINDINGS:
            assert b.id, f"{dialog.__name__} {b.key} has no id"
    config.write_text(
        '[keys]\n"lists.jump_d" = "ctrl+d"\n"lists.aim_m" = "ctrl+m"\n'
        '"schedule.book_3" = "ctrl+b"\n"lists.done" = "ctrl+space"\n"week.book_default" = "M"\n'
    )
    assert len(settings.load().keys) == 5


def test_help_rows_are_one_line_per_group_and_follow_the_keymap():
    rows = dict((desc, keys) for keys, desc in key_rows(ScheduleModal.BINDINGS, {}))
    assert rows["Jump to the next option starting with the letter"] == "a…z"
    assert rows["Pick the person aimed at by initial, from any list"] == "A…Z"
    assert rows["Book the highlighted action that many times"] == "1…9"
    remapped = dict(
        (desc, keys) for keys, desc in key_rows(ScheduleModal.BINDINGS, {"schedule.book_3": "x"})
    )
    assert remapped["Book the highlighted action that many times"].split() == [
        "1", "2", "x", "4", "5", "6", "7", "8", "9"
    ]  # fmt: skip


def test_a_remapped_digit_books_and_the_dialog_help_shows_it(home, config):
    config.write_text('[keys]\n"schedule.book_3" = "ctrl+b"\n')
    session = northwind_game(weeks=0)
    app = make_app(session)
    start = len(session.state.history)

    async def go():
        async with app.run_test(size=(120, 36)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("WeekScreen")
            await d.press("a")
            await d.wait_screen("ScheduleModal")
            await d.press("3")  # no longer bound: the dialog stays open, nothing booked
            await pilot.pause()
            still_open = type(app.screen).__name__
            await d.press("f1")
            await d.wait_screen("HelpScreen")
            text = str(app.screen.query_one("#help-body > Static").content)
            await d.press("escape")
            await d.wait_screen("ScheduleModal")
            await d.press("ctrl+b")
            await d.wait_screen("WeekScreen")
            return still_open, text, [x.kind for x in session.state.history[start:]]

    still_open, text, kinds = asyncio.run(go())
    assert still_open == "ScheduleModal"
    assert "ctrl+b" in text and "a…z" in text and "Space" in text
    assert kinds == ["run", "run", "run"]


def test_the_week_help_lists_the_screen_keys_not_the_move_keys():
    from simulator.screens.week import WeekScreen

    keys = [k for k, _ in key_rows(WeekScreen.BINDINGS, {})]
    assert "m" in keys and "a" in keys
    assert "up" not in keys and "pagedown" not in keys
