"""The strategy focus editor: weights over the customer's priority dimensions, with the
team's current estimate of what the customer as a whole cares about beside each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from simulator.textcharts import bar

if TYPE_CHECKING:
    from engine.state import GameState

STEP = 5


def same_focus(a: dict[str, float], b: dict[str, float]) -> bool:
    """Two focus weightings say the same thing (as shares, so 25/25/25/25 equals 1/1/1/1)."""
    ta, tb = sum(a.values()) or 1.0, sum(b.values()) or 1.0
    return all(abs(a[d] / ta - b.get(d, 0.0) / tb) < 1e-6 for d in a)


def customer_estimate(state: GameState) -> dict[str, float]:
    """Influence-weighted estimate of the buying team's priorities, from what the team knows."""
    from engine.observe import observe

    obs = observe(state)["stakeholders"]
    total = sum(x["influence"] for x in obs) or 1.0
    dims = state.compiled.dims
    return {d: sum(x["influence"] * x["priorities"][d] for x in obs) / total for d in dims}


class FocusEditor(Widget, can_focus=True):
    """Up/down choose a dimension; left/right move weight in steps of 5 points."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Previous", show=False, id="focus.previous"),
        Binding("down,j", "cursor(1)", "Next", show=False, id="focus.next"),
        Binding("left,minus,h", "nudge(-1)", "Less", show=True, id="focus.less"),
        Binding("right,plus,l,equals_sign", "nudge(1)", "More", show=True, id="focus.more"),
    ]

    cursor = reactive(0)

    class Changed(Message):
        """The draft weights changed."""

    def __init__(self, state: GameState, id: str | None = None) -> None:
        super().__init__(id=id)
        self.names = [d.name for d in state.scenario.dimensions]
        self.dims = list(state.compiled.dims)
        self.load(state)

    def load(self, state: GameState) -> None:
        """Take the team's current focus (as points of 100, exactly: a rounded draft would
        differ from the focus it shows and look like a change) and estimate from `state`."""
        focus = state.focus()
        total = sum(focus.values()) or 1.0
        self.points = [100 * focus[d] / total for d in self.dims]
        self.estimate = customer_estimate(state)

    def reset(self, state: GameState) -> None:
        self.load(state)
        self.refresh()

    def weights(self) -> dict[str, float]:
        return {d: float(p) for d, p in zip(self.dims, self.points, strict=True)}

    def action_cursor(self, step: int) -> None:
        self.cursor = (self.cursor + step) % len(self.dims)

    def action_nudge(self, step: int) -> None:
        p = self.points
        p[self.cursor] = min(100, max(0, p[self.cursor] + step * STEP))
        self.refresh()
        self.post_message(self.Changed())

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.dims) + 1

    def render(self) -> Text:
        total = sum(self.points) or 1
        width = max(6, min(20, self.size.width - 46))
        out = Text()
        out.append(
            f"{'':2}{'Priority':<18} {'Our focus':<{width + 5}}  Customer (est.)\n", style="bold"
        )
        for n, (d, name) in enumerate(zip(self.dims, self.names, strict=True)):
            share = self.points[n] / total
            here = n == self.cursor
            style = "reverse" if here and self.has_focus else "bold" if here else ""
            out.append("› " if here else "  ")
            out.append(f"{name[:18]:<18}", style=style)
            out.append(f" {bar(share, width)} {share:>4.0%}")
            est = self.estimate.get(d, 0.0)
            out.append(f"  {bar(est, 8)} {est:>4.0%}", style="dim")
            if n < len(self.dims) - 1:
                out.append("\n")
        return out
