"""Argument types for the command line: every numeric option is checked where it enters.

One place for `dealcraft` and `dealcraft workshop` (simulator/cli.py and
simulator/workshop/cli.py). A bad value is a usage error: exit 2 with one line on
stderr (`prog: error: argument --seed: ...`), never a traceback from deeper down.
This module imports only the standard library and engine.rng (numpy), lazily, so
`dealcraft --help` stays fast.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import NoReturn

STORE_SEED_MAX = 2**63 - 1  # the workshop store keeps the seed in a signed 64-bit column


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr and exit 2.
    Sub-parsers inherit the class (argparse's add_subparsers uses type(self))."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _whole(text: str) -> int:
    """A whole number written in decimal: '3' and '+3', not '3.7', '1e3' or ''."""
    try:
        return int(text, 10)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def integer(text: str) -> int:
    """An argparse type: any whole number, for an option whose range its command checks
    against more than the command line (serve's --port: 1..65535, exit 1)."""
    return _whole(text)


def whole(lo: int, hi: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in lo..hi (no upper bound if hi is None)."""

    def parse(text: str) -> int:
        n = _whole(text)
        if n < lo or (hi is not None and n > hi):
            span = f"{lo}..{hi}" if hi is not None else f">= {lo}"
            raise argparse.ArgumentTypeError(f"must lie in {span}, got {text!r}")
        return n

    return parse


def number(lo: float, hi: float) -> Callable[[str], float]:
    """An argparse type: a finite decimal number in lo..hi ('nan' and 'inf' are refused)."""

    def parse(text: str) -> float:
        try:
            x = float(text)
        except (TypeError, ValueError):
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(x) or not lo <= x <= hi:
            raise argparse.ArgumentTypeError(f"must lie in {lo:g}..{hi:g}, got {text!r}")
        return x

    return parse


def file_name(text: str) -> str:
    """An argparse type for a file to write: a path that ends in a name ('deal',
    'scenarios/deal.yaml'), not '', '.', '..' or '/', and no NUL byte."""
    from pathlib import Path

    if "\0" in text or Path(text).name in ("", ".."):
        raise argparse.ArgumentTypeError(f"expected a file name, got {text!r}")
    return text


def seed_type(upper: int | None = None) -> Callable[[str], int]:
    """An argparse type for --seed: engine.rng.validate_seed's rule (0..2**64-1, or
    0..upper where the seed is stored in less)."""

    def parse(text: str) -> int:
        from engine import rng

        n = _whole(text)
        try:
            return rng.validate_seed(n, rng.SEED_MAX if upper is None else upper)
        except (TypeError, ValueError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


seed = seed_type()
store_seed = seed_type(STORE_SEED_MAX)
