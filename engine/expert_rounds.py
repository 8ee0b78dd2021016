"""The expert's picks of a week, game by game, compiled with numba when the batch is large.

Each of the week's rounds, every member takes the valid action worth most (the earliest
on a tie) if it is worth more than 0.02; a cadence bonus (an account review, a coaching
session, a penalty's avoidance) goes to the first member who takes it, and the later
members who took it choose again without it. Each run is aimed at the target its action
prefers most (the first on a tie). The values and preferences are computed with numpy
by the caller (engine.bots.ExpertPolicy._runs); this only compares and adds them, so the
picks are the same bit for bit compiled or not. A small batch runs the same function as
plain Python, which spares the caller numba's import and compile.
"""

from __future__ import annotations

from functools import cache

import numpy as np

COMPILED_FROM = 64  # games: a smaller batch runs the plain Python function


def rounds(
    base, kinds, bonus, due, allowed, left, a_hours, banned, internal, probing, targetable,
    by_need, by_unknown, act, tgt,
):  # fmt: skip
    """Fill act and tgt (rounds, M, B) with each round's action and target of every member
    (-1 where they do not run). Every array is game-major, for one pass over memory: base
    (B, A) the actions' values; kinds, bonus (K, A) and due (B, K) the cadence bonuses (due
    is cleared as they are taken); allowed (B, M, A); left (B, M) hours left (booked as runs
    are taken); by_need (B, M, S) and by_unknown (B, S) the target preferences of an
    ordinary and a probing action. One function with no helpers, so numba compiles it
    alone."""
    n_rounds, M, B = act.shape
    A, K, S = base.shape[1], due.shape[1], targetable.shape[1]
    v = np.empty(A)
    pick = np.empty(M, np.int64)
    ok = np.empty(M, np.bool_)
    for g in range(B):
        for r in range(n_rounds):
            redo = -1  # -1: every member picks; k: the members after the first to take kind k
            first = M
            while True:
                for a in range(A):  # the values, with the bonuses still due
                    v[a] = base[g, a]
                for k in range(K):
                    if due[g, k]:
                        for a in range(A):
                            v[a] = v[a] + bonus[k, a]
                for m in range(M):
                    if redo >= 0 and not (m > first and ok[m] and kinds[redo, pick[m]]):
                        continue
                    best = -1  # the valid action worth most, the earliest on a tie
                    for a in range(A):
                        if allowed[g, m, a] and left[g, m] >= a_hours[a] and not banned[a]:
                            if best < 0 or v[a] > v[best]:
                                best = a
                    pick[m] = best
                    ok[m] = best >= 0 and v[best] > 0.02
                redo += 1  # the next kind whose bonus is due and taken
                while redo < K:
                    if due[g, redo]:
                        first = M
                        for m in range(M):
                            if ok[m] and kinds[redo, pick[m]]:
                                first = m
                                break
                        if first < M:
                            due[g, redo] = False
                            break
                    redo += 1
                if redo >= K:
                    break
            for m in range(M):
                if not ok[m]:
                    continue
                a = pick[m]
                act[r, m, g] = a
                left[g, m] -= a_hours[a]
                if internal[a]:
                    continue
                best, top = 0, -np.inf  # the target it prefers most, the first on a tie
                for s in range(S):
                    if not targetable[a, s]:
                        x = -1.0
                    elif probing[a]:
                        x = by_unknown[g, s]
                    else:
                        x = by_need[g, m, s]
                    if x > top:
                        best, top = s, x
                tgt[r, m, g] = best


@cache
def _compiled():
    """`rounds` compiled (numba, cached on disk), or the plain function without numba."""
    try:
        from numba import njit
    except ImportError:  # pragma: no cover - numba is a dependency
        return rounds
    return njit(cache=True, nogil=True)(rounds)


def run(size: int, *args) -> None:
    """`rounds(*args)`, compiled for a batch of `size` games from COMPILED_FROM on."""
    (_compiled() if size >= COMPILED_FROM else rounds)(*args)
