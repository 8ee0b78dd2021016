"""Workshop sessions: create one, join it as a team, run it as the facilitator.

A session is one scenario and one seed shared by every team. Each team's game
is its decision log in the store, appended decision by decision as it is
played, so the board is live and a crashed player resumes where they were.

Three handles, one per role:

- `create_session(...)` makes a session and returns its join code and the
  facilitator key (shown once; only a salted hash is stored).
- `join(code, team)` -> TeamSession: the player's side, used by the TUI
  (`dealcraft play --join`). Its `step(state, decision)` is the one call the
  app needs: it honours pause and hold, folds in the facilitator's curveballs
  and appends everything to the log in one write.
- `facilitate(code, key)` -> Facilitator: pacing, curveballs, bots, reveal.

A curveball is either one of the scenario's `curveball: true` events (an
`Inject` in each team's log) or a custom priority shift on one stakeholder (a
`Shift`). Both are stored once per session and delivered the same way.

Headless teams (`dealcraft run --join`) go through `submit_headless`, bots
through `Facilitator.add_bot`; both are "scripted": their whole log is a
function of their source and the session's curveballs, and the store holds
the part that pacing allows so far.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import string
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from engine.decisions import (
    Decision,
    EndWeek,
    IllegalDecision,
    Inject,
    Shift,
    Start,
    from_dict,
)
from engine.loader import find_scenario, load_scenario
from engine.model import Event, Scenario
from engine.problems import InputError
from engine.state import GameState, new_game
from simulator.workshop.store import LogConflict, Store, open_store

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read aloud
CODE_LENGTH = 6
KEY_ALPHABET = string.ascii_letters + string.digits
NAME_MAX = 32
KINDS = ("player", "headless", "bot")
BOT_POLICIES = ("expert", "random")
SHIFT_MAX = 100.0  # the engine's bound on one priority weight


class Held(IllegalDecision):
    """The facilitator's pacing stops this decision for now (paused, or held at a week)."""


def _err(where: str, msg: str, code: str = "workshop.session") -> InputError:
    return InputError.at(where, code, msg)


# ---- small pieces ---------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_key() -> str:
    """24 letters and digits (~143 bits): never starts with '-', so `--key KEY` parses."""
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(24))


def _key_hash(salt: str, key: str) -> str:
    return hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()


def check_team_name(name: str | None) -> str:
    """A valid team name (trimmed), or InputError: 1-32 printable characters."""
    name = (name or "").strip()
    if not name:
        raise _err("team", "give your team a name with --team (1-32 characters)")
    if len(name) > NAME_MAX:
        raise _err("team", f"team names are at most {NAME_MAX} characters ({len(name)} given)")
    if not name.isprintable():
        raise _err("team", "team names may use printable characters only")
    return name


def name_key(name: str) -> str:
    """Team names are unique ignoring case and repeated spaces."""
    return " ".join(name.casefold().split())


def encode(d: Decision) -> tuple[str, str]:
    return d.kind, json.dumps(d.to_dict(), sort_keys=True, separators=(",", ":"))


def decode(body: str) -> Decision:
    return from_dict(json.loads(body))


@dataclass(frozen=True)
class SessionInfo:
    """A session as stored (never the key)."""

    id: int
    code: str
    name: str
    scenario_ref: str
    scenario_id: str
    content_hash: str
    seed: int
    hold_week: int | None
    paused: bool
    revealed: bool
    created_at: float

    @classmethod
    def of(cls, row: dict) -> SessionInfo:
        return cls(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            scenario_ref=row["scenario_ref"],
            scenario_id=row["scenario_id"],
            content_hash=row["content_hash"],
            seed=int(row["seed"]),
            hold_week=row["hold_week"],
            paused=bool(row["paused"]),
            revealed=bool(row["revealed"]),
            created_at=row["created_at"],
        )

    @property
    def hold_label(self) -> str | None:
        """Where teams are held: 'setup', 'week N', or None."""
        if self.hold_week is None:
            return None
        return "setup" if self.hold_week == 0 else f"week {self.hold_week}"

    def held_at(self, week: int) -> str | None:
        """Why a team at `week` may not move on to the next week now, or None."""
        if self.paused:
            return "the facilitator has paused the workshop; wait for them to resume"
        if self.hold_week is not None and week >= self.hold_week:
            return (
                f"the facilitator is holding every team at {self.hold_label}; wait for the release"
            )
        return None


# ---- curveballs: scenario events and custom shifts ------------------------------------------


def shift_label(scenario: Scenario, stakeholder: str, weights: dict[str, float], n: int) -> str:
    """'Shift 1: Helen Marsh → Time to value 60%, Total cost 40%' (weights as shares)."""
    who = next((s.name for s in scenario.stakeholders if s.id == stakeholder), stakeholder)
    dims = {d.id: d.name for d in scenario.dimensions}
    total = sum(v for v in weights.values() if v > 0) or 1.0
    parts = [
        f"{dims.get(k, k)} {v / total:.0%}"
        for k, v in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        if v > 0
    ]
    return f"Shift {n}: {who} → {', '.join(parts)}"


def curveball_list(scenario: Scenario, events: list[dict], shifts: list[dict]) -> list[dict]:
    """Every curveball of a session, oldest first, as plain dicts (JSON-ready).

    Each has `key` (the event id, or `shift-N` for the N-th custom shift), `kind`
    ("event" or "shift"), `name`, `after_week` and `created_at`; events add `event`,
    shifts add `stakeholder` and `weights`.
    """
    names = {e.id: e.name for e in scenario.events}
    out = [
        {
            "key": cb["event"],
            "kind": "event",
            "name": names.get(cb["event"], cb["event"]),
            "event": cb["event"],
            "after_week": int(cb["after_week"]),
            "created_at": cb["created_at"],
        }
        for cb in events
    ]
    for n, sh in enumerate(shifts, 1):
        out.append(
            {
                "key": f"shift-{n}",
                "kind": "shift",
                "name": shift_label(scenario, sh["stakeholder"], sh["weights"], n),
                "stakeholder": sh["stakeholder"],
                "weights": dict(sh["weights"]),
                "after_week": int(sh["after_week"]),
                "created_at": sh["created_at"],
            }
        )
    out.sort(key=lambda c: (c["created_at"], c["kind"] == "shift"))
    return out


def curveball_decision(cb: dict) -> Inject | Shift:
    """The log decision that delivers curveball `cb` (an item of `curveball_list`)."""
    if cb["kind"] == "shift":
        return Shift(cb["stakeholder"], dict(cb["weights"]))
    return Inject(cb["event"])


def check_shift(scenario: Scenario, stakeholder: str, weights: dict) -> dict[str, float]:
    """The weights of a valid custom shift on `stakeholder` (as floats), or InputError
    naming the valid stakeholder or dimension ids."""
    ids = [s.id for s in scenario.stakeholders]
    if stakeholder not in ids:
        raise _err(
            "shift",
            f"'{stakeholder}' is not a stakeholder of scenario '{scenario.id}' "
            f"(stakeholders: {', '.join(ids)})",
        )
    dims = [d.id for d in scenario.dimensions]
    if not weights:
        raise _err(
            "shift", f"give at least one weight as dim=weight (dimensions: {', '.join(dims)})"
        )
    out: dict[str, float] = {}
    for k, v in weights.items():
        if k not in dims:
            raise _err(
                "shift",
                f"'{k}' is not a priority dimension of scenario '{scenario.id}' "
                f"(dimensions: {', '.join(dims)})",
            )
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise _err("shift", f"the weight for {k} must be a number, not {v!r}") from None
        if not 0 <= f <= SHIFT_MAX:  # also refuses NaN
            raise _err("shift", f"the weight for {k} must lie in 0-{SHIFT_MAX:g} ({v} given)")
        out[k] = f
    if sum(out.values()) <= 0:
        raise _err("shift", "the new priorities need at least one positive weight")
    return out


_SCENARIOS: dict[str, Scenario] = {}


def session_scenario(store: Store, row: dict) -> Scenario:
    """The session's scenario, exactly the version it was created with."""
    h = row["content_hash"]
    if h in _SCENARIOS:
        return _SCENARIOS[h]
    scenario = None
    try:
        found = find_scenario(row["scenario_ref"])
        if found.content_hash == h:
            scenario = found
    except InputError:
        pass
    if scenario is None:  # moved or edited since: use the copy kept in the store
        folder = Path(tempfile.gettempdir()) / "dealcraft-scenarios"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{row['scenario_id']}-{h}.yaml"
        path.write_text(row["scenario_yaml"], encoding="utf-8")
        scenario = load_scenario(path, display=row["scenario_ref"])
        if scenario.content_hash != h:  # pragma: no cover - the stored copy is the original
            raise _err(row["scenario_ref"], "the session's scenario cannot be rebuilt exactly")
    _SCENARIOS[h] = scenario
    return scenario


def _find(store: Store, code: str) -> dict:
    row = store.session(normalise_code(code))
    if row is None:
        raise _err("workshop", f"no workshop session with code '{code}' in {store.where}")
    return row


# ---- creating -------------------------------------------------------------------------------


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
        raise _err("--name", "session names may use printable characters only")
    if seed is None:
        seed = secrets.randbelow(1_000_000)
    store = open_store(db)
    key = new_key()
    salt = secrets.token_hex(16)
    for _ in range(20):
        code = new_code()
        if not store.code_taken(code):
            break
    else:  # pragma: no cover - 2^30 codes
        raise _err("workshop", "could not find a free join code; try again")
    store.add_session(
        code=code,
        name=name,
        scenario_ref=ref,
        scenario_id=scenario.id,
        content_hash=scenario.content_hash,
        scenario_yaml=yaml_text,
        seed=int(seed),
        key_salt=salt,
        key_hash=_key_hash(salt, key),
        hold_week=None,
        paused=False,
        revealed=False,
    )
    row = _find(store, code)
    store.note(row["id"], f"session created: {scenario.title}, seed {seed}")
    return SessionInfo.of(row), key


# ---- the player's side ----------------------------------------------------------------------


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
        self._row = _find(self.store, self._row["code"])
        return SessionInfo.of(self._row)

    def log(self) -> list[Decision]:
        """This team's decisions so far, in order (to resume after a crash)."""
        bodies = self.store.log(self.team_id)
        self._n = len(bodies)
        try:
            return [decode(b) for b in bodies]
        except ValueError as exc:
            raise _err("workshop", f"team '{self.team}' has a damaged log: {exc}") from None

    def resume(self) -> GameState:
        """The team's game as stored: a new game when nothing was played yet."""
        state = new_game(self.scenario, self.seed)
        for n, d in enumerate(self.log()):
            try:
                state = state.apply(d)
            except IllegalDecision as exc:
                raise _err(
                    "workshop", f"team '{self.team}': stored decision {n + 1} ({d.kind}): {exc}"
                ) from None
        return state

    def append(self, *decisions: Decision) -> None:
        """Store decisions at the end of the log (low level: prefer `step`)."""
        try:
            self._n = self.store.append(self.team_id, self._n, [encode(d) for d in decisions])
        except LogConflict:
            raise _err(
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
            raise _err(
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
            raise _err("workshop", "the facilitator has not revealed the results yet")
        from simulator.workshop.results import Leaderboard

        return Leaderboard(self.store, self._row, self.scenario).refresh()


def join(code: str, team: str, db: str | None = None, kind: str = "player") -> TeamSession:
    """Join session `code` as `team` (created on first join; later joins resume it)."""
    name = check_team_name(team)
    store = open_store(db)
    row = _find(store, code)
    scenario = session_scenario(store, row)
    existing = store.team(row["id"], name_key(name))
    if existing is None:
        if row["revealed"]:
            raise _err("workshop", "this session's results are revealed; it takes no new teams")
        existing = store.add_team(row["id"], name, name_key(name), kind)
        store.note(row["id"], f"team joined: {name}")
    if existing["kind"] != kind:
        raise _err(
            "team",
            f"'{existing['name']}' is a {existing['kind']} team in this session; pick another name",
        )
    return TeamSession(store, row, scenario, existing)


# ---- scripted teams: headless plans and bots ------------------------------------------------


Due = dict[int, list]  # week -> the curveballs (Inject/Shift, or event ids) due after it


def _injects_by_week(curveballs: list[dict]) -> Due:
    """Scripted teams' curveballs by the week they arrive after, oldest first
    (`curveballs` as from `curveball_list`)."""
    out: Due = {}
    for cb in curveballs:
        out.setdefault(int(cb["after_week"]), []).append(curveball_decision(cb))
    return out


def _session_due(store: Store, scenario: Scenario, session_id: int) -> tuple[list[dict], Due]:
    cbs = curveball_list(scenario, *store.all_curveballs(session_id))
    return cbs, _injects_by_week(cbs)


class _Scripted:
    """Plays a scripted game: inserts the session's curveballs and stops where pacing says."""

    def __init__(self, scenario: Scenario, seed: int, injects: Due, may_end):
        self.state = new_game(scenario, seed)
        self.injects = {
            w: [Inject(d) if isinstance(d, str) else d for d in ds] for w, ds in injects.items()
        }
        self.session_curveballs = {d for ds in self.injects.values() for d in ds}
        self.delivered: set[int] = set()
        self.may_end = may_end
        self.stopped = False

    def boundary(self, d: Decision) -> bool:
        """Before a Start/EndWeek: add the curveballs due now; False when pacing stops here."""
        if not isinstance(d, Start | EndWeek):
            return True
        week = self.state.week
        if week not in self.delivered:
            self.delivered.add(week)
            for cb in self.injects.get(week, []):
                if isinstance(cb, Shift) or self.state.why_illegal(cb) is None:
                    self.state = self.state.apply(cb)
        if not self.may_end(week):
            self.stopped = True
            return False
        return True


def play_script(
    scenario: Scenario,
    seed: int,
    decisions: Iterable[Decision],
    injects: Due,
    may_end: Callable[[int], bool] = lambda w: True,
    where: str = "plan",
) -> GameState:
    """Replay a list of decisions with the session's curveballs, as far as pacing allows.

    Curveballs in `decisions` are the facilitator's: one the session has (a stored
    workshop log replayed) is skipped, since the session delivers it at its own week;
    any other is refused.
    """
    run = _Scripted(scenario, seed, injects, may_end)
    for n, d in enumerate(decisions):
        if isinstance(d, Inject | Shift):
            if d in run.session_curveballs:
                continue
            raise _err(
                where,
                f"decision {n + 1} ({d.kind}): curveballs and priority shifts come from the "
                "facilitator; remove it to submit this game to a workshop",
            )
        if not run.boundary(d):
            break
        try:
            run.state = run.state.apply(d)
        except IllegalDecision as exc:
            raise _err(
                where,
                f"decision {n + 1} ({d.kind}) is illegal in this session's game "
                f"(seed {seed}, week {run.state.week}): {exc}",
            ) from None
        if run.state.is_over():
            break
    return run.state


def play_bot(
    scenario: Scenario,
    seed: int,
    policy_name: str,
    injects: Due,
    may_end: Callable[[int], bool] = lambda w: True,
) -> GameState:
    """A bot's game in the session, as far as pacing allows.

    Without curveballs this is engine.batch.simulate + BatchResult.decisions(0). With
    them the bot is stepped week by week through the single-game State (the same
    policy on a batch of one), so it sees each curveball when it arrives and reacts.
    """
    from engine.batch import BatchResult, simulate
    from engine.bots import make_policy
    from engine.compiled import compile_scenario

    if not injects:
        result = simulate(scenario, [seed], make_policy(policy_name, seed))
        return play_script(scenario, seed, result.decisions(0), {}, may_end, "bot")
    c = compile_scenario(scenario)
    policy = make_policy(policy_name, seed)
    run = _Scripted(scenario, seed, injects, may_end)
    setup = policy.setup(c, run.state.batch)
    base = BatchResult(c, run.state.batch, setup, []).decisions(0)

    def play(ds: list[Decision]) -> bool:
        for d in ds:
            if not run.boundary(d):
                return False
            if run.state.why_illegal(d) is None:  # a curveball may have made a step illegal
                run.state = run.state.apply(d)
        return True

    if not play(base):
        return run.state
    while not run.state.is_over():
        wk = policy.week(c, run.state.batch)
        week = BatchResult(c, run.state.batch, setup, [wk]).decisions(0)[len(base) :]
        if not play(week):
            break
    return run.state


def _catch_up(scenario: Scenario, seed: int, injects: Due, stored: list[str]) -> Due | None:
    """The curveballs as they reach a team that has already played `stored`: one it has
    not received, injected after a week it has passed, arrives at its current week (as
    for a live player). None when the stored game is already over."""
    if not stored:
        return injects
    state = new_game(scenario, seed)
    for body in stored:
        state = state.apply(decode(body))
    if state.is_over():
        return None
    got = [d for d in state.history if isinstance(d, Inject | Shift)]
    out: Due = {}
    for week, ds in sorted(injects.items()):
        for d in ds:
            cb = Inject(d) if isinstance(d, str) else d
            if cb in got:
                got.remove(cb)
                out.setdefault(week, []).append(d)
            else:
                out.setdefault(max(week, state.week), []).append(d)
    return out


def _sync(store: Store, team: dict, state: GameState, where: str) -> int:
    """Append what `state` adds to the team's stored log; the number appended."""
    stored = store.log(team["id"])
    want = [encode(d) for d in state.history]
    if [b for _, b in want[: len(stored)]] != stored:
        raise _err(
            where,
            f"team '{team['name']}' already has a different game in this session; "
            "pick another team name",
        )
    rest = want[len(stored) :]
    try:
        store.append(team["id"], len(stored), rest)
    except LogConflict:
        raise _err(where, f"team '{team['name']}' was updated meanwhile; try again") from None
    return len(rest)


def session_seed(args: argparse.Namespace) -> int:
    """The seed every team of session `args.join` plays (for `dealcraft run --join`, so the
    plan is played with it before submission); InputError on a wrong code."""
    return int(_find(open_store(getattr(args, "db", None)), args.join)["seed"])


def submit_headless(args: argparse.Namespace, state: GameState) -> GameState:
    """`dealcraft run ... --join CODE --team NAME [--db URL]`: submit a headless game.

    The game's decisions are replayed with the session's seed and curveballs (each
    curveball arrives after the week it was injected at) and stored up to the week
    the facilitator holds teams at; run the same command again after the release
    to submit the rest. Returns the submitted game, so the caller prints the
    scorecard of exactly what the board shows. InputError on a wrong code,
    another scenario, a paused session, or a plan that is illegal with this seed.
    """
    db = getattr(args, "db", None)
    name = check_team_name(getattr(args, "team", None))
    store = open_store(db)
    row = _find(store, args.join)
    info = SessionInfo.of(row)
    scenario = session_scenario(store, row)
    if state.scenario.content_hash != scenario.content_hash:
        raise _err(
            "workshop",
            f"session {info.code} plays '{scenario.id}' ({scenario.content_hash}); "
            f"this game is '{state.scenario.id}' ({state.scenario.content_hash})",
        )
    if info.paused:
        raise _err("workshop", "the workshop is paused; submit after the facilitator resumes")
    team = join(info.code, name, db, kind="headless")
    _, cbs = _session_due(store, scenario, info.id)
    played = play_script(
        scenario,
        info.seed,
        state.history,
        cbs,
        lambda w: info.held_at(w) is None,
        where=getattr(args, "plan", None) or "plan",
    )
    n = _sync(store, {"id": team.team_id, "name": team.team}, played, "workshop")
    held = "" if played.is_over() else f"; held at week {played.week}, run again after the release"
    print(
        f"submitted to workshop {info.code} as team '{team.team}': "
        f"{n} new decision(s), week {played.week}{held}",
        file=sys.stderr,
    )
    return played


# ---- the facilitator's side -----------------------------------------------------------------


def facilitate(code: str, key: str | None, db: str | None = None) -> Facilitator:
    """The facilitator's handle on session `code`; InputError unless `key` is its key."""
    store = open_store(db)
    row = _find(store, code)
    if not key:
        raise _err("workshop", "this needs the facilitator key: --key KEY (or $DEALCRAFT_KEY)")
    if not hmac.compare_digest(_key_hash(row["key_salt"], key), row["key_hash"]):
        raise _err("workshop", f"wrong facilitator key for session {row['code']}")
    return Facilitator(store, row, session_scenario(store, row))


def peek(code: str, db: str | None = None) -> tuple[Store, dict, Scenario]:
    """Read-only access to a session by its join code (the public leaderboard)."""
    store = open_store(db)
    row = _find(store, code)
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
        self._row = _find(self.store, self._row["code"])
        return self.info

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

    def inject(self, event_id: str, week: int | None = None) -> int:
        """Inject a curveball into every team's game; the week it arrives after for
        scripted teams (players get it at their next week). Returns that week."""
        ids = [e.id for e in self.curveball_events()]
        if event_id not in ids:
            avail = ", ".join(ids) or "none"
            raise _err(
                "inject",
                f"'{event_id}' is not a curveball of scenario '{self.scenario.id}' "
                f"(curveballs: {avail})",
            )
        week = self._arrival_week(week, "inject")
        if not self.store.add_curveball(self.id, event_id, int(week)):
            raise _err("inject", f"curveball '{event_id}' was already injected in this session")
        name = next(e.name for e in self.curveball_events() if e.id == event_id)
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
            raise _err(where, f"--week must lie in 0-{self.scenario.deal.weeks}")
        return int(week)

    def shift(self, stakeholder: str, weights: dict, week: int | None = None) -> int:
        """Inject a custom priority shift on one stakeholder into every team's game: from
        the start of each team's next week the stakeholder's priorities are `weights`
        (dimension id -> 0-100; relative, missing dimensions 0). Players get it at their
        next decision, scripted teams after the returned week (as `inject`)."""
        weights = check_shift(self.scenario, stakeholder, weights)
        week = self._arrival_week(week, "shift")
        row_id = self.store.add_shift(self.id, stakeholder, weights, week)
        n = [r["id"] for r in self.store.shifts(self.id)].index(row_id) + 1
        label = shift_label(self.scenario, stakeholder, weights, n)
        self.store.note(self.id, f"custom shift injected: {label} (after week {week})")
        self.advance_bots()
        return week

    def _set(self, note: str, advance: bool = True, **values) -> None:
        """Store new session `values`, log `note`, reload; then let bots catch up."""
        self.store.set_session(self.id, **values)
        self.store.note(self.id, note)
        self.reload()
        if advance:
            self.advance_bots()

    def hold(self, week: int) -> None:
        if week < 0 or week > self.scenario.deal.weeks:
            raise _err("hold", f"--week must lie in 0-{self.scenario.deal.weeks}")
        self._set(f"teams held at week {week}", hold_week=int(week))

    def release(self) -> None:
        self._set("hold released", hold_week=None)

    def pause(self) -> None:
        self._set("workshop paused", advance=False, paused=True)

    def resume(self) -> None:
        self._set("workshop resumed", paused=False)

    def reveal(self) -> None:
        self._set("results revealed", advance=False, revealed=True)

    def add_bot(self, policy: str = "expert", name: str | None = None) -> str:
        """Add a bot team (the benchmark); it keeps pace with the class."""
        if policy not in BOT_POLICIES:
            raise _err("--policy", f"unknown bot policy '{policy}'; use {', '.join(BOT_POLICIES)}")
        name = check_team_name(name or f"Bot ({policy})")
        if self.store.team(self.id, name_key(name)) is not None:
            raise _err("team", f"there is already a team called '{name}'")
        self.store.add_team(self.id, name, name_key(name), "bot", policy)
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
        if not bots or info.paused:
            return 0
        target = self.bot_target(rows)
        cbs, injects = _session_due(self.store, self.scenario, self.id)

        def may_end(w: int) -> bool:
            return info.held_at(w) is None and (target is None or w < target)

        added = 0
        for bot in bots:
            mark = (target, info.hold_week, len(cbs), bot.n_decisions)
            if self._bot_marks.get(bot.id) == mark:
                continue
            due = _catch_up(self.scenario, info.seed, injects, self.store.log(bot.id))
            if due is None:  # the bot's deal is over: a late curveball never reaches it
                self._bot_marks[bot.id] = mark
                continue
            state = play_bot(self.scenario, info.seed, bot.policy or "expert", due, may_end)
            added += _sync(self.store, {"id": bot.id, "name": bot.name}, state, "bot")
            self._bot_marks[bot.id] = (target, info.hold_week, len(cbs), len(state.history))
        return added
