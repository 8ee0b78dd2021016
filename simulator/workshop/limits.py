"""Guessing limits for the workshop server: wrong team passcodes and facilitator keys.

Every refused passcode (workshop.seat) or key (workshop.key) counts against the seat or
session it was aimed at and against the client address it came from, over a sliding
window. Past a limit the server stops checking: the request is refused with
`workshop.rate` (HTTP 429, Retry-After) before any secret is compared, so a locked
target answers the same to a right and a wrong guess. The one exception keeps a class
playing while someone guesses: a passcode or key the server already accepted from an
address keeps working from that address (only a digest of it is kept, in memory).

The counts live in the server process: with several servers behind one load balancer
each counts on its own (an attacker gets at most that many times the rate).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable

from engine.problems import InputError

WINDOW_S = 600.0  # failures are remembered this long
PER_TARGET = 10  # wrong guesses at one team seat or one session's key per window
PER_ADDRESS = 30  # wrong guesses from one client address per window (all targets)
MAX_TRACKED = 50_000  # addresses, targets and good pairs kept before the oldest are dropped
GUARDED = ("workshop.seat", "workshop.key")


class Guard:
    """Sliding-window counts of wrong guesses per target and per client address."""

    def __init__(
        self,
        per_target: int = PER_TARGET,
        per_address: int = PER_ADDRESS,
        window: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.per_target, self.per_address, self.window = per_target, per_address, window
        self._clock = clock
        self._fails: dict[tuple, deque[float]] = {}
        self._good: dict[tuple, float] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple, now: float) -> deque[float]:
        times = self._fails.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._fails[key]
        return times

    def check(self, address: str, target: tuple, secret: str = "") -> None:
        """Refuse (workshop.rate) when `target` or `address` is past its limit, unless
        `secret` was already accepted for the target from this address."""
        now = self._clock()
        with self._lock:
            if secret and (target, address, _digest(secret)) in self._good:
                return
            for key, limit, what in (
                (("target", target), self.per_target, _describe(target)),
                (("address", address), self.per_address, "from your address"),
            ):
                times = self._recent(key, now)
                if len(times) >= limit:
                    wait = max(1, int(times[0] + self.window - now + 0.999))
                    raise RateLimited(wait, what)

    def failed(self, address: str, target: tuple) -> None:
        now = self._clock()
        with self._lock:
            self._trim(now)
            for key in (("target", target), ("address", address)):
                self._fails.setdefault(key, deque()).append(now)

    def succeeded(self, address: str, target: tuple, secret: str = "") -> None:
        if not secret:  # a first join: nothing to remember
            return
        with self._lock:
            self._trim(self._clock())
            self._good[(target, address, _digest(secret))] = self._clock()

    def _trim(self, now: float) -> None:
        if len(self._fails) > MAX_TRACKED:
            for key in list(self._fails):
                self._recent(key, now)
        if len(self._fails) > MAX_TRACKED:
            self._fails.clear()
        if len(self._good) > MAX_TRACKED:
            oldest = sorted(self._good, key=self._good.get)[: len(self._good) // 2]
            for key in oldest:
                del self._good[key]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.strip().encode()).hexdigest()


def _describe(target: tuple) -> str:
    if target[0] == "key":
        return f"at the facilitator key of session {target[1]}"
    return f"at the passcode of team '{target[2]}' in session {target[1]}"


class RateLimited(InputError):
    """Too many wrong guesses: `retry_after` seconds until the next one is checked."""

    def __init__(self, retry_after: int, what: str):
        from engine.problems import Problem

        msg = f"too many wrong guesses {what}; the server checks none for {retry_after} s"
        super().__init__([Problem("workshop", 1, 1, "error", msg, "workshop.rate")])
        self.retry_after = retry_after
