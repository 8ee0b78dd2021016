"""The expert's compiled week (engine.expert_rounds) and the probes the balance report plays
as the expert (engine.bots.plays_as_expert): both must leave every decision as it was."""

import numpy as np
import pytest

from engine import expert_rounds
from engine.batch import simulate
from engine.bots import VARIANTS, make_policy, plays_as_expert
from engine.compiled import compile_scenario
from engine.loader import builtin_scenarios, find_scenario
from simulator import balance

SCENARIOS = [s.id for s in builtin_scenarios()]


def decisions(result) -> list[np.ndarray]:
    """Every array a batch decided: the setup, and each week's runs, audibles and moves."""
    out = [np.asarray(getattr(result.setup, k)) for k in result.setup.__dataclass_fields__]
    for wk in result.weeks:
        out += [wk.g, wk.a, wk.m, wk.s]
        if wk.refocus is not None:
            out += [wk.refocus, wk.focus[wk.refocus]]
        if wk.moves is not None:
            out += [getattr(wk.moves, k) for k in wk.moves.__dataclass_fields__]
    return out


def same(x: list[np.ndarray], y: list[np.ndarray]) -> bool:
    return len(x) == len(y) and all(
        a.shape == b.shape and np.array_equal(a, b) for a, b in zip(x, y, strict=True)
    )


@pytest.mark.parametrize("name", ["harbor-cross-sell", "brightwater-rhythm"])
def test_compiled_and_plain_weeks_decide_alike(name, monkeypatch):
    """The kernel compiled (a large batch) and as plain Python (a small one) pick the same
    runs and targets for every game."""
    scenario = find_scenario(name)
    seeds = balance.game_seeds(5, expert_rounds.COMPILED_FROM)
    for policy in ("expert", "no_rhythm", "skip_discovery"):
        compiled = simulate(scenario, seeds, make_policy(policy, 3))
        monkeypatch.setattr(expert_rounds, "COMPILED_FROM", 10**9)
        plain = simulate(scenario, seeds, make_policy(policy, 3))
        monkeypatch.undo()
        assert same(decisions(compiled), decisions(plain)), policy


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_probe_said_to_play_as_the_expert_does(name):
    """Every probe `plays_as_expert` names makes exactly the expert's decisions."""
    scenario = find_scenario(name)
    c = compile_scenario(scenario)
    seeds = balance.game_seeds(9, 40)
    expert = decisions(simulate(scenario, seeds, make_policy("expert", 2)))
    for probe in (p for p in VARIANTS if plays_as_expert(c, p)):
        assert same(decisions(simulate(scenario, seeds, make_policy(probe, 2))), expert), probe


def test_only_the_probes_whose_practice_never_comes_up_play_as_the_expert():
    def alike(name):
        c = compile_scenario(find_scenario(name))
        return {p for p in VARIANTS if plays_as_expert(c, p)}

    assert alike("brightwater-rhythm") == {"ignore_requests", "skip_checklist"}
    assert alike("calder-water") == {"no_quarterback", "skip_checklist"}
    assert alike("harbor-cross-sell") == set()  # requests, and specialists on the team


def test_the_report_plays_an_alike_probe_once_with_the_same_figures():
    """The report gives an alike probe the expert's games, and they are the games the
    probe plays on its own."""
    scenario = find_scenario("brightwater-rhythm")
    played = balance.play_all(scenario, ["expert", "ignore_requests"], 60, 4, workers=1)
    assert played["ignore_requests"] is played["expert"]
    alone = balance.play_all(scenario, ["ignore_requests"], 60, 4, workers=1)["ignore_requests"]
    assert set(alone) == set(played["expert"])
    assert all(np.array_equal(alone[k], played["expert"][k]) for k in alone)
