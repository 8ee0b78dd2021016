"""The player's decisions: small immutable records that serialise to plain dicts.

A game is its ordered list of decisions; these are the words of that log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from engine.problems import shorten


class IllegalDecision(Exception):
    """A decision the rules do not allow now; the message says why, in the player's terms."""


@dataclass(frozen=True)
class Decision:
    kind = ""

    def to_dict(self) -> dict:
        out = {"do": self.kind}
        for k, v in asdict(self).items():
            if v in (None, (), []):
                continue
            out[k] = list(v) if isinstance(v, tuple) else v
        return out


@dataclass(frozen=True)
class Staff(Decision):
    """Add a roster member to the team; internal resources take a follow-through checklist."""

    member: str
    checklist: tuple[str, ...] = ()
    kind = "staff"


@dataclass(frozen=True)
class Release(Decision):
    member: str
    kind = "release"


@dataclass(frozen=True)
class Assign(Decision):
    """Give a staffed member a role (the quarterback role names the quarterback)."""

    member: str
    role: str
    kind = "assign"


@dataclass(frozen=True)
class Connect(Decision):
    """Make a member the connection point for a stakeholder."""

    member: str
    stakeholder: str
    kind = "connect"


@dataclass(frozen=True)
class Disconnect(Decision):
    member: str
    stakeholder: str
    kind = "disconnect"


@dataclass(frozen=True)
class Focus(Decision):
    """Set the strategy focus over the priority dimensions; after setup it is an audible."""

    weights: dict = field(default_factory=dict)
    kind = "focus"

    def __hash__(self):
        return hash(tuple(sorted(self.weights.items())))

    def to_dict(self) -> dict:
        return {"do": self.kind, "weights": dict(self.weights)}


@dataclass(frozen=True)
class Plan(Decision):
    """Own a milestone: an owner and one short-term action with a due week."""

    milestone: str
    owner: str
    action: str
    due: int
    kind = "plan"


@dataclass(frozen=True)
class Start(Decision):
    """Finish setup and begin week 1."""

    kind = "start"


@dataclass(frozen=True)
class Run(Decision):
    """Spend a member's hours on an action from the catalogue, aimed at a stakeholder."""

    action: str
    member: str
    target: str | None = None
    kind = "run"


@dataclass(frozen=True)
class Unbook(Decision):
    """Take back one action booked this week (the latest one that matches), freeing its
    hours; bookings of past weeks have happened and cannot be taken back."""

    action: str
    member: str
    target: str | None = None
    kind = "unbook"


@dataclass(frozen=True)
class EndWeek(Decision):
    kind = "end_week"


@dataclass(frozen=True)
class Inject(Decision):
    """A facilitator's curveball: the event arrives at the start of the next week."""

    event: str
    kind = "inject"


@dataclass(frozen=True)
class Shift(Decision):
    """A facilitator's custom curveball: a stakeholder's priorities change next week."""

    stakeholder: str
    weights: dict = field(default_factory=dict)
    kind = "shift"

    def __hash__(self):
        return hash((self.stakeholder, tuple(sorted(self.weights.items()))))

    def to_dict(self) -> dict:
        return {"do": self.kind, "stakeholder": self.stakeholder, "weights": dict(self.weights)}


KINDS: dict[str, type[Decision]] = {
    c.kind: c
    for c in (
        Staff,
        Release,
        Assign,
        Connect,
        Disconnect,
        Focus,
        Plan,
        Start,
        Run,
        Unbook,
        EndWeek,
        Inject,
        Shift,
    )
}


def _number(kind: str, what: str, value, convert=float):
    """`value` as a number, or a ValueError that quotes at most a short piece of it."""
    try:
        return convert(value)
    except (TypeError, ValueError):
        raise ValueError(f"'{kind}' {what} must be a number, not {shorten(repr(value))}") from None


def from_dict(data: dict) -> Decision:
    """Build a decision from its dict form; raise ValueError with a readable reason."""
    if not isinstance(data, dict):
        raise ValueError("a decision must be a mapping with a 'do' field")
    kind = data.get("do")
    cls = KINDS.get(kind)
    if cls is None:
        raise ValueError(
            f"unknown decision '{shorten(str(kind))}'; expected one of: {', '.join(KINDS)}"
        )
    names = {f.name for f in fields(cls)}
    extra = set(data) - names - {"do"}
    if extra:
        raise ValueError(f"'{kind}' does not take {shorten(', '.join(sorted(map(str, extra))))}")
    args = {k: v for k, v in data.items() if k != "do"}
    try:
        if "checklist" in args:
            args["checklist"] = tuple(args["checklist"] or ())
        if kind in ("focus", "shift"):
            w = args.get("weights")
            if not isinstance(w, dict) or not w:
                raise ValueError(f"'{kind}' needs weights: a mapping of dimension id to weight")
            args["weights"] = {
                str(k): _number(kind, f"weight for {shorten(str(k))}", v) for k, v in w.items()
            }
        if kind == "plan" and "due" in args:
            args["due"] = _number(kind, "due week", args["due"], int)
        dec = cls(**args)
    except TypeError as exc:
        missing = [f.name for f in fields(cls) if f.name not in args]
        raise ValueError(f"'{kind}' needs {', '.join(missing) or 'other fields'}") from exc
    for f in fields(cls):
        v = getattr(dec, f.name)
        if f.name in ("member", "role", "stakeholder", "milestone", "owner", "action", "event"):
            if not isinstance(v, str):
                raise ValueError(f"'{kind}' field '{f.name}' must be an id, not {shorten(repr(v))}")
    return dec
