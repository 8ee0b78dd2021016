"""The board as plain data (JSON-ready): one home for what `workshop status --json` prints
and the workshop server's board and leaderboard endpoints serve."""

from __future__ import annotations

from simulator.workshop.results import TeamResult, recap, recap_week


def row_dict(r: TeamResult, curveballs: list[str], public: bool) -> dict:
    """One leaderboard row; `public` leaves out the curveball response lags."""
    out = {
        "rank": r.rank,
        "team": r.name,
        "kind": r.kind,
        "week": r.week,
        "over": r.over,
        "result": r.result,
        "expected_score": round(r.expected_score, 2),
        "score": round(r.score, 2),
        "alignment": round(r.alignment, 2),
        "win_probability": round(r.win_probability, 4),
        "trend": [round(v, 4) for v in r.trend()],
        "response_lag": {e: r.lags.get(e) for e in curveballs if e in r.arrived},
        "error": r.error,
    }
    if public:
        out.pop("response_lag")
    return out


def session_dict(info) -> dict:
    return {
        "code": info.code,
        "name": info.name,
        "scenario": info.scenario_id,
        "seed": info.seed,
        "paused": info.paused,
        "hold_week": info.hold_week,
        "revealed": info.revealed,
    }


def board_data(fac, rows: list[TeamResult] | None = None) -> dict:
    """The facilitator's view: session, every team with its lags, curveballs, recap."""
    rows = fac.leaderboard().refresh() if rows is None else rows
    info, cbs = fac.reload(), fac.curveballs()
    labels = {c["key"]: c["name"] for c in cbs}
    return {
        "session": session_dict(info),
        "teams": [row_dict(r, [c["key"] for c in cbs], False) for r in rows],
        "curveballs": cbs,
        "recap": {"week": recap_week(rows), "headlines": recap(rows, fac.scenario, labels=labels)},
    }
