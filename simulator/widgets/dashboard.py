"""The pipeline dashboard: alignment and win probability week by week, with trend lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from simulator.labels import clip, short
from simulator.textcharts import bar
from simulator.widgets.scaleline import ScaleLine

if TYPE_CHECKING:
    from engine.state import GameState


def scorecard(state: GameState) -> dict:
    """The scorecard as the team can know it: their estimate of the customer, not the truth."""
    from engine.observe import observed_trace
    from scoring.scorecard import score

    return score(observed_trace(state)).game(0)


def as_shown(state: GameState, known: dict[int, tuple[float, float]]) -> list[tuple[float, float]]:
    """(alignment, win chance) of each week played, as the team saw it at the end of that
    week: later discovery never re-estimates a past week. `known` caches the weeks already
    worked out for this game (week -> figures), so each week is computed once."""
    from engine.state import new_game

    weeks = state.week - (0 if state.is_over() else 1)
    missing = [w for w in range(1, weeks + 1) if w not in known]
    if missing == [weeks] and state.history and state.history[-1].kind == "end_week":
        card = scorecard(state)
        known[weeks] = (
            float(card["weekly"]["alignment"][-1]),
            float(card["weekly"]["win_probability"][-1]),
        )
    elif missing:
        replay = new_game(state.scenario, state.seed)
        for d in state.history:
            replay = replay.apply(d)
            done = replay.week - (0 if replay.is_over() else 1)
            if d.kind == "end_week" and done >= 1 and done not in known:
                card = scorecard(replay)
                known[done] = (
                    float(card["weekly"]["alignment"][-1]),
                    float(card["weekly"]["win_probability"][-1]),
                )
    return [known[w] for w in range(1, weeks + 1) if w in known]


def trend(series: list[float], fmt: str) -> str:
    """The arrow between the last two figures as they are printed, so it never disagrees
    with the numbers on screen."""
    if len(series) < 2:
        return ""
    last, before = (float(fmt.format(x).strip().rstrip("%")) for x in series[-2:][::-1])
    return "▲" if last > before else "▼" if last < before else "▶"


class Dashboard(VerticalScroll):
    """Alignment, win probability and milestone progress, refreshed every week."""

    def compose(self) -> ComposeResult:
        yield Static(id="dash-align")
        yield ScaleLine(id="spark-align")
        yield Static(id="dash-win")
        yield ScaleLine(id="spark-win")
        yield Static(id="dash-more")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.known: dict[int, tuple[float, float]] = {}
        self.game: tuple[str, int] | None = None
        self.seen = 0

    def show_series(
        self, key: str, label: str, series: list[float], fmt: str, scale: float = 1.0
    ) -> None:
        """One headline number with its trend arrow, and its chart (on a fixed 0..100 scale)
        once there are two weeks."""
        t = Text()
        t.append(label, style="bold")
        if series:
            t.append(f"{fmt.format(series[-1])} {trend(series, fmt)}")
        else:
            t.append("after week 1", style="dim")
        self.query_one(f"#dash-{key}", Static).update(t)
        spark = self.query_one(f"#spark-{key}", ScaleLine)
        spark.data = tuple(x / scale for x in series)
        spark.display = len(series) > 1

    last: tuple | None = None  # the state and observation drawn, to redraw on a resize

    def on_resize(self) -> None:
        if self.last is not None:
            self.update_from(*self.last)

    def update_from(self, state: GameState, obs: dict) -> None:
        self.last = (state, obs)
        game = (state.scenario.content_hash, state.seed)
        history = state.history
        if game != self.game or len(history) < self.seen:
            self.known, self.game = {}, game  # another game, or a replay from an earlier week
        self.seen = len(history)
        shown = as_shown(state, self.known)
        self.show_series("align", "Alignment  ", [a for a, _ in shown], "{:5.1f}", 100.0)
        self.show_series("win", "Win chance ", [w for _, w in shown], "{:5.0%}")

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
        room = max(12, (self.content_size.width or 29) - 7)  # after the bar: never mid-word
        for m in obs["milestones"]:
            late = state.week > m["target_week"] and m["progress"] < 1
            t.append(f"{bar(m['progress'], 6)} ", style="red" if late else "green")
            t.append(f"{clip(m['name'], room)}\n", style="dim" if m["progress"] >= 1 else "")
        t.append(f"Competition {obs['competition']}", style="bold")
        self.query_one("#dash-more", Static).update(t)
