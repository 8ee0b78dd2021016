"""Bot policies that play a whole batch of games at once.

A policy decides for every game in a batch with array operations: `setup`
returns the team and plan, `week` returns the week's runs (and any audible).
Loops run over roster members or attempts (small constants), never over games.
Policies: random (uniform over legal choices), expert (the seed articles'
practices), greedy (one-step lookahead on expected score, given an evaluator),
and the degenerate exploit probes used by the balance analyser.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from engine import arrays as A
from engine import events, expert_rounds, legal, rng, rules
from engine.compiled import CHECKLIST, Compiled
from engine.practices import PRACTICES


@dataclass
class Setup:
    staffed: np.ndarray  # (B, M) bool
    role: np.ndarray  # (B, M)
    conn: np.ndarray  # (B, M, S)
    focus: np.ndarray  # (B, K)
    missing: np.ndarray  # (B, M)
    owner: np.ndarray  # (B, L)
    action: np.ndarray  # (B, L)
    due: np.ndarray  # (B, L)


@dataclass
class Moves:
    """Changes to the team at the start of a week, before its runs: members staffed (with
    their role and skipped follow-through items) and connections made."""

    staff: np.ndarray  # (B, M) bool: newly staffed this week
    role: np.ndarray  # (B, M) role of each newly staffed member, -1 for none
    missing: np.ndarray  # (B, M) follow-through items skipped for them
    connect: np.ndarray  # (B, M, S) bool: new connections


@dataclass
class Week:
    g: np.ndarray
    a: np.ndarray
    m: np.ndarray
    s: np.ndarray
    focus: np.ndarray | None = None  # (B, K) new focus, or None
    refocus: np.ndarray | None = None  # (B,) bool: which games change focus
    moves: Moves | None = None  # team changes made before the runs, or None


def believed_focus(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B, K) influence-weighted estimate of what the buying team wants."""
    from engine.observe import estimate

    weights = b.influence * b.present
    return (weights[..., None] * estimate(c, b)[0]).sum(1)


# legality is engine.legal's; the policies read its masks through these names
_hours_left = legal.hours_left  # (B, M) hours left this week, -1 for who cannot act


class Policy:
    name = "policy"

    def __init__(self, seed: int = 0):
        self.gen = rng.generator(seed)

    def setup(self, c: Compiled, b: rules.Batch) -> Setup:
        raise NotImplementedError

    def week(self, c: Compiled, b: rules.Batch) -> Week:
        raise NotImplementedError


def _fill_roles(c: Compiled, staffed: np.ndarray, pref: np.ndarray) -> np.ndarray:
    """Assign roles member by member in preference order (B, M, R scores), within max counts
    (a compiled loop over games, engine.kernels.fill_roles)."""
    staffed = np.ascontiguousarray(staffed, bool)
    return rules._kernels().fill_roles(staffed, np.ascontiguousarray(pref), c.r_max)


def _affordable(c: Compiled, order: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Staff members in `order` (B, M) while headcount, budget and `limit` (B,) allow (a
    compiled loop over games, engine.kernels.affordable)."""
    order = np.ascontiguousarray(order, np.int64)
    limit = np.ascontiguousarray(limit, np.int64)
    avail = c.m_from <= 1
    return rules._kernels().affordable(order, limit, avail, c.m_cost, c.headcount, c.budget)


def _plan_for(c: Compiled, staffed, role, gen=None):
    """Own each milestone with a staffed member whose role runs an action that moves it
    (a compiled loop over games, engine.kernels.plan_for)."""
    staffed, role = np.ascontiguousarray(staffed, bool), np.ascontiguousarray(role, np.int64)
    return rules._kernels().plan_for(staffed, role, c.a_roles, _plan_actions(c), c.l_target)


@cache
def _plan_actions(c: Compiled) -> np.ndarray:
    """(L, A) for each milestone, the actions that move it, most progress first (numpy's
    argsort order), then -1."""
    out = np.full((len(c.milestones), len(c.actions)), -1, np.int64)
    for ms in range(len(c.milestones)):
        acts = np.flatnonzero(c.a_progress[:, ms] > 0)
        acts = acts[np.argsort(-c.a_progress[acts, ms])]
        out[ms, : len(acts)] = acts
    return out


class RandomPolicy(Policy):
    """Uniform choices among legal ones: a team of random size, random roles and links."""

    name = "random"

    def setup(self, c, b):
        B, M, S, K = b.size, len(c.members), len(c.stakeholders), len(c.dims)
        order = np.argsort(self.gen.random((B, M)), axis=1)
        size = self.gen.integers(1, c.headcount + 1, B)
        staffed = _affordable(c, order, size)
        role = _fill_roles(c, staffed, _random_f32(self.gen, (B, M, len(c.roles))))
        u = _random_f32(self.gen, (M, S, B))  # memory order, as A.random draws
        conn = A.batched(
            rules._kernels().random_links(
                u, np.float32(0.3), np.ascontiguousarray(staffed.T), rules._mem(b.present)
            )
        )
        focus = self.gen.dirichlet(np.ones(K), B)
        missing = np.where(c.m_internal, self.gen.integers(0, len(CHECKLIST) + 1, (B, M)), 0)
        owner, action, due = _plan_for(c, staffed, role)
        drop = self.gen.random(owner.shape) < 0.5
        owner, action, due = np.where(drop, -1, owner), np.where(drop, -1, action), due * ~drop
        return Setup(staffed, role, conn, focus, missing * staffed, owner, action, due)

    def week(self, c, b):
        return _random_week(self.gen, c, b, audible_p=0.2)


def _random_week(gen, c, b, audible_p=0.0, attempts=3, act_p=0.8) -> Week:
    """Each member, in each of a few rounds, acts with chance `act_p` and then picks an
    action uniformly among those they may still run, and a target uniformly among those
    it may aim at. The picks read legal's menus (the legal runs in order of hours, the
    legal targets); the rounds, and their draws from `gen`, are one compiled loop
    (engine.kernels.random_rounds)."""
    B, K = b.size, len(c.dims)
    left = rules._mem(_hours_left(c, b))  # (M, B), a new array the rounds spend
    pcg = _pcg_state(gen)
    g, a, m, s = rules._kernels().random_rounds(
        pcg,
        left,
        (*legal._hour_levels(c), *legal._hour_lut(c)),
        legal.run_menu_rows(c, b),
        legal.target_menu_rows(c, b),
        (c.a_internal, c.a_hours),
        np.float32(act_p),
        attempts,
    )
    _set_pcg_state(gen, pcg)
    refocus = (b.ended == 0) & (gen.random(B) < audible_p)
    focus = np.zeros((B, K))  # new foci only for the games that change theirs
    focus[refocus] = gen.dirichlet(np.ones(K), int(refocus.sum()))
    return Week(g, a, m, s, focus=focus, refocus=refocus)


def _pcg_state(gen: np.random.Generator) -> np.ndarray:
    """The bots' generator's PCG64 state (see rng.generator) as (6,) uint64 for the compiled
    draws (engine.kernels.pcg_floats): state and increment, high word first, has_uint32
    and uinteger."""
    st = gen.bit_generator.state
    if st["bit_generator"] != "PCG64":
        raise ValueError("the bots draw from a PCG64 generator (engine.rng.generator)")
    x, inc, low = st["state"]["state"], st["state"]["inc"], (1 << 64) - 1
    words = (x >> 64, x & low, inc >> 64, inc & low, st["has_uint32"], st["uinteger"])
    return np.array(words, np.uint64)


def _set_pcg_state(gen: np.random.Generator, pcg: np.ndarray) -> None:
    """Put the state the compiled draws left back into the generator."""
    x, inc = (int(pcg[0]) << 64) | int(pcg[1]), (int(pcg[2]) << 64) | int(pcg[3])
    gen.bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": x, "inc": inc},
        "has_uint32": int(pcg[4]),
        "uinteger": int(pcg[5]),
    }


def _random_f32(gen: np.random.Generator, shape: tuple) -> np.ndarray:
    """gen.random(shape, np.float32), the same numbers and the same state after, drawn by
    the compiled PCG64 (about twice as fast)."""
    pcg = _pcg_state(gen)
    out = np.empty(shape, np.float32)
    rules._kernels().pcg_floats(pcg, out.reshape(-1))
    _set_pcg_state(gen, pcg)
    return out


def _week(gs, as_, ms, ss, focus=None, refocus=None) -> Week:
    """The week's runs, round after round. They need no sorting by game: each game's runs
    keep their relative order, which is the order its single-game replay takes them in."""
    cat = [
        np.concatenate(x).astype(int, copy=False) if x else np.zeros(0, int)
        for x in (gs, as_, ms, ss)
    ]
    return Week(*cat, focus=focus, refocus=refocus)


KNOWN_ENOUGH = 0.45  # the expert sets its strategy once it knows this much of the customer


def _even(focus: np.ndarray) -> np.ndarray:
    """(B,) the focus is the even, uninformed default."""
    return np.abs(focus - 1.0 / focus.shape[-1]).max(-1) < 1e-9


def known_share(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B,) influence-weighted share of the buying team's priorities the team knows."""
    know = rules.team_know(b)  # (B, S)
    weight = b.influence * b.present
    return A.ratio(A.total(weight * know), A.total(weight))


def _best_links(c: Compiled, staffed: np.ndarray) -> np.ndarray:
    """(B, S) the staffed member best placed to be each stakeholder's connection point:
    the smallest seniority gap, the more senior on a tie; -1 when nobody is staffed."""
    gap = np.maximum(0, c.st_seniority[None, :] - c.m_seniority[:, None])  # (M, S)
    score = -gap + 0.01 * c.m_seniority[:, None]
    best = np.where(staffed[..., None], score[None], -np.inf).argmax(1)
    return np.where(staffed.any(1, keepdims=True), best, -1)


def _by_game(b: rules.Batch, name: str, x: np.ndarray) -> np.ndarray:
    """x (B, ...) as a C-contiguous, game-major copy, memoised with x itself."""
    return rules.derived(b, f"{name}.by_game", (x,), lambda: np.ascontiguousarray(x))


@dataclass
class ExpertPolicy(Policy):
    """Plays the practices as the scenario's rules reward them: fit-first staffing with one
    quarterback; a connection point for every influencer (joiners too); discovery before
    strategy; an owned plan; the follow-through checklist; re-alignment after each shift and
    no other audibles; account reviews and coaching on the rules' cadence; and every
    customer request for an expert answered. A `variant` drops one practice (a probe)."""

    seed: int = 0
    name = "expert"
    variant: str = ""  # the practice probe this expert plays as, or "" for the full expert

    def __post_init__(self):
        Policy.__init__(self, self.seed)
        if self.variant:
            self.name = self.variant

    def _team_order(self, c: Compiled) -> np.ndarray:
        fit = c.m_skill @ c.r_needs.T  # (M, R)
        if self.variant == "cheapest_staff":
            return np.argsort(c.m_cost, kind="stable")
        if self.variant == "star_staff":  # reputation: seniority, then breadth of skill
            return np.lexsort((-c.m_skill.sum(1), -c.m_seniority))
        chosen: list[int] = []
        for r in [c.qb_role, *[r for r in np.argsort(-c.r_min) if r != c.qb_role]]:
            for m in np.argsort(
                -(fit[:, r] + 0.1 * c.chem[chosen].sum(0) if chosen else fit[:, r])
            ):
                if m not in chosen and c.m_from[m] <= 1:
                    chosen.append(int(m))
                    break
        rest = [m for m in np.argsort(-fit.max(1)) if m not in chosen]
        return np.array(chosen + rest)

    def _skipped(self, c: Compiled, staffed: np.ndarray) -> np.ndarray:
        """Follow-through items skipped for each staffed borrowed specialist."""
        skip = len(CHECKLIST) if self.variant == "skip_checklist" else 0
        return np.where(c.m_internal & staffed, skip, 0)

    def setup(self, c, b):
        B = b.size
        if b.week == 0 and B > 1:  # every game starts alike: staff and plan one, copy it
            one = self._team_and_plan(c, rules.first_game(b))
            staffed, role, conn, missing, owner, action, due = (A.broadcast(x[0], B) for x in one)
        else:
            staffed, role, conn, missing, owner, action, due = self._team_and_plan(c, b)
        # what the team believes of the customer differs from game to game (observation noise)
        b2 = rules.set_team(b, staffed=staffed, conn=conn)
        guessed = self.variant == "skip_discovery" or self.variant == "audible_every_week"
        informed = guessed | (known_share(c, b2) >= KNOWN_ENOUGH)
        focus = np.where(informed[:, None], believed_focus(c, b2), 1.0 / len(c.dims))
        return Setup(staffed, role, conn, focus, missing, owner, action, due)

    def _team_and_plan(self, c: Compiled, b: rules.Batch) -> tuple:
        """The team (staffed, role, conn, skipped items) and the plan (owner, action, due)."""
        B, M = b.size, len(c.members)
        order = np.broadcast_to(self._team_order(c), (B, M))
        staffed = _affordable(c, order, np.full(B, c.headcount))
        fit = c.m_skill @ c.r_needs.T
        pref = np.broadcast_to(fit.copy(), (B, M, len(c.roles))).copy()
        pref[..., c.qb_role] += 0.3
        if self.variant == "star_staff":  # the most senior calls the plays
            pref[..., c.qb_role] += 0.1 * c.m_seniority[None, :]
        if self.variant == "no_quarterback":
            pref[..., c.qb_role] = -np.inf
        role = _fill_roles(c, staffed, pref)
        conn = np.zeros_like(b.conn)
        if self.variant not in ("one_stakeholder", "no_connections"):
            who = _best_links(c, staffed)  # (B, S)
            rows = np.arange(B)[:, None]
            conn[rows, np.clip(who, 0, None), np.arange(len(c.stakeholders))[None]] = who >= 0
            conn &= b.present[:, None, :]
        if self.variant == "no_plan":
            L = len(c.milestones)
            owner, action, due = np.full((B, L), -1), np.full((B, L), -1), np.zeros((B, L), int)
        else:
            owner, action, due = _plan_for(c, staffed, role)
        return staffed, role, conn, self._skipped(c, staffed), owner, action, due

    def _moves(self, c: Compiled, b: rules.Batch) -> Moves | None:
        """Answer open requests for an expert and connect stakeholders who have joined."""
        B, M, S = b.size, len(c.members), len(c.stakeholders)
        w = b.week
        staff = A.zeros((B, M), bool)
        connect = A.zeros((B, M, S), bool)
        live = b.ended == 0
        staffed = np.copy(b.staffed)
        if self.variant != "ignore_requests":
            for e in np.flatnonzero(c.e_req_on):
                q, s = c.e_req_skill[e], c.e_req_stakeholder[e]
                asked = np.flatnonzero(live & (b.request_due[:, e] >= w) & b.present[:, s])
                if not len(asked):
                    continue
                # the games with the request open, apart: usually a few of the batch
                skill = b.skill[asked, :, q]
                able = skill >= c.e_req_level[e]  # (n, M)
                here = (c.m_from <= w) & (w <= c.m_until) & (b.away_until[asked] < w)
                team = staffed[asked]
                cost = A.total(team * c.m_cost, 1)
                fits = (cost[:, None] + c.m_cost <= b.budget[asked, None]) & (
                    team.sum(1, keepdims=True) < c.headcount
                )
                on_team = able & team
                hire = ~on_team.any(1)
                pool = able & ~team & here & fits & hire[:, None]
                pick = np.where(pool, skill, -np.inf).argmax(1)
                hired = pool.any(1)
                rows = asked[hired]
                staff[rows, pick[hired]] = True
                staffed[rows, pick[hired]] = True
                who = np.where(hired, pick, np.where(on_team, skill, -np.inf).argmax(1))
                reach = on_team.any(1) | hired
                fresh = reach & ~b.conn[asked, who, s]
                connect[asked[fresh], who[fresh], s] = True
        if self.variant not in ("one_stakeholder", "no_connections"):
            linked = rules.covered_by(b) | connect.any(1)  # (B, S)
            lonely = live[:, None] & b.present & ~linked
            if lonely.any():
                who = _best_links(c, b.staffed)
                g, st = np.nonzero(lonely & (who >= 0))
                connect[g, who[g, st], st] = True
        if not staff.any() and not connect.any():
            return None
        role = np.full((B, M), -1)
        if staff.any():
            fit = c.m_skill @ c.r_needs.T  # (M, R)
            held = np.stack([((b.role == r) & b.staffed).sum(1) for r in range(len(c.roles))], 1)
            for g, m in zip(*np.nonzero(staff), strict=True):
                room = held[g] < c.r_max
                room[c.qb_role] = False
                if room.any():
                    role[g, m] = int(np.where(room, fit[m], -np.inf).argmax())
                    held[g, role[g, m]] += 1
        return Moves(staff, role, self._skipped(c, staff), connect)

    def _runs(self, c: Compiled, b: rules.Batch, know: np.ndarray, learning: np.ndarray):
        """The week's runs. In each of three rounds every member takes the action worth most
        per hour among those they may still run, aimed at whoever needs it most; only one
        account review and one coaching session a week earn the rules' cadence bonus."""
        w, R = b.week, c.rules
        open_ms = np.clip(b.progress / c.l_effort, 0, 1) < 1
        if c.close >= 0 and len(c.milestones) > 1:
            open_ms[:, c.close] &= ~np.delete(open_ms, c.close, axis=1).any(1)
        need = b.influence * b.present * (1.2 - b.stance)  # who to work on
        avoid = events.avoidable(c, b)  # (B, A) runs and (B, S) meetings that avert a penalty
        if events.tables(c).track_met:
            need = need + 2.0 * avoid[1]
        if self.variant == "one_stakeholder":
            need = np.zeros_like(need)
            need[:, int(np.argmax(c.st_influence))] = 1
        unknown = b.influence * b.present * (1 - know)  # (B, S) what is left to discover
        probing = c.a_discovery >= 0.8 * c.a_discovery.max()  # (A,) discovery-led actions
        per_hour = c.a_hours**-0.3
        cadence = (
            (
                c.a_share,
                c.a_share * (1.0 + 10 * R.review_lapse_quality) * per_hour,
                (w - b.last_review) >= R.review_every,
            ),
            (
                c.a_coaching > 0,
                (c.a_coaching > 0) * (0.5 + 10 * R.coaching_lapse_morale) * per_hour,
                (w - b.last_coaching) >= R.coaching_every,
            ),
        )
        if events.tables(c).behaviour.any():  # leave no penalty the rules make avoidable
            cadence += _avoidance(c, avoid[0], per_hour)
        banned = np.zeros(len(c.actions), bool)
        if self.variant == "skip_discovery":
            banned |= probing
        if self.variant == "no_rhythm":
            banned |= c.a_share | (c.a_coaching > 0)
        actions = (
            np.asarray(c.a_hours, float),
            banned,
            np.asarray(c.a_internal, bool),
            probing,
            np.ascontiguousarray(c.a_targets[:, c.st_role]),  # (A, S)
            np.asarray(c.a_discovery, float),
            np.ascontiguousarray(c.a_progress, dtype=float),  # (A, L)
            float(c.l_effort.mean()),
            np.asarray(2 * c.a_stance, float),
            np.asarray(c.a_competition, float),
            np.asarray(per_hour, float),
            self.variant == "skip_discovery",
            np.array([kind for kind, _, _ in cadence], bool),  # (K, A)
            np.array([bonus for _, bonus, _ in cadence], float),
        )
        g, a, m, s = expert_rounds.run(
            b.size,
            actions,
            np.ascontiguousarray(need, dtype=float),
            np.ascontiguousarray(unknown, dtype=float),
            learning,
            np.ascontiguousarray(open_ms),
            _by_game(b, "present", b.present),
            _by_game(b, "conn", b.conn),
            _by_game(b, "allowed", legal.allowed(c, b)),
            np.ascontiguousarray(_hours_left(c, b), dtype=float),
            np.array([due for _, _, due in cadence], bool).T.copy(),  # (B, K)
            3,
        )
        return [g], [a], [m], [s]

    def week(self, c, b):
        w = b.week
        R = c.rules
        live = b.ended == 0
        if self.variant == "last_week_pile" and w < c.weeks:
            return _week([], [], [], [])
        know = rules.team_know(b)  # (B, S)
        if b.stale.any():  # after a silent shift the team is as sure as it was before
            know = know + np.minimum(b.stale, 1.0 - know)
        informed = known_share(c, b) >= KNOWN_ENOUGH  # (B,) else discovery comes first
        gs, as_, ms, ss = self._runs(c, b, know, ~informed)
        moves = self._moves(c, b)
        if self.variant == "audible_every_week":
            refocus = live.copy()
            focus = np.roll(believed_focus(c, b), w, axis=1)
        else:
            shift = rules.recent_shift(b, w, max(R.response_weeks, 1))
            settle = _even(b.focus) & informed
            if self.variant == "skip_discovery":
                settle = np.zeros_like(settle)
            if (live & (settle | shift)).any():  # the belief matters only to a possible audible
                focus = believed_focus(c, b)
                drift = rules.cosine(b.focus, focus) < 0.995
                refocus = live & (settle | (shift & drift))
            else:
                focus, refocus = b.focus, np.zeros_like(live)
        wk = _week(gs, as_, ms, ss, focus, refocus)
        wk.moves = moves
        return wk


class GreedyPolicy(Policy):
    """One-step lookahead: try a few candidate weeks, keep the one with the best expected score.

    `evaluate(trace) -> (B,) expected score` is injected (the engine does not import scoring).
    """

    name = "greedy"

    def __init__(self, evaluate, seed: int = 0, candidates: int = 4):
        super().__init__(seed)
        self.evaluate = evaluate
        self.candidates = candidates
        self.base = RandomPolicy(seed + 1)
        self.expert = ExpertPolicy(seed + 2)

    def setup(self, c, b):
        opts = [self.expert.setup(c, b)] + [
            self.base.setup(c, b) for _ in range(self.candidates - 1)
        ]
        best = None
        best_val = np.full(b.size, -np.inf)
        for st in opts:
            t = _apply_setup(c, b, st)
            t = rules.start_week(c, t)
            val = self.evaluate(rules.trace(c, rules.resolve_week(c, t, *[np.zeros(0, int)] * 4)))
            take = val > best_val
            best_val = np.where(take, val, best_val)
            best = st if best is None else _merge_setup(best, st, take)
        return best

    def week(self, c, b):
        best, best_val = None, np.full(b.size, -np.inf)
        for k in range(self.candidates):
            wk = _random_week(self.base.gen, c, b, audible_p=0.0) if k else self.expert.week(c, b)
            nb = _apply_week_focus(c, b, wk)
            val = self.evaluate(rules.trace(c, rules.resolve_week(c, nb, wk.g, wk.a, wk.m, wk.s)))
            take = val > best_val
            best_val = np.where(take, val, best_val)
            best = wk if best is None else _merge_week(best, wk, take)
        return best


def _avoidance(c: Compiled, run: np.ndarray, per_hour: np.ndarray) -> tuple:
    """Cadence entries (kind, bonus, due) for the actions whose run this week keeps a
    harmful `if_not_run` event from firing (`run`: engine.events.avoidable's first)."""
    out = []
    for a in np.flatnonzero(run.any(0)):
        kind = np.arange(len(c.actions)) == a
        out.append((kind, kind * 5.0 * per_hour, np.copy(run[:, a])))
    return tuple(out)


def _merge_setup(a: Setup, b: Setup, take: np.ndarray) -> Setup:
    out = {}
    for k in a.__dataclass_fields__:
        x, y = getattr(a, k), getattr(b, k)
        out[k] = np.where(take.reshape((-1,) + (1,) * (x.ndim - 1)), y, x)
    return Setup(**out)


def _merge_week(a: Week, b: Week, take: np.ndarray) -> Week:
    """Week b for the games in `take`, week a for the others (each game's runs come whole
    from one of them, so they keep their order)."""
    keep_a = ~take[a.g]
    keep_b = take[b.g]
    parts = [np.concatenate([getattr(a, k)[keep_a], getattr(b, k)[keep_b]]) for k in "gams"]
    fa = a.refocus if a.refocus is not None else np.zeros(len(take), bool)
    fb = b.refocus if b.refocus is not None else np.zeros(len(take), bool)
    focus_a = a.focus if a.focus is not None else np.zeros(1)
    focus_b = b.focus if b.focus is not None else focus_a
    refocus = np.where(take, fb, fa)
    focus = np.where(take[:, None], focus_b, focus_a) if refocus.any() else None
    return Week(*parts, focus=focus, refocus=refocus, moves=_merge_moves(a.moves, b.moves, take))


def _merge_moves(a: Moves | None, b: Moves | None, take: np.ndarray) -> Moves | None:
    if a is None and b is None:
        return None
    if a is None or b is None:
        some = a if a is not None else b
        none = Moves(*(np.zeros_like(getattr(some, k)) for k in Moves.__dataclass_fields__))
        none.role[:] = -1
        a, b = (none, b) if a is None else (a, none)
    out = {}
    for k in Moves.__dataclass_fields__:
        x, y = getattr(a, k), getattr(b, k)
        out[k] = np.where(take.reshape((-1,) + (1,) * (x.ndim - 1)), y, x)
    return Moves(**out)


def _apply_setup(c: Compiled, b: rules.Batch, st: Setup) -> rules.Batch:
    b = rules.set_team(b, staffed=st.staffed, role=st.role, conn=st.conn, missing=st.missing)
    b = rules.set_team(b, role=st.role, conn=st.conn, focus=rules.unit(st.focus))
    return rules.set_plan(b, st.owner, st.action, st.due)


def _apply_moves(c: Compiled, b: rules.Batch, mv: Moves | None) -> rules.Batch:
    """Staff, assign and connect as the week's moves say (before its focus and runs)."""
    if mv is None:
        return b
    if not mv.staff.any():  # connections only: the team's other arrays (and memos) stay
        return rules.set_team(b, conn=b.conn | mv.connect)
    staffed = b.staffed | mv.staff
    role = np.where(mv.staff, mv.role, b.role)
    missing = np.where(mv.staff, mv.missing, b.missing)
    return rules.set_team(b, staffed=staffed, role=role, conn=b.conn | mv.connect, missing=missing)


def _apply_week_focus(c: Compiled, b: rules.Batch, wk: Week) -> rules.Batch:
    b = _apply_moves(c, b, wk.moves)
    if wk.refocus is None or not wk.refocus.any():
        return b
    rows = np.flatnonzero(wk.refocus)  # the games that change theirs take the new focus,
    new = np.ascontiguousarray(wk.focus[rows], float)  # as a unit (rules.unit)
    focus = rules._kernels().refocus(np.copy(rules._mem(b.focus)), rows, new)
    return rules.set_team(b, focus=A.batched(focus))


DEGENERATE = (
    "one_stakeholder",
    "cheapest_staff",
    "audible_every_week",
    "skip_discovery",
    "last_week_pile",
)
PROBES = tuple(dict.fromkeys(p.probe for p in PRACTICES))  # the expert minus one practice
VARIANTS = tuple(dict.fromkeys((*DEGENERATE, *PROBES)))


def make_policy(name: str, seed: int = 0, evaluate=None) -> Policy:
    """A policy by name: random, expert, greedy, or one of DEGENERATE."""
    if name == "random":
        return RandomPolicy(seed)
    if name == "expert":
        return ExpertPolicy(seed)
    if name == "greedy":
        if evaluate is None:
            raise ValueError("the greedy policy needs an evaluator")
        return GreedyPolicy(evaluate, seed)
    if name in VARIANTS:
        return ExpertPolicy(seed, variant=name)
    raise ValueError(f"unknown policy '{name}'")


SETUP_ONLY = ("cheapest_staff", "star_staff", "no_quarterback", "no_plan")  # differ in
# the opening team and plan alone (`ExpertPolicy._team_and_plan`), never in a week


def plays_as_expert(c: Compiled, name: str) -> bool:
    """The probe `name` makes exactly the expert's decisions in every game of this scenario,
    because the practice it drops never comes up: no customer asks for an expert
    (ignore_requests); no borrowed specialist is ever on the expert's team (skip_checklist:
    none in the roster, or none in its opening team and no request to hire one later); or
    the probe opens with the expert's very team, roles and plan (SETUP_ONLY). The balance
    report then plays the expert once for both."""
    requests = bool(c.e_req_on.any())
    one = rules.new_batch(c, np.zeros(1, np.uint64))
    if name == "ignore_requests":
        return not requests
    if name == "skip_checklist":
        if not c.m_internal.any():
            return True
        staffed = ExpertPolicy()._team_and_plan(c, one)[0]
        return not requests and not (staffed & c.m_internal).any()
    if name in SETUP_ONLY:  # the team, roles and plan; conn and missing follow from them
        mine = ExpertPolicy(variant=name)._team_and_plan(c, one)
        expert = ExpertPolicy()._team_and_plan(c, one)
        return all(np.array_equal(x, y) for x, y in zip(mine, expert, strict=True))
    return False
