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
from simulator.workshop.results import TeamResult, findings, recap
from simulator.workshop.session import (
    Facilitator,
    SessionInfo,
    create_session,
    facilitate,
    peek,
)
from simulator.workshop.views import board_data, row_dict, session_dict

KEY_HINT = (
    "set $DEALCRAFT_FACILITATOR_KEY, or give --key-file FILE, or run it in a terminal "
    "to be asked for it"
)


def facilitator_key(args: argparse.Namespace, required: bool = True) -> str | None:
    """The facilitator key from a key file, the environment or a prompt; never from argv."""
    import os

    from simulator.workshop.cli import KEY_ENV, OLD_KEY_ENV

    if getattr(args, "key_on_argv", None) is not None:
        raise InputError.at(
            "--key",
            "workshop.key",
            "the facilitator key is not taken from the command line (other users see it in "
            f"ps and it stays in the shell history); {KEY_HINT}",
        )
    path = getattr(args, "key_file", None)
    if path:
        try:
            key = open(path, encoding="utf-8").read().strip()
        except OSError as exc:
            raise InputError.at(path, "file.read", f"cannot read: {exc.strerror}") from None
        if not key:
            raise InputError.at(path, "workshop.key", "the key file is empty")
        return key
    key = os.environ.get(KEY_ENV) or os.environ.get(OLD_KEY_ENV)
    if key or not required:
        return key or None
    if sys.stdin.isatty():
        import getpass

        try:
            key = getpass.getpass("Facilitator key: ").strip()
        except EOFError:
            key = ""
        if key:
            return key
    raise InputError.at("workshop", "workshop.key", f"this needs the facilitator key: {KEY_HINT}")


def _fac(args: argparse.Namespace) -> Facilitator:
    """The facilitator's handle: on the workshop server named by --server (which alone
    writes the store), else on the store itself (the one-laptop workshop)."""
    if getattr(args, "server", None):
        from simulator.workshop.client import RemoteBoard

        return RemoteBoard(args.server, args.code, facilitator_key(args))  # type: ignore[return-value]
    return facilitate(args.code, facilitator_key(args), args.db)


def _remote(args: argparse.Namespace):
    """The facilitator's handle on a workshop server, when --server (or its env) is given."""
    if not getattr(args, "server", None):
        return None
    from simulator.workshop.client import RemoteFacilitator

    return RemoteFacilitator(args.server, args.code, facilitator_key(args))


def state_line(info: SessionInfo, show_seed: bool = False) -> str:
    """The session's pacing in one line; the seed only when the facilitator asks for it
    (a trainee who knows it can rehearse the identical game alone)."""
    bits = [f"code {info.code}"] + ([f"seed {info.seed}"] if show_seed else [])
    if info.paused:
        bits.append("PAUSED")
    if info.hold_week is not None:
        bits.append(f"held at {info.hold_label}")
    if info.revealed:
        bits.append("revealed")
    return " · ".join(bits)


def cmd_create(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simulator.workshop.seats import write_private
    from simulator.workshop.store import open_store

    key_file = getattr(args, "key_file", None)
    if key_file and Path(key_file).exists():
        raise InputError.at(key_file, "file.write", "the key file exists; name a new file")
    info, key = create_session(args.scenario, args.name, args.seed, args.db)
    where = open_store(args.db).where
    print(f"Workshop session created: {info.name} (scenario {info.scenario_id})")
    print(f"  Store: {where}")
    print()
    print(f"  Join code for players:    {info.code}")
    print(f'      dealcraft play --join {info.code} --team "TEAM NAME"')
    print("      (add --server URL when the class plays through `dealcraft workshop serve`)")
    print()
    if key_file:
        try:
            write_private(Path(key_file), key + "\n")
        except OSError as exc:
            raise InputError.at(key_file, "file.write", f"cannot write: {exc.strerror}") from None
        print(f"  Facilitator key written to {key_file} (0600); it is not shown.")
        print(f"  The seed is private too: workshop status {info.code} --show-seed")
        print(f"      dealcraft workshop board {info.code} --key-file {key_file}")
        print("      (add --server URL to run the board through the workshop server)")
        return 0
    print("-" * 72, file=sys.stderr)
    print("  FACILITATOR KEY: private. Do not project or share this screen.", file=sys.stderr)
    print(f"  {key}", file=sys.stderr)
    print(f"  Seed (private too, it replays the class's game): {info.seed}", file=sys.stderr)
    print("  It is not shown again. Facilitator commands ask for it (or read", file=sys.stderr)
    print(
        "  $DEALCRAFT_FACILITATOR_KEY, or --key-file FILE); clear the screen now.", file=sys.stderr
    )
    print("-" * 72, file=sys.stderr)
    return 0


def cmd_board(args: argparse.Namespace) -> int:
    fac = _fac(args)
    from simulator.workshop.board import BoardApp

    app = BoardApp(fac, interval=max(0.2, args.interval))
    app.run()
    return app.return_code or 0  # non-zero after a crash (1) or a stop signal (128 + n)


def render_status(
    info: SessionInfo,
    title: str,
    rows: list[TeamResult],
    cbs,
    public,
    show_seed: bool = False,
    rounds: dict | None = None,
):
    """The board as text; `cbs` are the session's curveballs (session.curveball_list),
    `rounds` the running round and the last message (rounds.board_state)."""
    from simulator.workshop.rounds import status_lines

    lines = [f"{info.name} — {title}", state_line(info, show_seed and not public)]
    lines += [*status_lines(rounds), ""]
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
    from simulator.workshop.rounds import board_state

    key = facilitator_key(args, required=False)
    public = not key
    show_seed = bool(getattr(args, "show_seed", False))
    if show_seed and public:
        raise InputError.at(
            "--show-seed", "workshop.key", f"the seed is for the facilitator only: {KEY_HINT}"
        )
    remote = getattr(args, "server", None)
    if remote and (public or args.json):
        return _status_remote(args, key)
    if remote:
        from simulator.workshop.client import RemoteBoard

        fac = RemoteBoard(remote, args.code, key)
        rows = fac.leaderboard().refresh()
        info, scenario, cbs = fac.info, fac.scenario, fac.curveballs()
        rounds = board_state(fac, rows)
    elif public:
        store, row, scenario = peek(args.code, args.db)
        from simulator.workshop.results import Leaderboard
        from simulator.workshop.rounds import Rounds

        rows = Leaderboard(store, row, scenario).refresh()
        info, cbs = SessionInfo.of(row), []
        rounds = Rounds(store).board_view(row["id"], rows)
    else:
        fac = facilitate(args.code, key, args.db)
        fac.advance_bots()
        rows = fac.leaderboard().refresh()
        rounds = board_state(fac, rows)  # ends a round that is over, as the board would
        info, scenario, cbs = fac.reload(), fac.scenario, fac.curveballs()
    labels = {c["key"]: c["name"] for c in cbs}
    if args.json:
        if public:
            data = {"session": session_dict(info), "teams": [row_dict(r, [], True) for r in rows]}
            data.update(round=rounds["round"], broadcast=rounds["broadcast"])
        else:
            data = board_data(fac, rows, rounds=rounds)
            if not show_seed:
                data["session"].pop("seed", None)
        print(json.dumps(data, indent=2))
        return 0
    print(render_status(info, scenario.title, rows, cbs, public, show_seed, rounds))
    if not public:
        print("\nRecap:")
        for line in recap(rows, scenario, labels=labels):
            print(f"  - {line}")
    return 0


def _console_remote(args: argparse.Namespace, action: str, **kw) -> dict | None:
    """Send a console action (schedule, retract) to the server named by --server."""
    remote = _remote(args)
    if remote is None:
        return None
    from urllib.parse import quote

    path = f"/sessions/{quote(remote.code)}/console/{action}"
    return remote.remote.call("POST", path, kw, remote._headers())


def cmd_inject(args: argparse.Namespace) -> int:
    at = getattr(args, "at_week", None)
    if args.event != "list" and at:
        if _console_remote(args, "schedule", event=args.event, at_week=at) is None:
            _fac(args).inject(args.event, at_week=at)
        print(f"Scheduled '{args.event}': it arrives in week {at} for every team.")
        return 0
    if args.event != "list" and getattr(args, "server", None):
        done = _act_remote(args, "inject", event=args.event, week=args.week)
        print(f"Injected '{args.event}': bots and headless teams after week {done['week']}.")
        return 0
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
    at, signal = getattr(args, "at_week", None), getattr(args, "signal", None)
    if at or signal:
        kw = dict(stakeholder=args.stakeholder, weights=weights, at_week=at, signal=signal)
        done = _console_remote(args, "schedule", **kw)
        if done is None:
            fac.shift(args.stakeholder, weights, args.week, at_week=at, signal=signal)
            done = {"curveballs": fac.curveballs()}
        cb = [c for c in done["curveballs"] if c["kind"] == "shift"][-1]
        when = f"arrives in week {at}" if at else "players get it at the start of their next week"
        print(f"Injected '{cb['name']}': {when}.")
        return 0
    if getattr(args, "server", None):
        done = _act_remote(
            args, "shift", stakeholder=args.stakeholder, weights=weights, week=args.week
        )
        print(f"Injected the shift: bots and headless teams after week {done['week']}.")
        return 0
    week = fac.shift(args.stakeholder, weights, args.week)
    cb = [c for c in fac.curveballs() if c["kind"] == "shift"][-1]
    print(
        f"Injected '{cb['name']}': players get it at the start of their next week; "
        f"bots and headless teams after week {week}."
    )
    return 0


def cmd_retract(args: argparse.Namespace) -> int:
    done = _console_remote(args, "retract", key=args.curveball)
    name = done["name"] if done is not None else _fac(args).retract(args.curveball)
    print(f"Retracted '{name}': no team will get it.")
    return 0


def cmd_team(args: argparse.Namespace) -> int:
    """`workshop team CODE OP TEAM [VALUE]`: the facilitator's team administration."""
    from simulator.workshop.admin import DESTRUCTIVE, team_op

    if args.op in DESTRUCTIVE and not args.yes:
        raise InputError.at(
            args.op,
            "workshop.input",
            f"{args.op} changes team '{args.team}' for good; add --yes to confirm",
        )
    kw = dict(op=args.op, team=args.team, arg=args.arg)
    done = _console_remote(args, "team", **kw)
    result = done["result"] if done is not None else team_op(_fac(args), **kw)
    if args.op == "log":
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            for d in result:
                body = {k: v for k, v in d["decision"].items() if k != "do"}
                where = f"week {d['week']}" if d["week"] else "setup"
                print(f"{d['n']:>4}  {where:8} {d['kind']:10} {json.dumps(body)}")
        return 0
    said = {
        "rename": f"Team renamed to '{result}'.",
        "remove": f"Team '{result}' removed.",
        "reset": f"Team '{result}' reset: it starts again from setup at its next join.",
        "mark": f"Team '{args.team}' now counts as {args.arg} ({result}).",
        "undo-week": f"Team '{args.team}' is back at the start of "
        + (f"week {result}." if result else "setup."),
    }
    print(said[args.op])
    return 0


def _status_remote(args: argparse.Namespace, key: str | None) -> int:
    from simulator.workshop.client import Remote, RemoteFacilitator
    from simulator.workshop.rounds import status_lines

    if key:
        data = RemoteFacilitator(args.server, args.code, key).board()
        if not getattr(args, "show_seed", False):
            data["session"].pop("seed", None)
    else:
        data = Remote(args.server).call("GET", f"/sessions/{args.code}/leaderboard")
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    s = data["session"]
    seed = f" · seed {s['seed']}" if "seed" in s else ""
    print(f"{s['name']} · code {s['code']}{seed}" + (" · PAUSED" if s.get("paused") else ""))
    for line in status_lines(data):
        print(line)
    for t in data["teams"]:
        print(
            f"{t['rank']:>3} {t['team'][:32]:32} {t['week']:>4} {t['alignment']:6.1f} "
            f"{t['win_probability']:5.0%} {t['expected_score']:6.1f}"
        )
    for line in data.get("recap", {}).get("headlines", []):
        print(f"  - {line}")
    return 0


def _act_remote(args: argparse.Namespace, action: str, **kw) -> dict | None:
    """Send a facilitator action to the server named by --server; None without one."""
    remote = _remote(args)
    return None if remote is None else remote.act(action, **kw)


def cmd_hold(args: argparse.Namespace) -> int:
    if _act_remote(args, "hold", week=args.week) is None:
        _fac(args).hold(args.week)
    print(f"Teams are held at week {args.week}: nobody can end it until you release.")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    if _act_remote(args, "release") is None:
        _fac(args).release()
    print("Hold released.")
    return 0


def cmd_pause(args: argparse.Namespace) -> int:
    if _act_remote(args, "pause") is None:
        _fac(args).pause()
    print("Workshop paused: teams cannot make decisions until you resume.")
    return 0


def cmd_resume(args: argparse.Namespace) -> int:
    if _act_remote(args, "resume") is None:
        _fac(args).resume()
    print("Workshop resumed.")
    return 0


def cmd_reveal(args: argparse.Namespace) -> int:
    if _act_remote(args, "reveal") is not None:
        print("Results revealed; the workshop is read-only now.")
        return 0
    fac = _fac(args)
    fac.reveal()
    rows = fac.leaderboard().refresh()
    print("Results revealed. Class findings:")
    for f in findings(rows):
        print(f"  - {f.practice.label}: {f.text}")
    return 0


def cmd_round(args: argparse.Namespace) -> int:
    from simulator.workshop.rounds import clock_text, facilitator_act

    fac = _fac(args)
    if args.stop:
        facilitator_act(fac, "stop")
        print("Timed rounds stopped; the hold stays where it is.")
        return 0
    done = facilitator_act(fac, "start", minutes=args.minutes, week=args.week)
    rnd = done["round"]
    length = clock_text(rnd["minutes"] * 60) if rnd["minutes"] else "untimed"
    print(
        f"Round {rnd['label']} started ({length}): it ends when every team has ended it"
        + (" or the time is up." if rnd["minutes"] else ".")
    )
    return 0


def cmd_broadcast(args: argparse.Namespace) -> int:
    from simulator.workshop.rounds import facilitator_act

    text = "" if args.clear else args.message
    if not text.strip() and not args.clear:
        raise InputError.at("message", "workshop.input", "say the message, or give --clear")
    facilitator_act(_fac(args), "broadcast", text=text)
    print("Message cleared." if not text else "Message shown on every team's screen.")
    return 0


def cmd_add_bot(args: argparse.Namespace) -> int:
    done = _act_remote(args, "add-bot", policy=args.policy, name=args.name)
    name = done["name"] if done is not None else _fac(args).add_bot(args.policy, args.name)
    print(f"Added bot team '{name}'; it keeps pace with the leading team.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simulator.workshop.report import build_debrief, build_report, debrief_name, write_csv

    fac = _fac(args)
    fac.advance_bots()
    rows = fac.leaderboard().refresh()
    cbs = fac.curveballs()
    info = fac.reload()
    earlier = fac.earlier_classes() if getattr(args, "compare", True) else []
    html = build_report(info, fac.scenario, rows, cbs, earlier)
    written = [args.out]
    try:
        Path(args.out).write_text(html, encoding="utf-8")
        if args.csv:
            write_csv(Path(args.csv), rows, cbs)
            written.append(args.csv)
        folder = getattr(args, "debriefs", None)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            for r in rows:
                if not r.error:
                    page = build_debrief(info, fac.scenario, r, cbs)
                    (Path(folder) / debrief_name(r)).write_text(page, encoding="utf-8")
            written.append(f"{sum(not r.error for r in rows)} debrief(s) in {folder}")
    except OSError as exc:
        where = str(exc.filename or args.out)
        msg = f"cannot write: {exc.strerror or exc}"
        raise InputError.at(where, "file.write", msg) from None
    print("Report written: " + ", ".join(written))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """`workshop export CODE --xapi FILE [--lrs URL]`: the results as xAPI statements."""
    from simulator.workshop import xapi

    if not args.xapi and not args.lrs:
        raise InputError.at("export", "workshop.input", "give --xapi FILE, --lrs URL or both")
    creds = xapi.credentials() if args.lrs else None  # before any work: one clear line
    fac = _fac(args)
    fac.advance_bots()
    rows = fac.leaderboard().refresh()
    items = xapi.statements(fac.reload(), fac.scenario, rows, home=args.home)
    if args.xapi:
        xapi.write(args.xapi, items)
        print(f"{len(items)} xAPI statement(s) written to {args.xapi}")
    if args.lrs:
        sent = xapi.post(args.lrs, items, *creds)
        print(f"{sent} xAPI statement(s) sent to {args.lrs}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """`dealcraft workshop serve`: the workshop server (and its browser seats)."""
    from simulator.serve import add_browser_seats, check_port, run, url_of
    from simulator.workshop.server import build_app, reach_lines
    from simulator.workshop.store import open_store

    check_port(args.port)
    open_store(args.db)  # a bad URL or an unreadable store: one line now, not per request
    app = build_app(args.db, trusted_proxies=tuple(args.trusted_proxy))
    wildcard = args.host in ("0.0.0.0", "::")
    itself = url_of("127.0.0.1" if wildcard else args.host, args.port)
    if args.max_games:  # the seats' game processes run here and reach the server directly
        add_browser_seats(app, itself, args.max_games, args.public_url)
    lines = reach_lines(args.host, args.port)
    if args.public_url:
        lines.append(f"  public address (reverse proxy): {args.public_url}")
    run(app, args.host, args.port, lines)
    return 0
