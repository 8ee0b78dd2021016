"""The facilitator console's actions on the workshop server (schedule a curveball for a
week, retract one): separate from `Authority.act` so each stays small, and behind the
same check of the facilitator key (a player's passcode is not a key)."""

from __future__ import annotations

from simulator.workshop.records import refuse

CONSOLE_ACTIONS = ("schedule", "retract", "team")


def _week(args: dict, name: str) -> int | None:
    v = args.get(name)
    if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
        raise refuse(f"--{name.replace('_', '-')}", "a week is a whole number", "workshop.input")
    return v


def console_act(authority, code: str, key: str | None, action: str, args: dict) -> dict:
    """One console action with its JSON arguments:

    - schedule: {event, at_week} a scenario curveball, or {stakeholder, weights, at_week,
      signal} a custom shift; at_week may be null (each team's next week) for a shift
      that only carries a signal;
    - retract: {key} (an event id or shift-N) before any team has taken it;
    - team: {op, team, arg} team administration (admin.TEAM_OPS), e.g. a team's log.
    """
    fac, lock = authority.facilitator(code, key)  # refuses a missing or wrong key
    if action not in CONSOLE_ACTIONS:
        raise refuse("action", f"unknown console action '{action}'", "workshop.input")
    with lock:
        out: dict = {"action": action}
        if action == "schedule":
            at = _week(args, "at_week")
            if args.get("event") is not None:
                if at is None:
                    raise refuse("--at-week", "schedule needs a week", "workshop.input")
                out["week"] = fac.inject(str(args["event"]), at_week=at)
            else:
                weights = args.get("weights")
                if not isinstance(weights, dict):
                    raise refuse("shift", "weights must be a mapping", "workshop.input")
                signal = args.get("signal")
                out["week"] = fac.shift(
                    str(args.get("stakeholder", "")),
                    weights,
                    at_week=at,
                    signal=None if signal is None else str(signal),
                )
        elif action == "team":
            from simulator.workshop.admin import team_op

            arg = args.get("arg")
            out["result"] = team_op(
                fac,
                str(args.get("op", "")),
                str(args.get("team", "")),
                None if arg is None else str(arg),
            )
        else:
            out["name"] = fac.retract(str(args.get("key", "")))
        from simulator.workshop.authority import public_info

        out["session"] = public_info(fac.reload())
        out["curveballs"] = fac.curveballs()
        return out
