"""The sales-force-effectiveness deal (kestrel-regions): it is a complete library deal whose
borrowed marketing, operations and service partners fall under the follow-through
checklist, whose behaviour events answer a team that lets its message drift (no review, no
coaching, unbriefed partners) and reward one that keeps it, and it replays in batch as one
game."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from engine.batch import simulate
from engine.bots import make_policy
from engine.loader import find_scenario, validate_file
from engine.state import new_game
from scoring.scorecard import score

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "scenarios" / "kestrel_regions.yaml"
PLAN = ROOT / "plans" / "kestrel_regions.plan.yaml"
RHYTHM_LAPSES = ("regions_compare_notes", "uncoached_pitch")
PARTNER_ROLES = {"marketing_partner", "operations_partner", "service_partner"}


@pytest.fixture(scope="module")
def deal():
    return find_scenario("kestrel-regions")


def test_the_deal_validates_with_no_warnings():
    assert validate_file(FILE) == []


def test_the_deal_has_the_library_shape(deal):
    assert deal.deal.weeks >= 10
    assert len(deal.stakeholders) >= 5 and len(deal.roster) >= 8
    assert len(deal.roles) >= 4 and len(deal.events) >= 6
    assert {"follow_through", "realign", "rhythm"} <= set(deal.teaches)
    f = deal.facilitator
    assert f.debrief_guide and f.hidden_truth and len(f.discussion_questions) >= 3
    assert PARTNER_ROLES <= {r.id for r in deal.roles}
    others = [
        yaml.safe_load(f.read_text())["customer"]["name"]
        for f in (ROOT / "scenarios").glob("*.yaml")
        if f != FILE
    ]
    assert deal.customer.name not in others


def test_the_partners_are_borrowed_and_the_expert_enrols_them_with_the_checklist(deal):
    borrowed = {m.id for m in deal.roster if m.internal_resource}
    team = yaml.safe_load(PLAN.read_text())["setup"]["team"]
    partners = [t for t in team if t["role"] in PARTNER_ROLES]
    assert len(partners) == 3 and all(t["member"] in borrowed for t in partners)
    assert all(len(t["checklist"]) == 4 for t in partners)


def _fired(deal, policy: str, games: int = 40) -> np.ndarray:
    res = simulate(deal, np.arange(games, dtype=np.uint64), make_policy(policy, 1))
    return np.asarray(res.batch.fire_count)


def test_a_drifting_message_is_answered_and_a_steady_one_rewarded(deal):
    ids = [e.id for e in deal.events]
    expert, no_rhythm = _fired(deal, "expert"), _fired(deal, "no_rhythm")
    unbriefed = _fired(deal, "skip_checklist")
    for e in (*RHYTHM_LAPSES, "partners_unbriefed"):
        assert expert[:, ids.index(e)].sum() == 0, e
    for e in RHYTHM_LAPSES:
        assert (no_rhythm[:, ids.index(e)] >= 1).all(), e
    assert (unbriefed[:, ids.index("partners_unbriefed")] >= 1).all()
    steady = ids.index("same_story_everywhere")
    assert (expert[:, steady] == 3).all() and (no_rhythm[:, steady] == 0).all()


def test_the_recorded_expert_plan_wins(capsys):
    from simulator.cli import main

    assert main(["run", str(FILE), "--plan", str(PLAN), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["result"] == "win" and card["expected_score"] > 80


@pytest.mark.parametrize(
    "policy", ["random", "expert", "no_rhythm", "skip_checklist", "audible_every_week"]
)
def test_batch_equals_single_game(deal, policy):
    """Every bot game, replayed one decision at a time, scores the same bits as in the
    batch (the repeating behaviour events included)."""
    res = simulate(deal, np.arange(6, dtype=np.uint64), make_policy(policy, 5))
    batch = score(res.trace())
    for i in range(6):
        one = score(new_game(deal, i).apply_all(res.decisions(i)).trace())
        assert one.expected_score[0] == batch.expected_score[i]
        assert one.score[0] == batch.score[i]
