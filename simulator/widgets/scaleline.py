"""A sparkline on a fixed 0..1 scale, so a flat series draws flat and a fall looks its size.

Textual's Sparkline scales each series between its own minimum and maximum, which turns
a drift from 80 to 79 into a cliff; the dashboard needs the absolute picture.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from simulator.widgets.charts import column


class ScaleLine(Widget):
    """One bar per week (values in 0..1), each bar as wide as the widget allows."""

    DEFAULT_CSS = """
    ScaleLine {
        height: 2;
        width: 1fr;
        color: $success;
    }
    """
    data: reactive[tuple[float, ...]] = reactive(tuple)

    def render(self) -> Text:
        values = self.data
        width, height = self.size.width, max(self.size.height, 1)
        out = Text()
        if not values or width <= 0:
            return out
        cell = max(1, width // len(values))
        shown = values[-(width // cell) :]
        for row in range(height):
            if row:
                out.append("\n")
            out.append("".join(column(v, height, row) * cell for v in shown))
        return out
