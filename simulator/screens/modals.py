"""Small dialogs: pick one, confirm, the follow-through checklist, and the planners
(milestone plan, schedule an action, re-focus). Each returns its answer with
`dismiss`; a dialog never applies a decision itself."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, OptionList, Static
from textual.widgets.option_list import Option

from simulator.widgets.focus import FocusEditor
from simulator.widgets.keys import KeyFooter

if TYPE_CHECKING:
    from engine.state import GameState

CHECKLIST_TEXT = {
    "priorities": "Tell them the deal's priorities and what you need from them",
    "commitment": "Confirm their commitment, with dates",
    "followup": "Schedule a follow-up to check in",
    "contingency": "Plan a contingency in case they are pulled away",
}


# The list keys, handled by the dialog itself as each key arrives (priority bindings run
# in the app's own queue, in typing order): keys typed ahead of the screen are never sent
# to a list that is about to lose the focus, nor lost before the focus has moved. Every
# key has an id, so a player can remap it in settings.toml; a group is one line in help.
LIST_KEYS = [
    Binding("up", "cursor('cursor_up')", "Up", show=False, priority=True, id="lists.up"),
    Binding("down", "cursor('cursor_down')", "Down", show=False, priority=True, id="lists.down"),
    Binding("home", "cursor('first')", "First", show=False, priority=True, id="lists.first"),
    Binding("end", "cursor('last')", "Last", show=False, priority=True, id="lists.last"),
    Binding(
        "pageup", "cursor('page_up')", "Page up", show=False, priority=True, id="lists.page_up"
    ),
    Binding(
        "pagedown",
        "cursor('page_down')",
        "Page down",
        show=False,
        priority=True,
        id="lists.page_down",
    ),
    Binding("enter", "choose", "Choose", show=False, priority=True, id="lists.choose"),
    Binding("f1,question_mark", "app.help", "Help", show=False, priority=True, id="lists.help"),
]
LETTERS = "abcdefghijklmnopqrstuvwxyz"
JUMP = Binding.Group("Jump to the next option starting with the letter")
AIM = Binding.Group("Pick the person aimed at by initial, from any list")
BOOK = Binding.Group("Book the highlighted action that many times")
# a letter jumps to the next option whose name starts with it (as in a file manager)
LETTER_KEYS = [
    Binding(
        ch,
        f"jump('{ch}')",
        f"Jump to {ch}",
        show=False,
        priority=True,
        id=f"lists.jump_{ch}",
        group=JUMP,
    )
    for ch in LETTERS
]
# a capital jumps in the last list (the person aimed at) from any list
CAPITAL_KEYS = [
    Binding(
        ch.upper(),
        f"jump_last('{ch}')",
        f"Aim at {ch.upper()}",
        show=False,
        priority=True,
        id=f"lists.aim_{ch}",
        group=AIM,
    )
    for ch in LETTERS
]
DIGIT_KEYS = [
    Binding(
        str(n),
        f"book({n})",
        f"Book {n}×",
        show=False,
        priority=True,
        id=f"schedule.book_{n}",
        group=BOOK,
    )
    for n in range(1, 10)
]


class ListKeys:
    """Route the list keys to the list that has the focus, synchronously; `listed` is the
    hook for what depends on a list's highlighted option."""

    def current_list(self) -> OptionList | None:
        lists = list(self.query(OptionList))  # type: ignore[attr-defined]
        focused = self.focused  # type: ignore[attr-defined]
        if focused in lists:
            return focused
        return lists[0] if lists else None

    def action_cursor(self, move: str) -> None:
        ol = self.current_list()
        if ol is not None and ol.option_count:
            getattr(ol, f"action_{move}")()
            self.listed(ol)

    def listed(self, ol: OptionList) -> None:
        """The highlight of `ol` may have moved (override)."""

    def action_choose(self) -> None:
        ol = self.current_list()
        if ol is None or ol.highlighted is None:
            return
        option = ol.get_option_at_index(ol.highlighted)
        if not option.disabled:
            self.chosen(ol, option.id)

    def chosen(self, ol: OptionList, option_id: str | None) -> None:
        """Enter on an enabled option (override)."""

    def action_jump(self, letter: str, ol: OptionList | None = None) -> None:
        """Highlight the next enabled option after the highlighted one whose text starts
        with `letter`, wrapping round (in `ol`, else the list with the focus)."""
        ol = ol or self.current_list()
        if ol is None or not ol.option_count:
            return
        n = ol.option_count
        here = ol.highlighted if ol.highlighted is not None else -1
        for step in range(1, n + 1):
            k = (here + step) % n
            option = ol.get_option_at_index(k)
            if not option.disabled and str(option.prompt).lstrip().lower().startswith(letter):
                ol.highlighted = k
                self.listed(ol)
                return


class ChoiceModal(ListKeys, ModalScreen[str | None]):
    """Pick one option; returns its id, or None on escape."""

    HELP = """\
## Choose one

Up/down (or the first letter of an option) move the highlight, Enter chooses it,
Escape closes the dialog without a choice. Dimmed options say why they cannot be chosen.
"""
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="choice.cancel"),
        *LIST_KEYS,
        *LETTER_KEYS,
    ]

    def __init__(
        self,
        title: str,
        options: list[tuple[str, Text, bool]],
        note: str = "",
        start: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.note = note
        self.start = start  # the option highlighted first (if enabled), else the first enabled

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"))
            yield OptionList(
                *[Option(t, id=i, disabled=d) for i, t, d in self.options], id="choice"
            )
            if self.note:
                yield Static(Text(self.note, style="dim"))
        yield KeyFooter()

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        enabled = [n for n, (i, _, d) in enumerate(self.options) if not d]
        first = next((n for n in enabled if self.options[n][0] == self.start), None)
        if first is None:
            first = enabled[0] if enabled else None
        if first is not None:
            ol.highlighted = first
        self.set_focus(ol)

    def chosen(self, ol: OptionList, option_id: str | None) -> None:
        self.dismiss(option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question; the answer keys act in typing order (priority bindings)."""

    BINDINGS = [
        Binding("y,enter", "yes", "Yes", priority=True, id="confirm.yes"),
        Binding("n,escape", "no", "No", priority=True, id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.question, style="bold"))
            if self.detail:
                yield Static(Text(self.detail))
            yield Static(
                Content.from_markup(
                    "\n[@click=screen.yes][b reverse] y [/] Yes[/]    "
                    "[@click=screen.no][b reverse] n [/] No[/]"
                ),
                classes="answers",
            )
        yield KeyFooter()

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class ChecklistModal(ModalScreen[tuple[str, ...] | None]):
    """The follow-through checklist for borrowing an internal resource: every item starts
    unticked, so each one done is a choice the player made."""

    BINDINGS = [
        Binding("e,ctrl+enter,ctrl+j", "ok", "Enrol", id="checklist.enrol"),
        Binding("a", "tick_all", "Tick all", id="checklist.tick_all"),
        Binding("escape", "cancel", "Cancel", id="checklist.cancel"),
    ]

    def __init__(self, name: str, checklist: tuple[str, ...]) -> None:
        super().__init__()
        self.member_name = name
        self.items = checklist

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(f"Enrol {self.member_name}: follow-through", style="bold"))
            yield Static(
                Text(
                    "They are borrowed from elsewhere in the company. Skip these steps and "
                    "they may under-deliver. Space ticks an item, a ticks them all, e enrols.",
                    style="dim",
                )
            )
            for item in self.items:
                yield Checkbox(CHECKLIST_TEXT.get(item, item), False, id=f"chk-{item}")
            with Horizontal(classes="buttons"):
                yield Button("Enrol", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query(Checkbox).first().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_ok()
        else:
            self.action_cancel()

    def action_tick_all(self) -> None:
        for box in self.query(Checkbox):
            box.value = True

    def action_ok(self) -> None:
        self.dismiss(tuple(i for i in self.items if self.query_one(f"#chk-{i}", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ListsModal(ListKeys, ModalScreen[tuple | None]):
    """Several option lists side by side; Enter moves on, Enter on the last one answers.

    A list is refilled at once when the one before it changes (not when the highlight
    message arrives later), so keys typed ahead always meet the options they were meant
    for."""

    HELP = """\
## Lists side by side

Up/down move in a list, left/right (or Enter) go to the next list; Enter on the last
list, or space in any list, answers with what every list highlights. A letter jumps to
the next option starting with it; a capital picks the person aimed at from any list.
Escape closes the dialog and changes nothing.
"""
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="lists.cancel"),
        Binding(
            "left", "move(-1)", "Previous list", show=False, priority=True, id="lists.previous"
        ),
        Binding("right", "move(1)", "Next list", show=False, priority=True, id="lists.next"),
        Binding("space", "answer", "Done", priority=True, id="lists.done"),
        *LIST_KEYS,
        *LETTER_KEYS,
        *CAPITAL_KEYS,
    ]
    HEADINGS: tuple[str, ...] = ()

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title
        self.filled_for: dict[int, str | None] = {}  # list n -> its value when the next were filled

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(Text(self.title_text, style="bold"))
            with Horizontal(classes="lists"):
                for n, heading in enumerate(self.HEADINGS):
                    ol = OptionList(id=f"list{n}")
                    ol.border_title = heading
                    yield ol
            yield Static(id="hint")
        yield KeyFooter()

    def lists(self) -> list[OptionList]:
        return list(self.query(OptionList))

    def on_mount(self) -> None:
        self.refill(0)
        self.set_focus(self.lists()[0])

    def fill(self, start: int) -> None:
        """Refill lists from `start` onwards (override)."""

    def refill(self, start: int) -> None:
        self.fill(start)
        self.filled_for = {n: self.value(n) for n in range(len(self.lists()))}

    def listed(self, ol: OptionList) -> None:
        n = self.lists().index(ol)
        if self.filled_for.get(n) != self.value(n):
            self.refill(n + 1)  # past the last list: only what depends on every choice

    def chosen(self, ol: OptionList, option_id: str | None) -> None:
        n = self.lists().index(ol)
        if n + 1 < len(self.lists()):
            self.set_focus(self.lists()[n + 1])
        else:
            self.answer()

    def set_options(self, n: int, options: list[tuple[str, Text, bool]], keep: str | None) -> None:
        ol = self.lists()[n]
        ol.clear_options()
        ol.add_options([Option(t, id=i, disabled=d) for i, t, d in options])
        ids = [i for i, _, d in options if not d]
        if keep in ids:
            ol.highlighted = [i for i, _, _ in options].index(keep)
        elif ids:
            ol.highlighted = [i for i, _, _ in options].index(ids[0])

    def value(self, n: int) -> str | None:
        ol = self.lists()[n]
        if ol.highlighted is None or ol.option_count == 0:
            return None
        opt = ol.get_option_at_index(ol.highlighted)
        return None if opt.disabled else opt.id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.listed(event.option_list)  # a click; a key has refilled already

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.chosen(event.option_list, event.option.id)

    def action_move(self, step: int) -> None:
        ls = self.lists()
        if self.focused in ls:
            self.set_focus(ls[(ls.index(self.focused) + step) % len(ls)])

    def action_answer(self) -> None:
        self.answer()

    def action_jump_last(self, letter: str) -> None:
        self.action_jump(letter, self.lists()[-1])

    def answer(self, *extra) -> None:
        """Answer with every list's highlighted option (and `extra`), from whichever list."""
        values = tuple(self.value(n) for n in range(len(self.lists())))
        if any(v is None for v in values):
            self.notify("Choose an option in every list.", severity="warning")
            return
        self.dismiss(values + extra)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PlanModal(ListsModal):
    """Owner, short-term action and due week for one milestone."""

    HEADINGS = ("Owner", "Short-term action", "Due week")

    def __init__(self, state: GameState, milestone: str) -> None:
        self.state = state
        c = state.compiled
        self.ms = c.milestones.index(milestone)
        m = state.scenario.milestones[self.ms]
        super().__init__(f"Plan: {m.name} (target week {m.target_week})")
        obs_owner = int(state.batch.ms_owner[0, self.ms])
        obs_action = int(state.batch.ms_action[0, self.ms])
        self.keep = [
            c.members[obs_owner] if obs_owner >= 0 else None,
            c.actions[obs_action] if obs_action >= 0 else None,
            str(int(state.batch.ms_due[0, self.ms]) or m.target_week),
        ]

    def fill(self, start: int) -> None:
        s, c = self.state, self.state.compiled
        sc = s.scenario
        if start <= 0:
            opts = []
            for m in s.staffed():
                member = sc.roster[c.members.index(m)]
                role = s.role_of(m)
                rname = sc.roles[c.roles.index(role)].name if role else "no role"
                opts.append((m, Text.assemble((member.name, "bold"), f"\n  {rname}"), False))
            self.set_options(0, opts, self.keep[0])
        if start <= 1:
            opts = []
            for a, act in enumerate(sc.actions):
                pts = float(c.a_progress[a, self.ms])
                if pts <= 0:
                    continue
                opts.append(
                    (
                        act.id,
                        Text.assemble((act.name, "bold"), f"\n  +{pts:g} pts, {act.hours}h"),
                        False,
                    )
                )
            self.set_options(1, opts, self.keep[1])
        if start <= 2:
            first = max(s.week, 1)
            opts = [(str(w), Text(f"Week {w}"), False) for w in range(first, c.weeks + 1)]
            self.set_options(2, opts, self.keep[2])


class ScheduleModal(ListsModal):
    """Action, member and target for one run this week; options that cannot work are
    shown dimmed so the player sees why."""

    HEADINGS = ("Action", "Who runs it", "Aimed at")
    HELP = """\
## Schedule an action

Pick the action, who runs it and whom it is aimed at; the line below previews the effect
on that person. Enter moves to the next list and books on the last; space books from any
list; a digit books the highlighted action that many times. A letter jumps to the next
option starting with it; a capital picks the person aimed at from any list.
"""
    BINDINGS = [*ListsModal.BINDINGS, *DIGIT_KEYS]

    def __init__(
        self,
        state: GameState,
        member: str | None = None,
        target: str | None = None,
        action: str | None = None,
    ):
        super().__init__(f"Schedule an action — week {state.week}")
        self.state = state
        self.keep = [action, member, target]  # the highlights it opens on, where enabled

    def action_book(self, times: int) -> None:
        """A digit books the highlighted action that many times (from any list)."""
        self.answer(times)

    def fill(self, start: int) -> None:
        from engine.compiled import BUYING_ROLES

        s, c = self.state, self.state.compiled
        sc = s.scenario
        if start <= 0:
            opts = []
            for a, act in enumerate(sc.actions):
                who = (
                    ", ".join(
                        sc.roles[r].name.split(" (")[0]
                        for r in range(len(c.roles))
                        if c.a_roles[a, r]
                    )
                    if act.roles
                    else "anyone"
                )
                t = Text.assemble((act.name, "bold"), (f"  {act.hours}h", "dim"), f"\n  {who}")
                opts.append((act.id, t, False))
            self.set_options(0, opts, self.keep[0])
        action = self.value(0)
        if action is None:
            return
        a = c.actions.index(action)
        if start <= 1:
            opts = []
            for m in s.staffed():
                reason = s.why_illegal(_run(action, m, None if c.a_internal[a] else "?"))
                ok = reason is None or "stakeholder" in reason
                member = sc.roster[c.members.index(m)]
                left = s.hours_left(m)
                t = Text.assemble((member.name, "bold"), f"  {left:.0f}h left")
                if not ok:
                    t.append(f"\n  {reason}", style="dim")
                opts.append((m, t, not ok))
            self.set_options(1, opts, self.keep[1])
        member = self.value(1)
        if start <= 2:
            if c.a_internal[a]:
                opts = [("-", Text("No target: an internal action"), False)]
            else:
                opts = []
                obs = self.observed
                for j, st in enumerate(sc.stakeholders):
                    if st.id not in obs:
                        continue
                    ok = bool(c.a_targets[a, c.st_role[j]])
                    t = Text.assemble(
                        (st.name, "bold"),
                        f"  {BUYING_ROLES[c.st_role[j]]}, {obs[st.id]['influence']:.0%}",
                    )
                    if not ok:
                        t.append(f"\n  {act_name(sc, a)} cannot target them", style="dim")
                    opts.append((st.id, t, not ok))
            self.set_options(2, opts, self.keep[2])
        if member is None:
            self.query_one("#hint", Static).update(
                Text("Nobody free can run this action now.", style="dim")
            )
        else:
            act = sc.actions[a]
            hint = Text(act.description, style="dim")
            target = None if c.a_internal[a] else self.value(2)
            if c.a_internal[a] or target is not None:
                from simulator.preview import preview

                p = preview(s, _run(action, member, target))
                if p is not None:
                    name = sc.stakeholders[c.stakeholders.index(target)].name if target else None
                    hint.append("\n" + p.text(name), style="cyan")
            self.query_one("#hint", Static).update(hint)

    @cached_property
    def observed(self) -> dict[str, dict]:
        """The buying team as the team sees it, by id: observed once, since the state
        cannot change while the dialog is open."""
        from engine.observe import observe

        return {x["id"]: x for x in observe(self.state)["stakeholders"]}


def act_name(sc, a: int) -> str:
    return sc.actions[a].name


def _run(action: str, member: str, target: str | None):
    from engine.decisions import Run

    return Run(action, member, target)


class FocusModal(ModalScreen[dict | None]):
    """Re-focus the strategy (an audible once the weeks have started)."""

    BINDINGS = [
        Binding("enter,f", "ok", "Apply focus", id="focus_dialog.ok"),
        Binding("escape", "cancel", "Cancel", id="focus_dialog.cancel"),
    ]

    def __init__(self, state: GameState, audible: bool) -> None:
        super().__init__()
        self.state = state
        self.audible = audible

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(
                Text(
                    "Call an audible: re-focus the strategy" if self.audible else "Strategy focus",
                    style="bold",
                )
            )
            yield FocusEditor(self.state, id="focus-editor")
            yield Static(
                Text(
                    "Up/down pick a priority, left/right move weight. Audibles not forced by a "
                    "customer shift cost strategy stability."
                    if self.audible
                    else "Up/down pick a priority, left/right move weight.",
                    style="dim",
                )
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(FocusEditor).focus()

    def action_ok(self) -> None:
        self.dismiss(self.query_one(FocusEditor).weights())

    def action_cancel(self) -> None:
        self.dismiss(None)
