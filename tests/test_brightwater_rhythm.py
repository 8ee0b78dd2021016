"""The leadership-rhythm deal (brightwater-rhythm): it is a complete library deal, its
behaviour events answer a team that skips its reviews or coaching and leave a team that
keeps them alone, the budget freeze ends on time, and it replays in batch as one game."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.batch import simulate
from engine.bots import make_policy
from engine.loader import find_scenario, validate_file
from engine.plan import parse_plan, play_plan
from engine.state import new_game
from scoring.scorecard import score

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "scenarios" / "brightwater_rhythm.yaml"
PLAN = ROOT / "plans" / "brightwater_rhythm.plan.yaml"
LAPSES = ("pipeline_exposed", "mixed_messages", "uncoached_demo")


@pytest.fixture(scope="module")
def deal():
    return find_scenario("brightwater-rhythm")


def test_the_deal_validates_with_no_warnings():
    assert validate_file(FILE) == []


def test_the_deal_has_the_library_shape(deal):
    assert deal.deal.weeks >= 12
    assert len(deal.stakeholders) >= 5 and any(s.joins_week for s in deal.stakeholders)
    assert len(deal.roster) >= 8 and len(deal.roles) >= 4 and len(deal.events) >= 6
    assert {"rhythm", "connections", "realign"} <= set(deal.teaches)
    f = deal.facilitator
    assert f.debrief_guide and f.hidden_truth and len(f.discussion_questions) >= 3
    kinds = {e.id: e for e in deal.events}
    assert kinds["pipeline_backing"].when.repeat_every and kinds["budget_freeze"].effects.lasts
    assert all(kinds[e].when.if_not_run for e in LAPSES)


def _fired(deal, policy: str, games: int = 40) -> np.ndarray:
    res = simulate(deal, np.arange(games, dtype=np.uint64), make_policy(policy, 1))
    return np.asarray(res.batch.fire_count)


def test_skipping_the_rhythm_is_answered_and_keeping_it_is_rewarded(deal):
    ids = [e.id for e in deal.events]
    expert, skipper = _fired(deal, "expert"), _fired(deal, "no_rhythm")
    for e in LAPSES:
        assert expert[:, ids.index(e)].sum() == 0, e
        assert (skipper[:, ids.index(e)] >= 1).all(), e
    backing = ids.index("pipeline_backing")
    assert (expert[:, backing] == 3).all() and (skipper[:, backing] == 0).all()


def test_the_budget_freeze_lasts_three_weeks(deal):
    plan = parse_plan(PLAN)
    full = deal.limits.weekly_budget
    budgets = {w: play_plan(deal, plan, until=w).budget() for w in range(5, 10)}
    assert budgets == {5: full, 6: full - 2500, 7: full - 2500, 8: full - 2500, 9: full}


def test_the_compliance_head_joins_and_the_expert_connects_her(deal):
    state = play_plan(deal, parse_plan(PLAN))
    assert ("ayesha", "compliance_head") in state.connections()
    assert (5, "compliance_joins") in state.fired_events()


def test_the_recorded_expert_plan_wins(capsys):
    from simulator.cli import main

    assert main(["run", str(FILE), "--plan", str(PLAN), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["result"] == "win" and card["expected_score"] > 80


@pytest.mark.parametrize("policy", ["random", "expert", "no_rhythm", "audible_every_week"])
def test_batch_equals_single_game(deal, policy):
    """Every bot game, replayed one decision at a time, scores the same bits as in the
    batch (the repeating and lasting events included)."""
    res = simulate(deal, np.arange(6, dtype=np.uint64), make_policy(policy, 5))
    batch = score(res.trace())
    for i in range(6):
        one = score(new_game(deal, i).apply_all(res.decisions(i)).trace())
        assert one.expected_score[0] == batch.expected_score[i]
        assert one.score[0] == batch.score[i]
