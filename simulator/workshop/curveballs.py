"""Curveballs: the scenario's `curveball: true` events and the facilitator's custom
priority shifts, as labels, log decisions and per-week schedules."""

from __future__ import annotations

from engine.decisions import (
    Inject,
    Shift,
)
from engine.model import Scenario
from simulator.workshop.records import refuse
from simulator.workshop.store import Store

SHIFT_MAX = 100.0  # the engine's bound on one priority weight


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
    ("event" or "shift"), `name`, `after_week`, `created_at`, `id` (its store row),
    `arrive_week` (the week it is scheduled to arrive in, None: each team's next week)
    and `signal` (what the teams hear; the event's own for a scenario curveball, the
    facilitator's for a shift, None when a shift has none); events add `event`, shifts
    add `stakeholder` and `weights`.
    """
    signals = {e.id: e.signal for e in scenario.events}
    names = {e.id: e.name for e in scenario.events}
    out = [
        {
            "key": cb["event"],
            "kind": "event",
            "name": names.get(cb["event"], cb["event"]),
            "event": cb["event"],
            "after_week": int(cb["after_week"]),
            "created_at": cb["created_at"],
            "id": cb.get("id"),
            "arrive_week": cb.get("arrive_week"),
            "signal": signals.get(cb["event"]),
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
                "id": sh.get("id"),
                "arrive_week": sh.get("arrive_week"),
                "signal": sh.get("signal"),
            }
        )
    out.sort(key=lambda c: (c["created_at"], c["kind"] == "shift"))
    return out


def due_for(cb: dict, week: int) -> bool:
    """Whether a team in `week` takes curveball `cb` now (at its next decision, so that it
    arrives at the start of its next week): always, unless it is scheduled for a later
    week than that."""
    at = cb.get("arrive_week")
    return at is None or week >= at - 1


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
        raise refuse(
            "shift",
            f"'{stakeholder}' is not a stakeholder of scenario '{scenario.id}' "
            f"(stakeholders: {', '.join(ids)})",
        )
    dims = [d.id for d in scenario.dimensions]
    if not weights:
        raise refuse(
            "shift", f"give at least one weight as dim=weight (dimensions: {', '.join(dims)})"
        )
    out: dict[str, float] = {}
    for k, v in weights.items():
        if k not in dims:
            raise refuse(
                "shift",
                f"'{k}' is not a priority dimension of scenario '{scenario.id}' "
                f"(dimensions: {', '.join(dims)})",
            )
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise refuse("shift", f"the weight for {k} must be a number, not {v!r}") from None
        if not 0 <= f <= SHIFT_MAX:  # also refuses NaN
            raise refuse("shift", f"the weight for {k} must lie in 0-{SHIFT_MAX:g} ({v} given)")
        out[k] = f
    if sum(out.values()) <= 0:
        raise refuse("shift", "the new priorities need at least one positive weight")
    return out


SIGNAL_MAX = 200  # characters of a custom shift's signal (the dialog's Input caps at 200 too)


def check_signal(signal: str | None) -> str | None:
    """A custom shift's signal (what the teams hear), trimmed; None for none; InputError for
    one that is too long or not printable."""
    if signal is None or not signal.strip():
        return None
    signal = " ".join(signal.split())
    if len(signal) > SIGNAL_MAX:
        raise refuse(
            "--signal", f"a signal is at most {SIGNAL_MAX} characters ({len(signal)} given)"
        )
    if not signal.isprintable():
        raise refuse("--signal", "a signal may use printable characters only")
    return signal


Due = dict[int, list]  # week -> the curveballs (Inject/Shift, or event ids) due after it


def injects_by_week(curveballs: list[dict]) -> Due:
    """Scripted teams' curveballs by the week they arrive after, oldest first
    (`curveballs` as from `curveball_list`)."""
    out: Due = {}
    for cb in curveballs:
        out.setdefault(int(cb["after_week"]), []).append(curveball_decision(cb))
    return out


def session_due(store: Store, scenario: Scenario, session_id: int) -> tuple[list[dict], Due]:
    cbs = curveball_list(scenario, *store.all_curveballs(session_id))
    return cbs, injects_by_week(cbs)
