"""Cross-reference errors and lint warnings, each at the node to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.checks import LINTS, RULES
from engine.loader import validate_file
from simulator.scaffold import render

BASE = render(Path("acme_deal.yaml"))


def edit(*pairs: tuple[str, str]) -> str:
    text = BASE
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def pos(text: str, needle: str) -> tuple[int, int]:
    """(line, col) of needle in text; with a '^' in it, of the character after the '^'."""
    before, _, after = needle.rpartition("^")
    i = text.index(before + after) + len(before)
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def run(tmp_path: Path, text: str):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return validate_file(path)


def only(tmp_path, text, severity="error"):
    problems = [p for p in run(tmp_path, text) if p.severity == severity]
    assert len(problems) == 1, problems
    return problems[0]


def test_base_is_clean(tmp_path):
    assert run(tmp_path, BASE) == []


# -- errors ---------------------------------------------------------------------------

ERRORS = [
    (
        "misspelt action role",
        [("roles: [quarterback]\n", "roles: [quaterback]\n")],
        "quaterback",
        "role 'quaterback' is referenced by action 'proposal' but not defined "
        "(did you mean 'quarterback'?)",
    ),
    (
        "misspelt progress milestone",
        [("progress: {signed: 0.5}", "progress: {singed: 0.5}")],
        "singed",
        "milestone 'singed' is referenced by action 'exec_briefing' but not defined "
        "(did you mean 'signed'?)",
    ),
    (
        "misspelt event priority stakeholder",
        [("        cfo: {cost: 0.3", "        cfoo: {cost: 0.3")],
        "cfoo",
        "stakeholder 'cfoo' is referenced by event 'peak_season' but not defined "
        "(did you mean 'cfo'?)",
    ),
    (
        "misspelt event priority dimension",
        [("cfo: {cost: 0.3, risk: 0.2, speed: 0.5}", "cfo: {cost: 0.3, risk: 0.2, sped: 0.5}")],
        "sped",
        "priority dimension 'sped' is referenced by event 'peak_season' but not defined "
        "(did you mean 'speed'?)",
    ),
    (
        "misspelt condition stakeholder",
        [("when: {week: 4}", "when: {week: 4, if_unconnected: [it_led]}")],
        "it_led",
        "stakeholder 'it_led' is referenced by event 'peak_season' but not defined "
        "(did you mean 'it_lead'?)",
    ),
    (
        "misspelt request stakeholder",
        [
            (
                "      budget: -1500\n",
                "      budget: -1500\n      request: {skill: technical, stakeholder: store}\n",
            )
        ],
        "store}",
        "stakeholder 'store' is referenced by event 'budget_freeze' but not defined "
        "(did you mean 'store_ops'?)",
    ),
    (
        "two quarterbacks",
        [
            (
                "    needs: {technical: 0.8, selling: 0.2}\n",
                "    quarterback: true\n    needs: {technical: 0.8, selling: 0.2}\n",
            )
        ],
        "quarterback: true\n    needs: {technical",
        "role 'solution_consultant' is a second quarterback ('quarterback' already is): "
        "exactly one role may be",
    ),
    (
        "no quarterback",
        [("    quarterback: true\n", "")],
        "roles:",
        "no role is the quarterback: mark exactly one role with 'quarterback: true'",
    ),
    (
        "influences not summing",
        [("    influence: 0.2\n", "    influence: 0.25\n")],
        "stakeholders:",
        "influence of the stakeholders present at the start sums to 1.05; it must sum to 1",
    ),
    (
        "duplicate id",
        [("  - id: alex\n", "  - id: sam\n")],
        "id: ^sam\n    name: Alex",
        "duplicate id 'sam' in roster (first defined on line {line})",
    ),
    (
        "unreachable milestone",
        [
            ("      progress: {solution_agreed: 1.5}\n", "      progress: {signed: 0.5}\n"),
            ("progress: {solution_agreed: 0.5, signed: 1.5}", "progress: {signed: 1.5}"),
        ],
        "solution_agreed\n",
        "milestone 'solution_agreed' cannot be reached: no action adds progress to it",
    ),
    (
        "event week past the end",
        [("when: {week: 4}", "when: {week: 9}")],
        "{week: ^9}",
        "event 'peak_season' fires in week 9; the deal has 8 weeks",
    ),
    (
        "window out of range",
        [("window: [3, 6]", "window: [0, 6]")],
        "[0, 6]",
        "event 'shelfwise_discount' window [0, 6] must lie within weeks 1..8, first week first",
    ),
    (
        "window backwards",
        [("window: [3, 6]", "window: [6, 3]")],
        "[6, 3]",
        "event 'shelfwise_discount' window [6, 3] must lie within weeks 1..8, first week first",
    ),
    (
        "event that never fires",
        [("    curveball: true         # only a facilitator can fire it, in a workshop\n", "")],
        "id: budget_freeze",
        "event 'budget_freeze' never fires: give it a week or a probability, or mark it a "
        "curveball",
    ),
    (
        "headcount too small",
        [("  headcount: 3\n", "  headcount: 1\n")],
        "1\n  weekly_budget",
        "the roles need at least 2 people but the headcount limit is 1",
    ),
    (
        "budget too small",
        [("  weekly_budget: 10000\n", "  weekly_budget: 3999\n")],
        "3999",
        "the cheapest team that fills the required roles (2 people) costs 4,000 a week; "
        "the budget is 3,999",
    ),
    (
        "too few people available in week 1",
        [
            (
                "    capacity: 20            # hours",
                "    available_from: 2\n    capacity: 20   # h",
            ),
            ("    weekly_cost: 2500\n", "    weekly_cost: 2500\n    available_from: 3\n"),
            ("    weekly_cost: 4000\n", "    weekly_cost: 4000\n    available_from: 2\n"),
        ],
        "roster:",
        "the roles need 2 people in week 1 but only 1 roster member(s) are available then",
    ),
    (
        "member unavailable forever",
        [("    weekly_cost: 1500\n", "    weekly_cost: 1500\n    available_until: 0\n")],
        "available_until: ^0",
        "roster[2].available_until: must be at least 1 (got 0)",
    ),
    (
        "member available until before from",
        [
            (
                "    weekly_cost: 1500\n",
                "    weekly_cost: 1500\n    available_from: 4\n    available_until: 3\n",
            )
        ],
        "3\n    capacity: 24",
        "roster member 'alex' is available until week 3, before week 4",
    ),
    (
        "stakeholder with no priority",
        [("{cost: 0.1, risk: 0.2, speed: 0.7}", "{cost: 0, risk: 0, speed: 0}")],
        "{cost: 0, risk",
        "stakeholder 'store_ops' has no non-zero priority",
    ),
    (
        "scoring weights all zero",
        [("facilitator:\n", "scoring: {internal: 0, external: 0}\nfacilitator:\n")],
        "{internal: 0",
        "scoring weights internal and external are both 0; alignment needs one of them",
    ),
]


@pytest.mark.parametrize("name,pairs,at,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_error(tmp_path, name, pairs, at, message):
    text = edit(*pairs)
    p = only(tmp_path, text)
    if "{line}" in message:
        message = message.format(line=pos(text, "id: sam")[0])
    assert p.message == message
    assert (p.line, p.col) == pos(text, at)


def test_errors_suppress_lint(tmp_path):
    text = edit(
        ("when: {week: 4}", "when: {week: 9}"), ("      budget: -1500\n", "      budget: 0\n")
    )
    assert all(p.severity == "error" for p in run(tmp_path, text))


def test_joins_week_one_counts_as_present(tmp_path):
    text = edit(("    notes: Ran the ShelfWise trial.\n", "    joins_week: 1\n    notes: x\n"))
    assert run(tmp_path, text) == []


def test_joining_stakeholder_is_not_in_the_starting_sum(tmp_path):
    joiner = (
        "  - id: ceo\n    name: Pat Moss\n    title: CEO\n    buying_role: economic\n"
        "    influence: 0.4\n    priorities: {speed: 1}\n    joins_week: 5\n"
    )
    text = edit(("roster:\n", joiner + "roster:\n"))
    assert run(tmp_path, text) == []


# -- warnings -------------------------------------------------------------------------

WARNINGS = [
    (
        "stakeholder no action can reach",
        [
            ("    buying_role: user\n", "    buying_role: coach\n"),
        ],
        "buying_role: ^coach\n",
        "no action can reach stakeholder 'store_ops': no action targets coach buyers",
    ),
    (
        "action targeting nobody",
        [("    targets: [economic]\n", "    targets: [coach]\n")],
        "[coach]",
        "action 'exec_briefing' can never be used: it targets coach buyers and the buying team "
        "has none",
    ),
    (
        "event with probability 0",
        [("{probability: 0.3, window", "{probability: 0, window")],
        "probability: ^0,",
        "event 'shelfwise_discount' can never fire: its probability is 0",
    ),
    (
        "event with impossible stance condition",
        [("when: {week: 4}", "when: {week: 4, if_stance_below: {cfo: -1}}")],
        "-1}}",
        "event 'peak_season' can never fire: stance never goes below -1",
    ),
    (
        "curveball with a schedule",
        [
            (
                "    curveball: true         # only a facilitator can fire it, in a workshop\n",
                "    curveball: true\n    when: {week: 3}\n",
            )
        ],
        "{week: 3}",
        "event 'budget_freeze' is a curveball, so its 'when' is ignored: only a facilitator "
        "can fire it",
    ),
    (
        "window with a fixed week",
        [("when: {week: 4}", "when: {week: 4, window: [2, 5]}")],
        "window: [2, 5]",
        "event 'peak_season' fires in week 4; its window only applies to a probability",
    ),
    (
        "event that changes nothing",
        [("      budget: -1500\n", "      budget: 0\n")],
        "budget: 0",
        "event 'budget_freeze' changes nothing: its effects are empty",
    ),
    (
        "event changes a stakeholder before they join",
        [
            (
                "roster:\n",
                "  - id: ceo\n    name: Pat Moss\n    title: CEO\n    buying_role: economic\n"
                "    influence: 0.4\n    priorities: {speed: 1}\n    joins_week: 5\n"
                "roster:\n",
            ),
            (
                "    when: {week: 4}\n    effects:\n",
                "    when: {week: 4}\n    effects:\n      stance: {ceo: 0.1}\n",
            ),
        ],
        "4}\n    effects:\n      stance",
        "event 'peak_season' in week 4 changes stakeholder 'ceo', who only joins in week 5",
    ),
    (
        "member who fits no role",
        [
            ("{selling: 0.4, technical: 0.2, executive: 0.1}", "{}"),
        ],
        "alex",
        "roster member 'alex' fits no role: they have none of the skills any role needs",
    ),
    (
        "member who can never be afforded",
        [("    weekly_cost: 4000\n", "    weekly_cost: 12000\n")],
        "12000",
        "roster member 'morgan' can never be staffed: they cost 12,000 a week and the budget "
        "is 10,000",
    ),
    (
        "member with too few hours",
        [("    capacity: 6\n", "    capacity: 1\n")],
        "1\n    traits: [well",
        "roster member 'morgan' can run no action: 1 hours a week, and the shortest action takes 2",
    ),
    (
        "unused skill",
        [
            (
                "    name: Executive presence\n",
                "    name: Executive presence\n  - id: golf\n    name: Golf\n",
            ),
        ],
        "golf",
        "skill 'golf' is never used: no role needs it, no action uses it and no event requests it",
    ),
    (
        "unused dimension",
        [("  - id: speed\n", "  - id: fun\n    name: Fun\n  - id: speed\n")],
        "fun",
        "priority dimension 'fun' matters to nobody: no stakeholder gives it a weight",
    ),
    (
        "no economic buyer",
        [
            ("    buying_role: economic   # economic", "    buying_role: user   # economic"),
        ],
        "stakeholders:",
        "no stakeholder is the economic buyer",
    ),
]


@pytest.mark.parametrize("name,pairs,at,message", WARNINGS, ids=[w[0] for w in WARNINGS])
def test_warning(tmp_path, name, pairs, at, message):
    text = edit(*pairs)
    problems = run(tmp_path, text)
    assert all(p.severity == "warning" for p in problems), problems
    matching = [p for p in problems if p.message == message]
    assert matching, problems
    assert (matching[0].line, matching[0].col) == pos(text, at)


def test_unused_dimension_counts_event_weights_above_zero(tmp_path):
    text = edit(
        ("  - id: speed\n", "  - id: fun\n    name: Fun\n  - id: speed\n"),
        ("cfo: {cost: 0.3, risk: 0.2, speed: 0.5}", "cfo: {cost: 0.3, risk: 0.2, fun: 0}"),
    )
    assert any("'fun' matters to nobody" in p.message for p in run(tmp_path, text))


def test_rules_and_lints_are_documented():
    assert len(RULES) >= 8 and len(LINTS) >= 6
