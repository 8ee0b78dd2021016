"""Batch arrays stored batch-last: the shape leads with the batch axis, the memory ends with it.

Every batch array keeps the shape (B, ...) that the rest of the code reads, but
its memory is laid out with B innermost, as if it were (..., B). numpy then runs
an elementwise op, or a reduction over members or stakeholders, as a few long
contiguous loops over the games instead of B tiny loops over 4 to 10 values,
which is most of what makes the batch simulator fast. numpy keeps the layout
through ufuncs, `where`, `clip`, `np.copy` and `*_like` (but `ndarray.copy()`
gives C order, so use `np.copy`).

Layout never changes a result except in sums: numpy picks the order in which it
adds by layout, so `total` adds in index order instead, and one game (for which
both layouts coincide) and a batch agree bit for bit.
"""

from __future__ import annotations

import numpy as np


def memory(x: np.ndarray) -> np.ndarray:
    """The memory-order view of a batch array: (B, d1, ..., dk) seen as (d1, ..., dk, B)."""
    return x.transpose((*range(1, x.ndim), 0))


def batched(x: np.ndarray) -> np.ndarray:
    """The inverse of `memory`: (d1, ..., dk, B) seen as (B, d1, ..., dk)."""
    return x.transpose((x.ndim - 1, *range(x.ndim - 1)))


def batch_last(x: np.ndarray) -> np.ndarray:
    """x (B, ...) with the same values in batch-last memory (x itself if it already is)."""
    x = np.asarray(x)
    if x.ndim < 2 or len(x) <= 1 or x.strides[0] == x.itemsize:
        return x
    return batched(np.ascontiguousarray(memory(x)))


def zeros(shape: tuple, dtype=float) -> np.ndarray:
    """Zeros of `shape` (batch axis first) in batch-last memory."""
    return batched(np.zeros((*shape[1:], shape[0]), dtype))


def full(shape: tuple, value, dtype=None) -> np.ndarray:
    """`value` everywhere in an array of `shape` in batch-last memory."""
    return batched(np.full((*shape[1:], shape[0]), value, dtype))


def broadcast(x: np.ndarray, size: int) -> np.ndarray:
    """A scenario array (...) repeated for `size` games, as a (size, ...) batch-last array."""
    x = np.asarray(x)
    return batched(np.repeat(x[..., None], size, -1))


def total(x: np.ndarray, axis: int | tuple = -1, keepdims: bool = False) -> np.ndarray:
    """Sum over `axis` adding in index order, so the bits never depend on the memory layout."""
    if axis == -1 and not keepdims and x.shape[-1] > 1:  # the common case, kept cheap
        out = x[..., 0] + x[..., 1]
        for k in range(2, x.shape[-1]):
            out += x[..., k]
        return out
    axes = sorted({a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis)})
    rest = [a for a in range(x.ndim) if a not in axes]
    parts = x.transpose((*axes, *rest))
    if len(axes) > 1:
        parts = parts.reshape((-1, *parts.shape[len(axes) :]))
    if len(parts) == 0:
        out = np.zeros_like(parts, shape=parts.shape[1:])
    else:
        out = np.copy(parts[0]) if len(parts) == 1 else parts[0] + parts[1]
        for k in range(2, len(parts)):
            out += parts[k]
    if keepdims:
        out = np.expand_dims(out, tuple(axes))
    return out


def where(cond, x, y) -> np.ndarray:
    """np.where for batch arrays of equal rank (or scalars), run in memory order, which is
    several times faster than numpy's own pass over batch-last views."""

    def mem(v):
        return memory(v) if np.ndim(v) else v

    return batched(np.where(mem(cond), mem(x), mem(y)))


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den for den >= 0, and 0 where den is 0 (written without numpy's slow masked
    division; where den > 0 the bits are those of num / den)."""
    empty = den == 0
    return num * ~empty / (den + empty)


def pair_total(mask: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(...) sum of weights[i, j] over the ordered pairs i != j with mask[..., i] and
    mask[..., j] both set (weights symmetric, zero diagonal; mask (..., M)). It loops over
    the nonzero pairs, of which a scenario declares a handful."""
    out = np.zeros_like(mask[..., 0], dtype=float)
    for i, j in zip(*np.nonzero(np.triu(weights, 1)), strict=True):
        out += 2.0 * weights[i, j] * (mask[..., i] & mask[..., j])
    return out


def stack(parts: list[np.ndarray]) -> np.ndarray:
    """Stack (B, ...) arrays on a new last axis, in batch-last memory."""
    first = np.asarray(parts[0])
    out = zeros((*first.shape, len(parts)), np.result_type(*parts))
    for k, part in enumerate(parts):
        out[..., k] = part
    return out


def random(gen: np.random.Generator, shape: tuple, dtype=np.float64) -> np.ndarray:
    """gen.random draws for an array of `shape` (batch axis first) in batch-last memory."""
    return batched(gen.random((*shape[1:], shape[0]), dtype))


def take(table: np.ndarray, index: np.ndarray) -> np.ndarray:
    """table[index] for a 1-D table and a batch-last index array, in batch-last memory."""
    index = np.asarray(index)
    if index.ndim < 2:
        return table.take(index)
    return batched(table.take(memory(index)))
