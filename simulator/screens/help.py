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
    ("Arrows, Home/End", "move in the panel with the focus (PageUp/PageDown by the page)"),
    ("Ctrl+Q", "quit (your game is saved)"),
]


def key_label(key: str) -> str:
    names = {"question_mark": "?", "escape": "Esc", "space": "Space", "enter": "Enter"}
    return " / ".join(names.get(k, k) for k in key.split(","))


def key_rows(bindings, keymap: dict[str, str]) -> list[tuple[str, str]]:
    """(keys, what they do) for a screen's bindings, with the player's keymap applied: a
    group of bindings (the letters that jump, the digits that book) is one line, its keys
    shown as a range while none is remapped; the move keys every screen shares are left
    to the "Everywhere" list."""
    rows: list[list] = []
    groups: dict[Binding.Group, list] = {}
    for b in bindings:
        if not isinstance(b, Binding):
            b = Binding(*b)
        if b.action.startswith("focused_key("):
            continue
        key = keymap.get(b.id, b.key) if b.id else b.key
        if b.group is None:
            rows.append([key_label(key), b.description])
            continue
        if b.group not in groups:
            groups[b.group] = [[], False]
            rows.append([groups[b.group], b.group.description])
        groups[b.group][0].append(key)
        groups[b.group][1] |= key != b.key
    out = []
    for keys, desc in rows:
        if isinstance(keys, list):
            shown, remapped = keys
            keys = (
                f"{key_label(shown[0])}…{key_label(shown[-1])}"
                if len(shown) > 3 and not remapped
                else " ".join(key_label(k) for k in shown)
            )
        out.append((keys, desc))
    return out


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
            keymap = getattr(self.app, "keys", {})
            for key, desc in key_rows(getattr(self.for_screen, "BINDINGS", []), keymap):
                keys.append(f"  {key:<18}", style="bold")
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
