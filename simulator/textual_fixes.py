"""A guard around one Textual 8.2 bug the key walk found: Page Up/Down in an OptionList
that has not laid out its lines yet (the command palette's list, the moment it opens)
raises KeyError and ends the app. The guard lays the lines out first, and does nothing
when there are none to move over."""

from __future__ import annotations

from textual.widgets import OptionList

_move_page = OptionList._move_page


def _safe_move_page(self: OptionList, direction) -> None:
    self._update_lines()
    if (self.highlighted or 0) not in self._index_to_line or not self._lines:
        return
    _move_page(self, direction)


if getattr(OptionList._move_page, "__name__", "") != "_safe_move_page":
    OptionList._move_page = _safe_move_page
