"""The workshop report: one self-contained HTML page (inline SVG, no script, no network).

Sections: the ranking, each team's components and weekly series, the
curveball responses (scenario curveballs and custom priority shifts: the week
each team re-focused, the focus cosine before and after, and the weeks until it
was back in line), the class findings (which practices went with winning, over
human teams only), each team's card, and, when the store holds earlier sessions
of the same scenario, this class against them. `build_debrief` makes the
one-page printable debrief of one team.

Every piece of text from a team or a scenario is HTML-escaped; the page carries
a Content-Security-Policy that forbids loading anything. The
scenario's facilitator notes are not included: the report is a hand-out.
"""

from __future__ import annotations

import csv
import time
from html import escape
from pathlib import Path

from engine.model import Scenario
from simulator.workshop.records import SessionInfo
from simulator.workshop.results import (
    KIND_LABELS,
    NEVER,
    NOT_YET,
    PRACTICES,
    RESPONDED,
    TeamResult,
    component_keys,
    excluded_teams,
    findings,
)

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
)

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;
color:#1d2330;line-height:1.45;padding:0 1rem}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #dde3ee;padding-bottom:.2rem;margin-top:2.2rem}
.meta{color:#5a6475;margin-top:0}
table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}
th,td{border:1px solid #dde3ee;padding:.3rem .55rem;text-align:right;white-space:nowrap}
th{background:#f2f5fa}td.team,th.team{text-align:left;white-space:normal;max-width:16rem}
td.bot{color:#5a6475;font-style:italic}
.chart{display:block;margin:.8rem 0;max-width:100%;height:auto}
.chart text{font-size:12px;fill:#1d2330}.chart .axis{stroke:#9aa4b5}.chart .grid{stroke:#eef1f6}
.finding{margin:1rem 0;padding:.6rem .9rem;border-left:4px solid #1f77b4;background:#f7f9fc}
.finding h3{margin:.1rem 0 .3rem;font-size:1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1rem}
.card{border:1px solid #dde3ee;border-radius:6px;padding:.6rem .9rem}
.card h3{margin:.2rem 0}.card ul{padding-left:1.1rem;margin:.4rem 0}
.legend span{display:inline-block;margin-right:1rem;font-size:.85rem}
.legend i{display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;vertical-align:-2px}
.note{color:#5a6475;font-size:.9rem}
.scroll{overflow-x:auto;max-width:100%}
.warn{border-left-color:#ff7f0e;background:#fff6ec}.warning{color:#a04a00;font-weight:600}
.kind{color:#5a6475;font-size:.8rem;font-style:italic}
@media print{body{margin:0;max-width:none;font-size:10pt}.scroll{overflow:visible}
h2{break-after:avoid}.card,.finding,table,svg{break-inside:avoid}}
"""


def _e(x) -> str:
    return escape(str(x), quote=True)


def _num(v: float, nd: int = 1) -> str:
    return f"{v:.{nd}f}"


def _color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _heat(v: float) -> str:
    """Background for a 0..100 value: red through white to green."""
    v = max(0.0, min(100.0, v))
    if v < 50:
        k = v / 50
        r, g, b = 248, int(180 + 75 * k), int(180 + 75 * k)
    else:
        k = (v - 50) / 50
        r, g, b = int(255 - 75 * k), int(255 - 25 * k), int(255 - 75 * k)
    return f"#{r:02x}{g:02x}{b:02x}"


# ---- SVG ------------------------------------------------------------------------------------


def bar_chart(items: list[tuple], title: str, hi: float = 100.0) -> str:
    """Horizontal bars: (label, value, color) or (label, None, color, text) for a team
    with no value (drawn as a hatched full-width bar labelled `text`, e.g. "never")."""
    row, left, width = 24, 190, 420
    h = row * len(items) + 30
    out = [
        f'<svg class="chart" role="img" aria-label="{_e(title)}" width="{left + width + 60}" '
        f'height="{h}" viewBox="0 0 {left + width + 60} {h}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(title)}</title>",
    ]
    for k in range(0, 101, 25):
        x = left + width * k / 100
        out.append(f'<line class="grid" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{h - 20}"/>')
        out.append(f'<text x="{x:.1f}" y="{h - 5}" text-anchor="middle">{k * hi / 100:g}</text>')
    for i, item in enumerate(items):
        label, value, color = item[:3]
        y = i * row + 4
        short = label if len(label) <= 26 else label[:25] + "…"
        out.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{_e(short)}</text>')
        if value is None:
            text = item[3] if len(item) > 3 else "n/a"
            out.append(
                f'<rect class="bar none" x="{left}" y="{y}" width="{width}" height="{row - 6}" '
                f'fill="#eef1f6" stroke="{color}" stroke-dasharray="3 3">'
                f"<title>{_e(label)}: {_e(text)}</title></rect>"
                f'<text class="state" x="{left + 6}" y="{y + 14}">{_e(text)}</text>'
            )
            continue
        w = width * max(0.0, min(value, hi)) / hi
        out.append(
            f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" height="{row - 6}" '
            f'fill="{color}"><title>{_e(label)}: {value:.1f}</title></rect>'
        )
        out.append(f'<text x="{left + w + 5:.1f}" y="{y + 14}">{value:.1f}</text>')
    out.append("</svg>")
    return "".join(out)


def line_chart(
    series: list[tuple[str, list[float], str]],
    weeks: int,
    title: str,
    lo: float,
    hi: float,
    fmt=lambda v: f"{v:g}",
    marks: list[tuple[int, str]] = (),
) -> str:
    """One line per team over the weeks; `marks` are (week, label) vertical markers."""
    w, h, left, top, bottom = 640, 260, 44, 12, 28
    pw, ph = w - left - 12, h - top - bottom
    weeks = max(weeks, 2)

    def xy(week: int, v: float) -> tuple[float, float]:
        x = left + pw * (week - 1) / (weeks - 1)
        y = top + ph * (1 - (min(max(v, lo), hi) - lo) / ((hi - lo) or 1))
        return x, y

    out = [
        f'<svg class="chart" role="img" aria-label="{_e(title)}" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>'
    ]
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        _, y = xy(1, v)
        out.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{w - 12}" y2="{y:.1f}"/>')
        out.append(f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{_e(fmt(v))}</text>')
    for wk in range(1, weeks + 1):
        x, _ = xy(wk, lo)
        out.append(f'<text x="{x:.1f}" y="{h - 8}" text-anchor="middle">{wk}</text>')
    out.append(
        f'<line class="axis" x1="{left}" y1="{top + ph}" x2="{w - 12}" y2="{top + ph}"/>'
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}"/>'
    )
    for wk, label in marks:
        x, _ = xy(wk, lo)
        out.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" stroke="#d62728" '
            f'stroke-dasharray="4 3"><title>{_e(label)}</title></line>'
        )
    for label, values, color in series:
        pts = [xy(i + 1, v) for i, v in enumerate(values) if v == v]
        if not pts:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        out.append(
            f'<polyline class="series" fill="none" stroke="{color}" stroke-width="2" '
            f'points="{path}"><title>{_e(label)}</title></polyline>'
        )
    out.append("</svg>")
    return "".join(out)


def sparkline(values: list[float], lo: float, hi: float, color: str) -> str:
    w, h = 120, 28
    vals = [v for v in values if v == v]
    if len(vals) < 2:
        vals = vals * 2 or [lo, lo]
    pts = " ".join(
        f"{2 + (w - 4) * i / (len(vals) - 1):.1f},"
        f"{h - 2 - (h - 4) * (min(max(v, lo), hi) - lo) / ((hi - lo) or 1):.1f}"
        for i, v in enumerate(vals)
    )
    return (
        f'<svg class="spark" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        f'xmlns="http://www.w3.org/2000/svg"><polyline fill="none" stroke="{color}" '
        f'stroke-width="1.5" points="{pts}"/></svg>'
    )


# ---- the page -------------------------------------------------------------------------------


def _curveballs(curveballs: list[dict], scenario: Scenario) -> list[dict]:
    """Curveballs as (key, name, after_week, kind) dicts: `session.curveball_list` items, or
    bare store rows of scenario curveballs (event, after_week)."""
    names = {e.id: e.name for e in scenario.events}
    return [
        {
            "key": c.get("key") or c["event"],
            "name": c.get("name") or names.get(c["event"], c["event"]),
            "after_week": c["after_week"],
            "kind": c.get("kind", "event"),
        }
        for c in curveballs
    ]


def _legend(rows: list[TeamResult], colors: dict[int, str]) -> str:
    return (
        '<p class="legend">'
        + "".join(
            f'<span><i style="background:{colors[r.team_id]}"></i>{_e(r.name)}</span>' for r in rows
        )
        + "</p>"
    )


def build_report(
    info: SessionInfo,
    scenario: Scenario,
    rows: list[TeamResult],
    curveballs: list[dict],
    earlier: list | None = None,
) -> str:
    """The class report; `earlier` (history.ClassSummary list) adds the comparison with
    earlier sessions of the same scenario."""
    ok = [r for r in rows if not r.error]
    colors = {r.team_id: _color(i) for i, r in enumerate(ok)}
    curveballs = _curveballs(curveballs, scenario)
    names = {e.id: e.name for e in scenario.events} | {c["key"]: c["name"] for c in curveballs}
    cb_ids = [c["key"] for c in curveballs]
    n_shifts = sum(c["kind"] == "shift" for c in curveballs)
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime())
    cur = scenario.deal.currency
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Dealcraft workshop report: {_e(info.name)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<header><h1>{_e(info.name)}</h1>",
        f'<p class="meta">Scenario <b>{_e(scenario.title)}</b> · '
        f"{len(ok)} team(s) · {len(curveballs) - n_shifts} curveball(s) · "
        f"{n_shifts} custom shift(s) · generated {when}</p></header>",
    ]

    # ranking
    parts.append('<section id="ranking"><h2>Ranking</h2>')
    parts.append(
        '<p class="note">Ranked by the expected (luck-free) score, so the ranking rewards '
        "decisions, not dice. The realised score includes the customer's actual decision.</p>"
    )
    parts.append(
        bar_chart(
            [(r.name, r.expected_score, colors[r.team_id]) for r in ok], "Expected score by team"
        )
    )
    parts.append(
        '<div class="scroll"><table id="ranking-table">'
        '<thead><tr><th>#</th><th class="team">Team</th>'
        "<th>Week</th><th>Result</th><th>Expected score</th><th>Score</th><th>Alignment</th>"
        "<th>Internal</th><th>External</th><th>Win probability</th><th>Trend</th></tr>"
        "</thead><tbody>"
    )
    for r in rows:
        cls = "team" if r.human else "team bot"
        label = _e(r.name) + _kind_label(r)
        if r.error:
            parts.append(
                f'<tr class="team-row"><td>{r.rank}</td><td class="{cls}">{label}</td>'
                f'<td colspan="9">log error: {_e(r.error)}</td></tr>'
            )
            continue
        result = r.result or ("playing" if r.started else "setup")
        parts.append(
            f'<tr class="team-row"><td>{r.rank}</td><td class="{cls}">{label}</td>'
            f"<td>{r.week}</td><td>{_e(result)}</td><td>{_num(r.expected_score)}</td>"
            f"<td>{_num(r.score)}</td><td>{_num(r.alignment)}</td><td>{_num(r.internal)}</td>"
            f"<td>{_num(r.external)}</td><td>{r.win_probability:.0%}</td>"
            f"<td>{sparkline(r.trend(), 0, 1, colors[r.team_id])}</td></tr>"
        )
    parts.append("</tbody></table></div></section>")

    # components
    comp_keys = component_keys(ok)
    parts.append('<section id="components"><h2>Components</h2>')
    parts.append(
        '<p class="note">Each component is 0-100, averaged over the weeks played. '
        "Green is strong, red is weak.</p>"
    )
    head = "".join(f"<th>{_e(g)}<br>{_e(k.replace('_', ' '))}</th>" for g, k in comp_keys)
    parts.append(
        '<div class="scroll"><table id="components-table">'
        f'<thead><tr><th class="team">Team</th>{head}</tr></thead>'
        "<tbody>"
    )
    for r in ok:
        cells = "".join(
            f'<td style="background:{_heat(v)}">{_num(v)}</td>'
            for v in (r.components.get(g, {}).get(k, 0.0) for g, k in comp_keys)
        )
        parts.append(f'<tr><td class="team">{_e(r.name)}</td>{cells}</tr>')
    parts.append("</tbody></table></div></section>")

    # weekly series
    weeks = scenario.deal.weeks
    marks = sorted(
        {
            (w, names.get(e, e))
            for r in ok
            for e, w in r.arrived.items()
            if r.kind != "bot" or len(ok) == 1
        }
    )
    parts.append('<section id="weekly"><h2>Week by week</h2>')
    parts.append(_legend(ok, colors))
    for key, heading, title, lo, hi, fmt in (
        ("alignment", "Alignment", "Weekly alignment", 0, 100, "{:g}"),
        ("win_probability", "Win probability", "Weekly win probability", 0, 1, "{:.0%}"),
        (
            "focus_cosine",
            "Focus versus the customer's priorities (cosine)",
            "Weekly focus cosine",
            0,
            1,
            "{:.2f}",
        ),
    ):
        series = [(r.name, r.weekly.get(key, []), colors[r.team_id]) for r in ok]
        parts.append(f"<h3>{heading}</h3>")
        parts.append(line_chart(series, weeks, title, lo, hi, fmt=fmt.format, marks=marks))
    if marks:
        parts.append(
            '<p class="note">Dashed red lines: the weeks curveballs and shifts arrived. '
            + "; ".join(f"week {w}: {_e(n)}" for w, n in marks)
            + "</p>"
        )
    parts.append(
        '<div class="scroll"><table id="weekly-table">'
        '<thead><tr><th class="team">Team</th><th>Series</th>'
        + "".join(f"<th>W{w}</th>" for w in range(1, weeks + 1))
        + "</tr></thead><tbody>"
    )
    for r in ok:
        for key, label, f in (
            ("alignment", "alignment", lambda v: f"{v:.0f}"),
            ("win_probability", "win %", lambda v: f"{v:.0%}"),
            ("focus_cosine", "focus cos", lambda v: f"{v:.2f}"),
        ):
            vals = r.weekly.get(key, [])
            cells = "".join(
                f"<td>{f(vals[i]) if i < len(vals) and vals[i] == vals[i] else ''}</td>"
                for i in range(weeks)
            )
            parts.append(f'<tr><td class="team">{_e(r.name)}</td><td>{label}</td>{cells}</tr>')
    parts.append("</tbody></table></div></section>")

    # curveballs
    parts.append(curveball_section(ok, curveballs, names, colors))

    # findings
    parts.append(findings_section(rows))

    # teams
    parts.append('<section id="teams"><h2>Teams side by side</h2><div class="cards">')
    for r in ok:
        parts.append(team_card(r, cb_ids, names, cur))
    parts.append("</div></section>")
    if earlier:
        parts.append(comparison_section(info, rows, earlier))
    parts.append(
        '<footer class="note"><p>Made with Dealcraft. Scores come from the same model as '
        "the in-game debrief; every game replays exactly from its stored decision log.</p>"
        "</footer></body></html>"
    )
    return "\n".join(parts)


def _money(v: float, cur: str) -> str:
    return f"{cur} {v:,.0f}"


def _kind_label(r: TeamResult) -> str:
    """ " (scripted)" and the like after a team that is not a human team."""
    if r.human:
        return ""
    return f' <span class="kind">({_e(KIND_LABELS.get(r.kind, r.kind))})</span>'


def curveball_section(
    ok: list[TeamResult], curveballs: list[dict], names: dict, colors: dict[int, str]
) -> str:
    """The response to each curveball: a table of re-focus weeks with the focus cosine
    before and after, the weeks to re-align, and a chart per curveball in which every team
    it reached has a bar, "never" and "not yet" included."""
    cb_ids = [c["key"] for c in curveballs]
    parts = ['<section id="curveballs"><h2>Curveball response</h2>']
    if not curveballs:
        parts.append("<p>No curveball or custom shift was injected in this session.</p>")
        parts.append("</section>")
        return "".join(parts)
    parts.append(
        '<p class="note">The <b>response</b> is the first week, at or after the curveball '
        "arrived, in which the team changed its focus; +N is how many weeks that took (+0: the "
        "same week). The cosine compares the team's focus with the customer's new priorities: "
        "before is the focus the curveball found, after is the focus the team chose. "
        "<b>Re-aligned</b> counts the weeks until the focus cosine was at or above 0.9, which a "
        "team already in line reaches at once without responding. <i>never</i>: the game "
        "ended without it; <i>not-yet</i>: still playing; <i>not-arrived</i>: it reaches the "
        "team at its next week; <i>n/a</i>: the team's game ended before it could arrive. "
        "Custom shifts are the facilitator's own priority changes on one stakeholder.</p>"
    )
    parts.append('<ul id="curveball-list">')
    for c in curveballs:
        kind = "custom shift" if c["kind"] == "shift" else "scenario curveball"
        parts.append(
            f'<li class="{_e(c["kind"])}"><b>{_e(c["name"])}</b> ({kind}; bots and '
            f"scripted teams after week {c['after_week']})</li>"
        )
    parts.append("</ul>")
    head = "".join(
        f"<th>{_e(c['name'])}<br><small>after week {c['after_week']}</small></th>"
        for c in curveballs
    )
    parts.append(
        '<div class="scroll"><table id="response-table">'
        f'<thead><tr><th class="team">Team: response</th>{head}</tr></thead><tbody>'
    )
    for r in ok:
        cells = "".join(
            f'<td class="{_e(r.response_state(e))}">{_e(r.response_text(e))}</td>' for e in cb_ids
        )
        parts.append(f'<tr><td class="team">{_e(r.name)}{_kind_label(r)}</td>{cells}</tr>')
    parts.append("</tbody></table></div>")
    parts.append(
        '<div class="scroll"><table id="lag-table">'
        f'<thead><tr><th class="team">Team: re-aligned</th>{head}</tr></thead><tbody>'
    )
    for r in ok:
        cells = "".join(
            f'<td class="{_e(r.lag_state(e))}">{_e(r.lag_text(e))}</td>' for e in cb_ids
        )
        parts.append(f'<tr><td class="team">{_e(r.name)}{_kind_label(r)}</td>{cells}</tr>')
    parts.append("</tbody></table></div>")
    for e in cb_ids:
        items = []
        for r in ok:
            state = r.response_state(e)
            if state == RESPONDED:
                items.append((r.name, float(r.responses[e].lag), colors[r.team_id]))
            elif state in (NEVER, NOT_YET):
                items.append((r.name, None, colors[r.team_id], state))
        if items:
            hi = max([4.0] + [v for _, v, *_ in items if v is not None])
            title = f"Weeks to respond to {names.get(e, e)}"
            parts.append(f'<div class="lag-chart" data-key="{_e(e)}">')
            parts.append(f"<h3>{_e(title)}</h3>")
            parts.append(bar_chart(items, title, hi=hi))
            parts.append("</div>")
    parts.append("</section>")
    return "".join(parts)


def findings_section(rows: list[TeamResult]) -> str:
    """What went with winning, over human teams only, each with how many teams it rests on."""
    found = findings(rows)
    left_out = excluded_teams(rows)
    parts = ['<section id="findings"><h2>What went with winning</h2>']
    parts.append(
        '<p class="note">Human teams of this class only: scripted (headless), bot and test '
        "teams are left out, and so are teams still in setup. Teams are compared by whether "
        "they showed each practice. A small class is a small sample: read these as discussion "
        "starters, not proof.</p>"
    )
    if left_out:
        parts.append(
            '<p class="note" id="findings-excluded">Left out: '
            + ", ".join(_e(x) for x in left_out)
            + "</p>"
        )
    for f in found:
        chart = ""
        if f.expected_with is not None and f.expected_without is not None:
            chart = bar_chart(
                [
                    (f"with ({len(f.with_)})", f.expected_with, "#2ca02c"),
                    (f"without ({len(f.without)})", f.expected_without, "#d62728"),
                ],
                f"{f.practice.label}: mean expected score",
            )
        who = ""
        if f.with_:
            who = f'<p class="note">With: {", ".join(_e(n) for n in f.with_)}</p>'
        warn = f'<p class="warning">{_e(f.warning)}</p>' if f.warning else ""
        cls = "finding warn" if f.warning else "finding"
        parts.append(
            f'<div class="{cls}" id="finding-{_e(f.practice.key)}" data-teams="{f.n_teams}">'
            f"<h3>{_e(f.practice.label)}</h3><p>{_e(f.text)}</p>{warn}{chart}{who}</div>"
        )
    parts.append("</section>")
    return "".join(parts)


def deal_line(r: TeamResult, cur: str) -> str:
    """The deal in money: its value, what the team's play is expected to win and, once the
    customer has decided, what it won."""
    line = (
        f"deal {_money(r.deal_value, cur)} at full scope, expected {_money(r.expected_value, cur)}"
    )
    if r.over:
        line += f", won {_money(r.realised_value, cur)}"
    return line


def team_card(r: TeamResult, cb_ids: list[str], names: dict, cur: str) -> str:
    o = "" if not r.over else f" · {_e(r.result)}"
    responses = "".join(
        f"<li>After “{_e(names.get(e, e))}”: responded {_e(r.response_text(e))}; "
        f"re-aligned {_e(r.lag_text(e))}</li>"
        for e in cb_ids
    )
    return (
        f'<div class="card" id="team-{r.team_id}"><h3>#{r.rank} {_e(r.name)}{_kind_label(r)}</h3>'
        f'<p class="note">week {r.week}{o} · expected score {_num(r.expected_score)} · '
        f"win chance {r.win_probability:.0%}</p>"
        f'<p class="deal">{_e(deal_line(r, cur))}</p><ul>'
        + "".join(f"<li>{_e(k)}</li>" for k in r.key_decisions)
        + responses
        + "</ul></div>"
    )


def comparison_section(info: SessionInfo, rows: list[TeamResult], earlier: list) -> str:
    """This class against earlier sessions of the same scenario (class figures only)."""
    from simulator.workshop.history import summarise

    this = summarise(info.name, info.created_at, rows)

    def pct(v):
        return "—" if v is None else f"{v:.0%}"

    def num(v, nd=1):
        return "—" if v is None else f"{v:.{nd}f}"

    labels = [(p.key, p.label) for p in PRACTICES]
    head = (
        '<thead><tr><th class="team">Class</th><th>Date</th><th>Human teams</th>'
        "<th>Mean expected score</th><th>Win rate</th><th>Mean alignment</th>"
        + "".join(f"<th>{_e(label)}</th>" for _, label in labels)
        + "<th>Median weeks to respond</th><th>Never responded</th></tr></thead>"
    )
    body = []
    for k, c in enumerate([this, *earlier]):
        name = _e(c.name) + (" <b>(this class)</b>" if k == 0 else "")
        if not c.same_version:
            name += ' <span class="kind">(another version of the scenario)</span>'
        body.append(
            f'<tr class="{"this" if k == 0 else "earlier"}"><td class="team">{name}</td>'
            f"<td>{time.strftime('%Y-%m-%d', time.localtime(c.created_at))}</td>"
            f"<td>{c.teams}</td><td>{num(c.expected_score)}</td><td>{pct(c.win_rate)}</td>"
            f"<td>{num(c.alignment)}</td>"
            + "".join(f"<td>{pct(c.practices.get(key))}</td>" for key, _ in labels)
            + f"<td>{num(c.response_lag)}</td><td>{pct(c.never)}</td></tr>"
        )
    return (
        '<section id="comparison"><h2>This class against earlier ones</h2>'
        '<p class="note">Earlier revealed sessions of the same scenario in this store, newest '
        "first: human teams only, class figures only (no team names). Practice columns give "
        "the share of teams that showed the practice.</p>"
        '<div class="scroll"><table id="comparison-table">'
        + head
        + "<tbody>"
        + "".join(body)
        + "</tbody></table></div></section>"
    )


DEBRIEF_CSS = """
@page{size:A4;margin:12mm}
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2330;font-size:10pt;
line-height:1.35;margin:0 auto;max-width:190mm;padding:4mm}
h1{font-size:15pt;margin:0}h2{font-size:11pt;margin:.7rem 0 .25rem;
border-bottom:1px solid #dde3ee}
.meta{color:#5a6475;margin:.1rem 0 .4rem}
table{border-collapse:collapse;font-size:9pt}td,th{border:1px solid #dde3ee;padding:.12rem .4rem;
text-align:right}th{background:#f2f5fa}td.l,th.l{text-align:left}
ul{margin:.2rem 0;padding-left:1.1rem}.cols{display:flex;gap:6mm}.cols>div{flex:1}
.chart{display:block;max-width:100%;height:auto}.chart text{font-size:11px;fill:#1d2330}
.chart .grid{stroke:#eef1f6}.chart .axis{stroke:#9aa4b5}
@media print{body{max-width:none;padding:0}}
"""


def build_debrief(
    info: SessionInfo, scenario: Scenario, r: TeamResult, curveballs: list[dict]
) -> str:
    """One team's debrief on one printed page: result, score parts, weekly chart, key
    decisions, curveball responses and the deal in money (print CSS; no script)."""
    curveballs = _curveballs(curveballs, scenario)
    names = {e.id: e.name for e in scenario.events} | {c["key"]: c["name"] for c in curveballs}
    cur = scenario.deal.currency
    result = r.result or ("playing" if r.started else "setup")
    comps = "".join(
        f'<tr><td class="l">{_e(g)} {_e(k.replace("_", " "))}</td><td>{_num(v)}</td></tr>'
        for g in ("internal", "external")
        for k, v in r.components.get(g, {}).items()
    )
    responses = "".join(
        f'<tr><td class="l">{_e(names.get(c["key"], c["key"]))}</td>'
        f"<td>{_e(r.response_text(c['key']))}</td><td>{_e(r.lag_text(c['key']))}</td></tr>"
        for c in curveballs
    )
    series = [
        ("Alignment / 100", [v / 100 for v in r.weekly.get("alignment", [])], "#1f77b4"),
        ("Win probability", r.weekly.get("win_probability", []), "#2ca02c"),
        ("Focus cosine", r.weekly.get("focus_cosine", []), "#ff7f0e"),
    ]
    marks = sorted((w, names.get(e, e)) for e, w in r.arrived.items())
    chart = line_chart(
        series, scenario.deal.weeks, "Week by week", 0, 1, fmt="{:.0%}".format, marks=marks
    )
    legend = " · ".join(f'<span style="color:{c}">■</span> {_e(n)}' for n, _, c in series)
    figures = [
        ("Expected score (luck-free)", _num(r.expected_score)),
        ("Score", _num(r.score)),
        ("Alignment", _num(r.alignment)),
        ("Win probability", f"{r.win_probability:.0%}"),
        ("Deal value (full scope)", _money(r.deal_value, cur)),
        ("Expected value", _money(r.expected_value, cur)),
    ] + ([("Won", _money(r.realised_value, cur))] if r.over else [])
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; img-src data:\">",
            f"<title>Debrief: {_e(r.name)} ({_e(info.name)})</title>",
            f"<style>{DEBRIEF_CSS}</style></head><body>",
            f'<header><h1>{_e(r.name)}: debrief</h1><p class="meta">{_e(info.name)} · '
            f"{_e(scenario.title)} · rank {r.rank} · {_e(result)} after week {r.week}</p>"
            "</header>",
            '<div class="cols"><div><h2>Score</h2><table>'
            + "".join(f'<tr><td class="l">{_e(k)}</td><td>{_e(v)}</td></tr>' for k, v in figures)
            + "</table></div>",
            f'<div><h2>Score parts (0-100)</h2><table id="parts">{comps}</table></div></div>',
            f'<h2>Week by week</h2>{chart}<p class="meta">{legend}</p>',
            '<div class="cols"><div><h2>Key decisions</h2><ul>'
            + "".join(f"<li>{_e(k)}</li>" for k in r.key_decisions)
            + "</ul></div>",
            "<div><h2>Curveballs</h2>"
            + (
                '<table id="responses"><tr><th class="l">Curveball</th><th>Response</th>'
                f"<th>Re-aligned</th></tr>{responses}</table>"
                if curveballs
                else "<p>None this session.</p>"
            )
            + "</div></div>",
            "</body></html>",
        ]
    )


def debrief_name(r: TeamResult) -> str:
    """A safe file name for a team's debrief page: rank and a slug of the team name."""
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", r.name.casefold()).strip("-")[:40] or "team"
    return f"debrief-{r.rank:02d}-{slug}.html"


CSV_SAFE = ("=", "+", "-", "@", "\t", "\r")


def _cell(v) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    s = "" if v is None else str(v)
    return "'" + s if s.startswith(CSV_SAFE) else s


def _state_or(r: TeamResult, state: str, value):
    """A number where there is one, else the explicit state (never, not-yet, not-arrived,
    n/a): a blank cell never stands for two things."""
    return value if state == RESPONDED else state


def curveball_cells(r: TeamResult, key: str) -> list:
    """The CSV cells of one curveball: re-aligned weeks, response week, response weeks,
    focus cosine before and after (a cosine the trace cannot tell is n/a)."""
    resp = r.responses.get(key)
    state = r.response_state(key)
    lag_state = r.lag_state(key)

    def cos(v):
        return "n/a" if v is None else v

    if resp is None:
        return [lag_state, state, state, "n/a", "n/a"]
    return [
        _state_or(r, lag_state, r.lags.get(key)),
        _state_or(r, state, resp.week),
        _state_or(r, state, resp.lag),
        cos(resp.cos_before),
        cos(resp.cos_after) if state == RESPONDED else state,
    ]


CURVEBALL_COLUMNS = ("lag", "response_week", "response_lag", "cos_before", "cos_after")


def write_csv(path: Path, rows: list[TeamResult], curveballs: list[dict]) -> None:
    """One row per team: rank, figures, components, practices and, per curveball, the weeks
    to re-align (`lag.KEY`), the response week and lag, and the focus cosine before and after
    (KEY: the scenario event id, or `shift-N` for custom shifts). Cells without a number
    carry an explicit state: never, not-yet, not-arrived or n/a."""
    comp = component_keys(rows)
    cb_ids = [c.get("key") or c["event"] for c in curveballs]
    head = [
        "rank",
        "team",
        "kind",
        "week",
        "result",
        "expected_score",
        "score",
        "alignment",
        "internal",
        "external",
        "win_probability",
        "human",
        "deal_value",
        "expected_value",
        "realised_value",
        *[f"{g}.{k}" for g, k in comp],
        "eb_coverage",
        "first_discovery_week",
        "one_quarterback_share",
        "audibles",
        "unforced_audibles",
        *[f"{col}.{e}" for e in cb_ids for col in CURVEBALL_COLUMNS],
        "error",
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        for r in rows:
            p = r.practices
            w.writerow(
                [
                    _cell(x)
                    for x in [
                        r.rank,
                        r.name,
                        r.kind,
                        r.week,
                        r.result or "",
                        round(r.expected_score, 2),
                        round(r.score, 2),
                        round(r.alignment, 2),
                        round(r.internal, 2),
                        round(r.external, 2),
                        round(r.win_probability, 4),
                        "yes" if r.human else "no",
                        round(r.deal_value, 2),
                        round(r.expected_value, 2),
                        round(r.realised_value, 2) if r.over else "not-yet",
                        *[r.components.get(g, {}).get(k) for g, k in comp],
                        p.get("eb_coverage"),
                        p.get("first_discovery"),
                        p.get("one_qb"),
                        p.get("audibles"),
                        p.get("unforced_audibles"),
                        *[c for e in cb_ids for c in curveball_cells(r, e)],
                        r.error or "",
                    ]
                ]
            )
