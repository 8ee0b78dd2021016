"""`dealcraft balance NEW --against OLD`: both versions on the same seeds, what moved."""

import json
from pathlib import Path

import pytest

from engine.loader import load_scenario
from simulator.balance_diff import compare, render
from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
OLD = ROOT / "scenarios" / "northwind_new_logo.yaml"
POLICIES = ["random", "expert", "no_plan"]


@pytest.fixture
def new_path(tmp_path):
    text = OLD.read_text()
    edited = text.replace("    when: {week: 7}\n", "    when: {week: 5}\n", 1)  # cfo_scrutiny
    edited = edited.replace("  - id: peak_brought_forward", "  - id: peak_early", 1)
    assert edited != text
    path = tmp_path / "northwind_v2.yaml"
    path.write_text(edited)
    return path


def test_a_version_against_itself_moves_nothing():
    s = load_scenario(OLD)
    rep = compare(s, s, 40, POLICIES, seed=3, workers=1)
    assert rep["moved"] == []
    for r in rep["policies"]:
        assert r["win_rate"]["change"] == 0 and r["expected_score"]["change_ci"] == [0.0, 0.0]
    assert "Nothing moved" in render(rep)


def test_an_edit_shows_where_it_moved(new_path):
    new, old = load_scenario(new_path), load_scenario(OLD)
    rep = compare(new, old, 60, POLICIES, seed=0, workers=1)
    assert rep["new"]["content_hash"] != rep["old"]["content_hash"]
    events = {r["event"]: r for r in rep["events"]}
    assert events["cfo_scrutiny"]["median_week"] == [7.0, 5.0]
    assert rep["events_added"] == ["peak_early"] and rep["events_removed"] == [
        "peak_brought_forward"
    ]
    expert = next(r for r in rep["policies"] if r["policy"] == "expert")
    lo, hi = expert["expected_score"]["change_ci"]
    assert lo <= expert["expected_score"]["change"] <= hi
    assert expert["expected_score"]["moved"] == (lo > 0 or hi < 0)
    assert {r["practice"] for r in rep["lessons"]} == {"milestones"}  # the probe played
    assert [r["milestone"] for r in rep["milestones"]] == [m.id for m in new.milestones]
    text = render(rep)
    assert "cfo_scrutiny" in text and "added: peak_early" in text and "7→5" in text


def test_cli_text_json_and_errors(new_path, capsys):
    args = ["balance", str(new_path), "--against", str(OLD), "--games", "20", "--policy", "expert"]
    assert main(args) == 0
    assert "Balance diff" in capsys.readouterr().out
    assert main([*args, "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert {"new", "old", "policies", "lessons", "events", "milestones", "moved"} <= set(rep)
    assert main(["balance", str(new_path), "--against", "no-such-scenario"]) == 1
    err = capsys.readouterr().err
    assert "scenario.not-found" in err and "Traceback" not in err


def test_every_diff_key_is_documented(new_path):
    doc = (ROOT / "docs" / "balance-report.md").read_text()
    rep = compare(load_scenario(new_path), load_scenario(OLD), 10, POLICIES, workers=1)
    keys = set(rep)
    for table in ("policies", "lessons", "events", "milestones"):
        for row in rep[table]:
            keys |= set(row)
            keys |= {k for v in row.values() if isinstance(v, dict) for k in v}
    assert [k for k in sorted(keys) if f"`{k}`" not in doc] == []
