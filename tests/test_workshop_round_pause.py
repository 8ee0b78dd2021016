"""A pause stops a round's clock: while the session is paused the time left stands still,
and the resume moves the deadline on by the pause's length. The clock is injected (no
test waits); the pause and the resume may come through different servers on one
database, and a second resume gives nothing back twice."""

import pytest
from sqlalchemy import text
from support.keys import key_args
from support.server import Running, workshop_app
from support.workshop import Clock, bare_session, call

from simulator.cli import main
from simulator.workshop import rounds as rd
from simulator.workshop import store as st
from simulator.workshop.authority import Authority


@pytest.fixture
def klass(workshop_class_each_db):
    info, key, fac = workshop_class_each_db
    clock = Clock()
    auth = Authority(clock=clock)
    rd.round_act(auth, info.code, key, "start", {"minutes": 2})
    return info, key, fac, auth, clock


def left(auth, code):
    return auth.status(code)["round"]["remaining_s"]


def test_a_pause_stops_the_round_clock_and_the_resume_gives_the_time_back(klass):
    info, key, fac, auth, clock = klass
    clock.now += 30
    auth.act(info.code, key, "pause", {})
    clock.now += 600  # a ten-minute pause, far longer than the round
    status = auth.status(info.code)
    assert status["paused"] and status["round"]["paused"]
    assert status["round"]["remaining_s"] == pytest.approx(90)
    assert auth.tick() == 0 and fac.reload().hold_week == 1
    deadline = status["round"]["deadline"]
    auth.act(info.code, key, "resume", {})
    status = auth.status(info.code)
    assert not status["round"]["paused"] and status["round"]["deadline"] == deadline + 600
    assert left(auth, info.code) == pytest.approx(90)
    clock.now += 89
    assert auth.tick() == 0 and fac.reload().hold_week == 1
    clock.now += 2
    assert auth.tick() == 1 and fac.reload().hold_week == 2
    notes = [a["text"] for a in fac.store.activity(fac.id)]
    assert "workshop resumed (the round gets 10:00 back)" in notes


def test_pause_on_one_server_resume_on_another_gives_the_time_back_once(klass):
    info, key, fac, a, clock = klass
    b = Authority(clock=clock)  # a second server on the same database
    clock.now += 60
    a.act(info.code, key, "pause", {})
    clock.now += 300
    assert left(b, info.code) == pytest.approx(60)  # B sees A's pause
    b.act(info.code, key, "resume", {})
    clock.now += 10
    a.act(info.code, key, "resume", {})  # resumed already: nothing is added again
    assert a.status(info.code)["round"]["deadline"] == 1_000_000.0 + 120 + 300
    assert left(a, info.code) == pytest.approx(50)
    clock.now += 49
    assert a.tick() + b.tick() == 0
    clock.now += 2
    assert a.tick() + b.tick() == 1 and fac.reload().hold_week == 2


def test_a_round_started_during_a_pause_waits_for_the_resume(klass):
    info, key, fac, auth, clock = klass
    auth.act(info.code, key, "pause", {})
    rd.round_act(auth, info.code, key, "start", {"minutes": 1, "week": 3})
    clock.now += 500
    assert left(auth, info.code) == pytest.approx(60)
    auth.act(info.code, key, "resume", {})
    clock.now += 59
    assert auth.tick() == 0
    clock.now += 2
    assert auth.tick() == 1 and fac.reload().hold_week == 5


def _status(url, code):
    return call(url, "GET", f"/api/v1/sessions/{code}/status")[1]


def test_pause_and_resume_through_two_real_servers(klass, capsys):
    """The facilitator's commands through server A and B (HTTP, the servers' clock set by
    the test): the public status of both shows the stopped clock, then the time back."""
    info, key, fac, _, clock = klass
    made = workshop_app()

    def make(url):
        from simulator.workshop.server import AUTHORITY

        app = made(url)
        app[AUTHORITY].clock = clock
        return app

    with Running(make) as a, Running(make) as b:
        clock.now += 45
        assert main(["workshop", "pause", info.code, *key_args(key), "--server", a]) == 0
        clock.now += 120
        for url in (a, b):
            rnd = _status(url, info.code)["round"]
            assert rnd["paused"] and rnd["remaining_s"] == pytest.approx(75)
        assert main(["workshop", "resume", info.code, *key_args(key), "--server", b]) == 0
        clock.now += 15
        for url in (a, b):
            rnd = _status(url, info.code)["round"]
            assert not rnd["paused"] and rnd["remaining_s"] == pytest.approx(60)
    capsys.readouterr()


def test_a_version_5_store_gains_the_paused_clock(store_url):
    s = st.Store(store_url)
    s.write(lambda c: c.execute(text("ALTER TABLE rounds DROP COLUMN paused_at")))
    s.write(lambda c: c.execute(text("UPDATE schema_version SET version = 5")))
    s.close()
    s = st.Store(store_url)  # opening migrates
    version = s.read(lambda c: c.execute(text("SELECT version FROM schema_version")).scalar())
    assert version == st.SCHEMA_VERSION == 6
    sid = bare_session(s, "OLD567")
    rs = st.RoundStore(s)
    rs.start(sid, 0, 1.0, 100.0)
    assert rs.set_paused(sid, True, 110.0) == 0.0
    assert rs.set_paused(sid, True, 120.0) is None  # paused already
    assert rs.set_paused(sid, False, 150.0) == 40.0
    assert rs.state(sid)[1]["deadline"] == 200.0
    s.close()
