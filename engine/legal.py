"""Legality, in one place: which decisions the rules allow, as arrays over a batch of games.

The bots ask for masks over every game, member and action at once; the single game
(engine.state) asks about one decision in its batch of one and turns the first condition
that fails (a `No` code) into the player's reason. `rules.resolve_week` trusts the runs
it is given: they come from these masks (bots) or through `GameState.apply`, which
checks them here; tests/test_legality.py checks that all of them agree.

A member may run an action in a week when, in this order: the game is open and under
way (OVER, NOT_STARTED); the member is on the team (NOT_STAFFED), not pulled away
(AWAY) and within the weeks they are available (WEEKS); their role may run it (ROLE);
they have its hours left (HOURS); and the target fits: none for an internal action
(INTERNAL), otherwise a stakeholder of the scenario (NO_TARGET) on the buying team
(ABSENT) of a buying role the action may aim at (BUYER).

- `runs(c, b, left)`: (B, M, A) may m run a now (by all of the above, for some target);
  what the bots choose from. `targets(c, b)`: (B, A, S) which stakeholders fit.
- `run_menu(c, b)` and `target_menu(c, b)`: the same masks as menus, for the bots that
  pick among the legal runs: each member's allowed actions in order of hours (so the
  runs they can afford are a prefix, `affordable`), and each action's legal targets.
- `run_check(c, b, g, a, m, s)`: the code of each of n runs, taken in order (a member's
  earlier runs use their hours first); `run_code` is the same for one run, for the
  single game. Both read `run_table`, (B, M, A, 2 + S): the code of every run by every
  condition but the hours.
- Staffing, releases, role assignment and connections: `staff_check`, `release_check`,
  `assign_check`, `connect_check`, `disconnect_check`, each an array of codes.

Every table is memoised on the arrays it reads (`rules.derived`), so asking again about
an unchanged state costs a lookup.
"""

from __future__ import annotations

from enum import IntEnum
from functools import cache

import numpy as np

from engine import arrays as A
from engine import rules
from engine.compiled import Compiled


class No(IntEnum):
    """Why a decision is refused; OK (0) when it is legal. A check returns the first."""

    OK = 0
    OVER = 1  # the game is decided
    NOT_STARTED = 2  # runs wait for week 1
    NOT_STAFFED = 3
    AWAY = 4  # pulled away by an event this week
    WEEKS = 5  # outside the member's available weeks
    ROLE = 6  # the member's role may not run the action
    HOURS = 7  # not enough hours left this week
    INTERNAL = 8  # an internal action takes no target
    NO_TARGET = 9  # an external action needs a stakeholder of the scenario
    ABSENT = 10  # the stakeholder is not on the buying team yet
    BUYER = 11  # the action cannot aim at that buying role
    ON_TEAM = 12  # already staffed
    HEADCOUNT = 13
    BUDGET = 14
    ROLE_FULL = 15  # the role is at its maximum count
    CONNECTED = 16  # already connected
    NOT_CONNECTED = 17
    BOOKED = 18  # has runs booked this week


def _first(conditions: list[tuple[np.ndarray, No]], shape) -> np.ndarray:
    """The code of the first failed condition (each a bool array, True = fails), else OK."""
    failed = np.empty((len(conditions), *np.atleast_1d(shape)), bool)
    for k, (f, _) in enumerate(conditions):
        failed[k] = f
    codes = np.array([code for _, code in conditions], np.int8)
    return np.where(failed.any(0), codes.take(failed.argmax(0)), np.int8(No.OK))


# ---- runs -------------------------------------------------------------------------------
# Three tables hold the conditions: who can act this week (member_check), what each
# member's role may run (role_may_run) and what each action may aim at (target_check).


def live(b: rules.Batch) -> np.ndarray:
    """(B,) the game is still open."""
    return b.ended == 0


def available(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B, M) on the team, not pulled away, and within their available weeks this week
    (the member conditions of `member_check`, as one mask for the bots)."""
    w = b.week

    def compute():
        return b.staffed & (b.away_until < w) & (c.m_from <= w) & (w <= c.m_until)

    return rules.derived(b, "available", (b.staffed, b.away_until), compute, key=w)


def member_check(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B, M) `No` code of member m acting in game g this week: the game open and under
    way, and the member available (OK exactly where `live` and `available`)."""
    w = b.week

    def compute():
        return _first(
            [
                (~live(b)[:, None], No.OVER),
                (w == 0, No.NOT_STARTED),
                (~b.staffed, No.NOT_STAFFED),
                (b.away_until >= w, No.AWAY),
                ((c.m_from > w) | (w > c.m_until), No.WEEKS),
            ],
            b.staffed.shape,
        )

    return rules.derived(b, "member_check", (b.staffed, b.away_until, b.ended), compute, key=w)


def hours_left(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B, M) hours each member has left this week; -1 for one who cannot act at all
    (not available, or the game is decided), so no action fits (every action takes an
    hour or more)."""
    args = (b.staffed, b.away_until, b.hours)
    left = rules._kernels().hours_left(
        *map(rules._mem, args), b.ended, c.m_from, c.m_until, c.m_capacity, b.week
    )
    return A.batched(left)


def role_table(c: Compiled) -> np.ndarray:
    """(1 + R, A) which actions each role may run; row 0 is "no role" (none)."""
    return np.vstack([np.zeros(len(c.actions), bool), c.a_roles.T])


def role_may_run(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B, M, A) member m's role may run action a (a member without a role runs nothing;
    only staffed members hold roles)."""

    def compute():
        role_ok = role_table(c).take(A.memory(b.role) + 1, 0)  # (M, B, A)
        return A.batched(np.ascontiguousarray(role_ok.transpose(0, 2, 1)))

    return rules.derived(b, "role_may_run", (b.role,), compute)


def target_check(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B, A, 2 + S) `No` code of action a aimed at: column 0 a stakeholder the scenario
    does not have, column 1 no one, column 2 + s stakeholder s. An internal action takes
    no target; any other a stakeholder on the buying team of a buying role it aims at."""

    def compute():
        B, S = b.size, len(c.stakeholders)
        internal = c.a_internal[None, :, None]
        aims = np.zeros((B, len(c.actions), 2 + S), bool)
        aims[..., 2:] = c.a_targets[:, c.st_role][None]
        present = np.ones((B, 1, 2 + S), bool)
        present[:, 0, 2:] = b.present
        named = np.arange(2 + S) != 1  # a target is given
        real = np.arange(2 + S) >= 2  # ... and is the scenario's
        return _first(
            [
                (internal & named, No.INTERNAL),
                (~internal & ~real, No.NO_TARGET),
                (~internal & ~present, No.ABSENT),
                (~internal & ~aims, No.BUYER),
            ],
            aims.shape,
        )

    return rules.derived(b, "target_check", (b.present,), compute)


def has_target(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B, A) the action is internal or some present stakeholder's buying role fits it
    (some column of `target_check` is OK)."""
    present_roles = A.stack([b.present[:, c.st_role == k].any(1) for k in range(4)])  # (B, 4)
    aims = (A.memory(present_roles)[None] & c.a_targets[..., None]).any(1)  # (A, B)
    return A.batched(aims | c.a_internal[:, None])


def allowed(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B, M, A) which actions each member's role may run, given who is present to target
    (`role_may_run` and `has_target`). That depends only on the member's role and on which
    buying roles are present, so it is gathered from a table of those (`_presence_table`).
    Memoised on (role, present), which change now and then (see rules.derived)."""

    def compute():
        table = _presence_table(c)
        return A.batched(
            rules._kernels().gather_rows(table.reshape(-1, table.shape[-1]), _rows(c, b))
        )

    return rules.derived(b, "allowed", (b.role, b.present), compute)


@cache
def _presence_table(c: Compiled) -> np.ndarray:
    """(1 + R, 2**T, A) `allowed` for a member of each role (row 0: none) when the buying
    roles present are those of the bits of the middle index (bit k for buying role k of
    T): the role may run the action, and it is internal or aims at a present buying
    role (as `role_may_run` and `has_target` decide)."""
    T = c.a_targets.shape[1]
    present = (np.arange(2**T)[:, None] >> np.arange(T)) & 1 == 1  # (2**T, T)
    aims = (present[:, None, :] & c.a_targets[None]).any(-1) | c.a_internal  # (2**T, A)
    return role_table(c)[:, None, :] & aims[None]


def _rows(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(M, B) each member's row of `_presence_table` flattened: (role + 1) x 2**T + the
    game's present buying roles as bits; memoised on (role, present)."""

    def compute():
        T = c.a_targets.shape[1]
        present = A.memory(b.present)  # (S, B)
        code = np.zeros(b.size, np.int64)
        for k in range(T):
            code |= present[c.st_role == k].any(0).astype(np.int64) << k
        return (A.memory(b.role) + 1) * (1 << T) + code

    return rules.derived(b, "presence_rows", (b.role, b.present), compute)


def runs(c: Compiled, b: rules.Batch, left: np.ndarray | None = None) -> np.ndarray:
    """(B, M, A) may member m of game g run action a now: available, by role, with a target
    to aim at, and with the hours (`left`, from `hours_left`, less what the caller has
    booked since; by default `hours_left(c, b)`)."""
    if left is None:
        left = hours_left(c, b)
    affordable = A.memory(left)[:, None, :] >= c.a_hours[:, None]  # (M, A, B)
    return allowed(c, b) & A.batched(affordable)


def targets(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B, A, S) the stakeholders each action may aim at now: present, of a buying role it
    targets (none for an internal action)."""
    return c.a_targets[:, c.st_role][None] & b.present[:, None, :]


def by_hours(c: Compiled) -> tuple[np.ndarray, np.ndarray]:
    """The actions in order of hours (cheapest first, then by index) and their hours."""
    order = np.argsort(c.a_hours, kind="stable")
    return order, c.a_hours.take(order)


def run_menu(c: Compiled, b: rules.Batch) -> tuple[np.ndarray, np.ndarray]:
    """`runs` as a menu per (game, member), for choosing among the legal runs without
    building the (B, M, A) mask each time: `menu` (B, M, A) lists the actions `allowed`
    gives the member in order of hours (cheapest first; the rest of the row is -1) and
    `counts` (B, M, A + 1) how many of them take at most the first j hours of `by_hours`.
    A member with h hours left may run exactly the first `counts[..., j]` entries of
    their menu, where j = `affordable(c, h)`. Gathered from `run_menu_rows`; memoised
    with `allowed`."""

    def compute():
        rows, menus, counts = run_menu_rows(c, b)
        K = rules._kernels()
        return A.batched(K.gather_rows(menus, rows)), A.batched(K.gather_rows(counts, rows))

    return rules.derived(b, "run_menu", (b.role, b.present), compute)


def run_menu_rows(c: Compiled, b: rules.Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`run_menu` in short: rows (M, B), in memory order, and the tables menus (rows, A)
    and counts (rows, A + 1) int8, game g's member m's menu and counts being the rows
    rows[m, g] of the tables (a member's menu depends only on their role and on which
    buying roles are present, see `_presence_table`)."""
    return (_rows(c, b), *_menu_table(c))


@cache
def _menu_table(c: Compiled) -> tuple[np.ndarray, np.ndarray]:
    """The menu and counts of `run_menu` for each row of `_presence_table` (flattened):
    (rows, A) and (rows, A + 1) int8."""
    order, _ = by_hours(c)
    ok = _presence_table(c).reshape(-1, len(order))[:, order]  # (rows, A) by hours
    menus = np.full(ok.shape, -1, np.int8)
    for row, allowed_ in enumerate(ok):
        menus[row, : allowed_.sum()] = order[allowed_]
    counts = np.zeros((len(ok), len(order) + 1), np.int8)
    counts[:, 1:] = np.cumsum(ok, 1)
    return menus, counts


def affordable(c: Compiled, left: np.ndarray) -> np.ndarray:
    """How many actions of `by_hours` take at most `left` hours (same shape as left)."""
    levels, n = _hour_levels(c)
    out = np.zeros(np.shape(left), np.int8)
    for h, k in zip(levels, n, strict=True):
        step = np.greater_equal(left, h).view(np.int8)
        out += step if k == 1 else step * np.int8(k)
    return out


@cache
def _hour_levels(c: Compiled) -> tuple[np.ndarray, np.ndarray]:
    """The distinct hours actions take (a handful), and how many actions take each."""
    return np.unique(c.a_hours, return_counts=True)


@cache
def _hour_lut(c: Compiled) -> tuple[np.ndarray, float, float]:
    """`affordable` as a table over whole hours (`hour_lut` of `_hour_levels`)."""
    return hour_lut(*_hour_levels(c))


def hour_lut(levels: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(table, lo, hi): when every action takes whole hours, h hours afford what floor(h)
    do, table[floor(h) - lo] actions for floor(h) within lo..hi (one under the cheapest to
    the dearest; below and above, as at lo and hi). `levels` are the distinct hours and
    `n` how many actions take each. An empty table when some hours are fractional."""
    if not np.array_equal(levels, np.floor(levels)) or levels[-1] - levels[0] > 10_000:
        return np.zeros(0, np.int64), 0.0, 0.0
    lo, hi = float(levels[0] - 1), float(levels[-1])
    whole = np.arange(lo, hi + 1)
    return (n * (whole[:, None] >= levels)).sum(1).astype(np.int64), lo, hi


def _menu(ok: np.ndarray, label: np.ndarray) -> np.ndarray:
    """(X, N, B) int8: for each row of ok (X, N, B) bool over its middle axis, the labels
    of its Trues in order, then -1 (a compiled loop, engine.kernels.menu)."""
    return rules._kernels().menu(np.ascontiguousarray(ok), np.ascontiguousarray(label))


def target_menu(c: Compiled, b: rules.Batch) -> tuple[np.ndarray, np.ndarray]:
    """`targets` as a menu: `menu` (B, A, S) the stakeholders each action may aim at now,
    in index order (then -1), and `counts` (B, A) how many. Gathered from
    `target_menu_rows`; memoised on who is present."""

    def compute():
        which, menus, counts = target_menu_rows(c, b)
        K, (U, A_, S) = rules._kernels(), menus.shape
        menu = K.gather_rows(menus.reshape(U, -1), which[None])[0]
        count = K.gather_rows(counts, which[None])[0]
        return A.batched(menu.reshape(A_, S, b.size)), A.batched(count)

    return rules.derived(b, "target_menu", (b.present,), compute)


def target_menu_rows(c: Compiled, b: rules.Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`target_menu` in short: which (B,) and the tables menus (U, A, S) and counts (U, A)
    int8, game g's menu and counts being row which[g] of the tables: a game's menu depends
    only on who is present, so it is made once for each set of present stakeholders in
    the batch (a handful). Memoised on who is present."""

    def compute():
        present = A.memory(b.present)  # (S, B)
        S = len(present)
        if S > 62:  # one row per game
            which, first = np.arange(b.size), np.arange(b.size)
        else:
            code = np.zeros(b.size, np.int64)
            for y in range(S):
                code |= present[y].astype(np.int64) << y
            _, first, which = np.unique(code, return_index=True, return_inverse=True)
        menu, counts = _target_menu(c, present[:, first])  # (A, S, U), (A, U)
        menus = np.ascontiguousarray(menu.transpose(2, 0, 1))
        return which.astype(np.int64), menus, np.ascontiguousarray(counts.T)

    return rules.derived(b, "target_menu_rows", (b.present,), compute)


def _target_menu(c: Compiled, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The target menu (A, S, G) and counts (A, G) of G games' present stakeholders (S, G)."""
    ok = c.a_targets[:, c.st_role][..., None] & present[None]  # (A, S, G)
    return _menu(ok, np.arange(ok.shape[1])), ok.sum(1, dtype=np.int8)


def run_table(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B, M, A, 2 + S) `No` code of member m running action a at target column t (as in
    `target_check`: 0 an unknown stakeholder, 1 none, 2 + s stakeholder s) by every
    condition but the hours, in order: the member, the role, the target."""

    def compute():
        member = member_check(c, b)[:, :, None, None]
        target = np.where(role_may_run(c, b)[..., None], target_check(c, b)[:, None], No.ROLE)
        return np.where(member != No.OK, member, target.astype(np.int8))

    sources = (b.staffed, b.away_until, b.ended, b.role, b.present)
    return rules.derived(b, "run_table", sources, compute, key=b.week)


def run_check(c: Compiled, b: rules.Batch, g, a, m, s) -> np.ndarray:
    """(n,) the `No` code of each run (game g, action a, member m, target s: -1 for none,
    -2 for a stakeholder the scenario does not have), taken in order after the hours
    already booked in `b`: a member's earlier runs in the list use their hours first."""
    g, a, m, s = (np.asarray(x, np.intp).reshape(-1) for x in (g, a, m, s))
    left = rules.capacity(c, b)[g, m] - (b.hours[g, m] + _booked_before(c, g, a, m))
    return _hours_first(run_table(c, b)[g, m, a, s + 2], left < c.a_hours[a])


def run_code(c: Compiled, b: rules.Batch, g: int, a: int, m: int, s: int) -> No:
    """`run_check` of one run (plain indices), as the single game asks it."""
    code = int(run_table(c, b)[g, m, a, s + 2])
    short = bool(rules.capacity(c, b)[g, m] - b.hours[g, m] < c.a_hours[a])
    return No(int(_hours_first(code, short)))


def _hours_first(code, short):
    """`code`, or HOURS where the hours are short and `code` names no earlier condition:
    codes are numbered in check order, and the hours come after the member and the role
    and before the target."""
    hours = short & ((code == No.OK) | (code > No.HOURS))
    if isinstance(hours, bool):  # one run, in plain numbers
        return No.HOURS if hours else code
    return np.where(hours, np.int8(No.HOURS), code)


def _booked_before(c: Compiled, g: np.ndarray, a: np.ndarray, m: np.ndarray) -> np.ndarray:
    """(n,) hours the same member of the same game booked in the runs listed before each."""
    if len(g) <= 1:
        return np.zeros(len(g))
    key = g * (m.max() + 1) + m
    order = np.argsort(key, kind="stable")
    hours = c.a_hours[a[order]]
    upto = np.cumsum(hours) - hours  # hours of all earlier runs, in key order
    first = np.r_[True, key[order][1:] != key[order][:-1]]
    start = np.maximum.accumulate(np.where(first, upto, 0.0))
    out = np.empty(len(g))
    out[order] = upto - start
    return out


# ---- the team -----------------------------------------------------------------------------
# Each check is memoised on the arrays it reads, so a screen (or legal_decisions and the
# decisions it offers) asking many times about one state computes it once.


def team_cost(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B,) the staffed team's weekly cost (summed in member order)."""
    return A.total(b.staffed * c.m_cost)


def staff_check(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B, M) `No` code of staffing each member now: not already on the team, available
    this week (week 1 during setup), within the headcount and, with their cost, the
    budget."""
    w = max(b.week, 1)

    def compute():
        return _first(
            [
                (b.staffed, No.ON_TEAM),
                ((c.m_from > w) | (w > c.m_until), No.WEEKS),
                (b.staffed.sum(1, keepdims=True) >= c.headcount, No.HEADCOUNT),
                (team_cost(c, b)[:, None] + c.m_cost > b.budget[:, None], No.BUDGET),
            ],
            b.staffed.shape,
        )

    return rules.derived(b, "staff_check", (b.staffed, b.budget), compute, key=w)


def release_check(b: rules.Batch) -> np.ndarray:
    """(B, M) `No` code of releasing each member: on the team, with no runs booked this
    week (every action takes hours, so booked runs are hours used)."""

    def compute():
        return _first([(~b.staffed, No.NOT_STAFFED), (b.hours > 0, No.BOOKED)], b.staffed.shape)

    return rules.derived(b, "release_check", (b.staffed, b.hours), compute)


def assign_check(c: Compiled, b: rules.Batch) -> np.ndarray:
    """(B, M, R) `No` code of giving member m role r: on the team, and the role has room
    for them (its holders other than m are fewer than its maximum)."""

    def compute():
        mine = b.role[..., None] == np.arange(len(c.roles))  # (B, M, R); only staffed hold
        others = mine.sum(1, keepdims=True) - mine
        return _first(
            [(~b.staffed[..., None], No.NOT_STAFFED), (others >= c.r_max, No.ROLE_FULL)],
            mine.shape,
        )

    return rules.derived(b, "assign_check", (b.staffed, b.role), compute)


def connect_check(b: rules.Batch) -> np.ndarray:
    """(B, M, S) `No` code of making m a connection point for stakeholder s: m on the
    team, s on the buying team, not connected yet."""

    def compute():
        return _first(
            [
                (~b.staffed[..., None], No.NOT_STAFFED),
                (~b.present[:, None, :], No.ABSENT),
                (b.conn, No.CONNECTED),
            ],
            b.conn.shape,
        )

    return rules.derived(b, "connect_check", (b.staffed, b.present, b.conn), compute)


def disconnect_check(b: rules.Batch) -> np.ndarray:
    """(B, M, S) `No` code of removing the connection between m and s."""

    def compute():
        return _first(
            [(~b.staffed[..., None], No.NOT_STAFFED), (~b.conn, No.NOT_CONNECTED)], b.conn.shape
        )

    return rules.derived(b, "disconnect_check", (b.staffed, b.conn), compute)
