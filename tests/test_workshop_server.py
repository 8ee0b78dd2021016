"""The workshop server as the only writer: seats and passcodes, the engine's refusals,
pacing, the facilitator's authority, and each security finding of issue 12."""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from support.server import Running, free_port, workshop_app
from support.workshop import PLAN, ROOT, SEED, steps
from support.workshop import call as raw

from engine.decisions import Assign, EndWeek, Inject, Start
from engine.plan import parse_plan, play_plan
from engine.problems import InputError
from engine.state import new_game
from scoring.scorecard import score
from simulator.workshop import seats
from simulator.workshop import session as ws
from simulator.workshop.client import Remote, RemoteFacilitator


@pytest.fixture
def class_(served_class):
    info, key, _, url = served_class
    return info, key, url


def another_computer(monkeypatch, tmp_path, name: str) -> Path:
    """A player on another computer: their own data folder (no kept passcodes)."""
    folder = tmp_path / name
    monkeypatch.setenv("DEALCRAFT_HOME", str(folder))
    return folder


def team_headers(name: str, passcode: str) -> dict:
    return {"X-Dealcraft-Team": name, "Authorization": f"Bearer {passcode}"}


def test_a_game_through_the_server_is_the_stored_game_bit_for_bit(class_):
    info, key, url = class_
    seat = seats.join(info.code, "Blue", server=url, announce=False)
    assert seat.passcode and seat.seed == -1  # sealed: the seed stays on the server
    state = seat.resume()
    for d in steps():
        if state.is_over():
            break
        state = seat.step(state, d)
    store = ws.facilitate(info.code, key).store
    stored = store.log(store.team(info.id, "blue")["id"])
    assert stored == [ws.encode(d)[1] for d in state.history]
    local = play_plan(new_game(state.scenario, SEED).scenario, parse_plan(PLAN), SEED)
    a, b = score(state.trace()).game(0), score(local.trace()).game(0)
    assert a["score"] == b["score"] and a["expected_score"] == b["expected_score"]


def test_the_engine_refuses_illegal_and_forged_decisions_with_its_reason(class_):
    info, _, url = class_
    seat = seats.join(info.code, "Blue", server=url, announce=False)
    h = team_headers("Blue", seat.passcode)
    path = f"/api/v1/sessions/{info.code}/team/step"
    status, body = raw(url, "POST", path, {"n": 0, "decision": {"do": "assign", "member": "x"}}, h)
    assert status == 422 and body["refused"]["code"] == "plan.decision"
    bad = Assign("nobody", "champion").to_dict()
    status, body = raw(url, "POST", path, {"n": 0, "decision": bad}, h)
    assert status == 422 and body["refused"]["code"] == "plan.illegal"
    assert "nobody" in body["refused"]["message"]  # the engine's own reason
    forged = Inject("peak_brought_forward").to_dict()  # a team may not inject curveballs
    status, body = raw(url, "POST", path, {"n": 0, "decision": forged}, h)
    assert status == 422 and body["refused"]["code"] == "plan.illegal"
    status, body = raw(url, "POST", path, {"n": 5, "decision": Start().to_dict()}, h)
    assert status == 400 and body["problems"][0]["code"] == "workshop.session"  # out of step
    assert seat.log() == []  # nothing was stored


def test_seat_takeover_without_the_passcode_is_refused(class_, monkeypatch, tmp_path):
    info, _, url = class_
    another_computer(monkeypatch, tmp_path, "blue-laptop")
    blue = seats.join(info.code, "Blue", server=url, announce=False)
    state = blue.step(blue.resume(), steps()[0])
    again = seats.join(info.code, "Blue", server=url, announce=False)  # kept on this laptop
    assert again.passcode is None and len(again.resume().history) == len(state.history)

    another_computer(monkeypatch, tmp_path, "trainee")  # knows the name from the board
    for passcode in (None, "WRONG-PASS-CODE"):
        with pytest.raises(InputError) as exc:
            seats.join(info.code, " blue ", server=url, passcode=passcode, announce=False)
        assert exc.value.codes == ["workshop.seat"]
    status, body = raw(
        url,
        "POST",
        f"/api/v1/sessions/{info.code}/team/step",
        {"n": 1, "decision": EndWeek().to_dict()},
        team_headers("Blue", ""),
    )
    assert status == 403 and body["problems"][0]["code"] == "workshop.seat"
    mate = seats.join(info.code, "Blue", server=url, passcode=blue.passcode, announce=False)
    assert len(mate.resume().history) == len(state.history)  # a teammate with the passcode


def test_a_player_reads_only_their_own_teams_log_until_the_reveal(class_):
    info, key, url = class_
    blue = seats.join(info.code, "Blue", server=url, announce=False)
    blue.step(blue.resume(), steps()[0])
    red = seats.join(info.code, "Red", server=url, announce=False)
    path = f"/api/v1/sessions/{info.code}/team/log"
    status, body = raw(url, "GET", path, headers=team_headers("Blue", red.passcode))
    assert status == 403 and body["problems"][0]["code"] == "workshop.seat"
    status, body = raw(
        url,
        "GET",
        f"/api/v1/sessions/{info.code}/team/results",
        headers=team_headers("Red", red.passcode),
    )
    assert status == 400 and body["problems"][0]["code"] == "workshop.session"
    status, body = raw(url, "GET", f"/api/v1/sessions/{info.code}/leaderboard")
    assert status == 200 and all("response_lag" not in t for t in body["teams"])
    RemoteFacilitator(url, info.code, key).act("reveal")
    assert {t["team"] for t in red.class_results()} == {"Blue", "Red"}
    with pytest.raises(ws.Held):  # read-only after the reveal
        blue.step(blue.resume(), steps()[1])


def test_pacing_is_enforced_by_the_server(class_):
    info, key, url = class_
    fac = RemoteFacilitator(url, info.code, key)
    seat = seats.join(info.code, "Blue", server=url, announce=False)
    fac.act("hold", week=0)
    state = seat.resume()
    with pytest.raises(ws.Held):
        seat.step(state, Start())
    fac.act("release")
    fac.act("pause")
    with pytest.raises(ws.Held):
        seat.step(state, steps()[0])
    h = team_headers("Blue", seat.passcode)
    status, body = raw(
        url,
        "POST",
        f"/api/v1/sessions/{info.code}/team/step",
        {"n": 0, "decision": steps()[0].to_dict()},
        h,
    )
    assert status == 409 and body["refused"] == {
        "code": "workshop.held",
        "message": body["refused"]["message"],
        "held": True,
    }
    fac.act("resume")
    assert len(seat.step(state, steps()[0]).history) == 1


def test_forged_facilitator_actions_are_refused(class_):
    """Refused with workshop.key, and past the guessing limit (limits.py) with
    workshop.rate unchecked; the facilitator's own key keeps working from their address."""
    from simulator.workshop.limits import PER_TARGET

    info, key, url = class_
    blue = seats.join(info.code, "Blue", server=url, announce=False)
    assert RemoteFacilitator(url, info.code, key).board()["session"]["code"] == info.code
    seen = []
    for auth in (
        {},
        {"Authorization": f"Facilitator {blue.passcode}"},
        {"Authorization": f"Bearer {key}"},
        {"Authorization": "Facilitator " + "x" * 24},
    ):
        for action, body in (("hold", {"week": 0}), ("reveal", {}), ("add-bot", {})):
            status, answer = raw(
                url, "POST", f"/api/v1/sessions/{info.code}/facilitator/{action}", body, auth
            )
            seen.append((status, answer["problems"][0]["code"]))
        status, answer = raw(url, "GET", f"/api/v1/sessions/{info.code}/board", headers=auth)
        seen.append((status, answer["problems"][0]["code"]))
    assert seen[:PER_TARGET] == [(403, "workshop.key")] * PER_TARGET
    assert set(seen[PER_TARGET:]) == {(429, "workshop.rate")}
    assert not ws.facilitate(info.code, key).reload().revealed
    assert RemoteFacilitator(url, info.code, key).board()["session"]["code"] == info.code


@pytest.mark.parametrize("week", [0, 1])
def test_headless_run_while_held_at_week_0_or_1_prints_a_scorecard(class_, week):
    info, key, url = class_
    RemoteFacilitator(url, info.code, key).act("hold", week=week)
    cmd = [
        sys.executable,
        "-m",
        "simulator.cli",
        "run",
        "northwind-new-logo",
        "--plan",
        str(PLAN),
        "--join",
        info.code,
        "--team",
        "Script",
        "--server",
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=_env())
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and f"week {week}" in done.stderr


def _env(**extra) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **extra)
    for name in ("DEALCRAFT_FACILITATOR_KEY", "DEALCRAFT_KEY"):
        env.pop(name, None)
    return env


def _args_of_all_processes() -> str:
    return subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout


def _board_in_a_terminal(argv: list[str], key: str) -> tuple[str, int]:
    """The live board in a pseudo-terminal of its own: the key typed at its prompt, `ps`
    read once the board has drawn, then q. (what ps showed, the exit code)"""
    import pty
    import select

    primary, secondary = pty.openpty()
    board = subprocess.Popen(
        argv,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=_env(DEALCRAFT_SERVER=""),
        start_new_session=True,
    )
    os.close(secondary)
    shown, seen = b"", ""
    try:

        def wait_for(text: bytes, timeout: float = 90) -> None:
            nonlocal shown
            end = time.monotonic() + timeout
            while text not in shown:
                assert time.monotonic() < end and board.poll() is None, shown[-2000:]
                if select.select([primary], [], [], 0.2)[0]:
                    try:
                        shown += os.read(primary, 65536)
                    except OSError:
                        break

        wait_for(b"Facilitator key")
        os.write(primary, key.encode() + b"\r")
        wait_for(b"Leaderboard")
        seen = _args_of_all_processes()
        os.write(primary, b"q")
        end = time.monotonic() + 60
        while board.poll() is None and time.monotonic() < end:  # drain: it must not block
            if select.select([primary], [], [], 0.2)[0]:
                try:
                    os.read(primary, 65536)
                except OSError:
                    break
        code = board.wait(10)
    finally:
        if board.poll() is None:
            board.kill()
        os.close(primary)
    return seen, code


@pytest.mark.slow
def test_the_key_is_never_on_a_command_line_in_the_documented_workflow(home):
    """create --key-file, serve, facilitator commands reading the key file or the
    environment, the report and the live board through the server (the key typed at its
    prompt): `ps` never shows the key, and no output suggests `--key KEY`."""
    cli = [sys.executable, "-m", "simulator.cli", "workshop"]
    key_file = home / "class.key"
    env = _env()
    made = subprocess.run(
        [*cli, "create", "northwind-new-logo", "--key-file", str(key_file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    key = key_file.read_text().strip()
    assert key not in made.stdout + made.stderr and "--key " not in made.stdout + made.stderr
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    code = ws.create_session  # noqa: F841 - the code is read from the output
    join_code = made.stdout.split("Join code for players:")[1].split()[0]
    port = free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--max-games", "0"],
        env=dict(env, DEALCRAFT_FACILITATOR_KEY=key),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                Remote(url, timeout=1).call("GET", "/health")
                break
            except InputError:
                time.sleep(0.2)
        outputs = []
        for argv, extra in (
            (["hold", join_code, "--week", "2", "--server", url, "--key-file", str(key_file)], {}),
            (["status", join_code, "--server", url], {"DEALCRAFT_FACILITATOR_KEY": key}),
            (["release", join_code, "--key-file", str(key_file)], {}),
            (
                ["report", join_code, "--server", url, "--key-file", str(key_file)]
                + ["--out", str(home / "class.html")],
                {},
            ),
        ):
            p = subprocess.Popen(
                [*cli, *argv],
                env=dict(env, **extra),
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            seen = _args_of_all_processes()
            out, err = p.communicate(timeout=60)
            assert p.returncode == 0, err
            assert key not in seen
            outputs.append(out + err)
        seen, board_exit = _board_in_a_terminal([*cli, "board", join_code, "--server", url], key)
        assert key not in seen and board_exit == 0  # the key typed at the board's prompt
        assert key not in _args_of_all_processes()
        assert all("--key " not in o and key not in o for o in outputs)
        refused = subprocess.run(
            [*cli, "pause", join_code, "--key", key],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert refused.returncode == 1 and "workshop.key" in refused.stderr
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_passcodes_are_kept_0600_in_a_0700_folder(class_, monkeypatch, tmp_path):
    info, _, url = class_
    folder = another_computer(monkeypatch, tmp_path, "laptop")
    seat = seats.join(info.code, "Blue", server=url, announce=False)
    book = seats.book_path()
    assert book.parent == folder
    assert stat.S_IMODE(book.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert seat.passcode in book.read_text()


def test_a_symlink_at_the_old_temp_name_is_left_alone(home, tmp_path):
    """The scenario copy used to go to a fixed name under the temp folder, following a
    planted symlink; now it goes to a fresh mkdtemp folder."""
    from simulator.workshop import records

    moved = tmp_path / "moved.yaml"
    shutil.copy(ROOT / "scenarios" / "northwind_new_logo.yaml", moved)
    info, _ = ws.create_session(str(moved), seed=SEED)
    moved.unlink()  # the scenario file is gone: the session uses its stored copy
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    old = Path(tempfile.gettempdir()) / "dealcraft-scenarios"
    old.mkdir(exist_ok=True)
    link = old / f"{info.scenario_id}-{info.content_hash}.yaml"
    if link.exists() or link.is_symlink():
        link.unlink()
    link.symlink_to(victim)
    try:
        records._SCENARIOS.clear()
        team = ws.join(info.code, "Blue")
        assert team.scenario.content_hash == info.content_hash
        assert victim.read_text() == "precious"
    finally:
        link.unlink()


def test_the_server_binds_loopback_and_says_how_to_reach_it():
    from simulator.workshop.server import reach_lines

    assert "loopback only" in "\n".join(reach_lines("127.0.0.1", 8700))
    wide = "\n".join(reach_lines("0.0.0.0", 8700))
    assert "--server http://" in wide and "anyone who can reach" in wide
    from simulator.cli import build_parser

    args = build_parser().parse_args(["workshop", "serve"])
    assert args.host == "127.0.0.1"


def test_the_store_url_can_come_from_the_environment(home, monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("DEALCRAFT_DB", url)
    from simulator.cli import build_parser

    assert build_parser().parse_args(["workshop", "serve"]).db == url
    assert build_parser().parse_args(["play", "--join", "X", "--team", "T"]).db == url


def _play_through(url: str, code: str, name: str, decisions=None) -> list[str]:
    """A whole game through the server; the decisions the client ended with (as JSON)."""
    seat = seats.join(code, name, server=url, announce=False)
    state = seat.resume()
    for d in decisions or steps():
        if state.is_over():
            break
        state = seat.step(state, d)
    assert state.is_over()
    seat.remote.close()
    return [ws.encode(d)[1] for d in state.history]


def _played_concurrently(urls: list[str], code: str, n: int, decisions=None) -> dict:
    from concurrent.futures import ThreadPoolExecutor

    names = [f"Team {i:02d}" for i in range(n)]
    with ThreadPoolExecutor(max_workers=n) as pool:
        games = pool.map(
            lambda i: _play_through(urls[i % len(urls)], code, names[i], decisions), range(n)
        )
        return dict(zip(names, games, strict=True))


@pytest.fixture
def short(tmp_path):
    """(the short deal's file, the expert bot's whole game in it): full games, few weeks."""
    from support.short_deal import bot_game, short_deal

    path = short_deal(tmp_path)
    return path, bot_game(path, SEED)


@pytest.mark.slow
def test_30_players_at_once_lose_and_duplicate_nothing(home, store_url, short):
    path, decisions = short
    info, key = ws.create_session(str(path), seed=SEED, db=store_url)
    with Running(workshop_app(store_url)) as url:
        games = _played_concurrently([url], info.code, 30, decisions)
    fac = ws.facilitate(info.code, key, store_url)
    for name, game in games.items():
        team = fac.store.team(info.id, name.casefold())
        assert fac.store.log(team["id"]) == game  # none lost, none duplicated, same order
        assert fac.store.check_log(team["id"]) == (len(game), len(game))
    rows = fac.leaderboard().refresh()
    assert len(rows) == 30 and len({r.expected_score for r in rows}) == 1  # one plan, one seed


def test_the_pickers_join_workshop_takes_a_seat_on_the_server(class_, monkeypatch, tmp_path):
    import asyncio

    from simulator.app import DealcraftApp
    from simulator.screens.join import JoinWorkshopModal

    info, _, url = class_
    another_computer(monkeypatch, tmp_path, "picker")
    blue = seats.join(info.code, "Blue", server=url, announce=False)
    another_computer(monkeypatch, tmp_path, "teammate")

    async def go():
        app = DealcraftApp(workshop_server=url)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.press("w")
            await pilot.pause()
            assert isinstance(app.screen, JoinWorkshopModal)
            await pilot.press(*info.code, "enter", *"Blue", "enter", "enter")
            for _ in range(200):  # a refusal reopens the dialog, saying why
                await pilot.pause(0.02)
                if isinstance(app.screen, JoinWorkshopModal) and app.screen.problem:
                    break
            refused = app.screen.problem
            await pilot.press("enter", "enter", *blue.passcode, "enter")
            for _ in range(200):
                await pilot.pause(0.02)
                if app.session is not None:
                    break
            return refused, app.session

    refused, session = asyncio.run(go())
    assert "passcode" in refused
    assert session is not None and session.meta["team"] == "Blue"
    assert session.team.remote.url == url  # the seat writes through the server
