"""The pipeline dashboard: alignment and win probability week by week, with trend lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Sparkline, Static

from simulator.screens.base import bar, short

if TYPE_CHECKING:
    from engine.state import GameState


def scorecard(state: GameState) -> dict:
    """The scorecard as the team can know it: their estimate of the customer, not the truth."""
    from engine.observe import observed_trace
    from scoring.scorecard import score

    return score(observed_trace(state)).game(0)


def trend(series: list[float]) -> str:
    if len(series) < 2:
        return ""
    d = series[-1] - series[-2]
    return "▲" if d > 0.005 else "▼" if d < -0.005 else "▶"


class Dashboard(VerticalScroll):
    """Alignment, win probability and milestone progress, refreshed every week."""

    def compose(self) -> ComposeResult:
        yield Static(id="dash-align")
        yield Sparkline([], id="spark-align")
        yield Static(id="dash-win")
        yield Sparkline([], id="spark-win")
        yield Static(id="dash-more")

    def update_from(self, state: GameState, obs: dict) -> None:
        sc = scorecard(state)
        weekly = sc["weekly"]
        align = [float(x) for x in weekly.get("alignment", [])]
        win = [float(x) for x in weekly.get("win_probability", [])]
        t = Text()
        t.append("Alignment  ", style="bold")
        if align:
            t.append(f"{align[-1]:5.1f} {trend(align)}")
        else:
            t.append("after week 1", style="dim")
        self.query_one("#dash-align", Static).update(t)
        spark = self.query_one("#spark-align", Sparkline)
        spark.data = align
        spark.display = len(align) > 1
        t = Text()
        t.append("Win chance ", style="bold")
        if win:
            t.append(f"{win[-1]:5.0%} {trend(win)}")
        else:
            t.append("after week 1", style="dim")
        self.query_one("#dash-win", Static).update(t)
        spark = self.query_one("#spark-win", Sparkline)
        spark.data = win
        spark.display = len(win) > 1

        t = Text()
        names = {d.id: short(d.name, d.id) for d in state.scenario.dimensions}
        focus = obs["focus"]
        total = sum(focus.values()) or 1.0
        t.append("Focus ", style="bold")
        t.append(
            " · ".join(
                f"{names[d]} {v / total:.0%}"
                for d, v in sorted(focus.items(), key=lambda kv: -kv[1])
                if v > 0
            )
        )
        t.append("\n")
        for m in obs["milestones"]:
            late = state.week > m["target_week"] and m["progress"] < 1
            t.append(f"{bar(m['progress'], 6)} ", style="red" if late else "green")
            t.append(f"{m['name'][:22]}\n", style="dim" if m["progress"] >= 1 else "")
        t.append(f"Competition {obs['competition']}", style="bold")
        self.query_one("#dash-more", Static).update(t)
