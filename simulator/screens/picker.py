"""1. The scenario picker: the deal library, each deal's promise, and saved games to resume."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from simulator.library import tutorial_first
from simulator.widgets.keys import KeyFooter
from simulator.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from engine.model import Scenario
    from simulator.app import DealcraftApp
    from simulator.saves import SaveInfo

SUFFIXES = (".yaml", ".yml")
CACHE_VERSION = 2  # 2: cards carry `tutorial`


@dataclass
class Card:
    """What the picker shows about a scenario: read once, then cached by file stamp, so
    the picker paints without loading the engine."""

    path: str
    id: str
    title: str
    summary: str
    difficulty: str
    weeks: int
    minutes: int
    value: int
    currency: str
    customer: str
    industry: str
    objectives: list[str] = field(default_factory=list)
    tutorial: bool = False

    @classmethod
    def of(cls, s: Scenario, path: Path) -> Card:
        return cls(
            path=str(path),
            id=s.id,
            title=s.title,
            summary=s.summary,
            difficulty=s.difficulty.value,
            weeks=s.deal.weeks,
            minutes=s.estimated_minutes,
            value=s.deal.value,
            currency=s.deal.currency,
            customer=s.customer.name,
            industry=s.customer.industry,
            objectives=list(s.learning_objectives),
            tutorial=s.tutorial,
        )


def builtin_folder() -> Path:
    """The shipped scenarios: the `scenarios` package's folder (importlib.resources would
    find the same folder, and load ten modules before the picker's first paint to do so)."""
    import scenarios

    return Path(scenarios.__file__).parent


def files_in(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    return sorted(f for f in folder.rglob("*") if f.suffix in SUFFIXES)


def scenario_cards(extra: list[Path]) -> tuple[list[Card], list[str]]:
    """Cards for the shipped scenarios (by difficulty, then title) and then the extra
    folders' ones; plus one line per file that does not load."""
    from simulator.saves import home_dir, write_atomic

    cache_file = home_dir() / "cache" / "scenario-cards.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
        if cache.get("version") != CACHE_VERSION:
            cache = {}
    except (OSError, ValueError):
        cache = {}
    entries: dict = cache.get("files", {})
    fresh: dict = {}
    groups: list[list[Card]] = []
    bad: list[str] = []
    for n, folder in enumerate([builtin_folder(), *extra]):
        group = []
        for f in files_in(folder):
            key = str(f.resolve())
            st = f.stat()
            stamp = [st.st_mtime_ns, st.st_size]
            hit = entries.get(key)
            if hit and hit.get("stamp") == stamp:
                card = Card(**hit["card"])
            else:
                from engine.loader import load_scenario
                from engine.problems import InputError

                try:
                    card = Card.of(load_scenario(f), f)
                except InputError as exc:
                    bad.append(str(exc.problems[0]) if exc.problems else str(f))
                    continue
            fresh[key] = {"stamp": stamp, "card": asdict(card)}
            group.append(card)
        if n == 0:
            order = {"easy": 0, "medium": 1, "hard": 2}
            group.sort(key=lambda c: (order.get(c.difficulty, 3), c.title))
        groups.append(group)
    if fresh != entries:
        try:
            write_atomic(cache_file, json.dumps({"version": CACHE_VERSION, "files": fresh}))
        except OSError:
            pass
    seen: set[str] = set()
    cards = []
    for card in (c for g in groups for c in g):
        if card.id not in seen:
            seen.add(card.id)
            cards.append(card)
    return cards, bad


DIFFICULTY_STYLE = {"easy": "green", "medium": "yellow", "hard": "red"}


class PickList(OptionList):
    """An option list whose Enter shows in the footer."""

    BINDINGS = [Binding("enter", "select", "Play / resume")]


class PickerScreen(Screen):
    TITLE = "Choose a deal"
    HELP = """\
## Scenario picker

Pick a deal to play, or resume a saved game.

- **Scenarios** lists the shipped deal library (and any `--scenarios` folder).
  The panel on the right shows the difficulty, the length in weeks, the typical
  play time and what the scenario teaches.
- **Saved games** lists your games, most recent first, with the result and score
  of the finished ones (↻ marks a replay from a week of an earlier game). Every
  decision you make is saved at once, so you can quit at any time and pick up where
  you left off. **x** (or Delete) deletes the highlighted save, after a confirm.
- **g** shows your progress across plays.
- **w** joins a facilitator's workshop: give the workshop server's address (or
  leave it empty for this computer's workshop), the join code and your team's
  name; a team that joined before on another computer also needs its passcode.
"""
    BINDINGS = [
        Binding("enter", "choose", "Play / resume", show=False),
        Binding("tab", "app.focus_next", "Switch list", show=True),
        Binding("g", "app.progress", "Progress", id="picker.progress"),
        Binding("w", "join_workshop", "Join workshop", show=True, id="picker.join"),
        Binding("delete,x", "delete_save", "Delete save", show=False, id="picker.delete"),
        Binding("escape", "app.quit", "Quit", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.scenarios: list[Card] = []
        self.saves: list[SaveInfo] = []
        self.bad: list[str] = []

    @property
    def dapp(self) -> DealcraftApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar(Text.assemble((" Dealcraft ", "bold reverse"), "  choose a deal to play"))
        with Horizontal(id="picker-body"):
            with Vertical(id="picker-lists"):
                yield PickList(id="scenario-list", classes="panel")
                yield PickList(id="save-list", classes="panel")
            with VerticalScroll(id="scenario-detail", classes="panel"):
                yield Static(id="detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#scenario-list").border_title = "Scenarios"
        self.query_one("#save-list").border_title = "Saved games"
        self.query_one("#scenario-detail").border_title = "About this deal"
        self.load_scenarios()
        self.load_saves()
        self.query_one("#scenario-list").focus()

    # ---- data -------------------------------------------------------------------------------

    def load_scenarios(self) -> None:
        found, self.bad = scenario_cards(self.dapp.scenario_dirs)
        found = tutorial_first(found, self.dapp.saves_folder)
        self.scenarios = found
        ol = self.query_one("#scenario-list", OptionList)
        ol.clear_options()
        for i, s in enumerate(found):
            t = Text()
            t.append(s.title, style="bold")
            t.append(f"\n  {s.difficulty}", style=DIFFICULTY_STYLE.get(s.difficulty, ""))
            t.append(f" · {s.weeks} weeks · ~{s.minutes} min", style="dim")
            ol.add_option(Option(t, id=f"s{i}"))
        if found:
            ol.highlighted = 0
            self.show_scenario(found[0])
        if self.bad:
            self.notify(
                "\n".join(self.bad[:3]),
                title=f"{len(self.bad)} scenario file(s) could not be loaded",
                severity="warning",
                markup=False,
            )
        # the player will pick one: load the engine while they read
        self.set_timer(0.2, self.preload)

    def preload(self) -> None:
        def work() -> None:
            import engine.observe  # noqa: F401
            import scoring.debrief  # noqa: F401
            from engine.loader import load_scenario

            for card in self.scenarios[:1]:
                load_scenario(card.path)

        self.run_worker(work, thread=True, exclusive=True, group="preload")

    def load_saves(self) -> None:
        from simulator.saves import list_saves

        self.saves = list_saves(self.dapp.saves_folder)
        ol = self.query_one("#save-list", OptionList)
        ol.clear_options()
        if not self.saves:
            ol.add_option(Option(Text("No saved games yet.", style="dim"), disabled=True))
        for i, info in enumerate(self.saves):
            ol.add_option(Option(self.save_text(info), id=f"g{i}"))
        if self.saves:
            ol.highlighted = 0
        self.results: dict[Path, tuple[str, float]] = {}
        finished = [x for x in self.saves if x.phase == "ended" and not x.damaged]
        if finished:
            self.score_saves(finished)

    def save_text(self, info: SaveInfo) -> Text:
        t = Text("↻ " if info.parent else "")
        t.append(info.label)
        got = getattr(self, "results", {}).get(info.path)
        if got:
            result, points = got
            style = {"win": "green bold", "loss": "red bold"}.get(result, "yellow bold")
            t.append(f"  {result.upper()} {points:.1f}", style=style)
        t.append(f"\n  {info.updated}", style="dim")
        return t

    def score_saves(self, finished: list[SaveInfo]) -> None:
        """Replay the finished saves off the UI thread for their result and score."""
        dirs = self.dapp.scenario_dirs

        def work() -> None:
            out = {}
            for info in finished:
                got = finished_result(info.path, dirs)
                if got is not None:
                    out[info.path] = got
            self.app.call_from_thread(self.show_results, out)

        self.run_worker(work, thread=True, exclusive=True, group="save-results")

    def show_results(self, results: dict) -> None:
        if not self.is_mounted:
            return
        self.results.update(results)
        ol = self.query_one("#save-list", OptionList)
        for i, info in enumerate(self.saves):
            if info.path in results:
                ol.replace_option_prompt(f"g{i}", self.save_text(info))

    def action_delete_save(self) -> None:
        from simulator.screens.modals import ConfirmModal

        ol = self.query_one("#save-list", OptionList)
        if self.focused is not ol or ol.highlighted is None or not self.saves:
            self.notify("Highlight a saved game (Tab) to delete it.", timeout=3)
            return
        info = self.saves[ol.highlighted]

        def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                info.path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                self.notify(f"Not deleted: {exc.strerror or exc}", severity="error")
                return
            self.notify(f"Deleted {info.path.name}.", timeout=3, markup=False)
            self.load_saves()
            ol.focus()

        detail = f"{info.label}\n{info.path}\nThis cannot be undone."
        self.app.push_screen(ConfirmModal("Delete this saved game?", detail), done)

    def on_descendant_focus(self, event) -> None:
        """The detail panel follows the list that has the focus."""
        ol = event.widget
        if isinstance(ol, OptionList) and ol.highlighted is not None and ol.option_count:
            self.show_option(ol.get_option_at_index(ol.highlighted).id or "")

    def showing_list(self) -> OptionList:
        """The list the detail panel describes: the focused one (the scenarios at first)."""
        focused = self.focused
        if isinstance(focused, OptionList):
            return focused
        return self.query_one("#scenario-list", OptionList)

    def show_option(self, oid: str) -> None:
        if oid.startswith("s"):
            self.show_scenario(self.scenarios[int(oid[1:])])
        elif oid.startswith("g"):
            self.show_save(self.saves[int(oid[1:])])

    # ---- events -----------------------------------------------------------------------------

    def show_scenario(self, s: Card) -> None:
        t = Text()
        t.append(s.title + "\n", style="bold")
        t.append(s.difficulty, style=DIFFICULTY_STYLE.get(s.difficulty, ""))
        t.append(f" · {s.weeks} weeks · about {s.minutes} minutes")
        t.append(f" · {s.value:,} {s.currency}\n\n")
        t.append(s.summary + "\n")
        if s.tutorial:
            t.append("\nA guided deal: hints show you what to do at each step.\n", style="bold")
        if s.objectives:
            t.append("\nYou will practise\n", style="bold")
            for obj in s.objectives:
                t.append(f" • {obj}\n")
        t.append(f"\nCustomer: {s.customer}", style="dim")
        if s.industry:
            t.append(f" ({s.industry})", style="dim")
        self.query_one("#detail", Static).update(t)

    def show_save(self, info: SaveInfo) -> None:
        t = Text()
        if info.damaged:
            t.append(f"{info.path.name}\n", style="bold")
            t.append(f"This save is damaged ({info.damaged}); it cannot be resumed.\n")
            t.append(f"\n{info.path}", style="dim")
            self.query_one("#detail", Static).update(t)
            return
        t.append(info.title + "\n", style="bold")
        t.append(info.label + "\n\n")
        t.append(f"Last played {info.updated}\n{info.decisions} decisions so far\n")
        got = getattr(self, "results", {}).get(info.path)
        if got:
            t.append(f"Result: {got[0]}, score {got[1]:.1f}\n", style="bold")
        if info.parent:
            t.append(f"A replay of {Path(info.parent).name} from a week\n", style="dim")
        t.append(f"\n{info.path}", style="dim")
        self.query_one("#detail", Static).update(t)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """A move in the list the panel describes; a list refilled behind it (the saves,
        at start) leaves the panel alone."""
        if event.option_list is self.showing_list():
            self.show_option(event.option.id or "")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id or "")

    def action_choose(self) -> None:
        focused = self.focused
        if isinstance(focused, OptionList) and focused.highlighted is not None:
            self.choose(focused.get_option_at_index(focused.highlighted).id or "")

    def choose(self, oid: str) -> None:
        if oid.startswith("s"):
            from engine.loader import load_scenario
            from engine.problems import InputError

            card = self.scenarios[int(oid[1:])]
            try:
                scenario = load_scenario(card.path)
            except (InputError, OSError) as exc:
                msg = str(exc.problems[0]) if isinstance(exc, InputError) else str(exc)
                self.notify(msg, title="Cannot load", severity="error", markup=False)
                return
            self.dapp.new_game(scenario)
        elif oid.startswith("g"):
            self.resume(self.saves[int(oid[1:])])

    def action_join_workshop(self, server: str = "", problem: str = "", **given: str) -> None:
        from simulator.screens.join import JoinWorkshopModal

        self.app.push_screen(
            JoinWorkshopModal(server or self.dapp.workshop_server or "", problem, **given),
            self.join_workshop,
        )

    def join_workshop(self, request) -> None:
        """Take the seat off the UI thread (the server may be slow), then open the game."""
        if request is None:
            return

        def work() -> None:
            from engine.problems import InputError
            from simulator.app import workshop_session

            try:
                session = workshop_session(
                    request.code, request.team, server=request.server, passcode=request.passcode
                )
            except InputError as exc:
                msg = exc.problems[0].message if exc.problems else str(exc)
                self.app.call_from_thread(
                    self.action_join_workshop,
                    request.server or "",
                    msg,
                    code=request.code,
                    team=request.team,
                )
                return
            self.app.call_from_thread(self._open_workshop, session)

        self.run_worker(work, thread=True, exclusive=True, group="join")

    def _open_workshop(self, session) -> None:
        self.dapp.open_game(session)
        notice = session.meta.get("passcode_notice")
        if notice:
            self.notify(notice, title="Team passcode", timeout=60, markup=False)

    def resume(self, info: SaveInfo) -> None:
        from engine.problems import InputError
        from simulator.saves import Session

        if info.damaged:
            self.notify(
                f"{info.path.name}: {info.damaged}",
                title="Damaged save",
                severity="error",
                markup=False,
            )
            return

        from simulator import reload

        changed = reload.changed_save(info.path, self.dapp.scenario_dirs)
        if changed is not None:  # its scenario file was edited: offer the replay on it
            reload.offer_replay(self.dapp, info.path, *changed)
            return
        try:
            session = Session.resume(info.path, self.dapp.scenario_dirs)
        except InputError as exc:
            self.notify(
                str(exc.problems[0].message), title="Cannot resume", severity="error", markup=False
            )
            return
        self.dapp.open_game(session)


def finished_result(path: Path, dirs) -> tuple[str, float] | None:
    """(result, score) of the finished game saved at `path`, replayed without taking its
    lock; None when it cannot be replayed."""
    from engine.log import load_save
    from engine.problems import InputError
    from scoring.scorecard import score
    from simulator.saves import find_for_log

    try:
        log = load_save(path).log
        where = log.meta.get("scenario_path")
        scenario = find_for_log(log.scenario_id, where, list(dirs), log.content_hash)
        card = score(log.replay(scenario).trace()).game(0)
    except (InputError, OSError, ValueError):
        return None
    return card["result"], card["score"]
