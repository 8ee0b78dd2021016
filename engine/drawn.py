"""Draws supplied from elsewhere: a game whose seed another process keeps.

A workshop player's client never holds the session's seed. The server sends the draws the
team's game has used so far (the counter-based streams of engine.rng, as plain numbers),
and the client's game reads them from a `Draws` table instead of computing them. A draw
the table lacks raises `Undrawn`: it never falls back to some other seed. The outcome's
luck is the one draw a game reads before it needs it (every trace carries it): it reads
NaN until the deal has closed and the server has sent it.
"""

from __future__ import annotations

import math

import numpy as np

from engine import rng
from engine.compiled import Compiled

PLACEHOLDER = {rng.OUTCOME: math.nan}  # read before it decides anything (see the docstring)
SEALED = -1  # a sealed game's `seed`: no stream accepts it, so a stray use fails loudly


class Undrawn(RuntimeError):
    """A draw a sealed game needed that its supplier has not sent."""


class Draws:
    """The draws one game may read: stream -> counter index -> uniform value."""

    def __init__(self, table: dict[int, dict[int, float]] | None = None):
        self.table: dict[int, dict[int, float]] = {}
        if table:
            self.update(table)

    def update(self, table: dict) -> None:
        """Add draws (a JSON-shaped table: stream and index may be strings). The values of
        a counter-based stream never change, so a later table only adds to this one."""
        for stream, draws in table.items():
            got = self.table.setdefault(int(stream), {})
            for index, value in draws.items():
                got[int(index)] = float(value)

    def as_json(self) -> dict[str, dict[str, float]]:
        return {str(s): {str(i): v for i, v in d.items()} for s, d in self.table.items()}

    def uniform(self, stream: int, index, size: int) -> np.ndarray:
        """What rng.uniform gives for `size` games of this one seed."""
        index = np.asarray(index)
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


def used_draws(c: Compiled, seed: int, week: int, over: bool) -> dict[str, dict[str, float]]:
    """The draws a game of seed `seed` has used once it reached `week` (ended, if `over`),
    as a JSON table for `Draws.update`: the events and deliveries of every week started,
    the team's fixed view noise, and the outcome's luck once the deal has closed.

    Nothing of a week not yet started is in it, so a team that finishes early learns
    nothing of the weeks the other teams of its session have still to play. The index
    layout is engine.rules' (start_week, trace) and engine.observe's (_guess, stance_blur).
    """
    seeds = np.asarray([rng.validate_seed(seed)], np.uint64)
    E, M, S, K, W = len(c.events), len(c.members), len(c.stakeholders), len(c.dims), c.weeks
    weeks = np.arange(1, week + 1)
    wanted = {
        rng.EVENTS: (weeks[:, None] * E + np.arange(E)).reshape(-1),
        rng.DELIVERY: (weeks[:, None] * M + np.arange(M)).reshape(-1),
        rng.NOISE: np.concatenate(
            [np.arange(S * K), (10_000 + np.arange(W + 1)[:, None] * 64 + np.arange(S)).ravel()]
        ),
    }
    if over:
        wanted[rng.OUTCOME] = np.zeros(1, np.int64)
    out = {}
    for stream, index in wanted.items():
        index = index.astype(np.uint64)
        values = rng.uniform(seeds, stream, index)[0] if len(index) else np.zeros(0)
        out[str(stream)] = {str(int(i)): float(v) for i, v in zip(index, values, strict=True)}
    return out
