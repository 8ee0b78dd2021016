"""Load (on a machine's first run: compile) every numba loop the game uses, by playing and
scoring a few games of the largest shipped scenario. `make` runs it once after installing,
so the first game never waits for the compiler; the app runs it in a background thread so
the first End Week and the debrief's comparison do not wait for the loading either.
Usage: python -m simulator.warm"""

from __future__ import annotations

import sys
import time

import numpy as np


def warm() -> None:
    """Play and score one random game and 16 expert games (the expert's compiled week is
    used from 16 games up) of the largest shipped scenario."""
    from engine.batch import simulate, warm_up
    from engine.bots import make_policy
    from engine.loader import builtin_scenarios
    from scoring.scorecard import score

    largest = max(builtin_scenarios(), key=lambda s: s.deal.weeks * len(s.roster))
    score(warm_up(largest).trace())
    expert = simulate(largest, np.arange(16, dtype=np.uint64), make_policy("expert", 0))
    score(expert.trace())


def main() -> None:
    t0 = time.perf_counter()
    warm()
    print(f"compiled loops ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
