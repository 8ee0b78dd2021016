"""`dealcraft play` paints the picker before the rules and their libraries load."""

from __future__ import annotations

import os
import subprocess
import sys

HEAVY = ("numpy", "pydantic", "yaml", "engine.model", "engine.state", "numba")
# what the picker's first frame does not need either: a settings file most players do not
# have, a new game's seed, the balance report's probes, a finder for the shipped scenarios,
# what the game screens share
LATER = ("tomllib", "secrets", "engine.practices", "importlib.resources", "simulator.screens.base")


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


def test_the_picker_start_loads_nothing_its_first_frame_does_without(tmp_path):
    """The steps before the first paint, run as `dealcraft play` runs them (its command
    line, the flags' check, the settings, the scenario cards, the saves, the order)."""
    code = (
        "import sys; from simulator import cli, settings, warp, saves, library;"
        " from simulator.screens import picker;"
        " args = cli.build_parser('play').parse_args(['play']); warp.usage_problem(args);"
        " settings.load(); cards, _ = picker.scenario_cards([]); saves.list_saves();"
        " library.tutorial_first(cards); assert cards;"
        f"print(','.join(m for m in {HEAVY + LATER!r} if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_CORE_", "COVERAGE_"))}
    env |= {"DEALCRAFT_HOME": str(tmp_path), "DEALCRAFT_CONFIG": str(tmp_path)}
    # (pytest-cov's hook in a child process reads the coverage settings with tomllib)
    for _ in range(2):  # the first run writes the card cache, the second reads it
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
    assert out.stdout.strip() == ""


def test_a_command_parses_the_same_with_only_its_own_sub_parser():
    """`dealcraft play` builds only the play sub-parser: what it parses is what the whole
    command line parses, and COMMANDS names every sub-command of the whole one."""
    from simulator.cli import COMMANDS, build_parser

    full = build_parser()
    (sub,) = (a for a in full._actions if a.dest == "command")  # noqa: SLF001
    assert list(sub.choices) == list(COMMANDS)
    for argv in (
        ["play"],
        ["play", "first-deal", "--seed", "3", "--scenarios", "extra", "--watch"],
        ["play", "--join", "ABC", "--team", "Reds", "--server", "http://127.0.0.1:1"],
        ["run", "first-deal", "--plan", "p.yaml", "--json"],
    ):
        alone = vars(build_parser(argv[0]).parse_args(argv))
        whole = vars(full.parse_args(argv))
        assert target(alone.pop("handler")) == target(whole.pop("handler"))
        assert alone == whole


def target(handler):
    """What a handler runs: the (module, name) a lazy one imports, else itself."""
    return tuple(c.cell_contents for c in handler.__closure__ or ()) or handler
