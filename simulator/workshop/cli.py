"""`dealcraft workshop ...` sub-commands (placeholder until the workshop lands)."""

from __future__ import annotations


def add_parser(sub, lazy) -> None:
    """Register the workshop sub-commands on the main parser."""
    p = sub.add_parser("workshop", help="facilitator: sessions, live board, curveballs, report")
    p.set_defaults(handler=lambda args: (print("workshop mode is not built yet"), 1)[1])
