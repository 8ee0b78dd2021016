"""Saves: atomic writes, one decision at a time, resume, branches, and clean errors."""

from __future__ import annotations

import json
import os

import pytest

from engine.decisions import Assign, Connect, EndWeek, Staff, Start
from engine.loader import find_scenario
from engine.log import GameLog
from engine.problems import InputError
from scoring.scorecard import score
from simulator import saves
from simulator.cli import main
from simulator.saves import Session, list_saves, write_atomic


@pytest.fixture(scope="module")
def northwind():
    return find_scenario("northwind_new_logo")


def test_home_follows_the_environment(home):
    assert saves.home_dir() == home
    assert saves.saves_dir() == home / "saves"


def test_write_atomic_replaces_whole_files_and_leaves_no_temp(tmp_path):
    f = tmp_path / "a" / "save.json"
    write_atomic(f, "one")
    write_atomic(f, "two")
    assert f.read_text() == "two"
    assert [p.name for p in f.parent.iterdir()] == ["save.json"]


def test_write_atomic_keeps_the_old_file_when_the_write_fails(tmp_path, monkeypatch):
    f = tmp_path / "save.json"
    write_atomic(f, "old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(saves.os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(f, "new")
    assert f.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["save.json"]


def saved(scenario, seed):
    """A new game whose save is already on disk (a game is saved from its first decision)."""
    s = Session.new(scenario, seed=seed)
    s.save()
    return s


def test_every_decision_is_saved_at_once(home, northwind):
    s = Session.new(northwind, seed=4)
    assert s.path.parent == home / "saves"
    assert not s.path.exists()  # no save before the first decision
    for n, d in enumerate([Staff("maya"), Assign("maya", "quarterback")], 1):
        assert s.apply(d) is None
        on_disk = GameLog.load(s.path)
        assert len(on_disk.decisions) == n
        assert on_disk.decisions[-1] == d


def test_illegal_decision_changes_nothing(home, northwind):
    s = saved(northwind, 4)
    before = s.path.read_text()
    reason = s.apply(Assign("maya", "quarterback"))
    assert reason and "not on the team" in reason
    assert s.state.history == ()
    assert s.path.read_text() == before


def play_a_little(s: Session) -> None:
    for d in [Staff("maya"), Assign("maya", "quarterback"), Connect("maya", "coo"), Start()]:
        assert s.apply(d) is None
    assert s.apply(EndWeek()) is None


def test_resume_rebuilds_the_same_game(home, northwind):
    s = Session.new(northwind, seed=9)
    play_a_little(s)
    r = Session.resume(s.path)
    assert r.state.history == s.state.history
    assert r.state.week == s.state.week == 2
    assert score(r.state.trace()).game(0) == score(s.state.trace()).game(0)
    info = list_saves()
    assert len(info) == 1
    assert (info[0].week, info[0].phase, info[0].seed) == (2, "week", 9)
    assert info[0].decisions == 5


def test_list_saves_marks_damaged_files(home, northwind):
    good = saved(northwind, 1)
    (home / "saves" / "broken.json").write_text("{not json")
    (home / "saves" / "other.json").write_text('{"format": "x"}')
    saves = list_saves()
    assert [i.path for i in saves if not i.damaged] == [good.path]
    assert saves[0].path == good.path  # good saves first
    assert sorted(i.path.name for i in saves if i.damaged) == ["broken.json", "other.json"]


def test_list_saves_puts_the_last_played_first(home, northwind):
    older, newer = saved(northwind, 1), saved(northwind, 2)
    # as if the older game was played last: when the save was last written decides
    for s, stamp in ((older, 1704189600), (newer, 1704103200)):  # 2024-01-02, 2024-01-01
        os.utime(s.path, (stamp, stamp))
    assert [i.seed for i in list_saves()] == [1, 2]
    assert list_saves()[0].label == "Northwind Logistics: the first deal — setup (seed 1)"


def test_branch_replays_a_prefix_into_a_new_save(home, northwind):
    s = Session.new(northwind, seed=2)
    play_a_little(s)
    b = s.branch(3)
    assert b.path != s.path and b.path.exists()
    assert b.state.history == s.state.history[:3]
    assert b.meta["parent"] == str(s.path) and b.meta["branched_at"] == 3
    assert b.state.phase == "setup" and s.state.phase == "week"
    assert GameLog.load(b.path).decisions == s.state.history[:3]
    assert len(list_saves()) == 2


def test_resume_refuses_a_changed_scenario(home, northwind):
    s = saved(northwind, 2)
    head, *records = s.path.read_text().splitlines(keepends=True)
    data = json.loads(head)
    data["content_hash"] = "0" * 16
    s.path.write_text(json.dumps(data) + "\n" + "".join(records))
    with pytest.raises(InputError, match="has changed since this game was saved"):
        Session.resume(s.path)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["play", "no_such_deal"], "no scenario named 'no_such_deal'"),
        (["play", "--resume", "missing.json"], "no such save file"),
        (["play", "--scenarios", "not-a-folder"], "not a folder"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(home, capsys, argv, message):
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert message in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_damaged_save_is_one_line_and_exit_1(home, capsys):
    bad = home / "bad.json"
    bad.write_text("{oops")
    assert main(["play", "--resume", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert "not valid JSON" in err and len(err.splitlines()) == 1
    bad.write_text(
        json.dumps(
            {"format": "dealcraft-log/1", "scenario": "nope", "content_hash": "x", "seed": 1}
        )
    )
    assert main(["play", "--resume", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert "no scenario named 'nope'" in err


def test_no_temp_files_survive_many_saves(home, northwind):
    s = Session.new(northwind, seed=3)
    play_a_little(s)
    assert sorted(os.listdir(home / "saves")) == [s.path.name, s.path.name + ".lock"]


def test_a_branch_is_written_once_with_the_replayed_decisions(home, northwind, monkeypatch):
    s = Session.new(northwind, seed=5)
    for d in (Staff("maya"), Assign("maya", "quarterback"), Start(), EndWeek(), EndWeek()):
        s.apply(d)
    writes = []
    real = saves.write_atomic
    monkeypatch.setattr(saves, "write_atomic", lambda p, t: (writes.append(p), real(p, t)))
    branch = s.branch(4)
    assert writes == [branch.path]  # never an empty game on disk first
    log = GameLog.load(branch.path)
    assert log.decisions == s.state.history[:4]
    assert Session.resume(branch.path).state.week == 2


def test_no_save_before_the_first_decision_and_stray_temp_files_are_cleaned(home, northwind):
    import os
    import time

    s = Session.new(northwind, seed=4)
    assert list((home / "saves").glob("*.json")) == [] if (home / "saves").exists() else True
    (home / "saves").mkdir(parents=True, exist_ok=True)
    old = home / "saves" / ".x.json.abc.tmp"
    fresh = home / "saves" / ".y.json.def.tmp"
    old.write_text("{")
    fresh.write_text("{")
    past = time.time() - 3600
    os.utime(old, (past, past))
    list_saves()
    assert not old.exists() and fresh.exists()  # a write in flight elsewhere is left alone
    assert s.apply(Staff("maya")) is None and s.path.exists()
