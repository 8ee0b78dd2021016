"""Shipped scenario content: the picker's card never gives away a hidden shift."""

from __future__ import annotations

import pytest

from engine.loader import builtin_dir, load_scenario, scenario_files

SHIPPED = sorted(scenario_files([builtin_dir()]))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_card_does_not_reveal_a_scheduled_priority_shift(path):
    s = load_scenario(path)
    names = {d.id: d.name for d in s.dimensions}
    card = s.summary.lower()
    for e in s.events:
        for weights in e.effects.priorities.values():
            top = max(weights, key=weights.get)
            assert names[top].split()[-1].lower() not in card, (e.id, names[top])


def test_an_unknown_scenario_suggests_the_nearest_name():
    from engine.loader import find_scenario
    from engine.problems import InputError

    with pytest.raises(InputError) as err:
        find_scenario("northwind_new_logoo")
    p = err.value.problems[0]
    assert p.code == "scenario.not-found" and "northwind_new_logo" in p.hint
