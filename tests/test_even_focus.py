"""Discovery is worth real points in every shipped deal: the shipped expert plan, replayed
with an even focus held all game (its first focus made uniform, its later audibles
dropped), scores at least 10 points of expected score below the plan as recorded."""

from dataclasses import replace
from pathlib import Path

import pytest

from engine.decisions import Focus
from engine.loader import load_scenario
from engine.plan import parse_plan, play_plan
from scoring.scorecard import score

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "plans").glob("*.plan.yaml"))


def even(plan):
    """The plan with one uniform focus at its first focus, and no other focus decision."""
    steps, seen = [], False
    for decision, loc in plan.steps:
        if isinstance(decision, Focus):
            if seen:
                continue
            seen = True
            n = len(decision.weights)
            decision = Focus({k: 1.0 / n for k in decision.weights})
        steps.append((decision, loc))
    assert seen, "an expert plan sets a focus"
    return replace(plan, steps=tuple(steps))


@pytest.mark.parametrize("plan_path", PLANS, ids=lambda p: p.name.removesuffix(".plan.yaml"))
def test_an_even_focus_costs_the_expert_plan_ten_points(plan_path):
    scenario = load_scenario(ROOT / "scenarios" / plan_path.name.replace(".plan.yaml", ".yaml"))
    plan = parse_plan(plan_path)
    recorded = score(play_plan(scenario, plan).trace()).game(0)["expected_score"]
    flat = score(play_plan(scenario, even(plan)).trace()).game(0)["expected_score"]
    assert recorded - flat >= 10, (recorded, flat)
