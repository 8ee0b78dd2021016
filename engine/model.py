"""The scenario model: one B2B deal, as a designer writes it in YAML.

Every class is a frozen pydantic model so a loaded scenario cannot change under
a running game. Field descriptions double as the JSON Schema and the designer's
guide (docs/scenario-format.md is generated from them).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,47}$"),
    Field(description="A short lower-case identifier: letters, digits, '-' or '_'."),
]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Signed = Annotated[float, Field(ge=-1.0, le=1.0)]
Seniority = Annotated[int, Field(ge=1, le=5)]


class Frozen(BaseModel):
    """Base for every scenario part: immutable, and unknown keys are errors."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False
    )


class Difficulty(StrEnum):
    """How hard the scenario is, shown in the picker: easy, medium or hard."""

    easy = "easy"
    medium = "medium"
    hard = "hard"


class BuyingRole(StrEnum):
    """A stakeholder's buying influence (Miller Heiman): economic, user, technical or coach."""

    economic = "economic"
    user = "user"
    technical = "technical"
    coach = "coach"


class Dimension(Frozen):
    """A priority the customer weighs the deal on, e.g. cost, risk or speed."""

    id: Id
    name: str = Field(
        min_length=1, description="What the customer calls this priority, e.g. 'Total cost'."
    )
    description: str = Field("", description="One line on what caring about it means.")


class Skill(Frozen):
    """A skill that roster members have, roles need and actions use."""

    id: Id
    name: str = Field(min_length=1, description="Display name of the skill.")
    description: str = Field("", description="One line on what the skill covers.")


class Role(Frozen):
    """A role on the selling team; exactly one role is the quarterback."""

    id: Id
    name: str = Field(
        min_length=1, description="Display name of the role, e.g. 'Solution consultant'."
    )
    description: str = Field("", description="What this role brings to the team and customer.")
    quarterback: bool = Field(
        False, description="True for the one role that owns the strategy and calls the plays."
    )
    needs: dict[str, Unit] = Field(
        default_factory=dict,
        description="Skill id -> weight (0..1): the skills this role needs, used for role fit.",
    )
    min: int = Field(0, ge=0, le=10, description="Fewest members who must hold this role.")
    max: int = Field(1, ge=1, le=10, description="Most members who may hold this role.")


class Customer(Frozen):
    """The customer company, as described in the briefing."""

    name: str = Field(min_length=1, description="The customer company's name.")
    industry: str = Field("", description="The customer's industry.")
    description: str = Field("", description="A paragraph on the customer, shown in the briefing.")


class Stakeholder(Frozen):
    """One person on the customer's buying team."""

    id: Id
    name: str = Field(min_length=1, description="The stakeholder's name.")
    title: str = Field(min_length=1, description="Job title, shown to the player.")
    buying_role: BuyingRole = Field(
        description="Buying influence: economic, user, technical or coach (Miller Heiman)."
    )
    influence: Unit = Field(
        description="Share of the decision (0..1). Influences of stakeholders present at the "
        "start must sum to 1 (within 0.01)."
    )
    stance: Signed = Field(0.0, description="Starting stance: -1 blocker .. +1 champion.")
    seniority: Seniority = Field(3, description="1 junior .. 5 executive.")
    priorities: dict[str, Annotated[float, Field(ge=0.0)]] = Field(
        description="Dimension id -> weight: what this person truly cares about (hidden from "
        "the player; normalised to sum 1)."
    )
    visibility: Unit = Field(
        0.3,
        description="How much of their priorities the team knows at the start (0 nothing, "
        "1 everything).",
    )
    joins_week: int | None = Field(
        None,
        ge=1,
        description="Week this stakeholder joins the buying team; empty means present from the "
        "start. Joining stakeholders take influence from the others.",
    )
    notes: str = Field("", description="What the team knows about this person at the start.")


class Member(Frozen):
    """A person the player may staff on the selling team."""

    id: Id
    name: str = Field(min_length=1, description="The person's name.")
    title: str = Field(min_length=1, description="Their job title in your company.")
    skills: dict[str, Unit] = Field(description="Skill id -> level (0..1).")
    seniority: Seniority = Field(3, description="1 junior .. 5 executive.")
    weekly_cost: int = Field(ge=0, description="Cost per week on the team, in deal currency.")
    capacity: int = Field(ge=1, le=60, description="Hours a week this person can give the deal.")
    available_from: int = Field(1, ge=1, description="First week this person can be staffed.")
    available_until: int | None = Field(
        None, ge=1, description="Last week this person can be staffed; empty means to the end."
    )
    internal_resource: bool = Field(
        False,
        description="True for a specialist borrowed from elsewhere: enrolling them needs the "
        "follow-through checklist or they may under-deliver.",
    )
    traits: list[str] = Field(
        default_factory=list, description="Free-text traits shown as hints, e.g. 'detail-driven'."
    )
    bio: str = Field("", description="One or two lines shown on the roster.")


class Chemistry(Frozen):
    """How well two roster members work together when both are staffed."""

    members: tuple[str, str] = Field(description="The two roster ids this pairing concerns.")
    value: Signed = Field(description="-1 they clash .. +1 they work brilliantly together.")
    note: str = Field("", description="The hint the player sees when both are staffed.")


class Limits(Frozen):
    """What the team may be: headcount and weekly budget."""

    headcount: int = Field(ge=1, le=20, description="Most people on the team at once.")
    weekly_budget: int = Field(ge=0, description="Most the team may cost per week.")


class Milestone(Frozen):
    """A step in the deal plan; actions add progress to it."""

    id: Id
    name: str = Field(min_length=1, description="Display name, e.g. 'Business case agreed'.")
    description: str = Field("", description="What reaching it means for the customer.")
    effort: float = Field(
        gt=0, le=100, description="Progress points needed; actions add points when run."
    )
    target_week: int = Field(ge=1, description="Week by which a good team reaches it.")
    close: bool = Field(
        False,
        description="True for the milestone at which the customer decides (at most one). "
        "Progress on it is scaled by the mean completion of the other milestones.",
    )


class ActionEffects(Frozen):
    """What an action does when run, scaled by how well it fits."""

    discovery: Unit = Field(
        0.0, description="How much of the target's true priorities this action reveals (0..1)."
    )
    stance: float = Field(
        0.0, ge=-0.5, le=0.5, description="Stance change on the target at a perfect fit."
    )
    progress: dict[str, Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=dict, description="Milestone id -> progress points added when run."
    )
    competition: float = Field(
        0.0, ge=-0.5, le=0.5, description="Change in competitor pressure (negative pushes back)."
    )
    share_knowledge: bool = Field(
        False, description="Internal review: what any member knows is shared with the team."
    )
    coaching: float = Field(
        0.0, ge=0, le=0.3, description="Skill lift for the coached member (coaching actions)."
    )
    morale: float = Field(0.0, ge=-0.5, le=0.5, description="Change in the team's morale.")


class Action(Frozen):
    """Something a team member can spend hours on in a week."""

    id: Id
    name: str = Field(min_length=1, description="Display name, e.g. 'Discovery meeting'.")
    description: str = Field("", description="What the team does, shown in the catalogue.")
    hours: int = Field(ge=1, le=40, description="Hours it takes the member who runs it.")
    roles: list[str] = Field(
        default_factory=list,
        description="Role ids allowed to run it; empty means any staffed member who holds a role.",
    )
    targets: list[BuyingRole] = Field(
        default_factory=list,
        description="Buying roles it may target; empty means an internal action with no target.",
    )
    skills: dict[str, Unit] = Field(
        default_factory=dict,
        description="Skill id -> weight: the skills that make it land well.",
    )
    effects: ActionEffects = Field(default_factory=ActionEffects, description="What it does.")


class EventWhen(Frozen):
    """When an event fires: a fixed week, or a seeded chance per week in a window."""

    week: int | None = Field(None, ge=1, description="Fires at the start of this week.")
    probability: Unit | None = Field(
        None, description="Or: chance per week (seeded) that it fires inside the window."
    )
    window: tuple[int, int] | None = Field(
        None, description="[first, last] week the random event may fire in."
    )
    if_stance_below: dict[str, Signed] = Field(
        default_factory=dict,
        description="Condition: fire only while these stakeholders' stance is below the value.",
    )
    if_unconnected: list[str] = Field(
        default_factory=list,
        description="Condition: fire only while no member is connected to these stakeholders.",
    )
    if_run: dict[str, Annotated[int, Field(ge=1, le=52)]] = Field(
        default_factory=dict,
        description="Condition: fire only if the team ran each of these actions (action id -> "
        "N) in one of the last N weeks.",
    )
    if_not_run: dict[str, Annotated[int, Field(ge=1, le=52)]] = Field(
        default_factory=dict,
        description="Condition: fire only if the team ran none of these actions (action id -> "
        "N) in the last N weeks, and N weeks have been played (e.g. no account review for 2 "
        "weeks).",
    )
    if_met: dict[str, Annotated[int, Field(ge=1, le=52)]] = Field(
        default_factory=dict,
        description="Condition: fire only if the team ran an action aimed at each of these "
        "stakeholders (stakeholder id -> week W) in week W or later.",
    )
    if_not_met: dict[str, Annotated[int, Field(ge=1, le=52)]] = Field(
        default_factory=dict,
        description="Condition: fire only if no action was aimed at these stakeholders "
        "(stakeholder id -> week W) since week W (e.g. the economic buyer not met since "
        "week 3).",
    )
    if_skipped: list[str] = Field(
        default_factory=list,
        description="Condition: fire only while the team skips each of these practices: "
        "quarterback, connections, milestones, follow_through, rhythm or customer_voice "
        "(see 'Behaviour conditions').",
    )
    if_staffed: list[str] = Field(
        default_factory=list,
        description="Condition: fire only while each of these roster members is on the team "
        "(e.g. a member the customer asked not to work with).",
    )
    repeat_every: int | None = Field(
        None,
        ge=1,
        le=52,
        description="Repeating event: it may fire again this many weeks after it last fired, "
        "whenever its trigger and conditions hold (a scheduled week then means 'from this "
        "week on'); empty means it fires at most once.",
    )
    max_times: int | None = Field(
        None,
        ge=1,
        le=52,
        description="Most times a repeating event fires; empty means no limit.",
    )


class ExpertRequest(Frozen):
    """A customer request for a specific kind of expert on the team."""

    skill: str = Field(description="Skill id the customer wants to see on the team.")
    level: Unit = Field(0.7, description="Minimum level of that skill.")
    within: int = Field(2, ge=1, le=10, description="Weeks the team has to respond.")
    stakeholder: str = Field(description="Stakeholder id who asked and must be connected to.")
    penalty: float = Field(0.2, ge=0, le=1, description="Stance lost if the request is missed.")


class EventEffects(Frozen):
    """What an event changes at the customer or on the team."""

    priorities: dict[str, dict[str, Annotated[float, Field(ge=0)]]] = Field(
        default_factory=dict,
        description="Stakeholder id -> new priority weights (dimension id -> weight).",
    )
    stance: dict[str, Signed] = Field(
        default_factory=dict, description="Stakeholder id -> stance change (-1..1)."
    )
    influence: dict[str, Unit] = Field(
        default_factory=dict,
        description="Stakeholder id -> new influence; the others are rescaled to keep sum 1.",
    )
    competition: float = Field(0.0, ge=-1, le=1, description="Change in competitor pressure.")
    budget: int = Field(0, description="Change in the weekly budget (negative for a freeze).")
    unavailable: dict[str, Annotated[int, Field(ge=1, le=52)]] = Field(
        default_factory=dict,
        description="Roster id -> weeks that person is pulled away to other work.",
    )
    request: ExpertRequest | None = Field(
        None, description="The customer asks for a specific kind of expert."
    )
    deal_value: float = Field(
        0.0, ge=-0.9, le=2.0, description="Relative change in deal value (0.1 = +10%)."
    )
    lasts: int | None = Field(
        None,
        ge=1,
        le=52,
        description="Weeks the budget and deal-value changes hold: they are undone at the "
        "start of the week `lasts` weeks after the event fired (a budget freeze for 3 weeks); "
        "empty means they last to the end. Other effects are never undone.",
    )
    silent: bool = Field(
        False,
        description="A silent priority shift: the team is not told. What it knew of these "
        "stakeholders' priorities now refers to the old ones, so the estimate does not move "
        "until discovery (or a standing connection) learns the new ones.",
    )


class Event(Frozen):
    """Something that happens during the deal: a priority shift, a competitor move, ..."""

    id: Id
    name: str = Field(min_length=1, description="Headline shown when the event arrives.")
    signal: str = Field(
        min_length=1, description="What the team sees, in their words (never the hidden numbers)."
    )
    when: EventWhen = Field(
        default_factory=EventWhen,
        description="When it fires; leave empty for a curveball the facilitator injects.",
    )
    curveball: bool = Field(
        False, description="True: only fires when a facilitator injects it in a workshop."
    )
    effects: EventEffects = Field(description="What changes at the customer or on the team.")


class Competitor(Frozen):
    """The main competitor and how hard they push."""

    name: str = Field(min_length=1, description="The main competitor's name.")
    description: str = Field("", description="What the team knows about them.")
    strength: Unit = Field(0.4, description="Starting competitor pressure (0..1).")
    momentum: float = Field(
        0.02,
        ge=-0.2,
        le=0.2,
        description="Pressure added every week; actions and events with a negative "
        "`competition` effect push it back.",
    )


class Deal(Frozen):
    """The deal itself: its value, currency and length in weeks."""

    value: int = Field(gt=0, description="Deal value if won at full scope.")
    currency: str = Field("USD", description="Currency code for display.")
    weeks: int = Field(ge=2, le=52, description="Length of the deal in weeks (one turn each).")


class InternalWeights(Frozen):
    """Weights of the parts of internal alignment (normalised to sum 1)."""

    coverage: Unit = Field(0.2, description="Every required role is held.")
    fit: Unit = Field(0.2, description="Role-skill fit of the people in each role.")
    quarterback: Unit = Field(0.15, description="Exactly one quarterback.")
    chemistry: Unit = Field(0.1, description="Pair chemistry of the staffed team.")
    workload: Unit = Field(0.1, description="Balanced load, nobody over capacity.")
    accountability: Unit = Field(0.15, description="Milestones owned, each with an action.")
    stability: Unit = Field(0.1, description="Few audibles: strategy changes not forced by events.")


class ExternalWeights(Frozen):
    """Weights of the parts of external alignment (normalised to sum 1)."""

    coverage: Unit = Field(0.35, description="Influence-weighted stakeholder coverage.")
    connection_fit: Unit = Field(0.25, description="Seniority and skill fit of connections.")
    focus: Unit = Field(0.4, description="Strategy focus vs the customer's real priorities.")


class ScoringWeights(Frozen):
    """How the score is weighted for this scenario."""

    internal: Unit = Field(0.25, description="Weight of internal alignment in the total score.")
    external: Unit = Field(0.35, description="Weight of external alignment in the total score.")
    outcome: Unit = Field(0.4, description="Weight of the outcome in the total score.")
    internal_parts: InternalWeights = Field(
        default_factory=InternalWeights, description="Weights inside internal alignment."
    )
    external_parts: ExternalWeights = Field(
        default_factory=ExternalWeights, description="Weights inside external alignment."
    )
    no_decision_below: Unit = Field(
        0.3, description="Win probability under which the customer makes no decision."
    )


class WinModel(Frozen):
    """The logistic win model: win chance = sigmoid(intercept + sum of coefficient x feature)."""

    intercept: float = Field(-5.1, ge=-20, le=20, description="Log-odds with every feature at 0.")
    stance: float = Field(
        5.0, ge=0, le=20, description="Weight of the influence-weighted stance (-1..1)."
    )
    external: float = Field(2.0, ge=0, le=20, description="Weight of external alignment (0..1).")
    internal: float = Field(1.5, ge=0, le=20, description="Weight of internal alignment (0..1).")
    progress: float = Field(
        2.0, ge=0, le=20, description="Weight of mean milestone completion (0..1)."
    )
    competition: float = Field(
        -3.0, ge=-20, le=0, description="Weight of competitor pressure (0..1); negative."
    )


class Rules(Frozen):
    """The numbers behind each practice the game teaches; the defaults suit most deals.

    Raise a number to make its practice matter more in this deal, lower it to make it
    matter less (docs/scenario-format.md, "Practices and their rules").
    """

    quarterback_quality: Unit = Field(
        0.8,
        description="One quarterback: share of action quality kept in a week the team has no "
        "quarterback, or more than one (nobody calls the plays).",
    )
    unfit_quality: Unit = Field(
        0.6,
        description="Fit over stars: quality of an action that needs no skill; a skilled "
        "action's quality is the runner's fit with it.",
    )
    connected_reach: float = Field(
        1.3,
        ge=0,
        le=3,
        description="Connection points: reach of an action on a stakeholder the runner is "
        "connected to.",
    )
    unconnected_reach: float = Field(
        0.8, ge=0, le=3, description="Reach of an action on a stakeholder nobody introduced."
    )
    seniority_penalty: Unit = Field(
        0.12,
        description="Reach lost per level the stakeholder is more senior than the runner.",
    )
    connection_seniority_penalty: Unit = Field(
        0.2,
        description="Connection fit lost per level a connection is junior to the stakeholder.",
    )
    covered_drift: float = Field(
        0.01,
        ge=0,
        le=0.2,
        description="Weekly stance gain of a stakeholder someone is connected to.",
    )
    uncovered_drift: float = Field(
        0.04,
        ge=0,
        le=0.5,
        description="Weekly stance loss of an unconnected stakeholder, times competitor pressure.",
    )
    unknown_pitch: Unit = Field(
        0.25,
        description="Discovery before strategy: how well an action lands with a stakeholder "
        "whose priorities the runner does not know (1 = as well as with full knowledge).",
    )
    passive_learning: Unit = Field(
        0.04,
        description="Share of a stakeholder's unknown priorities a standing connection learns "
        "each week without a meeting.",
    )
    unowned_progress: Unit = Field(
        0.6,
        description="Owned milestones: share of progress kept on a milestone with no staffed "
        "owner or no short-term action.",
    )
    customer_calendar: float = Field(
        0.75,
        gt=0,
        le=1,
        description="The best team reaches a milestone at this share of its target week, no "
        "sooner: the customer's own calendar.",
    )
    underdeliver_base: Unit = Field(
        0.04,
        description="Follow-through: weekly chance a borrowed specialist under-delivers even "
        "with the whole checklist done.",
    )
    underdeliver_per_skip: Unit = Field(
        0.14, description="Added weekly chance for each follow-through item skipped."
    )
    underdeliver_quality: Unit = Field(
        0.4, description="Share of action quality kept by a member who under-delivers."
    )
    response_weeks: int = Field(
        2,
        ge=0,
        le=10,
        description="Fast re-alignment: a focus change within this many weeks of a priority "
        "shift is a response, not an audible.",
    )
    shift_noticed: Unit = Field(
        0.5,
        description="Silent shifts: the team learns of a silent priority shift at the start of "
        "the first week after it in which its best-informed staffed member knows at least this "
        "share of the shifted stakeholder's priorities (discovery and standing connections teach "
        "it); response_weeks counts from that week.",
    )
    audible_confusion: Unit = Field(
        0.15, description="Few audibles: action quality lost in a week of an unprompted audible."
    )
    audible_morale: Unit = Field(0.15, description="Morale lost to an unprompted audible.")
    audible_decay: float = Field(
        0.35,
        ge=0,
        le=5,
        description="Strategy stability keeps exp(-audible_decay) for each unprompted audible.",
    )
    review_every: int = Field(
        3,
        ge=1,
        le=52,
        description="Leadership rhythm: weeks an account review (an action that shares "
        "knowledge) keeps the team on plan.",
    )
    review_lapse_quality: Unit = Field(
        0.1,
        description="Action quality lost in each week with no account review in the last "
        "review_every weeks (0 turns the rhythm off).",
    )
    coaching_every: int = Field(
        4,
        ge=1,
        le=52,
        description="Weeks a coaching session keeps the team's morale up.",
    )
    coaching_lapse_morale: Unit = Field(
        0.03,
        description="Morale lost in each week with no coaching in the last coaching_every weeks.",
    )
    morale_start: Unit = Field(0.6, description="The team's morale at the start.")
    morale_quality_floor: float = Field(
        0.85,
        ge=0,
        le=2,
        description="Action quality kept at zero morale: quality is scaled by "
        "morale_quality_floor + morale_quality x morale.",
    )
    morale_quality: float = Field(
        0.3,
        ge=0,
        le=2,
        description="Action quality added per unit of morale (morale 1 scales quality by "
        "morale_quality_floor + morale_quality).",
    )
    chemistry_morale: float = Field(
        0.04,
        ge=0,
        le=0.5,
        description="Fit over stars: weekly morale change per unit of the staffed team's mean "
        "pair chemistry (negative chemistry costs morale).",
    )
    overload_level: float = Field(
        0.95,
        gt=0,
        le=2,
        description="Share of a member's capacity used above which they count as overloaded "
        "that week.",
    )
    overload_morale: float = Field(
        0.08,
        ge=0,
        le=1,
        description="Weekly morale lost when every staffed member is overloaded; in proportion "
        "to the share who are.",
    )
    pitch_weight: float = Field(
        2.0,
        ge=0,
        le=10,
        description="Discovery before strategy: an action's stance gain scales with "
        "pitch_weight x pitch - pitch_cost, where the pitch (unknown_pitch .. 1) is how well "
        "the focus and what the runner knows speak to the stakeholder.",
    )
    pitch_cost: float = Field(
        0.6,
        ge=0,
        le=10,
        description="Subtracted from pitch_weight x pitch: a pitch below pitch_cost / "
        "pitch_weight loses stance instead of gaining it.",
    )
    discovery_cap: Unit = Field(
        0.95,
        description="Most of a stakeholder's unknown priorities one action can uncover.",
    )
    stance_room: float = Field(
        1.05,
        ge=0,
        le=3,
        description="An action's stance change is scaled by stance_room - stance_saturation x "
        "|stance|: an extreme stance moves more slowly.",
    )
    stance_saturation: float = Field(
        0.5,
        ge=0,
        le=3,
        description="How much an extreme stance (near -1 or +1) slows further change; see "
        "stance_room.",
    )
    scope_floor: Unit = Field(
        0.75,
        description="Share of the deal value won even with a focus that misses entirely; the "
        "rest scales with focus alignment at the close.",
    )
    win: WinModel = Field(default_factory=WinModel, description="The win model's coefficients.")

    def numbers(self) -> dict[str, float]:
        """Every rule as a plain number, the win model's as 'win_<name>' (what scoring reads)."""
        r = self.model_dump()
        win = r.pop("win")
        return {k: float(v) for k, v in r.items()} | {f"win_{k}": float(v) for k, v in win.items()}


class Facilitator(Frozen):
    """Material for the workshop facilitator; never shown to trainees."""

    debrief_guide: str = Field("", description="Notes for the facilitator's debrief talk.")
    discussion_questions: list[str] = Field(
        default_factory=list, description="Questions to put to the room."
    )
    hidden_truth: str = Field(
        "", description="What was really going on at the customer; never shown to trainees."
    )


class HintWhen(Frozen):
    """When a hint shows: a moment in the deal, and conditions on what the team can see.

    Every condition given must hold; each is read from the player's view of the game
    (engine.observe), never from the hidden truth.
    """

    setup: bool = Field(
        False, description="Show only during setup, before the deal starts (not with a week)."
    )
    week: int | None = Field(None, ge=1, description="Show only in this week.")
    window: tuple[int, int] | None = Field(
        None, description="Or: show only from the first to the last week of this range."
    )
    if_no_quarterback: bool = Field(
        False, description="Condition: while nobody on the team holds the quarterback role."
    )
    if_unconnected: list[str] = Field(
        default_factory=list,
        description="Condition: while these stakeholders are on the buying team and nobody on "
        "the team is connected to any of them.",
    )
    if_unconnected_roles: list[BuyingRole] = Field(
        default_factory=list,
        description="Condition: while someone of these buying roles on the buying team has no "
        "connection point (e.g. [economic]: the economic buyer is unconnected).",
    )
    if_anyone_unconnected: bool = Field(
        False, description="Condition: while someone on the buying team has no connection point."
    )
    if_known_below: dict[str, Unit] = Field(
        default_factory=dict,
        description="Condition: while the team knows less than this share of these "
        "stakeholders' priorities (the week view's Known column).",
    )
    if_stance_below: dict[str, Signed] = Field(
        default_factory=dict,
        description="Condition: while these stakeholders' stance, as the team reads it, is "
        "below the value.",
    )
    if_focus_even: bool = Field(
        False,
        description="Condition: while the strategy focus is still the even, uninformed one.",
    )
    if_plan_incomplete: bool = Field(
        False,
        description="Condition: while some milestone has no owner or no short-term action.",
    )
    if_request_open: bool = Field(
        False, description="Condition: while the customer waits on a request for an expert."
    )
    if_arrived: list[str] = Field(
        default_factory=list,
        description="Condition: once these events have reached the team (event ids).",
    )


class Hint(Frozen):
    """A tip the designer writes for the player, shown while its moment and conditions hold."""

    id: Id
    title: str = Field(min_length=1, max_length=80, description="The hint's headline.")
    text: str = Field(
        min_length=1,
        max_length=400,
        description="What to do and why, in a sentence or two (the keys may be named).",
    )
    practice: str = Field(
        "",
        description="The practice id this hint introduces (see engine.practices), shown with "
        "it; empty for none.",
    )
    when: HintWhen = Field(
        default_factory=HintWhen, description="When it shows; empty means all game long."
    )


class Scenario(Frozen):
    """One deal: everything the game needs, and nothing scenario-specific lives in code."""

    id: Id
    title: str = Field(min_length=1, description="Title shown in the scenario picker.")
    summary: str = Field(min_length=1, description="One or two lines for the picker.")
    briefing: str = Field(
        min_length=1, description="The briefing the trainee reads before staffing."
    )
    difficulty: Difficulty = Field(Difficulty.medium, description="easy, medium or hard.")
    estimated_minutes: int = Field(20, ge=1, le=600, description="Typical play time.")
    learning_objectives: list[str] = Field(
        default_factory=list, description="What a trainee should take away."
    )
    deal: Deal = Field(description="The deal: value, currency and length in weeks.")
    customer: Customer = Field(description="The customer company.")
    competitor: Competitor = Field(description="The main competitor.")
    dimensions: list[Dimension] = Field(
        min_length=2, max_length=8, description="The customer's priority dimensions."
    )
    skills: list[Skill] = Field(min_length=1, max_length=12, description="The skill set.")
    roles: list[Role] = Field(min_length=1, max_length=12, description="Team roles.")
    stakeholders: list[Stakeholder] = Field(
        min_length=1, max_length=16, description="The buying team."
    )
    roster: list[Member] = Field(
        min_length=1, max_length=30, description="People the player may staff."
    )
    chemistry: list[Chemistry] = Field(default_factory=list, description="Pair chemistry.")
    limits: Limits = Field(description="Headcount and weekly budget limits for the team.")
    milestones: list[Milestone] = Field(
        min_length=1, max_length=12, description="The deal plan's milestones, in order."
    )
    actions: list[Action] = Field(
        min_length=1, max_length=24, description="The catalogue of actions the team can run."
    )
    events: list[Event] = Field(
        default_factory=list,
        max_length=40,
        description="Scheduled, random and facilitator-injected events.",
    )
    teaches: list[str] = Field(
        default_factory=list,
        description="Practice ids this deal is built to teach (see engine.practices); the "
        "balance report holds each of them to the lessons targets.",
    )
    hints: list[Hint] = Field(
        default_factory=list,
        max_length=40,
        description="Tips shown to the player at the right moment (a tutorial's guide).",
    )
    tutorial: bool = Field(
        False,
        description="True for a guided first deal: the picker offers it first to a player "
        "with no saved games.",
    )
    rules: Rules = Field(
        default_factory=Rules, description="The numbers behind each practice; defaults suit most."
    )
    scoring: ScoringWeights = Field(
        default_factory=ScoringWeights, description="Score weights; the defaults suit most deals."
    )
    facilitator: Facilitator = Field(
        default_factory=Facilitator, description="Workshop notes for the facilitator."
    )

    _content_hash: str = PrivateAttr("")
    _source: str = PrivateAttr("")

    @property
    def content_hash(self) -> str:
        """Hash of the content; a save made for another version is refused."""
        return self._content_hash

    @property
    def source(self) -> str:
        return self._source

    def index(self, kind: str) -> dict[str, int]:
        """Map ids to positions for one of the id lists (e.g. 'stakeholders')."""
        return {item.id: i for i, item in enumerate(getattr(self, kind))}

    @property
    def quarterback_role(self) -> Role:
        return next(r for r in self.roles if r.quarterback)

    @property
    def close_milestone(self) -> Milestone | None:
        return next((m for m in self.milestones if m.close), None)
