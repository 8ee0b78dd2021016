"""The designer's balance report, in full, vs the random policy alone, measured in one run.

Plays the report `dealcraft balance` prints by default (random, the expert and every
practice and exploit probe, with the lessons and per-event/milestone/action/roster
tables) on the largest shipped scenario, and the random policy's games alone on the
same seeds; prints both times and their ratio. Usage:
    python bench/bench_balance.py [GAMES] [SCENARIO]
"""

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


def at_limits(base):
    """A legal scenario at the format's size limits (16 stakeholders, 30 roster members,
    52 weeks), grown from `base` by copying its people and stretching its calendar."""
    from engine.loader import parse_scenario
    from engine.yamlsource import read_yaml

    data = base.model_dump(mode="json", exclude_none=True)
    stretch = 52 / data["deal"]["weeks"]
    data["deal"]["weeks"] = 52
    people = data["stakeholders"]
    grown = [
        dict(p, id=f"{p['id']}_{k}", name=f"{p['name']} {k}") for k in range(1, 4) for p in people
    ]
    data["stakeholders"] = (people + grown)[:16]
    for p in data["stakeholders"]:
        p.pop("joins_week", None)
        p["influence"] = 1 / len(data["stakeholders"])
    roster = data["roster"]
    data["roster"] = (
        roster
        + [
            dict(m, id=f"{m['id']}_{k}", name=f"{m['name']} {k}")
            for k in range(1, 4)
            for m in roster
        ]
    )[:30]
    for m in data["roster"]:
        m.pop("available_until", None)
        m["available_from"] = 1
    data["chemistry"] = []
    for ms in data["milestones"]:
        ms["target_week"] = min(52, round(ms["target_week"] * stretch))
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
            w["week"] = min(52, round(w["week"] * stretch))
        if w.get("window"):
            w["window"] = [min(52, round(x * stretch)) for x in w["window"]]
    text = yaml.safe_dump(data, sort_keys=False)
    return parse_scenario(read_yaml("limits.yaml", raw=text.encode()))[0]


def scaling(games: int = 2_000) -> None:
    """Cost per game-week-member-stakeholder: the largest shipped scenario vs one at the
    format's limits, with every policy. Linear growth keeps the ratio near 1 or below."""
    base = largest()
    big = at_limits(base)
    policies = balance.default_policies()
    out = []
    for s in (base, big):
        t0 = time.perf_counter()
        balance.report(s, games, policies, seed=0, progress=False)
        size = s.deal.weeks * len(s.roster) * len(s.stakeholders)
        out.append((s, time.perf_counter() - t0, size))
    (s0, t0_, n0), (s1, t1, n1) = out
    print(f"scaling, {len(policies)} policies x {games:,} games:")
    print(f"  {s0.id:<20} W x M x S = {n0:>6,}  {t0_:6.2f} s")
    print(f"  at the format limits W x M x S = {n1:>6,}  {t1:6.2f} s")
    print(f"  cost per unit of W x M x S: {(t1 / n1) / (t0_ / n0):.2f}x the shipped scenario's")


if __name__ == "__main__":
    main()
    scaling()
