"""The balance report's lessons and per-event, per-milestone, per-action and per-roster
tables (simulator.balance, simulator.lessons; docs/balance-report.md)."""

import json

import numpy as np
import pytest

import engine.bots
from engine.loader import find_scenario
from engine.practices import PRACTICES, Practice
from simulator import balance, lessons
from simulator.cli import main

SCENARIO = "northwind-new-logo"
LESSON_KEYS = {
    "practice": str,
    "name": str,
    "probe": str,
    "taught": bool,
    "games": int,
    "expert_win_rate": float,
    "probe_win_rate": float,
    "expert_score": float,
    "probe_score": float,
    "cost_points": float,
    "cost_win": float,
    "significant": bool,
    "meets_target": bool,
    "verdict": str,
}
INTERVALS = ("expert_win_ci", "probe_win_ci", "expert_score_ci", "probe_score_ci")
COST_INTERVALS = ("cost_points_ci", "cost_win_ci")
NEW_KEYS = ("lessons", "events", "milestones", "actions", "roster")
OLD_KEYS = (
    "scenario",
    "games",
    "seed",
    "policies",
    "skill_gap",
    "most_decisive",
    "least_decisive",
    "warnings",
    "exploits",
)


@pytest.fixture(scope="module")
def scenario():
    return find_scenario(SCENARIO)


@pytest.fixture(scope="module")
def rep(scenario):
    return balance.report(scenario, 300, seed=7, progress=False)


# ---- the statistics ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wins", "games", "lo", "hi"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (Wilson)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        # closed forms at the edges: z^2 / (n + z^2) and n / (n + z^2)
        (0, 10, 0.0, 0.277533),
        (10, 10, 0.722467, 1.0),
    ],
)
def test_wilson_matches_known_intervals(wins, games, lo, hi):
    got = lessons.wilson(wins, games)
    assert got == pytest.approx((lo, hi), abs=6e-5)


def test_wilson_of_no_games_is_the_whole_range():
    assert lessons.wilson(0, 0) == (0.0, 1.0)


def test_paired_difference_uses_the_per_game_differences():
    gen = np.random.default_rng(0)
    luck = gen.normal(50, 20, 4000)  # shared by both policies: it cancels out of a difference
    a = luck + 1.0 + gen.normal(0, 1, 4000)
    b = luck
    mean, lo, hi = lessons.paired(a, b)
    assert lo < mean < hi and lo > 0.9 and hi < 1.1
    assert lessons.above_zero(lo)
    # the same cost measured unpaired would drown in the shared luck
    unpaired = 1.96 * np.sqrt(a.var(ddof=1) / 4000 + b.var(ddof=1) / 4000)
    assert hi - lo < unpaired


def test_paired_difference_interval_is_normal():
    d = np.array([1.0, 2.0, 3.0, 4.0])
    mean, lo, hi = lessons.paired(d, np.zeros(4))
    half = lessons.Z95 * d.std(ddof=1) / 2
    assert (mean, lo, hi) == pytest.approx((2.5, 2.5 - half, 2.5 + half))


def test_noise_and_no_difference_are_not_significant():
    gen = np.random.default_rng(1)
    a = gen.normal(0, 1, 500)
    _, lo, hi = lessons.paired(a, a)
    assert lo == hi == 0 and not lessons.above_zero(lo)
    _, lo, hi = lessons.paired(gen.normal(0, 1, 500), gen.normal(0, 1, 500))
    assert lo < 0 < hi and not lessons.above_zero(lo)
    _, lo, _ = lessons.paired(np.zeros(500), np.ones(500))  # the probe does better
    assert not lessons.above_zero(lo)
    assert lessons.paired(np.ones(1), np.zeros(1))[1:] == (None, None)
    assert not lessons.above_zero(None)


def _arrays(expected, won):
    return {"expected": np.asarray(expected, float), "won": np.asarray(won, bool)}


def test_a_lesson_needs_both_costs_beyond_noise():
    gen = np.random.default_rng(2)
    n = 2000
    exp = gen.normal(80, 5, n)
    won = gen.random(n) < 0.8
    p = Practice("x", "X", "probe_x", (), (), "")
    costly = _arrays(exp - 12 - gen.normal(0, 1, n), won & (gen.random(n) < 0.7))
    row = lessons.lesson(p, True, _arrays(exp, won), costly)
    assert row["significant"] and row["meets_target"] and row["verdict"] == "teaches"
    assert row["cost_points"] == pytest.approx(row["expert_score"] - row["probe_score"])
    assert row["cost_win"] == pytest.approx(row["expert_win_rate"] - row["probe_win_rate"])
    # points but no wins lost: not significant
    row = lessons.lesson(p, True, _arrays(exp, won), _arrays(exp - 12, won))
    assert not row["significant"] and not row["meets_target"]
    # significant but small: taught, below the target
    small = _arrays(exp - 2 - gen.normal(0, 1, n), won & (gen.random(n) < 0.95))
    row = lessons.lesson(p, True, _arrays(exp, won), small)
    assert row["significant"] and not row["meets_target"]


def test_exploits_are_probes_not_significantly_below_the_expert():
    gen = np.random.default_rng(3)
    n = 1000
    won = gen.random(n) < 0.8
    exp = gen.normal(80, 5, n)
    played = {
        "expert": _arrays(exp, won),
        "twin": _arrays(exp, won),
        "worse": _arrays(exp - 10, won & (gen.random(n) < 0.5)),
        "random": _arrays(exp - 50, np.zeros(n, bool)),
    }
    got = lessons.exploits(played, ["twin", "worse", "expert", "absent"])
    assert [e["policy"] for e in got] == ["twin"]
    assert lessons.exploits({"twin": played["twin"]}, ["twin"]) == []


# ---- the report on a shipped scenario ---------------------------------------------------


def test_report_keeps_todays_keys_and_adds_the_tables(rep):
    assert set(OLD_KEYS) <= set(rep) and set(NEW_KEYS) <= set(rep)
    names = [r["policy"] for r in rep["policies"]]
    assert names == balance.default_policies()
    for r in rep["policies"]:
        assert {"policy", "games", "win_rate", "mean_expected_score", "quantiles"} <= set(r)


def test_every_practice_has_a_lesson(rep, scenario):
    got = {x["practice"]: x for x in rep["lessons"]}
    assert set(got) == {p.id for p in PRACTICES}
    expert = next(r for r in rep["policies"] if r["policy"] == "expert")
    for p in PRACTICES:
        x = got[p.id]
        for key, kind in LESSON_KEYS.items():
            assert isinstance(x[key], kind), (p.id, key)
        assert x["probe"] == p.probe
        assert x["taught"] == (p.id in scenario.teaches)
        assert x["games"] == 300
        assert x["expert_win_rate"] == pytest.approx(expert["win_rate"])
        assert x["expert_score"] == pytest.approx(expert["mean_expected_score"])
        assert x["cost_points"] == pytest.approx(x["expert_score"] - x["probe_score"])
        for key in INTERVALS:
            lo, hi = x[key]
            assert lo <= hi
        for key in ("expert_win_ci", "probe_win_ci"):
            rate = x[key.replace("_ci", "_rate")]
            assert 0 <= x[key][0] <= rate <= x[key][1] <= 1
        for key in COST_INTERVALS:
            lo, hi = x[key]
            assert lo <= x[key.removesuffix("_ci")] <= hi
        assert x["significant"] == (x["cost_points_ci"][0] > 0 and x["cost_win_ci"][0] > 0)
        if x["meets_target"]:
            assert x["significant"]
            assert x["cost_points"] >= lessons.TARGET_POINTS
            assert x["cost_win"] >= lessons.TARGET_WIN


def test_exploits_agree_with_the_lessons(rep):
    flagged = {e["policy"] for e in rep["exploits"]}
    considered = lessons.exploit_probes(rep["teaches"])
    for x in rep["lessons"]:
        expect = x["probe"] in considered and not x["cost_win_ci"][0] > 0
        assert (x["probe"] in flagged) == expect, x["probe"]


def test_per_event_rates_and_scores(rep, scenario):
    assert [e["event"] for e in rep["events"]] == [e.id for e in scenario.events]
    for e in rep["events"]:
        assert 0 <= e["fire_rate"] <= 1
        if e["fire_rate"] == 0:
            assert e["score_fired"] is None and e["median_week"] is None
        elif e["fire_rate"] == 1:
            assert e["score_not_fired"] is None
        else:
            assert 1 <= e["median_week"] <= scenario.deal.weeks
            assert 0 <= e["score_fired"] <= 100 and 0 <= e["score_not_fired"] <= 100


def test_per_milestone_completion(rep, scenario):
    assert [m["milestone"] for m in rep["milestones"]] == [m.id for m in scenario.milestones]
    for m in rep["milestones"]:
        assert 0 <= m["completion_rate"] <= 1
        assert (m["median_week"] is None) == (m["completion_rate"] == 0)
        if m["median_week"] is not None:
            assert 1 <= m["median_week"] <= scenario.deal.weeks


def test_per_action_and_per_member(rep, scenario):
    assert [a["action"] for a in rep["actions"]] == [a.id for a in scenario.actions]
    for a in rep["actions"]:
        assert a["runs_per_game"] >= 0 and 0 <= a["games_share"] <= 1
        assert (a["runs_per_game"] > 0) == (a["games_share"] > 0)
    assert sum(a["runs_per_game"] for a in rep["actions"]) > 0
    assert [m["member"] for m in rep["roster"]] == [m.id for m in scenario.roster]
    for m in rep["roster"]:
        assert 0 <= m["staffed_share"] <= 1
        assert (m["score_with"] is None) == (m["staffed_share"] == 0)
        assert (m["score_without"] is None) == (m["staffed_share"] == 1)
    assert any(m["staffed_share"] > 0 for m in rep["roster"])


def test_summary_matches_the_games(scenario):
    """The per-game arrays behind the tables, against the batch they summarise."""
    from engine.batch import simulate

    res = simulate(scenario, balance.game_seeds(5, 50), engine.bots.make_policy("expert", 1))
    got = balance._summary(res)
    assert np.array_equal(got["fired"], res.batch.fired)
    runs = sum(len(w.a) for w in res.weeks)
    assert got["runs"].sum() == runs
    assert (got["ever_staffed"] >= res.setup.staffed).all()
    progress = np.asarray(res.trace()["t_progress"])
    reached = (progress >= 1).any(1)
    assert np.array_equal(got["completed_week"] > 0, reached)
    ended = res.batch.ended > 0
    assert (got["completed_week"][ended] <= res.batch.ended[ended, None]).all()


# ---- an identical probe is never a lesson -----------------------------------------------


def test_a_probe_identical_to_the_expert_is_not_significant(scenario, monkeypatch):
    """A fake probe that plays exactly like the expert, under its own name."""
    real = engine.bots.make_policy

    def make_policy(name, seed=0, evaluate=None):
        return real("expert" if name == "twin" else name, seed, evaluate)

    monkeypatch.setattr(engine.bots, "make_policy", make_policy)
    twin = Practice("twin", "Twin", "twin", (), (), "")
    monkeypatch.setattr(lessons, "PRACTICES", (twin,))
    monkeypatch.setattr(balance, "VARIANTS", ("twin",))
    monkeypatch.setattr(lessons, "DEGENERATE", ("twin",))  # looked at for exploits
    got = balance.report(scenario, 200, ["expert", "twin"], seed=3, workers=1, progress=False)
    (x,) = got["lessons"]
    assert x["practice"] == "twin" and x["probe"] == "twin"
    assert x["cost_points"] == 0 and x["cost_win"] == 0
    assert not x["significant"] and not x["meets_target"]
    assert [e["policy"] for e in got["exploits"]] == ["twin"]


def test_lessons_cover_only_the_probes_played(scenario):
    got = balance.report(scenario, 50, ["expert", "no_plan"], seed=1, progress=False)
    assert [x["probe"] for x in got["lessons"]] == [
        p.probe for p in PRACTICES if p.probe == "no_plan"
    ]
    got = balance.report(scenario, 20, ["random"], seed=1, progress=False)
    assert all(got[k] == [] for k in NEW_KEYS)
    assert got["exploits"] == []


# ---- the command ------------------------------------------------------------------------


def test_json_carries_the_new_keys(capsys):
    assert main(["balance", SCENARIO, "--json", "--games", "200"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert set(OLD_KEYS) <= set(rep) and set(NEW_KEYS) <= set(rep)
    assert {x["practice"] for x in rep["lessons"]} == {p.id for p in PRACTICES}
    for x in rep["lessons"]:
        assert set(LESSON_KEYS) <= set(x)
    assert rep["events"] and rep["milestones"] and rep["actions"] and rep["roster"]


def test_text_report_has_every_table(rep, capsys):
    text = balance.render(rep)
    for x in rep["lessons"]:
        assert x["practice"] in text and x["probe"] in text
    for key, table in (("event", "events"), ("milestone", "milestones"), ("member", "roster")):
        for row in rep[table]:
            assert row[key] in text
    assert main(["balance", SCENARIO, "--games", "30", "--policy", "expert"]) == 0
    out = capsys.readouterr()
    assert "expert" in out.out and out.err == ""  # no progress bar off a terminal


def test_every_key_is_documented(rep):
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "balance-report.md").read_text()
    keys = set(rep) | {k for t in ("policies", *NEW_KEYS) for row in rep[t] for k in row}
    keys |= {k for row in rep["exploits"] for k in row} | set(rep["policies"][0]["quantiles"])
    assert not [k for k in keys if f"`{k}`" not in doc]


def test_results_do_not_depend_on_the_workers(scenario):
    """Workers sharing out whole policies, or one process playing all: the same report."""
    args = (scenario, 100, ["random", "expert", "no_plan"])
    one = balance.report(*args, seed=11, workers=1, progress=False)
    two = balance.report(*args, seed=11, workers=2, progress=False)
    assert json.dumps(one) == json.dumps(two)
