"""The board's side of rounds: the countdown badge, the submitted / still-playing line,
the last message, and the dialog that asks for a round's minutes or a message."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from simulator.workshop.rounds import MAX_BROADCAST, MAX_MINUTES, clock_text

MINUTES_INPUT = r"\d{0,3}(\.\d{0,2})?"  # cannot backtrack (tests/test_input_caps.py)


def round_badge(state: dict | None) -> Text:
    """' setup 4:59 ' while a round runs (red in its last minute), else nothing."""
    t = Text(no_wrap=True)
    rnd = (state or {}).get("round")
    if rnd:
        left = rnd.get("remaining_s")
        style = "bold reverse red" if left is not None and left < 60 else "bold reverse cyan"
        t.append(f" {rnd['label']} {clock_text(left)} ", style=style)
        t.append(" ")
    return t


def round_lines(state: dict | None) -> Text:
    """The round's submitted and still-playing teams, and the last message (recap box)."""
    t = Text()
    rnd = (state or {}).get("round")
    if rnd:
        done, playing = rnd.get("submitted", []), rnd.get("playing", [])
        t.append(f"Round {rnd['label']}", style="bold")
        t.append(f" ({clock_text(rnd.get('remaining_s'))} left) " if rnd["minutes"] else " ")
        t.append(f"submitted {len(done)}/{len(done) + len(playing)}: ", style="bold")
        t.append(", ".join(done) or "none")
        t.append(" · still playing: ", style="bold")
        t.append(", ".join(playing) or "none")
        t.append("\n")
    msg = (state or {}).get("broadcast")
    if msg:
        t.append("Message: ", style="bold")
        t.append(msg["text"])
        t.append("\n")
    return t


class AskModal(ModalScreen[str | None]):
    """Ask for one line of text (a round's minutes, a message); Enter returns it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, hint: str, minutes: bool) -> None:
        super().__init__()
        self.title_text, self.hint, self.minutes = title, hint, minutes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"))
            if self.minutes:
                yield Input(restrict=MINUTES_INPUT, max_length=6, id="ask-input")
            else:
                yield Input(max_length=200, id="ask-input")  # MAX_BROADCAST
            yield Static(Text(self.hint, style="dim"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def minutes_modal() -> AskModal:
    return AskModal(
        "Start a round: minutes for every team to end the week",
        f"Blank: untimed (it ends when every team is done). 0: stop the rounds. "
        f"At most {MAX_MINUTES:g}.",
        True,
    )


def message_modal() -> AskModal:
    return AskModal(
        "Message to every team",
        f"Shown on every team's screen until the next one. Blank clears it. "
        f"At most {MAX_BROADCAST} characters.",
        False,
    )


def parse_minutes(value: str) -> tuple[str, float | None] | None:
    """('start', minutes or None) or ('stop', None) from the dialog; None when not a number."""
    value = value.strip()
    if not value:
        return "start", None
    try:
        minutes = float(value)
    except ValueError:
        return None
    if minutes == 0:
        return "stop", None
    return ("start", minutes) if 0 < minutes <= MAX_MINUTES else None
