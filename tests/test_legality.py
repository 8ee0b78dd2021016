"""Legality conformance, OpenSpiel style: random play through the single game, and the bots'
batch play checked against the same rules (engine.legal is the one place that decides)."""

import numpy as np
import pytest

from engine import legal, rules
from engine.batch import simulate
from engine.bots import VARIANTS, _apply_setup, _apply_week_focus, make_policy
from engine.compiled import CHECKLIST, compile_scenario
from engine.decisions import (
    Assign,
    Connect,
    Disconnect,
    EndWeek,
    IllegalDecision,
    Release,
    Run,
    Staff,
    Start,
)
from engine.loader import builtin_scenarios
from engine.state import new_game
from scoring.scorecard import score

SCENARIOS = {s.id: s for s in builtin_scenarios()}
SEEDS = (0, 1, 2)


def _refused(g, d) -> str:
    """Assert `d` is refused with a reason, by both why_illegal and apply; the reason."""
    why = g.why_illegal(d)
    assert why, f"{d} should be illegal"
    with pytest.raises(IllegalDecision) as exc:
        g.apply(d)
    assert str(exc.value) == why
    return why


def _grid(g) -> list:
    """Every team move and run that could be asked for now, legal or not."""
    c = g.compiled
    out = []
    for m in c.members:
        out += [Staff(m, CHECKLIST if c.m_internal[c.members.index(m)] else ()), Release(m)]
        out += [Assign(m, r) for r in c.roles]
        for s in c.stakeholders:
            out += [Connect(m, s), Disconnect(m, s)]
        if g.phase == "week":
            for a in c.actions:
                out += [Run(a, m, t) for t in (None, "nobody", *c.stakeholders)]
    return out


def _illegal_candidates(g, gen, each: int = 2) -> list:
    """A few decisions the rules must refuse now, up to `each` of every kind: runs by
    unstaffed members, by the wrong role, over the hours, internal runs given a target;
    connects to absent stakeholders."""
    c, b = g.compiled, g.batch
    kinds: dict[str, list] = {}
    staffed = g.staffed()
    absent = [s for j, s in enumerate(c.stakeholders) if not b.present[0, j]]
    kinds["absent"] = [Connect(m, s) for m in staffed for s in absent]
    if g.phase == "week":
        act = c.actions
        kinds["unstaffed"] = [Run(act[gen.integers(len(act))], m, None) for m in c.members]
        kinds["unstaffed"] = [d for d in kinds["unstaffed"] if d.member not in staffed]
        for m in staffed:
            r = b.role[0, c.members.index(m)]
            for a, action in enumerate(act):
                target = None if c.a_internal[a] else c.stakeholders[0]
                if r < 0 or not c.a_roles[a, r]:
                    kinds.setdefault("role", []).append(Run(action, m, target))
                elif c.a_hours[a] > g.hours_left(m):
                    kinds.setdefault("hours", []).append(Run(action, m, target))
                if c.a_internal[a]:
                    kinds.setdefault("internal", []).append(Run(action, m, c.stakeholders[0]))
    out = []
    for found in kinds.values():
        out += [found[k] for k in gen.permutation(len(found))[:each]]
    return out


def _choose(g, offered, gen, steps: int):
    """A random next decision: a kind uniformly (runs more often), then one of that kind;
    the phase moves on after a few decisions."""
    ends = [d for d in offered if isinstance(d, Start | EndWeek)]
    if ends and (steps >= 10 or gen.random() < 0.1):
        return ends[0]
    kinds: dict = {}
    for d in offered:
        if not isinstance(d, Start | EndWeek):
            kinds.setdefault(type(d), []).append(d)
    if g.phase == "setup" and Staff in kinds and not g.staffed():
        pool = kinds[Staff]
    elif Run in kinds and gen.random() < 0.6:  # mostly spend the hours, to run them out
        pool = kinds[Run]
    elif kinds:
        pool = list(kinds.values())[gen.integers(len(kinds))]
    else:
        pool = ends
    return pool[gen.integers(len(pool))]


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
@pytest.mark.parametrize("seed", SEEDS)
def test_random_play_every_offered_decision_is_accepted(sid, seed):
    gen = np.random.default_rng(seed)
    g = new_game(SCENARIOS[sid], seed)
    steps, total = 0, 0
    while not g.is_over() and total < 400:
        offered = g.legal_decisions()
        assert offered, "an open game always offers a decision"
        keys = {repr(d) for d in offered}
        assert len(keys) == len(offered)
        for d in offered:
            g.apply(d)  # accepted (raises IllegalDecision otherwise)
        if steps == 0 and g.week % 2 == 0:  # setup and every other week, at its start:
            # the masks (what is offered) agree with the checks exactly
            for d in _grid(g):
                assert (g.why_illegal(d) is None) == (repr(d) in keys), d
        for d in _illegal_candidates(g, gen):
            assert repr(d) not in keys
            _refused(g, d)
        d = _choose(g, offered, gen, steps)
        before = g.phase, g.week
        g = g.apply(d)
        steps = 0 if (g.phase, g.week) != before else steps + 1
        total += 1
    assert g.is_over()
    assert _refused(g, EndWeek()) == "the deal is over; no more decisions"


def test_reasons_name_the_failed_condition(northwind):
    g = new_game(northwind, 1)
    assert "not on the team" in _refused(g, Assign("maya", "quarterback"))
    g = g.apply(Staff("maya"))
    assert "already on the team" in _refused(g, Staff("maya"))
    assert "actions are run during the weeks" in _refused(g, Run("proposal", "maya", "coo"))
    g = g.apply(Assign("maya", "quarterback")).apply(Start())
    assert _refused(g, Run("proposal", "maya", "nobody")) == (
        "there is no stakeholder 'nobody' in this scenario"
    )
    assert _refused(g, Run("proposal", "ben", "coo")).endswith("is not on the team")
    assert "already connected" in _refused(g.apply(Connect("maya", "coo")), Connect("maya", "coo"))
    assert "not connected" in _refused(g, Disconnect("maya", "coo"))
    booked = g.apply(Run("proposal", "maya", "coo"))
    assert "actions booked this week" in _refused(booked, Release("maya"))


def _bot_weeks(c, policy, seeds):
    """Play a batch as engine.batch.simulate does, yielding each week's batch and runs."""
    b = rules.new_batch(c, seeds)
    b = _apply_setup(c, b, policy.setup(c, b))
    b = rules.start_week(c, b)
    for w in range(1, c.weeks + 1):
        wk = policy.week(c, b)
        b = _apply_week_focus(c, b, wk)
        yield b, wk
        b = rules.resolve_week(c, b, wk.g, wk.a, wk.m, wk.s)
        if w == c.weeks or not (b.ended == 0).any():
            return
        b = rules.start_week(c, b)


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_every_bot_run_is_legal_in_the_batch(sid):
    """Every run of every policy and probe passes legal.run_check in its own batch, and the
    (B, M, A) mask says yes exactly where some target makes a run legal."""
    c = compile_scenario(SCENARIOS[sid])
    seeds = np.arange(32)
    greedy = make_policy("greedy", 7, evaluate=lambda t: score(t).expected_score)
    for policy in (greedy, *(make_policy(n, 7) for n in ("random", "expert", *VARIANTS))):
        name = policy.name
        for b, wk in _bot_weeks(c, policy, seeds):
            code = legal.run_check(c, b, wk.g, wk.a, wk.m, wk.s)
            bad = np.flatnonzero(code)
            assert not len(bad), (name, b.week, [legal.No(x).name for x in code[bad]])
            if name == "random":
                _mask_matches_checks(c, b)


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_menus_list_exactly_the_legal_runs_and_targets(sid):
    """The menus the bots pick from (legal.run_menu, legal.target_menu) hold the same runs
    and targets as the masks, for every member at every level of hours left."""
    c = compile_scenario(SCENARIOS[sid])
    for b, _ in _bot_weeks(c, make_policy("random", 3), np.arange(24)):
        menu, counts = legal.run_menu(c, b)
        left = legal.hours_left(c, b)
        for spent in (0.0, 2.0, 5.0, 1e9):
            short = np.where(left >= 0, left - spent, left)
            may = legal.runs(c, b, short)
            n = np.take_along_axis(counts, legal.affordable(c, short)[..., None], -1)[..., 0]
            listed = np.zeros_like(may)
            for k in range(menu.shape[-1]):
                has = k < n
                g, m = np.nonzero(has)
                listed[g, m, menu[g, m, k]] = True
            assert np.array_equal(listed, may), (b.week, spent)
        t_menu, t_counts = legal.target_menu(c, b)
        aims = legal.targets(c, b)
        listed = np.zeros_like(aims)
        for k in range(t_menu.shape[-1]):
            g, a = np.nonzero(k < t_counts)
            listed[g, a, t_menu[g, a, k]] = True
        assert np.array_equal(listed, aims), b.week


def _mask_matches_checks(c, b):
    """Each (game, member) once per call, so no run uses another's hours."""
    may, aims = legal.runs(c, b), legal.targets(c, b)
    B, M, A = may.shape
    g, m = (x.reshape(-1) for x in np.meshgrid(np.arange(B), np.arange(M), indexing="ij"))
    for a in range(A):
        ok = np.zeros(len(g), bool)
        for s in range(-1, len(c.stakeholders)):
            fits = legal.run_check(c, b, g, np.full(len(g), a), m, np.full(len(g), s)) == 0
            ok |= fits
            if s >= 0:
                assert not (fits & ~aims[g, a, s]).any()
        assert np.array_equal(may[g, m, a], ok)


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
@pytest.mark.parametrize("name", ["expert", "random"])
def test_bot_decision_logs_replay_legally(sid, name):
    res = simulate(SCENARIOS[sid], np.arange(3), make_policy(name, 11))
    for i in range(3):
        g = new_game(SCENARIOS[sid], i)
        for d in res.decisions(i):
            why = g.why_illegal(d)
            assert why is None, (i, d, why)
            g = g.apply(d)
        assert g.is_over()
