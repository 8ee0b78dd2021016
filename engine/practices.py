"""The practices Dealcraft teaches: one record each, the single home of the concept.

Each practice names the mechanic that makes it matter (its numbers live in the
scenario's `rules:` section, engine.model.Rules), the restricted policy that
plays like the expert without it (engine.bots), the score components that
record it, and the advice the debrief gives when a game skipped it. The balance
report's lessons table plays the expert and each probe on the same seeds and
checks that dropping the practice costs the game.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Practice:
    id: str
    name: str  # as the lessons table and the debrief name it
    probe: str  # the restricted policy: the expert with this one practice removed
    rules: tuple[str, ...]  # the Rules fields that set how much it matters
    components: tuple[str, ...]  # "group.component" keys of the scorecard that record it
    advice: str  # one line for the debrief when a game skipped it


PRACTICES: tuple[Practice, ...] = (
    Practice(
        "quarterback",
        "One quarterback calls the plays",
        "no_quarterback",
        ("quarterback_quality",),
        ("internal.quarterback",),
        "Name exactly one quarterback before the first meeting; a team with nobody (or two "
        "people) calling the plays runs every action worse.",
    ),
    Practice(
        "fit",
        "Fit over star position players",
        "star_staff",
        ("unfit_quality", "chemistry_morale"),
        ("internal.fit", "internal.chemistry"),
        "Staff each role for the skills it needs and for people who work well together, not "
        "for the cheapest or the most senior names.",
    ),
    Practice(
        "connections",
        "A connection point for everyone with influence",
        "one_stakeholder",
        ("connected_reach", "unconnected_reach", "covered_drift", "uncovered_drift"),
        ("external.coverage", "external.connection_fit"),
        "Give every influential stakeholder a named connection point on the team, the "
        "economic buyer first, and connect people who join the buying team as they arrive.",
    ),
    Practice(
        "discovery",
        "Discovery before strategy",
        "skip_discovery",
        ("unknown_pitch", "pitch_weight", "pitch_cost"),
        ("external.focus",),
        "Run discovery before you settle the strategy: a focus set without knowing the "
        "customer scores no better than an even guess.",
    ),
    Practice(
        "milestones",
        "Owned milestones with short-term actions",
        "no_plan",
        ("unowned_progress",),
        ("internal.accountability",),
        "Give every milestone an owner and at least one short-term action with a due week, "
        "then run it by that week.",
    ),
    Practice(
        "follow_through",
        "Follow-through with borrowed resources",
        "skip_checklist",
        ("underdeliver_base", "underdeliver_per_skip", "underdeliver_quality"),
        (),
        "When you enrol a specialist from elsewhere, do the whole checklist: priorities, a "
        "dated commitment, a contingency and a follow-up.",
    ),
    Practice(
        "realign",
        "Re-align fast when priorities shift, and call few audibles",
        "audible_every_week",
        ("response_weeks", "audible_confusion", "audible_morale", "audible_decay", "shift_noticed"),
        ("internal.stability", "external.focus"),
        "Change the strategy when the customer changes, soon after the shift, and not on a "
        "whim: every unprompted audible confuses the team.",
    ),
    Practice(
        "rhythm",
        "The leadership rhythm: reviews and coaching",
        "no_rhythm",
        ("review_every", "review_lapse_quality", "coaching_every", "coaching_lapse_morale"),
        (),
        "Keep the calendar: an account review every few weeks keeps the team on plan, and "
        "regular coaching keeps it sharp.",
    ),
    Practice(
        "customer_voice",
        "The customer's voice in who is on the team",
        "ignore_requests",
        (),
        ("external.coverage",),
        "When the customer asks for a specific expert, put one on the team and connect them "
        "to the person who asked, within the time they gave.",
    ),
)

BY_ID: dict[str, Practice] = {p.id: p for p in PRACTICES}
PROBES: tuple[str, ...] = tuple(p.probe for p in PRACTICES)


def practice(pid: str) -> Practice:
    return BY_ID[pid]
