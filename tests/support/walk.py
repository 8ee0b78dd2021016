"""An exhaustive walk over a running app: every screen reachable by keys from a game, every
key bound there and every command in the palette, with the game put back where it
started whenever a key moves it on (issue 11).

`Walk.run()` explores breadth-first from the screen a game opens on: on each screen it
presses every key `active_bindings` lists (again after focus moves, which brings other
widgets' keys into play), records each new screen a key leads to with the keys that
reach it, and then runs every palette command there. A key that quits the app on
purpose (ctrl+q, escape on the picker, the palette's Quit) is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from textual.command import CommandPalette
from textual.widgets import Input

QUIT_ACTIONS = {"quit", "app.quit"}
QUIT_COMMANDS = {"Quit"}


def screen_name(app) -> str:
    return type(app.screen).__name__


@dataclass
class Walk:
    """Explore `pilot.app` from the game `fresh()` makes; `fresh` is called for every reset."""

    pilot: object
    fresh: Callable[[], object]
    max_depth: int = 3
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pressed: int = 0
    commands: int = 0

    @property
    def app(self):
        return self.pilot.app

    def alive(self, what) -> None:
        assert self.app.is_running, what
        assert self.app.return_code is None, what

    async def reset(self, path: tuple[str, ...]) -> bool:
        """A fresh copy of the game, then `path`'s keys; False if they no longer reach the
        screen they reached when the path was found."""
        self.app.open_game(self.fresh())
        await self.pilot.pause()
        for key in path:
            await self.pilot.press(key)
            await self.pilot.pause()
        return True

    def keys(self) -> list[str]:
        """The keys bound on the current screen for what has focus, quitting ones left out."""
        out = []
        for key, active in self.app.active_bindings.items():
            if active.binding.action in QUIT_ACTIONS:
                continue
            out.append(key)
        return sorted(out)

    def marker(self) -> tuple:
        """The game being shown and its state (compared by identity: states are immutable)."""
        app = self.app
        return (app.session, app.session.state if app.session else None)

    def moved(self, before: tuple) -> bool:
        return any(a is not b for a, b in zip(before, self.marker(), strict=True))

    async def visit(self, name: str, path: tuple[str, ...]) -> list[tuple[str, tuple]]:
        """Press every key bound on screen `name` (reached by `path`); the new screens."""
        found: list[tuple[str, tuple]] = []
        done: set[str] = set()
        await self.reset(path)
        if screen_name(self.app) != name:
            return found
        target = self.app.screen
        while True:
            todo = [k for k in self.keys() if k not in done]
            if not todo:
                return found
            for key in todo:
                done.add(key)
                before = self.marker()
                await self.pilot.press(key)
                await self.pilot.pause()
                self.pressed += 1
                self.alive((path, key))
                now = screen_name(self.app)
                if now not in self.paths:
                    self.paths[now] = path + (key,)
                    found.append((now, path + (key,)))
                target = await self.back(before, target, path)
                if target is None:
                    return found

    async def back(self, before, target, path):
        """Back on `target` after a key: pop what it opened over it when the game did not
        move on, else reset. The screen it is back on, or None if `path` no longer
        reaches one like it."""
        app = self.app
        if not self.moved(before) and target in app.screen_stack:
            while app.screen is not target:
                app.pop_screen()
                await self.pilot.pause()
            return target
        await self.reset(path)
        return app.screen if type(app.screen) is type(target) else None

    async def palette(self, name: str, path: tuple[str, ...]) -> None:
        """Run every palette command from screen `name`, putting the game back after each."""
        await self.reset(path)
        if screen_name(self.app) != name or isinstance(self.app.screen, CommandPalette):
            return
        target = self.app.screen
        titles = [c.title for c in self.app.get_system_commands(target)]
        for title in titles:
            if title in QUIT_COMMANDS:
                continue
            before = self.marker()
            await self.pilot.press("ctrl+p")
            await self.pilot.pause()
            if not isinstance(self.app.screen, CommandPalette):
                return  # this screen has no palette
            await self.run_command(title)
            self.commands += 1
            self.alive((path, title))
            target = await self.back(before, target, path)
            if target is None:
                return

    async def run_command(self, title: str) -> None:
        palette = self.app.screen
        palette.query_one(Input).value = title
        for _ in range(100):
            await self.pilot.pause(0.01)
            hits = palette.query_one("CommandList")
            if hits.option_count:
                break
        hits = palette.query_one("CommandList")
        for n in range(hits.option_count):
            prompt = hits.get_option_at_index(n).prompt
            if str(getattr(prompt, "plain", prompt)).startswith(title):
                hits.highlighted = n
                break
        else:
            raise AssertionError(f"command {title!r} is not in the palette")
        await self.pilot.press("enter")
        await self.pilot.pause()
        await self.pilot.pause(0.12)  # Screenshot runs on a 0.1 s timer

    async def run(self) -> None:
        await self.reset(())
        start = screen_name(self.app)
        self.paths[start] = ()
        frontier = [(start, ())]
        while frontier:
            name, path = frontier.pop(0)
            found = await self.visit(name, path)
            frontier += [(n, p) for n, p in found if len(p) < self.max_depth]
            await self.palette(name, path)
