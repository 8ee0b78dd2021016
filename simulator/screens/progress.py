"""Progress across plays: the trainee's level per practice over their finished games, and
first, best and latest expected score per deal."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from simulator.widgets.keys import KeyFooter


class ProgressScreen(Screen[None]):
    """Levels per practice (Needs work < 50, Developing, Proficient 75+, Excellent 90+),
    weighted to recent games."""

    HELP = """\
## Your progress

Every deal you finish is scored per practice (0-100). Your level per practice is the
average over your games, recent games weighing more: **Needs work** below 50,
**Developing** 50-74, **Proficient** 75-89, **Excellent** 90 and above. The arrow
compares your latest game with the ones before. Below: per deal, your first, best and
latest expected score. `dealcraft progress --format csv` exports every game.
"""
    BINDINGS = [Binding("escape,q", "close", "Back", id="progress.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="progress-body"):
            yield Static(id="progress")
        yield KeyFooter()

    def on_mount(self) -> None:
        from simulator import progress as pg
        from simulator.progress_cli import tables
        from simulator.saves import home_dir

        records = pg.read(home_dir())
        body = self.query_one("#progress", Static)
        self.query_one("#progress-body").border_title = "Your progress"
        if not records:
            body.update(Text("No finished games yet: play a deal to the end.", style="dim"))
        else:
            body.update(Group(*tables(records)))

    def action_close(self) -> None:
        self.app.pop_screen()
