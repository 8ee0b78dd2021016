"""The hint strip: the scenario's hints that hold now, docked above a game screen's keys.

Hints are the designer's words from the scenario's `hints:` section (engine/hints.py
decides which hold, from the player's view). A screen of a deal with hints gets one
strip (`mount_hints`) and redraws it after every decision (`refresh_hints`); a deal
without hints gets none, so its screens are unchanged.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

SHOWN = 1  # hints shown at once; the rest wait their turn (file order)


class HintPanel(Static):
    """The hints that hold in the current game, most urgent (first in the file) first."""

    DEFAULT_CSS = """
    HintPanel {
        dock: bottom;
        height: auto;
        max-height: 7;
        width: 100%;
        padding: 0 1;
        margin-bottom: 1;
        background: $boost;
        border-top: tall $accent;
        display: none;
    }
    HintPanel.-shown {
        display: block;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="hints")
        self.shown: list[str] = []  # ids of the hints on screen now

    def on_mount(self) -> None:
        self.show_for_game()

    def show_for_game(self) -> None:
        session = getattr(self.app, "session", None)
        if session is None:
            self.show([], 0)
            return
        from engine.hints import active_hints  # here: the picker starts without the engine
        from engine.observe import observe

        state = session.state
        hints = active_hints(state.scenario, observe(state))
        self.show(hints[:SHOWN], len(hints) - SHOWN)

    def show(self, hints, more: int) -> None:
        from engine.practices import BY_ID

        self.shown = [h.id for h in hints]
        self.set_class(bool(hints), "-shown")
        if not hints:
            self.update("")
            return
        t = Text()
        for n, h in enumerate(hints):
            if n:
                t.append("\n")
            t.append("Hint ", style="bold reverse")
            t.append(f" {h.title}", style="bold")
            practice = BY_ID[h.practice].name if h.practice in BY_ID else ""
            if practice and practice.lower() != h.title.lower():
                t.append(f"  · {practice}", style="dim")
            if more > 0 and n == len(hints) - 1:
                t.append(f"  (+{more} more after this)", style="dim")
            t.append(f"\n{' '.join(h.text.split())}")
        self.update(t)


def mount_hints(screen) -> None:
    """Give `screen` a hint strip when the game's deal has hints."""
    session = getattr(screen.app, "session", None)
    if session is None or not session.state.scenario.hints or screen.query(HintPanel):
        return
    screen.mount(HintPanel())


def refresh_hints(screen) -> None:
    """Redraw the screen's hint strip (if it has one) from the game as it is now."""
    for panel in screen.query(HintPanel):
        panel.show_for_game()
