"""The scoring model's behaviour, pinned on synthetic traces (pure arrays, no engine)."""

import numpy as np

from engine.model import Rules
from scoring import alignment as al
from scoring.scorecard import score

W, M, S, K, R, Q, L = 8, 3, 3, 2, 3, 2, 2


def trace(**over):
    """A small, well-played game: one quarterback, everyone connected, focus on target."""
    t = {
        "t_staffed": np.ones((1, W, M), bool),
        "t_role": np.broadcast_to(np.array([0, 1, 2]), (1, W, M)).copy(),
        "t_conn": np.broadcast_to(np.eye(M, S, dtype=bool), (1, W, M, S)).copy(),
        "t_focus": np.broadcast_to(np.array([0.8, 0.2]), (1, W, K)).copy(),
        "t_prio": np.broadcast_to(np.array([0.8, 0.2]), (1, W, S, K)).copy(),
        "t_influence": np.broadcast_to(np.array([0.5, 0.3, 0.2]), (1, W, S)).copy(),
        "t_stance": np.full((1, W, S), 0.3),
        "t_know": np.full((1, W, S), 0.6),
        "t_hours": np.full((1, W, M), 10.0),
        "t_capacity": np.full((1, W, M), 20.0),
        "t_progress": np.full((1, W, L), 0.8),
        "t_competition": np.full((1, W), 0.3),
        "t_over_budget": np.zeros((1, W), bool),
        "t_shift": np.zeros((1, W), bool),
        "t_audible": np.zeros((1, W), bool),
        "t_morale": np.full((1, W), 0.6),
        "played": np.ones((1, W), bool),
        "ended": np.array([W]),
        "skill": np.array([[[0.9, 0.3], [0.3, 0.9], [0.6, 0.6]]]),
        "ms_owner": np.array([[0, 1]]),
        "ms_action": np.array([[0, 1]]),
        "ms_done_on_time": np.ones((1, L), bool),
        "owner_staffed": np.ones((1, L), bool),
        "value_mult": np.ones(1),
        "fired_week": np.zeros((1, 1), int),
        "luck": np.array([0.5]),
        "p_r_needs": np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]),
        "p_r_min": np.array([1, 1, 0]),
        "p_r_max": np.array([1, 2, 1]),
        "p_qb_role": 0,
        "p_chem": np.zeros((M, M)),
        "p_m_seniority": np.array([4.0, 3.0, 3.0]),
        "p_st_seniority": np.array([5.0, 3.0, 3.0]),
        "p_st_role": np.array([0, 1, 2]),
        "p_close": 1,
        "p_value": 100_000.0,
        "p_w_top": np.array([0.25, 0.35, 0.4]),
        "p_w_internal": {
            "coverage": 0.2,
            "fit": 0.2,
            "quarterback": 0.15,
            "chemistry": 0.1,
            "workload": 0.1,
            "accountability": 0.15,
            "stability": 0.1,
        },
        "p_w_external": {"coverage": 0.35, "connection_fit": 0.25, "focus": 0.4},
        "p_no_decision_below": 0.3,
        "p_l_target": np.array([4, 8]),
        "p_rules": Rules().numbers(),
        "p_names": {
            "members": ["Ann", "Bo", "Cy"],
            "stakeholders": ["Eve, CFO", "Fay, User", "Gil, IT"],
            "dims": ["cost", "speed"],
            "roles": ["QB", "SC", "DL"],
            "milestones": ["M1", "Close"],
            "events": ["e"],
            "currency": "USD",
        },
    }
    t.update(over)
    return t


def parts(t):
    i, e = al.components(t)
    return i, e


def test_covering_the_economic_buyer_beats_not_covering():
    t = trace()
    conn = t["t_conn"].copy()
    conn[..., 0] = False  # nobody connected to the economic buyer (stakeholder 0)
    covered, uncovered = score(t), score(trace(t_conn=conn))
    assert covered.external_parts["coverage"][0] > uncovered.external_parts["coverage"][0]
    assert covered.outcome["win_probability"][0] > uncovered.outcome["win_probability"][0]
    assert covered.expected_score[0] > uncovered.expected_score[0]


def shifted(lag):
    """Priorities flip at week 3; the team re-aligns `lag` weeks later."""
    prio = trace()["t_prio"].copy()
    prio[:, 2:] = [0.2, 0.8]
    focus = trace()["t_focus"].copy()
    focus[:, 2 + lag :] = [0.2, 0.8]
    shift = np.zeros((1, W), bool)
    shift[0, 2] = True
    aud = np.zeros((1, W), bool)
    aud[0, min(2 + lag, W - 1)] = True
    return trace(t_prio=prio, t_focus=focus, t_shift=shift, t_audible=aud)


def test_realigning_a_week_after_a_shift_beats_five_weeks_later():
    fast, slow = score(shifted(1)), score(shifted(5))
    assert fast.external_parts["focus"][0] > slow.external_parts["focus"][0]
    assert fast.expected_score[0] > slow.expected_score[0]


def test_two_quarterbacks_or_none_cost_alignment():
    one = score(trace()).internal_parts["quarterback"][0]
    two_roles = trace()["t_role"].copy()
    two_roles[..., 1] = 0
    none_roles = trace()["t_role"].copy()
    none_roles[..., 0] = 2
    assert one == 100
    assert score(trace(t_role=two_roles)).internal_parts["quarterback"][0] == 0
    assert score(trace(t_role=none_roles)).internal_parts["quarterback"][0] == 0
    assert score(trace(t_role=two_roles)).internal[0] < score(trace()).internal[0]


def test_repeated_audibles_cost_stability():
    calm = score(trace()).internal_parts["stability"][0]
    aud = np.zeros((1, W), bool)
    aud[0, 1::2] = True
    jumpy = score(trace(t_audible=aud)).internal_parts["stability"][0]
    assert calm == 100 and jumpy < 30


def test_audible_answering_a_shift_is_not_penalised():
    assert score(shifted(1)).internal_parts["stability"][0] == 100


def test_role_skill_mismatch_costs_fit():
    good = score(trace()).internal_parts["fit"][0]
    swapped = trace()["t_role"].copy()
    swapped[..., 0], swapped[..., 1] = 1, 0
    bad = score(trace(t_role=swapped)).internal_parts["fit"][0]
    assert good > bad


def test_batch_axis_scores_games_independently():
    a, b = trace(), shifted(5)
    both = {
        k: np.concatenate([a[k], b[k]])
        if isinstance(a[k], np.ndarray) and k[:2] != "p_" and np.ndim(a[k]) > 0
        else a[k]
        for k in a
    }
    sc = score(both)
    assert sc.score[0] == score(a).score[0] and sc.score[1] == score(b).score[0]


def test_components_are_in_range():
    i, e = parts(shifted(3))
    for v in [*i.values(), *e.values()]:
        assert 0 <= v[0] <= 100
