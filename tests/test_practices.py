"""The practices the game teaches: each is a named mechanic, costs the game when dropped,
and the debrief names it (with its evidence) when a game skipped it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.batch import simulate
from engine.bots import make_policy
from engine.loader import find_scenario
from engine.model import Rules, Scenario
from engine.plan import parse_plan, play_plan
from engine.practices import PRACTICES
from scoring import alignment as al
from scoring.debrief import debrief, lapses
from scoring.scorecard import score

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [
    "northwind-new-logo",
    "meridian-renewal",
    "harbor-cross-sell",
    "first-deal",
    "brightwater-rhythm",
    "calder-water",
    "kestrel-regions",
]


def test_every_practice_is_one_complete_record():
    ids = [p.id for p in PRACTICES]
    assert len(ids) == len(set(ids))
    for p in PRACTICES:
        assert p.name and p.advice and p.probe
        assert all(r in Rules.model_fields for r in p.rules), p.id
        make_policy(p.probe, 0)  # every probe is a policy


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_scenario_teaches_at_least_three_known_practices(name):
    s = find_scenario(name)
    assert len(s.teaches) >= 3 and set(s.teaches) <= {p.id for p in PRACTICES}


def _games(name, policy, n=200):
    s = find_scenario(name)
    return score(simulate(s, np.arange(n, dtype=np.uint64), make_policy(policy, 1)).trace())


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_taught_practice_costs_the_expert_when_dropped(name):
    """A smaller, fast version of the balance report's lessons target (the slow test in
    test_headless checks the full figures at 2,000 games)."""
    expert = _games(name, "expert")
    for pid in find_scenario(name).teaches:
        probe = _games(name, next(p.probe for p in PRACTICES if p.id == pid))
        cost = expert.expected_score.mean() - probe.expected_score.mean()
        won = expert.outcome["won"].mean() - probe.outcome["won"].mean()
        assert cost >= 8 and won >= 0.1, (pid, cost, won)


def test_an_even_focus_scores_nothing_on_focus_alignment():
    s = find_scenario("northwind-new-logo")
    result = simulate(s, np.arange(50, dtype=np.uint64), make_policy("random", 3))
    t = result.trace()
    t["t_focus"] = np.full_like(t["t_focus"], 1.0 / t["t_focus"].shape[-1])
    assert np.nanmax(np.where(t["played"], al.focus(t), np.nan)) == 0
    t["t_focus"] = al.customer_priorities(t)
    assert np.nanmin(np.where(t["played"], al.focus(t), np.nan)) > 0.999


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_expert_plans_skip_no_practice(name):
    s = find_scenario(name)
    plan = parse_plan(ROOT / "plans" / f"{name.replace('-', '_')}.plan.yaml")
    t = play_plan(s, plan).trace()
    assert lapses(t) == []


@pytest.mark.parametrize(
    "probe,practice",
    [
        ("no_quarterback", "quarterback"),
        ("one_stakeholder", "connections"),
        ("no_plan", "milestones"),
        ("skip_checklist", "follow_through"),
        ("audible_every_week", "realign"),
        ("ignore_requests", "customer_voice"),
    ],
)
def test_the_debrief_names_the_practice_a_probe_skipped(probe, practice):
    s = find_scenario("harbor-cross-sell")
    r = simulate(s, np.arange(20, dtype=np.uint64), make_policy(probe, 1))
    t = r.trace()
    named = [{p["practice"] for p in lapses(t, i)} for i in range(20)]
    assert sum(practice in n for n in named) >= 10, (probe, named[:3])
    i = next(i for i, n in enumerate(named) if practice in n)  # a game that skipped it
    name = next(p.name for p in PRACTICES if p.id == practice)
    assert any(line.startswith(f"{name}: ") for line in debrief(t, i)["advice"])


WEEK_RULES = {  # the resolve_week numbers that came out of the code, and a value off the default
    "morale_quality_floor": 0.6,
    "morale_quality": 0.8,
    "chemistry_morale": 0.3,
    "overload_level": 0.5,
    "overload_morale": 0.5,
    "pitch_weight": 1.0,
    "pitch_cost": 0.2,
    "discovery_cap": 0.3,
    "stance_room": 2.0,
    "stance_saturation": 0.0,
}


@pytest.mark.parametrize("rule", sorted(WEEK_RULES))
def test_every_week_rule_is_read_from_the_scenario(rule):
    s = find_scenario("harbor-cross-sell")
    assert getattr(Rules(), rule) != WEEK_RULES[rule]
    data = s.model_dump()
    data["rules"][rule] = WEEK_RULES[rule]
    changed = Scenario.model_validate(data)  # a scenario of its own (not the cached one)
    seeds = np.arange(60, dtype=np.uint64)
    policy = "random" if rule.startswith(("overload", "chemistry")) else "expert"
    base = score(simulate(s, seeds, make_policy(policy, 1)).trace()).expected_score
    moved = score(simulate(changed, seeds, make_policy(policy, 1)).trace()).expected_score
    assert not np.array_equal(base, moved), rule
