"""The customer's-voice deal (calder-water) and the `if_staffed` condition it rests
on: a member the customer turned away costs while they stay on the team and stops costing
once released, the format checks the condition, the recorded expert plan wins, and the
deal replays in batch exactly as one game."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.batch import simulate
from engine.bots import make_policy
from engine.decisions import Assign, Connect, EndWeek, Release, Staff, Start
from engine.loader import content_hash, find_scenario, load_scenario, validate_file
from engine.state import new_game
from scoring.scorecard import score

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "scenarios" / "calder_water.yaml"
PLAN = ROOT / "plans" / "calder_water.plan.yaml"
VETO = "celeste_still_here"


@pytest.fixture(scope="module")
def deal():
    return find_scenario("calder-water")


def _team(deal, architect: str):
    g = new_game(deal, 4)
    for member, role in (
        ("sam", "quarterback"),
        (architect, "architect"),
        ("joe", "delivery_lead"),
    ):
        g = g.apply(Staff(member)).apply(Assign(member, role))
    for st in deal.stakeholders:
        g = g.apply(Connect("sam", st.id))
    return g.apply(Start())


def _weeks(g, n: int):
    for _ in range(n):
        g = g.apply(EndWeek())
    return g


def _fired(g, event: str) -> list[int]:
    return [w for w, e in g.fired_events() if e == event]


def test_the_deal_validates_with_no_warnings(deal):
    assert validate_file(FILE) == []
    assert load_scenario(FILE).id == deal.id
    assert {"customer_voice", "fit"} <= set(deal.teaches)
    assert deal.deal.weeks >= 8 and len(deal.stakeholders) >= 5 and len(deal.roster) >= 8
    assert len(deal.roles) >= 4 and len(deal.events) >= 6
    f = deal.facilitator
    assert f.debrief_guide and f.hidden_truth and len(f.discussion_questions) >= 3


def test_a_turned_away_member_costs_every_week_they_stay(deal):
    kept = _weeks(_team(deal, "celeste"), 5)
    assert _fired(kept, "celeste_turned_away") == [2]
    assert _fired(kept, VETO) == [3, 4, 5, 6]


def test_releasing_them_stops_it(deal):
    g = _weeks(_team(deal, "celeste"), 3)  # week 4 has begun: the veto fired in weeks 3, 4
    g = g.apply(Release("celeste")).apply(Staff("nina")).apply(Assign("nina", "architect"))
    g = _weeks(g, 3)
    assert _fired(g, VETO) == [3, 4]


def test_a_team_without_them_never_hears_it(deal):
    g = _weeks(_team(deal, "nina"), 5)
    assert not _fired(g, "celeste_turned_away") and not _fired(g, VETO)


def test_keeping_them_costs_the_stance_of_who_objected(deal):
    kept, spared = _weeks(_team(deal, "celeste"), 5), _weeks(_team(deal, "nina"), 5)
    it = kept.compiled.stakeholders.index("it_head")
    assert kept.batch.stance[0, it] < spared.batch.stance[0, it] - 0.3


def _edit(tmp_path, old: str, new: str):
    text = FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "deal.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    line = text.count("\n", 0, text.index(old)) + 1
    return [(p.code, p.severity, p.line) for p in validate_file(path)], line


def test_an_unknown_member_is_an_error_at_its_node(tmp_path):
    problems, line = _edit(
        tmp_path, "when: {week: 2, if_staffed: [celeste]}", "when: {week: 2, if_staffed: [celest]}"
    )
    assert problems == [("ref.unknown", "error", line)]


def test_a_member_never_there_while_it_may_fire_is_a_warning(tmp_path):
    problems, line = _edit(
        tmp_path,
        "    capacity: 12\n    traits: [conference",
        "    capacity: 12\n    available_from: 8\n    traits: [conference",
    )
    assert ("lint.condition", "warning") in {(c, s) for c, s, _ in problems}


def test_if_staffed_left_out_of_the_hash_at_its_default(tmp_path):
    """A scenario that does not use the condition keeps its hash, so its saves load."""
    north = ROOT / "scenarios" / "northwind_new_logo.yaml"
    text = north.read_text(encoding="utf-8")
    path = tmp_path / "n.yaml"
    path.write_text(text.replace("when: {week: 4}", "when: {week: 4, if_staffed: []}", 1))
    assert content_hash(load_scenario(path)) == content_hash(load_scenario(north))


def test_the_timeline_names_the_condition(capsys):
    from simulator.cli import main

    assert main(["timeline", str(FILE)]) == 0
    assert "celeste on the team" in capsys.readouterr().out


def test_the_recorded_expert_plan_wins(capsys):
    from simulator.cli import main

    assert main(["run", str(FILE), "--plan", str(PLAN), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["result"] == "win" and card["expected_score"] > 70


@pytest.mark.parametrize("policy", ["random", "expert", "star_staff", "ignore_requests"])
def test_batch_equals_single_game(deal, policy):
    """Every bot game of the deal, the vetoed star's included, replayed one decision at a
    time, scores the same bits as in the batch."""
    res = simulate(deal, np.arange(8), make_policy(policy, 5))
    batch = score(res.trace())
    for i in range(8):
        g = new_game(deal, i).apply_all(res.decisions(i))
        one = score(g.trace())
        assert one.expected_score[0] == batch.expected_score[i]
        assert one.score[0] == batch.score[i]


def test_the_star_probe_meets_the_veto(deal):
    """star_staff fields Celeste, so the batch fires the veto; the expert never does."""
    star = simulate(deal, np.arange(16), make_policy("star_staff", 1))
    expert = simulate(deal, np.arange(16), make_policy("expert", 1))
    e = [ev.id for ev in deal.events].index(VETO)
    assert star.batch.fire_count[:, e].min() >= 3
    assert expert.batch.fire_count[:, e].max() == 0
