"""Cross-reference checks and lint warnings over a validated scenario.

Pydantic checks each field alone; this module checks that the parts fit
together (every id referenced exists, the team can be staffed, every
milestone can be reached) and warns about content that can never matter.

The checks run on the parts that passed field validation (a `Parts`), so a file
with a bad field still gets every cross-reference error of the rest in the same
run; a check that needs a whole list (the quarterback count, the influence sum,
staffing) waits until that list parses in full, so it never reports a false
alarm about an entry it could not read.

Errors make a scenario unplayable and stop it loading. Warnings (lint) run only
when there are no errors; they flag content the game will never use: a
stakeholder no action can reach, an event that can never fire, a roster member
who fits no role or can never be staffed, a skill or priority dimension nothing
uses. Every problem points at the YAML node to change: a bad reference at the
key or list item, a list-wide problem at the list's key.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from engine.events import SKIPPABLE, SKIPPED_MEANS
from engine.model import ActionEffects, Scenario
from engine.practices import PRACTICES
from engine.problems import Problem, closest, did_you_mean, join_hints, odd_chars, shorten
from engine.yamlsource import Source

ID_KINDS = (
    "dimensions",
    "skills",
    "roles",
    "stakeholders",
    "roster",
    "milestones",
    "actions",
    "events",
    "hints",
)
NOUNS = {
    "dimensions": "priority dimension",
    "skills": "skill",
    "roles": "role",
    "stakeholders": "stakeholder",
    "roster": "roster member",
    "milestones": "milestone",
    "actions": "action",
    "events": "event",
    "hints": "hint",
}

# The rules below, in the words the designer's guide uses (docs/scenario-format.md).
RULES = (
    "Ids are unique within their list (two roster members cannot both be `maya`).",
    "Every id a field refers to exists: skills in `needs`, `skills` and requests; dimensions "
    "in `priorities`; roles in an action's `roles`; milestones in `progress`; stakeholders and "
    "roster members in chemistry and event conditions and effects. A misspelt id gets a "
    "'did you mean' hint.",
    "Exactly one role has `quarterback: true`, and a role's `min` is not above its `max`.",
    "The influences of the stakeholders present at the start (no `joins_week`, or week 1) sum "
    "to 1 (within 0.01); every stakeholder has at least one non-zero priority.",
    "Weeks fit the deal: `joins_week`, `available_from`, `target_week`, an event's `week` and "
    "`window` all lie within `deal.weeks`.",
    "At most one milestone is the close, and every milestone can be reached: some action adds "
    "progress to it.",
    "The team can be staffed in week 1: the roles' minimum counts (at least one quarterback) "
    "fit in `limits.headcount`, enough roster members are available, and the cheapest such "
    "team fits in `limits.weekly_budget`.",
    "Each event fires somehow: a `week`, a `probability` (not both), or `curveball: true`.",
    "An event's `if_skipped` names practices the game can see skipped: "
    + ", ".join(SKIPPABLE)
    + ".",
    "Scoring weights are not all zero: `internal` or `external` is above 0, and so is some "
    "weight in each of `internal_parts` and `external_parts`.",
    "Chemistry pairs two different roster members, and each pair only once.",
    "A hint names stakeholders and events that exist and a practice the game teaches, its "
    "`week` or `window` lies within `deal.weeks`, and it is timed for setup or for the weeks, "
    "not both.",
)
LINTS = (
    "A stakeholder no action can reach: no action targets their buying role.",
    "An action that can never be used: it targets only buying roles nobody on the buying team has.",
    "An event that can never fire (probability 0, or a stance condition at or below -1), whose "
    "`window` is ignored (it has a fixed week), whose `when` is ignored (a curveball), that "
    "changes nothing, or that changes a stakeholder before they join.",
    "A roster member who fits no role (none of the skills any role needs), who costs more than "
    "the whole weekly budget, or who has fewer hours than the shortest action.",
    "A skill no role needs, no action uses and no event requests.",
    "A priority dimension that matters to nobody: no stakeholder (or event) gives it a weight.",
    "No stakeholder is the economic buyer.",
    "A required role (a `min` of 1 or more, or the quarterback) that needs only skills no "
    "roster member has.",
    "An action with no effects: running it changes nothing.",
    "A stakeholder with 0 influence whom no event gives any: they never sway the decision.",
    "Chemistry between two roster members who are never available in the same week.",
    "A role no action can be run by: every action lists its `roles` and none lists this one.",
    "A milestone whose `effort` is more than the best possible team could add over the whole "
    "deal (every member at full capacity on the action that adds most to it, every week).",
    "A hint that can never show: timed for setup but waiting on an event or a request (neither "
    "arrives before week 1), waiting on a buying role nobody has, or on an event that arrives "
    "only after the hint's weeks.",
    "A behaviour condition that can never hold while the event may fire: an action not run for "
    "N weeks, or a meeting since week W, when the event's last week is N (or W) or earlier; an "
    "action both in `if_run` and `if_not_run`; a practice the scenario gives no way to skip; a "
    "member in `if_staffed` who is never available while it may fire.",
    "A repeat that can never happen: `max_times` without `repeat_every`, `max_times: 1`, a "
    "repeating curveball, or a window (or deal) too short for a second firing.",
    "A duration (`lasts`) on an event with no budget or deal-value change to undo, or one that "
    "runs past the end of the deal.",
    "`silent: true` on an event that shifts no priorities.",
)


def max_quality(rules) -> float:
    """The most an action's quality can be: a perfect fit (1) at the best morale (1),
    which scales quality by morale_quality_floor + morale_quality (engine.rules)."""
    return rules.morale_quality_floor + rules.morale_quality


@dataclass(frozen=True)
class Parts:
    """What parsed of a scenario: each top-level field's value, with None for a list
    entry (or a whole field) that failed field validation.

    `complete` names the fields that parsed in full; `ids` holds, for each id list,
    the ids as written (even of entries with other bad fields), or None when the list
    itself could not be read, so a reference is only called unknown when it is.
    """

    values: dict[str, Any]
    complete: frozenset[str]
    ids: dict[str, list[str] | None] = field(default_factory=dict)

    @classmethod
    def whole(cls, scenario: Scenario) -> Parts:
        values = {name: getattr(scenario, name) for name in Scenario.model_fields}
        ids = {kind: [x.id for x in values[kind]] for kind in ID_KINDS}
        return cls(values, frozenset(values), ids)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values", {})
        if name not in values:
            raise AttributeError(name)
        return values[name]


def _fmt(x: float) -> str:
    return f"{x:g}"


def _ref_hint(value: str, ids: list[str]) -> str:
    """Did-you-mean, and the odd characters of the reference or of the id it resembles (a
    Cyrillic 'о' in a definition makes every plain reference to it unknown)."""
    match = closest(value, ids)
    return join_hints(
        did_you_mean(value, ids),
        odd_chars(value),
        odd_chars(match, f"the defined '{match}'") if match else "",
    )


class _Checker:
    def __init__(self, parts: Parts, source: Source):
        self.s = parts
        self.src = source
        self.problems: list[Problem] = []
        self.ids = {kind: parts.ids.get(kind) for kind in ID_KINDS}
        self.id_sets = {kind: set(ids or ()) for kind, ids in self.ids.items()}

    def each(self, kind: str) -> Iterator[tuple[int, Any]]:
        """(index, entry) for every entry of a list that parsed."""
        for i, x in enumerate(self.s.values.get(kind) or ()):
            if x is not None:
                yield i, x

    def whole(self, *kinds: str) -> bool:
        """Whether these fields parsed in full (a check over all of them can run)."""
        return all(k in self.s.complete for k in kinds)

    @property
    def weeks(self) -> int | None:
        deal = self.s.values.get("deal")
        return deal.weeks if deal is not None else None

    def error(self, code, loc, message, key=False, hint=""):
        self.problems.append(self.src.problem(loc, code, message, "error", key=key, hint=hint))

    def warn(self, code, loc, message, key=False):
        self.problems.append(self.src.problem(loc, code, message, "warning", key=key))

    def ref(self, loc, value: str, kind: str, what: str, key=False) -> bool:
        """Report `value` at `loc` if it is not an id of `kind`; True when it is (or when
        the list of `kind` could not be read, so nobody can tell)."""
        if value in self.id_sets[kind]:
            return True
        if self.ids[kind] is None:
            return False
        self.error(
            "ref.unknown",
            loc,
            f"{NOUNS[kind]} '{shorten(value)}' is referenced by {what} but not defined",
            key=key,
            hint=_ref_hint(value, self.ids[kind]),
        )
        return False

    def refs(self, loc, values: Iterable[str], kind: str, what: str):
        """Check the keys of a mapping; each problem points at its key."""
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
        self.teaches()
        self.hints()
        return self.problems

    # -- errors -------------------------------------------------------------------------

    def unique_ids(self):
        for kind, ids in self.ids.items():
            first: dict[str, int] = {}
            for i, x in enumerate(ids or ()):
                if x is None:
                    continue
                if x in first:
                    line = self.src.where((kind, first[x], "id"))[0]
                    self.error(
                        "ref.duplicate",
                        (kind, i, "id"),
                        f"duplicate id '{shorten(x)}' in {kind} (first defined on line {line})",
                    )
                else:
                    first[x] = i

    def roles(self):
        if self.whole("roles"):
            qbs = [i for i, r in self.each("roles") if r.quarterback]
            if not qbs:
                self.error(
                    "role.quarterback",
                    ("roles",),
                    "no role is the quarterback: mark exactly one role with 'quarterback: true'",
                    key=True,
                )
            for i in qbs[1:]:
                self.error(
                    "role.quarterback",
                    ("roles", i, "quarterback"),
                    f"role '{self.s.roles[i].id}' is a second quarterback "
                    f"('{self.s.roles[qbs[0]].id}' already is): exactly one role may be",
                    key=True,
                )
        for i, r in self.each("roles"):
            self.refs(("roles", i, "needs"), r.needs, "skills", f"role '{r.id}'")
            if r.min > r.max:
                self.error(
                    "role.min-max",
                    ("roles", i, "min"),
                    f"role '{r.id}' has min {r.min} above max {r.max}",
                )

    def stakeholders(self):
        weeks = self.weeks
        for i, st in self.each("stakeholders"):
            what = f"stakeholder '{st.id}'"
            self.refs(("stakeholders", i, "priorities"), st.priorities, "dimensions", what)
            if sum(st.priorities.values()) <= 0:
                self.error(
                    "stakeholder.priority",
                    ("stakeholders", i, "priorities"),
                    f"{what} has no non-zero priority",
                )
            if weeks is not None and st.joins_week is not None and st.joins_week > weeks:
                self.error(
                    "week.range",
                    ("stakeholders", i, "joins_week"),
                    f"{what} joins in week {st.joins_week}, after the deal's {weeks} weeks",
                )
        if not self.whole("stakeholders"):
            return
        present = [st for st in self.s.stakeholders if (st.joins_week or 1) <= 1]
        if not present:
            self.error(
                "stakeholder.present",
                ("stakeholders",),
                "at least one stakeholder must be present at the start (no joins_week)",
                key=True,
            )
            return
        total = sum(st.influence for st in present)
        if abs(total - 1.0) > 0.01:
            self.error(
                "stakeholder.influence",
                ("stakeholders",),
                f"influence of the stakeholders present at the start sums to {total:.2f}; "
                "it must sum to 1",
                key=True,
            )

    def roster(self):
        weeks = self.weeks
        for i, m in self.each("roster"):
            what = f"roster member '{m.id}'"
            self.refs(("roster", i, "skills"), m.skills, "skills", what)
            if weeks is not None and m.available_from > weeks:
                self.error(
                    "week.range",
                    ("roster", i, "available_from"),
                    f"{what} is available from week {m.available_from}, after the deal's "
                    f"{weeks} weeks",
                )
            if m.available_until is not None and m.available_until < m.available_from:
                self.error(
                    "week.range",
                    ("roster", i, "available_until"),
                    f"{what} is available until week {m.available_until}, "
                    f"before week {m.available_from}",
                )
        pairs: dict[frozenset[str], int] = {}
        for i, c in self.each("chemistry"):
            ok = True
            for j, mid in enumerate(c.members):
                ok &= self.ref(("chemistry", i, "members", j), mid, "roster", "chemistry")
            if c.members[0] == c.members[1]:
                self.error(
                    "chemistry.pair",
                    ("chemistry", i, "members"),
                    f"chemistry pairs '{c.members[0]}' with themselves; it needs two different "
                    "members",
                )
            elif ok:
                pair = frozenset(c.members)
                if pair in pairs:
                    line = self.src.where(("chemistry", pairs[pair], "members"))[0]
                    self.error(
                        "chemistry.pair",
                        ("chemistry", i, "members"),
                        f"chemistry for '{c.members[0]}' and '{c.members[1]}' is already given "
                        f"on line {line}",
                    )
                else:
                    pairs[pair] = i

    def milestones_and_actions(self):
        weeks = self.weeks
        closes = [i for i, m in self.each("milestones") if m.close]
        for i in closes[1:]:
            self.error(
                "milestone.close",
                ("milestones", i, "close"),
                f"milestone '{self.s.milestones[i].id}' is a second close "
                f"('{self.s.milestones[closes[0]].id}' already is): at most one may be",
                key=True,
            )
        for i, m in self.each("milestones"):
            if weeks is not None and m.target_week > weeks:
                self.error(
                    "week.range",
                    ("milestones", i, "target_week"),
                    f"milestone '{m.id}' targets week {m.target_week}; the deal has {weeks} weeks",
                )
        for i, a in self.each("actions"):
            what = f"action '{a.id}'"
            for j, r in enumerate(a.roles):
                self.ref(("actions", i, "roles", j), r, "roles", what)
            self.refs(("actions", i, "skills"), a.skills, "skills", what)
            self.refs(("actions", i, "effects", "progress"), a.effects.progress, "milestones", what)
        if not self.whole("actions"):
            return
        reachable = {
            m for _, a in self.each("actions") for m, v in a.effects.progress.items() if v > 0
        }
        for i, m in self.each("milestones"):
            if m.id not in reachable:
                self.error(
                    "milestone.unreachable",
                    ("milestones", i, "id"),
                    f"milestone '{m.id}' cannot be reached: no action adds progress to it",
                )

    def events(self):
        weeks = self.weeks
        for i, ev in self.each("events"):
            loc = ("events", i)
            what = f"event '{ev.id}'"
            w = ev.when
            if weeks is not None and w.week is not None and w.week > weeks:
                self.error(
                    "week.range",
                    loc + ("when", "week"),
                    f"{what} fires in week {w.week}; the deal has {weeks} weeks",
                )
            if w.week is not None and w.probability is not None:
                self.error(
                    "event.trigger",
                    loc + ("when", "probability"),
                    f"{what} has both a week and a probability; pick one",
                    key=True,
                )
            if w.window is not None and weeks is not None:
                a, b = w.window
                if not 1 <= a <= b <= weeks:
                    self.error(
                        "week.range",
                        loc + ("when", "window"),
                        f"{what} window [{a}, {b}] must lie within weeks 1..{weeks}, first "
                        "week first",
                    )
            if not ev.curveball and w.week is None and w.probability is None:
                self.error(
                    "event.trigger",
                    loc + ("when",) if "when" in self._keys(loc) else loc,
                    f"{what} never fires: give it a week or a probability, or mark it a curveball",
                )
            self.refs(loc + ("when", "if_stance_below"), w.if_stance_below, "stakeholders", what)
            self.refs(loc + ("when", "if_run"), w.if_run, "actions", what)
            self.refs(loc + ("when", "if_not_run"), w.if_not_run, "actions", what)
            self.refs(loc + ("when", "if_met"), w.if_met, "stakeholders", what)
            self.refs(loc + ("when", "if_not_met"), w.if_not_met, "stakeholders", what)
            for j, mid in enumerate(w.if_staffed):
                self.ref(loc + ("when", "if_staffed", j), mid, "roster", what)
            for j, p in enumerate(w.if_skipped):
                if p not in SKIPPABLE:
                    self.error(
                        "event.practice",
                        loc + ("when", "if_skipped", j),
                        f"{what} waits for practice '{shorten(p)}' to be skipped, which the "
                        "game cannot see",
                        hint=join_hints(
                            did_you_mean(p, SKIPPABLE), "one of " + ", ".join(SKIPPABLE)
                        ),
                    )
            for j, sid in enumerate(w.if_unconnected):
                self.ref(loc + ("when", "if_unconnected", j), sid, "stakeholders", what)
            fx = ev.effects
            floc = loc + ("effects",)
            for sid, prio in fx.priorities.items():
                if self.ref(floc + ("priorities", sid), sid, "stakeholders", what, key=True):
                    self.refs(floc + ("priorities", sid), prio, "dimensions", what)
                    if sum(prio.values()) <= 0:
                        self.error(
                            "stakeholder.priority",
                            floc + ("priorities", sid),
                            f"{what} gives stakeholder '{sid}' no non-zero priority",
                        )
            self.refs(floc + ("stance",), fx.stance, "stakeholders", what)
            self.refs(floc + ("influence",), fx.influence, "stakeholders", what)
            self.refs(floc + ("unavailable",), fx.unavailable, "roster", what)
            if fx.request is not None:
                self.ref(floc + ("request", "skill"), fx.request.skill, "skills", what)
                self.ref(
                    floc + ("request", "stakeholder"), fx.request.stakeholder, "stakeholders", what
                )

    def _keys(self, loc) -> set:
        node = self.src.data
        try:
            for part in loc:
                node = node[part]
            return set(node)
        except (KeyError, IndexError, TypeError):
            return set()

    def staffable(self):
        """A legal week-one team exists: required roles filled within headcount and budget."""
        if not self.whole("roles", "roster", "limits"):
            return
        need = sum(max(r.min, 1 if r.quarterback else 0) for r in self.s.roles)
        need = max(need, 1)
        limits = self.s.limits
        if need > limits.headcount:
            self.error(
                "team.unstaffable",
                ("limits", "headcount"),
                f"the roles need at least {need} people but the headcount limit is "
                f"{limits.headcount}",
            )
            return
        ready = sorted(m.weekly_cost for m in self.s.roster if m.available_from == 1)
        if len(ready) < need:
            self.error(
                "team.unstaffable",
                ("roster",),
                f"the roles need {need} people in week 1 but only {len(ready)} roster "
                "member(s) are available then",
                key=True,
            )
            return
        cheapest = sum(ready[:need])
        if cheapest > limits.weekly_budget:
            self.error(
                "team.unstaffable",
                ("limits", "weekly_budget"),
                f"the cheapest team that fills the required roles ({need} people) costs "
                f"{cheapest:,} a week; the budget is {limits.weekly_budget:,}",
            )

    def weights(self):
        if not self.whole("scoring"):
            return
        sc = self.s.scoring
        if sc.internal + sc.external <= 0:
            self.error(
                "scoring.weights",
                ("scoring",),
                "scoring weights internal and external are both 0; alignment needs one of them",
            )
        for part in ("internal_parts", "external_parts"):
            if sum(getattr(sc, part).model_dump().values()) <= 0:
                self.error(
                    "scoring.weights", ("scoring", part), f"scoring.{part} weights are all 0"
                )

    def teaches(self):
        if not self.whole("teaches"):
            return
        known = [p.id for p in PRACTICES]
        for i, pid in enumerate(self.s.teaches):
            if pid not in known:
                self.error(
                    "ref.unknown",
                    ("teaches", i),
                    f"practice '{shorten(pid)}' is not one the game teaches (practices: "
                    f"{', '.join(known)})",
                    hint=join_hints(did_you_mean(pid, known), odd_chars(pid)),
                )

    def hints(self):
        """A hint's references exist, its weeks fit the deal, its moment is one moment."""
        weeks = self.weeks
        known = [p.id for p in PRACTICES]
        for i, h in self.each("hints"):
            loc, w = ("hints", i), h.when
            what = f"hint '{h.id}'"
            if h.practice and h.practice not in known:
                self.error(
                    "ref.unknown",
                    loc + ("practice",),
                    f"practice '{shorten(h.practice)}' is not one the game teaches (practices: "
                    f"{', '.join(known)})",
                    hint=join_hints(did_you_mean(h.practice, known), odd_chars(h.practice)),
                )
            if w.setup and (w.week is not None or w.window is not None):
                self.error(
                    "hint.moment",
                    loc + ("when", "setup"),
                    f"{what} is timed for setup and for a week; setup comes before week 1, "
                    "pick one",
                    key=True,
                )
            if weeks is not None and w.week is not None and w.week > weeks:
                self.error(
                    "week.range",
                    loc + ("when", "week"),
                    f"{what} shows in week {w.week}; the deal has {weeks} weeks",
                )
            if w.window is not None and weeks is not None:
                a, b = w.window
                if not 1 <= a <= b <= weeks:
                    self.error(
                        "week.range",
                        loc + ("when", "window"),
                        f"{what} window [{a}, {b}] must lie within weeks 1..{weeks}, first "
                        "week first",
                    )
            for j, sid in enumerate(w.if_unconnected):
                self.ref(loc + ("when", "if_unconnected", j), sid, "stakeholders", what)
            self.refs(loc + ("when", "if_known_below"), w.if_known_below, "stakeholders", what)
            self.refs(loc + ("when", "if_stance_below"), w.if_stance_below, "stakeholders", what)
            for j, eid in enumerate(w.if_arrived):
                self.ref(loc + ("when", "if_arrived", j), eid, "events", what)

    # -- warnings -----------------------------------------------------------------------

    def lint(self) -> list[Problem]:
        self.lint_stakeholders_and_actions()
        self.lint_events()
        self.lint_event_kinds()
        self.lint_roster()
        self.lint_unused()
        self.lint_roles()
        self.lint_actions()
        self.lint_influence()
        self.lint_chemistry()
        self.lint_effort()
        self.lint_hints()
        return self.problems

    def lint_hints(self):
        """Hints whose conditions can never all hold at their moment."""
        roles_present = {st.buying_role for st in self.s.stakeholders}
        events = {ev.id: ev for ev in self.s.events}
        for i, h in enumerate(self.s.hints):
            loc, w = ("hints", i, "when"), h.when
            what = f"hint '{h.id}'"
            if w.setup and (w.if_arrived or w.if_request_open):
                self.warn(
                    "lint.hint-never",
                    loc + ("if_arrived" if w.if_arrived else "if_request_open",),
                    f"{what} can never show: it is timed for setup, and events and requests "
                    "only arrive from week 1",
                    key=True,
                )
            if w.if_unconnected_roles and not roles_present.intersection(w.if_unconnected_roles):
                self.warn(
                    "lint.hint-never",
                    loc + ("if_unconnected_roles",),
                    f"{what} can never show: nobody on the buying team has the buying roles "
                    "it waits on",
                    key=True,
                )
            last = w.week if w.week is not None else (w.window[1] if w.window else None)
            for j, eid in enumerate(w.if_arrived):
                ev = events[eid]
                if last is not None and not ev.curveball and ev.when.week is not None:
                    if ev.when.week > last:
                        self.warn(
                            "lint.hint-never",
                            loc + ("if_arrived", j),
                            f"{what} can never show: event '{eid}' arrives in week "
                            f"{ev.when.week}, after the hint's last week {last}",
                        )

    def lint_roles(self):
        has = {k for m in self.s.roster for k, v in m.skills.items() if v > 0}
        for i, r in enumerate(self.s.roles):
            needed = [k for k, v in r.needs.items() if v > 0]
            if not (r.min >= 1 or r.quarterback) or not needed or has.intersection(needed):
                continue
            loc = ("roles", i, "needs") + ((needed[0],) if len(needed) == 1 else ())
            self.warn(
                "lint.role-unfit",
                loc,
                f"nobody fits required role '{r.id}': it needs only "
                f"{', '.join(needed)}, and no roster member has any",
                key=True,
            )
        if all(a.roles for a in self.s.actions):
            used = {r for a in self.s.actions for r in a.roles}
            for i, r in enumerate(self.s.roles):
                if r.id not in used:
                    self.warn(
                        "lint.role-unused",
                        ("roles", i, "id"),
                        f"role '{r.id}' can run no action: every action lists its roles and "
                        "none lists this one",
                    )

    def lint_actions(self):
        for i, a in enumerate(self.s.actions):
            fx = a.effects
            progress = any(v > 0 for v in fx.progress.values())
            if fx.model_copy(update={"progress": {}}) == ActionEffects() and not progress:
                self.warn(
                    "lint.action-no-effect",
                    ("actions", i, "effects")
                    if "effects" in self._keys(("actions", i))
                    else ("actions", i, "id"),
                    f"action '{a.id}' changes nothing: its effects are empty or all 0",
                    key=True,
                )

    def lint_influence(self):
        raised = {sid for ev in self.s.events for sid, v in ev.effects.influence.items() if v > 0}
        for i, st in enumerate(self.s.stakeholders):
            if st.influence == 0 and st.id not in raised:
                self.warn(
                    "lint.no-influence",
                    ("stakeholders", i, "influence"),
                    f"stakeholder '{st.id}' never sways the decision: their influence is 0 "
                    "and no event gives them any",
                )

    def lint_chemistry(self):
        weeks = self.s.deal.weeks
        members = {m.id: m for m in self.s.roster}
        for i, c in enumerate(self.s.chemistry):
            a, b = (members[mid] for mid in c.members)
            first = max(a.available_from, b.available_from)
            last = min(a.available_until or weeks, b.available_until or weeks, weeks)
            if first > last:
                self.warn(
                    "lint.chemistry-apart",
                    ("chemistry", i, "members"),
                    f"chemistry between '{a.id}' and '{b.id}' never matters: they are never "
                    "available in the same week",
                )

    def lint_effort(self):
        """Each milestone's effort is within the most the best team could ever add to it."""
        weeks = self.s.deal.weeks
        headcount = self.s.limits.headcount
        unfit = self.s.rules.unfit_quality
        for j, ms in enumerate(self.s.milestones):
            runs = [
                (
                    a.hours,
                    a.effects.progress.get(ms.id, 0.0)
                    * max_quality(self.s.rules)
                    * (1.0 if any(v > 0 for v in a.skills.values()) else unfit),
                )
                for a in self.s.actions
            ]
            runs = [(h, p) for h, p in runs if p > 0]
            best = {
                m.id: max((m.capacity // h) * p for h, p in runs) if runs else 0.0
                for m in self.s.roster
            }
            bound = 0.0
            for w in range(1, weeks + 1):
                here = sorted(
                    (
                        best[m.id]
                        for m in self.s.roster
                        if m.available_from <= w <= (m.available_until or weeks)
                    ),
                    reverse=True,
                )
                bound += sum(here[:headcount])
            if bound < ms.effort and not math.isclose(bound, ms.effort):
                self.warn(
                    "lint.effort",
                    ("milestones", j, "effort"),
                    f"milestone '{ms.id}' can never be reached: its effort is {ms.effort:g} "
                    f"and the best possible team adds at most {bound:.1f} over the deal's "
                    f"{weeks} weeks",
                )

    def lint_stakeholders_and_actions(self):
        targeted = {t for a in self.s.actions for t in a.targets}
        for i, st in enumerate(self.s.stakeholders):
            if st.buying_role not in targeted:
                self.warn(
                    "lint.unreachable",
                    ("stakeholders", i, "buying_role"),
                    f"no action can reach stakeholder '{st.id}': no action targets "
                    f"{st.buying_role} buyers",
                )
        roles_present = {st.buying_role for st in self.s.stakeholders}
        for i, a in enumerate(self.s.actions):
            if a.targets and not roles_present.intersection(a.targets):
                wanted = ", ".join(a.targets)
                self.warn(
                    "lint.unusable-action",
                    ("actions", i, "targets"),
                    f"action '{a.id}' can never be used: it targets {wanted} buyers and the "
                    "buying team has none",
                )
        if "economic" not in roles_present:
            self.warn(
                "lint.no-economic-buyer",
                ("stakeholders",),
                "no stakeholder is the economic buyer",
                key=True,
            )

    def lint_events(self):
        joins = {st.id: st.joins_week or 1 for st in self.s.stakeholders}
        for i, ev in enumerate(self.s.events):
            loc = ("events", i)
            w = ev.when
            what = f"event '{ev.id}'"
            if ev.curveball:
                if w.week is not None or w.probability is not None:
                    self.warn(
                        "lint.ignored",
                        loc + ("when",),
                        f"{what} is a curveball, so its 'when' is ignored: only a facilitator "
                        "can fire it",
                    )
                    continue
            elif w.probability == 0 and w.week is None:
                self.warn(
                    "lint.never-fires",
                    loc + ("when", "probability"),
                    f"{what} can never fire: its probability is 0",
                )
            if w.week is not None and w.window is not None:
                self.warn(
                    "lint.ignored",
                    loc + ("when", "window"),
                    f"{what} fires in week {w.week}; its window only applies to a probability",
                    key=True,
                )
            for sid, v in w.if_stance_below.items():
                if v <= -1:
                    self.warn(
                        "lint.never-fires",
                        loc + ("when", "if_stance_below", sid),
                        f"{what} can never fire: stance never goes below -1",
                    )
            fx = ev.effects
            if fx == type(fx)():
                self.warn(
                    "lint.no-effect",
                    loc + ("effects",),
                    f"{what} changes nothing: its effects are empty",
                )
            if w.week is not None and not ev.curveball:
                changed = [*fx.priorities, *fx.stance, *fx.influence]
                if fx.request is not None:
                    changed.append(fx.request.stakeholder)
                for sid in dict.fromkeys(changed):
                    if joins.get(sid, 1) > w.week:
                        self.warn(
                            "lint.before-join",
                            loc + ("when", "week"),
                            f"{what} in week {w.week} changes stakeholder '{sid}', who only "
                            f"joins in week {joins[sid]}",
                        )

    def lint_event_kinds(self):
        """Misuse of behaviour conditions, repeats, durations and silent shifts."""
        W = self.s.deal.weeks
        has = {
            "rhythm": any(
                a.effects.share_knowledge or a.effects.coaching > 0 for a in self.s.actions
            ),
            "customer_voice": any(e.effects.request is not None for e in self.s.events),
            "follow_through": any(m.internal_resource for m in self.s.roster),
        }
        for i, ev in enumerate(self.s.events):
            loc, w, fx = ("events", i), ev.when, ev.effects
            what = f"event '{ev.id}'"
            if w.week is not None:
                first, last = w.week, W if w.repeat_every else w.week
            elif w.probability is not None:
                first, last = w.window or (1, W)
            else:
                first, last = 1, W  # a curveball may be injected any week
            wl = loc + ("when",)
            for kind, conds in (("if_not_run", w.if_not_run), ("if_run", w.if_run)):
                for aid, n in conds.items():
                    if kind == "if_not_run" and n >= last:
                        self.warn(
                            "lint.condition",
                            wl + (kind, aid),
                            f"{what} can never fire: '{aid}' not run for {n} weeks needs week "
                            f"{n + 1} or later, and it may fire only up to week {last}",
                            key=True,
                        )
                    if kind == "if_run" and aid in w.if_not_run:
                        self.warn(
                            "lint.condition",
                            wl + (kind, aid),
                            f"{what} can never fire: it needs '{aid}' both run and not run",
                            key=True,
                        )
            for kind, conds in (("if_met", w.if_met), ("if_not_met", w.if_not_met)):
                for sid, since in conds.items():
                    if since >= last:
                        self.warn(
                            "lint.condition",
                            wl + (kind, sid),
                            f"{what} can never fire: a meeting with '{sid}' since week {since} "
                            f"is known from week {since + 1}, and it may fire only up to week "
                            f"{last}",
                            key=True,
                        )
            for j, p in enumerate(w.if_skipped):
                if p in has and not has[p]:
                    self.warn(
                        "lint.condition",
                        wl + ("if_skipped", j),
                        f"{what} can never fire: this scenario has nothing that lets a team "
                        f"skip '{p}' ({SKIPPED_MEANS[p]})",
                    )
            roster = {m.id: m for m in self.s.roster}
            for j, mid in enumerate(w.if_staffed):
                m = roster.get(mid)
                if m is None:
                    continue
                until = m.available_until or W
                if m.available_from > last or until < first:
                    self.warn(
                        "lint.condition",
                        wl + ("if_staffed", j),
                        f"{what} can never fire: '{mid}' is available only in weeks "
                        f"{m.available_from}-{until}, and it may fire only in weeks "
                        f"{first}-{last}",
                    )
            if w.max_times is not None and not w.repeat_every:
                self.warn(
                    "lint.repeat",
                    wl + ("max_times",),
                    f"{what} has max_times but no repeat_every: it fires at most once",
                    key=True,
                )
            elif w.repeat_every:
                if ev.curveball:
                    why = "a curveball fires only when a facilitator injects it, once"
                elif w.max_times == 1:
                    why = "max_times is 1"
                elif first + w.repeat_every > last:
                    why = f"it may fire in weeks {first}-{last} only"
                else:
                    why = ""
                if why:
                    self.warn(
                        "lint.repeat",
                        wl + ("repeat_every",),
                        f"{what} can never repeat every {w.repeat_every} weeks: {why}",
                        key=True,
                    )
            if fx.lasts is not None:
                fl = loc + ("effects", "lasts")
                if not fx.budget and not fx.deal_value:
                    self.warn(
                        "lint.lasts",
                        fl,
                        f"{what} lasts {fx.lasts} weeks but has no budget or deal_value change "
                        "to undo (other effects are never undone)",
                        key=True,
                    )
                elif first + fx.lasts > W:
                    self.warn(
                        "lint.lasts",
                        fl,
                        f"{what} lasts {fx.lasts} weeks from week {first} at the earliest, past "
                        f"the deal's {W} weeks: it is never undone",
                        key=True,
                    )
            if fx.silent and not fx.priorities:
                self.warn(
                    "lint.silent",
                    loc + ("effects", "silent"),
                    f"{what} is silent but shifts no priorities: only a priority shift can be "
                    "silent",
                    key=True,
                )

    def lint_roster(self):
        needed = {k for r in self.s.roles for k, v in r.needs.items() if v > 0}
        budget = self.s.limits.weekly_budget
        budget += sum(max(ev.effects.budget, 0) for ev in self.s.events)
        shortest = min(a.hours for a in self.s.actions)
        for i, m in enumerate(self.s.roster):
            what = f"roster member '{m.id}'"
            if not any(m.skills.get(k, 0) > 0 for k in needed):
                self.warn(
                    "lint.roster",
                    ("roster", i, "id"),
                    f"{what} fits no role: they have none of the skills any role needs",
                )
            if m.weekly_cost > budget:
                self.warn(
                    "lint.roster",
                    ("roster", i, "weekly_cost"),
                    f"{what} can never be staffed: they cost {m.weekly_cost:,} a week and the "
                    f"budget is {budget:,}",
                )
            if m.capacity < shortest:
                self.warn(
                    "lint.roster",
                    ("roster", i, "capacity"),
                    f"{what} can run no action: {m.capacity} hours a week, and the shortest "
                    f"action takes {shortest}",
                )

    def lint_unused(self):
        used_skills = {k for r in self.s.roles for k, v in r.needs.items() if v > 0}
        used_skills |= {k for a in self.s.actions for k, v in a.skills.items() if v > 0}
        used_skills |= {ev.effects.request.skill for ev in self.s.events if ev.effects.request}
        for i, sk in enumerate(self.s.skills):
            if sk.id not in used_skills:
                self.warn(
                    "lint.unused",
                    ("skills", i, "id"),
                    f"skill '{sk.id}' is never used: no role needs it, no action uses it and "
                    "no event requests it",
                )
        used_dims = {d for st in self.s.stakeholders for d, v in st.priorities.items() if v > 0}
        used_dims |= {
            d
            for ev in self.s.events
            for p in ev.effects.priorities.values()
            for d, v in p.items()
            if v > 0
        }
        for i, d in enumerate(self.s.dimensions):
            if d.id not in used_dims:
                self.warn(
                    "lint.unused",
                    ("dimensions", i, "id"),
                    f"priority dimension '{d.id}' matters to nobody: no stakeholder gives it a "
                    "weight",
                )


def check_parts(parts: Parts, source: Source) -> list[Problem]:
    """Cross-reference errors among the parts that parsed (no lint: the file is broken)."""
    return _Checker(parts, source).run()


def check_scenario(scenario: Scenario, source: Source) -> list[Problem]:
    """All cross-reference errors and, when there are none, the lint warnings."""
    checker = _Checker(Parts.whole(scenario), source)
    if any(p.severity == "error" for p in checker.run()):
        return checker.problems
    return checker.lint()
