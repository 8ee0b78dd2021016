"""The board while its server is down: one badge saying since when the server is
unreachable and one notice, however many refreshes fail; both go when the server
answers again (a real server stopped and started on the same port)."""

import asyncio
import re

from support.server import Running, free_port, workshop_app
from support.workshop import to_week
from textual.widgets import Static

from engine.problems import InputError
from simulator.workshop import session as ws
from simulator.workshop.board import BoardApp
from simulator.workshop.board_link import Link
from simulator.workshop.client import RemoteBoard

BADGE = re.compile(r"server unreachable since \d\d:\d\d:\d\d")


def _badges(app) -> str:
    return str(app.query_one("#badges", Static).render())


def _errors(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def test_the_board_says_once_that_the_server_is_down_and_clears_it_when_back(workshop_class):
    info, key, fac = workshop_class
    to_week(ws.join(info.code, "Alpha"), 1)
    fac.hold(3)
    port = free_port()

    async def scenario():
        first = Running(workshop_app(), port=port)
        url = first.__enter__()
        app = BoardApp(RemoteBoard(url, info.code, key), interval=60)
        async with app.run_test(size=(120, 36)) as pilot:

            async def refresh():
                app.refresh_board()
                await app.workers.wait_for_complete()
                await pilot.pause()

            await app.workers.wait_for_complete()  # the board's first read
            await pilot.pause()
            assert "HOLD" in _badges(app) and not _errors(app)
            first.__exit__(None, None, None)
            for _ in range(4):
                await refresh()
            assert len(_errors(app)) == 1  # one notice for four failed refreshes
            assert BADGE.search(_badges(app)), _badges(app)
            assert "HOLD" in _badges(app)  # the last known pacing stays on show
            assert app.query_one("#leaderboard").row_count == 1  # so does the board
            with Running(workshop_app(), port=port):
                await refresh()
                assert not BADGE.search(_badges(app)) and "HOLD" in _badges(app)
                assert any("again" in n.message for n in app._notifications)
                assert len(_errors(app)) == 1
        return True

    assert asyncio.run(scenario())


def test_the_link_notices_each_new_error_once():
    now = [1000.0]
    link = Link(clock=lambda: now[0])
    down = InputError.at("http://x", "workshop.server", "cannot reach")
    other = InputError.at("store", "workshop.store-damaged", "damaged")
    assert "cannot reach" in link.failed(down)
    now[0] += 30
    assert link.failed(down) is None and link.down_since == 1000.0
    assert "server unreachable" in link.badge().plain
    assert "damaged" in link.failed(other) and "refresh failing" in link.badge().plain
    assert link.answered() and not link.answered() and link.badge().plain == ""
