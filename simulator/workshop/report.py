"""The workshop report: one self-contained HTML page (inline SVG, no script, no network).

Sections: the ranking, each team's components and weekly series, the
curveball response lags (scenario curveballs and custom priority shifts), the
class findings (which practices went with winning) and each team's key
decisions. Every piece of text from a team or a scenario is HTML-escaped; the
page carries a Content-Security-Policy that forbids loading anything. The
scenario's facilitator notes are not included: the report is a hand-out.
"""

from __future__ import annotations

import csv
import time
from html import escape
from pathlib import Path

from engine.model import Scenario
from simulator.workshop.records import SessionInfo
from simulator.workshop.results import TeamResult, component_keys, findings

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


def bar_chart(items: list[tuple[str, float, str]], title: str, hi: float = 100.0) -> str:
    """Horizontal bars: (label, value, color)."""
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
    for i, (label, value, color) in enumerate(items):
        y = i * row + 4
        w = width * max(0.0, min(value, hi)) / hi
        short = label if len(label) <= 26 else label[:25] + "…"
        out.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{_e(short)}</text>')
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
    info: SessionInfo, scenario: Scenario, rows: list[TeamResult], curveballs: list[dict]
) -> str:
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
        cls = "team bot" if r.kind == "bot" else "team"
        bot = r.kind == "bot" and "bot" not in r.name.casefold()
        label = _e(r.name) + (" (bot)" if bot else "")
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
            0.5,
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
    parts.append('<section id="curveballs"><h2>Curveball response</h2>')
    if not curveballs:
        parts.append("<p>No curveball or custom shift was injected in this session.</p>")
    else:
        parts.append(
            "<p class=\"note\">Weeks from the curveball's arrival until the team's focus was back "
            "in line with the customer's priorities (focus cosine at or above 0.9). "
            "0 means the team was already aligned that week. Custom shifts are the "
            "facilitator's own priority changes on one stakeholder.</p>"
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
            '<div class="scroll"><table id="lag-table">'
            f'<thead><tr><th class="team">Team</th>{head}</tr></thead><tbody>'
        )
        for r in ok:
            cells = "".join(f"<td>{_e(r.lag_text(e))}</td>" for e in cb_ids)
            parts.append(f'<tr><td class="team">{_e(r.name)}</td>{cells}</tr>')
        parts.append("</tbody></table></div>")
        for e in cb_ids:
            items = [
                (r.name, float(r.lags[e]), colors[r.team_id])
                for r in ok
                if r.lags.get(e) is not None
            ]
            if items:
                hi = max(4.0, max(v for _, v, _ in items))
                parts.append(bar_chart(items, f"Weeks to re-align after {names.get(e, e)}", hi=hi))
    parts.append("</section>")

    # findings
    parts.append('<section id="findings"><h2>What went with winning</h2>')
    parts.append(
        '<p class="note">Teams of this class only (bots excluded), compared by whether they '
        "showed each practice. A small class is a small sample: read these as discussion "
        "starters, not proof.</p>"
    )
    for f in findings(rows):
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
        parts.append(
            f'<div class="finding" id="finding-{_e(f.practice.key)}">'
            f"<h3>{_e(f.practice.label)}</h3><p>{_e(f.text)}</p>{chart}{who}</div>"
        )
    parts.append("</section>")

    # teams
    parts.append('<section id="teams"><h2>Teams side by side</h2><div class="cards">')
    for r in ok:
        o = "" if not r.over else f" · {_e(r.result)}"
        lags = "".join(
            f"<li>After “{_e(names.get(e, e))}”: {_e(r.lag_text(e))}</li>" for e in cb_ids
        )
        parts.append(
            f'<div class="card" id="team-{r.team_id}"><h3>#{r.rank} {_e(r.name)}</h3>'
            f'<p class="note">week {r.week}{o} · expected {_num(r.expected_score)} · '
            f"win chance {r.win_probability:.0%} · deal {_e(cur)}</p><ul>"
            + "".join(f"<li>{_e(k)}</li>" for k in r.key_decisions)
            + lags
            + "</ul></div>"
        )
    parts.append("</div></section>")
    parts.append(
        '<footer class="note"><p>Made with Dealcraft. Scores come from the same model as '
        "the in-game debrief; every game replays exactly from its stored decision log.</p>"
        "</footer></body></html>"
    )
    return "\n".join(parts)


CSV_SAFE = ("=", "+", "-", "@", "\t", "\r")


def _cell(v) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    s = "" if v is None else str(v)
    return "'" + s if s.startswith(CSV_SAFE) else s


def write_csv(path: Path, rows: list[TeamResult], curveballs: list[dict]) -> None:
    """One row per team: rank, figures, components, practices and curveball lags
    (`lag.EVENT` for scenario curveballs, `lag.shift-N` for custom shifts)."""
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
        *[f"{g}.{k}" for g, k in comp],
        "eb_coverage",
        "first_discovery_week",
        "one_quarterback_share",
        "audibles",
        "unforced_audibles",
        *[f"lag.{e}" for e in cb_ids],
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
                        *[r.components.get(g, {}).get(k) for g, k in comp],
                        p.get("eb_coverage"),
                        p.get("first_discovery"),
                        p.get("one_qb"),
                        p.get("audibles"),
                        p.get("unforced_audibles"),
                        *[r.lags.get(e) if e in r.arrived else "" for e in cb_ids],
                        r.error or "",
                    ]
                ]
            )
