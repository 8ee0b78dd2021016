"""The weekly report: what a week changed at the customer and on the team, and why.

Built from the game log alone (the states at the start of the week and of the next one,
replayed), so a resumed or replayed game shows the same report. It reads only what the
team can see: the stance as the team reads it, the knowledge shown as "Known", morale,
requests and the events that arrived.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.observe import observe
from engine.state import GameState, new_game
from scoring import alignment as al
from simulator.labels import first_name

OVERLOADED = 0.95  # share of a member's hours that counts as overloaded, as the rules do


@dataclass(frozen=True)
class StakeholderChange:
    name: str
    stance_before: str
    stance_after: str
    stance_delta: float  # the team's reading, after minus before
    known_before: float
    known_after: float
    causes: tuple[str, ...]


@dataclass(frozen=True)
class WeekReport:
    week: int
    stakeholders: tuple[StakeholderChange, ...]
    requests: tuple[str, ...]
    morale_before: float
    morale_after: float
    morale_causes: tuple[str, ...]
    arrived: tuple[str, ...]  # events and joiners that arrived for the next week

    def headline(self) -> str:
        """The week in one or two lines, for the event log."""
        moved = sorted(self.stakeholders, key=lambda x: -abs(x.stance_delta))
        parts = []
        for x in moved[:2]:
            if x.stance_before != x.stance_after:
                parts.append(f"{first_name(x.name)} {x.stance_before} → {x.stance_after}")
        if round(self.morale_after * 100) != round(self.morale_before * 100):
            why = f" ({self.morale_causes[0]})" if self.morale_causes else ""
            parts.append(f"morale {self.morale_before:.0%} → {self.morale_after:.0%}{why}")
        parts += list(self.requests[:1])
        return "; ".join(parts) or "no visible change at the customer"


def _starts(history: tuple) -> list[int]:
    """Decisions kept at the start of each week: index w-1 holds week w's."""
    return [n + 1 for n, d in enumerate(history) if d.kind in ("start", "end_week")]


def _replay(state: GameState, upto: int) -> GameState:
    s = new_game(state.scenario, state.seed)
    for d in state.history[:upto]:
        s = s.apply(d)
    return s


def weeks_reported(state: GameState) -> int:
    """The last week that has a report: the last one the team finished."""
    return state.week if state.is_over() else max(state.week - 1, 0)


def week_report(state: GameState, week: int) -> WeekReport:
    """The report on `week` (1-based, finished) of the game `state` is part of."""
    starts = _starts(state.history)
    if not 1 <= week <= len(starts) - 1:
        raise ValueError(f"week {week} has not been played to its end")
    before, after = _replay(state, starts[week - 1]), _replay(state, starts[week])
    return compare(before, after, state.history[starts[week - 1] : starts[week]], week)


def compare(before: GameState, after: GameState, decisions, week: int) -> WeekReport:
    """What changed between the start of `week` (`before`) and the start of the next."""
    s, c = before.scenario, before.compiled
    ob, oa = observe(before), observe(after)
    then = {x["id"]: x for x in ob["stakeholders"]}
    member = {m.id: first_name(m.name) for m in s.roster}
    action = {a.id: a for a in s.actions}
    runs = [d for d in decisions if d.kind == "run"]
    events = {e.id: e for e in s.events}
    fired = [
        e
        for w, e in after.fired_events()
        if (w == week + 1 or (after.is_over() and w > week)) and not events[e].effects.silent
    ]
    missed_now = after.batch.request_missed[0] & ~before.batch.request_missed[0]
    people = []
    for x in oa["stakeholders"]:
        j = c.stakeholders.index(x["id"])
        prev = then.get(x["id"])
        causes = _meetings([r for r in runs if r.target == x["id"]], member, action)
        for e in fired:
            change = events[e].effects.stance.get(x["id"], 0.0)
            if change:
                causes.append(f"{events[e].name} ({'+' if change > 0 else '−'})")
        for e in np.flatnonzero(missed_now):
            if events[c.events[e]].effects.request.stakeholder == x["id"]:
                causes.append("their request went unanswered")
        if prev is None:
            causes.append("joined the buying team")
        elif not before.batch.conn[0, :, j][before.batch.staffed[0]].any():
            causes.append("no connection point: the competitor's pull went unchecked")
        elif not any(r.target == x["id"] for r in runs):
            causes.append("steady contact, no meeting this week")
        people.append(
            StakeholderChange(
                x["name"],
                prev["stance"] if prev else "—",
                x["stance"],
                x["stance_estimate"] - (prev["stance_estimate"] if prev else x["stance_estimate"]),
                1.0 - prev["uncertainty"] if prev else 0.0,
                1.0 - x["uncertainty"],
                tuple(causes),
            )
        )
    requests = []
    opened = {(r["stakeholder"], r["skill"]) for r in ob["open_requests"]}
    still = {(r["stakeholder"], r["skill"]) for r in oa["open_requests"]}
    names = {x.id: first_name(x.name) for x in s.stakeholders}
    for st, _skill in sorted(opened - still):
        met = not any(
            missed_now[e] and events[c.events[e]].effects.request.stakeholder == st
            for e in range(len(c.events))
        )
        requests.append(f"{names[st]}'s request was {'met' if met else 'missed'}")
    skills = {k.id: k.name for k in s.skills}
    for st, skill in sorted(still - opened):
        requests.append(f"{names[st]} asked for an expert in {skills.get(skill, skill)}")
    return WeekReport(
        week=week,
        stakeholders=tuple(people),
        requests=tuple(requests),
        morale_before=ob["morale"],
        morale_after=oa["morale"],
        morale_causes=_morale_causes(before, after, decisions, week),
        arrived=tuple(e["name"] for e in oa["events"] if e["week"] == week + 1),
    )


def _meetings(runs, member: dict, action: dict) -> list[str]:
    """Runs aimed at one stakeholder, grouped by action: "Discovery meeting ×3 (Maya, Raj)"."""
    by: dict[str, list[str]] = {}
    for r in runs:
        by.setdefault(r.action, []).append(member[r.member])
    out = []
    for a, who in by.items():
        times = f" ×{len(who)}" if len(who) > 1 else ""
        out.append(f"{action[a].name}{times} ({', '.join(dict.fromkeys(who))})")
    return out


def direction(delta: float) -> str:
    """The team's reading of a stance change in words."""
    if abs(delta) < 0.03:
        return "unchanged"
    return "warmer" if delta > 0 else "cooler"


def _morale_causes(before: GameState, after: GameState, decisions, week: int) -> tuple[str, ...]:
    s, c, b = before.scenario, before.compiled, before.batch
    t = after.trace()
    w = week - 1
    out = []
    if al.unforced_audibles(t)[0, w]:  # the rule that cost the morale (rules.resolve_week)
        out.append("an audible nobody at the customer asked for")
    hours = {}
    for d in decisions:
        if d.kind == "run":
            a = next(x for x in s.actions if x.id == d.action)
            hours[d.member] = hours.get(d.member, 0) + a.hours
            if a.effects.coaching:
                out.append(f"{a.name}: coaching lifts the team")
            elif a.effects.morale:
                out.append(f"{a.name} ({'+' if a.effects.morale > 0 else '−'})")
    cap = {m.id: m.capacity for m in s.roster}
    busy = [m for m, h in hours.items() if h >= OVERLOADED * cap[m]]
    names = {m.id: first_name(m.name) for m in s.roster}
    if busy:
        out.append("stretched to the limit: " + ", ".join(names[m] for m in busy))
    r = c.rules
    if c.a_coaching.any() and week - int(b.last_coaching[0]) > r.coaching_every:
        out.append(f"no coaching for more than {r.coaching_every} weeks")
    out += _chemistry_causes(before)
    return tuple(dict.fromkeys(out))


def _chemistry_causes(state: GameState) -> list[str]:
    """The team's declared pairs, which move morale a little every week (clashes first)."""
    s, c = state.scenario, state.compiled
    on = [i for i in range(len(c.members)) if state.batch.staffed[0, i]]
    pairs = [(float(c.chem[i, j]), i, j) for i in on for j in on if i < j and c.chem[i, j]]
    out = []
    for v, i, j in sorted(pairs):
        a, b = (first_name(s.roster[k].name) for k in (i, j))
        out.append(f"{a} and {b} {'clash' if v < 0 else 'work well together'} ({v:+.1f})")
    return out
