"""2. The briefing: the customer, the deal, the buying team as far as it is known,
the competition and the limits."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from simulator.screens.base import GameScreen, TitleBar, money
from simulator.widgets.keys import KeyFooter

ROLE_HINT = {
    "economic": "economic buyer — signs off the money",
    "user": "user buyer — lives with the result",
    "technical": "technical buyer — can veto on fit",
    "coach": "coach — helps you navigate",
}


def strength_word(x: float) -> str:
    return "strong" if x > 0.6 else "steady" if x > 0.3 else "weak"


class BriefingScreen(GameScreen):
    SCREEN_NAME = "briefing"
    TITLE = "Briefing"
    HELP = """\
## Briefing

Read the situation before you build a team.

- **The customer** and **the deal**: value, currency and how many weeks you have.
- **The buying team** as far as your company knows it today. Influence is each
  person's share of the decision; stance runs from blocker to champion. Their
  real priorities are hidden: discovery and connection points reveal them.
  More people may join the buying team later.
- **The competition** and **your limits**: the most people on the team at once
  and the weekly budget.

Press **Enter** to staff your team.
"""
    BINDINGS = [
        Binding("enter", "next", "Staff the team", id="briefing.next"),
        Binding("escape", "back", "Scenarios", id="briefing.back"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar(self.title_text())
        with VerticalScroll(id="briefing", classes="panel"):
            yield Static(self.render_briefing(), id="briefing-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#briefing").border_title = "Your briefing"
        self.query_one("#briefing").focus()

    def render_briefing(self) -> Table:
        s = self.state.scenario
        out = Table.grid(padding=(0, 1))
        out.add_column()

        def heading(text: str) -> None:
            out.add_row(Text(""))
            out.add_row(Text(text, style="bold underline"))

        out.add_row(Text(s.title, style="bold"))
        out.add_row(Text(s.briefing))

        heading("The customer")
        who = Text(s.customer.name, style="bold")
        if s.customer.industry:
            who.append(f" — {s.customer.industry}")
        out.add_row(who)
        if s.customer.description:
            out.add_row(Text(s.customer.description))

        heading("The deal")
        out.add_row(
            Text(
                f"Worth {money(s.deal.value, s.deal.currency)} at full scope; "
                f"{s.deal.weeks} weeks to a decision."
            )
        )
        close = s.close_milestone
        if close is not None:
            out.add_row(
                Text(f"The customer decides at '{close.name}' (target week {close.target_week}).")
            )

        heading("The buying team (as far as we know)")
        team = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
        team.add_column("Name", no_wrap=True)
        team.add_column("Title")
        team.add_column("Buying role")
        team.add_column("Share", justify="right")
        team.add_column("What we know")
        for st in s.stakeholders:
            if st.joins_week:
                continue
            team.add_row(
                Text(st.name),
                Text(st.title),
                Text(ROLE_HINT[st.buying_role.value].split(" —")[0]),
                Text(f"{st.influence:.0%}"),
                Text(st.notes),
            )
        out.add_row(team)
        out.add_row(
            Text(
                "Influence is a share of the decision. Priorities are hidden until your team "
                "finds them out; people may join the buying team later.",
                style="dim",
            )
        )

        heading("The competition")
        comp = Text(s.competitor.name, style="bold")
        comp.append(f" — {strength_word(s.competitor.strength)} position")
        out.add_row(comp)
        if s.competitor.description:
            out.add_row(Text(s.competitor.description))

        heading("What the customer cares about")
        for d in s.dimensions:
            line = Text(f" • {d.name}", style="bold")
            if d.description:
                line.append(f": {d.description}", style="")
            out.add_row(line)

        heading("Your limits")
        out.add_row(
            Text(
                f"At most {s.limits.headcount} people on the team; weekly budget "
                f"{money(s.limits.weekly_budget, s.deal.currency)}. "
                f"{len(s.roster)} people on the roster to choose from."
            )
        )
        if s.learning_objectives:
            heading("What this deal teaches")
            for obj in s.learning_objectives:
                out.add_row(Text(f" • {obj}"))
        return out

    def action_next(self) -> None:
        self.setup_step(1)

    def action_back(self) -> None:
        if self.in_setup:
            self.dapp.to_picker()
        else:
            self.app.pop_screen()
