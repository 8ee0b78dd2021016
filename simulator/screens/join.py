"""The picker's "Join workshop" dialog: server, join code, team and (for a team that has
joined before on another computer) its passcode. Returns the answers; the picker joins."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from simulator.widgets.keys import KeyFooter


@dataclass(frozen=True)
class JoinRequest:
    server: str | None  # None: the workshop store on this computer
    code: str
    team: str
    passcode: str | None


class JoinWorkshopModal(ModalScreen[JoinRequest | None]):
    """Ask where and as whom to join; Enter on the last field joins, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    FIELDS = ("server", "code", "team", "passcode")

    def __init__(self, server: str = "", problem: str = "", **given: str) -> None:
        super().__init__()
        self.values = {"server": server, **given}
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="join-dialog"):
            yield Label(Text("Join a workshop", style="bold"))
            yield Static(Text("Workshop server (empty: this computer's workshop store)"))
            yield Input(
                self.values.get("server", ""),
                placeholder="http://HOST:PORT",
                id="server",
                max_length=200,
            )
            yield Static(Text("Join code"))
            yield Input(self.values.get("code", ""), placeholder="K7QM2P", id="code", max_length=16)
            yield Static(Text("Team name"))
            yield Input(self.values.get("team", ""), id="team", max_length=32)
            yield Static(Text("Team passcode (empty on your team's first join)"))
            yield Input(id="passcode", password=True, max_length=32)
            if self.problem:
                yield Static(Text(self.problem, style="bold red"), id="join-problem")
        yield KeyFooter()

    def on_mount(self) -> None:
        first = "code" if self.values.get("server") else "server"
        self.query_one(f"#{first}", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        order = list(self.FIELDS)
        i = order.index(event.input.id or "server")
        if i + 1 < len(order):
            self.query_one(f"#{order[i + 1]}", Input).focus()
            return
        value = {f: self.query_one(f"#{f}", Input).value.strip() for f in order}
        self.dismiss(
            JoinRequest(
                value["server"] or None, value["code"], value["team"], value["passcode"] or None
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
