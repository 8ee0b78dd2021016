"""engine/kernels.py and scoring/kernels.py: the compiled loops give the very bits of the
numpy expressions they stand for (kept here as the reference), including signed zeros and
the zero denominators `arrays.ratio` guards, and importing the engine compiles nothing."""

import subprocess
import sys

import numpy as np
import pytest

from engine import arrays as A
from engine import kernels as K
from engine import rng, rules
from engine.bots import _pcg_state, _random_f32, _set_pcg_state
from scoring import alignment as al
from scoring import outcome as oc


@pytest.fixture
def gen():
    return np.random.default_rng(11)


def same_bits(x, y) -> bool:
    x, y = np.ascontiguousarray(x), np.ascontiguousarray(y)
    return x.shape == y.shape and x.dtype == y.dtype and x.tobytes() == y.tobytes()


def mem(x):
    return np.ascontiguousarray(A.memory(x))


def test_alignment_matches_numpy_above_even(gen):
    B, S, K_ = 300, 5, 4
    prio = A.batch_last(gen.dirichlet(np.ones(K_), (B, S)))
    prio[:20] = 1.0 / K_  # an even customer: the even guess is perfect, 1 - base is 0
    focus = A.batch_last(gen.dirichlet(np.ones(K_), B))
    focus[20:40] = 0.0  # no focus at all: the cosine's denominator is 0
    focus[40:60] = 1.0 / K_
    prio[20:25] = 0.0  # no priorities at all: the even cosine's denominator is 0
    base, prio_sq = rules.even_cosine(prio), A.total(prio * prio)
    norms = K.prio_norms(mem(prio))
    assert same_bits(norms[0], mem(base)) and same_bits(norms[1], mem(prio_sq))
    expected = rules.above_even(focus[:, None], prio)
    got = A.batched(K.align(mem(focus), mem(prio), mem(base), mem(prio_sq)))
    assert same_bits(got, np.ascontiguousarray(expected))
    before = A.batch_last(gen.dirichlet(np.ones(K_), B))  # an earlier focus, and its table
    earlier = K.align(mem(before), mem(prio), mem(base), mem(prio_sq))
    before[::3] = focus[::3]  # a third of the games kept their focus since then
    earlier_kept = np.where(np.arange(B) % 3 == 0, mem(got), earlier)
    since = K.align_since(earlier_kept, mem(before), mem(focus), mem(prio), mem(base), mem(prio_sq))
    assert same_bits(A.batched(since), np.ascontiguousarray(expected))


def _firing_reference(w, cand, u, tables, behaviour, state, history, injected):
    """kernels.fire_events in numpy, (B, n): the expressions rules.start_week and
    engine.events (may_fire, behaviour_ok) used before the loop replaced them."""
    scheduled, windowed, prob, below, unconnected, repeat, max_times, kinds = tables
    has, if_run, if_not_run, if_met, if_not_met, if_staffed, skip_ok = behaviour
    stance, conn, staffed, last_run, last_met = state
    fired, fired_week, fire_count, undo_week = (x[:, cand] for x in history)
    connected = conn.any(1)
    cond = (stance[:, None, :] < below[None]).all(-1)
    cond &= ~(connected[:, None, :] & unconnected[None]).any(-1)
    for k in np.flatnonzero(has):
        ok = cond[:, k]
        for a in np.flatnonzero(if_run[k]):
            ok &= (last_run[:, a] > 0) & (last_run[:, a] >= w - if_run[k, a])
        for a in np.flatnonzero(if_not_run[k]):
            ok &= w - last_run[:, a] > if_not_run[k, a]
        for s in np.flatnonzero(if_met[k]):
            ok &= last_met[:, s] >= if_met[k, s]
        for s in np.flatnonzero(if_not_met[k]):
            ok &= (w > if_not_met[k, s]) & (last_met[:, s] < if_not_met[k, s])
        if len(skip_ok):
            ok &= skip_ok[:, k]
        ok &= staffed[:, if_staffed[k]].all(1)
    may = ~fired
    if kinds:
        may |= (repeat > 0) & (w - fired_week >= np.maximum(repeat, 1))
        may &= (max_times == 0) | (fire_count < max_times)
        may &= ~(undo_week > w)
    fire = (scheduled | (windowed & (u < prob))) & cond & may
    if len(injected):
        fire |= injected[:, cand] & ~fired
    return fire


@pytest.mark.parametrize("kinds", [False, True])
def test_event_firing_matches_numpy(gen, kinds):
    B, S, M, A_, E, w = 400, 6, 5, 4, 7, 6
    cand = np.array([0, 2, 3, 6])
    n = len(cand)
    stance = A.batch_last(gen.uniform(-1, 1, (B, S)))
    stance[:10] = -0.0
    conn = A.batch_last(gen.random((B, M, S)) < 0.15)
    below = np.where(gen.random((n, S)) < 0.4, gen.uniform(-0.5, 0.5, (n, S)), np.inf)
    unconnected = gen.random((n, S)) < 0.3
    tables = (np.array([True, False, False, False]), np.array([False, True, True, False]))
    tables += (gen.random(n), below, unconnected, np.array([0, 3, 0, 2]), np.array([0, 2, 1, 0]))
    tables += (kinds,)
    has = np.array([False, True, True, True])
    if_run = np.where(gen.random((n, A_)) < 0.3, gen.integers(1, 4, (n, A_)), 0)
    if_not_run = np.where(gen.random((n, A_)) < 0.3, gen.integers(1, 4, (n, A_)), 0)
    if_met = np.where(gen.random((n, S)) < 0.2, gen.integers(1, w + 2, (n, S)), 0)
    if_not_met = np.where(gen.random((n, S)) < 0.2, gen.integers(1, w + 2, (n, S)), 0)
    if_staffed = gen.random((n, M)) < 0.2
    skip_ok = A.batch_last(gen.random((B, n)) < 0.8)
    behaviour = (has, if_run, if_not_run, if_met, if_not_met, if_staffed, skip_ok)
    state = (stance, conn, A.batch_last(gen.random((B, M)) < 0.5))
    state += (A.batch_last(gen.integers(0, w, (B, A_))), A.batch_last(gen.integers(0, w, (B, S))))
    fired = gen.random((B, E)) < 0.3
    history = (
        fired,
        np.where(fired, gen.integers(1, w, (B, E)), 0),
        fired * gen.integers(1, 3, (B, E)),
    )
    history += (np.where(gen.random((B, E)) < 0.2, gen.integers(w - 1, w + 3, (B, E)), 0),)
    history = tuple(A.batch_last(x) for x in history)
    u = A.batch_last(gen.random((B, n)))
    for injected in (np.zeros((0, B), bool), A.batch_last(gen.random((B, E)) < 0.1)):
        args = (w, cand, u, tables, behaviour, state, history, injected)
        expected = _firing_reference(*args)
        mem_args = (w, cand, mem(u), tables, (*behaviour[:-1], mem(skip_ok)))
        mem_args += (tuple(map(mem, state)), tuple(map(mem, history)))
        mem_args += (mem(injected) if len(injected) else injected,)
        got = A.batched(K.fire_events(*mem_args))
        assert np.array_equal(got, expected)
        assert expected.any() and not expected.all()


def test_event_effects_and_bookkeeping_match_numpy(gen):
    B, S, n, E, W, w = 400, 6, 3, 5, 8, 4
    cand = np.array([1, 2, 4])
    stance = A.batch_last(gen.uniform(-1, 1, (B, S)))
    stance[:10] = -0.0
    fire = A.batch_last(gen.random((B, n)) < 0.3)
    f = fire.astype(float)
    effects = (gen.uniform(-0.4, 0.4, (n, S)), gen.uniform(-0.2, 0.3, n))
    effects += (gen.uniform(-5, 5, n), gen.uniform(-0.2, 0.2, n))
    team = (gen.random(B), gen.uniform(0, 10, B), gen.uniform(0.5, 1.5, B))
    got = K.event_effects(mem(fire), effects, mem(stance), team)
    expected = np.clip(stance + A.total(f[..., :, None] * effects[0], -2), -1, 1)
    assert same_bits(A.batched(got[0]), np.ascontiguousarray(expected))
    assert same_bits(got[1], np.clip(team[0] + A.total(f * effects[1]), 0, 1))
    assert same_bits(got[2], team[1] + A.total(f * effects[2]))
    assert same_bits(got[3], team[2] * (1.0 + A.total(f * effects[3])))

    fired = A.batch_last(gen.random((B, E)) < 0.3)
    history = [fired, A.batch_last(np.where(fired, gen.integers(1, w, (B, E)), 0))]
    history += [A.batch_last(fired * gen.integers(1, 3, (B, E))), A.zeros((B, W, E), bool)]
    history += [A.batch_last(gen.integers(0, 3, (B, E)))]
    lasts = np.array([0, 2, 3])
    ended = np.where(gen.random(B) < 0.2, 2, 0)  # decided games keep their history
    expected = [np.copy(x) for x in history]
    fire_open = fire & (ended == 0)[:, None]
    expected[0][:, cand] |= fire_open
    expected[1][:, cand] = np.where(fire_open, w, expected[1][:, cand])
    expected[2][:, cand] += fire_open
    expected[3][:, w - 1, cand] = np.where(ended[:, None] > 0, expected[3][:, w - 1, cand], fire)
    expected[4][:, cand] = np.where(fire_open & (lasts > 0), w + lasts, expected[4][:, cand])
    memory = tuple(map(mem, history))
    K.note_fired(w, cand, mem(fire), memory, lasts, ended)
    got = [A.batched(x) for x in memory]
    assert all(same_bits(x, y) for x, y in zip(got, expected, strict=True))


def test_the_compiled_draws_are_the_uniform_draws(gen):
    seeds = gen.integers(0, 2**63, 300, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    seeds[:3] = [0, 1, 2**64 - 1]
    index = np.array([0, 5, 2**40, 12 * 9 + 3], np.uint64)
    expected = rng.uniform(seeds, rng.EVENTS, index)
    assert same_bits(rng.uniform_rows(seeds, rng.EVENTS, index), expected.T)


def test_the_weeks_runs_give_the_same_bits_in_any_block_size(gen):
    """kernels.week works a block of games at a time; each game's runs keep their order, so
    every sum and every learned value has the same bits whatever the block size."""
    B, M, S, Q, A_, n = 50, 4, 3, 2, 5, 400
    g = gen.integers(0, B, n)  # the runs of different games interleave
    a = gen.integers(0, A_, n)
    m = gen.integers(0, M, n)
    s = np.where(gen.random(n) < 0.3, -1, gen.integers(0, S, n))
    staffed = gen.random((M, B)) < 0.6
    conn = gen.random((M, S, B)) < 0.3
    state = (gen.random((M, Q, B)), gen.random((M, B)) < 0.2, gen.random(B), gen.random(B))
    state += (conn, gen.random((S, B)), gen.random((M, S, B)), gen.random((M, B)))
    state += (conn & staffed[:, None], staffed)
    tables = (gen.random((A_, Q)), gen.random(A_), gen.random(A_) * 4, gen.uniform(-1, 1, A_))
    tables += (np.array([0.4, 1.0]), gen.random((M, S)), gen.random(A_), gen.random(A_) < 0.3)
    numbers = (0.6, 0.5, 0.5, 0.3, 1.2, 0.4, 0.5, 0.9)
    whole = K.week(g, a, m, s, state, tables, numbers, B)
    assert whole[6].any() and not whole[6].all()  # some games held a review
    for block in (1, 7, 16):
        parts = K.week(g, a, m, s, state, tables, numbers, block)
        assert all(same_bits(x, y) for x, y in zip(whole, parts, strict=True))


def _trace(gen, B=200, W=6, M=5, Q=3, R=4):
    staffed = gen.random((B, W, M)) < 0.5
    capacity = np.where(gen.random((B, W, M)) < 0.7, gen.integers(10, 40, (B, W, M)), 0.0)
    capacity[:5] = 0.0  # nobody available at all
    return {
        "t_hours": np.where(capacity > 0, gen.integers(0, 45, (B, W, M)), 0.0),
        "t_capacity": capacity,
        "t_over_budget": gen.random((B, W)) < 0.1,
        "t_staffed": staffed,
        "t_role": np.where(staffed, gen.integers(-1, R, (B, W, M)), -1),
        "skill": gen.random((B, M, Q)),
        "p_r_needs": gen.dirichlet(np.ones(Q), R),
        "p_r_min": np.array([1, 0, 1, 0, 0][:R]),
        "p_r_max": np.array([1, 2, 2, 1, 1][:R]),
        "p_qb_role": 0,
        "p_chem": _chemistry(gen, M),
    }


def _chemistry(gen, M: int) -> np.ndarray:
    """A symmetric (M, M) chemistry table with a zero diagonal and some undeclared pairs."""
    chem = np.triu(np.where(gen.random((M, M)) < 0.5, gen.uniform(-1, 1, (M, M)), 0.0), 1)
    return chem + chem.T


def test_workload_matches_numpy(gen):
    t = _trace(gen)
    here = t["t_capacity"] > 0
    n = here.sum(-1)
    ld = A.ratio(t["t_hours"], t["t_capacity"])
    mean = A.ratio(A.total(ld * here), n)
    spread = A.ratio(A.total(np.abs(ld - mean[..., None]) * here), n)
    balance = np.clip(1.0 - 2.0 * spread, 0, 1) * np.clip(mean / 0.5, 0, 1)
    expected = np.where(t["t_over_budget"], 0.0, balance)
    load = A.ratio(A.total(t["t_hours"]), A.total(t["t_capacity"]))
    for trace in (t, {k: A.batch_last(v) for k, v in t.items()}):  # either layout
        assert same_bits(np.ascontiguousarray(al.workload(trace)), expected)
        assert same_bits(np.ascontiguousarray(al.team_load(trace)), load)
    shared = {**t, al.MEMO: {}}
    assert same_bits(al.team_load(shared), load) and same_bits(al.workload(shared), expected)


def test_role_fit_matches_numpy(gen):
    t = _trace(gen)
    staffed = t["t_staffed"]
    expected = A.ratio(A.total(al.member_fit(t) * staffed), staffed.sum(-1))
    assert same_bits(np.ascontiguousarray(al.role_fit(t)), np.ascontiguousarray(expected))


def test_importing_the_engine_and_scoring_compiles_nothing():
    """numba loads when a game first resolves a week, not when the app starts."""
    code = (
        "import sys, engine.rules, engine.bots, engine.batch, engine.state, scoring.scorecard;"
        "print('numba' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_customer_priorities_and_cosines_match_numpy(gen):
    B, W, S, K_ = 150, 5, 4, 3
    inf = gen.dirichlet(np.ones(S), (B, W))
    prio = gen.dirichlet(np.ones(K_), (B, W, S))
    focus = gen.dirichlet(np.ones(K_), (B, W))
    focus[:10] = 0.0  # no focus: the cosine is 0
    inf[10:20] = 0.0  # nobody with a say: the customer wants nothing
    expected = inf[..., 0, None] * prio[..., 0, :]
    for s in range(1, S):
        expected += inf[..., s, None] * prio[..., s, :]
    focus[20:25] = 1.0  # an even focus: it earns nothing (+0.0)
    inf[25:30], prio[25:30] = 1.0 / S, 1.0 / K_  # an even customer: 1 - even cosine is 0
    focus[27:30] = [1.0, 0.0, 0.0]  # ... and a focus worse than even over it (-0.0)
    t = {"t_influence": inf, "t_prio": prio, "t_focus": focus}
    expected, cosine, even, earned = _customer_in_numpy(t)
    assert (np.signbit(earned) & (earned == 0)).any()
    shared = al.shared(t)
    assert same_bits(np.ascontiguousarray(shared[al.CUSTOMER]), expected)
    assert same_bits(np.ascontiguousarray(al.focus_cosine(t)), cosine)
    assert same_bits(np.ascontiguousarray(al.even_cosine(shared)), even)
    assert same_bits(np.ascontiguousarray(al.focus(t)), earned)
    assert same_bits(np.ascontiguousarray(al.focus(shared)), earned)
    for k in ("t_influence", "t_prio"):  # weeks 1-2 and 3-4 as the rules recorded them
        t[k] = np.copy(t[k])
        t[k][:, 2], t[k][:, 4] = t[k][:, 1], t[k][:, 3]
    steady = _customer_in_numpy(t)
    recorded = {**t, al.SAME_WEEKS: {"t_influence": (0, 1, 3), "t_prio": (0, 1, 3, 4)}}
    got = al._customer(recorded)
    assert all(same_bits(np.ascontiguousarray(x), y) for x, y in zip(got, steady, strict=True))


def _customer_in_numpy(t: dict) -> tuple:
    """The customer's priorities, the two cosines and the focus score in numpy."""
    inf, prio, focus = t["t_influence"], t["t_prio"], t["t_focus"]
    expected = inf[..., 0, None] * prio[..., 0, :]
    for s in range(1, inf.shape[-1]):
        expected += inf[..., s, None] * prio[..., s, :]
    cosine = al.cosine(focus, expected)
    even = al.cosine(np.ones_like(focus), expected)
    return expected, cosine, even, al.focus_score(cosine, even)


def _interpreted(monkeypatch) -> None:
    """Every compiled loop replaced by the Python function numba compiled it from."""
    from scoring import kernels as SK

    for module in (K, SK):
        for name in dir(module):
            fn = getattr(module, name)
            if hasattr(fn, "py_func") and getattr(fn, "__module__", "") == module.__name__:
                monkeypatch.setattr(module, name, fn.py_func)


@pytest.mark.parametrize("policy", ["random", "expert"])
def test_the_compiled_loops_give_their_python_sources_bits(monkeypatch, policy):
    """A few games of every shipped scenario, played and scored with the compiled loops and
    again with the Python they were compiled from: the same bits in every trace array and
    every score (so the loops' source is what the tests and coverage read)."""
    from engine.batch import simulate
    from engine.bots import make_policy
    from engine.loader import builtin_scenarios
    from scoring.scorecard import score

    seeds = np.arange(6, dtype=np.uint64)
    compiled = {}
    for s in builtin_scenarios():
        r = simulate(s, seeds, make_policy(policy, 3))
        compiled[s.id] = (r.trace(), score(r.trace()).expected_score)
    _interpreted(monkeypatch)
    with np.errstate(all="ignore"):
        for s in builtin_scenarios():
            r = simulate(s, seeds, make_policy(policy, 3))
            trace, expected = compiled[s.id]
            again = r.trace()
            assert trace.keys() == again.keys()
            numbers = [k for k in trace if np.asarray(trace[k]).dtype != object]
            assert all(same_bits(trace[k], again[k]) for k in numbers), s.id
            assert all(np.array_equal(trace[k], again[k]) for k in trace.keys() - numbers)
            assert same_bits(expected, score(again).expected_score), s.id


def _rounds_in_numpy(gen, left, levels, per_level, counts, menu, t_counts, t_menu, tables, act_p):
    """The random bot's rounds as numpy expressions, drawing what it draws in its order."""
    internal, hours = tables
    M, B = left.shape
    out = []
    for _ in range(3):
        u = gen.random((M, B), np.float32)
        h = sum(k * (left >= lv) for lv, k in zip(levels, per_level, strict=True))
        n = np.take_along_axis(counts, h[:, None, :], 1)[:, 0]
        x, i = np.nonzero((n > 0) & (u < act_p))  # in (member, game) order
        r = np.minimum((u[x, i] * (n[x, i].astype(np.float32) / act_p)).astype(int), n[x, i] - 1)
        a = menu[x, r, i].astype(np.int64)
        u_t = gen.random(len(a), np.float32)
        c = t_counts[a, i]
        r_t = np.maximum(np.minimum((u_t * c.astype(np.float32)).astype(int), c - 1), 0)
        s = np.where(internal[a], -1, t_menu[a, r_t, i]).astype(np.int64)
        np.subtract.at(left, (x, i), hours[a])
        out.append((i, a, x, s))
    return [np.concatenate(parts) for parts in zip(*out, strict=True)]


@pytest.mark.parametrize("fractional", [False, True])
def test_random_rounds_match_numpy(gen, fractional):
    """The random bot's week: the same draws and the same runs as numpy, with the whole-hours
    table and (for fractional hours) without it."""
    from engine import legal

    B, M, A_, S = 400, 6, 5, 4
    hours = np.array([2.0, 3.0, 3.0, 5.0, 8.0])
    if fractional:
        hours[1:3] = 2.5
    ok = gen.random((M, A_, B)) < 0.6  # by hours, cheapest first
    menu = K.menu(ok, np.argsort(hours, kind="stable"))
    counts = np.zeros((M, A_ + 1, B), np.int8)
    counts[:, 1:] = np.cumsum(ok, 1)
    t_ok = gen.random((A_, S, B)) < 0.5
    t_menu, t_counts = K.menu(t_ok, np.arange(S)), t_ok.sum(1, dtype=np.int8)
    left = np.where(gen.random((M, B)) < 0.4, -1.0, gen.integers(0, 14, (M, B)).astype(float))
    if fractional:
        left += 0.5 * (gen.random((M, B)) < 0.5)
    levels, per_level = np.unique(hours, return_counts=True)
    lut = legal.hour_lut(levels, per_level)
    assert len(lut[0]) == (0 if fractional else 8)
    menus = (counts, menu, t_counts, t_menu, (np.array([1, 0, 0, 1, 0], bool), hours))
    # the same menus as legal's short form: one table row per (member, game), per game
    rows = np.arange(M * B).reshape(M, B)
    run_rows = (
        rows,
        *(np.ascontiguousarray(x.transpose(0, 2, 1)).reshape(M * B, -1) for x in (menu, counts)),
    )
    target_rows = (
        np.arange(B),
        np.ascontiguousarray(t_menu.transpose(2, 0, 1)),
        np.ascontiguousarray(t_counts.T),
    )
    spent = np.copy(left)
    bot = np.random.default_rng(5)
    pcg = _pcg_state(bot)
    got = K.random_rounds(
        pcg,
        spent,
        (levels, per_level, *lut),
        (rows, run_rows[1], run_rows[2]),
        target_rows,
        menus[-1],
        np.float32(0.8),
        3,
    )
    want_left = np.copy(left)
    numpy_bot = np.random.default_rng(5)
    want = _rounds_in_numpy(numpy_bot, want_left, levels, per_level, *menus, np.float32(0.8))
    assert len(want[0]) > 1000
    assert all(same_bits(x, y) for x, y in zip(got, want, strict=True))
    assert same_bits(spent, want_left)
    _set_pcg_state(bot, pcg)
    assert bot.bit_generator.state == numpy_bot.bit_generator.state


@pytest.mark.parametrize("n", [0, 1, 2, 7, 5000])
@pytest.mark.parametrize("before", [0, 1, 2])
def test_pcg_floats_draw_what_numpy_draws(n, before):
    """The compiled PCG64 draws numpy's float32s, leaving the generator's state as numpy
    does (with a 32-bit half kept or not), so the draws after it are the same too."""
    mine, theirs = np.random.default_rng(17), np.random.default_rng(17)
    mine.random(before, np.float32), theirs.random(before, np.float32)
    assert same_bits(_random_f32(mine, (n, 2)), theirs.random((n, 2), np.float32))
    assert mine.bit_generator.state == theirs.bit_generator.state
    assert same_bits(mine.random(3), theirs.random(3))


def _steady(x: np.ndarray, cuts=(3, 5)) -> np.ndarray:
    """x (B, W, ...) with each week from a cut on a copy of the cut's week: runs of weeks."""
    x = np.copy(x)
    starts = [0, *cuts]
    for a, z in zip(starts, [*cuts, x.shape[1]], strict=True):
        x[:, a:z] = x[:, a : a + 1]
    return A.batch_last(x)


def test_week_runs_and_per_run_scores_match_numpy(gen):
    """Runs of weeks found by comparing their bytes; the components computed once per run
    give the bits computed week by week (role fit, role coverage, the buying team)."""
    t = _trace(gen)
    t["t_role"], t["t_staffed"] = _steady(t["t_role"]), _steady(t["t_staffed"])
    assert al.week_runs(t["t_role"], t["t_staffed"]) == [(0, 3), (3, 5), (5, 6)]
    assert al.week_runs(t["t_staffed"][:, :1]) == [(0, 1)]
    staffed = t["t_staffed"]
    expected = A.ratio(A.total(al.member_fit(t) * staffed), staffed.sum(-1))
    assert same_bits(al.role_fit(t), np.ascontiguousarray(expected))
    t["p_r_min"], t["p_r_max"] = np.array([1, 0, 1, 0]), np.array([1, 2, 2, 1])
    want = _team_in_numpy(t)
    assert all(same_bits(x, np.ascontiguousarray(y)) for x, y in zip(al.team(t), want, strict=True))


def _team_in_numpy(t: dict) -> tuple:
    """Role coverage, quarterbacks and chemistry as the numpy expressions `team` replaces."""
    counts = al.role_counts(t)
    rmin, rmax = t["p_r_min"], t["p_r_max"]
    required = rmin > 0
    ok = (counts >= rmin) & (counts <= rmax)
    filled = (ok & required).sum(-1) / max(required.sum(), 1)
    coverage = np.where((counts > rmax).any(-1), filled * 0.5, filled)
    staffed = t["t_staffed"]
    quarterbacks = ((t["t_role"] == t["p_qb_role"]) & staffed).sum(-1)
    n = staffed.sum(-1).astype(float)
    pairs = A.pair_total(staffed, t["p_chem"])
    chemistry = np.clip(0.5 + A.ratio(pairs, n * (n - 1)), 0, 1)
    return coverage, quarterbacks, chemistry


@pytest.mark.parametrize("weeks", [1, 6])
@pytest.mark.parametrize("qb", [0, 2, -1])
def test_team_matches_numpy(gen, weeks, qb):
    """Role coverage, quarterbacks and chemistry in one pass: week by week, once per run of
    weeks found by their bytes, and once per (finer) run the rules recorded."""
    t = _trace(gen, W=weeks, M=6, R=5)
    t["p_qb_role"] = qb
    t["t_staffed"][:3] = True  # a team with every declared pair
    t["t_staffed"][3:6] = False  # nobody: no pairs, n x (n - 1) = 0
    t["t_role"] = np.where(t["t_staffed"], t["t_role"], -1)
    want = [np.ascontiguousarray(x) for x in _team_in_numpy(t)]
    assert all(same_bits(x, y) for x, y in zip(al.team(t), want, strict=True))
    if weeks > 1:
        t["t_role"], t["t_staffed"] = _steady(t["t_role"]), _steady(t["t_staffed"])
        want = [np.ascontiguousarray(x) for x in _team_in_numpy(t)]
        recorded = {**t, al.SAME_WEEKS: {"t_role": (0, 3, 5), "t_staffed": (0, 1, 3, 5)}}
        for trace in (t, {**t, al.MEMO: {}}, {**recorded, al.MEMO: {}}):
            assert all(same_bits(x, y) for x, y in zip(al.team(trace), want, strict=True))
        assert al.runs_of(recorded, "t_role", "t_staffed") == [(0, 1), (1, 3), (3, 5), (5, 6)]
        assert al.runs_of(t, "t_role", "t_staffed") == [(0, 3), (3, 5), (5, 6)]


def test_weekly_mean_and_last_played_match_numpy(gen):
    B, W, L = 300, 7, 3
    series = gen.uniform(-1, 1, (B, W))
    series[:20] = -0.0
    series[20:30, 2] = np.nan
    played = gen.random((B, W)) < 0.7
    played[:10] = False  # nothing played: 0, and the first week's value
    for x, p in ((series, played), (A.batch_last(series), A.batch_last(played))):
        want = A.ratio(A.total(x * p), p.sum(-1))
        assert same_bits(al.weekly_mean(x, p), want)
        idx = np.maximum(p.sum(-1) - 1, 0)
        assert same_bits(oc.last_played(x, p), np.take_along_axis(x, idx[:, None], 1)[:, 0])
        cube = gen.integers(-5, 5, (B, W, L))
        at = np.take_along_axis(cube, idx[:, None, None], 1)[:, 0]
        assert same_bits(oc.last_played(A.batch_last(cube), p), at)


def test_buying_team_matches_numpy(gen):
    B, W, M, S = 150, 6, 5, 4
    inf = gen.dirichlet(np.ones(S), (B, W))
    inf[:10] = 0.0  # nobody with a say
    t = {
        "t_influence": _steady(inf, (2, 4)),
        "t_stance": A.batch_last(gen.uniform(-1, 1, (B, W, S))),
        "t_conn": _steady(gen.random((B, W, M, S)) < 0.3),
        "p_st_seniority": np.array([3.0, 1.0, 2.0, 0.0]),
        "p_m_seniority": np.array([0.0, 1.0, 2.0, 3.0, 0.0]),
        "p_rules": {"connection_seniority_penalty": 0.4},  # a gap of 3 fits 0
    }
    assert (al._fits(t) == 0).any()
    covered = t["t_conn"].any(-2)
    quality = np.where(t["t_conn"], al._fits(t), 0.0).max(-2)
    whole = A.total(t["t_influence"])
    coverage = A.ratio(A.total(t["t_influence"] * covered), whole)
    linked = t["t_influence"] * covered
    fit = A.ratio(A.total(linked * quality), A.total(linked))
    stance = A.ratio(A.total(t["t_influence"] * t["t_stance"]), whole)
    shared = {**t, al.MEMO: {}}
    recorded = {**t, al.SAME_WEEKS: {"t_influence": (0, 2, 4), "t_conn": (0, 1, 3, 5)}}
    for trace in (t, shared, recorded, {**recorded, al.MEMO: {}}):
        assert same_bits(al.stakeholder_covered(trace), np.ascontiguousarray(covered))
        assert same_bits(al.connection_quality(trace), np.ascontiguousarray(quality))
        assert same_bits(al.influence_coverage(trace), np.ascontiguousarray(coverage))
        assert same_bits(al.connection_fit(trace), np.ascontiguousarray(fit))
        assert same_bits(al.buying_team(trace)[2], np.ascontiguousarray(stance))
    from scoring.outcome import weighted_stance

    assert same_bits(weighted_stance(shared), np.ascontiguousarray(stance))
    assert same_bits(weighted_stance(t), np.ascontiguousarray(stance))


def test_owner_held_matches_numpy(gen):
    B, W, M, L = 200, 6, 5, 3
    t = {
        "t_staffed": A.batch_last(gen.random((B, W, M)) < 0.5),
        "ms_owner": gen.integers(-1, M, (B, L)),
        "t_progress": A.batch_last(gen.uniform(0.5, 1.5, (B, W, L))),
        "played": gen.random((B, W)) < 0.8,
        "owner_staffed": gen.random((B, L)) < 0.3,
    }
    owner = t["ms_owner"]
    on_team = np.take_along_axis(t["t_staffed"], np.clip(owner, 0, None)[:, None, :], 2)
    done = (t["t_progress"] >= 1.0) & t["played"][..., None]
    expected = t["owner_staffed"] | ((done & on_team).any(1) & (owner >= 0))
    assert same_bits(al.owner_held(t), expected)


def test_setup_loops_match_numpy(gen):
    """The random setup's staffing and links, and legal's tables, against numpy."""
    from engine import bots, legal
    from engine.compiled import compile_scenario
    from engine.loader import builtin_scenarios

    c = compile_scenario(builtin_scenarios()[0])
    B, M, S = 300, len(c.members), len(c.stakeholders)
    order = np.argsort(gen.random((B, M)), axis=1)
    limit = gen.integers(1, c.headcount + 1, B)
    staffed = np.zeros((B, M), bool)  # engine.bots._affordable as numpy had it
    cost, n, avail = np.zeros(B), np.zeros(B, int), c.m_from <= 1
    for k in range(M):
        m = order[:, k]
        ok = avail[m] & (n < np.minimum(limit, c.headcount)) & (cost + c.m_cost[m] <= c.budget)
        staffed[np.arange(B)[ok], m[ok]] = True
        cost += np.where(ok, c.m_cost[m], 0)
        n += ok
    assert same_bits(bots._affordable(c, order, limit), staffed)
    u = gen.random((M, S, B), np.float32)
    present = gen.random((B, S)) < 0.7
    links = (A.batched(u) < 0.3) & staffed[..., None] & present[:, None, :]
    got = K.random_links(u, np.float32(0.3), np.ascontiguousarray(staffed.T), mem(present))
    assert same_bits(A.batched(got), np.ascontiguousarray(links))
    b = rules.new_batch(c, np.arange(B, dtype=np.uint64))
    b = rules._copy(b, staffed=staffed, role=np.where(staffed, gen.integers(-1, 3, (B, M)), -1))
    b = rules._copy(b, present=present, week=2, memo={})
    want = legal.role_may_run(c, b) & legal.has_target(c, b)[:, None]
    assert same_bits(legal.allowed(c, b), np.ascontiguousarray(want))
    able = legal.live(b)[:, None] & legal.available(c, b)
    left = A.where(able, rules.capacity(c, b) - b.hours, -1.0)
    assert same_bits(legal.hours_left(c, b), np.ascontiguousarray(left))


def test_refocus_and_audibles_match_numpy(gen):
    """The new foci of the games that change theirs are rules.unit of what the bot chose
    (an all-zero choice falls back to even), and an audible is a move of more than 1e-9
    away from a focus that was not the even default."""
    B, K_ = 300, 4
    old = A.batch_last(gen.dirichlet(np.ones(K_), B))
    old[:20] = 1.0 / K_  # the even default: setting it calls no audible
    rows = np.flatnonzero(gen.random(B) < 0.4)
    new = gen.random((len(rows), K_))
    new[:3] = 0.0
    focus = np.copy(old)
    focus[rows] = rules.unit(new)
    got = A.batched(K.refocus(np.copy(mem(old)), rows, new))
    assert same_bits(got, np.ascontiguousarray(focus))
    was_even = np.abs(old - 1.0 / K_).max(-1) < 1e-9
    moved = (A.total(np.abs(focus - old)) > 1e-9) & ~was_even
    assert np.array_equal(K.audibles(mem(old), mem(focus)), moved)
    assert moved.any() and not moved.all() and not moved[:20].any()


def test_capacity_matches_numpy(gen):
    B, M, w = 200, 6, 3
    staffed = A.batch_last(gen.random((B, M)) < 0.5)
    away = A.batch_last(gen.integers(0, 6, (B, M)))
    m_from, m_until = gen.integers(1, 4, M), gen.integers(2, 8, M)
    capacity = gen.uniform(0, 40, M)
    expected = (staffed & (away < w) & (m_from <= w) & (w <= m_until)) * capacity
    in_weeks = (m_from <= w) & (w <= m_until)
    got = A.batched(K.capacity(mem(staffed), mem(away), in_weeks, capacity, w))
    assert same_bits(got, np.ascontiguousarray(expected))


def test_a_batch_that_reuses_its_arrays_plays_as_copies_do():
    """engine.batch.simulate lets the week's steps update in place the arrays only they
    change (rules.owned); the same games played with copies at every step end in the same
    bits in every field and every trace array, also where games were decided before the
    deal's last week (whose state must stay as it closed)."""
    from engine.batch import simulate
    from engine.bots import _apply_setup, _apply_week_focus, make_policy
    from engine.compiled import compile_scenario
    from engine.loader import builtin_scenarios

    early = 0
    for sc in builtin_scenarios():
        c = compile_scenario(sc)
        seeds = np.arange(60, dtype=np.uint64)
        reused = simulate(c, seeds, make_policy("random", 3)).batch
        policy = make_policy("random", 3)
        b = rules.new_batch(c, seeds)
        b = rules.start_week(c, _apply_setup(c, b, policy.setup(c, b)))
        for w in range(1, c.weeks + 1):
            wk = policy.week(c, b)
            b = _apply_week_focus(c, b, wk)
            b = rules.resolve_week(c, b, wk.g, wk.a, wk.m, wk.s)
            if w == c.weeks or not (b.ended == 0).any():
                break
            b = rules.start_week(c, b)
        early += int(((b.ended > 0) & (b.ended < c.weeks)).sum())
        for k, v in b.__dict__.items():
            if isinstance(v, np.ndarray):
                assert same_bits(getattr(reused, k), v), (sc.id, k)
        mine, theirs = rules.trace(c, reused), rules.trace(c, b)
        for k, v in theirs.items():
            if isinstance(v, np.ndarray):
                assert same_bits(mine[k], v), (sc.id, k)
    assert early > 0


@pytest.mark.parametrize("policy", ["random", "expert"])
def test_the_recorded_runs_of_weeks_hold_the_same_values(policy):
    """stack_record's runs of weeks (same_weeks): every week of a run has the bytes of its
    first, in a finished batch and in one still being played (the weeks not yet played
    are a run of their own); a key whose weeks all recorded one array is a view of it."""
    from engine.batch import simulate
    from engine.bots import make_policy
    from engine.compiled import compile_scenario
    from engine.loader import builtin_scenarios

    sc = next(s for s in builtin_scenarios() if s.id == "brightwater-rhythm")
    c = compile_scenario(sc)
    r = simulate(c, np.arange(40, dtype=np.uint64), make_policy(policy, 2))
    b = r.batch
    half = rules._copy(b, record=b.record[:5], resolved=5)
    for batch in (b, half):
        t = rules.trace(c, batch)
        same = t[al.SAME_WEEKS]
        assert same.keys() == batch.record[0].keys()
        for k, starts in same.items():
            weeks = mem(t[k])
            for a, z in zip(starts, [*starts[1:], c.weeks], strict=True):
                assert all(same_bits(weeks[w], weeks[a]) for w in range(a, z)), k
            assert {a for a, _ in al.week_runs(t[k])} <= set(starts), k  # never coarser
            assert batch is b or starts[-1] == 5  # the weeks not yet played
    t = rules.trace(c, b)
    one = [k for k, v in b.record[0].items() if all(r[k] is v for r in b.record)]
    one = [k for k in one if b.record[0][k].dtype.kind in "biu"]  # floats are copied
    if len(b.record) < c.weeks:  # the games all ended early: the weeks after are zeros
        one = []
    assert [k for k in t[al.SAME_WEEKS] if 0 in t[k].strides] == one
    assert policy != "random" or "t_role" in one  # the random bot keeps its team
