"""The balance report's lessons: does dropping each practice cost the game?

The expert and each practice's probe (the expert with that one practice removed,
engine.practices) play the same game seeds, so every game gives a paired difference.
A practice is taught when the cost in expected score and in win rate both have 95%
intervals above zero. The statistics here work on plain arrays (no engine), one value
per game; docs/balance-report.md documents every key.
"""

from __future__ import annotations

from math import sqrt

import numpy as np

from engine.bots import DEGENERATE
from engine.practices import PRACTICES

Z95 = 1.959963984540054  # the standard normal's 97.5% quantile: two-sided 95% intervals
TARGET_POINTS = 10.0  # a taught practice costs at least this many points of expected score
TARGET_WIN = 0.15  # ... and this much win rate (15 points) when dropped

Estimate = tuple[float, float | None, float | None]  # a mean and its 95% interval's bounds


def wilson(wins: int, games: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a win rate of `wins` out of `games` ((0, 1) for no games)."""
    if games <= 0:
        return 0.0, 1.0
    p = wins / games
    denom = 1 + z * z / games
    centre = (p + z * z / (2 * games)) / denom
    half = z * sqrt(p * (1 - p) / games + z * z / (4 * games * games)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(x: np.ndarray, z: float = Z95) -> Estimate:
    """Mean of `x` with a normal interval (mean +- z * sd / sqrt(n), sd with n - 1);
    the bounds are None under two values, where there is no spread to measure."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n == 0:
        return 0.0, None, None
    m = float(x.mean())
    if n < 2:
        return m, None, None
    half = z * float(x.std(ddof=1)) / sqrt(n)
    return m, m - half, m + half


def paired(a: np.ndarray, b: np.ndarray, z: float = Z95) -> Estimate:
    """Mean of the per-game differences a - b with its normal interval: the games share
    their seeds, so a game's luck cancels out of its own difference."""
    return mean_interval(np.asarray(a, dtype=float) - np.asarray(b, dtype=float), z)


def above_zero(lo: float | None) -> bool:
    """True when an interval's lower bound is above zero (a cost beyond noise)."""
    return lo is not None and lo > 0


def lesson(practice, taught: bool, expert: dict, probe: dict) -> dict:
    """One row of the lessons table from the expert's and the probe's per-game arrays
    (`expected`: expected score, `won`: bool), game i of both played on the same seed."""
    n = len(expert["won"])
    ew, pw = expert["won"].astype(float), probe["won"].astype(float)
    es, e_lo, e_hi = mean_interval(expert["expected"])
    ps, p_lo, p_hi = mean_interval(probe["expected"])
    cost, c_lo, c_hi = paired(expert["expected"], probe["expected"])
    cost_win, w_lo, w_hi = paired(ew, pw)
    significant = above_zero(c_lo) and above_zero(w_lo)
    meets = significant and cost >= TARGET_POINTS and cost_win >= TARGET_WIN
    return {
        "practice": practice.id,
        "name": practice.name,
        "probe": practice.probe,
        "taught": taught,
        "games": n,
        "expert_win_rate": float(ew.mean()) if n else 0.0,
        "expert_win_ci": list(wilson(int(ew.sum()), n)),
        "probe_win_rate": float(pw.mean()) if n else 0.0,
        "probe_win_ci": list(wilson(int(pw.sum()), n)),
        "expert_score": es,
        "expert_score_ci": [e_lo, e_hi],
        "probe_score": ps,
        "probe_score_ci": [p_lo, p_hi],
        "cost_points": cost,
        "cost_points_ci": [c_lo, c_hi],
        "cost_win": cost_win,
        "cost_win_ci": [w_lo, w_hi],
        "significant": significant,
        "meets_target": meets,
        "verdict": verdict(significant, meets),
    }


def lessons(teaches, played: dict[str, dict]) -> list[dict]:
    """A row per practice whose probe was played alongside the expert (`played` maps a
    policy name to its per-game arrays); each probe is played once and shared."""
    expert = played.get("expert")
    if expert is None:
        return []
    return [
        lesson(p, p.id in teaches, expert, played[p.probe]) for p in PRACTICES if p.probe in played
    ]


def verdict(significant: bool, meets: bool) -> str:
    """What the lessons table says of a practice: it decides the game (on target), it
    matters but less than the target asks, or the scenario does not teach it."""
    if not significant:
        return "not taught by this scenario"
    return "teaches" if meets else "matters, below the target"


def exploit_probes(teaches) -> tuple[str, ...]:
    """The probes an exploit is looked for in: the degenerate strategies, and the probe of
    every practice the scenario teaches (a practice it does not teach may well cost
    nothing: that is "not taught", not an exploit)."""
    taught = (p.probe for p in PRACTICES if p.id in teaches)
    return tuple(dict.fromkeys((*DEGENERATE, *taught)))


def exploits(played: dict[str, dict], probes) -> list[dict]:
    """Probes whose win rate is not significantly below the expert's: the paired win-rate
    difference's interval does not lie wholly above zero."""
    expert = played.get("expert")
    if expert is None:
        return []
    out = []
    for name in probes:
        got = played.get(name)
        if got is None or name == "expert":
            continue
        cost_win, lo, hi = paired(expert["won"], got["won"])
        if not above_zero(lo):
            out.append(
                {
                    "policy": name,
                    "win_rate": float(got["won"].mean()),
                    "expected_score": float(got["expected"].mean()),
                    "expert_win_rate": float(expert["won"].mean()),
                    "expert_expected_score": float(expert["expected"].mean()),
                    "cost_win": cost_win,
                    "cost_win_ci": [lo, hi],
                }
            )
    return out
