"""The designer's balance report, in full, vs the random policy alone, measured in one run.

Plays the report `dealcraft balance` prints by default (random, the expert and every
practice and exploit probe, with the lessons and per-event/milestone/action/roster
tables) on the largest shipped scenario, and the random policy's games alone on the
same seeds; prints both times (wall clock, and the CPU time of the process and its
workers, which other jobs on the machine inflate less) and their ratio. Then `scaling`:
the report's cost per game-week-member-stakeholder over scenarios grown from it up to
the format's limits.
Usage:
    python bench/bench_balance.py [GAMES] [SCENARIO]
"""

import os
import resource
import sys
import time

import yaml

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

    t0, c0 = time.perf_counter(), cpu()
    balance.report(scenario, games, ["random"], seed=0, progress=False)
    base, base_cpu = time.perf_counter() - t0, cpu() - c0

    t0, c0 = time.perf_counter(), cpu()
    rep = balance.report(scenario, games, policies, seed=0, progress=False)
    full, full_cpu = time.perf_counter() - t0, cpu() - c0
    taught = [x for x in rep["lessons"] if x["taught"]]
    print(
        f"{scenario.id}: {len(policies)} policies x {games:,} games "
        f"({len(rep['lessons'])} lessons, {sum(x['meets_target'] for x in taught)}/"
        f"{len(taught)} taught practices on target)"
    )
    print(f"  random alone      {base:6.2f} s   (CPU {base_cpu:6.2f} s)")
    print(
        f"  full report       {full:6.2f} s   (CPU {full_cpu:6.2f} s; "
        f"{full / base:.1f}x the random-only run)"
    )
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def cpu() -> float:
    """CPU seconds of this process and its finished workers: what the run cost, whatever
    else shares the machine."""
    me, workers = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime


SIZES = ((11, 10, 7), (22, 15, 9), (33, 20, 12), (52, 30, 16))  # weeks, roster, stakeholders


def grown(base, weeks: int, roster: int, stakeholders: int):
    """A legal scenario of `weeks` weeks, `roster` members and `stakeholders` stakeholders,
    grown from `base` by copying its people and stretching its calendar (evenly weighted
    stakeholders present from the start, no chemistry, none of the events that aim at one
    stakeholder). Every size is grown the same way, so only the size differs."""
    from engine.loader import parse_scenario
    from engine.yamlsource import read_yaml

    data = base.model_dump(mode="json", exclude_none=True)
    stretch = weeks / data["deal"]["weeks"]
    data["deal"]["weeks"] = weeks
    people = data["stakeholders"]
    copies = [
        dict(p, id=f"{p['id']}_{k}", name=f"{p['name']} {k}") for k in range(1, 4) for p in people
    ]
    data["stakeholders"] = (people + copies)[:stakeholders]
    for p in data["stakeholders"]:
        p.pop("joins_week", None)
        p["influence"] = 1 / len(data["stakeholders"])
    members = data["roster"]
    copies = [
        dict(m, id=f"{m['id']}_{k}", name=f"{m['name']} {k}") for k in range(1, 4) for m in members
    ]
    data["roster"] = (members + copies)[:roster]
    for m in data["roster"]:
        m.pop("available_until", None)
        m["available_from"] = 1
    data["chemistry"] = []
    for ms in data["milestones"]:
        ms["target_week"] = max(1, min(weeks, round(ms["target_week"] * stretch)))
    data["events"] = [
        e
        for e in data["events"]
        if not e["effects"].get("priorities")
        and not e["effects"].get("request")
        and not e["effects"].get("stance")
        and not e["effects"].get("influence")
        and not e["when"].get("if_stance_below")
        and not e["when"].get("if_unconnected")
    ]
    for e in data["events"]:
        w = e["when"]
        if w.get("week"):
            w["week"] = max(1, min(weeks, round(w["week"] * stretch)))
        if w.get("window"):
            w["window"] = [max(1, min(weeks, round(x * stretch))) for x in w["window"]]
    text = yaml.safe_dump(data, sort_keys=False)
    return parse_scenario(read_yaml("grown.yaml", raw=text.encode()))[0]


def at_limits(base):
    """`base` grown to the format's size limits (52 weeks, 30 roster members, 16
    stakeholders)."""
    return grown(base, *SIZES[-1])


def scaling(games: int = 2_000) -> None:
    """Cost per game-week-member-stakeholder of the full report over scenarios grown from the
    largest shipped one to the format's limits (SIZES), against the smallest, grown the same
    way at the shipped size. Linear growth keeps every ratio near 1 or below."""
    base = largest()
    policies = balance.default_policies()
    print(f"scaling, {len(policies)} policies x {games:,} games, grown from {base.id}:")
    first = None
    for weeks, roster, people in SIZES:
        s = grown(base, weeks, roster, people)
        t0 = time.perf_counter()
        balance.report(s, games, policies, seed=0, progress=False)
        took = time.perf_counter() - t0
        size = weeks * roster * people
        first = first or took / size
        print(
            f"  W x M x S = {weeks:>2} x {roster:>2} x {people:>2} = {size:>6,}  {took:6.2f} s"
            f"  cost per unit {took / size / first:.2f}x the smallest's"
        )


if __name__ == "__main__":
    main()
    scaling()
