"""Batch simulator throughput vs the one-by-one single-game path, measured in one run.

Plays 100,000 random games of the largest shipped scenario (simulate + score) as batches,
in one process and across both cores, and a sample of the same games replayed
one by one through GameState; prints games per second and the ratios.
Usage: python bench/bench_batch.py [GAMES] [SAMPLE]
"""

import os
import sys
import time

# isort: off
import engine  # noqa: F401  (before numpy, as in `dealcraft`: one OpenBLAS thread)
import numpy as np

# isort: on
from engine.batch import simulate, simulate_parallel
from engine.bots import make_policy
from engine.loader import builtin_scenarios
from engine.state import new_game
from scoring.scorecard import score

CHUNK = 2_500  # the fastest per game (the kernels fit the caches better); the balance
# report keeps simulate_parallel's default, 5,000, which fixes its policy seeds


def expected(result) -> dict:
    return {"expected": score(result.trace()).expected_score}


def main() -> None:
    games = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    scenario = max(  # the largest shipped scenario: most weeks x members x stakeholders
        builtin_scenarios(), key=lambda s: s.deal.weeks * len(s.roster) * len(s.stakeholders)
    )
    seeds = np.arange(games, dtype=np.uint64)
    simulate(scenario, seeds[:100], make_policy("random", 0))  # warm-up

    t0 = time.perf_counter()
    one = simulate_parallel(scenario, seeds, "random", 0, expected, workers=1, chunk=CHUNK)
    batch_s = time.perf_counter() - t0

    workers = os.cpu_count() or 1
    t0 = time.perf_counter()
    par = simulate_parallel(scenario, seeds, "random", 0, expected, workers=workers, chunk=CHUNK)
    par_s = time.perf_counter() - t0
    assert np.array_equal(one["expected"], par["expected"])

    first = simulate(scenario, seeds[:CHUNK], make_policy("random", 0))
    t0 = time.perf_counter()
    for i in range(sample):
        g = new_game(scenario, i)
        for d in first.decisions(i):
            g = g.apply(d)
        score(g.trace())
    single_s = (time.perf_counter() - t0) / sample * games

    print(f"batch, 1 process:   {games:,} games in {batch_s:.2f} s ({games / batch_s:,.0f}/s)")
    print(f"batch, {workers} processes: {games:,} games in {par_s:.2f} s ({games / par_s:,.0f}/s)")
    print(
        f"one by one:         {sample} games timed, {single_s:.0f} s projected "
        f"({games / single_s:,.0f}/s)"
    )
    print(
        f"ratio: 1-process batch {single_s / batch_s:.0f}x, {workers}-process batch "
        f"{single_s / par_s:.0f}x the one-by-one path"
    )


if __name__ == "__main__":
    main()
