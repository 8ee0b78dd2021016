"""The gaps named before ending a week or starting the deal."""

from __future__ import annotations

from engine.decisions import Assign, Connect, EndWeek, Inject, Staff, Start
from engine.loader import find_scenario
from engine.state import new_game
from simulator.readiness import end_week_detail, gaps


def setup(*decisions):
    state = new_game(find_scenario("northwind_new_logo"), 1)
    for d in decisions:
        state = state.apply(d)
    return state


def test_no_quarterback_and_the_economic_buyer_unreached_are_named():
    found = gaps(setup(Staff("maya"), Assign("maya", "solution_consultant")))
    assert any("quarterback" in g for g in found)
    assert any("Helen Marsh" in g and "economic" in g for g in found)


def test_a_complete_team_has_no_gaps():
    s = find_scenario("northwind_new_logo")
    team = [("maya", "quarterback"), ("raj", "solution_consultant"), ("ben", "delivery_lead")]
    decisions = [d for m, r in team for d in (Staff(m), Assign(m, r))]
    found = gaps(setup(*decisions, Connect("maya", "coo")))
    assert not any("quarterback" in g or "economic" in g for g in found)
    assert s.roles  # roles left empty are named only when a role's minimum is unmet
    assert end_week_detail(setup(*decisions)).count("⚠") == len(gaps(setup(*decisions)))


def test_over_budget_is_named():
    """A team at the budget, then the company's budget squeeze: over budget, and told."""
    s = find_scenario("northwind_new_logo")
    squeeze = next(e.id for e in s.events if e.effects.budget < 0)
    state = setup(*(Staff(m) for m in ("claire", "maya", "raj", "jordan")))
    assert state.team_cost() == state.budget() and not any("budget" in g for g in gaps(state))
    for d in (Start(), Inject(squeeze), EndWeek()):
        state = state.apply(d)
    assert state.team_cost() > state.budget()
    assert "over budget" in gaps(state)[0]
