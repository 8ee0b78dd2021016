"""Internal and external alignment: pure numpy functions over a batch of game traces.

Each function takes the trace dict (arrays with a leading batch axis B and a
week axis W, plus scenario params under 'p_' keys) and returns per-week series
(B, W) in 0..1 (or one whole-game value (B,)). Which of them are score components,
and how each is explained, is the registry's business (scoring.components);
`components` averages them over the weeks played into named 0..100 scores and
`weighted` weighs them by name. No Python loop runs over games or weeks.
"""

from __future__ import annotations

import numpy as np

from engine.arrays import batched, memory, ratio, stack, total


def _mem(x, dtype) -> np.ndarray:
    """A trace array's memory-order view (batch axis last), C-contiguous, as `dtype`, for
    scoring.kernels."""
    return np.ascontiguousarray(memory(np.asarray(x, dtype)))


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    num = total(a * b)
    den = np.sqrt(total(a * a) * total(b * b))
    return np.divide(num, den, out=np.zeros_like(num, dtype=float), where=den > 0)


def weekly_mean(series: np.ndarray, played: np.ndarray) -> np.ndarray:
    """Mean over played weeks (B,), 0 for a game with no week played yet: in numpy,
    ratio(total(series x played), played.sum(-1)); a float (B, W) series goes through a
    compiled loop that reads it once."""
    if series.ndim != 2 or series.dtype != np.float64 or series.shape != played.shape:
        return ratio(total(series * played), played.sum(-1))
    from scoring import kernels

    return kernels.weekly_mean(_mem(series, float), _mem(played, bool))


def week_runs(*series: np.ndarray) -> list[tuple[int, int]]:
    """The runs [start, end) of consecutive weeks in which none of the (B, W, ...) `series`
    changes in any game (a team changes its roles, staff and links only now and then)."""
    from scoring import kernels

    weeks = series[0].shape[1]
    cut = np.zeros(weeks, bool)
    for x in series:
        week_bytes = np.ascontiguousarray(memory(x)).reshape(weeks, -1).view(np.uint8)
        whole = week_bytes.shape[1] // 8 * 8
        cut |= kernels.changed(week_bytes[:, :whole].view(np.uint64), week_bytes[:, whole:])
    cuts = [int(w) for w in np.flatnonzero(cut)]
    return list(zip([0, *cuts], [*cuts, weeks], strict=True))


MEMO = "d_memo"  # the trace key of what `shared` keeps once found: week runs, buying team
SAME_WEEKS = "same_weeks"  # the trace key of the runs of weeks the rules recorded


def recorded_runs(t: dict, *keys: str) -> list[tuple[int, int]] | None:
    """The runs [start, end) of weeks in which the rules recorded the very same arrays for
    every one of `keys` (engine.rules.stack_record's SAME_WEEKS: run starts by key), or
    None when the trace does not say. They may be finer than `week_runs` (an array
    recorded anew with the same values), which changes nothing computed week by week. A
    caller that puts other values under a recorded key of a trace keeps them constant
    over these runs, or drops SAME_WEEKS."""
    same = t.get(SAME_WEEKS)
    if same is None or not all(k in same for k in keys):
        return None
    weeks = t[keys[0]].shape[1]
    starts = sorted({a for k in keys for a in same[k]})
    return list(zip(starts, [*starts[1:], weeks], strict=True))


def _run_start(t: dict, *keys: str) -> np.ndarray:
    """(W,) int64: for each week, the first week of its recorded run (`recorded_runs`), or
    the week itself when the trace does not say."""
    weeks = t[keys[0]].shape[1]
    runs = recorded_runs(t, *keys)
    if runs is None:
        return np.arange(weeks, dtype=np.int64)
    return np.repeat(np.array([a for a, _ in runs], np.int64), [z - a for a, z in runs])


def runs_of(t: dict, *keys: str) -> list[tuple[int, int]]:
    """The runs of weeks of the trace's series `keys`: those the rules recorded, else
    `week_runs`; found once per trace `shared` made."""
    memo = t.get(MEMO)
    if memo is not None and keys in memo:
        return memo[keys]
    runs = recorded_runs(t, *keys)
    if runs is None:
        runs = week_runs(*(t[k] for k in keys))
    if memo is not None:
        memo[keys] = runs
    return runs


def per_run(fn, *series: np.ndarray, runs: list | None = None) -> np.ndarray:
    """fn(*series) for an fn that works week by week on (B, W, ...) arrays, computed once
    for each run of weeks whose inputs are the same and repeated over the run (`runs`:
    their `week_runs`, when the caller has them)."""
    weeks = series[0].shape[1]
    if runs is None:
        runs = week_runs(*series) if weeks > 1 else []
    if len(runs) in (0, weeks):
        return fn(*series)
    parts = [memory(fn(*(x[:, a : a + 1] for x in series))) for a, _ in runs]  # (1, ..., B)
    out = np.empty((weeks, *parts[0].shape[1:]), parts[0].dtype)
    for (a, z), part in zip(runs, parts, strict=True):
        out[a:z] = part
    return batched(out)


def role_counts(t: dict) -> np.ndarray:
    """(B, W, R) how many staffed members hold each role each week."""
    roles = range(len(t["p_r_min"]))

    def counts(role, staffed):
        return stack([((role == r) & staffed).sum(-1) for r in roles])

    return per_run(counts, t["t_role"], t["t_staffed"], runs=runs_of(t, "t_role", "t_staffed"))


def role_coverage(t: dict) -> np.ndarray:
    """(B, W) the share of required roles whose staffed count is within min..max, halved
    in a week with a role over its max (see `team`). In numpy, with counts `role_counts`
    and required r_min > 0: filled = ((counts >= r_min) & (counts <= r_max) &
    required).sum(-1) / max(required.sum(), 1), times 0.5 where (counts > r_max).any(-1)."""
    return team(t)[0]


def team_weeks(t: dict) -> tuple[list, np.ndarray, np.ndarray]:
    """The runs of weeks with the same roles and staff, and the roles and staffed flags of
    each run's first week in memory order ((runs, M, B), for scoring.kernels), memoised in
    a trace `shared` made."""
    memo = t.get(MEMO)
    if memo is not None and "team_weeks" in memo:
        return memo["team_weeks"]
    runs = runs_of(t, "t_role", "t_staffed")
    role, staffed = t["t_role"], t["t_staffed"]
    if len(runs) < role.shape[1]:
        starts = [a for a, _ in runs]
        role, staffed = role[:, starts], staffed[:, starts]
    out = (runs, _mem(role, np.int64), _mem(staffed, bool))
    if memo is not None:
        memo["team_weeks"] = out
    return out


def _by_week(per_run: np.ndarray, runs: list, weeks: int) -> np.ndarray:
    """(B, W) from a (runs, B) array in memory order: each run's row repeated over its
    weeks."""
    if len(runs) < weeks:
        per_run = np.repeat(per_run, [z - a for a, z in runs], axis=0)
    return batched(per_run)


def team(t: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(B, W) each: role coverage, the number of quarterbacks (int) and chemistry, in one
    compiled pass over the first week of each run of weeks with the same roles and staff
    (`team_weeks`). Memoised in a trace `shared` made."""
    memo = t.get(MEMO)
    if memo is not None and "team" in memo:
        return memo["team"]
    from scoring import kernels

    runs, role, staffed = team_weeks(t)
    chem = t["p_chem"]
    a, b = np.nonzero(np.triu(chem, 1))
    pairs = (a.astype(np.int64), b.astype(np.int64), 2.0 * np.asarray(chem, float)[a, b])
    limits = (np.asarray(t["p_r_min"]), np.asarray(t["p_r_max"]))
    got = kernels.team(role, staffed, *limits, int(t["p_qb_role"]), *pairs)
    out = tuple(_by_week(x, runs, t["t_role"].shape[1]) for x in got)
    if memo is not None:
        memo["team"] = out
    return out


def member_fit(t: dict) -> np.ndarray:
    """(B, W, M) role-skill fit of each member in their role that week (0 without a role):
    a gather from the (B, M, R) fit table at the week's roles."""
    table = total(t["skill"][:, :, None, :] * t["p_r_needs"][None, None])  # (B, M, R)
    B, M, R = table.shape
    flat = np.ascontiguousarray(memory(table)).reshape(-1)  # (M, R, B)
    rows, games = np.arange(M)[:, None] * R, np.arange(B)

    def weekly(role):
        role = memory(role)  # (W, M, B), -1 for none
        at = (rows + np.clip(role, 0, R - 1)) * B + games
        return batched(np.where(role >= 0, flat.take(at), 0.0))

    return per_run(weekly, t["t_role"], runs=runs_of(t, "t_role"))


def role_fit(t: dict) -> np.ndarray:
    """(B, W) the staffed members' mean `member_fit` (a compiled loop), computed once for
    each run of weeks with the same roles and staff."""
    from scoring import kernels

    runs, role, staffed = team_weeks(t)
    needs = np.ascontiguousarray(t["p_r_needs"], float)
    fit = kernels.role_fit(_mem(t["skill"], float), needs, role, staffed)
    return _by_week(fit, runs, t["t_role"].shape[1])


def quarterbacks(t: dict) -> np.ndarray:
    """(B, W) number of quarterbacks each week: ((role == qb) & staffed).sum(-1) (see
    `team`)."""
    return team(t)[1]


def quarterback(t: dict) -> np.ndarray:
    return (quarterbacks(t) == 1).astype(float)


def chemistry(t: dict) -> np.ndarray:
    """0.5 + mean pair chemistry of the staffed team, summed over the declared pairs only
    (see `team`): with n the staffed count, in numpy, np.clip(0.5 + ratio(pair_total(
    staffed, chem), n x (n - 1)), 0, 1)."""
    return team(t)[2]


def loads(t: dict) -> np.ndarray:
    """(B, W, M) share of each member's available hours used."""
    cap = t["t_capacity"]
    return ratio(t["t_hours"], cap)


def workload(t: dict) -> np.ndarray:
    """(B, W) how evenly and how fully the team's hours are used: 1 - 2 x the mean absolute
    deviation of the members' loads, times the mean load over 0.5 (both within 0..1), over
    the members available that week; 0 in a week over budget (a compiled loop)."""
    return _workload(t)[0]


def team_load(t: dict) -> np.ndarray:
    """(B, W) the team's hours over its capacity each week (0 with no capacity):
    ratio(total(hours), total(capacity)), found with `workload` in one pass."""
    return _workload(t)[1]


def _workload(t: dict) -> tuple[np.ndarray, np.ndarray]:
    """`workload` and `team_load` (a compiled loop reading the hours once), memoised in a
    trace `shared` made."""
    memo = t.get(MEMO)
    if memo is not None and "workload" in memo:
        return memo["workload"]
    from scoring import kernels

    hours, cap = _mem(t["t_hours"], float), _mem(t["t_capacity"], float)
    out = tuple(map(batched, kernels.workload(hours, cap, _mem(t["t_over_budget"], bool))))
    if memo is not None:
        memo["workload"] = out
    return out


def owner_held(t: dict) -> np.ndarray:
    """(B, L) the milestone's owner is on the team at the end, or was on it the week the
    milestone was complete: releasing an owner whose milestone is done costs nothing (a
    compiled loop)."""
    from scoring import kernels

    args = [_mem(t[k], dtype) for k, dtype in _HELD]
    return batched(kernels.owner_held(*args))


_HELD = (  # the trace arrays kernels.owner_held reads, in its order
    ("t_staffed", bool),
    ("ms_owner", np.int64),
    ("t_progress", float),
    ("played", bool),
    ("owner_staffed", bool),
)


def owned(t: dict) -> np.ndarray:
    """(B, L) a milestone with a held owner and a short-term action."""
    return owner_held(t) & (t["ms_action"] >= 0)


def accountability(t: dict) -> np.ndarray:
    """(B,) share of milestones with a staffed owner and an action, half credit more on time."""
    owned_ = owned(t)
    score = 0.6 * owned_ + 0.4 * (owned_ & t["ms_done_on_time"])
    return total(score) / score.shape[-1]


def heard(t: dict) -> np.ndarray:
    """(B, W) the weeks the team heard of a priority change: a shift it was told of the week
    it arrived, a silent one the week it learned of it (a trace without `t_heard`, made by
    hand, has told shifts only)."""
    return t["t_heard"] if "t_heard" in t else t["t_shift"]


def unforced_audibles(t: dict) -> np.ndarray:
    """(B, W) audibles not answering a priority change the team heard of in the previous
    response_weeks weeks."""
    shift = heard(t)
    recent = np.zeros_like(shift)
    weeks = shift.shape[1]
    for k in range(min(int(t["p_rules"]["response_weeks"]), weeks)):  # a constant, not games
        recent[:, k:] |= shift[:, : weeks - k]
    return t["t_audible"] & ~recent & t["played"]


def stability(t: dict) -> np.ndarray:
    return np.exp(-t["p_rules"]["audible_decay"] * unforced_audibles(t).sum(-1))


def stakeholder_covered(t: dict) -> np.ndarray:
    """(B, W, S) a staffed member is connected to the stakeholder that week (in numpy,
    t_conn.any(-2); from `connections`). Callers must not change it."""
    runs, covered, _ = connections(t)
    return _by_week(covered, runs, t["t_conn"].shape[1])


def influence_coverage(t: dict) -> np.ndarray:
    """(B, W) the share of the buying team's influence with a connection point (the sums
    over stakeholders in `buying_team`)."""
    return buying_team(t)[0]


def connection_quality(t: dict) -> np.ndarray:
    """(B, W, S) fit of the best connection to each stakeholder (seniority match), 0 if none:
    in numpy, np.where(t_conn, fits, 0.0).max(-2) (from `connections`). Callers must not
    change it."""
    runs, _, quality = connections(t)
    return _by_week(quality, runs, t["t_conn"].shape[1])


def connections(t: dict) -> tuple[list, np.ndarray, np.ndarray]:
    """The runs of weeks with the same links, and for each run's first week (memory order,
    (runs, S, B)) whether a member is connected to each stakeholder and the best connected
    member's fit, in one compiled pass (scoring.kernels.connections). Memoised in a trace
    `shared` made."""
    memo = t.get(MEMO)
    if memo is not None and "connections" in memo:
        return memo["connections"]
    from scoring import kernels

    runs = runs_of(t, "t_conn")
    conn = t["t_conn"]
    if len(runs) < conn.shape[1]:
        conn = conn[:, [a for a, _ in runs]]
    out = (runs, *kernels.connections(_mem(conn, bool), np.ascontiguousarray(_fits(t))))
    if memo is not None:
        memo["connections"] = out
    return out


def _fits(t: dict) -> np.ndarray:
    """(M, S) each member's fit as the connection point of each stakeholder (0..1): 1 less
    the penalty for each level of seniority the member lacks."""
    gap = np.maximum(0.0, t["p_st_seniority"][None, :] - t["p_m_seniority"][:, None])
    return np.clip(1.0 - t["p_rules"]["connection_seniority_penalty"] * gap, 0, 1)


def connection_fit(t: dict) -> np.ndarray:
    """(B, W) the connected influence's mean `connection_quality` (see `buying_team`)."""
    return buying_team(t)[1]


def buying_team(t: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(B, W) each: influence coverage, connection fit and the influence-weighted stance, in
    one compiled pass over the weeks. Coverage and quality come from `connections`, once
    per run of weeks with the same connections. In numpy, with inf the influence, cov the
    coverage and q the quality:
    ratio(total(inf x cov), total(inf)), ratio(total((inf x cov) x q), total(inf x cov))
    and ratio(total(inf x stance), total(inf)). Memoised in a trace `shared` made."""
    memo = t.get(MEMO)
    if memo is not None and "buying_team" in memo:
        return memo["buying_team"]
    from scoring import kernels

    runs, covered, quality = connections(t)
    week_run = np.repeat(np.arange(len(runs)), [z - a for a, z in runs])
    args = (_mem(t["t_influence"], float), _mem(t["t_stance"], float), covered, quality)
    args += (week_run, _run_start(t, "t_influence"))
    out = tuple(batched(x) for x in kernels.buying_team(*args))
    if memo is not None:
        memo["buying_team"] = out
    return out


CUSTOMER = "d_customer_priorities"  # the trace key `shared` stores them under
FOCUS_COSINE = "d_focus_cosine"  # ... the focus cosine
EVEN_COSINE = "d_even_cosine"  # ... the even guess's cosine
FOCUS = "d_focus"  # ... and the focus score


def _customer(t: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The customer's priorities (B, W, K), the focus's and an even focus's cosines with
    them and the focus score (B, W), in one compiled pass (the same bits as `cosine`, the
    sum over stakeholders in order and `focus_score`). The priorities are weighed once per
    run of weeks the rules recorded with the same influence and priorities."""
    from scoring import kernels

    inf, prio, focus = (_mem(t[k], float) for k in ("t_influence", "t_prio", "t_focus"))
    fresh = np.ones(prio.shape[0], bool)
    runs = recorded_runs(t, "t_influence", "t_prio")
    if runs is not None:
        fresh[:] = False
        fresh[[a for a, _ in runs]] = True
    return tuple(batched(x) for x in kernels.customer(inf, prio, focus, fresh))


def customer_priorities(t: dict) -> np.ndarray:
    """(B, W, K) influence-weighted true priorities of the buying team (computed once by
    `shared`: the focus cosine, the even guess and the outcome all read them)."""
    known = t.get(CUSTOMER)
    return _customer(t)[0] if known is None else known


def focus_cosine(t: dict) -> np.ndarray:
    """(B, W) cosine of the team's focus and the customer's priorities (computed once by
    `shared`, for the scorecard's several readers)."""
    known = t.get(FOCUS_COSINE)
    return _customer(t)[1] if known is None else known


def even_cosine(t: dict) -> np.ndarray:
    """(B, W) the cosine an even focus (no knowledge of the customer) would reach."""
    known = t.get(EVEN_COSINE)
    return _customer(t)[2] if known is None else known


def shared(t: dict) -> dict:
    """The trace (a shallow copy) with the customer's priorities and the two cosines
    computed once: the focus component, the outcome and the weekly series all read them."""
    if FOCUS_COSINE in t:
        return t
    customer, cos, even, earned = _customer(t)
    return {**t, CUSTOMER: customer, FOCUS_COSINE: cos, EVEN_COSINE: even, FOCUS: earned, MEMO: {}}


def focus_score(cosine_series: np.ndarray, even: np.ndarray) -> np.ndarray:
    """Focus alignment in 0..1: how far the focus beats an even guess toward the
    customer's real priorities (an uninformed focus earns nothing)."""
    return np.clip(ratio(cosine_series - even, 1.0 - even), 0, 1)


def focus(t: dict) -> np.ndarray:
    """(B, W) `focus_score` of the focus cosine (computed once by `shared`)."""
    known = t.get(FOCUS)
    return _customer(t)[3] if known is None else known


def components(t: dict, weekly: dict | None = None) -> tuple[dict, dict]:
    """Internal and external components, each (B,) in 0..100, in the order of the registry
    (scoring.components); `weekly` is `scoring.components.weekly(t)` when the caller has it."""
    from scoring import components as registry  # the registry reads this module's functions

    parts = registry.values(t, weekly)
    return parts["internal"], parts["external"]


def weighted(parts: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """Weighted mean of the parts, each part weighed by the weight of its name, the weights
    normalised to sum to 1 (added in the parts' order, whatever the order of `weights`)."""
    if parts.keys() != weights.keys():
        raise ValueError(
            f"weights do not match the components: {sorted(parts.keys() ^ weights.keys())}"
        )
    vec = np.array([weights[k] for k in parts], float)
    w = vec / total(vec)
    return sum(part * w[k] for k, part in enumerate(parts.values()))
