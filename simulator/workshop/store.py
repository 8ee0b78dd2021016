"""The workshop results store: sessions, teams and their decision logs, behind SQLAlchemy Core.

One URL names the store: `--db URL`, else $DEALCRAFT_DB, else a SQLite file in
the user data folder (`DEALCRAFT_HOME` overrides the folder, for tests and
portable installs), created 0600 in a 0700 folder. `postgresql://...` opens a
PostgreSQL database through psycopg 3 (`pip install dealcraft[postgres]`); what
differs between the backends lives in dialects.py. The program creates and
versions its own schema (table `schema_version`) and refuses a store written by
a newer version or holding a version it does not know. Older stores are
migrated in place, one version at a time (`MIGRATIONS`): version 2 added the
`shifts` table (the facilitator's custom priority shifts).

Unique keys settle races: two processes joining the same team name, or
injecting the same curveball, both insert-if-absent, and the loser finds the
winner's row (the same team; "already injected"). A write that meets a
transient error ("database is locked", a serialisation failure) is retried;
any other database error, and a damaged store, is one InputError line.

A team's log is append-only: a row per decision, keyed by (team, position).
Appends are optimistic: the writer says how long it believes the log is, and
the append fails with LogConflict if someone else wrote in between, so two
windows playing the same team can never interleave their decisions.
"""

from __future__ import annotations

import json
import os
import random
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from engine.problems import InputError
from engine.rng import validate_seed
from simulator.workshop import dialects
from simulator.workshop.dialects import BUSY_TIMEOUT_MS  # noqa: F401 - part of the API

SCHEMA_VERSION = 6  # 1: the first release; 2: adds `shifts`; 3: adds `seats`; 4: `schedules`
# 5: `rounds` and `broadcasts`; 6: `rounds.paused_at`
DB_FILE = "workshop.sqlite3"
DB_ENV = "DEALCRAFT_DB"  # the store URL when no --db is given
LOCK_WAIT_S = 30.0  # give up on a busy database after this long
STORE_SEED_MAX = 2**63 - 1  # the seed column is a signed 64-bit integer on every backend

T = TypeVar("T")

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("name", String(80), nullable=False),
    Column("scenario_ref", String(1000), nullable=False),
    Column("scenario_id", String(100), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("scenario_yaml", Text, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("key_salt", String(64), nullable=False),
    Column("key_hash", String(128), nullable=False),
    Column("hold_week", Integer, nullable=True),
    Column("paused", Boolean, nullable=False, default=False),
    Column("revealed", Boolean, nullable=False, default=False),
    Column("created_at", Float, nullable=False),
)

teams = Table(
    "teams",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("name_key", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # player, headless, bot
    Column("policy", String(32), nullable=True),  # bots: the policy name
    Column("n_decisions", Integer, nullable=False, default=0),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    UniqueConstraint("session_id", "name_key", name="uq_team_name"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("team_id", Integer, ForeignKey("teams.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("body", Text, nullable=False),  # the decision's dict form, as JSON
    Column("created_at", Float, nullable=False),
    PrimaryKeyConstraint("team_id", "seq", name="pk_decisions"),
)

curveballs = Table(
    "curveballs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=False),
    Column("event", String(100), nullable=False),
    Column("after_week", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("session_id", "event", name="uq_curveball"),
)

shifts = Table(  # since schema version 2
    "shifts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=False),
    Column("stakeholder", String(100), nullable=False),
    Column("weights", Text, nullable=False),  # {dimension id: weight}, as JSON
    Column("after_week", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
)
Index("ix_shifts_session", shifts.c.session_id)

activity = Table(
    "activity",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=False),
    Column("at", Float, nullable=False),
    Column("text", String(300), nullable=False),
)
Index("ix_activity_session", activity.c.session_id)

seats = Table(  # since schema version 3: a team's passcode (salted hash), set at first join
    "seats",
    metadata,
    Column("team_id", Integer, ForeignKey("teams.id"), primary_key=True),
    Column("salt", String(64), nullable=False),
    Column("hash", String(128), nullable=False),
    Column("created_at", Float, nullable=False),
)


schedules = Table(  # since schema version 4: a curveball's planned week and its signal
    "schedules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=False),
    Column("kind", String(8), nullable=False),  # event (curveballs.id) or shift (shifts.id)
    Column("ref_id", Integer, nullable=False),
    Column("arrive_week", Integer, nullable=True),  # None: at each team's next week
    Column("signal", String(300), nullable=True),  # what the teams hear (custom shifts)
    UniqueConstraint("kind", "ref_id", name="uq_schedule"),
)

rounds = Table(  # since schema version 5: a session's timed round (one row per session)
    "rounds",
    metadata,
    Column("session_id", Integer, ForeignKey("sessions.id"), primary_key=True),
    Column("week", Integer, nullable=False),  # teams end this week; the hold is at week + 1
    Column("minutes", Float, nullable=True),  # per round; None: untimed (all done releases)
    Column("deadline", Float, nullable=True),  # clock time the round ends, None: untimed
    Column("active", Boolean, nullable=False, default=True),
    Column("started_at", Float, nullable=False),
    Column("paused_at", Float, nullable=True),  # since version 6: the clock stopped (a pause)
)

broadcasts = Table(  # since schema version 5: the facilitator's messages to every team
    "broadcasts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=False),
    Column("at", Float, nullable=False),
    Column("text", String(300), nullable=False),  # "" clears the last message
)
Index("ix_broadcasts_session", broadcasts.c.session_id)


class LogConflict(Exception):
    """The team's log grew under us: another process appended first."""

    def __init__(self, expected: int, actual: int | None):
        self.expected, self.actual = expected, actual
        super().__init__(f"log has {actual} decisions, expected {expected}")


class CurveballGone(Exception):
    """An append would deliver a curveball the store no longer holds (the facilitator
    retracted it after the writer read the curveballs): nothing was appended."""


def data_dir() -> Path:
    """The folder for the default store: $DEALCRAFT_HOME, else the user data folder."""
    home = os.environ.get("DEALCRAFT_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("dealcraft", appauthor=False))


def _private(path: Path, mode: int) -> None:
    """Take group and other permissions off a file or folder of ours."""
    st_ = path.stat()
    if st_.st_uid == os.geteuid() and stat.S_IMODE(st_.st_mode) & 0o077:
        path.chmod(mode)


def default_url() -> str:
    """The local SQLite store, its folder created 0700 if need be (the user data folder,
    Dealcraft's own, is tightened to 0700; a $DEALCRAFT_HOME that exists is left as its
    owner set it); InputError (workshop.store-folder) when the folder cannot be made."""
    folder = data_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not os.environ.get("DEALCRAFT_HOME"):
            _private(folder, 0o700)
    except OSError as exc:
        raise _problem(
            str(folder),
            f"cannot create the data folder for the workshop store: {exc.strerror or exc}",
            "workshop.store-folder",
        ) from None
    return f"sqlite:///{folder / DB_FILE}"


def configured_url(url: str | None = None) -> str:
    """The store to use: `url` (from --db), else $DEALCRAFT_DB, else the local file."""
    return url or os.environ.get(DB_ENV) or default_url()


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def _problem(where: str, msg: str, code: str = "workshop.store") -> InputError:
    return InputError.at(where, code, msg)


def _sqlite_file(path: Path, where: str, default: bool) -> None:
    """Make sure a SQLite store file can be opened: its folder exists, and a new file
    is created 0600 (SQLite gives its -wal and -shm files the same mode). The default
    store's file, ours by definition, is tightened to 0600 if it is looser."""
    folder = path.parent
    if not folder.is_dir():
        raise _problem(where, f"no folder {folder} for the workshop store", "workshop.store-folder")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        if default:
            try:
                _private(path, 0o600)
            except OSError:
                pass  # not ours to change; SQLite reports anything that stops it opening
    except OSError as exc:
        raise _problem(
            where, f"cannot create the workshop store: {exc.strerror or exc}", "workshop.store"
        ) from None


@dataclass(frozen=True)
class TeamCount:
    id: int
    name: str
    kind: str
    policy: str | None
    n_decisions: int


@dataclass(frozen=True)
class StepSnapshot:
    """`Store.step_snapshot`: the session row, the team's stored count (None: no such
    team), the scenario curveballs and the custom shifts."""

    session: dict
    n_decisions: int | None
    curveballs: list
    shifts: list


class Store:
    """A connection to one results store; safe to share between threads of one process."""

    def __init__(self, url: str | None = None):
        self.url = configured_url(url)
        where = safe_url(self.url)
        self.where = where
        try:
            parsed, self.dialect = dialects.resolve(make_url(self.url))
            self.is_sqlite = self.dialect.name == "sqlite"
            uri = str(parsed.query.get("uri", "")).lower() in ("true", "1")
            if self.is_sqlite and not uri and parsed.database not in (None, "", ":memory:"):
                path = Path(parsed.database).expanduser()
                _sqlite_file(path, where, default=path == data_dir() / DB_FILE)
            self.engine = self.dialect.engine(parsed)
        except NoSuchModuleError as exc:
            raise _problem(where, f"no database driver for this URL: {exc}") from None
        except ArgumentError as exc:
            raise _problem(where, f"not a database URL: {exc}") from None
        except ModuleNotFoundError as exc:
            hint = " (pip install 'dealcraft[postgres]')" if exc.name == "psycopg" else ""
            raise _problem(
                where, f"the database driver is not installed: {exc.name}{hint}"
            ) from None
        self._ensure_schema()

    # ---- plumbing -------------------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def read(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn` in a read transaction (a consistent snapshot)."""
        return self._retry(fn, write=False)

    def write(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn` in a write transaction, taking the write lock first."""
        return self._retry(fn, write=True)

    def _retry(self, fn: Callable[[Connection], T], write: bool) -> T:
        """Run `fn` in a transaction. A transient error (SQLite's "database is locked"
        after its busy wait, a PostgreSQL serialisation failure or a full connection
        table) is retried after a short jittered sleep; any other database error is one
        InputError line, workshop.store-damaged when the database says it is damaged."""
        deadline = time.monotonic() + LOCK_WAIT_S
        delay = 0.005
        options = self.dialect.begin_options(write)
        while True:
            try:
                with self.engine.connect() as conn:
                    if options:
                        conn = conn.execution_options(**options)
                    with conn.begin():
                        return fn(conn)
            except DBAPIError as exc:
                if not self.dialect.transient(exc) or time.monotonic() > deadline:
                    raise self._failure(exc, write) from None
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.5)
            except PoolTimeout:
                raise _problem(
                    self.where,
                    "the workshop store is too busy: no database connection came free in time",
                ) from None

    def _failure(self, exc: DBAPIError, write: bool) -> InputError:
        reason = str(exc.orig).strip() or type(exc.orig).__name__
        if self.dialect.damaged(exc):
            return _problem(
                self.where,
                f"the workshop store is damaged ({reason}); restore it from a backup or "
                "use another --db",
                "workshop.store-damaged",
            )
        what = "write to" if write else "read"
        return _problem(self.where, f"cannot {what} the workshop store: {reason}")

    def _ensure_schema(self) -> None:
        def version(conn: Connection) -> int | None:
            if not conn.dialect.has_table(conn, "schema_version"):
                return None
            return stored_version(conn, self.where)

        found = self.read(version)
        if found is None:

            def create(conn: Connection) -> int:
                self.dialect.lock_schema(conn)
                v = version(conn)
                if v is None:
                    metadata.create_all(conn)
                    conn.execute(insert(schema_version).values(id=1, version=SCHEMA_VERSION))
                    return SCHEMA_VERSION
                return v

            found = self.write(create)
        if found < SCHEMA_VERSION:

            def upgrade(conn: Connection) -> int:
                self.dialect.lock_schema(conn)
                return migrate(conn, self.where)

            self.write(upgrade)

    # ---- sessions -------------------------------------------------------------------------

    def add_session(self, **values) -> int:
        def fn(conn: Connection) -> int:
            values.setdefault("created_at", time.time())
            return conn.execute(insert(sessions).values(**values)).inserted_primary_key[0]

        return self.write(fn)

    def session(self, code: str) -> dict | None:
        """The session with join code `code`, its values checked (InputError
        workshop.store-value naming the field when one cannot be right), or None."""

        def fn(conn: Connection):
            row = conn.execute(select(sessions).where(sessions.c.code == code)).mappings().first()
            return dict(row) if row else None

        row = self.read(fn)
        return None if row is None else checked_session(row, self.where)

    def code_taken(self, code: str) -> bool:
        return self.read(
            lambda conn: (
                conn.execute(select(sessions.c.id).where(sessions.c.code == code)).first()
                is not None
            )
        )

    def set_session(self, session_id: int, **values) -> None:
        self.write(
            lambda conn: conn.execute(
                update(sessions).where(sessions.c.id == session_id).values(**values)
            )
        )

    def add_curveball(self, session_id: int, event_id: str, after_week: int) -> bool:
        """Record a curveball once; False when it was already injected (also when another
        process injected it a moment ago)."""
        values = dict(
            session_id=session_id, event=event_id, after_week=after_week, created_at=time.time()
        )
        return self.write(
            lambda conn: self.dialect.insert_new(conn, curveballs, ["session_id", "event"], values)
        )

    @staticmethod
    def _curveballs(conn: Connection, session_id: int) -> list[dict]:
        q = _planned(curveballs, "event").where(curveballs.c.session_id == session_id)
        return [dict(r) for r in conn.execute(q.order_by(curveballs.c.id)).mappings()]

    def curveballs(self, session_id: int) -> list[dict]:
        """The session's scenario curveballs in the order they were injected."""
        return self.read(lambda conn: self._curveballs(conn, session_id))

    def add_shift(
        self, session_id: int, stakeholder: str, weights: dict[str, float], after_week: int
    ) -> int:
        """Record a custom priority shift (validated by the caller); its row id."""

        def fn(conn: Connection) -> int:
            res = conn.execute(
                insert(shifts).values(
                    session_id=session_id,
                    stakeholder=stakeholder,
                    weights=json.dumps({str(k): float(v) for k, v in weights.items()}),
                    after_week=int(after_week),
                    created_at=time.time(),
                )
            )
            return res.inserted_primary_key[0]

        return self.write(fn)

    @staticmethod
    def _shifts(conn: Connection, session_id: int) -> list[dict]:
        q = _planned(shifts, "shift").where(shifts.c.session_id == session_id)
        q = q.order_by(shifts.c.id)
        out = []
        for r in conn.execute(q).mappings():
            row = dict(r)
            row["weights"] = json.loads(row["weights"])
            out.append(row)
        return out

    def shifts(self, session_id: int) -> list[dict]:
        """The session's custom shifts in the order they were made (weights as a dict)."""
        return self.read(lambda conn: self._shifts(conn, session_id))

    def all_curveballs(self, session_id: int) -> tuple[list[dict], list[dict]]:
        """(scenario curveballs, custom shifts) of a session, in one read."""

        return self.read(
            lambda conn: (self._curveballs(conn, session_id), self._shifts(conn, session_id))
        )

    def note(self, session_id: int, text: str) -> None:
        self.write(
            lambda conn: conn.execute(
                insert(activity).values(session_id=session_id, at=time.time(), text=text[:300])
            )
        )

    def activity(self, session_id: int, limit: int = 20) -> list[dict]:
        def fn(conn: Connection):
            q = (
                select(activity.c.at, activity.c.text)
                .where(activity.c.session_id == session_id)
                .order_by(activity.c.id.desc())
                .limit(limit)
            )
            return [dict(r) for r in conn.execute(q).mappings()][::-1]

        return self.read(fn)

    # ---- teams and their logs -------------------------------------------------------------

    @staticmethod
    def _team(conn: Connection, session_id: int, name_key: str) -> dict | None:
        q = select(teams).where(teams.c.session_id == session_id, teams.c.name_key == name_key)
        row = conn.execute(q).mappings().first()
        return dict(row) if row else None

    def team(self, session_id: int, name_key: str) -> dict | None:
        return self.read(lambda conn: self._team(conn, session_id, name_key))

    def add_team(self, session_id: int, name: str, name_key: str, kind: str, policy=None) -> dict:
        """The team, created on first use (a second join with the same name resumes it)."""
        return self.ensure_team(session_id, name, name_key, kind, policy)[0]

    def ensure_team(
        self, session_id: int, name: str, name_key: str, kind: str, policy=None
    ) -> tuple[dict, bool]:
        """(the team, whether this call created it). Of several processes joining one
        name at once, exactly one creates the team and the others get that same row."""
        now = time.time()
        values = dict(
            session_id=session_id,
            name=name,
            name_key=name_key,
            kind=kind,
            policy=policy,
            n_decisions=0,
            created_at=now,
            updated_at=now,
        )

        def fn(conn: Connection) -> tuple[dict, bool]:
            row = self._team(conn, session_id, name_key)
            if row:
                return row, False
            created = self.dialect.insert_new(conn, teams, ["session_id", "name_key"], values)
            return self._team(conn, session_id, name_key), created

        return self.write(fn)

    @staticmethod
    def _team_counts(conn: Connection, session_id: int) -> list[TeamCount]:
        q = (
            select(teams.c.id, teams.c.name, teams.c.kind, teams.c.policy, teams.c.n_decisions)
            .where(teams.c.session_id == session_id)
            .order_by(teams.c.id)
        )
        return [TeamCount(*r) for r in conn.execute(q)]

    def team_counts(self, session_id: int) -> list[TeamCount]:
        """Every team of a session with the length of its log (one cheap query)."""
        return self.read(lambda conn: self._team_counts(conn, session_id))

    def append(self, team_id: int, expected: int, items: Iterable[tuple[str, str]]) -> int:
        """Append (kind, json body) decisions at position `expected`; the new log length.

        Raises LogConflict when the stored log is not `expected` long, and CurveballGone
        when a curveball among `items` was retracted (`_check_delivered`).
        """
        items = list(items)
        if not items:
            return expected

        def fn(conn: Connection) -> int:
            now = time.time()
            res = conn.execute(
                update(teams)
                .where(teams.c.id == team_id, teams.c.n_decisions == expected)
                .values(n_decisions=expected + len(items), updated_at=now)
            )
            if res.rowcount != 1:
                actual = conn.execute(
                    select(teams.c.n_decisions).where(teams.c.id == team_id)
                ).scalar()
                raise LogConflict(expected, actual)
            if any(k in CURVEBALL_KINDS for k, _ in items):
                _check_delivered(conn, team_id, expected, items)
            conn.execute(
                insert(decisions),
                [
                    dict(team_id=team_id, seq=expected + i, kind=k, body=b, created_at=now)
                    for i, (k, b) in enumerate(items)
                ],
            )
            return expected + len(items)

        return self.write(fn)

    def log(self, team_id: int, start: int = 0) -> list[str]:
        """The JSON bodies of a team's decisions from position `start`, in order."""

        def fn(conn: Connection):
            q = (
                select(decisions.c.body)
                .where(decisions.c.team_id == team_id, decisions.c.seq >= start)
                .order_by(decisions.c.seq)
            )
            return [r[0] for r in conn.execute(q)]

        return self.read(fn)

    def logs(self, team_starts: dict[int, int]) -> dict[int, list[str]]:
        """Several teams' logs (each from its own start) in one read."""
        if not team_starts:
            return {}

        def fn(conn: Connection):
            out: dict[int, list[str]] = {t: [] for t in team_starts}
            ids = list(team_starts)
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                q = (
                    select(decisions.c.team_id, decisions.c.seq, decisions.c.body)
                    .where(decisions.c.team_id.in_(chunk))
                    .order_by(decisions.c.team_id, decisions.c.seq)
                )
                for tid, seq, body in conn.execute(q):
                    if seq >= team_starts[tid]:
                        out[tid].append(body)
            return out

        return self.read(fn)

    def check_log(self, team_id: int) -> tuple[int, int]:
        """(stored count, rows) of a team, for integrity checks."""

        def fn(conn: Connection):
            n = conn.execute(select(teams.c.n_decisions).where(teams.c.id == team_id)).scalar()
            rows = conn.execute(
                select(func.count()).select_from(decisions).where(decisions.c.team_id == team_id)
            ).scalar()
            return int(n or 0), int(rows or 0)

        return self.read(fn)

    def board_snapshot(self, session_id: int) -> tuple[dict, list[TeamCount], list, list]:
        """(session row, team counts, curveballs, shifts) in one read: what a board refresh
        needs before it fetches the logs of teams that moved (the server's board request)."""

        def fn(conn: Connection):
            row = conn.execute(select(sessions).where(sessions.c.id == session_id)).mappings()
            return (
                dict(row.first()),
                self._team_counts(conn, session_id),
                self._curveballs(conn, session_id),
                self._shifts(conn, session_id),
            )

        return self.read(fn)

    def step_snapshot(self, session_id: int, team_id: int) -> StepSnapshot:
        """What a team's next decision is checked against, in one read: the session row
        (pacing), the team's stored decision count and the session's curveballs."""

        def fn(conn: Connection):
            row = conn.execute(select(sessions).where(sessions.c.id == session_id)).mappings()
            n = conn.execute(select(teams.c.n_decisions).where(teams.c.id == team_id)).scalar()
            return StepSnapshot(
                dict(row.first()),
                None if n is None else int(n),
                self._curveballs(conn, session_id),
                self._shifts(conn, session_id),
            )

        return self.read(fn)

    # ---- team passcodes (schema version 3) ------------------------------------------------

    def seat(self, team_id: int) -> tuple[str, str] | None:
        """(salt, hash) of a team's passcode, or None while it has none."""

        def fn(conn: Connection):
            q = select(seats.c.salt, seats.c.hash).where(seats.c.team_id == team_id)
            row = conn.execute(q).first()
            return (row[0], row[1]) if row else None

        return self.read(fn)

    def claim_seat(self, team_id: int, salt: str, hash_: str) -> bool:
        """Give a team its passcode hash unless it has one; False when another join won
        (two first joins at once: exactly one gets the passcode)."""
        values = dict(team_id=team_id, salt=salt, hash=hash_, created_at=time.time())
        return self.write(lambda conn: self.dialect.insert_new(conn, seats, ["team_id"], values))


def _planned(table: Table, kind: str):
    """SELECT the rows of `table` (curveballs or shifts) with their schedule's arrival week
    and signal (None when not scheduled)."""
    on = (schedules.c.kind == kind) & (schedules.c.ref_id == table.c.id)
    return select(table, schedules.c.arrive_week, schedules.c.signal).select_from(
        table.outerjoin(schedules, on)
    )


class ConsoleStore:
    """The facilitator console's writes (schema version 4): schedules and retractions, as
    functions on a Store so they stay apart from the store's own."""

    def __init__(self, store: Store):
        self.store = store

    def plan(
        self, session_id: int, kind: str, ref_id: int, arrive_week: int | None, signal: str | None
    ) -> None:
        values = dict(
            session_id=session_id,
            kind=kind,
            ref_id=int(ref_id),
            arrive_week=arrive_week,
            signal=None if signal is None else signal[:300],
        )
        self.store.write(lambda conn: conn.execute(insert(schedules).values(**values)))

    def curveball_id(self, session_id: int, event_id: str) -> int | None:
        q = select(curveballs.c.id).where(
            curveballs.c.session_id == session_id, curveballs.c.event == event_id
        )
        return self.store.read(lambda conn: conn.execute(q).scalar())

    def retract(self, session_id: int, kind: str, ref_id: int) -> Retraction:
        """Delete a curveball (kind event) or shift and its schedule unless a team's log
        holds it, in one write: the row is locked first, so an append delivering it either
        committed before (and is seen here) or waits and then finds it gone
        (`_check_delivered`), on one server or several."""
        table = curveballs if kind == "event" else shifts

        def fn(conn: Connection) -> Retraction:
            mine = (table.c.id == ref_id) & (table.c.session_id == session_id)
            row = conn.execute(select(table).where(mine).with_for_update()).mappings().first()
            if row is None:
                return Retraction(False, [])
            taken = _holders(conn, session_id, kind, dict(row))
            if taken:
                return Retraction(False, taken)
            conn.execute(table.delete().where(mine))
            conn.execute(
                schedules.delete().where(schedules.c.kind == kind, schedules.c.ref_id == ref_id)
            )
            return Retraction(True, [])

        return self.store.write(fn)


@dataclass(frozen=True)
class Retraction:
    """What a retraction did: `done`, or the teams whose logs hold the curveball (none: it
    was retracted already)."""

    done: bool
    taken_by: list[str]


CURVEBALL_KINDS = ("inject", "shift")  # the decision kinds that deliver a curveball


def _holders(conn: Connection, session_id: int, kind: str, row: dict) -> list[str]:
    """The teams whose stored logs hold curveball `row` (a curveballs or shifts row):
    the event injected, or as many shifts as the row's place among the session's shifts
    (shifts arrive in order)."""
    q = (
        select(teams.c.name, decisions.c.body)
        .select_from(decisions.join(teams, decisions.c.team_id == teams.c.id))
        .where(
            teams.c.session_id == session_id,
            decisions.c.kind == ("inject" if kind == "event" else "shift"),
        )
        .order_by(teams.c.id)
    )
    found = conn.execute(q).all()
    if kind == "event":
        names = [n for n, body in found if json.loads(body).get("event") == row["event"]]
    else:
        place = conn.execute(
            select(func.count())
            .select_from(shifts)
            .where(shifts.c.session_id == session_id, shifts.c.id <= row["id"])
        ).scalar_one()
        counts: dict[str, int] = {}
        for n, _ in found:
            counts[n] = counts.get(n, 0) + 1
        names = [n for n, c in counts.items() if c >= place]
    return list(dict.fromkeys(names))


def _check_delivered(conn: Connection, team_id: int, expected: int, items: list) -> None:
    """Inside an append: every curveball decision among `items` is one the store holds now
    (an inject's event row; the k-th shift of this team's log is the session's k-th shift,
    same stakeholder and weights). The rows are locked for share until the append
    commits, so a retraction waits for it. Raises CurveballGone otherwise."""
    session_id = conn.execute(select(teams.c.session_id).where(teams.c.id == team_id)).scalar()
    bodies = [(k, json.loads(b)) for k, b in items if k in CURVEBALL_KINDS]
    events = [b.get("event") for k, b in bodies if k == "inject"]
    if events:
        q = select(curveballs.c.event).where(
            curveballs.c.session_id == session_id, curveballs.c.event.in_(events)
        )
        held = set(conn.execute(q.with_for_update(read=True)).scalars())
        if held != set(events):
            raise CurveballGone(f"curveball(s) {sorted(set(events) - held)} retracted")
    new = [b for k, b in bodies if k == "shift"]
    if not new:
        return
    before = conn.execute(
        select(func.count())
        .select_from(decisions)
        .where(decisions.c.team_id == team_id, decisions.c.seq < expected)
        .where(decisions.c.kind == "shift")
    ).scalar_one()
    q = select(shifts.c.stakeholder, shifts.c.weights).where(shifts.c.session_id == session_id)
    rows = conn.execute(q.order_by(shifts.c.id).with_for_update(read=True)).all()
    for i, b in enumerate(new, start=before):
        if i >= len(rows) or (rows[i][0], json.loads(rows[i][1])) != (
            b.get("stakeholder"),
            b.get("weights"),
        ):
            raise CurveballGone(f"shift {i + 1} retracted")


class RoundStore:
    """Timed rounds and broadcasts (schema version 5), as functions on a Store. Every change
    of a round moves the session's hold in the same write, and an auto-release is
    conditional on the round it ends, so two servers ticking at once release it once."""

    def __init__(self, store: Store):
        self.store = store

    def state(self, session_id: int) -> tuple[dict, dict | None, dict | None]:
        """(session row, round row or None, last broadcast or None) in one read."""

        def fn(conn: Connection):
            row = conn.execute(select(sessions).where(sessions.c.id == session_id)).mappings()
            rnd = conn.execute(select(rounds).where(rounds.c.session_id == session_id))
            msg = conn.execute(
                select(broadcasts.c.at, broadcasts.c.text)
                .where(broadcasts.c.session_id == session_id)
                .order_by(broadcasts.c.id.desc())
                .limit(1)
            )
            r, m = rnd.mappings().first(), msg.mappings().first()
            return dict(row.first()), dict(r) if r else None, dict(m) if m else None

        return self.store.read(fn)

    def start(self, session_id: int, week: int, minutes: float | None, now: float) -> None:
        """Start (or restart) the round in which teams end `week`: the hold goes to week + 1."""
        values = dict(
            week=week,
            minutes=minutes,
            deadline=None if minutes is None else now + minutes * 60.0,
            active=True,
            started_at=now,
        )

        def fn(conn: Connection) -> None:
            paused = conn.execute(select(sessions.c.paused).where(sessions.c.id == session_id))
            values["paused_at"] = now if paused.scalar() else None  # its clock waits too
            done = conn.execute(
                update(rounds).where(rounds.c.session_id == session_id).values(**values)
            ).rowcount
            if not done:
                conn.execute(insert(rounds).values(session_id=session_id, **values))
            conn.execute(
                update(sessions).where(sessions.c.id == session_id).values(hold_week=week + 1)
            )

        self.store.write(fn)

    def advance(self, session_id: int, week: int, last_week: int, now: float) -> bool:
        """End the round of `week` (if it is still the current one): the next round starts
        with the same minutes and the hold moves on a week; after the last week the round
        ends and the hold is released. False when another process ended it first."""

        def fn(conn: Connection) -> bool:
            cur = conn.execute(
                select(rounds).where(
                    rounds.c.session_id == session_id,
                    rounds.c.week == week,
                    rounds.c.active.is_(True),
                )
            ).mappings()
            r = cur.first()
            if r is None:
                return False
            nxt = week + 1
            more = nxt <= last_week
            values = dict(week=nxt, active=more, started_at=now, paused_at=None)
            values["deadline"] = None if r["minutes"] is None else now + r["minutes"] * 60.0
            moved = conn.execute(
                update(rounds)
                .where(rounds.c.session_id == session_id, rounds.c.week == week)
                .values(**values)
            ).rowcount
            if not moved:
                return False
            conn.execute(
                update(sessions)
                .where(sessions.c.id == session_id, sessions.c.hold_week == week + 1)
                .values(hold_week=nxt + 1 if more else None)
            )
            return True

        return self.store.write(fn)

    def stop(self, session_id: int) -> bool:
        """End the timed rounds (the hold stays where it is); False when none was running."""
        return bool(
            self.store.write(
                lambda conn: (
                    conn.execute(
                        update(rounds)
                        .where(rounds.c.session_id == session_id, rounds.c.active.is_(True))
                        .values(active=False)
                    ).rowcount
                )
            )
        )

    def running(self) -> list[tuple[int, float | None]]:
        """(session id, deadline) of every active round whose clock runs (not paused): the
        server's timer."""
        q = select(rounds.c.session_id, rounds.c.deadline).where(
            rounds.c.active.is_(True), rounds.c.paused_at.is_(None)
        )
        return self.store.read(lambda conn: [tuple(r) for r in conn.execute(q)])

    def set_paused(self, session_id: int, paused: bool, now: float) -> float | None:
        """Pause or resume the session and its round's clock in one write: a pause stops
        the clock, a resume moves the deadline on by the pause's length. None when the
        session already was so (another process did it: done once); else the seconds
        given back to the round (0.0 when none was waiting)."""

        def fn(conn: Connection) -> float | None:
            changed = conn.execute(
                update(sessions)
                .where(sessions.c.id == session_id, sessions.c.paused.is_(not paused))
                .values(paused=paused)
            ).rowcount
            if not changed:
                return None
            mine = rounds.c.session_id == session_id
            if paused:
                conn.execute(
                    update(rounds)
                    .where(mine, rounds.c.active.is_(True), rounds.c.paused_at.is_(None))
                    .values(paused_at=now)
                )
                return 0.0
            r = conn.execute(select(rounds).where(mine, rounds.c.paused_at.isnot(None)))
            r = r.mappings().first()
            if r is None:
                return 0.0
            gap = max(0.0, now - r["paused_at"])
            deadline = None if r["deadline"] is None else r["deadline"] + gap
            conn.execute(update(rounds).where(mine).values(paused_at=None, deadline=deadline))
            return gap if r["active"] and deadline is not None else 0.0

        return self.store.write(fn)

    def broadcast(self, session_id: int, text: str, now: float) -> None:
        values = dict(session_id=session_id, at=now, text=text[:300])
        self.store.write(lambda conn: conn.execute(insert(broadcasts).values(**values)))


class TeamAdmin:
    """The facilitator's team administration on a Store: rename, mark, truncate (undo a
    week, reset) and remove; apart from the store's own functions."""

    def __init__(self, store: Store):
        self.store = store

    def rename(self, team_id: int, name: str, name_key: str) -> None:
        self.store.write(
            lambda conn: conn.execute(
                update(teams)
                .where(teams.c.id == team_id)
                .values(name=name, name_key=name_key, updated_at=time.time())
            )
        )

    def set_policy(self, team_id: int, policy: str | None) -> None:
        """The team's `policy` column: a bot's policy, or a player team's mark."""
        self.store.write(
            lambda conn: conn.execute(
                update(teams).where(teams.c.id == team_id).values(policy=policy)
            )
        )

    def truncate(self, team_id: int, keep: int) -> int:
        """Drop the team's decisions from position `keep` on; the new log length."""

        def fn(conn: Connection) -> int:
            conn.execute(
                decisions.delete().where(decisions.c.team_id == team_id, decisions.c.seq >= keep)
            )
            n = conn.execute(
                select(func.count()).select_from(decisions).where(decisions.c.team_id == team_id)
            ).scalar_one()
            conn.execute(
                update(teams)
                .where(teams.c.id == team_id)
                .values(n_decisions=n, updated_at=time.time())
            )
            return int(n)

        return self.store.write(fn)

    def remove(self, team_id: int) -> None:
        """Delete a team, its log and its seat in one write."""

        def fn(conn: Connection) -> None:
            conn.execute(decisions.delete().where(decisions.c.team_id == team_id))
            conn.execute(seats.delete().where(seats.c.team_id == team_id))
            conn.execute(teams.delete().where(teams.c.id == team_id))

        self.store.write(fn)


def _to_v4(conn: Connection) -> None:
    """Version 4: curveball schedules (arrival week, signal). Older curveballs have none."""
    schedules.create(conn, checkfirst=True)


def _to_v5(conn: Connection) -> None:
    """Version 5: timed rounds and broadcasts. Older sessions have neither."""
    rounds.create(conn, checkfirst=True)
    broadcasts.create(conn, checkfirst=True)  # with its index


def _to_v6(conn: Connection) -> None:
    """Version 6: a round's clock stops while the session is paused (`rounds.paused_at`)."""

    if "paused_at" not in {c["name"] for c in inspect(conn).get_columns("rounds")}:
        conn.execute(text("ALTER TABLE rounds ADD COLUMN paused_at FLOAT"))


def _to_v2(conn: Connection) -> None:
    """Version 2: the custom priority shifts."""
    shifts.create(conn, checkfirst=True)  # with its index


def _to_v3(conn: Connection) -> None:
    """Version 3: team passcodes. Teams of an older store get theirs at their next join."""
    seats.create(conn, checkfirst=True)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _to_v2,
    3: _to_v3,
    4: _to_v4,
    5: _to_v5,
    6: _to_v6,
}  # version -> step up to it


def stored_version(conn: Connection, where: str = "workshop store") -> int:
    """The schema version the store records; InputError (workshop.store-schema) unless it
    is one whole number this Dealcraft knows (1..SCHEMA_VERSION)."""
    rows = conn.execute(select(schema_version.c.version)).all()
    found = rows[0][0] if len(rows) == 1 else None
    if isinstance(found, bool) or not isinstance(found, int):
        shown = "no version" if not rows else f"{len(rows)} rows" if len(rows) > 1 else repr(found)
        raise _problem(
            where,
            f"the workshop store's schema_version table holds {shown}, not one version number; "
            "the store is damaged or was not made by Dealcraft",
            "workshop.store-schema",
        )
    if found > SCHEMA_VERSION:
        raise _problem(
            where,
            f"this workshop store uses schema version {found}, newer than this Dealcraft "
            f"understands (version {SCHEMA_VERSION}); upgrade Dealcraft or use another --db",
            "workshop.store-schema",
        )
    if found < 1:
        raise _problem(
            where,
            f"this workshop store records schema version {found}, which no Dealcraft has "
            f"written (versions are 1..{SCHEMA_VERSION}); the store is damaged",
            "workshop.store-schema",
        )
    return found


def migrate(conn: Connection, where: str = "workshop store") -> int:
    """Bring an older schema up to SCHEMA_VERSION, one step per version, in the caller's
    write transaction (so two processes opening an old store migrate it once); the
    version found."""
    found = stored_version(conn, where)
    for v in range(found + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[v](conn)
    if found < SCHEMA_VERSION:
        conn.execute(update(schema_version).values(version=SCHEMA_VERSION))
    return found


def checked_session(row: dict, where: str = "workshop store") -> dict:
    """A session row whose values the game relies on are what they must be (the seed a
    whole number the store can hold, the hold week none or a week); InputError
    (workshop.store-value) naming the session and the field otherwise."""

    def bad(field: str, why: str) -> InputError:
        return _problem(
            where,
            f"session {row.get('code')}: {field} {row.get(field)!r} {why}; the store is damaged",
            "workshop.store-value",
        )

    try:
        validate_seed(row["seed"], STORE_SEED_MAX)
    except (TypeError, ValueError):
        raise bad("seed", f"is not a whole number from 0 to {STORE_SEED_MAX}") from None
    hold = row["hold_week"]
    if hold is not None and (isinstance(hold, bool) or not isinstance(hold, int) or hold < 0):
        raise bad("hold_week", "is not a week number")
    return row


_STORES: dict[str, Store] = {}


def open_store(url: str | None = None) -> Store:
    """The store at `url` (default: $DEALCRAFT_DB, else the local SQLite file), shared
    within this process."""
    url = configured_url(url)
    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = Store(url)
    return store
