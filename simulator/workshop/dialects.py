"""What the workshop store does differently on SQLite and on PostgreSQL.

The store (store.py) is written once in SQLAlchemy Core; a `Dialect` holds the
few things that differ by backend: how an engine is made and tuned, which
errors are worth retrying, which mean the database itself is damaged, how a
row is inserted only if its unique key is free, and how schema changes are
serialised between processes. Any other SQLAlchemy backend gets the generic
dialect (savepoints for insert-if-absent, no schema lock).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, create_engine, event, insert, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

BUSY_TIMEOUT_MS = 30_000  # SQLite's own busy wait (it sleeps, leaving the CPU to the writer)
SCHEMA_LOCK = 0x4465616C63726166  # "Dealcraf": PostgreSQL advisory lock for schema changes

# SQLite result codes (the low byte of sqlite3.Error.sqlite_errorcode)
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CORRUPT, _SQLITE_NOTADB = 5, 6, 11, 26
# PostgreSQL SQLSTATEs worth a retry: serialization failure, deadlock, too many
# connections, the server starting up or shutting down
_PG_TRANSIENT = {"40001", "40P01", "53300", "57P03"}
_PG_REFUSALS = ("too many connections", "too many clients", "the database system is starting up")
_PG_DAMAGED = {"XX001", "XX002"}  # data corrupted, index corrupted


class Dialect:
    """The generic backend: plain SQLAlchemy."""

    name = "generic"

    def engine(self, url: URL) -> Engine:
        return create_engine(url, pool_pre_ping=True)

    def begin_options(self, write: bool) -> dict[str, Any]:
        """Execution options for one read or write transaction."""
        return {}

    def transient(self, exc: DBAPIError) -> bool:
        """Whether the same transaction may well succeed if run again shortly."""
        return False

    def damaged(self, exc: DBAPIError) -> bool:
        """Whether the error says the database file or its pages are damaged."""
        return False

    def insert_new(self, conn: Connection, table: Table, keys: list[str], values: dict) -> bool:
        """Insert `values` unless a row with the same unique `keys` exists (perhaps just
        committed by another process); whether this call inserted it."""
        try:
            with conn.begin_nested():
                conn.execute(insert(table).values(**values))
            return True
        except IntegrityError:
            return False

    def lock_schema(self, conn: Connection) -> None:
        """Serialise schema creation and migration between processes, until commit."""


class SQLite(Dialect):
    """SQLite, tuned for many writers on one machine: WAL journal (readers never block
    writers), a busy timeout, and write transactions that take the write lock up front
    (`BEGIN IMMEDIATE`) so two writers never deadlock upgrading a read lock."""

    name = "sqlite"

    def engine(self, url: URL) -> Engine:
        memory = url.database in (None, "", ":memory:")
        kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000}}
        if memory:
            from sqlalchemy.pool import StaticPool

            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"]["check_same_thread"] = False
        engine = create_engine(url, **kwargs)

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

        return engine

    def begin_options(self, write: bool) -> dict[str, Any]:
        return {"dealcraft_write": write}

    @staticmethod
    def _code(exc: DBAPIError) -> int | None:
        code = getattr(exc.orig, "sqlite_errorcode", None)
        return None if code is None else code & 0xFF

    def transient(self, exc: DBAPIError) -> bool:
        code = self._code(exc)
        if code is not None:
            return code in (_SQLITE_BUSY, _SQLITE_LOCKED)
        text_ = str(exc.orig).lower()  # raised by hand (tests) or by an old sqlite3
        return "locked" in text_ or "busy" in text_

    def damaged(self, exc: DBAPIError) -> bool:
        return self._code(exc) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)

    def insert_new(self, conn: Connection, table: Table, keys: list[str], values: dict) -> bool:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        q = sqlite_insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
        return conn.execute(q).rowcount == 1


class PostgreSQL(Dialect):
    """PostgreSQL through psycopg 3. Writes run at READ COMMITTED, so a statement that
    waited for another transaction sees what it committed (an `ON CONFLICT DO NOTHING`
    then finds the winner's row; an optimistic `UPDATE ... WHERE n = expected` then
    matches nothing). Reads run at REPEATABLE READ, READ ONLY: one snapshot for the
    whole read, and PostgreSQL never fails a read-only transaction for serialisation."""

    name = "postgresql"

    def engine(self, url: URL) -> Engine:
        connect_args = {} if "connect_timeout" in url.query else {"connect_timeout": 10}
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)

    def begin_options(self, write: bool) -> dict[str, Any]:
        if write:
            return {"isolation_level": "READ COMMITTED"}
        return {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}

    @staticmethod
    def _sqlstate(exc: DBAPIError) -> str | None:
        return getattr(exc.orig, "sqlstate", None)

    def transient(self, exc: DBAPIError) -> bool:
        code = self._sqlstate(exc)
        if code is not None:
            return code in _PG_TRANSIENT
        # libpq gives no SQLSTATE for a refused connection, only the server's message
        # (English unless the server sets lc_messages otherwise).
        message = str(exc.orig).lower()
        return any(m in message for m in _PG_REFUSALS)

    def damaged(self, exc: DBAPIError) -> bool:
        return self._sqlstate(exc) in _PG_DAMAGED

    def insert_new(self, conn: Connection, table: Table, keys: list[str], values: dict) -> bool:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        q = (
            pg_insert(table)
            .values(**values)
            .on_conflict_do_nothing(index_elements=keys)
            .returning(table.c[keys[0]])
        )
        return conn.execute(q).first() is not None

    def lock_schema(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})


def resolve(url: URL) -> tuple[URL, Dialect]:
    """The URL SQLAlchemy should open (a bare `postgresql://` or `postgres://` means
    psycopg 3, not SQLAlchemy's default psycopg2) and its dialect."""
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        driver = url.get_driver_name() if "+" in url.drivername else "psycopg"
        return url.set(drivername=f"postgresql+{driver}"), PostgreSQL()
    if backend == "sqlite":
        return url, SQLite()
    return url, Dialect()
