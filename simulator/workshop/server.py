"""`dealcraft workshop serve`: the workshop server, the one process that writes the store.

aiohttp (already installed: textual-serve is built on it) serves a small JSON API
over HTTP; every handler hands its work to `Authority` on a worker thread, so the
event loop keeps answering while the engine or the store works. Browser seats (the
game in a browser tab) are added by `simulator.serve.add_browser_seats`.

Requests name the session in the path; a team request carries the team's name in
`X-Dealcraft-Team` (URL-quoted) and its passcode as `Authorization: Bearer ...`;
a facilitator request carries `Authorization: Facilitator KEY`. Refusals are JSON:
`{"problems": [{"code": ..., "message": ...}]}` (InputError) or
`{"refused": {"code": ..., "message": ..., "held": bool}}` (the engine or pacing).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from engine.problems import InputError
from simulator.workshop.authority import Authority, Refused, SeatClaim
from simulator.workshop.limits import GUARDED, Guard, RateLimited

API = "/api/v1"
MAX_BODY = 2 * 1024 * 1024  # a whole plan fits many times over
WORKERS = 8  # threads for store and engine work (the store serialises its own writes)
ROUND_TICK_S = 1.0  # how often the server ends rounds whose time is up
STATUS_OF = {"workshop.seat": 403, "workshop.key": 403, "workshop.store": 503}

AUTHORITY = web.AppKey("authority", Authority)
EXECUTOR = web.AppKey("executor", ThreadPoolExecutor)
GUARD = web.AppKey("guard", Guard)
TRUSTED_PROXIES = web.AppKey("trusted_proxies", frozenset)


def _team(request: web.Request) -> str:
    return unquote(request.headers.get("X-Dealcraft-Team", ""))


def _claim(request: web.Request) -> SeatClaim:
    """The team a request claims: its name and (X-Dealcraft-Seat) its id, which finds a
    team the facilitator renamed."""
    seat = request.headers.get("X-Dealcraft-Seat", "")
    return SeatClaim(_team(request), int(seat) if seat.isdigit() and len(seat) < 19 else None)


def _secret(request: web.Request, scheme: str) -> str | None:
    auth = request.headers.get("Authorization", "")
    kind, _, value = auth.partition(" ")
    return value.strip() if kind.lower() == scheme.lower() and value.strip() else None


async def _body(request: web.Request) -> dict:
    if not request.can_read_body:
        return {}
    try:
        data = json.loads(await request.read())
    except ValueError:
        raise InputError.at("request", "workshop.input", "the request body is not JSON") from None
    if not isinstance(data, dict):
        raise InputError.at("request", "workshop.input", "the request body must be an object")
    return data


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, default=str))


def client_address(request: web.Request) -> str:
    """The client's address: the peer's, or (when the peer is a trusted reverse proxy) the
    last address it added to X-Forwarded-For."""
    peer = request.remote or ""
    if peer in request.app[TRUSTED_PROXIES]:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        return forwarded or peer
    return peer


def guarded_target(request: web.Request, body: dict) -> tuple | None:
    """What a request's secret is aimed at, for the guessing limits: ("key", code) for the
    facilitator's requests, ("team", code, name key) for a seat's; None for public ones."""
    from simulator.workshop.codes import name_key
    from simulator.workshop.records import normalise_code

    code = normalise_code(request.match_info.get("code", ""))
    path = request.path.removeprefix(f"{API}/sessions/{request.match_info.get('code', '')}")
    if path.startswith(("/facilitator", "/board")) or _secret(request, "Facilitator"):
        return ("key", code)
    team = _team(request) if path.startswith("/team/") else str(body.get("team", ""))
    seat = _claim(request).seat_id if path.startswith("/team/") else body.get("seat_id")
    if path.startswith("/team/") or path == "/join":
        if isinstance(seat, int) and not isinstance(seat, bool):  # a team named by its id
            return ("team", code, f"#{seat}")  # (renamed names would dodge the count)
        return ("team", code, name_key(team)[:80])
    return None


def endpoint(work: Callable[[Authority, web.Request, dict], Any]):
    """An aiohttp handler running `work(authority, request, body)` on a worker thread and
    turning its result or refusal into JSON. Wrong passcodes and keys are counted, and
    past the limits (limits.py) refused unchecked with workshop.rate (429)."""

    async def handle(request: web.Request) -> web.Response:
        guard, address, target, secret = request.app[GUARD], client_address(request), None, ""
        try:
            body = await _body(request) if request.method == "POST" else {}
            target = guarded_target(request, body)
            if target is not None and target[0] == "key":
                secret = _secret(request, "Facilitator") or ""
            else:
                secret = _secret(request, "Bearer") or str(body.get("passcode") or "")
            if target is not None:
                guard.check(address, target, secret)
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(
                request.app[EXECUTOR], work, request.app[AUTHORITY], request, body
            )
        except RateLimited as exc:
            headers = {"Retry-After": str(exc.retry_after)}
            problems = [p.to_dict() for p in exc.problems]
            return web.json_response({"problems": problems}, status=429, headers=headers)
        except InputError as exc:
            problems = [p.to_dict() for p in exc.problems]
            if target is not None and any(p["code"] in GUARDED for p in problems):
                guard.failed(address, target)
            status = 404 if "no workshop session" in str(exc) else 400
            status = STATUS_OF.get(problems[0]["code"], status) if problems else status
            return _json({"problems": problems}, status)
        except Refused as exc:
            data = {"code": exc.code, "message": exc.message, "held": exc.held}
            return _json({"refused": data}, 409 if exc.held else 422)
        if target is not None:
            guard.succeeded(address, target, secret)
        return _json(result)

    return handle


async def health(request: web.Request) -> web.Response:
    return _json({"ok": True})


def _code(request: web.Request) -> str:
    return request.match_info["code"]


def routes() -> list[web.RouteDef]:
    s = f"{API}/sessions/{{code}}"
    team = _claim

    def passcode(r: web.Request) -> str | None:
        return _secret(r, "Bearer")

    def key(r: web.Request) -> str | None:
        return _secret(r, "Facilitator")

    def join(a: Authority, r: web.Request, b: dict):
        seat_id = b.get("seat_id")
        seat_id = seat_id if isinstance(seat_id, int) and not isinstance(seat_id, bool) else None
        team = SeatClaim(str(b.get("team", "")), seat_id)
        return a.join(_code(r), team, b.get("passcode"), b.get("kind", "player"))

    def step(a: Authority, r: web.Request, b: dict):
        n = b.get("n")
        if not isinstance(n, int):
            raise InputError.at("n", "workshop.input", "say how many decisions the game has")
        return a.step(_code(r), team(r), passcode(r), n, b.get("decision"))

    def submit(a: Authority, r: web.Request, b: dict):
        decisions = b.get("decisions")
        if not isinstance(decisions, list):
            raise InputError.at("decisions", "workshop.input", "decisions must be a list")
        where = b.get("where", "plan")
        close, at = b.get("close", False), b.get("at", [])
        return a.submit(_code(r), team(r), passcode(r), decisions, where, close, at)

    def coaching(a: Authority, r: web.Request, b: dict):
        n = r.query.get("n", "")
        if not n.isdigit():
            raise InputError.at("n", "workshop.input", "say how many decisions the game has")
        return a.coaching(_code(r), team(r), passcode(r), int(n))

    def act(a: Authority, r: web.Request, b: dict):
        return a.act(_code(r), key(r), r.match_info["action"], b)

    def console(a: Authority, r: web.Request, b: dict):
        from simulator.workshop.console_actions import console_act

        return console_act(a, _code(r), key(r), r.match_info["action"], b)

    def rounds(a: Authority, r: web.Request, b: dict):
        from simulator.workshop.rounds import round_act

        return round_act(a, _code(r), key(r), r.match_info["action"], b)

    return [
        web.get(f"{API}/health", health),
        web.get(f"{s}/status", endpoint(lambda a, r, b: a.status(_code(r)))),
        web.get(f"{s}/leaderboard", endpoint(lambda a, r, b: a.leaderboard(_code(r)))),
        web.post(f"{s}/join", endpoint(join)),
        web.get(f"{s}/team/log", endpoint(lambda a, r, b: a.log(_code(r), team(r), passcode(r)))),
        web.post(f"{s}/team/step", endpoint(step)),
        web.post(f"{s}/team/submit", endpoint(submit)),
        web.get(
            f"{s}/team/results",
            endpoint(lambda a, r, b: a.results(_code(r), team(r), passcode(r))),
        ),
        web.get(f"{s}/team/coach", endpoint(coaching)),
        web.get(
            f"{s}/team/expert",
            endpoint(lambda a, r, b: a.expert(_code(r), team(r), passcode(r))),
        ),
        web.get(f"{s}/board", endpoint(lambda a, r, b: a.board(_code(r), key(r)))),
        web.post(
            f"{s}/board/full",
            endpoint(lambda a, r, b: a.board_full(_code(r), key(r), b.get("known", []))),
        ),
        web.get(f"{s}/facilitator", endpoint(lambda a, r, b: a.facilitator_view(_code(r), key(r)))),
        web.get(
            f"{s}/facilitator/earlier",
            endpoint(lambda a, r, b: a.earlier_classes(_code(r), key(r))),
        ),
        web.post(f"{s}/facilitator/{{action}}", endpoint(act)),
        web.post(f"{s}/console/{{action}}", endpoint(console)),
        web.post(f"{s}/rounds/{{action}}", endpoint(rounds)),
        web.get(
            f"{s}/team/status",
            endpoint(lambda a, r, b: a.team_status(_code(r), team(r), passcode(r))),
        ),
    ]


def build_app(
    db: str | None = None,
    workers: int = WORKERS,
    guard: Guard | None = None,
    trusted_proxies: tuple[str, ...] = (),
) -> web.Application:
    """The workshop server's aiohttp application (not started). `trusted_proxies` are the
    reverse proxies whose X-Forwarded-For names the client (for the guessing limits)."""
    app = web.Application(client_max_size=MAX_BODY)
    app[AUTHORITY] = Authority(db)
    app[GUARD] = guard or Guard()
    app[TRUSTED_PROXIES] = frozenset(trusted_proxies)
    app[EXECUTOR] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="workshop")
    app.add_routes(routes())

    async def stop(app: web.Application) -> None:
        app[EXECUTOR].shutdown(wait=True)

    app.on_cleanup.append(stop)
    app.cleanup_ctx.append(_round_timer)
    return app


async def _round_timer(app: web.Application):
    """Every ROUND_TICK_S, end the rounds whose time is up (on a worker thread): the
    server, not a player's process, releases a timed round."""

    async def run() -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(ROUND_TICK_S)
            try:
                await loop.run_in_executor(app[EXECUTOR], app[AUTHORITY].tick)
            except Exception:  # noqa: BLE001 - a busy or unreachable store: try again
                pass

    task = asyncio.create_task(run())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def reach_lines(host: str, port: int) -> list[str]:
    """How players reach the server, for the start banner."""
    from simulator.serve import LOOPBACK, url_of

    lines = [f"Workshop server at {url_of(host, port)}"]
    if host in LOOPBACK:
        lines.append(
            "  loopback only: players on this machine use --server "
            f"{url_of(host, port)}; to reach it from other machines, start it with "
            "--host 0.0.0.0 (or this machine's address), ideally behind a TLS reverse proxy "
            "(docs/workshop.md)"
        )
    else:
        for addr in _addresses() if host in ("0.0.0.0", "::") else [host]:
            lines.append(f"  players on other machines: --server {url_of(addr, port)}")
        lines.append("  anyone who can reach this port can join; use a network you trust or TLS")
    lines.append("  browser seats: open the same address in a browser")
    return lines


def _addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses (best effort, no network traffic)."""
    import socket

    found: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            addr = str(info[4][0])
            if not addr.startswith("127.") and addr not in found:
                found.append(addr)
    except OSError:
        pass
    return found or ["THIS-MACHINE"]
