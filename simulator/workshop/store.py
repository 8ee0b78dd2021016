"""The workshop results store: sessions, teams and their decision logs, behind SQLAlchemy Core.

One URL names the store. The default is a SQLite file in the user data folder
(`DEALCRAFT_HOME` overrides the folder, for tests and portable installs); any
other SQLAlchemy URL works with `--db`. The program creates and versions its
own schema (table `schema_version`) and refuses a store written by a newer
version. Older stores are migrated in place, one version at a time (`MIGRATIONS`):
version 2 added the `shifts` table (the facilitator's custom priority shifts).

SQLite is tuned for many writers on one machine: WAL journal (readers never
block writers), a busy timeout, and write transactions that take the write
lock up front (`BEGIN IMMEDIATE`) so two writers never deadlock upgrading a
read lock. A write that still meets "database is locked" is retried.

A team's log is append-only: a row per decision, keyed by (team, position).
Appends are optimistic: the writer says how long it believes the log is, and
the append fails with LogConflict if someone else wrote in between, so two
windows playing the same team can never interleave their decisions.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

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
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
)

from engine.problems import InputError

SCHEMA_VERSION = 3  # 1: the first release; 2: adds `shifts`; 3: adds `seats`
DB_FILE = "workshop.sqlite3"
LOCK_WAIT_S = 30.0  # give up on a busy database after this long
BUSY_TIMEOUT_MS = 30_000  # SQLite's own busy wait (it sleeps, leaving the CPU to the writer)

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


class LogConflict(Exception):
    """The team's log grew under us: another process appended first."""

    def __init__(self, expected: int, actual: int | None):
        self.expected, self.actual = expected, actual
        super().__init__(f"log has {actual} decisions, expected {expected}")


def data_dir() -> Path:
    """The folder for the default store: $DEALCRAFT_HOME, else the user data folder."""
    home = os.environ.get("DEALCRAFT_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("dealcraft", appauthor=False))


def default_url() -> str:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / DB_FILE}"


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def _problem(where: str, msg: str) -> InputError:
    return InputError.at(where, "workshop.store", msg)


def _is_locked(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "locked" in text or "busy" in text


def _sqlite_events(engine: Engine, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):  # pragma: no cover - exercised through every test
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is lazy).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not memory:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection):
        write = conn.get_execution_options().get("dealcraft_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@dataclass(frozen=True)
class TeamCount:
    id: int
    name: str
    kind: str
    policy: str | None
    n_decisions: int


class Store:
    """A connection to one results store; safe to share between threads of one process."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        where = safe_url(self.url)
        self.where = where
        try:
            parsed = make_url(self.url)
            self.is_sqlite = parsed.get_backend_name() == "sqlite"
            kwargs: dict[str, Any] = {}
            memory = False
            if self.is_sqlite:
                memory = parsed.database in (None, "", ":memory:")
                kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
                if memory:
                    from sqlalchemy.pool import StaticPool

                    kwargs["poolclass"] = StaticPool
                    kwargs["connect_args"]["check_same_thread"] = False
                elif parsed.database:
                    folder = Path(parsed.database).expanduser().parent
                    if not folder.is_dir():
                        raise _problem(where, f"no folder {folder} for the workshop store")
            self.engine = create_engine(self.url, **kwargs)
        except NoSuchModuleError as exc:
            raise _problem(where, f"no database driver for this URL: {exc}") from None
        except ArgumentError as exc:
            raise _problem(where, f"not a database URL: {exc}") from None
        except ModuleNotFoundError as exc:
            raise _problem(where, f"the database driver is not installed: {exc.name}") from None
        if self.is_sqlite:
            _sqlite_events(self.engine, memory)
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
        """Run `fn` in a transaction. SQLite's busy handler waits for the lock; should it
        still report "database is locked", retry after a short jittered sleep."""
        deadline = time.monotonic() + LOCK_WAIT_S
        delay = 0.005
        while True:
            try:
                with self.engine.connect() as conn:
                    if write:
                        conn = conn.execution_options(dealcraft_write=True)
                    with conn.begin():
                        return fn(conn)
            except OperationalError as exc:
                if not _is_locked(exc) or time.monotonic() > deadline:
                    what = "write to" if write else "read"
                    raise _problem(
                        self.where, f"cannot {what} the workshop store: {exc.orig}"
                    ) from None
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.5)

    def _ensure_schema(self) -> None:
        def version(conn: Connection) -> int | None:
            if not conn.dialect.has_table(conn, "schema_version"):
                return None
            return conn.execute(select(schema_version.c.version)).scalar()

        try:
            found = self.read(version)
        except InputError:
            raise
        except DBAPIError as exc:
            raise _problem(self.where, f"cannot open the workshop store: {exc.orig}") from None
        if found is None:

            def create(conn: Connection) -> int:
                v = version(conn)
                if v is None:
                    metadata.create_all(conn)
                    conn.execute(insert(schema_version).values(id=1, version=SCHEMA_VERSION))
                    return SCHEMA_VERSION
                return v

            found = self.write(create)
        if found > SCHEMA_VERSION:
            raise _problem(
                self.where,
                f"this workshop store uses schema version {found}, newer than this Dealcraft "
                f"understands (version {SCHEMA_VERSION}); upgrade Dealcraft or use another --db",
            )
        if found < SCHEMA_VERSION:
            self.write(migrate)

    # ---- sessions -------------------------------------------------------------------------

    def add_session(self, **values) -> int:
        def fn(conn: Connection) -> int:
            values.setdefault("created_at", time.time())
            return conn.execute(insert(sessions).values(**values)).inserted_primary_key[0]

        return self.write(fn)

    def session(self, code: str) -> dict | None:
        def fn(conn: Connection):
            row = conn.execute(select(sessions).where(sessions.c.code == code)).mappings().first()
            return dict(row) if row else None

        return self.read(fn)

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
        """Record a curveball once; False when it was already injected."""

        def fn(conn: Connection) -> bool:
            q = select(curveballs.c.id).where(
                curveballs.c.session_id == session_id, curveballs.c.event == event_id
            )
            if conn.execute(q).first():
                return False
            conn.execute(
                insert(curveballs).values(
                    session_id=session_id,
                    event=event_id,
                    after_week=after_week,
                    created_at=time.time(),
                )
            )
            return True

        return self.write(fn)

    @staticmethod
    def _curveballs(conn: Connection, session_id: int) -> list[dict]:
        q = select(curveballs).where(curveballs.c.session_id == session_id)
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
        q = select(shifts).where(shifts.c.session_id == session_id).order_by(shifts.c.id)
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

        def fn(conn: Connection) -> dict:
            row = self._team(conn, session_id, name_key)
            if row:
                return row
            now = time.time()
            conn.execute(
                insert(teams).values(
                    session_id=session_id,
                    name=name,
                    name_key=name_key,
                    kind=kind,
                    policy=policy,
                    n_decisions=0,
                    created_at=now,
                    updated_at=now,
                )
            )
            return self._team(conn, session_id, name_key)

        return self.write(fn)

    def team_counts(self, session_id: int) -> list[TeamCount]:
        """Every team of a session with the length of its log (one cheap query)."""

        def fn(conn: Connection):
            q = (
                select(teams.c.id, teams.c.name, teams.c.kind, teams.c.policy, teams.c.n_decisions)
                .where(teams.c.session_id == session_id)
                .order_by(teams.c.id)
            )
            return [TeamCount(*r) for r in conn.execute(q)]

        return self.read(fn)

    def append(self, team_id: int, expected: int, items: Iterable[tuple[str, str]]) -> int:
        """Append (kind, json body) decisions at position `expected`; the new log length.

        Raises LogConflict when the stored log is not `expected` long.
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

    # ---- team passcodes (schema version 3) ------------------------------------------------

    def seat(self, team_id: int) -> tuple[str, str] | None:
        """(salt, hash) of a team's passcode, or None while it has none."""

        def fn(conn: Connection):
            q = select(seats.c.salt, seats.c.hash).where(seats.c.team_id == team_id)
            row = conn.execute(q).first()
            return (row[0], row[1]) if row else None

        return self.read(fn)

    def claim_seat(self, team_id: int, salt: str, hash_: str) -> bool:
        """Give a team its passcode hash unless it has one; False when another join won."""

        def fn(conn: Connection) -> bool:
            if conn.execute(select(seats.c.team_id).where(seats.c.team_id == team_id)).first():
                return False
            conn.execute(
                insert(seats).values(team_id=team_id, salt=salt, hash=hash_, created_at=time.time())
            )
            return True

        try:
            return self.write(fn)
        except IntegrityError:  # two first joins at once (a server database): one wins
            return False


def _to_v2(conn: Connection) -> None:
    """Version 2: the custom priority shifts."""
    shifts.create(conn, checkfirst=True)  # with its index


def _to_v3(conn: Connection) -> None:
    """Version 3: team passcodes. Teams of an older store get theirs at their next join."""
    seats.create(conn, checkfirst=True)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _to_v2,
    3: _to_v3,
}  # version -> step up to it


def migrate(conn: Connection) -> int:
    """Bring an older schema up to SCHEMA_VERSION, one step per version, in the caller's
    write transaction (so two processes opening an old store migrate it once); the
    version found."""
    found = conn.execute(select(schema_version.c.version)).scalar()
    for v in range(found + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[v](conn)
    if found < SCHEMA_VERSION:
        conn.execute(update(schema_version).values(version=SCHEMA_VERSION))
    return found


_STORES: dict[str, Store] = {}


def open_store(url: str | None = None) -> Store:
    """The store at `url` (default: the local SQLite file), shared within this process."""
    url = url or default_url()
    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = Store(url)
    return store
