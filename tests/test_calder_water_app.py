"""The customer's-voice deal in the app: its briefing, the week the head of IT turns a
staffed star away, and the debrief of the expert's recorded game."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.app import make_app

from engine.decisions import Assign, Connect, EndWeek, Staff, Start
from engine.loader import find_scenario
from engine.plan import parse_plan, play_plan
from simulator.saves import Session

pytestmark = pytest.mark.usefixtures("fast_pilot")

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "calder_water.plan.yaml"
SIZE = (100, 32)
SEED = 2


async def _quiet(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_briefing_of_the_customers_voice_deal(home, snap_compare):
    app = make_app(scenario=find_scenario("calder-water"), seed=SEED)
    assert snap_compare(app, terminal_size=SIZE, run_before=_quiet)


def test_week_the_star_is_turned_away(home, snap_compare):
    """Week 2 of a team that fielded Celeste: the veto has just arrived."""
    deal = find_scenario("calder-water")
    s = Session.new(deal, SEED)
    team = (("sam", "quarterback"), ("celeste", "architect"), ("joe", "delivery_lead"))
    for member, role in team:
        assert s.apply(Staff(member)) is None and s.apply(Assign(member, role)) is None
    for st in deal.stakeholders:
        assert s.apply(Connect("sam", st.id)) is None
    assert s.apply(Start()) is None and s.apply(EndWeek()) is None
    assert "celeste_turned_away" in {e for _, e in s.state.fired_events()}
    assert snap_compare(make_app(s), terminal_size=SIZE, run_before=_quiet)


def test_debrief_of_the_expert_plan(home, snap_compare):
    deal = find_scenario("calder-water")
    state = play_plan(deal, parse_plan(PLAN))
    s = Session.new(deal, SEED, state=state)
    assert snap_compare(make_app(s), terminal_size=SIZE, run_before=_quiet)
