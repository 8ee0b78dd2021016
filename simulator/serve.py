"""`dealcraft serve`: play Dealcraft in a browser tab (textual-serve's terminal in the page).

Each browser tab runs its own `dealcraft` process on this machine. The server
binds to 127.0.0.1 (this machine only) unless --host names another address, and
says which on start. Browser seats guard what a process costs and what a page may
do: the websocket that drives a game is refused unless its Origin is this site
(so another site open in the trainee's browser cannot start or drive games), and
at most `max_games` processes run at once (the next visitor is told so).

With a workshop (`--workshop URL`, or inside `dealcraft workshop serve`) the page
first asks for the join code, team and passcode, checks them with the workshop
server, and then plays that team's seat: the game process is
`dealcraft play --join CODE --team NAME --server URL` with the passcode in its
environment, never on its command line.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import shlex
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TICKET_S = 3600.0  # a checked seat may be (re)opened in a tab for this long
PASSCODE_ENV = "DEALCRAFT_TEAM_PASSCODE"
SECRET_ENV = ("DEALCRAFT_FACILITATOR_KEY", "DEALCRAFT_KEY", "DEALCRAFT_DB")  # not for games


def app_command() -> str:
    """The command each tab runs: `dealcraft`, from this install when it can be found."""
    here = Path(sys.executable).with_name("dealcraft")
    if here.exists():
        return str(here)
    return shutil.which("dealcraft") or f"{sys.executable} -m simulator.cli"


def url_of(host: str, port: int, scheme: str = "http") -> str:
    return f"{scheme}://{host}:{port}" if ":" not in host else f"{scheme}://[{host}]:{port}"


def check_port(port: int) -> None:
    from engine.problems import InputError

    if not 0 < port < 65536:
        raise InputError.at("--port", "serve.port", f"port must be 1-65535, not {port}")


def banner(host: str, port: int) -> str:
    where = url_of(host, port)
    if host in LOOPBACK:
        scope = "loopback only: reachable from this machine (use --host 0.0.0.0 to share)"
    else:
        scope = f"bound to {host}: anyone who can reach this address can start a game"
    return f"Serving Dealcraft at {where} ({scope}). Press Ctrl+C to stop."


def same_origin(origin: str | None, host: str | None, public_url: str | None = None) -> bool:
    """Whether a websocket's Origin header is this site: the Host the browser asked for, or
    the public address a reverse proxy serves it at."""
    if not origin:
        return False
    o = urlsplit(origin)
    if public_url:
        p = urlsplit(public_url)
        if (o.scheme, o.netloc) == (p.scheme, p.netloc):
            return True
    return bool(host) and o.scheme in ("http", "https") and o.netloc == host


class BrowserSeats:
    """The browser pages and the game websocket, installable on any aiohttp application."""

    def __init__(
        self,
        workshop: str | None = None,
        max_games: int = 40,
        public_url: str | None = None,
        title: str = "Dealcraft",
        command: str | None = None,
    ):
        import jinja2
        import textual_serve

        self.workshop = workshop.rstrip("/") if workshop else None
        self.max_games = max_games
        self.public_url = public_url.rstrip("/") if public_url else None
        self.title = title
        self.command = command or app_command()
        self.active = 0
        self.tickets: dict[str, tuple[str, str, str, float]] = {}
        ts = Path(textual_serve.__file__).parent
        self.static = ts / "static"
        self.jinja = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [
                    jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                    jinja2.FileSystemLoader(ts / "templates"),
                ]
            ),
            autoescape=True,  # team names and codes are user text
        )

    # ---- aiohttp wiring ---------------------------------------------------------------------

    def install(self, app) -> None:
        from aiohttp import web

        app.add_routes(
            [
                web.get("/", self.index),
                web.post("/seat", self.seat),
                web.get("/game", self.game),
                web.get("/ws", self.websocket),
                web.static("/static", self.static),
            ]
        )

    def _page(self, name: str, status: int = 200, **context):
        from aiohttp import web

        html = self.jinja.get_template(name).render(title=self.title, **context)
        return web.Response(text=html, status=status, content_type="text/html")

    def _base(self, request) -> str:
        return self.public_url or f"{request.scheme}://{request.host}"

    def _full(self):
        return self._page(
            "seat.html",
            503,
            full=True,
            max_games=self.max_games,
            server=self.workshop or "URL",
        )

    async def index(self, request):
        if self.active >= self.max_games:
            return self._full()
        if self.workshop is None:
            return self._terminal(request, "")
        return self._page("seat.html", seat_url="/seat", code="", team="")

    async def seat(self, request):
        """Check code, team and passcode with the workshop server; then the game page."""
        if self.workshop is None:
            return self._page("seat.html", 404, problem="this server has no workshop")
        form = await request.post()
        code, team = str(form.get("code", "")).strip(), str(form.get("team", "")).strip()
        passcode = str(form.get("passcode", "")).strip()
        if self.active >= self.max_games:
            return self._full()
        try:
            joined = await asyncio.get_running_loop().run_in_executor(
                None, self._join, code, team, passcode
            )
        except Exception as exc:  # noqa: BLE001 - shown to the visitor as one line
            from engine.problems import InputError

            msg = exc.problems[0].message if isinstance(exc, InputError) else str(exc)
            return self._page("seat.html", 403, seat_url="/seat", code=code, team=team, problem=msg)
        given = joined.get("passcode") or passcode
        ticket = secrets.token_urlsafe(24)
        self._prune()
        self.tickets[ticket] = (joined["code"], joined["team"], given, time.monotonic() + TICKET_S)
        game_url = f"/game?ticket={ticket}"
        if joined.get("passcode"):
            return self._page(
                "seat.html",
                code=joined["code"],
                team=joined["team"],
                passcode=joined["passcode"],
                game_url=game_url,
            )
        from aiohttp import web

        raise web.HTTPSeeOther(game_url)

    def _join(self, code: str, team: str, passcode: str) -> dict:
        from simulator.workshop.client import Remote

        body = {"team": team, "kind": "player", "passcode": passcode or None}
        return Remote(self.workshop).call("POST", f"/sessions/{quote(code)}/join", body)

    def _prune(self) -> None:
        now = time.monotonic()
        for t in [t for t, v in self.tickets.items() if v[3] < now]:
            del self.tickets[t]

    async def game(self, request):
        ticket = request.query.get("ticket", "")
        if self.workshop is not None and ticket not in self.tickets:
            return self._page(
                "seat.html",
                403,
                seat_url="/seat",
                code="",
                team="",
                problem="that seat has expired; take it again",
            )
        if self.active >= self.max_games:
            return self._full()
        return self._terminal(request, ticket)

    def _terminal(self, request, ticket: str):
        base = self._base(request)
        ws = ("wss" if base.startswith("https") else "ws") + base.split(":", 1)[1] + "/ws"
        if ticket:
            ws += f"?ticket={ticket}"
        return self._page(
            "app_index.html",
            font_size=16,
            app_websocket_url=ws,
            config={"static": {"url": base + "/static/"}},
            application={"name": self.title},
        )

    def game_command(self, ticket: str) -> tuple[str, dict[str, str]] | None:
        """The process a websocket starts and the environment it adds; None for a bad ticket."""
        if self.workshop is None:
            return self.command, {}
        self._prune()
        seat = self.tickets.get(ticket)
        if seat is None:
            return None
        code, team, passcode, _ = seat
        cmd = (
            f"{self.command} play --join {shlex.quote(code)} --team {shlex.quote(team)} "
            f"--server {shlex.quote(self.workshop)}"
        )
        return cmd, {PASSCODE_ENV: passcode}

    async def websocket(self, request):
        """The game's websocket: same Origin only, within the process cap."""
        from aiohttp import web
        from textual_serve.server import to_int

        if not same_origin(request.headers.get("Origin"), request.host, self.public_url):
            return web.Response(status=403, text="websocket from another origin refused")
        if self.active >= self.max_games:
            return web.Response(status=503, text=f"all {self.max_games} game seats are in use")
        game = self.game_command(request.query.get("ticket", ""))
        if game is None:
            return web.Response(status=403, text="no such seat; take it again")
        self.active += 1
        try:
            return await self._run(request, *game, to_int)
        finally:
            self.active -= 1

    async def _run(self, request, command: str, env: dict[str, str], to_int):
        from aiohttp import web
        from textual_serve.download_manager import DownloadManager

        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        service = None
        try:
            await websocket.prepare(request)
            service = _GameService(
                command,
                extra_env=env,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=DownloadManager(),
            )
            await service.start(width, height)
            await _pump(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        finally:
            if service is not None:
                await service.stop()
        return websocket


def _service_class():
    from textual_serve.app_service import AppService

    class GameService(AppService):
        """textual-serve's process runner, with this seat's environment and no secrets."""

        def __init__(self, command: str, *, extra_env: dict[str, str], **kw):
            super().__init__(command, **kw)
            self.extra_env = extra_env

        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            env = super()._build_environment(width=width, height=height)
            for name in SECRET_ENV:
                env.pop(name, None)
            env.update(self.extra_env)
            return env

    return GameService


def _GameService(command: str, **kw):
    return _service_class()(command, **kw)


async def _pump(websocket, service) -> None:
    """Browser messages to the game process (textual-serve's protocol)."""
    from aiohttp import WSMsgType

    async for message in websocket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            envelope = message.json()
            kind, data = envelope[0], envelope[1]
        except (ValueError, IndexError, KeyError, TypeError):
            continue
        if kind == "stdin" and isinstance(data, str):
            await service.send_bytes(data.encode("utf-8"))
        elif kind == "resize" and isinstance(data, dict):
            await service.set_terminal_size(int(data.get("width", 80)), int(data.get("height", 24)))
        elif kind == "ping":
            await websocket.send_json(["pong", data])
        elif kind == "blur":
            await service.blur()
        elif kind == "focus":
            await service.focus()


def add_browser_seats(app, workshop: str | None, max_games: int, public_url: str | None = None):
    """Offer browser seats on an aiohttp application (the workshop server's)."""
    seats = BrowserSeats(workshop=workshop, max_games=max_games, public_url=public_url)
    seats.install(app)
    return seats


def build_app(workshop: str | None = None, max_games: int = 40, public_url: str | None = None):
    """The aiohttp application of `dealcraft serve` (not started)."""
    from aiohttp import web

    app = web.Application()
    add_browser_seats(app, workshop, max_games, public_url)
    return app


def run(app, host: str, port: int, lines: list[str]) -> None:
    """Serve an aiohttp application until interrupted, printing `lines` once it listens;
    InputError when the address cannot be bound."""
    from aiohttp import web

    from engine.problems import InputError

    try:
        web.run_app(
            app,
            host=host,
            port=port,
            print=lambda _m: print("\n".join(lines), file=sys.stderr, flush=True),
            access_log=None,
        )
    except OSError as exc:
        raise InputError.at(
            f"{host}:{port}", "serve.bind", f"cannot serve: {exc.strerror or exc}"
        ) from None


def cmd_serve(args: argparse.Namespace) -> int:
    host = getattr(args, "host", None) or "127.0.0.1"
    port = getattr(args, "port", 8000)
    check_port(port)
    workshop = getattr(args, "workshop", None)
    app = build_app(workshop, getattr(args, "max_games", 40))
    lines = [banner(host, port)]
    if workshop:
        lines.append(f"Browser seats in the workshop at {workshop}: the page asks code and team.")
    run(app, host, port, lines)
    return 0
