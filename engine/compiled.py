"""A scenario compiled to numpy arrays, the form the rules and the batch simulator use.

Built once per scenario (cached by content hash) and never mutated.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine.model import ExternalWeights, InternalWeights, Rules, Scenario

ECONOMIC, USER, TECHNICAL, COACH = range(4)
BUYING_ROLES = ("economic", "user", "technical", "coach")
CHECKLIST = ("priorities", "commitment", "followup", "contingency")


def _unit(rows: np.ndarray) -> np.ndarray:
    total = rows.sum(axis=-1, keepdims=True)
    return np.divide(rows, total, out=np.zeros_like(rows), where=total > 0)


@dataclass(frozen=True, eq=False)
class Compiled:
    """Index maps and arrays for one scenario. Shapes use K dims, S stakeholders,
    M roster members, R roles, A actions, L milestones, E events, Q skills, W weeks."""

    scenario: Scenario
    weeks: int
    dims: list[str]
    skills: list[str]
    roles: list[str]
    stakeholders: list[str]
    members: list[str]
    milestones: list[str]
    actions: list[str]
    events: list[str]
    qb_role: int
    close: int  # milestone index of the close, or -1
    # stakeholders
    st_role: np.ndarray  # (S,) buying role index
    st_influence: np.ndarray  # (S,)
    st_stance: np.ndarray  # (S,)
    st_seniority: np.ndarray  # (S,)
    st_prio: np.ndarray  # (S, K) unit-sum
    st_visibility: np.ndarray  # (S,)
    st_joins: np.ndarray  # (S,) week they join (1 = start)
    # roster
    m_skill: np.ndarray  # (M, Q)
    m_seniority: np.ndarray  # (M,)
    m_cost: np.ndarray  # (M,)
    m_capacity: np.ndarray  # (M,)
    m_from: np.ndarray  # (M,)
    m_until: np.ndarray  # (M,)
    m_internal: np.ndarray  # (M,) bool
    chem: np.ndarray  # (M, M) symmetric
    # roles
    r_needs: np.ndarray  # (R, Q) unit-sum
    r_min: np.ndarray
    r_max: np.ndarray
    # actions
    a_hours: np.ndarray  # (A,)
    a_roles: np.ndarray  # (A, R) bool; all True when any role may run it
    a_targets: np.ndarray  # (A, 4) bool over buying roles
    a_internal: np.ndarray  # (A,) bool: no stakeholder target
    a_skill: np.ndarray  # (A, Q) unit-sum
    a_discovery: np.ndarray
    a_stance: np.ndarray
    a_progress: np.ndarray  # (A, L)
    a_competition: np.ndarray
    a_share: np.ndarray  # (A,) bool
    a_coaching: np.ndarray
    a_morale: np.ndarray
    # milestones
    l_effort: np.ndarray  # (L,)
    l_target: np.ndarray  # (L,)
    l_pace: np.ndarray  # (L,) progress points per week the customer's calendar allows
    # events
    e_week: np.ndarray  # (E,) scheduled week or 0
    e_prob: np.ndarray  # (E,) per-week probability or 0
    e_first: np.ndarray  # (E,) window
    e_last: np.ndarray
    e_curveball: np.ndarray  # (E,) bool
    e_stance_below: np.ndarray  # (E, S) threshold or +inf when no condition
    e_unconnected: np.ndarray  # (E, S) bool
    e_prio_set: np.ndarray  # (E, S) bool: event replaces this stakeholder's priorities
    e_prio: np.ndarray  # (E, S, K)
    e_stance: np.ndarray  # (E, S)
    e_influence_set: np.ndarray  # (E, S) bool
    e_influence: np.ndarray  # (E, S)
    e_competition: np.ndarray
    e_budget: np.ndarray
    e_unavailable: np.ndarray  # (E, M) weeks
    e_value: np.ndarray
    e_req_on: np.ndarray  # (E,) bool
    e_req_skill: np.ndarray  # (E,) skill index
    e_req_level: np.ndarray
    e_req_within: np.ndarray
    e_req_stakeholder: np.ndarray
    e_req_penalty: np.ndarray
    # deal and limits
    headcount: int
    budget: int
    value: float
    comp_strength: float
    comp_momentum: float
    w_top: np.ndarray  # (3,) internal, external, outcome
    w_internal: dict[str, float]  # component name -> weight (scoring matches them by name)
    w_external: dict[str, float]
    no_decision_below: float

    @property
    def rules(self) -> Rules:
        """The scenario's practice numbers (engine.model.Rules)."""
        return self.scenario.rules

    @cached_property
    def effects(self) -> np.ndarray:
        """(A, L + 3) what one unit of quality in each action adds per game: progress on
        each milestone, then competition, morale and coaching (resolve_week sums them)."""
        return np.column_stack(
            [self.a_progress, self.a_competition, self.a_morale, self.a_coaching]
        )

    @property
    def shape(self) -> dict[str, int]:
        return {
            "K": len(self.dims),
            "S": len(self.stakeholders),
            "M": len(self.members),
            "R": len(self.roles),
            "A": len(self.actions),
            "L": len(self.milestones),
            "E": len(self.events),
            "W": self.weeks,
        }


def _pace(s: Scenario) -> np.ndarray:
    """Progress points per week the customer's own process allows on each milestone:
    customers do not decide faster than their calendar, however good the team."""
    early = s.rules.customer_calendar
    return np.array([m.effort / (early * m.target_week) for m in s.milestones], float)


def _vec(mapping: dict[str, float], ids: list[str]) -> np.ndarray:
    out = np.zeros(len(ids))
    for k, v in mapping.items():
        out[ids.index(k)] = v
    return out


def _weights(parts: InternalWeights | ExternalWeights) -> dict[str, float]:
    """A group's weights by component name (scoring.components names the components)."""
    return {name: float(v) for name, v in parts.model_dump().items()}


_CACHE: dict[str, Compiled] = {}


def compile_scenario(scenario: Scenario) -> Compiled:
    """The scenario's arrays, built once per content hash (rebuilt for a copy whose fields
    changed but whose hash was carried over, as `model_copy(update=...)` does)."""
    key = scenario.content_hash or f"id:{id(scenario)}"
    found = _CACHE.get(key)
    if found is None or found.scenario is not scenario and found.scenario != scenario:
        if len(_CACHE) > 32:
            _CACHE.clear()
        found = _CACHE[key] = _build(scenario)
    return found


def _build(s: Scenario) -> Compiled:
    dims = [d.id for d in s.dimensions]
    skills = [k.id for k in s.skills]
    roles = [r.id for r in s.roles]
    sts = [x.id for x in s.stakeholders]
    mem = [m.id for m in s.roster]
    mls = [m.id for m in s.milestones]
    acts = [a.id for a in s.actions]
    evs = [e.id for e in s.events]
    W, S, M, E = s.deal.weeks, len(sts), len(mem), len(evs)

    chem = np.zeros((M, M))
    for c in s.chemistry:
        i, j = mem.index(c.members[0]), mem.index(c.members[1])
        chem[i, j] = chem[j, i] = c.value

    a_roles = np.array([[not a.roles or r in a.roles for r in roles] for a in s.actions])
    a_targets = np.array([[t in a.targets for t in BUYING_ROLES] for a in s.actions])

    ev = s.events
    e_stance_below = np.full((E, S), np.inf)
    e_unconnected = np.zeros((E, S), bool)
    e_prio_set = np.zeros((E, S), bool)
    e_prio = np.zeros((E, S, len(dims)))
    e_stance = np.zeros((E, S))
    e_infl_set = np.zeros((E, S), bool)
    e_infl = np.zeros((E, S))
    e_unavail = np.zeros((E, M))
    for i, e in enumerate(ev):
        for sid, v in e.when.if_stance_below.items():
            e_stance_below[i, sts.index(sid)] = v
        for sid in e.when.if_unconnected:
            e_unconnected[i, sts.index(sid)] = True
        for sid, p in e.effects.priorities.items():
            e_prio_set[i, sts.index(sid)] = True
            e_prio[i, sts.index(sid)] = _unit(_vec(p, dims))
        for sid, v in e.effects.stance.items():
            e_stance[i, sts.index(sid)] = v
        for sid, v in e.effects.influence.items():
            e_infl_set[i, sts.index(sid)] = True
            e_infl[i, sts.index(sid)] = v
        for mid, v in e.effects.unavailable.items():
            e_unavail[i, mem.index(mid)] = v

    def req(attr, default):
        return np.array(
            [getattr(e.effects.request, attr) if e.effects.request else default for e in ev]
        )

    sc = s.scoring
    return Compiled(
        scenario=s,
        weeks=W,
        dims=dims,
        skills=skills,
        roles=roles,
        stakeholders=sts,
        members=mem,
        milestones=mls,
        actions=acts,
        events=evs,
        qb_role=next(i for i, r in enumerate(s.roles) if r.quarterback),
        close=next((i for i, m in enumerate(s.milestones) if m.close), -1),
        st_role=np.array([BUYING_ROLES.index(x.buying_role) for x in s.stakeholders]),
        st_influence=np.array([x.influence for x in s.stakeholders]),
        st_stance=np.array([x.stance for x in s.stakeholders]),
        st_seniority=np.array([x.seniority for x in s.stakeholders], float),
        st_prio=_unit(np.array([_vec(x.priorities, dims) for x in s.stakeholders])),
        st_visibility=np.array([x.visibility for x in s.stakeholders]),
        st_joins=np.array([x.joins_week or 1 for x in s.stakeholders]),
        m_skill=np.array([_vec(m.skills, skills) for m in s.roster]),
        m_seniority=np.array([m.seniority for m in s.roster], float),
        m_cost=np.array([m.weekly_cost for m in s.roster], float),
        m_capacity=np.array([m.capacity for m in s.roster], float),
        m_from=np.array([m.available_from for m in s.roster]),
        m_until=np.array([m.available_until or W for m in s.roster]),
        m_internal=np.array([m.internal_resource for m in s.roster]),
        chem=chem,
        r_needs=_unit(np.array([_vec(r.needs, skills) for r in s.roles])),
        r_min=np.array([r.min for r in s.roles]),
        r_max=np.array([r.max for r in s.roles]),
        a_hours=np.array([a.hours for a in s.actions], float),
        a_roles=a_roles,
        a_targets=a_targets,
        a_internal=np.array([not a.targets for a in s.actions]),
        a_skill=_unit(np.array([_vec(a.skills, skills) for a in s.actions])),
        a_discovery=np.array([a.effects.discovery for a in s.actions]),
        a_stance=np.array([a.effects.stance for a in s.actions]),
        a_progress=np.array([_vec(a.effects.progress, mls) for a in s.actions]),
        a_competition=np.array([a.effects.competition for a in s.actions]),
        a_share=np.array([a.effects.share_knowledge for a in s.actions]),
        a_coaching=np.array([a.effects.coaching for a in s.actions]),
        a_morale=np.array([a.effects.morale for a in s.actions]),
        l_effort=np.array([m.effort for m in s.milestones], float),
        l_target=np.array([m.target_week for m in s.milestones]),
        l_pace=_pace(s),
        e_week=np.array([e.when.week or 0 for e in ev], int),
        e_prob=np.array([e.when.probability or 0.0 for e in ev]),
        e_first=np.array([(e.when.window or (1, W))[0] for e in ev], int),
        e_last=np.array([(e.when.window or (1, W))[1] for e in ev], int),
        e_curveball=np.array([e.curveball for e in ev], bool),
        e_stance_below=e_stance_below,
        e_unconnected=e_unconnected,
        e_prio_set=e_prio_set,
        e_prio=e_prio,
        e_stance=e_stance,
        e_influence_set=e_infl_set,
        e_influence=e_infl,
        e_competition=np.array([e.effects.competition for e in ev]),
        e_budget=np.array([e.effects.budget for e in ev], float),
        e_unavailable=e_unavail,
        e_value=np.array([e.effects.deal_value for e in ev]),
        e_req_on=np.array([e.effects.request is not None for e in ev], bool),
        e_req_skill=np.array(
            [skills.index(e.effects.request.skill) if e.effects.request else 0 for e in ev], int
        ),
        e_req_level=req("level", 0.0),
        e_req_within=req("within", 0).astype(int),
        e_req_stakeholder=np.array(
            [sts.index(e.effects.request.stakeholder) if e.effects.request else 0 for e in ev],
            int,
        ),
        e_req_penalty=req("penalty", 0.0),
        headcount=s.limits.headcount,
        budget=s.limits.weekly_budget,
        value=float(s.deal.value),
        comp_strength=s.competitor.strength,
        comp_momentum=s.competitor.momentum,
        w_top=np.array([sc.internal, sc.external, sc.outcome]),
        w_internal=_weights(sc.internal_parts),
        w_external=_weights(sc.external_parts),
        no_decision_below=sc.no_decision_below,
    )
