"""The scorecard: every component, the totals (expected and realised) and weekly series.

`score(trace)` works on any batch size; `Scorecard.game(i)` gives one game's
figures as plain Python values, the stable JSON shape of `dealcraft run --json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from engine.arrays import total
from scoring import alignment as al
from scoring import components as reg
from scoring import outcome as oc

RESULTS = {1: "win", 0: "loss", -1: "no decision"}


@dataclass(frozen=True)
class Scorecard:
    internal_parts: dict[str, np.ndarray]  # name -> (B,) 0..100, in registry order
    external_parts: dict[str, np.ndarray]
    internal: np.ndarray  # (B,)
    external: np.ndarray
    alignment: np.ndarray
    outcome: dict[str, np.ndarray]
    expected_score: np.ndarray
    score: np.ndarray
    played: np.ndarray  # (B, W)
    inputs: tuple = field(repr=False, compare=False)  # what `weekly` is computed from

    @cached_property
    def weekly(self) -> dict[str, np.ndarray]:
        """name -> (B, W) per-week series, NaN after a game's last week; computed on first
        use, since a balance run of 100,000 games needs only the totals."""
        return weekly_series(*self.inputs)

    def game(self, i: int = 0) -> dict:
        """One game's scorecard as plain values (the `--json` shape)."""
        weeks = int(self.played[i].sum())

        def r(x):
            return round(float(x), 4)

        o = self.outcome
        return {
            "score": r(self.score[i]),
            "expected_score": r(self.expected_score[i]),
            "result": RESULTS[int(o["result"][i])],
            "alignment": {
                "total": r(self.alignment[i]),
                "internal": r(self.internal[i]),
                "external": r(self.external[i]),
            },
            "outcome": {
                "win_probability": r(o["win_probability"][i]),
                "expected_value": round(float(o["expected_value"][i]), 2),
                "realised_value": round(float(o["realised_value"][i]), 2),
                "satisfaction": r(o["satisfaction"][i]),
                "team_load": r(o["team_load"][i]),
                "expected": r(o["expected_outcome"][i]),
                "realised": r(o["realised_outcome"][i]),
            },
            "components": {
                "internal": {k: r(v[i]) for k, v in self.internal_parts.items()},
                "external": {k: r(v[i]) for k, v in self.external_parts.items()},
            },
            "weeks_played": weeks,
            "weekly": {k: np.round(v[i, :weeks], 4).tolist() for k, v in self.weekly.items()},
        }


def score(t: dict) -> Scorecard:
    """Score a batch of game traces (see engine.rules.trace for the keys)."""
    t = al.shared(t)
    fcos = al.focus_cosine(t)
    series = reg.weekly(t)
    parts = reg.values(t, series)
    internal = al.weighted(parts["internal"], reg.weights(t, "internal"))
    external = al.weighted(parts["external"], reg.weights(t, "external"))
    w = t["p_w_top"] / total(t["p_w_top"])
    alignment = (w[0] * internal + w[1] * external) / (w[0] + w[1])
    out = oc.outcome(t, internal, external, fcos)
    expected = w[0] * internal + w[1] * external + w[2] * out["expected_outcome"]
    realised = w[0] * internal + w[1] * external + w[2] * out["realised_outcome"]

    return Scorecard(
        internal_parts=parts["internal"],
        external_parts=parts["external"],
        internal=internal,
        external=external,
        alignment=alignment,
        outcome=out,
        expected_score=expected,
        score=realised,
        played=t["played"],
        inputs=(t, series, fcos, w),
    )


def weekly_series(t: dict, series: dict, fcos: np.ndarray, w: np.ndarray) -> dict:
    """The scorecard's per-week series from the weekly component series (`reg.weekly`):
    each week's internal and external alignment weigh every component, a whole-game one
    at its whole-game value."""
    week = reg.weekly_parts(t, series)
    inner_week = 100 * al.weighted(week["internal"], reg.weights(t, "internal"))
    outer_week = 100 * al.weighted(week["external"], reg.weights(t, "external"))
    feats = oc.features(t, inner_week, outer_week)
    win_week = oc.win_probability(t, feats)
    played = t["played"]
    weekly = {
        "alignment": (w[0] * inner_week + w[1] * outer_week) / (w[0] + w[1]),
        "internal": inner_week,
        "external": outer_week,
        "focus_cosine": fcos,
        "coverage": series["external"]["coverage"],
        "win_probability": win_week,
        "stance": feats["stance"],
    }
    return {k: np.where(played, v, np.nan) for k, v in weekly.items()}
