"""Property tests: every legal scenario, of every shape the format allows, plays everywhere.

tests/support/strategies.py draws legal scenarios (one milestone, one stakeholder, one
role, 2 to 52 weeks, the format's size limits, joiners, events, requests, ...). On each,
`dealcraft validate` passes, `balance --games 200` runs every policy, a headless plan of
legal decisions replays through `dealcraft run`, and the TUI plays its first week through
Pilot, with no exception anywhere (issue 11). Every run is derandomized and keeps no
example database; the bigger runs are marked slow.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, find, given, settings
from support.app import Driver, make_app
from support.strategies import scenarios

from engine.decisions import EndWeek, Focus, Release, Run, Start
from engine.loader import load_scenario, parse_scenario
from engine.state import GameState, new_game
from engine.yamlsource import read_yaml
from scoring.scorecard import score
from simulator import cli
from simulator.balance import render, report
from simulator.saves import Session

ALL_POLICIES = ["random", "greedy", "expert", *cli.probe_names()]
SHAPES = ["any", "smallest", "largest"]


def profile(examples: int) -> settings:
    return settings(
        derandomize=True,
        database=None,
        max_examples=examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


def write_scenario(folder: Path, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def quiet(argv: list[str]) -> tuple[int, str]:
    """Run the `dealcraft` CLI in-process; its exit code and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue() + err.getvalue()


def legal_game(scenario, seed: int) -> tuple[GameState, list]:
    """A game of random legal decisions (seeded), setup included: the state after each
    week's decisions and the whole list of decisions, in order."""
    rng = random.Random(seed)
    state, made = new_game(scenario, seed), []

    def do(d):
        nonlocal state
        state = state.apply(d)
        made.append(d)

    for _ in range(rng.randint(0, 40)):
        moves = [d for d in state.legal_decisions() if not isinstance(d, Start)]
        if not moves:
            break
        do(rng.choice(moves))
    if state.why_illegal(Start()) is not None:
        # the random setup went nowhere: release everyone, then staff a team greedily
        for m in list(state.staffed()):
            if state.why_illegal(Release(m)) is None:
                do(Release(m))
        for _ in range(200):
            if state.why_illegal(Start()) is None:
                break
            moves = state.legal_decisions()
            kinds = [d for d in moves if type(d).__name__ == "Assign"] or [
                d for d in moves if type(d).__name__ == "Staff"
            ]
            assert kinds, f"no way to start: {state.why_illegal(Start())}"
            do(rng.choice(kinds))
    do(Start())
    while not state.is_over():
        for _ in range(rng.randint(0, 4)):
            moves = [
                d
                for d in state.legal_decisions()
                if isinstance(d, Run | Focus) or type(d).__name__ in ("Connect", "Staff")
            ]
            if not moves:
                break
            do(rng.choice(moves))
        do(EndWeek())
    return state, made


def check_validate(path: Path) -> None:
    code, out = quiet(["validate", str(path)])
    assert code == 0, out


def check_balance(scenario, greedy_games: int = 200) -> None:
    """`balance --games 200` with every policy. The greedy bot looks ahead with the
    scorer every week (about 50 s for 200 games of a 52-week, 30-person deal), so the
    fast run gives it fewer games; the slow runs give it 200."""
    others = [p for p in ALL_POLICIES if p != "greedy"]
    rep = report(scenario, 200, others, seed=3, workers=1, progress=False)
    assert [r["policy"] for r in rep["policies"]] == others
    assert all(r["games"] == 200 for r in rep["policies"])
    render(rep)
    json.dumps(rep)
    rep = report(scenario, greedy_games, ["greedy"], seed=3, workers=1, progress=False)
    assert rep["policies"][0]["games"] == greedy_games
    render(rep)


def check_headless(path: Path, scenario, seed: int) -> list:
    """A random legal game written as a plan replays through `dealcraft run` to the same
    score; the decisions up to Start are returned for the TUI."""
    state, made = legal_game(scenario, seed)
    plan = path.with_suffix(".plan.yaml")
    plan.write_text(
        yaml.safe_dump({"seed": seed, "decisions": [d.to_dict() for d in made]}), "utf-8"
    )
    code, out = quiet(["run", str(path), "--plan", str(plan), "--json"])
    assert code == 0, out
    card = json.loads(out)
    assert card["score"] == pytest.approx(score(state.trace()).game(0)["score"], abs=1e-9)
    return made[: next(i for i, d in enumerate(made) if isinstance(d, Start)) + 1]


def check_tui(scenario, setup: list, seed: int, folder: Path) -> None:
    """The briefing and staffing screens of a new game, then week 1 of the game set up by
    `setup`: one legal run scheduled through the dialog, and the week ended."""

    async def run():
        app = make_app(Session.new(scenario, seed, folder))
        async with app.run_test(size=(80, 24)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("BriefingScreen")
            await d.press("enter")
            await d.wait_screen("StaffingScreen")
            await d.press("n", "n", "down", "space", "b")
            await pilot.pause()
            assert app.is_running and app.return_code is None

        session = Session.new(scenario, seed, folder)
        for decision in setup:
            assert session.apply(decision) is None
        app = make_app(session)
        async with app.run_test(size=(80, 24)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("WeekScreen")
            runs = [x for x in session.state.legal_decisions() if isinstance(x, Run)]
            if runs:
                r = runs[seed % len(runs)]
                assert await d.schedule(r.action, r.member, r.target)
                assert any(isinstance(x, Run) and x == r for x in app.session.log().decisions), (
                    "the scheduled run was not made"
                )
            await d.end_week()
            state = app.session.state
            assert state.week == 2 or state.is_over()
            await d.press("tab", "enter", "escape")
            await pilot.pause()
            assert app.is_running and app.return_code is None

    asyncio.run(run())


def check_everything(data: dict, folder: Path, seed: int, greedy_games: int = 200) -> None:
    path = write_scenario(folder, data)
    check_validate(path)
    scenario = load_scenario(path)
    check_balance(scenario, greedy_games)
    setup = check_headless(path, scenario, seed)
    check_tui(scenario, setup, seed, folder / "saves")


# ---- the fast run: a handful of each shape ------------------------------------------------


@pytest.mark.usefixtures("fast_pilot")
@pytest.mark.parametrize(
    ("shape", "examples"),
    [
        ("any", 15),
        ("smallest", 3),
        pytest.param(
            "largest", 2, marks=[pytest.mark.slow, pytest.mark.exhaustive]
        ),  # ~2 min: greedy on 52 weeks
    ],
    ids=SHAPES,
)
def test_generated_scenarios_play_everywhere(shape, examples, home):
    seeds = iter(range(10**6))

    @profile(examples)
    @given(scenarios(shape))
    def check(data):
        check_everything(data, home / "scenarios", next(seeds), 200 if shape == "largest" else 20)

    check()


@pytest.mark.exhaustive
@pytest.mark.slow
@pytest.mark.usefixtures("fast_pilot")
def test_many_generated_scenarios_play_everywhere(home):
    seeds = iter(range(10**6))

    @profile(60)
    @given(scenarios())
    def check(data):
        check_everything(data, home / "scenarios", next(seeds), greedy_games=20)

    check()


def test_a_response_window_longer_than_the_game_scores():
    """Found by the generated run: `rules.response_weeks` above the weeks played made the
    stability score index past the week axis (a broadcast error in every policy)."""
    data = find(scenarios("smallest"), lambda d: True, settings=profile(1))
    data["deal"]["weeks"] = 3
    data["rules"] = {"response_weeks": 10}
    scenario = parse_scenario(read_yaml("short.yaml", raw=yaml.safe_dump(data).encode()))[0]
    rep = report(scenario, 20, ["random", "audible_every_week"], workers=1, progress=False)
    assert all(r["games"] == 20 for r in rep["policies"])
    state, _ = legal_game(scenario, 0)
    assert 0 <= score(state.trace()).game(0)["score"] <= 100
