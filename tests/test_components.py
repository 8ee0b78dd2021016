"""The component registry (scoring.components): one complete record per component, the
weights matched by name, and a new component is one function, one record, one weight."""

import dataclasses

import numpy as np
import pytest

from engine.batch import simulate
from engine.bots import make_policy
from engine.model import ExternalWeights, InternalWeights, Rules
from engine.practices import PRACTICES
from scoring import components as reg
from scoring.debrief import debrief
from scoring.scorecard import score

MODELS = {"internal": InternalWeights, "external": ExternalWeights}


@pytest.fixture(scope="module")
def trace(northwind):
    return simulate(northwind, np.arange(24), make_policy("random", 4)).trace()


def test_every_record_has_every_field():
    keys = [c.key for c in reg.COMPONENTS]
    assert len(set(keys)) == len(keys)
    numbers = Rules().numbers()
    for rec in (*reg.COMPONENTS, reg.OUTCOME):
        assert rec.key == f"{rec.group}.{rec.name}"
        for f in ("group", "name", "label", "why", "advice"):
            assert isinstance(getattr(rec, f), str) and getattr(rec, f).strip(), (rec.key, f)
        assert callable(rec.inputs) and callable(rec.reason), rec.key
        assert rec.formula_for(numbers).strip(), rec.key
    for c in reg.COMPONENTS:
        assert c.group in reg.GROUPS
        assert (c.series is None) != (c.whole_game is None), c.key
        assert callable(c.series or c.whole_game), c.key
        assert {f.name for f in dataclasses.fields(c)} >= {"series", "whole_game"}
    assert set(reg.GROUP_LABELS) == {*reg.GROUPS, reg.OUTCOME.group}


def test_a_record_needs_exactly_one_way_of_measuring():
    base = dataclasses.asdict(reg.COMPONENTS[0]) | {"name": "x"}
    with pytest.raises(ValueError, match="exactly one"):
        reg.Component(**base | {"whole_game": lambda t: t["ended"]})
    with pytest.raises(ValueError, match="exactly one"):
        reg.Component(**base | {"series": None})


def test_weight_models_and_registry_name_the_same_components():
    for group, model in MODELS.items():
        assert set(model.model_fields) == set(reg.names(group)), group


def test_practices_cite_registered_components():
    keys = {c.key for c in reg.COMPONENTS}
    for p in PRACTICES:
        assert set(p.components) <= keys, p.id


def test_records_explain_a_real_game(trace):
    sc = score(trace)
    for group in reg.GROUPS:
        assert list(getattr(sc, f"{group}_parts")) == list(reg.names(group))
    deb = debrief(trace, 3, sc)
    assert list(deb["explain"]) == [*(c.key for c in reg.COMPONENTS), reg.OUTCOME.key]
    for rec in (*reg.COMPONENTS, reg.OUTCOME):
        info = deb["explain"][rec.key]
        assert info["formula"] == rec.formula_for(trace["p_rules"])
        assert info["why"] == rec.why
        assert isinstance(info["reason"], str) and isinstance(info["inputs"], dict)
    assert reg.label("external", "coverage") == "Stakeholder coverage"
    assert reg.label("internal", "coverage") == "Role coverage"
    assert reg.label("internal", "new_thing") == "New thing"


def _reordered(t: dict) -> dict:
    out = dict(t)
    for g in reg.GROUPS:
        out[f"p_w_{g}"] = dict(reversed(list(t[f"p_w_{g}"].items())))
    return out


def test_weight_order_does_not_change_a_score(trace):
    a, b = score(trace), score(_reordered(trace))
    for k in ("internal", "external", "alignment", "expected_score", "score"):
        assert np.array_equal(getattr(a, k), getattr(b, k)), k
    for k, v in a.weekly.items():
        assert np.array_equal(v, b.weekly[k], equal_nan=True), k
    assert debrief(trace, 5, a)["rows"] == debrief(_reordered(trace), 5, b)["rows"]


def test_weights_must_name_every_component(trace):
    t = dict(trace)
    t["p_w_external"] = {k: v for k, v in trace["p_w_external"].items() if k != "focus"}
    with pytest.raises(ValueError, match="focus"):
        score(t)


def test_a_new_component_is_one_function_one_record_one_weight(trace, monkeypatch):
    """A synthetic component, full marks every week, weighted 0.3 inside internal alignment."""
    before = score(trace)

    def always(t):
        return np.ones(t["played"].shape)

    extra = reg.Component(
        group="internal",
        name="synthetic",
        label="Synthetic",
        series=always,
        formula="1 every week",
        why="A test component.",
        inputs=reg.per_week(always),
        advice="Keep it up.",
        reason=lambda t, i, sc: "always full",
    )
    monkeypatch.setattr(reg, "COMPONENTS", (*reg.COMPONENTS, extra))
    t = dict(trace)
    t["p_w_internal"] = {**trace["p_w_internal"], "synthetic": 0.3}
    after = score(t)

    assert list(after.internal_parts) == [*before.internal_parts, "synthetic"]
    played = trace["played"].any(-1)
    assert np.array_equal(after.internal_parts["synthetic"], np.where(played, 100.0, 0.0))
    old = sum(trace["p_w_internal"].values())
    expected = (before.internal * old + 0.3 * after.internal_parts["synthetic"]) / (old + 0.3)
    assert np.allclose(after.internal, expected, rtol=0, atol=1e-9)
    assert not np.allclose(after.internal, before.internal)
    assert np.array_equal(after.external, before.external)  # the other group is untouched
    w = t["p_w_top"] / t["p_w_top"].sum()
    assert np.allclose(
        after.expected_score - before.expected_score,
        w[0] * (after.internal - before.internal)
        + w[2] * (after.outcome["expected_outcome"] - before.outcome["expected_outcome"]),
        atol=1e-9,
    )
    deb = debrief(t, 0, after)
    row = next(r for r in deb["rows"] if r["component"] == "synthetic")
    assert row["group"] == "internal" and row["reason"] == "always full"
    assert row["weight"] == round(float(w[0] * 0.3 / (old + 0.3)), 4)
    assert deb["explain"]["internal.synthetic"]["formula"] == "1 every week"
    card = after.game(0)
    assert card["components"]["internal"]["synthetic"] == 100.0
    assert len(after.weekly["internal"][0]) == trace["played"].shape[1]
