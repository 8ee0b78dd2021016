"""Every screen by name, and the setup order, in one table: screens move between each
other by name (`app.show("plan")`), so no screen imports another."""

from __future__ import annotations

from importlib import import_module

from textual.screen import Screen

SCREENS: dict[str, str] = {
    "picker": "simulator.screens.picker:PickerScreen",
    "briefing": "simulator.screens.briefing:BriefingScreen",
    "staffing": "simulator.screens.staffing:StaffingScreen",
    "connections": "simulator.screens.connections:ConnectionsScreen",
    "plan": "simulator.screens.plan:PlanScreen",
    "week": "simulator.screens.week:WeekScreen",
    "debrief": "simulator.screens.debrief:DebriefScreen",
    "compare": "simulator.screens.compare:CompareScreen",
    "progress": "simulator.screens.progress:ProgressScreen",
    "timeline": "simulator.screens.timeline:TimelineScreen",
    "help": "simulator.screens.help:HelpScreen",
}
SETUP = ("briefing", "staffing", "connections", "plan")  # the order setup walks through
SIDE = ("staffing", "connections", "plan", "briefing")  # kept mounted over the week view


def screen_class(name: str) -> type[Screen]:
    module, cls = SCREENS[name].split(":")
    return getattr(import_module(module), cls)


def name_of(screen: Screen) -> str | None:
    """The name `screen`'s class is registered under, or None (a dialog, say), found
    without importing any screen module."""
    where = f"{type(screen).__module__}:{type(screen).__name__}"
    return next((name for name, path in SCREENS.items() if path == where), None)


def make(name: str, *args, **kwargs) -> Screen:
    """A new instance of the screen registered as `name`."""
    return screen_class(name)(*args, **kwargs)


def next_in_setup(name: str, step: int) -> str | None:
    """The setup screen `step` places after (or before) `name`, or None past either end."""
    k = SETUP.index(name) + step
    return SETUP[k] if 0 <= k < len(SETUP) else None
