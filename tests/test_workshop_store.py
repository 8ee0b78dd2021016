"""The workshop results store: URL, schema versioning, SQLite tuning, append-only logs."""

import sqlite3

import pytest
from sqlalchemy import select, update

from engine.problems import InputError
from simulator.workshop import store as st


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


def test_newer_schema_is_refused_with_a_clear_message(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    s = st.Store(url)
    s.write(lambda c: c.execute(update(st.schema_version).values(version=st.SCHEMA_VERSION + 1)))
    s.close()
    with pytest.raises(InputError) as exc:
        st.Store(url)
    msg = str(exc.value)
    assert "newer than this Dealcraft understands" in msg and "upgrade" in msg


def _session(s):
    return s.add_session(
        code="QWE234",
        name="n",
        scenario_ref="x",
        scenario_id="x",
        content_hash="h",
        scenario_yaml="",
        seed=1,
        key_salt="s",
        key_hash="k",
        hold_week=None,
        paused=False,
        revealed=False,
    )


def test_reopening_keeps_data_and_version(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    s = st.Store(url)
    sid = _session(s)
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


def test_password_is_hidden_in_messages():
    assert "secret" not in st.safe_url("postgresql://me:secret@db/x")


def test_append_is_optimistic_and_ordered(tmp_path):
    s = st.Store(f"sqlite:///{tmp_path / 'w.db'}")
    sid = _session(s)
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
    sid = _session(s)
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


def test_custom_shifts_are_stored_in_order_with_their_weights(tmp_path):
    s = st.Store(f"sqlite:///{tmp_path / 'w.db'}")
    sid = _session(s)
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
