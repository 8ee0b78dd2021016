"""A random walk over the keys, on every phase of a game and at 80x24 and 20x8: whatever
a trainee presses, the app keeps running (issue 11). Quitting on purpose (escape on the
scenario picker, ctrl+q) is left out of the walk."""

from __future__ import annotations

import asyncio
import random

import pytest
from support.app import finished, make_app, northwind_game
from support.walk import Walk

from simulator.saves import Session

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


PHASE_STATES: dict[str, object] = {}


def fresh_copy(phase: str):
    """A new session of the phase's game (built once; the states are immutable)."""
    if phase not in PHASE_STATES:
        PHASE_STATES[phase] = PHASES[phase]().state
    state = PHASE_STATES[phase]
    return Session.new(state.scenario, state.seed, state=state)


# The screens every phase must reach by keys alone, from the one its game opens on.
MUST_REACH = {
    "setup": {"StaffingScreen", "ConnectionsScreen", "PlanScreen", "BriefingScreen",
              "HelpScreen", "CommandPalette", "ChoiceModal", "PickerScreen"},
    "week 1": {"WeekScreen", "StaffingScreen", "ConnectionsScreen", "PlanScreen",
               "BriefingScreen", "DebriefScreen", "HelpScreen", "ScheduleModal", "FocusModal",
               "ConfirmModal", "CommandPalette", "PickerScreen"},
    "ended": {"DebriefScreen", "HelpScreen", "CommandPalette", "PickerScreen"},
}  # fmt: skip
MUST_REACH["mid-game"] = MUST_REACH["week 1"]


@pytest.mark.exhaustive
@pytest.mark.parametrize("size", [(80, 24), (20, 8)], ids=["80x24", "20x8"])
@pytest.mark.parametrize("phase", list(PHASES))
def test_every_key_and_command_on_every_screen(phase, size, home, monkeypatch):
    monkeypatch.chdir(home)  # the palette's Screenshot writes into the working folder

    async def run():
        app = make_app(fresh_copy(phase))
        async with app.run_test(size=size) as pilot:
            walk = Walk(pilot, lambda: fresh_copy(phase))
            await walk.run()
            assert MUST_REACH[phase] <= set(walk.paths), sorted(walk.paths)
            assert walk.pressed > 50 and walk.commands >= 5
            assert app.is_running and app.return_code is None

    asyncio.run(run())
