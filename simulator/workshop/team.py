"""A team's seat in a session: the player-side API the TUI uses (`TeamSession.step`)."""

from __future__ import annotations

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
from simulator.workshop.codes import check_team_name, name_key
from simulator.workshop.curveballs import curveball_decision, curveball_list
from simulator.workshop.records import (
    Held,
    SessionInfo,
    decode,
    encode,
    find_session,
    refuse,
    session_scenario,
)
from simulator.workshop.store import LogConflict, Store, open_store

KINDS = ("player", "headless", "bot")


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

    @property
    def code(self) -> str:
        return self._row["code"]

    @property
    def seed(self) -> int:
        return int(self._row["seed"])

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

    def pending_curveballs(self, state: GameState) -> list[Inject | Shift]:
        """Curveballs the facilitator has injected (scenario events and custom shifts) that
        this game has not received yet, oldest first."""
        if state.is_over():
            return []
        events, shifts = self.store.all_curveballs(self._row["id"])
        got = sum(isinstance(d, Shift) for d in state.history)  # shifts arrive in order
        out = []
        for cb in curveball_list(self.scenario, events, shifts[got:]):
            d = curveball_decision(cb)
            if isinstance(d, Shift) or state.why_illegal(d) is None:
                out.append(d)
        return out

    def may_end_week(self, week: int) -> bool:
        """False while paused, or while the facilitator holds teams at `week` (or earlier)."""
        return self.status().held_at(week) is None

    def hold_reason(self, state: GameState, decision: Decision | None = None) -> str | None:
        """Why pacing stops `decision` (or any decision) now, in the player's words; or None."""
        info = self.status()
        if info.paused:
            return info.held_at(state.week)
        if isinstance(decision, Start | EndWeek):
            return info.held_at(state.week)
        return None

    def step(self, state: GameState, decision: Decision) -> GameState:
        """Apply one player decision the workshop way and return the new state.

        Raises Held (an IllegalDecision) while paused or held, IllegalDecision when the
        rules refuse; nothing is stored then. Otherwise pending curveballs are applied
        first (they arrive at the start of the team's next week) and everything is
        appended to the log in one write, so the stored log replays to the returned state.
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
        why = self.hold_reason(state, decision)
        if why:
            raise Held(why)
        injects = self.pending_curveballs(state)
        nxt = state
        for inj in injects:
            nxt = nxt.apply(inj)
        nxt = nxt.apply(decision)
        self.append(*injects, decision)
        return nxt

    def class_results(self):
        """Every team's results, once the facilitator has revealed them."""
        if not self.status().revealed:
            raise refuse("workshop", "the facilitator has not revealed the results yet")
        from simulator.workshop.results import Leaderboard

        return Leaderboard(self.store, self._row, self.scenario).refresh()


def join(code: str, team: str, db: str | None = None, kind: str = "player") -> TeamSession:
    """Join session `code` as `team` (created on first join; later joins resume it)."""
    name = check_team_name(team)
    store = open_store(db)
    row = find_session(store, code)
    scenario = session_scenario(store, row)
    existing = store.team(row["id"], name_key(name))
    if existing is None:
        if row["revealed"]:
            raise refuse("workshop", "this session's results are revealed; it takes no new teams")
        existing = store.add_team(row["id"], name, name_key(name), kind)
        store.note(row["id"], f"team joined: {name}")
    if existing["kind"] != kind:
        raise refuse(
            "team",
            f"'{existing['name']}' is a {existing['kind']} team in this session; pick another name",
        )
    return TeamSession(store, row, scenario, existing)
