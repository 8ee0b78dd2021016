"""Batch simulator throughput vs the one-by-one single-game path, measured in one run.

Prints games per second for 100,000 random games played as a batch (chunked)
and for a sample of the same games replayed one by one through GameState, and
the ratio between them. Usage: python bench/bench_batch.py [GAMES] [SAMPLE]
"""

import sys
import time

import numpy as np

from engine.batch import simulate
from engine.bots import make_policy
from engine.loader import find_scenario
from engine.state import new_game
from scoring.scorecard import score


def main() -> None:
    games = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    scenario = find_scenario("northwind-new-logo")
    seeds = np.arange(games, dtype=np.uint64)
    simulate(scenario, seeds[:100], make_policy("random", 0))  # warm-up

    t0 = time.perf_counter()
    chunk = 5_000
    results = []
    for i in range(0, games, chunk):
        res = simulate(scenario, seeds[i : i + chunk], make_policy("random", i))
        results.append((res, score(res.trace()).score))
    batch_s = time.perf_counter() - t0

    first = results[0][0]
    t0 = time.perf_counter()
    for i in range(sample):
        g = new_game(scenario, i)
        for d in first.decisions(i):
            g = g.apply(d)
        score(g.trace())
    single_s = (time.perf_counter() - t0) / sample * games

    print(f"batch:      {games:,} games in {batch_s:.2f} s ({games / batch_s:,.0f} games/s)")
    print(
        f"one by one: {sample} games timed, {single_s:.1f} s projected for {games:,} "
        f"({games / single_s:,.0f} games/s)"
    )
    print(f"ratio:      batch is {single_s / batch_s:.0f}x the one-by-one path")


if __name__ == "__main__":
    main()
