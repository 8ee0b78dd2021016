"""`dealcraft workshop ...`: the facilitator's sub-commands (handlers in commands.py).

This module only builds the parser, so `dealcraft --help` stays fast; the
handlers import the store, the engine and Textual on first use.
"""

from __future__ import annotations

import argparse
import os

from simulator import cliargs

KEY_ENV = "DEALCRAFT_FACILITATOR_KEY"
OLD_KEY_ENV = "DEALCRAFT_KEY"  # the name before 0.2, still read
DB_ENV = "DEALCRAFT_DB"
SERVER_ENV = "DEALCRAFT_SERVER"
DEFAULT_PORT = 8700
DEFAULT_MAX_GAMES = 40  # browser seats: game processes at once
MAX_WEEK = 1_000  # --week sanity bound; each session checks its scenario's own length (exit 1)
MIN_INTERVAL, MAX_INTERVAL = 0.2, 3_600.0  # board refresh, seconds


def add_parser(sub, lazy) -> None:
    """Register `workshop` and its actions on the main parser."""
    p = sub.add_parser(
        "workshop",
        help="facilitator: sessions, live board, curveballs, report",
        description="Run a workshop: one scenario, one seed, many teams. See docs/workshop.md.",
    )
    actions = p.add_subparsers(dest="workshop_action", metavar="ACTION")

    def usage(args: argparse.Namespace) -> int:
        p.print_help()
        return 2

    p.set_defaults(handler=usage)

    def db(q: argparse.ArgumentParser) -> None:
        store_url(q)

    def key(q: argparse.ArgumentParser, required: bool = True) -> None:
        q.add_argument(
            "--key-file",
            metavar="FILE",
            help=f"read the facilitator key from FILE (else ${KEY_ENV}, else a prompt)"
            + ("" if required else "; without a key, the public leaderboard only"),
        )
        q.add_argument("--key", dest="key_on_argv", help=argparse.SUPPRESS)
        q.set_defaults(key_required=required)

    def server(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--server",
            default=os.environ.get(SERVER_ENV),
            metavar="URL",
            help=f"send the command to this workshop server (or ${SERVER_ENV}); "
            "default: the store itself",
        )

    def code(q: argparse.ArgumentParser) -> None:
        q.add_argument("code", metavar="CODE", help="the session's join code")

    def arrival_week(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--week",
            type=cliargs.whole(0, MAX_WEEK),
            help="for bots and headless teams: arrives after this week (default: the hold "
            "week, else the furthest week a team has reached)",
        )

    def at_week(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--at-week",
            type=cliargs.whole(1, MAX_WEEK),
            metavar="N",
            help="schedule it to arrive in week N for every team (retract it with "
            "`workshop retract` until a team has it)",
        )

    def handler(name: str):
        return lazy("simulator.workshop.commands", name)

    q = actions.add_parser("create", help="create a session; print the join code and the key")
    q.add_argument("scenario", metavar="SCENARIO", help="scenario id or file")
    q.add_argument(
        "--key-file",
        metavar="FILE",
        help="write the facilitator key to FILE (0600) instead of printing it",
    )
    q.add_argument("--name", help="session name shown on the board (default: scenario title)")
    q.add_argument(
        "--seed",
        type=cliargs.store_seed,
        help="the seed every team plays, 0..2**63-1 (default: random)",
    )
    db(q)
    q.set_defaults(handler=handler("cmd_create"))

    q = actions.add_parser("board", help="the live facilitator board (Textual)")
    code(q)
    key(q)
    db(q)
    server(q)
    q.add_argument(
        "--interval",
        type=cliargs.number(MIN_INTERVAL, MAX_INTERVAL),
        default=2.0,
        help=f"seconds between refreshes, {MIN_INTERVAL:g}..{MAX_INTERVAL:g} (default 2)",
    )
    q.set_defaults(handler=handler("cmd_board"))

    q = actions.add_parser("status", help="the board as plain text")
    code(q)
    key(q, required=False)
    db(q)
    server(q)
    q.add_argument("--json", action="store_true", help="print JSON")
    q.add_argument(
        "--show-seed",
        action="store_true",
        help="show the session's seed (needs the key; players never see it)",
    )
    q.set_defaults(handler=handler("cmd_status"))

    q = actions.add_parser("inject", help="inject a scenario curveball into every team's game")
    code(q)
    key(q)
    db(q)
    server(q)
    q.add_argument("event", metavar="EVENT", help="curveball event id ('list' to list them)")
    arrival_week(q)
    at_week(q)
    q.set_defaults(handler=handler("cmd_inject"))

    q = actions.add_parser(
        "shift",
        help="inject a custom priority shift on one stakeholder into every team's game",
        description="From the start of each team's next week, STAKEHOLDER's priorities are "
        "the given weights (0-100 each, relative; dimensions left out are 0). "
        "STAKEHOLDER 'list' lists the stakeholder and dimension ids.",
    )
    code(q)
    key(q)
    db(q)
    server(q)
    q.add_argument("stakeholder", metavar="STAKEHOLDER", help="stakeholder id ('list' to list)")
    q.add_argument(
        "weights", nargs="*", metavar="dim=weight", help="new priority weights, e.g. cost=60"
    )
    arrival_week(q)
    at_week(q)
    q.add_argument(
        "--signal",
        metavar="TEXT",
        help="what the teams hear when it arrives (shown as an event), e.g. "
        "'The COO now says cost is all that matters'",
    )
    q.set_defaults(handler=handler("cmd_shift"))

    q = actions.add_parser(
        "retract", help="withdraw a curveball or custom shift before any team has it"
    )
    code(q)
    key(q)
    db(q)
    server(q)
    q.add_argument("curveball", metavar="KEY", help="the event id, or shift-N")
    q.set_defaults(handler=handler("cmd_retract"))

    q = actions.add_parser(
        "team",
        help="team admin: rename, remove, reset, mark, log, undo-week",
        description="rename TEAM NEW; remove TEAM; reset TEAM (empty its log); mark TEAM "
        "human|scripted|bot|test (all but human are left out of the class findings); log "
        "TEAM (its decisions, for your eyes); undo-week TEAM (back to the start of its last "
        "week). remove, reset and undo-week need --yes.",
    )
    code(q)
    key(q)
    db(q)
    server(q)
    q.add_argument(
        "op", choices=("rename", "remove", "reset", "mark", "log", "undo-week"), metavar="OP"
    )
    q.add_argument("team", metavar="TEAM", help="the team's name")
    q.add_argument("arg", nargs="?", metavar="VALUE", help="rename: the new name; mark: the kind")
    q.add_argument("--yes", action="store_true", help="confirm remove, reset or undo-week")
    q.add_argument("--json", action="store_true", help="log: print JSON")
    q.set_defaults(handler=handler("cmd_team"))

    q = actions.add_parser("hold", help="hold every team at a week until released")
    code(q)
    key(q)
    db(q)
    server(q)
    q.add_argument(
        "--week",
        type=cliargs.whole(0, MAX_WEEK),
        required=True,
        help="teams may not end this week",
    )
    q.set_defaults(handler=handler("cmd_hold"))

    for name, text in (
        ("release", "release the hold"),
        ("pause", "pause every team"),
        ("resume", "resume after a pause"),
        ("reveal", "reveal the results: teams may now see each other's games"),
    ):
        q = actions.add_parser(name, help=text)
        code(q)
        key(q)
        db(q)
        server(q)
        q.set_defaults(handler=handler(f"cmd_{name}"))

    q = actions.add_parser(
        "round",
        help="start a round: teams end one week, then the hold moves on (timed with --minutes)",
        description="Start the round in which every team ends WEEK (default: the week the "
        "hold is at, else the week the slowest team is in; 0 = setup). The hold moves to "
        "the next week when every human team has ended WEEK or the time is up, and the "
        "next round starts with the same minutes. --stop ends the rounds (the hold stays).",
    )
    code(q)
    key(q)
    db(q)
    server(q)
    q.add_argument(
        "--minutes",
        type=cliargs.number(0.1, 600.0),
        help="the round's length in minutes (default: untimed, it ends when all are done)",
    )
    q.add_argument("--week", type=cliargs.whole(0, MAX_WEEK), help="the week teams end")
    q.add_argument("--stop", action="store_true", help="stop the rounds (the hold stays)")
    q.set_defaults(handler=handler("cmd_round"))

    q = actions.add_parser("broadcast", help="show a message on every team's screen")
    code(q)
    key(q)
    db(q)
    server(q)
    q.add_argument("message", metavar="MESSAGE", nargs="?", default="", help="the message")
    q.add_argument("--clear", action="store_true", help="clear the last message")
    q.set_defaults(handler=handler("cmd_broadcast"))

    q = actions.add_parser("add-bot", help="add a bot team as the benchmark")
    code(q)
    key(q)
    db(q)
    server(q)
    q.add_argument("--policy", default="expert", choices=["expert", "random"])
    q.add_argument("--name", help="the bot team's name (default 'Bot (POLICY)')")
    q.set_defaults(handler=handler("cmd_add_bot"))

    q = actions.add_parser("report", help="write the self-contained HTML report (and CSV)")
    code(q)
    key(q)
    db(q)
    server(q)
    q.add_argument("--out", required=True, metavar="FILE", help="HTML file to write")
    q.add_argument("--csv", metavar="FILE", help="also write one CSV row per team")
    q.add_argument(
        "--debriefs",
        metavar="DIR",
        help="also write a printable one-page debrief per team into DIR",
    )
    q.add_argument(
        "--no-compare",
        dest="compare",
        action="store_false",
        help="leave out the comparison with earlier sessions of the same scenario",
    )
    q.set_defaults(handler=handler("cmd_report"))

    q = actions.add_parser(
        "export",
        help="learning records: the results as xAPI statements (file or LRS)",
        description="Write the human teams' results as xAPI statements (Serious Games "
        "profile verbs: initialized, progressed, completed) to FILE, and/or POST them to a "
        "learning record store. The LRS credentials come from $DEALCRAFT_LRS_USER and "
        "$DEALCRAFT_LRS_PASSWORD, never from the command line.",
    )
    code(q)
    key(q)
    db(q)
    q.add_argument("--xapi", metavar="FILE", help="write the statements to FILE (JSON)")
    q.add_argument("--lrs", metavar="URL", help="POST them to this LRS xAPI endpoint")
    q.add_argument(
        "--home",
        metavar="URL",
        default="https://dealcraft.invalid",
        help="the home page of the teams' accounts (default https://dealcraft.invalid)",
    )
    q.set_defaults(handler=handler("cmd_export"))

    q = actions.add_parser(
        "serve",
        help="run the workshop server: the one process that writes the store",
        description="Serve the workshop's sessions to players (dealcraft play/run --server URL "
        "and browser seats) and to the facilitator's commands. Binds to 127.0.0.1 unless "
        "--host says otherwise. See docs/workshop.md.",
    )
    q.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    q.add_argument(
        "--port",
        type=cliargs.integer,
        default=DEFAULT_PORT,
        help=f"port, 1..65535 (default {DEFAULT_PORT})",
    )
    db(q)
    q.add_argument(
        "--max-games",
        type=cliargs.whole(0, 10_000),
        default=DEFAULT_MAX_GAMES,
        help=f"browser seats: game processes at once, 0 for none (default {DEFAULT_MAX_GAMES})",
    )
    q.add_argument(
        "--public-url",
        metavar="URL",
        help="the address players use when a reverse proxy is in front (e.g. https://...)",
    )
    q.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDR",
        help="a reverse proxy's address whose X-Forwarded-For names the client (for the "
        "limits on wrong passcodes and keys); repeat for several",
    )
    q.set_defaults(handler=handler("cmd_serve"))


def store_url(q: argparse.ArgumentParser) -> None:
    """--db URL, defaulting to $DEALCRAFT_DB (which keeps a password out of `ps`)."""
    q.add_argument(
        "--db",
        default=os.environ.get(DB_ENV),
        metavar="URL",
        help=f"results store URL (or ${DB_ENV}; default: local SQLite)",
    )
