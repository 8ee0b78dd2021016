"""Many players writing one store at once, on SQLite and on PostgreSQL: nothing lost,
nothing duplicated, nothing corrupted, and races settle as the game means them to.

30 player processes each append 200 decisions to the same store; a player
killed with SIGKILL in the middle of writing leaves the store readable and its
log whole (every stored decision is complete and in order). 120 joins of one
team name at once all resume the one team; of several injects of one curveball
at once, one succeeds and the rest are told it is already injected. Two
processes (two servers) sharing one database, with the teams split between
them, leave a board and a report that see every decision exactly once.
"""

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from engine.decisions import Focus
from engine.problems import InputError
from simulator.workshop import session as ws
from simulator.workshop.store import Store

ROOT = Path(__file__).resolve().parent.parent
PLAYERS = 30
DECISIONS = 200
FORK = multiprocessing.get_context("fork")


def _player(url: str, code: str, i: int, barrier, n: int) -> None:
    """A player process, forked from the test so it starts at once (nothing to import): it
    opens its own connection, joins (or resumes) team i, waits for the others at `barrier`
    (None: starts at once), then appends n decisions (n < 0: until killed)."""
    from simulator.workshop import store as stores

    for inherited in stores._STORES.values():  # noqa: SLF001 - the parent's pools stay its own
        inherited.engine.dispose(close=False)
    stores._STORES.clear()  # noqa: SLF001
    team = ws.join(code, f"Team {i}", url)
    j = len(team.log())
    if barrier is not None:
        barrier.wait(timeout=240)
    while n < 0 or j < n:
        team.append(Focus({"cost": float(i), "risk": float(j)}))
        j += 1


def _spawn(url, code, i, barrier, n):
    proc = FORK.Process(target=_player, args=(url, code, i, barrier, n), daemon=True)
    proc.start()
    return proc


def _integrity(db: Path | None) -> str:
    if db is None:  # PostgreSQL: the server keeps its own files whole
        return "ok"
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
def shared(home, store_url):
    """(store URL, the SQLite file or None, join code, a scratch folder)."""
    db = Path(store_url.removeprefix("sqlite:///")) if store_url.startswith("sqlite") else None
    info, _ = ws.create_session("northwind-new-logo", seed=1, db=store_url)
    return store_url, db, info.code, home


@pytest.mark.slow
def test_thirty_players_append_at_once(shared):
    url, db, code, tmp = shared
    barrier = FORK.Barrier(PLAYERS + 1)
    procs = [_spawn(url, code, i, barrier, DECISIONS) for i in range(PLAYERS)]
    try:
        barrier.wait(timeout=240)  # everyone starts writing together
        for p in procs:
            p.join(timeout=300)
            assert p.exitcode == 0  # a failing player's traceback is in the captured stderr
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
    assert _integrity(db) == "ok"
    store = Store(url)
    row = store.session(code)
    teams = {t.name: t for t in store.team_counts(row["id"])}
    assert len(teams) == PLAYERS
    for i in range(PLAYERS):
        assert _check_team(store, teams[f"Team {i}"].id, i) == DECISIONS


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_player_killed_mid_write_leaves_the_store_readable(shared):
    url, db, code, tmp = shared
    store = Store(url)
    sid = store.session(code)["id"]
    seen = 0
    for round_ in range(3):
        p = _spawn(url, code, 0, None, -1)  # appends until killed
        try:
            end = time.monotonic() + 30
            while True:
                teams = store.team_counts(sid)
                if teams and teams[0].n_decisions >= seen + 25 + 7 * round_:
                    break
                assert p.is_alive()
                assert time.monotonic() < end
                time.sleep(0.01)
            os.kill(p.pid, signal.SIGKILL)
            p.join(timeout=10)
        finally:
            if p.is_alive():
                p.kill()
        assert _integrity(db) == "ok"
        n = _check_team(Store(url), store.team_counts(sid)[0].id, 0)
        assert n > seen  # it resumed where it was and kept going
        seen = n
    team = ws.join(code, "Team 0", url)  # and the team can still be played
    team.append(Focus({"cost": 0.0, "risk": float(seen)}))
    assert _check_team(store, team.team_id, 0) == seen + 1


# ---- races on unique keys -------------------------------------------------------------------


def _at_once(n: int, fn) -> tuple[list, list[BaseException]]:
    """Run fn(i) in n threads released together; (results, exceptions)."""
    barrier = threading.Barrier(n)
    results, errors, lock = [], [], threading.Lock()

    def go(i):
        arg = fn(i, None)  # set-up outside the race (such as opening a connection)
        barrier.wait()
        try:
            out = fn(i, arg)
        except BaseException as exc:  # noqa: BLE001 - the test reports whatever went wrong
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(out)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


JOINS = 120


def test_same_name_joins_at_once_resume_one_team(shared):
    """Each thread is a client of its own (its own Store, its own connection)."""
    url, _, code, _ = shared
    sid = Store(url).session(code)["id"]
    stores: dict[int, Store] = {}

    def join(i, store):
        if store is None:
            stores[i] = Store(url)
            return stores[i]
        return store.ensure_team(sid, f"Same {'NAME' if i % 2 else 'name'}", "same name", "player")

    try:
        results, errors = _at_once(JOINS, join)
    finally:
        for s in stores.values():
            s.close()
    assert errors == []
    assert len({row["id"] for row, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert len(Store(url).team_counts(sid)) == 1


def test_same_name_joins_through_the_session_api(shared):
    """One team, one passcode: of the joins racing for a new name exactly one is issued
    the passcode; the others resume the team with it (once this computer kept it) or
    are refused for want of it (workshop.seat), never a traceback."""
    url, _, code, _ = shared

    def join(i, ready):
        if not ready:
            return True
        seat = ws.join(code, " Team  One ", url, announce=False)
        return seat.team_id, seat.passcode

    results, errors = _at_once(JOINS, join)
    assert all(isinstance(e, InputError) and e.codes == ["workshop.seat"] for e in errors)
    assert len(results) + len(errors) == JOINS
    assert len({tid for tid, _ in results}) == 1
    assert sum(passcode is not None for _, passcode in results) == 1


def test_same_curveball_injected_at_once_is_stored_once(shared):
    url, _, code, tmp = shared
    info = ws.create_session("northwind-new-logo", seed=2, db=url)
    sid = Store(url).session(info[0].code)["id"]
    stores: dict[int, Store] = {}

    def inject(i, store):
        if store is None:
            stores[i] = Store(url)
            return stores[i]
        return store.add_curveball(sid, "peak_brought_forward", 2)

    try:
        results, errors = _at_once(8, inject)
    finally:
        for s in stores.values():
            s.close()
    assert errors == [] and sorted(results) == [False] * 7 + [True]
    assert len(Store(url).curveballs(sid)) == 1


def test_second_inject_at_once_says_already_injected(shared):
    url, _, _, _ = shared
    info, key = ws.create_session("northwind-new-logo", seed=2, db=url)

    def inject(i, fac):
        if fac is None:
            return ws.facilitate(info.code, key, url)
        return fac.inject("peak_brought_forward", 1)

    results, errors = _at_once(4, inject)
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(e, InputError) for e in errors)
    assert {p.code for e in errors for p in e.problems} == {"workshop.session"}


def test_same_bot_added_at_once_is_added_once(shared):
    """Facilitator add-bot and player joins racing on one new name: exactly one team, made
    by whichever came first; every other call is refused with a problem code (never an
    IntegrityError, and a bot never adopts a player's team or the other way round)."""
    url, _, _, _ = shared
    info, key = ws.create_session("northwind-new-logo", seed=2, db=url)

    def add(i, fac):
        if fac is None:
            return ws.facilitate(info.code, key, url) if i % 2 else True
        if i % 2:
            return "bot", fac.add_bot("expert", "Bot Rival")
        return "player", ws.join(info.code, "bot rival", url, announce=False).passcode

    results, errors = _at_once(16, add)
    assert all(isinstance(e, InputError) for e in errors), errors
    assert {p.code for e in errors for p in e.problems} <= {"workshop.session", "workshop.seat"}
    teams = Store(url).team_counts(info.id)
    assert len(teams) == 1
    if teams[0].kind == "bot":
        assert results == [("bot", "Bot Rival")]
    else:  # a player got there first: one passcode issued, no bot added
        assert [r for r in results if r[0] == "bot"] == []
        assert sum(passcode is not None for _, passcode in results) == 1


# ---- two servers, one database --------------------------------------------------------------

SERVER = r"""
import json, sys
from engine.plan import parse_plan
from simulator.workshop.session import join

url, code, names, plan, out = sys.argv[1:6]
names = names.split(",")
steps = [d for d, _ in parse_plan(plan).steps]
seats = [join(code, name, url) for name in names]
states = [seat.resume() for seat in seats]
done = {}
for k in range(len(steps)):  # one decision of every team in turn, as a server interleaves them
    for i, seat in enumerate(seats):
        if not states[i].is_over():
            states[i] = seat.step(states[i], steps[k])
for seat in seats:
    done[seat.team] = len(seat.log())
json.dump(done, open(out, "w"))
"""


@pytest.mark.slow
def test_two_servers_on_one_database_see_every_decision_once(home, store_url):
    """Two processes standing in for two workshop servers behind one load balancer, each
    playing half the teams at the same time; a third reads the board and writes the
    report. Every decision is counted once, and every team's result is its solo replay."""
    from engine.loader import find_scenario
    from engine.plan import parse_plan
    from simulator.workshop.report import build_report, write_csv

    plan = ROOT / "plans" / "northwind_new_logo.plan.yaml"
    info, key = ws.create_session("northwind-new-logo", seed=2, db=store_url)
    fac = ws.facilitate(info.code, key, store_url)
    fac.inject("peak_brought_forward", 2)
    names = [f"Team {i}" for i in range(6)]
    halves = [names[0::2], names[1::2]]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    outs = [home / f"server{j}.json" for j in range(2)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SERVER, store_url, info.code, ",".join(h), str(plan), str(o)],
            env=env,
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        for h, o in zip(halves, outs, strict=True)
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    played = {}
    for o in outs:
        played.update(json.loads(o.read_text()))
    assert sorted(played) == names

    store = Store(store_url)
    sid = store.session(info.code)["id"]
    counts = {t.name: t for t in store.team_counts(sid)}
    assert sorted(counts) == names
    for name in names:
        n, rows = store.check_log(counts[name].id)
        assert n == rows == played[name] == counts[name].n_decisions

    scenario = find_scenario("northwind-new-logo")
    solo = ws.join(info.code, "Solo", store_url)
    state = solo.resume()
    for d, _ in parse_plan(plan).steps:
        if state.is_over():
            break
        state = solo.step(state, d)

    board = ws.facilitate(info.code, key, store_url).leaderboard().refresh()
    by_name = {r.name: r for r in board}
    assert sorted(by_name) == sorted([*names, "Solo"])
    assert sum(r.n_decisions for r in board) == sum(played.values()) + len(solo.log())
    for name in names:
        r = by_name[name]
        assert r.error is None and r.n_decisions == played[name]
        assert r.score == by_name["Solo"].score and r.week == by_name["Solo"].week
        assert r.arrived == by_name["Solo"].arrived

    csv_path = home / "report.csv"
    write_csv(csv_path, board, fac.curveballs())
    lines = csv_path.read_text().splitlines()
    team_col = lines[0].split(",").index("team")
    assert sorted(line.split(",")[team_col] for line in lines[1:]) == sorted([*names, "Solo"])
    html = build_report(fac.reload(), scenario, board, fac.curveballs())
    for name in names:
        assert html.count(f">{name}<") >= 1
