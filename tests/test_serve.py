"""Browser seats (`dealcraft serve`, and inside `dealcraft workshop serve`): loopback by
default, the websocket refuses a foreign Origin, game processes are capped and the next
visitor is told, and a workshop seat needs its code, team and passcode."""

import asyncio
import re
import socket
import sys

import aiohttp
import pytest
from support.server import Running, workshop_app

from engine.problems import InputError
from simulator import serve
from simulator.cli import build_parser, main
from simulator.workshop import seats
from simulator.workshop import session as ws

# stands in for the game: lives until the server sends it anything (the quit message)
FAKE_GAME = f"{sys.executable} -c 'import sys; sys.stdin.buffer.read(1)'"


def test_serve_binds_to_loopback_by_default(monkeypatch, capsys):
    ran = []
    monkeypatch.setattr(serve, "run", lambda app, host, port, lines: ran.append((host, port)))
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000 and args.max_games == 40
    assert main(["serve"]) == 0 and ran[-1] == ("127.0.0.1", 8000)
    assert "loopback only" in serve.banner("127.0.0.1", 8000)
    assert "anyone who can reach" in serve.banner("0.0.0.0", 8123)
    assert serve.app_command().endswith("dealcraft") or "simulator.cli" in serve.app_command()


def test_bad_port_and_busy_port(capsys):
    assert main(["serve", "--port", "70000"]) == 1
    assert "serve.port" in capsys.readouterr().err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(InputError) as exc:
            serve.cmd_serve(build_parser().parse_args(["serve", "--port", str(port)]))
    assert exc.value.codes == ["serve.bind"]


def test_same_origin_rule():
    assert serve.same_origin("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert not serve.same_origin("http://evil.example", "127.0.0.1:8000")
    assert not serve.same_origin(None, "127.0.0.1:8000")
    assert not serve.same_origin("null", "127.0.0.1:8000")
    assert serve.same_origin("https://class.example", "10.0.0.5:8700", "https://class.example")


def _solo_app(max_games: int):
    from aiohttp import web

    app = web.Application()
    seats_ = serve.BrowserSeats(max_games=max_games, command=FAKE_GAME)
    seats_.install(app)
    return app


async def _ws(url: str, origin: str | None, query: str = ""):
    session = aiohttp.ClientSession()
    headers = {"Origin": origin} if origin else {}
    try:
        ws_ = await session.ws_connect(f"{url.replace('http', 'ws')}/ws{query}", headers=headers)
    except aiohttp.WSServerHandshakeError as exc:
        await session.close()
        return exc.status, None, None
    return 101, ws_, session


def test_a_foreign_origin_is_refused_and_starts_no_game():
    with Running(lambda url: _solo_app(5)) as url:

        async def go():
            statuses = []
            for origin in ("http://evil.example", None, "null"):
                status, _, _ = await _ws(url, origin)
                statuses.append(status)
            status, sock, session = await _ws(url, url)
            await sock.close()
            await session.close()
            return statuses, status

        refused, ok = asyncio.run(go())
        assert refused == [403, 403, 403] and ok == 101


def test_game_processes_are_capped_and_the_next_visitor_is_told():
    with Running(lambda url: _solo_app(2)) as url:

        async def go():
            first = [await _ws(url, url) for _ in range(2)]
            third, _, _ = await _ws(url, url)
            async with aiohttp.ClientSession() as s, s.get(url + "/") as page:
                told = page.status, await page.text()
            for _, sock, session in first:
                await sock.close()
                await session.close()
            for _ in range(100):  # the seats free up as the processes end
                status, sock, session = await _ws(url, url)
                if status == 101:
                    await sock.close()
                    await session.close()
                    return [s for s, _, _ in first], third, told, status
                await asyncio.sleep(0.1)
            return [s for s, _, _ in first], third, told, status

        first, third, (page_status, text), later = asyncio.run(go())
    assert first == [101, 101] and third == 503
    assert page_status == 503 and "All 2 browser seats are in use" in text
    assert later == 101


def test_a_workshop_seat_in_the_browser_needs_code_team_and_passcode(home, monkeypatch, tmp_path):
    info, _ = ws.create_session("northwind-new-logo", seed=2)
    with Running(workshop_app(max_games=3, command=FAKE_GAME)) as url:
        monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path / "terminal-player"))
        name = "Blue <script>x</script>"
        blue = seats.join(info.code, name, server=url, announce=False)

        async def go():
            async with aiohttp.ClientSession() as s:
                async with s.get(url + "/") as r:
                    form = await r.text()
                data = {"code": info.code, "team": name, "passcode": ""}
                async with s.post(url + "/seat", data=data, allow_redirects=False) as r:
                    refused = r.status, await r.text()
                data["passcode"] = blue.passcode
                async with s.post(url + "/seat", data=data, allow_redirects=False) as r:
                    taken = r.status, r.headers.get("Location", "")
                data = {"code": info.code, "team": "Green", "passcode": ""}
                async with s.post(url + "/seat", data=data, allow_redirects=False) as r:
                    new = r.status, await r.text()
            return form, refused, taken, new

        form, refused, taken, new = asyncio.run(go())
        assert "Join code" in form and "passcode" in form
        assert refused[0] == 403 and "<script>" not in refused[1] and "&lt;script&gt;" in refused[1]
        assert taken[0] == 303 and taken[1].startswith("/game?ticket=")
        assert new[0] == 200 and "game?ticket=" in new[1]  # shown once, then Play
        assert re.search(r'class="passcode">[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}<', new[1])


def test_a_seat_process_gets_the_passcode_in_its_environment_not_its_arguments():
    bs = serve.BrowserSeats(workshop="http://127.0.0.1:8700", command="dealcraft")
    bs.tickets["t"] = ("ABCDEF", "Blue team", "ABCD-EFGH-JKLM", float("inf"))
    cmd, env = bs.game_command("t")
    assert "ABCD-EFGH-JKLM" not in cmd and env == {serve.PASSCODE_ENV: "ABCD-EFGH-JKLM"}
    assert "--team 'Blue team'" in cmd and "--server http://127.0.0.1:8700" in cmd
    assert bs.game_command("nope") is None
    service = serve._GameService(
        cmd, extra_env=env, write_bytes=None, write_str=None, close=None, download_manager=None
    )
    import os

    os.environ["DEALCRAFT_FACILITATOR_KEY"] = "secret"
    try:
        built = service._build_environment()
    finally:
        del os.environ["DEALCRAFT_FACILITATOR_KEY"]
    assert "DEALCRAFT_FACILITATOR_KEY" not in built and built[serve.PASSCODE_ENV]
