"""The workshop report: self-contained HTML checked in headless Chromium, and the CSV."""

import csv
import os
import re
from html.parser import HTMLParser

import pytest
from support.chromium import chromium, needs_chromium
from support.keys import key_file
from support.workshop import module_home, new_class
from support.workshop import steps as plan_steps

from engine.decisions import EndWeek, Focus, IllegalDecision, Run, Start
from simulator.cli import main
from simulator.workshop import session as ws
from simulator.workshop.report import build_report
from simulator.workshop.results import findings

EVIL = "<script>alert(1)</script>"
FORMULA = "=HYPERLINK(1)"


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    with module_home(tmp_path_factory) as home:
        info, key, fac = new_class("Report & <class>")
        steps = plan_steps()
        dims = [d.id for d in fac.scenario.dimensions]
        restless = []  # no connections after the first, and a new strategy every week
        weeks = 0
        for s in steps[:6] + [s for s in steps[6:] if s.kind != "connect"]:
            restless.append(s)
            if isinstance(s, EndWeek | Start) and weeks < 7:
                weeks += 1
                restless.append(Focus({dims[weeks % len(dims)]: 1.0}))
        late = [  # no owned milestones, no discovery in the first weeks
            s
            for s in steps
            if s.kind != "plan" and not (isinstance(s, Run) and s.action == "discovery_meeting")
        ]
        plans = {"Alpha": steps, EVIL: restless, FORMULA: late}
        teams = {}
        for name in plans:
            team = ws.join(info.code, name)
            teams[name] = (team, team.resume())
        for i in range(max(len(d) for d in plans.values())):
            if i == len(steps) // 2:  # mid-deal, after the early audibles
                fac.inject("peak_brought_forward")
            for name, decisions in plans.items():
                team, state = teams[name]
                if i < len(decisions) and not state.is_over():
                    try:
                        teams[name] = (team, team.step(state, decisions[i]))
                    except IllegalDecision:  # a pruned plan may skip a step
                        pass
        for team, state in teams.values():
            while not state.is_over():
                state = team.step(state, EndWeek())
        fac.add_bot()
        yield info, key, fac, home


@pytest.fixture(scope="module")
def report(workshop, tmp_path_factory):
    info, key, fac, home = workshop
    out = tmp_path_factory.mktemp("out")
    html, table = out / "report.html", out / "results.csv"
    os.environ["DEALCRAFT_HOME"] = str(home)
    args = [
        "workshop",
        "report",
        info.code,
        "--key-file",
        key_file(key),
        "--out",
        str(html),
        "--csv",
        str(table),
    ]
    assert main(args) == 0
    return html, table


def test_report_is_self_contained(report):
    text = report[0].read_text(encoding="utf-8")
    assert "<script" not in text.replace("&lt;script", "")  # escaped, never live
    for bad in ("http://", "https://", "src=", "<link", "@import", "url("):
        assert bad not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Report &amp; &lt;class&gt;" in text


def test_report_leaves_facilitator_notes_out(report, workshop):
    text = report[0].read_text(encoding="utf-8")
    truth = workshop[2].scenario.facilitator.hidden_truth.strip()[:40]
    assert truth and truth not in text


def test_csv_has_one_row_per_team_and_no_formulas(report):
    rows = list(csv.DictReader(report[1].open(encoding="utf-8")))
    assert len(rows) == 4
    assert [int(r["rank"]) for r in rows] == [1, 2, 3, 4]
    assert {r["team"] for r in rows} >= {"Alpha", EVIL, "'" + FORMULA}
    assert all(r["lag.peak_brought_forward"] != "" for r in rows)
    assert {"internal.quarterback", "external.focus", "eb_coverage"} <= set(rows[0])


def test_findings_compare_practices(workshop):
    fac = workshop[2]
    rows = fac.leaderboard().refresh()
    found = {f.practice.key: f for f in findings(rows)}
    assert set(found) == {"eb_coverage", "early_discovery", "one_quarterback", "few_audibles"}
    assert all("Bot" not in n for f in found.values() for n in f.with_ + f.without)
    assert EVIL in found["eb_coverage"].without and "Alpha" in found["eb_coverage"].with_
    assert FORMULA in found["early_discovery"].without
    assert EVIL in found["few_audibles"].without
    assert "went with winning" in found["eb_coverage"].text
    html = build_report(fac.reload(), fac.scenario, rows, fac.injected())
    for key in found:
        assert f'id="finding-{key}"' in html


class DomCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.text, self.stack = {}, set(), [], []
        self.rows_in = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "table":
            self.stack.append(a.get("id"))
        if tag == "tr" and self.stack and self.stack[-1]:
            self.rows_in[self.stack[-1]] = self.rows_in.get(self.stack[-1], 0) + 1

    def handle_endtag(self, tag):
        if tag == "table" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.e2e
@needs_chromium
def test_report_renders_in_headless_chromium(report, tmp_path):
    html = report[0]
    run = chromium("--dump-dom", html.as_uri())
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    dom = DomCounter()
    dom.feed(run.stdout.decode("utf-8"))
    assert dom.tags.get("script", 0) == 0  # the evil team name stayed text
    assert {"ranking", "components", "weekly", "curveballs", "findings", "teams"} <= dom.ids
    assert {"ranking-table", "components-table", "lag-table", "weekly-table"} <= dom.ids
    assert dom.rows_in["ranking-table"] == 1 + 4  # header + one row per team
    assert dom.rows_in["lag-table"] == 1 + 4
    # sparklines, ranking, weekly charts, lag chart, findings that split the class
    assert dom.tags.get("svg", 0) >= 4 + 1 + 3 + 1 + 2
    assert dom.tags.get("polyline", 0) >= 4 * 3
    text = "".join(dom.text)
    assert EVIL in text and "Alpha" in text and "What went with winning" in text
    shot = tmp_path / "report.png"
    run = chromium(f"--screenshot={shot}", "--window-size=1200,2400", html.as_uri())
    assert run.returncode == 0 and shot.stat().st_size > 10_000


def test_custom_shifts_are_listed_with_their_response_lags(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path))
    info, key = ws.create_session("northwind-new-logo", name="Shifts", seed=2)
    fac = ws.facilitate(info.code, key)
    team = ws.join(info.code, "Alpha")
    state = team.resume()
    steps = plan_steps()
    fac.inject("peak_brought_forward", week=1)
    fac.shift("cfo", {"cost": 100}, week=1)
    for d in steps:
        if state.is_over():
            break
        if isinstance(d, EndWeek) and state.week == 2:
            fac.shift("coo", {"speed": 3, "risk": 1})
        state = team.step(state, d)
    while not state.is_over():
        state = team.step(state, EndWeek())
    html, table = tmp_path / "r.html", tmp_path / "r.csv"
    args = [
        "workshop",
        "report",
        info.code,
        "--key-file",
        key_file(key),
        "--out",
        str(html),
        "--csv",
        str(table),
    ]
    assert main(args) == 0
    text = html.read_text(encoding="utf-8")
    assert "1 curveball(s) · 2 custom shift(s)" in text
    first, second = (
        "Shift 1: Marcus Lee → Total cost 100%",
        "Shift 2: Helen Marsh → Time to value 75%",
    )
    dom = DomCounter()
    dom.feed(text)
    assert "curveball-list" in dom.ids and dom.rows_in["lag-table"] == 1 + 1
    lag_table = text[
        text.index('id="lag-table"') : text.index("</table>", text.index('id="lag-table"'))
    ]
    assert lag_table.index("Peak season") < lag_table.index(first) < lag_table.index(second)
    row = next(r for r in fac.leaderboard().refresh() if r.name == "Alpha")
    assert set(row.arrived) == {"peak_brought_forward", "shift-1", "shift-2"}
    assert row.arrived["shift-2"] == 3
    for k in row.arrived:
        assert f'<td class="{row.lag_state(k)}">{row.lag_text(k)}</td>' in lag_table
    assert (
        f"After “{second}, Delivery risk 25%”: responded {row.response_text('shift-2')}; "
        f"re-aligned {row.lag_text('shift-2')}" in text.replace("&gt;", ">")
    )
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    lag = row.lags["shift-1"]
    assert rows[0]["lag.shift-1"] == (str(lag) if lag is not None else row.lag_state("shift-1"))
    for col in ("lag", "response_week", "response_lag", "cos_before", "cos_after"):
        assert f"{col}.shift-2" in rows[0] and f"{col}.peak_brought_forward" in rows[0]
        assert all(r[f"{col}.shift-2"] != "" for r in rows)


@pytest.mark.e2e
@needs_chromium
def test_report_fits_a_narrow_window(report, tmp_path):
    """On a phone-width window the page never scrolls sideways: a wide table scrolls in its box."""
    probe = tmp_path / "narrow.html"
    measure = (
        "<script>const d = document.body.dataset;"
        "d.overflow = document.documentElement.scrollWidth - window.innerWidth;"
        "d.scrolling = [...document.querySelectorAll('.scroll')]"
        ".filter(e => e.scrollWidth > e.clientWidth).map(e => e.firstChild.id).join(' ');"
        "</script></body>"
    )
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", report[0].read_text())
    probe.write_text(page.replace("</body>", measure), encoding="utf-8")  # CSP bars scripts
    run = chromium("--window-size=420,900", "--dump-dom", probe.as_uri())
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    body = re.search(r"<body[^>]*>", run.stdout.decode("utf-8")).group(0)
    assert int(re.search(r'data-overflow="(-?\d+)"', body).group(1)) <= 0
    assert "components-table" in re.search(r'data-scrolling="([^"]*)"', body).group(1)
