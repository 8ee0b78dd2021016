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
