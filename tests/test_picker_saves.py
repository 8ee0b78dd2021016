"""The picker's saved games: result and score of finished games, a replay marker, delete
after a confirm, and the detail panel following the list with the focus."""

from __future__ import annotations

import asyncio

import pytest
from support.app import Driver, finished, make_app, northwind_game
from textual.widgets import OptionList

pytestmark = pytest.mark.usefixtures("fast_pilot")


def picker(check):
    app = make_app()

    async def go():
        async with app.run_test(size=(100, 32)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("PickerScreen")
            await app.workers.wait_for_complete()
            await pilot.pause()
            return await check(d, app.screen)

    return asyncio.run(go())


def prompts(screen) -> list[str]:
    ol = screen.query_one("#save-list", OptionList)
    return [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]


def test_a_finished_save_shows_its_result_and_score(home):
    done = finished()
    northwind_game(weeks=1)

    async def check(d, screen):
        return prompts(screen)

    shown = picker(check)
    assert len(shown) == 2
    assert any(("WIN" in p or "LOSS" in p or "NO DECISION" in p) for p in shown)
    assert done.path.exists()


def test_tab_shows_the_highlighted_save_and_x_deletes_it_after_a_confirm(home):
    northwind_game(weeks=1)
    kept = northwind_game(weeks=2)

    async def check(d, screen):
        await d.press("tab")
        await d.pilot.pause()
        detail = str(screen.query_one("#detail").render())
        await d.press("x")
        await d.wait_screen("ConfirmModal")
        await d.press("n")  # no: nothing deleted
        await d.wait_screen("PickerScreen")
        await d.press("x")
        await d.wait_screen("ConfirmModal")
        await d.press("y")
        await d.wait_screen("PickerScreen")
        await d.pilot.pause()
        return detail, len(prompts(d.app.screen))

    detail, left = picker(check)
    assert "decisions so far" in detail
    assert left == 1
    from simulator.saves import list_saves

    assert len(list_saves()) == 1 and kept is not None
