"""Many players appending to one SQLite store at once: nothing lost, nothing corrupted.

30 player processes each append 200 decisions to the same store; a player
killed with SIGKILL in the middle of writing leaves the store readable and its
log whole (every stored decision is complete and in order).
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.decisions import Focus
from simulator.workshop import session as ws
from simulator.workshop.store import Store

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PLAYERS = 30
DECISIONS = 200

PLAYER = r"""
import os, sys, time
from engine.decisions import Focus
from simulator.workshop.session import join

url, code, i, go, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
team = join(code, f"Team {i}", url)
start = len(team.log())
open(f"{go}.ready{i}", "w").close()
while not os.path.exists(go):
    time.sleep(0.005)
j = start
while n < 0 or j < n:
    team.append(Focus({"cost": float(i), "risk": float(j)}))
    j += 1
"""


def _spawn(url, code, i, go, n):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", PLAYER, url, code, str(i), str(go), str(n)],
        env=env,
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )


def _integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def _check_team(store: Store, team_id: int, i: int) -> int:
    n, rows = store.check_log(team_id)
    assert n == rows
    bodies = store.log(team_id)
    assert len(bodies) == n
    for j, body in enumerate(bodies):  # complete, in order, nothing duplicated
        assert ws.decode(body) == Focus({"cost": float(i), "risk": float(j)})
        assert json.loads(body)["do"] == "focus"
    return n


@pytest.fixture
def shared(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path))
    db = tmp_path / "class.sqlite3"
    url = f"sqlite:///{db}"
    info, _ = ws.create_session("northwind-new-logo", seed=1, db=url)
    return url, db, info.code, tmp_path


def _wait_ready(go: Path, ids, procs, timeout=45.0):
    end = time.monotonic() + timeout
    while not all(Path(f"{go}.ready{i}").exists() for i in ids):
        for p in procs:
            if p.poll() not in (None, 0):
                raise AssertionError(p.stderr.read().decode())
        assert time.monotonic() < end, "players did not start in time"
        time.sleep(0.02)


def test_thirty_players_append_at_once(shared):
    url, db, code, tmp = shared
    go = tmp / "go"
    procs = [_spawn(url, code, i, go, DECISIONS) for i in range(PLAYERS)]
    try:
        _wait_ready(go, range(PLAYERS), procs)
        go.touch()  # everyone starts writing together
        for p in procs:
            _, err = p.communicate(timeout=60)
            assert p.returncode == 0, err.decode()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert _integrity(db) == "ok"
    store = Store(url)
    row = store.session(code)
    teams = {t.name: t for t in store.team_counts(row["id"])}
    assert len(teams) == PLAYERS
    for i in range(PLAYERS):
        assert _check_team(store, teams[f"Team {i}"].id, i) == DECISIONS


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_player_killed_mid_write_leaves_the_store_readable(shared):
    url, db, code, tmp = shared
    store = Store(url)
    sid = store.session(code)["id"]
    seen = 0
    for round_ in range(3):
        go = tmp / f"go{round_}"
        go.touch()
        p = _spawn(url, code, 0, go, -1)  # appends until killed
        try:
            end = time.monotonic() + 30
            while True:
                teams = store.team_counts(sid)
                if teams and teams[0].n_decisions >= seen + 25 + 7 * round_:
                    break
                assert p.poll() is None, p.stderr.read().decode()
                assert time.monotonic() < end
                time.sleep(0.01)
            os.kill(p.pid, signal.SIGKILL)
            p.wait(timeout=10)
        finally:
            if p.poll() is None:
                p.kill()
        assert _integrity(db) == "ok"
        n = _check_team(Store(url), store.team_counts(sid)[0].id, 0)
        assert n > seen  # it resumed where it was and kept going
        seen = n
    team = ws.join(code, "Team 0", url)  # and the team can still be played
    team.append(Focus({"cost": 0.0, "risk": float(seen)}))
    assert _check_team(store, team.team_id, 0) == seen + 1
