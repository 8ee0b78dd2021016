"""`dealcraft play` paints the picker before the rules and their libraries load."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("numpy", "pydantic", "yaml", "engine.model", "engine.state", "numba")


def test_the_picker_path_imports_no_rules():
    """What cmd_play imports before the picker opens (the app, the warp flags, the saves
    list, the picker screen) leaves numpy, pydantic and the scenario model unloaded."""
    code = (
        "import sys, simulator.cli, simulator.app, simulator.warp, simulator.saves,"
        " simulator.screens.picker;"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
