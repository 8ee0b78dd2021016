"""The live leaderboard and the class-level analysis, computed from the stored decision logs.

`Leaderboard.refresh()` reads only what changed: one query for every team's log
length, then the new decisions of the teams that moved, applied to the team's
cached game. A team whose log did not grow keeps its cached row, so a refresh
of 200 idle teams costs two small queries.

Everything a facilitator sees is here: the row per team (week, alignment, win
probability, expected score, deal value, weekly series), the response to each
curveball, scenario event or custom priority shift (the week the team re-focused
after it arrived, with the focus cosine before and after, and separately the weeks
until the focus cosine reached 0.9), the practices each team showed, the class
findings (which practices went with winning, over human teams only, with the number
of teams each rests on) and the recap headlines between weeks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.compiled import BUYING_ROLES
from engine.decisions import EndWeek, Focus, IllegalDecision, Run, Shift, Start
from engine.model import Scenario
from engine.state import GameState, new_game
from scoring import alignment as al
from scoring.scorecard import score
from simulator.workshop.admin import effective_kind
from simulator.workshop.curveballs import curveball_list
from simulator.workshop.records import decode

REALIGNED = 0.9  # focus cosine at which a team counts as re-aligned after a curveball
HUMAN_KINDS = ("player",)  # the class: scripted (headless), bot and test teams are not
TEAM_KINDS = ("player", "headless", "bot", "test")  # what a team can be marked as
KIND_LABELS = {"player": "human", "headless": "scripted", "bot": "bot", "test": "test"}
MIN_FINDING_TEAMS = 4  # a class finding resting on fewer human teams carries a warning

# The state of one team's response to one curveball (report cells, CSV, JSON).
RESPONDED = "responded"
NOT_YET = "not-yet"  # arrived, the game goes on, no re-focus so far
NEVER = "never"  # arrived, the game ended without a re-focus (or without re-aligning)
NOT_ARRIVED = "not-arrived"  # not arrived yet; it will at the team's next week
NOT_APPLICABLE = "n/a"  # cannot arrive: the team's game ended first, or its log is broken


@dataclass(frozen=True)
class Response:
    """How a team answered one curveball: the week it changed its focus (at or after the
    arrival), how many weeks that took, and the focus cosine against the customer's new
    priorities before (the focus the curveball found) and after the change (None until
    the week is played). A silent shift is answered only from the week the team learned of
    it (`learned`; None for a shift it was told of, or one not learned of yet)."""

    arrived: int
    week: int | None
    cos_before: float | None
    cos_after: float | None
    learned: int | None = None

    @property
    def lag(self) -> int | None:
        return None if self.week is None else self.week - self.arrived


@dataclass
class TeamResult:
    team_id: int
    name: str
    kind: str
    n_decisions: int
    week: int = 0
    over: bool = False
    result: str | None = None
    score: float = 0.0
    expected_score: float = 0.0
    alignment: float = 0.0
    internal: float = 0.0
    external: float = 0.0
    win_probability: float = 0.0
    weeks_played: int = 0
    expected_value: float = 0.0
    realised_value: float = 0.0
    deal_value: float = 0.0
    components: dict = field(default_factory=dict)
    weekly: dict = field(default_factory=dict)
    events: list = field(default_factory=list)  # (week, event id) that arrived
    arrived: dict = field(default_factory=dict)  # curveball key -> week it arrived
    lags: dict = field(default_factory=dict)  # curveball key -> weeks to re-align, None: not yet
    responses: dict = field(default_factory=dict)  # curveball key -> Response
    practices: dict = field(default_factory=dict)
    key_decisions: list = field(default_factory=list)
    audible_weeks: list = field(default_factory=list)
    error: str | None = None
    rank: int = 0

    @property
    def started(self) -> bool:
        return self.week >= 1

    @property
    def human(self) -> bool:
        """A member of the class (not a scripted, bot or test team)."""
        return self.kind in HUMAN_KINDS

    def _pending(self, event: str) -> str | None:
        if self.error:
            return NOT_APPLICABLE
        if event not in self.arrived:
            return NOT_APPLICABLE if self.over else NOT_ARRIVED
        return None

    def lag_state(self, event: str) -> str:
        """RESPONDED (re-aligned), NOT_YET, NEVER, NOT_ARRIVED or NOT_APPLICABLE."""
        pending = self._pending(event)
        if pending:
            return pending
        if self.lags.get(event) is not None:
            return RESPONDED
        return NEVER if self.over else NOT_YET

    def response_state(self, event: str) -> str:
        """Like lag_state, for the re-focus after curveball `event`."""
        pending = self._pending(event)
        if pending:
            return pending
        resp = self.responses.get(event)
        if resp is not None and resp.week is not None:
            return RESPONDED
        return NEVER if self.over else NOT_YET

    def lag_text(self, event: str) -> str:
        """Weeks until the focus cosine reached REALIGNED after `event`, or its state."""
        state = self.lag_state(event)
        return f"{self.lags[event]} wk" if state == RESPONDED else state

    def response_text(self, event: str) -> str:
        """The re-focus after `event` for a table cell: "week 5 (+2), cos 0.61→0.95"."""
        state = self.response_state(event)
        resp = self.responses.get(event)
        if state != RESPONDED:
            if state in (NEVER, NOT_YET) and resp is not None and resp.cos_before is not None:
                return f"{state} (cos {resp.cos_before:.2f})"
            return state
        cos = ""
        if resp.cos_after is not None:
            before = "?" if resp.cos_before is None else f"{resp.cos_before:.2f}"
            cos = f", cos {before}→{resp.cos_after:.2f}"
        return f"week {resp.week} (+{resp.lag}){cos}"

    def trend(self, key: str = "win_probability") -> list[float]:
        return [v for v in self.weekly.get(key, []) if v == v]  # drop NaN


def _weeks_of(history) -> list[int]:
    """The week each decision was made in (0 for setup)."""
    week, out = 0, []
    for d in history:
        out.append(week)
        if isinstance(d, Start):
            week = 1
        elif isinstance(d, EndWeek):
            week += 1
    return out


def shift_arrivals(state: GameState) -> list[int | None]:
    """The week each custom Shift in the game's log arrived (None: not yet, or the game
    ended first), in log order. A shift takes effect at the start of the next week
    (one made during setup arrives in week 1)."""
    weeks = _weeks_of(state.history)
    out: list[int | None] = []
    pending: list[int] = []
    for d, w in zip(state.history, weeks, strict=True):
        if isinstance(d, Shift):
            pending.append(len(out))
            out.append(None)
        elif isinstance(d, EndWeek | Start) and pending:
            if w + 1 <= state.week:  # else the game ended with this week
                for k in pending:
                    out[k] = w + 1
            pending = []
    return out


def responses(state: GameState, trace: dict, arrivals: dict[str, int]) -> dict[str, Response]:
    """Each curveball's Response: the first week at or after its arrival in which the team
    moved its focus (a Focus decision that changed it), and the focus cosine against the
    customer's priorities of the arrival week (before: the focus the curveball found) and
    of the response week (after: the focus at the end of that week)."""
    t = al.shared(trace)
    prio = t[al.CUSTOMER][0]  # (W, K): the customer's priorities each week
    end_focus = t["t_focus"][0]  # (W, K): the focus held at the end of each week
    played = int(trace["played"][0].sum())
    dims = state.compiled.dims
    current = np.full(len(dims), 1.0 / len(dims))  # the even default before any Focus
    changes: list[tuple[int, np.ndarray, np.ndarray]] = []  # (week, focus before, after)
    for d, w in zip(state.history, _weeks_of(state.history), strict=True):
        if isinstance(d, Focus):
            new = np.array([float(d.weights.get(k, 0.0)) for k in dims])
            if new.sum() > 0:
                new = new / new.sum()
            if np.abs(new - current).max() > 1e-9:
                changes.append((w, current, new))
            current = new

    def cos(f: np.ndarray, w: int) -> float | None:
        return round(float(al.cosine(f, prio[w - 1])), 4) if 1 <= w <= played else None

    out = {}
    for key, fw in arrivals.items():
        found = [f for f in changes if f[0] < fw]
        held = found[-1][2] if found else np.full(len(dims), 1.0 / len(dims))
        learned = silent_learned(state, trace, key, fw)
        start = fw if learned is None else learned
        week = next((w for w, _, _ in changes if start <= w <= played), None)
        if learned == NOT_LEARNED:
            week, learned = None, None
        after = cos(end_focus[week - 1], week) if week is not None else None
        out[key] = Response(fw, week, cos(held, fw), after, learned)
    return out


NOT_LEARNED = -1  # a silent curveball the team has not learned of (yet)


def silent_learned(state: GameState, trace: dict, key: str, fw: int) -> int | None:
    """For a silent scenario curveball that arrived in week fw: the first later week the team
    learned of a shifted stakeholder's change (trace `t_learned`), NOT_LEARNED while it has
    not; None for any other curveball (a told one is heard as it arrives)."""
    from engine import events

    c = state.compiled
    if key not in c.events or "t_learned" not in trace:
        return None
    e = c.events.index(key)
    if not events.tables(c).silent[e]:
        return None
    learned = trace["t_learned"][0][fw:, c.e_prio_set[e]].any(1)
    return fw + 1 + int(np.argmax(learned)) if learned.any() else NOT_LEARNED


def practices(state: GameState, trace: dict) -> dict:
    """What the team did, in the terms of the seed practices (plain values)."""
    played = trace["played"][0]
    n = int(played.sum())
    econ = trace["p_st_role"] == BUYING_ROLES.index("economic")
    present = trace["t_influence"][0] > 0  # (W, S)
    covered = al.stakeholder_covered(trace)[0]
    need = present & econ
    ok = np.where(need.any(-1), (covered | ~need).all(-1), True)
    eb = float(ok[played].mean()) if n else 0.0
    eb_first = next((w + 1 for w in range(len(ok)) if played[w] and need[w].any() and ok[w]), None)
    qb = al.quarterbacks(trace)[0]
    one_qb = float((qb[played] == 1).mean()) if n else 0.0
    audibles = trace["t_audible"][0] & played
    unforced = int(al.unforced_audibles(trace)[0].sum())
    c = state.compiled
    top = float(c.a_discovery.max()) if len(c.a_discovery) else 0.0
    discovery = {  # the scenario's discovery actions: those that reveal the most
        a for a, v in zip(c.actions, c.a_discovery, strict=True) if top > 0 and v >= 0.75 * top
    }
    first = None
    for d, w in zip(state.history, _weeks_of(state.history), strict=True):
        if isinstance(d, Run) and d.action in discovery and d.target is not None:
            first = w
            break
    return {
        "eb_coverage": round(eb, 4),
        "eb_first_week": eb_first,
        "first_discovery": first,
        "one_qb": round(one_qb, 4),
        "audibles": int(audibles.sum()),
        "unforced_audibles": unforced,
    }


def key_decisions(state: GameState, p: dict) -> list[str]:
    """A few lines a facilitator can read out at the reveal."""
    s = state.scenario
    names = {m.id: m.name for m in s.roster}
    roles = {r.id: r.name for r in s.roles}
    team = [
        f"{names[m]} ({roles[state.role_of(m)]})" if state.role_of(m) else f"{names[m]}"
        for m in state.staffed()
    ]
    qbs = [names[m] for m in state.staffed() if state.role_of(m) == s.quarterback_role.id]
    out = [
        "Team: " + (", ".join(team) if team else "nobody staffed"),
        "Quarterback: "
        + (qbs[0] if len(qbs) == 1 else ("none" if not qbs else f"{len(qbs)} at once")),
    ]
    if p["eb_first_week"]:
        out.append(
            f"Economic buyer connected from week {p['eb_first_week']} "
            f"({p['eb_coverage']:.0%} of weeks)"
        )
    else:
        out.append("Economic buyer never connected")
    fd = p["first_discovery"]
    out.append(
        "No discovery with the customer"
        if fd is None
        else ("Discovery during setup" if fd == 0 else f"First discovery in week {fd}")
    )
    out.append(f"Audibles: {p['audibles']} ({p['unforced_audibles']} not answering a shift)")
    weeks = _weeks_of(state.history)
    changes = sum(
        1
        for d, w in zip(state.history, weeks, strict=True)
        if w >= 1 and d.kind in ("staff", "release")
    )
    if changes:
        out.append(f"Staffing changes after the start: {changes}")
    return out


def evaluate(
    state: GameState, curveball_ids: list[str], base: TeamResult, shift_ids: list[str] = ()
) -> TeamResult:
    """Fill `base` with the team's figures from its current game.

    `curveball_ids` are the scenario curveballs injected, `shift_ids` the keys of the
    session's custom shifts in order (the team's N-th Shift is the session's N-th)."""
    trace = state.trace()
    card = score(trace).game(0)
    r = base
    r.week = state.week
    r.over = state.is_over()
    r.result = card["result"] if r.over else None
    r.score = card["score"]
    r.expected_score = card["expected_score"]
    r.alignment = card["alignment"]["total"]
    r.internal = card["alignment"]["internal"]
    r.external = card["alignment"]["external"]
    r.win_probability = card["outcome"]["win_probability"]
    r.weeks_played = card["weeks_played"]
    r.expected_value = card["outcome"]["expected_value"]
    r.realised_value = card["outcome"]["realised_value"]
    r.deal_value = float(state.scenario.deal.value)
    r.components = card["components"]
    r.weekly = {k: card["weekly"][k] for k in ("alignment", "win_probability", "focus_cosine")}
    r.events = state.fired_events()
    fired = {e: w for w, e in r.events}
    fc = card["weekly"]["focus_cosine"]
    r.arrived, r.lags = {}, {}
    arrivals = {e: fired[e] for e in curveball_ids if e in fired}
    for key, fw in zip(shift_ids, shift_arrivals(state), strict=False):
        if fw is not None:
            arrivals[key] = fw
    for key, fw in arrivals.items():
        r.arrived[key] = fw
        r.lags[key] = next((w - fw for w in range(fw, len(fc) + 1) if fc[w - 1] >= REALIGNED), None)
    r.responses = responses(state, trace, arrivals)
    r.practices = practices(state, trace)
    r.key_decisions = key_decisions(state, r.practices)
    aud = trace["t_audible"][0] & trace["played"][0]
    r.audible_weeks = [int(w) + 1 for w in np.flatnonzero(aud)]
    return r


@dataclass
class _Entry:
    n: int
    state: GameState | None
    key: tuple
    row: TeamResult


class Leaderboard:
    """Team results for one session, cached per team by log length."""

    def __init__(self, store, row: dict, scenario: Scenario):
        self.store = store
        self.row = row
        self.scenario = scenario
        self._cache: dict[int, _Entry] = {}
        self.curveballs: list[dict] = []  # as of the last refresh (session.curveball_list)

    def labels(self) -> dict[str, str]:
        """Curveball key -> its name, for every scenario event and custom shift."""
        out = {e.id: e.name for e in self.scenario.events}
        out.update({c["key"]: c["name"] for c in self.curveballs})
        return out

    def refresh(self, snapshot: tuple | None = None) -> list[TeamResult]:
        """Every team's current result, ranked by expected (luck-free) score. `snapshot`
        (Store.board_snapshot, just read) saves the reads of counts and curveballs."""

        sid = self.row["id"]
        if snapshot is None:
            counts = self.store.team_counts(sid)
            events, shifts = self.store.all_curveballs(sid)
        else:
            _, counts, events, shifts = snapshot
        self.curveballs = curveball_list(self.scenario, events, shifts)
        cb_ids = [c["event"] for c in self.curveballs if c["kind"] == "event"]
        shift_ids = [c["key"] for c in self.curveballs if c["kind"] == "shift"]
        stale = {}
        for t in counts:
            e = self._cache.get(t.id)
            if e is None or e.n != t.n_decisions:
                grew = e is not None and e.state is not None and e.n < t.n_decisions
                stale[t.id] = e.n if grew else 0  # a log cut back (undo, reset): replay it
                if not grew:
                    self._cache.pop(t.id, None)
        if len(stale) <= 1:  # one read for any number of teams that moved
            logs = {tid: self.store.log(tid, start) for tid, start in stale.items()}
        else:
            logs = self.store.logs(stale)
        rows = []
        for t in counts:
            e = self._cache.get(t.id)
            kind = effective_kind(t.kind, t.policy)
            if t.id in stale:
                start = stale[t.id]
                state = (
                    e.state
                    if (e is not None and start)
                    else new_game(self.scenario, int(self.row["seed"]))
                )
                error = None
                n = start
                for body in logs[t.id]:
                    try:
                        state = state.apply(decode(body))
                    except (IllegalDecision, ValueError) as exc:
                        error = f"decision {n + 1} cannot be replayed: {exc}"
                        break
                    n += 1
                e = _Entry(n, None if error else state, (), TeamResult(t.id, t.name, kind, n))
                e.row.error = error
                self._cache[t.id] = e
            key = (e.n, tuple(cb_ids), tuple(shift_ids), t.name, kind)
            if e.key != key and e.state is not None:
                base = TeamResult(t.id, t.name, kind, e.n)
                e.row = evaluate(e.state, cb_ids, base, shift_ids)
                e.key = key
            rows.append(e.row)
        rank(rows)
        return rows


def component_keys(rows: list[TeamResult]) -> list[tuple[str, str]]:
    """Every (group, component) the teams have, in the order first seen."""
    out: list[tuple[str, str]] = []
    for r in rows:
        for g in ("internal", "external"):
            for k in r.components.get(g, {}):
                if (g, k) not in out:
                    out.append((g, k))
    return out


def rank(rows: list[TeamResult]) -> None:
    """Sort by expected score (then realised score, then name) and number the ranks."""
    rows.sort(key=lambda r: (r.error is not None, -r.expected_score, -r.score, r.name.casefold()))
    for i, r in enumerate(rows, 1):
        r.rank = i


# ---- class-level analysis -------------------------------------------------------------------


@dataclass(frozen=True)
class Practice:
    key: str
    label: str
    rule: str

    def shown(self, p: dict) -> bool:
        if self.key == "eb_coverage":
            return p["eb_coverage"] >= 0.75
        if self.key == "early_discovery":
            return p["first_discovery"] is not None and p["first_discovery"] <= 2
        if self.key == "one_quarterback":
            return p["one_qb"] >= 0.999
        if self.key == "few_audibles":
            return p["unforced_audibles"] <= 1
        raise KeyError(self.key)  # pragma: no cover


PRACTICES = (
    Practice(
        "eb_coverage",
        "Economic-buyer coverage",
        "the economic buyer had a connection point in at least 3 of every 4 weeks",
    ),
    Practice(
        "early_discovery", "Early discovery", "a discovery action with the customer by week 2"
    ),
    Practice("one_quarterback", "One clear quarterback", "exactly one quarterback every week"),
    Practice(
        "few_audibles", "Few audibles", "at most one strategy change that did not answer a shift"
    ),
)


@dataclass
class Finding:
    practice: Practice
    with_: list[str]
    without: list[str]
    expected_with: float | None
    expected_without: float | None
    win_with: float | None
    win_without: float | None
    text: str
    n_teams: int = 0  # the human teams this finding rests on
    warning: str | None = None  # set when n_teams < the threshold
    excluded: list[str] = field(default_factory=list)  # teams left out, with why


def _mean(xs: list[float]) -> float | None:
    return float(np.mean(xs)) if xs else None


def excluded_teams(rows: list[TeamResult]) -> list[str]:
    """The teams a class finding leaves out, each with why ("Robo (bot)")."""
    out = []
    for r in rows:
        if not r.human:
            out.append(f"{r.name} ({KIND_LABELS.get(r.kind, r.kind)})")
        elif r.error:
            out.append(f"{r.name} (log error)")
        elif not r.started:
            out.append(f"{r.name} (still in setup)")
    return out


def findings(rows: list[TeamResult], min_teams: int = MIN_FINDING_TEAMS) -> list[Finding]:
    """Which practices went with winning, over the human teams that have played a week
    (scripted, bot and test teams left out); each finding says how many teams it rests on
    and warns when that is fewer than `min_teams`."""
    teams = [r for r in rows if r.human and r.started and not r.error]
    left_out = excluded_teams(rows)
    n = len(teams)
    warning = None
    if 0 < n < min_teams:
        warning = f"Rests on {n} human team(s), fewer than {min_teams}: an anecdote, not a pattern."
    out = []
    for p in PRACTICES:
        yes = [r for r in teams if p.shown(r.practices)]
        no = [r for r in teams if not p.shown(r.practices)]
        ew, en = _mean([r.expected_score for r in yes]), _mean([r.expected_score for r in no])
        ww, wn = _mean([r.win_probability for r in yes]), _mean([r.win_probability for r in no])
        if not teams:
            text = "No human team has played a week yet."
        elif not yes or not no:
            who = "Every human team" if yes else "No human team"
            text = f"{who} showed this ({p.rule}), so it does not separate the class."
        else:
            gap = ew - en
            verdict = (
                "went with winning"
                if gap >= 2 and ww >= wn
                else ("went with losing this time" if gap <= -2 else "made little difference")
            )
            text = (
                f"{len(yes)} team(s) showed it ({p.rule}): mean expected score {ew:.1f}, "
                f"win chance {ww:.0%}. The other {len(no)}: {en:.1f} and {wn:.0%}. "
                f"It {verdict}."
            )
        if teams:
            text += f" Based on {n} human team(s)."
        out.append(
            Finding(
                p,
                [r.name for r in yes],
                [r.name for r in no],
                ew,
                en,
                ww,
                wn,
                text,
                n_teams=n,
                warning=warning,
                excluded=left_out,
            )
        )
    return out


def recap_week(rows: list[TeamResult]) -> int:
    """The last week every live team has finished (the week to recap between weeks)."""
    live = [r for r in rows if not r.error and not r.over and r.kind != "bot" and r.started]
    if live:
        return min(r.week for r in live) - 1
    return max([r.weeks_played for r in rows if not r.error] or [0])


def recap(
    rows: list[TeamResult],
    scenario: Scenario,
    week: int | None = None,
    labels: dict[str, str] | None = None,
) -> list[str]:
    """Headlines for the recap strip: what happened in `week` across the class.

    `labels` names the custom shifts (curveball key -> name, `Leaderboard.labels()`)."""
    rows = [r for r in rows if not r.error]
    if not rows:
        return ["No team has joined yet. Share the join code."]
    w = recap_week(rows) if week is None else week
    if w < 1:
        started = sum(r.started for r in rows)
        return [f"Setup: {started} of {len(rows)} team(s) have started week 1."]
    event_ids = {e.id for e in scenario.events}
    names = {e.id: e.name for e in scenario.events} | (labels or {})
    lines = []
    hits: dict[str, int] = {}
    for r in rows:
        shifts = [(fw, k) for k, fw in r.arrived.items() if k not in event_ids]
        for fw, e in r.events + shifts:
            if fw == w:
                hits[e] = hits.get(e, 0) + 1
    for e, k in sorted(hits.items(), key=lambda x: -x[1]):
        lines.append(f"Week {w}: “{names.get(e, e)}” reached {k} team(s)")
    moved = sum(w in r.audible_weeks for r in rows)
    if moved:
        lines.append(f"{moved} team(s) changed strategy in week {w}")
    deltas = []
    for r in rows:
        wp = r.weekly.get("win_probability", [])
        if len(wp) >= w >= 2 and wp[w - 1] == wp[w - 1] and wp[w - 2] == wp[w - 2]:
            deltas.append((wp[w - 1] - wp[w - 2], r, wp[w - 2], wp[w - 1]))
    if deltas:
        up = max(deltas, key=lambda x: x[0])
        down = min(deltas, key=lambda x: x[0])
        if up[0] > 0 and f"{up[2]:.0%}" != f"{up[3]:.0%}":  # a change the line can show
            lines.append(f"Biggest gain: {up[1].name}, win chance {up[2]:.0%} → {up[3]:.0%}")
        if down[0] < 0 and f"{down[2]:.0%}" != f"{down[3]:.0%}":
            lines.append(f"Biggest drop: {down[1].name}, win chance {down[2]:.0%} → {down[3]:.0%}")
    players = [r for r in rows if r.human]
    first: dict[str, int] = {}
    for r in rows:
        for e, fw in r.arrived.items():
            first[e] = min(fw, first.get(e, fw))
    for e in sorted(first, key=lambda k: (first[k], k)):
        hit = [r for r in players if e in r.arrived and r.arrived[e] <= w]
        if hit:
            moved = sum(
                1
                for r in hit
                if r.responses.get(e) is not None
                and r.responses[e].week is not None
                and r.responses[e].week <= w
            )
            lines.append(f"{moved} of {len(hit)} team(s) re-focused after “{names.get(e, e)}”")
    done = [r for r in players if r.over]
    if done:
        wins = sum(r.result == "win" for r in done)
        lines.append(f"{len(done)} team(s) have closed: {wins} win(s)")
    waiting = sum(1 for r in players if not r.started)
    if waiting:
        lines.append(f"{waiting} team(s) still in setup")
    lead = next((r for r in rows if r.human and r.started), None)
    if lead:
        lines.append(f"Class leader: {lead.name} (expected score {lead.expected_score:.1f})")
    return lines
