"""What a player's client receives from the workshop server: never the seed (its games are
sealed and read the draws the server sends), a scenario copy without the facilitator's
notes, and a team name that follows the facilitator's renames."""

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from support.server import Running, workshop_app

from engine.decisions import EndWeek, IllegalDecision
from engine.drawn import Draws, SealedSeed, Undrawn, used_draws
from engine.loader import find_scenario, play_hash
from engine.plan import parse_plan
from engine.problems import InputError
from engine.state import new_game
from scoring.scorecard import score
from simulator.analysis import analyse
from simulator.coach import coach
from simulator.workshop import authority as authority_module
from simulator.workshop import seats
from simulator.workshop import session as ws
from simulator.workshop.client import Remote, RemoteFacilitator
from simulator.workshop.playercopy import player_scenario, player_yaml
from simulator.workshop.server import AUTHORITY

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "northwind_new_logo.plan.yaml"
SEED = 8_675_309_123_457  # digits no other figure of a game shares


def steps():
    return [d for d, _ in parse_plan(PLAN).steps]


@pytest.fixture
def served(workshop_db):
    info, key = ws.create_session("northwind-new-logo", name="Sealed class", seed=SEED)
    running = Running(workshop_app())
    with running as url:
        yield info, key, url, running


@pytest.fixture
def answers(monkeypatch):
    """Every answer a client of this process receives from the server, as its JSON text."""
    seen: list[str] = []
    call = Remote.call

    def recording(self, *args, **kwargs):
        answer = call(self, *args, **kwargs)
        seen.append(json.dumps(answer))
        return answer

    monkeypatch.setattr(Remote, "call", recording)
    return seen


def held_values(obj, depth: int = 0, seen=None) -> list:
    """Every number, string and array reachable from a client object's attributes."""
    seen = set() if seen is None else seen
    if id(obj) in seen or depth > 6:
        return []
    seen.add(id(obj))
    if isinstance(obj, int | float | str | np.ndarray):
        return [obj]
    out: list = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += held_values(k, depth + 1, seen) + held_values(v, depth + 1, seen)
    elif isinstance(obj, list | tuple | set | frozenset):
        for v in obj:
            out += held_values(v, depth + 1, seen)
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith(("simulator", "engine")):
        for v in vars(obj).values():
            out += held_values(v, depth + 1, seen)
    return out


def holds_seed(v) -> bool:
    if isinstance(v, np.ndarray):
        return v.dtype.kind in "iu" and bool((v == SEED).any())
    return v == SEED if isinstance(v, int | float) else str(SEED) in v


def plain(x) -> str:
    return json.dumps(x, sort_keys=True, default=lambda v: v.tolist())


def test_no_answer_to_a_player_carries_the_seed_and_the_game_is_the_stored_one(
    served, answers, monkeypatch, tmp_path
):
    info, key, url, _ = served
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path / "laptop"))
    fac = RemoteFacilitator(url, info.code, key)
    seat = seats.join(info.code, "Blue", server=url, announce=False)
    state = seat.resume()
    for n, d in enumerate(steps()):
        if state.is_over():
            break
        if n == 40:
            fac.act("inject", event="peak_brought_forward")
        try:
            state = seat.step(state, d)
        except IllegalDecision:  # this seed's game differs from the plan's: a refused click
            continue
        if n % 25 == 0:
            seat.session_state()
            seat.status()
    while not state.is_over():
        state = seat.step(state, EndWeek())
    coached = seat.coaching(state)
    card, deb, _ = analyse(state)
    again = seats.join(info.code, "Blue", server=url, announce=False).resume()
    scripted = seats.join(info.code, "Script", kind="headless", server=url, announce=False)
    setup = steps()[: next(n for n, d in enumerate(steps()) if d.kind == "start") + 1]
    played, _ = scripted.submit(setup, "plan", close=True)  # the server ends the weeks

    assert answers and not any(str(SEED) in a or '"seed"' in a for a in answers)
    for client in (seat, state, again, scripted, played, coached):
        assert not any(holds_seed(v) for v in held_values(client))
    assert state.seed == -1 and not state.batch.seeds.any() and played.is_over()

    # the client's game is the stored one bit for bit, and so is what the debrief shows
    store = ws.facilitate(info.code, key).store
    stored = [ws.decode(b) for b in store.log(store.team(info.id, "blue")["id"])]
    assert list(state.history) == stored == list(again.history)
    real = new_game(state.scenario, SEED).apply_all(stored)
    for name in real.batch.__dataclass_fields__:
        ours, theirs = getattr(state.batch, name), getattr(real.batch, name)
        if isinstance(ours, np.ndarray) and name != "seeds":
            assert np.array_equal(ours, theirs), name
    a, b = score(state.trace()).game(0), score(real.trace()).game(0)
    assert a["score"] == b["score"] and a["expected_score"] == b["expected_score"]
    assert coached == coach(real)
    assert plain((card, deb)) == plain(analyse(real)[:2])


def test_a_sealed_game_never_draws_from_another_seed():
    scenario = find_scenario("northwind-new-logo")
    bare = new_game(scenario, SealedSeed(Draws()))
    setup = [d for d in steps() if d.kind != "start"][:5]
    state = bare.apply_all(setup)  # in-week decisions draw nothing
    with pytest.raises(Undrawn):
        state.apply(next(d for d in steps() if d.kind == "start"))
    assert bare.batch.seeds.tolist() == [0] and int(bare.seed) == -1
    with pytest.raises((OverflowError, ValueError)):
        new_game(scenario, int(bare.seed))  # the bare number is no seed at all


def test_what_a_player_gets_of_the_draws_decides_the_same_and_says_little_else():
    from engine import rng
    from engine.compiled import CHECKLIST
    from engine.drawn import view_key

    scenario = find_scenario("northwind-new-logo")
    c = new_game(scenario, SEED).compiled
    got = used_draws(c, SEED, c.weeks, win_chance=0.6)
    r = c.rules
    skips = {r.underdeliver_base + r.underdeliver_per_skip * k for k in range(len(CHECKLIST) + 1)}
    assert set(got["1"].values()) <= {0.0, *map(float, c.e_prob)}
    assert set(got["2"].values()) <= {0.0, *skips}
    assert set(got["4"].values()) <= {0.0, 0.6}
    assert got["view"] == view_key(SEED) != SEED and str(rng.NOISE) not in got
    exact = used_draws(c, SEED, c.weeks, win_chance=0.6, exact=True)
    weeks = np.arange(1, c.weeks + 1)
    index = (weeks[:, None] * len(c.events) + np.arange(len(c.events))).ravel()
    u = rng.uniform(np.array([SEED], np.uint64), rng.EVENTS, index.astype(np.uint64))[0]
    for (i, v), p, real in zip(got["1"].items(), np.tile(c.e_prob, c.weeks), u, strict=True):
        assert (v < p) == (real < p) and exact["1"][i] == real


def test_a_session_created_without_a_seed_gets_one_nobody_can_try_every_value_of(home):
    seeds = {ws.create_session("northwind-new-logo")[0].seed for _ in range(3)}
    assert len(seeds) == 3 and max(seeds) > 2**40


def test_a_team_that_finished_early_learns_nothing_of_the_weeks_to_come():
    scenario = find_scenario("northwind-new-logo")
    c = new_game(scenario, SEED).compiled
    got = used_draws(c, SEED, 3, win_chance=0.5)
    events = {int(i) for i in got["1"]}
    assert max(events) < 4 * len(c.events)  # weeks 1-3 only
    assert "4" in got and "4" not in used_draws(c, SEED, 3)


def test_the_players_scenario_leaves_out_the_facilitator_notes(served, answers):
    info, key, url, _ = served
    full = find_scenario("northwind-new-logo")
    assert full.facilitator.hidden_truth
    seats.join(info.code, "Blue", server=url, announce=False)
    joined = json.loads(answers[0])
    text = joined["scenario_yaml"]
    assert "facilitator" not in yaml.safe_load(text)
    for secret in (full.facilitator.hidden_truth, full.facilitator.debrief_guide):
        assert secret[:60] not in text
    assert joined["play_hash"] == play_hash(full) and joined["content_hash"] == info.content_hash
    seat = seats.join(info.code, "Blue", server=url, announce=False)
    assert seat.scenario.facilitator.hidden_truth == ""
    assert seat.status().content_hash == info.content_hash  # shown as the session's

    edited = yaml.safe_load(text)
    edited["title"] += " (edited)"  # any change to what plays or shows
    tampered = yaml.safe_dump(edited, sort_keys=False)
    with pytest.raises(InputError) as exc:
        player_scenario(tampered, "tampered", joined["play_hash"])
    assert exc.value.codes == ["workshop.session"]
    board = RemoteFacilitator(url, info.code, key).remote.call(
        "GET",
        f"/sessions/{info.code}/facilitator",
        headers={"Authorization": f"Facilitator {key}"},
    )
    assert full.facilitator.hidden_truth[:60] in " ".join(board["scenario_yaml"].split())


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_has_a_player_copy_that_plays_the_same(path):
    from engine.loader import load_scenario

    full = load_scenario(path)
    copy = player_scenario(player_yaml(path.read_text(encoding="utf-8")), "copy", play_hash(full))
    assert copy.facilitator.hidden_truth == "" and copy.facilitator.debrief_guide == ""
    assert copy.model_dump(exclude={"facilitator"}) == full.model_dump(exclude={"facilitator"})


def test_a_plan_of_the_sessions_scenario_is_accepted_with_or_without_the_notes(served, tmp_path):
    info, _, url, _ = served
    scripted = seats.join(info.code, "Script", kind="headless", server=url, announce=False)
    from simulator.workshop.submit import _same_scenario

    _same_scenario(scripted, find_scenario("northwind-new-logo"))
    other = tmp_path / "other.yaml"
    other.write_text(player_yaml((ROOT / "scenarios" / "northwind_new_logo.yaml").read_text()))
    from engine.loader import load_scenario

    _same_scenario(scripted, load_scenario(other))
    with pytest.raises(InputError) as exc:
        _same_scenario(scripted, find_scenario("meridian-renewal"))
    assert exc.value.codes == ["workshop.session"]


def test_a_renamed_team_plays_on_and_keeps_its_passcode(served, monkeypatch, tmp_path):
    info, key, url, running = served
    monkeypatch.setattr(authority_module, "RENAME_CHECK_S", 0.0)
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path / "laptop"))
    seat = seats.join(info.code, "Blue", server=url, announce=False)
    state = seat.step(seat.resume(), steps()[0])
    fac = RemoteFacilitator(url, info.code, key)
    fac.console("team", op="rename", team="Blue", arg="Cobalt")

    state = seat.step(state, steps()[1])  # the running client follows the new name
    assert seat.team == "Cobalt" and len(state.history) == 2
    where = seats.where_of(url, None)
    assert seats.saved_passcode(where, info.code, "Cobalt") == seat._secret
    assert seats.saved_passcode(where, info.code, "Blue") is None

    fac.console("team", op="rename", team="Cobalt", arg="Navy")
    running.app[AUTHORITY]._seats.clear()  # a server that never saw this seat (a restart)
    assert len(seat.resume().history) == 2 and seat.team == "Navy"
    again = seats.join(info.code, "Navy", server=url, announce=False)  # no passcode typed
    assert again.passcode is None and len(again.resume().history) == 2

    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path / "stranger"))
    stranger = seats.join(info.code, "Mallory", server=url, announce=False)
    stranger.team, stranger.team_id = "Ghost", seat.team_id  # another's id opens nothing
    with pytest.raises(InputError) as exc:
        stranger.log()
    assert exc.value.codes == ["workshop.seat"]


def test_the_tui_plays_a_sealed_game_through_the_server(served, monkeypatch, tmp_path):
    """The week view (dashboard, week reports), the debrief with the server's coach and the
    timeline, in the app, on a seat that holds no seed; the week's end keyed in the UI."""
    import asyncio

    from support.app import make_app
    from textual.widgets import Static

    from simulator.saves import WorkshopSession
    from simulator.weekreport import week_report

    info, key, url, _ = served
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path / "laptop"))
    seat = seats.join(info.code, "Blue", server=url, announce=False)
    session = WorkshopSession(seat.resume(), None, {"workshop": info.code, "team": "Blue"})
    session.meta["title"] = seat.scenario.title
    session.team = seat
    for d in steps():
        if session.state.week >= 3:
            break
        session.apply(d)
    app = make_app(session)

    async def go():
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "WeekScreen"
            week = session.state.week
            app.action_end_week()
            for _ in range(20):
                await pilot.pause()
                if session.state.week > week or app.screen.query("ConfirmModal"):
                    break
            if session.state.week == week:  # an end-of-week confirmation
                await pilot.press("y")
                await pilot.pause()
            assert session.state.week == week + 1
            assert week_report(session.state, week).week == week
            await app.workers.wait_for_complete()
            app.action_debrief()
            await pilot.pause()
            for _ in range(50):
                await app.workers.wait_for_complete()
                await pilot.pause()
                text = str(app.screen.query_one("#debrief-coach", Static).render())
                if "Expected score" in text:
                    break
            assert "Expected score" in text
            assert not app.screen.check_action("replay", ())
            await pilot.press("escape")
            app.action_timeline()
            await pilot.pause()
            assert type(app.screen).__name__ == "TimelineScreen"
            assert app.screen.game_seed is None

    asyncio.run(go())
    real = new_game(session.state.scenario, SEED).apply_all(session.state.history)
    assert (
        score(real.trace()).game(0)["expected_score"]
        == (score(session.state.trace()).game(0)["expected_score"])
    )


def test_a_team_renamed_while_its_computer_was_off_is_found_again(served, monkeypatch, tmp_path):
    info, key, url, _ = served
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path / "laptop"))
    seat = seats.join(info.code, "Blue", server=url, announce=False)
    seat.step(seat.resume(), steps()[0])
    RemoteFacilitator(url, info.code, key).console("team", op="rename", team="Blue", arg="Cobalt")

    back = seats.join(info.code, "Blue", server=url, announce=False)  # the name they knew
    assert back.team == "Cobalt" and back.passcode is None and len(back.resume().history) == 1
    where = seats.where_of(url, None)
    assert seats.saved_passcode(where, info.code, "Cobalt") == seat._secret
    assert seats.saved_passcode(where, info.code, "Blue") is None
    store = ws.facilitate(info.code, key).store
    assert [t.name for t in store.team_counts(info.id)] == ["Cobalt"]  # no new "Blue"

    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path / "guesser"))
    for n in range(12):  # the id and a wrong passcode: counted, then limited
        with pytest.raises(InputError) as exc:
            Remote(url).call(
                "POST",
                f"/sessions/{info.code}/join",
                {"team": f"Ghost{n}", "passcode": "WRONG-PASS-CODE", "seat_id": seat.team_id},
            )
        assert exc.value.codes == ["workshop.seat" if n < 10 else "workshop.rate"]


@pytest.mark.e2e
def test_the_real_binary_plays_a_sealed_game_through_a_real_server(home, tmp_path, monkeypatch):
    """`workshop serve` and `play --join --server` as separate processes, the game in tmux:
    a week ended in the TUI and the debrief's coach from the server."""
    import os
    import shutil
    import subprocess
    import sys
    import time
    import uuid

    from support.server import free_port

    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    db = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    info, _ = ws.create_session("northwind-new-logo", seed=SEED, db=db)
    port, laptop = free_port(), tmp_path / "laptop"
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DEALCRAFT_DB=db, PYTHONPATH=str(ROOT))
    for name in ("DEALCRAFT_FACILITATOR_KEY", "DEALCRAFT_KEY"):
        env.pop(name, None)
    binary = Path(sys.executable).parent / "dealcraft"
    server = subprocess.Popen(
        [str(binary), "workshop", "serve", "--port", str(port), "--max-games", "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = ["-L", f"dealcraft-seed-{uuid.uuid4().hex[:8]}", "-f", os.devnull]

    def tmux(*args: str) -> str:
        return subprocess.run(["tmux", *socket, *args], capture_output=True, text=True).stdout

    def wait_for(text: str, timeout: float = 60.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = tmux("capture-pane", "-p", "-t", "game")
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared:\n{screen}")

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                Remote(url, timeout=1).call("GET", "/health")
                break
            except InputError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
        monkeypatch.setenv("DEALCRAFT_HOME", str(laptop))
        seat = seats.join(info.code, "Blue", server=url, announce=False)
        state = seat.resume()
        for d in steps():
            if state.week >= 2:
                break
            try:
                state = seat.step(state, d)
            except IllegalDecision:
                continue
        week = state.week
        game = f"env DEALCRAFT_HOME={laptop} TERM=xterm-256color {binary} play"
        game += f" --join {info.code} --team Blue --server {url}"
        tmux("new-session", "-d", "-s", "game", "-x", "120", "-y", "40", game)
        tmux("resize-window", "-t", "game", "-x", "120", "-y", "40")
        wait_for(f"workshop {info.code}")
        tmux("send-keys", "-t", "game", "e")
        end = time.monotonic() + 60
        while len(seat.log()) == len(state.history) and time.monotonic() < end:
            screen = tmux("capture-pane", "-p", "-t", "game")
            if "End week" in screen and "?" in screen:  # a confirmation
                tmux("send-keys", "-t", "game", "y")
            time.sleep(0.3)
        assert seat.resume().week == week + 1
        wait_for(f"Week {week + 1} begins")
        tmux("send-keys", "-t", "game", "d")
        wait_for("Expected score")  # the coach's summary, computed by the server
        pane = int(tmux("list-panes", "-t", "game", "-F", "#{pane_pid}").split()[0])
        tmux("kill-server")
        end = time.monotonic() + 15  # the window gone, the game ends (it used to hang)
        while time.monotonic() < end and Path(f"/proc/{pane}").exists():
            time.sleep(0.1)
        assert not Path(f"/proc/{pane}").exists()
    finally:
        tmux("kill-server")
        server.terminate()
        server.wait(30)


def test_on_one_laptop_a_renamed_team_is_found_by_its_kept_id(workshop_db):
    info, key = ws.create_session("northwind-new-logo", seed=SEED)
    seat = seats.join(info.code, "Blue", announce=False)
    seat.step(seat.resume(), steps()[0])
    from simulator.workshop.admin import team_op

    team_op(ws.facilitate(info.code, key), "rename", "Blue", "Cobalt")
    back = seats.join(info.code, "Blue", announce=False)
    assert back.team == "Cobalt" and len(back.resume().history) == 1
    where = seats.where_of(None, None)
    assert seats.saved_passcode(where, info.code, "Cobalt") is not None
    assert seats.saved_passcode(where, info.code, "Blue") is None


def test_a_plan_illegal_in_the_sessions_game_is_refused_at_its_line(served, capsys):
    """Through a server the plan is played there (this computer has no seed), and the
    refusal still names the plan file's line and column, those a local run names."""
    from engine.plan import parse_plan, play_plan
    from simulator.cli import main

    _, _, url, _ = served
    info, _ = ws.create_session("northwind-new-logo", name="Seed seven", seed=7)
    with pytest.raises(InputError) as local:  # Raj is pulled away with seed 7
        play_plan(find_scenario("northwind-new-logo"), parse_plan(PLAN), 7)
    want = local.value.problems[0]
    capsys.readouterr()
    argv = ["run", "northwind-new-logo", "--plan", str(PLAN), "--join", info.code]
    assert main([*argv, "--team", "Script", "--server", url]) == 1
    err = capsys.readouterr().err
    refusal = err.strip().splitlines()[-1]  # after the new team's passcode notice
    assert "Traceback" not in err and "[workshop.session]" in refusal
    assert refusal.startswith(f"{PLAN}:{want.line}:{want.col}:") and want.line > 1
    assert "seed" not in refusal
