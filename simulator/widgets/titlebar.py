"""The one line at the top of every screen: where you are and the headline numbers.

Its own module so that the picker, the first screen, shows it without loading what the game
screens share (simulator.screens.base, the labels and the hints)."""

from __future__ import annotations

from textual.widgets import Static


class TitleBar(Static):
    """One line at the top of a screen: where you are and the headline numbers."""
