"""The coach: a game measured against the best play, with its costliest mistakes replayed.

Each mistake is found in the game's own trace, corrected in a copy of its decision log
(connect the stakeholder the week they went uncovered, re-focus the week of a shift or,
for a silent one, the week the team learned of it, drop an unforced audible, ...), and
the corrected log is replayed on the same seed.
The engine is deterministic, so the difference in expected score is exact, not
estimated. Skill and luck come from the expert's games of the same scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from engine.compiled import CHECKLIST
from engine.decisions import Assign, Connect, Decision, Focus, IllegalDecision, Run, Staff
from engine.decisions import Plan as PlanMs
from engine.model import Scenario
from engine.state import GameState, new_game
from scoring import alignment as al
from scoring.components import weeks_text
from scoring.debrief import component_values
from scoring.scorecard import score

EXPERT_GAMES = 200  # the expert's games a trainee's expected score is ranked among
MAX_CANDIDATES = 6  # alternatives tried per mistake (members to connect, weeks to move to)


@dataclass(frozen=True)
class Mistake:
    """One mistake and its exact counterfactual: the same game with only this corrected."""

    practice: str  # engine.practices id
    what: str  # what happened, in the player's terms
    fix: str  # the correction, as "Had ..."
    week: int  # the week the correction applies from (0 = setup)
    person: str  # the member or stakeholder it is about ("" when none)
    delta: float  # expected score, corrected minus actual
    win_before: float
    win_after: float

    def line(self) -> str:
        return (
            f"{self.fix}, expected score {self.delta:+.1f} "
            f"(win chance {self.win_before:.0%} → {self.win_after:.0%})"
        )


@dataclass(frozen=True)
class Coaching:
    """The coach's view of one game."""

    mistakes: tuple[Mistake, ...]  # the costliest first, at most three
    expected: float
    realised: float
    expert_expected: float  # mean expected score of the expert's games
    percentile: float  # share of the expert's games this game's expected score beats
    luck: float  # realised minus expected: what the customer's final decision moved
    baseline: dict[str, float]  # "group.component" -> the expert's mean value

    def as_dict(self) -> dict:
        """The `--json` shape."""
        return {
            "expected_score": round(self.expected, 4),
            "score": round(self.realised, 4),
            "expert_expected_score": round(self.expert_expected, 4),
            "percentile": round(self.percentile, 4),
            "luck": round(self.luck, 4),
            "mistakes": [
                {
                    "practice": m.practice,
                    "what": m.what,
                    "fix": m.fix,
                    "week": m.week,
                    "person": m.person,
                    "expected_gain": round(m.delta, 4),
                    "win_probability": [round(m.win_before, 4), round(m.win_after, 4)],
                }
                for m in self.mistakes
            ],
        }

    def summary(self) -> str:
        """Skill vs luck in one line."""
        rank = (
            f"better than {self.percentile:.0%} of the expert's games"
            if self.percentile > 0
            else "below every one of the expert's games"
        )
        return (
            f"Expected score {self.expected:.1f}, {rank} (expert average "
            f"{self.expert_expected:.1f}); luck moved the result {self.luck:+.1f} points."
        )

    @property
    def gap(self) -> float:
        return self.expert_expected - self.expected


# ---- the decision log, by week ------------------------------------------------------------


def by_week(history: tuple[Decision, ...]) -> list[list[Decision]]:
    """The log cut into setup (index 0, ending with Start) and one list per week played,
    each ending with its EndWeek."""
    parts: list[list[Decision]] = [[]]
    for d in history:
        parts[-1].append(d)
        if d.kind in ("start", "end_week"):
            parts.append([])
    if not parts[-1] and len(parts) > 1:
        parts.pop()
    return parts


def joined(parts: list[list[Decision]]) -> list[Decision]:
    return [d for p in parts for d in p]


def insert_at(parts: list[list[Decision]], week: int, new: list[Decision]) -> list[Decision]:
    """The log with `new` placed at the start of `week` (week 0: at the end of setup,
    before Start)."""
    out = [list(p) for p in parts]
    if week <= 0:
        k = next((n for n, d in enumerate(out[0]) if d.kind == "start"), len(out[0]))
        out[0][k:k] = new
    elif week < len(out):
        out[week][0:0] = new
    return joined(out)


def replay(scenario: Scenario, seed: int, decisions: list[Decision]) -> GameState:
    """Apply the decisions in order, skipping any the corrected game no longer allows."""
    state = new_game(scenario, seed)
    for d in decisions:
        if state.is_over():
            break
        try:
            state = state.apply(d)
        except IllegalDecision:
            continue
    return state


# ---- the mistakes a trace shows, each with its corrected logs ------------------------------

# (topic, practice, what, fix, week, who, log): one mistake per topic is reported
Candidate = tuple[str, str, str, str, int, str, list[Decision]]


@dataclass(frozen=True)
class Game:
    """What the finders read: the scenario, the log by week and the game's trace."""

    scenario: Scenario
    parts: list[list[Decision]]
    t: dict

    @property
    def played(self) -> np.ndarray:
        return self.t["played"][0]

    def member(self, i: int) -> str:
        return self.scenario.roster[i].name

    def stakeholder(self, j: int) -> str:
        return self.scenario.stakeholders[j].name

    def staffed(self, week: int) -> np.ndarray:
        """Members on the team in `week` (1-based; the first week for setup)."""
        return np.flatnonzero(self.t["t_staffed"][0, max(week, 1) - 1])


def _connections(g: Game) -> Iterator[Candidate]:
    t, s = g.t, g.scenario
    inf = t["t_influence"][0]
    gaps = ~al.stakeholder_covered(t)[0] & g.played[:, None] & (inf >= 0.1)
    sen = np.array([m.seniority for m in s.roster], float)
    for j in np.flatnonzero(gaps.any(0)):
        week = int(np.flatnonzero(gaps[:, j])[0]) + 1
        who = g.stakeholder(j)
        members = g.staffed(week)
        members = members[np.argsort(np.abs(sen[members] - s.stakeholders[j].seniority))]
        for m in members[:MAX_CANDIDATES]:
            yield (
                f"connect:{j}",
                "connections",
                f"{who} had no connection point in {weeks_text(gaps[:, j])}",
                f"Had {g.member(m)} met {who} in week {week}",
                week,
                who,
                insert_at(g.parts, week, [Connect(s.roster[m].id, s.stakeholders[j].id)]),
            )


def _round_focus(dims: list[str], weights: np.ndarray) -> dict[str, float]:
    w = np.asarray(weights, float)
    w = 100 * w / max(w.sum(), 1e-9)
    return {d: float(round(x)) for d, x in zip(dims, w, strict=True) if round(x) > 0}


def _refocus(g: Game) -> Iterator[Candidate]:
    t, s = g.t, g.scenario
    dims = [d.id for d in s.dimensions]
    names = [d.name for d in s.dimensions]
    truth = al.customer_priorities(t)[0]
    shift = al.heard(t)[0] & g.played  # a silent shift counts from the week it was learned
    learned = t["t_learned"][0] if "t_learned" in t else np.zeros((len(shift), 0), bool)
    respond = int(t["p_rules"]["response_weeks"])
    audible = t["t_audible"][0]
    for w0 in np.flatnonzero(shift):
        week = int(w0) + 1
        if week >= len(g.parts):
            continue
        target = _round_focus(dims, truth[w0])
        top = names[int(np.argmax(truth[w0]))]
        late = audible[w0 : w0 + respond + 1]
        silent = learned[w0].any() and not t["t_shift"][0, w0]
        news = f"the buying team's priorities shifted in week {week}"
        if silent:
            who = ", ".join(s.stakeholders[j].name for j in np.flatnonzero(learned[w0]))
            news = f"in week {week} the team learned that {who}'s priorities had shifted"
        what = f"{news} and the strategy " + (
            "changed late" if audible[w0:].any() and not late.any() else "did not follow"
        )
        if late.any():
            what = (
                f"the strategy answered the week-{week} {'news' if silent else 'shift'} but "
                "missed what changed"
            )
        yield (
            "refocus",
            "realign",
            what,
            f"Had you re-focused on {top} in week {week}",
            week,
            "",
            insert_at(g.parts, week, [Focus(target)]),
        )


def _audibles(g: Game) -> Iterator[Candidate]:
    ua = al.unforced_audibles(g.t)[0]
    weeks = [int(w0) + 1 for w0 in np.flatnonzero(ua) if int(w0) + 1 < len(g.parts)]
    if len(weeks) > 1:
        parts = [list(p) for p in g.parts]
        for week in weeks:
            parts[week] = [d for d in parts[week] if d.kind != "focus"]
        yield (
            "audible",
            "realign",
            f"{len(weeks)} audibles answered no change at the customer ({weeks_text(ua)})",
            f"Had you kept the strategy steady in {weeks_text(ua)}",
            weeks[0],
            "",
            joined(parts),
        )
    for w0 in np.flatnonzero(ua):
        week = int(w0) + 1
        parts = [list(p) for p in g.parts]
        if week >= len(parts):
            continue
        parts[week] = [d for d in parts[week] if d.kind != "focus"]
        yield (
            "audible",
            "realign",
            f"an audible in week {week} answered no change at the customer",
            f"Had you kept the strategy in week {week}",
            week,
            "",
            joined(parts),
        )


def _first_strategy(g: Game) -> tuple[int, int, Focus] | None:
    """(part, position, decision) of the first focus that is not an even guess."""
    for n, part in enumerate(g.parts):
        for k, d in enumerate(part):
            if isinstance(d, Focus) and len({round(v, 9) for v in d.weights.values()}) > 1:
                return n, k, d
    return None


def _discovery(g: Game) -> Iterator[Candidate]:
    t, s = g.t, g.scenario
    found = _first_strategy(g)
    if found is None:
        return
    n, k, strategy = found
    w0 = max(n - 1, 0)
    inf = t["t_influence"][0, w0]
    known = float((t["t_know"][0, max(w0 - 1, 0)] * inf).sum() / max(inf.sum(), 1e-9))
    if n and known >= 0.4:
        return
    what = (
        f"the strategy was set in week {n}, knowing about {known:.0%} of what the buying team "
        "cares about"
        if n
        else "the strategy was set before any discovery"
    )
    parts = [list(p) for p in g.parts]
    del parts[n][k]
    for week in range(n + 1, min(len(parts), n + 3)):
        yield (
            "discovery",
            "discovery",
            what,
            f"Had you set the strategy in week {week}, after discovery",
            week,
            "",
            insert_at(parts, week, [strategy]),
        )
    probe = [a for a in s.actions if a.effects.discovery > 0 and a.targets]
    probe.sort(key=lambda a: -a.effects.discovery)
    week = max(n, 1)
    if not probe or week + 1 >= len(parts):
        return
    ask = sorted(range(len(s.stakeholders)), key=lambda j: -inf[j])
    runs = []
    for m, j in zip(g.staffed(week)[:3], ask, strict=False):
        a = next((a for a in probe if s.stakeholders[j].buying_role in a.targets), None)
        if a is not None:
            runs.append(Run(a.id, s.roster[m].id, s.stakeholders[j].id))
    if runs:
        with_runs = [list(p) for p in parts]
        with_runs[week][0:0] = runs
        yield (
            "discovery",
            "discovery",
            what,
            f"Had you run {probe[0].name.lower()}s in week {week} and set the strategy after",
            week,
            "",
            insert_at(with_runs, week + 1, [strategy]),
        )


def _checklist(g: Game) -> Iterator[Candidate]:
    internal = {m.id for m in g.scenario.roster if m.internal_resource}
    for n, part in enumerate(g.parts):
        for k, d in enumerate(part):
            if isinstance(d, Staff) and d.member in internal and set(d.checklist) != set(CHECKLIST):
                parts = [list(p) for p in g.parts]
                parts[n][k] = Staff(d.member, CHECKLIST)
                name = next(m.name for m in g.scenario.roster if m.id == d.member)
                yield (
                    f"checklist:{d.member}",
                    "follow_through",
                    f"{name} was enrolled without the whole follow-through checklist",
                    f"Had you done the whole checklist when {name} joined",
                    n,
                    name,
                    joined(parts),
                )


def _quarterback(g: Game) -> Iterator[Candidate]:
    qb = al.quarterbacks(g.t)[0]
    none = (qb == 0) & g.played
    if not none.any():
        return
    s = g.scenario
    role = next(r.id for r in s.roles if r.quarterback)
    week = int(np.flatnonzero(none)[0]) + 1
    at = 0 if week == 1 else week
    for m in g.staffed(week)[:MAX_CANDIDATES]:
        yield (
            "quarterback",
            "quarterback",
            f"nobody called the plays in {weeks_text(none)}",
            f"Had {g.member(m)} been quarterback from week {week}",
            at,
            g.member(m),
            insert_at(g.parts, at, [Assign(s.roster[m].id, role)]),
        )


def _milestones(g: Game) -> Iterator[Candidate]:
    t, s = g.t, g.scenario
    from scoring.alignment import owned

    unowned = ~owned(t)[0]
    staffed = g.staffed(1)
    roles = t["t_role"][0, 0]
    for k in np.flatnonzero(unowned):
        ms = s.milestones[int(k)]
        for m in staffed[:MAX_CANDIDATES]:
            acts = [a for a in s.actions if a.roles and s.roles[roles[m]].id in a.roles]
            acts = [a for a in acts if ms.id in (a.effects.progress or {})] or acts
            if not acts:
                continue
            yield (
                f"milestone:{k}",
                "milestones",
                f"{ms.name} had no owner or short-term action",
                f"Had {g.member(m)} owned {ms.name} with a dated action",
                0,
                g.member(m),
                insert_at(g.parts, 0, [PlanMs(ms.id, s.roster[m].id, acts[0].id, ms.target_week)]),
            )


def _requests(g: Game) -> Iterator[Candidate]:
    t, s = g.t, g.scenario
    missed = t.get("request_missed")
    if missed is None:
        return
    for e in np.flatnonzero(missed[0]):
        ev = s.events[int(e)]
        req = ev.effects.request
        weeks = _firings(t, int(e))
        who = next(x for x in s.stakeholders if x.id == req.stakeholder)
        what = f"{who.name} asked for an expert in week {weeks[0]} and nobody answered"
        if len(weeks) > 1:  # a repeating request: try answering from each time it came
            what = (
                f"{who.name} asked for an expert in weeks {', '.join(map(str, weeks))} and "
                "a request went unanswered"
            )
        for week in weeks:
            fit = [
                m
                for m in s.roster
                if m.skills.get(req.skill, 0.0) >= req.level and m.id not in _on_team(g, week)
            ]
            fit.sort(key=lambda m: m.weekly_cost)
            for m in fit[: MAX_CANDIDATES // 2]:
                add = [
                    Staff(m.id, CHECKLIST if m.internal_resource else ()),
                    Connect(m.id, who.id),
                ]
                yield (
                    f"request:{e}",
                    "customer_voice",
                    what,
                    f"Had {m.name} joined and met {who.name} in week {week}",
                    week,
                    who.name,
                    insert_at(g.parts, week, add),
                )


def _firings(t: dict, e: int) -> list[int]:
    """Every week event e fired in (a repeating event fires more than once), oldest
    first; [1] when the trace does not say."""
    if "fire_log" in t:
        weeks = [int(w) + 1 for w in np.flatnonzero(t["fire_log"][0][:, e])]
    else:
        fired = int(t["fired_week"][0, e]) if "fired_week" in t else 0
        weeks = [fired] if fired else []
    return weeks or [1]


def _on_team(g: Game, week: int) -> set[str]:
    return {g.scenario.roster[m].id for m in g.staffed(week)}


def _rhythm(g: Game) -> Iterator[Candidate]:
    from scoring.debrief import _gaps

    t, s = g.t, g.scenario
    r = t["p_rules"]
    for kind, has, mask, every, action in (
        ("review", t["p_has_review"], t["t_review"][0], r["review_every"], "share_knowledge"),
        ("coaching", t["p_has_coaching"], t["t_coached"][0], r["coaching_every"], "coaching"),
    ):
        if not has:
            continue
        lapsed = _gaps(mask, int(every)) & g.played
        if not lapsed.any():
            continue
        acts = [a for a in s.actions if getattr(a.effects, action, 0)]
        if not acts:
            continue
        week = int(np.flatnonzero(lapsed)[0]) + 1
        members = g.staffed(week)
        if not len(members):
            continue
        qb = members[t["t_role"][0, week - 1, members] == t["p_qb_role"]]
        lead = int(qb[0]) if len(qb) else int(members[0])
        runs = [Run(acts[0].id, s.roster[lead].id, None)]
        parts = [list(p) for p in g.parts]
        for w0 in np.flatnonzero(lapsed):
            if int(w0) + 1 < len(parts):
                parts[int(w0) + 1][0:0] = runs
        yield (
            f"rhythm:{kind}",
            "rhythm",
            f"no {kind} on the cadence in {weeks_text(lapsed)}",
            f"Had you kept the {kind} cadence from week {week}",
            week,
            "",
            joined(parts),
        )


FINDERS: tuple[Callable[[Game], Iterator[Candidate]], ...] = (
    _connections,
    _refocus,
    _audibles,
    _discovery,
    _checklist,
    _quarterback,
    _milestones,
    _requests,
    _rhythm,
)


# ---- the coach -----------------------------------------------------------------------------


def _expected(state: GameState) -> tuple[float, float]:
    sc = score(state.trace())
    return float(sc.expected_score[0]), float(sc.outcome["win_probability"][0])


def mistakes(state: GameState, top: int = 3) -> tuple[Mistake, ...]:
    """The `top` costliest mistakes of the game so far, each with its exact counterfactual:
    the best correction per topic, the largest gain first. Only corrections that help count."""
    parts = by_week(state.history)
    if len(parts) < 2:
        return ()
    base, win = _expected(state)
    g = Game(state.scenario, parts, state.trace())
    best: dict[str, Mistake] = {}
    for find in FINDERS:
        for topic, practice, what, fix, week, who, log in find(g):
            cf = replay(state.scenario, state.seed, log)
            if cf.week < state.week and not state.is_over():
                continue
            exp, w = _expected(cf)
            if exp - base > 0.05 and (topic not in best or exp - base > best[topic].delta):
                best[topic] = Mistake(practice, what, fix, week, who, exp - base, win, w)
    return tuple(sorted(best.values(), key=lambda m: -m.delta)[:top])


_EXPERT: dict[tuple[str, int], tuple[np.ndarray, dict[str, float]]] = {}


def expert_games(scenario: Scenario, seed: int, games: int = EXPERT_GAMES):
    """(expected scores, mean component values) of the expert's games of this scenario,
    the trainee's seed among them; computed once per scenario version and seed. A sealed
    game's seed (a workshop player's, engine.drawn) asks the workshop server instead."""
    supplier = getattr(seed, "supplier", None)
    if supplier is not None:
        return supplier.expert_games(games)
    key = (scenario.content_hash, int(seed))
    if key not in _EXPERT:
        from engine.batch import simulate
        from engine.bots import make_policy

        seeds = [seed] + [x for x in range(games) if x != seed][: games - 1]
        sc = score(simulate(scenario, seeds, make_policy("expert", seed=0)).trace())
        means = {k: float(v.mean()) for k, v in component_values(sc).items()}
        if len(_EXPERT) > 16:
            _EXPERT.clear()
        _EXPERT[key] = (sc.expected_score, means)
    return _EXPERT[key]


def coach(state: GameState) -> Coaching:
    """Mistakes with counterfactuals, and skill vs luck against the expert's games (from
    the workshop server, for a sealed game whose supplier coaches)."""
    supplier = getattr(state.seed, "supplier", None)
    if supplier is not None and hasattr(supplier, "coaching"):
        return supplier.coaching(state)
    sc = score(state.trace())
    expected, realised = float(sc.expected_score[0]), float(sc.score[0])
    expert, baseline = expert_games(state.scenario, state.seed)
    return Coaching(
        mistakes=mistakes(state),
        expected=expected,
        realised=realised,
        expert_expected=float(expert.mean()),
        percentile=float((expert < expected).mean()),
        luck=realised - expected,
        baseline=baseline,
    )
