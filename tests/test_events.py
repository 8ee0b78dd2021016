"""The richer event kinds: behaviour conditions, repeats, lasting effects, silent shifts."""

from pathlib import Path

import numpy as np
import pytest

from engine.batch import simulate
from engine.bots import make_policy
from engine.decisions import Assign, Connect, EndWeek, Focus, Run, Staff, Start
from engine.loader import load_scenario, validate_file
from engine.observe import estimated_priorities, observe
from engine.state import new_game
from scoring.scorecard import score
from simulator.scaffold import render

ROOT = Path(__file__).resolve().parents[1]
NORTHWIND = ROOT / "scenarios" / "northwind_new_logo.yaml"

NEW_EVENTS = """
  - id: review_lapse
    name: The plan drifts
    signal: Nobody has pulled the account plan together for a while.
    when: {week: 3, repeat_every: 2, if_not_run: {account_review: 2}}
    effects:
      stance: {coo: -0.1}
      competition: 0.05
  - id: cfo_neglect
    name: The CFO feels ignored
    signal: Marcus says nobody from your side has made time for him.
    when: {week: 8, if_not_met: {cfo: 6}}
    effects:
      stance: {cfo: -0.2}
  - id: demo_buzz
    name: The demo is talked about
    signal: Luis says the ops leads are still talking about your demo.
    when: {week: 4, if_run: {demo: 2}}
    effects:
      stance: {ops_manager: 0.1}
  - id: freeze
    name: A spending freeze
    signal: Finance freezes part of the deal budget for a few weeks.
    when: {week: 3}
    effects: {budget: -3000, deal_value: -0.1, lasts: 3}
  - id: quiet_shift
    name: The COO's worries move
    signal: (not announced) the COO now worries most about risk.
    when: {week: 5}
    effects:
      silent: true
      priorities:
        coo: {cost: 0.05, risk: 0.8, speed: 0.1, innovation: 0.05}
  - id: rhythm_slip
    name: The team loses its rhythm
    signal: Without reviews the team's updates to the customer contradict each other.
    when: {probability: 0.6, window: [2, 10], if_skipped: [rhythm], repeat_every: 1, max_times: 3}
    effects:
      stance: {it_architect: -0.05}
"""


def variant(tmp_path, extra=NEW_EVENTS, name="northwind_events.yaml"):
    text = NORTHWIND.read_text()
    head, tail = text.split("\nscoring:\n", 1)
    path = tmp_path / name
    path.write_text(head.rstrip("\n") + "\n" + extra.strip("\n") + "\n\nscoring:\n" + tail)
    return load_scenario(path)


@pytest.fixture
def scn(tmp_path):
    return variant(tmp_path)


def test_existing_scenarios_keep_their_hash_and_fields_default(northwind):
    ev = northwind.events[0]
    assert ev.when.repeat_every is None and ev.effects.lasts is None and not ev.effects.silent


@pytest.mark.parametrize("policy", ["random", "expert", "no_rhythm", "one_stakeholder"])
def test_batch_equals_single_game_with_the_new_kinds(scn, policy):
    res = simulate(scn, np.arange(16), make_policy(policy, 7))
    batch = score(res.trace())
    fired = res.batch.fire_count
    for i in range(16):
        g = new_game(scn, i)
        for d in res.decisions(i):
            g = g.apply(d)
        single = score(g.trace())
        assert single.score[0] == batch.score[i]
        assert single.expected_score[0] == batch.expected_score[i]
        assert np.array_equal(g.batch.fire_count[0], fired[i])
        assert np.array_equal(g.batch.fire_log[0], res.batch.fire_log[i])
    assert fired.any(0).sum() >= 3  # the new kinds do fire in these games


def play(scn, seed, weekly, weeks):
    """A small team, then `weekly(week)` -> the runs of that week, for `weeks` weeks."""
    g = new_game(scn, seed)
    for d in [
        Staff("maya"),
        Staff("raj"),
        Assign("maya", "quarterback"),
        Assign("raj", "solution_consultant"),
        Connect("maya", "coo"),
        Focus({"speed": 0.6, "risk": 0.4}),
        Start(),
    ]:
        g = g.apply(d)
    states = [g]
    for _ in range(weeks):
        for d in weekly(g.week):
            g = g.apply(d)
        g = g.apply(EndWeek())
        states.append(g)
    return states


def fired(g, event):
    return [w for w, e in g.fired_events() if e == event]


def test_not_run_condition_fires_only_without_the_action_and_repeats(scn):
    idle = play(scn, 1, lambda w: [], 8)[-1]
    assert fired(idle, "review_lapse") == [3, 5, 7, 9]  # idle in weeks 1-2, then every 2

    def review_each_week(w):
        return [Run("account_review", "maya", None)]

    busy = play(scn, 1, review_each_week, 8)[-1]
    assert fired(busy, "review_lapse") == []


def test_run_condition_needs_the_action_in_the_last_weeks(scn):
    def demo_week_2(w):
        return [Run("demo", "raj", "ops_manager")] if w == 2 else []

    assert fired(play(scn, 1, demo_week_2, 4)[-1], "demo_buzz") == [4]
    assert fired(play(scn, 1, lambda w: [], 4)[-1], "demo_buzz") == []

    def demo_week_1(w):  # week 1 is outside the last 2 weeks of week 4
        return [Run("demo", "raj", "ops_manager")] if w == 1 else []

    assert fired(play(scn, 1, demo_week_1, 4)[-1], "demo_buzz") == []


def test_not_met_condition_counts_meetings_since_the_week(scn):
    assert fired(play(scn, 1, lambda w: [], 8)[-1], "cfo_neglect") == [8]

    def meet_cfo(w):
        return [Run("discovery_meeting", "maya", "cfo")] if w == 6 else []

    assert fired(play(scn, 1, meet_cfo, 8)[-1], "cfo_neglect") == []


def test_lasting_effect_is_undone_after_its_weeks(scn):
    seed = next(
        s for s in range(50) if not fired(play(scn, s, lambda w: [], 7)[-1], "budget_squeeze")
    )
    states = play(scn, seed, lambda w: [], 7)
    budget = {g.week: g.budget() for g in states}
    value = {g.week: float(g.batch.value_mult[0]) for g in states}
    base = scn.limits.weekly_budget
    assert budget[2] == base and budget[3] == budget[4] == budget[5] == base - 3000
    assert budget[6] == base  # three weeks of freeze: 3, 4, 5
    assert value[3] < value[2] and value[6] == pytest.approx(value[2])


def test_silent_shift_moves_the_truth_not_the_estimate(scn, tmp_path):
    loud = variant(tmp_path, NEW_EVENTS.replace("silent: true", "silent: false"), "loud.yaml")
    later = NEW_EVENTS.replace(
        "when: {week: 5}\n    effects:\n      silent",
        "when: {week: 10}\n    effects:\n      silent",
    )
    unshifted = variant(tmp_path, later, "later.yaml")
    coo = scn.index("stakeholders")["coo"]
    quiet = play(scn, 2, lambda w: [], 5)
    said = play(loud, 2, lambda w: [], 5)
    same = play(unshifted, 2, lambda w: [], 5)[4]  # the same game without the shift yet
    after = quiet[4]  # the start of week 5
    assert after.week == 5
    assert not np.array_equal(same.batch.prio[0, coo], after.batch.prio[0, coo])
    est_before, unc_before = estimated_priorities(same)
    est_after, unc_after = estimated_priorities(after)
    np.testing.assert_allclose(est_after[coo], est_before[coo], atol=1e-12)
    assert unc_after[coo] == pytest.approx(unc_before[coo])
    loud_before, _ = estimated_priorities(said[3])
    loud_after, _ = estimated_priorities(said[4])
    assert np.abs(loud_after[coo] - loud_before[coo]).max() > 0.01  # a told shift shows
    assert "quiet_shift" not in [e["id"] for e in observe(after)["events"]]

    def discover(w):  # discovery reveals the new priorities
        return [Run("discovery_meeting", "maya", "coo")] * 2 if w >= 5 else []

    learnt = play(scn, 2, discover, 7)[-1]
    est, _ = estimated_priorities(learnt)
    truth = learnt.batch.prio[0, coo]
    assert np.abs(est[coo] - truth).sum() < np.abs(est_after[coo] - truth).sum()


def test_skipped_practice_condition_and_max_times(scn):
    res = simulate(scn, np.arange(200), make_policy("no_rhythm", 3))
    e = scn.index("events")["rhythm_slip"]
    assert res.batch.fire_count[:, e].max() == 3  # the cap
    assert res.batch.fire_count[:, e].mean() > 1  # it repeats
    expert = simulate(scn, np.arange(200), make_policy("expert", 3))
    assert expert.batch.fire_count[:, e].mean() < res.batch.fire_count[:, e].mean()


# ---- validation: references, practices and lint, each at its node ------------------------

BASE = render(Path("acme_deal.yaml"))
FREEZE = """    curveball: true         # only a facilitator can fire it, in a workshop
    effects:
      budget: -1500
"""


def with_event(when: str, effects: str = "stance: {cfo: -0.1}") -> str:
    event = f"""  - id: extra
    name: Extra
    signal: Something happens.
    when: {when}
    effects: {{{effects}}}
"""
    assert BASE.count(FREEZE) == 1
    return BASE.replace(FREEZE, FREEZE + event)


def problems(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return validate_file(path), text


def at(text, needle):
    """(line, col) of the first `needle` after the 'id: extra' line."""
    start = text.index("id: extra")
    i = text.index(needle, start)
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def test_base_with_every_new_kind_is_clean(tmp_path):
    found, _ = problems(
        tmp_path,
        with_event(
            "{week: 3, repeat_every: 2, max_times: 2, if_not_run: {account_review: 2}, "
            "if_not_met: {cfo: 2}, if_skipped: [rhythm]}",
            "budget: -500, lasts: 2, silent: true, priorities: {cfo: {cost: 1}}",
        ),
    )
    assert found == []


@pytest.mark.parametrize(
    "when, needle",
    [
        ("{week: 3, if_run: {demoo: 1}}", "demoo"),
        ("{week: 3, if_not_run: {nope: 1}}", "nope"),
        ("{week: 3, if_met: {cfoo: 1}}", "cfoo"),
        ("{week: 3, if_not_met: {ceo: 1}}", "ceo"),
    ],
)
def test_conditions_name_defined_ids(tmp_path, when, needle):
    found, text = problems(tmp_path, with_event(when))
    assert [(p.code, p.line, p.col) for p in found] == [("ref.unknown", *at(text, needle))]


def test_an_unseeable_practice_is_an_error_with_the_choices(tmp_path):
    found, text = problems(tmp_path, with_event("{week: 3, if_skipped: [rythm]}"))
    assert [(p.code, p.line, p.col) for p in found] == [("event.practice", *at(text, "rythm"))]
    assert "rhythm" in found[0].hint


@pytest.mark.parametrize(
    "when, effects, code, needle",
    [
        ("{week: 3, if_not_run: {demo: 3}}", "stance: {cfo: -0.1}", "lint.condition", "demo"),
        ("{week: 3, if_not_met: {cfo: 3}}", "stance: {cfo: -0.1}", "lint.condition", "cfo: 3"),
        (
            "{week: 3, if_run: {demo: 1}, if_not_run: {demo: 1}}",
            "stance: {cfo: -0.1}",
            "lint.condition",
            "demo: 1}, if_not",
        ),
        (
            "{week: 3, if_skipped: [follow_through]}",
            "stance: {cfo: -0.1}",
            "lint.condition",
            "follow_through",
        ),
        ("{week: 3, max_times: 2}", "stance: {cfo: -0.1}", "lint.repeat", "max_times"),
        (
            "{week: 3, repeat_every: 2, max_times: 1}",
            "stance: {cfo: -0.1}",
            "lint.repeat",
            "repeat_every",
        ),
        (
            "{probability: 0.5, window: [3, 4], repeat_every: 2}",
            "stance: {cfo: -0.1}",
            "lint.repeat",
            "repeat_every",
        ),
        ("{week: 3}", "stance: {cfo: -0.1}, lasts: 2", "lint.lasts", "lasts"),
        ("{week: 6}", "budget: -500, lasts: 3", "lint.lasts", "lasts"),
        ("{week: 3}", "stance: {cfo: -0.1}, silent: true", "lint.silent", "silent"),
    ],
)
def test_misuse_is_a_warning_at_the_node(tmp_path, when, effects, code, needle):
    found, text = problems(tmp_path, with_event(when, effects))
    assert [(p.severity, p.code, p.line, p.col) for p in found] == [
        ("warning", code, *at(text, needle))
    ]


# ---- the timeline and the balance report show them -------------------------------------


def test_timeline_lists_repeats_durations_silence_and_behaviour(scn):
    from simulator.timeline import render, timeline

    data = timeline(scn)
    ev = {e["id"]: e for e in data["events"]}
    assert ev["review_lapse"]["fires_in_weeks"] == [3, 5, 7, 9]  # conditions taken as met
    assert "no account_review for 2 wk" in ev["review_lapse"]["conditions"]
    assert ev["cfo_neglect"]["conditions"] == ["cfo not met since week 6"]
    assert ev["freeze"]["lasts"] == 3 and ev["quiet_shift"]["silent"]
    assert ev["rhythm_slip"]["conditions"] == ["rhythm skipped"]
    budget = {p["week"]: p for p in data["priorities"]}
    assert "quiet_shift" in budget[5]["events"]
    from rich.console import Console

    console = Console(width=120, record=True)
    console.print(render(data))
    text = console.export_text()
    assert "repeats every 2 wk" in text and "silent: not announced" in text
    assert "budget and value for 3 wk" in ev["freeze"]["effects"]


def test_balance_events_table_covers_the_new_kinds(scn):
    from simulator.balance import _summary, event_kinds, events_table

    res = simulate(scn, np.arange(60), make_policy("no_rhythm", 1))
    got = _summary(res)
    rows = {r["event"]: r for r in events_table(scn, got)}
    assert rows["review_lapse"]["kinds"] == ["behaviour", "repeats"]
    assert rows["freeze"]["kinds"] == ["lasts"] and rows["quiet_shift"]["kinds"] == ["silent"]
    assert rows["review_lapse"]["mean_times"] > 1  # repeats count every firing
    assert rows["rhythm_slip"]["mean_times"] <= 3
    assert event_kinds(scn.events[0]) == []


def test_expert_avoids_an_avoidable_penalty(scn):
    res = simulate(scn, np.arange(100), make_policy("expert", 2))
    e = scn.index("events")
    assert res.batch.fire_count[:, e["review_lapse"]].sum() == 0
    assert res.batch.fire_count[:, e["cfo_neglect"]].sum() == 0


def test_scoring_is_bit_identical_for_either_layout_with_the_new_kinds(scn):
    t = simulate(scn, np.arange(40), make_policy("random", 3)).trace()
    c_order = {k: np.ascontiguousarray(v) if isinstance(v, np.ndarray) else v for k, v in t.items()}
    a, b = score(t), score(c_order)
    assert np.array_equal(a.expected_score, b.expected_score)
    assert np.array_equal(a.score, b.score)


LATE_QUIET = NEW_EVENTS.replace(
    "when: {week: 5}\n    effects:\n      silent", "when: {week: 9}\n    effects:\n      silent"
)


def test_a_silent_shift_opens_the_response_window_when_the_team_learns_of_it(tmp_path):
    """The window starts at the first week after the shift in which the team knows the
    shifted stakeholder to `shift_noticed`; an audible before that answers nothing.
    (Northwind's own told shifts and joiner end by week 7; the silent one is in week 9.)"""
    from scoring import alignment as al

    scn = variant(tmp_path, LATE_QUIET, "late.yaml")
    coo = scn.index("stakeholders")["coo"]
    refocus = Focus({"risk": 0.8, "cost": 0.2})

    def discover_then(focus_week):
        def weekly(w):
            runs = [Run("discovery_meeting", "maya", "coo")] * 2 if w == 9 else []
            return runs + ([refocus] if w == focus_week else [])

        return weekly

    told_before = [3, 4, 5, 6]  # weeks 4-7 (indices), heard as they came
    idle = play(scn, 2, lambda w: [], 10)[-1]
    t = idle.trace()
    assert t["t_shift"][0, 8] and np.flatnonzero(t["t_heard"][0]).tolist() == told_before
    assert not t["t_learned"][0].any() and idle.batch.unheard[0, coo]  # a connection alone
    # teaches too slowly

    late = play(scn, 2, discover_then(10), 10)[-1]
    t = late.trace()
    assert np.flatnonzero(t["t_learned"][0][:, coo]).tolist() == [9]  # at the start of week 10
    assert np.flatnonzero(t["t_heard"][0]).tolist() == told_before + [9]
    assert not late.batch.unheard[0, coo]
    assert t["t_audible"][0, 9] and not al.unforced_audibles(t)[0].any()

    early = play(scn, 2, discover_then(9), 10)[-1]  # the week of the shift, before learning
    t = early.trace()
    assert t["t_audible"][0, 8] and al.unforced_audibles(t)[0, 8]

    loud_text = LATE_QUIET.replace("silent: true", "silent: false")
    loud = variant(tmp_path, loud_text, "loud.yaml")
    told = play(loud, 2, discover_then(9), 10)[-1].trace()
    assert told["t_heard"][0, 8] and not al.unforced_audibles(told)[0].any()


def test_the_noticing_threshold_is_a_rule(tmp_path):
    scn = variant(tmp_path, LATE_QUIET, "late.yaml")
    text = NORTHWIND.read_text().replace("\nrules:\n", "\nrules:\n  shift_noticed: 0.99\n", 1)
    assert "shift_noticed: 0.99" in text
    path = tmp_path / "strict.yaml"
    head, tail = text.split("\nscoring:\n", 1)
    path.write_text(head.rstrip("\n") + "\n" + LATE_QUIET.strip("\n") + "\n\nscoring:\n" + tail)
    strict = load_scenario(path)
    assert strict.rules.shift_noticed == 0.99 and strict.content_hash != scn.content_hash

    def weekly(w):
        return [Run("discovery_meeting", "maya", "coo")] * 2 if w == 9 else []

    assert play(scn, 2, weekly, 10)[-1].batch.t_learned[0].any()
    assert not play(strict, 2, weekly, 10)[-1].batch.t_learned[0].any()


ASKS_AGAIN = """
  - id: asks_again
    name: The COO asks for a delivery expert
    signal: Priya wants someone who has run a rollout like this one, and asks again later.
    when: {week: 2, repeat_every: 3, max_times: 3}
    effects:
      request: {skill: delivery, level: 0.8, within: 1, stakeholder: coo, penalty: 0.2}
"""


def _game(state):
    from simulator import coach as co

    return co.Game(state.scenario, co.by_week(state.history), state.trace())


def test_the_coach_tries_each_firing_of_a_repeating_request(tmp_path):
    from simulator import coach as co

    scn = variant(tmp_path, ASKS_AGAIN, "asks.yaml")
    idle = play(scn, 1, lambda w: [], 10)[-1]
    assert fired(idle, "asks_again") == [2, 5, 8]
    topic = "request:" + str(scn.index("events")["asks_again"])
    found = [c for c in co._requests(_game(idle)) if c[0] == topic]
    assert sorted({c[4] for c in found}) == [2, 5, 8]  # not only the last firing
    assert all("weeks 2, 5, 8" in c[2] for c in found)
    week_5 = next(c for c in found if c[4] == 5)
    assert co.replay(scn, 1, week_5[6]).batch.fire_log[0, 4].any()  # the log replays


def test_the_coach_refocuses_the_week_a_silent_shift_was_learned(tmp_path):
    from simulator import coach as co

    scn = variant(tmp_path, LATE_QUIET, "late.yaml")

    def weekly(w):
        return [Run("discovery_meeting", "maya", "coo")] * 2 if w == 9 else []

    state = play(scn, 2, weekly, 10)[-1]
    found = list(co._refocus(_game(state)))
    weeks = [c[4] for c in found]
    assert 10 in weeks and 9 not in weeks  # learned at the start of week 10, shifted in 9
    learned = next(c for c in found if c[4] == 10)
    assert "learned" in learned[2] and learned[6] != co.joined(co.by_week(state.history))


def test_the_workshop_counts_a_silent_curveballs_response_from_the_week_it_was_learned(tmp_path):
    from simulator.workshop.results import responses

    scn = variant(tmp_path, LATE_QUIET, "late.yaml")
    refocus = Focus({"risk": 0.8, "cost": 0.2})

    def weekly(discover, focus_weeks):
        def runs(w):
            found = [Run("discovery_meeting", "maya", "coo")] * 2 if discover and w == 9 else []
            return found + (
                [refocus if w % 2 else Focus({"speed": 1.0})] if w in focus_weeks else []
            )

        return runs

    early = play(scn, 2, weekly(True, (9,)), 10)[-1]  # a re-focus before the team knew
    r = responses(early, early.trace(), {"quiet_shift": 9})["quiet_shift"]
    assert (r.arrived, r.learned, r.week) == (9, 10, None)
    answered = play(scn, 2, weekly(True, (9, 10)), 10)[-1]
    r = responses(answered, answered.trace(), {"quiet_shift": 9})["quiet_shift"]
    assert (r.arrived, r.learned, r.week, r.lag) == (9, 10, 10, 1)
    unknown = play(scn, 2, weekly(False, (9, 10)), 10)[-1]
    r = responses(unknown, unknown.trace(), {"quiet_shift": 9})["quiet_shift"]
    assert (r.learned, r.week) == (None, None)
    told = responses(answered, answered.trace(), {"coo_speed_push": 4})["coo_speed_push"]
    assert told.learned is None


def test_the_timeline_says_what_a_repeating_chance_means_and_marks_play_conditions(scn):
    from math import comb

    from rich.console import Console

    from simulator.timeline import render, timeline

    data = timeline(scn, seed=1)
    ev = {e["id"]: e for e in data["events"]}
    slip = ev["rhythm_slip"]  # 60%/wk over weeks 2-10, every week, at most 3 times
    at_most_3 = sum(min(k, 3) * comb(9, k) * 0.6**k * 0.4 ** (9 - k) for k in range(10))
    assert slip["chance_means"] == "at least one firing"
    assert slip["expected_times"] == pytest.approx(at_most_3, abs=1e-4)
    assert slip["chance"] == pytest.approx(1 - 0.4**9, abs=1e-4)
    assert slip["conditional"] and ev["review_lapse"]["conditional"]
    assert not ev["freeze"]["conditional"] and not ev["quiet_shift"]["conditional"]
    assert "expected_times" not in ev["budget_squeeze"]  # a one-off chance event
    console = Console(width=160, record=True, color_system=None)
    console.print(render(data))
    text = console.export_text()
    assert f"chance of firing at least once, {at_most_3:.1f} times expected" in text
    assert "○ only if the team's play meets its condition" in " ".join(text.split())
    lapse = next(line for line in text.splitlines() if line.startswith("The plan drifts"))
    assert "○" in lapse and "●" not in lapse  # shown where it could fire, not as certain


def test_the_players_trace_shows_a_silent_shift_only_once_learned(tmp_path):
    from engine.observe import observed_trace

    scn = variant(tmp_path, LATE_QUIET, "late.yaml")
    idle = play(scn, 2, lambda w: [], 9)[-1]
    assert idle.trace()["t_shift"][0, 8] and not observed_trace(idle)["t_shift"][0, 8]

    def weekly(w):
        return [Run("discovery_meeting", "maya", "coo")] * 2 if w == 9 else []

    learnt = play(scn, 2, weekly, 10)[-1]
    assert observed_trace(learnt)["t_shift"][0].tolist() == learnt.trace()["t_heard"][0].tolist()
    assert observed_trace(learnt)["t_shift"][0, 9]
