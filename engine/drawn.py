"""Draws supplied from elsewhere: a game whose seed another process keeps.

A workshop player's client never holds the session's seed. The server sends what the
team's game needs of its draws, and the client's game reads them from a `Draws` table
instead of computing them from a seed (engine.rng):

- the event and delivery draws of every week started, each as a stand-in that compares
  with every threshold the rules can hold it against exactly as the draw does (the
  event's probability, the under-delivery chances), so it decides the same and says
  next to nothing else about the seed;
- the outcome's luck once the deal has closed, the same way against the game's final
  win chance (before that it reads NaN: every trace carries it, nothing uses it);
- the team's view noise (its guess of priorities, the blur of stance readings), drawn
  from a view key: a one-way hash of the seed, so the noise cannot be inverted to it.

A draw the table lacks raises `Undrawn`: a sealed game never draws from some other seed.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from engine import rng
from engine.compiled import CHECKLIST, Compiled

PLACEHOLDER = {rng.OUTCOME: math.nan}  # read before it decides anything (the docstring)
SEALED = -1  # a sealed game's `seed`: no stream accepts it, so a stray use fails loudly


class Undrawn(RuntimeError):
    """A draw a sealed game needed that its supplier has not sent."""


class Draws:
    """The draws one game may read: stream -> counter index -> uniform value."""

    def __init__(self, table: dict | None = None):
        self.table: dict[int, dict[int, float]] = {}
        self.view_key: int | None = None  # the view noise's key (see the module docstring)
        if table:
            self.update(table)

    def update(self, table: dict) -> None:
        """Add draws (a JSON-shaped table, as `used_draws` makes it: stream and index may be
        strings; "view" is the view key). A counter-based stream never changes, so a later
        table only adds to this one."""
        for stream, draws in table.items():
            if stream == "view":
                self.view_key = int(draws)
                continue
            got = self.table.setdefault(int(stream), {})
            for index, value in draws.items():
                got[int(index)] = float(value)

    def uniform(self, stream: int, index, size: int) -> np.ndarray:
        """What rng.uniform gives for `size` games of this one seed."""
        index = np.asarray(index)
        if int(stream) == rng.NOISE and self.view_key is not None:
            keys = np.full(size, self.view_key, np.uint64)
            return rng.uniform(keys, stream, index.astype(np.uint64))
        got = self.table.get(int(stream), {})
        fallback = PLACEHOLDER.get(int(stream))
        flat = []
        for i in index.reshape(-1).tolist():
            value = got.get(int(i), fallback)
            if value is None:
                raise Undrawn(f"draw {i} of stream {stream} was not supplied to this game")
            flat.append(value)
        values = np.asarray(flat, dtype=np.float64).reshape(index.shape)
        return np.broadcast_to(values, (size, *index.shape)).copy()


class SealedSeed(int):
    """A sealed game's seed: the int SEALED for everything that only reads or prints it,
    carrying the game's `Draws` for `engine.state.new_game`."""

    draws: Draws
    supplier: object  # where the seed is: what needs the whole game (simulator.coach asks)

    def __new__(cls, draws: Draws, supplier: object = None) -> SealedSeed:
        out = super().__new__(cls, SEALED)
        out.draws, out.supplier = draws, supplier
        return out

    def __repr__(self) -> str:
        return "SealedSeed()"

    def __str__(self) -> str:
        return "sealed"  # what a screen shows for it; JSON writes the number

    def seeds(self) -> SealedSeeds:
        """The (1,) seeds array a sealed game's Batch carries (rng.uniform reads `draws`)."""
        out = np.zeros(1, np.uint64).view(SealedSeeds)
        out.draws = self.draws
        return out


class SealedSeeds(np.ndarray):
    """A Batch's seeds (zeros) that send every draw to `draws` (kept by slices and views)."""

    draws: Draws | None

    def __array_finalize__(self, obj) -> None:
        self.draws = getattr(obj, "draws", None)


def is_sealed(seed: object) -> bool:
    return isinstance(seed, SealedSeed)


def view_key(seed: int) -> int:
    """The key of a sealed game's view noise: a one-way hash of the seed (BLAKE2b)."""
    digest = hashlib.blake2b(str(int(seed)).encode(), digest_size=8, person=b"dealcraft-view")
    return int.from_bytes(digest.digest(), "little")


def stand_in(draws: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """For each draw u, a value v with (v < t) == (u < t) for every threshold t: the
    largest threshold not above u, else 0. It decides exactly what u decides there."""
    t = np.asarray(thresholds, np.float64).reshape(-1)
    below = np.where(t[None, :] <= draws.reshape(-1, 1), t[None, :], 0.0)
    return below.max(1, initial=0.0).reshape(draws.shape)


def used_draws(
    c: Compiled, seed: int, week: int, win_chance: float | None = None, exact: bool = False
) -> dict:
    """What a sealed game of seed `seed` needs once it reached `week`, as a JSON table for
    `Draws.update`: the events and deliveries of every week started, as stand-ins for the
    thresholds engine.rules compares them with (start_week), the view key (engine.observe's
    _guess and stance_blur) and, with the closed deal's `win_chance`, the outcome's luck
    (trace). `exact`: the draws themselves and the seed as view key, for the server's own
    sealed copies (sealed.coaching_of), which replay other games with the same draws.

    Nothing of a week not yet started is in it, so a team that finishes early learns
    nothing of the weeks the other teams of its session have still to play.
    """
    if isinstance(win_chance, bool):
        raise TypeError("win_chance is the closed deal's win probability, not a flag")
    seeds = np.asarray([rng.validate_seed(seed)], np.uint64)
    E, M = len(c.events), len(c.members)
    weeks = np.arange(1, week + 1)
    skips = c.rules.underdeliver_base + c.rules.underdeliver_per_skip * np.arange(
        len(CHECKLIST) + 1
    )
    wanted = {
        rng.EVENTS: ((weeks[:, None] * E + np.arange(E)).reshape(-1), np.tile(c.e_prob, week)),
        rng.DELIVERY: ((weeks[:, None] * M + np.arange(M)).reshape(-1), None),
    }
    if win_chance is not None:
        wanted[rng.OUTCOME] = (np.zeros(1, np.int64), None)
    out: dict = {"view": int(seed) if exact else view_key(seed)}
    for stream, (index, per_draw) in wanted.items():
        index = index.astype(np.uint64)
        values = rng.uniform(seeds, stream, index)[0] if len(index) else np.zeros(0)
        if not exact and stream == rng.EVENTS:
            values = np.where(values < per_draw, 0.0, per_draw)
        elif not exact and stream == rng.DELIVERY:
            values = stand_in(values, skips)
        elif not exact and stream == rng.OUTCOME:
            values = stand_in(values, np.array([win_chance]))
        out[str(stream)] = {str(int(i)): float(v) for i, v in zip(index, values, strict=True)}
    return out
