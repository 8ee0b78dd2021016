"""End to end: the real `dealcraft` command in a tmux terminal, driven with send-keys.

Start a game, play into week 2, kill the process (SIGKILL, no chance to clean up),
resume with `dealcraft play --resume`, play on, kill it again, resume from the
picker's saved games, and finish the deal. The save must hold every decision made
before each kill.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from engine.loader import find_scenario
from engine.log import GameLog
from scoring.scorecard import score

DEALCRAFT = Path(sys.executable).parent / "dealcraft"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        shutil.which("tmux") is None or not DEALCRAFT.exists(), reason="needs tmux and dealcraft"
    ),
]


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"


class Term:
    def __init__(self, home: Path, width: int = 100, height: int = 32):
        self.home = home
        self.size = (width, height)
        self.name = f"dealcraft-e2e-{uuid.uuid4().hex[:8]}"
        # a private tmux server without user config: never touches the user's sessions
        self.socket = ["-L", self.name, "-f", os.devnull]

    def tmux(self, *args: str, check: bool = True) -> str:
        out = subprocess.run(
            ["tmux", *self.socket, *args], capture_output=True, text=True, check=check
        )
        return out.stdout

    def start(self, *argv: str) -> None:
        env = f"DEALCRAFT_HOME={self.home} TERM=xterm-256color"
        cmd = f"env {env} {DEALCRAFT} {' '.join(argv)}"
        w, h = self.size
        self.tmux("new-session", "-d", "-s", self.name, "-x", str(w), "-y", str(h), cmd)
        self.tmux("resize-window", "-t", self.name, "-x", str(w), "-y", str(h), check=False)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name, check=False)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{self.screen()}")

    def keys(self, *keys: str, settle: float = 0.15) -> None:
        for k in keys:
            self.tmux("send-keys", "-t", self.name, k)
            time.sleep(settle)

    def pid(self) -> int:
        return int(self.tmux("list-panes", "-t", self.name, "-F", "#{pane_pid}").split()[0])

    def kill_app(self) -> None:
        """SIGKILL the game (the pane's process and anything it started): no clean-up."""
        pid = self.pid()
        kids = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
        procs = [pid, *map(int, kids.stdout.split())]
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)
        end = time.monotonic() + 5
        while time.monotonic() < end and (self.alive() or any(_running(p) for p in procs)):
            time.sleep(0.05)

    def alive(self) -> bool:
        probe = ["tmux", *self.socket, "has-session", "-t", self.name]
        return subprocess.run(probe, capture_output=True).returncode == 0

    def close(self) -> None:
        subprocess.run(["tmux", *self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def term(tmp_path):
    t = Term(tmp_path)
    yield t
    t.close()


def save_file(home: Path) -> Path:
    files = sorted((home / "saves").glob("*.json"))
    assert len(files) == 1, files
    return files[0]


def decisions(home: Path) -> list[dict]:
    """The decisions in the save, as written: one record per line after the header."""
    lines = save_file(home).read_text().splitlines()[1:]
    return [json.loads(line)["decision"] for line in lines]


def end_week(term: Term, week: int, weeks: int = 10) -> None:
    term.wait_for(f"week {week} of {weeks}")
    term.keys("e")
    term.wait_for(f"End week {week}?")
    term.keys("y")


def test_kill_and_resume_in_a_real_terminal(term):
    term.start("play", "northwind_new_logo", "--seed", "5")
    term.wait_for("Your briefing")
    term.keys("Enter")
    term.wait_for("Roster")
    term.keys("Space", "q")  # Maya joins as quarterback
    term.wait_for("★ Account")
    term.keys("n")
    term.wait_for("Who on our team reaches whom")
    term.keys("Space")  # Maya connects to Helen Marsh
    term.wait_for("Influence reached: 35%")
    term.keys("n")
    term.wait_for("Strategy focus")
    term.keys("g")
    term.wait_for("Start the deal anyway?")  # a one-person team: the gaps are named first
    term.keys("y")
    term.wait_for("Buying team (our picture)")
    end_week(term, 1)
    term.wait_for("week 2 of 10")

    # killed mid-game: every decision so far is in the save
    term.kill_app()
    kinds = [d["do"] for d in decisions(term.home)]
    assert kinds == ["staff", "assign", "connect", "start", "end_week"]

    term.start("play", "--resume", str(save_file(term.home)))
    term.wait_for("week 2 of 10")
    end_week(term, 2)
    end_week(term, 3)
    term.wait_for("week 4 of 10")
    term.kill_app()
    assert [d["do"] for d in decisions(term.home)].count("end_week") == 3

    # resume from the picker's saved games
    term.start("play")
    term.wait_for("Saved games")
    term.wait_for("week 4 (seed 5)")
    term.keys("Tab", "Enter")
    for week in range(4, 11):
        end_week(term, week)
    screen = term.wait_for("Debrief")
    assert "Score" in screen and "expected (luck-free)" in screen
    assert any(r in screen for r in ("WIN", "LOSS", "NO DECISION"))
    assert [d["do"] for d in decisions(term.home)].count("end_week") == 10
    # the score on screen is the one a headless replay of the save gives
    log = GameLog.load(save_file(term.home))
    card = score(log.replay(find_scenario(log.scenario_id)).trace()).game(0)
    assert f"Score {card['score']:.1f}" in screen
    term.keys("C-q")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_signal_restores_the_terminal_and_keeps_the_save(term, sig):
    """SIGTERM, SIGHUP or SIGINT: the game ends the normal way, the terminal leaves the
    alternate screen with mouse tracking off, the exit code is 128 + the signal, and
    every decision made is in the save."""
    env = f"DEALCRAFT_HOME={term.home} TERM=xterm-256color"
    w, h = term.size
    script = f"env {env} {DEALCRAFT} play northwind-new-logo --seed 3; echo exit=$?; sleep 60"
    term.tmux("new-session", "-d", "-s", term.name, "-x", str(w), "-y", str(h), script)
    term.wait_for("Your briefing")
    term.keys("Enter")
    term.wait_for("Roster")
    term.keys("Space", "q")  # Maya joins as quarterback: two decisions to keep
    term.wait_for("★ Ac")  # "★ Account", or "★ Ac" before the window has its width
    kept = decisions(term.home)
    assert [d["do"] for d in kept] == ["staff", "assign"]
    shell = term.pid()
    child = subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True)
    os.kill(int(child.stdout.split()[0]), sig)
    term.wait_for(f"exit={128 + sig}")
    flags = term.tmux("display-message", "-p", "-t", term.name, "#{alternate_on} #{mouse_any_flag}")
    assert flags.split() == ["0", "0"]
    assert decisions(term.home) == kept


def test_a_closed_window_ends_the_game_process_and_keeps_the_save(term):
    """The terminal goes away (the tmux server is killed, as when a window or an SSH
    session closes): the game process is gone within seconds instead of hanging on
    output nobody reads, and every decision made is in the save."""
    term.start("play", "northwind-new-logo", "--seed", "3")
    term.wait_for("Your briefing")
    term.keys("Enter")
    term.wait_for("Roster")
    term.keys("Space", "q")
    term.wait_for("★ Ac")
    kept = decisions(term.home)
    shell = term.pid()
    game = [
        shell,
        *map(
            int,
            subprocess.run(
                ["pgrep", "-P", str(shell)], capture_output=True, text=True
            ).stdout.split(),
        ),
    ]
    term.tmux("kill-server")
    end = time.monotonic() + 15
    while time.monotonic() < end and any(_running(p) for p in game):
        time.sleep(0.1)
    assert not any(_running(p) for p in game)
    assert decisions(term.home) == kept


def test_saving_the_scenario_while_playing_reloads_and_replays(term, tmp_path):
    """`dealcraft play FILE --watch`: an edit that keeps the game legal replays all of it;
    a broken file is shown and the old version kept; an edit that makes a decision
    illegal replays up to it and says where it stopped and why."""
    root = Path(__file__).resolve().parents[1]
    scenario = tmp_path / "northwind.yaml"
    shutil.copy(root / "scenarios" / "northwind_new_logo.yaml", scenario)
    plan = root / "plans" / "northwind_new_logo.plan.yaml"
    term.size = (140, 40)
    term.start("play", str(scenario), "--plan", str(plan), "--warp", "3", "--seed", "2", "--watch")
    term.wait_for("week 3 of 10")
    term.wait_for("Watching northwind.yaml")
    text = scenario.read_text()
    scenario.write_text(text.replace('the first deal"', 'the first deal, v2"', 1))
    screen = term.wait_for("Scenario reloaded")
    assert "replayed all" in " ".join(screen.split())
    term.wait_for("week 3 of 10")
    scenario.write_text("id: [broken\n")
    screen = term.wait_for("Scenario not reloaded")
    assert "yaml.syntax" in screen
    slow = text.replace(
        "    hours: 4\n    roles: [quarterback, solution_consultant]\n",
        "    hours: 30\n    roles: [quarterback, solution_consultant]\n",
        1,
    )
    time.sleep(1.0)
    scenario.write_text(slow)
    screen = term.wait_for("stopped at decision")
    assert "hours" in " ".join(screen.split())
    saves = sorted((term.home / "saves").glob("*.json"))
    assert len(saves) == 3  # the warp's save, then one per reloaded version
    versions = {json.loads(p.read_text().splitlines()[0])["content_hash"] for p in saves}
    assert len(versions) == 3
