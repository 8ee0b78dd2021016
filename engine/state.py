"""One game, in the spirit of OpenSpiel's State: legal decisions, apply, terminal, history.

`GameState` is immutable: `apply` checks a decision against the rules and
returns a new state, or raises IllegalDecision saying why. Underneath it is a
rules.Batch of size one, so its score is bit-identical to the batch path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from engine import legal, rules
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
    Unbook,
)
from engine.drawn import SealedSeed
from engine.legal import No
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
        """The scenario's arrays (kept on the state once looked up: every check reads them)."""
        c = self.__dict__.get("_compiled")
        if c is None:
            c = compile_scenario(self.scenario)
            object.__setattr__(self, "_compiled", c)
        return c

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
        return float(legal.team_cost(self.compiled, self.batch)[0])

    def budget(self) -> float:
        return float(self.batch.budget[0])

    def focus(self) -> dict[str, float]:
        c = self.compiled
        return {d: float(v) for d, v in zip(c.dims, self.batch.focus[0], strict=True)}

    def fired_events(self) -> list[tuple[int, str]]:
        """(week, event id) of every event that has arrived, oldest first."""
        c = self.compiled
        weeks, evs = np.nonzero(self.batch.fire_log[0])
        return sorted((int(w) + 1, c.events[e]) for w, e in zip(weeks, evs, strict=True))

    def trace(self) -> dict[str, np.ndarray]:
        return rules.trace(self.compiled, self.batch)

    # ---- the rules ------------------------------------------------------------------------

    def legal_decisions(self) -> list[Decision]:
        """Every concrete decision the rules allow now (focus offered as one per dimension
        plus a balanced focus; any weights are legal). Team moves and runs come from the
        masks of engine.legal; the rest from `why_illegal`."""
        if self.is_over():
            return []
        c, b = self.compiled, self.batch
        staff, release = legal.staff_check(c, b)[0], legal.release_check(b)[0]
        assign = legal.assign_check(c, b)[0]
        link, unlink = legal.connect_check(b)[0], legal.disconnect_check(b)[0]
        out: list[Decision] = []
        for i, m in enumerate(c.members):
            if staff[i] == No.OK:
                out.append(Staff(m, CHECKLIST if c.m_internal[i] else ()))
            if release[i] == No.OK:
                out.append(Release(m))
            out += [Assign(m, r) for k, r in enumerate(c.roles) if assign[i, k] == No.OK]
            for j, s in enumerate(c.stakeholders):
                if link[i, j] == No.OK:
                    out.append(Connect(m, s))
                if unlink[i, j] == No.OK:
                    out.append(Disconnect(m, s))
        cands: list[Decision] = [Focus({d: 1.0}) for d in c.dims]
        cands.append(Focus({d: 1.0 for d in c.dims}))
        if self.phase == SETUP:
            for ms in c.milestones:
                for m in self.staffed():
                    for a in c.actions:
                        cands.append(Plan(ms, m, a, int(c.l_target[c.milestones.index(ms)])))
            cands.append(Start())
        out += [d for d in cands if self.why_illegal(d) is None]
        if self.phase == WEEK:
            may, aims = legal.runs(c, b)[0], legal.targets(c, b)[0]
            for a, action in enumerate(c.actions):
                for i in np.flatnonzero(may[:, a]):
                    if c.a_internal[a]:
                        out.append(Run(action, c.members[i], None))
                    else:
                        out += [
                            Run(action, c.members[i], c.stakeholders[j])
                            for j in np.flatnonzero(aims[a])
                        ]
            for a, i, j in dict.fromkeys(self.runs):
                out.append(
                    Unbook(c.actions[a], c.members[i], c.stakeholders[j] if j >= 0 else None)
                )
            if self.why_illegal(EndWeek()) is None:
                out.append(EndWeek())
        return out

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
        """Raise IllegalDecision with the player's reason when `d` is illegal now. Ids are
        resolved here; whether the rules allow the decision is engine.legal's answer."""
        if self.is_over():
            raise IllegalDecision("the deal is over; no more decisions")
        check = _CHECKS.get(type(d))
        if check is None:
            raise IllegalDecision(f"unknown decision {d!r}")
        check(self, d)

    def _refuse(self, code: No, member: str | None = None, **ctx) -> None:
        """Raise the player's reason for a refusal `code` (None: the decision is legal)."""
        if code == No.OK:
            return
        c = self.compiled
        i = c.members.index(member) if member is not None else -1
        name = self._name(member) if member is not None else ""
        match code:
            case No.NOT_STAFFED:
                why = f"{name} is not on the team"
            case No.ON_TEAM:
                why = f"{name} is already on the team"
            case No.WEEKS:
                why = f"{name} is available in weeks {c.m_from[i]}-{c.m_until[i]}"
            case No.HEADCOUNT:
                why = f"the team is at its headcount limit of {c.headcount}"
            case No.BUDGET:
                cost = float(legal.team_cost(c, self.batch)[0] + c.m_cost[i])
                why = (
                    f"adding {name} takes the team to {cost:,.0f} a week; "
                    f"the budget is {self.budget():,.0f}"
                )
            case No.BOOKED:
                why = f"{name} has actions booked this week; release next week"
            case No.ROLE_FULL:
                r = ctx["role"]
                why = (
                    f"the {c.scenario.roles[r].name} role takes at most {c.r_max[r]} "
                    f"and is already held"
                )
            case No.ABSENT:
                why = f"{ctx['stakeholder']} is not on the buying team yet"
            case No.CONNECTED:
                why = "they are already connected"
            case No.NOT_CONNECTED:
                why = "they are not connected"
            case No.AWAY:
                why = f"{name} is pulled away this week"
            case No.ROLE:
                roles, a = c.scenario.roles, ctx["action"]
                r = self.batch.role[0, i]
                allowed = [roles[j].name for j in np.flatnonzero(c.a_roles[a])]
                why = (
                    f"{c.scenario.actions[a].name} is run by the {' or '.join(allowed)}; "
                    f"{name} is {'the ' + roles[r].name if r >= 0 else 'without a role'}"
                )
            case No.HOURS:
                a = ctx["action"]
                why = (
                    f"{name} has {self.hours_left(member):.0f} of {c.m_capacity[i]:.0f} hours "
                    f"left this week; {c.scenario.actions[a].name} takes {c.a_hours[a]:.0f}"
                )
            case No.INTERNAL:
                why = f"{c.scenario.actions[ctx['action']].name} is internal: no target"
            case No.NO_TARGET:
                why = f"there is no stakeholder '{ctx['stakeholder']}' in this scenario"
            case No.BUYER:
                s = c.stakeholders.index(ctx["stakeholder"])
                why = (
                    f"{c.scenario.actions[ctx['action']].name} cannot target a "
                    f"{c.scenario.stakeholders[s].buying_role.value} buyer"
                )
            case No.OVER:
                why = "the deal is over; no more decisions"
            case No.NOT_STARTED:
                why = "actions are run during the weeks, after setup"
            case _:  # pragma: no cover
                why = f"not allowed ({code.name.lower()})"
        raise IllegalDecision(why)

    def _check_staff(self, d: Staff) -> None:
        c = self.compiled
        i = self._idx("roster member", d.member, c.members)
        self._refuse(No(legal.staff_check(c, self.batch)[0, i]), d.member)
        bad = [x for x in d.checklist if x not in CHECKLIST]
        if bad:
            raise IllegalDecision(
                f"unknown checklist item '{bad[0]}'; items are {', '.join(CHECKLIST)}"
            )

    def _check_release(self, d: Release) -> None:
        i = self._idx("roster member", d.member, self.compiled.members)
        self._refuse(No(legal.release_check(self.batch)[0, i]), d.member)

    def _check_assign(self, d: Assign) -> None:
        c = self.compiled
        i = self._idx("roster member", d.member, c.members)
        r = self._idx("role", d.role, c.roles)
        self._refuse(No(legal.assign_check(c, self.batch)[0, i, r]), d.member, role=r)

    def _check_connect(self, d: Connect | Disconnect) -> None:
        c = self.compiled
        i = self._idx("roster member", d.member, c.members)
        s = self._idx("stakeholder", d.stakeholder, c.stakeholders)
        check = legal.connect_check if isinstance(d, Connect) else legal.disconnect_check
        self._refuse(No(check(self.batch)[0, i, s]), d.member, stakeholder=d.stakeholder)

    def _check_focus(self, d: Focus) -> None:
        for k, v in d.weights.items():
            self._idx("priority dimension", k, self.compiled.dims)
            if not 0 <= v <= 100:
                raise IllegalDecision(f"focus weight for {k} must be between 0 and 100")
        if sum(d.weights.values()) <= 0:
            raise IllegalDecision("the focus needs at least one positive weight")

    def _check_plan(self, d: Plan) -> None:
        c = self.compiled
        ms = self._idx("milestone", d.milestone, c.milestones)
        i = self._idx("roster member", d.owner, c.members)
        self._idx("action", d.action, c.actions)
        if not self.batch.staffed[0, i]:
            self._refuse(No.NOT_STAFFED, d.owner)
        if not max(self.week, 1) <= d.due <= c.weeks:
            raise IllegalDecision(f"the due week must lie in weeks {max(self.week, 1)}-{c.weeks}")
        a = c.actions.index(d.action)
        if c.a_progress[a, ms] <= 0:
            raise IllegalDecision(f"'{d.action}' does not move milestone '{d.milestone}' forward")

    def _check_start(self, d: Start) -> None:
        if self.phase != SETUP:
            raise IllegalDecision("the deal has already started")
        if not self.batch.staffed[0].any():
            raise IllegalDecision("staff at least one member before starting")

    def _check_run(self, d: Run) -> None:
        c = self.compiled
        if self.phase != WEEK:
            self._refuse(No.NOT_STARTED)
        a = self._idx("action", d.action, c.actions)
        i = self._idx("roster member", d.member, c.members)
        ids = c.stakeholders
        s = -1 if d.target is None else ids.index(d.target) if d.target in ids else -2
        code = legal.run_code(c, self.batch, 0, a, i, s)
        self._refuse(code, d.member, action=a, stakeholder=d.target)

    def _booked(self, d: Unbook) -> int:
        """Index in this week's runs of the latest booking `d` takes back, or -1."""
        c = self.compiled
        if d.action not in c.actions or d.member not in c.members:
            return -1
        s = c.stakeholders.index(d.target) if d.target in c.stakeholders else -1
        key = (c.actions.index(d.action), c.members.index(d.member), s)
        return next((n for n in range(len(self.runs) - 1, -1, -1) if self.runs[n] == key), -1)

    def _check_unbook(self, d: Unbook) -> None:
        if self.phase != WEEK:
            self._refuse(No.NOT_STARTED)
        if self._booked(d) < 0:
            raise IllegalDecision("no such action is booked this week")

    def _check_end_week(self, d: EndWeek) -> None:
        if self.phase != WEEK:
            raise IllegalDecision("the weeks start after setup")

    def _check_shift(self, d: Shift) -> None:
        c = self.compiled
        self._idx("stakeholder", d.stakeholder, c.stakeholders)
        for k, v in d.weights.items():
            self._idx("priority dimension", k, c.dims)
            if not 0 <= v <= 100:
                raise IllegalDecision(f"priority weight for {k} must be between 0 and 100")
        if sum(d.weights.values()) <= 0:
            raise IllegalDecision("the new priorities need at least one positive weight")

    def _check_inject(self, d: Inject) -> None:
        e = self._idx("event", d.event, self.compiled.events)
        if self.batch.fired[0, e] or e in self.injected:
            raise IllegalDecision(f"event '{d.event}' has already arrived")

    def apply(self, d: Decision) -> GameState:
        """The state after `d`, or IllegalDecision with the reason."""
        self._check(d)
        return self._advance(d, self.history + (d,))

    def apply_all(self, decisions: Sequence[Decision]) -> GameState:
        """The state after each decision in turn, as `apply` one by one would give; the
        history is joined once at the end (growing a tuple one decision at a time costs
        O(n²) over a 60,000-decision game). A refusal's IllegalDecision carries `index`,
        the position of the refused decision, and `state`, the game just before it."""
        state = self
        for n, d in enumerate(decisions):
            try:
                state._check(d)
            except IllegalDecision as exc:
                before = replace(state, history=self.history + tuple(decisions[:n]))
                exc.index, exc.state = n, before  # type: ignore[attr-defined]
                raise
            state = state._advance(d, ())
        return replace(state, history=self.history + tuple(decisions))

    def _advance(self, d: Decision, history: tuple[Decision, ...]) -> GameState:
        """The state after `d` (already checked), holding `history`; it keeps the
        scenario's arrays, so the next check does not look them up again."""
        nxt = self._step(d, history)
        object.__setattr__(nxt, "_compiled", self.compiled)
        return nxt

    def _with(self, **changes) -> GameState:
        """This state with some fields changed: a shallow copy of the instance dict (it
        keeps the cached scenario arrays), cheaper than dataclasses.replace's __init__."""
        out = object.__new__(GameState)
        out.__dict__.update(self.__dict__)
        out.__dict__.update(changes)
        return out

    def _step(self, d: Decision, history: tuple[Decision, ...]) -> GameState:
        c, b = self.compiled, self.batch
        if isinstance(d, Run):  # the commonest decision by far: one copy of the state
            a, i = c.actions.index(d.action), c.members.index(d.member)
            s = c.stakeholders.index(d.target) if d.target is not None else -1
            hours = b.hours.copy()
            hours[0, i] += c.a_hours[a]
            runs = self.runs + ((a, i, s),)
            return self._with(history=history, batch=rules._copy(b, hours=hours), runs=runs)
        nxt = self._with(history=history)
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
        if isinstance(d, Unbook):
            n = self._booked(d)
            a, i, _ = self.runs[n]
            hours = b.hours.copy()
            hours[0, i] -= c.a_hours[a]
            runs = self.runs[:n] + self.runs[n + 1 :]
            return replace(nxt, batch=rules._copy(b, hours=hours), runs=runs)
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


_CHECKS = {
    Staff: GameState._check_staff,
    Release: GameState._check_release,
    Assign: GameState._check_assign,
    Connect: GameState._check_connect,
    Disconnect: GameState._check_connect,
    Focus: GameState._check_focus,
    Plan: GameState._check_plan,
    Start: GameState._check_start,
    Run: GameState._check_run,
    Unbook: GameState._check_unbook,
    EndWeek: GameState._check_end_week,
    Shift: GameState._check_shift,
    Inject: GameState._check_inject,
}


def new_game(scenario: Scenario, seed: int = 0) -> GameState:
    """A fresh game in the setup phase. A sealed seed (engine.drawn) gives a game that reads
    its draws from the table the seed carries."""
    c = compile_scenario(scenario)
    if isinstance(seed, SealedSeed):
        batch = replace(rules.new_batch(c, [0]), seeds=seed.seeds())
        return GameState(scenario=scenario, seed=seed, batch=batch)
    return GameState(scenario=scenario, seed=int(seed), batch=rules.new_batch(c, [seed]))
