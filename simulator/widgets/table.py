"""A DataTable that keeps its rendered cells when a screen comes back unchanged.

Textual re-applies styles to every widget when a screen is resumed, and DataTable
answers by dropping all its render caches, so returning to the week view re-rendered
every cell. This table only drops them when something that colours cells changed
(theme, base style, focus or hover); data changes clear them as usual.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable


class GameTable(DataTable):
    """Home and End move the cursor to the first and last row (DataTable only scrolls)."""

    BINDINGS = [
        Binding("home", "first_row", "First row", show=False, id="table.first"),
        Binding("end", "last_row", "Last row", show=False, id="table.last"),
    ]
    _style_key: tuple | None = None

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)

    def notify_style_update(self) -> None:
        key = (
            self.app.theme,
            self.rich_style if self.is_mounted else None,
            self.has_focus,
            self.mouse_hover,
            self.disabled,
        )
        if key == self._style_key and self.is_mounted:
            Widget.notify_style_update(self)
            self.refresh()
            return
        self._style_key = key
        super().notify_style_update()
