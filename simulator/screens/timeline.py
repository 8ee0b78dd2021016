"""Designer: the scenario timeline, the deal's shape week by week (`dealcraft timeline`).

Reached from the command palette ("Scenario timeline"): the current game's scenario, or
the one highlighted in the picker. In a game, `s` adds the chance events the game's
seed fires; the hidden priorities are shown, so this is a designer's view, not a hint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from simulator.screens.base import TitleBar
from simulator.widgets.keys import KeyFooter

if TYPE_CHECKING:
    from engine.model import Scenario


class TimelineScreen(Screen):
    """The timeline of one scenario; `seed` and `week` are the game's, when opened from
    a game."""

    HELP = """\
## Scenario timeline

A designer's view of the deal, week by week: scheduled events (●), chance windows
(░) with their conditions, curveballs, who joins the buying team (▲), milestone
target weeks (◆), when each roster member can be staffed, and the customer's hidden
priorities, weighted by influence, with the top one highlighted each week.

Every event's condition is taken as met. Opened from a game, **s** switches between
the scheduled events alone and the chance events this game's seed fires too.
"""
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("s", "toggle_seed", "Seed's chance events"),
    ]

    def __init__(self, scenario: Scenario, seed: int | None = None, week: int = 0) -> None:
        super().__init__()
        self.scenario = scenario
        self.game_seed = seed
        self.week = week or None  # the game's week, highlighted; none in setup
        self.with_seed = seed is not None

    def compose(self) -> ComposeResult:
        yield TitleBar(Text.assemble((" Timeline ", "bold reverse"), f"  {self.scenario.title}"))
        with VerticalScroll(id="timeline", classes="panel"):
            yield Static(id="timeline-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#timeline").border_title = "The deal week by week (designer's view)"
        self.query_one("#timeline").focus()
        self.show()

    def show(self) -> None:
        from simulator.timeline import render, timeline

        seed = self.game_seed if self.with_seed else None
        data = timeline(self.scenario, seed)
        self.query_one("#timeline-text", Static).update(render(data, self.week))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "toggle_seed":
            return self.game_seed is not None
        return True

    def action_toggle_seed(self) -> None:
        self.with_seed = not self.with_seed
        self.show()
