"""Help on every screen, the command palette's game commands, themes, the mouse, and
replaying from a week then comparing the two runs."""

from __future__ import annotations

import asyncio

import pytest
from support.app import NORTHWIND_WEEKS, Driver, finished, make_app, northwind_game, play_weeks
from textual.color import Color
from textual.widgets import Markdown, Static

from engine.loader import find_scenario
from engine.log import GameLog
from scoring.scorecard import score

pytestmark = pytest.mark.usefixtures("fast_pilot")

SIZE = (100, 32)


def run(coro_fn, app):
    async def go():
        async with app.run_test(size=SIZE) as pilot:
            return await coro_fn(Driver(pilot))

    return asyncio.run(go())


@pytest.mark.parametrize(
    "setup, keys, screen, phrase",
    [
        ("team", (), "StaffingScreen", "Staffing and roles"),
        ("team", ("n",), "ConnectionsScreen", "Connection map"),
        ("planned", ("n", "n"), "PlanScreen", "The plan"),
        ("week", (), "WeekScreen", "The week"),
    ],
)
def test_help_explains_the_current_screen(home, setup, keys, screen, phrase):
    session = northwind_game(weeks=1) if setup == "week" else northwind_game(setup)

    async def go(d: Driver):
        await d.press(*keys)
        await d.wait_screen(screen)
        shown = d.app.screen
        await d.press("f1")
        await d.wait_screen("HelpScreen")
        help_ = d.app.screen
        assert phrase in help_.query_one(Markdown).source
        listed = str(help_.query_one("#help-body > Static", Static).content)
        for b in shown.BINDINGS:  # every key the screen answers to is listed
            if b.action.startswith("focused_key("):  # the move keys: listed under Everywhere
                assert "move in the panel with the focus" in listed
                continue
            assert b.description in listed
        await d.press("escape")
        await d.wait_screen(screen)
        await d.press("question_mark")
        await d.wait_screen("HelpScreen")

    run(go, make_app(session))


def test_palette_ends_the_week_and_theme_switches(home):
    session = northwind_game(weeks=1)

    async def go(d: Driver):
        await d.wait_screen("WeekScreen")
        theme = d.app.theme
        await d.press("ctrl+t")
        assert d.app.theme != theme
        await d.press("ctrl+p")
        await d.wait_screen("CommandPalette")
        await d.pilot.press(*"End week")
        await d.pilot.pause(0.3)
        await d.press("enter")
        await d.wait_screen("ConfirmModal")
        await d.press("y")
        await d.wait_screen("WeekScreen")
        assert d.app.session.state.week == 3

    run(go, make_app(session))


def test_mouse_toggles_staff_and_sorts(home):
    session = northwind_game("team")

    async def go(d: Driver):
        await d.wait_screen("StaffingScreen")
        table = d.app.screen.query_one("#roster")
        staffed = len(d.app.session.state.staffed())
        # a click on a row highlights it; a second click selects it (adds the person)
        row = table.get_row_index("ana")
        await d.pilot.click("#roster", offset=(6, row + 2))
        await d.pilot.pause()
        assert table.cursor_row == row
        await d.pilot.click("#roster", offset=(6, row + 2))
        await d.pilot.pause()
        assert "ana" in d.app.session.state.staffed()
        assert len(d.app.session.state.staffed()) == staffed + 1
        await d.pilot.click("#roster", offset=(20, 1))  # the Role header sorts
        await d.pilot.pause()
        assert d.app.screen.sort_by == 2

    run(go, make_app(session))


@pytest.mark.slow
def test_replay_from_a_week_then_compare(home):
    original = finished()

    async def go(d: Driver):
        await d.wait_screen("DebriefScreen")
        await d.press("r")
        await d.wait_screen("ChoiceModal")
        from textual.widgets import OptionList

        ol = d.app.screen.query_one(OptionList)
        week5 = next(
            ol.get_option_at_index(n).id
            for n in range(ol.option_count)
            if "Week 5" in str(ol.get_option_at_index(n).prompt)
        )
        assert await d.pick(ol, week5)
        await d.wait_screen("WeekScreen")
        branch = d.app.session
        assert branch.path != original.path
        assert branch.state.week == 5
        assert branch.state.history == original.state.history[: int(week5)]
        # different decisions this time: nothing but the negotiation in the last weeks
        later = {w: a for w, a in NORTHWIND_WEEKS.items() if w >= 9}
        await play_weeks(d, later)
        await d.wait_screen("DebriefScreen")
        await d.press("c")
        await d.wait_screen("CompareScreen")
        table = d.app.screen.query_one("#compare-table", Static).content
        return branch, table

    app = make_app(original)
    branch, table = run(go, app)
    assert branch.state.is_over()
    # the comparison shows both runs' real scores side by side
    labels, first, second = (list(c.cells) for c in table.columns[:3])
    n = labels.index("Score")
    assert (first[n], second[n]) == tuple(
        f"{score(s.state.trace()).game(0)['score']:.1f}" for s in (original, branch)
    )
    log = GameLog.load(branch.path)
    assert log.meta["parent"] == str(original.path)
    replayed = log.replay(original.scenario)
    assert score(replayed.trace()).game(0) == score(branch.state.trace()).game(0)


def test_picker_lists_extra_folders_caches_cards_and_reports_bad_files(home, tmp_path):
    import json
    import shutil

    from textual.widgets import OptionList

    from simulator.app import DealcraftApp

    extra = tmp_path / "mine"
    extra.mkdir()
    src = find_scenario("northwind_new_logo").source
    text = open(src, encoding="utf-8").read()
    (extra / "copy.yaml").write_text(
        text.replace("id: northwind-new-logo", "id: my-copy").replace(
            'title: "Northwind Logistics: the first deal"', 'title: "My own deal"'
        ),
        encoding="utf-8",
    )
    (extra / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    shutil.copy(src, extra / "same-id.yaml")  # a duplicate id is listed once

    async def go(d: Driver):
        await d.wait_screen("PickerScreen")
        ol = d.app.screen.query_one("#scenario-list", OptionList)
        titles = [
            str(ol.get_option_at_index(n).prompt).split("\n")[0] for n in range(ol.option_count)
        ]
        assert "My own deal" in titles
        assert titles.count("Northwind Logistics: the first deal") == 1
        assert any("could not be loaded" in (n.title or "") for n in d.app._notifications)

    run(go, DealcraftApp(scenario_dirs=[extra]))
    cache = json.loads((home / "cache" / "scenario-cards.json").read_text())
    assert any(k.endswith("copy.yaml") for k in cache["files"])
    assert not any(k.endswith("broken.yaml") for k in cache["files"])


def test_workshop_seat_stores_every_decision_and_shows_holds(home, tmp_path):
    from simulator.saves import WorkshopSession
    from simulator.workshop.session import create_session, facilitate, join

    db = f"sqlite:///{tmp_path / 'workshop.db'}"
    info, key = create_session("northwind_new_logo", seed=21, db=db)
    seat = WorkshopSession.join(info.code, "Blue <b>team</b>", db=db)

    async def go(d: Driver):
        await d.wait_screen("BriefingScreen")
        assert "team Blue <b>team</b>" in str(d.app.screen.title_text())
        await d.press("enter")
        await d.wait_screen("StaffingScreen")
        await d.staff("maya", "quarterback")
        facilitate(info.code, key, db=db).hold(0)  # may not start week 1
        await d.press("n", "n", "g")
        await d.wait_screen("ConfirmModal")  # one person, no economic buyer reached: warned
        await d.press("y")
        await d.wait_screen("PlanScreen")
        assert d.app.session.state.phase == "setup"
        assert any("holding every team" in n.message for n in d.app._notifications)

    run(go, make_app(seat))
    stored = join(info.code, "Blue <b>team</b>", db=db).log()
    assert [x.kind for x in stored] == ["staff", "assign"]
    assert not list((home / "saves").glob("*.json"))  # the store is the save


def test_event_log_shows_each_event_once_and_announces_new_ones(home):
    from textual.widgets import RichLog

    async def go(d: Driver):
        await d.wait_screen("WeekScreen")
        log = d.app.screen.query_one("#events", RichLog)
        assert "No news yet" in "\n".join(line.text for line in log.lines)
        await d.end_week()  # week 3 -> 4: the first event
        await d.end_week()  # week 4 -> 5: two more
        await d.wait_screen("WeekScreen")
        text = " ".join(" ".join(line.text for line in log.lines).split())  # unwrapped
        toasts = [n.title for n in d.app._notifications]
        return text, toasts

    text, toasts = run(go, make_app(northwind_game(weeks=2)))
    assert "No news yet" not in text
    for name in (
        "The COO wants results before peak season",
        "Our own budget is squeezed",
        "Routelogic offers a renewal discount",
    ):
        assert text.count(name) == 1
    assert "Week 5: Our own budget is squeezed" in toasts


def test_the_picker_opens_in_the_dealcraft_theme_and_a_switch_restyles_it(home):
    """The theme set before any screen exists styles the first frame (the app parses its
    stylesheets once for it); ctrl+t later restyles what is on screen."""
    from simulator.app import THEMES, DealcraftApp

    colours = {t.name: Color.parse(t.background) for t in THEMES}

    async def go(d: Driver):
        await d.wait_screen("PickerScreen")
        assert d.app.theme == "dealcraft"
        assert d.app.screen.styles.background == colours["dealcraft"]
        await d.press("ctrl+t")
        await d.pilot.pause()
        assert d.app.theme == "dealcraft-light"
        assert d.app.screen.styles.background == colours["dealcraft-light"]

    run(go, DealcraftApp())
