"""The facilitator's board, report and status through the workshop server (`--server URL`):
they read the server's board data, never the store, and show what the store-side
commands show."""

import asyncio
import re

import pytest
from support.keys import key_args
from support.server import Running, workshop_app
from support.workshop import steps
from textual.widgets import DataTable

from engine.problems import InputError
from simulator.cli import main
from simulator.workshop import seats
from simulator.workshop import session as ws
from simulator.workshop.board import BoardApp
from simulator.workshop.client import RemoteBoard


@pytest.fixture
def served(home, tmp_path_factory, monkeypatch):
    """A class on a server whose store lives in a folder of its own; the facilitator's
    commands then run with an empty data folder and no store URL, so anything they read
    came from the server."""
    db = f"sqlite:///{tmp_path_factory.mktemp('server') / 'store.sqlite3'}"
    info, key = ws.create_session("northwind-new-logo", name="Remote class", seed=2, db=db)
    plan = steps()
    with Running(workshop_app(db)) as url:
        for name, n in (("Alpha", None), ("Beta", 12), ("Gamma", 3)):
            seat = seats.join(info.code, name, server=url, announce=False)
            state = seat.resume()
            for d in plan[:n]:
                if state.is_over():
                    break
                state = seat.step(state, d)
            seat.remote.close()
        ws.facilitate(info.code, key, db).inject("peak_brought_forward", 1)
        facilitator_home = tmp_path_factory.mktemp("facilitator")
        monkeypatch.setenv("DEALCRAFT_HOME", str(facilitator_home))
        yield info, key, url, db, facilitator_home


def _cells(app) -> list[list[str]]:
    table = app.query_one("#leaderboard", DataTable)
    return [
        [getattr(c, "plain", str(c)) for c in table.get_row_at(i)] for i in range(table.row_count)
    ]


def _board(fac, script):
    async def run():
        app = BoardApp(fac, interval=60)
        async with app.run_test(size=(150, 45)) as pilot:
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            return await script(app, pilot)

    return asyncio.run(run())


def test_the_board_through_the_server_shows_what_the_store_side_board_shows(served):
    info, key, url, db, facilitator_home = served

    async def look(app, pilot):
        return _cells(app), str(app.query_one("#recap").render())

    remote = _board(RemoteBoard(url, info.code, key), look)
    local = _board(ws.facilitate(info.code, key, db), look)
    assert remote == local
    assert [row[1] for row in remote[0]] == ["Alpha", "Beta", "Gamma"]
    assert not list(facilitator_home.iterdir())  # no store of its own was opened


def test_board_actions_through_the_server_reach_the_store(served):
    info, key, url, db, _ = served

    async def act(app, pilot):
        await pilot.press("p")  # pause
        await app.workers.wait_for_complete()
        await pilot.press("b")  # a bot team
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        return _cells(app), app.snap.info.paused

    cells, paused = _board(RemoteBoard(url, info.code, key), act)
    fac = ws.facilitate(info.code, key, db)
    assert paused and fac.info.paused
    assert "Bot (expert)" in [row[1] for row in cells]
    assert fac.store.team(info.id, "bot (expert)")["kind"] == "bot"


def test_the_report_through_the_server_equals_the_store_side_report(served, tmp_path):
    info, key, url, db, facilitator_home = served
    out = {}
    for where, args in (("server", ["--server", url]), ("store", ["--db", db])):
        html, csv = tmp_path / f"{where}.html", tmp_path / f"{where}.csv"
        cmd = ["workshop", "report", info.code, *key_args(key), "--out", str(html)]
        assert main([*cmd, "--csv", str(csv), *args]) == 0
        out[where] = re.sub(r"\d{4}-\d\d-\d\d[ T][\d:]+( UTC)?", "", html.read_text()), csv
    assert out["server"][0] == out["store"][0]
    assert out["server"][1].read_text() == out["store"][1].read_text()
    assert "Gamma" in out["server"][1].read_text()


def test_status_through_the_server_prints_the_store_side_status(served, capsys):
    info, key, url, db, _ = served
    assert main(["workshop", "status", info.code, *key_args(key), "--server", url]) == 0
    remote = capsys.readouterr().out
    assert main(["workshop", "status", info.code, *key_args(key), "--db", db]) == 0
    assert remote == capsys.readouterr().out
    assert "Curveballs" in remote and "Gamma" in remote


def test_the_board_through_the_server_needs_the_key(served):
    info, _, url, _, _ = served
    with pytest.raises(InputError) as exc:
        RemoteBoard(url, info.code, "not-the-key")
    assert exc.value.codes == ["workshop.key"]


def test_a_board_refresh_sends_only_the_rows_that_changed(served):
    info, key, url, db, _ = served
    board = RemoteBoard(url, info.code, key)
    path, headers = f"/sessions/{info.code}/board/full", board._fac._headers()

    def changed() -> list[str]:
        known = {"known": [v for v, _ in board._rows.values()]}
        return [d["name"] for d in board._fac.remote.call("POST", path, known, headers)["results"]]

    def rows() -> dict:
        return {r.name: (r.n_decisions, r.expected_score) for r in board.fetch()}

    before = rows()
    assert changed() == []  # nothing moved: no row is sent again
    delta = seats.join(info.code, "Delta", server=url, announce=False)
    assert changed() == ["Delta"]
    after_join = rows()
    delta.step(delta.resume(), steps()[0])
    assert changed() == ["Delta"]
    after = rows()
    assert after_join["Delta"][0] == 0
    assert after["Delta"][0] == 2  # the curveball injected before it joined, then its decision
    assert {n: v for n, v in after.items() if n != "Delta"} == before


def test_the_comparison_with_earlier_classes_through_the_server_equals_the_store_side(served):
    info, key, url, db, _ = served
    ws.facilitate(info.code, key, db).reveal()
    later, later_key = ws.create_session("northwind-new-logo", name="Next class", seed=5, db=db)
    seat = seats.join(later.code, "Delta", server=url, announce=False)
    seat.step(seat.resume(), steps()[0])
    seat.remote.close()
    remote = RemoteBoard(url, later.code, later_key).earlier_classes()
    local = ws.facilitate(later.code, later_key, db).earlier_classes()
    assert remote == local
    assert [c.name for c in remote] == ["Remote class"] and remote[0].teams >= 1


def test_the_board_through_the_server_schedules_signals_and_retracts(served):
    info, key, url, db, _ = served
    board = RemoteBoard(url, info.code, key)
    said = "The COO now talks only about cost."
    board.shift("coo", {"cost": 1.0}, None, 9, said)
    board.shift("coo", {"speed": 1.0}, None, 10, None)
    store_side = ws.facilitate(info.code, key, db)
    shifts = [c for c in store_side.curveballs() if c["kind"] == "shift"]
    assert [c.get("signal") for c in shifts][0] == said and len(shifts) == 2
    assert [c["key"] for c in board.curveballs()] == [c["key"] for c in store_side.curveballs()]
    board.retract(shifts[1]["key"])
    left = [c["key"] for c in ws.facilitate(info.code, key, db).curveballs()]
    assert shifts[1]["key"] not in left and shifts[0]["key"] in left
    assert [c["key"] for c in board.curveballs()] == left
