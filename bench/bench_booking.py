"""Keys a trainee presses to book a week, counted by playing Harbor through Pilot.

The weeks to book are the example plan's (plans/harbor_cross_sell.plan.yaml, the expert
bot's game: 12-14 bookings a week across five members). A scripted trainee keys each
week in the TUI, looking at the screen as a player would: it repeats last week with `r`
when every booking of last week is wanted again, then goes down the team table member
by member, books the member's default (their latest booking) again with `m`, or opens
the schedule dialog with `a` (which opens on that default). In the dialog it changes only
the lists that need it (the arrow keys move between lists, left wraps to the last), jumps
to an option by its first letter when that takes fewer presses than the arrows, and books
with space, or with a digit to book that many. Every key goes through Pilot and is
counted; after each week the bookings are checked against the plan's, so a count is only
printed for a week booked exactly. `e` `y` end the week and are not counted.

The baseline, in the same run, books the same weeks with the dialog alone and the keys
it had before (arrows and Enter; no `r`, `m`, letters or digits): one dialog per booking.
Target: a full week's booking in under 40 keys.

Usage: python bench/bench_booking.py   (BENCH_KEYS=1 prints every key)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PLAN = ROOT / "plans" / "harbor_cross_sell.plan.yaml"


def weeks_of_plan():
    """(setup decisions up to and with Start, {week: (other decisions, runs)})."""
    from engine.plan import parse_plan

    plan = parse_plan(PLAN)
    setup, weeks, week = [], {}, 0
    for d, _ in plan.steps:
        if week == 0:
            setup.append(d)
            if d.kind == "start":
                week = 1
            continue
        other, runs = weeks.setdefault(week, ([], []))
        if d.kind == "end_week":
            week += 1
        elif d.kind == "run":
            runs.append(d)
        else:
            other.append(d)
    return plan.seed, setup, weeks


class Trainee:
    """Keys the week in through Pilot and counts them."""

    def __init__(self, pilot, use_shortcuts: bool):
        self.pilot = pilot
        self.app = pilot.app
        self.shortcuts = use_shortcuts
        self.keys = 0

    async def press(self, *keys: str) -> None:
        self.keys += len(keys)
        if os.environ.get("BENCH_KEYS"):
            print(self.app.session.state.week, " ".join(keys), file=sys.stderr)
        for key in keys:
            await self.pilot.press(key)

    async def settle(self) -> None:
        await self.pilot.pause()

    async def wait_screen(self, name: str) -> None:
        for _ in range(200):
            if type(self.app.screen).__name__ == name:
                return
            await self.pilot.pause(0.01)
        raise AssertionError(f"expected {name}, on {type(self.app.screen).__name__}")

    def booked(self) -> Counter:
        from engine.decisions import Run

        s = self.app.session.state
        c = s.compiled
        return Counter(
            Run(c.actions[a], c.members[i], c.stakeholders[j] if j >= 0 else None)
            for a, i, j in s.runs
        )

    async def move_list(self, ol, option_id: str) -> None:
        """Arrow keys (or, with shortcuts, the option's first letter when that is fewer
        presses) until `option_id` is highlighted, as a player reading the list."""
        options = [ol.get_option_at_index(n) for n in range(ol.option_count)]
        enabled = [n for n, o in enumerate(options) if not o.disabled]
        want = [o.id for o in options].index(option_id)
        arrows = abs(enabled.index(want) - enabled.index(ol.highlighted))
        letter = str(options[want].prompt).lstrip()[:1].lower()
        starts = [n for n in enabled if str(options[n].prompt).lstrip().lower().startswith(letter)]
        after = sorted(starts, key=lambda n: (n - ol.highlighted - 1) % len(options))
        jumps = after.index(want) + 1
        if self.shortcuts and letter.isalpha() and jumps < arrows:
            await self.press(*[letter] * jumps)
        while ol.highlighted != want:
            await self.press("down" if want > ol.highlighted else "up")

    async def jump_last(self, ol, option_id: str) -> bool:
        """A capital letter picks the person aimed at from any list, when one or two
        presses of it reach them."""
        options = [ol.get_option_at_index(n) for n in range(ol.option_count)]
        want = [o.id for o in options].index(option_id)
        letter = str(options[want].prompt).lstrip()[:1].lower()
        starts = [
            n
            for n, o in enumerate(options)
            if not o.disabled and str(o.prompt).lstrip().lower().startswith(letter)
        ]
        after = sorted(starts, key=lambda n: (n - ol.highlighted - 1) % len(options))
        if not letter.isalpha() or after.index(want) > 1:
            return False
        await self.press(*[letter.upper()] * (after.index(want) + 1))
        return True

    async def dialog(self, run, times: int) -> None:
        """Book `run` (`times` times with shortcuts: a digit books that many)."""
        from textual.widgets import OptionList

        await self.press("a")
        await self.wait_screen("ScheduleModal")
        modal = self.app.screen
        wants = (run.action, run.member, run.target or "-")
        lists = [modal.query_one(f"#list{n}", OptionList) for n in range(3)]
        if self.shortcuts:  # only the lists that need a change; left wraps to the last
            while todo := [n for n, want in enumerate(wants) if modal.value(n) != want]:
                n = todo[0]
                if n == 2 and await self.jump_last(lists[2], wants[2]):
                    continue
                while (at := lists.index(modal.focused)) != n:
                    right, left = (n - at) % 3, (at - n) % 3
                    await self.press("right" if right <= left else "left")
                await self.move_list(lists[n], wants[n])
        else:
            for n, want in enumerate(wants):
                await self.move_list(lists[n], want)
                await self.press("enter")
        if self.shortcuts:
            await self.press(str(times) if times > 1 else "space")
        await self.wait_screen("WeekScreen")

    async def to_member(self, member: str) -> None:
        from textual.widgets import DataTable

        t = self.app.screen.query_one("#team", DataTable)
        if not t.has_focus:
            await self.press("tab")  # from the buying team's table to the team's
        want = t.get_row_index(member)
        if self.shortcuts and want == 0 and t.cursor_row > 1:
            await self.press("home")
        if self.shortcuts and want == t.row_count - 1 and t.cursor_row < want - 1:
            await self.press("end")
        while t.cursor_row != want:
            await self.press("down" if want > t.cursor_row else "up")

    async def book_week(self, runs: list) -> None:
        from simulator.screens.week import member_default

        state = self.app.session.state
        wanted = Counter(runs)
        if self.shortcuts:
            from simulator.coach import by_week

            weeks = by_week(state.history)
            last = [d for d in weeks[state.week - 1] if d.kind == "run"] if state.week > 1 else []
            if last and not (Counter(last) - wanted):
                await self.press("r")
                await self.settle()
        todo = wanted - self.booked()
        order = [m for m in state.staffed()]
        for member in sorted({r.member for r in todo}, key=order.index):
            await self.to_member(member)
            for run in sorted((r for r in todo if r.member == member), key=lambda r: -todo[r]):
                default = member_default(self.app.session.state.history, member)
                if self.shortcuts and default == run:
                    await self.press(*["m"] * todo[run])
                elif self.shortcuts:
                    await self.dialog(run, todo[run])
                else:
                    for _ in range(todo[run]):
                        await self.dialog(run, 1)
                await self.settle()
        assert self.booked() == wanted, f"week {state.week}: {self.booked()} != {wanted}"

    async def end_week(self) -> None:
        await self.press("e")
        await self.wait_screen("ConfirmModal")
        await self.press("y")
        await self.wait_screen("WeekScreen")
        await self.settle()


async def play(use_shortcuts: bool) -> list[tuple[int, int, int]]:
    """(week, bookings, keys) for each week of the plan."""
    from engine.loader import find_scenario
    from simulator.app import DealcraftApp
    from simulator.saves import Session

    seed, setup, weeks = weeks_of_plan()
    session = Session.new(find_scenario("harbor_cross_sell"), seed, save=False)
    for d in setup:
        assert session.apply(d) is None
    app = DealcraftApp(session=session)
    app.animation_level = "none"
    figures = []
    async with app.run_test(size=(120, 36)) as pilot:
        t = Trainee(pilot, use_shortcuts)
        await t.wait_screen("WeekScreen")
        for week in sorted(weeks):
            if session.state.is_over():
                break
            other, runs = weeks[week]
            for d in other:  # re-focus and re-connect: not booking keys
                assert session.apply(d) is None
            app.screen.refresh_view()
            t.keys = 0
            await t.book_week(runs)
            figures.append((week, len(runs), t.keys))
            if week < max(weeks):  # the last end opens the debrief: not a booking key
                await t.end_week()
    return figures


def main() -> int:
    import textual._wait

    os.environ.setdefault("DEALCRAFT_HOME", tempfile.mkdtemp(prefix="bench-booking-"))
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    textual._wait.SLEEP_GRANULARITY = 0.002
    textual._wait.SLEEP_IDLE = 0.0005
    base = asyncio.run(play(use_shortcuts=False))
    fast = asyncio.run(play(use_shortcuts=True))
    print("week  bookings  keys (dialog only)  keys (r, m, dialog default)")
    for (w, n, k0), (_, _, k1) in zip(base, fast, strict=True):
        print(f"{w:>4}  {n:>8}  {k0:>18}  {k1:>27}")
    booking = [k for _, n, k in fast if n]
    print(
        f"dialog only: median {statistics.median(k for *_, k in base if _[1]):.0f}, "
        f"max {max(k for *_, k in base)} keys a week"
    )
    print(
        f"with r and m: median {statistics.median(booking):.0f}, max {max(booking)} keys a "
        f"week (target < 40); ratio to dialog only "
        f"{sum(booking) / sum(k for *_, k in base):.2f}"
    )
    return 0 if max(booking) < 40 else 1


if __name__ == "__main__":
    raise SystemExit(main())
