"""Lenient plans across seeds: `run --plan P --seeds ...` skips what a seed's events made
illegal, reports each skip, and prints the distribution of scores; strict play is unchanged."""

import json
from pathlib import Path

import pytest

from engine.lenient import play_lenient
from engine.plan import parse_plan, play_plan
from engine.problems import InputError
from scoring.scorecard import score
from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "northwind_new_logo.plan.yaml"
RUN = ["run", "northwind-new-logo", "--plan", str(PLAN)]


def strict_fails(scenario, plan, seed) -> bool:
    try:
        play_plan(scenario, plan, seed)
    except InputError as exc:
        assert exc.codes == ["plan.illegal"]
        return True
    return False


def test_lenient_equals_strict_where_the_plan_is_legal(northwind):
    """On a seed where every decision is legal, lenient play is strict play, bit for bit."""
    plan = parse_plan(PLAN)
    state, skips = play_lenient(northwind, plan, 2)
    assert skips == ()
    strict = play_plan(northwind, plan, 2)
    assert state.history == strict.history
    assert score(state.trace()).game(0) == score(strict.trace()).game(0)


def test_lenient_skips_with_the_engines_reason(northwind):
    """Where strict play stops at an illegal decision, lenient play leaves out exactly the
    refused decisions (the engine's reason each), and the game is the plan minus them."""
    plan = parse_plan(PLAN)
    seed = next(s for s in range(1, 20) if strict_fails(northwind, plan, s))
    state, skips = play_lenient(northwind, plan, seed)
    assert skips and state.is_over()
    for skip in skips:
        assert skip.week >= 1 and skip.reason
        assert skip.where.startswith(f"{plan.source.path}:")
    skipped = {s.where for s in skips}
    kept = [d for d, loc in plan.steps if at(plan, loc) not in skipped]
    played = len(state.history)
    assert list(state.history) == kept[:played]
    assert all(d.kind == "end_week" for d in kept[played:])  # weeks listed after the close


def at(plan, loc) -> str:
    line, col = plan.source.where(loc)
    return f"{plan.source.path}:{line}:{col}"


def test_lenient_keeps_setup_and_unknown_ids_strict(northwind, tmp_path):
    """No seed makes a refused setup decision, or an id the scenario lacks, legal."""
    bad_setup = tmp_path / "setup.yaml"
    bad_setup.write_text("setup:\n  team:\n    - {member: nobody, role: quarterback}\n")
    with pytest.raises(InputError) as exc:
        play_lenient(northwind, parse_plan(bad_setup), 1)
    assert exc.value.codes == ["plan.illegal"]
    assert exc.value.problems[0].line == 3
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(
        "setup:\n  team:\n    - {member: maya, role: quarterback}\nweeks:\n  1:\n"
        "    - {action: telepathy, member: maya, target: coo}\n"
    )
    with pytest.raises(InputError) as exc:
        play_lenient(northwind, parse_plan(unknown), 1)
    assert exc.value.codes == ["plan.illegal"]
    assert exc.value.problems[0].line == 6


@pytest.mark.parametrize(
    "week_1",
    [
        "{action: account_review, member: maya, target: coo}",  # internal: no target
        "{action: discovery_meeting, member: maya, target: cfo}",  # the CFO joins in week 6
    ],
)
def test_lenient_keeps_fixed_refusals_strict(northwind, tmp_path, week_1):
    """A refusal the scenario fixes for every seed is the plan's mistake, not a skip."""
    plan = tmp_path / "fixed.yaml"
    plan.write_text(
        "setup:\n  team:\n    - {member: maya, role: quarterback}\nweeks:\n  1:\n"
        f"    - {week_1}\n"
    )
    with pytest.raises(InputError) as exc:
        play_lenient(northwind, parse_plan(plan), 1)
    assert exc.value.codes == ["plan.illegal"] and exc.value.problems[0].line == 6


def test_run_seeds_reports_distribution_and_skips(capsys):
    assert main([*RUN, "--seeds", "1-8", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["seeds"] == 8 and [g["seed"] for g in out["games"]] == list(range(1, 9))
    assert sum(h["games"] for h in out["histogram"]) == 8
    assert out["results"]["win"] / 8 == pytest.approx(out["win_rate"])
    p = out["score"]["percentiles"]
    assert out["score"]["min"] <= p["p10"] <= p["p50"] <= p["p90"] <= out["score"]["max"]
    per_seed = sum(len(g["skips"]) for g in out["games"])
    assert per_seed == out["skips"]["total"] == sum(out["skips"]["by_reason"].values())
    assert out["skips"]["total"] > 0  # Raj is pulled away on some of these seeds
    # each seed's score is that seed's lenient game, scored as `run` scores one game
    plan_game = next(g for g in out["games"] if g["skips"])
    from engine.loader import find_scenario

    state, _ = play_lenient(
        find_scenario("northwind-new-logo"), parse_plan(PLAN), plan_game["seed"]
    )
    assert plan_game["score"] == score(state.trace()).game(0)["score"]


def test_run_seeds_text_and_lists(capsys):
    assert main([*RUN, "--seeds", "2,4"]) == 0
    text = capsys.readouterr().out
    assert "p50" in text and "█" in text


def test_run_seeds_flags_a_decision_skipped_on_every_seed(tmp_path, capsys):
    """A decision refused on every seed is the plan's mistake: the report lists it."""
    plan = tmp_path / "twice.yaml"
    plan.write_text(
        "setup:\n  team:\n    - {member: maya, role: quarterback}\nweeks:\n  1:\n"
        "    - {do: connect, member: maya, stakeholder: coo}\n"
        "    - {do: connect, member: maya, stakeholder: coo}\n"
    )
    assert main(["run", "northwind-new-logo", "--plan", str(plan), "--seeds", "1-3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    [where] = out["skips"]["skipped_on_every_seed"]
    assert where.startswith(f"{plan}:7:")


def exit_code(argv) -> int:
    """main's exit code, whether argparse exits (a bad value) or the command returns."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.mark.parametrize(
    "spec", ["", "x", "1-", "-", "5-1", "1,1", "1,,2", "1.5", "-3", f"{2**64}", "0-20000"]
)
def test_bad_seeds_spec_is_a_usage_error(spec, capsys):
    assert_usage(exit_code([*RUN, "--seeds", spec]), capsys)


@pytest.mark.parametrize("extra", [["--seed", "3"], ["--coach"], ["--join", "ABC", "--team", "x"]])
def test_seeds_conflicts_are_usage_errors(extra, capsys):
    assert_usage(exit_code([*RUN, "--seeds", "1-2", *extra]), capsys)


def assert_usage(code, capsys) -> None:
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_strict_log_is_unchanged_without_seeds(northwind, tmp_path, capsys):
    """Without --seeds a plan (or a saved log) that is illegal on its seed still fails."""
    plan = parse_plan(PLAN)
    seed = next(s for s in range(1, 20) if strict_fails(northwind, plan, s))
    assert main([*RUN, "--seed", str(seed)]) == 1
    assert "[plan.illegal]" in capsys.readouterr().err
