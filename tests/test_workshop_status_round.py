"""`workshop status` and `status --json` show the running round (its time left, the teams
that submitted and those still playing) and the last message, as the board does: with
and without the key, on the store and through the server."""

import json
import re

import pytest
from support.keys import key_args
from support.server import Running, workshop_app
from support.workshop import to_week

from simulator.cli import main
from simulator.workshop import rounds as rd
from simulator.workshop import session as ws

LINE = re.compile(
    r"^Round setup: (\d+):(\d\d) left · submitted 1/2: Alpha · still playing: Beta$", re.M
)


@pytest.fixture
def klass(workshop_class_each_db):
    """Alpha has ended setup in a 4-minute setup round; Beta has not."""
    info, key, fac = workshop_class_each_db
    fac.hold(0)
    rd.facilitator_act(fac, "start", minutes=4)
    rd.facilitator_act(fac, "broadcast", text="Setup ends at ten past")
    to_week(ws.join(info.code, "Alpha"), 1)
    ws.join(info.code, "Beta")
    return info, key, fac


def _out(capsys, args) -> str:
    assert main(args) == 0
    return capsys.readouterr().out


def _check_json(data):
    rnd = data["round"]
    assert rnd["label"] == "setup" and rnd["week"] == 0 and rnd["minutes"] == 4
    assert 0 < rnd["remaining_s"] <= 240 and rnd["paused"] is False
    assert rnd["submitted"] == ["Alpha"] and rnd["playing"] == ["Beta"]
    assert data["broadcast"]["text"] == "Setup ends at ten past"


def test_status_shows_the_round_with_and_without_the_key(klass, capsys):
    info, key, fac = klass
    status = ["workshop", "status", info.code]
    for args in (status, [*status, *key_args(key)]):
        out = _out(capsys, args)
        minutes, _ = LINE.search(out).groups()
        assert int(minutes) <= 4
        assert "Message: Setup ends at ten past" in out
        _check_json(json.loads(_out(capsys, [*args, "--json"])))


def test_status_through_the_server_shows_the_round(klass, capsys):
    info, key, fac = klass
    with Running(workshop_app()) as url:
        status = ["workshop", "status", info.code, "--server", url]
        for args in (status, [*status, *key_args(key)]):
            out = _out(capsys, args)
            assert LINE.search(out), out
            assert "Message: Setup ends at ten past" in out
            _check_json(json.loads(_out(capsys, [*args, "--json"])))


def test_status_says_the_round_clock_is_stopped_while_paused(klass, capsys):
    info, key, fac = klass
    fac.pause()
    out = _out(capsys, ["workshop", "status", info.code])
    assert re.search(r"^Round setup: \d+:\d\d left \(clock stopped: paused\) · ", out, re.M)
    data = json.loads(_out(capsys, ["workshop", "status", info.code, "--json"]))
    assert data["round"]["paused"] is True
    rd.facilitator_act(fac, "stop")
    out = _out(capsys, ["workshop", "status", info.code, *key_args(key)])
    assert "Round " not in out  # no round running: no line
    data = json.loads(_out(capsys, ["workshop", "status", info.code, *key_args(key), "--json"]))
    assert data["round"] is None and data["broadcast"]["text"]
