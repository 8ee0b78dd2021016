"""Seeded randomness that is identical for a game alone or inside a batch.

The rules draw nothing from a stateful generator: the batch simulator needs
the same numbers for 100,000 games without building 100,000 generators, so a
game alone and a game in a batch draw from the same counter-based stream:
uniform(seed, stream, index) is a pure function (SplitMix64 finaliser over the
three integers). Same seed, same draws, in any
batch size and in any order.
"""

from __future__ import annotations

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_OFFSET = np.uint64(0x632BE59BD9B4E019)

# Named streams, so adding a new kind of draw never shifts the others.
EVENTS = 1
DELIVERY = 2
NOISE = 3
OUTCOME = 4
POLICY = 5

SEED_MAX = 2**64 - 1  # seeds are uint64 counters' keys: 0..2**64-1


def validate_seed(seed: object, upper: int = SEED_MAX) -> int:
    """`seed` as a Python int, checked where it enters (as Gymnasium's `np_random` checks
    its seed): a whole number (an int or a numpy integer, never a bool or a float) in
    0..upper. `upper` may only narrow the range, for a store that holds less (the
    workshop's signed 64-bit column). Raises TypeError or ValueError, never OverflowError
    deep inside numpy."""
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, int | np.integer):
        raise TypeError(f"a seed must be a whole number, not {type(seed).__name__}")
    seed = int(seed)
    top = min(int(upper), SEED_MAX)
    if not 0 <= seed <= top:
        raise ValueError(f"a seed must lie in 0..{top}, not {seed}")
    return seed


def spawn_seeds(seed: int, n: int) -> list[int]:
    """`n` independent 64-bit seeds for the parts of one run (the chunks of a batch):
    child k of `numpy.random.SeedSequence(seed).spawn(n)`, as its first 64-bit word of
    state. Child k depends only on `seed` and k (never on n), and runs with neighbouring
    seeds share no streams, which `seed + k` did."""
    root = np.random.SeedSequence(validate_seed(seed))
    return [int(child.generate_state(1, np.uint64)[0]) for child in root.spawn(n)]


def _mix(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


def uniform(seeds: np.ndarray, stream: int, index: np.ndarray) -> np.ndarray:
    """Uniform [0, 1) draws for each seed (leading axis) at each counter index,
    in batch-last memory (see engine.arrays). A sealed game's seeds (engine.drawn) carry
    the draws its supplier sent instead."""
    supplied = getattr(seeds, "draws", None)
    if supplied is not None:
        return supplied.uniform(stream, index, len(seeds))
    seeds = np.asarray(seeds, dtype=np.uint64)
    index = np.asarray(index, dtype=np.uint64)
    with np.errstate(over="ignore"):
        key = _mix(seeds * _GOLDEN + np.uint64(stream) * _M2)
        counter = index.reshape(index.shape + (1,) * seeds.ndim) * _GOLDEN
        x = _mix(key ^ (counter + _OFFSET))
    u = (x >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))
    return np.moveaxis(u, tuple(range(index.ndim)), tuple(range(-index.ndim, 0)))


def uniform_rows(seeds: np.ndarray, stream: int, index: np.ndarray) -> np.ndarray:
    """uniform(seeds, stream, index) for a 1-d index as (len(index), B) rows (its memory
    order), computed in one compiled pass (engine.kernels.splitmix); the same bits."""
    if getattr(seeds, "draws", None) is not None:
        return np.ascontiguousarray(uniform(seeds, stream, index).T)
    from engine import kernels

    seeds = np.ascontiguousarray(seeds, dtype=np.uint64)
    index = np.ascontiguousarray(index, dtype=np.uint64)
    constants = (_M1, _M2, _GOLDEN, _OFFSET)
    return kernels.splitmix(seeds, stream, index, constants)


def generator(seed: int) -> np.random.Generator:
    """A bot's own Generator (PCG64, as Gymnasium seeds), for choices outside the shared streams."""
    return np.random.Generator(np.random.PCG64(int(seed) & (2**64 - 1)))
