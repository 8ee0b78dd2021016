"""3. Staffing and roles: the roster as a sortable table, add and release people within
the limits, give each a role, name the quarterback; live feedback on budget, role
coverage, skill fit and chemistry."""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from simulator.screens.base import (
    GameScreen,
    TitleBar,
    first_name,
    money,
    role_label,
    short,
    typed_ahead,
)
from simulator.textcharts import bar
from simulator.widgets.keys import KeyFooter
from simulator.widgets.table import GameTable


def skill_codes(ids: list[str]) -> list[str]:
    """A three-letter capital code per skill id, unique within the list."""
    out: list[str] = []
    for ident in ids:
        code = ident.replace("_", "")[:3].upper()
        if code in out:
            code = code[:2] + str(len(out))
        out.append(code)
    return out


class StaffingScreen(GameScreen):
    SCREEN_NAME = "staffing"
    TITLE = "Team"
    HELP = """\
## Staffing and roles

Build the team that will sell this deal.

- **Space** adds the highlighted person to the team, or releases them.
  People borrowed from elsewhere (*internal resources*) come with a
  follow-through checklist: tell them the priorities, confirm their commitment
  with dates, plan a contingency and schedule a follow-up. Every item starts
  unticked: **Space** ticks the highlighted one, **a** ticks them all, **e**
  enrols (with what is ticked).
- **r** gives the highlighted team member a role; **q** makes them the
  quarterback: the one person who owns the strategy and calls the plays.
- **s** sorts by the next column (or click a column header); the order stays put
  while you add and release people, so the cursor never jumps to someone else.
  **Home**/**End** go to the first and last person.
- In a window under 100 columns the skill columns go by three-letter codes (STR for
  account strategy, ...) and the line below the roster names the highlighted person's
  skills in full, with the weeks they are available.
- The panels below show, live: the budget and headcount used, which roles are
  covered, how well each person fits their role, and chemistry between people.

Clear roles and one quarterback score well; "fit" often beats star players.
"""
    BINDINGS = typed_ahead(
        Binding("space", "toggle", "Add/release", id="staffing.toggle"),
        Binding("enter", "toggle", "Add/release", show=False, id="staffing.toggle_enter"),
        Binding("r", "role", "Role", id="staffing.role"),
        Binding("q", "quarterback", "Quarterback", id="staffing.quarterback"),
        Binding("s", "sort", "Sort", id="staffing.sort"),
        Binding("n", "next", "Next", id="staffing.next"),
        Binding("escape", "back", "Back", id="staffing.back"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.sort_by = 0
        self.reverse = False
        self.order: list[int] | None = None  # kept while the player works the list; s re-sorts
        self.narrow = False  # under 100 columns: skill codes, no Weeks column

    def compose(self) -> ComposeResult:
        yield TitleBar(self.title_text())
        with Vertical(id="staffing-body"):
            yield GameTable(id="roster", cursor_type="row", zebra_stripes=True, classes="panel")
            yield Static(id="member-detail")
            with Horizontal(id="feedback"):
                yield Static(id="fb-team", classes="panel")
                yield Static(id="fb-roles", classes="panel")
                yield Static(id="fb-fit", classes="panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#roster").border_title = "Roster"
        self.query_one("#fb-team").border_title = "Budget"
        self.query_one("#fb-roles").border_title = "Roles"
        self.query_one("#fb-fit").border_title = "Fit and chemistry"
        t = self.query_one("#roster", DataTable)
        self.columns = ["", "Name", "Role", "Sen", "Cost", "Hrs", "Weeks"]
        self.columns += [short(k.name, k.id, 9) for k in self.state.scenario.skills]
        self.narrow = self.app.size.width < 100
        self.add_columns()
        self.refresh_view()
        t.focus()

    WEEKS = 6  # the Weeks column: left out when narrow (the detail line says it in full)

    def add_columns(self) -> None:
        """The roster's columns; narrow, the skills go by three-letter codes and the
        highlighted person's detail line names every skill in full, so that the table fits
        80 columns instead of scrolling sideways."""
        t = self.query_one("#roster", DataTable)
        t.clear(columns=True)
        labels = list(self.columns)
        if self.narrow:
            labels[7:] = skill_codes([k.id for k in self.state.scenario.skills])
        for n, label in enumerate(labels):
            if not (self.narrow and n == self.WEEKS):
                t.add_column(label, key=str(n))
        detail = self.query_one("#member-detail")
        detail.styles.height = "auto" if self.narrow else 2
        detail.styles.max_height = 4 if self.narrow else None

    def on_resize(self, event) -> None:
        super().on_resize(event)
        narrow = event.size.width < 100
        if narrow != self.narrow and self.is_mounted:
            self.narrow = narrow
            self.add_columns()
            self.refresh_view()

    # ---- rendering --------------------------------------------------------------------------

    def sort_key(self, i: int):
        s = self.state
        m = s.scenario.roster[i]
        c = s.compiled
        keys = [
            not bool(s.batch.staffed[0, i]),
            m.name,
            s.role_of(m.id) or "~",
            -m.seniority,
            m.weekly_cost,
            -m.capacity,
            (m.available_from, m.available_until or c.weeks),
        ]
        keys += [-float(s.batch.skill[0, i, q]) for q in range(len(c.skills))]
        return keys[self.sort_by]

    def render_state(self) -> None:
        self.update_title()
        s, c = self.state, self.state.compiled
        sc = s.scenario
        t = self.query_one("#roster", DataTable)
        current = None
        if t.row_count and t.cursor_row is not None:
            current = t.coordinate_to_cell_key((t.cursor_row, 0)).row_key.value
        t.clear()
        if self.order is None:
            self.order = sorted(range(len(sc.roster)), key=self.sort_key, reverse=self.reverse)
        order = self.order
        for i in order:
            m = sc.roster[i]
            on = bool(s.batch.staffed[0, i])
            role = s.role_of(m.id) if on else None
            width = 10 if self.narrow else 14
            rname = role_label(sc.roles[c.roles.index(role)].name, width) if role else ""
            if role and c.roles.index(role) == c.qb_role:
                rname = "★ " + rname
            until = m.available_until or c.weeks
            style = "bold" if on else ""
            row = [
                Text("✓" if on else "", style="green bold"),
                Text(m.name, style=style),
                Text(rname),
                Text(str(m.seniority), justify="right"),
                Text(f"{m.weekly_cost:,}", justify="right"),
                Text(str(m.capacity), justify="right"),
            ]
            if not self.narrow:
                row.append(Text(f"{m.available_from}-{until}"))
            for q in range(len(c.skills)):
                v = float(s.batch.skill[0, i, q])
                row.append(
                    Text(
                        f"{v * 100:.0f}",
                        justify="right",
                        style="bold" if v >= 0.7 else "dim" if v < 0.3 else "",
                    )
                )
            t.add_row(*row, key=m.id)
        if current is not None:
            t.move_cursor(row=t.get_row_index(current))
        self.show_detail()
        self.show_feedback()

    def current_member(self) -> str | None:
        t = self.query_one("#roster", DataTable)
        if not t.row_count:
            return None
        return t.coordinate_to_cell_key((t.cursor_row, 0)).row_key.value

    def show_detail(self) -> None:
        mid = self.current_member()
        if mid is None:
            return
        s = self.state
        sc = s.scenario
        m = sc.roster[s.compiled.members.index(mid)]
        t = Text()
        t.append(m.name, style="bold")
        t.append(f", {m.title}. ")
        if self.narrow:
            i = s.compiled.members.index(mid)
            until = m.available_until or s.compiled.weeks
            skills = ", ".join(
                f"{k.name} {float(s.batch.skill[0, i, q]) * 100:.0f}"
                for q, k in enumerate(sc.skills)
            )
            t.append(f"Weeks {m.available_from}-{until}. {skills}. ")
        t.append(m.bio)
        traits = ", ".join(m.traits)
        if m.internal_resource:
            traits = "borrowed from elsewhere in the company" + (f"; {traits}" if traits else "")
        if traits:
            t.append(f"  Traits: {traits}.", style="dim")
        self.query_one("#member-detail", Static).update(t)

    def show_feedback(self) -> None:
        from engine.rules import member_fit

        s, c, b = self.state, self.state.compiled, self.state.batch
        sc = s.scenario
        cur = sc.deal.currency
        staffed = s.staffed()
        cost, budget = s.team_cost(), s.budget()
        t = Text()
        t.append(f"Headcount {len(staffed)} of {c.headcount}\n")
        t.append(f"{bar(len(staffed) / max(c.headcount, 1), 14)}\n")
        t.append(f"Weekly cost {money(cost)} of {money(budget, cur)}\n")
        over = cost > budget
        t.append(bar(cost / budget if budget else 1.0, 14), style="red" if over else "green")
        hours = sum(sc.roster[c.members.index(m)].capacity for m in staffed)
        t.append(f"\n{hours} team hours a week")
        self.query_one("#fb-team", Static).update(t)

        t = Text()
        counts = {r: 0 for r in c.roles}
        holders: dict[str, list[str]] = {r: [] for r in c.roles}
        for m in staffed:
            r = s.role_of(m)
            if r:
                counts[r] += 1
                holders[r].append(first_name(sc.roster[c.members.index(m)].name))
        for r, role in enumerate(sc.roles):
            n = counts[role.id]
            ok = c.r_min[r] <= n <= c.r_max[r]
            need = f"{c.r_min[r]}-{c.r_max[r]}" if c.r_min[r] != c.r_max[r] else f"{c.r_min[r]}"
            mark, style = ("✓", "green") if ok and n else ("·", "dim") if ok else ("✗", "red")
            t.append(f"{mark} ", style=style)
            t.append(role.name.split(" (")[0][:22])
            t.append(f" {n}/{need}", style="dim")
            if holders[role.id]:
                t.append(": " + ", ".join(holders[role.id]))
            t.append("\n")
        qbs = counts[c.roles[c.qb_role]]
        if qbs == 0:
            t.append("No quarterback yet: press q", style="yellow")
        unroled = [
            first_name(sc.roster[c.members.index(m)].name) for m in staffed if not s.role_of(m)
        ]
        if unroled:
            t.append(f"\nNo role: {', '.join(unroled)}", style="yellow")
        self.query_one("#fb-roles", Static).update(t)

        t = Text()
        fit = member_fit(c, b.skill, b.role)[0]
        for m in staffed:
            i = c.members.index(m)
            name = first_name(sc.roster[i].name)
            if b.role[0, i] < 0:
                continue
            f = float(fit[i])
            t.append(
                f"{name[:10]:<10} {bar(f, 8)} {f:.0%}\n",
                style="red" if f < 0.4 else "" if f < 0.65 else "green",
            )
        idx = [c.members.index(m) for m in staffed]
        for a_, i in enumerate(idx):
            for j in idx[a_ + 1 :]:
                v = float(c.chem[i, j])
                if v == 0:
                    continue
                note = next(
                    (
                        ch.note
                        for ch in sc.chemistry
                        if set(ch.members) == {c.members[i], c.members[j]}
                    ),
                    "",
                )
                t.append("⚠ " if v < 0 else "♥ ", style="red" if v < 0 else "green")
                t.append(
                    (note or f"{sc.roster[i].name} / {sc.roster[j].name}") + "\n",
                    style="red" if v < 0 else "",
                )
        if not t:
            t.append("Staff people and give them roles to see fit.", style="dim")
        self.query_one("#fb-fit", Static).update(t)

    # ---- events and actions -----------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_toggle()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        n = int(event.column_key.value or 0)
        self.reverse = not self.reverse if n == self.sort_by else False
        self.sort_by = n
        self.order = None
        self.refresh_view()

    def action_sort(self) -> None:
        self.sort_by = (self.sort_by + 1) % len(self.columns)
        self.reverse = False
        self.order = None
        self.refresh_view()
        self.notify(
            f"Sorted by {self.columns[self.sort_by] or 'on the team'}", timeout=1.5, markup=False
        )

    def action_toggle(self) -> None:
        from engine.compiled import CHECKLIST
        from engine.decisions import Release, Staff

        mid = self.current_member()
        if mid is None:
            return
        s = self.state
        i = s.compiled.members.index(mid)
        if s.batch.staffed[0, i]:
            self.apply(Release(mid))
            return
        member = s.scenario.roster[i]
        if not member.internal_resource:
            self.apply(Staff(mid))
            return
        reason = s.why_illegal(Staff(mid, CHECKLIST))
        if reason:
            self.notify(reason, title="Not allowed", severity="warning", markup=False)
            return
        from simulator.screens.modals import ChecklistModal

        def done(items: tuple[str, ...] | None) -> None:
            if items is not None:
                self.apply(Staff(mid, items))

        self.app.push_screen(ChecklistModal(member.name, CHECKLIST), done)

    def action_role(self) -> None:
        from engine.decisions import Assign
        from engine.rules import member_fit
        from simulator.screens.modals import ChoiceModal

        mid = self.current_member()
        if mid is None:
            return
        s, c = self.state, self.state.compiled
        sc = s.scenario
        i = c.members.index(mid)
        if not s.batch.staffed[0, i]:
            self.notify(
                f"{sc.roster[i].name} is not on the team; press space to add them.",
                severity="warning",
                markup=False,
            )
            return
        opts, fits = [], {}
        for r, role in enumerate(sc.roles):
            fit = float(member_fit(c, s.batch.skill[:, i : i + 1], np.array([[r]]))[0, 0])
            reason = s.why_illegal(Assign(mid, role.id))
            if reason is None:
                fits[role.id] = fit
            t = Text.assemble((role.name, "bold"), f"  fit {fit:.0%}")
            if role.description:
                t.append(f"\n  {role.description}", style="dim")
            if reason:
                t.append(f"\n  {reason}", style="dim")
            opts.append((role.id, t, reason is not None))

        def done(role: str | None) -> None:
            if role:
                self.apply(Assign(mid, role))

        best = max(fits, key=fits.get) if fits else None
        current = s.role_of(mid)
        self.app.push_screen(
            ChoiceModal(f"Role for {sc.roster[i].name}", opts, start=current or best), done
        )

    def action_quarterback(self) -> None:
        from engine.decisions import Assign

        mid = self.current_member()
        if mid is not None:
            self.apply(Assign(mid, self.state.compiled.roles[self.state.compiled.qb_role]))

    def action_next(self) -> None:
        self.setup_step(1)

    def action_back(self) -> None:
        self.setup_step(-1)
