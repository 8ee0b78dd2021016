"""`dealcraft play SCENARIO --plan PLAN --warp WEEK`: the plan played up to WEEK, then the
player takes over in the TUI, in a new save holding those decisions."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from engine.log import GameLog
from engine.plan import parse_plan, play_plan
from engine.problems import InputError
from simulator import app as app_module
from simulator.app import DealcraftApp
from simulator.cli import main
from simulator.warp import warp_state

pytestmark = pytest.mark.usefixtures("fast_pilot")

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "northwind_new_logo.plan.yaml"
SEED = 2  # the seed the Northwind plan was recorded on: legal all the way


def test_warp_state_is_the_plan_up_to_the_week(northwind):
    """At the start of the warp week, with exactly the plan's decisions before it."""
    for week in (1, 4, 8):  # on this seed the customer decides in week 8
        state = warp_state(northwind, PLAN, week, SEED)
        assert state.phase == "week" and state.week == week
        ends = sum(d.kind == "end_week" for d in state.history)
        assert ends == week - 1
        full = play_plan(northwind, parse_plan(PLAN), SEED)
        assert full.history[: len(state.history)] == state.history


def test_warp_errors_are_located_with_codes(northwind, tmp_path):
    with pytest.raises(InputError) as exc:
        warp_state(northwind, PLAN, 11, SEED)
    assert exc.value.codes == ["week.range"]
    with pytest.raises(InputError) as exc:
        warp_state(northwind, PLAN, 9, SEED)  # the deal closed in week 8
    assert exc.value.codes == ["play.start"]
    illegal_seed = next(s for s in range(1, 20) if _fails(northwind, s))
    with pytest.raises(InputError) as exc:
        warp_state(northwind, PLAN, 10, illegal_seed)
    assert exc.value.codes == ["plan.illegal"]
    assert exc.value.problems[0].path == str(PLAN) and exc.value.problems[0].line > 1


def _fails(northwind, seed) -> bool:
    try:
        play_plan(northwind, parse_plan(PLAN), seed)
    except InputError:
        return True
    return False


def test_warp_hands_over_to_the_player(home, monkeypatch):
    """The CLI opens the game at the warp week in a new save; the player ends the week
    with the keys, and the save holds the plan's decisions and then the player's."""
    opened: list[DealcraftApp] = []

    async def drive(app: DealcraftApp) -> None:
        async with app.run_test(size=(100, 32)) as pilot:
            for _ in range(50):
                if type(app.screen).__name__ == "WeekScreen":
                    break
                await pilot.pause(0.02)
            assert type(app.screen).__name__ == "WeekScreen"
            assert app.session.state.week == 5
            await pilot.press("e")
            await pilot.pause()
            await pilot.press("y")
            for _ in range(50):
                if app.session.state.week == 6:
                    break
                await pilot.pause(0.02)

    def run(self, *a, **k):
        opened.append(self)
        asyncio.run(drive(self))

    monkeypatch.setattr(app_module.DealcraftApp, "run", run)
    argv = ["play", "northwind-new-logo", "--plan", str(PLAN), "--warp", "5", "--seed", str(SEED)]
    assert main(argv) == 0
    [app] = opened
    session = app.session
    assert session.state.week == 6
    log = GameLog.load(session.path)
    warped = warp_state(session.scenario, PLAN, 5, SEED).history
    assert log.decisions[: len(warped)] == warped
    assert log.decisions[len(warped) :] == (log.decisions[-1],) and log.decisions[-1].kind == (
        "end_week"
    )
    assert log.meta["warped_to"] == 5 and log.seed == SEED


@pytest.mark.parametrize(
    "extra, code",
    [
        (["--warp", "0"], 2),
        (["--warp", "x"], 2),
        ([], 2),  # --plan without --warp
        (["--warp", "3", "--resume", "save.json"], 2),
        (["--warp", "11"], 1),
    ],
)
def test_warp_cli_errors(extra, code, home, capsys, monkeypatch):
    monkeypatch.setattr(app_module.DealcraftApp, "run", lambda self: pytest.fail("app started"))
    try:
        got = main(["play", "northwind-new-logo", "--plan", str(PLAN), *extra])
    except SystemExit as exc:
        got = exc.code
    assert got == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    if code == 1:
        assert "[week.range]" in err


def test_warp_illegal_plan_exits_1_with_its_line(home, capsys, monkeypatch, northwind):
    monkeypatch.setattr(app_module.DealcraftApp, "run", lambda self: pytest.fail("app started"))
    seed = next(s for s in range(1, 20) if _fails(northwind, s))
    argv = ["play", "northwind-new-logo", "--plan", str(PLAN), "--warp", "10", "--seed", str(seed)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{PLAN}:") and "[plan.illegal]" in err
