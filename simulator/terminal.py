"""Is the terminal still there? Lets the Textual apps quit when their window goes away."""

from __future__ import annotations

import os
import sys
import termios


def terminal_fd() -> int | None:
    """stdin's descriptor when running in a real terminal, else None (tests, browser)."""
    try:
        fd = sys.__stdin__.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    return fd if os.isatty(fd) else None


def terminal_alive(fd: int | None) -> bool:
    """False once the terminal behind `fd` has hung up."""
    if fd is None:
        return False
    try:
        termios.tcgetattr(fd)
    except (termios.error, OSError):
        return False
    return True
