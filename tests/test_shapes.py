"""Scenarios of the edge shapes the format allows play and balance without a crash
(issue 11: a legal scenario with exactly one milestone crashed every bot but random)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.cli import main
from simulator.scaffold import render


def _one_milestone(tmp_path: Path) -> Path:
    data = yaml.safe_load(render(Path("acme.yaml")))
    keep = data["milestones"][-1]
    data["milestones"] = [keep]
    for a in data["actions"]:
        prog = a.get("effects", {}).get("progress") or {}
        a.setdefault("effects", {})["progress"] = {k: v for k, v in prog.items() if k == keep["id"]}
    if not any(a["effects"]["progress"] for a in data["actions"]):
        data["actions"][0]["effects"]["progress"] = {keep["id"]: 1.0}
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("policy", ["expert", "greedy", "no_plan", "one_stakeholder", "random"])
def test_one_milestone_balances_with_every_policy(tmp_path, capsys, policy):
    path = _one_milestone(tmp_path)
    assert main(["validate", str(path)]) == 0
    assert main(["balance", str(path), "--games", "60", "--policy", policy, "--json"]) == 0
    assert '"policies"' in capsys.readouterr().out
