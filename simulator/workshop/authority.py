"""The workshop's authority: every team decision and facilitator action goes through here,
in the one process that writes the store (the workshop server).

Plain synchronous methods taking what a request carries (code, team, passcode or
facilitator key, JSON bodies) and returning JSON-ready dicts; the HTTP layer
(server.py) only translates. A player's decision is applied by the engine before
anything is stored, so an illegal or forged decision is refused with the engine's
reason; pacing (pause, hold, reveal) is checked here, not trusted to the client.

Games and facilitator handles are cached in memory, each checked against the store's
log length before use, so several server processes can share one database: a log
that another process moved on is reloaded (or the client told to resume).
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import NamedTuple

from engine.decisions import Decision, IllegalDecision, from_dict
from engine.loader import play_hash
from engine.problems import InputError
from engine.state import GameState, new_game
from simulator.workshop.codes import check_secret, name_key, normalise_passcode
from simulator.workshop.facilitator import Facilitator, facilitate
from simulator.workshop.playercopy import player_yaml
from simulator.workshop.records import (
    Held,
    SessionInfo,
    decode,
    encode,
    find_session,
    refuse,
    session_scenario,
)
from simulator.workshop.sealed import draws_of
from simulator.workshop.store import open_store
from simulator.workshop.team import SEAT_KINDS, TeamSession, join, team_by_id

RENAME_CHECK_S = 5.0  # how often a cached seat's name is read again (renames)
FACILITATOR_ACTIONS = ("hold", "release", "pause", "resume", "reveal", "inject", "shift", "add-bot")


class Refused(Exception):
    """A decision the engine or the pacing refuses: `code` is a problem code, `held` says
    whether it is pacing (wait and retry) rather than the rules."""

    def __init__(self, message: str, code: str, held: bool = False):
        super().__init__(message)
        self.message, self.code, self.held = message, code, held


def public_info(info: SessionInfo) -> dict:
    """What anyone with the join code may see of a session."""
    d = asdict(info)
    return {k: d[k] for k in ("code", "name", "scenario_id", "hold_week", "paused", "revealed")}


def _decision(body) -> Decision:
    try:
        return from_dict(body if isinstance(body, dict) else json.loads(body))
    except (ValueError, TypeError) as exc:
        raise Refused(f"not a decision: {exc}", "plan.decision") from None


class _Seat:
    """A verified seat: the TeamSession, the passcode hash it was verified against, the
    cached game (None until loaded) and a lock serialising the team's requests."""

    def __init__(self, team: TeamSession, passcode: str):
        self.team = team
        self.passcode = normalise_passcode(passcode)
        self.state: GameState | None = None
        self.lock = threading.Lock()
        self.named_at = time.monotonic()  # when its name was last read from the store
        self.coached: tuple[int, dict] | None = None  # (game length, the coach's findings)


class SeatClaim(NamedTuple):
    """Who a team request says it is: the name its client knows and, from clients that
    joined through this server, the team's id (which a rename keeps)."""

    name: str
    seat_id: int | None = None


class Authority:
    """The workshop server's state: one store, the seats and facilitator handles in use."""

    def __init__(self, db: str | None = None, clock: Callable[[], float] | None = None):
        from simulator.workshop.rounds import Rounds

        self.store = open_store(db)
        self.clock = clock or time.time  # the rounds' clock (tests replace it)
        self.rounds = Rounds(self.store, lambda: self.clock())
        self.db = self.store.url  # fixed now: the default store must not follow a later $HOME
        self._seats: dict[tuple[str, str], _Seat] = {}
        self._facs: dict[str, tuple[Facilitator, threading.Lock]] = {}
        self._lock = threading.Lock()

    # ---- players ----------------------------------------------------------------------------

    def join(
        self, code: str, team: str | SeatClaim, passcode: str | None, kind: str = "player"
    ) -> dict:
        """Take a seat (issuing the passcode on a team's first join); what the client needs
        to play: the scenario's YAML without the facilitator's notes and its play hash,
        what its game needs of the draws (never the seed: sealed.py), the stored log, the
        team's name and id, the session."""
        if kind not in SEAT_KINDS:
            raise refuse("kind", f"players join as one of {', '.join(SEAT_KINDS)}")
        claim = team if isinstance(team, SeatClaim) else SeatClaim(str(team or ""))
        seat = join(code, claim.name, self.db, kind, passcode, seat_id=claim.seat_id)
        given = seat.passcode or passcode or ""
        held = _Seat(seat, given)
        with self._lock:
            self._seats[(seat.code, name_key(seat.team))] = held
        row = find_session(self.store, seat.code)
        with held.lock:
            state = self._game(held)
        return {
            "code": seat.code,
            "team": seat.team,
            "team_id": seat.team_id,
            "kind": seat.kind,
            "passcode": seat.passcode,
            "session_name": seat.session_name,
            "scenario_ref": row["scenario_ref"],
            "content_hash": row["content_hash"],
            "play_hash": play_hash(seat.scenario),
            "scenario_yaml": player_yaml(row["scenario_yaml"]),
            "log": [encode(d)[1] for d in state.history],
            "draws": draws_of(state, seat.seed),
            "status": public_info(seat.status()),
        }

    def seat(self, code: str, team: str | SeatClaim, passcode: str | None) -> _Seat:
        """The verified seat for a request; refuses a wrong passcode (workshop.seat).

        A claim naming the team's id (SeatClaim) finds a team the facilitator renamed
        since its client last heard the name; the answers then carry the new name. A
        cached seat looks its name up again every RENAME_CHECK_S."""
        from simulator.workshop.records import normalise_code

        claim = team if isinstance(team, SeatClaim) else SeatClaim(str(team or ""))
        code = normalise_code(code)
        key = (code, name_key(claim.name))
        given = normalise_passcode(passcode)
        with self._lock:
            seat = self._seats.get(key)
        if seat is not None and given and hmac.compare_digest(seat.passcode, given):
            return self._named(seat, key)
        row = find_session(self.store, code)
        found = self.store.team(row["id"], key[1])
        if found is None and claim.seat_id is not None:
            found = team_by_id(self.store, row["id"], claim.seat_id)
        if found is None or found["kind"] not in SEAT_KINDS:
            raise refuse("team", f"no team '{claim.name}' has joined session {row['code']}")
        stored = join(code, found["name"], self.db, kind=found["kind"], passcode=passcode or "")
        seat = _Seat(stored, given)
        key = (code, name_key(stored.team))
        with self._lock:
            self._seats[key] = self._seats.get(key) or seat
            return self._seats[key]

    def _named(self, seat: _Seat, key: tuple[str, str]) -> _Seat:
        """`seat`, its name checked against the store when it was last checked more than
        RENAME_CHECK_S ago (a rename through the CLI or another server)."""
        now = time.monotonic()
        if now - seat.named_at < RENAME_CHECK_S:
            return seat
        found = team_by_id(self.store, seat.team._row["id"], seat.team.team_id)
        seat.named_at = now
        if found is None:  # removed: forget the seat; the next request is refused
            with self._lock:
                self._seats.pop(key, None)
            raise refuse("team", f"team '{seat.team.team}' is no longer in this session")
        if found["name"] != seat.team.team:
            seat.team.team = found["name"]
            with self._lock:
                self._seats.pop(key, None)
                self._seats[(key[0], name_key(found["name"]))] = seat
        return seat

    def log(self, code: str, team: str | SeatClaim, passcode: str | None) -> dict:
        """The team's stored log, the draws its game has used, and the session."""
        seat = self.seat(code, team, passcode)
        with seat.lock:
            state = self._game(seat)
        return {
            "team": seat.team.team,
            "log": [encode(d)[1] for d in state.history],
            "draws": draws_of(state, seat.team.seed),
            "status": public_info(seat.team.status()),
        }

    def coaching(self, code: str, team: str | SeatClaim, passcode: str | None, n) -> dict:
        """The coach's findings for the team's stored game of `n` decisions (sealed.py),
        worked out once per game length (a debrief opened again asks again)."""
        from simulator.workshop.sealed import coaching_of

        seat = self.seat(code, team, passcode)
        with seat.lock:
            state = self._game(seat)
            self._in_step(seat, state, n)
            if seat.coached is None or seat.coached[0] != n:
                seat.coached = (n, coaching_of(seat.team.scenario, seat.team.seed, state))
            return {"team": seat.team.team, "coaching": seat.coached[1]}

    def expert(self, code: str, team: str | SeatClaim, passcode: str | None) -> dict:
        """The expert's games the team's debrief is measured against (sealed.py)."""
        from simulator.workshop.sealed import expert_of

        seat = self.seat(code, team, passcode)
        return expert_of(seat.team.scenario, seat.team.seed)

    @staticmethod
    def _in_step(seat: _Seat, state: GameState, n) -> None:
        if n != len(state.history):
            raise refuse(
                "workshop",
                f"this game ({n} decisions) is out of step with team '{seat.team.team}' "
                f"({len(state.history)} stored); resume from the stored log",
            )

    def _game(self, seat: _Seat, seen=None) -> GameState:
        """The team's game, reloaded when the stored log moved on (another server).
        `seen` (Store.step_snapshot) gives the stored count without another read."""
        team = seat.team
        if seen is None:
            stored = team_by_id(self.store, team._row["id"], team.team_id)
            n = stored["n_decisions"] if stored else None
        else:
            n = seen.n_decisions
        if seat.state is None or n != len(seat.state.history):
            seat.state = team.resume()
        return seat.state

    def step(self, code: str, team: str | SeatClaim, passcode: str | None, n: int, body) -> dict:
        """Apply one player decision: pacing, then the engine, then one append. Returns the
        decisions stored (pending curveballs first, then this one) for the client to apply."""
        seat = self.seat(code, team, passcode)
        decision = _decision(body)
        with seat.lock:
            seen = self.store.step_snapshot(seat.team._row["id"], seat.team.team_id)
            state = self._game(seat, seen)
            self._in_step(seat, state, n)
            try:
                new = seat.team.step(state, decision, seen)
            except Held as exc:
                raise Refused(str(exc), "workshop.held", held=True) from None
            except IllegalDecision as exc:
                raise Refused(str(exc), "plan.illegal") from None
            except InputError:
                seat.state = None
                raise
            seat.state = new
            added = new.history[len(state.history) :]
        self._round_after(seat.team._row["id"], decision, new)
        out = {
            "team": seat.team.team,
            "decisions": [encode(d)[1] for d in added],
            "n": len(new.history),
        }
        if new.week != state.week or new.is_over():  # the week's draws are used now
            out["draws"] = draws_of(new, seat.team.seed)
        return out

    def _round_after(self, session_id: int, decision: Decision, state: GameState) -> None:
        """A team that just ended a week (or its game) may be the last of its round: end
        the round then. The decision is stored already; a failure here is retried by the
        next check (the timer, the board), so it is not the player's."""
        if decision.kind in ("start", "end_week") or state.is_over():
            try:
                self.rounds.check(session_id)
            except Exception:  # noqa: BLE001 - see the docstring
                pass

    def tick(self) -> int:
        """End the rounds whose time is up (the server calls this every second)."""
        return self.rounds.tick()

    def team_status(self, code: str, team: str | SeatClaim, passcode: str | None) -> dict:
        """A seated team's view of the session: the public status, the round, the last
        broadcast, and what the team heard with the last custom shift that reached it."""
        from simulator.workshop.rounds import signal_for

        seat = self.seat(code, team, passcode)
        out = self.status(code)
        got = sum(decode(b).kind == "shift" for b in self.store.log(seat.team.team_id))
        shifts = self.store.shifts(seat.team._row["id"]) if got else []
        out["signal"] = signal_for(shifts, got)
        out["team"] = seat.team.team
        return out

    def submit(
        self,
        code: str,
        team: str | SeatClaim,
        passcode: str | None,
        bodies,
        where: str,
        close=False,
        at=(),
    ) -> dict:
        """A headless team's whole game (a plan), replayed with the session's curveballs as
        far as pacing allows (`close`: the weeks after the plan's last ended with no
        actions, as a plan is played); the stored log, how many decisions were new, and
        the draws the stored game has used."""
        seat = self.seat(code, team, passcode)
        decisions = [_decision(b) for b in bodies]
        with seat.lock:
            played, n = seat.team.submit(
                decisions, str(where)[:200], close=close is True, at=_places(at, len(decisions))
            )
            seat.state = None
            return {
                "team": seat.team.team,
                "log": [encode(d)[1] for d in played.history],
                "new": n,
                "draws": draws_of(played, seat.team.seed),
            }

    def status(self, code: str) -> dict:
        """The public status, with the running round (its time left) and the last
        broadcast; a round whose time is up ends here if the timer has not ended it."""
        row = find_session(self.store, code)
        if self.rounds.check(row["id"], all_done=False):
            row = find_session(self.store, code)
        return {**public_info(SessionInfo.of(row)), **self.rounds.view(row["id"])}

    def leaderboard(self, code: str) -> dict:
        """The public leaderboard (no decisions, no curveball detail), as `workshop status`
        shows it without the key."""
        from simulator.workshop.results import Leaderboard
        from simulator.workshop.views import row_dict

        row = find_session(self.store, code)
        rows = Leaderboard(self.store, row, session_scenario(self.store, row)).refresh()
        info = SessionInfo.of(row)
        teams = [row_dict(r, [], True) for r in rows]
        return {
            "session": public_info(info),
            "teams": teams,
            **self.rounds.board_view(row["id"], rows),
        }

    def results(self, code: str, team: str | SeatClaim, passcode: str | None) -> dict:
        """Every team's results, to a seated player, once the facilitator has revealed them."""
        from simulator.workshop.views import row_dict

        seat = self.seat(code, team, passcode)
        rows = seat.team.class_results()
        return {"teams": [row_dict(r, list(r.lags), False) for r in rows]}

    # ---- the facilitator --------------------------------------------------------------------

    def facilitator(self, code: str, key: str | None) -> tuple[Facilitator, threading.Lock]:
        """The facilitator's handle, its key checked on every request (a cached handle keeps
        the board's per-team cache warm)."""
        from simulator.workshop.records import normalise_code

        code = normalise_code(code)
        with self._lock:
            cached = self._facs.get(code)
        if cached is None:
            fac = facilitate(code, key, self.db)
            fac._rounds = self.rounds  # a pause stops a round's clock: the server's clock
            with self._lock:
                cached = self._facs.setdefault(code, (fac, threading.Lock()))
            return cached
        fac = cached[0]
        row = fac._row
        if not key or not check_secret(row["key_salt"], row["key_hash"], key):
            facilitate(code, key, self.db)  # raises the usual refusal
        return cached

    def _refresh(self, fac: Facilitator) -> list:
        """The board's rows now, bots brought up to pace first (call with the fac's lock)."""
        board = fac.leaderboard()
        snapshot = self.store.board_snapshot(fac.id)
        fac._row = board.row = snapshot[0]
        rows = board.refresh(snapshot)
        if any(r.kind == "bot" for r in rows) and fac.advance_bots(rows):
            rows = board.refresh()
            fac.reload()
        return rows

    def board(self, code: str, key: str | None) -> dict:
        """The board's data: what `workshop status --json` prints with the key."""
        from simulator.workshop.views import board_data

        fac, lock = self.facilitator(code, key)
        with lock:
            rows = self._refresh(fac)
            return board_data(fac, rows, fac.leaderboard().curveballs)

    def facilitator_view(self, code: str, key: str | None) -> dict:
        """What a remote board or report needs once: the whole session (never its key) and
        the scenario it pins (the facilitator notes included)."""
        fac, _ = self.facilitator(code, key)
        row = find_session(self.store, fac.info.code)
        return {
            "session": asdict(SessionInfo.of(row)),
            "scenario_ref": row["scenario_ref"],
            "content_hash": row["content_hash"],
            "scenario_yaml": row["scenario_yaml"],
        }

    def earlier_classes(self, code: str, key: str | None) -> dict:
        """The report's comparison with earlier classes of the same scenario (class
        figures only): what `workshop report --server` needs besides the board."""
        fac, lock = self.facilitator(code, key)
        with lock:
            return {"earlier": [asdict(c) for c in fac.earlier_classes()]}

    def board_full(self, code: str, key: str | None, known=(), activity: int = 5) -> dict:
        """Every team's full result (what the live board and the report draw), the
        session, its curveballs and the latest activity: one remote board refresh.

        `known` are the row versions the client already holds (`order` of its last
        answer): those rows are not sent again, only their rank in `order`."""
        from simulator.workshop.views import result_dict

        fac, lock = self.facilitator(code, key)
        have = {str(v) for v in known} if isinstance(known, list | tuple) else set()
        with lock:
            rows = self._refresh(fac)
            if self.rounds.check(fac.id, rows=rows):
                fac.reload()
            cbs = fac.leaderboard().curveballs
            order = [[r.team_id, r.rank, f"{r.team_id}:{r.n_decisions}:{len(cbs)}"] for r in rows]
            return {
                "session": asdict(fac.info),
                "results": [
                    result_dict(r)
                    for r, (_, _, v) in zip(rows, order, strict=True)
                    if v not in have
                ],
                "order": order,
                "curveballs": cbs,
                "activity": self.store.activity(fac.id, max(0, min(int(activity), 100))),
                "rounds": self.rounds.board_view(fac.id, rows),
            }

    def act(self, code: str, key: str | None, action: str, args: dict) -> dict:
        """One facilitator action (FACILITATOR_ACTIONS) with its JSON arguments."""
        fac, lock = self.facilitator(code, key)
        if action not in FACILITATOR_ACTIONS:
            raise refuse("action", f"unknown action '{action}'", code="workshop.input")
        week = args.get("week")
        if week is not None and not isinstance(week, int):
            raise refuse("--week", "the week must be a whole number", code="workshop.input")
        with lock:
            out: dict = {"action": action}
            if action == "hold":
                if week is None:
                    raise refuse("--week", "hold needs a week", code="workshop.input")
                fac.hold(week)
            elif action in ("release", "pause", "resume", "reveal"):
                getattr(fac, action)()
            elif action == "inject":
                out["week"] = fac.inject(str(args.get("event", "")), week)
            elif action == "shift":
                weights = args.get("weights")
                if not isinstance(weights, dict):
                    raise refuse("shift", "weights must be a mapping", code="workshop.input")
                out["week"] = fac.shift(str(args.get("stakeholder", "")), weights, week)
            elif action == "add-bot":
                name = args.get("name")
                out["name"] = fac.add_bot(
                    str(args.get("policy") or "expert"), None if name is None else str(name)
                )
            out["session"] = public_info(fac.reload())
            out["curveballs"] = fac.curveballs()
            return out


def replay(scenario, seed: int, bodies: list[str]) -> GameState:
    """The game a stored log replays to (the client's copy of what the server stored)."""
    state = new_game(scenario, seed)
    for b in bodies:
        state = state.apply(decode(b))
    return state


def _places(at, n: int) -> list[tuple[int, int]]:
    """The (line, column) of each submitted decision in its plan file, as the client sent
    them; nothing when they are not n pairs of positive integers."""
    if not isinstance(at, list) or len(at) != n:
        return []
    ok = all(
        isinstance(p, list) and len(p) == 2 and all(type(x) is int and x > 0 for x in p) for p in at
    )
    return [(p[0], p[1]) for p in at] if ok else []
