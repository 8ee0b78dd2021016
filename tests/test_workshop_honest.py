"""An honest workshop report: class findings over human teams only (with the number of
teams behind each), every team in every response chart, explicit CSV states, deal value,
the one-page debrief printed by headless Chromium, the comparison with earlier classes,
and the seed kept from players and from the public status."""

import csv
import json
import re
from pathlib import Path

import pytest
from support.chromium import chromium, needs_chromium
from support.keys import key_file
from support.workshop import CURVEBALL, SEED, module_home, new_class, plans, play, steps

from simulator.cli import main
from simulator.workshop import session as ws
from simulator.workshop.history import compare
from simulator.workshop.report import build_debrief, build_report, debrief_name
from simulator.workshop.results import (
    NEVER,
    NOT_APPLICABLE,
    NOT_ARRIVED,
    RESPONDED,
    findings,
    recap,
)


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """Three human teams (none plays the full plan), a scripted team playing the full plan
    (the best of the class), a bot, and a human team that never leaves setup."""
    with module_home(tmp_path_factory) as home:
        info, key, fac = new_class("Honest class", seed=SEED)
        fac.inject(CURVEBALL, week=3)
        for name, decisions in plans([d.id for d in fac.scenario.dimensions]).items():
            play(ws.join(info.code, name), decisions)
        ws.join(info.code, "Script", kind="headless").submit(steps())
        fac.add_bot()
        ws.join(info.code, "Idle")
        yield info, key, fac, home


def by_name(fac):
    return {r.name: r for r in fac.leaderboard().refresh()}


def test_class_findings_rest_on_human_teams_only(klass):
    fac = klass[2]
    rows = fac.leaderboard().refresh()
    teams = {r.name: r for r in rows}
    assert teams["Script"].kind == "headless" and not teams["Script"].human
    best_human = max((r for r in rows if r.human and r.started), key=lambda r: r.expected_score)
    assert teams["Script"].expected_score > best_human.expected_score  # the scripted team leads
    found = findings(rows)
    assert len(found) == 4
    for f in found:
        assert set(f.with_ + f.without) == {"Late", "Still", "Restless"}
        assert f.n_teams == 3 and f.warning  # 3 < the threshold of 4
        assert "Based on 3 human team(s)." in f.text
        assert {"Script (scripted)", "Bot (expert) (bot)", "Idle (still in setup)"} <= set(
            f.excluded
        )
    assert all(f.warning is None for f in findings(rows, min_teams=3))
    leader = next(line for line in recap(rows, fac.scenario) if line.startswith("Class leader"))
    assert best_human.name in leader and "Script" not in leader


def test_the_recap_names_a_gain_or_drop_only_when_the_win_chance_shows_one(klass):
    fac = klass[2]
    rows = fac.leaderboard().refresh()
    weeks = max(r.weeks_played for r in rows)
    moves = [
        line
        for w in range(1, weeks + 1)
        for line in recap(rows, fac.scenario, week=w)
        if line.startswith(("Biggest gain", "Biggest drop"))
    ]
    assert moves  # the class's games move
    for line in moves:
        before, after = line.rsplit("win chance ", 1)[1].split(" → ")
        assert before != after


def test_report_says_how_many_teams_each_finding_rests_on(klass, tmp_path):
    info, key, fac, _ = klass
    out = tmp_path / "r.html"
    args = ["workshop", "report", info.code, "--key-file", key_file(key), "--out", str(out)]
    assert main(args) == 0
    text = out.read_text(encoding="utf-8")
    section = text[text.index('id="findings"') : text.index('id="teams"')]
    assert section.count('data-teams="3"') == 4 and section.count('class="warning"') == 4
    excluded = re.search(r'id="findings-excluded">([^<]*)<', section).group(1)
    assert "Script (scripted)" in excluded and "Bot (expert) (bot)" in excluded
    assert "With: " in section and "Script" not in section.replace(excluded, "")


def test_responses_are_the_week_the_team_refocused(klass):
    teams = by_name(klass[2])
    still, restless, late = teams["Still"], teams["Restless"], teams["Late"]
    assert still.arrived[CURVEBALL] == 1  # injected before the humans started
    assert still.response_state(CURVEBALL) == NEVER  # it never moved its focus again
    assert still.responses[CURVEBALL].cos_before is not None
    assert still.response_text(CURVEBALL).startswith("never (cos ")
    r = restless.responses[CURVEBALL]
    assert restless.response_state(CURVEBALL) == RESPONDED and r.week == 1 and r.lag == 0
    assert r.cos_before is not None and r.cos_after is not None
    assert restless.response_text(CURVEBALL) == (
        f"week 1 (+0), cos {r.cos_before:.2f}→{r.cos_after:.2f}"
    )
    assert late.responses[CURVEBALL].week == 2 and late.response_text(CURVEBALL).startswith(
        "week 2 (+1)"
    )
    assert teams["Idle"].response_state(CURVEBALL) == NOT_ARRIVED


def _lag_charts(text):
    return dict(re.findall(r'<div class="lag-chart" data-key="([^"]+)">(.*?)</div>', text, re.S))


def test_every_chart_shows_never_and_the_focus_chart_starts_at_zero(klass):
    info, _, fac, _ = klass
    rows = fac.leaderboard().refresh()
    text = build_report(fac.reload(), fac.scenario, rows, fac.curveballs())
    chart = _lag_charts(text)[CURVEBALL]
    for name in ("Still", "Restless", "Late", "Script"):
        assert f"<title>{name}:" in chart  # every team it reached has a bar
    assert "<title>Still: never</title>" in chart and ">never</text>" in chart
    focus = text[text.index('aria-label="Weekly focus cosine"') :]
    focus = focus[: focus.index("</svg>")]
    assert ">0.00</text>" in focus and ">0.50</text>" in focus  # the axis no longer starts at 0.5
    cards = text[text.index('id="teams"') :]
    assert "deal USD 900,000 at full scope, expected USD " in cards
    assert "deal USD</p>" not in cards


def test_csv_cells_carry_explicit_states(klass, tmp_path):
    info, key, fac, _ = klass
    # a second curveball after every game is over: it can no longer arrive (n/a), except for
    # the team still in setup, which will get it (not-arrived)
    fac.shift("cfo", {"cost": 100}, week=1)
    try:
        html, table = tmp_path / "r.html", tmp_path / "r.csv"
        args = ["workshop", "report", info.code, "--key-file", key_file(key)]
        assert main(args + ["--out", str(html), "--csv", str(table)]) == 0
        rows = {r["team"]: r for r in csv.DictReader(table.open(encoding="utf-8"))}
    finally:
        fac.store.write(lambda conn: conn.exec_driver_sql("DELETE FROM shifts"))
    assert rows["Still"][f"response_week.{CURVEBALL}"] == NEVER
    assert rows["Still"][f"response_lag.{CURVEBALL}"] == NEVER
    assert rows["Still"][f"cos_after.{CURVEBALL}"] == NEVER
    assert float(rows["Still"][f"cos_before.{CURVEBALL}"]) > 0
    assert rows["Restless"][f"response_week.{CURVEBALL}"] == "1"
    assert rows["Restless"][f"response_lag.{CURVEBALL}"] == "0"
    assert rows["Idle"][f"lag.{CURVEBALL}"] == NOT_ARRIVED
    assert rows["Late"]["lag.shift-1"] == NOT_APPLICABLE  # its game ended before the shift
    assert rows["Idle"]["lag.shift-1"] == NOT_ARRIVED
    assert rows["Script"]["human"] == "no" and rows["Late"]["human"] == "yes"
    assert rows["Late"]["deal_value"] == "900000.0"
    assert rows["Idle"]["realised_value"] == "not-yet"
    cb_cols = [c for c in rows["Late"] if c.split(".")[0] in ("lag", "response_week", "cos_after")]
    assert cb_cols and all(r[c] != "" for r in rows.values() for c in cb_cols)


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


def test_debriefs_are_written_one_per_team(klass, tmp_path):
    info, key, fac, _ = klass
    folder = tmp_path / "debriefs"
    args = ["workshop", "report", info.code, "--key-file", key_file(key)]
    assert main(args + ["--out", str(tmp_path / "r.html"), "--debriefs", str(folder)]) == 0
    rows = fac.leaderboard().refresh()
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(debrief_name(r) for r in rows)
    page = (folder / debrief_name(by_name(fac)["Still"])).read_text(encoding="utf-8")
    assert "Still: debrief" in page and "@page" in page and "<script" not in page
    assert "never (cos " in page and "USD 900,000" in page
    truth = fac.scenario.facilitator.hidden_truth.strip()[:40]
    assert truth not in page


@pytest.mark.e2e
@needs_chromium
def test_debrief_prints_on_one_page(klass, tmp_path):
    info, _, fac, _ = klass
    rows = fac.leaderboard().refresh()
    longest = max(rows, key=lambda r: len(r.key_decisions))
    html = tmp_path / "debrief.html"
    html.write_text(build_debrief(fac.reload(), fac.scenario, longest, fac.curveballs()))
    pdf = tmp_path / "debrief.pdf"
    run = chromium(f"--print-to-pdf={pdf}", html.as_uri(), timeout=90)
    assert run.returncode == 0 and pdf.exists(), run.stderr.decode()[-2000:]
    assert pdf_pages(pdf) == 1


def test_this_class_against_earlier_ones(klass, tmp_path):
    info, key, fac, home = klass
    fac.reveal()
    later, later_key = ws.create_session("northwind-new-logo", name="Next class", seed=SEED)
    other, _ = ws.create_session("harbor-cross-sell", name="Other scenario", seed=SEED)
    nfac = ws.facilitate(later.code, later_key)
    play(ws.join(later.code, "Newcomers"), steps())
    [summary] = compare(nfac.store, nfac.reload())  # only the earlier, revealed, same scenario
    assert summary.name == "Honest class" and summary.teams == 3 and summary.same_version
    assert summary.never is not None and 0 < summary.never < 1  # Still never responded
    out = tmp_path / "r.html"
    args = ["workshop", "report", later.code, "--key-file", key_file(later_key)]
    assert main(args + ["--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    table = text[text.index('id="comparison-table"') :]
    table = table[: table.index("</table>")]
    assert table.count("<tr") == 3  # header, this class, the earlier one
    assert "Next class <b>(this class)</b>" in table and "Honest class" in table
    assert "Still" not in table and "Other scenario" not in table  # no team names
    assert main(args + ["--out", str(out), "--no-compare"]) == 0
    assert 'id="comparison"' not in out.read_text(encoding="utf-8")


# ---- the seed ------------------------------------------------------------------------------


def test_the_seed_is_kept_from_the_public_and_shown_to_the_facilitator(home, capsys):
    info, key = ws.create_session("northwind-new-logo", name="Seeded", seed=424242)
    play(ws.join(info.code, "Alpha"), steps()[:20], stop_week=2)
    assert main(["workshop", "status", info.code]) == 0
    assert "424242" not in capsys.readouterr().out
    assert main(["workshop", "status", info.code, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "seed" not in data["session"]
    kf = key_file(key)
    assert main(["workshop", "status", info.code, "--key-file", kf]) == 0
    assert "424242" not in capsys.readouterr().out  # not unless asked for
    assert main(["workshop", "status", info.code, "--key-file", kf, "--json"]) == 0
    assert "seed" not in json.loads(capsys.readouterr().out)["session"]
    assert main(["workshop", "status", info.code, "--key-file", kf, "--show-seed"]) == 0
    assert "seed 424242" in capsys.readouterr().out
    assert main(["workshop", "status", info.code, "--key-file", kf, "--json", "--show-seed"]) == 0
    assert json.loads(capsys.readouterr().out)["session"]["seed"] == 424242
    assert main(["workshop", "status", info.code, "--show-seed"]) == 1  # no key: refused
    assert "workshop.key" in capsys.readouterr().err
    fac = ws.facilitate(info.code, key)
    assert all("424242" not in a["text"] for a in fac.store.activity(fac.id))
    out = Path(kf).with_name("report.html")
    assert main(["workshop", "report", info.code, "--key-file", kf, "--out", str(out)]) == 0
    assert "424242" not in out.read_text(encoding="utf-8")


def test_create_keeps_the_seed_off_the_projected_output(home, capsys, tmp_path):
    assert main(["workshop", "create", "northwind-new-logo", "--seed", "515151"]) == 0
    out, err = capsys.readouterr()
    assert "515151" not in out and "515151" in err  # stderr: the private box with the key
    kf = tmp_path / "k"
    assert (
        main(
            ["workshop", "create", "northwind-new-logo", "--seed", "515151", "--key-file", str(kf)]
        )
        == 0
    )
    out, err = capsys.readouterr()
    assert "515151" not in out + err and "--show-seed" in out
