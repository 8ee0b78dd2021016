"""The board as plain data (JSON-ready): one home for what `workshop status --json` prints
and the workshop server's board and leaderboard endpoints serve."""

from __future__ import annotations

from dataclasses import asdict

from simulator.workshop.results import TeamResult, recap, recap_week

_MEMO: dict[int, tuple[TeamResult, tuple, dict]] = {}  # id(row) -> (row, args, dict)
MEMO_MAX = 20_000


def row_dict(r: TeamResult, curveballs: list[str], public: bool) -> dict:
    """One leaderboard row; `public` leaves out the curveball response lags. A row the
    leaderboard kept (its team did not move) is not converted again; only its rank is."""
    args = (tuple(curveballs), public)
    hit = _MEMO.get(id(r))
    if hit is not None and hit[0] is r and hit[1] == args:
        return {**hit[2], "rank": r.rank}
    if len(_MEMO) > MEMO_MAX:
        _MEMO.clear()
    out = _row_dict(r, curveballs, public)
    _MEMO[id(r)] = (r, args, out)
    return dict(out)


def _row_dict(r: TeamResult, curveballs: list[str], public: bool) -> dict:
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


def session_dict(info, with_seed: bool = False) -> dict:
    """The session's state; the seed only for the facilitator (`with_seed`)."""
    out = {
        "code": info.code,
        "name": info.name,
        "scenario": info.scenario_id,
        "paused": info.paused,
        "hold_week": info.hold_week,
        "revealed": info.revealed,
    }
    if with_seed:
        out["seed"] = info.seed
    return out


def board_data(
    fac, rows: list[TeamResult] | None = None, cbs: list[dict] | None = None, rounds=None
) -> dict:
    """The facilitator's view: session, every team with its lags, curveballs, recap, the
    running round and the last message (`rounds`, as from rounds.board_state; else read).
    Given `rows` and `cbs` (a refresh just made) it reads nothing more but the round."""
    from simulator.workshop.rounds import local_rounds

    if rows is None:
        rows, info, cbs = fac.leaderboard().refresh(), fac.reload(), fac.curveballs()
    else:
        info = fac.info
        cbs = fac.curveballs() if cbs is None else cbs
    labels = {c["key"]: c["name"] for c in cbs}
    if rounds is None:
        rounds = local_rounds(fac).board_view(fac.id, rows)
    return {
        "session": session_dict(info, with_seed=True),
        "teams": [row_dict(r, [c["key"] for c in cbs], False) for r in rows],
        "curveballs": cbs,
        "recap": {"week": recap_week(rows), "headlines": recap(rows, fac.scenario, labels=labels)},
        "round": rounds.get("round"),
        "broadcast": rounds.get("broadcast"),
    }


_FULL: dict[int, tuple[TeamResult, dict]] = {}  # id(row) -> (row, its full dict)


def result_dict(r: TeamResult) -> dict:
    """Everything the board and the report know of one team (a remote board rebuilds the
    TeamResult with `result_of`). Memoised like `row_dict`: an idle team costs its rank."""
    hit = _FULL.get(id(r))
    if hit is not None and hit[0] is r:
        return {**hit[1], "rank": r.rank}
    if len(_FULL) > MEMO_MAX:
        _FULL.clear()
    out = asdict(r)
    _FULL[id(r)] = (r, out)
    return dict(out)


def result_of(d: dict) -> TeamResult:
    """The TeamResult a `result_dict` describes."""
    r = TeamResult(**d)
    r.events = [(int(w), str(e)) for w, e in r.events]
    return r
