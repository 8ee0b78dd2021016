"""`dealcraft run`: play a plan without the TUI and print the scorecard."""

from __future__ import annotations

import argparse
import json
import sys

from engine.drawn import is_sealed
from engine.loader import find_scenario
from engine.plan import parse_plan, play_plan
from scoring.debrief import debrief
from scoring.scorecard import score
from simulator.coach import coach, expert_games
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
    than = "the expert's play" if brief.get("against") == "expert" else "an average play"
    for key in ("gains", "losses"):
        if not brief[key]:
            at = lines.index(f"Biggest {key}:") + 1
            lines.insert(at, f"  none {'above' if key == 'gains' else 'below'} {than}")
    if brief["advice"]:
        lines += ["Advice:", *[f"  - {a}" for a in brief["advice"]]]
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace) -> int:
    scenario = find_scenario(args.scenario)
    plan = parse_plan(args.plan)
    if getattr(args, "seeds", None) is not None:
        from simulator.seeds import cmd_run_seeds

        for flag in ("join", "coach"):
            if getattr(args, flag, None):
                print(f"dealcraft run: --seeds cannot be used with --{flag}", file=sys.stderr)
                return 2
        return cmd_run_seeds(args, scenario, plan)
    if args.join:
        from simulator.workshop.session import play_and_submit

        if not args.team:
            print("dealcraft run: --join needs --team NAME", file=sys.stderr)
            return 2
        state = play_and_submit(args, scenario, plan)
    else:
        state = play_plan(scenario, plan, args.seed)
    trace = state.trace()
    sc = score(trace)
    card = sc.game(0)
    baseline = expert_games(scenario, state.seed)[1] if state.week else None
    brief = debrief(trace, 0, sc, baseline)
    card["scenario"] = scenario.id
    card["seed"] = None if is_sealed(state.seed) else state.seed  # the server keeps it
    card["content_hash"] = scenario.content_hash
    card["debrief"] = {k: brief[k] for k in ("against", "gains", "losses", "advice")}
    coaching = coach(state) if getattr(args, "coach", False) and state.week else None
    if coaching is not None:
        card["coach"] = coaching.as_dict()
    if args.json:
        print(json.dumps(card, indent=2))
    else:
        print(render(card, brief, scenario.title, scenario.deal.currency))
        if coaching is not None:
            print(render_coach(coaching))
    return 0


def render_coach(c) -> str:
    """The coach's mistakes and skill-vs-luck line, as plain text."""
    lines = ["Coach (each mistake replayed with only it corrected):"]
    lines += [f"  {n}. {m.what}: {m.line()}" for n, m in enumerate(c.mistakes, 1)]
    if not c.mistakes:
        lines.append("  no single correction tried would have raised the expected score")
    return "\n".join([*lines, c.summary()])
