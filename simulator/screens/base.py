"""What every game screen shares: the session, applying decisions safely, help text."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen

from simulator.labels import first_name, initials, money, plain, role_label, short
from simulator.widgets.hints import mount_hints, refresh_hints
from simulator.widgets.titlebar import TitleBar

__all__ = ["TitleBar", "first_name", "initials", "money", "plain", "role_label", "short"]

if TYPE_CHECKING:
    from engine.decisions import Decision
    from engine.state import GameState
    from simulator.app import DealcraftApp
    from simulator.saves import Session


# the keys that move within or between a screen's panels; `typed_ahead` binds them
MOVE_KEYS = ("up", "down", "left", "right", "home", "end", "pageup", "pagedown", "tab", "shift+tab")
SCROLL_KEYS = {
    "up": "scroll_up",
    "down": "scroll_down",
    "left": "scroll_left",
    "right": "scroll_right",
    "home": "scroll_home",
    "end": "scroll_end",
    "pageup": "page_up",
    "pagedown": "page_down",
}


def typed_ahead(*bindings: Binding, keys: tuple[str, ...] = ()) -> list[Binding]:
    """A screen's bindings made priority, plus the move keys and `keys` handed to the
    focused widget at once: every key acts as the app reads it, in typing order, so a key
    typed ahead lands on the row the keys before it reached, or on the dialog they opened
    (the app holds keys while a screen is still opening)."""
    own = [b if b.priority else replace(b, priority=True) for b in bindings]
    return own + [
        Binding(key, f"focused_key('{key}')", key, show=False, priority=True)
        for key in (*MOVE_KEYS, *keys)
    ]


@dataclass(frozen=True)
class DecisionApplied:
    """Published on the app's `decision_applied` signal after the session accepted (and
    saved) a decision: every game screen redraws from `state`, the one showing at once,
    the others when they come back."""

    decision: Decision
    state: GameState


class GameScreen(Screen):
    """A screen over the current game: render state, send decisions, never crash on a
    rule: an illegal move shows the engine's reason and changes nothing."""

    HELP: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""

    @property
    def dapp(self) -> DealcraftApp:
        return self.app  # type: ignore[return-value]

    @property
    def session(self) -> Session:
        assert self.dapp.session is not None
        return self.dapp.session

    @property
    def state(self) -> GameState:
        return self.session.state

    @property
    def in_setup(self) -> bool:
        return self.state.phase == "setup"

    SCREEN_NAME = ""  # the name this screen is registered under (screens.registry)

    def setup_step(self, step: int) -> None:
        """Next (+1) or back (-1) along the setup order; after setup the setup screens are
        side screens over the week view, so the same key closes them."""
        from simulator.screens.registry import make, next_in_setup

        if not self.in_setup:
            self.app.pop_screen()
            return
        target = next_in_setup(self.SCREEN_NAME, step)
        if target is not None:
            self.app.switch_screen(make(target))

    def apply(self, decision: Decision, quiet: bool = False) -> bool:
        """Send `decision` through the app; False (with the engine's reason shown unless
        `quiet`) when it is refused. The screen redraws on the DecisionApplied it sets off."""
        reason = self.dapp.apply_decision(decision)
        if reason is not None:
            if not quiet:
                self.notify(reason, title="Not allowed", severity="warning", markup=False)
            return False
        return True

    def on_mount(self) -> None:
        # Textual calls every class's on_mount in turn, so subclasses keep their own
        self.dapp.decision_applied.subscribe(self, self.on_decision_applied, immediate=True)
        mount_hints(self)  # the deal's hints, when it has any (runs after a screen's own)

    def on_decision_applied(self, applied: DecisionApplied) -> None:
        """Redraw now if this screen is showing; otherwise when it is resumed."""
        if self.is_current:
            self.refresh_view()

    _shown: object = None

    def refresh_view(self) -> None:
        """Re-render from the engine state."""
        self._shown = self.dapp.session.state if self.dapp.session else None
        self.render_state()
        refresh_hints(self)

    def render_state(self) -> None:
        """Draw the screen from `self.state` (override)."""

    def title_text(self) -> Text:
        s = self.state
        sc = s.scenario
        t = Text()
        t.append(" Dealcraft ", style="bold reverse")
        t.append(f" {self.TITLE} ", style="bold")
        t.append("· ")
        t.append(sc.title)
        meta = self.session.meta
        if meta.get("workshop"):
            t.append(f" · workshop {meta['workshop']} · team {meta.get('team', '')}")
        if s.phase == "week":
            t.append(f" · week {s.week} of {sc.deal.weeks}", style="bold")
        elif s.phase == "ended":
            t.append(" · deal closed", style="bold")
        return t

    def update_title(self) -> None:
        for bar_ in self.query(TitleBar):
            bar_.update(self.title_text())

    async def action_focused_key(self, key: str) -> None:
        """`key` on the focused widget now (its own binding, the player's keymap applied),
        not after the keys already queued: Tab moves the focus; a panel without a binding
        for a move key scrolls."""
        if key in ("tab", "shift+tab"):
            self.focus_next() if key == "tab" else self.focus_previous()
            return
        widget = self.focused
        if widget is None:
            return
        for node, bindings in self._binding_chain:
            if node is self:
                break
            for b in bindings.key_to_bindings.get(key, ()):
                if not b.priority and await self.app.run_action(b.action, node):
                    return
        scroll = SCROLL_KEYS.get(key)
        if scroll and hasattr(widget, f"action_{scroll}"):
            getattr(widget, f"action_{scroll}")()

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < 100, "-narrow")

    def on_screen_resume(self) -> None:
        # only redraw when a decision was made while another screen was on top
        if self.dapp.session is not None and self.dapp.session.state is not self._shown:
            self.refresh_view()
