"""7. The debrief (placeholder while the full screen is built)."""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from simulator.screens.base import GameScreen, TitleBar


class DebriefScreen(GameScreen):
    TITLE = "Debrief"
    HELP = "## Debrief\n"
    BINDINGS = [Binding("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        from simulator.widgets.dashboard import scorecard

        yield TitleBar(self.title_text())
        with VerticalScroll():
            yield Static(Text(json.dumps(scorecard(self.state), indent=1)))
        yield Footer()

    def action_back(self) -> None:
        if self.state.is_over():
            self.dapp.to_picker()
        else:
            self.app.pop_screen()
