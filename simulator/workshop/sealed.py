"""The seed stays on the workshop server: what a player's client gets instead.

The server sends the draws a team's game has used so far (`engine.drawn.used_draws`),
and the client plays a sealed game (`SealedSeed`) that reads them, so its game is the
stored one bit for bit while it holds no seed. What needs the whole game's draws (the
coach's counterfactuals, the expert's games the debrief measures against) is computed
here on the server and sent as plain results.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from engine.drawn import Draws, SealedSeed, used_draws
from engine.model import Scenario
from engine.state import GameState, new_game


def win_chance(state: GameState) -> float | None:
    """The closed deal's final win chance (what the outcome's luck is compared with), or
    None while the deal is open."""
    if not state.is_over():
        return None
    from scoring.scorecard import score

    return float(score(state.trace()).outcome["win_probability"][0])


def draws_of(state: GameState, seed: int) -> dict:
    """What a player's copy of `state` needs of its draws (engine.drawn.used_draws)."""
    return used_draws(state.compiled, seed, state.week, win_chance(state))


class ServerSupplier:
    """The server's side of a sealed game: the expert's games, computed with the seed."""

    def __init__(self, scenario: Scenario, seed: int):
        self.scenario, self._seed = scenario, seed

    def expert_games(self, games: int):
        from simulator.coach import expert_games

        return expert_games(self.scenario, self._seed, games)


def coaching_of(scenario: Scenario, seed: int, state: GameState) -> dict:
    """The coach's findings for a team's game, as the player may see them: computed on a
    sealed copy that has every week's draws (so corrected games can be replayed to their
    end) but not the outcome's luck before the deal closed."""
    from simulator.coach import coach

    c = state.compiled
    draws = Draws(used_draws(c, seed, c.weeks, win_chance(state), exact=True))
    sealed = new_game(scenario, SealedSeed(draws, ServerSupplier(scenario, seed)))
    return asdict(coach(sealed.apply_all(state.history)))


def expert_of(scenario: Scenario, seed: int) -> dict:
    """The expert's games the debrief measures a team against: their expected scores
    (sorted, so they do not say which game is the session's) and mean component values."""
    from simulator.coach import expert_games

    expected, means = expert_games(scenario, seed)
    return {"expected": sorted(float(x) for x in expected), "baseline": means}


def coaching_from(data: dict):
    """A Coaching rebuilt from the server's answer."""
    from simulator.coach import Coaching, Mistake

    mistakes = tuple(Mistake(**m) for m in data["mistakes"])
    return Coaching(**{**data, "mistakes": mistakes, "baseline": dict(data["baseline"])})


def expert_from(data: dict) -> tuple[np.ndarray, dict[str, float]]:
    return np.asarray(data["expected"], float), {k: float(v) for k, v in data["baseline"].items()}
