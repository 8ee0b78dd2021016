"""`dealcraft run` and `dealcraft balance` as a user runs them."""

import json
from pathlib import Path

import pytest

from engine.loader import load_scenario
from engine.plan import parse_plan, play_plan
from scoring.scorecard import score
from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "plans").glob("*.plan.yaml"))
NORTHWIND_PLAN = ROOT / "plans" / "northwind_new_logo.plan.yaml"


def test_every_shipped_scenario_has_a_plan():
    stems = {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}
    assert stems <= {p.name.removesuffix(".plan.yaml") for p in PLANS}


def test_example_plans_play_to_the_end(capsys):
    """Each example plan plays until the customer decides, and the CLI reports the engine's
    own score of that game (replayed here through the engine and the scoring model)."""
    for plan in PLANS:
        path = ROOT / "scenarios" / f"{plan.name.removesuffix('.plan.yaml')}.yaml"
        assert main(["run", str(path), "--plan", str(plan), "--json"]) == 0
        card = json.loads(capsys.readouterr().out)
        state = play_plan(load_scenario(path), parse_plan(plan))
        assert state.is_over()
        assert card["weeks_played"] == int(state.batch.ended[0])
        expected = score(state.trace()).game(0)
        assert card["score"] == expected["score"]
        assert card["expected_score"] == expected["expected_score"]
        assert len(card["weekly"]["win_probability"]) == card["weeks_played"]


def test_expert_example_plans_play_well(capsys):
    """The plans recorded from the expert bot still show strong play under today's rules."""
    for name in (
        "meridian_renewal",
        "harbor_cross_sell",
        "first_deal",
        "brightwater_rhythm",
        "calder_water",
        "kestrel_regions",
    ):
        args = ["run", str(ROOT / "scenarios" / f"{name}.yaml"), "--plan"]
        assert main([*args, str(ROOT / "plans" / f"{name}.plan.yaml"), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["expected_score"] > 70


def test_run_is_deterministic(capsys):
    args = ["run", "northwind-new-logo", "--plan", str(NORTHWIND_PLAN), "--json"]
    main(args)
    first = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == first


def test_illegal_plan_points_at_line_and_column(tmp_path, capsys):
    plan = tmp_path / "bad.yaml"
    plan.write_text(
        "setup:\n  team:\n    - {member: maya, role: quarterback}\nweeks:\n  1:\n"
        "    - {action: demo, member: maya, target: coo}\n"
    )
    assert main(["run", "northwind-new-logo", "--plan", str(plan)]) == 1
    err = capsys.readouterr().err
    assert f"{plan}:6:7: error[plan.illegal]: " in err


def test_malformed_plan(tmp_path, capsys):
    plan = tmp_path / "bad.yaml"
    plan.write_text("setup:\n  tema: []\n")
    assert main(["run", "northwind-new-logo", "--plan", str(plan)]) == 1
    assert f"{plan}:2:3: error[plan.field]: " in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize(
    "scenario",
    [
        "northwind-new-logo",
        "meridian-renewal",
        "harbor-cross-sell",
        "first-deal",
        "brightwater-rhythm",
        "calder-water",
        "kestrel-regions",
    ],
)
def test_shipped_scenarios_are_balanced(scenario, capsys):
    """The done-when bar: expert wins >= 70%, random <= 25%, no exploit probe matches it, and
    every practice the scenario teaches costs >= 10 points and >= 15 points of win rate."""
    assert main(["balance", scenario, "--games", "2000", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    by = {p["policy"]: p for p in rep["policies"]}
    assert by["expert"]["win_rate"] >= 0.7
    assert by["random"]["win_rate"] <= 0.25
    assert rep["exploits"] == []
    assert not rep["warnings"]
    taught = [row for row in rep["lessons"] if row["taught"]]
    assert {row["practice"] for row in taught} == set(rep["teaches"]) and len(taught) >= 3
    for row in taught:
        assert row["meets_target"], row
        assert row["cost_points"] >= 10 and row["cost_win"] >= 0.15 and row["significant"]


def test_run_joins_a_workshop(tmp_path, monkeypatch, capsys):
    """A headless team lands on the session's board with the score `run` printed."""
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path))
    assert main(["workshop", "create", "northwind-new-logo", "--name", "t", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    code = next(line.split()[-1] for line in out.splitlines() if "Join code" in line)
    run = ["run", "northwind-new-logo", "--plan", str(NORTHWIND_PLAN), "--join"]
    assert main([*run, code, "--team", "Bots & Co", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert main(["workshop", "status", code, "--json"]) == 0
    (team,) = json.loads(capsys.readouterr().out)["teams"]
    assert team["team"] == "Bots & Co" and team["kind"] == "headless" and team["over"]
    assert team["expected_score"] == round(card["expected_score"], 2)
    assert team["result"] == card["result"]
    assert main([*run, "NOPE00", "--team", "x"]) == 1


def test_run_without_member_says_so(tmp_path, capsys):
    plan = tmp_path / "p.yaml"
    plan.write_text("setup:\n  team:\n    - {member: maya}\nweeks:\n  1:\n    - {action: demo}\n")
    assert main(["run", "northwind-new-logo", "--plan", str(plan)]) == 1
    assert f"{plan}:6:7: error[plan.decision]: " in capsys.readouterr().err
