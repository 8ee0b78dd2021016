"""One game, in the spirit of OpenSpiel's State: legal decisions, apply, terminal, history.

`GameState` is immutable: `apply` checks a decision against the rules and
returns a new state, or raises IllegalDecision saying why. Underneath it is a
rules.Batch of size one, so its score is bit-identical to the batch path.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from engine import rules
from engine.compiled import CHECKLIST, Compiled, compile_scenario
from engine.decisions import (
    Assign,
    Connect,
    Decision,
    Disconnect,
    EndWeek,
    Focus,
    IllegalDecision,
    Inject,
    Plan,
    Release,
    Run,
    Shift,
    Staff,
    Start,
)
from engine.model import Scenario

SETUP, WEEK, ENDED = "setup", "week", "ended"


@dataclass(frozen=True)
class GameState:
    scenario: Scenario
    seed: int
    batch: rules.Batch
    history: tuple[Decision, ...] = ()
    runs: tuple[tuple[int, int, int], ...] = ()  # this week's (action, member, target)
    injected: frozenset[int] = field(default_factory=frozenset)
    shifts: tuple[tuple[int, tuple[float, ...]], ...] = ()  # custom shifts due next week

    # ---- reading --------------------------------------------------------------------------

    @property
    def compiled(self) -> Compiled:
        return compile_scenario(self.scenario)

    @property
    def week(self) -> int:
        return self.batch.week

    @property
    def phase(self) -> str:
        if self.batch.ended[0] > 0:
            return ENDED
        return SETUP if self.batch.week == 0 else WEEK

    def is_over(self) -> bool:
        return self.phase == ENDED

    def staffed(self) -> list[str]:
        c = self.compiled
        return [c.members[i] for i in np.flatnonzero(self.batch.staffed[0])]

    def role_of(self, member: str) -> str | None:
        c = self.compiled
        r = int(self.batch.role[0, c.members.index(member)])
        return c.roles[r] if r >= 0 else None

    def connections(self) -> list[tuple[str, str]]:
        c = self.compiled
        mi, si = np.nonzero(self.batch.conn[0])
        return [(c.members[i], c.stakeholders[j]) for i, j in zip(mi, si, strict=True)]

    def hours_left(self, member: str) -> float:
        c = self.compiled
        i = c.members.index(member)
        cap = rules.capacity(c, self.batch)[0, i] if self.week else c.m_capacity[i]
        return float(cap - self.batch.hours[0, i])

    def team_cost(self) -> float:
        return float((self.batch.staffed[0] * self.compiled.m_cost).sum())

    def budget(self) -> float:
        return float(self.batch.budget[0])

    def focus(self) -> dict[str, float]:
        c = self.compiled
        return {d: float(v) for d, v in zip(c.dims, self.batch.focus[0], strict=True)}

    def fired_events(self) -> list[tuple[int, str]]:
        """(week, event id) of every event that has arrived, oldest first."""
        c = self.compiled
        fw = self.batch.fired_week[0]
        return sorted((int(fw[i]), c.events[i]) for i in np.flatnonzero(fw))

    def trace(self) -> dict[str, np.ndarray]:
        return rules.trace(self.compiled, self.batch)

    def observation(self) -> dict:
        """What the team would know now (never the hidden truth); see engine.observe."""
        from engine.observe import observe

        return observe(self)

    # ---- the rules ------------------------------------------------------------------------

    def legal_decisions(self) -> list[Decision]:
        """Every concrete decision the rules allow now (focus offered as one per dimension
        plus a balanced focus; any weights are legal)."""
        if self.is_over():
            return []
        c = self.compiled
        cands: list[Decision] = []
        for m in c.members:
            cands.append(Staff(m, CHECKLIST if c.m_internal[c.members.index(m)] else ()))
            cands.append(Release(m))
            cands += [Assign(m, r) for r in c.roles]
            for s in c.stakeholders:
                cands += [Connect(m, s), Disconnect(m, s)]
        cands += [Focus({d: 1.0}) for d in c.dims] + [Focus({d: 1.0 for d in c.dims})]
        if self.phase == SETUP:
            for ms in c.milestones:
                for m in self.staffed():
                    for a in c.actions:
                        cands.append(Plan(ms, m, a, int(c.l_target[c.milestones.index(ms)])))
            cands.append(Start())
        else:
            for a in c.actions:
                for m in self.staffed():
                    for s in [None, *c.stakeholders]:
                        cands.append(Run(a, m, s))
            cands.append(EndWeek())
        return [d for d in cands if self.why_illegal(d) is None]

    def why_illegal(self, d: Decision) -> str | None:
        """The reason `d` is illegal now, or None when it is legal."""
        try:
            self._check(d)
        except IllegalDecision as exc:
            return str(exc)
        return None

    def _name(self, member: str) -> str:
        return next(m.name for m in self.scenario.roster if m.id == member).split()[0]

    def _idx(self, kind: str, ident: str | None, ids: list[str]) -> int:
        if ident not in ids:
            raise IllegalDecision(f"there is no {kind} '{ident}' in this scenario")
        return ids.index(ident)

    def _check(self, d: Decision) -> None:
        c, b = self.compiled, self.batch
        if self.is_over():
            raise IllegalDecision("the deal is over; no more decisions")
        if isinstance(d, Staff):
            i = self._idx("roster member", d.member, c.members)
            week = max(self.week, 1)
            if b.staffed[0, i]:
                raise IllegalDecision(f"{self._name(d.member)} is already on the team")
            if not c.m_from[i] <= week <= c.m_until[i]:
                raise IllegalDecision(
                    f"{self._name(d.member)} is available in weeks {c.m_from[i]}-{c.m_until[i]}"
                )
            if b.staffed[0].sum() >= c.headcount:
                raise IllegalDecision(f"the team is at its headcount limit of {c.headcount}")
            cost = self.team_cost() + c.m_cost[i]
            if cost > self.budget():
                raise IllegalDecision(
                    f"adding {self._name(d.member)} takes the team to {cost:,.0f} a week; "
                    f"the budget is {self.budget():,.0f}"
                )
            bad = [x for x in d.checklist if x not in CHECKLIST]
            if bad:
                raise IllegalDecision(
                    f"unknown checklist item '{bad[0]}'; items are {', '.join(CHECKLIST)}"
                )
        elif isinstance(d, Release):
            i = self._idx("roster member", d.member, c.members)
            if not b.staffed[0, i]:
                raise IllegalDecision(f"{self._name(d.member)} is not on the team")
            if self.runs and any(r[1] == i for r in self.runs):
                raise IllegalDecision(
                    f"{self._name(d.member)} has actions booked this week; release next week"
                )
        elif isinstance(d, Assign):
            i = self._idx("roster member", d.member, c.members)
            r = self._idx("role", d.role, c.roles)
            if not b.staffed[0, i]:
                raise IllegalDecision(f"{self._name(d.member)} is not on the team")
            holders = (b.role[0] == r) & (np.arange(len(c.members)) != i)
            if holders.sum() >= c.r_max[r]:
                raise IllegalDecision(
                    f"the {c.scenario.roles[r].name} role takes at most {c.r_max[r]} "
                    f"and is already held"
                )
        elif isinstance(d, Connect | Disconnect):
            i = self._idx("roster member", d.member, c.members)
            s = self._idx("stakeholder", d.stakeholder, c.stakeholders)
            if not b.staffed[0, i]:
                raise IllegalDecision(f"{self._name(d.member)} is not on the team")
            if isinstance(d, Connect):
                if not b.present[0, s]:
                    raise IllegalDecision(f"{d.stakeholder} is not on the buying team yet")
                if b.conn[0, i, s]:
                    raise IllegalDecision("they are already connected")
            elif not b.conn[0, i, s]:
                raise IllegalDecision("they are not connected")
        elif isinstance(d, Focus):
            for k, v in d.weights.items():
                self._idx("priority dimension", k, c.dims)
                if not 0 <= v <= 100:
                    raise IllegalDecision(f"focus weight for {k} must be between 0 and 100")
            if sum(d.weights.values()) <= 0:
                raise IllegalDecision("the focus needs at least one positive weight")
        elif isinstance(d, Plan):
            ms = self._idx("milestone", d.milestone, c.milestones)
            i = self._idx("roster member", d.owner, c.members)
            self._idx("action", d.action, c.actions)
            if not b.staffed[0, i]:
                raise IllegalDecision(f"{self._name(d.owner)} is not on the team")
            if not max(self.week, 1) <= d.due <= c.weeks:
                raise IllegalDecision(
                    f"the due week must lie in weeks {max(self.week, 1)}-{c.weeks}"
                )
            a = c.actions.index(d.action)
            if c.a_progress[a, ms] <= 0:
                raise IllegalDecision(
                    f"'{d.action}' does not move milestone '{d.milestone}' forward"
                )
        elif isinstance(d, Start):
            if self.phase != SETUP:
                raise IllegalDecision("the deal has already started")
            if not b.staffed[0].any():
                raise IllegalDecision("staff at least one member before starting")
        elif isinstance(d, Run):
            if self.phase != WEEK:
                raise IllegalDecision("actions are run during the weeks, after setup")
            a = self._idx("action", d.action, c.actions)
            i = self._idx("roster member", d.member, c.members)
            name = self._name(d.member)
            if not b.staffed[0, i]:
                raise IllegalDecision(f"{name} is not on the team")
            if b.away_until[0, i] >= self.week:
                raise IllegalDecision(f"{name} is pulled away this week")
            r = b.role[0, i]
            if r < 0 or not c.a_roles[a, r]:
                roles = c.scenario.roles
                allowed = [roles[j].name for j in np.flatnonzero(c.a_roles[a])]
                raise IllegalDecision(
                    f"{c.scenario.actions[a].name} is run by the {' or '.join(allowed)}; "
                    f"{name} is {'the ' + roles[r].name if r >= 0 else 'without a role'}"
                )
            left = self.hours_left(d.member)
            if left < c.a_hours[a]:
                raise IllegalDecision(
                    f"{name} has {left:.0f} of {c.m_capacity[i]:.0f} hours left this week; "
                    f"{c.scenario.actions[a].name} takes {c.a_hours[a]:.0f}"
                )
            if c.a_internal[a]:
                if d.target is not None:
                    raise IllegalDecision(f"{c.scenario.actions[a].name} is internal: no target")
            else:
                s = self._idx("stakeholder", d.target, c.stakeholders)
                if not b.present[0, s]:
                    raise IllegalDecision(f"{d.target} is not on the buying team yet")
                if not c.a_targets[a, c.st_role[s]]:
                    raise IllegalDecision(
                        f"{c.scenario.actions[a].name} cannot target a "
                        f"{c.scenario.stakeholders[s].buying_role.value} buyer"
                    )
        elif isinstance(d, EndWeek):
            if self.phase != WEEK:
                raise IllegalDecision("the weeks start after setup")
        elif isinstance(d, Shift):
            self._idx("stakeholder", d.stakeholder, c.stakeholders)
            for k, v in d.weights.items():
                self._idx("priority dimension", k, c.dims)
                if not 0 <= v <= 100:
                    raise IllegalDecision(f"priority weight for {k} must be between 0 and 100")
            if sum(d.weights.values()) <= 0:
                raise IllegalDecision("the new priorities need at least one positive weight")
        elif isinstance(d, Inject):
            e = self._idx("event", d.event, c.events)
            if self.batch.fired[0, e] or e in self.injected:
                raise IllegalDecision(f"event '{d.event}' has already arrived")
        else:
            raise IllegalDecision(f"unknown decision {d!r}")

    def apply(self, d: Decision) -> GameState:
        """The state after `d`, or IllegalDecision with the reason."""
        self._check(d)
        c, b = self.compiled, self.batch
        nxt = replace(self, history=self.history + (d,))
        if isinstance(d, Staff):
            i = c.members.index(d.member)
            staffed = b.staffed.copy()
            staffed[0, i] = True
            missing = b.missing.copy()
            missing[0, i] = len(CHECKLIST) - len(set(d.checklist)) if c.m_internal[i] else 0
            return replace(nxt, batch=rules.set_team(b, staffed=staffed, missing=missing))
        if isinstance(d, Release):
            staffed = b.staffed.copy()
            staffed[0, c.members.index(d.member)] = False
            return replace(nxt, batch=rules.set_team(b, staffed=staffed))
        if isinstance(d, Assign):
            role = b.role.copy()
            role[0, c.members.index(d.member)] = c.roles.index(d.role)
            return replace(nxt, batch=rules.set_team(b, role=role))
        if isinstance(d, Connect | Disconnect):
            conn = b.conn.copy()
            conn[0, c.members.index(d.member), c.stakeholders.index(d.stakeholder)] = isinstance(
                d, Connect
            )
            return replace(nxt, batch=rules.set_team(b, conn=conn))
        if isinstance(d, Focus):
            focus = rules.unit(np.array([[d.weights.get(k, 0.0) for k in c.dims]], float))
            return replace(nxt, batch=rules.set_team(b, focus=focus))
        if isinstance(d, Plan):
            ms = c.milestones.index(d.milestone)
            owner, action, due = b.ms_owner.copy(), b.ms_action.copy(), b.ms_due.copy()
            owner[0, ms] = c.members.index(d.owner)
            action[0, ms] = c.actions.index(d.action)
            due[0, ms] = d.due
            return replace(nxt, batch=rules.set_plan(b, owner, action, due))
        if isinstance(d, Start):
            return nxt._next_week(b)
        if isinstance(d, Run):
            a, i = c.actions.index(d.action), c.members.index(d.member)
            s = c.stakeholders.index(d.target) if d.target is not None else -1
            hours = b.hours.copy()
            hours[0, i] += c.a_hours[a]
            return replace(nxt, batch=replace(b, hours=hours), runs=self.runs + ((a, i, s),))
        if isinstance(d, EndWeek):
            return nxt._end_week()
        if isinstance(d, Inject):
            return replace(nxt, injected=self.injected | {c.events.index(d.event)})
        if isinstance(d, Shift):
            weights = tuple(float(d.weights.get(k, 0.0)) for k in c.dims)
            return replace(
                nxt, shifts=self.shifts + ((c.stakeholders.index(d.stakeholder), weights),)
            )
        raise IllegalDecision(f"unknown decision {d!r}")  # pragma: no cover

    def _end_week(self) -> GameState:
        c = self.compiled
        runs = np.array(self.runs, int).reshape(-1, 3)
        b = replace(self.batch, hours=np.zeros_like(self.batch.hours))
        b = rules.resolve_week(c, b, np.zeros(len(runs), int), runs[:, 0], runs[:, 1], runs[:, 2])
        if b.ended[0] == 0:
            return self._next_week(b)
        return replace(self, batch=b, runs=())

    def _next_week(self, b: rules.Batch) -> GameState:
        """Start the next week, delivering the curveballs and shifts queued for it."""
        c = self.compiled
        inj = np.zeros((1, len(c.events)), bool)
        inj[0, list(self.injected)] = True
        shifts = None
        if self.shifts:
            mask = np.zeros((1, len(c.stakeholders)), bool)
            new = np.zeros((1, len(c.stakeholders), len(c.dims)))
            for s, weights in self.shifts:
                mask[0, s] = True
                new[0, s] = weights
            shifts = (mask, new)
        b = rules.start_week(c, b, inj if self.injected else None, shifts)
        return replace(self, batch=b, runs=(), injected=frozenset(), shifts=())


def new_game(scenario: Scenario, seed: int = 0) -> GameState:
    """A fresh game in the setup phase."""
    c = compile_scenario(scenario)
    return GameState(scenario=scenario, seed=int(seed), batch=rules.new_batch(c, [seed]))
