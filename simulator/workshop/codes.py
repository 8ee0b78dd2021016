"""Join codes, facilitator keys and team names: generating, hashing, checking."""

from __future__ import annotations

import hashlib
import secrets
import string

from simulator.workshop.records import refuse

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read aloud
CODE_LENGTH = 6
KEY_ALPHABET = string.ascii_letters + string.digits
NAME_MAX = 32


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_key() -> str:
    """24 letters and digits (~143 bits): never starts with '-', so `--key KEY` parses."""
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(24))


def key_hash(salt: str, key: str) -> str:
    return hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()


def check_team_name(name: str | None) -> str:
    """A valid team name (trimmed), or InputError: 1-32 printable characters."""
    name = (name or "").strip()
    if not name:
        raise refuse("team", "give your team a name with --team (1-32 characters)")
    if len(name) > NAME_MAX:
        raise refuse("team", f"team names are at most {NAME_MAX} characters ({len(name)} given)")
    if not name.isprintable():
        raise refuse("team", "team names may use printable characters only")
    return name


def name_key(name: str) -> str:
    """Team names are unique ignoring case and repeated spaces."""
    return " ".join(name.casefold().split())
