"""Join codes, facilitator keys and team names: generating, hashing, checking."""

from __future__ import annotations

import hashlib
import hmac
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
    """The facilitator key: 24 letters and digits (~143 bits)."""
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


PASSCODE_GROUPS, PASSCODE_GROUP = 3, 4  # 'ABCD-EFGH-JKLM': 12 of 32 symbols, 60 bits


def new_passcode() -> str:
    """A team passcode: issued at a team's first join, shown once, needed at every later one."""
    groups = (new_code_of(PASSCODE_GROUP) for _ in range(PASSCODE_GROUPS))
    return "-".join(groups)


def new_code_of(n: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(n))


def normalise_passcode(passcode: str | None) -> str:
    """Passcodes compare ignoring case, dashes and spaces (they are read aloud and retyped)."""
    return "".join(ch for ch in str(passcode or "").upper() if ch.isalnum())


def check_secret(salt: str, stored_hash: str, given: str) -> bool:
    """Whether `given` is the secret whose salted hash is stored (constant-time compare)."""
    return hmac.compare_digest(key_hash(salt, given), stored_hash)
