"""6. The week view (the main screen): this week's events, the team's picture of the
buying team, hours left, the action catalogue, audibles, re-staffing and re-connecting,
and the pipeline dashboard."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, RichLog, Static

from simulator.labels import compact_name
from simulator.screens.base import (
    GameScreen,
    TitleBar,
    first_name,
    initials,
    money,
    short,
    typed_ahead,
)
from simulator.widgets.dashboard import Dashboard
from simulator.widgets.keys import KeyFooter
from simulator.widgets.table import GameTable

ROLE_SHORT = {"economic": "econ", "user": "user", "technical": "tech", "coach": "coach"}
STANCE_STYLE = {
    "blocker": "red bold",
    "sceptic": "red",
    "neutral": "",
    "supporter": "green",
    "champion": "green bold",
}


class EventLog(RichLog):
    """The event log, re-wrapped to its new width when the terminal is resized (a RichLog
    wraps each entry once, when it is written, so a narrower window cut words)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entries: list = []
        self.wrapped_at = 0

    def write(self, content, *args, **kwargs):
        self.entries.append(content)
        return super().write(content, *args, **kwargs)

    def clear(self):
        self.entries = []
        return super().clear()

    def on_resize(self, event) -> None:
        width = event.size.width
        if width != self.wrapped_at and self.entries:  # the first layout too
            entries = list(self.entries)
            self.clear()
            for entry in entries:
                self.write(entry)
        self.wrapped_at = width


def request_met(state, req: dict) -> bool:
    """A member on the team strong enough in the asked-for skill is connected to the
    stakeholder who asked (the engine's own test when the week resolves)."""
    c, b = state.compiled, state.batch
    j = c.stakeholders.index(req["stakeholder"])
    q = next(k for k, x in enumerate(state.scenario.skills) if x.id == req["skill"])
    return any(
        b.staffed[0, m] and b.conn[0, m, j] and b.skill[0, m, q] >= req["level"]
        for m in range(len(c.members))
    )


def member_default(history, member: str):
    """The member's default booking: their latest run still standing (a run taken back
    with unbook no longer counts), or None before their first."""
    runs: list = []
    for d in history:
        if d.kind == "run" and d.member == member:
            runs.append(d)
        elif d.kind == "unbook" and d.member == member:
            for k in range(len(runs) - 1, -1, -1):
                r = runs[k]
                if (r.action, r.target) == (d.action, d.target):
                    del runs[k]
                    break
    return runs[-1] if runs else None


class WeekScreen(GameScreen):
    TITLE = "Week"
    HELP = """\
## The week

Each week: read the signals, spend your team's hours, adjust, then end the week.

- **Buying team** (top left): what your team believes each person cares about,
  their stance as your team reads it, and how sure you are (*Known*: low means
  the numbers are mostly guesswork). Discovery and connection points sharpen it.
- **Team** (bottom left): hours left this week; **This week** lists the actions
  booked so far. **u** takes back the latest booking (until you end the week);
  **r** books last week's actions again, skipping any this week does not allow.
  **m** books the highlighted member's latest action again (their default), aimed at
  the same person. The schedule dialog opens on that default too; with the buying
  team's table focused, it aims at the highlighted stakeholder instead. In the
  dialog a letter jumps to the next option starting with it, a capital picks the
  person aimed at, space books, and a digit books that many times.
- **Pipeline dashboard** (right): alignment and win chance week by week, focus,
  milestone progress, competition; the **event log** collects everything that
  happened at the customer and on your team.

Keys: **a** schedule an action (action, who, aimed at whom), **f** call an
audible (re-focus), **t** re-staff the team, **c** re-connect, **p** the plan and
milestones, **b** the briefing, **e** end the week, **d** the scorecard so far,
**w** last week's report (each stakeholder's stance and what the team learned, with
the causes; requests; morale and why). Each week's report also opens the event log.
"""
    # each key acts as the app reads it, so a key typed ahead lands on the dialog the key
    # before it opened, never on a table that is about to lose the focus
    BINDINGS = typed_ahead(
        Binding("a", "schedule", "Action", id="week.schedule"),
        Binding("f", "audible", "Audible", id="week.audible"),
        Binding("t", "team", "Team", id="week.team"),
        Binding("c", "connections", "Connect", id="week.connections"),
        Binding("p", "plan", "Plan", id="week.plan"),
        Binding("b", "briefing", "Briefing", show=False, id="week.briefing"),
        Binding("e", "end_week", "End week", id="week.end_week"),
        Binding("d", "app.debrief", "Scorecard", show=False, id="week.debrief"),
        Binding(
            "w",
            "week_report",
            "Last week's report",
            show=False,
            id="week.week_report",
        ),
        Binding("u", "unbook", "Undo booking", id="week.unbook"),
        Binding("r", "repeat_week", "Repeat last week", id="week.repeat"),
        Binding("m", "book_default", "Book again", id="week.book_default"),
        Binding("escape", "picker", "Scenarios", show=False, id="week.picker"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()
        self.placeholder = False
        self.compact = False
        self.columns_compact: bool | None = None
        self.obs: dict | None = None
        self.pacing = ""

    def compose(self) -> ComposeResult:
        yield TitleBar(self.title_text())
        yield Static(id="week-status")
        yield GameTable(id="buyers", cursor_type="row", classes="panel")
        with Horizontal(id="week-body"):
            with Vertical(id="week-left"):
                yield GameTable(id="team", cursor_type="row", classes="panel")
                yield Static(id="booked", classes="panel")
            yield Dashboard(id="dashboard", classes="panel")
            yield EventLog(id="events", wrap=True, markup=False, min_width=8, classes="panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#buyers").border_title = "Buying team (our picture)"
        self.query_one("#team").border_title = "Team"
        self.query_one("#booked").border_title = "This week"
        self.query_one("#dashboard").border_title = "Pipeline dashboard"
        self.query_one("#events").border_title = "Event log"
        buyers = self.query_one("#buyers", DataTable)
        team = self.query_one("#team", DataTable)
        team.add_column("Member", key="member", width=9)
        team.add_column("Role", key="role", width=4)
        team.add_column("Hours", key="hours", width=5)
        self.refresh_view()
        self.log_new_events(notify=False)
        if not self.seen:
            self.query_one("#events", RichLog).write(
                Text(
                    "No news yet. Events at the customer and on your team appear here.", style="dim"
                )
            )
            self.placeholder = True
        buyers.focus()
        if self.session.meta.get("workshop"):
            self.set_interval(3.0, self.poll_pacing)
            self.poll_pacing()

    def poll_pacing(self) -> None:
        """Ask the workshop store (off the UI thread) whether play is paused or held."""
        session = self.session

        def work() -> None:
            try:
                line = session.status_line()  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - a flaky store must not end the game
                line = ""
            self.app.call_from_thread(self.show_pacing, line)

        self.run_worker(work, thread=True, exclusive=True, group="pacing")

    def show_pacing(self, line: str) -> None:
        if line != self.pacing:
            self.pacing = line
            if self.obs is not None:
                self.refresh_view()

    # ---- rendering --------------------------------------------------------------------------

    @staticmethod
    def event_text(e: dict) -> Text:
        t = Text()
        t.append(f"Wk {e['week']} ", style="bold")
        t.append(e["name"], style="bold")
        if e.get("signal"):
            t.append("\n" + e["signal"])
        t.append("\n")
        return t

    def render_state(self) -> None:
        from engine.observe import observe

        if self.state.is_over():
            return
        self.update_title()
        obs = observe(self.state)
        self.obs = obs
        s = self.state
        sc = s.scenario
        cur = sc.deal.currency
        left = sum(m["hours_left"] for m in obs["team"] if not m["away"])
        cap = sum(m["capacity"] for m in obs["team"] if not m["away"])
        st = Text()
        st.append(f" Hours left {left:.0f}/{cap:.0f}")
        st.append(f" · cost {money(obs['team_cost'])}/{money(obs['budget'], cur)} a week")
        if obs["team_cost"] > obs["budget"]:
            st.append(" OVER BUDGET", style="red bold")
        st.append(f" · morale {obs['morale']:.0%}")
        if self.pacing:
            st.append(f" · facilitator: {self.pacing}", style="yellow bold")
        for req in obs["open_requests"]:
            if request_met(s, req):
                continue  # answered when the week resolves: no banner to act on
            who = next(
                (x["name"] for x in obs["stakeholders"] if x["id"] == req["stakeholder"]),
                req["stakeholder"],
            )
            skill = next((k.name for k in sc.skills if k.id == req["skill"]), req["skill"])
            st.append(
                f"\n Request: {who} wants someone strong in {skill} "
                f"(≥{req['level']:.0%}) connected to them",
                style="yellow",
            )
        self.query_one("#week-status", Static).update(st)
        self.render_buyers(obs)
        self.render_team(obs)
        self.query_one(Dashboard).update_from(s, obs)

    def on_resize(self, event) -> None:
        super().on_resize(event)
        compact = event.size.width < 100
        if compact != self.compact:
            self.compact = compact
            if self.obs is not None:
                self.render_buyers(self.obs)

    def log_new_events(self, notify: bool) -> None:
        """Add the events not logged yet (from the last render's observation) to the event
        log; with `notify`, also pop each one up."""
        assert self.obs is not None
        log = self.query_one("#events", RichLog)
        for e in self.obs["events"]:
            if e["id"] in self.seen:
                continue
            self.seen.add(e["id"])
            if self.placeholder:
                log.clear()
                self.placeholder = False
            log.write(self.event_text(e))
            if notify:
                self.notify(
                    e.get("signal") or e["name"],
                    title=f"Week {e['week']}: {e['name']}",
                    markup=False,
                    timeout=6,
                )

    def render_buyers(self, obs: dict) -> None:
        sc = self.state.scenario
        members = {m.id: m.name for m in sc.roster}
        t = self.query_one("#buyers", DataTable)
        row = t.cursor_row
        t.clear(columns=self.columns_compact != self.compact)
        if not t.columns:
            self.columns_compact = self.compact
            t.add_column("Name", key="name")
            t.add_column("Role", key="role")
            t.add_column("Stance", key="stance")
            for d in sc.dimensions:
                t.add_column(short(d.name, d.id, 7), key=d.id)
            t.add_column("Known", key="known")
            t.add_column("Contact", key="contact")
        for x in obs["stakeholders"]:
            prio = x["priorities"]
            top = max(prio, key=prio.get)
            name = x["name"]
            if self.compact:
                name = compact_name(name)
            cells = [
                Text(name, style="bold"),
                Text(
                    f"{ROLE_SHORT.get(x['buying_role'], x['buying_role']):<5}{x['influence']:>4.0%}"
                ),
                Text(x["stance"], style=STANCE_STYLE.get(x["stance"], "")),
            ]
            for d in prio:
                cells.append(
                    Text(f"{prio[d]:.0%}", justify="right", style="bold" if d == top else "dim")
                )
            known = 1.0 - x["uncertainty"]
            cells.append(
                Text(
                    f"{known:.0%}",
                    justify="right",
                    style="green" if known >= 0.7 else "yellow" if known >= 0.4 else "red",
                )
            )
            contacts = ", ".join(first_name(members[m]) for m in x["connected"])
            cells.append(Text(contacts or "nobody", style="" if contacts else "red"))
            t.add_row(*cells, key=x["id"])
        if row is not None and t.row_count:
            t.move_cursor(row=min(row, t.row_count - 1))

    def render_team(self, obs: dict) -> None:
        s = self.state
        sc = s.scenario
        c = s.compiled
        t = self.query_one("#team", DataTable)
        row = t.cursor_row
        t.clear()
        for m in obs["team"]:
            r = c.roles.index(m["role"]) if m["role"] else -1
            rname = initials(sc.roles[r].name) if r >= 0 else "—"
            if r == c.qb_role:
                rname = "★" + rname
            if m["away"]:
                hours = Text("away", style="red")
            else:
                hours = Text(
                    f"{m['hours_left']:.0f}/{m['capacity']:.0f}",
                    style="dim" if m["hours_left"] < 2 else "",
                )
            t.add_row(Text(first_name(m["name"])), Text(rname), hours, key=m["id"])
        if row is not None and t.row_count:
            t.move_cursor(row=min(row, t.row_count - 1))
        booked = Text()
        names = {m.id: m.name for m in sc.roster}
        for a, i, j in s.runs:
            act = sc.actions[a]
            booked.append(f"{act.name}", style="bold")
            booked.append(f"  {first_name(names[c.members[i]])}")
            if j >= 0:
                booked.append(f" → {first_name(sc.stakeholders[j].name)}")
            booked.append(f" ({act.hours}h)\n", style="dim")
        if not s.runs:
            booked.append(
                "Nothing booked yet: press a to schedule an action, r to repeat last week's.",
                style="dim",
            )
        else:
            booked.append("u takes back the latest booking", style="dim")
        self.query_one("#booked", Static).update(booked)

    # ---- actions ----------------------------------------------------------------------------

    def highlighted(self, table: str) -> str | None:
        t = self.query_one(f"#{table}", DataTable)
        if not t.row_count or t.cursor_row is None:
            return None
        return t.coordinate_to_cell_key((t.cursor_row, 0)).row_key.value

    def action_schedule(self) -> None:
        from engine.decisions import Run
        from simulator.screens.modals import ScheduleModal

        if not self.state.staffed():
            self.notify("Your team is empty: press t to staff it.", severity="warning")
            return

        def done(answer: tuple | None) -> None:
            if answer:
                action, member, target, *times = answer
                run = Run(action, member, None if target == "-" else target)
                for _ in range(times[0] if times else 1):
                    if not self.apply(run):
                        break

        member = self.highlighted("team")
        default = member_default(self.state.history, member) if member else None
        target = self.highlighted("buyers")
        if default is not None and not self.query_one("#buyers", DataTable).has_focus:
            target = default.target or target
        action = default.action if default is not None else None
        self.app.push_screen(ScheduleModal(self.state, member, target, action), done)

    def action_book_default(self) -> None:
        member = self.highlighted("team")
        if member is None:
            self.notify("Your team is empty: press t to staff it.", severity="warning")
            return
        default = member_default(self.state.history, member)
        name = first_name(
            self.state.scenario.roster[self.state.compiled.members.index(member)].name
        )
        if default is None:
            self.notify(f"{name} has booked nothing yet: press a to schedule.", timeout=3)
            return
        if self.apply(default):
            act = self.state.scenario.actions[self.state.compiled.actions.index(default.action)]
            self.notify(f"Booked {act.name} for {name} again.", timeout=2, markup=False)

    def action_unbook(self) -> None:
        from engine.decisions import Unbook

        s = self.state
        if not s.runs:
            self.notify("Nothing booked this week to take back.", timeout=2)
            return
        a, i, j = s.runs[-1]
        c = s.compiled
        d = Unbook(c.actions[a], c.members[i], c.stakeholders[j] if j >= 0 else None)
        if self.apply(d):
            self.notify(f"Took back {s.scenario.actions[a].name}.", timeout=2)

    def action_repeat_week(self) -> None:
        from simulator.coach import by_week

        s = self.state
        weeks = by_week(s.history)
        last = weeks[s.week - 1] if 1 <= s.week - 1 < len(weeks) else []
        runs = [d for d in last if d.kind == "run"]
        if not runs:
            self.notify("Last week had no bookings to repeat.", timeout=2)
            return
        reasons: dict[str, int] = {}
        booked = 0
        for d in runs:
            why = self.dapp.apply_decision(d)
            if why is None:
                booked += 1
            else:
                reasons[why] = reasons.get(why, 0) + 1
        note = f"Booked {booked} of {len(runs)} of last week's actions."
        if reasons:
            note += " Skipped: " + "; ".join(reasons) + "."
        self.notify(note, timeout=4, markup=False)

    def action_audible(self) -> None:
        from engine.decisions import Focus
        from simulator.screens.modals import FocusModal

        def done(weights: dict | None) -> None:
            if weights is None:
                return
            from simulator.widgets.focus import same_focus

            if same_focus(self.state.focus(), weights):
                self.notify("Focus unchanged.", timeout=2)
                return
            if self.apply(Focus(weights)):
                self.notify("Audible called: the team has a new focus.", timeout=3)

        self.app.push_screen(FocusModal(self.state, audible=True), done)

    def action_picker(self) -> None:
        self.notify("Your game is saved; resume it from Saved games.", timeout=3)
        self.dapp.to_picker()

    def action_team(self) -> None:
        self.dapp.show_side("staffing")

    def action_connections(self) -> None:
        self.dapp.show_side("connections")

    def action_plan(self) -> None:
        self.dapp.show_side("plan")

    def action_briefing(self) -> None:
        self.dapp.show_side("briefing")

    def action_end_week(self) -> None:
        from simulator.readiness import end_week_detail
        from simulator.screens.modals import ConfirmModal

        s = self.state
        detail = end_week_detail(s)

        def done(yes: bool | None) -> None:
            if yes:
                self.end_week()

        self.app.push_screen(ConfirmModal(f"End week {s.week}?", detail), done)

    def end_week(self) -> None:
        from engine.decisions import EndWeek

        if not self.apply(EndWeek()):
            return
        if self.state.is_over():
            from simulator.screens.registry import make

            self.dapp.record_progress()
            self.app.switch_screen(make("debrief"))
            return
        self.log_week_report(self.state.week - 1)
        self.log_new_events(notify=True)
        self.notify(f"Week {self.state.week} begins: press w for last week's report.", timeout=3)

    def log_week_report(self, week: int) -> None:
        """Write the week's headline to the event log."""
        from simulator.weekreport import week_report

        if week < 1:
            return
        log = self.query_one("#events", RichLog)
        if self.placeholder:
            log.clear()
            self.placeholder = False
        t = Text()
        t.append(f"Week {week} report ", style="bold cyan")
        t.append(week_report(self.state, week).headline())
        t.append("  (w: details)\n", style="dim")
        log.write(t)

    def action_week_report(self) -> None:
        from simulator.screens.weekreport import WeekReportModal
        from simulator.weekreport import week_report, weeks_reported

        week = weeks_reported(self.state)
        if week < 1:
            self.notify("No week finished yet: the first report comes after week 1.", timeout=3)
            return
        self.app.push_screen(WeekReportModal(week_report(self.state, week)))
