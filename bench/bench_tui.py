"""TUI responsiveness, measured in one run on a real pseudo-terminal.

1. Start-up: time from launching `dealcraft` to the picker painted with the scenario
   list, against a bare Textual app that paints one label (target <= 1.5x).
2. Keypress-to-repaint on the week view of the largest shipped scenario: the time from
   writing a key to the terminal until the app's repaint has been written out (the
   output burst ends). Keys: a cursor move in the buying-team table, and opening then
   closing the team screen with t and n (a full re-render of the week view).
   Target: median < 50 ms. The end of a repaint is the last byte before 40 ms of quiet.

The picker reads scenario titles from a small cache keyed by file stamp (written on the
first run), so it paints without loading the engine; the first-run figure is printed too.

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

    def key_latency(self, key: bytes, quiet: float = 0.04, gap: float = 0.004):
        """(first frame, settled) seconds after writing `key`.

        First frame: the end of the first group of output chunks (no gap over 4 ms) that
        carries at least 1 KB, i.e. a real repaint, not a cursor or mode sequence.
        Settled: the last byte before 40 ms of quiet (focus highlights and the key line
        often follow in later frames)."""
        self.drain()
        t0 = time.perf_counter()
        os.write(self.fd, key)
        first = None
        last = group_end = None
        group_bytes = 0
        deadline = t0 + 2.0
        while time.perf_counter() < deadline:
            wait = 1.0 if last is None else gap
            data = self.read(wait)
            now = time.perf_counter()
            if data:
                if group_end is not None and now - group_end > gap:
                    group_bytes = 0
                group_bytes += len(data)
                last = group_end = now
                continue
            if last is None:
                break
            if first is None and group_bytes >= 1024:
                first = group_end
            if now - last >= quiet:
                break
        if last is None:
            raise RuntimeError(f"no repaint after {key!r}")
        return (first or last) - t0, last - t0

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
    # the warm-up run writes the bytecode caches an installed game has (pip compiles on
    # install); an inherited PYTHONDONTWRITEBYTECODE had every run compile dealcraft's
    # modules from source, a cost the bare app (Textual's cached bytecode) never paid
    env.pop("PYTHONDONTWRITEBYTECODE", None)
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
    s.path.with_name(s.path.name + ".lock").unlink(missing_ok=True)  # hand it to the game
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

        cache = Path(home) / "cache" / "scenario-cards.json"
        bare, ours, cold = [], [], []
        for _ in range(runs):
            bare.append(startup([PYTHON, str(bare_file)], b"bench-ready", env))
            ours.append(startup([DEALCRAFT, "play"], b"Northwind", env))
            cache.unlink(missing_ok=True)
            cold.append(startup([DEALCRAFT, "play"], b"Northwind", env))
        b, o, c = (statistics.median(x) for x in (bare, ours, cold))
        print(f"start-up to first paint (median of {runs}, {COLS}x{ROWS} pty)")
        print(f"  bare Textual app, one label      : {b * 1000:6.0f} ms")
        print(
            f"  dealcraft picker with scenarios  : {o * 1000:6.0f} ms  {o / b:5.2f}x"
            "  (target <= 1.5x)"
        )
        print(f"  same, first run (no card cache)  : {c * 1000:6.0f} ms  {c / b:5.2f}x")

        save, title = prepare_week_save(home)
        p = Pty([DEALCRAFT, "play", "--resume", str(save)], env)
        names = {
            "cursor move (down/up)": 20,
            "open schedule dialog (a)": 10,
            "open end-week dialog (e)": 10,
            "open team screen (t)": 10,
            "back to week view (n)": 10,
        }
        first: dict[str, list[float]] = {k: [] for k in names}
        settled: dict[str, list[float]] = {k: [] for k in names}

        def measure(name: str, key: bytes) -> None:
            f, s_ = p.key_latency(key)
            first[name].append(f)
            settled[name].append(s_)

        try:
            p.wait_for(b"Pipeline dashboard")
            p.drain(0.5)
            p.key_latency(b"t")  # build the team screen once (it is kept for the game)
            p.key_latency(b"n")
            for n in range(names["cursor move (down/up)"]):
                measure("cursor move (down/up)", b"\x1b[B" if n % 2 else b"\x1b[A")
            for _ in range(10):
                measure("open schedule dialog (a)", b"a")
                p.key_latency(b"\x1b")  # close (a lone escape waits for the parser)
                measure("open end-week dialog (e)", b"e")
                p.key_latency(b"n")  # answer "no"
                measure("open team screen (t)", b"t")
                measure("back to week view (n)", b"n")
        finally:
            p.close()
        print(f"\nkeypress to repaint, week view of '{title}' (target: median < 50 ms)")
        print(f"  {'key':<26} {'n':>3}  {'first frame':>22}  {'settled':>22}")
        for name in names:
            f, s_ = first[name], settled[name]
            print(
                f"  {name:<26} {len(f):>3}  median {statistics.median(f) * 1000:5.1f} "
                f"max {max(f) * 1000:5.1f}  median {statistics.median(s_) * 1000:5.1f} "
                f"max {max(s_) * 1000:5.1f}"
            )
        all_f = [x for v in first.values() for x in v]
        all_s = [x for v in settled.values() for x in v]
        print(
            f"  {'all keys':<26} {len(all_f):>3}  median {statistics.median(all_f) * 1000:5.1f}"
            f" {'':9}  median {statistics.median(all_s) * 1000:5.1f} (ms)"
        )


if __name__ == "__main__":
    main()
