"""A random walk over the keys, on every phase of a game and at 80x24 and 20x8: whatever
a trainee presses, the app keeps running (issue 11). Quitting on purpose (escape on the
scenario picker, ctrl+q) is left out of the walk."""

from __future__ import annotations

import asyncio
import random

import pytest
from support.app import finished, make_app, northwind_game

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("home", "fast_pilot")]

KEYS = [
    *"abcdefghijklmnoprstuvwxyz125",
    *("enter", "escape", "tab", "shift+tab", "up", "down", "left", "right", "space"),
    *("plus", "minus", "f1", "ctrl+s", "ctrl+p", "pageup", "pagedown", "home", "end"),
    *("backspace", "delete"),
]
PHASES = {
    "setup": lambda: northwind_game("team"),
    "week 1": lambda: northwind_game(weeks=0),
    "mid-game": lambda: northwind_game(weeks=4),
    "ended": finished,
}


@pytest.mark.parametrize("size", [(80, 24), (20, 8)], ids=["80x24", "20x8"])
@pytest.mark.parametrize("phase", list(PHASES))
def test_random_keys_never_stop_the_app(phase, size):
    rng = random.Random(f"{phase}{size}")

    async def run():
        app = make_app(PHASES[phase]())
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for n in range(150):
                key = rng.choice(KEYS)
                if key == "escape" and type(app.screen).__name__ == "PickerScreen":
                    key = "down"  # escape there quits, on purpose
                await pilot.press(key)
                if n % 10 == 0:
                    await pilot.pause()
                assert app.is_running, (n, key)
            assert app.return_code is None

    asyncio.run(run())
