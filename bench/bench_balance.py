"""The designer's balance report, in full, vs the random policy alone, measured in one run.

Plays the report `dealcraft balance` prints by default (random, the expert and every
practice and exploit probe, with the lessons and per-event/milestone/action/roster
tables) on the largest shipped scenario, and the random policy's games alone on the
same seeds; prints both times and their ratio. Usage:
    python bench/bench_balance.py [GAMES] [SCENARIO]
"""

import sys
import time

# isort: off
import engine  # noqa: F401  (before numpy, as in `dealcraft`: one OpenBLAS thread)

# isort: on
from engine.loader import builtin_scenarios, find_scenario
from simulator import balance


def largest():
    """The shipped scenario with the most weeks x members x stakeholders."""
    return max(
        builtin_scenarios(), key=lambda s: s.deal.weeks * len(s.roster) * len(s.stakeholders)
    )


def main() -> None:
    games = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    scenario = find_scenario(sys.argv[2]) if len(sys.argv) > 2 else largest()
    policies = balance.default_policies()
    balance.report(scenario, 200, policies, seed=0, progress=False)  # warm-up

    t0 = time.perf_counter()
    balance.report(scenario, games, ["random"], seed=0, progress=False)
    base = time.perf_counter() - t0

    t0 = time.perf_counter()
    rep = balance.report(scenario, games, policies, seed=0, progress=False)
    full = time.perf_counter() - t0
    taught = [x for x in rep["lessons"] if x["taught"]]
    print(
        f"{scenario.id}: {len(policies)} policies x {games:,} games "
        f"({len(rep['lessons'])} lessons, {sum(x['meets_target'] for x in taught)}/"
        f"{len(taught)} taught practices on target)"
    )
    print(f"  random alone      {base:6.2f} s")
    print(f"  full report       {full:6.2f} s   ({full / base:.1f}x the random-only run)")


if __name__ == "__main__":
    main()
