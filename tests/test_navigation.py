"""One navigation backbone: every screen registered by name, setup order in one table,
and no screen module importing another (nor a widget importing a screen)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from textual.screen import Screen

from simulator.screens import registry

ROOT = Path(__file__).resolve().parents[1] / "simulator"
SCREEN_MODULES = {n.split(":")[0] for n in registry.SCREENS.values()}


@pytest.mark.parametrize("name", sorted(registry.SCREENS))
def test_every_registered_name_is_a_screen(name):
    assert issubclass(registry.screen_class(name), Screen)


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "screens").glob("*.py")) + sorted((ROOT / "widgets").glob("*.py")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_no_screen_or_widget_imports_a_screen(path):
    own = f"simulator.{path.parent.name}.{path.stem}"
    others = (imported(path) & SCREEN_MODULES) - {own}
    assert not others, f"{own} imports {sorted(others)}: move between screens by name"


def test_setup_walks_the_table():
    assert registry.next_in_setup("briefing", 1) == "staffing"
    assert registry.next_in_setup("plan", 1) is None
    assert registry.next_in_setup("staffing", -1) == "briefing"
    assert set(registry.SIDE) <= set(registry.SETUP)


def test_the_app_moves_between_screens_by_name():
    path = ROOT / "app.py"
    assert not imported(path) & SCREEN_MODULES, "app.py: open screens through the registry"


def test_a_decision_applied_redraws_the_screen_showing(home, fast_pilot):
    """Screens react to the published DecisionApplied; nobody refreshes them by hand."""
    import asyncio

    from support.app import make_app, northwind_game
    from textual.widgets import Static

    from engine.decisions import Run
    from simulator.screens.base import DecisionApplied

    app = make_app(northwind_game())
    heard: list[DecisionApplied] = []

    async def go():
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            app.decision_applied.subscribe(app.screen, heard.append, immediate=True)
            assert app.apply_decision(Run("discovery_meeting", "raj", "it_architect")) is None
            await pilot.pause()
            return str(app.screen.query_one("#booked", Static).render())

    booked = asyncio.run(go())
    assert "Discovery" in booked and "Raj" in booked
    assert [h.decision.kind for h in heard] == ["run"] and heard[0].state.runs
