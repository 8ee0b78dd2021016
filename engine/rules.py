"""The game's rules over a batch of games: every state change happens here.

A `Batch` holds B games' state as arrays with a leading batch axis; a single
game is a batch of one going through the very same functions, which is what
makes a game score identically alone, headless, in the TUI or in a balance run.
Functions copy-on-write: they take a Batch and return a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np

from engine import arrays as A
from engine import events, rng
from engine.compiled import Compiled
from engine.practices import PRACTICES


@dataclass(frozen=True, eq=False)
class Batch:
    """State of B games at the same point of the same scenario."""

    week: int  # 0 during setup, then 1..W
    resolved: int  # weeks resolved so far
    seeds: np.ndarray  # (B,) uint64
    # the team and the plan
    staffed: np.ndarray  # (B, M) bool
    role: np.ndarray  # (B, M) int, -1 for none
    conn: np.ndarray  # (B, M, S) bool
    focus: np.ndarray  # (B, K) unit-sum
    missing: np.ndarray  # (B, M) follow-through items skipped when enrolled
    ms_owner: np.ndarray  # (B, L) member index or -1
    ms_action: np.ndarray  # (B, L) short-term action index or -1
    ms_due: np.ndarray  # (B, L) due week of that action, 0 for none
    ms_done_on_time: np.ndarray  # (B, L) bool: the short-term action ran by its due week
    last_review: np.ndarray  # (B,) last week an account review ran, 0 for none yet
    last_coaching: np.ndarray  # (B,) last week a coaching session ran, 0 for none yet
    # the customer and the world
    prio: np.ndarray  # (B, S, K) true priorities
    influence: np.ndarray  # (B, S)
    present: np.ndarray  # (B, S) bool
    stance: np.ndarray  # (B, S)
    unknown: np.ndarray  # (B, M, S) how much of each stakeholder's priorities each member
    # does not know yet (1 - knowledge; kept this way because learning multiplies it)
    progress: np.ndarray  # (B, L) points
    competition: np.ndarray  # (B,)
    skill: np.ndarray  # (B, M, Q)
    morale: np.ndarray  # (B,)
    budget: np.ndarray  # (B,)
    value_mult: np.ndarray  # (B,)
    away_until: np.ndarray  # (B, M) last week pulled away, 0 for none
    fired: np.ndarray  # (B, E) bool
    fired_week: np.ndarray  # (B, E) week it fired, 0 for not
    request_due: np.ndarray  # (B, E) last week to answer a request, 0 none, -1 answered/closed
    request_missed: np.ndarray  # (B, E) bool: the request's time ran out unanswered
    hours: np.ndarray  # (B, M) used this week
    weak: np.ndarray  # (B, M) bool: under-delivering this week
    ended: np.ndarray  # (B,) week the deal closed, 0 while open
    # the per-week record scoring reads (index w - 1 for week w)
    record: tuple  # one dict per resolved week: the arrays scoring reads (see resolve_week)
    t_shift: np.ndarray  # (B, W) bool: a priority shift arrived this week
    t_audible: np.ndarray  # (B, W) bool: the strategy focus changed this week
    # what engine.events keeps: behaviour, repeats, lasting effects, silent shifts
    last_run: np.ndarray  # (B, A) last week each action ran, 0 for never (when read)
    last_met: np.ndarray  # (B, S) last week an action was aimed at each (when read)
    fire_count: np.ndarray  # (B, E) times each event fired
    fire_log: np.ndarray  # (B, W, E) bool: the event fired at the start of that week
    undo_week: np.ndarray  # (B, E) week its lasting effect is undone, 0 for none
    belief: np.ndarray  # (B, S, K) what the team believes of silently shifted priorities
    stale: np.ndarray  # (B, S) how much of the estimate that belief still holds
    unheard: np.ndarray  # (B, S) bool: a silent shift of the stakeholder not yet learned of
    t_heard: np.ndarray  # (B, W) bool: the team heard of a priority change this week (a shift
    # it was told of, or a silent one it learned of): the response window starts here
    t_learned: np.ndarray  # (B, W, S) bool: a silent shift of the stakeholder learned of
    memo: dict = field(default_factory=dict, repr=False)  # see `derived`; shared by copies

    @property
    def know(self) -> np.ndarray:
        """(B, M, S) how well each member knows each stakeholder's priorities, 0..1."""
        return 1.0 - self.unknown

    @property
    def size(self) -> int:
        return len(self.seeds)


def derived(b: Batch, name: str, sources: tuple, compute, key=None):
    """compute(), or its value from an earlier call with the same `sources` objects and `key`.

    Many per-week quantities (capacity, alignment of the focus, chemistry) depend on arrays
    that change only now and then; arrays are never changed once in a Batch, so identity
    is enough to know the value still holds. The memo is shared along a game's batches;
    callers must not change what it returns."""
    hit = b.memo.get(name)
    if hit is not None and hit[1] == key and len(hit[0]) == len(sources):
        if all(x is y for x, y in zip(hit[0], sources, strict=True)):
            return hit[2]
    value = compute()
    b.memo[name] = (sources, key, value)
    return value


SAME_WEEKS = "same_weeks"  # the trace key of stack_record's runs of recorded weeks


def stack_record(c: Compiled, b: Batch) -> dict[str, np.ndarray]:
    """The per-week records as (B, W, ...) arrays; weeks not yet played are zeros. Under
    SAME_WEEKS, for each record key, the first week of each run of weeks that recorded the
    very same array (the weeks not yet played are one more run): within a run the key's
    values are the same in every game, so scoring need not compare the weeks' bytes (a
    caller that puts other values under one of these keys drops or corrects it). A bool or
    integer key whose every week recorded the same array is that array seen W times (a
    read-only view with a zero week stride: a team that never changes is not copied W
    times; a float key is always copied, as numpy may add a view's weeks in another
    order)."""
    rec = b.record[0] if b.record else _template(c, b)
    out, same = {}, {}
    played = len(b.record)
    for k, v in rec.items():
        if v.dtype.kind in "biu" and played == c.weeks and all(r[k] is v for r in b.record):
            view = np.broadcast_to(A.memory(v), (c.weeks, *v.shape[1:], b.size))
            out[k], same[k] = A.batched(view), (0,)
            continue
        mem = np.empty((c.weeks, *v.shape[1:], b.size), v.dtype)  # memory order: weeks first
        starts = [0] if played else []
        for i in range(1, played + 1):  # weeks that recorded the very same array
            if i == played or b.record[i][k] is not b.record[starts[-1]][k]:
                mem[starts[-1] : i] = A.memory(b.record[starts[-1]][k])
                if i < played:
                    starts.append(i)
        if played < c.weeks:
            mem[played:] = -1 if k == "t_role" else 0
            starts.append(played)
        out[k] = A.batched(mem)
        same[k] = tuple(starts)
    out[SAME_WEEKS] = same
    return out


def _template(c: Compiled, b: Batch) -> dict[str, np.ndarray]:
    B, M, S, K, L = b.size, len(c.members), len(c.stakeholders), len(c.dims), len(c.milestones)
    return {
        "t_staffed": np.zeros((B, M), bool),
        "t_role": np.zeros((B, M), int),
        "t_conn": np.zeros((B, M, S), bool),
        "t_focus": np.zeros((B, K)),
        "t_prio": np.zeros((B, S, K)),
        "t_influence": np.zeros((B, S)),
        "t_stance": np.zeros((B, S)),
        "t_know": np.zeros((B, S)),
        "t_hours": np.zeros((B, M)),
        "t_capacity": np.zeros((B, M)),
        "t_progress": np.zeros((B, L)),
        "t_competition": np.zeros(B),
        "t_over_budget": np.zeros(B, bool),
        "t_morale": np.zeros(B),
        "t_review": np.zeros(B, bool),
        "t_coached": np.zeros(B, bool),
    }


def _copy(b: Batch, **changes) -> Batch:
    """b with some fields replaced (arrays in batch-last layout); a shallow copy of the
    instance dict, since dataclasses.replace re-runs __init__ over all 37 fields."""
    out = object.__new__(Batch)
    out.__dict__.update(b.__dict__)
    for k, v in changes.items():
        if k not in Batch.__dataclass_fields__:
            raise TypeError(f"Batch has no field '{k}'")
        if isinstance(v, np.ndarray) and not (type(v) is np.ndarray and _is_batch_last(v)):
            v = A.batch_last(v)
        out.__dict__[k] = v
    return out


def _is_batch_last(x: np.ndarray) -> bool:
    """What A.batch_last returns unchanged (checked without its call)."""
    return x.ndim < 2 or len(x) <= 1 or x.strides[0] == x.itemsize


def owned(x: np.ndarray) -> np.ndarray:
    """x's memory as a new array object, for a step to update in place where its caller
    holds no other Batch (`reuse=True`: engine.batch.simulate, which keeps only the latest).
    The new object keeps `derived` from taking the memos of x for those of the result;
    only arrays no record, memo value or other field shares may be passed (the history
    engine.events keeps, the skills, the last weeks things happened)."""
    return x.view()


def first_game(b: Batch) -> Batch:
    """Game 0 of b as a batch of its own (with a memo of its own)."""
    arrays = {k: v[:1] for k, v in b.__dict__.items() if isinstance(v, np.ndarray)}
    return _copy(b, **arrays, memo={})


def _keep_ended(b: Batch, **changes) -> Batch:
    """Apply changes, except to games already decided: their state stays as it closed.

    The changed arrays must be new ones (they are written in place), the old ones, or the
    old ones' memory updated in place (`reuse`), where the step left those games alone."""
    done = np.flatnonzero(b.ended > 0)
    if len(done):
        for k, v in changes.items():
            old = getattr(b, k)
            if not isinstance(v, np.ndarray) or k.startswith("t_") or v is old:
                continue
            if not np.may_share_memory(v, old):
                v[done] = old[done]
    return _copy(b, **changes)


def unit(x: np.ndarray) -> np.ndarray:
    total = A.total(x, -1, keepdims=True)
    return np.divide(x, total, out=np.full_like(x, 1.0 / x.shape[-1]), where=total > 0)


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity over the last axis, 0 where either side is all zero."""
    return A.ratio(A.total(a * b), np.sqrt(A.total(a * a) * A.total(b * b)))


def even_cosine(prio: np.ndarray) -> np.ndarray:
    """Cosine between an even focus (the same weight on every dimension) and `prio`:
    what a strategy set with no knowledge of the customer achieves."""
    return cosine(np.ones_like(prio), prio)


def above_even(focus: np.ndarray, prio: np.ndarray) -> np.ndarray:
    """How much better than an even guess `focus` speaks to `prio`, in 0..1: 0 for an even
    (or worse) focus, 1 for the priorities themselves. Knowledge, not luck, earns it."""
    base = even_cosine(prio)
    return np.clip(A.ratio(cosine(focus, prio) - base, 1.0 - base), 0, 1)


def _alignment(b: Batch) -> np.ndarray:
    """(B, S) above_even(b.focus[:, None], b.prio), bit for bit, with what depends on the
    priorities alone (the even guess's cosine, their squared norm) kept while they last;
    memoised on the focus and the priorities."""
    prio = b.prio
    base, prio_sq = derived(b, "align_prio", (prio,), lambda: _kernels().prio_norms(_mem(prio)))
    last = b.memo.get("align")  # the table of an earlier focus, kept for the same priorities

    def compute():
        focus = _mem(b.focus)
        if last is not None and last[0][1] is prio and last[0][0].shape == b.focus.shape:
            table = _mem(last[2]), _mem(last[0][0]), focus, _mem(prio), base, prio_sq
            return A.batched(_kernels().align_since(*table))
        return A.batched(_kernels().align(focus, _mem(prio), base, prio_sq))

    return derived(b, "align", (b.focus, prio), compute)


def team_know(b: Batch) -> np.ndarray:
    """(B, S) how well the team's best-informed staffed member knows each stakeholder's
    priorities (0 with nobody staffed); memoised on the team and what it knows. Callers
    must not change it."""

    def compute():
        return np.where(b.staffed[..., None], b.know, 0.0).max(1)

    return derived(b, "team_know", (b.staffed, b.unknown), compute)


def links(b: Batch) -> np.ndarray:
    """(B, M, S) the standing connections of staffed members; memoised, callers must not
    change it."""
    return derived(b, "conn", (b.conn, b.staffed), lambda: b.conn & b.staffed[..., None])


def covered_by(b: Batch) -> np.ndarray:
    """(B, S) some staffed member is connected to the stakeholder; memoised like `links`."""
    return derived(b, "covered", (b.conn, b.staffed), lambda: links(b).any(1))


def recent_shift(b: Batch, w: int, weeks: int) -> np.ndarray:
    """(B,) the team heard of a priority change (t_heard) in week w or the `weeks` - 1
    weeks before it: a told shift the week it arrives, a silent one the week it is learned."""
    if weeks <= 0:
        return np.zeros(b.size, bool)
    return b.t_heard[:, max(w - weeks, 0) : w].any(1)


def one_quarterback(c: Compiled, b: Batch) -> np.ndarray:
    """(B,) the team has exactly one staffed quarterback."""
    return ((b.role == c.qb_role) & b.staffed).sum(1) == 1


def new_batch(c: Compiled, seeds) -> Batch:
    """B fresh games in the setup phase."""
    seeds = np.asarray(seeds, dtype=np.uint64).reshape(-1)
    B = len(seeds)
    sh = c.shape
    K, S, M, L, E, W = sh["K"], sh["S"], sh["M"], sh["L"], sh["E"], sh["W"]

    def z(*shape, dtype=float):
        return A.zeros((B, *shape), dtype=dtype)

    present = A.broadcast(c.st_joins <= 1, B)
    influence = np.where(present, c.st_influence, 0.0)
    influence = influence / A.total(influence, -1, keepdims=True)
    return Batch(
        week=0,
        resolved=0,
        seeds=seeds,
        staffed=z(M, dtype=bool),
        role=A.full((B, M), -1, int),
        conn=z(M, S, dtype=bool),
        focus=A.full((B, K), 1.0 / K),
        missing=z(M, dtype=int),
        ms_owner=A.full((B, L), -1, int),
        ms_action=A.full((B, L), -1, int),
        ms_due=z(L, dtype=int),
        ms_done_on_time=z(L, dtype=bool),
        last_review=z(dtype=int),
        last_coaching=z(dtype=int),
        prio=A.broadcast(c.st_prio, B),
        influence=influence,
        present=present,
        stance=A.broadcast(c.st_stance, B),
        unknown=A.broadcast(np.broadcast_to(1.0 - c.st_visibility, (M, S)), B),
        progress=z(L),
        competition=np.full(B, c.comp_strength),
        skill=A.broadcast(c.m_skill, B),
        morale=np.full(B, c.rules.morale_start),
        budget=np.full(B, float(c.budget)),
        value_mult=np.ones(B),
        away_until=z(M, dtype=int),
        fired=z(E, dtype=bool),
        fired_week=z(E, dtype=int),
        request_due=z(E, dtype=int),
        request_missed=z(E, dtype=bool),
        hours=z(M),
        weak=z(M, dtype=bool),
        ended=z(dtype=int),
        record=(),
        t_shift=z(W, dtype=bool),
        t_audible=z(W, dtype=bool),
        **events.fresh_arrays(c, B),
        memo={},
    )


# ---- the team and the plan ---------------------------------------------------------------


def set_team(
    b: Batch,
    staffed=None,
    role=None,
    conn=None,
    focus=None,
    missing=None,
) -> Batch:
    """Replace parts of the team; a focus change after setup is recorded as an audible.

    `focus` must already be normalised (rules.unit), so both paths round identically.
    """
    changes = {}
    if staffed is not None:
        changes["staffed"] = np.asarray(staffed, bool)
        changes["role"] = np.where(changes["staffed"], b.role if role is None else role, -1)
        gone = b.staffed & ~changes["staffed"]
        changes["conn"] = (b.conn if conn is None else conn) & ~gone[..., None]
    if role is not None and "role" not in changes:
        changes["role"] = np.asarray(role)
    if conn is not None and "conn" not in changes:
        changes["conn"] = np.asarray(conn, bool)
    if missing is not None:
        changes["missing"] = np.asarray(missing)
    if focus is not None:
        focus = np.asarray(focus, float)
        changes["focus"] = focus
        if 1 <= b.week <= b.t_audible.shape[1]:
            # setting the strategy for the first time (from the even default) calls no audible
            moved = _kernels().audibles(_mem(b.focus), _mem(focus))
            t_audible = np.copy(b.t_audible)
            t_audible[:, b.week - 1] |= moved
            changes["t_audible"] = t_audible
    return _copy(b, **changes)


def set_plan(b: Batch, owner, action, due) -> Batch:
    """Replace the milestone plan (owner, short-term action, due week per milestone)."""
    return _copy(
        b, ms_owner=np.asarray(owner), ms_action=np.asarray(action), ms_due=np.asarray(due)
    )


# ---- the week --------------------------------------------------------------------------


def start_week(
    c: Compiled,
    b: Batch,
    injected: np.ndarray | None = None,
    shifts: tuple[np.ndarray, np.ndarray] | None = None,
    reuse: bool = False,
) -> Batch:
    """Advance to the next week: stakeholders join, events fire, hours reset.

    `injected` (B, E) bool marks curveballs a facilitator injected for this week;
    `shifts` (mask (B, S), priorities (B, S, K)) are custom priority shifts; `reuse`, see
    `owned`.
    """
    w = b.week + 1
    B = b.size
    M, E = len(c.members), len(c.events)
    # arrays are copied only when something changes them, so unchanged ones keep their
    # identity (see `derived`)
    prio, influence, present = b.prio, b.influence, b.present
    stance, competition = b.stance, b.competition
    budget, value_mult, away = b.budget, b.value_mult, b.away_until
    fired, fired_week, request_due = b.fired, b.fired_week, b.request_due
    ev = events.tables(c)
    kept = {}  # what engine.events keeps, where this week changes it
    if ev.lasts.any():
        budget, value_mult, undo_week = events.undo(c, ev, b, w, budget, value_mult, b.undo_week)
        if undo_week is not b.undo_week:
            kept["undo_week"] = undo_week

    heard = None  # the games that hear of a change this week, where some shift is silent
    if ev.silent.any():
        kept |= events.learn(c, b, w, team_know(b))
        heard = kept["t_learned"][:, w - 1].any(1) if "t_learned" in kept else np.zeros(B, bool)

    joining = c.st_joins == w
    shift = np.zeros(B, bool)  # the buying team's priorities change: a shift or a new voice
    if joining.any():
        share = A.total(np.where(joining, c.st_influence, 0.0))
        influence = np.where(joining, c.st_influence, influence * (1.0 - share))
        present = present | joining
        shift |= w > 1  # the buying team at the start is no change
    if heard is not None:
        heard |= shift

    maybe = events.scheduled(c, ev, w) | _windowed(c, w)
    if injected is not None:
        maybe = maybe | np.asarray(injected, bool).any(0)
    cand = np.flatnonzero(maybe)  # the few events that can fire this week, in id order
    if len(cand):
        u = rng.uniform_rows(b.seeds, rng.EVENTS, w * E + cand)
        fire = A.batched(
            _kernels().fire_events(w, cand, u, *_event_args(c, ev, b, w, cand, injected))
        )
        if not fire.any():
            cand = cand[:0]
    if len(cand):
        if c.e_req_on[cand].any():
            request_due = np.copy(request_due)
        mine = owned if reuse else np.copy
        history = [mine(x) for x in (fired, fired_week, b.fire_count, b.fire_log)]
        undo = kept.get("undo_week", b.undo_week)
        if ev.lasts[cand].any():
            kept["undo_week"] = undo = undo if undo is not b.undo_week else mine(undo)
        _kernels().note_fired(
            w, cand, _mem(fire), tuple(map(_mem, (*history, undo))), ev.lasts[cand], b.ended
        )
        fired, fired_week, kept["fire_count"], kept["fire_log"] = history
        sets_prio, sets_influence, pulls, asks = _event_kinds(c)
        for k, e in enumerate(cand):  # a handful of events: apply each in id order
            if not (sets_prio[e] or sets_influence[e] or pulls[e] or asks[e]):
                continue  # its effects are all in event_effects below
            on = fire[:, k]
            if not on.any():
                continue
            if sets_prio[e]:
                prio = np.copy(prio) if prio is b.prio else prio
                for st in np.flatnonzero(c.e_prio_set[e]):
                    if ev.silent[e]:
                        kept |= _silence(c, b, on, st, prio[:, st], kept)
                    prio[on, st] = c.e_prio[e, st]
                shift |= on
                if heard is not None and not ev.silent[e]:
                    heard |= on
            if sets_influence[e]:
                seti = on[:, None] & c.e_influence_set[e]
                target = np.where(seti, c.e_influence[e], 0.0)
                rest = np.where(seti, 0.0, influence)
                rest_sum = A.total(rest, -1, keepdims=True)
                room = 1.0 - A.total(target, -1, keepdims=True)
                scaled = np.divide(rest * room, rest_sum, out=np.copy(rest), where=rest_sum > 0)
                influence = np.where(on[:, None], np.where(seti, target, scaled), influence)
            if pulls[e]:  # the few members it pulls away
                away = np.copy(away) if away is b.away_until else away
                for x in np.flatnonzero(c.e_unavailable[e] > 0):
                    until = w + int(c.e_unavailable[e, x]) - 1
                    away[:, x] = np.where(on, np.maximum(away[:, x], until), away[:, x])
            if asks[e]:
                request_due[:, e] = np.where(on, w + c.e_req_within[e] - 1, request_due[:, e])
        effects = (np.ascontiguousarray(c.e_stance[cand], float), c.e_competition[cand])
        effects += (c.e_budget[cand], c.e_value[cand])
        stance, competition, budget, value_mult = _kernels().event_effects(
            _mem(fire), effects, _mem(stance), (competition, budget, value_mult)
        )
        stance = A.batched(stance)

    if shifts is not None:
        mask, new = shifts
        prio = np.where(mask[..., None], unit(np.asarray(new, float)), prio)
        shift |= mask.any(1)
        if heard is not None:
            heard |= mask.any(1)

    weak = A.zeros((B, M), bool)
    borrowed = np.flatnonzero(c.m_internal)  # only borrowed specialists can under-deliver
    if len(borrowed):
        p_weak = c.rules.underdeliver_base + c.rules.underdeliver_per_skip * b.missing[:, borrowed]
        u_del = rng.uniform(b.seeds, rng.DELIVERY, w * M + borrowed)
        weak[:, borrowed] = b.staffed[:, borrowed] & (u_del < p_weak)

    t_shift = b.t_shift
    if shift.any():
        t_shift = np.copy(t_shift)
        t_shift[:, w - 1] = shift
    if heard is None:  # no silent shifts: the team hears of every change as it comes
        kept["t_heard"] = t_shift
    elif heard.any():
        kept["t_heard"] = np.copy(b.t_heard)
        kept["t_heard"][:, w - 1] = heard
    return _keep_ended(
        b,
        week=w,
        prio=prio,
        influence=influence,
        present=present,
        stance=stance,
        competition=competition,
        budget=budget,
        value_mult=value_mult,
        away_until=away,
        fired=fired,
        fired_week=fired_week,
        request_due=request_due,
        hours=A.zeros((B, M)),
        weak=weak,
        t_shift=t_shift,
        **kept,
    )


def _event_args(c: Compiled, ev, b: Batch, w: int, cand, injected) -> tuple:
    """kernels.fire_events' tables, behaviour, state, history and injected for `cand`."""
    fixed, behaviour, skipped = _candidates(c, cand.tobytes())
    tables = (events.scheduled(c, ev, w)[cand], _windowed(c, w)[cand], *fixed)
    skip_ok = np.ones((0, b.size), bool)
    if skipped:
        skip = events.skipping(c, b, w)
        skip_ok = np.ones((len(cand), b.size), bool)
        for k, e in skipped:
            skip_ok[k] = skip[:, ev.if_skipped[e]].all(1)
    state = (_mem(b.stance), _mem(b.conn), _mem(b.staffed), _mem(b.last_run), _mem(b.last_met))
    history = tuple(_mem(x) for x in (b.fired, b.fired_week, b.fire_count, b.undo_week))
    injected = np.zeros((0, b.size), bool) if injected is None else _mem(np.asarray(injected, bool))
    return tables, (*behaviour, skip_ok), state, history, injected


@cache
def _candidates(c: Compiled, key: bytes) -> tuple:
    """What fire_events reads of the candidate events `key` (their ids' bytes) that never
    changes: their probability, stance and connection conditions, repeats and behaviour
    conditions, and the (position, id) of those with an if_skipped condition."""
    ev, cand = events.tables(c), np.frombuffer(key, np.intp)
    fixed = (c.e_prob[cand], np.ascontiguousarray(c.e_stance_below[cand]))
    fixed += (np.ascontiguousarray(c.e_unconnected[cand]), ev.repeat[cand], ev.max_times[cand])
    fixed += (ev.any,)
    has = ev.behaviour[cand]
    behaviour = (has, ev.if_run[cand], ev.if_not_run[cand], ev.if_met[cand], ev.if_not_met[cand])
    behaviour += (np.ascontiguousarray(ev.if_staffed[cand]),)
    skipped = [(k, e) for k, e in enumerate(cand) if has[k] and ev.if_skipped[e].any()]
    return fixed, behaviour, skipped


@cache
def _event_kinds(c: Compiled) -> tuple[list[bool], ...]:
    """Per event: whether it sets priorities, sets influence, pulls members away, or asks
    for an expert (the effects start_week applies event by event)."""
    kinds = (c.e_prio_set.any(1), c.e_influence_set.any(1), (c.e_unavailable > 0).any(1))
    return tuple(np.asarray(x, bool).tolist() for x in (*kinds, c.e_req_on))


def _windowed(c: Compiled, w: int) -> np.ndarray:
    """(E,) events with a chance of firing in week w (not curveballs)."""
    return (c.e_prob > 0) & (c.e_first <= w) & (w <= c.e_last) & ~c.e_curveball


def _silence(c: Compiled, b: Batch, on, st: int, old, kept: dict) -> dict:
    """Copies of the belief, stale and unknown arrays after a silent shift of `st`."""
    arrays = [np.copy(kept.get(k, getattr(b, k))) for k in ("belief", "stale", "unknown")]
    belief, stale, unknown = events.silence(c, b, on, st, np.copy(old), *arrays)
    unheard = np.copy(kept.get("unheard", b.unheard))
    unheard[on, st] = True
    return {"belief": belief, "stale": stale, "unknown": unknown, "unheard": unheard}


def capacity(c: Compiled, b: Batch) -> np.ndarray:
    """(B, M) hours each member can give this week (0 when not staffed or away)."""
    w = b.week

    def compute():
        in_weeks = (c.m_from <= w) & (w <= c.m_until)
        here = _kernels().capacity(_mem(b.staffed), _mem(b.away_until), in_weeks, c.m_capacity, w)
        return A.batched(here)

    return derived(b, "capacity", (b.staffed, b.away_until), compute, key=w)


def member_fit(c: Compiled, skill: np.ndarray, role: np.ndarray) -> np.ndarray:
    """(B, M) role-skill fit in 0..1 for each member in their role (0 without a role)."""
    r = np.clip(role, 0, None)
    fit = skill[..., 0] * A.take(c.r_needs[:, 0], r)
    for q in range(1, len(c.skills)):
        fit = fit + skill[..., q] * A.take(c.r_needs[:, q], r)
    return fit * (role >= 0)


@cache
def _kernels():
    """engine.kernels, imported on first use: numba's import and the loading of the compiled
    loops then cost nothing until a game first resolves a week."""
    from engine import kernels

    return kernels


def _mem(x: np.ndarray) -> np.ndarray:
    """A batch array's memory-order view, (B, ...) as (..., B), C-contiguous (no copy for
    arrays made in batch-last memory)."""
    return np.ascontiguousarray(x.transpose(_TO_MEMORY[x.ndim]))


_TO_MEMORY = [(), (0,)] + [(*range(1, n), 0) for n in range(2, 8)]  # A.memory's axes


@dataclass(frozen=True)
class _WeekTables:
    """The scenario's numbers resolve_week's kernels read, laid out once per scenario."""

    a_skill: np.ndarray  # (A, Q) skill needs of each action
    unskilled: np.ndarray  # (A,) base quality: unfit_quality for actions that need no skill
    a_hours: np.ndarray  # (A,) float
    a_stance: np.ndarray  # (A,) stance effect of each action
    reach: np.ndarray  # (2,) reach unconnected, connected
    seniority: np.ndarray  # (M, S) reach factor of a member's seniority gap
    r_needs: np.ndarray  # (R, Q) skill needs of each role
    discovery: np.ndarray  # (A,) discovery of each action
    review: np.ndarray  # (A,) bool: the action is an account review

    @property
    def runs(self) -> tuple:
        """The tables kernels.week reads, in its order."""
        return (
            self.a_skill,
            self.unskilled,
            self.a_hours,
            self.a_stance,
            self.reach,
            self.seniority,
            self.discovery,
            self.review,
        )


@cache
def _week_tables(c: Compiled) -> _WeekTables:
    R = c.rules
    gap = np.maximum(0.0, c.st_seniority[None, :] - c.m_seniority[:, None])
    return _WeekTables(
        a_skill=np.ascontiguousarray(c.a_skill, float),
        unskilled=np.where(A.total(c.a_skill) > 0, 0.0, R.unfit_quality),
        a_hours=np.ascontiguousarray(c.a_hours, float),
        reach=np.array([R.unconnected_reach, R.connected_reach], float),
        seniority=np.ascontiguousarray(np.clip(1.0 - R.seniority_penalty * gap, 0, 1)),
        a_stance=np.ascontiguousarray(c.a_stance, float),
        r_needs=np.ascontiguousarray(c.r_needs, float),
        discovery=np.ascontiguousarray(c.a_discovery, float),
        review=np.ascontiguousarray(c.a_share, bool),
    )


def resolve_week(
    c: Compiled,
    b: Batch,
    g: np.ndarray,
    a: np.ndarray,
    m: np.ndarray,
    s: np.ndarray,
    reuse: bool = False,
) -> Batch:
    """Run the week's actions and close the week.

    The runs are parallel arrays: game index g, action a, member m and target
    stakeholder s (-1 for an internal action), in the order they were taken; `reuse`, see
    `owned`.
    """
    w = b.week
    B = b.size
    S, L = len(c.stakeholders), len(c.milestones)
    g, a, m, s = (np.ascontiguousarray(x, np.int64) for x in (g, a, m, s))
    K = _kernels()
    skill, morale, competition = b.skill, b.morale, b.competition

    R = c.rules
    whim = b.t_audible[:, w - 1] & ~recent_shift(b, w, R.response_weeks)
    called = derived(b, "called", (b.role, b.staffed), lambda: one_quarterback(c, b))
    team = np.where(whim, 1.0 - R.audible_confusion, 1.0) * np.where(
        called, 1.0, R.quarterback_quality
    )
    if c.a_share.any():
        lapsed = (w - b.last_review) > R.review_every
        team = team * np.where(lapsed, 1.0 - R.review_lapse_quality, 1.0)
    t = _week_tables(c)
    align_table = _alignment(b)  # (B, S) how well the strategy speaks to each stakeholder
    conn = links(b)
    state = (_mem(skill), _mem(b.weak), morale, team, _mem(b.conn), _mem(align_table))
    state += (_mem(b.unknown), _mem(b.hours), _mem(conn), _mem(b.staffed))
    numbers = (R.underdeliver_quality, R.morale_quality_floor, R.morale_quality)
    numbers += (R.unknown_pitch, R.pitch_weight, R.pitch_cost)
    numbers += (R.discovery_cap, 1.0 - R.passive_learning)
    # each run's quality; the stance gains of actions aimed at a stakeholder; the hours used
    # and the effort put into each action; passive learning of standing connections,
    # discovery and account reviews (the staffed members of a reviewing game learn what the
    # team knows)
    d_stance, hours, effort, ran, unknown, least, share = K.week(
        g, a, m, s, state, t.runs, numbers, K.BLOCK
    )
    d_stance, hours, ran = A.batched(d_stance), A.batched(hours), A.batched(ran)
    unknown, least = A.batched(unknown), A.batched(least)
    # every per-game effect at once: sum over actions in index order of effort x effect
    sums = K.effect_sums(c.effects, effort)  # (L + 3, B), see Compiled.effects
    best_known = 1.0 - least

    coach = sums[L + 2]
    if (coach > 0).any():  # coaching lifts the weakest fit outside the quarterback
        lifted = _mem(owned(skill) if reuse else np.copy(skill))
        K.coach(coach, lifted, _mem(b.role), _mem(b.staffed), b.ended, t.r_needs, c.qb_role)
        skill = A.batched(lifted)

    def planned():  # (B, L) 1 for an owned milestone with an action, else unowned_progress
        owned = (b.ms_owner >= 0) & (b.ms_action >= 0)
        owner_here = np.take_along_axis(b.staffed, np.clip(b.ms_owner, 0, None), 1) & owned
        return np.where(owner_here, 1.0, R.unowned_progress)

    def chemistry():  # (B,) mean pair chemistry of the staffed team
        n = np.maximum(b.staffed.sum(1), 1)
        return A.pair_total(b.staffed, c.chem) / np.maximum(n * (n - 1), 1), n

    plan_mult = derived(b, "plan", (b.ms_owner, b.ms_action, b.staffed), planned)
    chem_mean, n = derived(b, "chemistry", (b.staffed,), chemistry)
    cap = derived(b, "cap", (b.staffed,), lambda: b.staffed * c.m_capacity)
    milestones = (_mem(b.progress), _mem(plan_mult), c.l_effort, c.l_pace, c.close)
    actions = (_mem(ran), _mem(b.ms_action), _mem(b.ms_due), _mem(b.ms_done_on_time))
    stakeholders = (_mem(b.stance), _mem(d_stance), _mem(covered_by(b)), _mem(b.present))
    team_state = (competition, morale, _mem(hours), _mem(cap), n, chem_mean, whim, share)
    team_state += (b.last_review, b.last_coaching)
    week_rules = (R.covered_drift, R.uncovered_drift, R.stance_room, R.stance_saturation)
    week_rules += (float(c.comp_momentum), R.chemistry_morale, R.overload_level)
    week_rules += (R.overload_morale, R.audible_morale, bool(c.a_coaching.any()))
    week_rules += (R.coaching_every, R.coaching_lapse_morale)
    out = (A.zeros((B, L)), A.zeros((B, L), bool), A.zeros((B, S)), np.zeros(B), np.zeros(B))
    out += (np.zeros_like(b.last_review), np.zeros_like(b.last_coaching), A.zeros((B, L)))
    K.close_week(
        w, sums, milestones, actions, stakeholders, team_state, week_rules, tuple(map(_mem, out))
    )
    progress, on_time, stance, competition, morale, last_review, last_coaching, completion = out

    request_due, request_missed = b.request_due, b.request_missed
    req = np.flatnonzero(c.e_req_on)
    if len(req):
        request_due, request_missed = np.copy(request_due), np.copy(request_missed)
        due = request_due[:, req]
        open_ = due >= w
        # in memory order, (M, requests, B): a member qualified for and reaching each
        qualified = A.memory(skill)[:, c.e_req_skill[req]] >= c.e_req_level[req][:, None]
        reached = A.memory(conn)[:, c.e_req_stakeholder[req]]
        answered = open_ & A.batched((qualified & reached).any(0))
        missed = open_ & ~answered & (due == w)
        hurt = np.zeros((B, S))
        for k, e in enumerate(req):  # loop over the scenario's few request events
            hurt[:, c.e_req_stakeholder[e]] -= missed[:, k] * c.e_req_penalty[e]
        stance = np.clip(stance + hurt, -1, 1)
        request_due[:, req] = np.where(answered | missed, -1, due)
        request_missed[:, req] |= missed

    def weights():  # (B, S) the say of each stakeholder on the buying team now
        return b.influence * b.present

    def over_budget():  # the team's cost changes with the team, the budget with events
        cost = derived(b, "team_cost", (b.staffed,), lambda: A.total(b.staffed * c.m_cost, 1))
        return cost > b.budget + 1e-9

    rec = {
        k: A.batch_last(v)
        for k, v in (
            ("t_staffed", b.staffed),
            ("t_role", b.role),
            ("t_conn", conn),
            ("t_focus", b.focus),
            ("t_prio", b.prio),
            ("t_influence", derived(b, "say", (b.influence, b.present), weights)),
            ("t_stance", stance),
            ("t_know", best_known),
            ("t_hours", hours),
            ("t_capacity", capacity(c, b)),
            ("t_progress", completion),
            ("t_competition", competition),
            ("t_over_budget", derived(b, "over", (b.staffed, b.budget), over_budget)),
            ("t_morale", morale),
            ("t_review", share),
            ("t_coached", coach > 0),
        )
    }
    ended = b.ended
    closing = ended == 0
    if c.close < 0 or w >= c.weeks:
        closing &= w >= c.weeks
    else:
        closing &= progress[:, c.close] >= c.l_effort[c.close]
    if closing.any():
        ended = np.where(closing, w, ended)

    out = _keep_ended(
        b,
        **events.note_runs(events.tables(c), b, w, g, a, s, owned if reuse else np.copy),
        resolved=w,
        stance=stance,
        unknown=unknown,
        progress=progress,
        competition=competition,
        skill=skill,
        morale=morale,
        hours=hours,
        ms_done_on_time=on_time,
        last_review=last_review,
        last_coaching=last_coaching,
        request_due=request_due,
        request_missed=request_missed,
        ended=ended,
        record=b.record + (rec,),
    )
    # what the team knows next is best_known (max of 1 - u is 1 - min u, bit for bit), but
    # in the games decided before this week, which keep their state
    know = best_known
    done = np.flatnonzero(b.ended > 0)
    if len(done):
        know = np.copy(know)
        know[done] = np.where(b.staffed[done][..., None], 1.0 - b.unknown[done], 0.0).max(1)
    out.memo["team_know"] = ((out.staffed, out.unknown), None, know)
    return out


def trace(c: Compiled, b: Batch) -> dict[str, np.ndarray]:
    """The arrays scoring reads: the per-week record plus the plan and the draws.

    Weeks after a game ended (or not yet played) are masked by `played`.
    """
    weeks = np.arange(1, c.weeks + 1)[None, :]
    played = A.batch_last(
        (weeks <= b.resolved) & ((b.ended[:, None] == 0) | (weeks <= b.ended[:, None]))
    )
    out = {k: getattr(b, k) for k in b.__dataclass_fields__ if k.startswith("t_")}
    out.update(stack_record(c, b))
    out.update(
        played=played,
        ended=b.ended,
        skill=b.skill,
        ms_owner=b.ms_owner,
        ms_action=b.ms_action,
        ms_done_on_time=b.ms_done_on_time,
        owner_staffed=np.take_along_axis(b.staffed, np.clip(b.ms_owner, 0, None), 1)
        & (b.ms_owner >= 0),
        value_mult=b.value_mult,
        fired_week=b.fired_week,
        fire_log=b.fire_log,
        missing=b.missing,
        request_missed=b.request_missed,
        luck=rng.uniform(b.seeds, rng.OUTCOME, np.zeros(1, np.uint64))[:, 0],
    )
    out.update(params(c))
    return out


def params(c: Compiled) -> dict:
    """The scenario's static arrays and names scoring needs (keys start with 'p_')."""
    s = c.scenario
    return {
        "p_r_needs": c.r_needs,
        "p_r_min": c.r_min,
        "p_r_max": c.r_max,
        "p_qb_role": c.qb_role,
        "p_chem": c.chem,
        "p_m_seniority": c.m_seniority,
        "p_m_cost": c.m_cost,
        "p_st_seniority": c.st_seniority,
        "p_st_role": c.st_role,
        "p_close": c.close,
        "p_value": c.value,
        "p_w_top": c.w_top,
        "p_w_internal": dict(c.w_internal),  # component name -> weight
        "p_w_external": dict(c.w_external),
        "p_no_decision_below": c.no_decision_below,
        "p_l_target": c.l_target,
        "p_rules": c.rules.numbers(),
        "p_m_internal": c.m_internal,
        "p_has_review": bool(c.a_share.any()),
        "p_has_coaching": bool((c.a_coaching > 0).any()),
        "p_practices": {p.id: (p.name, p.advice) for p in PRACTICES},
        "p_names": {
            "members": [m.name for m in s.roster],
            "stakeholders": [f"{x.name}, {x.title}" for x in s.stakeholders],
            "dims": [d.name for d in s.dimensions],
            "roles": [r.name for r in s.roles],
            "milestones": [m.name for m in s.milestones],
            "events": [e.name for e in s.events],
            "currency": s.deal.currency,
        },
    }
