"""The booking preview is the week the player will get: exact, and only what the team
can see."""

from __future__ import annotations

import pytest

from engine.decisions import EndWeek, Run
from engine.loader import find_scenario
from engine.observe import observe
from engine.plan import parse_plan, play_plan
from engine.state import new_game
from simulator.preview import preview

PLAN = "plans/northwind_new_logo.plan.yaml"


@pytest.fixture(scope="module")
def week1():
    s = find_scenario("northwind_new_logo")
    g = play_plan(s, parse_plan(PLAN))
    state = new_game(s, g.seed)
    for d in g.history[: next(n for n, d in enumerate(g.history) if d.kind == "start") + 1]:
        state = state.apply(d)
    return state


def test_the_preview_is_what_the_week_brings(week1):
    run = Run("discovery_meeting", "raj", "coo")
    p = preview(week1, run)
    after = observe(week1.apply(run).apply(EndWeek()))
    without = observe(week1.apply(EndWeek()))
    coo = [next(x for x in o["stakeholders"] if x["id"] == "coo") for o in (after, without)]
    assert p.known == pytest.approx(coo[1]["uncertainty"] - coo[0]["uncertainty"])
    assert p.known > 0 and any(v > 0 for v in p.progress.values())
    assert "Expected this week" in p.text("Helen Marsh")


def test_no_preview_for_a_booking_the_rules_refuse(week1):
    assert preview(week1, Run("discovery_meeting", "nobody", "coo")) is None
