"""`dealcraft workshop ...` as a facilitator scripts it: output, exit codes, messages."""

import json
import re
from pathlib import Path

import pytest

from engine.decisions import EndWeek
from engine.plan import parse_plan
from simulator.cli import main
from simulator.workshop import session as ws

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "northwind_new_logo.plan.yaml"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path))
    monkeypatch.delenv("DEALCRAFT_KEY", raising=False)
    return tmp_path


@pytest.fixture
def created(home, capsys):
    assert main(["workshop", "create", "northwind-new-logo", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    code = re.search(r"Join code for players:\s+(\S+)", out).group(1)
    key = re.search(r"Facilitator key .*: (\S+)", out).group(1)
    return code, key


def _play(code, name, n):
    team = ws.join(code, name)
    state = team.resume()
    for d, _ in parse_plan(PLAN).steps[:n]:
        if state.is_over():
            break
        state = team.step(state, d)
    return team, state


def test_create_prints_join_code_key_and_commands(created, home):
    code, key = created
    assert len(code) == 6 and len(key) >= 20
    assert (home / "workshop.sqlite3").exists()


def test_create_with_another_db_url(tmp_path, home, capsys):
    url = f"sqlite:///{tmp_path / 'class.db'}"
    assert main(["workshop", "create", "meridian-renewal", "--db", url, "--name", "Tue"]) == 0
    out = capsys.readouterr().out
    code = re.search(r"Join code for players:\s+(\S+)", out).group(1)
    assert main(["workshop", "status", code, "--db", url]) == 0
    assert "Tue" in capsys.readouterr().out
    assert main(["workshop", "status", code]) == 1  # not in the default store
    assert "no workshop session" in capsys.readouterr().err


def test_unknown_scenario_is_exit_1(home, capsys):
    assert main(["workshop", "create", "no-such-scenario"]) == 1
    err = capsys.readouterr().err
    assert "no scenario named" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "action",
    [
        ["inject", "peak_brought_forward"],
        ["hold", "--week", "2"],
        ["release"],
        ["pause"],
        ["resume"],
        ["reveal"],
        ["add-bot"],
        ["report", "--out", "r.html"],
    ],
)
def test_every_facilitator_action_needs_the_key(created, capsys, action, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, key = created
    assert main(["workshop", action[0], code, *action[1:]]) == 1
    assert "needs the facilitator key" in capsys.readouterr().err
    assert main(["workshop", action[0], code, "--key", "nope", *action[1:]]) == 1
    err = capsys.readouterr().err
    assert "wrong facilitator key" in err and err.count("\n") == 1
    assert main(["workshop", action[0], "ZZZZZZ", "--key", key, *action[1:]]) == 1
    assert "no workshop session with code 'ZZZZZZ'" in capsys.readouterr().err


def test_key_from_the_environment(created, capsys, monkeypatch):
    code, key = created
    monkeypatch.setenv("DEALCRAFT_KEY", key)
    assert main(["workshop", "pause", code]) == 0
    assert "paused" in capsys.readouterr().out


def test_scripted_workshop(created, capsys, tmp_path):
    code, key = created
    k = ["--key", key]
    _play(code, "Alpha", 30)
    _play(code, "[red]Beta[/red]", 12)
    assert main(["workshop", "add-bot", code, *k]) == 0
    assert main(["workshop", "inject", code, *k, "list"]) == 0
    assert "peak_brought_forward" in capsys.readouterr().out
    assert main(["workshop", "inject", code, *k, "peak_brought_forward"]) == 0
    assert "after week" in capsys.readouterr().out
    assert main(["workshop", "inject", code, *k, "nope"]) == 1
    assert "curveballs: peak_brought_forward" in capsys.readouterr().err
    assert main(["workshop", "hold", code, *k, "--week", "4"]) == 0
    assert main(["workshop", "hold", code, *k, "--week", "99"]) == 1
    capsys.readouterr()

    assert main(["workshop", "status", code, *k]) == 0
    out = capsys.readouterr().out
    assert "held at week 4" in out and "[red]Beta[/red]" in out and "Bot (expert)" in out
    assert "Peak season arrives early" in out and "Recap:" in out

    assert main(["workshop", "status", code, "--json"]) == 0  # public: no key
    public = json.loads(capsys.readouterr().out)
    assert {t["team"] for t in public["teams"]} == {"Alpha", "[red]Beta[/red]", "Bot (expert)"}
    assert "curveballs" not in public and "response_lag" not in public["teams"][0]

    assert main(["workshop", "status", code, *k, "--json"]) == 0
    full = json.loads(capsys.readouterr().out)
    assert full["session"]["hold_week"] == 4 and full["curveballs"][0]["after_week"] >= 1
    assert "headlines" in full["recap"]

    assert main(["workshop", "release", code, *k]) == 0
    assert main(["workshop", "pause", code, *k]) == 0
    assert main(["workshop", "resume", code, *k]) == 0
    assert main(["workshop", "reveal", code, *k]) == 0
    assert "Class findings" in capsys.readouterr().out
    out_html, out_csv = tmp_path / "r.html", tmp_path / "r.csv"
    args = ["workshop", "report", code, *k, "--out", str(out_html), "--csv", str(out_csv)]
    assert main(args) == 0
    assert out_html.read_text().startswith("<!DOCTYPE html>")
    assert out_csv.read_text().splitlines()[0].startswith("rank,team,kind")
    bad = ["workshop", "report", code, *k, "--out", str(tmp_path / "no" / "r.html")]
    assert main(bad) == 1
    assert "cannot write" in capsys.readouterr().err


def test_workshop_without_action_is_usage(capsys):
    assert main(["workshop"]) == 2
    assert "create" in capsys.readouterr().out


def test_status_of_a_finished_class(created, capsys):
    code, key = created
    team, state = _play(code, "Solo", 10_000)
    while not state.is_over():
        state = team.step(state, EndWeek())
    assert main(["workshop", "status", code, "--key", key]) == 0
    out = capsys.readouterr().out
    assert "Solo" in out and "✓" in out
