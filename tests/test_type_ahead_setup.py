"""Keys typed ahead on the staffing, connections and plan screens act in typing order on
the row (or cell) the keys before them reached: the same decisions as slow typing."""

from __future__ import annotations

import asyncio

import pytest
from support.app import Driver, make_app, northwind_game
from test_type_ahead import settle, type_ahead

pytestmark = pytest.mark.usefixtures("fast_pilot")


def play(setup: str, before: list[str], keys: list[str], typed_ahead: bool):
    """Open the game (on the staffing screen), press `before` slowly, then `keys`."""
    session = northwind_game(setup=setup)
    app = make_app(session)
    start = len(session.state.history)

    async def go():
        async with app.run_test(size=(120, 36)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("StaffingScreen")
            for key in before:
                await pilot.press(key)
                await settle(pilot, app, 5)
            if typed_ahead:
                type_ahead(app, keys)
            else:
                for key in keys:
                    await pilot.press(key)
                    await settle(pilot, app, 3)
            await settle(pilot, app)
            return [x.to_dict() for x in session.state.history[start:]], app.showing()

    return asyncio.run(go())


CASES = {
    "staffing": (
        "team",
        [],
        ["down", "space", "down", "space", "down", "down", "space", "up", "space"]
        + ["home", "down", "r", "down", "enter", "end", "space", "a", "e", "q"],
    ),
    "connections": (
        "team",
        ["n"],
        ["space", "right", "space", "down", "space", "right", "right", "enter"]
        + ["down", "left", "space", "home", "space"],
    ),
    "plan": (
        "connected",
        ["n", "n"],
        ["right", "right", "down", "left", "l", "f", "tab", "down", "enter", "down"]
        + ["enter", "enter", "enter", "end", "enter", "enter", "up", "enter", "enter"],
    ),
    "staffing to connections": (
        "team",
        [],
        ["down", "space", "n", "down", "space", "right", "space", "escape", "up", "space"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_keys_typed_ahead_make_the_decisions_slow_typing_makes(home, case):
    setup, before, keys = CASES[case]
    slow = play(setup, before, keys, typed_ahead=False)
    assert len(slow[0]) >= 3
    assert play(setup, before, keys, typed_ahead=True) == slow
