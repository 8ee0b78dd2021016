"""Handlers for `dealcraft workshop ...` (parser in cli.py). Each returns an exit code.

Wrong code, wrong key, unknown curveball, unknown stakeholder or dimension, bad
weights and the like raise InputError: the main CLI prints one line and exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from engine.problems import InputError
from simulator.textcharts import spark
from simulator.workshop.results import TeamResult, findings, recap, recap_week
from simulator.workshop.session import (
    Facilitator,
    SessionInfo,
    create_session,
    facilitate,
    peek,
)


def _fac(args: argparse.Namespace) -> Facilitator:
    return facilitate(args.code, args.key, args.db)


def state_line(info: SessionInfo) -> str:
    bits = [f"code {info.code}", f"seed {info.seed}"]
    if info.paused:
        bits.append("PAUSED")
    if info.hold_week is not None:
        bits.append(f"held at {info.hold_label}")
    if info.revealed:
        bits.append("revealed")
    return " · ".join(bits)


def cmd_create(args: argparse.Namespace) -> int:
    info, key = create_session(args.scenario, args.name, args.seed, args.db)
    from simulator.workshop.store import open_store

    where = open_store(args.db).where
    print(f"Workshop session created: {info.name} (scenario {info.scenario_id}, seed {info.seed})")
    print(f"  Join code for players:    {info.code}")
    print(f'      dealcraft play --join {info.code} --team "TEAM NAME"')
    print(f"  Facilitator key (keep it private, it is not shown again): {key}")
    print(f"      dealcraft workshop board {info.code} --key {key}")
    print(f"  Store: {where}")
    return 0


def cmd_board(args: argparse.Namespace) -> int:
    fac = _fac(args)
    from simulator.workshop.board import BoardApp

    app = BoardApp(fac, interval=max(0.2, args.interval))
    app.run()
    return app.return_code or 0  # non-zero after a crash (1) or a stop signal (128 + n)


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


def render_status(info: SessionInfo, title: str, rows: list[TeamResult], cbs, public):
    """The board as text; `cbs` are the session's curveballs (session.curveball_list)."""
    lines = [f"{info.name} — {title}", state_line(info), ""]
    head = f"{'#':>3} {'team':32} {'week':>4} {'align':>6} {'win':>5} {'exp':>6}  trend"
    lines.append(head)
    for r in rows:
        if r.error:
            lines.append(f"{r.rank:>3} {r.name:32} log error: {r.error}")
            continue
        week = f"{r.week}" + ("✓" if r.over else "")
        kind = " (bot)" if r.kind == "bot" and "bot" not in r.name.casefold() else ""
        lines.append(
            f"{r.rank:>3} {(r.name + kind)[:32]:32} {week:>4} {r.alignment:6.1f} "
            f"{r.win_probability:5.0%} {r.expected_score:6.1f}  {spark(r.trend())}"
        )
    if not rows:
        lines.append("    (no teams yet)")
    if not public and cbs:
        lines += ["", "Curveballs (weeks to re-align, focus cosine >= 0.9):"]
        for cb in cbs:
            e = cb["key"]
            cells = ", ".join(f"{r.name}: {r.lag_text(e)}" for r in rows if not r.error)
            lines.append(f"  {cb['name']} (after week {cb['after_week']}): {cells}")
    return "\n".join(lines)


def cmd_status(args: argparse.Namespace) -> int:
    public = not args.key
    if public:
        store, row, scenario = peek(args.code, args.db)
        from simulator.workshop.results import Leaderboard

        rows = Leaderboard(store, row, scenario).refresh()
        info, cbs = SessionInfo.of(row), []
    else:
        fac = _fac(args)
        fac.advance_bots()
        rows = fac.leaderboard().refresh()
        info, scenario, cbs = fac.reload(), fac.scenario, fac.curveballs()
    labels = {c["key"]: c["name"] for c in cbs}
    if args.json:
        data = {
            "session": {
                "code": info.code,
                "name": info.name,
                "scenario": info.scenario_id,
                "seed": info.seed,
                "paused": info.paused,
                "hold_week": info.hold_week,
                "revealed": info.revealed,
            },
            "teams": [_row_dict(r, [c["key"] for c in cbs], public) for r in rows],
        }
        if not public:
            data["curveballs"] = cbs
            data["recap"] = {
                "week": recap_week(rows),
                "headlines": recap(rows, scenario, labels=labels),
            }
        print(json.dumps(data, indent=2))
        return 0
    print(render_status(info, scenario.title, rows, cbs, public))
    if not public:
        print("\nRecap:")
        for line in recap(rows, scenario, labels=labels):
            print(f"  - {line}")
    return 0


def cmd_inject(args: argparse.Namespace) -> int:
    fac = _fac(args)
    if args.event == "list":
        done = {c["event"] for c in fac.injected()}
        for e in fac.curveball_events():
            mark = " (injected)" if e.id in done else ""
            print(f"{e.id:28} {e.name}{mark}")
        if not fac.curveball_events():
            print("this scenario has no curveballs", file=sys.stderr)
        shifts = [c for c in fac.curveballs() if c["kind"] == "shift"]
        if shifts:
            print("Custom priority shifts:")
        for c in shifts:
            print(f"{c['key']:28} {c['name']} (injected, after week {c['after_week']})")
        return 0
    week = fac.inject(args.event, args.week)
    name = next(e.name for e in fac.curveball_events() if e.id == args.event)
    print(
        f"Injected '{name}': players get it at the start of their next week; "
        f"bots and headless teams after week {week}."
    )
    return 0


def parse_weights(items: list[str], dims: list[str]) -> dict[str, str]:
    """`dim=weight` arguments as {dim: text} (the facilitator checks the values)."""
    out: dict[str, str] = {}
    for item in items:
        dim, eq, value = item.partition("=")
        dim = dim.strip()
        if not eq or not dim or not value.strip():
            raise InputError.at(
                "shift",
                "workshop.input",
                f"'{item}' is not dim=weight (dimensions: {', '.join(dims)})",
            )
        if dim in out:
            raise InputError.at("shift", "workshop.input", f"{dim} is given twice")
        out[dim] = value.strip()
    return out


def cmd_shift(args: argparse.Namespace) -> int:
    fac = _fac(args)
    scenario = fac.scenario
    dims = [d.id for d in scenario.dimensions]
    if args.stakeholder == "list":
        print("Stakeholders:")
        for st in scenario.stakeholders:
            print(f"  {st.id:24} {st.name}, {st.title}")
        print("Priority dimensions:")
        for d in scenario.dimensions:
            print(f"  {d.id:24} {d.name}")
        return 0
    weights = parse_weights(args.weights, dims)
    week = fac.shift(args.stakeholder, weights, args.week)
    cb = [c for c in fac.curveballs() if c["kind"] == "shift"][-1]
    print(
        f"Injected '{cb['name']}': players get it at the start of their next week; "
        f"bots and headless teams after week {week}."
    )
    return 0


def cmd_hold(args: argparse.Namespace) -> int:
    fac = _fac(args)
    fac.hold(args.week)
    print(f"Teams are held at week {args.week}: nobody can end it until you release.")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    _fac(args).release()
    print("Hold released.")
    return 0


def cmd_pause(args: argparse.Namespace) -> int:
    _fac(args).pause()
    print("Workshop paused: teams cannot make decisions until you resume.")
    return 0


def cmd_resume(args: argparse.Namespace) -> int:
    _fac(args).resume()
    print("Workshop resumed.")
    return 0


def cmd_reveal(args: argparse.Namespace) -> int:
    fac = _fac(args)
    fac.reveal()
    rows = fac.leaderboard().refresh()
    print("Results revealed. Class findings:")
    for f in findings(rows):
        print(f"  - {f.practice.label}: {f.text}")
    return 0


def cmd_add_bot(args: argparse.Namespace) -> int:
    fac = _fac(args)
    name = fac.add_bot(args.policy, args.name)
    print(f"Added bot team '{name}'; it keeps pace with the leading team.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simulator.workshop.report import build_report, write_csv

    fac = _fac(args)
    fac.advance_bots()
    rows = fac.leaderboard().refresh()
    cbs = fac.curveballs()
    html = build_report(fac.reload(), fac.scenario, rows, cbs)
    try:
        Path(args.out).write_text(html, encoding="utf-8")
        if args.csv:
            write_csv(Path(args.csv), rows, cbs)
    except OSError as exc:
        where = str(exc.filename or args.out)
        msg = f"cannot write: {exc.strerror or exc}"
        raise InputError.at(where, "file.write", msg) from None
    print(f"Report written to {args.out}" + (f" and {args.csv}" if args.csv else ""))
    return 0
