"""Progress across plays: practice scores per finished game, recorded once, levels weighted
to recent games, exported as CSV and JSON, and recorded when a game ends in the app."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import stat

import pytest
from support.app import Driver, finished, make_app

from engine.batch import simulate
from engine.bots import make_policy
from engine.loader import find_scenario
from engine.practices import PRACTICES
from simulator import progress as pg
from simulator.cli import main
from simulator.coach import replay


def game(policy: str, seed: int, scenario: str = "harbor_cross_sell"):
    s = find_scenario(scenario)
    return replay(s, seed, simulate(s, [seed], make_policy(policy, seed=1)).decisions(0))


def test_practice_scores_rank_the_expert_above_a_probe():
    expert, probe = pg.practice_scores(game("expert", 3)), pg.practice_scores(game("random", 3))
    assert set(expert) <= {p.id for p in PRACTICES}
    assert all(0 <= v <= 100 for v in expert.values())
    assert pg.practice_scores(game("no_quarterback", 3))["quarterback"] < expert["quarterback"]
    assert sum(expert.values()) > sum(probe.values())


def test_a_game_is_recorded_once_in_a_private_file(tmp_path):
    g = game("expert", 3)
    assert pg.record(g, tmp_path) and not pg.record(g, tmp_path)
    assert len(pg.read(tmp_path)) == 1
    assert stat.S_IMODE((tmp_path / pg.FILE).stat().st_mode) == 0o600
    (tmp_path / pg.FILE).write_text((tmp_path / pg.FILE).read_text() + "{torn\n")
    assert len(pg.read(tmp_path)) == 1


def test_levels_and_recency():
    assert [pg.level(v) for v in (10, 50, 74.9, 75, 89, 90)] == [
        "Needs work",
        "Developing",
        "Developing",
        "Proficient",
        "Proficient",
        "Excellent",
    ]
    assert pg.weighted([0, 100]) > 50 > pg.weighted([100, 0])


def test_summary_first_best_latest_and_trend(tmp_path):
    for policy, seed in (("random", 1), ("expert", 2), ("one_stakeholder", 3)):
        pg.record(game(policy, seed), tmp_path)
    levels, best = pg.summary(pg.read(tmp_path))
    (deal,) = best
    assert deal.games == 3 and deal.first < deal.best and deal.latest <= deal.best
    conn = next(x for x in levels if x.practice == "connections")
    assert conn.trend == "▼" and conn.games == 3


def test_exports_and_the_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path))
    assert main(["progress"]) == 0
    capsys.readouterr()
    pg.record(game("expert", 2), tmp_path)
    assert main(["progress", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["games"]) == 1 and data["practices"]
    assert main(["progress", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["scenario"] == "harbor-cross-sell"
    assert main(["progress"]) == 0
    with pytest.raises(SystemExit) as exit_:
        main(["progress", "--format", "xml"])
    assert exit_.value.code == 2


def test_finishing_a_game_in_the_app_records_it(home, fast_pilot):
    session = finished()
    last = session.state.history
    # replay all but the final EndWeek, then end the last week in the app
    from simulator.saves import Session

    again = Session.new(session.state.scenario, session.state.seed)
    for d in last[:-1]:
        assert again.apply(d) is None
    app = make_app(again)

    async def go():
        async with app.run_test(size=(100, 32)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("WeekScreen")
            await d.press("e", "y")
            await d.wait_screen("DebriefScreen")
            await pilot.app.workers.wait_for_complete()
            await d.press("escape")
            await d.wait_screen("PickerScreen")
            await d.press("g")
            await d.wait_screen("ProgressScreen")

    asyncio.run(go())
    from simulator.saves import home_dir

    assert len(pg.read(home_dir())) == 1
