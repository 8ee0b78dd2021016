"""5. The plan: a strategy focus over the customer's priority dimensions, and milestones,
each with an owner and a short-term action due in a given week."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from simulator.labels import clip
from simulator.screens.base import MOVE_KEYS, GameScreen, TitleBar, first_name, typed_ahead
from simulator.widgets.focus import FocusEditor, same_focus
from simulator.widgets.keys import KeyFooter
from simulator.widgets.table import GameTable

# the focus editor's own letter keys (j/k, h/l, -/+), typed ahead like the move keys
FOCUS_KEYS = tuple(k for b in FocusEditor.BINDINGS for k in b.key.split(",") if k not in MOVE_KEYS)


class PlanScreen(GameScreen):
    name_width, action_width = 26, 24  # the milestone and action columns (narrower < 100)
    SCREEN_NAME = "plan"
    TITLE = "Plan"
    HELP = """\
## The plan

**Strategy focus** (top): how your team will position the deal across what the
customer cares about. Up/down picks a priority, left/right moves weight; press
**f** to set it. Beside each is your team's current estimate of what the buying
team as a whole cares about, weighted by influence (rough until discovery).
Once the weeks start, changing focus is an *audible*: respond fast to real shifts
at the customer, but audibles without a reason cost strategy stability.

**Milestones** (bottom): press **Enter** on a milestone to give it an owner and one
short-term action with a due week. Every milestone owned, with an action, is
*accountability*.

Press **g** to start week 1 when you are ready.
"""
    BINDINGS = typed_ahead(
        Binding("f", "set_focus", "Set focus", id="plan.set_focus"),
        Binding("enter", "edit", "Plan milestone", show=False, id="plan.edit"),
        Binding("g", "go", "Start the deal", id="plan.go"),
        Binding("escape", "back", "Back", id="plan.back"),
        keys=FOCUS_KEYS,
    )

    def compose(self) -> ComposeResult:
        yield TitleBar(self.title_text())
        with Vertical(id="plan-body"):
            with Vertical(id="focus-panel", classes="panel"):
                yield FocusEditor(self.state, id="focus-editor")
                yield Static(id="focus-status")
            yield GameTable(id="milestones", cursor_type="row", classes="panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#focus-panel").border_title = "Strategy focus"
        self.query_one("#milestones").border_title = "Milestones (Enter to plan; ★ the close)"
        t = self.query_one("#milestones", DataTable)
        wide = self.app.size.width >= 100
        widths = (26 if wide else 19, 6, 7, 9, 24 if wide else 18, 5)
        self.name_width, self.action_width = widths[0], widths[4]
        labels = ("Milestone", "Target", "Points", "Owner", "Short-term action", "Due")
        for label, width in zip(labels, widths, strict=True):
            t.add_column(label, width=width)
        self.refresh_view()
        self.query_one(FocusEditor).focus()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "go":
            return self.dapp.session is not None and self.in_setup
        return True

    def render_state(self) -> None:
        self.update_title()
        s, c, b = self.state, self.state.compiled, self.state.batch
        sc = s.scenario
        ed = self.query_one(FocusEditor)
        ed.reset(s)
        self.show_focus_status()
        t = self.query_one("#milestones", DataTable)
        row = t.cursor_row
        t.clear()
        for i, m in enumerate(sc.milestones):
            owner = int(b.ms_owner[0, i])
            action = int(b.ms_action[0, i])
            done = min(float(b.progress[0, i]), float(c.l_effort[i]))
            room = self.name_width - (2 if m.close else 0)
            name = Text(clip(m.name, room), style="bold" if m.close else "")
            if m.close:
                name.append(" ★", style="dim")
            t.add_row(
                name,
                Text(f"wk {m.target_week}"),
                Text(
                    f"{done:.3g}/{m.effort:g}",
                    style="green" if done >= c.l_effort[i] else "",
                ),
                Text(
                    first_name(sc.roster[owner].name) if owner >= 0 else "—",
                    style="" if owner >= 0 else "yellow",
                ),
                Text(clip(sc.actions[action].name, self.action_width) if action >= 0 else "—"),
                Text(f"wk {int(b.ms_due[0, i])}" if action >= 0 else ""),
                key=m.id,
            )
        if row is not None and t.row_count:
            t.move_cursor(row=min(row, t.row_count - 1))

    def show_focus_status(self) -> None:
        ed = self.query_one(FocusEditor)
        t = Text()
        if same_focus(self.state.focus(), ed.weights()):
            t.append("Focus set.", style="green")
        else:
            t.append("Draft changed: press f to set this focus", style="yellow")
            if not self.in_setup:
                t.append(" (an audible)", style="yellow")
        self.query_one("#focus-status", Static).update(t)

    def on_focus_editor_changed(self, event: FocusEditor.Changed) -> None:
        self.show_focus_status()

    def action_set_focus(self) -> None:
        from engine.decisions import Focus

        weights = self.query_one(FocusEditor).weights()
        if same_focus(self.state.focus(), weights):
            self.notify("Focus unchanged.", timeout=2)
            return
        if self.apply(Focus(weights)) and not self.in_setup:
            self.notify("Audible called: the team has a new focus.", timeout=3)

    def action_edit(self) -> None:
        from engine.decisions import Plan
        from simulator.screens.modals import PlanModal

        t = self.query_one("#milestones", DataTable)
        if not t.row_count:
            return
        ms = t.coordinate_to_cell_key((t.cursor_row, 0)).row_key.value
        if not self.state.staffed():
            self.notify("Staff your team before planning milestones.", severity="warning")
            return

        def done(answer: tuple | None) -> None:
            if answer:
                owner, action, due = answer
                self.apply(Plan(ms, owner, action, int(due)))

        self.app.push_screen(PlanModal(self.state, ms), done)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_go(self) -> None:
        if not self.in_setup:
            return
        from engine.decisions import Start
        from simulator.readiness import gaps

        found = gaps(self.state) if self.state.why_illegal(Start()) is None else []
        if found:
            from simulator.screens.modals import ConfirmModal

            def done(yes: bool | None) -> None:
                if yes:
                    self.start_deal()

            detail = "\n".join(f"⚠ {g}." for g in found)
            self.app.push_screen(ConfirmModal("Start the deal anyway?", detail), done)
            return
        self.start_deal()

    def start_deal(self) -> None:
        from engine.decisions import Focus, Start
        from simulator.screens.registry import make

        ed = self.query_one(FocusEditor)
        draft = ed.weights()
        if not same_focus(self.state.focus(), draft):
            if not self.apply(Focus(draft)):
                return
        if self.apply(Start()):
            self.app.switch_screen(make("week"))

    def action_back(self) -> None:
        self.setup_step(-1)
