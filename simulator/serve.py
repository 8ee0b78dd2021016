"""`dealcraft serve`: play Dealcraft in a browser tab, served by textual-serve.

Each browser tab runs its own `dealcraft` process on this machine. The server
binds to 127.0.0.1 (this machine only) unless --host names another address,
and says which on start: anyone who can reach the port can start a game.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def app_command() -> str:
    """The command each tab runs: `dealcraft`, from this install when it can be found."""
    here = Path(sys.executable).with_name("dealcraft")
    if here.exists():
        return str(here)
    return shutil.which("dealcraft") or f"{sys.executable} -m simulator.cli"


def build_server(host: str = "127.0.0.1", port: int = 8000):
    """The textual-serve Server for the game (not started)."""
    from textual_serve.server import Server

    return Server(app_command(), host=host, port=port, title="Dealcraft")


def banner(host: str, port: int) -> str:
    where = f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"
    if host in LOOPBACK:
        scope = "loopback only: reachable from this machine (use --host 0.0.0.0 to share)"
    else:
        scope = f"bound to {host}: anyone who can reach this address can start a game"
    return f"Serving Dealcraft at {where} ({scope}). Press Ctrl+C to stop."


def cmd_serve(args: argparse.Namespace) -> int:
    from engine.problems import InputError

    host = getattr(args, "host", None) or "127.0.0.1"
    port = getattr(args, "port", 8000)
    if not 0 < port < 65536:
        raise InputError.at("--port", "serve.port", f"port must be 1-65535, not {port}")
    server = build_server(host, port)
    print(banner(host, port), file=sys.stderr)
    try:
        server.serve()
    except OSError as exc:
        raise InputError.at(
            f"{host}:{port}", "serve.bind", f"cannot serve: {exc.strerror or exc}"
        ) from None
    return 0
