"""7. The debrief: the result, expected vs realised score, every component with a bar and
a drill-down to its formula and inputs, the week-by-week chart of focus vs the customer's
priority shifts and of the win chance, the biggest gains and losses, and advice. From
here the player can replay from any week and compare the two runs."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from scoring.components import GROUP_LABELS, label
from scoring.debrief import NOT_YET
from simulator.analysis import analyse
from simulator.screens.base import GameScreen, TitleBar, money
from simulator.textcharts import bar
from simulator.widgets.charts import weekly_chart
from simulator.widgets.keys import KeyFooter
from simulator.widgets.table import GameTable

RESULT_STYLE = {"win": "bold green", "loss": "bold red", "no decision": "bold yellow"}
GROUP_NAMES = GROUP_LABELS
GROUP_SHORT = {"internal": "Int.", "external": "Ext.", "outcome": "Out."}  # row prefixes


def component_name(group: str, name: str) -> str:
    """A scorecard row's name on screen, from the component registry."""
    return label(group, name)


class DebriefScreen(GameScreen):
    TITLE = "Debrief"
    HELP = """\
## Debrief

How the deal went, and why.

- **Result** and **score**: the *realised* score includes the customer's final
  decision (and its luck); the *expected* score is luck-free and ranks decisions.
- **Components**: every part of internal alignment, external alignment and the
  outcome, with its value (0-100), its weight and the points it added or cost
  against the expert's play of this deal. Press **Enter** on a row for the
  formula, the inputs and their values.
- **Coach**: your costliest mistakes, each replayed exactly with only that
  mistake corrected (the same seed, every other decision kept), and how much
  the expected score and win chance would have moved; then where your expected
  score ranks among the expert's games, and how much luck moved the result.
- **Week by week**: how well your strategy focus matched what the buying team
  really cared about, the weeks their priorities shifted, your audibles, and the
  win chance.
- **Gains and losses**: the three components that helped and hurt most, with reasons;
  then advice tied to the practices.

**r** replays from any week with different decisions (a new save; the first
decisions are kept). **c** compares this run with the one it branched from.
"""
    BINDINGS = [
        Binding("enter", "explain", "Explain", show=False, id="debrief.explain"),
        Binding("r", "replay", "Replay from week", id="debrief.replay"),
        Binding("c", "compare", "Compare runs", id="debrief.compare"),
        Binding("escape", "back", "Done", id="debrief.back"),
        # the page keys scroll the whole debrief (the panels below the fold), not the table
        Binding("pagedown", "page(1)", "Page down", show=False, priority=True),
        Binding("pageup", "page(-1)", "Page up", show=False, priority=True),
    ]

    def action_page(self, step: int) -> None:
        body = self.query_one("#debrief-body", VerticalScroll)
        if step > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)

    def compose(self) -> ComposeResult:
        yield TitleBar(self.title_text())
        with VerticalScroll(id="debrief-body"):
            yield Static(id="debrief-summary", classes="panel")
            yield Static(id="debrief-coach", classes="panel")
            with Horizontal(id="debrief-mid"):
                with Vertical(id="debrief-left"):
                    yield GameTable(id="components", cursor_type="row", classes="panel")
                    yield Static(id="debrief-advice", classes="panel")
                yield Static(id="debrief-gains", classes="panel")
            yield Static(id="debrief-chart", classes="panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#debrief-summary").border_title = "Result"
        self.query_one("#components").border_title = "Components (Enter: how it was computed)"
        self.query_one("#debrief-gains").border_title = "Biggest gains and losses"
        self.query_one("#debrief-chart").border_title = "Week by week"
        self.query_one("#debrief-advice").border_title = "Advice"
        self.query_one("#debrief-coach").border_title = "Coach: your costliest mistakes, replayed"
        t = self.query_one("#components", DataTable)
        t.add_column("Component", key="name", width=25)
        t.add_column("Value", key="bar", width=16)
        t.add_column("Weight", key="weight", width=6)
        t.add_column("Points", key="points", width=6)
        self.refresh_view()
        t.focus()
        self.app.clear_notifications()
        if self.state.is_over() and self.dapp.compare_with is not None:
            self.notify("Press c to compare this run with the original.", timeout=5)

    def render_state(self) -> None:
        self.update_title()
        card, deb, trace = analyse(self.state)
        self.card, self.deb = card, deb
        self.render_summary(card)
        self.render_components(deb)
        self.render_gains(deb)
        self.render_chart(card, trace)
        self.render_advice(deb)
        self.render_coach()

    def render_coach(self) -> None:
        """Start the counterfactual replays in a worker; the panel fills in when done."""
        panel = self.query_one("#debrief-coach", Static)
        if not self.state.week:
            panel.update(Text(NOT_YET, style="dim"))
            return
        panel.update(Text("Replaying your game with each mistake corrected...", style="dim"))
        self.run_coach(self.state)

    @work(thread=True, exclusive=True, group="coach", exit_on_error=False)
    def run_coach(self, state) -> None:
        from simulator.coach import coach

        result = coach(state)
        self.app.call_from_thread(self.show_coach, state, result)

    def show_coach(self, state, result) -> None:
        if state is not self.state or not self.is_mounted:
            return
        self.coaching = result
        t = Text()
        for n, m in enumerate(result.mistakes, 1):
            t.append(f"{n}. ", style="bold")
            t.append(m.what[:1].upper() + m.what[1:] + ".\n", style="bold")
            t.append(f"   {m.fix}: expected score ")
            t.append(f"{m.delta:+.1f}", style="bold green")
            t.append(f" (win chance {m.win_before:.0%} → {m.win_after:.0%}).\n")
        if not result.mistakes:
            t.append(
                "No single correction the coach tries would have raised your expected score.\n",
                style="dim",
            )
        t.append("\n" + result.summary(), style="italic")
        self.query_one("#debrief-coach", Static).update(t)

    def render_summary(self, card: dict) -> None:
        s = self.state
        cur = s.scenario.deal.currency
        o = card["outcome"]
        t = Text()
        if s.is_over():
            t.append(f" {card['result'].upper()} ", style=RESULT_STYLE[card["result"]] + " reverse")
            t.append(f"  after {card['weeks_played']} weeks")
        else:
            t.append(" IN PLAY ", style="bold reverse")
            t.append(
                f"  score so far, after {card['weeks_played']} of {s.scenario.deal.weeks} weeks"
            )
        t.append("\n\n")
        t.append("Score ", style="bold")
        t.append(f"{card['score']:.1f}", style="bold")
        t.append("   expected (luck-free) ")
        t.append(f"{card['expected_score']:.1f}", style="bold")
        diff = card["score"] - card["expected_score"]
        if abs(diff) >= 0.05:
            t.append(f"   luck {diff:+.1f}", style="green" if diff > 0 else "red")
        t.append("\nAlignment ")
        t.append(f"{card['alignment']['total']:.1f}", style="bold")
        t.append(
            f" (internal {card['alignment']['internal']:.1f}, "
            f"external {card['alignment']['external']:.1f})"
        )
        t.append(f"   win chance {o['win_probability']:.0%}")
        t.append(
            f"\nDeal value realised {money(o['realised_value'], cur)}"
            f" (expected {money(o['expected_value'], cur)})"
        )
        t.append(f"   customer satisfaction {o['satisfaction']:.0f}")
        self.query_one("#debrief-summary", Static).update(t)

    def render_components(self, deb: dict) -> None:
        t = self.query_one("#components", DataTable)
        row = t.cursor_row
        t.clear()
        group = None
        for r in deb["rows"]:
            name = Text()
            if r["group"] != group:
                group = r["group"]
                name.append(GROUP_SHORT.get(group, "") + " ", style="dim")
            else:
                name.append("     ")
            name.append(component_name(r["group"], r["component"]))
            pts = r["points"]
            t.add_row(
                name,
                Text(f"{bar(r['value'] / 100, 10)} {r['value']:5.1f}"),
                Text(f"{r['weight']:.0%}", justify="right"),
                Text(f"{pts:+.1f}", justify="right", style="green" if pts > 0 else "red"),
                key=f"{r['group']}.{r['component']}",
            )
        if row is not None and t.row_count:
            t.move_cursor(row=min(row, t.row_count - 1))

    def render_gains(self, deb: dict) -> None:
        t = Text()
        than = "the expert's play" if deb.get("against") == "expert" else "an average play"
        for key, style, none in (
            ("gains", "green", f"none above {than}"),
            ("losses", "red", f"none below {than}"),
        ):
            if key == "losses":
                t.append("\n")
            t.append(f"{key.capitalize()}\n", style=f"bold {style}")
            for r in deb[key] or []:
                t.append(f"{r['points']:+.1f} ", style=style)
                t.append(component_name(r["group"], r["component"]), style="bold")
                t.append(f": {r['reason']}\n")
            if not deb[key]:
                t.append(f"{none}\n", style="dim")
        self.query_one("#debrief-gains", Static).update(t)

    def render_chart(self, card: dict, trace: dict) -> None:
        weeks = self.state.scenario.deal.weeks
        played = card["weeks_played"]
        weekly = card["weekly"]
        focus = [float(x) for x in weekly.get("focus_cosine", [])]
        win = [float(x) for x in weekly.get("win_probability", [])]
        shifts = [bool(x) for x in trace["t_shift"][0][:played]]
        audibles = [bool(x) for x in trace["t_audible"][0][:played]]
        chart = weekly_chart(
            [("Focus fit", focus, "cyan"), ("Win chance", win, "green")],
            [
                ("Customer shift", shifts, "▲", "yellow bold"),
                ("Our audible", audibles, "◆", "magenta bold"),
            ],
            weeks,
        )
        chart.append(
            "\n\nFocus fit: how closely your strategy focus matched the buying team's real, "
            "influence-weighted priorities (cosine). ▲ the customer's priorities shifted; "
            "◆ you re-focused.",
            style="dim",
        )
        self.query_one("#debrief-chart", Static).update(chart)

    def render_advice(self, deb: dict) -> None:
        t = Text()
        for line in deb.get("advice") or []:
            t.append(f" • {line}\n")
        if not deb.get("advice"):
            if self.state.is_over() and self.card.get("result") != "win":
                t.append(
                    "Every component matched the expert's play: see the coach below for what "
                    "would have moved the result.",
                    style="dim",
                )
            elif not self.state.week:
                t.append(NOT_YET, style="dim")
            else:
                t.append("Every component at or above the expert's play: try a harder deal.")
        self.query_one("#debrief-advice", Static).update(t)

    # ---- actions ----------------------------------------------------------------------------

    def current_key(self) -> str | None:
        t = self.query_one("#components", DataTable)
        if not t.row_count or t.cursor_row is None:
            return None
        return t.coordinate_to_cell_key((t.cursor_row, 0)).row_key.value

    def action_explain(self) -> None:
        key = self.current_key()
        if key is not None:
            self.app.push_screen(ExplainModal(key, self.deb["explain"][key]))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_explain()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "replay" and self.session.meta.get("workshop"):
            return False  # a solo replay of a workshop game would be the session's seed
        return True

    def action_replay(self) -> None:
        from simulator.screens.modals import ChoiceModal

        points = replay_points(self.state)
        opts = [("0", Text("Setup: start over with the same seed"), False)]
        for week, upto in points:
            opts.append(
                (str(upto), Text(f"Week {week}: keep everything before week {week}"), False)
            )

        def done(answer: str | None) -> None:
            if answer is not None:
                self.branch(int(answer))

        self.app.push_screen(
            ChoiceModal(
                "Replay from which week?",
                opts,
                "Your decisions before that point are replayed; you play on from there "
                "in a new save. This run stays as it is, for comparison.",
            ),
            done,
        )

    def branch(self, upto: int) -> None:
        original = self.session
        new = original.branch(upto, self.dapp.saves_folder)
        self.notify(
            f"Replaying {upto} decisions; play on from week {max(new.state.week, 1)}.",
            title="Replay",
        )
        self.dapp.open_game(new, compare_with=original)

    def action_compare(self) -> None:

        other = self.dapp.compare_with
        if other is None:
            parent = self.session.meta.get("parent")
            if parent:
                from engine.problems import InputError
                from simulator.saves import Session

                try:
                    other = Session.resume(parent, self.dapp.scenario_dirs)
                except InputError:
                    other = None
        if other is None:
            self.notify(
                "Nothing to compare yet: press r to replay from a week, finish that run, "
                "then compare.",
                timeout=5,
            )
            return
        from simulator.screens.registry import make

        self.app.push_screen(make("compare", other, self.session))

    def action_back(self) -> None:
        if self.state.is_over():
            self.dapp.to_picker()
        else:
            self.app.pop_screen()


def replay_points(state) -> list[tuple[int, int]]:
    """(week, decisions to keep) for the start of each week played: everything up to and
    including Start (week 1) or the EndWeek that closed the week before."""
    kinds = [d.kind for d in state.history]
    last_end = max((n for n, k in enumerate(kinds) if k == "end_week"), default=-1)
    points, week = [], 0
    for n, kind in enumerate(kinds):
        if kind not in ("start", "end_week"):
            continue
        if kind == "end_week" and n == last_end and state.is_over():
            break
        week += 1
        points.append((week, n + 1))
    return points


class ExplainModal(ModalScreen[None]):
    """One component, drilled down: formula, why it matters, inputs and their values."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="explain.close")]

    def __init__(self, key: str, info: dict) -> None:
        super().__init__()
        self.key = key
        self.info = info

    def compose(self) -> ComposeResult:
        group, name = self.key.split(".", 1)
        info = self.info
        t = Table.grid(padding=(0, 1))
        t.add_column(style="bold", no_wrap=True)
        t.add_column()
        t.add_row("Component", Text(f"{GROUP_NAMES[group]}: {component_name(group, name)}"))
        t.add_row("Value", Text(f"{info['value']:.1f} of 100"))
        t.add_row("Weight", Text(f"{info['weight']:.1%} of the total score"))
        t.add_row("Why it matters", Text(info.get("why", "")))
        t.add_row("Formula", Text(info.get("formula", ""), style="cyan"))
        t.add_row("This game", Text(info.get("reason", "")))
        for k, v in (info.get("inputs") or {}).items():
            t.add_row(Text(f"  {k}", style="dim bold"), Text(format_input(v)))
        with VerticalScroll(classes="dialog wide", id="explain"):
            yield Static(t)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#explain").border_title = "How this was computed"

    def action_close(self) -> None:
        self.dismiss(None)


def format_input(v) -> str:
    if isinstance(v, list):
        if v and all(isinstance(x, int | float) for x in v):
            return "  ".join(f"w{n + 1} {x:g}" for n, x in enumerate(v))
        return ", ".join(str(x) for x in v)
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
