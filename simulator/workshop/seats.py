"""The player's side of a seat: join a session (on a server or in the local store) and keep
the team passcodes this computer was given, so the same player resumes without retyping.

The passcodes live in `workshop-seats.json` in the user data folder (platformdirs, or
$DEALCRAFT_HOME), written 0600 in a 0700 folder, one entry per (where, code, team).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from simulator.workshop.codes import check_team_name, name_key
from simulator.workshop.records import normalise_code
from simulator.workshop.store import data_dir, safe_url

BOOK_FILE = "workshop-seats.json"


def book_path() -> Path:
    return data_dir() / BOOK_FILE


def private_dir(folder: Path) -> Path:
    """`folder`, created 0700 when missing (an existing folder keeps its mode)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` as a 0600 file, atomically (a fresh temporary file, renamed)."""
    private_dir(path.parent)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as f:  # NamedTemporaryFile creates it 0600
        f.write(text)
        tmp = f.name
    os.replace(tmp, path)


def _entry(where: str, code: str, team: str) -> str:
    return f"{where} {normalise_code(code)} {name_key(team)}"


def _read() -> dict[str, str]:
    try:
        data = json.loads(book_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def saved_passcode(where: str, code: str, team: str) -> str | None:
    return _read().get(_entry(where, code, team))


def saved_seat_id(where: str, code: str, team: str) -> int | None:
    """The team id kept with a passcode (a server's teams): it finds the team again after
    the facilitator renamed it while this computer was not playing."""
    value = _read().get("seat " + _entry(where, code, team), "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def keep_passcode(
    where: str, code: str, team: str, passcode: str, team_id: int | None = None
) -> bool:
    """Remember a team passcode (and the server's id of the team) on this computer; False
    when the data folder is unwritable (the player was shown the passcode and can type it
    next time)."""
    book = _read()
    book[_entry(where, code, team)] = passcode
    if team_id is not None:
        book["seat " + _entry(where, code, team)] = str(int(team_id))
    try:
        write_private(book_path(), json.dumps(book, indent=1, sort_keys=True))
    except OSError:
        return False
    return True


def forget_passcode(where: str, code: str, team: str) -> None:
    """Drop a kept passcode (a renamed team's old entry); an unwritable folder keeps it."""
    book = _read()
    if book.pop(_entry(where, code, team), None) is None:
        return
    book.pop("seat " + _entry(where, code, team), None)
    try:
        write_private(book_path(), json.dumps(book, indent=1, sort_keys=True))
    except OSError:
        pass


def where_of(server: str | None, db: str | None) -> str:
    """The key a passcode is kept under: the server URL, or the store URL (no password)."""
    if server:
        return server.rstrip("/")
    from simulator.workshop.store import configured_url

    return safe_url(configured_url(db))


def join(
    code: str,
    team: str | None,
    db: str | None = None,
    kind: str = "player",
    server: str | None = None,
    passcode: str | None = None,
    announce: bool = False,
):
    """Take a team's seat: through the workshop server at `server`, else in the local store.

    The passcode is `passcode`, else the one this computer kept for the team. A passcode
    issued by this join is kept, and (with `announce`) printed once to stderr; the seat
    carries it on `passcode` for a UI to show. The team's id is kept with the passcode:
    joining under a name the facilitator has since renamed finds the team (and moves the
    kept passcode to its new name). Returns a TeamSession or a RemoteSeat (the same API).
    """
    name = check_team_name(team)
    where = where_of(server, db)
    saved = saved_passcode(where, code, name)
    given = passcode or saved
    kept_one = bool(given) and given == saved
    seat_id = saved_seat_id(where, code, name) if kept_one else None
    if server:
        from simulator.workshop.client import RemoteSeat

        seat = RemoteSeat.join(
            server, code, name, kind=kind, passcode=given, where=where, seat_id=seat_id
        )
    else:
        from simulator.workshop.team import join as take

        seat = take(code, name, db, kind=kind, passcode=given, seat_id=seat_id)
    if kept_one and not seat.passcode:  # keep the id with it; follow a rename
        keep_passcode(where, seat.code, seat.team, given, seat.team_id)
        if name_key(seat.team) != name_key(name):
            forget_passcode(where, code, name)
    if seat.passcode:
        kept = keep_passcode(where, seat.code, seat.team, seat.passcode, seat.team_id)
        if announce:
            print(passcode_notice(seat.team, seat.passcode, kept), file=sys.stderr)
    return seat


def passcode_notice(team: str, passcode: str, kept: bool) -> str:
    where = "kept on this computer" if kept else "NOT kept (the data folder is not writable)"
    return (
        f"Team passcode for '{team}': {passcode} ({where}; shown only now). "
        "Teammates joining this team from another computer need it."
    )
