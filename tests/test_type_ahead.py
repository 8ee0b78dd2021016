"""Keys typed faster than the screen draws are neither dropped nor applied to the wrong
list or row: the booking is exactly the one the same keys make when typed slowly."""

from __future__ import annotations

import asyncio

import pytest
from support.app import Driver, make_app, northwind_game
from textual import events

pytestmark = pytest.mark.usefixtures("fast_pilot")


def type_ahead(app, keys: list[str]) -> None:
    """Queue every key at once, as a terminal does when the player types ahead."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)  # noqa: SLF001 - what the terminal driver does


async def settle(pilot, app, rounds: int = 40) -> None:
    for _ in range(rounds):
        await pilot.pause(0.01)


def play(keys: list[str], typed_ahead: bool, weeks: int = 0):
    session = northwind_game(weeks=weeks)
    app = make_app(session)
    start = len(session.state.history)

    async def go():
        async with app.run_test(size=(120, 36)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("WeekScreen")
            if typed_ahead:
                type_ahead(app, keys)
            else:
                for key in keys:
                    await pilot.press(key)
                    await settle(pilot, app, 3)
            await settle(pilot, app)
            return [d.to_dict() for d in session.state.history[start:]]

    return asyncio.run(go())


def test_a_enter_enter_enter_books_the_first_action_with_the_highlighted_people(home):
    session = northwind_game(weeks=0)
    sc = session.state.scenario
    team = [m for m in session.state.staffed()]
    runs = play(["a", "enter", "enter", "enter"], typed_ahead=True)
    assert len(runs) == 1
    first = runs[0]
    assert first["action"] == sc.actions[0].id
    assert first["member"] == team[0]  # the team table's highlighted row
    assert first["target"] == sc.stakeholders[0].id  # the buying team's highlighted row


KEYS = [
    *["a", "enter", "enter", "enter"],
    *["a", "down", "enter", "down", "enter", "down", "enter"],
    *["a", "down", "down", "enter", "enter", "down", "down", "enter"],
    *["u", "a", "enter", "down", "down", "enter", "enter"],
    *["tab", "down", "down", "a", "enter", "enter", "enter", "m", "up", "a", "s", "left", "3"],
]


def test_a_long_burst_books_exactly_what_slow_typing_books(home):
    slow = play(KEYS, typed_ahead=False, weeks=1)
    assert len(slow) >= 4 and "unbook" in str(slow)
    assert play(KEYS, typed_ahead=True, weeks=1) == slow
