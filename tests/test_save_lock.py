"""A save open in one window cannot be written from a second: the second is told who has
it open (save.locked) instead of silently overwriting its decisions (issue 11)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.decisions import Assign, Staff
from engine.loader import find_scenario
from engine.problems import InputError
from simulator.saves import Session

ROOT = Path(__file__).resolve().parent.parent
HOLD = (
    "import sys, time; from simulator.saves import Session; "
    "Session.resume(sys.argv[1]); print('holding', flush=True); time.sleep(30)"
)


def _saved(home) -> Session:
    s = Session.new(find_scenario("northwind-new-logo"), seed=2)
    assert s.apply(Staff("maya")) is None
    return s


def test_a_second_window_is_refused_while_the_first_has_the_save(home):
    s = _saved(home)
    lock = s.path.with_name(s.path.name + ".lock")
    lock.unlink()  # as if this process had closed the game
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(s.path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout.readline().strip() == "holding"
        with pytest.raises(InputError) as exc:
            Session.resume(s.path)
        assert exc.value.codes == ["save.locked"]
        assert s.apply(Assign("maya", "quarterback")) is not None  # refused, not overwritten
        assert len(s.state.history) == 1
    finally:
        other.kill()
        other.wait()
    time.sleep(0.05)
    again = Session.resume(s.path)  # the holder has ended: its lock is taken over
    assert again.apply(Assign("maya", "quarterback")) is None
