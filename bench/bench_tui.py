"""TUI responsiveness, measured in one run on a real pseudo-terminal.

1. Start-up: time from launching `dealcraft` to the picker painted with the scenario
   list, against a bare Textual app that paints one label (target <= 1.5x).
2. Keypress-to-repaint on the week view of the largest shipped scenario: the time from
   writing a key to the terminal until the app's repaint has been written out (the
   output burst ends). Keys: a cursor move in the buying-team table, and opening then
   closing the team screen with t and n (a full re-render of the week view).
   Target: median < 50 ms. The end of a repaint is the last byte before 40 ms of quiet.

Usage: python bench/bench_tui.py [RUNS]
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEALCRAFT = str(Path(PYTHON).parent / "dealcraft")
COLS, ROWS = 100, 32

BARE_APP = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("bench-ready")

Bare().run()
"""


class Pty:
    """A child process on a pseudo-terminal of COLS x ROWS."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        self.t0 = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.execve(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.buffer = b""

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return b""
        self.buffer += data
        return data

    def wait_for(self, marker: bytes, timeout: float = 30.0) -> float:
        """Seconds from spawn until `marker` has been written to the terminal."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            self.read(0.01)
            if marker in self.buffer:
                return time.perf_counter() - self.t0
        raise RuntimeError(f"{marker!r} never appeared")

    def drain(self, quiet: float = 0.3) -> None:
        while self.read(quiet):
            pass

    def key_latency(self, key: bytes, quiet: float = 0.04) -> float:
        """Seconds from writing `key` until the repaint it causes has been written out."""
        self.drain()
        t0 = time.perf_counter()
        os.write(self.fd, key)
        last = None
        deadline = t0 + 2.0
        while time.perf_counter() < deadline:
            if self.read(quiet if last else 1.0):
                last = time.perf_counter()
            elif last is not None:
                break
        if last is None:
            raise RuntimeError(f"no repaint after {key!r}")
        return last - t0

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        os.close(self.fd)


def env_for(home: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DEALCRAFT_HOME=home, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
    env.pop("TEXTUAL", None)
    return env


def startup(argv: list[str], marker: bytes, env: dict[str, str]) -> float:
    p = Pty(argv, env)
    try:
        return p.wait_for(marker)
    finally:
        p.close()


def largest_scenario():
    from engine.loader import builtin_scenarios

    def size(s):
        return len(s.stakeholders) * len(s.dimensions) + len(s.roster) + len(s.actions)

    return max(builtin_scenarios(), key=size)


def prepare_week_save(home: str) -> tuple[Path, str]:
    """A save of the largest scenario, staffed, connected and started, at week 3."""
    from engine.decisions import Assign, Connect, EndWeek, Staff, Start
    from simulator.saves import Session

    scenario = largest_scenario()
    s = Session.new(scenario, seed=1, folder=Path(home) / "saves")
    c = s.state.compiled
    qb = c.roles[c.qb_role]
    others = [r for r in c.roles if r != qb]
    for n, m in enumerate(c.members[:4]):
        s.apply(Staff(m, ("priorities", "commitment", "followup", "contingency")))
        s.apply(Assign(m, qb if n == 0 else others[(n - 1) % len(others)]))
    for n, st in enumerate(c.stakeholders):
        s.apply(Connect(s.state.staffed()[n % len(s.state.staffed())], st))
    s.apply(Start())
    s.apply(EndWeek())
    s.apply(EndWeek())
    return s.path, scenario.title


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as home:
        env = env_for(home)
        bare_file = Path(home) / "bare.py"
        bare_file.write_text(BARE_APP)
        # warm the OS file cache and Python's bytecode caches once
        startup([PYTHON, str(bare_file)], b"bench-ready", env)
        startup([DEALCRAFT, "play"], b"Saved games", env)

        bare, ours = [], []
        for _ in range(runs):
            bare.append(startup([PYTHON, str(bare_file)], b"bench-ready", env))
            ours.append(startup([DEALCRAFT, "play"], b"Northwind", env))
        b, o = statistics.median(bare), statistics.median(ours)
        print(f"start-up to first paint (median of {runs}, {COLS}x{ROWS} pty)")
        print(f"  bare Textual app, one label : {b * 1000:7.0f} ms")
        print(f"  dealcraft picker, scenarios : {o * 1000:7.0f} ms")
        print(f"  ratio                       : {o / b:7.2f}x  (target <= 1.5x)")

        save, title = prepare_week_save(home)
        p = Pty([DEALCRAFT, "play", "--resume", str(save)], env)
        keys: dict[str, list[float]] = {
            "cursor move (down/up)": [],
            "open schedule dialog (a)": [],
            "open end-week dialog (e)": [],
            "open team screen (t)": [],
            "back to week view (n)": [],
        }
        try:
            p.wait_for(b"Pipeline dashboard")
            p.drain(0.5)
            for n in range(20):
                keys["cursor move (down/up)"].append(
                    p.key_latency(b"\x1b[B" if n % 2 else b"\x1b[A")
                )
            for _ in range(8):
                keys["open schedule dialog (a)"].append(p.key_latency(b"a"))
                p.key_latency(b"\x1b")  # close (escape is slower to parse; not counted)
                keys["open end-week dialog (e)"].append(p.key_latency(b"e"))
                p.key_latency(b"n")  # "no"
                keys["open team screen (t)"].append(p.key_latency(b"t"))
                keys["back to week view (n)"].append(p.key_latency(b"n"))
        finally:
            p.close()
        print(f"\nkeypress to repaint, week view of '{title}' (target: median < 50 ms)")
        every = [x for v in keys.values() for x in v]
        for name, values in keys.items():
            med, top = statistics.median(values) * 1000, max(values) * 1000
            print(f"  {name:<26} n={len(values):<3} median {med:6.1f} ms   max {top:6.1f} ms")
        print(
            f"  {'all keys':<26} n={len(every):<3} median {statistics.median(every) * 1000:6.1f} ms"
        )


if __name__ == "__main__":
    main()
