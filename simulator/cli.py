"""The `dealcraft` command: one sub-command per user task (see docs/cli.md).

Exit codes: 0 ok, 1 invalid input (a message, never a traceback), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable

from engine.problems import InputError
from simulator import cliargs

DEGENERATE_NAMES = (
    "one_stakeholder",
    "cheapest_staff",
    "audible_every_week",
    "skip_discovery",
    "last_week_pile",
)
Handler = Callable[[argparse.Namespace], int]
Subparsers = argparse._SubParsersAction  # what add_subparsers returns
MAX_GAMES = 1_000_000  # `balance --games` upper bound, per policy


def cmd_validate(args: argparse.Namespace) -> int:
    """Check scenario files and folders; print every problem, one line each (or as JSON)."""
    from engine.loader import scenario_files, validate_file

    files = scenario_files(args.paths)
    if not files:
        print(f"dealcraft validate: no scenario files in {' '.join(args.paths)}", file=sys.stderr)
        return 1
    problems = [p for f in files for p in validate_file(f)]
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if args.format == "json":
        report = {
            "files": len(files),
            "errors": errors,
            "warnings": warnings,
            "problems": [p.to_dict() for p in problems],
        }
        print(json.dumps(report, indent=1, ensure_ascii=False))
    else:
        for p in problems:
            print(p)
    status = "ok" if not errors else "failed"
    print(
        f"{len(files)} file(s) checked: {errors} error(s), {warnings} warning(s) — {status}",
        file=sys.stderr,
    )
    return 1 if errors else 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the scenario JSON Schema for editor completion, or install it in a folder."""
    from engine.schema import modeline, scenario_schema
    from simulator.scaffold import install_schema

    if args.install is None:
        print(json.dumps(scenario_schema(), indent=2))
        return 0
    path = install_schema(args.install)
    print(f"wrote {path}")
    print(f"start each scenario in {args.install} with: {modeline(path.name)}", file=sys.stderr)
    return 0


def _workshop_seat(p: argparse.ArgumentParser, join_help: str) -> None:
    """--join, --team and --db: take a seat in a workshop session (play and run)."""
    p.add_argument("--join", metavar="CODE", help=join_help)
    p.add_argument("--team", metavar="NAME", help="your team's name in the workshop")
    from simulator.workshop.cli import SERVER_ENV, store_url

    store_url(p)
    p.add_argument(
        "--server",
        default=os.environ.get(SERVER_ENV),
        metavar="URL",
        help=f"the workshop server's address (or ${SERVER_ENV}); default: the local store",
    )


def _lazy(module: str, name: str) -> Handler:
    """A handler imported on first use, so `dealcraft --help` stays fast."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        return getattr(importlib.import_module(module), name)(args)

    return run


def _lazy_type(module: str, name: str) -> Callable[[str], object]:
    """An argparse type imported on first use (as `_lazy` for handlers)."""

    def parse(text: str) -> object:
        import importlib

        return getattr(importlib.import_module(module), name)(text)

    parse.__name__ = name  # argparse names the type in its error for a bad value
    return parse


def probe_names() -> tuple[str, ...]:
    """Every restricted policy the balance report plays (engine.bots.VARIANTS, without
    importing the bots, so that `dealcraft --help` stays fast)."""
    from engine.practices import PROBES

    return tuple(dict.fromkeys((*DEGENERATE_NAMES, *PROBES)))


def _add_validate(sub: Subparsers) -> None:
    """`validate PATH...`: check scenario files, one line per problem."""
    p = sub.add_parser("validate", help="check scenario files (path:line:col: error: ...)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text: one line per problem (default); json: the problems as objects",
    )
    p.set_defaults(handler=cmd_validate)


def _add_schema(sub: Subparsers) -> None:
    """`schema [--install DIR]`: the scenario JSON Schema, for editor completion."""
    p = sub.add_parser("schema", help="print the scenario JSON Schema")
    p.add_argument(
        "--install",
        metavar="DIR",
        help="write scenario.schema.json into the scenario folder DIR instead of printing it",
    )
    p.set_defaults(handler=cmd_schema)


def _add_play(sub: Subparsers) -> None:
    """`play [SCENARIO]`: the game in the terminal, and the default command."""
    p = sub.add_parser("play", help="play a scenario in the terminal (the default command)")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", help="scenario id or file")
    p.add_argument(
        "--seed",
        type=cliargs.seed,
        default=None,
        help="seed for the game's randomness (0..2**64-1)",
    )
    p.add_argument("--resume", metavar="SAVE", help="resume a saved game")
    p.add_argument("--plan", metavar="PLAN", help="with --warp: the plan to play up to WEEK")
    p.add_argument(
        "--watch",
        action="store_true",
        help="reload the scenario file when it is saved and replay the game on it",
    )
    p.add_argument(
        "--warp",
        type=cliargs.whole(1),
        metavar="WEEK",
        help="play --plan up to the start of WEEK, then hand over to you (a new save)",
    )
    p.add_argument(
        "--scenarios",
        action="append",
        default=[],
        metavar="DIR",
        help="another folder of scenarios for the picker (repeatable)",
    )
    _workshop_seat(p, "join a workshop session with its code")
    p.set_defaults(handler=_lazy("simulator.app", "cmd_play"))


def _add_run(sub: Subparsers) -> None:
    """`run SCENARIO --plan PLAN`: a plan played headless, its scorecard printed."""
    p = sub.add_parser("run", help="play a plan headless and print the scorecard")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario id or file")
    p.add_argument("--plan", required=True, metavar="PLAN", help="plan file or saved game log")
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--seed", type=cliargs.seed, default=None, help="override the plan's seed (0..2**64-1)"
    )
    which.add_argument(
        "--seeds",
        type=_lazy_type("simulator.seeds", "seed_list"),
        default=None,
        metavar="LIST",
        help="play the plan on each seed (1-100, 1,5,9), skipping decisions a seed's events "
        "made illegal, and print the distribution of scores",
    )
    p.add_argument("--json", action="store_true", help="print a stable JSON object")
    p.add_argument(
        "--coach",
        action="store_true",
        help="replay the game with each of its costliest mistakes corrected (slower)",
    )
    _workshop_seat(p, "submit the game to a workshop session")
    p.set_defaults(handler=_lazy("simulator.headless", "cmd_run"))


def _add_balance(sub: Subparsers) -> None:
    """`balance SCENARIO`: the Monte Carlo balance report."""
    p = sub.add_parser("balance", help="Monte Carlo balance report for a scenario")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario id or file")
    p.add_argument(
        "--games",
        type=cliargs.whole(1, MAX_GAMES),
        default=2000,
        help=f"games per policy, 1..{MAX_GAMES:,} (default 2000)",
    )
    p.add_argument(
        "--policy",
        action="append",
        choices=["random", "greedy", "expert", *probe_names()],
        help="policy to run (repeatable; default: random, expert and every probe)",
    )
    p.add_argument(
        "--seed", type=cliargs.seed, default=0, help="first game's seed, 0..2**64-1 (default 0)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--against",
        metavar="OLD",
        help="compare with another version of the scenario on the same seeds: what moved",
    )
    p.set_defaults(handler=_lazy("simulator.balance", "cmd_balance"))


def _add_progress(sub: Subparsers) -> None:
    """`progress`: the player's level per practice across finished games."""
    p = sub.add_parser("progress", help="your level per practice across your finished games")
    p.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="table (default), or every game as json or csv for a spreadsheet",
    )
    p.set_defaults(handler=_lazy("simulator.progress_cli", "cmd_progress"))


def _add_keys(sub: Subparsers) -> None:
    """`keys`: the key bindings settings.toml can remap."""
    p = sub.add_parser("keys", help="list the key bindings you can remap in settings.toml")
    p.set_defaults(handler=_lazy("simulator.progress_cli", "cmd_keys"))


def _add_timeline(sub: Subparsers) -> None:
    """`timeline SCENARIO`: the deal week by week, for designers."""
    p = sub.add_parser(
        "timeline", help="the deal week by week: events, joiners, milestones, priorities"
    )
    p.add_argument("scenario", metavar="SCENARIO", help="scenario id or file")
    p.add_argument(
        "--seed",
        type=cliargs.seed,
        default=None,
        help="also show the chance events this seed's draws fire (0..2**64-1)",
    )
    p.add_argument("--json", action="store_true", help="print the timeline as JSON")
    p.set_defaults(handler=_lazy("simulator.timeline", "cmd_timeline"))


def _add_new(sub: Subparsers) -> None:
    """`new NAME`: a commented scenario scaffold that validates."""
    p = sub.add_parser("new", help="write a commented scenario scaffold that validates")
    p.add_argument(
        "name", type=cliargs.file_name, metavar="NAME", help="scenario id or file name (NAME.yaml)"
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=_lazy("simulator.scaffold", "cmd_new"))


def _add_workshop(sub: Subparsers) -> None:
    """`workshop ACTION`: the facilitator's sub-commands (simulator.workshop.cli)."""
    from simulator.workshop.cli import add_parser as add_workshop

    add_workshop(sub, _lazy)


def _add_serve(sub: Subparsers) -> None:
    """`serve`: the game in a browser tab (textual-serve)."""
    p = sub.add_parser("serve", help="serve the game in a browser tab (textual-serve)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument(
        "--port", type=cliargs.integer, default=8000, help="port, 1..65535 (default 8000)"
    )
    p.add_argument(
        "--workshop",
        metavar="URL",
        help="offer seats in this workshop server's sessions (the page asks code, team, passcode)",
    )
    p.add_argument(
        "--max-games",
        type=cliargs.whole(1, 10_000),
        default=40,
        help="game processes at once; the next visitor is told to wait (default 40)",
    )
    p.set_defaults(handler=_lazy("simulator.serve", "cmd_serve"))


COMMANDS: dict[str, Callable[[Subparsers], None]] = {  # in --help's order
    "validate": _add_validate,
    "schema": _add_schema,
    "play": _add_play,
    "run": _add_run,
    "balance": _add_balance,
    "progress": _add_progress,
    "keys": _add_keys,
    "timeline": _add_timeline,
    "new": _add_new,
    "workshop": _add_workshop,
    "serve": _add_serve,
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `only`, the top level and that one sub-command, so that
    `dealcraft play` starts without building the other sub-commands' parsers (~10 ms)."""
    parser = cliargs.Parser(
        prog="dealcraft",
        description="Dealcraft: lead a sales team through a B2B deal, week by week.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, add in COMMANDS.items():
        if only in (None, name):
            add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv = ["play", *argv]  # `dealcraft [--seed N] ...` is `dealcraft play ...`
    args = build_parser(argv[0] if argv[0] in COMMANDS else None).parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except InputError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
