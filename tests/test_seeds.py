"""Seeds written in plans and saved game logs are range-checked where they are read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.log import FORMAT, GameLog
from engine.plan import parse_plan
from engine.problems import InputError

ROOT = Path(__file__).resolve().parent.parent
PLAN = (ROOT / "plans" / "northwind_new_logo.plan.yaml").read_text(encoding="utf-8")
BAD = ["-1", "18446744073709551616", "3.7", "true", "'7'"]


def _with_seed(text: str, seed: str) -> str:
    lines = [ln for ln in text.splitlines() if not ln.startswith("seed:")]
    return "\n".join([f"seed: {seed}", *lines]) + "\n"


@pytest.mark.parametrize("seed", BAD)
def test_a_plan_with_a_bad_seed_is_refused_at_the_seed(tmp_path, seed):
    path = tmp_path / "p.yaml"
    path.write_text(_with_seed(PLAN, seed), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        parse_plan(path)
    [p] = exc.value.problems
    assert (p.code, p.line) == ("seed.range", 1)


def test_the_largest_seed_is_a_good_plan_seed(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(_with_seed(PLAN, str(2**64 - 1)), encoding="utf-8")
    assert parse_plan(path).seed == 2**64 - 1


@pytest.mark.parametrize("seed", [-1, 2**64, 3.7, True, "7", None])
def test_a_saved_log_with_a_bad_seed_is_refused(tmp_path, seed):
    data = {"format": FORMAT, "scenario": "x", "content_hash": "h", "decisions": [], "seed": seed}
    path = tmp_path / "save.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        GameLog.load(path)
    assert exc.value.codes == ["seed.range"]
