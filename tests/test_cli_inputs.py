"""Whatever the command line holds, `dealcraft` exits 0, 1 or 2 and never prints a traceback.

Numeric options are range-checked where they enter (simulator/cliargs.py): a bad seed,
game count, week or interval is a usage error, exit 2 with one line on stderr. The
property test feeds random argument vectors from a small vocabulary to `main`, in-process,
in a scratch folder with its own DEALCRAFT_HOME; the Textual apps and the web server are
replaced by no-ops, so nothing opens a terminal UI or a port. Tests check exit codes and
behaviour, never wording. Derandomized, so every run plays the same examples.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLAN = "plans/northwind_new_logo.plan.yaml"  # relative: the scratch folder has a copy
MAX_SEED = str(2**64 - 1)
OVER_SEED = str(2**64)
STORE_MAX_SEED = str(2**63 - 1)  # the workshop store holds signed 64-bit integers

VALUES = [
    "-1",
    "0",
    "1",
    "3",
    "abc",
    "3.7",
    OVER_SEED,
    MAX_SEED,
    "",
    "1e3",
    "nan",
    "northwind-new-logo",
    PLAN,
    "/nonexistent/plan.yaml",  # not /nonexistent.yaml: `new` would write it (tests may run as root)
    "random",
    "expert",
    "list",
    "cost=60",
]
FLAGS = ["--json", "--force", "--help"]  # options that take no value
# Each command with the options it takes; a command's own options come up most often, any
# option or value (and nonsense) now and then.
COMMANDS = {
    "": ["--seed", "--resume", "--scenarios"],  # `dealcraft [--seed N]` is `dealcraft play`
    "validate": [],
    "schema": [],
    "new": ["--force"],
    "run": ["--plan", "--seed", "--json", "--join", "--team"],
    "balance": ["--games", "--policy", "--seed", "--json"],
    "play": ["--seed", "--resume", "--scenarios", "--join", "--team"],
    "serve": ["--host", "--port"],
    "frobnicate": ["--seed"],
    "workshop": [],
    "workshop create": ["--name", "--seed"],
    "workshop status": ["--key-file", "--json"],
    "workshop board": ["--key-file", "--interval"],
    "workshop inject": ["--key-file", "--week"],
    "workshop shift": ["--key-file", "--week"],
    "workshop hold": ["--key-file", "--week"],
    "workshop release": ["--key-file"],
    "workshop pause": ["--key-file"],
    "workshop resume": ["--key-file"],
    "workshop reveal": ["--key-file"],
    "workshop add-bot": ["--key-file", "--policy", "--name"],
    "workshop report": ["--key-file", "--out", "--csv"],
    "workshop frobnicate": ["--key-file"],
}
OPTIONS = sorted({o for opts in COMMANDS.values() for o in opts} | set(FLAGS) | {"--bogus"})


NUMBERS = ["-1", "0", "1", "3", "abc", "3.7", OVER_SEED, MAX_SEED, "", "1e3"]
SCENARIOS = ["northwind-new-logo", PLAN, "/nonexistent/plan.yaml", "abc", ""]
OPTION_VALUES = {  # what each option is mostly given; any value now and then
    "--seed": NUMBERS,
    "--games": NUMBERS,
    "--week": NUMBERS,
    "--interval": [*NUMBERS, "nan", "inf", "0.5"],
    "--port": [*NUMBERS, "8123", "65536"],
    "--plan": [PLAN, "/nonexistent/plan.yaml", ""],
    "--policy": ["random", "expert", "greedy", "abc"],
    "--resume": [PLAN, "/nonexistent/plan.yaml", "abc"],
    "--key-file": ["KEY", "abc"],  # KEY, CODE: a real session's key file, code (`session_words`)
    "--join": ["CODE", "abc"],
    "--out": ["report.html", "/nonexistent/report.html"],
    "--csv": ["report.csv"],
}
# The words a command needs before the parser lets it run (given in most examples).
REQUIRED = {
    "run": ["northwind-new-logo", "--plan", PLAN],
    "balance": ["northwind-new-logo"],
    "workshop create": ["northwind-new-logo"],
    "workshop inject": ["CODE", "--key-file", "KEY", "list"],
    "workshop shift": ["CODE", "--key-file", "KEY", "coo", "cost=60"],
    "workshop hold": ["CODE", "--key-file", "KEY", "--week"],
    "workshop report": ["CODE", "--key-file", "KEY", "--out", "report.html"],
    **{
        f"workshop {a}": ["CODE", "--key-file", "KEY"]
        for a in ("status", "board", "release", "pause", "resume", "reveal", "add-bot")
    },
}


@st.composite
def argvs(draw) -> list[str]:
    """`COMMAND [SCENARIO] [--option VALUE | --flag | stray token]...`: mostly well-formed
    words for the command, with wrong values and stray words mixed in."""
    command = draw(st.sampled_from(sorted(COMMANDS)))
    own = COMMANDS[command] or OPTIONS
    words = []
    if command in REQUIRED and draw(st.integers(0, 3)):
        words += REQUIRED[command]
        if words[-1] == "--week":
            words.append(draw(st.sampled_from(OPTION_VALUES["--week"])))
    elif draw(st.integers(0, 3)):
        words.append(draw(st.sampled_from(SCENARIOS)))
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["own", "own", "own", "any", "stray"]))
        option = draw(st.sampled_from(own if kind == "own" else OPTIONS))
        if kind == "stray":
            words.append(draw(st.sampled_from([option, *VALUES])))
        elif option in FLAGS:
            words.append(option)
        else:
            pool = OPTION_VALUES.get(option, VALUES)
            words += [option, draw(st.sampled_from(pool if draw(st.integers(0, 3)) else VALUES))]
    return [*command.split(), *words]


@contextlib.contextmanager
def sandbox(base: Path):
    """A fresh scratch folder as cwd and DEALCRAFT_HOME (with a copy of the example plan),
    and no Textual app or web server can start."""
    import simulator.app
    import simulator.serve
    import simulator.workshop.board

    with (
        tempfile.TemporaryDirectory(dir=base) as d,
        pytest.MonkeyPatch.context() as mp,
    ):
        folder = Path(d)
        (folder / "plans").mkdir()
        shutil.copy(ROOT / PLAN, folder / PLAN)
        mp.chdir(folder)
        mp.setenv("DEALCRAFT_HOME", str(folder / "home"))
        for name in ("DEALCRAFT_KEY", "DEALCRAFT_FACILITATOR_KEY", "DEALCRAFT_DB"):
            mp.delenv(name, raising=False)
        mp.setattr(simulator.app.DealcraftApp, "run", lambda self, *a, **k: None)
        mp.setattr(simulator.workshop.board.BoardApp, "run", lambda self, *a, **k: None)
        mp.setattr(simulator.serve, "run", lambda *a, **k: None)
        yield folder


def session_words(argv: list[str]) -> list[str]:
    """CODE and KEY replaced by those of a session created for this example."""
    if "CODE" not in argv and "KEY" not in argv:
        return argv
    from simulator.workshop.session import create_session

    info, key = create_session("northwind-new-logo", seed=2)
    key_path = Path(os.environ["DEALCRAFT_HOME"]) / "facilitator.key"
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_text(key, encoding="utf-8")
    return [{"CODE": info.code, "KEY": str(key_path)}.get(w, w) for w in argv]


def call(argv: list[str]) -> tuple[int, str, str]:
    """`dealcraft ARGV` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
@settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(argv=argvs())
def test_any_argument_vector_exits_0_1_or_2_without_a_traceback(tmp_path_factory, argv):
    if argv[:1] == ["balance"]:
        argv = [*argv, "--games", "1"]  # the last --games wins: keep every example short
    with sandbox(tmp_path_factory.getbasetemp()):
        code, out, err = call(session_words(argv))
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in out and "Traceback" not in err, (argv, err)


# ---- explicit boundaries, for every command that takes --seed -----------------------------


@pytest.fixture
def scratch(tmp_path):
    with sandbox(tmp_path) as folder:
        yield folder


@pytest.fixture
def short_plan(scratch):
    """A plan that is legal under every seed: staff one member, then let the weeks pass."""
    plan = scratch / "short.plan.yaml"
    plan.write_text("setup:\n  team:\n    - {member: maya, role: quarterback}\n")
    return str(plan)


def seed_commands(plan: str) -> dict[str, list[str]]:
    return {
        "play": ["play", "northwind-new-logo"],
        "run": ["run", "northwind-new-logo", "--plan", plan, "--json"],
        "balance": ["balance", "northwind-new-logo", "--games", "2", "--policy", "random"],
        "workshop create": ["workshop", "create", "northwind-new-logo"],
        "default (play)": [],
    }


SEED_COMMANDS = list(seed_commands(""))


def test_the_reported_command_is_a_one_line_usage_error(scratch):
    code, out, err = call(["run", "northwind-new-logo", "--plan", PLAN, "--seed", "-1"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("command", SEED_COMMANDS)
@pytest.mark.parametrize("bad", ["-1", OVER_SEED, "3.7", "1e3", "abc", "", "True"])
def test_a_bad_seed_is_a_one_line_usage_error(short_plan, command, bad):
    code, out, err = call([*seed_commands(short_plan)[command], "--seed", bad])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("command", ["play", "run", "balance", "default (play)"])
def test_the_largest_seed_is_accepted(short_plan, command):
    code, out, err = call([*seed_commands(short_plan)[command], "--seed", MAX_SEED])
    assert code == 0, err
    if command == "run":
        assert json.loads(out)["seed"] == 2**64 - 1
    if command == "balance":
        assert "Traceback" not in err


def test_play_hands_the_seed_to_the_game(scratch, monkeypatch):
    import simulator.app

    seen = []
    monkeypatch.setattr(simulator.app.DealcraftApp, "run", lambda self: seen.append(self.seed))
    assert call(["play", "northwind-new-logo", "--seed", MAX_SEED])[0] == 0
    assert seen == [2**64 - 1]


def test_workshop_seeds_fit_the_store(scratch):
    """The workshop keeps its seed in a signed 64-bit column: 0..2**63-1."""
    ok = call(["workshop", "create", "northwind-new-logo", "--seed", STORE_MAX_SEED])
    assert ok[0] == 0, ok[2]
    assert call(["workshop", "create", "northwind-new-logo", "--seed", str(2**63)])[0] == 2
    assert call(["workshop", "create", "northwind-new-logo", "--seed", MAX_SEED])[0] == 2


@pytest.mark.parametrize("games", ["0", "-1", "1000001", "2.5", "1e3", ""])
def test_games_out_of_range_is_a_usage_error(scratch, games):
    code, out, err = call(["balance", "northwind-new-logo", "--games", games])
    assert code == 2 and out == "" and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["workshop", "hold", "ABCDEF", "--key-file", "k", "--week", "-1"],
        ["workshop", "hold", "ABCDEF", "--key-file", "k", "--week", "1.5"],
        ["workshop", "inject", "ABCDEF", "--key-file", "k", "list", "--week", "-2"],
        ["workshop", "shift", "ABCDEF", "--key-file", "k", "coo", "cost=1", "--week", "x"],
        ["workshop", "board", "ABCDEF", "--key-file", "k", "--interval", "nan"],
        ["workshop", "board", "ABCDEF", "--key-file", "k", "--interval", "-1"],
        ["workshop", "board", "ABCDEF", "--key-file", "k", "--interval", "inf"],
        ["serve", "--port", "abc"],
        ["serve", "--port", "80.5"],
    ],
)
def test_other_numeric_options_are_checked_at_the_boundary(scratch, argv):
    code, out, err = call(argv)
    assert code == 2 and out == "" and err.count("\n") == 1


def test_in_range_numbers_reach_the_command(scratch):
    """Valid numbers pass the parser: an unknown session is the command's exit 1."""
    assert call(["workshop", "hold", "ABCDEF", "--key-file", "k", "--week", "3"])[0] == 1
    assert call(["workshop", "board", "ABCDEF", "--key-file", "k", "--interval", "0.5"])[0] == 1
    assert call(["serve", "--port", "8123"])[0] == 0


# ---- parallel chunks ----------------------------------------------------------------------


def test_balance_report_is_identical_with_one_or_two_workers(northwind):
    from simulator.balance import report

    kw = dict(games=900, policies=["random", "expert"], seed=2**64 - 5, chunk=300)
    one = report(northwind, workers=1, **kw)
    two = report(northwind, workers=2, **kw)
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)


def test_chunk_policy_seeds_are_spawned_not_consecutive():
    from engine import rng
    from engine.batch import chunk_seeds

    a, b = chunk_seeds(4, 3), chunk_seeds(5, 3)
    assert len(set(a) | set(b)) == 6  # neighbouring seeds share no chunk stream
    assert chunk_seeds(4, 2) == a[:2]  # chunk k's seed does not depend on the chunk count
    want = [int(s.generate_state(1, np.uint64)[0]) for s in np.random.SeedSequence(4).spawn(3)]
    assert a == want
    for bad in (-1, 2**64, True, 1.0):
        with pytest.raises((TypeError, ValueError)):
            rng.validate_seed(bad)
    assert rng.validate_seed(np.uint64(2**64 - 1)) == 2**64 - 1


def _expected(result) -> dict:
    from scoring.scorecard import score

    return {"expected": score(result.trace()).expected_score}


def test_a_game_of_a_parallel_run_replays_alone(northwind):
    """Game i of chunk k: its own game seed and chunk k's policy seed give the same game."""
    from engine.batch import chunk_seeds, simulate, simulate_parallel
    from engine.bots import make_policy
    from engine.state import new_game
    from scoring.scorecard import score

    seeds = np.arange(100, 160, dtype=np.uint64)
    par = simulate_parallel(northwind, seeds, "random", 9, _expected, workers=2, chunk=20)
    k, i = 2, 7  # game 47 of the run
    chunk = simulate(
        northwind, seeds[20 * k : 20 * k + 20], make_policy("random", chunk_seeds(9, 3)[k])
    )
    g = new_game(northwind, int(seeds[20 * k + i]))
    for d in chunk.decisions(i):
        g = g.apply(d)
    assert score(g.trace()).expected_score[0] == par["expected"][20 * k + i]
