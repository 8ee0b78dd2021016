"""Outcome: a logistic win model over alignment, stance, progress and competition.

The coefficients are the model; tests pin its direction (more alignment, more
support and more progress raise the win probability; competitor pressure
lowers it).
"""

from __future__ import annotations

import numpy as np

from engine.arrays import batched, memory, ratio, total
from scoring import alignment as al

FEATURES = ("stance", "external", "internal", "progress", "competition")


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function; a very negative z overflows exp to inf, which correctly gives 0."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def weighted_stance(t: dict) -> np.ndarray:
    """(B, W) influence-weighted stance of the buying team (in a trace `alignment.shared`
    made, found with the coverage in one pass, `alignment.buying_team`)."""
    if al.MEMO in t:
        return al.buying_team(t)[2]
    inf = t["t_influence"]
    whole = total(inf)
    return ratio(total(inf * t["t_stance"]), whole)


def features(t: dict, internal: np.ndarray, external: np.ndarray) -> dict[str, np.ndarray]:
    """(B, W) inputs of the win model each week; internal/external are (B, W) in 0..100."""
    return {
        "stance": weighted_stance(t),
        "external": external / 100,
        "internal": internal / 100,
        "progress": total(t["t_progress"]) / t["t_progress"].shape[-1],
        "competition": t["t_competition"],
    }


def coefficients(t: dict) -> tuple[float, dict[str, float]]:
    """The scenario's win model: intercept and feature -> coefficient (rules.win)."""
    r = t["p_rules"]
    return r["win_intercept"], {k: r[f"win_{k}"] for k in FEATURES}


def win_probability(t: dict, feats: dict[str, np.ndarray]) -> np.ndarray:
    intercept, coef = coefficients(t)
    z = intercept + sum(coef[k] * feats[k] for k in FEATURES)
    return sigmoid(z)


def last_played(series: np.ndarray, played: np.ndarray) -> np.ndarray:
    """Value of a (B, W, ...) series at each game's last played week (week 1 if none): in
    numpy, take_along_axis at max(played.sum(-1) - 1, 0) (a compiled gather)."""
    from scoring import kernels

    B, W = played.shape
    rest = series.shape[2:]
    mem = np.ascontiguousarray(memory(series)).reshape(W, -1, B)
    got = kernels.last_played(mem, np.ascontiguousarray(memory(played)))
    return batched(got.reshape(*rest, B))


def outcome(
    t: dict, internal: np.ndarray, external: np.ndarray, cosine_series: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Final outcome per game from whole-game internal/external scores (B,) in 0..100;
    `cosine_series` is the (B, W) focus cosine when the caller already has it."""
    played = t["played"]
    final_stance = last_played(weighted_stance(t), played)
    feats = {
        "stance": final_stance,
        "external": external / 100,
        "internal": internal / 100,
        "progress": total(last_played(t["t_progress"], played)) / t["t_progress"].shape[-1],
        "competition": last_played(t["t_competition"], played),
    }
    p = win_probability(t, feats)
    decides = p >= t["p_no_decision_below"]
    if cosine_series is None or cosine_series is t.get(al.FOCUS_COSINE):
        earned = last_played(al.focus(t), played)
    else:
        earned = last_played(al.focus_score(cosine_series, al.even_cosine(t)), played)
    floor = t["p_rules"]["scope_floor"]
    scope = floor + (1 - floor) * earned
    value = t["p_value"] * t["value_mult"] * scope
    won = decides & (t["luck"] < p)
    load = al.weekly_mean(al.team_load(t), played)
    return {
        "win_probability": p,
        "decides": decides,
        "won": won,
        "result": np.where(won, 1, np.where(decides, 0, -1)),
        "expected_value": np.where(decides, p * value, 0.0),
        "realised_value": np.where(won, value, 0.0),
        "satisfaction": 100 * np.clip(0.5 + 0.5 * final_stance, 0, 1) * (0.6 + 0.4 * earned),
        "team_load": 100 * load,
        "scope": scope,
        "expected_outcome": 100 * np.where(decides, p, 0.0) * scope,
        "realised_outcome": 100 * won * scope,
        **{f"feature_{k}": v for k, v in feats.items()},
    }
