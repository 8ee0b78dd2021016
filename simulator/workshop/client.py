"""Clients of the workshop server: a player's seat (`RemoteSeat`, the same API as the local
TeamSession, so the TUI and `dealcraft run` do not care which they hold) and the
facilitator's commands (`Remote`).

Plain `http.client` over one kept-alive connection per client (guarded by a lock:
the TUI polls pacing from a worker thread while the UI thread steps). Refusals come
back as the server's problem codes; an unreachable server is one line
(`workshop.server`), never a traceback.
"""

from __future__ import annotations

import http.client
import json
import threading
from urllib.parse import quote, urlsplit

from engine.decisions import Decision, IllegalDecision, Inject, Shift
from engine.problems import InputError, Problem
from engine.state import GameState
from simulator.workshop.records import Held, SessionInfo, decode, encode, scenario_from_yaml

API = "/api/v1"
TIMEOUT_S = 30.0
BOARD_TIMEOUT_S = 180.0  # a board's first request after a server start replays every log


def _server_error(url: str, message: str) -> InputError:
    return InputError.at(url, "workshop.server", message)


class Remote:
    """A JSON connection to one workshop server."""

    def __init__(self, url: str, timeout: float = TIMEOUT_S):
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _server_error(url, "the server URL must look like http://HOST:PORT")
        self.url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._conn = cls(self._host, self._port, timeout=self._timeout)
        return self._conn

    def call(self, method: str, path: str, body: dict | None = None, headers=None) -> dict:
        """One request; the decoded JSON answer. Raises InputError with the server's problems,
        or `_Refusal` for a decision the engine or pacing refused."""
        data = None if body is None else json.dumps(body).encode()
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        with self._lock:
            for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
                conn = self._connection()
                try:
                    conn.request(method, f"{self._prefix}{API}{path}", body=data, headers=hdrs)
                    resp = conn.getresponse()
                    raw = resp.read()
                    break
                except (http.client.HTTPException, OSError) as exc:
                    conn.close()
                    self._conn = None
                    if attempt == 2 or method != "GET" and not _is_stale(exc):
                        raise _server_error(
                            self.url, f"cannot reach the workshop server: {_reason(exc)}"
                        ) from None
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            raise _server_error(
                self.url, f"the server answered HTTP {resp.status}, not JSON"
            ) from None
        if resp.status >= 400:
            if "refused" in answer:
                r = answer["refused"]
                raise _Refusal(
                    str(r.get("message", "")), str(r.get("code", "")), bool(r.get("held"))
                )
            problems = [_problem(p) for p in answer.get("problems", [])]
            raise InputError(problems or [_problem({"message": f"HTTP {resp.status}"})])
        return answer

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _is_stale(exc: BaseException) -> bool:
    return isinstance(exc, http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _problem(p: dict) -> Problem:
    from engine.problems import CODES

    code = p.get("code") if p.get("code") in CODES else "workshop.server"
    return Problem(
        str(p.get("path", "workshop")),
        int(p.get("line", 1)),
        int(p.get("col", 1)),
        "error",
        str(p.get("message", "")),
        code,
    )


class _Refusal(Exception):
    def __init__(self, message: str, code: str, held: bool):
        super().__init__(message)
        self.code, self.held = code, held


class RemoteSeat:
    """A team's seat on a workshop server: the TeamSession API, every write by the server.

    The seat holds no seed: its games are sealed (engine.drawn) and read the draws the
    server sends with the log and with every decision that starts a week, so the game
    here is the stored one bit for bit. The coach and the expert's games the debrief
    needs are the server's (`coaching`, `expert_games`). The scenario is the player's
    copy, without the facilitator's notes (playercopy). A team the facilitator renames
    follows the new name: the answers carry it, and the kept passcode moves with it."""

    def __init__(self, remote: Remote, joined: dict, where: str | None = None):
        from engine.drawn import Draws, SealedSeed
        from simulator.workshop.playercopy import player_scenario

        self.remote = remote
        self.where = where  # the key the passcode is kept under on this computer (seats)
        self.code: str = joined["code"]
        self.team: str = joined["team"]
        self.team_id: int | None = joined.get("team_id")
        self.kind: str = joined["kind"]
        self.session_name: str = joined["session_name"]
        self.passcode: str | None = joined.get("passcode")
        self._secret = self.passcode or ""
        self.content_hash: str = joined["content_hash"]  # the session's, for display
        self.scenario = player_scenario(
            joined["scenario_yaml"], joined["scenario_ref"], joined["play_hash"]
        )
        self._draws = Draws(joined.get("draws"))
        self.seed = SealedSeed(self._draws, self)
        self._log: list[str] = list(joined["log"])
        self._status = joined["status"]
        self._expert = None

    @classmethod
    def join(
        cls,
        server: str,
        code: str,
        team: str,
        kind: str = "player",
        passcode: str | None = None,
        where: str | None = None,
        seat_id: int | None = None,
    ) -> RemoteSeat:
        """Join (or resume) team `team`; `seat_id`, the team's id kept with its passcode,
        finds it under the name the facilitator has renamed it to."""
        remote = Remote(server)
        body = {"team": team, "kind": kind, "passcode": passcode, "seat_id": seat_id}
        seat = cls(remote, remote.call("POST", f"/sessions/{quote(code)}/join", body), where)
        seat._secret = seat.passcode or passcode or ""
        return seat

    def _headers(self) -> dict:
        out = {"X-Dealcraft-Team": quote(self.team), "Authorization": f"Bearer {self._secret}"}
        if self.team_id is not None:
            out["X-Dealcraft-Seat"] = str(int(self.team_id))
        return out

    def _path(self, what: str) -> str:
        return f"/sessions/{quote(self.code)}/{what}"

    def _call(self, method: str, what: str, body: dict | None = None) -> dict:
        """A team request; its answer's draws kept and a new team name followed."""
        answer = self.remote.call(method, self._path(what), body, self._headers())
        if answer.get("draws"):
            self._draws.update(answer["draws"])
        name = answer.get("team")
        if isinstance(name, str) and name and name != self.team:
            self._renamed(name)
        return answer

    def _renamed(self, name: str) -> None:
        """The facilitator renamed the team: use the new name, and keep the passcode under
        it on this computer (the old entry goes), so the next join needs no retyping."""
        from simulator.workshop.seats import forget_passcode, keep_passcode

        old, self.team = self.team, name
        if self.where and self._secret:
            keep_passcode(self.where, self.code, name, self._secret, self.team_id)
            forget_passcode(self.where, self.code, old)

    def status(self) -> SessionInfo:
        from engine.drawn import SEALED

        s = self.remote.call("GET", self._path("status"))
        self._status = s
        return SessionInfo(
            id=0,
            code=s["code"],
            name=s["name"],
            scenario_ref="",
            scenario_id=s["scenario_id"],
            content_hash=self.content_hash,
            seed=SEALED,
            hold_week=s["hold_week"],
            paused=bool(s["paused"]),
            revealed=bool(s["revealed"]),
            created_at=0.0,
        )

    def session_state(self) -> dict:
        """The round (time left), the last broadcast and the last signal this team heard,
        as the server sees them (rounds.seat_state)."""
        s = self._call("GET", "team/status")
        return {k: s.get(k) for k in ("round", "broadcast", "signal")}

    def log(self) -> list[Decision]:
        self._log = self._call("GET", "team/log")["log"]
        return [decode(b) for b in self._log]

    def resume(self) -> GameState:
        from simulator.workshop.authority import replay

        self.log()
        return replay(self.scenario, self.seed, self._log)

    def may_end_week(self, week: int) -> bool:
        return self.status().held_at(week) is None

    def step(self, state: GameState, decision: Decision) -> GameState:
        """The server applies the decision (and any pending curveballs) and stores it; the
        same decisions are applied here with the draws it sent, so this game is exactly
        the stored one."""
        if isinstance(decision, Inject | Shift):
            raise IllegalDecision(
                "curveballs and priority shifts come from the facilitator, not from a team"
            )
        body = {"n": len(state.history), "decision": decision.to_dict()}
        try:
            answer = self._call("POST", "team/step", body)
        except _Refusal as exc:
            raise (Held if exc.held else IllegalDecision)(str(exc)) from None
        nxt = state
        for b in answer["decisions"]:
            nxt = nxt.apply(decode(b))
        self._log.extend(answer["decisions"])
        return nxt

    def submit(self, decisions, where: str = "plan", close: bool = False, at=()):
        """Send a headless game (`close`: the server ends the weeks after its last with no
        actions); the stored game and how many decisions were new."""
        from simulator.workshop.authority import replay

        body = {"decisions": [encode(d)[1] for d in decisions], "where": where, "close": close}
        if at:
            body["at"] = [list(p) for p in at]
        try:
            answer = self._call("POST", "team/submit", body)
        except _Refusal as exc:
            raise InputError.at(where, exc.code or "workshop.session", str(exc)) from None
        self._log = answer["log"]
        return replay(self.scenario, self.seed, self._log), int(answer["new"])

    def class_results(self) -> list[dict]:
        """Every team's results (plain rows), after the reveal only."""
        return self._call("GET", "team/results")["teams"]

    # ---- what needs the seed: computed by the server (the sealed seed's supplier) ---------

    def coaching(self, state: GameState):
        """The coach's findings for `state`, this team's stored game (sealed.coaching_of)."""
        from simulator.workshop.sealed import coaching_from

        answer = self._call("GET", f"team/coach?n={len(state.history)}")
        return coaching_from(answer["coaching"])

    def expert_games(self, games: int | None = None):
        """The expert's games the debrief measures this team against (asked once)."""
        from simulator.workshop.sealed import expert_from

        if self._expert is None:
            self._expert = expert_from(self._call("GET", "team/expert"))
        return self._expert


class RemoteFacilitator:
    """The facilitator's commands sent to a workshop server (the key in a header)."""

    def __init__(self, server: str, code: str, key: str, timeout: float = BOARD_TIMEOUT_S):
        self.remote = Remote(server, timeout)
        self.code = code
        self._key = key

    def _headers(self) -> dict:
        return {"Authorization": f"Facilitator {self._key}"}

    def act(self, action: str, **args) -> dict:
        path = f"/sessions/{quote(self.code)}/facilitator/{action}"
        return self.remote.call("POST", path, args, self._headers())

    def console(self, action: str, **args) -> dict:
        """A console action (schedule, retract, team admin: console_actions)."""
        path = f"/sessions/{quote(self.code)}/console/{action}"
        return self.remote.call("POST", path, args, self._headers())

    def board(self) -> dict:
        return self.remote.call(
            "GET", f"/sessions/{quote(self.code)}/board", headers=self._headers()
        )

    def rounds(self, action: str, **args) -> dict:
        """A rounds action (start, stop, broadcast: rounds.round_act)."""
        path = f"/sessions/{quote(self.code)}/rounds/{action}"
        return self.remote.call("POST", path, args, self._headers())


class RemoteBoard:
    """The facilitator's handle for `workshop board`, `report` and the `list` commands on a
    workshop server: the part of `Facilitator`'s API they use, every read one board request
    and every action sent to the server (which alone writes the store, and advances bots
    when it serves the board)."""

    def __init__(self, server: str, code: str, key: str):
        self._fac = RemoteFacilitator(server, code, key, timeout=BOARD_TIMEOUT_S)
        view = self._fac.remote.call("GET", self._path(""), headers=self._fac._headers())
        self.scenario = scenario_from_yaml(
            view["scenario_yaml"], view["scenario_ref"], view["content_hash"]
        )
        self._info = SessionInfo(**view["session"])
        self._curveballs: list[dict] | None = None
        self._activity: list[dict] = []
        self.round_state: dict | None = None  # the round and broadcast (rounds.board_state)
        self._rows: dict[int, tuple[str, object]] = {}  # team id -> (version, TeamResult)
        self.store = _BoardReads(self)
        self._board = _RemoteLeaderboard(self)

    def _path(self, what: str) -> str:
        return f"/sessions/{quote(self._fac.code)}/facilitator" + (f"/{what}" if what else "")

    def fetch(self) -> list:
        """One board request: every team's result, and the session, curveballs and activity
        as of that moment (kept for `info`, `curveballs()` and the board's activity). Rows
        that did not change since the last request are not sent again."""
        from simulator.workshop.views import result_of

        data = self._fac.remote.call(
            "POST",
            f"/sessions/{quote(self._fac.code)}/board/full",
            {"known": [v for v, _ in self._rows.values()]},
            headers=self._fac._headers(),
        )
        self._info = SessionInfo(**data["session"])
        self._curveballs = data["curveballs"]
        self._activity = data["activity"]
        self.round_state = data.get("rounds")
        sent = {d["team_id"]: result_of(d) for d in data["results"]}
        rows, kept = [], {}
        for team_id, rank, version in data["order"]:
            row = sent.get(team_id) or self._rows[team_id][1]
            row.rank = rank
            kept[team_id] = (version, row)
            rows.append(row)
        self._rows = kept
        return rows

    @property
    def id(self) -> int:
        return self._info.id

    @property
    def info(self) -> SessionInfo:
        return self._info

    def reload(self) -> SessionInfo:
        view = self._fac.remote.call("GET", self._path(""), headers=self._fac._headers())
        self._info = SessionInfo(**view["session"])
        return self._info

    def leaderboard(self) -> _RemoteLeaderboard:
        return self._board

    def earlier_classes(self) -> list:
        """The server's summaries of earlier classes of the same scenario (history)."""
        from simulator.workshop.history import ClassSummary

        data = self._fac.remote.call("GET", self._path("earlier"), headers=self._fac._headers())
        return [ClassSummary(**d) for d in data["earlier"]]

    def advance_bots(self, rows=None) -> int:
        """Nothing to do here: the server advances bots whenever it serves the board."""
        return 0

    def curveball_events(self):
        return [e for e in self.scenario.events if e.curveball]

    def curveballs(self) -> list[dict]:
        if self._curveballs is None:
            self.fetch()
        return list(self._curveballs or [])

    def injected(self) -> list[dict]:
        return [c for c in self.curveballs() if c["kind"] == "event"]

    def _act(self, action: str, **args) -> dict:
        done = self._fac.act(action, **args)
        self._curveballs = done.get("curveballs", self._curveballs)
        return done

    def _console(self, action: str, **args) -> dict:
        done = self._fac.console(action, **args)
        self._curveballs = done.get("curveballs", self._curveballs)
        return done

    def inject(self, event_id: str, week: int | None = None, at_week: int | None = None) -> int:
        if at_week is not None:
            return int(self._console("schedule", event=event_id, at_week=at_week)["week"])
        return int(self._act("inject", event=event_id, week=week)["week"])

    def shift(
        self,
        stakeholder: str,
        weights: dict,
        week: int | None = None,
        at_week: int | None = None,
        signal: str | None = None,
    ) -> int:
        if at_week is not None or signal is not None:
            done = self._console(
                "schedule", stakeholder=stakeholder, weights=weights, at_week=at_week, signal=signal
            )
            return int(done["week"])
        return int(self._act("shift", stakeholder=stakeholder, weights=weights, week=week)["week"])

    def retract(self, key: str) -> str:
        return str(self._console("retract", key=key).get("name", key))

    def hold(self, week: int) -> None:
        self._act("hold", week=week)

    def release(self) -> None:
        self._act("release")

    def pause(self) -> None:
        self._act("pause")

    def resume(self) -> None:
        self._act("resume")

    def reveal(self) -> None:
        self._act("reveal")

    def add_bot(self, policy: str = "expert", name: str | None = None) -> str:
        return str(self._act("add-bot", policy=policy, name=name)["name"])

    def round_action(self, action: str, **args) -> dict:
        """A rounds action (start, stop, broadcast) on the server (rounds.facilitator_act)."""
        done = self._fac.rounds(action, **args)
        self._info = self.reload()
        return done


class _RemoteLeaderboard:
    """`Leaderboard`'s reading side over the server (`refresh`, `curveballs`, `labels`)."""

    def __init__(self, board: RemoteBoard):
        self._board = board
        self.curveballs: list[dict] = []

    def refresh(self, snapshot=None) -> list:
        rows = self._board.fetch()
        self.curveballs = self._board.curveballs()
        return rows

    def labels(self) -> dict[str, str]:
        out = {e.id: e.name for e in self._board.scenario.events}
        out.update({c["key"]: c["name"] for c in self.curveballs})
        return out


class _BoardReads:
    """The one store read the live board makes besides the leaderboard (its activity
    strip), answered from the last board request."""

    def __init__(self, board: RemoteBoard):
        self._board = board

    def activity(self, session_id: int, limit: int = 20) -> list[dict]:
        return self._board._activity[-limit:]
