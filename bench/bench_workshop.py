"""Workshop benchmarks: board refresh with 200 teams, and decision-append throughput.

    .venv/bin/python bench/bench_workshop.py [--teams 200] [--writers 30] [--per-writer 200]

1. Board refresh. 200 teams in one session (random-policy games of the shared
   seed, cut at random points as in a live class). Timed: the first (cold)
   refresh that replays every log; an idle refresh (nothing changed); a live
   refresh (3 teams made a decision since the last one) including the recap;
   and drawing the board (Textual, headless) from a snapshot.
   Target: median live refresh < 100 ms.
2. Append throughput on the default SQLite store: 1 writer process vs N
   concurrent writer processes (each its own team), same run, decisions/second.
3. The workshop server, on SQLite and then on PostgreSQL in the same run (`--db URL`,
   else $DEALCRAFT_TEST_PG, else a throwaway cluster when PostgreSQL's binaries are
   installed; `--sqlite-only` to skip it): 200 teams each joined through the server
   and keeping its connection open; the round trip of one player decision (HTTP,
   passcode check, engine, store append) at p50 and p99, against a direct
   in-process store append measured in the same run; and the facilitator's board
   requests after 5 decisions: `status --json`'s board and the full rows the live
   `workshop board --server` draws. Target: board refresh < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRITER = r"""
import os, sys, time
from engine.decisions import Focus
from simulator.workshop.session import join

url, code, i, go, n, out = sys.argv[1:7]
i, n = int(i), int(n)
team = join(code, f"Writer {i}", url)
open(f"{go}.ready{i}", "w").close()
while not os.path.exists(go):
    time.sleep(0.002)
t0 = time.time()
for j in range(n):
    team.append(Focus({"cost": float(i), "risk": float(j)}))
t1 = time.time()
with open(out, "w") as fh:
    fh.write(f"{t0} {t1}")
"""


def ms(x: float) -> str:
    return f"{x * 1000:7.1f} ms"


def fill(fac, teams: int, seed: int) -> None:
    import numpy as np

    from engine.batch import simulate
    from engine.bots import make_policy
    from simulator.workshop.session import encode, name_key

    store, scenario = fac.store, fac.scenario
    gen = np.random.default_rng(7)
    for k in range(teams):
        decisions = simulate(scenario, [seed], make_policy("random", k)).decisions(0)
        cut = int(gen.integers(len(decisions) // 3, len(decisions) + 1))
        team = store.add_team(fac.id, f"Team {k:03d}", name_key(f"Team {k:03d}"), "player")
        store.append(team["id"], 0, [encode(d) for d in decisions[:cut]])


def bench_board(teams: int, rounds: int) -> None:
    from engine.decisions import EndWeek, Focus
    from simulator.workshop import session as ws
    from simulator.workshop.results import recap

    info, key = ws.create_session("northwind-new-logo", seed=11)
    fac = ws.facilitate(info.code, key)
    t = time.perf_counter()
    fill(fac, teams, info.seed)
    print(f"  filled {teams} teams in {time.perf_counter() - t:.1f} s")
    board = fac.leaderboard()

    t = time.perf_counter()
    rows = board.refresh()
    cold = time.perf_counter() - t
    idle = []
    for _ in range(rounds):
        t = time.perf_counter()
        board.refresh()
        idle.append(time.perf_counter() - t)

    # live: each round 3 teams make a decision (a player's pace is far slower)
    live_rows = [r for r in rows if not r.over and not r.error and r.started]
    sessions = {r.name: ws.join(info.code, r.name) for r in live_rows[:30]}
    states = {n: s.resume() for n, s in sessions.items()}
    live, snap = [], []
    names = list(sessions)
    for i in range(rounds):
        for n in names[(3 * i) % len(names) : (3 * i) % len(names) + 3]:
            st = states[n]
            if st.is_over():
                continue
            d = Focus({"cost": 1.0, "risk": float(i % 5 + 1)}) if i % 2 else EndWeek()
            try:
                states[n] = sessions[n].step(st, d)
            except Exception:  # noqa: BLE001 - an illegal step is skipped
                pass
        t = time.perf_counter()
        rows = board.refresh()
        live.append(time.perf_counter() - t)
        t = time.perf_counter()
        fac.reload()
        fac.advance_bots(rows)
        fac.injected()
        recap(rows, fac.scenario)
        fac.store.activity(fac.id, 5)
        snap.append(live[-1] + time.perf_counter() - t)

    print(f"  cold refresh (replay all {teams} logs): {ms(cold)}")
    print(
        f"  idle refresh:  median {ms(statistics.median(idle))}  "
        f"p95 {ms(sorted(idle)[int(0.95 * len(idle)) - 1])}"
    )
    med = statistics.median(live)
    print(
        f"  live refresh (3 teams moved): median {ms(med)}  "
        f"p95 {ms(sorted(live)[int(0.95 * len(live)) - 1])}  target < 100 ms: "
        + ("OK" if med < 0.1 else "MISSED")
    )
    full = statistics.median(snap)
    print(f"  full board snapshot (refresh + session + recap): median {ms(full)}")
    draw_ms = asyncio.run(_draw(fac, rounds=10))
    print(f"  drawing {teams} rows in the Textual board: median {ms(draw_ms)}")


async def _draw(fac, rounds: int) -> float:
    from simulator.workshop.board import BoardApp

    app = BoardApp(fac, interval=3600)
    times = []
    async with app.run_test(size=(160, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        snap = app.snapshot()
        for _ in range(rounds):
            t = time.perf_counter()
            app.show(snap)
            times.append(time.perf_counter() - t)
            await pilot.pause()
    return statistics.median(times)


def run_writers(url: str, code: str, first: int, count: int, per: int, tmp: Path) -> float:
    """Start `count` writer processes together; decisions per second over the wall time."""
    go = tmp / f"go{first}"
    outs = [tmp / f"out{first + i}" for i in range(count)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, code, str(first + i), str(go), str(per), str(o)],
            env=env,
            cwd=ROOT,
        )
        for i, o in enumerate(outs)
    ]
    while not all(Path(f"{go}.ready{first + i}").exists() for i in range(count)):
        if any(p.poll() not in (None, 0) for p in procs):
            raise SystemExit("a writer failed to start")
        time.sleep(0.01)
    go.touch()
    for p in procs:
        p.wait()
    spans = [tuple(map(float, o.read_text().split())) for o in outs]
    wall = max(e for _, e in spans) - min(s for s, _ in spans)
    return count * per / wall


def bench_append(writers: int, per: int, tmp: Path) -> None:
    from simulator.workshop import session as ws
    from simulator.workshop.store import Store

    url = f"sqlite:///{tmp / 'append.sqlite3'}"
    info, _ = ws.create_session("northwind-new-logo", seed=1, db=url)
    single = run_writers(url, info.code, 0, 1, per * 5, tmp)
    many = run_writers(url, info.code, 1, writers, per, tmp)
    store = Store(url)
    counts = {t.name: t.n_decisions for t in store.team_counts(store.session(info.code)["id"])}
    lost = per * 5 + writers * per - sum(counts.values())
    print(f"  1 writer:   {single:8.0f} decisions/s ({per * 5} appends, one transaction each)")
    print(
        f"  {writers} writers: {many:8.0f} decisions/s in total "
        f"({writers} x {per} appends at once), {many / writers:.0f}/s per writer"
    )
    print(f"  lost or duplicated decisions: {lost}")


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def bench_server(teams: int, rounds: int, db: str | None) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from support.server import Running, workshop_app

    from engine.decisions import Focus
    from simulator.workshop import seats
    from simulator.workshop import session as ws
    from simulator.workshop.client import RemoteBoard, RemoteFacilitator
    from simulator.workshop.records import encode

    info, key = ws.create_session("northwind-new-logo", seed=11, db=db)
    fac = ws.facilitate(info.code, key, db)
    fill(fac, teams, info.seed)
    with Running(workshop_app(db)) as url:
        t = time.perf_counter()
        joined = {}
        for k in range(teams):
            name = f"Team {k:03d}"
            joined[name] = seats.join(info.code, name, server=url, announce=False)
        print(f"  {teams} teams joined through the server in {time.perf_counter() - t:.1f} s")
        states = {n: s.resume() for n, s in joined.items()}
        live = [n for n, st in states.items() if st.phase == "week" and not st.is_over()]
        first = []
        for name in live:  # the server replays a team's log at its first step
            t = time.perf_counter()
            states[name] = joined[name].step(states[name], Focus({"cost": 1.0, "risk": 2.0}))
            first.append(time.perf_counter() - t)
        once = statistics.median(first)
        print(f"  first decision of a team (the server replays its log): median {ms(once)}")
        board = RemoteFacilitator(url, info.code, key)
        full = RemoteBoard(url, info.code, key)
        t = time.perf_counter()
        board.board()
        cold = time.perf_counter() - t
        full.fetch()
        trips, direct, boards, fulls = [], [], [], []
        probe = fac.store.add_team(fac.id, "Direct", "direct", "headless")
        n_direct = 0
        for i in range(rounds * 5):
            name = live[i % len(live)]
            d = Focus({"cost": float(i % 7 + 1), "risk": 1.0})
            t = time.perf_counter()
            states[name] = joined[name].step(states[name], d)
            trips.append(time.perf_counter() - t)
            t = time.perf_counter()
            n_direct = fac.store.append(probe["id"], n_direct, [encode(d)])
            direct.append(time.perf_counter() - t)
            if i % 5 == 4:  # 5 decisions (>= 3 teams moved) between board requests
                t = time.perf_counter()
                board.board()
                boards.append(time.perf_counter() - t)
            elif i % 5 == 2:
                t = time.perf_counter()
                full.fetch()
                fulls.append(time.perf_counter() - t)
    p50, p99 = pct(trips, 0.5), pct(trips, 0.99)
    d50, d99 = pct(direct, 0.5), pct(direct, 0.99)
    print(f"  decision round trip through the server: p50 {ms(p50)}  p99 {ms(p99)}")
    print(f"  direct in-process store append:         p50 {ms(d50)}  p99 {ms(d99)}")
    print(f"  ratio server / direct: p50 {p50 / d50:.1f}x  p99 {p99 / d99:.1f}x")
    b50 = statistics.median(boards)
    print(f"  board request, cold (replays all {teams} logs): {ms(cold)}")
    print(
        f"  board request after 5 decisions: median {ms(b50)}  p95 {ms(pct(boards, 0.95))}  "
        "target < 100 ms: " + ("OK" if b50 < 0.1 else "MISSED")
    )
    f50 = statistics.median(fulls)
    print(
        f"  live board's refresh (full rows) after 5 decisions: median {ms(f50)}  "
        f"p95 {ms(pct(fulls, 0.95))}  target < 100 ms: " + ("OK" if f50 < 0.1 else "MISSED")
    )


def postgres_url(given: str | None):
    """(a PostgreSQL database URL for the server part, a cleanup) or (None, why not)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support import pg

    if given:
        return given, lambda: None
    admin, cluster = os.environ.get("DEALCRAFT_TEST_PG"), None
    if not admin:
        bindir = pg.server_binaries()
        if bindir is None:
            return None, "PostgreSQL's server binaries are not installed"
        cluster = pg.Cluster(bindir).start()
        admin = cluster.url
    url = pg.create_database(admin)

    def cleanup() -> None:
        from simulator.workshop import store

        for k in [k for k in store._STORES if k == url]:  # noqa: SLF001 - release its pool
            store._STORES.pop(k).close()  # noqa: SLF001
        pg.drop_database(admin, url)
        if cluster is not None:
            cluster.stop()

    return url, cleanup


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--writers", type=int, default=30)
    ap.add_argument("--per-writer", type=int, default=200)
    ap.add_argument("--only", choices=["board", "append", "server"], help="run one part only")
    ap.add_argument("--db", help="a PostgreSQL URL for the server part (default: see above)")
    ap.add_argument("--sqlite-only", action="store_true", help="server part: SQLite only")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dealcraft-bench-") as tmp:
        os.environ["DEALCRAFT_HOME"] = tmp
        if args.only in (None, "board"):
            print(f"Board refresh, {args.teams} teams in the store:")
            bench_board(args.teams, args.rounds)
        if args.only in (None, "append"):
            print("Decision append throughput (SQLite, WAL):")
            bench_append(args.writers, args.per_writer, Path(tmp))
        if args.only in (None, "server"):
            from simulator.workshop.store import safe_url

            print(f"Workshop server, {args.teams} connected teams (SQLite):")
            bench_server(args.teams, args.rounds, f"sqlite:///{Path(tmp) / 'server.sqlite3'}")
            if not args.sqlite_only:
                url, cleanup = postgres_url(args.db)
                if url is None:
                    print(f"Workshop server on PostgreSQL: skipped ({cleanup})")
                    return 0
                try:
                    print(f"Workshop server, {args.teams} connected teams ({safe_url(url)}):")
                    bench_server(args.teams, args.rounds, url)
                finally:
                    cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
