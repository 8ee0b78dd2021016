"""`dealcraft workshop ...` as a facilitator scripts it: output, exit codes, messages."""

import json
import re

import pytest
from support.keys import key_args, key_file
from support.workshop import steps

from engine.decisions import EndWeek, Shift
from simulator.cli import main
from simulator.workshop import session as ws


@pytest.fixture
def created(home, capsys):
    assert main(["workshop", "create", "northwind-new-logo", "--seed", "2"]) == 0
    out, err = capsys.readouterr()
    code = re.search(r"Join code for players:\s+(\S+)", out).group(1)
    key = re.search(r"FACILITATOR KEY.*\n\s+(\S+)", err).group(1)
    return code, key


def _play(code, name, n):
    team = ws.join(code, name)
    state = team.resume()
    for d in steps()[:n]:
        if state.is_over():
            break
        state = team.step(state, d)
    return team, state


def test_create_prints_join_code_key_and_commands(home, capsys):
    assert main(["workshop", "create", "northwind-new-logo", "--seed", "2"]) == 0
    out, err = capsys.readouterr()
    code = re.search(r"Join code for players:\s+(\S+)", out).group(1)
    key = re.search(r"FACILITATOR KEY.*\n\s+(\S+)", err).group(1)
    assert len(code) == ws.CODE_LENGTH and len(key) == 24
    assert f'dealcraft play --join {code} --team "TEAM NAME"' in out
    assert key not in out  # apart from the join code, on the other stream
    assert "--key " not in out + err  # no suggestion puts the key on a command line
    assert f"Store: sqlite:///{home / 'workshop.sqlite3'}" in out
    assert (home / "workshop.sqlite3").exists()
    assert ws.facilitate(code, key).info.seed == 2  # the key printed is the session's


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
        ["shift", "coo", "cost=60"],
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
    assert main(["workshop", action[0], code, *key_args("nope"), *action[1:]]) == 1
    err = capsys.readouterr().err
    assert "wrong facilitator key" in err and err.count("\n") == 1
    assert main(["workshop", action[0], "ZZZZZZ", *key_args(key), *action[1:]]) == 1
    assert "no workshop session with code 'ZZZZZZ'" in capsys.readouterr().err


def test_key_from_the_environment(created, capsys, monkeypatch):
    code, key = created
    monkeypatch.setenv("DEALCRAFT_FACILITATOR_KEY", key)
    assert main(["workshop", "pause", code]) == 0
    assert "paused" in capsys.readouterr().out


def test_scripted_workshop(created, capsys, tmp_path):
    code, key = created
    k = [*key_args(key)]
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
    assert main(["workshop", "status", code, *key_args(key)]) == 0
    out = capsys.readouterr().out
    assert "Solo" in out and "✓" in out


@pytest.mark.parametrize(
    "args, words",
    [
        (["ceo", "cost=1"], "'ceo' is not a stakeholder"),
        (["coo", "price=1"], "'price' is not a priority dimension"),
        (["coo"], "give at least one weight"),
        (["coo", "cost"], "'cost' is not dim=weight"),
        (["coo", "cost="], "'cost=' is not dim=weight"),
        (["coo", "cost=many"], "must be a number"),
        (["coo", "cost=150"], "must lie in 0-100"),
        (["coo", "cost=0"], "at least one positive weight"),
        (["coo", "cost=1", "cost=2"], "cost is given twice"),
        (["coo", "cost=1", "--week", "11"], "--week must lie in 0-10"),
    ],
)
def test_shift_errors_are_one_line_exit_1(created, capsys, args, words):
    code, key = created
    assert main(["workshop", "shift", code, *key_args(key), *args]) == 1
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err
    if "stakeholder" in words:
        assert "coo, procurement, it_architect, ops_manager, analyst, cfo" in err
    if "dimension" in words or "dim=weight" in words:
        assert "cost, risk, speed, innovation" in err


def test_shift_from_the_command_line(created, capsys):
    code, key = created
    k = [*key_args(key)]
    assert main(["workshop", "shift", code, *k, "list"]) == 0
    out = capsys.readouterr().out
    assert "coo" in out and "Helen Marsh" in out and "innovation" in out
    team, state = _play(code, "Alpha", 30)
    assert main(["workshop", "shift", code, *k, "coo", "cost=60", "speed=40", "--week", "2"]) == 0
    out = capsys.readouterr().out
    assert "Shift 1: Helen Marsh → Total cost 60%, Time to value 40%" in out
    assert "after week 2" in out
    assert team.pending_curveballs(state) == [Shift("coo", {"cost": 60.0, "speed": 40.0})]
    while not state.is_over():
        state = team.step(state, EndWeek())
    assert main(["workshop", "inject", code, *k, "list"]) == 0
    out = capsys.readouterr().out
    assert "peak_brought_forward" in out and "Custom priority shifts:" in out
    assert "shift-1" in out and "(injected, after week 2)" in out
    assert main(["workshop", "status", code, *k]) == 0
    out = capsys.readouterr().out
    assert "Shift 1: Helen Marsh → Total cost 60%, Time to value 40% (after week 2): Alpha: " in out
    assert re.search(r"Alpha: (\d+ wk|never)", out)
    assert main(["workshop", "status", code, *k, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cb = data["curveballs"][0]
    assert cb["key"] == "shift-1" and cb["kind"] == "shift" and cb["stakeholder"] == "coo"
    assert cb["weights"] == {"cost": 60.0, "speed": 40.0} and cb["after_week"] == 2
    assert "shift-1" in data["teams"][0]["response_lag"]
    assert main(["workshop", "status", code, "--json"]) == 0  # public: no shift detail
    public = json.loads(capsys.readouterr().out)
    assert "curveballs" not in public and "Helen" not in json.dumps(public)


def test_curveball_after_a_bot_has_played_keeps_the_session_working(created, capsys, tmp_path):
    """A bot that already played past the curveball's week must not break the session."""
    code, key = created
    assert main(["workshop", "add-bot", code, *key_args(key)]) == 0
    assert (
        main(
            [
                "workshop",
                "inject",
                code,
                "--key-file",
                key_file(key),
                "peak_brought_forward",
                "--week",
                "3",
            ]
        )
        == 0
    )
    assert main(["workshop", "shift", code, *key_args(key), "coo", "cost=60", "speed=40"]) == 0
    capsys.readouterr()
    assert main(["workshop", "status", code, *key_args(key)]) == 0
    assert "Bot (expert)" in capsys.readouterr().out
    assert (
        main(
            [
                "workshop",
                "report",
                code,
                "--key-file",
                key_file(key),
                "--out",
                str(tmp_path / "r.html"),
            ]
        )
        == 0
    )
    bot = ws.join(code, "Bot (expert)", kind="bot").resume()
    assert bot.is_over()  # it finished alone before the curveballs: they never reach it
    assert not any(d.kind in ("inject", "shift") for d in bot.history)
