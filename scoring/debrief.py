"""The debrief: biggest gains and losses with reasons, advice, and every component explained.

Reasons name the stakeholder, member, week and component, computed from the
same arrays the score came from, so every number traces back to its inputs.
Works on one game (index i) of a batch trace.
"""

from __future__ import annotations

import numpy as np

from scoring import alignment as al
from scoring import components as reg
from scoring.components import weeks_text as _weeks
from scoring.scorecard import Scorecard, score


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
    owned = al.owned(t)[i]
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


NOT_YET = "no week played yet"


AVERAGE = 50.0  # a component's value in an average play, the baseline without a better one


def component_values(sc: Scorecard) -> dict[str, np.ndarray]:
    """ "group.component" -> (B,) values, the outcome included: what a baseline is made of."""
    out = {f"internal.{k}": v for k, v in sc.internal_parts.items()}
    out.update({f"external.{k}": v for k, v in sc.external_parts.items()})
    out[reg.OUTCOME.key] = sc.outcome["expected_outcome"]
    return out


def debrief(
    t: dict, i: int = 0, sc: Scorecard | None = None, baseline: dict[str, float] | None = None
) -> dict:
    """Gains, losses, advice and per-component explanations for game i (`sc` is the
    trace's scorecard, when the caller already has it). Points are measured against
    `baseline` ("group.component" -> value, e.g. the expert's mean), or an average play."""
    if sc is None:
        sc = score(t)
    started = bool(t["played"][i].any())
    top = t["p_w_top"] / t["p_w_top"].sum()
    items = []
    for k, (group, parts) in enumerate(
        (("internal", sc.internal_parts), ("external", sc.external_parts))
    ):
        by_name = reg.weights(t, group)
        w = np.array([by_name[name] for name in parts], float)
        w = w / w.sum()
        for j, (name, v) in enumerate(parts.items()):
            items.append((reg.find(group, name), float(v[i]), top[k] * w[j]))
    items.append((reg.OUTCOME, float(sc.outcome["expected_outcome"][i]), top[2]))
    base = baseline or {}
    rows, explain, advice_of = [], {}, {}
    for rec, value, weight in items:
        row = {
            "group": rec.group,
            "component": rec.name,
            "value": round(value, 2),
            "weight": round(float(weight), 4),
            "points": round(float(weight * (value - base.get(rec.key, AVERAGE))), 2),
            "reason": rec.reason(t, i, sc) if started else NOT_YET,
        }
        rows.append(row)
        advice_of[rec.key] = rec.advice
        explain[rec.key] = {
            "formula": rec.formula_for(t["p_rules"]),
            "why": rec.why,
            "value": row["value"],
            "weight": row["weight"],
            "reason": row["reason"],
            "inputs": rec.inputs(t, i, sc) if started else {},
        }
    if not started:  # nothing played yet: nothing gained or lost, nothing to advise
        return {
            "against": "expert" if baseline else "average",
            "gains": [],
            "losses": [],
            "practices": [],
            "advice": [],
            "explain": explain,
            "rows": rows,
        }
    ranked = sorted(rows, key=lambda r: r["points"])
    losses = [r for r in ranked if r["points"] < 0][:3]
    skipped = lapses(t, i, sc) if "p_practices" in t else []
    advice = [f"{p['name']}: {p['evidence']}. {p['advice']}" for p in skipped]
    advice += [advice_of[f"{r['group']}.{r['component']}"] for r in losses][
        : max(0, 3 - len(advice))
    ]
    return {
        "against": "expert" if baseline else "average",
        "gains": [r for r in reversed(ranked) if r["points"] > 0][:3],
        "losses": losses,
        "practices": skipped,
        "advice": advice,
        "explain": explain,
        "rows": rows,
    }
