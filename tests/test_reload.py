"""Reload in place: saving the scenario file while playing it replays the game on it."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import simulator.app as app_module
from engine.lenient import replay_prefix
from engine.loader import load_scenario
from engine.log import GameLog
from simulator import reload
from simulator.app import DealcraftApp
from simulator.cli import main
from simulator.saves import Session
from simulator.warp import warp_state

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "northwind_new_logo.yaml"
PLAN = ROOT / "plans" / "northwind_new_logo.plan.yaml"
SEED = 2  # the plan's own seed: legal all the way
SLOW = (
    "    hours: 4\n    roles: [quarterback, solution_consultant]\n",
    "    hours: 30\n    roles: [quarterback, solution_consultant]\n",
)


def copy(tmp_path) -> Path:
    path = tmp_path / "northwind.yaml"
    shutil.copy(SCENARIO, path)
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1))


def test_replay_prefix_keeps_what_stays_legal_and_says_where_it_stopped(tmp_path):
    path = copy(tmp_path)
    state = warp_state(load_scenario(path), PLAN, 5, SEED)
    same, n, stop = replay_prefix(state.scenario, state.history, SEED)
    assert stop is None and n == len(state.history) and same.history == state.history
    edit(path, *SLOW)  # a discovery meeting now takes 30 hours
    changed = load_scenario(path)
    part, n, stop = replay_prefix(changed, state.history, SEED)
    assert stop is not None and n < len(state.history) and part.history == state.history[:n]
    assert stop.decision == state.history[n] and "hours" in stop.reason


def test_reload_outcomes(tmp_path, home):
    path = copy(tmp_path)
    session = Session.new(
        load_scenario(path), SEED, state=warp_state(load_scenario(path), PLAN, 4, SEED)
    )
    assert reload.reload(session, path).session is None  # unchanged file: nothing to do
    edit(path, 'the first deal"', 'the first deal (v2)"')
    out = reload.reload(session, path)
    assert out.session is not None and out.severity == "information"
    assert out.session.state.history == session.state.history and "all" in out.text
    assert out.session.scenario.content_hash != session.scenario.content_hash
    log = GameLog.load(out.session.path)  # a new save naming the new version and its origin
    assert log.content_hash == out.session.scenario.content_hash
    assert log.meta["reloaded_from"] == str(session.path)
    assert log.meta["previous_version"] == session.scenario.content_hash
    path.write_text(path.read_text().replace("weeks: 10", "weeks: nine", 1))
    bad = reload.reload(session, path)
    assert bad.session is None and bad.severity == "error" and "field.type" in bad.text


def test_watching_app_reloads_and_replays_on_save(tmp_path, home, monkeypatch):
    path = copy(tmp_path)
    notes: list[tuple[str, str]] = []
    monkeypatch.setattr(reload, "POLL", 0.05)

    async def drive(app: DealcraftApp) -> None:
        original = app.notify

        def notify(message, *a, **k):
            notes.append((k.get("title", ""), str(message)))
            return original(message, *a, **k)

        app.notify = notify
        async with app.run_test(size=(100, 32)) as pilot:
            for _ in range(100):
                if type(app.screen).__name__ == "WeekScreen":
                    break
                await pilot.pause(0.02)
            first = app.session
            edit(path, *SLOW)
            for _ in range(100):
                if app.session is not first:
                    break
                await pilot.pause(0.05)
            assert app.session is not first
            assert len(app.session.state.history) < len(first.state.history)
            path.write_text("id: [broken\n")
            for _ in range(100):
                if any(t == "Scenario not reloaded" for t, _ in notes):
                    break
                await pilot.pause(0.05)
            await pilot.press("ctrl+r")  # the key reloads at once: still broken, still kept
            await pilot.pause(0.1)

    opened: list[DealcraftApp] = []

    def run(self, *a, **k):
        opened.append(self)
        asyncio.run(drive(self))

    monkeypatch.setattr(app_module.DealcraftApp, "run", run)
    argv = ["play", str(path), "--plan", str(PLAN), "--warp", "5", "--seed", str(SEED), "--watch"]
    assert main(argv) == 0
    titles = [t for t, _ in notes]
    assert "Scenario reloaded" in titles
    reloaded = next(m for t, m in notes if t == "Scenario reloaded")
    assert "stopped at decision" in reloaded and "hours" in reloaded
    assert titles.count("Scenario not reloaded") >= 2
    assert any("yaml.syntax" in m for t, m in notes if t == "Scenario not reloaded")


def test_resume_after_an_edit_offers_the_replay(tmp_path, home, monkeypatch):
    path = copy(tmp_path)
    session = Session.new(
        load_scenario(path), SEED, state=warp_state(load_scenario(path), PLAN, 3, SEED)
    )
    save = session.path
    edit(path, 'the first deal"', 'the first deal (v2)"')
    assert reload.changed_save(save) is not None

    async def drive(app: DealcraftApp) -> None:
        async with app.run_test(size=(100, 32)) as pilot:
            for _ in range(50):
                if type(app.screen).__name__ == "ConfirmModal":
                    break
                await pilot.pause(0.02)
            assert type(app.screen).__name__ == "ConfirmModal"
            await pilot.press("y")
            for _ in range(50):
                if app.session is not None:
                    break
                await pilot.pause(0.02)

    opened: list[DealcraftApp] = []

    def run(self, *a, **k):
        opened.append(self)
        asyncio.run(drive(self))

    monkeypatch.setattr(app_module.DealcraftApp, "run", run)
    assert main(["play", "--resume", str(save)]) == 0
    [app] = opened
    assert app.session.state.history == session.state.history
    assert app.session.scenario.content_hash != session.scenario.content_hash
    assert GameLog.load(app.session.path).meta["resumed_from"] == str(save)
    # the old save itself is untouched, and still refused for exact replay elsewhere
    assert GameLog.load(save).content_hash == session.scenario.content_hash


def test_the_pickers_saved_games_offer_the_replay_after_an_edit(tmp_path, home):
    from support.app import make_app

    path = copy(tmp_path)
    scenario = load_scenario(path)
    session = Session.new(scenario, SEED, state=warp_state(scenario, PLAN, 3, SEED))
    edit(path, 'the first deal"', 'the first deal (v2)"')
    app = make_app()

    async def go():
        async with app.run_test(size=(100, 32)) as pilot:
            for _ in range(50):
                if type(app.screen).__name__ == "PickerScreen":
                    break
                await pilot.pause(0.02)
            await app.workers.wait_for_complete()
            picker = app.screen
            [info] = [i for i in picker.saves if i.path == session.path]
            picker.resume(info)
            await pilot.pause()
            assert type(app.screen).__name__ == "ConfirmModal"
            await pilot.press("y")
            for _ in range(50):
                if app.session is not None:
                    break
                await pilot.pause(0.02)

    asyncio.run(go())
    assert app.session.state.history == session.state.history
    assert app.session.scenario.content_hash != scenario.content_hash
