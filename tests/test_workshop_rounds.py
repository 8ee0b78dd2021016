"""Timed rounds and the facilitator's message: a round ends (the hold moves on a week) when
every human team has ended its week or its time is up, enforced by the authority; the
round's time left, the message and the last signal reach every player screen, on one
laptop and through the server; only the facilitator key starts a round or broadcasts.
The clock is injected: no test waits for a round's minutes."""

import asyncio
import http.client
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select, update
from support.keys import key_args
from support.server import Running, workshop_app

from engine.decisions import EndWeek, Start
from engine.plan import parse_plan
from engine.problems import InputError
from simulator.cli import main
from simulator.workshop import rounds as rd
from simulator.workshop import session as ws
from simulator.workshop import store as st
from simulator.workshop.authority import Authority, Refused, replay
from simulator.workshop.client import RemoteSeat
from simulator.workshop.records import decode, session_scenario

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "northwind_new_logo.plan.yaml"


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def steps():
    return [d for d, _ in parse_plan(PLAN).steps]


class Player:
    """A team playing through the authority (what the server does with its requests)."""

    def __init__(self, auth: Authority, code: str, name: str, kind: str = "player"):
        self.auth, self.code, self.name = auth, code, name
        joined = auth.join(code, name, None, kind)
        self.passcode = joined["passcode"]
        self.scenario = session_scenario(auth.store, auth.store.session(code))
        self.state = replay(self.scenario, auth.store.session(code)["seed"], joined["log"])

    def step(self, d):
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


@pytest.fixture
def klass(workshop_db):
    info, key = ws.create_session("northwind-new-logo", name="Rounds class", seed=2)
    fac = ws.facilitate(info.code, key)
    fac.hold(0)
    clock = Clock()
    return info, key, fac, Authority(clock=clock), clock


def test_a_round_ends_when_every_human_team_has_ended_its_week(klass):
    info, key, fac, auth, clock = klass
    alpha, beta = Player(auth, info.code, "Alpha"), Player(auth, info.code, "Beta")
    ws.join(info.code, "Script", kind="headless").submit(steps())  # not a class member
    got = rd.round_act(auth, info.code, key, "start", {"minutes": 5})
    assert got["round"]["label"] == "setup" and got["round"]["remaining_s"] == 300
    assert fac.reload().hold_week == 1  # teams may start; nobody may end week 1
    alpha.setup()
    beta.setup()
    alpha.end_week()  # Alpha has started
    board = auth.board_full(info.code, key)["rounds"]["round"]
    assert board["submitted"] == ["Alpha"] and board["playing"] == ["Beta"]
    assert fac.reload().hold_week == 1
    clock.now += 120
    beta.end_week()  # the last human team: the round ends, the next begins
    assert fac.reload().hold_week == 2
    status = auth.status(info.code)
    assert status["round"]["week"] == 1 and status["round"]["remaining_s"] == 300  # 5 min again
    assert any("every team has ended it" in a["text"] for a in fac.store.activity(fac.id))
    alpha.end_week()
    assert alpha.state.week == 2 and fac.reload().hold_week == 2  # Beta still in week 1
    with pytest.raises(Refused) as exc:  # Alpha is held at week 2 meanwhile
        alpha.end_week()
    assert exc.value.code == "workshop.held"


def test_a_round_ends_when_its_time_is_up_but_not_while_paused(klass):
    info, key, fac, auth, clock = klass
    alpha = Player(auth, info.code, "Alpha")
    rd.round_act(auth, info.code, key, "start", {"minutes": 2})
    clock.now += 119
    assert auth.tick() == 0 and fac.reload().hold_week == 1
    assert auth.status(info.code)["round"]["remaining_s"] == pytest.approx(1)
    fac.pause()
    clock.now += 60
    assert auth.tick() == 0 and fac.reload().hold_week == 1  # time stands still in a pause
    fac.resume()
    assert auth.tick() == 1 and fac.reload().hold_week == 2  # the server's timer
    assert auth.tick() == 0  # once
    assert alpha.state.week == 0  # a team that did not finish is simply released with the rest
    assert any("its time is up" in a["text"] for a in fac.store.activity(fac.id))


def test_a_hold_by_hand_ends_the_round_and_the_last_round_releases(klass):
    info, key, fac, auth, clock = klass
    rd.round_act(auth, info.code, key, "start", {"minutes": 1})
    fac.hold(4)  # the facilitator takes over: the round is no longer running
    assert auth.status(info.code)["round"] is None
    clock.now += 600
    assert auth.tick() == 0 and fac.reload().hold_week == 4
    weeks = fac.scenario.deal.weeks
    rd.round_act(auth, info.code, key, "start", {"minutes": 1, "week": weeks})
    clock.now += 61
    assert auth.tick() == 1
    assert fac.reload().hold_week is None and auth.status(info.code)["round"] is None
    with pytest.raises(InputError) as exc:
        rd.round_act(auth, info.code, key, "start", {"week": weeks + 1})
    assert exc.value.codes == ["workshop.input"]
    for bad in (0, -1, 601, "5", True):
        with pytest.raises(InputError) as exc:
            rd.round_act(auth, info.code, key, "start", {"minutes": bad})
        assert exc.value.codes == ["workshop.input"]


def test_an_untimed_round_waits_for_every_team_and_stop_keeps_the_hold(klass):
    info, key, fac, auth, clock = klass
    alpha = Player(auth, info.code, "Alpha")
    rd.round_act(auth, info.code, key, "start", {})
    clock.now += 10_000
    assert auth.tick() == 0 and auth.status(info.code)["round"]["remaining_s"] is None
    rd.round_act(auth, info.code, key, "stop", {})
    alpha.setup()
    alpha.end_week()
    assert fac.reload().hold_week == 1 and auth.status(info.code)["round"] is None


def test_the_message_and_the_signal_reach_the_seat(klass):
    info, key, fac, auth, clock = klass
    alpha = Player(auth, info.code, "Alpha")
    rd.round_act(auth, info.code, key, "broadcast", {"text": "Lunch  at 12:30"})
    assert auth.status(info.code)["broadcast"]["text"] == "Lunch at 12:30"
    for bad in ("x" * 201, "bad\x1b[31m"):
        with pytest.raises(InputError) as exc:
            rd.round_act(auth, info.code, key, "broadcast", {"text": bad})
        assert exc.value.codes == ["workshop.input"]
    fac.release()
    alpha.setup()
    alpha.end_week()
    assert auth.team_status(info.code, "Alpha", alpha.passcode)["signal"] is None
    fac.shift("cfo", {"cost": 100}, signal="Marcus: cost is all that matters now")
    alpha.end_week()
    seen = auth.team_status(info.code, "Alpha", alpha.passcode)
    assert seen["signal"] == "Marcus: cost is all that matters now"
    rd.round_act(auth, info.code, key, "broadcast", {"text": ""})
    assert auth.status(info.code)["broadcast"] is None


def test_a_version_4_store_gains_rounds_and_broadcasts(store_url):
    s = st.Store(store_url)

    def downgrade(conn):
        st.broadcasts.drop(conn)
        st.rounds.drop(conn)
        conn.execute(update(st.schema_version).values(version=4))

    s.write(downgrade)
    s.close()
    s = st.Store(store_url)  # opening migrates
    assert s.read(lambda c: c.execute(select(st.schema_version.c.version)).scalar()) == 5
    sid = s.add_session(
        code="OLD234",
        name="old",
        scenario_ref="x",
        scenario_id="x",
        content_hash="h",
        scenario_yaml="",
        seed=1,
        key_salt="s",
        key_hash="k",
        paused=False,
        revealed=False,
    )
    rs = st.RoundStore(s)
    rs.start(sid, 2, 5.0, 100.0)
    rs.broadcast(sid, "hello", 100.0)
    row, rnd, msg = rs.state(sid)
    assert row["hold_week"] == 3 and rnd["deadline"] == 400.0 and msg["text"] == "hello"
    assert rs.advance(sid, 2, 10, 400.0) and not rs.advance(sid, 2, 10, 400.0)  # once
    assert rs.state(sid)[0]["hold_week"] == 4
    s.close()


def _call(url, method, path, body=None, headers=None):
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    data = None if body is None else json.dumps(body)
    conn.request(method, path, body=data, headers=headers or {})
    resp = conn.getresponse()
    out = resp.status, json.loads(resp.read() or b"{}")
    conn.close()
    return out


def test_only_the_facilitator_starts_a_round_or_broadcasts_and_the_server_times_it(klass):
    info, key, fac, _, _ = klass
    clock = Clock(time.time())
    app_made = workshop_app()

    def make(url):
        from simulator.workshop.server import AUTHORITY

        app = app_made(url)
        app[AUTHORITY].clock = clock
        return app

    with Running(make) as url:
        blue = RemoteSeat.join(url, info.code, "Blue")
        path = f"/api/v1/sessions/{info.code}/rounds"
        for auth in (
            {},
            {"Authorization": f"Bearer {blue.passcode}", "X-Dealcraft-Team": "Blue"},
            {"Authorization": f"Facilitator {blue.passcode}"},
            {"Authorization": f"Bearer {key}"},
        ):
            for action, body in (("start", {"minutes": 3}), ("broadcast", {"text": "hi"})):
                status, answer = _call(url, "POST", f"{path}/{action}", body, auth)
                assert status == 403 and answer["problems"][0]["code"] == "workshop.key"
        state = blue.session_state()
        assert state["round"] is None and state["broadcast"] is None  # nothing happened
        assert fac.reload().hold_week == 0
        good = {"Authorization": f"Facilitator {key}"}
        status, answer = _call(url, "POST", f"{path}/start", {"minutes": 3}, good)
        assert status == 200 and answer["round"]["label"] == "setup"
        assert "seed" not in answer["session"]
        _call(url, "POST", f"{path}/broadcast", {"text": "Ten minutes for setup"}, good)
        state = blue.session_state()
        assert state["round"]["remaining_s"] == pytest.approx(180, abs=1)
        assert state["broadcast"]["text"] == "Ten minutes for setup"
        status, public = _call(url, "GET", f"/api/v1/sessions/{info.code}/status")
        assert public["round"]["week"] == 0 and public["broadcast"]["text"]
        clock.now += 181  # the server's own timer ends it: nobody asks for the status
        rs = st.RoundStore(fac.store)
        for _ in range(100):
            if rs.state(fac.id)[0]["hold_week"] == 2:
                break
            time.sleep(0.05)
        assert rs.state(fac.id)[0]["hold_week"] == 2


def test_round_and_broadcast_commands_on_one_laptop_and_through_the_server(klass, capsys):
    info, key, fac, _, _ = klass
    assert main(["workshop", "round", info.code, "--minutes", "4", *key_args(key)]) == 0
    assert "Round setup started (4:00)" in capsys.readouterr().out
    assert fac.reload().hold_week == 1
    assert main(["workshop", "broadcast", info.code, "Hello room", *key_args(key)]) == 0
    assert rd.Rounds(fac.store).view(fac.id)["broadcast"]["text"] == "Hello room"
    assert main(["workshop", "broadcast", info.code, *key_args(key)]) == 1
    assert "workshop.input" in capsys.readouterr().err
    assert main(["workshop", "round", info.code, "--stop", *key_args(key)]) == 0
    with Running(workshop_app()) as url:
        args = [*key_args(key), "--server", url]
        assert main(["workshop", "round", info.code, "--week", "3", *args]) == 0
        assert fac.reload().hold_week == 4
        assert main(["workshop", "broadcast", info.code, "--clear", *args]) == 0
        assert rd.Rounds(fac.store).view(fac.id)["broadcast"] is None
        assert main(["workshop", "round", info.code, "--minutes", "2", *key_args("nope")]) == 1
    assert "workshop.key" in capsys.readouterr().err


def test_the_strip_shows_the_round_the_message_and_the_signal_through_the_server(klass):
    from support.app import make_app

    from simulator.saves import WorkshopSession
    from simulator.workshop.strip import SessionStrip

    info, key, fac, _, _ = klass
    with Running(workshop_app()) as url:
        seat = RemoteSeat.join(url, info.code, "Blue")
        session = WorkshopSession(seat.resume(), None, {"workshop": info.code, "team": "Blue"})
        session.meta["title"] = seat.scenario.title
        session.team = seat
        app = make_app(session)
        local = rd.local_rounds(fac)

        async def shown(pilot) -> str:
            app._workshop_strips.poll()
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            [strip] = app.screen.query(SessionStrip)
            return str(strip.render())

        async def go():
            async with app.run_test(size=(120, 32)) as pilot:
                await pilot.pause()
                fac.reload()
                local.start(fac._row, 5.0, None)
                local.broadcast(fac._row, "Setup closes at 10:15")
                text = await shown(pilot)
                assert "setup: 4:" in text or "setup: 5:00" in text
                assert "HOLD at week 1" in text and "Message: Setup closes at 10:15" in text

        asyncio.run(go())
        # the signal, once a shift with one has reached the team (through the server)
        fac.release()
        state = seat.resume()
        for d in steps():
            state = seat.step(state, d)
            if state.week >= 1:
                break
        fac.shift("cfo", {"cost": 100}, signal="Marcus: cost is all that matters now")
        state = seat.step(state, EndWeek())
        got = rd.seat_state(seat, state)
        assert got["signal"] == "Marcus: cost is all that matters now"
        assert got["broadcast"]["text"] == "Setup closes at 10:15"


def test_the_board_shows_the_countdown_and_who_has_submitted(klass):
    from simulator.workshop.board import BoardApp

    info, key, fac, _, _ = klass
    alpha = ws.join(info.code, "Alpha")
    ws.join(info.code, "Beta")
    app = BoardApp(fac, interval=60)

    async def settle(pilot):
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()

    async def go():
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("t")
            await pilot.press(*"5", "enter")
            await settle(pilot)
            assert fac.reload().hold_week == 1
            await pilot.press("m")
            await pilot.press(*"Start now", "enter")
            await settle(pilot)
            recap = str(app.query_one("#recap").render())
            assert "Round setup" in recap and "submitted 0/2" in recap
            assert "still playing: Alpha, Beta" in recap and "Message: Start now" in recap
            badges = str(app.query_one("#badges").render())
            assert "setup 4:" in badges or "setup 5:00" in badges
            state = alpha.resume()
            for d in steps():
                state = alpha.step(state, d)
                if state.week >= 1:
                    break
            app.refresh_board()
            await settle(pilot)
            recap = str(app.query_one("#recap").render())
            assert "submitted 1/2: Alpha" in recap and "still playing: Beta" in recap
            await pilot.press("t")
            await pilot.press("0", "enter")
            await settle(pilot)
            assert rd.Rounds(fac.store).view(fac.id)["round"] is None

    asyncio.run(go())
