"""The deal library as the picker orders it: a guided first deal leads for a new player.

A scenario marked `tutorial: true` is offered first to a player with no saved games
(nothing in their saves folder yet); once they have played, the library keeps its usual
order (shipped deals by difficulty, then title).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def has_saves(folder: Path | None = None) -> bool:
    """Whether the player has any saved game (damaged ones count: they have played)."""
    from simulator.saves import saves_dir

    folder = folder or saves_dir()
    try:
        return folder.is_dir() and any(folder.glob("*.json"))
    except OSError:
        return True  # an unreadable folder: keep the usual order


def tutorial_first(cards: Sequence[T], saves_folder: Path | None = None) -> list[T]:
    """`cards` with the tutorials moved to the front (in their order) for a new player."""
    cards = list(cards)
    if has_saves(saves_folder):
        return cards
    return [c for c in cards if getattr(c, "tutorial", False)] + [
        c for c in cards if not getattr(c, "tutorial", False)
    ]
