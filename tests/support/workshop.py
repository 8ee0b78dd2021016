"""What the workshop tests share: the Northwind plan and its steps, playing a team to a
week, a class on its own data folder for a whole test module, raw HTTP requests to a
workshop server, a bare session row, a hand-moved clock, a team playing through the
authority, and the fixtures that open a session in the default store (`workshop_class`,
`workshop_class_each_db`) or serve it (`served_class`). tests/conftest.py makes the
fixtures visible to every test module."""

from __future__ import annotations

import http.client
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest

from engine.decisions import EndWeek, Start
from engine.plan import parse_plan

ROOT = Path(__file__).resolve().parent.parent.parent
PLAN = ROOT / "plans" / "northwind_new_logo.plan.yaml"
SCENARIO = "northwind-new-logo"
SEED = 2
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


def play(team, decisions, stop_week: int | None = None):
    """Step `decisions` (skipping any the pruned plan made illegal), then end the weeks
    (up to `stop_week` if given, else to the end of the game)."""
    from engine.decisions import IllegalDecision

    state = team.resume()
    for d in decisions:
        if state.is_over() or (stop_week is not None and state.week >= stop_week):
            break
        try:
            state = team.step(state, d)
        except IllegalDecision:
            pass
    while not state.is_over() and stop_week is None:
        state = team.step(state, EndWeek())
    return state


def plans(dims: list[str]) -> dict[str, list]:
    """Three human teams' games that fall short of the plan: Late (no owned milestones,
    no discovery), Still (never re-focuses) and Restless (a new focus every week)."""
    from engine.decisions import Focus, Run

    full = steps()
    late = [
        s
        for s in full
        if s.kind != "plan" and not (isinstance(s, Run) and s.action == "discovery_meeting")
    ]
    setup = full.index(Start())
    still = full[: setup + 1] + [s for s in full[setup + 1 :] if not isinstance(s, Focus)]
    restless, weeks = [], 0
    for s in full[:6] + [s for s in full[6:] if s.kind != "connect"]:
        restless.append(s)
        if isinstance(s, EndWeek | Start) and weeks < 9:
            weeks += 1
            restless.append(Focus({dims[weeks % len(dims)]: 1.0}))
    return {"Late": late, "Still": still, "Restless": restless}


class Class(NamedTuple):
    """A session as the tests hold it: its info, the facilitator key and handle."""

    info: object
    key: str
    fac: object


def new_class(name: str = "Workshop class", seed: int = SEED, db: str | None = None) -> Class:
    """A new Northwind session in the store (`db`, else the default one) and its
    facilitator's handle."""
    from simulator.workshop import session as ws

    info, key = ws.create_session(SCENARIO, name=name, seed=seed, db=db)
    return Class(info, key, ws.facilitate(info.code, key, db))


@pytest.fixture
def workshop_class(home) -> Class:
    """A Northwind session (seed 2) in this test's own default store (SQLite)."""
    return new_class()


@pytest.fixture
def workshop_class_each_db(workshop_db) -> Class:
    """The same, once on SQLite and once on PostgreSQL (the default store's URL)."""
    return new_class()


@pytest.fixture
def served_class(workshop_class) -> Iterator[tuple]:
    """(info, key, fac, URL): `workshop_class` with a workshop server on its store."""
    from support.server import Running, workshop_app

    with Running(workshop_app()) as url:
        yield (*workshop_class, url)


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
        self.state = replay(self.scenario, auth.store.session(code)["seed"], joined["log"])

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


def call(url: str, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
    """One raw request to a workshop server, as a curious trainee would send it by hand:
    (status, decoded JSON answer)."""
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    data = None if body is None else json.dumps(body)
    conn.request(method, path, body=data, headers=headers or {})
    resp = conn.getresponse()
    out = resp.status, json.loads(resp.read() or b"{}")
    conn.close()
    return out


def post(url: str, path: str, body, headers) -> tuple[int, dict]:
    return call(url, "POST", path, body, headers)


def not_the_key(team: str, passcode: str, key: str | None = None) -> list[dict]:
    """Every header a player might send in place of the facilitator key: none, the team's
    passcode as the team, the passcode as a facilitator's, and (given `key`) the key under
    the players' scheme. The server must refuse each (403 workshop.key)."""
    out = [
        {},
        {"Authorization": f"Bearer {passcode}", "X-Dealcraft-Team": team},
        {"Authorization": f"Facilitator {passcode}"},
    ]
    return out + ([{"Authorization": f"Bearer {key}"}] if key else [])


def bare_session(store, code: str = "QWE234", **values) -> int:
    """A session row with placeholder values, straight into `store` (the store's tests);
    its id."""
    row = dict(
        code=code,
        name="n",
        scenario_ref="x",
        scenario_id="x",
        content_hash="h",
        scenario_yaml="",
        seed=1,
        key_salt="s",
        key_hash="k",
        hold_week=None,
        paused=False,
        revealed=False,
    )
    return store.add_session(**{**row, **values})


async def settle(app, pilot, rounds: int = 3) -> None:
    """Let a Textual app's workers finish and its screen catch up."""
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()


def on_board(fac, script, size=(150, 45)) -> None:
    """Run `script(app, pilot)` on the facilitator's board once its first refresh is shown."""
    import asyncio

    from simulator.workshop.board import BoardApp

    async def run():
        app = BoardApp(fac, interval=60)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await script(app, pilot)

    asyncio.run(run())


async def strip_shown(app, pilot) -> str:
    """The workshop strip's text on the app's screen, after a fresh status read."""
    from simulator.workshop.strip import SessionStrip

    app._workshop_strips.poll()
    await settle(app, pilot)
    [strip] = app.screen.query(SessionStrip)
    return str(strip.render())
