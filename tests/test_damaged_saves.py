"""A damaged or oversized save never keeps the picker from opening: it is listed as
damaged, with the reason, within a fixed budget per file (issue 11)."""

from __future__ import annotations

import asyncio
import time

import pytest
from support.app import make_app, northwind_game

from simulator.saves import MAX_SAVE_BYTES, list_saves, saves_dir

pytestmark = pytest.mark.usefixtures("home", "fast_pilot")


def _folder():
    good = northwind_game("team")  # writes its save
    folder = saves_dir()
    (folder / "deep.json").write_text("[" * 5_000 + "]" * 5_000)
    with (folder / "huge.json").open("wb") as f:
        f.write(b'{"decisions": [' + b"0," * (MAX_SAVE_BYTES // 2) + b"0]}")
    (folder / "junk.json").write_bytes(b"\xff\xfe not json")
    (folder / "list.json").write_text("[1, 2]")
    (folder / "fields.json").write_text('{"format": "x"}')
    return folder, good


def test_damaged_saves_are_listed_with_their_reason():
    folder, good = _folder()
    start = time.perf_counter()
    saves = list_saves(folder)
    assert time.perf_counter() - start < 2.0
    by = {s.path.name: s for s in saves}
    assert set(by) == {
        good.path.name,
        "deep.json",
        "huge.json",
        "junk.json",
        "list.json",
        "fields.json",
    }
    assert not by[good.path.name].damaged
    assert all(by[n].damaged for n in by if n != good.path.name)
    assert all("damaged" in by[n].label for n in by if n != good.path.name)


def test_the_picker_opens_and_refuses_a_damaged_save():
    _folder()

    async def run():
        app = make_app()
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            picker = app.screen
            damaged = next(i for i, s in enumerate(picker.saves) if s.damaged)
            picker.resume(picker.saves[damaged])
            await pilot.pause()
            assert app.screen is picker and app.is_running

    asyncio.run(run())
