"""Two runs of the same deal side by side: the original and a replay from one of its weeks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from scoring.components import GROUP_LABELS as GROUP_NAMES
from scoring.components import label as component_name
from simulator.analysis import analyse
from simulator.screens.base import GameScreen, TitleBar
from simulator.widgets.charts import weekly_chart
from simulator.widgets.keys import KeyFooter

if TYPE_CHECKING:
    from simulator.saves import Session


class CompareScreen(GameScreen):
    TITLE = "Compare runs"
    HELP = """\
## Compare runs

The run you branched from (left) against the replay (right): result, score,
every component and the week-by-week focus fit and win chance. The difference
column shows what the different decisions changed.
"""
    BINDINGS = [Binding("escape", "back", "Back", id="compare.back")]

    def __init__(self, first: Session, second: Session) -> None:
        super().__init__()
        # each run scored once: the table and the charts both read it
        self.runs = [("Original", analyse(first.state)), ("Replay", analyse(second.state))]

    def compose(self) -> ComposeResult:
        yield TitleBar(self.title_text())
        with VerticalScroll(id="compare-body", classes="panel"):
            yield Static(self.render_table(), id="compare-table")
            yield Static(self.render_charts(), id="compare-charts")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#compare-body").border_title = "Original run vs replay"
        self.query_one("#compare-body").focus()

    def render_table(self) -> Table:
        (_, (c1, d1, _)), (_, (c2, d2, _)) = self.runs
        t = Table(box=None, padding=(0, 2), header_style="bold", expand=False)
        t.add_column("")
        t.add_column("Original", justify="right")
        t.add_column("Replay", justify="right")
        t.add_column("Change", justify="right")

        def row(label: str, a: float, b: float, fmt: str = "{:.1f}") -> None:
            d = b - a
            style = "green" if d > 1e-9 else "red" if d < -1e-9 else "dim"
            t.add_row(
                label,
                fmt.format(a),
                fmt.format(b),
                Text(("+" if d > 0 else "") + fmt.format(d), style=style),
            )

        t.add_row(Text("Result", style="bold"), c1["result"], c2["result"], "")
        t.add_row("Weeks played", str(c1["weeks_played"]), str(c2["weeks_played"]), "")
        row("Score", c1["score"], c2["score"])
        row("Expected score", c1["expected_score"], c2["expected_score"])
        row("Alignment", c1["alignment"]["total"], c2["alignment"]["total"])
        row(
            "Win chance",
            c1["outcome"]["win_probability"],
            c2["outcome"]["win_probability"],
            "{:.0%}",
        )
        group = None
        for r1, r2 in zip(d1["rows"], d2["rows"], strict=True):
            if r1["group"] != group:
                group = r1["group"]
                t.add_row(Text(GROUP_NAMES[group], style="bold underline"), "", "", "")
            row("  " + component_name(r1["group"], r1["component"]), r1["value"], r2["value"])
        return t

    def render_charts(self) -> Text:
        out = Text()
        weeks = self.state.scenario.deal.weeks
        for label, (card, _, trace) in self.runs:
            played = card["weeks_played"]
            out.append(f"\n{label}\n", style="bold")
            out.append_text(
                weekly_chart(
                    [
                        ("Focus fit", card["weekly"]["focus_cosine"], "cyan"),
                        ("Win chance", card["weekly"]["win_probability"], "green"),
                    ],
                    [
                        (
                            "Customer shift",
                            [bool(x) for x in trace["t_shift"][0][:played]],
                            "▲",
                            "yellow bold",
                        )
                    ],
                    weeks,
                    height=2,
                )
            )
            out.append("\n")
        return out

    def action_back(self) -> None:
        self.app.pop_screen()
