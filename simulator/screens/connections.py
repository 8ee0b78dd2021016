"""4. The connection map: team members against the buying team. Each connection point
makes a member the named contact for a stakeholder; influence nobody reaches is shown
plainly."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from simulator.screens.base import GameScreen, TitleBar, first_name, typed_ahead
from simulator.widgets.keys import KeyFooter
from simulator.widgets.table import GameTable

ROLE_SHORT = {"economic": "econ", "user": "user", "technical": "tech", "coach": "coach"}


class ConnectionsScreen(GameScreen):
    SCREEN_NAME = "connections"
    TITLE = "Connections"
    HELP = """\
## Connection map

Rows are your team, columns the customer's buying team (with buying role and share
of the decision). Move to a cell and press **Space** to make that member the
connection point for that stakeholder, or to break the connection.

- Every person with real influence should have a named connection on your team.
- Match seniority and skills to the person: an executive sponsor for the economic
  buyer, a solution consultant for the technical buyer.
- Connections also sharpen what your team knows about each person's priorities.
- The panel below lists influence nobody on the team reaches.
"""
    BINDINGS = typed_ahead(
        Binding("space", "toggle", "Connect/break", id="connections.toggle"),
        Binding("enter", "toggle", "Connect/break", show=False, id="connections.toggle_enter"),
        Binding("n", "next", "Next", id="connections.next"),
        Binding("escape", "back", "Back", id="connections.back"),
    )

    def compose(self) -> ComposeResult:
        yield TitleBar(self.title_text())
        with Vertical(id="connections-body"):
            yield GameTable(id="conn-map", cursor_type="cell", header_height=2, classes="panel")
            yield Static(id="conn-summary", classes="panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#conn-map").border_title = "Who on our team reaches whom"
        self.query_one("#conn-summary").border_title = "Coverage"
        self.refresh_view()
        self.query_one("#conn-map").focus()

    def present(self) -> list[int]:
        b = self.state.batch
        return [j for j in range(len(self.state.compiled.stakeholders)) if b.present[0, j]]

    def render_state(self) -> None:
        self.update_title()
        s, c, b = self.state, self.state.compiled, self.state.batch
        sc = s.scenario
        t = self.query_one("#conn-map", DataTable)
        coord = t.cursor_coordinate
        t.clear(columns=True)
        t.add_column(Text("Team member\n(role)"), key="member")
        cols = self.present()
        for j in cols:
            st = sc.stakeholders[j]
            head = Text(first_name(st.name) + " " + st.name.split()[-1][:1] + ".", style="bold")
            head.append(f"\n{ROLE_SHORT[st.buying_role.value]} {b.influence[0, j]:.0%}")
            t.add_column(head, key=st.id)
        for m in s.staffed():
            i = c.members.index(m)
            role = s.role_of(m)
            label = Text(sc.roster[i].name, style="bold")
            rname = sc.roles[c.roles.index(role)].name.split(" (")[0] if role else "no role"
            label.append(f"\n{rname[:20]}", style="dim")
            row = [label]
            for j in cols:
                on = bool(b.conn[0, i, j])
                row.append(Text("●" if on else "·", style="green bold" if on else "dim"))
            t.add_row(*row, key=m, height=2)
        if t.row_count:
            t.cursor_coordinate = coord if coord.row < t.row_count else t.cursor_coordinate
            if t.cursor_column == 0 and len(cols):
                t.cursor_coordinate = t.cursor_coordinate._replace(column=1)
        self.show_summary()

    def show_summary(self) -> None:
        s, c, b = self.state, self.state.compiled, self.state.batch
        sc = s.scenario
        reached = b.conn[0].any(0)
        t = Text()
        loose = [j for j in self.present() if not reached[j]]
        covered = sum(float(b.influence[0, j]) for j in self.present() if reached[j])
        t.append(f"Influence reached: {covered:.0%} of the decision\n", style="bold")
        if not s.staffed():
            t.append("Staff your team first.", style="yellow")
        for j in sorted(loose, key=lambda j: -b.influence[0, j]):
            st = sc.stakeholders[j]
            t.append("✗ ", style="red")
            t.append(
                f"{st.name}, {st.title} ({st.buying_role.value}, "
                f"{b.influence[0, j]:.0%} of the decision) has no connection point\n"
            )
        load = {m: int(b.conn[0, c.members.index(m)].sum()) for m in s.staffed()}
        idle = [first_name(sc.roster[c.members.index(m)].name) for m, n in load.items() if not n]
        if idle:
            t.append(f"Not connected to anyone: {', '.join(idle)}", style="yellow")
        self.query_one("#conn-summary", Static).update(t)

    def action_toggle(self) -> None:
        from engine.decisions import Connect, Disconnect

        t = self.query_one("#conn-map", DataTable)
        if not t.row_count or t.cursor_column == 0:
            return
        key = t.coordinate_to_cell_key(t.cursor_coordinate)
        m, st = key.row_key.value, key.column_key.value
        c = self.state.compiled
        on = bool(self.state.batch.conn[0, c.members.index(m), c.stakeholders.index(st)])
        self.apply(Disconnect(m, st) if on else Connect(m, st))

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        self.action_toggle()

    def action_next(self) -> None:
        self.setup_step(1)

    def action_back(self) -> None:
        self.setup_step(-1)
