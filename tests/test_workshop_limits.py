"""Guessing limits on the workshop server: wrong team passcodes and facilitator keys count
per seat or session and per client address; past the limit the server answers
workshop.rate (429, Retry-After) without checking, while whoever already holds the seat
or the key from their address plays on."""

import http.client
import json

import pytest
from support.server import Running

from simulator.workshop import seats
from simulator.workshop import session as ws
from simulator.workshop.limits import Guard, RateLimited

TEAM = "/api/v1/sessions/{code}/team/log"
BOARD = "/api/v1/sessions/{code}/board"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_guard_counts_per_target_and_per_address_over_a_window():
    clock = Clock()
    guard = Guard(per_target=3, per_address=5, window=60, clock=clock)
    seat, other = ("team", "ABC", "blue"), ("team", "ABC", "red")
    guard.succeeded("10.0.0.1", seat, "RIGHT")
    for _ in range(3):
        guard.check("10.0.0.66", seat, "WRONG")
        guard.failed("10.0.0.66", seat)
    with pytest.raises(RateLimited) as exc:
        guard.check("10.0.0.77", seat, "RIGHT")  # the seat is locked, right or wrong...
    assert exc.value.codes == ["workshop.rate"] and 1 <= exc.value.retry_after <= 60
    with pytest.raises(RateLimited):
        guard.check("10.0.0.1", seat, "WRONG")  # ...even from the seat holder's address
    guard.check("10.0.0.1", seat, "RIGHT")  # the passcode accepted there keeps working
    for _ in range(2):
        guard.failed("10.0.0.66", other)
    with pytest.raises(RateLimited):
        guard.check("10.0.0.66", ("team", "ABC", "green"))  # the address is past its limit
    guard.check("10.0.0.77", ("team", "ABC", "green"))
    clock.now += 61
    guard.check("10.0.0.66", seat)  # the window has passed


def _request(url, method, path, headers, body=None):
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    resp = conn.getresponse()
    out = resp.status, json.loads(resp.read() or b"{}"), resp.getheader("Retry-After")
    conn.close()
    return out


@pytest.fixture
def limited(home):
    """A class on a server behind a "proxy" (loopback, trusted), so each test client can
    have its own address in X-Forwarded-For; limits 4 per target and 6 per address."""
    from simulator.workshop.server import build_app

    info, key = ws.create_session("northwind-new-logo", seed=2)
    blue = seats.join(info.code, "Blue", announce=False)
    red = seats.join(info.code, "Red", announce=False)

    def make(url):
        guard = Guard(per_target=4, per_address=6)
        return build_app(None, guard=guard, trusted_proxies=("127.0.0.1",))

    with Running(make) as url:
        yield info, key, url, {"Blue": blue.passcode, "Red": red.passcode}


def _as_team(url, code, addr, team, passcode):
    headers = {"X-Forwarded-For": addr, "X-Dealcraft-Team": team}
    headers["Authorization"] = f"Bearer {passcode}"
    return _request(url, "GET", TEAM.format(code=code), headers)


def test_wrong_passcodes_lock_the_seat_but_not_its_team(limited):
    info, _, url, passcodes = limited
    right = passcodes["Blue"]
    assert _as_team(url, info.code, "10.0.0.1", "Blue", right)[0] == 200  # Blue plays
    for k in range(4):
        status, answer, _ = _as_team(url, info.code, "10.0.0.66", "Blue", f"WRONG-{k}")
        assert status == 403 and answer["problems"][0]["code"] == "workshop.seat"
    status, answer, retry = _as_team(url, info.code, "10.0.0.77", "Blue", right)
    assert status == 429 and answer["problems"][0]["code"] == "workshop.rate"
    assert int(retry) > 0  # even the right passcode is not checked now...
    body = {"team": "Blue", "passcode": right}
    status, answer, _ = _request(
        url, "POST", f"/api/v1/sessions/{info.code}/join", {"X-Forwarded-For": "10.0.0.78"}, body
    )
    assert status == 429  # ...nor a join with it
    assert _as_team(url, info.code, "10.0.0.1", "Blue", right)[0] == 200  # Blue plays on
    assert _as_team(url, info.code, "10.0.0.77", "Red", passcodes["Red"])[0] == 200


def test_an_address_guessing_at_many_seats_is_stopped(limited):
    info, _, url, passcodes = limited
    for team in ("Blue", "Red", "Blue", "Red", "Blue", "Red"):
        assert _as_team(url, info.code, "10.0.0.66", team, "WRONG")[0] == 403
    status, answer, _ = _as_team(url, info.code, "10.0.0.66", "Red", passcodes["Red"])
    assert status == 429 and answer["problems"][0]["code"] == "workshop.rate"
    assert _as_team(url, info.code, "10.0.0.5", "Red", passcodes["Red"])[0] == 200


def test_wrong_facilitator_keys_lock_the_session_key(limited):
    info, key, url, _ = limited

    def board(addr, k):
        headers = {"X-Forwarded-For": addr, "Authorization": f"Facilitator {k}"}
        return _request(url, "GET", BOARD.format(code=info.code), headers)

    assert board("10.0.0.1", key)[0] == 200  # the facilitator's board
    for k in range(4):
        status, answer, _ = board("10.0.0.66", f"guess-{k}")
        assert status == 403 and answer["problems"][0]["code"] == "workshop.key"
    status, answer, retry = board("10.0.0.77", key)
    assert status == 429 and answer["problems"][0]["code"] == "workshop.rate" and int(retry) > 0
    assert board("10.0.0.1", key)[0] == 200  # the facilitator is not locked out


def test_an_untrusted_peer_cannot_choose_its_address(home):
    """Without --trusted-proxy, X-Forwarded-For is ignored: a guesser cannot spread its
    guesses over made-up addresses."""
    from simulator.workshop.server import build_app

    info, _ = ws.create_session("northwind-new-logo", seed=2)
    blue = seats.join(info.code, "Blue", announce=False)
    with Running(lambda url: build_app(None, guard=Guard(per_target=50, per_address=3))) as url:
        for k in range(3):
            assert _as_team(url, info.code, f"10.0.1.{k}", "Blue", "WRONG")[0] == 403
        assert _as_team(url, info.code, "10.0.9.9", "Blue", blue.passcode)[0] == 429
