"""The workshop strip: one line on every player screen of a workshop game (setup too)
saying what the facilitator is doing: paused, held at a week, results revealed, and
what the teams heard with the last custom shift that reached this team.

`attach(app)` is the one hook: it polls the seat's status off the UI thread and
mounts a strip on each screen the app shows (modal dialogs excepted).
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.screen import ModalScreen
from textual.widgets import Static

from engine.decisions import Shift

POLL_S = 3.0  # seconds between status reads


class SessionStrip(Static):
    DEFAULT_CSS = """
    SessionStrip {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """


def strip_text(
    info,
    code: str,
    team: str,
    signal: str | None = None,
    round_: dict | None = None,
    broadcast: dict | None = None,
) -> Text:
    """The strip's line: the pacing badges and the round's time left, the session and
    team, then the facilitator's message and the last shift's signal."""
    t = Text(no_wrap=True, overflow="ellipsis")
    if round_:
        from simulator.workshop.rounds import clock_text

        left = round_.get("remaining_s")
        style = "bold reverse red" if left is not None and left < 60 else "bold reverse cyan"
        t.append(f" {round_['label']}: {clock_text(left)} ", style=style)
        t.append(" ")
    if info is not None and info.paused:
        t.append(" PAUSED ", style="bold reverse red")
        t.append(" ")
    if info is not None and info.hold_week is not None:
        t.append(f" HOLD at {info.hold_label} ", style="bold reverse yellow")
        t.append(" ")
    if info is not None and info.revealed:
        t.append(" results revealed ", style="bold reverse green")
        t.append(" ")
    t.append(f"Workshop {code} · {team}")
    if info is None:
        t.append(" · status unknown (reconnecting)", style="dim")
    if broadcast and broadcast.get("text"):
        t.append(" · Message: ", style="bold")
        t.append(str(broadcast["text"]))
    if signal:
        t.append(" · Facilitator: ", style="bold")
        t.append(signal)
    return t


def last_signal(team, state) -> str | None:
    """What the teams heard with the last custom shift in this game's log (embedded mode:
    the seat can read the session's shifts; a seat on a server has none to read)."""
    store = getattr(team, "store", None)
    row = getattr(team, "_row", None)
    if store is None or row is None or state is None:
        return None
    got = sum(isinstance(d, Shift) for d in state.history)
    if not got:
        return None
    shifts = store.shifts(row["id"])
    signals = [s.get("signal") for s in shifts[:got]]
    return next((s for s in reversed(signals) if s), None)


class Strips:
    """The app's strips and the poller that feeds them."""

    def __init__(self, app):
        self.app = app
        self.text = Text("")
        self.timer = None
        self.last = None  # (info, code, team, round/broadcast/signal, monotonic time read)

    def session(self):
        s = getattr(self.app, "session", None)
        return s if s is not None and getattr(s, "team", None) is not None else None

    def poll(self) -> None:
        session = self.session()
        if session is None:
            return
        self.app.run_worker(
            lambda: self._read(session), thread=True, exclusive=True, group="workshop-strip"
        )

    def _read(self, session) -> None:
        team = session.team
        from simulator.workshop.rounds import seat_state

        try:
            info = team.status()
            extra = seat_state(team, session.state)
        except Exception:  # noqa: BLE001 - an unreachable server: say so, keep playing
            info, extra = None, {}
        self.last = (info, session.meta.get("workshop", ""), team.team, extra, time.monotonic())
        self.app.call_from_thread(self.show, self.render())

    def render(self) -> Text:
        """The line from the last status read, the round's time left counted down since."""
        if self.last is None:
            return self.text
        info, code, team, extra, at = self.last
        rnd = dict(extra["round"]) if extra.get("round") else None
        if rnd and rnd.get("remaining_s") is not None and not rnd.get("paused"):
            rnd["remaining_s"] = max(0.0, rnd["remaining_s"] - (time.monotonic() - at))
        return strip_text(info, code, team, extra.get("signal"), rnd, extra.get("broadcast"))

    def tick(self) -> None:
        """Redraw the countdown every second between status reads."""
        if self.last is not None and self.last[3].get("round"):
            self.show(self.render())

    def show(self, text: Text) -> None:
        self.text = text
        for screen in self.app.screen_stack:
            for strip in screen.query(SessionStrip):
                strip.update(text)

    def on_screen(self, screen) -> None:
        if self.session() is None or isinstance(screen, ModalScreen):
            return
        if not screen.query(SessionStrip):
            screen.mount(SessionStrip(self.text))
        self.poll()


def attach(app) -> Strips:
    """Show the workshop strip on every screen of `app` while a workshop game is open."""
    strips = getattr(app, "_workshop_strips", None)
    if strips is None:
        strips = Strips(app)
        app._workshop_strips = strips
        app.screen_change_signal.subscribe(app, strips.on_screen)
        strips.timer = app.set_interval(POLL_S, strips.poll)
        strips.ticker = app.set_interval(1.0, strips.tick)
    return strips
