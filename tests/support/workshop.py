"""What the workshop tests share: the Northwind plan and its steps, playing a team to a
week, a class on its own data folder for a whole test module, and the fixtures that open
a session (`klass`, `class_on_server`) on the default store."""

from __future__ import annotations

import http.client
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from engine.decisions import EndWeek, Start
from engine.plan import parse_plan

ROOT = Path(__file__).resolve().parent.parent.parent
PLAN = ROOT / "plans" / "northwind_new_logo.plan.yaml"
SCENARIO = "northwind-new-logo"
CURVEBALL = "peak_brought_forward"  # Northwind's scenario curveball


def steps() -> list:
    """The Northwind plan's decisions (the expert's whole game)."""
    return [d for d, _ in parse_plan(PLAN).steps]


def to_week(team, week: int, state=None):
    """Play the plan until the team is in `week` (before ending it); then end weeks."""
    state = team.resume() if state is None else state
    for d in steps()[len(state.history) :]:
        if state.week >= week or state.is_over():
            break
        state = team.step(state, d)
    while state.week < week and not state.is_over():
        state = team.step(state, EndWeek())
    return state


class Clock:
    """A clock the tests move by hand (`clock.now += 60`): rounds never wait."""

    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


class Player:
    """A team playing through the authority (what the server does with its requests)."""

    def __init__(self, auth, code: str, name: str, kind: str = "player"):
        from simulator.workshop.authority import replay
        from simulator.workshop.records import session_scenario

        self.auth, self.code, self.name = auth, code, name
        joined = auth.join(code, name, None, kind)
        self.passcode = joined["passcode"]
        self.scenario = session_scenario(auth.store, auth.store.session(code))
        self.state = replay(self.scenario, joined["seed"], joined["log"])

    def step(self, d):
        from simulator.workshop.records import decode

        got = self.auth.step(self.code, self.name, self.passcode, len(self.state.history), d)
        for b in got["decisions"]:
            self.state = self.state.apply(decode(b))
        return self.state

    def setup(self):
        """The plan's setup, up to (not including) Start."""
        for d in steps():
            if isinstance(d, Start):
                return
            self.step(d.to_dict())

    def end_week(self):
        return self.step((Start() if self.state.week == 0 else EndWeek()).to_dict())


@contextmanager
def module_home(tmp_path_factory) -> Iterator[Path]:
    """A data folder ($DEALCRAFT_HOME) of its own for a module-scoped class, put back after
    (monkeypatch is per test, so a module fixture sets the variable itself)."""
    home = tmp_path_factory.mktemp("home")
    old = os.environ.get("DEALCRAFT_HOME")
    os.environ["DEALCRAFT_HOME"] = str(home)
    try:
        yield home
    finally:
        if old is None:
            os.environ.pop("DEALCRAFT_HOME", None)
        else:
            os.environ["DEALCRAFT_HOME"] = old


def new_class(name: str, seed: int = 2, **kw):
    """(info, key, the facilitator's handle) of a new Northwind session in the default store."""
    from simulator.workshop import session as ws

    info, key = ws.create_session(SCENARIO, name=name, seed=seed, **kw)
    return info, key, ws.facilitate(info.code, key, kw.get("db"))


def post(url: str, path: str, body: dict, headers: dict) -> tuple[int, dict]:
    """One raw POST to a workshop server: (status, decoded JSON answer)."""
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    resp = conn.getresponse()
    out = resp.status, json.loads(resp.read() or b"{}")
    conn.close()
    return out


@pytest.fixture
def class_on_server(home):
    """(info, key, URL) of a session in `home`'s store, served on a free port."""
    from simulator.workshop import session as ws
    from support.server import Running, workshop_app

    info, key = ws.create_session(SCENARIO, name="Server class", seed=2)
    with Running(workshop_app()) as url:
        yield info, key, url
