"""This class against earlier ones: one summary line per session of the same scenario.

A summary holds class-level figures only (human teams, no team names), so the report
of one class never shows another class's teams. Earlier sessions count once revealed
(a class still playing is not a comparison yet).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from simulator.workshop.records import SessionInfo, session_scenario
from simulator.workshop.results import PRACTICES, RESPONDED, Leaderboard, TeamResult
from simulator.workshop.store import Store, sessions

MAX_EARLIER = 8  # the report compares with at most this many earlier sessions


@dataclass(frozen=True)
class ClassSummary:
    name: str
    created_at: float
    same_version: bool  # the scenario file was the same (content hash) as this class's
    teams: int  # human teams that played a week
    expected_score: float | None
    win_rate: float | None  # share of the finished human teams that won
    alignment: float | None
    practices: dict  # practice key -> share of the teams that showed it
    response_lag: float | None  # median weeks to respond, over every curveball answered
    never: float | None  # share of (team, curveball) pairs never answered


def _mean(xs) -> float | None:
    return float(np.mean(xs)) if len(xs) else None


def summarise(
    name: str, created_at: float, rows: list[TeamResult], same_version: bool = True
) -> ClassSummary:
    """The class figures of one session's rows (human teams that played a week)."""
    teams = [r for r in rows if r.human and r.started and not r.error]
    done = [r for r in teams if r.over]
    lags, never, pairs = [], 0, 0
    for r in teams:
        for key in r.arrived:
            state = r.response_state(key)
            if state == RESPONDED:
                lags.append(r.responses[key].lag)
                pairs += 1
            elif state == "never":
                never += 1
                pairs += 1
    return ClassSummary(
        name=name,
        created_at=created_at,
        same_version=same_version,
        teams=len(teams),
        expected_score=_mean([r.expected_score for r in teams]),
        win_rate=_mean([r.result == "win" for r in done]),
        alignment=_mean([r.alignment for r in teams]),
        practices={
            p.key: _mean([p.shown(r.practices) for r in teams]) if teams else None
            for p in PRACTICES
        },
        response_lag=float(np.median(lags)) if lags else None,
        never=never / pairs if pairs else None,
    )


def earlier_sessions(store: Store, info: SessionInfo, limit: int = MAX_EARLIER) -> list[dict]:
    """The revealed sessions of the same scenario created before `info`, newest first."""
    s = sessions.c

    def fn(conn):
        q = (
            select(sessions)
            .where(
                s.scenario_id == info.scenario_id,
                s.id != info.id,
                s.created_at <= info.created_at,
                s.revealed.is_(True),
            )
            .order_by(s.created_at.desc())
            .limit(limit)
        )
        return [dict(r._mapping) for r in conn.execute(q)]

    return store.read(fn)


def compare(store: Store, info: SessionInfo) -> list[ClassSummary]:
    """Summaries of the earlier sessions of the same scenario (a session whose stored
    scenario no longer loads is skipped)."""
    from engine.problems import InputError

    out = []
    for row in earlier_sessions(store, info):
        try:
            scenario = session_scenario(store, row)
            rows = Leaderboard(store, row, scenario).refresh()
        except InputError:
            continue
        same = row["content_hash"] == info.content_hash
        out.append(summarise(row["name"], row["created_at"], rows, same))
    return out
