"""Hypothesis strategies for legal scenarios of every shape the format allows.

`scenarios()` draws a scenario as the plain data a YAML file holds: any count the
format allows for each list (one milestone, one stakeholder, one role, 2 or 52 weeks,
16 stakeholders, a 30-person roster, 40 events, ...), stakeholders who join later,
expert requests, conditions, chemistry, rules and scoring weights anywhere in their
ranges. Every draw satisfies the cross-reference rules (engine.checks), so it loads
without an error; warnings are allowed. `shape="smallest"` and `shape="largest"` pin
every count to the format's minimum or maximum.
"""

from __future__ import annotations

from hypothesis import strategies as st

from engine.events import SKIPPABLE
from engine.model import BuyingRole, Rules
from engine.practices import PRACTICES

# The format's size limits (engine.model.Scenario and its parts).
LIMITS = {
    "weeks": (2, 52),
    "dimensions": (2, 8),
    "skills": (1, 12),
    "roles": (1, 12),
    "stakeholders": (1, 16),
    "roster": (1, 30),
    "milestones": (1, 12),
    "actions": (1, 24),
    "events": (0, 40),
}
BUYING = [r.value for r in BuyingRole]
CHECKLIST_PRACTICES = [p.id for p in PRACTICES]


def unit(lo: float = 0.0, hi: float = 1.0):
    """A number in [lo, hi], the bounds themselves included often."""
    return st.one_of(
        st.sampled_from([lo, hi]),
        st.floats(lo, hi, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 4)),
    )


def _count(draw, kind: str, shape: str) -> int:
    lo, hi = LIMITS[kind]
    if shape == "smallest":
        return lo
    if shape == "largest":
        return hi
    return draw(st.one_of(st.sampled_from([lo, hi]), st.integers(lo, hi)))


def _ids(prefix: str, n: int, long: bool) -> list[str]:
    """n distinct ids; with `long`, the first is the longest an id may be (48 chars)."""
    ids = [f"{prefix}{i}" for i in range(n)]
    if long and ids:
        ids[0] = (ids[0] + "_" + "x" * 48)[:48]
    return ids


def _weights(draw, keys: list[str], positive: bool, max_size: int | None = None) -> dict:
    """A map over a subset of `keys`; with `positive`, non-empty with a weight above 0."""
    chosen = draw(
        st.lists(st.sampled_from(keys), unique=True, min_size=1 if positive else 0,
                 max_size=max_size or len(keys))
    )  # fmt: skip
    out = {k: draw(unit()) for k in chosen}
    if positive and not any(v > 0 for v in out.values()):
        out[chosen[0]] = 1.0
    return out


def _shares(draw, n: int) -> list[float]:
    """n influences in 0..1 that sum to 1 within 0.01 (the last takes the remainder)."""
    raw = [draw(st.integers(0, 100)) for _ in range(n)]
    total = sum(raw) or 1
    if not any(raw):
        raw[0] = 1
    shares = [round(r / total, 4) for r in raw]
    shares[-1] = round(max(0.0, 1.0 - sum(shares[:-1])), 4)
    return shares


@st.composite
def scenarios(draw, shape: str = "any") -> dict:
    """A legal scenario as plain data (what `yaml.safe_load` of its file returns)."""
    weeks = _count(draw, "weeks", shape)
    long = draw(st.booleans()) if shape == "any" else shape == "largest"
    dims = _ids("d", _count(draw, "dimensions", shape), long)
    skills = _ids("k", _count(draw, "skills", shape), long)
    role_ids = _ids("r", _count(draw, "roles", shape), long)
    sh_ids = _ids("s", _count(draw, "stakeholders", shape), long)
    members = _ids("m", _count(draw, "roster", shape), long)
    ms_ids = _ids("l", _count(draw, "milestones", shape), long)
    act_ids = _ids("a", max(_count(draw, "actions", shape), 1), long)
    ev_ids = _ids("e", _count(draw, "events", shape), long)
    week = st.integers(1, weeks)

    headcount = draw(st.integers(1, 20))
    room = min(headcount, len(members))  # the roles' minimums must fit both
    qb = draw(st.integers(0, len(role_ids) - 1))
    roles, need = [], 1  # the quarterback's seat is always needed
    for i, rid in enumerate(role_ids):
        lo = draw(st.integers(0, 2))
        extra = max(lo, 1) - 1 if i == qb else lo
        if need + extra > room:
            lo, extra = 0, 0
        need += extra
        roles.append(
            {
                "id": rid,
                "name": f"Role {i}",
                "quarterback": i == qb,
                "needs": _weights(draw, skills, positive=False, max_size=4),
                "min": lo,
                "max": draw(st.integers(max(lo, 1), 10)),
            }
        )

    # Stakeholders: at least one present at the start; present influences sum to 1.
    joins = [None] + [
        draw(st.one_of(st.none(), st.just(1), st.integers(2, weeks))) for _ in sh_ids[1:]
    ]
    present = [i for i, j in enumerate(joins) if (j or 1) <= 1]
    shares = dict(zip(present, _shares(draw, len(present)), strict=True))
    stakeholders = [
        {
            "id": sid,
            "name": f"Stakeholder {i}",
            "title": "Buyer",
            "buying_role": draw(st.sampled_from(BUYING)),
            "influence": shares[i] if i in shares else draw(unit()),
            "stance": draw(unit(-1.0, 1.0)),
            "seniority": draw(st.integers(1, 5)),
            "priorities": _weights(draw, dims, positive=True),
            "visibility": draw(unit()),
            "joins_week": joins[i],
        }
        for i, sid in enumerate(sh_ids)
    ]

    # Roster: at least `need` people free in week 1, the cheapest of them within budget.
    roster = []
    for i, mid in enumerate(members):
        start = 1 if i < need else draw(st.one_of(st.just(1), week))
        until = draw(st.one_of(st.none(), st.integers(start, weeks)))
        roster.append(
            {
                "id": mid,
                "name": f"Member {i}",
                "title": "Seller",
                "skills": _weights(draw, skills, positive=False),
                "seniority": draw(st.integers(1, 5)),
                "weekly_cost": draw(st.integers(0, 20_000)),
                "capacity": draw(st.integers(1, 60)),
                "available_from": start,
                "available_until": until,
                "internal_resource": draw(st.booleans()),
                "traits": draw(st.lists(st.sampled_from(["calm", "direct", "new"]), max_size=2)),
            }
        )
    ready = sorted(m["weekly_cost"] for m in roster if m["available_from"] == 1)
    budget = sum(ready[:need]) + draw(st.integers(0, 60_000))
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(members), st.sampled_from(members)).filter(
                lambda p: p[0] != p[1]
            ),
            max_size=6 if len(members) > 1 else 0,
            unique_by=lambda p: frozenset(p),
        )
    )
    chemistry = [{"members": list(p), "value": draw(unit(-1.0, 1.0))} for p in pairs]

    closes = draw(st.sampled_from([None, *range(len(ms_ids))]))
    milestones = [
        {
            "id": mid,
            "name": f"Milestone {i}",
            "effort": draw(
                st.one_of(st.just(100.0), st.floats(0.1, 100).map(lambda x: round(x, 2)))
            ),
            "target_week": draw(week),
            "close": i == closes,
        }
        for i, mid in enumerate(ms_ids)
    ]
    actions = []
    for i, aid in enumerate(act_ids):
        progress = {ms_ids[j]: draw(unit(0.01, 100)) for j in range(i, len(ms_ids), len(act_ids))}
        progress |= {
            m: draw(unit(0, 100)) for m in draw(st.lists(st.sampled_from(ms_ids), max_size=2))
        }
        actions.append(
            {
                "id": aid,
                "name": f"Action {i}",
                "hours": draw(st.integers(1, 40)),
                "roles": draw(st.lists(st.sampled_from(role_ids), unique=True, max_size=3)),
                "targets": draw(st.lists(st.sampled_from(BUYING), unique=True, max_size=4)),
                "skills": _weights(draw, skills, positive=False, max_size=3),
                "effects": {
                    "discovery": draw(unit()),
                    "stance": draw(unit(-0.5, 0.5)),
                    "progress": progress,
                    "competition": draw(unit(-0.5, 0.5)),
                    "share_knowledge": draw(st.booleans()),
                    "coaching": draw(unit(0, 0.3)),
                    "morale": draw(unit(-0.5, 0.5)),
                },
            }
        )
    for j, mid in enumerate(ms_ids):  # a progress of 0 (drawn above) must not strand it
        if all(a["effects"]["progress"].get(mid, 0) <= 0 for a in actions):
            actions[j % len(actions)]["effects"]["progress"][mid] = 1.0

    events = [
        _event(draw, i, eid, weeks, dims, skills, sh_ids, members) for i, eid in enumerate(ev_ids)
    ]
    act_ids = [a["id"] for a in actions]
    for ev in events:  # the richer kinds (engine.events), drawn after the rest
        _event_kinds(draw, ev, weeks, act_ids, sh_ids, members)
    return {
        "id": "generated" if not long else ("g" + "x" * 47),
        "title": "Generated deal",
        "summary": "A scenario drawn by hypothesis.",
        "briefing": "Win the deal.",
        "difficulty": draw(st.sampled_from(["easy", "medium", "hard"])),
        "deal": {"value": draw(st.integers(1, 10**9)), "weeks": weeks},
        "customer": {"name": "Customer"},
        "competitor": {
            "name": "Rival",
            "strength": draw(unit()),
            "momentum": draw(unit(-0.2, 0.2)),
        },
        "dimensions": [{"id": d, "name": f"Dimension {d}"} for d in dims],
        "skills": [{"id": k, "name": f"Skill {k}"} for k in skills],
        "roles": roles,
        "stakeholders": stakeholders,
        "roster": roster,
        "chemistry": chemistry,
        "limits": {"headcount": headcount, "weekly_budget": budget},
        "milestones": milestones,
        "actions": actions,
        "events": events,
        "teaches": draw(st.lists(st.sampled_from(CHECKLIST_PRACTICES), unique=True)),
        "rules": draw(_rules(weeks)),
        "scoring": draw(_scoring()),
    }


def _event(draw, i, eid, weeks, dims, skills, sh_ids, members) -> dict:
    """One event that fires somehow: a week, a probability (maybe in a window) or a
    curveball, with any mix of effects."""
    trigger = draw(st.sampled_from(["week", "probability", "curveball"]))
    when: dict = {}
    if trigger == "week":
        when["week"] = draw(st.integers(1, weeks))
    elif trigger == "probability":
        when["probability"] = draw(unit())
        if draw(st.booleans()):
            a = draw(st.integers(1, weeks))
            when["window"] = [a, draw(st.integers(a, weeks))]
    if trigger != "curveball" and draw(st.booleans()):
        when["if_stance_below"] = {
            s: draw(unit(-1.0, 1.0))
            for s in draw(st.lists(st.sampled_from(sh_ids), unique=True, max_size=2))
        }
        when["if_unconnected"] = draw(st.lists(st.sampled_from(sh_ids), unique=True, max_size=2))
    fx: dict = {}
    kinds = draw(
        st.lists(
            st.sampled_from(
                [
                    "priorities",
                    "stance",
                    "influence",
                    "competition",
                    "budget",
                    "unavailable",
                    "request",
                    "deal_value",
                ]
            ),
            unique=True,
            max_size=4,
        )
    )
    some_sh = st.lists(st.sampled_from(sh_ids), unique=True, min_size=1, max_size=3)
    for kind in kinds:
        if kind == "priorities":
            fx[kind] = {s: _weights(draw, dims, positive=True) for s in draw(some_sh)}
        elif kind == "stance":
            fx[kind] = {s: draw(unit(-1.0, 1.0)) for s in draw(some_sh)}
        elif kind == "influence":
            fx[kind] = {s: draw(unit()) for s in draw(some_sh)}
        elif kind == "competition":
            fx[kind] = draw(unit(-1.0, 1.0))
        elif kind == "budget":
            fx[kind] = draw(st.integers(-50_000, 50_000))
        elif kind == "unavailable":
            fx[kind] = {
                m: draw(st.integers(1, 52))
                for m in draw(
                    st.lists(st.sampled_from(members), unique=True, min_size=1, max_size=3)
                )
            }
        elif kind == "request":
            fx[kind] = {
                "skill": draw(st.sampled_from(skills)),
                "level": draw(unit()),
                "within": draw(st.integers(1, 10)),
                "stakeholder": draw(st.sampled_from(sh_ids)),
                "penalty": draw(unit()),
            }
        else:
            fx[kind] = draw(unit(-0.9, 2.0))
    return {
        "id": eid,
        "name": f"Event {i}",
        "signal": "Something changes.",
        "when": when,
        "curveball": trigger == "curveball",
        "effects": fx,
    }


def _event_kinds(draw, ev: dict, weeks: int, act_ids: list, sh_ids: list, members: list) -> None:
    """Maybe add behaviour conditions, a repeat, a duration and silence to an event."""
    if not draw(st.booleans()):
        return
    when, fx = ev["when"], ev["effects"]
    some = st.lists(st.sampled_from(act_ids), unique=True, max_size=2)
    if not ev["curveball"]:
        when["if_run"] = {a: draw(st.integers(1, 52)) for a in draw(some)}
        when["if_not_run"] = {
            a: draw(st.integers(1, 52)) for a in draw(some) if a not in when["if_run"]
        }
        people = st.lists(st.sampled_from(sh_ids), unique=True, max_size=2)
        when["if_met"] = {s: draw(st.integers(1, 52)) for s in draw(people)}
        when["if_not_met"] = {s: draw(st.integers(1, 52)) for s in draw(people)}
        when["if_skipped"] = draw(st.lists(st.sampled_from(SKIPPABLE), unique=True, max_size=2))
        when["if_staffed"] = draw(st.lists(st.sampled_from(members), unique=True, max_size=2))
        if draw(st.booleans()):
            when["repeat_every"] = draw(st.integers(1, 52))
            if draw(st.booleans()):
                when["max_times"] = draw(st.integers(1, 52))
    if draw(st.booleans()):
        fx["lasts"] = draw(st.integers(1, 52))
    if fx.get("priorities") and draw(st.booleans()):
        fx["silent"] = True


@st.composite
def _rules(draw, weeks: int) -> dict:
    """Defaults, or every practice number drawn in its range (engine.model.Rules)."""
    if draw(st.booleans()):
        return {}
    out: dict = {}
    for name, field in Rules.model_fields.items():
        if name == "win":
            continue
        lo = hi = None
        for m in field.metadata:
            lo = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else lo
            hi = getattr(m, "le", None) if getattr(m, "le", None) is not None else hi
            if getattr(m, "gt", None) is not None:
                lo = m.gt + 0.01
        lo, hi = (0.0, 1.0) if lo is None else (lo, 1.0 if hi is None else hi)
        if field.annotation is int:
            out[name] = draw(st.integers(int(lo), int(hi)))
        else:
            out[name] = draw(unit(float(lo), float(hi)))
    out["win"] = {
        "intercept": draw(unit(-20, 20)),
        "stance": draw(unit(0, 20)),
        "external": draw(unit(0, 20)),
        "internal": draw(unit(0, 20)),
        "progress": draw(unit(0, 20)),
        "competition": draw(unit(-20, 0)),
    }
    return out


@st.composite
def _scoring(draw) -> dict:
    """Defaults, or weights drawn with internal or external above 0 and each part group
    above 0 (check 9)."""
    if draw(st.booleans()):
        return {}
    internal = ["coverage", "fit", "quarterback", "chemistry", "workload", "accountability",
                "stability"]  # fmt: skip
    external = ["coverage", "connection_fit", "focus"]
    out = {
        "internal": draw(unit()),
        "external": draw(unit()),
        "outcome": draw(unit()),
        "no_decision_below": draw(unit()),
        "internal_parts": _weights(draw, internal, positive=True),
        "external_parts": _weights(draw, external, positive=True),
    }
    if out["internal"] + out["external"] <= 0:
        out["external"] = 1.0
    return out
