"""Headless plans: a setup plus per-week actions, or a saved decision log, played to the end.

See docs/plan-format.md. Every problem points at the plan's line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.decisions import (
    Assign,
    Connect,
    Decision,
    EndWeek,
    IllegalDecision,
    Plan,
    Run,
    Staff,
    Start,
    from_dict,
)
from engine.limits import read_bounded
from engine.log import FORMAT, GameLog, json_log
from engine.model import Scenario
from engine.problems import InputError
from engine.rng import validate_seed
from engine.state import GameState, new_game
from engine.yamlsource import Source, read_yaml

Located = tuple[Decision, tuple]


@dataclass(frozen=True)
class HeadlessPlan:
    seed: int | None
    steps: tuple[Located, ...]
    source: Source
    log_hash: str | None = None  # set when the plan is a saved log


def _decision(src: Source, loc: tuple, item) -> Decision:
    try:
        if isinstance(item, dict) and "do" not in item and "action" in item:
            extra = set(item) - {"action", "member", "target"}
            if extra:
                raise ValueError(f"a run takes action, member and target, not {sorted(extra)[0]}")
            if not isinstance(item.get("member"), str):
                raise ValueError("a run needs 'member': who spends the hours")
            target = item.get("target")
            return Run(str(item["action"]), item["member"], None if target is None else str(target))
        return from_dict(item)
    except (ValueError, KeyError) as exc:
        raise InputError([src.problem(loc, "plan.decision", str(exc))]) from None


def _setup(src: Source, setup: dict) -> list[Located]:
    steps: list[Located] = []
    if not isinstance(setup, dict):
        raise InputError([src.problem(("setup",), "plan.shape", "'setup' must be a mapping")])
    known = {"team", "connections", "focus", "milestones"}
    for key in setup:
        if key not in known:
            raise InputError(
                [
                    src.problem(
                        ("setup", key), "plan.field", f"unknown setup field '{key}'", key=True
                    )
                ]
            )
    for i, m in enumerate(setup.get("team") or []):
        loc = ("setup", "team", i)
        if not isinstance(m, dict) or "member" not in m:
            raise InputError(
                [src.problem(loc, "plan.shape", "a team entry needs 'member' (and 'role')")]
            )
        steps.append((Staff(str(m["member"]), tuple(m.get("checklist") or ())), loc))
        if m.get("role"):
            steps.append((Assign(str(m["member"]), str(m["role"])), loc + ("role",)))
    conns = setup.get("connections") or {}
    if not isinstance(conns, dict):
        raise InputError(
            [src.problem(("setup", "connections"), "plan.shape", "must map member -> [ids]")]
        )
    for member, targets in conns.items():
        for j, s in enumerate(targets or []):
            steps.append((Connect(str(member), str(s)), ("setup", "connections", member, j)))
    if setup.get("focus"):
        steps.append(
            (
                _decision(src, ("setup", "focus"), {"do": "focus", "weights": setup["focus"]}),
                ("setup", "focus"),
            )
        )
    for i, m in enumerate(setup.get("milestones") or []):
        loc = ("setup", "milestones", i)
        if not isinstance(m, dict):
            raise InputError([src.problem(loc, "plan.shape", "a milestone entry is a mapping")])
        try:
            steps.append(
                (Plan(str(m["milestone"]), str(m["owner"]), str(m["action"]), int(m["due"])), loc)
            )
        except (KeyError, TypeError, ValueError):
            raise InputError(
                [
                    src.problem(
                        loc,
                        "plan.shape",
                        "a milestone entry needs milestone, owner, action and due",
                    )
                ]
            ) from None
    return steps


def parse_plan(path: str | Path) -> HeadlessPlan:
    """Read a plan file (YAML) or a saved game (JSON) into located decisions."""
    log = _saved(path)
    if log is not None:
        where = {("decisions", i): (line, 1) for i, line in enumerate(log.lines)}
        src = Source(str(path), {}, where, {}, b"")
        steps = tuple((d, ("decisions", i)) for i, d in enumerate(log.decisions))
        return HeadlessPlan(log.seed, steps, src, log.content_hash)
    src = read_yaml(path)
    data = src.data
    if isinstance(data, dict) and data.get("format") == FORMAT:
        log = GameLog.from_dict(data, src.path)
        steps = tuple((d, ("decisions", i)) for i, d in enumerate(log.decisions))
        return HeadlessPlan(log.seed, steps, src, log.content_hash)
    if not isinstance(data, dict):
        raise InputError(
            [src.problem((), "plan.shape", "a plan is a mapping with 'setup' and 'weeks'")]
        )
    for key in data:
        if key not in {"scenario", "seed", "setup", "weeks", "decisions"}:
            raise InputError(
                [src.problem((key,), "plan.field", f"unknown plan field '{key}'", key=True)]
            )
    steps: list[Located] = []
    if "decisions" in data:
        for i, item in enumerate(data["decisions"] or []):
            steps.append((_decision(src, ("decisions", i), item), ("decisions", i)))
        return HeadlessPlan(data.get("seed"), tuple(steps), src)
    steps += _setup(src, data.get("setup") or {})
    steps.append((Start(), ("setup",)))
    weeks = data.get("weeks") or {}
    if not isinstance(weeks, dict):
        raise InputError(
            [src.problem(("weeks",), "plan.shape", "'weeks' maps a week number to its actions")]
        )
    bad = [k for k in weeks if not isinstance(k, int) or isinstance(k, bool) or k < 1]
    if bad:
        raise InputError(
            [
                src.problem(
                    ("weeks", str(bad[0])),
                    "plan.shape",
                    "week keys must be week numbers from 1",
                    key=True,
                )
            ]
        )
    last = max([*weeks, 0])
    for w in range(1, last + 1):
        for i, item in enumerate(weeks.get(w) or []):
            steps.append((_decision(src, ("weeks", str(w), i), item), ("weeks", str(w), i)))
        steps.append((EndWeek(), ("weeks", str(w)) if w in weeks else ("weeks",)))
    seed = data.get("seed")
    if seed is not None:
        try:
            seed = validate_seed(seed)
        except (TypeError, ValueError) as exc:
            raise InputError([src.problem(("seed",), "seed.range", f"seed: {exc}")]) from None
    return HeadlessPlan(seed, tuple(steps), src)


def _saved(path: str | Path) -> GameLog | None:
    """The game saved at `path` when it is one written as JSON (a save, or an old whole-
    file save), read as JSON: any save the game wrote replays, however long. None for a
    plan, and for a file that cannot be read, which the YAML reader then reports."""
    if Path(path).suffix in (".yaml", ".yml"):
        return None
    try:
        raw = read_bounded(path)
    except (OSError, ValueError):
        return None
    return json_log(str(path), raw)


def play_plan(
    scenario: Scenario, plan: HeadlessPlan, seed: int | None = None, until: int | None = None
) -> GameState:
    """Play the plan; after its last week, end the remaining weeks with no actions. With
    `until`, stop at the start of that week (the decisions from it on are not played)."""
    check_fits(scenario, plan)
    chosen = seed if seed is not None else plan.seed if plan.seed is not None else 0
    state = new_game(scenario, int(chosen))
    if until is not None:
        return _play_until(plan, state, until)
    rest = plan.steps
    while rest:
        try:
            state = state.apply_all([d for d, _ in rest])
            break
        except IllegalDecision as exc:
            n, state, why = exc.index, exc.state, str(exc)  # type: ignore[attr-defined]
        decision, loc = rest[n]
        if state.is_over():
            if isinstance(decision, EndWeek):  # the weeks a plan lists after the close
                rest = rest[n + 1 :]
                continue
            raise _illegal(plan, loc, state, "the deal is over: the customer has decided")
        raise _illegal(plan, loc, state, why)
    return _close(plan, state)


def _illegal(plan: HeadlessPlan, loc, state: GameState, why: str) -> InputError:
    week = f"week {state.week}" if state.week else "setup"
    return InputError([plan.source.problem(loc, "plan.illegal", f"illegal in {week}: {why}")])


def _play_until(plan: HeadlessPlan, state: GameState, until: int) -> GameState:
    """The plan played decision by decision up to the start of week `until`."""
    for decision, loc in plan.steps:
        if state.week >= until:
            return state
        if state.is_over():
            if isinstance(decision, EndWeek):
                continue
            raise _illegal(plan, loc, state, "the deal is over: the customer has decided")
        try:
            state = state.apply(decision)
        except IllegalDecision as exc:
            raise _illegal(plan, loc, state, str(exc)) from None
    return _close(plan, state, until)


def _close(plan: HeadlessPlan, state: GameState, until: int | None = None) -> GameState:
    """End the weeks the plan leaves out (up to `until`), with no actions."""
    while not state.is_over() and (until is None or state.week < until):
        if state.phase == "setup":
            raise InputError(
                [plan.source.problem((), "plan.no-start", "the plan never starts the deal")]
            )
        state = state.apply(EndWeek())
    return state


def check_fits(scenario: Scenario, plan: HeadlessPlan) -> None:
    """Refuse a plan that cannot be played on `scenario` whatever the seed: a saved log of
    another version, or weeks after the deal's last."""
    if plan.log_hash is not None and plan.log_hash != scenario.content_hash:
        raise InputError(
            [
                plan.source.problem(
                    ("content_hash",),
                    "log.scenario",
                    f"this log was saved for another version of '{scenario.id}' "
                    f"(hash {plan.log_hash}, now {scenario.content_hash})",
                )
            ]
        )
    weeks = plan.source.data.get("weeks") if isinstance(plan.source.data, dict) else None
    late = [w for w in (weeks or {}) if isinstance(w, int) and w > scenario.deal.weeks]
    if late:
        raise InputError(
            [
                plan.source.problem(
                    ("weeks", str(late[0])),
                    "week.range",
                    f"week {late[0]} is after the deal's {scenario.deal.weeks} weeks",
                    key=True,
                )
            ]
        )
