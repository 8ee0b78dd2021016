"""Team administration for the facilitator: rename, remove, reset, mark a team as scripted,
bot or test (left out of the class findings), read one team's decision log, and undo a
team's last week. Every operation needs a Facilitator (the key was checked) and leaves
a line in the activity log.

A mark is kept in the team's `policy` column as `mark:KIND` (players have no policy),
so a marked team keeps its seat and passcode: only the results treat it differently.
"""

from __future__ import annotations

from engine.decisions import EndWeek, Start
from engine.state import new_game
from simulator.workshop.codes import check_team_name, name_key
from simulator.workshop.records import decode, refuse
from simulator.workshop.store import TeamAdmin

MARK_PREFIX = "mark:"
MARKS = {"human": None, "scripted": "headless", "bot": "bot", "test": "test"}
TEAM_OPS = ("rename", "remove", "reset", "mark", "log", "undo-week")
DESTRUCTIVE = ("remove", "reset", "undo-week")


def effective_kind(kind: str, policy: str | None) -> str:
    """The kind the results use: a player or headless team's mark, else its own kind."""
    if kind != "bot" and policy and policy.startswith(MARK_PREFIX):
        return policy[len(MARK_PREFIX) :]
    return kind


def _team(fac, name: str) -> dict:
    found = fac.store.team(fac.id, name_key(name or ""))
    if found is None:
        names = ", ".join(t.name for t in fac.store.team_counts(fac.id)) or "none yet"
        raise refuse("team", f"no team '{name}' in session {fac.info.code} (teams: {names})")
    return found


def rename(fac, name: str, new: str) -> str:
    team = _team(fac, name)
    new = check_team_name(new)
    other = fac.store.team(fac.id, name_key(new))
    if other is not None and other["id"] != team["id"]:
        raise refuse("team", f"there is already a team called '{other['name']}'")
    TeamAdmin(fac.store).rename(team["id"], new, name_key(new))
    fac.store.note(fac.id, f"team renamed: {team['name']} → {new}")
    return new


def remove(fac, name: str) -> str:
    team = _team(fac, name)
    TeamAdmin(fac.store).remove(team["id"])
    fac.store.note(fac.id, f"team removed: {team['name']} ({team['n_decisions']} decisions)")
    return team["name"]


def reset(fac, name: str) -> str:
    """Empty a team's log: it starts again from setup at its next join (same seat)."""
    team = _team(fac, name)
    TeamAdmin(fac.store).truncate(team["id"], 0)
    fac.store.note(fac.id, f"team reset: {team['name']} ({team['n_decisions']} decisions)")
    return team["name"]


def mark(fac, name: str, as_: str) -> str:
    """Mark a team human, scripted, bot or test (all but human are left out of the class
    findings); its new effective kind."""
    team = _team(fac, name)
    if as_ not in MARKS:
        raise refuse("mark", f"mark a team as one of {', '.join(MARKS)}", "workshop.input")
    if team["kind"] == "bot":
        raise refuse("mark", f"'{team['name']}' is a bot team; it is left out already")
    kind = MARKS[as_]
    TeamAdmin(fac.store).set_policy(team["id"], None if kind is None else MARK_PREFIX + kind)
    fac.store.note(fac.id, f"team marked {as_}: {team['name']}")
    return effective_kind(team["kind"], None if kind is None else MARK_PREFIX + kind)


def decision_log(fac, name: str) -> list[dict]:
    """One team's decisions for the facilitator's eyes: position, week, the decision."""
    team = _team(fac, name)
    week, out = 0, []
    for n, body in enumerate(fac.store.log(team["id"]), 1):
        d = decode(body)
        out.append({"n": n, "week": week, "kind": d.kind, "decision": d.to_dict()})
        if isinstance(d, Start):
            week = 1
        elif isinstance(d, EndWeek):
            week += 1
    return out


def undo_week(fac, name: str) -> int:
    """Take a team back to the start of its last week played (the week before the one it
    is in; from week 1, back to setup, keeping the setup). Curveballs taken in the span
    are taken again at its next decision. Returns the week it is back in."""
    team = _team(fac, name)
    bodies = fac.store.log(team["id"])
    state = new_game(fac.scenario, fac.info.seed)
    starts: dict[int, int] = {}  # week -> log length when it began
    for n, body in enumerate(bodies):
        d = decode(body)
        state = state.apply(d)
        if isinstance(d, Start | EndWeek):
            starts.setdefault(state.week, n + 1)
    if state.week < 1:
        raise refuse("team", f"'{team['name']}' is still in setup; there is no week to undo")
    back = max(state.week - 1, 0)
    keep = starts.get(back, 0) if back >= 1 else _setup_end(bodies)
    TeamAdmin(fac.store).truncate(team["id"], keep)
    where = f"week {back}" if back else "setup"
    fac.store.note(fac.id, f"week undone: {team['name']} is back at the start of {where}")
    return back


def _setup_end(bodies: list[str]) -> int:
    """The log length before the team's Start (its setup kept)."""
    for n, body in enumerate(bodies):
        if isinstance(decode(body), Start):
            return n
    return len(bodies)


def team_op(fac, op: str, team: str, arg: str | None = None):
    """Run one TEAM_OPS operation (the CLI's and the server's one entry)."""
    if op not in TEAM_OPS:
        raise refuse(
            "team", f"unknown team operation '{op}' ({', '.join(TEAM_OPS)})", "workshop.input"
        )
    if op in ("rename", "mark") and not arg:
        raise refuse("team", f"{op} needs a value", "workshop.input")
    if op == "rename":
        return rename(fac, team, arg)
    if op == "mark":
        return mark(fac, team, arg)
    if op == "log":
        return decision_log(fac, team)
    return {"remove": remove, "reset": reset, "undo-week": undo_week}[op](fac, team)
