"""`dealcraft balance NEW --against OLD`: what an edit to a scenario moved.

Both versions play the same game seeds with the same policies, so game i of NEW and game i
of OLD share their seed and every difference is paired: its 95% interval (simulator.lessons
`paired`) says whether the change is beyond the dice. Compared: each policy's win rate and
expected score, each practice's cost in the lessons table, and each event's and each
milestone's figures from the expert's games (matched by id; added and removed ones are
listed). A row "moved" when its interval lies wholly on one side of zero.
docs/balance-report.md documents the --json keys.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from engine.loader import find_scenario
from engine.practices import PRACTICES
from simulator import balance as BAL
from simulator.lessons import paired


def _moved(lo, hi) -> bool:
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def _change(new: np.ndarray, old: np.ndarray) -> dict:
    """Old and new means of a per-game figure and the paired change with its interval."""
    d, lo, hi = paired(new, old)
    return {
        "old": float(np.mean(old)) if len(old) else 0.0,
        "new": float(np.mean(new)) if len(new) else 0.0,
        "change": d,
        "change_ci": [lo, hi],
        "moved": _moved(lo, hi),
    }


def _policies(new: dict, old: dict) -> list[dict]:
    out = []
    for p in new:
        if p not in old:
            continue
        a, b = new[p], old[p]
        out.append(
            {
                "policy": p,
                "win_rate": _change(a["won"].astype(float), b["won"].astype(float)),
                "expected_score": _change(a["expected"], b["expected"]),
            }
        )
    return out


def _lessons(new: dict, old: dict, teaches_new, teaches_old) -> list[dict]:
    """Each practice's cost (expert minus probe, per game) in both versions."""
    out = []
    if "expert" not in new or "expert" not in old:
        return out
    for pr in PRACTICES:
        if pr.probe not in new or pr.probe not in old:
            continue
        cost_new = new["expert"]["expected"] - new[pr.probe]["expected"]
        cost_old = old["expert"]["expected"] - old[pr.probe]["expected"]
        won_new = new["expert"]["won"].astype(float) - new[pr.probe]["won"]
        won_old = old["expert"]["won"].astype(float) - old[pr.probe]["won"]
        out.append(
            {
                "practice": pr.id,
                "name": pr.name,
                "taught": [pr.id in teaches_old, pr.id in teaches_new],
                "cost_points": _change(cost_new, cost_old),
                "cost_win": _change(won_new, won_old),
            }
        )
    return out


def _by_id(items) -> dict:
    return {x.id: i for i, x in enumerate(items)}


def _events(new_s, old_s, new: dict, old: dict) -> tuple[list[dict], list[str], list[str]]:
    rows = []
    ni, oi = _by_id(new_s.events), _by_id(old_s.events)
    for eid, i in ni.items():
        if eid not in oi:
            continue
        j = oi[eid]
        fn, fo = new["fired"][:, i].astype(float), old["fired"][:, j].astype(float)
        tn = new["fire_count"][:, i].astype(float)
        to = old["fire_count"][:, j].astype(float)
        wn, wo = new["fired_week"][:, i], old["fired_week"][:, j]
        rows.append(
            {
                "event": eid,
                "fire_rate": _change(fn, fo),
                "mean_times": _change(tn, to),
                "median_week": [_median(wo), _median(wn)],
                "score_fired": [_mean_where(old["expected"], fo), _mean_where(new["expected"], fn)],
            }
        )
    return rows, [e for e in ni if e not in oi], [e for e in oi if e not in ni]


def _milestones(new_s, old_s, new: dict, old: dict) -> tuple[list[dict], list[str], list[str]]:
    rows = []
    ni, oi = _by_id(new_s.milestones), _by_id(old_s.milestones)
    for mid, i in ni.items():
        if mid not in oi:
            continue
        j = oi[mid]
        wn, wo = new["completed_week"][:, i], old["completed_week"][:, j]
        rows.append(
            {
                "milestone": mid,
                "completion_rate": _change((wn > 0).astype(float), (wo > 0).astype(float)),
                "median_week": [_median(wo), _median(wn)],
                "target_week": [
                    old_s.milestones[j].target_week,
                    new_s.milestones[i].target_week,
                ],
            }
        )
    return rows, [m for m in ni if m not in oi], [m for m in oi if m not in ni]


def _median(weeks: np.ndarray) -> float | None:
    hit = weeks[weeks > 0]
    return float(np.median(hit)) if len(hit) else None


def _mean_where(y: np.ndarray, mask: np.ndarray) -> float | None:
    m = mask > 0
    return float(y[m].mean()) if m.any() else None


def compare(
    new_s,
    old_s,
    games: int,
    policies: list[str] | None = None,
    seed: int = 0,
    workers: int = 2,
    progress: bool | None = None,
) -> dict:
    """Both versions played on the same seeds, and what moved between them (JSON-ready)."""
    policies = list(dict.fromkeys(policies or BAL.default_policies()))
    new = BAL.play_all(new_s, policies, games, seed, workers, progress=progress)
    old = BAL.play_all(old_s, policies, games, seed, workers, progress=progress)
    events, ev_added, ev_removed, miles, ms_added, ms_removed = [], [], [], [], [], []
    if "expert" in new:
        events, ev_added, ev_removed = _events(new_s, old_s, new["expert"], old["expert"])
        miles, ms_added, ms_removed = _milestones(new_s, old_s, new["expert"], old["expert"])
    rep = {
        "new": {"scenario": new_s.id, "content_hash": new_s.content_hash, "path": new_s.source},
        "old": {"scenario": old_s.id, "content_hash": old_s.content_hash, "path": old_s.source},
        "games": games,
        "seed": seed,
        "policies": _policies(new, old),
        "lessons": _lessons(new, old, new_s.teaches, old_s.teaches),
        "events": events,
        "events_added": ev_added,
        "events_removed": ev_removed,
        "milestones": miles,
        "milestones_added": ms_added,
        "milestones_removed": ms_removed,
    }
    rep["moved"] = moved(rep)
    return rep


def moved(rep: dict) -> list[str]:
    """One phrase per figure whose change is beyond the dice, in the report's order."""
    out = []
    for r in rep["policies"]:
        for key in ("win_rate", "expected_score"):
            if r[key]["moved"]:
                out.append(f"{r['policy']} {key.replace('_', ' ')}")
    for r in rep["lessons"]:
        for key in ("cost_points", "cost_win"):
            if r[key]["moved"]:
                out.append(f"lesson {r['practice']} {key.replace('_', ' ')}")
    for r in rep["events"]:
        for key in ("fire_rate", "mean_times"):
            if r[key]["moved"]:
                out.append(f"event {r['event']} {key.replace('_', ' ')}")
    for r in rep["milestones"]:
        if r["completion_rate"]["moved"]:
            out.append(f"milestone {r['milestone']} completion rate")
    return out


# ---- text -------------------------------------------------------------------------------


def _fmt(ch: dict, kind: str) -> str:
    """'74% → 81%  +7% [+5%, +9%] *' (a star when it moved)."""
    lo, hi = ch["change_ci"]
    if kind == "pct":
        body = f"{ch['old']:>5.0%} → {ch['new']:<5.0%} {ch['change']:>+5.0%}"
        ci = "[  n/a  ]" if lo is None else f"[{lo:+.0%}, {hi:+.0%}]"
    elif kind == "times":
        body = f"{ch['old']:>5.2f} → {ch['new']:<5.2f} {ch['change']:>+5.2f}"
        ci = "[  n/a  ]" if lo is None else f"[{lo:+.2f}, {hi:+.2f}]"
    else:
        body = f"{ch['old']:>5.1f} → {ch['new']:<5.1f} {ch['change']:>+5.1f}"
        ci = "[  n/a  ]" if lo is None else f"[{lo:+.1f}, {hi:+.1f}]"
    return f"{body} {ci:>16}{' *' if ch['moved'] else ''}"


def _week(pair) -> str:
    a, b = (BAL._num(x, ".0f") for x in pair)
    return f"{a:>2}→{b:<2}"


def render(rep: dict) -> str:
    new, old = rep["new"], rep["old"]
    out = [
        f"Balance diff: {new['scenario']} {new['content_hash']} against {old['content_hash']}"
        f" ({rep['games']} games per policy, seed {rep['seed']}, the same seeds for both)",
        "  old → new, the paired change and its 95% interval; * moved beyond the dice",
        "",
        f"{'policy':<20} {'win rate':<42} expected score",
    ]
    for r in rep["policies"]:
        out.append(
            f"{r['policy']:<20} {_fmt(r['win_rate'], 'pct'):<42} {_fmt(r['expected_score'], 'pts')}"
        )
    if rep["lessons"]:
        out += ["", f"{'Lessons (cost of dropping)':<26} {'points':<40} win rate"]
        for r in rep["lessons"]:
            out.append(
                f"  {r['practice']:<24} {_fmt(r['cost_points'], 'pts'):<40} "
                f"{_fmt(r['cost_win'], 'pct')}"
            )
    if rep["events"] or rep["events_added"] or rep["events_removed"]:
        out += ["", f"{'Events (expert games)':<22} {'fired':<40} {'times':<40} week"]
        for r in rep["events"]:
            out.append(
                f"  {r['event']:<20} {_fmt(r['fire_rate'], 'pct'):<40} "
                f"{_fmt(r['mean_times'], 'times'):<40} {_week(r['median_week'])}"
            )
        if rep["events_added"]:
            out.append("  added: " + ", ".join(rep["events_added"]))
        if rep["events_removed"]:
            out.append("  removed: " + ", ".join(rep["events_removed"]))
    if rep["milestones"] or rep["milestones_added"] or rep["milestones_removed"]:
        out += ["", f"{'Milestones (expert)':<22} {'done':<40} week  target"]
        for r in rep["milestones"]:
            out.append(
                f"  {r['milestone']:<20} {_fmt(r['completion_rate'], 'pct'):<40} "
                f"{_week(r['median_week'])}  {_week(r['target_week'])}"
            )
        if rep["milestones_added"]:
            out.append("  added: " + ", ".join(rep["milestones_added"]))
        if rep["milestones_removed"]:
            out.append("  removed: " + ", ".join(rep["milestones_removed"]))
    out += [""]
    if rep["moved"]:
        out.append("Moved: " + "; ".join(rep["moved"]))
    else:
        out.append("Nothing moved beyond the dice.")
    return "\n".join(out)


def cmd_against(args: argparse.Namespace) -> int:
    new_s = find_scenario(args.scenario)
    old_s = find_scenario(args.against)
    rep = compare(new_s, old_s, args.games, args.policy or None, args.seed)
    print(json.dumps(rep, indent=2) if args.json else render(rep))
    return 0
