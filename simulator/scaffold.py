"""`dealcraft new NAME`: write a commented scenario scaffold that validates cleanly.

The scaffold is a small but complete, playable deal (three priority dimensions,
three stakeholders, four people to staff, three roles, three milestones ending
in a close, five actions and three events) with a comment on every part, so a
designer can rename and reshape it rather than start from a blank page.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from engine.loader import SCENARIO_SUFFIXES
from engine.problems import InputError
from engine.schema import SCHEMA_NAME, modeline, scenario_schema

TEMPLATE = """\
{modeline}
# {title}: a new Dealcraft scenario.
#
# Every field is described in docs/scenario-format.md; `dealcraft validate {file}`
# checks this file and points at any problem as file:line:col. Ids are short
# lower-case names (letters, digits, '-' or '_') that other parts refer to.

id: {id}
title: "{title}"
summary: >-
  Win a first deal with a mid-sized customer by learning what its buyers
  really care about.
# The briefing is what the trainee reads before staffing the team.
briefing: |
  Acme Retail wants to replace the tool its stores use to plan stock. Nobody
  on your team has sold to them before. You have eight weeks, a small budget
  and four people you could staff. Pick a team, name one quarterback, reach
  the people who decide, and find out what they care about before you pitch.
difficulty: easy          # easy, medium or hard
estimated_minutes: 15
learning_objectives:
  - Staff a team with clear roles and exactly one quarterback.
  - Use discovery before settling on a strategy.

deal:
  value: 300000           # value if won at full scope
  currency: USD
  weeks: 8                # one turn per week

customer:
  name: Acme Retail
  industry: Retail
  description: A chain of 60 stores whose stock planning runs on spreadsheets.

competitor:
  name: ShelfWise
  description: A cheaper tool the IT team has already trialled.
  strength: 0.35          # starting competitor pressure, 0..1
  momentum: 0.02          # pressure added each week the team does not push back

# What the customer weighs the deal on. Stakeholders give each a weight.
dimensions:
  - id: cost
    name: Total cost
    description: Licence and rollout cost over three years.
  - id: risk
    name: Delivery risk
    description: Confidence the rollout will not disrupt the stores.
  - id: speed
    name: Time to value
    description: How soon stores see fewer stock-outs.

# The skills people have, roles need and actions use.
skills:
  - id: selling
    name: Selling
    description: Reading the account, shaping the plan, asking for the decision.
  - id: technical
    name: Technical depth
    description: Designing and demonstrating the solution.
  - id: executive
    name: Executive presence
    description: Earning trust with senior buyers.

# Team roles. Exactly one role is the quarterback, who owns the strategy.
roles:
  - id: quarterback
    name: Account executive (quarterback)
    description: Owns the strategy and calls the plays.
    quarterback: true
    needs: {{selling: 0.8, executive: 0.2}}   # skill -> weight, for role fit
    min: 1
    max: 1
  - id: solution_consultant
    name: Solution consultant
    description: Shapes and demonstrates the solution.
    needs: {{technical: 0.8, selling: 0.2}}
    min: 1
    max: 1
  - id: executive_sponsor
    name: Executive sponsor
    description: A senior leader who meets the customer's executives as a peer.
    needs: {{executive: 0.8, selling: 0.2}}
    min: 0
    max: 1

# The buying team. Influences of those present at the start sum to 1.
# Priorities are hidden from the player; discovery reveals them.
stakeholders:
  - id: cfo
    name: Dana Frost
    title: Chief Financial Officer
    buying_role: economic   # economic, user, technical or coach
    influence: 0.5
    stance: 0.0             # -1 blocker .. +1 champion
    seniority: 5
    priorities: {{cost: 0.6, risk: 0.3, speed: 0.1}}
    visibility: 0.2         # how much of their priorities the team knows at the start
    notes: Signs off the budget; has not met us yet.
  - id: it_lead
    name: Omar Haddad
    title: Head of IT
    buying_role: technical
    influence: 0.3
    stance: -0.2
    seniority: 4
    priorities: {{cost: 0.2, risk: 0.7, speed: 0.1}}
    visibility: 0.3
    notes: Ran the ShelfWise trial.
  - id: store_ops
    name: Lena Park
    title: Store operations manager
    buying_role: user
    influence: 0.2
    stance: 0.3
    seniority: 3
    priorities: {{cost: 0.1, risk: 0.2, speed: 0.7}}
    visibility: 0.5
    notes: Lives with the stock-outs every week.

# The people the player may staff.
roster:
  - id: sam
    name: Sam Ortiz
    title: Account executive
    skills: {{selling: 0.8, technical: 0.3, executive: 0.4}}
    seniority: 3
    weekly_cost: 3000
    capacity: 20            # hours a week for this deal
    traits: [organised]
    bio: Has closed two retail deals; keeps a tight weekly plan.
  - id: kim
    name: Kim Novak
    title: Solution consultant
    skills: {{selling: 0.3, technical: 0.8, executive: 0.1}}
    seniority: 3
    weekly_cost: 2500
    capacity: 20
    traits: [precise]
    bio: Builds demos on the customer's own data.
  - id: alex
    name: Alex Reid
    title: Junior account executive
    skills: {{selling: 0.4, technical: 0.2, executive: 0.1}}
    seniority: 1
    weekly_cost: 1500
    capacity: 24
    traits: [eager]
    bio: Cheap and keen; never led a deal this size.
  - id: morgan
    name: Morgan Blake
    title: VP of Sales
    skills: {{selling: 0.7, technical: 0.1, executive: 0.9}}
    seniority: 5
    weekly_cost: 4000
    capacity: 6
    traits: [well-connected]
    bio: Knows the CFO from a previous company; short on time.

# Pairs who work well (+) or badly (-) together.
chemistry:
  - members: [sam, kim]
    value: 0.4
    note: Sam and Kim have won together before.

limits:
  headcount: 3
  weekly_budget: 10000

# The deal plan. Actions add progress points; the close is where the customer decides.
milestones:
  - id: discovery_done
    name: Priorities understood
    description: The team can state each buyer's top priority in their words.
    effort: 3
    target_week: 3
  - id: solution_agreed
    name: Solution agreed
    description: IT agrees the solution fits and the rollout is safe.
    effort: 4
    target_week: 6
  - id: signed
    name: Contract signed
    description: The customer decides.
    effort: 3
    target_week: 8
    close: true

# The catalogue of actions. Targets are buying roles; roles limit who may run them.
actions:
  - id: discovery_meeting
    name: Discovery meeting
    description: Ask about goals, pains and how the decision gets made.
    hours: 4
    roles: [quarterback, solution_consultant]
    targets: [economic, technical, user]
    skills: {{selling: 0.8, technical: 0.2}}
    effects: {{discovery: 0.4, stance: 0.05, progress: {{discovery_done: 1.0}}}}
  - id: demo
    name: Tailored demo
    description: Show the solution on the customer's own stock data.
    hours: 6
    roles: [solution_consultant]
    targets: [technical, user]
    skills: {{technical: 0.9, selling: 0.1}}
    effects:
      discovery: 0.15
      stance: 0.1
      progress: {{solution_agreed: 1.5}}
      competition: -0.03
  - id: exec_briefing
    name: Executive briefing
    description: A peer-level talk on outcomes and risk with the CFO.
    hours: 3
    roles: [quarterback, executive_sponsor]
    targets: [economic]
    skills: {{executive: 0.7, selling: 0.3}}
    effects: {{discovery: 0.3, stance: 0.12, progress: {{signed: 0.5}}, competition: -0.03}}
  - id: proposal
    name: Proposal
    description: Put a priced proposal in front of the buyers.
    hours: 5
    roles: [quarterback]
    targets: [economic, user]
    skills: {{selling: 0.8, executive: 0.2}}
    effects: {{stance: 0.05, progress: {{solution_agreed: 0.5, signed: 1.5}}}}
  - id: account_review
    name: Internal account review
    description: The team pools what each member has learned.
    hours: 2
    skills: {{selling: 1.0}}
    effects: {{share_knowledge: true, morale: 0.03, progress: {{discovery_done: 0.5}}}}

# Things that happen: at a fixed week, by seeded chance in a window, or when a
# facilitator injects a curveball.
events:
  - id: peak_season
    name: Peak season looms
    signal: Lena says the CFO now wants fewer stock-outs before the holidays.
    when: {{week: 4}}
    effects:
      priorities:
        cfo: {{cost: 0.3, risk: 0.2, speed: 0.5}}
  - id: shelfwise_discount
    name: ShelfWise cuts its price
    signal: Omar mentions that ShelfWise has offered a large discount.
    when: {{probability: 0.3, window: [3, 6]}}
    effects:
      competition: 0.1
  - id: budget_freeze
    name: Our budget is squeezed
    signal: Finance asks every deal team to trim weekly spend.
    curveball: true         # only a facilitator can fire it, in a workshop
    effects:
      budget: -1500

facilitator:
  debrief_guide: >-
    Ask who the quarterback was, who reached the CFO, and when the team
    noticed that speed had started to matter more than cost.
  discussion_questions:
    - Which buyer did your team understand least?
    - How many weeks did it take to re-align after peak season loomed?
  hidden_truth: >-
    The CFO always cared about stock-outs; cost was IT's talking point.
"""


def scenario_id(stem: str) -> str:
    """A valid scenario id from a file name: 'Acme Deal' -> 'acme-deal'."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-_")
    if not slug or not slug[0].isalpha():
        slug = "scenario-" + slug if slug else "scenario"
    return slug[:48].rstrip("-_")


def target_path(name: str) -> Path:
    """NAME, NAME.yaml or a path: where the scaffold goes."""
    path = Path(name)
    if path.suffix not in SCENARIO_SUFFIXES:
        path = path.with_name(path.name + ".yaml")
    return path


def installed_schema(folder: Path) -> Path | None:
    """The nearest scenario.schema.json in `folder` or a folder above it, or None."""
    for here in (folder.resolve(), *folder.resolve().parents):
        candidate = here / SCHEMA_NAME
        if candidate.is_file():
            return candidate
    return None


def schema_ref(path: Path) -> str:
    """The modeline's schema reference for a scenario at `path`: relative to the file, to
    the nearest installed schema, or to the one `dealcraft new` writes beside it. It names
    no install folder, so the scenario and its folder's schema can move together."""
    found = installed_schema(path.parent)
    if found is None:
        return SCHEMA_NAME
    return Path(os.path.relpath(found, path.resolve().parent)).as_posix()


def install_schema(folder: str | Path) -> Path:
    """Write (or refresh) scenario.schema.json in a scenario folder; return its path."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError.at(str(folder), "file.write", "no such folder to install the schema in")
    path = folder / SCHEMA_NAME
    try:
        path.write_text(json.dumps(scenario_schema(), indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError.at(
            str(path), "file.write", f"cannot write the schema: {exc.strerror or exc}"
        ) from None
    return path


def render(path: Path) -> str:
    """The scaffold text for a file at `path`."""
    stem = path.stem
    title = re.sub(r"[_-]+", " ", stem).strip().title() or "New scenario"
    return TEMPLATE.format(
        id=scenario_id(stem),
        title=title.replace('"', "'"),
        file=path.name,
        modeline=modeline(schema_ref(path)),
    )


def cmd_new(args: argparse.Namespace) -> int:
    """Write NAME.yaml; refuse to overwrite unless --force."""
    path = target_path(args.name)
    if path.is_dir():
        print(f"dealcraft new: {path} is a folder", file=sys.stderr)
        return 1
    if path.exists() and not args.force:
        print(
            f"dealcraft new: {path} already exists; use --force to overwrite it",
            file=sys.stderr,
        )
        return 1
    if not path.parent.is_dir():
        print(f"dealcraft new: folder {path.parent} does not exist", file=sys.stderr)
        return 1
    try:
        path.write_text(render(path), encoding="utf-8")
    except OSError as exc:
        print(f"dealcraft new: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    if installed_schema(path.parent) is None:
        try:
            print(f"wrote {install_schema(path.parent)} (for editor completion)")
        except InputError as exc:
            for p in exc.problems:
                print(p, file=sys.stderr)
    print(f"next: edit it, then run `dealcraft validate {path}`", file=sys.stderr)
    return 0
