"""The pipeline dashboard: alignment and win probability week by week, with trend lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Sparkline, Static

from simulator.screens.base import short
from simulator.textcharts import bar

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

    def show_series(self, key: str, label: str, series: list[float], fmt: str) -> None:
        """One headline number with its trend arrow, and its sparkline once there are two."""
        t = Text()
        t.append(label, style="bold")
        if series:
            t.append(f"{fmt.format(series[-1])} {trend(series)}")
        else:
            t.append("after week 1", style="dim")
        self.query_one(f"#dash-{key}", Static).update(t)
        spark = self.query_one(f"#spark-{key}", Sparkline)
        spark.data = series
        spark.display = len(series) > 1

    def update_from(self, state: GameState, obs: dict) -> None:
        sc = scorecard(state)
        weekly = sc["weekly"]
        align = [float(x) for x in weekly.get("alignment", [])]
        win = [float(x) for x in weekly.get("win_probability", [])]
        self.show_series("align", "Alignment  ", align, "{:5.1f}")
        self.show_series("win", "Win chance ", win, "{:5.0%}")

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
