"""`dealcraft balance`: a Monte Carlo balance report for scenario designers."""

from __future__ import annotations

import argparse
import json

import numpy as np

from engine.batch import simulate_parallel
from engine.bots import DEGENERATE
from engine.loader import find_scenario
from engine.rng import validate_seed
from scoring.scorecard import score

EXPLOIT_MARGIN = 1.0  # a probe within this many points of the expert counts as matching it
CHUNK = 5_000  # games per parallel chunk


def _expected(trace: dict) -> np.ndarray:
    return score(trace).expected_score


def _summary(result) -> dict[str, np.ndarray]:
    """What the report needs from a chunk of games (kept small to cross processes)."""
    sc = score(result.trace())
    out = {
        "expected": sc.expected_score,
        "score": sc.score,
        "won": sc.outcome["won"],
        "result": sc.outcome["result"],
        "team": np.packbits(result.setup.staffed, axis=1),  # one row of bits per team
    }
    out |= {f"internal.{k}": v for k, v in sc.internal_parts.items()}
    out |= {f"external.{k}": v for k, v in sc.external_parts.items()}
    return out


def game_seeds(seed: int, games: int) -> np.ndarray:
    """Game i's seed is `seed + i` (mod 2**64), so any game of a report replays alone."""
    return np.uint64(validate_seed(seed)) + np.arange(games, dtype=np.uint64)


def run_policy(
    scenario, name: str, games: int, seed: int, workers: int = 2, chunk: int = CHUNK
) -> dict:
    """Play `games` games with one policy; summarise win rate, scores and components.
    The chunks' policy seeds come from SeedSequence(seed) (engine.batch.chunk_seeds)."""
    got = simulate_parallel(
        scenario,
        game_seeds(seed, games),
        name,
        seed,
        _summary,
        evaluate=_expected,
        workers=workers,
        chunk=chunk,
    )
    parts = {k: v for k, v in got.items() if k.startswith(("internal.", "external."))}
    q = np.quantile(got["expected"], [0.05, 0.25, 0.5, 0.75, 0.95])
    hist, _ = np.histogram(got["expected"], bins=10, range=(0, 100))
    _, counts = np.unique(got["team"], axis=0, return_counts=True)
    wins = got["team"][got["won"]]
    win_counts = np.unique(wins, axis=0, return_counts=True)[1] if len(wins) else np.zeros(1)
    return {
        "policy": name,
        "games": games,
        "win_rate": float(got["won"].mean()),
        "no_decision_rate": float((got["result"] == -1).mean()),
        "mean_score": float(got["score"].mean()),
        "mean_expected_score": float(got["expected"].mean()),
        "quantiles": dict(zip(["p5", "p25", "p50", "p75", "p95"], map(float, q), strict=True)),
        "histogram": hist.tolist(),
        "components": {k: float(v.mean()) for k, v in parts.items()},
        "_parts": parts,
        "_expected": got["expected"],
        "top_team_share": float(counts.max() / games),
        "wins": int(len(wins)),
        "top_winning_team_share": float(win_counts.max() / max(len(wins), 1)),
    }


def decisive(rows: list[dict]) -> list[tuple[str, float]]:
    """Components ranked by correlation with the expected score across all games played."""
    names = list(rows[0]["_parts"])
    y = np.concatenate([r["_expected"] for r in rows])
    out = []
    for n in names:
        x = np.concatenate([r["_parts"][n] for r in rows])
        c = float(np.corrcoef(x, y)[0, 1]) if x.std() > 0 and y.std() > 0 else 0.0
        out.append((n, round(c, 3)))
    return sorted(out, key=lambda t: -abs(t[1]))


def report(
    scenario, games: int, policies: list[str], seed: int, workers: int = 2, chunk: int = CHUNK
) -> dict:
    rows = [run_policy(scenario, p, games, seed, workers, chunk) for p in policies]
    by = {r["policy"]: r for r in rows}
    warnings, exploits = [], []
    expert, rand = by.get("expert"), by.get("random")
    if expert and expert["win_rate"] < 0.10:
        warnings.append(f"unwinnable: the expert wins only {expert['win_rate']:.0%}")
    if rand and rand["win_rate"] > 0.60:
        warnings.append(f"trivial: random play wins {rand['win_rate']:.0%}")
    if rand and rand["wins"] >= 20 and rand["top_winning_team_share"] > 0.5:
        warnings.append(
            f"one dominant staffing choice: {rand['top_winning_team_share']:.0%} of random "
            "play's wins come from a single team"
        )
    for r in rows:
        if r["policy"] in DEGENERATE and expert:
            if r["mean_expected_score"] >= expert["mean_expected_score"] - EXPLOIT_MARGIN or (
                r["win_rate"] >= expert["win_rate"]
            ):
                exploits.append(
                    {
                        "policy": r["policy"],
                        "win_rate": r["win_rate"],
                        "expected_score": r["mean_expected_score"],
                        "expert_win_rate": expert["win_rate"],
                        "expert_expected_score": expert["mean_expected_score"],
                    }
                )
    ranked = decisive(rows)
    return {
        "scenario": scenario.id,
        "games": games,
        "seed": seed,
        "policies": [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
        "skill_gap": (expert["win_rate"] - rand["win_rate"]) if expert and rand else None,
        "most_decisive": ranked[:3],
        "least_decisive": ranked[-3:],
        "warnings": warnings,
        "exploits": exploits,
    }


def render(rep: dict) -> str:
    lines = [
        f"Balance report: {rep['scenario']} ({rep['games']} games per policy, seed {rep['seed']})"
    ]
    for r in rep["policies"]:
        q = r["quantiles"]
        lines += [
            "",
            f"{r['policy']:>20}: win {r['win_rate']:.0%}  no decision {r['no_decision_rate']:.0%}"
            f"  expected score {r['mean_expected_score']:.1f}",
            f"{'':>20}  p5 {q['p5']:.0f}  p25 {q['p25']:.0f}  median {q['p50']:.0f}"
            f"  p75 {q['p75']:.0f}  p95 {q['p95']:.0f}",
        ]
        top = max(r["histogram"]) or 1
        for k, n in enumerate(r["histogram"]):
            lines.append(f"{'':>22}{k * 10:3d}-{k * 10 + 10:<3d} {'#' * int(30 * n / top)} {n}")
    if rep["skill_gap"] is not None:
        lines += ["", f"Skill gap (expert - random win rate): {rep['skill_gap']:+.0%}"]
    lines.append("Most decisive: " + ", ".join(f"{n} ({c:+.2f})" for n, c in rep["most_decisive"]))
    lines.append(
        "Least decisive: " + ", ".join(f"{n} ({c:+.2f})" for n, c in rep["least_decisive"])
    )
    for w in rep["warnings"]:
        lines.append(f"warning: {w}")
    for e in rep["exploits"]:
        lines.append(
            f"exploit: '{e['policy']}' wins {e['win_rate']:.0%} (expected score "
            f"{e['expected_score']:.1f}) against the expert's {e['expert_win_rate']:.0%} "
            f"({e['expert_expected_score']:.1f})"
        )
    if not rep["exploits"]:
        lines.append("No exploit: every degenerate probe scores below the expert.")
    return "\n".join(lines)


def cmd_balance(args: argparse.Namespace) -> int:
    scenario = find_scenario(args.scenario)  # --games and --seed are range-checked by the parser
    policies = args.policy or ["random", "expert", *DEGENERATE]
    rep = report(scenario, args.games, policies, args.seed)
    print(json.dumps(rep, indent=2) if args.json else render(rep))
    return 0
