"""A team's seat in a session: the player-side API the TUI uses (`TeamSession.step`)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence

from engine.decisions import (
    Decision,
    EndWeek,
    IllegalDecision,
    Inject,
    Shift,
    Start,
)
from engine.model import Scenario
from engine.state import GameState, new_game
from simulator.workshop.codes import (
    check_secret,
    check_team_name,
    key_hash,
    name_key,
    new_passcode,
    normalise_passcode,
)
from simulator.workshop.curveballs import (
    curveball_decision,
    curveball_list,
    due_for,
    session_due,
)
from simulator.workshop.records import (
    Held,
    SessionInfo,
    decode,
    encode,
    find_session,
    refuse,
    session_scenario,
)
from simulator.workshop.scripted import play_script, sync_log
from simulator.workshop.store import CurveballGone, LogConflict, StepSnapshot, Store, open_store

KINDS = ("player", "headless", "bot")
DELIVER_TRIES = 3  # reads of the curveballs for one decision while retractions race it


class TeamSession:
    """One team's seat in a session: the API the TUI uses for `dealcraft play --join`."""

    def __init__(self, store: Store, row: dict, scenario: Scenario, team: dict):
        self.store = store
        self._row = row
        self.scenario = scenario
        self.team_id: int = team["id"]
        self.team: str = team["name"]
        self.kind: str = team["kind"]
        self._n: int = team["n_decisions"]
        self.passcode: str | None = None  # set on the team's first join only (shown once)

    @property
    def code(self) -> str:
        return self._row["code"]

    @property
    def seed(self) -> int:
        return int(self._row["seed"])

    @property
    def content_hash(self) -> str:
        """The content hash of the scenario the session pinned (RemoteSeat has it too)."""
        return self._row["content_hash"]

    @property
    def session_name(self) -> str:
        return self._row["name"]

    def status(self) -> SessionInfo:
        """The session now (pause, hold, reveal), read fresh from the store."""
        self._row = find_session(self.store, self._row["code"])
        return SessionInfo.of(self._row)

    def log(self) -> list[Decision]:
        """This team's decisions so far, in order (to resume after a crash)."""
        bodies = self.store.log(self.team_id)
        self._n = len(bodies)
        try:
            return [decode(b) for b in bodies]
        except ValueError as exc:
            raise refuse("workshop", f"team '{self.team}' has a damaged log: {exc}") from None

    def resume(self) -> GameState:
        """The team's game as stored: a new game when nothing was played yet."""
        state = new_game(self.scenario, self.seed)
        for n, d in enumerate(self.log()):
            try:
                state = state.apply(d)
            except IllegalDecision as exc:
                raise refuse(
                    "workshop", f"team '{self.team}': stored decision {n + 1} ({d.kind}): {exc}"
                ) from None
        return state

    def append(self, *decisions: Decision) -> None:
        """Store decisions at the end of the log (low level: prefer `step`)."""
        try:
            self._n = self.store.append(self.team_id, self._n, [encode(d) for d in decisions])
        except LogConflict:
            raise refuse(
                "workshop",
                f"team '{self.team}' is being played somewhere else (its log moved on); "
                "join again to continue from where it is",
            ) from None

    def pending_curveballs(
        self, state: GameState, seen: StepSnapshot | None = None
    ) -> list[Inject | Shift]:
        """Curveballs the facilitator has injected (scenario events and custom shifts) that
        this game has not received yet, oldest first (as of `seen`, else read now)."""
        if state.is_over():
            return []
        if seen is None:
            events, shifts = self.store.all_curveballs(self._row["id"])
        else:
            events, shifts = seen.curveballs, seen.shifts
        got = sum(isinstance(d, Shift) for d in state.history)  # shifts arrive in order
        out = []
        for cb in curveball_list(self.scenario, events, shifts[got:]):
            if not due_for(cb, state.week):  # scheduled later: it and all after it wait
                break
            d = curveball_decision(cb)
            if isinstance(d, Shift) or state.why_illegal(d) is None:
                out.append(d)
        return out

    def may_end_week(self, week: int) -> bool:
        """False while paused, or while the facilitator holds teams at `week` (or earlier)."""
        return self.status().held_at(week) is None

    def hold_reason(
        self, state: GameState, decision: Decision | None = None, seen: StepSnapshot | None = None
    ) -> str | None:
        """Why pacing stops `decision` (or any decision) now, in the player's words; or None.
        Pacing is the store's (as of `seen`, else read now), whichever process set it."""
        if seen is None:
            info = self.status()
        else:
            self._row = seen.session
            info = SessionInfo.of(self._row)
        if info.paused or info.revealed:
            return info.held_at(state.week)
        if isinstance(decision, Start | EndWeek):
            return info.held_at(state.week)
        return None

    def step(
        self, state: GameState, decision: Decision, seen: StepSnapshot | None = None
    ) -> GameState:
        """Apply one player decision the workshop way and return the new state.

        Raises Held (an IllegalDecision) while paused or held, IllegalDecision when the
        rules refuse; nothing is stored then. Otherwise pending curveballs are applied
        first (they arrive at the start of the team's next week) and everything is
        appended to the log in one write, so the stored log replays to the returned state.
        `seen` (Store.step_snapshot, just read) saves the reads of pacing and curveballs.
        """
        if isinstance(decision, Inject | Shift):
            raise IllegalDecision(
                "curveballs and priority shifts come from the facilitator, not from a team"
            )
        if len(state.history) != self._n:
            raise refuse(
                "workshop",
                f"this game ({len(state.history)} decisions) is out of step with team "
                f"'{self.team}' ({self._n} stored); resume from the stored log",
            )
        why = self.hold_reason(state, decision, seen)
        if why:
            raise Held(why)
        return self._deliver(state, decision, self.pending_curveballs(state, seen))

    def _deliver(self, state: GameState, decision: Decision, injects: list) -> GameState:
        """Append the pending curveballs and `decision`; when the facilitator retracted one
        of them after it was read (the store refuses it), read the curveballs again."""
        for _ in range(DELIVER_TRIES):
            nxt = state
            for inj in injects:
                nxt = nxt.apply(inj)
            nxt = nxt.apply(decision)
            try:
                self.append(*injects, decision)
                return nxt
            except CurveballGone:
                injects = self.pending_curveballs(state)
        raise refuse("workshop", "the curveballs keep changing; try the decision again")

    def submit(
        self,
        decisions: Iterable[Decision],
        where: str = "plan",
        close: bool = False,
        at: Sequence[tuple[int, int]] = (),
    ) -> tuple[GameState, int]:
        """Store a scripted (headless) game: `decisions` replayed with the session's seed and
        curveballs (each arrives after the week it was injected at), as far as the hold
        allows (`close`: then the weeks left ended with no actions, as a plan is played).
        Returns the stored game and how many decisions were new. The stored log must be a
        prefix of the new game (re-running a plan extends it)."""
        info = self.status()
        if info.revealed:
            raise refuse("workshop", "the results are revealed: the workshop is read-only now")
        if info.paused:
            raise refuse("workshop", "the workshop is paused; submit after the facilitator resumes")
        _, due = session_due(self.store, self.scenario, info.id)
        played = play_script(
            self.scenario,
            info.seed,
            decisions,
            due,
            lambda w: info.held_at(w) is None,
            where,
            close=close,
            at=at,
        )
        n = sync_log(self.store, {"id": self.team_id, "name": self.team}, played, "workshop")
        self._n = len(played.history)
        return played, n

    def class_results(self):
        """Every team's results, once the facilitator has revealed them."""
        if not self.status().revealed:
            raise refuse("workshop", "the facilitator has not revealed the results yet")
        from simulator.workshop.results import Leaderboard

        return Leaderboard(self.store, self._row, self.scenario).refresh()


SEAT_KINDS = ("player", "headless")  # the teams a passcode guards (bots are the facilitator's)


def join(
    code: str,
    team: str,
    db: str | None = None,
    kind: str = "player",
    passcode: str | None = None,
    seat_id: int | None = None,
) -> TeamSession:
    """Take team `team`'s seat in session `code`: the authority's check, run where the store
    is (the workshop server, or the one laptop of an embedded workshop).

    The first join of a name creates the team and issues its passcode (on the returned
    seat's `passcode`, shown once; only a salted hash is stored); every later join of a
    player or headless team needs that passcode. Players normally join through
    `simulator.workshop.seats.join`, which keeps their passcodes on their computer.

    `seat_id`, the team id a player's computer kept with the passcode, finds a team the
    facilitator renamed: when no team has the name given, the join is that team's (its
    passcode checked as always), under its new name.
    """
    name = check_team_name(team)
    store = open_store(db)
    row = find_session(store, code)
    scenario = session_scenario(store, row)
    existing = store.team(row["id"], name_key(name))
    if existing is None and seat_id is not None and normalise_passcode(passcode):
        renamed = team_by_id(store, row["id"], seat_id)
        if renamed is not None and renamed["kind"] in SEAT_KINDS:
            existing = renamed
    if existing is None:
        if row["revealed"]:
            raise refuse("workshop", "this session's results are revealed; it takes no new teams")
        existing, created = store.ensure_team(row["id"], name, name_key(name), kind)
        if created:  # of several joins racing on one new name, only the creator notes it
            store.note(row["id"], f"team joined: {name}")
    if existing["kind"] != kind:
        raise refuse(
            "team",
            f"'{existing['name']}' is a {existing['kind']} team in this session; pick another name",
        )
    seat = TeamSession(store, row, scenario, existing)
    if kind in SEAT_KINDS:
        seat.passcode = _check_seat(store, existing, passcode)
    return seat


def team_by_id(store: Store, session_id: int, team_id: int) -> dict | None:
    """The team row with id `team_id` in the session, or None (one read): a team keeps
    its id when the facilitator renames it."""
    from sqlalchemy import select

    from simulator.workshop.store import teams

    def fn(conn):
        q = select(teams).where(teams.c.session_id == session_id, teams.c.id == team_id)
        row = conn.execute(q).mappings().first()
        return dict(row) if row else None

    return store.read(fn)


def _check_seat(store: Store, team: dict, passcode: str | None) -> str | None:
    """The passcode just issued to `team` (its first join), or None after checking the
    given one; refuses a missing or wrong passcode."""
    stored = store.seat(team["id"])
    if stored is None:
        new = new_passcode()
        salt = secrets.token_hex(16)
        if store.claim_seat(team["id"], salt, key_hash(salt, normalise_passcode(new))):
            return new
        stored = store.seat(team["id"])  # another join claimed it a moment ago
    given = normalise_passcode(passcode)
    if not given:
        raise refuse(
            "team",
            f"team '{team['name']}' has already joined; to take its seat give the team "
            "passcode shown at its first join, or pick another team name",
            code="workshop.seat",
        )
    if stored is None or not check_secret(stored[0], stored[1], given):
        raise refuse("team", f"wrong passcode for team '{team['name']}'", code="workshop.seat")
    return None
