"""A workshop server on a free loopback port, run in a background thread of the test (or
benchmark) process: the real aiohttp application, reached over real HTTP."""

from __future__ import annotations

import asyncio
import socket
import threading


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Running:
    """`with Running(make_app) as url:` serves `make_app(url)` at `url` until the block ends."""

    def __init__(self, make_app, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.make_app = make_app
        self.app = None
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        from aiohttp import web

        asyncio.set_event_loop(self._loop)
        self.app = self.make_app(self.url)
        self._runner = web.AppRunner(self.app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        self._loop.run_until_complete(site.start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.run_until_complete(asyncio.sleep(0.3))  # game processes finish exiting
        self._loop.close()

    def __enter__(self) -> str:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the workshop server did not start")
        return self.url

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)


def workshop_app(db: str | None = None, max_games: int = 0, command: str | None = None):
    """A factory for Running: the workshop server (with browser seats when max_games > 0)."""

    def make(url: str):
        from simulator.serve import BrowserSeats
        from simulator.workshop.server import build_app

        app = build_app(db)
        if max_games:
            BrowserSeats(workshop=url, max_games=max_games, command=command).install(app)
        return app

    return make
