"""Append-only saves (issue 11): a decision appends one record, so it costs the same at
decision 10 and at decision 60,000; a torn last record is dropped; damage before it is
one located line; old whole-file saves still resume; any save the game wrote replays
headless, however long."""

from __future__ import annotations

import json
import stat

import pytest
from support import long_game

from engine.decisions import Assign, Connect, EndWeek, Run, Staff, Start
from engine.loader import find_scenario
from engine.log import GameLog
from engine.problems import InputError
from engine.state import new_game
from scoring.scorecard import score
from simulator import saves
from simulator.cli import main
from simulator.saves import Session, list_saves


@pytest.fixture(scope="module")
def northwind():
    return find_scenario("northwind-new-logo")


def played(scenario, seed: int = 3) -> Session:
    s = Session.new(scenario, seed=seed)
    for d in [Staff("maya"), Assign("maya", "quarterback"), Connect("maya", "coo"), Start()]:
        assert s.apply(d) is None
    return s


def test_a_torn_last_record_is_dropped_and_the_rest_kept(home, northwind):
    s = played(northwind)
    with s.path.open("ab") as f:  # killed in the middle of writing decision 5
        f.write(b'{"n":5,"week":1,"phase":"we')
    r = Session.resume(s.path)
    assert r.state.history == s.state.history and r.state.week == 1
    info = {i.path: i for i in list_saves()}[s.path]
    assert not info.damaged and info.decisions == 4
    assert r.apply(EndWeek()) is None  # the next decision replaces the torn bytes
    assert GameLog.load(s.path).decisions == r.state.history
    assert Session.resume(s.path).state.week == 2


def test_damage_before_the_last_record_is_one_located_line(home, northwind, capsys):
    s = played(northwind)
    lines = s.path.read_bytes().splitlines(keepends=True)
    lines[2] = b'{"n":2,"week":0,"phase":"setup","decision":{"do":"assign",\n'
    s.path.write_bytes(b"".join(lines))
    with pytest.raises(InputError) as exc:
        Session.resume(s.path)
    (p,) = exc.value.problems
    assert (p.code, p.line) == ("save.damaged", 3)
    assert main(["play", "--resume", str(s.path)]) == 1
    err = capsys.readouterr().err.strip()
    assert "save.damaged" in err and ":3:" in err and len(err.splitlines()) == 1


def test_a_damaged_last_record_marks_the_save_damaged_in_the_picker(home, northwind):
    s = played(northwind)
    with s.path.open("ab") as f:
        f.write(b"not a record\n")
    (info,) = list_saves()
    assert info.damaged and "damaged" in info.label


def test_records_out_of_order_are_damage(home, northwind):
    s = played(northwind)
    lines = s.path.read_bytes().splitlines(keepends=True)
    s.path.write_bytes(b"".join([lines[0], lines[1], lines[3], lines[2], lines[4]]))
    with pytest.raises(InputError) as exc:
        GameLog.load(s.path)
    assert exc.value.codes == ["save.damaged"] and exc.value.problems[0].line == 3


def test_a_decision_writes_the_same_at_decision_50_and_at_decision_3700(
    home, tmp_path, monkeypatch
):
    scenario = long_game.load(tmp_path)
    plan = long_game.decisions(scenario, weeks=3)
    written: list[int] = []
    real_append = getattr(saves, "append_durable", None)  # (absent before issue 11)
    real_write = saves.write_atomic

    def append(path, data, whole):
        written.append(len(data))
        real_append(path, data, whole)

    def whole_file(path, text):
        written.append(len(text.encode()))
        real_write(path, text)

    monkeypatch.setattr(saves, "append_durable", append, raising=False)
    monkeypatch.setattr(saves, "write_atomic", whole_file)
    s = Session.new(scenario, seed=1)
    fsyncs: list[int] = []
    monkeypatch.setattr(saves.os, "fsync", fsyncs.append)  # counted, not waited for
    at = {}
    for n, d in enumerate(plan, 1):
        before = (len(written), len(fsyncs))
        assert s.apply(d) is None
        if n in (50, len(plan) - 1):  # two runs, 3,600 decisions apart
            at[n] = (written[before[0] :], len(fsyncs) - before[1])
    (early, early_syncs), (late, late_syncs) = at[50], at[len(plan) - 1]
    assert len(plan) > 3_000 and len(early) == len(late) == 1  # one write per decision
    assert late[0] - early[0] <= 3  # the same record; only its number has more digits
    assert early_syncs == late_syncs == 1
    assert GameLog.load(s.path).decisions == s.state.history
    assert stat.S_IMODE(s.path.stat().st_mode) == 0o600


def long_save(folder, weeks: int | None = None):
    """A long legal game saved by the game (as a branch is): `weeks` weeks of every hour
    spent, or all 52 and so played to the end."""
    scenario = long_game.load(folder)
    state = new_game(scenario, 7).apply_all(long_game.decisions(scenario, weeks))
    return scenario, Session.new(scenario, 7, folder / "saves", state=state)


def test_a_save_past_the_old_plan_limit_replays_headless(tmp_path, capsys):
    scenario, s = long_save(tmp_path, weeks=20)
    assert s.path.stat().st_size > 2_000_000  # refused by `run --plan` before issue 11
    assert main(["run", scenario.source, "--plan", str(s.path), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["content_hash"] == scenario.content_hash


@pytest.mark.slow
def test_a_60k_decision_save_replays_headless_and_resumes(tmp_path, capsys):
    scenario, s = long_save(tmp_path)
    assert len(s.state.history) > 60_000 and s.state.is_over()
    assert s.path.stat().st_size > 2_000_000  # past the plan limit before issue 11
    assert main(["run", scenario.source, "--plan", str(s.path), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["score"] == pytest.approx(score(s.state.trace()).game(0)["score"], abs=0)
    again = Session.resume(s.path)
    assert again.state.history == s.state.history
    (info,) = list_saves(s.path.parent)
    assert (info.decisions, info.phase, info.week) == (len(s.state.history), "ended", 52)


def test_a_refused_decision_in_a_save_points_at_its_line(home, northwind, capsys):
    s = played(northwind)
    with s.path.open("a") as f:
        f.write(json.dumps({"n": 5, "week": 1, "phase": "week", "decision": Start().to_dict()}))
        f.write("\n")
    assert main(["run", "northwind-new-logo", "--plan", str(s.path)]) == 1
    err = capsys.readouterr().err.strip()
    assert ":6:" in err and "plan.illegal" in err


def test_an_old_whole_file_save_resumes_and_is_rewritten_on_its_next_decision(home, northwind):
    g = new_game(northwind, 5)
    for d in [Staff("maya"), Assign("maya", "quarterback"), Start(), Run("account_review", "maya")]:
        g = g.apply(d)
    meta = {"title": northwind.title, "updated": "2024-01-01 10:00", "week": 1, "weeks": 10}
    old = home / "saves" / "old.json"
    old.parent.mkdir(parents=True)
    old.write_text(GameLog.of(g, phase="week", **meta).to_json())
    (info,) = list_saves()
    assert (info.decisions, info.week, info.phase, info.damaged) == (4, 1, "week", "")
    s = Session.resume(old)
    assert s.state.history == g.history
    assert s.apply(EndWeek()) is None
    head = json.loads(old.read_text().splitlines()[0])
    assert head["format"] == "dealcraft-save/2" and head["meta"]["title"] == northwind.title
    assert GameLog.load(old).decisions == s.state.history
    assert Session.resume(old).state.week == 2
    assert main(["run", "northwind-new-logo", "--plan", str(old), "--json"]) == 0


PLAYER = """
import sys
from pathlib import Path
sys.path.insert(0, "tests")
from support import long_game
from simulator.saves import Session
folder = Path(sys.argv[1])
scenario = long_game.load(folder)
s = Session.new(scenario, seed=1, folder=folder / "saves")
for n, d in enumerate(long_game.decisions(scenario, weeks=2), 1):
    assert s.apply(d) is None
    print(n, s.path, flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("after", [60, 333, 1_000])
def test_sigkill_while_saving_keeps_every_decision_made(tmp_path, after):
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    game = subprocess.Popen(
        [sys.executable, "-c", PLAYER, str(tmp_path)], cwd=root, stdout=subprocess.PIPE, text=True
    )
    try:
        for line in game.stdout:
            made, path = line.split()
            if int(made) >= after:
                game.send_signal(signal.SIGKILL)  # most likely mid-way through a later write
                break
    finally:
        game.kill()
        game.wait()
    log = GameLog.load(path)
    assert len(log.decisions) >= int(made)
    again = Session.resume(path)  # the killed game's lock is taken over
    assert again.apply(again.state.legal_decisions()[0]) is None  # appends after any torn tail
    assert GameLog.load(path).decisions == again.state.history
