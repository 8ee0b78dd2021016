"""What one booking is expected to do, before the player commits it: the week resolved
with and without it, read through the team's own eyes (the stance as they read it, what
they would know, milestone progress). The engine is deterministic, so this is the same
week the player will get if nothing else changes."""

from __future__ import annotations

from dataclasses import dataclass

from engine.decisions import EndWeek, IllegalDecision, Run
from engine.observe import observe
from engine.state import GameState
from simulator.labels import first_name


@dataclass(frozen=True)
class Preview:
    stance: float  # change in the target's stance as the team reads it (-2..2)
    known: float  # change in what the team knows of the target (0..1)
    progress: dict[str, float]  # milestone name -> share of its effort added

    def text(self, target_name: str | None) -> str:
        parts = []
        if target_name is not None:
            if abs(self.stance) >= 0.005:
                parts.append(
                    f"{first_name(target_name)} {'warmer' if self.stance > 0 else 'cooler'}"
                    f" ({self.stance:+.2f})"
                )
            if self.known >= 0.005:
                parts.append(f"known +{self.known:.0%}")
        parts += [f"{name} +{v:.0%}" for name, v in self.progress.items() if v >= 0.005]
        return "Expected this week: " + (", ".join(parts) if parts else "little visible change")


def preview(state: GameState, run: Run) -> Preview | None:
    """The booking's expected effect on top of what is already booked, or None when it is
    not allowed now."""
    try:
        with_it = state.apply(run).apply(EndWeek())
    except IllegalDecision:
        return None
    without = state.apply(EndWeek())
    a, b = observe(with_it), observe(without)
    stance = known = 0.0
    if run.target is not None:
        x = next((s for s in a["stakeholders"] if s["id"] == run.target), None)
        y = next((s for s in b["stakeholders"] if s["id"] == run.target), None)
        if x and y:
            stance = x["stance_estimate"] - y["stance_estimate"]
            known = y["uncertainty"] - x["uncertainty"]
    progress = {
        m["name"]: m["progress"] - n["progress"]
        for m, n in zip(a["milestones"], b["milestones"], strict=True)
    }
    return Preview(stance, known, progress)
