"""Shared fixtures: the shipped scenarios (loaded once), a private data folder, a quick
Textual Pilot, the workshop stores, and the workshop classes (defined in
tests/support/workshop.py). Shared helpers that are not fixtures live in tests/support/."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support.workshop import served_class, workshop_class, workshop_class_each_db  # noqa: F401

from engine.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def player_config(tmp_path_factory):
    """Every test gets its own empty settings folder ($DEALCRAFT_CONFIG): no test reads
    or writes the real player's key map and theme. Its own patch context, so that it does
    not set up the shared `monkeypatch` first and change the order other patches undo in."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DEALCRAFT_CONFIG", str(tmp_path_factory.mktemp("config")))
        yield


@pytest.fixture(scope="session")
def northwind():
    return load_scenario(ROOT / "scenarios" / "northwind_new_logo.yaml")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty Dealcraft data folder ($DEALCRAFT_HOME: saves, the workshop store) for this
    test only, and no facilitator key, store URL or server leaking in from the shell."""
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path))
    for name in (
        "DEALCRAFT_KEY",
        "DEALCRAFT_FACILITATOR_KEY",
        "DEALCRAFT_DB",
        "DEALCRAFT_SERVER",
        "DEALCRAFT_TEAM_PASSCODE",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def fast_pilot(monkeypatch):
    """No animations, and Pilot waits for 'idle' in 2 ms slices after every key instead of
    20 ms, which keeps UI tests quick. UI modules use it for every test:
    `pytestmark = pytest.mark.usefixtures("fast_pilot")`."""
    import textual._wait

    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 0.002)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", 0.0005)


# ---- the workshop store on SQLite and on PostgreSQL -----------------------------------------


PG_SKIP = "PostgreSQL store tests skipped"


def _pg_status() -> tuple[str | None, str]:
    """(admin URL or None, how PostgreSQL tests will run or why they skip)."""
    from support import pg

    try:
        import psycopg  # noqa: F401
    except ImportError:
        return None, "psycopg is not installed (pip install 'dealcraft[postgres]')"
    if os.environ.get(pg.ENV):
        return os.environ[pg.ENV], f"the server in ${pg.ENV}"
    bindir = pg.server_binaries()
    if bindir is None:
        return None, f"no PostgreSQL server: set ${pg.ENV} or install postgresql"
    return "", f"a throwaway cluster from {bindir}"


def pytest_report_header(config):
    return f"PostgreSQL store tests: {_pg_status()[1]}"


def pytest_terminal_summary(terminalreporter):
    """Say so when the PostgreSQL runs were skipped, even under -q (the header is not shown)."""
    reasons = {}
    for rep in terminalreporter.stats.get("skipped", []):
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        if PG_SKIP in reason:
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, n in reasons.items():
        why = reason.split(PG_SKIP, 1)[1].lstrip(": ")
        terminalreporter.write_line(f"{n} PostgreSQL store test(s) skipped: {why}")


@pytest.fixture(scope="session")
def pg_server():
    """An admin URL of a PostgreSQL server the tests may create databases on: $DEALCRAFT_TEST_PG
    (as CI exports it), else a throwaway cluster started here; skips, saying why, when neither
    is possible. A server named by the variable that cannot be reached is an error."""
    from support import pg

    url, why = _pg_status()
    if url is None:
        pytest.skip(f"{PG_SKIP}: {why}")
    if url:
        pg.check_server(url)
        yield url
        return
    cluster = pg.Cluster(pg.server_binaries())
    try:
        cluster.start()
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = (getattr(exc, "stderr", b"") or b"").decode(errors="replace")[-300:]
        shutil.rmtree(cluster.root, ignore_errors=True)
        pytest.skip(f"{PG_SKIP}: cannot start a cluster: {exc} {detail}")
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server):
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    from support import pg

    url = pg.create_database(pg_server)
    yield url
    from simulator.workshop import store

    for key in [k for k in store._STORES if k == url]:  # noqa: SLF001 - release its pool
        store._STORES.pop(key).close()  # noqa: SLF001
    pg.drop_database(pg_server, url)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A fresh, empty workshop store URL, once on SQLite (a file) and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def workshop_db(home, store_url, monkeypatch):
    """`home`, with the default workshop store ($DEALCRAFT_DB) on each backend in turn."""
    monkeypatch.setenv("DEALCRAFT_DB", store_url)
    return store_url
