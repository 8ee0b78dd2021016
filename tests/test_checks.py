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
        "ref.unknown",
    ),
    (
        "misspelt progress milestone",
        [("progress: {signed: 0.5}", "progress: {singed: 0.5}")],
        "singed",
        "ref.unknown",
    ),
    (
        "misspelt event priority stakeholder",
        [("        cfo: {cost: 0.3", "        cfoo: {cost: 0.3")],
        "cfoo",
        "ref.unknown",
    ),
    (
        "misspelt event priority dimension",
        [("cfo: {cost: 0.3, risk: 0.2, speed: 0.5}", "cfo: {cost: 0.3, risk: 0.2, sped: 0.5}")],
        "sped",
        "ref.unknown",
    ),
    (
        "misspelt condition stakeholder",
        [("when: {week: 4}", "when: {week: 4, if_unconnected: [it_led]}")],
        "it_led",
        "ref.unknown",
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
        "ref.unknown",
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
        "role.quarterback",
    ),
    (
        "no quarterback",
        [("    quarterback: true\n", "")],
        "roles:",
        "role.quarterback",
    ),
    (
        "influences not summing",
        [("    influence: 0.2\n", "    influence: 0.25\n")],
        "stakeholders:",
        "stakeholder.influence",
    ),
    (
        "duplicate id",
        [("  - id: alex\n", "  - id: sam\n")],
        "id: ^sam\n    name: Alex",
        "ref.duplicate",
    ),
    (
        "unreachable milestone",
        [
            ("      progress: {solution_agreed: 1.5}\n", "      progress: {signed: 0.5}\n"),
            ("progress: {solution_agreed: 0.5, signed: 1.5}", "progress: {signed: 1.5}"),
        ],
        "solution_agreed\n",
        "milestone.unreachable",
    ),
    (
        "event week past the end",
        [("when: {week: 4}", "when: {week: 9}")],
        "{week: ^9}",
        "week.range",
    ),
    (
        "window out of range",
        [("window: [3, 6]", "window: [0, 6]")],
        "[0, 6]",
        "week.range",
    ),
    (
        "window backwards",
        [("window: [3, 6]", "window: [6, 3]")],
        "[6, 3]",
        "week.range",
    ),
    (
        "event that never fires",
        [("    curveball: true         # only a facilitator can fire it, in a workshop\n", "")],
        "id: budget_freeze",
        "event.trigger",
    ),
    (
        "headcount too small",
        [("  headcount: 3\n", "  headcount: 1\n")],
        "1\n  weekly_budget",
        "team.unstaffable",
    ),
    (
        "budget too small",
        [("  weekly_budget: 10000\n", "  weekly_budget: 3999\n")],
        "3999",
        "team.unstaffable",
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
        "team.unstaffable",
    ),
    (
        "member unavailable forever",
        [("    weekly_cost: 1500\n", "    weekly_cost: 1500\n    available_until: 0\n")],
        "available_until: ^0",
        "field.range",
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
        "week.range",
    ),
    (
        "stakeholder with no priority",
        [("{cost: 0.1, risk: 0.2, speed: 0.7}", "{cost: 0, risk: 0, speed: 0}")],
        "{cost: 0, risk",
        "stakeholder.priority",
    ),
    (
        "scoring weights all zero",
        [("facilitator:\n", "scoring: {internal: 0, external: 0}\nfacilitator:\n")],
        "{internal: 0",
        "scoring.weights",
    ),
]


@pytest.mark.parametrize("name,pairs,at,code", ERRORS, ids=[e[0] for e in ERRORS])
def test_error(tmp_path, name, pairs, at, code):
    text = edit(*pairs)
    p = only(tmp_path, text)
    assert p.code == code
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
        "lint.unreachable",
    ),
    (
        "action targeting nobody",
        [("    targets: [economic]\n", "    targets: [coach]\n")],
        "[coach]",
        "lint.unusable-action",
    ),
    (
        "event with probability 0",
        [("{probability: 0.3, window", "{probability: 0, window")],
        "probability: ^0,",
        "lint.never-fires",
    ),
    (
        "event with impossible stance condition",
        [("when: {week: 4}", "when: {week: 4, if_stance_below: {cfo: -1}}")],
        "-1}}",
        "lint.never-fires",
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
        "lint.ignored",
    ),
    (
        "window with a fixed week",
        [("when: {week: 4}", "when: {week: 4, window: [2, 5]}")],
        "window: [2, 5]",
        "lint.ignored",
    ),
    (
        "event that changes nothing",
        [("      budget: -1500\n", "      budget: 0\n")],
        "budget: 0",
        "lint.no-effect",
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
        "lint.before-join",
    ),
    (
        "member who fits no role",
        [
            ("{selling: 0.4, technical: 0.2, executive: 0.1}", "{}"),
        ],
        "alex",
        "lint.roster",
    ),
    (
        "member who can never be afforded",
        [("    weekly_cost: 4000\n", "    weekly_cost: 12000\n")],
        "12000",
        "lint.roster",
    ),
    (
        "member with too few hours",
        [("    capacity: 6\n", "    capacity: 1\n")],
        "1\n    traits: [well",
        "lint.roster",
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
        "lint.unused",
    ),
    (
        "unused dimension",
        [("  - id: speed\n", "  - id: fun\n    name: Fun\n  - id: speed\n")],
        "fun",
        "lint.unused",
    ),
    (
        "no economic buyer",
        [
            ("    buying_role: economic   # economic", "    buying_role: user   # economic"),
        ],
        "stakeholders:",
        "lint.no-economic-buyer",
    ),
    (
        "required role whose only skill nobody has",
        [
            (
                "    name: Executive presence\n",
                "    name: Executive presence\n  - id: legal\n    name: Legal\n",
            ),
            ("needs: {technical: 0.8, selling: 0.2}", "needs: {legal: 1.0}"),
        ],
        "needs: {^legal",
        "lint.role-unfit",
    ),
    (
        "action with no effects",
        [("{share_knowledge: true, morale: 0.03, progress: {discovery_done: 0.5}}", "{}")],
        "    hours: 2\n    skills: {selling: 1.0}\n    ^effects: {}",
        "lint.action-no-effect",
    ),
    (
        "action whose effects are all 0",
        [
            (
                "{share_knowledge: true, morale: 0.03, progress: {discovery_done: 0.5}}",
                "{morale: 0, progress: {discovery_done: 0}}",
            )
        ],
        "    ^effects: {morale: 0,",
        "lint.action-no-effect",
    ),
    (
        "stakeholder with no influence",
        [
            ("    influence: 0.5\n", "    influence: 0.7\n"),
            ("    influence: 0.2\n", "    influence: 0\n"),
        ],
        "influence: ^0\n",
        "lint.no-influence",
    ),
    (
        "chemistry pair never available together",
        [
            (
                "    capacity: 20            # hours a week for this deal\n",
                "    capacity: 20\n    available_until: 3\n",
            ),
            (
                "    capacity: 20\n    traits: [precise]",
                "    capacity: 20\n    available_from: 4\n    traits: [precise]",
            ),
        ],
        "members: ^[sam, kim]",
        "lint.chemistry-apart",
    ),
    (
        "role no action uses",
        [
            ("roles: [quarterback, executive_sponsor]", "roles: [quarterback]"),
            ("    hours: 2\n", "    hours: 2\n    roles: [quarterback]\n"),
        ],
        "  - id: ^executive_sponsor",
        "lint.role-unused",
    ),
    (
        "milestone effort out of reach",
        [
            (
                "  - id: signed\n",
                "  - id: legal_ok\n    name: Legal OK\n    effort: 50\n    target_week: 7\n"
                "  - id: signed\n",
            ),
            (
                "progress: {discovery_done: 0.5}}",
                "progress: {discovery_done: 0.5, legal_ok: 0.05}}",
            ),
        ],
        "effort: ^50",
        "lint.effort",
    ),
]


@pytest.mark.parametrize("name,pairs,at,code", WARNINGS, ids=[w[0] for w in WARNINGS])
def test_warning(tmp_path, name, pairs, at, code):
    text = edit(*pairs)
    problems = run(tmp_path, text)
    assert all(p.severity == "warning" for p in problems), problems
    matching = [p for p in problems if p.code == code and (p.line, p.col) == pos(text, at)]
    assert matching, problems
    assert (matching[0].line, matching[0].col) == pos(text, at)


def test_unused_dimension_counts_event_weights_above_zero(tmp_path):
    text = edit(
        ("  - id: speed\n", "  - id: fun\n    name: Fun\n  - id: speed\n"),
        ("cfo: {cost: 0.3, risk: 0.2, speed: 0.5}", "cfo: {cost: 0.3, risk: 0.2, fun: 0}"),
    )
    assert any(p.code == "lint.unused" and "'fun'" in p.message for p in run(tmp_path, text))


def test_rules_and_lints_are_documented():
    assert len(RULES) >= 8 and len(LINTS) >= 6


def test_effort_within_reach_of_the_best_team_is_clean(tmp_path):
    """The bound is the best team at full capacity: an effort it can just reach is fine."""
    text = edit(
        (
            "  - id: signed\n",
            "  - id: legal_ok\n    name: Legal OK\n    effort: 10\n    target_week: 7\n"
            "  - id: signed\n",
        ),
        ("progress: {discovery_done: 0.5}}", "progress: {discovery_done: 0.5, legal_ok: 0.05}}"),
    )
    assert [p.code for p in run(tmp_path, text)] == []


def test_zero_influence_raised_by_an_event_is_clean(tmp_path):
    text = edit(
        ("    influence: 0.5\n", "    influence: 0.7\n"),
        ("    influence: 0.2\n", "    influence: 0\n"),
        ("      competition: 0.1\n", "      competition: 0.1\n      influence: {store_ops: 0.2}\n"),
    )
    assert run(tmp_path, text) == []


def test_any_role_action_uses_every_role(tmp_path):
    """An action with no `roles` may be run by any role, so no role is unused."""
    text = edit(("roles: [quarterback, executive_sponsor]", "roles: [quarterback]"))
    assert run(tmp_path, text) == []
