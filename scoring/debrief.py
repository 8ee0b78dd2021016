"""The debrief: biggest gains and losses with reasons, advice, and every component explained.

Reasons name the stakeholder, member, week and component, computed from the
same arrays the score came from, so every number traces back to its inputs.
Works on one game (index i) of a batch trace.
"""

from __future__ import annotations

import numpy as np

from scoring import alignment as al
from scoring import outcome as oc
from scoring.scorecard import Scorecard, score


def formulas(t: dict) -> dict[tuple[str, str], tuple[str, str]]:
    """(group, component) -> (formula, why), with this scenario's own rule numbers."""
    r = t["p_rules"]
    intercept, coef = oc.coefficients(t)
    return {
        ("internal", "coverage"): (
            "mean over weeks of (required roles filled within their min..max) / (required roles)",
            "Every required role is held by someone, every week.",
        ),
        ("internal", "fit"): (
            "mean over weeks and staffed members of skills . role needs (0 without a role)",
            "People sit in roles that use their skills.",
        ),
        ("internal", "quarterback"): (
            "share of weeks with exactly one quarterback",
            "One strategy owner calls the plays.",
        ),
        ("internal", "chemistry"): (
            "mean over weeks of 0.5 + mean pair chemistry of the staffed team",
            "Fit beats star position players: pairs who work well together.",
        ),
        ("internal", "workload"): (
            "mean over weeks of (1 - 2 x load spread) x min(1, mean load / 0.5); "
            "0 when over budget",
            "Work spread evenly, the team used, the budget kept.",
        ),
        ("internal", "accountability"): (
            "mean over milestones of 0.6 x (owned by a staffed member with an action) "
            "+ 0.4 x (that action run by its due week)",
            "Every milestone has an owner and a short-term action done on time.",
        ),
        ("internal", "stability"): (
            f"exp(-{r['audible_decay']:g} x audibles not answering a customer change "
            f"within {r['response_weeks']:g} weeks)",
            "The quarterback changes strategy when the customer does, not on a whim.",
        ),
        ("external", "coverage"): (
            "mean over weeks of influence of connected stakeholders / total influence",
            "Someone on the team is the connection point for everyone who matters.",
        ),
        ("external", "connection_fit"): (
            f"influence-weighted mean of 1 - {r['connection_seniority_penalty']:g} x seniority gap "
            "of the best connection",
            "Senior buyers are met by people senior enough to be their peers.",
        ),
        ("external", "focus"): (
            "mean over weeks of (cos(focus, priorities) - cos(even focus, priorities)) "
            "/ (1 - cos(even focus, priorities)): only what beats an even guess counts",
            "The strategy follows what the buying team really cares about, week by week.",
        ),
        ("outcome", "outcome"): (
            "win probability = sigmoid("
            + f"{intercept:g} + "
            + " + ".join(f"{v:g} x {k}" for k, v in coef.items())
            + ") x scope",
            "Support, alignment and progress win deals; competitor pressure loses them.",
        ),
    }


ADVICE = {
    ("internal", "coverage"): "Fill every required role before the first customer meeting.",
    ("internal", "fit"): "Staff for fit: match each role's needs, not the most senior name.",
    ("internal", "quarterback"): "Name exactly one quarterback and let them call the plays.",
    ("internal", "chemistry"): "Pair people who work well together; watch the chemistry hints.",
    ("internal", "workload"): "Spread the hours: an idle member and an overloaded one both cost.",
    ("internal", "accountability"): "Give every milestone an owner and a short-term action with a "
    "date, then do it by that date.",
    ("internal", "stability"): "Save audibles for real customer changes; a new play every week "
    "confuses the team.",
    ("external", "coverage"): "Connect a named member to every stakeholder with real influence, "
    "the economic buyer first.",
    ("external", "connection_fit"): "Match seniority: executives expect to meet a peer.",
    ("external", "focus"): "Run discovery early and re-focus within a week of a priority shift.",
    ("outcome", "outcome"): "Turn alignment into progress: move milestones and push back on the "
    "competitor.",
}


def _weeks(mask: np.ndarray) -> str:
    """'weeks 1-6' / 'weeks 2, 5' / 'week 3' from a boolean week mask."""
    idx = [int(i) + 1 for i in np.flatnonzero(mask)]
    if not idx:
        return "no week"
    if len(idx) == 1:
        return f"week {idx[0]}"
    if idx == list(range(idx[0], idx[-1] + 1)):
        return f"weeks {idx[0]}-{idx[-1]}"
    return "weeks " + ", ".join(map(str, idx))


def _reasons(t: dict, i: int, parts: dict) -> dict:
    names = t["p_names"]
    played = t["played"][i]
    out = {}
    inf = t["t_influence"][i]
    covered = al.stakeholder_covered(t)[i]
    gaps = ((~covered) & played[:, None] & (inf > 0)) * inf
    s = int(gaps.sum(0).argmax())
    share = inf[played].max(0)[s] if played.any() else 0
    if gaps[:, s].sum() > 0:
        out[("external", "coverage")] = (
            f"{names['stakeholders'][s]}, {share:.0%} of the decision, had no connection point "
            f"in {_weeks(gaps[:, s] > 0)}"
        )
    else:
        out[("external", "coverage")] = "every stakeholder had a connection point every week"
    cosv = al.focus_cosine(t)[i]
    shifts = np.flatnonzero(t["t_shift"][i] & played)
    if len(shifts):
        w0 = int(shifts[0])
        after = cosv[w0:][played[w0:]]
        good = np.flatnonzero(after >= 0.9)
        lag = int(good[0]) if len(good) else len(after)
        if lag == 0:
            how = "the strategy already matched them"
        elif lag >= len(after):
            how = "the strategy never caught up"
        else:
            how = f"the strategy took {lag} week{'s' if lag > 1 else ''} to follow"
        out[("external", "focus")] = (
            f"after the customer's priorities shifted in week {w0 + 1}, {how} "
            f"(fit {after[0]:.2f} then, {after[-1]:.2f} at the end)"
        )
    else:
        out[("external", "focus")] = (
            f"strategy focus matched the buying team's priorities at {cosv[played].mean():.2f} "
            "on average (1.00 is a perfect match)"
            if played.any()
            else "no week played"
        )
    qb = al.quarterbacks(t)[i]
    if (qb[played] == 1).all():
        who = int(np.flatnonzero((t["t_role"][i, 0] == t["p_qb_role"]) & t["t_staffed"][i, 0])[0])
        out[("internal", "quarterback")] = f"{names['members'][who]} called the plays every week"
    else:
        out[("internal", "quarterback")] = (
            f"no single quarterback in {_weeks((qb != 1) & played)} "
            f"({int(qb[played].max(initial=0))} at most, {int(qb[played].min(initial=0))} at least)"
        )
    fit = al.member_fit(t)[i]
    staffed = t["t_staffed"][i]
    if staffed[played].any():
        f = np.where(staffed, fit, np.inf)[played].min(0)
        m = int(f.argmin())
        role = t["t_role"][i][played][:, m].max()
        role_name = names["roles"][role] if role >= 0 else "no role"
        out[("internal", "fit")] = f"{names['members'][m]} as {role_name} fits at {f[m]:.2f}"
    chem = t["p_chem"]
    st = staffed[played].any(0)
    pair = np.where(np.outer(st, st), chem, np.nan)
    np.fill_diagonal(pair, np.nan)
    if np.isfinite(pair).any() and np.nanmin(pair) < 0:
        a, b = np.unravel_index(np.nanargmin(pair), pair.shape)
        out[("internal", "chemistry")] = (
            f"{names['members'][a]} and {names['members'][b]} clash ({pair[a, b]:+.1f})"
        )
    elif np.isfinite(pair).any() and np.nanmax(pair) > 0:
        a, b = np.unravel_index(np.nanargmax(pair), pair.shape)
        out[("internal", "chemistry")] = (
            f"{names['members'][a]} and {names['members'][b]} work well together "
            f"({pair[a, b]:+.1f})"
        )
    ld = al.loads(t)[i]
    if played.any():
        w, m = np.unravel_index(np.where(played[:, None], ld, -1).argmax(), ld.shape)
        idle = np.where(played[:, None] & (t["t_capacity"][i] > 0), ld, 2).min()
        out[("internal", "workload")] = (
            f"{names['members'][m]} ran at {ld[w, m]:.0%} of their hours in week {w + 1}; "
            f"the least-used member at {idle:.0%}"
            + (
                "; over budget in " + _weeks(t["t_over_budget"][i] & played)
                if (t["t_over_budget"][i] & played).any()
                else ""
            )
        )
    owned = t["owner_staffed"][i] & (t["ms_action"][i] >= 0)
    late = owned & ~t["ms_done_on_time"][i]
    if (~owned).any():
        out[("internal", "accountability")] = "no owner or short-term action for: " + ", ".join(
            names["milestones"][k] for k in np.flatnonzero(~owned)
        )
    elif late.any():
        out[("internal", "accountability")] = "short-term action not done by its due week for: " + (
            ", ".join(names["milestones"][k] for k in np.flatnonzero(late))
        )
    else:
        out[("internal", "accountability")] = "every milestone owned, every action on time"
    ua = al.unforced_audibles(t)[i]
    out[("internal", "stability")] = (
        f"{int(ua.sum())} audible(s) not answering a customer change ({_weeks(ua)})"
        if ua.any()
        else "strategy changed only in answer to the customer"
    )
    rc = al.role_counts(t)[i]
    short = (rc < t["p_r_min"]) & played[:, None]
    if short.any():
        r = int(short.sum(0).argmax())
        out[("internal", "coverage")] = (
            f"the {names['roles'][r]} role was empty in {_weeks(short[:, r])}"
        )
    else:
        out[("internal", "coverage")] = "every required role was filled every week"
    q = al.connection_quality(t)[i]
    weak = np.where(covered & played[:, None], q, 2)
    if (weak < 1).any():
        s = int(weak.min(0).argmin())
        out[("external", "connection_fit")] = (
            f"{names['stakeholders'][s]}, was met by someone junior to them "
            f"(fit {weak[:, s].min():.1f})"
        )
    else:
        out[("external", "connection_fit")] = "every connection was a seniority match"
    o = parts["outcome"]
    out[("outcome", "outcome")] = (
        f"win probability {o['win_probability'][i]:.0%}: buying-team stance "
        f"{o['feature_stance'][i]:+.2f}, milestones {o['feature_progress'][i]:.0%} done, "
        f"competitor pressure {o['feature_competition'][i]:.2f}"
    )
    return out


def _gaps(mask: np.ndarray, every: int) -> np.ndarray:
    """(W,) weeks that come more than `every` weeks after the last True in `mask` (or the start)."""
    last, out = 0, np.zeros(len(mask), bool)
    for w, hit in enumerate(mask, 1):  # one game's weeks
        out[w - 1] = w - last > every
        if hit:
            last = w
    return out


def lapses(t: dict, i: int = 0, sc: Scorecard | None = None) -> list[dict]:
    """The practices game i skipped, each with the evidence from its own trace:
    `{"practice", "name", "advice", "evidence"}` in the order of engine.practices."""
    played = t["played"][i]
    if not played.any():
        return []
    if sc is None:
        sc = score(t)
    names, r = t["p_names"], t["p_rules"]
    out: dict[str, str] = {}
    qb = al.quarterbacks(t)[i]
    if ((qb != 1) & played).any():
        out["quarterback"] = f"no single quarterback in {_weeks((qb != 1) & played)}"
    fit = sc.internal_parts["fit"][i]
    staffed = t["t_staffed"][i][played].any(0)
    clash = np.where(np.outer(staffed, staffed), t["p_chem"], 0.0).min(initial=0.0)
    if fit < 60 or clash <= -0.5:
        out["fit"] = f"the team's role-skill fit was {fit:.0f} of 100" + (
            f", with a pair that clashes ({clash:+.1f})" if clash <= -0.5 else ""
        )
    inf = t["t_influence"][i]
    gaps = (~al.stakeholder_covered(t)[i]) & played[:, None] & (inf >= 0.1)
    if gaps.any():
        s = int((gaps * inf).sum(0).argmax())
        out["connections"] = (
            f"{names['stakeholders'][s]} ({inf[played, s].max():.0%} of the decision) had no "
            f"connection point in {_weeks(gaps[:, s])}"
        )
    focus = t["t_focus"][i]
    informed = np.abs(focus - 1.0 / focus.shape[-1]).max(-1) > 1e-9
    first = np.flatnonzero(informed & played)
    if len(first):
        w = int(first[0])
        known = float((t["t_know"][i, max(w - 1, 0)] * inf[w]).sum() / max(inf[w].sum(), 1e-9))
        if w == 0 or known < 0.4:
            out["discovery"] = (
                f"the strategy was set in week {w + 1}, knowing about {known:.0%} of what the "
                "buying team cares about"
                if w
                else "the strategy was set before any discovery"
            )
    owned = t["owner_staffed"][i] & (t["ms_action"][i] >= 0)
    if (~owned).any():
        out["milestones"] = "no owner or short-term action for " + ", ".join(
            names["milestones"][k] for k in np.flatnonzero(~owned)
        )
    missing = t.get("missing")
    if missing is not None:
        skipped = np.flatnonzero(staffed & t["p_m_internal"] & (missing[i] > 0))
        if len(skipped):
            out["follow_through"] = "follow-through items skipped for " + ", ".join(
                names["members"][m] for m in skipped
            )
    ua = al.unforced_audibles(t)[i]
    if ua.any():
        out["realign"] = (
            f"{int(ua.sum())} audible(s) that answered no customer change ({_weeks(ua)})"
        )
    if t.get("t_review") is not None:
        lapsed = np.zeros_like(played)
        if t["p_has_review"] and r["review_lapse_quality"] > 0:
            lapsed |= _gaps(t["t_review"][i], int(r["review_every"])) & played
        if t["p_has_coaching"] and r["coaching_lapse_morale"] > 0:
            lapsed |= _gaps(t["t_coached"][i], int(r["coaching_every"])) & played
        if lapsed.any():
            out["rhythm"] = f"no account review or coaching on the cadence in {_weeks(lapsed)}"
    missed = t.get("request_missed")
    if missed is not None and missed[i].any():
        out["customer_voice"] = "the customer's request went unanswered: " + ", ".join(
            names["events"][e] for e in np.flatnonzero(missed[i])
        )
    return [
        {"practice": pid, "name": name, "advice": advice, "evidence": out[pid]}
        for pid, (name, advice) in t["p_practices"].items()
        if pid in out
    ]


def debrief(t: dict, i: int = 0, sc: Scorecard | None = None) -> dict:
    """Gains, losses, advice and per-component explanations for game i
    (`sc` is the trace's scorecard, when the caller already has it)."""
    if sc is None:
        sc = score(t)
    top = t["p_w_top"] / t["p_w_top"].sum()
    wi = t["p_w_internal"] / t["p_w_internal"].sum()
    we = t["p_w_external"] / t["p_w_external"].sum()
    reasons = _reasons(t, i, {"outcome": sc.outcome})
    items = []
    for k, (name, v) in enumerate(sc.internal_parts.items()):
        items.append(("internal", name, float(v[i]), top[0] * wi[k]))
    for k, (name, v) in enumerate(sc.external_parts.items()):
        items.append(("external", name, float(v[i]), top[1] * we[k]))
    items.append(("outcome", "outcome", float(sc.outcome["expected_outcome"][i]), top[2]))
    rows = []
    for group, name, value, weight in items:
        rows.append(
            {
                "group": group,
                "component": name,
                "value": round(value, 2),
                "weight": round(float(weight), 4),
                "points": round(float(weight * (value - 50)), 2),
                "reason": reasons.get((group, name), ""),
            }
        )
    ranked = sorted(rows, key=lambda r: r["points"])
    explain = {}
    texts = formulas(t)
    for r in rows:
        formula, why = texts[(r["group"], r["component"])]
        explain[f"{r['group']}.{r['component']}"] = {
            "formula": formula,
            "why": why,
            "value": r["value"],
            "weight": r["weight"],
            "reason": r["reason"],
            "inputs": _inputs(t, sc, i, r["group"], r["component"]),
        }
    losses = [r for r in ranked if r["points"] < 0][:3]
    skipped = lapses(t, i, sc) if "p_practices" in t else []
    advice = [f"{p['name']}: {p['evidence']}. {p['advice']}" for p in skipped]
    advice += [ADVICE[(r["group"], r["component"])] for r in losses][: max(0, 3 - len(advice))]
    return {
        "gains": [r for r in reversed(ranked) if r["points"] > 0][:3],
        "losses": losses,
        "practices": skipped,
        "advice": advice,
        "explain": explain,
        "rows": rows,
    }


def _inputs(t: dict, sc, i: int, group: str, name: str) -> dict:
    """The named inputs behind one component, per played week where it varies."""
    played = t["played"][i]
    series = {
        ("internal", "coverage"): al.role_coverage,
        ("internal", "fit"): al.role_fit,
        ("internal", "quarterback"): al.quarterbacks,
        ("internal", "chemistry"): al.chemistry,
        ("internal", "workload"): al.workload,
        ("external", "coverage"): al.influence_coverage,
        ("external", "connection_fit"): al.connection_fit,
        ("external", "focus"): al.focus_cosine,
    }
    if (group, name) in series:
        vals = series[(group, name)](t)[i][played]
        return {"per week": [round(float(v), 3) for v in vals]}
    if name == "accountability":
        return {
            "owned": t["owner_staffed"][i].astype(int).tolist(),
            "on time": t["ms_done_on_time"][i].astype(int).tolist(),
            "milestones": t["p_names"]["milestones"],
        }
    if name == "stability":
        return {
            "audibles": t["t_audible"][i][played].astype(int).tolist(),
            "priority shifts": t["t_shift"][i][played].astype(int).tolist(),
        }
    o = sc.outcome
    return {k: round(float(o[f"feature_{k}"][i]), 3) for k in oc.FEATURES} | {
        "scope": round(float(o["scope"][i]), 3)
    }
