"""The shape of a deal at a glance, for its designer: `dealcraft timeline SCENARIO`.

`timeline()` gathers, week by week, what the scenario file says will or may happen:
scheduled events, probability windows and their conditions, curveballs, stakeholders
joining, milestone target weeks, when each roster member can be staffed, and the
customer's hidden priorities (influence-weighted) as the events move them. `render()`
lays it out with rich for the terminal and the designer screen; --json prints the dict.

The priorities come from the engine's own week start (engine.rules.start_week), run
with every event's condition taken as met: scheduled events only, or with `seed`, also
the chance events that seed's draws fire (the draws do not depend on play). An event
conditioned on the team's play is marked conditional (○, "if played so"): it is shown
where it could fire, not where it will.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text

from engine import events, rules
from engine.compiled import compile_scenario
from engine.model import Event, Scenario
from simulator.textcharts import spark


def _kind(e: Event) -> str:
    if e.curveball:
        return "curveball"
    return "scheduled" if e.when.week is not None else "window"


def _conditions(e: Event) -> list[str]:
    w = e.when
    out = [f"{s} stance below {v:+.2f}" for s, v in w.if_stance_below.items()]
    out += [f"nobody connected to {s}" for s in w.if_unconnected]
    out += [f"{a} run in the last {n} wk" for a, n in w.if_run.items()]
    out += [f"no {a} for {n} wk" for a, n in w.if_not_run.items()]
    out += [f"{s} met since week {n}" for s, n in w.if_met.items()]
    out += [f"{s} not met since week {n}" for s, n in w.if_not_met.items()]
    out += [f"{p} skipped" for p in w.if_skipped]
    out += [f"{m} on the team" for m in w.if_staffed]
    return out


def _effects(e: Event, currency: str) -> list[str]:
    """The event's effects, one short phrase each."""
    fx, out = e.effects, []
    if fx.priorities:
        out.append(f"priorities of {', '.join(fx.priorities)}")
    out += [f"stance {s} {v:+.2f}" for s, v in fx.stance.items()]
    out += [f"influence {s} {v:.0%}" for s, v in fx.influence.items()]
    if fx.competition:
        out.append(f"competition {fx.competition:+.2f}")
    if fx.budget:
        out.append(f"weekly budget {fx.budget:+,} {currency}")
    out += [f"{m} away {n} week(s)" for m, n in fx.unavailable.items()]
    if fx.request is not None:
        r = fx.request
        out.append(f"{r.stakeholder} asks for {r.skill} >= {r.level:.1f} within {r.within} wk")
    if fx.deal_value:
        out.append(f"deal value {fx.deal_value:+.0%}")
    if fx.lasts:
        out.append(f"budget and value for {fx.lasts} wk")
    if fx.silent:
        out.append("silent: not announced")
    return out


def _all_conditions_met(c):
    """The compiled scenario with every condition taken as met (stance, connection and
    behaviour), so the timeline shows when events can arrive."""
    t = events.tables(c)
    met = replace(
        c,
        e_stance_below=np.full_like(c.e_stance_below, np.inf),
        e_unconnected=np.zeros_like(c.e_unconnected),
    )
    met.__dict__["_event_tables"] = replace(t, behaviour=np.zeros_like(t.behaviour))
    return met


def _chance(e: Event, weeks: int) -> float:
    """Chance a windowed event fires some week of its window (its conditions met)."""
    first, last = e.when.window or (1, weeks)
    n = max(0, min(last, weeks) - first + 1)
    return 1.0 - (1.0 - float(e.when.probability or 0.0)) ** n


def _on_play(scenario: Scenario) -> np.ndarray:
    """(E,) the events with a condition on the team's play (engine.events): the timeline
    shows where they could fire, not where they will."""
    return events.tables(compile_scenario(scenario)).behaviour


def _expected_times(e: Event, weeks: int) -> float:
    """Expected firings of a repeating chance event over its window, its conditions met: a
    draw each week once `repeat_every` weeks (and its `lasts`) have passed since the last
    firing, up to `max_times` (engine.kernels.fire_events)."""
    first, last = e.when.window or (1, weeks)
    p = float(e.when.probability or 0.0)
    gap = max(e.when.repeat_every or 1, e.effects.lasts or 0)
    cap = e.when.max_times or 0
    states = {(None, 0): 1.0}  # (week it last fired, times fired) -> probability
    for w in range(first, min(last, weeks) + 1):
        nxt: dict = {}
        for (fw, n), q in states.items():
            ready = (fw is None or w - fw >= gap) and (cap == 0 or n < cap)
            if ready:
                nxt[(w, n + 1)] = nxt.get((w, n + 1), 0.0) + q * p
            nxt[(fw, n)] = nxt.get((fw, n), 0.0) + q * (1.0 - p if ready else 1.0)
        states = nxt
    return sum(n * q for (_, n), q in states.items())


def _path(scenario: Scenario, seed: int | None) -> list[dict]:
    """Per week: the influence-weighted priorities, each stakeholder's influence and the
    events that fired, from the engine's week start with every condition met."""
    c = _all_conditions_met(compile_scenario(scenario))
    if seed is None:
        t = c.__dict__["_event_tables"]
        c = replace(c, e_prob=np.zeros_like(c.e_prob))
        c.__dict__["_event_tables"] = t
    b = rules.new_batch(c, [0 if seed is None else seed])
    out = []
    for w in range(1, c.weeks + 1):
        b = rules.start_week(c, b)
        infl = b.influence[0] * b.present[0]
        prio = (infl[:, None] * b.prio[0]).sum(0)
        prio = prio / prio.sum() if prio.sum() > 0 else prio
        fired = [c.events[e] for e in np.flatnonzero(b.fire_log[0, w - 1])]
        out.append(
            {
                "week": w,
                "priorities": {d: round(float(v), 4) for d, v in zip(c.dims, prio, strict=True)},
                "top": c.dims[int(np.argmax(prio))],
                "influence": {
                    s: round(float(v), 4) for s, v in zip(c.stakeholders, infl, strict=True)
                },
                "events": fired,
            }
        )
    return out


def timeline(scenario: Scenario, seed: int | None = None) -> dict:
    """Everything the timeline shows, as plain data (the --json shape)."""
    W = scenario.deal.weeks
    path = _path(scenario, seed)
    fired_on: dict[str, list[int]] = {}
    for p in path:
        for e in p["events"]:
            fired_on.setdefault(e, []).append(p["week"])
    conditional = _on_play(scenario)
    events = []
    for k, e in enumerate(scenario.events):
        item = {"id": e.id, "name": e.name, "kind": _kind(e)}
        if item["kind"] == "scheduled":
            item["week"] = e.when.week
        elif item["kind"] == "window":
            first, last = e.when.window or (1, W)
            item |= {
                "window": [first, last],
                "probability": e.when.probability,
                "chance": round(_chance(e, W), 4),
            }
            if e.when.repeat_every:
                item |= {
                    "chance_means": "at least one firing",
                    "expected_times": round(_expected_times(e, W), 4),
                }
        item["conditions"] = _conditions(e)
        item["conditional"] = bool(conditional[k])
        item["effects"] = _effects(e, scenario.deal.currency)
        item |= {
            "repeat_every": e.when.repeat_every,
            "max_times": e.when.max_times,
            "lasts": e.effects.lasts,
            "silent": e.effects.silent,
        }
        if item["kind"] != "curveball":
            weeks = fired_on.get(e.id, [])
            item["fires_in_week"] = weeks[0] if weeks else None
            item["fires_in_weeks"] = weeks
        events.append(item)
    away: dict[str, list[dict]] = {}
    for e in scenario.events:
        for m, n in e.effects.unavailable.items():
            start, certain = (e.when.week, True) if e.when.week else (None, False)
            span = {"event": e.id, "weeks": n, "from": start, "certain": certain}
            if e.when.window and not e.curveball:
                span["window"] = list(e.when.window)
            away.setdefault(m, []).append(span)
    calendar = scenario.rules.customer_calendar
    return {
        "scenario": scenario.id,
        "title": scenario.title,
        "weeks": W,
        "seed": seed,
        "events": events,
        "stakeholders": [
            {
                "id": s.id,
                "name": s.name,
                "buying_role": s.buying_role.value,
                "joins_week": s.joins_week,
                "influence": s.influence,
            }
            for s in scenario.stakeholders
        ],
        "milestones": [
            {
                "id": m.id,
                "name": m.name,
                "target_week": m.target_week,
                "earliest_week": max(1, int(np.ceil(calendar * m.target_week))),
                "close": m.close,
            }
            for m in scenario.milestones
        ],
        "roster": [
            {
                "id": m.id,
                "name": m.name,
                "available_from": m.available_from,
                "available_until": m.available_until or W,
                "away": away.get(m.id, []),
            }
            for m in scenario.roster
        ],
        "priorities": path,
    }


# ---- rendering ------------------------------------------------------------------------

MARK = {
    "scheduled": "●",
    "window": "░",
    "fired": "●",
    "maybe": "○",
    "join": "▲",
    "milestone": "◆",
    "lasts": "─",
}


def _repeats_text(e: dict) -> str:
    text = f"every {e['repeat_every']} wk"
    return text + (f", at most {e['max_times']} times" if e.get("max_times") else "")


def _cell(W: int) -> int:
    """Characters per week: wide for short deals, narrow for long ones."""
    return 3 if W <= 16 else 2


def _lane(W: int, marks: dict[int, tuple[str, str]], fill: tuple[str, str] = ("·", "dim")):
    """One row of weeks: `marks` maps a week to (text, style); the rest is `fill`. A
    one-character mark sits at the left of its week's cell; a longer one fills it."""
    cw = _cell(W)
    t = Text(no_wrap=True, overflow="crop")
    for w in range(1, W + 1):
        ch, style = marks.get(w, fill)
        t.append(ch.ljust(cw) if len(ch) == 1 else ch[:cw].ljust(cw), style)
    return t


def _header(W: int, now: int | None = None) -> Text:
    """The week numbers; `now` (the game's week) highlighted."""
    cw = _cell(W)
    t = Text(no_wrap=True, overflow="crop", style="bold")
    for w in range(1, W + 1):
        label = str(w) if cw == 3 or w in (1, now) or w % 5 == 0 else ""
        t.append(label.ljust(cw), "reverse" if w == now else "")
    return t


class _Sheet:
    """One table for the whole timeline, so every section's weeks line up. Laid out when
    drawn: notes beside the weeks where the width allows, else on a line below."""

    LABEL = 28  # widest label column
    NOTE = 40  # narrowest note column worth keeping beside the weeks

    def __init__(self, W: int, now: int | None = None) -> None:
        self.W, self.now = W, now
        self.rows: list[tuple[Text | str, Text | str, Text | str]] = []

    def section(self, title: str, legend: str) -> None:
        self.rows.append(
            (Text(title, "bold cyan"), _header(self.W, self.now), Text(legend, "dim italic"))
        )

    def row(self, label: str, lane: Text, note: Text | str) -> None:
        self.rows.append((label, lane, note))

    def gap(self) -> None:
        self.rows.append(("", "", ""))

    def __rich_console__(self, console, options):
        lane = self.W * _cell(self.W)
        wide = options.max_width >= self.LABEL + lane + self.NOTE + 2
        label = self.LABEL if wide else max(12, min(self.LABEL, options.max_width - lane - 1))
        table = Table(show_edge=False, show_header=False, box=None, pad_edge=False)
        table.add_column(no_wrap=True, max_width=label, overflow="ellipsis")
        table.add_column()
        if wide:
            table.add_column(overflow="fold", ratio=1)
        for name, weeks, note in self.rows:
            if wide:
                table.add_row(name, weeks, note)
                continue
            table.add_row(name, weeks)
            if note:
                table.add_row("", note)
        yield table


def render(data: dict, now: int | None = None) -> Group:
    """The timeline as rich renderables: one week-by-week section per kind of thing;
    `now`, the week a game is in, is highlighted in each section's week numbers."""
    W = data["weeks"]
    mode = (
        f"seed {data['seed']}: scheduled events and the chance events this seed's draws fire"
        if data["seed"] is not None
        else "scheduled events only (--seed N adds that seed's chance events)"
    )
    played = any(e.get("conditional") for e in data["events"])
    conditions = (
        "stance and connection conditions taken as met; ○ an event that depends on the "
        "team's play, shown where it could fire"
        if played
        else "every event's condition taken as met"
    )
    head = Text.assemble(
        (data["title"], "bold"),
        f"  ({data['scenario']}, {W} weeks)\n",
        (f"{mode}; {conditions}\n", "dim"),
    )
    sheet = _Sheet(W, now)

    legend = "● scheduled (or fired on this seed), ░ chance window, ─ effect lasting"
    if played:
        legend += ", ○ only if the team's play meets its condition"
    sheet.section("Events", legend)
    for e in data["events"]:
        marks: dict[int, tuple[str, str]] = {}
        dot = MARK["maybe"] if e.get("conditional") else MARK["fired"]
        if e["kind"] == "scheduled":
            marks[e["week"]] = (dot, "bold yellow")
            when = f"week {e['week']}"
        elif e["kind"] == "window":
            first, last = e["window"]
            marks = {w: (MARK["window"], "yellow") for w in range(first, min(last, W) + 1)}
            chance = f"{e['chance']:.0%} chance in all"
            if e.get("repeat_every"):
                chance = (
                    f"{e['chance']:.0%} chance of firing at least once, "
                    f"{e['expected_times']:.1f} times expected"
                )
            when = f"{e['probability']:.0%}/wk in weeks {first}-{last} ({chance})"
        else:
            when = "curveball: fires when a facilitator injects it"
        if e.get("fires_in_week") and e["kind"] == "window":
            marks[e["fires_in_week"]] = (dot, "bold yellow")
        for w in e.get("fires_in_weeks", [])[1:]:  # a repeating event's later firings
            marks[w] = (dot, "bold yellow")
        if e.get("lasts"):
            for w in e.get("fires_in_weeks", []):
                for k in range(w + 1, min(w + e["lasts"], W + 1)):
                    marks.setdefault(k, (MARK["lasts"], "yellow"))
        if e.get("repeat_every"):
            when += "; repeats " + _repeats_text(e)
        if e["conditions"]:
            when += "; only if " + " and ".join(e["conditions"])
        detail = Text(when, style="dim")
        if e["effects"]:
            detail.append(" → " + "; ".join(e["effects"]))
        sheet.row(e["name"], _lane(W, marks), detail)

    sheet.gap()
    sheet.section("Buying team", "━ on the buying team, ▲ joins; influence at the start → end")
    first_infl = data["priorities"][0]["influence"]
    last_infl = data["priorities"][-1]["influence"]
    for s in data["stakeholders"]:
        joins = s["joins_week"] or 1
        marks = {w: ("━", "green") for w in range(joins, W + 1)}
        if s["joins_week"]:
            marks[joins] = (MARK["join"], "bold green")
        note = f"{s['buying_role']}, {first_infl[s['id']]:.0%} → {last_infl[s['id']]:.0%}"
        if s["joins_week"]:
            note += f"; joins in week {joins}"
        sheet.row(s["name"], _lane(W, marks, (" ", "")), Text(note, style="dim"))

    sheet.gap()
    sheet.section("Milestones", "◆ target week, ─ from the customer's earliest week")
    for m in data["milestones"]:
        marks = {w: ("─", "magenta") for w in range(m["earliest_week"], m["target_week"])}
        marks[m["target_week"]] = (MARK["milestone"], "bold magenta")
        note = f"target week {m['target_week']}"
        if m["close"]:
            note += "; the customer decides here"
        sheet.row(m["name"], _lane(W, marks, (" ", "")), Text(note, style="dim"))

    sheet.gap()
    sheet.section("Roster", "━ can be staffed, ✕ pulled away, ? may be pulled away")
    for m in data["roster"]:
        marks = {w: ("━", "blue") for w in range(m["available_from"], m["available_until"] + 1)}
        notes = [f"weeks {m['available_from']}-{m['available_until']}"]
        for a in m["away"]:
            if a["certain"]:
                for w in range(a["from"], min(a["from"] + a["weeks"], W + 1)):
                    marks[w] = ("✕", "bold red")
            elif "window" in a:
                for w in range(a["window"][0], min(a["window"][1], W) + 1):
                    if marks.get(w, ("",))[0] == "━":
                        marks[w] = ("?", "red")
            notes.append(f"{a['event']}: away {a['weeks']} wk")
        sheet.row(m["name"], _lane(W, marks, (" ", "")), Text("; ".join(notes), "dim"))

    sheet.gap()
    sheet.section(
        "Priorities", "influence-weighted, hidden from the player; highlighted: the top one"
    )
    weeks = data["priorities"]
    high = max(max(p["priorities"].values()) for p in weeks) or 1.0
    fill = _cell(W) - 1
    for d in weeks[0]["priorities"]:
        values = [p["priorities"][d] for p in weeks]
        marks = {
            p["week"]: (
                spark([v / high]) * fill,
                "bold reverse cyan" if p["top"] == d else "cyan",
            )
            for p, v in zip(weeks, values, strict=True)
        }
        sheet.row(d, _lane(W, marks), Text(f"{values[0]:.0%} → {values[-1]:.0%}", style="dim"))
    joins = _joins(data)
    maybe = {e["id"] for e in data["events"] if e.get("conditional")}
    changes = Text()
    prev = None
    for p in weeks:
        if p["top"] != prev:
            named = [f"{e} if played so" if e in maybe else e for e in p["events"]]
            why = ", ".join(named + joins.get(p["week"], []))
            changes.append(f"week {p['week']}: {p['top']}" + (f" ({why})" if why else "") + "   ")
            prev = p["top"]
    top = Text.assemble(("\nTop priority by week: ", "bold"), changes)
    return Group(head, sheet, top)


def _joins(data: dict) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for s in data["stakeholders"]:
        if s["joins_week"] and s["joins_week"] > 1:
            out.setdefault(s["joins_week"], []).append(f"{s['id']} joins")
    return out


def cmd_timeline(args) -> int:
    """`dealcraft timeline SCENARIO [--seed N] [--json]`."""
    import json

    from rich.console import Console

    from engine.loader import find_scenario

    data = timeline(find_scenario(args.scenario), args.seed)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    Console(highlight=False).print(render(data))
    return 0
