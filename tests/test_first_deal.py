"""The first-deal tutorial and the hints it rests on: hints show when their moment and
conditions hold (read from the player's view) and not otherwise, the format checks them,
a game that follows them wins, and the deal replays in batch exactly as one game."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support import tutorial as T

from engine.batch import simulate
from engine.bots import make_policy
from engine.decisions import Assign, Connect, EndWeek, Focus, Run, Staff, Start
from engine.hints import active_hints, holds
from engine.loader import content_hash, find_scenario, load_scenario, validate_file
from engine.observe import observe
from engine.state import new_game
from scoring.scorecard import score

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "scenarios" / "first_deal.yaml"


@pytest.fixture(scope="module")
def deal():
    return find_scenario(T.SCENARIO)


def shown(g) -> list[str]:
    return [h.id for h in active_hints(g.scenario, observe(g))]


# ---- when hints show ---------------------------------------------------------------------


def test_following_the_hints_shows_each_hint_at_its_moment():
    seen: dict[str, list[str]] = {}
    T.follow_hints(T.SEED, lambda g, moment: seen.setdefault(moment, shown(g)))
    assert seen["setup"] == ["one-quarterback", "connect-everyone", "own-the-plan"]
    assert seen["setup done"] == []  # quarterback named, everyone connected, plan owned
    assert seen["week 1"] == ["discover-first"]
    assert seen["week 2"] == ["connect-newcomer", "set-the-focus"]  # Ruth is known now
    assert seen["week 2 done"] == []  # Grace connected, the strategy set
    assert seen["week 3"] == ["show-and-propose"]
    assert "week 4" not in seen  # the order is signed in week 3


def test_a_hint_leaves_once_its_condition_no_longer_holds(deal):
    g = new_game(deal, 1).apply(Staff("nadia"))
    assert "one-quarterback" in shown(g)
    g = g.apply(Assign("nadia", "account_lead"))
    assert "one-quarterback" not in shown(g)
    assert "connect-everyone" in shown(g)
    for st in ("owner", "ops", "it"):
        g = g.apply(Connect("nadia", st))
    assert "connect-everyone" not in shown(g)  # Grace has not joined: nobody is missing


def _started(deal, seed=1):
    g = new_game(deal, seed)
    for d in T.setup_decisions():
        g = g.apply(d)
    return g.apply(Start())


def test_week_hints_wait_for_their_week_and_conditions(deal):
    g = _started(deal)
    assert "connect-newcomer" not in shown(g)  # week 1: Grace is not on the buying team
    g = g.apply(EndWeek())
    assert {"connect-newcomer", "set-the-focus"} <= set(shown(g))
    assert "show-and-propose" not in shown(g)  # a week-3 hint
    g = g.apply(Focus({"support": 3, "ease": 2, "cost": 1}))
    assert "set-the-focus" not in shown(g)
    assert "connect-newcomer" in shown(g)
    g = g.apply(Connect("elena", "finance"))
    assert "connect-newcomer" not in shown(g)
    g = g.apply(EndWeek()).apply(EndWeek())  # a team that sells nothing is still open in week 4
    assert shown(g) == ["ask-for-decision"]


def test_the_discovery_hint_reads_what_the_team_knows(deal):
    """The discovery hint stays into week 2 for a team that met nobody, and goes for one
    that learned Ruth's priorities in week 1: the team's own reading (the Known column),
    never the hidden priorities."""
    hint = next(h for h in deal.hints if h.id == "discover-first")
    idle = _started(deal).apply(EndWeek())
    assert holds(hint, deal, observe(idle))
    g = _started(deal)
    for _ in range(3):
        g = g.apply(Run("discovery_meeting", "nadia", "owner"))
    g = g.apply(EndWeek())
    assert not holds(hint, deal, observe(g))
    obs = observe(idle)
    ruth = next(st for st in obs["stakeholders"] if st["id"] == "owner")
    ruth["uncertainty"] = 0.4  # the same game, read as knowing 60% of Ruth
    assert not holds(hint, deal, obs)


def test_no_hint_after_the_deal_closes():
    assert shown(T.follow_hints(T.SEED)) == []


def test_hints_are_left_out_of_the_content_hash(northwind, deal):
    assert content_hash(northwind.model_copy(update={"hints": list(deal.hints)})) == (
        content_hash(northwind)
    )
    assert content_hash(deal.model_copy(update={"hints": []})) == content_hash(deal)


# ---- the format checks hints -------------------------------------------------------------


def _validate(tmp_path, old: str, new: str):
    """Problems of the tutorial with `old` replaced by `new` in its hints section, as
    (code, severity, line), and the line `new` is on."""
    text = FILE.read_text(encoding="utf-8")
    head, hints = text.split("\nhints:\n")
    assert hints.count(old) == 1, old
    text = head + "\nhints:\n" + hints.replace(old, new)
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    at = len(head) + len("\nhints:\n") + hints.index(old)
    return [(p.code, p.severity, p.line) for p in validate_file(path)], text.count("\n", 0, at) + 1


def test_the_tutorial_validates_with_no_warnings():
    assert validate_file(FILE) == []


@pytest.mark.parametrize(
    "old,new,code",
    [
        ("if_unconnected: [finance]", "if_unconnected: [finanse]", "ref.unknown"),
        ("if_known_below: {owner: 0.5}", "if_known_below: {ownr: 0.5}", "ref.unknown"),
        ("practice: quarterback\n", "practice: quarterbak\n", "ref.unknown"),
        ("when: {week: 4}", "when: {week: 5}", "week.range"),
        ("{window: [2, 4], if_focus_even", "{window: [3, 2], if_focus_even", "week.range"),
        ("when: {week: 3}", "when: {week: 3, setup: true}", "hint.moment"),
    ],
)
def test_a_bad_hint_is_an_error_at_its_node(tmp_path, old, new, code):
    problems, line = _validate(tmp_path, old, new)
    assert problems == [(code, "error", line)]


def test_a_hint_that_can_never_show_is_a_warning(tmp_path):
    problems, line = _validate(
        tmp_path, "when: {week: 3}", "when: {week: 2, if_arrived: [tillroll_discount]}"
    )
    assert problems == [("lint.hint-never", "warning", line)]
    problems, line = _validate(
        tmp_path, "when: {week: 3}", "when: {setup: true, if_request_open: true}"
    )
    assert problems == [("lint.hint-never", "warning", line)]


# ---- the tutorial teaches, and a game that follows the hints wins ------------------------


def test_following_the_hints_wins_most_seeds():
    results = [score(T.follow_hints(seed).trace()).game(0)["result"] for seed in range(40)]
    assert results.count("win") >= 30, results


def test_the_recorded_expert_plan_wins(capsys):
    from simulator.cli import main

    assert (
        main(["run", str(FILE), "--plan", str(ROOT / "plans" / "first_deal.plan.yaml"), "--json"])
        == 0
    )
    import json

    card = json.loads(capsys.readouterr().out)
    assert card["result"] == "win" and card["expected_score"] > 70


@pytest.mark.parametrize("policy", ["random", "expert", "skip_discovery", "one_stakeholder"])
def test_batch_equals_single_game(deal, policy):
    """Every bot game of the tutorial, replayed one decision at a time, scores the same
    bits as in the batch."""
    res = simulate(deal, np.arange(8), make_policy(policy, 5))
    batch = score(res.trace())
    for i in range(8):
        g = new_game(deal, i).apply_all(res.decisions(i))
        one = score(g.trace())
        assert one.expected_score[0] == batch.expected_score[i]
        assert one.score[0] == batch.score[i]


def test_the_card_gives_nothing_hidden_away(deal):
    """The picker's card: no hidden priority (the dimension anyone cares most about), no
    word of the facilitator's hidden truth beyond the customer's name."""
    from simulator.screens.picker import Card

    card = Card.of(deal, FILE)
    text = " ".join([card.title, card.summary, *card.objectives]).lower()
    names = {d.id: d.name.lower() for d in deal.dimensions}
    for st in deal.stakeholders:
        top = max(st.priorities, key=st.priorities.get)
        assert names[top] not in text and top not in text, (st.id, top)
    assert "hidden" not in text and deal.facilitator.hidden_truth.lower()[:40] not in text


def test_the_tutorial_loads_from_its_file(deal):
    assert load_scenario(FILE).id == deal.id and deal.tutorial and len(deal.hints) >= 6


def test_the_library_page_lists_every_shipped_deal_and_its_lessons():
    from engine.loader import builtin_scenarios
    from engine.practices import BY_ID

    page = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for s in builtin_scenarios():
        assert f"`{s.id}`" in page and s.title in page, s.id
        for pid in s.teaches:
            assert f"{BY_ID[pid].name} (`{BY_ID[pid].probe}`)" in page, (s.id, pid)


def _hint(deal, **when):
    from engine.model import Hint, HintWhen

    return Hint(id="probe", title="Probe", text="A probe hint.", when=HintWhen(**when))


def test_each_condition_reads_the_players_view(deal):
    """Every condition, false then true in the same kind of game (or the reverse)."""
    setup = new_game(deal, 3)
    staffed = setup.apply(Staff("nadia")).apply(Assign("nadia", "account_lead"))
    obs0, obs1 = observe(setup), observe(staffed)
    h = _hint(deal, if_no_quarterback=True)
    assert holds(h, deal, obs0) and not holds(h, deal, obs1)
    h = _hint(deal, if_unconnected_roles=["economic"])
    assert holds(h, deal, obs1)
    assert not holds(h, deal, observe(staffed.apply(Connect("nadia", "owner"))))
    h = _hint(deal, if_plan_incomplete=True)
    assert holds(h, deal, obs1)
    planned = new_game(deal, 3)
    for d in T.setup_decisions():
        planned = planned.apply(d)
    assert not holds(h, deal, observe(planned))
    h = _hint(deal, if_stance_below={"it": 0.0})  # Bea as the team reads her: a sceptic
    obs = observe(planned)
    bea = next(st for st in obs["stakeholders"] if st["id"] == "it")
    assert holds(h, deal, obs) == (bea["stance_estimate"] < 0.0)
    bea["stance_estimate"] = 0.5
    assert not holds(h, deal, obs)
    week3 = planned.apply(Start()).apply(EndWeek()).apply(EndWeek())
    h = _hint(deal, if_arrived=["tillroll_discount"])
    assert holds(h, deal, observe(week3))
    assert not holds(h, deal, observe(planned.apply(Start())))
    h = _hint(deal, if_request_open=True)  # the tutorial never asks for an expert
    assert not holds(h, deal, observe(week3))
    obs = observe(week3)
    obs["open_requests"] = [{"skill": "technical", "stakeholder": "it"}]
    assert holds(h, deal, obs)


def test_a_setup_hint_is_gone_once_the_deal_starts(deal):
    g = new_game(deal, 3).apply(Staff("nadia")).apply(Start())
    h = _hint(deal, setup=True)
    assert holds(h, deal, observe(new_game(deal, 3))) and not holds(h, deal, observe(g))
