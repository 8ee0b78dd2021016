"""Progress across plays: each finished game's practice scores, kept in a local file, and
the trainee's level per practice over their games (recent games weigh more).

One JSON line per finished game in `progress.jsonl` in Dealcraft's data folder (0600),
appended when a game ends; a game is recorded once however often it is reopened.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from engine.compiled import CHECKLIST
from engine.practices import PRACTICES
from engine.state import GameState
from scoring.debrief import component_values
from scoring.scorecard import score

FILE = "progress.jsonl"
LEVELS = ((90, "Excellent"), (75, "Proficient"), (50, "Developing"), (0, "Needs work"))
RECENCY = 0.7  # each older game weighs this much of the one after it


def level(value: float) -> str:
    """The band a practice score falls in."""
    return next(name for floor, name in LEVELS if value >= floor)


def practice_scores(state: GameState) -> dict[str, float]:
    """0..100 per practice for one game: the mean of the score components that record it,
    or for the practices no component records, the share of the practice kept. A practice
    the game gave no occasion for (no borrowed specialist, no request) is left out."""
    t = state.trace()
    sc = score(t)
    values = {k: float(v[0]) for k, v in component_values(sc).items()}
    played = t["played"][0]
    out: dict[str, float] = {}
    for p in PRACTICES:
        if p.components and p.id != "customer_voice":
            out[p.id] = float(np.mean([values[k] for k in p.components]))
    internal = t["t_staffed"][0][played].any(0) & t["p_m_internal"]
    if internal.any():
        missing = t["missing"][0][internal]
        out["follow_through"] = float(100 * (1 - missing.mean() / len(CHECKLIST)))
    if t["p_has_review"] or t["p_has_coaching"]:
        from scoring.debrief import _gaps

        r = t["p_rules"]
        kept = []
        if t["p_has_review"]:
            kept.append(~_gaps(t["t_review"][0], int(r["review_every"]))[played])
        if t["p_has_coaching"]:
            kept.append(~_gaps(t["t_coached"][0], int(r["coaching_every"]))[played])
        out["rhythm"] = float(100 * np.mean(np.concatenate(kept)))
    asked = state.batch.request_due[0] != 0
    if asked.any():
        out["customer_voice"] = float(100 * (1 - t["request_missed"][0][asked].mean()))
    return {p.id: round(out[p.id], 2) for p in PRACTICES if p.id in out}


def game_id(state: GameState) -> str:
    """A game's identity: its scenario version, seed and decisions."""
    blob = json.dumps(
        [state.scenario.content_hash, state.seed, [d.to_dict() for d in state.history]]
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def record_of(state: GameState, when: datetime | None = None) -> dict:
    card = score(state.trace()).game(0)
    return {
        "id": game_id(state),
        "scenario": state.scenario.id,
        "title": state.scenario.title,
        "seed": state.seed,
        "finished": (when or datetime.now(UTC)).isoformat(timespec="seconds"),
        "result": card["result"],
        "score": card["score"],
        "expected_score": card["expected_score"],
        "practices": practice_scores(state),
    }


def read(folder: Path) -> list[dict]:
    """Every recorded game, oldest first; damaged lines are skipped."""
    path = folder / FILE
    out = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    for line in text.splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(rec, dict) and isinstance(rec.get("practices"), dict):
            out.append(rec)
    return out


def record(state: GameState, folder: Path) -> bool:
    """Append a finished game (once); False when it was already there or not finished."""
    if not state.is_over():
        return False
    rec = record_of(state)
    if any(r.get("id") == rec["id"] for r in read(folder)):
        return False
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(folder / FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(json.dumps(rec, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())
    return True


@dataclass(frozen=True)
class PracticeLevel:
    practice: str
    name: str
    games: int
    value: float  # recency-weighted mean
    level: str
    trend: str  # ▲ ▼ ▶ : the latest game against the weighted mean of the ones before


@dataclass(frozen=True)
class ScenarioBest:
    scenario: str
    title: str
    games: int
    first: float
    best: float
    latest: float


def weighted(values: list[float]) -> float:
    w = RECENCY ** np.arange(len(values))[::-1]
    return float(np.dot(values, w) / w.sum())


def summary(records: list[dict]) -> tuple[list[PracticeLevel], list[ScenarioBest]]:
    """Per practice the trainee's level, and per scenario first, best and latest."""
    levels = []
    for p in PRACTICES:
        vals = [float(r["practices"][p.id]) for r in records if p.id in r["practices"]]
        if not vals:
            continue
        value = weighted(vals)
        trend = ""
        if len(vals) > 1:
            before = weighted(vals[:-1])
            trend = "▲" if vals[-1] > before + 0.5 else "▼" if vals[-1] < before - 0.5 else "▶"
        levels.append(PracticeLevel(p.id, p.name, len(vals), value, level(value), trend))
    best = []
    for sid in dict.fromkeys(r["scenario"] for r in records):
        games = [r for r in records if r["scenario"] == sid]
        scores = [float(r["expected_score"]) for r in games]
        best.append(
            ScenarioBest(sid, games[-1]["title"], len(games), scores[0], max(scores), scores[-1])
        )
    return levels, best


def export(records: list[dict], fmt: str) -> str:
    """Every game as CSV (one row per game, a column per practice) or JSON."""
    if fmt == "json":
        levels, best = summary(records)
        return json.dumps(
            {
                "games": records,
                "practices": [vars(x) for x in levels],
                "scenarios": [vars(x) for x in best],
            },
            indent=2,
        )
    buf = io.StringIO()
    cols = ["finished", "scenario", "seed", "result", "score", "expected_score"]
    w = csv.writer(buf)
    w.writerow(cols + [p.id for p in PRACTICES])
    for r in records:
        w.writerow([r[c] for c in cols] + [r["practices"].get(p.id, "") for p in PRACTICES])
    return buf.getvalue()
