"""The workshop results store: URL, schema versioning, SQLite tuning, append-only logs, and
one located line with a problem code for every kind of store damage. Tests taking
`store_url` run on SQLite and on PostgreSQL (see tests/conftest.py)."""

import os
import random
import sqlite3
import stat
import threading

import pytest
from sqlalchemy import delete, insert, select, update
from support.workshop import bare_session

from engine.problems import InputError
from simulator.cli import main
from simulator.workshop import records
from simulator.workshop import session as ws
from simulator.workshop import store as st


def codes(exc: pytest.ExceptionInfo) -> list[str]:
    return [p.code for p in exc.value.problems]


def test_default_store_lives_in_dealcraft_home(home):
    s = st.Store()
    assert s.url == f"sqlite:///{home / st.DB_FILE}"
    assert (home / st.DB_FILE).exists()
    con = sqlite3.connect(home / st.DB_FILE)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT version FROM schema_version").fetchone()[0] == st.SCHEMA_VERSION
    con.close()


def test_db_url_names_another_store(tmp_path, home):
    url = f"sqlite:///{tmp_path / 'other.db'}"
    s = st.Store(url)
    assert s.url == url and (tmp_path / "other.db").exists()
    assert not (home / st.DB_FILE).exists()


def test_newer_schema_is_refused_with_a_clear_message(store_url):
    s = st.Store(store_url)
    s.write(lambda c: c.execute(update(st.schema_version).values(version=st.SCHEMA_VERSION + 1)))
    s.close()
    with pytest.raises(InputError) as exc:
        st.Store(store_url)
    assert codes(exc) == ["workshop.store-schema"]
    assert str(st.SCHEMA_VERSION + 1) in str(exc.value)


@pytest.mark.parametrize("rows", [[0], [-3], [], [1, 2]])
def test_unknown_or_missing_schema_version_is_one_line(store_url, rows):
    s = st.Store(store_url)

    def damage(conn):
        conn.execute(delete(st.schema_version))
        for i, v in enumerate(rows):
            conn.execute(insert(st.schema_version).values(id=i + 1, version=v))

    s.write(damage)
    s.close()
    with pytest.raises(InputError) as exc:
        st.Store(store_url)
    assert codes(exc) == ["workshop.store-schema"]
    assert len(str(exc.value).splitlines()) == 1


def test_non_numeric_schema_version_in_sqlite_is_one_line(tmp_path):
    path = tmp_path / "w.db"
    st.Store(f"sqlite:///{path}").close()
    con = sqlite3.connect(path)
    con.execute("UPDATE schema_version SET version = 'two'")
    con.commit()
    con.close()
    with pytest.raises(InputError) as exc:
        st.Store(f"sqlite:///{path}")
    assert codes(exc) == ["workshop.store-schema"]


def test_reopening_keeps_data_and_version(store_url):
    url = store_url
    s = st.Store(url)
    sid = bare_session(s)
    s.close()
    again = st.Store(url)
    assert again.session("QWE234")["id"] == sid
    assert again.read(lambda c: c.execute(select(st.schema_version.c.version)).scalar()) == (
        st.SCHEMA_VERSION
    )


@pytest.mark.parametrize(
    "url, words",
    [
        ("not a url", "not a database URL"),
        ("nosuchdb://x/y", "no database driver"),
        ("sqlite:////no/such/folder/w.db", "no folder"),
    ],
)
def test_bad_urls_are_input_errors(url, words):
    with pytest.raises(InputError) as exc:
        st.Store(url)
    assert words in str(exc.value)


def test_a_missing_folder_for_a_sqlite_url_has_its_code():
    with pytest.raises(InputError) as exc:
        st.Store("sqlite:////no/such/folder/w.db")
    assert codes(exc) == ["workshop.store-folder"]


def test_unreachable_postgresql_is_one_line_without_the_password():
    with pytest.raises(InputError) as exc:
        st.Store("postgresql://me:hunter2@127.0.0.1:1/nowhere?connect_timeout=2")
    assert codes(exc) == ["workshop.store"]
    assert "hunter2" not in str(exc.value) and len(str(exc.value).splitlines()) == 1


def test_wrong_postgresql_password_is_one_line(pg_url):
    from sqlalchemy.engine import make_url

    wrong = make_url(pg_url).set(password="not-the-password")
    with pytest.raises(InputError) as exc:
        st.Store(wrong.render_as_string(hide_password=False))
    assert codes(exc) == ["workshop.store"] and "not-the-password" not in str(exc.value)


def test_postgresql_url_means_psycopg_3(pg_url):
    s = st.Store(pg_url)
    assert s.engine.dialect.driver == "psycopg" and s.dialect.name == "postgresql"
    assert s.url == pg_url  # as given; `where` hides the password
    assert make_password_free(s.where)


def make_password_free(where: str) -> bool:
    return "***" in where or "@" not in where


def test_password_is_hidden_in_messages():
    assert "secret" not in st.safe_url("postgresql://me:secret@db/x")


def test_append_is_optimistic_and_ordered(store_url):
    s = st.Store(store_url)
    sid = bare_session(s)
    team = s.add_team(sid, "Alpha", "alpha", "player")
    assert s.add_team(sid, "ALPHA", "alpha", "player")["id"] == team["id"]  # same team
    n = s.append(team["id"], 0, [("end_week", '{"do":"end_week"}')] * 3)
    assert n == 3
    with pytest.raises(st.LogConflict):
        s.append(team["id"], 1, [("end_week", '{"do":"end_week"}')])
    assert s.append(team["id"], 3, []) == 3
    assert s.log(team["id"], 1) == ['{"do":"end_week"}'] * 2
    assert s.check_log(team["id"]) == (3, 3)
    counts = s.team_counts(sid)
    assert [(c.name, c.n_decisions) for c in counts] == [("Alpha", 3)]
    assert s.logs({team["id"]: 2}) == {team["id"]: ['{"do":"end_week"}']}


def test_in_memory_store_works_for_scripts():
    s = st.Store("sqlite://")
    sid = bare_session(s)
    assert s.session("QWE234")["id"] == sid


def test_locked_database_is_retried_then_reported(tmp_path, monkeypatch):
    from sqlalchemy.exc import OperationalError

    s = st.Store(f"sqlite:///{tmp_path / 'w.db'}")
    calls = []

    def flaky(conn):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("BEGIN", {}, Exception("database is locked"))
        return "done"

    assert s.write(flaky) == "done" and len(calls) == 3
    monkeypatch.setattr(st, "LOCK_WAIT_S", 0.05)

    def locked(conn):
        raise OperationalError("BEGIN", {}, Exception("database is locked"))

    with pytest.raises(InputError, match="cannot write to the workshop store"):
        s.write(locked)

    def broken(conn):
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))

    with pytest.raises(InputError, match="disk I/O error"):
        s.read(broken)


def test_custom_shifts_are_stored_in_order_with_their_weights(store_url):
    s = st.Store(store_url)
    sid = bare_session(s)
    first = s.add_shift(sid, "coo", {"cost": 80, "risk": 20}, 2)
    second = s.add_shift(sid, "coo", {"speed": 1.5}, 4)  # the same stakeholder again is fine
    assert first < second
    rows = s.shifts(sid)
    assert [(r["stakeholder"], r["weights"], r["after_week"]) for r in rows] == [
        ("coo", {"cost": 80.0, "risk": 20.0}, 2),
        ("coo", {"speed": 1.5}, 4),
    ]
    s.add_curveball(sid, "peak", 3)
    events, shifts = s.all_curveballs(sid)
    assert [e["event"] for e in events] == ["peak"] and shifts == rows
    assert s.shifts(sid + 1) == []


def _version_1_store(url: str) -> None:
    """A store exactly as Dealcraft with schema version 1 wrote it (no `shifts` table)."""
    from sqlalchemy import create_engine, insert

    engine = create_engine(url)
    with engine.begin() as conn:
        st.metadata.create_all(
            conn, tables=[t for t in st.metadata.sorted_tables if t.name != "shifts"]
        )
        conn.execute(insert(st.schema_version).values(id=1, version=1))
    engine.dispose()


def test_a_version_1_store_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    _version_1_store(url)
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO sessions (code, name, scenario_ref, scenario_id, content_hash, "
        "scenario_yaml, seed, key_salt, key_hash, paused, revealed, created_at) "
        "VALUES ('OLD234', 'old', 'x', 'x', 'h', '', 1, 's', 'k', 0, 0, 0)"
    )
    con.execute(
        "INSERT INTO curveballs (session_id, event, after_week, created_at) "
        "VALUES (1, 'peak', 2, 0)"
    )
    con.commit()
    assert {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")} >= {
        "sessions",
        "curveballs",
    }
    con.close()

    s = st.Store(url)  # opening migrates: version 2, the shifts table, the old data kept
    con = sqlite3.connect(path)
    assert con.execute("SELECT version FROM schema_version").fetchone()[0] == st.SCHEMA_VERSION
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "shifts" in tables
    con.close()
    sid = s.session("OLD234")["id"]
    assert [c["event"] for c in s.curveballs(sid)] == ["peak"] and s.shifts(sid) == []
    s.add_shift(sid, "coo", {"cost": 1}, 2)
    assert len(s.shifts(sid)) == 1
    assert s.write(st.migrate) == st.SCHEMA_VERSION  # a second opener finds nothing to do
    s.close()
    assert st.Store(url).shifts(sid)[0]["stakeholder"] == "coo"


def test_a_version_1_postgresql_store_is_migrated_in_place(pg_url):
    _version_1_store(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    s = st.Store(pg_url)
    assert (
        s.read(lambda c: c.execute(select(st.schema_version.c.version)).scalar())
        == st.SCHEMA_VERSION
    )
    sid = bare_session(s)
    s.add_shift(sid, "coo", {"cost": 1}, 2)
    assert len(s.shifts(sid)) == 1


def test_many_processes_opening_a_new_store_create_its_schema_once(store_url):
    """Threads stand in for processes: each opens its own Store (its own connections)."""
    barrier, errors, stores = threading.Barrier(8), [], []

    def open_it():
        barrier.wait()
        try:
            stores.append(st.Store(store_url))
        except Exception as exc:  # noqa: BLE001 - the test reports whatever went wrong
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(stores) == 8
    assert stores[0].read(lambda c: c.execute(select(st.schema_version.c.version)).all()) == [
        (st.SCHEMA_VERSION,)
    ]
    for s in stores:
        s.close()


# ---- store damage: one located line with a problem code, never a traceback -----------------


def _cli(capsys, *argv) -> tuple[int, list[str]]:
    rc = main(list(argv))
    return rc, capsys.readouterr().err.splitlines()


def _one_line(capsys, code: str, *argv) -> str:
    rc, err = _cli(capsys, *argv)
    assert rc == 1 and len(err) == 1, err
    assert f"[{code}]" in err[0]
    return err[0]


def test_data_folder_that_cannot_be_created_is_one_line(tmp_path, monkeypatch, capsys):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path / "a-file" / "dealcraft"))
    monkeypatch.delenv("DEALCRAFT_DB", raising=False)
    line = _one_line(capsys, "workshop.store-folder", "workshop", "create", "northwind-new-logo")
    assert line.startswith(str(tmp_path / "a-file" / "dealcraft"))
    with pytest.raises(InputError) as exc:
        st.open_store()
    assert codes(exc) == ["workshop.store-folder"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_data_folder_without_permission_is_one_line(tmp_path, monkeypatch, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("DEALCRAFT_HOME", str(locked / "dealcraft"))
    _one_line(capsys, "workshop.store-folder", "workshop", "create", "northwind-new-logo")


def _workshop_with_a_long_log(home) -> tuple[str, str]:
    """A session whose one team has enough decisions to fill many pages; (code, key)."""
    info, key = ws.create_session("northwind-new-logo", seed=3)
    team = ws.join(info.code, "Alpha")
    s = st.open_store()
    s.append(team.team_id, 0, [("focus", '{"do":"focus","weights":{"cost":1}}')] * 3000)
    s.close()
    st._STORES.clear()  # noqa: SLF001 - the next command opens the damaged file afresh
    records._SCENARIOS.clear()  # noqa: SLF001
    return info.code, key


def test_junk_in_the_middle_pages_is_one_line(home, capsys):
    code, key = _workshop_with_a_long_log(home)
    path = home / st.DB_FILE
    con = sqlite3.connect(path)  # fold the WAL into the file, so the junk lands in its pages
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    n = len(data) // page
    assert n > 20
    rng = random.Random(7)
    for p in range(2, n - 2):  # every page but the header page and the last two
        data[p * page : (p + 1) * page] = rng.randbytes(page)
    path.write_bytes(bytes(data))
    for argv in (
        ["workshop", "status", code],
        ["workshop", "report", code, "--out", str(home / "r.html")],
        ["play", "--join", code, "--team", "Alpha"],
    ):
        env_key = {"DEALCRAFT_KEY": key}
        os.environ.update(env_key)
        try:
            _one_line(capsys, "workshop.store-damaged", *argv)
        finally:
            os.environ.pop("DEALCRAFT_KEY")
        st._STORES.clear()  # noqa: SLF001


def test_a_file_that_is_not_a_database_is_one_line(home, capsys):
    (home / st.DB_FILE).write_bytes(random.Random(1).randbytes(8192))
    _one_line(capsys, "workshop.store-damaged", "workshop", "create", "northwind-new-logo")


def test_schema_version_0_is_one_line(home, capsys):
    code, _ = _workshop_with_a_long_log(home)
    con = sqlite3.connect(home / st.DB_FILE)
    con.execute("UPDATE schema_version SET version = 0")
    con.commit()
    con.close()
    _one_line(capsys, "workshop.store-schema", "workshop", "status", code)


@pytest.mark.parametrize("seed", ["abc", "3.5", -1, 2.5, None])
def test_a_seed_that_cannot_be_right_is_one_line(home, capsys, seed):
    code, _ = _workshop_with_a_long_log(home)
    con = sqlite3.connect(home / st.DB_FILE)
    con.execute("PRAGMA ignore_check_constraints = ON")
    if seed is None:  # the column is NOT NULL: rebuild the row without the constraint
        con.execute("PRAGMA writable_schema = ON")
        con.execute(
            "UPDATE sqlite_master SET sql = replace(sql, 'seed BIGINT NOT NULL', 'seed BIGINT') "
            "WHERE name = 'sessions'"
        )
        con.commit()
        con.close()
        con = sqlite3.connect(home / st.DB_FILE)
    con.execute("UPDATE sessions SET seed = ?", (seed,))
    con.commit()
    con.close()
    line = _one_line(capsys, "workshop.store-value", "workshop", "status", code)
    assert "seed" in line
    rc, err = _cli(capsys, "play", "--join", code, "--team", "Beta")
    assert rc == 1 and len(err) == 1 and "[workshop.store-value]" in err[0]


def test_hold_week_that_is_not_a_week_is_one_line(home, capsys):
    code, _ = _workshop_with_a_long_log(home)
    con = sqlite3.connect(home / st.DB_FILE)
    con.execute("UPDATE sessions SET hold_week = 'soon'")
    con.commit()
    con.close()
    _one_line(capsys, "workshop.store-value", "workshop", "status", code)


# ---- file modes -----------------------------------------------------------------------------


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_default_store_is_0600_in_a_0700_folder(tmp_path, monkeypatch):
    home = tmp_path / "new" / "dealcraft"
    monkeypatch.setenv("DEALCRAFT_HOME", str(home))
    monkeypatch.delenv("DEALCRAFT_DB", raising=False)
    s = st.Store()
    bare_session(s)
    assert _mode(home) == 0o700
    files = [p for p in home.iterdir() if p.name.startswith(st.DB_FILE)]
    assert {p.name for p in files} >= {st.DB_FILE, f"{st.DB_FILE}-wal", f"{st.DB_FILE}-shm"}
    assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    s.close()


def test_an_older_looser_default_store_is_tightened(tmp_path, monkeypatch):
    """The user data folder and the store file are Dealcraft's own: tightened. A
    $DEALCRAFT_HOME that already exists may be the user's folder: left alone."""
    monkeypatch.delenv("DEALCRAFT_DB", raising=False)
    monkeypatch.delenv("DEALCRAFT_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # platformdirs on Linux
    for home, folder_mode in ((st.data_dir(), 0o700), (tmp_path / "mine", 0o755)):
        home.mkdir(parents=True, mode=0o755)
        home.chmod(0o755)
        db = home / st.DB_FILE
        st.Store(f"sqlite:///{db}").close()
        db.chmod(0o644)
        if home.name == "mine":
            monkeypatch.setenv("DEALCRAFT_HOME", str(home))
        st.Store().close()
        assert (_mode(home), _mode(db)) == (folder_mode, 0o600)


def test_a_new_store_named_by_url_is_0600(tmp_path):
    db = tmp_path / "class.db"
    st.Store(f"sqlite:///{db}").close()
    assert _mode(db) == 0o600


def test_dealcraft_db_names_the_default_store(store_url, home, monkeypatch):
    monkeypatch.setenv("DEALCRAFT_DB", store_url)
    info, _ = ws.create_session("northwind-new-logo", seed=4)
    assert st.open_store().url == store_url
    assert st.Store(store_url).session(info.code)["seed"] == 4
    assert not (home / st.DB_FILE).exists()


def test_a_full_connection_table_is_waited_out(pg_server, pg_url):
    """PostgreSQL's "too many connections" (here: a role allowed one) is retried until a
    connection frees, not reported at once."""
    import secrets
    import time

    import psycopg
    from sqlalchemy.engine import make_url

    role, password = f"dealcraft_one_{secrets.token_hex(4)}", secrets.token_hex(8)
    with psycopg.connect(pg_server, autocommit=True) as admin:
        try:
            admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}' CONNECTION LIMIT 1")
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("the test server's admin may not create roles")
        admin.execute(f'GRANT ALL ON DATABASE "{make_url(pg_url).database}" TO {role}')
    url = make_url(pg_url).set(username=role, password=password)
    url = url.render_as_string(hide_password=False)
    try:
        st.Store(pg_url).close()  # the schema, made by the owner
        with psycopg.connect(pg_url, autocommit=True) as owner:
            owner.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
            owner.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
        holder = psycopg.connect(url)
        threading.Timer(0.5, holder.close).start()
        start = time.monotonic()
        s = st.Store(url)  # waits for the holder to let go
        assert time.monotonic() - start >= 0.4
        assert s.session("NOPE22") is None
        s.close()
    finally:
        with psycopg.connect(pg_server, autocommit=True) as admin:
            admin.execute(f'REVOKE ALL ON DATABASE "{make_url(pg_url).database}" FROM {role}')
            with psycopg.connect(pg_url, autocommit=True) as owner:
                owner.execute(f"DROP OWNED BY {role}")
            admin.execute(f"DROP ROLE IF EXISTS {role}")
