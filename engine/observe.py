"""What the team would know: the player's view of a game, never the hidden truth.

In the spirit of OpenSpiel's Observer, the view is kept apart from the state: an
`Observer` (or `observe(state)`) reads a game through the few things every game state
offers (`GameView`) and returns plain values; engine.state knows nothing of this module,
and this module imports nothing of engine.state.

Priorities are seen through the team's knowledge of each stakeholder: a blend
of the truth and a fixed per-game noise, so discovery and connection points
sharpen the picture. Stance is read as a signal word, sharper when someone on
the team is connected.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from engine import events, rng
from engine.compiled import Compiled
from engine.model import Scenario
from engine.rules import SAME_WEEKS, Batch, derived, team_know


class GameView(Protocol):
    """What the observer reads of a game; the single-game state offers all of it."""

    scenario: Scenario
    batch: Batch

    @property
    def compiled(self) -> Compiled: ...

    @property
    def week(self) -> int: ...

    @property
    def phase(self) -> str: ...

    def staffed(self) -> list[str]: ...

    def role_of(self, member: str) -> str | None: ...

    def hours_left(self, member: str) -> float: ...

    def focus(self) -> dict[str, float]: ...

    def budget(self) -> float: ...

    def team_cost(self) -> float: ...

    def fired_events(self) -> list[tuple[int, str]]: ...

    def trace(self) -> dict[str, np.ndarray]: ...


STANCE_WORDS = ((-0.5, "blocker"), (-0.15, "sceptic"), (0.15, "neutral"), (0.5, "supporter"))


def stance_word(value: float) -> str:
    for limit, word in STANCE_WORDS:
        if value < limit:
            return word
    return "champion"


def _guess(seeds: np.ndarray, S: int, K: int) -> np.ndarray:
    """(B, S, K) what the team would guess of each priority with no knowledge: fixed noise."""
    noise = rng.uniform(seeds, rng.NOISE, np.arange(S * K)).reshape(-1, S, K)
    return noise / noise.sum(-1, keepdims=True)


def estimate(c: Compiled, b: Batch) -> tuple[np.ndarray, np.ndarray]:
    """(B, S, K) each game's team estimate of priorities and (B, S) its uncertainty.

    The same formula serves the player's view and the bots, so a bot knows what a
    player would know and no more. Before anyone is staffed, the briefing's
    visibility is what the team knows.
    """
    S, K = len(c.stakeholders), len(c.dims)
    guess = derived(b, "guess", (b.seeds,), lambda: _guess(b.seeds, S, K))  # fixed per game
    if b.stale.any():  # a silent shift: the team still believes what it knew before
        know = events.team_knowledge(c, b.staffed, b.unknown, b.stale)
        est = events.blend(know, b.prio, guess, b.belief, b.stale)
        believed = know + np.minimum(b.stale, 1.0 - know)  # as sure as before the shift
        return est / est.sum(-1, keepdims=True), 1.0 - believed
    know = np.where(b.staffed.any(1, keepdims=True), team_know(b), c.st_visibility)
    est = know[..., None] * b.prio + (1 - know[..., None]) * guess
    return est / est.sum(-1, keepdims=True), 1.0 - know


def stance_blur(b: Batch, week, connected: np.ndarray) -> np.ndarray:
    """How far the team's reading of each stakeholder's stance is off in `week` (an int or
    an array of weeks, shaped to broadcast with `connected`): a little when someone on the
    team is connected to them, a lot when nobody is. Fixed per game and week."""
    S = connected.shape[-1]
    noise = rng.uniform(b.seeds[:1], rng.NOISE, 10_000 + np.asarray(week) * 64 + np.arange(S))[0]
    return np.where(connected, 0.05, 0.25) * (noise - 0.5) * 2


def estimated_priorities(state: GameView) -> tuple[np.ndarray, np.ndarray]:
    """(S, K) the team's estimate of each stakeholder's priorities and (S,) its uncertainty."""
    est, unc = estimate(state.compiled, state.batch)
    return est[0], unc[0]


class Observer:
    """The player's view of games (OpenSpiel's Observer): `set_from(state)` reads a game and
    keeps what the team would know now in `dict`, as plain values; `trace_from(state)` is
    the game's trace as the team sees it. It keeps nothing of the game itself."""

    def __init__(self) -> None:
        self.dict: dict = {}

    def set_from(self, state: GameView) -> dict:
        self.dict = observe(state)
        return self.dict

    def trace_from(self, state: GameView) -> dict:
        return observed_trace(state)


def _elsewhere(event, c: Compiled, b: Batch) -> bool:
    """An event that only takes away people who are not on the team: the team never hears
    of it (it names someone they do not work with)."""
    fx = event.effects
    if (
        not fx.unavailable
        or any(
            (fx.priorities, fx.stance, fx.influence, fx.competition, fx.budget, fx.request),
        )
        or fx.deal_value
    ):
        return False
    return not any(b.staffed[0, c.members.index(m)] for m in fx.unavailable)


def observe(state: GameView) -> dict:
    """The player's picture of the deal this week, as plain values."""
    c, b, s = state.compiled, state.batch, state.scenario
    est, unc = estimated_priorities(state)
    seen_stance = np.clip(b.stance[0] + stance_blur(b, state.week, b.conn[0].any(0)), -1, 1)
    stakeholders = []
    for i, st in enumerate(s.stakeholders):
        if not b.present[0, i]:
            continue
        stakeholders.append(
            {
                "id": st.id,
                "name": st.name,
                "title": st.title,
                "buying_role": st.buying_role.value,
                "influence": float(b.influence[0, i]),
                "seniority": st.seniority,
                "stance": stance_word(float(seen_stance[i])),
                "stance_estimate": float(seen_stance[i]),
                "priorities": {d: float(v) for d, v in zip(c.dims, est[i], strict=True)},
                "uncertainty": float(unc[i]),
                "connected": [c.members[m] for m in np.flatnonzero(b.conn[0, :, i])],
                "notes": st.notes,
            }
        )
    events = [
        {"week": w, "id": e, "name": ev.name, "signal": ev.signal}
        for w, e in state.fired_events()
        for ev in s.events
        if ev.id == e and not ev.effects.silent and not _elsewhere(ev, c, b)
    ]
    joined = [
        {
            "week": int(st.joins_week),
            "id": f"joins:{st.id}",
            "name": f"{st.name} joins the buying team",
            "signal": st.notes,
        }
        for st in s.stakeholders
        if st.joins_week and st.joins_week <= state.week
    ]
    team = [
        {
            "id": m,
            "name": s.roster[c.members.index(m)].name,
            "role": state.role_of(m),
            "hours_left": state.hours_left(m)
            if state.week
            else float(c.m_capacity[c.members.index(m)]),
            "capacity": float(c.m_capacity[c.members.index(m)]),
            "away": bool(b.away_until[0, c.members.index(m)] >= state.week > 0),
        }
        for m in state.staffed()
    ]
    comp = float(b.competition[0])
    return {
        "week": state.week,
        "weeks": c.weeks,
        "phase": state.phase,
        "team": team,
        "stakeholders": stakeholders,
        "events": sorted(events + joined, key=lambda e: e["week"]),
        "focus": state.focus(),
        "milestones": [
            {
                "id": m.id,
                "name": m.name,
                "progress": float(min(b.progress[0, i] / c.l_effort[i], 1.0)),
                "target_week": m.target_week,
                "owner": c.members[b.ms_owner[0, i]] if b.ms_owner[0, i] >= 0 else None,
                "action": c.actions[b.ms_action[0, i]] if b.ms_action[0, i] >= 0 else None,
                "due": int(b.ms_due[0, i]) or None,
            }
            for i, m in enumerate(s.milestones)
        ],
        "competition": "strong" if comp > 0.6 else "steady" if comp > 0.3 else "weak",
        "budget": state.budget(),
        "team_cost": state.team_cost(),
        "morale": float(b.morale[0]),
        "open_requests": [
            s.events[e].effects.request.model_dump()
            for e in np.flatnonzero(b.request_due[0] >= max(state.week, 1))
        ],
    }


def observed_trace(state: GameView) -> dict:
    """The game's trace as the team sees it, for the in-game dashboard.

    The customer's priorities are replaced by the team's current estimate and
    stance by the blurred reading the player sees, and the weeks of priority shifts by
    the weeks the team heard of them, so the dashboard cannot be used to probe the hidden
    truth. The debrief scores the real trace.
    """
    c, b = state.compiled, state.batch
    t = dict(state.trace())
    est, _ = estimated_priorities(state)
    t["t_prio"] = np.broadcast_to(est, t["t_prio"].shape).copy()
    W = c.weeks
    weeks = np.arange(1, W + 1)
    blur = stance_blur(b, weeks[:, None], t["t_conn"][0].any(1))  # (W, S)
    t["t_stance"] = np.clip(t["t_stance"] + blur[None], -1, 1)
    t["t_shift"] = t["t_heard"]  # a silent shift shows from the week the team learned of it
    same = t.get(SAME_WEEKS)  # the rules' runs of weeks no longer describe the values
    if same is not None:  # put in their place: scoring compares those weeks' bytes instead
        t[SAME_WEEKS] = {k: v for k, v in same.items() if k not in ("t_prio", "t_stance")}
    return t
