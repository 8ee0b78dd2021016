"""A game as long as the scenario format's limits make a game of runs, for save and
replay tests and the saves benchmark: 52 weeks, 20 members with 60 hours a week each
and a 1-hour action, every hour spent (62,493 decisions)."""

from __future__ import annotations

from pathlib import Path

import yaml

from engine.decisions import Assign, Decision, EndWeek, Run, Staff, Start
from engine.loader import find_scenario, load_scenario
from engine.model import Scenario

ACTION = "account_review"


def write_scenario(folder: Path) -> Path:
    """Northwind stretched to the format's limits for decisions per game; its YAML path."""
    data = find_scenario("northwind-new-logo").model_dump(mode="json", exclude_none=True)
    data["id"] = "long-haul"
    data["deal"]["weeks"] = 52
    data["limits"] = {"headcount": 20, "weekly_budget": 10_000_000}
    proto = dict(data["roster"][0], capacity=60, weekly_cost=0, internal_resource=False)
    proto.pop("available_until", None)
    data["roster"] = [dict(proto, id=f"m{k:02d}", name=f"Member {k}") for k in range(20)]
    data["chemistry"] = []
    data["events"] = []
    for role in data["roles"]:
        role["max"] = 10
    for action in data["actions"]:
        if action["id"] == ACTION:
            action["hours"] = 1
    path = folder / "long_haul.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def load(folder: Path) -> Scenario:
    return load_scenario(write_scenario(folder))


def decisions(scenario: Scenario, weeks: int | None = None) -> list[Decision]:
    """Staff and assign everyone, start, then fill every hour of `weeks` weeks (all)."""
    ids = [m.id for m in scenario.roster]
    roles = ["quarterback"] + ["solution_consultant"] * 10 + ["delivery_lead"] * 9
    out: list[Decision] = [Staff(i) for i in ids]
    out += [Assign(i, r) for i, r in zip(ids, roles, strict=True)] + [Start()]
    for _ in range(scenario.deal.weeks if weeks is None else weeks):
        for i in ids:
            out += [Run(ACTION, i)] * 60
        out.append(EndWeek())
    return out
