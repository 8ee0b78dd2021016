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
    real_append, real_write = saves.append_durable, saves.write_atomic

    def cut_short(path: Path, data: bytes, whole: int) -> None:
        with path.open("ab") as f:  # the disk fills part-way through the record
            f.write(data[:7])
        raise OSError(code, "simulated")

    def failing(path: Path, text: str) -> None:
        raise OSError(code, "simulated")

    monkeypatch.setattr(saves, "append_durable", cut_short)
    monkeypatch.setattr(saves, "write_atomic", failing)
    reason = s.apply(Assign("maya", "quarterback"))
    assert reason and "cannot save the game" in reason and "simulated" not in reason
    assert len(s.state.history) == 1
    assert len(GameLog.load(s.path).decisions) == 1  # the file still holds the last decision
    monkeypatch.setattr(saves, "append_durable", real_append)  # space again: the same
    monkeypatch.setattr(saves, "write_atomic", real_write)  # decision works
    assert s.apply(Assign("maya", "quarterback")) is None
    assert GameLog.load(s.path).decisions == s.state.history  # the torn bytes are gone


def test_a_save_at_the_size_limit_refuses_the_next_decision(home, monkeypatch):
    s = Session.new(find_scenario("northwind-new-logo"), seed=1)
    assert s.apply(Staff("maya")) is None
    monkeypatch.setattr(saves, "MAX_BYTES", s.path.stat().st_size + 10)
    reason = s.apply(Assign("maya", "quarterback"))
    assert reason and "cannot save the game" in reason
    assert len(s.state.history) == 1 and len(GameLog.load(s.path).decisions) == 1


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
