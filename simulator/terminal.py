"""Is the terminal still there? Lets the Textual apps quit when their window goes away,
and leave it as they found it when they are told to stop (a signal)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import termios
import threading


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


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
STOP_GRACE_S = 3.0


def stop(app, code: int = 0) -> None:
    """End `app` the normal way, and end the process outright if that has not finished
    within STOP_GRACE_S: with its terminal gone, Textual's shutdown can wait forever on
    output nobody will read. Every decision is saved when it is made, so nothing is lost."""
    _exit_later(code)
    app.exit(None, code)


def _exit_later(code: int) -> None:
    timer = threading.Timer(STOP_GRACE_S, os._exit, (code,))
    timer.daemon = True
    timer.start()


def exit_on_signals(app) -> None:
    """Make SIGINT, SIGTERM, SIGHUP and SIGQUIT end `app` the normal way, so Textual puts the
    terminal back (alternate screen off, mouse tracking off) and the exit code is 128 + the
    signal's number; the process ends outright STOP_GRACE_S later if that has not finished.
    The handler is the interpreter's, not the event loop's: a loop blocked on output to a
    terminal that has gone (the SIGHUP case) would never run it. Every decision is already
    saved when it is made. Call from on_mount."""
    loop = asyncio.get_running_loop()

    def on_signal(sig: int, _frame) -> None:
        _exit_later(128 + sig)
        loop.call_soon_threadsafe(app.exit, None, 128 + sig)

    for sig in STOP_SIGNALS:
        try:
            signal.signal(sig, on_signal)
        except (RuntimeError, ValueError):  # not the main thread
            return
