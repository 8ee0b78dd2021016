"""Help (F1 or ?): what the current screen is for and every key it answers to."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown, Static

from simulator.widgets.keys import KeyFooter

GLOBAL_KEYS = [
    ("F1 or ?", "this help"),
    ("Ctrl+P", "command palette: end week, open debrief, save, switch theme, ..."),
    ("Ctrl+S", "save now (every decision is also saved at once)"),
    ("Ctrl+T", "next colour theme"),
    ("Tab / Shift+Tab", "move between panels"),
    ("Ctrl+Q", "quit (your game is saved)"),
]


def key_label(key: str) -> str:
    names = {"question_mark": "?", "escape": "Esc", "space": "Space", "enter": "Enter"}
    return " / ".join(names.get(k, k) for k in key.split(","))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,question_mark,q", "close", "Close help"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        text = getattr(self.for_screen, "HELP", "") or "## Dealcraft\n"
        with VerticalScroll(id="help-body", classes="dialog wide"):
            yield Markdown(text)
            keys = Text()
            keys.append("Keys on this screen\n", style="bold")
            for b in getattr(self.for_screen, "BINDINGS", []):
                key, desc = (b.key, b.description) if isinstance(b, Binding) else (b[0], b[2])
                key = getattr(self.app, "keys", {}).get(getattr(b, "id", None), key)
                keys.append(f"  {key_label(key):<18}", style="bold")
                keys.append(f"{desc}\n")
            keys.append("\nEverywhere\n", style="bold")
            for key, desc in GLOBAL_KEYS:
                keys.append(f"  {key:<18}", style="bold")
                keys.append(f"{desc}\n")
            yield Static(keys)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#help-body").border_title = "Help"
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
