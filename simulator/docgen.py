"""Generate the designer's guide, docs/scenario-format.md, from the scenario model.

    python -m simulator.docgen > docs/scenario-format.md
    python -m simulator.docgen codes > docs/error-codes.md

Every table comes from engine.model (field names, types, limits, defaults and
descriptions), the rules and warnings from engine.checks, and the worked
example is cut from the shipped Northwind scenario, so the guide cannot drift
from the code: tests/test_docs.py fails when the committed file is stale.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from engine import yamlsource
from engine.checks import LINTS, RULES
from engine.events import SKIPPABLE, SKIPPED_MEANS
from engine.loader import load_scenario
from engine.model import (
    Action,
    ActionEffects,
    Chemistry,
    Competitor,
    Customer,
    Deal,
    Dimension,
    Event,
    EventEffects,
    EventWhen,
    ExpertRequest,
    ExternalWeights,
    Facilitator,
    Hint,
    HintWhen,
    InternalWeights,
    Limits,
    Member,
    Milestone,
    Role,
    Rules,
    Scenario,
    ScoringWeights,
    Skill,
    Stakeholder,
    WinModel,
)
from engine.observe import STANCE_WORDS
from engine.practices import PRACTICES
from engine.problems import CODES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "scenarios" / "northwind_new_logo.yaml"
EXAMPLE_NAME = "scenarios/northwind_new_logo.yaml"

# (heading, YAML path shown to the designer, model, one paragraph of guidance)
SECTIONS: list[tuple[str, str, type[BaseModel], str]] = [
    (
        "The scenario file",
        "top level",
        Scenario,
        "The top level names the scenario and holds every other part. The picker shows "
        "`title`, `summary`, `difficulty` and `estimated_minutes`; the trainee reads the "
        "`briefing` before staffing the team.",
    ),
    (
        "Deal",
        "deal",
        Deal,
        "One turn is one week; the customer decides at the close milestone or in the last week.",
    ),
    ("Customer", "customer", Customer, "Shown in the briefing."),
    (
        "Competitor",
        "competitor",
        Competitor,
        "Competitor pressure starts at `strength` and grows by `momentum` every week; "
        "actions and events with a negative `competition` effect push it back.",
    ),
    (
        "Priority dimensions",
        "dimensions[]",
        Dimension,
        "The 2 to 8 things the customer weighs the deal on. Each stakeholder gives every "
        "dimension a hidden weight; the team's strategy focus is scored against the "
        "influence-weighted mix of those weights, week by week.",
    ),
    (
        "Skills",
        "skills[]",
        Skill,
        "The skill set of this scenario (1 to 12). Roster members have a level in each, roles "
        "need some, actions land better when run by someone who has them.",
    ),
    (
        "Roles",
        "roles[]",
        Role,
        "The roles the player assigns to staffed members. Exactly one role is the "
        "quarterback, who owns the strategy. `needs` drives role fit: the weighted average "
        "of the member's skill levels.",
    ),
    (
        "Stakeholders (the buying team)",
        "stakeholders[]",
        Stakeholder,
        "The people at the customer who decide. Priorities are hidden from the player: "
        "discovery actions and connection points reveal them, noisily. A stakeholder with "
        "`joins_week` arrives later and takes a share of the influence from the others "
        "(their arrival counts as a change in the customer's priorities). The player reads "
        "a stance as a word: "
        + ", ".join(f"{word} below {limit:+g}" for limit, word in STANCE_WORDS)
        + ", champion above.",
    ),
    (
        "Roster",
        "roster[]",
        Member,
        "The people the player may staff, within `limits`. Mix strong-but-expensive people "
        "with cheap ones and with good fits for a role that are not stars: fit should beat "
        "star power.",
    ),
    (
        "Chemistry",
        "chemistry[]",
        Chemistry,
        "Optional pairings that make a staffed team work better or worse together.",
    ),
    ("Limits", "limits", Limits, "The team the player may build."),
    (
        "Milestones",
        "milestones[]",
        Milestone,
        "The deal plan. Actions add progress points; a milestone is reached when its "
        "`effort` is met. At most one milestone is the `close`.",
    ),
    (
        "Actions",
        "actions[]",
        Action,
        "The catalogue a team member spends hours on each week. An action with `targets` "
        "is run with a stakeholder of one of those buying roles; one without is internal.",
    ),
    (
        "Action effects",
        "actions[].effects",
        ActionEffects,
        "Applied when the action is run, scaled by the quality of the run: the member's "
        "skills against the action's `skills` and their morale, and for a targeted action "
        "whether they are connected to the stakeholder and how their seniority compares.",
    ),
    (
        "Events",
        "events[]",
        Event,
        "What happens to the deal: priority shifts, competitor moves, people pulled away, "
        "budget freezes, requests for an expert. An event fires at most once unless it "
        "repeats (`when.repeat_every`); see 'Behaviour conditions, repeats, durations and "
        "silent shifts' below.",
    ),
    (
        "Event timing",
        "events[].when",
        EventWhen,
        "Give a `week`, or a `probability` with an optional `window` (seeded, so a "
        "workshop's players all see the same events). Conditions hold the event back while "
        "they are false.",
    ),
    ("Event effects", "events[].effects", EventEffects, "All optional; combine freely."),
    (
        "Expert request",
        "events[].effects.request",
        ExpertRequest,
        "The customer asks for someone with a skill: the team must staff and connect such a "
        "person to the asking stakeholder in time, or lose stance.",
    ),
    (
        "Hints",
        "hints[]",
        Hint,
        "Tips in the designer's words, shown to the player in a strip above the keys while "
        "their moment and conditions hold, one at a time in file order (the first that "
        "holds; the rest wait). A tutorial walks a first game through its practices with "
        "them. Conditions read only what the team can see, never the hidden truth, so a hint "
        "cannot give away a priority or a stance. Hints do not change play: they are left "
        "out of the content hash, so rewording one keeps every save of the deal loadable.",
    ),
    (
        "Hint timing",
        "hints[].when",
        HintWhen,
        "The moment is `setup: true` (while staffing, before week 1), a `week`, a `window` of "
        "weeks, or, with none of these, the whole game. Every condition given must hold as "
        "well; a hint that stops holding (the quarterback is named, the newcomer connected) "
        "leaves the screen.",
    ),
    (
        "Practice rules",
        "rules",
        Rules,
        "Every number behind the practices the game teaches, with the default each takes "
        "when left out. `teaches` lists the practices this deal is built around; the "
        'balance report holds each of them to the lessons targets (see "The practices" '
        "below).",
    ),
    (
        "Win model",
        "rules.win",
        WinModel,
        "The logistic model of the customer's decision: the win chance is "
        "sigmoid(intercept + sum of coefficient x feature) at the close, where the features "
        "are the influence-weighted stance, external and internal alignment (0..1), mean "
        "milestone completion and competitor pressure. `deal.value` and an event's "
        "`deal_value` set the money won (expected and realised value); they do not change "
        "the win chance or the score.",
    ),
    (
        "Scoring weights",
        "scoring",
        ScoringWeights,
        "Optional: the defaults suit most deals. Weights in each group are normalised.",
    ),
    ("Internal alignment weights", "scoring.internal_parts", InternalWeights, ""),
    ("External alignment weights", "scoring.external_parts", ExternalWeights, ""),
    (
        "Facilitator notes",
        "facilitator",
        Facilitator,
        "For the workshop facilitator's debrief; trainees never see them.",
    ),
]

# Parts of the shipped scenario shown in the worked example: (top-level key, list items).
EXAMPLE_PARTS: list[tuple[str, int | None]] = [
    ("deal", None),
    ("dimensions", 2),
    ("roles", 2),
    ("stakeholders", 1),
    ("roster", 1),
    ("limits", None),
    ("milestones", 1),
    ("actions", 2),
    ("events", 1),
]


def _anchor(heading: str) -> str:
    keep = "".join(c for c in heading.lower() if c.isalnum() or c in " -")
    return keep.replace(" ", "-")


ANCHORS = {model: _anchor(heading) for heading, _, model, _ in SECTIONS}


def _bounds(metadata: list) -> str:
    lo = hi = None
    lo_strict = hi_strict = False
    for m in metadata:
        if isinstance(m, FieldInfo):
            return _bounds(m.metadata)
        if isinstance(m, at.Ge):
            lo = m.ge
        elif isinstance(m, at.Gt):
            lo, lo_strict = m.gt, True
        elif isinstance(m, at.Le):
            hi = m.le
        elif isinstance(m, at.Lt):
            hi, hi_strict = m.lt, True
    if lo is not None and hi is not None and not lo_strict and not hi_strict:
        return f" {lo:g}..{hi:g}"
    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo_strict else '≥'} {lo:g}")
    if hi is not None:
        parts.append(f"{'<' if hi_strict else '≤'} {hi:g}")
    return (" " + ", ".join(parts)) if parts else ""


def _lengths(metadata: list) -> tuple[int | None, int | None]:
    lo = hi = None
    for m in metadata:
        if isinstance(m, at.MinLen):
            lo = m.min_length
        elif isinstance(m, at.MaxLen):
            hi = m.max_length
    return lo, hi


def _is_id(metadata: list) -> bool:
    return any(getattr(m, "pattern", None) for m in metadata)


def type_text(tp: Any, metadata: list | None = None) -> str:
    """A designer-readable type, e.g. 'number 0..1' or 'map: id → number ≥ 0'."""
    metadata = list(metadata or [])
    origin = get_origin(tp)
    if origin is Annotated:
        base, *extra = get_args(tp)
        for e in extra:
            metadata.extend(e.metadata if isinstance(e, FieldInfo) else [e])
        return type_text(base, metadata)
    if origin in (Union, UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        inner = type_text(args[0], metadata) if len(args) == 1 else " or ".join(map(str, args))
        return f"{inner} or empty"
    if origin is list:
        lo, hi = _lengths(metadata)
        count = f" ({lo}–{hi})" if lo and hi else f" (≤ {hi})" if hi else ""
        count = f" ({lo}+)" if lo and not hi else count
        return f"list{count} of {type_text(get_args(tp)[0])}"
    if origin is dict:
        return f"map: id → {type_text(get_args(tp)[1])}"
    if origin is tuple:
        args = get_args(tp)
        if args == (int, int):
            return "[first, last] weeks"
        return "pair [" + ", ".join(type_text(a) for a in args) + "]"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"mapping ([{tp.__name__}](#{ANCHORS[tp]}))" if tp in ANCHORS else "mapping"
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "one of " + ", ".join(f"`{e.value}`" for e in tp)
    if tp is bool:
        return "true/false"
    if tp is int:
        return "whole number" + _bounds(metadata)
    if tp is float:
        return "number" + _bounds(metadata)
    if tp is str:
        if _is_id(metadata):
            return "id"
        return "text" + (" (not empty)" if _lengths(metadata)[0] else "")
    return str(tp)


def default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is not None:
        value = info.default_factory()
        if isinstance(value, BaseModel):
            return "defaults"
        return f"`{'[]' if isinstance(value, list) else '{}'}`"
    value = info.default
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Enum):
        return f"`{value.value}`"
    if value == "":
        return '`""`'
    if isinstance(value, float):
        return f"`{value:g}`"
    return f"`{value}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def field_table(model: type[BaseModel]) -> list[str]:
    rows = ["| field | type | required / default | description |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        desc = info.description or ""
        if name == "id":
            desc = (
                "The scenario's id: `dealcraft play ID` finds it. "
                if model is Scenario
                else "Unique within its list; other parts refer to it. "
            ) + desc
        rows.append(
            f"| `{name}` | {_cell(type_text(info.annotation, info.metadata))} "
            f"| {default_text(info)} | {_cell(desc)} |"
        )
    return rows


def example_excerpt(path: Path = EXAMPLE) -> list[str]:
    """Cut the worked example out of a scenario file: chosen parts, first few list items."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    src = yamlsource.read_yaml(path, raw=text.encode("utf-8"))
    tops = sorted((line, key[0]) for key, (line, _) in src.key_positions.items() if len(key) == 1)
    out: list[str] = []
    for key, items in EXAMPLE_PARTS:
        start = src.key_positions[(key,)][0]
        later = [line for line, _ in tops if line > start]
        end = (later[0] if later else len(lines) + 1) - 1
        if items is not None and (key, items) in src.positions:
            end = src.positions[(key, items)][0] - 1
        chunk = lines[start - 1 : end]
        while chunk and (not chunk[-1].strip() or chunk[-1].lstrip().startswith("#")):
            chunk.pop()
        total = len(src.data[key]) if isinstance(src.data.get(key), list) else 0
        if items is not None and total > items:
            indent = " " * (src.positions[(key, 0)][1] - 1)
            chunk.append(f"{indent}# ... {total - items} more")
        out += chunk
    return out


def _and(ids: list[str]) -> str:
    shown = [f"`{x}`" for x in ids]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def example_notes(path: Path = EXAMPLE) -> list[str]:
    """Facts about the worked example, computed from it so they stay true."""
    s = load_scenario(path)
    notes = []
    present = [st for st in s.stakeholders if (st.joins_week or 1) <= 1]
    total = sum(st.influence for st in present)
    line = (
        f"- {len(present)} stakeholders are present at the start; their influences sum to "
        f"{total:g}."
    )
    for st in s.stakeholders:
        if (st.joins_week or 1) > 1:
            line += (
                f" `{st.id}` joins in week {st.joins_week} (`joins_week: {st.joins_week}`) and "
                f"takes a {st.influence:g} share of the influence from the rest."
            )
    notes.append(line)
    qb = s.quarterback_role
    total_need = sum(qb.needs.values()) or 1.0

    def fit(m):
        return sum(m.skills.get(k, 0.0) * v for k, v in qb.needs.items()) / total_need

    best = max(s.roster, key=fit)
    cheap = min(s.roster, key=lambda m: m.weekly_cost)
    needs = " and ".join(f"`{k}`" for k in qb.needs)
    notes.append(
        f"- The quarterback role `{qb.id}` needs {needs}. `{best.id}` fits it best "
        f"({fit(best):.2f}) at {best.weekly_cost:,} a week; `{cheap.id}` costs "
        f"{cheap.weekly_cost:,} and fits {fit(cheap):.2f}. Fit against cost, within a budget of "
        f"{s.limits.weekly_budget:,} for {s.limits.headcount} people, is the staffing "
        "trade-off."
    )
    first = s.milestones[0]
    feeders = [a.id for a in s.actions if a.effects.progress.get(first.id, 0) > 0]
    notes.append(
        f"- Only {_and(feeders)} add progress to the first milestone, "
        f"`{first.id}` (effort {first.effort:g}, target week {first.target_week})."
    )
    shifts = [e for e in s.events if e.when.week and e.effects.priorities and not e.curveball]
    if shifts:
        e = shifts[0]
        who = _and(list(e.effects.priorities))
        notes.append(
            f"- Event `{e.id}` replaces {who}'s hidden priorities in week {e.when.week}: a team "
            "that keeps its old strategy focus loses focus alignment until it notices and "
            "re-aligns."
        )
    return notes


# the quick start's example edit (tests/test_quick_start.py applies it to the scaffold)
QUICK_EDIT = """\
  - id: review_lapse
    name: The plan drifts
    signal: Nobody has pulled the account plan together for two weeks.
    when: {week: 3, repeat_every: 2, if_not_run: {account_review: 2}}
    effects: {stance: {cfo: -0.1}}
"""


def event_kinds() -> list[str]:
    """The section on behaviour conditions, repeats, lasting effects and silent shifts."""
    return [
        "## Behaviour conditions, repeats, durations and silent shifts",
        "",
        "An event can answer what the team did or did not do. Conditions sit in `when`",
        "beside the trigger (a `week` or a `probability`) and all must hold at the start of",
        "the week for the event to fire; the weeks they count are weeks already played.",
        "",
        "| condition | holds when |",
        "|---|---|",
        "| `if_run: {ACTION: N}` | the team ran ACTION in one of the last N weeks |",
        "| `if_not_run: {ACTION: N}` | the team ran no ACTION in the last N weeks, and N "
        "weeks have been played |",
        "| `if_met: {STAKEHOLDER: W}` | an action was aimed at STAKEHOLDER in week W or later |",
        "| `if_not_met: {STAKEHOLDER: W}` | week W has been played and no action was aimed at "
        "STAKEHOLDER since week W |",
        "| `if_skipped: [PRACTICE, ...]` | the team is skipping each practice (below) |",
        "| `if_staffed: [MEMBER, ...]` | each MEMBER is on the team (a member the customer "
        "asked not to work with: release them and it stops) |",
        "| `if_stance_below`, `if_unconnected` | as in the table above |",
        "",
        "The practices `if_skipped` can see, checked at the start of the week:",
        "",
        *[f"- `{p}`: {SKIPPED_MEANS[p]}." for p in SKIPPABLE],
        "",
        "**Repeating events.** With `repeat_every: N` an event may fire again N weeks after",
        "it last fired, whenever its trigger and conditions hold; `max_times` caps how often.",
        "A repeating event with a `week` is a candidate every week from that week on, so",
        '`when: {week: 3, repeat_every: 2, if_not_run: {account_review: 2}}` reads "from week',
        '3, whenever no review ran for two weeks, at most every other week". A repeating',
        "chance event draws again in each week of its window once the gap has passed.",
        "",
        "**Effects with a duration.** `effects.lasts: N` undoes the event's `budget` and",
        "`deal_value` changes at the start of the week N weeks after it fired: `budget:",
        "-3000, lasts: 3` fired in week 4 freezes weeks 4, 5 and 6 and gives the money back",
        "in week 7. Stance, influence, priorities and competition are never undone (people",
        "do not forget), and `unavailable` has its own weeks. An event does not fire again",
        "while its own lasting effect holds.",
        "",
        "**Silent priority shifts.** With `effects.silent: true` the team is not told: the",
        "event is not announced, and what the team knew of the shifted stakeholders'",
        "priorities now refers to the old ones, so the player's estimate (and its",
        "uncertainty) stays where it was. Discovery, a standing connection and account",
        "reviews then learn the new priorities and the estimate moves toward them; the",
        "debrief scores the real ones. The event's `signal` is what the facilitator and the",
        "debrief show. A told shift (the default) shows at once in proportion to what the",
        "team already knew.",
        "",
        "*When the team learns of a silent shift.* The shift resets what the team knows of the",
        "shifted stakeholder to nothing. The team learns of it at the start of the first week",
        "after the shift in which its best-informed staffed member knows at least",
        "`rules.shift_noticed` (default 0.5) of that stakeholder's priorities again: the",
        "knowledge the engine keeps per member, which discovery aimed at the stakeholder",
        "raises, and a standing connection too (slowly: `passive_learning` a week). A told",
        "shift is heard of the week it arrives. The response window starts there: a focus change",
        "within `response_weeks` of the week the team learned of the shift answers it (no",
        "audible cost), while a change in the weeks between the shift and that week answers",
        "nothing the team knew of and counts as an unprompted audible. The same week is where",
        "the coach's re-focus counterfactual applies, where the expert weighs a re-focus, and",
        "where the workshop starts looking for a team's response to a silent curveball. A shift",
        "nobody learns of opens no window at all; the trace's `t_learned` says which",
        "stakeholder's shift was learned in which week, `t_heard` every week the team heard of",
        "a change (`t_shift` keeps the week the priorities really moved).",
        "",
        "The timeline (`dealcraft timeline`) lists each event's conditions, repeats,",
        "duration and silence, and the balance report gives per-event figures for them:",
        "how often they fired, how many times in a game, and the score with and without.",
        "",
    ]


def generate() -> str:
    out: list[str] = [
        "# Writing a Dealcraft scenario",
        "",
        "<!-- Generated by `python -m simulator.docgen > docs/scenario-format.md` from",
        "     engine/model.py and engine/checks.py. Do not edit by hand. -->",
        "",
        "A scenario is one B2B deal in one YAML file: the customer and its buying team, the",
        "people the player may staff, the roles they can hold, the plan's milestones, the",
        "actions a team can take each week and the events that shake the deal. Everything",
        "scenario-specific lives in the file; no scenario logic lives in code.",
        "",
        "## Quick start",
        "",
        "The designer's loop, end to end: scaffold a deal, keep a copy, edit it, check it,",
        "see what the edit moved, then play it from the middle.",
        "",
        "```sh",
        "dealcraft new acme_deal              # writes acme_deal.yaml: a small, playable deal",
        "cp acme_deal.yaml acme_deal.v1.yaml  # keep this version to compare against",
        "$EDITOR acme_deal.yaml               # e.g. add the event below under `events:`",
        "dealcraft validate acme_deal.yaml    # every problem at once, as file:line:col",
        "dealcraft timeline acme_deal.yaml    # the deal week by week, hidden priorities too",
        "dealcraft balance acme_deal.yaml     # is it winnable, fair and varied?",
        "dealcraft balance acme_deal.yaml --against acme_deal.v1.yaml   # what the edit moved",
        "python -m simulator.recorder acme_deal.yaml --seed 1 > acme.plan.yaml  # expert's game",
        "dealcraft run acme_deal.yaml --plan acme.plan.yaml --seeds 1-100       # 100 seeds",
        "dealcraft play acme_deal.yaml --plan acme.plan.yaml --warp 4           # from week 4",
        "```",
        "",
        "The edit: a penalty the team earns by skipping its account reviews, from week 3",
        "on, whenever no review ran for two weeks, at most every other week (see",
        "'Behaviour conditions, repeats, durations and silent shifts' below):",
        "",
        "```yaml",
        *QUICK_EDIT.rstrip("\n").split("\n"),
        "```",
        "",
        "`balance --against` then shows the expert's score and the rhythm lesson's cost",
        "moving, each with its 95% interval. The timeline, plans across seeds and warping",
        "to a week are described in [designing.md](designing.md); the balance report and",
        "`--against` in [balance-report.md](balance-report.md).",
        "",
        "`dealcraft validate` takes files and folders and prints one line per problem,",
        "`path:line:col: error[code]: message (hint)` or `warning[code]:`, pointing at the",
        "exact YAML node. The code is stable (scripts and tests can rely on it; the wording",
        "may change); every code is listed in [error-codes.md](error-codes.md).",
        "",
        "```text",
        "acme_deal.yaml:12:3: error[field.range]: deal.weeks: must be at most 52 (got 60)",
        "acme_deal.yaml:88:7: error[ref.unknown]: roster member 'mya' is referenced by "
        "chemistry but not defined (did you mean 'maya'?)",
        "acme_deal.yaml:140:5: warning[lint.unreachable]: no action can reach stakeholder "
        "'cfo': no action targets economic buyers",
        "```",
        "",
        "It exits 0 when every file is valid (warnings allowed), 1 when any has an error and",
        "2 on a usage error. A missing field points at the mapping that lacks it, an unknown",
        "field at its key, a wrong value at the value, and a bad reference at the key or list",
        "item that holds it.",
        "",
        "**One pass.** Every problem comes in one run, in file order: a field that fails its",
        "own check does not hide the cross-reference errors of the parts that did parse. A",
        "rule over a whole list (exactly one quarterback, the starting influences summing to",
        "1, a team that can be staffed, every milestone reachable) waits until every entry of",
        "that list parses, so it never reports a false alarm about an entry it could not",
        "read; lint warnings come once there are no errors.",
        "",
        "**Hints** follow the message in brackets: a likely spelling (`did you mean`), the",
        "field a misplaced key belongs to (a key dedented out of `effects`), the code point",
        "of an invisible or look-alike character (a no-break space, a Cyrillic `о` in an",
        "id), the columns a badly indented line could line up with, and, for a problem",
        "inside content shared with an alias (`*std`), the anchor (`&std`) that holds the",
        "text: the problem itself is reported at each alias use. An unclosed `[` or `{` is",
        "reported at the bracket.",
        "",
        "**For scripts and editors**, `dealcraft validate --format json PATH...` prints one",
        "JSON object: `files`, `errors`, `warnings` and `problems`, a list of objects with",
        "`path`, `line`, `col` (1-based), `severity` (`error` or `warning`), `code`,",
        "`message` and `hint` (empty when there is none). The exit codes are the same.",
        "",
        "**Editor completion.** `dealcraft schema` prints the JSON Schema (also committed as",
        "`docs/scenario.schema.json`); `dealcraft schema --install DIR` writes it into a",
        "scenario folder as `DIR/scenario.schema.json`. `dealcraft new` starts the file with",
        "a modeline for the YAML language server (VS Code's YAML extension, Neovim, ...)",
        "that points at the nearest installed schema, in the file's folder or a folder",
        "above, and installs one beside the file when there is none:",
        "",
        "```yaml",
        "# yaml-language-server: $schema=scenario.schema.json",
        "```",
        "",
        "The reference is relative to the scenario, never to where Dealcraft is installed,",
        "so the folder can move or be shared as a whole. To apply the schema without any",
        "modeline, by file pattern, add to the workspace's `.vscode/settings.json` (paths",
        "relative to the workspace folder):",
        "",
        "```json",
        "{",
        '  "yaml.schemas": {',
        '    "./scenarios/scenario.schema.json": ["scenarios/**/*.yaml"]',
        "  }",
        "}",
        "```",
        "",
        "The schema completes field names, the allowed words (`buying_role`, `difficulty`)",
        "and shows each field's description, but it cannot offer the file's own ids (the",
        "roles in an action's `roles`, the milestones in `progress`): a JSON Schema is fixed",
        "text, and no keyword of the standard can draw allowed values from the document",
        "being checked (`enum` lists values written in the schema itself; `$ref` points at",
        "other schemas, not at the instance). Those references are checked by",
        "`dealcraft validate`, which names the closest id when one is misspelt.",
        "",
        "## Conventions",
        "",
        "- **Ids** are short lower-case names: a letter, then letters, digits, `-` or `_`",
        "  (at most 48). Other parts refer to things by id, so an id is unique in its list.",
        "- **Maps keyed by id** (`needs`, `skills`, `priorities`, `progress`, ...) are written",
        "  `{strategy: 0.6, discovery: 0.4}` or one entry per line.",
        "- **Weights and levels** are numbers from 0 to 1 unless the table says otherwise;",
        "  priority weights are normalised, so `{cost: 2, speed: 2}` means half each.",
        "- **Weeks** count from 1 to `deal.weeks`.",
        "- **Text** may use YAML's block styles: `|` keeps line breaks, `>-` folds lines into",
        "  one paragraph. Quote text that YAML would read as something else: `yes`, `no`,",
        "  `on`, `off`, `true`, `false` and `null` unquoted are not text.",
        "",
        "## What the loader accepts",
        "",
        "Scenario files are read with a safe YAML parser and plain data only: mappings,",
        "lists, text, numbers, true/false and null. Anchors and aliases (`&std` / `*std`)",
        "and merge keys (`<<: *std`) work. Refused, each with one clear error line:",
        "",
        f"- files over {yamlsource.MAX_BYTES:,} bytes, and text that is not UTF-8 (UTF-16,",
        "  Latin-1, binary junk);",
        "- YAML tags such as `!!python/object` or `!!binary`;",
        f"- nesting deeper than {yamlsource.MAX_DEPTH} levels, and documents that expand to",
        f'  more than {yamlsource.MAX_NODES:,} values through aliases ("billion laughs");',
        "- duplicate keys, more than one document (`---`), tabs used for indentation, and",
        "  a file that is empty or is not a mapping of fields.",
        "",
        "## Fields",
        "",
        "Each table lists a part's fields: its YAML path, type and limits, whether it is",
        "required or what it defaults to, and what it means.",
        "",
    ]
    for heading, path, model, guidance in SECTIONS:
        out += [f"### {heading}", "", f"`{path}`: {model.__doc__.strip().splitlines()[0]}"]
        if guidance:
            out += ["", guidance]
        out += ["", *field_table(model), ""]

    out += event_kinds()
    out += [
        "## The practices",
        "",
        "Each practice is a mechanic with its numbers in `rules:`, a restricted policy the",
        "balance report plays (the expert with that one practice removed) and a line of",
        "debrief advice. List the ones a deal is built to teach in `teaches:`.",
        "",
        "| practice | id | probe policy | its rules |",
        "|---|---|---|---|",
        *[
            f"| {p.name} | `{p.id}` | `{p.probe}` | "
            + (", ".join(f"`{r}`" for r in p.rules) or "the event's `request`")
            + " |"
            for p in PRACTICES
        ],
        "",
        "## Cross-reference rules (errors)",
        "",
        "After every field checks out on its own, `dealcraft validate` checks that the",
        "parts fit together. Breaking any of these rules is an error:",
        "",
        *[f"{i}. {rule}" for i, rule in enumerate(RULES, 1)],
        "",
        "## Lint warnings",
        "",
        "When there are no errors, the validator also warns about content that can never",
        "matter in play. A warning does not stop the scenario loading, but the shipped",
        "scenarios and `dealcraft new` have none:",
        "",
        *[f"- {lint}" for lint in LINTS],
        "",
        "## Worked example",
        "",
        f"An excerpt of the shipped `{EXAMPLE_NAME}`: a ten-week new-logo deal with a team",
        "that has never worked together. Read it with the tables above: every id a part",
        "refers to (`strategy` in a role's `needs`, `discovery_complete` in an action's",
        "`progress`, `coo` in an event's `priorities`) is defined in its own list.",
        "",
        "```yaml",
        *example_excerpt(),
        "```",
        "",
        "Things to notice:",
        "",
        *example_notes(),
        "",
    ]
    return "\n".join(out)


def error_codes() -> str:
    """docs/error-codes.md: every problem code, from engine.problems.CODES."""
    out = [
        "# Problem codes",
        "",
        "<!-- Generated by `python -m simulator.docgen codes`; do not edit. -->",
        "",
        "Every problem Dealcraft reports about an input (a scenario, a plan, a saved game,",
        "a command-line value or the workshop store) carries one of these codes, as in",
        "`path:line:col: error[code]: message`. Codes are stable: scripts and tests match",
        "the code and the place, never the wording, which may be improved at any time.",
        "",
        "| code | meaning |",
        "|---|---|",
    ]
    out += [f"| `{code}` | {_cell(meaning)} |" for code, meaning in CODES.items()]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    sys.stdout.write(error_codes() if argv[:1] == ["codes"] else generate())
    return 0


if __name__ == "__main__":
    sys.exit(main())
