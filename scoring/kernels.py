"""Compiled loops for the score components that cost the most, over trace arrays in
memory order (batch axis last, see engine.arrays), C-contiguous.

Each does the same IEEE operations in the same order as the numpy expressions in
scoring.alignment it stands for (sums over members in index order), without fastmath,
so the scores keep their bits. Imported on first use (see alignment), so importing
scoring costs no compiler.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, error_model="numpy")
def _ratio(num, den):
    """engine.arrays.ratio for one pair: num / den, and 0 where den is 0."""
    empty = den == 0
    return num * (0.0 if empty else 1.0) / (den + (1.0 if empty else 0.0))


@njit(cache=True, nogil=True, error_model="numpy")
def _clip(x, lo, hi):
    """np.clip(x, lo, hi) for one value."""
    return lo if x < lo else (hi if x > hi else x)


@njit(cache=True, nogil=True, error_model="numpy")
def workload(hours, capacity, over_budget):
    """(W, B) alignment.workload, and (W, B) the team's load (its hours over its capacity,
    each summed over members in order, 0 with no capacity: outcome's team load): hours
    and capacity (W, M, B), over_budget (W, B) bool. Two passes over a week's members:
    the sums and each member's load, then the loads' spread about their mean."""
    W, M, B = hours.shape
    out = np.empty((W, B))
    team = np.empty((W, B))
    n = np.empty(B)
    used = np.empty(B)
    spread = np.empty(B)
    spent = np.empty(B)
    given = np.empty(B)
    load = np.empty((M, B))
    for w in range(W):
        for x in range(M):
            for i in range(B):
                h, cap = hours[w, x, i], capacity[w, x, i]
                here = cap > 0
                load[x, i] = _ratio(h, cap)
                share = load[x, i] * (1.0 if here else 0.0)
                if x == 0:
                    spent[i], given[i], n[i], used[i] = h, cap, 0.0, share
                else:
                    spent[i] = spent[i] + h
                    given[i] = given[i] + cap
                    used[i] = used[i] + share
                n[i] += here
        for i in range(B):
            team[w, i] = _ratio(spent[i], given[i])
            used[i] = _ratio(used[i], n[i])  # the mean load
        for x in range(M):
            for i in range(B):
                cap = capacity[w, x, i]
                off = abs(load[x, i] - used[i]) * (1.0 if cap > 0 else 0.0)
                spread[i] = off if x == 0 else spread[i] + off
        for i in range(B):
            s = _ratio(spread[i], n[i])
            balance = _clip(1.0 - 2.0 * s, 0.0, 1.0) * _clip(used[i] / 0.5, 0.0, 1.0)
            out[w, i] = 0.0 if over_budget[w, i] else balance
    return out, team


@njit(cache=True, nogil=True, error_model="numpy")
def role_fit(skill, needs, role, staffed):
    """(W, B) alignment.role_fit: the staffed members' mean fit for their roles (a member
    without a role fits 0). skill (M, Q, B), needs (R, Q), role and staffed (W, M, B).
    With fewer weeks than roles (a team that rarely changes) each member's fit is summed
    for their role alone; otherwise from a table of every member's fit for every role
    (the same products added in the same order either way)."""
    M, Q, B = skill.shape
    R = needs.shape[0]
    W = role.shape[0]
    table = np.empty((M, R if W >= R else 0, B))  # each member's fit for each role
    for x in range(M):
        for r in range(table.shape[1]):
            for i in range(B):
                table[x, r, i] = skill[x, 0, i] * needs[r, 0]
            for q in range(1, Q):
                for i in range(B):
                    table[x, r, i] = table[x, r, i] + skill[x, q, i] * needs[r, q]
    out = np.empty((W, B))
    n = np.empty(B)
    fit = np.empty(B)
    for w in range(W):
        for i in range(B):
            n[i] = 0.0
        for x in range(M):
            if W >= R:
                for i in range(B):
                    fit[i] = table[x, min(max(role[w, x, i], 0), R - 1), i]
            else:
                for i in range(B):
                    fit[i] = skill[x, 0, i] * needs[min(max(role[w, x, i], 0), R - 1), 0]
                for q in range(1, Q):
                    for i in range(B):
                        k = min(max(role[w, x, i], 0), R - 1)
                        fit[i] = fit[i] + skill[x, q, i] * needs[k, q]
            for i in range(B):
                part = (fit[i] if role[w, x, i] >= 0 else 0.0) * (1.0 if staffed[w, x, i] else 0.0)
                out[w, i] = part if x == 0 else out[w, i] + part
                n[i] += staffed[w, x, i]
        for i in range(B):
            out[w, i] = _ratio(out[w, i], n[i])
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def team(role, staffed, r_min, r_max, qb, pair_a, pair_b, pair_w):
    """(W, B) each: alignment's role coverage, quarterbacks (int) and chemistry. role and
    staffed (W, M, B); r_min and r_max (R,); qb the quarterback's role; the declared pairs
    (pair_a, pair_b) with pair_w 2 x their chemistry, in np.nonzero(np.triu(chem, 1))'s
    order (arrays.pair_total adds them so)."""
    W, M, B = role.shape
    R = r_min.shape[0]
    required = 0
    for r in range(R):
        required += r_min[r] > 0
    coverage = np.empty((W, B))
    qbs = np.empty((W, B), np.int64)
    chemistry = np.empty((W, B))
    counts = np.empty((R, B), np.int64)
    n = np.empty(B, np.int64)
    filled = np.empty(B, np.int64)
    over = np.empty(B, np.bool_)
    pairs = np.empty(B)
    for w in range(W):
        counts[:] = 0
        for i in range(B):
            n[i], qbs[w, i], filled[i], over[i], pairs[i] = 0, 0, 0, False, 0.0
        for x in range(M):
            for i in range(B):
                on = staffed[w, x, i]
                n[i] += on
                qbs[w, i] += on & (role[w, x, i] == qb)
            for k in range(R):
                for i in range(B):
                    counts[k, i] += staffed[w, x, i] & (role[w, x, i] == k)
        for k in range(R):
            lo, hi = r_min[k], r_max[k]
            for i in range(B):
                filled[i] += (lo > 0) & (lo <= counts[k, i]) & (counts[k, i] <= hi)
                over[i] |= counts[k, i] > hi
        for p in range(pair_a.shape[0]):
            x, y, v = pair_a[p], pair_b[p], pair_w[p]
            for i in range(B):
                pairs[i] = pairs[i] + v * (1.0 if staffed[w, x, i] & staffed[w, y, i] else 0.0)
        for i in range(B):
            share = filled[i] / max(required, 1)
            coverage[w, i] = share * 0.5 if over[i] else share
            size = float(n[i])
            chemistry[w, i] = _clip(0.5 + _ratio(pairs[i], size * (size - 1.0)), 0.0, 1.0)
    return coverage, qbs, chemistry


@njit(cache=True, nogil=True, error_model="numpy")
def weekly_mean(series, played):
    """(B,) alignment.weekly_mean: each game's series (W, B) times played (W, B) summed over
    the weeks in order, over the number of weeks played (0 with none)."""
    W, B = series.shape
    out = np.empty(B)
    for i in range(B):
        out[i] = 0.0
    n = np.zeros(B)
    for w in range(W):
        for i in range(B):
            part = series[w, i] * (1.0 if played[w, i] else 0.0)
            out[i] = part if w == 0 else out[i] + part
            n[i] += played[w, i]
    for i in range(B):
        out[i] = _ratio(out[i], n[i])
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def last_played(series, played):
    """(N, B) outcome.last_played: each game's series (W, N, B) at its last played week
    (played (W, B)), the first week for a game with none."""
    W, N, B = series.shape
    out = np.empty((N, B), series.dtype)
    for i in range(B):
        last = 0
        for w in range(W):
            last += played[w, i]
        last = max(last - 1, 0)
        for k in range(N):
            out[k, i] = series[last, k, i]
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def _cosine(num, a_sq, b_sq):
    """alignment.cosine's last step: num / sqrt(a_sq x b_sq), 0 where that is 0."""
    den = np.sqrt(a_sq * b_sq)
    return num / den if den > 0 else 0.0


@njit(cache=True, nogil=True, error_model="numpy")
def customer(influence, prio, focus, fresh):
    """The customer's influence-weighted priorities (W, K, B) (stakeholders added in
    order), the cosines (W, B) of the focus and of an even focus with them, and the focus
    score (W, B), alignment.focus_score of the two. influence (W, S, B), prio
    (W, S, K, B), focus (W, K, B); fresh (W,) bool is False for a week whose influence and
    priorities are those of the week before (its weighted priorities are copied, and its
    priorities not read)."""
    W, S, K, B = prio.shape
    out = np.empty((W, K, B))
    focus_cos = np.empty((W, B))
    even_cos = np.empty((W, B))
    earned = np.empty((W, B))
    dot = np.empty(B)
    ff = np.empty(B)
    cc = np.empty(B)
    even = np.empty(B)
    ones = np.empty(B)
    for w in range(W):
        for k in range(K):
            if w > 0 and not fresh[w]:
                for i in range(B):
                    out[w, k, i] = out[w - 1, k, i]
                continue
            for i in range(B):
                out[w, k, i] = influence[w, 0, i] * prio[w, 0, k, i]
            for y in range(1, S):
                for i in range(B):
                    out[w, k, i] = out[w, k, i] + influence[w, y, i] * prio[w, y, k, i]
        for i in range(B):
            c, f = out[w, 0, i], focus[w, 0, i]
            dot[i], ff[i], cc[i], even[i], ones[i] = f * c, f * f, c * c, c, 1.0
        for k in range(1, K):
            for i in range(B):
                c, f = out[w, k, i], focus[w, k, i]
                dot[i] = dot[i] + f * c
                ff[i] = ff[i] + f * f
                cc[i] = cc[i] + c * c
                even[i] = even[i] + c
                ones[i] = ones[i] + 1.0
        for i in range(B):
            fc, ec = _cosine(dot[i], ff[i], cc[i]), _cosine(even[i], ones[i], cc[i])
            focus_cos[w, i], even_cos[w, i] = fc, ec
            earned[w, i] = _clip(_ratio(fc - ec, 1.0 - ec), 0.0, 1.0)
    return out, focus_cos, even_cos, earned


@njit(cache=True, nogil=True, error_model="numpy")
def changed(words, tail):
    """(W,) bool: week w's bytes differ from week w - 1's (False for week 0). words (W, n)
    uint64 and tail (W, t) uint8 hold each week's bytes; a week is compared block by
    block and stops at the first block that differs."""
    W, n = words.shape
    out = np.zeros(W, np.bool_)
    for w in range(1, W):
        diff = 0
        for start in range(0, n, 512):
            for j in range(start, min(start + 512, n)):
                diff |= words[w, j] ^ words[w - 1, j]
            if diff:
                break
        for j in range(tail.shape[1]):
            diff |= tail[w, j] ^ tail[w - 1, j]
        out[w] = diff != 0
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def owner_held(staffed, owner, progress, played, owner_staffed):
    """(L, B) bool, alignment.owner_held: the owner (owner (L, B), -1 for none) is staffed
    at the end (owner_staffed (L, B)) or was staffed (staffed (W, M, B)) in a played week
    (played (W, B)) in which the milestone was complete (progress (W, L, B) >= 1)."""
    W, M, B = staffed.shape
    L = owner.shape[0]
    out = np.empty((L, B), np.bool_)
    for y in range(L):
        for i in range(B):
            held, o = owner_staffed[y, i], owner[y, i]
            if not held and o >= 0:
                for w in range(W):
                    if played[w, i] and progress[w, y, i] >= 1.0 and staffed[w, o, i]:
                        held = True
                        break
            out[y, i] = held
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def connections(conn, fit):
    """(R, S, B) each, for alignment.connections: a member is connected to the stakeholder
    (bool), and the best fit (M, S) of a connected member, 0 for none (conn (R, M, S, B)).
    The fits are at least 0, so starting from 0 the maximum has numpy's bits."""
    R, M, S, B = conn.shape
    covered = np.empty((R, S, B), np.bool_)
    quality = np.empty((R, S, B))
    for r in range(R):
        for y in range(S):
            for i in range(B):
                covered[r, y, i], quality[r, y, i] = False, 0.0
            for x in range(M):
                f = fit[x, y]
                for i in range(B):
                    on = conn[r, x, y, i]
                    q = f if on else 0.0
                    covered[r, y, i] |= on
                    quality[r, y, i] = q if q > quality[r, y, i] else quality[r, y, i]
    return covered, quality


@njit(cache=True, nogil=True, error_model="numpy")
def buying_team(influence, stance, covered, quality, week_run, same_as):
    """(W, B) each: alignment.buying_team's influence coverage, connection fit and weighted
    stance. influence and stance (W, S, B); covered (bool) and quality (R, S, B) for each
    run of weeks with the same connections, week_run (W,) each week's run; week w's
    influence is read from week same_as[w] (an earlier week with the same, still in
    cache). Sums over stakeholders in index order, each product as numpy takes it."""
    W, S, B = influence.shape
    coverage = np.empty((W, B))
    fit = np.empty((W, B))
    weighted = np.empty((W, B))
    whole = np.empty(B)
    linked = np.empty(B)
    good = np.empty(B)
    leaning = np.empty(B)
    for w in range(W):
        r, v = week_run[w], same_as[w]
        for y in range(S):
            for i in range(B):
                inf = influence[v, y, i]
                part = inf * (1.0 if covered[r, y, i] else 0.0)
                fitted = part * quality[r, y, i]
                lean = inf * stance[w, y, i]
                if y == 0:
                    whole[i], linked[i], good[i], leaning[i] = inf, part, fitted, lean
                else:
                    whole[i] = whole[i] + inf
                    linked[i] = linked[i] + part
                    good[i] = good[i] + fitted
                    leaning[i] = leaning[i] + lean
        for i in range(B):
            coverage[w, i] = _ratio(linked[i], whole[i])
            fit[w, i] = _ratio(good[i], linked[i])
            weighted[w, i] = _ratio(leaning[i], whole[i])
    return coverage, fit, weighted
