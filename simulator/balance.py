"""`dealcraft balance`: a Monte Carlo balance report for scenario designers.

Each policy plays the same game seeds once; its per-game arrays feed its row of the
policies table and, for the expert and the probes, the lessons table
(simulator.lessons) and the per-event, per-milestone, per-action and per-roster
tables. docs/balance-report.md documents every key of `--json`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from engine.batch import chunk_jobs, join_chunks, run_chunk, simulate_parallel, worker_pool
from engine.bots import VARIANTS
from engine.loader import find_scenario
from engine.rng import validate_seed
from scoring.scorecard import score
from simulator import lessons as L
from simulator.textcharts import spark

CHUNK = 5_000  # games per parallel chunk
PROGRESS_AFTER = 1.0  # seconds: a longer run shows a progress bar (on a terminal's stderr)


def default_policies() -> list[str]:
    """Random, the expert and every probe (the degenerate ones and the practice probes)."""
    return ["random", "expert", *VARIANTS]


def _expected(trace: dict) -> np.ndarray:
    return score(trace).expected_score


def _summary(result) -> dict[str, np.ndarray]:
    """What the report needs from a chunk of games: small per-game arrays, (n,) or (n, X),
    to cross processes. Milestone weeks come from the per-week progress record, staffing
    from the setup and the per-week record, runs from each week's decisions."""
    t = result.trace()
    sc = score(t)
    B = result.batch.size
    played = np.asarray(t["played"])  # (B, W)
    weeks = np.arange(1, played.shape[1] + 1, dtype=np.int16)
    done = (np.asarray(t["t_progress"]) >= 1.0) & played[..., None]  # (B, W, L)
    completed = np.where(done.any(1), weeks[done.argmax(1)], 0).astype(np.int16)
    staffed = np.asarray(t["t_staffed"]) & played[..., None]  # (B, W, M)
    ever = np.asarray(result.setup.staffed) | staffed.any(1)
    n_actions = len(result.compiled.actions)
    g = np.concatenate([w.g for w in result.weeks] or [np.zeros(0, int)]).astype(np.int64)
    a = np.concatenate([w.a for w in result.weeks] or [np.zeros(0, int)]).astype(np.int64)
    runs = np.bincount(g * n_actions + a, minlength=B * n_actions).reshape(B, n_actions)
    out = {
        "expected": sc.expected_score,
        "score": sc.score,
        "won": sc.outcome["won"],
        "result": sc.outcome["result"],
        "team": np.packbits(result.setup.staffed, axis=1),  # one row of bits per team
        "fired": np.ascontiguousarray(result.batch.fired),
        "fired_week": _first_week(result.batch.fire_log),  # (B, E) first firing, 0 never
        "fire_count": np.ascontiguousarray(result.batch.fire_count).astype(np.int16),
        "completed_week": completed,  # (B, L) week each milestone was reached, 0 for never
        "ever_staffed": np.ascontiguousarray(ever),  # (B, M)
        "runs": runs.astype(np.int16),  # (B, A) runs of each action per game
    }
    out |= {f"internal.{k}": v for k, v in sc.internal_parts.items()}
    out |= {f"external.{k}": v for k, v in sc.external_parts.items()}
    return out


def _first_week(log: np.ndarray) -> np.ndarray:
    """(B, E) the week each event first fired (a repeating one may fire again), 0 never."""
    log = np.asarray(log)
    first = log.argmax(1) + 1
    return np.where(log.any(1), first, 0).astype(np.int16)


def game_seeds(seed: int, games: int) -> np.ndarray:
    """Game i's seed is `seed + i` (mod 2**64), so any game of a report replays alone."""
    return np.uint64(validate_seed(seed)) + np.arange(games, dtype=np.uint64)


def play(
    scenario, name: str, games: int, seed: int, workers: int = 2, chunk: int = CHUNK
) -> dict[str, np.ndarray]:
    """Play `games` games with one policy; the per-game arrays of `_summary`. Every policy
    plays the same game seeds; the chunks' policy seeds come from SeedSequence(seed)
    (engine.batch.chunk_seeds)."""
    return simulate_parallel(
        scenario,
        game_seeds(seed, games),
        name,
        seed,
        _summary,
        evaluate=_expected,
        workers=workers,
        chunk=chunk,
    )


def _team_counts(team: np.ndarray) -> np.ndarray:
    """How many games staffed each distinct team, for `team` (n, bytes) rows of packed bits:
    each row read as one number (a run of bytes when it is longer than 8), which sorts many
    times faster than np.unique over rows."""
    if team.shape[1] <= 8:
        key = np.zeros(len(team), np.uint64)
        for j in range(team.shape[1]):
            key = (key << np.uint64(8)) | team[:, j]
    else:
        key = np.ascontiguousarray(team).view(np.dtype((np.void, team.shape[1])))[:, 0]
    return np.unique(key, return_counts=True)[1]


def policy_row(name: str, got: dict[str, np.ndarray]) -> dict:
    """A policy's row: win rate, scores, their spread and the components' means."""
    games = len(got["expected"])
    parts = {k: v for k, v in got.items() if k.startswith(("internal.", "external."))}
    q = np.quantile(got["expected"], [0.05, 0.25, 0.5, 0.75, 0.95])
    hist, _ = np.histogram(got["expected"], bins=10, range=(0, 100))
    counts = _team_counts(got["team"])
    wins = got["team"][got["won"]]
    win_counts = _team_counts(wins) if len(wins) else np.zeros(1)
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


def run_policy(
    scenario, name: str, games: int, seed: int, workers: int = 2, chunk: int = CHUNK
) -> dict:
    """Play one policy and summarise it as a row of the policies table."""
    return policy_row(name, play(scenario, name, games, seed, workers, chunk))


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


# ---- what the expert's games say about each event, milestone, action and roster member ---


def _split(mask: np.ndarray, y: np.ndarray) -> tuple[list, list]:
    """Mean of y (B,) over the games where each column of mask (B, X) is true, and where
    it is false; None for a column with no such game."""
    mask = mask.astype(bool)
    n_in = mask.sum(0)
    n_out = len(y) - n_in
    s_in = (mask * y[:, None]).sum(0)  # no BLAS (see docs/design-choices.md)
    s_out = y.sum() - s_in
    with_ = [float(s / n) if n else None for s, n in zip(s_in, n_in, strict=True)]
    without = [float(s / n) if n else None for s, n in zip(s_out, n_out, strict=True)]
    return with_, without


def _medians(weeks: np.ndarray) -> list[int | float | None]:
    """Median of each column of weeks (B, X) over its non-zero entries; None if none."""
    out = []
    for col in weeks.T:  # one per event or milestone, never per game
        hit = col[col > 0]
        out.append(float(np.median(hit)) if len(hit) else None)
    return out


def event_kinds(e) -> list[str]:
    """The richer kinds an event uses: behaviour, repeats, lasts, silent."""
    w, fx = e.when, e.effects
    out = []
    if w.if_run or w.if_not_run or w.if_met or w.if_not_met or w.if_skipped or w.if_staffed:
        out.append("behaviour")
    if w.repeat_every:
        out.append("repeats")
    if fx.lasts:
        out.append("lasts")
    if fx.silent:
        out.append("silent")
    return out


def events_table(scenario, got: dict[str, np.ndarray]) -> list[dict]:
    fired = got["fired"]
    y = got["expected"].astype(float)
    rate = fired.mean(0) if len(y) else np.zeros(fired.shape[1])
    with_, without = _split(fired, y)
    weeks = _medians(np.where(fired, got["fired_week"], 0))
    count = got.get("fire_count", fired)
    times = count.mean(0) if len(y) else np.zeros(fired.shape[1])
    return [
        {
            "event": e.id,
            "name": e.name,
            "fire_rate": float(rate[i]),
            "median_week": weeks[i],
            "score_fired": with_[i],
            "score_not_fired": without[i],
            "mean_times": float(times[i]),
            "kinds": event_kinds(e),
        }
        for i, e in enumerate(scenario.events)
    ]


def milestones_table(scenario, got: dict[str, np.ndarray]) -> list[dict]:
    week = got["completed_week"]
    rate = (week > 0).mean(0) if len(week) else np.zeros(week.shape[1])
    median = _medians(week)
    return [
        {
            "milestone": m.id,
            "name": m.name,
            "target_week": m.target_week,
            "completion_rate": float(rate[i]),
            "median_week": median[i],
        }
        for i, m in enumerate(scenario.milestones)
    ]


def actions_table(scenario, got: dict[str, np.ndarray]) -> list[dict]:
    runs = got["runs"]
    n = max(len(runs), 1)
    mean = runs.sum(0) / n
    share = (runs > 0).sum(0) / n
    return [
        {
            "action": a.id,
            "name": a.name,
            "runs_per_game": float(mean[i]),
            "games_share": float(share[i]),
        }
        for i, a in enumerate(scenario.actions)
    ]


def roster_table(scenario, got: dict[str, np.ndarray]) -> list[dict]:
    ever = got["ever_staffed"]
    y = got["expected"].astype(float)
    share = ever.mean(0) if len(y) else np.zeros(ever.shape[1])
    with_, without = _split(ever, y)
    return [
        {
            "member": m.id,
            "name": m.name,
            "staffed_share": float(share[i]),
            "score_with": with_[i],
            "score_without": without[i],
        }
        for i, m in enumerate(scenario.roster)
    ]


# ---- the report -------------------------------------------------------------------------


class _Progress:
    """A progress bar over the policies on stderr, shown once the run has taken more than
    PROGRESS_AFTER seconds, and only when stderr is a terminal."""

    def __init__(self, total: int, enabled: bool | None = None):
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar = self.task = None

    def advance(self, name: str) -> None:
        self.done += 1
        if not self.enabled or self.done >= self.total:
            return
        if self.bar is None and time.monotonic() - self.start > PROGRESS_AFTER:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("balance", total=self.total, completed=self.done)
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done, description=f"played {name}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _cheap(policy: str) -> bool:
    """The policies whose chunks take a fraction of the others' (random play and the probe
    that waits for the last week): queued last, so no worker idles at the end while
    another plays a long chunk."""
    return policy in ("random", "last_week_pile")


def _prepare(scenario, policies: list[str]) -> None:
    """Compile the scenario, and the expert's kernel when an expert-family policy plays, in
    this process before it forks its workers, which inherit both instead of each building
    them (loading the kernel costs about half a second a process)."""
    from engine.batch import simulate
    from engine.bots import make_policy
    from engine.compiled import compile_scenario
    from engine.expert_rounds import COMPILED_FROM

    compile_scenario(scenario)
    if any(p in ("expert", "greedy") or p in VARIANTS for p in policies):
        simulate(scenario, game_seeds(0, COMPILED_FROM), make_policy("expert"))


def _as_expert(scenario, policies: list[str]) -> dict[str, str]:
    """{probe: "expert"} for the probes that make exactly the expert's decisions in this
    scenario (engine.bots.plays_as_expert), when the expert plays too: their games are the
    expert's, so they are played once."""
    from engine.bots import plays_as_expert
    from engine.compiled import compile_scenario

    if "expert" not in policies:
        return {}
    c = compile_scenario(scenario)
    return {p: "expert" for p in policies if p in VARIANTS and plays_as_expert(c, p)}


def play_all(
    scenario,
    policies: list[str],
    games: int,
    seed: int,
    workers: int = 2,
    chunk: int = CHUNK,
    progress: bool | None = None,
) -> dict[str, dict[str, np.ndarray]]:
    """Play each policy once; its per-game arrays by name. One pool of workers plays every
    policy's chunks (`play`'s, the same jobs), each worker taking the next chunk when it is
    done with one. The results are the same either way: they never depend on the number
    of workers. A probe that plays exactly as the expert in this scenario (`_as_expert`)
    gets the expert's arrays."""
    alias = _as_expert(scenario, policies)
    to_play = [p for p in policies if p not in alias]
    bar = _Progress(len(to_play), progress)
    played: dict[str, dict[str, np.ndarray]] = {}
    jobs = {
        p: chunk_jobs(scenario, game_seeds(seed, games), p, seed, _summary, _expected, chunk)
        for p in to_play
    }
    try:
        if workers <= 1 or sum(map(len, jobs.values())) < 2:
            for p in to_play:
                played[p] = join_chunks([run_chunk(j) for j in jobs[p]])
                bar.advance(p)
        else:
            from concurrent.futures import as_completed

            total = sum(map(len, jobs.values()))
            _prepare(scenario, to_play)
            with worker_pool(min(workers, total)) as pool:
                futures = {
                    pool.submit(run_chunk, j): (p, k)
                    for p in sorted(to_play, key=_cheap)
                    for k, j in enumerate(jobs[p])
                }
                parts: dict[str, dict[int, dict]] = {p: {} for p in to_play}
                for done in as_completed(futures):
                    p, k = futures[done]
                    parts[p][k] = done.result()
                    if len(parts[p]) == len(jobs[p]):
                        played[p] = join_chunks([parts[p][i] for i in range(len(jobs[p]))])
                        bar.advance(p)
    finally:
        bar.close()
    return {p: played[alias.get(p, p)] for p in policies}


def report(
    scenario,
    games: int,
    policies: list[str] | None = None,
    seed: int = 0,
    workers: int = 2,
    chunk: int = CHUNK,
    progress: bool | None = None,
) -> dict:
    """The balance report as a JSON-ready dict (docs/balance-report.md). Each policy plays
    once on the same game seeds; lessons cover the practices whose probe was played."""
    policies = list(dict.fromkeys(policies or default_policies()))
    played = play_all(scenario, policies, games, seed, workers, chunk, progress)
    return report_of(scenario, games, seed, played)


def report_of(scenario, games: int, seed: int, played: dict[str, dict[str, np.ndarray]]) -> dict:
    """The balance report of games already played (`play_all`'s per-game arrays)."""
    policies = list(played)
    rows = [policy_row(p, played[p]) for p in policies]
    by = {r["policy"]: r for r in rows}
    warnings = []
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
    ranked = decisive(rows)
    got = played.get("expert")
    return {
        "scenario": scenario.id,
        "games": games,
        "seed": seed,
        "policies": [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
        "skill_gap": (expert["win_rate"] - rand["win_rate"]) if expert and rand else None,
        "most_decisive": ranked[:3],
        "least_decisive": ranked[-3:],
        "warnings": warnings,
        "exploits": L.exploits(played, L.exploit_probes(scenario.teaches)),
        "teaches": list(scenario.teaches),
        "lessons": L.lessons(scenario.teaches, played),
        "events": events_table(scenario, got) if got else [],
        "milestones": milestones_table(scenario, got) if got else [],
        "actions": actions_table(scenario, got) if got else [],
        "roster": roster_table(scenario, got) if got else [],
    }


# ---- the text report --------------------------------------------------------------------


def _num(x, fmt: str = ".1f", none: str = "-") -> str:
    return none if x is None else format(x, fmt)


def _ci(lo, hi, fmt: str = "+.1f") -> str:
    return "[  n/a  ]" if lo is None else f"[{lo:{fmt}}, {hi:{fmt}}]"


def _pct(x) -> str:
    return "-" if x is None else f"{x:.0%}"


def render(rep: dict) -> str:
    out = [
        f"Balance report: {rep['scenario']} ({rep['games']} games per policy, seed {rep['seed']})",
        "",
        f"{'policy':<20} {'win':>5} {'no dec':>6} {'exp':>5}   p5  p25  med  p75  p95  "
        "expected score 0..100",
    ]
    for r in rep["policies"]:
        q = r["quantiles"]
        top = max(r["histogram"]) or 1
        out.append(
            f"{r['policy']:<20} {r['win_rate']:>5.0%} {r['no_decision_rate']:>6.0%} "
            f"{r['mean_expected_score']:>5.1f} "
            + " ".join(f"{q[k]:4.0f}" for k in ("p5", "p25", "p50", "p75", "p95"))
            + "  "
            + spark([n / top for n in r["histogram"]])
        )
    if rep["skill_gap"] is not None:
        out += ["", f"Skill gap (expert - random win rate): {rep['skill_gap']:+.0%}"]
    out.append("Most decisive: " + ", ".join(f"{n} ({c:+.2f})" for n, c in rep["most_decisive"]))
    out.append("Least decisive: " + ", ".join(f"{n} ({c:+.2f})" for n, c in rep["least_decisive"]))
    if rep["lessons"]:
        out += [
            "",
            "Lessons: the expert vs the expert without one practice, same seeds (* = taught here)",
            f"  {'practice':<15} {'probe':<19} {'win':>9} {'score':>11} "
            f"{'cost (95% CI)':>21} {'win cost (95% CI)':>21}  verdict",
        ]
        for x in rep["lessons"]:
            mark = "*" if x["taught"] else " "
            verdict = x["verdict"]
            if x["taught"] and not x["meets_target"]:
                verdict = f"below target: {verdict}"  # a practice the deal says it teaches
            out.append(
                f"{mark} {x['practice']:<15} {x['probe']:<19} "
                f"{x['expert_win_rate']:>4.0%}→{x['probe_win_rate']:<4.0%} "
                f"{x['expert_score']:>5.1f}→{x['probe_score']:<5.1f} "
                f"{x['cost_points']:>+5.1f} {_ci(*x['cost_points_ci']):>15} "
                f"{x['cost_win']:>+5.0%} {_ci(*x['cost_win_ci'], fmt='+.0%'):>15}  {verdict}"
            )
        out.append(
            f"  a taught practice's target: cost >= {L.TARGET_POINTS:g} points and "
            f">= {L.TARGET_WIN * 100:g} points of win rate, both intervals above zero"
        )
    if rep["events"]:
        richer = any(e.get("kinds") for e in rep["events"])
        head = f"Events (expert games)  {'fired':>6} {'week':>5} {'score if':>9} {'if not':>7}"
        out += ["", head + (f" {'times':>5}  kind" if richer else "")]
        for e in rep["events"]:
            line = (
                f"  {e['event']:<20} {e['fire_rate']:>6.0%} {_num(e['median_week'], '.0f'):>5} "
                f"{_num(e['score_fired']):>9} {_num(e['score_not_fired']):>7}"
            )
            if richer:
                line += f" {e['mean_times']:>5.2f}  {', '.join(e['kinds'])}"
            out.append(line)
        if richer:
            out.append(
                "  week: median first week it fired; times: mean firings a game; kind: "
                "behaviour, repeats, lasts, silent"
            )
    if rep["milestones"]:
        out += ["", f"Milestones (expert)    {'done':>6} {'week':>5} {'target':>9}"]
        for m in rep["milestones"]:
            out.append(
                f"  {m['milestone']:<20} {m['completion_rate']:>6.0%} "
                f"{_num(m['median_week'], '.0f'):>5} {m['target_week']:>9}"
            )
    if rep["actions"]:
        out += ["", f"Actions (expert)       {'runs':>6} {'games':>6}"]
        for a in rep["actions"]:
            out.append(f"  {a['action']:<20} {a['runs_per_game']:>6.2f} {a['games_share']:>6.0%}")
    if rep["roster"]:
        out += ["", f"Roster (expert)        {'staffed':>7} {'score with':>11} {'without':>8}"]
        for m in rep["roster"]:
            out.append(
                f"  {m['member']:<20} {m['staffed_share']:>7.0%} "
                f"{_num(m['score_with']):>11} {_num(m['score_without']):>8}"
            )
    out.append("")
    for w in rep["warnings"]:
        out.append(f"warning: {w}")
    for e in rep["exploits"]:
        out.append(
            f"exploit: '{e['policy']}' wins {e['win_rate']:.0%} (expected score "
            f"{e['expected_score']:.1f}), not significantly below the expert's "
            f"{e['expert_win_rate']:.0%} ({e['expert_expected_score']:.1f})"
        )
    probes = [r["policy"] for r in rep["policies"] if r["policy"] in VARIANTS]
    if not rep["exploits"] and probes and any(r["policy"] == "expert" for r in rep["policies"]):
        out.append("No exploit: every probe played wins significantly less than the expert.")
    return "\n".join(out)


def cmd_balance(args: argparse.Namespace) -> int:
    if getattr(args, "against", None):
        from simulator.balance_diff import cmd_against

        return cmd_against(args)
    scenario = find_scenario(args.scenario)  # --games and --seed are range-checked by the parser
    rep = report(scenario, args.games, args.policy or None, args.seed)
    print(json.dumps(rep, indent=2) if args.json else render(rep))
    return 0
