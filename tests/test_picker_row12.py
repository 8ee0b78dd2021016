"""Issue 13 row 12 in the picker: "About this deal" shows the item under the cursor after
Tab and after moving, opening a briefing writes no save before the first decision, and no
card or briefing of a shipped deal gives away hidden truth (priorities, shifts, the
facilitator's notes)."""

from __future__ import annotations

import asyncio
import io
import re
from types import SimpleNamespace

import pytest
from rich.console import Console
from support.app import Driver, make_app, northwind_game

from engine.loader import load_scenario
from simulator.saves import list_saves
from simulator.screens.briefing import BriefingScreen
from simulator.screens.picker import Card, PickerScreen, builtin_folder, files_in

pytestmark = pytest.mark.usefixtures("fast_pilot")


def about(screen) -> str:
    return str(screen.query_one("#detail").render())


def test_about_this_deal_follows_the_cursor_through_tab_and_moves(home):
    first, second = northwind_game(weeks=1), northwind_game(weeks=2)
    app = make_app()

    async def go():
        async with app.run_test(size=(120, 36)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("PickerScreen")
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            cards = screen.scenarios
            seen = [about(screen)]
            keys = ("down", "tab", "down", "tab", "tab", "down", "shift+tab", "shift+tab", "up")
            for key in keys:
                await d.press(key)
                await pilot.pause()
                seen.append(about(screen))
            saves = [str(screen.saves[i].path) for i in range(2)]
            return cards, saves, seen

    cards, saves, seen = asyncio.run(go())
    expected = [
        cards[0].title,  # opening: the scenario list has the focus, saves listed below
        cards[1].title,
        saves[0],  # Tab: the highlighted save
        saves[1],
        saves[1],  # Tab: the panel itself (to scroll it), still on the save
        cards[1].title,  # Tab round to the scenarios: the one still highlighted
        cards[2].title,
        cards[2].title,  # back to the panel
        saves[1],  # and the saves, where the highlight was left
        saves[0],
    ]
    for shown, want in zip(seen, expected, strict=True):
        assert want in shown
    assert first.path != second.path


def test_opening_a_briefing_writes_no_save_before_the_first_decision(home):
    app = make_app()

    async def go():
        async with app.run_test(size=(120, 36)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("PickerScreen")
            await d.press("enter")
            await d.wait_screen("BriefingScreen")
            at_briefing = len(list_saves())
            await d.press("enter")
            await d.wait_screen("StaffingScreen")
            at_staffing = len(list_saves())
            await d.press("escape", "escape")
            await d.wait_screen("PickerScreen")
            after_back = len(list_saves())
            await d.press("enter")
            await d.wait_screen("BriefingScreen")
            await d.press("enter")
            await d.wait_screen("StaffingScreen")
            await d.press("space")  # the first decision (or its checklist)
            if type(app.screen).__name__ == "ChecklistModal":
                await d.press("e")
            await pilot.pause()
            return at_briefing, at_staffing, after_back, len(list_saves())

    assert asyncio.run(go()) == (0, 0, 0, 1)


SHIPPED = files_in(builtin_folder())


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def runs(text: str, n: int) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[k : k + n]) for k in range(len(w) - n + 1)}


class CardOnly(PickerScreen):
    """The picker's card painter alone, keeping what it would paint."""

    def query_one(self, *_args, **_kwargs):
        return self

    def update(self, text) -> None:
        self.painted = text


class BriefingOnly(BriefingScreen):
    """The briefing's renderer over a scenario, without a game."""

    def __init__(self, scenario) -> None:
        super().__init__()
        self.scenario = scenario

    @property
    def state(self):
        return SimpleNamespace(scenario=self.scenario)


def shown_text(path) -> str:
    """The picker card and the briefing of the deal at `path`, as the player reads them."""
    scenario = load_scenario(path)
    console = Console(width=200, record=True, file=io.StringIO())
    card = CardOnly()
    card.show_scenario(Card.of(scenario, path))
    console.print(card.painted)
    console.print(BriefingOnly(scenario).render_briefing())
    return console.export_text()


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_no_card_or_briefing_gives_away_hidden_truth(path):
    sc = load_scenario(path)
    text = shown_text(path)
    shown = runs(text, 6)
    # the facilitator's notes: no run of six words of them
    fac = sc.facilitator
    notes = [fac.debrief_guide, fac.hidden_truth, *fac.discussion_questions] if fac else []
    for note in notes:
        assert not runs(note, 6) & shown, "a facilitator note is on the card or briefing"
    # the shifts: no priority-changing event's name or signal before it happens
    for ev in sc.events:
        if not ev.effects.priorities:
            continue
        assert not runs(ev.name, min(4, len(words(ev.name)))) & runs(text, 4), ev.id
        assert not runs(ev.signal, 6) & shown, ev.id
    # hidden priorities: the only shares shown are the influence shares
    shares = {f"{st.influence:.0%}" for st in sc.stakeholders}
    assert set(re.findall(r"\d+%", text)) <= shares
