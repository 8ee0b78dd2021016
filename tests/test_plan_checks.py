"""Plans are checked like any other input: weeks outside the deal, decisions after the
customer has decided and empty files each get one located line with a stable code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.loader import find_scenario
from engine.plan import parse_plan, play_plan
from engine.problems import InputError

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "northwind_new_logo.plan.yaml"


def _plan(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _codes(path: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        play_plan(find_scenario("northwind-new-logo"), parse_plan(path))
    return exc.value.codes


@pytest.mark.parametrize("week,code", [(999, "week.range"), (-3, "plan.shape"), (0, "plan.shape")])
def test_a_week_outside_the_deal_is_refused(tmp_path, week, code):
    path = _plan(tmp_path, lambda d: d["weeks"].update({week: [{"do": "end_week"}]}))
    assert _codes(path) == [code]


def test_a_decision_after_the_customer_decided_is_refused(tmp_path):
    scenario = find_scenario("northwind-new-logo")
    state = play_plan(scenario, parse_plan(PLAN))
    assert state.is_over()
    last = max(yaml.safe_load(PLAN.read_text(encoding="utf-8"))["weeks"])
    run = {"action": "account_review", "member": "maya"}

    def late(d):
        d["weeks"].setdefault(min(last + 1, scenario.deal.weeks), []).append(run)

    assert _codes(_plan(tmp_path, late)) == ["plan.illegal"]


def test_an_empty_plan_is_an_empty_file(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        parse_plan(path)
    assert exc.value.codes == ["yaml.empty"]
