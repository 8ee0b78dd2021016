"""The expert's week of runs, game by game, compiled with numba when the batch is large.

Each action's value to a game is its discovery, its progress on the open milestones, its
stance gain on whoever needs it most and its competition, per hour. In each of the
week's rounds every member takes the valid action worth most (the earliest on a tie) if
it is worth more than 0.02; a cadence bonus (an account review, a coaching session, a
penalty's avoidance) goes to the first member who takes it, and the later members who
took it choose again without it. Each run is aimed at the target its action prefers most
(the first on a tie). The arithmetic is numpy's, operation for operation, with no fused
or reordered operations (numba's default), so the picks are the same bit for bit
compiled or not. A small batch runs the same function as plain Python, which spares the
caller numba's import and compile.
"""

from __future__ import annotations

from functools import cache

import numpy as np

COMPILED_FROM = 16  # games: a smaller batch (a single game, a workshop bot) runs plain Python


def rounds(actions, need, unknown, learning, open_ms, present, conn, allowed, left, due, n_rounds):
    """The week's runs as rows (game, action, member, target) of a (4, n) array, round
    after round, member by member, games in order (the order a game's single-game replay
    takes them in). `actions` holds the action tables (ExpertPolicy._runs builds them), in
    the order unpacked below. The games' arrays are game-major, for one pass over memory:
    need and unknown (B, S) the stance still to win and what is left to discover of each
    stakeholder; learning (B,) discovery comes first; open_ms (B, L); present (B, S); conn
    (B, M, S); allowed (B, M, A); left (B, M) hours left (booked as runs are taken); due
    (B, K) the cadence bonuses still due (cleared as they are taken). One function with no
    helpers, so numba compiles it alone."""
    (
        hours, banned, internal, probing, targetable, discovery, progress, effort, stance2,
        competition, per_hour, skip_discovery, kinds, bonus,
    ) = actions  # fmt: skip
    B, M = left.shape
    A, S, L, K = len(hours), targetable.shape[1], progress.shape[1], due.shape[1]
    act = np.full((n_rounds, M, B), -1, np.int64)  # each round's pick of each member
    tgt = np.full((n_rounds, M, B), -1, np.int64)
    cheapest = np.inf
    for a in range(A):
        if not banned[a]:
            cheapest = min(cheapest, hours[a])
    base = np.empty(A)
    v = np.empty(A)
    pick = np.empty(M, np.int64)
    ok = np.empty(M, np.bool_)
    seen = np.empty(M, np.int64)  # each member's last pick (-2: none yet this game)
    seen_at = np.empty(M, np.int64)  # ... and how many bonuses had been taken then
    for g in range(B):
        seen[:] = -2
        changes = 0
        top_unknown = unknown[g, 0]
        for s in range(1, S):
            top_unknown = max(top_unknown, unknown[g, s])
        weight = 18.0 if learning[g] else 6.0
        for a in range(A):
            disc = discovery[a] * top_unknown * weight
            if skip_discovery:
                disc = disc * 0.0
            prog = 0.0
            for j in range(L):
                prog = prog + (1.0 if open_ms[g, j] else 0.0) * progress[a, j]
            prog = prog / effort
            aim = (1.0 if targetable[a, 0] else 0.0) * need[g, 0]
            for s in range(1, S):
                aim = max(aim, (1.0 if targetable[a, s] else 0.0) * need[g, s])
            base[a] = (disc + prog + stance2[a] * aim - competition[a]) * per_hour[a]
        for r in range(n_rounds):
            redo = -1  # -1: every member picks; k: the members after the first to take kind k
            first = M
            while True:
                for a in range(A):  # the values, with the bonuses still due
                    v[a] = base[a]
                for k in range(K):
                    if due[g, k]:
                        for a in range(A):
                            v[a] = v[a] + bonus[k, a]
                for m in range(M):
                    if redo >= 0 and not (m > first and ok[m] and kinds[redo, pick[m]]):
                        continue
                    best = seen[m]  # the last scan's pick holds while the values are
                    stale = seen[m] < -1 or seen_at[m] != changes  # unchanged, if it fits
                    if stale or (best >= 0 and left[g, m] < hours[best]):
                        best = -1  # the valid action worth most, the earliest on a tie
                        for a in range(A if left[g, m] >= cheapest else 0):
                            if allowed[g, m, a] and left[g, m] >= hours[a] and not banned[a]:
                                if best < 0 or v[a] > v[best]:
                                    best = a
                        seen[m], seen_at[m] = best, changes
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
                            changes += 1
                            break
                    redo += 1
                if redo >= K:
                    break
            for m in range(M):
                if not ok[m]:
                    continue
                a = pick[m]
                act[r, m, g] = a
                left[g, m] -= hours[a]
                if internal[a]:
                    continue
                best, top = 0, -np.inf  # the target it prefers most, the first on a tie
                for s in range(S):
                    if not targetable[a, s]:
                        x = -1.0
                    elif not present[g, s]:
                        x = -1.0
                    elif probing[a]:
                        x = unknown[g, s] + 1e-6
                    elif conn[g, m, s]:
                        x = need[g, s] * 1.5 + 1e-6  # half again for m's own connection
                    else:
                        x = need[g, s] + 1e-6
                    if x > top:
                        best, top = s, x
                tgt[r, m, g] = best
    n = 0
    for x in act.reshape(-1):
        n += x >= 0
    out = np.empty((4, n), np.int64)  # g, a, m, s
    k = 0
    for r in range(n_rounds):
        for m in range(M):
            for g in range(B):
                if act[r, m, g] >= 0:
                    out[0, k], out[1, k], out[2, k], out[3, k] = g, act[r, m, g], m, tgt[r, m, g]
                    k += 1
    return out


@cache
def _compiled():
    """`rounds` compiled (numba, cached on disk), or the plain function without numba."""
    try:
        from numba import njit
    except ImportError:  # pragma: no cover - numba is a dependency
        return rounds
    return njit(cache=True, nogil=True)(rounds)


def run(size: int, *args) -> np.ndarray:
    """`rounds(*args)`, compiled for a batch of `size` games from COMPILED_FROM on."""
    return (_compiled() if size >= COMPILED_FROM else rounds)(*args)
