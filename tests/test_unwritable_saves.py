"""A save that cannot be written is a refused decision, not a crash: the player gets one
line, the game stays at the last saved decision, and the next decision tries again."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from engine.decisions import Assign, Staff
from engine.loader import find_scenario
from engine.log import GameLog
from simulator import saves
from simulator.saves import Session


def test_a_saves_folder_that_cannot_exist_refuses_the_decision(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("DEALCRAFT_HOME", str(blocker / "home"))
    s = Session.new(find_scenario("northwind-new-logo"), seed=1)  # no save yet: no error
    reason = s.apply(Staff("maya"))
    assert reason and reason.startswith("cannot save the game")
    assert s.state.history == ()  # unchanged: still at the last saved decision


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_disk_full_or_read_only_then_space_again(home, monkeypatch, code):
    s = Session.new(find_scenario("northwind-new-logo"), seed=1)
    assert s.apply(Staff("maya")) is None
    real = saves.write_atomic

    def failing(path: Path, text: str) -> None:
        raise OSError(code, "simulated")

    monkeypatch.setattr(saves, "write_atomic", failing)
    reason = s.apply(Assign("maya", "quarterback"))
    assert reason and "cannot save the game" in reason and "simulated" not in reason
    assert len(s.state.history) == 1
    assert len(GameLog.load(s.path).decisions) == 1  # the file still holds the last decision
    monkeypatch.setattr(saves, "write_atomic", real)  # space again: the same decision works
    assert s.apply(Assign("maya", "quarterback")) is None
    assert len(GameLog.load(s.path).decisions) == 2


@pytest.mark.parametrize("answer", ["y", "n"])
def test_starting_where_games_cannot_be_saved_offers_to_play_unsaved(tmp_path, monkeypatch, answer):
    import asyncio

    from support.app import make_app

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("DEALCRAFT_HOME", str(blocker / "home"))

    async def run():
        app = make_app(scenario=find_scenario("northwind-new-logo"), seed=1)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "ConfirmModal"
            await pilot.press(answer)
            await pilot.pause()
            if answer == "y":
                assert app.session is not None and app.session.path is None
                assert type(app.screen).__name__ == "BriefingScreen"
            else:
                assert app.session is None and type(app.screen).__name__ == "PickerScreen"
            assert app.is_running

    asyncio.run(run())
