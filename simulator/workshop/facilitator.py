"""The facilitator's side: create a session, then pace it, inject curveballs, add bots
and reveal (every action behind the facilitator key)."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from engine.loader import find_scenario
from engine.model import Event, Scenario
from engine.problems import InputError
from simulator.workshop.codes import (
    check_team_name,
    key_hash,
    name_key,
    new_code,
    new_key,
)
from simulator.workshop.curveballs import (
    check_shift,
    check_signal,
    curveball_list,
    session_due,
    shift_label,
)
from simulator.workshop.records import (
    SessionInfo,
    find_session,
    refuse,
    session_scenario,
)
from simulator.workshop.scripted import catch_up, play_bot, sync_log
from simulator.workshop.store import ConsoleStore, Store, open_store

BOT_POLICIES = ("expert", "random")


def create_session(
    scenario_name: str, name: str | None = None, seed: int | None = None, db: str | None = None
) -> tuple[SessionInfo, str]:
    """Create a session; return it and the facilitator key (shown once, stored hashed)."""
    scenario = find_scenario(scenario_name)
    p = Path(scenario_name)
    ref = str(p.resolve()) if p.exists() else scenario_name
    yaml_text = Path(scenario.source).read_text(encoding="utf-8")
    name = (name or scenario.title).strip()[:80] or scenario.title
    if not name.isprintable():
        raise refuse("--name", "session names may use printable characters only")
    if seed is None:  # the whole store range: no trainee can try every seed (docs/workshop.md)
        seed = secrets.randbelow(2**63)
    store = open_store(db)
    key = new_key()
    salt = secrets.token_hex(16)
    for _ in range(20):
        code = new_code()
        if not store.code_taken(code):
            break
    else:  # pragma: no cover - 2^30 codes
        raise refuse("workshop", "could not find a free join code; try again")
    store.add_session(
        code=code,
        name=name,
        scenario_ref=ref,
        scenario_id=scenario.id,
        content_hash=scenario.content_hash,
        scenario_yaml=yaml_text,
        seed=int(seed),
        key_salt=salt,
        key_hash=key_hash(salt, key),
        hold_week=None,
        paused=False,
        revealed=False,
    )
    row = find_session(store, code)
    store.note(row["id"], f"session created: {scenario.title}")
    return SessionInfo.of(row), key


def facilitate(code: str, key: str | None, db: str | None = None) -> Facilitator:
    """The facilitator's handle on session `code`; InputError unless `key` is its key."""
    store = open_store(db)
    row = find_session(store, code)
    if not key:
        raise refuse(
            "workshop",
            "this needs the facilitator key: $DEALCRAFT_FACILITATOR_KEY, --key-file FILE "
            "or the prompt",
            code="workshop.key",
        )
    if not hmac.compare_digest(key_hash(row["key_salt"], key), row["key_hash"]):
        raise refuse("workshop", f"wrong facilitator key for session {row['code']}", "workshop.key")
    return Facilitator(store, row, session_scenario(store, row))


def peek(code: str, db: str | None = None) -> tuple[Store, dict, Scenario]:
    """Read-only access to a session by its join code (the public leaderboard)."""
    store = open_store(db)
    row = find_session(store, code)
    return store, row, session_scenario(store, row)


class Facilitator:
    """Pacing, curveballs, bots and the reveal for one session (the key was checked)."""

    def __init__(self, store: Store, row: dict, scenario: Scenario):
        self.store = store
        self._row = row
        self.scenario = scenario
        self._board = None
        self._bot_marks: dict[int, tuple] = {}

    @property
    def id(self) -> int:
        return self._row["id"]

    @property
    def info(self) -> SessionInfo:
        return SessionInfo.of(self._row)

    def reload(self) -> SessionInfo:
        self._row = find_session(self.store, self._row["code"])
        return self.info

    def earlier_classes(self) -> list:
        """This class against earlier ones: history.ClassSummary per earlier revealed
        session of the same scenario (class figures only, never another class's teams)."""
        from simulator.workshop.history import compare

        return compare(self.store, self.reload())

    def leaderboard(self):
        """The session's Leaderboard (cached per team by log length)."""
        from simulator.workshop.results import Leaderboard

        if self._board is None:
            self._board = Leaderboard(self.store, self._row, self.scenario)
        self._board.row = self._row
        return self._board

    def curveball_events(self) -> list[Event]:
        return [e for e in self.scenario.events if e.curveball]

    def injected(self) -> list[dict]:
        """The scenario curveballs injected so far (store rows: event, after_week)."""
        return self.store.curveballs(self.id)

    def shifts(self) -> list[dict]:
        """The custom shifts so far (store rows: stakeholder, weights, after_week)."""
        return self.store.shifts(self.id)

    def curveballs(self) -> list[dict]:
        """Every curveball so far, scenario events and custom shifts, oldest first
        (see `curveball_list`)."""
        return curveball_list(self.scenario, *self.store.all_curveballs(self.id))

    def _current_week(self) -> int:
        """The furthest week a player team has reached (any team when there are none)."""
        rows = [r for r in self.leaderboard().refresh() if not r.error]
        players = [r.week for r in rows if r.kind == "player"]
        return max(players or [r.week for r in rows] or [0])

    def inject(self, event_id: str, week: int | None = None, at_week: int | None = None) -> int:
        """Inject a curveball into every team's game; the week it arrives after for
        scripted teams (players get it at their next week). Returns that week.

        `at_week` schedules it instead: it arrives in that week for every team (players
        take it during the week before; scripted teams after that week), and it can be
        retracted until a team has taken it."""
        ids = [e.id for e in self.curveball_events()]
        if event_id not in ids:
            avail = ", ".join(ids) or "none"
            raise refuse(
                "inject",
                f"'{event_id}' is not a curveball of scenario '{self.scenario.id}' "
                f"(curveballs: {avail})",
            )
        if at_week:
            week = self._scheduled_week(at_week, "inject")
        week = self._arrival_week(week, "inject")
        if not self.store.add_curveball(self.id, event_id, int(week)):
            raise refuse("inject", f"curveball '{event_id}' was already injected in this session")
        name = next(e.name for e in self.curveball_events() if e.id == event_id)
        if at_week:
            console = ConsoleStore(self.store)
            console.plan(self.id, "event", console.curveball_id(self.id, event_id), at_week, None)
            self.store.note(self.id, f"curveball scheduled: {name} (arrives in week {at_week})")
        else:
            self.store.note(self.id, f"curveball injected: {name} (after week {week})")
        self.advance_bots()
        return int(week)

    def _arrival_week(self, week: int | None, where: str) -> int:
        """The week a new curveball arrives after for scripted teams: `week`, else the
        hold week, else the furthest week a player team has reached."""
        info = self.reload()
        if week is None:
            week = info.hold_week if info.hold_week is not None else self._current_week()
        if week < 0 or week > self.scenario.deal.weeks:
            raise refuse(where, f"--week must lie in 0-{self.scenario.deal.weeks}")
        return int(week)

    def shift(
        self,
        stakeholder: str,
        weights: dict,
        week: int | None = None,
        at_week: int | None = None,
        signal: str | None = None,
    ) -> int:
        """Inject a custom priority shift on one stakeholder into every team's game: from
        the start of each team's next week the stakeholder's priorities are `weights`
        (dimension id -> 0-100; relative, missing dimensions 0). Players get it at their
        next decision, scripted teams after the returned week (as `inject`). `at_week`
        schedules it (as `inject`); `signal` is what the teams hear when it arrives."""
        weights = check_shift(self.scenario, stakeholder, weights)
        signal = check_signal(signal)
        if at_week:
            week = self._scheduled_week(at_week, "shift")
        week = self._arrival_week(week, "shift")
        row_id = self.store.add_shift(self.id, stakeholder, weights, week)
        if at_week or signal:
            ConsoleStore(self.store).plan(self.id, "shift", row_id, at_week or None, signal)
        n = [r["id"] for r in self.store.shifts(self.id)].index(row_id) + 1
        label = shift_label(self.scenario, stakeholder, weights, n)
        when = f"arrives in week {at_week}" if at_week else f"after week {week}"
        verb = "scheduled" if at_week else "injected"
        self.store.note(self.id, f"custom shift {verb}: {label} ({when})")
        self.advance_bots()
        return week

    def _scheduled_week(self, at_week: int, where: str) -> int:
        """The week scripted teams get a curveball scheduled for `at_week` (the week before);
        refuses a week outside the deal or one a team has already reached."""
        weeks = self.scenario.deal.weeks
        if not 1 <= at_week <= weeks:
            raise refuse(where, f"--at-week must lie in 1-{weeks}", code="workshop.input")
        reached = self._current_week()
        if at_week <= reached:
            raise refuse(
                where,
                f"a team is already in week {reached}: schedule for week {reached + 1} or "
                "later, or inject it now",
                code="workshop.input",
            )
        return at_week - 1

    def retract(self, key: str) -> str:
        """Withdraw curveball `key` (an event id, or shift-N) before any team has taken it;
        its name. A later custom shift takes its number."""
        cb = next((c for c in self.curveballs() if c["key"] == key), None)
        if cb is None:
            keys = ", ".join(c["key"] for c in self.curveballs()) or "none"
            raise refuse("retract", f"no curveball '{key}' in this session (curveballs: {keys})")
        done = ConsoleStore(self.store).retract(self.id, cb["kind"], cb["id"])
        taken = done.taken_by
        if taken:
            raise refuse(
                "retract",
                f"'{cb['name']}' has reached {len(taken)} team(s) already "
                f"({', '.join(taken[:3])}{'…' if len(taken) > 3 else ''}); it cannot be retracted",
            )
        if not done.done:
            raise refuse("retract", f"'{cb['name']}' was retracted already")
        self.store.note(self.id, f"curveball retracted: {cb['name']}")
        self._bot_marks.clear()
        return cb["name"]

    def _set(self, note: str, advance: bool = True, **values) -> None:
        """Store new session `values`, log `note`, reload; then let bots catch up."""
        self.store.set_session(self.id, **values)
        self.store.note(self.id, note)
        self.reload()
        if advance:
            self.advance_bots()

    def hold(self, week: int) -> None:
        if week < 0 or week > self.scenario.deal.weeks:
            raise refuse("hold", f"--week must lie in 0-{self.scenario.deal.weeks}")
        self._set(f"teams held at week {week}", hold_week=int(week))

    def release(self) -> None:
        self._set("hold released", hold_week=None)

    def pause(self) -> None:
        self._pace(True)

    def resume(self) -> None:
        self._pace(False)

    def _pace(self, paused: bool) -> None:
        """Pause or resume; a running round's clock stops for the pause and its deadline
        moves on by the pause's length at the resume (rounds.Rounds.set_paused)."""
        from simulator.workshop.rounds import clock_text, local_rounds

        gap = local_rounds(self).set_paused(self.id, paused)
        if gap is not None:
            note = "workshop paused" if paused else "workshop resumed"
            if gap:
                note += f" (the round gets {clock_text(gap)} back)"
            self.store.note(self.id, note)
        self.reload()
        if not paused:
            self.advance_bots()

    def reveal(self) -> None:
        self._set("results revealed", advance=False, revealed=True)

    def add_bot(self, policy: str = "expert", name: str | None = None) -> str:
        """Add a bot team (the benchmark); it keeps pace with the class."""
        if policy not in BOT_POLICIES:
            raise refuse(
                "--policy", f"unknown bot policy '{policy}'; use {', '.join(BOT_POLICIES)}"
            )
        name = check_team_name(name or f"Bot ({policy})")
        _, created = self.store.ensure_team(self.id, name, name_key(name), "bot", policy)
        if not created:  # a team (or a racing add-bot) has the name: refuse, never adopt it
            raise refuse("team", f"there is already a team called '{name}'")
        self.store.note(self.id, f"bot team added: {name}")
        self._bot_marks.clear()
        self.advance_bots()
        return name

    def bot_target(self, rows=None) -> int | None:
        """How far bots may play: the week the leading live player team is in (bots wait
        before ending it); None for no limit when no player team is still playing."""
        if rows is None:
            rows = self.leaderboard().refresh()
        live = [r.week for r in rows if r.kind == "player" and not r.over and not r.error]
        return max(live) if live else None

    def advance_bots(self, rows=None) -> int:
        """Bring every bot's log up to pace; the number of decisions appended.

        `rows` (the leaderboard just computed) saves a refresh when the board calls this.
        """
        info = self.reload()
        bots = [t for t in self.store.team_counts(self.id) if t.kind == "bot"]
        if not bots or info.paused or info.revealed:
            return 0
        target = self.bot_target(rows)
        cbs, injects = session_due(self.store, self.scenario, self.id)

        def may_end(w: int) -> bool:
            return info.held_at(w) is None and (target is None or w < target)

        added = 0
        for bot in bots:
            mark = (target, info.hold_week, len(cbs), bot.n_decisions)
            if self._bot_marks.get(bot.id) == mark:
                continue
            due = catch_up(self.scenario, info.seed, injects, self.store.log(bot.id))
            if due is None:  # the bot's deal is over: a late curveball never reaches it
                self._bot_marks[bot.id] = mark
                continue
            state = play_bot(self.scenario, info.seed, bot.policy or "expert", due, may_end)
            try:
                added += sync_log(self.store, {"id": bot.id, "name": bot.name}, state, "bot")
            except InputError:  # another server advanced this bot meanwhile: its log is ours
                self._bot_marks.pop(bot.id, None)
                continue
            self._bot_marks[bot.id] = (target, info.hold_week, len(cbs), len(state.history))
        return added
