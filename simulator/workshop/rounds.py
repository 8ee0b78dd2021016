"""Timed rounds and the facilitator's broadcast: one round is the time the teams have to
end one week; it ends (and the hold moves on a week) when every human team has ended
that week or its time is up.

Only the facilitator's side calls `Rounds.check` (the workshop server, or the board of
a one-laptop workshop); a player's process only reads. Time is a clock function given
to `Rounds` (time.time by default), so tests move it without sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from simulator.workshop.records import SessionInfo, refuse, session_scenario
from simulator.workshop.store import RoundStore, Store

MAX_MINUTES = 600.0  # one round lasts at most ten hours
MAX_BROADCAST = 200  # characters (the board's message field holds as many)


def round_label(week: int) -> str:
    return "setup" if week == 0 else f"week {week}"


def current(row: dict, rnd: dict | None) -> dict | None:
    """The running round, or None: a round ends when the facilitator stops it, and also
    when they hold or release by hand (the hold is no longer the round's)."""
    if rnd is None or not rnd["active"] or row["hold_week"] != rnd["week"] + 1:
        return None
    return rnd


def round_view(row: dict, rnd: dict | None, now: float) -> dict | None:
    """What every screen shows of the running round: its week and the time left (which
    stands still while the session is paused: `paused`)."""
    rnd = current(row, rnd)
    if rnd is None:
        return None
    stopped = rnd.get("paused_at")
    at = now if stopped is None else min(now, stopped)
    left = None if rnd["deadline"] is None else max(0.0, rnd["deadline"] - at)
    return {
        "week": rnd["week"],
        "label": round_label(rnd["week"]),
        "minutes": rnd["minutes"],
        "deadline": rnd["deadline"],
        "remaining_s": left,
        "paused": stopped is not None,
    }


def broadcast_view(msg: dict | None) -> dict | None:
    return {"text": msg["text"], "at": msg["at"]} if msg and msg["text"] else None


def is_done(result, week: int) -> bool:
    """A team has ended `week` (or its game is over)."""
    return bool(result.over) or result.week > week


def split(rows, week: int) -> tuple[list[str], list[str]]:
    """(submitted, still playing): the human teams that have ended `week` and those that
    have not. Scripted, bot and test teams are in neither list."""
    humans = [r for r in rows if r.human and not r.error]
    done = [r.name for r in humans if is_done(r, week)]
    return done, [r.name for r in humans if not is_done(r, week)]


def signal_for(shifts: list[dict], got: int) -> str | None:
    """What the teams heard with the last custom shift among the first `got` (the ones a
    team's log holds: shifts arrive in order)."""
    signals = [s.get("signal") for s in shifts[: max(0, got)]]
    return next((s for s in reversed(signals) if s), None)


def clock_text(seconds: float | None) -> str:
    if seconds is None:
        return "untimed"
    s = int(seconds + 0.999)
    return f"{s // 60}:{s % 60:02d}"


def status_lines(state: dict | None) -> list[str]:
    """The running round and the last message as plain text (`workshop status`): what the
    board's recap box shows."""
    out = []
    rnd = (state or {}).get("round")
    if rnd:
        line = f"Round {rnd['label']}: "
        line += "untimed" if rnd["deadline"] is None else f"{clock_text(rnd['remaining_s'])} left"
        line += " (clock stopped: paused)" if rnd.get("paused") else ""
        if "submitted" in rnd:
            done, playing = rnd["submitted"], rnd["playing"]
            line += f" · submitted {len(done)}/{len(done) + len(playing)}"
            line += f": {', '.join(done)}" if done else ""
            line += f" · still playing: {', '.join(playing)}" if playing else ""
        out.append(line)
    msg = (state or {}).get("broadcast")
    if msg:
        out.append(f"Message: {msg['text']}")
    return out


class Rounds:
    """The rounds of every session in one store: starting, stopping, broadcasting, and the
    check that ends a round. Keeps one Leaderboard per session to see who is done."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time):
        self.store = store
        self.rs = RoundStore(store)
        self.clock = clock
        self._boards: dict[int, object] = {}
        self._lock = threading.Lock()

    def rows(self, row: dict) -> list:
        from simulator.workshop.results import Leaderboard

        with self._lock:
            board = self._boards.get(row["id"])
            if board is None:
                board = Leaderboard(self.store, row, session_scenario(self.store, row))
                self._boards[row["id"]] = board
            board.row = row
            return board.refresh()

    def view(self, session_id: int) -> dict:
        """The session's round and last broadcast, as every screen shows them."""
        row, rnd, msg = self.rs.state(session_id)
        return {
            "round": round_view(row, rnd, self.clock()),
            "broadcast": broadcast_view(msg),
        }

    def board_view(self, session_id: int, rows=None) -> dict:
        """`view` plus the round's submitted and still-playing teams (the board's list)."""
        row, rnd, msg = self.rs.state(session_id)
        out = {"round": round_view(row, rnd, self.clock()), "broadcast": broadcast_view(msg)}
        if out["round"] is not None:
            done, playing = split(rows if rows is not None else self.rows(row), rnd["week"])
            out["round"].update(submitted=done, playing=playing)
        return out

    def check(self, session_id: int, all_done: bool = True, rows=None) -> bool:
        """End the running round when its time is up or (with `all_done`) every human team
        has ended its week (as of `rows`, the board's results, else read now); not while
        paused or after the reveal. True when it ended here."""
        row, rnd, _ = self.rs.state(session_id)
        rnd = current(row, rnd)
        if rnd is None or row["paused"] or row["revealed"]:
            return False
        now = self.clock()
        if rnd["deadline"] is None or now < rnd["deadline"]:
            if not all_done:
                return False
            done, playing = split(rows if rows is not None else self.rows(row), rnd["week"])
            if not done or playing:
                return False
            why = "every team has ended it"
        else:
            why = "its time is up"
        weeks = session_scenario(self.store, row).deal.weeks
        if not self.rs.advance(session_id, rnd["week"], weeks, now):
            return False
        nxt = rnd["week"] + 1
        then = f"round {round_label(nxt)} begins" if nxt <= weeks else "the last round is over"
        self.store.note(session_id, f"round {round_label(rnd['week'])} ended ({why}); {then}")
        return True

    def tick(self) -> int:
        """End every round in the store whose time is up (the server's timer); how many."""
        now = self.clock()
        due = [sid for sid, end in self.rs.running() if end is not None and now >= end]
        return sum(self.check(sid, all_done=False) for sid in due)

    # ---- the facilitator's actions ------------------------------------------------------

    def start(self, row: dict, minutes: float | None, week: int | None) -> dict:
        """Start the round in which teams end `week` (default: the week the hold is at,
        else the week the slowest human team is in), `minutes` long (None: untimed)."""
        if minutes is not None:
            if isinstance(minutes, bool) or not isinstance(minutes, int | float):
                raise refuse("--minutes", "minutes must be a number", "workshop.input")
            if not 0 < minutes <= MAX_MINUTES:
                raise refuse(
                    "--minutes", f"a round lasts 0-{MAX_MINUTES:g} minutes", "workshop.input"
                )
        weeks = session_scenario(self.store, row).deal.weeks
        if week is None:
            info = SessionInfo.of(row)
            if info.hold_week is not None:
                week = info.hold_week
            else:
                humans = [r for r in self.rows(row) if r.human and not r.over]
                week = min((r.week for r in humans), default=0)
        if isinstance(week, bool) or not isinstance(week, int) or not 0 <= week <= weeks:
            raise refuse("--week", f"the round's week is 0 (setup) to {weeks}", "workshop.input")
        self.rs.start(row["id"], week, None if minutes is None else float(minutes), self.clock())
        length = "untimed" if minutes is None else f"{minutes:g} min"
        self.store.note(row["id"], f"round {round_label(week)} started ({length})")
        return self.view(row["id"])

    def set_paused(self, session_id: int, paused: bool) -> float | None:
        """Pause or resume the session, stopping or restarting its round's clock (a resume
        adds the pause's length to the deadline); the seconds given back, None when the
        session already was so."""
        return self.rs.set_paused(session_id, paused, self.clock())

    def stop(self, row: dict) -> dict:
        if self.rs.stop(row["id"]):
            self.store.note(row["id"], "timed rounds stopped")
        return self.view(row["id"])

    def broadcast(self, row: dict, text: str) -> dict:
        text = " ".join(str(text).split())
        if len(text) > MAX_BROADCAST:
            raise refuse(
                "message", f"a message is at most {MAX_BROADCAST} characters", "workshop.input"
            )
        if not text.isprintable():
            raise refuse("message", "a message may use printable characters only", "workshop.input")
        self.rs.broadcast(row["id"], text, self.clock())
        self.store.note(row["id"], f"message to every team: {text}" if text else "message cleared")
        return self.view(row["id"])


ROUND_ACTIONS = ("start", "stop", "broadcast")


def round_act(authority, code: str, key: str | None, action: str, args: dict) -> dict:
    """One rounds action on the server, behind the facilitator key: start {minutes, week},
    stop, broadcast {text}."""
    from simulator.workshop.authority import public_info

    fac, lock = authority.facilitator(code, key)  # refuses a missing or wrong key
    if action not in ROUND_ACTIONS:
        raise refuse("action", f"unknown rounds action '{action}'", "workshop.input")
    with lock:
        fac.reload()
        row = fac._row
        rounds = authority.rounds
        if action == "start":
            out = rounds.start(row, args.get("minutes"), args.get("week"))
        elif action == "stop":
            out = rounds.stop(row)
        else:
            out = rounds.broadcast(row, str(args.get("text", "")))
        out["session"] = public_info(fac.reload())
        return {"action": action, **out}


def local_rounds(fac) -> Rounds:
    """The Rounds of a one-laptop workshop's facilitator (kept on the handle)."""
    got = getattr(fac, "_rounds", None)
    if got is None:
        got = fac._rounds = Rounds(fac.store)
    return got


def facilitator_act(fac, action: str, **args) -> dict:
    """A rounds action from the facilitator's handle: sent to the server for a RemoteBoard,
    else done on the store (the one-laptop workshop)."""
    if hasattr(fac, "round_action"):
        return fac.round_action(action, **args)
    fac.reload()
    r = local_rounds(fac)
    if action == "start":
        return r.start(fac._row, args.get("minutes"), args.get("week"))
    if action == "stop":
        return r.stop(fac._row)
    return r.broadcast(fac._row, str(args.get("text", "")))


def board_state(fac, rows) -> dict:
    """The round, its submitted / still-playing lists and the last broadcast, for the
    board. The server's answer for a RemoteBoard; on one laptop the board is the
    facilitator's process, so it also ends a round that is over (as the server would)."""
    if hasattr(fac, "round_action"):
        return fac.round_state or {"round": None, "broadcast": None}
    r = local_rounds(fac)
    if r.check(fac.id, rows=rows):
        fac.reload()
    return r.board_view(fac.id, rows)


def seat_state(team, state) -> dict:
    """What the strip shows besides pacing: round, broadcast and the last signal this
    team heard. A RemoteSeat asks the server; a local seat reads the store."""
    if hasattr(team, "session_state"):
        return team.session_state()
    store, row = getattr(team, "store", None), getattr(team, "_row", None)
    if store is None or row is None:
        return {}
    out = Rounds(store).view(row["id"])
    got = 0 if state is None else sum(d.kind == "shift" for d in state.history)
    out["signal"] = signal_for(store.shifts(row["id"]), got) if got else None
    return out
