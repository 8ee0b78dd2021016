"""Workshop sessions: join, play decision by decision, resume, pacing, curveballs, bots."""

import argparse

import numpy as np
import pytest
from support.workshop import CURVEBALL, PLAN, SEED, new_class, steps

from engine.batch import simulate
from engine.bots import make_policy
from engine.decisions import EndWeek, Focus, IllegalDecision, Inject, Run, Shift, Start
from engine.loader import find_scenario
from engine.plan import parse_plan, play_plan
from engine.problems import InputError
from engine.state import new_game
from scoring.scorecard import score
from simulator.workshop import session as ws
from simulator.workshop.results import shift_arrivals


@pytest.fixture
def session(workshop_db):
    """A session in the default store, on SQLite and on PostgreSQL ($DEALCRAFT_DB)."""
    info, key, _ = new_class("Test class", seed=SEED)
    return info, key


def play(team: ws.TeamSession, decisions, state=None):
    state = state or team.resume()
    for d in decisions:
        if state.is_over():
            break
        state = team.step(state, d)
    return state


def alpha_in_week_2(info):
    """Team Alpha joined and played the plan to the end of week 1; (team, steps, index of
    that EndWeek in the steps, state)."""
    team = ws.join(info.code, "Alpha")
    s = steps()
    first = next(i for i, d in enumerate(s) if isinstance(d, EndWeek))
    state = play(team, s[: first + 1])
    assert state.week == 2
    return team, s, first, state


def same_game(a, b):
    ta, tb = a.trace(), b.trace()
    return a.history == b.history and all(
        np.array_equal(ta[k], tb[k]) for k in ta if isinstance(ta[k], np.ndarray)
    )


def test_create_prints_code_and_keeps_only_a_hash_of_the_key(session):
    info, key = session
    assert len(info.code) == ws.CODE_LENGTH and set(info.code) <= set(ws.CODE_ALPHABET)
    row = ws.open_store().session(info.code)
    assert key not in str(row.values())
    assert info.seed == SEED and info.name == "Test class"
    keys = [ws.new_key() for _ in range(500)]
    assert all(k.isalnum() and len(k) == 24 for k in keys) and len(set(keys)) == 500


def test_every_decision_is_stored_and_replays_exactly(session):
    info, _ = session
    team = ws.join(info.code, "Alpha")
    state = play(team, steps())
    alone = play_plan(find_scenario("northwind-new-logo"), parse_plan(PLAN), SEED)
    assert same_game(state, alone)  # the workshop adds nothing of its own
    again = ws.join(info.code.lower(), "  alpha ")  # a crashed player rejoins
    assert again.team_id == team.team_id and again.team == "Alpha"
    assert same_game(again.resume(), state)
    assert score(again.resume().trace()).game(0) == score(state.trace()).game(0)


def test_resume_mid_game_and_continue(session):
    info, _ = session
    s = steps()
    team = ws.join(info.code, "Alpha")
    play(team, s[:20])
    resumed = ws.join(info.code, "Alpha")  # new process, same team
    state = resumed.resume()
    assert len(state.history) == 20
    state = play(resumed, s[20:], state)
    assert state.is_over()
    assert len(resumed.log()) == len(state.history)


def test_illegal_decisions_store_nothing(session):
    info, _ = session
    team = ws.join(info.code, "Alpha")
    state = team.resume()
    with pytest.raises(IllegalDecision):
        team.step(state, Run("demo", "maya", "coo"))
    with pytest.raises(IllegalDecision, match="facilitator"):
        team.step(state, Inject(CURVEBALL))
    with pytest.raises(IllegalDecision, match="priority shifts come from the facilitator"):
        team.step(state, Shift("coo", {"cost": 1.0}))
    assert team.log() == []


def test_two_windows_on_one_team_cannot_interleave(session):
    info, _ = session
    a = ws.join(info.code, "Alpha")
    b = ws.join(info.code, "Alpha")
    sa, sb = a.resume(), b.resume()
    d = steps()[0]
    a.step(sa, d)
    with pytest.raises(InputError, match="played somewhere else"):
        b.step(sb, d)


def test_curveball_arrives_next_week_and_is_in_the_log(session):
    info, key = session
    team, s, first_week_end, state = alpha_in_week_2(info)
    fac = ws.facilitate(info.code, key)
    assert fac.inject(CURVEBALL) == 2  # the week the furthest team is in
    assert [d.event for d in team.pending_curveballs(state)] == [CURVEBALL]
    state = play(team, s[first_week_end + 1 :], state)
    log = team.log()
    assert Inject(CURVEBALL) in log
    assert (3, CURVEBALL) in state.fired_events()
    assert same_game(ws.join(info.code, "Alpha").resume(), state)
    row = next(r for r in fac.leaderboard().refresh() if r.name == "Alpha")
    assert row.arrived[CURVEBALL] == 3 and row.lags[CURVEBALL] is not None
    with pytest.raises(InputError, match="already injected"):
        fac.inject(CURVEBALL)
    with pytest.raises(InputError, match="not a curveball"):
        fac.inject("no_such_event")


def test_hold_pause_and_release(session):
    info, key = session
    fac = ws.facilitate(info.code, key)
    team = ws.join(info.code, "Alpha")
    s = steps()
    start = s.index(Start())
    fac.hold(0)
    state = play(team, s[:start])  # setup is allowed
    with pytest.raises(ws.Held, match="holding every team at setup"):
        team.step(state, Start())
    fac.hold(1)
    assert team.may_end_week(0) and not team.may_end_week(1)
    state = team.step(state, Start())
    state = team.step(state, s[start + 1])  # actions inside the held week are fine
    fac.pause()
    with pytest.raises(ws.Held, match="paused"):
        team.step(state, s[start + 2])
    fac.resume()
    with pytest.raises(ws.Held, match="week 1"):
        team.step(state, EndWeek())
    fac.release()
    state = team.step(state, EndWeek())
    assert state.week == 2
    assert len(team.log()) == len(state.history)


def test_wrong_code_or_key(session):
    info, key = session
    with pytest.raises(InputError, match="no workshop session with code"):
        ws.join("ZZZZZZ", "Alpha")
    with pytest.raises(InputError, match="wrong facilitator key"):
        ws.facilitate(info.code, key + "x")
    with pytest.raises(InputError, match="needs the facilitator key"):
        ws.facilitate(info.code, None)


@pytest.mark.parametrize(
    "name, ok",
    [
        ("", False),
        ("   ", False),
        ("x" * 33, False),
        ("x" * 32, True),
        ("bad\x1b[31mred", False),
        ("tab\tname", False),
        ("[bold red]Markup[/]", True),
        ("Équipe Ünïcode", True),
    ],
)
def test_team_names(session, name, ok):
    info, _ = session
    if ok:
        assert ws.join(info.code, name).team == name.strip()
    else:
        with pytest.raises(InputError, match="team"):
            ws.join(info.code, name)


def test_players_see_others_only_after_the_reveal(session):
    info, key = session
    a = ws.join(info.code, "Alpha")
    play(a, steps()[:12])
    b = ws.join(info.code, "Beta")
    assert b.log() == []  # a team's log is its own
    with pytest.raises(InputError, match="not revealed"):
        b.class_results()
    ws.facilitate(info.code, key).reveal()
    names = [r.name for r in b.class_results()]
    assert sorted(names) == ["Alpha", "Beta"]
    with pytest.raises(InputError, match="revealed"):
        ws.join(info.code, "Latecomer")


def _args(info, team="Scripted", db=None):
    return argparse.Namespace(join=info.code, team=team, db=db, plan=str(PLAN))


def test_headless_submission_respects_hold_and_resumes(session, capsys):
    info, key = session
    scenario = find_scenario("northwind-new-logo")
    full = play_plan(scenario, parse_plan(PLAN), SEED)
    fac = ws.facilitate(info.code, key)
    fac.hold(3)
    part = ws.submit_headless(_args(info), full)
    assert part.week == 3 and not part.is_over()
    assert "held at week 3" in capsys.readouterr().err
    fac.inject(CURVEBALL)  # arrives after week 3 for scripted teams
    fac.release()
    done = ws.submit_headless(_args(info), full)
    assert done.is_over()
    assert (4, CURVEBALL) in done.fired_events()
    assert same_game(ws.join(info.code, "Scripted", kind="headless").resume(), done)
    tweaked = new_game(scenario, SEED).apply(Focus({"cost": 1.0}))
    with pytest.raises(InputError, match="different game"):
        ws.submit_headless(_args(info), tweaked)


def test_session_seed_for_headless_runs(session):
    info, _ = session
    assert ws.session_seed(_args(info)) == SEED
    with pytest.raises(InputError, match="no workshop session"):
        ws.session_seed(argparse.Namespace(join="ZZZZZZ", db=None))


def test_headless_submission_errors(session):
    info, key = session
    scenario = find_scenario("northwind-new-logo")
    full = play_plan(scenario, parse_plan(PLAN), SEED)
    with pytest.raises(InputError, match="plays 'northwind-new-logo'"):
        ws.submit_headless(_args(info), new_game(find_scenario("meridian-renewal"), SEED))
    ws.join(info.code, "Human")
    with pytest.raises(InputError, match="player team"):
        ws.submit_headless(_args(info, "Human"), full)
    ws.facilitate(info.code, key).pause()
    with pytest.raises(InputError, match="paused"):
        ws.submit_headless(_args(info), full)


def test_headless_plan_illegal_with_the_session_seed(home):
    info, _ = ws.create_session("northwind-new-logo", seed=7)
    scenario = find_scenario("northwind-new-logo")
    full = play_plan(scenario, parse_plan(PLAN), SEED)  # Raj is pulled away with seed 7
    with pytest.raises(InputError) as exc:
        ws.submit_headless(_args(info), full)
    assert exc.value.codes == ["workshop.session"]
    assert "seed" not in exc.value.problems[0].message  # the refusal never names the seed


def test_bot_is_the_batch_expert_and_keeps_pace(session):
    info, key = session
    scenario = find_scenario("northwind-new-logo")
    fac = ws.facilitate(info.code, key)
    team, s, first, state = alpha_in_week_2(info)
    name = fac.add_bot()
    bot = ws.join(info.code, name, kind="bot").resume()
    assert bot.week == 2 and not bot.is_over()  # waits in the leader's week
    expert = simulate(scenario, [SEED], make_policy("expert", SEED)).decisions(0)
    assert list(bot.history) == expert[: len(bot.history)]
    fac.inject(CURVEBALL)
    play(team, s[first + 1 :], state)  # Alpha finishes: no live player, the bot plays on
    fac.advance_bots()
    bot = ws.join(info.code, name, kind="bot").resume()
    assert bot.is_over()
    assert Inject(CURVEBALL) in bot.history and (3, CURVEBALL) in bot.fired_events()
    with pytest.raises(InputError, match="unknown bot policy"):
        fac.add_bot("genius")
    with pytest.raises(InputError, match="already a team"):
        fac.add_bot(name=name)


def test_stepped_bot_matches_the_batch_bot():
    scenario = find_scenario("harbor-cross-sell")
    for policy in ("expert", "random"):
        batch = ws.play_bot(scenario, 5, policy, {})
        stepped = ws.play_bot(scenario, 5, policy, {99: ["never"]})  # forces the stepped path
        assert same_game(batch, stepped), policy


SHIFT = Shift("coo", {"cost": 80.0, "risk": 20.0})


def test_custom_shift_reaches_players_next_week_and_replays(session):
    info, key = session
    team, s, first_week_end, state = alpha_in_week_2(info)
    fac = ws.facilitate(info.code, key)
    coo = state.compiled.stakeholders.index("coo")
    before = state.batch.prio[0, coo].copy()
    assert fac.shift("coo", {"cost": 80, "risk": 20}) == 2
    assert team.pending_curveballs(state) == [SHIFT]
    state = play(team, s[first_week_end + 1 : first_week_end + 2], state)
    assert SHIFT in team.log() and team.pending_curveballs(state) == []  # delivered once
    state = play(team, s[first_week_end + 2 :], state)
    assert state.batch.t_shift[0, 2]  # arrived at the start of week 3
    assert not np.allclose(state.batch.prio[0, coo], before)
    assert same_game(ws.join(info.code, "Alpha").resume(), state)
    row = next(r for r in fac.leaderboard().refresh() if r.name == "Alpha")
    assert row.arrived == {"shift-1": 3} and row.lags["shift-1"] is not None
    assert [c["key"] for c in fac.curveballs()] == ["shift-1"]
    assert "custom shift injected: Shift 1: Helen Marsh" in str(fac.store.activity(fac.id))


def test_curveballs_and_shifts_arrive_in_the_order_they_were_made(session):
    info, key = session
    fac = ws.facilitate(info.code, key)
    team = ws.join(info.code, "Alpha")
    s = steps()
    state = play(team, s[: s.index(Start()) + 1])
    fac.shift("coo", {"cost": 80, "risk": 20})
    fac.inject(CURVEBALL)
    fac.shift("cfo", {"speed": 1})
    assert team.pending_curveballs(state) == [
        SHIFT,
        Inject(CURVEBALL),
        Shift("cfo", {"speed": 1.0}),
    ]
    state = play(team, [EndWeek()], state)
    assert list(state.history[-4:]) == [SHIFT, Inject(CURVEBALL), Shift("cfo", {"speed": 1.0})] + [
        EndWeek()
    ]
    fac.shift("coo", {"innovation": 5})  # the same stakeholder again: only the new one is due
    assert team.pending_curveballs(state) == [Shift("coo", {"innovation": 5.0})]
    rows = fac.leaderboard().refresh()
    assert set(rows[0].arrived) == {"shift-1", CURVEBALL, "shift-2"}  # shift-3 is pending
    assert rows[0].lag_text("shift-3") == "not-arrived"


@pytest.mark.parametrize(
    "stakeholder, weights, words",
    [
        ("ceo", {"cost": 1}, "stakeholders: coo, procurement"),
        ("coo", {"price": 1}, "dimensions: cost, risk, speed, innovation"),
        ("coo", {}, "at least one weight"),
        ("coo", {"cost": 101}, "0-100"),
        ("coo", {"cost": -1}, "0-100"),
        ("coo", {"cost": float("nan")}, "0-100"),
        ("coo", {"cost": "lots"}, "must be a number"),
        ("coo", {"cost": 0, "risk": 0}, "at least one positive weight"),
    ],
)
def test_bad_shifts_are_refused_and_not_stored(session, stakeholder, weights, words):
    info, key = session
    fac = ws.facilitate(info.code, key)
    with pytest.raises(InputError, match=words):
        fac.shift(stakeholder, weights)
    assert fac.shifts() == []


def test_shift_week_must_lie_in_the_deal(session):
    info, key = session
    fac = ws.facilitate(info.code, key)
    with pytest.raises(InputError, match="--week must lie in 0-10"):
        fac.shift("coo", {"cost": 1}, week=11)
    assert fac.shift("coo", {"cost": 1}, week=4) == 4


def test_shift_arrivals_follow_the_engine():
    scenario = find_scenario("northwind-new-logo")
    s = steps()
    start = s.index(Start())
    ends = [i for i, d in enumerate(s) if isinstance(d, EndWeek)]
    # made during setup: it arrives as week 1 starts
    g = new_game(scenario, SEED)
    for d in s[:start] + [SHIFT] + s[start : ends[1] + 1]:
        g = g.apply(d)
    assert shift_arrivals(g) == [1] and g.batch.t_shift[0, 0]
    # made in week 2, not yet arrived; then made in the last week: never arrives
    g = new_game(scenario, SEED)
    for d in s[: ends[0] + 1] + [SHIFT]:
        g = g.apply(d)
    assert shift_arrivals(g) == [None]
    while True:  # a shift made in the week the game ends with never arrives
        last = g.apply(Shift("cfo", {"cost": 1.0})).apply(EndWeek())
        if last.is_over():
            break
        g = g.apply(EndWeek())
    assert shift_arrivals(last) == [3, None] and last.batch.t_shift[0, 2]


def test_headless_teams_get_shifts_after_the_week_and_may_not_bring_their_own(session, capsys):
    info, key = session
    scenario = find_scenario("northwind-new-logo")
    full = play_plan(scenario, parse_plan(PLAN), SEED)
    fac = ws.facilitate(info.code, key)
    fac.hold(3)
    ws.submit_headless(_args(info), full)
    assert fac.shift("coo", {"cost": 80, "risk": 20}) == 3  # the hold week
    fac.release()
    done = ws.submit_headless(_args(info), full)
    assert done.is_over() and SHIFT in done.history
    assert shift_arrivals(done) == [4] and done.batch.t_shift[0, 3]
    stored = ws.join(info.code, "Scripted", kind="headless")
    assert same_game(stored.resume(), done)
    # replaying the stored log (it holds the session's shift) gives the same game
    again = ws.submit_headless(_args(info), stored.resume())
    assert same_game(again, done)
    own = new_game(scenario, SEED).apply(Shift("cfo", {"speed": 1.0}))
    with pytest.raises(InputError, match=r"decision 1 \(shift\): curveballs and priority shifts"):
        ws.submit_headless(_args(info, "Other"), own)
    own = new_game(scenario, SEED).apply(Inject(CURVEBALL))  # not injected in this session
    with pytest.raises(InputError, match=r"decision 1 \(inject\)"):
        ws.submit_headless(_args(info, "Other"), own)


def test_bots_get_shifts_and_react(session):
    info, key = session
    fac = ws.facilitate(info.code, key)
    team, s, first, state = alpha_in_week_2(info)
    name = fac.add_bot()
    fac.shift("coo", {"cost": 80, "risk": 20})
    play(team, s[first + 1 :], state)
    fac.advance_bots()
    bot = ws.join(info.code, name, kind="bot").resume()
    assert bot.is_over() and SHIFT in bot.history
    assert shift_arrivals(bot) == [3]
    row = next(r for r in fac.leaderboard().refresh() if r.name == name)
    assert row.arrived == {"shift-1": 3} and row.lags["shift-1"] is not None
