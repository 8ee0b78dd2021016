"""What a player should hear before committing a week or the start of the deal: the
costly gaps the rules will score (over budget, no quarterback, the economic buyer out of
reach, roles left empty), in the team's own terms. Pure reads of the game state."""

from __future__ import annotations

import numpy as np

from engine.state import GameState


def gaps(state: GameState) -> list[str]:
    """The gaps that will cost points this week, most costly first."""
    s, c, b = state.scenario, state.compiled, state.batch
    out = []
    staffed = b.staffed[0]
    if state.team_cost() > state.budget() + 1e-9:
        over = state.team_cost() - state.budget()
        out.append(
            f"The team is over budget by {over:,.0f} {s.deal.currency} a week: workload scores 0"
        )
    qbs = int(((b.role[0] == c.qb_role) & staffed).sum())
    if qbs != 1:
        out.append(
            "Nobody is quarterback: every action runs worse"
            if qbs == 0
            else f"{qbs} people are quarterback: the team gets mixed signals"
        )
    connected = (b.conn[0] & staffed[:, None]).any(0)
    for j, st in enumerate(s.stakeholders):
        if st.buying_role.value == "economic" and b.present[0, j] and not connected[j]:
            out.append(f"{st.name} (economic buyer) has no connection point on the team")
    held = np.bincount(b.role[0][staffed & (b.role[0] >= 0)], minlength=len(c.roles))
    empty = [r.name for k, r in enumerate(s.roles) if held[k] < r.min]
    if empty:
        out.append("No one holds " + ", ".join(empty))
    return out


def end_week_detail(state: GameState) -> str:
    """The end-week confirmation's text: what was booked, hours left, and every gap."""
    left = sum(state.hours_left(m) for m in state.staffed())
    lines = [f"{len(state.runs)} action(s) booked; {left:.0f} team hours unused."]
    if state.week == state.scenario.deal.weeks:
        lines.append("This is the last week: the customer decides.")
    lines += [f"⚠ {g}." for g in gaps(state)]
    return "\n".join(lines)
