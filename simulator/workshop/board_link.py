"""The board's link to what it reads (the workshop server, or the store): while refreshes
fail, one badge says since when it is unreachable and one notice says so, instead of a
notice per refresh; the first refresh that succeeds clears both."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text

from engine.problems import InputError

UNREACHABLE = "workshop.server"  # the code of a server that cannot be reached


class Link:
    """Whether the board's last refreshes failed, since when, and with what error."""

    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self.down_since: float | None = None
        self.error: str | None = None
        self.unreachable = False

    def failed(self, exc: InputError) -> str | None:
        """Record a failed refresh; the notice to show now (the first failure, or an error
        other than the last one), else None."""
        message = str(exc)
        if self.down_since is None:
            self.down_since = self.clock()
        self.unreachable = UNREACHABLE in exc.codes
        if message == self.error:
            return None
        self.error = message
        return message

    def answered(self) -> bool:
        """Record a refresh that succeeded; True when that ends a failure (say so once)."""
        was = self.down_since is not None
        self.down_since, self.error, self.unreachable = None, None, False
        return was

    def badge(self) -> Text:
        """' server unreachable since 14:02:11 ' while refreshes fail, else nothing."""
        t = Text(no_wrap=True)
        if self.down_since is not None:
            what = "server unreachable" if self.unreachable else "refresh failing"
            at = time.strftime("%H:%M:%S", time.localtime(self.down_since))
            t.append(f" {what} since {at} ", style="bold reverse red")
            t.append(" ")
        return t
