"""The terminal watchdog that lets the apps quit when their window goes away."""

import os
import pty

from simulator.terminal import terminal_alive


def test_terminal_watchdog_sees_a_lost_terminal():
    """The game quits instead of spinning when its terminal goes away."""
    master, slave = pty.openpty()
    assert terminal_alive(slave)
    os.close(slave)
    os.close(master)
    assert not terminal_alive(slave)
    assert not terminal_alive(None)
