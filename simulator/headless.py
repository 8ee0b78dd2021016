"""`dealcraft run`: play a plan without the TUI and print the scorecard."""

from __future__ import annotations

import argparse
import json
import sys

from engine.loader import find_scenario
from engine.plan import parse_plan, play_plan
from scoring.debrief import debrief
from scoring.scorecard import score
from simulator.textcharts import bar, spark


def render(card: dict, brief: dict, title: str, currency: str) -> str:
    """A readable scorecard for the terminal."""
    o = card["outcome"]
    lines = [
        f"{title}",
        f"Result: {card['result'].upper()}   score {card['score']:.1f}   "
        f"expected (luck-free) {card['expected_score']:.1f}",
        f"Win probability {o['win_probability']:.0%}   expected value "
        f"{o['expected_value']:,.0f} {currency}   realised {o['realised_value']:,.0f} {currency}",
        f"Customer satisfaction {o['satisfaction']:.0f}   team load {o['team_load']:.0f}%",
        "",
        f"Alignment {card['alignment']['total']:.1f}  (internal {card['alignment']['internal']:.1f}"
        f", external {card['alignment']['external']:.1f})",
    ]
    for group in ("internal", "external"):
        for k, v in card["components"][group].items():
            lines.append(f"  {group:8} {k:15} {bar(v / 100, 20)} {v:5.1f}")
    wk = card["weekly"]
    lines += [
        "",
        f"Weekly alignment     {spark([v / 100 for v in wk['alignment']])}",
        f"Weekly win chance    {spark(wk['win_probability'])}",
        f"Focus vs customer    {spark(wk['focus_cosine'])}",
        "",
        "Biggest gains:",
        *[
            f"  +{g['points']:.1f}  {g['group']}.{g['component']}: {g['reason']}"
            for g in brief["gains"]
        ],
        "Biggest losses:",
        *[
            f"  {g['points']:.1f}  {g['group']}.{g['component']}: {g['reason']}"
            for g in brief["losses"]
        ],
    ]
    if brief["advice"]:
        lines += ["Advice:", *[f"  - {a}" for a in brief["advice"]]]
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace) -> int:
    scenario = find_scenario(args.scenario)
    plan = parse_plan(args.plan)
    if args.join:
        from simulator.workshop.session import session_seed, submit_headless

        if not args.team:
            print("dealcraft run: --join needs --team NAME", file=sys.stderr)
            return 2
        state = submit_headless(args, play_plan(scenario, plan, session_seed(args)))
    else:
        state = play_plan(scenario, plan, args.seed)
    trace = state.trace()
    sc = score(trace)
    card = sc.game(0)
    brief = debrief(trace, 0, sc)
    card["scenario"] = scenario.id
    card["seed"] = state.seed
    card["content_hash"] = scenario.content_hash
    card["debrief"] = {k: brief[k] for k in ("gains", "losses", "advice")}
    if args.json:
        print(json.dumps(card, indent=2))
    else:
        print(render(card, brief, scenario.title, scenario.deal.currency))
    return 0
