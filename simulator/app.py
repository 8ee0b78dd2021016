"""The Dealcraft terminal app: a Textual view over the engine's game state.

`dealcraft` and `dealcraft play ...` land in `cmd_play`. The app holds one
`Session` (engine state + its save file); screens render the state and send
decisions through the session, which writes the save after every one.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
from collections import deque
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from threading import Thread
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal
from textual.theme import Theme

from simulator import textual_fixes  # noqa: F401 - guards a Textual bug before any list
from simulator.terminal import exit_on_signals, stop, terminal_alive, terminal_fd

if TYPE_CHECKING:
    from engine.decisions import Decision
    from engine.model import Scenario
    from simulator.saves import Session

STYLES = Path(__file__).parent / "styles"

THEMES = [
    Theme(
        name="dealcraft",
        primary="#4FA3D9",
        secondary="#7A8FA6",
        accent="#F2A541",
        warning="#F2A541",
        error="#E0605E",
        success="#5FB878",
        background="#14181F",
        surface="#1C222B",
        panel="#26303B",
        foreground="#E4E8EE",
        dark=True,
    ),
    Theme(
        name="dealcraft-light",
        primary="#1F6FA8",
        secondary="#53657A",
        accent="#B36B00",
        warning="#B36B00",
        error="#B3261E",
        success="#2E7D32",
        background="#F6F7F9",
        surface="#FFFFFF",
        panel="#E3E7ED",
        foreground="#1B1F24",
        dark=False,
    ),
]
THEME_CYCLE = ["dealcraft", "dealcraft-light", "textual-dark", "nord", "gruvbox"]


def warm_up_engine() -> None:
    """Load the compiled rules, bots and scoring loops (simulator.warm) so that the
    trainee's first End Week and the debrief's comparison do not wait for numba. A failure
    here only means the first use loads them."""
    try:
        from simulator.warm import warm

        warm()
    except Exception:  # best effort, in a background thread
        return


class DealcraftApp(App):
    """The game. Pass `session` to open a game at once, `scenario` to start a new one."""

    TITLE = "Dealcraft"
    CSS_PATH = [STYLES / "app.tcss", STYLES / "screens.tcss"]
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("question_mark", "help", "Help", show=False, id="app.help_alt"),
        Binding("ctrl+s", "save", "Save", show=False, id="app.save"),
        Binding("ctrl+t", "next_theme", "Theme", show=False, id="app.next_theme"),
        Binding("ctrl+r", "reload_scenario", "Reload", show=False, id="app.reload_scenario"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        *,
        session: Session | None = None,
        scenario: Scenario | None = None,
        seed: int | None = None,
        scenario_dirs: Iterable[Path] = (),
        saves_folder: Path | None = None,
        workshop_server: str | None = None,
        on_start: Callable[[App], None] | None = None,
    ) -> None:
        super().__init__()
        self.on_start = on_start  # run once mounted: a scenario watcher, a replay offer
        self.workshop_server = workshop_server  # the picker's "Join workshop" default
        self.session: Session | None = session
        self.start_scenario = scenario
        self.seed = seed
        self.scenario_dirs = [Path(d) for d in scenario_dirs]
        self.saves_folder = saves_folder
        self.compare_with: Session | None = None  # the run a replay branched from
        self.keys: dict[str, str] = {}  # binding id -> keys, from the player's settings
        self.typed_ahead: deque[events.Key] = deque()  # keys held for a screen still opening
        self.decision_applied: Signal = Signal(self, "decision-applied")  # DecisionApplied
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = "dealcraft"  # before the first style pass: switching later re-styles all

    def refresh_css(self, animate: bool = True) -> None:
        """As Textual's, except for the theme set in __init__: Textual re-parses every style
        sheet in a fresh copy and throws its parse cache away, so the picker's first frame
        waited for two full parses; before any screen exists one parse in place does."""
        if self.screen_stack:
            super().refresh_css(animate)
            return
        self.stylesheet.set_variables(self.get_css_variables())
        self.stylesheet.parse()
        self.stylesheet.update(self, animate=animate)

    # ---- keys typed ahead --------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Hold the keys that arrive while the top screen is still being built, and hand them
        on in order once it is up: a key typed ahead is never lost on a screen without focus."""
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and (self.typed_ahead or not self.screen.is_mounted)
        ):
            self.typed_ahead.append(event)
            if len(self.typed_ahead) == 1:
                self._release_when_mounted()
            return
        await super().on_event(event)

    def _release_when_mounted(self) -> None:
        screen = self.screen

        async def wait() -> None:
            try:
                await asyncio.wait_for(screen._mounted_event.wait(), 2.0)  # noqa: SLF001
            except TimeoutError:
                pass  # a screen that never came up: the keys go to whatever is on top
            self.call_next(self._release_typed_ahead)

        self._release_task = asyncio.get_running_loop().create_task(wait())

    async def _release_typed_ahead(self) -> None:
        """One held key, then the next after whatever it set off (a dialog's answer) ran."""
        if not self.typed_ahead:
            return
        if not self.screen.is_mounted:
            self._release_when_mounted()
            return
        await super().on_event(self.typed_ahead.popleft())
        if self.typed_ahead:
            self.call_next(self._release_typed_ahead)

    # ---- decisions ---------------------------------------------------------------------------

    def apply_decision(self, decision: Decision) -> str | None:
        """The one way a screen changes the game: the session applies and saves `decision`
        (or returns the engine's reason), then every game screen hears DecisionApplied."""
        from simulator.screens.base import DecisionApplied

        assert self.session is not None
        reason = self.session.apply(decision)
        if reason is None:
            self.decision_applied.publish(DecisionApplied(decision, self.session.state))
        return reason

    # ---- start-up and navigation ------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The picker is the bottom of the stack: every game screen sits above it."""
        from simulator.screens.registry import make

        return make("picker")

    def showing(self) -> str | None:
        """The registered name of the screen on top (None for a dialog)."""
        from simulator.screens.registry import name_of

        return name_of(self.screen)

    def apply_settings(self) -> None:
        """The player's theme and key map from their settings file (defaults if it is bad,
        with the one line that says why)."""
        from engine.problems import InputError
        from simulator import settings

        try:
            prefs = settings.load()
        except InputError as exc:
            self.notify(str(exc), title="Settings not applied", severity="warning", markup=False)
            return
        if prefs.theme in self.available_themes:
            self.theme = prefs.theme
        if prefs.keys:
            self.keys = dict(prefs.keys)
            self.set_keymap(prefs.keys)

    def on_mount(self) -> None:
        self.apply_settings()
        if not self.is_headless:  # a second after the first paint, off the event loop; not
            # a daemon, so an exit waits for it rather than freeze it holding LLVM's lock
            # (the interpreter's finalizers would then wait for that lock for ever)
            self.set_timer(1.0, lambda: Thread(target=warm_up_engine, daemon=False).start())
        if terminal_fd() is not None:
            self.set_interval(2.0, self._check_terminal)
            exit_on_signals(self)
        if self.session is not None:
            self.open_game(self.session)
            notice = self.session.meta.get("passcode_notice")
            if notice:
                self.notify(notice, title="Team passcode", timeout=60, markup=False)
        elif self.start_scenario is not None:
            self.new_game(self.start_scenario)
        if self.on_start is not None:
            self.on_start(self)

    def _check_terminal(self) -> None:
        """Quit when the terminal has gone away (a closed window or a dropped session),
        rather than spin with nobody watching; every decision is already saved."""
        if not terminal_alive(terminal_fd()):
            stop(self)

    def new_game(self, scenario: Scenario, seed: int | None = None) -> None:
        """Start `scenario`; when games cannot be saved here, say why and offer to play
        without saving (or go back to the picker)."""
        from simulator.saves import Session, saves_dir, unwritable
        from simulator.screens.modals import ConfirmModal

        seed = self.seed if seed is None else seed
        why = unwritable(self.saves_folder or saves_dir())
        if why is None:
            self.open_game(Session.new(scenario, seed, self.saves_folder))
            return

        def answer(unsaved: bool | None) -> None:
            if unsaved:
                self.open_game(Session.new(scenario, seed, save=False))

        self.push_screen(
            ConfirmModal(
                f"{why[0].upper()}{why[1:]}.",
                "Play this game without saving it? (n goes back to the scenarios)",
            ),
            answer,
        )

    def open_game(self, session: Session, compare_with: Session | None = None) -> None:
        """Show `session` on the screen its phase calls for (above the picker)."""
        self.to_picker(refresh=False)
        from simulator.screens.registry import SIDE

        for name in SIDE:
            if self.is_screen_installed(name):
                self.uninstall_screen(name)
        self.session = session
        self.compare_with = compare_with
        if getattr(session, "team", None) is not None:  # a workshop seat: show its state
            from simulator.workshop.strip import attach

            attach(self)
        self.push_screen(self.screen_for_phase())

    def show_side(self, name: str) -> None:
        """Push a screen the week view visits often, built once per game and kept mounted
        so coming back is instant."""
        from simulator.screens.registry import make

        if not self.is_screen_installed(name):
            self.install_screen(make(name), name)
        self.push_screen(name)

    def screen_for_phase(self) -> Screen:
        from simulator.screens.registry import make

        assert self.session is not None
        state = self.session.state
        if state.phase == "ended":
            return make("debrief")
        if state.phase == "week":
            return make("week")
        return make("staffing" if state.history else "briefing")

    def to_picker(self, refresh: bool = True) -> None:
        while len(self.screen_stack) > 1 and self.showing() != "picker":
            self.pop_screen()
        if refresh and self.showing() == "picker":
            self.screen.load_saves()  # type: ignore[attr-defined]

    # ---- app-wide actions -------------------------------------------------------------------

    def action_help(self) -> None:
        from simulator.screens.registry import make

        if self.showing() != "help":
            self.push_screen(make("help", self.screen))

    def action_save(self) -> None:
        if self.session is not None and self.session.meta.get("workshop"):
            self.notify("Workshop games are stored with the session after every decision.")
            return
        if self.session is None or self.session.path is None:
            self.notify("No game in progress to save.", severity="warning")
            return
        from simulator.saves import cannot_save

        try:
            path = self.session.save()
        except OSError as exc:
            self.notify(cannot_save(exc), title="Not saved", severity="error", markup=False)
            return
        self.notify(f"Saved to {path}", title="Game saved", markup=False)

    def action_next_theme(self) -> None:
        names = [n for n in THEME_CYCLE if n in self.available_themes]
        i = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(i + 1) % len(names)]
        self.notify(f"Theme: {self.theme}", timeout=2, markup=False)
        from simulator import settings

        try:
            settings.save_theme(self.theme)
        except OSError:
            pass  # a read-only config folder: the theme holds for this run

    def action_end_week(self) -> None:
        if self.showing() == "week":
            self.screen.action_end_week()  # type: ignore[attr-defined]
        else:
            self.notify("End the week from the week view.", severity="warning")

    def action_debrief(self) -> None:
        from simulator.screens.registry import make

        if self.session is None:
            return
        if not self.session.state.is_over():
            self.notify(
                "The debrief opens when the deal closes; this is the score so far.",
                timeout=4,
            )
        if self.showing() != "debrief":
            self.push_screen(make("debrief"))

    def action_progress(self) -> None:
        from simulator.screens.registry import make

        if self.showing() != "progress":
            self.push_screen(make("progress"))

    def record_progress(self) -> None:
        """Add the finished game to the player's progress (a derived record: a failure to
        write it is reported, the game itself is safe in its save)."""
        from simulator import progress
        from simulator.saves import home_dir

        if self.session is None or not self.session.state.is_over():
            return
        try:
            progress.record(self.session.state, home_dir())
        except OSError as exc:
            self.notify(f"Progress not recorded: {exc.strerror or exc}", severity="warning")

    def action_timeline(self) -> None:
        """Open the designer's timeline of the scenario in hand: the one highlighted in the
        picker, else the current game's (with the game's seed)."""
        from simulator.screens.registry import make

        if self.showing() == "timeline":
            return
        scenario, seed, week = self._picked_scenario(), None, 0
        if scenario is None and self.session is not None:
            state = self.session.state
            scenario, seed, week = state.scenario, state.seed, state.week
            if self.session.meta.get("workshop"):  # the session's seed is the facilitator's
                seed = None
        if scenario is None:
            self.notify("Highlight a scenario or open a game first.", severity="warning")
            return
        self.push_screen(make("timeline", scenario, seed, week))

    def action_reload_scenario(self) -> None:
        """Read the game's scenario file again and replay the game on it (simulator.reload)."""
        from simulator import reload

        reload.reload_now(self)

    def _picked_scenario(self) -> Scenario | None:
        from engine.loader import load_scenario
        from engine.problems import InputError

        picker = self.screen
        if self.showing() != "picker":
            return None
        index = picker.query_one("#scenario-list").highlighted
        if index is None or not 0 <= index < len(picker.scenarios):
            return None
        try:
            return load_scenario(picker.scenarios[index].path)
        except (InputError, OSError):
            return None

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Progress", "Your level per practice across your games", self.action_progress
        )
        yield SystemCommand("Help", "Explain the current screen and its keys", self.action_help)
        yield SystemCommand(
            "Switch theme", "Cycle through the colour themes", self.action_next_theme
        )
        yield SystemCommand("Scenario picker", "Back to the list of deals", self.to_picker)
        yield SystemCommand(
            "Scenario timeline",
            "Designer's view: events, joiners, milestones and hidden priorities by week",
            self.action_timeline,
        )
        if self.session is not None:
            yield SystemCommand("Save game", "Write the save file now", self.action_save)
            yield SystemCommand(
                "Reload scenario",
                "Read the scenario file again and replay this game on it (ctrl+r)",
                self.action_reload_scenario,
            )
            if self.session.state.phase == "week":
                yield SystemCommand(
                    "End week", "Resolve this week and start the next", self.action_end_week
                )
            yield SystemCommand(
                "Open debrief", "The scorecard and what drove it", self.action_debrief
            )


def _usage_error(message: str):
    from engine.problems import InputError

    return InputError.at("dealcraft play", "play.start", message)


def workshop_session(
    code: str,
    team: str,
    server: str | None = None,
    db: str | None = None,
    passcode: str | None = None,
):
    """A WorkshopSession: the team's seat (through the server, or the local store) with
    the stored game. A passcode issued by this join is on meta["passcode_notice"]."""
    from simulator.saves import WorkshopSession
    from simulator.workshop.seats import join, keep_passcode, passcode_notice, where_of

    seat = join(code, team, db=db, server=server, passcode=passcode, announce=False)
    if passcode and not seat.passcode:
        keep_passcode(where_of(server, db), seat.code, seat.team, passcode)
    meta = {"title": seat.scenario.title, "workshop": seat.code, "team": seat.team}
    if seat.passcode:
        meta["passcode_notice"] = passcode_notice(seat.team, seat.passcode, True)
    session = WorkshopSession(seat.resume(), None, meta)
    session.team = seat
    return session


def join_workshop(args: argparse.Namespace):
    """`play --join CODE --team NAME [--server URL | --db URL]`: the WorkshopSession.

    The team passcode comes from $DEALCRAFT_TEAM_PASSCODE (browser seats set it), else
    the one this computer kept, else a prompt when the team already has one.
    """
    import os
    import sys

    from engine.problems import InputError
    from simulator.serve import PASSCODE_ENV

    server, db = getattr(args, "server", None), getattr(args, "db", None)
    given = os.environ.get(PASSCODE_ENV) or None
    try:
        session = workshop_session(args.join, args.team, server, db, given)
    except InputError as exc:
        if exc.codes != ["workshop.seat"] or given or not sys.stdin.isatty():
            raise
        import getpass

        print(exc.problems[0].message, file=sys.stderr)
        given = getpass.getpass(f"Team passcode for '{args.team}': ").strip()
        session = workshop_session(args.join, args.team, server, db, given)
    if session.meta.get("passcode_notice"):
        print(session.meta["passcode_notice"], file=sys.stderr)
    return session


def cmd_play(args: argparse.Namespace) -> int:
    """`dealcraft play [SCENARIO] [--seed N] [--resume SAVE] [--scenarios DIR]`."""
    from simulator.saves import Session, saves_dir

    extra = [Path(d) for d in (getattr(args, "scenarios", None) or [])]
    for d in extra:
        if not d.is_dir():
            raise _usage_error(f"--scenarios {d}: not a folder")
    from simulator import warp

    problem = warp.usage_problem(args)
    if problem:
        print(f"dealcraft play: error: {problem}", file=sys.stderr)
        return 2
    session = scenario = on_start = None
    resume = getattr(args, "resume", None)
    if getattr(args, "warp", None) is not None:
        from engine.loader import find_scenario

        session = warp.warp_session(args, find_scenario(args.scenario, extra))
    elif getattr(args, "join", None):
        if not getattr(args, "team", None):
            raise _usage_error('--join needs your team\'s name: --team "NAME"')
        session = join_workshop(args)
    elif resume:
        path = Path(resume)
        if not path.exists() and (saves_dir() / path.name).exists():
            path = saves_dir() / path.name
        if not path.exists():
            raise _usage_error(f"--resume {resume}: no such save file")
        from simulator import reload

        changed = reload.changed_save(path, extra)
        if changed is not None:  # an edited scenario: offer the replay instead of refusing
            on_start = partial(reload.offer_replay, save=path, log=changed[0], scenario=changed[1])
        else:
            session = Session.resume(path, extra)
    elif getattr(args, "scenario", None):
        from engine.loader import find_scenario

        scenario = find_scenario(args.scenario, extra)
    if getattr(args, "watch", False):
        from simulator import reload

        on_start = reload.watch_hook(args, session, scenario, on_start)
    app = DealcraftApp(
        session=session,
        scenario=scenario,
        seed=getattr(args, "seed", None),
        scenario_dirs=extra,
        workshop_server=getattr(args, "server", None),
        on_start=on_start,
    )
    # What is loaded by now (Textual, the app's modules) lives as long as the process: out of
    # the collector's sight, a full collection no longer walks it (one cost ~20 ms just
    # before the picker's first paint, and would again in mid-game)
    gc.freeze()
    app.run()
    return app.return_code or 0  # non-zero after a crash (1) or a stop signal (128 + n)
