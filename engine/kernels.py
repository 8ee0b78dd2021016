"""Compiled loops for the hot parts of a week, over batch arrays in memory order.

The rules and the random bot call these through `engine.rules` and `engine.bots`; a single
game goes through them too (a batch of one), so there is still one rules code. Each loop
does the same IEEE operations in the same order as the numpy expressions it replaced
(products and sums left to right, sums over runs in run order, over actions in index
order), and numba compiles without fastmath, so the bits are those numpy gave. Arrays are
passed in memory order (batch axis last, see engine.arrays), C-contiguous.

Compiled once per machine and cached beside this file (or in numba's user cache when the
package directory is read-only).
"""

from __future__ import annotations

import numpy as np
from numba import njit

BLOCK = 256  # games per block in `week`: a block's arrays fit in a core's L2 cache


@njit(cache=True, nogil=True, error_model="numpy")
def block_order(g, n_games, block):
    """The runs grouped by block of `block` games, each game's runs in their own order (a
    stable counting sort on g // block): start (n_blocks + 1,) where each block's runs
    begin in `order`, and order the run indices."""
    n_blocks = (n_games + block - 1) // block
    start = np.zeros(n_blocks + 1, np.int64)
    for k in range(len(g)):
        start[g[k] // block + 1] += 1
    for j in range(n_blocks):
        start[j + 1] += start[j]
    pos = start[:-1].copy()
    order = np.empty(len(g), np.int64)
    for k in range(len(g)):
        j = g[k] // block
        order[pos[j]] = k
        pos[j] += 1
    return start, order


@njit(cache=True, nogil=True, error_model="numpy")
def week(g, a, m, s, state, tables, numbers, block):
    """The week's runs and what the team learns from them, a block of games at a time (so
    each run's entries are in cache when it comes; a game's runs keep their order, which
    is all its sums depend on).

    Per block: passive learning (unknown scaled by `keep` where a staffed member holds a
    link) and the team's best knowledge so far; then each run in order: its quality
    (member m's skill fit for action a plus the unskilled base, times under-delivery,
    morale and the team's factor), its hours and effort, and for an aimed run its reach,
    its stance gain (read from what the member knew at the start of the week) and its
    discovery (which only lowers the unknown, so the new value joins the least as it is
    made); then the games that held a review, whose staffed members all know the least.

    state: skill (M, Q, B), weak (M, B) bool, morale (B,), team (B,), conn (M, S, B) bool,
    align (S, B), unknown (M, S, B), hours (M, B), links (M, S, B) bool, staffed (M, B)
    bool. tables: a_skill (A, Q), unskilled (A,), a_hours (A,), stance (A,), reach (2,)
    unconnected/connected, seniority (M, S), discovery (A,), review (A,) bool. numbers:
    under-delivery quality, morale quality floor and scale, unknown pitch, pitch weight
    and cost, discovery cap, keep.
    Returns d_stance (S, B), hours (M, B) after the runs, effort (A, B) the sum of quality
    per action, ran (A, B), unknown (M, S, B) after the week, least (S, B) the team's
    lowest unknown (at most 1) and shared (B,) the games that held a review."""
    skill, weak, morale, team, conn, align, unknown, hours0, links, staffed = state
    M, S, B = unknown.shape
    n_actions = len(tables[2])
    keep = numbers[7]
    d_stance = np.zeros((S, B))
    used = np.zeros(hours0.shape)
    effort = np.zeros((n_actions, B))
    ran = np.zeros((n_actions, B), np.bool_)
    out = np.empty_like(unknown)
    least = np.ones((S, B))
    shared = np.zeros(B, np.bool_)
    start, order = block_order(g, B, block)
    inputs = (skill, weak, morale, team, conn, align, unknown, staffed)
    sums = (d_stance, used, effort, ran, shared, out, least)
    for j in range(len(start) - 1):
        i0, i1 = j * block, min(j * block + block, B)
        _passive(unknown, links, staffed, keep, out, least, i0, i1)
        _runs(g, a, m, s, order[start[j] : start[j + 1]], inputs, tables, numbers, sums)
        _share(out, least, staffed, shared, i0, i1)
    return d_stance, hours0 + used, effort, ran, out, least, shared


@njit(cache=True, nogil=True, error_model="numpy")
def _passive(unknown, links, staffed, keep, out, least, i0, i1):
    """Games i0..i1 of `week`: out = unknown x keep where linked (x 1.0 elsewhere keeps the
    bits), and least the minimum of 1 and the staffed members' values (the same bits as
    the minimum over members of (unknown + 1 if not staffed), capped at 1)."""
    M, S, B = unknown.shape
    for x in range(M):
        here = staffed[x, i0:i1]
        for y in range(S):
            u, linked = unknown[x, y, i0:i1], links[x, y, i0:i1]
            o, lo = out[x, y, i0:i1], least[y, i0:i1]
            for i in range(i1 - i0):
                v = u[i] * (keep if linked[i] else 1.0)
                o[i] = v
                lo[i] = _minimum(lo[i], v if here[i] else 1.0)


@njit(cache=True, nogil=True, error_model="numpy")
def _runs(g, a, m, s, runs, inputs, tables, numbers, sums):
    """The runs `runs` (indices, in order) of `week`. Indices are cast to uint64, which
    spares numba's check for negative (wrap-around) indices on every access."""
    skill, weak, morale, team, conn, align, unknown, staffed = inputs
    a_skill, unskilled, a_hours, stance, reach_table, seniority, discovery, review = tables
    weak_quality, floor, scale, unknown_pitch, pitch_weight, pitch_cost, cap, _ = numbers
    d_stance, used, effort, ran, shared, out, least = sums
    Q = skill.shape[1]
    zero = np.uint64(0)
    for k in runs:
        gk, ak, mk = np.uint64(g[k]), np.uint64(a[k]), np.uint64(m[k])
        fit = skill[mk, zero, gk] * a_skill[ak, zero]
        for q in range(1, Q):
            fit += skill[mk, np.uint64(q), gk] * a_skill[ak, np.uint64(q)]
        qk = fit + unskilled[ak]
        w = weak_quality if weak[mk, gk] else 1.0
        qk = qk * w * (floor + scale * morale[gk]) * team[gk]
        used[mk, gk] += a_hours[ak]
        effort[ak, gk] += qk
        ran[ak, gk] = True
        shared[gk] |= review[ak]
        if s[k] < 0:
            continue
        sk = np.uint64(s[k])
        r = reach_table[1] if conn[mk, sk, gk] else reach_table[0]
        r = r * seniority[mk, sk]
        known = align[sk, gk] * (1.0 - unknown[mk, sk, gk])
        p = unknown_pitch + (1.0 - unknown_pitch) * known
        d_stance[sk, gk] += stance[ak] * qk * r * (pitch_weight * p - pitch_cost)
        gain = _clip(discovery[ak] * qk * r, 0.0, cap)
        v = out[mk, sk, gk] * (1.0 - gain)
        out[mk, sk, gk] = v
        if staffed[mk, gk]:
            least[sk, gk] = _minimum(least[sk, gk], v)


@njit(cache=True, nogil=True, error_model="numpy")
def _share(out, least, staffed, shared, i0, i1):
    """Games i0..i1 of `week`: in a game that held a review, every staffed member knows
    what the best-informed one knows."""
    M, S, B = out.shape
    for i in range(i0, i1):
        if not shared[i]:
            continue
        for x in range(M):
            if staffed[x, i]:
                for y in range(S):
                    out[x, y, i] = _minimum(out[x, y, i], least[y, i])


@njit(cache=True, nogil=True, error_model="numpy")
def effect_sums(table, effort):
    """(E, B) sum over actions in index order of table[a, e] x effort[a, b]."""
    A, E = table.shape
    B = effort.shape[1]
    out = np.empty((E, B))
    for e in range(E):
        for i in range(B):
            out[e, i] = table[0, e] * effort[0, i]
        for k in range(1, A):
            for i in range(B):
                out[e, i] = out[e, i] + table[k, e] * effort[k, i]
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def coach(amount, skill, role, staffed, ended, needs, qb):
    """Coaching, in place on skill (M, Q, B): in each game with amount > 0 not decided
    before (ended (B,) == 0), the staffed member outside the quarterback's role with the
    weakest fit for their role (the first such on a tie; a member without a role fits 0)
    moves toward that role's needs by amount x needs, within 0..1. role and staffed (M, B),
    needs (R, Q)."""
    M, Q, B = skill.shape
    for i in range(B):
        if not amount[i] > 0 or ended[i] > 0:
            continue
        who, least = -1, np.inf
        for x in range(M):
            if not staffed[x, i] or role[x, i] == qb:
                continue
            r = max(role[x, i], 0)
            fit = skill[x, 0, i] * needs[r, 0]
            for q in range(1, Q):
                fit = fit + skill[x, q, i] * needs[r, q]
            fit = fit * (1.0 if role[x, i] >= 0 else 0.0)
            if fit < least:
                who, least = x, fit
        if who < 0:
            continue
        r = max(role[who, i], 0)
        for q in range(Q):
            skill[who, q, i] = _clip(skill[who, q, i] + amount[i] * needs[r, q], 0.0, 1.0)


@njit(cache=True, nogil=True, error_model="numpy")
def _ratio(num, den):
    """engine.arrays.ratio for one pair: num / den, and 0 where den is 0."""
    empty = den == 0
    return num * (0.0 if empty else 1.0) / (den + (1.0 if empty else 0.0))


@njit(cache=True, nogil=True, error_model="numpy")
def align(focus, prio, base, prio_sq):
    """(S, B) rules.above_even(focus, prio) per game and stakeholder, from the even guess's
    cosine `base` and the priorities' squared norms `prio_sq` (S, B); focus (K, B), prio
    (S, K, B)."""
    S, K, B = prio.shape
    ff = np.empty(B)  # loops run over games innermost, along memory, with no temporaries
    for i in range(B):
        ff[i] = focus[0, i] * focus[0, i]
    for k in range(1, K):
        for i in range(B):
            ff[i] = ff[i] + focus[k, i] * focus[k, i]
    out = np.empty((S, B))
    dot = np.empty(B)
    for y in range(S):
        for i in range(B):
            dot[i] = focus[0, i] * prio[y, 0, i]
        for k in range(1, K):
            for i in range(B):
                dot[i] = dot[i] + focus[k, i] * prio[y, k, i]
        for i in range(B):
            cos = _ratio(dot[i], np.sqrt(ff[i] * prio_sq[y, i]))
            out[y, i] = _clip(_ratio(cos - base[y, i], 1.0 - base[y, i]), 0.0, 1.0)
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def align_since(table, before, focus, prio, base, prio_sq):
    """`align` where an earlier table (S, B) for the focus `before` (K, B) and the same
    priorities is known: a copy of it, recomputed only in the games whose focus changed
    (bitwise), as most games keep theirs from week to week."""
    S, K, B = prio.shape
    out = table.copy()
    for i in range(B):
        same = True
        for k in range(K):
            same &= focus[k, i] == before[k, i]
        if same:
            continue
        ff = focus[0, i] * focus[0, i]
        for k in range(1, K):
            ff = ff + focus[k, i] * focus[k, i]
        for y in range(S):
            dot = focus[0, i] * prio[y, 0, i]
            for k in range(1, K):
                dot = dot + focus[k, i] * prio[y, k, i]
            cos = _ratio(dot, np.sqrt(ff * prio_sq[y, i]))
            out[y, i] = _clip(_ratio(cos - base[y, i], 1.0 - base[y, i]), 0.0, 1.0)
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def prio_norms(prio):
    """(S, B) rules.even_cosine(prio) and the priorities' squared norms (sums over
    dimensions in index order), from prio (S, K, B) in one pass."""
    S, K, B = prio.shape
    ones = 1.0
    for _ in range(1, K):
        ones = ones + 1.0
    base, sq = np.empty((S, B)), np.empty((S, B))
    for y in range(S):
        for i in range(B):
            total, squares = prio[y, 0, i], prio[y, 0, i] * prio[y, 0, i]
            for k in range(1, K):
                total = total + prio[y, k, i]
                squares = squares + prio[y, k, i] * prio[y, k, i]
            sq[y, i] = squares
            base[y, i] = _ratio(total, np.sqrt(ones * squares))
    return base, sq


@njit(cache=True, nogil=True, error_model="numpy")
def refocus(focus, rows, new):
    """In place on focus (K, B): the games `rows` take their row of `new` (n, K) as a unit
    (rules.unit: over its sum in index order, or even when it sums to nothing)."""
    K = focus.shape[0]
    for j in range(len(rows)):
        i = rows[j]
        total = new[j, 0]
        for k in range(1, K):
            total = total + new[j, k]
        for k in range(K):
            focus[k, i] = new[j, k] / total if total > 0 else 1.0 / K
    return focus


@njit(cache=True, nogil=True, error_model="numpy")
def audibles(old, new):
    """(B,) bool: the focus moved from old to new (K, B), by more than 1e-9 in the sum of
    absolute changes in index order, and old was not the even default (rules.set_team)."""
    K, B = old.shape
    moved = np.empty(B, np.bool_)
    even = 1.0 / K
    for i in range(B):
        off = abs(old[0, i] - even)
        change = abs(new[0, i] - old[0, i])
        for k in range(1, K):
            off = max(off, abs(old[k, i] - even))
            change = change + abs(new[k, i] - old[k, i])
        moved[i] = change > 1e-9 and not off < 1e-9
    return moved


@njit(cache=True, nogil=True, error_model="numpy")
def menu(ok, label):
    """(X, N, B) int8: for each row of ok (X, N, B) bool along its middle axis, the labels
    of its Trues in order, then -1 (engine.legal's menus). Each label is written at the
    row's next free place, which only a True keeps, so no branch is taken per entry."""
    X, N, B = ok.shape
    out = np.empty((X, N, B), np.int8)
    n = np.empty(B, np.int64)
    for x in range(X):
        n[:] = 0
        for j in range(N):
            for i in range(B):
                out[x, n[i], i] = label[j]
                n[i] += ok[x, j, i]
        for j in range(N):
            for i in range(B):
                out[x, j, i] = -1 if j >= n[i] else out[x, j, i]
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def _minimum(x, y):
    """np.minimum for one pair (y when they are equal)."""
    return x if x < y else y


@njit(cache=True, nogil=True, error_model="numpy")
def _clip(x, lo, hi):
    """np.clip(x, lo, hi) for one value (a value equal to a bound keeps its own bits)."""
    return lo if x < lo else (hi if x > hi else x)


@njit(cache=True, nogil=True, error_model="numpy")
def close_week(w, sums, milestones, actions, stakeholders, team, rules, out):
    """Each game's week-end updates in one pass: milestone progress (the close milestone
    scaled by the others' completion), short-term actions done on time, stance (gains,
    drift of covered and uncovered stakeholders), competition, morale (effects, chemistry,
    overload, audibles, lapsed coaching) and the weeks of the last review and coaching.
    Each value is computed with the same operations, in the same order, as the numpy
    expressions they replace. All arrays in memory order (batch axis last); `out` holds
    the arrays it fills: progress (L, B), on_time (L, B), stance (S, B), competition,
    morale, last_review, last_coaching (B,), and done (L, B) each milestone's completion
    in 0..1."""
    progress0, plan_mult, effort, pace, close = milestones
    ran, ms_action, ms_due, done_on_time = actions
    stance0, d_stance, covered, present = stakeholders
    competition0, morale0, hours, cap, n, chem_mean, whim, share, review0, coaching0 = team
    (
        cd,
        ud,
        room0,
        saturation,
        momentum,
        chem_k,
        over_level,
        over_k,
        audible_k,
        coaching_on,
        coaching_every,
        lapse_k,
    ) = rules
    progress, on_time, stance, competition, morale, last_review, last_coaching, done = out
    L, B = progress0.shape
    S = stance0.shape[0]
    M = hours.shape[0]
    E = sums.shape[0]
    # loops run over games innermost, along memory
    others = np.ones(B)  # the close milestone moves with the others' mean completion
    if close >= 0 and L > 1:
        first = True
        for x in range(L):
            if x == close:
                continue
            for i in range(B):
                frac = _clip(progress0[x, i] / effort[x], 0.0, 1.0)
                others[i] = frac if first else others[i] + frac
            first = False
        for i in range(B):
            others[i] = others[i] / (L - 1)
    for x in range(L):  # (selects, & and |, and two loops: each vectorises)
        floor = pace[x] * w
        scaled = x == close
        for i in range(B):
            d = sums[x, i] * plan_mult[x, i]
            d = d * others[i] if scaled else d
            p = progress0[x, i]
            progress[x, i] = _minimum(p + d, p if p > floor else floor)
            done[x, i] = _clip(progress[x, i] / effort[x], 0.0, 1.0)
        for i in range(B):
            act = ms_action[x, i]
            hit = (act >= 0) & ran[max(act, 0), i] & (w <= max(ms_due[x, i], 1))
            on_time[x, i] = done_on_time[x, i] | hit
    for y in range(S):
        for i in range(B):
            drift = cd if covered[y, i] else -ud * competition0[i]
            st = stance0[y, i]
            room = room0 - abs(st) * saturation
            moved = st + d_stance[y, i] * room + drift * (1.0 if present[y, i] else 0.0)
            stance[y, i] = _clip(moved, -1.0, 1.0)
    over = np.zeros(B, np.int64)
    for x in range(M):
        for i in range(B):
            empty = cap[x, i] == 0
            load = hours[x, i] * (0.0 if empty else 1.0) / (cap[x, i] + (1.0 if empty else 0.0))
            over[i] += load > over_level
    for i in range(B):
        competition[i] = _clip(competition0[i] + sums[L, i] + momentum, 0.0, 1.0)
        overload = over[i] / n[i]
        mood = morale0[i] + sums[L + 1, i] + chem_k * chem_mean[i] - over_k * overload
        mood = mood - audible_k * (1.0 if whim[i] else 0.0)
        if coaching_on:
            mood = mood - lapse_k * (1.0 if (w - coaching0[i]) > coaching_every else 0.0)
        morale[i] = _clip(mood, 0.0, 1.0)
        last_review[i] = w if share[i] else review0[i]
        last_coaching[i] = w if sums[E - 1, i] > 0 else coaching0[i]


@njit(cache=True, nogil=True, error_model="numpy")
def fire_events(w, cand, u, tables, behaviour, state, history, injected):
    """(n, B) bool: which of the events `cand` (n,) fire at the start of week w. An event
    fires when it is scheduled, or it is windowed and its draw u (n, B) is under its
    probability; every stakeholder's stance is under its `below` and no stakeholder it
    needs unconnected is connected; its behaviour conditions hold; and it may fire again
    (events.may_fire). An injected event (injected (E, B), or (0, B) for none) fires when
    it has not fired before.

    tables, per candidate: scheduled, windowed (n,) bool, probability (n,), below (n, S),
    unconnected (n, S) bool, repeat, max_times (n,) and whether the scenario uses repeats
    or lasting effects at all. behaviour, per candidate: has (n,) bool, if_run,
    if_not_run (n, A), if_met, if_not_met (n, S), if_staffed (n, M) bool and skip_ok
    (n, B) bool (the if_skipped conditions, or (0, B) when no candidate has one).
    state: stance (S, B), conn (M, S, B) bool, staffed (M, B), last_run (A, B), last_met
    (S, B). history (E, B): fired, fired_week, fire_count, undo_week."""
    scheduled, windowed, prob, below, unconnected, repeat, max_times, kinds = tables
    has, if_run, if_not_run, if_met, if_not_met, if_staffed, skip_ok = behaviour
    stance, conn, staffed, last_run, last_met = state
    fired, fired_week, fire_count, undo_week = history
    n, S = below.shape
    M = conn.shape[0]
    B = stance.shape[1]
    # loops run over games innermost, along memory, with & and | (no branches) so they
    # vectorise
    connected = np.zeros((S, B), np.bool_)
    if unconnected.any():
        for x in range(M):
            for y in range(S):
                for i in range(B):
                    connected[y, i] |= conn[x, y, i]
    ok = np.empty((n, B), np.bool_)
    for k in range(n):
        e = cand[k]
        rep, cap, due, chance = repeat[k], max_times[k], scheduled[k], windowed[k]
        step = max(rep, 1)
        for i in range(B):  # may it fire again, and does its draw or schedule call it
            may = fired[e, i] == 0
            if kinds:
                again = (rep > 0) & (w - fired_week[e, i] >= step)
                may = (may | again) & ((cap == 0) | (fire_count[e, i] < cap))
                may &= undo_week[e, i] <= w
            ok[k, i] = (due | (chance & (u[k, i] < prob[k]))) & may
        for y in range(S):
            limit = below[k, y]
            if unconnected[k, y]:
                for i in range(B):
                    ok[k, i] &= (stance[y, i] < limit) & (connected[y, i] == 0)
            elif limit < np.inf:  # (a finite stance is always under +inf)
                for i in range(B):
                    ok[k, i] &= stance[y, i] < limit
        if has[k]:
            for j in range(if_run.shape[1]):
                since, idle = w - if_run[k, j], if_not_run[k, j]
                if if_run[k, j] > 0:
                    for i in range(B):
                        ok[k, i] &= (last_run[j, i] > 0) & (last_run[j, i] >= since)
                if idle > 0:
                    for i in range(B):
                        ok[k, i] &= w - last_run[j, i] > idle
            for y in range(S):
                met, since = if_met[k, y], if_not_met[k, y]
                if met > 0:
                    for i in range(B):
                        ok[k, i] &= last_met[y, i] >= met
                if since > 0:
                    for i in range(B):
                        ok[k, i] &= (w > since) & (last_met[y, i] < since)
            if len(skip_ok):
                for i in range(B):
                    ok[k, i] &= skip_ok[k, i]
            for x in range(M):
                if if_staffed[k, x]:
                    for i in range(B):
                        ok[k, i] &= staffed[x, i]
        if len(injected):
            for i in range(B):
                ok[k, i] |= injected[e, i] & (fired[e, i] == 0)
    return ok


@njit(cache=True, nogil=True, error_model="numpy")
def note_fired(w, cand, fire, history, lasts, ended):
    """In place on history: fired (E, B), fired_week (E, B), fire_count (E, B), fire_log
    (W, E, B) and undo_week (E, B) after the events `cand` (n,) fired (n, B) in week w; an
    event with a lasting effect (lasts (n,) weeks) is undone in week w + lasts. Games
    decided before (ended (B,) > 0) keep theirs."""
    fired, fired_week, fire_count, fire_log, undo_week = history
    n, B = fire.shape
    if not 1 <= w <= fire_log.shape[0]:
        raise IndexError("the week is outside the deal")
    for k in range(n):
        e = cand[k]
        for i in range(B):
            on = fire[k, i]
            if ended[i] > 0:
                continue
            fired[e, i] |= on
            fire_count[e, i] += on
            fire_log[w - 1, e, i] = on
            if on:
                fired_week[e, i] = w
                if lasts[k] > 0:
                    undo_week[e, i] = w + lasts[k]


@njit(cache=True, nogil=True, error_model="numpy")
def event_effects(fire, effects, stance, team):
    """The events' effects summed in event order (fired (n, B) 0/1 times each effect):
    stance (S, B) within -1..1, competition within 0..1, budget and the deal value's
    multiplier (B,). effects: stance (n, S), competition, budget, value (n,); team:
    competition, budget, value_mult (B,)."""
    e_stance, e_competition, e_budget, e_value = effects
    competition0, budget0, value0 = team
    n, S = e_stance.shape
    B = stance.shape[1]
    f = np.empty((n, B))  # loops run over games innermost, along memory
    for k in range(n):
        for i in range(B):
            f[k, i] = 1.0 if fire[k, i] else 0.0
    out = np.empty((S, B))
    for y in range(S):
        _weighted(f, e_stance[:, y], out[y])
        for i in range(B):
            out[y, i] = _clip(stance[y, i] + out[y, i], -1.0, 1.0)
    competition, budget, value = np.empty(B), np.empty(B), np.empty(B)
    _weighted(f, e_competition, competition)
    _weighted(f, e_budget, budget)
    _weighted(f, e_value, value)
    for i in range(B):
        competition[i] = _clip(competition0[i] + competition[i], 0.0, 1.0)
        budget[i] = budget0[i] + budget[i]
        value[i] = value0[i] * (1.0 + value[i])
    return out, competition, budget, value


@njit(cache=True, nogil=True, error_model="numpy")
def _weighted(f, weight, out):
    """out (B,) = the sum over k in index order of f[k] x weight[k] (f (n, B))."""
    n, B = f.shape
    for i in range(B):
        out[i] = f[0, i] * weight[0]
    for k in range(1, n):
        for i in range(B):
            out[i] = out[i] + f[k, i] * weight[k]


@njit(cache=True, nogil=True, error_model="numpy")
def run_out(w, undo_week, budget, value, e_budget, e_value):
    """The lasting effects that run out in week w (undo_week (E, B) == w), undone in event
    order: ends (E,) which events ran out in some game; and, when any did, new arrays of
    undo_week (0 where it ran out), budget (less the event's budget change, x 0.0 in the
    other games) and value (divided by 1 + the event's value change)."""
    E, B = undo_week.shape
    ends = np.zeros(E, np.bool_)
    for e in range(E):
        hit = False
        for i in range(B):
            hit |= undo_week[e, i] == w
        ends[e] = hit
    if not ends.any():
        return ends, undo_week, budget, value
    left, budget, value = undo_week.copy(), budget.copy(), value.copy()
    for e in range(E):
        if not ends[e]:
            continue
        for i in range(B):
            off = undo_week[e, i] == w
            budget[i] = budget[i] - (1.0 if off else 0.0) * e_budget[e]
            value[i] = value[i] / (1.0 + e_value[e]) if off else value[i]
            left[e, i] = 0 if off else left[e, i]
    return ends, left, budget, value


@njit(cache=True, nogil=True, error_model="numpy")
def note_weeks(w, g, col, ended, last):
    """In place on last (X, B): week w for each run's column col (its action or target;
    -1 for none) in its game, unless the game was decided before."""
    for k in range(len(g)):
        x, i = col[k], np.uint64(g[k])  # (uint64: no wrap-around check)
        if x >= 0 and ended[i] == 0:
            last[np.uint64(x), i] = w


@njit(cache=True, nogil=True, error_model="numpy")
def splitmix(seeds, stream, index, constants):
    """(n, B) engine.rng.uniform(seeds, stream, index) in memory order, the same bits
    (integer arithmetic wraps as numpy's uint64 does; the float is exact)."""
    m1, m2, golden, offset = constants
    n, B = len(index), len(seeds)
    out = np.empty((n, B))
    key = np.empty(B, np.uint64)
    salt = np.uint64(stream) * m2
    for i in range(B):
        key[i] = _mix(seeds[i] * golden + salt, m1, m2)
    scale = 1.0 / (1 << 53)
    for k in range(n):
        counter = index[k] * golden + offset
        for i in range(B):
            x = _mix(key[i] ^ counter, m1, m2)
            out[k, i] = np.float64(x >> np.uint64(11)) * scale
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def _mix(x, m1, m2):
    """engine.rng._mix for one uint64."""
    x = (x ^ (x >> np.uint64(30))) * m1
    x = (x ^ (x >> np.uint64(27))) * m2
    return x ^ (x >> np.uint64(31))


@njit(cache=True, nogil=True, error_model="numpy")
def fill_roles(staffed, pref, r_max):
    """(B, M) roles: in each game, members in order of their best preference (highest
    first, the lower index on a tie) take their most preferred role (the lowest index on
    a tie) among those still under r_max; -1 for the unstaffed and when no role is left.
    Only the staffed are ranked: the others take no role and fill none. staffed (B, M)
    bool, pref (B, M, R)."""
    B, M, R = pref.shape
    role = np.full((B, M), -1, np.int64)
    best = np.empty(M, pref.dtype)
    who = np.empty(M, np.int64)
    order = np.empty(M, np.int64)
    count = np.empty(R, np.int64)
    for i in range(B):
        n = 0
        for x in range(M):
            if staffed[i, x]:
                v = pref[i, x, 0]
                for r in range(1, R):
                    v = max(v, pref[i, x, r])
                best[n] = v
                who[n] = x
                n += 1
        for p in range(n):
            rank = 0
            for q in range(n):
                rank += (best[q] > best[p]) or (q < p and best[q] == best[p])
            order[rank] = who[p]
        count[:] = 0
        for k in range(n):
            x = order[k]
            pick, top, any_open = 0, -np.inf, False
            for r in range(R):
                if count[r] < r_max[r]:
                    any_open = True
                    if pref[i, x, r] > top:
                        pick, top = r, pref[i, x, r]
            if any_open:
                role[i, x] = pick
                count[pick] += 1
    return role


@njit(cache=True, nogil=True, error_model="numpy")
def plan_for(staffed, role, may_run, acts, target):
    """Owner, action and due week (B, L) of each milestone: the first action of its `acts`
    row (L, N; -1 pads it) that some staffed member with a role may run, owned by the
    lowest-index such member, due at the milestone's target week; -1, -1, 0 when none.
    staffed and role (B, M); may_run (A, R) bool."""
    B, M = role.shape
    L = acts.shape[0]
    n_actions = may_run.shape[0]
    owner = np.full((B, L), -1, np.int64)
    action = np.full((B, L), -1, np.int64)
    due = np.zeros((B, L), np.int64)
    first = np.empty(n_actions, np.int64)
    for i in range(B):
        first[:] = -1
        for x in range(M - 1, -1, -1):  # the lowest index that may run each action wins
            r = role[i, x]
            if staffed[i, x] and r >= 0:
                for a in range(n_actions):
                    if may_run[a, r]:
                        first[a] = x
        for ms in range(L):
            for j in range(acts.shape[1]):
                a = acts[ms, j]
                if a < 0:
                    break
                if first[a] >= 0:
                    owner[i, ms], action[i, ms], due[i, ms] = first[a], a, target[ms]
                    break
    return owner, action, due


@njit(cache=True, nogil=True, error_model="numpy")
def hours_left(staffed, away_until, hours, ended, m_from, m_until, capacity, w):
    """(M, B) engine.legal.hours_left in memory order: capacity less the hours used for a
    member who can act in week w (staffed, not away, within their weeks, the game open),
    else -1. staffed, away_until and hours (M, B); ended (B,); m_from, m_until and
    capacity (M,)."""
    M, B = hours.shape
    out = np.empty((M, B))
    for x in range(M):
        in_weeks = m_from[x] <= w and w <= m_until[x]
        for i in range(B):
            able = in_weeks and staffed[x, i] and away_until[x, i] < w and ended[i] == 0
            out[x, i] = capacity[x] - hours[x, i] if able else -1.0
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def capacity(staffed, away_until, in_weeks, capacity, w):
    """(M, B) engine.rules.capacity in memory order: capacity (M,) x 1.0 for a member staffed
    and not away in week w (staffed, away_until (M, B)) within their weeks (in_weeks (M,)),
    x 0.0 otherwise."""
    M, B = staffed.shape
    out = np.empty((M, B))
    for x in range(M):
        for i in range(B):
            here = in_weeks[x] and staffed[x, i] and away_until[x, i] < w
            out[x, i] = (1.0 if here else 0.0) * capacity[x]
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def _mulhi(a, b):
    """The high 64 bits of the 128-bit product of two uint64."""
    m32, s32 = np.uint64(0xFFFFFFFF), np.uint64(32)
    a_lo, a_hi, b_lo, b_hi = a & m32, a >> s32, b & m32, b >> s32
    lo_lo, hi_lo, lo_hi = a_lo * b_lo, a_hi * b_lo, a_lo * b_hi
    cross = (lo_lo >> s32) + (hi_lo & m32) + lo_hi
    return a_hi * b_hi + (hi_lo >> s32) + (cross >> s32)


@njit(cache=True, nogil=True, error_model="numpy")
def pcg_floats(pcg, out):
    """Fill out (1-D float32) as numpy's Generator(PCG64).random(n, float32) does, from and
    into the bit generator's state pcg (6,) uint64: the state's high and low words, the
    increment's, has_uint32 and uinteger (engine.bots `_pcg_state`). PCG64 (XSL-RR 128/64):
    the state steps by the default multiplier and the increment, then yields
    rotr(high ^ low, high >> 58); each float32 takes one 32-bit half (the low half first,
    the high one kept for the next draw), (bits >> 8) x 2**-24."""
    mul_hi, mul_lo = np.uint64(2549297995355413924), np.uint64(4865540595714422341)
    s_hi, s_lo, i_hi, i_lo, has, kept = pcg[0], pcg[1], pcg[2], pcg[3], pcg[4], pcg[5]
    m32, s8, s32 = np.uint64(0xFFFFFFFF), np.uint64(8), np.uint64(32)
    scale = np.float32(1.0 / 16777216.0)
    for k in range(len(out)):
        if has:
            bits = kept
            has = np.uint64(0)
        else:
            lo = s_lo * mul_lo
            hi = _mulhi(s_lo, mul_lo) + s_hi * mul_lo + s_lo * mul_hi
            s_lo = lo + i_lo
            s_hi = hi + i_hi + (np.uint64(1) if s_lo < lo else np.uint64(0))
            x, rot = s_hi ^ s_lo, s_hi >> np.uint64(58)
            word = (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))
            bits, kept, has = word & m32, word >> s32, np.uint64(1)
        out[k] = np.float32(bits >> s8) * scale
    pcg[0], pcg[1], pcg[4], pcg[5] = s_hi, s_lo, has, kept


@njit(cache=True, nogil=True, error_model="numpy")
def random_rounds(pcg, left, hours_table, run_menu, target_menu, tables, act_p, rounds):
    """The random bot's week: `rounds` rounds over (member, game) pairs in that order. In
    each, u (M, B) float32 is drawn from the bot's generator (its PCG64 state `pcg`, see
    `pcg_floats`); a pair with n > 0 legal runs it can afford
    acts when u < act_p and takes the r-th of them, r = floor(u x (n / act_p)) in float32,
    capped at n - 1. Then one float32 per run is drawn, each external run aims at the r-th
    of its legal targets (r = floor(u x n), capped at n - 1; -1 for an internal one), and
    its hours come off `left` (M, B) in place. Only the pairs who can afford an action at
    the week's start are visited (the others never act). run_menu and target_menu are
    legal's `run_menu_rows` and `target_menu_rows`. hours_table: the distinct action
    hours and how many actions take each, and engine.legal's `_hour_lut` (how many take
    at most floor(h) hours, for floor(h) from lo to hi; empty when some hours are
    fractional). tables: internal (A,) bool and the action hours (A,). Returns g, a, m, s
    in run order."""
    levels, per_level, lut, lo, hi = hours_table
    rows, menus, counts = run_menu
    which, t_menus, t_counts = target_menu
    internal, a_hours = tables
    M, B = left.shape
    cheapest = levels[0]
    pair_x = np.empty(M * B, np.int64)
    pair_i = np.empty(M * B, np.int64)
    n_pairs = 0
    for x in range(M):
        for i in range(B):
            pair_x[n_pairs] = x
            pair_i[n_pairs] = i
            n_pairs += left[x, i] >= cheapest
    scale = np.empty(128, np.float32)  # n / act_p for every count an int8 menu holds
    for c in range(128):
        scale[c] = np.float32(c) / act_p
    size = rounds * n_pairs
    g = np.empty(size, np.int64)
    a = np.empty(size, np.int64)
    m = np.empty(size, np.int64)
    s = np.empty(size, np.int64)
    n = 0
    for _ in range(rounds):
        u = np.empty((M, B), np.float32)
        pcg_floats(pcg, u.reshape(-1))
        start = n
        for k in range(n_pairs):
            x, i = pair_x[k], pair_i[k]
            ux = u[x, i]
            if not ux < act_p:
                continue
            hours = left[x, i]
            if len(lut):
                f = np.floor(hours)
                h = lut[int((hi if f > hi else (f if f >= lo else lo)) - lo)]
            else:
                h = 0
                for j in range(len(levels)):
                    h += per_level[j] * (hours >= levels[j])
            row = rows[x, i]
            c = counts[row, h]  # 0 when nothing is affordable (h = 0)
            if c > 0:
                r = min(int(ux * scale[c]), c - 1)
                g[n] = i
                m[n] = x
                a[n] = menus[row, r]
                n += 1
        u_t = np.empty(n - start, np.float32)
        pcg_floats(pcg, u_t)
        for k in range(start, n):
            ak, gk = a[k], g[k]
            row = which[gk]
            c = t_counts[row, ak]
            r = min(int(u_t[k - start] * np.float32(c)), c - 1)
            s[k] = -1 if internal[ak] else t_menus[row, ak, max(r, 0)]
            left[m[k], gk] -= a_hours[ak]
    return g[:n], a[:n], m[:n], s[:n]


@njit(cache=True, nogil=True, error_model="numpy")
def gather_rows(table, rows):
    """(X, N, B): out[x, :, i] = table[rows[x, i]], for a small table (T, N) and row
    indices rows (X, B) (engine.legal's tables of what a member may do)."""
    X, B = rows.shape
    N = table.shape[1]
    out = np.empty((X, N, B), table.dtype)
    for x in range(X):
        for j in range(N):
            for i in range(B):
                out[x, j, i] = table[rows[x, i], j]
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def affordable(order, limit, avail, cost, headcount, budget):
    """(B, M) bool: engine.bots._affordable, staffing each game's members in `order` (B, M)
    while `avail` (M,), the headcount (within `limit` (B,)) and the budget allow, the team's
    cost (M,) added in that order."""
    B, M = order.shape
    staffed = np.zeros((B, M), np.bool_)
    for i in range(B):
        spent, n = 0.0, 0
        most = min(limit[i], headcount)
        for k in range(M):
            x = order[i, k]
            ok = avail[x] and n < most and spent + cost[x] <= budget
            staffed[i, x] = staffed[i, x] or ok
            spent = spent + (cost[x] if ok else 0.0)
            n += ok
    return staffed


@njit(cache=True, nogil=True, error_model="numpy")
def random_links(u, p, staffed, present):
    """(M, S, B) bool, the random bot's opening connections in memory order: u (M, S, B)
    under p, for a staffed member (staffed (M, B)) and a present stakeholder (present
    (S, B))."""
    M, S, B = u.shape
    out = np.empty((M, S, B), np.bool_)
    for x in range(M):
        for y in range(S):
            for i in range(B):
                out[x, y, i] = (u[x, y, i] < p) & staffed[x, i] & present[y, i]
    return out
