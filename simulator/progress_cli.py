"""`dealcraft progress`: the trainee's level per practice across their games."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.table import Table

from simulator import progress as pg


def tables(records: list[dict]) -> list[Table]:
    """The practice levels and the per-scenario bests, as rich tables (the screen's too)."""
    levels, best = pg.summary(records)
    a = Table(title="Practices", title_justify="left")
    for col, just in (
        ("Practice", "left"),
        ("Games", "right"),
        ("Level", "left"),
        ("Score", "right"),
        ("Trend", "center"),
    ):
        a.add_column(col, justify=just)
    for x in levels:
        a.add_row(x.name, str(x.games), x.level, f"{x.value:.0f}", x.trend)
    b = Table(title="Deals (expected score)", title_justify="left")
    for col, just in (
        ("Deal", "left"),
        ("Games", "right"),
        ("First", "right"),
        ("Best", "right"),
        ("Latest", "right"),
    ):
        b.add_column(col, justify=just)
    for x in best:
        b.add_row(x.title, str(x.games), f"{x.first:.1f}", f"{x.best:.1f}", f"{x.latest:.1f}")
    return [a, b]


def cmd_progress(args: argparse.Namespace) -> int:
    from simulator.saves import home_dir

    records = pg.read(home_dir())
    if args.format in ("json", "csv"):
        sys.stdout.write(pg.export(records, args.format))
        if args.format == "json":
            sys.stdout.write("\n")
        return 0
    console = Console()
    if not records:
        console.print("No finished games yet: play a deal to the end to see your progress.")
        return 0
    for t in tables(records):
        console.print(t)
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    """`dealcraft keys`: every remappable binding id, its keys and what it does."""
    from simulator import settings
    from simulator.app import DealcraftApp  # noqa: F401 - the bindings' owners

    console = Console()
    t = Table(title=f"Key bindings (remap in {settings.config_dir() / settings.FILE})")
    t.add_column("id")
    t.add_column("does")
    for bid, desc in sorted(settings.binding_ids().items()):
        t.add_row(bid, desc)
    console.print(t)
    console.print('Example settings.toml:\n  theme = "nord"\n  [keys]\n  "week.end_week" = "E"')
    return 0
