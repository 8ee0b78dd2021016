"""A throwaway PostgreSQL server for the store tests, and a fresh database per test.

CI (.ci/run) starts one cluster and exports its URL in $DEALCRAFT_TEST_PG. A local
run without that variable starts its own cluster here when the PostgreSQL server
binaries are installed (Debian's `postgresql` package puts them under
/usr/lib/postgresql/VERSION/bin): initdb into a temporary folder, a random
password, listening on 127.0.0.1 and a socket folder inside that temporary folder,
run as the `postgres` user when the tests run as root (PostgreSQL refuses root).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ENV = "DEALCRAFT_TEST_PG"  # an admin URL of a server the tests may create databases on
SETTINGS = {  # a test cluster: fast, not durable, room for a few hundred clients
    "listen_addresses": "127.0.0.1",
    "max_connections": "300",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
}


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One PostgreSQL cluster in a temporary folder, removed by stop()."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="dealcraft-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.password = secrets.token_hex(16)
        self.user = "postgres" if os.geteuid() == 0 else None
        self.url = f"postgresql://dealcraft:{self.password}@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            user=self.user,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.root,
        )

    def start(self) -> Cluster:
        pwfile = self.root / "pw"
        pwfile.write_text(self.password)
        pwfile.chmod(0o600)
        if self.user:
            shutil.chown(self.root, self.user)
            shutil.chown(pwfile, self.user)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "dealcraft",
            "--pwfile",
            str(pwfile),
            "--auth",
            "scram-sha-256",
            "-E",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        )
        opts = " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
        opts += f" -p {self.port} -k {self.root}"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-o", opts, "start"
        )
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _admin(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=10)


def check_server(url: str) -> None:
    """Connect once (raises psycopg.OperationalError when the server is unreachable)."""
    _admin(url).close()


def create_database(url: str) -> str:
    """A new, empty database on the server at admin `url`; its URL."""
    from sqlalchemy.engine import make_url

    name = f"dealcraft_{secrets.token_hex(6)}"
    with _admin(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str, db_url: str) -> None:
    from sqlalchemy.engine import make_url

    name = make_url(db_url).database
    with _admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
