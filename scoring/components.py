"""The score components: one record each, the single home of a component.

A record names the component (`key` "group.name"), its label on screen, how it is
measured (a per-week series (B, W) averaged over the weeks played, or one
whole-game value (B,)), the formula and why it matters as the debrief explains
them, the named inputs of the drill-down, the advice line and the one-line
reason for one game. Its weight is the field of the same name in
engine.model.InternalWeights / ExternalWeights, carried by the trace as a dict
(`p_w_internal`, `p_w_external`) and matched by name, never by position.

A new component is one function (in scoring.alignment), one record here and
one weight field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from scoring import alignment as al
from scoring import outcome as oc

if TYPE_CHECKING:
    from scoring.scorecard import Scorecard

GROUPS = ("internal", "external")  # the weighted groups, each with its weights in p_w_<group>
GROUP_LABELS = {"internal": "Internal", "external": "External", "outcome": "Outcome"}

Series = Callable[[dict], np.ndarray]
Detail = Callable[[dict, int, "Scorecard"], object]  # (trace, game, scorecard) -> ...


@dataclass(frozen=True, kw_only=True)
class Explained:
    """What the debrief says about one row of the score."""

    group: str
    name: str
    label: str  # as the screens name it
    formula: str | Callable[[dict], str]  # text, or a function of the trace's p_rules
    why: str  # why it matters, one line
    advice: str  # the debrief's advice when it cost points
    inputs: Callable[[dict, int, Scorecard], dict]  # the drill-down's named inputs
    reason: Callable[[dict, int, Scorecard], str]  # one line for this game ("" for none)

    @property
    def key(self) -> str:
        return f"{self.group}.{self.name}"

    def formula_for(self, rules: dict) -> str:
        """The formula with this scenario's rule numbers in it."""
        return self.formula(rules) if callable(self.formula) else self.formula


@dataclass(frozen=True, kw_only=True)
class Component(Explained):
    """A weighted part of internal or external alignment, 0..100: the mean of `series`
    over the weeks played, or 100 x `whole_game` (exactly one of them)."""

    series: Series | None = None  # (B, W) in 0..1
    whole_game: Series | None = None  # (B,) in 0..1

    def __post_init__(self) -> None:
        if (self.series is None) == (self.whole_game is None):
            raise ValueError(f"{self.key}: give exactly one of series and whole_game")
        if self.group not in GROUPS:
            raise ValueError(f"{self.key}: group must be one of {GROUPS}")


# ---- reasons: one line for game i, from the same arrays the score came from ----------------


def weeks_text(mask: np.ndarray) -> str:
    """'weeks 1-6' / 'weeks 2, 5' / 'week 3' from a boolean week mask."""
    idx = [int(i) + 1 for i in np.flatnonzero(mask)]
    if not idx:
        return "no week"
    if len(idx) == 1:
        return f"week {idx[0]}"
    if idx == list(range(idx[0], idx[-1] + 1)):
        return f"weeks {idx[0]}-{idx[-1]}"
    return "weeks " + ", ".join(map(str, idx))


def _role_coverage_reason(t: dict, i: int, sc) -> str:
    rc = al.role_counts(t)[i]
    short = (rc < t["p_r_min"]) & t["played"][i][:, None]
    if short.any():
        r = int(short.sum(0).argmax())
        return f"the {t['p_names']['roles'][r]} role was empty in {weeks_text(short[:, r])}"
    return "every required role was filled every week"


def _fit_reason(t: dict, i: int, sc) -> str:
    names, played, staffed = t["p_names"], t["played"][i], t["t_staffed"][i]
    if not staffed[played].any():
        return ""
    f = np.where(staffed, al.member_fit(t)[i], np.inf)[played].min(0)
    m = int(f.argmin())
    role = t["t_role"][i][played][:, m].max()
    role_name = names["roles"][role] if role >= 0 else "no role"
    return f"{names['members'][m]} as {role_name} fits at {f[m]:.2f}"


def _quarterback_reason(t: dict, i: int, sc) -> str:
    played = t["played"][i]
    qb = al.quarterbacks(t)[i]
    if (qb[played] == 1).all():
        who = int(np.flatnonzero((t["t_role"][i, 0] == t["p_qb_role"]) & t["t_staffed"][i, 0])[0])
        return f"{t['p_names']['members'][who]} called the plays every week"
    return (
        f"no single quarterback in {weeks_text((qb != 1) & played)} "
        f"({int(qb[played].max(initial=0))} at most, {int(qb[played].min(initial=0))} at least)"
    )


def _chemistry_reason(t: dict, i: int, sc) -> str:
    members = t["p_names"]["members"]
    st = t["t_staffed"][i][t["played"][i]].any(0)
    pair = np.where(np.outer(st, st), t["p_chem"], np.nan)
    np.fill_diagonal(pair, np.nan)
    if np.isfinite(pair).any() and np.nanmin(pair) < 0:
        a, b = np.unravel_index(np.nanargmin(pair), pair.shape)
        return f"{members[a]} and {members[b]} clash ({pair[a, b]:+.1f})"
    if np.isfinite(pair).any() and np.nanmax(pair) > 0:
        a, b = np.unravel_index(np.nanargmax(pair), pair.shape)
        return f"{members[a]} and {members[b]} work well together ({pair[a, b]:+.1f})"
    return ""


def _workload_reason(t: dict, i: int, sc) -> str:
    played = t["played"][i]
    if not played.any():
        return ""
    ld = al.loads(t)[i]
    w, m = np.unravel_index(np.where(played[:, None], ld, -1).argmax(), ld.shape)
    idle = np.where(played[:, None] & (t["t_capacity"][i] > 0), ld, 2).min()
    over = t["t_over_budget"][i] & played
    return (
        f"{t['p_names']['members'][m]} ran at {ld[w, m]:.0%} of their hours in week {w + 1}; "
        f"the least-used member at {idle:.0%}"
        + ("; over budget in " + weeks_text(over) if over.any() else "")
    )


def _accountability_reason(t: dict, i: int, sc) -> str:
    milestones = t["p_names"]["milestones"]
    owned = al.owned(t)[i]
    late = owned & ~t["ms_done_on_time"][i]
    if (~owned).any():
        return "no owner or short-term action for: " + ", ".join(
            milestones[k] for k in np.flatnonzero(~owned)
        )
    if late.any():
        return "short-term action not done by its due week for: " + ", ".join(
            milestones[k] for k in np.flatnonzero(late)
        )
    return "every milestone owned, every action on time"


def _stability_reason(t: dict, i: int, sc) -> str:
    ua = al.unforced_audibles(t)[i]
    if ua.any():
        return f"{int(ua.sum())} audible(s) not answering a customer change ({weeks_text(ua)})"
    return "strategy changed only in answer to the customer"


def _influence_coverage_reason(t: dict, i: int, sc) -> str:
    played, inf = t["played"][i], t["t_influence"][i]
    covered = al.stakeholder_covered(t)[i]
    gaps = ((~covered) & played[:, None] & (inf > 0)) * inf
    s = int(gaps.sum(0).argmax())
    share = inf[played].max(0)[s] if played.any() else 0
    if gaps[:, s].sum() > 0:
        return (
            f"{t['p_names']['stakeholders'][s]}, {share:.0%} of the decision, had no connection "
            f"point in {weeks_text(gaps[:, s] > 0)}"
        )
    return "every stakeholder had a connection point every week"


def _connection_fit_reason(t: dict, i: int, sc) -> str:
    covered = al.stakeholder_covered(t)[i]
    if not (covered & t["played"][i][:, None]).any():
        return "no connection points: nobody on the team met the buying team, so nothing fits"
    q = al.connection_quality(t)[i]
    weak = np.where(covered & t["played"][i][:, None], q, 2)
    if (weak < 1).any():
        s = int(weak.min(0).argmin())
        return (
            f"{t['p_names']['stakeholders'][s]}, was met by someone junior to them "
            f"(fit {weak[:, s].min():.1f})"
        )
    return "every connection was a seniority match"


def _focus_reason(t: dict, i: int, sc) -> str:
    """In the score's own terms: how far the focus beat an even guess toward what the buying
    team really wants (a raw cosine reads high even for a focus that earns nothing)."""
    played = t["played"][i]
    earned = al.focus(t)[i]
    shifts = np.flatnonzero(t["t_shift"][i] & played)
    if len(shifts):
        w0 = int(shifts[0])
        after = earned[w0:][played[w0:]]
        good = np.flatnonzero(after >= 0.5)
        lag = int(good[0]) if len(good) else len(after)
        if lag == 0:
            how = "the strategy already matched them"
        elif lag >= len(after):
            how = "the strategy never caught up"
        else:
            how = f"the strategy took {lag} week{'s' if lag > 1 else ''} to follow"
        return (
            f"after the customer's priorities shifted in week {w0 + 1}, {how} "
            f"({after[0]:.0%} of the way beyond an even guess then, {after[-1]:.0%} at the end)"
        )
    if not played.any():
        return "no week played"
    return (
        f"the strategy focus went {earned[played].mean():.0%} of the way from an even guess "
        "to the buying team's real priorities, on average (an even focus earns 0%)"
    )


def _outcome_reason(t: dict, i: int, sc) -> str:
    o = sc.outcome
    return (
        f"win probability {o['win_probability'][i]:.0%}: buying-team stance "
        f"{o['feature_stance'][i]:+.2f}, milestones {o['feature_progress'][i]:.0%} done, "
        f"competitor pressure {o['feature_competition'][i]:.2f}"
    )


# ---- inputs: what the drill-down lists --------------------------------------------------------


def per_week(fn: Series) -> Callable[[dict, int, Scorecard], dict]:
    """Inputs of a component: `fn`'s (B, W) values for game i, one per played week."""

    def inputs(t: dict, i: int, sc) -> dict:
        vals = fn(t)[i][t["played"][i]]
        return {"per week": [round(float(v), 3) for v in vals]}

    return inputs


def _accountability_inputs(t: dict, i: int, sc) -> dict:
    """Per milestone, by name: owned (0.6) and its action on time (0.4 more)."""
    owned, on_time = al.owned(t)[i], t["ms_done_on_time"][i]
    members = t["p_names"]["members"]
    out = {}
    for k, name in enumerate(t["p_names"]["milestones"]):
        owner = int(t["ms_owner"][i, k])
        who = f"owner {members[owner]}" if owner >= 0 else "no owner"
        if owned[k] and not t["owner_staffed"][i, k]:
            who += " (released after it was complete)"
        elif owner >= 0 and not owned[k]:
            who += " (not on the team)" if t["ms_action"][i, k] >= 0 else ", no action"
        got = 0.6 * owned[k] + 0.4 * (owned[k] and on_time[k])
        out[name] = f"{who}; action {'on time' if on_time[k] else 'not on time'}: {got:.1f}"
    return out


def _chemistry_inputs(t: dict, i: int, sc) -> dict:
    """Every declared pair on the team in some played week, with its chemistry and the weeks
    both were on it; then the value per week."""
    members = t["p_names"]["members"]
    played = t["played"][i]
    st = t["t_staffed"][i] & played[:, None]
    chem = t["p_chem"]
    pairs = []
    for a, b in zip(*np.nonzero(np.triu(chem, 1)), strict=True):
        together = st[:, a] & st[:, b]
        if together.any():
            pairs.append(f"{members[a]}–{members[b]} {chem[a, b]:+.1f} ({weeks_text(together)})")
    return {"pairs": pairs or ["no declared pair on the team"]} | per_week(al.chemistry)(t, i, sc)


def _stability_inputs(t: dict, i: int, sc) -> dict:
    played = t["played"][i]
    out = {
        "audibles": t["t_audible"][i][played].astype(int).tolist(),
        "priority shifts": t["t_shift"][i][played].astype(int).tolist(),
    }
    heard = al.heard(t)[i]
    if not np.array_equal(heard, t["t_shift"][i]):  # a silent shift, heard of later (or never)
        out["changes heard of"] = heard[played].astype(int).tolist()
    return out


def _outcome_inputs(t: dict, i: int, sc) -> dict:
    o = sc.outcome
    return {k: round(float(o[f"feature_{k}"][i]), 3) for k in oc.FEATURES} | {
        "scope": round(float(o["scope"][i]), 3)
    }


def _outcome_formula(r: dict) -> str:
    coef = {k: r[f"win_{k}"] for k in oc.FEATURES}
    return (
        "win probability = sigmoid("
        + f"{r['win_intercept']:g} + "
        + " + ".join(f"{v:g} x {k}" for k, v in coef.items())
        + ") x scope"
    )


# ---- the registry -----------------------------------------------------------------------------

COMPONENTS: tuple[Component, ...] = (
    Component(
        group="internal",
        name="coverage",
        label="Role coverage",
        series=al.role_coverage,
        formula="mean over weeks of (required roles filled within their min..max) "
        "/ (required roles)",
        why="Every required role is held by someone, every week.",
        inputs=per_week(al.role_coverage),
        advice="Fill every required role before the first customer meeting.",
        reason=_role_coverage_reason,
    ),
    Component(
        group="internal",
        name="fit",
        label="Role-skill fit",
        series=al.role_fit,
        formula="mean over weeks and staffed members of skills . role needs (0 without a role)",
        why="People sit in roles that use their skills.",
        inputs=per_week(al.role_fit),
        advice="Staff for fit: match each role's needs, not the most senior name.",
        reason=_fit_reason,
    ),
    Component(
        group="internal",
        name="quarterback",
        label="One quarterback",
        series=al.quarterback,
        formula="share of weeks with exactly one quarterback",
        why="One strategy owner calls the plays.",
        inputs=per_week(al.quarterbacks),
        advice="Name exactly one quarterback and let them call the plays.",
        reason=_quarterback_reason,
    ),
    Component(
        group="internal",
        name="chemistry",
        label="Chemistry",
        series=al.chemistry,
        formula="mean over weeks of 0.5 + mean pair chemistry of the staffed team",
        why="Fit beats star position players: pairs who work well together.",
        inputs=_chemistry_inputs,
        advice="Pair people who work well together; watch the chemistry hints.",
        reason=_chemistry_reason,
    ),
    Component(
        group="internal",
        name="workload",
        label="Workload",
        series=al.workload,
        formula="mean over weeks of (1 - 2 x load spread) x min(1, mean load / 0.5); "
        "0 when over budget",
        why="Work spread evenly, the team used, the budget kept.",
        inputs=per_week(al.workload),
        advice="Spread the hours: an idle member and an overloaded one both cost.",
        reason=_workload_reason,
    ),
    Component(
        group="internal",
        name="accountability",
        label="Accountability",
        whole_game=al.accountability,
        formula="mean over milestones of 0.6 x (owned by a staffed member with an action) "
        "+ 0.4 x (that action run by its due week)",
        why="Every milestone has an owner and a short-term action done on time.",
        inputs=_accountability_inputs,
        advice="Give every milestone an owner and a short-term action with a date, then do it "
        "by that date.",
        reason=_accountability_reason,
    ),
    Component(
        group="internal",
        name="stability",
        label="Strategy stability",
        whole_game=al.stability,
        formula=lambda r: (
            f"exp(-{r['audible_decay']:g} x audibles not answering a customer change "
            f"within {r['response_weeks']:g} weeks)"
        ),
        why="The quarterback changes strategy when the customer does, not on a whim.",
        inputs=_stability_inputs,
        advice="Save audibles for real customer changes; a new play every week confuses the team.",
        reason=_stability_reason,
    ),
    Component(
        group="external",
        name="coverage",
        label="Stakeholder coverage",
        series=al.influence_coverage,
        formula="mean over weeks of influence of connected stakeholders / total influence",
        why="Someone on the team is the connection point for everyone who matters.",
        inputs=per_week(al.influence_coverage),
        advice="Connect a named member to every stakeholder with real influence, the economic "
        "buyer first.",
        reason=_influence_coverage_reason,
    ),
    Component(
        group="external",
        name="connection_fit",
        label="Connection fit",
        series=al.connection_fit,
        formula=lambda r: (
            f"influence-weighted mean of 1 - {r['connection_seniority_penalty']:g} x seniority "
            "gap of the best connection"
        ),
        why="Senior buyers are met by people senior enough to be their peers.",
        inputs=per_week(al.connection_fit),
        advice="Match seniority: executives expect to meet a peer.",
        reason=_connection_fit_reason,
    ),
    Component(
        group="external",
        name="focus",
        label="Focus alignment",
        series=al.focus,
        formula="mean over weeks of (cos(focus, priorities) - cos(even focus, priorities)) "
        "/ (1 - cos(even focus, priorities)): only what beats an even guess counts",
        why="The strategy follows what the buying team really cares about, week by week.",
        inputs=per_week(al.focus_cosine),
        advice="Run discovery early and re-focus within a week of a priority shift.",
        reason=_focus_reason,
    ),
)

# The outcome is not a weighted part of alignment, but the debrief explains it the same way.
OUTCOME = Explained(
    group="outcome",
    name="outcome",
    label="Outcome",
    formula=_outcome_formula,
    why="Support, alignment and progress win deals; competitor pressure loses them.",
    inputs=_outcome_inputs,
    advice="Turn alignment into progress: move milestones and push back on the competitor.",
    reason=_outcome_reason,
)


# ---- reading the registry (at call time, so a test may patch COMPONENTS) ---------------------


def in_group(group: str) -> tuple[Component, ...]:
    """The group's components in registry order (the order of the scorecard's parts)."""
    return tuple(c for c in COMPONENTS if c.group == group)


def names(group: str) -> tuple[str, ...]:
    return tuple(c.name for c in in_group(group))


def find(group: str, name: str) -> Explained | None:
    """The record of one scorecard row (the outcome included), or None."""
    if (group, name) == (OUTCOME.group, OUTCOME.name):
        return OUTCOME
    return next((c for c in COMPONENTS if c.group == group and c.name == name), None)


def label(group: str, name: str) -> str:
    """The component's name on screen (a readable fallback for an unknown one)."""
    found = find(group, name)
    return found.label if found is not None else name.replace("_", " ").capitalize()


def weights(t: dict, group: str) -> dict[str, float]:
    """The group's weights by component name, as the trace carries them."""
    return t[f"p_w_{group}"]


def weekly(t: dict) -> dict[str, dict[str, np.ndarray]]:
    """group -> name -> (B, W) series of every per-week component."""
    return {g: {c.name: c.series(t) for c in in_group(g) if c.series is not None} for g in GROUPS}


def values(t: dict, series: dict | None = None) -> dict[str, dict[str, np.ndarray]]:
    """group -> name -> (B,) component in 0..100, in registry order; `series` is `weekly(t)`
    when the caller already has it."""
    if series is None:
        series = weekly(t)
    played = t["played"]
    out: dict[str, dict[str, np.ndarray]] = {}
    for g in GROUPS:
        out[g] = {
            c.name: 100 * al.weekly_mean(series[g][c.name], played)
            if c.series is not None
            else 100 * c.whole_game(t)
            for c in in_group(g)
        }
    return out


def weekly_parts(t: dict, series: dict) -> dict[str, dict[str, np.ndarray]]:
    """group -> name -> each component per week in 0..1: a per-week series as it is, a
    whole-game value as a (B, 1) column (what the weekly totals weigh)."""
    return {
        g: {
            c.name: series[g][c.name] if c.series is not None else c.whole_game(t)[:, None]
            for c in in_group(g)
        }
        for g in GROUPS
    }
