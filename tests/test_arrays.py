"""engine/arrays.py: batch-last helpers agree with plain numpy, and layout never changes bits."""

import numpy as np
import pytest

from engine import arrays as A
from engine import rules
from engine.batch import simulate
from engine.bots import make_policy
from engine.compiled import compile_scenario
from scoring.scorecard import score


@pytest.fixture
def gen():
    return np.random.default_rng(7)


def test_batch_last_keeps_values_and_puts_games_innermost(gen):
    x = gen.random((50, 4, 3))
    y = A.batch_last(x)
    assert np.array_equal(x, y)
    assert y.strides[0] == y.itemsize
    assert A.batch_last(y) is y
    assert A.memory(y).flags.c_contiguous
    assert np.array_equal(A.batched(A.memory(y)), y)
    assert A.zeros((50, 4, 3)).strides[0] == 8 and A.full((50, 2), 3, int)[0, 1] == 3


@pytest.mark.parametrize("axis", [0, 1, -1, (1, 2)])
def test_total_adds_in_index_order_whatever_the_layout(gen, axis):
    x = gen.random((64, 5, 7)) * 10.0 ** gen.integers(-8, 8, (64, 5, 7))
    c_order, last = A.total(x, axis), A.total(A.batch_last(x), axis)
    assert np.array_equal(c_order, last)
    assert np.allclose(c_order, x.sum(axis))
    if axis == -1:  # index order, exactly: ((x0 + x1) + x2) + ...
        expected = x[..., 0] + x[..., 1]
        for k in range(2, 7):
            expected = expected + x[..., k]
        assert np.array_equal(c_order, expected)
    assert A.total(x, 1, keepdims=True).shape == (64, 1, 7)


def test_take_matches_fancy_indexing(gen):
    table, index = gen.random(6), A.batch_last(gen.integers(0, 6, (40, 3)))
    assert np.array_equal(A.take(table, index), table[index])


def test_where_ratio_and_stack(gen):
    cond = A.batch_last(gen.random((30, 4)) < 0.5)
    x, y = A.batch_last(gen.random((30, 4))), A.batch_last(gen.random((30, 4)))
    assert np.array_equal(A.where(cond, x, y), np.where(cond, x, y))
    assert np.array_equal(A.where(cond, x, 0.0), np.where(cond, x, 0.0))
    den = np.where(cond, x, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        assert np.array_equal(A.ratio(y, den), np.where(den > 0, y / den, 0.0))
    stacked = A.stack([x, y])
    assert np.array_equal(stacked, np.stack([x, y], -1)) and stacked.strides[0] == 8


def test_scoring_is_bit_identical_for_either_layout(northwind):
    t = simulate(northwind, np.arange(40), make_policy("random", 3)).trace()
    c_order = {k: np.ascontiguousarray(v) if isinstance(v, np.ndarray) else v for k, v in t.items()}
    a, b = score(t), score(c_order)
    assert np.array_equal(a.expected_score, b.expected_score)
    assert np.array_equal(a.score, b.score)
    for k in a.weekly:
        assert np.array_equal(a.weekly[k], b.weekly[k], equal_nan=True)


def test_derived_values_are_reused_only_while_their_sources_are_the_same_objects(northwind):
    b = rules.new_batch(compile_scenario(northwind), np.arange(3))
    calls = []

    def compute():
        calls.append(1)
        return b.staffed.sum(1)

    first = rules.derived(b, "n", (b.staffed,), compute)
    assert rules.derived(b, "n", (b.staffed,), compute) is first and len(calls) == 1
    assert rules.derived(b, "n", (b.staffed,), compute, key=2) is not first and len(calls) == 2
    later = rules.set_team(b, staffed=np.ones_like(b.staffed))
    assert later.memo is b.memo  # shared along the game's batches
    rules.derived(later, "n", (later.staffed,), compute)
    assert len(calls) == 3


def test_pair_total_sums_the_weights_of_pairs_both_present(gen):
    weights = np.zeros((5, 5))
    weights[0, 2] = weights[2, 0] = 0.3
    weights[1, 4] = weights[4, 1] = -0.2
    mask = gen.random((30, 5)) < 0.5
    brute = np.array(
        [
            sum(weights[i, j] for i in range(5) for j in range(5) if i != j and r[i] and r[j])
            for r in mask
        ]
    )
    assert np.allclose(A.pair_total(mask, weights), brute)
    assert A.pair_total(np.ones((2, 3, 5), bool), weights).shape == (2, 3)


def test_a_changed_copy_that_keeps_the_hash_is_compiled_afresh():
    from engine.compiled import compile_scenario
    from engine.loader import find_scenario

    s = find_scenario("northwind-new-logo")
    longer = s.model_copy(update={"deal": s.deal.model_copy(update={"weeks": s.deal.weeks + 2})})
    assert longer.content_hash == s.content_hash
    assert compile_scenario(s).weeks == s.deal.weeks
    assert compile_scenario(longer).weeks == s.deal.weeks + 2
    assert compile_scenario(s) is compile_scenario(s)
