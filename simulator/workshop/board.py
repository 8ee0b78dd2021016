"""The facilitator's board: a Textual app over the workshop store.

A live leaderboard (team, week, alignment, win probability, expected score,
trend, the response to each curveball), the selected team's weekly Sparklines
in a side panel that folds away (d; folded by default under 100 columns), the
recap strip between weeks (it scrolls), the scenario's facilitator notes in
the side column (hidden until you press n: the board is often projected),
pacing (hold, release, pause), curveballs (the scenario's, and custom
priority shifts), bots and the side-by-side reveal. The HOLD, PAUSED and
revealed badges sit at the right of the session bar, which crops the title
rather than them; the seed is shown only on request (e).

The store is read in a thread worker on a timer (set_interval), so the UI
never waits for the database; facilitator actions run in workers too. Team
names are shown as plain text (rich Text, never markup).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    Sparkline,
    Static,
)
from textual.widgets.option_list import Option

from engine.problems import InputError
from simulator.screens.modals import ConfirmModal
from simulator.terminal import exit_on_signals, stop, terminal_alive, terminal_fd
from simulator.textcharts import spark
from simulator.workshop.board_link import Link
from simulator.workshop.curveballs import check_shift, check_signal, shift_label
from simulator.workshop.facilitator import Facilitator
from simulator.workshop.records import SessionInfo
from simulator.workshop.results import (
    NEVER,
    NOT_ARRIVED,
    NOT_YET,
    RESPONDED,
    TeamResult,
    component_keys,
    findings,
    recap,
    recap_week,
)
from simulator.workshop.round_board import (
    message_modal,
    minutes_modal,
    parse_minutes,
    round_badge,
    round_lines,
)
from simulator.workshop.rounds import board_state, facilitator_act

# Input patterns that cannot backtrack (Textual's own "number"/"integer" ones do, and a long
# paste of digits then froze the board): a weight 0-100 with two decimals, a week number.
WEIGHT_INPUT = r"\d{0,3}(\.\d{0,2})?"
WEEK_INPUT = r"\d{0,3}"


@dataclass
class Snapshot:
    info: SessionInfo
    rows: list[TeamResult]
    curveballs: list[dict]  # scenario events and custom shifts (session.curveball_list)
    recap_week: int
    recap: list[str]
    activity: list[dict] = field(default_factory=list)
    error: str | None = None
    rounds: dict = field(default_factory=dict)  # the round and message (rounds.board_state)


def _short(text: str, n: int = 14) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass(frozen=True)
class ShiftChoice:
    stakeholder: str
    weights: dict
    signal: str | None
    at_week: int | None


class ShiftModal(ModalScreen[ShiftChoice | None]):
    """Pick a stakeholder and type new priority weights, and optionally what the teams hear
    and the week it arrives; returns a ShiftChoice.

    The stakeholders' current priorities are not shown: they are the scenario's hidden
    truth, and the board is often projected."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text("Custom priority shift on one stakeholder", style="bold"))
            yield OptionList(
                *[
                    Option(Text(f"{s.name}, {s.title}"), id=s.id)
                    for s in self.scenario.stakeholders
                ],
                id="shift-stakeholders",
            )
            with Vertical(id="shift-weights"):
                for d in self.scenario.dimensions:
                    with Horizontal(classes="weight-row"):
                        yield Label(Text(d.name), classes="weight-label")
                        yield Input(
                            placeholder="0",
                            restrict=WEIGHT_INPUT,
                            max_length=6,
                            id=f"w-{d.id}",
                            classes="weight",
                        )
            with Horizontal(classes="weight-row"):
                yield Label(Text("Teams hear"), classes="weight-label")
                yield Input(
                    placeholder="what the teams hear (optional)",
                    max_length=200,
                    id="shift-signal",
                )
            with Horizontal(classes="weight-row"):
                yield Label(Text("Arrives in week"), classes="weight-label")
                yield Input(
                    placeholder="next",
                    restrict=WEEK_INPUT,
                    max_length=3,
                    id="shift-week",
                    classes="weight",
                )
            yield Static(
                Text(
                    "Enter picks the stakeholder, then type weights 0-100 (relative; blank = 0) "
                    "and press Enter. It arrives at the start of each team's next week, or in "
                    "the week given; you confirm before it goes out.",
                    style="dim",
                )
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#shift-weights Input", Input).focus()

    def values(self) -> ShiftChoice | None:
        """The chosen stakeholder and weights, or None after telling what is wrong."""
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self.notify("pick a stakeholder", severity="warning")
            return None
        stakeholder = options.get_option_at_index(options.highlighted).id
        weights = {}
        for d in self.scenario.dimensions:
            text = self.query_one(f"#w-{d.id}", Input).value.strip()
            if text:
                weights[d.id] = text
        week = self.query_one("#shift-week", Input).value.strip()
        try:
            return ShiftChoice(
                stakeholder,
                check_shift(self.scenario, stakeholder, weights),
                check_signal(self.query_one("#shift-signal", Input).value),
                int(week) if week else None,
            )
        except InputError as exc:
            self.notify(exc.problems[0].message, severity="warning", markup=False)
            return None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        chosen = self.values()
        if chosen is not None:
            self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


class WeekModal(ModalScreen[int | None]):
    """Ask for a week number."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, default: int, weeks: int) -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.weeks = weeks

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"))
            yield Input(str(self.default), restrict=WEEK_INPUT, max_length=3, id="week-input")
            yield Static(Text(f"0 = hold at setup, 1-{self.weeks} = a week.", style="dim"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            week = int(event.value)
        except ValueError:
            self.notify("type a week number", severity="warning")
            return
        if not 0 <= week <= self.weeks:
            self.notify(f"weeks run 0-{self.weeks}", severity="warning")
            return
        self.dismiss(week)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickModal(ModalScreen[str | None]):
    """Pick one item (id, text, disabled) from a list (a curveball to inject, schedule or
    retract); returns its id. `empty` is shown when there is nothing to pick."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        items: list[tuple[str, Text, bool]],
        hint: str,
        empty: str = "Nothing to pick",
    ) -> None:
        super().__init__()
        self.title_text, self.items, self.hint, self.empty = title, items, hint, empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"))
            options = [Option(t, id=i, disabled=d) for i, t, d in self.items]
            if not options:
                options.append(Option(Text(self.empty), disabled=True))
            yield OptionList(*options, id="pick-list")
            yield Static(Text(self.hint, style="dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def activity_text(entries: list[dict]) -> Text:
    """The session's activity log, newest first, with the time of day."""
    import time

    t = Text()
    t.append("Activity\n", style="bold")
    for a in entries:
        t.append(time.strftime("%H:%M ", time.localtime(a["at"])), style="dim")
        t.append(a["text"] + "\n")
    if not entries:
        t.append("Nothing yet.", style="dim")
    return t


class RevealScreen(Screen):
    """The end of the workshop: every team side by side."""

    BINDINGS = [Binding("escape,v", "app.pop_screen", "Back to the board")]

    def __init__(self, snap: Snapshot, scenario) -> None:
        super().__init__()
        self.snap = snap
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="reveal-table", zebra_stripes=True, cursor_type="row")
        with VerticalScroll(id="reveal-cards"):
            yield Static(id="reveal-findings")
            yield Static(id="reveal-keys")
        yield Footer()

    def on_mount(self) -> None:
        rows = [r for r in self.snap.rows if not r.error]
        table = self.query_one("#reveal-table", DataTable)
        table.add_column(Text("", style="bold"), key="metric")
        for r in rows:
            table.add_column(Text(f"#{r.rank} {_short(r.name, 18)}"), key=str(r.team_id))

        def line(label: str, values: list) -> None:
            table.add_row(Text(label, style="bold"), *[Text(str(v)) for v in values])

        line("Result", [r.result or f"week {r.week}" for r in rows])
        line("Expected score", [f"{r.expected_score:.1f}" for r in rows])
        line("Score", [f"{r.score:.1f}" for r in rows])
        line("Win probability", [f"{r.win_probability:.0%}" for r in rows])
        line("Alignment", [f"{r.alignment:.1f}" for r in rows])
        for g, k in component_keys(rows):
            line(
                f"  {g} {k.replace('_', ' ')}",
                [f"{r.components.get(g, {}).get(k, 0):.0f}" for r in rows],
            )
        line("Audibles (unforced)", [f"{r.practices.get('unforced_audibles', 0)}" for r in rows])
        line(
            "First discovery",
            [
                "—"
                if r.practices.get("first_discovery") is None
                else r.practices["first_discovery"]
                for r in rows
            ],
        )
        line("Econ. buyer coverage", [f"{r.practices.get('eb_coverage', 0):.0%}" for r in rows])
        line("One quarterback", [f"{r.practices.get('one_qb', 0):.0%}" for r in rows])
        for cb in self.snap.curveballs:
            key = cb["key"]
            line(f"Response: {_short(cb['name'], 18)}", [r.response_text(key) for r in rows])
            line(f"Re-aligned: {_short(cb['name'], 16)}", [r.lag_text(key) for r in rows])
        t = Text()
        t.append("What went with winning (human teams only)\n", style="bold")
        found = findings(rows)
        if found and found[0].warning:
            t.append(found[0].warning + "\n", style="bold yellow")
        if found and found[0].excluded:
            t.append("Left out: " + ", ".join(found[0].excluded) + "\n", style="dim")
        for f in found:
            t.append(f"• {f.practice.label}: ", style="bold")
            t.append(f.text + "\n")
        self.query_one("#reveal-findings", Static).update(t)
        k = Text()
        for r in rows:
            k.append(f"\n#{r.rank} ", style="bold")
            k.append(r.name, style="bold")
            k.append("\n")
            for item in r.key_decisions:
                k.append(f"  {item}\n")
        self.query_one("#reveal-keys", Static).update(k)


ACTIVITY_SHOWN = 30  # entries of the activity log on the board
NARROW = 100  # columns below which the side panel starts folded
TEAM_WIDTH = ((100, 16), (140, 20), (10**6, 30))  # (terminal width below, Team column cap)
TREND_WEEKS = 6  # the trend column's last weeks
CELL_STATES = {NOT_ARRIVED: "due", NOT_YET: "waiting"}  # short words for a leaderboard cell


def response_cell(r: TeamResult, key: str) -> Text:
    """A team's response to one curveball, short enough for a leaderboard cell: the week it
    re-focused and how many weeks after the arrival, else never / waiting / due / n/a."""
    state = r.response_state(key)
    if state == RESPONDED:
        resp = r.responses[key]
        return Text(f"wk{resp.week} +{resp.lag}", style="green" if resp.lag <= 1 else "")
    return Text(CELL_STATES.get(state, state), style="red" if state == NEVER else "dim")


class BoardApp(App):
    """`dealcraft workshop board CODE` (the key from a key file, the environment or a prompt)."""

    CSS_PATH = Path(__file__).with_name("board.tcss")
    TITLE = "Dealcraft workshop"
    BINDINGS = [
        Binding("i", "inject", "Curveball"),
        Binding("s", "shift", "Custom shift"),
        Binding("w", "schedule", "Schedule"),
        Binding("x", "retract", "Retract"),
        Binding("a", "toggle_activity", "Activity"),
        Binding("h", "hold", "Hold"),
        Binding("r", "release", "Release"),
        Binding("p", "pause", "Pause/resume"),
        Binding("b", "add_bot", "Add bot"),
        Binding("v", "reveal", "Reveal"),
        Binding("t", "round", "Round"),
        Binding("m", "message", "Message"),
        Binding("n", "toggle_notes", "Notes"),
        Binding("d", "toggle_side", "Details"),
        Binding("e", "toggle_seed", "Seed", show=False),
        Binding("f5,ctrl+r", "refresh_now", "Refresh", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, fac: Facilitator, interval: float = 2.0) -> None:
        super().__init__()
        self.fac = fac
        self.scenario = fac.scenario
        self.interval = interval
        self.snap: Snapshot | None = None
        self._lock = threading.RLock()
        self._columns: tuple = ()
        self.refreshes = 0
        self.side_open: bool | None = None  # None: by the terminal's width
        self.show_seed = False
        self.link = Link()  # whether the refreshes fail (the server is down), since when

    # ---- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="session-bar"):
            yield Static(id="session-info")
            yield Static(id="badges")
        with Horizontal(id="main"):
            yield DataTable(id="leaderboard", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="notes-panel"):
                yield Static(id="notes")
            with VerticalScroll(id="activity-panel"):
                yield Static(id="activity")
            with VerticalScroll(id="side"):
                yield Static(id="team-title")
                yield Label("Alignment", classes="spark-label")
                yield Sparkline([], id="spark-align")
                yield Label("Win probability", classes="spark-label")
                yield Sparkline([], id="spark-win")
                yield Label("Focus vs customer", classes="spark-label")
                yield Sparkline([], id="spark-focus")
                yield Static(id="team-detail")
        with VerticalScroll(id="recap-box"):
            yield Static(id="recap")
        yield Footer()

    def on_mount(self) -> None:
        info = self.fac.info
        self.title = "Dealcraft workshop"
        self.sub_title = f"{info.name} · code {info.code}"
        self.query_one("#notes-panel").display = False
        self.query_one("#activity-panel").display = False
        self.query_one("#activity-panel").border_title = "Activity"
        self.query_one("#notes", Static).update(self._notes_text())
        self.query_one("#leaderboard", DataTable).border_title = "Leaderboard"
        self.query_one("#recap-box").border_title = "Recap"
        self.query_one("#notes-panel").border_title = "Notes"
        self._layout()
        self.set_interval(self.interval, self.refresh_board)
        if terminal_fd() is not None:
            self.set_interval(2.0, self._check_terminal)
            exit_on_signals(self)
        self.refresh_board()

    def _notes_text(self) -> Text:
        f = self.scenario.facilitator
        t = Text()
        t.append("Facilitator notes: for your eyes only\n", style="bold red")
        if f.hidden_truth:
            t.append("What was really going on: ", style="bold")
            t.append(f.hidden_truth.strip() + "\n\n")
        if f.debrief_guide:
            t.append("Debrief guide: ", style="bold")
            t.append(f.debrief_guide.strip() + "\n\n")
        if f.discussion_questions:
            t.append("Questions for the room:\n", style="bold")
            for q in f.discussion_questions:
                t.append(f"  • {q}\n")
        if not (f.hidden_truth or f.debrief_guide or f.discussion_questions):
            t.append("This scenario has no facilitator notes.", style="dim")
        return t

    # ---- refresh: read the store off the UI thread ----------------------------------------

    def snapshot(self) -> Snapshot:
        """Read the store and compute the board (runs in a worker thread)."""
        with self._lock:
            info = self.fac.reload()
            board = self.fac.leaderboard()
            rows = board.refresh()
            if self.fac.advance_bots(rows):
                rows = board.refresh()
            cbs = board.curveballs
            rounds = board_state(self.fac, rows)
            info = self.fac.info
            return Snapshot(
                rounds=rounds,
                info=info,
                rows=rows,
                curveballs=cbs,
                recap_week=recap_week(rows),
                recap=recap(rows, self.scenario, labels=board.labels()),
                activity=self.fac.store.activity(self.fac.id, ACTIVITY_SHOWN),
            )

    def _check_terminal(self) -> None:
        """Quit when the facilitator's terminal has gone away instead of spinning."""
        if not terminal_alive(terminal_fd()):
            stop(self)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_board(self) -> None:
        try:
            snap = self.snapshot()
        except InputError as exc:
            self.call_from_thread(self.refresh_failed, exc)
            return
        self.call_from_thread(self.show, snap)

    def refresh_failed(self, exc: InputError) -> None:
        """A refresh that failed: the badge says since when; one notice per new error."""
        notice = self.link.failed(exc)
        if notice is not None:
            self.notify(notice, severity="error", markup=False, timeout=10)
        self._draw_badges()

    def _draw_badges(self) -> None:
        info = self.snap.info if self.snap is not None else None
        t = round_badge(self.snap.rounds) if self.snap is not None else Text()
        if info is not None:
            t += self.badges(info)
        self.query_one("#badges", Static).update(self.link.badge() + t)

    def action_refresh_now(self) -> None:
        self.refresh_board()

    # ---- drawing --------------------------------------------------------------------------

    def narrow(self) -> bool:
        return self.size.width < NARROW

    def _layout(self) -> None:
        """Fold or open the side panel (by the width unless the facilitator chose); the
        notes take the side column while shown, so the leaderboard is never covered."""
        notes = self.query_one("#notes-panel").display
        log = self.query_one("#activity-panel").display
        side = (not self.narrow()) if self.side_open is None else self.side_open
        self.query_one("#side").display = side and not notes and not log
        self.query_one("#recap-box").styles.max_height = 5 if self.size.height < 30 else 7

    def on_resize(self, event) -> None:
        self._layout()
        if self.snap is not None:
            self._fill_table(self.snap)

    def session_text(self, info: SessionInfo, n_teams: int) -> Text:
        bar = Text(no_wrap=True, overflow="ellipsis")
        bar.append(" Join code ")
        bar.append(info.code, style="bold")
        if self.show_seed:
            bar.append(f" · seed {info.seed}", style="bold magenta")
        bar.append(f" · {n_teams} team(s) · ")
        bar.append(self.scenario.title, style="bold")
        return bar

    @staticmethod
    def badges(info: SessionInfo) -> Text:
        """The pacing badges, kept whole at any width."""
        t = Text(no_wrap=True)
        if info.paused:
            t.append(" PAUSED ", style="bold reverse red")
            t.append(" ")
        if info.hold_week is not None:
            t.append(f" HOLD at {info.hold_label} ", style="bold reverse yellow")
            t.append(" ")
        if info.revealed:
            t.append(" revealed ", style="bold reverse green")
            t.append(" ")
        return t

    def show(self, snap: Snapshot) -> None:
        self.snap = snap
        self.refreshes += 1
        info = snap.info
        self.query_one("#session-info", Static).update(self.session_text(info, len(snap.rows)))
        if self.link.answered():
            self.notify("The board reads its data again.", markup=False)
        self._draw_badges()
        self._fill_table(snap)
        self._show_selected()
        self.query_one("#activity", Static).update(activity_text(snap.activity))
        t = round_lines(snap.rounds)
        numbered = list(enumerate(snap.curveballs, 1))

        def when(c: dict) -> str:
            if c.get("arrive_week"):
                return f"scheduled for week {c['arrive_week']}"
            return f"after week {c['after_week']}"

        for kind, label in (("event", "Curveballs: "), ("shift", "Custom shifts: ")):
            cbs = [(i, c) for i, c in numbered if c["kind"] == kind]
            if cbs:
                t.append(label, style="bold")
                t.append(", ".join(f"↺{i} {c['name']} ({when(c)})" for i, c in cbs))
                t.append("\n")
        if snap.recap_week >= 1:
            t.append(f"Week {snap.recap_week} recap  ", style="bold")
        t.append("  ·  ".join(snap.recap))
        self.query_one("#recap", Static).update(t)

    def _fill_table(self, snap: Snapshot) -> None:
        table = self.query_one("#leaderboard", DataTable)
        cap = next(c for below, c in TEAM_WIDTH if self.size.width < below)
        team_w = min(cap, max([4] + [len(r.name) + 6 * (r.kind == "bot") for r in snap.rows]))
        columns = tuple(
            (c, c, team_w if c == "Team" else None)
            for c in ("#", "Team", "Week", "Align", "Win", "Expected", "Trend")
        )
        columns += tuple((f"↺{i}", c["key"], None) for i, c in enumerate(snap.curveballs, 1))
        selected = None
        if table.row_count and table.cursor_row is not None:
            try:
                selected = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
            except Exception:  # noqa: BLE001 - an empty or shrinking table
                selected = None
        if columns != self._columns:
            table.clear(columns=True)
            for label, key, width in columns:
                table.add_column(label, key=key, width=width)
            self._columns = columns
        else:
            table.clear()
        for r in snap.rows:
            name = Text(r.name, no_wrap=True, overflow="ellipsis")
            if r.kind == "bot" and "bot" not in r.name.casefold():
                name.append(" (bot)", style="dim italic")
            if r.error:
                table.add_row(
                    Text(str(r.rank)),
                    name,
                    Text("error", style="red"),
                    *[Text("")] * (len(columns) - 3),
                    key=str(r.team_id),
                )
                continue
            week = Text(str(r.week) if r.started else "setup")
            if r.over:
                week = Text(f"{r.week} {r.result}", style="green" if r.result == "win" else "")
            table.add_row(
                Text(str(r.rank)),
                name,
                week,
                Text(f"{r.alignment:.1f}" if r.started else "—"),
                Text(f"{r.win_probability:.0%}" if r.started else "—"),
                Text(f"{r.expected_score:.1f}" if r.started else "—"),
                Text(spark(r.trend()[-TREND_WEEKS:]), style="cyan"),
                *[response_cell(r, c["key"]) for c in snap.curveballs],
                key=str(r.team_id),
            )
        if selected is not None:
            try:
                table.move_cursor(row=table.get_row_index(selected), scroll=False)
            except Exception:  # noqa: BLE001 - the team is gone
                pass

    def _selected(self) -> TeamResult | None:
        if self.snap is None or not self.snap.rows:
            return None
        table = self.query_one("#leaderboard", DataTable)
        try:
            key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        except Exception:  # noqa: BLE001
            return None
        return next((r for r in self.snap.rows if str(r.team_id) == key), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "leaderboard":
            self._show_selected()

    def _show_selected(self) -> None:
        r = self._selected()
        title = self.query_one("#team-title", Static)
        detail = self.query_one("#team-detail", Static)
        sparks = {
            "#spark-align": "alignment",
            "#spark-win": "win_probability",
            "#spark-focus": "focus_cosine",
        }
        if r is None:
            title.update(Text("No team selected", style="dim"))
            detail.update("")
            for sel in sparks:
                self.query_one(sel, Sparkline).data = []
            return
        t = Text(r.name, style="bold")
        t.append(f"\n{r.kind} · week {r.week}" + (f" · {r.result}" if r.over else ""))
        title.update(t)
        for sel, key in sparks.items():
            spark = self.query_one(sel, Sparkline)
            spark.data = r.trend(key)
            spark.display = len(spark.data) > 1
        d = Text()
        if r.error:
            d.append(r.error, style="red")
        for g in ("internal", "external"):
            for k, v in r.components.get(g, {}).items():
                d.append(f"{g[:3]} {k.replace('_', ' '):15} {v:5.1f}\n")
        names = {e.id: e.name for e in self.scenario.events}
        names.update({c["key"]: c["name"] for c in (self.snap.curveballs if self.snap else [])})
        for e, w in r.arrived.items():
            d.append(f"\n{_short(names.get(e, e), 30)}", style="bold")
            d.append(f"\n arrived week {w}; responded {r.response_text(e)}")
            d.append(f"\n re-aligned (cos ≥ 0.9): {r.lag_text(e)}")
        detail.update(d)

    # ---- facilitator actions ---------------------------------------------------------------

    @work(thread=True, group="action", exit_on_error=False)
    def perform(self, label: str, fn, *args) -> None:
        try:
            with self._lock:
                fn(*args)
        except InputError as exc:
            self.call_from_thread(
                self.notify, exc.problems[0].message, severity="error", markup=False
            )
            return
        self.call_from_thread(self.notify, label, markup=False)
        self.call_from_thread(self.refresh_board)

    def _preview(self, question: str, cb_name: str, signal: str | None, when: str, go) -> None:
        """Show what a curveball will do and run `go` once the facilitator confirms."""
        detail = f"{cb_name}\n\nTeams hear: " + (signal or "(no signal: the numbers change)")
        detail += f"\n\n{when}"

        def confirmed(yes: bool | None) -> None:
            if yes:
                go()

        self.push_screen(ConfirmModal(question, detail), confirmed)

    def _pick_event(self, then) -> None:
        done = {c["event"] for c in (self.snap.curveballs if self.snap else []) if "event" in c}

        def chosen(event_id: str | None) -> None:
            if event_id:
                then(next(e for e in self.fac.curveball_events() if e.id == event_id))

        def item(e) -> tuple[str, Text, bool]:
            t = Text(e.name, style="bold")
            t.append("\n" + e.signal, style="")
            if e.id in done:
                t.append("  (already injected)", style="dim")
            return e.id, t, e.id in done

        self.push_screen(
            PickModal(
                "Inject a curveball into every team's game",
                [item(e) for e in self.fac.curveball_events()],
                "It arrives at the start of each team's next week and goes into their log.",
                empty="This scenario has no curveballs",
            ),
            chosen,
        )

    def action_inject(self) -> None:
        def go(event) -> None:
            self._preview(
                "Inject this curveball now?",
                event.name,
                event.signal,
                "Players get it at the start of their next week; bots and scripted teams "
                "after the hold week (or the furthest week a team has reached).",
                lambda: self.perform(
                    f"Curveball injected: {event.name}", self.fac.inject, event.id
                ),
            )

        self._pick_event(go)

    def action_schedule(self) -> None:
        """Schedule a scenario curveball for a week (it can be retracted until then)."""
        rows = self.snap.rows if self.snap else []
        nxt = max([r.week for r in rows if r.human and not r.error] or [0]) + 1

        def go(event) -> None:
            def week_chosen(week: int | None) -> None:
                if week is None:
                    return
                self._preview(
                    f"Schedule this curveball for week {week}?",
                    event.name,
                    event.signal,
                    f"It arrives in week {week} for every team; x retracts it until a team has it.",
                    lambda: self.perform(
                        f"Curveball scheduled for week {week}: {event.name}",
                        self.fac.inject,
                        event.id,
                        None,
                        week,
                    ),
                )

            self.push_screen(
                WeekModal("It arrives in week:", nxt, self.scenario.deal.weeks), week_chosen
            )

        self._pick_event(go)

    def action_shift(self) -> None:
        def chosen(choice: ShiftChoice | None) -> None:
            if not choice:
                return
            n = 1 + sum(c["kind"] == "shift" for c in (self.snap.curveballs if self.snap else []))
            label = shift_label(self.scenario, choice.stakeholder, choice.weights, n)
            when = (
                f"It arrives in week {choice.at_week} for every team."
                if choice.at_week
                else "Players get it at the start of their next week."
            )
            self._preview(
                "Send this custom shift?",
                label,
                choice.signal,
                when,
                lambda: self.perform(
                    f"Custom shift: {label}",
                    self.fac.shift,
                    choice.stakeholder,
                    choice.weights,
                    None,
                    choice.at_week,
                    choice.signal,
                ),
            )

        self.push_screen(ShiftModal(self.scenario), chosen)

    def action_retract(self) -> None:
        """Withdraw a curveball that no team has taken yet (the facilitator confirms)."""
        cbs = self.snap.curveballs if self.snap else []

        def item(c: dict) -> tuple[str, Text, bool]:
            t = Text(c["name"], style="bold")
            when = f"week {c['arrive_week']}" if c.get("arrive_week") else "next week"
            t.append(f"  (arrives {when})", style="dim")
            return c["key"], t, False

        def chosen(key: str | None) -> None:
            if not key:
                return
            name = next(c["name"] for c in cbs if c["key"] == key)

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.perform(f"Retracted: {name}", self.fac.retract, key)

            self.push_screen(
                ConfirmModal(
                    "Retract this curveball?",
                    f"{name}\n\nNo team will get it. Refused when a team already has it.",
                ),
                confirmed,
            )

        self.push_screen(
            PickModal(
                "Retract a curveball before it arrives",
                [item(c) for c in cbs],
                "Only one that no team has taken yet can be retracted.",
            ),
            chosen,
        )

    def action_hold(self) -> None:
        rows = self.snap.rows if self.snap else []
        lead = max([r.week for r in rows if r.kind == "player" and not r.over] or [1])

        def chosen(week: int | None) -> None:
            if week is not None:
                self.perform(f"Teams held at week {week}", self.fac.hold, week)

        self.push_screen(
            WeekModal("Hold every team at week:", lead, self.scenario.deal.weeks), chosen
        )

    def action_round(self) -> None:
        """Start a round (timed or not) for the week the hold is at, or stop the rounds."""

        def chosen(value: str | None) -> None:
            if value is None:
                return
            got = parse_minutes(value)
            if got is None:
                self.notify("type the minutes (up to 600), blank or 0", severity="warning")
            elif got[0] == "stop":
                self.perform("Rounds stopped", facilitator_act, self.fac, "stop")
            else:
                label = "Round started" + (f" ({got[1]:g} min)" if got[1] else " (untimed)")
                self.perform(label, partial(facilitator_act, self.fac, "start", minutes=got[1]))

        self.push_screen(minutes_modal(), chosen)

    def action_message(self) -> None:
        """Show a message on every team's screen (blank clears it)."""

        def chosen(value: str | None) -> None:
            if value is not None:
                label = "Message sent" if value.strip() else "Message cleared"
                self.perform(label, partial(facilitator_act, self.fac, "broadcast", text=value))

        self.push_screen(message_modal(), chosen)

    def action_release(self) -> None:
        self.perform("Hold released", self.fac.release)

    def action_pause(self) -> None:
        if self.snap and self.snap.info.paused:
            self.perform("Workshop resumed", self.fac.resume)
        else:
            self.perform("Workshop paused", self.fac.pause)

    def action_add_bot(self) -> None:
        names = {r.name.casefold() for r in (self.snap.rows if self.snap else [])}
        name = "Bot (expert)"
        k = 2
        while name.casefold() in names:
            name = f"Bot (expert) {k}"
            k += 1
        self.perform(f"Added {name}", self.fac.add_bot, "expert", name)

    def action_toggle_notes(self) -> None:
        notes = self.query_one("#notes-panel")
        notes.display = not notes.display
        if notes.display:
            self.query_one("#activity-panel").display = False
        self._layout()

    def action_toggle_activity(self) -> None:
        log = self.query_one("#activity-panel")
        log.display = not log.display
        if log.display:
            self.query_one("#notes-panel").display = False
        self._layout()

    def action_toggle_side(self) -> None:
        side = self.query_one("#side")
        if self.query_one("#notes-panel").display or self.query_one("#activity-panel").display:
            self.query_one("#notes-panel").display = False
            self.query_one("#activity-panel").display = False
            self.side_open = True
        else:
            self.side_open = not side.display
        self._layout()

    def action_toggle_seed(self) -> None:
        """Show or hide the seed in the session bar (off again before projecting)."""
        self.show_seed = not self.show_seed
        if self.snap is not None:
            info = self.snap.info
            self.query_one("#session-info", Static).update(
                self.session_text(info, len(self.snap.rows))
            )

    def action_reveal(self) -> None:
        if self.snap is None:
            return
        if self.snap.info.revealed:
            self.push_screen(RevealScreen(self.snap, self.scenario))
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.reveal_results()

        self.push_screen(
            ConfirmModal(
                "Reveal the results?",
                "The board shows every team side by side, and teams may see each other's "
                "games from now on.",
            ),
            confirmed,
        )

    @work(thread=True, group="action", exit_on_error=False)
    def reveal_results(self) -> None:
        """Mark the session revealed, refresh, then open the side-by-side screen."""
        try:
            with self._lock:
                self.fac.reveal()
                snap = self.snapshot()
        except InputError as exc:
            self.call_from_thread(
                self.notify, exc.problems[0].message, severity="error", markup=False
            )
            return
        self.call_from_thread(self.show, snap)
        self.call_from_thread(self.push_screen, RevealScreen(snap, self.scenario))
