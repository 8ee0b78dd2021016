"""Team administration: rename, remove, reset, mark (left out of the class findings), a
team's log for the facilitator, undo a team's last week; facilitator-only, also through
the server."""

import json

import pytest
from support.keys import key_file
from support.workshop import not_the_key, post, to_week

from engine.decisions import EndWeek, Inject
from engine.problems import InputError
from simulator.cli import main
from simulator.workshop import admin, seats
from simulator.workshop import session as ws
from simulator.workshop.results import findings


@pytest.fixture
def klass(workshop_class):
    info, key, fac = workshop_class
    for name, week in (("Alpha", 4), ("Beta", 3), ("Gamma", 2)):
        to_week(ws.join(info.code, name), week)
    return info, key, fac


def rows(fac):
    return {r.name: r for r in fac.leaderboard().refresh()}


def test_a_test_team_is_left_out_of_the_findings_and_keeps_its_seat(klass):
    info, _, fac = klass
    assert admin.mark(fac, "Gamma", "test") == "test"
    r = rows(fac)
    assert r["Gamma"].kind == "test" and not r["Gamma"].human
    f = findings(list(r.values()))[0]
    assert "Gamma (test)" in f.excluded and f.n_teams == 2
    assert "Gamma" not in f.with_ + f.without
    again = ws.join(info.code, "Gamma")  # same seat; the passcode kept on this computer
    assert len(again.resume().history) == r["Gamma"].n_decisions
    admin.mark(fac, "Gamma", "scripted")
    assert rows(fac)["Gamma"].kind == "headless"
    admin.mark(fac, "Gamma", "human")
    assert rows(fac)["Gamma"].human and findings(fac.leaderboard().refresh())[0].n_teams == 3
    with pytest.raises(InputError) as exc:
        admin.mark(fac, "Gamma", "robot")
    assert exc.value.codes == ["workshop.input"]


def test_rename_remove_and_reset(klass):
    info, _, fac = klass
    fac.leaderboard().refresh()  # the board's cache must follow each change
    assert admin.rename(fac, "Beta", "Beta Squad") == "Beta Squad"
    assert "Beta Squad" in rows(fac) and "Beta" not in rows(fac)
    with pytest.raises(InputError, match="already a team"):
        admin.rename(fac, "Alpha", "beta squad")
    admin.reset(fac, "Alpha")
    assert rows(fac)["Alpha"].week == 0 and ws.join(info.code, "Alpha").log() == []
    admin.remove(fac, "Gamma")
    assert set(rows(fac)) == {"Alpha", "Beta Squad"}
    with pytest.raises(InputError, match="no team 'Gamma'"):
        admin.reset(fac, "Gamma")
    texts = [a["text"] for a in fac.store.activity(fac.id)]
    assert any(t.startswith("team renamed") for t in texts)
    assert any(t.startswith("team removed") for t in texts)


def test_undo_a_teams_last_week(klass):
    info, _, fac = klass
    team = ws.join(info.code, "Alpha")
    state = team.resume()
    assert state.week == 4
    fac.inject("peak_brought_forward")
    state = team.step(state, EndWeek())  # takes the curveball, into week 5
    assert Inject("peak_brought_forward") in state.history and state.week == 5
    fac.leaderboard().refresh()
    assert admin.undo_week(fac, "Alpha") == 4
    state = ws.join(info.code, "Alpha").resume()
    assert state.week == 4 and Inject("peak_brought_forward") not in state.history
    assert rows(fac)["Alpha"].week == 4  # the board replayed the shorter log
    again = ws.join(info.code, "Alpha")
    state = again.step(again.resume(), EndWeek())  # the curveball comes again
    assert Inject("peak_brought_forward") in state.history
    gamma = ws.join(info.code, "Gamma")
    assert gamma.resume().week == 2
    assert admin.undo_week(fac, "Gamma") == 1
    assert admin.undo_week(fac, "Gamma") == 0  # from week 1: back to setup, setup kept
    state = ws.join(info.code, "Gamma").resume()
    assert state.week == 0 and state.history  # the setup decisions stayed


def test_team_admin_from_the_command_line(klass, capsys):
    info, key, fac = klass
    kf = key_file(key)
    base = ["workshop", "team", info.code, "--key-file", kf]
    assert main(base + ["log", "Beta"]) == 0
    out = capsys.readouterr().out
    assert "setup" in out and "week 1" in out and "end_week" in out.replace("end-week", "end_week")
    assert main(base + ["log", "Beta", "--json"]) == 0
    log = json.loads(capsys.readouterr().out)
    assert len(log) == rows(fac)["Beta"].n_decisions
    assert main(base + ["reset", "Beta"]) == 1  # needs --yes
    assert "workshop.input" in capsys.readouterr().err
    assert main(base + ["undo-week", "Beta", "--yes"]) == 0
    assert "week 2" in capsys.readouterr().out
    assert main(base + ["mark", "Beta", "test"]) == 0
    assert main(["workshop", "team", info.code, "log", "Beta"]) == 1  # no key
    assert "workshop.key" in capsys.readouterr().err


def test_a_player_cannot_administer_teams_through_the_server(klass, served_class):
    info, key, fac = klass
    url = served_class[-1]
    blue = seats.join(info.code, "Blue", server=url, announce=False)
    path = f"/api/v1/sessions/{info.code}/console/team"
    before = {n: r.n_decisions for n, r in rows(fac).items()}
    for auth in not_the_key("Blue", blue.passcode):
        for body in (
            {"op": "log", "team": "Alpha"},  # another team's decisions
            {"op": "reset", "team": "Alpha"},
            {"op": "mark", "team": "Blue", "arg": "human"},
            {"op": "rename", "team": "Alpha", "arg": "Mine"},
        ):
            status, answer = post(url, path, body, auth)
            assert status == 403 and answer["problems"][0]["code"] == "workshop.key"
    assert {n: r.n_decisions for n, r in rows(fac).items()} == before
    good = {"Authorization": f"Facilitator {key}"}
    status, answer = post(url, path, {"op": "log", "team": "Alpha"}, good)
    assert status == 200 and len(answer["result"]) == before["Alpha"]
    status, answer = post(url, path, {"op": "mark", "team": "Blue", "arg": "test"}, good)
    assert status == 200 and rows(fac)["Blue"].kind == "test"
