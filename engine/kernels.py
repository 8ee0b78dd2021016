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


@njit(cache=True, nogil=True, error_model="numpy")
def week_runs(g, a, m, s, state, tables, numbers):
    """One pass over the week's runs (in run order). For each run: its quality (member m's
    skill fit for action a plus the unskilled base, times under-delivery, morale and the
    team's factor) and its reach (0 for an internal action). Over the runs: d_stance (S, B)
    the sum of the aimed runs' stance gains, hours (M, B) used after them, effort (A, B)
    the sum of quality per action and ran (A, B) whether each action ran.

    state: skill (M, Q, B), weak (M, B) bool, morale (B,), team (B,), conn (M, S, B) bool,
    align (S, B), unknown (M, S, B), hours (M, B). tables: a_skill (A, Q), unskilled (A,),
    a_hours (A,), stance (A,), reach (2,) unconnected/connected, seniority (M, S).
    numbers: under-delivery quality, morale quality floor and scale, unknown pitch, pitch
    weight and cost."""
    skill, weak, morale, team, conn, align, unknown, hours0 = state
    a_skill, unskilled, a_hours, stance, reach_table, seniority = tables
    weak_quality, floor, scale, unknown_pitch, pitch_weight, pitch_cost = numbers
    n = len(g)
    Q = skill.shape[1]
    S, B = align.shape
    n_actions = len(a_hours)
    quality = np.empty(n)
    reach = np.zeros(n)
    d_stance = np.zeros((S, B))
    used = np.zeros(hours0.shape)
    effort = np.zeros((n_actions, B))
    ran = np.zeros((n_actions, B), np.bool_)
    for k in range(n):
        gk, ak, mk, sk = g[k], a[k], m[k], s[k]
        fit = skill[mk, 0, gk] * a_skill[ak, 0]
        for q in range(1, Q):
            fit += skill[mk, q, gk] * a_skill[ak, q]
        qk = fit + unskilled[ak]
        w = weak_quality if weak[mk, gk] else 1.0
        qk = qk * w * (floor + scale * morale[gk]) * team[gk]
        quality[k] = qk
        used[mk, gk] += a_hours[ak]
        effort[ak, gk] += qk
        ran[ak, gk] = True
        if sk < 0:
            continue
        r = reach_table[1] if conn[mk, sk, gk] else reach_table[0]
        r = r * seniority[mk, sk]
        known = align[sk, gk] * (1.0 - unknown[mk, sk, gk])
        p = unknown_pitch + (1.0 - unknown_pitch) * known
        d_stance[sk, gk] += stance[ak] * qk * r * (pitch_weight * p - pitch_cost)
        reach[k] = r
    return quality, reach, d_stance, hours0 + used, effort, ran


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
def learn(g, a, m, s, quality, reach, discovery, cap, unknown, links, keep, staffed, review, share):
    """What the team does not know after the week: unknown (M, S, B) with linked entries
    scaled by `keep` (1 - passive learning), then each aimed run's discovery applied in
    run order; least (S, B) the team's best (lowest) unknown, at most 1; share (B,) the
    games that held a review, whose staffed members then all know `least`.
    links (M, S, B) and staffed (M, B) bool; review (A,) bool."""
    M, S, B = unknown.shape
    out = np.empty_like(unknown)
    # least: the minimum of 1 and the staffed members' unknowns, the same value (and bits)
    # as the minimum over members of (unknown + 1 if not staffed), capped at 1; discovery
    # only lowers an unknown, so a run's new value joins the minimum as it is made
    least = np.ones((S, B))
    for x in range(M):
        for y in range(S):
            for i in range(B):  # x 1.0 where there is no link keeps the bits
                v = unknown[x, y, i] * (keep if links[x, y, i] else 1.0)
                out[x, y, i] = v
                least[y, i] = _minimum(least[y, i], v if staffed[x, i] else 1.0)
    shared = np.zeros(B, np.bool_)
    for k in range(len(g)):
        if review[a[k]]:
            shared[g[k]] = True
        sk = s[k]
        if sk < 0:
            continue
        gain = discovery[a[k]] * quality[k] * reach[k]
        gain = _clip(gain, 0.0, cap)
        v = out[m[k], sk, g[k]] * (1.0 - gain)
        out[m[k], sk, g[k]] = v
        if staffed[m[k], g[k]]:
            least[sk, g[k]] = _minimum(least[sk, g[k]], v)
    for i in range(B):
        if not shared[i]:
            continue
        for x in range(M):
            if staffed[x, i]:
                for y in range(S):
                    out[x, y, i] = _minimum(out[x, y, i], least[y, i])
    share[:] = shared
    return out, least


@njit(cache=True, nogil=True, error_model="numpy")
def coach(amount, skill, role, staffed, needs, qb):
    """Coaching, in place on skill (M, Q, B): in each game with amount > 0, the staffed
    member outside the quarterback's role with the weakest fit for their role (the first
    such on a tie; a member without a role fits 0) moves toward that role's needs by
    amount x needs, within 0..1. role and staffed (M, B), needs (R, Q)."""
    M, Q, B = skill.shape
    for i in range(B):
        if not amount[i] > 0:
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
    ff = focus[0] * focus[0]
    for k in range(1, K):
        ff = ff + focus[k] * focus[k]
    out = np.empty((S, B))
    for y in range(S):
        dot = focus[0] * prio[y, 0]
        for k in range(1, K):
            dot = dot + focus[k] * prio[y, k]
        for i in range(B):
            cos = _ratio(dot[i], np.sqrt(ff[i] * prio_sq[y, i]))
            out[y, i] = _clip(_ratio(cos - base[y, i], 1.0 - base[y, i]), 0.0, 1.0)
    return out


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
    for x in range(L):
        floor = pace[x] * w
        for i in range(B):
            d = sums[x, i] * plan_mult[x, i]
            if x == close:
                d *= others[i]
            p = progress0[x, i]
            progress[x, i] = _minimum(p + d, p if p > floor else floor)
            done[x, i] = _clip(progress[x, i] / effort[x], 0.0, 1.0)
            act = ms_action[x, i]
            hit = act >= 0 and ran[max(act, 0), i] and w <= max(ms_due[x, i], 1)
            on_time[x, i] = done_on_time[x, i] or hit
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
def event_conditions(stance, connected, below, unconnected):
    """(n, B) bool: every stakeholder's stance is under the event's `below` (n, S) and no
    stakeholder it needs unconnected (`unconnected` (n, S) bool) is connected; stance and
    connected (S, B)."""
    n, S = below.shape
    B = stance.shape[1]
    out = np.ones((n, B), np.bool_)
    for k in range(n):
        for y in range(S):
            limit = below[k, y]
            if unconnected[k, y]:
                for i in range(B):
                    out[k, i] = out[k, i] & (stance[y, i] < limit) & (connected[y, i] == 0)
            elif limit < np.inf:  # (a finite stance is always under +inf)
                for i in range(B):
                    out[k, i] = out[k, i] & (stance[y, i] < limit)
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def add_stance(stance, fired, effect):
    """(S, B) stance plus the stance effects (n, S) of the events fired (n, B) 0/1, summed
    in event order, within -1..1."""
    n, S = effect.shape
    B = stance.shape[1]
    out = np.empty((S, B))
    for y in range(S):
        acc = fired[0] * effect[0, y]
        for k in range(1, n):
            acc = acc + fired[k] * effect[k, y]
        for i in range(B):
            out[y, i] = _clip(stance[y, i] + acc[i], -1.0, 1.0)
    return out


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
