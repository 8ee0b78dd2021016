"""The weekly report on a finished week: each stakeholder's stance and what the team
learned, with causes; requests met or missed; morale and why; what arrived next."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from simulator.weekreport import WeekReport, direction
from simulator.widgets.keys import KeyFooter


def report_table(r: WeekReport) -> Table:
    """The report as one readable grid."""
    t = Table.grid(padding=(0, 1))
    t.add_column(style="bold", no_wrap=True)
    t.add_column()
    for x in r.stakeholders:
        line = Text()
        if x.stance_before == x.stance_after:
            line.append(f"{x.stance_after}, {direction(x.stance_delta)}")
        else:
            up = x.stance_delta > 0
            line.append(f"{x.stance_before} → {x.stance_after}", style="green" if up else "red")
        if round(x.known_after * 100) > round(x.known_before * 100):
            line.append(f" · known {x.known_before:.0%} → {x.known_after:.0%}", style="cyan")
        if x.causes:
            line.append("\n" + "; ".join(x.causes), style="dim")
        t.add_row(x.name, line)
    t.add_row("", "")
    morale = Text(f"{r.morale_before:.0%} → {r.morale_after:.0%}")
    if r.morale_causes:
        morale.append("\n" + "; ".join(r.morale_causes), style="dim")
    t.add_row("Team morale", morale)
    if r.requests:
        t.add_row("Requests", Text("\n".join(r.requests)))
    if r.arrived:
        t.add_row("Arriving now", Text("\n".join(r.arrived), style="yellow"))
    return t


class WeekReportModal(ModalScreen[None]):
    """One week's report; Enter or Esc closes it."""

    BINDINGS = [Binding("escape,enter,w", "close", "Close", id="report.close")]

    def __init__(self, report: WeekReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="week-report"):
            yield Static(report_table(self.report))
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#week-report").border_title = f"Week {self.report.week}: what changed"

    def action_close(self) -> None:
        self.dismiss(None)
