"""Text inputs cannot be made to hang or flood the screen (issue 11).

Every Textual `Input` the game composes has a length cap, and its `restrict` pattern
cannot backtrack: no unbounded quantifier over something that repeats itself (Textual's
own number patterns have one, and a pasted run of digits then pinned a core). The
palette's search field (Textual's, the one free-text field on the game screens) takes a
10,000-character paste, and a bad value read back from a save is quoted only in part.
"""

from __future__ import annotations

import ast
import asyncio
import json
import re
from pathlib import Path

import pytest

try:
    import re._parser as sre_parse  # Python 3.11+
    from re._constants import MAXREPEAT
except ImportError:  # pragma: no cover
    import sre_parse
    from sre_constants import MAXREPEAT

from support.app import make_app, northwind_game
from textual import events
from textual.command import CommandPalette
from textual.widgets import Input

from engine.decisions import Focus, Plan, from_dict
from engine.problems import InputError
from simulator.saves import Session

ROOT = Path(__file__).resolve().parent.parent
LONG = "9" * 10_000
REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT}


def _repeats(parsed) -> list[tuple[int, object]]:
    """(max count, body) of every quantifier in a parsed pattern, nested ones included."""
    out = []
    for op, arg in parsed:
        if op in REPEATS:
            lo, hi, body = arg
            out.append((hi, body))
            out += _repeats(body)
        elif op == sre_parse.SUBPATTERN:
            out += _repeats(arg[-1])
        elif op == sre_parse.BRANCH:
            for alt in arg[1]:
                out += _repeats(alt)
    return out


def cannot_backtrack(pattern: str) -> bool:
    """True when no unbounded quantifier contains another quantifier or an alternation:
    the shape that makes a failed match try exponentially many splits."""
    for hi, body in _repeats(sre_parse.parse(pattern)):
        if hi == MAXREPEAT:
            if _repeats(body) or any(op == sre_parse.BRANCH for op, _ in body):
                return False
    return True


def test_the_backtracking_check_tells_safe_from_catastrophic():
    assert cannot_backtrack(r"\d{0,3}(\.\d{0,2})?")
    assert cannot_backtrack(r"[0-9]*")
    assert not cannot_backtrack(r"(\d+)*x")
    assert not cannot_backtrack(r"^[-+]?(?:\d*|\d+_)*\.?\d*$")  # Textual's old number shape


def _input_calls():
    """Every `Input(...)` call in the simulator's source, with the module's constants."""
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        consts = {
            t.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Input":
                yield path.relative_to(ROOT), node, consts


def test_every_input_has_a_cap_and_a_pattern_that_cannot_backtrack():
    seen = 0
    for path, call, consts in _input_calls():
        seen += 1
        kw = {k.arg: k.value for k in call.keywords}
        where = f"{path}:{call.lineno}"
        cap = kw.get("max_length")
        assert isinstance(cap, ast.Constant) and 0 < cap.value <= 200, f"{where}: no max_length"
        if "restrict" in kw:
            node = kw["restrict"]
            pattern = node.value if isinstance(node, ast.Constant) else consts.get(node.id)
            assert isinstance(pattern, str), f"{where}: restrict is not a known pattern"
            assert cannot_backtrack(pattern), f"{where}: {pattern!r} can backtrack"
            # a 10,000-digit paste then a letter: a pattern that backtracks never returns
            assert re.fullmatch(pattern, LONG + "x") is None
        kind = kw.get("type")
        assert not (isinstance(kind, ast.Constant) and kind.value in ("number", "integer")), (
            f"{where}: Textual's number and integer types use patterns that backtrack"
        )
    assert seen >= 1  # the board's fields; the game screens compose no Input of their own


@pytest.mark.usefixtures("home", "fast_pilot")
def test_a_10k_paste_into_the_palette_search_is_handled():
    async def run():
        app = make_app(northwind_game(weeks=0))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            field = app.screen.query_one(Input)
            field.post_message(events.Paste(LONG + "x"))
            await pilot.pause()
            await pilot.pause(0.1)
            assert field.value.endswith("x")
            await pilot.press("escape")
            await pilot.pause()
            assert app.is_running and app.return_code is None

    asyncio.run(run())


@pytest.mark.parametrize(
    "decision",
    [
        {"do": "focus", "weights": {"cost": LONG + "x"}},
        {"do": "focus", "weights": {LONG: "x"}},
        {"do": "plan", "milestone": "m", "owner": "o", "action": "a", "due": LONG + "x"},
        {"do": "staff", "member": [LONG]},
        {"do": LONG},
        {"do": "end_week", LONG: 1},
    ],
    ids=["weight", "dimension", "due", "member", "kind", "field"],
)
def test_a_huge_bad_value_is_quoted_only_in_part(decision):
    with pytest.raises(ValueError) as got:
        from_dict(decision)
    assert len(str(got.value)) < 200


def test_numbers_still_read_as_numbers():
    assert from_dict({"do": "focus", "weights": {"cost": "40", "risk": 60}}) == Focus(
        {"cost": 40.0, "risk": 60.0}
    )
    assert from_dict({"do": "plan", "milestone": "m", "owner": "o", "action": "a", "due": "3"}) == (
        Plan("m", "o", "a", 3)
    )


@pytest.mark.usefixtures("home")
def test_a_save_with_a_10k_digit_weight_gives_a_short_reason():
    s = northwind_game("team")
    last = json.loads(s.path.read_text().splitlines()[-1])  # a save: one record a line
    bad = {**last, "n": last["n"] + 1, "decision": {"do": "focus", "weights": {"cost": LONG + "x"}}}
    with s.path.open("a") as f:
        f.write(json.dumps(bad) + "\n")
    s.path.with_name(s.path.name + ".lock").unlink(missing_ok=True)
    with pytest.raises(InputError) as got:
        Session.resume(s.path)
    (problem,) = got.value.problems
    assert problem.code in ("log.format", "save.damaged", "log.illegal")
    assert len(problem.message) < 200
