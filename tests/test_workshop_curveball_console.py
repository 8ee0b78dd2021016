"""Curveballs from the facilitator's console: preview and confirm, schedule for a week,
retract before it arrives, a custom shift with a signal, the activity log on the board,
and the console's server actions refused to anyone without the facilitator key."""

import asyncio

import pytest
from support.keys import key_file
from support.workshop import (
    CURVEBALL,
    not_the_key,
    on_board,
    post,
    settle,
    steps,
    strip_shown,
    to_week,
)
from textual.widgets import Input, Static

from engine.decisions import EndWeek, Inject, Shift
from engine.problems import InputError
from simulator.cli import main
from simulator.screens.modals import ConfirmModal
from simulator.workshop import seats
from simulator.workshop import session as ws
from simulator.workshop.board import PickModal, ShiftModal, WeekModal


def test_a_scheduled_curveball_arrives_in_its_week_for_every_team(workshop_class):
    info, _, fac = workshop_class
    alpha = ws.join(info.code, "Alpha")
    state = to_week(alpha, 1)
    assert fac.inject(CURVEBALL, at_week=3) == 2  # scripted teams: after week 2
    [cb] = fac.curveballs()
    assert cb["arrive_week"] == 3 and cb["signal"]  # the event's own signal
    state = to_week(alpha, 2, state)
    assert Inject(CURVEBALL) not in state.history  # not taken in week 1
    state = alpha.step(state, EndWeek())  # taken in week 2, so it arrives in week 3
    assert Inject(CURVEBALL) in state.history and state.week == 3
    ws.join(info.code, "Script", kind="headless").submit(steps())
    rows = {r.name: r for r in fac.leaderboard().refresh()}
    assert rows["Alpha"].arrived[CURVEBALL] == 3 and rows["Script"].arrived[CURVEBALL] == 3
    with pytest.raises(InputError) as exc:
        fac.shift("cfo", {"cost": 1}, at_week=2)  # Alpha is in week 3 already
    assert exc.value.codes == ["workshop.input"]
    assert any("scheduled" in a["text"] for a in fac.store.activity(fac.id))


def test_a_scheduled_shift_waits_and_so_does_what_came_after(workshop_class):
    info, _, fac = workshop_class
    alpha = ws.join(info.code, "Alpha")
    state = to_week(alpha, 1)
    fac.shift("cfo", {"cost": 100}, at_week=4, signal="Marcus now says cost is everything")
    fac.inject(CURVEBALL)  # made later: it waits for the scheduled shift (order is kept)
    state = to_week(alpha, 3, state)
    assert not any(isinstance(d, Shift | Inject) for d in state.history)
    state = alpha.step(state, EndWeek())
    got = [d for d in state.history if isinstance(d, Shift | Inject)]
    assert got == [Shift("cfo", {"cost": 100.0}), Inject(CURVEBALL)]
    shift = next(c for c in fac.curveballs() if c["kind"] == "shift")
    assert shift["signal"] == "Marcus now says cost is everything"


def test_retract_before_any_team_has_it_and_not_after(workshop_class):
    info, _, fac = workshop_class
    alpha = ws.join(info.code, "Alpha")
    state = to_week(alpha, 1)
    fac.inject(CURVEBALL, at_week=5)
    fac.shift("coo", {"risk": 10}, at_week=5)
    assert fac.retract("shift-1").startswith("Shift 1:")
    assert fac.retract(CURVEBALL) and fac.curveballs() == []
    with pytest.raises(InputError, match="no curveball"):
        fac.retract(CURVEBALL)
    fac.inject(CURVEBALL)  # retracted, so it may be injected again, now
    state = alpha.step(state, EndWeek())
    assert Inject(CURVEBALL) in state.history
    with pytest.raises(InputError) as exc:
        fac.retract(CURVEBALL)
    assert exc.value.codes == ["workshop.session"] and "Alpha" in str(exc.value)
    texts = [a["text"] for a in fac.store.activity(fac.id)]
    assert any(t.startswith("curveball retracted") for t in texts)


def test_schedule_signal_and_retract_from_the_command_line(workshop_class, capsys):
    info, key, fac = workshop_class
    to_week(ws.join(info.code, "Alpha"), 1)
    kf = key_file(key)
    base = ["workshop", "inject", info.code, "--key-file", kf]
    assert main(base + [CURVEBALL, "--at-week", "4"]) == 0
    assert "week 4" in capsys.readouterr().out
    shift = ["workshop", "shift", info.code, "--key-file", kf, "coo", "cost=5"]
    assert main(shift + ["--signal", "Helen: the board wants savings", "--at-week", "6"]) == 0
    assert "week 6" in capsys.readouterr().out
    assert main(shift + ["--signal", "x" * 201]) == 1
    assert "workshop.session" in capsys.readouterr().err
    retract = ["workshop", "retract", info.code, "--key-file", kf]
    assert main(retract + ["shift-1"]) == 0 and main(retract + [CURVEBALL]) == 0
    assert fac.curveballs() == []
    assert main(retract + ["nothing"]) == 1
    assert main(["workshop", "retract", info.code, CURVEBALL]) == 1  # no key
    assert "workshop.key" in capsys.readouterr().err


def test_console_actions_through_the_server_need_the_facilitator_key(served_class):
    info, key, fac, url = served_class
    blue = seats.join(info.code, "Blue", server=url, announce=False)
    path = f"/api/v1/sessions/{info.code}/console"
    schedule = {"event": CURVEBALL, "at_week": 3}
    for auth in not_the_key("Blue", blue.passcode, key):
        for action, body in (("schedule", schedule), ("retract", {"key": CURVEBALL})):
            status, answer = post(url, f"{path}/{action}", body, auth)
            assert status == 403 and answer["problems"][0]["code"] == "workshop.key"
    assert fac.curveballs() == []  # nothing happened
    good = {"Authorization": f"Facilitator {key}"}
    status, answer = post(url, f"{path}/schedule", schedule, good)
    assert status == 200 and answer["curveballs"][0]["arrive_week"] == 3
    assert "seed" not in answer["session"]
    status, answer = post(url, f"{path}/retract", {"key": CURVEBALL}, good)
    assert status == 200 and answer["curveballs"] == []
    status, answer = post(url, f"{path}/nonsense", {}, good)
    assert status == 400 and answer["problems"][0]["code"] == "workshop.input"
    env = {"DEALCRAFT_FACILITATOR_KEY": key}
    import os

    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        args = ["workshop", "inject", info.code, CURVEBALL, "--at-week", "2", "--server", url]
        assert main(args) == 0
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    assert fac.curveballs()[0]["arrive_week"] == 2


def test_board_previews_schedules_retracts_and_shows_the_activity(workshop_class):
    info, _, fac = workshop_class
    to_week(ws.join(info.code, "Alpha"), 1)

    async def script(app, pilot):
        await pilot.press("w", "enter")  # schedule: the only curveball
        await pilot.pause()
        assert isinstance(app.screen, WeekModal)
        await pilot.press("backspace", "4", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and "week 4" in app.screen.question
        assert fac.curveballs() == []  # nothing until confirmed
        await pilot.press("y")
        await settle(app, pilot)
        assert fac.curveballs()[0]["arrive_week"] == 4
        await pilot.press("s", "enter")  # a shift with a signal
        await pilot.pause()
        assert isinstance(app.screen, ShiftModal)
        app.screen.query_one("#w-cost", Input).value = "50"
        app.screen.query_one("#shift-signal", Input).value = "Helen: savings first"
        app.screen.query_one("#w-cost", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "Helen: savings first" in app.screen.detail
        await pilot.press("n")  # declined: nothing sent
        await settle(app, pilot)
        assert len(fac.curveballs()) == 1
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, PickModal)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(app, pilot)
        assert fac.curveballs() == []
        await pilot.press("a")
        await pilot.pause()
        assert app.query_one("#activity-panel").display
        assert not app.query_one("#side").display
        log = str(app.query_one("#activity", Static).render())
        assert "curveball scheduled" in log and "curveball retracted" in log

    on_board(fac, script, size=(120, 40))


def test_the_inject_dialog_is_the_board_pick_dialog_and_greys_out_an_injected_one(workshop_class):
    info, _, fac = workshop_class
    to_week(ws.join(info.code, "Alpha"), 1)

    async def script(app, pilot):
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, PickModal)
        [option] = app.screen.query_one("#pick-list").options
        assert option.id == CURVEBALL and not option.disabled
        signal = next(e.signal for e in fac.scenario.events if e.id == CURVEBALL)
        assert signal in str(option.prompt)
        await pilot.press("enter", "y")
        await settle(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        [option] = app.screen.query_one("#pick-list").options
        assert option.disabled and "already injected" in str(option.prompt)

    on_board(fac, script, size=(120, 40))


def test_a_signal_must_be_printable(workshop_class):
    fac = workshop_class[2]
    with pytest.raises(InputError, match="printable"):
        fac.shift("cfo", {"cost": 1}, signal="bad\x1b[31m")


def test_every_player_screen_shows_the_session_state_and_the_signal(home, tmp_path):
    from support.app import make_app

    from simulator.saves import WorkshopSession
    from simulator.workshop.strip import strip_text

    db = f"sqlite:///{tmp_path / 'workshop.db'}"
    info, key = ws.create_session("northwind-new-logo", seed=2, db=db)
    fac = ws.facilitate(info.code, key, db=db)
    seat = WorkshopSession.join(info.code, "Blue", db=db)
    app = make_app(seat)

    async def shown(pilot) -> str:
        return await strip_shown(app, pilot)

    async def go():
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "BriefingScreen"
            text = await shown(pilot)
            assert f"Workshop {info.code} · Blue" in text and "PAUSED" not in text
            fac.pause()
            fac.hold(0)
            text = await shown(pilot)
            assert "PAUSED" in text and "HOLD at setup" in text  # during setup, unasked
            await pilot.press("enter")  # on to the staffing screen: the strip follows
            await pilot.pause()
            assert type(app.screen).__name__ == "StaffingScreen"
            assert "PAUSED" in await shown(pilot)
            fac.resume()
            fac.release()
            assert "PAUSED" not in await shown(pilot)

    asyncio.run(go())
    # the signal: what the teams heard with the last shift this team received
    team = ws.join(info.code, "Blue", db=db)
    state = to_week(team, 1)
    fac.shift("cfo", {"cost": 100}, signal="Marcus: cost is all that matters now")
    state = team.step(state, EndWeek())
    from simulator.workshop.strip import last_signal

    signal = last_signal(team, state)
    assert signal == "Marcus: cost is all that matters now"
    text = str(strip_text(fac.reload(), info.code, "Blue", signal))
    assert text.endswith("Facilitator: Marcus: cost is all that matters now")
