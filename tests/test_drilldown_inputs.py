"""The debrief's drill-down inputs are complete and labelled (issue 13, row 8): every pair
that moves chemistry, milestones by name, no charge for releasing an owner whose
milestone is complete, and no false praise of connection fit with no connections."""

from __future__ import annotations

from support.app import NORTHWIND_WEEKS, northwind_game

from engine.decisions import EndWeek, Release, Run, Staff, Start
from scoring import alignment as al
from scoring import components as reg


def component(name: str):
    return next(c for c in reg.COMPONENTS if c.name == name)


def play_out(s, skip=lambda week, member: False, before_week=None):
    while not s.state.is_over():
        week = s.state.week
        if before_week:
            before_week(s, week)
        for action, member, target in NORTHWIND_WEEKS.get(week, []):
            if not skip(week, member):
                s.apply(Run(action, member, target))
        s.apply(EndWeek())
    return s.state.trace()


def test_chemistry_lists_every_pair_on_the_team_with_its_value():
    s = northwind_game("team")
    assert s.apply(Staff("claire")) is None
    t = s.state
    chem = t.compiled.chem
    staffed = [t.compiled.members.index(m) for m in t.staffed()]
    declared = [(a, b) for a in staffed for b in staffed if a < b and chem[a, b] != 0]
    s.apply(Start())
    trace = play_out(s)
    pairs = component("chemistry").inputs(trace, 0, None)["pairs"]
    assert len(pairs) == len(declared) >= 1
    names = trace["p_names"]["members"]
    for a, b in declared:
        assert any(names[a] in p and names[b] in p and f"{chem[a, b]:+.1f}" in p for p in pairs)


def test_accountability_names_milestones_and_does_not_charge_a_release_after_completion():
    def release_ben(s, week):
        if week == 8:
            assert s.apply(Release("ben")) is None

    kept = play_out(northwind_game(), skip=lambda w, m: m == "ben" and w >= 8)
    released = play_out(
        northwind_game(), skip=lambda w, m: m == "ben" and w >= 8, before_week=release_ben
    )
    k = released["p_names"]["milestones"].index("Business case agreed")
    assert (released["t_progress"][0, 6, k] >= 1) and not released["owner_staffed"][0, k]
    assert al.owned(released)[0, k]
    assert al.accountability(released)[0] == al.accountability(kept)[0]
    inputs = component("accountability").inputs(released, 0, None)
    assert set(inputs) == set(released["p_names"]["milestones"])
    assert "released after it was complete" in inputs["Business case agreed"]


def test_connection_fit_with_no_connections_claims_no_seniority_match():
    s = northwind_game("team")
    s.apply(Start())
    trace = play_out(s)
    reason = component("connection_fit").reason(trace, 0, None)
    assert "seniority match" not in reason and "no connection" in reason
    assert float(al.connection_fit(trace)[0][trace["played"][0]].max()) == 0.0
