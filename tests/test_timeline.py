"""`dealcraft timeline SCENARIO` and the designer's timeline screen: the deal's shape, week
by week, as the scenario file and the engine's week start make it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import numpy as np
import pytest

from engine.lenient import play_lenient
from engine.loader import find_scenario
from engine.plan import parse_plan
from simulator.app import DealcraftApp
from simulator.cli import main
from simulator.timeline import render, timeline

pytestmark = pytest.mark.usefixtures("fast_pilot")

ROOT = Path(__file__).resolve().parent.parent


def test_timeline_lists_what_the_file_schedules(northwind):
    data = timeline(northwind)
    assert data["weeks"] == northwind.deal.weeks
    kinds = {e["id"]: e for e in data["events"]}
    for e in northwind.events:
        item = kinds[e.id]
        if e.curveball:
            assert item["kind"] == "curveball" and "fires_in_week" not in item
        elif e.when.week:
            assert item["kind"] == "scheduled" and item["fires_in_week"] == e.when.week
        else:
            assert item["kind"] == "window" and item["window"] == list(e.when.window)
            assert item["fires_in_week"] is None  # no seed: chance events are not drawn
            n = e.when.window[1] - e.when.window[0] + 1
            assert item["chance"] == pytest.approx(1 - (1 - e.when.probability) ** n, abs=1e-4)
    quiet = kinds["champion_cools"]
    assert quiet["conditions"] and "analyst" in quiet["conditions"][0]
    joins = {s["id"]: s["joins_week"] for s in data["stakeholders"]}
    assert joins == {s.id: s.joins_week for s in northwind.stakeholders}
    assert [m["target_week"] for m in data["milestones"]] == [
        m.target_week for m in northwind.milestones
    ]
    raj = next(m for m in data["roster"] if m["id"] == "raj")
    assert raj["away"] == [
        {"event": "raj_pulled", "weeks": 1, "from": None, "certain": False, "window": [3, 7]}
    ]


def test_priorities_follow_events_and_joiners():
    """Each week's priorities sum to one and change only in a week something moved them:
    a scheduled priority event or a stakeholder joining; week 1 is the file's own."""
    s = find_scenario("meridian_renewal")
    data = timeline(s)
    weeks = data["priorities"]
    assert len(weeks) == s.deal.weeks
    first = weeks[0]
    present = [x for x in s.stakeholders if not x.joins_week or x.joins_week <= 1]
    expect = sum(
        x.influence
        * np.array([x.priorities.get(d.id, 0) for d in s.dimensions])
        / sum(x.priorities.values())
        for x in present
    )
    expect = expect / expect.sum()
    assert list(first["priorities"].values()) == pytest.approx(list(expect), abs=1e-4)
    movers = {e.when.week for e in s.events if e.when.week and e.effects.priorities}
    movers |= {e.when.week for e in s.events if e.when.week and e.effects.influence}
    movers |= {x.joins_week for x in s.stakeholders if x.joins_week}
    for before, now in zip(weeks, weeks[1:], strict=False):
        assert sum(now["priorities"].values()) == pytest.approx(1, abs=1e-3)
        if now["priorities"] != before["priorities"]:
            assert now["week"] in movers
    tops = [p["top"] for p in weeks]
    assert len(set(tops)) > 1  # the renewal's board mandate turns the customer to cost


def test_seeded_timeline_matches_the_engines_draws(northwind):
    """With a seed, an unconditional chance event is shown in the very week it fires in a
    real game on that seed (the draws do not depend on play)."""
    plan = parse_plan(ROOT / "plans" / "northwind_new_logo.plan.yaml")
    for seed in range(1, 8):
        shown = {e["id"]: e.get("fires_in_week") for e in timeline(northwind, seed)["events"]}
        state, _ = play_lenient(northwind, plan, seed)
        fired = {e: w for w, e in state.fired_events()}
        assert shown["raj_pulled"] == fired.get("raj_pulled")


def test_render_shows_every_section(northwind):
    from rich.console import Console

    console = Console(width=160, record=True, color_system=None)
    console.print(render(timeline(northwind, 3)))
    text = console.export_text()
    for name in ("Events", "Buying team", "Milestones", "Roster", "Priorities"):
        assert name in text
    assert "◆" in text and "▲" in text and "░" in text
    for e in northwind.events:
        assert e.name[:20] in text


def test_render_fits_a_long_deal(northwind):
    """A 52-week deal renders with narrow week cells and no error."""
    from rich.console import Console

    long = northwind.model_copy(update={"deal": northwind.deal.model_copy(update={"weeks": 52})})
    console = Console(width=200, record=True, color_system=None)
    console.print(render(timeline(long)))
    assert "50" in console.export_text()


def test_render_at_80_columns_keeps_every_note(northwind):
    """On a narrow terminal the notes go under the weeks instead of being squeezed."""
    from rich.console import Console

    console = Console(width=80, record=True, color_system=None)
    console.print(render(timeline(northwind)))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "target week 10; the customer decides here" in text


def test_timeline_cli(capsys):
    assert main(["timeline", "northwind-new-logo", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"] == "northwind-new-logo" and len(data["priorities"]) == 10
    assert main(["timeline", "northwind-new-logo", "--seed", "4"]) == 0
    assert "Priorities" in capsys.readouterr().out


def test_timeline_cli_errors(capsys):
    assert main(["timeline", "no-such-deal"]) == 1
    assert "[scenario.not-found]" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["timeline", "northwind-new-logo", "--seed", "-1"])
    assert exc.value.code == 2


async def _palette(pilot, command: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*command)
    await pilot.pause(0.2)
    await pilot.press("enter")
    for _ in range(50):
        await pilot.pause(0.02)
        if type(pilot.app.screen).__name__ == "TimelineScreen":
            return


def test_timeline_screen_from_the_picker_palette(home):
    async def run():
        app = DealcraftApp()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await _palette(pilot, "Scenario timeline")
            screen = app.screen
            assert type(screen).__name__ == "TimelineScreen"
            assert screen.game_seed is None
            assert screen.scenario.id == app.screen_stack[0].scenarios[0].id
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "PickerScreen"

    asyncio.run(run())


def test_timeline_screen_in_a_game_toggles_the_seed(home, northwind):
    from simulator.saves import Session

    async def run():
        app = DealcraftApp(session=Session.new(northwind, 3, save=False))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await _palette(pilot, "Scenario timeline")
            screen = app.screen
            assert type(screen).__name__ == "TimelineScreen"
            assert screen.game_seed == 3 and screen.with_seed
            assert screen.week is None  # still in setup: no week to mark
            await pilot.press("s")
            await pilot.pause()
            assert not screen.with_seed

    asyncio.run(run())


def test_timeline_screen_snapshot(home, snap_compare):
    """The designer screen over a game on week 3 (the game's seed's chance events shown)."""
    from support.app import make_app, northwind_game

    async def go(pilot):
        for _ in range(600):  # the game's week view first, however busy the machine
            if type(pilot.app.screen).__name__ == "WeekScreen":
                break
            await pilot.pause(0.05)
        pilot.app.action_timeline()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    app = make_app(northwind_game("all", weeks=2))
    assert snap_compare(app, terminal_size=(120, 40), run_before=go)
