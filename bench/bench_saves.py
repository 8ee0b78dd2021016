"""What a decision costs to save at decision 10 and at decision 60,000, and how long a
60,000-decision save takes to resume, measured in one run.

The game spends every hour the format's largest team has (tests/support/long_game.py:
52 weeks, 20 members, 60 one-hour runs each a week; 62,493 decisions). A decision is timed through
`Session.apply` (rules, one appended record, fsync) and its bytes on disk counted; the
baseline is decision 10 of a fresh game, so the ratio says how the cost grows with the
length of the game (1.0x: not at all). For scale it also times what one decision cost
before saves were appended to: rewriting the whole 60,000-decision file. Usage:
    python bench/bench_saves.py [TIMED_DECISIONS]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

# isort: off
import engine  # noqa: E402,F401  (before numpy, as in `dealcraft`: one OpenBLAS thread)

# isort: on
from support import long_game  # noqa: E402

from engine.log import GameLog, load_save  # noqa: E402
from engine.state import new_game  # noqa: E402
from simulator import saves  # noqa: E402
from simulator.saves import Session, write_atomic  # noqa: E402

AT = 60_000


def timed(session: Session, decision) -> tuple[float, float, float, int]:
    """One decision as `Session.apply` makes it: seconds in the rules, seconds saving it
    (record, append, fsync), the CPU seconds of that save (the fsync's wait left out),
    and the bytes it added to the save."""
    before = session.path.stat().st_size if session.path.exists() else 0
    t0 = time.perf_counter()
    nxt = session.state.apply(decision)
    t1, c1 = time.perf_counter(), time.process_time()
    session.state = nxt
    session.save()
    t2, c2 = time.perf_counter(), time.process_time()
    return t1 - t0, t2 - t1, c2 - c1, session.path.stat().st_size - before


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scenario = long_game.load(folder)
        plan = long_game.decisions(scenario)

        fresh = []  # n games at decision 9, each to time its decision 10
        for k in range(n):
            s = Session.new(scenario, seed=k, folder=folder / "early")
            for d in plan[:9]:
                assert s.apply(d) is None
            fresh.append(s)
        t0 = time.perf_counter()
        state = new_game(scenario, 1).apply_all(plan[: AT - 1])
        build = time.perf_counter() - t0
        late_session = Session.new(scenario, 1, folder / "late", state=state)
        os.sync()  # both files settled on disk before the timing starts
        early, late = [], []
        for k, s in enumerate(fresh):  # interleaved, so the machine's drift hits both alike,
            pair = [(early, s, plan[9]), (late, late_session, plan[AT - 1 + k])]
            for out, session, d in pair[:: 1 if k % 2 else -1]:  # each first half the time
                out.append(timed(session, d))
        assert late_session.state.history == tuple(plan[: AT - 1 + n])

        whole = GameLog.of(late_session.state, **late_session.meta)
        rewrite = []  # the cost per decision before issue 11: the whole file, every time
        for _ in range(max(3, n // 10)):
            t0 = time.perf_counter()
            write_atomic(folder / "old.json", whole.to_json())
            rewrite.append(time.perf_counter() - t0)

        full = Session.new(scenario, 1, folder / "full", state=state.apply_all(plan[AT - 1 :]))
        size = full.path.stat().st_size
        loads, resumes, cpu = [], [], []
        for _ in range(3):
            t0 = time.perf_counter()
            load_save(full.path)
            loads.append(time.perf_counter() - t0)
            t0, c0 = time.perf_counter(), time.process_time()
            again = Session.resume(full.path, extra_dirs=[folder])
            resumes.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        assert again.state.history == full.state.history

    def med(rows, i):
        return statistics.median(r[i] for r in rows)

    e_rules, e_save, e_cpu, e_bytes = (med(early, i) for i in range(4))
    l_rules, l_save, l_cpu, l_bytes = (med(late, i) for i in range(4))
    old = statistics.median(rewrite)
    print(
        f"saves: {len(plan):,}-decision game ({size / 1e6:.1f} MB save; limit "
        f"{saves.MAX_BYTES / 1e6:.0f} MB), {n} decisions timed at each point (medians)"
    )
    print("                          save (append+fsync)  its CPU   rules     bytes appended")
    for name, (save, own, rules, size) in (
        ("decision 10 (baseline)", (e_save, e_cpu, e_rules, e_bytes)),
        (f"decision {AT:,}", (l_save, l_cpu, l_rules, l_bytes)),
    ):
        print(
            f"  {name:<23} {save * 1e3:8.2f} ms {own * 1e3:11.2f} ms "
            f"{rules * 1e3:6.2f} ms {size:8.0f}"
        )
    print(
        f"  decision {AT:,} / decision 10: save {l_save / e_save:.2f}x (its CPU "
        f"{l_cpu / e_cpu:.2f}x), bytes {l_bytes / e_bytes:.2f}x (a run's record vs a "
        f"staff's), rules {l_rules / e_rules:.2f}x"
    )
    print(
        f"  the whole-file rewrite each decision cost before (at {AT:,}): "
        f"{old * 1e3:.0f} ms, {old / e_save:.0f}x the baseline"
    )
    print(
        f"  resume the {len(plan):,}-decision save: {min(resumes):.2f} s "
        f"({min(cpu):.2f} s of CPU time; the rest is waiting for the shared machine's cores)"
    )
    print(
        f"    reading and checking the file {min(loads):.2f} s; replaying the decisions in "
        f"memory {build * len(plan) / AT:.2f} s (projected from building decision {AT:,})"
    )


if __name__ == "__main__":
    main()
