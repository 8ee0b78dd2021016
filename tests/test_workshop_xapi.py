"""Learning records: the workshop's results as xAPI statements, checked against the xAPI
spec by Ralph's models and posted to a real Ralph LRS started here, then read back.

Ralph lives in its own virtual environment ($DEALCRAFT_LRS_VENV, default
~/.cache/dealcraft/lrs-venv; .ci/run installs `ralph-malph` there); without it the
tests that need it skip and say why."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from base64 import b64encode
from pathlib import Path

import pytest
from support.keys import key_file
from support.workshop import CURVEBALL, module_home, new_class, plans, play, steps

from simulator.cli import main
from simulator.workshop import session as ws
from simulator.workshop import xapi

LRS_VENV = Path(
    os.environ.get("DEALCRAFT_LRS_VENV")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dealcraft/lrs-venv"
)
RALPH = LRS_VENV / "bin" / "ralph"
RALPH_PY = LRS_VENV / "bin" / "python"
NO_RALPH = f"Ralph LRS is not installed in {LRS_VENV} (pip install ralph-malph in that venv)"
USER, PASSWORD = "trainer", "lrs-test-password"


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    with module_home(tmp_path_factory):
        info, key, fac = new_class("Records class")
        fac.inject(CURVEBALL, week=3)
        for name, decisions in plans([d.id for d in fac.scenario.dimensions]).items():
            play(ws.join(info.code, name), decisions)
        ws.join(info.code, "Script", kind="headless").submit(steps())
        play(ws.join(info.code, "Halfway"), steps()[:40], stop_week=4)
        fac.add_bot()
        yield info, key, fac


def test_statements_follow_the_serious_games_profile(klass):
    info, _, fac = klass
    rows = fac.leaderboard().refresh()
    items = xapi.statements(fac.reload(), fac.scenario, rows, now=1.0e9)
    actors = {s["actor"]["name"] for s in items}
    assert actors == {"Late", "Still", "Restless", "Halfway"}  # human teams only
    assert all(s["actor"]["account"]["name"] == f"{info.code}/{s['actor']['name']}" for s in items)
    verbs = {}
    for s in items:
        verbs.setdefault(s["actor"]["name"], []).append(s["verb"]["display"]["en-US"])
    by_name = {r.name: r for r in rows}
    for name, vs in verbs.items():
        r = by_name[name]
        assert vs[0] == "initialized" and vs.count("progressed") == r.weeks_played
        assert ("completed" in vs) == r.over
    done = [s for s in items if s["verb"]["id"] == xapi.VERBS["completed"]]
    for s in done:
        r = by_name[s["actor"]["name"]]
        assert s["result"]["success"] == (r.result == "win") and s["result"]["completion"]
        assert 0 <= s["result"]["score"]["scaled"] <= 1
        assert s["result"]["score"]["raw"] == round(r.expected_score, 2)
        assert s["object"]["definition"]["type"] == xapi.SERIOUS_GAME
    assert len({s["id"] for s in items}) == len(items)
    again = xapi.statements(fac.reload(), fac.scenario, rows, now=1.0e9)
    assert [s["id"] for s in again] == [s["id"] for s in items]  # exporting twice: same ids
    assert all('"seed"' not in json.dumps(s) for s in items)


def test_export_to_a_file_and_the_lrs_needs_its_credentials(klass, tmp_path, capsys, monkeypatch):
    info, key, _ = klass
    out = tmp_path / "statements.json"
    base = ["workshop", "export", info.code, "--key-file", key_file(key)]
    assert main(base + ["--xapi", str(out)]) == 0
    assert len(json.loads(out.read_text())) > 10
    monkeypatch.delenv(xapi.USER_ENV, raising=False)
    monkeypatch.delenv(xapi.PASSWORD_ENV, raising=False)
    capsys.readouterr()
    assert main(base + ["--lrs", "http://127.0.0.1:9/xAPI"]) == 1
    assert "workshop.lrs" in capsys.readouterr().err
    monkeypatch.setenv(xapi.USER_ENV, USER)
    monkeypatch.setenv(xapi.PASSWORD_ENV, PASSWORD)
    assert main(base + ["--lrs", "http://127.0.0.1:9/xAPI"]) == 1  # nothing listens there
    err = capsys.readouterr().err
    assert "workshop.lrs" in err and PASSWORD not in err
    assert main(base) == 1  # neither --xapi nor --lrs
    assert main(["workshop", "export", info.code, "--xapi", str(out)]) == 1  # no key


@pytest.mark.skipif(not RALPH_PY.exists(), reason=NO_RALPH)
def test_statements_are_valid_xapi_for_ralphs_models(klass, tmp_path):
    info, _, fac = klass
    items = xapi.statements(fac.reload(), fac.scenario, fac.leaderboard().refresh())
    broken = dict(items[-1], result={"score": {"scaled": 1.5}})  # out of the spec's range
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(json.dumps(s) for s in [*items, broken]) + "\n")
    check = (
        "import json, sys\n"
        "from ralph.models.xapi.base.statements import BaseXapiStatement\n"
        "bad = []\n"
        "for n, line in enumerate(open(sys.argv[1])):\n"
        "    try:\n"
        "        BaseXapiStatement(**json.loads(line))\n"
        "    except Exception:\n"
        "        bad.append(n)\n"
        "print(json.dumps(bad))\n"
    )
    run = subprocess.run(
        [str(RALPH_PY), "-c", check, str(path)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout) == [len(items)]  # only the broken one is refused


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lrs(tmp_path):
    """A Ralph LRS on a free loopback port: file-system backend, one user from ralph auth."""
    if not RALPH.exists():
        pytest.skip(NO_RALPH)
    folder = Path(tempfile.mkdtemp(prefix="dealcraft-lrs-"))
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(folder),
        "RALPH_AUTH_FILE": str(folder / "auth.json"),
    }
    made = subprocess.run(
        [str(RALPH), "auth", "-u", USER, "-s", "all", "-M", "mailto:trainer@example.com", "-w"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    port = _free_port()
    (folder / "data").mkdir()
    log = open(folder / "server.log", "w")
    proc = subprocess.Popen(
        [
            str(RALPH),
            "runserver",
            "-b",
            "fs",
            "--fs-default-directory-path",
            str(folder / "data"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        env=env,
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/xAPI"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/__heartbeat__", timeout=1)
                break
            except Exception:  # noqa: BLE001 - not up yet
                if proc.poll() is not None:
                    break
                time.sleep(0.25)
        else:
            pytest.fail("the LRS did not start")
        if proc.poll() is not None:
            log.close()
            pytest.fail("the LRS exited: " + (folder / "server.log").read_text()[-2000:])
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _read_back(url: str) -> list[dict]:
    token = b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    req = urllib.request.Request(
        f"{url}/statements?limit=500",
        headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["statements"]


def test_export_is_accepted_by_a_real_lrs_and_read_back(klass, lrs, monkeypatch, capsys):
    info, key, fac = klass
    monkeypatch.setenv(xapi.USER_ENV, USER)
    monkeypatch.setenv(xapi.PASSWORD_ENV, PASSWORD)
    args = ["workshop", "export", info.code, "--key-file", key_file(key), "--lrs", lrs]
    assert main(args) == 0
    assert "sent to" in capsys.readouterr().out
    expected = xapi.statements(fac.reload(), fac.scenario, fac.leaderboard().refresh())
    stored = _read_back(lrs)
    assert {s["id"] for s in stored} == {s["id"] for s in expected}
    done = [s for s in stored if s["verb"]["id"] == xapi.VERBS["completed"]]
    assert done and all("success" in s["result"] for s in done)
    monkeypatch.setenv(xapi.PASSWORD_ENV, "wrong")
    assert main(args) == 1  # the LRS refuses a wrong password: one line
    err = capsys.readouterr().err
    assert "workshop.lrs" in err and "wrong" not in err.replace("wrong facilitator", "")
