"""Cross-reference checks and lint warnings over a validated scenario.

Pydantic checks each field alone; this module checks that the parts fit
together (every id referenced exists, the team can be staffed, every
milestone can be reached) and warns about content that can never matter.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.model import Scenario
from engine.problems import Problem, suggest
from engine.yamlsource import Source


class _Checker:
    def __init__(self, scenario: Scenario, source: Source):
        self.s = scenario
        self.src = source
        self.problems: list[Problem] = []
        self.ids = {
            kind: [x.id for x in getattr(scenario, kind)]
            for kind in (
                "dimensions",
                "skills",
                "roles",
                "stakeholders",
                "roster",
                "milestones",
                "actions",
                "events",
            )
        }

    def error(self, loc, message, key=False):
        self.problems.append(self.src.problem(loc, message, "error", key=key))

    def warn(self, loc, message, key=False):
        self.problems.append(self.src.problem(loc, message, "warning", key=key))

    def ref(self, loc, value: str, kind: str, what: str, key=False):
        """Report `value` at `loc` if it is not an id of `kind`."""
        if value not in self.ids[kind]:
            noun = kind.rstrip("s") if kind != "roster" else "roster member"
            self.error(
                loc,
                f"{noun} '{value}' is referenced by {what} but not defined"
                + suggest(value, self.ids[kind]),
                key=key,
            )

    def refs(self, loc, values: Iterable[str], kind: str, what: str):
        for v in values:
            self.ref(loc + (v,), v, kind, what, key=True)

    def run(self) -> list[Problem]:
        self.unique_ids()
        self.roles()
        self.stakeholders()
        self.roster()
        self.milestones_and_actions()
        self.events()
        self.staffable()
        self.weights()
        if not any(p.severity == "error" for p in self.problems):
            self.lint()
        return self.problems

    def unique_ids(self):
        for kind, ids in self.ids.items():
            seen: set[str] = set()
            for i, x in enumerate(ids):
                if x in seen:
                    self.error((kind, i, "id"), f"duplicate id '{x}' in {kind}")
                seen.add(x)

    def roles(self):
        qbs = [i for i, r in enumerate(self.s.roles) if r.quarterback]
        if len(qbs) != 1:
            loc = ("roles", qbs[1], "quarterback") if len(qbs) > 1 else ("roles",)
            self.error(loc, f"exactly one role must be the quarterback; found {len(qbs)}")
        for i, r in enumerate(self.s.roles):
            self.refs(("roles", i, "needs"), r.needs, "skills", f"role '{r.id}'")
            if r.min > r.max:
                self.error(("roles", i, "min"), f"role '{r.id}' has min {r.min} above max {r.max}")

    def stakeholders(self):
        weeks = self.s.deal.weeks
        for i, st in enumerate(self.s.stakeholders):
            what = f"stakeholder '{st.id}'"
            self.refs(("stakeholders", i, "priorities"), st.priorities, "dimensions", what)
            if sum(st.priorities.values()) <= 0:
                self.error(("stakeholders", i, "priorities"), f"{what} has no non-zero priority")
            if st.joins_week is not None and st.joins_week > weeks:
                self.error(
                    ("stakeholders", i, "joins_week"),
                    f"{what} joins in week {st.joins_week}, after the deal's {weeks} weeks",
                )
        present = [st for st in self.s.stakeholders if st.joins_week is None]
        if not present:
            self.error(("stakeholders",), "at least one stakeholder must be present at the start")
        total = sum(st.influence for st in present)
        if abs(total - 1.0) > 0.01:
            self.error(
                ("stakeholders",),
                f"influence of the stakeholders present at the start sums to {total:.2f}; "
                "it must sum to 1",
            )
        if not any(st.buying_role == "economic" for st in self.s.stakeholders):
            self.warn(("stakeholders",), "no stakeholder is the economic buyer")

    def roster(self):
        weeks = self.s.deal.weeks
        for i, m in enumerate(self.s.roster):
            what = f"roster member '{m.id}'"
            self.refs(("roster", i, "skills"), m.skills, "skills", what)
            if m.available_from > weeks:
                self.error(
                    ("roster", i, "available_from"),
                    f"{what} is available from week {m.available_from}, after the last week",
                )
            if m.available_until is not None and m.available_until < m.available_from:
                self.error(
                    ("roster", i, "available_until"),
                    f"{what} is available until week {m.available_until}, "
                    f"before week {m.available_from}",
                )
        for i, c in enumerate(self.s.chemistry):
            for j, mid in enumerate(c.members):
                self.ref(("chemistry", i, "members", j), mid, "roster", "chemistry")
            if c.members[0] == c.members[1]:
                self.error(("chemistry", i, "members"), "chemistry needs two different members")

    def milestones_and_actions(self):
        weeks = self.s.deal.weeks
        closes = [i for i, m in enumerate(self.s.milestones) if m.close]
        if len(closes) > 1:
            self.error(("milestones", closes[1], "close"), "at most one milestone may be the close")
        for i, m in enumerate(self.s.milestones):
            if m.target_week > weeks:
                self.error(
                    ("milestones", i, "target_week"),
                    f"milestone '{m.id}' targets week {m.target_week}; the deal has {weeks}",
                )
        for i, a in enumerate(self.s.actions):
            what = f"action '{a.id}'"
            for j, r in enumerate(a.roles):
                self.ref(("actions", i, "roles", j), r, "roles", what)
            self.refs(("actions", i, "skills"), a.skills, "skills", what)
            self.refs(("actions", i, "effects", "progress"), a.effects.progress, "milestones", what)
        reachable = {m for a in self.s.actions for m, v in a.effects.progress.items() if v > 0}
        for i, m in enumerate(self.s.milestones):
            if m.id not in reachable:
                self.error(
                    ("milestones", i, "id"),
                    f"milestone '{m.id}' cannot be reached: no action adds progress to it",
                )

    def events(self):
        weeks = self.s.deal.weeks
        for i, ev in enumerate(self.s.events):
            loc = ("events", i)
            what = f"event '{ev.id}'"
            w = ev.when
            if w.week is not None and w.week > weeks:
                self.error(
                    loc + ("when", "week"), f"{what} fires in week {w.week}; the deal has {weeks}"
                )
            if w.week is not None and w.probability is not None:
                self.error(loc + ("when",), f"{what} has both a week and a probability; pick one")
            if w.window is not None:
                a, b = w.window
                if not 1 <= a <= b <= weeks:
                    self.error(
                        loc + ("when", "window"),
                        f"{what} window [{a}, {b}] must lie within weeks 1..{weeks}",
                    )
            if not ev.curveball and w.week is None and w.probability is None:
                self.error(
                    loc + ("when",),
                    f"{what} never fires: give it a week or a probability, or mark it a curveball",
                )
            self.refs(loc + ("when", "if_stance_below"), w.if_stance_below, "stakeholders", what)
            for j, sid in enumerate(w.if_unconnected):
                self.ref(loc + ("when", "if_unconnected", j), sid, "stakeholders", what)
            fx = ev.effects
            floc = loc + ("effects",)
            self.refs(floc + ("priorities",), fx.priorities, "stakeholders", what)
            for sid, prio in fx.priorities.items():
                self.refs(floc + ("priorities", sid), prio, "dimensions", what)
            self.refs(floc + ("stance",), fx.stance, "stakeholders", what)
            self.refs(floc + ("influence",), fx.influence, "stakeholders", what)
            self.refs(floc + ("unavailable",), fx.unavailable, "roster", what)
            if fx.request is not None:
                self.ref(floc + ("request", "skill"), fx.request.skill, "skills", what)
                self.ref(
                    floc + ("request", "stakeholder"), fx.request.stakeholder, "stakeholders", what
                )

    def staffable(self):
        """A legal week-one team exists: required roles filled within headcount and budget."""
        need = sum(r.min for r in self.s.roles)
        need = max(need, 1)
        limits = self.s.limits
        if need > limits.headcount:
            self.error(
                ("limits", "headcount"),
                f"roles need at least {need} people but the headcount limit is {limits.headcount}",
            )
            return
        ready = sorted(m.weekly_cost for m in self.s.roster if m.available_from == 1)
        if len(ready) < need:
            self.error(
                ("roster",),
                f"roles need {need} people in week 1 but only {len(ready)} are available",
            )
            return
        cheapest = sum(ready[:need])
        if cheapest > limits.weekly_budget:
            self.error(
                ("limits", "weekly_budget"),
                f"the cheapest team that fills the required roles costs {cheapest:,} a week; "
                f"the budget is {limits.weekly_budget:,}",
            )

    def weights(self):
        sc = self.s.scoring
        if sc.internal + sc.external + sc.outcome <= 0:
            self.error(("scoring",), "scoring weights internal, external and outcome are all 0")
        for part in ("internal_parts", "external_parts"):
            if sum(getattr(sc, part).model_dump().values()) <= 0:
                self.error(("scoring", part), f"scoring.{part} weights are all 0")

    def lint(self):
        reachable_roles = {t for a in self.s.actions for t in a.targets}
        for i, st in enumerate(self.s.stakeholders):
            if st.buying_role not in reachable_roles:
                self.warn(
                    ("stakeholders", i, "buying_role"),
                    f"no action can target stakeholder '{st.id}' ({st.buying_role} buyer)",
                )
        for i, ev in enumerate(self.s.events):
            if ev.when.probability == 0 and not ev.curveball:
                self.warn(("events", i, "when", "probability"), f"event '{ev.id}' can never fire")
        needed = {k for r in self.s.roles for k, v in r.needs.items() if v > 0}
        for i, m in enumerate(self.s.roster):
            if not any(m.skills.get(k, 0) > 0 for k in needed):
                self.warn(
                    ("roster", i, "id"),
                    f"roster member '{m.id}' has none of the skills any role needs",
                )
        used_skills = needed | {k for a in self.s.actions for k in a.skills}
        used_skills |= {ev.effects.request.skill for ev in self.s.events if ev.effects.request}
        for i, sk in enumerate(self.s.skills):
            if sk.id not in used_skills:
                self.warn(("skills", i, "id"), f"skill '{sk.id}' is used by no role or action")
        used_dims = {d for st in self.s.stakeholders for d, v in st.priorities.items() if v > 0}
        used_dims |= {
            d for ev in self.s.events for p in ev.effects.priorities.values() for d, v in p.items()
        }
        for i, d in enumerate(self.s.dimensions):
            if d.id not in used_dims:
                self.warn(("dimensions", i, "id"), f"priority dimension '{d.id}' matters to nobody")


def check_scenario(scenario: Scenario, source: Source) -> list[Problem]:
    """All cross-reference errors and lint warnings for one scenario."""
    return _Checker(scenario, source).run()
