"""The team hears only of events that touch it: someone off the team being pulled away
is not news to them."""

from __future__ import annotations

from engine.decisions import EndWeek, Inject, Staff, Start
from engine.loader import find_scenario
from engine.observe import observe
from engine.state import new_game


def play(staff: list[str]):
    s = find_scenario("harbor_cross_sell")
    state = new_game(s, 4)
    for m in staff:
        state = state.apply(Staff(m, ("priorities", "commitment", "followup", "contingency")))
    for d in (Start(), Inject("viktor_recalled"), EndWeek()):
        state = state.apply(d)
    return state


def test_a_member_off_the_team_being_pulled_is_not_news():
    state = play(["nora"])
    assert "viktor_recalled" in {e for _, e in state.fired_events()}
    assert "viktor_recalled" not in {e["id"] for e in observe(state)["events"]}


def test_a_member_on_the_team_being_pulled_is_news():
    state = play(["nora", "viktor"])
    assert "viktor_recalled" in {e["id"] for e in observe(state)["events"]}
