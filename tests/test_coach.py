"""The coach: mistakes found in a game's own trace, each replayed exactly with only it
corrected, and the debrief measured against the expert's play."""

from __future__ import annotations

import asyncio
import json

import pytest
from support.app import make_app

from engine.decisions import Connect, Focus
from engine.loader import find_scenario
from engine.log import GameLog
from engine.plan import parse_plan, play_plan
from engine.state import new_game
from scoring.debrief import debrief
from scoring.scorecard import score
from simulator import coach as co
from simulator.cli import main
from simulator.saves import Session

PLAN = "plans/northwind_new_logo.plan.yaml"


@pytest.fixture(scope="module")
def bad_game():
    """Northwind played from the example plan, but the new CFO (who joins in week 6) is
    never connected and the strategy never follows the customer's shifts: a loss."""
    s = find_scenario("northwind_new_logo")
    good = play_plan(s, parse_plan(PLAN))
    started = [n for n, d in enumerate(good.history) if d.kind == "start"][0]
    bad = [
        d
        for n, d in enumerate(good.history)
        if not (isinstance(d, Connect) and d.stakeholder == "cfo")
        and not (isinstance(d, Focus) and n > started)
    ]
    state = co.replay(s, good.seed, bad)
    assert state.is_over() and score(state.trace()).game(0)["result"] != "win"
    return state


def test_a_loss_names_its_costliest_mistakes_with_exact_counterfactuals(bad_game):
    c = co.coach(bad_game)
    assert 1 <= len(c.mistakes) <= 3
    assert all(m.delta > 0 for m in c.mistakes)
    assert [m.delta for m in c.mistakes] == sorted((m.delta for m in c.mistakes), reverse=True)
    marcus = [m for m in c.mistakes if m.practice == "connections"]
    assert marcus and marcus[0].person == "Marcus Lee" and marcus[0].week == 6
    assert any(m.practice == "realign" for m in c.mistakes)
    assert c.gap > 0 and c.percentile < 0.5


def test_a_counterfactual_is_the_replay_of_the_corrected_log(bad_game):
    """Connecting the CFO the week he arrives, by hand, gives the coach's figure exactly."""
    c = co.coach(bad_game)
    m = next(m for m in c.mistakes if m.practice == "connections")
    member = next(x.id for x in bad_game.scenario.roster if m.fix.startswith(f"Had {x.name} "))
    log = co.insert_at(co.by_week(bad_game.history), 6, [Connect(member, "cfo")])
    after = score(co.replay(bad_game.scenario, bad_game.seed, log).trace())
    before = score(bad_game.trace())
    assert float(after.expected_score[0] - before.expected_score[0]) == pytest.approx(m.delta)
    assert float(after.outcome["win_probability"][0]) == pytest.approx(m.win_after)


def test_coaching_is_deterministic(bad_game):
    assert co.coach(bad_game) == co.coach(bad_game)


def test_losses_are_measured_against_the_expert_and_never_swapped(bad_game):
    t = bad_game.trace()
    sc = score(t)
    baseline = co.expert_games(bad_game.scenario, bad_game.seed)[1]
    deb = debrief(t, 0, sc, baseline)
    assert deb["against"] == "expert"
    assert deb["losses"] and all(r["points"] < 0 for r in deb["losses"])
    assert all(r["points"] > 0 for r in deb["gains"])
    rows = {f"{r['group']}.{r['component']}": r for r in deb["rows"]}
    for key, r in rows.items():
        assert r["points"] == pytest.approx(r["weight"] * (r["value"] - baseline[key]), abs=0.02)


def test_no_mistake_before_a_week_is_played():
    assert co.mistakes(new_game(find_scenario("northwind_new_logo"), 1)) == ()


def test_run_coach_prints_the_counterfactuals_as_json(tmp_path, capsys, bad_game):
    save = tmp_path / "bad.json"
    save.write_text(GameLog.of(bad_game).to_json())
    assert main(["run", "northwind_new_logo", "--plan", str(save), "--coach", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["debrief"]["against"] == "expert"
    mistakes = out["coach"]["mistakes"]
    assert mistakes and all(m["expected_gain"] > 0 for m in mistakes)
    assert any(m["practice"] == "connections" and m["week"] == 6 for m in mistakes)


def test_debrief_screen_shows_the_coach(home, fast_pilot, bad_game):
    session = Session.new(bad_game.scenario, bad_game.seed)
    for d in bad_game.history:
        assert session.apply(d) is None
    app = make_app(session)

    async def run() -> str:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            return str(pilot.app.screen.query_one("#debrief-coach").render())

    text = asyncio.run(run())
    assert "Marcus Lee" in text and "week 6" in text
