"""1. The scenario picker: the deal library, each deal's promise, and saved games to resume."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from simulator.screens.base import TitleBar
from simulator.widgets.keys import KeyFooter

if TYPE_CHECKING:
    from engine.model import Scenario
    from simulator.app import DealcraftApp
    from simulator.saves import SaveInfo

DIFFICULTY_STYLE = {"easy": "green", "medium": "yellow", "hard": "red"}


class PickList(OptionList):
    """An option list whose Enter shows in the footer."""

    BINDINGS = [Binding("enter", "select", "Play / resume")]


class PickerScreen(Screen):
    TITLE = "Choose a deal"
    HELP = """\
## Scenario picker

Pick a deal to play, or resume a saved game.

- **Scenarios** lists the shipped deal library (and any `--scenarios` folder).
  The panel on the right shows the difficulty, the length in weeks, the typical
  play time and what the scenario teaches.
- **Saved games** lists your games, most recent first. Every decision you make
  is saved at once, so you can quit at any time and pick up where you left off.
"""
    BINDINGS = [
        Binding("enter", "choose", "Play / resume", show=False),
        Binding("tab", "app.focus_next", "Switch list", show=True),
        Binding("escape", "app.quit", "Quit", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.scenarios: list[Scenario] = []
        self.saves: list[SaveInfo] = []
        self.bad: list[str] = []

    @property
    def dapp(self) -> DealcraftApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar(Text.assemble((" Dealcraft ", "bold reverse"), "  choose a deal to play"))
        with Horizontal(id="picker-body"):
            with Vertical(id="picker-lists"):
                yield PickList(id="scenario-list", classes="panel")
                yield PickList(id="save-list", classes="panel")
            with VerticalScroll(id="scenario-detail", classes="panel"):
                yield Static(id="detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#scenario-list").border_title = "Scenarios"
        self.query_one("#save-list").border_title = "Saved games"
        self.query_one("#scenario-detail").border_title = "About this deal"
        self.load_scenarios()
        self.load_saves()
        self.query_one("#scenario-list").focus()

    # ---- data -------------------------------------------------------------------------------

    def load_scenarios(self) -> None:
        from engine.loader import builtin_scenarios, load_scenario, scenario_files
        from engine.problems import InputError

        found = builtin_scenarios()
        seen = {s.id for s in found}
        for f in scenario_files(self.dapp.scenario_dirs):
            try:
                s = load_scenario(f)
            except InputError as exc:
                self.bad.append(str(exc.problems[0]) if exc.problems else str(f))
                continue
            if s.id not in seen:
                found.append(s)
                seen.add(s.id)
        self.scenarios = found
        ol = self.query_one("#scenario-list", OptionList)
        ol.clear_options()
        for i, s in enumerate(found):
            t = Text()
            t.append(s.title, style="bold")
            t.append(f"\n  {s.difficulty.value}", style=DIFFICULTY_STYLE.get(s.difficulty, ""))
            t.append(f" · {s.deal.weeks} weeks · ~{s.estimated_minutes} min", style="dim")
            ol.add_option(Option(t, id=f"s{i}"))
        if found:
            ol.highlighted = 0
            self.show_scenario(found[0])
        if self.bad:
            self.notify(
                "\n".join(self.bad[:3]),
                title=f"{len(self.bad)} scenario file(s) could not be loaded",
                severity="warning",
                markup=False,
            )

    def load_saves(self) -> None:
        from simulator.saves import list_saves

        self.saves = list_saves(self.dapp.saves_folder)
        ol = self.query_one("#save-list", OptionList)
        ol.clear_options()
        if not self.saves:
            ol.add_option(Option(Text("No saved games yet.", style="dim"), disabled=True))
        for i, info in enumerate(self.saves):
            t = Text(info.label)
            t.append(f"\n  {info.updated}", style="dim")
            ol.add_option(Option(t, id=f"g{i}"))
        if self.saves:
            ol.highlighted = 0

    # ---- events -----------------------------------------------------------------------------

    def show_scenario(self, s: Scenario) -> None:
        t = Text()
        t.append(s.title + "\n", style="bold")
        t.append(s.difficulty.value, style=DIFFICULTY_STYLE.get(s.difficulty, ""))
        t.append(f" · {s.deal.weeks} weeks · about {s.estimated_minutes} minutes")
        t.append(f" · {s.deal.value:,} {s.deal.currency}\n\n")
        t.append(s.summary + "\n")
        if s.learning_objectives:
            t.append("\nYou will practise\n", style="bold")
            for obj in s.learning_objectives:
                t.append(f" • {obj}\n")
        t.append(f"\nCustomer: {s.customer.name}", style="dim")
        if s.customer.industry:
            t.append(f" ({s.customer.industry})", style="dim")
        self.query_one("#detail", Static).update(t)

    def show_save(self, info: SaveInfo) -> None:
        t = Text()
        t.append(info.title + "\n", style="bold")
        t.append(info.label + "\n\n")
        t.append(f"Last played {info.updated}\n{info.decisions} decisions so far\n")
        t.append(f"\n{info.path}", style="dim")
        self.query_one("#detail", Static).update(t)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        oid = event.option.id or ""
        if oid.startswith("s"):
            self.show_scenario(self.scenarios[int(oid[1:])])
        elif oid.startswith("g"):
            self.show_save(self.saves[int(oid[1:])])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id or "")

    def action_choose(self) -> None:
        focused = self.focused
        if isinstance(focused, OptionList) and focused.highlighted is not None:
            self.choose(focused.get_option_at_index(focused.highlighted).id or "")

    def choose(self, oid: str) -> None:
        if oid.startswith("s"):
            self.dapp.new_game(self.scenarios[int(oid[1:])])
        elif oid.startswith("g"):
            self.resume(self.saves[int(oid[1:])])

    def resume(self, info: SaveInfo) -> None:
        from engine.problems import InputError
        from simulator.saves import Session

        try:
            session = Session.resume(info.path, self.dapp.scenario_dirs)
        except InputError as exc:
            self.notify(
                str(exc.problems[0].message), title="Cannot resume", severity="error", markup=False
            )
            return
        self.dapp.open_game(session)
