"""The event kinds beyond a plain trigger: behaviour conditions, repeats, lasting effects
and silent priority shifts.

`rules.start_week` fires events; this module holds what those kinds add, as pure functions
over a Batch's arrays, so the single game and the batch go through the very same code (the
tests of whether an event fires are one compiled loop, engine.kernels.fire_events):
- behaviour conditions read what the team did: the last week each action ran and each
  stakeholder was met (`note_runs`, kept only for scenarios that ask), the practices a
  team is skipping at the start of a week (`skipping`) and who is on the team;
- a repeating event may fire again `repeat_every` weeks after it last fired;
- an effect that `lasts` is undone at the start of the week it runs out (`undo`);
- a `silent` shift moves what the team knew onto the old priorities (`silence`), and the
  estimate (engine.observe) blends that belief back in until discovery replaces it; the
  team learns of the shift (`learn`) once it knows the stakeholder to `shift_noticed`,
  and only then does the shift open a response window (Batch.t_heard).
A scenario using none of them keeps every array and every bit it had before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import arrays as A

# practices a team can be seen skipping at the start of a week (for `if_skipped`); the rest
# (fit, discovery, re-alignment) show only in how well actions land
SKIPPABLE = (
    "quarterback",
    "connections",
    "milestones",
    "follow_through",
    "rhythm",
    "customer_voice",
)
SKIPPED_MEANS = {
    "quarterback": "the team has no quarterback, or more than one",
    "connections": "a stakeholder with influence has no connection point",
    "milestones": "a milestone has no staffed owner or no short-term action",
    "follow_through": "a staffed borrowed specialist was enrolled with checklist items skipped",
    "rhythm": "no account review in the last review_every weeks, or no coaching in the last "
    "coaching_every weeks (for a scenario that has such actions)",
    "customer_voice": "a customer's request for an expert went unanswered",
}


@dataclass(frozen=True, eq=False)
class Tables:
    """The new event fields as arrays (E events, A actions, S stakeholders, P practices)."""

    repeat: np.ndarray  # (E,) weeks between firings, 0 for a one-off
    max_times: np.ndarray  # (E,) 0 for no limit
    lasts: np.ndarray  # (E,) weeks the budget and value changes hold, 0 for good
    silent: np.ndarray  # (E,) bool
    if_run: np.ndarray  # (E, A) N: ran in the last N weeks, 0 none
    if_not_run: np.ndarray  # (E, A) N
    if_met: np.ndarray  # (E, S) W: met in week W or later, 0 none
    if_not_met: np.ndarray  # (E, S) W
    if_skipped: np.ndarray  # (E, P) bool over SKIPPABLE
    if_staffed: np.ndarray  # (E, M) bool: these members must be on the team
    behaviour: np.ndarray  # (E,) bool: the event has a behaviour condition
    track_runs: bool  # some condition reads the weeks actions last ran
    track_met: bool  # some condition reads the weeks stakeholders were last met
    any: bool  # the scenario uses one of these kinds at all


def tables(c) -> Tables:
    """The scenario's Tables, built once per compiled scenario (kept on it)."""
    found = c.__dict__.get("_event_tables")
    if found is None:
        found = _build(c)
        c.__dict__["_event_tables"] = found
    return found


def _build(c) -> Tables:
    evs = c.scenario.events
    E, Aa, S = len(evs), len(c.actions), len(c.stakeholders)
    run, not_run = np.zeros((E, Aa), int), np.zeros((E, Aa), int)
    met, not_met = np.zeros((E, S), int), np.zeros((E, S), int)
    skipped = np.zeros((E, len(SKIPPABLE)), bool)
    on_team = np.zeros((E, len(c.members)), bool)
    for i, ev in enumerate(evs):
        w = ev.when
        for aid, n in w.if_run.items():
            run[i, c.actions.index(aid)] = n
        for aid, n in w.if_not_run.items():
            not_run[i, c.actions.index(aid)] = n
        for sid, wk in w.if_met.items():
            met[i, c.stakeholders.index(sid)] = wk
        for sid, wk in w.if_not_met.items():
            not_met[i, c.stakeholders.index(sid)] = wk
        for p in w.if_skipped:
            skipped[i, SKIPPABLE.index(p)] = True
        for mid in w.if_staffed:
            on_team[i, c.members.index(mid)] = True
    behaviour = (run > 0).any(1) | (not_run > 0).any(1) | (met > 0).any(1)
    behaviour |= (not_met > 0).any(1) | skipped.any(1) | on_team.any(1)
    repeat = np.array([ev.when.repeat_every or 0 for ev in evs], int)
    max_times = np.array([ev.when.max_times or 0 for ev in evs], int)
    lasts = np.array([ev.effects.lasts or 0 for ev in evs], int)
    silent = np.array([ev.effects.silent and bool(ev.effects.priorities) for ev in evs], bool)
    return Tables(
        repeat=repeat,
        max_times=max_times,
        lasts=lasts,
        silent=silent,
        if_run=run,
        if_not_run=not_run,
        if_met=met,
        if_not_met=not_met,
        if_skipped=skipped,
        if_staffed=on_team,
        behaviour=behaviour,
        track_runs=bool((run > 0).any() or (not_run > 0).any()),
        track_met=bool((met > 0).any() or (not_met > 0).any()),
        any=bool(behaviour.any() or repeat.any() or max_times.any() or lasts.any() or silent.any()),
    )


def scheduled(c, t: Tables, w: int) -> np.ndarray:
    """(E,) events whose scheduled week is `w`, or (repeating) was `w` or earlier."""
    on = c.e_week == w
    if t.repeat.any():
        on = on | ((t.repeat > 0) & (c.e_week > 0) & (c.e_week <= w))
    return on & ~c.e_curveball


def skipping(c, b, w: int) -> np.ndarray:
    """(B, P) the practices of SKIPPABLE each game is skipping at the start of week w."""
    R = c.rules
    staffed = b.staffed
    qb = ((b.role == c.qb_role) & staffed).sum(1) != 1
    covered = (b.conn & staffed[..., None]).any(1)
    weighty = b.present & (b.influence > 0)
    unconnected = (weighty & ~covered).any(1)
    owner_here = np.take_along_axis(staffed, np.clip(b.ms_owner, 0, None), 1)
    planned = (b.ms_owner >= 0) & (b.ms_action >= 0) & owner_here
    unplanned = ~planned.all(1)
    skipped_checklist = (staffed & c.m_internal & (b.missing > 0)).any(1)
    rhythm = np.zeros(b.size, bool)
    if c.a_share.any():
        rhythm |= (w - b.last_review) > R.review_every
    if (c.a_coaching > 0).any():
        rhythm |= (w - b.last_coaching) > R.coaching_every
    unanswered = b.request_missed.any(1)
    return np.stack([qb, unconnected, unplanned, skipped_checklist, rhythm, unanswered], 1)


def undo(c, t: Tables, b, w: int, budget, value_mult, undo_week):
    """Undo the lasting effects that run out at the start of week w: (budget, value_mult,
    undo_week), new arrays only where something ran out."""
    from engine import kernels

    ends, left, new_budget, new_value = kernels.run_out(
        w, A.memory(undo_week), budget, value_mult, c.e_budget, c.e_value
    )
    if not ends.any():
        return budget, value_mult, undo_week
    return new_budget, new_value, A.batched(left)


def team_knowledge(c, staffed, unknown, stale) -> np.ndarray:
    """(B, S) what the team knows of each stakeholder's current priorities, as the estimate
    reads it: the best-informed staffed member, or the briefing's visibility before anyone
    is staffed (none, for a stakeholder whose priorities shifted silently)."""
    best = np.where(staffed[..., None], 1.0 - unknown, 0.0).max(1)
    vis = np.where(stale > 0, 0.0, c.st_visibility) if stale.any() else c.st_visibility
    return np.where(staffed.any(1, keepdims=True), best, vis)


def blend(know, prio, guess, belief, stale) -> np.ndarray:
    """(B, S, K) the team's estimate before normalising: what it knows of the truth, what it
    still believes of priorities that shifted silently, and the guess for the rest."""
    held = np.minimum(stale, 1.0 - know)
    return know[..., None] * prio + held[..., None] * belief + (1 - know - held)[..., None] * guess


def silence(c, b, on: np.ndarray, st: int, old: np.ndarray, belief, stale, unknown):
    """A silent shift of stakeholder `st` in the games `on`, whose priorities were `old`
    (B, K): what the team knew (of the truth and of older beliefs) becomes its belief, and
    nobody knows the new priorities. Returns (belief, stale, unknown), changed in place
    (the caller passes copies)."""
    know = team_knowledge(c, b.staffed, b.unknown, b.stale)[:, st]
    held = np.minimum(b.stale[:, st], 1.0 - know)
    weight = know + held
    mix = know[:, None] * old + held[:, None] * b.belief[:, st]
    new = np.divide(mix, weight[:, None], out=np.copy(b.belief[:, st]), where=weight[:, None] > 0)
    belief[on, st] = new[on]
    stale[on, st] = weight[on]
    unknown[on, :, st] = 1.0
    return belief, stale, unknown


def learn(c, b, w: int, know) -> dict:
    """The silent shifts the team learns of at the start of week w: those whose stakeholder
    its best-informed staffed member now knows (`know`, (B, S), after last week's discovery
    and standing connections) to at least `rules.shift_noticed`. Returns the changed
    `unheard` and `t_learned` ({} when nothing is learned)."""
    if not b.unheard.any():
        return {}
    learned = b.unheard & (know >= c.rules.shift_noticed)
    if not learned.any():
        return {}
    log = np.copy(b.t_learned)
    log[:, w - 1] = learned
    return {"unheard": b.unheard & ~learned, "t_learned": log}


def note_runs(t: Tables, b, w: int, g, a, s, fresh=np.copy) -> dict:
    """The weeks actions last ran and stakeholders were last met, after week w's runs (only
    what some condition reads; games already decided keep theirs), written into
    fresh(the old arrays): copies, or their memory (rules.owned)."""
    from engine import kernels

    out = {}
    if t.track_runs and len(g):
        last = fresh(b.last_run)
        kernels.note_weeks(w, g, a, b.ended, A.memory(last))
        out["last_run"] = last
    if t.track_met:
        aimed = (s >= 0) & (b.ended[g] == 0)
        if aimed.any():
            last = fresh(b.last_met)
            kernels.note_weeks(w, g, s, b.ended, A.memory(last))
            out["last_met"] = last
    return out


def fresh_arrays(c, B: int) -> dict:
    """The Batch fields this module keeps, for B games in the setup phase."""
    S, K, E, W = len(c.stakeholders), len(c.dims), len(c.events), c.weeks
    return {
        "last_run": A.zeros((B, len(c.actions)), int),
        "last_met": A.zeros((B, S), int),
        "fire_count": A.zeros((B, E), int),
        "fire_log": A.zeros((B, W, E), bool),
        "undo_week": A.zeros((B, E), int),
        "belief": A.zeros((B, S, K)),
        "stale": A.zeros((B, S)),
        "unheard": A.zeros((B, S), bool),
        "t_heard": A.zeros((B, W), bool),
        "t_learned": A.zeros((B, W, S), bool),
    }


def harm(c) -> np.ndarray:
    """(E,) whether each event hurts the team's chances: it costs stance, adds competitor
    pressure, cuts the deal value or the budget, or pulls people away."""
    return (
        (c.e_stance.sum(1) < 0)
        | (c.e_competition > 0)
        | (c.e_value < 0)
        | (c.e_budget < 0)
        | (c.e_unavailable > 0).any(1)
    ) & ~(c.e_stance.sum(1) > 0)


def avoidable(c, b) -> tuple[np.ndarray, np.ndarray]:
    """What a team can do this week so that a harmful behaviour-conditioned event cannot
    fire because of what it left undone: (B, A) actions to run (an `if_not_run` about to
    hold next week) and (B, S) stakeholders to meet (an `if_not_met` that holds now). Only
    events that may still fire in a later week count."""
    t = tables(c)
    w = b.week
    run = np.zeros((b.size, len(c.actions)), bool)
    meet = np.zeros((b.size, len(c.stakeholders)), bool)
    if not t.behaviour.any():
        return run, meet
    bad = harm(c) & t.behaviour & ~c.e_curveball
    for e in np.flatnonzero(bad):
        if c.e_week[e]:
            later = c.e_week[e] > w or t.repeat[e] > 0
        else:
            later = c.e_last[e] > w
        if not later:
            continue
        again = ~b.fired[:, e] | (t.repeat[e] > 0)
        for a in np.flatnonzero(t.if_not_run[e]):
            run[:, a] |= again & (w - b.last_run[:, a] >= t.if_not_run[e, a])
        for s in np.flatnonzero(t.if_not_met[e]):
            since = t.if_not_met[e, s]
            meet[:, s] |= again & (w >= since) & (b.last_met[:, s] < since) & b.present[:, s]
    return run, meet
