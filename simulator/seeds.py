"""`dealcraft run SCENARIO --plan P --seeds 1-100`: one strategy tried across many seeds.

Each seed plays the plan leniently (engine.lenient): a decision that seed's events made
illegal is skipped with the engine's reason. The report gives the distribution of
scores (mean, percentiles, win rate, a histogram) and every skip, counted by reason
(and listed per seed in --json).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass

import numpy as np

from engine.lenient import Skip, play_lenient
from engine.model import Scenario
from engine.plan import HeadlessPlan
from scoring.scorecard import score
from simulator.textcharts import bar

MAX_SEEDS = 10_000
PERCENTILES = (10, 25, 50, 75, 90)
BINS = 10  # histogram bins over the score's 0..100


def seed_list(text: str) -> tuple[int, ...]:
    """An argparse type for --seeds: comma-separated seeds and ranges ('1-100',
    '1,5,9', '1-10,20'), each seed 0..2**64-1, at most MAX_SEEDS in all, none twice."""
    from engine import rng

    def whole(part: str) -> int:
        try:
            n = int(part, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected seeds like 1-100 or 1,5,9, got {text!r}"
            ) from None
        try:
            return rng.validate_seed(n)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        lo, dash, hi = part.partition("-")
        if dash and lo.strip():
            first, last = whole(lo.strip()), whole(hi.strip())
            if last < first:
                raise argparse.ArgumentTypeError(f"range {part!r} runs backwards")
            if last - first + 1 + len(seeds) > MAX_SEEDS:
                raise argparse.ArgumentTypeError(f"at most {MAX_SEEDS:,} seeds, got more")
            seeds.extend(range(first, last + 1))
        else:
            seeds.append(whole(part))
    if len(seeds) > MAX_SEEDS:
        raise argparse.ArgumentTypeError(f"at most {MAX_SEEDS:,} seeds, got {len(seeds):,}")
    twice = [s for s, n in Counter(seeds).items() if n > 1]
    if twice:
        raise argparse.ArgumentTypeError(f"seed {twice[0]} is listed twice")
    return tuple(seeds)


@dataclass(frozen=True)
class SeedGame:
    """One seed's game: its scorecard's headline figures and the decisions skipped."""

    seed: int
    score: float
    expected_score: float
    result: str
    weeks_played: int
    skips: tuple[Skip, ...]

    def as_dict(self) -> dict:
        return {
            "seed": self.seed,
            "score": self.score,
            "expected_score": self.expected_score,
            "result": self.result,
            "weeks_played": self.weeks_played,
            "skips": [s.as_dict() for s in self.skips],
        }


def play_seeds(scenario: Scenario, plan: HeadlessPlan, seeds: tuple[int, ...]) -> list[SeedGame]:
    """Play the plan leniently on each seed, in order."""
    games = []
    for seed in seeds:
        state, skips = play_lenient(scenario, plan, seed)
        card = score(state.trace()).game(0)
        games.append(
            SeedGame(
                seed,
                card["score"],
                card["expected_score"],
                card["result"],
                card["weeks_played"],
                skips,
            )
        )
    return games


def summary(games: list[SeedGame]) -> dict:
    """The distribution of scores over the seeds and the skips counted by reason."""
    scores = np.array([g.score for g in games])
    expected = np.array([g.expected_score for g in games])
    results = Counter(g.result for g in games)
    hist, _ = np.histogram(scores, bins=BINS, range=(0, 100))
    reasons = Counter(s.reason for g in games for s in g.skips)
    everywhere = Counter(w for g in games for w in {s.where for s in g.skips})
    n = len(games)
    return {
        "seeds": n,
        "score": {
            "mean": round(float(scores.mean()), 4),
            "std": round(float(scores.std()), 4),
            "min": round(float(scores.min()), 4),
            "max": round(float(scores.max()), 4),
            "percentiles": {
                f"p{q}": round(float(v), 4)
                for q, v in zip(PERCENTILES, np.percentile(scores, PERCENTILES), strict=True)
            },
        },
        "expected_score_mean": round(float(expected.mean()), 4),
        "results": {r: results.get(r, 0) for r in ("win", "loss", "no_decision")},
        "win_rate": round(results.get("win", 0) / n, 4),
        "histogram": [
            {"from": 100 * i // BINS, "to": 100 * (i + 1) // BINS, "games": int(k)}
            for i, k in enumerate(hist)
        ],
        "skips": {
            "total": sum(reasons.values()),
            "seeds_with_skips": sum(bool(g.skips) for g in games),
            "by_reason": dict(reasons.most_common()),
            "skipped_on_every_seed": sorted(w for w, k in everywhere.items() if k == n),
        },
    }


def render(title: str, seeds: tuple[int, ...], report: dict) -> str:
    """The distribution and the skips as plain text for the terminal."""
    s, sk = report["score"], report["skips"]
    span = f"{seeds[0]}-{seeds[-1]}" if list(seeds) == list(range(seeds[0], seeds[-1] + 1)) else ""
    n = report["seeds"]
    res = report["results"]
    lines = [
        f"{title}: the plan on {n} seed(s){' ' + span if span else ''}",
        f"Score  mean {s['mean']:.1f}  sd {s['std']:.1f}  min {s['min']:.1f}  "
        f"max {s['max']:.1f}   expected (luck-free) mean {report['expected_score_mean']:.1f}",
        "       " + "  ".join(f"{k} {v:.1f}" for k, v in s["percentiles"].items()),
        f"Win rate {report['win_rate']:.0%}  ({res['win']} won, {res['loss']} lost, "
        f"{res['no_decision']} no decision)",
        "",
        "Scores:",
    ]
    top = max(h["games"] for h in report["histogram"]) or 1
    for h in report["histogram"]:
        lines.append(f"  {h['from']:3}-{h['to']:<3} {bar(h['games'] / top, 30)} {h['games']}")
    lines.append("")
    if not sk["total"]:
        lines.append("No decision was skipped: the plan is legal on every seed.")
    else:
        lines.append(
            f"Skipped {sk['total']} decision(s) on {sk['seeds_with_skips']} of {n} seed(s):"
        )
        lines += [f"  {k:5}  {why}" for why, k in sk["by_reason"].items()]
        if sk["skipped_on_every_seed"]:
            lines.append("Skipped on every seed (a mistake in the plan, not the seed's events):")
            lines += [f"  {where}" for where in sk["skipped_on_every_seed"]]
    return "\n".join(lines)


def cmd_run_seeds(args: argparse.Namespace, scenario: Scenario, plan: HeadlessPlan) -> int:
    """`run --seeds`: the plan across the seeds, as text or (--json) one JSON object."""
    games = play_seeds(scenario, plan, args.seeds)
    report = summary(games)
    if args.json:
        out = {
            "scenario": scenario.id,
            "content_hash": scenario.content_hash,
            **report,
            "games": [g.as_dict() for g in games],
        }
        print(json.dumps(out, indent=2))
    else:
        print(render(scenario.title, args.seeds, report))
    return 0
