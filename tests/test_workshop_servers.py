"""Two real workshop server processes (`dealcraft workshop serve`) on one database, as behind
a load balancer, on SQLite and PostgreSQL: teams split across them (one moving between
them every decision), pacing set through one enforced by the other, bots advanced by
both boards at once, and the board and the report of either seeing every decision once."""

import csv
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support.keys import key_args
from support.server import free_port
from support.short_deal import bot_game, short_deal

from engine.decisions import EndWeek
from engine.problems import InputError
from simulator.cli import main
from simulator.workshop import seats
from simulator.workshop import session as ws
from simulator.workshop.client import Remote, RemoteBoard, RemoteFacilitator
from simulator.workshop.records import Held
from simulator.workshop.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEED = 2


def _serve(db: str, home: Path) -> tuple[subprocess.Popen, str]:
    """`dealcraft workshop serve` in a process of its own, the store URL in its environment."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), DEALCRAFT_DB=db, DEALCRAFT_HOME=str(home))
    cmd = [sys.executable, "-m", "simulator.cli", "workshop", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--max-games", "0"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return proc, f"http://127.0.0.1:{port}"


def _wait_up(procs, urls, timeout=120.0):
    end = time.monotonic() + timeout
    for proc, url in zip(procs, urls, strict=True):
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()
            try:
                if Remote(url, timeout=2).call("GET", "/health")["ok"]:
                    break
            except InputError:
                pass
            assert time.monotonic() < end, "the server did not start"
            time.sleep(0.1)


@pytest.fixture
def two_servers(home, store_url, tmp_path_factory):
    """(server A's URL, server B's URL, the store URL, the short deal's file)."""
    procs, urls = [], []
    for name in ("a", "b"):
        proc, url = _serve(store_url, tmp_path_factory.mktemp(f"server-{name}"))
        procs.append(proc)
        urls.append(url)
    try:
        _wait_up(procs, urls)
        yield urls[0], urls[1], store_url, short_deal(tmp_path_factory.mktemp("deal"))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def _play(urls: list[str], code: str, name: str, decisions, passcode=None) -> list[str]:
    """A whole game (resumed from the stored log), decision k sent to urls[k % len(urls)];
    the client's log (JSON)."""
    first = seats.join(code, name, server=urls[0], passcode=passcode, announce=False)
    passcode = passcode or first.passcode
    joined = [first] + [
        seats.join(code, name, server=url, passcode=passcode, announce=False) for url in urls[1:]
    ]
    state = joined[0].resume()
    for k, d in enumerate(decisions[len(state.history) :]):
        if state.is_over():
            break
        state = joined[k % len(joined)].step(state, d)
    assert state.is_over()
    for seat in joined:
        seat.remote.close()
    return [ws.encode(d)[1] for d in state.history]


@pytest.mark.slow
def test_two_server_processes_on_one_database(two_servers, tmp_path):
    a, b, db, deal = two_servers
    decisions = bot_game(deal, SEED)
    info, key = ws.create_session(str(deal), seed=SEED, db=db)
    fac = {url: RemoteFacilitator(url, info.code, key) for url in (a, b)}

    # pacing set through one server is enforced by the other
    fac[a].act("hold", week=1)
    held = seats.join(info.code, "Held", server=b, announce=False)
    state = held.resume()
    with pytest.raises(Held):
        for d in decisions:
            state = held.step(state, d)
    assert state.week == 1 and isinstance(d, EndWeek)
    fac[b].act("pause")
    paused = seats.join(info.code, "Paused", server=a, announce=False)
    with pytest.raises(Held):
        paused.step(paused.resume(), decisions[0])
    fac[a].act("resume")
    fac[b].act("release")
    fac[a].act("add-bot", policy="expert", name="Bot Rival")

    # teams split across the servers at once; "Roamer" moves between them every decision
    plays = [([a], f"A{i}") for i in range(3)] + [([b], f"B{i}") for i in range(3)]
    plays.append(([a, b], "Roamer"))
    with ThreadPoolExecutor(max_workers=len(plays) + 2) as pool:
        games = pool.map(lambda p: (p[1], _play(p[0], info.code, p[1], decisions)), plays)
        boards = [pool.submit(RemoteBoard(url, info.code, key).fetch) for url in (a, b, a, b)]
        games = dict(games)
        [f.result() for f in boards]  # bots advanced by both servers' boards at once
    for seat in (held, paused):  # where they were stopped, now through the other server
        where = [a if seat is held else b]
        games[seat.team] = _play(where, info.code, seat.team, decisions, seat.passcode)
    with ThreadPoolExecutor(max_workers=4) as pool:  # every player is done: bots play on
        [f.result() for f in [pool.submit(RemoteBoard(u, info.code, key).fetch) for u in (a, b)]]

    store = Store(db)
    teams = {t.name: t for t in store.team_counts(info.id)}
    assert set(teams) == {*games, "Bot Rival"}
    for name, game in games.items():
        assert store.log(teams[name].id) == game  # once each, in order
        assert store.check_log(teams[name].id) == (len(game), len(game))
    bot = [ws.encode(d)[1] for d in bot_game(deal, SEED)]
    assert store.log(teams["Bot Rival"].id) == bot  # two boards advanced it, nothing doubled

    total = sum(len(g) for g in games.values()) + len(bot)
    for url in (a, b):
        rows = RemoteBoard(url, info.code, key).fetch()
        assert sorted(r.name for r in rows) == sorted(teams)
        assert {r.name: r.n_decisions for r in rows} == {
            **{n: len(g) for n, g in games.items()},
            "Bot Rival": len(bot),
        }
        assert sum(r.n_decisions for r in rows) == total
        assert len({r.expected_score for r in rows if r.kind == "player"}) == 1  # one game

    reports = []  # the report of either server: every team once, the same file
    for url in (a, b):
        out, table = tmp_path / "r.html", tmp_path / f"r-{url[-5:]}.csv"
        cmd = ["workshop", "report", info.code, *key_args(key), "--server", url]
        assert main([*cmd, "--out", str(out), "--csv", str(table)]) == 0
        with open(table, newline="", encoding="utf-8") as f:
            assert sorted(r["team"] for r in csv.DictReader(f)) == sorted(teams)
        assert all(name in out.read_text(encoding="utf-8") for name in teams)
        reports.append(table.read_text(encoding="utf-8"))
    assert reports[0] == reports[1]


@pytest.mark.slow
def test_retract_on_one_server_raced_against_an_end_of_week_on_the_other(two_servers):
    """The facilitator retracts a custom shift through server B while a team ends its week
    through server A (two processes, one database): the facilitator's answer always
    agrees with what the team got. Then a pause through A and a resume through B stop a
    round's clock and give its time back."""
    import random
    import threading

    from engine.decisions import Shift

    a, b, db, deal = two_servers
    decisions = bot_game(deal, SEED)
    info, key = ws.create_session(str(deal), seed=SEED, db=db)
    fac_b = RemoteFacilitator(b, info.code, key)
    jitter = random.Random(SEED)
    outcomes = []
    for i in range(8):
        seat = seats.join(info.code, f"T{i}", server=a, announce=False)
        state = seat.resume()
        for d in decisions:
            if state.week >= 1:
                break
            state = seat.step(state, d)
        weights = {"risk": float(i + 1)}
        fac_b.act("shift", stakeholder="coo", weights=weights)
        key_ = fac_b.board()["curveballs"][-1]["key"]
        barrier, out = threading.Barrier(2), {}

        def end_week(seat=seat, state=state, out=out, barrier=barrier):
            barrier.wait()
            out["state"] = seat.step(state, EndWeek())

        delay = jitter.random() * 0.05  # the retract starts up to 50 ms after the end of week

        def retract(k=key_, out=out, barrier=barrier, delay=delay):
            barrier.wait()
            time.sleep(delay)
            try:
                out["retracted"] = fac_b.console("retract", key=k)["name"]
            except InputError as exc:
                out["refused"] = str(exc)

        threads = [threading.Thread(target=f) for f in (end_week, retract)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        got = Shift("coo", weights) in out["state"].history
        stored = Store(db).log(Store(db).team(info.id, f"t{i}")["id"])
        assert stored == [ws.encode(d)[1] for d in out["state"].history]
        if "retracted" in out:
            assert not got, "told retracted, yet the team got it"
        else:
            assert got and f"T{i}" in out["refused"], out
        outcomes.append("retracted" in out)
        seat.remote.close()
    print(f"retracted first in {sum(outcomes)} of {len(outcomes)} races")

    fac_a = RemoteFacilitator(a, info.code, key)
    fac_a.rounds("start", minutes=5, week=3)
    t0 = time.time()
    fac_a.act("pause")
    left = [Remote(url).call("GET", f"/sessions/{info.code}/status")["round"] for url in (a, b)]
    assert left[0]["paused"] and left[0]["remaining_s"] == left[1]["remaining_s"]  # stopped
    fac_b.act("resume")
    t1 = time.time()
    after = Remote(a).call("GET", f"/sessions/{info.code}/status")["round"]
    assert not after["paused"]
    assert 0 < after["deadline"] - left[0]["deadline"] <= t1 - t0  # the pause, given back
