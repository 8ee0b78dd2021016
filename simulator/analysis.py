"""One game analysed for the screens that show it: its scorecard, its debrief measured
against the expert's play, and its trace."""

from __future__ import annotations


def analyse(state) -> tuple[dict, dict, dict]:
    """(scorecard, debrief, trace) for one game, its points measured against the expert's
    play of the same scenario."""
    from scoring.debrief import debrief
    from scoring.scorecard import score
    from simulator.coach import expert_games

    t = state.trace()
    baseline = expert_games(state.scenario, state.seed)[1] if state.week else None
    sc = score(t)
    return sc.game(0), debrief(t, 0, sc, baseline), t
