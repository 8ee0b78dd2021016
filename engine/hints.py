"""Which of a scenario's hints show now: the designer's tips, timed by the player's view.

A hint's moment (setup, a week, a window) and its conditions are checked against what
the team can see (engine.observe's picture of the deal), never against the hidden truth,
so a hint cannot leak a priority or a stance the player has not earned. Pure functions:
the app calls `active_hints(scenario, observe(state))` after each decision.
"""

from __future__ import annotations

from engine.model import Hint, Scenario


def _moment(hint: Hint, obs: dict) -> bool:
    """The hint's moment holds: setup, its week or window, or any time before the end."""
    w, phase = hint.when, obs["phase"]
    if phase == "ended":
        return False
    if w.setup:
        return phase == "setup"
    if w.week is not None:
        return phase == "week" and obs["week"] == w.week
    if w.window is not None:
        first, last = w.window
        return phase == "week" and first <= obs["week"] <= last
    return True


def _connected(obs: dict) -> dict[str, bool]:
    """Stakeholder id -> someone on the team is their connection point (present ones)."""
    return {st["id"]: bool(st["connected"]) for st in obs["stakeholders"]}


def _even(focus: dict[str, float]) -> bool:
    values = list(focus.values())
    return not values or max(values) - min(values) < 1e-9


def holds(hint: Hint, scenario: Scenario, obs: dict) -> bool:
    """Whether `hint` shows in the game whose player's view is `obs`."""
    if not _moment(hint, obs):
        return False
    w = hint.when
    by_id = {st["id"]: st for st in obs["stakeholders"]}
    linked = _connected(obs)
    if w.if_no_quarterback:
        qb = scenario.quarterback_role.id
        if any(m["role"] == qb for m in obs["team"]):
            return False
    if w.if_unconnected:
        here = [s for s in w.if_unconnected if s in by_id]
        if not here or any(linked[s] for s in here):
            return False
    if w.if_unconnected_roles:
        roles = {r.value for r in w.if_unconnected_roles}
        if not any(st["buying_role"] in roles and not linked[st["id"]] for st in by_id.values()):
            return False
    if w.if_anyone_unconnected and all(linked.values()):
        return False
    for sid, share in w.if_known_below.items():
        st = by_id.get(sid)
        if st is None or 1.0 - st["uncertainty"] >= share:
            return False
    for sid, value in w.if_stance_below.items():
        st = by_id.get(sid)
        if st is None or st["stance_estimate"] >= value:
            return False
    if w.if_focus_even and not _even(obs["focus"]):
        return False
    if w.if_plan_incomplete and all(
        m["owner"] is not None and m["action"] is not None for m in obs["milestones"]
    ):
        return False
    if w.if_request_open and not obs["open_requests"]:
        return False
    if w.if_arrived:
        seen = {e["id"] for e in obs["events"]}
        if not all(e in seen for e in w.if_arrived):
            return False
    return True


def active_hints(scenario: Scenario, obs: dict) -> list[Hint]:
    """The scenario's hints that show now, in file order."""
    return [h for h in scenario.hints if holds(h, scenario, obs)]
