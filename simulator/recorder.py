"""Record a bot's game as an example plan (the setup-plus-weeks format of docs/plan-format.md).

    python -m simulator.recorder northwind-new-logo --seed 2 > plans/northwind_new_logo.plan.yaml

The shipped example plans are the expert bot's games, so they show play that follows
every practice under the scenario's current rules; re-record them after re-tuning.
"""

from __future__ import annotations

import sys

import numpy as np
import yaml

from engine.batch import simulate
from engine.bots import make_policy
from engine.decisions import Assign, Connect, Decision, EndWeek, Focus, Plan, Run, Staff, Start
from engine.loader import find_scenario
from simulator import cliargs


def _focus(d: Focus) -> dict[str, float]:
    return {k: round(float(v), 3) for k, v in d.weights.items()}


def _item(d: Decision) -> dict:
    if isinstance(d, Run):
        item = {"action": d.action, "member": d.member}
        return item | ({"target": d.target} if d.target is not None else {})
    if isinstance(d, Focus):
        return {"do": "focus", "weights": _focus(d)}
    return d.to_dict()


def to_plan(scenario_id: str, seed: int, decisions: list[Decision]) -> dict:
    """A decision list (from setup to the customer's decision) as a setup-plus-weeks plan."""
    start = next(i for i, d in enumerate(decisions) if isinstance(d, Start))
    team: list[dict] = []
    roles: dict[str, str] = {}
    connections: dict[str, list[str]] = {}
    setup: dict = {}
    for d in decisions[:start]:
        if isinstance(d, Staff):
            team.append(
                {"member": d.member} | ({"checklist": list(d.checklist)} if d.checklist else {})
            )
        elif isinstance(d, Assign):
            roles[d.member] = d.role
        elif isinstance(d, Connect):
            connections.setdefault(d.member, []).append(d.stakeholder)
        elif isinstance(d, Focus):
            setup["focus"] = _focus(d)
        elif isinstance(d, Plan):
            setup.setdefault("milestones", []).append(
                {"milestone": d.milestone, "owner": d.owner, "action": d.action, "due": d.due}
            )
    for t in team:
        if t["member"] in roles:
            t["role"] = roles[t["member"]]
    setup = {"team": team, "connections": connections, **setup}
    weeks: dict[int, list[dict]] = {}
    week = 1
    for d in decisions[start + 1 :]:
        if isinstance(d, EndWeek):
            week += 1
        else:
            weeks.setdefault(week, []).append(_item(d))
    return {"scenario": scenario_id, "seed": seed, "setup": setup, "weeks": weeks}


def record(name: str, seed: int, policy: str = "expert") -> str:
    """The plan YAML of `policy`'s game of scenario `name` for game seed `seed`."""
    scenario = find_scenario(name)
    result = simulate(scenario, np.array([seed], np.uint64), make_policy(policy, seed))
    plan = to_plan(scenario.id, seed, result.decisions(0))
    head = (
        f"# Example plan for {scenario.id}: the {policy} bot's game for seed {seed}, recorded\n"
        f"# with `python -m simulator.recorder {scenario.id} --seed {seed}`.\n"
        f"# Play it with:  dealcraft run {scenario.id} --plan "
        f"plans/{scenario.id.replace('-', '_')}.plan.yaml\n"
    )
    body = yaml.safe_dump(plan, sort_keys=False, default_flow_style=None, width=100)
    return head + body


def main(argv: list[str] | None = None) -> int:
    p = cliargs.Parser(prog="python -m simulator.recorder")
    p.add_argument("scenario")
    p.add_argument("--seed", type=cliargs.seed, default=2)
    p.add_argument("--policy", default="expert")
    args = p.parse_args(argv)
    sys.stdout.write(record(args.scenario, args.seed, args.policy))
    return 0


if __name__ == "__main__":
    sys.exit(main())
